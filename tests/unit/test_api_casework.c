/*
 * test_api_casework.c - the worklist through the public API, offline:
 * the caseload, one child's summary, the agenda, a child's records, the
 * dates filled in on create and the casework rules on local edits.
 *
 * Children, holidays and settings come from the server: they are stored
 * directly as REMOTE changes, as a pull would.  Dates are 2025's: with
 * today Monday 27 January, a 20-working-day window ends on 24 February.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handle.h"
#include "hex.h"
#include "irosync.h"
#include "replica.h"

#define PASS "correct horse battery staple"
#define T0 INT64_C(1760000000000)
#define TODAY "2025-01-27"

struct fx {
	char dir[64];
	int64_t now;
	struct iro *h;
	uint64_t seq;                 /* the server's change counter */
	uint8_t next_id;
	char ada[IRO_ID_HEX + 1];     /* C1: first review due 2025-02-03 */
	char bob[IRO_ID_HEX + 1];     /* C2: first review due 2025-01-02 */
	char cal[IRO_ID_HEX + 1];     /* C3: out of care, nothing due */
};

static const uint8_t server_dev[LIMIT_ID_LEN] = { 0xee, 1 };

static int64_t
test_clock(void *ctx)
{
	struct fx *f = ctx;

	return f->now += 10;
}

/* Store one field of a server record as if pulled: text for strings
 * and dates, "=yes"/"=no" for booleans. */
static void
inject(struct fx *f, const char *type, const char *rec_hex,
    const char *field, const char *val)
{
	struct change c;
	int inserted = 0;

	change_init(&c);
	c.seq = ++f->seq;
	c.ts.wall_ms = (uint64_t)(f->now += 10);
	memcpy(c.ts.device, server_dev, LIMIT_ID_LEN);
	snprintf(c.type, sizeof(c.type), "%s", type);
	assert_int_equal(hex_decode(rec_hex, c.record, LIMIT_ID_LEN), 0);
	snprintf(c.field, sizeof(c.field), "%s", field);
	if (val[0] == '=') {
		c.value.type = VALUE_BOOL;
		c.value.b = strcmp(val, "=yes") == 0;
	} else {
		assert_int_equal(value_set_str(&c.value, val, strlen(val)), 0);
	}
	snprintf(c.author, sizeof(c.author), "server");
	assert_int_equal(replica_begin(f->h->replica), 0);
	assert_int_equal(replica_put_change(f->h->replica, &c, REPLICA_REMOTE,
	    &inserted), 0);
	assert_int_equal(inserted, 1);
	assert_int_equal(handle_remerge(f->h, c.record), 0);
	assert_int_equal(replica_commit(f->h->replica), 0);
	change_clear(&c);
}

/* A new server record id. */
static void
server_id(struct fx *f, char hex[IRO_ID_HEX + 1])
{
	uint8_t id[LIMIT_ID_LEN] = { 0xc0, 0 };

	id[1] = ++f->next_id;
	hex_encode(id, LIMIT_ID_LEN, hex);
}

static void
child(struct fx *f, char id[IRO_ID_HEX + 1], const char *cid,
    const char *given, const char *family, const char *care_start)
{
	server_id(f, id);
	inject(f, "child", id, "child_id", cid);
	inject(f, "child", id, "given_name", given);
	inject(f, "child", id, "family_name", family);
	inject(f, "child", id, "dob", "2012-03-04");
	inject(f, "child", id, "iro", "alice");
	inject(f, "child", id, "care_start", care_start);
}

