/*
 * test_sync.c - the sync engine against the real server, in process, on
 * 127.0.0.1: enrolment, push and pull between two devices, conflicts
 * across devices and their resolution, clock skew, an unreachable server,
 * a lost reply, refusals and pushes in several batches.
 *
 * The server is the real one (store, ledger, syncsrv, http) started with
 * http_start(); a wrapper around its handler can lose push replies after
 * they were committed.
 */
#define _XOPEN_SOURCE 700   /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "handle.h"
#include "hex.h"
#include "http.h"
#include "irosync.h"
#include "ledger.h"
#include "replica.h"
#include "store.h"
#include "syncsrv.h"

#define PASS "a passphrase for the device"
#define PASSWORD "alice's password"
#define SKEW_MS (10 * 60 * 1000)

struct fx {
	char srvdir[64], home_a[80], home_b[80];
	struct store *st;
	struct syncsrv *ss;
	struct http_server *http;
	uint16_t port;
	char url[64];
	atomic_int lose_replies;     /* push replies to lose after commit */
	atomic_int pushes;           /* push requests answered */
	int64_t skew_ms;             /* added to the clients' clocks */
	char child[IRO_ID_HEX + 1];  /* council id C1001 */
};

static int64_t
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
skewed_clock(void *ctx)
{
	const struct fx *f = ctx;

	return real_ms() + f->skew_ms;
}

/* The server's handler, losing a committed push's reply on request. */
static void
handler(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct fx *f = ctx;

	syncsrv_handle(f->ss, req, resp);
	if (strcmp(req->path, "/v1/push") != 0)
		return;
	atomic_fetch_add(&f->pushes, 1);
	if (resp->status == 200 && atomic_load(&f->lose_replies) > 0) {
		atomic_fetch_sub(&f->lose_replies, 1);
		free(resp->body);
		resp->body = NULL;
		resp->body_len = 0;
		resp->status = 500;
	}
}

static void
start_http(struct fx *f, uint16_t port)
{
	struct http_opts o;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.host = "127.0.0.1";
	o.port = port;
	o.max_body = LIMIT_BODY_MAX;
	o.timeout_s = 30;
	o.handler = handler;
	o.handler_ctx = f;
	assert_int_equal(http_start(&o, &f->http, err, sizeof(err)), 0);
	f->port = http_port(f->http);
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%u", f->port);
}

