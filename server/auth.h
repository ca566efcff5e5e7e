/*
 * auth.h - authentication of signed sync requests (proto/PROTOCOL.md
 * section 6): the signature (common/sig.h) plus freshness, which needs
 * the store: the device must be registered and not revoked, its user
 * must exist and not be disabled, the time
 * within LIMIT_SKEW_MS of the server's clock, and the nonce unused by this
 * device within AUTH_NONCE_TTL_MS.
 *
 * Runs before the body is decoded.  Serialise use of the store handle.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* How long a nonce is remembered: the whole width of the time window and
 * a second more, so no request can be replayed while its time is still
 * acceptable. */
#define AUTH_NONCE_TTL_MS (2 * LIMIT_SKEW_MS + 1000)

/* A request as received: header values are NULL when missing. */
struct auth_request {
	const char *method;
	const char *path;
	const char *device;             /* X-Iro-Device */
	const char *time;               /* X-Iro-Time */
	const char *nonce;              /* X-Iro-Nonce */
	const char *signature;          /* X-Iro-Signature */
	const uint8_t *body;
	size_t len;
};

/*
 * auth_check - authenticate r at server time now_ms.  On success *dev is
 * the device and *user its account, and the nonce is spent.  Returns 0,
 * IRO_EAUTH (missing or malformed headers, unknown device, bad
 * signature, replayed nonce, the device's user gone or disabled),
 * IRO_ESKEW (a good signature, but the time is off by more than
 * LIMIT_SKEW_MS), IRO_EREVOKED (a good, fresh, unreplayed signature from
 * a revoked device: the only case that tells a device it was revoked), or IRO_EIO/IRO_EBUSY/IRO_ENOMEM; why
 * says which.  The signature is checked before the nonce is remembered,
 * so unsigned requests cannot fill the nonce table.
 */
int auth_check(struct store *st, const struct auth_request *r,
    uint64_t now_ms, struct store_device *dev, struct store_user *user,
    char *why, size_t whylen);

#endif
