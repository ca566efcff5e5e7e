/*
 * replica_records.c - the records index: each record's id and type, noted
 * as its first change is stored, and the flags the caller keeps beside it
 * so counts need no decryption.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "hex.h"
#include "iro_error.h"
#include "replica_int.h"

int
replica_record_type(struct replica *r, const uint8_t id[LIMIT_ID_LEN],
    char type[LIMIT_NAME_MAX + 1])
{
	sqlite3_stmt *st = NULL;
	const char *t;
	int rc;

	type[0] = '\0';
	if ((rc = replica_query(r, REPLICA_Q_REC_TYPE, &st, "d", id)) != 0)
		return rc;
	rc = replica_step(r, st, "read a record");
	if (rc == 1 && (t = replica_col_name(st, 0, LIMIT_NAME_MAX)) != NULL)
		memcpy(type, t, strlen(t) + 1);
	else if (rc == 1)
		rc = replica_fail_corrupt(r, "a record");
	replica_done(st);
	return rc;
}

int
replica_record_note(struct replica *r, const uint8_t id[LIMIT_ID_LEN],
    const char *type)
{
	sqlite3_stmt *st = NULL;
	char known[LIMIT_NAME_MAX + 1], hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	if ((rc = replica_record_type(r, id, known)) < 0)
		return rc;
	if (rc == 1) {
		if (strcmp(known, type) == 0)
			return 0;
		hex_encode(id, LIMIT_ID_LEN, hex);
		return replica_fail(r, IRO_ECONFLICT, "record %s is a '%s', not "
		    "a '%s'", hex, known, type);
	}
	if ((rc = replica_query(r, REPLICA_Q_REC_ADD, &st, "dt", id, type)) ==
	    0 && (rc = replica_step(r, st, "store a record")) > 0)
		rc = 0;
	replica_done(st);
	return rc;
}

/* Step st (selecting one id column) to the end, collecting the ids. */
static int
collect_ids(struct replica *r, sqlite3_stmt *st,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	uint8_t (*arr)[LIMIT_ID_LEN] = NULL, (*p)[LIMIT_ID_LEN];
	const uint8_t *id;
	size_t cnt = 0, cap = 0;
	int rc;

	while ((rc = replica_step(r, st, "read records")) == 1) {
		if ((id = replica_col_fixed(st, 0, LIMIT_ID_LEN)) == NULL) {
			rc = replica_fail_corrupt(r, "a record id");
			break;
		}
		if ((p = replica_grow(arr, &cap, cnt, sizeof(*arr))) == NULL) {
			rc = replica_fail(r, IRO_ENOMEM, "out of memory");
			break;
		}
		arr = p;
		memcpy(arr[cnt++], id, LIMIT_ID_LEN);
	}
	replica_done(st);
	if (rc != 0) {
		free(arr);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int
replica_records(struct replica *r, const char *type,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = type != NULL ? replica_query(r, REPLICA_Q_RECORDS_TYPE, &st, "t",
	    type) : replica_query(r, REPLICA_Q_RECORDS, &st, "");
	if (rc != 0)
		return rc;
	return collect_ids(r, st, out, n);
}

int
replica_set_flags(struct replica *r, const uint8_t record[LIMIT_ID_LEN],
    unsigned flags)
{
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	if ((rc = replica_query(r, REPLICA_Q_FLAGS_SET, &st, "di", record,
	    (int64_t)flags)) != 0)
		return rc;
	if ((rc = replica_step(r, st, "store a record's flags")) >= 0) {
		rc = 0;
		if (sqlite3_changes(r->db) == 0) {
			hex_encode(record, LIMIT_ID_LEN, hex);
			rc = replica_fail(r, IRO_ENOTFOUND, "no record %s", hex);
		}
	}
	replica_done(st);
	return rc;
}

int
replica_count_flagged(struct replica *r, unsigned flag, uint64_t *out)
{
	return replica_count_query(r, REPLICA_Q_FLAGS_COUNT, (int64_t)flag,
	    out);
}

int
replica_flagged(struct replica *r, unsigned flag,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = replica_query(r, REPLICA_Q_FLAGGED, &st, "i", (int64_t)flag))
	    != 0)
		return rc;
	return collect_ids(r, st, out, n);
}
