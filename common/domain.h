/*
 * domain.h - the casework rules that span fields or records: review
 * status transitions, PN0 if and only if the child is under 4, reviews
 * without a meeting only for settled long-term fostering, placement codes
 * valid for their date (docs/casework.md).
 *
 * Field-by-field checks (kinds, enumerations, lengths, who may write)
 * stay in schema.c; these rules need the record's current state and,
 * for records about a child, the child's.  The device runs them before an
 * edit enters the outbox; the server runs them again before a change is
 * accepted and refuses (and logs) a change that breaks one.  Pure;
 * thread-safe.
 */
#ifndef DOMAIN_H
#define DOMAIN_H

#include <stddef.h>

#include "change.h"
#include "merge.h"

/*
 * domain_check - whether applying `changes` (n >= 1, all to one record
 * of `type`) to `current` (its merged state; NULL when the changes create
 * it) keeps the domain rules.  `child` is the merged state of the child
 * the record is about (NULL if unknown here: rules needing it are then
 * skipped, never guessed).  Returns 0, IRO_EINVAL (a combination of
 * values the rules forbid) or IRO_ESTATE (a transition the record's state
 * forbids), with a reason in why naming the field, the value and what is
 * allowed.
 */
int domain_check(const char *type, const struct merge_record *current,
    const struct change *const *changes, size_t n,
    const struct merge_record *child, char *why, size_t whylen);

/*
 * domain_child_ref - the field of `type` that names the child the record
 * is about ("child" for most types), or NULL (the child itself, settings,
 * holidays; dispute stages name their dispute).
 */
const char *domain_child_ref(const char *type);

#endif
