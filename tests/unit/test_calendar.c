/*
 * test_calendar.c - civil dates, months, working days, the shipped
 * bank-holiday table and the bank-holidays.json scanner.
 *
 * Most cases are rows of tables; every row runs as its own test case so
 * that each can fail on its own and names what it checks.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "calendar.h"
#include "holidays_table.h"
#include "iro_error.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

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

/* ---- y-m-d and day numbers ---- */

struct ymd_row {
	const char *name;
	int y, m, d, rc;
	cal_day day;
};

static const struct ymd_row ymd_rows[] = {
	{ "ymd: 1970-01-01 is day 0", 1970, 1, 1, 0, 0 },
	{ "ymd: 2018-01-01 is day 17532", 2018, 1, 1, 0, 17532 },
	{ "ymd: 1900-01-01 is CAL_DAY_MIN", 1900, 1, 1, 0, CAL_DAY_MIN },
	{ "ymd: 2100-12-31 is CAL_DAY_MAX", 2100, 12, 31, 0, CAL_DAY_MAX },
	{ "ymd: 1969-12-31 is day -1", 1969, 12, 31, 0, -1 },
	{ "ymd: 2000-02-29 exists (2000 is leap)", 2000, 2, 29, 0, 11016 },
	{ "ymd: 2024-02-29 exists", 2024, 2, 29, 0, 19782 },
	{ "ymd: 2100-02-29 does not (2100 not leap)", 2100, 2, 29,
	    IRO_EINVAL, 0 },
	{ "ymd: 1900-02-29 does not", 1900, 2, 29, IRO_EINVAL, 0 },
	{ "ymd: 2023-02-29 does not", 2023, 2, 29, IRO_EINVAL, 0 },
	{ "ymd: 30 February", 2024, 2, 30, IRO_EINVAL, 0 },
	{ "ymd: 31 April", 2024, 4, 31, IRO_EINVAL, 0 },
	{ "ymd: month 13", 2023, 13, 1, IRO_EINVAL, 0 },
	{ "ymd: month 0", 2023, 0, 1, IRO_EINVAL, 0 },
	{ "ymd: day 0", 2023, 1, 0, IRO_EINVAL, 0 },
	{ "ymd: year 1899", 1899, 12, 31, IRO_EINVAL, 0 },
	{ "ymd: year 2101", 2101, 1, 1, IRO_EINVAL, 0 },
};

static void
run_ymd(void **state)
{
	const struct ymd_row *r = *state;
	cal_day day = 12345;
	int y, m, d;

	assert_int_equal(cal_from_ymd(r->y, r->m, r->d, &day), r->rc);
	assert_int_equal(day, r->day);
	if (r->rc == 0) {
		cal_to_ymd(day, &y, &m, &d);
		assert_int_equal(y, r->y);
		assert_int_equal(m, r->m);
		assert_int_equal(d, r->d);
	}
}

static void
test_ymd_round_trip_every_day(void **state)
{
	cal_day day, back;
	int y, m, d, prev_d = 31;

	(void)state;
	for (day = CAL_DAY_MIN; day <= CAL_DAY_MAX; day++) {
		cal_to_ymd(day, &y, &m, &d);
		assert_int_equal(cal_from_ymd(y, m, d, &back), 0);
		assert_int_equal(back, day);
		/* Consecutive days: the day of the month steps by one or
		 * starts again at 1. */
		assert_true(d == prev_d + 1 || d == 1);
		prev_d = d;
	}
}

/* ---- parsing and formatting ---- */

struct parse_row {
	const char *name;
	bool uk;
	const char *in;
	int rc;
	const char *want;           /* ISO form of the result */
};

static const struct parse_row parse_rows[] = {
	{ "parse: ISO date", false, "2024-02-29", 0, "2024-02-29" },
	{ "parse: ISO first day", false, "1900-01-01", 0, "1900-01-01" },
	{ "parse: ISO last day", false, "2100-12-31", 0, "2100-12-31" },
	{ "parse: ISO 29 Feb of a common year", false, "2023-02-29",
	    IRO_EINVAL, NULL },
	{ "parse: ISO 30 Feb", false, "2024-02-30", IRO_EINVAL, NULL },
	{ "parse: ISO month 13", false, "2023-13-01", IRO_EINVAL, NULL },
	{ "parse: ISO one-digit month and day", false, "2024-1-2",
	    IRO_EINVAL, NULL },
	{ "parse: ISO trailing space", false, "2024-01-02 ", IRO_EINVAL,
	    NULL },
	{ "parse: ISO no dashes", false, "20240102", IRO_EINVAL, NULL },
	{ "parse: ISO slashes", false, "2024/01/02", IRO_EINVAL, NULL },
	{ "parse: ISO empty", false, "", IRO_EINVAL, NULL },
	{ "parse: ISO year 1899", false, "1899-12-31", IRO_EINVAL, NULL },
	{ "parse: ISO with time", false, "2024-01-02T10:00", IRO_EINVAL,
	    NULL },
	{ "parse: UK one-digit day and month", true, "1/2/2024", 0,
	    "2024-02-01" },
	{ "parse: UK two digits", true, "01/02/2024", 0, "2024-02-01" },
	{ "parse: UK 29 Feb 2000", true, "29/02/2000", 0, "2000-02-29" },
	{ "parse: UK 31/12/2100", true, "31/12/2100", 0, "2100-12-31" },
	{ "parse: UK 30 Feb", true, "30/02/2024", IRO_EINVAL, NULL },
	{ "parse: UK 29 Feb 2100", true, "29/02/2100", IRO_EINVAL, NULL },
	{ "parse: UK month 13", true, "1/13/2024", IRO_EINVAL, NULL },
	{ "parse: UK two-digit year", true, "1/2/24", IRO_EINVAL, NULL },
	{ "parse: UK three-digit day", true, "001/2/2024", IRO_EINVAL, NULL },
	{ "parse: UK five-digit year", true, "1/2/02024", IRO_EINVAL, NULL },
	{ "parse: UK dashes", true, "1-2-2024", IRO_EINVAL, NULL },
	{ "parse: UK trailing junk", true, "1/2/2024x", IRO_EINVAL, NULL },
	{ "parse: UK leading space", true, " 1/2/2024", IRO_EINVAL, NULL },
	{ "parse: UK no day", true, "/2/2024", IRO_EINVAL, NULL },
	{ "parse: UK ISO form", true, "2024-02-01", IRO_EINVAL, NULL },
	{ "parse: UK empty", true, "", IRO_EINVAL, NULL },
	{ "parse: UK year 1899", true, "31/12/1899", IRO_EINVAL, NULL },
};

