/*
 * crypto.c - the project's only use of libsodium.
 *
 * Algorithm-specific libsodium entry points are called throughout
 * (crypto_pwhash_argon2id, crypto_sign_ed25519, crypto_generichash_blake2b)
 * so that a libsodium default changing can never silently change what is
 * stored on disk or signed on the wire.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto.h"
#include "iro_error.h"

_Static_assert(CRYPTO_KEY_LEN ==
    crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "aead key size");
_Static_assert(CRYPTO_NONCE_LEN ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "aead nonce size");
_Static_assert(CRYPTO_TAG_LEN == crypto_aead_xchacha20poly1305_ietf_ABYTES,
    "aead tag size");
_Static_assert(CRYPTO_SALT_LEN == crypto_pwhash_argon2id_SALTBYTES,
    "argon2id salt size");
_Static_assert(CRYPTO_PWHASH_STR_LEN == crypto_pwhash_argon2id_STRBYTES,
    "argon2id string size");
_Static_assert(CRYPTO_PK_LEN == crypto_sign_ed25519_PUBLICKEYBYTES,
    "ed25519 public key size");
_Static_assert(CRYPTO_SK_LEN == crypto_sign_ed25519_SECRETKEYBYTES,
    "ed25519 secret key size");
_Static_assert(CRYPTO_SIG_LEN == crypto_sign_ed25519_BYTES,
    "ed25519 signature size");
_Static_assert(CRYPTO_HASH_LEN >= crypto_generichash_blake2b_BYTES_MIN &&
    CRYPTO_HASH_LEN <= crypto_generichash_blake2b_BYTES_MAX,
    "blake2b output size");

/* libsodium dislikes NULL even with a zero length; point it here. */
static const uint8_t empty[1];

int
crypto_init(void)
{
	/* 1 means "already initialised", which is success here. */
	return sodium_init() < 0 ? IRO_EINTERNAL : 0;
}

void
crypto_random(void *buf, size_t len)
{
	if (len > 0)
		randombytes_buf(buf, len);
}

void *
crypto_secure_alloc(size_t len)
{
	return sodium_malloc(len);
}

void
crypto_secure_free(void *p)
{
	if (p != NULL)
		sodium_free(p);
}

void
crypto_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		sodium_memzero(p, len);
}

bool
crypto_equal(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return true;
	return sodium_memcmp(a, b, len) == 0;
}

int
crypto_seal(const uint8_t key[CRYPTO_KEY_LEN], const uint8_t *msg,
    size_t len, const uint8_t *ad, size_t adlen, uint8_t **out,
    size_t *outlen)
{
	unsigned long long clen = 0;
	uint8_t *buf;

	*out = NULL;
	*outlen = 0;
	if (len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    len > SIZE_MAX - CRYPTO_SEAL_OVERHEAD)
		return IRO_ETOOBIG;
	if ((buf = malloc(len + CRYPTO_SEAL_OVERHEAD)) == NULL)
		return IRO_ENOMEM;
	randombytes_buf(buf, CRYPTO_NONCE_LEN);
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(buf + CRYPTO_NONCE_LEN,
	    &clen, len > 0 ? msg : empty, len, adlen > 0 ? ad : empty, adlen,
	    NULL, buf, key) != 0) {
		free(buf);
		return IRO_EINTERNAL;
	}
	*out = buf;
	*outlen = CRYPTO_NONCE_LEN + (size_t)clen;
	return 0;
}

int
crypto_open(const uint8_t key[CRYPTO_KEY_LEN], const uint8_t *sealed,
    size_t len, const uint8_t *ad, size_t adlen, uint8_t **out,
    size_t *outlen)
{
	unsigned long long mlen = 0;
	uint8_t *buf;
	size_t plen;

	*out = NULL;
	*outlen = 0;
	if (sealed == NULL || len < CRYPTO_SEAL_OVERHEAD)
		return IRO_ECORRUPT;
	plen = len - CRYPTO_SEAL_OVERHEAD;
	/* plen < len, so plen + 1 cannot overflow. */
	if ((buf = malloc(plen + 1)) == NULL)
		return IRO_ENOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &mlen, NULL,
	    sealed + CRYPTO_NONCE_LEN, len - CRYPTO_NONCE_LEN,
	    adlen > 0 ? ad : empty, adlen, sealed, key) != 0) {
		free(buf);
		return IRO_ECORRUPT;
	}
	buf[plen] = '\0';
	*out = buf;
	*outlen = (size_t)mlen;
	return 0;
}

