/*
 * test_cli_lex.c - how `iro batch` turns its input into commands: the
 * shell-style word splitting of lex.c, and the line handling of
 * cmd_batch.c (blank and # lines, quoted words over several lines,
 * unterminated quotes, the length limit, NUL bytes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/lex.h"
#include "iro_error.h"

/* The batch line limit of cmd_batch.c (BATCH_LINE_MAX). */
#define LINE_MAX_BYTES (1u << 20)

/* ---- splitting ---- */

/* Split s; it must give exactly the words given (NULL-terminated). */
static void
expect_words(const char *s, ...)
{
	struct lex_words w;
	const char *want;
	va_list ap;
	int i = 0;

	assert_int_equal(lex_split(s, strlen(s), &w), 0);
	va_start(ap, s);
	while ((want = va_arg(ap, const char *)) != NULL) {
		assert_true(i < w.argc);
		assert_string_equal(w.argv[i], want);
		i++;
	}
	va_end(ap);
	assert_int_equal(w.argc, i);
	assert_null(w.argv[w.argc]);
	lex_words_free(&w);
}

/* Split s; it must fail with want and leave the words empty. */
static void
expect_failure(const char *s, size_t len, int want)
{
	struct lex_words w;

	memset(&w, 0xA5, sizeof(w));
	assert_int_equal(lex_split(s, len, &w), want);
	assert_int_equal(w.argc, 0);
	assert_null(w.argv);
	assert_null(w.buf);
}

/* For a string literal, which may hold a NUL. */
#define EXPECT_FAILURE(lit, want) expect_failure(lit, sizeof(lit) - 1, want)

static void
test_blanks_separate_words(void **state)
{
	(void)state;
	expect_words("  visit\tadd \r\n C1001  ", "visit", "add", "C1001",
	    NULL);
}

static void
test_empty_and_blank_input_give_no_words(void **state)
{
	(void)state;
	expect_words("", NULL);
	expect_words(" \t\r\n ", NULL);
}

static void
test_single_quotes_keep_everything_literally(void **state)
{
	(void)state;
	expect_words("'a \"b\" \\n $x \\ #'", "a \"b\" \\n $x \\ #", NULL);
}

static void
test_quoted_parts_join_their_word(void **state)
{
	(void)state;
	expect_words("ab'c d'\"e f\"g", "abc de fg", NULL);
}

static void
test_double_quotes_unescape_quote_and_backslash(void **state)
{
	(void)state;
	expect_words("\"say \\\"hi\\\" a\\\\b\"", "say \"hi\" a\\b", NULL);
}

static void
test_double_quotes_turn_n_and_t_into_newline_and_tab(void **state)
{
	(void)state;
	expect_words("\"one\\ntwo\\tthree\"", "one\ntwo\tthree", NULL);
}

static void
test_double_quotes_unescape_dollar_and_backtick(void **state)
{
	(void)state;
	expect_words("\"\\$HOME \\`x\\`\"", "$HOME `x`", NULL);
}

static void
test_double_quotes_keep_other_backslashes(void **state)
{
	(void)state;
	expect_words("\"C:\\dir\\q\"", "C:\\dir\\q", NULL);
}

static void
test_double_quotes_drop_backslash_newline(void **state)
{
	(void)state;
	expect_words("\"long \\\nline\"", "long line", NULL);
}

static void
test_double_quotes_keep_a_newline(void **state)
{
	(void)state;
	expect_words("\"first\nsecond\"", "first\nsecond", NULL);
}

static void
test_backslash_outside_quotes_makes_next_literal(void **state)
{
	(void)state;
	expect_words("a\\ b \\'q\\' \\\"d \\\\ \\n", "a b", "'q'", "\"d", "\\",
	    "n", NULL);
}

static void
test_backslash_newline_joins_lines(void **state)
{
	(void)state;
	expect_words("visit \\\nadd ab\\\ncd", "visit", "add", "abcd", NULL);
}

static void
test_empty_quotes_are_empty_words(void **state)
{
	(void)state;
	expect_words("'' \"\"", "", "", NULL);
}

static void
test_empty_word_between_others_is_kept(void **state)
{
	(void)state;
	expect_words("set ID note ''", "set", "ID", "note", "", NULL);
}

static void
test_other_shell_syntax_means_nothing(void **state)
{
	(void)state;
	expect_words("$HOME *.txt a;b #c", "$HOME", "*.txt", "a;b", "#c",
	    NULL);
}

static void
test_many_short_words_all_fit(void **state)
{
	/* The worst case for the word array: one-byte words, one blank
	 * apart, and empty quoted words. */
	char s[2000];
	struct lex_words w;
	int i;

	(void)state;
	for (i = 0; i < 999; i++) {
		s[2 * i] = 'x';
		s[2 * i + 1] = ' ';
	}
	s[1998] = 'y';
	s[1999] = '\0';
	assert_int_equal(lex_split(s, strlen(s), &w), 0);
	assert_int_equal(w.argc, 1000);
	assert_string_equal(w.argv[999], "y");
	assert_null(w.argv[1000]);
	lex_words_free(&w);
	expect_words("'' '' ''", "", "", "", NULL);
}

