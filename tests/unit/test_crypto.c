/*
 * test_crypto.c - AEAD, KDF, password hashes, signatures, hashing and
 * secure memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "hex.h"
#include "iro_error.h"

static const uint8_t ad[] = "visit:date";
static const char msg[] = "seen alone, wanted to talk about school";

/* memmem without _GNU_SOURCE. */
static int
contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	return crypto_init();
}

static void
key_fill(uint8_t key[CRYPTO_KEY_LEN], uint8_t v)
{
	memset(key, v, CRYPTO_KEY_LEN);
}

static void
seal_msg(const uint8_t *key, uint8_t **sealed, size_t *len)
{
	assert_int_equal(crypto_seal(key, (const uint8_t *)msg, strlen(msg),
	    ad, sizeof(ad) - 1, sealed, len), 0);
	assert_int_equal(*len, strlen(msg) + CRYPTO_SEAL_OVERHEAD);
}

static void
test_seal_open_round_trip(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], *sealed = NULL, *plain = NULL;
	size_t slen = 0, plen = 0;

	(void)state;
	key_fill(key, 1);
	seal_msg(key, &sealed, &slen);
	assert_false(contains(sealed, slen, "school"));
	assert_int_equal(crypto_open(key, sealed, slen, ad, sizeof(ad) - 1,
	    &plain, &plen), 0);
	assert_int_equal(plen, strlen(msg));
	assert_memory_equal(plain, msg, plen);
	assert_int_equal(plain[plen], '\0');
	free(plain);
	free(sealed);
}

static void
test_seal_uses_fresh_nonce(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	(void)state;
	key_fill(key, 1);
	seal_msg(key, &a, &alen);
	seal_msg(key, &b, &blen);
	assert_int_equal(alen, blen);
	assert_memory_not_equal(a, b, alen);
	free(a);
	free(b);
}

static void
test_empty_message_without_ad(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], *sealed = NULL, *plain = NULL;
	size_t slen = 0, plen = 1;

	(void)state;
	key_fill(key, 2);
	assert_int_equal(crypto_seal(key, NULL, 0, NULL, 0, &sealed, &slen), 0);
	assert_int_equal(slen, CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(crypto_open(key, sealed, slen, NULL, 0, &plain, &plen),
	    0);
	assert_int_equal(plen, 0);
	assert_non_null(plain);
	free(plain);
	free(sealed);
}

static void
test_open_wrong_key(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], other[CRYPTO_KEY_LEN];
	uint8_t *sealed = NULL, *plain = (uint8_t *)1;
	size_t slen = 0, plen = 1;

	(void)state;
	key_fill(key, 1);
	key_fill(other, 1);
	other[31] ^= 1;
	seal_msg(key, &sealed, &slen);
	assert_int_equal(crypto_open(other, sealed, slen, ad, sizeof(ad) - 1,
	    &plain, &plen), IRO_ECORRUPT);
	assert_null(plain);
	assert_int_equal(plen, 0);
	free(sealed);
}

static void
test_open_altered_byte(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], *sealed = NULL, *plain = NULL;
	size_t slen = 0, plen = 0, i;

	(void)state;
	key_fill(key, 1);
	seal_msg(key, &sealed, &slen);
	/* Nonce, ciphertext and tag: every byte is covered. */
	for (i = 0; i < slen; i++) {
		sealed[i] ^= 0x40;
		assert_int_equal(crypto_open(key, sealed, slen, ad,
		    sizeof(ad) - 1, &plain, &plen), IRO_ECORRUPT);
		assert_null(plain);
		sealed[i] ^= 0x40;
	}
	assert_int_equal(crypto_open(key, sealed, slen, ad, sizeof(ad) - 1,
	    &plain, &plen), 0);
	free(plain);
	free(sealed);
}

static void
test_open_wrong_ad(void **state)
{
	static const uint8_t other[] = "visit:note";
	uint8_t key[CRYPTO_KEY_LEN], *sealed = NULL, *plain = NULL;
	size_t slen = 0, plen = 0;

	(void)state;
	key_fill(key, 1);
	seal_msg(key, &sealed, &slen);
	assert_int_equal(crypto_open(key, sealed, slen, other,
	    sizeof(other) - 1, &plain, &plen), IRO_ECORRUPT);
	assert_int_equal(crypto_open(key, sealed, slen, NULL, 0, &plain,
	    &plen), IRO_ECORRUPT);
	assert_null(plain);
	free(sealed);
}

