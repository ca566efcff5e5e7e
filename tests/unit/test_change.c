/*
 * test_change.c - stamps, values and the structural rules of a change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "change.h"
#include "iro_error.h"

static struct stamp
mkstamp(uint64_t wall, uint32_t counter, uint8_t dev)
{
	struct stamp s;

	memset(&s, 0, sizeof(s));
	s.wall_ms = wall;
	s.counter = counter;
	s.device[0] = dev;
	return s;
}

/* A valid change: visit.date set on a new field. */
static void
mkchange(struct change *c)
{
	change_init(c);
	c->seq = 1;
	c->ts = mkstamp(1000, 0, 1);
	strcpy(c->type, "visit");
	strcpy(c->field, "date");
	c->record[0] = 0xaa;
	assert_int_equal(value_set_str(&c->value, "2024-01-31", 10), 0);
	strcpy(c->author, "alice");
}

static int
check(const struct change *c, char *why)
{
	return change_check(c, why, 256);
}

static void
test_stamp_order_wall_first(void **state)
{
	struct stamp a = mkstamp(1, 9, 9), b = mkstamp(2, 0, 0);

	(void)state;
	assert_true(stamp_cmp(&a, &b) < 0);
	assert_true(stamp_cmp(&b, &a) > 0);
}

static void
test_stamp_order_counter_then_device(void **state)
{
	struct stamp a = mkstamp(5, 1, 9), b = mkstamp(5, 2, 0);
	struct stamp c = mkstamp(5, 2, 1);

	(void)state;
	assert_true(stamp_cmp(&a, &b) < 0);
	assert_true(stamp_cmp(&b, &c) < 0);
	assert_int_equal(stamp_cmp(&c, &c), 0);
}

static void
test_stamp_device_bytes_unsigned(void **state)
{
	struct stamp a = mkstamp(5, 1, 0x01), b = mkstamp(5, 1, 0xff);

	(void)state;
	assert_true(stamp_cmp(&a, &b) < 0);
}

static void
test_value_set_str_copies(void **state)
{
	struct value v = { 0 };
	char src[] = "hello";

	(void)state;
	assert_int_equal(value_set_str(&v, src, 5), 0);
	src[0] = 'j';
	assert_int_equal(v.type, VALUE_STR);
	assert_int_equal(v.len, 5);
	assert_string_equal(v.s, "hello");
	value_clear(&v);
}

static void
test_value_set_str_too_big(void **state)
{
	struct value v = { 0 };
	char *big = calloc(1, LIMIT_STR_MAX + 2);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', LIMIT_STR_MAX + 1);
	assert_int_equal(value_set_str(&v, big, LIMIT_STR_MAX + 1),
	    IRO_ETOOBIG);
	assert_int_equal(v.type, VALUE_NIL);
	assert_int_equal(value_set_str(&v, big, LIMIT_STR_MAX), 0);
	value_clear(&v);
	free(big);
}

static void
test_value_set_str_from_itself(void **state)
{
	struct value v = { 0 };

	(void)state;
	assert_int_equal(value_set_str(&v, "abcdef", 6), 0);
	assert_int_equal(value_set_str(&v, v.s + 2, 3), 0);
	assert_string_equal(v.s, "cde");
	value_clear(&v);
}

static void
test_value_equal_by_type_and_content(void **state)
{
	struct value a = { .type = VALUE_INT, .i = 3 };
	struct value b = { .type = VALUE_INT, .i = 3 };
	struct value c = { .type = VALUE_BOOL, .b = true };
	struct value s1 = { 0 }, s2 = { 0 };

	(void)state;
	assert_true(value_equal(&a, &b));
	b.i = 4;
	assert_false(value_equal(&a, &b));
	assert_false(value_equal(&a, &c));
	assert_int_equal(value_set_str(&s1, "ab", 2), 0);
	assert_int_equal(value_set_str(&s2, "abc", 3), 0);
	assert_false(value_equal(&s1, &s2));
	value_clear(&s2);
	assert_int_equal(value_set_str(&s2, "ab", 2), 0);
	assert_true(value_equal(&s1, &s2));
	value_clear(&s1);
	value_clear(&s2);
}

