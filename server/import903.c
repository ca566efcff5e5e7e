/*
 * import903.c - loading an SSDA903 extract into the server
 * (import903.h): read the files, check the extract and what it names in
 * the store, then write every child and review in one transaction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "file.h"
#include "hex.h"
#include "import903.h"
#include "iro_error.h"
#include "settings.h"
#include "upsert.h"
#include "why.h"

#define MS_PER_DAY 86400000ull
#define CHILD_FIELDS 20
#define COUNCIL_MAX 16

/* A problem found against the store (all in the Allocations table). */
struct sproblem {
	size_t line;
	char reason[200];
};

struct sproblems {
	struct sproblem *a;
	size_t n, total;
};

static void add(struct sproblems *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(struct sproblems *p, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (p->n < SSDA903_PROBLEMS_MAX) {
		p->a[p->n].line = line;
		va_start(ap, fmt);
		vsnprintf(p->a[p->n].reason, sizeof(p->a[p->n].reason), fmt,
		    ap);
		va_end(ap);
		p->n++;
	}
	p->total++;
}

static int
cmp_sproblem(const void *a, const void *b)
{
	const struct sproblem *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* What each child of the extract is on the server: its record id and
 * whether it exists. */
struct known {
	uint8_t id[LIMIT_ID_LEN];
	bool found;
};

/* The checks that need the store: allocated IROs, names of new children.
 * Fills k[] for every child. */
static int
check_store(struct store *st, const struct ssda903_extract *x,
    struct known *k, struct sproblems *p)
{
	const struct ssda903_child *ch;
	struct store_user u;
	size_t i;
	int rc = 0;

	for (i = 0; i < x->nchildren && rc == 0; i++) {
		ch = &x->children[i];
		if ((rc = upsert_find(st, "child", "child_id", ch->child_id,
		    k[i].id, &k[i].found)) != 0)
			break;
		if (!k[i].found && (ch->given_name[0] == '\0' ||
		    ch->family_name[0] == '\0'))
			add(p, ch->alloc_line, "CHILD '%s' is new to the "
			    "server: GIVEN_NAME and FAMILY_NAME are needed",
			    ch->child_id);
		if (ch->iro[0] == '\0')
			continue;
		rc = store_user_get(st, ch->iro, &u);
		if (rc == IRO_ENOTFOUND)
			add(p, ch->alloc_line, "IRO '%s' is not a user",
			    ch->iro);
		else if (rc == 0 && u.role != SCHEMA_ROLE_IRO)
			add(p, ch->alloc_line, "IRO '%s' is %s %s, not an iro",
			    ch->iro, u.role == SCHEMA_ROLE_ADMIN ? "an" : "a",
			    schema_role_name(u.role));
		crypto_wipe(u.pwhash, sizeof(u.pwhash));
		if (rc == IRO_ENOTFOUND)
			rc = 0;
	}
	return rc;
}

/* Builds the list of fields for upsert_record; strings "" are nil. */
struct fields {
	struct upsert_field f[CHILD_FIELDS];
	char dates[5][11];
	size_t n, ndates;
};

static void
put_str(struct fields *fs, const char *name, const char *s)
{
	struct upsert_field *f = &fs->f[fs->n++];

	memset(f, 0, sizeof(*f));
	f->name = name;
	if (s == NULL || *s == '\0')
		return;
	f->value.type = VALUE_STR;
	f->value.s = (char *)(uintptr_t)s;
	f->value.len = strlen(s);
}

static void
put_date(struct fields *fs, const char *name, bool has, cal_day day)
{
	char *d = fs->dates[fs->ndates++];

	d[0] = '\0';
	if (has)
		cal_format(day, d);
	put_str(fs, name, d);
}

/* tri: -1 nil, 0 false, 1 true. */
static void
put_bool(struct fields *fs, const char *name, int tri)
{
	struct upsert_field *f = &fs->f[fs->n++];

	memset(f, 0, sizeof(*f));
	f->name = name;
	if (tri >= 0) {
		f->value.type = VALUE_BOOL;
		f->value.b = tri == 1;
	}
}

/* The placement council the child will have: the extract's when it has
 * PL_LA, else what the server holds. */
static int
placement_council(struct store *st, const struct ssda903_extract *x,
    const struct ssda903_child *ch, const struct known *k, char *out,
    size_t len)
{
	struct store_record r;
	size_t i;
	int rc;

	snprintf(out, len, "%s", ch->placement_council);
	if (x->has_council || !k->found)
		return 0;
	if ((rc = store_record_get(st, k->id, &r)) != 0)
		return rc;
	for (i = 0; i < r.nfields; i++)
		if (strcmp(r.fields[i].name, "placement_council") == 0 &&
		    r.fields[i].value.type == VALUE_STR)
			snprintf(out, len, "%s", r.fields[i].value.s);
	store_record_clear(&r);
	return 0;
}

/* The records an import writes, for its audit entry. */
struct written {
	uint8_t (*ids)[LIMIT_ID_LEN];   /* room for every child and review */
	size_t n;
};

static int
write_child(struct store *st, uint64_t now_ms, const char *council,
    const struct ssda903_extract *x, const struct ssda903_child *ch,
    const struct known *k, struct import903_summary *out,
    struct written *w, char *why, size_t whylen)
{
	char pc[COUNCIL_MAX];
	enum upsert_state state;
	struct fields fs;
	int rc;

	memset(&fs, 0, sizeof(fs));
	if ((rc = placement_council(st, x, ch, k, pc, sizeof(pc))) != 0)
		return rc;
	put_str(&fs, "child_id", ch->child_id);
	/* Names are only ever set: absent means "keep what is there". */
	if (ch->given_name[0] != '\0')
		put_str(&fs, "given_name", ch->given_name);
	if (ch->family_name[0] != '\0')
		put_str(&fs, "family_name", ch->family_name);
	put_date(&fs, "dob", true, ch->dob);
	put_str(&fs, "sex", ch->sex);
	put_str(&fs, "legal_status", ch->legal_status);
	put_date(&fs, "care_start", true, ch->care_start);
	put_date(&fs, "care_end", ch->care_ended, ch->care_end);
	put_str(&fs, "placement_type", ch->placement_type);
	put_date(&fs, "placement_start", true, ch->placement_start);
	put_str(&fs, "placement_provider", ch->placement_provider);
	put_str(&fs, "placement_postcode", ch->placement_postcode);
	if (x->has_council)
		put_str(&fs, "placement_council", ch->placement_council);
	put_bool(&fs, "out_of_area", settings_out_of_area(council, pc));
	put_bool(&fs, "long_term_foster", ch->long_term_foster);
	put_str(&fs, "adoption_stage", ch->adoption_stage);
	put_date(&fs, "adoption_since", strcmp(ch->adoption_stage, "none") != 0,
	    ch->adoption_since);
	if (x->has_social_worker)
		put_str(&fs, "social_worker", ch->social_worker);
	put_str(&fs, "iro", ch->iro);
	rc = upsert_record(st, now_ms, IMPORT903_AUTHOR, "child", k->id, fs.f,
	    fs.n, &state, &out->changes, why, whylen);
	if (rc == 0 && state == UPSERT_CREATED)
		out->created++;
	else if (rc == 0 && state == UPSERT_UPDATED)
		out->updated++;
	else if (rc == 0)
		out->unchanged++;
	if (rc == 0 && state != UPSERT_UNCHANGED)
		memcpy(w->ids[w->n++], k->id, LIMIT_ID_LEN);
	return rc;
}

/* A review on the server: its child's record id and its meeting date. */
struct held {
	char key[2 * LIMIT_ID_LEN + 1 + 10 + 1];   /* "CHILDHEX DATE" */
};

static int
cmp_held(const void *a, const void *b)
{
	return strcmp(((const struct held *)a)->key,
	    ((const struct held *)b)->key);
}

/* The (child, meeting_date) of every review record on the server. */
static int
load_reviews(struct store *st, struct held **out, size_t *n)
{
	struct store_record *r = NULL;
	const char *child, *date;
	size_t nr = 0, i, j;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_record_list(st, "review", &r, &nr)) != 0)
		return rc;
	if (nr > 0 && (*out = calloc(nr, sizeof(**out))) == NULL)
		rc = IRO_ENOMEM;
	for (i = 0; i < nr && rc == 0; i++) {
		child = date = NULL;
		for (j = 0; j < r[i].nfields; j++) {
			if (r[i].fields[j].value.type != VALUE_STR)
				continue;
			if (strcmp(r[i].fields[j].name, "child") == 0)
				child = r[i].fields[j].value.s;
			else if (strcmp(r[i].fields[j].name, "meeting_date") ==
			    0)
				date = r[i].fields[j].value.s;
		}
		if (child != NULL && date != NULL)
			snprintf((*out)[(*n)++].key, sizeof((*out)->key),
			    "%.32s %.10s", child, date);
	}
	store_record_free_array(r, nr);
	if (rc == 0 && *n > 0)
		qsort(*out, *n, sizeof(**out), cmp_held);
	return rc;
}

