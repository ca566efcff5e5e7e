/*
 * merge.c - the merge of a record's field-level changes into its state.
 *
 * A pure function of the set of changes.  Order independence comes from
 * sorting everything into one total order (stamp, then seq, then content)
 * before any decision is made; duplicate insensitivity from keeping one
 * change per id, chosen by that same order.  Each record costs
 * O(n log n): two sorts, and per field a sort of the stamps its changes
 * name plus one binary search per change.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iro_error.h"
#include "merge.h"
#include "schema.h"

static int
value_cmp(const struct value *a, const struct value *b)
{
	size_t n;
	int r;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	switch (a->type) {
	case VALUE_NIL:
		return 0;
	case VALUE_BOOL:
		return (int)a->b - (int)b->b;
	case VALUE_INT:
		return a->i < b->i ? -1 : a->i > b->i;
	case VALUE_STR:
		n = a->len < b->len ? a->len : b->len;
		r = n > 0 ? memcmp(a->s, b->s, n) : 0;
		if (r != 0)
			return r;
		return a->len < b->len ? -1 : a->len > b->len;
	}
	return 0;
}

/* Everything but the stamp and seq, so that two changes that share an id
 * (a device that reused one) are still told apart the same way always. */
static int
content_cmp(const struct change *a, const struct change *b)
{
	size_t i;
	int r;

	if ((r = strcmp(a->type, b->type)) != 0 ||
	    (r = strcmp(a->field, b->field)) != 0 ||
	    (r = memcmp(a->record, b->record, LIMIT_ID_LEN)) != 0 ||
	    (r = value_cmp(&a->value, &b->value)) != 0 ||
	    (r = strcmp(a->author, b->author)) != 0)
		return r;
	if (a->has_base != b->has_base)
		return a->has_base ? 1 : -1;
	if (a->has_base && (r = stamp_cmp(&a->base, &b->base)) != 0)
		return r;
	if (a->nsup != b->nsup)
		return a->nsup < b->nsup ? -1 : 1;
	for (i = 0; i < a->nsup; i++)
		if ((r = stamp_cmp(&a->sup[i], &b->sup[i])) != 0)
			return r;
	return 0;
}

/* The total order every decision is made in. */
static int
order_cmp(const struct change *a, const struct change *b)
{
	int r = stamp_cmp(&a->ts, &b->ts);

	if (r != 0)
		return r;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return content_cmp(a, b);
}

/* By id first, so duplicates sit together with the one to keep first. */
static int
qs_by_id(const void *pa, const void *pb)
{
	const struct change *a = *(const struct change *const *)pa;
	const struct change *b = *(const struct change *const *)pb;
	int r = memcmp(a->ts.device, b->ts.device, LIMIT_ID_LEN);

	if (r != 0)
		return r;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return order_cmp(a, b);
}

static int
qs_by_field(const void *pa, const void *pb)
{
	const struct change *a = *(const struct change *const *)pa;
	const struct change *b = *(const struct change *const *)pb;
	int r = strcmp(a->field, b->field);

	return r != 0 ? r : order_cmp(a, b);
}

static int
qs_stamp(const void *pa, const void *pb)
{
	return stamp_cmp(*(const struct stamp *const *)pa,
	    *(const struct stamp *const *)pb);
}

static bool
named(const struct stamp *const *refs, size_t n, const struct stamp *s)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = stamp_cmp(refs[mid], s);

		if (r == 0)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Changes come from stores and the wire: refuse what would make the merge
 * read out of bounds rather than trust every caller to have checked. */
static bool
well_formed(const struct change *c)
{
	return memchr(c->type, '\0', sizeof(c->type)) != NULL &&
	    memchr(c->field, '\0', sizeof(c->field)) != NULL &&
	    memchr(c->author, '\0', sizeof(c->author)) != NULL &&
	    c->nsup <= LIMIT_SUPERSEDES && (c->nsup == 0 || c->sup != NULL) &&
	    (c->value.type != VALUE_STR || c->value.s != NULL);
}

/* Scratch space shared by every field of one record. */
struct work {
	const struct change **v;        /* unique changes, by field/order */
	size_t n;
	bool *blocked;                  /* parallel to v */
	const struct stamp **all;       /* stamps named as base or in sup */
	const struct stamp **sup;       /* stamps named in sup */
	const struct stamp *frozen_at;  /* F, or NULL */
	const struct schema_type *type; /* NULL if not in the schema */
};

/* Collect the stamps named by v[lo..hi) (skipping blocked ones), sorted.
 * w->all and w->sup are big enough for the whole record. */
