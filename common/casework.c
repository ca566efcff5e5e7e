/*
 * casework.c - the IRO's worklist: child summaries and the agenda.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework.h"
#include "iro_error.h"

static const char *const stage_names[CASEWORK_NSTAGES] = {
	"informal", "team_manager", "service_manager", "head_of_service",
	"director"
};

void
casework_settings_default(struct casework_settings *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->decisions_days = 5;
	s->record_days = 20;
	s->adjourn_days = 20;
	for (i = 0; i < CASEWORK_NSTAGES; i++)
		s->dispute_days[i] = 5;
}

static int
stage_index(const char *stage)
{
	int i;

	for (i = 0; stage != NULL && i < CASEWORK_NSTAGES; i++)
		if (strcmp(stage, stage_names[i]) == 0)
			return i;
	return -1;
}

/* A day count as a setting's value: plain digits, 0..SETTING_MAX. */
static int
parse_days(const char *value, int *out)
{
	int v = 0;
	size_t i;

	if (value == NULL || value[0] == '\0' || strlen(value) > 3)
		return IRO_EINVAL;
	for (i = 0; value[i] != '\0'; i++) {
		if (value[i] < '0' || value[i] > '9')
			return IRO_EINVAL;
		v = v * 10 + (value[i] - '0');
	}
	if (v > CASEWORK_SETTING_MAX)
		return IRO_EINVAL;
	*out = v;
	return 0;
}

int
casework_settings_set(struct casework_settings *s, const char *name,
    const char *value)
{
	static const char prefix[] = "dispute_days_";
	int *slot = NULL, i;

	if (s == NULL || name == NULL)
		return IRO_EINVAL;
	if (strcmp(name, "decisions_days") == 0)
		slot = &s->decisions_days;
	else if (strcmp(name, "record_days") == 0)
		slot = &s->record_days;
	else if (strcmp(name, "adjourn_days") == 0)
		slot = &s->adjourn_days;
	else if (strncmp(name, prefix, sizeof(prefix) - 1) == 0 &&
	    (i = stage_index(name + sizeof(prefix) - 1)) >= 0)
		slot = &s->dispute_days[i];
	if (slot == NULL)
		return IRO_ENOTFOUND;
	return parse_days(value, slot);
}

int
casework_stage_days(const struct casework_settings *s, const char *stage,
    int *out)
{
	int i = stage_index(stage);

	*out = 0;
	if (s == NULL || i < 0)
		return IRO_EINVAL;
	*out = s->dispute_days[i];
	return 0;
}

int
casework_review_status_parse(const char *s, enum casework_review_status *out)
{
	static const char *const names[] = {
		"planned", "held", "completed", "adjourned", "cancelled"
	};
	size_t i;

	*out = CASEWORK_REVIEW_PLANNED;
	for (i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum casework_review_status)i;
			return 0;
		}
	}
	return IRO_EINVAL;
}

int
casework_adoption_parse(const char *s, enum casework_adoption *out)
{
	*out = CASEWORK_ADOPTION_NONE;
	if (s == NULL)
		return IRO_EINVAL;
	if (strcmp(s, "none") == 0)
		return 0;
	if (strcmp(s, "authority") == 0)
		*out = CASEWORK_ADOPTION_AUTHORITY;
	else if (strcmp(s, "placed") == 0)
		*out = CASEWORK_ADOPTION_PLACED;
	else
		return IRO_EINVAL;
	return 0;
}

enum schedule_kind
casework_schedule(const struct casework_child *c)
{
	/* Without the date the stage began neither adoption clock can
	 * run; the child's reviews stay on the schedule they were on. */
	if (c->adoption_since != CASEWORK_NO_DATE &&
	    c->adoption == CASEWORK_ADOPTION_PLACED)
		return SCHEDULE_ADOPTION_PLACED;
	if (c->adoption_since != CASEWORK_NO_DATE &&
	    c->adoption == CASEWORK_ADOPTION_AUTHORITY)
		return SCHEDULE_ADOPTION_AUTHORITY;
	return c->short_breaks ? SCHEDULE_SHORT_BREAKS : SCHEDULE_STANDARD;
}

