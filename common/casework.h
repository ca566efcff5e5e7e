/*
 * casework.h - the IRO's worklist: per child, where the statutory review
 * stands and what else is waiting; across children, the agenda of
 * everything due in the next N working days (docs/casework.md, "The
 * worklist").
 *
 * Pure functions over plain structs: the client builds them from its
 * replica, the server's reports from its store, and both get the same
 * answers.  Dates are cal_day; CASEWORK_NO_DATE marks a date not given.
 * Strings in the input are borrowed and never interpreted beyond what is
 * documented here.  Thread-safe.
 */
#ifndef CASEWORK_H
#define CASEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "schedule.h"

#define CASEWORK_NO_DATE INT32_MIN    /* a date field that is not set */
#define CASEWORK_DAYS_DEFAULT 20      /* agenda window, working days */
#define CASEWORK_DAYS_MAX 520         /* about two years of working days */
#define CASEWORK_SETTING_MAX 260      /* largest configurable day count */
#define CASEWORK_TEXT_MAX 160         /* an agenda item's line, with NUL */

enum casework_review_status {
	CASEWORK_REVIEW_PLANNED = 0,
	CASEWORK_REVIEW_HELD,
	CASEWORK_REVIEW_COMPLETED,
	CASEWORK_REVIEW_ADJOURNED,
	CASEWORK_REVIEW_CANCELLED
};

enum casework_adoption {
	CASEWORK_ADOPTION_NONE = 0,
	CASEWORK_ADOPTION_AUTHORITY,      /* authority to place */
	CASEWORK_ADOPTION_PLACED          /* placed for adoption */
};

/* The default dispute ladder, in order; stage names as in the schema. */
enum casework_stage_kind {
	CASEWORK_STAGE_INFORMAL = 0,
	CASEWORK_STAGE_TEAM_MANAGER,
	CASEWORK_STAGE_SERVICE_MANAGER,
	CASEWORK_STAGE_HEAD_OF_SERVICE,
	CASEWORK_STAGE_DIRECTOR,
	CASEWORK_NSTAGES
};

struct casework_review {
	const char *id;                   /* record id, borrowed */
	enum casework_review_status status;
	cal_day due;                      /* statutory due date recorded */
	cal_day meeting_date;
	cal_day decisions_distributed;
	cal_day record_completed;
};

struct casework_visit {
	const char *id;
	cal_day date;
	bool pre_review;                  /* purpose pre_review */
	bool child_seen;
};

struct casework_decision {
	const char *id;
	const char *text;                 /* may be NULL */
	const char *responsible;          /* may be NULL */
	bool open;                        /* status open */
	cal_day due;
	int carried;                      /* times carried forward */
};

struct casework_stage {
	const char *id;
	const char *stage;                /* ladder name, e.g. "team_manager" */
	cal_day sent;
	cal_day response_due;
	cal_day responded;
};

struct casework_dispute {
	const char *id;
	const char *category;             /* may be NULL */
	bool open;                        /* status open */
	cal_day opened;
	const struct casework_stage *stages;
	size_t nstages;
};

/* One child and everything about them.  Arrays are borrowed. */
struct casework_child {
	const char *id;                   /* record id */
	const char *child_id;             /* council id; may be NULL */
	const char *given_name, *family_name;   /* may be NULL */
	cal_day dob;
	cal_day care_start;               /* NO_DATE: no schedule can run */
	cal_day care_end;                 /* set: no review due */
	bool short_breaks;                /* legal status V3 or V4 */
	enum casework_adoption adoption;
	cal_day adoption_since;           /* when the adoption stage began
	                                     (authority, or placement); NO_DATE
	                                     when not known */
	int out_of_area;                  /* -1 unknown, 0 or 1 */
	const struct casework_review *reviews;
	size_t nreviews;
	const struct casework_visit *visits;
	size_t nvisits;
	const struct casework_decision *decisions;
	size_t ndecisions;
	const struct casework_dispute *disputes;
	size_t ndisputes;
};

/* The council's configurable timescales, in working days. */
struct casework_settings {
	int decisions_days;               /* decisions distributed: 5 */
	int record_days;                  /* record completed: 20 */
	int adjourn_days;                 /* reconvene after adjourning: 20 */
	int dispute_days[CASEWORK_NSTAGES];   /* each stage's response: 5 */
};

/* casework_settings_default - fill *s with the documented defaults. */
void casework_settings_default(struct casework_settings *s);

/*
 * casework_settings_set - apply one `setting` record (name, value) to s.
 * Returns 0, IRO_ENOTFOUND for a name that sets no timescale (council,
 * or one this version does not know; s unchanged) or IRO_EINVAL for a
 * value that is not a whole number 0..CASEWORK_SETTING_MAX (s unchanged).
 */
