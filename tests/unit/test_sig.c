/*
 * test_sig.c - request signatures: the canonical string, tampering with
 * each signed part, and strict parsing of the four headers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "hex.h"
#include "iro_error.h"
#include "sig.h"

static const uint8_t body[] = "\x82\xa1v\x01\xa7" "changes\x90";
static const uint8_t device[LIMIT_ID_LEN] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
};

struct keys {
	uint8_t pk[CRYPTO_PK_LEN];
	uint8_t sk[CRYPTO_SK_LEN];
};

static int
setup(void **state)
{
	static struct keys k;

	if (crypto_init() != 0 || crypto_sign_keypair(k.pk, k.sk) != 0)
		return -1;
	*state = &k;
	return 0;
}

static void
sign(const struct keys *k, struct sig_headers *h)
{
	assert_int_equal(sig_sign(k->sk, device, "POST", "/v1/push",
	    1700000000123ull, body, sizeof(body) - 1, h), 0);
}

static int
verify(const struct keys *k, const char *method, const char *path,
    const struct sig_headers *h, const uint8_t *b, size_t len)
{
	return sig_verify(k->pk, method, path, h, b, len);
}

static void
test_round_trip(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h, p;
	uint8_t dev[LIMIT_ID_LEN], nonce[16];
	uint64_t t = 0;

	sign(k, &h);
	assert_string_equal(h.device, "00112233445566778899aabbccddeeff");
	assert_string_equal(h.time, "1700000000123");
	assert_int_equal(strlen(h.nonce), 32);
	assert_int_equal(strlen(h.signature), 128);
	assert_int_equal(sig_parse(h.device, h.time, h.nonce, h.signature, &p,
	    dev, &t, nonce), 0);
	assert_memory_equal(dev, device, sizeof(dev));
	assert_int_equal(t, 1700000000123ull);
	assert_int_equal(verify(k, "POST", "/v1/push", &p, body,
	    sizeof(body) - 1), 0);
}

/* The signature is over exactly the canonical string of sig.h. */
static void
test_canonical_string(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;
	uint8_t hash[CRYPTO_HASH_LEN], sig[CRYPTO_SIG_LEN];
	char hexhash[2 * CRYPTO_HASH_LEN + 1], canon[256];
	int n;

	sign(k, &h);
	crypto_hash(body, sizeof(body) - 1, hash);
	hex_encode(hash, sizeof(hash), hexhash);
	n = snprintf(canon, sizeof(canon), "IRO-SIG-1\nPOST\n/v1/push\n"
	    "1700000000123\n%s\n%s", h.nonce, hexhash);
	assert_true(n > 0 && (size_t)n < sizeof(canon));
	assert_int_equal(hex_decode(h.signature, sig, sizeof(sig)), 0);
	assert_int_equal(crypto_verify_msg(k->pk, (const uint8_t *)canon,
	    (size_t)n, sig), 0);
}

static void
test_nonce_fresh(void **state)
{
	const struct keys *k = *state;
	struct sig_headers a, b;

	sign(k, &a);
	sign(k, &b);
	assert_string_not_equal(a.nonce, b.nonce);
	assert_string_not_equal(a.signature, b.signature);
}

