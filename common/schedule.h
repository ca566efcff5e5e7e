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
#include <stdint.h>

#include "calendar.h"

/*
 * The due date from the reviews the schedule counts (below); "+ 3 months"
 * is cal_add_months(), clipped to month end; "last" is the most recent
 * counted review, whatever its order in `held`.
 */
enum schedule_kind {
	/* reg 33: none -> care_start + 20 working days; one -> that review
	 * + 3 months; two or more -> last + 6 months */
	SCHEDULE_STANDARD = 0,
	/* V3/V4: none -> care_start + 3 months; then last + 6 months */
	SCHEDULE_SHORT_BREAKS,
	/* authority to place (reg 36 of the Adoption Agencies Regulations
	 * 2005): counts only reviews on or after adoption_since, the date
	 * of the authority; none -> adoption_since + 3 months; then last
	 * + 6 months */
	SCHEDULE_ADOPTION_AUTHORITY,
	/* placed for adoption (reg 36): counts only reviews on or after
	 * adoption_since, the date of the placement; none -> adoption_since
	 * + 28 days; one -> that review + 3 months; two or more -> last
	 * + 6 months */
	SCHEDULE_ADOPTION_PLACED
};

#define SCHEDULE_HELD_MAX 1000       /* entries in schedule_input.held */
#define SCHEDULE_NO_DATE INT32_MIN   /* adoption_since not known */

/* What the schedule depends on. */
struct schedule_input {
	enum schedule_kind kind;
	cal_day care_start;          /* start of the current period of care */
	bool care_ended;             /* period of care over: nothing due */
	cal_day adoption_since;      /* the adoption kinds: when the stage
	                              * began (authority granted, or placed);
	                              * one before care_start counts as
	                              * care_start; SCHEDULE_NO_DATE when
	                              * not known (the standard schedule
	                              * then runs); ignored by other kinds */
	const cal_day *held;         /* actual dates of held reviews (status
	                              * held or completed, their meeting_date),
	                              * any order, duplicates allowed; borrowed */
	size_t nheld;                /* at most SCHEDULE_HELD_MAX */
};

enum schedule_basis {
	SCHEDULE_NONE = 0,        /* nothing due (care ended) */
	SCHEDULE_FIRST,           /* no counted review yet (in this period
	                           * of care; for the adoption kinds, since
	                           * adoption_since) */
	SCHEDULE_SECOND,          /* one counted review */
	SCHEDULE_SUBSEQUENT       /* two or more */
};

struct schedule_due {
	enum schedule_basis basis;
	cal_day due;              /* valid unless basis == SCHEDULE_NONE */
	cal_day last_held;        /* most recent counted review, or -1 */
	size_t held;              /* counted reviews (distinct dates) */
};

/*
 * schedule_next_review - the next review's due date.  Counted reviews are
 * the distinct dates in `held` on or after care_start (reviews of an
 * earlier period of care are ignored; a review on care_start counts), and
 * for the adoption kinds on or after adoption_since too (a review on that
 * day counts); basis, held and last_held describe them.  An adoption kind
 * with adoption_since SCHEDULE_NO_DATE runs SCHEDULE_STANDARD: a missing
 * date never stops the caseload.  Intervals run from the actual dates, so
 * an early review resets the clock.  care_ended: basis SCHEDULE_NONE, due
 * 0 (held and last_held still filled in).
 * Returns 0, or IRO_EINVAL (NULL in or out, unknown kind, a date out of
 * range, NULL held with nheld > 0, nheld > SCHEDULE_HELD_MAX, a due date
 * past CAL_MAX_YEAR); *out is then basis SCHEDULE_NONE, due 0, held 0,
 * last_held -1.
 */
int schedule_next_review(const struct cal_holidays *h,
    const struct schedule_input *in, struct schedule_due *out);

/* schedule_overdue - today is after d->due (the due day itself is not
 * overdue) and d->basis != SCHEDULE_NONE.  NULL d: false.  A review held
 * since moves the due date, so recompute after recording one. */
bool schedule_overdue(const struct schedule_due *d, cal_day today);

/*
 * schedule_deadline - the `days`-th working day after `from` (recording
 * timescales, dispute stage responses, adjournment; 0 gives from).
 * Returns 0, or IRO_EINVAL (days < 0 or > CAL_WORKING_DAYS_MAX, from or
 * the result out of range; *out then 0).
 */
int schedule_deadline(const struct cal_holidays *h, cal_day from, int days,
    cal_day *out);

#endif
