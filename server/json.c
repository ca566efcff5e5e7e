/*
 * json.c - JSON for the server's --json outputs (json.h), with jansson.
 *
 * Builders return NULL when jansson runs out of memory; jansson's setters
 * take ownership of (and free) a NULL or failed value, so one check at
 * the end of each builder covers every step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "hex.h"
#include "iro_error.h"
#include "json.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

static json_t *
id_json(const uint8_t id[LIMIT_ID_LEN])
{
	char hex[2 * LIMIT_ID_LEN + 1];

	hex_encode(id, LIMIT_ID_LEN, hex);
	return json_string(hex);
}

/* ISO 8601 UTC for a time in ms, or null for 0 (never). */
static json_t *
time_json(uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	char buf[32];
	struct tm tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL)
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *
value_json(const struct value *v)
{
	switch (v->type) {
	case VALUE_BOOL:
		return json_boolean(v->b);
	case VALUE_INT:
		return json_integer((json_int_t)v->i);
	case VALUE_STR:
		return json_stringn(v->s, v->len);
	case VALUE_NIL:
		break;
	}
	return json_null();
}

static json_t *
record_json(const struct store_record *r)
{
	json_t *o = json_object(), *fields = json_object();
	json_t *conflicts = json_array();
	const struct store_field *f;
	size_t i;
	int err = 0;

	if (o == NULL || fields == NULL || conflicts == NULL)
		goto fail;
	for (i = 0; i < r->nfields; i++) {
		f = &r->fields[i];
		if (strcmp(f->name, CHANGE_FIELD_DELETED) != 0)
			err |= json_object_set_new(fields, f->name,
			    value_json(&f->value));
		if (f->conflict)
			err |= json_array_append_new(conflicts,
			    json_string(f->name));
	}
	err |= json_object_set_new(o, "id", id_json(r->id));
	err |= json_object_set_new(o, "type", json_string(r->type));
	err |= json_object_set_new(o, "fields", fields);
	fields = NULL;
	err |= json_object_set_new(o, "deleted", json_boolean(r->deleted));
	err |= json_object_set_new(o, "conflicts", conflicts);
	conflicts = NULL;
	if (err == 0)
		return o;
fail:
	json_decref(fields);
	json_decref(conflicts);
	json_decref(o);
	return NULL;
}

/* Dump j (taking it) into *out. */
static int
dump(json_t *j, char **out)
{
	*out = NULL;
	if (j == NULL)
		return IRO_ENOMEM;
	*out = json_dumps(j, JSON_FLAGS);
	json_decref(j);
	return *out == NULL ? IRO_ENOMEM : 0;
}

int
json_record(const struct store_record *r, char **out)
{
	return dump(record_json(r), out);
}

int
json_records(const struct store_record *r, size_t n, char **out)
{
	json_t *a = json_array();
	size_t i;
	int err = 0;

	for (i = 0; a != NULL && i < n && err == 0; i++)
		err = json_array_append_new(a, record_json(&r[i]));
	if (err != 0) {
		json_decref(a);
		a = NULL;
	}
	return dump(a, out);
}

int
json_stats(const struct store_stats *s, char **out)
{
	json_t *o = json_object();
	int err = 0;

	if (o == NULL)
		return IRO_ENOMEM;
	err |= json_object_set_new(o, "changes", json_integer(
	    (json_int_t)s->changes));
	err |= json_object_set_new(o, "refused", json_integer(
	    (json_int_t)s->refused));
	err |= json_object_set_new(o, "records", json_integer(
	    (json_int_t)s->records));
	err |= json_object_set_new(o, "conflicts", json_integer(
	    (json_int_t)s->conflicts));
	err |= json_object_set_new(o, "users", json_integer(
	    (json_int_t)s->users));
	err |= json_object_set_new(o, "devices", json_integer(
	    (json_int_t)s->devices));
	err |= json_object_set_new(o, "last_pos", json_integer(
	    (json_int_t)s->last_pos));
	if (err != 0) {
		json_decref(o);
		o = NULL;
	}
	return dump(o, out);
}

