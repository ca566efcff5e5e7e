/*
 * authz.h - who may write what, record by record, on the server's push
 * path: beyond the schema's writers (which role may write which field),
 * each user writes only about the children in their scope, and only a
 * note's author may finalise it.
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

/* Who writes: the sender of a push. */
struct authz_who {
	const char *username;
	enum schema_role role;
	const char *team;               /* "" or NULL = none */
	uint64_t last_pull_ms;          /* the sending device's last pull */
	uint64_t now_ms;                /* server time of the push */
};

/*
 * authz_check - whether who may make the edit cs[0..n) (n >= 1, all to
 * one record of one type; borrowed), given what the store holds now
 * (including what this transaction wrote: the push's earlier accepted
 * edits).
 *
 * - A record about a child (the type's child reference,
 *   domain_child_ref(); for a dispute_stage, its dispute's child) is
 *   about that child for good: an edit that changes the reference is
 *   refused, whoever sends it.  A child that cannot be determined (no
 *   reference, or one naming no child record the server knows) is
 *   refused too ("unknown child").
 * - An IRO writes about a child only if its "iro" field is the IRO's
 *   name now, or was when the edit was made (its stamp is after the
 *   allocation to them and before the reallocation R that moved the
 *   child on): an edit made offline before a reallocation is delivered,
 *   not refused - provided the device has not pulled since R (a pull
 *   tells it the child left; a device that knows cannot make such an
 *   edit any more) and R is no older than the council's lease
 *   (lease_days: a device offline longer is locked anyway).  Stamps are
 *   the device's word; these bounds keep a former IRO from writing
 *   about the child for ever by backdating.
 * - A manager writes about children allocated to IROs of their own team
 *   (a named team) or to nobody - now, or when the edit was made, within
 *   the same bounds as an IRO's; an admin about none.
 * - Records about no child are left to the schema's writers.
 * - Whoever the role, only a note's author (the author of its first
 *   accepted change) may set its status to "final".
 *
 * Returns 0 with *denied false, or with *denied true and the reason in
 * reason; or a store or merge error.
 */
int authz_check(struct store *st, const struct authz_who *who,
    const struct change *const *cs, size_t n, char *reason, size_t len,
    bool *denied);

#endif
