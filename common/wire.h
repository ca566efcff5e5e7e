/*
 * wire.h - the msgpack codec for every protocol message.
 *
 * The only module that touches msgpack-c.  Every decoder first walks the
 * raw bytes itself, checking each declared length and count against the
 * bytes actually remaining and against the limits in limits.h, so
 * msgpack-c never sees a message that could make it allocate more than a
 * small multiple of its size.  Decoders reject truncated, malformed,
 * oversized, too deeply nested or wrongly typed input with IRO_EPROTO
 * (IRO_ETOOBIG for over a limit, IRO_EVERSION for an unknown version), and
 * put a reason naming the problem in `why`.  Unknown map keys are ignored
 * so that later versions can add fields.
 *
 * Encoders write canonical bytes: maps with keys in the order of the
 * spec, integers in their shortest form.  Decode-then-encode of a golden
 * vector gives the same bytes.
 *
 * Ownership: decoded messages own everything they point to; free them
 * with their *_clear function.  Encoders allocate *out with malloc; the
 * caller frees it.  All functions are thread-safe.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"

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
	char role[16];
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
	char code[32];                           /* e.g. "forbidden" */
	char reason[LIMIT_MSG_STR_MAX + 1];
};

struct wire_push_resp {
	uint64_t accepted;                       /* new changes logged */
	uint64_t duplicates;                     /* already in the log */
	size_t nrefused;
	struct wire_refusal *refused;            /* owned */
	uint64_t time_ms;
};

/* POST /v1/pull */
struct wire_pull_req {
	uint64_t cursor;                         /* 0 = from the start */
	uint32_t limit;                          /* 1..LIMIT_PULL_CHANGES */
};

struct wire_pull_resp {
	size_t nchanges;
	struct change *changes;                  /* owned */
	uint64_t cursor;                         /* pass in the next pull */
	bool more;                               /* another page waits */
	uint64_t time_ms;
};

/* Any non-2xx answer. */
struct wire_error {
	char code[32];                           /* see PROTOCOL.md */
	char message[LIMIT_MSG_STR_MAX + 1];
	uint64_t time_ms;                        /* server clock */
};

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
 * pushes under LIMIT_BODY_MAX without encoding twice.
 */
size_t wire_change_size(const struct change *c);

#endif
