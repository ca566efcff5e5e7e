/*
 * replica_key.c - the keyring: the data key, wrapped (sealed) by a key
 * derived from the passphrase with Argon2id, stored with its salt and
 * cost; rewrapping it under a new passphrase; and the count of wrong
 * passphrases that makes unlocking back off.  The key-encryption key
 * exists only inside these functions.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "replica_int.h"

#define REPLICA_KEY_AD "iro-replica-key-v1"
/* A damaged keyring must not make unlocking take hours or all memory. */
#define REPLICA_OPS_MAX 64
#define REPLICA_MEM_MAX (UINT64_C(1) << 30)
#define REPLICA_OPS_MIN 1
#define REPLICA_MEM_MIN 8192

/* The wrapped data key as stored. */
#define WRAPPED_LEN (CRYPTO_KEY_LEN + CRYPTO_SEAL_OVERHEAD)

static int
kdf_ok(const struct crypto_kdf_params *kdf)
{
	return kdf->opslimit >= REPLICA_OPS_MIN &&
	    kdf->opslimit <= REPLICA_OPS_MAX &&
	    kdf->memlimit >= REPLICA_MEM_MIN &&
	    kdf->memlimit <= REPLICA_MEM_MAX;
}

int
replica_keyring_put(struct replica *r, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf)
{
	uint8_t salt[CRYPTO_SALT_LEN], *kek = NULL, *wrapped = NULL;
	size_t wlen = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!kdf_ok(kdf))
		return replica_fail(r, IRO_EINVAL, "key derivation cost out of "
		    "range");
	crypto_random(salt, sizeof(salt));
	if ((kek = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL)
		return replica_fail(r, IRO_ENOMEM, "out of memory");
	rc = crypto_kdf(pass, passlen, salt, kdf, kek);
	if (rc == 0)
		rc = crypto_seal(kek, r->key, CRYPTO_KEY_LEN,
		    (const uint8_t *)REPLICA_KEY_AD, sizeof(REPLICA_KEY_AD) - 1,
		    &wrapped, &wlen);
	crypto_secure_free(kek);
	if (rc != 0) {
		rc = replica_fail(r, rc, "cannot derive a key from the "
		    "passphrase: %s", iro_strerror(rc));
		goto out;
	}
	if ((rc = replica_query(r, REPLICA_Q_KEYRING_PUT, &st, "biib", salt,
	    sizeof(salt), (int64_t)kdf->opslimit, (int64_t)kdf->memlimit,
	    wrapped, wlen)) == 0 && (rc = replica_step(r, st,
	    "store the key")) > 0)
		rc = 0;
out:
	replica_done(st);
	free(wrapped);
	return rc;
}

/* Copy the keyring's salt, cost and wrapped key out of the file. */
static int
keyring_read(struct replica *r, uint8_t salt[CRYPTO_SALT_LEN],
    struct crypto_kdf_params *kdf, uint8_t wrapped[WRAPPED_LEN])
{
	const uint8_t *s, *w;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = replica_query(r, REPLICA_Q_KEYRING_GET, &st, "")) != 0)
		return rc;
	if ((rc = replica_step(r, st, "read the key")) == 0)
		rc = replica_fail_corrupt(r, "the keyring");
	if (rc < 0)
		goto out;
	s = replica_col_fixed(st, 0, CRYPTO_SALT_LEN);
	w = replica_col_fixed(st, 3, WRAPPED_LEN);
	kdf->opslimit = (uint64_t)sqlite3_column_int64(st, 1);
	kdf->memlimit = (uint64_t)sqlite3_column_int64(st, 2);
	if (s == NULL || w == NULL || !kdf_ok(kdf)) {
		rc = replica_fail_corrupt(r, "the keyring");
		goto out;
	}
	memcpy(salt, s, CRYPTO_SALT_LEN);
	memcpy(wrapped, w, WRAPPED_LEN);
	rc = 0;
out:
	replica_done(st);
	return rc;
}

