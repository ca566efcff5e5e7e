/*
 * import903.h - loading a council's SSDA903 extract into the server:
 * `iro-server import-903`.  The tables are read and checked by
 * ssda903.h; this adds the checks that need the store and writes the
 * result as changes the server authors (author "import").
 *
 * Checks beyond the extract's own: each allocated IRO is a user of role
 * iro; a child the server does not know yet needs GIVEN_NAME and
 * FAMILY_NAME in the Allocations table (a known child keeps its names
 * when they are absent or empty).  Any problem means nothing is written.
 *
 * Then, in one transaction: each child (matched by child_id) gets the
 * fields ssda903.h derives, the names and social worker when given, its
 * IRO (cleared by an empty IRO), and out_of_area (placement_council
 * against the `council` setting; cleared when either is unknown).  Each
 * Reviews row becomes a review record (status completed, meeting_date,
 * participation) unless the child already has a review on that date,
 * which is left as it is: the IRO's own record of a review wins.
 * Children the server knows but the extract does not name are left
 * alone.  Importing the same extract again writes nothing.
 *
 * Serialise use of the store handle.
 */
#ifndef IMPORT903_H
#define IMPORT903_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "ssda903.h"
#include "store.h"

#define IMPORT903_AUTHOR "import"

/* The tables' paths; reviews may be NULL. */
struct import903_paths {
	const char *header;
	const char *episodes;
	const char *reviews;
	const char *allocations;
};

struct import903_opts {
	uint64_t now_ms;                /* the server's wall clock */
	ssda903_problem_fn problem;     /* may be NULL */
	void *problem_ctx;
	/* Run in the import's transaction before the commit, with the
	 * child and review records written (none when nothing changed) and
	 * the summary complete: the import's audit entry (audit.h). */
	struct audit_hook audit;
};

struct import903_summary {
	size_t children;                /* children in the extract */
	size_t created, updated, unchanged;
	size_t reviews;                 /* rows of the Reviews table */
	size_t reviews_added;           /* review records written */
	size_t reviews_kept;            /* already on the server */
	size_t changes;                 /* changes logged */
	size_t problems;                /* found (nothing written) */
};

/*
 * import903_run - import the extract.  *out is filled in either way.
 * Returns 0; IRO_EINVAL if there is any problem (each reported through
 * opts->problem as file, line and reason; nothing written); IRO_ENOTFOUND,
 * IRO_EIO or IRO_ETOOBIG (a file cannot be read) with why saying so; or
 * a store error or the audit hook's (nothing written).
 */
int import903_run(struct store *st, const struct import903_paths *p,
    const struct import903_opts *opts, struct import903_summary *out,
    char *why, size_t whylen);

#endif
