/*
 * test_casework.c - the worklist's pure core: child summaries, the
 * agenda's items and window, settings.
 *
 * The dates are 2025's: Monday 6 January is the start of care, whose
 * first review is due 20 working days later on Monday 3 February.  With
 * today Monday 27 January, a 20-working-day window ends on Monday 24
 * February.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "casework.h"
#include "change.h"
#include "iro_error.h"

#define NO CASEWORK_NO_DATE

static struct cal_holidays *hol;

static cal_day
D(const char *s)
{
	cal_day d;

	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

static int
setup(void **state)
{
	(void)state;
	return cal_holidays_new(&hol);
}

static int
teardown(void **state)
{
	(void)state;
	cal_holidays_free(hol);
	return 0;
}

/* A child in care since 2025-01-06, nothing recorded yet. */
static struct casework_child
kid(void)
{
	struct casework_child c;

	memset(&c, 0, sizeof(c));
	c.id = "c1";
	c.child_id = "C1001";
	c.given_name = "Ada";
	c.family_name = "Example";
	c.dob = D("2012-03-04");
	c.care_start = D("2025-01-06");
	c.care_end = NO;
	c.adoption_since = NO;
	c.out_of_area = -1;
	return c;
}

static struct casework_review
review(const char *id, enum casework_review_status st, const char *meeting)
{
	struct casework_review r = {
		.id = id, .status = st, .due = NO,
		.meeting_date = meeting != NULL ? D(meeting) : NO,
		.decisions_distributed = NO, .record_completed = NO,
	};

	return r;
}

static struct casework_summary
summary(const struct casework_child *c, const char *today)
{
	struct casework_summary s;

	assert_int_equal(casework_summarize(hol, c, D(today), &s), 0);
	return s;
}

static void
test_first_review_due(void **state)
{
	struct casework_child c = kid();
	struct casework_summary s = summary(&c, "2025-01-27");

	(void)state;
	assert_int_equal(s.next.basis, SCHEDULE_FIRST);
	assert_int_equal(s.next.due, D("2025-02-03"));
	assert_int_equal(s.working_days_left, 5);
	assert_false(s.overdue);
}

static void
test_due_today_is_not_overdue(void **state)
{
	struct casework_child c = kid();
	struct casework_summary s = summary(&c, "2025-02-03");

	(void)state;
	assert_int_equal(s.working_days_left, 0);
	assert_false(s.overdue);
}

static void
test_day_after_due_is_overdue(void **state)
{
	struct casework_child c = kid();
	struct casework_summary s = summary(&c, "2025-02-04");

	(void)state;
	assert_int_equal(s.working_days_left, -1);
	assert_true(s.overdue);
}

static void
test_second_and_subsequent_reviews(void **state)
{
	struct casework_review r[] = {
		review("r1", CASEWORK_REVIEW_COMPLETED, "2025-01-30"),
		review("r2", CASEWORK_REVIEW_HELD, "2025-04-28"),
	};
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	c.reviews = r;
	c.nreviews = 1;
	s = summary(&c, "2025-02-10");
	assert_int_equal(s.next.basis, SCHEDULE_SECOND);
	assert_int_equal(s.next.due, D("2025-04-30"));
	c.nreviews = 2;
	s = summary(&c, "2025-05-01");
	assert_int_equal(s.next.basis, SCHEDULE_SUBSEQUENT);
	assert_int_equal(s.next.due, D("2025-10-28"));
	assert_false(s.overdue);
}

/* Only held and completed reviews count; planned, adjourned and
 * cancelled ones do not move the schedule. */
static void
test_unheld_reviews_do_not_count(void **state)
{
	struct casework_review r[] = {
		review("r1", CASEWORK_REVIEW_PLANNED, "2025-01-29"),
		review("r2", CASEWORK_REVIEW_CANCELLED, "2025-01-30"),
		review("r3", CASEWORK_REVIEW_ADJOURNED, "2025-01-31"),
	};
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	c.reviews = r;
	c.nreviews = 3;
	s = summary(&c, "2025-02-10");
	assert_int_equal(s.next.basis, SCHEDULE_FIRST);
	assert_int_equal(s.next.due, D("2025-02-03"));
	assert_true(s.overdue);
}

