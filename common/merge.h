/*
 * merge.h - the merge of field-level changes into a record's state.
 *
 * The same code runs on the device and on the server, and is a pure
 * function of the SET of changes: any order, any duplicates, same result.
 *
 * Rules (proto/PROTOCOL.md, "Merge", is normative):
 * - Changes are grouped by field.  Duplicates (same device and seq) count
 *   once.
 * - A change is BLOCKED when its record is frozen (see schema_type's
 *   freeze_field/freeze_value; frozen at F = the least stamp of a change
 *   setting freeze_field to freeze_value), the field is `frozen`, its stamp
 *   is after F, and its value differs from the field's value as of F.
 *   Blocked changes are kept and surfaced, never applied.
 * - Among the accepted (not blocked) changes, a change is a LEAF unless
 *   another accepted change names it as its base or in its sup list.
 * - The CURRENT value is the leaf with the greatest stamp.
 * - A field is in CONFLICT when it has two or more leaves, or a blocked
 *   change that no accepted change names in its sup list.
 * - A record is deleted when its CHANGE_FIELD_DELETED value is non-nil.
 */
#ifndef MERGE_H
#define MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"

struct merge_field {
	const char *name;               /* borrowed from a change */
	const struct change *current;   /* borrowed; NULL if none accepted */
	size_t nleaves;                 /* leaves, greatest stamp first */
	const struct change **leaves;   /* owned array of borrowed pointers */
	size_t nblocked;                /* undismissed blocked changes */
	const struct change **blocked;  /* owned array, greatest stamp first */
};

struct merge_record {
	uint8_t record[LIMIT_ID_LEN];
	const char *type;               /* borrowed */
	size_t nfields;
	struct merge_field *fields;     /* owned, sorted by name */
	bool deleted;
	bool frozen;                    /* the type's freeze rule has fired */
	struct stamp frozen_at;         /* F, when frozen */
};

/*
 * merge_record - merge n changes (all for the same record; pointers
 * borrowed and must outlive *out) into *out, which is overwritten.
 * Changes sharing an id but differing in content (a device reused one)
 * count as the least of them in (stamp, seq, content) order, so the
 * result still depends only on the set.  A field whose changes are all
 * blocked is listed with current NULL.  Runs in O(n log n); thread-safe.
 * Returns 0, IRO_EINVAL if n is 0, the changes name different records or
 * disagree on the record type, or one is malformed (a name not
 * NUL-terminated, nsup over LIMIT_SUPERSEDES, NULL sup or string), or
 * IRO_ENOMEM; on failure *out is left cleared.
 */
int merge_record(const struct change *const *changes, size_t n,
    struct merge_record *out);

/* merge_record_clear - free what merge_record allocated.  NULL no-op. */
void merge_record_clear(struct merge_record *r);

/* merge_field_find - the state of field name in r, or NULL. */
const struct merge_field *merge_field_find(const struct merge_record *r,
    const char *name);

/* merge_field_conflicted - two or more leaves, or a blocked change. */
bool merge_field_conflicted(const struct merge_field *f);

/* merge_record_conflicts - how many fields of r are in conflict. */
size_t merge_record_conflicts(const struct merge_record *r);

/*
 * merge_resolution - the sup list a change resolving f must carry: every
 * leaf but the current one, and every undismissed blocked change, sorted
 * by stamp, each stamp once.  The resolution's base is f->current's
 * stamp.  On a frozen field the resolution's value must be the current
 * one, or it is blocked in turn.  *out is malloc'd (NULL when *n is 0);
 * caller frees.  Returns 0, IRO_ENOMEM, or IRO_ETOOBIG when more than
 * LIMIT_SUPERSEDES stamps would be named (out NULL, n 0).
 */
int merge_resolution(const struct merge_field *f, struct stamp **out,
    size_t *n);

/*
 * merge_frozen - whether r is frozen: its type (looked up in the schema
 * table by merge_record) has a freeze rule and one of its changes set the
 * freeze field to the freeze value.  Same as r->frozen.
 */
bool merge_frozen(const struct merge_record *r);

#endif
