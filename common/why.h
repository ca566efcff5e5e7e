/*
 * why.h - filling a caller's reason buffer: the `why` out-parameter that
 * functions on both sides use to say what went wrong, in words for a
 * person.
 */
#ifndef WHY_H
#define WHY_H

#include <stddef.h>

/*
 * why_set - format a message into why[whylen] (cut to fit; nothing if
 * why is NULL or whylen 0) and return rc, so a failure reads
 * `return why_set(why, whylen, IRO_EINVAL, "bad '%s'", s);`.
 * Thread-safe.
 */
int why_set(char *why, size_t whylen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