static void
test_care_ended_nothing_due(void **state)
{
	struct casework_child c = kid();
	struct casework_summary s;
	struct casework_agenda *a = NULL;
	struct casework_settings set;

	(void)state;
	casework_settings_default(&set);
	c.care_end = D("2025-01-20");
	s = summary(&c, "2025-03-01");
	assert_int_equal(s.next.basis, SCHEDULE_NONE);
	assert_int_equal(s.working_days_left, 0);
	assert_false(s.overdue);
	assert_int_equal(casework_agenda(hol, &set, &c, 1, D("2025-03-01"), 20,
	    &a), 0);
	assert_int_equal(a->n, 0);
	casework_agenda_free(a);
}

/* A care_end before care_start belongs to an earlier period of care. */
static void
test_new_period_after_care_end(void **state)
{
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	c.care_end = D("2024-12-01");
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.next.basis, SCHEDULE_FIRST);
	assert_int_equal(s.next.due, D("2025-02-03"));
}

static void
test_no_care_start_nothing_due(void **state)
{
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	c.care_start = NO;
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.next.basis, SCHEDULE_NONE);
}

static void
test_short_breaks_schedule(void **state)
{
	struct casework_review r = review("r1", CASEWORK_REVIEW_HELD,
	    "2025-04-07");
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	c.short_breaks = true;
	assert_int_equal(casework_schedule(&c), SCHEDULE_SHORT_BREAKS);
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.next.basis, SCHEDULE_FIRST);
	assert_int_equal(s.next.due, D("2025-04-06"));
	c.reviews = &r;
	c.nreviews = 1;
	s = summary(&c, "2025-04-08");
	assert_int_equal(s.next.due, D("2025-10-07"));
}

static void
test_adoption_schedules(void **state)
{
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	c.adoption = CASEWORK_ADOPTION_PLACED;
	c.adoption_since = D("2025-03-03");
	assert_int_equal(casework_schedule(&c), SCHEDULE_ADOPTION_PLACED);
	s = summary(&c, "2025-03-04");
	assert_int_equal(s.next.due, D("2025-03-31"));
	/* Placed on a date not known: the standard schedule, not a
	 * failure. */
	c.adoption_since = NO;
	assert_int_equal(casework_schedule(&c), SCHEDULE_STANDARD);
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.next.basis, SCHEDULE_FIRST);
	assert_int_equal(s.next.due, D("2025-02-03"));
	c.adoption = CASEWORK_ADOPTION_AUTHORITY;
	assert_int_equal(casework_schedule(&c), SCHEDULE_STANDARD);
	c.short_breaks = true;
	assert_int_equal(casework_schedule(&c), SCHEDULE_SHORT_BREAKS);
	c.adoption_since = D("2025-01-06");
	assert_int_equal(casework_schedule(&c), SCHEDULE_ADOPTION_AUTHORITY);
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.next.due, D("2025-04-06"));
}

/* Authority to place granted after two reviews: the next is due 3
 * months after the authority, not 6 after the last review. */