static void
collect(struct work *w, size_t lo, size_t hi, size_t *nall, size_t *nsup)
{
	size_t i, k, na = 0, ns = 0;

	for (i = lo; i < hi; i++) {
		const struct change *c = w->v[i];

		if (w->blocked[i])
			continue;
		if (c->has_base)
			w->all[na++] = &c->base;
		for (k = 0; k < c->nsup; k++) {
			w->all[na++] = &c->sup[k];
			w->sup[ns++] = &c->sup[k];
		}
	}
	qsort(w->all, na, sizeof(*w->all), qs_stamp);
	qsort(w->sup, ns, sizeof(*w->sup), qs_stamp);
	*nall = na;
	*nsup = ns;
}

/*
 * Mark which of the field's changes v[lo..hi) are blocked: on a frozen
 * record, a change to a frozen field stamped after F whose value differs
 * from the field's value as of F.  That value is the greatest leaf of the
 * changes stamped at or before F, which (sorted by stamp) are a prefix;
 * nothing in the prefix is blocked, so its leaves need no blocking first.
 */
static void
mark_blocked(struct work *w, size_t lo, size_t hi)
{
	static const struct value nil = { .type = VALUE_NIL };
	const struct value *asof = &nil;
	size_t i, p, na, ns;

	for (i = lo; i < hi; i++)
		w->blocked[i] = false;
	if (w->frozen_at == NULL || w->type == NULL)
		return;
	{
		const struct schema_field *f =
		    schema_field_find(w->type, w->v[lo]->field);

		if (f == NULL || !f->frozen)
			return;
	}
	for (p = lo; p < hi && stamp_cmp(&w->v[p]->ts, w->frozen_at) <= 0; p++)
		;
	collect(w, lo, p, &na, &ns);
	for (i = p; i > lo; i--) {
		if (!named(w->all, na, &w->v[i - 1]->ts)) {
			asof = &w->v[i - 1]->value;
			break;
		}
	}
	for (i = p; i < hi; i++)
		w->blocked[i] = !value_equal(&w->v[i]->value, asof);
}

static int
merge_one_field(struct work *w, size_t lo, size_t hi, struct merge_field *mf)
{
	size_t i, na, ns, nl = 0, nb = 0;

	mf->name = w->v[lo]->field;
	mark_blocked(w, lo, hi);
	collect(w, lo, hi, &na, &ns);
	for (i = lo; i < hi; i++) {
		if (w->blocked[i])
			nb += !named(w->sup, ns, &w->v[i]->ts);
		else
			nl += !named(w->all, na, &w->v[i]->ts);
	}
	if (nl > 0 && (mf->leaves = malloc(nl * sizeof(*mf->leaves))) == NULL)
		return IRO_ENOMEM;
	if (nb > 0 && (mf->blocked = malloc(nb * sizeof(*mf->blocked))) == NULL)
		return IRO_ENOMEM;
	/* Walk down so both lists come out greatest stamp first. */
	for (i = hi; i > lo; i--) {
		const struct change *c = w->v[i - 1];

		if (w->blocked[i - 1]) {
			if (!named(w->sup, ns, &c->ts))
				mf->blocked[mf->nblocked++] = c;
		} else if (!named(w->all, na, &c->ts)) {
			mf->leaves[mf->nleaves++] = c;
		}
	}
	mf->current = mf->nleaves > 0 ? mf->leaves[0] : NULL;
	return 0;
}

/* Keep one change per id (the least in the total order), return the
 * count; v must be sorted by qs_by_id. */
static size_t
dedupe(const struct change **v, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (m == 0 || !change_same_id(v[m - 1], v[i]))
			v[m++] = v[i];
	return m;
}

/* F: the least stamp of a change setting the freeze field to the freeze
 * value, or NULL. */
static const struct stamp *
find_freeze(const struct schema_type *t, const struct change **v, size_t n)
{
	const struct stamp *f = NULL;
	size_t i, len;

	if (t == NULL || t->freeze_field == NULL || t->freeze_value == NULL)
		return NULL;
	len = strlen(t->freeze_value);
	for (i = 0; i < n; i++) {
		const struct change *c = v[i];

		if (strcmp(c->field, t->freeze_field) != 0 ||
		    c->value.type != VALUE_STR || c->value.len != len ||
		    memcmp(c->value.s, t->freeze_value, len) != 0)
			continue;
		if (f == NULL || stamp_cmp(&c->ts, f) < 0)
			f = &c->ts;
	}
	return f;
}

static int
check_input(const struct change *const *changes, size_t n, size_t *nrefs)
{
	size_t i, refs = 0;

	if (changes == NULL || n == 0 || n > SIZE_MAX / sizeof(*changes) /
	    (LIMIT_SUPERSEDES + 1))
		return IRO_EINVAL;
	for (i = 0; i < n; i++) {
		const struct change *c = changes[i];

		if (c == NULL || !well_formed(c) ||
		    memcmp(c->record, changes[0]->record, LIMIT_ID_LEN) != 0 ||
		    strcmp(c->type, changes[0]->type) != 0)
			return IRO_EINVAL;
		refs += (c->has_base ? 1 : 0) + c->nsup;
	}
	*nrefs = refs;
	return 0;
}

