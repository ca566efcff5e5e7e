/*
 * store_sqlite.h - private to the SQLite store (store_sqlite*.c): the
 * handle, the statement cache and small helpers.
 * Nothing else includes this file; callers use store.h.
 *
 * The ss_ prefix marks these internals of the store_sqlite module.
 */
#ifndef STORE_SQLITE_H
#define STORE_SQLITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "limits.h"
#include "store.h"

/* Every statement the store runs, prepared once per handle. */
enum ss_stmt_id {
	SS_META_GET,
	SS_META_PUT,
	SS_USER_ADD,
	SS_USER_GET,
	SS_USER_LIST,
	SS_DEVICE_ADD,
	SS_DEVICE_GET,
	SS_DEVICE_LIST,
	SS_DEVICE_REVOKE,
	SS_DEVICE_SYNCED,
	SS_DEVICE_PULLED,
	SS_NONCE_PRUNE,
	SS_NONCE_ADD,
	SS_LOG_APPEND,
	SS_LOG_FIND_ACCEPTED,
	SS_LOG_FIND_REFUSED,
	SS_RECORD_TYPE,
	SS_RECORD_CHANGES,
	SS_RECORD_PUT,
	SS_FIELDS_DROP,
	SS_FIELD_PUT,
	SS_RECORD_GET,
	SS_RECORD_LIST,
	SS_RECORD_FIND_STR,
	SS_RECORD_FIND_INT,
	SS_PULL,
	SS_LAST_POS,
	SS_COUNT_CHANGES,
	SS_COUNT_REFUSED,
	SS_COUNT_RECORDS,
	SS_COUNT_CONFLICTS,
	SS_COUNT_USERS,
	SS_COUNT_DEVICES,
	SS_USER_DISABLE,
	SS_USER_PWHASH,
	SS_FAIL_PRUNE,
	SS_FAIL_ADD,
	SS_FAIL_COUNT,
	SS_FAIL_CLEAR,
	SS_FAIL_UNDO,
	SS_AUDIT_ADD,
	SS_AUDIT_RECORD_ADD,
	SS_AUDIT_IDS,
	SS_AUDIT_IDS_OF_RECORD,
	SS_AUDIT_GET,
	SS_AUDIT_RECORDS,
	SS_REFERRERS,
	SS_SCOPE_PUT,
	SS_SCOPE_GET,
	SS_ALLOC_PUT,
	SS_UNSCOPED,
	SS_SCOPE_CHILDREN,
	SS_BACKFILL,
	SS_COUNT
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmts[SS_COUNT];
	bool in_tx;
	uint8_t server_id[LIMIT_ID_LEN];
	char err[512];
};

/* ss_fail - put "cannot WHAT: sqlite's message" in st->err and map the
 * SQLite error to IRO_EBUSY, IRO_ENOMEM or IRO_EIO. */
int ss_fail(struct store *st, const char *what);

/* ss_stmt - the cached statement id, reset and unbound, in *out.  The
 * caller resets it again when done (so no read lock lingers). */
int ss_stmt(struct store *st, enum ss_stmt_id id, sqlite3_stmt **out);

/* ss_exec - step s once (a write or a one-row read whose row is not
 * wanted), reset it, and map a failure with ss_fail(st, what). */
int ss_exec(struct store *st, sqlite3_stmt *s, const char *what);

/* ss_count - run a one-integer query. */
int ss_count(struct store *st, enum ss_stmt_id id, uint64_t *out);

/* ss_text - copy a text column into buf[buflen], cut to fit. */
void ss_text(sqlite3_stmt *s, int col, char *buf, size_t buflen);

/* ss_blob - copy a blob column of exactly len bytes; IRO_ECORRUPT if the
 * column is not such a blob. */
int ss_blob(sqlite3_stmt *s, int col, uint8_t *out, size_t len);

/* ss_tx_enter / ss_tx_leave - run a multi-statement write in a
 * transaction of its own unless the caller already opened one.  leave
 * commits (rc == 0) or rolls back what enter opened and returns the
 * final code. */
int ss_tx_enter(struct store *st, bool *own);
int ss_tx_leave(struct store *st, bool own, int rc);

/* ss_read_enter - like ss_tx_enter for reads that must see one moment:
 * a deferred transaction, which in WAL mode blocks no writer.  Leave it
 * with ss_tx_leave. */
int ss_read_enter(struct store *st, bool *own);

/* ss_scope_put - save record rec's scope (NULL: STORE_SCOPE_NONE) and,
 * when iro is not NULL, the allocation of child rec, inside the caller's
 * transaction. */
int ss_scope_put(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    const struct store_scope *scope, const char *iro);

/* ss_bind_viewer - bind v to parameters 4 (the role: 1 an IRO, 2 a
 * manager, 0 anyone else, who sees no child), 5 (the username) and 6
 * (the team) of s. */
void ss_bind_viewer(sqlite3_stmt *s, const struct store_viewer *v);

/* ss_grow - make room for element n of the array *a (capacity *cap,
 * elements of sz bytes, at most max elements), zeroing new slots.
 * Returns 0, IRO_ETOOBIG (n >= max) or IRO_ENOMEM. */
int ss_grow(void **a, size_t *cap, size_t n, size_t sz, size_t max);

#endif
