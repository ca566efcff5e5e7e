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
	(void)state;
	assert_string_equal(schema_type_at(0)->name, "child");
	assert_string_equal(schema_type_at(1)->name, "visit");
	assert_string_equal(schema_type_at(2)->name, "note");
	assert_null(schema_type_at(3));
	assert_ptr_equal(schema_type_find("note"), schema_type_at(2));
	assert_null(schema_type_find("review"));
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
	mkchange(&c, "review", "date", "2024-05-01");
	assert_int_equal(schema_check_change(&c, SCHEMA_ROLE_IRO, why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "unknown record type 'review'");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_listed),
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
