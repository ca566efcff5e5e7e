/*
 * holidays_json.c - the GOV.UK bank-holidays.json scanner: a strict
 * recursive-descent check of the whole document (RFC 8259) that looks at
 * only three places in it.  The file comes from an administrator, so
 * every byte is input: each read is bounds-checked against len and
 * nesting is limited.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "holidays_json.h"
#include "iro_error.h"

#define SCAN_DEPTH_MAX 32
#define SCAN_KEY_MAX 32

struct scan {
	const unsigned char *s;
	size_t len, pos;
	int depth;
	char *why;
	size_t whylen;
	cal_event_fn fn;
	void *ctx;
	bool division, events;       /* seen: duplicates are refused */
	size_t nevents;
};

static int scan_fail(struct scan *sc, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
scan_fail(struct scan *sc, int rc, const char *fmt, ...)
{
	va_list ap;
	size_t i, line = 1;
	int w;

	if (sc->why == NULL || sc->whylen == 0)
		return rc;
	for (i = 0; i < sc->pos && i < sc->len; i++)
		line += sc->s[i] == '\n';
	w = snprintf(sc->why, sc->whylen, "line %zu: ", line);
	if (w >= 0 && (size_t)w < sc->whylen) {
		va_start(ap, fmt);
		vsnprintf(sc->why + w, sc->whylen - (size_t)w, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static void
scan_ws(struct scan *sc)
{
	while (sc->pos < sc->len && (sc->s[sc->pos] == ' ' ||
	    sc->s[sc->pos] == '\t' || sc->s[sc->pos] == '\n' ||
	    sc->s[sc->pos] == '\r'))
		sc->pos++;
}

/* The next byte after white space, or -1 at the end of the input. */
static int
scan_peek(struct scan *sc)
{
	scan_ws(sc);
	return sc->pos < sc->len ? sc->s[sc->pos] : -1;
}

static int
scan_expect(struct scan *sc, int c, const char *what)
{
	if (scan_peek(sc) != c)
		return scan_fail(sc, IRO_EINVAL, "expected %s", what);
	sc->pos++;
	return 0;
}

/* A decoded string: the first cap - 1 bytes kept, NUL-terminated; len
 * is the full decoded length, nul whether it held a U+0000. */
struct sbuf {
	char *buf;
	size_t cap, len;
	bool nul;
};

static void
sbuf_put(struct sbuf *b, unsigned c)
{
	if (b->buf != NULL && b->len + 1 < b->cap) {
		b->buf[b->len] = (char)c;
		b->buf[b->len + 1] = '\0';
	}
	b->nul |= c == 0;
	b->len++;
}

static void
sbuf_put_utf8(struct sbuf *b, uint32_t cp)
{
	if (cp < 0x80) {
		sbuf_put(b, cp);
	} else if (cp < 0x800) {
		sbuf_put(b, 0xc0 | (cp >> 6));
		sbuf_put(b, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		sbuf_put(b, 0xe0 | (cp >> 12));
		sbuf_put(b, 0x80 | ((cp >> 6) & 0x3f));
		sbuf_put(b, 0x80 | (cp & 0x3f));
	} else {
		sbuf_put(b, 0xf0 | (cp >> 18));
		sbuf_put(b, 0x80 | ((cp >> 12) & 0x3f));
		sbuf_put(b, 0x80 | ((cp >> 6) & 0x3f));
		sbuf_put(b, 0x80 | (cp & 0x3f));
	}
}

/* Four hex digits of a \u escape at sc->pos. */
static int
scan_hex4(struct scan *sc, uint32_t *out)
{
	int i;

	*out = 0;
	if (sc->len - sc->pos < 4)
		return scan_fail(sc, IRO_EINVAL, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned c = sc->s[sc->pos++];

		*out <<= 4;
		if (c >= '0' && c <= '9')
			*out |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*out |= (c | 0x20) - 'a' + 10;
		else
			return scan_fail(sc, IRO_EINVAL, "bad \\u escape");
	}
	return 0;
}

static int
scan_escape(struct scan *sc, struct sbuf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;
	uint32_t cp, lo;
	int rc;

	if (sc->pos >= sc->len)
		return scan_fail(sc, IRO_EINVAL, "unterminated string");
	if (sc->s[sc->pos] != 'u') {
		p = sc->s[sc->pos] != '\0' ? strchr(from, sc->s[sc->pos]) : NULL;
		if (p == NULL)
			return scan_fail(sc, IRO_EINVAL, "bad escape in a string");
		sc->pos++;
		sbuf_put(b, (unsigned char)to[p - from]);
		return 0;
	}
	sc->pos++;
	if ((rc = scan_hex4(sc, &cp)) != 0)
		return rc;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return scan_fail(sc, IRO_EINVAL, "lone surrogate in a string");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (sc->len - sc->pos < 2 || sc->s[sc->pos] != '\\' ||
		    sc->s[sc->pos + 1] != 'u')
			return scan_fail(sc, IRO_EINVAL,
			    "lone surrogate in a string");
		sc->pos += 2;
		if ((rc = scan_hex4(sc, &lo)) != 0)
			return rc;
		if (lo < 0xdc00 || lo > 0xdfff)
			return scan_fail(sc, IRO_EINVAL,
			    "lone surrogate in a string");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	sbuf_put_utf8(b, cp);
	return 0;
}

/* One well-formed UTF-8 sequence (RFC 3629) starting at sc->pos. */
static int
scan_utf8(struct scan *sc, struct sbuf *b)
{
	const unsigned char *s = sc->s + sc->pos;
	size_t left = sc->len - sc->pos, n, i;
	unsigned lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return scan_fail(sc, IRO_EINVAL, "invalid UTF-8");
	/* No overlong forms, surrogates or code points past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (left < n || s[1] < lo || s[1] > hi)
		return scan_fail(sc, IRO_EINVAL, "invalid UTF-8");
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return scan_fail(sc, IRO_EINVAL, "invalid UTF-8");
	for (i = 0; i < n; i++)
		sbuf_put(b, s[i]);
	sc->pos += n;
	return 0;
}

/* A string at the next non-space byte, decoded into b (b->buf may be
 * NULL to only check it). */
static int
scan_string(struct scan *sc, struct sbuf *b)
{
	int rc;

	if ((rc = scan_expect(sc, '"', "a string")) != 0)
		return rc;
	if (b->buf != NULL && b->cap > 0)
		b->buf[0] = '\0';
	for (;;) {
		unsigned c;

		if (sc->pos >= sc->len)
			return scan_fail(sc, IRO_EINVAL, "unterminated string");
		c = sc->s[sc->pos];
		if (c == '"') {
			sc->pos++;
			return 0;
		}
		if (c < 0x20)
			return scan_fail(sc, IRO_EINVAL,
			    "control character in a string");
		if (c == '\\') {
			sc->pos++;
			rc = scan_escape(sc, b);
		} else if (c >= 0x80) {
			rc = scan_utf8(sc, b);
		} else {
			sbuf_put(b, c);
			sc->pos++;
			rc = 0;
		}
		if (rc != 0)
			return rc;
	}
}

static size_t
scan_digits(struct scan *sc)
{
	size_t n = 0;

	while (sc->pos < sc->len && sc->s[sc->pos] >= '0' &&
	    sc->s[sc->pos] <= '9') {
		sc->pos++;
		n++;
	}
	return n;
}

static int
scan_number(struct scan *sc)
{
	if (sc->s[sc->pos] == '-')
		sc->pos++;
	if (sc->pos < sc->len && sc->s[sc->pos] == '0')
		sc->pos++;
	else if (scan_digits(sc) == 0)
		return scan_fail(sc, IRO_EINVAL, "bad number");
	if (sc->pos < sc->len && sc->s[sc->pos] == '.') {
		sc->pos++;
		if (scan_digits(sc) == 0)
			return scan_fail(sc, IRO_EINVAL, "bad number");
	}
	if (sc->pos < sc->len && (sc->s[sc->pos] | 0x20) == 'e') {
		sc->pos++;
		if (sc->pos < sc->len && (sc->s[sc->pos] == '+' ||
		    sc->s[sc->pos] == '-'))
			sc->pos++;
		if (scan_digits(sc) == 0)
			return scan_fail(sc, IRO_EINVAL, "bad number");
	}
	return 0;
}

static int
scan_literal(struct scan *sc)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if (sc->len - sc->pos >= n &&
		    memcmp(sc->s + sc->pos, words[i], n) == 0) {
			sc->pos += n;
			return 0;
		}
	}
	return scan_fail(sc, IRO_EINVAL, "expected a value");
}

typedef int (*scan_member_fn)(struct scan *sc, const char *key,
    size_t keylen, void *arg);
typedef int (*scan_elem_fn)(struct scan *sc, void *arg);

static int scan_value(struct scan *sc);

static int
scan_enter(struct scan *sc)
{
	if (sc->depth >= SCAN_DEPTH_MAX)
		return scan_fail(sc, IRO_EINVAL, "nested too deep");
	sc->depth++;
	return 0;
}

/* An object at the next non-space byte; member() consumes each value. */
static int
scan_object(struct scan *sc, scan_member_fn member, void *arg)
{
	char key[SCAN_KEY_MAX];
	struct sbuf kb = { key, sizeof(key), 0, false };
	int rc;

	if ((rc = scan_expect(sc, '{', "an object")) != 0 ||
	    (rc = scan_enter(sc)) != 0)
		return rc;
	if (scan_peek(sc) == '}') {
		sc->pos++;
		sc->depth--;
		return 0;
	}
	for (;;) {
		kb.len = 0;
		kb.nul = false;
		if ((rc = scan_string(sc, &kb)) != 0 ||
		    (rc = scan_expect(sc, ':', "':' after an object key")) != 0)
			return rc;
		/* A key too long for the buffer, or holding U+0000, matches
		 * nothing we look for. */
		rc = member(sc, key, kb.len < sizeof(key) && !kb.nul ?
		    kb.len : 0, arg);
		if (rc != 0)
			return rc;
		if (scan_peek(sc) == '}')
			break;
		if ((rc = scan_expect(sc, ',', "',' or '}' in an object")) != 0)
			return rc;
	}
	sc->pos++;
	sc->depth--;
	return 0;
}

static int
scan_array(struct scan *sc, scan_elem_fn elem, void *arg)
{
	int rc;

	if ((rc = scan_expect(sc, '[', "an array")) != 0 ||
	    (rc = scan_enter(sc)) != 0)
		return rc;
	if (scan_peek(sc) == ']') {
		sc->pos++;
		sc->depth--;
		return 0;
	}
	for (;;) {
		if ((rc = elem(sc, arg)) != 0)
			return rc;
		if (scan_peek(sc) == ']')
			break;
		if ((rc = scan_expect(sc, ',', "',' or ']' in an array")) != 0)
			return rc;
	}
	sc->pos++;
	sc->depth--;
	return 0;
}

static int
skip_member(struct scan *sc, const char *key, size_t keylen, void *arg)
{
	(void)key;
	(void)keylen;
	(void)arg;
	return scan_value(sc);
}

static int
skip_elem(struct scan *sc, void *arg)
{
	(void)arg;
	return scan_value(sc);
}

static int
scan_value(struct scan *sc)
{
	struct sbuf none = { NULL, 0, 0, false };
	int c = scan_peek(sc);

	if (c == '{')
		return scan_object(sc, skip_member, NULL);
	if (c == '[')
		return scan_array(sc, skip_elem, NULL);
	if (c == '"')
		return scan_string(sc, &none);
	if (c == '-' || (c >= '0' && c <= '9'))
		return scan_number(sc);
	if (c < 0)
		return scan_fail(sc, IRO_EINVAL, "unexpected end of input");
	return scan_literal(sc);
}

static bool
key_is(const char *key, size_t keylen, const char *want)
{
	return keylen == strlen(want) && memcmp(key, want, keylen) == 0;
}

struct scan_event {
	bool has_date, has_title;
	cal_day day;
	char title[CAL_TITLE_MAX + 1];
};

static int
event_member(struct scan *sc, const char *key, size_t keylen, void *arg)
{
	struct scan_event *ev = arg;
	char date[16];
	struct sbuf db = { date, sizeof(date), 0, false };
	struct sbuf tb = { ev->title, sizeof(ev->title), 0, false };
	int rc;

	if (key_is(key, keylen, "date")) {
		if (ev->has_date)
			return scan_fail(sc, IRO_EINVAL, "duplicate \"date\"");
		if ((rc = scan_string(sc, &db)) != 0)
			return rc;
		if (db.len >= sizeof(date) || db.nul ||
		    cal_parse(date, &ev->day) != 0)
			return scan_fail(sc, IRO_EINVAL, "bad date '%s': want "
			    "YYYY-MM-DD between %d and %d", date,
			    CAL_MIN_YEAR, CAL_MAX_YEAR);
		ev->has_date = true;
		return 0;
	}
	if (key_is(key, keylen, "title")) {
		if (ev->has_title)
			return scan_fail(sc, IRO_EINVAL, "duplicate \"title\"");
		if ((rc = scan_string(sc, &tb)) != 0)
			return rc;
		if (tb.len > CAL_TITLE_MAX || tb.nul)
			return scan_fail(sc, IRO_EINVAL, "title longer than %d "
			    "bytes or holding U+0000", CAL_TITLE_MAX);
		ev->has_title = true;
		return 0;
	}
	return scan_value(sc);
}

static int
event_elem(struct scan *sc, void *arg)
{
	struct scan_event ev;
	int rc;

	(void)arg;
	memset(&ev, 0, sizeof(ev));
	if (scan_peek(sc) != '{')
		return scan_fail(sc, IRO_EINVAL, "an event is not an object");
	if ((rc = scan_object(sc, event_member, &ev)) != 0)
		return rc;
	if (!ev.has_date)
		return scan_fail(sc, IRO_EINVAL, "an event has no \"date\"");
	if (++sc->nevents > CAL_HOLIDAYS_MAX)
		return scan_fail(sc, IRO_ETOOBIG, "more than %d events",
		    CAL_HOLIDAYS_MAX);
	return sc->fn != NULL ? sc->fn(sc->ctx, ev.day, ev.title) : 0;
}

static int
division_member(struct scan *sc, const char *key, size_t keylen, void *arg)
{
	(void)arg;
	if (!key_is(key, keylen, "events"))
		return scan_value(sc);
	if (sc->events)
		return scan_fail(sc, IRO_EINVAL, "duplicate \"events\"");
	sc->events = true;
	if (scan_peek(sc) != '[')
		return scan_fail(sc, IRO_EINVAL, "\"events\" is not an array");
	return scan_array(sc, event_elem, NULL);
}

static int
document_member(struct scan *sc, const char *key, size_t keylen, void *arg)
{
	int rc;

	(void)arg;
	if (!key_is(key, keylen, "england-and-wales"))
		return scan_value(sc);
	if (sc->division)
		return scan_fail(sc, IRO_EINVAL,
		    "duplicate \"england-and-wales\"");
	sc->division = true;
	if (scan_peek(sc) != '{')
		return scan_fail(sc, IRO_EINVAL,
		    "\"england-and-wales\" is not an object");
	if ((rc = scan_object(sc, division_member, NULL)) != 0)
		return rc;
	if (!sc->events)
		return scan_fail(sc, IRO_EINVAL,
		    "\"england-and-wales\" has no \"events\"");
	return 0;
}

int
holidays_json_scan(const char *json, size_t len, cal_event_fn fn,
    void *ctx, char *why, size_t whylen)
{
	struct scan sc;
	int rc;

	memset(&sc, 0, sizeof(sc));
	sc.s = (const unsigned char *)json;
	sc.len = len;
	sc.why = why;
	sc.whylen = whylen;
	sc.fn = fn;
	sc.ctx = ctx;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (json == NULL && len > 0)
		return scan_fail(&sc, IRO_EINVAL, "no document");
	if (len > CAL_JSON_MAX)
		return scan_fail(&sc, IRO_ETOOBIG, "larger than %u bytes",
		    CAL_JSON_MAX);
	/* A byte order mark, as some editors add, is let through. */
	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0)
		sc.pos = 3;
	if (scan_peek(&sc) != '{')
		return scan_fail(&sc, IRO_EINVAL, "not a JSON object");
	if ((rc = scan_object(&sc, document_member, NULL)) != 0)
		return rc;
	if (scan_peek(&sc) >= 0)
		return scan_fail(&sc, IRO_EINVAL, "data after the document");
	if (!sc.division)
		return scan_fail(&sc, IRO_EINVAL,
		    "no \"england-and-wales\" division");
	return 0;
}
