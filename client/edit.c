/*
 * edit.c - local edits: iro_create, iro_set, iro_delete and the commit
 * path they share with iro_resolve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "datefill.h"
#include "domain.h"
#include "edit.h"
#include "hex.h"
#include "lease.h"
#include "ref.h"

int
edit_value(struct iro *h, const struct schema_field *f, const char *text,
    struct value *out)
{
	char why[HANDLE_ERRMSG_MAX], hex[IRO_ID_HEX + 1];
	uint8_t id[LIMIT_ID_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	if (f->kind == SCHEMA_REF && text != NULL) {
		rc = ref_find(h, f->ref_type, text, id);
		if (rc != 0) {
			snprintf(why, sizeof(why), "%s", h->errmsg);
			return handle_fail(h, rc, "field '%s': %s", f->name,
			    why);
		}
		hex_encode(id, LIMIT_ID_LEN, hex);
		text = hex;
	}
	rc = schema_parse_text(f, text, out, why, sizeof(why));
	if (rc == IRO_ENOMEM)
		return handle_fail(h, rc, "out of memory");
	if (rc != 0)
		return handle_fail(h, IRO_EINVAL, "%s", why);
	return 0;
}

/* Build change c for op (the caller has set seq and the stamp). */
static int
build(struct iro *h, struct change *c, const char *type,
    const uint8_t record[LIMIT_ID_LEN], const struct edit_op *op)
{
	char why[LIMIT_MSG_STR_MAX] = "";
	int rc;

	snprintf(c->type, sizeof(c->type), "%s", type);
	snprintf(c->field, sizeof(c->field), "%s", op->field);
	snprintf(c->author, sizeof(c->author), "%s", h->user);
	memcpy(c->record, record, LIMIT_ID_LEN);
	memcpy(c->ts.device, h->device, LIMIT_ID_LEN);
	c->has_base = op->has_base;
	c->base = op->base;
	if (op->nsup > 0) {
		c->sup = calloc(op->nsup, sizeof(*c->sup));
		if (c->sup == NULL)
			return handle_fail(h, IRO_ENOMEM, "out of memory");
		memcpy(c->sup, op->sup, op->nsup * sizeof(*c->sup));
		c->nsup = op->nsup;
	}
	if (value_copy(&c->value, op->value) != 0)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	rc = schema_check_change(c, h->role, why, sizeof(why));
	if (rc == 0)
		rc = change_check(c, why, sizeof(why));
	if (rc != 0)
		return handle_fail(h, IRO_EINVAL, "%s", why);
	return 0;
}

/* Advance clk past every stamp op refers to, then read it for op. */
static int
stamp_op(struct iro *h, struct hlc *clk, uint64_t now,
    const struct edit_op *op, struct stamp *ts)
{
	struct hlc next;
	size_t i;
	int rc = 0;

	/* A base or superseded stamp may come from a device whose clock
	 * runs ahead of ours: the new change must still order after it. */
	if (op->has_base)
		rc = hlc_observe(clk, op->base.wall_ms, op->base.counter);
	for (i = 0; rc == 0 && i < op->nsup; i++)
		rc = hlc_observe(clk, op->sup[i].wall_ms, op->sup[i].counter);
	if (rc == 0)
		rc = hlc_tick(clk, now, &next);
	if (rc != 0)
		return handle_fail(h, rc, "the clock cannot advance: %s",
		    iro_strerror(rc));
	ts->wall_ms = next.wall_ms;
	ts->counter = next.counter;
	return 0;
}

/* The record's merged state (NULL with *have false when it is new). */
static int
load_optional(struct iro *h, const uint8_t id[LIMIT_ID_LEN],
    struct handle_rec *rec, bool *have)
{
	int rc = handle_rec_load(h, id, rec);

	*have = rc == 0;
	return rc == IRO_ENOTFOUND ? 0 : rc;
}

