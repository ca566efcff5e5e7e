/*
 * test_schedule.c - statutory review due dates and deadlines.
 *
 * Each row of the tables runs as its own test case.  Dates are written
 * as "YYYY-MM-DD"; the bank holidays are the shipped table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "calendar.h"
#include "iro_error.h"
#include "schedule.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))
#define HELD_MAX 6

static struct cal_holidays *shipped;

static cal_day
D(const char *s)
{
	cal_day d;

	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

static void
assert_day(cal_day got, const char *want)
{
	char buf[11];

	cal_format(got, buf);
	assert_string_equal(buf, want);
}

struct due_row {
	const char *name;
	enum schedule_kind kind;
	const char *care_start;
	bool ended;
	const char *since;                  /* adoption_since; NULL: not
	                                       known */
	const char *held[HELD_MAX];         /* NULL-terminated */
	enum schedule_basis basis;
	const char *due;                    /* NULL: none */
	size_t nheld;                       /* counted */
	const char *last;                   /* NULL: -1 */
};

static const struct due_row due_rows[] = {
	/* reg 33: the domain notes' worked examples */
	{ "standard: care from 15 Dec 2025, first due 15 Jan 2026",
	    SCHEDULE_STANDARD, "2025-12-15", false, NULL, { NULL },
	    SCHEDULE_FIRST, "2026-01-15", 0, NULL },
	{ "standard: care from 7 Apr 2025, first due 8 May 2025",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL, { NULL },
	    SCHEDULE_FIRST, "2025-05-08", 0, NULL },
	{ "standard: second due 3 months after the first",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL, { "2025-05-06" },
	    SCHEDULE_SECOND, "2025-08-06", 1, "2025-05-06" },
	{ "standard: first on 31 Aug, second due 30 Nov",
	    SCHEDULE_STANDARD, "2025-08-04", false, NULL, { "2025-08-31" },
	    SCHEDULE_SECOND, "2025-11-30", 1, "2025-08-31" },
	{ "standard: third due 6 months after the second",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL,
	    { "2025-05-06", "2025-08-06" },
	    SCHEDULE_SUBSEQUENT, "2026-02-06", 2, "2025-08-06" },
	{ "standard: last on 31 Aug 2025, due 28 Feb 2026",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL,
	    { "2025-05-06", "2025-08-31" },
	    SCHEDULE_SUBSEQUENT, "2026-02-28", 2, "2025-08-31" },
	{ "standard: last on 31 Aug 2023, due 29 Feb 2024",
	    SCHEDULE_STANDARD, "2023-04-03", false, NULL,
	    { "2023-05-02", "2023-08-31" },
	    SCHEDULE_SUBSEQUENT, "2024-02-29", 2, "2023-08-31" },
	{ "standard: last on 1 Jan, due 1 Jul (not 183 days)",
	    SCHEDULE_STANDARD, "2024-01-02", false, NULL,
	    { "2024-01-25", "2024-04-20", "2024-07-01", "2025-01-01" },
	    SCHEDULE_SUBSEQUENT, "2025-07-01", 4, "2025-01-01" },
	{ "standard: reviews in any order, the latest counts",
	    SCHEDULE_STANDARD, "2024-01-02", false, NULL,
	    { "2025-01-01", "2024-01-25", "2024-07-01", "2024-04-20" },
	    SCHEDULE_SUBSEQUENT, "2025-07-01", 4, "2025-01-01" },
	{ "standard: an early first review resets the clock",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL, { "2025-04-15" },
	    SCHEDULE_SECOND, "2025-07-15", 1, "2025-04-15" },
	{ "standard: an early third review resets the clock",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL,
	    { "2025-05-06", "2025-08-06", "2025-10-01" },
	    SCHEDULE_SUBSEQUENT, "2026-04-01", 3, "2025-10-01" },
	{ "standard: a late review, next from its actual date",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL,
	    { "2025-05-20" },
	    SCHEDULE_SECOND, "2025-08-20", 1, "2025-05-20" },
	{ "standard: new period of care ignores earlier reviews",
	    SCHEDULE_STANDARD, "2025-09-01", false, NULL,
	    { "2024-01-10", "2024-07-10", "2025-01-10" },
	    SCHEDULE_FIRST, "2025-09-29", 0, NULL },
	{ "standard: new period of care, one review since",
	    SCHEDULE_STANDARD, "2025-09-01", false, NULL,
	    { "2024-07-10", "2025-01-10", "2025-09-20" },
	    SCHEDULE_SECOND, "2025-12-20", 1, "2025-09-20" },
	{ "standard: a review on the day care starts counts",
	    SCHEDULE_STANDARD, "2025-09-01", false, NULL, { "2025-09-01" },
	    SCHEDULE_SECOND, "2025-12-01", 1, "2025-09-01" },
	{ "standard: the same review recorded twice counts once",
	    SCHEDULE_STANDARD, "2025-04-07", false, NULL,
	    { "2025-05-06", "2025-05-06" },
	    SCHEDULE_SECOND, "2025-08-06", 1, "2025-05-06" },
	{ "standard: first due over Christmas and New Year",
	    SCHEDULE_STANDARD, "2021-12-06", false, NULL, { NULL },
	    SCHEDULE_FIRST, "2022-01-06", 0, NULL },
	{ "standard: care ended, nothing due",
	    SCHEDULE_STANDARD, "2025-04-07", true, NULL, { "2025-05-06" },
	    SCHEDULE_NONE, NULL, 1, "2025-05-06" },
	{ "standard: care ended before any review",
	    SCHEDULE_STANDARD, "2025-04-07", true, NULL, { NULL },
	    SCHEDULE_NONE, NULL, 0, NULL },
	/* short breaks (V3/V4) */
	{ "short breaks: first due 3 months from the start",
	    SCHEDULE_SHORT_BREAKS, "2025-08-31", false, NULL, { NULL },
	    SCHEDULE_FIRST, "2025-11-30", 0, NULL },
	{ "short breaks: then 6 months from the first",
	    SCHEDULE_SHORT_BREAKS, "2025-08-31", false, NULL,
	    { "2025-11-20" },
	    SCHEDULE_SECOND, "2026-05-20", 1, "2025-11-20" },
	{ "short breaks: then 6 months from the last",
	    SCHEDULE_SHORT_BREAKS, "2025-08-31", false, NULL,
	    { "2025-11-20", "2026-05-19" },
	    SCHEDULE_SUBSEQUENT, "2026-11-19", 2, "2026-05-19" },
	{ "short breaks: earlier period ignored",
	    SCHEDULE_SHORT_BREAKS, "2025-08-31", false, NULL,
	    { "2025-03-01" },
	    SCHEDULE_FIRST, "2025-11-30", 0, NULL },
	/* adoption, reg 36: authority to place */
	{ "adoption authority: granted after two reviews, due 3 months "
	    "after it, not 6 after the last",
	    SCHEDULE_ADOPTION_AUTHORITY, "2024-09-02", false, "2025-02-14",
	    { "2024-09-30", "2024-12-20" },
	    SCHEDULE_FIRST, "2025-05-14", 0, NULL },
	{ "adoption authority: none held, 3 months from the authority",
	    SCHEDULE_ADOPTION_AUTHORITY, "2025-01-31", false, "2025-01-31",
	    { NULL },
	    SCHEDULE_FIRST, "2025-04-30", 0, NULL },
	{ "adoption authority: granted 30 Nov, due 28 Feb (month end)",
	    SCHEDULE_ADOPTION_AUTHORITY, "2025-06-02", false, "2025-11-30",
	    { "2025-06-30" },
	    SCHEDULE_FIRST, "2026-02-28", 0, NULL },
	{ "adoption authority: one review since, then 6 months",
	    SCHEDULE_ADOPTION_AUTHORITY, "2024-09-02", false, "2025-02-14",
	    { "2024-09-30", "2024-12-20", "2025-04-22" },
	    SCHEDULE_SECOND, "2025-10-22", 1, "2025-04-22" },
	{ "adoption authority: a review on the day of the authority counts",
	    SCHEDULE_ADOPTION_AUTHORITY, "2024-09-02", false, "2025-02-14",
	    { "2024-12-20", "2025-02-14" },
	    SCHEDULE_SECOND, "2025-08-14", 1, "2025-02-14" },
	{ "adoption authority: two reviews since, 6 months from the last",
	    SCHEDULE_ADOPTION_AUTHORITY, "2024-09-02", false, "2025-02-14",
	    { "2025-04-22", "2024-09-30", "2025-10-01" },
	    SCHEDULE_SUBSEQUENT, "2026-04-01", 2, "2025-10-01" },
	{ "adoption authority: before care start, counted from care start",
	    SCHEDULE_ADOPTION_AUTHORITY, "2025-03-03", false, "2024-05-01",
	    { "2024-06-01" },
	    SCHEDULE_FIRST, "2025-06-03", 0, NULL },
	{ "adoption authority: date unknown, standard schedule",
	    SCHEDULE_ADOPTION_AUTHORITY, "2025-04-07", false, NULL,
	    { "2025-05-06" },
	    SCHEDULE_SECOND, "2025-08-06", 1, "2025-05-06" },
	{ "adoption authority: date unknown, none held, 20 working days",
	    SCHEDULE_ADOPTION_AUTHORITY, "2025-04-07", false, NULL, { NULL },
	    SCHEDULE_FIRST, "2025-05-08", 0, NULL },
	/* adoption, reg 36: placed for adoption */
	{ "adoption placed: none since, 28 days after placement",
	    SCHEDULE_ADOPTION_PLACED, "2024-06-03", false, "2025-03-10",
	    { "2024-06-25", "2024-09-20", "2025-03-01" },
	    SCHEDULE_FIRST, "2025-04-07", 0, NULL },
	{ "adoption placed: 28 days across a month end",
	    SCHEDULE_ADOPTION_PLACED, "2024-06-03", false, "2025-01-20",
	    { NULL },
	    SCHEDULE_FIRST, "2025-02-17", 0, NULL },
	{ "adoption placed: 28 days across 29 February",
	    SCHEDULE_ADOPTION_PLACED, "2023-06-05", false, "2024-02-10",
	    { "2023-07-01" },
	    SCHEDULE_FIRST, "2024-03-09", 0, NULL },
	{ "adoption placed: one since, then 3 months after that review",
	    SCHEDULE_ADOPTION_PLACED, "2024-06-03", false, "2025-03-10",
	    { "2024-09-20", "2025-04-01" },
	    SCHEDULE_SECOND, "2025-07-01", 1, "2025-04-01" },
	{ "adoption placed: two since, then 6 months",
	    SCHEDULE_ADOPTION_PLACED, "2024-06-03", false, "2025-03-10",
	    { "2024-09-20", "2025-04-01", "2025-07-01" },
	    SCHEDULE_SUBSEQUENT, "2026-01-01", 2, "2025-07-01" },
	{ "adoption placed: a review on the placement day counts",
	    SCHEDULE_ADOPTION_PLACED, "2024-06-03", false, "2025-03-10",
	    { "2025-03-10" },
	    SCHEDULE_SECOND, "2025-06-10", 1, "2025-03-10" },
	{ "adoption placed: date unknown, standard schedule",
	    SCHEDULE_ADOPTION_PLACED, "2024-06-03", false, NULL,
	    { "2024-06-25", "2024-09-20", "2025-03-01" },
	    SCHEDULE_SUBSEQUENT, "2025-09-01", 3, "2025-03-01" },
	{ "adoption placed: care ended",
	    SCHEDULE_ADOPTION_PLACED, "2024-06-03", true, "2025-03-10",
	    { NULL },
	    SCHEDULE_NONE, NULL, 0, NULL },
};

