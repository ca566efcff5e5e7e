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
	set(o, "children_in", juint(r->children_in), &err);
	set(o, "children_out", juint(r->children_out), &err);
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

/* The summary of one child, as `iro children --json` gives it. */
static json_t *
summary(const struct iro_child_summary *s, int *err)
{
	json_t *o = json_object();
	int due = s->next_review_due != NULL;

	set(o, "id", jstr(s->id), err);
	set(o, "child_id", jstr(s->child_id), err);
	set(o, "given_name", jstr(s->given_name), err);
	set(o, "family_name", jstr(s->family_name), err);
	set(o, "dob", jstr(s->dob), err);
	set(o, "iro", jstr(s->iro), err);
	set(o, "next_review_due", jstr(s->next_review_due), err);
	set(o, "review_overdue", json_boolean(s->review_overdue), err);
	set(o, "working_days_left", due ?
	    json_integer(s->working_days_left) : json_null(), err);
	set(o, "review_basis", jstr(s->review_basis), err);
	set(o, "out_of_area", s->out_of_area < 0 ? json_null() :
	    json_boolean(s->out_of_area), err);
	set(o, "last_visit", jstr(s->last_visit), err);
	set(o, "open_decisions", json_integer(s->open_decisions), err);
	set(o, "drifting_decisions", json_integer(s->drifting_decisions),
	    err);
	set(o, "dispute_stage", jstr(s->dispute_stage), err);
	set(o, "dispute_response_due", jstr(s->dispute_response_due), err);
	set(o, "consultation_done", json_boolean(s->consultation_done), err);
	return o;
}

int
out_caseload(FILE *f, const struct iro_caseload *c)
{
	struct iro_child_summary s;
	json_t *a = json_array();
	size_t i, n = iro_caseload_count(c);
	int err = 0;

	for (i = 0; i < n && err == 0; i++) {
		if ((err = iro_caseload_at(c, i, &s)) != 0)
			break;
		append(a, summary(&s, &err), &err);
	}
	return emit(f, a, err);
}

int
out_agenda(FILE *f, const struct iro_agenda *ag)
{
	struct iro_agenda_item it;
	json_t *a = json_array(), *o;
	size_t i, n = iro_agenda_count(ag);
	int err = 0;

	for (i = 0; i < n && err == 0; i++) {
		if ((err = iro_agenda_at(ag, i, &it)) != 0)
			break;
		o = json_object();
		set(o, "date", jstr(it.date), &err);
		set(o, "kind", jstr(it.kind), &err);
		set(o, "child", jstr(it.child), &err);
		set(o, "child_id", jstr(it.child_id), &err);
		set(o, "child_name", jstr(it.child_name), &err);
		set(o, "record", jstr(it.record), &err);
		set(o, "text", jstr(it.text), &err);
		set(o, "working_days_left", json_integer(it.working_days_left),
		    &err);
		set(o, "overdue", json_boolean(it.overdue), &err);
		append(a, o, &err);
	}
	return emit(f, a, err);
}

/* A record as {"id", field: value, ...}. */
static json_t *
flat(const struct iro_record *r, int *err)
{
	json_t *o = json_object();
	struct iro_value v;
	const char *name;
	size_t i, n = iro_record_nfields(r);
	int conflicted;

	set(o, "id", jstr(iro_record_id(r)), err);
	for (i = 0; i < n; i++)
		if (iro_record_field(r, i, &name, &v, &conflicted) == 0 &&
		    strcmp(name, "id") != 0)
			set(o, name, jvalue(&v), err);
	return o;
}

static json_t *
flat_list(const struct iro_list *l, int *err)
{
	json_t *a = json_array();
	size_t i, n = iro_list_count(l);

	for (i = 0; i < n && *err == 0; i++)
		append(a, flat(iro_list_at(l, i), err), err);
	return a;
}

/* Each dispute with "stages": its stages, in the order listed. */
static json_t *
disputes(const struct iro_list *d, const struct iro_list *stages, int *err)
{
	const struct iro_record *st;
	json_t *a = json_array(), *o, *sa;
	struct iro_value v;
	size_t i, j, n = iro_list_count(d), ns = iro_list_count(stages);

	for (i = 0; i < n && *err == 0; i++) {
		o = flat(iro_list_at(d, i), err);
		sa = json_array();
		for (j = 0; j < ns; j++) {
			st = iro_list_at(stages, j);
			if (iro_record_get(st, "dispute", &v) == 0 &&
			    v.type == IRO_V_STR && strcmp(v.s,
			    iro_record_id(iro_list_at(d, i))) == 0)
				append(sa, flat(st, err), err);
		}
		set(o, "stages", sa, err);
		append(a, o, err);
	}
	return a;
}

/* A decision's status changes that count: [{"status","at","by"}]. */
static json_t *
status_history(const struct iro_history *hs, int *err)
{
	struct iro_history_entry e;
	json_t *a = json_array(), *o;
	size_t i, n = iro_history_count(hs);

	for (i = 0; i < n && *err == 0; i++) {
		if (iro_history_at(hs, i, &e) != 0) {
			*err = IRO_EINTERNAL;
			break;
		}
		if (strcmp(e.state, "refused") == 0)
			continue;
		o = json_object();
		set(o, "status", jvalue(&e.value), err);
		set(o, "at", jtime(e.at_ms), err);
		set(o, "by", jstr(e.by), err);
		append(a, o, err);
	}
	return a;
}

/* The decisions, each with its status history. */
static json_t *
decisions(const struct out_child_view *v, int *err)
{
	json_t *a = json_array(), *o;
	size_t i, n = iro_list_count(v->decisions);

	for (i = 0; i < n && *err == 0; i++) {
		o = flat(iro_list_at(v->decisions, i), err);
		set(o, "status_history", status_history(v->decision_status !=
		    NULL ? v->decision_status[i] : NULL, err), err);
		append(a, o, err);
	}
	return a;
}

int
out_child(FILE *f, const struct out_child_view *v)
{
	json_t *o = json_object();
	int err = 0;

	set(o, "child", flat(v->child, &err), &err);
	set(o, "summary", summary(v->summary, &err), &err);
	set(o, "reviews", flat_list(v->reviews, &err), &err);
	set(o, "visits", flat_list(v->visits, &err), &err);
	set(o, "notes", flat_list(v->notes, &err), &err);
	set(o, "decisions", decisions(v, &err), &err);
	set(o, "disputes", disputes(v->disputes, v->stages, &err), &err);
	set(o, "flags", flat_list(v->flags, &err), &err);
	return emit(f, o, err);
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

int
out_history(FILE *f, const struct iro_history *hs)
{
	struct iro_history_entry e;
	json_t *a = json_array(), *o;
	size_t i, n = iro_history_count(hs);
	int err = 0;

	for (i = 0; i < n && err == 0; i++) {
		if ((err = iro_history_at(hs, i, &e)) != 0)
			break;
		o = json_object();
		set(o, "field", jstr(e.field), &err);
		set(o, "value", jvalue(&e.value), &err);
		set(o, "by", jstr(e.by), &err);
		set(o, "device", jstr(e.device), &err);
		set(o, "at", jtime(e.at_ms), &err);
		set(o, "state", jstr(e.state), &err);
		set(o, "refusal", jstr(e.refusal), &err);
		set(o, "current", json_boolean(e.current), &err);
		set(o, "superseded", json_boolean(e.superseded), &err);
		append(a, o, &err);
	}
	return emit(f, a, err);
}
