/*
 * progress.h - the sync progress bar, drawn on stderr only when stderr
 * is a terminal and there is much to send or receive.
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stdint.h>

#include "irosync.h"

#define PROGRESS_THRESHOLD 200   /* changes before a bar is worth it */

struct progress {
	int tty;                 /* stderr is a terminal */
	int drawn;               /* a line is on screen and needs ending */
	enum iro_sync_phase phase;
};

/* progress_init - decide whether bars may be drawn at all. */
void progress_init(struct progress *p);

/* progress_update - an iro_progress_fn; ctx is a struct progress. */
void progress_update(void *ctx, enum iro_sync_phase phase, uint64_t done,
    uint64_t total);

/* progress_end - finish the line if one was drawn. */
void progress_end(struct progress *p);

#endif
