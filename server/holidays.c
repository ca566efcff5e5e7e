/*
 * holidays.c - the server's bank-holiday records (holidays.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holidays.h"
#include "iro_error.h"
#include "upsert.h"
#include "why.h"

#define TYPE "holiday"

/* A holiday record as found in the store. */
struct rec {
	cal_day day;
	char title[CAL_TITLE_MAX + 1];
	bool working;
};

static int
cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

/* Every live holiday record, by date. */
static int
load(struct store *st, struct rec **out, size_t *n)
{
	struct store_record *r = NULL;
	const struct store_field *f;
	size_t nr = 0, i, j;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_record_list(st, TYPE, &r, &nr)) != 0)
		return rc;
	if (nr > 0 && (*out = calloc(nr, sizeof(**out))) == NULL) {
		rc = IRO_ENOMEM;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		struct rec h = { .day = CAL_DAY_MIN - 1 };

		for (j = 0; j < r[i].nfields; j++) {
			f = &r[i].fields[j];
			if (strcmp(f->name, "date") == 0 &&
			    f->value.type == VALUE_STR)
				(void)cal_parse(f->value.s, &h.day);
			else if (strcmp(f->name, "title") == 0 &&
			    f->value.type == VALUE_STR)
				snprintf(h.title, sizeof(h.title), "%s",
				    f->value.s);
			else if (strcmp(f->name, "working") == 0 &&
			    f->value.type == VALUE_BOOL)
				h.working = f->value.b;
		}
		if (!r[i].deleted && cal_valid(h.day))
			(*out)[(*n)++] = h;
	}
	if (*n > 0)
		qsort(*out, *n, sizeof(**out), cmp_rec);
out:
	store_record_free_array(r, nr);
	return rc;
}

static const struct rec *
find(const struct rec *r, size_t n, cal_day day)
{
	struct rec key = { .day = day };

	return n == 0 ? NULL : bsearch(&key, r, n, sizeof(*r), cmp_rec);
}

/* Write (or update) the record of day. */
static int
put(struct store *st, uint64_t now_ms, cal_day day, bool working,
    const char *title, size_t *changes, bool *changed, char *why,
    size_t whylen)
{
	struct upsert_field f[3];
	uint8_t id[LIMIT_ID_LEN];
	enum upsert_state state;
	char date[11];
	size_t n = 0;
	bool found;
	int rc;

	cal_format(day, date);
	if ((rc = upsert_find(st, TYPE, "date", date, id, &found)) != 0)
		return rc;
	memset(f, 0, sizeof(f));
	f[n].name = "date";
	f[n].value.type = VALUE_STR;
	f[n].value.s = date;
	f[n++].value.len = strlen(date);
	f[n].name = "working";
	f[n].value.type = VALUE_BOOL;
	f[n++].value.b = working;
	if (title != NULL) {
		f[n].name = "title";
		f[n].value.type = VALUE_STR;
		f[n].value.s = (char *)(uintptr_t)title;
		f[n++].value.len = strlen(title);
	}
	rc = upsert_record(st, now_ms, HOLIDAYS_AUTHOR, TYPE, id, f, n,
	    &state, changes, why, whylen);
	*changed = rc == 0 && state != UPSERT_UNCHANGED;
	return rc;
}

struct import_ctx {
	struct store *st;
	uint64_t now_ms;
	const struct rec *recs;
	size_t nrecs;
	struct holidays_summary *sum;
	char *why;
	size_t whylen;
};

static int
import_event(void *arg, cal_day day, const char *title)
{
	struct import_ctx *c = arg;
	bool changed;
	int rc;

	c->sum->events++;
	if (cal_bank_holiday_title(day) != NULL ||
	    find(c->recs, c->nrecs, day) != NULL) {
		c->sum->present++;
		return 0;
	}
	rc = put(c->st, c->now_ms, day, false, *title != '\0' ? title : NULL,
	    &c->sum->changes, &changed, c->why, c->whylen);
	/* The same date twice in one document is written once. */
	if (rc == 0 && changed)
		c->sum->added++;
	else if (rc == 0)
		c->sum->present++;
	return rc;
}

/* Roll back after rc, leaving the store's words in why where it has
 * them; returns rc. */
static int
fail(struct store *st, int rc, char *why, size_t whylen)
{
	store_rollback(st);
	if (rc == IRO_EIO || rc == IRO_EBUSY)
		why_set(why, whylen, rc, "%s", store_errmsg(st));
	return rc;
}

int
holidays_import_tx(struct store *st, uint64_t now_ms, const char *json,
    size_t len, struct holidays_summary *out, char *why, size_t whylen)
{
	struct import_ctx c = {
		.st = st, .now_ms = now_ms, .sum = out, .why = why,
		.whylen = whylen
	};
	struct rec *recs = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* Check the whole document before writing any of it. */
	if ((rc = cal_holidays_parse_json(json, len, NULL, NULL, why,
	    whylen)) != 0)
		return rc;
	if ((rc = load(st, &recs, &c.nrecs)) == 0) {
		c.recs = recs;
		rc = cal_holidays_parse_json(json, len, import_event, &c, why,
		    whylen);
	}
	if (rc == IRO_EIO || rc == IRO_EBUSY)
		why_set(why, whylen, rc, "%s", store_errmsg(st));
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	free(recs);
	return rc;
}

