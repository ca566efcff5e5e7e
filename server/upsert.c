/*
 * upsert.c - records the server writes itself (upsert.h).
 */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "iro_error.h"
#include "ledger.h"
#include "schema.h"
#include "upsert.h"
#include "why.h"

/* The current value of field name in r, or NULL if never set. */
static const struct store_field *
current(const struct store_record *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return r->fields[i].has_stamp ? &r->fields[i] : NULL;
	return NULL;
}

static bool
listed(const struct upsert_field *fields, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return true;
	return false;
}

/* Log one server change of field name to v unless it holds v already. */
static int
set_field(struct store *st, uint64_t now_ms, const char *author,
    const struct schema_type *t, const struct store_record *rec,
    const char *name, const struct value *v, size_t *changes, char *why,
    size_t whylen)
{
	const struct schema_field *f = schema_field_find(t, name);
	const struct store_field *cur = current(rec, name);
	char msg[256];
	struct change c;

	if (f == NULL)
		return why_set(why, whylen, IRO_EINVAL, "unknown field '%s.%s'",
		    t->name, name);
	if (schema_check_value(f, v, msg, sizeof(msg)) != 0)
		return why_set(why, whylen, IRO_EINVAL, "%s: %s", t->name, msg);
	if (cur == NULL ? v->type == VALUE_NIL : value_equal(&cur->value, v))
		return 0;
	change_init(&c);
	snprintf(c.type, sizeof(c.type), "%s", t->name);
	memcpy(c.record, rec->id, LIMIT_ID_LEN);
	snprintf(c.field, sizeof(c.field), "%s", name);
	snprintf(c.author, sizeof(c.author), "%s", author);
	c.value = *v;                   /* borrowed: c is not cleared */
	if (cur != NULL) {
		c.has_base = true;
		c.base = cur->stamp;
	}
	(*changes)++;
	return ledger_author(st, now_ms, &c);
}

/* The schema's defaults for the fields a new record is created without. */
static int
set_defaults(struct store *st, uint64_t now_ms, const char *author,
    const struct schema_type *t, const struct store_record *rec,
    const struct upsert_field *fields, size_t n, size_t *changes,
    char *why, size_t whylen)
{
	const struct schema_field *f;
	struct value v;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->nfields && rc == 0; i++) {
		f = &t->fields[i];
		if (f->dflt == NULL || listed(fields, n, f->name))
			continue;
		if ((rc = schema_parse_text(f, f->dflt, &v, why, whylen)) != 0)
			return rc == IRO_ENOMEM ? rc : IRO_EINTERNAL;
		rc = set_field(st, now_ms, author, t, rec, f->name, &v,
		    changes, why, whylen);
		value_clear(&v);
	}
	return rc;
}

int
upsert_record(struct store *st, uint64_t now_ms, const char *author,
    const char *type, const uint8_t id[LIMIT_ID_LEN],
    const struct upsert_field *fields, size_t n, enum upsert_state *state,
    size_t *changes, char *why, size_t whylen)
{
	const struct schema_type *t = schema_type_find(type);
	struct store_record rec;
	size_t before = *changes, i;
	bool created = false;
	int rc;

	*state = UPSERT_UNCHANGED;
	memset(&rec, 0, sizeof(rec));
	if (t == NULL)
		return why_set(why, whylen, IRO_EINVAL, "unknown record type "
		    "'%s'", type);
	rc = store_record_get(st, id, &rec);
	if (rc == IRO_ENOTFOUND) {
		memcpy(rec.id, id, LIMIT_ID_LEN);
		created = true;
		rc = 0;
	} else if (rc != 0) {
		return rc;
	} else if (strcmp(rec.type, type) != 0) {
		rc = why_set(why, whylen, IRO_EINVAL, "record is a '%s', not a "
		    "'%s'", rec.type, type);
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = set_field(st, now_ms, author, t, &rec, fields[i].name,
		    &fields[i].value, changes, why, whylen);
	if (rc == 0 && created && *changes > before)
		rc = set_defaults(st, now_ms, author, t, &rec, fields, n,
		    changes, why, whylen);
	if (rc == 0 && *changes > before) {
		*state = created ? UPSERT_CREATED : UPSERT_UPDATED;
		rc = ledger_refresh(st, rec.id);
	}
out:
	store_record_clear(&rec);
	return rc;
}

int
upsert_find(struct store *st, const char *type, const char *field,
    const char *s, uint8_t id[LIMIT_ID_LEN], bool *found)
{
	struct value v = { .type = VALUE_STR };
	int rc;

	*found = false;
	v.s = (char *)(uintptr_t)s;
	v.len = strlen(s);
	rc = store_record_find(st, type, field, &v, id);
	if (rc == IRO_ENOTFOUND) {
		crypto_random(id, LIMIT_ID_LEN);
		return 0;
	}
	*found = rc == 0;
	return rc;
}
