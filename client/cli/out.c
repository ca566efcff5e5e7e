/*
 * out.c - JSON documents for `--json`, built with jansson.
 *
 * Builders use a sticky error: set() records the first failure and the
 * document is checked once before it is written.
 */
#include "out.h"

#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "text.h"

static json_t *
juint(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *
jtime(int64_t ms)
{
	char buf[TEXT_TIME_LEN];

	text_iso_time(ms, buf);
	return json_string(buf);
}

/* A string that may not be valid UTF-8 (jansson refuses those). */
static json_t *
jstr(const char *s)
{
	if (s == NULL)
		return json_null();
	return json_stringn_nocheck(s, strlen(s));
}

static json_t *
jvalue(const struct iro_value *v)
{
	switch (v->type) {
	case IRO_V_BOOL:
		return json_boolean(v->b);
	case IRO_V_INT:
		return json_integer((json_int_t)v->i);
	case IRO_V_STR:
		return jstr(v->s);
	default:
		return json_null();
	}
}

/* Takes ownership of v; a NULL v (failed allocation) makes *err stick. */
static void
set(json_t *o, const char *key, json_t *v, int *err)
{
	if (v == NULL || o == NULL) {
		json_decref(v);
		*err = IRO_ENOMEM;
		return;
	}
	if (json_object_set_new(o, key, v) != 0)   /* v is dropped */
		*err = IRO_ENOMEM;
}

static void
append(json_t *a, json_t *v, int *err)
{
	if (v == NULL || a == NULL) {
		json_decref(v);
		*err = IRO_ENOMEM;
		return;
	}
	if (json_array_append_new(a, v) != 0)      /* v is dropped */
		*err = IRO_ENOMEM;
}

/* Write j (and a newline) and drop it; reports the sticky error. */
static int
emit(FILE *f, json_t *j, int err)
{
	if (j == NULL)
		err = IRO_ENOMEM;
	if (err == 0 && (json_dumpf(j, f, JSON_COMPACT |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) != 0 || fputc('\n', f) == EOF))
		err = IRO_EIO;
	json_decref(j);
	return err;
}

int
out_status(FILE *f, const struct iro_status *s)
{
	json_t *o = json_object();
	int err = 0;

	set(o, "user", jstr(s->user), &err);
	set(o, "server", jstr(s->server), &err);
	set(o, "device", jstr(s->device), &err);
	set(o, "pending", juint(s->pending), &err);
	set(o, "last_sync", s->last_sync_ms > 0 ? jtime(s->last_sync_ms) :
	    json_null(), &err);
	set(o, "conflicts", juint(s->conflicts), &err);
	set(o, "refused", juint(s->refused), &err);
	set(o, "role", jstr(s->role), &err);
	return emit(f, o, err);
}

int
out_sync(FILE *f, const struct iro_sync_result *r, double seconds)
{
	json_t *o = json_object();
	int err = 0;

	set(o, "sent", juint(r->sent), &err);
	set(o, "received", juint(r->received), &err);
	set(o, "conflicts", juint(r->conflicts), &err);
	set(o, "refused", juint(r->refused), &err);
	set(o, "pending", juint(r->pending), &err);
	set(o, "requests", juint(r->requests), &err);
	set(o, "bytes_sent", juint(r->bytes_sent), &err);
	set(o, "bytes_received", juint(r->bytes_received), &err);
	set(o, "seconds", json_real(seconds), &err);
	return emit(f, o, err);
}

static json_t *
record(const struct iro_record *r, int *err)
{
	json_t *o = json_object(), *fields = json_object();
	struct iro_value v;
	const char *name;
	size_t i, n = iro_record_nfields(r);
	int conflicted;

	set(o, "id", jstr(iro_record_id(r)), err);
	set(o, "type", jstr(iro_record_type(r)), err);
	for (i = 0; i < n; i++) {
		if (iro_record_field(r, i, &name, &v, &conflicted) != 0)
			continue;
		set(fields, name, jvalue(&v), err);
	}
	set(o, "fields", fields, err);
	set(o, "deleted", json_boolean(iro_record_deleted(r)), err);
	return o;
}

int
out_record(FILE *f, const struct iro_record *r)
{
	int err = 0;
	json_t *o = record(r, &err);

	return emit(f, o, err);
}

int
out_records(FILE *f, const struct iro_record *const *recs, size_t n)
{
	json_t *a = json_array();
	size_t i;
	int err = 0;

	for (i = 0; i < n && err == 0; i++)
		append(a, record(recs[i], &err), &err);
	return emit(f, a, err);
}

static const char *const child_fields[] = {
	"child_id", "given_name", "family_name", "dob", "iro"
};

int
out_children(FILE *f, const struct iro_record *const *recs, size_t n)
{
	json_t *a = json_array(), *o;
	struct iro_value v;
	size_t i, k;
	int err = 0;

	for (i = 0; i < n && err == 0; i++) {
		o = json_object();
		set(o, "id", jstr(iro_record_id(recs[i])), &err);
		for (k = 0; k < sizeof child_fields / sizeof *child_fields;
		    k++) {
			if (iro_record_get(recs[i], child_fields[k], &v) != 0)
				v.type = IRO_V_NIL;
			set(o, child_fields[k], jvalue(&v), &err);
		}
		append(a, o, &err);
	}
	return emit(f, a, err);
}

static json_t *
conflict(const struct iro_conflicts *c, size_t i, int *err)
{
	struct iro_conflict_info info;
	struct iro_conflict_value cv;
	json_t *o, *values, *v;
	size_t j;

	if (iro_conflicts_at(c, i, &info) != 0) {
		*err = IRO_EINTERNAL;
		return NULL;
	}
	o = json_object();
	values = json_array();
	set(o, "id", jstr(info.id), err);
	set(o, "record", jstr(info.record), err);
	set(o, "type", jstr(info.type), err);
	set(o, "field", jstr(info.field), err);
	set(o, "current", jvalue(&info.current), err);
	for (j = 0; j < info.nvalues; j++) {
		if (iro_conflicts_value(c, i, j, &cv) != 0) {
			*err = IRO_EINTERNAL;
			break;
		}
		v = json_object();
		set(v, "value", jvalue(&cv.value), err);
		set(v, "by", jstr(cv.by), err);
		set(v, "device", jstr(cv.device), err);
		set(v, "at", jtime(cv.at_ms), err);
		set(v, "refused_by_rule", json_boolean(cv.refused_by_rule),
		    err);
		append(values, v, err);
	}
	set(o, "values", values, err);
	return o;
}

int
out_conflicts(FILE *f, const struct iro_conflicts *c)
{
	json_t *a = json_array();
	size_t i, n = iro_conflicts_count(c);
	int err = 0;

	for (i = 0; i < n && err == 0; i++)
		append(a, conflict(c, i, &err), &err);
	return emit(f, a, err);
}
