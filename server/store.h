/*
 * store.h - the server's storage: the append-only change log, the records
 * materialised from it, accounts, devices, request nonces and the server's
 * own identity, counter and clock.
 *
 * The interface names no database type: store_sqlite.c implements it on
 * SQLite, and another backend (PostgreSQL) can implement the same header
 * without any caller changing.  Everything above it works on plain C
 * structs.
 *
 * Invariants the store keeps:
 * - The log is append-only: nothing ever updates or deletes a log entry
 *   (the database refuses it, too).  Positions increase strictly.
 * - At most one ACCEPTED entry per change id (device, seq).  Refused
 *   entries do not claim the id: a device cannot block another device's
 *   ids by sending forged changes.
 * - A write outside store_begin()/store_commit() is its own transaction.
 *   Every commit is durable (synced) before it returns.
 *
 * Errors: functions return 0 or a negative IRO_E* code; IRO_EIO and
 * IRO_EBUSY leave a message in store_errmsg().  Out-params are cleared
 * first.  A handle is not thread-safe: one thread at a time (callers that
 * share a handle lock around it).  Several handles and processes may use
 * one data directory at once.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "crypto.h"
#include "hlc.h"
#include "limits.h"
#include "merge.h"
#include "schema.h"

#define STORE_TEAM_MAX 64           /* bytes of a team name */
#define STORE_DISPLAY_MAX 128       /* bytes of a display name */
#define STORE_CODE_MAX 32           /* bytes of a refusal code */
/* A record with more changes than this cannot be merged in memory. */
#define STORE_RECORD_CHANGES_MAX (1u << 20)

struct store;

/*
 * store_init - create data directory `dir` (mode 0700) and its database,
 * with a new random 16-byte server id.  Harmless on an existing store:
 * nothing is changed.  Returns 0, IRO_EIO (message in err), IRO_EVERSION
 * (the database is of an unknown layout) or IRO_ENOMEM.
 */
int store_init(const char *dir, char *err, size_t errlen);

/*
 * store_open - open the store in `dir`.  *out is a new handle; caller
 * frees it with store_close().  Returns 0, IRO_ENOTFOUND (no store there:
 * run init), IRO_EVERSION, IRO_EIO or IRO_ENOMEM, with a message in err.
 */
int store_open(const char *dir, struct store **out, char *err,
    size_t errlen);

/* store_close - roll back any open transaction and free st.  NULL no-op. */
void store_close(struct store *st);

/* store_errmsg - the last error of st, never NULL; borrowed until the
 * next call on st. */
const char *store_errmsg(const struct store *st);

/* Transactions.  store_begin takes the write lock at once (so a write
 * never fails halfway for want of it); store_rollback is a no-op without
 * a transaction.  Returns 0, IRO_EBUSY, IRO_EIO or IRO_EINTERNAL (begin
 * inside a transaction, commit outside one). */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* ---- the server itself ---- */

/* store_server_id - the server's device id, for changes it authors. */
void store_server_id(const struct store *st, uint8_t id[LIMIT_ID_LEN]);

/* store_seq_next - reserve the server's next change counter (from 1).
 * Call inside a transaction so the counter and the change commit
 * together. */
int store_seq_next(struct store *st, uint64_t *seq);

/* store_hlc_get / store_hlc_put - the server's hybrid logical clock. */
int store_hlc_get(struct store *st, struct hlc *out);
int store_hlc_put(struct store *st, const struct hlc *h);

/* ---- accounts ---- */

struct store_user {
	char username[LIMIT_USER_MAX + 1];
	enum schema_role role;
	char team[STORE_TEAM_MAX + 1];              /* "" = none */
	char display_name[STORE_DISPLAY_MAX + 1];   /* "" = none */
	char pwhash[CRYPTO_PWHASH_STR_LEN];         /* Argon2id string */
	uint64_t created_ms;
	bool disabled;                  /* refused at enrol and every request */
};

/* store_user_add - add u.  Returns 0, IRO_EEXIST, IRO_EINVAL (empty
 * username or password hash), IRO_EIO. */
int store_user_add(struct store *st, const struct store_user *u);
/* store_user_get - look up by username.  Returns 0 or IRO_ENOTFOUND. */
int store_user_get(struct store *st, const char *username,
    struct store_user *out);
/* store_user_list - every user, by username.  *out is malloc'd (NULL if
 * none); caller frees. */
int store_user_list(struct store *st, struct store_user **out, size_t *n);
/* store_user_set_disabled - disable or enable the account.  Returns 0 or
 * IRO_ENOTFOUND. */
int store_user_set_disabled(struct store *st, const char *username,
    bool disabled);
/* store_user_set_pwhash - replace the account's password hash (an
 * Argon2id string, not empty).  Returns 0, IRO_EINVAL or IRO_ENOTFOUND. */
