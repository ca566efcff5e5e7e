/*
 * ssda903_derive.c - the checks between the rows and tables of an
 * SSDA903 extract, and what is derived for each child from its episodes
 * (ssda903.h says which field comes from where).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "iro_error.h"
#include "ssda903_int.h"

/* The REC that continues the period of care; every other ends it. */
#define REC_CONTINUES "X1"

static const char *
file_of(const struct s9 *s, int table)
{
	return s->t[table].name != NULL ? s->t[table].name : "-";
}

static int
cmp_child(const void *a, const void *b)
{
	const struct ssda903_child *x = a, *y = b;
	int c = strcmp(x->child_id, y->child_id);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort the children and drop (reporting) every later duplicate. */
static void
children_unique(struct s9 *s)
{
	struct ssda903_extract *x = s->x;
	size_t i, o = 0;

	if (x->nchildren == 0)
		return;
	qsort(x->children, x->nchildren, sizeof(*x->children), cmp_child);
	for (i = 1; i < x->nchildren; i++) {
		if (strcmp(x->children[i].child_id,
		    x->children[o].child_id) == 0) {
			s9_problem(s, SSDA903_HEADER, x->children[i].line,
			    "CHILD '%s' is also on line %zu",
			    x->children[i].child_id, x->children[o].line);
			continue;
		}
		x->children[++o] = x->children[i];
	}
	x->nchildren = o + 1;
}

/* The child a row names, or NULL after reporting it unknown. */
static struct ssda903_child *
known_child(struct s9 *s, int table, size_t line, const char *id)
{
	long i = ssda903_find(s->x, id);

	if (i >= 0)
		return &s->x->children[i];
	if (s->unread[SSDA903_HEADER] == 0)
		s9_problem(s, table, line, "CHILD '%s' is not in the Header table "
	    "('%s')", id, file_of(s, SSDA903_HEADER));
	return NULL;
}

static int
cmp_episode(const void *a, const void *b)
{
	const struct s9_episode *x = a, *y = b;
	int c = strcmp(x->child_id, y->child_id);

	if (c != 0)
		return c;
	if (x->decom != y->decom)
		return x->decom < y->decom ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool
ends_care(const struct s9_episode *e)
{
	return e->rec[0] != '\0' && strcmp(e->rec, REC_CONTINUES) != 0;
}

/* One episode on its own and against the one before it (prev may be
 * NULL); next says whether another follows. */
static void
check_episode(struct s9 *s, const struct ssda903_child *ch,
    const struct s9_episode *prev, const struct s9_episode *e, bool next)
{
	const int T = SSDA903_EPISODES;
	char d1[11], d2[11];

	cal_format_uk(e->decom, d1);
	if (ch->dob != S9_NO_DAY && e->decom < ch->dob)
		s9_problem(s, T, e->line, "DECOM %s is before the child's "
		    "date of birth", d1);
	if (e->has_dec && e->dec < e->decom) {
		cal_format_uk(e->dec, d2);
		s9_problem(s, T, e->line, "DEC %s is before DECOM %s", d2, d1);
	}
	if (e->has_dec != e->has_rec)
		s9_problem(s, T, e->line, "DEC and REC must be given together "
		    "(an episode that ended has both)");
	if (!next && strcmp(e->rec, REC_CONTINUES) == 0)
		s9_problem(s, T, e->line, "REC 'X1' says another episode "
		    "follows, but this is the child's last");
	if (prev == NULL)
		return;
	if (prev->decom == e->decom) {
		s9_problem(s, T, e->line, "another episode of CHILD '%s' also "
		    "starts on %s (line %zu)", e->child_id, d1, prev->line);
		return;
	}
	if (!prev->has_dec)
		s9_problem(s, T, prev->line, "the episode has no DEC, but a "
		    "later one of CHILD '%s' starts on %s (line %zu)",
		    e->child_id, d1, e->line);
	else if (prev->dec > e->decom) {
		cal_format_uk(prev->dec, d2);
		s9_problem(s, T, e->line, "DECOM %s is before the previous "
		    "episode's DEC %s (line %zu)", d1, d2, prev->line);
	}
	if (ends_care(prev) && e->rne[0] != '\0' && strcmp(e->rne, "S") != 0)
		s9_problem(s, T, e->line, "RNE must be 'S': the previous "
		    "episode (line %zu) ended the period of care", prev->line);
}

/* PLACE A3-A6 (the only A codes the extract accepts). */
static bool
placed_for_adoption(const struct s9_episode *e)
{
	return e->place[0] == 'A';
}

/* A placement order (E1) or freeing order (D1): authority to place. */
static bool
under_authority(const struct s9_episode *e)
{
	return strcmp(e->ls, "E1") == 0 || strcmp(e->ls, "D1") == 0;
}

/* When the adoption stage began: the DECOM of the first of the unbroken
 * run of episodes in that stage that ends with the last one, within the
 * current period of care (e[start..n)).  0 for stage "none". */
static cal_day
adoption_since(const struct s9_episode *e, size_t start, size_t n,
    const char *stage)
{
	bool (*in_stage)(const struct s9_episode *);
	size_t k;

	if (strcmp(stage, "placed") == 0)
		in_stage = placed_for_adoption;
	else if (strcmp(stage, "authority") == 0)
		in_stage = under_authority;
	else
		return 0;
	for (k = n - 1; k > start && in_stage(&e[k - 1]); k--)
		;
	return e[k].decom;
}

/* Derive ch's care and placement from its episodes e[0..n), sorted by
 * DECOM and already checked. */
static void
derive(struct s9 *s, struct ssda903_child *ch, const struct s9_episode *e,
    size_t n)
{
	const struct s9_episode *last = &e[n - 1];
	size_t i, start = n, k;

	for (i = 0; i < n; i++) {
		if (strcmp(e[i].rne, "S") == 0)
			start = i;
		else if (e[i].rne[0] == '\0')
			return;         /* a bad RNE, reported already */
	}
	if (start == n) {
		s9_problem(s, SSDA903_EPISODES, e[0].line, "no episode of "
		    "CHILD '%s' has RNE 'S', so the start of the period of "
		    "care is unknown", ch->child_id);
		return;
	}
	ch->care_start = e[start].decom;
	ch->care_ended = last->has_dec && ends_care(last);
	ch->care_end = ch->care_ended ? last->dec : 0;
	/* A change of legal status alone (RNE L) starts an episode but
	 * not a placement. */
	for (k = n - 1; k > start && strcmp(e[k].rne, "L") == 0; k--)
		;
	ch->placement_start = e[k].decom;
	memcpy(ch->legal_status, last->ls, sizeof(ch->legal_status));
	memcpy(ch->placement_type, last->place, sizeof(ch->placement_type));
	memcpy(ch->placement_provider, last->provider,
	    sizeof(ch->placement_provider));
	memcpy(ch->placement_postcode, last->postcode,
	    sizeof(ch->placement_postcode));
	memcpy(ch->placement_council, last->council,
	    sizeof(ch->placement_council));
	ch->long_term_foster = codes_is_long_term_foster(last->place);
	if (placed_for_adoption(last))
		ch->adoption_stage = "placed";
	else if (under_authority(last))
		ch->adoption_stage = "authority";
	else
		ch->adoption_stage = "none";
	ch->adoption_since = adoption_since(e, start, n, ch->adoption_stage);
}

static void
episodes(struct s9 *s)
{
	struct ssda903_child *ch;
	size_t i, j, k;

	if (s->neps > 0)
		qsort(s->eps, s->neps, sizeof(*s->eps), cmp_episode);
	for (i = 0; i < s->neps; i = j) {
		for (j = i + 1; j < s->neps && strcmp(s->eps[j].child_id,
		    s->eps[i].child_id) == 0; j++)
			;
		ch = known_child(s, SSDA903_EPISODES, s->eps[i].line,
		    s->eps[i].child_id);
		if (ch == NULL) {
			while (++i < j)
				known_child(s, SSDA903_EPISODES, s->eps[i].line,
				    s->eps[i].child_id);
			continue;
		}
		/* Episodes without a start sort first; with one of them the
		 * order is unknown, so only the problem already noted is. */
		if (s->eps[i].decom == S9_NO_DAY) {
			ch->adoption_stage = "none";
			continue;
		}
		for (k = i; k < j; k++)
			check_episode(s, ch, k > i ? &s->eps[k - 1] : NULL,
			    &s->eps[k], k + 1 < j);
		derive(s, ch, &s->eps[i], j - i);
		/* Set even when derive found a problem: it marks a child
		 * that has episodes. */
		if (ch->adoption_stage == NULL)
			ch->adoption_stage = "none";
	}
}

static int
cmp_review(const void *a, const void *b)
{
	const struct s9_review_row *x = a, *y = b;
	int c = strcmp(x->child_id, y->child_id);

	if (c != 0)
		return c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* PN0 if and only if the child is under 4 on the review date. */
static void
check_participation(struct s9 *s, const struct ssda903_child *ch,
    const struct s9_review_row *r)
{
	cal_day fourth;
	bool under4;

	if (ch->dob == S9_NO_DAY || cal_add_months(ch->dob, 48, &fourth) != 0)
		return;
	under4 = r->date < fourth;
	if (under4 && strcmp(r->code, "PN0") != 0)
		s9_problem(s, SSDA903_REVIEWS, r->line, "REVIEW_CODE must be "
		    "PN0: the child was under 4 on the review date, not %s",
		    r->code);
	else if (!under4 && strcmp(r->code, "PN0") == 0)
		s9_problem(s, SSDA903_REVIEWS, r->line, "REVIEW_CODE PN0 is "
		    "only for a child under 4, and the child was 4 or over on "
		    "the review date");
}

static int
reviews(struct s9 *s)
{
	const int T = SSDA903_REVIEWS;
	struct ssda903_extract *x = s->x;
	struct ssda903_child *ch;
	struct s9_review_row *r;
	char d1[11], d2[11];
	size_t i;

	if (s->nrevs == 0)
		return 0;
	qsort(s->revs, s->nrevs, sizeof(*s->revs), cmp_review);
	if ((x->reviews = calloc(s->nrevs, sizeof(*x->reviews))) == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < s->nrevs; i++) {
		r = &s->revs[i];
		if ((ch = known_child(s, T, r->line, r->child_id)) == NULL)
			continue;
		if (i > 0 && strcmp(s->revs[i - 1].child_id, r->child_id) ==
		    0 && s->revs[i - 1].date == r->date) {
			cal_format_uk(r->date, d1);
			s9_problem(s, T, r->line, "a review of CHILD '%s' on %s "
			    "is also on line %zu", r->child_id, d1,
			    s->revs[i - 1].line);
			continue;
		}
		if (ch->dob != S9_NO_DAY && r->has_dob && r->dob != ch->dob) {
			cal_format_uk(r->dob, d1);
			cal_format_uk(ch->dob, d2);
			s9_problem(s, T, r->line, "DOB %s differs from %s in "
			    "the Header table ('%s', line %zu)", d1, d2,
			    file_of(s, SSDA903_HEADER), ch->line);
		}
		if (ch->dob != S9_NO_DAY && r->date < ch->dob)
			s9_problem(s, T, r->line, "REVIEW is before the child's "
			    "date of birth");
		else
			check_participation(s, ch, r);
		x->reviews[x->nreviews].child = (size_t)(ch - x->children);
		x->reviews[x->nreviews].date = r->date;
		memcpy(x->reviews[x->nreviews].code, r->code,
		    sizeof(r->code));
		x->reviews[x->nreviews].line = r->line;
		x->nreviews++;
	}
	return 0;
}

static int
cmp_alloc(const void *a, const void *b)
{
	const struct s9_alloc *x = a, *y = b;
	int c = strcmp(x->child_id, y->child_id);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void
allocations(struct s9 *s)
{
	const int T = SSDA903_ALLOCATIONS;
	struct ssda903_child *ch;
	struct s9_alloc *a;
	size_t i;

	if (s->nallocs > 0)
		qsort(s->allocs, s->nallocs, sizeof(*s->allocs), cmp_alloc);
	for (i = 0; i < s->nallocs; i++) {
		a = &s->allocs[i];
		if ((ch = known_child(s, T, a->line, a->child_id)) == NULL)
			continue;
		if (ch->alloc_line != 0) {
			s9_problem(s, T, a->line, "CHILD '%s' is also on line "
			    "%zu", a->child_id, ch->alloc_line);
			continue;
		}
		ch->alloc_line = a->line;
		memcpy(ch->iro, a->iro, sizeof(ch->iro));
		memcpy(ch->given_name, a->given_name, sizeof(ch->given_name));
		memcpy(ch->family_name, a->family_name,
		    sizeof(ch->family_name));
		memcpy(ch->social_worker, a->social_worker,
		    sizeof(ch->social_worker));
	}
}

int
s9_cross_check(struct s9 *s)
{
	struct ssda903_extract *x = s->x;
	struct ssda903_child *ch;
	size_t i;
	int rc;

	children_unique(s);
	for (i = 0; i < x->nchildren; i++) {
		x->children[i].adoption_stage = NULL;
		x->children[i].adoption_since = 0;
	}
	episodes(s);
	if ((rc = reviews(s)) != 0)
		return rc;
	allocations(s);
	for (i = 0; i < x->nchildren; i++) {
		ch = &x->children[i];
		if (ch->adoption_stage == NULL &&
		    s->unread[SSDA903_EPISODES] == 0)
			s9_problem(s, SSDA903_HEADER, ch->line, "CHILD '%s' has "
			    "no episode in the Episodes table ('%s')",
			    ch->child_id, file_of(s, SSDA903_EPISODES));
		if (ch->alloc_line == 0 && s->unread[SSDA903_ALLOCATIONS] ==
		    0 && s->t[SSDA903_ALLOCATIONS].buf != NULL)
			s9_problem(s, SSDA903_HEADER, ch->line, "CHILD '%s' has "
			    "no row in the Allocations table ('%s')",
			    ch->child_id, file_of(s, SSDA903_ALLOCATIONS));
	}
	return 0;
}
