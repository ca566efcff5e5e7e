/*
 * test_csv.c - the CSV reader: quoting, line endings, limits, and errors
 * with the line they are on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "csv.h"
#include "iro_error.h"

static const struct csv_limits lim = {
	.max_field = 16, .max_fields = 4, .max_records = 10
};

struct rd {
	struct csv_reader *r;
	const struct csv_row *row;
	size_t line;
	char why[200];
};

static void
rd_open(struct rd *d, const char *text, const struct csv_limits *l)
{
	memset(d, 0, sizeof(*d));
	assert_int_equal(csv_open(text, strlen(text), l, &d->r), 0);
}

static int
rd_next(struct rd *d)
{
	d->why[0] = '\0';
	return csv_next(d->r, &d->row, &d->line, d->why, sizeof(d->why));
}

/* The next record must be exactly these fields (NULL-terminated). */
static void
expect_row(struct rd *d, size_t line, ...)
{
	const char *want;
	va_list ap;
	size_t i = 0;

	assert_int_equal(rd_next(d), 0);
	assert_non_null(d->row);
	assert_int_equal(d->row->line, line);
	assert_int_equal(d->line, line);
	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL) {
		assert_true(i < d->row->nfields);
		assert_string_equal(d->row->fields[i], want);
		assert_int_equal(d->row->lens[i], strlen(want));
		i++;
	}
	va_end(ap);
	assert_int_equal(d->row->nfields, i);
}

static void
expect_end(struct rd *d)
{
	assert_int_equal(rd_next(d), 0);
	assert_null(d->row);
}

static void
expect_error(struct rd *d, int rc, size_t line, const char *words)
{
	assert_int_equal(rd_next(d), rc);
	assert_null(d->row);
	assert_int_equal(d->line, line);
	assert_non_null(strstr(d->why, words));
}

static void
test_plain_and_lf(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "a,b,c\n1,2,3\n", &lim);
	expect_row(&d, 1, "a", "b", "c", NULL);
	expect_row(&d, 2, "1", "2", "3", NULL);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_crlf_and_no_final_newline(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "a,b\r\n1,2\r\nx,y", &lim);
	expect_row(&d, 1, "a", "b", NULL);
	expect_row(&d, 2, "1", "2", NULL);
	expect_row(&d, 3, "x", "y", NULL);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_quoting(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "\"a,b\",\"say \"\"hi\"\"\",\"\"\n", &lim);
	expect_row(&d, 1, "a,b", "say \"hi\"", "", NULL);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_newline_inside_quotes_counts_lines(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "\"two\nlines\",x\r\nnext,y\n", &lim);
	expect_row(&d, 1, "two\nlines", "x", NULL);
	expect_row(&d, 3, "next", "y", NULL);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_empty_fields_and_blank_lines(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "\xef\xbb\xbf" "a,,\n\n\r\n,b\n", &lim);
	expect_row(&d, 1, "a", "", "", NULL);
	expect_row(&d, 4, "", "b", NULL);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_empty_input(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "", &lim);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_errors_name_their_line_then_resume(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "ok,1\nO\"Brien,2\n\"x\"y,3\nfine,4\na\rb\nlast,5\n",
	    &lim);
	expect_row(&d, 1, "ok", "1", NULL);
	expect_error(&d, IRO_EINVAL, 2, "quote inside unquoted field 1");
	expect_error(&d, IRO_EINVAL, 3, "after the closing quote");
	expect_row(&d, 4, "fine", "4", NULL);
	expect_error(&d, IRO_EINVAL, 5, "carriage return");
	expect_row(&d, 6, "last", "5", NULL);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_unclosed_quote_names_its_opening_line(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "a,b\nc,\"op\nen\nx\n", &lim);
	expect_row(&d, 1, "a", "b", NULL);
	expect_error(&d, IRO_EINVAL, 2, "quoted field 2 is never closed");
	expect_end(&d);
	csv_close(d.r);
}

static void
test_nul_byte_is_an_error(void **state)
{
	static const char text[] = "a,b\0c\nd,e\n";
	struct rd d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(csv_open(text, sizeof(text) - 1, &lim, &d.r), 0);
	expect_error(&d, IRO_EINVAL, 1, "NUL byte");
	expect_row(&d, 2, "d", "e", NULL);
	csv_close(d.r);
}

static void
test_field_and_record_limits(void **state)
{
	struct rd d;

	(void)state;
	rd_open(&d, "0123456789abcdef,x\n0123456789abcdefg,x\n"
	    "\"0123456789abcdefg\"\n1,2,3,4\n1,2,3,4,5\nend\n", &lim);
	expect_row(&d, 1, "0123456789abcdef", "x", NULL);
	expect_error(&d, IRO_ETOOBIG, 2, "longer than 16 bytes");
	expect_error(&d, IRO_ETOOBIG, 3, "longer than 16 bytes");
	expect_row(&d, 4, "1", "2", "3", "4", NULL);
	expect_error(&d, IRO_ETOOBIG, 5, "more than 4 fields");
	expect_row(&d, 6, "end", NULL);
	expect_end(&d);
	csv_close(d.r);
}

static void
test_record_count_limit_stops(void **state)
{
	const struct csv_limits two = {
		.max_field = 16, .max_fields = 4, .max_records = 2
	};
	struct rd d;

	(void)state;
	rd_open(&d, "a\nb\nc\nd\n", &two);
	expect_row(&d, 1, "a", NULL);
	expect_row(&d, 2, "b", NULL);
	expect_error(&d, IRO_ETOOBIG, 3, "more than 2 records");
	expect_end(&d);
	expect_end(&d);
	csv_close(d.r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_lf),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_newline_inside_quotes_counts_lines),
		cmocka_unit_test(test_empty_fields_and_blank_lines),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_errors_name_their_line_then_resume),
		cmocka_unit_test(test_unclosed_quote_names_its_opening_line),
		cmocka_unit_test(test_nul_byte_is_an_error),
		cmocka_unit_test(test_field_and_record_limits),
		cmocka_unit_test(test_record_count_limit_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
