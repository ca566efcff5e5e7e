/*
 * crypto.h - every use of libsodium: random ids, the replica's AEAD, the
 * passphrase KDF, password hashes, device signatures and hashing.
 *
 * Secrets (keys, passphrases) live in memory from crypto_secure_alloc(),
 * are wiped with crypto_wipe() and compared with crypto_equal().
 * crypto_init() must succeed before anything else here is called; it is
 * safe to call more than once and from several threads.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * libsodium itself exports crypto_pwhash, crypto_sign_keypair and
 * crypto_hash.  Ours link under these names instead, so neither the
 * compiler (crypto.c sees both declarations) nor the linker (a static
 * definition would interpose on libsodium's own) can confuse the two.
 * Callers keep using the names below.
 */
#define crypto_pwhash crypto_password_hash
#define crypto_sign_keypair crypto_device_keypair
#define crypto_hash crypto_blake2b

#define CRYPTO_KEY_LEN 32          /* AEAD and KEK keys */
#define CRYPTO_NONCE_LEN 24        /* XChaCha20-Poly1305 nonce */
#define CRYPTO_TAG_LEN 16          /* Poly1305 tag */
#define CRYPTO_SALT_LEN 16         /* Argon2id salt */
#define CRYPTO_HASH_LEN 32         /* BLAKE2b-256 */
#define CRYPTO_PK_LEN 32           /* Ed25519 public key */
#define CRYPTO_SK_LEN 64           /* Ed25519 secret key */
#define CRYPTO_SIG_LEN 64          /* Ed25519 signature */
#define CRYPTO_PWHASH_STR_LEN 128  /* encoded password hash, with NUL */
/* Sealed = nonce || ciphertext || tag. */
#define CRYPTO_SEAL_OVERHEAD (CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN)

/* Argon2id cost, stored beside the salt so it can be raised later. */
struct crypto_kdf_params {
	uint64_t opslimit;
	uint64_t memlimit;
};

/* crypto_init - returns 0, or IRO_EINTERNAL if libsodium cannot start. */
int crypto_init(void);

/* crypto_random - fill buf with len random bytes.  Cannot fail. */
void crypto_random(void *buf, size_t len);

/* Secure memory: guarded, locked, wiped on free.  NULL if out of memory. */
void *crypto_secure_alloc(size_t len);
void crypto_secure_free(void *p);   /* NULL is a no-op */
void crypto_wipe(void *p, size_t len);
/* crypto_equal - constant-time comparison of two len-byte buffers. */
bool crypto_equal(const void *a, const void *b, size_t len);

/*
 * crypto_seal - encrypt msg[0..len) with key under a fresh random nonce,
 * binding `ad` (associated data, may be NULL/0).  *out is malloc'd,
 * len + CRYPTO_SEAL_OVERHEAD bytes; caller frees.
 * Returns 0, IRO_ENOMEM or IRO_ETOOBIG.
 */
int crypto_seal(const uint8_t key[CRYPTO_KEY_LEN], const uint8_t *msg,
    size_t len, const uint8_t *ad, size_t adlen, uint8_t **out,
    size_t *outlen);

/*
 * crypto_open - the inverse.  Returns IRO_ECORRUPT if the ciphertext, the
 * tag or the associated data do not match (wrong key, tampering, a
 * ciphertext moved to another record).  *out is malloc'd with one NUL
 * byte past *outlen (so text can be used as a C string); caller frees
 * (and wipes, if it holds a secret).  Nothing is allocated on failure.
 */
int crypto_open(const uint8_t key[CRYPTO_KEY_LEN], const uint8_t *sealed,
    size_t len, const uint8_t *ad, size_t adlen, uint8_t **out,
    size_t *outlen);

/* crypto_kdf_default - interactive-strength Argon2id parameters.  Tests
 * and benchmarks may use crypto_kdf_fast (minimum cost) instead. */
void crypto_kdf_default(struct crypto_kdf_params *p);
void crypto_kdf_fast(struct crypto_kdf_params *p);

/*
 * crypto_kdf - derive a CRYPTO_KEY_LEN key from a passphrase with
 * Argon2id.  key should be secure memory.  Returns 0, IRO_ENOMEM, or
 * IRO_EINVAL if p is outside libsodium's bounds (key is then wiped).
 */
int crypto_kdf(const char *pass, size_t passlen,
    const uint8_t salt[CRYPTO_SALT_LEN], const struct crypto_kdf_params *p,
    uint8_t key[CRYPTO_KEY_LEN]);

/* Account passwords on the server: Argon2id encoded strings at
 * interactive cost.  Returns 0, IRO_ENOMEM or IRO_EINVAL (len over
 * libsodium's maximum). */
int crypto_pwhash(const char *pw, size_t len,
    char out[CRYPTO_PWHASH_STR_LEN]);
/* crypto_pwhash_verify - 0 if pw matches, IRO_EAUTH if not. */
int crypto_pwhash_verify(const char *encoded, const char *pw, size_t len);

/* Device keys (Ed25519).  Each returns 0, or IRO_EINTERNAL if libsodium
 * fails. */
int crypto_sign_keypair(uint8_t pk[CRYPTO_PK_LEN],
    uint8_t sk[CRYPTO_SK_LEN]);
int crypto_sign_msg(const uint8_t sk[CRYPTO_SK_LEN], const uint8_t *msg,
    size_t len, uint8_t sig[CRYPTO_SIG_LEN]);
/* crypto_verify_msg - 0 if sig is pk's signature of msg, else IRO_EAUTH. */
int crypto_verify_msg(const uint8_t pk[CRYPTO_PK_LEN], const uint8_t *msg,
    size_t len, const uint8_t sig[CRYPTO_SIG_LEN]);

/* crypto_hash - BLAKE2b-256 of msg. */
void crypto_hash(const uint8_t *msg, size_t len,
    uint8_t out[CRYPTO_HASH_LEN]);

/* crypto_hash2 - BLAKE2b-256 of a followed by b (either may be empty),
 * without copying them together. */
void crypto_hash2(const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, uint8_t out[CRYPTO_HASH_LEN]);

#endif
