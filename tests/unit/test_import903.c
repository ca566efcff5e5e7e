/*
 * test_import903.c - the SSDA903 reader (what is derived for each child
 * from its episodes, the review rows, every problem with its file and
 * line) and the import into a store (idempotent, all or nothing, checks
 * against the store, out_of_area against the council setting).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "crypto.h"
#include "import903.h"
#include "iro_error.h"
#include "settings.h"
#include "support/srvtest.h"
#include "ssda903.h"
#include "store.h"
#include "upsert.h"

#define HEADER "CHILD,SEX,DOB\n"
#define EPISODES "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC,PL_POST\n"
#define REVIEWS "CHILD,DOB,REVIEW,REVIEW_CODE\n"
#define ALLOC "CHILD,IRO,GIVEN_NAME,FAMILY_NAME\n"

/* The problems a parse reported, as "FILE:LINE: reason" lines. */
struct seen {
	char text[8192];
	size_t n;
};

static void
collect(void *ctx, const char *file, size_t line, const char *reason)
{
	struct seen *s = ctx;
	size_t o = strlen(s->text);

	snprintf(s->text + o, sizeof(s->text) - o, "%s:%zu: %s\n", file, line,
	    reason);
	s->n++;
}

static cal_day
day(const char *iso)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(iso, &d), 0);
	return d;
}

/* Parse the four tables (reviews may be NULL) as of 2026-06-01. */
static int
parse(const char *header, const char *episodes, const char *reviews,
    const char *alloc, struct ssda903_extract *x, struct seen *s)
{
	struct ssda903_text t[SSDA903_TABLES] = {
		{ "header.csv", header, header != NULL ? strlen(header) : 0 },
		{ "episodes.csv", episodes,
		  episodes != NULL ? strlen(episodes) : 0 },
		{ "reviews.csv", reviews, reviews != NULL ? strlen(reviews) : 0 },
		{ "alloc.csv", alloc, alloc != NULL ? strlen(alloc) : 0 },
	};
	struct ssda903_opts o = { .problem = collect, .problem_ctx = s };

	memset(s, 0, sizeof(*s));
	o.today = day("2026-06-01");
	return ssda903_parse(t, &o, x);
}

static const struct ssda903_child *
child(const struct ssda903_extract *x, const char *id)
{
	long i = ssda903_find(x, id);

	assert_true(i >= 0);
	return &x->children[i];
}

/* One child with one open episode, and the extra rows given. */
static int
parse_one(const char *episodes, const char *reviews, struct seen *s)
{
	struct ssda903_extract x;
	int rc;

	rc = parse(HEADER "A1,F,10/05/2015\n",
	    episodes != NULL ? episodes : EPISODES
	    "A1,01/02/2024,S,C2,U6,PR1,,,LS1 4AP\n",
	    reviews, ALLOC "A1,alice,Ann,Lee\n", &x, s);
	ssda903_extract_clear(&x);
	return rc;
}

/* The parse must fail with exactly one problem, whose line is want. */
static void
expect_problem(const char *episodes, const char *reviews, const char *want)
{
	struct seen s;

	assert_int_equal(parse_one(episodes, reviews, &s), IRO_EINVAL);
	if (strstr(s.text, want) == NULL || s.n != 1)
		fail_msg("wanted one problem '%s', got %zu:\n%s", want, s.n,
		    s.text);
}

