/*
 * allocation.h - moving a child to an IRO: the child's server-written
 * `iro` field, changed through the change log, so that the next syncs
 * bring the child to the new IRO's devices and take it from the old
 * IRO's.  One module for every way in: the command line (`iro-server
 * allocate`) and, later, the managers' dashboard; each says who did it
 * through its own audit entry, written by a hook in the same transaction.
 *
 * Serialise use of the store handle.
 */
#ifndef ALLOCATION_H
#define ALLOCATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define ALLOCATION_REASON_MAX 500       /* bytes of a reason */

struct allocation {
	/* What is asked (borrowed). */
	const char *child;      /* the council id, or the record id in hex */
	const char *iro;        /* the username of the new IRO */
	const char *reason;     /* NULL: none */
	uint64_t now_ms;        /* server time of the change */
	/* What allocation_run found. */
	uint8_t id[LIMIT_ID_LEN];               /* the child's record */
	char child_id[2 * LIMIT_ID_LEN + 1];    /* council id, for people */
	char was[LIMIT_USER_MAX + 1];           /* "" = nobody */
	bool changed;           /* false: the child was already the IRO's */
};

/* Run inside allocation_run's transaction once the change is logged,
 * before the commit; a nonzero return rolls everything back and is
 * returned.  For the audit entry of whoever allocated. */
struct allocation_hook {
	int (*before_commit)(void *ctx, struct store *st,
	    const struct allocation *al);
	void *ctx;
};

/*
 * allocation_check_reason - whether s may be a reason: one line of UTF-8
 * text without control characters, at most ALLOCATION_REASON_MAX bytes
 * (it goes into the audit log as given).  Returns 0, or IRO_EINVAL or
 * IRO_ETOOBIG with words in why.
 */
int allocation_check_reason(const char *s, char *why, size_t whylen);

/*
 * allocation_run - allocate al->child to al->iro in one transaction of
 * its own (call outside one): the change to the child's `iro` and
 * whatever hook->before_commit writes land together, or nothing does.
 * The IRO must be an enabled account of role iro (managers and admins
 * hold no caseload); a deleted child cannot be allocated.  A child
 * already the IRO's is left alone (al->changed false, hook not run).
 * Returns 0, or with words in why: IRO_ENOTFOUND (no such child or
 * user), IRO_EINVAL (the user's role, a disabled user, a deleted child),
 * a hook's error, or a store error (nothing allocated).
 */
int allocation_run(struct store *st, struct allocation *al,
    const struct allocation_hook *hook, char *why, size_t whylen);

/* allocation_describe - "child 'C1001' from 'asha' to 'ben': REASON" (or
 * "from nobody", without ": REASON" when there is none), for the audit
 * entry; cut to fit buf. */
void allocation_describe(const struct allocation *al, char *buf,
    size_t len);

#endif
