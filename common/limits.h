/*
 * limits.h - hard limits of the wire protocol and the stores.
 *
 * These numbers are normative: proto/PROTOCOL.md states the same values,
 * and both sides enforce them before allocating.
 */
#ifndef LIMITS_H
#define LIMITS_H

#define LIMIT_PROTO_VERSION 1         /* the protocol version spoken */
#define LIMIT_ID_LEN 16               /* device and record ids, bytes */
#define LIMIT_NAME_MAX 32             /* record type and field names */
#define LIMIT_USER_MAX 64             /* usernames */
#define LIMIT_PASSWORD_MAX 256        /* account passwords */
#define LIMIT_STR_MAX 65536           /* any string value, bytes */
#define LIMIT_MSG_STR_MAX 1024        /* error messages, reasons, labels */
#define LIMIT_URL_MAX 512             /* server URLs */
#define LIMIT_BODY_MAX (8u << 20)     /* request or response body, bytes */
#define LIMIT_PUSH_CHANGES 1000       /* changes in one push */
#define LIMIT_PULL_CHANGES 1000       /* changes in one pull page */
#define LIMIT_SUPERSEDES 64           /* stamps a resolution may name */
#define LIMIT_DEPTH 8                 /* msgpack nesting depth */
#define LIMIT_MAP_KEYS 32             /* keys in one msgpack map */
#define LIMIT_SKEW_MS (5 * 60 * 1000) /* how far ahead a stamp may be */
/* Children one device may hold (its scope): 16-byte ids in one bin of
 * at most LIMIT_STR_MAX bytes. */
#define LIMIT_SCOPE_CHILDREN 4096
#define LIMIT_SCOPE_DIGEST_LEN 32     /* BLAKE2b-256 of a scope */
#define LIMIT_BACKFILL_CHILDREN 64    /* children in one backfill pull */

#endif
