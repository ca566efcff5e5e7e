/*
 * replica_file.c - the replica's file on disk: paths, the directory, the
 * schema, and opening and configuring the SQLite connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "replica_int.h"

#define REPLICA_SCHEMA 1
#define REPLICA_APP_ID 0x49524f52        /* "IROR" */
#define REPLICA_BUSY_MS 5000

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

/* ---- paths and files --------------------------------------------------- */

int
replica_path_join(struct replica *r, char *buf, const char *dir,
    const char *name)
{
	int n = snprintf(buf, REPLICA_PATH_MAX, "%s/%s", dir, name);

	/* Room is left for the longest SQLite suffix, "-journal". */
	if (n < 0 || (size_t)n + sizeof("-journal") > REPLICA_PATH_MAX)
		return replica_fail(r, IRO_EINVAL, "path too long: '%s'", dir);
	return 0;
}

int
replica_remove_files(const char *base)
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

int
replica_make_dir(struct replica *r, const char *dir, int *created)
{
	char p[REPLICA_PATH_MAX];
	struct stat st;
	size_t i, n = strlen(dir);

	*created = 0;
	if (n == 0 || n >= sizeof(p))
		return replica_fail(r, IRO_EINVAL, "bad directory name '%s'",
		    dir);
	memcpy(p, dir, n + 1);
	for (i = 1; i < n; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return replica_fail(r, IRO_EIO, "cannot create '%s': %s",
			    p, strerror(errno));
		p[i] = '/';
	}
	if (mkdir(dir, 0700) == 0) {
		*created = 1;
		if (chmod(dir, 0700) != 0)
			return replica_fail(r, IRO_EIO, "cannot protect '%s': %s",
			    dir, strerror(errno));
	} else if (errno != EEXIST) {
		return replica_fail(r, IRO_EIO, "cannot create '%s': %s", dir,
		    strerror(errno));
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return replica_fail(r, IRO_EIO, "'%s' is not a directory", dir);
	return 0;
}

/* An empty file, exactly 0600 whatever the umask, for SQLite to fill. */
static int
make_file(struct replica *r, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);

	if (fd < 0)
		return replica_fail(r, IRO_EIO, "cannot create '%s': %s", path,
		    strerror(errno));
	if (fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		return replica_fail(r, IRO_EIO, "cannot create '%s': %s", path,
		    strerror(e));
	}
	if (close(fd) != 0)
		return replica_fail(r, IRO_EIO, "cannot create '%s': %s", path,
		    strerror(errno));
	return 0;
}

void
replica_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* ---- the connection ---------------------------------------------------- */

static int
pragma_i64(struct replica *r, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int src, rc;

	*out = 0;
	src = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return replica_fail_db(r, src, "read the file header");
	rc = replica_step(r, st, "read the file header");
	if (rc == 1) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = replica_fail_corrupt(r, "the file header");
	}
	sqlite3_finalize(st);
	return rc;
}

/* IRO_EVERSION unless path is a replica in the format this code reads. */
static int
check_header(struct replica *r, const char *path)
{
	int64_t app = 0, ver = 0;
	int rc;

	if ((rc = pragma_i64(r, "PRAGMA application_id", &app)) != 0 ||
	    (rc = pragma_i64(r, "PRAGMA user_version", &ver)) != 0)
		return rc;
	if (app != REPLICA_APP_ID)
		return replica_fail(r, IRO_EVERSION,
		    "'%s' is not an iro replica", path);
	if (ver != REPLICA_SCHEMA)
		return replica_fail(r, IRO_EVERSION, "'%s' has format %lld, "
		    "this version reads %d", path, (long long)ver,
		    REPLICA_SCHEMA);
	return 0;
}

static int
enable_wal(struct replica *r, const char *path)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	int src, rc;

	src = sqlite3_prepare_v2(r->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL);
	if (src != SQLITE_OK)
		return replica_fail_db(r, src, "enable write-ahead logging");
	rc = replica_step(r, st, "enable write-ahead logging");
	mode = rc == 1 ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (rc >= 0 && (mode == NULL || strcmp(mode, "wal") != 0))
		rc = replica_fail(r, IRO_EIO, "cannot enable write-ahead "
		    "logging in '%s'", path);
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

int
replica_attach(struct replica *r, const char *path, int wal,
    int check_version)
{
	int src, rc;

	src = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, NULL);
	if (src != SQLITE_OK)
		return replica_fail(r, replica_map_sqlite(src),
		    "cannot open '%s': %s", path, r->db != NULL ?
		    sqlite3_errmsg(r->db) : sqlite3_errstr(src));
	sqlite3_busy_timeout(r->db, REPLICA_BUSY_MS);
	/* The file is input: no schema tricks, no functions in triggers. */
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	/* Before anything writes to it: a foreign file stays as it is. */
	if (check_version && (rc = check_header(r, path)) != 0)
		return rc;
	if ((rc = replica_exec(r, "PRAGMA foreign_keys = ON;"
	    "PRAGMA secure_delete = ON;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA temp_store = MEMORY;", "configure the database")) != 0)
		return rc;
	return wal ? enable_wal(r, path) : 0;
}

int
replica_build(struct replica *r, const char *tmp, const char *pass,
    size_t passlen, const struct crypto_kdf_params *kdf)
{
	char sql[128];
	int rc;

	if ((rc = make_file(r, tmp)) != 0 ||
	    (rc = replica_attach(r, tmp, 0, 0)) != 0)
		return rc;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	    "PRAGMA user_version = %d;", REPLICA_APP_ID, REPLICA_SCHEMA);
	if ((rc = replica_exec(r, "BEGIN IMMEDIATE", "start a transaction")) !=
	    0)
		return rc;
	if ((rc = replica_exec(r, schema_sql, "create the tables")) != 0 ||
	    (rc = replica_exec(r, sql, "write the file header")) != 0 ||
	    (rc = replica_keyring_put(r, pass, passlen, kdf)) != 0 ||
	    (rc = replica_exec(r, "COMMIT", "commit")) != 0) {
		(void)sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	replica_db_close(r);
	return 0;
}

void
replica_db_close(struct replica *r)
{
	size_t i;

	for (i = 0; i < REPLICA_Q_N; i++) {
		sqlite3_finalize(r->stmt[i]);
		r->stmt[i] = NULL;
	}
	sqlite3_close_v2(r->db);
	r->db = NULL;
}
