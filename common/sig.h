/*
 * sig.h - request signatures: how a device proves each request is its
 * own, fresh and unaltered (proto/PROTOCOL.md, "Authentication").
 *
 * The device signs, with its Ed25519 key, the canonical string
 *
 *     "IRO-SIG-1\n" METHOD "\n" PATH "\n" TIME "\n" NONCE "\n" BODYHASH
 *
 * where TIME is decimal ms since the epoch, NONCE 32 hex digits (16 random
 * bytes) and BODYHASH the hex BLAKE2b-256 of the body.  The headers
 * X-Iro-Device, X-Iro-Time, X-Iro-Nonce and X-Iro-Signature carry the
 * device id, TIME, NONCE and the hex signature.
 */
#ifndef SIG_H
#define SIG_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "limits.h"

#define SIG_HDR_DEVICE "X-Iro-Device"
#define SIG_HDR_TIME "X-Iro-Time"
#define SIG_HDR_NONCE "X-Iro-Nonce"
#define SIG_HDR_SIGNATURE "X-Iro-Signature"

/* The four header values, as text. */
struct sig_headers {
	char device[2 * LIMIT_ID_LEN + 1];
	char time[21];
	char nonce[33];
	char signature[2 * CRYPTO_SIG_LEN + 1];
};

/*
 * sig_sign - fill *out for a request by `device` at time_ms with a fresh
 * random nonce.  method is 1-16 upper-case letters, path 1-1024 visible
 * ASCII characters (so no field can contain the separator).  Returns 0 or
 * IRO_EINVAL (bad or too long method or path); *out is zeroed on failure.
 */
int sig_sign(const uint8_t sk[CRYPTO_SK_LEN],
    const uint8_t device[LIMIT_ID_LEN], const char *method,
    const char *path, uint64_t time_ms, const uint8_t *body, size_t len,
    struct sig_headers *out);

/*
 * sig_parse - check the syntax of the four header values (any may be
 * NULL = missing) and decode the device id, time and nonce.  Device: 32
 * hex digits; time: 1-20 decimal digits within uint64_t; nonce: 32
 * lowercase hex digits; signature: 128 hex digits.  *out keeps the exact
 * text, which is what sig_verify() checks the signature over.
 * Returns 0 or IRO_EAUTH (then every output is zeroed).
 */
int sig_parse(const char *device, const char *time, const char *nonce,
    const char *signature, struct sig_headers *out,
    uint8_t device_id[LIMIT_ID_LEN], uint64_t *time_ms,
    uint8_t nonce_bytes[16]);

/*
 * sig_verify - 0 if h->signature is pk's signature over the canonical
 * string for this method, path and body; IRO_EAUTH otherwise (also for a
 * malformed h, method or path).  Freshness
 * (time window, nonce reuse) is the caller's job: it needs a store.
 */
int sig_verify(const uint8_t pk[CRYPTO_PK_LEN], const char *method,
    const char *path, const struct sig_headers *h, const uint8_t *body,
    size_t len);

#endif
