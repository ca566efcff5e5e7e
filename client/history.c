/*
 * history.c - a record's change history: iro_history_get and its
 * accessors.
 *
 * The replica keeps every change it has seen, so the history needs no
 * network: each stored change of the record is listed with its outbox
 * state, and the merge of the changes that count (all but the refused
 * ones, as handle_rec_load merges) says which is current and which a
 * resolution set aside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"
#include "hex.h"
#include "lease.h"

struct hist_entry {
	char field[LIMIT_NAME_MAX + 1];
	struct iro_value value;       /* owns its string */
	char by[LIMIT_USER_MAX + 1];
	char device[IRO_ID_HEX + 1];
	int64_t at_ms;
	const char *state;            /* static */
	char *refusal;                /* owned; NULL unless refused */
	int current;
	int superseded;
	struct stamp ts;              /* for the order */
	uint64_t seq;
};

struct iro_history {
	size_t n;
	struct hist_entry *e;
};

/* A record's stored changes with their states, and the merge of those
 * that count. */
struct hist_src {
	char type[LIMIT_NAME_MAX + 1];
	struct change *changes;
	size_t n;
	enum replica_state *states;
	char **reasons;
	const struct change **ptrs;   /* the changes that are not refused */
	size_t nptrs;
	struct merge_record m;
	int merged;
};

static void
src_clear(struct hist_src *s)
{
	size_t i;

	if (s->merged)
		merge_record_clear(&s->m);
	for (i = 0; s->reasons != NULL && i < s->n; i++)
		free(s->reasons[i]);
	free(s->reasons);
	free(s->states);
	free(s->ptrs);
	change_free_array(s->changes, s->n);
	memset(s, 0, sizeof(*s));
}

void
iro_history_free(struct iro_history *hs)
{
	size_t i;

	if (hs == NULL)
		return;
	for (i = 0; i < hs->n; i++) {
		handle_value_release(&hs->e[i].value);
		free(hs->e[i].refusal);
	}
	free(hs->e);
	free(hs);
}

/*
 * The record `key` names: a record id the replica knows, else a child's
 * council id.  Loads its changes into s (type "" when there are none).
 */
static int
src_find(struct iro *h, const char *key, uint8_t rid[LIMIT_ID_LEN],
    struct hist_src *s)
{
	char child[IRO_ID_HEX + 1];
	int rc;

	if (hex_decode(key, rid, LIMIT_ID_LEN) == 0) {
		rc = replica_record_changes(h->replica, rid, &s->changes, &s->n,
		    s->type);
		if (rc != 0)
			return handle_fail_replica(h, rc, "read a record");
		if (s->type[0] != '\0')
			return 0;
	}
	rc = iro_find_child(h, key, child);
	if (rc == IRO_ENOTFOUND)
		return handle_fail(h, IRO_ENOTFOUND, "no record '%.80s'", key);
	if (rc != 0)
		return rc;
	if (hex_decode(child, rid, LIMIT_ID_LEN) != 0)
		return handle_fail(h, IRO_EINTERNAL, "bad child id '%s'", child);
	rc = replica_record_changes(h->replica, rid, &s->changes, &s->n,
	    s->type);
	if (rc != 0)
		return handle_fail_replica(h, rc, "read a record");
	return 0;
}