static void
test_adoption_authority_after_reviews(void **state)
{
	struct casework_review r[] = {
		review("r1", CASEWORK_REVIEW_COMPLETED, "2025-01-30"),
		review("r2", CASEWORK_REVIEW_HELD, "2025-04-28"),
		review("r3", CASEWORK_REVIEW_PLANNED, NULL),
	};
	struct casework_child c = kid();
	struct schedule_due d;
	struct casework_summary s;

	(void)state;
	c.reviews = r;
	c.nreviews = 3;
	assert_int_equal(casework_next_review(hol, &c, &d), 0);
	assert_int_equal(d.due, D("2025-10-28"));
	c.adoption = CASEWORK_ADOPTION_AUTHORITY;
	c.adoption_since = D("2025-06-16");
	assert_int_equal(casework_next_review(hol, &c, &d), 0);
	assert_int_equal(d.basis, SCHEDULE_FIRST);
	assert_int_equal(d.due, D("2025-09-16"));
	assert_int_equal(d.held, 0);
	s = summary(&c, "2025-09-17");
	assert_true(s.overdue);
	/* The review after the authority: then 6-monthly. */
	r[2] = review("r3", CASEWORK_REVIEW_HELD, "2025-09-10");
	assert_int_equal(casework_next_review(hol, &c, &d), 0);
	assert_int_equal(d.basis, SCHEDULE_SECOND);
	assert_int_equal(d.due, D("2026-03-10"));
	/* Placed for adoption on 1 Dec: 28 days, then 3 months, then 6. */
	c.adoption = CASEWORK_ADOPTION_PLACED;
	c.adoption_since = D("2025-12-01");
	assert_int_equal(casework_next_review(hol, &c, &d), 0);
	assert_int_equal(d.due, D("2025-12-29"));
	r[0] = review("r1", CASEWORK_REVIEW_HELD, "2025-12-22");
	assert_int_equal(casework_next_review(hol, &c, &d), 0);
	assert_int_equal(d.due, D("2026-03-22"));
	r[1] = review("r2", CASEWORK_REVIEW_COMPLETED, "2026-03-20");
	assert_int_equal(casework_next_review(hol, &c, &d), 0);
	assert_int_equal(d.basis, SCHEDULE_SUBSEQUENT);
	assert_int_equal(d.due, D("2026-09-20"));
}

static void
test_out_of_area_and_last_visit(void **state)
{
	struct casework_visit v[] = {
		{ "v1", D("2025-01-10"), false, true },
		{ "v2", D("2025-01-21"), false, false },
		{ "v3", D("2025-01-15"), true, true },
	};
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.out_of_area, -1);
	assert_int_equal(s.last_visit, NO);
	c.out_of_area = 1;
	c.visits = v;
	c.nvisits = 3;
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.out_of_area, 1);
	assert_int_equal(s.last_visit, D("2025-01-21"));
	c.out_of_area = 0;
	assert_int_equal(summary(&c, "2025-01-27").out_of_area, 0);
}

static void
test_open_decisions_and_drift(void **state)
{
	struct casework_decision d[] = {
		{ "d1", "a", NULL, true, NO, 0 },
		{ "d2", "b", NULL, true, NO, 1 },
		{ "d3", "c", NULL, true, NO, 2 },
		{ "d4", "d", NULL, false, NO, 3 },
		{ "d5", "e", NULL, true, NO, 5 },
	};
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	c.decisions = d;
	c.ndecisions = 5;
	s = summary(&c, "2025-01-27");
	assert_int_equal(s.open_decisions, 4);
	assert_int_equal(s.drifting_decisions, 2);
}

static void
test_dispute_current_stage(void **state)
{
	struct casework_stage st[] = {
		{ "s1", "informal", D("2025-01-10"), D("2025-01-17"),
		  D("2025-01-16") },
		{ "s2", "service_manager", D("2025-01-20"), D("2025-01-27"),
		  NO },
	};
	struct casework_stage old[] = {
		{ "s3", "director", D("2024-10-01"), D("2024-10-08"), NO },
	};
	struct casework_dispute dp[] = {
		{ "x1", "placement", false, D("2024-09-01"), old, 1 },
		{ "x2", "contact", true, D("2025-01-10"), st, 2 },
	};
	struct casework_child c = kid();
	struct casework_summary s;

	(void)state;
	s = summary(&c, "2025-01-27");
	assert_null(s.dispute);
	assert_null(s.stage);
	c.disputes = dp;
	c.ndisputes = 2;
	s = summary(&c, "2025-01-27");
	assert_ptr_equal(s.dispute, &dp[1]);
	assert_ptr_equal(s.stage, &st[1]);
}

/* Of two open disputes, the one awaiting a response comes first. */
static void
test_dispute_awaiting_comes_first(void **state)
{
	struct casework_stage a[] = {
		{ "s1", "informal", D("2025-01-10"), D("2025-01-17"),
		  D("2025-01-16") },
	};
	struct casework_stage b[] = {
		{ "s2", "informal", D("2025-01-02"), D("2025-01-09"), NO },
	};
	struct casework_dispute dp[] = {
		{ "x1", "contact", true, D("2025-01-10"), a, 1 },
		{ "x2", "health", true, D("2025-01-02"), b, 1 },
	};
	struct casework_child c = kid();

	(void)state;
	c.disputes = dp;
	c.ndisputes = 2;
	assert_ptr_equal(summary(&c, "2025-01-27").stage, &b[0]);
}

