/*
 * calendar.h - civil dates, calendar-month arithmetic and England & Wales
 * working days.
 *
 * A date is a day number (days since 1970-01-01, proleptic Gregorian), so
 * comparing and subtracting dates is integer arithmetic.  Bank holidays
 * are data: the table shipped with IRO Sync (data/bank-holidays.json,
 * compiled in as common/holidays_table.c by scripts/gen-holidays.sh) plus
 * overrides the server sends as `holiday` records.  Christmas Day and
 * Good Friday are never working days, whatever the table says.
 *
 * Pure functions, no globals.  A struct cal_holidays may be read from
 * several threads at once; changing it needs the caller's exclusion.
 */
#ifndef CALENDAR_H
#define CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t cal_day;            /* days since 1970-01-01 */

#define CAL_MIN_YEAR 1900
#define CAL_MAX_YEAR 2100
#define CAL_DAY_MIN (-25567)        /* 1900-01-01 */
#define CAL_DAY_MAX 47846           /* 2100-12-31 */

/* Hard limits: working days in one step, overrides in one set, the size
 * of a bank-holidays.json document, the bytes of a holiday's title. */
#define CAL_WORKING_DAYS_MAX 10000
#define CAL_HOLIDAYS_MAX 8192
#define CAL_JSON_MAX (1u << 20)
#define CAL_TITLE_MAX 100

/* cal_valid - whether day lies in CAL_DAY_MIN..CAL_DAY_MAX. */
bool cal_valid(cal_day day);

/* cal_from_ymd - the day number of y-m-d.  Returns 0, or IRO_EINVAL if it
 * is not a real date between CAL_MIN_YEAR and CAL_MAX_YEAR (*out then 0). */
int cal_from_ymd(int y, int m, int d, cal_day *out);
/* cal_to_ymd - the inverse.  Cannot fail for days in range (days outside
 * it give the proleptic Gregorian date all the same). */
void cal_to_ymd(cal_day day, int *y, int *m, int *d);
/* cal_parse - NUL-terminated "YYYY-MM-DD" (exactly: two-digit month and
 * day) to a day.  IRO_EINVAL otherwise (NULL s too; *out then 0). */
int cal_parse(const char *s, cal_day *out);
/* cal_parse_uk - NUL-terminated "dd/mm/yyyy" (SSDA903 CSVs; 1-digit day
 * and month allowed, the year exactly 4 digits, no spaces) to a day.
 * IRO_EINVAL otherwise (*out then 0). */
int cal_parse_uk(const char *s, cal_day *out);
/* cal_format - "YYYY-MM-DD" into out[11], NUL-terminated.  A day outside
 * CAL_DAY_MIN..CAL_DAY_MAX is written "0000-00-00". */
void cal_format(cal_day day, char out[11]);
/* cal_format_uk - "dd/mm/yyyy" (always two-digit day and month) into
 * out[11]; "00/00/0000" for a day out of range. */
void cal_format_uk(cal_day day, char out[11]);
/* cal_weekday - 0 = Monday ... 6 = Sunday.  Any day number. */
int cal_weekday(cal_day day);

/*
 * cal_add_months - the corresponding date n calendar months later (n may
 * be negative), clipped to the end of the month: 31 Aug + 3 = 30 Nov.
 * Returns 0, or IRO_EINVAL if day or the result is out of range (*out
 * then 0).
 */
int cal_add_months(cal_day day, int n, cal_day *out);

/* cal_easter - Easter Sunday of year y (Gregorian computus), for y in
 * CAL_MIN_YEAR..CAL_MAX_YEAR (other positive years computed the same). */
cal_day cal_easter(int y);

/* cal_bank_holiday_title - the title of day in the shipped England &
 * Wales table ("Boxing Day"), or NULL when it is not in it.  Static
 * storage, UTF-8. */
const char *cal_bank_holiday_title(cal_day day);

/* The set of non-working days beyond weekends.  Owned by its creator. */
struct cal_holidays;

/*
 * cal_holidays_new - a set holding the shipped England & Wales table and
 * no overrides.  Caller frees with cal_holidays_free().  Returns 0 or
 * IRO_ENOMEM (*out then NULL).
 */