static void
run_due(void **state)
{
	const struct due_row *r = *state;
	struct schedule_input in = { 0 };
	struct schedule_due out;
	cal_day held[HELD_MAX];
	size_t n = 0;

	while (n < HELD_MAX && r->held[n] != NULL) {
		held[n] = D(r->held[n]);
		n++;
	}
	in.kind = r->kind;
	in.care_start = D(r->care_start);
	in.care_ended = r->ended;
	in.adoption_since = r->since != NULL ? D(r->since) :
	    SCHEDULE_NO_DATE;
	in.held = n > 0 ? held : NULL;
	in.nheld = n;
	assert_int_equal(schedule_next_review(shipped, &in, &out), 0);
	assert_int_equal(out.basis, r->basis);
	if (r->due != NULL)
		assert_day(out.due, r->due);
	else
		assert_int_equal(out.due, 0);
	assert_int_equal(out.held, r->nheld);
	if (r->last != NULL)
		assert_day(out.last_held, r->last);
	else
		assert_int_equal(out.last_held, -1);
}

/* The table decides: an admin holiday moves the first review. */
static void
test_due_follows_overrides(void **state)
{
	struct cal_holidays *h;
	struct schedule_input in = { 0 };
	struct schedule_due out;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	in.kind = SCHEDULE_STANDARD;
	in.care_start = D("2025-04-07");
	assert_int_equal(cal_holidays_set(h, D("2025-04-08"), false), 0);
	assert_int_equal(schedule_next_review(h, &in, &out), 0);
	assert_day(out.due, "2025-05-09");
	/* Cancelling Early May (5 May) brings it back a day. */
	assert_int_equal(cal_holidays_set(h, D("2025-05-05"), true), 0);
	assert_int_equal(schedule_next_review(h, &in, &out), 0);
	assert_day(out.due, "2025-05-08");
	cal_holidays_free(h);
}

