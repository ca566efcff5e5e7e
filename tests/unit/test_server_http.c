/*
 * test_server_http.c - the server's HTTP layer and endpoints, in process,
 * over real HTTP on 127.0.0.1 (libcurl as the client): enrolment,
 * authentication of signed requests (missing, altered, replayed, stale),
 * bad input of every kind, push idempotency and refusals, clock skew and
 * pull paging; disabled accounts, throttled enrolment and the audit
 * entries of each.  The server keeps serving after every bad request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "audit.h"
#include "crypto.h"
#include "hex.h"
#include "http.h"
#include "iro_error.h"
#include "scope.h"
#include "sig.h"
#include "store.h"
#include "support/srvtest.h"
#include "syncsrv.h"
#include "upsert.h"
#include "wire.h"

#define PASSWORD "correct horse"

struct device {
	uint8_t id[LIMIT_ID_LEN];
	uint8_t pk[CRYPTO_PK_LEN];
	uint8_t sk[CRYPTO_SK_LEN];
	uint64_t seq;
};

struct fx {
	char dir[256];
	struct store *st;               /* the server's */
	struct store *peek;             /* the test's own view */
	struct syncsrv *sync;
	struct http_server *srv;
	char base[64];
	CURL *curl;
	struct device alice;            /* an iro's enrolled device */
	uint8_t child[LIMIT_ID_LEN];    /* a child record id */
};

struct reply {
	long status;
	uint8_t *body;
	size_t len;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static size_t
on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct reply *r = ctx;
	uint8_t *p = realloc(r->body, r->len + size * n);

	if (p == NULL)
		return 0;
	memcpy(p + r->len, data, size * n);
	r->body = p;
	r->len += size * n;
	return size * n;
}