int store_user_set_pwhash(struct store *st, const char *username,
    const char *pwhash);

/*
 * Failed logins, kept so that a restart does not forget them.  key names
 * what failed: an account ("user:NAME") or a client address
 * ("addr:ADDRESS"), at most STORE_FAIL_KEY_MAX bytes.
 *
 * store_fail_add - record a failure of key at now_ms, forgetting that
 * key's failures at or before now_ms - keep_ms.
 * store_fail_count - how many failures of key came after since_ms.
 * store_fail_clear - forget every failure of key.
 * store_fail_undo - forget one failure of key recorded at exactly at_ms
 * (none: nothing happens).
 * Each returns 0, IRO_EINVAL (key empty or too long) or a store error.
 */
#define STORE_FAIL_KEY_MAX 160
int store_fail_add(struct store *st, const char *key, uint64_t now_ms,
    uint64_t keep_ms);
int store_fail_count(struct store *st, const char *key, uint64_t since_ms,
    uint64_t *n);
int store_fail_clear(struct store *st, const char *key);
int store_fail_undo(struct store *st, const char *key, uint64_t at_ms);

struct store_device {
	uint8_t id[LIMIT_ID_LEN];
	char username[LIMIT_USER_MAX + 1];
	char name[LIMIT_MSG_STR_MAX + 1];
	uint8_t pubkey[CRYPTO_PK_LEN];
	bool revoked;
	uint64_t enrolled_ms;
	uint64_t last_sync_ms;                      /* 0 = never */
	uint64_t last_pull_ms;                      /* 0 = never */
};

/* store_device_add - register d (d->revoked and last_sync_ms ignored).
 * Returns 0, IRO_EEXIST (the id is taken), IRO_ENOTFOUND (no such user),
 * IRO_EIO. */
int store_device_add(struct store *st, const struct store_device *d);
/* store_device_get - look up by id.  Returns 0 or IRO_ENOTFOUND. */
int store_device_get(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    struct store_device *out);
/* store_device_list - every device, by enrolment time.  Caller frees. */
int store_device_list(struct store *st, struct store_device **out,
    size_t *n);
/* store_device_revoke - refuse the device from now on.  Returns 0 or
 * IRO_ENOTFOUND. */
int store_device_revoke(struct store *st, const uint8_t id[LIMIT_ID_LEN]);
/* store_device_synced - record a sync by the device at now_ms.
 * store_device_pulled - the same for a pull, which also tells the device
 * its scope: from then on it knows of every reallocation before now_ms. */
int store_device_synced(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    uint64_t now_ms);
int store_device_pulled(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    uint64_t now_ms);

/*
 * store_nonce_use - remember that `device` used `nonce` at now_ms, for
 * ttl_ms.  Returns 0, or IRO_EEXIST if the pair is still remembered (a
 * replay).  Forgets expired nonces as it goes, so the table stays small.
 */
int store_nonce_use(struct store *st, const uint8_t device[LIMIT_ID_LEN],
    const uint8_t nonce[16], uint64_t now_ms, uint64_t ttl_ms);

/* ---- the change log ---- */

enum store_status { STORE_ACCEPTED = 0, STORE_REFUSED = 1 };

struct store_entry {
	uint64_t pos;                       /* log position, from 1 */
	enum store_status status;
	struct change change;               /* owned */
	uint8_t origin[LIMIT_ID_LEN];       /* device that sent it */
	uint64_t received_ms;
	char code[STORE_CODE_MAX + 1];      /* refusals: e.g. "forbidden" */
	char reason[LIMIT_MSG_STR_MAX + 1]; /* refusals: words */
};

/* store_entry_init / store_entry_clear - zero e; free what it owns.
 * clear(NULL) is a no-op. */
void store_entry_init(struct store_entry *e);
void store_entry_clear(struct store_entry *e);

/*
 * store_log_append - append e (its pos is ignored) and give its position
 * in *pos (may be NULL).  Returns 0, IRO_EEXIST (an accepted entry with
 * this change id exists), IRO_EINVAL (the change cannot be encoded),
 * IRO_EIO.
 */
int store_log_append(struct store *st, const struct store_entry *e,
    uint64_t *pos);

/* What store_log_find looks for: entries with this change id and status,
 * optionally only from one sender and only with exactly this content. */
struct store_log_key {
	const uint8_t *device;              /* change id: device ... */
	uint64_t seq;                       /* ... and counter */
	enum store_status status;
	const uint8_t *origin;              /* NULL: any sender */
	const struct change *content;       /* NULL: any content */
};

/* store_log_find - the first matching entry, into *out (caller clears).
 * Returns 0 or IRO_ENOTFOUND. */
int store_log_find(struct store *st, const struct store_log_key *key,
    struct store_entry *out);

