/*
 * replica.c - the device's encrypted local store; the client's only use
 * of SQLite, spread over the replica*.c files listed in replica_int.h.
 * The design is in replica.h.  This file holds the handle: errors,
 * create, open, close, and transactions.
 */
#include <errno.h>
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
#include "replica_int.h"

/* Built under this name, then linked into place: a replica.db is either
 * complete or absent, whenever the process dies. */
#define REPLICA_TMP "replica.db.new"

/* ---- errors ------------------------------------------------------------ */

int
replica_fail(struct replica *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return rc;
}

int
replica_map_sqlite(int src)
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

int
replica_fail_db(struct replica *r, int src, const char *what)
{
	const char *why = r->db != NULL ? sqlite3_errmsg(r->db) :
	    sqlite3_errstr(src);

	return replica_fail(r, replica_map_sqlite(src), "cannot %s in '"
	    REPLICA_FILE "': %s", what, why);
}

int
replica_fail_corrupt(struct replica *r, const char *what)
{
	return replica_fail(r, IRO_ECORRUPT, "%s in '" REPLICA_FILE "' is "
	    "damaged or was tampered with", what);
}

int
replica_corrupt_change(struct replica *r, const uint8_t *device,
    int64_t seq)
{
	char hex[2 * LIMIT_ID_LEN + 1] = "?";

	if (device != NULL)
		hex_encode(device, LIMIT_ID_LEN, hex);
	return replica_fail(r, IRO_ECORRUPT, "change %s/%lld in '"
	    REPLICA_FILE "' is damaged or was tampered with", hex,
	    (long long)seq);
}

const char *
replica_errmsg(const struct replica *r)
{
	return r != NULL ? r->msg : "";
}

/* ---- handles ----------------------------------------------------------- */

void
replica_close(struct replica *r)
{
	if (r == NULL)
		return;
	replica_db_close(r);
	crypto_secure_free(r->key);   /* wipes */
	free(r);
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
	rc = replica_remove_files(p);
	snprintf(p, sizeof(p), "%s/%s", dir, REPLICA_TMP);
	rc2 = replica_remove_files(p);
	return rc != 0 ? rc : rc2;
}

/* IRO_EEXIST if dir already holds a replica. */
static int
check_absent(struct replica *r, const char *dir)
{
	int rc, exists = 0;

	if ((rc = replica_exists(dir, &exists)) != 0 || exists)
		return exists ? replica_fail(r, IRO_EEXIST, "a replica already "
		    "exists in '%s'", dir) : replica_fail(r, rc, "cannot look "
		    "in '%s': %s", dir, strerror(errno));
	return 0;
}

/* Give the built file at tmp its real name and reopen it there. */
static int
place(struct replica *r, const char *dir, const char *tmp,
    const char *path, int *linked)
{
	*linked = 0;
	/* link() never replaces: a replica made meanwhile is kept. */
	if (link(tmp, path) != 0)
		return errno == EEXIST ? replica_fail(r, IRO_EEXIST, "a replica "
		    "already exists in '%s'", dir) : replica_fail(r, IRO_EIO,
		    "cannot create '%s': %s", path, strerror(errno));
	*linked = 1;
	(void)unlink(tmp);
	replica_sync_dir(dir);
	return replica_attach(r, path, 1, 1);
}

