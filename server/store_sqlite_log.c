/*
 * store_sqlite_log.c - the SQLite store's change log, the records
 * materialised from it, and pull (store.h).
 *
 * A log row keeps the change in its canonical wire encoding (the exact
 * content, so a retry can be told from a reused id by comparing bytes)
 * beside the columns queries need.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "store.h"
#include "store_sqlite.h"
#include "wire.h"

void
store_entry_init(struct store_entry *e)
{
	memset(e, 0, sizeof(*e));
	change_init(&e->change);
}

void
store_entry_clear(struct store_entry *e)
{
	if (e == NULL)
		return;
	change_clear(&e->change);
	store_entry_init(e);
}

int
store_log_append(struct store *st, const struct store_entry *e,
    uint64_t *pos)
{
	const struct change *c = &e->change;
	uint8_t *body = NULL;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	if (pos != NULL)
		*pos = 0;
	if (c->seq > INT64_MAX)
		return IRO_EINVAL;
	if ((rc = wire_encode_change(c, &body, &len)) != 0)
		return rc == IRO_ENOMEM ? rc : IRO_EINVAL;
	if ((rc = ss_stmt(st, SS_LOG_APPEND, &s)) != 0)
		goto out;
	sqlite3_bind_blob(s, 1, c->ts.device, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)c->seq);
	sqlite3_bind_text(s, 3, c->type, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, c->record, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, c->field, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, e->status == STORE_ACCEPTED ? 0 : 1);
	sqlite3_bind_blob(s, 7, e->origin, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)e->received_ms);
	sqlite3_bind_text(s, 9, e->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, e->reason, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 11, body, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		rc = 0;
		if (pos != NULL)
			*pos = (uint64_t)sqlite3_last_insert_rowid(st->db);
	} else if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		rc = IRO_EEXIST;
	} else {
		rc = ss_fail(st, "append to the change log");
	}
out:
	free(body);
	return rc;
}

/* Decode a stored change body; IRO_ECORRUPT if it does not decode. */
static int
read_change(struct store *st, sqlite3_stmt *s, int col, struct change *c)
{
	const uint8_t *b = sqlite3_column_blob(s, col);
	size_t len = (size_t)sqlite3_column_bytes(s, col);
	char why[128];
	int rc;

	change_init(c);
	if (b == NULL)
		return IRO_ECORRUPT;
	rc = wire_decode_change(b, len, c, why, sizeof(why));
	if (rc == IRO_ENOMEM)
		return rc;
	if (rc != 0) {
		snprintf(st->err, sizeof(st->err),
		    "a logged change does not decode: %s", why);
		return IRO_ECORRUPT;
	}
	return 0;
}

int
store_log_find(struct store *st, const struct store_log_key *key,
    struct store_entry *out)
{
	uint8_t *body = NULL;
	size_t len = 0;
	sqlite3_stmt *s = NULL;
	int rc;

	store_entry_init(out);
	if (key->seq > INT64_MAX)
		return IRO_ENOTFOUND;
	if (key->content != NULL &&
	    (rc = wire_encode_change(key->content, &body, &len)) != 0)
		return rc == IRO_ENOMEM ? rc : IRO_ENOTFOUND;
	rc = ss_stmt(st, key->status == STORE_ACCEPTED ? SS_LOG_FIND_ACCEPTED :
	    SS_LOG_FIND_REFUSED, &s);
	if (rc != 0)
		goto out;
	sqlite3_bind_blob(s, 1, key->device, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)key->seq);
	if (key->origin != NULL)
		sqlite3_bind_blob(s, 4, key->origin, LIMIT_ID_LEN,
		    SQLITE_STATIC);
	if (body != NULL)
		sqlite3_bind_blob(s, 5, body, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rc = IRO_ENOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = ss_fail(st, "search the change log");
		goto out;
	}
	out->pos = (uint64_t)sqlite3_column_int64(s, 0);
	out->status = sqlite3_column_int(s, 1) == 0 ? STORE_ACCEPTED :
	    STORE_REFUSED;
	out->received_ms = (uint64_t)sqlite3_column_int64(s, 3);
	ss_text(s, 4, out->code, sizeof(out->code));
	ss_text(s, 5, out->reason, sizeof(out->reason));
	if ((rc = ss_blob(s, 2, out->origin, LIMIT_ID_LEN)) == 0)
		rc = read_change(st, s, 6, &out->change);
out:
	if (s != NULL)
		sqlite3_reset(s);
	free(body);
	if (rc != 0)
		store_entry_clear(out);
	return rc;
}

