/*
 * holidays_json.h - reading GOV.UK bank-holidays.json without a JSON
 * library.  Internal to calendar.c, whose cal_holidays_parse_json() is
 * the documented entry point: this is that function.
 */
#ifndef HOLIDAYS_JSON_H
#define HOLIDAYS_JSON_H

#include <stddef.h>

#include "calendar.h"

/* holidays_json_scan - see cal_holidays_parse_json() in calendar.h. */
int holidays_json_scan(const char *json, size_t len, cal_event_fn fn,
    void *ctx, char *why, size_t whylen);

#endif
