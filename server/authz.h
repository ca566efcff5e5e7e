/*
 * authz.h - who may write what, record by record, on the server's push
 * path: beyond the schema's writers (which role may write which field),
 * an IRO writes only records about children currently allocated to them,
 * and only a note's author may finalise it.
 *
 * Serialise use of the store handle.
 */
#ifndef AUTHZ_H
#define AUTHZ_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"
#include "schema.h"
#include "store.h"

/*
 * authz_check - whether user (of role) may make the edit cs[0..n) (n >= 1,
 * all to one record of one type; borrowed), given what the store holds
 * now (including what this transaction wrote: the push's earlier accepted
 * edits).
 *
 * - An IRO may write a record about a child (the type's child reference,
 *   domain_child_ref(); for a dispute_stage, its dispute's child) only if
 *   that child's "iro" field is the user's name - both the child the
 *   record is about now and any child the edit makes it about.  A child
 *   that cannot be determined (no reference, or one naming no child
 *   record the server knows) is refused too ("unknown child").
 *   Managers pass this check for now (team scopes come later); records
 *   about no child are left to the schema's writers.
 * - Whoever the role, only a note's author (the author of its first
 *   accepted change) may set its status to "final".
 *
 * Returns 0 with *denied false, or with *denied true and the reason in
 * reason; or a store or merge error.
 */
int authz_check(struct store *st, const char *user, enum schema_role role,
    const struct change *const *cs, size_t n, char *reason, size_t len,
    bool *denied);

#endif
