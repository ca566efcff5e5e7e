/*
 * test_audit.c - the audit log: entries kept with their records and
 * found again by user, date and record; the database refusing to change
 * or remove them; a child's records found through every reference
 * (reviews, disputes and their stages) and no other child's; the text
 * line and the JSON of an entry; the throttle's default limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "crypto.h"
#include "hex.h"
#include "iro_error.h"
#include "json.h"
#include "ledger.h"
#include "store.h"
#include "support/srvtest.h"

#define T0 1764000000000ull     /* 2025-11-24T16:00:00Z */
#define DAY 86400000ull

struct fx {
	char dir[256];
	struct store *st;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[512];

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	srvtest_rmtree(f->dir);
	free(f);
	return 0;
}

/* Append an entry of action by user at `at` about records a and b (either
 * may be NULL). */
static uint64_t
append(struct fx *f, const char *action, const char *user, uint64_t at,
    const uint8_t *a, const uint8_t *b)
{
	struct store_audit e;
	size_t cap = 0;
	uint64_t id;

	audit_entry(&e, action, user, NULL, at, "test %s", action);
	if (a != NULL)
		assert_int_equal(audit_add_record(&e, &cap, a), 0);
	if (b != NULL)
		assert_int_equal(audit_add_record(&e, &cap, b), 0);
	assert_int_equal(store_audit_append(f->st, &e, &id), 0);
	free(e.records);
	return id;
}

static void
test_entries_and_filters(void **state)
{
	struct fx *f = *state;
	uint8_t r1[LIMIT_ID_LEN], r2[LIMIT_ID_LEN], r3[LIMIT_ID_LEN];
	const uint8_t (*want)[LIMIT_ID_LEN];
	struct store_audit_query q = { 0 };
	struct store_audit *a = NULL;
	size_t n = 0;

	srvtest_id(r1, 0x11, 1);
	srvtest_id(r2, 0x22, 2);
	srvtest_id(r3, 0x33, 3);
	assert_int_equal(append(f, "push", "asha", T0, r1, r2), 1);
	assert_int_equal(append(f, "pull", "ben", T0 + DAY, r2, NULL), 2);
	assert_int_equal(append(f, "user_add", "ben", T0 + 2 * DAY, NULL,
	    NULL), 3);

	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].action, "push");
	assert_string_equal(a[0].username, "asha");
	assert_int_equal(a[0].at_ms, T0);
	assert_int_equal(a[0].nrecords, 2);
	assert_false(a[0].has_device);
	assert_string_equal(a[0].detail, "test push");
	assert_int_equal(a[2].nrecords, 0);
	store_audit_free_array(a, n);

	q.username = "ben";
	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 2);
	store_audit_free_array(a, n);

	q.since_ms = T0 + 2 * DAY;
	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].action, "user_add");
	store_audit_free_array(a, n);

	/* By record: r2 was in both the push and the pull; r3 in none. */
	memset(&q, 0, sizeof(q));
	want = (const uint8_t (*)[LIMIT_ID_LEN])r2;
	q.records = want;
	q.nrecords = 1;
	q.by_record = true;
	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].id, 1);
	assert_int_equal(a[1].id, 2);
	store_audit_free_array(a, n);
	q.username = "asha";
	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 1);
	store_audit_free_array(a, n);
	q.username = NULL;
	q.records = (const uint8_t (*)[LIMIT_ID_LEN])r3;
	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 0);
	assert_null(a);
	/* The records filter with no records matches nothing, not all. */
	q.nrecords = 0;
	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_bad_entries_are_refused(void **state)
{
	struct fx *f = *state;
	struct store_audit e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(store_audit_append(f->st, &e, NULL), IRO_EINVAL);
	audit_entry(&e, "push", "asha", NULL, T0, "x");
	e.nrecords = 1;             /* but no records */
	assert_int_equal(store_audit_append(f->st, &e, NULL), IRO_EINVAL);
	e.nrecords = STORE_AUDIT_RECORDS_MAX + 1;
	assert_int_equal(store_audit_append(f->st, &e, NULL), IRO_EINVAL);
}

