/*
 * replica_int.h - the insides of the replica module, shared by its files
 * and by nothing else.  The design is in replica.h.
 *
 *   replica.c          handles, errors, create/open/close, transactions
 *   replica_file.c     the file on disk: paths, schema, connection setup
 *   replica_stmt.c     the query table; binding, stepping, reading rows
 *   replica_key.c      the keyring: the data key wrapped under the
 *                      passphrase, rewrapping it, and the unlock
 *                      counter behind the backoff
 *   replica_seal.c     values sealed under the data key and bound to
 *                      their rows by associated data
 *   replica_meta.c     meta values
 *   replica_log.c      changes and their outbox states
 *   replica_records.c  the records index and its flags
 *   replica_forget.c   dropping records for good, and compacting the
 *                      file so that nothing of them stays in it
 *
 * Invariants a reader would otherwise have to rediscover:
 * - Every column that could hold case content is a sealed blob; the
 *   plaintext columns are ids, names from the schema, seq, state, flags.
 * - A change's associated data is built from the row's own plaintext
 *   columns, and the decoded change must name the same record, field,
 *   device and seq: a blob copied into another row does not open.
 * - Every prepared statement is reset and its bindings cleared before the
 *   function that stepped it returns, so no read transaction outlives a
 *   call and no binding outlives the buffer it points to.
 *
 * Conventions: a function that fails sets r->msg (through replica_fail()
 * or one of its wrappers) unless its comment says otherwise.
 */
#ifndef REPLICA_INT_H
#define REPLICA_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "change.h"
#include "limits.h"
#include "replica.h"

#define REPLICA_FILE "replica.db"
/* Not PATH_MAX: gcc's <limits.h> does #include_next <limits.h>, which
 * finds common/limits.h on the quote path instead of glibc's. */
#define REPLICA_PATH_MAX 4096

/* Every change-reading query selects these five columns in this order. */
#define REPLICA_CHANGE_COLS "device, seq, record, field, blob"

/* The prepared-statement cache: one slot per query of replica_stmt.c. */
enum replica_q {
	REPLICA_Q_KEYRING_PUT, REPLICA_Q_KEYRING_GET, REPLICA_Q_META_PUT,
	REPLICA_Q_META_GET, REPLICA_Q_REC_TYPE, REPLICA_Q_REC_ADD,
	REPLICA_Q_CH_ADD, REPLICA_Q_CH_GET, REPLICA_Q_CH_REPLACE,
	REPLICA_Q_CH_STATE, REPLICA_Q_CH_REASON, REPLICA_Q_CH_RECORD,
	REPLICA_Q_CH_PENDING, REPLICA_Q_CH_COUNT, REPLICA_Q_FLAGS_SET,
	REPLICA_Q_FLAGS_COUNT, REPLICA_Q_FLAGGED, REPLICA_Q_RECORDS,
	REPLICA_Q_RECORDS_TYPE, REPLICA_Q_CH_HELD, REPLICA_Q_CH_FORGET,
	REPLICA_Q_REC_FORGET, REPLICA_Q_N
};

struct replica {
	sqlite3 *db;
	uint8_t *key;               /* CRYPTO_KEY_LEN bytes, secure memory */
	sqlite3_stmt *stmt[REPLICA_Q_N];    /* prepared on first use */
	char msg[512];
};

/* ---- errors (replica.c) ------------------------------------------------ */

