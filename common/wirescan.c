/*
 * wirescan.c - structural pre-scan of msgpack messages (see wirescan.h).
 *
 * The scan never allocates: it reads each header, checks the declared
 * size against the limits and the bytes left, and recurses into
 * containers.  Recursion is bounded because depth is checked before each
 * descent.  The path to the object being scanned is kept (as pointers
 * into the message) only to name the place in an error.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "iro_error.h"
#include "wirescan.h"

enum kind { K_SCALAR, K_STR, K_BIN, K_ARRAY, K_MAP };

struct head {
	enum kind kind;
	size_t hlen;        /* header bytes; for scalars, the whole object */
	uint64_t n;         /* bytes of a str/bin, entries of a container */
};

/* One step of the path: a map key (key != NULL) or an array index. */
struct step {
	const uint8_t *key;
	size_t keylen;
	size_t index;
};

struct scan {
	const uint8_t *buf;
	size_t len;
	size_t off;
	struct step path[LIMIT_DEPTH];
	size_t npath;
	char *why;
	size_t whylen;
};

/* Appends the path, such as "changes[3].val", to out. */
static void
format_path(const struct scan *s, char *out, size_t outlen)
{
	size_t i, j, used = 0;

	out[0] = '\0';
	for (i = 0; i < s->npath && used + 1 < outlen; i++) {
		const struct step *st = &s->path[i];

		if (st->key == NULL) {
			snprintf(out + used, outlen - used, "[%zu]", st->index);
			used += strlen(out + used);
			continue;
		}
		if (i > 0 && used + 1 < outlen)
			out[used++] = '.';
		/* Keys come from the wire: show only printable ASCII. */
		for (j = 0; j < st->keylen && used + 1 < outlen; j++) {
			uint8_t c = st->key[j];

			out[used++] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
		}
		out[used] = '\0';
	}
}