static void
test_consultation(void **state)
{
	struct casework_review held = review("r1", CASEWORK_REVIEW_HELD,
	    "2025-01-30");
	struct casework_visit v = { "v1", D("2025-01-06"), true, true };
	struct casework_child c = kid();

	(void)state;
	assert_false(summary(&c, "2025-01-27").consultation_done);
	c.visits = &v;
	c.nvisits = 1;
	/* None held: on or after care_start counts. */
	assert_true(summary(&c, "2025-01-27").consultation_done);
	v.date = D("2025-01-03");
	assert_false(summary(&c, "2025-01-27").consultation_done);
	v.date = D("2025-01-20");
	v.child_seen = false;
	assert_false(summary(&c, "2025-01-27").consultation_done);
	v.child_seen = true;
	v.pre_review = false;
	assert_false(summary(&c, "2025-01-27").consultation_done);
	v.pre_review = true;
	/* Held since: the visit was for that review, not the next. */
	c.reviews = &held;
	c.nreviews = 1;
	assert_false(summary(&c, "2025-02-03").consultation_done);
	v.date = D("2025-01-30");
	assert_false(summary(&c, "2025-02-03").consultation_done);
	v.date = D("2025-01-31");
	assert_true(summary(&c, "2025-02-03").consultation_done);
}

/* ---- agenda ---------------------------------------------------------- */

static struct casework_agenda *
agenda(const struct casework_child *c, size_t n, const char *today,
    int days)
{
	struct casework_settings set;
	struct casework_agenda *a = NULL;

	casework_settings_default(&set);
	assert_int_equal(casework_agenda(hol, &set, c, n, D(today), days, &a),
	    0);
	return a;
}

/* The item of kind k about record (NULL: any), or NULL. */
static const struct casework_item *
item(const struct casework_agenda *a, enum casework_item_kind k,
    const char *record)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->items[i].kind == k && (record == NULL ||
		    (a->items[i].record != NULL &&
		    strcmp(a->items[i].record, record) == 0)))
			return &a->items[i];
	return NULL;
}

static void
test_agenda_review_and_consultation(void **state)
{
	struct casework_child c = kid();
	struct casework_agenda *a = agenda(&c, 1, "2025-01-27", 20);
	const struct casework_item *it;

	(void)state;
	assert_int_equal(a->n, 2);
	it = &a->items[0];
	assert_int_equal(it->kind, CASEWORK_ITEM_REVIEW_DUE);
	assert_int_equal(it->date, D("2025-02-03"));
	assert_int_equal(it->working_days_left, 5);
	assert_false(it->overdue);
	assert_ptr_equal(it->child, &c);
	assert_null(it->record);
	assert_string_equal(it->text, "first review due");
	it = &a->items[1];
	assert_int_equal(it->kind, CASEWORK_ITEM_CONSULTATION);
	assert_int_equal(it->date, D("2025-02-03"));
	casework_agenda_free(a);
}

/* A caseload with an adoption date missing still gives its agenda,
 * that child on the standard schedule; the other runs its 28 days. */
static void
test_agenda_adoption_dates(void **state)
{
	struct casework_child c[2] = { kid(), kid() };
	struct casework_agenda *a;
	const struct casework_item *it;
	size_t i, seen = 0;

	(void)state;
	c[0].adoption = CASEWORK_ADOPTION_PLACED;
	c[1].id = "c2";
	c[1].adoption = CASEWORK_ADOPTION_PLACED;
	c[1].adoption_since = D("2025-01-13");
	a = agenda(c, 2, "2025-01-27", 20);
	for (i = 0; i < a->n; i++) {
		it = &a->items[i];
		if (it->kind != CASEWORK_ITEM_REVIEW_DUE)
			continue;
		seen++;
		assert_int_equal(it->date, it->child == &c[0] ?
		    D("2025-02-03") : D("2025-02-10"));
	}
	assert_int_equal(seen, 2);
	casework_agenda_free(a);
}