static json_t *
user_json(const struct store_user *u)
{
	json_t *o = json_object();
	int err = 0;

	if (o == NULL)
		return NULL;
	err |= json_object_set_new(o, "username", json_string(u->username));
	err |= json_object_set_new(o, "role", json_string(
	    schema_role_name(u->role)));
	err |= json_object_set_new(o, "team", json_string(u->team));
	err |= json_object_set_new(o, "display_name",
	    json_string(u->display_name));
	err |= json_object_set_new(o, "created", time_json(u->created_ms));
	err |= json_object_set_new(o, "disabled", json_boolean(u->disabled));
	if (err == 0)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *
device_json(const struct store_device *d)
{
	json_t *o = json_object();
	int err = 0;

	if (o == NULL)
		return NULL;
	err |= json_object_set_new(o, "id", id_json(d->id));
	err |= json_object_set_new(o, "user", json_string(d->username));
	err |= json_object_set_new(o, "name", json_string(d->name));
	err |= json_object_set_new(o, "enrolled", time_json(d->enrolled_ms));
	err |= json_object_set_new(o, "last_sync",
	    time_json(d->last_sync_ms));
	/* What a device has recorded but not yet pushed exists only on the
	 * device: the server cannot know it, and says so with null rather
	 * than a number that would look like an answer. */
	err |= json_object_set_new(o, "pending", json_null());
	err |= json_object_set_new(o, "revoked", json_boolean(d->revoked));
	if (err == 0)
		return o;
	json_decref(o);
	return NULL;
}

int
json_users(const struct store_user *u, size_t n, char **out)
{
	json_t *a = json_array();
	size_t i;
	int err = 0;

	for (i = 0; a != NULL && i < n && err == 0; i++)
		err = json_array_append_new(a, user_json(&u[i]));
	if (err != 0) {
		json_decref(a);
		a = NULL;
	}
	return dump(a, out);
}

int
json_devices(const struct store_device *d, size_t n, char **out)
{
	json_t *a = json_array();
	size_t i;
	int err = 0;

	for (i = 0; a != NULL && i < n && err == 0; i++)
		err = json_array_append_new(a, device_json(&d[i]));
	if (err != 0) {
		json_decref(a);
		a = NULL;
	}
	return dump(a, out);
}

static json_t *
audit_json(const struct store_audit *a)
{
	json_t *o = json_object(), *recs = json_array();
	size_t i;
	int err = 0;

	if (o == NULL || recs == NULL) {
		json_decref(o);
		json_decref(recs);
		return NULL;
	}
	for (i = 0; i < a->nrecords && err == 0; i++)
		err = json_array_append_new(recs, id_json(a->records[i]));
	err |= json_object_set_new(o, "id", json_integer((json_int_t)a->id));
	err |= json_object_set_new(o, "at", time_json(a->at_ms));
	err |= json_object_set_new(o, "action", json_string(a->action));
	err |= json_object_set_new(o, "user", a->username[0] != '\0' ?
	    json_string(a->username) : json_null());
	err |= json_object_set_new(o, "device", a->has_device ?
	    id_json(a->device) : json_null());
	err |= json_object_set_new(o, "address", a->address[0] != '\0' ?
	    json_string(a->address) : json_null());
	err |= json_object_set_new(o, "detail", json_string(a->detail));
	err |= json_object_set_new(o, "records", recs);
	if (err == 0)
		return o;
	json_decref(o);
	return NULL;
}

int
json_audit(const struct store_audit *a, size_t n, char **out)
{
	json_t *arr = json_array();
	size_t i;
	int err = 0;

	for (i = 0; arr != NULL && i < n && err == 0; i++)
		err = json_array_append_new(arr, audit_json(&a[i]));
	if (err != 0) {
		json_decref(arr);
		arr = NULL;
	}
	return dump(arr, out);
}

static json_t *
holiday_json(const struct holidays_entry *e)
{
	json_t *o = json_object();
	char d[11];
	int err = 0;

	if (o == NULL)
		return NULL;
	cal_format(e->day, d);
	err |= json_object_set_new(o, "date", json_string(d));
	err |= json_object_set_new(o, "title", e->title[0] != '\0' ?
	    json_string(e->title) : json_null());
	err |= json_object_set_new(o, "working", json_boolean(e->working));
	err |= json_object_set_new(o, "source", json_string(
	    e->source == HOLIDAYS_SERVER ? "server" : "shipped"));
	if (err == 0)
		return o;
	json_decref(o);
	return NULL;
}

int
json_holidays(const struct holidays_entry *e, size_t n, char **out)
{
	json_t *a = json_array();
	size_t i;
	int err = 0;

	for (i = 0; a != NULL && i < n && err == 0; i++)
		err = json_array_append_new(a, holiday_json(&e[i]));
	if (err != 0) {
		json_decref(a);
		a = NULL;
	}
	return dump(a, out);
}

static json_t *
setting_json(const struct json_setting *s)
{
	json_t *o = json_object();
	int err = 0;

	if (o == NULL)
		return NULL;
	err |= json_object_set_new(o, "name", json_string(s->name));
	err |= json_object_set_new(o, "value", s->value[0] != '\0' ?
	    json_string(s->value) : json_null());
	err |= json_object_set_new(o, "default", json_boolean(!s->set));
	if (err == 0)
		return o;
	json_decref(o);
	return NULL;
}

int
json_settings(const struct json_setting *s, size_t n, char **out)
{
	json_t *a = json_array();
	size_t i;
	int err = 0;

	for (i = 0; a != NULL && i < n && err == 0; i++)
		err = json_array_append_new(a, setting_json(&s[i]));
	if (err != 0) {
		json_decref(a);
		a = NULL;
	}
	return dump(a, out);
}
