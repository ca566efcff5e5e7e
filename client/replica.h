/*
 * replica.h - the device's encrypted local store (the only SQLite user on
 * the client).
 *
 * One SQLite file, `replica.db` in the home directory (mode 0600, home
 * 0700), WAL mode, synchronous=FULL, secure_delete=ON.  Nothing that could
 * hold case content is written in plaintext: every change is stored as
 * its wire encoding sealed with XChaCha20-Poly1305 under the data key,
 * with associated data = record id || field || NUL || device id || seq
 * (8 bytes, big-endian), so a ciphertext cannot be moved to another
 * record, field or change; on reading, the decoded change must also name
 * the row's record, field, device and seq.  Only
 * routing columns are plaintext: record id, record type, field name,
 * device id, seq, flags.  Meta values (username, server URL, the device's
 * secret key, clocks, cursors) are sealed too, with "meta:" and the key
 * name as associated data; so are refusal reasons ("reason:" || device
 * id || seq).
 *
 * The data key is 32 random bytes, wrapped (sealed) by a key derived from
 * the passphrase with Argon2id; salt, KDF cost and the wrapped key are the
 * only unsealed meta, besides the count of wrong passphrases (see
 * replica_open).  While open, the data key lives in secure memory.
 *
 * A change's outbox state is one of: REMOTE (pulled from the server),
 * PENDING (local, not yet acknowledged), ACKED (local, acknowledged),
 * REFUSED (local, refused by the server; kept with the reason).
 *
 * Writes happen inside replica_begin()/replica_commit(); a local edit and
 * its outbox entry are one transaction, so kill -9 leaves either both or
 * neither.  A write called outside replica_begin() is atomic on its own.
 * Functions set a message retrievable with replica_errmsg().  Any
 * function may also return IRO_EIO, IRO_ENOMEM, IRO_EBUSY (another process
 * held the database for 5 s) or IRO_ECORRUPT (a stored value does not
 * decrypt or does not match its row: damage or tampering).
 * Not thread-safe.
 */
#ifndef REPLICA_H
#define REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "crypto.h"

struct replica;

enum replica_state {
	REPLICA_REMOTE = 0,
	REPLICA_PENDING = 1,
	REPLICA_ACKED = 2,
	REPLICA_REFUSED = 3
};

/*
 * replica_create - create `dir`/replica.db (dir is created 0700 if
 * missing) with a new random data key wrapped under `pass`.  kdf may be
 * NULL for crypto_kdf_default().  *out is an open handle; caller frees
 * with replica_close().  Returns IRO_EEXIST if a replica is there already,
 * IRO_EINVAL if kdf is outside 1-64 passes or 8 KiB-1 GiB, IRO_EIO on
 * file errors.  The file is built as replica.db.new and linked into
 * place, so a replica.db is complete even if the process dies.  On
 * failure no file is left behind (nor dir, if this call made it).  err
 * (may be NULL) receives a message for the user.
 */
int replica_create(const char *dir, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf, struct replica **out, char *err,
    size_t errlen);

/*
 * replica_open - open and unlock at local time now_ms.  Returns
 * IRO_ENOTENROLLED if there is no replica, IRO_EAUTH for a wrong
 * passphrase, IRO_ECORRUPT or IRO_EVERSION for a damaged or foreign file,
 * IRO_EBUSY if locked, IRO_EREVOKED if replica_erase() erased it.  err
 * (may be NULL) receives a message; for IRO_EAUTH "wrong passphrase".
 *
 * Backoff: consecutive wrong passphrases are counted in the file, in an
 * unsealed table of two integers (the count and the time of the last).
 * From the REPLICA_UNLOCK_FREE-th on, each starts a wait of
 * 2^(count - REPLICA_UNLOCK_FREE) seconds, at most REPLICA_UNLOCK_MAX_MS,
 * during which replica_open does not try the passphrase at all and
 * returns IRO_EAUTH with a message saying how long is left.  A clock set
 * back restarts the wait from now rather than extending it.  A right
 * passphrase (or replica_rekey) resets the count.
 */
#define REPLICA_UNLOCK_FREE 3
/* What a revoked, erased device tells its user. */
#define REPLICA_REVOKED_MSG \
	"this device was revoked by the server: its replica has been erased"