int
merge_record(const struct change *const *changes, size_t n,
    struct merge_record *out)
{
	struct work w = { 0 };
	size_t i, lo, nrefs = 0, nfields = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_input(changes, n, &nrefs);
	if (rc != 0)
		return rc;
	rc = IRO_ENOMEM;
	w.v = malloc(n * sizeof(*w.v));
	w.blocked = malloc(n * sizeof(*w.blocked));
	w.all = malloc((nrefs > 0 ? nrefs : 1) * sizeof(*w.all));
	w.sup = malloc((nrefs > 0 ? nrefs : 1) * sizeof(*w.sup));
	if (w.v == NULL || w.blocked == NULL || w.all == NULL || w.sup == NULL)
		goto fail;
	memcpy(w.v, changes, n * sizeof(*w.v));
	qsort(w.v, n, sizeof(*w.v), qs_by_id);
	w.n = dedupe(w.v, n);
	qsort(w.v, w.n, sizeof(*w.v), qs_by_field);
	w.type = schema_type_find(w.v[0]->type);
	w.frozen_at = find_freeze(w.type, w.v, w.n);

	for (i = 0; i < w.n; i++)
		nfields += i == 0 || strcmp(w.v[i - 1]->field, w.v[i]->field);
	out->fields = calloc(nfields, sizeof(*out->fields));
	if (out->fields == NULL)
		goto fail;
	memcpy(out->record, w.v[0]->record, LIMIT_ID_LEN);
	out->type = w.v[0]->type;
	for (lo = 0; lo < w.n; lo = i) {
		for (i = lo + 1; i < w.n &&
		    strcmp(w.v[i]->field, w.v[lo]->field) == 0; i++)
			;
		rc = merge_one_field(&w, lo, i, &out->fields[out->nfields++]);
		if (rc != 0)
			goto fail;
	}
	if (w.frozen_at != NULL) {
		out->frozen = true;
		out->frozen_at = *w.frozen_at;
	}
	{
		const struct merge_field *d =
		    merge_field_find(out, CHANGE_FIELD_DELETED);

		out->deleted = d != NULL && d->current != NULL &&
		    d->current->value.type != VALUE_NIL;
	}
	rc = 0;
	goto out;
fail:
	merge_record_clear(out);
out:
	free(w.v);
	free(w.blocked);
	free(w.all);
	free(w.sup);
	return rc;
}

void
merge_record_clear(struct merge_record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfields; i++) {
		free(r->fields[i].leaves);
		free(r->fields[i].blocked);
	}
	free(r->fields);
	memset(r, 0, sizeof(*r));
}

const struct merge_field *
merge_field_find(const struct merge_record *r, const char *name)
{
	size_t lo = 0, hi = r->nfields;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->fields[mid].name, name);

		if (c == 0)
			return &r->fields[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
merge_field_conflicted(const struct merge_field *f)
{
	return f->nleaves >= 2 || f->nblocked > 0;
}

size_t
merge_record_conflicts(const struct merge_record *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfields; i++)
		n += merge_field_conflicted(&r->fields[i]);
	return n;
}

static int
qs_stamp_val(const void *pa, const void *pb)
{
	return stamp_cmp(pa, pb);
}

int
merge_resolution(const struct merge_field *f, struct stamp **out, size_t *n)
{
	struct stamp *s = NULL;
	size_t i, k = 0, total;

	*out = NULL;
	*n = 0;
	total = (f->nleaves > 0 ? f->nleaves - 1 : 0) + f->nblocked;
	if (total == 0)
		return 0;
	/* Checked before allocating; equal stamps could only shrink it,
	 * and a list that needs deduplicating to fit is not worth it. */
	if (total > LIMIT_SUPERSEDES)
		return IRO_ETOOBIG;
	s = malloc(total * sizeof(*s));
	if (s == NULL)
		return IRO_ENOMEM;
	for (i = 1; i < f->nleaves; i++)
		s[k++] = f->leaves[i]->ts;
	for (i = 0; i < f->nblocked; i++)
		s[k++] = f->blocked[i]->ts;
	qsort(s, k, sizeof(*s), qs_stamp_val);
	/* Distinct changes can share a stamp only if a device misbehaved;
	 * name each stamp once. */
	total = 0;
	for (i = 0; i < k; i++)
		if (total == 0 || stamp_cmp(&s[total - 1], &s[i]) != 0)
			s[total++] = s[i];
	*out = s;
	*n = total;
	return 0;
}

bool
merge_frozen(const struct merge_record *r)
{
	return r->frozen;
}
