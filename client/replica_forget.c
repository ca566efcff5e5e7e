/*
 * replica_forget.c - dropping records for good (a child moved to another
 * IRO): their rows and every change of theirs, then compacting the file
 * so that no old page image or unused page space keeps their bytes.
 */
#include <sqlite3.h>

#include "hex.h"
#include "iro_error.h"
#include "replica_int.h"

/* IRO_EBUSY, naming the record, if it has a change not yet delivered. */
static int
check_not_pending(struct replica *r, const uint8_t id[LIMIT_ID_LEN])
{
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	if ((rc = replica_query(r, REPLICA_Q_CH_HELD, &st, "di", id,
	    (int64_t)REPLICA_PENDING)) != 0)
		return rc;
	rc = replica_step(r, st, "read the outbox");
	replica_done(st);
	if (rc == 1) {
		hex_encode(id, LIMIT_ID_LEN, hex);
		rc = replica_fail(r, IRO_EBUSY, "record %s has changes not yet "
		    "sent to the server", hex);
	}
	return rc;
}

/* Run a one-id delete. */
static int
forget_exec(struct replica *r, enum replica_q q,
    const uint8_t id[LIMIT_ID_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = replica_query(r, q, &st, "d", id)) == 0 &&
	    (rc = replica_step(r, st, "forget a record")) > 0)
		rc = 0;
	replica_done(st);
	return rc;
}

int
replica_forget(struct replica *r, const uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n)
{
	size_t i;
	int own = 0, rc;

	if (n == 0)
		return 0;
	if (n > REPLICA_FORGET_MAX)
		return replica_fail(r, IRO_ETOOBIG, "cannot forget %zu records "
		    "at once (at most %u)", n, REPLICA_FORGET_MAX);
	if ((rc = replica_wr_begin(r, &own)) != 0)
		return rc;
	/* Every record is checked before any is touched, though the
	 * rollback would undo a partial delete anyway: a refusal writes
	 * nothing at all. */
	for (i = 0; i < n && rc == 0; i++)
		rc = check_not_pending(r, ids[i]);
	/* Changes first: they reference their record. */
	for (i = 0; i < n && rc == 0; i++)
		if ((rc = forget_exec(r, REPLICA_Q_CH_FORGET, ids[i])) == 0)
			rc = forget_exec(r, REPLICA_Q_REC_FORGET, ids[i]);
	return replica_wr_end(r, own, rc);
}

int
replica_compact(struct replica *r)
{
	int rc;

	if (!sqlite3_get_autocommit(r->db))
		return replica_fail(r, IRO_EINVAL, "cannot compact the replica "
		    "inside a transaction");
	/*
	 * secure_delete zeroes a deleted cell where it lies, but not the
	 * copies a page split or merge left in the unused space of the page
	 * it moved from, nor the page images in the log.  VACUUM writes
	 * every page afresh from the live rows alone, through a temporary
	 * database that temp_store = MEMORY (replica_attach) keeps off the
	 * disk, and leaves no free page.
	 */
	if ((rc = replica_exec(r, "VACUUM", "compact the replica")) != 0)
		return rc;
	/* In WAL mode the rebuilt pages went to the log, behind frames
	 * that still hold the old ones: copy them home (which also cuts
	 * replica.db to its new size) and cut the log to nothing. */
	return replica_wal_truncate(r);
}
