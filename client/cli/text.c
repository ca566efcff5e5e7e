/*
 * text.c - times, values and aligned tables for people.
 */
#include "text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_ROWS_MAX (1u << 24)

struct text_table {
	size_t ncols;
	size_t max_width;
	size_t nrows, cap;
	char **cells;            /* nrows * ncols, owned */
};

void
text_iso_time(int64_t ms, char out[TEXT_TIME_LEN])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || gmtime_r(&t, &tm) == NULL) {
		t = 0;
		(void)gmtime_r(&t, &tm);
	}
	if (strftime(out, TEXT_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, TEXT_TIME_LEN, "1970-01-01T00:00:00Z");
}

int
text_value(const struct iro_value *v, char **out)
{
	char buf[32];
	const char *s;

	*out = NULL;
	switch (v->type) {
	case IRO_V_BOOL:
		s = v->b ? "yes" : "no";
		break;
	case IRO_V_INT:
		snprintf(buf, sizeof buf, "%" PRId64, v->i);
		s = buf;
		break;
	case IRO_V_STR:
		s = v->s ? v->s : "";
		break;
	default:
		s = "-";
		break;
	}
	*out = strdup(s);
	return *out ? 0 : IRO_ENOMEM;
}

/* Characters (not bytes) in a UTF-8 string. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* A copy of s with control characters as spaces, cut to max characters
 * (0: no limit) with "..." marking the cut. */
static char *
clean(const char *s, size_t max)
{
	size_t len = strlen(s), i, chars = 0, cut = len;
	char *out;

	if (max > 3 && width(s) > max) {
		for (i = 0; i < len; i++) {
			if (((unsigned char)s[i] & 0xC0) != 0x80 &&
			    ++chars > max - 3) {
				cut = i;
				break;
			}
		}
	}
	out = malloc(cut + 4);
	if (out == NULL)
		return NULL;
	for (i = 0; i < cut; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' :
		    s[i];
	if (cut < len)
		memcpy(out + cut, "...", 3), cut += 3;
	out[cut] = '\0';
	return out;
}

int
text_table_new(size_t ncols, size_t max_width, struct text_table **out)
{
	struct text_table *t;

	*out = NULL;
	if (ncols == 0)
		return IRO_EINVAL;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return IRO_ENOMEM;
	t->ncols = ncols;
	t->max_width = max_width;
	*out = t;
	return 0;
}

static int
grow(struct text_table *t)
{
	size_t cap;
	char **cells;

	if (t->nrows < t->cap)
		return 0;
	if (t->cap >= TEXT_ROWS_MAX)
		return IRO_ETOOBIG;
	cap = t->cap ? t->cap * 2 : 16;
	cells = realloc(t->cells, cap * t->ncols * sizeof *cells);
	if (cells == NULL)
		return IRO_ENOMEM;
	t->cells = cells;
	t->cap = cap;
	return 0;
}

int
text_table_add(struct text_table *t, const char *const *cells)
{
	char **row;
	size_t i;
	int rc;

	if ((rc = grow(t)) != 0)
		return rc;
	row = t->cells + t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		row[i] = clean(cells[i] ? cells[i] : "", t->max_width);
		if (row[i] == NULL) {
			while (i-- > 0)
				free(row[i]);
			return IRO_ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

int
text_table_print(const struct text_table *t, FILE *f)
{
	size_t *w, r, i, cw;
	const char *cell;
	int rc = 0;

	w = calloc(t->ncols, sizeof *w);
	if (w == NULL)
		return IRO_ENOMEM;
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			cw = width(t->cells[r * t->ncols + i]);
			if (cw > w[i])
				w[i] = cw;
		}
	for (r = 0; r < t->nrows && rc == 0; r++) {
		for (i = 0; i < t->ncols; i++) {
			cell = t->cells[r * t->ncols + i];
			fputs(cell, f);
			if (i + 1 < t->ncols)
				fprintf(f, "%*s", (int)(w[i] - width(cell) + 2),
				    "");
		}
		if (fputc('\n', f) == EOF)
			rc = IRO_EIO;
	}
	free(w);
	return rc;
}

void
text_table_free(struct text_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void
text_days_left(int due, int overdue, int left, char *buf, size_t len)
{
	if (!due)
		snprintf(buf, len, "-");
	else if (overdue && left < 0)
		snprintf(buf, len, "overdue %d", -left);
	else if (overdue)
		snprintf(buf, len, "overdue");
	else
		snprintf(buf, len, "%d", left);
}
