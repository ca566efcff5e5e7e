/*
 * ref.c - finding the record a reference names, with an index of code
 * values for repeated lookups (a batch of visits naming council ids).
 */
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "ref.h"

struct ref_entry {
	char *code;
	uint8_t id[LIMIT_ID_LEN];
};

struct ref_index {
	char type[LIMIT_NAME_MAX + 1];
	char field[LIMIT_NAME_MAX + 1];
	size_t n;
	struct ref_entry *e;
};

void
ref_index_free(struct ref_index *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++)
		free(x->e[i].code);
	free(x->e);
	free(x);
}

/* The current string value of `field` in a live record of `type`. */
static const char *
live_code(const struct handle_rec *rec, const char *type, const char *field)
{
	const struct merge_field *f;

	if (strcmp(rec->type, type) != 0 || rec->m.deleted)
		return NULL;
	f = merge_field_find(&rec->m, field);
	if (f == NULL || f->current == NULL ||
	    f->current->value.type != VALUE_STR)
		return NULL;
	return f->current->value.s;
}

/* Whether id is a live record of `type` (field NULL) or one whose code
 * field holds key. */
static int
check(struct iro *h, const uint8_t id[LIMIT_ID_LEN], const char *type,
    const char *field, const char *key, int *ok)
{
	struct handle_rec rec;
	const char *v;
	int rc;

	*ok = 0;
	rc = handle_rec_load(h, id, &rec);
	if (rc == 0) {
		if (field == NULL)
			*ok = strcmp(rec.type, type) == 0 && !rec.m.deleted;
		else
			*ok = (v = live_code(&rec, type, field)) != NULL &&
			    strcmp(v, key) == 0;
	}
	handle_rec_clear(&rec);
	return rc == IRO_ENOTFOUND ? 0 : rc;
}

static int
add_entry(struct ref_index *x, size_t *cap, const char *code,
    const uint8_t id[LIMIT_ID_LEN])
{
	struct ref_entry *grown;

	if (x->n == *cap) {
		size_t ncap = *cap > 0 ? 2 * *cap : 64;

		grown = realloc(x->e, ncap * sizeof(*grown));
		if (grown == NULL)
			return IRO_ENOMEM;
		x->e = grown;
		*cap = ncap;
	}
	x->e[x->n].code = strdup(code);
	if (x->e[x->n].code == NULL)
		return IRO_ENOMEM;
	memcpy(x->e[x->n].id, id, LIMIT_ID_LEN);
	x->n++;
	return 0;
}

/* Scan every record of `type` into a new index of `field`. */
static int
build(struct iro *h, const char *type, const char *field,
    struct ref_index **out)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	struct ref_index *x;
	struct handle_rec rec;
	const char *v;
	size_t n = 0, i, cap = 0;
	int rc;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	memcpy(x->type, type, strnlen(type, LIMIT_NAME_MAX));
	memcpy(x->field, field, strnlen(field, LIMIT_NAME_MAX));
	rc = replica_records(h->replica, type, &ids, &n);
	if (rc != 0)
		rc = handle_fail_replica(h, rc, "list records");
	for (i = 0; i < n && rc == 0; i++) {
		rc = handle_rec_load(h, ids[i], &rec);
		if (rc == 0 && (v = live_code(&rec, type, field)) != NULL &&
		    (rc = add_entry(x, &cap, v, ids[i])) != 0)
			handle_fail(h, rc, "out of memory");
		handle_rec_clear(&rec);
		if (rc == IRO_ENOTFOUND)
			rc = 0;   /* every change of it was refused */
	}
	free(ids);
	if (rc != 0) {
		ref_index_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

static const struct ref_entry *
lookup(const struct ref_index *x, const char *key)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (strcmp(x->e[i].code, key) == 0)
			return &x->e[i];
	return NULL;
}

/* The record whose `field` (a code) is key, via the index. */
static int
by_code(struct iro *h, const char *type, const char *field, const char *key,
    uint8_t out[LIMIT_ID_LEN], int *found)
{
	struct ref_index *x = h->ref_index;
	const struct ref_entry *e;
	int rc;

	*found = 0;
	if (x != NULL && strcmp(x->type, type) == 0 &&
	    strcmp(x->field, field) == 0 && (e = lookup(x, key)) != NULL) {
		if ((rc = check(h, e->id, type, field, key, found)) != 0)
			return rc;
		if (*found) {
			memcpy(out, e->id, LIMIT_ID_LEN);
			return 0;
		}
	}
	/* A miss or a stale entry: what the replica holds has changed. */
	if ((rc = build(h, type, field, &x)) != 0)
		return rc;
	ref_index_free(h->ref_index);
	h->ref_index = x;
	if ((e = lookup(x, key)) != NULL) {
		memcpy(out, e->id, LIMIT_ID_LEN);
		*found = 1;
	}
	return 0;
}

int
ref_find(struct iro *h, const char *type, const char *key,
    uint8_t out[LIMIT_ID_LEN])
{
	const struct schema_type *t = schema_type_find(type);
	int found = 0, rc;
	size_t i;

	if (key == NULL || key[0] == '\0')
		return handle_fail(h, IRO_EINVAL, "no %s given", type);
	if (strlen(key) == IRO_ID_HEX &&
	    hex_decode(key, out, LIMIT_ID_LEN) == 0) {
		if ((rc = check(h, out, type, NULL, NULL, &found)) != 0)
			return rc;
		if (found)
			return 0;
	}
	/* Only the type's first code field is its identifier (a child's
	 * council id); later codes (a placement council) name other
	 * things and must not match. */
	for (i = 0; t != NULL && i < t->nfields; i++) {
		if (t->fields[i].kind != SCHEMA_CODE)
			continue;
		rc = by_code(h, type, t->fields[i].name, key, out, &found);
		if (rc != 0)
			return rc;
		break;
	}
	if (!found)
		return handle_fail(h, IRO_ENOTFOUND, "no %s '%.80s' here",
		    type, key);
	return 0;
}
