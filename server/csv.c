/*
 * csv.c - RFC 4180 comma-separated values with hard limits (csv.h).
 *
 * A record's fields are collected into one growing text buffer, each
 * followed by a NUL; the pointers into it are made only when the record
 * is complete, since the buffer may move while it grows.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "iro_error.h"
#include "why.h"

struct csv_reader {
	const char *buf;
	size_t len, pos;
	size_t line;                    /* line at pos, from 1 */
	size_t records;
	bool stopped;                   /* a limit was hit: no more */
	struct csv_limits lim;
	char *text;                     /* field bytes, NUL after each */
	size_t tlen, tcap;
	size_t *offs;                   /* where each field starts */
	size_t *lens;
	const char **ptrs;
	size_t nf, fcap;
	size_t flen;                    /* bytes of the field being read */
	size_t err_line;                /* where an error is, if not at pos */
	struct csv_row row;
};

int
csv_open(const char *buf, size_t len, const struct csv_limits *lim,
    struct csv_reader **out)
{
	struct csv_reader *r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return IRO_ENOMEM;
	r->buf = buf;
	r->len = len;
	r->line = 1;
	r->lim = *lim;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;
	*out = r;
	return 0;
}

void
csv_close(struct csv_reader *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->offs);
	free(r->lens);
	free(r->ptrs);
	free(r);
}

static int
put_byte(struct csv_reader *r, char c)
{
	size_t ncap;
	char *p;

	if (r->tlen == r->tcap) {
		ncap = r->tcap == 0 ? 256 : r->tcap * 2;
		if (ncap < r->tcap || (p = realloc(r->text, ncap)) == NULL)
			return IRO_ENOMEM;
		r->text = p;
		r->tcap = ncap;
	}
	r->text[r->tlen++] = c;
	return 0;
}

/* Append one byte of field content, within max_field. */
static int
field_byte(struct csv_reader *r, char c, char *why, size_t whylen)
{
	if (r->flen >= r->lim.max_field)
		return why_set(why, whylen, IRO_ETOOBIG, "field %zu is longer "
		    "than %zu bytes", r->nf, r->lim.max_field);
	r->flen++;
	return put_byte(r, c);
}

static int
field_begin(struct csv_reader *r, char *why, size_t whylen)
{
	size_t ncap;
	void *a, *b, *c;

	if (r->nf >= r->lim.max_fields)
		return why_set(why, whylen, IRO_ETOOBIG, "more than %zu "
		    "fields", r->lim.max_fields);
	if (r->nf == r->fcap) {
		ncap = r->fcap == 0 ? 8 : r->fcap * 2;
		if (ncap > SIZE_MAX / sizeof(size_t))
			return IRO_ENOMEM;
		a = realloc(r->offs, ncap * sizeof(size_t));
		if (a != NULL)
			r->offs = a;
		b = realloc(r->lens, ncap * sizeof(size_t));
		if (b != NULL)
			r->lens = b;
		c = realloc(r->ptrs, ncap * sizeof(char *));
		if (c != NULL)
			r->ptrs = c;
		if (a == NULL || b == NULL || c == NULL)
			return IRO_ENOMEM;
		r->fcap = ncap;
	}
	r->offs[r->nf++] = r->tlen;
	r->flen = 0;
	return 0;
}

static int
field_end(struct csv_reader *r)
{
	r->lens[r->nf - 1] = r->flen;
	return put_byte(r, '\0');
}

/* What ends a field at pos: 1 another field follows, 0 the record ends,
 * or an error if something else is there. */
static int
field_sep(struct csv_reader *r, char *why, size_t whylen)
{
	char c;

	if (r->pos == r->len)
		return 0;
	c = r->buf[r->pos];
	if (c == ',') {
		r->pos++;
		return 1;
	}
	if (c == '\n') {
		r->pos++;
		r->line++;
		return 0;
	}
	if (c == '\r' && r->pos + 1 < r->len && r->buf[r->pos + 1] == '\n') {
		r->pos += 2;
		r->line++;
		return 0;
	}
	if (c == '\r')
		return why_set(why, whylen, IRO_EINVAL, "carriage return "
		    "without a line feed");
	return why_set(why, whylen, IRO_EINVAL, "unexpected character after "
	    "the closing quote of field %zu", r->nf);
}