static void
test_unterminated_single_quote_is_incomplete(void **state)
{
	(void)state;
	EXPECT_FAILURE("note add C1 --text 'half", LEX_INCOMPLETE);
}

static void
test_unterminated_double_quote_is_incomplete(void **state)
{
	(void)state;
	EXPECT_FAILURE("a \"b", LEX_INCOMPLETE);
}

static void
test_trailing_backslash_is_incomplete(void **state)
{
	(void)state;
	EXPECT_FAILURE("a b\\", LEX_INCOMPLETE);
}

static void
test_trailing_backslash_in_double_quotes_is_incomplete(void **state)
{
	(void)state;
	EXPECT_FAILURE("\"b\\", LEX_INCOMPLETE);
}

static void
test_nul_byte_is_invalid(void **state)
{
	(void)state;
	EXPECT_FAILURE("a\0b", IRO_EINVAL);
}

static void
test_words_free_empties_and_accepts_null(void **state)
{
	struct lex_words w;

	(void)state;
	assert_int_equal(lex_split("a b", 3, &w), 0);
	lex_words_free(&w);
	assert_int_equal(w.argc, 0);
	assert_null(w.argv);
	assert_null(w.buf);
	lex_words_free(&w);
	lex_words_free(NULL);
}

/* ---- batch input ---- */

/* Where one of stdout or stderr went while it was captured. */
struct capture {
	int fd;                  /* 1 or 2 */
	int saved;               /* the original, dup'ed */
	FILE *f;                 /* the file that receives it */
};

static void
capture_start(struct capture *cap, int fd)
{
	cap->fd = fd;
	cap->f = tmpfile();
	assert_non_null(cap->f);
	fflush(fd == 1 ? stdout : stderr);
	cap->saved = dup(fd);
	assert_true(cap->saved >= 0);
	assert_true(dup2(fileno(cap->f), fd) >= 0);
}

/* Stop capturing; returns what was written (caller frees). */
static char *
capture_end(struct capture *cap)
{
	long n;
	char *s;

	fflush(cap->fd == 1 ? stdout : stderr);
	assert_true(dup2(cap->saved, cap->fd) >= 0);
	close(cap->saved);
	assert_int_equal(fseek(cap->f, 0, SEEK_END), 0);
	n = ftell(cap->f);
	assert_true(n >= 0);
	rewind(cap->f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, cap->f), (size_t)n);
	s[n] = '\0';
	fclose(cap->f);
	return s;
}

struct batch_run {
	int rc;
	char *out;               /* what it printed on stdout; owned */
	char *err;               /* and on stderr; owned */
};

/* Run `iro batch` on input[0..len) as its stdin. */
static void
run_batch(const char *input, size_t len, struct batch_run *r)
{
	char path[] = "/tmp/test_cli_lex.XXXXXX", name[] = "batch";
	char *argv[] = { name, NULL };
	struct capture out, err;
	struct cli c;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, input, len), (ssize_t)len);
	close(fd);
	/* freopen drops whatever an earlier run left in stdin's buffer. */
	assert_non_null(freopen(path, "r", stdin));
	unlink(path);
	memset(&c, 0, sizeof(c));
	capture_start(&out, 1);
	capture_start(&err, 2);
	r->rc = cmd_run(&c, 1, argv);
	r->err = capture_end(&err);
	r->out = capture_end(&out);
	cli_free(&c);
}

static void
batch_run_free(struct batch_run *r)
{
	free(r->out);
	free(r->err);
}

static void
test_batch_skips_blank_and_comment_lines(void **state)
{
	static const char in[] = "\n   \n\t\r\n# a comment\n   # indented\n";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_OK);
	assert_string_equal(r.err, "");
	batch_run_free(&r);
}

static void
test_batch_counts_skipped_lines_in_messages(void **state)
{
	static const char in[] = "\n# comment\nfrobnicate\n";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.err,
	    "iro: line 3: unknown command 'frobnicate' (see iro help)\n");
	batch_run_free(&r);
}

static void
test_batch_runs_a_command_continued_over_lines(void **state)
{
	/* Without the join, "help" alone would print the overview. */
	static const char in[] = "help \\\nsync\n";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_OK);
	assert_non_null(strstr(r.out, "iro sync [--json]"));
	assert_null(strstr(r.out, "iro enrol"));
	batch_run_free(&r);
}

static void
test_batch_quoted_word_over_lines_names_its_first_line(void **state)
{
	static const char in[] = "# c\n'bad\ncommand'\n";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.err,
	    "iro: line 2: unknown command 'bad\ncommand' (see iro help)\n");
	batch_run_free(&r);
}

