/*
 * test_domain.c - the casework rules across fields and records: review
 * status transitions, PN0 and the child's age, reviews without a meeting,
 * placement codes valid for their date, flags naming child fields.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "iro_error.h"
#include "merge.h"

#define MAXC 16

/* A record built from changes; `m` is its merged state. */
struct rec {
	const char *type;
	uint8_t id;
	struct change ch[MAXC];
	const struct change *p[MAXC];
	size_t n;
	struct merge_record m;
	bool merged;
};

static uint64_t clock_ms = 1000;

static void
rec_init(struct rec *r, const char *type, uint8_t id)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->id = id;
}

/* Append a change setting field to s (NULL: nil). */
static void
rec_set(struct rec *r, const char *field, const char *s)
{
	struct change *c;

	assert_true(r->n < MAXC);
	c = &r->ch[r->n];
	change_init(c);
	c->seq = r->n + 1;
	c->ts.wall_ms = ++clock_ms;
	c->ts.device[0] = 1;
	snprintf(c->type, sizeof(c->type), "%s", r->type);
	c->record[0] = r->id;
	snprintf(c->field, sizeof(c->field), "%s", field);
	snprintf(c->author, sizeof(c->author), "alice");
	if (s != NULL)
		assert_int_equal(value_set_str(&c->value, s, strlen(s)), 0);
	r->p[r->n] = c;
	r->n++;
}

static const struct merge_record *
rec_merge(struct rec *r)
{
	if (r->merged)
		merge_record_clear(&r->m);
	r->merged = false;
	assert_int_equal(merge_record(r->p, r->n, &r->m), 0);
	r->merged = true;
	return &r->m;
}

static void
rec_clear(struct rec *r)
{
	size_t i;

	if (r->merged)
		merge_record_clear(&r->m);
	for (i = 0; i < r->n; i++)
		change_clear(&r->ch[i]);
	r->n = 0;
	r->merged = false;
}

static struct rec child, cur, edit;
static char why[512];

static int
setup(void **state)
{
	(void)state;
	rec_init(&child, "child", 1);
	rec_init(&cur, "review", 2);
	rec_init(&edit, "review", 2);
	why[0] = '\0';
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rec_clear(&child);
	rec_clear(&cur);
	rec_clear(&edit);
	return 0;
}

/* The edit's changes checked against cur (NULL: created) and child
 * (NULL: not known here). */
static int
check(bool created, bool with_child)
{
	const struct merge_record *c = created ? NULL : rec_merge(&cur);
	const struct merge_record *k = with_child ? rec_merge(&child) : NULL;

	return domain_check(edit.type, c, edit.p, edit.n, k, why, sizeof(why));
}

static void
mkchild(const char *dob, const char *place, const char *start)
{
	rec_set(&child, "child_id", "C1");
	if (dob != NULL)
		rec_set(&child, "dob", dob);
	if (place != NULL)
		rec_set(&child, "placement_type", place);
	if (start != NULL)
		rec_set(&child, "placement_start", start);
}

/* Review status: every pair of statuses, from an existing review. */
static void
test_every_transition(void **state)
{
	static const char *const st[] = {
		"planned", "held", "completed", "adjourned", "cancelled",
	};
	/* allowed[from][to] */
	static const bool allowed[5][5] = {
		{ 1, 1, 0, 1, 1 },      /* planned */
		{ 0, 1, 1, 0, 0 },      /* held */
		{ 0, 0, 1, 0, 0 },      /* completed */
		{ 0, 1, 0, 1, 1 },      /* adjourned */
		{ 0, 0, 0, 0, 1 },      /* cancelled */
	};
	size_t i, j;
	int rc;

	for (i = 0; i < 5; i++) {
		for (j = 0; j < 5; j++) {
			teardown(state);
			setup(state);
			rec_set(&cur, "child", "00000000000000000000000000000001");
			rec_set(&cur, "status", st[i]);
			rec_set(&edit, "status", st[j]);
			rc = check(false, false);
			if (allowed[i][j] && rc != 0)
				fail_msg("%s -> %s refused: %s", st[i], st[j],
				    why);
			if (!allowed[i][j] && rc != IRO_ESTATE)
				fail_msg("%s -> %s gave %d", st[i], st[j], rc);
			if (!allowed[i][j]) {
				char head[128];

				snprintf(head, sizeof(head), "review status "
				    "cannot go from '%s' to '%s' (allowed from "
				    "'%s': ", st[i], st[j], st[i]);
				assert_memory_equal(why, head, strlen(head));
			}
		}
	}
}