static void
test_derive_periods_and_placements(void **state)
{
	struct ssda903_extract x;
	const struct ssda903_child *c;
	struct seen s;

	(void)state;
	/* Columns in another order, extra columns, a 1-digit date, SEX 1. */
	assert_int_equal(parse(
	    "UPN,DOB,CHILD,ETHNIC,SEX\n"
	    "X,4/3/2012,C1,WBRI,2\n"
	    "X,01/02/2010,C3,WBRI,1\n",
	    "URN,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,PL_POST,"
	    "PL_LA\n"
	    "U,C1,15/06/2023,S,C1,N1,U6,PR1,02/10/2023,X1,LS6 2QT,E1\n"
	    "U,C1,10/01/2024,L,C2,N1,U4,PR1,,,ls73jh,E1\n"
	    "U,C1,02/10/2023,P,C1,N1,U4,PR1,10/01/2024,X1,LS7 3JH,E1\n"
	    "U,C3,01/01/2019,S,V2,N4,K2,PR4,01/06/2019,E13,BD1 1HY,E2\n"
	    "U,C3,03/03/2024,S,C2,N4,K2,PR4,30/04/2025,E4A,bd1 2,\n",
	    REVIEWS "C1,04/03/2012,10/07/2023,PN1\n"
	    "C3,01/02/2010,20/01/2019,PN4\n",
	    ALLOC "C3,bob,Cal,Day\nC1,alice,Amy,Hart\n", &x, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(x.nchildren, 2);
	assert_true(x.has_council);
	assert_true(x.has_names);
	c = child(&x, "C1");
	assert_string_equal(c->sex, "F");
	assert_int_equal(c->dob, day("2012-03-04"));
	assert_int_equal(c->care_start, day("2023-06-15"));
	assert_false(c->care_ended);
	/* The legal status changed on 10/01/2024 (RNE L), not the
	 * placement, which began on 02/10/2023. */
	assert_int_equal(c->placement_start, day("2023-10-02"));
	assert_string_equal(c->legal_status, "C2");
	assert_string_equal(c->placement_type, "U4");
	assert_string_equal(c->placement_postcode, "LS7 3JH");
	assert_string_equal(c->placement_council, "E1");
	assert_true(c->long_term_foster);
	assert_string_equal(c->adoption_stage, "none");
	assert_string_equal(c->iro, "alice");
	assert_string_equal(c->given_name, "Amy");
	c = child(&x, "C3");
	assert_string_equal(c->sex, "M");
	/* The latest episode with RNE S starts the current period. */
	assert_int_equal(c->care_start, day("2024-03-03"));
	assert_true(c->care_ended);
	assert_int_equal(c->care_end, day("2025-04-30"));
	assert_string_equal(c->placement_postcode, "BD1 2");
	assert_string_equal(c->placement_council, "");
	assert_false(c->long_term_foster);
	assert_int_equal(x.nreviews, 2);
	assert_string_equal(x.children[x.reviews[0].child].child_id, "C1");
	assert_int_equal(x.reviews[0].date, day("2023-07-10"));
	assert_string_equal(x.reviews[0].code, "PN1");
	assert_int_equal(x.reviews[1].line, 3);
	ssda903_extract_clear(&x);
}

static void
test_derive_adoption_and_no_council(void **state)
{
	struct ssda903_extract x;
	struct seen s;

	(void)state;
	assert_int_equal(parse(HEADER "P1,U,11/11/2019\nP2,M,01/01/2018\n",
	    EPISODES "P1,10/02/2025,S,E1,A5,PR1,,,LS16 6NB\n"
	    "P2,10/02/2025,S,E1,U6,PR1,,,\n",
	    NULL, "CHILD,IRO\nP1,\nP2,alice\n", &x, &s), 0);
	assert_false(x.has_council);
	assert_false(x.has_names);
	assert_string_equal(child(&x, "P1")->adoption_stage, "placed");
	assert_int_equal(child(&x, "P1")->adoption_since, day("2025-02-10"));
	assert_string_equal(child(&x, "P1")->iro, "");
	assert_string_equal(child(&x, "P2")->adoption_stage, "authority");
	assert_int_equal(child(&x, "P2")->adoption_since, day("2025-02-10"));
	assert_string_equal(child(&x, "P2")->placement_postcode, "");
	assert_int_equal(x.nreviews, 0);
	ssda903_extract_clear(&x);
}

/* adoption_since: the start of the unbroken run of episodes in the
 * child's adoption stage that ends with the last one, within the
 * current period of care. */
static void
test_derive_adoption_since(void **state)
{
	struct ssda903_extract x;
	struct seen s;

	(void)state;
	assert_int_equal(parse(HEADER "Q1,F,01/01/2018\nQ2,M,01/01/2018\n"
	    "Q3,F,01/01/2018\nQ4,M,01/01/2018\nQ5,F,01/01/2018\n",
	    EPISODES
	    /* care order, then a placement order, then placed */
	    "Q1,01/03/2024,S,C2,U6,PR1,15/01/2025,X1,\n"
	    "Q1,15/01/2025,L,E1,U6,PR1,20/05/2025,X1,\n"
	    "Q1,20/05/2025,P,E1,A6,PR1,,,\n"
	    /* authority across a change of placement */
	    "Q2,01/03/2024,S,C2,U6,PR1,15/01/2025,X1,\n"
	    "Q2,15/01/2025,L,E1,U6,PR1,01/04/2025,X1,\n"
	    "Q2,01/04/2025,P,E1,U5,PR1,,,\n"
	    /* an authority in an earlier period of care does not count */
	    "Q3,01/01/2020,S,E1,A5,PR1,01/06/2020,E11,\n"
	    "Q3,01/09/2024,S,E1,U6,PR1,,,\n"
	    /* placed, disrupted, placed again: the latest placement */
	    "Q4,01/03/2025,S,E1,A5,PR1,01/05/2025,X1,\n"
	    "Q4,01/05/2025,P,E1,U6,PR1,01/08/2025,X1,\n"
	    "Q4,01/08/2025,P,E1,A4,PR1,,,\n"
	    /* placed, then disrupted: authority since the order */
	    "Q5,01/03/2025,S,E1,A5,PR1,01/05/2025,X1,\n"
	    "Q5,01/05/2025,P,E1,U6,PR1,,,\n",
	    NULL, "CHILD,IRO\nQ1,\nQ2,\nQ3,\nQ4,\nQ5,\n", &x, &s), 0);
	assert_int_equal(s.n, 0);
	assert_string_equal(child(&x, "Q1")->adoption_stage, "placed");
	assert_int_equal(child(&x, "Q1")->adoption_since, day("2025-05-20"));
	assert_string_equal(child(&x, "Q2")->adoption_stage, "authority");
	assert_int_equal(child(&x, "Q2")->adoption_since, day("2025-01-15"));
	assert_string_equal(child(&x, "Q3")->adoption_stage, "authority");
	assert_int_equal(child(&x, "Q3")->adoption_since, day("2024-09-01"));
	assert_string_equal(child(&x, "Q4")->adoption_stage, "placed");
	assert_int_equal(child(&x, "Q4")->adoption_since, day("2025-08-01"));
	assert_string_equal(child(&x, "Q5")->adoption_stage, "authority");
	assert_int_equal(child(&x, "Q5")->adoption_since, day("2025-03-01"));
	ssda903_extract_clear(&x);
}

static void
test_problem_values(void **state)
{
	(void)state;
	expect_problem(EPISODES "A1,31/02/2024,S,C2,U6,PR1,,,\n", NULL,
	    "episodes.csv:2: DECOM: expected a date dd/mm/yyyy, got "
	    "'31/02/2024'");
	expect_problem(EPISODES "A1,01/02/2027,S,C2,U6,PR1,,,\n", NULL,
	    "episodes.csv:2: DECOM 01/02/2027 is in the future");
	expect_problem(EPISODES "A1,01/02/2024,S,X9,U6,PR1,,,\n", NULL,
	    "episodes.csv:2: LS 'X9' is not one of C1, C2");
	expect_problem(EPISODES "A1,01/02/2024,Q,C2,U6,PR1,,,\n", NULL,
	    "episodes.csv:2: RNE 'Q' is not one of S, L");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U9,PR1,,,\n", NULL,
	    "episodes.csv:2: PLACE 'U9' is not one of");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR9,,,\n", NULL,
	    "episodes.csv:2: PLACE_PROVIDER 'PR9' is not one of");
	expect_problem(EPISODES "A1,01/02/2022,S,C2,K3,PR1,,,\n", NULL,
	    "episodes.csv:2: PLACE 'K3' is not valid for an episode starting "
	    "01/02/2022 (valid from 2024-25)");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,,,NOWHERE\n", NULL,
	    "episodes.csv:2: PL_POST: expected a UK postcode");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,01/03/2024,"
	    "E99,\n", NULL, "episodes.csv:2: REC 'E99' is not one of");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,,,,extra\n",
	    NULL, "episodes.csv:2: 10 fields, but the header row has 9");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,,,\n",
	    REVIEWS "A1,10/05/2015,01/03/2024,PN8\n",
	    "reviews.csv:2: REVIEW_CODE 'PN8' is not one of PN0");
}

