/*
 * replica.c - the device's encrypted local store; the client's only use
 * of SQLite.  The design is in replica.h.
 *
 * Invariants a reader would otherwise have to rediscover:
 * - Every column that could hold case content is a sealed blob; the
 *   plaintext columns are ids, names from the schema, seq, state, flags.
 * - A change's associated data is built from the row's own plaintext
 *   columns, and the decoded change must name the same record, field,
 *   device and seq: a blob copied into another row does not open.
 * - Every prepared statement is reset and its bindings cleared before the
 *   function that stepped it returns, so no read transaction outlives a
 *   call and no binding outlives the buffer it points to.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hex.h"
#include "iro_error.h"
#include "replica.h"
#include "wire.h"

#define REPLICA_FILE "replica.db"
/* Built under this name, then linked into place: a replica.db is either
 * complete or absent, whenever the process dies. */
#define REPLICA_TMP "replica.db.new"
#define REPLICA_SCHEMA 1
/* Not PATH_MAX: gcc's <limits.h> does #include_next <limits.h>, which
 * finds common/limits.h on the quote path instead of glibc's. */
#define REPLICA_PATH_MAX 4096
#define REPLICA_APP_ID 0x49524f52        /* "IROR" */
#define REPLICA_BUSY_MS 5000
#define REPLICA_KEY_AD "iro-replica-key-v1"
#define REPLICA_META_AD "meta:"
#define REPLICA_REASON_AD "reason:"
#define REPLICA_META_KEY_MAX 128
/* A damaged keyring must not make unlocking take hours or all memory. */
#define REPLICA_OPS_MAX 64
#define REPLICA_MEM_MAX (UINT64_C(1) << 30)
#define REPLICA_OPS_MIN 1
#define REPLICA_MEM_MIN 8192
/* record || field || NUL || device || seq (big-endian) */
#define CHANGE_AD_MAX (2 * LIMIT_ID_LEN + LIMIT_NAME_MAX + 1 + 8)

static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

static const char schema_sql[] =
	"CREATE TABLE keyring("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" salt BLOB NOT NULL, ops INTEGER NOT NULL, mem INTEGER NOT NULL,"
	" wrapped BLOB NOT NULL);"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, val BLOB NOT NULL);"
	"CREATE TABLE records(id BLOB PRIMARY KEY, type TEXT NOT NULL,"
	" flags INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE changes("
	" device BLOB NOT NULL, seq INTEGER NOT NULL,"
	" record BLOB NOT NULL REFERENCES records(id),"
	" field TEXT NOT NULL, state INTEGER NOT NULL, reason BLOB,"
	" blob BLOB NOT NULL, PRIMARY KEY (device, seq));"
	"CREATE INDEX changes_record ON changes(record);"
	"CREATE INDEX changes_state ON changes(state, seq);";

/* Every change-reading query selects these five columns in this order. */
#define CHANGE_COLS "device, seq, record, field, blob"

enum q {
	Q_KEYRING_PUT, Q_KEYRING_GET, Q_META_PUT, Q_META_GET, Q_REC_TYPE,
	Q_REC_ADD, Q_CH_ADD, Q_CH_GET, Q_CH_REPLACE, Q_CH_STATE, Q_CH_REASON,
	Q_CH_RECORD, Q_CH_PENDING, Q_CH_COUNT, Q_FLAGS_SET, Q_FLAGS_COUNT,
	Q_FLAGGED, Q_RECORDS, Q_RECORDS_TYPE, Q_N
};

static const char *const q_sql[Q_N] = {
	[Q_KEYRING_PUT] = "INSERT INTO keyring(id, salt, ops, mem, wrapped)"
	    " VALUES(1, ?1, ?2, ?3, ?4)",
	[Q_KEYRING_GET] = "SELECT salt, ops, mem, wrapped FROM keyring"
	    " WHERE id = 1",
	[Q_META_PUT] = "INSERT INTO meta(key, val) VALUES(?1, ?2)"
	    " ON CONFLICT(key) DO UPDATE SET val = excluded.val",
	[Q_META_GET] = "SELECT val FROM meta WHERE key = ?1",
	[Q_REC_TYPE] = "SELECT type FROM records WHERE id = ?1",
	[Q_REC_ADD] = "INSERT INTO records(id, type) VALUES(?1, ?2)",
	[Q_CH_ADD] = "INSERT INTO changes(device, seq, record, field, state,"
	    " blob) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT(device, seq) DO NOTHING",
	[Q_CH_GET] = "SELECT " CHANGE_COLS " FROM changes"
	    " WHERE device = ?1 AND seq = ?2",
	[Q_CH_REPLACE] = "UPDATE changes SET blob = ?3 WHERE device = ?1"
	    " AND seq = ?2 AND state = ?4 AND record = ?5 AND field = ?6"
	    " AND (SELECT type FROM records WHERE id = ?5) = ?7",
	[Q_CH_STATE] = "UPDATE changes SET state = ?3, reason = ?4"
	    " WHERE device = ?1 AND seq = ?2",
	[Q_CH_REASON] = "SELECT state, reason FROM changes"
	    " WHERE device = ?1 AND seq = ?2",
	[Q_CH_RECORD] = "SELECT " CHANGE_COLS " FROM changes"
	    " WHERE record = ?1 ORDER BY device, seq",
	[Q_CH_PENDING] = "SELECT " CHANGE_COLS " FROM changes"
	    " WHERE state = ?1 ORDER BY seq, device LIMIT ?2",
	[Q_CH_COUNT] = "SELECT count(*) FROM changes WHERE state = ?1",
	[Q_FLAGS_SET] = "UPDATE records SET flags = ?2 WHERE id = ?1",
	[Q_FLAGS_COUNT] = "SELECT count(*) FROM records"
	    " WHERE flags & ?1 <> 0",
	[Q_FLAGGED] = "SELECT id FROM records WHERE flags & ?1 <> 0"
	    " ORDER BY id",
	[Q_RECORDS] = "SELECT id FROM records ORDER BY id",
	[Q_RECORDS_TYPE] = "SELECT id FROM records WHERE type = ?1"
	    " ORDER BY id",
};

struct replica {
	sqlite3 *db;
	uint8_t *key;               /* CRYPTO_KEY_LEN bytes, secure memory */
	sqlite3_stmt *stmt[Q_N];    /* prepared on first use */
	char msg[512];
};