static void
test_due_without_table(void **state)
{
	struct schedule_input in = { 0 };
	struct schedule_due out;

	(void)state;
	/* Only Christmas Day is skipped: Boxing Day and 1 Jan count. */
	in.kind = SCHEDULE_STANDARD;
	in.care_start = D("2025-12-15");
	assert_int_equal(schedule_next_review(NULL, &in, &out), 0);
	assert_day(out.due, "2026-01-13");
}

struct bad_row {
	const char *name;
	struct schedule_input in;
	bool null_held;             /* point held at NULL */
};

static const cal_day some_held[2] = { 19000, 19100 };

static const struct bad_row bad_rows[] = {
	{ "refused: care start out of range",
	    { SCHEDULE_STANDARD, CAL_DAY_MAX + 1, false, 0, NULL, 0 }, false },
	{ "refused: NULL held with nheld 1",
	    { SCHEDULE_STANDARD, 19000, false, 0, NULL, 1 }, true },
	{ "refused: unknown kind",
	    { (enum schedule_kind)99, 19000, false, 0, NULL, 0 }, false },
	{ "refused: placed date out of range",
	    { SCHEDULE_ADOPTION_PLACED, 19000, false, CAL_DAY_MIN - 1, NULL,
	    0 }, false },
	{ "refused: authority date out of range",
	    { SCHEDULE_ADOPTION_AUTHORITY, 19000, false, CAL_DAY_MAX + 1, NULL,
	    0 }, false },
	{ "refused: 28 days after placement past 2100",
	    { SCHEDULE_ADOPTION_PLACED, 19000, false, CAL_DAY_MAX - 3, NULL,
	    0 }, false },
	{ "refused: held date out of range",
	    { SCHEDULE_STANDARD, 19000, false, 0, NULL, 1 }, false },
	{ "refused: too many held",
	    { SCHEDULE_STANDARD, 19000, false, 0, some_held,
	    SCHEDULE_HELD_MAX + 1 }, false },
	{ "refused: first due past 2100",
	    { SCHEDULE_STANDARD, CAL_DAY_MAX - 3, false, 0, NULL, 0 }, false },
	{ "refused: next due past 2100",
	    { SCHEDULE_STANDARD, 19000, false, 0, some_held, 2 }, false },
};

