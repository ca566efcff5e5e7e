/*
 * store_sqlite_audit.c - the SQLite store's audit log and the reference
 * lookup the audit's questions need (store.h).
 *
 * An entry is a row of `audit` and one row of `audit_records` per record
 * it concerns; triggers refuse UPDATE and DELETE on both tables, so no
 * interface, this one included, can rewrite what was recorded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "hex.h"
#include "iro_error.h"
#include "store.h"
#include "store_sqlite.h"

static int
audit_records_add(struct store *st, uint64_t entry,
    const struct store_audit *a)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < a->nrecords; i++) {
		if ((rc = ss_stmt(st, SS_AUDIT_RECORD_ADD, &s)) != 0)
			return rc;
		sqlite3_bind_int64(s, 1, (sqlite3_int64)entry);
		sqlite3_bind_blob(s, 2, a->records[i], LIMIT_ID_LEN,
		    SQLITE_STATIC);
		if ((rc = ss_exec(st, s, "record the audit entry")) != 0)
			return rc;
	}
	return 0;
}

int
store_audit_append(struct store *st, const struct store_audit *a,
    uint64_t *id)
{
	sqlite3_stmt *s;
	uint64_t entry = 0;
	bool own;
	int rc;

	if (id != NULL)
		*id = 0;
	if (a->action[0] == '\0' || a->nrecords > STORE_AUDIT_RECORDS_MAX ||
	    (a->nrecords > 0 && a->records == NULL) || a->at_ms > INT64_MAX)
		return IRO_EINVAL;
	if ((rc = ss_tx_enter(st, &own)) != 0)
		return rc;
	if ((rc = ss_stmt(st, SS_AUDIT_ADD, &s)) != 0)
		goto out;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)a->at_ms);
	sqlite3_bind_text(s, 2, a->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->username, -1, SQLITE_STATIC);
	if (a->has_device)
		sqlite3_bind_blob(s, 4, a->device, LIMIT_ID_LEN,
		    SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, a->detail, -1, SQLITE_STATIC);
	if ((rc = ss_exec(st, s, "record the audit entry")) != 0)
		goto out;
	entry = (uint64_t)sqlite3_last_insert_rowid(st->db);
	rc = audit_records_add(st, entry, a);
out:
	if ((rc = ss_tx_leave(st, own, rc)) == 0 && id != NULL)
		*id = entry;
	return rc;
}

void
store_audit_free_array(struct store_audit *a, size_t n)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < n; i++)
		free(a[i].records);
	free(a);
}

/* Read the ids one statement yields into the growing array *ids. */
static int
collect_ids(struct store *st, sqlite3_stmt *s, uint64_t **ids, size_t *cap,
    size_t *n)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_grow((void **)ids, cap, *n, sizeof(**ids),
		    STORE_AUDIT_LIST_MAX)) != 0) {
			sqlite3_reset(s);
			return rc;
		}
		(*ids)[(*n)++] = (uint64_t)sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : ss_fail(st, "read the audit log");
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The ids of the entries that concern any of q's records, sorted and
 * without repeats. */
static int
ids_of_records(struct store *st, const struct store_audit_query *q,
    uint64_t **ids, size_t *n)
{
	size_t cap = 0, i, j;
	sqlite3_stmt *s;
	int rc = 0;

	for (i = 0; i < q->nrecords && rc == 0; i++) {
		if ((rc = ss_stmt(st, SS_AUDIT_IDS_OF_RECORD, &s)) != 0)
			break;
		sqlite3_bind_blob(s, 1, q->records[i], LIMIT_ID_LEN,
		    SQLITE_STATIC);
		rc = collect_ids(st, s, ids, &cap, n);
	}
	if (rc != 0 || *n == 0)
		return rc;
	qsort(*ids, *n, sizeof(**ids), cmp_u64);
	for (i = 1, j = 1; i < *n; i++)
		if ((*ids)[i] != (*ids)[j - 1])
			(*ids)[j++] = (*ids)[i];
	*n = j;
	return 0;
}

static int
read_records(struct store *st, struct store_audit *a)
{
	size_t cap = 0;
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_AUDIT_RECORDS, &s)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)a->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_grow((void **)&a->records, &cap, a->nrecords,
		    sizeof(*a->records), STORE_AUDIT_RECORDS_MAX + 1)) != 0 ||
		    (rc = ss_blob(s, 0, a->records[a->nrecords],
		    LIMIT_ID_LEN)) != 0)
			goto out;
		a->nrecords++;
	}
	rc = rc == SQLITE_DONE ? 0 : ss_fail(st, "read the audit log");