static int fail(struct scan *s, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct scan *s, int rc, const char *fmt, ...)
{
	char path[LIMIT_DEPTH * (WIRESCAN_KEY_MAX + 24)];
	char msg[160];
	va_list ap;

	if (s->why == NULL || s->whylen == 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	format_path(s, path, sizeof(path));
	if (path[0] != '\0')
		snprintf(s->why, s->whylen, "%s: %s", path, msg);
	else
		snprintf(s->why, s->whylen, "%s", msg);
	return rc;
}

/* Size of the payload that follows a scalar's first byte, or -1. */
static int
scalar_extra(uint8_t b)
{
	switch (b) {
	case 0xc0: case 0xc2: case 0xc3:
		return 0;
	case 0xcc: case 0xd0:
		return 1;
	case 0xcd: case 0xd1:
		return 2;
	case 0xce: case 0xd2:
		return 4;
	case 0xcf: case 0xd3:
		return 8;
	}
	return -1;
}

/* Width of the length field after b, setting *kind; 0 if not sized. */
static size_t
sized_width(uint8_t b, enum kind *kind)
{
	switch (b) {
	case 0xc4: *kind = K_BIN; return 1;
	case 0xc5: *kind = K_BIN; return 2;
	case 0xc6: *kind = K_BIN; return 4;
	case 0xd9: *kind = K_STR; return 1;
	case 0xda: *kind = K_STR; return 2;
	case 0xdb: *kind = K_STR; return 4;
	case 0xdc: *kind = K_ARRAY; return 2;
	case 0xdd: *kind = K_ARRAY; return 4;
	case 0xde: *kind = K_MAP; return 2;
	case 0xdf: *kind = K_MAP; return 4;
	}
	return 0;
}

static int
read_head(struct scan *s, struct head *h)
{
	const uint8_t *p = s->buf + s->off;
	size_t left = s->len - s->off, w, i;
	uint8_t b;
	int extra;

	if (left == 0)
		return fail(s, IRO_EPROTO, "truncated: object expected");
	b = p[0];
	h->n = 0;
	h->hlen = 1;
	if (b <= 0x7f || b >= 0xe0) {
		h->kind = K_SCALAR;
	} else if (b <= 0x8f) {
		h->kind = K_MAP;
		h->n = b & 0x0f;
	} else if (b <= 0x9f) {
		h->kind = K_ARRAY;
		h->n = b & 0x0f;
	} else if (b <= 0xbf) {
		h->kind = K_STR;
		h->n = b & 0x1f;
	} else if ((extra = scalar_extra(b)) >= 0) {
		h->kind = K_SCALAR;
		h->hlen += (size_t)extra;
	} else if ((w = sized_width(b, &h->kind)) > 0) {
		if (left < 1 + w)
			return fail(s, IRO_EPROTO, "truncated: length expected");
		for (i = 1; i <= w; i++)
			h->n = (h->n << 8) | p[i];
		h->hlen += w;
	} else if (b == 0xca || b == 0xcb) {
		return fail(s, IRO_EPROTO, "floats are not allowed");
	} else if (b == 0xc1) {
		return fail(s, IRO_EPROTO, "reserved byte 0xc1");
	} else {
		return fail(s, IRO_EPROTO, "ext types are not allowed");
	}
	if (left < h->hlen)
		return fail(s, IRO_EPROTO, "truncated: integer expected");
	return 0;
}

static int scan_obj(struct scan *s, int depth);

static int
scan_array(struct scan *s, uint64_t n, int depth)
{
	size_t i;
	int rc;

	if (depth > LIMIT_DEPTH)
		return fail(s, IRO_ETOOBIG, "nested deeper than %d",
		    LIMIT_DEPTH);
	if (n > WIRESCAN_ARRAY_MAX)
		return fail(s, IRO_ETOOBIG,
		    "array of %llu elements is over the limit of %d",
		    (unsigned long long)n, WIRESCAN_ARRAY_MAX);
	/* Every element takes at least one byte. */
	if (n > s->len - s->off)
		return fail(s, IRO_EPROTO,
		    "truncated: array of %llu elements in %zu bytes",
		    (unsigned long long)n, s->len - s->off);
	s->path[s->npath].key = NULL;
	s->npath++;
	for (i = 0; i < n; i++) {
		s->path[s->npath - 1].index = i;
		if ((rc = scan_obj(s, depth)) != 0)
			return rc;
	}
	s->npath--;
	return 0;
}

/* Reads the key of a map entry; *key and *keylen point into the buffer. */
static int
scan_key(struct scan *s, const uint8_t **key, size_t *keylen)
{
	struct head h;
	int rc;

	if ((rc = read_head(s, &h)) != 0)
		return rc;
	if (h.kind != K_STR)
		return fail(s, IRO_EPROTO, "map key is not a string");
	if (h.n > WIRESCAN_KEY_MAX)
		return fail(s, IRO_ETOOBIG,
		    "map key of %llu bytes is over the limit of %d",
		    (unsigned long long)h.n, WIRESCAN_KEY_MAX);
	s->off += h.hlen;
	if (h.n > s->len - s->off)
		return fail(s, IRO_EPROTO, "truncated: map key");
	*key = s->buf + s->off;
	*keylen = (size_t)h.n;
	s->off += (size_t)h.n;
	return 0;
}

static int
scan_map(struct scan *s, uint64_t n, int depth)
{
	struct step keys[LIMIT_MAP_KEYS];
	size_t i, j;
	int rc;

	if (depth > LIMIT_DEPTH)
		return fail(s, IRO_ETOOBIG, "nested deeper than %d",
		    LIMIT_DEPTH);
	if (n > LIMIT_MAP_KEYS)
		return fail(s, IRO_ETOOBIG,
		    "map of %llu keys is over the limit of %d",
		    (unsigned long long)n, LIMIT_MAP_KEYS);
	/* Every entry takes at least two bytes: a key and a value. */
	if (n * 2 > s->len - s->off)
		return fail(s, IRO_EPROTO,
		    "truncated: map of %llu keys in %zu bytes",
		    (unsigned long long)n, s->len - s->off);
	for (i = 0; i < n; i++) {
		if ((rc = scan_key(s, &keys[i].key, &keys[i].keylen)) != 0)
			return rc;
		keys[i].index = 0;
		s->path[s->npath++] = keys[i];
		for (j = 0; j < i; j++) {
			if (keys[j].keylen == keys[i].keylen &&
			    memcmp(keys[j].key, keys[i].key,
			    keys[i].keylen) == 0)
				return fail(s, IRO_EPROTO, "duplicate key");
		}
		if ((rc = scan_obj(s, depth)) != 0)
			return rc;
		s->npath--;
	}
	return 0;
}

/* depth: how many containers enclose this object. */
static int
scan_obj(struct scan *s, int depth)
{
	struct head h;
	int rc;

	if ((rc = read_head(s, &h)) != 0)
		return rc;
	s->off += h.hlen;
	switch (h.kind) {
	case K_SCALAR:
		return 0;
	case K_STR:
	case K_BIN:
		if (h.n > LIMIT_STR_MAX)
			return fail(s, IRO_ETOOBIG,
			    "%s of %llu bytes is over the limit of %d",
			    h.kind == K_STR ? "string" : "binary",
			    (unsigned long long)h.n, LIMIT_STR_MAX);
		if (h.n > s->len - s->off)
			return fail(s, IRO_EPROTO,
			    "truncated: %s of %llu bytes in %zu bytes",
			    h.kind == K_STR ? "string" : "binary",
			    (unsigned long long)h.n, s->len - s->off);
		s->off += (size_t)h.n;
		return 0;
	case K_ARRAY:
		return scan_array(s, h.n, depth + 1);
	case K_MAP:
		return scan_map(s, h.n, depth + 1);
	}
	return fail(s, IRO_EPROTO, "malformed object");
}

int
wirescan_check(const uint8_t *buf, size_t len, char *why, size_t whylen)
{
	struct scan s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.buf = buf;
	s.len = len;
	s.why = why;
	s.whylen = whylen;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (buf == NULL || len == 0)
		return fail(&s, IRO_EPROTO, "empty message");
	if (len > LIMIT_BODY_MAX)
		return fail(&s, IRO_ETOOBIG,
		    "message of %zu bytes is over the limit of %u", len,
		    LIMIT_BODY_MAX);
	if ((rc = scan_obj(&s, 0)) != 0)
		return rc;
	if (s.off != len)
		return fail(&s, IRO_EPROTO,
		    "%zu unexpected bytes after the message", len - s.off);
	return 0;
}