static int
read_quoted(struct csv_reader *r, char *why, size_t whylen)
{
	size_t open_line = r->line;
	int rc;
	char c;

	r->pos++;
	for (;;) {
		if (r->pos == r->len) {
			r->err_line = open_line;
			return why_set(why, whylen, IRO_EINVAL, "quoted field "
			    "%zu is never closed", r->nf);
		}
		c = r->buf[r->pos];
		if (c == '"') {
			if (r->pos + 1 < r->len && r->buf[r->pos + 1] == '"') {
				r->pos++;
			} else {
				r->pos++;
				return 0;
			}
		} else if (c == '\0') {
			return why_set(why, whylen, IRO_EINVAL, "NUL byte in "
			    "field %zu", r->nf);
		} else if (c == '\n') {
			r->line++;
		}
		if ((rc = field_byte(r, c, why, whylen)) != 0)
			return rc;
		r->pos++;
	}
}

static int
read_plain(struct csv_reader *r, char *why, size_t whylen)
{
	int rc;
	char c;

	while (r->pos < r->len) {
		c = r->buf[r->pos];
		if (c == ',' || c == '\n' || c == '\r')
			return 0;
		if (c == '"')
			return why_set(why, whylen, IRO_EINVAL, "quote inside "
			    "unquoted field %zu", r->nf);
		if (c == '\0')
			return why_set(why, whylen, IRO_EINVAL, "NUL byte in "
			    "field %zu", r->nf);
		if ((rc = field_byte(r, c, why, whylen)) != 0)
			return rc;
		r->pos++;
	}
	return 0;
}

static int
read_record(struct csv_reader *r, char *why, size_t whylen)
{
	int rc, more;

	r->tlen = 0;
	r->nf = 0;
	do {
		if ((rc = field_begin(r, why, whylen)) != 0)
			return rc;
		if (r->pos < r->len && r->buf[r->pos] == '"')
			rc = read_quoted(r, why, whylen);
		else
			rc = read_plain(r, why, whylen);
		if (rc != 0 || (rc = field_end(r)) != 0)
			return rc;
		more = field_sep(r, why, whylen);
	} while (more == 1);
	return more;
}

/* After a malformed record: go on at the start of the next line. */
static void
skip_line(struct csv_reader *r)
{
	const char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);

	if (nl == NULL) {
		r->pos = r->len;
		return;
	}
	r->pos = (size_t)(nl - r->buf) + 1;
	r->line++;
}

static void
skip_blank_lines(struct csv_reader *r)
{
	while (r->pos < r->len) {
		if (r->buf[r->pos] == '\n')
			r->pos++;
		else if (r->buf[r->pos] == '\r' && r->pos + 1 < r->len &&
		    r->buf[r->pos + 1] == '\n')
			r->pos += 2;
		else
			return;
		r->line++;
	}
}

int
csv_next(struct csv_reader *r, const struct csv_row **row, size_t *line,
    char *why, size_t whylen)
{
	size_t i, start;
	int rc;

	*row = NULL;
	skip_blank_lines(r);
	*line = r->line;
	if (r->stopped || r->pos == r->len)
		return 0;
	if (r->records >= r->lim.max_records) {
		r->stopped = true;
		return why_set(why, whylen, IRO_ETOOBIG, "more than %zu "
		    "records", r->lim.max_records);
	}
	r->records++;
	start = r->line;
	r->err_line = 0;
	if ((rc = read_record(r, why, whylen)) != 0) {
		*line = r->err_line != 0 ? r->err_line : r->line;
		if (rc == IRO_EINVAL || rc == IRO_ETOOBIG)
			skip_line(r);
		else
			r->stopped = true;
		return rc;
	}
	for (i = 0; i < r->nf; i++)
		r->ptrs[i] = r->text + r->offs[i];
	r->row.line = start;
	r->row.nfields = r->nf;
	r->row.fields = r->ptrs;
	r->row.lens = r->lens;
	*row = &r->row;
	*line = start;
	return 0;
}