static void
test_agenda_consultation_done_not_listed(void **state)
{
	struct casework_visit v = { "v1", D("2025-01-20"), true, true };
	struct casework_child c = kid();
	struct casework_agenda *a;

	(void)state;
	c.visits = &v;
	c.nvisits = 1;
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_int_equal(a->n, 1);
	assert_int_equal(a->items[0].kind, CASEWORK_ITEM_REVIEW_DUE);
	casework_agenda_free(a);
}

static void
test_agenda_overdue_review(void **state)
{
	struct casework_child c = kid();
	struct casework_agenda *a = agenda(&c, 1, "2025-02-05", 0);
	const struct casework_item *it = item(a, CASEWORK_ITEM_REVIEW_DUE,
	    NULL);

	(void)state;
	assert_non_null(it);
	assert_true(it->overdue);
	assert_int_equal(it->working_days_left, -2);
	assert_string_equal(it->text, "first review overdue since 2025-02-03");
	casework_agenda_free(a);
}

/* The window ends on the days-th working day after today, inclusive. */
static void
test_agenda_window_edges(void **state)
{
	struct casework_child c = kid();
	struct casework_agenda *a;

	(void)state;
	/* Due 2025-02-03 is the 5th working day after 2025-01-27. */
	a = agenda(&c, 1, "2025-01-27", 5);
	assert_non_null(item(a, CASEWORK_ITEM_REVIEW_DUE, NULL));
	casework_agenda_free(a);
	a = agenda(&c, 1, "2025-01-27", 4);
	assert_null(item(a, CASEWORK_ITEM_REVIEW_DUE, NULL));
	assert_int_equal(a->n, 0);
	casework_agenda_free(a);
}

/* A planned meeting before the due date brings the consultation
 * forward, even when the review itself is due beyond the window. */
static void
test_agenda_consultation_before_planned_meeting(void **state)
{
	struct casework_review r[] = {
		review("r1", CASEWORK_REVIEW_HELD, "2025-01-30"),
		review("r2", CASEWORK_REVIEW_PLANNED, "2025-03-20"),
	};
	struct casework_child c = kid();
	struct casework_agenda *a;
	const struct casework_item *it;

	(void)state;
	r[0].decisions_distributed = D("2025-01-31");
	r[0].record_completed = D("2025-02-05");
	c.reviews = r;
	c.nreviews = 2;
	/* Next due 2025-04-30; window from 2025-03-10 ends 2025-04-07. */
	a = agenda(&c, 1, "2025-03-10", 20);
	assert_int_equal(a->n, 1);
	it = &a->items[0];
	assert_int_equal(it->kind, CASEWORK_ITEM_CONSULTATION);
	assert_int_equal(it->date, D("2025-03-20"));
	assert_string_equal(it->record, "r2");
	casework_agenda_free(a);
	a = agenda(&c, 1, "2025-04-07", 20);
	it = item(a, CASEWORK_ITEM_REVIEW_DUE, "r2");
	assert_non_null(it);
	assert_string_equal(it->text,
	    "second review due, meeting planned 2025-03-20");
	casework_agenda_free(a);
}

static void
test_agenda_decisions(void **state)
{
	struct casework_decision d[] = {
		{ "d1", "edge", NULL, true, D("2025-02-24"), 0 },
		{ "d2", "beyond", NULL, true, D("2025-02-25"), 0 },
		{ "d3", "late", "J Smith", true, D("2025-01-20"), 0 },
		{ "d4", "done", NULL, false, D("2025-02-01"), 0 },
		{ "d5", "no date", NULL, true, NO, 0 },
	};
	struct casework_visit v = { "v1", D("2025-01-20"), true, true };
	struct casework_child c = kid();
	struct casework_agenda *a;
	const struct casework_item *it;

	(void)state;
	c.decisions = d;
	c.ndecisions = 5;
	c.visits = &v;
	c.nvisits = 1;
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_int_equal(a->n, 3);
	it = &a->items[0];
	assert_int_equal(it->kind, CASEWORK_ITEM_DECISION_DUE);
	assert_string_equal(it->record, "d3");
	assert_true(it->overdue);
	assert_int_equal(it->working_days_left, -5);
	assert_string_equal(it->text, "decision due (J Smith): late");
	assert_int_equal(a->items[1].kind, CASEWORK_ITEM_REVIEW_DUE);
	it = &a->items[2];
	assert_string_equal(it->record, "d1");
	assert_int_equal(it->working_days_left, 20);
	assert_false(it->overdue);
	casework_agenda_free(a);
}