/* A child record authored by the server, as an import would. */
static void
add_child(struct fx *f, const char *council_id, const char *given)
{
	static const char *const fields[] = {
		"child_id", "given_name", "family_name", "dob", "iro",
	};
	const char *vals[] = { council_id, given, "Example", "2012-03-04",
	    "alice" };
	uint8_t rec[LIMIT_ID_LEN];
	struct change c;
	size_t i;

	crypto_random(rec, sizeof(rec));
	assert_int_equal(store_begin(f->st), 0);
	for (i = 0; i < 5; i++) {
		change_init(&c);
		snprintf(c.type, sizeof(c.type), "child");
		memcpy(c.record, rec, LIMIT_ID_LEN);
		snprintf(c.field, sizeof(c.field), "%s", fields[i]);
		snprintf(c.author, sizeof(c.author), "import");
		assert_int_equal(value_set_str(&c.value, vals[i],
		    strlen(vals[i])), 0);
		assert_int_equal(ledger_author(f->st, (uint64_t)real_ms(), &c),
		    0);
		change_clear(&c);
	}
	assert_int_equal(ledger_refresh(f->st, rec), 0);
	assert_int_equal(store_commit(f->st), 0);
	if (strcmp(council_id, "C1001") == 0)
		hex_encode(rec, LIMIT_ID_LEN, f->child);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct syncsrv_opts so;
	struct account_new a;
	char err[256];

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	snprintf(f->srvdir, sizeof(f->srvdir), "/tmp/iro-test-sync-XXXXXX");
	assert_non_null(mkdtemp(f->srvdir));
	snprintf(f->home_a, sizeof(f->home_a), "%s/a", f->srvdir);
	snprintf(f->home_b, sizeof(f->home_b), "%s/b", f->srvdir);
	strcat(f->srvdir, "/server");
	assert_int_equal(store_init(f->srvdir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->srvdir, &f->st, err, sizeof(err)), 0);
	memset(&a, 0, sizeof(a));
	a.username = "alice";
	a.role = SCHEMA_ROLE_IRO;
	a.password = PASSWORD;
	a.password_len = strlen(PASSWORD);
	a.now_ms = (uint64_t)real_ms();
	assert_int_equal(account_add(f->st, &a, err, sizeof(err)), 0);
	add_child(f, "C1001", "Ada");
	add_child(f, "C1002", "Bea");
	memset(&so, 0, sizeof(so));
	so.store = f->st;
	assert_int_equal(syncsrv_new(&so, &f->ss), 0);
	start_http(f, 0);
	*state = f;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *top = strrchr(f->srvdir, '/');

	http_stop(f->http, 5);
	syncsrv_free(f->ss);
	store_close(f->st);
	*top = '\0';
	nftw(f->srvdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static struct iro *
enrol(struct fx *f, const char *home, const char *password, int *rc)
{
	struct iro_enrol_opts e;
	struct iro *h = NULL;

	memset(&e, 0, sizeof(e));
	e.open.home = home;
	e.open.passphrase = PASS;
	e.open.passphrase_len = strlen(PASS);
	e.open.clock = skewed_clock;
	e.open.clock_ctx = f;
	e.server_url = f->url;
	e.username = "alice";
	e.password = password;
	e.device_name = "test device";
	*rc = iro_enrol(&e, &h);
	return h;
}

static struct iro *
enrol_ok(struct fx *f, const char *home)
{
	int rc;
	struct iro *h = enrol(f, home, PASSWORD, &rc);

	assert_int_equal(rc, 0);
	assert_non_null(h);
	return h;
}

static struct iro *
reopen(struct fx *f, struct iro *h, const char *home)
{
	struct iro_open_opts o;
	struct iro *n = NULL;

	iro_close(h);
	memset(&o, 0, sizeof(o));
	o.home = home;
	o.passphrase = PASS;
	o.passphrase_len = strlen(PASS);
	o.clock = skewed_clock;
	o.clock_ctx = f;
	assert_int_equal(iro_open(&o, &n), 0);
	return n;
}

static void
sync_ok(struct iro *h, struct iro_sync_result *res)
{
	int rc = iro_sync(h, NULL, res);

	if (rc != 0)
		fail_msg("sync failed: %s", iro_errmsg(h));
}

static void
add_visit(struct iro *h, const char *child, char id[IRO_ID_HEX + 1])
{
	const struct iro_field_text fields[] = {
		{ "child", child }, { "date", "2025-05-06" },
		{ "seen_alone", "no" },
	};

	assert_int_equal(iro_create(h, "visit", fields, 3, id), 0);
}

static void
add_note(struct iro *h, const char *text, char id[IRO_ID_HEX + 1])
{
	const struct iro_field_text fields[] = {
		{ "child", "C1001" }, { "text", text },
	};

	assert_int_equal(iro_create(h, "note", fields, 2, id), 0);
}

static void
expect_text(struct iro *h, const char *id, const char *field,
    const char *want)
{
	struct iro_record *r = NULL;
	struct iro_value v;

	assert_int_equal(iro_get(h, id, &r), 0);
	assert_int_equal(iro_record_get(r, field, &v), 0);
	assert_int_equal(v.type, IRO_V_STR);
	assert_string_equal(v.s, want);
	iro_record_free(r);
}

static uint64_t
status_of(struct iro *h, uint64_t *conflicts)
{
	struct iro_status st;

	assert_int_equal(iro_status(h, &st), 0);
	if (conflicts != NULL)
		*conflicts = st.conflicts;
	return st.pending;
}

static void
test_enrol_wrong_password_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct iro *h;
	int rc, exists = 1;

	h = enrol(f, f->home_a, "not the password", &rc);
	assert_int_equal(rc, IRO_EAUTH);
	assert_null(h);
	assert_int_equal(iro_exists(f->home_a, &exists), 0);
	assert_int_equal(exists, 0);
	assert_int_equal(access(f->home_a, F_OK), -1);
}

static void
test_enrol_unreachable_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct iro *h;
	int rc, exists = 1;

	http_stop(f->http, 5);
	f->http = NULL;
	h = enrol(f, f->home_a, PASSWORD, &rc);
	assert_int_equal(rc, IRO_EUNREACHABLE);
	assert_null(h);
	assert_int_equal(iro_exists(f->home_a, &exists), 0);
	assert_int_equal(exists, 0);
	start_http(f, f->port);
}

struct progress_log {
	int calls;
	uint64_t last_done, last_total;
};

