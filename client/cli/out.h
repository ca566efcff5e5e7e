/*
 * out.h - JSON output for scripts (`--json`), the CLI's only use of
 * jansson.  Each function writes one JSON document and a newline to f.
 * Values map as: nil -> null, bool -> true/false, int -> number,
 * string -> string.  Times are ISO 8601 UTC strings.
 *
 * Every function returns 0, IRO_ENOMEM or IRO_EIO (write failed).
 */
#ifndef OUT_H
#define OUT_H

#include <stddef.h>
#include <stdio.h>

#include "irosync.h"

/* {"user","server","device","pending","last_sync","conflicts","refused",
 *  "role"}; last_sync is null before the first sync. */
int out_status(FILE *f, const struct iro_status *s);

/* {"sent","received","conflicts","refused","pending","requests",
 *  "bytes_sent","bytes_received","seconds"} */
int out_sync(FILE *f, const struct iro_sync_result *r, double seconds);

/* {"id","type","fields":{...},"deleted":BOOL} */
int out_record(FILE *f, const struct iro_record *r);

/* An array of records, each as out_record() writes it. */
int out_records(FILE *f, const struct iro_record *const *recs, size_t n);

/*
 * The caseload, in its order: an array of {"id","child_id","given_name",
 * "family_name","dob","iro","next_review_due","review_overdue",
 * "working_days_left","review_basis","out_of_area","last_visit",
 * "open_decisions","drifting_decisions","dispute_stage",
 * "dispute_response_due","consultation_done"}.  Dates are "YYYY-MM-DD"
 * or null; working_days_left is null when no review is due, out_of_area
 * null when unknown.
 */
int out_caseload(FILE *f, const struct iro_caseload *c);

/* The agenda, in its order: an array of {"date","kind","child",
 * "child_id","child_name","record","text","working_days_left",
 * "overdue"}. */
int out_agenda(FILE *f, const struct iro_agenda *a);

/* What `iro child` shows; every member borrowed.  decision_status holds
 * the history of the status of decision i of `decisions` at [i] (NULL,
 * or an element NULL, when not known). */
struct out_child_view {
	const struct iro_record *child;
	const struct iro_child_summary *summary;
	const struct iro_list *reviews, *visits, *notes, *decisions,
	    *disputes, *stages, *flags;
	const struct iro_history *const *decision_status;
};

/*
 * {"child":{...},"summary":{...as out_caseload...},"reviews":[...],
 *  "visits":[...],"notes":[...],"decisions":[...],
 *  "disputes":[{...,"stages":[...]}],"flags":[...]}, each record as
 * {"id", FIELD: VALUE, ...}; a dispute's stages are those of `stages`
 * that name it.  Each decision also has "status_history": [{"status",
 * "at","by"}], oldest first, without the changes the server refused.
 */
int out_child(FILE *f, const struct out_child_view *v);

/* An array of {"id","record","type","field","current","values":[{"value",
 *  "by","device","at","refused_by_rule"}]}. */
int out_conflicts(FILE *f, const struct iro_conflicts *c);

/* A record's history, oldest first: an array of {"field","value","by",
 *  "device","at","state","refusal","current","superseded"}; refusal is
 *  null unless the change was refused. */
int out_history(FILE *f, const struct iro_history *hs);

#endif