int
replica_create(const char *dir, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf, struct replica **out, char *err,
    size_t errlen)
{
	char path[REPLICA_PATH_MAX], tmp[REPLICA_PATH_MAX];
	struct crypto_kdf_params def;
	struct replica *r;
	int rc, made_dir = 0, built = 0, linked = 0;

	*out = NULL;
	if ((r = replica_new(err, errlen)) == NULL)
		return IRO_ENOMEM;
	if (kdf == NULL) {
		crypto_kdf_default(&def);
		kdf = &def;
	}
	if ((rc = replica_path_join(r, path, dir, REPLICA_FILE)) != 0 ||
	    (rc = replica_path_join(r, tmp, dir, REPLICA_TMP)) != 0 ||
	    (rc = replica_make_dir(r, dir, &made_dir)) != 0 ||
	    (rc = check_absent(r, dir)) != 0)
		goto fail;
	/* Anything at tmp is left from a creation that died half-way. */
	if (replica_remove_files(tmp) != 0) {
		rc = replica_fail(r, IRO_EIO, "cannot remove '%s': %s", tmp,
		    strerror(errno));
		goto fail;
	}
	built = 1;
	if ((r->key = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL) {
		rc = replica_fail(r, IRO_ENOMEM, "out of memory");
		goto fail;
	}
	crypto_random(r->key, CRYPTO_KEY_LEN);
	if ((rc = replica_build(r, tmp, pass, passlen, kdf)) != 0 ||
	    (rc = place(r, dir, tmp, path, &linked)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	report(err, errlen, r->msg);
	replica_close(r);
	if (built)
		(void)replica_remove_files(tmp);
	if (linked)
		(void)replica_remove_files(path);
	if (made_dir)
		(void)rmdir(dir);
	return rc;
}

int
replica_open(const char *dir, const char *pass, size_t passlen,
    int64_t now_ms, struct replica **out, char *err, size_t errlen)
{
	char path[REPLICA_PATH_MAX];
	struct replica *r;
	int64_t failures = 0;
	int rc, rc2, exists = 0, erased = 0;

	*out = NULL;
	if ((r = replica_new(err, errlen)) == NULL)
		return IRO_ENOMEM;
	if ((rc = replica_path_join(r, path, dir, REPLICA_FILE)) != 0)
		goto fail;
	if ((rc = replica_exists(dir, &exists)) != 0 || !exists) {
		rc = exists ? replica_fail(r, rc, "cannot look in '%s': %s",
		    dir, strerror(errno)) : replica_fail(r, IRO_ENOTENROLLED,
		    "no replica in '%s'", dir);
		goto fail;
	}
	if ((rc = replica_attach(r, path, 1, 1)) != 0 ||
	    (rc = replica_erased(r, &erased)) != 0)
		goto fail;
	if (erased) {
		rc = replica_fail(r, IRO_EREVOKED, "%s", REPLICA_REVOKED_MSG);
		goto fail;
	}
	if ((rc = replica_unlock_check(r, now_ms, &failures)) != 0)
		goto fail;
	if ((rc = replica_keyring_open(r, pass, passlen)) == IRO_EAUTH) {
		/* Not counting the failure would remove the backoff: the
		 * count's own failure is reported instead. */
		rc2 = replica_unlock_failed(r, now_ms);
		rc = rc2 != 0 ? rc2 : rc;
		goto fail;
	}
	if (rc != 0 || (failures > 0 && (rc = replica_unlock_reset(r)) != 0))
		goto fail;
	*out = r;
	return 0;
fail:
	report(err, errlen, r->msg);
	replica_close(r);
	return rc;
}

/* ---- transactions ------------------------------------------------------ */

int
replica_begin(struct replica *r)
{
	if (!sqlite3_get_autocommit(r->db))
		return replica_fail(r, IRO_EINVAL, "a transaction is already "
		    "open");
	return replica_exec(r, "BEGIN IMMEDIATE", "start a transaction");
}

int
replica_commit(struct replica *r)
{
	int rc = replica_exec(r, "COMMIT", "commit");

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
int
replica_wr_begin(struct replica *r, int *own)
{
	*own = sqlite3_get_autocommit(r->db);
	return replica_exec(r, *own ? "BEGIN IMMEDIATE" :
	    "SAVEPOINT replica_wr", "start a transaction");
}

int
replica_wr_end(struct replica *r, int own, int rc)
{
	if (rc == 0) {
		rc = replica_exec(r, own ? "COMMIT" : "RELEASE replica_wr",
		    "commit");
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