static void
test_transition_messages(void **state)
{
	(void)state;
	rec_set(&cur, "status", "completed");
	rec_set(&edit, "status", "planned");
	assert_int_equal(check(false, false), IRO_ESTATE);
	assert_string_equal(why, "review status cannot go from 'completed' to "
	    "'planned' (allowed from 'completed': none)");
	rec_clear(&cur);
	rec_set(&cur, "status", "planned");
	rec_clear(&edit);
	rec_set(&edit, "status", "completed");
	assert_int_equal(check(false, false), IRO_ESTATE);
	assert_string_equal(why, "review status cannot go from 'planned' to "
	    "'completed' (allowed from 'planned': held, adjourned, "
	    "cancelled)");
}

/* A review never given a status is planned, its default. */
static void
test_transition_from_default(void **state)
{
	(void)state;
	rec_set(&cur, "meeting_date", "2025-01-10");
	rec_set(&edit, "status", "held");
	assert_int_equal(check(false, false), 0);
	rec_clear(&edit);
	rec_set(&edit, "status", "completed");
	assert_int_equal(check(false, false), IRO_ESTATE);
	assert_non_null(strstr(why, "from 'planned' to 'completed'"));
}

static void
test_transition_clear_refused(void **state)
{
	(void)state;
	rec_set(&cur, "status", "held");
	rec_set(&edit, "status", NULL);
	assert_int_equal(check(false, false), IRO_ESTATE);
	assert_string_equal(why, "review status cannot be cleared (allowed "
	    "from 'held': completed)");
}

/* Imports create completed reviews: any status on creation. */
static void
test_create_any_status(void **state)
{
	(void)state;
	rec_set(&edit, "status", "completed");
	rec_set(&edit, "meeting_date", "2024-05-01");
	assert_int_equal(check(true, false), 0);
}

/* Other fields of a final review may still be filled in. */
static void
test_final_review_other_fields(void **state)
{
	(void)state;
	rec_set(&cur, "status", "completed");
	rec_set(&edit, "record_completed", "2024-06-01");
	assert_int_equal(check(false, false), 0);
}

/* The latest of several changes to status in one edit is the one
 * judged. */
static void
test_transition_latest_change(void **state)
{
	(void)state;
	rec_set(&cur, "status", "planned");
	rec_set(&edit, "status", "completed");
	rec_set(&edit, "status", "held");
	assert_int_equal(check(false, false), 0);
}

/* PN0 if and only if under 4 on meeting_date: the 4th birthday exactly
 * and the day before. */
static void
test_pn0_birthday_boundary(void **state)
{
	(void)state;
	mkchild("2020-06-15", NULL, NULL);
	rec_set(&edit, "meeting_date", "2024-06-14");
	rec_set(&edit, "participation", "PN0");
	assert_int_equal(check(true, true), 0);
	rec_clear(&edit);
	rec_set(&edit, "meeting_date", "2024-06-14");
	rec_set(&edit, "participation", "PN1");
	assert_int_equal(check(true, true), IRO_EINVAL);
	assert_string_equal(why, "participation 'PN1' is only for children "
	    "aged 4 or over on the review date; the child was 3 (allowed: "
	    "PN0)");
	rec_clear(&edit);
	rec_set(&edit, "meeting_date", "2024-06-15");
	rec_set(&edit, "participation", "PN1");
	assert_int_equal(check(true, true), 0);
	rec_clear(&edit);
	rec_set(&edit, "meeting_date", "2024-06-15");
	rec_set(&edit, "participation", "PN0");
	assert_int_equal(check(true, true), IRO_EINVAL);
	assert_string_equal(why, "participation 'PN0' is only for children "
	    "under 4 on the review date; the child was 4");
}

static void
test_pn_young_child_age_in_message(void **state)
{
	(void)state;
	mkchild("2022-01-10", NULL, NULL);
	rec_set(&edit, "meeting_date", "2024-06-14");
	rec_set(&edit, "participation", "PN1");
	assert_int_equal(check(true, true), IRO_EINVAL);
	assert_non_null(strstr(why, "the child was 2"));
}

/* Born on 29 February: 4 on 29 February four years on (a leap year). */
static void
test_pn0_leap_day_birthday(void **state)
{
	(void)state;
	mkchild("2020-02-29", NULL, NULL);
	rec_set(&edit, "meeting_date", "2024-02-28");
	rec_set(&edit, "participation", "PN0");
	assert_int_equal(check(true, true), 0);
	rec_clear(&edit);
	rec_set(&edit, "meeting_date", "2024-02-29");
	rec_set(&edit, "participation", "PN0");
	assert_int_equal(check(true, true), IRO_EINVAL);
	assert_non_null(strstr(why, "the child was 4"));
}