/* store_record_type - the type of record `rec` as its accepted changes
 * name it.  Returns 0 or IRO_ENOTFOUND (no accepted change yet). */
int store_record_type(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    char type[LIMIT_NAME_MAX + 1]);

/* store_record_changes - every accepted change of record rec, in log
 * order.  *out is malloc'd (free with change_free_array).  Returns 0,
 * IRO_ETOOBIG (over STORE_RECORD_CHANGES_MAX), IRO_EIO, IRO_ECORRUPT. */
int store_record_changes(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    struct change **out, size_t *n);

/* ---- records materialised from the log ---- */

struct store_field {
	char name[LIMIT_NAME_MAX + 1];
	struct value value;                 /* owned; nil if none current */
	bool has_stamp;                     /* false: no accepted value */
	struct stamp stamp;                 /* of the current value */
	bool conflict;
};

struct store_record {
	uint8_t id[LIMIT_ID_LEN];
	char type[LIMIT_NAME_MAX + 1];
	bool deleted;
	size_t nconflicts;
	size_t nfields;
	struct store_field *fields;         /* owned, by name */
};

/* store_record_clear - free r's fields and zero it.  NULL no-op. */
void store_record_clear(struct store_record *r);
/* store_record_free_array - clear each of n records, then free(a). */
void store_record_free_array(struct store_record *a, size_t n);

/*
 * Scopes: which child each record is about, and to whom each child is
 * allocated.  A device is sent a record's changes only when the record
 * is about no child (council-wide: holidays, settings) or about a child
 * in its user's scope (store_scope_children).  The caller (the ledger)
 * decides a record's scope from the domain; the store only keeps it.
 */
enum store_scope_kind {
	STORE_SCOPE_NONE = 0,       /* about a child nobody can name: sent to
	                             * no device */
	STORE_SCOPE_COUNCIL = 1,    /* about no child: sent to every device */
	STORE_SCOPE_CHILD = 2,      /* about `child` */
};

struct store_scope {
	enum store_scope_kind kind;
	uint8_t child[LIMIT_ID_LEN];            /* STORE_SCOPE_CHILD only */
};

/*
 * store_record_put - replace the materialised state of m->record with m
 * (borrowed), about the child that scope names (borrowed; NULL:
 * STORE_SCOPE_NONE).  For a child record, iro is the username of the
 * allocated IRO ("" for none) and becomes the child's allocation; NULL
 * for every other type.
 */
int store_record_put(struct store *st, const struct merge_record *m,
    const struct store_scope *scope, const char *iro);

/* store_record_scope - the scope saved with record rec.  Returns 0 or
 * IRO_ENOTFOUND (not materialised with a scope). */
int store_record_scope(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    struct store_scope *out);

/*
 * store_unscoped - records materialised before scopes existed (a store
 * upgraded from an older layout), in id order, for the caller to put
 * again with their scope.  *out is malloc'd (NULL if none); caller frees.
 */
int store_unscoped(struct store *st, uint8_t (**out)[LIMIT_ID_LEN],
    size_t *n);

/* Who is asking: the scope of an IRO is the children allocated to them;
 * of a manager, the children allocated to IROs of their team (a team
 * named "" has none) and those allocated to nobody; of anyone else,
 * none. */
struct store_viewer {
	enum schema_role role;
	const char *username;
	const char *team;                       /* "" = none */
};

/*
 * store_scope_children - the children in v's scope, sorted bytewise
 * without duplicates (scope.h).  *out is malloc'd (NULL if none); caller
 * frees.  Returns 0, IRO_ETOOBIG (over LIMIT_SCOPE_CHILDREN), IRO_ENOMEM
 * or IRO_EIO.
 */
int store_scope_children(struct store *st, const struct store_viewer *v,
    uint8_t (**out)[LIMIT_ID_LEN], size_t *n);

/* store_record_get - the materialised record id.  Returns 0 or
 * IRO_ENOTFOUND. */
int store_record_get(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    struct store_record *out);

/* store_record_list - every record (of `type` unless NULL), by type then
 * id.  *out is malloc'd; free with store_record_free_array(). */
int store_record_list(struct store *st, const char *type,
    struct store_record **out, size_t *n);

/* store_record_find - the first record of `type` whose current `field`
 * equals v (a string or an int).  Returns 0 or IRO_ENOTFOUND. */
int store_record_find(struct store *st, const char *type,
    const char *field, const struct value *v, uint8_t id[LIMIT_ID_LEN]);

/* ---- pull ---- */

/*
 * One pull: which device asks, for whom (whose scope filters what is
 * sent), from where and how much.  A main pull (nchildren 0) leaves the
 * device's own changes out.  A backfill names children (the caller has
 * checked they are in the viewer's scope) and returns every accepted
 * change of their records at positions in (cursor, until], the device's
 * own included: it may have forgotten them.
 */