static void
run_parse(void **state)
{
	const struct parse_row *r = *state;
	cal_day day = 777;
	int rc;

	rc = r->uk ? cal_parse_uk(r->in, &day) : cal_parse(r->in, &day);
	assert_int_equal(rc, r->rc);
	if (r->want != NULL)
		assert_day(day, r->want);
	else
		assert_int_equal(day, 0);
}

static void
test_parse_null(void **state)
{
	cal_day day = 5;

	(void)state;
	assert_int_equal(cal_parse(NULL, &day), IRO_EINVAL);
	assert_int_equal(day, 0);
	day = 5;
	assert_int_equal(cal_parse_uk(NULL, &day), IRO_EINVAL);
	assert_int_equal(day, 0);
}

struct format_row {
	const char *name;
	cal_day day;
	const char *iso, *uk;
};

static const struct format_row format_rows[] = {
	{ "format: day 0", 0, "1970-01-01", "01/01/1970" },
	{ "format: 2024-02-29", 19782, "2024-02-29", "29/02/2024" },
	{ "format: first day", CAL_DAY_MIN, "1900-01-01", "01/01/1900" },
	{ "format: last day", CAL_DAY_MAX, "2100-12-31", "31/12/2100" },
	{ "format: before range", CAL_DAY_MIN - 1, "0000-00-00",
	    "00/00/0000" },
	{ "format: after range", CAL_DAY_MAX + 1, "0000-00-00",
	    "00/00/0000" },
	{ "format: INT32_MIN", INT32_MIN, "0000-00-00", "00/00/0000" },
};

static void
run_format(void **state)
{
	const struct format_row *r = *state;
	char buf[11];

	cal_format(r->day, buf);
	assert_string_equal(buf, r->iso);
	cal_format_uk(r->day, buf);
	assert_string_equal(buf, r->uk);
}

static void
test_format_parse_round_trip(void **state)
{
	char iso[11], uk[11];
	cal_day day, back;

	(void)state;
	for (day = CAL_DAY_MIN; day <= CAL_DAY_MAX; day += 13) {
		cal_format(day, iso);
		cal_format_uk(day, uk);
		assert_int_equal(cal_parse(iso, &back), 0);
		assert_int_equal(back, day);
		assert_int_equal(cal_parse_uk(uk, &back), 0);
		assert_int_equal(back, day);
	}
}

/* ---- weekdays ---- */

struct weekday_row {
	const char *name, *date;
	int weekday;
};

static const struct weekday_row weekday_rows[] = {
	{ "weekday: 1970-01-01 Thursday", "1970-01-01", 3 },
	{ "weekday: 1969-12-29 Monday", "1969-12-29", 0 },
	{ "weekday: 1900-01-01 Monday", "1900-01-01", 0 },
	{ "weekday: 2000-01-01 Saturday", "2000-01-01", 5 },
	{ "weekday: 2024-02-29 Thursday", "2024-02-29", 3 },
	{ "weekday: 2021-12-25 Saturday", "2021-12-25", 5 },
	{ "weekday: 2022-12-25 Sunday", "2022-12-25", 6 },
	{ "weekday: 2022-06-03 Friday", "2022-06-03", 4 },
	{ "weekday: 2100-12-31 Friday", "2100-12-31", 4 },
};

static void
run_weekday(void **state)
{
	const struct weekday_row *r = *state;

	assert_int_equal(cal_weekday(D(r->date)), r->weekday);
}

static void
test_weekday_extremes(void **state)
{
	(void)state;
	/* Day numbers far outside the range still give a weekday. */
	assert_in_range(cal_weekday(INT32_MIN), 0, 6);
	assert_in_range(cal_weekday(INT32_MAX), 0, 6);
	assert_int_equal((cal_weekday(INT32_MIN) + 1) % 7,
	    cal_weekday(INT32_MIN + 1));
}

/* ---- calendar months ---- */

struct months_row {
	const char *name, *from;
	int n, rc;
	const char *want;
};

static const struct months_row months_rows[] = {
	{ "months: 31 Aug + 3 = 30 Nov", "2025-08-31", 3, 0, "2025-11-30" },
	{ "months: 31 Aug 2025 + 6 = 28 Feb 2026", "2025-08-31", 6, 0,
	    "2026-02-28" },
	{ "months: 31 Aug 2023 + 6 = 29 Feb 2024", "2023-08-31", 6, 0,
	    "2024-02-29" },
	{ "months: 1 Jan + 6 = 1 Jul, not 183 days (3 Jul)", "2025-01-01",
	    6, 0, "2025-07-01" },
	{ "months: 29 Feb + 12 = 28 Feb", "2024-02-29", 12, 0,
	    "2025-02-28" },
	{ "months: 29 Feb + 48 = 29 Feb (leap to leap)", "2024-02-29", 48, 0,
	    "2028-02-29" },
	{ "months: 29 Feb 2096 + 48 = 28 Feb 2100 (not leap)", "2096-02-29",
	    48, 0, "2100-02-28" },
	{ "months: 29 Feb 1996 + 48 = 29 Feb 2000 (leap)", "1996-02-29", 48,
	    0, "2000-02-29" },
	{ "months: 31 Jan 2024 + 1 = 29 Feb", "2024-01-31", 1, 0,
	    "2024-02-29" },
	{ "months: 31 Jan 2023 + 1 = 28 Feb", "2023-01-31", 1, 0,
	    "2023-02-28" },
	{ "months: 31 Oct + 1 = 30 Nov", "2025-10-31", 1, 0, "2025-11-30" },
	{ "months: 30 Nov + 3 = 28 Feb", "2025-11-30", 3, 0, "2026-02-28" },
	{ "months: 15 Nov + 3 crosses the year", "2025-11-15", 3, 0,
	    "2026-02-15" },
	{ "months: 31 Dec + 12", "2025-12-31", 12, 0, "2026-12-31" },
	{ "months: + 0", "2025-08-31", 0, 0, "2025-08-31" },
	{ "months: 31 Mar - 1 = 29 Feb", "2024-03-31", -1, 0, "2024-02-29" },
	{ "months: 31 Aug - 6 = 28 Feb", "2025-08-31", -6, 0, "2025-02-28" },
	{ "months: 15 Jan - 1 crosses the year", "2025-01-15", -1, 0,
	    "2024-12-15" },
	{ "months: past 2100", "2100-12-15", 1, IRO_EINVAL, NULL },
	{ "months: before 1900", "1900-01-15", -1, IRO_EINVAL, NULL },
	{ "months: INT_MAX", "2025-01-01", INT_MAX, IRO_EINVAL, NULL },
	{ "months: INT_MIN", "2025-01-01", INT_MIN, IRO_EINVAL, NULL },
};

