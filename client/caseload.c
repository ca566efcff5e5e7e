/*
 * caseload.c - iro_caseload_get, iro_child_summary_get and the caseload's
 * accessors: each child's standing, from the worklist.
 */
#include <stdlib.h>
#include <string.h>

#include "lease.h"
#include "worklist.h"

struct entry {
	const struct casework_child *c;
	const struct iro_record *r;       /* the child's record */
	struct casework_summary s;
	char due[11], visit[11], response[11];
};

struct iro_caseload {
	struct worklist *w;
	struct entry *e;
	size_t n;
};

void
iro_caseload_free(struct iro_caseload *c)
{
	if (c == NULL)
		return;
	worklist_free(c->w);
	free(c->e);
	free(c);
}

static int
str_cmp(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	bool da = a->s.next.basis != SCHEDULE_NONE;
	bool db = b->s.next.basis != SCHEDULE_NONE;
	int d;

	if (da != db)
		return da ? -1 : 1;
	if (da && a->s.next.due != b->s.next.due)
		return a->s.next.due < b->s.next.due ? -1 : 1;
	if ((d = str_cmp(a->c->family_name, b->c->family_name)) != 0 ||
	    (d = str_cmp(a->c->given_name, b->c->given_name)) != 0)
		return d;
	return str_cmp(a->c->id, b->c->id);
}

static int
summarize(struct iro *h, struct worklist *w, size_t k, cal_day today,
    struct entry *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->c = &w->kids[k];
	e->r = iro_list_at(w->l[WORKLIST_CHILD], k);
	rc = casework_summarize(w->hol, e->c, today, &e->s);
	if (rc != 0)
		return handle_fail(h, rc, "cannot summarise child '%s': %s",
		    e->c->id, iro_strerror(rc));
	if (e->s.next.basis != SCHEDULE_NONE)
		cal_format(e->s.next.due, e->due);
	if (e->s.last_visit != CASEWORK_NO_DATE)
		cal_format(e->s.last_visit, e->visit);
	if (e->s.stage != NULL && e->s.stage->responded == CASEWORK_NO_DATE &&
	    e->s.stage->response_due != CASEWORK_NO_DATE)
		cal_format(e->s.stage->response_due, e->response);
	return 0;
}

/* The caseload of every child, or of the one at index `only`. */
static int
caseload(struct iro *h, const char *today_text, const char *only,
    struct iro_caseload **out)
{
	struct iro_caseload *c = NULL;
	char id[IRO_ID_HEX + 1];
	cal_day today;
	size_t k, first = 0, end;
	int rc;

	*out = NULL;
	if ((rc = lease_check(h)) != 0 ||
	    (rc = worklist_today(h, today_text, &today)) != 0)
		return rc;
	if (only != NULL && (rc = iro_find_child(h, only, id)) != 0)
		return rc;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	if ((rc = worklist_load(h, WORKLIST_ALL, &c->w)) != 0)
		goto fail;
	end = c->w->nkids;
	if (only != NULL) {
		first = worklist_find_child(c->w, id);
		end = first < c->w->nkids ? first + 1 : first;
	}
	if ((c->e = calloc(end - first + 1, sizeof(*c->e))) == NULL) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto fail;
	}
	for (k = first; k < end; k++)
		if ((rc = summarize(h, c->w, k, today, &c->e[c->n++])) != 0)
			goto fail;
	if (c->n > 1)
		qsort(c->e, c->n, sizeof(*c->e), entry_cmp);
	*out = c;
	return 0;
fail:
	iro_caseload_free(c);
	return rc;
}

int
iro_caseload_get(struct iro *h, const char *today, struct iro_caseload **out)
{
	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL)
		return IRO_EINVAL;
	return caseload(h, today, NULL, out);
}

int
iro_child_summary_get(struct iro *h, const char *child, const char *today,
    struct iro_caseload **out)
{
	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL || child == NULL)
		return IRO_EINVAL;
	return caseload(h, today, child, out);
}

size_t
iro_caseload_count(const struct iro_caseload *c)
{
	return c != NULL ? c->n : 0;
}

static const char *
basis_name(enum schedule_basis b)
{
	switch (b) {
	case SCHEDULE_FIRST: return "first";
	case SCHEDULE_SECOND: return "second";
	case SCHEDULE_SUBSEQUENT: return "subsequent";
	default: return NULL;
	}
}

static const char *
or_null(const char *date)
{
	return date[0] != '\0' ? date : NULL;
}

int
iro_caseload_at(const struct iro_caseload *c, size_t i,
    struct iro_child_summary *out)
{
	const struct entry *e;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (c == NULL || out == NULL)
		return IRO_EINVAL;
	if (i >= c->n)
		return IRO_ENOTFOUND;
	e = &c->e[i];
	out->id = e->c->id;
	out->child_id = e->c->child_id;
	out->given_name = e->c->given_name;
	out->family_name = e->c->family_name;
	out->dob = worklist_str(e->r, "dob");
	out->iro = worklist_str(e->r, "iro");
	out->next_review_due = or_null(e->due);
	out->review_overdue = e->s.overdue;
	out->working_days_left = e->s.working_days_left;
	out->review_basis = basis_name(e->s.next.basis);
	out->out_of_area = e->s.out_of_area;
	out->last_visit = or_null(e->visit);
	out->open_decisions = e->s.open_decisions;
	out->drifting_decisions = e->s.drifting_decisions;
	out->dispute_stage = e->s.stage != NULL ? e->s.stage->stage : NULL;
	out->dispute_response_due = or_null(e->response);
	out->consultation_done = e->s.consultation_done;
	return 0;
}