int cal_holidays_new(struct cal_holidays **out);
/*
 * cal_holidays_new_empty - a set without the shipped table: only
 * weekends, Christmas Day, Good Friday and the overrides later added are
 * non-working (to load a whole table from a file instead).  Caller frees.
 * Returns 0 or IRO_ENOMEM (*out then NULL).
 */
int cal_holidays_new_empty(struct cal_holidays **out);
void cal_holidays_free(struct cal_holidays *h);   /* NULL is a no-op */

/*
 * cal_holidays_set - override one day: working = false adds a holiday,
 * true cancels a shipped one (an admin override).  The last setting of a
 * day wins.  Overrides cannot make a Saturday, Sunday, Christmas Day or
 * Good Friday a working day.  Returns 0, IRO_EINVAL (NULL h, day out of
 * range), IRO_ETOOBIG (more than CAL_HOLIDAYS_MAX overrides) or
 * IRO_ENOMEM; the set is unchanged on failure.
 */
int cal_holidays_set(struct cal_holidays *h, cal_day day, bool working);
/* cal_holidays_unset - drop day's override (back to the shipped table).
 * No-op when it has none, or h is NULL. */
void cal_holidays_unset(struct cal_holidays *h, cal_day day);

/*
 * cal_holidays_parse_json - check a GOV.UK bank-holidays.json document
 * json[0..len) and call fn(ctx, day, title) for each event of the
 * "england-and-wales" division's "events" array, in file order (title
 * UTF-8, NUL-terminated, "" when absent, borrowed for the call only).
 * Other divisions and keys are checked as JSON and ignored.  The whole
 * document must be strict JSON (RFC 8259), at most CAL_JSON_MAX bytes,
 * every event an object with a "date" of "YYYY-MM-DD" in range and an
 * optional "title" of at most CAL_TITLE_MAX bytes.
 * Returns 0; IRO_EINVAL or IRO_ETOOBIG with a reason in why ("line 7:
 * expected ':' after an object key"); or the first nonzero value fn
 * returned, which stops the scan.  fn may be NULL to only check.
 * Never reads outside json[0..len); json need not be NUL-terminated.
 */
typedef int (*cal_event_fn)(void *ctx, cal_day day, const char *title);
int cal_holidays_parse_json(const char *json, size_t len, cal_event_fn fn,
    void *ctx, char *why, size_t whylen);

/*
 * cal_holidays_load_json - add every England & Wales event of a GOV.UK
 * bank-holidays.json document (see cal_holidays_parse_json) to h as a
 * non-working day (an override).  All or nothing: returns 0, or
 * IRO_EINVAL / IRO_ETOOBIG / IRO_ENOMEM with a reason in why and h
 * unchanged.  (Parsing is done without a JSON library: the format is
 * fixed and small.)
 */
int cal_holidays_load_json(struct cal_holidays *h, const char *json,
    size_t len, char *why, size_t whylen);

/* cal_is_working - Monday to Friday and not a holiday (nor Christmas Day
 * nor Good Friday).  h NULL means no bank-holiday table at all. */
bool cal_is_working(const struct cal_holidays *h, cal_day day);

/*
 * cal_add_working_days - the n-th working day after day (the day itself
 * is not counted); n = 0 gives day; n < 0 gives the |n|-th working day
 * before day.  Returns 0, or IRO_EINVAL (day or result out of range,
 * |n| > CAL_WORKING_DAYS_MAX; *out then 0).
 */
int cal_add_working_days(const struct cal_holidays *h, cal_day day, int n,
    cal_day *out);

/*
 * cal_working_days_between - signed count of working days from `from` to
 * `to`: the number of working days d with from < d <= to, negated (and
 * counting to < d <= from) when to < from.  Same day: 0.  Days outside
 * CAL_DAY_MIN..CAL_DAY_MAX are first clamped to that range.  Cost is one
 * step per calendar day between the two.
 */
int cal_working_days_between(const struct cal_holidays *h, cal_day from,
    cal_day to);

#endif