static void
reply_clear(struct reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* POST body to path with the signature headers h (may be NULL). */
static void
post_as(struct fx *f, const char *method, const char *path,
    const uint8_t *body, size_t len, const struct sig_headers *h,
    struct reply *r)
{
	struct curl_slist *hdrs = NULL;
	char url[128], line[200];

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "%s%s", f->base, path);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/msgpack");
	if (h != NULL) {
		snprintf(line, sizeof(line), SIG_HDR_DEVICE ": %s", h->device);
		hdrs = curl_slist_append(hdrs, line);
		snprintf(line, sizeof(line), SIG_HDR_TIME ": %s", h->time);
		hdrs = curl_slist_append(hdrs, line);
		snprintf(line, sizeof(line), SIG_HDR_NONCE ": %s", h->nonce);
		hdrs = curl_slist_append(hdrs, line);
		snprintf(line, sizeof(line), SIG_HDR_SIGNATURE ": %s",
		    h->signature);
		hdrs = curl_slist_append(hdrs, line);
	}
	curl_easy_reset(f->curl);
	curl_easy_setopt(f->curl, CURLOPT_URL, url);
	curl_easy_setopt(f->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(f->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, body != NULL ?
	    (const char *)body : "");
	curl_easy_setopt(f->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, 30L);
	assert_int_equal(curl_easy_perform(f->curl), CURLE_OK);
	curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
}

static void
post(struct fx *f, const char *path, const uint8_t *body, size_t len,
    const struct sig_headers *h, struct reply *r)
{
	post_as(f, "POST", path, body, len, h, r);
}

/* POST signed by d at time t. */
static void
post_signed_at(struct fx *f, const struct device *d, const char *path,
    const uint8_t *body, size_t len, uint64_t t, struct reply *r)
{
	struct sig_headers h;

	assert_int_equal(sig_sign(d->sk, d->id, "POST", path, t, body, len,
	    &h), 0);
	post(f, path, body, len, &h, r);
}

static void
post_signed(struct fx *f, const struct device *d, const char *path,
    const uint8_t *body, size_t len, struct reply *r)
{
	post_signed_at(f, d, path, body, len, now_ms(), r);
}

/* The reply must be an error message with this status and code. */
static void
expect_error(struct reply *r, long status, const char *code)
{
	struct wire_error e;
	char why[256];

	assert_int_equal(r->status, status);
	assert_int_equal(wire_decode_error(r->body, r->len, &e, why,
	    sizeof(why)), 0);
	assert_string_equal(e.code, code);
	assert_true(e.message[0] != '\0');
	assert_true(e.time_ms > now_ms() - 60000 && e.time_ms < now_ms() +
	    60000);
}

static int
enrol(struct fx *f, struct device *d, const char *user, const char *pw,
    struct reply *r)
{
	struct wire_enrol_req req;
	uint8_t *buf = NULL;
	size_t len = 0;

	memset(&req, 0, sizeof(req));
	snprintf(req.user, sizeof(req.user), "%s", user);
	snprintf(req.password, sizeof(req.password), "%s", pw);
	memcpy(req.device, d->id, LIMIT_ID_LEN);
	snprintf(req.name, sizeof(req.name), "test device");
	memcpy(req.pubkey, d->pk, CRYPTO_PK_LEN);
	assert_int_equal(wire_encode_enrol_req(&req, &buf, &len), 0);
	post(f, "/v1/enrol", buf, len, NULL, r);
	free(buf);
	return (int)r->status;
}

static void
new_device(struct device *d)
{
	memset(d, 0, sizeof(*d));
	crypto_random(d->id, sizeof(d->id));
	assert_int_equal(crypto_sign_keypair(d->pk, d->sk), 0);
}

static void
enrolled_device(struct fx *f, struct device *d, const char *user)
{
	struct reply r;

	new_device(d);
	assert_int_equal(enrol(f, d, user, PASSWORD, &r), 200);
	reply_clear(&r);
}

/* A change of record rec by device d (the next seq), stamped now. */
static void
make_change(struct change *c, struct device *d, const char *type,
    const uint8_t rec[LIMIT_ID_LEN], const char *field, const char *value,
    const char *by)
{
	srvtest_change(c, d->id, ++d->seq, now_ms(), type, rec, field, value,
	    by, NULL);
}

/* A new visit of f->child by d: n changes in *out (caller frees). */
static size_t
visit_changes(struct fx *f, struct device *d, struct change *out,
    uint8_t rec[LIMIT_ID_LEN])
{
	char child[2 * LIMIT_ID_LEN + 1];

	crypto_random(rec, LIMIT_ID_LEN);
	hex_encode(f->child, LIMIT_ID_LEN, child);
	make_change(&out[0], d, "visit", rec, "child", child, "alice");
	make_change(&out[1], d, "visit", rec, "date", "2025-01-15", "alice");
	make_change(&out[2], d, "visit", rec, "note", "all well", "alice");
	return 3;
}

static void
encode_push(const struct change *c, size_t n, uint8_t **buf, size_t *len)
{
	struct wire_push_req req = { .nchanges = n,
	    .changes = (struct change *)(uintptr_t)c };

	assert_int_equal(wire_encode_push_req(&req, buf, len), 0);
}

/* Push n changes signed by d; the reply decoded into *out on 200. */
static long
push(struct fx *f, struct device *d, const struct change *c, size_t n,
    struct wire_push_resp *out)
{
	struct reply r;
	uint8_t *buf = NULL;
	size_t len = 0;
	char why[256];
	long status;

	encode_push(c, n, &buf, &len);
	post_signed(f, d, "/v1/push", buf, len, &r);
	free(buf);
	status = r.status;
	memset(out, 0, sizeof(*out));
	if (status == 200)
		assert_int_equal(wire_decode_push_resp(r.body, r.len, out, why,
		    sizeof(why)), 0);
	reply_clear(&r);
	return status;
}

static void
free_changes(struct change *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		change_clear(&c[i]);
}

static uint64_t
accepted_changes(struct fx *f)
{
	struct store_stats s;

	assert_int_equal(store_stats(f->peek, &s), 0);
	return s.changes + s.refused;
}

/* Import child rec allocated to iro: the server accepts an IRO's writes
 * only about children allocated to them (server/authz.h). */
static void
allocated_child(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    const char *iro)
{
	struct upsert_field fs[3];
	enum upsert_state us;
	size_t nch = 0;
	char err[256];

	memset(fs, 0, sizeof(fs));
	fs[0].name = "child_id";
	fs[0].value.type = VALUE_STR;
	fs[0].value.s = (char *)(uintptr_t)"K1";
	fs[0].value.len = 2;
	fs[1].name = "dob";
	fs[1].value.type = VALUE_STR;
	fs[1].value.s = (char *)(uintptr_t)"2015-01-01";
	fs[1].value.len = 10;
	fs[2].name = "iro";
	fs[2].value.type = VALUE_STR;
	fs[2].value.s = (char *)(uintptr_t)iro;
	fs[2].value.len = strlen(iro);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(upsert_record(st, (uint64_t)time(NULL) * 1000 - 100000,
	    "import", "child", rec, fs, 3, &us, &nch, err, sizeof(err)), 0);
	assert_int_equal(store_commit(st), 0);
}

static int
group_setup(void **state)
{
	struct syncsrv_opts so = { 0 };
	struct account_new a = { 0 };
	struct http_opts ho = { 0 };
	struct fx *f = calloc(1, sizeof(*f));
	char err[512];

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->peek, err, sizeof(err)), 0);
	a.password = PASSWORD;
	a.password_len = strlen(PASSWORD);
	a.username = "alice";
	a.role = SCHEMA_ROLE_IRO;
	assert_int_equal(account_add(f->st, &a, err, sizeof(err)), 0);
	a.username = "mike";
	a.role = SCHEMA_ROLE_MANAGER;
	assert_int_equal(account_add(f->st, &a, err, sizeof(err)), 0);
	so.store = f->st;
	assert_int_equal(syncsrv_new(&so, &f->sync), 0);
	ho.host = "127.0.0.1";
	ho.max_body = LIMIT_BODY_MAX;
	ho.timeout_s = 30;
	ho.handler = syncsrv_handle;
	ho.handler_ctx = f->sync;
	assert_int_equal(http_start(&ho, &f->srv, err, sizeof(err)), 0);
	assert_true(http_port(f->srv) != 0);
	snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%u",
	    (unsigned)http_port(f->srv));
	assert_non_null(f->curl = curl_easy_init());
	enrolled_device(f, &f->alice, "alice");
	crypto_random(f->child, sizeof(f->child));
	allocated_child(f->st, f->child, "alice");
	*state = f;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fx *f = *state;

	curl_easy_cleanup(f->curl);
	http_stop(f->srv, 5);
	syncsrv_free(f->sync);
	store_close(f->peek);
	store_close(f->st);
	srvtest_rmtree(f->dir);
	curl_global_cleanup();
	free(f);
	return 0;
}

