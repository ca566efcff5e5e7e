/*
 * schedule.h - statutory review due dates and the other deadlines an IRO
 * works to (docs/casework.md, "Scheduling").
 *
 * Pure functions over plain structs: the client computes everything
 * offline and the server's reports use the same code.  Thread-safe.
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"

enum schedule_kind {
	SCHEDULE_STANDARD = 0,   /* reg 33: 20 working days, 3 m, 6 m */
	SCHEDULE_SHORT_BREAKS,   /* V3/V4: 3 months, then 6 months */
	SCHEDULE_ADOPTION_AUTHORITY, /* authority to place: 3 m, then 6 m */
	SCHEDULE_ADOPTION_PLACED     /* placed: 28 days, 3 m, then 6 m */
};

/* What the schedule depends on. */
struct schedule_input {
	enum schedule_kind kind;
	cal_day care_start;          /* start of the current period of care */
	bool care_ended;             /* period of care over: nothing due */
	cal_day placed_for_adoption; /* SCHEDULE_ADOPTION_PLACED: when */
	const cal_day *held;         /* actual dates of held reviews, any order */
	size_t nheld;
};

enum schedule_basis {
	SCHEDULE_NONE = 0,        /* nothing due (care ended) */
	SCHEDULE_FIRST,           /* no review yet in this period of care */
	SCHEDULE_SECOND,          /* one review held */
	SCHEDULE_SUBSEQUENT       /* two or more held */
};

struct schedule_due {
	enum schedule_basis basis;
	cal_day due;              /* valid unless basis == SCHEDULE_NONE */
	cal_day last_held;        /* most recent held review, or -1 */
	size_t held;              /* reviews held in this period of care */
};

/*
 * schedule_next_review - the next review's due date.  Reviews held before
 * care_start (an earlier period of care) are ignored.  Returns 0 or
 * IRO_EINVAL (dates out of range, NULL held with nheld > 0).
 */
int schedule_next_review(const struct cal_holidays *h,
    const struct schedule_input *in, struct schedule_due *out);

/* schedule_overdue - today is after due and basis != SCHEDULE_NONE. */
bool schedule_overdue(const struct schedule_due *d, cal_day today);

/*
 * schedule_deadline - `days` working days after `from` (recording
 * timescales, dispute stage responses, adjournment).  Returns 0 or
 * IRO_EINVAL.
 */
int schedule_deadline(const struct cal_holidays *h, cal_day from, int days,
    cal_day *out);

#endif
