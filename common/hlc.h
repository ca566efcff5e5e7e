/*
 * hlc.h - hybrid logical clock.
 *
 * A reading is (wall_ms, counter).  Local events take max(last, now) and
 * bump the counter when the wall part did not move; received stamps pull
 * the clock forward so that every new local change orders after every
 * change this device has seen.  Pure: the caller supplies "now".
 */
#ifndef HLC_H
#define HLC_H

#include <stdint.h>

struct hlc {
	uint64_t wall_ms;
	uint32_t counter;
};

/*
 * hlc_tick - advance h for a local event at physical time now_ms and
 * write the new reading to *out (which may alias h): the wall part
 * becomes max(h->wall_ms, now_ms), and the counter h->counter + 1 if the
 * wall part did not move, else 0.  Returns 0, or IRO_ETOOBIG if the
 * counter would overflow (h and *out unchanged).
 */
int hlc_tick(struct hlc *h, uint64_t now_ms, struct hlc *out);

/*
 * hlc_observe - merge a received reading into h so that the next tick
 * orders after it: a later wall part is adopted with its counter; an
 * equal one keeps the greater counter.  Returns 0, or IRO_ETOOBIG (h
 * unchanged) if the reading would be adopted with counter UINT32_MAX,
 * which would leave no room for a later tick at the same wall time.
 */
int hlc_observe(struct hlc *h, uint64_t wall_ms, uint32_t counter);

#endif
