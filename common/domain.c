/*
 * domain.c - the casework rules that span fields or records
 * (docs/casework.md): review status transitions, PN0 if and only if the
 * child is under 4, reviews without a meeting only for settled long-term
 * fostering, placement codes valid for their date, flags that name a
 * child field.
 *
 * A rule is checked when the changes create the record or touch one of
 * the record's own fields the rule reads.  So a record that an earlier
 * import left breaking a rule (or a child whose data changed since) can
 * still be edited elsewhere; what an edit sets is always checked.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "codes.h"
#include "domain.h"
#include "iro_error.h"
#include "schema.h"
#include "why.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Longest value a rule reads: dates, codes and enumeration words. */
#define WORD_MAX 32

/* A record as it would be after the changes: changes first, then the
 * merged state, then the schema default. */
struct view {
	const struct schema_type *t;
	const struct merge_record *cur;    /* NULL when created */
	const struct change *const *ch;
	size_t n;
};


/* The latest of the changes to field name, or NULL. */
static const struct change *
changed(const struct view *v, const char *name)
{
	const struct change *best = NULL;
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct change *c = v->ch[i];

		if (strncmp(c->field, name, sizeof(c->field)) != 0)
			continue;
		if (best == NULL || stamp_cmp(&c->ts, &best->ts) > 0)
			best = c;
	}
	return best;
}

static bool
touched(const struct view *v, const char *name)
{
	return v->cur == NULL || changed(v, name) != NULL;
}

/*
 * The string value of field name after the changes, copied into
 * buf[WORD_MAX + 1]; NULL when it is nil, absent with no default, or not
 * a short string (schema_check_change refuses those; a rule then has
 * nothing to judge).
 */
static const char *
word(const struct view *v, const char *name, char *buf)
{
	const struct change *c = changed(v, name);
	const struct merge_field *mf;
	const struct schema_field *f;
	const struct value *val = NULL;

	if (c != NULL)
		val = &c->value;
	else if (v->cur != NULL &&
	    (mf = merge_field_find(v->cur, name)) != NULL &&
	    mf->current != NULL)
		val = &mf->current->value;
	if (val == NULL) {
		f = schema_field_find(v->t, name);
		if (f == NULL || f->dflt == NULL || strlen(f->dflt) > WORD_MAX)
			return NULL;
		return strcpy(buf, f->dflt);
	}
	if (val->type != VALUE_STR || val->s == NULL || val->len > WORD_MAX ||
	    memchr(val->s, '\0', val->len) != NULL)
		return NULL;
	memcpy(buf, val->s, val->len);
	buf[val->len] = '\0';
	return buf;
}

/* A date field after the changes; false when nil, absent or not a date. */
static bool
date_of(const struct view *v, const char *name, cal_day *out)
{
	char buf[WORD_MAX + 1];
	const char *s = word(v, name, buf);

	return s != NULL && cal_parse(s, out) == 0;
}

/* Whole years from dob to day (negative before birth).  A 29 February
 * birthday falls on 1 March in other years, as English law counts it. */
