/*
 * date.c - calendar dates "YYYY-MM-DD".
 */
#include <stdbool.h>

#include "date.h"
#include "iro_error.h"

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
date_days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap(year))
		return 29;
	return days[month - 1];
}

static bool
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int
date_parse(const char *s, size_t len, int *year, int *month, int *day)
{
	int y, m, d;

	if (year != NULL)
		*year = 0;
	if (month != NULL)
		*month = 0;
	if (day != NULL)
		*day = 0;
	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
		return IRO_EINVAL;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
	    !digits(s + 8, 2, &d))
		return IRO_EINVAL;
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX ||
	    d < 1 || d > date_days_in_month(y, m))
		return IRO_EINVAL;
	if (year != NULL)
		*year = y;
	if (month != NULL)
		*month = m;
	if (day != NULL)
		*day = d;
	return 0;
}