static int
setup(void **state)
{
	struct iro_open_opts o;
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/iro-test-apicw-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->now = T0;
	memset(&o, 0, sizeof(o));
	o.home = f->dir;
	o.passphrase = PASS;
	o.passphrase_len = strlen(PASS);
	o.clock = test_clock;
	o.clock_ctx = f;
	assert_int_equal(handle_create_local(&o, "alice", "iro", &f->h), 0);
	child(f, f->ada, "C1", "Ada", "Example", "2025-01-06");
	inject(f, "child", f->ada, "out_of_area", "=yes");
	child(f, f->bob, "C2", "Bob", "Zephyr", "2024-12-02");
	inject(f, "child", f->bob, "out_of_area", "=no");
	child(f, f->cal, "C3", "Cal", "Able", "2024-06-03");
	inject(f, "child", f->cal, "care_end", "2024-11-29");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	iro_close(f->h);
	replica_destroy(f->dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
create(struct fx *f, const char *type, const struct iro_field_text *fields,
    size_t n, char id[IRO_ID_HEX + 1])
{
	int rc = iro_create(f->h, type, fields, n, id);

	if (rc != 0)
		fail_msg("create %s: %s", type, iro_errmsg(f->h));
}

static void
visit(struct fx *f, const char *kid, const char *date, const char *purpose,
    char id[IRO_ID_HEX + 1])
{
	const struct iro_field_text fields[] = {
		{ "child", kid }, { "date", date }, { "purpose", purpose },
		{ "child_seen", "yes" },
	};

	create(f, "visit", fields, 4, id);
}

static void
expect_str(struct fx *f, const char *id, const char *field,
    const char *want)
{
	struct iro_record *r = NULL;
	struct iro_value v;

	assert_int_equal(iro_get(f->h, id, &r), 0);
	assert_int_equal(iro_record_get(r, field, &v), 0);
	if (want == NULL) {
		assert_int_equal(v.type, IRO_V_NIL);
	} else {
		assert_int_equal(v.type, IRO_V_STR);
		assert_string_equal(v.s, want);
	}
	iro_record_free(r);
}

static uint64_t
pending(struct fx *f)
{
	struct iro_status st;

	assert_int_equal(iro_status(f->h, &st), 0);
	return st.pending;
}

static void
test_caseload_order_and_fields(void **state)
{
	struct fx *f = *state;
	struct iro_caseload *c = NULL;
	struct iro_child_summary s;
	char v[IRO_ID_HEX + 1];

	visit(f, "C1", "2025-01-20", "midway", v);
	assert_int_equal(iro_caseload_get(f->h, TODAY, &c), 0);
	assert_int_equal(iro_caseload_count(c), 3);
	/* Bob's review is overdue, so he comes first; Cal has none due. */
	assert_int_equal(iro_caseload_at(c, 0, &s), 0);
	assert_string_equal(s.id, f->bob);
	assert_string_equal(s.next_review_due, "2025-01-02");
	assert_int_equal(s.review_overdue, 1);
	assert_int_equal(s.working_days_left, -17);
	assert_int_equal(s.out_of_area, 0);
	assert_null(s.last_visit);
	assert_int_equal(iro_caseload_at(c, 1, &s), 0);
	assert_string_equal(s.id, f->ada);
	assert_string_equal(s.child_id, "C1");
	assert_string_equal(s.given_name, "Ada");
	assert_string_equal(s.family_name, "Example");
	assert_string_equal(s.dob, "2012-03-04");
	assert_string_equal(s.iro, "alice");
	assert_string_equal(s.next_review_due, "2025-02-03");
	assert_int_equal(s.review_overdue, 0);
	assert_int_equal(s.working_days_left, 5);
	assert_string_equal(s.review_basis, "first");
	assert_int_equal(s.out_of_area, 1);
	assert_string_equal(s.last_visit, "2025-01-20");
	assert_int_equal(s.open_decisions, 0);
	assert_null(s.dispute_stage);
	assert_int_equal(s.consultation_done, 0);
	assert_int_equal(iro_caseload_at(c, 2, &s), 0);
	assert_string_equal(s.id, f->cal);
	assert_null(s.next_review_due);
	assert_null(s.review_basis);
	assert_int_equal(s.out_of_area, -1);
	assert_int_equal(iro_caseload_at(c, 3, &s), IRO_ENOTFOUND);
	assert_null(s.id);
	iro_caseload_free(c);
	iro_caseload_free(NULL);
	assert_int_equal(iro_caseload_count(NULL), 0);
}

static void
test_caseload_bad_today(void **state)
{
	struct fx *f = *state;
	struct iro_caseload *c = NULL;

	assert_int_equal(iro_caseload_get(f->h, "27/01/2025", &c), IRO_EINVAL);
	assert_null(c);
	assert_non_null(strstr(iro_errmsg(f->h), "27/01/2025"));
	/* The handle's clock gives some date. */
	assert_int_equal(iro_caseload_get(f->h, NULL, &c), 0);
	assert_int_equal(iro_caseload_count(c), 3);
	iro_caseload_free(c);
}

static void
test_child_summary_decisions_and_dispute(void **state)
{
	struct fx *f = *state;
	struct iro_caseload *c = NULL;
	struct iro_child_summary s;
	char rv[IRO_ID_HEX + 1], d[IRO_ID_HEX + 1], x[IRO_ID_HEX + 1];
	char st[IRO_ID_HEX + 1], v[IRO_ID_HEX + 1];
	const struct iro_field_text review[] = {
		{ "child", "C2" }, { "meeting_date", "2025-01-10" },
	};
	struct iro_field_text decision[] = {
		{ "child", "C2" }, { "review", rv }, { "text", "contact" },
		{ "carried", "2" },
	};
	const struct iro_field_text dispute[] = {
		{ "child", "C2" }, { "category", "placement" },
		{ "opened", "2025-01-13" },
	};
	struct iro_field_text stage[] = {
		{ "dispute", x }, { "stage", "informal" },
		{ "sent", "2025-01-13" },
	};

	create(f, "review", review, 2, rv);
	assert_int_equal(iro_set(f->h, rv, "status", "held"), 0);
	create(f, "decision", decision, 4, d);
	decision[3].text = "0";
	create(f, "decision", decision, 4, d);
	create(f, "dispute", dispute, 3, x);
	create(f, "dispute_stage", stage, 3, st);
	visit(f, "C2", "2025-01-20", "pre_review", v);
	assert_int_equal(iro_child_summary_get(f->h, "C2", TODAY, &c), 0);
	assert_int_equal(iro_caseload_count(c), 1);
	assert_int_equal(iro_caseload_at(c, 0, &s), 0);
	assert_string_equal(s.id, f->bob);
	assert_string_equal(s.next_review_due, "2025-04-10");
	assert_string_equal(s.review_basis, "second");
	assert_int_equal(s.review_overdue, 0);
	assert_int_equal(s.open_decisions, 2);
	assert_int_equal(s.drifting_decisions, 1);
	assert_string_equal(s.dispute_stage, "informal");
	assert_string_equal(s.dispute_response_due, "2025-01-20");
	assert_int_equal(s.consultation_done, 1);
	iro_caseload_free(c);
	assert_int_equal(iro_set(f->h, st, "responded", "2025-01-17"), 0);
	assert_int_equal(iro_child_summary_get(f->h, f->bob, TODAY, &c), 0);
	assert_int_equal(iro_caseload_at(c, 0, &s), 0);
	assert_string_equal(s.dispute_stage, "informal");
	assert_null(s.dispute_response_due);
	iro_caseload_free(c);
	assert_int_equal(iro_child_summary_get(f->h, "C9", TODAY, &c),
	    IRO_ENOTFOUND);
	assert_null(c);
}

static void
test_agenda(void **state)
{
	struct fx *f = *state;
	struct iro_agenda *a = NULL;
	struct iro_agenda_item it;
	char v[IRO_ID_HEX + 1];

	visit(f, "C1", "2025-01-21", "pre_review", v);
	assert_int_equal(iro_agenda_get(f->h, TODAY, 20, &a), 0);
	/* Bob: review and consultation overdue; Ada: review due. */
	assert_int_equal(iro_agenda_count(a), 3);
	assert_int_equal(iro_agenda_at(a, 0, &it), 0);
	assert_string_equal(it.date, "2025-01-02");
	assert_string_equal(it.kind, "review_due");
	assert_string_equal(it.child, f->bob);
	assert_string_equal(it.child_id, "C2");
	assert_string_equal(it.child_name, "Bob Zephyr");
	assert_null(it.record);
	assert_string_equal(it.text, "first review overdue since 2025-01-02");
	assert_int_equal(it.working_days_left, -17);
	assert_int_equal(it.overdue, 1);
	assert_int_equal(iro_agenda_at(a, 1, &it), 0);
	assert_string_equal(it.kind, "consultation");
	assert_string_equal(it.child, f->bob);
	assert_int_equal(iro_agenda_at(a, 2, &it), 0);
	assert_string_equal(it.date, "2025-02-03");
	assert_string_equal(it.kind, "review_due");
	assert_string_equal(it.child_name, "Ada Example");
	assert_int_equal(it.working_days_left, 5);
	assert_int_equal(it.overdue, 0);
	assert_int_equal(iro_agenda_at(a, 3, &it), IRO_ENOTFOUND);
	iro_agenda_free(a);
	/* A shorter window leaves Ada's review out. */
	assert_int_equal(iro_agenda_get(f->h, TODAY, 4, &a), 0);
	assert_int_equal(iro_agenda_count(a), 2);
	iro_agenda_free(a);
	assert_int_equal(iro_agenda_get(f->h, TODAY, -1, &a), IRO_EINVAL);
	assert_int_equal(iro_agenda_get(f->h, TODAY, 521, &a), IRO_EINVAL);
	assert_int_equal(iro_agenda_get(f->h, "2025-02-30", 20, &a),
	    IRO_EINVAL);
	assert_null(a);
	iro_agenda_free(NULL);
	assert_int_equal(iro_agenda_count(NULL), 0);
}

/* A held review's records to complete, by the council's timescale. */
static void
test_agenda_records_and_settings(void **state)
{
	struct fx *f = *state;
	struct iro_agenda *a = NULL;
	struct iro_agenda_item it;
	char rv[IRO_ID_HEX + 1], s[IRO_ID_HEX + 1];
	const struct iro_field_text review[] = {
		{ "child", "C1" }, { "meeting_date", "2025-01-23" },
	};
	size_t i, found = 0;

	create(f, "review", review, 2, rv);
	assert_int_equal(iro_set(f->h, rv, "status", "held"), 0);
	server_id(f, s);
	inject(f, "setting", s, "name", "decisions_days");
	inject(f, "setting", s, "value", "2");
	assert_int_equal(iro_agenda_get(f->h, TODAY, 20, &a), 0);
	for (i = 0; i < iro_agenda_count(a); i++) {
		assert_int_equal(iro_agenda_at(a, i, &it), 0);
		if (strcmp(it.kind, "decisions_distribute") == 0) {
			assert_string_equal(it.date, "2025-01-27");
			assert_string_equal(it.record, rv);
			found++;
		} else if (strcmp(it.kind, "record_complete") == 0) {
			assert_string_equal(it.date, "2025-02-20");
			found++;
		}
	}
	assert_int_equal(found, 2);
	iro_agenda_free(a);
}

static void
test_list_child(void **state)
{
	struct fx *f = *state;
	struct iro_list *l = NULL;
	char v1[IRO_ID_HEX + 1], v2[IRO_ID_HEX + 1], v3[IRO_ID_HEX + 1];
	char x[IRO_ID_HEX + 1], s1[IRO_ID_HEX + 1], s2[IRO_ID_HEX + 1];
	char other[IRO_ID_HEX + 1];
	const struct iro_field_text dispute[] = {
		{ "child", "C1" }, { "category", "contact" },
		{ "opened", "2025-01-13" },
	};
	struct iro_field_text stage[] = {
		{ "dispute", x }, { "stage", "informal" },
		{ "sent", "2025-01-13" },
	};

	visit(f, "C1", "2025-01-20", "midway", v1);
	visit(f, "C1", "2025-01-08", "introduction", v2);
	visit(f, "C2", "2025-01-09", "midway", other);
	visit(f, "C1", "2025-01-15", "other", v3);
	assert_int_equal(iro_list_child(f->h, "visit", "C1", &l), 0);
	assert_int_equal(iro_list_count(l), 3);
	assert_string_equal(iro_record_id(iro_list_at(l, 0)), v2);
	assert_string_equal(iro_record_id(iro_list_at(l, 1)), v3);
	assert_string_equal(iro_record_id(iro_list_at(l, 2)), v1);
	iro_list_free(l);
	create(f, "dispute", dispute, 3, x);
	create(f, "dispute_stage", stage, 3, s1);
	stage[1].text = "team_manager";
	stage[2].text = "2025-01-20";
	create(f, "dispute_stage", stage, 3, s2);
	assert_int_equal(iro_list_child(f->h, "dispute_stage", f->ada, &l), 0);
	assert_int_equal(iro_list_count(l), 2);
	assert_string_equal(iro_record_id(iro_list_at(l, 0)), s1);
	assert_string_equal(iro_record_id(iro_list_at(l, 1)), s2);
	iro_list_free(l);
	assert_int_equal(iro_list_child(f->h, "dispute_stage", "C2", &l), 0);
	assert_int_equal(iro_list_count(l), 0);
	iro_list_free(l);
	assert_int_equal(iro_list_child(f->h, "note", "C1", &l), 0);
	assert_int_equal(iro_list_count(l), 0);
	iro_list_free(l);
	l = NULL;
	assert_int_equal(iro_list_child(f->h, "child", "C1", &l), IRO_EINVAL);
	assert_int_equal(iro_list_child(f->h, "holiday", "C1", &l),
	    IRO_EINVAL);
	assert_int_equal(iro_list_child(f->h, "nope", "C1", &l), IRO_EINVAL);
	assert_int_equal(iro_list_child(f->h, "visit", "C9", &l),
	    IRO_ENOTFOUND);
	assert_null(l);
}

static void
test_review_due_filled_on_create(void **state)
{
	struct fx *f = *state;
	char a[IRO_ID_HEX + 1], b[IRO_ID_HEX + 1], c[IRO_ID_HEX + 1];
	const struct iro_field_text plain[] = { { "child", "C1" } };
	const struct iro_field_text given[] = {
		{ "child", "C1" }, { "due", "2025-01-31" },
	};
	const struct iro_field_text ended[] = { { "child", "C3" } };

	create(f, "review", plain, 1, a);
	expect_str(f, a, "due", "2025-02-03");
	create(f, "review", given, 2, b);
	expect_str(f, b, "due", "2025-01-31");
	create(f, "review", ended, 1, c);
	expect_str(f, c, "due", NULL);
}

static void
test_response_due_filled_on_create(void **state)
{
	struct fx *f = *state;
	char x[IRO_ID_HEX + 1], s[IRO_ID_HEX + 1], hd[IRO_ID_HEX + 1];
	char set[IRO_ID_HEX + 1];
	const struct iro_field_text dispute[] = {
		{ "child", "C1" }, { "category", "health" },
		{ "opened", "2025-01-13" },
	};
	struct iro_field_text stage[] = {
		{ "dispute", x }, { "stage", "team_manager" },
		{ "sent", "2025-01-20" }, { "response_due", "2025-01-24" },
	};

	create(f, "dispute", dispute, 3, x);
	create(f, "dispute_stage", stage, 3, s);
	expect_str(f, s, "response_due", "2025-01-27");
	create(f, "dispute_stage", stage, 4, s);
	expect_str(f, s, "response_due", "2025-01-24");
	/* The council's timescale and its extra holiday. */
	server_id(f, set);
	inject(f, "setting", set, "name", "dispute_days_team_manager");
	inject(f, "setting", set, "value", "10");
	server_id(f, hd);
	inject(f, "holiday", hd, "date", "2025-01-29");
	inject(f, "holiday", hd, "working", "=no");
	create(f, "dispute_stage", stage, 3, s);
	expect_str(f, s, "response_due", "2025-02-04");
}

static void
test_rule_refuses_review_status_back(void **state)
{
	struct fx *f = *state;
	char rv[IRO_ID_HEX + 1];
	const struct iro_field_text review[] = {
		{ "child", "C1" }, { "meeting_date", "2025-01-23" },
	};
	uint64_t before;

	create(f, "review", review, 2, rv);
	assert_int_equal(iro_set(f->h, rv, "status", "held"), 0);
	assert_int_equal(iro_set(f->h, rv, "status", "completed"), 0);
	before = pending(f);
	assert_int_equal(iro_set(f->h, rv, "status", "planned"), IRO_ESTATE);
	assert_non_null(strstr(iro_errmsg(f->h), "planned"));
	assert_int_equal(pending(f), before);
	expect_str(f, rv, "status", "completed");
	/* A refused create writes nothing either. */
	assert_int_equal(iro_set(f->h, rv, "status", "cancelled"), IRO_ESTATE);
	assert_int_equal(pending(f), before);
}

/* The child's own data feeds the rules: PN0 only for under-4s. */
static void
test_rule_uses_child_state(void **state)
{
	struct fx *f = *state;
	char rv[IRO_ID_HEX + 1];
	const struct iro_field_text review[] = {
		{ "child", "C1" }, { "meeting_date", "2025-01-23" },
		{ "participation", "PN0" },
	};
	uint64_t before = pending(f);

	assert_int_equal(iro_create(f->h, "review", review, 3, rv),
	    IRO_EINVAL);
	assert_string_equal(rv, "");
	assert_non_null(strstr(iro_errmsg(f->h), "PN0"));
	assert_int_equal(pending(f), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_caseload_order_and_fields,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_caseload_bad_today,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_child_summary_decisions_and_dispute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agenda, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_agenda_records_and_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_child, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_review_due_filled_on_create, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_response_due_filled_on_create, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_rule_refuses_review_status_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_uses_child_state,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