static bool
review_held(const struct casework_review *r)
{
	return (r->status == CASEWORK_REVIEW_HELD ||
	    r->status == CASEWORK_REVIEW_COMPLETED) &&
	    r->meeting_date != CASEWORK_NO_DATE;
}

/* In the current period of care (when its start is known). */
static bool
in_period(const struct casework_child *c, cal_day d)
{
	return c->care_start == CASEWORK_NO_DATE || d >= c->care_start;
}

/* A care_end before care_start belongs to an earlier period of care. */
static bool
care_ended(const struct casework_child *c)
{
	return c->care_end != CASEWORK_NO_DATE &&
	    (c->care_start == CASEWORK_NO_DATE || c->care_end >= c->care_start);
}

int
casework_next_review(const struct cal_holidays *h,
    const struct casework_child *c, struct schedule_due *out)
{
	struct schedule_input in;
	cal_day *held = NULL;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->basis = SCHEDULE_NONE;
	out->last_held = -1;
	if (c->care_start == CASEWORK_NO_DATE || care_ended(c))
		return 0;
	if (c->nreviews > SIZE_MAX / sizeof(*held))
		return IRO_ENOMEM;
	if (c->nreviews > 0 &&
	    (held = calloc(c->nreviews, sizeof(*held))) == NULL)
		return IRO_ENOMEM;
	memset(&in, 0, sizeof(in));
	in.kind = casework_schedule(c);
	in.care_start = c->care_start;
	in.adoption_since = c->adoption_since != CASEWORK_NO_DATE ?
	    c->adoption_since : SCHEDULE_NO_DATE;
	in.held = held;
	for (i = 0; i < c->nreviews; i++)
		if (review_held(&c->reviews[i]))
			held[in.nheld++] = c->reviews[i].meeting_date;
	rc = schedule_next_review(h, &in, out);
	free(held);
	return rc;
}

/* The latest held review of the current period of care, or NO_DATE. */
static cal_day
last_held(const struct casework_child *c)
{
	cal_day last = CASEWORK_NO_DATE;
	size_t i;

	for (i = 0; i < c->nreviews; i++) {
		const struct casework_review *r = &c->reviews[i];

		if (review_held(r) && in_period(c, r->meeting_date) &&
		    r->meeting_date > last)
			last = r->meeting_date;
	}
	return last;
}

static bool
consultation_done(const struct casework_child *c)
{
	cal_day since = last_held(c);
	size_t i;

	for (i = 0; i < c->nvisits; i++) {
		const struct casework_visit *v = &c->visits[i];

		if (!v->pre_review || !v->child_seen ||
		    v->date == CASEWORK_NO_DATE)
			continue;
		/* A visit on the day of the last review was for that one. */
		if (since != CASEWORK_NO_DATE ? v->date > since :
		    in_period(c, v->date))
			return true;
	}
	return false;
}

