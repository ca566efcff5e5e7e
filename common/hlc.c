/*
 * hlc.c - hybrid logical clock.
 */
#include <stdint.h>

#include "hlc.h"
#include "iro_error.h"

int
hlc_tick(struct hlc *h, uint64_t now_ms, struct hlc *out)
{
	struct hlc next;

	if (now_ms > h->wall_ms) {
		next.wall_ms = now_ms;
		next.counter = 0;
	} else {
		/* The wall clock did not move (or went back): only the
		 * counter keeps this reading after the last one. */
		if (h->counter == UINT32_MAX)
			return IRO_ETOOBIG;
		next.wall_ms = h->wall_ms;
		next.counter = h->counter + 1;
	}
	*h = next;
	if (out != h)
		*out = next;
	return 0;
}

int
hlc_observe(struct hlc *h, uint64_t wall_ms, uint32_t counter)
{
	/* A reading whose counter is already at the maximum would leave no
	 * room for a later tick at the same wall time, so refuse it before
	 * it is adopted rather than fail on the next local edit. */
	if (wall_ms > h->wall_ms) {
		if (counter == UINT32_MAX)
			return IRO_ETOOBIG;
		h->wall_ms = wall_ms;
		h->counter = counter;
	} else if (wall_ms == h->wall_ms && counter > h->counter) {
		if (counter == UINT32_MAX)
			return IRO_ETOOBIG;
		h->counter = counter;
	}
	return 0;
}
