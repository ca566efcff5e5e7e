/*
 * sdesc.c - iro_schema_describe()'s text taken apart into fields.
 */
#include "sdesc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irosync.h"

#define ENUM_PREFIX "one of "

static char *
dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Append the continuation line [s, s+n) to f's help. */
static int
add_help(struct sdesc_field *f, const char *s, size_t n)
{
	size_t old = strlen(f->help);
	char *h = realloc(f->help, old + n + 2);

	if (h == NULL)
		return IRO_ENOMEM;
	if (old > 0)
		h[old++] = ' ';
	memcpy(h + old, s, n);
	h[old + n] = '\0';
	f->help = h;
	return 0;
}

/* A field line: two spaces, the name, spaces, what is allowed. */
static int
add_field(struct sdesc *d, const char *s, size_t n)
{
	struct sdesc_field *f;
	size_t name = 0, gap;

	while (name < n && s[name] != ' ')
		name++;
	gap = name;
	while (gap < n && s[gap] == ' ')
		gap++;
	if (name == 0 || gap == n)
		return IRO_EPROTO;
	if (d->n == SDESC_FIELDS_MAX)
		return IRO_ETOOBIG;
	if (d->f == NULL && (d->f = calloc(SDESC_FIELDS_MAX,
	    sizeof *d->f)) == NULL)
		return IRO_ENOMEM;
	f = &d->f[d->n++];
	f->name = dupn(s, name);
	f->what = dupn(s + gap, n - gap);
	f->help = dupn("", 0);
	return f->name && f->what && f->help ? 0 : IRO_ENOMEM;
}

static int
parse(struct sdesc *d, const char *text)
{
	const char *line = strchr(text, '\n'), *end;
	size_t n, lead;
	int rc = 0;

	/* The first line is the title, "TYPE fields:". */
	if (line == NULL)
		return IRO_EPROTO;
	for (line++; *line != '\0' && rc == 0; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		n = (size_t)(end - line);
		lead = strspn(line, " ");
		if (lead >= n)
			continue;
		if (lead == 2)
			rc = add_field(d, line + 2, n - 2);
		else if (lead > 2 && d->n > 0)
			rc = add_help(&d->f[d->n - 1], line + lead, n - lead);
		else
			rc = IRO_EPROTO;
	}
	return rc;
}

int
sdesc_load(const char *type, struct sdesc *out)
{
	char *text = NULL;
	int rc;

	out->f = NULL;
	out->n = 0;
	if ((rc = iro_schema_describe(type, &text)) != 0)
		return rc;
	rc = parse(out, text);
	free(text);
	if (rc != 0)
		sdesc_free(out);
	return rc;
}

void
sdesc_free(struct sdesc *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->f[i].name);
		free(d->f[i].what);
		free(d->f[i].help);
	}
	free(d->f);
	d->f = NULL;
	d->n = 0;
}

const struct sdesc_field *
sdesc_find(const struct sdesc *d, const char *name)
{
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++)
		if (strcmp(d->f[i].name, name) == 0)
			return &d->f[i];
	return NULL;
}

/* The enumeration's list: after "one of ", up to ';' or the end. */
static int
enum_list(const struct sdesc_field *f, const char **s, size_t *n)
{
	size_t plen = strlen(ENUM_PREFIX);

	if (strncmp(f->what, ENUM_PREFIX, plen) != 0)
		return IRO_EINVAL;
	*s = f->what + plen;
	*n = strcspn(*s, ";");
	return 0;
}

void
sdesc_values_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
sdesc_values(const struct sdesc_field *f, char ***out, size_t *n)
{
	const char *s, *comma;
	size_t len, k = 0, w;
	char **v;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = enum_list(f, &s, &len)) != 0)
		return rc;
	if ((v = calloc(SDESC_VALUES_MAX + 1, sizeof *v)) == NULL)
		return IRO_ENOMEM;
	while (len > 0) {
		comma = memchr(s, ',', len);
		w = comma ? (size_t)(comma - s) : len;
		if (k == SDESC_VALUES_MAX) {
			sdesc_values_free(v);
			return IRO_ETOOBIG;
		}
		if ((v[k++] = dupn(s, w)) == NULL) {
			sdesc_values_free(v);
			return IRO_ENOMEM;
		}
		if (comma == NULL)
			break;
		len -= w + 1;
		s += w + 1;
		while (len > 0 && *s == ' ') {
			s++;
			len--;
		}
	}
	*out = v;
	*n = k;
	return 0;
}

/* "a review record id ..." gives "REVIEW". */
static int
ref_metavar(const char *what, char *buf, size_t len)
{
	const char *end = strstr(what, " record id");
	size_t i, n;

	if (strncmp(what, "a ", 2) != 0 || end == NULL || end <= what + 2)
		return 0;
	n = (size_t)(end - (what + 2));
	if (n + 1 > len)
		n = len - 1;
	for (i = 0; i < n; i++) {
		char ch = what[2 + i];

		buf[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') :
		    ch == ' ' ? '_' : ch;
	}
	buf[n] = '\0';
	return 1;
}

void
sdesc_metavar(const struct sdesc_field *f, char *buf, size_t len)
{
	const char *s, *what = f->what;
	size_t n, i, o = 0;

	if (len == 0)
		return;
	if (enum_list(f, &s, &n) == 0) {
		for (i = 0; i < n && o + 1 < len; i++) {
			if (s[i] == ' ' && i > 0 && s[i - 1] == ',')
				continue;
			buf[o++] = s[i] == ',' ? '|' : s[i];
		}
		buf[o] = '\0';
		return;
	}
	if (strncmp(what, "yes or no", 9) == 0)
		s = "yes|no";
	else if (strncmp(what, "a date", 6) == 0)
		s = "YYYY-MM-DD";
	else if (strncmp(what, "a time", 6) == 0)
		s = "HH:MM";
	else if (strstr(what, "postcode") != NULL)
		s = "POSTCODE";
	else if (strncmp(what, "a whole number", 14) == 0)
		s = "N";
	else if (ref_metavar(what, buf, len))
		return;
	else
		s = "TEXT";
	snprintf(buf, len, "%s", s);
}
