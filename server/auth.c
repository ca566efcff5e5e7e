/*
 * auth.c - authentication of signed sync requests (auth.h).
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "iro_error.h"
#include "sig.h"
#include "why.h"

static int
store_failed(struct store *st, int rc, char *why, size_t whylen)
{
	return why_set(why, whylen, rc, "%s", store_errmsg(st));
}

int
auth_check(struct store *st, const struct auth_request *r,
    uint64_t now_ms, struct store_device *dev, struct store_user *user,
    char *why, size_t whylen)
{
	uint8_t id[LIMIT_ID_LEN], nonce[16];
	struct sig_headers h;
	uint64_t t;
	int rc;

	memset(dev, 0, sizeof(*dev));
	memset(user, 0, sizeof(*user));
	if (sig_parse(r->device, r->time, r->nonce, r->signature, &h, id, &t,
	    nonce) != 0)
		return why_set(why, whylen, IRO_EAUTH, "missing or malformed "
		    "signature headers");
	rc = store_device_get(st, id, dev);
	if (rc == IRO_ENOTFOUND)
		return why_set(why, whylen, IRO_EAUTH, "unknown device '%s'",
		    h.device);
	if (rc != 0)
		return store_failed(st, rc, why, whylen);
	if (sig_verify(dev->pubkey, r->method, r->path, &h, r->body,
	    r->len) != 0)
		return why_set(why, whylen, IRO_EAUTH, "bad signature");
	if ((t > now_ms ? t - now_ms : now_ms - t) > LIMIT_SKEW_MS)
		return why_set(why, whylen, IRO_ESKEW, "request time %llu is "
		    "more than %d ms from the server clock %llu",
		    (unsigned long long)t, LIMIT_SKEW_MS,
		    (unsigned long long)now_ms);
	rc = store_nonce_use(st, id, nonce, now_ms, AUTH_NONCE_TTL_MS);
	if (rc == IRO_EEXIST)
		return why_set(why, whylen, IRO_EAUTH, "replayed request");
	if (rc != 0)
		return store_failed(st, rc, why, whylen);
	/* Only a fresh request signed by the device itself learns that it
	 * was revoked: the answer makes it erase its replica, so nobody
	 * else may provoke or observe it. */
	if (dev->revoked)
		return why_set(why, whylen, IRO_EREVOKED, "device '%s' was "
		    "revoked", h.device);
	rc = store_user_get(st, dev->username, user);
	if (rc == IRO_ENOTFOUND)
		return why_set(why, whylen, IRO_EAUTH, "user '%s' of the "
		    "device no longer exists", dev->username);
	if (rc != 0)
		return store_failed(st, rc, why, whylen);
	if (user->disabled)
		return why_set(why, whylen, IRO_EAUTH, "user '%s' is disabled",
		    user->username);
	return 0;
}
