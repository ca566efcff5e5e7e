/*
 * test_schema.c - the record type table and value checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codes.h"
#include "date.h"
#include "iro_error.h"
#include "schema.h"

static const struct schema_field *
field(const char *type, const char *name)
{
	const struct schema_field *f =
	    schema_field_find(schema_type_find(type), name);

	assert_non_null(f);
	return f;
}

/* Check text as a string value of type.name; return the code, keep why. */
static int
check_str(const char *type, const char *name, const char *s, char *why)
{
	struct value v = { 0 };
	int rc;

	assert_int_equal(value_set_str(&v, s, strlen(s)), 0);
	rc = schema_check_value(field(type, name), &v, why, 256);
	value_clear(&v);
	return rc;
}

static void
mkchange(struct change *c, const char *type, const char *fname,
    const char *s)
{
	change_init(c);
	c->seq = 1;
	c->ts.wall_ms = 1000;
	strcpy(c->type, type);
	strcpy(c->field, fname);
	strcpy(c->author, "alice");
	if (s != NULL)
		assert_int_equal(value_set_str(&c->value, s, strlen(s)), 0);
}

static void
test_types_listed(void **state)
{
	static const char *const names[] = {
		"child", "flag", "review", "visit", "note", "decision",
		"dispute", "dispute_stage", "holiday", "setting",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_string_equal(schema_type_at(i)->name, names[i]);
		assert_ptr_equal(schema_type_find(names[i]), schema_type_at(i));
	}
	assert_null(schema_type_at(i));
	assert_null(schema_type_find("meeting"));
	assert_null(schema_type_find(NULL));
}

static void
test_field_find(void **state)
{
	const struct schema_type *t = schema_type_find("visit");

	(void)state;
	assert_int_equal(schema_field_find(t, "date")->kind, SCHEMA_DATE);
	assert_null(schema_field_find(t, "text"));
	assert_null(schema_field_find(NULL, "date"));
}

static void
test_deleted_field_implicit(void **state)
{
	const struct schema_field *f;
	size_t i;

	(void)state;
	for (i = 0; schema_type_at(i) != NULL; i++) {
		const struct schema_type *t = schema_type_at(i);

		f = schema_field_find(t, CHANGE_FIELD_DELETED);
		assert_non_null(f);
		assert_string_equal(f->name, CHANGE_FIELD_DELETED);
		assert_int_equal(f->kind, SCHEMA_TEXT);
		assert_int_equal(f->max_len, 1024);
		assert_int_equal(f->writers, t->creators);
	}
}

/* The table is consistent: what the checks rely on holds for every row,
 * so a row added later cannot quietly break them. */
static void
test_table_consistent(void **state)
{
	size_t i, j;
	char why[256];

	(void)state;
	for (i = 0; schema_type_at(i) != NULL; i++) {
		const struct schema_type *t = schema_type_at(i);

		assert_non_null(t->fields);
		assert_true(t->creators != 0);
		for (j = 0; j < t->nfields; j++) {
			const struct schema_field *f = &t->fields[j];
			struct value v = { 0 };

			assert_ptr_equal(schema_field_find(t, f->name), f);
			assert_true(f->writers != 0);
			assert_non_null(f->help);
			if (f->kind == SCHEMA_STR || f->kind == SCHEMA_TEXT ||
			    f->kind == SCHEMA_CODE)
				assert_true(f->max_len > 0 &&
				    f->max_len <= LIMIT_STR_MAX);
			if (f->kind == SCHEMA_ENUM)
				assert_non_null(f->values);
			if (f->kind == SCHEMA_REF)
				assert_non_null(schema_type_find(f->ref_type));
			if (f->dflt != NULL) {
				assert_int_equal(schema_parse_text(f, f->dflt,
				    &v, why, sizeof(why)), 0);
				value_clear(&v);
			}
		}
		if (t->freeze_field != NULL) {
			const struct schema_field *f =
			    schema_field_find(t, t->freeze_field);
			struct value v = { 0 };

			assert_non_null(f);
			assert_true(f->frozen);
			assert_int_equal(schema_parse_text(f, t->freeze_value,
			    &v, why, sizeof(why)), 0);
			value_clear(&v);
		}
	}
}

static void
test_note_status_default_draft(void **state)
{
	(void)state;
	assert_string_equal(field("note", "status")->dflt, "draft");
	assert_null(field("note", "text")->dflt);
}

static void
test_note_freeze_rule(void **state)
{
	const struct schema_type *t = schema_type_find("note");

	(void)state;
	assert_string_equal(t->freeze_field, "status");
	assert_string_equal(t->freeze_value, "final");
	assert_true(field("note", "text")->frozen);
	assert_false(field("note", "child")->frozen);
	assert_null(schema_type_find("visit")->freeze_field);
}

static void
test_role_parse_and_name(void **state)
{
	enum schema_role r;

	(void)state;
	assert_int_equal(schema_role_parse("manager", &r), 0);
	assert_int_equal(r, SCHEMA_ROLE_MANAGER);
	assert_string_equal(schema_role_name(SCHEMA_ROLE_IRO), "iro");
	assert_int_equal(schema_role_parse("root", &r), IRO_EINVAL);
	assert_int_equal(schema_role_parse(NULL, &r), IRO_EINVAL);
	assert_string_equal(schema_role_name((enum schema_role)64), "unknown");
}