out:
	sqlite3_reset(s);
	return rc;
}

/* Read entry id into *a if it passes q's user and time filters; *match
 * says whether it did. */
static int
read_entry(struct store *st, uint64_t id, const struct store_audit_query *q,
    struct store_audit *a, bool *match)
{
	sqlite3_stmt *s;
	int rc;

	*match = false;
	memset(a, 0, sizeof(*a));
	if ((rc = ss_stmt(st, SS_AUDIT_GET, &s)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? IRO_ECORRUPT :
		    ss_fail(st, "read the audit log");
		goto out;
	}
	a->id = (uint64_t)sqlite3_column_int64(s, 0);
	a->at_ms = (uint64_t)sqlite3_column_int64(s, 1);
	ss_text(s, 2, a->action, sizeof(a->action));
	ss_text(s, 3, a->username, sizeof(a->username));
	if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
		if ((rc = ss_blob(s, 4, a->device, LIMIT_ID_LEN)) != 0)
			goto out;
		a->has_device = true;
	}
	ss_text(s, 5, a->address, sizeof(a->address));
	ss_text(s, 6, a->detail, sizeof(a->detail));
	*match = a->at_ms >= q->since_ms && (q->username == NULL ||
	    strcmp(q->username, a->username) == 0);
	rc = 0;
out:
	sqlite3_reset(s);
	if (rc == 0 && *match)
		rc = read_records(st, a);
	return rc;
}

/* The candidate entry ids for q, in id order. */
static int
candidate_ids(struct store *st, const struct store_audit_query *q,
    uint64_t **ids, size_t *n)
{
	size_t cap = 0;
	sqlite3_stmt *s;
	int rc;

	if (q->by_record)
		return ids_of_records(st, q, ids, n);
	if ((rc = ss_stmt(st, SS_AUDIT_IDS, &s)) != 0)
		return rc;
	if (q->username != NULL)
		sqlite3_bind_text(s, 1, q->username, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)(q->since_ms > INT64_MAX ?
	    INT64_MAX : q->since_ms));
	return collect_ids(st, s, ids, &cap, n);
}

int
store_audit_list(struct store *st, const struct store_audit_query *q,
    struct store_audit **out, size_t *n)
{
	struct store_audit *a = NULL;
	uint64_t *ids = NULL;
	size_t nids = 0, cap = 0, cnt = 0, i;
	bool own, match;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ss_read_enter(st, &own)) != 0)
		return rc;
	if ((rc = candidate_ids(st, q, &ids, &nids)) != 0)
		goto out;
	for (i = 0; i < nids; i++) {
		if ((rc = ss_grow((void **)&a, &cap, cnt, sizeof(*a),
		    STORE_AUDIT_LIST_MAX)) != 0)
			goto out;
		if ((rc = read_entry(st, ids[i], q, &a[cnt], &match)) != 0) {
			cnt++;          /* so its records are freed */
			goto out;
		}
		if (match)
			cnt++;
	}
out:
	free(ids);
	rc = ss_tx_leave(st, own, rc);
	if (rc != 0) {
		store_audit_free_array(a, cnt);
		return rc;
	}
	*out = a;
	*n = cnt;
	return 0;
}

int
store_record_referrers(struct store *st, const char *field,
    const uint8_t id[LIMIT_ID_LEN], uint8_t (**out)[LIMIT_ID_LEN],
    size_t *n)
{
	char hex[2 * LIMIT_ID_LEN + 1];
	uint8_t (*a)[LIMIT_ID_LEN] = NULL;
	size_t cap = 0, cnt = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	hex_encode(id, LIMIT_ID_LEN, hex);
	if ((rc = ss_stmt(st, SS_REFERRERS, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hex, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_grow((void **)&a, &cap, cnt, sizeof(*a),
		    STORE_AUDIT_LIST_MAX)) != 0 ||
		    (rc = ss_blob(s, 0, a[cnt], LIMIT_ID_LEN)) != 0)
			goto out;
		cnt++;
	}
	rc = rc == SQLITE_DONE ? 0 : ss_fail(st, "find the references");
out:
	sqlite3_reset(s);
	if (rc != 0) {
		free(a);
		return rc;
	}
	*out = a;
	*n = cnt;
	return 0;
}
