/*
 * worklist.h - the casework worklist over the replica: the children and
 * their records loaded into common/casework.h's plain structs, for the
 * caseload and agenda calls of include/irosync.h (caseload.c, agenda.c,
 * child_list.c) and for the dates local edits fill in (edit.c).
 */
#ifndef WORKLIST_H
#define WORKLIST_H

#include <stddef.h>

#include "calendar.h"
#include "casework.h"
#include "handle.h"
#include "schedule.h"

/* The record types a worklist loads; bits of worklist_load's mask. */
enum worklist_type {
	WORKLIST_CHILD = 0,
	WORKLIST_REVIEW,
	WORKLIST_VISIT,
	WORKLIST_DECISION,
	WORKLIST_DISPUTE,
	WORKLIST_STAGE,
	WORKLIST_HOLIDAY,
	WORKLIST_SETTING,
	WORKLIST_NTYPES
};

#define WORKLIST_ALL ((1u << WORKLIST_NTYPES) - 1)

/* A dispute's run of stages in `stages`, by the dispute's list index. */
struct worklist_span {
	const struct casework_stage *stages;
	size_t n;
};

/*
 * Every live record of the loaded types, and the children built from
 * them.  kids[i] (and names[i], "given family") is the child
 * l[WORKLIST_CHILD] holds at i, so children are in id order; each
 * child's reviews, visits, decisions and disputes point into the arrays
 * below.  Everything is owned, and every string is borrowed from `l`.
 */
struct worklist {
	struct iro_list *l[WORKLIST_NTYPES];   /* NULL: type not loaded */
	struct cal_holidays *hol;
	struct casework_settings set;
	struct casework_child *kids;
	char **names;
	size_t nkids;
	struct casework_review *reviews;
	struct casework_visit *visits;
	struct casework_decision *decisions;
	struct casework_dispute *disputes;
	struct casework_stage *stages;
	struct worklist_span *dispute_stages;
};

/*
 * worklist_load - load the children, holidays, settings and the types in
 * `types` (bits 1u << enum worklist_type).  *out is new; caller frees it
 * with worklist_free().  Returns 0 or an error with h's message set.
 */
int worklist_load(struct iro *h, unsigned types, struct worklist **out);
/* worklist_free - NULL is a no-op. */
void worklist_free(struct worklist *w);

/* worklist_find_child - the index in w->kids of the child with record id
 * hex, or w->nkids. */
size_t worklist_find_child(const struct worklist *w, const char *hex);

/*
 * worklist_today - `text` ("YYYY-MM-DD") as a day, or for NULL the
 * handle's clock read as a local date.  Returns 0 or IRO_EINVAL with h's
 * message set.
 */
int worklist_today(struct iro *h, const char *text, cal_day *out);

/* worklist_str - r's field as a string (borrowed from r), or NULL when
 * it is not set or not a string. */
const char *worklist_str(const struct iro_record *r, const char *field);
/* worklist_date - r's date field, or CASEWORK_NO_DATE. */
cal_day worklist_date(const struct iro_record *r, const char *field);
/* worklist_name - "given family" of c into a new string *out (caller
 * frees).  Returns 0 or IRO_ENOMEM. */
int worklist_name(const struct casework_child *c, char **out);

/*
 * worklist_calendar - the working-day calendar (shipped table plus the
 * replica's `holiday` records) and the council's timescales (defaults
 * overridden by `setting` records; a setting whose value is not a day
 * count keeps the default).  *hol is new; caller frees it with
 * cal_holidays_free().  Returns 0 or an error with h's message set.
 */
int worklist_calendar(struct iro *h, struct cal_holidays **hol,
    struct casework_settings *set);

/*
 * worklist_next_review - the next review due for the live child whose
 * record id is child_hex.  out->basis is SCHEDULE_NONE when no review is
 * due.  Returns 0, IRO_ENOTFOUND if there is no such live child, or an
 * error, with h's message set.
 */
int worklist_next_review(struct iro *h, const char *child_hex,
    struct schedule_due *out);

#endif