static void
test_value_clear_null_is_noop(void **state)
{
	(void)state;
	value_clear(NULL);
	change_clear(NULL);
	change_free_array(NULL, 3);
}

static void
test_utf8_validation(void **state)
{
	(void)state;
	assert_true(value_utf8_valid("caf\xc3\xa9", 5));
	assert_true(value_utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_false(value_utf8_valid("\xc0\xaf", 2));          /* overlong */
	assert_false(value_utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
	assert_false(value_utf8_valid("\xf4\x90\x80\x80", 4));  /* > U+10FFFF */
	assert_false(value_utf8_valid("\xe2\x82", 2));          /* truncated */
	assert_false(value_utf8_valid("a\0b", 3));              /* NUL */
}

static void
test_change_copy_is_deep(void **state)
{
	struct change a, b;
	struct stamp sup[2] = { mkstamp(1, 0, 2), mkstamp(2, 0, 3) };

	(void)state;
	mkchange(&a);
	a.nsup = 2;
	a.sup = malloc(sizeof(sup));
	assert_non_null(a.sup);
	memcpy(a.sup, sup, sizeof(sup));
	assert_int_equal(change_copy(&b, &a), 0);
	assert_ptr_not_equal(a.sup, b.sup);
	assert_ptr_not_equal(a.value.s, b.value.s);
	assert_true(change_same_content(&a, &b));
	change_clear(&a);
	b.value.s[0] = '1';
	assert_string_equal(b.value.s, "1024-01-31");
	change_clear(&b);
}

static void
test_change_copy_refuses_bad_sup(void **state)
{
	struct change a, b;

	(void)state;
	mkchange(&a);
	a.nsup = 1;             /* sup NULL */
	assert_int_equal(change_copy(&b, &a), IRO_EINVAL);
	assert_int_equal(b.value.type, VALUE_NIL);
	assert_null(b.sup);
	assert_int_equal(b.seq, 0);
	a.nsup = LIMIT_SUPERSEDES + 1;
	a.sup = calloc(a.nsup, sizeof(*a.sup));
	assert_non_null(a.sup);
	assert_int_equal(change_copy(&b, &a), IRO_ETOOBIG);
	assert_null(b.sup);
	change_clear(&a);
}

static void
test_value_copy_scalars(void **state)
{
	struct value a = { .type = VALUE_INT, .i = -7 }, b;

	(void)state;
	assert_int_equal(value_copy(&b, &a), 0);
	assert_true(value_equal(&a, &b));
	assert_null(b.s);
}

static void
test_change_free_array(void **state)
{
	struct change *a = calloc(2, sizeof(*a));

	(void)state;
	assert_non_null(a);
	mkchange(&a[0]);
	mkchange(&a[1]);
	change_free_array(a, 2);
}

static void
test_check_accepts_valid(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	assert_int_equal(check(&c, why), 0);
	change_clear(&c);
}

static void
test_check_bad_type_name(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	strcpy(c.type, "Visit");
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "record type"));
	strcpy(c.type, "9visit");
	assert_int_equal(check(&c, why), IRO_EINVAL);
	c.type[0] = '\0';
	assert_int_equal(check(&c, why), IRO_EINVAL);
	change_clear(&c);
}

static void
test_check_name_length_limit(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	memset(c.field, 'a', LIMIT_NAME_MAX);
	c.field[LIMIT_NAME_MAX] = '\0';
	assert_int_equal(check(&c, why), 0);
	/* No terminator inside the array: over the limit. */
	memset(c.field, 'a', sizeof(c.field));
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "field name"));
	change_clear(&c);
}