static void
test_problem_episodes(void **state)
{
	(void)state;
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,01/01/2024,E4A,\n",
	    NULL, "episodes.csv:2: DEC 01/01/2024 is before DECOM 01/02/2024");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,01/03/2024,,\n",
	    NULL, "episodes.csv:2: DEC and REC must be given together");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,01/03/2024,X1,\n",
	    NULL, "episodes.csv:2: REC 'X1' says another episode follows");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,,,\n"
	    "A1,01/03/2024,P,C2,U4,PR1,,,\n", NULL,
	    "episodes.csv:2: the episode has no DEC, but a later one of CHILD "
	    "'A1' starts on 01/03/2024 (line 3)");
	expect_problem(EPISODES "A1,01/03/2024,P,C2,U4,PR1,,,\n"
	    "A1,01/02/2024,S,C2,U6,PR1,05/03/2024,X1,\n", NULL,
	    "episodes.csv:2: DECOM 01/03/2024 is before the previous "
	    "episode's DEC 05/03/2024 (line 3)");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,01/03/2024,X1,\n"
	    "A1,01/02/2024,P,C2,U4,PR1,,,\n", NULL,
	    "episodes.csv:3: another episode of CHILD 'A1' also starts on "
	    "01/02/2024 (line 2)");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,01/03/2024,E4A,\n"
	    "A1,01/04/2024,P,C2,U4,PR1,,,\n", NULL,
	    "episodes.csv:3: RNE must be 'S': the previous episode (line 2) "
	    "ended the period of care");
	expect_problem(EPISODES "A1,01/02/2024,P,C2,U6,PR1,,,\n", NULL,
	    "episodes.csv:2: no episode of CHILD 'A1' has RNE 'S'");
	expect_problem(EPISODES "A1,01/02/2014,S,C2,U6,PR1,,,\n", NULL,
	    "episodes.csv:2: DECOM 01/02/2014 is before the child's date of "
	    "birth");
	expect_problem(EPISODES "A1,01/02/2024,S,C2,U6,PR1,,,\n"
	    "B7,01/02/2024,S,C2,U6,PR1,,,\n", NULL,
	    "episodes.csv:3: CHILD 'B7' is not in the Header table "
	    "('header.csv')");
}