static void
test_agenda_dispute_response(void **state)
{
	struct casework_stage st[] = {
		{ "s1", "informal", D("2025-01-10"), D("2025-01-17"),
		  D("2025-01-16") },
		{ "s2", "team_manager", D("2025-01-20"), D("2025-01-27"), NO },
	};
	struct casework_dispute dp = { "x1", "placement", true,
	    D("2025-01-10"), st, 2 };
	struct casework_visit v = { "v1", D("2025-01-20"), true, true };
	struct casework_child c = kid();
	struct casework_agenda *a;
	const struct casework_item *it;

	(void)state;
	c.disputes = &dp;
	c.ndisputes = 1;
	c.visits = &v;
	c.nvisits = 1;
	a = agenda(&c, 1, "2025-01-27", 20);
	it = item(a, CASEWORK_ITEM_DISPUTE_RESPONSE, NULL);
	assert_non_null(it);
	assert_string_equal(it->record, "s2");
	assert_int_equal(it->date, D("2025-01-27"));
	assert_int_equal(it->working_days_left, 0);
	assert_false(it->overdue);
	assert_string_equal(it->text,
	    "placement dispute: response due at the team manager stage");
	casework_agenda_free(a);
	st[1].responded = D("2025-01-24");
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_null(item(a, CASEWORK_ITEM_DISPUTE_RESPONSE, NULL));
	casework_agenda_free(a);
	st[1].responded = NO;
	dp.open = false;
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_null(item(a, CASEWORK_ITEM_DISPUTE_RESPONSE, NULL));
	casework_agenda_free(a);
}

static void
test_agenda_review_records(void **state)
{
	struct casework_review r = review("r1", CASEWORK_REVIEW_HELD,
	    "2025-01-23");
	struct casework_visit v = { "v1", D("2025-01-24"), true, true };
	struct casework_child c = kid();
	struct casework_settings set;
	struct casework_agenda *a;
	const struct casework_item *it;

	(void)state;
	c.reviews = &r;
	c.nreviews = 1;
	c.visits = &v;
	c.nvisits = 1;
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_int_equal(a->n, 2);
	it = item(a, CASEWORK_ITEM_DECISIONS_DISTRIBUTE, "r1");
	assert_non_null(it);
	assert_int_equal(it->date, D("2025-01-30"));
	assert_string_equal(it->text,
	    "distribute the decisions of the review held 2025-01-23");
	it = item(a, CASEWORK_ITEM_RECORD_COMPLETE, "r1");
	assert_non_null(it);
	assert_int_equal(it->date, D("2025-02-20"));
	casework_agenda_free(a);
	/* The council's own timescale. */
	casework_settings_default(&set);
	assert_int_equal(casework_settings_set(&set, "decisions_days", "2"),
	    0);
	assert_int_equal(casework_agenda(hol, &set, &c, 1, D("2025-01-27"), 20,
	    &a), 0);
	it = item(a, CASEWORK_ITEM_DECISIONS_DISTRIBUTE, "r1");
	assert_int_equal(it->date, D("2025-01-27"));
	casework_agenda_free(a);
	/* Once completed, the review's records are not chased. */
	r.status = CASEWORK_REVIEW_COMPLETED;
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_int_equal(a->n, 0);
	casework_agenda_free(a);
	r.status = CASEWORK_REVIEW_HELD;
	/* Done: nothing left to list. */
	r.decisions_distributed = D("2025-01-24");
	r.record_completed = D("2025-01-27");
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_int_equal(a->n, 0);
	casework_agenda_free(a);
	/* A review of an earlier period of care is not chased. */
	r.decisions_distributed = NO;
	c.care_start = D("2025-01-24");
	a = agenda(&c, 1, "2025-01-27", 20);
	assert_null(item(a, CASEWORK_ITEM_DECISIONS_DISTRIBUTE, NULL));
	casework_agenda_free(a);
}

