/*
 * srvtest.h - helpers shared by the server's unit tests: throwaway data
 * directories and changes to feed the store and the protocol.
 */
#ifndef SRVTEST_H
#define SRVTEST_H

#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "schema.h"

struct store;

/* srvtest_tmpdir - create a fresh directory under $TMPDIR (or /tmp) and
 * write its path to buf.  Returns 0 or -1. */
int srvtest_tmpdir(char *buf, size_t len);

/* srvtest_rmtree - remove a directory made by srvtest_tmpdir and what it
 * holds (one level of files, which is all the stores make). */
void srvtest_rmtree(const char *dir);

/* srvtest_id - a 16-byte id whose first byte is tag and the rest a
 * counter n, so ids are distinct and easy to read in failures. */
void srvtest_id(uint8_t id[LIMIT_ID_LEN], uint8_t tag, uint32_t n);

/* srvtest_change - fill c (initialised here) with a change setting a
 * string field; caller clears it.  base may be NULL. */
void srvtest_change(struct change *c, const uint8_t dev[LIMIT_ID_LEN],
    uint64_t seq, uint64_t wall_ms, const char *type,
    const uint8_t rec[LIMIT_ID_LEN], const char *field, const char *value,
    const char *author, const struct stamp *base);

/* srvtest_user - add user name with role and team ("" = none) and a
 * placeholder password hash.  Returns what store_user_add returns. */
int srvtest_user(struct store *st, const char *name, enum schema_role role,
    const char *team);

#endif