static void
test_open_truncated(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], *sealed = NULL, *plain = NULL;
	size_t slen = 0, plen = 0;

	(void)state;
	key_fill(key, 1);
	seal_msg(key, &sealed, &slen);
	assert_int_equal(crypto_open(key, sealed, slen - 1, ad, sizeof(ad) - 1,
	    &plain, &plen), IRO_ECORRUPT);
	assert_int_equal(crypto_open(key, sealed, CRYPTO_SEAL_OVERHEAD - 1, ad,
	    sizeof(ad) - 1, &plain, &plen), IRO_ECORRUPT);
	assert_int_equal(crypto_open(key, NULL, 0, ad, sizeof(ad) - 1, &plain,
	    &plen), IRO_ECORRUPT);
	assert_null(plain);
	free(sealed);
}

static void
test_seal_too_big(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], *sealed = (uint8_t *)1;
	size_t slen = 1;

	(void)state;
	key_fill(key, 1);
	/* Refused by size alone: the message pointer is never read. */
	assert_int_equal(crypto_seal(key, (const uint8_t *)msg, SIZE_MAX - 8,
	    NULL, 0, &sealed, &slen), IRO_ETOOBIG);
	assert_null(sealed);
	assert_int_equal(slen, 0);
}

static void
test_kdf_deterministic(void **state)
{
	struct crypto_kdf_params p;
	uint8_t salt[CRYPTO_SALT_LEN], a[CRYPTO_KEY_LEN], b[CRYPTO_KEY_LEN];

	(void)state;
	crypto_kdf_fast(&p);
	memset(salt, 7, sizeof(salt));
	assert_int_equal(crypto_kdf("horse battery", 13, salt, &p, a), 0);
	assert_int_equal(crypto_kdf("horse battery", 13, salt, &p, b), 0);
	assert_memory_equal(a, b, sizeof(a));
}

