/*
 * schema.c - lookups in the one table of record types (schema_table.c)
 * and the checks every value passes on the device and again on the
 * server.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codes.h"
#include "date.h"
#include "iro_error.h"
#include "schema_int.h"
#include "why.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct schema_type *
schema_type_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < schema_ntypes; i++)
		if (strcmp(schema_types[i].name, name) == 0)
			return &schema_types[i];
	return NULL;
}

const struct schema_type *
schema_type_at(size_t i)
{
	return i < schema_ntypes ? &schema_types[i] : NULL;
}

const struct schema_field *
schema_field_find(const struct schema_type *t, const char *name)
{
	size_t i;

	if (t == NULL || name == NULL)
		return NULL;
	if (strcmp(name, CHANGE_FIELD_DELETED) == 0)
		return &t->deleted;
	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

static const struct {
	const char *name;
	enum schema_role role;
} roles[] = {
	{ "server", SCHEMA_ROLE_SERVER },
	{ "iro", SCHEMA_ROLE_IRO },
	{ "manager", SCHEMA_ROLE_MANAGER },
	{ "admin", SCHEMA_ROLE_ADMIN },
};

int
schema_role_parse(const char *s, enum schema_role *out)
{
	size_t i;

	for (i = 0; s != NULL && i < N(roles); i++) {
		if (strcmp(roles[i].name, s) == 0) {
			*out = roles[i].role;
			return 0;
		}
	}
	return IRO_EINVAL;
}

const char *
schema_role_name(enum schema_role r)
{
	size_t i;

	for (i = 0; i < N(roles); i++)
		if (roles[i].role == r)
			return roles[i].name;
	return "unknown";
}


/* What a user gave, fit to quote in a message: at most ~40 bytes, cut on
 * a character boundary, control characters shown as '?'. */
