/*
 * replica_stmt.c - every query the replica runs, prepared once per handle,
 * and the helpers that bind, step and read them.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "replica_int.h"

static const char *const q_sql[REPLICA_Q_N] = {
	[REPLICA_Q_KEYRING_PUT] = "INSERT INTO keyring(id, salt, ops, mem,"
	    " wrapped) VALUES(1, ?1, ?2, ?3, ?4)",
	[REPLICA_Q_KEYRING_GET] = "SELECT salt, ops, mem, wrapped FROM keyring"
	    " WHERE id = 1",
	[REPLICA_Q_META_PUT] = "INSERT INTO meta(key, val) VALUES(?1, ?2)"
	    " ON CONFLICT(key) DO UPDATE SET val = excluded.val",
	[REPLICA_Q_META_GET] = "SELECT val FROM meta WHERE key = ?1",
	[REPLICA_Q_REC_TYPE] = "SELECT type FROM records WHERE id = ?1",
	[REPLICA_Q_REC_ADD] = "INSERT INTO records(id, type) VALUES(?1, ?2)",
	[REPLICA_Q_CH_ADD] = "INSERT INTO changes(device, seq, record, field,"
	    " state, blob) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT(device, seq) DO NOTHING",
	[REPLICA_Q_CH_GET] = "SELECT " REPLICA_CHANGE_COLS " FROM changes"
	    " WHERE device = ?1 AND seq = ?2",
	[REPLICA_Q_CH_REPLACE] = "UPDATE changes SET blob = ?3 WHERE device = ?1"
	    " AND seq = ?2 AND state = ?4 AND record = ?5 AND field = ?6"
	    " AND (SELECT type FROM records WHERE id = ?5) = ?7",
	[REPLICA_Q_CH_STATE] = "UPDATE changes SET state = ?3, reason = ?4"
	    " WHERE device = ?1 AND seq = ?2",
	[REPLICA_Q_CH_REASON] = "SELECT state, reason FROM changes"
	    " WHERE device = ?1 AND seq = ?2",
	[REPLICA_Q_CH_RECORD] = "SELECT " REPLICA_CHANGE_COLS " FROM changes"
	    " WHERE record = ?1 ORDER BY device, seq",
	[REPLICA_Q_CH_PENDING] = "SELECT " REPLICA_CHANGE_COLS " FROM changes"
	    " WHERE state = ?1 ORDER BY seq, device LIMIT ?2",
	[REPLICA_Q_CH_COUNT] = "SELECT count(*) FROM changes WHERE state = ?1",
	[REPLICA_Q_FLAGS_SET] = "UPDATE records SET flags = ?2 WHERE id = ?1",
	[REPLICA_Q_FLAGS_COUNT] = "SELECT count(*) FROM records"
	    " WHERE flags & ?1 <> 0",
	[REPLICA_Q_FLAGGED] = "SELECT id FROM records WHERE flags & ?1 <> 0"
	    " ORDER BY id",
	[REPLICA_Q_RECORDS] = "SELECT id FROM records ORDER BY id",
	[REPLICA_Q_RECORDS_TYPE] = "SELECT id FROM records WHERE type = ?1"
	    " ORDER BY id",
	[REPLICA_Q_CH_HELD] = "SELECT 1 FROM changes WHERE record = ?1"
	    " AND state = ?2 LIMIT 1",
	[REPLICA_Q_CH_FORGET] = "DELETE FROM changes WHERE record = ?1",
	[REPLICA_Q_REC_FORGET] = "DELETE FROM records WHERE id = ?1",
};

int
replica_exec(struct replica *r, const char *sql, const char *what)
{
	int src = sqlite3_exec(r->db, sql, NULL, NULL, NULL);

	return src == SQLITE_OK ? 0 : replica_fail_db(r, src, what);
}

static int
prep(struct replica *r, enum replica_q id, sqlite3_stmt **out)
{
	int src;

	*out = NULL;
	if (r->stmt[id] == NULL) {
		src = sqlite3_prepare_v3(r->db, q_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &r->stmt[id], NULL);
		if (src != SQLITE_OK)
			return replica_fail_db(r, src, "prepare a query");
	}
	*out = r->stmt[id];
	return 0;
}

void
replica_done(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

int
replica_step(struct replica *r, sqlite3_stmt *st, const char *what)
{
	int src = sqlite3_step(st);

	if (src == SQLITE_ROW)
		return 1;
	if (src == SQLITE_DONE)
		return 0;
	return replica_fail_db(r, src, what);
}

/* Bind the next argument of ap, of kind k (a letter of replica_query's
 * fmt), to parameter i. */
static int
bind_one(sqlite3_stmt *st, int i, char k, va_list *ap)
{
	const void *p;
	size_t n;

	switch (k) {
	case 'd':
		p = va_arg(*ap, const uint8_t *);
		return sqlite3_bind_blob(st, i, p, LIMIT_ID_LEN, SQLITE_STATIC);
	case 'b':
		p = va_arg(*ap, const void *);
		n = va_arg(*ap, size_t);
		return p != NULL ? sqlite3_bind_blob64(st, i, p, n,
		    SQLITE_STATIC) : sqlite3_bind_null(st, i);
	case 't':
		return sqlite3_bind_text(st, i, va_arg(*ap, const char *), -1,
		    SQLITE_STATIC);
	case 'i':
		return sqlite3_bind_int64(st, i, va_arg(*ap, int64_t));
	default:
		return SQLITE_MISUSE;
	}
}

int
replica_query(struct replica *r, enum replica_q id, sqlite3_stmt **out,
    const char *fmt, ...)
{
	va_list ap;
	int i, src = SQLITE_OK;

	if ((i = prep(r, id, out)) != 0)
		return i;
	va_start(ap, fmt);
	for (i = 1; *fmt != '\0' && src == SQLITE_OK; fmt++, i++)
		src = bind_one(*out, i, *fmt, &ap);
	va_end(ap);
	if (src != SQLITE_OK) {
		replica_done(*out);
		return replica_fail_db(r, src, "run a query");
	}
	return 0;
}

const uint8_t *
replica_col_fixed(sqlite3_stmt *st, int i, size_t len)
{
	const void *p;

	if (sqlite3_column_type(st, i) != SQLITE_BLOB)
		return NULL;
	p = sqlite3_column_blob(st, i);
	if ((size_t)sqlite3_column_bytes(st, i) != len)
		return NULL;
	return p;
}

const char *
replica_col_name(sqlite3_stmt *st, int i, size_t max)
{
	const char *s;
	int n;

	if (sqlite3_column_type(st, i) != SQLITE_TEXT)
		return NULL;
	s = (const char *)sqlite3_column_text(st, i);
	n = sqlite3_column_bytes(st, i);
	if (s == NULL || n < 1 || (size_t)n > max || strlen(s) != (size_t)n)
		return NULL;
	return s;
}

int
replica_count_query(struct replica *r, enum replica_q id, int64_t param,
    uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = replica_query(r, id, &st, "i", param)) != 0)
		return rc;
	if ((rc = replica_step(r, st, "count")) == 1) {
		*out = (uint64_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = replica_fail(r, IRO_EINTERNAL, "count returned no row");
	}
	replica_done(st);
	return rc;
}

void *
replica_grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return arr;
	ncap = *cap > 0 ? *cap * 2 : 16;
	if (ncap < *cap || ncap > SIZE_MAX / elem)
		return NULL;
	if ((p = realloc(arr, ncap * elem)) != NULL)
		*cap = ncap;
	return p;
}
