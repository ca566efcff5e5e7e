/*
 * scope.h - a device's scope: the set of children whose records it
 * holds, as the sorted array of their 16-byte ids, and its digest.
 *
 * The server and the device each compute the digest of the set they
 * believe in; a pull carries the device's, and only when the two differ
 * does the server send the whole set (proto/PROTOCOL.md, section 5.5).
 * Sets are sorted bytewise (memcmp order, as SQLite orders BLOBs) and
 * hold no duplicates.  Pure functions; thread-safe.
 */
#ifndef SCOPE_H
#define SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* scope_sort - sort ids[0..n) bytewise and drop duplicates; *n shrinks to
 * the number kept.  Cannot fail. */
void scope_sort(uint8_t (*ids)[LIMIT_ID_LEN], size_t *n);

/* scope_valid - whether ids[0..n) is sorted, free of duplicates and no
 * larger than LIMIT_SCOPE_CHILDREN. */
bool scope_valid(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n);

/*
 * scope_digest - BLAKE2b-256 of "IRO-SCOPE-1\n" followed by the n ids in
 * order (a sorted set; the empty set has a digest too).  Cannot fail.
 */
void scope_digest(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n,
    uint8_t out[LIMIT_SCOPE_DIGEST_LEN]);

/* scope_has - whether sorted set ids[0..n) holds id (binary search). */
bool scope_has(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n,
    const uint8_t id[LIMIT_ID_LEN]);

#endif
