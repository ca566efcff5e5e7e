/*
 * edit.h - local edits: turning what a user typed into changes and
 * committing them, with their outbox entries, in one transaction.
 *
 * edit.c also implements iro_create, iro_set and iro_delete; iro_resolve
 * (conflicts.c) shares the two functions below.
 */
#ifndef EDIT_H
#define EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"
#include "handle.h"
#include "schema.h"

/* One field to change in a record.  Everything is borrowed. */
struct edit_op {
	const char *field;
	const struct value *value;
	bool has_base;
	struct stamp base;          /* the stamp of the value the user saw */
	const struct stamp *sup;    /* what a resolution supersedes */
	size_t nsup;
};

/*
 * edit_value - parse `text` (NULL = clear) for field f into *out
 * (overwritten; caller clears it).  A reference may name its record by id
 * or by the referenced type's code field (a council child id) and must
 * name a live record: IRO_ENOTFOUND otherwise.  IRO_EINVAL names the
 * field, the text and what is allowed.
 */
int edit_value(struct iro *h, const struct schema_field *f,
    const char *text, struct value *out);

/*
 * edit_apply - in one replica transaction: give each op the next seq and
 * a fresh clock reading, check it against the schema for the user's role
 * (IRO_EINVAL naming the field), store it PENDING, re-merge the record
 * and save the counters.  On any failure the transaction is rolled back:
 * nothing is written.
 */
int edit_apply(struct iro *h, const char *type,
    const uint8_t record[LIMIT_ID_LEN], const struct edit_op *ops,
    size_t n);

#endif