static void
run_bad(void **state)
{
	const struct bad_row *r = *state;
	struct schedule_input in = r->in;
	struct schedule_due out = { SCHEDULE_FIRST, 5, 5, 5 };
	cal_day bad = CAL_DAY_MAX + 1, late[2] = { 19000, CAL_DAY_MAX - 30 };

	if (in.held == NULL && in.nheld == 1 && !r->null_held)
		in.held = &bad;
	/* some_held is too short for SCHEDULE_HELD_MAX + 1: it must be
	 * refused before it is read. */
	if (in.held == some_held && in.nheld == 2)
		in.held = late;
	assert_int_equal(schedule_next_review(shipped, &in, &out), IRO_EINVAL);
	assert_int_equal(out.basis, SCHEDULE_NONE);
	assert_int_equal(out.due, 0);
	assert_int_equal(out.held, 0);
	assert_int_equal(out.last_held, -1);
}

static void
test_null_arguments(void **state)
{
	struct schedule_input in = { 0 };
	struct schedule_due out;

	(void)state;
	in.care_start = 19000;
	assert_int_equal(schedule_next_review(shipped, NULL, &out),
	    IRO_EINVAL);
	assert_int_equal(out.basis, SCHEDULE_NONE);
	assert_int_equal(schedule_next_review(shipped, &in, NULL),
	    IRO_EINVAL);
}

/* ---- overdue ---- */

struct overdue_row {
	const char *name;
	enum schedule_basis basis;
	const char *due, *today;
	bool overdue;
};