static void
test_enrol(void **state)
{
	struct fx *f = *state;
	uint8_t server[LIMIT_ID_LEN];
	struct wire_enrol_resp resp;
	struct wire_error e1, e2;
	struct device d;
	struct reply r;
	char why[256];

	new_device(&d);
	assert_int_equal(enrol(f, &d, "alice", "wrong", &r), 401);
	expect_error(&r, 401, "unauthenticated");
	assert_int_equal(wire_decode_error(r.body, r.len, &e1, why,
	    sizeof(why)), 0);
	reply_clear(&r);
	/* An unknown user is told exactly what a wrong password is told. */
	assert_int_equal(enrol(f, &d, "nobody", "wrong", &r), 401);
	assert_int_equal(wire_decode_error(r.body, r.len, &e2, why,
	    sizeof(why)), 0);
	assert_string_equal(e1.message, e2.message);
	reply_clear(&r);
	assert_int_equal(enrol(f, &d, "mike", PASSWORD, &r), 200);
	assert_int_equal(wire_decode_enrol_resp(r.body, r.len, &resp, why,
	    sizeof(why)), 0);
	assert_string_equal(resp.role, "manager");
	assert_string_equal(resp.user, "mike");
	assert_memory_equal(resp.device, d.id, LIMIT_ID_LEN);
	store_server_id(f->peek, server);
	assert_memory_equal(resp.server, server, LIMIT_ID_LEN);
	reply_clear(&r);
	assert_int_equal(enrol(f, &d, "mike", PASSWORD, &r), 409);
	expect_error(&r, 409, "exists");
	reply_clear(&r);
}

static void
test_unsigned_push_is_refused(void **state)
{
	struct fx *f = *state;
	struct sig_headers h;
	struct device stranger;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL;
	size_t len = 0, n = visit_changes(f, &f->alice, c, rec);
	uint64_t before = accepted_changes(f);
	struct reply r;

	encode_push(c, n, &buf, &len);
	post(f, "/v1/push", buf, len, NULL, &r);
	expect_error(&r, 401, "unauthenticated");
	reply_clear(&r);
	/* Well-formed headers with a made-up signature. */
	assert_int_equal(sig_sign(f->alice.sk, f->alice.id, "POST",
	    "/v1/push", now_ms(), buf, len, &h), 0);
	memset(h.signature, 'a', sizeof(h.signature) - 1);
	post(f, "/v1/push", buf, len, &h, &r);
	expect_error(&r, 401, "unauthenticated");
	reply_clear(&r);
	/* A key the server has never seen. */
	new_device(&stranger);
	post_signed(f, &stranger, "/v1/push", buf, len, &r);
	expect_error(&r, 401, "unauthenticated");
	reply_clear(&r);
	/* Signed for another path. */
	assert_int_equal(sig_sign(f->alice.sk, f->alice.id, "POST",
	    "/v1/pull", now_ms(), buf, len, &h), 0);
	post(f, "/v1/push", buf, len, &h, &r);
	expect_error(&r, 401, "unauthenticated");
	reply_clear(&r);
	assert_int_equal(accepted_changes(f), before);
	free(buf);
	free_changes(c, n);
}

static void
test_altered_body_is_refused(void **state)
{
	struct fx *f = *state;
	struct sig_headers h;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL;
	size_t len = 0, n = visit_changes(f, &f->alice, c, rec);
	uint64_t before = accepted_changes(f);
	struct reply r;

	encode_push(c, n, &buf, &len);
	assert_int_equal(sig_sign(f->alice.sk, f->alice.id, "POST",
	    "/v1/push", now_ms(), buf, len, &h), 0);
	buf[len - 1] ^= 1;
	post(f, "/v1/push", buf, len, &h, &r);
	expect_error(&r, 401, "unauthenticated");
	reply_clear(&r);
	assert_int_equal(accepted_changes(f), before);
	free(buf);
	free_changes(c, n);
}

static void
test_replayed_request_is_refused(void **state)
{
	struct fx *f = *state;
	struct sig_headers h;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL;
	size_t len = 0, n = visit_changes(f, &f->alice, c, rec);
	struct reply r;
	struct wire_error e;
	char why[256];

	encode_push(c, n, &buf, &len);
	assert_int_equal(sig_sign(f->alice.sk, f->alice.id, "POST",
	    "/v1/push", now_ms(), buf, len, &h), 0);
	post(f, "/v1/push", buf, len, &h, &r);
	assert_int_equal(r.status, 200);
	reply_clear(&r);
	post(f, "/v1/push", buf, len, &h, &r);
	expect_error(&r, 401, "unauthenticated");
	assert_int_equal(wire_decode_error(r.body, r.len, &e, why,
	    sizeof(why)), 0);
	assert_non_null(strstr(e.message, "replayed"));
	reply_clear(&r);
	free(buf);
	free_changes(c, n);
}

static void
test_stale_time_is_refused(void **state)
{
	struct fx *f = *state;
	struct wire_pull_req q = { .cursor = 0, .limit = 10 };
	uint8_t *buf = NULL;
	size_t len = 0;
	struct reply r;

	assert_int_equal(wire_encode_pull_req(&q, &buf, &len), 0);
	post_signed_at(f, &f->alice, "/v1/pull", buf, len,
	    now_ms() - 10 * 60 * 1000, &r);
	expect_error(&r, 401, "clock_skew");
	reply_clear(&r);
	post_signed_at(f, &f->alice, "/v1/pull", buf, len,
	    now_ms() + 10 * 60 * 1000, &r);
	expect_error(&r, 401, "clock_skew");
	reply_clear(&r);
	free(buf);
}