/* Unwrap the data key into key (CRYPTO_KEY_LEN bytes). */
static int
keyring_unwrap(struct replica *r, const char *pass, size_t passlen,
    const uint8_t salt[CRYPTO_SALT_LEN], const struct crypto_kdf_params *kdf,
    const uint8_t wrapped[WRAPPED_LEN], uint8_t *key)
{
	uint8_t *kek = NULL, *plain = NULL;
	size_t plen = 0;
	int rc;

	if ((kek = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL)
		return replica_fail(r, IRO_ENOMEM, "out of memory");
	if ((rc = crypto_kdf(pass, passlen, salt, kdf, kek)) != 0) {
		rc = replica_fail(r, rc, "cannot derive a key from the "
		    "passphrase: %s", iro_strerror(rc));
		goto out;
	}
	rc = crypto_open(kek, wrapped, WRAPPED_LEN,
	    (const uint8_t *)REPLICA_KEY_AD, sizeof(REPLICA_KEY_AD) - 1, &plain,
	    &plen);
	if (rc == IRO_ECORRUPT || (rc == 0 && plen != CRYPTO_KEY_LEN))
		rc = replica_fail(r, IRO_EAUTH, "wrong passphrase");
	else if (rc != 0)
		rc = replica_fail(r, rc, "cannot unlock the replica: %s",
		    iro_strerror(rc));
	else
		memcpy(key, plain, CRYPTO_KEY_LEN);
out:
	crypto_secure_free(kek);
	if (plain != NULL) {
		crypto_wipe(plain, plen);
		free(plain);
	}
	return rc;
}

int
replica_keyring_open(struct replica *r, const char *pass, size_t passlen)
{
	uint8_t salt[CRYPTO_SALT_LEN], wrapped[WRAPPED_LEN];
	struct crypto_kdf_params kdf;
	int rc;

	/* The slow part runs with no statement (and no read lock) open. */
	if ((rc = keyring_read(r, salt, &kdf, wrapped)) != 0)
		return rc;
	if ((r->key = crypto_secure_alloc(CRYPTO_KEY_LEN)) == NULL)
		return replica_fail(r, IRO_ENOMEM, "out of memory");
	if ((rc = keyring_unwrap(r, pass, passlen, salt, &kdf, wrapped,
	    r->key)) != 0) {
		crypto_secure_free(r->key);
		r->key = NULL;
	}
	return rc;
}

/* ---- the unlock counter ------------------------------------------------ */

/*
 * Consecutive wrong passphrases and the time of the last, in a table of
 * their own: it must be written when the data key could not be
 * unwrapped, so nothing in it is sealed (it holds two integers).  It is
 * made on first use, so a replica from before it existed needs no
 * migration.  It slows guessing through this code only; guessing
 * against a copied file is what Argon2id's cost is for.
 */
#define UNLOCK_SQL "CREATE TABLE IF NOT EXISTS unlock(" \
	" id INTEGER PRIMARY KEY CHECK (id = 1)," \
	" failures INTEGER NOT NULL, last_ms INTEGER NOT NULL)"

/*
 * Run one statement of the counter, binding `a` to ?1 if it has one; the
 * row it returns, if any, is left in row (failures, last_ms) when row is
 * not NULL.  Prepared each time rather than cached: each runs at most
 * once or twice per open.
 */
static int
key_exec(struct replica *r, const char *sql, const char *what, int64_t a,
    int64_t row[2])
{
	sqlite3_stmt *st = NULL;
	int src, rc;

	src = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return replica_fail_db(r, src, what);
	if (sqlite3_bind_parameter_count(st) >= 1 &&
	    (src = sqlite3_bind_int64(st, 1, a)) != SQLITE_OK) {
		sqlite3_finalize(st);
		return replica_fail_db(r, src, what);
	}
	rc = replica_step(r, st, what);
	if (rc == 1 && row != NULL) {
		row[0] = sqlite3_column_int64(st, 0);
		row[1] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

static int
unlock_table(struct replica *r)
{
	return key_exec(r, UNLOCK_SQL, "keep the unlock counter", 0, NULL);
}

/* The wait in ms after `failures` consecutive wrong passphrases. */
static int64_t
unlock_wait_ms(int64_t failures)
{
	int64_t ms;

	if (failures < REPLICA_UNLOCK_FREE)
		return 0;
	if (failures - REPLICA_UNLOCK_FREE >= 10)   /* 2^10 s > the cap */
		return REPLICA_UNLOCK_MAX_MS;
	ms = INT64_C(1000) << (failures - REPLICA_UNLOCK_FREE);
	return ms < REPLICA_UNLOCK_MAX_MS ? ms : REPLICA_UNLOCK_MAX_MS;
}

static void
say_wait(struct replica *r, int64_t failures, int64_t ms)
{
	int64_t s = (ms + 999) / 1000;

	replica_fail(r, IRO_EAUTH, "%lld wrong passphrases in a row: try "
	    "again in %lld second%s", (long long)failures, (long long)s,
	    s == 1 ? "" : "s");
}

int
replica_unlock_check(struct replica *r, int64_t now_ms, int64_t *failures)
{
	int64_t row[2] = { 0, 0 }, wait, since;
	int rc;

	*failures = 0;
	if ((rc = unlock_table(r)) != 0 ||
	    (rc = key_exec(r, "SELECT failures, last_ms FROM unlock WHERE "
	    "id = 1", "read the unlock counter", 0, row)) != 0)
		return rc;
	*failures = row[0];
	if ((wait = unlock_wait_ms(row[0])) == 0)
		return 0;
	/* A clock set back must not lock the replica until it catches up
	 * with a stored time: the wait starts again from now. */
	if (now_ms < row[1]) {
		if ((rc = key_exec(r, "UPDATE unlock SET last_ms = ?1",
		    "keep the unlock counter", now_ms, NULL)) != 0)
			return rc;
		row[1] = now_ms;
	}
	since = now_ms - row[1];
	if (since >= wait)
		return 0;
	say_wait(r, row[0], wait - since);
	return IRO_EAUTH;
}

int
replica_unlock_failed(struct replica *r, int64_t now_ms)
{
	int64_t row[2] = { 0, 0 }, wait;
	int rc;

	if ((rc = key_exec(r, "INSERT INTO unlock(id, failures, last_ms) "
	    "VALUES(1, 1, ?1) ON CONFLICT(id) DO UPDATE SET failures = "
	    "min(failures + 1, 1000000), last_ms = excluded.last_ms "
	    "RETURNING failures, last_ms", "keep the unlock counter", now_ms,
	    row)) != 0)
		return rc;
	if ((wait = unlock_wait_ms(row[0])) > 0)
		replica_fail(r, IRO_EAUTH, "wrong passphrase; %lld in a row: "
		    "wait %lld second%s before trying again", (long long)row[0],
		    (long long)(wait / 1000), wait == 1000 ? "" : "s");
	return 0;
}

int
replica_unlock_reset(struct replica *r)
{
	return key_exec(r, "DELETE FROM unlock", "reset the unlock counter", 0,
	    NULL);
}

/* ---- changing the passphrase ------------------------------------------- */

int
replica_rekey(struct replica *r, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf)
{
	int own = 0, rc;

	if (r->key == NULL)
		return replica_fail(r, IRO_EINVAL, "the replica is not unlocked");
	if ((rc = replica_wr_begin(r, &own)) != 0)
		return rc;
	/* The old wrapping leaves in the transaction the new one arrives
	 * in: whenever the process dies, there is one keyring row, old or
	 * new, and the data key (so every sealed row) is the same. */
	rc = replica_exec(r, "DELETE FROM keyring WHERE id = 1",
	    "replace the key");
	if (rc == 0)
		rc = replica_keyring_put(r, pass, passlen, kdf);
	if (rc == 0 && (rc = unlock_table(r)) == 0)
		rc = replica_unlock_reset(r);
	return replica_wr_end(r, own, rc);
}

/* ---- crypto-erase ------------------------------------------------------ */

int
replica_erase(struct replica *r)
{
	int own = 0, rc;

	if ((rc = replica_wr_begin(r, &own)) != 0)
		return rc;
	/* Overwritten in place first, then deleted under secure_delete:
	 * neither the row nor the page it leaves free keeps the bytes. */
	rc = replica_exec(r, "UPDATE keyring SET"
	    " salt = zeroblob(length(salt)),"
	    " wrapped = zeroblob(length(wrapped));"
	    "DELETE FROM keyring;"
	    "CREATE TABLE IF NOT EXISTS erased(done INTEGER NOT NULL);"
	    "INSERT INTO erased(done) VALUES (1);", "erase the key");
	if ((rc = replica_wr_end(r, own, rc)) != 0)
		return rc;
	crypto_secure_free(r->key);   /* wipes */
	r->key = NULL;
	if (!own)
		return 0;
	/* Earlier frames of the -wal file still hold the wrapped key: copy
	 * the erased pages home and cut the log to nothing. */
	return replica_wal_truncate(r);
}

int
replica_wal_truncate(struct replica *r)
{
	int log = -1, done = -1, src;

	src = sqlite3_wal_checkpoint_v2(r->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    &log, &done);
	if (src != SQLITE_OK)
		return replica_fail_db(r, src, "clear the write-ahead log");
	if (log != done)
		return replica_fail(r, IRO_EBUSY, "cannot clear the write-ahead "
		    "log: another process is reading the replica");
	return 0;
}

int
replica_erased(struct replica *r, int *out)
{
	sqlite3_stmt *st = NULL;
	int src;

	*out = 0;
	src = sqlite3_prepare_v2(r->db, "SELECT 1 FROM sqlite_master WHERE"
	    " type = 'table' AND name = 'erased'", -1, &st, NULL);
	if (src == SQLITE_OK) {
		src = sqlite3_step(st);
		if (src == SQLITE_ROW)
			*out = 1;
		if (src == SQLITE_ROW || src == SQLITE_DONE)
			src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return src == SQLITE_OK ? 0 : replica_fail_db(r, src,
	    "read the schema");
}