/* Set r->msg from fmt and return rc. */
int replica_fail(struct replica *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The IRO_E* code for an SQLite result code. */
int replica_map_sqlite(int src);
/* SQLite failure src; what is a verb phrase, e.g. "store a change". */
int replica_fail_db(struct replica *r, int src, const char *what);
/* IRO_ECORRUPT naming what is damaged, e.g. "the keyring". */
int replica_fail_corrupt(struct replica *r, const char *what);
/* IRO_ECORRUPT naming change (device, seq); device may be NULL. */
int replica_corrupt_change(struct replica *r, const uint8_t *device,
    int64_t seq);

/* ---- transactions (replica.c) ------------------------------------------ */

/*
 * replica_wr_begin/replica_wr_end - bracket a write of more than one row.
 * *own tells replica_wr_end whether the transaction is this function's or
 * a savepoint in the caller's.  replica_wr_end commits if rc is 0, else
 * rolls back, and returns rc or the commit's failure.
 */
int replica_wr_begin(struct replica *r, int *own);
int replica_wr_end(struct replica *r, int own, int rc);

/* ---- the file (replica_file.c) ----------------------------------------- */

/* buf (REPLICA_PATH_MAX bytes) = dir/name, with room for any suffix. */
int replica_path_join(struct replica *r, char *buf, const char *dir,
    const char *name);
/* Remove base and its SQLite companions; ENOENT is not an error.  Sets
 * no message. */
int replica_remove_files(const char *base);
/* mkdir -p; the last component, if created, is made exactly 0700. */
int replica_make_dir(struct replica *r, const char *dir, int *created);
/* Make a completed rename/link durable; best effort where unsupported. */
void replica_sync_dir(const char *dir);
/*
 * replica_attach - open path (which must exist) as r->db and configure the
 * connection.  wal = 0 is for the file being built: it stays in
 * rollback-journal mode until it is in place, so closing it leaves no
 * -wal file to lose.  check_version refuses a foreign or newer file
 * before anything writes to it.
 */
int replica_attach(struct replica *r, const char *path, int wal,
    int check_version);
/* Build the complete replica at tmp (created here): schema, version,
 * the data key r->key wrapped under pass.  Leaves r->db closed. */
int replica_build(struct replica *r, const char *tmp, const char *pass,
    size_t passlen, const struct crypto_kdf_params *kdf);
/* Finalize every cached statement and close r->db; safe if closed. */
void replica_db_close(struct replica *r);

/* ---- statements (replica_stmt.c) --------------------------------------- */

int replica_exec(struct replica *r, const char *sql, const char *what);
/*
 * replica_query - prepare query id (once per handle) and bind ?1, ?2, ...
 * from the arguments, one per letter of fmt: 'd' an id (const uint8_t *,
 * of LIMIT_ID_LEN bytes), 'b' a blob (const void *, size_t; NULL binds
 * SQL NULL), 't' text (const char *), 'i' an int64_t.  Bindings borrow
 * their buffers until replica_done(*out).
 */
int replica_query(struct replica *r, enum replica_q id, sqlite3_stmt **out,
    const char *fmt, ...);
/* 1 for a row, 0 when done, or a negative error. */
int replica_step(struct replica *r, sqlite3_stmt *st, const char *what);
/* Reset st and clear its bindings; NULL is a no-op. */
void replica_done(sqlite3_stmt *st);
/* A blob column of exactly len bytes, or NULL. */
const uint8_t *replica_col_fixed(sqlite3_stmt *st, int i, size_t len);
/* A text column of 1..max bytes without NUL, or NULL. */
const char *replica_col_name(sqlite3_stmt *st, int i, size_t max);
/* One count(*) query with one integer parameter. */
int replica_count_query(struct replica *r, enum replica_q id, int64_t param,
    uint64_t *out);
/* Grow a malloc'd array to hold at least n + 1 elements; like realloc,
 * NULL on failure with arr untouched.  Sets no message. */
void *replica_grow(void *arr, size_t *cap, size_t n, size_t elem);

/* ---- the keyring (replica_key.c) --------------------------------------- */

/* Wrap r->key under a key derived from pass, and store it with its salt
 * and cost.  IRO_EINVAL if the cost is out of range. */
int replica_keyring_put(struct replica *r, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf);
/* Read the keyring and unwrap the data key into r->key (allocated here,
 * NULL again on failure).  IRO_EAUTH for a wrong passphrase. */
int replica_keyring_open(struct replica *r, const char *pass,
    size_t passlen);

/* *out = 1 if replica_erase() has erased the file.  No message set on
 * success. */
int replica_erased(struct replica *r, int *out);

/* replica_wal_truncate - copy every frame of the write-ahead log into the
 * database and cut the log to nothing, so no superseded page image is
 * left in it.  Outside any transaction.  IRO_EBUSY if another connection
 * kept frames in use. */
int replica_wal_truncate(struct replica *r);

/*
 * The unlock counter (the unsealed `unlock` table, made on first use).
 * replica_unlock_check - 0 if an attempt may be made at now_ms, else
 * IRO_EAUTH with a message saying how long to wait; *failures is the
 * count so far.
 * replica_unlock_failed - count a wrong passphrase at now_ms; when that
 * starts a wait, r->msg says so (else it is left as it was).
 * replica_unlock_reset - forget the failures (a right passphrase).
 */
int replica_unlock_check(struct replica *r, int64_t now_ms,
    int64_t *failures);
int replica_unlock_failed(struct replica *r, int64_t now_ms);
int replica_unlock_reset(struct replica *r);

/* ---- sealed values (replica_seal.c) ------------------------------------ */

void replica_be64_put(uint8_t p[8], uint64_t v);
uint64_t replica_be64_get(const uint8_t p[8]);
/*
 * Open the sealed blob in column i under r->key.  *out is malloc'd and
 * NUL-terminated one past *outlen; caller frees.  Returns 0, IRO_ENOMEM,
 * or IRO_ECORRUPT with no message set: the caller names what is damaged.
 */
int replica_col_unseal(struct replica *r, sqlite3_stmt *st, int i,
    const uint8_t *ad, size_t adlen, uint8_t **out, size_t *outlen);
/* The change's wire encoding, sealed to its row.  Caller frees *out.
 * c's field must be at most LIMIT_NAME_MAX bytes. */
int replica_seal_change(struct replica *r, const struct change *c,
    uint8_t **out, size_t *outlen);
/*
 * Decrypt the current row of a REPLICA_CHANGE_COLS query into *out, which
 * is initialised here; caller clears it.  The associated data comes from
 * the row's plaintext columns and the decoded change must agree with them.
 */
int replica_open_change(struct replica *r, sqlite3_stmt *st,
    struct change *out);
/* A refusal reason of rlen bytes sealed to change (device, seq).  Caller
 * frees *out. */
int replica_seal_reason(struct replica *r,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq, const char *reason,
    size_t rlen, uint8_t **out, size_t *outlen);
/* The reason in column i, sealed to change (device, seq); returns like
 * replica_col_unseal(), with no message set. */
int replica_open_reason(struct replica *r, sqlite3_stmt *st, int i,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq, char **out);

/* ---- the records index (replica_records.c) ----------------------------- */

/* 1 and the record's type in type if id is known, 0 and "" if not, or a
 * negative error. */
int replica_record_type(struct replica *r, const uint8_t id[LIMIT_ID_LEN],
    char type[LIMIT_NAME_MAX + 1]);
/* Note record id and type; a known id must keep its type (else
 * IRO_ECONFLICT). */
int replica_record_note(struct replica *r, const uint8_t id[LIMIT_ID_LEN],
    const char *type);

#endif