static void
test_agenda_sorted_by_date_then_child(void **state)
{
	struct casework_child c[3];
	struct casework_agenda *a;

	(void)state;
	c[0] = kid();
	c[0].id = "k1";
	c[0].family_name = "Zed";
	c[1] = kid();
	c[1].id = "k2";
	c[1].family_name = "Able";
	c[2] = kid();
	c[2].id = "k3";
	c[2].family_name = "Mid";
	c[2].care_start = D("2025-01-03");
	a = agenda(c, 3, "2025-01-27", 20);
	assert_int_equal(a->n, 6);
	/* 2025-01-03 + 20 working days = 2025-01-31. */
	assert_ptr_equal(a->items[0].child, &c[2]);
	assert_int_equal(a->items[0].date, D("2025-01-31"));
	assert_int_equal(a->items[0].kind, CASEWORK_ITEM_REVIEW_DUE);
	assert_int_equal(a->items[1].kind, CASEWORK_ITEM_CONSULTATION);
	assert_ptr_equal(a->items[2].child, &c[1]);
	assert_ptr_equal(a->items[3].child, &c[1]);
	assert_ptr_equal(a->items[4].child, &c[0]);
	assert_ptr_equal(a->items[5].child, &c[0]);
	casework_agenda_free(a);
}

/* Free text becomes one line of valid UTF-8, however it is cut. */
static void
test_agenda_text_one_line(void **state)
{
	char text[400];
	struct casework_decision d = { "d1", text, NULL, true,
	    D("2025-01-28"), 0 };
	struct casework_child c = kid();
	struct casework_agenda *a;
	const struct casework_item *it;
	size_t i, shift;

	(void)state;
	c.decisions = &d;
	c.ndecisions = 1;
	/* Shifting by one byte makes the cut fall inside a character one
	 * time out of the two. */
	for (shift = 0; shift < 2; shift++) {
		strcpy(text, shift ? "line one\nline two x" :
		    "line one\nline two ");
		for (i = strlen(text); i + 2 < sizeof(text); i += 2)
			memcpy(text + i, "\xc3\xa9", 2);   /* e acute */
		text[i] = '\0';
		a = agenda(&c, 1, "2025-01-27", 20);
		it = item(a, CASEWORK_ITEM_DECISION_DUE, "d1");
		assert_non_null(it);
		assert_null(strchr(it->text, '\n'));
		assert_true(strncmp(it->text, "decision due: line one line",
		    27) == 0);
		assert_true(strlen(it->text) >= CASEWORK_TEXT_MAX - 2);
		assert_true(value_utf8_valid(it->text, strlen(it->text)));
		casework_agenda_free(a);
	}
}

static void
test_agenda_bad_days(void **state)
{
	struct casework_settings set;
	struct casework_agenda *a = NULL;

	(void)state;
	casework_settings_default(&set);
	assert_int_equal(casework_agenda(hol, &set, NULL, 0, D("2025-01-27"),
	    -1, &a), IRO_EINVAL);
	assert_int_equal(casework_agenda(hol, &set, NULL, 0, D("2025-01-27"),
	    CASEWORK_DAYS_MAX + 1, &a), IRO_EINVAL);
	assert_null(a);
	assert_int_equal(casework_agenda(hol, &set, NULL, 0, D("2025-01-27"),
	    CASEWORK_DAYS_MAX, &a), 0);
	assert_int_equal(a->n, 0);
	casework_agenda_free(a);
	casework_agenda_free(NULL);
}

