/*
 * ssda903.c - reading the tables of an SSDA903 extract (ssda903.h): each
 * file's header row is mapped to the columns IRO Sync uses, and each row
 * becomes a plain struct, every bad value reported with its line.  The
 * checks between rows and tables are in ssda903_derive.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "codes.h"
#include "csv.h"
#include "iro_error.h"
#include "schema.h"
#include "ssda903_int.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CELL_MAX 1024                   /* bytes of one CSV field */
#define COLS_MAX 256                    /* fields of one CSV record */

/* A column IRO Sync reads. */
struct col {
	const char *name;
	bool required;
};

enum { H_CHILD, H_SEX, H_DOB, H_NCOLS };
static const struct col header_cols[H_NCOLS] = {
	{ "CHILD", true }, { "SEX", true }, { "DOB", true },
};

enum {
	E_CHILD, E_DECOM, E_RNE, E_LS, E_PLACE, E_PROVIDER, E_DEC, E_REC,
	E_PL_POST, E_PL_LA, E_NCOLS
};
static const struct col episode_cols[E_NCOLS] = {
	{ "CHILD", true }, { "DECOM", true }, { "RNE", true },
	{ "LS", true }, { "PLACE", true }, { "PLACE_PROVIDER", true },
	{ "DEC", true }, { "REC", true }, { "PL_POST", true },
	{ "PL_LA", false },
};

enum { R_CHILD, R_DOB, R_REVIEW, R_CODE, R_NCOLS };
static const struct col review_cols[R_NCOLS] = {
	{ "CHILD", true }, { "DOB", true }, { "REVIEW", true },
	{ "REVIEW_CODE", true },
};

enum { A_CHILD, A_IRO, A_GIVEN, A_FAMILY, A_SW, A_NCOLS };
static const struct col alloc_cols[A_NCOLS] = {
	{ "CHILD", true }, { "IRO", true }, { "GIVEN_NAME", false },
	{ "FAMILY_NAME", false }, { "SOCIAL_WORKER", false },
};

/*
 * Reason for new episode and reason episode ceased, as the return codes
 * them.  ASSUMPTION (from the DfE guidance as remembered, not checked
 * against this year's text): X1 is the only REC that continues the
 * period of care; every E code ends it.
 */
static const char *const rne_codes[] = {
	"S", "L", "P", "T", "U", "B", NULL
};
static const char *const rec_codes[] = {
	"X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3",
	"E41", "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7",
	"E8", "E9", NULL
};

/* What one table's reading needs: its columns and where each is. */
struct table {
	int id;
	const struct col *cols;
	size_t ncols;
	int idx[E_NCOLS];               /* the most columns of any table */
	const struct csv_row *row;
	size_t line;
};

int
s9_problem(struct s9 *s, int table, size_t line, const char *fmt, ...)
{
	struct s9_problem *p;
	va_list ap;

	if (s->np < SSDA903_PROBLEMS_MAX) {
		p = &s->p[s->np];
		p->table = table;
		p->line = line;
		p->order = s->np;
		va_start(ap, fmt);
		vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
		va_end(ap);
		s->np++;
	}
	s->total++;
	return 0;
}

int
s9_grow(void **a, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= SSDA903_ROWS_MAX)
		return IRO_ETOOBIG;
	ncap = *cap == 0 ? 64 : *cap * 2;
	if (ncap > SSDA903_ROWS_MAX)
		ncap = SSDA903_ROWS_MAX;
	if ((p = realloc(*a, ncap * size)) == NULL)
		return IRO_ENOMEM;
	*a = p;
	*cap = ncap;
	return 0;
}

/* The value in column c of the current row, trimmed of spaces, into
 * buf[CELL_MAX + 1]; "" for an absent optional column. */
static const char *
cell(const struct table *tb, int c, char *buf)
{
	const char *s;
	size_t len;

	buf[0] = '\0';
	if (tb->idx[c] < 0 || (size_t)tb->idx[c] >= tb->row->nfields)
		return buf;
	s = tb->row->fields[tb->idx[c]];
	len = tb->row->lens[tb->idx[c]];
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > CELL_MAX)
		len = CELL_MAX;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

