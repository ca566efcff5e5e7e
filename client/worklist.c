/*
 * worklist.c - loading the replica's casework into plain structs,
 * shared by the caseload, the agenda and local edits.
 *
 * A worklist is built from public snapshots (iro_list), so every string
 * in it is borrowed from lists it owns, and it outlives the handle.
 * Records are tied to their child by a counting sort over the children's
 * ids: each child's reviews, visits, decisions and disputes are one run
 * of the corresponding array, and each dispute's stages one run of the
 * stages array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worklist.h"

/* The order of `l` in struct worklist, by enum worklist_type. */
struct runs {
	size_t *start;              /* owners + 1 entries */
	size_t *order;              /* indices into the grouped list */
};

static const char *const load_types[WORKLIST_NTYPES] = {
	"child", "review", "visit", "decision", "dispute", "dispute_stage",
	"holiday", "setting"
};

const char *
worklist_str(const struct iro_record *r, const char *field)
{
	struct iro_value v;

	if (iro_record_get(r, field, &v) != 0 || v.type != IRO_V_STR)
		return NULL;
	return v.s;
}

cal_day
worklist_date(const struct iro_record *r, const char *field)
{
	const char *s = worklist_str(r, field);
	cal_day d;

	if (s == NULL || cal_parse(s, &d) != 0)
		return CASEWORK_NO_DATE;
	return d;
}

/* -1 when not set, else 0 or 1. */
static int
rec_bool(const struct iro_record *r, const char *field)
{
	struct iro_value v;

	if (iro_record_get(r, field, &v) != 0 || v.type != IRO_V_BOOL)
		return -1;
	return v.b != 0;
}

static int
rec_int(const struct iro_record *r, const char *field)
{
	struct iro_value v;

	if (iro_record_get(r, field, &v) != 0 || v.type != IRO_V_INT ||
	    v.i < 0 || v.i > 1000)
		return 0;
	return (int)v.i;
}

static bool
rec_is(const struct iro_record *r, const char *field, const char *want)
{
	const char *s = worklist_str(r, field);

	return s != NULL && strcmp(s, want) == 0;
}