static void
test_nil_always_allowed(void **state)
{
	struct value v = { .type = VALUE_NIL };
	char why[256];

	(void)state;
	assert_int_equal(schema_check_value(field("child", "dob"), &v, why,
	    sizeof(why)), 0);
}

static void
test_str_ok(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("child", "given_name", "Zo\xc3\xab", why), 0);
}

static void
test_str_rejects_control(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("child", "given_name", "Zoe\nX", why),
	    IRO_EINVAL);
	assert_non_null(strstr(why, "field 'given_name'"));
	assert_non_null(strstr(why, "control"));
	/* A C1 control (U+0085) is a control too. */
	assert_int_equal(check_str("child", "given_name", "a\xc2\x85", why),
	    IRO_EINVAL);
}

static void
test_str_over_limit(void **state)
{
	char why[256], s[102];

	(void)state;
	memset(s, 'a', 101);
	s[101] = '\0';
	assert_int_equal(check_str("child", "family_name", s, why),
	    IRO_EINVAL);
	assert_string_equal(why,
	    "field 'family_name': 101 bytes is over the limit of 100");
	s[100] = '\0';
	assert_int_equal(check_str("child", "family_name", s, why), 0);
}

static void
test_text_allows_newline_and_tab(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("visit", "note", "line 1\n\tline 2", why),
	    0);
	assert_int_equal(check_str("visit", "note", "bell\a", why),
	    IRO_EINVAL);
	assert_non_null(strstr(why, "field 'note'"));
}

static void
test_text_limit(void **state)
{
	char why[256];
	char *s = malloc(16386);

	(void)state;
	assert_non_null(s);
	memset(s, 'x', 16385);
	s[16385] = '\0';
	assert_int_equal(check_str("visit", "note", s, why), IRO_EINVAL);
	assert_non_null(strstr(why, "16384"));
	s[16384] = '\0';
	assert_int_equal(check_str("visit", "note", s, why), 0);
	free(s);
}

static void
test_date_words_rejected(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("visit", "date", "yesterday", why),
	    IRO_EINVAL);
	assert_string_equal(why,
	    "field 'date': expected a date YYYY-MM-DD, got 'yesterday'");
}

static void
test_date_calendar(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("visit", "date", "2024-02-29", why), 0);
	assert_int_equal(check_str("visit", "date", "2000-02-29", why), 0);
	assert_int_equal(check_str("visit", "date", "2023-02-29", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("visit", "date", "1900-02-29", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("visit", "date", "2024-04-31", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("visit", "date", "2024-13-01", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("visit", "date", "2024-1-01", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("visit", "date", "2024-01-01x", why),
	    IRO_EINVAL);
}

static void
test_date_year_range(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("child", "dob", "1900-01-01", why), 0);
	assert_int_equal(check_str("child", "dob", "2100-12-31", why), 0);
	assert_int_equal(check_str("child", "dob", "1899-12-31", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("child", "dob", "2101-01-01", why),
	    IRO_EINVAL);
	assert_non_null(strstr(why, "field 'dob'"));
}

static void
test_wrong_wire_type_names_field(void **state)
{
	struct value v = { .type = VALUE_INT, .i = 5 };
	char why[256];

	(void)state;
	assert_int_equal(schema_check_value(field("visit", "date"), &v, why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why,
	    "field 'date': expected a date YYYY-MM-DD, got 5");
}

static void
test_bool_needs_bool(void **state)
{
	struct value v = { .type = VALUE_BOOL, .b = true };
	char why[256];

	(void)state;
	assert_int_equal(schema_check_value(field("visit", "seen_alone"), &v,
	    why, sizeof(why)), 0);
	assert_int_equal(check_str("visit", "seen_alone", "yes", why),
	    IRO_EINVAL);
	assert_string_equal(why,
	    "field 'seen_alone': expected yes or no, got 'yes'");
}

static void
test_enum_values(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("note", "status", "final", why), 0);
	assert_int_equal(check_str("note", "status", "done", why),
	    IRO_EINVAL);
	assert_string_equal(why,
	    "field 'status': expected one of draft, final, got 'done'");
}

static void
test_ref_lowercase_hex(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("visit", "child",
	    "0123456789abcdef0123456789abcdef", why), 0);
	assert_int_equal(check_str("visit", "child",
	    "0123456789ABCDEF0123456789ABCDEF", why), IRO_EINVAL);
	assert_non_null(strstr(why, "field 'child'"));
	assert_int_equal(check_str("visit", "child",
	    "0123456789abcdef0123456789abcde", why), IRO_EINVAL);
	assert_int_equal(check_str("visit", "child",
	    "0123456789abcdef0123456789abcdeg", why), IRO_EINVAL);
}

static void
test_code_alnum(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("child", "child_id", "AB12345", why), 0);
	assert_int_equal(check_str("child", "child_id", "AB-123", why),
	    IRO_EINVAL);
	assert_string_equal(why, "field 'child_id': expected 1 to 20 letters "
	    "or digits, got 'AB-123'");
	assert_int_equal(check_str("child", "child_id", "", why), IRO_EINVAL);
	assert_int_equal(check_str("child", "child_id",
	    "123456789012345678901", why), IRO_EINVAL);
}

static const struct schema_field int_field = {
	.name = "count", .kind = SCHEMA_INT, .min = 0, .max = 10,
	.writers = SCHEMA_ROLE_IRO, .help = "a count"
};

static void
test_int_range(void **state)
{
	struct value v = { .type = VALUE_INT, .i = 10 };
	char why[256];

	(void)state;
	assert_int_equal(schema_check_value(&int_field, &v, why, sizeof(why)),
	    0);
	v.i = 11;
	assert_int_equal(schema_check_value(&int_field, &v, why, sizeof(why)),
	    IRO_EINVAL);
	assert_string_equal(why,
	    "field 'count': expected a whole number from 0 to 10, got 11");
}

static void
test_invalid_utf8_rejected(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("visit", "note", "bad \xff", why),
	    IRO_EINVAL);
	assert_non_null(strstr(why, "field 'note'"));
}

static void
test_check_change_ok(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c, "visit", "date", "2024-05-01");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), 0);
	change_clear(&c);
}

