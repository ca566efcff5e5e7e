/*
 * wire.h - the msgpack codec for every protocol message.
 *
 * The only module that touches msgpack-c.  Every decoder first walks the
 * raw bytes itself (wirescan.h), checking each declared length and count
 * against the bytes actually remaining and against the limits in
 * limits.h, so msgpack-c never sees a message that could make it allocate
 * more than a small multiple of its size.  Then it maps the object tree
 * into the C structs with strict type checks.
 *
 * Every decoder returns 0 or:
 *   IRO_EPROTO    truncated, malformed or trailing bytes; a wrong type, a
 *                 missing or duplicated key, a bin of the wrong length, a
 *                 string that is not UTF-8 or holds a NUL byte, a float or
 *                 ext anywhere;
 *   IRO_ETOOBIG   a string, array, map, nesting depth or the message over
 *                 its limit (PROTOCOL.md section 2);
 *   IRO_EVERSION  `v` is not LIMIT_PROTO_VERSION;
 *   IRO_EINVAL    a well-formed change that breaks a rule of change_check();
 *   IRO_ENOMEM    out of memory.
 * On failure a lowercase reason naming the key, such as
 * "changes[3].ts: expected array of 2 integers", is written to `why`
 * (which may be NULL), and *out is left cleared: nothing to free.  Unknown
 * map keys are ignored so that later versions can add fields.  Decoders
 * borrow buf; the decoded message copies what it keeps.
 *
 * Encoders write canonical bytes: maps with keys in the order of the
 * spec, optional keys omitted when absent, integers and strings in their
 * shortest form.  Decode-then-encode of a golden vector gives the same
 * bytes.  They return 0, IRO_ETOOBIG (a string, array or the whole message
 * over its limit: nothing over LIMIT_BODY_MAX is ever produced),
 * IRO_EINVAL (a char array not NUL-terminated, a NULL array with a
 * non-zero count, an unknown value type, a pull_req limit outside
 * 1..LIMIT_PULL_CHANGES, a pull_req with more than
 * LIMIT_BACKFILL_CHILDREN children, a repeated child or until < cursor
 * with children, a pull_resp with a scope and changes or a scope that
 * fails scope_valid()) or IRO_ENOMEM; on failure *out is
 * NULL and *len 0.  They do not check UTF-8: the caller builds messages
 * from validated values.
 *
 * Ownership: decoded messages own everything they point to; free them
 * with their *_clear function (messages without one own nothing).
 * Encoders allocate *out with malloc; the caller frees it.  All functions
 * are thread-safe.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "limits.h"

#define WIRE_CODE_MAX 32          /* error and refusal codes, bytes */
#define WIRE_ROLE_MAX 16          /* role names, bytes */

/* What a push_req adds around its changes, and a pull_resp, at most:
 * with wire_change_size() a sender packs a body under LIMIT_BODY_MAX. */
#define WIRE_PUSH_OVERHEAD 16
#define WIRE_PULL_OVERHEAD 64

/* POST /v1/enrol */
struct wire_enrol_req {
	char user[LIMIT_USER_MAX + 1];
	char password[LIMIT_PASSWORD_MAX + 1];   /* wipe after use */
	uint8_t device[LIMIT_ID_LEN];
	char name[LIMIT_MSG_STR_MAX + 1];
	uint8_t pubkey[32];
};

struct wire_enrol_resp {
	uint8_t device[LIMIT_ID_LEN];
	char user[LIMIT_USER_MAX + 1];
	char role[WIRE_ROLE_MAX + 1];            /* "iro", "manager", "admin" */
	uint8_t server[LIMIT_ID_LEN];            /* the server's own id */
	uint64_t time_ms;                        /* server clock */
};

/* POST /v1/push */
struct wire_push_req {
	size_t nchanges;
	struct change *changes;                  /* owned */
};

struct wire_refusal {
	uint8_t device[LIMIT_ID_LEN];
	uint64_t seq;
	char code[WIRE_CODE_MAX + 1];            /* e.g. "forbidden" */
	char reason[LIMIT_MSG_STR_MAX + 1];
};

struct wire_push_resp {
	uint64_t accepted;                       /* new changes logged */
	uint64_t duplicates;                     /* already in the log */
	size_t nrefused;
	struct wire_refusal *refused;            /* owned */
	uint64_t time_ms;
};

