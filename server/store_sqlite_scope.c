/*
 * store_sqlite_scope.c - the SQLite store's scopes: which child each
 * record is about, to whom each child is allocated, and which children
 * a viewer may see (store.h).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "store.h"
#include "store_sqlite.h"

void
ss_bind_viewer(sqlite3_stmt *s, const struct store_viewer *v)
{
	int role = 0;

	if (v->role == SCHEMA_ROLE_IRO)
		role = 1;
	else if (v->role == SCHEMA_ROLE_MANAGER)
		role = 2;
	sqlite3_bind_int(s, 4, role);
	sqlite3_bind_text(s, 5, v->username != NULL ? v->username : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 6, v->team != NULL ? v->team : "", -1,
	    SQLITE_STATIC);
}

int
ss_scope_put(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    const struct store_scope *scope, const char *iro)
{
	enum store_scope_kind kind = scope ? scope->kind : STORE_SCOPE_NONE;
	sqlite3_stmt *s;
	int rc;

	if (kind != STORE_SCOPE_NONE && kind != STORE_SCOPE_COUNCIL &&
	    kind != STORE_SCOPE_CHILD)
		return IRO_EINVAL;
	if ((rc = ss_stmt(st, SS_SCOPE_PUT, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, rec, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, (int)kind);
	if (kind == STORE_SCOPE_CHILD)
		sqlite3_bind_blob(s, 3, scope->child, LIMIT_ID_LEN,
		    SQLITE_STATIC);
	if ((rc = ss_exec(st, s, "save the record's scope")) != 0 ||
	    iro == NULL)
		return rc;
	if ((rc = ss_stmt(st, SS_ALLOC_PUT, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, rec, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, iro, -1, SQLITE_STATIC);
	return ss_exec(st, s, "save the child's allocation");
}

int
store_record_scope(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    struct store_scope *out)
{
	sqlite3_stmt *s;
	int rc, step, kind;

	memset(out, 0, sizeof(*out));
	if ((rc = ss_stmt(st, SS_SCOPE_GET, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, rec, LIMIT_ID_LEN, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE)
		rc = IRO_ENOTFOUND;
	else if (step != SQLITE_ROW)
		rc = ss_fail(st, "read a record's scope");
	else {
		kind = sqlite3_column_int(s, 0);
		out->kind = kind == STORE_SCOPE_COUNCIL ? STORE_SCOPE_COUNCIL :
		    kind == STORE_SCOPE_CHILD ? STORE_SCOPE_CHILD :
		    STORE_SCOPE_NONE;
		if (kind != (int)out->kind)
			rc = IRO_ECORRUPT;
		else if (kind == STORE_SCOPE_CHILD)
			rc = ss_blob(s, 1, out->child, LIMIT_ID_LEN);
	}
	sqlite3_reset(s);
	if (rc != 0 && rc != IRO_ENOTFOUND)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Read the one-id rows of s into a sorted array of at most max. */
static int
read_ids(struct store *st, sqlite3_stmt *s, size_t max, const char *what,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	uint8_t (*a)[LIMIT_ID_LEN] = NULL;
	size_t cap = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_grow((void **)&a, &cap, *n, LIMIT_ID_LEN,
		    max)) != 0 ||
		    (rc = ss_blob(s, 0, a[*n], LIMIT_ID_LEN)) != 0)
			break;
		(*n)++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ss_fail(st, what);
	sqlite3_reset(s);
	if (rc != 0) {
		free(a);
		*n = 0;
		return rc;
	}
	*out = a;
	return 0;
}

int
store_unscoped(struct store *st, uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ss_stmt(st, SS_UNSCOPED, &s)) != 0)
		return rc;
	return read_ids(st, s, SIZE_MAX / LIMIT_ID_LEN, "list the records "
	    "without a scope", out, n);
}

int
store_scope_children(struct store *st, const struct store_viewer *v,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ss_stmt(st, SS_SCOPE_CHILDREN, &s)) != 0)
		return rc;
	ss_bind_viewer(s, v);
	/* One past the limit tells a scope that is too big from one that
	 * just fits. */
	rc = read_ids(st, s, LIMIT_SCOPE_CHILDREN + 1, "list a scope", out,
	    n);
	if (rc == 0 && *n > LIMIT_SCOPE_CHILDREN) {
		free(*out);
		*out = NULL;
		*n = 0;
		rc = IRO_ETOOBIG;
	}
	return rc;
}