static void
on_progress(void *ctx, enum iro_sync_phase phase, uint64_t done,
    uint64_t total)
{
	struct progress_log *p = ctx;

	if (phase != IRO_SYNC_PUSH)
		return;
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

static void
test_push_and_pull_between_devices(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a), *b;
	struct iro_sync_opts so = { on_progress, NULL };
	struct progress_log log = { 0, 0, 0 };
	struct iro_sync_result res;
	struct iro_status st;
	struct iro_list *l = NULL;
	char visit[IRO_ID_HEX + 1], child[IRO_ID_HEX + 1];

	so.progress_ctx = &log;
	sync_ok(a, &res);
	assert_int_equal(res.sent, 0);
	assert_int_equal(res.received, 10);     /* two children */
	assert_int_equal(iro_find_child(a, "C1002", child), 0);
	add_visit(a, "C1001", visit);
	assert_int_equal(iro_sync(a, &so, &res), 0);
	assert_int_equal(res.sent, 3);
	assert_int_equal(res.received, 0);
	assert_int_equal(res.pending, 0);
	assert_true(res.requests >= 2);
	assert_true(res.bytes_sent > 0 && res.bytes_received > 0);
	assert_int_equal(log.last_done, 3);
	assert_int_equal(log.last_total, 3);
	assert_int_equal(iro_status(a, &st), 0);
	assert_int_equal(st.pending, 0);
	assert_true(st.last_sync_ms > real_ms() - 60000);
	assert_string_equal(st.server, f->url);

	b = enrol_ok(f, f->home_b);
	sync_ok(b, &res);
	assert_int_equal(res.received, 13);
	expect_text(b, visit, "child", f->child);
	expect_text(b, visit, "date", "2025-05-06");
	assert_int_equal(iro_list(b, "visit", &l), 0);
	assert_int_equal(iro_list_count(l), 1);
	iro_list_free(l);
	/* Nothing new either way. */
	sync_ok(b, &res);
	assert_int_equal(res.received + res.sent, 0);
	sync_ok(a, &res);
	assert_int_equal(res.received + res.sent, 0);
	iro_close(a);
	iro_close(b);
}

static void
test_conflict_across_devices_and_resolution(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a), *b = enrol_ok(f, f->home_b);
	struct iro_sync_result res;
	struct iro_conflicts *cs = NULL;
	struct iro_conflict_info ci;
	char note[IRO_ID_HEX + 1], cid[80];
	uint64_t conflicts = 0;

	sync_ok(a, &res);
	add_note(a, "first draft", note);
	sync_ok(a, &res);
	sync_ok(b, &res);
	expect_text(b, note, "text", "first draft");
	/* Both edit offline. */
	assert_int_equal(iro_set(a, note, "text", "from a"), 0);
	assert_int_equal(iro_set(b, note, "text", "from b"), 0);
	sync_ok(a, &res);
	sync_ok(b, &res);
	assert_int_equal(res.conflicts, 1);
	sync_ok(a, &res);
	assert_int_equal(res.conflicts, 1);
	/* Both show the same open conflict with both values. */
	assert_int_equal(iro_conflicts_get(a, &cs), 0);
	assert_int_equal(iro_conflicts_count(cs), 1);
	assert_int_equal(iro_conflicts_at(cs, 0, &ci), 0);
	assert_int_equal(ci.nvalues, 2);
	snprintf(cid, sizeof(cid), "%s", ci.id);
	iro_conflicts_free(cs);
	assert_int_equal(iro_conflicts_get(b, &cs), 0);
	assert_int_equal(iro_conflicts_at(cs, 0, &ci), 0);
	assert_string_equal(ci.id, cid);
	iro_conflicts_free(cs);

	assert_int_equal(iro_resolve(a, cid, "agreed text"), 0);
	sync_ok(a, &res);
	assert_int_equal(res.conflicts, 0);
	sync_ok(b, &res);
	assert_int_equal(res.conflicts, 0);
	status_of(b, &conflicts);
	assert_int_equal(conflicts, 0);
	expect_text(a, note, "text", "agreed text");
	expect_text(b, note, "text", "agreed text");
	iro_close(a);
	iro_close(b);
}

/* The stamps of a record's changes on h, all within the server's window. */
static void
expect_stamps_near_now(struct iro *h, const char *id)
{
	struct handle_rec rec;
	uint8_t rid[LIMIT_ID_LEN];
	size_t i;

	assert_int_equal(hex_decode(id, rid, LIMIT_ID_LEN), 0);
	assert_int_equal(handle_rec_load(h, rid, &rec), 0);
	for (i = 0; i < rec.n; i++)
		assert_true(rec.changes[i].ts.wall_ms <
		    (uint64_t)(real_ms() + LIMIT_SKEW_MS));
	assert_int_equal(merge_record_conflicts(&rec.m), 0);
	handle_rec_clear(&rec);
}