static void
test_kdf_depends_on_salt_and_passphrase(void **state)
{
	struct crypto_kdf_params p;
	uint8_t salt[CRYPTO_SALT_LEN], a[CRYPTO_KEY_LEN], b[CRYPTO_KEY_LEN];

	(void)state;
	crypto_kdf_fast(&p);
	memset(salt, 7, sizeof(salt));
	assert_int_equal(crypto_kdf("horse battery", 13, salt, &p, a), 0);
	assert_int_equal(crypto_kdf("horse batterx", 13, salt, &p, b), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	salt[0] ^= 1;
	assert_int_equal(crypto_kdf("horse battery", 13, salt, &p, b), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void
test_kdf_params(void **state)
{
	struct crypto_kdf_params p;
	uint8_t salt[CRYPTO_SALT_LEN] = { 0 }, key[CRYPTO_KEY_LEN];

	(void)state;
	crypto_kdf_default(&p);
	assert_int_equal(p.opslimit, 2);
	assert_int_equal(p.memlimit, 64u << 20);
	crypto_kdf_fast(&p);
	p.memlimit = 1024;   /* below Argon2id's minimum */
	memset(key, 0xff, sizeof(key));
	assert_int_equal(crypto_kdf("x", 1, salt, &p, key), IRO_EINVAL);
	assert_true(crypto_equal(key, (uint8_t[CRYPTO_KEY_LEN]){ 0 },
	    sizeof(key)));
	crypto_kdf_fast(&p);
	p.opslimit = 0;
	assert_int_equal(crypto_kdf("x", 1, salt, &p, key), IRO_EINVAL);
}

static void
test_pwhash_verify(void **state)
{
	char enc[CRYPTO_PWHASH_STR_LEN];

	(void)state;
	assert_int_equal(crypto_pwhash("correct horse", 13, enc), 0);
	assert_int_equal(strncmp(enc, "$argon2id$", 10), 0);
	assert_int_equal(crypto_pwhash_verify(enc, "correct horse", 13), 0);
	assert_int_equal(crypto_pwhash_verify(enc, "correct horsE", 13),
	    IRO_EAUTH);
	assert_int_equal(crypto_pwhash_verify(enc, "correct hors", 12),
	    IRO_EAUTH);
	assert_int_equal(crypto_pwhash_verify("$argon2id$garbage",
	    "correct horse", 13), IRO_EAUTH);
	assert_int_equal(crypto_pwhash_verify(NULL, "x", 1), IRO_EAUTH);
}

static void
test_pwhash_unterminated_encoding(void **state)
{
	char enc[CRYPTO_PWHASH_STR_LEN + 8];

	(void)state;
	assert_int_equal(crypto_pwhash("pw", 2, enc), 0);
	/* Longer than any valid encoding: refused before libsodium reads. */
	memset(enc, 'a', sizeof(enc) - 1);
	enc[sizeof(enc) - 1] = '\0';
	assert_int_equal(crypto_pwhash_verify(enc, "pw", 2), IRO_EAUTH);
}

static void
test_sign_verify(void **state)
{
	uint8_t pk[CRYPTO_PK_LEN], sk[CRYPTO_SK_LEN], sig[CRYPTO_SIG_LEN];
	uint8_t m[] = "POST /v1/push";

	(void)state;
	assert_int_equal(crypto_sign_keypair(pk, sk), 0);
	assert_int_equal(crypto_sign_msg(sk, m, sizeof(m), sig), 0);
	assert_int_equal(crypto_verify_msg(pk, m, sizeof(m), sig), 0);
	m[0] = 'G';
	assert_int_equal(crypto_verify_msg(pk, m, sizeof(m), sig), IRO_EAUTH);
	m[0] = 'P';
	sig[10] ^= 1;
	assert_int_equal(crypto_verify_msg(pk, m, sizeof(m), sig), IRO_EAUTH);
}

static void
test_verify_other_key(void **state)
{
	uint8_t pk[CRYPTO_PK_LEN], sk[CRYPTO_SK_LEN], pk2[CRYPTO_PK_LEN];
	uint8_t sk2[CRYPTO_SK_LEN], sig[CRYPTO_SIG_LEN];

	(void)state;
	assert_int_equal(crypto_sign_keypair(pk, sk), 0);
	assert_int_equal(crypto_sign_keypair(pk2, sk2), 0);
	assert_memory_not_equal(pk, pk2, sizeof(pk));
	assert_int_equal(crypto_sign_msg(sk, NULL, 0, sig), 0);
	assert_int_equal(crypto_verify_msg(pk, NULL, 0, sig), 0);
	assert_int_equal(crypto_verify_msg(pk2, NULL, 0, sig), IRO_EAUTH);
}

static void
test_hash_known_answers(void **state)
{
	uint8_t h[CRYPTO_HASH_LEN];
	char hex[2 * CRYPTO_HASH_LEN + 1];

	(void)state;
	crypto_hash(NULL, 0, h);
	hex_encode(h, sizeof(h), hex);
	assert_string_equal(hex, "0e5751c026e543b2e8ab2eb06099daa1"
	    "d1e5df47778f7787faab45cdf12fe3a8");
	crypto_hash((const uint8_t *)"abc", 3, h);
	hex_encode(h, sizeof(h), hex);
	assert_string_equal(hex, "bddd813c634239723171ef3fee98579b"
	    "94964e3bb1cb3e427262c8c068d52319");
}

static void
test_secure_memory(void **state)
{
	uint8_t *p = crypto_secure_alloc(64);

	(void)state;
	assert_non_null(p);
	memset(p, 0xa5, 64);
	crypto_wipe(p, 64);
	assert_true(crypto_equal(p, (uint8_t[64]){ 0 }, 64));
	crypto_secure_free(p);
	crypto_secure_free(NULL);
	crypto_wipe(NULL, 0);
}

static void
test_equal(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	memset(a, 3, sizeof(a));
	memset(b, 3, sizeof(b));
	assert_true(crypto_equal(a, b, sizeof(a)));
	b[31] = 4;
	assert_false(crypto_equal(a, b, sizeof(a)));
	assert_true(crypto_equal(a, b, 0));
}

static void
test_random_differs(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	crypto_random(a, sizeof(a));
	crypto_random(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	crypto_random(NULL, 0);
}

static void
test_init_twice(void **state)
{
	(void)state;
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(crypto_init(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_open_round_trip),
		cmocka_unit_test(test_seal_uses_fresh_nonce),
		cmocka_unit_test(test_empty_message_without_ad),
		cmocka_unit_test(test_open_wrong_key),
		cmocka_unit_test(test_open_altered_byte),
		cmocka_unit_test(test_open_wrong_ad),
		cmocka_unit_test(test_open_truncated),
		cmocka_unit_test(test_seal_too_big),
		cmocka_unit_test(test_kdf_deterministic),
		cmocka_unit_test(test_kdf_depends_on_salt_and_passphrase),
		cmocka_unit_test(test_kdf_params),
		cmocka_unit_test(test_pwhash_verify),
		cmocka_unit_test(test_pwhash_unterminated_encoding),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_verify_other_key),
		cmocka_unit_test(test_hash_known_answers),
		cmocka_unit_test(test_secure_memory),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_random_differs),
		cmocka_unit_test(test_init_twice),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