/* "A, B, C" for a NULL-terminated list, for messages. */
static void
list_text(const char *const *v, char *buf, size_t len)
{
	size_t o = 0, i;
	int w;

	buf[0] = '\0';
	for (i = 0; v[i] != NULL; i++) {
		w = snprintf(buf + o, len - o, "%s%s", i > 0 ? ", " : "", v[i]);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
}

static bool
in_list(const char *const *v, const char *s)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* s in list v, copied to out[outlen]; else a problem.  Empty is a
 * problem unless optional. */
static bool
want_code(struct s9 *s, const struct table *tb, int c, const char *text,
    const char *const *v, bool optional, char *out, size_t outlen)
{
	char allowed[256];

	out[0] = '\0';
	if (*text == '\0') {
		if (!optional)
			s9_problem(s, tb->id, tb->line, "%s is empty",
			    tb->cols[c].name);
		return optional;
	}
	if (!in_list(v, text) || strlen(text) >= outlen) {
		list_text(v, allowed, sizeof(allowed));
		s9_problem(s, tb->id, tb->line, "%s '%.20s' is not one of %s",
		    tb->cols[c].name, text, allowed);
		return false;
	}
	memcpy(out, text, strlen(text) + 1);
	return true;
}

/* A dd/mm/yyyy date, not after today.  Empty: a problem unless optional
 * (then *has is false). */
static bool
want_date(struct s9 *s, const struct table *tb, int c, const char *text,
    bool optional, bool *has, cal_day *out)
{
	char today[11];

	*out = 0;
	if (has != NULL)
		*has = false;
	if (*text == '\0') {
		if (!optional)
			s9_problem(s, tb->id, tb->line, "%s is empty",
			    tb->cols[c].name);
		return optional;
	}
	if (cal_parse_uk(text, out) != 0) {
		s9_problem(s, tb->id, tb->line, "%s: expected a date "
		    "dd/mm/yyyy, got '%.20s'", tb->cols[c].name, text);
		return false;
	}
	if (*out > s->o->today) {
		cal_format_uk(s->o->today, today);
		s9_problem(s, tb->id, tb->line, "%s %s is in the future "
		    "(today is %s)", tb->cols[c].name, text, today);
		return false;
	}
	if (has != NULL)
		*has = true;
	return true;
}

/* A child id: 1..SSDA903_CHILD_MAX letters or digits. */
static bool
want_child(struct s9 *s, const struct table *tb, const char *text,
    char out[SSDA903_CHILD_MAX + 1])
{
	size_t i, len = strlen(text);

	out[0] = '\0';
	if (len == 0)
		return s9_problem(s, tb->id, tb->line, "CHILD is empty");
	for (i = 0; i < len; i++)
		if (!((text[i] >= '0' && text[i] <= '9') ||
		    (text[i] >= 'a' && text[i] <= 'z') ||
		    (text[i] >= 'A' && text[i] <= 'Z')))
			break;
	if (i < len || len > SSDA903_CHILD_MAX)
		return s9_problem(s, tb->id, tb->line, "CHILD: expected 1 to "
		    "%d letters or digits, got '%.30s'", SSDA903_CHILD_MAX,
		    text);
	memcpy(out, text, len + 1);
	return true;
}

/* A value the schema's child field `field` accepts, copied to out. */
static bool
want_schema(struct s9 *s, const struct table *tb, int c, const char *field,
    const char *text, char *out, size_t outlen)
{
	const struct schema_field *f =
	    schema_field_find(schema_type_find("child"), field);
	struct value v;
	char why[256];

	out[0] = '\0';
	if (*text == '\0')
		return true;
	if (f == NULL)
		return s9_problem(s, tb->id, tb->line, "%s: the schema has no "
		    "child field '%s'", tb->cols[c].name, field);
	if (schema_parse_text(f, text, &v, why, sizeof(why)) != 0)
		return s9_problem(s, tb->id, tb->line, "%s: %s",
		    tb->cols[c].name, why);
	value_clear(&v);
	if (strlen(text) >= outlen)
		return s9_problem(s, tb->id, tb->line, "%s: over %zu bytes",
		    tb->cols[c].name, outlen - 1);
	memcpy(out, text, strlen(text) + 1);
	return true;
}

/* "ab12cd" or "ab1 2cd" as "AB1 2CD": upper case, one space before the
 * inward code (its last `inward` characters: 3, or 1 for a sector). */
static void
postcode_norm(char *pc, size_t cap, size_t inward)
{
	char tmp[16];
	size_t i, n = 0, len = strlen(pc);

	for (i = 0; i < len && n + 1 < sizeof(tmp); i++)
		if (pc[i] != ' ')
			tmp[n++] = (pc[i] >= 'a' && pc[i] <= 'z') ?
			    (char)(pc[i] - 'a' + 'A') : pc[i];
	tmp[n] = '\0';
	if (n <= inward || n + 2 > cap)
		return;
	snprintf(pc, cap, "%.*s %s", (int)(n - inward), tmp, tmp + n - inward);
}

/* Whether the schema takes text as a placement postcode. */
static bool
full_postcode(const char *text)
{
	const struct schema_field *f =
	    schema_field_find(schema_type_find("child"), "placement_postcode");
	struct value v = { .type = VALUE_STR };

	if (f == NULL)
		return false;
	v.s = (char *)(uintptr_t)text;
	v.len = strlen(text);
	return schema_check_value(f, &v, NULL, 0) == 0;
}

/*
 * PL_POST: a postcode the schema takes - a full one, or the postcode
 * sector the return often carries instead ("LS8 4": the outward code, a
 * space and the first digit of the inward code) - normalised to upper
 * case with one space.
 */
static void
want_postcode(struct s9 *s, const struct table *tb, const char *text,
    char *out, size_t outlen)
{
	size_t len = strlen(text);

	out[0] = '\0';
	if (len == 0)
		return;
	if (len < outlen && full_postcode(text)) {
		snprintf(out, outlen, "%s", text);
		postcode_norm(out, outlen, text[len - 2] == ' ' ? 1 : 3);
		return;
	}
	s9_problem(s, tb->id, tb->line, "PL_POST: expected a UK postcode such "
	    "as SW1A 1AA, or a postcode sector such as SW1A 1, got '%.20s'",
	    text);
}

static int
header_row(struct s9 *s, struct table *tb)
{
	struct ssda903_extract *x = s->x;
	struct ssda903_child *ch;
	char buf[CELL_MAX + 1];
	const char *sex;
	int rc;

	if ((rc = s9_grow((void **)&x->children, &s->capc, x->nchildren,
	    sizeof(*ch))) != 0)
		return rc;
	ch = &x->children[x->nchildren];
	memset(ch, 0, sizeof(*ch));
	ch->line = tb->line;
	if (!want_child(s, tb, cell(tb, H_CHILD, buf), ch->child_id))
		return 0;
	sex = cell(tb, H_SEX, buf);
	/* The return coded sex as 1 and 2 before M, F and U. */
	if (strcmp(sex, "1") == 0)
		sex = "M";
	else if (strcmp(sex, "2") == 0)
		sex = "F";
	want_code(s, tb, H_SEX, sex, codes_sex_values, false, ch->sex,
	    sizeof(ch->sex));
	/* Kept with an unknown date of birth, so that its other rows are
	 * not reported as naming an unknown child. */
	if (!want_date(s, tb, H_DOB, cell(tb, H_DOB, buf), false, NULL,
	    &ch->dob))
		ch->dob = S9_NO_DAY;
	x->nchildren++;
	return 0;
}

/* PLACE must be valid in the collection year of the episode's start. */
static void
place_on_date(struct s9 *s, const struct table *tb, struct s9_episode *e)
{
	char years[64], d[11];

	if (e->place[0] == '\0' || codes_valid_on(&codes_placement_type,
	    e->place, e->decom))
		return;
	codes_years(&codes_placement_type, e->place, years, sizeof(years));
	cal_format_uk(e->decom, d);
	s9_problem(s, tb->id, tb->line, "PLACE '%s' is not valid for an "
	    "episode starting %s (valid %s)", e->place, d, years);
	e->place[0] = '\0';
}

static int
episode_row(struct s9 *s, struct table *tb)
{
	char buf[CELL_MAX + 1];
	struct s9_episode *e;
	bool ok;
	int rc;

	if ((rc = s9_grow((void **)&s->eps, &s->cape, s->neps,
	    sizeof(*e))) != 0)
		return rc;
	e = &s->eps[s->neps];
	memset(e, 0, sizeof(*e));
	e->line = tb->line;
	ok = want_child(s, tb, cell(tb, E_CHILD, buf), e->child_id);
	/* Kept with an unknown start, so that its child is not reported as
	 * having no episode. */
	if (!want_date(s, tb, E_DECOM, cell(tb, E_DECOM, buf), false, NULL,
	    &e->decom))
		e->decom = S9_NO_DAY;
	want_code(s, tb, E_RNE, cell(tb, E_RNE, buf), rne_codes, false,
	    e->rne, sizeof(e->rne));
	want_code(s, tb, E_LS, cell(tb, E_LS, buf), codes_legal_status_values,
	    false, e->ls, sizeof(e->ls));
	if (want_code(s, tb, E_PLACE, cell(tb, E_PLACE, buf),
	    codes_placement_type_values, false, e->place, sizeof(e->place)) &&
	    e->decom != S9_NO_DAY)
		place_on_date(s, tb, e);
	want_code(s, tb, E_PROVIDER, cell(tb, E_PROVIDER, buf),
	    codes_placement_provider_values, true, e->provider,
	    sizeof(e->provider));
	want_date(s, tb, E_DEC, cell(tb, E_DEC, buf), true, &e->has_dec,
	    &e->dec);
	e->has_rec = *cell(tb, E_REC, buf) != '\0';
	want_code(s, tb, E_REC, buf, rec_codes, true, e->rec, sizeof(e->rec));
	want_postcode(s, tb, cell(tb, E_PL_POST, buf), e->postcode,
	    sizeof(e->postcode));
	want_schema(s, tb, E_PL_LA, "placement_council", cell(tb, E_PL_LA, buf),
	    e->council, sizeof(e->council));
	if (ok)
		s->neps++;
	return 0;
}

static int
review_row(struct s9 *s, struct table *tb)
{
	char buf[CELL_MAX + 1];
	struct s9_review_row *r;
	bool ok;
	int rc;

	if ((rc = s9_grow((void **)&s->revs, &s->capr, s->nrevs,
	    sizeof(*r))) != 0)
		return rc;
	r = &s->revs[s->nrevs];
	memset(r, 0, sizeof(*r));
	r->line = tb->line;
	ok = want_child(s, tb, cell(tb, R_CHILD, buf), r->child_id);
	want_date(s, tb, R_DOB, cell(tb, R_DOB, buf), false, &r->has_dob,
	    &r->dob);
	ok = want_date(s, tb, R_REVIEW, cell(tb, R_REVIEW, buf), false, NULL,
	    &r->date) && ok;
	ok = want_code(s, tb, R_CODE, cell(tb, R_CODE, buf),
	    codes_participation_values, false, r->code, sizeof(r->code)) &&
	    ok;
	if (ok)
		s->nrevs++;
	return 0;
}

static int
alloc_row(struct s9 *s, struct table *tb)
{
	char buf[CELL_MAX + 1], why[200];
	struct s9_alloc *a;
	const char *iro;
	int rc;

	if ((rc = s9_grow((void **)&s->allocs, &s->capa, s->nallocs,
	    sizeof(*a))) != 0)
		return rc;
	a = &s->allocs[s->nallocs];
	memset(a, 0, sizeof(*a));
	a->line = tb->line;
	if (!want_child(s, tb, cell(tb, A_CHILD, buf), a->child_id))
		return 0;
	iro = cell(tb, A_IRO, buf);
	/* An empty IRO is a child with no IRO allocated: managers see it. */
	if (*iro != '\0' && account_check_username(iro, why, sizeof(why)))
		s9_problem(s, tb->id, tb->line, "IRO: %s", why);
	else
		snprintf(a->iro, sizeof(a->iro), "%s", iro);
	want_schema(s, tb, A_GIVEN, "given_name", cell(tb, A_GIVEN, buf),
	    a->given_name, sizeof(a->given_name));
	want_schema(s, tb, A_FAMILY, "family_name", cell(tb, A_FAMILY, buf),
	    a->family_name, sizeof(a->family_name));
	want_schema(s, tb, A_SW, "social_worker", cell(tb, A_SW, buf),
	    a->social_worker, sizeof(a->social_worker));
	s->nallocs++;
	return 0;
}

/* Find each column of tb in the header row; a missing required one, or
 * a column named twice, is a problem.  Returns whether all are there. */
static bool
map_columns(struct s9 *s, struct table *tb, const struct csv_row *row)
{
	size_t i, j;
	bool ok = true;

	for (i = 0; i < tb->ncols; i++) {
		tb->idx[i] = -1;
		for (j = 0; j < row->nfields; j++) {
			if (strcasecmp(row->fields[j], tb->cols[i].name) != 0)
				continue;
			if (tb->idx[i] >= 0) {
				ok = s9_problem(s, tb->id, row->line, "column "
				    "'%s' is named twice", tb->cols[i].name);
				continue;
			}
			tb->idx[i] = (int)j;
		}
		if (tb->idx[i] < 0 && tb->cols[i].required)
			ok = s9_problem(s, tb->id, row->line, "no column '%s' "
			    "in the header row", tb->cols[i].name);
	}
	return ok;
}

typedef int (*row_fn)(struct s9 *s, struct table *tb);

/* Read one table: its header row, then each row through fn. */
static int
read_table(struct s9 *s, struct table *tb, row_fn fn)
{
	const struct csv_limits lim = {
		.max_field = CELL_MAX, .max_fields = COLS_MAX,
		.max_records = SSDA903_ROWS_MAX + 1
	};
	const struct ssda903_text *t = &s->t[tb->id];
	struct csv_reader *csv = NULL;
	size_t header_fields = 0;
	bool header = true, empty = true;
	char why[200];
	int rc;

	if ((rc = csv_open(t->buf, t->len, &lim, &csv)) != 0)
		return rc;
	for (;;) {
		rc = csv_next(csv, &tb->row, &tb->line, why, sizeof(why));
		if (rc == IRO_ENOMEM)
			break;
		empty = empty && rc == 0 && tb->row == NULL;
		if (rc != 0) {
			rc = s9_problem(s, tb->id, tb->line, "%s", why);
			s->unread[tb->id]++;
			if (header)
				break;
			continue;
		}
		if (tb->row == NULL)
			break;
		if (header) {
			header = false;
			header_fields = tb->row->nfields;
			if (!map_columns(s, tb, tb->row))
				break;
			continue;
		}
		if (tb->row->nfields != header_fields) {
			s9_problem(s, tb->id, tb->line, "%zu fields, but the "
			    "header row has %zu", tb->row->nfields,
			    header_fields);
			s->unread[tb->id]++;
			continue;
		}
		if ((rc = fn(s, tb)) != 0)
			break;
	}
	if (rc == 0 && empty)
		s9_problem(s, tb->id, 1, "the file is empty: expected a header "
		    "row naming the columns");
	csv_close(csv);
	return rc;
}

int
s9_read_tables(struct s9 *s)
{
	struct table tabs[SSDA903_TABLES] = {
		{ SSDA903_HEADER, header_cols, H_NCOLS, { 0 }, NULL, 0 },
		{ SSDA903_EPISODES, episode_cols, E_NCOLS, { 0 }, NULL, 0 },
		{ SSDA903_REVIEWS, review_cols, R_NCOLS, { 0 }, NULL, 0 },
		{ SSDA903_ALLOCATIONS, alloc_cols, A_NCOLS, { 0 }, NULL, 0 },
	};
	const row_fn fns[SSDA903_TABLES] = {
		header_row, episode_row, review_row, alloc_row
	};
	size_t i;
	int rc = 0;

	for (i = 0; i < SSDA903_TABLES && rc == 0; i++) {
		if (s->t[i].buf == NULL)
			continue;
		rc = read_table(s, &tabs[i], fns[i]);
	}
	s->x->has_council = tabs[SSDA903_EPISODES].idx[E_PL_LA] >= 0;
	s->x->has_names = tabs[SSDA903_ALLOCATIONS].idx[A_GIVEN] >= 0 ||
	    tabs[SSDA903_ALLOCATIONS].idx[A_FAMILY] >= 0;
	s->x->has_social_worker = tabs[SSDA903_ALLOCATIONS].idx[A_SW] >= 0;
	return rc;
}

static int
cmp_problem(const void *a, const void *b)
{
	const struct s9_problem *x = a, *y = b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
ssda903_parse(const struct ssda903_text t[SSDA903_TABLES],
    const struct ssda903_opts *o, struct ssda903_extract *out)
{
	struct s9 s;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.t = t;
	s.o = o;
	s.x = out;
	if ((s.p = calloc(SSDA903_PROBLEMS_MAX, sizeof(*s.p))) == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < SSDA903_TABLES; i++)
		if (t[i].buf == NULL && i != SSDA903_REVIEWS)
			s9_problem(&s, (int)i, 0, "the table is missing");
	rc = s9_read_tables(&s);
	if (rc == 0)
		rc = s9_cross_check(&s);
	if (rc == IRO_ETOOBIG)
		rc = s9_problem(&s, SSDA903_HEADER, 0, "more than %d rows in "
		    "one table", SSDA903_ROWS_MAX);
	if (rc == 0 && s.total > 0) {
		qsort(s.p, s.np, sizeof(*s.p), cmp_problem);
		for (i = 0; i < s.np && o->problem != NULL; i++)
			o->problem(o->problem_ctx, t[s.p[i].table].name != NULL ?
			    t[s.p[i].table].name : "-", s.p[i].line,
			    s.p[i].reason);
		rc = IRO_EINVAL;
	}
	if (rc != 0) {
		ssda903_extract_clear(out);
		out->problems = s.total;
	}
	free(s.p);
	free(s.eps);
	free(s.revs);
	free(s.allocs);
	return rc;
}

void
ssda903_extract_clear(struct ssda903_extract *x)
{
	if (x == NULL)
		return;
	free(x->children);
	free(x->reviews);
	memset(x, 0, sizeof(*x));
}

long
ssda903_find(const struct ssda903_extract *x, const char *child_id)
{
	size_t lo = 0, hi = x->nchildren, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(x->children[mid].child_id, child_id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
