/*
 * datefill.c - the dates a new record gets from the casework schedule
 * when the user does not give them.
 */
#include <string.h>

#include "datefill.h"
#include "worklist.h"

/* The value slot in vals of t's field `name`, and the field. */
static struct value *
slot(const struct schema_type *t, struct value *vals, const char *name,
    const struct schema_field **f)
{
	size_t k;

	*f = NULL;
	for (k = 0; k < t->nfields; k++) {
		if (strcmp(t->fields[k].name, name) == 0) {
			*f = &t->fields[k];
			return &vals[k];
		}
	}
	return NULL;
}

static int
put_date(struct iro *h, const struct schema_field *f, cal_day d,
    struct value *v)
{
	char text[11], why[HANDLE_ERRMSG_MAX];
	int rc;

	cal_format(d, text);
	rc = schema_parse_text(f, text, v, why, sizeof(why));
	if (rc == IRO_ENOMEM)
		return handle_fail(h, rc, "out of memory");
	if (rc != 0)
		return handle_fail(h, rc, "%s", why);
	return 0;
}

/* A new review not given its due date is due when the schedule says. */
static int
fill_review_due(struct iro *h, const struct schema_type *t,
    struct value *vals)
{
	const struct schema_field *fd, *fc;
	struct value *due = slot(t, vals, "due", &fd);
	struct value *child = slot(t, vals, "child", &fc);
	struct schedule_due next;
	int rc;

	if (due == NULL || due->type != VALUE_NIL || child == NULL ||
	    child->type != VALUE_STR)
		return 0;
	if ((rc = worklist_next_review(h, child->s, &next)) != 0)
		return rc;
	if (next.basis == SCHEDULE_NONE)
		return 0;
	return put_date(h, fd, next.due, due);
}

/* A new dispute stage not given its response date gets the council's
 * timescale for the stage, in working days after it was sent. */
static int
fill_response_due(struct iro *h, const struct schema_type *t,
    struct value *vals)
{
	const struct schema_field *fd, *fs, *fst;
	struct value *due = slot(t, vals, "response_due", &fd);
	struct value *sent = slot(t, vals, "sent", &fs);
	struct value *stage = slot(t, vals, "stage", &fst);
	struct cal_holidays *hol = NULL;
	struct casework_settings set;
	cal_day from, when;
	int rc, days;

	if (due == NULL || due->type != VALUE_NIL || sent == NULL ||
	    sent->type != VALUE_STR || stage == NULL ||
	    stage->type != VALUE_STR || cal_parse(sent->s, &from) != 0)
		return 0;
	if ((rc = worklist_calendar(h, &hol, &set)) != 0)
		return rc;
	if (casework_stage_days(&set, stage->s, &days) == 0) {
		if ((rc = schedule_deadline(hol, from, days, &when)) != 0)
			rc = handle_fail(h, rc, "cannot compute the response "
			    "due date from '%s': %s", sent->s,
			    iro_strerror(rc));
		else
			rc = put_date(h, fd, when, due);
	}
	cal_holidays_free(hol);
	return rc;
}

int
datefill_create(struct iro *h, const struct schema_type *t,
    struct value *vals)
{
	if (strcmp(t->name, "review") == 0)
		return fill_review_due(h, t, vals);
	if (strcmp(t->name, "dispute_stage") == 0)
		return fill_response_due(h, t, vals);
	return 0;
}