static void
test_problem_reviews(void **state)
{
	const char *ep = EPISODES "A1,01/02/2018,S,C2,U6,PR1,,,\n";

	(void)state;
	expect_problem(ep, REVIEWS "A1,11/05/2015,01/03/2024,PN1\n",
	    "reviews.csv:2: DOB 11/05/2015 differs from 10/05/2015 in the "
	    "Header table ('header.csv', line 2)");
	expect_problem(ep, REVIEWS "A1,10/05/2015,01/03/2019,PN1\n",
	    "reviews.csv:2: REVIEW_CODE must be PN0: the child was under 4");
	/* The fourth birthday itself is no longer under 4. */
	expect_problem(ep, REVIEWS "A1,10/05/2015,10/05/2019,PN0\n",
	    "reviews.csv:2: REVIEW_CODE PN0 is only for a child under 4");
	expect_problem(ep, REVIEWS "A1,10/05/2015,01/03/2024,PN1\n"
	    "A1,10/05/2015,01/03/2024,PN2\n",
	    "reviews.csv:3: a review of CHILD 'A1' on 01/03/2024 is also on "
	    "line 2");
	expect_problem(ep, REVIEWS "Z9,10/05/2015,01/03/2024,PN1\n",
	    "reviews.csv:2: CHILD 'Z9' is not in the Header table");
	expect_problem(ep, REVIEWS "A1,10/05/2015,01/03/2014,PN0\n",
	    "reviews.csv:2: REVIEW is before the child's date of birth");
	expect_problem(ep, "CHILD,DOB,REVIEW\nA1,10/05/2015,01/03/2024\n",
	    "reviews.csv:1: no column 'REVIEW_CODE' in the header row");
}

