/*
 * child_list.c - iro_list_child: one child's records of one type, in
 * date order, for a view of the child's whole picture.
 */
#include <stdlib.h>
#include <string.h>

#include "lease.h"
#include "worklist.h"

/* The date field a type is ordered by, and a second choice. */
static void
date_fields(const char *type, const char **first, const char **second)
{
	*first = *second = NULL;
	if (strcmp(type, "visit") == 0)
		*first = "date";
	else if (strcmp(type, "review") == 0) {
		*first = "meeting_date";
		*second = "due";
	} else if (strcmp(type, "decision") == 0)
		*first = "due";
	else if (strcmp(type, "dispute") == 0)
		*first = "opened";
	else if (strcmp(type, "dispute_stage") == 0)
		*first = "sent";
}

struct keyed {
	cal_day date;                     /* CASEWORK_NO_DATE sorts last */
	struct iro_record *r;
};

static int
keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;

	if (a->date != b->date) {
		if (a->date == CASEWORK_NO_DATE || b->date == CASEWORK_NO_DATE)
			return a->date == CASEWORK_NO_DATE ? 1 : -1;
		return a->date < b->date ? -1 : 1;
	}
	return strcmp(iro_record_id(a->r), iro_record_id(b->r));
}

static int
id_cmp(const void *key, const void *elem)
{
	return strcmp(key, elem);
}

/* Whether r's ref `field` names one of the sorted ids. */
static bool
names_one(const struct iro_record *r, const char *field, char (*ids)[33],
    size_t n)
{
	const char *v = worklist_str(r, field);

	return v != NULL && bsearch(v, ids, n, sizeof(*ids), id_cmp) != NULL;
}

/* The ids of the child's live disputes (sorted, as iro_list is). */
static int
dispute_ids(struct iro *h, const char *child, char (**ids)[33], size_t *n)
{
	struct iro_list *l = NULL;
	size_t i;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = iro_list(h, "dispute", &l)) != 0)
		return rc;
	if ((*ids = calloc(l->n + 1, sizeof(**ids))) == NULL) {
		iro_list_free(l);
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	}
	for (i = 0; i < l->n; i++) {
		const char *c = worklist_str(l->recs[i], "child");

		if (c != NULL && strcmp(c, child) == 0)
			memcpy((*ids)[(*n)++], iro_record_id(l->recs[i]), 33);
	}
	iro_list_free(l);
	return 0;
}

/* Keep in l only the records about the child, ordered by date. */
static int
select_sort(struct iro *h, struct iro_list *l, const char *type,
    const char *child, char (*disputes)[33], size_t ndisputes)
{
	const char *first, *second;
	struct keyed *k;
	size_t i, n = 0;

	date_fields(type, &first, &second);
	if ((k = calloc(l->n + 1, sizeof(*k))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	for (i = 0; i < l->n; i++) {
		struct iro_record *r = l->recs[i];
		bool keep = disputes != NULL ?
		    names_one(r, "dispute", disputes, ndisputes) :
		    worklist_str(r, "child") != NULL &&
		    strcmp(worklist_str(r, "child"), child) == 0;

		if (!keep) {
			iro_record_free(r);
			continue;
		}
		k[n].r = r;
		k[n].date = first != NULL ? worklist_date(r, first) :
		    CASEWORK_NO_DATE;
		if (k[n].date == CASEWORK_NO_DATE && second != NULL)
			k[n].date = worklist_date(r, second);
		n++;
	}
	if (n > 1)
		qsort(k, n, sizeof(*k), keyed_cmp);
	for (i = 0; i < n; i++)
		l->recs[i] = k[i].r;
	l->n = n;
	free(k);
	return 0;
}

int
iro_list_child(struct iro *h, const char *type, const char *child,
    struct iro_list **out)
{
	const struct schema_type *t;
	const struct schema_field *f;
	struct iro_list *l = NULL;
	char (*disputes)[33] = NULL, id[IRO_ID_HEX + 1];
	size_t ndisputes = 0;
	bool stages;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL || type == NULL || child == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	t = schema_type_find(type);
	stages = t != NULL && strcmp(t->name, "dispute_stage") == 0;
	f = t != NULL ? schema_field_find(t, "child") : NULL;
	if (!stages && (f == NULL || f->kind != SCHEMA_REF ||
	    f->ref_type == NULL || strcmp(f->ref_type, "child") != 0))
		return handle_fail(h, IRO_EINVAL,
		    "'%.40s' is not a record type about a child", type);
	if ((rc = iro_find_child(h, child, id)) != 0)
		return rc;
	if (stages && (rc = dispute_ids(h, id, &disputes, &ndisputes)) != 0)
		return rc;
	if ((rc = iro_list(h, t->name, &l)) != 0)
		goto out;
	if ((rc = select_sort(h, l, t->name, id, stages ? disputes : NULL,
	    ndisputes)) != 0)
		goto out;
	*out = l;
	l = NULL;
out:
	iro_list_free(l);
	free(disputes);
	return rc;
}