int
holidays_import(struct store *st, uint64_t now_ms, const char *json,
    size_t len, struct holidays_summary *out, char *why, size_t whylen)
{
	int rc;

	memset(out, 0, sizeof(*out));
	/* A bad document is refused without taking the write lock. */
	if ((rc = cal_holidays_parse_json(json, len, NULL, NULL, why,
	    whylen)) != 0)
		return rc;
	if ((rc = store_begin(st)) != 0)
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	if ((rc = holidays_import_tx(st, now_ms, json, len, out, why,
	    whylen)) == 0)
		rc = store_commit(st);
	if (rc != 0) {
		fail(st, rc, why, whylen);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

/* Whether day is a holiday without any record: shipped, or Christmas
 * Day or Good Friday (rule-based, every year). */
static bool
shipped(cal_day day, const char **title)
{
	int y, m, d;

	*title = cal_bank_holiday_title(day);
	if (*title != NULL)
		return true;
	if (cal_weekday(day) >= 5 || cal_is_working(NULL, day))
		return false;
	cal_to_ymd(day, &y, &m, &d);
	*title = m == 12 && d == 25 ? "Christmas Day" : "Good Friday";
	return true;
}

/* Whether the rules alone (weekend, Christmas Day, Good Friday) make day
 * non-working, so that no override can make it a working day. */
static bool
never_working(cal_day day)
{
	return !cal_is_working(NULL, day);
}

int
holidays_set_tx(struct store *st, uint64_t now_ms, cal_day day,
    bool working, const char *title, bool *changed, char *why,
    size_t whylen)
{
	const char *stitle;
	struct rec *recs = NULL;
	const struct rec *r;
	char d[11];
	size_t n = 0, changes = 0;
	int rc;

	*changed = false;
	if (!cal_valid(day))
		return why_set(why, whylen, IRO_EINVAL, "date out of range");
	cal_format(day, d);
	if (working && never_working(day))
		return why_set(why, whylen, IRO_EINVAL, "%s cannot be made a "
		    "working day (weekends, Christmas Day and Good Friday never "
		    "are)", d);
	if ((rc = load(st, &recs, &n)) != 0)
		goto out;
	r = find(recs, n, day);
	if (working && r == NULL && !shipped(day, &stitle)) {
		rc = why_set(why, whylen, IRO_EINVAL, "%s is not a bank "
		    "holiday, so there is nothing to cancel", d);
		goto out;
	}
	rc = put(st, now_ms, day, working, title, &changes, changed, why,
	    whylen);
out:
	if (rc == IRO_EIO || rc == IRO_EBUSY)
		why_set(why, whylen, rc, "%s", store_errmsg(st));
	if (rc != 0)
		*changed = false;
	free(recs);
	return rc;
}

int
holidays_set(struct store *st, uint64_t now_ms, cal_day day, bool working,
    const char *title, bool *changed, char *why, size_t whylen)
{
	int rc;

	*changed = false;
	if ((rc = store_begin(st)) != 0)
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	if ((rc = holidays_set_tx(st, now_ms, day, working, title, changed,
	    why, whylen)) == 0)
		rc = store_commit(st);
	if (rc != 0) {
		fail(st, rc, why, whylen);
		*changed = false;
	}
	return rc;
}

/* Append e to *out (growing it). */
static int
emit(struct holidays_entry **out, size_t *n, size_t *cap,
    const struct holidays_entry *e)
{
	struct holidays_entry *p;

	if (*n == *cap) {
		*cap = *cap == 0 ? 32 : *cap * 2;
		if ((p = realloc(*out, *cap * sizeof(*p))) == NULL)
			return IRO_ENOMEM;
		*out = p;
	}
	(*out)[(*n)++] = *e;
	return 0;
}

int
holidays_list(struct store *st, cal_day from, cal_day to,
    struct holidays_entry **out, size_t *n)
{
	struct holidays_entry e;
	const char *stitle;
	struct rec *recs = NULL;
	const struct rec *r;
	size_t nrecs = 0, cap = 0;
	cal_day day;
	int rc;

	*out = NULL;
	*n = 0;
	if (!cal_valid(from) || !cal_valid(to) || from > to)
		return IRO_EINVAL;
	if ((rc = load(st, &recs, &nrecs)) != 0)
		return rc;
	for (day = from; day <= to && rc == 0; day++) {
		memset(&e, 0, sizeof(e));
		e.day = day;
		r = find(recs, nrecs, day);
		if (r != NULL) {
			e.source = HOLIDAYS_SERVER;
			e.working = r->working;
			snprintf(e.title, sizeof(e.title), "%s", r->title);
			if (e.title[0] == '\0' && shipped(day, &stitle))
				snprintf(e.title, sizeof(e.title), "%s",
				    stitle);
		} else if (shipped(day, &stitle) && cal_weekday(day) < 5) {
			e.source = HOLIDAYS_SHIPPED;
			snprintf(e.title, sizeof(e.title), "%s", stitle);
		} else {
			continue;
		}
		rc = emit(out, n, &cap, &e);
	}
	free(recs);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
