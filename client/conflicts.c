/*
 * conflicts.c - the open conflicts of a replica and their resolution:
 * iro_conflicts_get and its accessors, iro_resolve.
 *
 * A conflict is one field of one record (id "RECORD.FIELD", the same on
 * every device).  Its values are the current one first, then the other
 * leaves (latest first), then the edits a rule refused (a final note).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "hex.h"
#include "lease.h"

#define CONFLICT_ID_MAX (IRO_ID_HEX + 1 + LIMIT_NAME_MAX)

struct conflict_value {
	struct iro_value value;       /* owns its string */
	char by[LIMIT_USER_MAX + 1];
	char device[IRO_ID_HEX + 1];
	int64_t at_ms;
	int refused_by_rule;
};

struct conflict {
	char id[CONFLICT_ID_MAX + 1];
	char record[IRO_ID_HEX + 1];
	char type[LIMIT_NAME_MAX + 1];
	char field[LIMIT_NAME_MAX + 1];
	struct iro_value current;     /* owns its string */
	size_t nvalues;
	struct conflict_value *values;
};

struct iro_conflicts {
	size_t n, cap;
	struct conflict *c;
};

static void
conflict_clear(struct conflict *c)
{
	size_t i;

	handle_value_release(&c->current);
	for (i = 0; i < c->nvalues; i++)
		handle_value_release(&c->values[i].value);
	free(c->values);
	memset(c, 0, sizeof(*c));
}

void
iro_conflicts_free(struct iro_conflicts *cs)
{
	size_t i;

	if (cs == NULL)
		return;
	for (i = 0; i < cs->n; i++)
		conflict_clear(&cs->c[i]);
	free(cs->c);
	free(cs);
}

static int
add_value(struct conflict *c, const struct change *ch, int refused)
{
	struct conflict_value *v = &c->values[c->nvalues];
	int rc;

	rc = handle_value_export(&ch->value, &v->value);
	if (rc != 0)
		return rc;
	snprintf(v->by, sizeof(v->by), "%s", ch->author);
	hex_encode(ch->ts.device, LIMIT_ID_LEN, v->device);
	v->at_ms = ch->ts.wall_ms > INT64_MAX ? INT64_MAX :
	    (int64_t)ch->ts.wall_ms;
	v->refused_by_rule = refused;
	c->nvalues++;
	return 0;
}

/* Fill c from conflicted field f of record m. */
static int
fill(struct conflict *c, const struct handle_rec *rec,
    const struct merge_field *f)
{
	static const struct value nil = { .type = VALUE_NIL };
	size_t i;
	int rc;

	hex_encode(rec->m.record, LIMIT_ID_LEN, c->record);
	snprintf(c->type, sizeof(c->type), "%s", rec->type);
	snprintf(c->field, sizeof(c->field), "%s", f->name);
	snprintf(c->id, sizeof(c->id), "%s.%s", c->record, c->field);
	rc = handle_value_export(f->current != NULL ? &f->current->value :
	    &nil, &c->current);
	if (rc != 0)
		return rc;
	c->values = calloc(f->nleaves + f->nblocked, sizeof(*c->values));
	if (c->values == NULL && f->nleaves + f->nblocked > 0)
		return IRO_ENOMEM;
	/* The current value is the greatest leaf, so leaves[0]. */
	for (i = 0; i < f->nleaves && rc == 0; i++)
		rc = add_value(c, f->leaves[i], 0);
	for (i = 0; i < f->nblocked && rc == 0; i++)
		rc = add_value(c, f->blocked[i], 1);
	return rc;
}

static int
add_record(struct iro_conflicts *cs, const struct handle_rec *rec)
{
	struct conflict *grown;
	size_t i;
	int rc;

	for (i = 0; i < rec->m.nfields; i++) {
		const struct merge_field *f = &rec->m.fields[i];

		if (!merge_field_conflicted(f))
			continue;
		if (cs->n == cs->cap) {
			size_t cap = cs->cap > 0 ? 2 * cs->cap : 16;

			grown = realloc(cs->c, cap * sizeof(*grown));
			if (grown == NULL)
				return IRO_ENOMEM;
			cs->c = grown;
			cs->cap = cap;
		}
		memset(&cs->c[cs->n], 0, sizeof(cs->c[cs->n]));
		rc = fill(&cs->c[cs->n], rec, f);
		cs->n++;
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
iro_conflicts_get(struct iro *h, struct iro_conflicts **out)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	struct iro_conflicts *cs = NULL;
	struct handle_rec rec;
	size_t n = 0, i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	rc = replica_flagged(h->replica, REPLICA_FLAG_CONFLICT, &ids, &n);
	if (rc != 0)
		return handle_fail_replica(h, rc, "list conflicts");
	cs = calloc(1, sizeof(*cs));
	if (cs == NULL) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = handle_rec_load(h, ids[i], &rec);
		if (rc == 0 && (rc = add_record(cs, &rec)) != 0)
			handle_fail(h, rc, "out of memory");
		handle_rec_clear(&rec);
		if (rc != 0)
			goto out;
	}
	*out = cs;
	cs = NULL;
out:
	iro_conflicts_free(cs);
	free(ids);
	return rc;
}

