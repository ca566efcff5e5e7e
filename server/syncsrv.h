/*
 * syncsrv.h - the protocol's endpoints (proto/PROTOCOL.md): POST
 * /v1/enrol, /v1/push and /v1/pull, as an http.h handler.
 *
 * It authenticates sync requests before decoding their bodies, decodes
 * with common/wire.h, applies pushes through ledger.h, reads pulls from the
 * store, and answers every failure with a wire error message naming the
 * problem.  It never trusts a body: any input gets an answer, never a
 * crash.  Failed enrolments are throttled per account and per address
 * (account.h).  Every enrolment, push, pull and refused request leaves an
 * entry in the store's audit log (audit.h), written in the transaction
 * of the action where this module owns it (enrol, pull, a failed
 * enrolment); a push's entry follows its commit at once, under the same
 * lock (ledger_push commits on its own).
 *
 * The store handle is shared by every connection thread; syncsrv holds it
 * under its own lock (and never across a password hash check).
 */
#ifndef SYNCSRV_H
#define SYNCSRV_H

#include <stdint.h>

#include "account.h"
#include "http.h"
#include "store.h"

struct syncsrv;

/* Milliseconds since the epoch; lets tests move the server's clock. */
typedef uint64_t (*syncsrv_clock_fn)(void *ctx);

struct syncsrv_opts {
	struct store *store;            /* borrowed; outlives the syncsrv */
	syncsrv_clock_fn clock;         /* NULL: the system clock */
	void *clock_ctx;
	/* Limits on failed enrolments; NULL: account_throttle_default(). */
	const struct account_throttle *throttle;
};

/* syncsrv_new - a handler over opts->store.  Caller frees with
 * syncsrv_free().  Returns 0, IRO_EINVAL or IRO_ENOMEM. */
int syncsrv_new(const struct syncsrv_opts *opts, struct syncsrv **out);

/* syncsrv_free - free s (not its store).  NULL is a no-op.  No request
 * may be in progress. */
void syncsrv_free(struct syncsrv *s);

/* syncsrv_handle - an http_handler_fn; ctx is the struct syncsrv.
 * Thread-safe. */
void syncsrv_handle(void *ctx, const struct http_request *req,
    struct http_response *resp);

#endif