#define REPLICA_UNLOCK_MAX_MS (INT64_C(15) * 60 * 1000)
int replica_open(const char *dir, const char *pass, size_t passlen,
    int64_t now_ms, struct replica **out, char *err, size_t errlen);

/*
 * replica_rekey - wrap the open replica's data key under a key derived
 * from pass with a fresh salt and cost kdf (crypto_kdf_default() for a
 * user's replica), replacing the old wrapping in one transaction (a
 * savepoint if one is open).  Nothing sealed under the data key is
 * touched.  Resets the unlock counter.  IRO_EINVAL if kdf is out of
 * range.  On failure the old passphrase still opens the replica.
 */
int replica_rekey(struct replica *r, const char *pass, size_t passlen,
    const struct crypto_kdf_params *kdf);

/* replica_exists - *out = 1 if dir holds a replica.db. */
int replica_exists(const char *dir, int *out);

/* replica_destroy - remove the replica files in dir, with their -wal,
 * -shm and -journal companions and any leftover of an interrupted
 * replica_create() (used when enrolment fails half-way).  The directory
 * stays.  Returns 0 if there was nothing to remove, IRO_EIO. */
int replica_destroy(const char *dir);

/*
 * replica_erase - crypto-erase an open replica: overwrite and delete the
 * wrapped data key (secure_delete is on), mark the file erased, wipe the
 * key in memory and truncate the write-ahead log so no copy of the
 * wrapped key is left in either file.  Everything sealed stays sealed
 * under a key that no longer exists.  Call outside any transaction.
 * Afterwards only replica_close() may be called on r, and replica_open()
 * of dir answers IRO_EREVOKED.  Returns 0, IRO_EBUSY if another process
 * kept the log from being cleared (the key is gone all the same), or
 * IRO_EIO.
 */
int replica_erase(struct replica *r);

/* replica_close - wipe the data key and close.  NULL is a no-op. */
void replica_close(struct replica *r);

/* replica_errmsg - last failure's message; borrowed, "" if none. */
const char *replica_errmsg(const struct replica *r);

/* replica_begin - BEGIN IMMEDIATE; IRO_EINVAL if one is already open.
 * replica_commit - on failure the transaction is rolled back. */
int replica_begin(struct replica *r);
int replica_commit(struct replica *r);
void replica_rollback(struct replica *r);  /* safe if no transaction */

/*
 * Meta: small named values, sealed.  A key is 1-128 visible ASCII
 * characters (else IRO_EINVAL); a value at most REPLICA_META_MAX bytes
 * (else IRO_ETOOBIG).  replica_meta_get returns IRO_ENOTFOUND if unset,
 * IRO_ECORRUPT if the stored value does not open; *out is malloc'd
 * (NUL-terminated one past len for convenience); caller frees - and
 * wipes, for secrets.
 */
#define REPLICA_META_MAX (1u << 20)
int replica_meta_put(struct replica *r, const char *key, const void *val,
    size_t len);
int replica_meta_get(struct replica *r, const char *key, uint8_t **out,
    size_t *len);
/* Integers stored as meta (clocks, counters, cursors); unset reads 0. */
int replica_meta_put_u64(struct replica *r, const char *key, uint64_t v);
int replica_meta_get_u64(struct replica *r, const char *key, uint64_t *v);

/*
 * replica_put_change - store c with `state` unless a change with the same
 * (device, seq) is already stored, in which case *inserted = 0 and
 * nothing changes (an identical retry; a different content is reported
 * as IRO_ECONFLICT).  Also records the record's id and type; a record
 * already known with another type is IRO_ECONFLICT.  IRO_EINVAL if c
 * fails change_check() or its seq exceeds INT64_MAX (SQLite's integers).
 * On failure nothing is stored.
 */
int replica_put_change(struct replica *r, const struct change *c,
    enum replica_state state, int *inserted);

/*
 * replica_replace_pending - overwrite a PENDING change (same device and
 * seq) with c: used to re-stamp after a clock-skew answer.  Record, type
 * and field cannot change.  Returns IRO_ENOTFOUND if no such pending
 * change of that record, type and field exists.
 */
int replica_replace_pending(struct replica *r, const struct change *c);

/* replica_set_state - move change (device, seq) to state, with reason
 * (may be NULL; at most LIMIT_MSG_STR_MAX bytes, else IRO_ETOOBIG) for
 * REPLICA_REFUSED; other states drop any reason.  IRO_ENOTFOUND if
 * absent. */