/* No UPDATE or DELETE reaches an audit row, from any connection. */
static void
test_audit_is_append_only(void **state)
{
	struct fx *f = *state;
	uint8_t r1[LIMIT_ID_LEN];
	struct store_audit_query q = { 0 };
	struct store_audit *a = NULL;
	char path[600], *msg = NULL;
	size_t n = 0, i;
	sqlite3 *db;
	static const char *const sql[] = {
		"UPDATE audit SET detail = 'nothing'",
		"UPDATE audit SET username = 'someone else'",
		"DELETE FROM audit",
		"UPDATE audit_records SET record = x'00'",
		"DELETE FROM audit_records",
		"INSERT OR REPLACE INTO audit(id, at_ms, action, username,"
		" address, detail) VALUES (1, 0, 'x', '', '', '')",
	};

	srvtest_id(r1, 0x11, 1);
	append(f, "push", "asha", T0, r1, NULL);
	snprintf(path, sizeof(path), "%s/server.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		assert_int_not_equal(sqlite3_exec(db, sql[i], NULL, NULL,
		    &msg), SQLITE_OK);
		assert_non_null(strstr(msg, "append-only"));
		sqlite3_free(msg);
		msg = NULL;
	}
	sqlite3_close(db);
	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].detail, "test push");
	assert_string_equal(a[0].username, "asha");
	assert_int_equal(a[0].nrecords, 1);
	assert_memory_equal(a[0].records[0], r1, LIMIT_ID_LEN);
	store_audit_free_array(a, n);
}

/* Write field = value of record rec (of type) as the server. */
static void
put(struct fx *f, const char *type, const uint8_t rec[LIMIT_ID_LEN],
    const char *field, const char *value)
{
	uint8_t dev[LIMIT_ID_LEN];
	struct change c;

	srvtest_id(dev, 0xee, 1);
	srvtest_change(&c, dev, 1, T0, type, rec, field, value, "server",
	    NULL);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(ledger_author(f->st, T0, &c), 0);
	assert_int_equal(ledger_refresh(f->st, rec), 0);
	assert_int_equal(store_commit(f->st), 0);
	change_clear(&c);
}

static bool
has(uint8_t (*ids)[LIMIT_ID_LEN], size_t n, const uint8_t id[LIMIT_ID_LEN])
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(ids[i], id, LIMIT_ID_LEN) == 0)
			return true;
	return false;
}