static void
test_settings(void **state)
{
	struct casework_settings s;
	int days = -1;

	(void)state;
	casework_settings_default(&s);
	assert_int_equal(s.decisions_days, 5);
	assert_int_equal(s.record_days, 20);
	assert_int_equal(s.adjourn_days, 20);
	assert_int_equal(casework_stage_days(&s, "informal", &days), 0);
	assert_int_equal(days, 5);
	assert_int_equal(casework_settings_set(&s, "dispute_days_director",
	    "10"), 0);
	assert_int_equal(casework_stage_days(&s, "director", &days), 0);
	assert_int_equal(days, 10);
	assert_int_equal(casework_settings_set(&s, "record_days", "15"), 0);
	assert_int_equal(s.record_days, 15);
	assert_int_equal(casework_settings_set(&s, "record_days", "x"),
	    IRO_EINVAL);
	assert_int_equal(casework_settings_set(&s, "record_days", "261"),
	    IRO_EINVAL);
	assert_int_equal(casework_settings_set(&s, "record_days", "-1"),
	    IRO_EINVAL);
	assert_int_equal(s.record_days, 15);
	assert_int_equal(casework_settings_set(&s, "council", "E09000033"),
	    IRO_ENOTFOUND);
	assert_int_equal(casework_settings_set(&s, "dispute_days_judge", "5"),
	    IRO_ENOTFOUND);
	assert_int_equal(casework_stage_days(&s, "judge", &days), IRO_EINVAL);
}

static void
test_parsers_and_names(void **state)
{
	enum casework_review_status st;
	enum casework_adoption ad;

	(void)state;
	assert_int_equal(casework_review_status_parse("completed", &st), 0);
	assert_int_equal(st, CASEWORK_REVIEW_COMPLETED);
	assert_int_equal(casework_review_status_parse("done", &st),
	    IRO_EINVAL);
	assert_int_equal(casework_review_status_parse(NULL, &st), IRO_EINVAL);
	assert_int_equal(casework_adoption_parse("placed", &ad), 0);
	assert_int_equal(ad, CASEWORK_ADOPTION_PLACED);
	assert_int_equal(casework_adoption_parse("none", &ad), 0);
	assert_int_equal(ad, CASEWORK_ADOPTION_NONE);
	assert_int_equal(casework_adoption_parse("maybe", &ad), IRO_EINVAL);
	assert_string_equal(casework_item_kind_name(
	    CASEWORK_ITEM_RECORD_COMPLETE), "record_complete");
	assert_string_equal(casework_item_kind_name(
	    CASEWORK_ITEM_DISPUTE_RESPONSE), "dispute_response");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_review_due),
		cmocka_unit_test(test_due_today_is_not_overdue),
		cmocka_unit_test(test_day_after_due_is_overdue),
		cmocka_unit_test(test_second_and_subsequent_reviews),
		cmocka_unit_test(test_unheld_reviews_do_not_count),
		cmocka_unit_test(test_care_ended_nothing_due),
		cmocka_unit_test(test_new_period_after_care_end),
		cmocka_unit_test(test_no_care_start_nothing_due),
		cmocka_unit_test(test_short_breaks_schedule),
		cmocka_unit_test(test_adoption_schedules),
		cmocka_unit_test(test_adoption_authority_after_reviews),
		cmocka_unit_test(test_out_of_area_and_last_visit),
		cmocka_unit_test(test_open_decisions_and_drift),
		cmocka_unit_test(test_dispute_current_stage),
		cmocka_unit_test(test_dispute_awaiting_comes_first),
		cmocka_unit_test(test_consultation),
		cmocka_unit_test(test_agenda_review_and_consultation),
		cmocka_unit_test(test_agenda_adoption_dates),
		cmocka_unit_test(test_agenda_consultation_done_not_listed),
		cmocka_unit_test(test_agenda_overdue_review),
		cmocka_unit_test(test_agenda_window_edges),
		cmocka_unit_test(test_agenda_consultation_before_planned_meeting),
		cmocka_unit_test(test_agenda_decisions),
		cmocka_unit_test(test_agenda_dispute_response),
		cmocka_unit_test(test_agenda_review_records),
		cmocka_unit_test(test_agenda_sorted_by_date_then_child),
		cmocka_unit_test(test_agenda_text_one_line),
		cmocka_unit_test(test_agenda_bad_days),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_parsers_and_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