size_t
iro_conflicts_count(const struct iro_conflicts *cs)
{
	return cs != NULL ? cs->n : 0;
}

int
iro_conflicts_at(const struct iro_conflicts *cs, size_t i,
    struct iro_conflict_info *out)
{
	const struct conflict *c;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (cs == NULL || out == NULL)
		return IRO_EINVAL;
	if (i >= cs->n)
		return IRO_ENOTFOUND;
	c = &cs->c[i];
	out->id = c->id;
	out->record = c->record;
	out->type = c->type;
	out->field = c->field;
	out->current = c->current;
	out->nvalues = c->nvalues;
	return 0;
}

int
iro_conflicts_value(const struct iro_conflicts *cs, size_t i, size_t j,
    struct iro_conflict_value *out)
{
	const struct conflict_value *v;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (cs == NULL || out == NULL)
		return IRO_EINVAL;
	if (i >= cs->n || j >= cs->c[i].nvalues)
		return IRO_ENOTFOUND;
	v = &cs->c[i].values[j];
	out->value = v->value;
	out->by = v->by;
	out->device = v->device;
	out->at_ms = v->at_ms;
	out->refused_by_rule = v->refused_by_rule;
	return 0;
}

/* Split "RECORD.FIELD" into the record id and the field name. */
static int
parse_conflict_id(struct iro *h, const char *id, uint8_t rid[LIMIT_ID_LEN],
    char field[LIMIT_NAME_MAX + 1])
{
	char hex[IRO_ID_HEX + 1];
	const char *dot = id != NULL ? strchr(id, '.') : NULL;
	size_t flen;

	if (dot == NULL || (size_t)(dot - id) != IRO_ID_HEX ||
	    (flen = strlen(dot + 1)) == 0 || flen > LIMIT_NAME_MAX)
		return handle_fail(h, IRO_EINVAL,
		    "'%.80s' is not a conflict id: expected RECORD.FIELD",
		    id != NULL ? id : "");
	memcpy(hex, id, IRO_ID_HEX);
	hex[IRO_ID_HEX] = '\0';
	memcpy(field, dot + 1, flen + 1);
	return handle_parse_id(h, hex, "record", rid);
}

int
iro_resolve(struct iro *h, const char *id, const char *text)
{
	const struct schema_type *t;
	const struct schema_field *f;
	const struct merge_field *mf = NULL;
	struct handle_rec rec;
	struct value v = { .type = VALUE_NIL };
	struct stamp *sup = NULL;
	struct edit_op op;
	char field[LIMIT_NAME_MAX + 1];
	uint8_t rid[LIMIT_ID_LEN];
	size_t nsup = 0;
	int rc;

	if (h == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	memset(&rec, 0, sizeof(rec));
	memset(&op, 0, sizeof(op));
	if ((rc = parse_conflict_id(h, id, rid, field)) != 0)
		goto out;
	rc = handle_rec_load(h, rid, &rec);
	if (rc == 0)
		mf = merge_field_find(&rec.m, field);
	if (rc == IRO_ENOTFOUND || (rc == 0 &&
	    (mf == NULL || !merge_field_conflicted(mf)))) {
		rc = handle_fail(h, IRO_ENOTFOUND, "no open conflict '%s'", id);
		goto out;
	}
	if (rc != 0)
		goto out;
	t = schema_type_find(rec.type);
	f = schema_field_find(t, field);
	if (f == NULL) {
		rc = handle_fail(h, IRO_EINVAL,
		    "conflict '%s' is on a field this version does not know",
		    id);
		goto out;
	}
	/* A frozen field keeps the value it had when the record froze: the
	 * refused edits are dismissed, whatever text was given. */
	if (f->frozen && merge_frozen(&rec.m)) {
		if (mf->current != NULL &&
		    (rc = value_copy(&v, &mf->current->value)) != 0) {
			rc = handle_fail(h, rc, "out of memory");
			goto out;
		}
	} else if ((rc = edit_value(h, f, text, &v)) != 0) {
		goto out;
	}
	if ((rc = merge_resolution(mf, &sup, &nsup)) != 0) {
		rc = handle_fail(h, rc, "cannot resolve '%s': %s", id,
		    rc == IRO_ETOOBIG ? "too many competing values" :
		    iro_strerror(rc));
		goto out;
	}
	op.field = f->name;
	op.value = &v;
	op.has_base = mf->current != NULL;
	if (op.has_base)
		op.base = mf->current->ts;
	op.sup = sup;
	op.nsup = nsup;
	rc = edit_apply(h, rec.type, rid, &op, 1);
out:
	free(sup);
	value_clear(&v);
	handle_rec_clear(&rec);
	return rc;
}