static const struct overdue_row overdue_rows[] = {
	{ "overdue: the day before is not", SCHEDULE_SECOND, "2025-08-06",
	    "2025-08-05", false },
	{ "overdue: the due day itself is not", SCHEDULE_SECOND,
	    "2025-08-06", "2025-08-06", false },
	{ "overdue: the day after is", SCHEDULE_SECOND, "2025-08-06",
	    "2025-08-07", true },
	{ "overdue: a first review a year late", SCHEDULE_FIRST,
	    "2025-01-15", "2026-01-15", true },
	{ "overdue: never when nothing is due", SCHEDULE_NONE, "2025-08-06",
	    "2026-08-07", false },
};

static void
run_overdue(void **state)
{
	const struct overdue_row *r = *state;
	struct schedule_due d = { r->basis, D(r->due), -1, 0 };

	assert_int_equal(schedule_overdue(&d, D(r->today)), r->overdue);
}

static void
test_overdue_null(void **state)
{
	(void)state;
	assert_false(schedule_overdue(NULL, 19000));
}

/* A review held since the due date moves it, so it is no longer
 * overdue once recomputed. */
static void
test_overdue_cleared_by_review(void **state)
{
	struct schedule_input in = { 0 };
	struct schedule_due out;
	cal_day held[1];

	(void)state;
	in.kind = SCHEDULE_STANDARD;
	in.care_start = D("2025-04-07");
	assert_int_equal(schedule_next_review(shipped, &in, &out), 0);
	assert_true(schedule_overdue(&out, D("2025-05-20")));
	held[0] = D("2025-05-19");
	in.held = held;
	in.nheld = 1;
	assert_int_equal(schedule_next_review(shipped, &in, &out), 0);
	assert_false(schedule_overdue(&out, D("2025-05-20")));
}

/* ---- deadlines ---- */

struct deadline_row {
	const char *name, *from;
	int days, rc;
	const char *want;
};

static const struct deadline_row deadline_rows[] = {
	{ "deadline: 5 working days over Christmas", "2025-12-19", 5, 0,
	    "2025-12-30" },
	{ "deadline: 20 working days over Easter", "2025-04-07", 20, 0,
	    "2025-05-08" },
	{ "deadline: 5 working days over the 2022 jubilee", "2022-05-31", 5,
	    0, "2022-06-09" },
	{ "deadline: 0 days is the day itself", "2025-06-14", 0, 0,
	    "2025-06-14" },
	{ "deadline: negative refused", "2025-06-11", -1, IRO_EINVAL, NULL },
	{ "deadline: past the maximum refused", "2025-06-11",
	    CAL_WORKING_DAYS_MAX + 1, IRO_EINVAL, NULL },
	{ "deadline: past 2100 refused", "2100-12-30", 2, IRO_EINVAL, NULL },
};

static void
run_deadline(void **state)
{
	const struct deadline_row *r = *state;
	cal_day out = 99;

	assert_int_equal(schedule_deadline(shipped, D(r->from), r->days, &out),
	    r->rc);
	if (r->want != NULL)
		assert_day(out, r->want);
	else
		assert_int_equal(out, 0);
}

/* ---- running ---- */

static int
setup(void **state)
{
	(void)state;
	return cal_holidays_new(&shipped);
}

static int
teardown(void **state)
{
	(void)state;
	cal_holidays_free(shipped);
	return 0;
}

#define MAX_TESTS 256

#define ADD_ROWS(rows, fn) do { \
	size_t i_; \
	for (i_ = 0; i_ < NROWS(rows); i_++) { \
		if (n == MAX_TESTS) \
			abort(); \
		t[n].name = (rows)[i_].name; \
		t[n].test_func = (fn); \
		t[n].initial_state = (void *)&(rows)[i_]; \
		n++; \
	} \
} while (0)

#define ADD_TEST(fn) do { \
	if (n == MAX_TESTS) \
		abort(); \
	t[n].name = #fn; \
	t[n].test_func = (fn); \
	n++; \
} while (0)

int
main(void)
{
	struct CMUnitTest *t = calloc(MAX_TESTS, sizeof(*t));
	size_t n = 0;
	int rc;

	if (t == NULL)
		return 1;
	ADD_ROWS(due_rows, run_due);
	ADD_TEST(test_due_follows_overrides);
	ADD_TEST(test_due_without_table);
	ADD_ROWS(bad_rows, run_bad);
	ADD_TEST(test_null_arguments);
	ADD_ROWS(overdue_rows, run_overdue);
	ADD_TEST(test_overdue_null);
	ADD_TEST(test_overdue_cleared_by_review);
	ADD_ROWS(deadline_rows, run_deadline);
	rc = _cmocka_run_group_tests("schedule", t, n, setup, teardown);
	free(t);
	return rc;
}