static int fail(struct replica *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct replica *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static int
map_sqlite(int src)
{
	switch (src & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return IRO_EBUSY;
	case SQLITE_NOMEM:
		return IRO_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return IRO_ECORRUPT;
	case SQLITE_TOOBIG:
		return IRO_ETOOBIG;
	default:
		return IRO_EIO;
	}
}

/* what: a verb phrase, e.g. "store a change". */
static int
fail_db(struct replica *r, int src, const char *what)
{
	const char *why = r->db != NULL ? sqlite3_errmsg(r->db) :
	    sqlite3_errstr(src);

	return fail(r, map_sqlite(src), "cannot %s in '" REPLICA_FILE "': %s",
	    what, why);
}

static int
fail_corrupt(struct replica *r, const char *what)
{
	return fail(r, IRO_ECORRUPT, "%s in '" REPLICA_FILE "' is damaged or "
	    "was tampered with", what);
}

static int
exec(struct replica *r, const char *sql, const char *what)
{
	int src = sqlite3_exec(r->db, sql, NULL, NULL, NULL);

	return src == SQLITE_OK ? 0 : fail_db(r, src, what);
}

static int
prep(struct replica *r, enum q id, sqlite3_stmt **out)
{
	int src;

	*out = NULL;
	if (r->stmt[id] == NULL) {
		src = sqlite3_prepare_v3(r->db, q_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &r->stmt[id], NULL);
		if (src != SQLITE_OK)
			return fail_db(r, src, "prepare a query");
	}
	*out = r->stmt[id];
	return 0;
}

static void
done(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* 1 for a row, 0 when done, or a negative error. */
static int
step(struct replica *r, sqlite3_stmt *st, const char *what)
{
	int src = sqlite3_step(st);

	if (src == SQLITE_ROW)
		return 1;
	if (src == SQLITE_DONE)
		return 0;
	return fail_db(r, src, what);
}

/*
 * Prepare query id (once per handle) and bind ?1, ?2, ... from the
 * arguments, one per letter of fmt: 'd' an id (const uint8_t *, of
 * LIMIT_ID_LEN bytes), 'b' a blob (const void *, size_t; NULL binds
 * SQL NULL), 't' text (const char *), 'i' an int64_t.  Bindings borrow
 * their buffers until done(*out).
 */
static int
query(struct replica *r, enum q id, sqlite3_stmt **out, const char *fmt,
    ...)
{
	sqlite3_stmt *st;
	const void *p;
	va_list ap;
	size_t n;
	int i, src = SQLITE_OK;

	if ((i = prep(r, id, out)) != 0)
		return i;
	st = *out;
	va_start(ap, fmt);
	for (i = 1; *fmt != '\0' && src == SQLITE_OK; fmt++, i++) {
		switch (*fmt) {
		case 'd':
			p = va_arg(ap, const uint8_t *);
			src = sqlite3_bind_blob(st, i, p, LIMIT_ID_LEN,
			    SQLITE_STATIC);
			break;
		case 'b':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			src = p != NULL ? sqlite3_bind_blob64(st, i, p, n,
			    SQLITE_STATIC) : sqlite3_bind_null(st, i);
			break;
		case 't':
			src = sqlite3_bind_text(st, i, va_arg(ap, const char *),
			    -1, SQLITE_STATIC);
			break;
		case 'i':
			src = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		default:
			src = SQLITE_MISUSE;
			break;
		}
	}
	va_end(ap);
	if (src != SQLITE_OK) {
		done(st);
		return fail_db(r, src, "run a query");
	}
	return 0;
}

/* A blob column of exactly len bytes, or NULL. */
static const uint8_t *
col_fixed(sqlite3_stmt *st, int i, size_t len)
{
	const void *p;

	if (sqlite3_column_type(st, i) != SQLITE_BLOB)
		return NULL;
	p = sqlite3_column_blob(st, i);
	if ((size_t)sqlite3_column_bytes(st, i) != len)
		return NULL;
	return p;
}

/*
 * Open the sealed blob in column i.  Returns 0, IRO_ENOMEM, or
 * IRO_ECORRUPT with no message set: the caller names what is damaged.
 */
static int
col_unseal(struct replica *r, sqlite3_stmt *st, int i, const uint8_t *ad,
    size_t adlen, uint8_t **out, size_t *outlen)
{
	const void *p;
	int n;

	*out = NULL;
	*outlen = 0;
	if (sqlite3_column_type(st, i) != SQLITE_BLOB)
		return IRO_ECORRUPT;
	p = sqlite3_column_blob(st, i);
	n = sqlite3_column_bytes(st, i);
	if (p == NULL || n < CRYPTO_SEAL_OVERHEAD)
		return IRO_ECORRUPT;
	return crypto_open(r->key, p, (size_t)n, ad, adlen, out, outlen);
}

/* A text column of 1..max bytes without NUL, or NULL. */
static const char *
col_name(sqlite3_stmt *st, int i, size_t max)
{
	const char *s;
	int n;

	if (sqlite3_column_type(st, i) != SQLITE_TEXT)
		return NULL;
	s = (const char *)sqlite3_column_text(st, i);
	n = sqlite3_column_bytes(st, i);
	if (s == NULL || n < 1 || (size_t)n > max || strlen(s) != (size_t)n)
		return NULL;
	return s;
}

static void
be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* field must be at most LIMIT_NAME_MAX bytes (checked by the caller). */
static size_t
change_ad(const uint8_t record[LIMIT_ID_LEN], const char *field,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq,
    uint8_t ad[CHANGE_AD_MAX])
{
	size_t flen = strlen(field), n = 0;

	memcpy(ad, record, LIMIT_ID_LEN);
	n += LIMIT_ID_LEN;
	memcpy(ad + n, field, flen + 1);
	n += flen + 1;
	memcpy(ad + n, device, LIMIT_ID_LEN);
	n += LIMIT_ID_LEN;
	be64(ad + n, seq);
	return n + 8;
}

static size_t
reason_ad(const uint8_t device[LIMIT_ID_LEN], uint64_t seq,
    uint8_t ad[sizeof(REPLICA_REASON_AD) - 1 + LIMIT_ID_LEN + 8])
{
	size_t n = sizeof(REPLICA_REASON_AD) - 1;

	memcpy(ad, REPLICA_REASON_AD, n);
	memcpy(ad + n, device, LIMIT_ID_LEN);
	be64(ad + n + LIMIT_ID_LEN, seq);
	return n + LIMIT_ID_LEN + 8;
}

/* ---- handles, files and transactions ---------------------------------- */

static void
db_close(struct replica *r)
{
	size_t i;

	for (i = 0; i < Q_N; i++) {
		sqlite3_finalize(r->stmt[i]);
		r->stmt[i] = NULL;
	}
	sqlite3_close_v2(r->db);
	r->db = NULL;
}

void
replica_close(struct replica *r)
{
	if (r == NULL)
		return;
	db_close(r);
	crypto_secure_free(r->key);   /* wipes */
	free(r);
}

const char *
replica_errmsg(const struct replica *r)
{
	return r != NULL ? r->msg : "";
}

static int
path_join(struct replica *r, char *buf, const char *dir, const char *name)
{
	int n = snprintf(buf, REPLICA_PATH_MAX, "%s/%s", dir, name);

	/* Room is left for the longest SQLite suffix, "-journal". */
	if (n < 0 || (size_t)n + sizeof("-journal") > REPLICA_PATH_MAX)
		return fail(r, IRO_EINVAL, "path too long: '%s'", dir);
	return 0;
}

/* Remove base and its SQLite companions; ENOENT is not an error. */
static int
remove_files(const char *base)
{
	char p[REPLICA_PATH_MAX];
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (snprintf(p, sizeof(p), "%s%s", base, suffixes[i]) >=
		    (int)sizeof(p))
			return IRO_EINVAL;
		if (unlink(p) != 0 && errno != ENOENT)
			rc = IRO_EIO;
	}
	return rc;
}

/* mkdir -p; the last component, if created, is made exactly 0700. */
static int
make_dir(struct replica *r, const char *dir, int *created)
{
	char p[REPLICA_PATH_MAX];
	struct stat st;
	size_t i, n = strlen(dir);

	*created = 0;
	if (n == 0 || n >= sizeof(p))
		return fail(r, IRO_EINVAL, "bad directory name '%s'", dir);
	memcpy(p, dir, n + 1);
	for (i = 1; i < n; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return fail(r, IRO_EIO, "cannot create '%s': %s", p,
			    strerror(errno));
		p[i] = '/';
	}
	if (mkdir(dir, 0700) == 0) {
		*created = 1;
		if (chmod(dir, 0700) != 0)
			return fail(r, IRO_EIO, "cannot protect '%s': %s", dir,
			    strerror(errno));
	} else if (errno != EEXIST) {
		return fail(r, IRO_EIO, "cannot create '%s': %s", dir,
		    strerror(errno));
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return fail(r, IRO_EIO, "'%s' is not a directory", dir);
	return 0;
}

/* An empty file, exactly 0600 whatever the umask, for SQLite to fill. */
static int
make_file(struct replica *r, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);

	if (fd < 0)
		return fail(r, IRO_EIO, "cannot create '%s': %s", path,
		    strerror(errno));
	if (fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		return fail(r, IRO_EIO, "cannot create '%s': %s", path,
		    strerror(e));
	}
	if (close(fd) != 0)
		return fail(r, IRO_EIO, "cannot create '%s': %s", path,
		    strerror(errno));
	return 0;
}

/* Make a completed rename/link durable; best effort where unsupported. */
static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

static int
pragma_i64(struct replica *r, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int src, rc;

	*out = 0;
	src = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return fail_db(r, src, "read the file header");
	rc = step(r, st, "read the file header");
	if (rc == 1) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = fail_corrupt(r, "the file header");
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Open path (which must exist) and configure the connection.  wal = 0 is
 * for the file being built: it stays in rollback-journal mode until it is
 * in place, so closing it leaves no -wal file to lose.
 */
static int
attach(struct replica *r, const char *path, int wal, int check_version)
{
	int64_t app = 0, ver = 0;
	int src, rc;

	src = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, NULL);
	if (src != SQLITE_OK)
		return fail(r, map_sqlite(src), "cannot open '%s': %s", path,
		    r->db != NULL ? sqlite3_errmsg(r->db) : sqlite3_errstr(src));
	sqlite3_busy_timeout(r->db, REPLICA_BUSY_MS);
	/* The file is input: no schema tricks, no functions in triggers. */
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	if (check_version) {
		/* Before anything writes to it: a foreign file stays as it is. */
		if ((rc = pragma_i64(r, "PRAGMA application_id", &app)) != 0 ||
		    (rc = pragma_i64(r, "PRAGMA user_version", &ver)) != 0)
			return rc;
		if (app != REPLICA_APP_ID)
			return fail(r, IRO_EVERSION,
			    "'%s' is not an iro replica", path);
		if (ver != REPLICA_SCHEMA)
			return fail(r, IRO_EVERSION, "'%s' has format %lld, this "
			    "version reads %d", path, (long long)ver,
			    REPLICA_SCHEMA);
	}
	if ((rc = exec(r, "PRAGMA foreign_keys = ON;"
	    "PRAGMA secure_delete = ON;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA temp_store = MEMORY;", "configure the database")) != 0)
		return rc;
	if (wal) {
		sqlite3_stmt *st = NULL;
		const char *mode;

		src = sqlite3_prepare_v2(r->db, "PRAGMA journal_mode = WAL", -1,
		    &st, NULL);
		if (src != SQLITE_OK)
			return fail_db(r, src, "enable write-ahead logging");
		rc = step(r, st, "enable write-ahead logging");
		mode = rc == 1 ? (const char *)sqlite3_column_text(st, 0) :
		    NULL;
		if (rc >= 0 && (mode == NULL || strcmp(mode, "wal") != 0))
			rc = fail(r, IRO_EIO, "cannot enable write-ahead "
			    "logging in '%s'", path);
		sqlite3_finalize(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
replica_exists(const char *dir, int *out)
{
	char p[REPLICA_PATH_MAX];
	struct stat st;

	*out = 0;
	if (snprintf(p, sizeof(p), "%s/%s", dir, REPLICA_FILE) >=
	    (int)sizeof(p))
		return IRO_EINVAL;
	if (lstat(p, &st) == 0) {
		*out = 1;
		return 0;
	}
	return errno == ENOENT || errno == ENOTDIR ? 0 : IRO_EIO;
}

int
replica_destroy(const char *dir)
{
	char p[REPLICA_PATH_MAX];
	int rc, rc2;

	if (snprintf(p, sizeof(p), "%s/%s", dir, REPLICA_FILE) >=
	    (int)sizeof(p))
		return IRO_EINVAL;
	rc = remove_files(p);
	snprintf(p, sizeof(p), "%s/%s", dir, REPLICA_TMP);
	rc2 = remove_files(p);
	return rc != 0 ? rc : rc2;
}

int
replica_begin(struct replica *r)
{
	if (!sqlite3_get_autocommit(r->db))
		return fail(r, IRO_EINVAL, "a transaction is already open");
	return exec(r, "BEGIN IMMEDIATE", "start a transaction");
}

int
replica_commit(struct replica *r)
{
	int rc = exec(r, "COMMIT", "commit");

	if (rc != 0)
		replica_rollback(r);
	return rc;
}

void
replica_rollback(struct replica *r)
{
	if (r != NULL && r->db != NULL && !sqlite3_get_autocommit(r->db))
		(void)sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * A function that writes more than one row makes them atomic: its own
 * transaction if none is open (IMMEDIATE, so it never meets a stale
 * snapshot), else a savepoint inside the caller's.
 */
static int
wr_begin(struct replica *r, int *own)
{
	*own = sqlite3_get_autocommit(r->db);
	return exec(r, *own ? "BEGIN IMMEDIATE" : "SAVEPOINT replica_wr",
	    "start a transaction");
}

static int
wr_end(struct replica *r, int own, int rc)
{
	if (rc == 0) {
		rc = exec(r, own ? "COMMIT" : "RELEASE replica_wr", "commit");
		if (rc == 0)
			return 0;
	}
	if (own)
		(void)sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	else
		(void)sqlite3_exec(r->db, "ROLLBACK TO replica_wr;"
		    "RELEASE replica_wr", NULL, NULL, NULL);
	return rc;
}

/* ---- the data key ----------------------------------------------------- */

/* Wrap r->key under a key derived from pass, and store it with its salt
 * and cost.  The KEK exists only inside this function. */
static int
keyring_put(struct replica *r, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf)
{
	uint8_t salt[CRYPTO_SALT_LEN], *kek = NULL, *wrapped = NULL;
	size_t wlen = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	if (kdf->opslimit < REPLICA_OPS_MIN || kdf->opslimit > REPLICA_OPS_MAX ||
	    kdf->memlimit < REPLICA_MEM_MIN || kdf->memlimit > REPLICA_MEM_MAX)
		return fail(r, IRO_EINVAL, "key derivation cost out of range");
	crypto_random(salt, sizeof(salt));
	if ((kek = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL)
		return fail(r, IRO_ENOMEM, "out of memory");
	rc = crypto_kdf(pass, passlen, salt, kdf, kek);
	if (rc == 0)
		rc = crypto_seal(kek, r->key, CRYPTO_KEY_LEN,
		    (const uint8_t *)REPLICA_KEY_AD, sizeof(REPLICA_KEY_AD) - 1,
		    &wrapped, &wlen);
	crypto_secure_free(kek);
	if (rc != 0) {
		rc = fail(r, rc, "cannot derive a key from the passphrase: %s",
		    iro_strerror(rc));
		goto out;
	}
	if ((rc = query(r, Q_KEYRING_PUT, &st, "biib", salt, sizeof(salt),
	    (int64_t)kdf->opslimit, (int64_t)kdf->memlimit, wrapped,
	    wlen)) == 0 && (rc = step(r, st, "store the key")) > 0)
		rc = 0;
out:
	done(st);
	free(wrapped);
	return rc;
}

/* Read the keyring and unwrap the data key into r->key. */
static int
keyring_open(struct replica *r, const char *pass, size_t passlen)
{
	uint8_t salt[CRYPTO_SALT_LEN], *kek = NULL, *key = NULL;
	uint8_t wrapped[CRYPTO_KEY_LEN + CRYPTO_SEAL_OVERHEAD];
	struct crypto_kdf_params kdf;
	const uint8_t *s, *w;
	sqlite3_stmt *st = NULL;
	size_t klen = 0;
	int rc;

	if ((rc = query(r, Q_KEYRING_GET, &st, "")) != 0)
		return rc;
	if ((rc = step(r, st, "read the key")) == 0)
		rc = fail_corrupt(r, "the keyring");
	if (rc < 0)
		goto out;
	s = col_fixed(st, 0, sizeof(salt));
	w = col_fixed(st, 3, sizeof(wrapped));
	kdf.opslimit = (uint64_t)sqlite3_column_int64(st, 1);
	kdf.memlimit = (uint64_t)sqlite3_column_int64(st, 2);
	if (s == NULL || w == NULL || kdf.opslimit < REPLICA_OPS_MIN ||
	    kdf.opslimit > REPLICA_OPS_MAX || kdf.memlimit < REPLICA_MEM_MIN ||
	    kdf.memlimit > REPLICA_MEM_MAX) {
		rc = fail_corrupt(r, "the keyring");
		goto out;
	}
	memcpy(salt, s, sizeof(salt));
	memcpy(wrapped, w, sizeof(wrapped));
	done(st);
	st = NULL;
	/* The slow part runs with no statement (and no read lock) open. */
	if ((kek = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL ||
	    (r->key = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL) {
		rc = fail(r, IRO_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = crypto_kdf(pass, passlen, salt, &kdf, kek)) != 0) {
		rc = fail(r, rc, "cannot derive a key from the passphrase: %s",
		    iro_strerror(rc));
		goto out;
	}
	rc = crypto_open(kek, wrapped, sizeof(wrapped),
	    (const uint8_t *)REPLICA_KEY_AD, sizeof(REPLICA_KEY_AD) - 1, &key,
	    &klen);
	if (rc == IRO_ECORRUPT || (rc == 0 && klen != CRYPTO_KEY_LEN)) {
		rc = fail(r, IRO_EAUTH, "wrong passphrase");
		goto out;
	}
	if (rc != 0) {
		rc = fail(r, rc, "cannot unlock the replica: %s",
		    iro_strerror(rc));
		goto out;
	}
	memcpy(r->key, key, CRYPTO_KEY_LEN);
out:
	done(st);
	crypto_secure_free(kek);
	if (key != NULL) {
		crypto_wipe(key, klen);
		free(key);
	}
	if (rc != 0) {
		crypto_secure_free(r->key);
		r->key = NULL;
	}
	return rc;
}

/* Build the complete replica at tmp: schema, version, wrapped key. */
static int
build(struct replica *r, const char *tmp, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf)
{
	char sql[128];
	int rc;

	if ((rc = make_file(r, tmp)) != 0 || (rc = attach(r, tmp, 0, 0)) != 0)
		return rc;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	    "PRAGMA user_version = %d;", REPLICA_APP_ID, REPLICA_SCHEMA);
	if ((rc = exec(r, "BEGIN IMMEDIATE", "start a transaction")) != 0)
		return rc;
	if ((rc = exec(r, schema_sql, "create the tables")) != 0 ||
	    (rc = exec(r, sql, "write the file header")) != 0 ||
	    (rc = keyring_put(r, pass, passlen, kdf)) != 0 ||
	    (rc = exec(r, "COMMIT", "commit")) != 0) {
		(void)sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	db_close(r);
	return 0;
}

static void
report(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

static struct replica *
replica_new(char *err, size_t errlen)
{
	struct replica *r;

	report(err, errlen, "");
	if (crypto_init() != 0) {
		report(err, errlen, "cannot initialise libsodium");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		report(err, errlen, "out of memory");
	return r;
}

int
replica_create(const char *dir, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf, struct replica **out, char *err,
    size_t errlen)
{
	char path[REPLICA_PATH_MAX], tmp[REPLICA_PATH_MAX];
	struct crypto_kdf_params def;
	struct replica *r;
	int rc, made_dir = 0, built = 0, linked = 0, exists = 0;

	*out = NULL;
	if ((r = replica_new(err, errlen)) == NULL)
		return IRO_ENOMEM;
	if (kdf == NULL) {
		crypto_kdf_default(&def);
		kdf = &def;
	}
	if ((rc = path_join(r, path, dir, REPLICA_FILE)) != 0 ||
	    (rc = path_join(r, tmp, dir, REPLICA_TMP)) != 0 ||
	    (rc = make_dir(r, dir, &made_dir)) != 0)
		goto fail;
	if ((rc = replica_exists(dir, &exists)) != 0 || exists) {
		rc = exists ? fail(r, IRO_EEXIST, "a replica already exists "
		    "in '%s'", dir) : fail(r, rc, "cannot look in '%s': %s",
		    dir, strerror(errno));
		goto fail;
	}
	/* Anything at tmp is left from a creation that died half-way. */
	if (remove_files(tmp) != 0) {
		rc = fail(r, IRO_EIO, "cannot remove '%s': %s", tmp,
		    strerror(errno));
		goto fail;
	}
	built = 1;
	if ((r->key = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL) {
		rc = fail(r, IRO_ENOMEM, "out of memory");
		goto fail;
	}
	crypto_random(r->key, CRYPTO_KEY_LEN);
	if ((rc = build(r, tmp, pass, passlen, kdf)) != 0)
		goto fail;
	/* link() never replaces: a replica made meanwhile is kept. */
	if (link(tmp, path) != 0) {
		rc = errno == EEXIST ? fail(r, IRO_EEXIST, "a replica already "
		    "exists in '%s'", dir) : fail(r, IRO_EIO, "cannot create "
		    "'%s': %s", path, strerror(errno));
		goto fail;
	}
	linked = 1;
	(void)unlink(tmp);
	sync_dir(dir);
	if ((rc = attach(r, path, 1, 1)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	report(err, errlen, r->msg);
	replica_close(r);
	if (built)
		(void)remove_files(tmp);
	if (linked)
		(void)remove_files(path);
	if (made_dir)
		(void)rmdir(dir);
	return rc;
}

int
replica_open(const char *dir, const char *pass, size_t passlen,
    struct replica **out, char *err, size_t errlen)
{
	char path[REPLICA_PATH_MAX];
	struct replica *r;
	int rc, exists = 0;

	*out = NULL;
	if ((r = replica_new(err, errlen)) == NULL)
		return IRO_ENOMEM;
	if ((rc = path_join(r, path, dir, REPLICA_FILE)) != 0)
		goto fail;
	if ((rc = replica_exists(dir, &exists)) != 0 || !exists) {
		rc = exists ? fail(r, rc, "cannot look in '%s': %s", dir,
		    strerror(errno)) : fail(r, IRO_ENOTENROLLED,
		    "no replica in '%s'", dir);
		goto fail;
	}
	if ((rc = attach(r, path, 1, 1)) != 0 ||
	    (rc = keyring_open(r, pass, passlen)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	report(err, errlen, r->msg);
	replica_close(r);
	return rc;
}

/* ---- meta ------------------------------------------------------------- */

/* Keys are 1..REPLICA_META_KEY_MAX visible ASCII characters. */
static int
meta_ad(struct replica *r, const char *key,
    uint8_t ad[sizeof(REPLICA_META_AD) - 1 + REPLICA_META_KEY_MAX],
    size_t *adlen)
{
	size_t n = sizeof(REPLICA_META_AD) - 1, i;

	*adlen = 0;
	for (i = 0; key != NULL && key[i] != '\0'; i++)
		if (i >= REPLICA_META_KEY_MAX || key[i] < 0x21 || key[i] > 0x7e)
			break;
	if (key == NULL || i == 0 || key[i] != '\0')
		return fail(r, IRO_EINVAL, "bad meta key");
	memcpy(ad, REPLICA_META_AD, n);
	memcpy(ad + n, key, i);
	*adlen = n + i;
	return 0;
}

int
replica_meta_put(struct replica *r, const char *key, const void *val,
    size_t len)
{
	uint8_t ad[sizeof(REPLICA_META_AD) - 1 + REPLICA_META_KEY_MAX];
	uint8_t *sealed = NULL;
	sqlite3_stmt *st = NULL;
	size_t adlen, slen = 0;
	int rc;

	if ((rc = meta_ad(r, key, ad, &adlen)) != 0)
		return rc;
	if (len > REPLICA_META_MAX)
		return fail(r, IRO_ETOOBIG, "meta value '%s' too long", key);
	if ((rc = crypto_seal(r->key, val, len, ad, adlen, &sealed, &slen)) != 0)
		return fail(r, rc, "cannot encrypt '%s': %s", key,
		    iro_strerror(rc));
	if ((rc = query(r, Q_META_PUT, &st, "tb", key, sealed, slen)) == 0 &&
	    (rc = step(r, st, "store a setting")) > 0)
		rc = 0;
	done(st);
	free(sealed);
	return rc;
}

int
replica_meta_get(struct replica *r, const char *key, uint8_t **out,
    size_t *len)
{
	uint8_t ad[sizeof(REPLICA_META_AD) - 1 + REPLICA_META_KEY_MAX];
	sqlite3_stmt *st = NULL;
	size_t adlen;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = meta_ad(r, key, ad, &adlen)) != 0 ||
	    (rc = query(r, Q_META_GET, &st, "t", key)) != 0)
		return rc;
	if ((rc = step(r, st, "read a setting")) == 0)
		rc = fail(r, IRO_ENOTFOUND, "'%s' is not set", key);
	if (rc < 0)
		goto out;
	if ((rc = col_unseal(r, st, 0, ad, adlen, out, len)) == IRO_ECORRUPT)
		rc = fail(r, rc, "setting '%s' in '" REPLICA_FILE "' is damaged "
		    "or was tampered with", key);
	else if (rc != 0)
		rc = fail(r, rc, "out of memory");
out:
	done(st);
	return rc;
}

int
replica_meta_put_u64(struct replica *r, const char *key, uint64_t v)
{
	uint8_t buf[8];

	be64(buf, v);
	return replica_meta_put(r, key, buf, sizeof(buf));
}

int
replica_meta_get_u64(struct replica *r, const char *key, uint64_t *v)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	*v = 0;
	rc = replica_meta_get(r, key, &buf, &len);
	if (rc == IRO_ENOTFOUND) {
		r->msg[0] = '\0';
		return 0;
	}
	if (rc != 0)
		return rc;
	if (len == 8)
		*v = get_be64(buf);
	else
		rc = fail(r, IRO_ECORRUPT, "setting '%s' is not a number", key);
	free(buf);
	return rc;
}

/* ---- changes ---------------------------------------------------------- */

static int
name_ok(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	return n > 0 && n < size;
}

/* Names that fit, a seq SQLite can hold, and nothing the decoder would
 * refuse on the way back out. */
static int
change_ok(struct replica *r, const struct change *c)
{
	char why[128];

	if (!name_ok(c->type, sizeof(c->type)) ||
	    !name_ok(c->field, sizeof(c->field)))
		return fail(r, IRO_EINVAL, "change without a valid type or "
		    "field name");
	if (c->seq < 1 || c->seq > INT64_MAX)
		return fail(r, IRO_EINVAL, "change seq %llu out of range",
		    (unsigned long long)c->seq);
	if (change_check(c, why, sizeof(why)) != 0)
		return fail(r, IRO_EINVAL, "invalid change: %s", why);
	return 0;
}

static int
state_ok(struct replica *r, enum replica_state s)
{
	if (s != REPLICA_REMOTE && s != REPLICA_PENDING && s != REPLICA_ACKED &&
	    s != REPLICA_REFUSED)
		return fail(r, IRO_EINVAL, "bad change state %d", (int)s);
	return 0;
}

/* The change's wire encoding, sealed to its row.  Caller frees *out. */
static int
seal_change(struct replica *r, const struct change *c, uint8_t **out,
    size_t *outlen)
{
	uint8_t ad[CHANGE_AD_MAX], *enc = NULL;
	size_t adlen, enclen = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	if ((rc = wire_encode_change(c, &enc, &enclen)) != 0)
		return fail(r, rc, "cannot encode a change: %s",
		    iro_strerror(rc));
	adlen = change_ad(c->record, c->field, c->ts.device, c->seq, ad);
	rc = crypto_seal(r->key, enc, enclen, ad, adlen, out, outlen);
	crypto_wipe(enc, enclen);
	free(enc);
	if (rc != 0)
		return fail(r, rc, "cannot encrypt a change: %s",
		    iro_strerror(rc));
	return 0;
}

static int
corrupt_change(struct replica *r, const uint8_t *device, int64_t seq)
{
	char hex[2 * LIMIT_ID_LEN + 1] = "?";

	if (device != NULL)
		hex_encode(device, LIMIT_ID_LEN, hex);
	return fail(r, IRO_ECORRUPT, "change %s/%lld in '" REPLICA_FILE
	    "' is damaged or was tampered with", hex, (long long)seq);
}

/*
 * Decrypt the current row of a CHANGE_COLS query into *out, which is
 * initialised here.  The associated data comes from the row's plaintext
 * columns and the decoded change must agree with them.
 */
static int
row_change(struct replica *r, sqlite3_stmt *st, struct change *out)
{
	uint8_t ad[CHANGE_AD_MAX], *plain = NULL;
	const uint8_t *dev, *rec;
	const char *field;
	char why[128];
	size_t adlen, plen = 0;
	int64_t seq;
	int rc;

	change_init(out);
	dev = col_fixed(st, 0, LIMIT_ID_LEN);
	seq = sqlite3_column_int64(st, 1);
	rec = col_fixed(st, 2, LIMIT_ID_LEN);
	field = col_name(st, 3, LIMIT_NAME_MAX);
	if (dev == NULL || rec == NULL || field == NULL ||
	    sqlite3_column_type(st, 1) != SQLITE_INTEGER || seq < 1)
		return corrupt_change(r, dev, seq);
	adlen = change_ad(rec, field, dev, (uint64_t)seq, ad);
	if ((rc = col_unseal(r, st, 4, ad, adlen, &plain, &plen)) == 0) {
		rc = wire_decode_change(plain, plen, out, why, sizeof(why));
		crypto_wipe(plain, plen);
		free(plain);
	}
	if (rc == IRO_ENOMEM)
		return fail(r, rc, "out of memory");
	if (rc != 0 || out->seq != (uint64_t)seq ||
	    memcmp(out->ts.device, dev, LIMIT_ID_LEN) != 0 ||
	    memcmp(out->record, rec, LIMIT_ID_LEN) != 0 ||
	    strcmp(out->field, field) != 0) {
		change_clear(out);
		return corrupt_change(r, dev, seq);
	}
	return 0;
}

/* Grow a malloc'd array to hold at least n + 1 elements; like realloc,
 * NULL on failure with arr untouched. */
static void *
grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return arr;
	ncap = *cap > 0 ? *cap * 2 : 16;
	if (ncap < *cap || ncap > SIZE_MAX / elem)
		return NULL;
	if ((p = realloc(arr, ncap * elem)) != NULL)
		*cap = ncap;
	return p;
}

/* Step st (a CHANGE_COLS query) to the end, decrypting every row.  If
 * type is given, every change must be of that type. */
static int
collect_changes(struct replica *r, sqlite3_stmt *st, const char *type,
    struct change **out, size_t *n)
{
	struct change *arr = NULL, *p;
	size_t cnt = 0, cap = 0;
	int rc;

	while ((rc = step(r, st, "read changes")) == 1) {
		if ((p = grow(arr, &cap, cnt, sizeof(*arr))) == NULL) {
			rc = fail(r, IRO_ENOMEM, "out of memory");
			break;
		}
		arr = p;
		if ((rc = row_change(r, st, &arr[cnt])) != 0)
			break;
		cnt++;
		if (type != NULL && strcmp(arr[cnt - 1].type, type) != 0) {
			rc = corrupt_change(r, arr[cnt - 1].ts.device,
			    (int64_t)arr[cnt - 1].seq);
			break;
		}
	}
	done(st);
	if (rc != 0) {
		change_free_array(arr, cnt);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* Note record id and type; a known id must keep its type. */
static int
record_note(struct replica *r, const uint8_t id[LIMIT_ID_LEN],
    const char *type)
{
	sqlite3_stmt *st = NULL;
	const char *known;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	if ((rc = query(r, Q_REC_TYPE, &st, "d", id)) != 0)
		return rc;
	if ((rc = step(r, st, "read a record")) == 1) {
		known = col_name(st, 0, LIMIT_NAME_MAX);
		hex_encode(id, LIMIT_ID_LEN, hex);
		if (known == NULL)
			rc = fail_corrupt(r, "a record");
		else if (strcmp(known, type) != 0)
			rc = fail(r, IRO_ECONFLICT, "record %s is a '%s', not "
			    "a '%s'", hex, known, type);
		else
			rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	done(st);
	if ((rc = query(r, Q_REC_ADD, &st, "dt", id, type)) == 0 &&
	    (rc = step(r, st, "store a record")) > 0)
		rc = 0;
out:
	done(st);
	return rc;
}

/* *inserted = 0 if (device, seq) was already there. */
static int
change_insert(struct replica *r, const struct change *c,
    enum replica_state state, const uint8_t *sealed, size_t slen,
    int *inserted)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*inserted = 0;
	if ((rc = query(r, Q_CH_ADD, &st, "didtib", c->ts.device,
	    (int64_t)c->seq, c->record, c->field, (int64_t)state, sealed,
	    slen)) != 0)
		return rc;
	if ((rc = step(r, st, "store a change")) >= 0) {
		*inserted = sqlite3_changes(r->db) > 0;
		rc = 0;
	}
	done(st);
	return rc;
}

/* The stored change with c's id: identical (0) or not (ECONFLICT). */
static int
change_compare(struct replica *r, const struct change *c)
{
	struct change old;
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	change_init(&old);
	if ((rc = query(r, Q_CH_GET, &st, "di", c->ts.device,
	    (int64_t)c->seq)) != 0)
		return rc;
	if ((rc = step(r, st, "read a change")) == 0)
		rc = fail(r, IRO_EINTERNAL, "a stored change vanished");
	if (rc < 0 || (rc = row_change(r, st, &old)) != 0)
		goto out;
	if (!change_same_content(&old, c)) {
		hex_encode(c->ts.device, LIMIT_ID_LEN, hex);
		rc = fail(r, IRO_ECONFLICT, "change %s/%llu is already stored "
		    "with other content", hex, (unsigned long long)c->seq);
	}
out:
	done(st);
	change_clear(&old);
	return rc;
}

int
replica_put_change(struct replica *r, const struct change *c,
    enum replica_state state, int *inserted)
{
	uint8_t *sealed = NULL;
	size_t slen = 0;
	int rc, own = 0;

	*inserted = 0;
	if ((rc = change_ok(r, c)) != 0 || (rc = state_ok(r, state)) != 0 ||
	    (rc = seal_change(r, c, &sealed, &slen)) != 0)
		goto out;
	if ((rc = wr_begin(r, &own)) != 0)
		goto out;
	if ((rc = record_note(r, c->record, c->type)) == 0 &&
	    (rc = change_insert(r, c, state, sealed, slen, inserted)) == 0 &&
	    !*inserted)
		rc = change_compare(r, c);
	rc = wr_end(r, own, rc);
out:
	if (rc != 0)
		*inserted = 0;
	free(sealed);
	return rc;
}

int
replica_replace_pending(struct replica *r, const struct change *c)
{
	uint8_t *sealed = NULL;
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t slen = 0;
	int rc;

	/* Record, type and field must stay: they route the row. */
	if ((rc = change_ok(r, c)) != 0 ||
	    (rc = seal_change(r, c, &sealed, &slen)) != 0 ||
	    (rc = query(r, Q_CH_REPLACE, &st, "dibidtt", c->ts.device,
	    (int64_t)c->seq, sealed, slen, (int64_t)REPLICA_PENDING,
	    c->record, c->field, c->type)) != 0 ||
	    (rc = step(r, st, "update a change")) < 0)
		goto out;
	rc = 0;
	if (sqlite3_changes(r->db) == 0) {
		hex_encode(c->ts.device, LIMIT_ID_LEN, hex);
		rc = fail(r, IRO_ENOTFOUND, "no pending change %s/%llu of "
		    "that record and field", hex, (unsigned long long)c->seq);
	}
out:
	done(st);
	free(sealed);
	return rc;
}

int
replica_set_state(struct replica *r, const uint8_t device[LIMIT_ID_LEN],
    uint64_t seq, enum replica_state state, const char *reason)
{
	uint8_t ad[sizeof(REPLICA_REASON_AD) - 1 + LIMIT_ID_LEN + 8];
	uint8_t *sealed = NULL;
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t adlen, slen = 0, rlen;
	int rc;

	hex_encode(device, LIMIT_ID_LEN, hex);
	if ((rc = state_ok(r, state)) != 0)
		return rc;
	if (seq < 1 || seq > INT64_MAX)
		return fail(r, IRO_ENOTFOUND, "no change %s/%llu", hex,
		    (unsigned long long)seq);
	/* Only a refusal keeps a reason; any other state clears it. */
	if (state == REPLICA_REFUSED && reason != NULL) {
		if ((rlen = strlen(reason)) > LIMIT_MSG_STR_MAX)
			return fail(r, IRO_ETOOBIG, "refusal reason too long");
		adlen = reason_ad(device, seq, ad);
		rc = crypto_seal(r->key, (const uint8_t *)reason, rlen, ad,
		    adlen, &sealed, &slen);
		if (rc != 0)
			return fail(r, rc, "cannot encrypt a reason: %s",
			    iro_strerror(rc));
	}
	if ((rc = query(r, Q_CH_STATE, &st, "diib", device, (int64_t)seq,
	    (int64_t)state, sealed, slen)) != 0 ||
	    (rc = step(r, st, "update a change")) < 0)
		goto out;
	rc = sqlite3_changes(r->db) > 0 ? 0 : fail(r, IRO_ENOTFOUND,
	    "no change %s/%llu", hex, (unsigned long long)seq);
out:
	done(st);
	free(sealed);
	return rc;
}

int
replica_refusal(struct replica *r, const uint8_t device[LIMIT_ID_LEN],
    uint64_t seq, char **reason)
{
	uint8_t ad[sizeof(REPLICA_REASON_AD) - 1 + LIMIT_ID_LEN + 8];
	uint8_t *plain = NULL;
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t plen = 0;
	int rc;

	*reason = NULL;
	hex_encode(device, LIMIT_ID_LEN, hex);
	if (seq < 1 || seq > INT64_MAX)
		return fail(r, IRO_ENOTFOUND, "change %s/%llu was not refused",
		    hex, (unsigned long long)seq);
	if ((rc = query(r, Q_CH_REASON, &st, "di", device, (int64_t)seq)) != 0)
		return rc;
	if ((rc = step(r, st, "read a change")) < 0)
		goto out;
	if (rc == 0 || sqlite3_column_int(st, 0) != REPLICA_REFUSED) {
		rc = fail(r, IRO_ENOTFOUND, "change %s/%llu was not refused",
		    hex, (unsigned long long)seq);
		goto out;
	}
	rc = 0;
	if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
		if ((*reason = strdup("")) == NULL)
			rc = fail(r, IRO_ENOMEM, "out of memory");
		goto out;
	}
	rc = col_unseal(r, st, 1, ad, reason_ad(device, seq, ad), &plain,
	    &plen);
	if (rc == IRO_ECORRUPT)
		rc = corrupt_change(r, device, (int64_t)seq);
	else if (rc != 0)
		rc = fail(r, rc, "out of memory");
	else
		*reason = (char *)plain;   /* crypto_open NUL-terminates */
out:
	done(st);
	return rc;
}

int
replica_record_changes(struct replica *r,
    const uint8_t record[LIMIT_ID_LEN], struct change **out, size_t *n,
    char out_type[LIMIT_NAME_MAX + 1])
{
	char type[LIMIT_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	const char *t;
	int rc;

	*out = NULL;
	*n = 0;
	if (out_type != NULL)
		out_type[0] = '\0';
	if ((rc = query(r, Q_REC_TYPE, &st, "d", record)) != 0)
		return rc;
	rc = step(r, st, "read a record");
	if (rc == 1 && (t = col_name(st, 0, LIMIT_NAME_MAX)) != NULL)
		memcpy(type, t, strlen(t) + 1);
	else if (rc == 1)
		rc = fail_corrupt(r, "a record");
	done(st);
	if (rc <= 0)
		return rc;
	if ((rc = query(r, Q_CH_RECORD, &st, "d", record)) != 0)
		return rc;
	if ((rc = collect_changes(r, st, type, out, n)) == 0 &&
	    out_type != NULL)
		memcpy(out_type, type, strlen(type) + 1);
	return rc;
}

int
replica_pending(struct replica *r, size_t max, struct change **out,
    size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	if ((rc = query(r, Q_CH_PENDING, &st, "ii", (int64_t)REPLICA_PENDING,
	    max > INT64_MAX ? INT64_MAX : (int64_t)max)) != 0)
		return rc;
	return collect_changes(r, st, NULL, out, n);
}

/* ---- records, flags and counts ---------------------------------------- */

/* One count(*) query with one integer parameter. */
static int
count_query(struct replica *r, enum q id, int64_t param, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = query(r, id, &st, "i", param)) != 0)
		return rc;
	if ((rc = step(r, st, "count")) == 1) {
		*out = (uint64_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = fail(r, IRO_EINTERNAL, "count returned no row");
	}
	done(st);
	return rc;
}

/* Step st (selecting one id column) to the end, collecting the ids. */
static int
collect_ids(struct replica *r, sqlite3_stmt *st,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	uint8_t (*arr)[LIMIT_ID_LEN] = NULL, (*p)[LIMIT_ID_LEN];
	const uint8_t *id;
	size_t cnt = 0, cap = 0;
	int rc;

	while ((rc = step(r, st, "read records")) == 1) {
		if ((id = col_fixed(st, 0, LIMIT_ID_LEN)) == NULL) {
			rc = fail_corrupt(r, "a record id");
			break;
		}
		if ((p = grow(arr, &cap, cnt, sizeof(*arr))) == NULL) {
			rc = fail(r, IRO_ENOMEM, "out of memory");
			break;
		}
		arr = p;
		memcpy(arr[cnt++], id, LIMIT_ID_LEN);
	}
	done(st);
	if (rc != 0) {
		free(arr);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int
replica_records(struct replica *r, const char *type,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = type != NULL ? query(r, Q_RECORDS_TYPE, &st, "t", type) :
	    query(r, Q_RECORDS, &st, "");
	if (rc != 0)
		return rc;
	return collect_ids(r, st, out, n);
}

int
replica_count(struct replica *r, enum replica_state state, uint64_t *out)
{
	int rc;

	*out = 0;
	if ((rc = state_ok(r, state)) != 0)
		return rc;
	return count_query(r, Q_CH_COUNT, (int64_t)state, out);
}

int
replica_set_flags(struct replica *r, const uint8_t record[LIMIT_ID_LEN],
    unsigned flags)
{
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	if ((rc = query(r, Q_FLAGS_SET, &st, "di", record, (int64_t)flags)) != 0)
		return rc;
	if ((rc = step(r, st, "store a record's flags")) >= 0) {
		rc = 0;
		if (sqlite3_changes(r->db) == 0) {
			hex_encode(record, LIMIT_ID_LEN, hex);
			rc = fail(r, IRO_ENOTFOUND, "no record %s", hex);
		}
	}
	done(st);
	return rc;
}

int
replica_count_flagged(struct replica *r, unsigned flag, uint64_t *out)
{
	return count_query(r, Q_FLAGS_COUNT, (int64_t)flag, out);
}

int
replica_flagged(struct replica *r, unsigned flag,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = query(r, Q_FLAGGED, &st, "i", (int64_t)flag)) != 0)
		return rc;
	return collect_ids(r, st, out, n);
}