static void
test_check_bad_field_name(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	strcpy(c.field, "seen-alone");
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "field name"));
	strcpy(c.field, "_deleted");
	assert_int_equal(check(&c, why), 0);
	change_clear(&c);
}

static void
test_check_seq_zero(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	c.seq = 0;
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "sequence"));
	change_clear(&c);
}

static void
test_check_author(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	c.author[0] = '\0';
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "author"));
	strcpy(c.author, "bad\tname");
	assert_int_equal(check(&c, why), IRO_EINVAL);
	memset(c.author, 'a', sizeof(c.author));
	assert_int_equal(check(&c, why), IRO_EINVAL);
	memset(c.author, 'a', LIMIT_USER_MAX);
	c.author[LIMIT_USER_MAX] = '\0';
	assert_int_equal(check(&c, why), 0);
	change_clear(&c);
}

static void
test_check_ts_after_base(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	c.has_base = true;
	c.base = c.ts;
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "base"));
	/* Same wall and counter, later device: base orders after ts. */
	c.base = mkstamp(1000, 0, 2);
	assert_int_equal(check(&c, why), IRO_EINVAL);
	c.base = mkstamp(1000, 0, 0);
	assert_int_equal(check(&c, why), 0);
	change_clear(&c);
}

static void
test_check_sup_before_ts(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	c.nsup = 2;
	c.sup = calloc(2, sizeof(*c.sup));
	assert_non_null(c.sup);
	c.sup[0] = mkstamp(999, 5, 7);
	c.sup[1] = mkstamp(1000, 1, 0);
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "superseded"));
	c.sup[1] = mkstamp(1000, 0, 0);
	assert_int_equal(check(&c, why), 0);
	change_clear(&c);
}

static void
test_check_sup_limit(void **state)
{
	struct change c;
	char why[256];
	size_t i;

	(void)state;
	mkchange(&c);
	c.nsup = LIMIT_SUPERSEDES + 1;
	c.sup = calloc(c.nsup, sizeof(*c.sup));
	assert_non_null(c.sup);
	for (i = 0; i < c.nsup; i++)
		c.sup[i] = mkstamp(1, (uint32_t)i, 0);
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "limit"));
	c.nsup = LIMIT_SUPERSEDES;
	assert_int_equal(check(&c, why), 0);
	change_clear(&c);
}

static void
test_check_sup_pointer_matches_count(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	c.nsup = 1;
	assert_int_equal(check(&c, why), IRO_EINVAL);
	c.nsup = 0;
	c.sup = calloc(1, sizeof(*c.sup));
	assert_non_null(c.sup);
	assert_int_equal(check(&c, why), IRO_EINVAL);
	change_clear(&c);
}

static void
test_check_string_utf8(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	assert_int_equal(value_set_str(&c.value, "\xff\xfe", 2), 0);
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "utf-8"));
	change_clear(&c);
}

static void
test_check_string_embedded_nul(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	assert_int_equal(value_set_str(&c.value, "ab\0cd", 5), 0);
	assert_int_equal(check(&c, why), IRO_EINVAL);
	change_clear(&c);
}

static void
test_check_string_unterminated(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	c.value.len = 4;        /* s holds 10 bytes: s[4] is not NUL */
	assert_int_equal(check(&c, why), IRO_EINVAL);
	assert_non_null(strstr(why, "malformed"));
	change_clear(&c);
}

static void
test_check_nil_bool_int_values(void **state)
{
	struct change c;
	char why[256];

	(void)state;
	mkchange(&c);
	value_clear(&c.value);
	assert_int_equal(check(&c, why), 0);
	c.value.type = VALUE_BOOL;
	assert_int_equal(check(&c, why), 0);
	c.value.type = VALUE_INT;
	c.value.i = -5;
	assert_int_equal(check(&c, why), 0);
	change_clear(&c);
}

