/*
 * sync.c - the sync engine: push, pull, enrolment requests and what the
 * client does with each answer (proto/PROTOCOL.md, section 7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "hex.h"
#include "reconcile.h"
#include "restamp.h"
#include "scope.h"
#include "sig.h"
#include "sync.h"

#define PATH_PUSH "/v1/push"
#define PATH_PULL "/v1/pull"
#define PATH_ENROL "/v1/enrol"
/* A skew answer after the clock was corrected means the server's clock
 * moves under us; give up rather than loop. */
#define SKEW_RETRIES 3

/* The outcome of one request that the caller may act on. */
struct answer {
	int rc;
	uint64_t server_ms;      /* the server's clock, from any answer */
};

/* The library's code for an HTTP error status and protocol error code. */
static int
error_code(long status, const char *code)
{
	/* Only the server's own word "revoked" erases: a bare 401 or a
	 * certificate failure (also IRO_EAUTH) must never destroy data. */
	if (status == 401 && strcmp(code, "revoked") == 0)
		return IRO_EREVOKED;
	if (status == 401)
		return strcmp(code, "clock_skew") == 0 ? IRO_ESKEW : IRO_EAUTH;
	/* Too many failed enrolments: a refusal of the credentials, for
	 * now; the server's message says when to try again. */
	if (status == 429)
		return IRO_EAUTH;
	if (status == 409 && strcmp(code, "clock_skew") == 0)
		return IRO_ESKEW;
	if (status == 409 && strcmp(code, "change_id_reused") == 0)
		return IRO_ECONFLICT;
	if (status == 409 && strcmp(code, "exists") == 0)
		return IRO_EEXIST;
	if (status == 400 && strcmp(code, "unsupported_version") == 0)
		return IRO_EVERSION;
	if (status == 413)
		return IRO_ETOOBIG;
	if (status >= 500)
		return IRO_ESERVER;
	return IRO_EPROTO;
}

/* Decode a non-200 answer into a code, a message and the server time. */
static struct answer
http_error(const struct transport_resp *resp, const char *what, char *msg,
    size_t msglen)
{
	struct wire_error e;
	struct answer a = { 0, 0 };
	char why[LIMIT_MSG_STR_MAX] = "";

	memset(&e, 0, sizeof(e));
	if (resp->body == NULL || wire_decode_error(resp->body,
	    resp->body_len, &e, why, sizeof(why)) != 0) {
		a.rc = error_code(resp->status, "");
		snprintf(msg, msglen, "%s: the server answered http %ld",
		    what, resp->status);
		return a;
	}
	a.rc = error_code(resp->status, e.code);
	a.server_ms = e.time_ms;
	snprintf(msg, msglen, "%s: %s (%s)", what, e.message, e.code);
	return a;
}

/* The transport to the enrolled server, trusting only the CA remembered
 * at enrolment when there is one ("ca" in the sealed meta). */
static int
ensure_transport(struct iro *h)
{
	struct transport *t = NULL;
	uint8_t *ca = NULL;
	size_t calen = 0;
	char why[256] = "";
	int rc;

	if (h->transport != NULL)
		return 0;
	if ((rc = transport_check_url(h->server, why, sizeof(why))) != 0)
		return handle_fail(h, rc, "cannot use server '%s': %s",
		    h->server, why);
	rc = replica_meta_get(h->replica, "ca", &ca, &calen);
	if (rc == IRO_ENOTFOUND)
		rc = 0;
	else if (rc != 0)
		return handle_fail_replica(h, rc, "read the server's CA");
	if ((rc = transport_new(h->server, &t)) == 0 && ca != NULL)
		rc = transport_set_ca(t, ca, calen);
	free(ca);
	if (rc != 0) {
		transport_free(t);
		return handle_fail(h, rc, "cannot use server '%s': %s",
		    h->server, iro_strerror(rc));
	}
	h->transport = t;
	return 0;
}

