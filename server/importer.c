/*
 * importer.c - import of children from a CSV file (importer.h).
 *
 * Three steps: read and check every row (collecting problems, writing
 * nothing), stop if there was any problem, then apply all rows in one
 * transaction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "csv.h"
#include "file.h"
#include "importer.h"
#include "iro_error.h"
#include "ledger.h"
#include "schema.h"
#include "why.h"

#define NCOLS 5
static const char *const columns[NCOLS] = {
	"child_id", "given_name", "family_name", "dob", "iro"
};
#define COL_CHILD_ID 0
#define COL_IRO 4
#define CHILD_TYPE "child"

struct problem {
	size_t line;
	size_t order;                   /* keeps equal lines in found order */
	char reason[256];
};

struct problems {
	struct problem *a;
	size_t n, total;
};

struct row {
	size_t line;
	struct value v[NCOLS];
};

static void add_problem(struct problems *p, size_t line, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
add_problem(struct problems *p, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (p->n < IMPORTER_PROBLEMS_MAX) {
		p->a[p->n].line = line;
		p->a[p->n].order = p->n;
		va_start(ap, fmt);
		vsnprintf(p->a[p->n].reason, sizeof(p->a[p->n].reason), fmt,
		    ap);
		va_end(ap);
		p->n++;
	}
	p->total++;
}

static bool
header_ok(const struct csv_row *row)
{
	size_t i;

	if (row->nfields != NCOLS)
		return false;
	for (i = 0; i < NCOLS; i++)
		if (strcmp(row->fields[i], columns[i]) != 0)
			return false;
	return true;
}

static void
row_clear(struct row *r)
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		value_clear(&r->v[i]);
}

/* The allocated IRO must be a user of role iro. */
static int
check_iro(struct store *st, const struct value *v, size_t line,
    struct problems *p)
{
	struct store_user u;
	int rc = store_user_get(st, v->s, &u);

	if (rc == IRO_ENOTFOUND)
		add_problem(p, line, "iro '%.64s' is not a user", v->s);
	else if (rc == 0 && u.role != SCHEMA_ROLE_IRO)
		add_problem(p, line, "iro '%.64s' is %s %s, not an iro", v->s,
		    u.role == SCHEMA_ROLE_ADMIN ? "an" : "a",
		    schema_role_name(u.role));
	else if (rc != 0)
		return rc;
	crypto_wipe(u.pwhash, sizeof(u.pwhash));
	return 0;
}

/* Turn one CSV row into a row of values, or report why it is bad.
 * Returns 0 with *ok set, or a store error. */
static int
parse_row(struct store *st, const struct schema_type *t,
    const struct csv_row *in, struct row *out, struct problems *p, bool *ok)
{
	const struct schema_field *f;
	char why[200];
	struct change c;
	size_t i, before = p->total;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->line = in->line;
	*ok = false;
	if (in->nfields != NCOLS) {
		add_problem(p, in->line, "expected %d fields, found %zu", NCOLS,
		    in->nfields);
		return 0;
	}
	change_init(&c);
	snprintf(c.type, sizeof(c.type), "%s", CHILD_TYPE);
	for (i = 0; i < NCOLS; i++) {
		f = schema_field_find(t, columns[i]);
		if (f == NULL)
			return IRO_EINTERNAL;
		if (in->lens[i] == 0) {
			add_problem(p, in->line, "%s is empty", columns[i]);
			continue;
		}
		if (schema_parse_text(f, in->fields[i], &out->v[i], why,
		    sizeof(why)) != 0) {
			add_problem(p, in->line, "%s", why);
			continue;
		}
		snprintf(c.field, sizeof(c.field), "%s", columns[i]);
		c.value = out->v[i];    /* borrowed for the check */
		if (schema_check_change(&c, SCHEMA_ROLE_SERVER, why,
		    sizeof(why)) != 0)
			add_problem(p, in->line, "%s", why);
	}
	if (p->total == before && (rc = check_iro(st, &out->v[COL_IRO],
	    in->line, p)) != 0)
		return rc;
	*ok = p->total == before;
	return 0;
}