static void
test_child_records_follow_references(void **state)
{
	struct fx *f = *state;
	uint8_t kid[LIMIT_ID_LEN], other[LIMIT_ID_LEN], rev[LIMIT_ID_LEN];
	uint8_t disp[LIMIT_ID_LEN], stage[LIMIT_ID_LEN], dec[LIMIT_ID_LEN];
	uint8_t visit2[LIMIT_ID_LEN], (*ids)[LIMIT_ID_LEN] = NULL;
	char hk[2 * LIMIT_ID_LEN + 1], ho[2 * LIMIT_ID_LEN + 1];
	char hr[2 * LIMIT_ID_LEN + 1], hd[2 * LIMIT_ID_LEN + 1];
	char why[256];
	size_t n = 0;

	srvtest_id(kid, 0xc1, 1);
	srvtest_id(other, 0xc2, 2);
	srvtest_id(rev, 0xa1, 3);
	srvtest_id(disp, 0xd1, 4);
	srvtest_id(stage, 0xd2, 5);
	srvtest_id(dec, 0xde, 6);
	srvtest_id(visit2, 0xb2, 7);
	hex_encode(kid, LIMIT_ID_LEN, hk);
	hex_encode(other, LIMIT_ID_LEN, ho);
	hex_encode(rev, LIMIT_ID_LEN, hr);
	hex_encode(disp, LIMIT_ID_LEN, hd);
	put(f, "child", kid, "child_id", "C1001");
	put(f, "child", other, "child_id", "C1002");
	put(f, "review", rev, "child", hk);
	put(f, "decision", dec, "review", hr);
	put(f, "dispute", disp, "child", hk);
	put(f, "dispute_stage", stage, "dispute", hd);
	put(f, "visit", visit2, "child", ho);

	assert_int_equal(audit_child_records(f->st, "C1001", &ids, &n, why,
	    sizeof(why)), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(ids[0], kid, LIMIT_ID_LEN);
	assert_true(has(ids, n, rev));
	assert_true(has(ids, n, dec));
	assert_true(has(ids, n, disp));
	assert_true(has(ids, n, stage));
	assert_false(has(ids, n, other));
	assert_false(has(ids, n, visit2));
	free(ids);

	/* The record id names the same child. */
	assert_int_equal(audit_child_records(f->st, hk, &ids, &n, why,
	    sizeof(why)), 0);
	assert_int_equal(n, 5);
	free(ids);
	assert_int_equal(audit_child_records(f->st, ho, &ids, &n, why,
	    sizeof(why)), 0);
	assert_int_equal(n, 2);
	free(ids);

	/* A record id of something that is not a child is no child. */
	assert_int_equal(audit_child_records(f->st, hr, &ids, &n, why,
	    sizeof(why)), IRO_ENOTFOUND);
	assert_null(ids);
	assert_int_equal(audit_child_records(f->st, "C9999", &ids, &n, why,
	    sizeof(why)), IRO_ENOTFOUND);
	assert_string_equal(why, "no child 'C9999'");
}

static void
test_add_record_keeps_each_once(void **state)
{
	struct store_audit e;
	uint8_t r1[LIMIT_ID_LEN], r2[LIMIT_ID_LEN];
	size_t cap = 0, i;

	(void)state;
	memset(&e, 0, sizeof(e));
	srvtest_id(r1, 0x11, 1);
	srvtest_id(r2, 0x22, 2);
	for (i = 0; i < 20; i++) {
		assert_int_equal(audit_add_record(&e, &cap, r1), 0);
		assert_int_equal(audit_add_record(&e, &cap, r2), 0);
	}
	assert_int_equal(e.nrecords, 2);
	free(e.records);
}

static void
test_text_and_json(void **state)
{
	struct store_audit e;
	uint8_t dev[LIMIT_ID_LEN], r1[LIMIT_ID_LEN];
	char line[512], *js = NULL, hex[2 * LIMIT_ID_LEN + 1];
	char want[512];
	size_t cap = 0;

	(void)state;
	memset(dev, 0x3b, sizeof(dev));
	srvtest_id(r1, 0x11, 1);
	audit_entry(&e, AUDIT_PUSH, "asha.patel", dev,
	    1795428900000ull, "in: 4 changes to 2 records");
	snprintf(e.address, sizeof(e.address), "10.0.4.7");
	assert_int_equal(audit_add_record(&e, &cap, r1), 0);
	audit_format(&e, line, sizeof(line));
	assert_string_equal(line, "2026-11-23T10:15:00Z  push  asha.patel  "
	    "device 3b3b3b3b..  from 10.0.4.7  in: 4 changes to 2 records");
	assert_int_equal(json_audit(&e, 1, &js), 0);
	hex_encode(r1, LIMIT_ID_LEN, hex);
	snprintf(want, sizeof(want), "[{\"id\":0,\"at\":"
	    "\"2026-11-23T10:15:00Z\",\"action\":\"push\",\"user\":"
	    "\"asha.patel\",\"device\":\"3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b\","
	    "\"address\":\"10.0.4.7\",\"detail\":\"in: 4 changes to 2 "
	    "records\",\"records\":[\"%s\"]}]", hex);
	assert_string_equal(js, want);
	free(js);
	free(e.records);

	/* The server's own command line: no device, no address. */
	audit_entry(&e, AUDIT_USER_DISABLE, "ben", NULL, 1795428900000ull,
	    "disabled user 'ben'");
	audit_format(&e, line, sizeof(line));
	assert_string_equal(line, "2026-11-23T10:15:00Z  user_disable  ben  "
	    "-  disabled user 'ben'");
	assert_int_equal(json_audit(&e, 1, &js), 0);
	assert_non_null(strstr(js, "\"device\":null,\"address\":null"));
	free(js);

	/* What came from the network cannot drive the terminal. */
	audit_entry(&e, AUDIT_REFUSED, "x\033[2Jy", NULL, 1795428900000ull,
	    "404 POST /\r\n");
	audit_format(&e, line, sizeof(line));
	assert_string_equal(line, "2026-11-23T10:15:00Z  refused  x?[2Jy  -  "
	    "404 POST /??");
}

static void
test_parse_date(void **state)
{
	uint64_t ms;

	(void)state;
	assert_int_equal(audit_parse_date("2026-11-23", &ms), 0);
	assert_int_equal(ms, 1795392000000ull);
	assert_int_equal(audit_parse_date("1970-01-01", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(audit_parse_date("2026-02-30", &ms), IRO_EINVAL);
	assert_int_equal(audit_parse_date("yesterday", &ms), IRO_EINVAL);
	assert_int_equal(ms, 0);
}

/* The limits the server runs with unless told otherwise. */
static void
test_throttle_defaults(void **state)
{
	struct account_throttle t;

	(void)state;
	account_throttle_default(&t);
	assert_int_equal(t.window_ms, 15 * 60 * 1000);
	assert_int_equal(t.user_max, 5);
	assert_int_equal(t.addr_max, 20);
}

/* The default limits at work in the store: 5 failures for an account in
 * 15 minutes throttle it, 20 from one address throttle that address, and
 * both lift once the window has passed. */
static void
test_throttle_default_limits_apply(void **state)
{
	struct fx *f = *state;
	struct account_throttle t;
	char why[256], user[32];
	bool thr;
	int i;

	account_throttle_default(&t);
	for (i = 0; i < 4; i++) {
		assert_int_equal(account_login_begin(f->st, &t, "asha", "",
		    T0 + (uint64_t)i, &thr, why, sizeof(why)), 0);
		assert_false(thr);
	}
	assert_int_equal(account_login_begin(f->st, &t, "asha", "", T0 + 4,
	    &thr, why, sizeof(why)), 0);
	assert_false(thr);          /* the fifth attempt is still made */
	assert_int_equal(account_throttled(f->st, &t, "asha", "", T0 + 5,
	    &thr, why, sizeof(why)), 0);
	assert_true(thr);
	assert_non_null(strstr(why, "'asha'"));
	assert_int_equal(account_throttled(f->st, &t, "asha", "",
	    T0 + 15 * 60 * 1000 - 1, &thr, why, sizeof(why)), 0);
	assert_true(thr);
	assert_int_equal(account_throttled(f->st, &t, "asha", "",
	    T0 + 15 * 60 * 1000 + 5, &thr, why, sizeof(why)), 0);
	assert_false(thr);

	for (i = 0; i < 20; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		assert_int_equal(account_login_begin(f->st, &t, user,
		    "192.0.2.1", T0 + (uint64_t)i, &thr, why, sizeof(why)), 0);
		assert_false(thr);
	}
	assert_int_equal(account_throttled(f->st, &t, "fresh", "192.0.2.1",
	    T0 + 30, &thr, why, sizeof(why)), 0);
	assert_true(thr);
	assert_non_null(strstr(why, "'192.0.2.1'"));
	assert_int_equal(account_throttled(f->st, &t, "fresh", "192.0.2.9",
	    T0 + 30, &thr, why, sizeof(why)), 0);
	assert_false(thr);

	/* A success takes back its own count and clears the account's. */
	assert_int_equal(account_login_ok(f->st, "u19", "192.0.2.1", T0 + 19),
	    0);
	assert_int_equal(account_throttled(f->st, &t, "fresh", "192.0.2.1",
	    T0 + 30, &thr, why, sizeof(why)), 0);
	assert_false(thr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entries_and_filters,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_entries_are_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_is_append_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_child_records_follow_references, setup, teardown),
		cmocka_unit_test(test_add_record_keeps_each_once),
		cmocka_unit_test(test_text_and_json),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_throttle_defaults),
		cmocka_unit_test_setup_teardown(
		    test_throttle_default_limits_apply, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
