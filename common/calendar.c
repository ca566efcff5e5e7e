/*
 * calendar.c - civil dates, months and England & Wales working days.
 *
 * Day numbers use Howard Hinnant's days_from_civil / civil_from_days,
 * computed in 64 bits so that no int32 day number can overflow them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "date.h"
#include "holidays_json.h"
#include "holidays_table.h"
#include "iro_error.h"

struct cal_override {
	cal_day day;
	bool working;
};

struct cal_holidays {
	bool shipped;                /* the compiled-in table applies */
	struct cal_override *ov;     /* sorted by day, unique */
	size_t n, cap;
};

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool
cal_valid(cal_day day)
{
	return day >= CAL_DAY_MIN && day <= CAL_DAY_MAX;
}

int
cal_from_ymd(int y, int m, int d, cal_day *out)
{
	*out = 0;
	if (y < CAL_MIN_YEAR || y > CAL_MAX_YEAR || d < 1 ||
	    d > date_days_in_month(y, m))
		return IRO_EINVAL;
	*out = (cal_day)days_from_civil(y, m, d);
	return 0;
}

void
cal_to_ymd(cal_day day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468, era, doe, yoe, doy, mp, mm;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int
cal_parse(const char *s, cal_day *out)
{
	int y, m, d;

	*out = 0;
	/* strnlen: a date is 10 bytes, so there is no need to read further. */
	if (s == NULL || date_parse(s, strnlen(s, 11), &y, &m, &d) != 0)
		return IRO_EINVAL;
	return cal_from_ymd(y, m, d, out);
}

/* One to max digits at *s, advancing it. */
static bool
uk_number(const char **s, int max, int *out)
{
	int n = 0, v = 0;

	while (**s >= '0' && **s <= '9') {
		if (++n > max)
			return false;
		v = v * 10 + (**s - '0');
		(*s)++;
	}
	*out = v;
	return n > 0;
}

int
cal_parse_uk(const char *s, cal_day *out)
{
	const char *p = s, *year;
	int y, m, d;

	*out = 0;
	if (s == NULL || !uk_number(&p, 2, &d) || *p++ != '/' ||
	    !uk_number(&p, 2, &m) || *p++ != '/')
		return IRO_EINVAL;
	year = p;
	if (!uk_number(&p, 4, &y) || p - year != 4 || *p != '\0')
		return IRO_EINVAL;
	return cal_from_ymd(y, m, d, out);
}

/* Writes v as exactly n digits, most significant first. */
static void
put_digits(char *out, int v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
cal_format(cal_day day, char out[11])
{
	int y = 0, m = 0, d = 0;

	if (cal_valid(day))
		cal_to_ymd(day, &y, &m, &d);
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
}

void
cal_format_uk(cal_day day, char out[11])
{
	int y = 0, m = 0, d = 0;

	if (cal_valid(day))
		cal_to_ymd(day, &y, &m, &d);
	put_digits(out, d, 2);
	out[2] = '/';
	put_digits(out + 3, m, 2);
	out[5] = '/';
	put_digits(out + 6, y, 4);
	out[10] = '\0';
}

int
cal_weekday(cal_day day)
{
	/* 1970-01-01 was a Thursday (3). */
	return (int)((((int64_t)day % 7) + 7 + 3) % 7);
}

int
cal_add_months(cal_day day, int n, cal_day *out)
{
	int y, m, d, dim;
	int64_t months;

	*out = 0;
	if (!cal_valid(day))
		return IRO_EINVAL;
	cal_to_ymd(day, &y, &m, &d);
	months = (int64_t)y * 12 + (m - 1) + n;
	if (months < (int64_t)CAL_MIN_YEAR * 12 ||
	    months > (int64_t)CAL_MAX_YEAR * 12 + 11)
		return IRO_EINVAL;
	y = (int)(months / 12);
	m = (int)(months % 12) + 1;
	dim = date_days_in_month(y, m);
	return cal_from_ymd(y, m, d < dim ? d : dim, out);
}

cal_day
cal_easter(int y)
{
	/* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return (cal_day)days_from_civil(y, month, day);
}

static const struct holidays_table_entry *
table_find(cal_day day)
{
	size_t lo = 0, hi = holidays_table_len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (holidays_table[mid].day == day)
			return &holidays_table[mid];
		if (holidays_table[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
cal_bank_holiday_title(cal_day day)
{
	const struct holidays_table_entry *e = table_find(day);

	return e != NULL ? e->title : NULL;
}

static int
holidays_create(bool shipped, struct cal_holidays **out)
{
	struct cal_holidays *h;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return IRO_ENOMEM;
	h->shipped = shipped;
	*out = h;
	return 0;
}

int
cal_holidays_new(struct cal_holidays **out)
{
	return holidays_create(true, out);
}

int
cal_holidays_new_empty(struct cal_holidays **out)
{
	return holidays_create(false, out);
}

void
cal_holidays_free(struct cal_holidays *h)
{
	if (h == NULL)
		return;
	free(h->ov);
	free(h);
}

/* The index of day's override, or where it would be inserted. */
static size_t
override_index(const struct cal_holidays *h, cal_day day, bool *found)
{
	size_t lo = 0, hi = h->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->ov[mid].day == day) {
			*found = true;
			return mid;
		}
		if (h->ov[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Room for `more` further overrides, so that adding them cannot fail. */
static int
override_reserve(struct cal_holidays *h, size_t more)
{
	size_t want, cap;
	struct cal_override *ov;

	if (more > CAL_HOLIDAYS_MAX || h->n > CAL_HOLIDAYS_MAX - more)
		return IRO_ETOOBIG;
	want = h->n + more;
	if (want <= h->cap)
		return 0;
	cap = h->cap < 16 ? 16 : h->cap;
	while (cap < want)
		cap *= 2;
	if (cap > CAL_HOLIDAYS_MAX)
		cap = CAL_HOLIDAYS_MAX;
	ov = realloc(h->ov, cap * sizeof(*ov));
	if (ov == NULL)
		return IRO_ENOMEM;
	h->ov = ov;
	h->cap = cap;
	return 0;
}

int
cal_holidays_set(struct cal_holidays *h, cal_day day, bool working)
{
	size_t i;
	bool found;
	int rc;

	if (h == NULL || !cal_valid(day))
		return IRO_EINVAL;
	i = override_index(h, day, &found);
	if (!found) {
		if ((rc = override_reserve(h, 1)) != 0)
			return rc;
		memmove(&h->ov[i + 1], &h->ov[i], (h->n - i) * sizeof(*h->ov));
		h->n++;
		h->ov[i].day = day;
	}
	h->ov[i].working = working;
	return 0;
}

void
cal_holidays_unset(struct cal_holidays *h, cal_day day)
{
	size_t i;
	bool found;

	if (h == NULL)
		return;
	i = override_index(h, day, &found);
	if (!found)
		return;
	memmove(&h->ov[i], &h->ov[i + 1], (h->n - i - 1) * sizeof(*h->ov));
	h->n--;
}

bool
cal_is_working(const struct cal_holidays *h, cal_day day)
{
	int y, m, d;
	bool found;
	size_t i;

	if (cal_weekday(day) >= 5)
		return false;
	if (!cal_valid(day))
		return true;      /* no table reaches there */
	cal_to_ymd(day, &y, &m, &d);
	if ((m == 12 && d == 25) || day == cal_easter(y) - 2)
		return false;
	if (h == NULL)
		return true;
	i = override_index(h, day, &found);
	if (found)
		return h->ov[i].working;
	return !(h->shipped && table_find(day) != NULL);
}

int
cal_add_working_days(const struct cal_holidays *h, cal_day day, int n,
    cal_day *out)
{
	int step = n < 0 ? -1 : 1, left = n < 0 ? -n : n;

	*out = 0;
	if (!cal_valid(day) || n < -CAL_WORKING_DAYS_MAX ||
	    n > CAL_WORKING_DAYS_MAX)
		return IRO_EINVAL;
	while (left > 0) {
		day += step;
		if (!cal_valid(day))
			return IRO_EINVAL;
		if (cal_is_working(h, day))
			left--;
	}
	*out = day;
	return 0;
}

static cal_day
clamp(cal_day day)
{
	if (day < CAL_DAY_MIN)
		return CAL_DAY_MIN;
	return day > CAL_DAY_MAX ? CAL_DAY_MAX : day;
}

int
cal_working_days_between(const struct cal_holidays *h, cal_day from,
    cal_day to)
{
	cal_day lo, hi, d;
	int count = 0;

	from = clamp(from);
	to = clamp(to);
	lo = from < to ? from : to;
	hi = from < to ? to : from;
	for (d = lo + 1; d <= hi; d++)
		if (cal_is_working(h, d))
			count++;
	return to < from ? -count : count;
}

int
cal_holidays_parse_json(const char *json, size_t len, cal_event_fn fn,
    void *ctx, char *why, size_t whylen)
{
	return holidays_json_scan(json, len, fn, ctx, why, whylen);
}

static int
load_add(void *ctx, cal_day day, const char *title)
{
	(void)title;
	return cal_holidays_set(ctx, day, false);
}

static int
load_count(void *ctx, cal_day day, const char *title)
{
	(void)day;
	(void)title;
	(*(size_t *)ctx)++;
	return 0;
}

int
cal_holidays_load_json(struct cal_holidays *h, const char *json,
    size_t len, char *why, size_t whylen)
{
	size_t n = 0;
	int rc;

	if (h == NULL)
		return IRO_EINVAL;
	/* Check it all first, then make room, so that adding cannot fail
	 * half-way and h is left as it was on any error. */
	rc = cal_holidays_parse_json(json, len, load_count, &n, why, whylen);
	if (rc != 0)
		return rc;
	if ((rc = override_reserve(h, n)) != 0) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "%s", rc == IRO_ETOOBIG ?
			    "too many holidays" : "out of memory");
		return rc;
	}
	return cal_holidays_parse_json(json, len, load_add, h, why, whylen);
}
