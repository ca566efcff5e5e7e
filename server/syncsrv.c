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
#include "audit.h"
#include "auth.h"
#include "domain.h"
#include "hex.h"
#include "iro_error.h"
#include "ledger.h"
#include "scope.h"
#include "sig.h"
#include "syncsrv.h"
#include "wire.h"

struct syncsrv {
	struct store *st;
	pthread_mutex_t mu;             /* held around every use of st */
	syncsrv_clock_fn clock;
	void *clock_ctx;
	struct account_throttle throttle;
};

/* What one request has made known of who sent it, for its audit entry;
 * `audited` once the handler has written the entry itself. */
struct req_ctx {
	const char *peer;
	char user[LIMIT_USER_MAX + 1];
	bool has_device;
	uint8_t device[LIMIT_ID_LEN];
	bool audited;
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
	if (opts->throttle != NULL)
		s->throttle = *opts->throttle;
	else
		account_throttle_default(&s->throttle);
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

/* ---- the audit ---- */

/* An audit entry of action by rc's sender at now. */
static void
audit_begin(struct store_audit *a, const struct req_ctx *rc,
    const char *action, uint64_t now)
{
	memset(a, 0, sizeof(*a));
	a->at_ms = now;
	snprintf(a->action, sizeof(a->action), "%s", action);
	snprintf(a->username, sizeof(a->username), "%s", rc->user);
	a->has_device = rc->has_device;
	memcpy(a->device, rc->device, LIMIT_ID_LEN);
	snprintf(a->address, sizeof(a->address), "%s", rc->peer);
}

/* ---- enrol ---- */

/* Register the device and audit the enrolment in one transaction; the
 * attempt begun at `begun` is taken back from the failure counts. */
static int
enrol_commit(struct syncsrv *s, struct req_ctx *rc,
    const struct store_device *d, uint64_t begun)
{
	struct store_audit a;
	int err;

	audit_begin(&a, rc, AUDIT_ENROL, d->enrolled_ms);
	snprintf(a.detail, sizeof(a.detail), "enrolled device '%.200s'",
	    d->name);
	if ((err = store_begin(s->st)) != 0)
		return err;
	if ((err = store_device_add(s->st, d)) == 0 &&
	    (err = account_login_ok(s->st, d->username, rc->peer,
	    begun)) == 0 &&
	    (err = store_audit_append(s->st, &a, NULL)) == 0)
		return store_commit(s->st);
	store_rollback(s->st);
	return err;
}

static void
enrol_register(struct syncsrv *s, struct req_ctx *rc,
    const struct wire_enrol_req *req, const struct store_user *user,
    uint64_t begun, struct http_response *resp)
{
	struct wire_enrol_resp out;
	struct store_device d;
	char hex[2 * LIMIT_ID_LEN + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc_;

	memset(&d, 0, sizeof(d));
	memcpy(d.id, req->device, LIMIT_ID_LEN);
	memcpy(d.pubkey, req->pubkey, CRYPTO_PK_LEN);
	snprintf(d.username, sizeof(d.username), "%s", user->username);
	snprintf(d.name, sizeof(d.name), "%s", req->name);
	d.enrolled_ms = now_ms(s);
	rc->has_device = true;
	memcpy(rc->device, d.id, LIMIT_ID_LEN);
	pthread_mutex_lock(&s->mu);
	rc_ = enrol_commit(s, rc, &d, begun);
	pthread_mutex_unlock(&s->mu);
	hex_encode(req->device, LIMIT_ID_LEN, hex);
	if (rc_ == IRO_EEXIST) {
		reply_error(s, resp, 409, "exists", "device '%s' is already "
		    "registered", hex);
		return;
	}
	if (rc_ != 0) {
		reply_internal(s, resp, rc_, "register the device");
		return;
	}
	rc->audited = true;
	memset(&out, 0, sizeof(out));
	memcpy(out.device, req->device, LIMIT_ID_LEN);
	snprintf(out.user, sizeof(out.user), "%s", user->username);
	snprintf(out.role, sizeof(out.role), "%s",
	    schema_role_name(user->role));
	store_server_id(s->st, out.server);
	out.time_ms = now_ms(s);
	rc_ = wire_encode_enrol_resp(&out, &buf, &len);
	reply_ok(s, resp, rc_, buf, len);
	snprintf(resp->note, sizeof(resp->note), "device %s of '%s'", hex,
	    user->username);
}

/*
 * Check the throttle, count the attempt as failed until it succeeds and
 * read the account, in one transaction.  *throttled: refuse without
 * looking at the password.
 */
static int
enrol_start(struct syncsrv *s, struct req_ctx *rc, const char *username,
    uint64_t now, bool *throttled, struct store_user *user, char *why,
    size_t whylen)
{
	int err, uerr;

	if ((err = store_begin(s->st)) != 0)
		return err;
	err = account_login_begin(s->st, &s->throttle, username, rc->peer,
	    now, throttled, why, whylen);
	uerr = err == 0 && !*throttled ?
	    store_user_get(s->st, username, user) : 0;
	if (err == 0 && uerr != 0 && uerr != IRO_ENOTFOUND)
		err = uerr;
	if (err == 0)
		return store_commit(s->st) == 0 ? uerr : IRO_EIO;
	store_rollback(s->st);
	return err;
}

/* Audit a failed enrolment (its failure was counted by enrol_start). */
static void
enrol_failed(struct syncsrv *s, struct req_ctx *rc, const char *reason)
{
	struct store_audit a;

	audit_begin(&a, rc, AUDIT_ENROL_FAILED, now_ms(s));
	snprintf(a.detail, sizeof(a.detail), "%s", reason);
	pthread_mutex_lock(&s->mu);
	rc->audited = store_audit_append(s->st, &a, NULL) == 0;
	pthread_mutex_unlock(&s->mu);
}

static void
do_enrol(struct syncsrv *s, struct req_ctx *rc, const struct http_request *r,
    struct http_response *resp)
{
	struct wire_enrol_req req;
	struct store_user user;
	char why[LIMIT_MSG_STR_MAX + 1];
	bool throttled = false;
	uint64_t begun;
	int err;

	memset(&user, 0, sizeof(user));
	err = wire_decode_enrol_req(r->body, r->body_len, &req, why,
	    sizeof(why));
	if (err != 0) {
		reply_decode_error(s, resp, err, why);
		return;
	}
	snprintf(rc->user, sizeof(rc->user), "%s", req.user);
	pthread_mutex_lock(&s->mu);
	begun = now_ms(s);
	err = enrol_start(s, rc, req.user, begun, &throttled, &user, why,
	    sizeof(why));
	pthread_mutex_unlock(&s->mu);
	if (err != 0 && err != IRO_ENOTFOUND) {
		reply_internal(s, resp, err, "read the account");
		goto out;
	}
	if (throttled) {
		reply_error(s, resp, 429, "rate_limited", "%s", why);
		goto out;
	}
	/* Hashing is slow: done outside the lock, and as slowly for an
	 * unknown user as for a wrong password. */
	if (account_password_check(err == 0 ? &user : NULL, req.password,
	    strlen(req.password)) != 0) {
		reply_error(s, resp, 401, "unauthenticated",
		    "unknown user or wrong password");
		enrol_failed(s, rc, "unknown user or wrong password");
		goto out;
	}
	if (user.disabled) {
		reply_error(s, resp, 401, "unauthenticated", "user '%s' is "
		    "disabled", user.username);
		enrol_failed(s, rc, "user is disabled");
		goto out;
	}
	enrol_register(s, rc, &req, &user, begun, resp);
out:
	crypto_wipe(user.pwhash, sizeof(user.pwhash));
	wire_enrol_req_clear(&req);
}

/* ---- signed requests ---- */

/* Authenticate r; on failure answer it and return non-zero.  rc learns
 * the device (from its header) and user as far as they are known. */
static int
authenticate(struct syncsrv *s, struct req_ctx *rc,
    const struct http_request *r, struct store_device *dev,
    struct store_user *user, struct http_response *resp)
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
	int err;

	if (ar.device != NULL && strlen(ar.device) == 2 * LIMIT_ID_LEN &&
	    hex_decode(ar.device, rc->device, LIMIT_ID_LEN) == 0)
		rc->has_device = true;
	pthread_mutex_lock(&s->mu);
	err = auth_check(s->st, &ar, now_ms(s), dev, user, why, sizeof(why));
	pthread_mutex_unlock(&s->mu);
	/* A registered device names its user even when refused. */
	snprintf(rc->user, sizeof(rc->user), "%s", dev->username);
	if (err == IRO_EAUTH)
		reply_error(s, resp, 401, "unauthenticated", "%s", why);
	else if (err == IRO_ESKEW)
		reply_error(s, resp, 401, "clock_skew", "%s", why);
	else if (err == IRO_EREVOKED)
		reply_error(s, resp, 401, "revoked", "%s", why);
	else if (err != 0)
		reply_error(s, resp, 500, "internal", "cannot authenticate: %s",
		    why);
	return err;
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

/* What the push's audit entry needs, inside the push's transaction. */
struct push_audit {
	const struct req_ctx *rc;
	const struct wire_push_req *req;
	uint64_t now;
};

/* The audit entry of a push, written by ledger_push in the push's own
 * transaction (so a push is never in the log without its entry): every
 * record its changes name, and how they were taken. */
static int
audit_push(void *ctx, struct store *st, const struct wire_push_resp *out)
{
	const struct push_audit *pa = ctx;
	struct store_audit a;
	size_t cap = 0, i, n, nrecords;
	int err = 0;

	audit_begin(&a, pa->rc, AUDIT_PUSH, pa->now);
	for (i = 0; i < pa->req->nchanges && err == 0; i++)
		err = audit_add_record(&a, &cap, pa->req->changes[i].record);
	nrecords = a.nrecords;
	/* A record the server refused is never materialised, so the child
	 * each change names is listed too: "who wrote about this child"
	 * must find refused attempts as well. */
	for (i = 0; i < pa->req->nchanges && err == 0; i++) {
		const struct change *c = &pa->req->changes[i];
		const char *via = domain_child_ref(c->type);
		uint8_t kid[LIMIT_ID_LEN];

		if (via != NULL && strcmp(c->field, via) == 0 &&
		    c->value.type == VALUE_STR &&
		    strlen(c->value.s) == 2 * LIMIT_ID_LEN &&
		    hex_decode(c->value.s, kid, LIMIT_ID_LEN) == 0)
			err = audit_add_record(&a, &cap, kid);
	}
	n = (size_t)snprintf(a.detail, sizeof(a.detail), "in: %zu changes "
	    "to %zu records (accepted %llu, duplicates %llu, refused %zu)",
	    pa->req->nchanges, nrecords, (unsigned long long)out->accepted,
	    (unsigned long long)out->duplicates, out->nrefused);
	/* The first refusal's reason: the device may not keep it (its
	 * child may leave the device in the same sync). */
	if (out->nrefused > 0 && n < sizeof(a.detail))
		snprintf(a.detail + n, sizeof(a.detail) - n, "; %.32s: %.400s",
		    out->refused[0].code, out->refused[0].reason);
	if (err == 0)
		err = store_audit_append(st, &a, NULL);
	free(a.records);
	return err;
}

static void
do_push(struct syncsrv *s, struct req_ctx *rc, const struct http_request *r,
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
	struct push_audit pa;
	struct ledger_hook hook = { audit_push, &pa };
	uint64_t now;
	int err;

	if (authenticate(s, rc, r, &dev, &user, resp) != 0)
		return;
	err = wire_decode_push_req(r->body, r->body_len, &req, why,
	    sizeof(why));
	if (err != 0) {
		reply_decode_error(s, resp, err, why);
		return;
	}
	who.device = dev.id;
	who.username = user.username;
	who.role = user.role;
	who.team = user.team;
	who.last_pull_ms = dev.last_pull_ms;
	pthread_mutex_lock(&s->mu);
	now = now_ms(s);
	pa.rc = rc;
	pa.req = &req;
	pa.now = now;
	err = ledger_push(s->st, &who, req.changes, req.nchanges, now, &hook,
	    &out, why, sizeof(why));
	if (err == 0)
		(void)store_device_synced(s->st, dev.id, now);
	pthread_mutex_unlock(&s->mu);
	if (err != 0) {
		reply_push_error(s, resp, err, why);
		goto out;
	}
	rc->audited = true;
	out.time_ms = now_ms(s);
	err = wire_encode_push_resp(&out, &buf, &len);
	reply_ok(s, resp, err, buf, len);
	snprintf(resp->note, sizeof(resp->note), "'%s' accepted %llu, "
	    "duplicates %llu, refused %zu", user.username,
	    (unsigned long long)out.accepted,
	    (unsigned long long)out.duplicates, out.nrefused);
	wire_push_resp_clear(&out);
out:
	wire_push_req_clear(&req);
}

/* What one pull answers: a page of changes, or the device's scope. */
struct pull_out {
	struct store_pull_page page;
	bool scope_page;
	uint8_t (*scope)[LIMIT_ID_LEN];     /* malloc'd */
	size_t nscope;
};

static void
pull_out_clear(struct pull_out *o)
{
	store_pull_page_clear(&o->page);
	free(o->scope);
	memset(o, 0, sizeof(*o));
}

/*
 * Decide what the pull answers, against the viewer's scope as it stands
 * in this transaction: a backfill reads only those of its children that
 * are (still) in scope; a main pull whose digest is not the scope's gets
 * the scope instead of changes, so the device can forget and backfill
 * before it reads on.
 */
static int
pull_read(struct syncsrv *s, const struct wire_pull_req *req,
    struct store_pull_query *q, struct pull_out *o)
{
	uint8_t digest[LIMIT_SCOPE_DIGEST_LEN];
	uint8_t kids[LIMIT_BACKFILL_CHILDREN][LIMIT_ID_LEN];
	size_t i, n = 0;
	int err;

	if ((err = store_scope_children(s->st, q->viewer, &o->scope,
	    &o->nscope)) != 0)
		return err;
	if (req->nchildren > 0) {
		for (i = 0; i < req->nchildren; i++)
			if (scope_has((const uint8_t (*)[LIMIT_ID_LEN])o->scope,
			    o->nscope, req->children[i]))
				memcpy(kids[n++], req->children[i],
				    LIMIT_ID_LEN);
		if (n == 0) {
			/* Nothing asked for is still in scope: done. */
			o->page.cursor = req->until;
			return 0;
		}
		q->children = (const uint8_t (*)[LIMIT_ID_LEN])kids;
		q->nchildren = n;
		q->until = req->until;
		err = store_pull(s->st, q, &o->page);
		q->children = NULL;
		return err;
	}
	scope_digest((const uint8_t (*)[LIMIT_ID_LEN])o->scope, o->nscope,
	    digest);
	if (!req->has_scope ||
	    memcmp(digest, req->scope, sizeof(digest)) != 0) {
		o->scope_page = true;
		o->page.cursor = req->cursor;
		o->page.more = true;
		return 0;
	}
	return store_pull(s->st, q, &o->page);
}

/* Read what the pull answers and audit what goes out, in one
 * transaction: what the log says was sent is exactly what was read. */
static int
pull_page(struct syncsrv *s, const struct req_ctx *rc,
    const struct wire_pull_req *req, struct store_pull_query *q,
    struct pull_out *o)
{
	struct store_audit a;
	uint64_t now = now_ms(s);
	size_t cap = 0, i;
	int err;

	memset(o, 0, sizeof(*o));
	audit_begin(&a, rc, AUDIT_PULL, now);
	if ((err = store_begin(s->st)) != 0)
		return err;
	if ((err = pull_read(s, req, q, o)) != 0)
		goto out;
	for (i = 0; i < o->page.n && err == 0; i++)
		err = audit_add_record(&a, &cap, o->page.changes[i].record);
	if (o->scope_page)
		snprintf(a.detail, sizeof(a.detail), "scope: %zu children, "
		    "cursor %llu", o->nscope, (unsigned long long)q->cursor);
	else
		snprintf(a.detail, sizeof(a.detail), "out: %zu changes of "
		    "%zu records, %s%zu children, cursor %llu to %llu%s",
		    o->page.n, a.nrecords, req->nchildren > 0 ?
		    "backfill of " : "scope ", req->nchildren > 0 ?
		    req->nchildren : o->nscope, (unsigned long long)q->cursor,
		    (unsigned long long)o->page.cursor,
		    o->page.more ? ", more" : "");
	if (err == 0)
		err = store_audit_append(s->st, &a, NULL);
	if (err == 0)
		err = store_device_pulled(s->st, q->device, now);
out:
	free(a.records);
	if (err == 0 && (err = store_commit(s->st)) == 0)
		return 0;
	store_rollback(s->st);
	pull_out_clear(o);
	return err;
}

static void
do_pull(struct syncsrv *s, struct req_ctx *rc, const struct http_request *r,
    struct http_response *resp)
{
	struct store_pull_query q;
	struct store_viewer viewer;
	struct pull_out o;
	struct wire_pull_req req;
	struct wire_pull_resp out;
	struct store_device dev;
	struct store_user user;
	char why[LIMIT_MSG_STR_MAX + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	if (authenticate(s, rc, r, &dev, &user, resp) != 0)
		return;
	err = wire_decode_pull_req(r->body, r->body_len, &req, why,
	    sizeof(why));
	if (err != 0) {
		reply_decode_error(s, resp, err, why);
		return;
	}
	viewer.role = user.role;
	viewer.username = user.username;
	viewer.team = user.team;
	memset(&q, 0, sizeof(q));
	q.device = dev.id;
	q.viewer = &viewer;
	q.cursor = req.cursor;
	q.limit = req.limit < 1 ? 1 : req.limit > LIMIT_PULL_CHANGES ?
	    LIMIT_PULL_CHANGES : req.limit;
	q.max_bytes = LIMIT_BODY_MAX;
	pthread_mutex_lock(&s->mu);
	err = pull_page(s, rc, &req, &q, &o);
	pthread_mutex_unlock(&s->mu);
	if (err == IRO_ETOOBIG) {
		reply_internal(s, resp, err, "list the user's caseload (over "
		    "the limit of children one device may hold)");
		return;
	}
	if (err != 0) {
		reply_internal(s, resp, err, "read the change log");
		return;
	}
	rc->audited = true;
	memset(&out, 0, sizeof(out));
	out.nchanges = o.page.n;
	out.changes = o.page.changes;       /* borrowed from o */
	out.cursor = o.page.cursor;
	out.more = o.page.more;
	out.time_ms = now_ms(s);
	out.has_scope = o.scope_page;
	out.nscope = o.scope_page ? o.nscope : 0;
	out.scope = o.scope_page ? o.scope : NULL;
	err = wire_encode_pull_resp(&out, &buf, &len);
	reply_ok(s, resp, err, buf, len);
	if (o.scope_page)
		snprintf(resp->note, sizeof(resp->note), "'%s' scope of %zu "
		    "children", user.username, o.nscope);
	else
		snprintf(resp->note, sizeof(resp->note), "'%s' %zu changes, "
		    "cursor %llu%s%s", user.username, o.page.n,
		    (unsigned long long)o.page.cursor,
		    o.page.more ? ", more" : "",
		    req.nchildren > 0 ? " (backfill)" : "");
	pull_out_clear(&o);
}

/* ---- routing ---- */

static const struct {
	const char *path;
	void (*fn)(struct syncsrv *, struct req_ctx *,
	    const struct http_request *, struct http_response *);
} routes[] = {
	{ "/v1/enrol", do_enrol },
	{ "/v1/push", do_push },
	{ "/v1/pull", do_pull },
};

/* The audit entry of a refused request its handler did not record: the
 * note (code and message) says why.  A request that cannot be recorded
 * is still answered as refused; the failure goes to the request log. */
static void
audit_refusal(struct syncsrv *s, const struct req_ctx *rc,
    const struct http_request *req, struct http_response *resp)
{
	struct store_audit a;
	int err;

	audit_begin(&a, rc, AUDIT_REFUSED, now_ms(s));
	snprintf(a.detail, sizeof(a.detail), "%d %.32s %.200s: %s",
	    resp->status, req->method, req->path, resp->note);
	pthread_mutex_lock(&s->mu);
	err = store_audit_append(s->st, &a, NULL);
	pthread_mutex_unlock(&s->mu);
	if (err != 0) {
		size_t n = strlen(resp->note);

		snprintf(resp->note + n, sizeof(resp->note) - n,
		    " (not audited: %s)", iro_strerror(err));
	}
}

static void
handle(struct syncsrv *s, struct req_ctx *rc, const struct http_request *req,
    struct http_response *resp)
{
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
	routes[i].fn(s, rc, req, resp);
}

void
syncsrv_handle(void *ctx, const struct http_request *req,
    struct http_response *resp)
{
	struct syncsrv *s = ctx;
	struct req_ctx rc;

	memset(&rc, 0, sizeof(rc));
	rc.peer = req->peer != NULL ? req->peer : "";
	handle(s, &rc, req, resp);
	if (resp->status >= 400 && resp->status < 500 && !rc.audited)
		audit_refusal(s, &rc, req, resp);
}
