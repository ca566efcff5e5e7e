/*
 * upsert.h - records the server writes itself (imports, settings,
 * holidays): bring a record's fields to given values by authoring a
 * change for each field that differs, through the ledger like any other
 * change, so devices receive them by sync.
 *
 * Serialise use of the store handle.
 */
#ifndef UPSERT_H
#define UPSERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "store.h"

/* One field and the value it should have (nil: cleared).  Borrowed. */
struct upsert_field {
	const char *name;
	struct value value;
};

/* What upsert_record did. */
enum upsert_state {
	UPSERT_UNCHANGED = 0,
	UPSERT_UPDATED,         /* an existing record: some field changed */
	UPSERT_CREATED          /* a new record */
};

/*
 * upsert_record - make record `id` of `type` carry fields[0..n): for each
 * field whose current value differs (a nil value for a field never set
 * counts as equal), log a change the server authors (author `author`,
 * based on the value it replaces).  A record that does not exist yet is
 * created with id, and the schema's default of every field not in
 * `fields` is applied.  Each value is checked against the schema first.
 * Call inside a transaction; the record is merged again afterwards.
 * *state and *changes (added to, not reset) say what was done.
 * Returns 0; IRO_EINVAL (unknown type or field, a bad value, or id names
 * a record of another type) with a reason in why; or a store error.
 */
int upsert_record(struct store *st, uint64_t now_ms, const char *author,
    const char *type, const uint8_t id[LIMIT_ID_LEN],
    const struct upsert_field *fields, size_t n, enum upsert_state *state,
    size_t *changes, char *why, size_t whylen);

/*
 * upsert_find - the id of the record of `type` whose current string
 * field `field` equals s (the key the server keeps unique for the records
 * it writes: child_id, a setting's name, a holiday's date); *found says
 * whether there is one (when not, id is a fresh random id for a new
 * record).  Returns 0 or a store error.
 */
int upsert_find(struct store *st, const char *type, const char *field,
    const char *s, uint8_t id[LIMIT_ID_LEN], bool *found);

#endif
