/*
 * export.c - the council's data out as CSV (export.h).
 *
 * Each export reads the records it needs, turns each one that qualifies
 * into a row (its sort keys and its CSV line), sorts the rows and writes
 * them after the header.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "hex.h"
#include "iro_error.h"
#include "why.h"

#define NCELLS_MAX 10
#define NSOURCES_MAX 3                  /* records one row is made of */

struct row {
	char child[64];
	cal_day date;
	char tie[96];
	char *line;                     /* owned */
	uint8_t src[NSOURCES_MAX][LIMIT_ID_LEN];
	size_t nsrc;
};

struct rows {
	struct row *a;
	size_t n, cap;
};

/* The records one export reads, each list by id (store order). */
struct data {
	struct store_record *children, *reviews, *items;
	size_t nchildren, nreviews, nitems;
};

static const char *const headers[][NCELLS_MAX + 1] = {
	[EXPORT_REVIEWS] = { "CHILD", "DOB", "REVIEW", "REVIEW_CODE", NULL },
	[EXPORT_VISITS] = { "CHILD", "DATE", "TIME", "PURPOSE", "MODE",
	    "LOCATION", "CHILD_SEEN", "SEEN_ALONE", "SAFEGUARDING", "IRO",
	    NULL },
	[EXPORT_DECISIONS] = { "CHILD", "REVIEW_DATE", "TEXT", "RESPONSIBLE",
	    "DUE", "STATUS", "CARRIED", NULL },
};

int
export_kind_parse(const char *s, enum export_kind *out)
{
	static const char *const names[] = { "reviews", "visits",
	    "decisions" };
	size_t i;

	for (i = 0; s != NULL && i < 3; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum export_kind)i;
			return 0;
		}
	}
	return IRO_EINVAL;
}

