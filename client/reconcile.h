/*
 * reconcile.h - keeping the replica to the device's scope: the set of
 * children whose records the server sends this device (an IRO's
 * caseload), kept sealed in the replica's meta as "scope".
 *
 * When the server's scope differs from the replica's, the sync engine
 * forgets every record about a child that left the scope (after its
 * edits were delivered: never one still pending), backfills the children
 * that joined it, and saves the new scope (proto/PROTOCOL.md, section
 * 5.5).
 */
#ifndef RECONCILE_H
#define RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handle.h"

/*
 * reconcile_scope_get - the scope the replica holds: a sorted set in
 * *ids (malloc'd, NULL if empty; caller frees) of *n children.  *known
 * is false for a replica that never saved one (it may hold anything).
 * Returns 0 or a replica error (message in h).
 */
int reconcile_scope_get(struct iro *h, uint8_t (**ids)[LIMIT_ID_LEN],
    size_t *n, bool *known);

/* reconcile_scope_put - save ids[0..n) (a sorted set) as the replica's
 * scope, in the caller's transaction if one is open. */
int reconcile_scope_put(struct iro *h, const uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n);

/*
 * reconcile_forget - forget every record about a child outside
 * keep[0..nkeep) (a sorted set): the child's own record and every
 * record about it, with all their changes whatever their state, then
 * compact the file so no freed page keeps their bytes.  Records about
 * no child (holidays, settings) and records whose child cannot be told
 * stay.  *children counts the children forgotten.
 *
 * Nothing is forgotten if any of those records still has a pending
 * change: IRO_EBUSY, with a message saying to sync again (a sync pushes
 * before it pulls, so this only happens when edits arrived meanwhile).
 * Returns 0, IRO_EBUSY, or a replica error; a failure to compact after
 * the records were forgotten is reported too (the rows are gone; the
 * next compaction clears the pages).
 */
int reconcile_forget(struct iro *h, const uint8_t (*keep)[LIMIT_ID_LEN],
    size_t nkeep, uint64_t *children);

#endif
