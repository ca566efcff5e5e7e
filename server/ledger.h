/*
 * ledger.h - the rules of the server's change log: which changes of a push
 * are accepted, which are duplicates and which are refused (and logged as
 * such); changes the server authors itself; and keeping each record's
 * materialised state equal to the merge of its accepted changes.
 *
 * Works on a store (store.h) and plain structs; no HTTP, no encoding.
 * Not thread-safe beyond what the store is: callers serialise use of st.
 */
#ifndef LEDGER_H
#define LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "merge.h"
#include "schema.h"
#include "store.h"
#include "wire.h"

/* Who sent a push: the authenticated device, its user and the role. */
struct ledger_sender {
	const uint8_t *device;          /* LIMIT_ID_LEN bytes */
	const char *username;
	enum schema_role role;
	const char *team;               /* the user's team, "" = none */
	uint64_t last_pull_ms;          /* the device's last pull, 0 never */
};

/*
 * ledger_push - apply a push of n changes (borrowed) from `who` at server
 * time now_ms, in one transaction that is durably committed before this
 * returns 0.  Every change is accounted for exactly once in
 * resp->accepted, resp->duplicates or resp->refused (refused changes are
 * logged too, with their reason); resp->time_ms is left for the caller.
 * resp is overwritten; free it with wire_push_resp_clear().
 *
 * Per change, in order: a change naming another device or user is
 * refused ("forbidden"); an id already accepted counts as a duplicate if
 * the content is identical; an identical change refused before is
 * reported refused again (and not logged twice); a change the role may
 * not write, or that creates a record of a type the role may not create,
 * is refused ("forbidden"); one whose record was logged with another type
 * is refused ("type_mismatch").  The rest are judged one edit at a time,
 * first by the write authorisation (authz.h: an IRO writes only records
 * of children allocated to them; only a note's author finalises it) - an
 * edit it denies is refused whole ("forbidden", with the reason) - then by
 * the casework rules (rules.h) - an edit being the consecutive
 * changes of the push to one record from one device at one moment, with
 * consecutive counters, as the device made them - against the store as
 * it stands with the push's earlier edits applied: an edit that breaks a
 * rule is refused whole ("rule", with the rule's reason).  The rest are
 * accepted, the server clock observes them, and every record they touch
 * is merged again.
 *
 * hook (may be NULL) runs inside the transaction, before the commit.
 *
 * Returns 0, or with nothing written and a reason in why:
 * IRO_EINVAL (a change breaks a structural or schema rule), IRO_ESKEW (a
 * change is stamped more than LIMIT_SKEW_MS after now_ms), IRO_ECONFLICT
 * (a change id logged before with other content), IRO_ETOOBIG (more than
 * LIMIT_PUSH_CHANGES), IRO_ENOMEM, IRO_EIO or IRO_EBUSY.
 */
struct ledger_hook {
	/* Called inside the push's transaction once every change is
	 * judged, before the commit, with the answer so far; a nonzero
	 * return rolls the whole push back and is returned.  Used to write
	 * the push's audit entry in the same transaction as the push. */
	int (*before_commit)(void *ctx, struct store *st,
	    const struct wire_push_resp *resp);
	void *ctx;
};

int ledger_push(struct store *st, const struct ledger_sender *who,
    const struct change *changes, size_t n, uint64_t now_ms,
    const struct ledger_hook *hook, struct wire_push_resp *resp, char *why,
    size_t whylen);

/*
 * ledger_author - log c as a change the server makes itself: c's type,
 * record, field, value, base and author are the caller's; this sets its
 * device (the server id), seq (the server's next counter) and ts (the
 * server clock ticked at now_ms), then appends it as accepted.  Call
 * inside a transaction; the caller refreshes the record afterwards.
 * Returns 0, IRO_EINVAL (c breaks a structural rule), IRO_ETOOBIG (the
 * clock cannot advance), IRO_EIO or IRO_ENOMEM.
 */
int ledger_author(struct store *st, uint64_t now_ms, struct change *c);

/*
 * A record as the log holds it: its accepted changes and their merge,
 * for the checks that judge an edit against the store (authz.h,
 * rules.h) and for materialising.
 */
struct ledger_record {
	struct change *changes;         /* owned, in log order */
	const struct change **ptrs;     /* owned array, borrowed changes */
	size_t n;
	struct merge_record m;          /* valid when have */
	bool have;                      /* false: no accepted change */
};

/* ledger_record_load - merge the accepted changes of rec into *r
 * (overwritten; r->have false when there are none).  Release with
 * ledger_record_clear() whatever the outcome.  Returns 0 or a store or
 * merge_record() error. */
int ledger_record_load(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    struct ledger_record *r);

/* ledger_record_load_ref - the same for the record of `type` that ref
 * (32 hex digits) names; r->have false when ref is not such an id or
 * names no record of that type. */
int ledger_record_load_ref(struct store *st, const char *ref,
    const char *type, struct ledger_record *r);

/* ledger_record_str - the current string value of field in r, or NULL
 * (none, not a string, or no record); borrowed from r. */
const char *ledger_record_str(const struct ledger_record *r,
    const char *field);

void ledger_record_clear(struct ledger_record *r);     /* NULL no-op */

/*
 * ledger_refresh - merge every accepted change of record rec again and
 * store the result as the record's materialised state, with its scope:
 * a child record is about itself and allocated to its `iro`; a record
 * of a type about a child (domain_child_ref()) is about the child its
 * reference names; a dispute stage is about its dispute's child; any
 * other record is council-wide.  A reference the server cannot follow
 * gives a scope of nobody (store.h): such a record is sent to no device.
 * A record without accepted changes is left alone.  Returns 0 or the
 * failure of the store or merge_record().
 */
int ledger_refresh(struct store *st, const uint8_t rec[LIMIT_ID_LEN]);

/*
 * ledger_rescope - refresh every record the store holds without a scope
 * (one upgraded from a layout before scopes), in one transaction.  Cheap
 * when there are none.  Returns 0 or a store or merge failure.
 */
int ledger_rescope(struct store *st);

#endif