/*
 * POST /v1/pull.  Two kinds (PROTOCOL.md, section 5.5):
 * - the main pull: nchildren 0; `scope` carries the digest of the set of
 *   children the device holds (scope.h), so the server can tell when the
 *   device's caseload changed;
 * - a backfill: nchildren > 0 names children newly in the device's
 *   scope, and the server sends their records' changes at positions in
 *   (cursor, until] - everything the main cursor has already passed.
 */
struct wire_pull_req {
	uint64_t cursor;                         /* 0 = from the start */
	uint32_t limit;                          /* 1..LIMIT_PULL_CHANGES */
	bool has_scope;                          /* "scope" present */
	uint8_t scope[LIMIT_SCOPE_DIGEST_LEN];
	size_t nchildren;                        /* "children": 0 = absent */
	uint8_t children[LIMIT_BACKFILL_CHILDREN][LIMIT_ID_LEN];
	uint64_t until;                          /* required with children */
};

struct wire_pull_resp {
	size_t nchanges;
	struct change *changes;                  /* owned */
	uint64_t cursor;                         /* pass in the next pull */
	bool more;                               /* another page waits */
	uint64_t time_ms;
	/* "scope": the children the device should hold now, sorted and
	 * unique (scope.h); present only when the request's digest did not
	 * match.  Such a page has no changes. */
	bool has_scope;
	size_t nscope;
	uint8_t (*scope)[LIMIT_ID_LEN];          /* owned; NULL if nscope 0 */
};

/* Any non-2xx answer. */
struct wire_error {
	char code[WIRE_CODE_MAX + 1];            /* see PROTOCOL.md */
	char message[LIMIT_MSG_STR_MAX + 1];
	uint64_t time_ms;                        /* server clock */
};

/* The encoding holds the password: wipe it (crypto_wipe) before free. */
int wire_encode_enrol_req(const struct wire_enrol_req *m, uint8_t **out,
    size_t *len);
int wire_decode_enrol_req(const uint8_t *buf, size_t len,
    struct wire_enrol_req *out, char *why, size_t whylen);
void wire_enrol_req_clear(struct wire_enrol_req *m);   /* wipes password */

int wire_encode_enrol_resp(const struct wire_enrol_resp *m, uint8_t **out,
    size_t *len);
int wire_decode_enrol_resp(const uint8_t *buf, size_t len,
    struct wire_enrol_resp *out, char *why, size_t whylen);

int wire_encode_push_req(const struct wire_push_req *m, uint8_t **out,
    size_t *len);
int wire_decode_push_req(const uint8_t *buf, size_t len,
    struct wire_push_req *out, char *why, size_t whylen);
void wire_push_req_clear(struct wire_push_req *m);

int wire_encode_push_resp(const struct wire_push_resp *m, uint8_t **out,
    size_t *len);
int wire_decode_push_resp(const uint8_t *buf, size_t len,
    struct wire_push_resp *out, char *why, size_t whylen);
void wire_push_resp_clear(struct wire_push_resp *m);

int wire_encode_pull_req(const struct wire_pull_req *m, uint8_t **out,
    size_t *len);
int wire_decode_pull_req(const uint8_t *buf, size_t len,
    struct wire_pull_req *out, char *why, size_t whylen);

int wire_encode_pull_resp(const struct wire_pull_resp *m, uint8_t **out,
    size_t *len);
int wire_decode_pull_resp(const uint8_t *buf, size_t len,
    struct wire_pull_resp *out, char *why, size_t whylen);
void wire_pull_resp_clear(struct wire_pull_resp *m);

int wire_encode_error(const struct wire_error *m, uint8_t **out,
    size_t *len);
int wire_decode_error(const uint8_t *buf, size_t len,
    struct wire_error *out, char *why, size_t whylen);

/*
 * wire_encode_change / wire_decode_change - one change on its own, as it
 * appears inside push and pull messages.  The client's replica stores
 * changes in this form (encrypted).
 */
int wire_encode_change(const struct change *c, uint8_t **out, size_t *len);
int wire_decode_change(const uint8_t *buf, size_t len, struct change *out,
    char *why, size_t whylen);

/*
 * wire_change_size - an upper bound on the encoded size of c, for packing
 * pushes under LIMIT_BODY_MAX without encoding twice; SIZE_MAX if c is
 * over a limit and could not be encoded at all.  Cannot fail otherwise.
 */
size_t wire_change_size(const struct change *c);

#endif