static int
write_review(struct store *st, uint64_t now_ms, const struct ssda903_review
    *rv, const struct known *k, const struct held *h, size_t nh,
    struct import903_summary *out, struct written *w, char *why,
    size_t whylen)
{
	char child[2 * LIMIT_ID_LEN + 1];
	uint8_t id[LIMIT_ID_LEN];
	enum upsert_state state;
	struct held key;
	struct fields fs;

	hex_encode(k->id, LIMIT_ID_LEN, child);
	memset(&fs, 0, sizeof(fs));
	put_date(&fs, "meeting_date", true, rv->date);
	snprintf(key.key, sizeof(key.key), "%s %s", child, fs.dates[0]);
	if (nh > 0 && bsearch(&key, h, nh, sizeof(*h), cmp_held) != NULL) {
		out->reviews_kept++;
		return 0;
	}
	put_str(&fs, "child", child);
	put_str(&fs, "status", "completed");
	put_str(&fs, "participation", rv->code);
	crypto_random(id, sizeof(id));
	out->reviews_added++;
	memcpy(w->ids[w->n++], id, LIMIT_ID_LEN);
	return upsert_record(st, now_ms, IMPORT903_AUTHOR, "review", id, fs.f,
	    fs.n, &state, &out->changes, why, whylen);
}