int
store_record_type(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    char type[LIMIT_NAME_MAX + 1])
{
	sqlite3_stmt *s;
	int rc;

	type[0] = '\0';
	if ((rc = ss_stmt(st, SS_RECORD_TYPE, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, rec, LIMIT_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ss_text(s, 0, type, LIMIT_NAME_MAX + 1);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? IRO_ENOTFOUND :
		    ss_fail(st, "read the record's type");
	}
	sqlite3_reset(s);
	return rc;
}

int
store_record_changes(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    struct change **out, size_t *n)
{
	struct change *a = NULL;
	size_t cap = 0, cnt = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ss_stmt(st, SS_RECORD_CHANGES, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, rec, LIMIT_ID_LEN, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_grow((void **)&a, &cap, cnt, sizeof(*a),
		    STORE_RECORD_CHANGES_MAX)) != 0 ||
		    (rc = read_change(st, s, 0, &a[cnt])) != 0)
			goto out;
		cnt++;
	}
	rc = rc == SQLITE_DONE ? 0 : ss_fail(st, "read the record's changes");
out:
	sqlite3_reset(s);
	if (rc != 0) {
		change_free_array(a, cnt);
		return rc;
	}
	*out = a;
	*n = cnt;
	return 0;
}

/* ---- materialised records ---- */

void
store_record_clear(struct store_record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfields; i++)
		value_clear(&r->fields[i].value);
	free(r->fields);
	memset(r, 0, sizeof(*r));
}

void
store_record_free_array(struct store_record *a, size_t n)
{
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		store_record_clear(&a[i]);
	free(a);
}

static void
bind_value(sqlite3_stmt *s, int col_type, const struct value *v)
{
	sqlite3_bind_int(s, col_type, (int)v->type);
	switch (v->type) {
	case VALUE_NIL:
		break;
	case VALUE_BOOL:
		sqlite3_bind_int64(s, col_type + 1, v->b ? 1 : 0);
		break;
	case VALUE_INT:
		sqlite3_bind_int64(s, col_type + 1, v->i);
		break;
	case VALUE_STR:
		sqlite3_bind_text(s, col_type + 2, v->s, (int)v->len,
		    SQLITE_STATIC);
		break;
	}
}

static int
put_field(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    const struct merge_field *f)
{
	static const struct value nil = { .type = VALUE_NIL };
	const struct change *cur = f->current;
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_FIELD_PUT, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, rec, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, f->name, -1, SQLITE_STATIC);
	bind_value(s, 3, cur != NULL ? &cur->value : &nil);
	if (cur != NULL) {
		sqlite3_bind_int64(s, 6, (sqlite3_int64)cur->ts.wall_ms);
		sqlite3_bind_int64(s, 7, cur->ts.counter);
		sqlite3_bind_blob(s, 8, cur->ts.device, LIMIT_ID_LEN,
		    SQLITE_STATIC);
	}
	sqlite3_bind_int(s, 9, merge_field_conflicted(f) ? 1 : 0);
	return ss_exec(st, s, "save a field");
}

int
store_record_put(struct store *st, const struct merge_record *m,
    const struct store_scope *scope, const char *iro)
{
	sqlite3_stmt *s;
	size_t i;
	bool own;
	int rc;

	if ((rc = ss_tx_enter(st, &own)) != 0)
		return rc;
	if ((rc = ss_stmt(st, SS_FIELDS_DROP, &s)) != 0)
		goto out;
	sqlite3_bind_blob(s, 1, m->record, LIMIT_ID_LEN, SQLITE_STATIC);
	if ((rc = ss_exec(st, s, "replace the record's fields")) != 0)
		goto out;
	for (i = 0; i < m->nfields && rc == 0; i++)
		rc = put_field(st, m->record, &m->fields[i]);
	if (rc != 0 || (rc = ss_stmt(st, SS_RECORD_PUT, &s)) != 0)
		goto out;
	sqlite3_bind_blob(s, 1, m->record, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, m->type, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, m->deleted ? 1 : 0);
	sqlite3_bind_int64(s, 4,
	    (sqlite3_int64)merge_record_conflicts(m));
	if ((rc = ss_exec(st, s, "save the record")) == 0)
		rc = ss_scope_put(st, m->record, scope, iro);
out:
	return ss_tx_leave(st, own, rc);
}