/* Each change's state, then the merge of those not refused. */
static int
src_merge(struct iro *h, struct hist_src *s)
{
	size_t i;
	int rc;

	if (s->n == 0)
		return 0;
	s->states = calloc(s->n, sizeof(*s->states));
	s->reasons = calloc(s->n, sizeof(*s->reasons));
	s->ptrs = calloc(s->n, sizeof(*s->ptrs));
	if (s->states == NULL || s->reasons == NULL || s->ptrs == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	for (i = 0; i < s->n; i++) {
		rc = replica_change_state(h->replica, s->changes[i].ts.device,
		    s->changes[i].seq, &s->states[i], &s->reasons[i]);
		if (rc != 0)
			return handle_fail_replica(h, rc, "read a record");
		if (s->states[i] != REPLICA_REFUSED)
			s->ptrs[s->nptrs++] = &s->changes[i];
	}
	if (s->nptrs == 0)
		return 0;
	if ((rc = merge_record(s->ptrs, s->nptrs, &s->m)) != 0)
		return handle_fail(h, rc == IRO_EINVAL ? IRO_ECORRUPT : rc,
		    "cannot merge record: %s", iro_strerror(rc));
	s->merged = 1;
	return 0;
}

static const char *
state_name(enum replica_state st)
{
	switch (st) {
	case REPLICA_PENDING:
		return "pending";
	case REPLICA_REFUSED:
		return "refused";
	default:
		return "synced";
	}
}

/* Whether a change that counts, of the same field, names c's stamp in
 * its sup list: a resolution set c aside. */
static int
superseded(const struct hist_src *s, const struct change *c)
{
	const struct change *r;
	size_t i, k;

	for (i = 0; i < s->nptrs; i++) {
		r = s->ptrs[i];
		if (r->nsup == 0 || strcmp(r->field, c->field) != 0)
			continue;
		for (k = 0; k < r->nsup; k++)
			if (stamp_cmp(&r->sup[k], &c->ts) == 0)
				return 1;
	}
	return 0;
}

/* Fill e from change i of s. */
static int
entry_fill(struct hist_entry *e, struct hist_src *s, size_t i)
{
	const struct change *c = &s->changes[i];
	const struct merge_field *f;
	int rc;

	if ((rc = handle_value_export(&c->value, &e->value)) != 0)
		return rc;
	snprintf(e->field, sizeof(e->field), "%s", c->field);
	snprintf(e->by, sizeof(e->by), "%s", c->author);
	hex_encode(c->ts.device, LIMIT_ID_LEN, e->device);
	e->at_ms = c->ts.wall_ms > INT64_MAX ? INT64_MAX :
	    (int64_t)c->ts.wall_ms;
	e->state = state_name(s->states[i]);
	e->refusal = s->reasons[i];       /* taken */
	s->reasons[i] = NULL;
	f = s->merged ? merge_field_find(&s->m, c->field) : NULL;
	e->current = s->states[i] != REPLICA_REFUSED && f != NULL &&
	    f->current != NULL && change_same_id(f->current, c);
	e->superseded = s->states[i] != REPLICA_REFUSED && superseded(s, c);
	e->ts = c->ts;
	e->seq = c->seq;
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct hist_entry *x = a, *y = b;
	int d = stamp_cmp(&x->ts, &y->ts);

	if (d != 0)
		return d;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->field, y->field);
}

static int
build(struct iro *h, struct hist_src *s, const char *field,
    struct iro_history **out)
{
	struct iro_history *hs;
	size_t i;
	int rc = 0;

	if ((hs = calloc(1, sizeof(*hs))) == NULL ||
	    (s->n > 0 && (hs->e = calloc(s->n, sizeof(*hs->e))) == NULL)) {
		free(hs);
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	}
	for (i = 0; i < s->n && rc == 0; i++) {
		if (field != NULL && strcmp(s->changes[i].field, field) != 0)
			continue;
		if ((rc = entry_fill(&hs->e[hs->n++], s, i)) != 0)
			handle_fail(h, rc, "out of memory");
	}
	if (rc != 0) {
		iro_history_free(hs);
		return rc;
	}
	if (hs->n > 1)
		qsort(hs->e, hs->n, sizeof(*hs->e), entry_cmp);
	*out = hs;
	return 0;
}

int
iro_history_get(struct iro *h, const char *id, const char *field,
    struct iro_history **out)
{
	const struct schema_type *t;
	struct hist_src s;
	uint8_t rid[LIMIT_ID_LEN];
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || id == NULL || out == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	memset(&s, 0, sizeof(s));
	if ((rc = src_find(h, id, rid, &s)) != 0)
		goto out;
	if (field != NULL && ((t = schema_type_find(s.type)) == NULL ||
	    schema_field_find(t, field) == NULL)) {
		rc = handle_fail(h, IRO_EINVAL, "unknown field '%.80s': a %s "
		    "has no such field", field, s.type);
		goto out;
	}
	if ((rc = src_merge(h, &s)) == 0)
		rc = build(h, &s, field, out);
out:
	src_clear(&s);
	return rc;
}

size_t
iro_history_count(const struct iro_history *hs)
{
	return hs != NULL ? hs->n : 0;
}

int
iro_history_at(const struct iro_history *hs, size_t i,
    struct iro_history_entry *out)
{
	const struct hist_entry *e;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (hs == NULL || out == NULL)
		return IRO_EINVAL;
	if (i >= hs->n)
		return IRO_ENOTFOUND;
	e = &hs->e[i];
	out->field = e->field;
	out->value = e->value;
	out->by = e->by;
	out->device = e->device;
	out->at_ms = e->at_ms;
	out->state = e->state;
	out->refusal = e->refusal;
	out->current = e->current;
	out->superseded = e->superseded;
	return 0;
}