static int
write_all(struct store *st, const struct import903_opts *o,
    const struct ssda903_extract *x, const struct known *k,
    struct import903_summary *out, char *why, size_t whylen)
{
	char council[SETTINGS_VALUE_MAX + 1];
	struct written w = { NULL, 0 };
	struct held *h = NULL;
	size_t nh = 0, i;
	bool set;
	int rc;

	/* The extract's counts are bounded by ssda903.h's limits, so the
	 * sum cannot overflow. */
	if (x->nchildren + x->nreviews > 0 && (w.ids = calloc(x->nchildren +
	    x->nreviews, sizeof(*w.ids))) == NULL)
		return IRO_ENOMEM;
	if ((rc = store_begin(st)) != 0) {
		free(w.ids);
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	}
	rc = settings_get(st, "council", council, sizeof(council), &set);
	for (i = 0; i < x->nchildren && rc == 0; i++)
		rc = write_child(st, o->now_ms, council, x, &x->children[i],
		    &k[i], out, &w, why, whylen);
	if (rc == 0)
		rc = load_reviews(st, &h, &nh);
	for (i = 0; i < x->nreviews && rc == 0; i++)
		rc = write_review(st, o->now_ms, &x->reviews[i],
		    &k[x->reviews[i].child], h, nh, out, &w, why, whylen);
	if (rc == 0 && o->audit.fn != NULL)
		rc = o->audit.fn(o->audit.ctx, st,
		    (const uint8_t (*)[LIMIT_ID_LEN])w.ids, w.n);
	if (rc == 0)
		rc = store_commit(st);
	free(h);
	free(w.ids);
	if (rc != 0) {
		store_rollback(st);
		if (rc == IRO_EIO || rc == IRO_EBUSY)
			why_set(why, whylen, rc, "nothing imported: %s",
			    store_errmsg(st));
	}
	return rc;
}