/* POST a signed request; *resp holds the answer of any status. */
static int
post_signed(struct iro *h, const char *path, const uint8_t *body,
    size_t len, struct transport_resp *resp)
{
	struct sig_headers sh;
	struct transport_header hdrs[4];
	char err[512];
	int rc;

	rc = sig_sign(h->sk, h->device, "POST", path, handle_now_ms(h), body,
	    len, &sh);
	if (rc != 0)
		return handle_fail(h, rc, "cannot sign a request: %s",
		    iro_strerror(rc));
	hdrs[0].name = SIG_HDR_DEVICE;
	hdrs[0].value = sh.device;
	hdrs[1].name = SIG_HDR_TIME;
	hdrs[1].value = sh.time;
	hdrs[2].name = SIG_HDR_NONCE;
	hdrs[2].value = sh.nonce;
	hdrs[3].name = SIG_HDR_SIGNATURE;
	hdrs[3].value = sh.signature;
	rc = transport_post(h->transport, path, hdrs, 4, body, len, resp, err,
	    sizeof(err));
	if (rc == IRO_EUNREACHABLE)
		return handle_fail(h, rc, "server '%s' unreachable: %s",
		    h->server, err);
	if (rc != 0)
		return handle_fail(h, rc, "request to server '%s' failed: %s",
		    h->server, err);
	return 0;
}

static void
progress(const struct iro_sync_opts *o, enum iro_sync_phase phase,
    uint64_t done, uint64_t total)
{
	if (o != NULL && o->progress != NULL)
		o->progress(o->progress_ctx, phase, done, total);
}

/* How many of the n pending changes fit in one push body. */
static size_t
batch_size(const struct change *p, size_t n)
{
	size_t i, bytes = WIRE_PUSH_OVERHEAD;

	/* Half the limit leaves room for a server that counts differently;
	 * a change too big on its own goes alone, for the encoder or the
	 * server to refuse by name. */
	for (i = 0; i < n; i++) {
		size_t sz = wire_change_size(&p[i]);

		if (sz > LIMIT_BODY_MAX / 2 - bytes)
			return i > 0 ? i : 1;
		bytes += sz;
	}
	return n;
}

static const struct wire_refusal *
find_refusal(const struct wire_push_resp *r, const struct change *c)
{
	size_t i;

	for (i = 0; i < r->nrefused; i++)
		if (r->refused[i].seq == c->seq &&
		    memcmp(r->refused[i].device, c->ts.device,
		    LIMIT_ID_LEN) == 0)
			return &r->refused[i];
	return NULL;
}

/* Check that the answer accounts for each change of the batch once. */
static int
check_accounting(struct iro *h, const struct wire_push_resp *r,
    const struct change *batch, size_t n)
{
	size_t i, matched = 0;

	for (i = 0; i < n; i++)
		if (find_refusal(r, &batch[i]) != NULL)
			matched++;
	if (matched != r->nrefused || r->accepted > n ||
	    r->duplicates > n - r->accepted ||
	    r->accepted + r->duplicates + r->nrefused != n)
		return handle_fail(h, IRO_EPROTO,
		    "server '%s' accounted for %llu accepted, %llu duplicate "
		    "and %zu refused changes of %zu sent", h->server,
		    (unsigned long long)r->accepted,
		    (unsigned long long)r->duplicates, r->nrefused, n);
	return 0;
}

/*
 * Move the batch out of the outbox: ACKED, or REFUSED with a reason.  A
 * refused change leaves the local merge (handle.h), so its record is
 * merged again.
 */
