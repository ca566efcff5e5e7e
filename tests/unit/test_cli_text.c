/*
 * test_cli_text.c - the `iro` command's text for people (text.c): ISO
 * times, values, and aligned tables with cut and cleaned cells.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/text.h"
#include "iro_error.h"

/* ---- times ---- */

static void
test_time_zero_is_the_epoch(void **state)
{
	char t[TEXT_TIME_LEN];

	(void)state;
	text_iso_time(0, t);
	assert_string_equal(t, "1970-01-01T00:00:00Z");
}

static void
test_time_is_utc_to_the_second(void **state)
{
	char t[TEXT_TIME_LEN];

	(void)state;
	text_iso_time(INT64_C(1795429500000), t);
	assert_string_equal(t, "2026-11-23T10:25:00Z");
}

static void
test_time_drops_the_milliseconds(void **state)
{
	char t[TEXT_TIME_LEN];

	(void)state;
	text_iso_time(INT64_C(1795429500999), t);
	assert_string_equal(t, "2026-11-23T10:25:00Z");
}

static void
test_time_before_the_epoch_prints_the_epoch(void **state)
{
	char t[TEXT_TIME_LEN];

	(void)state;
	text_iso_time(INT64_C(-86400000), t);
	assert_string_equal(t, "1970-01-01T00:00:00Z");
}

static void
test_time_far_ahead_still_fits(void **state)
{
	char t[TEXT_TIME_LEN + 8];
	size_t len;

	(void)state;
	memset(t, '#', sizeof(t));
	text_iso_time(INT64_MAX, t);
	len = strnlen(t, TEXT_TIME_LEN);
	assert_true(len < TEXT_TIME_LEN);
	assert_int_equal(t[len - 1], 'Z');
	assert_int_equal(t[TEXT_TIME_LEN], '#');
}

/* ---- values ---- */

/* The text of v; it must be want. */
static void
expect_text(const struct iro_value *v, const char *want)
{
	char *s = NULL;

	assert_int_equal(text_value(v, &s), 0);
	assert_string_equal(s, want);
	free(s);
}

static void
test_nil_value_is_a_dash(void **state)
{
	struct iro_value v = { .type = IRO_V_NIL };

	(void)state;
	expect_text(&v, "-");
}

static void
test_bools_are_yes_and_no(void **state)
{
	struct iro_value yes = { .type = IRO_V_BOOL, .b = 1 };
	struct iro_value no = { .type = IRO_V_BOOL, .b = 0 };

	(void)state;
	expect_text(&yes, "yes");
	expect_text(&no, "no");
}

static void
test_ints_are_decimal_down_to_the_smallest(void **state)
{
	struct iro_value v = { .type = IRO_V_INT, .i = INT64_MIN };

	(void)state;
	expect_text(&v, "-9223372036854775808");
}

static void
test_string_is_itself(void **state)
{
	struct iro_value v = { .type = IRO_V_STR, .s = "seen alone" };

	(void)state;
	expect_text(&v, "seen alone");
}

static void
test_null_string_is_empty(void **state)
{
	struct iro_value v = { .type = IRO_V_STR, .s = NULL };

	(void)state;
	expect_text(&v, "");
}

/* ---- tables ---- */

/* Print t; returns what it wrote (caller frees). */
static char *
print_table(const struct text_table *t)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	assert_int_equal(text_table_print(t, f), 0);
	assert_int_equal(fclose(f), 0);
	return s;
}

/* A table of ncols columns cut at max characters, with nrows rows of
 * ncols cells from cells[], printed (caller frees). */
static char *
table_of(size_t ncols, size_t max, const char *const *cells, size_t nrows)
{
	struct text_table *t = NULL;
	size_t r;
	char *s;

	assert_int_equal(text_table_new(ncols, max, &t), 0);
	for (r = 0; r < nrows; r++)
		assert_int_equal(text_table_add(t, cells + r * ncols), 0);
	s = print_table(t);
	text_table_free(t);
	return s;
}

static void
test_columns_line_up_two_spaces_apart(void **state)
{
	static const char *const cells[] = {
		"C1001", "Hart", "Amelia",
		"C2", "O'Neil-Smith", "Ben",
	};
	char *s;

	(void)state;
	s = table_of(3, 0, cells, 2);
	assert_string_equal(s,
	    "C1001  Hart          Amelia\n"
	    "C2     O'Neil-Smith  Ben\n");
	free(s);
}

static void
test_null_cell_reads_as_empty(void **state)
{
	static const char *const cells[] = { NULL, "b", "a", NULL };
	char *s;

	(void)state;
	s = table_of(2, 0, cells, 2);
	assert_string_equal(s, "   b\na  \n");
	free(s);
}