/* Read the files named in p into t[] (bufs[] own the bytes). */
static int
read_all(const struct import903_paths *p, struct ssda903_text t[],
    char *bufs[], char *why, size_t whylen)
{
	const char *paths[SSDA903_TABLES];
	size_t i;
	int rc = 0;

	paths[SSDA903_HEADER] = p->header;
	paths[SSDA903_EPISODES] = p->episodes;
	paths[SSDA903_REVIEWS] = p->reviews;
	paths[SSDA903_ALLOCATIONS] = p->allocations;
	for (i = 0; i < SSDA903_TABLES && rc == 0; i++) {
		t[i].name = paths[i];
		if (paths[i] == NULL)
			continue;
		rc = file_read(paths[i], SSDA903_FILE_MAX, &bufs[i], &t[i].len,
		    why, whylen);
		t[i].buf = bufs[i];
	}
	return rc;
}

static void
report(const struct import903_opts *o, const char *file,
    struct sproblems *p)
{
	size_t i;

	qsort(p->a, p->n, sizeof(*p->a), cmp_sproblem);
	for (i = 0; i < p->n && o->problem != NULL; i++)
		o->problem(o->problem_ctx, file, p->a[i].line, p->a[i].reason);
}

int
import903_run(struct store *st, const struct import903_paths *p,
    const struct import903_opts *opts, struct import903_summary *out,
    char *why, size_t whylen)
{
	struct ssda903_text t[SSDA903_TABLES];
	char *bufs[SSDA903_TABLES] = { NULL };
	struct ssda903_opts so = {
		.today = (cal_day)(opts->now_ms / MS_PER_DAY),
		.problem = opts->problem, .problem_ctx = opts->problem_ctx
	};
	struct ssda903_extract x;
	struct sproblems sp = { 0 };
	struct known *k = NULL;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(t, 0, sizeof(t));
	memset(&x, 0, sizeof(x));
	if ((rc = read_all(p, t, bufs, why, whylen)) != 0)
		goto out;
	rc = ssda903_parse(t, &so, &x);
	if (rc == IRO_EINVAL) {
		out->problems = x.problems;
		goto invalid;
	}
	if (rc != 0)
		goto out;
	if ((x.nchildren > 0 && (k = calloc(x.nchildren, sizeof(*k))) ==
	    NULL) || (sp.a = calloc(SSDA903_PROBLEMS_MAX, sizeof(*sp.a))) ==
	    NULL) {
		rc = IRO_ENOMEM;
		goto out;
	}
	if ((rc = check_store(st, &x, k, &sp)) != 0) {
		why_set(why, whylen, rc, "cannot check the extract: %s",
		    store_errmsg(st));
		goto out;
	}
	if (sp.total > 0) {
		report(opts, p->allocations, &sp);
		out->problems = sp.total;
		rc = IRO_EINVAL;
		goto invalid;
	}
	out->children = x.nchildren;
	out->reviews = x.nreviews;
	rc = write_all(st, opts, &x, k, out, why, whylen);
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		if (rc != IRO_EIO && rc != IRO_EBUSY && rc != IRO_EINVAL)
			why_set(why, whylen, rc, "nothing imported: %s",
			    iro_strerror(rc));
	}
	goto out;
invalid:
	why_set(why, whylen, rc, "%zu problem%s in the extract: nothing "
	    "imported", out->problems, out->problems == 1 ? "" : "s");
out:
	ssda903_extract_clear(&x);
	for (i = 0; i < SSDA903_TABLES; i++)
		free(bufs[i]);
	free(k);
	free(sp.a);
	return rc;
}