static int
settle(struct iro *h, const struct wire_push_resp *r,
    const struct change *batch, size_t n)
{
	uint8_t (*touched)[LIMIT_ID_LEN] = NULL;
	const struct wire_refusal *f;
	char reason[LIMIT_MSG_STR_MAX + 40];
	struct hlc stable;
	size_t i, nt = 0;
	int rc;

	if (r->nrefused > 0 &&
	    (touched = calloc(r->nrefused, sizeof(*touched))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	if ((rc = replica_begin(h->replica)) != 0) {
		free(touched);
		return handle_fail_replica(h, rc, "start a transaction");
	}
	if ((rc = handle_hlc_load(h, "stable", &stable)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		f = find_refusal(r, &batch[i]);
		if (f != NULL) {
			snprintf(reason, sizeof(reason), "%s: %s", f->code,
			    f->reason);
			rc = replica_set_state(h->replica, batch[i].ts.device,
			    batch[i].seq, REPLICA_REFUSED, reason);
			memcpy(touched[nt++], batch[i].record, LIMIT_ID_LEN);
		} else {
			rc = replica_set_state(h->replica, batch[i].ts.device,
			    batch[i].seq, REPLICA_ACKED, NULL);
		}
		/* The server judged this stamp within its window: a later
		 * re-stamp may restart the clock from it. */
		if (rc == 0)
			rc = hlc_observe(&stable, batch[i].ts.wall_ms,
			    batch[i].ts.counter);
		if (rc != 0) {
			handle_fail_replica(h, rc, "mark a change sent");
			goto fail;
		}
	}
	if ((rc = handle_remerge_all(h, touched, nt)) != 0 ||
	    (rc = handle_hlc_save(h, "stable", &stable)) != 0)
		goto fail;
	if ((rc = replica_commit(h->replica)) != 0) {
		handle_fail_replica(h, rc, "mark changes sent");
		goto fail;
	}
	free(touched);
	return 0;
fail:
	replica_rollback(h->replica);
	free(touched);
	return rc;
}

/* Send one batch of at most limit changes; *n is 0 when none waits. */
static struct answer
push_batch(struct iro *h, size_t limit, struct iro_sync_result *res,
    size_t *n)
{
	struct change *batch = NULL;
	struct wire_push_req req;
	struct wire_push_resp pr;
	struct transport_resp resp;
	struct answer a = { 0, 0 };
	uint8_t *body = NULL;
	char why[LIMIT_MSG_STR_MAX] = "";
	size_t len = 0, got = 0;

	*n = 0;
	memset(&pr, 0, sizeof(pr));
	memset(&resp, 0, sizeof(resp));
	if ((a.rc = replica_pending(h->replica, limit, &batch, &got)) != 0) {
		handle_fail_replica(h, a.rc, "read the outbox");
		goto out;
	}
	if (got == 0)
		goto out;
	req.nchanges = batch_size(batch, got);
	req.changes = batch;
	if ((a.rc = wire_encode_push_req(&req, &body, &len)) != 0) {
		handle_fail(h, a.rc, "cannot encode %zu changes: %s",
		    req.nchanges, iro_strerror(a.rc));
		goto out;
	}
	if ((a.rc = post_signed(h, PATH_PUSH, body, len, &resp)) != 0)
		goto out;
	*n = req.nchanges;
	if (resp.status != 200) {
		a = http_error(&resp, "server refused the push", h->errmsg,
		    sizeof(h->errmsg));
		goto out;
	}
	a.rc = wire_decode_push_resp(resp.body, resp.body_len, &pr, why,
	    sizeof(why));
	if (a.rc != 0) {
		handle_fail(h, IRO_EPROTO, "malformed answer to a push: %s",
		    why);
		a.rc = IRO_EPROTO;
		goto out;
	}
	a.server_ms = pr.time_ms;
	if ((a.rc = check_accounting(h, &pr, batch, *n)) != 0 ||
	    (a.rc = settle(h, &pr, batch, *n)) != 0)
		goto out;
	res->sent += pr.accepted + pr.duplicates;
	res->refused += pr.nrefused;
out:
	wire_push_resp_clear(&pr);
	free(resp.body);
	free(body);
	change_free_array(batch, got);
	return a;
}

/* The clock is off: adopt the server's and re-stamp the outbox. */
static int
correct_clock(struct iro *h, uint64_t server_ms, int *skews)
{
	int64_t local = handle_local_ms(h);
	char msg[HANDLE_ERRMSG_MAX];

	if (++*skews > SKEW_RETRIES || server_ms == 0 ||
	    server_ms > INT64_MAX) {
		snprintf(msg, sizeof(msg), "%s", h->errmsg);
		return handle_fail(h, IRO_ESKEW,
		    "the clock still disagrees with the server's after %d "
		    "corrections: %s", SKEW_RETRIES, msg);
	}
	return restamp_outbox(h, (int64_t)server_ms - local);
}

static int
push(struct iro *h, const struct iro_sync_opts *o,
    struct iro_sync_result *res, int *skews)
{
	size_t limit = LIMIT_PUSH_CHANGES, n = 0;
	uint64_t total = 0, done = 0;
	struct answer a;
	int rc;

	if ((rc = replica_count(h->replica, REPLICA_PENDING, &total)) != 0)
		return handle_fail_replica(h, rc, "count the outbox");
	for (;;) {
		a = push_batch(h, limit, res, &n);
		if (a.rc == IRO_ESKEW) {
			if ((rc = correct_clock(h, a.server_ms, skews)) != 0)
				return rc;
			continue;
		}
		/* One change too many for the server: halve and retry. */
		if (a.rc == IRO_ETOOBIG && n > 1) {
			limit = n / 2;
			continue;
		}
		if (a.rc != 0)
			return a.rc;
		if (n == 0)
			return 0;
		done += n;
		progress(o, IRO_SYNC_PUSH, done, total > done ? total : done);
	}
}

/* Pulled pages that only rescope, in one sync, before the server is
 * judged to be going round in circles. */
#define RESCOPE_MAX 4

/*
 * Store one pulled page, advance the clocks, re-merge what it touched
 * and, for a page of the main pull, save its cursor with it (a
 * backfill's position lives only as long as the backfill).
 */
static int
apply_page(struct iro *h, const struct wire_pull_resp *pr, bool main_pull,
    struct iro_sync_result *res)
{
	uint8_t (*touched)[LIMIT_ID_LEN] = NULL;
	struct hlc clk, stable;
	char why[LIMIT_MSG_STR_MAX] = "";
	size_t i, nt = 0;
	int rc, inserted = 0;

	if (pr->nchanges > 0 &&
	    (touched = calloc(pr->nchanges, sizeof(*touched))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	if ((rc = replica_begin(h->replica)) != 0) {
		free(touched);
		return handle_fail_replica(h, rc, "start a transaction");
	}
	if ((rc = handle_hlc_load(h, "hlc", &clk)) != 0 ||
	    (rc = handle_hlc_load(h, "stable", &stable)) != 0)
		goto fail;
	for (i = 0; i < pr->nchanges; i++) {
		const struct change *c = &pr->changes[i];

		snprintf(why, sizeof(why), "its clock reading is at the limit");
		if (change_check(c, why, sizeof(why)) != 0 ||
		    hlc_observe(&clk, c->ts.wall_ms, c->ts.counter) != 0 ||
		    hlc_observe(&stable, c->ts.wall_ms, c->ts.counter) != 0) {
			rc = handle_fail(h, IRO_EPROTO,
			    "server '%s' sent an invalid change: %s",
			    h->server, why);
			goto fail;
		}
		/* A backfill returns this device's own changes of a child
		 * it held before: as the server has them, they are sent. */
		rc = replica_put_change(h->replica, c,
		    memcmp(c->ts.device, h->device, LIMIT_ID_LEN) == 0 ?
		    REPLICA_ACKED : REPLICA_REMOTE, &inserted);
		if (rc != 0) {
			handle_fail_replica(h, rc, "store a pulled change");
			goto fail;
		}
		if (inserted) {
			memcpy(touched[nt++], c->record, LIMIT_ID_LEN);
			res->received++;
		}
	}
	if ((rc = handle_remerge_all(h, touched, nt)) != 0 ||
	    (rc = handle_hlc_save(h, "hlc", &clk)) != 0 ||
	    (rc = handle_hlc_save(h, "stable", &stable)) != 0)
		goto fail;
	if (main_pull && (rc = replica_meta_put_u64(h->replica, "cursor",
	    pr->cursor)) != 0) {
		handle_fail_replica(h, rc, "save pulled changes");
		goto fail;
	}
	if ((rc = replica_commit(h->replica)) != 0) {
		handle_fail_replica(h, rc, "save pulled changes");
		goto fail;
	}
	free(touched);
	return 0;
fail:
	replica_rollback(h->replica);
	free(touched);
	return rc;
}

/* Send one pull request and decode the answer into *pr (cleared by the
 * caller whatever the outcome). */
static struct answer
pull_request(struct iro *h, const struct wire_pull_req *req,
    struct wire_pull_resp *pr)
{
	struct transport_resp resp;
	struct answer a = { 0, 0 };
	uint8_t *body = NULL;
	char why[LIMIT_MSG_STR_MAX] = "";
	size_t len = 0;

	memset(pr, 0, sizeof(*pr));
	memset(&resp, 0, sizeof(resp));
	if ((a.rc = wire_encode_pull_req(req, &body, &len)) != 0) {
		handle_fail(h, a.rc, "cannot encode a pull: %s",
		    iro_strerror(a.rc));
		goto out;
	}
	if ((a.rc = post_signed(h, PATH_PULL, body, len, &resp)) != 0)
		goto out;
	if (resp.status != 200) {
		a = http_error(&resp, "server refused the pull", h->errmsg,
		    sizeof(h->errmsg));
		goto out;
	}
	if (wire_decode_pull_resp(resp.body, resp.body_len, pr, why,
	    sizeof(why)) != 0) {
		a.rc = handle_fail(h, IRO_EPROTO,
		    "malformed answer to a pull: %s", why);
		goto out;
	}
	a.server_ms = pr->time_ms;
	/* A page that promises more but moves nothing would loop forever
	 * (a scope page moves the device's scope instead). */
	if (pr->more && !pr->has_scope && pr->nchanges == 0 &&
	    pr->cursor == req->cursor) {
		a.rc = handle_fail(h, IRO_EPROTO,
		    "server '%s' sent an empty page that promises more",
		    h->server);
		goto out;
	}
	/* Only a main pull may be answered with a scope. */
	if (pr->has_scope && req->nchildren > 0) {
		a.rc = handle_fail(h, IRO_EPROTO, "server '%s' answered a "
		    "backfill with a scope", h->server);
		goto out;
	}
out:
	free(resp.body);
	free(body);
	return a;
}

/* Send req again after each clock correction until it is answered. */
static int
pull_answered(struct iro *h, const struct wire_pull_req *req,
    struct wire_pull_resp *pr, int *skews, uint64_t *server_ms)
{
	struct answer a;
	int rc;

	for (;;) {
		a = pull_request(h, req, pr);
		if (a.rc != IRO_ESKEW)
			break;
		wire_pull_resp_clear(pr);
		if ((rc = correct_clock(h, a.server_ms, skews)) != 0)
			return rc;
	}
	if (a.rc == 0)
		*server_ms = a.server_ms;
	return a.rc;
}

/*
 * Fetch every change of children kids[0..n) that the main cursor has
 * already passed (positions up to `until`), a batch of children and a
 * page at a time.
 */
static int
backfill(struct iro *h, const struct iro_sync_opts *o,
    const uint8_t (*kids)[LIMIT_ID_LEN], size_t n, uint64_t until,
    struct iro_sync_result *res, int *skews, uint64_t *server_ms)
{
	struct wire_pull_req req;
	struct wire_pull_resp pr;
	size_t done = 0, i;
	int rc = 0;
	bool more;

	while (done < n && rc == 0) {
		memset(&req, 0, sizeof(req));
		req.limit = LIMIT_PULL_CHANGES;
		req.until = until;
		for (i = 0; i < LIMIT_BACKFILL_CHILDREN && done < n; i++)
			memcpy(req.children[req.nchildren++], kids[done++],
			    LIMIT_ID_LEN);
		for (more = true; more && rc == 0;) {
			rc = pull_answered(h, &req, &pr, skews, server_ms);
			if (rc == 0 && (pr.cursor < req.cursor ||
			    pr.cursor > until)) {
				rc = handle_fail(h, IRO_EPROTO, "server '%s' "
				    "moved a backfill outside its bounds",
				    h->server);
			}
			if (rc == 0)
				rc = apply_page(h, &pr, false, res);
			more = pr.more;
			req.cursor = pr.cursor;
			wire_pull_resp_clear(&pr);
			progress(o, IRO_SYNC_PULL, res->received, 0);
		}
	}
	return rc;
}

/*
 * The server's scope is not the replica's: forget the children that
 * left it, backfill those that joined it up to the main cursor, then
 * save it.  A crash in between leaves the old scope saved, so the next
 * sync does it all again (forgetting is idempotent, and backfilled
 * changes already stored are skipped).
 */
static int
rescope(struct iro *h, const struct iro_sync_opts *o,
    const struct wire_pull_resp *pr, uint64_t cursor,
    struct iro_sync_result *res, int *skews, uint64_t *server_ms)
{
	uint8_t (*old)[LIMIT_ID_LEN] = NULL, (*added)[LIMIT_ID_LEN] = NULL;
	const uint8_t (*now)[LIMIT_ID_LEN] =
	    (const uint8_t (*)[LIMIT_ID_LEN])pr->scope;
	size_t nold = 0, nadded = 0, i;
	uint64_t forgot = 0;
	bool known;
	int rc;

	if ((rc = reconcile_scope_get(h, &old, &nold, &known)) != 0)
		return rc;
	if ((rc = reconcile_forget(h, now, pr->nscope, &forgot)) != 0)
		goto out;
	res->children_out += forgot;
	if (pr->nscope > 0 &&
	    (added = calloc(pr->nscope, LIMIT_ID_LEN)) == NULL) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto out;
	}
	/* A replica that never saved a scope may lack any child. */
	for (i = 0; i < pr->nscope; i++)
		if (!known || !scope_has((const uint8_t (*)[LIMIT_ID_LEN])old,
		    nold, now[i]))
			memcpy(added[nadded++], now[i], LIMIT_ID_LEN);
	if (known)
		res->children_in += nadded;
	/* Nothing was pulled yet: the main pull brings everything. */
	if (cursor > 0 && nadded > 0 && (rc = backfill(h, o,
	    (const uint8_t (*)[LIMIT_ID_LEN])added, nadded, cursor, res,
	    skews, server_ms)) != 0)
		goto out;
	rc = reconcile_scope_put(h, now, pr->nscope);
out:
	free(added);
	free(old);
	return rc;
}

static int
pull(struct iro *h, const struct iro_sync_opts *o,
    struct iro_sync_result *res, int *skews, uint64_t *server_ms)
{
	uint8_t (*scope)[LIMIT_ID_LEN] = NULL;
	struct wire_pull_req req;
	struct wire_pull_resp pr;
	size_t nscope = 0;
	uint64_t cursor = 0;
	int rc, rescopes = 0;
	bool more = true, known = false;

	if ((rc = replica_meta_get_u64(h->replica, "cursor", &cursor)) != 0)
		return handle_fail_replica(h, rc, "read the pull cursor");
	memset(&req, 0, sizeof(req));
	req.limit = LIMIT_PULL_CHANGES;
	if ((rc = reconcile_scope_get(h, &scope, &nscope, &known)) != 0)
		return rc;
	req.has_scope = known;
	scope_digest((const uint8_t (*)[LIMIT_ID_LEN])scope, nscope,
	    req.scope);
	free(scope);
	while (more && rc == 0) {
		req.cursor = cursor;
		if ((rc = pull_answered(h, &req, &pr, skews, server_ms)) != 0) {
			/* A page decoded but refused still owns changes. */
			wire_pull_resp_clear(&pr);
			break;
		}
		if (pr.has_scope && ++rescopes > RESCOPE_MAX)
			rc = handle_fail(h, IRO_EPROTO, "server '%s' changed "
			    "this device's caseload %d times in one sync",
			    h->server, RESCOPE_MAX);
		else if (pr.has_scope &&
		    (rc = rescope(h, o, &pr, cursor, res, skews,
		    server_ms)) == 0) {
			/* The scope now saved is the server's. */
			req.has_scope = true;
			scope_digest((const uint8_t (*)[LIMIT_ID_LEN])pr.scope,
			    pr.nscope, req.scope);
		} else if (!pr.has_scope &&
		    (rc = apply_page(h, &pr, true, res)) == 0)
			cursor = pr.cursor;
		more = pr.more;
		wire_pull_resp_clear(&pr);
		progress(o, IRO_SYNC_PULL, res->received, 0);
	}
	return rc;
}

/* Fill the counts a caller shows, keeping the message of a failure. */
static void
summarise(struct iro *h, const struct transport_stats *before,
    struct iro_sync_result *out)
{
	struct transport_stats now;
	char msg[HANDLE_ERRMSG_MAX];

	memcpy(msg, h->errmsg, sizeof(msg));
	if (replica_count(h->replica, REPLICA_PENDING, &out->pending) != 0)
		out->pending = 0;
	if (handle_conflicts(h, &out->conflicts) != 0)
		out->conflicts = 0;
	transport_stats(h->transport, &now);
	out->requests = now.requests - before->requests;
	out->bytes_sent = now.bytes_sent - before->bytes_sent;
	out->bytes_received = now.bytes_received - before->bytes_received;
	memcpy(h->errmsg, msg, sizeof(msg));
}

/* The server revoked this device: destroy the data key so the replica
 * cannot be read again, whatever the passphrase. */
static int
erase(struct iro *h, struct iro_sync_result *out)
{
	int rc = replica_erase(h->replica);

	memset(out, 0, sizeof(*out));
	crypto_secure_free(h->sk);    /* wipes */
	h->sk = NULL;
	if (rc != 0 && rc != IRO_EBUSY)
		return handle_fail(h, IRO_EREVOKED, "this device was revoked by "
		    "the server, but its replica could not be erased: %s",
		    replica_errmsg(h->replica));
	return handle_fail(h, IRO_EREVOKED, "%s", REPLICA_REVOKED_MSG);
}

int
sync_run(struct iro *h, const struct iro_sync_opts *opts,
    struct iro_sync_result *out)
{
	struct transport_stats before;
	uint64_t server_ms = 0;
	int rc, skews = 0;

	memset(out, 0, sizeof(*out));
	memset(&before, 0, sizeof(before));
	if (h->server[0] == '\0' || h->sk == NULL)
		return handle_fail(h, IRO_ENOTENROLLED,
		    "this replica is not enrolled with a server");
	if ((rc = ensure_transport(h)) != 0)
		return rc;
	transport_stats(h->transport, &before);
	rc = push(h, opts, out, &skews);
	if (rc == 0)
		rc = pull(h, opts, out, &skews, &server_ms);
	if (rc == 0 && (rc = replica_meta_put_u64(h->replica, "last_sync",
	    server_ms)) != 0)
		handle_fail_replica(h, rc, "save the time of the sync");
	if (rc == IRO_EREVOKED)
		return erase(h, out);
	summarise(h, &before, out);
	if (rc == IRO_EUNREACHABLE)
		handle_fail(h, rc, "server '%s' unreachable: %llu %s stay "
		    "pending", h->server, (unsigned long long)out->pending,
		    out->pending == 1 ? "change" : "changes");
	return rc;
}

int
sync_enrol(struct transport *t, const char *url,
    const struct wire_enrol_req *req, struct wire_enrol_resp *resp,
    char *err, size_t errlen)
{
	struct transport_resp tr;
	uint8_t *body = NULL;
	char why[LIMIT_MSG_STR_MAX] = "";
	size_t len = 0;
	int rc;

	memset(resp, 0, sizeof(*resp));
	memset(&tr, 0, sizeof(tr));
	if ((rc = wire_encode_enrol_req(req, &body, &len)) != 0) {
		snprintf(err, errlen, "cannot encode the enrolment: %s",
		    iro_strerror(rc));
		return rc;
	}
	rc = transport_post(t, PATH_ENROL, NULL, 0, body, len, &tr, why,
	    sizeof(why));
	/* The body carries the password. */
	crypto_wipe(body, len);
	free(body);
	if (rc == IRO_EUNREACHABLE)
		snprintf(err, errlen, "server '%s' unreachable: %s", url, why);
	else if (rc != 0)
		snprintf(err, errlen, "request to server '%s' failed: %s", url,
		    why);
	if (rc != 0)
		goto out;
	if (tr.status == 200) {
		rc = wire_decode_enrol_resp(tr.body, tr.body_len, resp, why,
		    sizeof(why));
		if (rc != 0) {
			rc = IRO_EPROTO;
			snprintf(err, errlen,
			    "malformed answer to the enrolment: %s", why);
		}
	} else {
		rc = http_error(&tr, "server refused the enrolment", err,
		    errlen).rc;
		/* A throttled enrolment keeps the server's words: they say
		 * the password was not even checked, and when to retry. */
		if (rc == IRO_EAUTH && tr.status != 429)
			snprintf(err, errlen,
			    "server refused the password for '%s'", req->user);
	}
out:
	free(tr.body);
	return rc;
}