/* The child the changes (else the record as it stands) name in `ref`. */
static const struct value *
child_ref(const char *ref, const struct change *cs, size_t n,
    const struct handle_rec *cur, bool have_cur)
{
	const struct merge_field *mf;
	size_t i;

	for (i = n; i > 0; i--)
		if (strcmp(cs[i - 1].field, ref) == 0)
			return &cs[i - 1].value;
	if (!have_cur || (mf = merge_field_find(&cur->m, ref)) == NULL ||
	    mf->current == NULL)
		return NULL;
	return &mf->current->value;
}

/*
 * The casework rules (domain.h) for changes cs[0..n) to one record, given
 * the record's and its child's merged state.  A deletion alone breaks no
 * rule.  Returns 0, or IRO_EINVAL/IRO_ESTATE naming the field, the value
 * and what is allowed.
 */
static int
check_domain(struct iro *h, const char *type,
    const uint8_t record[LIMIT_ID_LEN], const struct change *cs, size_t n)
{
	char why[HANDLE_ERRMSG_MAX] = "";
	const struct change **ptrs = NULL;
	const struct value *ref;
	const char *field = domain_child_ref(type);
	struct handle_rec cur, kid;
	bool have_cur = false, have_kid = false, deletion = true;
	uint8_t kid_id[LIMIT_ID_LEN];
	size_t i;
	int rc;

	memset(&cur, 0, sizeof(cur));
	memset(&kid, 0, sizeof(kid));
	for (i = 0; i < n; i++)
		deletion = deletion &&
		    strcmp(cs[i].field, CHANGE_FIELD_DELETED) == 0;
	if (n == 0 || deletion)
		return 0;
	if ((ptrs = calloc(n, sizeof(*ptrs))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		ptrs[i] = &cs[i];
	if ((rc = load_optional(h, record, &cur, &have_cur)) != 0)
		goto out;
	ref = field != NULL ? child_ref(field, cs, n, &cur, have_cur) : NULL;
	/* A child this replica cannot read only skips the rules that need
	 * it; the server checks again with its own copy. */
	if (ref != NULL && ref->type == VALUE_STR &&
	    hex_decode(ref->s, kid_id, LIMIT_ID_LEN) == 0 &&
	    (rc = load_optional(h, kid_id, &kid, &have_kid)) != 0)
		goto out;
	rc = domain_check(type, have_cur ? &cur.m : NULL, ptrs, n,
	    have_kid ? &kid.m : NULL, why, sizeof(why));
	if (rc == IRO_EINVAL || rc == IRO_ESTATE)
		handle_fail(h, rc, "%s", why);
	else if (rc != 0)
		handle_fail(h, rc, "cannot check the casework rules: %s",
		    iro_strerror(rc));
out:
	handle_rec_clear(&kid);
	handle_rec_clear(&cur);
	free(ptrs);
	return rc;
}

int
edit_apply(struct iro *h, const char *type,
    const uint8_t record[LIMIT_ID_LEN], const struct edit_op *ops,
    size_t n)
{
	struct change *cs = NULL;
	struct hlc clk;
	uint64_t seq = 0, now = handle_now_ms(h);
	size_t i;
	int rc, inserted = 0;

	if (n > SIZE_MAX / sizeof(*cs) - 1 ||
	    (cs = calloc(n + 1, sizeof(*cs))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		change_init(&cs[i]);
	if ((rc = replica_begin(h->replica)) != 0) {
		free(cs);
		return handle_fail_replica(h, rc, "start a transaction");
	}
	/* Read the counters inside the transaction, so that nothing else
	 * writing this replica can hand out the same seq. */
	if ((rc = replica_meta_get_u64(h->replica, "seq", &seq)) != 0) {
		handle_fail_replica(h, rc, "read the change counter");
		goto fail;
	}
	if ((rc = handle_hlc_load(h, "hlc", &clk)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (seq == UINT64_MAX) {
			rc = handle_fail(h, IRO_ETOOBIG, "change counter full");
			goto fail;
		}
		cs[i].seq = ++seq;
		if ((rc = stamp_op(h, &clk, now, &ops[i], &cs[i].ts)) != 0 ||
		    (rc = build(h, &cs[i], type, record, &ops[i])) != 0)
			goto fail;
	}
	/* Every change is built before any is stored, so the rules see the
	 * edit whole (a new record's fields together). */
	if ((rc = check_domain(h, type, record, cs, n)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		rc = replica_put_change(h->replica, &cs[i], REPLICA_PENDING,
		    &inserted);
		if (rc == 0 && !inserted)
			rc = IRO_ECORRUPT;   /* the seq was handed out before */
		if (rc != 0) {
			handle_fail_replica(h, rc, "store a change");
			goto fail;
		}
	}
	if ((rc = handle_remerge(h, record)) != 0 ||
	    (rc = handle_hlc_save(h, "hlc", &clk)) != 0)
		goto fail;
	if ((rc = replica_meta_put_u64(h->replica, "seq", seq)) != 0 ||
	    (rc = replica_commit(h->replica)) != 0) {
		handle_fail_replica(h, rc, "save the edit");
		goto fail;
	}
	change_free_array(cs, n);
	return 0;
fail:
	change_free_array(cs, n);
	replica_rollback(h->replica);
	return rc;
}

/* "child, date, seen_alone, note": t's field names, for messages. */
static void
field_names(const struct schema_type *t, char *buf, size_t buflen)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < t->nfields; i++) {
		int w = snprintf(buf + o, buflen - o, "%s%s", i > 0 ? ", " : "",
		    t->fields[i].name);

		if (w < 0 || (size_t)w >= buflen - o)
			break;
		o += (size_t)w;
	}
}

/* The schema field `name` of t that users set directly, or a message. */
static int
user_field(struct iro *h, const struct schema_type *t, const char *name,
    const struct schema_field **out)
{
	char names[512];

	*out = NULL;
	if (name != NULL && strcmp(name, CHANGE_FIELD_DELETED) != 0)
		*out = schema_field_find(t, name);
	if (*out == NULL) {
		field_names(t, names, sizeof(names));
		return handle_fail(h, IRO_EINVAL,
		    "unknown field '%.40s' for a %s: expected one of %s",
		    name != NULL ? name : "", t->name, names);
	}
	return 0;
}

static int
known_type(struct iro *h, const char *type, const struct schema_type **out)
{
	*out = schema_type_find(type);
	if (*out == NULL)
		return handle_fail(h, IRO_EINVAL, "unknown record type '%.40s'",
		    type != NULL ? type : "");
	return 0;
}

/* Values for a new record of t: what was given, then defaults. */
static int
create_values(struct iro *h, const struct schema_type *t,
    const struct iro_field_text *fields, size_t nfields, struct value *vals)
{
	const struct schema_field *f;
	bool *given = NULL;
	size_t i, k;
	int rc = 0;

	given = calloc(t->nfields, sizeof(*given));
	if (given == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	for (i = 0; i < nfields; i++) {
		if ((rc = user_field(h, t, fields[i].name, &f)) != 0)
			goto out;
		k = (size_t)(f - t->fields);
		if (given[k]) {
			rc = handle_fail(h, IRO_EINVAL,
			    "field '%s' is given twice", f->name);
			goto out;
		}
		given[k] = true;
		if ((rc = edit_value(h, f, fields[i].text, &vals[k])) != 0)
			goto out;
	}
	for (k = 0; k < t->nfields; k++)
		if (!given[k] && t->fields[k].dflt != NULL &&
		    (rc = edit_value(h, &t->fields[k], t->fields[k].dflt,
		    &vals[k])) != 0)
			goto out;
out:
	free(given);
	return rc;
}

/* IRO_EINVAL naming every required field of t that has no value. */
static int
check_required(struct iro *h, const struct schema_type *t,
    const struct value *vals)
{
	char names[512];
	size_t k, o = 0, missing = 0;

	names[0] = '\0';
	for (k = 0; k < t->nfields; k++) {
		int w;

		if (!t->fields[k].required || vals[k].type != VALUE_NIL)
			continue;
		w = snprintf(names + o, sizeof(names) - o, "%s'%s'",
		    missing > 0 ? ", " : "", t->fields[k].name);
		if (w > 0 && (size_t)w < sizeof(names) - o)
			o += (size_t)w;
		missing++;
	}
	if (missing == 0)
		return 0;
	return handle_fail(h, IRO_EINVAL, "a %s needs %s %s", t->name,
	    missing > 1 ? "fields" : "field", names);
}

int
iro_create(struct iro *h, const char *type,
    const struct iro_field_text *fields, size_t nfields,
    char out_id[IRO_ID_HEX + 1])
{
	const struct schema_type *t = NULL;
	struct value *vals = NULL;
	struct edit_op *ops = NULL;
	uint8_t id[LIMIT_ID_LEN];
	size_t k, n = 0;
	int rc;

	if (out_id != NULL)
		out_id[0] = '\0';
	if (h == NULL || out_id == NULL || (fields == NULL && nfields > 0))
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	if ((rc = known_type(h, type, &t)) != 0)
		return rc;
	if ((t->creators & (unsigned)h->role) == 0)
		return handle_fail(h, IRO_EINVAL,
		    "role '%s' may not create %s records", h->role_name,
		    t->name);
	vals = calloc(t->nfields, sizeof(*vals));
	ops = calloc(t->nfields, sizeof(*ops));
	if (vals == NULL || ops == NULL) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = create_values(h, t, fields, nfields, vals)) != 0)
		goto out;
	if ((rc = datefill_create(h, t, vals)) != 0 ||
	    (rc = check_required(h, t, vals)) != 0)
		goto out;
	for (k = 0; k < t->nfields; k++) {
		if (vals[k].type == VALUE_NIL)
			continue;
		ops[n].field = t->fields[k].name;
		ops[n].value = &vals[k];
		n++;
	}
	crypto_random(id, sizeof(id));
	if ((rc = edit_apply(h, t->name, id, ops, n)) != 0)
		goto out;
	hex_encode(id, LIMIT_ID_LEN, out_id);
out:
	for (k = 0; vals != NULL && k < t->nfields; k++)
		value_clear(&vals[k]);
	free(vals);
	free(ops);
	return rc;
}

/* Load record `id` for an edit: it must exist, be live and typed. */
static int
load_live(struct iro *h, const char *id, uint8_t rid[LIMIT_ID_LEN],
    struct handle_rec *rec, const struct schema_type **t)
{
	int rc;

	memset(rec, 0, sizeof(*rec));
	if ((rc = handle_parse_id(h, id, "record", rid)) != 0 ||
	    (rc = handle_rec_load(h, rid, rec)) != 0 ||
	    (rc = known_type(h, rec->type, t)) != 0)
		return rc;
	if (rec->m.deleted)
		return handle_fail(h, IRO_ESTATE, "%s '%s' is deleted",
		    (*t)->name, id);
	return 0;
}

/* The op that moves field f of rec to v, based on what rec shows. */
static void
op_for(const struct handle_rec *rec, const char *field,
    const struct value *v, struct edit_op *op)
{
	const struct merge_field *mf = merge_field_find(&rec->m, field);

	memset(op, 0, sizeof(*op));
	op->field = field;
	op->value = v;
	if (mf != NULL && mf->current != NULL) {
		op->has_base = true;
		op->base = mf->current->ts;
	}
}

/*
 * Freeze rec (finalise a note): in one transaction, re-assert the current
 * value of every frozen field, then set the freeze field.  Without the
 * re-assertion an edit made elsewhere before the freeze, but synced after
 * it, would descend from the same base and silently become the frozen
 * text; with it, such an edit competes with the re-asserted value (which
 * is stamped later, so stays current) and is surfaced as a conflict.  The
 * re-assertion comes first so that it is part of the value as of the
 * freeze rather than an edit after it.
 */
static int
freeze(struct iro *h, const struct schema_type *t,
    const uint8_t rid[LIMIT_ID_LEN], const struct handle_rec *rec,
    const struct value *v)
{
	struct edit_op *ops;
	size_t i, n = 0;
	int rc;

	if ((ops = calloc(t->nfields + 1, sizeof(*ops))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	for (i = 0; i < t->nfields; i++) {
		const struct schema_field *f = &t->fields[i];
		const struct merge_field *mf = merge_field_find(&rec->m,
		    f->name);

		if (!f->frozen || strcmp(f->name, t->freeze_field) == 0 ||
		    mf == NULL || mf->current == NULL)
			continue;
		op_for(rec, f->name, &mf->current->value, &ops[n++]);
	}
	op_for(rec, t->freeze_field, v, &ops[n++]);
	rc = edit_apply(h, t->name, rid, ops, n);
	free(ops);
	return rc;
}

int
iro_set(struct iro *h, const char *id, const char *field, const char *text)
{
	static const struct value nil = { .type = VALUE_NIL };
	const struct schema_type *t = NULL;
	const struct schema_field *f = NULL;
	const struct merge_field *mf;
	struct handle_rec rec;
	struct value v = { .type = VALUE_NIL };
	struct edit_op op;
	uint8_t rid[LIMIT_ID_LEN];
	int rc;

	if (h == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	if ((rc = load_live(h, id, rid, &rec, &t)) != 0 ||
	    (rc = user_field(h, t, field, &f)) != 0)
		goto out;
	if (f->required && text == NULL) {
		rc = handle_fail(h, IRO_EINVAL,
		    "field '%s' is required and cannot be cleared", f->name);
		goto out;
	}
	if ((rc = edit_value(h, f, text, &v)) != 0)
		goto out;
	/* The merge would keep such an edit as a blocked conflict; saying
	 * so now is kinder than surfacing it after the next sync. */
	mf = merge_field_find(&rec.m, f->name);
	if (f->frozen && merge_frozen(&rec.m) &&
	    !value_equal(&v, mf != NULL && mf->current != NULL ?
	    &mf->current->value : &nil)) {
		rc = handle_fail(h, IRO_ESTATE,
		    "%s is %s: its %s can no longer change", t->name,
		    t->freeze_value, f->name);
		goto out;
	}
	if (t->freeze_field != NULL && strcmp(f->name, t->freeze_field) == 0 &&
	    !merge_frozen(&rec.m) && v.type == VALUE_STR &&
	    strcmp(v.s, t->freeze_value) == 0) {
		rc = freeze(h, t, rid, &rec, &v);
		goto out;
	}
	op_for(&rec, f->name, &v, &op);
	rc = edit_apply(h, t->name, rid, &op, 1);
out:
	value_clear(&v);
	handle_rec_clear(&rec);
	return rc;
}

int
iro_delete(struct iro *h, const char *id, const char *reason)
{
	const struct schema_type *t = NULL;
	struct handle_rec rec;
	struct value v = { .type = VALUE_NIL };
	struct edit_op op;
	uint8_t rid[LIMIT_ID_LEN];
	int rc;

	if (h == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	memset(&rec, 0, sizeof(rec));
	if (reason == NULL || reason[0] == '\0') {
		rc = handle_fail(h, IRO_EINVAL,
		    "a deletion needs a reason");
		goto out;
	}
	if ((rc = load_live(h, id, rid, &rec, &t)) != 0 ||
	    (rc = edit_value(h, &t->deleted, reason, &v)) != 0)
		goto out;
	op_for(&rec, CHANGE_FIELD_DELETED, &v, &op);
	rc = edit_apply(h, t->name, rid, &op, 1);
out:
	value_clear(&v);
	handle_rec_clear(&rec);
	return rc;
}
