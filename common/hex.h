/*
 * hex.h - lowercase hexadecimal for ids.
 */
#ifndef HEX_H
#define HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * hex_encode - write 2*len lowercase hex digits and a NUL to out, which
 * must hold 2*len+1 bytes.  Cannot fail.
 */
void hex_encode(const uint8_t *in, size_t len, char *out);

/*
 * hex_decode - parse exactly 2*len hex digits (either case) from `in`
 * into out[len].  `in` must be NUL-terminated and of exactly that length.
 * Returns 0, or IRO_EINVAL (out is then unspecified).
 */
int hex_decode(const char *in, uint8_t *out, size_t len);

#endif