static void
run_months(void **state)
{
	const struct months_row *r = *state;
	cal_day out = 99;

	assert_int_equal(cal_add_months(D(r->from), r->n, &out), r->rc);
	if (r->want != NULL)
		assert_day(out, r->want);
	else
		assert_int_equal(out, 0);
}

static void
test_months_day_out_of_range(void **state)
{
	cal_day out = 99;

	(void)state;
	assert_int_equal(cal_add_months(CAL_DAY_MAX + 1, -1, &out),
	    IRO_EINVAL);
	assert_int_equal(out, 0);
}

/* ---- Easter ---- */

struct easter_row {
	const char *name;
	int year;
	const char *sunday;
};

static const struct easter_row easter_rows[] = {
	{ "easter: 1900", 1900, "1900-04-15" },
	{ "easter: 2000", 2000, "2000-04-23" },
	{ "easter: 2008 (early)", 2008, "2008-03-23" },
	{ "easter: 2011", 2011, "2011-04-24" },
	{ "easter: 2019", 2019, "2019-04-21" },
	{ "easter: 2024", 2024, "2024-03-31" },
	{ "easter: 2025", 2025, "2025-04-20" },
	{ "easter: 2038 (latest possible)", 2038, "2038-04-25" },
	{ "easter: 2100", 2100, "2100-03-28" },
};

static void
run_easter(void **state)
{
	const struct easter_row *r = *state;

	assert_day(cal_easter(r->year), r->sunday);
}

/* ---- working days ---- */

struct working_row {
	const char *name, *date;
	bool working;
};

static const struct working_row working_rows[] = {
	{ "working: an ordinary Monday", "2025-06-09", true },
	{ "working: a Saturday", "2024-03-02", false },
	{ "working: a Sunday", "2024-03-03", false },
	{ "working: Christmas 2021 on Saturday", "2021-12-25", false },
	{ "working: 27 Dec 2021 substitute Christmas", "2021-12-27", false },
	{ "working: 28 Dec 2021 substitute Boxing Day", "2021-12-28", false },
	{ "working: 29 Dec 2021", "2021-12-29", true },
	{ "working: Christmas 2022 on Sunday", "2022-12-25", false },
	{ "working: Boxing Day 2022 (Monday)", "2022-12-26", false },
	{ "working: 27 Dec 2022 substitute Christmas", "2022-12-27", false },
	{ "working: 28 Dec 2022", "2022-12-28", true },
	{ "working: New Year 2022 substitute (3 Jan)", "2022-01-03", false },
	{ "working: Good Friday 2019", "2019-04-19", false },
	{ "working: Easter Monday 2019", "2019-04-22", false },
	{ "working: Good Friday 2024", "2024-03-29", false },
	{ "working: Easter Monday 2024", "2024-04-01", false },
	{ "working: Good Friday 2025", "2025-04-18", false },
	{ "working: Easter Monday 2025", "2025-04-21", false },
	{ "working: Tuesday after Easter 2025", "2025-04-22", true },
	{ "working: Platinum Jubilee 2022-06-03", "2022-06-03", false },
	{ "working: Spring bank holiday moved to 2022-06-02", "2022-06-02",
	    false },
	{ "working: last Monday of May 2022 (not a holiday)", "2022-05-30",
	    true },
	{ "working: Queen's funeral 2022-09-19", "2022-09-19", false },
	{ "working: Coronation 2023-05-08", "2023-05-08", false },
	{ "working: Early May 2023 still on 1 May", "2023-05-01", false },
	{ "working: VE day 2020-05-08 (Early May moved)", "2020-05-08",
	    false },
	{ "working: first Monday of May 2020 (moved away)", "2020-05-04",
	    true },
	{ "working: Summer bank holiday 2030", "2030-08-26", false },
	{ "working: Christmas 2035 past the table", "2035-12-25", false },
	{ "working: Good Friday 2040 past the table", "2040-03-30", false },
	{ "working: Good Friday 1990 before the table", "1990-04-13", false },
};

static struct cal_holidays *shipped;    /* the shipped table, for rows */

static void
run_working(void **state)
{
	const struct working_row *r = *state;

	assert_int_equal(cal_is_working(shipped, D(r->date)), r->working);
}

static void
test_working_without_table(void **state)
{
	(void)state;
	/* Christmas Day and Good Friday hold without any table; the other
	 * bank holidays come from the table only. */
	assert_false(cal_is_working(NULL, D("2025-12-25")));
	assert_false(cal_is_working(NULL, D("2025-04-18")));
	assert_true(cal_is_working(NULL, D("2025-04-21")));
	assert_true(cal_is_working(NULL, D("2025-12-26")));
	assert_false(cal_is_working(NULL, D("2025-12-27")));
}

static void
test_working_far_outside_range(void **state)
{
	(void)state;
	assert_int_equal(cal_is_working(shipped, INT32_MAX),
	    cal_weekday(INT32_MAX) < 5);
	assert_int_equal(cal_is_working(shipped, INT32_MIN),
	    cal_weekday(INT32_MIN) < 5);
}