static void
test_garbage_refused_server_serves_on(void **state)
{
	struct fx *f = *state;
	static const uint8_t garbage[] = { 0xc1, 0xff, 0x00, 0x13, 0x37 };
	/* An array declaring 2^32-1 elements in a few bytes. */
	static const uint8_t bomb[] = { 0x82, 0xa1, 'v', 0x01, 0xa7, 'c', 'h',
	    'a', 'n', 'g', 'e', 's', 0xdd, 0xff, 0xff, 0xff, 0xff };
	struct wire_pull_req q = { .cursor = 0, .limit = 10 };
	uint8_t *buf = NULL;
	size_t len = 0;
	struct reply r;

	post_signed(f, &f->alice, "/v1/push", garbage, sizeof(garbage), &r);
	expect_error(&r, 400, "bad_request");
	reply_clear(&r);
	post_signed(f, &f->alice, "/v1/push", bomb, sizeof(bomb), &r);
	assert_true(r.status == 400 || r.status == 413);
	reply_clear(&r);
	post_signed(f, &f->alice, "/v1/push", NULL, 0, &r);
	expect_error(&r, 400, "bad_request");
	reply_clear(&r);
	post(f, "/v1/enrol", garbage, sizeof(garbage), NULL, &r);
	expect_error(&r, 400, "bad_request");
	reply_clear(&r);
	assert_int_equal(wire_encode_pull_req(&q, &buf, &len), 0);
	post_signed(f, &f->alice, "/v1/pull", buf, len, &r);
	assert_int_equal(r.status, 200);
	reply_clear(&r);
	free(buf);
}

static void
test_wrong_version_is_refused(void **state)
{
	struct fx *f = *state;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL;
	size_t len = 0, n = visit_changes(f, &f->alice, c, rec);
	struct reply r;

	encode_push(c, n, &buf, &len);
	/* {"v": 1, ...}: the fourth byte is the version. */
	assert_int_equal(buf[3], 1);
	buf[3] = 2;
	post_signed(f, &f->alice, "/v1/push", buf, len, &r);
	expect_error(&r, 400, "unsupported_version");
	reply_clear(&r);
	free(buf);
	free_changes(c, n);
}

static void
test_too_many_changes(void **state)
{
	struct fx *f = *state;
	struct change *c = calloc(LIMIT_PUSH_CHANGES + 1, sizeof(*c));
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL, *one = NULL, *all;
	size_t len = 0, onelen = 0, i;
	uint64_t before = accepted_changes(f);
	struct reply r;

	assert_non_null(c);
	crypto_random(rec, sizeof(rec));
	for (i = 0; i <= LIMIT_PUSH_CHANGES; i++)
		make_change(&c[i], &f->alice, "visit", rec, "note", "n",
		    "alice");
	/* The encoder will not write 1001 changes: write 1000 and patch the
	 * array header (array 16, big-endian count at bytes 13-14). */
	encode_push(c, LIMIT_PUSH_CHANGES, &buf, &len);
	assert_int_equal(buf[12], 0xdc);
	buf[13] = (uint8_t)((LIMIT_PUSH_CHANGES + 1) >> 8);
	buf[14] = (uint8_t)(LIMIT_PUSH_CHANGES + 1);
	assert_int_equal(wire_encode_change(&c[LIMIT_PUSH_CHANGES], &one,
	    &onelen), 0);
	assert_non_null(all = realloc(buf, len + onelen));
	memcpy(all + len, one, onelen);
	post_signed(f, &f->alice, "/v1/push", all, len + onelen, &r);
	expect_error(&r, 413, "too_large");
	reply_clear(&r);
	assert_int_equal(accepted_changes(f), before);
	free(all);
	free(one);
	for (i = 0; i <= LIMIT_PUSH_CHANGES; i++)
		change_clear(&c[i]);
	free(c);
}

static void
test_oversize_body(void **state)
{
	struct fx *f = *state;
	size_t len = LIMIT_BODY_MAX + 1;
	uint8_t *big = calloc(1, len);
	struct wire_pull_req q = { .cursor = 0, .limit = 1 };
	uint8_t *buf = NULL;
	size_t blen = 0;
	struct reply r;

	assert_non_null(big);
	post_signed(f, &f->alice, "/v1/push", big, len, &r);
	expect_error(&r, 413, "too_large");
	reply_clear(&r);
	free(big);
	assert_int_equal(wire_encode_pull_req(&q, &buf, &blen), 0);
	post_signed(f, &f->alice, "/v1/pull", buf, blen, &r);
	assert_int_equal(r.status, 200);
	reply_clear(&r);
	free(buf);
}

static void
test_push_then_retry_is_duplicates(void **state)
{
	struct fx *f = *state;
	struct wire_push_resp out;
	struct store_record rec;
	struct change c[3];
	uint8_t id[LIMIT_ID_LEN];
	size_t n = visit_changes(f, &f->alice, c, id);
	uint64_t before = accepted_changes(f);

	assert_int_equal(push(f, &f->alice, c, n, &out), 200);
	assert_int_equal(out.accepted, 3);
	assert_int_equal(out.duplicates, 0);
	assert_int_equal(out.nrefused, 0);
	wire_push_resp_clear(&out);
	/* The reply was lost; the device sends the same push again. */
	assert_int_equal(push(f, &f->alice, c, n, &out), 200);
	assert_int_equal(out.accepted, 0);
	assert_int_equal(out.duplicates, 3);
	assert_int_equal(out.nrefused, 0);
	wire_push_resp_clear(&out);
	assert_int_equal(accepted_changes(f), before + 3);
	assert_int_equal(store_record_get(f->peek, id, &rec), 0);
	assert_string_equal(rec.type, "visit");
	assert_int_equal(rec.nfields, 3);
	store_record_clear(&rec);
	free_changes(c, n);
}

static void
test_future_stamp_is_clock_skew(void **state)
{
	struct fx *f = *state;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL;
	size_t len = 0, n = visit_changes(f, &f->alice, c, rec);
	uint64_t before = accepted_changes(f);
	struct reply r;

	c[2].ts.wall_ms = now_ms() + 10 * 60 * 1000;
	encode_push(c, n, &buf, &len);
	post_signed(f, &f->alice, "/v1/push", buf, len, &r);
	expect_error(&r, 409, "clock_skew");
	reply_clear(&r);
	assert_int_equal(accepted_changes(f), before);
	free(buf);
	free_changes(c, n);
}