int replica_set_state(struct replica *r, const uint8_t device[LIMIT_ID_LEN],
    uint64_t seq, enum replica_state state, const char *reason);

/*
 * replica_record_changes - every stored change of one record, decrypted.
 * *out is a malloc'd array of *n changes; caller frees with
 * change_free_array().  *out_type (optional) receives the record type or
 * "" if the record is unknown (then *n is 0 and the result is 0).
 */
int replica_record_changes(struct replica *r,
    const uint8_t record[LIMIT_ID_LEN], struct change **out, size_t *n,
    char out_type[LIMIT_NAME_MAX + 1]);

/*
 * replica_records - ids of every record of `type` (NULL = all), ordered by
 * id.  *out is a malloc'd array of *n ids; caller frees.
 */
int replica_records(struct replica *r, const char *type,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n);

/*
 * replica_pending - up to max PENDING changes in seq order, decrypted.
 * Caller frees with change_free_array().
 */
int replica_pending(struct replica *r, size_t max, struct change **out,
    size_t *n);

/* replica_count - number of stored changes in `state`. */
int replica_count(struct replica *r, enum replica_state state,
    uint64_t *out);

/*
 * Per-record flags kept beside the record id, maintained by the caller
 * after each merge (bit 0: has an open conflict; bit 1: deleted), so
 * counts need no decryption.
 */
#define REPLICA_FLAG_CONFLICT 1u
#define REPLICA_FLAG_DELETED 2u
/* replica_set_flags - IRO_ENOTFOUND if the record is unknown. */
int replica_set_flags(struct replica *r, const uint8_t record[LIMIT_ID_LEN],
    unsigned flags);
int replica_count_flagged(struct replica *r, unsigned flag, uint64_t *out);
/* replica_flagged - ids of records with `flag` set; caller frees. */
int replica_flagged(struct replica *r, unsigned flag,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n);

/* replica_refusal - the reason stored for a refused change, malloc'd;
 * IRO_ENOTFOUND if it was not refused. */
int replica_refusal(struct replica *r, const uint8_t device[LIMIT_ID_LEN],
    uint64_t seq, char **reason);

/*
 * replica_change_state - the outbox state of change (device, seq) and,
 * when it is REPLICA_REFUSED, the stored reason in *reason (malloc'd, ""
 * if the server gave none; caller frees).  *reason is NULL for any other
 * state.  Returns IRO_ENOTFOUND if no such change is stored.
 */
int replica_change_state(struct replica *r,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq,
    enum replica_state *state, char **reason);

/*
 * replica_forget - drop records ids[0..n) for good: each record's row and
 * every change of theirs in any state, refusal reasons included.  Ids
 * the replica does not know are ignored; n may be 0.  Runs in the
 * caller's transaction if one is open (a savepoint in it), else in one
 * of its own; either way it drops all of them or none.  If any of the
 * records still has a PENDING change, nothing is dropped and the result
 * is IRO_EBUSY, with the record named in replica_errmsg(): a local edit
 * is never lost, the caller pushes first.  IRO_ETOOBIG if n exceeds
 * REPLICA_FORGET_MAX.  ids is borrowed.
 *
 * Deleted cells are zeroed (secure_delete), but older copies survive in
 * the write-ahead log and in the unused space of pages whose cells were
 * moved: call replica_compact() after committing to remove them.
 */
#define REPLICA_FORGET_MAX (1u << 20)
int replica_forget(struct replica *r, const uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n);

/*
 * replica_compact - leave no copy of deleted rows in the files: rebuild
 * the database without free pages or stale bytes (VACUUM), then copy the
 * log into it and cut replica.db-wal to nothing.  The rebuild happens in
 * memory (temp_store), so no temporary file receives the plaintext
 * routing columns; it needs about the file's size in memory, and as much
 * again on disk for the log while it runs.  Call outside any
 * transaction, else IRO_EINVAL.  Returns 0, IRO_EBUSY if another process
 * kept the log from being cleared (the database itself is rebuilt; call
 * again later), or IRO_EIO.  On failure the replica is unchanged or
 * rebuilt, never damaged.  What the file system or the storage device
 * keeps of blocks a file no longer uses is beyond its reach.
 */
int replica_compact(struct replica *r);

#endif