static void
quote(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t i = 0, o = 0, cut = len > 40 ? 40 : len;

	while (cut < len && cut > 0 &&
	    ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	for (i = 0; i < cut && o + 4 < buflen; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (cut < len && o + 4 < buflen) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* "'text'", "a number (5)", "true": what the value was, for messages. */
static void
describe_got(const struct value *v, char *buf, size_t buflen)
{
	char q[64];

	switch (v->type) {
	case VALUE_NIL:
		snprintf(buf, buflen, "nothing");
		return;
	case VALUE_BOOL:
		snprintf(buf, buflen, "%s", v->b ? "yes" : "no");
		return;
	case VALUE_INT:
		snprintf(buf, buflen, "%lld", (long long)v->i);
		return;
	case VALUE_STR:
		if (v->s == NULL) {
			snprintf(buf, buflen, "a malformed string");
			return;
		}
		quote(v->s, v->len, q, sizeof(q));
		snprintf(buf, buflen, "'%s'", q);
		return;
	}
	snprintf(buf, buflen, "an unknown value");
}

/* Comma-separated allowed values of an enum, for messages. */
static void
enum_list(const struct schema_field *f, char *buf, size_t buflen)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; f->values != NULL && f->values[i] != NULL; i++) {
		int w = snprintf(buf + o, buflen - o, "%s%s",
		    i > 0 ? ", " : "", f->values[i]);

		if (w < 0 || (size_t)w >= buflen - o)
			break;
		o += (size_t)w;
	}
}

/* The part of a message after "expected ": what f allows. */
static void
expected(const struct schema_field *f, char *buf, size_t buflen)
{
	char list[256];

	switch (f->kind) {
	case SCHEMA_STR:
		snprintf(buf, buflen, "one line of text");
		return;
	case SCHEMA_TEXT:
		snprintf(buf, buflen, "text");
		return;
	case SCHEMA_DATE:
		snprintf(buf, buflen, "a date YYYY-MM-DD");
		return;
	case SCHEMA_BOOL:
		snprintf(buf, buflen, "yes or no");
		return;
	case SCHEMA_INT:
		snprintf(buf, buflen, "a whole number from %lld to %lld",
		    f->min, f->max);
		return;
	case SCHEMA_ENUM:
		enum_list(f, list, sizeof(list));
		snprintf(buf, buflen, "one of %s", list);
		return;
	case SCHEMA_REF:
		snprintf(buf, buflen, "a %s record id (32 lowercase hex digits)",
		    f->ref_type != NULL ? f->ref_type : "record");
		return;
	case SCHEMA_CODE:
		snprintf(buf, buflen, "1 to %zu letters or digits", f->max_len);
		return;
	case SCHEMA_TIME:
		snprintf(buf, buflen, "a time HH:MM from 00:00 to 23:59");
		return;
	case SCHEMA_POSTCODE:
		snprintf(buf, buflen, "a UK postcode such as SW1A 1AA (or the "
		    "partial SW1A 1)");
		return;
	}
	snprintf(buf, buflen, "nothing");
}

static int
refuse(const struct schema_field *f, const char *got, char *why,
    size_t whylen)
{
	char want[320];

	expected(f, want, sizeof(want));
	return why_set(why, whylen, IRO_EINVAL, "field '%s': expected %s, got %s",
	    f->name, want, got);
}

static int
mismatch(const struct schema_field *f, const struct value *v, char *why,
    size_t whylen)
{
	char got[96];

	describe_got(v, got, sizeof(got));
	return refuse(f, got, why, whylen);
}

/* No C0 controls, DEL or C1 controls (U+0080..U+009F); TEXT also lets
 * newlines and tabs through. */
static bool
text_chars_ok(const char *s, size_t len, bool multiline)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\t') {
			if (!multiline)
				return false;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

static bool
ref_ok(const char *s, size_t len)
{
	size_t i;

	if (len != 2 * LIMIT_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool
code_ok(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len < 1 || len > max)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

static bool
time_ok(const char *s, size_t len)
{
	int h, m;

	if (len != 5 || s[2] != ':')
		return false;
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return false;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h <= 23 && m <= 59;
}

/* An outward code: A9, A99, A9A, AA9, AA99 or AA9A (upper case). */
static bool
outward_ok(const char *pc, size_t out)
{
	size_t i;

	if (out < 2 || !isalpha((unsigned char)pc[0]))
		return false;
	i = isalpha((unsigned char)pc[1]) ? 2 : 1;
	if (i >= out || !isdigit((unsigned char)pc[i]))
		return false;
	i++;
	if (i < out)
		i++;      /* a second digit, or a letter (A9A, AA9A) */
	return i == out;
}

/*
 * A UK postcode: outward code, an optional single space, then the inward
 * code 9AA (whose letters are never C, I, K, M, O or V); or GIR 0AA.  Also
 * the partial form SSDA903 returns carry, "OUTWARD 9" (the space then
 * required), so a council's extract loads unchanged.  Any case.
 */
static bool
postcode_ok(const char *s, size_t len)
{
	char pc[8];
	size_t i, n = 0;
	bool partial = len >= 4 && s[len - 2] == ' ';

	if (len < 4 || len > 8)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' && (i == len - 4 || (partial && i == len - 2)))
			continue;
		if (!isalnum(c) || c > 0x7f)
			return false;
		pc[n++] = (char)toupper(c);
	}
	pc[n] = '\0';
	if (partial)
		return isdigit((unsigned char)pc[n - 1]) &&
		    outward_ok(pc, n - 1);
	if (n < 5 || n > 7)
		return false;
	if (strcmp(pc, "GIR0AA") == 0)
		return true;
	if (!isdigit((unsigned char)pc[n - 3]) ||
	    strchr("ABDEFGHJLNPQRSTUWXYZ", pc[n - 2]) == NULL ||
	    strchr("ABDEFGHJLNPQRSTUWXYZ", pc[n - 1]) == NULL)
		return false;
	return outward_ok(pc, n - 3);
}

static bool
enum_ok(const struct schema_field *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; f->values != NULL && f->values[i] != NULL; i++)
		if (strlen(f->values[i]) == len &&
		    memcmp(f->values[i], s, len) == 0)
			return true;
	return false;
}

static int
check_string(const struct schema_field *f, const struct value *v,
    char *why, size_t whylen)
{
	if (!value_str_valid(v))
		return why_set(why, whylen, IRO_EINVAL,
		    "field '%s': not valid utf-8 text", f->name);
	switch (f->kind) {
	case SCHEMA_STR:
	case SCHEMA_TEXT:
		if (v->len > f->max_len)
			return why_set(why, whylen, IRO_EINVAL,
			    "field '%s': %zu bytes is over the limit of %zu",
			    f->name, v->len, f->max_len);
		if (!text_chars_ok(v->s, v->len, f->kind == SCHEMA_TEXT))
			return why_set(why, whylen, IRO_EINVAL,
			    "field '%s': control characters are not allowed%s",
			    f->name, f->kind == SCHEMA_TEXT ?
			    " (except newline and tab)" : "");
		return 0;
	case SCHEMA_DATE:
		return date_parse(v->s, v->len, NULL, NULL, NULL) == 0 ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_ENUM:
		return enum_ok(f, v->s, v->len) ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_REF:
		return ref_ok(v->s, v->len) ? 0 : mismatch(f, v, why, whylen);
	case SCHEMA_CODE:
		return code_ok(v->s, v->len, f->max_len) ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_TIME:
		return time_ok(v->s, v->len) ? 0 : mismatch(f, v, why, whylen);
	case SCHEMA_POSTCODE:
		return postcode_ok(v->s, v->len) ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_BOOL:
	case SCHEMA_INT:
		break;
	}
	return mismatch(f, v, why, whylen);
}

int
schema_check_value(const struct schema_field *f, const struct value *v,
    char *why, size_t whylen)
{
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (v->type == VALUE_NIL)
		return 0;
	switch (f->kind) {
	case SCHEMA_BOOL:
		return v->type == VALUE_BOOL ? 0 : mismatch(f, v, why, whylen);
	case SCHEMA_INT:
		if (v->type != VALUE_INT || v->i < f->min || v->i > f->max)
			return mismatch(f, v, why, whylen);
		return 0;
	case SCHEMA_STR:
	case SCHEMA_TEXT:
	case SCHEMA_DATE:
	case SCHEMA_ENUM:
	case SCHEMA_REF:
	case SCHEMA_CODE:
	case SCHEMA_TIME:
	case SCHEMA_POSTCODE:
		if (v->type != VALUE_STR)
			return mismatch(f, v, why, whylen);
		return check_string(f, v, why, whylen);
	}
	return why_set(why, whylen, IRO_EINVAL, "field '%s': unknown kind",
	    f->name);
}

int
schema_check_change(const struct change *c, enum schema_role role,
    char *why, size_t whylen)
{
	const struct schema_type *t;
	const struct schema_field *f;
	char name[LIMIT_NAME_MAX + 1];

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	/* The names are fixed-size arrays from the wire: bound them. */
	snprintf(name, sizeof(name), "%.*s", LIMIT_NAME_MAX, c->type);
	t = schema_type_find(name);
	if (t == NULL)
		return why_set(why, whylen, IRO_EINVAL,
		    "unknown record type '%s'", name);
	snprintf(name, sizeof(name), "%.*s", LIMIT_NAME_MAX, c->field);
	f = schema_field_find(t, name);
	if (f == NULL)
		return why_set(why, whylen, IRO_EINVAL, "unknown field '%s.%s'",
		    t->name, name);
	if ((f->writers & (unsigned)role) == 0)
		return why_set(why, whylen, IRO_EFORBIDDEN,
		    "role '%s' may not write %s.%s", schema_role_name(role),
		    t->name, f->name);
	return schema_check_value(f, &c->value, why, whylen);
}

static int
parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "yes", "y", "true", NULL };
	static const char *const no[] = { "no", "n", "false", NULL };
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return IRO_EINVAL;
}

