/*
 * change.c - the field-level change: stamps, typed values, structural
 * checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "iro_error.h"

int
stamp_cmp(const struct stamp *a, const struct stamp *b)
{
	if (a->wall_ms != b->wall_ms)
		return a->wall_ms < b->wall_ms ? -1 : 1;
	if (a->counter != b->counter)
		return a->counter < b->counter ? -1 : 1;
	return memcmp(a->device, b->device, LIMIT_ID_LEN);
}

int
value_set_str(struct value *v, const char *s, size_t len)
{
	char *copy;

	if (len > LIMIT_STR_MAX) {
		value_clear(v);
		return IRO_ETOOBIG;
	}
	if (s == NULL && len > 0) {
		value_clear(v);
		return IRO_EINVAL;
	}
	/* Copy before clearing so that s may point into v itself. */
	copy = malloc(len + 1);
	if (copy == NULL) {
		value_clear(v);
		return IRO_ENOMEM;
	}
	if (len > 0)
		memcpy(copy, s, len);
	copy[len] = '\0';
	value_clear(v);
	v->type = VALUE_STR;
	v->s = copy;
	v->len = len;
	return 0;
}

int
value_copy(struct value *dst, const struct value *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->type != VALUE_STR) {
		*dst = *src;
		dst->s = NULL;
		dst->len = 0;
		return 0;
	}
	return value_set_str(dst, src->s, src->len);
}

bool
value_equal(const struct value *a, const struct value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case VALUE_NIL:
		return true;
	case VALUE_BOOL:
		return a->b == b->b;
	case VALUE_INT:
		return a->i == b->i;
	case VALUE_STR:
		return a->len == b->len &&
		    (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
	}
	return false;
}

void
value_clear(struct value *v)
{
	if (v == NULL)
		return;
	if (v->type == VALUE_STR)
		free(v->s);
	memset(v, 0, sizeof(*v));
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, <= U+10FFFF. */
bool
value_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	unsigned long cp;

	while (i < len) {
		unsigned char c = p[i];

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i - 1 < n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

bool
value_str_valid(const struct value *v)
{
	return v->type == VALUE_STR && v->s != NULL &&
	    v->len <= LIMIT_STR_MAX && v->s[v->len] == '\0' &&
	    value_utf8_valid(v->s, v->len);
}

void
change_init(struct change *c)
{
	memset(c, 0, sizeof(*c));
}

void
change_clear(struct change *c)
{
	if (c == NULL)
		return;
	value_clear(&c->value);
	free(c->sup);
	memset(c, 0, sizeof(*c));
}

int
change_copy(struct change *dst, const struct change *src)
{
	int rc;

	*dst = *src;
	dst->sup = NULL;
	memset(&dst->value, 0, sizeof(dst->value));
	rc = value_copy(&dst->value, &src->value);
	if (rc != 0)
		goto fail;
	if (src->nsup == 0)
		return 0;
	if (src->nsup > LIMIT_SUPERSEDES) {
		rc = IRO_ETOOBIG;
		goto fail;
	}
	if (src->sup == NULL) {
		rc = IRO_EINVAL;
		goto fail;
	}
	dst->sup = malloc(src->nsup * sizeof(*dst->sup));
	if (dst->sup == NULL) {
		rc = IRO_ENOMEM;
		goto fail;
	}
	memcpy(dst->sup, src->sup, src->nsup * sizeof(*dst->sup));
	return 0;
fail:
	change_clear(dst);
	return rc;
}

void
change_free_array(struct change *a, size_t n)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < n; i++)
		change_clear(&a[i]);
	free(a);
}

static int reject(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
reject(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return IRO_EINVAL;
}

/* A name is [a-z_][a-z0-9_]* within LIMIT_NAME_MAX, NUL inside buf. */
static bool
name_ok(const char *buf)
{
	size_t i;

	for (i = 0; i <= LIMIT_NAME_MAX; i++) {
		char c = buf[i];

		if (c == '\0')
			return i > 0;
		if (!(c == '_' || (c >= 'a' && c <= 'z') ||
		    (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	return false;
}

static bool
author_ok(const char *buf)
{
	size_t i;

	for (i = 0; i <= LIMIT_USER_MAX; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\0')
			return i > 0;
		if (c < 0x20 || c > 0x7e)
			return false;
	}
	return false;
}

static int
check_value(const struct value *v, char *why, size_t whylen)
{
	switch (v->type) {
	case VALUE_NIL:
	case VALUE_BOOL:
	case VALUE_INT:
		return 0;
	case VALUE_STR:
		if (v->s == NULL || v->s[v->len] != '\0')
			return reject(why, whylen, "malformed string value");
		if (v->len > LIMIT_STR_MAX)
			return reject(why, whylen,
			    "string value of %zu bytes is over the limit of %d",
			    v->len, LIMIT_STR_MAX);
		if (!value_utf8_valid(v->s, v->len))
			return reject(why, whylen,
			    "string value is not valid utf-8 or contains nul");
		return 0;
	}
	return reject(why, whylen, "unknown value type %d", (int)v->type);
}

int
change_check(const struct change *c, char *why, size_t whylen)
{
	size_t i;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (!name_ok(c->type))
		return reject(why, whylen, "record type is not a valid name");
	if (!name_ok(c->field))
		return reject(why, whylen, "field name is not a valid name");
	if (c->seq < 1)
		return reject(why, whylen, "change sequence number must be 1 or more");
	if (!author_ok(c->author))
		return reject(why, whylen,
		    "author must be 1 to %d printable characters", LIMIT_USER_MAX);
	if (c->has_base && stamp_cmp(&c->ts, &c->base) <= 0)
		return reject(why, whylen, "change stamp is not after its base");
	if (c->nsup > LIMIT_SUPERSEDES)
		return reject(why, whylen,
		    "change supersedes %zu stamps, over the limit of %d",
		    c->nsup, LIMIT_SUPERSEDES);
	if ((c->nsup > 0) != (c->sup != NULL))
		return reject(why, whylen, "malformed supersedes list");
	for (i = 0; i < c->nsup; i++)
		if (stamp_cmp(&c->sup[i], &c->ts) >= 0)
			return reject(why, whylen,
			    "superseded stamp %zu is not before the change", i);
	return check_value(&c->value, why, whylen);
}

bool
change_same_id(const struct change *a, const struct change *b)
{
	return a->seq == b->seq &&
	    memcmp(a->ts.device, b->ts.device, LIMIT_ID_LEN) == 0;
}

static bool
str_field_equal(const char *a, const char *b, size_t cap)
{
	return strncmp(a, b, cap) == 0;
}

bool
change_same_content(const struct change *a, const struct change *b)
{
	size_t i;

	if (a->seq != b->seq || stamp_cmp(&a->ts, &b->ts) != 0)
		return false;
	if (!str_field_equal(a->type, b->type, sizeof(a->type)) ||
	    !str_field_equal(a->field, b->field, sizeof(a->field)) ||
	    !str_field_equal(a->author, b->author, sizeof(a->author)))
		return false;
	if (memcmp(a->record, b->record, LIMIT_ID_LEN) != 0)
		return false;
	if (!value_equal(&a->value, &b->value))
		return false;
	if (a->has_base != b->has_base ||
	    (a->has_base && stamp_cmp(&a->base, &b->base) != 0))
		return false;
	if (a->nsup != b->nsup)
		return false;
	for (i = 0; i < a->nsup; i++)
		if (stamp_cmp(&a->sup[i], &b->sup[i]) != 0)
			return false;
	return true;
}
