/*
 * datefill.h - dates the client computes for a new record: a review's
 * `due` and a dispute stage's `response_due` (docs/casework.md).
 */
#ifndef DATEFILL_H
#define DATEFILL_H

#include "change.h"
#include "handle.h"
#include "schema.h"

/*
 * datefill_create - fill in, among the values of a new record of type t
 * (vals[k] for t->fields[k]; what the user gave, then defaults), the
 * computed dates the user left nil: a review's `due` with its child's
 * next review due date (left nil when none is due), a dispute stage's
 * `response_due` with `sent` plus the council's working days for its
 * `stage`.  Other types are left alone.  Returns 0 or an error with h's
 * message set; a filled value is owned by vals (the caller clears it).
 */
int datefill_create(struct iro *h, const struct schema_type *t,
    struct value *vals);

#endif
