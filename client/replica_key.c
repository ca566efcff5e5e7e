/*
 * replica_key.c - the keyring: the data key, wrapped (sealed) by a key
 * derived from the passphrase with Argon2id, stored with its salt and
 * cost.  The key-encryption key exists only inside these functions.
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