static int
str_cmp(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

/* The stage sent last (the ladder only goes up), or NULL. */
static const struct casework_stage *
current_stage(const struct casework_dispute *d)
{
	const struct casework_stage *best = NULL;
	size_t i;

	for (i = 0; i < d->nstages; i++) {
		const struct casework_stage *s = &d->stages[i];

		if (best == NULL || s->sent > best->sent ||
		    (s->sent == best->sent &&
		    stage_index(s->stage) > stage_index(best->stage)))
			best = s;
	}
	return best;
}

/* Waiting for an answer: the response date to chase, or NO_DATE. */
static cal_day
awaiting(const struct casework_stage *s)
{
	if (s == NULL || s->responded != CASEWORK_NO_DATE)
		return CASEWORK_NO_DATE;
	return s->response_due;
}

/* Whether open dispute a needs attention before b: an answer awaited
 * soonest first, then the latest opened. */
static bool
dispute_before(const struct casework_dispute *a,
    const struct casework_dispute *b)
{
	cal_day wa = awaiting(current_stage(a)), wb = awaiting(current_stage(b));

	if ((wa != CASEWORK_NO_DATE) != (wb != CASEWORK_NO_DATE))
		return wa != CASEWORK_NO_DATE;
	if (wa != wb)
		return wa < wb;
	if (a->opened != b->opened)
		return a->opened > b->opened;
	return str_cmp(a->id, b->id) < 0;
}

int
casework_summarize(const struct cal_holidays *h,
    const struct casework_child *c, cal_day today,
    struct casework_summary *out)
{
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->last_visit = CASEWORK_NO_DATE;
	out->out_of_area = c->out_of_area < 0 ? -1 : c->out_of_area > 0;
	if ((rc = casework_next_review(h, c, &out->next)) != 0)
		return rc;
	if (out->next.basis != SCHEDULE_NONE) {
		out->working_days_left = cal_working_days_between(h, today,
		    out->next.due);
		out->overdue = schedule_overdue(&out->next, today);
	}
	for (i = 0; i < c->nvisits; i++)
		if (c->visits[i].date != CASEWORK_NO_DATE &&
		    c->visits[i].date > out->last_visit)
			out->last_visit = c->visits[i].date;
	for (i = 0; i < c->ndecisions; i++) {
		if (!c->decisions[i].open)
			continue;
		out->open_decisions++;
		if (c->decisions[i].carried >= 2)
			out->drifting_decisions++;
	}
	for (i = 0; i < c->ndisputes; i++)
		if (c->disputes[i].open && (out->dispute == NULL ||
		    dispute_before(&c->disputes[i], out->dispute)))
			out->dispute = &c->disputes[i];
	if (out->dispute != NULL)
		out->stage = current_stage(out->dispute);
	out->consultation_done = consultation_done(c);
	return 0;
}

const char *
casework_item_kind_name(enum casework_item_kind k)
{
	switch (k) {
	case CASEWORK_ITEM_REVIEW_DUE: return "review_due";
	case CASEWORK_ITEM_CONSULTATION: return "consultation";
	case CASEWORK_ITEM_DECISION_DUE: return "decision_due";
	case CASEWORK_ITEM_DISPUTE_RESPONSE: return "dispute_response";
	case CASEWORK_ITEM_DECISIONS_DISTRIBUTE: return "decisions_distribute";
	case CASEWORK_ITEM_RECORD_COMPLETE: return "record_complete";
	}
	return "unknown";
}

/* What is being built, and the window it covers. */
struct build {
	const struct cal_holidays *h;
	const struct casework_settings *s;
	cal_day today, end;
	struct casework_agenda *a;
	size_t cap;
};

/*
 * Make text one printable line: control characters (free text may hold
 * newlines) become spaces, and a multi-byte character cut short by
 * truncation is dropped, so the line stays valid UTF-8.
 */
static void
one_line(char *text)
{
	size_t i, n = strlen(text), start, want;
	unsigned char lead;

	for (i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = ' ';
	if (n == 0 || ((unsigned char)text[n - 1] & 0x80) == 0)
		return;
	start = n - 1;
	while (start > 0 && ((unsigned char)text[start] & 0xc0) == 0x80)
		start--;
	lead = (unsigned char)text[start];
	want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (n - start < want)
		text[start] = '\0';
}

static int add(struct build *b, const struct casework_child *c,
    enum casework_item_kind kind, cal_day date, const char *record,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
add(struct build *b, const struct casework_child *c,
    enum casework_item_kind kind, cal_day date, const char *record,
    const char *fmt, ...)
{
	struct casework_item *it;
	va_list ap;

	if (date == CASEWORK_NO_DATE || date > b->end)
		return 0;
	if (b->a->n == b->cap) {
		size_t cap = b->cap > 0 ? b->cap * 2 : 16;
		struct casework_item *p;

		if (cap < b->cap || cap > SIZE_MAX / sizeof(*p))
			return IRO_ENOMEM;
		p = realloc(b->a->items, cap * sizeof(*p));
		if (p == NULL)
			return IRO_ENOMEM;
		b->a->items = p;
		b->cap = cap;
	}
	it = &b->a->items[b->a->n++];
	memset(it, 0, sizeof(*it));
	it->date = date;
	it->kind = kind;
	it->child = c;
	it->record = record;
	it->working_days_left = cal_working_days_between(b->h, b->today, date);
	it->overdue = date < b->today;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
	one_line(it->text);
	return 0;
}

static const char *
basis_word(enum schedule_basis basis)
{
	switch (basis) {
	case SCHEDULE_FIRST: return "first ";
	case SCHEDULE_SECOND: return "second ";
	default: return "";
	}
}

/* The planned (or adjourned) review of this period that comes first. */
static const struct casework_review *
planned_review(const struct casework_child *c)
{
	const struct casework_review *best = NULL;
	size_t i;

	for (i = 0; i < c->nreviews; i++) {
		const struct casework_review *r = &c->reviews[i];
		cal_day when = r->meeting_date != CASEWORK_NO_DATE ?
		    r->meeting_date : r->due;

		if ((r->status != CASEWORK_REVIEW_PLANNED &&
		    r->status != CASEWORK_REVIEW_ADJOURNED) ||
		    (when != CASEWORK_NO_DATE && !in_period(c, when)))
			continue;
		if (best == NULL || when < (best->meeting_date !=
		    CASEWORK_NO_DATE ? best->meeting_date : best->due))
			best = r;
	}
	return best;
}

static int
agenda_review(struct build *b, const struct casework_child *c)
{
	const struct casework_review *planned;
	struct schedule_due next;
	char due[11], meeting[11];
	cal_day consult;
	int rc;

	if ((rc = casework_next_review(b->h, c, &next)) != 0)
		return rc;
	if (next.basis == SCHEDULE_NONE)
		return 0;
	planned = planned_review(c);
	cal_format(next.due, due);
	meeting[0] = '\0';
	consult = next.due;
	if (planned != NULL && planned->meeting_date != CASEWORK_NO_DATE) {
		cal_format(planned->meeting_date, meeting);
		if (planned->meeting_date < consult)
			consult = planned->meeting_date;
	}
	if (next.due < b->today)
		rc = add(b, c, CASEWORK_ITEM_REVIEW_DUE, next.due,
		    planned != NULL ? planned->id : NULL,
		    "%sreview overdue since %s%s%s", basis_word(next.basis),
		    due, meeting[0] != '\0' ? ", meeting planned " : "",
		    meeting);
	else
		rc = add(b, c, CASEWORK_ITEM_REVIEW_DUE, next.due,
		    planned != NULL ? planned->id : NULL, "%sreview due%s%s",
		    basis_word(next.basis),
		    meeting[0] != '\0' ? ", meeting planned " : "", meeting);
	if (rc == 0 && !consultation_done(c))
		rc = add(b, c, CASEWORK_ITEM_CONSULTATION, consult,
		    planned != NULL ? planned->id : NULL,
		    "pre-review consultation with the child not yet done "
		    "(review due %s)", due);
	return rc;
}

static int
agenda_decisions(struct build *b, const struct casework_child *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < c->ndecisions; i++) {
		const struct casework_decision *d = &c->decisions[i];
		bool who = d->responsible != NULL && d->responsible[0] != '\0';

		if (!d->open)
			continue;
		rc = add(b, c, CASEWORK_ITEM_DECISION_DUE, d->due, d->id,
		    "decision due%s%s%s: %s", who ? " (" : "",
		    who ? d->responsible : "", who ? ")" : "",
		    d->text != NULL ? d->text : "");
	}
	return rc;
}

static int
agenda_disputes(struct build *b, const struct casework_child *c)
{
	char stage[64];
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && i < c->ndisputes; i++) {
		const struct casework_dispute *d = &c->disputes[i];
		const struct casework_stage *s;

		if (!d->open || (s = current_stage(d)) == NULL)
			continue;
		snprintf(stage, sizeof(stage), "%s",
		    s->stage != NULL ? s->stage : "");
		for (k = 0; stage[k] != '\0'; k++)
			if (stage[k] == '_')
				stage[k] = ' ';
		rc = add(b, c, CASEWORK_ITEM_DISPUTE_RESPONSE, awaiting(s),
		    s->id, "%s%sdispute: response due at the %s stage",
		    d->category != NULL ? d->category : "",
		    d->category != NULL ? " " : "", stage);
	}
	return rc;
}

static int
agenda_records(struct build *b, const struct casework_child *c)
{
	cal_day due;
	char held[11];
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < c->nreviews; i++) {
		const struct casework_review *r = &c->reviews[i];

		/* A completed review is done with, records or not (history
		 * imported from the council's extract comes completed). */
		if (r->status != CASEWORK_REVIEW_HELD || !review_held(r) ||
		    !in_period(c, r->meeting_date))
			continue;
		cal_format(r->meeting_date, held);
		if (r->decisions_distributed == CASEWORK_NO_DATE) {
			rc = schedule_deadline(b->h, r->meeting_date,
			    b->s->decisions_days, &due);
			if (rc == 0)
				rc = add(b, c, CASEWORK_ITEM_DECISIONS_DISTRIBUTE,
				    due, r->id, "distribute the decisions of "
				    "the review held %s", held);
		}
		if (rc == 0 && r->record_completed == CASEWORK_NO_DATE) {
			rc = schedule_deadline(b->h, r->meeting_date,
			    b->s->record_days, &due);
			if (rc == 0)
				rc = add(b, c, CASEWORK_ITEM_RECORD_COMPLETE, due,
				    r->id, "complete the record of the review "
				    "held %s", held);
		}
	}
	return rc;
}

