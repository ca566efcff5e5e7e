/*
 * file.h - reading a whole input file (a CSV, a JSON document) into
 * memory with a hard size limit.
 */
#ifndef SERVER_FILE_H
#define SERVER_FILE_H

#include <stddef.h>

/*
 * file_read - read the regular file at path, at most max bytes, into a
 * malloc'd buffer *out (caller frees; NUL-terminated, the NUL not counted
 * in *len).  Returns 0; IRO_ENOTFOUND (no such file), IRO_EIO (not a
 * regular file, a read error, or it grew while being read) or
 * IRO_ETOOBIG (over max), with a reason in why; or IRO_ENOMEM.  On
 * failure *out is NULL and *len 0.  Thread-safe.
 */
int file_read(const char *path, size_t max, char **out, size_t *len,
    char *why, size_t whylen);

#endif