struct add_row {
	const char *name, *from;
	int n, rc;
	const char *want;
};

static const struct add_row add_rows[] = {
	{ "add: care from 15 Dec 2025 + 20 = 15 Jan 2026", "2025-12-15", 20,
	    0, "2026-01-15" },
	{ "add: care from 7 Apr 2025 + 20 = 8 May 2025", "2025-04-07", 20, 0,
	    "2025-05-08" },
	{ "add: Friday + 1 = Monday", "2025-06-13", 1, 0, "2025-06-16" },
	{ "add: Saturday + 1 = Monday", "2025-06-14", 1, 0, "2025-06-16" },
	{ "add: + 0 is the day itself, even a Sunday", "2025-06-15", 0, 0,
	    "2025-06-15" },
	{ "add: Christmas Eve 2021 + 1 = 29 Dec", "2021-12-24", 1, 0,
	    "2021-12-29" },
	{ "add: 23 Dec 2022 + 1 = 28 Dec", "2022-12-23", 1, 0,
	    "2022-12-28" },
	{ "add: Thursday before Easter 2024 + 1 = Tuesday", "2024-03-28", 1,
	    0, "2024-04-02" },
	{ "add: 1 Jun 2022 + 1 = 6 Jun (two holidays)", "2022-06-01", 1, 0,
	    "2022-06-06" },
	{ "add: 16 Sep 2022 + 1 = 20 Sep", "2022-09-16", 1, 0,
	    "2022-09-20" },
	{ "add: 5 May 2023 + 1 = 9 May", "2023-05-05", 1, 0, "2023-05-09" },
	{ "add: 7 May 2020 + 1 = 11 May", "2020-05-07", 1, 0, "2020-05-11" },
	{ "add: 29 Dec 2021 - 1 = 24 Dec", "2021-12-29", -1, 0,
	    "2021-12-24" },
	{ "add: 15 Jan 2026 - 20 = 15 Dec 2025", "2026-01-15", -20, 0,
	    "2025-12-15" },
	{ "add: n at the maximum", "2000-01-03", CAL_WORKING_DAYS_MAX, 0,
	    NULL },
	{ "add: n past the maximum", "2000-01-03", CAL_WORKING_DAYS_MAX + 1,
	    IRO_EINVAL, NULL },
	{ "add: n past the negative maximum", "2060-01-03",
	    -CAL_WORKING_DAYS_MAX - 1, IRO_EINVAL, NULL },
	{ "add: result past 2100", "2100-12-29", 5, IRO_EINVAL, NULL },
	{ "add: result before 1900", "1900-01-02", -5, IRO_EINVAL, NULL },
};

static void
run_add(void **state)
{
	const struct add_row *r = *state;
	cal_day out = 99;

	assert_int_equal(cal_add_working_days(shipped, D(r->from), r->n,
	    &out), r->rc);
	if (r->want != NULL)
		assert_day(out, r->want);
	else if (r->rc != 0)
		assert_int_equal(out, 0);
	else
		assert_int_equal(cal_working_days_between(shipped, D(r->from),
		    out), r->n);
}

static void
test_add_day_out_of_range(void **state)
{
	cal_day out = 99;

	(void)state;
	assert_int_equal(cal_add_working_days(shipped, CAL_DAY_MAX + 1, 0,
	    &out), IRO_EINVAL);
	assert_int_equal(out, 0);
}

struct between_row {
	const char *name, *from, *to;
	int want;
};

static const struct between_row between_rows[] = {
	{ "between: same day", "2025-06-11", "2025-06-11", 0 },
	{ "between: same weekend day", "2025-06-14", "2025-06-14", 0 },
	{ "between: Friday to Monday", "2025-06-13", "2025-06-16", 1 },
	{ "between: Monday to Friday", "2025-06-09", "2025-06-13", 4 },
	{ "between: Friday back to Monday is negative", "2025-06-13",
	    "2025-06-09", -4 },
	{ "between: Saturday to Sunday", "2025-06-14", "2025-06-15", 0 },
	{ "between: Christmas Eve to 29 Dec 2021", "2021-12-24",
	    "2021-12-29", 1 },
	{ "between: 15 Dec 2025 to 15 Jan 2026", "2025-12-15", "2026-01-15",
	    20 },
	{ "between: 15 Jan 2026 back to 15 Dec 2025", "2026-01-15",
	    "2025-12-15", -20 },
	{ "between: a whole ordinary week", "2025-06-08", "2025-06-15", 5 },
};

static void
run_between(void **state)
{
	const struct between_row *r = *state;

	assert_int_equal(cal_working_days_between(shipped, D(r->from),
	    D(r->to)), r->want);
}

static void
test_between_inverts_add(void **state)
{
	cal_day from, to;
	int n;

	(void)state;
	for (from = D("2021-11-01"); from < D("2023-02-01"); from += 3)
		for (n = 0; n <= 40; n += 7) {
			assert_int_equal(cal_add_working_days(shipped, from, n,
			    &to), 0);
			assert_int_equal(cal_working_days_between(shipped, from,
			    to), n);
			assert_int_equal(cal_working_days_between(shipped, to,
			    from), -n);
			assert_true(n == 0 || cal_is_working(shipped, to));
		}
}

static void
test_between_clamps_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(cal_working_days_between(shipped, INT32_MIN,
	    INT32_MAX), cal_working_days_between(shipped, CAL_DAY_MIN,
	    CAL_DAY_MAX));
	assert_int_equal(cal_working_days_between(shipped, INT32_MAX,
	    INT32_MAX), 0);
}

/* ---- admin overrides ---- */

static void
test_override_adds_a_holiday(void **state)
{
	struct cal_holidays *h;
	cal_day out;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	assert_true(cal_is_working(h, D("2025-04-08")));
	assert_int_equal(cal_holidays_set(h, D("2025-04-08"), false), 0);
	assert_false(cal_is_working(h, D("2025-04-08")));
	assert_int_equal(cal_add_working_days(h, D("2025-04-07"), 20, &out),
	    0);
	assert_day(out, "2025-05-09");
	cal_holidays_free(h);
}