static void
test_refusals_are_listed_and_kept(void **state)
{
	struct fx *f = *state;
	struct wire_push_resp out;
	struct change c[4];
	struct device other;
	uint8_t visit[LIMIT_ID_LEN], child[LIMIT_ID_LEN];
	struct store_stats s0, s1;
	size_t i, n = visit_changes(f, &f->alice, c, visit);

	assert_int_equal(n, 3);
	assert_int_equal(push(f, &f->alice, c, n, &out), 200);
	wire_push_resp_clear(&out);
	free_changes(c, n);
	assert_int_equal(store_stats(f->peek, &s0), 0);
	enrolled_device(f, &other, "alice");
	crypto_random(child, sizeof(child));
	make_change(&c[0], &f->alice, "visit", visit, "note", "x", "mike");
	make_change(&c[1], &other, "visit", visit, "note", "x", "alice");
	make_change(&c[2], &f->alice, "child", child, "given_name", "Amy",
	    "alice");
	make_change(&c[3], &f->alice, "note", visit, "text", "x", "alice");
	assert_int_equal(push(f, &f->alice, c, 4, &out), 200);
	assert_int_equal(out.accepted, 0);
	assert_int_equal(out.nrefused, 4);
	assert_string_equal(out.refused[0].code, "forbidden");
	assert_string_equal(out.refused[1].code, "forbidden");
	assert_memory_equal(out.refused[1].device, other.id, LIMIT_ID_LEN);
	assert_string_equal(out.refused[2].code, "forbidden");
	assert_string_equal(out.refused[3].code, "type_mismatch");
	for (i = 0; i < 4; i++)
		assert_true(out.refused[i].reason[0] != '\0');
	wire_push_resp_clear(&out);
	assert_int_equal(store_stats(f->peek, &s1), 0);
	assert_int_equal(s1.refused, s0.refused + 4);
	assert_int_equal(s1.changes, s0.changes);
	/* Sent again, they are reported again but logged only once. */
	assert_int_equal(push(f, &f->alice, c, 4, &out), 200);
	assert_int_equal(out.nrefused, 4);
	wire_push_resp_clear(&out);
	assert_int_equal(store_stats(f->peek, &s0), 0);
	assert_int_equal(s0.refused, s1.refused);
	/* The forged id does not stop its real owner from using it. */
	other.seq = 0;
	free_changes(c, 4);
	make_change(&c[0], &other, "visit", visit, "note", "mine", "alice");
	assert_int_equal(push(f, &other, c, 1, &out), 200);
	assert_int_equal(out.accepted, 1);
	assert_int_equal(out.nrefused, 0);
	wire_push_resp_clear(&out);
	free_changes(c, 1);
}

static void
test_change_id_reused(void **state)
{
	struct fx *f = *state;
	struct wire_push_resp out;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL;
	size_t len = 0, n = visit_changes(f, &f->alice, c, rec);
	uint64_t before;
	struct reply r;

	assert_int_equal(push(f, &f->alice, c, n, &out), 200);
	wire_push_resp_clear(&out);
	before = accepted_changes(f);
	value_set_str(&c[2].value, "other words", 11);
	encode_push(c, n, &buf, &len);
	post_signed(f, &f->alice, "/v1/push", buf, len, &r);
	expect_error(&r, 409, "change_id_reused");
	reply_clear(&r);
	assert_int_equal(accepted_changes(f), before);
	free(buf);
	free_changes(c, n);
}

static void
test_invalid_change(void **state)
{
	struct fx *f = *state;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN], *buf = NULL;
	size_t len = 0, n = visit_changes(f, &f->alice, c, rec);
	uint64_t before = accepted_changes(f);
	struct reply r;

	value_set_str(&c[1].value, "2025-13-45", 10);
	encode_push(c, n, &buf, &len);
	post_signed(f, &f->alice, "/v1/push", buf, len, &r);
	expect_error(&r, 400, "invalid_change");
	reply_clear(&r);
	assert_int_equal(accepted_changes(f), before);
	free(buf);
	free_changes(c, n);
}

/* Pull everything after cursor by d in pages of limit; count the changes
 * made by `from` and check d's own never come back. */
static size_t
pull_all(struct fx *f, struct device *d, uint32_t limit, uint64_t *cursor,
    const uint8_t from[LIMIT_ID_LEN], size_t *pages)
{
	struct wire_pull_req q = { .limit = limit };
	struct wire_pull_resp p;
	size_t count = 0, i;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct reply r;
	char why[256];
	bool more;

	*pages = 0;
	do {
		q.cursor = *cursor;
		assert_int_equal(wire_encode_pull_req(&q, &buf, &len), 0);
		post_signed(f, d, "/v1/pull", buf, len, &r);
		free(buf);
		assert_int_equal(r.status, 200);
		assert_int_equal(wire_decode_pull_resp(r.body, r.len, &p, why,
		    sizeof(why)), 0);
		reply_clear(&r);
		assert_true(p.nchanges <= limit);
		assert_true(p.cursor >= *cursor);
		/* A scope page moves the device's scope, not its cursor. */
		if (p.has_scope) {
			assert_int_equal(p.nchanges, 0);
			assert_true(p.more);
			assert_int_equal(p.cursor, *cursor);
			q.has_scope = true;
			scope_digest((const uint8_t (*)[LIMIT_ID_LEN])p.scope,
			    p.nscope, q.scope);
			wire_pull_resp_clear(&p);
			more = true;
			continue;
		}
		for (i = 0; i < p.nchanges; i++) {
			assert_memory_not_equal(p.changes[i].ts.device, d->id,
			    LIMIT_ID_LEN);
			if (memcmp(p.changes[i].ts.device, from,
			    LIMIT_ID_LEN) == 0)
				count++;
		}
		*cursor = p.cursor;
		(*pages)++;
		more = p.more;
		wire_pull_resp_clear(&p);
	} while (more);
	return count;
}

