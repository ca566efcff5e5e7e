/*
 * calendar.h - civil dates, calendar-month arithmetic and England & Wales
 * working days.
 *
 * A date is a day number (days since 1970-01-01, proleptic Gregorian), so
 * comparing and subtracting dates is integer arithmetic.  Bank holidays
 * are data: the table shipped with IRO Sync (data/bank-holidays.json,
 * compiled in) plus overrides the server sends as `holiday` records.
 * Christmas Day and Good Friday are never working days, whatever the
 * table says.  Pure functions, no globals; thread-safe.
 */
#ifndef CALENDAR_H
#define CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t cal_day;            /* days since 1970-01-01 */

#define CAL_MIN_YEAR 1900
#define CAL_MAX_YEAR 2100

/* cal_from_ymd - the day number of y-m-d.  Returns 0, or IRO_EINVAL if it
 * is not a real date between CAL_MIN_YEAR and CAL_MAX_YEAR. */
int cal_from_ymd(int y, int m, int d, cal_day *out);
/* cal_to_ymd - the inverse.  Cannot fail for days in range. */
void cal_to_ymd(cal_day day, int *y, int *m, int *d);
/* cal_parse - "YYYY-MM-DD" (exactly) to a day.  IRO_EINVAL otherwise. */
int cal_parse(const char *s, cal_day *out);
/* cal_parse_uk - "dd/mm/yyyy" (SSDA903 CSVs; 1-digit day and month
 * allowed) to a day.  IRO_EINVAL otherwise. */
int cal_parse_uk(const char *s, cal_day *out);
/* cal_format - "YYYY-MM-DD" into out[11]. */
void cal_format(cal_day day, char out[11]);
/* cal_format_uk - "dd/mm/yyyy" into out[11]. */
void cal_format_uk(cal_day day, char out[11]);
/* cal_weekday - 0 = Monday ... 6 = Sunday. */
int cal_weekday(cal_day day);

/*
 * cal_add_months - the corresponding date n calendar months later (n may
 * be negative), clipped to the end of the month: 31 Aug + 3 = 30 Nov.
 * Returns 0 or IRO_EINVAL if the result is out of range.
 */
int cal_add_months(cal_day day, int n, cal_day *out);

/* The set of non-working days beyond weekends.  Owned by its creator. */
struct cal_holidays;

/*
 * cal_holidays_new - a set holding the shipped England & Wales table.
 * Caller frees with cal_holidays_free().  Returns 0 or IRO_ENOMEM.
 */
int cal_holidays_new(struct cal_holidays **out);
void cal_holidays_free(struct cal_holidays *h);   /* NULL is a no-op */

/*
 * cal_holidays_set - override one day: working = false adds a holiday,
 * true cancels a shipped one (an admin override).  Returns 0 or
 * IRO_ENOMEM/IRO_EINVAL.
 */
int cal_holidays_set(struct cal_holidays *h, cal_day day, bool working);

/*
 * cal_holidays_load_json - add every England & Wales event of a GOV.UK
 * bank-holidays.json document (the "england-and-wales" division's
 * "events" array of {"title","date"}) as non-working days.
 * Returns 0, or IRO_EINVAL with a reason in why.  (Parsing is done
 * without a JSON library: the format is fixed and small.)
 */
int cal_holidays_load_json(struct cal_holidays *h, const char *json,
    size_t len, char *why, size_t whylen);

/* cal_is_working - Monday to Friday and not a holiday (nor Christmas Day
 * nor Good Friday). */
bool cal_is_working(const struct cal_holidays *h, cal_day day);

/*
 * cal_add_working_days - the n-th working day after day (n >= 1; the day
 * itself is not counted).  n = 0 gives day.  Returns 0 or IRO_EINVAL.
 */
int cal_add_working_days(const struct cal_holidays *h, cal_day day, int n,
    cal_day *out);

/*
 * cal_working_days_between - signed count of working days from `from` to
 * `to`: the number of working days d with from < d <= to, negated when
 * to < from.  Same day: 0.
 */
int cal_working_days_between(const struct cal_holidays *h, cal_day from,
    cal_day to);

/* cal_easter - Easter Sunday of year y (Gregorian computus). */
cal_day cal_easter(int y);

#endif