static int
cmp_child_id(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;
	int r = strcmp(x->v[COL_CHILD_ID].s, y->v[COL_CHILD_ID].s);

	if (r != 0)
		return r;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* A child may appear once per file: report every later appearance. */
static int
check_duplicates(struct row *rows, size_t n, struct problems *p)
{
	struct row **v;
	size_t i, first = 0;

	if (n < 2)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = &rows[i];
	qsort(v, n, sizeof(*v), cmp_child_id);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i]->v[COL_CHILD_ID].s,
		    v[first]->v[COL_CHILD_ID].s) != 0) {
			first = i;
			continue;
		}
		add_problem(p, v[i]->line, "child_id '%.32s' is also on line "
		    "%zu", v[i]->v[COL_CHILD_ID].s, v[first]->line);
	}
	free(v);
	return 0;
}

static int
cmp_problem(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Read every row of the file into rows, collecting problems. */
static int
read_rows(struct store *st, struct csv_reader *csv, struct row **rows,
    size_t *nrows, struct problems *p)
{
	const struct schema_type *t = schema_type_find(CHILD_TYPE);
	const struct csv_row *row;
	char why[200];
	size_t line, cap = 0;
	bool ok, header = true;
	int rc;
	void *grown;

	if (t == NULL)
		return IRO_EINTERNAL;
	for (;;) {
		rc = csv_next(csv, &row, &line, why, sizeof(why));
		if (rc == IRO_ENOMEM)
			return rc;
		if (rc != 0) {
			add_problem(p, line, "%s", why);
			header = false;
			continue;
		}
		if (row == NULL)
			break;
		if (header) {
			header = false;
			if (header_ok(row))
				continue;
			add_problem(p, line, "the header must be exactly "
			    "'child_id,given_name,family_name,dob,iro'");
			return 0;
		}
		if (*nrows == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((grown = realloc(*rows, cap * sizeof(**rows))) ==
			    NULL)
				return IRO_ENOMEM;
			*rows = grown;
		}
		if ((rc = parse_row(st, t, row, &(*rows)[*nrows], p, &ok)))
			return rc;
		if (ok)
			(*nrows)++;
		else
			row_clear(&(*rows)[*nrows]);
	}
	if (header)
		add_problem(p, 1, "the file is empty: expected the header "
		    "'child_id,given_name,family_name,dob,iro'");
	return 0;
}

/* Log a change for each field of row r that differs from the record's
 * current value; *state: 0 unchanged, 1 updated, 2 created (and then
 * written gets the record's id). */
static int
apply_row(struct store *st, const struct row *r, uint64_t now_ms,
    int *state, size_t *changes, uint8_t written[LIMIT_ID_LEN])
{
	const struct store_field *cur;
	uint8_t id[LIMIT_ID_LEN];
	struct store_record rec;
	struct change c;
	size_t i, j;
	bool found;
	int rc;

	memset(&rec, 0, sizeof(rec));
	*state = 0;
	rc = store_record_find(st, CHILD_TYPE, columns[COL_CHILD_ID],
	    &r->v[COL_CHILD_ID], id);
	found = rc == 0;
	if (found && (rc = store_record_get(st, id, &rec)) != 0)
		return rc;
	if (rc == IRO_ENOTFOUND)
		crypto_random(rec.id, sizeof(rec.id));
	else if (rc != 0)
		return rc;
	for (i = 0; i < NCOLS; i++) {
		cur = NULL;
		for (j = 0; j < rec.nfields; j++)
			if (strcmp(rec.fields[j].name, columns[i]) == 0)
				cur = &rec.fields[j];
		if (cur != NULL && cur->has_stamp &&
		    value_equal(&cur->value, &r->v[i]))
			continue;
		change_init(&c);
		snprintf(c.type, sizeof(c.type), "%s", CHILD_TYPE);
		memcpy(c.record, rec.id, LIMIT_ID_LEN);
		snprintf(c.field, sizeof(c.field), "%s", columns[i]);
		snprintf(c.author, sizeof(c.author), "%s", IMPORTER_AUTHOR);
		c.value = r->v[i];      /* borrowed: c is not cleared */
		if (cur != NULL && cur->has_stamp) {
			c.has_base = true;
			c.base = cur->stamp;
		}
		if ((rc = ledger_author(st, now_ms, &c)) != 0)
			goto out;
		(*changes)++;
		*state = found ? 1 : 2;
	}
	if (*state != 0) {
		memcpy(written, rec.id, LIMIT_ID_LEN);
		rc = ledger_refresh(st, rec.id);
	}
out:
	store_record_clear(&rec);
	return rc;
}

static int
apply_rows(struct store *st, const struct row *rows, size_t n,
    const struct importer_opts *opts, struct importer_summary *out,
    char *why, size_t whylen)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	size_t i, nids = 0;
	int rc, state;

	/* A row writes at most one record: its child's. */
	if (n > 0 && (ids = calloc(n, sizeof(*ids))) == NULL)
		return why_set(why, whylen, IRO_ENOMEM, "nothing imported: %s",
		    iro_strerror(IRO_ENOMEM));
	if ((rc = store_begin(st)) != 0) {
		free(ids);
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	}
	for (i = 0; i < n && rc == 0; i++) {
		rc = apply_row(st, &rows[i], opts->now_ms, &state,
		    &out->changes, ids[nids]);
		if (state == 2)
			out->created++;
		else if (state == 1)
			out->updated++;
		else
			out->unchanged++;
		if (state != 0)
			nids++;
	}
	out->children = n;
	if (rc == 0 && opts->audit.fn != NULL)
		rc = opts->audit.fn(opts->audit.ctx, st,
		    (const uint8_t (*)[LIMIT_ID_LEN])ids, nids);
	free(ids);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		store_rollback(st);
		memset(out, 0, sizeof(*out));
		return why_set(why, whylen, rc, "nothing imported: %s",
		    rc == IRO_EIO || rc == IRO_EBUSY ? store_errmsg(st) :
		    iro_strerror(rc));
	}
	return 0;
}