static void
test_problem_tables(void **state)
{
	struct ssda903_extract x;
	struct seen s;

	(void)state;
	/* Every bad line of every table is reported, in table order. */
	assert_int_equal(parse(
	    HEADER "A1,F,10/05/2015\nA1,F,10/05/2015\nB2,Q,10/05/2015\n"
	    "C3,M,10/05/2015\nD4,M,10/05/2015\n",
	    EPISODES "A1,01/02/2024,S,C2,U6,PR1,,,\nB2,01/02/2024,S,C2,U6,"
	    "PR1,,,\nD4,01/02/2024,S,C2,U6,PR1,,,\n",
	    REVIEWS "\"unclosed,x\n",
	    "CHILD,IRO,FAMILY_NAME\nA1,alice,Lee\nA1,alice,Lee\nB2,not valid,"
	    "X\nC3,bob,\nE5,bob,X\n", &x, &s), IRO_EINVAL);
	assert_int_equal(x.nchildren, 0);
	assert_int_equal(x.problems, s.n);
	assert_string_equal(s.text,
	    "header.csv:3: CHILD 'A1' is also on line 2\n"
	    "header.csv:4: SEX 'Q' is not one of M, F, U\n"
	    "header.csv:5: CHILD 'C3' has no episode in the Episodes table "
	    "('episodes.csv')\n"
	    "header.csv:6: CHILD 'D4' has no row in the Allocations table "
	    "('alloc.csv')\n"
	    "reviews.csv:2: quoted field 1 is never closed\n"
	    "alloc.csv:3: CHILD 'A1' is also on line 2\n"
	    "alloc.csv:4: IRO: username 'not valid' may only hold letters, "
	    "digits, '.', '_' and '-'\n"
	    "alloc.csv:6: CHILD 'E5' is not in the Header table "
	    "('header.csv')\n");
	ssda903_extract_clear(&x);
}

static void
test_problem_files(void **state)
{
	struct ssda903_extract x;
	struct seen s;

	(void)state;
	assert_int_equal(parse("", EPISODES, NULL, NULL, &x, &s), IRO_EINVAL);
	assert_string_equal(s.text,
	    "header.csv:1: the file is empty: expected a header row naming "
	    "the columns\nalloc.csv:0: the table is missing\n");
	assert_int_equal(parse("CHILD,DOB,CHILD\n", EPISODES,
	    NULL, "CHILD,IRO\n", &x, &s), IRO_EINVAL);
	assert_string_equal(s.text,
	    "header.csv:1: column 'CHILD' is named twice\n"
	    "header.csv:1: no column 'SEX' in the header row\n");
	ssda903_extract_clear(&x);
}

/* ---- the import into a store ---------------------------------------- */

struct fixture {
	char dir[256];
	struct store *st;
	struct import903_paths p;
	char paths[4][300];
};

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
add_user(struct store *st, const char *name, enum schema_role role)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "%s", name);
	u.role = role;
	snprintf(u.pwhash, sizeof(u.pwhash), "x");
	assert_int_equal(store_user_add(st, &u), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	size_t i;

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	add_user(f->st, "alice", SCHEMA_ROLE_IRO);
	add_user(f->st, "mike", SCHEMA_ROLE_MANAGER);
	for (i = 0; i < 4; i++)
		snprintf(f->paths[i], sizeof(f->paths[i]), "%s/t%zu.csv", f->dir,
		    i);
	f->p.header = f->paths[0];
	f->p.episodes = f->paths[1];
	f->p.reviews = f->paths[2];
	f->p.allocations = f->paths[3];
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	srvtest_rmtree(f->dir);
	free(f);
	return 0;
}

static void
write_extract(struct fixture *f, const char *episodes, const char *alloc)
{
	write_file(f->paths[0], HEADER "K1,F,10/05/2015\nK2,M,01/01/2024\n");
	write_file(f->paths[1], episodes);
	write_file(f->paths[2], REVIEWS "K1,10/05/2015,01/03/2024,PN1\n"
	    "K2,01/01/2024,02/03/2024,PN0\n");
	write_file(f->paths[3], alloc);
}

static int
run(struct fixture *f, struct import903_summary *sum, struct seen *s)
{
	struct import903_opts o = { .problem = collect, .problem_ctx = s };
	char why[256];

	memset(s, 0, sizeof(*s));
	o.now_ms = (uint64_t)day("2026-06-01") * 86400000ull;
	return import903_run(f->st, &f->p, &o, sum, why, sizeof(why));
}

static uint64_t
changes(struct fixture *f)
{
	struct store_stats s;

	assert_int_equal(store_stats(f->st, &s), 0);
	return s.changes;
}