/* The index in l (ordered by id) of the record with id hex, or n. */
static size_t
find_id(const struct iro_list *l, const char *hex)
{
	size_t lo = 0, hi = iro_list_count(l);

	while (hex != NULL && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(hex, iro_record_id(iro_list_at(l, mid)));

		if (d == 0)
			return mid;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return iro_list_count(l);
}

/*
 * Group the records of l by the owner (a record of owners) their `field`
 * names: order[start[k] .. start[k + 1]) are the indices in l of owner
 * k's records.  Records naming no owner are left out.
 */
static int
runs_build(const struct iro_list *owners, const struct iro_list *l,
    const char *field, struct runs *out)
{
	size_t n = iro_list_count(l), m = iro_list_count(owners), i;
	size_t *owner = NULL, *pos = NULL;
	int rc = IRO_ENOMEM;

	memset(out, 0, sizeof(*out));
	if (m >= SIZE_MAX / sizeof(size_t) || n >= SIZE_MAX / sizeof(size_t))
		return IRO_ENOMEM;
	out->start = calloc(m + 1, sizeof(*out->start));
	out->order = calloc(n + 1, sizeof(*out->order));
	owner = calloc(n + 1, sizeof(*owner));
	pos = calloc(m + 1, sizeof(*pos));
	if (out->start == NULL || out->order == NULL || owner == NULL ||
	    pos == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		owner[i] = find_id(owners, worklist_str(iro_list_at(l, i), field));
		if (owner[i] < m)
			out->start[owner[i] + 1]++;
	}
	for (i = 0; i < m; i++)
		out->start[i + 1] += out->start[i];
	memcpy(pos, out->start, (m + 1) * sizeof(*pos));
	for (i = 0; i < n; i++)
		if (owner[i] < m)
			out->order[pos[owner[i]]++] = i;
	rc = 0;
out:
	free(owner);
	free(pos);
	return rc;
}

static void
runs_clear(struct runs *r)
{
	free(r->start);
	free(r->order);
	memset(r, 0, sizeof(*r));
}

static void
fill_review(const struct iro_record *r, struct casework_review *out)
{
	out->id = iro_record_id(r);
	if (casework_review_status_parse(worklist_str(r, "status"),
	    &out->status) != 0)
		out->status = CASEWORK_REVIEW_PLANNED;
	out->due = worklist_date(r, "due");
	out->meeting_date = worklist_date(r, "meeting_date");
	out->decisions_distributed = worklist_date(r, "decisions_distributed");
	out->record_completed = worklist_date(r, "record_completed");
}

static void
fill_visit(const struct iro_record *r, struct casework_visit *out)
{
	out->id = iro_record_id(r);
	out->date = worklist_date(r, "date");
	out->pre_review = rec_is(r, "purpose", "pre_review");
	out->child_seen = rec_bool(r, "child_seen") == 1;
}

static void
fill_decision(const struct iro_record *r, struct casework_decision *out)
{
	out->id = iro_record_id(r);
	out->text = worklist_str(r, "text");
	out->responsible = worklist_str(r, "responsible");
	out->open = rec_is(r, "status", "open");
	out->due = worklist_date(r, "due");
	out->carried = rec_int(r, "carried");
}

static void
fill_stage(const struct iro_record *r, struct casework_stage *out)
{
	out->id = iro_record_id(r);
	out->stage = worklist_str(r, "stage");
	out->sent = worklist_date(r, "sent");
	out->response_due = worklist_date(r, "response_due");
	out->responded = worklist_date(r, "responded");
}

static void
fill_child(const struct iro_record *r, struct casework_child *out)
{
	const char *ls = worklist_str(r, "legal_status");

	out->id = iro_record_id(r);
	out->child_id = worklist_str(r, "child_id");
	out->given_name = worklist_str(r, "given_name");
	out->family_name = worklist_str(r, "family_name");
	out->dob = worklist_date(r, "dob");
	out->care_start = worklist_date(r, "care_start");
	out->care_end = worklist_date(r, "care_end");
	out->short_breaks = ls != NULL &&
	    (strcmp(ls, "V3") == 0 || strcmp(ls, "V4") == 0);
	if (casework_adoption_parse(worklist_str(r, "adoption_stage"),
	    &out->adoption) != 0)
		out->adoption = CASEWORK_ADOPTION_NONE;
	out->adoption_since = worklist_date(r, "adoption_since");
	out->out_of_area = rec_bool(r, "out_of_area");
}

/* Allocate n elements of size sz (at least one, so never NULL on
 * success). */
static void *
alloc_n(size_t n, size_t sz)
{
	if (n >= SIZE_MAX / sz)
		return NULL;
	return calloc(n + 1, sz);
}

/* The stages, then the disputes pointing at their runs of stages. */
static int
build_disputes(struct worklist *w, struct runs *by_child)
{
	const struct iro_list *dl = w->l[WORKLIST_DISPUTE];
	const struct iro_list *sl = w->l[WORKLIST_STAGE];
	struct runs by_dispute;
	size_t i, j, k = 0;
	int rc;

	if ((rc = runs_build(dl, sl, "dispute", &by_dispute)) != 0)
		return rc;
	w->stages = alloc_n(iro_list_count(sl), sizeof(*w->stages));
	w->disputes = alloc_n(iro_list_count(dl), sizeof(*w->disputes));
	if (w->stages == NULL || w->disputes == NULL) {
		rc = IRO_ENOMEM;
		goto out;
	}
	for (i = 0; i < iro_list_count(dl); i++) {
		struct casework_stage *first = &w->stages[k];

		for (j = by_dispute.start[i]; j < by_dispute.start[i + 1]; j++)
			fill_stage(iro_list_at(sl, by_dispute.order[j]),
			    &w->stages[k++]);
		/* Filled below, in child order, from this list index. */
		w->dispute_stages[i].stages = first;
		w->dispute_stages[i].n = by_dispute.start[i + 1] -
		    by_dispute.start[i];
	}
	for (i = 0; i < by_child->start[iro_list_count(w->l[WORKLIST_CHILD])];
	    i++) {
		const struct iro_record *r = iro_list_at(dl, by_child->order[i]);
		struct casework_dispute *d = &w->disputes[i];

		d->id = iro_record_id(r);
		d->category = worklist_str(r, "category");
		d->open = rec_is(r, "status", "open");
		d->opened = worklist_date(r, "opened");
		d->stages = w->dispute_stages[by_child->order[i]].stages;
		d->nstages = w->dispute_stages[by_child->order[i]].n;
	}
out:
	runs_clear(&by_dispute);
	return rc;
}

/* Per type: the run of each child in the type's casework array. */
static int
build_children(struct worklist *w)
{
	const struct iro_list *kids = w->l[WORKLIST_CHILD];
	struct runs runs[WORKLIST_DISPUTE + 1];
	size_t n = iro_list_count(kids), i, j, t;
	int rc = 0;

	memset(runs, 0, sizeof(runs));
	w->kids = alloc_n(n, sizeof(*w->kids));
	w->names = alloc_n(n, sizeof(*w->names));
	w->reviews = alloc_n(iro_list_count(w->l[WORKLIST_REVIEW]),
	    sizeof(*w->reviews));
	w->visits = alloc_n(iro_list_count(w->l[WORKLIST_VISIT]),
	    sizeof(*w->visits));
	w->decisions = alloc_n(iro_list_count(w->l[WORKLIST_DECISION]),
	    sizeof(*w->decisions));
	w->dispute_stages = alloc_n(iro_list_count(w->l[WORKLIST_DISPUTE]),
	    sizeof(*w->dispute_stages));
	if (w->kids == NULL || w->names == NULL || w->reviews == NULL ||
	    w->visits == NULL || w->decisions == NULL ||
	    w->dispute_stages == NULL)
		return IRO_ENOMEM;
	for (t = WORKLIST_REVIEW; t <= WORKLIST_DISPUTE && rc == 0; t++)
		rc = runs_build(kids, w->l[t], "child", &runs[t]);
	if (rc == 0)
		rc = build_disputes(w, &runs[WORKLIST_DISPUTE]);
	for (i = 0; rc == 0 && i < n; i++) {
		const struct iro_list *l;
		struct casework_child *c = &w->kids[i];

		fill_child(iro_list_at(kids, i), c);
		l = w->l[WORKLIST_REVIEW];
		c->reviews = &w->reviews[runs[WORKLIST_REVIEW].start[i]];
		for (j = runs[WORKLIST_REVIEW].start[i];
		    j < runs[WORKLIST_REVIEW].start[i + 1]; j++, c->nreviews++)
			fill_review(iro_list_at(l, runs[WORKLIST_REVIEW].order[j]),
			    &w->reviews[j]);
		l = w->l[WORKLIST_VISIT];
		c->visits = &w->visits[runs[WORKLIST_VISIT].start[i]];
		for (j = runs[WORKLIST_VISIT].start[i];
		    j < runs[WORKLIST_VISIT].start[i + 1]; j++, c->nvisits++)
			fill_visit(iro_list_at(l, runs[WORKLIST_VISIT].order[j]),
			    &w->visits[j]);
		l = w->l[WORKLIST_DECISION];
		c->decisions = &w->decisions[runs[WORKLIST_DECISION].start[i]];
		for (j = runs[WORKLIST_DECISION].start[i];
		    j < runs[WORKLIST_DECISION].start[i + 1]; j++, c->ndecisions++)
			fill_decision(iro_list_at(l,
			    runs[WORKLIST_DECISION].order[j]), &w->decisions[j]);
		c->disputes = &w->disputes[runs[WORKLIST_DISPUTE].start[i]];
		c->ndisputes = runs[WORKLIST_DISPUTE].start[i + 1] -
		    runs[WORKLIST_DISPUTE].start[i];
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = worklist_name(&w->kids[i], &w->names[i]);
	for (t = 0; t <= WORKLIST_DISPUTE; t++)
		runs_clear(&runs[t]);
	return rc;
}

int
worklist_name(const struct casework_child *c, char **out)
{
	const char *g = c->given_name != NULL ? c->given_name : "";
	const char *f = c->family_name != NULL ? c->family_name : "";
	size_t len = strlen(g) + strlen(f) + 2;

	if ((*out = malloc(len)) == NULL)
		return IRO_ENOMEM;
	snprintf(*out, len, "%s%s%s", g, g[0] != '\0' && f[0] != '\0' ?
	    " " : "", f);
	return 0;
}

static int
load_calendar(struct iro *h, const struct iro_list *hols,
    const struct iro_list *sets, struct cal_holidays **hol,
    struct casework_settings *set)
{
	size_t i;
	int rc;

	casework_settings_default(set);
	if ((rc = cal_holidays_new(hol)) != 0)
		return handle_fail(h, rc, "out of memory");
	for (i = 0; i < iro_list_count(hols); i++) {
		const struct iro_record *r = iro_list_at(hols, i);
		cal_day d = worklist_date(r, "date");

		if (d == CASEWORK_NO_DATE)
			continue;
		rc = cal_holidays_set(*hol, d, rec_bool(r, "working") == 1);
		if (rc != 0) {
			cal_holidays_free(*hol);
			*hol = NULL;
			return handle_fail(h, rc, "cannot use holiday '%s': %s",
			    iro_record_id(r), iro_strerror(rc));
		}
	}
	/* A value the server let through but this version cannot read
	 * keeps the default rather than hiding the whole worklist. */
	for (i = 0; i < iro_list_count(sets); i++)
		(void)casework_settings_set(set,
		    worklist_str(iro_list_at(sets, i), "name"),
		    worklist_str(iro_list_at(sets, i), "value"));
	return 0;
}

int
worklist_load(struct iro *h, unsigned types, struct worklist **out)
{
	struct worklist *w;
	size_t t;
	int rc = 0;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	types |= 1u << WORKLIST_CHILD | 1u << WORKLIST_HOLIDAY | 1u << WORKLIST_SETTING;
	for (t = 0; t < WORKLIST_NTYPES && rc == 0; t++)
		if (types & (1u << t))
			rc = iro_list(h, load_types[t], &w->l[t]);
	if (rc == 0)
		rc = load_calendar(h, w->l[WORKLIST_HOLIDAY], w->l[WORKLIST_SETTING],
		    &w->hol, &w->set);
	if (rc == 0 && (rc = build_children(w)) != 0)
		handle_fail(h, rc, "out of memory");
	if (rc != 0) {
		worklist_free(w);
		return rc;
	}
	w->nkids = iro_list_count(w->l[WORKLIST_CHILD]);
	*out = w;
	return 0;
}

void
worklist_free(struct worklist *w)
{
	size_t t;

	if (w == NULL)
		return;
	for (t = 0; w->names != NULL && t < iro_list_count(w->l[WORKLIST_CHILD]);
	    t++)
		free(w->names[t]);
	for (t = 0; t < WORKLIST_NTYPES; t++)
		iro_list_free(w->l[t]);
	cal_holidays_free(w->hol);
	free(w->names);
	free(w->kids);
	free(w->reviews);
	free(w->visits);
	free(w->decisions);
	free(w->disputes);
	free(w->dispute_stages);
	free(w->stages);
	free(w);
}

int
worklist_today(struct iro *h, const char *text, cal_day *out)
{
	struct tm tm;
	time_t t;

	*out = 0;
	if (text != NULL) {
		if (cal_parse(text, out) != 0)
			return handle_fail(h, IRO_EINVAL,
			    "invalid date '%.40s' for today: expected "
			    "YYYY-MM-DD", text);
		return 0;
	}
	t = (time_t)(handle_now_ms(h) / 1000);
	if (localtime_r(&t, &tm) == NULL ||
	    cal_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    out) != 0)
		return handle_fail(h, IRO_EINVAL,
		    "the clock does not give a date");
	return 0;
}

int
worklist_calendar(struct iro *h, struct cal_holidays **hol,
    struct casework_settings *set)
{
	struct iro_list *hols = NULL, *sets = NULL;
	int rc;

	*hol = NULL;
	if ((rc = iro_list(h, "holiday", &hols)) == 0 &&
	    (rc = iro_list(h, "setting", &sets)) == 0)
		rc = load_calendar(h, hols, sets, hol, set);
	iro_list_free(hols);
	iro_list_free(sets);
	return rc;
}

int
worklist_next_review(struct iro *h, const char *child_hex,
    struct schedule_due *out)
{
	struct worklist *w = NULL;
	size_t k;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = worklist_load(h, 1u << WORKLIST_REVIEW, &w)) != 0)
		return rc;
	k = find_id(w->l[WORKLIST_CHILD], child_hex);
	if (k == w->nkids)
		rc = handle_fail(h, IRO_ENOTFOUND, "no child '%.40s'",
		    child_hex != NULL ? child_hex : "");
	else if ((rc = casework_next_review(w->hol, &w->kids[k], out)) != 0)
		handle_fail(h, rc, "cannot compute the next review: %s",
		    iro_strerror(rc));
	worklist_free(w);
	return rc;
}

size_t
worklist_find_child(const struct worklist *w, const char *hex)
{
	return find_id(w->l[WORKLIST_CHILD], hex);
}
