/*
 * restamp.h - giving the outbox new stamps after the server said the
 * device's clock runs ahead (PROTOCOL.md section 7, 409 clock_skew).
 */
#ifndef RESTAMP_H
#define RESTAMP_H

#include <stdint.h>

#include "handle.h"

/*
 * restamp_outbox - adopt offset_ms as the clock offset and, in one
 * transaction, give every PENDING change a new stamp from the corrected
 * clock: the clock restarts from the greatest stamp the server has
 * accepted (so skewed pending stamps do not drag it along), then ticks
 * once per change in seq order, which keeps their order.  A base or sup
 * entry naming a re-stamped change is rewritten to its new stamp, so
 * bases stay bases.  Touched records are re-merged.  On failure nothing
 * changes, the offset included.
 */
int restamp_outbox(struct iro *h, int64_t offset_ms);

#endif
