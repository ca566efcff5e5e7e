/*
 * ref.h - finding the record a reference names: by id, or by the
 * referenced type's code field (a child's council id), as users type it.
 *
 * Lookups by code go through an index kept in the handle: code -> record
 * id for one type.  A hit is checked against the record itself, and a
 * miss or a stale hit rebuilds the index, so it never needs to be told
 * about pulls or edits.
 */
#ifndef REF_H
#define REF_H

#include <stdint.h>

#include "handle.h"

struct ref_index;

/*
 * ref_find - the live record of `type` that `key` names: its id in hex
 * (either case), or else the exact value of the type's SCHEMA_CODE field.
 * Returns 0 with the id in out, IRO_EINVAL for an empty key, IRO_ENOTFOUND
 * with a message if nothing matches, or a replica error.
 */
int ref_find(struct iro *h, const char *type, const char *key,
    uint8_t out[LIMIT_ID_LEN]);

/* ref_index_free - free an index (handle_free's job).  NULL is a no-op. */
void ref_index_free(struct ref_index *x);

#endif