void
crypto_kdf_default(struct crypto_kdf_params *p)
{
	p->opslimit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
	p->memlimit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
}

void
crypto_kdf_fast(struct crypto_kdf_params *p)
{
	p->opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
	p->memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
}

int
crypto_kdf(const char *pass, size_t passlen,
    const uint8_t salt[CRYPTO_SALT_LEN], const struct crypto_kdf_params *p,
    uint8_t key[CRYPTO_KEY_LEN])
{
	if (p->opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	    p->opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
	    p->memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
	    p->memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX ||
	    p->memlimit > SIZE_MAX ||
	    passlen > crypto_pwhash_argon2id_PASSWD_MAX) {
		sodium_memzero(key, CRYPTO_KEY_LEN);
		return IRO_EINVAL;
	}
	/* Argon2id only fails here on allocation, given valid bounds. */
	if (crypto_pwhash_argon2id(key, CRYPTO_KEY_LEN,
	    passlen > 0 ? pass : (const char *)empty, passlen, salt,
	    p->opslimit, (size_t)p->memlimit,
	    crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0) {
		sodium_memzero(key, CRYPTO_KEY_LEN);
		return IRO_ENOMEM;
	}
	return 0;
}

int
crypto_pwhash(const char *pw, size_t len, char out[CRYPTO_PWHASH_STR_LEN])
{
	memset(out, 0, CRYPTO_PWHASH_STR_LEN);
	if (len > crypto_pwhash_argon2id_PASSWD_MAX)
		return IRO_EINVAL;
	if (crypto_pwhash_argon2id_str(out, len > 0 ? pw : (const char *)empty,
	    len, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) != 0)
		return IRO_ENOMEM;
	return 0;
}

int
crypto_pwhash_verify(const char *encoded, const char *pw, size_t len)
{
	/* libsodium reads the encoded string up to its NUL: bound it first. */
	if (encoded == NULL ||
	    strnlen(encoded, CRYPTO_PWHASH_STR_LEN) >= CRYPTO_PWHASH_STR_LEN ||
	    len > crypto_pwhash_argon2id_PASSWD_MAX)
		return IRO_EAUTH;
	if (crypto_pwhash_argon2id_str_verify(encoded,
	    len > 0 ? pw : (const char *)empty, len) != 0)
		return IRO_EAUTH;
	return 0;
}

int
crypto_sign_keypair(uint8_t pk[CRYPTO_PK_LEN], uint8_t sk[CRYPTO_SK_LEN])
{
	if (crypto_sign_ed25519_keypair(pk, sk) != 0) {
		sodium_memzero(sk, CRYPTO_SK_LEN);
		return IRO_EINTERNAL;
	}
	return 0;
}

int
crypto_sign_msg(const uint8_t sk[CRYPTO_SK_LEN], const uint8_t *msg,
    size_t len, uint8_t sig[CRYPTO_SIG_LEN])
{
	if (crypto_sign_ed25519_detached(sig, NULL, len > 0 ? msg : empty, len,
	    sk) != 0)
		return IRO_EINTERNAL;
	return 0;
}

int
crypto_verify_msg(const uint8_t pk[CRYPTO_PK_LEN], const uint8_t *msg,
    size_t len, const uint8_t sig[CRYPTO_SIG_LEN])
{
	if (crypto_sign_ed25519_verify_detached(sig, len > 0 ? msg : empty, len,
	    pk) != 0)
		return IRO_EAUTH;
	return 0;
}

void
crypto_hash(const uint8_t *msg, size_t len, uint8_t out[CRYPTO_HASH_LEN])
{
	/* Cannot fail: the output length and the (absent) key are valid. */
	(void)crypto_generichash_blake2b(out, CRYPTO_HASH_LEN,
	    len > 0 ? msg : empty, len, NULL, 0);
}

void
crypto_hash2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    uint8_t out[CRYPTO_HASH_LEN])
{
	crypto_generichash_blake2b_state st;

	/* Cannot fail for the same reasons as crypto_hash(). */
	(void)crypto_generichash_blake2b_init(&st, NULL, 0, CRYPTO_HASH_LEN);
	if (alen > 0)
		(void)crypto_generichash_blake2b_update(&st, a, alen);
	if (blen > 0)
		(void)crypto_generichash_blake2b_update(&st, b, blen);
	(void)crypto_generichash_blake2b_final(&st, out, CRYPTO_HASH_LEN);
	sodium_memzero(&st, sizeof(st));
}