/* Read the field in columns 4.. of a record row into f. */
static int
read_field(sqlite3_stmt *s, struct store_field *f)
{
	int vtype = sqlite3_column_int(s, 5);
	int rc = 0;

	memset(f, 0, sizeof(*f));
	ss_text(s, 4, f->name, sizeof(f->name));
	switch (vtype) {
	case VALUE_NIL:
		break;
	case VALUE_BOOL:
		f->value.type = VALUE_BOOL;
		f->value.b = sqlite3_column_int64(s, 6) != 0;
		break;
	case VALUE_INT:
		f->value.type = VALUE_INT;
		f->value.i = sqlite3_column_int64(s, 6);
		break;
	case VALUE_STR:
		rc = value_set_str(&f->value,
		    (const char *)sqlite3_column_text(s, 7),
		    (size_t)sqlite3_column_bytes(s, 7));
		break;
	default:
		return IRO_ECORRUPT;
	}
	if (rc != 0)
		return rc;
	if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
		f->has_stamp = true;
		f->stamp.wall_ms = (uint64_t)sqlite3_column_int64(s, 8);
		f->stamp.counter = (uint32_t)sqlite3_column_int64(s, 9);
		rc = ss_blob(s, 10, f->stamp.device, LIMIT_ID_LEN);
	}
	f->conflict = sqlite3_column_int(s, 11) != 0;
	return rc;
}

/*
 * Read rows of (record, field) pairs, sorted by record, into an array of
 * records.  A record without fields comes as one row with a NULL field.
 */
static int
read_records(struct store *st, sqlite3_stmt *s, struct store_record **out,
    size_t *n)
{
	struct store_record *a = NULL, *r = NULL;
	size_t cap = 0, cnt = 0, fcap = 0;
	uint8_t id[LIMIT_ID_LEN];
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_blob(s, 0, id, sizeof(id))) != 0)
			goto fail;
		if (r == NULL || memcmp(r->id, id, sizeof(id)) != 0) {
			if ((rc = ss_grow((void **)&a, &cap, cnt, sizeof(*a),
			    SIZE_MAX / sizeof(*a))) != 0)
				goto fail;
			r = &a[cnt++];
			memcpy(r->id, id, sizeof(id));
			ss_text(s, 1, r->type, sizeof(r->type));
			r->deleted = sqlite3_column_int(s, 2) != 0;
			r->nconflicts = (size_t)sqlite3_column_int64(s, 3);
			fcap = 0;
		}
		if (sqlite3_column_type(s, 4) == SQLITE_NULL)
			continue;
		if ((rc = ss_grow((void **)&r->fields, &fcap, r->nfields,
		    sizeof(*r->fields), SIZE_MAX / sizeof(*r->fields))) != 0 ||
		    (rc = read_field(s, &r->fields[r->nfields])) != 0)
			goto fail;
		r->nfields++;
	}
	if (rc != SQLITE_DONE) {
		rc = ss_fail(st, "read the records");
		goto fail;
	}
	*out = a;
	*n = cnt;
	return 0;
fail:
	store_record_free_array(a, cnt);
	return rc;
}

int
store_record_get(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    struct store_record *out)
{
	struct store_record *a = NULL;
	sqlite3_stmt *s;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ss_stmt(st, SS_RECORD_GET, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, id, LIMIT_ID_LEN, SQLITE_STATIC);
	rc = read_records(st, s, &a, &n);
	sqlite3_reset(s);
	if (rc != 0)
		return rc;
	if (n == 0) {
		free(a);
		return IRO_ENOTFOUND;
	}
	*out = a[0];
	free(a);
	return 0;
}

int
store_record_list(struct store *st, const char *type,
    struct store_record **out, size_t *n)
{
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ss_stmt(st, SS_RECORD_LIST, &s)) != 0)
		return rc;
	if (type != NULL)
		sqlite3_bind_text(s, 1, type, -1, SQLITE_STATIC);
	rc = read_records(st, s, out, n);
	sqlite3_reset(s);
	return rc;
}

int
store_record_find(struct store *st, const char *type, const char *field,
    const struct value *v, uint8_t id[LIMIT_ID_LEN])
{
	sqlite3_stmt *s;
	int rc;

	memset(id, 0, LIMIT_ID_LEN);
	if (v->type == VALUE_NIL)
		return IRO_EINVAL;
	rc = ss_stmt(st, v->type == VALUE_STR ? SS_RECORD_FIND_STR :
	    SS_RECORD_FIND_INT, &s);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(s, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, (int)v->type);
	if (v->type == VALUE_STR)
		sqlite3_bind_text(s, 4, v->s, (int)v->len, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 4, v->type == VALUE_BOOL ? v->b : v->i);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = ss_blob(s, 0, id, LIMIT_ID_LEN);
	else
		rc = rc == SQLITE_DONE ? IRO_ENOTFOUND :
		    ss_fail(st, "search the records");
	sqlite3_reset(s);
	return rc;
}