static void
test_override_cancels_a_holiday(void **state)
{
	struct cal_holidays *h;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	assert_false(cal_is_working(h, D("2025-05-05")));
	assert_int_equal(cal_holidays_set(h, D("2025-05-05"), true), 0);
	assert_true(cal_is_working(h, D("2025-05-05")));
	cal_holidays_unset(h, D("2025-05-05"));
	assert_false(cal_is_working(h, D("2025-05-05")));
	cal_holidays_free(h);
}

static void
test_override_never_christmas_good_friday_weekend(void **state)
{
	struct cal_holidays *h;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	assert_int_equal(cal_holidays_set(h, D("2025-12-25"), true), 0);
	assert_int_equal(cal_holidays_set(h, D("2025-04-18"), true), 0);
	assert_int_equal(cal_holidays_set(h, D("2025-06-14"), true), 0);
	assert_false(cal_is_working(h, D("2025-12-25")));
	assert_false(cal_is_working(h, D("2025-04-18")));
	assert_false(cal_is_working(h, D("2025-06-14")));
	cal_holidays_free(h);
}

static void
test_override_last_setting_wins(void **state)
{
	struct cal_holidays *h;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	assert_int_equal(cal_holidays_set(h, D("2025-06-11"), false), 0);
	assert_int_equal(cal_holidays_set(h, D("2025-06-11"), true), 0);
	assert_true(cal_is_working(h, D("2025-06-11")));
	assert_int_equal(cal_holidays_set(h, D("2025-06-11"), false), 0);
	assert_false(cal_is_working(h, D("2025-06-11")));
	cal_holidays_free(h);
}

static void
test_override_refuses_bad_day(void **state)
{
	struct cal_holidays *h;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	assert_int_equal(cal_holidays_set(h, CAL_DAY_MAX + 1, false),
	    IRO_EINVAL);
	assert_int_equal(cal_holidays_set(NULL, 0, false), IRO_EINVAL);
	cal_holidays_unset(NULL, 0);
	cal_holidays_unset(h, D("2025-06-11"));    /* none: no-op */
	cal_holidays_free(h);
	cal_holidays_free(NULL);
}

static void
test_override_many_in_any_order(void **state)
{
	struct cal_holidays *h;
	cal_day base = D("2031-01-01"), d;
	int i;

	(void)state;
	assert_int_equal(cal_holidays_new_empty(&h), 0);
	/* 7919 is prime, so i * 7919 mod 997 visits every offset once. */
	for (i = 0; i < 997; i++)
		assert_int_equal(cal_holidays_set(h, base + (i * 7919) % 997,
		    (i * 7919) % 997 % 2 == 0), 0);
	/* Weekends, Christmas Day and Good Friday stay non-working; every
	 * other day is as last set. */
	for (d = base; d < base + 997; d++)
		if (cal_is_working(NULL, d))
			assert_int_equal(cal_is_working(h, d),
			    (d - base) % 2 == 0);
		else
			assert_false(cal_is_working(h, d));
	/* Unset the working days; the holidays (odd offsets) stay. */
	for (i = 0; i < 997; i += 2)
		cal_holidays_unset(h, base + i);
	for (d = base; d < base + 997; d++)
		assert_int_equal(cal_is_working(h, d),
		    (d - base) % 2 == 0 && cal_is_working(NULL, d));
	for (i = 995; i >= 1; i -= 2)
		cal_holidays_unset(h, base + i);
	for (d = base; d < base + 997; d++)
		assert_int_equal(cal_is_working(h, d), cal_is_working(NULL, d));
	cal_holidays_free(h);
}

static void
test_override_limit(void **state)
{
	struct cal_holidays *h;
	int i;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	for (i = 0; i < CAL_HOLIDAYS_MAX; i++)
		assert_int_equal(cal_holidays_set(h, i, false), 0);
	assert_int_equal(cal_holidays_set(h, CAL_HOLIDAYS_MAX, false),
	    IRO_ETOOBIG);
	assert_true(cal_weekday(CAL_HOLIDAYS_MAX) >= 5 ||
	    cal_is_working(h, CAL_HOLIDAYS_MAX));
	/* Changing a day already overridden needs no room. */
	assert_int_equal(cal_holidays_set(h, 5, true), 0);
	cal_holidays_free(h);
}

static void
test_empty_set_has_no_table(void **state)
{
	struct cal_holidays *h;

	(void)state;
	assert_int_equal(cal_holidays_new_empty(&h), 0);
	assert_true(cal_is_working(h, D("2025-05-05")));
	assert_false(cal_is_working(h, D("2025-12-25")));
	assert_false(cal_is_working(h, D("2025-04-18")));
	cal_holidays_free(h);
}

/* ---- the shipped table ---- */

static void
test_table_sorted_and_in_range(void **state)
{
	size_t i;

	(void)state;
	assert_true(holidays_table_len >= 8 * 13);
	for (i = 0; i < holidays_table_len; i++) {
		assert_true(cal_valid(holidays_table[i].day));
		assert_true(cal_weekday(holidays_table[i].day) < 5);
		assert_non_null(holidays_table[i].title);
		if (i > 0)
			assert_true(holidays_table[i - 1].day <
			    holidays_table[i].day);
	}
	assert_day(holidays_table[0].day, "2018-01-01");
	assert_day(holidays_table[holidays_table_len - 1].day, "2030-12-26");
}

static void
test_table_easter_agrees_with_computus(void **state)
{
	size_t i, good = 0, monday = 0;
	int y, m, d;

	(void)state;
	for (i = 0; i < holidays_table_len; i++) {
		cal_to_ymd(holidays_table[i].day, &y, &m, &d);
		if (strcmp(holidays_table[i].title, "Good Friday") == 0) {
			assert_int_equal(holidays_table[i].day,
			    cal_easter(y) - 2);
			good++;
		} else if (strcmp(holidays_table[i].title,
		    "Easter Monday") == 0) {
			assert_int_equal(holidays_table[i].day,
			    cal_easter(y) + 1);
			monday++;
		}
	}
	assert_int_equal(good, 13);
	assert_int_equal(monday, 13);
}