int
importer_run(struct store *st, const char *path,
    const struct importer_opts *opts, struct importer_summary *out,
    char *why, size_t whylen)
{
	const struct csv_limits lim = {
		.max_field = 1024, .max_fields = 64,
		.max_records = IMPORTER_ROWS_MAX + 1
	};
	struct problems p = { 0 };
	struct csv_reader *csv = NULL;
	struct row *rows = NULL;
	size_t nrows = 0, i;
	char *buf = NULL;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = file_read(path, IMPORTER_FILE_MAX, &buf, &len, why,
	    whylen)) != 0)
		return rc;
	if ((p.a = calloc(IMPORTER_PROBLEMS_MAX, sizeof(*p.a))) == NULL ||
	    (rc = csv_open(buf, len, &lim, &csv)) != 0) {
		rc = IRO_ENOMEM;
		goto out;
	}
	rc = read_rows(st, csv, &rows, &nrows, &p);
	if (rc == 0)
		rc = check_duplicates(rows, nrows, &p);
	if (rc != 0) {
		why_set(why, whylen, rc, "cannot check '%s': %s", path,
		    rc == IRO_EIO || rc == IRO_EBUSY ? store_errmsg(st) :
		    iro_strerror(rc));
		goto out;
	}
	if (p.total > 0) {
		qsort(p.a, p.n, sizeof(*p.a), cmp_problem);
		for (i = 0; i < p.n && opts->problem != NULL; i++)
			opts->problem(opts->problem_ctx, p.a[i].line,
			    p.a[i].reason);
		out->problems = p.total;
		rc = why_set(why, whylen, IRO_EINVAL, "%zu problem%s in '%s': "
		    "nothing imported", p.total, p.total == 1 ? "" : "s",
		    path);
		goto out;
	}
	rc = apply_rows(st, rows, nrows, opts, out, why, whylen);
out:
	for (i = 0; i < nrows; i++)
		row_clear(&rows[i]);
	free(rows);
	csv_close(csv);
	free(p.a);
	free(buf);
	return rc;
}