/* ---- pull ---- */

void
store_pull_page_clear(struct store_pull_page *p)
{
	if (p == NULL)
		return;
	change_free_array(p->changes, p->n);
	memset(p, 0, sizeof(*p));
}

/* Position p as SQLite's integer (positions never reach the top). */
static sqlite3_int64
pos_arg(uint64_t p)
{
	return (sqlite3_int64)(p > INT64_MAX ? INT64_MAX : p);
}

/* The statement for q: the main pull through the viewer's scope, or a
 * backfill of q's children. */
static int
pull_stmt(struct store *st, const struct store_pull_query *q,
    sqlite3_stmt **out)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	if (q->nchildren == 0) {
		if ((rc = ss_stmt(st, SS_PULL, &s)) != 0)
			return rc;
		sqlite3_bind_int64(s, 1, pos_arg(q->cursor));
		sqlite3_bind_blob(s, 2, q->device, LIMIT_ID_LEN,
		    SQLITE_STATIC);
		ss_bind_viewer(s, q->viewer);
	} else {
		if ((rc = ss_stmt(st, SS_BACKFILL, &s)) != 0)
			return rc;
		sqlite3_bind_int64(s, 1, pos_arg(q->cursor));
		sqlite3_bind_int64(s, 2, pos_arg(q->until));
		for (i = 0; i < q->nchildren; i++)
			sqlite3_bind_blob(s, 4 + (int)i, q->children[i],
			    LIMIT_ID_LEN, SQLITE_STATIC);
	}
	/* One row past the page tells whether another page waits. */
	sqlite3_bind_int64(s, 3, (sqlite3_int64)q->limit + 1);
	*out = s;
	return 0;
}

/* Fill p from the rows after q->cursor that q may see. */
static int
pull_rows(struct store *st, const struct store_pull_query *q,
    struct store_pull_page *p)
{
	size_t cap = 0, bytes = WIRE_PULL_OVERHEAD, sz;
	sqlite3_stmt *s;
	struct change c;
	int rc, step;

	if ((rc = pull_stmt(st, q, &s)) != 0)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (p->n == q->limit) {
			p->more = true;
			break;
		}
		if ((rc = read_change(st, s, 1, &c)) != 0)
			goto out;
		sz = wire_change_size(&c);
		if (sz == SIZE_MAX || (p->n > 0 && (sz > q->max_bytes ||
		    bytes > q->max_bytes - sz))) {
			change_clear(&c);
			if (sz == SIZE_MAX) {
				rc = IRO_ECORRUPT;
				goto out;
			}
			p->more = true;
			break;
		}
		if ((rc = ss_grow((void **)&p->changes, &cap, p->n,
		    sizeof(*p->changes), LIMIT_PULL_CHANGES)) != 0) {
			change_clear(&c);
			goto out;
		}
		p->changes[p->n++] = c;
		bytes += sz;
		p->cursor = (uint64_t)sqlite3_column_int64(s, 0);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = ss_fail(st, "read the change log");
out:
	sqlite3_reset(s);
	return rc;
}

int
store_pull(struct store *st, const struct store_pull_query *q,
    struct store_pull_page *out)
{
	uint64_t last = 0;
	bool own;
	int rc;

	memset(out, 0, sizeof(*out));
	if (q->limit == 0 || q->limit > LIMIT_PULL_CHANGES ||
	    q->device == NULL || q->viewer == NULL ||
	    q->nchildren > LIMIT_BACKFILL_CHILDREN ||
	    (q->nchildren > 0 && (q->children == NULL ||
	    q->until < q->cursor)))
		return IRO_EINVAL;
	/* One transaction: the page and the last position must agree. */
	if ((rc = ss_read_enter(st, &own)) != 0)
		return rc;
	out->cursor = q->cursor;
	rc = pull_rows(st, q, out);
	if (rc == 0 && !out->more && q->nchildren > 0) {
		/* A backfill is complete once it reaches its bound. */
		out->cursor = q->until;
	} else if (rc == 0 && !out->more) {
		/* Everything up to the end was examined, including rows
		 * this device may not see: the next pull starts past them. */
		rc = ss_count(st, SS_LAST_POS, &last);
		if (rc == 0 && last > out->cursor)
			out->cursor = last;
	}
	rc = ss_tx_leave(st, own, rc);
	if (rc != 0)
		store_pull_page_clear(out);
	return rc;
}