static void
test_check_change_unknown_type(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c, "meeting", "date", "2024-05-01");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "unknown record type 'meeting'");
	change_clear(&c);
}

static void
test_check_change_unknown_field(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c, "visit", "mood", "fine");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "unknown field 'visit.mood'");
	change_clear(&c);
}

static void
test_check_change_forbidden_role(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c, "child", "given_name", "Sam");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), IRO_EFORBIDDEN);
	assert_string_equal(why, "role 'iro' may not write child.given_name");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_SERVER, why,
	    sizeof(why)), 0);
	change_clear(&c);
}

static void
test_check_change_admin_cannot_write_visit(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c, "visit", "note", "hello");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_ADMIN, why,
	    sizeof(why)), IRO_EFORBIDDEN);
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_MANAGER, why,
	    sizeof(why)), 0);
	change_clear(&c);
}

static void
test_check_change_deleted_by_creators(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c, "visit", CHANGE_FIELD_DELETED, "entered twice");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), 0);
	change_clear(&c);
	mkchange(&c, "child", CHANGE_FIELD_DELETED, "duplicate import");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), IRO_EFORBIDDEN);
	assert_string_equal(why, "role 'iro' may not write child._deleted");
	change_clear(&c);
}

static void
test_check_change_bad_value(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c, "note", "status", "archived");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "field 'status'"));
	change_clear(&c);
}

static void
test_parse_bool_words(void **state)
{
	const struct schema_field *f = field("visit", "seen_alone");
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(f, "yes", &v, why, sizeof(why)), 0);
	assert_int_equal(v.type, VALUE_BOOL);
	assert_true(v.b);
	assert_int_equal(schema_parse_text(f, "no", &v, why, sizeof(why)), 0);
	assert_false(v.b);
	assert_int_equal(schema_parse_text(f, "true", &v, why, sizeof(why)), 0);
	assert_true(v.b);
	assert_int_equal(schema_parse_text(f, "False", &v, why, sizeof(why)),
	    0);
	assert_false(v.b);
}

static void
test_parse_bool_bad(void **state)
{
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(field("visit", "seen_alone"),
	    "maybe", &v, why, sizeof(why)), IRO_EINVAL);
	assert_int_equal(v.type, VALUE_NIL);
	assert_string_equal(why,
	    "field 'seen_alone': expected yes or no, got 'maybe'");
}

static void
test_parse_date(void **state)
{
	const struct schema_field *f = field("visit", "date");
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(f, "2024-03-05", &v, why,
	    sizeof(why)), 0);
	assert_int_equal(v.type, VALUE_STR);
	assert_string_equal(v.s, "2024-03-05");
	value_clear(&v);
	assert_int_equal(schema_parse_text(f, "5/3/2024", &v, why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(v.type, VALUE_NIL);
	assert_string_equal(why,
	    "field 'date': expected a date YYYY-MM-DD, got '5/3/2024'");
}

static void
test_parse_enum_lists_values(void **state)
{
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(field("note", "status"), "closed",
	    &v, why, sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "draft, final"));
}

static void
test_parse_null_is_nil(void **state)
{
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(field("visit", "note"), NULL, &v,
	    why, sizeof(why)), 0);
	assert_int_equal(v.type, VALUE_NIL);
}