static void
check_skew_outcome(struct fx *f, struct iro *a, const char *note)
{
	struct iro_sync_result res;
	struct iro *b;
	uint64_t conflicts = 1;

	expect_stamps_near_now(a, note);
	assert_int_equal(status_of(a, &conflicts), 0);
	assert_int_equal(conflicts, 0);
	expect_text(a, note, "text", "second thoughts");
	/* Another device sees the edits in their order, bases intact. */
	f->skew_ms = 0;
	b = enrol_ok(f, f->home_b);
	sync_ok(b, &res);
	expect_text(b, note, "text", "second thoughts");
	expect_text(b, note, "status", "draft");
	expect_stamps_near_now(b, note);
	iro_close(b);
}

static void
test_clock_ahead_restamps_and_retries(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a);
	struct iro_sync_result res;
	char note[IRO_ID_HEX + 1];

	sync_ok(a, &res);
	/* The device's clock jumps ten minutes ahead. */
	f->skew_ms = SKEW_MS;
	add_note(a, "first thoughts", note);
	assert_int_equal(iro_set(a, note, "text", "second thoughts"), 0);
	sync_ok(a, &res);
	assert_int_equal(res.sent, 5);
	assert_int_equal(res.pending, 0);
	/* The offset was learnt and kept. */
	assert_true(a->clock_offset < -SKEW_MS + 5000 &&
	    a->clock_offset > -SKEW_MS - 5000);
	a = reopen(f, a, f->home_a);
	assert_true(a->clock_offset < -SKEW_MS + 5000);
	check_skew_outcome(f, a, note);
	iro_close(a);
}

static void
test_skewed_stamps_with_good_clock(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a);
	struct iro_sync_result res;
	char note[IRO_ID_HEX + 1];

	sync_ok(a, &res);
	/* Edits made while the clock was ahead; synced after it was set
	 * right: the request is fresh but its changes are from the future. */
	f->skew_ms = SKEW_MS;
	add_note(a, "first thoughts", note);
	assert_int_equal(iro_set(a, note, "text", "second thoughts"), 0);
	f->skew_ms = 0;
	sync_ok(a, &res);
	assert_int_equal(res.sent, 5);
	assert_true(a->clock_offset > -5000 && a->clock_offset < 5000);
	check_skew_outcome(f, a, note);
	iro_close(a);
}

static void
test_unreachable_keeps_pending(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a);
	struct iro_sync_result res;
	char visit[IRO_ID_HEX + 1];
	uint16_t port = f->port;

	sync_ok(a, &res);
	add_visit(a, f->child, visit);
	http_stop(f->http, 5);
	f->http = NULL;
	assert_int_equal(iro_sync(a, NULL, &res), IRO_EUNREACHABLE);
	assert_int_equal(res.pending, 3);
	assert_int_equal(res.sent, 0);
	assert_non_null(strstr(iro_errmsg(a), "unreachable"));
	assert_non_null(strstr(iro_errmsg(a), "3 changes stay pending"));
	assert_int_equal(status_of(a, NULL), 3);
	start_http(f, port);
	sync_ok(a, &res);
	assert_int_equal(res.sent, 3);
	assert_int_equal(status_of(a, NULL), 0);
	iro_close(a);
}

static void
test_lost_reply_retry_is_idempotent(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a), *b;
	struct iro_sync_result res;
	struct iro_list *l = NULL;
	char visit[IRO_ID_HEX + 1];

	sync_ok(a, &res);
	add_visit(a, f->child, visit);
	atomic_store(&f->lose_replies, 1);
	assert_int_equal(iro_sync(a, NULL, &res), IRO_ESERVER);
	assert_int_equal(res.pending, 3);
	assert_int_equal(atomic_load(&f->pushes), 1);
	/* The server has the changes; the retry finds them duplicates. */
	sync_ok(a, &res);
	assert_int_equal(res.sent, 3);
	assert_int_equal(res.pending, 0);
	b = enrol_ok(f, f->home_b);
	sync_ok(b, &res);
	assert_int_equal(res.received, 13);
	assert_int_equal(iro_list(b, "visit", &l), 0);
	assert_int_equal(iro_list_count(l), 1);
	iro_list_free(l);
	iro_close(a);
	iro_close(b);
}