static void
test_pull_pages(void **state)
{
	struct fx *f = *state;
	struct wire_push_resp out;
	struct device bob, alice2;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN];
	uint64_t cursor = 0, mine = 0;
	size_t pages, n, k;

	enrolled_device(f, &alice2, "alice");
	enrolled_device(f, &bob, "alice");
	for (k = 0; k < 3; k++) {
		n = visit_changes(f, &alice2, c, rec);
		assert_int_equal(push(f, &alice2, c, n, &out), 200);
		assert_int_equal(out.accepted, 3);
		wire_push_resp_clear(&out);
		free_changes(c, n);
	}
	assert_int_equal(pull_all(f, &bob, 2, &cursor, alice2.id, &pages), 9);
	assert_true(pages >= 5);
	/* Nothing new: one empty page, the cursor stays. */
	mine = cursor;
	assert_int_equal(pull_all(f, &bob, 2, &cursor, alice2.id, &pages), 0);
	assert_int_equal(pages, 1);
	assert_int_equal(cursor, mine);
	/* The pushing device never gets its own changes back. */
	cursor = 0;
	assert_int_equal(pull_all(f, &alice2, 1000, &cursor, alice2.id,
	    &pages), 0);
}

/* ---- concurrency ---- */

#define WORKERS 4
#define WORKER_PUSHES 10

struct worker {
	struct fx view;                 /* own curl handle, shared server */
	struct device dev;
	uint64_t accepted;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct wire_push_resp out;
	struct change c[3];
	uint8_t rec[LIMIT_ID_LEN];
	size_t n, k;

	for (k = 0; k < WORKER_PUSHES; k++) {
		n = visit_changes(&w->view, &w->dev, c, rec);
		if (push(&w->view, &w->dev, c, n, &out) == 200)
			w->accepted += out.accepted;
		wire_push_resp_clear(&out);
		free_changes(c, n);
	}
	return NULL;
}

static void
test_concurrent_pushes(void **state)
{
	struct fx *f = *state;
	struct worker w[WORKERS];
	pthread_t t[WORKERS];
	uint64_t before = accepted_changes(f), cursor = 0;
	struct device reader;
	size_t i, pages, seen = 0;

	for (i = 0; i < WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].view = *f;
		assert_non_null(w[i].view.curl = curl_easy_init());
		enrolled_device(f, &w[i].dev, "alice");
	}
	for (i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]),
		    0);
	for (i = 0; i < WORKERS; i++) {
		pthread_join(t[i], NULL);
		curl_easy_cleanup(w[i].view.curl);
		assert_int_equal(w[i].accepted, 3 * WORKER_PUSHES);
	}
	assert_int_equal(accepted_changes(f),
	    before + WORKERS * 3 * WORKER_PUSHES);
	enrolled_device(f, &reader, "alice");
	for (i = 0; i < WORKERS; i++) {
		cursor = 0;
		seen += pull_all(f, &reader, 1000, &cursor, w[i].dev.id,
		    &pages);
	}
	assert_int_equal(seen, WORKERS * 3 * WORKER_PUSHES);
}

static void
test_routes_and_keep_alive(void **state)
{
	struct fx *f = *state;
	struct wire_pull_req q = { .cursor = 0, .limit = 1 };
	uint8_t *buf = NULL;
	size_t len = 0;
	struct reply r;
	long connects = -1;

	post(f, "/v1/nothing", NULL, 0, NULL, &r);
	expect_error(&r, 404, "not_found");
	reply_clear(&r);
	post_as(f, "PUT", "/v1/push", NULL, 0, NULL, &r);
	expect_error(&r, 405, "method_not_allowed");
	reply_clear(&r);
	assert_int_equal(wire_encode_pull_req(&q, &buf, &len), 0);
	post_signed(f, &f->alice, "/v1/pull", buf, len, &r);
	assert_int_equal(r.status, 200);
	reply_clear(&r);
	post_signed(f, &f->alice, "/v1/pull", buf, len, &r);
	assert_int_equal(r.status, 200);
	/* The second request went over the first one's connection. */
	curl_easy_getinfo(f->curl, CURLINFO_NUM_CONNECTS, &connects);
	assert_int_equal(connects, 0);
	reply_clear(&r);
	free(buf);
}

/* A signed pull from cursor 0 by d; the HTTP status. */
static long
pull_once(struct fx *f, struct device *d, struct reply *r)
{
	struct wire_pull_req q = { .limit = 10 };
	uint8_t *buf = NULL;
	size_t len = 0;

	assert_int_equal(wire_encode_pull_req(&q, &buf, &len), 0);
	post_signed(f, d, "/v1/pull", buf, len, r);
	free(buf);
	return r->status;
}

/* The audit entries of user, into *a (caller frees). */
static size_t
audit_of(struct store *st, const char *user, struct store_audit **a)
{
	struct store_audit_query q = { .username = user };
	size_t n = 0;

	assert_int_equal(store_audit_list(st, &q, a, &n), 0);
	return n;
}