/* The current value of child_id's field, as text ("" for nil). */
static void
child_field(struct fixture *f, const char *child_id, const char *name,
    char *buf, size_t len)
{
	struct value v = { .type = VALUE_STR };
	uint8_t id[LIMIT_ID_LEN];
	struct store_record r;
	size_t i;

	v.s = (char *)(uintptr_t)child_id;
	v.len = strlen(child_id);
	assert_int_equal(store_record_find(f->st, "child", "child_id", &v,
	    id), 0);
	assert_int_equal(store_record_get(f->st, id, &r), 0);
	snprintf(buf, len, "%s", "");
	for (i = 0; i < r.nfields; i++) {
		if (strcmp(r.fields[i].name, name) != 0)
			continue;
		if (r.fields[i].value.type == VALUE_STR)
			snprintf(buf, len, "%s", r.fields[i].value.s);
		else if (r.fields[i].value.type == VALUE_BOOL)
			snprintf(buf, len, "%s", r.fields[i].value.b ? "yes" :
			    "no");
	}
	store_record_clear(&r);
}

#define GOOD_EPISODES "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC," \
	"PL_POST,PL_LA\n" \
	"K1,01/02/2024,S,C2,U4,PR1,,,LS1 4AP,E10000099\n" \
	"K2,01/02/2024,S,V2,U6,PR4,,,M14 5,E08000999\n"
#define GOOD_ALLOC ALLOC "K1,alice,Kim,Lee\nK2,alice,Kai,Moss\n"