struct store_pull_query {
	const uint8_t *device;
	const struct store_viewer *viewer;
	uint64_t cursor;
	uint32_t limit;                     /* changes, >= 1 */
	size_t max_bytes;                   /* sum of wire_change_size() */
	const uint8_t (*children)[LIMIT_ID_LEN];   /* backfill: borrowed */
	size_t nchildren;                   /* 0..LIMIT_BACKFILL_CHILDREN */
	uint64_t until;                     /* backfill: last position */
};

struct store_pull_page {
	size_t n;
	struct change *changes;             /* owned */
	uint64_t cursor;                    /* last position examined */
	bool more;
};

/*
 * store_pull - the accepted changes after q->cursor in log order that
 * q's viewer may see (or, for a backfill, of q's children up to
 * q->until), at most q->limit of them and q->max_bytes in all (but
 * always at least one if any waits).  out->cursor is the last position
 * examined; out->more tells whether another page waits.  IRO_EINVAL for
 * a query without device or viewer, a limit out of range, too many
 * children or until < cursor.
 */
int store_pull(struct store *st, const struct store_pull_query *q,
    struct store_pull_page *out);
void store_pull_page_clear(struct store_pull_page *p);   /* NULL no-op */

/* ---- the audit log ---- */

/*
 * The audit log is append-only like the change log: the database refuses
 * UPDATE and DELETE of its rows.  Each entry lists the records it
 * concerns (those that went out in a pull, came in with a push, ...).
 */
#define STORE_AUDIT_ACTION_MAX 32
#define STORE_AUDIT_ADDR_MAX 64
#define STORE_AUDIT_DETAIL_MAX 1024
#define STORE_AUDIT_RECORDS_MAX 65536u            /* per entry */
#define STORE_AUDIT_LIST_MAX (1u << 22)             /* per listing */

struct store_audit {
	uint64_t id;                    /* from 1, increasing */
	uint64_t at_ms;
	char action[STORE_AUDIT_ACTION_MAX + 1];    /* "push", "enrol", ... */
	char username[LIMIT_USER_MAX + 1];          /* "" = none */
	bool has_device;
	uint8_t device[LIMIT_ID_LEN];
	char address[STORE_AUDIT_ADDR_MAX + 1];     /* "" = the server's
	                                             * own command line */
	char detail[STORE_AUDIT_DETAIL_MAX + 1];
	size_t nrecords;
	uint8_t (*records)[LIMIT_ID_LEN];           /* owned; may be NULL */
};

/*
 * store_audit_append - append a (its id is ignored; its records are
 * borrowed, duplicates allowed) and give its id in *id (may be NULL).
 * Inside the caller's transaction when one is open, so the entry commits
 * with the action it records.  Returns 0, IRO_EINVAL (no action, or
 * over STORE_AUDIT_RECORDS_MAX records), IRO_EIO.
 */
int store_audit_append(struct store *st, const struct store_audit *a,
    uint64_t *id);

/* Which entries store_audit_list returns: all of these that are set. */
struct store_audit_query {
	const char *username;           /* NULL: any */
	uint64_t since_ms;              /* entries at or after; 0: all */
	/* With records set: only entries that concern one of them. */
	const uint8_t (*records)[LIMIT_ID_LEN];
	size_t nrecords;
	bool by_record;                 /* apply the records filter (even
	                                 * when nrecords is 0: no entry) */
};

/*
 * store_audit_list - matching entries in id order.  *out is malloc'd;
 * free with store_audit_free_array().  Returns 0, IRO_ETOOBIG (over
 * STORE_AUDIT_LIST_MAX), IRO_ENOMEM, IRO_EIO, IRO_ECORRUPT.
 */
int store_audit_list(struct store *st, const struct store_audit_query *q,
    struct store_audit **out, size_t *n);
void store_audit_free_array(struct store_audit *a, size_t n);

/*
 * store_record_referrers - the records whose current `field` holds a
 * reference to record id (its 32 lowercase hex digits), in id order.
 * *out is malloc'd (NULL if none); caller frees.  Returns 0, IRO_ETOOBIG
 * (over STORE_AUDIT_LIST_MAX), IRO_ENOMEM or IRO_EIO.
 */
int store_record_referrers(struct store *st, const char *field,
    const uint8_t id[LIMIT_ID_LEN], uint8_t (**out)[LIMIT_ID_LEN],
    size_t *n);

/* ---- statistics ---- */

struct store_stats {
	uint64_t changes;       /* accepted log entries */
	uint64_t refused;       /* refused log entries */
	uint64_t records;
	uint64_t conflicts;     /* fields in conflict */
	uint64_t users;
	uint64_t devices;
	uint64_t last_pos;      /* greatest log position, 0 if empty */
};

/* store_stats - the counts above, all read at one moment. */
int store_stats(struct store *st, struct store_stats *out);

#endif