static int
parse_int(const char *text, long long *out)
{
	char *end = NULL;
	long long v;

	/* strtoll would skip blanks and take a sign; a user's number is
	 * digits with an optional minus and nothing else. */
	if (!(text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
		return IRO_EINVAL;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0')
		return IRO_EINVAL;
	*out = v;
	return 0;
}

/* A message for text that did not parse, quoting it. */
static int
bad_text(const struct schema_field *f, const char *text, char *why,
    size_t whylen)
{
	char q[64], got[96];

	quote(text, strlen(text), q, sizeof(q));
	snprintf(got, sizeof(got), "'%s'", q);
	return refuse(f, got, why, whylen);
}

int
schema_parse_text(const struct schema_field *f, const char *text,
    struct value *out, char *why, size_t whylen)
{
	size_t len, i;
	long long n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (text == NULL)
		return 0;
	/* Bound the copy; the field's own limit is checked below with a
	 * message that says what the field takes. */
	len = strnlen(text, LIMIT_STR_MAX + 1);
	if (len > LIMIT_STR_MAX)
		return why_set(why, whylen, IRO_EINVAL,
		    "field '%s': text is over the limit of %zu bytes", f->name,
		    f->max_len > 0 && f->max_len < LIMIT_STR_MAX ? f->max_len :
		    (size_t)LIMIT_STR_MAX);
	switch (f->kind) {
	case SCHEMA_BOOL:
		out->type = VALUE_BOOL;
		if (parse_bool(text, &out->b) != 0)
			goto bad;
		return 0;
	case SCHEMA_INT:
		if (parse_int(text, &n) != 0)
			goto bad;
		out->type = VALUE_INT;
		out->i = n;
		break;
	default:
		rc = value_set_str(out, text, len);
		if (rc != 0)
			return rc == IRO_ENOMEM ? rc : bad_text(f, text, why,
			    whylen);
		/* Ids are shown in lowercase but may be typed either way. */
		if (f->kind == SCHEMA_REF)
			for (i = 0; i < len; i++)
				if (out->s[i] >= 'A' && out->s[i] <= 'F')
					out->s[i] = (char)(out->s[i] - 'A' + 'a');
		break;
	}
	rc = schema_check_value(f, out, why, whylen);
	if (rc != 0)
		value_clear(out);
	return rc;
bad:
	memset(out, 0, sizeof(*out));
	return bad_text(f, text, why, whylen);
}

/* A growing malloc'd string for schema_describe. */
struct buf {
	char *s;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int w;
	size_t need;
	char *p;

	if (b->err != 0)
		return;
	va_start(ap, fmt);
	w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (w < 0) {
		b->err = IRO_EINTERNAL;
		return;
	}
	need = b->len + (size_t)w + 1;
	if (need > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : 256;

		while (cap < need)
			cap *= 2;
		p = realloc(b->s, cap);
		if (p == NULL) {
			b->err = IRO_ENOMEM;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)w;
}

static void
describe_field(struct buf *b, const struct schema_type *t,
    const struct schema_field *f)
{
	char want[320];

	expected(f, want, sizeof(want));
	put(b, "  %-14s %s", f->name, want);
	if ((f->kind == SCHEMA_STR || f->kind == SCHEMA_TEXT) &&
	    f->max_len > 0)
		put(b, "; at most %zu bytes", f->max_len);
	if (f->required)
		put(b, "; required");
	if (f->dflt != NULL)
		put(b, "; default %s", f->dflt);
	if (f->frozen && t->freeze_field != NULL)
		put(b, "; fixed once %s is %s", t->freeze_field,
		    t->freeze_value);
	if (f->help != NULL)
		put(b, "\n  %-14s %s", "", f->help);
	put(b, "\n");
}

int
schema_describe(const struct schema_type *t, char **out)
{
	struct buf b = { 0 };
	size_t i;

	*out = NULL;
	put(&b, "%s fields:\n", t->name);
	for (i = 0; i < t->nfields; i++)
		describe_field(&b, t, &t->fields[i]);
	if (b.err != 0) {
		free(b.s);
		return b.err;
	}
	*out = b.s;
	return 0;
}