static void
test_check_null_why(void **state)
{
	struct change c;

	(void)state;
	mkchange(&c);
	c.seq = 0;
	assert_int_equal(change_check(&c, NULL, 0), IRO_EINVAL);
	change_clear(&c);
}

static void
test_same_id(void **state)
{
	struct change a, b;

	(void)state;
	mkchange(&a);
	mkchange(&b);
	b.ts.wall_ms = 5;
	assert_true(change_same_id(&a, &b));
	b.seq = 2;
	assert_false(change_same_id(&a, &b));
	b.seq = 1;
	b.ts.device[0] = 9;
	assert_false(change_same_id(&a, &b));
	change_clear(&a);
	change_clear(&b);
}

static void
test_same_content_detects_each_member(void **state)
{
	struct change a, b;

	(void)state;
	mkchange(&a);
	mkchange(&b);
	assert_true(change_same_content(&a, &b));
	b.has_base = true;
	assert_false(change_same_content(&a, &b));
	b.has_base = false;
	strcpy(b.author, "bob");
	assert_false(change_same_content(&a, &b));
	strcpy(b.author, "alice");
	b.record[3] = 1;
	assert_false(change_same_content(&a, &b));
	b.record[3] = 0;
	b.ts.counter = 1;
	assert_false(change_same_content(&a, &b));
	b.ts.counter = 0;
	assert_int_equal(value_set_str(&b.value, "2024-02-01", 10), 0);
	assert_false(change_same_content(&a, &b));
	change_clear(&a);
	change_clear(&b);
}

static void
test_same_content_sup(void **state)
{
	struct change a, b;

	(void)state;
	mkchange(&a);
	mkchange(&b);
	b.nsup = 1;
	b.sup = calloc(1, sizeof(*b.sup));
	assert_non_null(b.sup);
	assert_false(change_same_content(&a, &b));
	a.nsup = 1;
	a.sup = calloc(1, sizeof(*a.sup));
	assert_non_null(a.sup);
	assert_true(change_same_content(&a, &b));
	a.sup[0].counter = 3;
	assert_false(change_same_content(&a, &b));
	change_clear(&a);
	change_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_order_wall_first),
		cmocka_unit_test(test_stamp_order_counter_then_device),
		cmocka_unit_test(test_stamp_device_bytes_unsigned),
		cmocka_unit_test(test_value_set_str_copies),
		cmocka_unit_test(test_value_set_str_too_big),
		cmocka_unit_test(test_value_set_str_from_itself),
		cmocka_unit_test(test_value_equal_by_type_and_content),
		cmocka_unit_test(test_value_clear_null_is_noop),
		cmocka_unit_test(test_utf8_validation),
		cmocka_unit_test(test_change_copy_is_deep),
		cmocka_unit_test(test_change_copy_refuses_bad_sup),
		cmocka_unit_test(test_value_copy_scalars),
		cmocka_unit_test(test_change_free_array),
		cmocka_unit_test(test_check_accepts_valid),
		cmocka_unit_test(test_check_bad_type_name),
		cmocka_unit_test(test_check_name_length_limit),
		cmocka_unit_test(test_check_bad_field_name),
		cmocka_unit_test(test_check_seq_zero),
		cmocka_unit_test(test_check_author),
		cmocka_unit_test(test_check_ts_after_base),
		cmocka_unit_test(test_check_sup_before_ts),
		cmocka_unit_test(test_check_sup_limit),
		cmocka_unit_test(test_check_sup_pointer_matches_count),
		cmocka_unit_test(test_check_string_utf8),
		cmocka_unit_test(test_check_string_embedded_nul),
		cmocka_unit_test(test_check_string_unterminated),
		cmocka_unit_test(test_check_nil_bool_int_values),
		cmocka_unit_test(test_check_null_why),
		cmocka_unit_test(test_same_id),
		cmocka_unit_test(test_same_content_detects_each_member),
		cmocka_unit_test(test_same_content_sup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
