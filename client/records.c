/*
 * records.c - reading records: iro_get, iro_list, iro_find_child and the
 * accessors of the opaque record and list.
 *
 * A public record is a snapshot: it owns copies of its strings, so it
 * stays valid after the handle moves on or is closed.
 */
#include <stdlib.h>
#include <string.h>

#include "handle.h"
#include "hex.h"
#include "lease.h"
#include "ref.h"

struct record_field {
	char name[LIMIT_NAME_MAX + 1];
	struct iro_value value;       /* owns its string */
	int conflicted;
};

struct iro_record {
	char id[IRO_ID_HEX + 1];
	char type[LIMIT_NAME_MAX + 1];
	int deleted;
	size_t nfields;
	struct record_field *fields;  /* in name order */
};

void
iro_record_free(struct iro_record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfields; i++)
		handle_value_release(&r->fields[i].value);
	free(r->fields);
	free(r);
}

/* The fields a reader sees: the deletion mark only while it holds. */
static bool
shown(const struct merge_field *f)
{
	return strcmp(f->name, CHANGE_FIELD_DELETED) != 0 ||
	    (f->current != NULL && f->current->value.type != VALUE_NIL);
}

static int
snapshot(const struct handle_rec *rec, struct iro_record **out)
{
	const struct merge_record *m = &rec->m;
	static const struct value nil = { .type = VALUE_NIL };
	struct iro_record *r;
	size_t i;
	int rc = 0;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return IRO_ENOMEM;
	hex_encode(m->record, LIMIT_ID_LEN, r->id);
	memcpy(r->type, rec->type, sizeof(r->type));
	r->deleted = m->deleted;
	if (m->nfields > 0 &&
	    (r->fields = calloc(m->nfields, sizeof(*r->fields))) == NULL) {
		free(r);
		return IRO_ENOMEM;
	}
	for (i = 0; i < m->nfields && rc == 0; i++) {
		const struct merge_field *f = &m->fields[i];
		struct record_field *rf = &r->fields[r->nfields];

		if (!shown(f))
			continue;
		memcpy(rf->name, f->name, strnlen(f->name, LIMIT_NAME_MAX));
		rf->conflicted = merge_field_conflicted(f);
		rc = handle_value_export(f->current != NULL ?
		    &f->current->value : &nil, &rf->value);
		if (rc == 0)
			r->nfields++;
	}
	if (rc != 0) {
		iro_record_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int
iro_get(struct iro *h, const char *id, struct iro_record **out)
{
	struct handle_rec rec;
	uint8_t rid[LIMIT_ID_LEN];
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	memset(&rec, 0, sizeof(rec));
	if ((rc = handle_parse_id(h, id, "record", rid)) != 0 ||
	    (rc = handle_rec_load(h, rid, &rec)) != 0)
		goto out;
	if ((rc = snapshot(&rec, out)) != 0)
		handle_fail(h, rc, "out of memory");
out:
	handle_rec_clear(&rec);
	return rc;
}

int
iro_list(struct iro *h, const char *type, struct iro_list **out)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	struct iro_list *l = NULL;
	struct handle_rec rec;
	size_t n = 0, i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	if (type != NULL && schema_type_find(type) == NULL)
		return handle_fail(h, IRO_EINVAL, "unknown record type '%.40s'",
		    type);
	if ((rc = replica_records(h->replica, type, &ids, &n)) != 0)
		return handle_fail_replica(h, rc, "list records");
	l = calloc(1, sizeof(*l));
	if (l == NULL || (n > 0 &&
	    (l->recs = calloc(n, sizeof(*l->recs))) == NULL)) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = handle_rec_load(h, ids[i], &rec);
		if (rc == 0 && !rec.m.deleted) {
			rc = snapshot(&rec, &l->recs[l->n]);
			if (rc == 0)
				l->n++;
			else
				handle_fail(h, rc, "out of memory");
		}
		handle_rec_clear(&rec);
		if (rc == IRO_ENOTFOUND)
			rc = 0;   /* every change of it was refused */
		if (rc != 0)
			goto out;
	}
	*out = l;
	l = NULL;
out:
	iro_list_free(l);
	free(ids);
	return rc;
}

int
iro_find_child(struct iro *h, const char *key, char out_id[IRO_ID_HEX + 1])
{
	uint8_t id[LIMIT_ID_LEN];
	int rc;

	if (out_id != NULL)
		out_id[0] = '\0';
	if (h == NULL || out_id == NULL || key == NULL)
		return IRO_EINVAL;
	if ((rc = lease_check(h)) != 0)
		return rc;
	if ((rc = ref_find(h, "child", key, id)) != 0)
		return rc;
	hex_encode(id, LIMIT_ID_LEN, out_id);
	return 0;
}

size_t
iro_list_count(const struct iro_list *l)
{
	return l != NULL ? l->n : 0;
}

const struct iro_record *
iro_list_at(const struct iro_list *l, size_t i)
{
	return l != NULL && i < l->n ? l->recs[i] : NULL;
}

void
iro_list_free(struct iro_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		iro_record_free(l->recs[i]);
	free(l->recs);
	free(l);
}

const char *
iro_record_id(const struct iro_record *r)
{
	return r != NULL ? r->id : "";
}

const char *
iro_record_type(const struct iro_record *r)
{
	return r != NULL ? r->type : "";
}

int
iro_record_deleted(const struct iro_record *r)
{
	return r != NULL && r->deleted;
}

size_t
iro_record_nfields(const struct iro_record *r)
{
	return r != NULL ? r->nfields : 0;
}

int
iro_record_field(const struct iro_record *r, size_t i, const char **name,
    struct iro_value *value, int *conflicted)
{
	if (name != NULL)
		*name = NULL;
	if (value != NULL)
		memset(value, 0, sizeof(*value));
	if (conflicted != NULL)
		*conflicted = 0;
	if (r == NULL || i >= r->nfields)
		return IRO_ENOTFOUND;
	if (name != NULL)
		*name = r->fields[i].name;
	if (value != NULL)
		*value = r->fields[i].value;
	if (conflicted != NULL)
		*conflicted = r->fields[i].conflicted;
	return 0;
}

int
iro_record_get(const struct iro_record *r, const char *name,
    struct iro_value *value)
{
	size_t i;

	if (value != NULL)
		memset(value, 0, sizeof(*value));
	if (r == NULL || name == NULL || value == NULL)
		return IRO_EINVAL;
	for (i = 0; i < r->nfields; i++) {
		if (strcmp(r->fields[i].name, name) == 0) {
			*value = r->fields[i].value;
			break;
		}
	}
	return 0;
}