static void
test_refused_change_is_kept_with_reason(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a);
	struct iro_sync_result res;
	struct iro_status st;
	struct change c;
	uint8_t rec[LIMIT_ID_LEN];
	uint64_t seq = 0;
	char *reason = NULL;
	int inserted = 0;

	sync_ok(a, &res);
	/* A change the schema refuses to an IRO, slipped into the outbox
	 * as an older client might have. */
	assert_int_equal(hex_decode(f->child, rec, LIMIT_ID_LEN), 0);
	assert_int_equal(replica_meta_get_u64(a->replica, "seq", &seq), 0);
	change_init(&c);
	c.seq = seq + 1;
	c.ts.wall_ms = (uint64_t)real_ms();
	memcpy(c.ts.device, a->device, LIMIT_ID_LEN);
	snprintf(c.type, sizeof(c.type), "child");
	memcpy(c.record, rec, LIMIT_ID_LEN);
	snprintf(c.field, sizeof(c.field), "given_name");
	snprintf(c.author, sizeof(c.author), "alice");
	assert_int_equal(value_set_str(&c.value, "Eve", 3), 0);
	assert_int_equal(replica_begin(a->replica), 0);
	assert_int_equal(replica_put_change(a->replica, &c, REPLICA_PENDING,
	    &inserted), 0);
	assert_int_equal(replica_meta_put_u64(a->replica, "seq", c.seq), 0);
	assert_int_equal(replica_commit(a->replica), 0);
	sync_ok(a, &res);
	assert_int_equal(res.refused, 1);
	assert_int_equal(res.sent, 0);
	assert_int_equal(iro_status(a, &st), 0);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.refused, 1);
	assert_int_equal(replica_refusal(a->replica, a->device, c.seq,
	    &reason), 0);
	assert_non_null(strstr(reason, "forbidden"));
	free(reason);
	/* What the server refused does not show here either. */
	expect_text(a, f->child, "given_name", "Ada");
	change_clear(&c);
	iro_close(a);
}

static void
test_revoked_device_is_refused(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a);
	struct iro_sync_result res;
	char visit[IRO_ID_HEX + 1];

	sync_ok(a, &res);
	add_visit(a, f->child, visit);
	struct iro_open_opts o;
	struct iro *n = NULL;
	char err[IRO_ERRBUF_SIZE] = "";

	assert_int_equal(store_device_revoke(f->st, a->device), 0);
	assert_int_equal(iro_sync(a, NULL, &res), IRO_EREVOKED);
	assert_non_null(strstr(iro_errmsg(a), "replica has been erased"));
	/* The handle is spent: nothing sealed opens, nothing syncs. */
	assert_int_not_equal(iro_create(a, "visit", NULL, 0, visit), 0);
	assert_int_not_equal(iro_sync(a, NULL, &res), 0);
	iro_close(a);
	memset(&o, 0, sizeof(o));
	o.home = f->home_a;
	o.passphrase = PASS;
	o.passphrase_len = strlen(PASS);
	o.errbuf = err;
	o.errbuf_len = sizeof(err);
	assert_int_equal(iro_open(&o, &n), IRO_EREVOKED);
	assert_null(n);
	assert_string_equal(err, "this device was revoked by the server: its "
	    "replica has been erased");
}

static void
test_large_outbox_goes_in_batches(void **state)
{
	struct fx *f = *state;
	struct iro *a = enrol_ok(f, f->home_a);
	struct iro_sync_opts so = { on_progress, NULL };
	struct progress_log log = { 0, 0, 0 };
	struct iro_sync_result res;
	char visit[IRO_ID_HEX + 1];
	int i;

	so.progress_ctx = &log;
	sync_ok(a, &res);
	for (i = 0; i < 350; i++)
		add_visit(a, f->child, visit);
	atomic_store(&f->pushes, 0);
	assert_int_equal(iro_sync(a, &so, &res), 0);
	assert_int_equal(res.sent, 1050);
	assert_int_equal(atomic_load(&f->pushes), 2);
	assert_int_equal(log.calls, 2);
	assert_int_equal(log.last_done, 1050);
	assert_int_equal(log.last_total, 1050);
	assert_int_equal(status_of(a, NULL), 0);
	iro_close(a);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_enrol_wrong_password_leaves_nothing),
		T(test_enrol_unreachable_leaves_nothing),
		T(test_push_and_pull_between_devices),
		T(test_conflict_across_devices_and_resolution),
		T(test_clock_ahead_restamps_and_retries),
		T(test_skewed_stamps_with_good_clock),
		T(test_unreachable_keeps_pending),
		T(test_lost_reply_retry_is_idempotent),
		T(test_refused_change_is_kept_with_reason),
		T(test_revoked_device_is_refused),
		T(test_large_outbox_goes_in_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
