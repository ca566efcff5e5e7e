/*
 * wirescan.h - the structural pre-scan that runs before any msgpack
 * library sees a message.
 *
 * msgpack-c trusts declared lengths: an array header claiming 2^32
 * elements makes it allocate that many objects before it notices the
 * bytes are missing.  wirescan walks the raw bytes itself, without
 * allocating, and accepts a message only if every declared length and
 * count fits in the bytes that actually remain and within the protocol's
 * limits, so that decoding what it accepted costs at most a small multiple
 * of the message's own size.
 */
#ifndef WIRESCAN_H
#define WIRESCAN_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* The longest array any message may hold: a generic bound at scan time;
 * the typed decoder applies each field's exact limit. */
#define WIRESCAN_ARRAY_MAX                                                  \
	(LIMIT_PUSH_CHANGES > LIMIT_PULL_CHANGES ?                          \
	    (LIMIT_PUSH_CHANGES > LIMIT_SUPERSEDES ? LIMIT_PUSH_CHANGES :   \
	    LIMIT_SUPERSEDES) :                                             \
	    (LIMIT_PULL_CHANGES > LIMIT_SUPERSEDES ? LIMIT_PULL_CHANGES :   \
	    LIMIT_SUPERSEDES))

/* The longest map key: every key of the protocol is a short name. */
#define WIRESCAN_KEY_MAX LIMIT_NAME_MAX

/*
 * wirescan_check - check that buf[0..len) is exactly one msgpack object
 * of the shape the protocol allows:
 *  - every str and bin declares at most LIMIT_STR_MAX bytes, every array
 *    at most WIRESCAN_ARRAY_MAX elements, every map at most
 *    LIMIT_MAP_KEYS entries, and none declares more than the bytes left;
 *  - arrays and maps nest at most LIMIT_DEPTH deep (the outermost
 *    container is depth 1);
 *  - every map key is a str of at most WIRESCAN_KEY_MAX bytes and no map
 *    holds the same key twice;
 *  - no float, ext or reserved (0xc1) byte appears anywhere;
 *  - nothing follows the object, and len <= LIMIT_BODY_MAX.
 * It does not check strings' contents (UTF-8) nor which keys are present:
 * that is the typed decoder's job.
 *
 * Returns 0, IRO_EPROTO (truncated, malformed, trailing bytes, a type the
 * protocol never uses, a duplicate or non-string key) or IRO_ETOOBIG (over
 * a limit).  On failure a lowercase reason naming the place, such as
 * "changes[3].val: string of 70000 bytes is over the limit of 65536", is
 * written to why (which may be NULL).  Allocates nothing; uses a bounded
 * amount of stack (recursion is at most LIMIT_DEPTH deep).  Thread-safe.
 */
int wirescan_check(const uint8_t *buf, size_t len, char *why,
    size_t whylen);

#endif