static void
test_import_twice(void **state)
{
	struct fixture *f = *state;
	struct import903_summary sum;
	struct settings_result res;
	char buf[64], why[256];
	struct seen s;
	uint64_t after;

	assert_int_equal(settings_set(f->st, 1000, "council", "E10000099",
	    &res, why, sizeof(why)), 0);
	write_extract(f, GOOD_EPISODES, GOOD_ALLOC);
	assert_int_equal(run(f, &sum, &s), 0);
	assert_int_equal(sum.children, 2);
	assert_int_equal(sum.created, 2);
	assert_int_equal(sum.reviews_added, 2);
	/* A postcode sector, as SSDA903 often has it. */
	child_field(f, "K2", "placement_postcode", buf, sizeof(buf));
	assert_string_equal(buf, "M14 5");
	child_field(f, "K1", "placement_postcode", buf, sizeof(buf));
	assert_string_equal(buf, "LS1 4AP");
	after = changes(f);
	child_field(f, "K1", "out_of_area", buf, sizeof(buf));
	assert_string_equal(buf, "no");
	child_field(f, "K2", "out_of_area", buf, sizeof(buf));
	assert_string_equal(buf, "yes");
	child_field(f, "K1", "long_term_foster", buf, sizeof(buf));
	assert_string_equal(buf, "yes");
	child_field(f, "K2", "care_start", buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-01");
	/* Again: nothing new. */
	assert_int_equal(run(f, &sum, &s), 0);
	assert_int_equal(sum.unchanged, 2);
	assert_int_equal(sum.reviews_kept, 2);
	assert_int_equal(sum.reviews_added, 0);
	assert_int_equal(changes(f), after);
	/* Without names a known child keeps them; the council moves K2 in
	 * area, and out_of_area follows. */
	write_extract(f, GOOD_EPISODES, "CHILD,IRO\nK1,alice\nK2,\n");
	assert_int_equal(settings_set(f->st, 2000, "council", "E08000999",
	    &res, why, sizeof(why)), 0);
	assert_int_equal(res.children, 2);
	child_field(f, "K2", "out_of_area", buf, sizeof(buf));
	assert_string_equal(buf, "no");
	child_field(f, "K1", "out_of_area", buf, sizeof(buf));
	assert_string_equal(buf, "yes");
	assert_int_equal(run(f, &sum, &s), 0);
	assert_int_equal(sum.updated, 1);
	child_field(f, "K1", "given_name", buf, sizeof(buf));
	assert_string_equal(buf, "Kim");
	child_field(f, "K2", "iro", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* adoption_since reaches the store, follows the stage, and goes when
 * the child is no longer being adopted. */
static void
test_import_adoption_since(void **state)
{
	struct fixture *f = *state;
	struct import903_summary sum;
	char buf[64];
	struct seen s;

	write_extract(f, EPISODES
	    "K1,01/02/2024,S,C2,U6,PR1,10/03/2025,X1,LS1 4AP\n"
	    "K1,10/03/2025,L,E1,U6,PR1,,,LS1 4AP\n"
	    "K2,01/02/2024,S,V2,U6,PR4,,,M14 5\n", GOOD_ALLOC);
	assert_int_equal(run(f, &sum, &s), 0);
	child_field(f, "K1", "adoption_stage", buf, sizeof(buf));
	assert_string_equal(buf, "authority");
	child_field(f, "K1", "adoption_since", buf, sizeof(buf));
	assert_string_equal(buf, "2025-03-10");
	child_field(f, "K2", "adoption_since", buf, sizeof(buf));
	assert_string_equal(buf, "");
	write_extract(f, EPISODES
	    "K1,01/02/2024,S,C2,U6,PR1,10/03/2025,X1,LS1 4AP\n"
	    "K1,10/03/2025,L,E1,U6,PR1,02/06/2025,X1,LS1 4AP\n"
	    "K1,02/06/2025,P,E1,A6,PR1,,,LS1 4AP\n"
	    "K2,01/02/2024,S,V2,U6,PR4,,,M14 5\n", GOOD_ALLOC);
	assert_int_equal(run(f, &sum, &s), 0);
	assert_int_equal(sum.updated, 1);
	child_field(f, "K1", "adoption_stage", buf, sizeof(buf));
	assert_string_equal(buf, "placed");
	child_field(f, "K1", "adoption_since", buf, sizeof(buf));
	assert_string_equal(buf, "2025-06-02");
	write_extract(f, EPISODES
	    "K1,01/02/2024,S,C2,U6,PR1,,,LS1 4AP\n"
	    "K2,01/02/2024,S,V2,U6,PR4,,,M14 5\n", GOOD_ALLOC);
	assert_int_equal(run(f, &sum, &s), 0);
	child_field(f, "K1", "adoption_stage", buf, sizeof(buf));
	assert_string_equal(buf, "none");
	child_field(f, "K1", "adoption_since", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_import_store_problems(void **state)
{
	struct fixture *f = *state;
	struct import903_summary sum;
	struct seen s;

	write_extract(f, GOOD_EPISODES,
	    "CHILD,IRO,GIVEN_NAME\nK1,mike,Kim\nK2,nobody,Kai\n");
	assert_int_equal(run(f, &sum, &s), IRO_EINVAL);
	assert_int_equal(sum.problems, 4);
	assert_non_null(strstr(s.text, "t3.csv:2: CHILD 'K1' is new to the "
	    "server: GIVEN_NAME and FAMILY_NAME are needed\n"));
	assert_non_null(strstr(s.text, "t3.csv:2: IRO 'mike' is a manager, "
	    "not an iro\n"));
	assert_non_null(strstr(s.text, "t3.csv:3: IRO 'nobody' is not a "
	    "user\n"));
	assert_int_equal(changes(f), 0);
	/* A bad extract writes nothing either. */
	write_extract(f, GOOD_EPISODES "K3,01/02/2024,S,C2,U4,PR1,,,,\n",
	    GOOD_ALLOC);
	assert_int_equal(run(f, &sum, &s), IRO_EINVAL);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(s.text, "t1.csv:4: CHILD 'K3' is not in the "
	    "Header table ('"));
	assert_int_equal(changes(f), 0);
}

static void
test_import_missing_file(void **state)
{
	struct fixture *f = *state;
	struct import903_summary sum;
	struct seen s;

	write_extract(f, GOOD_EPISODES, GOOD_ALLOC);
	f->p.episodes = "/nonexistent/episodes.csv";
	assert_int_equal(run(f, &sum, &s), IRO_ENOTFOUND);
	f->p.reviews = NULL;
	f->p.episodes = f->paths[1];
	assert_int_equal(run(f, &sum, &s), 0);
	assert_int_equal(sum.reviews, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive_periods_and_placements),
		cmocka_unit_test(test_derive_adoption_and_no_council),
		cmocka_unit_test(test_derive_adoption_since),
		cmocka_unit_test(test_problem_values),
		cmocka_unit_test(test_problem_episodes),
		cmocka_unit_test(test_problem_reviews),
		cmocka_unit_test(test_problem_tables),
		cmocka_unit_test(test_problem_files),
		cmocka_unit_test_setup_teardown(test_import_twice, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_adoption_since,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_store_problems,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_missing_file,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
