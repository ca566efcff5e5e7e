/*
 * holidays.h - the bank-holiday table the server keeps: server-authored
 * `holiday` records (date, title, working) that every device receives
 * by sync, on top of the England & Wales table shipped with IRO Sync
 * (common/calendar.h).  working = no adds a non-working day; yes cancels
 * a shipped one (an admin override).
 *
 * Serialise use of the store handle.
 */
#ifndef HOLIDAYS_H
#define HOLIDAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "store.h"

#define HOLIDAYS_AUTHOR "holidays"      /* author of the changes */

struct holidays_summary {
	size_t events;                  /* England & Wales events read */
	size_t added;                   /* holiday records written */
	size_t present;                 /* already shipped or recorded */
	size_t changes;                 /* changes logged */
};

/*
 * holidays_import - read a GOV.UK bank-holidays.json document
 * json[0..len) and, in one transaction, write a holiday record (date,
 * title, working no) for each England & Wales event that is neither in
 * the shipped table nor already a holiday record (an admin's override of
 * a day is never undone by an import).  Returns 0; IRO_EINVAL or
 * IRO_ETOOBIG (not a valid document; nothing written) with a reason in
 * why; or a store error.
 */
int holidays_import(struct store *st, uint64_t now_ms, const char *json,
    size_t len, struct holidays_summary *out, char *why, size_t whylen);

/*
 * holidays_set - record day as a holiday (working false; title, if not
 * NULL, replaces the record's title) or cancel it as a working day
 * (working true: only a day that is a shipped or recorded holiday, and
 * never a weekend, Christmas Day or Good Friday, which are never working
 * days), in one transaction.  *changed says whether anything was
 * written.  Returns 0; IRO_EINVAL with a reason in why; or a store error.
 */
int holidays_set(struct store *st, uint64_t now_ms, cal_day day,
    bool working, const char *title, bool *changed, char *why,
    size_t whylen);

/*
 * holidays_import_tx, holidays_set_tx - holidays_import's and
 * holidays_set's writes inside the caller's transaction, which they
 * neither begin nor end (on failure the caller rolls back), so that other
 * writes - the audit entry of the change - commit with them.  Return as
 * holidays_import and holidays_set do.
 */
int holidays_import_tx(struct store *st, uint64_t now_ms, const char *json,
    size_t len, struct holidays_summary *out, char *why, size_t whylen);
int holidays_set_tx(struct store *st, uint64_t now_ms, cal_day day,
    bool working, const char *title, bool *changed, char *why,
    size_t whylen);

enum holidays_source {
	HOLIDAYS_SHIPPED = 0,           /* the table shipped with IRO Sync */
	HOLIDAYS_SERVER                 /* a holiday record */
};

struct holidays_entry {
	cal_day day;
	char title[CAL_TITLE_MAX + 1];  /* "" when unknown */
	bool working;                   /* true: a cancelled holiday */
	enum holidays_source source;
};

/*
 * holidays_list - the holidays from `from` to `to` (inclusive), by date:
 * every weekday the shipped table (with Christmas Day and Good Friday)
 * makes a holiday and every holiday record, a record taking the place
 * of the shipped day.  *out is malloc'd (NULL when *n is 0); caller
 * frees.  Returns 0, IRO_EINVAL (from after to, or out of range) or a
 * store error.
 */
int holidays_list(struct store *st, cal_day from, cal_day to,
    struct holidays_entry **out, size_t *n);

#endif