/* 2100 is not a leap year: a 29 February 2096 child is 4 on 1 March. */
static void
test_pn0_leap_day_birthday_non_leap(void **state)
{
	(void)state;
	mkchild("2096-02-29", NULL, NULL);
	rec_set(&edit, "meeting_date", "2100-02-28");
	rec_set(&edit, "participation", "PN0");
	assert_int_equal(check(true, true), 0);
	rec_clear(&edit);
	rec_set(&edit, "meeting_date", "2100-03-01");
	rec_set(&edit, "participation", "PN0");
	assert_int_equal(check(true, true), IRO_EINVAL);
}

/* Moving the meeting re-judges the participation already recorded. */
static void
test_pn_rechecked_on_meeting_date(void **state)
{
	(void)state;
	mkchild("2020-06-15", NULL, NULL);
	rec_set(&cur, "meeting_date", "2024-06-14");
	rec_set(&cur, "participation", "PN0");
	rec_set(&edit, "meeting_date", "2024-06-20");
	assert_int_equal(check(false, true), IRO_EINVAL);
	assert_non_null(strstr(why, "participation 'PN0'"));
}

/* An edit that touches neither field leaves an imported inconsistency
 * alone. */
static void
test_pn_untouched_not_rechecked(void **state)
{
	(void)state;
	mkchild("2020-06-15", NULL, NULL);
	rec_set(&cur, "meeting_date", "2024-06-20");
	rec_set(&cur, "participation", "PN0");
	rec_set(&edit, "child_chaired", NULL);
	assert_int_equal(check(false, true), 0);
}

static void
test_missing_child_skips_rules(void **state)
{
	(void)state;
	rec_set(&edit, "meeting_date", "2024-06-14");
	rec_set(&edit, "participation", "PN0");
	rec_set(&edit, "format", "no_meeting");
	assert_int_equal(check(true, false), 0);
	/* A child without a date of birth: the age cannot be judged. */
	mkchild(NULL, "U4", "2020-01-01");
	assert_int_equal(check(true, true), 0);
}

static void
test_pn_without_meeting_date_skipped(void **state)
{
	(void)state;
	mkchild("2020-06-15", NULL, NULL);
	rec_set(&edit, "participation", "PN3");
	assert_int_equal(check(true, true), 0);
}

/* no_meeting: U1/U4 placements of 12 calendar months or more. */
static void
test_no_meeting_twelve_months(void **state)
{
	(void)state;
	mkchild("2010-01-01", "U4", "2023-08-31");
	rec_set(&edit, "meeting_date", "2024-08-30");
	rec_set(&edit, "format", "no_meeting");
	assert_int_equal(check(true, true), IRO_EINVAL);
	assert_string_equal(why, "format 'no_meeting' is only for a long-term "
	    "foster placement (U1, U4) of 12 months or more; the placement "
	    "began 2023-08-31, less than 12 months before the meeting_date "
	    "2024-08-30");
	rec_clear(&edit);
	rec_set(&edit, "meeting_date", "2024-08-31");
	rec_set(&edit, "format", "no_meeting");
	assert_int_equal(check(true, true), 0);
}

/* Twelve months from 29 February is 28 February, not 1 March. */
static void
test_no_meeting_month_end(void **state)
{
	(void)state;
	mkchild("2010-01-01", "U1", "2024-02-29");
	rec_set(&edit, "meeting_date", "2025-02-28");
	rec_set(&edit, "format", "no_meeting");
	assert_int_equal(check(true, true), 0);
	rec_clear(&edit);
	rec_set(&edit, "meeting_date", "2025-02-27");
	rec_set(&edit, "format", "no_meeting");
	assert_int_equal(check(true, true), IRO_EINVAL);
}

static void
test_no_meeting_placement_type(void **state)
{
	(void)state;
	mkchild("2010-01-01", "K2", "2015-01-01");
	rec_set(&edit, "meeting_date", "2024-08-30");
	rec_set(&edit, "format", "no_meeting");
	assert_int_equal(check(true, true), IRO_EINVAL);
	assert_string_equal(why, "format 'no_meeting' is only for a long-term "
	    "foster placement (U1, U4) of 12 months or more; the child's "
	    "placement_type is 'K2'");
	rec_clear(&child);
	mkchild("2010-01-01", NULL, NULL);
	assert_int_equal(check(true, true), IRO_EINVAL);
	assert_non_null(strstr(why, "placement_type is not known"));
}

static void
test_meeting_format_always_allowed(void **state)
{
	(void)state;
	mkchild("2010-01-01", "K2", "2024-08-01");
	rec_set(&edit, "meeting_date", "2024-08-30");
	rec_set(&edit, "format", "meeting");
	assert_int_equal(check(true, true), 0);
}

/* Moving the meeting earlier re-judges a no_meeting review. */
static void
test_no_meeting_rechecked_on_date(void **state)
{
	(void)state;
	mkchild("2010-01-01", "U4", "2023-08-31");
	rec_set(&cur, "meeting_date", "2024-09-10");
	rec_set(&cur, "format", "no_meeting");
	rec_set(&edit, "meeting_date", "2024-08-01");
	assert_int_equal(check(false, true), IRO_EINVAL);
}