static void
test_bank_holiday_title(void **state)
{
	(void)state;
	assert_string_equal(cal_bank_holiday_title(D("2022-09-19")),
	    "Bank Holiday for the State Funeral of Queen Elizabeth II");
	assert_string_equal(cal_bank_holiday_title(D("2025-01-01")),
	    "New Year\xe2\x80\x99s Day");
	assert_null(cal_bank_holiday_title(D("2025-01-02")));
}

/* ---- bank-holidays.json ---- */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

struct collected {
	size_t n;
	cal_day day[512];
	char title[512][CAL_TITLE_MAX + 1];
	int stop_at;                /* return IRO_EIO on this call, if > 0 */
};

static int
collect(void *ctx, cal_day day, const char *title)
{
	struct collected *c = ctx;

	if (c->stop_at > 0 && (int)c->n + 1 == c->stop_at)
		return IRO_EIO;
	assert_true(c->n < 512);
	c->day[c->n] = day;
	snprintf(c->title[c->n], sizeof(c->title[c->n]), "%s", title);
	c->n++;
	return 0;
}

static void
test_json_data_file_equals_table(void **state)
{
	static struct collected c;
	size_t len, i, j;
	char *json = slurp("data/bank-holidays.json", &len), why[128];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(cal_holidays_parse_json(json, len, collect, &c, why,
	    sizeof(why)), 0);
	assert_int_equal(c.n, holidays_table_len);
	/* Every event is in the table under its title, and vice versa (the
	 * counts match and the table has no duplicates). */
	for (i = 0; i < c.n; i++) {
		for (j = 0; j < holidays_table_len; j++)
			if (holidays_table[j].day == c.day[i])
				break;
		assert_true(j < holidays_table_len);
		assert_string_equal(holidays_table[j].title, c.title[i]);
	}
	free(json);
}

static void
test_json_load_equals_shipped(void **state)
{
	struct cal_holidays *h;
	size_t len;
	char *json = slurp("data/bank-holidays.json", &len), why[128];
	cal_day d;

	(void)state;
	assert_int_equal(cal_holidays_new_empty(&h), 0);
	assert_int_equal(cal_holidays_load_json(h, json, len, why,
	    sizeof(why)), 0);
	for (d = D("2017-01-01"); d <= D("2031-12-31"); d++)
		assert_int_equal(cal_is_working(h, d),
		    cal_is_working(shipped, d));
	cal_holidays_free(h);
	free(json);
}

static void
test_json_every_prefix_refused(void **state)
{
	size_t len, n;
	char *json = slurp("data/bank-holidays.json", &len), why[128], *cut;

	(void)state;
	for (n = 0; n < len; n++) {
		/* A fresh allocation of exactly n bytes, so that ASan sees
		 * any read past the end. */
		cut = malloc(n + 1);
		assert_non_null(cut);
		memcpy(cut, json, n);
		if (cal_holidays_parse_json(n > 0 ? cut : NULL, n, NULL, NULL,
		    why, sizeof(why)) == 0) {
			/* Only trailing white space may be cut. */
			assert_true(strspn(json + n, " \t\r\n") == len - n);
		}
		free(cut);
	}
	free(json);
}

static void
test_json_mutations_never_crash(void **state)
{
	size_t len, i;
	char *json = slurp("data/bank-holidays.json", &len), why[128];
	char *m = malloc(len);
	uint32_t seed = 12345;
	int k, rc;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < 3000; i++) {
		memcpy(m, json, len);
		for (k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % len] = (char)(seed >> 24);
		}
		rc = cal_holidays_parse_json(m, len, NULL, NULL, why,
		    sizeof(why));
		assert_true(rc == 0 || rc == IRO_EINVAL);
		if (rc != 0)
			assert_true(strncmp(why, "line ", 5) == 0);
	}
	free(m);
	free(json);
}

struct json_row {
	const char *name, *json;
	int rc;
	const char *why;            /* expected in the reason */
	size_t events;              /* on success */
};

