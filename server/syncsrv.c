/*
 * syncsrv.c - the protocol's endpoints (syncsrv.h).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "auth.h"
#include "hex.h"
#include "iro_error.h"
#include "ledger.h"
#include "sig.h"
#include "syncsrv.h"
#include "wire.h"

struct syncsrv {
	struct store *st;
	pthread_mutex_t mu;             /* held around every use of st */
	syncsrv_clock_fn clock;
	void *clock_ctx;
};

static uint64_t
system_clock(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
syncsrv_new(const struct syncsrv_opts *opts, struct syncsrv **out)
{
	struct syncsrv *s;

	*out = NULL;
	if (opts == NULL || opts->store == NULL)
		return IRO_EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return IRO_ENOMEM;
	s->st = opts->store;
	s->clock = opts->clock != NULL ? opts->clock : system_clock;
	s->clock_ctx = opts->clock_ctx;
	pthread_mutex_init(&s->mu, NULL);
	*out = s;
	return 0;
}

void
syncsrv_free(struct syncsrv *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static uint64_t
now_ms(struct syncsrv *s)
{
	return s->clock(s->clock_ctx);
}

static void reply_error(struct syncsrv *s, struct http_response *resp,
    int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Answer with a wire error message.  If even that cannot be encoded the
 * answer is a bare 500: there is nothing better left to say. */
static void
reply_error(struct syncsrv *s, struct http_response *resp, int status,
    const char *code, const char *fmt, ...)
{
	struct wire_error e;
	va_list ap;

	memset(&e, 0, sizeof(e));
	snprintf(e.code, sizeof(e.code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	e.time_ms = now_ms(s);
	resp->status = status;
	if (wire_encode_error(&e, &resp->body, &resp->body_len) != 0)
		resp->status = 500;
	snprintf(resp->note, sizeof(resp->note), "%.32s: %.200s", e.code,
	    e.message);
}

/* The answer to a body that did not decode. */
static void
reply_decode_error(struct syncsrv *s, struct http_response *resp, int rc,
    const char *why)
{
	switch (rc) {
	case IRO_EVERSION:
		reply_error(s, resp, 400, "unsupported_version", "%s", why);
		break;
	case IRO_ETOOBIG:
		reply_error(s, resp, 413, "too_large", "%s", why);
		break;
	case IRO_EINVAL:
		reply_error(s, resp, 400, "invalid_change", "%s", why);
		break;
	case IRO_ENOMEM:
		reply_error(s, resp, 500, "internal", "out of memory");
		break;
	default:
		reply_error(s, resp, 400, "bad_request", "%s", why);
		break;
	}
}

static void
reply_internal(struct syncsrv *s, struct http_response *resp, int rc,
    const char *what)
{
	reply_error(s, resp, 500, "internal", "cannot %s: %s", what,
	    rc == IRO_EIO || rc == IRO_EBUSY ? store_errmsg(s->st) :
	    iro_strerror(rc));
}

/* Answer 200 with an encoded message, or 500 if it did not encode. */
static void
reply_ok(struct syncsrv *s, struct http_response *resp, int rc,
    uint8_t *buf, size_t len)
{
	if (rc != 0) {
		reply_internal(s, resp, rc, "encode the answer");
		return;
	}
	resp->status = 200;
	resp->body = buf;
	resp->body_len = len;
}

/* ---- enrol ---- */

static void
enrol_register(struct syncsrv *s, const struct wire_enrol_req *req,
    const struct store_user *user, struct http_response *resp)
{
	struct wire_enrol_resp out;
	struct store_device d;
	char hex[2 * LIMIT_ID_LEN + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	memcpy(d.id, req->device, LIMIT_ID_LEN);
	memcpy(d.pubkey, req->pubkey, CRYPTO_PK_LEN);
	snprintf(d.username, sizeof(d.username), "%s", user->username);
	snprintf(d.name, sizeof(d.name), "%s", req->name);
	d.enrolled_ms = now_ms(s);
	pthread_mutex_lock(&s->mu);
	rc = store_device_add(s->st, &d);
	pthread_mutex_unlock(&s->mu);
	hex_encode(req->device, LIMIT_ID_LEN, hex);
	if (rc == IRO_EEXIST) {
		reply_error(s, resp, 409, "exists", "device '%s' is already "
		    "registered", hex);
		return;
	}
	if (rc != 0) {
		reply_internal(s, resp, rc, "register the device");
		return;
	}
	memset(&out, 0, sizeof(out));
	memcpy(out.device, req->device, LIMIT_ID_LEN);
	snprintf(out.user, sizeof(out.user), "%s", user->username);
	snprintf(out.role, sizeof(out.role), "%s",
	    schema_role_name(user->role));
	store_server_id(s->st, out.server);
	out.time_ms = now_ms(s);
	rc = wire_encode_enrol_resp(&out, &buf, &len);
	reply_ok(s, resp, rc, buf, len);
	snprintf(resp->note, sizeof(resp->note), "device %s of '%s'", hex,
	    user->username);
}

static void
do_enrol(struct syncsrv *s, const struct http_request *r,
    struct http_response *resp)
{
	struct wire_enrol_req req;
	struct store_user user;
	char why[LIMIT_MSG_STR_MAX + 1];
	int rc;

	memset(&user, 0, sizeof(user));
	rc = wire_decode_enrol_req(r->body, r->body_len, &req, why,
	    sizeof(why));
	if (rc != 0) {
		reply_decode_error(s, resp, rc, why);
		return;
	}
	pthread_mutex_lock(&s->mu);
	rc = store_user_get(s->st, req.user, &user);
	pthread_mutex_unlock(&s->mu);
	if (rc != 0 && rc != IRO_ENOTFOUND) {
		reply_internal(s, resp, rc, "read the account");
		goto out;
	}
	/* Hashing is slow: done outside the lock, and as slowly for an
	 * unknown user as for a wrong password. */
	if (account_password_check(rc == 0 ? &user : NULL, req.password,
	    strlen(req.password)) != 0) {
		reply_error(s, resp, 401, "unauthenticated",
		    "unknown user or wrong password");
		goto out;
	}
	enrol_register(s, &req, &user, resp);
out:
	crypto_wipe(user.pwhash, sizeof(user.pwhash));
	wire_enrol_req_clear(&req);
}

/* ---- signed requests ---- */

/* Authenticate r; on failure answer it and return non-zero. */
static int
authenticate(struct syncsrv *s, const struct http_request *r,
    struct store_device *dev, struct store_user *user,
    struct http_response *resp)
{
	struct auth_request ar = {
		.method = r->method, .path = r->path,
		.device = http_header_get(r, SIG_HDR_DEVICE),
		.time = http_header_get(r, SIG_HDR_TIME),
		.nonce = http_header_get(r, SIG_HDR_NONCE),
		.signature = http_header_get(r, SIG_HDR_SIGNATURE),
		.body = r->body, .len = r->body_len
	};
	char why[LIMIT_MSG_STR_MAX + 1];
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = auth_check(s->st, &ar, now_ms(s), dev, user, why, sizeof(why));
	pthread_mutex_unlock(&s->mu);
	if (rc == IRO_EAUTH)
		reply_error(s, resp, 401, "unauthenticated", "%s", why);
	else if (rc == IRO_ESKEW)
		reply_error(s, resp, 401, "clock_skew", "%s", why);
	else if (rc != 0)
		reply_error(s, resp, 500, "internal", "cannot authenticate: %s",
		    why);
	return rc;
}

static void
reply_push_error(struct syncsrv *s, struct http_response *resp, int rc,
    const char *why)
{
	switch (rc) {
	case IRO_EINVAL:
		reply_error(s, resp, 400, "invalid_change", "%s", why);
		break;
	case IRO_ESKEW:
		reply_error(s, resp, 409, "clock_skew", "%s", why);
		break;
	case IRO_ECONFLICT:
		reply_error(s, resp, 409, "change_id_reused", "%s", why);
		break;
	case IRO_ETOOBIG:
		reply_error(s, resp, 413, "too_large", "%s", why);
		break;
	default:
		reply_error(s, resp, 500, "internal", "nothing was written: %s",
		    why);
		break;
	}
}

static void
do_push(struct syncsrv *s, const struct http_request *r,
    struct http_response *resp)
{
	struct wire_push_req req;
	struct wire_push_resp out;
	struct ledger_sender who;
	struct store_device dev;
	struct store_user user;
	char why[LIMIT_MSG_STR_MAX + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t now;
	int rc;

	if (authenticate(s, r, &dev, &user, resp) != 0)
		return;
	rc = wire_decode_push_req(r->body, r->body_len, &req, why,
	    sizeof(why));
	if (rc != 0) {
		reply_decode_error(s, resp, rc, why);
		return;
	}
	who.device = dev.id;
	who.username = user.username;
	who.role = user.role;
	pthread_mutex_lock(&s->mu);
	now = now_ms(s);
	rc = ledger_push(s->st, &who, req.changes, req.nchanges, now, &out,
	    why, sizeof(why));
	if (rc == 0)
		(void)store_device_synced(s->st, dev.id, now);
	pthread_mutex_unlock(&s->mu);
	if (rc != 0) {
		reply_push_error(s, resp, rc, why);
		goto out;
	}
	out.time_ms = now_ms(s);
	rc = wire_encode_push_resp(&out, &buf, &len);
	reply_ok(s, resp, rc, buf, len);
	snprintf(resp->note, sizeof(resp->note), "'%s' accepted %llu, "
	    "duplicates %llu, refused %zu", user.username,
	    (unsigned long long)out.accepted,
	    (unsigned long long)out.duplicates, out.nrefused);
	wire_push_resp_clear(&out);
out:
	wire_push_req_clear(&req);
}

static void
do_pull(struct syncsrv *s, const struct http_request *r,
    struct http_response *resp)
{
	struct store_pull_query q;
	struct store_pull_page page;
	struct wire_pull_req req;
	struct wire_pull_resp out;
	struct store_device dev;
	struct store_user user;
	char why[LIMIT_MSG_STR_MAX + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (authenticate(s, r, &dev, &user, resp) != 0)
		return;
	rc = wire_decode_pull_req(r->body, r->body_len, &req, why,
	    sizeof(why));
	if (rc != 0) {
		reply_decode_error(s, resp, rc, why);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.device = dev.id;
	q.username = user.username;
	q.cursor = req.cursor;
	q.limit = req.limit < 1 ? 1 : req.limit > LIMIT_PULL_CHANGES ?
	    LIMIT_PULL_CHANGES : req.limit;
	q.max_bytes = LIMIT_BODY_MAX;
	pthread_mutex_lock(&s->mu);
	rc = store_pull(s->st, &q, &page);
	if (rc == 0)
		(void)store_device_synced(s->st, dev.id, now_ms(s));
	pthread_mutex_unlock(&s->mu);
	if (rc != 0) {
		reply_internal(s, resp, rc, "read the change log");
		return;
	}
	memset(&out, 0, sizeof(out));
	out.nchanges = page.n;
	out.changes = page.changes;     /* borrowed from page */
	out.cursor = page.cursor;
	out.more = page.more;
	out.time_ms = now_ms(s);
	rc = wire_encode_pull_resp(&out, &buf, &len);
	reply_ok(s, resp, rc, buf, len);
	snprintf(resp->note, sizeof(resp->note), "'%s' %zu changes, cursor "
	    "%llu%s", user.username, page.n,
	    (unsigned long long)page.cursor, page.more ? ", more" : "");
	store_pull_page_clear(&page);
}

/* ---- routing ---- */

static const struct {
	const char *path;
	void (*fn)(struct syncsrv *, const struct http_request *,
	    struct http_response *);
} routes[] = {
	{ "/v1/enrol", do_enrol },
	{ "/v1/push", do_push },
	{ "/v1/pull", do_pull },
};

void
syncsrv_handle(void *ctx, const struct http_request *req,
    struct http_response *resp)
{
	struct syncsrv *s = ctx;
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(req->path, routes[i].path) == 0)
			break;
	if (i == sizeof(routes) / sizeof(routes[0])) {
		reply_error(s, resp, 404, "not_found", "no such path '%.200s'",
		    req->path);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		reply_error(s, resp, 405, "method_not_allowed", "'%.200s' "
		    "takes POST, not '%.32s'", req->path, req->method);
		return;
	}
	if (req->too_large) {
		reply_error(s, resp, 413, "too_large", "request body is over "
		    "%u bytes", (unsigned)LIMIT_BODY_MAX);
		return;
	}
	routes[i].fn(s, req, resp);
}