static void
test_control_characters_show_as_spaces(void **state)
{
	static const char *const cells[] = { "a\nb\tc\x7f" "d\re" };
	char *s;

	(void)state;
	s = table_of(1, 0, cells, 1);
	assert_string_equal(s, "a b c d e\n");
	free(s);
}

static void
test_long_cell_is_cut_with_dots(void **state)
{
	static const char *const cells[] = { "abcdefghij", "x" };
	char *s;

	(void)state;
	s = table_of(2, 8, cells, 1);
	assert_string_equal(s, "abcde...  x\n");
	free(s);
}

static void
test_cell_at_the_width_is_not_cut(void **state)
{
	static const char *const cells[] = { "abcdefgh" };
	char *s;

	(void)state;
	s = table_of(1, 8, cells, 1);
	assert_string_equal(s, "abcdefgh\n");
	free(s);
}

static void
test_cut_counts_characters_not_bytes(void **state)
{
	/* Six two-byte characters: no cut at 6 wide, a cut at 5. */
#define E6 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	static const char *const cells[] = { E6 };
	char *s;

	(void)state;
	s = table_of(1, 6, cells, 1);
	assert_string_equal(s, E6 "\n");
	free(s);
	s = table_of(1, 5, cells, 1);
	assert_string_equal(s, "\xc3\xa9\xc3\xa9...\n");
	free(s);
}

static void
test_alignment_counts_characters_not_bytes(void **state)
{
	static const char *const cells[] = {
		"Zo\xc3\xab", "1",
		"Zoe", "2",
	};
	char *s;

	(void)state;
	/* Both are three characters wide, though not three bytes long. */
	s = table_of(2, 0, cells, 2);
	assert_string_equal(s, "Zo\xc3\xab  1\nZoe  2\n");
	free(s);
}

static void
test_many_rows_keep_their_order(void **state)
{
	struct text_table *t = NULL;
	char cell[16], *s, *line;
	const char *row[1];
	int i;

	(void)state;
	assert_int_equal(text_table_new(1, 0, &t), 0);
	row[0] = cell;
	for (i = 0; i < 100; i++) {
		snprintf(cell, sizeof(cell), "%d", i);
		assert_int_equal(text_table_add(t, row), 0);
	}
	s = print_table(t);
	text_table_free(t);
	line = s;
	for (i = 0; i < 100; i++) {
		snprintf(cell, sizeof(cell), "%d\n", i);
		assert_memory_equal(line, cell, strlen(cell));
		line += strlen(cell);
	}
	assert_string_equal(line, "");
	free(s);
}

static void
test_table_without_columns_is_invalid(void **state)
{
	struct text_table *t = (struct text_table *)&t;

	(void)state;
	assert_int_equal(text_table_new(0, 0, &t), IRO_EINVAL);
	assert_null(t);
}

static void
test_write_failure_is_an_io_error(void **state)
{
	static const char *const cells[] = { "a" };
	struct text_table *t = NULL;
	FILE *f;

	(void)state;
	assert_int_equal(text_table_new(1, 0, &t), 0);
	assert_int_equal(text_table_add(t, cells), 0);
	f = fopen("/dev/null", "r");
	assert_non_null(f);
	assert_int_equal(text_table_print(t, f), IRO_EIO);
	fclose(f);
	text_table_free(t);
}

static void
test_table_free_null_is_a_no_op(void **state)
{
	(void)state;
	text_table_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_zero_is_the_epoch),
		cmocka_unit_test(test_time_is_utc_to_the_second),
		cmocka_unit_test(test_time_drops_the_milliseconds),
		cmocka_unit_test(test_time_before_the_epoch_prints_the_epoch),
		cmocka_unit_test(test_time_far_ahead_still_fits),
		cmocka_unit_test(test_nil_value_is_a_dash),
		cmocka_unit_test(test_bools_are_yes_and_no),
		cmocka_unit_test(test_ints_are_decimal_down_to_the_smallest),
		cmocka_unit_test(test_string_is_itself),
		cmocka_unit_test(test_null_string_is_empty),
		cmocka_unit_test(test_columns_line_up_two_spaces_apart),
		cmocka_unit_test(test_null_cell_reads_as_empty),
		cmocka_unit_test(test_control_characters_show_as_spaces),
		cmocka_unit_test(test_long_cell_is_cut_with_dots),
		cmocka_unit_test(test_cell_at_the_width_is_not_cut),
		cmocka_unit_test(test_cut_counts_characters_not_bytes),
		cmocka_unit_test(test_alignment_counts_characters_not_bytes),
		cmocka_unit_test(test_many_rows_keep_their_order),
		cmocka_unit_test(test_table_without_columns_is_invalid),
		cmocka_unit_test(test_write_failure_is_an_io_error),
		cmocka_unit_test(test_table_free_null_is_a_no_op),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
