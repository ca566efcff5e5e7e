/*
 * handle.h - the insides of struct iro, shared by the modules that
 * implement include/irosync.h (api.c, edit.c, records.c, conflicts.c) and
 * by the sync engine.  Nothing here leaves the shared library: only iro_*
 * is exported (client/irosync.map).
 *
 * Identity and state live in the replica's sealed meta under these keys:
 *   user, role, server (URL), server_id (16 bytes), device (16 bytes),
 *   sk (Ed25519 secret key, 64 bytes), seq (last used change counter),
 *   hlc_wall/hlc_counter (the device's hybrid logical clock),
 *   stable_wall/stable_counter (greatest stamp the server has judged
 *   within its clock window: of pulled changes and of this device's
 *   changes it answered for, acknowledged or refused),
 *   cursor (pull position), last_sync (server ms), clock_offset (int64
 *   ms stored as u64 two's complement: server clock minus local clock).
 */
#ifndef HANDLE_H
#define HANDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irosync.h"
#include "change.h"
#include "hlc.h"
#include "limits.h"
#include "merge.h"
#include "replica.h"
#include "schema.h"

#define HANDLE_ERRMSG_MAX (LIMIT_MSG_STR_MAX + 256)

struct transport;
struct ref_index;

struct iro {
	struct replica *replica;          /* owned */
	struct transport *transport;      /* owned; created by the first sync */
	struct ref_index *ref_index;      /* owned; see ref.h */
	char user[LIMIT_USER_MAX + 1];
	char role_name[16];
	enum schema_role role;
	char server[LIMIT_URL_MAX + 1];   /* "" if not enrolled */
	uint8_t server_id[LIMIT_ID_LEN];
	uint8_t device[LIMIT_ID_LEN];
	uint8_t *sk;                      /* secure memory; NULL if none */
	int64_t clock_offset;             /* ms to add to the local clock */
	iro_clock_fn clock;
	void *clock_ctx;
	char errmsg[HANDLE_ERRMSG_MAX];
};

/*
 * handle_new - wrap an open replica (takes ownership, also on failure) in
 * a handle and load the identity from its meta.  Returns IRO_ECORRUPT if
 * user, role or device are missing, with a message in err.
 */
int handle_new(struct replica *r, const struct iro_open_opts *o,
    struct iro **out, char *err, size_t errlen);

/*
 * handle_create_local - create a replica in o->home for `user` of `role`
 * that is not enrolled with any server (no server URL, no key), using the
 * minimum KDF cost.  For tests and offline tools: records can be made and
 * read, iro_sync() answers IRO_ENOTENROLLED.  Caller frees with
 * iro_close().  On failure nothing is left in home.
 */
int handle_create_local(const struct iro_open_opts *o, const char *user,
    const char *role, struct iro **out);

/* handle_free - wipe the key, close the replica.  NULL is a no-op. */
void handle_free(struct iro *h);

/* handle_fail - set h's message from fmt and return rc (for
 * `return handle_fail(...)`). */
int handle_fail(struct iro *h, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* handle_fail_replica - "cannot WHAT: <the replica's message>", rc. */
int handle_fail_replica(struct iro *h, int rc, const char *what);

/* handle_local_ms - the local (unadjusted) clock in ms. */
int64_t handle_local_ms(const struct iro *h);

/* handle_now_ms - the local clock corrected by the server's offset. */
uint64_t handle_now_ms(const struct iro *h);

/* Meta clocks: which is "hlc" or "stable" (see the top of this file). */
int handle_hlc_load(struct iro *h, const char *which, struct hlc *out);
int handle_hlc_save(struct iro *h, const char *which, const struct hlc *in);

/*
 * handle_parse_id - 32 hex digits to an id.  Returns IRO_EINVAL with a
 * message naming `what` ("record", "child", ...) otherwise.
 */
int handle_parse_id(struct iro *h, const char *hex, const char *what,
    uint8_t id[LIMIT_ID_LEN]);

/* The public list of records: records.c fills and frees it, and
 * child_list.c fills it with records records.c allocated. */
struct iro_list {
	size_t n;
	struct iro_record **recs;         /* owned */
};

/* A record's stored changes and their merge. */
struct handle_rec {
	char type[LIMIT_NAME_MAX + 1];
	struct change *changes;           /* owned */
	size_t n;
	const struct change **ptrs;       /* owned array, borrowed changes */
	struct merge_record m;            /* borrows from changes */
};

/*
 * handle_rec_load - load and merge record id into *out (overwritten).
 * Returns IRO_ENOTFOUND (with a message) if the replica has no change of
 * it.  Release with handle_rec_clear() whatever the outcome.
 */
int handle_rec_load(struct iro *h, const uint8_t id[LIMIT_ID_LEN],
    struct handle_rec *out);
/* handle_rec_load_all - the same, merging the changes the server refused
 * too: what every stored change says, for telling which child a record
 * is about even when only the server's refusal holds it. */
int handle_rec_load_all(struct iro *h, const uint8_t id[LIMIT_ID_LEN],
    struct handle_rec *out);
void handle_rec_clear(struct handle_rec *r);

/* handle_rec_flags - the replica flags that describe a merged record. */
unsigned handle_rec_flags(const struct merge_record *m);

/*
 * handle_remerge - re-merge record id from its stored changes and store
 * its flags.  Call inside the transaction that changed its changes.
 */
int handle_remerge(struct iro *h, const uint8_t id[LIMIT_ID_LEN]);

/* handle_remerge_all - handle_remerge each of n ids (which may repeat;
 * the array is sorted in place). */
int handle_remerge_all(struct iro *h, uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n);

/* handle_conflicts - the number of conflicted fields in the replica. */
int handle_conflicts(struct iro *h, uint64_t *out);

/*
 * handle_value_export - a public value that owns a copy of v's string.
 * Returns 0 or IRO_ENOMEM.  Release with handle_value_release().
 */
int handle_value_export(const struct value *v, struct iro_value *out);
void handle_value_release(struct iro_value *v);

#endif
