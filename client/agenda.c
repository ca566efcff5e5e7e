/*
 * agenda.c - iro_agenda_get and the agenda's accessors: what is due
 * across the caseload, from the worklist.
 */
#include <stdlib.h>
#include <string.h>

#include "lease.h"
#include "worklist.h"

struct iro_agenda {
	struct worklist *w;
	struct casework_agenda *a;
	char (*dates)[11];                /* one per item */
};

void
iro_agenda_free(struct iro_agenda *a)
{
	if (a == NULL)
		return;
	casework_agenda_free(a->a);
	worklist_free(a->w);
	free(a->dates);
	free(a);
}

int
iro_agenda_get(struct iro *h, const char *today_text, int days,
    struct iro_agenda **out)
{
	struct iro_agenda *a = NULL;
	cal_day today;
	size_t i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	if (days < 0 || days > CASEWORK_DAYS_MAX)
		return handle_fail(h, IRO_EINVAL,
		    "invalid number of days %d: expected 0 to %d", days,
		    CASEWORK_DAYS_MAX);
	if ((rc = worklist_today(h, today_text, &today)) != 0)
		return rc;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	if ((rc = worklist_load(h, WORKLIST_ALL, &a->w)) != 0)
		goto fail;
	rc = casework_agenda(a->w->hol, &a->w->set, a->w->kids, a->w->nkids,
	    today, days, &a->a);
	if (rc != 0) {
		handle_fail(h, rc, "cannot make the agenda: %s",
		    iro_strerror(rc));
		goto fail;
	}
	if ((a->dates = calloc(a->a->n + 1, sizeof(*a->dates))) == NULL) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < a->a->n; i++)
		cal_format(a->a->items[i].date, a->dates[i]);
	*out = a;
	return 0;
fail:
	iro_agenda_free(a);
	return rc;
}

size_t
iro_agenda_count(const struct iro_agenda *a)
{
	return a != NULL && a->a != NULL ? a->a->n : 0;
}

int
iro_agenda_at(const struct iro_agenda *a, size_t i,
    struct iro_agenda_item *out)
{
	const struct casework_item *it;
	size_t k;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (a == NULL || out == NULL)
		return IRO_EINVAL;
	if (i >= iro_agenda_count(a))
		return IRO_ENOTFOUND;
	it = &a->a->items[i];
	/* Items point at the worklist's children, so this is its index. */
	k = (size_t)(it->child - a->w->kids);
	out->date = a->dates[i];
	out->kind = casework_item_kind_name(it->kind);
	out->child = it->child->id;
	out->child_id = it->child->child_id;
	out->child_name = a->w->names[k];
	out->record = it->record;
	out->text = it->text;
	out->working_days_left = it->working_days_left;
	out->overdue = it->overdue;
	return 0;
}