static void
test_parse_int(void **state)
{
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(&int_field, "7", &v, why,
	    sizeof(why)), 0);
	assert_int_equal(v.type, VALUE_INT);
	assert_int_equal(v.i, 7);
	assert_int_equal(schema_parse_text(&int_field, " 7", &v, why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(schema_parse_text(&int_field, "7x", &v, why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(schema_parse_text(&int_field, "99", &v, why,
	    sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "from 0 to 10"));
	assert_int_equal(schema_parse_text(&int_field,
	    "99999999999999999999999", &v, why, sizeof(why)), IRO_EINVAL);
}

static void
test_parse_ref_any_case(void **state)
{
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(field("note", "child"),
	    "0123456789ABCDEF0123456789abcdef", &v, why, sizeof(why)), 0);
	assert_string_equal(v.s, "0123456789abcdef0123456789abcdef");
	value_clear(&v);
}

static void
test_parse_quotes_long_text_briefly(void **state)
{
	char text[200], why[256];
	struct value v;

	(void)state;
	memset(text, 'z', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(schema_parse_text(field("child", "child_id"), text,
	    &v, why, sizeof(why)), IRO_EINVAL);
	assert_non_null(strstr(why, "...'"));
	assert_true(strlen(why) < 120);
}

static void
test_describe_lists_fields(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(schema_describe(schema_type_find("note"), &s), 0);
	assert_non_null(s);
	assert_non_null(strstr(s, "note fields:"));
	assert_non_null(strstr(s, "child"));
	assert_non_null(strstr(s, "text"));
	assert_non_null(strstr(s, "one of draft, final"));
	assert_non_null(strstr(s, "default draft"));
	assert_non_null(strstr(s, "required"));
	free(s);
}

static void
test_date_parse_parts(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(date_parse("2024-02-29", 10, &y, &m, &d), 0);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_int_equal(date_parse("2024-02-30", 10, &y, &m, &d), IRO_EINVAL);
	assert_int_equal(y, 0);
	assert_int_equal(date_days_in_month(2023, 2), 28);
	assert_int_equal(date_days_in_month(2023, 13), 0);
}

/* The whole casework model as docs/casework.md gives it: every field of
 * every type, its kind, limit, whether required or frozen, its default
 * and who writes it. */
#define SRV SCHEMA_ROLE_SERVER
#define STAFF (SCHEMA_ROLE_IRO | SCHEMA_ROLE_MANAGER)
#define ANY (SRV | STAFF)

static const struct want {
	const char *type, *field;
	enum schema_kind kind;
	size_t max_len;
	bool required, frozen;
	const char *dflt;
	unsigned writers;
} model[] = {
	{ "child", "child_id", SCHEMA_CODE, 20, true, false, NULL, SRV },
	{ "child", "given_name", SCHEMA_STR, 100, true, false, NULL, SRV },
	{ "child", "family_name", SCHEMA_STR, 100, true, false, NULL, SRV },
	{ "child", "dob", SCHEMA_DATE, 0, true, false, NULL, SRV },
	{ "child", "sex", SCHEMA_ENUM, 0, false, false, NULL, SRV },
	{ "child", "legal_status", SCHEMA_ENUM, 0, false, false, NULL, SRV },
	{ "child", "care_start", SCHEMA_DATE, 0, false, false, NULL, SRV },
	{ "child", "care_end", SCHEMA_DATE, 0, false, false, NULL, SRV },
	{ "child", "placement_type", SCHEMA_ENUM, 0, false, false, NULL, SRV },
	{ "child", "placement_start", SCHEMA_DATE, 0, false, false, NULL, SRV },
	{ "child", "placement_provider", SCHEMA_ENUM, 0, false, false, NULL,
	  SRV },
	{ "child", "placement_postcode", SCHEMA_POSTCODE, 8, false, false,
	  NULL, SRV },
	{ "child", "placement_council", SCHEMA_CODE, 9, false, false, NULL,
	  SRV },
	{ "child", "out_of_area", SCHEMA_BOOL, 0, false, false, NULL, SRV },
	{ "child", "long_term_foster", SCHEMA_BOOL, 0, false, false, NULL,
	  SRV },
	{ "child", "adoption_stage", SCHEMA_ENUM, 0, false, false, NULL, SRV },
	{ "child", "adoption_since", SCHEMA_DATE, 0, false, false, NULL, SRV },
	{ "child", "social_worker", SCHEMA_STR, 100, false, false, NULL, SRV },
	{ "child", "iro", SCHEMA_STR, 64, false, false, NULL, SRV },
	{ "flag", "child", SCHEMA_REF, 0, true, false, NULL, STAFF },
	{ "flag", "field", SCHEMA_STR, 32, true, false, NULL, STAFF },
	{ "flag", "text", SCHEMA_TEXT, 4096, true, false, NULL, STAFF },
	{ "flag", "status", SCHEMA_ENUM, 0, false, false, "open", STAFF },
	{ "review", "child", SCHEMA_REF, 0, true, false, NULL, ANY },
	{ "review", "due", SCHEMA_DATE, 0, false, false, NULL, ANY },
	{ "review", "meeting_date", SCHEMA_DATE, 0, false, false, NULL, ANY },
	{ "review", "format", SCHEMA_ENUM, 0, false, false, "meeting", ANY },
	{ "review", "status", SCHEMA_ENUM, 0, false, false, "planned", ANY },
	{ "review", "early_reason", SCHEMA_TEXT, 1024, false, false, NULL,
	  ANY },
	{ "review", "spoken_privately", SCHEMA_ENUM, 0, false, false, NULL,
	  ANY },
	{ "review", "participation", SCHEMA_ENUM, 0, false, false, NULL, ANY },
	{ "review", "child_chaired", SCHEMA_BOOL, 0, false, false, NULL, ANY },
	{ "review", "parents_views", SCHEMA_BOOL, 0, false, false, NULL, ANY },
	{ "review", "care_plan_endorsed", SCHEMA_BOOL, 0, false, false, NULL,
	  ANY },
	{ "review", "decisions_distributed", SCHEMA_DATE, 0, false, false,
	  NULL, ANY },
	{ "review", "record_completed", SCHEMA_DATE, 0, false, false, NULL,
	  ANY },
	{ "review", "adjourned_to", SCHEMA_DATE, 0, false, false, NULL, ANY },
	{ "visit", "child", SCHEMA_REF, 0, true, false, NULL, STAFF },
	{ "visit", "date", SCHEMA_DATE, 0, true, false, NULL, STAFF },
	{ "visit", "time", SCHEMA_TIME, 0, false, false, NULL, STAFF },
	{ "visit", "purpose", SCHEMA_ENUM, 0, false, false, NULL, STAFF },
	{ "visit", "mode", SCHEMA_ENUM, 0, false, false, NULL, STAFF },
	{ "visit", "location", SCHEMA_ENUM, 0, false, false, NULL, STAFF },
	{ "visit", "child_seen", SCHEMA_BOOL, 0, false, false, NULL, STAFF },
	{ "visit", "seen_alone", SCHEMA_BOOL, 0, false, false, NULL, STAFF },
	{ "visit", "wishes", SCHEMA_TEXT, 16384, false, false, NULL, STAFF },
	{ "visit", "safeguarding", SCHEMA_BOOL, 0, false, false, NULL, STAFF },
	{ "visit", "note", SCHEMA_TEXT, 16384, false, false, NULL, STAFF },
	{ "note", "child", SCHEMA_REF, 0, true, false, NULL, STAFF },
	{ "note", "type", SCHEMA_ENUM, 0, false, true, "case_note", STAFF },
	{ "note", "text", SCHEMA_TEXT, LIMIT_STR_MAX, true, true, NULL,
	  STAFF },
	{ "note", "status", SCHEMA_ENUM, 0, false, true, "draft", STAFF },
	{ "note", "supersedes", SCHEMA_REF, 0, false, true, NULL, STAFF },
	{ "decision", "child", SCHEMA_REF, 0, true, false, NULL, STAFF },
	{ "decision", "review", SCHEMA_REF, 0, true, false, NULL, STAFF },
	{ "decision", "text", SCHEMA_TEXT, 4096, true, false, NULL, STAFF },
	{ "decision", "responsible", SCHEMA_STR, 100, false, false, NULL,
	  STAFF },
	{ "decision", "due", SCHEMA_DATE, 0, false, false, NULL, STAFF },
	{ "decision", "status", SCHEMA_ENUM, 0, false, false, "open", STAFF },
	{ "decision", "carried", SCHEMA_INT, 0, false, false, "0", STAFF },
	{ "decision", "carried_to", SCHEMA_REF, 0, false, false, NULL, STAFF },
	{ "dispute", "child", SCHEMA_REF, 0, true, false, NULL, STAFF },
	{ "dispute", "category", SCHEMA_ENUM, 0, true, false, NULL, STAFF },
	{ "dispute", "opened", SCHEMA_DATE, 0, true, false, NULL, STAFF },
	{ "dispute", "status", SCHEMA_ENUM, 0, false, false, "open", STAFF },
	{ "dispute", "closed", SCHEMA_DATE, 0, false, false, NULL, STAFF },
	{ "dispute", "outcome", SCHEMA_TEXT, 4096, false, false, NULL, STAFF },
	{ "dispute", "cafcass_referred", SCHEMA_DATE, 0, false, false, NULL,
	  STAFF },
	{ "dispute_stage", "dispute", SCHEMA_REF, 0, true, false, NULL,
	  STAFF },
	{ "dispute_stage", "stage", SCHEMA_ENUM, 0, true, false, NULL, STAFF },
	{ "dispute_stage", "sent", SCHEMA_DATE, 0, true, false, NULL, STAFF },
	{ "dispute_stage", "response_due", SCHEMA_DATE, 0, false, false, NULL,
	  STAFF },
	{ "dispute_stage", "responded", SCHEMA_DATE, 0, false, false, NULL,
	  STAFF },
	{ "dispute_stage", "response", SCHEMA_TEXT, 4096, false, false, NULL,
	  STAFF },
	{ "dispute_stage", "outcome", SCHEMA_ENUM, 0, false, false, NULL,
	  STAFF },
	{ "holiday", "date", SCHEMA_DATE, 0, true, false, NULL, SRV },
	{ "holiday", "title", SCHEMA_STR, 100, false, false, NULL, SRV },
	{ "holiday", "working", SCHEMA_BOOL, 0, false, false, "no", SRV },
	{ "setting", "name", SCHEMA_ENUM, 0, true, false, NULL, SRV },
	{ "setting", "value", SCHEMA_STR, 256, false, false, NULL, SRV },
};

static void
test_model_fields(void **state)
{
	size_t i, j, count;

	(void)state;
	for (i = 0; i < sizeof(model) / sizeof(model[0]); i++) {
		const struct want *w = &model[i];
		const struct schema_field *f = field(w->type, w->field);

		assert_int_equal(f->kind, w->kind);
		if (w->max_len > 0)
			assert_int_equal(f->max_len, w->max_len);
		assert_int_equal(f->required, w->required);
		assert_int_equal(f->frozen, w->frozen);
		if (w->dflt == NULL)
			assert_null(f->dflt);
		else
			assert_string_equal(f->dflt, w->dflt);
		assert_int_equal(f->writers, w->writers);
	}
	/* Nothing in the table that the model does not name. */
	for (i = 0; schema_type_at(i) != NULL; i++) {
		const struct schema_type *t = schema_type_at(i);

		count = 0;
		for (j = 0; j < sizeof(model) / sizeof(model[0]); j++)
			count += strcmp(model[j].type, t->name) == 0;
		assert_int_equal(t->nfields, count);
	}
}

static void
test_model_creators_and_freeze(void **state)
{
	static const struct {
		const char *type;
		unsigned creators;
	} c[] = {
		{ "child", SRV }, { "flag", STAFF }, { "review", ANY },
		{ "visit", STAFF }, { "note", STAFF }, { "decision", STAFF },
		{ "dispute", STAFF }, { "dispute_stage", STAFF },
		{ "holiday", SRV }, { "setting", SRV },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const struct schema_type *t = schema_type_find(c[i].type);

		assert_non_null(t);
		assert_int_equal(t->creators, c[i].creators);
		assert_int_equal(t->deleted.writers, c[i].creators);
		if (strcmp(c[i].type, "note") == 0) {
			assert_string_equal(t->freeze_field, "status");
			assert_string_equal(t->freeze_value, "final");
		} else {
			assert_null(t->freeze_field);
		}
	}
}

/* The enumerations, in order, as docs/casework.md lists them. */
static void
test_model_enums(void **state)
{
	static const struct {
		const char *type, *field, *values;
	} e[] = {
		{ "child", "sex", "M F U" },
		{ "child", "legal_status",
		  "C1 C2 D1 E1 V2 V3 V4 L1 L2 L3 J1 J2 J3" },
		{ "child", "placement_type", "A3 A4 A5 A6 H5 K1 K2 K3 P1 P2 P3 "
		  "R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z1 Z11 Z12 "
		  "Z13 Z14" },
		{ "child", "placement_provider", "PR0 PR1 PR2 PR3 PR4 PR5" },
		{ "child", "adoption_stage", "none authority placed" },
		{ "flag", "status", "open closed" },
		{ "review", "format", "meeting no_meeting" },
		{ "review", "status",
		  "planned held completed adjourned cancelled" },
		{ "review", "spoken_privately",
		  "yes refused inappropriate not_done" },
		{ "review", "participation", "PN0 PN1 PN2 PN3 PN4 PN5 PN6 PN7" },
		{ "visit", "purpose",
		  "introduction pre_review midway concern other" },
		{ "visit", "mode", "in_person video phone" },
		{ "visit", "location",
		  "placement school family_home contact_centre office other" },
		{ "note", "type",
		  "case_note consultation midway oversight other" },
		{ "note", "status", "draft final" },
		{ "decision", "status", "open done dropped" },
		{ "dispute", "category", "care_plan placement contact education "
		  "health legal resources other" },
		{ "dispute", "status", "open resolved withdrawn" },
		{ "dispute_stage", "stage", "informal team_manager "
		  "service_manager head_of_service director" },
		{ "dispute_stage", "outcome",
		  "resolved not_resolved escalated no_response" },
		{ "setting", "name", "council dispute_days_informal "
		  "dispute_days_team_manager dispute_days_service_manager "
		  "dispute_days_head_of_service dispute_days_director "
		  "decisions_days record_days adjourn_days lease_days" },
	};
	size_t i, j;
	char got[512];

	(void)state;
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		const struct schema_field *f = field(e[i].type, e[i].field);

		got[0] = '\0';
		for (j = 0; f->values[j] != NULL; j++) {
			if (j > 0)
				strcat(got, " ");
			strcat(got, f->values[j]);
		}
		assert_string_equal(got, e[i].values);
	}
}

static void
test_code_lists_shared(void **state)
{
	(void)state;
	assert_ptr_equal(field("child", "legal_status")->values,
	    codes_legal_status.values);
	assert_ptr_equal(field("child", "placement_type")->values,
	    codes_placement_type.values);
	assert_ptr_equal(field("child", "placement_provider")->values,
	    codes_placement_provider.values);
	assert_ptr_equal(field("review", "participation")->values,
	    codes_participation.values);
	assert_ptr_equal(field("child", "sex")->values, codes_sex.values);
}

static void
test_time_kind(void **state)
{
	static const char *const good[] = {
		"00:00", "09:30", "23:59", "12:00",
	};
	static const char *const bad[] = {
		"24:00", "23:60", "9:30", "09:3", "0930", "09.30", "09:30:00",
		"", " 09:30", "ab:cd", "-1:00",
	};
	char why[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(check_str("visit", "time", good[i], why), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(check_str("visit", "time", bad[i], why),
		    IRO_EINVAL);
	assert_int_equal(check_str("visit", "time", "24:00", why),
	    IRO_EINVAL);
	assert_string_equal(why, "field 'time': expected a time HH:MM from "
	    "00:00 to 23:59, got '24:00'");
}

static void
test_postcode_kind(void **state)
{
	static const char *const good[] = {
		"SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
		"W1A 0AX", "EC1A 1BB", "sw1a 1aa", "SW1A1AA", "m11ae",
		"GIR 0AA", "Ls1 4Ap",
		/* SSDA903's partial postcodes */
		"LS8 4", "SW1A 1", "m1 1", "DN55 1",
	};
	static const char *const bad[] = {
		"", "SW1A  1AA", " SW1A 1AA", "SW1A 1AA ", "SW1 A1AA", "1W1A 1AA",
		"SW1A 1CA", "SW1A 1AI", "SW1A AAA", "SWAA 1AA", "SW12A 1AA",
		"ABC 1AA", "SW1A-1AA", "S", "SW1A 1A", "M1 1AE1",
		"\xc3\x89" "C1A 1BB",
		"LS8 A", "8LS 4", "LS8  4", "LS84", "LS8 44", "SW12A 1",
	};
	char why[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (check_str("child", "placement_postcode", good[i], why) != 0)
			fail_msg("'%s' refused: %s", good[i], why);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (check_str("child", "placement_postcode", bad[i], why) !=
		    IRO_EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	}
	assert_int_equal(check_str("child", "placement_postcode", "SW1A",
	    why), IRO_EINVAL);
	assert_string_equal(why, "field 'placement_postcode': expected a UK "
	    "postcode such as SW1A 1AA (or the partial SW1A 1), got 'SW1A'");
}

static void
test_postcode_and_time_need_strings(void **state)
{
	struct value v = { .type = VALUE_INT, .i = 930 };
	char why[256];

	(void)state;
	assert_int_equal(schema_check_value(field("visit", "time"), &v, why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(schema_check_value(field("child",
	    "placement_postcode"), &v, why, sizeof(why)), IRO_EINVAL);
	v.type = VALUE_NIL;
	assert_int_equal(schema_check_value(field("visit", "time"), &v, why,
	    sizeof(why)), 0);
}

static void
test_code_enums_checked(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(check_str("child", "placement_type", "Z14", why), 0);
	assert_int_equal(check_str("child", "placement_type", "u4", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("child", "placement_type", "Q1", why),
	    IRO_EINVAL);
	assert_non_null(strstr(why, "one of A3, A4"));
	assert_non_null(strstr(why, "Z14"));
	assert_int_equal(check_str("child", "legal_status", "C2", why), 0);
	assert_int_equal(check_str("child", "legal_status", "V1", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("child", "placement_provider", "PR6", why),
	    IRO_EINVAL);
	assert_int_equal(check_str("review", "participation", "PN7", why), 0);
	assert_int_equal(check_str("review", "participation", "PN8", why),
	    IRO_EINVAL);
	assert_string_equal(why, "field 'participation': expected one of "
	    "PN0, PN1, PN2, PN3, PN4, PN5, PN6, PN7, got 'PN8'");
	assert_int_equal(check_str("child", "sex", "X", why), IRO_EINVAL);
}

static void
test_decision_carried_range(void **state)
{
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(field("decision", "carried"), "99",
	    &v, why, sizeof(why)), 0);
	assert_int_equal(v.i, 99);
	assert_int_equal(schema_parse_text(field("decision", "carried"),
	    "100", &v, why, sizeof(why)), IRO_EINVAL);
	assert_int_equal(schema_parse_text(field("decision", "carried"), "-1",
	    &v, why, sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "field 'carried': expected a whole number "
	    "from 0 to 99, got -1");
}

/* Who may write what: the change checks by role. */
static int
check_as(const char *type, const char *fname, const char *s,
    enum schema_role role, char *why)
{
	struct change c;
	int rc;

	mkchange(&c, type, fname, s);
	rc = schema_check_change(&c, role, why, 256);
	change_clear(&c);
	return rc;
}

static void
test_model_writers(void **state)
{
	char why[256];

	(void)state;
	/* IROs flag child fields, they do not edit them. */
	assert_int_equal(check_as("child", "placement_type", "U4",
	    SCHEMA_ROLE_IRO, why), IRO_EFORBIDDEN);
	assert_string_equal(why,
	    "role 'iro' may not write child.placement_type");
	assert_int_equal(check_as("child", "placement_type", "U4",
	    SCHEMA_ROLE_SERVER, why), 0);
	assert_int_equal(check_as("flag", "field", "placement_type",
	    SCHEMA_ROLE_IRO, why), 0);
	assert_int_equal(check_as("flag", "field", "placement_type",
	    SCHEMA_ROLE_SERVER, why), IRO_EFORBIDDEN);
	/* Reviews: imported history from the server, and the staff. */
	assert_int_equal(check_as("review", "status", "completed",
	    SCHEMA_ROLE_SERVER, why), 0);
	assert_int_equal(check_as("review", "participation", "PN1",
	    SCHEMA_ROLE_IRO, why), 0);
	assert_int_equal(check_as("review", "status", "held",
	    SCHEMA_ROLE_MANAGER, why), 0);
	assert_int_equal(check_as("review", "status", "held",
	    SCHEMA_ROLE_ADMIN, why), IRO_EFORBIDDEN);
	assert_true((schema_type_find("review")->creators &
	    SCHEMA_ROLE_SERVER) != 0);
	/* Admins act through the server's commands. */
	assert_int_equal(check_as("holiday", "date", "2026-12-28",
	    SCHEMA_ROLE_ADMIN, why), IRO_EFORBIDDEN);
	assert_int_equal(check_as("holiday", "date", "2026-12-28",
	    SCHEMA_ROLE_SERVER, why), 0);
	assert_int_equal(check_as("setting", "value", "5", SCHEMA_ROLE_IRO,
	    why), IRO_EFORBIDDEN);
	assert_int_equal(check_as("setting", "name", "record_days",
	    SCHEMA_ROLE_SERVER, why), 0);
	assert_int_equal(check_as("setting", "name", "colour",
	    SCHEMA_ROLE_SERVER, why), IRO_EINVAL);
	/* The staff's records are not the server's to write. */
	assert_int_equal(check_as("decision", "text", "x", SCHEMA_ROLE_SERVER,
	    why), IRO_EFORBIDDEN);
	assert_int_equal(check_as("dispute_stage", "stage", "director",
	    SCHEMA_ROLE_MANAGER, why), 0);
	assert_int_equal(check_as("dispute_stage", "stage", "judge",
	    SCHEMA_ROLE_MANAGER, why), IRO_EINVAL);
}

static void
test_model_defaults_parse(void **state)
{
	struct value v;
	char why[256];

	(void)state;
	assert_int_equal(schema_parse_text(field("holiday", "working"),
	    field("holiday", "working")->dflt, &v, why, sizeof(why)), 0);
	assert_int_equal(v.type, VALUE_BOOL);
	assert_false(v.b);
	assert_int_equal(schema_parse_text(field("decision", "carried"),
	    field("decision", "carried")->dflt, &v, why, sizeof(why)), 0);
	assert_int_equal(v.type, VALUE_INT);
	assert_int_equal(v.i, 0);
}

static void
test_describe_new_kinds(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(schema_describe(schema_type_find("visit"), &s), 0);
	assert_non_null(strstr(s, "a time HH:MM"));
	assert_non_null(strstr(s, "in_person, video, phone"));
	free(s);
	assert_int_equal(schema_describe(schema_type_find("child"), &s), 0);
	assert_non_null(strstr(s, "a UK postcode"));
	assert_non_null(strstr(s, "PR0, PR1, PR2, PR3, PR4, PR5"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_listed),
		cmocka_unit_test(test_model_fields),
		cmocka_unit_test(test_model_creators_and_freeze),
		cmocka_unit_test(test_model_enums),
		cmocka_unit_test(test_code_lists_shared),
		cmocka_unit_test(test_time_kind),
		cmocka_unit_test(test_postcode_kind),
		cmocka_unit_test(test_postcode_and_time_need_strings),
		cmocka_unit_test(test_code_enums_checked),
		cmocka_unit_test(test_decision_carried_range),
		cmocka_unit_test(test_model_writers),
		cmocka_unit_test(test_model_defaults_parse),
		cmocka_unit_test(test_describe_new_kinds),
		cmocka_unit_test(test_field_find),
		cmocka_unit_test(test_deleted_field_implicit),
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_note_status_default_draft),
		cmocka_unit_test(test_note_freeze_rule),
		cmocka_unit_test(test_role_parse_and_name),
		cmocka_unit_test(test_nil_always_allowed),
		cmocka_unit_test(test_str_ok),
		cmocka_unit_test(test_str_rejects_control),
		cmocka_unit_test(test_str_over_limit),
		cmocka_unit_test(test_text_allows_newline_and_tab),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_date_words_rejected),
		cmocka_unit_test(test_date_calendar),
		cmocka_unit_test(test_date_year_range),
		cmocka_unit_test(test_wrong_wire_type_names_field),
		cmocka_unit_test(test_bool_needs_bool),
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_ref_lowercase_hex),
		cmocka_unit_test(test_code_alnum),
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_invalid_utf8_rejected),
		cmocka_unit_test(test_check_change_ok),
		cmocka_unit_test(test_check_change_unknown_type),
		cmocka_unit_test(test_check_change_unknown_field),
		cmocka_unit_test(test_check_change_forbidden_role),
		cmocka_unit_test(test_check_change_admin_cannot_write_visit),
		cmocka_unit_test(test_check_change_deleted_by_creators),
		cmocka_unit_test(test_check_change_bad_value),
		cmocka_unit_test(test_parse_bool_words),
		cmocka_unit_test(test_parse_bool_bad),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_parse_enum_lists_values),
		cmocka_unit_test(test_parse_null_is_nil),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse_ref_any_case),
		cmocka_unit_test(test_parse_quotes_long_text_briefly),
		cmocka_unit_test(test_describe_lists_fields),
		cmocka_unit_test(test_date_parse_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
