/*
 * date.h - calendar dates as the protocol writes them: "YYYY-MM-DD".
 */
#ifndef DATE_H
#define DATE_H

#include <stddef.h>

/* The years a date may name: wide enough for any child's or visit's date,
 * narrow enough to catch a mistyped century. */
#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 2100

/*
 * date_parse - whether s[0..len) is exactly "YYYY-MM-DD" naming a real
 * day (leap years included) with DATE_YEAR_MIN <= YYYY <= DATE_YEAR_MAX.
 * On success the parts are stored in the out-params that are non-NULL.
 * Returns 0 or IRO_EINVAL (out-params then 0).  Pure; thread-safe.
 */
int date_parse(const char *s, size_t len, int *year, int *month, int *day);

/* date_days_in_month - 28..31, or 0 if month is not 1..12. */
int date_days_in_month(int year, int month);

#endif
