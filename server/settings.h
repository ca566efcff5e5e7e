/*
 * settings.h - the council's settings: server-authored `setting` records
 * (name, value) that every device receives by sync (docs/casework.md).
 *
 * Names are the schema's list: `council` (the server's own council code,
 * [A-Za-z0-9]{1,9}; no default), `decisions_days` (5), `record_days`
 * (20), `adjourn_days` (20) and `dispute_days_<stage>` for each stage of
 * the ladder (5 each), and `lease_days` (30: calendar days a device may
 * go without a sync before it locks, 1..365).  Working-day counts are
 * whole numbers, SETTINGS_DAYS_MIN..SETTINGS_DAYS_MAX, and the formal
 * stages (all but `informal`) may total at most SETTINGS_FORMAL_MAX.
 *
 * Changing `council` derives every child's out_of_area again.  Serialise
 * use of the store handle.
 */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define SETTINGS_DAYS_MIN 1
#define SETTINGS_DAYS_MAX 60
#define SETTINGS_FORMAL_MAX 20          /* working days, formal stages */
#define SETTINGS_VALUE_MAX 256          /* bytes of a value */
#define SETTINGS_AUTHOR "config"        /* author of the changes */

/* settings_name_at - the i-th setting name, or NULL past the end. */
const char *settings_name_at(size_t i);

/*
 * settings_check - whether name is a setting and value a valid value of
 * it (on its own; the formal total needs the store).  Returns 0 or
 * IRO_EINVAL with a reason in why naming the setting, the value and what
 * is allowed.  Pure.
 */
int settings_check(const char *name, const char *value, char *why,
    size_t whylen);

/*
 * settings_get - the value of setting name into value[len]: the stored
 * one (*set true) or its default (*set false; "" for council).  Returns
 * 0, IRO_EINVAL (not a setting) or a store error.
 */
int settings_get(struct store *st, const char *name, char *value,
    size_t len, bool *set);

/* What settings_set did. */
struct settings_result {
	bool changed;                   /* the value was not already so */
	size_t children;                /* children whose out_of_area moved */
	size_t changes;                 /* changes logged in all */
};

/*
 * settings_set - set name to value at now_ms in one transaction of its
 * own (so call it outside one): the setting record, and for `council`
 * each child's out_of_area.  Setting a value it already has writes
 * nothing.  Returns 0; IRO_EINVAL (bad name or value, formal stages over
 * SETTINGS_FORMAL_MAX) with a reason in why; or a store error (nothing
 * written).
 */
int settings_set(struct store *st, uint64_t now_ms, const char *name,
    const char *value, struct settings_result *res, char *why,
    size_t whylen);

/*
 * settings_set_tx - settings_set's write inside the caller's transaction,
 * which it neither begins nor ends (on failure the caller rolls back),
 * so that other writes - the audit entry of the change - commit with it.
 * id gets the setting record's id.  Returns as settings_set does.
 */
int settings_set_tx(struct store *st, uint64_t now_ms, const char *name,
    const char *value, struct settings_result *res,
    uint8_t id[LIMIT_ID_LEN], char *why, size_t whylen);

/*
 * settings_out_of_area - whether a placement in council code pc is out
 * of the area of council `council`: 1 or 0 (codes compared ignoring
 * case), or -1 when either is unknown (NULL or "").  Pure.
 */
int settings_out_of_area(const char *council, const char *pc);

/*
 * settings_rederive - bring every child's out_of_area in line with
 * `council` (NULL or "": unknown, so out_of_area is cleared) and its
 * placement_council.  Call inside a transaction.  *children and *changes
 * are added to.  Returns 0 or a store error.
 */
int settings_rederive(struct store *st, uint64_t now_ms, const char *council,
    size_t *children, size_t *changes, char *why, size_t whylen);

#endif
