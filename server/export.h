/*
 * export.h - the council's data out of the server, as CSV: the SSDA903
 * Reviews table for the DfE return, and visits and decisions for loading
 * back into the council's case system.
 *
 * Every file starts with its header row; lines end with LF (not CRLF);
 * a field is quoted ("...", a quote doubled) when it holds a comma, a
 * quote, a line break or leading or trailing spaces; dates are
 * dd/mm/yyyy as in SSDA903; booleans yes/no; absent values empty.
 * Only live (not deleted) records count.
 *
 *   reviews    CHILD,DOB,REVIEW,REVIEW_CODE - reviews with status held or
 *              completed whose meeting_date is in [from, to], by CHILD
 *              then REVIEW; a review without a participation code (or
 *              whose child is missing) is left out with a warning
 *   visits     CHILD,DATE,TIME,PURPOSE,MODE,LOCATION,CHILD_SEEN,
 *              SEEN_ALONE,SAFEGUARDING,IRO - visits dated in [from, to],
 *              by CHILD, DATE, TIME; IRO is the user who recorded it
 *   decisions  CHILD,REVIEW_DATE,TEXT,RESPONSIBLE,DUE,STATUS,CARRIED -
 *              decisions of reviews whose meeting_date is in [from, to],
 *              by CHILD, REVIEW_DATE, DUE
 *
 * Serialise use of the store handle.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "audit.h"
#include "calendar.h"
#include "store.h"

enum export_kind {
	EXPORT_REVIEWS = 0,
	EXPORT_VISITS,
	EXPORT_DECISIONS
};

/* Called for each record left out, with the reason (borrowed). */
typedef void (*export_warn_fn)(void *ctx, const char *msg);

struct export_opts {
	enum export_kind kind;
	cal_day from, to;               /* inclusive */
	FILE *out;                      /* borrowed; written, not closed */
	export_warn_fn warn;            /* may be NULL */
	void *warn_ctx;
	/* Run once the rows are made and before any byte is written to
	 * out, with the records whose content goes out: each row's record,
	 * its child and, for a decision, its review (the export's audit
	 * entry, audit.h).  A failure writes nothing. */
	struct audit_hook audit;
};

/* export_kind_parse - "reviews", "visits" or "decisions".  Returns 0 or
 * IRO_EINVAL. */
int export_kind_parse(const char *s, enum export_kind *out);

/*
 * export_run - write the table o->kind names to o->out; *rows is how many
 * data rows.  Returns 0; IRO_EINVAL (from after to) ; IRO_EIO (writing
 * failed) with a reason in why; or a store error or the audit hook's
 * (nothing written).
 */
int export_run(struct store *st, const struct export_opts *o, size_t *rows,
    char *why, size_t whylen);

/*
 * export_csv_line - fields[0..n) (NULL or "" for an empty field) as one
 * CSV line ending in LF, quoted as above, into a malloc'd string *out
 * that the caller frees.  Returns 0 or IRO_ENOMEM (out NULL).  Pure.
 */
int export_csv_line(const char *const *fields, size_t n, char **out);

#endif