static bool
needs_quotes(const char *s)
{
	size_t len = strlen(s);

	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

int
export_csv_line(const char *const *fields, size_t n, char **out)
{
	size_t i, len = 1, o = 0;
	const char *s;
	char *p;

	*out = NULL;
	/* Worst case: every byte a doubled quote, plus quotes and comma. */
	for (i = 0; i < n; i++) {
		s = fields[i] != NULL ? fields[i] : "";
		if (strlen(s) > (SIZE_MAX - len) / 2 - 3)
			return IRO_ENOMEM;
		len += 2 * strlen(s) + 3;
	}
	if ((p = malloc(len)) == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < n; i++) {
		s = fields[i] != NULL ? fields[i] : "";
		if (i > 0)
			p[o++] = ',';
		if (!needs_quotes(s)) {
			memcpy(p + o, s, strlen(s));
			o += strlen(s);
			continue;
		}
		p[o++] = '"';
		for (; *s != '\0'; s++) {
			if (*s == '"')
				p[o++] = '"';
			p[o++] = *s;
		}
		p[o++] = '"';
	}
	p[o++] = '\n';
	p[o] = '\0';
	*out = p;
	return 0;
}

static const struct store_field *
field(const struct store_record *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}

/* The string value of field name, or NULL. */
static const char *
str(const struct store_record *r, const char *name)
{
	const struct store_field *f = field(r, name);

	return f != NULL && f->value.type == VALUE_STR ? f->value.s : NULL;
}

/* "yes", "no" or NULL. */
static const char *
yesno(const struct store_record *r, const char *name)
{
	const struct store_field *f = field(r, name);

	if (f == NULL || f->value.type != VALUE_BOOL)
		return NULL;
	return f->value.b ? "yes" : "no";
}

/* A date field as dd/mm/yyyy into buf[11] ("" if absent); *day gets it
 * (CAL_DAY_MIN - 1 when absent or bad). */
static const char *
uk_date(const struct store_record *r, const char *name, char buf[11],
    cal_day *day)
{
	const char *s = str(r, name);
	cal_day d = CAL_DAY_MIN - 1;

	buf[0] = '\0';
	if (s != NULL && cal_parse(s, &d) == 0)
		cal_format_uk(d, buf);
	else
		d = CAL_DAY_MIN - 1;
	if (day != NULL)
		*day = d;
	return buf;
}

static int
cmp_record(const void *a, const void *b)
{
	return memcmp(((const struct store_record *)a)->id,
	    ((const struct store_record *)b)->id, LIMIT_ID_LEN);
}

/* The live record of list[0..n) (sorted by id) that ref (hex) names. */
static const struct store_record *
by_ref(const struct store_record *list, size_t n, const char *ref)
{
	struct store_record key;
	const struct store_record *r;

	if (ref == NULL || n == 0 ||
	    hex_decode(ref, key.id, LIMIT_ID_LEN) != 0)
		return NULL;
	r = bsearch(&key, list, n, sizeof(*list), cmp_record);
	return r != NULL && !r->deleted ? r : NULL;
}

static void warn(const struct export_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(const struct export_opts *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (o->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->warn(o->warn_ctx, msg);
}

/* Add a row of cells[0..n), made of the records src[0..nsrc). */
static int
add_row(struct rows *rs, const char *child, cal_day date, const char *tie,
    const char *const *cells, size_t n,
    const struct store_record *const *src, size_t nsrc)
{
	struct row *r;
	size_t i;
	void *p;
	int rc;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap == 0 ? 64 : rs->cap * 2;
		if ((p = realloc(rs->a, rs->cap * sizeof(*rs->a))) == NULL)
			return IRO_ENOMEM;
		rs->a = p;
	}
	r = &rs->a[rs->n];
	snprintf(r->child, sizeof(r->child), "%s", child);
	r->date = date;
	snprintf(r->tie, sizeof(r->tie), "%s", tie);
	for (r->nsrc = 0, i = 0; i < nsrc && i < NSOURCES_MAX; i++)
		memcpy(r->src[r->nsrc++], src[i]->id, LIMIT_ID_LEN);
	if ((rc = export_csv_line(cells, n, &r->line)) != 0)
		return rc;
	rs->n++;
	return 0;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->child, y->child);

	if (c != 0)
		return c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(x->tie, y->tie);
}

static bool
in_range(const struct export_opts *o, cal_day d)
{
	return d >= o->from && d <= o->to;
}

static int
review_rows(const struct export_opts *o, const struct data *d,
    struct rows *rs)
{
	const struct store_record *r, *ch, *src[2];
	char id[2 * LIMIT_ID_LEN + 1], dob[11], date[11];
	const char *status, *code, *cells[4];
	cal_day day;
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nitems && rc == 0; i++) {
		r = &d->items[i];
		status = str(r, "status");
		uk_date(r, "meeting_date", date, &day);
		if (r->deleted || status == NULL || !in_range(o, day) ||
		    (strcmp(status, "held") != 0 &&
		    strcmp(status, "completed") != 0))
			continue;
		hex_encode(r->id, LIMIT_ID_LEN, id);
		ch = by_ref(d->children, d->nchildren, str(r, "child"));
		code = str(r, "participation");
		if (ch == NULL || str(ch, "child_id") == NULL) {
			warn(o, "review %s on %s: its child is missing, left "
			    "out", id, date);
			continue;
		}
		if (code == NULL) {
			warn(o, "review %s of child '%s' on %s has no "
			    "participation code, left out", id,
			    str(ch, "child_id"), date);
			continue;
		}
		cells[0] = str(ch, "child_id");
		cells[1] = uk_date(ch, "dob", dob, NULL);
		cells[2] = date;
		cells[3] = code;
		src[0] = r;
		src[1] = ch;
		rc = add_row(rs, cells[0], day, id, cells, 4, src, 2);
	}
	return rc;
}

