/*
 * progress.c - a one-line bar redrawn in place with a carriage return.
 */
#include "progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BAR_WIDTH 30

void
progress_init(struct progress *p)
{
	memset(p, 0, sizeof *p);
	p->tty = isatty(STDERR_FILENO);
}

static const char *
phase_name(enum iro_sync_phase phase)
{
	return phase == IRO_SYNC_PUSH ? "sending" : "receiving";
}

void
progress_update(void *ctx, enum iro_sync_phase phase, uint64_t done,
    uint64_t total)
{
	struct progress *p = ctx;
	char bar[BAR_WIDTH + 1];
	size_t fill;

	if (!p->tty)
		return;
	if (p->drawn && p->phase != phase) {
		fputc('\n', stderr);
		p->drawn = 0;
	}
	/* Small syncs finish before a bar could help; stay quiet. */
	if (!p->drawn && (total > 0 ? total : done) <= PROGRESS_THRESHOLD)
		return;
	p->phase = phase;
	p->drawn = 1;
	if (total == 0) {
		fprintf(stderr, "\r%s %" PRIu64 " changes", phase_name(phase),
		    done);
	} else {
		if (done > total)
			done = total;
		fill = (size_t)(done * BAR_WIDTH / total);
		memset(bar, '#', fill);
		memset(bar + fill, '.', BAR_WIDTH - fill);
		bar[BAR_WIDTH] = '\0';
		fprintf(stderr, "\r%-9s [%s] %" PRIu64 "/%" PRIu64,
		    phase_name(phase), bar, done, total);
	}
	fflush(stderr);
}

void
progress_end(struct progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = 0;
}