static size_t
count_action(const struct store_audit *a, size_t n, const char *action,
    const char *detail_part)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (strcmp(a[i].action, action) == 0 &&
		    (detail_part == NULL ||
		    strstr(a[i].detail, detail_part) != NULL))
			k++;
	return k;
}

static void
test_disabled_user_is_refused(void **state)
{
	struct fx *f = *state;
	struct account_new a = { 0 };
	struct store_audit *au = NULL;
	struct device d, d2;
	struct reply r;
	char err[256];
	size_t n;

	a.username = "dora";
	a.role = SCHEMA_ROLE_IRO;
	a.password = PASSWORD;
	a.password_len = strlen(PASSWORD);
	assert_int_equal(account_add(f->peek, &a, err, sizeof(err)), 0);
	enrolled_device(f, &d, "dora");
	assert_int_equal(pull_once(f, &d, &r), 200);
	reply_clear(&r);

	assert_int_equal(store_user_set_disabled(f->peek, "dora", true), 0);
	assert_int_equal(pull_once(f, &d, &r), 401);
	expect_error(&r, 401, "unauthenticated");
	reply_clear(&r);
	new_device(&d2);
	assert_int_equal(enrol(f, &d2, "dora", PASSWORD, &r), 401);
	expect_error(&r, 401, "unauthenticated");
	reply_clear(&r);

	assert_int_equal(store_user_set_disabled(f->peek, "dora", false), 0);
	assert_int_equal(pull_once(f, &d, &r), 200);
	reply_clear(&r);

	n = audit_of(f->peek, "dora", &au);
	assert_int_equal(count_action(au, n, AUDIT_ENROL, NULL), 1);
	assert_int_equal(count_action(au, n, AUDIT_PULL, NULL), 2);
	assert_int_equal(count_action(au, n, AUDIT_REFUSED, "disabled"), 1);
	assert_int_equal(count_action(au, n, AUDIT_ENROL_FAILED, "disabled"),
	    1);
	assert_string_equal(au[0].address, "127.0.0.1");
	store_audit_free_array(au, n);
}

/* Push and pull are audited with the records that came in and went
 * out, and a bad signature with its reason. */
static void
test_sync_is_audited(void **state)
{
	struct fx *f = *state;
	struct store_audit *au = NULL;
	struct account_new a = { 0 };
	struct wire_push_resp out;
	struct device e1, e2, forger;
	uint8_t rec[LIMIT_ID_LEN], kid[LIMIT_ID_LEN];
	struct change c[3];
	struct reply r;
	char err[256];
	uint64_t cursor = 0;
	size_t n, k, i, pages;
	bool seen = false;

	a.username = "erin";
	a.role = SCHEMA_ROLE_IRO;
	a.password = PASSWORD;
	a.password_len = strlen(PASSWORD);
	assert_int_equal(account_add(f->peek, &a, err, sizeof(err)), 0);
	enrolled_device(f, &e1, "erin");
	enrolled_device(f, &e2, "erin");
	/* A visit of erin's own child (authz.h). */
	memcpy(kid, f->child, LIMIT_ID_LEN);
	crypto_random(f->child, sizeof(f->child));
	allocated_child(f->peek, f->child, "erin");
	n = visit_changes(f, &e1, c, rec);
	memcpy(f->child, kid, LIMIT_ID_LEN);
	for (k = 0; k < n; k++)
		snprintf(c[k].author, sizeof(c[k].author), "erin");
	assert_int_equal(push(f, &e1, c, n, &out), 200);
	wire_push_resp_clear(&out);
	free_changes(c, n);
	assert_int_equal(pull_all(f, &e2, LIMIT_PULL_CHANGES, &cursor, e1.id,
	    &pages), 3);
	/* A request signed with another key names e2 but is refused. */
	new_device(&forger);
	memcpy(forger.id, e2.id, LIMIT_ID_LEN);
	assert_int_equal(pull_once(f, &forger, &r), 401);
	reply_clear(&r);

	n = audit_of(f->peek, "erin", &au);
	for (i = 0; i < n; i++) {
		if (strcmp(au[i].action, AUDIT_PUSH) == 0) {
			assert_true(au[i].has_device);
			assert_memory_equal(au[i].device, e1.id, LIMIT_ID_LEN);
			/* The visit, and the child it names (stored in id
			 * order). */
			assert_int_equal(au[i].nrecords, 2);
			assert_true(memcmp(au[i].records[0], rec,
			    LIMIT_ID_LEN) == 0 || memcmp(au[i].records[1], rec,
			    LIMIT_ID_LEN) == 0);
			assert_non_null(strstr(au[i].detail,
			    "in: 3 changes to 1 records"));
		}
		if (strcmp(au[i].action, AUDIT_PULL) == 0 &&
		    memcmp(au[i].device, e2.id, LIMIT_ID_LEN) == 0)
			for (k = 0; k < au[i].nrecords; k++)
				seen |= memcmp(au[i].records[k], rec,
				    LIMIT_ID_LEN) == 0;
	}
	assert_true(seen);
	assert_int_equal(count_action(au, n, AUDIT_PUSH, NULL), 1);
	assert_int_equal(count_action(au, n, AUDIT_REFUSED,
	    "bad signature"), 1);
	store_audit_free_array(au, n);
}

/* ---- throttling, on a server of its own with a clock the test moves */

static uint64_t
test_clock(void *ctx)
{
	return *(const uint64_t *)ctx;
}

/* Start g: a new store with user "tina" and a server over it with
 * throttle t and the clock *clock. */