static void
test_batch_unterminated_quote_is_an_error(void **state)
{
	static const char in[] = "\nhelp 'sync\n\n";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.err,
	    "iro: line 2: unterminated quote or trailing backslash\n");
	assert_string_equal(r.out, "");
	batch_run_free(&r);
}

static void
test_batch_trailing_backslash_at_end_is_an_error(void **state)
{
	static const char in[] = "help \\";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.err,
	    "iro: line 1: unterminated quote or trailing backslash\n");
	batch_run_free(&r);
}

/* A comment line of len bytes (then a newline). */
static char *
long_comment(size_t len)
{
	char *s = malloc(len + 1);

	assert_non_null(s);
	memset(s, 'x', len);
	s[0] = '#';
	s[len] = '\n';
	return s;
}

static void
test_batch_line_at_the_limit_is_read(void **state)
{
	char *in = long_comment(LINE_MAX_BYTES);
	struct batch_run r;

	(void)state;
	run_batch(in, LINE_MAX_BYTES + 1, &r);
	assert_int_equal(r.rc, CLI_OK);
	assert_string_equal(r.err, "");
	batch_run_free(&r);
	free(in);
}

static void
test_batch_line_past_the_limit_is_refused(void **state)
{
	char *in = long_comment(LINE_MAX_BYTES + 1);
	struct batch_run r;

	(void)state;
	run_batch(in, LINE_MAX_BYTES + 2, &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.err,
	    "iro: line 1: command longer than 1048576 bytes\n");
	batch_run_free(&r);
	free(in);
}

static void
test_batch_nul_byte_is_refused(void **state)
{
	static const char in[] = "help\0 sync\n";
	struct batch_run r;

	(void)state;
	run_batch(in, sizeof(in) - 1, &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.err, "iro: line 1: the line holds a NUL byte\n");
	batch_run_free(&r);
}

static void
test_batch_stops_at_the_first_failure(void **state)
{
	static const char in[] = "frobnicate\nhelp sync\n";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.out, "");
	batch_run_free(&r);
}

static void
test_batch_refuses_batch_inside_batch(void **state)
{
	static const char in[] = "batch\n";
	struct batch_run r;

	(void)state;
	run_batch(in, strlen(in), &r);
	assert_int_equal(r.rc, CLI_EUSAGE);
	assert_string_equal(r.err,
	    "iro: line 1: 'batch' cannot run inside batch\n");
	batch_run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blanks_separate_words),
		cmocka_unit_test(test_empty_and_blank_input_give_no_words),
		cmocka_unit_test(test_single_quotes_keep_everything_literally),
		cmocka_unit_test(test_quoted_parts_join_their_word),
		cmocka_unit_test(
		    test_double_quotes_unescape_quote_and_backslash),
		cmocka_unit_test(
		    test_double_quotes_turn_n_and_t_into_newline_and_tab),
		cmocka_unit_test(
		    test_double_quotes_unescape_dollar_and_backtick),
		cmocka_unit_test(test_double_quotes_keep_other_backslashes),
		cmocka_unit_test(test_double_quotes_drop_backslash_newline),
		cmocka_unit_test(test_double_quotes_keep_a_newline),
		cmocka_unit_test(
		    test_backslash_outside_quotes_makes_next_literal),
		cmocka_unit_test(test_backslash_newline_joins_lines),
		cmocka_unit_test(test_empty_quotes_are_empty_words),
		cmocka_unit_test(test_empty_word_between_others_is_kept),
		cmocka_unit_test(test_other_shell_syntax_means_nothing),
		cmocka_unit_test(test_many_short_words_all_fit),
		cmocka_unit_test(test_unterminated_single_quote_is_incomplete),
		cmocka_unit_test(test_unterminated_double_quote_is_incomplete),
		cmocka_unit_test(test_trailing_backslash_is_incomplete),
		cmocka_unit_test(
		    test_trailing_backslash_in_double_quotes_is_incomplete),
		cmocka_unit_test(test_nul_byte_is_invalid),
		cmocka_unit_test(test_words_free_empties_and_accepts_null),
		cmocka_unit_test(test_batch_skips_blank_and_comment_lines),
		cmocka_unit_test(test_batch_counts_skipped_lines_in_messages),
		cmocka_unit_test(
		    test_batch_runs_a_command_continued_over_lines),
		cmocka_unit_test(
		    test_batch_quoted_word_over_lines_names_its_first_line),
		cmocka_unit_test(test_batch_unterminated_quote_is_an_error),
		cmocka_unit_test(
		    test_batch_trailing_backslash_at_end_is_an_error),
		cmocka_unit_test(test_batch_line_at_the_limit_is_read),
		cmocka_unit_test(test_batch_line_past_the_limit_is_refused),
		cmocka_unit_test(test_batch_nul_byte_is_refused),
		cmocka_unit_test(test_batch_stops_at_the_first_failure),
		cmocka_unit_test(test_batch_refuses_batch_inside_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
