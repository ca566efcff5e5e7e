/*
 * schedule.c - statutory review due dates (reg 33 of the Care Planning,
 * Placement and Case Review (England) Regulations 2010; reg 36 of the
 * Adoption Agencies Regulations 2005; short breaks), as set out in
 * docs/casework.md, "Scheduling".
 */
#include "iro_error.h"
#include "schedule.h"

/* The reviews a schedule counts: distinct dates on or after `from`.  Two
 * held reviews on one date are one review recorded twice. */
struct held_summary {
	size_t n;
	cal_day first, last;
};

static void
summarise(const struct schedule_input *in, cal_day from,
    struct held_summary *s)
{
	size_t i, j;

	s->n = 0;
	s->first = s->last = -1;
	for (i = 0; i < in->nheld; i++) {
		cal_day d = in->held[i];

		if (d < from)
			continue;
		for (j = 0; j < i; j++)
			if (in->held[j] == d)
				break;
		if (j < i)
			continue;
		if (s->n == 0 || d < s->first)
			s->first = d;
		if (s->n == 0 || d > s->last)
			s->last = d;
		s->n++;
	}
}

static enum schedule_basis
basis_of(size_t n)
{
	return n == 0 ? SCHEDULE_FIRST : n == 1 ? SCHEDULE_SECOND :
	    SCHEDULE_SUBSEQUENT;
}

static bool
adoption(const struct schedule_input *in)
{
	return in->kind == SCHEDULE_ADOPTION_AUTHORITY ||
	    in->kind == SCHEDULE_ADOPTION_PLACED;
}

static int
check_input(const struct schedule_input *in)
{
	size_t i;

	if (!cal_valid(in->care_start) || (in->nheld > 0 && in->held == NULL) ||
	    in->nheld > SCHEDULE_HELD_MAX)
		return IRO_EINVAL;
	if (adoption(in) && in->adoption_since != SCHEDULE_NO_DATE &&
	    !cal_valid(in->adoption_since))
		return IRO_EINVAL;
	if (in->kind != SCHEDULE_STANDARD &&
	    in->kind != SCHEDULE_SHORT_BREAKS &&
	    in->kind != SCHEDULE_ADOPTION_AUTHORITY &&
	    in->kind != SCHEDULE_ADOPTION_PLACED)
		return IRO_EINVAL;
	for (i = 0; i < in->nheld; i++)
		if (!cal_valid(in->held[i]))
			return IRO_EINVAL;
	return 0;
}

/* The due date from the counted reviews s under schedule `kind`, the
 * adoption kinds counting from `since`. */
static int
due_date(const struct cal_holidays *h, const struct schedule_input *in,
    enum schedule_kind kind, cal_day since, const struct held_summary *s,
    cal_day *due)
{
	switch (kind) {
	case SCHEDULE_STANDARD:
		if (s->n == 0)
			return cal_add_working_days(h, in->care_start, 20, due);
		return cal_add_months(s->last, s->n == 1 ? 3 : 6, due);
	case SCHEDULE_SHORT_BREAKS:
		if (s->n == 0)
			return cal_add_months(in->care_start, 3, due);
		return cal_add_months(s->last, 6, due);
	case SCHEDULE_ADOPTION_AUTHORITY:
		if (s->n == 0)
			return cal_add_months(since, 3, due);
		return cal_add_months(s->last, 6, due);
	case SCHEDULE_ADOPTION_PLACED:
		if (s->n == 0) {
			/* "Within 4 weeks": 28 calendar days. */
			*due = since + 28;
			return cal_valid(*due) ? 0 : IRO_EINVAL;
		}
		return cal_add_months(s->last, s->n == 1 ? 3 : 6, due);
	}
	return IRO_EINVAL;
}

int
schedule_next_review(const struct cal_holidays *h,
    const struct schedule_input *in, struct schedule_due *out)
{
	struct held_summary s;
	enum schedule_kind kind;
	cal_day from, due = 0;
	int rc;

	if (out == NULL)
		return IRO_EINVAL;
	out->basis = SCHEDULE_NONE;
	out->due = 0;
	out->last_held = -1;
	out->held = 0;
	if (in == NULL || (rc = check_input(in)) != 0)
		return IRO_EINVAL;
	/* An adoption stage starts its own sequence of reviews; without
	 * its date only the standard schedule can be run honestly. */
	kind = in->kind;
	from = in->care_start;
	if (adoption(in) && in->adoption_since == SCHEDULE_NO_DATE)
		kind = SCHEDULE_STANDARD;
	else if (adoption(in) && in->adoption_since > from)
		from = in->adoption_since;
	summarise(in, from, &s);
	out->last_held = s.last;
	out->held = s.n;
	if (in->care_ended)
		return 0;
	if ((rc = due_date(h, in, kind, from, &s, &due)) != 0) {
		out->last_held = -1;
		out->held = 0;
		return rc;
	}
	out->basis = basis_of(s.n);
	out->due = due;
	return 0;
}

bool
schedule_overdue(const struct schedule_due *d, cal_day today)
{
	return d != NULL && d->basis != SCHEDULE_NONE && today > d->due;
}

int
schedule_deadline(const struct cal_holidays *h, cal_day from, int days,
    cal_day *out)
{
	*out = 0;
	if (days < 0)
		return IRO_EINVAL;
	return cal_add_working_days(h, from, days, out);
}