/* The child's placement type must be valid on its start date. */
static void
test_placement_code_by_date(void **state)
{
	(void)state;
	rec_init(&edit, "child", 1);
	rec_set(&edit, "placement_type", "H5");
	rec_set(&edit, "placement_start", "2025-03-31");
	assert_int_equal(domain_check("child", NULL, edit.p, edit.n, NULL,
	    why, sizeof(why)), 0);
	rec_clear(&edit);
	rec_set(&edit, "placement_type", "H5");
	rec_set(&edit, "placement_start", "2025-04-01");
	assert_int_equal(domain_check("child", NULL, edit.p, edit.n, NULL,
	    why, sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "placement_type 'H5' is not valid on "
	    "placement_start 2025-04-01 (collection year 2025-26; 'H5' is "
	    "valid until 2024-25)");
	rec_clear(&edit);
	rec_set(&edit, "placement_type", "K3");
	rec_set(&edit, "placement_start", "2024-03-31");
	assert_int_equal(domain_check("child", NULL, edit.p, edit.n, NULL,
	    why, sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "'K3' is valid from 2024-25"));
}

/* Changing only the start date re-judges the type already held. */
static void
test_placement_start_edit(void **state)
{
	(void)state;
	mkchild("2010-01-01", "Z1", "2024-05-01");
	rec_init(&edit, "child", 1);
	rec_set(&edit, "placement_start", "2025-05-01");
	assert_int_equal(domain_check("child", rec_merge(&child), edit.p,
	    edit.n, NULL, why, sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "placement_type 'Z1'"));
	rec_clear(&edit);
	rec_set(&edit, "given_name", "Sam");
	assert_int_equal(domain_check("child", &child.m, edit.p, edit.n, NULL,
	    why, sizeof(why)), 0);
}

static void
test_flag_names_child_field(void **state)
{
	(void)state;
	rec_init(&edit, "flag", 3);
	rec_set(&edit, "field", "placement_type");
	assert_int_equal(domain_check("flag", NULL, edit.p, edit.n, NULL, why,
	    sizeof(why)), 0);
	rec_clear(&edit);
	rec_set(&edit, "field", "colour");
	assert_int_equal(domain_check("flag", NULL, edit.p, edit.n, NULL, why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why,
	    "flag field 'colour' is not a field of a child record");
	rec_clear(&edit);
	rec_set(&edit, "field", "_deleted");
	assert_int_equal(domain_check("flag", NULL, edit.p, edit.n, NULL, why,
	    sizeof(why)), IRO_EINVAL);
}

static void
test_other_types_and_bad_calls(void **state)
{
	(void)state;
	rec_init(&edit, "visit", 4);
	rec_set(&edit, "date", "2024-01-01");
	assert_int_equal(domain_check("visit", NULL, edit.p, edit.n, NULL, why,
	    sizeof(why)), 0);
	assert_int_equal(domain_check("meeting", NULL, edit.p, edit.n, NULL,
	    why, sizeof(why)), 0);
	assert_int_equal(domain_check("review", NULL, edit.p, 0, NULL, why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(domain_check("review", NULL, NULL, 1, NULL, NULL, 0),
	    IRO_EINVAL);
}

static void
test_child_ref(void **state)
{
	static const char *const about[] = {
		"flag", "review", "visit", "note", "decision", "dispute",
	};
	static const char *const none[] = {
		"child", "holiday", "setting", "dispute_stage", "meeting",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(about) / sizeof(about[0]); i++)
		assert_string_equal(domain_child_ref(about[i]), "child");
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_null(domain_child_ref(none[i]));
	assert_null(domain_child_ref(NULL));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_every_transition),
		T(test_transition_messages),
		T(test_transition_from_default),
		T(test_transition_clear_refused),
		T(test_create_any_status),
		T(test_final_review_other_fields),
		T(test_transition_latest_change),
		T(test_pn0_birthday_boundary),
		T(test_pn_young_child_age_in_message),
		T(test_pn0_leap_day_birthday),
		T(test_pn0_leap_day_birthday_non_leap),
		T(test_pn_rechecked_on_meeting_date),
		T(test_pn_untouched_not_rechecked),
		T(test_missing_child_skips_rules),
		T(test_pn_without_meeting_date_skipped),
		T(test_no_meeting_twelve_months),
		T(test_no_meeting_month_end),
		T(test_no_meeting_placement_type),
		T(test_meeting_format_always_allowed),
		T(test_no_meeting_rechecked_on_date),
		T(test_placement_code_by_date),
		T(test_placement_start_edit),
		T(test_flag_names_child_field),
		T(test_other_types_and_bad_calls),
		T(test_child_ref),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
