/*
 * rules.h - the casework rules (common/domain.h) as the server applies
 * them to a push: against the record's merged state in the store and the
 * merged state of the child it is about.
 *
 * Serialise use of the store handle.
 */
#ifndef RULES_H
#define RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"
#include "store.h"

/*
 * rules_check - whether the edit cs[0..n) (n >= 1, all to one record of
 * one type; borrowed) keeps the casework rules, given what the store
 * holds now (including what this transaction wrote).  An edit that only
 * deletes the record breaks no rule.  Returns 0 with *broken false, or
 * with *broken true and the reason (naming the field, the value and what
 * is allowed) in reason; or a store or merge error.
 */
int rules_check(struct store *st, const struct change *const *cs, size_t n,
    char *reason, size_t len, bool *broken);

#endif
