/*
 * holidays_table.h - the England & Wales bank holidays shipped with IRO
 * Sync, generated from data/bank-holidays.json by scripts/gen-holidays.sh
 * into holidays_table.c.  Internal to calendar.c (and its tests).
 */
#ifndef HOLIDAYS_TABLE_H
#define HOLIDAYS_TABLE_H

#include <stddef.h>

#include "calendar.h"

struct holidays_table_entry {
	cal_day day;
	const char *title;          /* UTF-8 */
};

/* Sorted by day, strictly ascending. */
extern const struct holidays_table_entry holidays_table[];
extern const size_t holidays_table_len;

#endif