static void
throttled_server(struct fx *g, const struct account_throttle *t,
    uint64_t *clock, bool init)
{
	struct syncsrv_opts so = { 0 };
	struct account_new a = { 0 };
	struct http_opts ho = { 0 };
	char err[512];

	if (init) {
		assert_int_equal(srvtest_tmpdir(g->dir, sizeof(g->dir)), 0);
		assert_int_equal(store_init(g->dir, err, sizeof(err)), 0);
	}
	assert_int_equal(store_open(g->dir, &g->st, err, sizeof(err)), 0);
	if (init) {
		a.username = "tina";
		a.role = SCHEMA_ROLE_IRO;
		a.password = PASSWORD;
		a.password_len = strlen(PASSWORD);
		assert_int_equal(account_add(g->st, &a, err, sizeof(err)), 0);
	}
	so.store = g->st;
	so.clock = test_clock;
	so.clock_ctx = clock;
	so.throttle = t;
	assert_int_equal(syncsrv_new(&so, &g->sync), 0);
	ho.host = "127.0.0.1";
	ho.max_body = LIMIT_BODY_MAX;
	ho.timeout_s = 30;
	ho.handler = syncsrv_handle;
	ho.handler_ctx = g->sync;
	assert_int_equal(http_start(&ho, &g->srv, err, sizeof(err)), 0);
	snprintf(g->base, sizeof(g->base), "http://127.0.0.1:%u",
	    (unsigned)http_port(g->srv));
}

static void
throttled_stop(struct fx *g)
{
	http_stop(g->srv, 5);
	syncsrv_free(g->sync);
	store_close(g->st);
	g->srv = NULL;
	g->sync = NULL;
	g->st = NULL;
}

/* Enrol a new device as user with pw on g: the HTTP status, and the
 * error code in code (when not 200). */
static long
try_enrol(struct fx *g, const char *user, const char *pw, char *code)
{
	struct wire_error e;
	struct device d;
	struct reply r;
	char why[256];
	long status;

	new_device(&d);
	status = enrol(g, &d, user, pw, &r);
	code[0] = '\0';
	if (status != 200) {
		assert_int_equal(wire_decode_error(r.body, r.len, &e, why,
		    sizeof(why)), 0);
		strcpy(code, e.code);
	}
	reply_clear(&r);
	return status;
}

static void
test_enrol_is_throttled(void **state)
{
	struct fx *f = *state, g;
	struct account_throttle t = { .window_ms = 10000, .user_max = 3,
	    .addr_max = 5 };
	struct store_audit *au = NULL;
	uint64_t clock = now_ms();
	char code[64], user[32];
	size_t n;
	int i;

	memset(&g, 0, sizeof(g));
	g.curl = f->curl;
	throttled_server(&g, &t, &clock, true);
	for (i = 0; i < 3; i++) {
		assert_int_equal(try_enrol(&g, "tina", "guess", code), 401);
		assert_string_equal(code, "unauthenticated");
	}
	/* The right password is refused unchecked while throttled. */
	assert_int_equal(try_enrol(&g, "tina", PASSWORD, code), 429);
	assert_string_equal(code, "rate_limited");
	/* A restart does not forget. */
	throttled_stop(&g);
	throttled_server(&g, &t, &clock, false);
	assert_int_equal(try_enrol(&g, "tina", PASSWORD, code), 429);
	clock += t.window_ms + 1;
	assert_int_equal(try_enrol(&g, "tina", PASSWORD, code), 200);
	/* The success cleared the account: three more failures allowed. */
	for (i = 0; i < 2; i++)
		assert_int_equal(try_enrol(&g, "tina", "guess", code), 401);
	assert_int_equal(try_enrol(&g, "tina", PASSWORD, code), 200);

	/* The address: five failures for five accounts throttle it. */
	clock += t.window_ms + 1;
	for (i = 0; i < 5; i++) {
		snprintf(user, sizeof(user), "nobody%d", i);
		assert_int_equal(try_enrol(&g, user, "guess", code), 401);
	}
	assert_int_equal(try_enrol(&g, "tina", PASSWORD, code), 429);
	assert_string_equal(code, "rate_limited");
	clock += t.window_ms + 1;
	assert_int_equal(try_enrol(&g, "tina", PASSWORD, code), 200);

	n = audit_of(g.st, "tina", &au);
	assert_int_equal(count_action(au, n, AUDIT_ENROL_FAILED, NULL), 5);
	assert_int_equal(count_action(au, n, AUDIT_REFUSED, "rate_limited"),
	    3);
	assert_int_equal(count_action(au, n, AUDIT_ENROL, NULL), 3);
	store_audit_free_array(au, n);
	throttled_stop(&g);
	srvtest_rmtree(g.dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enrol),
		cmocka_unit_test(test_unsigned_push_is_refused),
		cmocka_unit_test(test_altered_body_is_refused),
		cmocka_unit_test(test_replayed_request_is_refused),
		cmocka_unit_test(test_stale_time_is_refused),
		cmocka_unit_test(test_garbage_refused_server_serves_on),
		cmocka_unit_test(test_wrong_version_is_refused),
		cmocka_unit_test(test_too_many_changes),
		cmocka_unit_test(test_oversize_body),
		cmocka_unit_test(test_push_then_retry_is_duplicates),
		cmocka_unit_test(test_future_stamp_is_clock_skew),
		cmocka_unit_test(test_refusals_are_listed_and_kept),
		cmocka_unit_test(test_change_id_reused),
		cmocka_unit_test(test_invalid_change),
		cmocka_unit_test(test_pull_pages),
		cmocka_unit_test(test_concurrent_pushes),
		cmocka_unit_test(test_routes_and_keep_alive),
		cmocka_unit_test(test_disabled_user_is_refused),
		cmocka_unit_test(test_sync_is_audited),
		cmocka_unit_test(test_enrol_is_throttled),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