static const struct json_row json_rows[] = {
	{ "json: empty", "", IRO_EINVAL, "not a JSON object", 0 },
	{ "json: an array", "[]", IRO_EINVAL, "not a JSON object", 0 },
	{ "json: no division", "{}", IRO_EINVAL, "no \"england-and-wales\"",
	    0 },
	{ "json: other divisions only",
	    "{\"scotland\":{\"events\":[{\"date\":\"2025-01-02\"}]}}",
	    IRO_EINVAL, "no \"england-and-wales\"", 0 },
	{ "json: no events", "{\"england-and-wales\":{}}", IRO_EINVAL,
	    "has no \"events\"", 0 },
	{ "json: events not an array",
	    "{\"england-and-wales\":{\"events\":{}}}", IRO_EINVAL,
	    "not an array", 0 },
	{ "json: division not an object", "{\"england-and-wales\":[]}",
	    IRO_EINVAL, "not an object", 0 },
	{ "json: event not an object",
	    "{\"england-and-wales\":{\"events\":[1]}}", IRO_EINVAL,
	    "an event is not an object", 0 },
	{ "json: event without a date",
	    "{\"england-and-wales\":{\"events\":[{\"title\":\"x\"}]}}",
	    IRO_EINVAL, "no \"date\"", 0 },
	{ "json: 29 Feb of a common year",
	    "{\"england-and-wales\":{\"events\":[{\"date\":\"2023-02-29\"}]}}",
	    IRO_EINVAL, "bad date '2023-02-29'", 0 },
	{ "json: one-digit month",
	    "{\"england-and-wales\":{\"events\":[{\"date\":\"2023-2-01\"}]}}",
	    IRO_EINVAL, "bad date", 0 },
	{ "json: a long date string",
	    "{\"england-and-wales\":{\"events\":[{\"date\":"
	    "\"2023-02-01xxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]}}",
	    IRO_EINVAL, "bad date", 0 },
	{ "json: a date as a number",
	    "{\"england-and-wales\":{\"events\":[{\"date\":20230101}]}}",
	    IRO_EINVAL, "expected a string", 0 },
	{ "json: duplicate date",
	    "{\"england-and-wales\":{\"events\":[{\"date\":\"2023-01-02\","
	    "\"date\":\"2023-01-03\"}]}}", IRO_EINVAL, "duplicate", 0 },
	{ "json: duplicate division",
	    "{\"england-and-wales\":{\"events\":[]},"
	    "\"england-and-wales\":{\"events\":[]}}", IRO_EINVAL, "duplicate",
	    0 },
	{ "json: trailing comma in an array",
	    "{\"england-and-wales\":{\"events\":[{\"date\":\"2023-01-02\"},]}}",
	    IRO_EINVAL, "not an object", 0 },
	{ "json: trailing comma in an object",
	    "{\"england-and-wales\":{\"events\":[],}}", IRO_EINVAL,
	    "expected a string", 0 },
	{ "json: missing colon", "{\"england-and-wales\" {}}", IRO_EINVAL,
	    "expected ':'", 0 },
	{ "json: unterminated", "{\"england-and-wales\":{\"events\":[",
	    IRO_EINVAL, "", 0 },
	{ "json: unterminated string", "{\"england-and-wales", IRO_EINVAL,
	    "unterminated string", 0 },
	{ "json: data after the document",
	    "{\"england-and-wales\":{\"events\":[]}} {}", IRO_EINVAL,
	    "data after the document", 0 },
	{ "json: control character in a string",
	    "{\"a\":\"x\ty\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "control character", 0 },
	{ "json: invalid UTF-8",
	    "{\"a\":\"\xff\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "invalid UTF-8", 0 },
	{ "json: overlong UTF-8",
	    "{\"a\":\"\xc0\xaf\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "invalid UTF-8", 0 },
	{ "json: UTF-8 surrogate",
	    "{\"a\":\"\xed\xa0\x80\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "invalid UTF-8", 0 },
	{ "json: truncated UTF-8",
	    "{\"a\":\"\xe2\x80\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "invalid UTF-8", 0 },
	{ "json: lone surrogate escape",
	    "{\"a\":\"\\ud800\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "lone surrogate", 0 },
	{ "json: bad escape",
	    "{\"a\":\"\\x\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "bad escape", 0 },
	{ "json: bad \\u escape",
	    "{\"a\":\"\\u12g4\",\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "bad \\u escape", 0 },
	{ "json: leading zero",
	    "{\"a\":01,\"england-and-wales\":{\"events\":[]}}", IRO_EINVAL,
	    "", 0 },
	{ "json: bare minus",
	    "{\"a\":-,\"england-and-wales\":{\"events\":[]}}", IRO_EINVAL,
	    "bad number", 0 },
	{ "json: no fraction digits",
	    "{\"a\":1.,\"england-and-wales\":{\"events\":[]}}", IRO_EINVAL,
	    "bad number", 0 },
	{ "json: no exponent digits",
	    "{\"a\":1e,\"england-and-wales\":{\"events\":[]}}", IRO_EINVAL,
	    "bad number", 0 },
	{ "json: misspelt literal",
	    "{\"a\":tru,\"england-and-wales\":{\"events\":[]}}", IRO_EINVAL,
	    "expected a value", 0 },
	{ "json: single quotes", "{'england-and-wales':{}}", IRO_EINVAL,
	    "expected a string", 0 },
	{ "json: nested too deep",
	    "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]],\"england-and-wales\":{\"events\":[]}}",
	    IRO_EINVAL, "nested too deep", 0 },
	{ "json: title too long",
	    "{\"england-and-wales\":{\"events\":[{\"date\":\"2025-01-01\","
	    "\"title\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]}}",
	    IRO_EINVAL, "title longer than", 0 },
	{ "json: U+0000 in a title",
	    "{\"england-and-wales\":{\"events\":[{\"date\":\"2025-01-01\","
	    "\"title\":\"a\\u0000b\"}]}}", IRO_EINVAL, "U+0000", 0 },
	{ "json: error names its line",
	    "{\n\"england-and-wales\": {\n\"events\": [ x ]\n}\n}",
	    IRO_EINVAL, "line 3: ", 0 },
	{ "json: empty events list",
	    "{\"england-and-wales\":{\"events\":[]}}", 0, NULL, 0 },
	{ "json: other divisions and keys skipped",
	    "{\"scotland\":{\"division\":\"scotland\",\"events\":[{\"date\":"
	    "\"2025-01-02\"}]},\"england-and-wales\":{\"division\":\"e\","
	    "\"n\":[-1.5e+3,0,true,false,null,{\"k\":[]}],\"events\":["
	    "{\"title\":\"A\",\"date\":\"2025-01-01\",\"notes\":\"\","
	    "\"bunting\":true},{\"date\":\"2025-12-25\"}]},"
	    "\"northern-ireland\":{\"events\":[]}}", 0, NULL, 2 },
	{ "json: white space everywhere",
	    " \r\n\t{ \"england-and-wales\" : { \"events\" : [ { \"date\" : "
	    "\"2025-01-01\" } ] } } \n", 0, NULL, 1 },
	{ "json: byte order mark",
	    "\xef\xbb\xbf{\"england-and-wales\":{\"events\":[]}}", 0, NULL, 0 },
};

static void
run_json(void **state)
{
	const struct json_row *r = *state;
	static struct collected c;
	char why[256];
	int rc;

	memset(&c, 0, sizeof(c));
	memset(why, 'z', sizeof(why));
	rc = cal_holidays_parse_json(r->json, strlen(r->json), collect, &c,
	    why, sizeof(why));
	assert_int_equal(rc, r->rc);
	if (rc != 0) {
		assert_non_null(strstr(why, r->why));
		assert_true(strncmp(why, "line ", 5) == 0);
	} else {
		assert_string_equal(why, "");
		assert_int_equal(c.n, r->events);
	}
}

static void
test_json_title_escapes_decoded(void **state)
{
	static const char doc[] = "{\"england-and-wales\":{\"events\":["
	    "{\"date\":\"2025-01-01\",\"title\":\"New Year\\u2019s \\\"Day\\\" "
	    "\\ud83c\\udf89 \\/\\\\\"}]}}";
	static struct collected c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(cal_holidays_parse_json(doc, sizeof(doc) - 1,
	    collect, &c, NULL, 0), 0);
	assert_int_equal(c.n, 1);
	assert_day(c.day[0], "2025-01-01");
	assert_string_equal(c.title[0],
	    "New Year\xe2\x80\x99s \"Day\" \xf0\x9f\x8e\x89 /\\");
}

static void
test_json_nul_byte_refused(void **state)
{
	static const char doc[] = "{\"england-and-wales\":{\"events\":["
	    "{\"date\":\"2025-01\0001\"}]}}";
	char why[128];

	(void)state;
	assert_int_equal(cal_holidays_parse_json(doc, sizeof(doc) - 1, NULL,
	    NULL, why, sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "control character"));
}

static void
test_json_callback_stops_scan(void **state)
{
	static const char doc[] = "{\"england-and-wales\":{\"events\":["
	    "{\"date\":\"2025-01-01\"},{\"date\":\"2025-01-02\"},"
	    "{\"date\":\"2025-01-03\"}]}}";
	static struct collected c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(cal_holidays_parse_json(doc, sizeof(doc) - 1,
	    collect, &c, NULL, 0), IRO_EIO);
	assert_int_equal(c.n, 1);
}

static void
test_json_too_big(void **state)
{
	size_t len = CAL_JSON_MAX + 1;
	char *big = malloc(len), why[128];

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	assert_int_equal(cal_holidays_parse_json(big, len, NULL, NULL, why,
	    sizeof(why)), IRO_ETOOBIG);
	assert_non_null(strstr(why, "larger than"));
	free(big);
}

static void
test_json_load_is_all_or_nothing(void **state)
{
	static const char doc[] = "{\"england-and-wales\":{\"events\":["
	    "{\"date\":\"2025-06-11\"},{\"date\":\"2025-06-31\"}]}}";
	struct cal_holidays *h;
	char why[128];

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	assert_int_equal(cal_holidays_load_json(h, doc, sizeof(doc) - 1, why,
	    sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "bad date '2025-06-31'"));
	assert_true(cal_is_working(h, D("2025-06-11")));
	assert_int_equal(cal_holidays_load_json(NULL, doc, sizeof(doc) - 1,
	    why, sizeof(why)), IRO_EINVAL);
	cal_holidays_free(h);
}

static void
test_json_load_adds_days(void **state)
{
	static const char doc[] = "{\"england-and-wales\":{\"events\":["
	    "{\"title\":\"Extra\",\"date\":\"2031-06-11\"}]}}";
	struct cal_holidays *h;
	char why[128];

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	assert_true(cal_is_working(h, D("2031-06-11")));
	assert_int_equal(cal_holidays_load_json(h, doc, sizeof(doc) - 1, why,
	    sizeof(why)), 0);
	assert_false(cal_is_working(h, D("2031-06-11")));
	assert_false(cal_is_working(h, D("2025-05-05")));   /* still shipped */
	cal_holidays_free(h);
}

static void
test_json_load_over_the_limit(void **state)
{
	static const char doc[] = "{\"england-and-wales\":{\"events\":["
	    "{\"date\":\"2031-06-11\"},{\"date\":\"2031-06-12\"}]}}";
	struct cal_holidays *h;
	char why[128];
	int i;

	(void)state;
	assert_int_equal(cal_holidays_new(&h), 0);
	for (i = 0; i < CAL_HOLIDAYS_MAX - 1; i++)
		assert_int_equal(cal_holidays_set(h, i, false), 0);
	assert_int_equal(cal_holidays_load_json(h, doc, sizeof(doc) - 1, why,
	    sizeof(why)), IRO_ETOOBIG);
	assert_string_equal(why, "too many holidays");
	assert_true(cal_is_working(h, D("2031-06-11")));
	cal_holidays_free(h);
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

#define MAX_TESTS 512

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
	ADD_ROWS(ymd_rows, run_ymd);
	ADD_TEST(test_ymd_round_trip_every_day);
	ADD_ROWS(parse_rows, run_parse);
	ADD_TEST(test_parse_null);
	ADD_ROWS(format_rows, run_format);
	ADD_TEST(test_format_parse_round_trip);
	ADD_ROWS(weekday_rows, run_weekday);
	ADD_TEST(test_weekday_extremes);
	ADD_ROWS(months_rows, run_months);
	ADD_TEST(test_months_day_out_of_range);
	ADD_ROWS(easter_rows, run_easter);
	ADD_ROWS(working_rows, run_working);
	ADD_TEST(test_working_without_table);
	ADD_TEST(test_working_far_outside_range);
	ADD_ROWS(add_rows, run_add);
	ADD_TEST(test_add_day_out_of_range);
	ADD_ROWS(between_rows, run_between);
	ADD_TEST(test_between_inverts_add);
	ADD_TEST(test_between_clamps_out_of_range);
	ADD_TEST(test_override_adds_a_holiday);
	ADD_TEST(test_override_cancels_a_holiday);
	ADD_TEST(test_override_never_christmas_good_friday_weekend);
	ADD_TEST(test_override_last_setting_wins);
	ADD_TEST(test_override_refuses_bad_day);
	ADD_TEST(test_override_many_in_any_order);
	ADD_TEST(test_override_limit);
	ADD_TEST(test_empty_set_has_no_table);
	ADD_TEST(test_table_sorted_and_in_range);
	ADD_TEST(test_table_easter_agrees_with_computus);
	ADD_TEST(test_bank_holiday_title);
	ADD_TEST(test_json_data_file_equals_table);
	ADD_TEST(test_json_load_equals_shipped);
	ADD_TEST(test_json_every_prefix_refused);
	ADD_TEST(test_json_mutations_never_crash);
	ADD_ROWS(json_rows, run_json);
	ADD_TEST(test_json_title_escapes_decoded);
	ADD_TEST(test_json_nul_byte_refused);
	ADD_TEST(test_json_callback_stops_scan);
	ADD_TEST(test_json_too_big);
	ADD_TEST(test_json_load_is_all_or_nothing);
	ADD_TEST(test_json_load_adds_days);
	ADD_TEST(test_json_load_over_the_limit);
	rc = _cmocka_run_group_tests("calendar", t, n, setup, teardown);
	free(t);
	return rc;
}