static void
test_altered_method(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;

	sign(k, &h);
	assert_int_equal(verify(k, "PUT", "/v1/push", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
}

static void
test_altered_path(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;

	sign(k, &h);
	assert_int_equal(verify(k, "POST", "/v1/pull", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
}

static void
test_altered_time(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;

	sign(k, &h);
	strcpy(h.time, "1700000000124");
	assert_int_equal(verify(k, "POST", "/v1/push", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
	/* Same number, other spelling: still not what was signed. */
	strcpy(h.time, "01700000000123");
	assert_int_equal(verify(k, "POST", "/v1/push", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
}

static void
test_altered_nonce(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;

	sign(k, &h);
	h.nonce[0] = h.nonce[0] == '0' ? '1' : '0';
	assert_int_equal(verify(k, "POST", "/v1/push", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
}

static void
test_altered_body(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;
	uint8_t b[sizeof(body)];

	sign(k, &h);
	memcpy(b, body, sizeof(b));
	b[3] ^= 1;
	assert_int_equal(verify(k, "POST", "/v1/push", &h, b,
	    sizeof(body) - 1), IRO_EAUTH);
	assert_int_equal(verify(k, "POST", "/v1/push", &h, body,
	    sizeof(body) - 2), IRO_EAUTH);
	assert_int_equal(verify(k, "POST", "/v1/push", &h, NULL, 0),
	    IRO_EAUTH);
}

static void
test_altered_signature(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;

	sign(k, &h);
	h.signature[5] = h.signature[5] == 'a' ? 'b' : 'a';
	assert_int_equal(verify(k, "POST", "/v1/push", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
}

static void
test_other_device_key(void **state)
{
	const struct keys *k = *state;
	struct keys other;
	struct sig_headers h;

	assert_int_equal(crypto_sign_keypair(other.pk, other.sk), 0);
	sign(k, &h);
	assert_int_equal(verify(&other, "POST", "/v1/push", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
}

static void
test_empty_body(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;

	assert_int_equal(sig_sign(k->sk, device, "GET", "/v1/status", 0, NULL,
	    0, &h), 0);
	assert_string_equal(h.time, "0");
	assert_int_equal(verify(k, "GET", "/v1/status", &h, NULL, 0), 0);
}

static void
test_sign_rejects_bad_method_or_path(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;
	char longpath[1100];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(sig_sign(k->sk, device, "POST\n/v1", "/push", 1, NULL,
	    0, &h), IRO_EINVAL);
	assert_int_equal(sig_sign(k->sk, device, "post", "/v1/push", 1, NULL,
	    0, &h), IRO_EINVAL);
	assert_int_equal(sig_sign(k->sk, device, "", "/v1/push", 1, NULL, 0,
	    &h), IRO_EINVAL);
	assert_int_equal(sig_sign(k->sk, device, "POST", "/v1/push x", 1, NULL,
	    0, &h), IRO_EINVAL);
	assert_int_equal(sig_sign(k->sk, device, "POST", "", 1, NULL, 0, &h),
	    IRO_EINVAL);
	assert_int_equal(sig_sign(k->sk, device, "POST", longpath, 1, NULL, 0,
	    &h), IRO_EINVAL);
	assert_int_equal(h.signature[0], '\0');
}

static void
test_verify_rejects_malformed_headers(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h, bad;

	sign(k, &h);
	bad = h;
	memset(bad.time, '1', sizeof(bad.time));   /* unterminated */
	assert_int_equal(verify(k, "POST", "/v1/push", &bad, body,
	    sizeof(body) - 1), IRO_EAUTH);
	bad = h;
	bad.signature[127] = '\0';
	assert_int_equal(verify(k, "POST", "/v1/push", &bad, body,
	    sizeof(body) - 1), IRO_EAUTH);
	assert_int_equal(verify(k, "POST", "/v1/push\n", &h, body,
	    sizeof(body) - 1), IRO_EAUTH);
}

/* Parse one header set; the outputs must be zeroed on failure. */
static int
parse(const char *dev, const char *t, const char *nonce, const char *sig)
{
	struct sig_headers h;
	uint8_t id[LIMIT_ID_LEN], nb[16];
	uint64_t tm = 99;
	int rc;

	memset(id, 0xee, sizeof(id));
	rc = sig_parse(dev, t, nonce, sig, &h, id, &tm, nb);
	if (rc != 0) {
		assert_int_equal(tm, 0);
		assert_int_equal(id[0], 0);
		assert_int_equal(h.device[0], '\0');
	}
	return rc;
}

static void
test_parse_rejects_malformed(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h;
	char s[200];

	sign(k, &h);
	assert_int_equal(parse(h.device, h.time, h.nonce, h.signature), 0);
	/* Missing headers. */
	assert_int_equal(parse(NULL, h.time, h.nonce, h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, NULL, h.nonce, h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, h.time, NULL, h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, h.time, h.nonce, NULL), IRO_EAUTH);
	/* Device: 32 hex digits exactly. */
	assert_int_equal(parse("00112233445566778899aabbccddeef", h.time,
	    h.nonce, h.signature), IRO_EAUTH);
	assert_int_equal(parse("00112233445566778899aabbccddeeff0", h.time,
	    h.nonce, h.signature), IRO_EAUTH);
	assert_int_equal(parse("00112233445566778899aabbccddeefg", h.time,
	    h.nonce, h.signature), IRO_EAUTH);
	assert_int_equal(parse("", h.time, h.nonce, h.signature), IRO_EAUTH);
	/* Nonce: 32 lowercase hex digits. */
	snprintf(s, sizeof(s), "%.31s", h.nonce);
	assert_int_equal(parse(h.device, h.time, s, h.signature), IRO_EAUTH);
	snprintf(s, sizeof(s), "%sa", h.nonce);
	assert_int_equal(parse(h.device, h.time, s, h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, h.time,
	    "0123456789ABCDEF0123456789abcdef", h.signature), IRO_EAUTH);
	/* Signature: 128 hex digits. */
	snprintf(s, sizeof(s), "%.127s", h.signature);
	assert_int_equal(parse(h.device, h.time, h.nonce, s), IRO_EAUTH);
	snprintf(s, sizeof(s), "%s0", h.signature);
	assert_int_equal(parse(h.device, h.time, h.nonce, s), IRO_EAUTH);
	snprintf(s, sizeof(s), "%.127sz", h.signature);
	assert_int_equal(parse(h.device, h.time, h.nonce, s), IRO_EAUTH);
}

static void
test_parse_time(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h, p;
	uint8_t id[LIMIT_ID_LEN], nb[16];
	uint64_t t = 0;

	sign(k, &h);
	assert_int_equal(sig_parse(h.device, "18446744073709551615", h.nonce,
	    h.signature, &p, id, &t, nb), 0);
	assert_true(t == UINT64_MAX);
	assert_string_equal(p.time, "18446744073709551615");
	assert_int_equal(parse(h.device, "18446744073709551616", h.nonce,
	    h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, "99999999999999999999", h.nonce,
	    h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, "000000000000000000001", h.nonce,
	    h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, "", h.nonce, h.signature), IRO_EAUTH);
	assert_int_equal(parse(h.device, "-1", h.nonce, h.signature),
	    IRO_EAUTH);
	assert_int_equal(parse(h.device, "+1", h.nonce, h.signature),
	    IRO_EAUTH);
	assert_int_equal(parse(h.device, " 1", h.nonce, h.signature),
	    IRO_EAUTH);
	assert_int_equal(parse(h.device, "1e3", h.nonce, h.signature),
	    IRO_EAUTH);
	assert_int_equal(parse(h.device, "0x10", h.nonce, h.signature),
	    IRO_EAUTH);
}

static void
test_parse_decodes_nonce(void **state)
{
	const struct keys *k = *state;
	struct sig_headers h, p;
	uint8_t id[LIMIT_ID_LEN], nb[16], want[16];
	uint64_t t = 0;

	sign(k, &h);
	assert_int_equal(sig_parse(h.device, h.time, h.nonce, h.signature, &p,
	    id, &t, nb), 0);
	assert_int_equal(hex_decode(h.nonce, want, sizeof(want)), 0);
	assert_memory_equal(nb, want, sizeof(nb));
	assert_string_equal(p.nonce, h.nonce);
	assert_string_equal(p.signature, h.signature);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_canonical_string),
		cmocka_unit_test(test_nonce_fresh),
		cmocka_unit_test(test_altered_method),
		cmocka_unit_test(test_altered_path),
		cmocka_unit_test(test_altered_time),
		cmocka_unit_test(test_altered_nonce),
		cmocka_unit_test(test_altered_body),
		cmocka_unit_test(test_altered_signature),
		cmocka_unit_test(test_other_device_key),
		cmocka_unit_test(test_empty_body),
		cmocka_unit_test(test_sign_rejects_bad_method_or_path),
		cmocka_unit_test(test_verify_rejects_malformed_headers),
		cmocka_unit_test(test_parse_rejects_malformed),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_decodes_nonce),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
