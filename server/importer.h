/*
 * importer.h - import of children from the council's case system: a CSV
 * file with the header row `child_id,given_name,family_name,dob,iro`.
 *
 * All or nothing: every row is checked first (the schema's rules for a
 * child written by the server, a child_id once per file, an iro that is
 * an existing user of role iro), and one bad row means nothing is
 * written.  Otherwise one transaction: a child is matched to its record
 * by child_id (a new record id if none), and every field whose value
 * differs from the record's current one becomes a change the server
 * authors (author "import", based on the value it replaces).  Importing
 * the same file again writes nothing.
 *
 * Serialise use of the store handle.
 */
#ifndef IMPORTER_H
#define IMPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "store.h"

#define IMPORTER_FILE_MAX (64u << 20)   /* bytes of one CSV file */
#define IMPORTER_ROWS_MAX 1000000       /* rows of one CSV file */
#define IMPORTER_PROBLEMS_MAX 1000      /* bad rows reported one by one */
#define IMPORTER_AUTHOR "import"

/* Called once per bad row, in line order: the line (from 1) and the
 * reason, borrowed for the call. */
typedef void (*importer_problem_fn)(void *ctx, size_t line,
    const char *reason);

struct importer_opts {
	uint64_t now_ms;                /* the server's wall clock */
	importer_problem_fn problem;    /* may be NULL */
	void *problem_ctx;
	/* Run in the import's transaction before the commit, with the
	 * child records written (none when nothing changed) and the
	 * summary complete: the import's audit entry (audit.h). */
	struct audit_hook audit;
};

struct importer_summary {
	size_t children;                /* rows imported */
	size_t created;                 /* new child records */
	size_t updated;                 /* records with a field changed */
	size_t unchanged;
	size_t changes;                 /* changes logged */
	size_t problems;                /* bad rows found (nothing written) */
};

/*
 * importer_run - import the CSV file at path.  *out is filled in either
 * way.  Returns 0; IRO_EINVAL if any row is bad (each reported through
 * opts->problem, the first IMPORTER_PROBLEMS_MAX of them; nothing
 * written); IRO_ENOTFOUND or IRO_EIO (the file cannot be read) or
 * IRO_ETOOBIG (over IMPORTER_FILE_MAX) with why saying so; or a store
 * error or the audit hook's (nothing written).
 */
int importer_run(struct store *st, const char *path,
    const struct importer_opts *opts, struct importer_summary *out,
    char *why, size_t whylen);

#endif
