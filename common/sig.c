/*
 * sig.c - request signatures (proto/PROTOCOL.md section 6).
 *
 * The canonical string is built from text, never re-formatted numbers:
 * the verifier signs over exactly the header bytes it received, so two
 * spellings of one time or nonce can never share a signature.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "iro_error.h"
#include "sig.h"

#define SIG_PREFIX "IRO-SIG-1\n"
#define SIG_METHOD_MAX 16
#define SIG_PATH_MAX 1024
#define SIG_NONCE_LEN 16
#define SIG_TIME_DIGITS 20

/* Longest canonical string: prefix, the five fields and four newlines. */
#define SIG_CANON_MAX (sizeof(SIG_PREFIX) - 1 + SIG_METHOD_MAX + \
	SIG_PATH_MAX + SIG_TIME_DIGITS + 2 * SIG_NONCE_LEN + \
	2 * CRYPTO_HASH_LEN + 4)

_Static_assert(sizeof(((struct sig_headers *)0)->time) ==
    SIG_TIME_DIGITS + 1, "time header size");
_Static_assert(sizeof(((struct sig_headers *)0)->nonce) ==
    2 * SIG_NONCE_LEN + 1, "nonce header size");

/* Upper-case letters only: a newline here would make fields ambiguous. */
static int
method_ok(const char *m)
{
	size_t n;

	if (m == NULL)
		return 0;
	for (n = 0; m[n] != '\0'; n++)
		if (n >= SIG_METHOD_MAX || m[n] < 'A' || m[n] > 'Z')
			return 0;
	return n > 0;
}

/* Visible ASCII only, for the same reason. */
static int
path_ok(const char *p)
{
	size_t n;

	if (p == NULL)
		return 0;
	for (n = 0; p[n] != '\0'; n++)
		if (n >= SIG_PATH_MAX || p[n] < 0x21 || p[n] > 0x7e)
			return 0;
	return n > 0;
}

/* Exactly `len` characters, each a hex digit (lowercase only if lower). */
static int
hex_ok(const char *s, size_t len, int lower)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			continue;
		if (!lower && c >= 'A' && c <= 'F')
			continue;
		return 0;
	}
	return s[len] == '\0';
}

/* 1 to 20 decimal digits whose value fits in a uint64_t. */
static int
time_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (i >= SIG_TIME_DIGITS || s[i] < '0' || s[i] > '9')
			return 0;
		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return i > 0;
}

/* Every field of h NUL-terminated inside its array and well formed. */
static int
headers_ok(const struct sig_headers *h)
{
	uint64_t t;

	if (memchr(h->device, '\0', sizeof(h->device)) == NULL ||
	    memchr(h->time, '\0', sizeof(h->time)) == NULL ||
	    memchr(h->nonce, '\0', sizeof(h->nonce)) == NULL ||
	    memchr(h->signature, '\0', sizeof(h->signature)) == NULL)
		return 0;
	return hex_ok(h->device, 2 * LIMIT_ID_LEN, 0) &&
	    time_parse(h->time, &t) &&
	    hex_ok(h->nonce, 2 * SIG_NONCE_LEN, 1) &&
	    hex_ok(h->signature, 2 * CRYPTO_SIG_LEN, 0);
}

/* Write the canonical string into buf[SIG_CANON_MAX + 1]; its length. */
static size_t
canonical(char *buf, const char *method, const char *path,
    const char *time, const char *nonce, const uint8_t *body, size_t len)
{
	uint8_t hash[CRYPTO_HASH_LEN];
	char hexhash[2 * CRYPTO_HASH_LEN + 1];
	int n;

	crypto_hash(body, len, hash);
	hex_encode(hash, sizeof(hash), hexhash);
	/* Callers checked every field's length: this cannot truncate. */
	n = snprintf(buf, SIG_CANON_MAX + 1, SIG_PREFIX "%s\n%s\n%s\n%s\n%s",
	    method, path, time, nonce, hexhash);
	return n < 0 ? 0 : (size_t)n;
}

int
sig_sign(const uint8_t sk[CRYPTO_SK_LEN],
    const uint8_t device[LIMIT_ID_LEN], const char *method,
    const char *path, uint64_t time_ms, const uint8_t *body, size_t len,
    struct sig_headers *out)
{
	char canon[SIG_CANON_MAX + 1];
	uint8_t nonce[SIG_NONCE_LEN], sig[CRYPTO_SIG_LEN];
	size_t clen;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!method_ok(method) || !path_ok(path))
		return IRO_EINVAL;
	hex_encode(device, LIMIT_ID_LEN, out->device);
	snprintf(out->time, sizeof(out->time), "%" PRIu64, time_ms);
	crypto_random(nonce, sizeof(nonce));
	hex_encode(nonce, sizeof(nonce), out->nonce);
	clen = canonical(canon, method, path, out->time, out->nonce, body,
	    len);
	if ((rc = crypto_sign_msg(sk, (const uint8_t *)canon, clen, sig)) != 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	hex_encode(sig, sizeof(sig), out->signature);
	return 0;
}

int
sig_parse(const char *device, const char *time, const char *nonce,
    const char *signature, struct sig_headers *out,
    uint8_t device_id[LIMIT_ID_LEN], uint64_t *time_ms,
    uint8_t nonce_bytes[16])
{
	memset(out, 0, sizeof(*out));
	memset(device_id, 0, LIMIT_ID_LEN);
	memset(nonce_bytes, 0, SIG_NONCE_LEN);
	*time_ms = 0;
	if (device == NULL || time == NULL || nonce == NULL ||
	    signature == NULL)
		return IRO_EAUTH;
	/* The length checks bound every copy below by its array. */
	if (!hex_ok(device, 2 * LIMIT_ID_LEN, 0) ||
	    !hex_ok(nonce, 2 * SIG_NONCE_LEN, 1) ||
	    !hex_ok(signature, 2 * CRYPTO_SIG_LEN, 0) ||
	    !time_parse(time, time_ms)) {
		*time_ms = 0;
		return IRO_EAUTH;
	}
	memcpy(out->device, device, 2 * LIMIT_ID_LEN + 1);
	memcpy(out->time, time, strlen(time) + 1);
	memcpy(out->nonce, nonce, 2 * SIG_NONCE_LEN + 1);
	memcpy(out->signature, signature, 2 * CRYPTO_SIG_LEN + 1);
	if (hex_decode(device, device_id, LIMIT_ID_LEN) != 0 ||
	    hex_decode(nonce, nonce_bytes, SIG_NONCE_LEN) != 0) {
		memset(out, 0, sizeof(*out));
		*time_ms = 0;
		return IRO_EAUTH;
	}
	return 0;
}

int
sig_verify(const uint8_t pk[CRYPTO_PK_LEN], const char *method,
    const char *path, const struct sig_headers *h, const uint8_t *body,
    size_t len)
{
	char canon[SIG_CANON_MAX + 1];
	uint8_t sig[CRYPTO_SIG_LEN];
	size_t clen;

	if (!method_ok(method) || !path_ok(path) || !headers_ok(h))
		return IRO_EAUTH;
	if (hex_decode(h->signature, sig, sizeof(sig)) != 0)
		return IRO_EAUTH;
	clen = canonical(canon, method, path, h->time, h->nonce, body, len);
	return crypto_verify_msg(pk, (const uint8_t *)canon, clen, sig);
}