static int
age_on(cal_day dob, cal_day day)
{
	int by, bm, bd, y, m, d, age;

	cal_to_ymd(dob, &by, &bm, &bd);
	cal_to_ymd(day, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

/* Review status: what each status may become. */
static const struct {
	const char *from;
	const char *to;     /* comma-separated */
} transitions[] = {
	{ "planned", "held, adjourned, cancelled" },
	{ "adjourned", "held, cancelled" },
	{ "held", "completed" },
	{ "completed", "none" },
	{ "cancelled", "none" },
};

/* Whether word w is one of the items of the comma-separated list. */
static bool
listed(const char *list, const char *w)
{
	size_t len = strlen(w);
	const char *p = list;

	while (len > 0 && (p = strstr(p, w)) != NULL) {
		bool start = p == list || p[-1] == ' ';
		bool end = p[len] == '\0' || p[len] == ',';

		if (start && end)
			return true;
		p += len;
	}
	return false;
}

static int
check_review_status(const struct view *v, char *why, size_t whylen)
{
	const struct merge_field *mf;
	char nbuf[WORD_MAX + 1], obuf[WORD_MAX + 1];
	const char *to, *from = NULL;
	const char *allowed = NULL;
	size_t i;

	/* Any status on creation: imports create completed reviews. */
	if (v->cur == NULL || changed(v, "status") == NULL)
		return 0;
	to = word(v, "status", nbuf);
	mf = merge_field_find(v->cur, "status");
	if (mf != NULL && mf->current != NULL) {
		struct view old = { v->t, v->cur, NULL, 0 };

		from = word(&old, "status", obuf);
	} else {
		from = "planned";   /* never set: the default */
	}
	if (from == NULL)
		return 0;   /* a value the schema refuses; nothing to judge */
	for (i = 0; i < N(transitions); i++)
		if (strcmp(transitions[i].from, from) == 0)
			allowed = transitions[i].to;
	if (allowed == NULL)
		return 0;
	if (to != NULL && (strcmp(to, from) == 0 || listed(allowed, to)))
		return 0;
	if (to == NULL)
		return why_set(why, whylen, IRO_ESTATE,
		    "review status cannot be cleared (allowed from '%s': %s)",
		    from, allowed);
	return why_set(why, whylen, IRO_ESTATE,
	    "review status cannot go from '%s' to '%s' (allowed from '%s': %s)",
	    from, to, from, allowed);
}

static int
check_participation(const struct view *v, const struct view *child,
    char *why, size_t whylen)
{
	char pbuf[WORD_MAX + 1];
	const char *pn;
	cal_day dob, on;
	int age;

	if (child->cur == NULL ||
	    !(touched(v, "participation") || touched(v, "meeting_date")))
		return 0;
	pn = word(v, "participation", pbuf);
	if (pn == NULL || !date_of(v, "meeting_date", &on) ||
	    !date_of(child, "dob", &dob))
		return 0;
	age = age_on(dob, on);
	if (strcmp(pn, "PN0") == 0 && age >= 4)
		return why_set(why, whylen, IRO_EINVAL,
		    "participation 'PN0' is only for children under 4 on the "
		    "review date; the child was %d", age);
	if (strcmp(pn, "PN0") != 0 && age < 4)
		return why_set(why, whylen, IRO_EINVAL,
		    "participation '%s' is only for children aged 4 or over on "
		    "the review date; the child was %d (allowed: PN0)", pn,
		    age < 0 ? 0 : age);
	return 0;
}

static int
check_format(const struct view *v, const struct view *child, char *why,
    size_t whylen)
{
	char fbuf[WORD_MAX + 1], pbuf[WORD_MAX + 1], d1[11], d2[11];
	const char *format, *place;
	cal_day start, on, settled;

	if (child->cur == NULL ||
	    !(touched(v, "format") || touched(v, "meeting_date")))
		return 0;
	format = word(v, "format", fbuf);
	if (format == NULL || strcmp(format, "no_meeting") != 0)
		return 0;
	place = word(child, "placement_type", pbuf);
	if (!codes_is_long_term_foster(place))
		return why_set(why, whylen, IRO_EINVAL,
		    "format 'no_meeting' is only for a long-term foster "
		    "placement (U1, U4) of 12 months or more; the child's "
		    "placement_type is %s%s%s", place != NULL ? "'" : "",
		    place != NULL ? place : "not known",
		    place != NULL ? "'" : "");
	/* Without both dates the length cannot be judged, so it is not. */
	if (!date_of(child, "placement_start", &start) ||
	    !date_of(v, "meeting_date", &on))
		return 0;
	if (cal_add_months(start, 12, &settled) == 0 && settled <= on)
		return 0;
	cal_format(start, d1);
	cal_format(on, d2);
	return why_set(why, whylen, IRO_EINVAL,
	    "format 'no_meeting' is only for a long-term foster placement "
	    "(U1, U4) of 12 months or more; the placement began %s, less "
	    "than 12 months before the meeting_date %s", d1, d2);
}

static int
check_placement_type(const struct view *v, char *why, size_t whylen)
{
	char pbuf[WORD_MAX + 1], years[64], d[11];
	const char *place;
	cal_day start;

	if (!(touched(v, "placement_type") || touched(v, "placement_start")))
		return 0;
	place = word(v, "placement_type", pbuf);
	if (place == NULL || codes_find(&codes_placement_type, place) == NULL ||
	    !date_of(v, "placement_start", &start))
		return 0;
	if (codes_valid_on(&codes_placement_type, place, start))
		return 0;
	codes_years(&codes_placement_type, place, years, sizeof(years));
	cal_format(start, d);
	return why_set(why, whylen, IRO_EINVAL,
	    "placement_type '%s' is not valid on placement_start %s "
	    "(collection year %d-%02d; '%s' is valid %s)", place, d,
	    codes_year(start), (codes_year(start) + 1) % 100, place, years);
}

static int
check_flag(const struct view *v, char *why, size_t whylen)
{
	char fbuf[WORD_MAX + 1];
	const char *name;
	const struct schema_type *ct = schema_type_find("child");

	if (!touched(v, "field"))
		return 0;
	name = word(v, "field", fbuf);
	if (name == NULL || ct == NULL)
		return 0;
	if (strcmp(name, CHANGE_FIELD_DELETED) != 0 &&
	    schema_field_find(ct, name) != NULL)
		return 0;
	return why_set(why, whylen, IRO_EINVAL,
	    "flag field '%s' is not a field of a child record", name);
}

int
domain_check(const char *type, const struct merge_record *current,
    const struct change *const *changes, size_t n,
    const struct merge_record *child, char *why, size_t whylen)
{
	struct view v = { schema_type_find(type), current, changes, n };
	struct view c = { schema_type_find("child"), child, NULL, 0 };
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (changes == NULL || n == 0)
		return why_set(why, whylen, IRO_EINVAL, "no changes to check");
	if (v.t == NULL)
		return 0;   /* schema_check_change names the unknown type */
	if (strcmp(v.t->name, "review") == 0) {
		if ((rc = check_review_status(&v, why, whylen)) != 0 ||
		    (rc = check_participation(&v, &c, why, whylen)) != 0 ||
		    (rc = check_format(&v, &c, why, whylen)) != 0)
			return rc;
	} else if (strcmp(v.t->name, "child") == 0) {
		return check_placement_type(&v, why, whylen);
	} else if (strcmp(v.t->name, "flag") == 0) {
		return check_flag(&v, why, whylen);
	}
	return 0;
}

const char *
domain_child_ref(const char *type)
{
	static const char *const about_child[] = {
		"flag", "review", "visit", "note", "decision", "dispute",
	};
	size_t i;

	for (i = 0; type != NULL && i < N(about_child); i++)
		if (strcmp(about_child[i], type) == 0)
			return "child";
	return NULL;
}