/* The user who recorded record r: the author of its first change. */
static int
recorded_by(struct store *st, const struct store_record *r, char *out,
    size_t len)
{
	struct change *c = NULL;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	if ((rc = store_record_changes(st, r->id, &c, &n)) != 0)
		return rc;
	if (n > 0)
		snprintf(out, len, "%s", c[0].author);
	change_free_array(c, n);
	return 0;
}

static int
visit_rows(struct store *st, const struct export_opts *o,
    const struct data *d, struct rows *rs)
{
	const struct store_record *r, *ch, *src[2];
	char id[2 * LIMIT_ID_LEN + 1], date[11], tie[96];
	char who[LIMIT_USER_MAX + 1];
	const char *cells[10], *time;
	cal_day day;
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nitems && rc == 0; i++) {
		r = &d->items[i];
		uk_date(r, "date", date, &day);
		if (r->deleted || !in_range(o, day))
			continue;
		hex_encode(r->id, LIMIT_ID_LEN, id);
		ch = by_ref(d->children, d->nchildren, str(r, "child"));
		if (ch == NULL || str(ch, "child_id") == NULL) {
			warn(o, "visit %s on %s: its child is missing, left "
			    "out", id, date);
			continue;
		}
		if ((rc = recorded_by(st, r, who, sizeof(who))) != 0)
			break;
		time = str(r, "time");
		cells[0] = str(ch, "child_id");
		cells[1] = date;
		cells[2] = time;
		cells[3] = str(r, "purpose");
		cells[4] = str(r, "mode");
		cells[5] = str(r, "location");
		cells[6] = yesno(r, "child_seen");
		cells[7] = yesno(r, "seen_alone");
		cells[8] = yesno(r, "safeguarding");
		cells[9] = who;
		snprintf(tie, sizeof(tie), "%s %s", time != NULL ? time : "",
		    id);
		src[0] = r;
		src[1] = ch;
		rc = add_row(rs, cells[0], day, tie, cells, 10, src, 2);
	}
	return rc;
}

static int
decision_rows(const struct export_opts *o, const struct data *d,
    struct rows *rs)
{
	const struct store_record *r, *ch, *rv, *src[3];
	char id[2 * LIMIT_ID_LEN + 1], rdate[11], due[11], tie[96];
	char carried[24];
	const struct store_field *f;
	const char *cells[7];
	cal_day day, dday;
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nitems && rc == 0; i++) {
		r = &d->items[i];
		if (r->deleted)
			continue;
		hex_encode(r->id, LIMIT_ID_LEN, id);
		rv = by_ref(d->reviews, d->nreviews, str(r, "review"));
		if (rv == NULL)
			continue;
		uk_date(rv, "meeting_date", rdate, &day);
		if (!in_range(o, day))
			continue;
		ch = by_ref(d->children, d->nchildren, str(r, "child"));
		if (ch == NULL || str(ch, "child_id") == NULL) {
			warn(o, "decision %s of the review on %s: its child is "
			    "missing, left out", id, rdate);
			continue;
		}
		carried[0] = '\0';
		if ((f = field(r, "carried")) != NULL &&
		    f->value.type == VALUE_INT)
			snprintf(carried, sizeof(carried), "%lld",
			    (long long)f->value.i);
		cells[0] = str(ch, "child_id");
		cells[1] = rdate;
		cells[2] = str(r, "text");
		cells[3] = str(r, "responsible");
		cells[4] = uk_date(r, "due", due, &dday);
		cells[5] = str(r, "status");
		cells[6] = carried;
		snprintf(tie, sizeof(tie), "%011ld %s", (long)dday - CAL_DAY_MIN,
		    id);
		src[0] = r;
		src[1] = ch;
		src[2] = rv;
		rc = add_row(rs, cells[0], day, tie, cells, 7, src, 3);
	}
	return rc;
}

