/*
 * sync.h - the sync engine: everything the client says to the server.
 *
 * Push sends the outbox (PENDING changes in seq order) in signed batches;
 * an acknowledged change becomes ACKED, a refused one REFUSED with the
 * server's reason; nothing else ever leaves the outbox.  A clock-skew
 * answer sets the clock offset and re-stamps the outbox (order and bases
 * kept) before the batch is sent again.  Pull stores new changes as
 * REMOTE, advances the clock past them and re-merges what they touch, one
 * transaction per page.  Pulled changes never replace a pending edit: the
 * merge keeps both and shows a conflict.
 */
#ifndef SYNC_H
#define SYNC_H

#include <stddef.h>

#include "handle.h"
#include "transport.h"
#include "wire.h"

/*
 * sync_run - push every pending change, then pull until up to date
 * (implements iro_sync; see include/irosync.h).  *out is filled whatever
 * the outcome.  On failure h's message says what went wrong; with
 * IRO_EUNREACHABLE it says how many changes stay pending.
 */
int sync_run(struct iro *h, const struct iro_sync_opts *opts,
    struct iro_sync_result *out);

/*
 * sync_enrol - POST req to /v1/enrol on t (whose base URL is url, for
 * messages) and decode the answer into *resp.  The encoded request holds
 * the password and is wiped before it is freed.  Returns 0, IRO_EAUTH if
 * the server refused the password, IRO_EEXIST if the device id is taken,
 * IRO_EUNREACHABLE, or another IRO_E* for a refusal or a malformed answer,
 * with a message in err.
 */
int sync_enrol(struct transport *t, const char *url,
    const struct wire_enrol_req *req, struct wire_enrol_resp *resp,
    char *err, size_t errlen);

#endif