int casework_settings_set(struct casework_settings *s, const char *name,
    const char *value);

/*
 * casework_stage_days - the response time of dispute stage `stage` (a
 * ladder name) under s.  Returns 0 with *out set, or IRO_EINVAL for a
 * name not on the ladder.
 */
int casework_stage_days(const struct casework_settings *s,
    const char *stage, int *out);

/* Parsers for the schema's enumerations; each returns 0 or IRO_EINVAL. */
int casework_review_status_parse(const char *s,
    enum casework_review_status *out);
int casework_adoption_parse(const char *s, enum casework_adoption *out);

/*
 * casework_schedule - the schedule c's reviews follow: the adoption
 * stage's (placed, or authority) when adoption_since is known, else
 * short breaks or the standard one, as for a child not being adopted.
 */
enum schedule_kind casework_schedule(const struct casework_child *c);

/*
 * casework_next_review - c's next review due (schedule_next_review over
 * the meeting dates of its held and completed reviews).  basis is
 * SCHEDULE_NONE when care has ended or care_start is unknown.  Returns 0
 * or IRO_EINVAL (dates out of range), IRO_ENOMEM.
 */
int casework_next_review(const struct cal_holidays *h,
    const struct casework_child *c, struct schedule_due *out);

/* Where one child stands on `today`.  Pointers borrow from the input. */
struct casework_summary {
	struct schedule_due next;         /* basis NONE: no review due */
	int working_days_left;            /* to next.due, negative when past;
	                                     0 when nothing is due */
	bool overdue;                     /* today is after next.due */
	int out_of_area;                  /* -1 unknown, 0, 1 */
	cal_day last_visit;               /* latest visit, or NO_DATE */
	unsigned open_decisions;
	unsigned drifting_decisions;      /* open and carried twice or more */
	const struct casework_dispute *dispute;   /* the open dispute that
	                                     needs attention first, or NULL */
	const struct casework_stage *stage;       /* its current stage (latest
	                                     sent), or NULL */
	bool consultation_done;           /* a pre_review visit with the child
	                                     seen since the last held review
	                                     (or since care_start) */
};

/*
 * casework_summarize - fill *out for child c on `today`.  Returns 0 or
 * IRO_EINVAL (a date out of range), IRO_ENOMEM; *out is zeroed first.
 */
int casework_summarize(const struct cal_holidays *h,
    const struct casework_child *c, cal_day today,
    struct casework_summary *out);

enum casework_item_kind {
	CASEWORK_ITEM_REVIEW_DUE = 0,
	CASEWORK_ITEM_CONSULTATION,
	CASEWORK_ITEM_DECISION_DUE,
	CASEWORK_ITEM_DISPUTE_RESPONSE,
	CASEWORK_ITEM_DECISIONS_DISTRIBUTE,
	CASEWORK_ITEM_RECORD_COMPLETE
};

/* casework_item_kind_name - "review_due", "consultation", "decision_due",
 * "dispute_response", "decisions_distribute", "record_complete". */
const char *casework_item_kind_name(enum casework_item_kind k);

struct casework_item {
	cal_day date;                     /* when it is due */
	enum casework_item_kind kind;
	const struct casework_child *child;   /* borrowed from the input */
	const char *record;               /* review, decision or dispute stage
	                                     id; NULL for a review not yet
	                                     planned */
	int working_days_left;            /* signed, from today */
	bool overdue;                     /* date before today */
	char text[CASEWORK_TEXT_MAX];     /* one line for a person */
};

struct casework_agenda {
	struct casework_item *items;      /* owned */
	size_t n;
};

/*
 * casework_agenda - everything due for `children` up to the `days`-th
 * working day after today (0..CASEWORK_DAYS_MAX), overdue items included:
 *   review_due         the next review (the planned one's id, if any);
 *   consultation       no pre-review consultation yet for that review
 *                      (dated by its planned meeting if that is earlier);
 *   decision_due       an open decision's due date;
 *   dispute_response   an open dispute's current stage awaiting its
 *                      response;
 *   decisions_distribute, record_complete
 *                      a held (not yet completed) review of the current
 *                      period of care without that date, due
 *                      meeting_date + decisions_days / record_days
 *                      working days.
 * Sorted by date, then child (family name, given name, id), then kind.
 * *out is new; caller frees with casework_agenda_free().  Returns 0,
 * IRO_EINVAL (days out of range, a date out of range) or IRO_ENOMEM.
 */
int casework_agenda(const struct cal_holidays *h,
    const struct casework_settings *s, const struct casework_child *children,
    size_t n, cal_day today, int days, struct casework_agenda **out);

/* casework_agenda_free - NULL is a no-op. */
void casework_agenda_free(struct casework_agenda *a);

#endif