static int
item_cmp(const void *pa, const void *pb)
{
	const struct casework_item *a = pa, *b = pb;
	int d;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if ((d = str_cmp(a->child->family_name, b->child->family_name)) != 0 ||
	    (d = str_cmp(a->child->given_name, b->child->given_name)) != 0 ||
	    (d = str_cmp(a->child->id, b->child->id)) != 0)
		return d;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return str_cmp(a->record, b->record);
}

int
casework_agenda(const struct cal_holidays *h,
    const struct casework_settings *s, const struct casework_child *children,
    size_t n, cal_day today, int days, struct casework_agenda **out)
{
	struct build b;
	size_t i;
	int rc;

	*out = NULL;
	if (s == NULL || (children == NULL && n > 0) || days < 0 ||
	    days > CASEWORK_DAYS_MAX)
		return IRO_EINVAL;
	memset(&b, 0, sizeof(b));
	b.h = h;
	b.s = s;
	b.today = today;
	if ((rc = cal_add_working_days(h, today, days, &b.end)) != 0)
		return rc;
	if ((b.a = calloc(1, sizeof(*b.a))) == NULL)
		return IRO_ENOMEM;
	for (i = 0, rc = 0; rc == 0 && i < n; i++) {
		if ((rc = agenda_review(&b, &children[i])) == 0 &&
		    (rc = agenda_decisions(&b, &children[i])) == 0 &&
		    (rc = agenda_disputes(&b, &children[i])) == 0)
			rc = agenda_records(&b, &children[i]);
	}
	if (rc != 0) {
		casework_agenda_free(b.a);
		return rc;
	}
	if (b.a->n > 1)
		qsort(b.a->items, b.a->n, sizeof(*b.a->items), item_cmp);
	*out = b.a;
	return 0;
}

void
casework_agenda_free(struct casework_agenda *a)
{
	if (a == NULL)
		return;
	free(a->items);
	free(a);
}