static int
load(struct store *st, enum export_kind kind, struct data *d)
{
	static const char *const types[] = { "review", "visit", "decision" };
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = store_record_list(st, "child", &d->children,
	    &d->nchildren)) != 0 ||
	    (kind == EXPORT_DECISIONS && (rc = store_record_list(st, "review",
	    &d->reviews, &d->nreviews)) != 0) ||
	    (rc = store_record_list(st, types[kind], &d->items,
	    &d->nitems)) != 0)
		return rc;
	/* The store lists by type then id; sort anyway, since by_ref
	 * depends on it. */
	if (d->nchildren > 0)
		qsort(d->children, d->nchildren, sizeof(*d->children),
		    cmp_record);
	if (d->nreviews > 0)
		qsort(d->reviews, d->nreviews, sizeof(*d->reviews),
		    cmp_record);
	return 0;
}

/* Run the audit hook with every record the rows are made of. */
static int
audit_rows(struct store *st, const struct export_opts *o,
    const struct rows *rs)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	size_t i, j, n = 0;
	int rc;

	if (o->audit.fn == NULL)
		return 0;
	if (rs->n > SIZE_MAX / NSOURCES_MAX / sizeof(*ids))
		return IRO_ENOMEM;
	if (rs->n > 0 && (ids = calloc(rs->n * NSOURCES_MAX,
	    sizeof(*ids))) == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < rs->n; i++)
		for (j = 0; j < rs->a[i].nsrc; j++)
			memcpy(ids[n++], rs->a[i].src[j], LIMIT_ID_LEN);
	rc = o->audit.fn(o->audit.ctx, st,
	    (const uint8_t (*)[LIMIT_ID_LEN])ids, n);
	free(ids);
	return rc;
}

static int
write_rows(const struct export_opts *o, struct rows *rs, char *why,
    size_t whylen)
{
	char *line = NULL;
	size_t i;
	int rc;

	for (i = 0; headers[o->kind][i] != NULL; i++)
		;
	if ((rc = export_csv_line(headers[o->kind], i, &line)) != 0)
		return rc;
	fputs(line, o->out);
	free(line);
	if (rs->n > 0)
		qsort(rs->a, rs->n, sizeof(*rs->a), cmp_row);
	for (i = 0; i < rs->n; i++)
		fputs(rs->a[i].line, o->out);
	if (fflush(o->out) != 0 || ferror(o->out))
		return why_set(why, whylen, IRO_EIO, "cannot write the export");
	return 0;
}

int
export_run(struct store *st, const struct export_opts *o, size_t *rows,
    char *why, size_t whylen)
{
	struct rows rs = { 0 };
	struct data d;
	size_t i;
	int rc;

	*rows = 0;
	if (o->from > o->to)
		return why_set(why, whylen, IRO_EINVAL, "--from is after --to");
	if ((rc = load(st, o->kind, &d)) != 0) {
		why_set(why, whylen, rc, "%s", store_errmsg(st));
		goto out;
	}
	if (o->kind == EXPORT_REVIEWS)
		rc = review_rows(o, &d, &rs);
	else if (o->kind == EXPORT_VISITS)
		rc = visit_rows(st, o, &d, &rs);
	else
		rc = decision_rows(o, &d, &rs);
	if (rc != 0) {
		why_set(why, whylen, rc, "%s", rc == IRO_EIO ||
		    rc == IRO_EBUSY ? store_errmsg(st) : iro_strerror(rc));
	} else if ((rc = audit_rows(st, o, &rs)) != 0) {
		why_set(why, whylen, rc, "cannot audit the export, so nothing "
		    "is exported: %s", rc == IRO_EIO || rc == IRO_EBUSY ?
		    store_errmsg(st) : iro_strerror(rc));
	} else {
		rc = write_rows(o, &rs, why, whylen);
	}
	if (rc == 0)
		*rows = rs.n;
out:
	for (i = 0; i < rs.n; i++)
		free(rs.a[i].line);
	free(rs.a);
	store_record_free_array(d.children, d.nchildren);
	store_record_free_array(d.reviews, d.nreviews);
	store_record_free_array(d.items, d.nitems);
	return rc;
}
