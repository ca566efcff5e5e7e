/*
 * test_cli_args.c - the `iro` command line's shared pieces: option
 * parsing (args.c), and from cli.c the exit codes for library errors,
 * the messages, IRO_CLOCK_SKEW_MS and where the replica lives.
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

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/help.h"
#include "iro_error.h"

#define CMD "visit add"
#define MAXPOS 2

/* ---- capturing stdout or stderr ---- */

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

/* ---- parsing ---- */

/* One parse of `iro visit add` words with --date, --note, --json. */
struct parse {
	struct cli c;
	struct args_opt opts[3];
	char *pos[MAXPOS];
	size_t npos;
	int rc;
	char *out;               /* what it printed; owned */
	char *err;
};

/* Parse the words (NULL-terminated, at most 16), needing minpos of at
 * most MAXPOS positional words. */
static void
parse(struct parse *p, size_t minpos, ...)
{
	char *argv[16];
	struct capture out, err;
	va_list ap;
	int argc = 0;

	memset(p, 0, sizeof(*p));
	p->opts[0].name = "date";
	p->opts[0].takes_value = 1;
	p->opts[1].name = "note";
	p->opts[1].takes_value = 1;
	p->opts[2].name = "json";
	va_start(ap, minpos);
	while ((argv[argc] = va_arg(ap, char *)) != NULL) {
		argc++;
		assert_true(argc < 16);
	}
	va_end(ap);
	p->npos = 99;
	capture_start(&out, 1);
	capture_start(&err, 2);
	p->rc = args_parse(&p->c, CMD, argc, argv, p->opts, 3, p->pos,
	    minpos, MAXPOS, &p->npos);
	p->err = capture_end(&err);
	p->out = capture_end(&out);
}

static void
parse_free(struct parse *p)
{
	free(p->out);
	free(p->err);
}

/* The words are char *, as in argv; these name them once. */
static char w_child[] = "C1001", w_date[] = "--date", w_day[] = "2026-01-15",
    w_date_eq[] = "--date=2026-01-15", w_date_empty[] = "--date=",
    w_json[] = "--json", w_json_eq[] = "--json=yes", w_bogus[] = "--bogus",
    w_bogus_eq[] = "--bogus=1", w_dashdash[] = "--", w_extra[] = "extra",
    w_note[] = "--note", w_help[] = "--help", w_home[] = "--home",
    w_dir[] = "/srv/iro", w_home_eq[] = "--home=/srv/iro",
    w_dash[] = "-", w_short[] = "-j", w_other[] = "C1002";

static void
test_value_in_the_next_word(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_date, w_day, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(args_value(p.opts, 3, "date"), "2026-01-15");
	parse_free(&p);
}

static void
test_value_after_equals(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_date_eq, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(args_value(p.opts, 3, "date"), "2026-01-15");
	parse_free(&p);
}

static void
test_empty_value_after_equals_is_given(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_date_empty, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(args_value(p.opts, 3, "date"), "");
	parse_free(&p);
}

static void
test_value_may_start_with_dashes(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_note, w_json, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(args_value(p.opts, 3, "note"), "--json");
	assert_false(args_flag(p.opts, 3, "json"));
	parse_free(&p);
}

static void
test_flag_is_seen_without_a_value(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_json, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_true(args_flag(p.opts, 3, "json"));
	assert_null(args_value(p.opts, 3, "json"));
	parse_free(&p);
}

static void
test_option_not_given_reads_as_absent(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_json, NULL);
	assert_false(args_flag(p.opts, 3, "date"));
	assert_null(args_value(p.opts, 3, "date"));
	parse_free(&p);
}

static void
test_unknown_name_reads_as_absent(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_json, NULL);
	assert_false(args_flag(p.opts, 3, "nothing"));
	assert_null(args_value(p.opts, 3, "nothing"));
	parse_free(&p);
}

static void
test_positional_words_keep_their_order_around_options(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_child, w_date, w_day, w_other, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_int_equal(p.npos, 2);
	assert_string_equal(p.pos[0], "C1001");
	assert_string_equal(p.pos[1], "C1002");
	parse_free(&p);
}

static void
test_single_dash_words_are_positional(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_dash, w_short, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_int_equal(p.npos, 2);
	assert_string_equal(p.pos[0], "-");
	assert_string_equal(p.pos[1], "-j");
	parse_free(&p);
}

static void
test_double_dash_ends_the_options(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_dashdash, w_json, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_int_equal(p.npos, 1);
	assert_string_equal(p.pos[0], "--json");
	assert_false(args_flag(p.opts, 3, "json"));
	parse_free(&p);
}

static void
test_unknown_option_is_a_usage_error(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_bogus, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_string_equal(p.err, "iro: visit add: unknown option '--bogus' "
	    "(see iro help visit add)\n");
	parse_free(&p);
}

static void
test_unknown_option_message_leaves_out_its_value(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_bogus_eq, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_non_null(strstr(p.err, "unknown option '--bogus' "));
	parse_free(&p);
}

static void
test_missing_value_is_a_usage_error(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_child, w_date, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_string_equal(p.err,
	    "iro: visit add: option '--date' needs a value\n");
	parse_free(&p);
}

static void
test_value_given_to_a_flag_is_a_usage_error(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_json_eq, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_string_equal(p.err,
	    "iro: visit add: option '--json' takes no value\n");
	parse_free(&p);
}

static void
test_option_given_twice_is_a_usage_error(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_date, w_day, w_date_eq, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_string_equal(p.err,
	    "iro: visit add: option '--date' given twice\n");
	parse_free(&p);
}

static void
test_too_many_words_is_a_usage_error(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_child, w_other, w_extra, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_string_equal(p.err, "iro: visit add: unexpected argument "
	    "'extra' (see iro help visit add)\n");
	parse_free(&p);
}

static void
test_too_few_words_shows_the_usage(void **state)
{
	char want[256];
	struct parse p;

	(void)state;
	parse(&p, 1, w_date, w_day, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	snprintf(want, sizeof(want),
	    "iro: visit add: missing argument (usage: %s)\n",
	    help_usage(CMD));
	assert_string_equal(p.err, want);
	assert_non_null(strstr(p.err, "iro visit add CHILD --date"));
	parse_free(&p);
}

static void
test_help_prints_the_commands_help(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 1, w_help, NULL);
	assert_int_equal(p.rc, ARGS_HELP);
	assert_non_null(strstr(p.out, "usage: iro visit add CHILD"));
	assert_string_equal(p.err, "");
	parse_free(&p);
}

static void
test_help_wins_over_a_later_bad_option(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_help, w_bogus, NULL);
	assert_int_equal(p.rc, ARGS_HELP);
	parse_free(&p);
}

static void
test_home_is_accepted_by_every_command(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_home, w_dir, w_child, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(p.c.home_opt, "/srv/iro");
	assert_int_equal(p.npos, 1);
	parse_free(&p);
}

static void
test_home_after_equals(void **state)
{
	struct parse p;

	(void)state;
	parse(&p, 0, w_home_eq, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(p.c.home_opt, "/srv/iro");
	parse_free(&p);
}

static void
test_home_cannot_change_inside_batch(void **state)
{
	char *argv[] = { w_home, w_dir };
	struct capture err;
	struct cli c;
	size_t npos;
	char *msg;
	int rc;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.in_batch = 1;
	c.line = 4;
	capture_start(&err, 2);
	rc = args_parse(&c, "sync", 2, argv, NULL, 0, NULL, 0, 0, &npos);
	msg = capture_end(&err);
	assert_int_equal(rc, CLI_EUSAGE);
	assert_null(c.home_opt);
	assert_string_equal(msg,
	    "iro: line 4: sync: --home cannot change inside batch\n");
	free(msg);
}

/* ---- cli.c: exit codes ---- */

static void
test_ok_exits_zero(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(IRO_OK), CLI_OK);
}

static void
test_input_errors_exit_usage(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(IRO_EINVAL), CLI_EUSAGE);
	assert_int_equal(cli_exit_code(IRO_ENOTFOUND), CLI_EUSAGE);
	assert_int_equal(cli_exit_code(IRO_EEXIST), CLI_EUSAGE);
	assert_int_equal(cli_exit_code(IRO_ETOOBIG), CLI_EUSAGE);
	assert_int_equal(cli_exit_code(IRO_ENOTENROLLED), CLI_EUSAGE);
	assert_int_equal(cli_exit_code(IRO_EFORBIDDEN), CLI_EUSAGE);
	assert_int_equal(cli_exit_code(IRO_ESTATE), CLI_EUSAGE);
}

static void
test_auth_errors_exit_three(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(IRO_EAUTH), CLI_EAUTH);
}

static void
test_unreachable_server_exits_four(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(IRO_EUNREACHABLE), CLI_EUNREACHABLE);
}

static void
test_other_errors_exit_internal(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(IRO_ENOMEM), CLI_EINTERNAL);
	assert_int_equal(cli_exit_code(IRO_EIO), CLI_EINTERNAL);
	assert_int_equal(cli_exit_code(IRO_ECORRUPT), CLI_EINTERNAL);
	assert_int_equal(cli_exit_code(IRO_EPROTO), CLI_EINTERNAL);
	assert_int_equal(cli_exit_code(IRO_ESERVER), CLI_EINTERNAL);
	assert_int_equal(cli_exit_code(IRO_EINTERNAL), CLI_EINTERNAL);
	assert_int_equal(cli_exit_code(IRO_EBUSY), CLI_EINTERNAL);
	assert_int_equal(cli_exit_code(-1000), CLI_EINTERNAL);
}

/* ---- cli.c: messages ---- */

static void
test_error_outside_batch_has_no_line(void **state)
{
	struct capture err;
	struct cli c;
	char *msg;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.line = 9;
	capture_start(&err, 2);
	cli_error(&c, "cannot open '%s': %s", "x", "gone");
	msg = capture_end(&err);
	assert_string_equal(msg, "iro: cannot open 'x': gone\n");
	free(msg);
}

static void
test_error_in_batch_names_the_line(void **state)
{
	struct capture err;
	struct cli c;
	char *msg;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.in_batch = 1;
	c.line = 12;
	capture_start(&err, 2);
	cli_error(&c, "no record '%s'", "R1");
	msg = capture_end(&err);
	assert_string_equal(msg, "iro: line 12: no record 'R1'\n");
	free(msg);
}

static void
test_fail_without_handle_says_the_error_and_maps_it(void **state)
{
	struct capture err;
	struct cli c;
	char *msg, want[128];
	int rc;

	(void)state;
	memset(&c, 0, sizeof(c));
	capture_start(&err, 2);
	rc = cli_fail(&c, IRO_EUNREACHABLE, "sync");
	msg = capture_end(&err);
	assert_int_equal(rc, CLI_EUNREACHABLE);
	snprintf(want, sizeof(want), "iro: sync: %s\n",
	    iro_strerror(IRO_EUNREACHABLE));
	assert_string_equal(msg, want);
	free(msg);
}

/* ---- cli.c: environment ---- */

static void
test_clock_skew_is_read_as_signed_ms(void **state)
{
	struct cli c;

	(void)state;
	assert_int_equal(setenv("IRO_CLOCK_SKEW_MS", "-90000", 1), 0);
	assert_int_equal(cli_init(&c), CLI_OK);
	assert_int_equal(c.skew_ms, -90000);
	cli_free(&c);
	unsetenv("IRO_CLOCK_SKEW_MS");
}

static void
test_clock_skew_must_be_a_whole_number(void **state)
{
	struct capture err;
	struct cli c;
	char *msg;
	int rc;

	(void)state;
	assert_int_equal(setenv("IRO_CLOCK_SKEW_MS", "5s", 1), 0);
	capture_start(&err, 2);
	rc = cli_init(&c);
	msg = capture_end(&err);
	unsetenv("IRO_CLOCK_SKEW_MS");
	assert_int_equal(rc, CLI_EUSAGE);
	assert_string_equal(msg, "iro: IRO_CLOCK_SKEW_MS: '5s' is not a "
	    "signed integer of milliseconds\n");
	free(msg);
}

/* Where cli_home puts the replica with this environment and --home. */
static int
home_with(const char *opt, const char *iro_home, const char *xdg,
    const char *home, char *out, size_t outlen)
{
	const char *dir = NULL;
	struct capture err;
	struct cli c;
	char *msg;
	int rc;

	if (iro_home != NULL)
		setenv("IRO_HOME", iro_home, 1);
	else
		unsetenv("IRO_HOME");
	if (xdg != NULL)
		setenv("XDG_DATA_HOME", xdg, 1);
	else
		unsetenv("XDG_DATA_HOME");
	if (home != NULL)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	memset(&c, 0, sizeof(c));
	c.home_opt = opt;
	capture_start(&err, 2);
	rc = cli_home(&c, &dir);
	msg = capture_end(&err);
	snprintf(out, outlen, "%s", rc == CLI_OK ? dir : msg);
	free(msg);
	cli_free(&c);
	return rc;
}

static void
test_home_option_comes_first(void **state)
{
	char got[256];

	(void)state;
	assert_int_equal(home_with("/opt", "/ih", "/xdg", "/h", got,
	    sizeof(got)), CLI_OK);
	assert_string_equal(got, "/opt");
}

static void
test_iro_home_comes_next(void **state)
{
	char got[256];

	(void)state;
	assert_int_equal(home_with(NULL, "/ih", "/xdg", "/h", got,
	    sizeof(got)), CLI_OK);
	assert_string_equal(got, "/ih");
}

static void
test_xdg_data_home_gets_an_iro_directory(void **state)
{
	char got[256];

	(void)state;
	assert_int_equal(home_with(NULL, "", "/xdg", "/h", got, sizeof(got)),
	    CLI_OK);
	assert_string_equal(got, "/xdg/iro");
}

static void
test_home_directory_is_the_last_resort(void **state)
{
	char got[256];

	(void)state;
	assert_int_equal(home_with(NULL, NULL, NULL, "/h", got, sizeof(got)),
	    CLI_OK);
	assert_string_equal(got, "/h/.local/share/iro");
}

static void
test_no_home_at_all_is_a_usage_error(void **state)
{
	char got[256];

	(void)state;
	assert_int_equal(home_with(NULL, NULL, NULL, NULL, got, sizeof(got)),
	    CLI_EUSAGE);
	assert_string_equal(got,
	    "iro: no home directory: give --home DIR or set IRO_HOME\n");
}

static void
test_empty_home_option_is_a_usage_error(void **state)
{
	char got[256];

	(void)state;
	assert_int_equal(home_with("", "/ih", NULL, "/h", got, sizeof(got)),
	    CLI_EUSAGE);
	assert_string_equal(got, "iro: --home: the directory name is empty\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_in_the_next_word),
		cmocka_unit_test(test_value_after_equals),
		cmocka_unit_test(test_empty_value_after_equals_is_given),
		cmocka_unit_test(test_value_may_start_with_dashes),
		cmocka_unit_test(test_flag_is_seen_without_a_value),
		cmocka_unit_test(test_option_not_given_reads_as_absent),
		cmocka_unit_test(test_unknown_name_reads_as_absent),
		cmocka_unit_test(
		    test_positional_words_keep_their_order_around_options),
		cmocka_unit_test(test_single_dash_words_are_positional),
		cmocka_unit_test(test_double_dash_ends_the_options),
		cmocka_unit_test(test_unknown_option_is_a_usage_error),
		cmocka_unit_test(
		    test_unknown_option_message_leaves_out_its_value),
		cmocka_unit_test(test_missing_value_is_a_usage_error),
		cmocka_unit_test(test_value_given_to_a_flag_is_a_usage_error),
		cmocka_unit_test(test_option_given_twice_is_a_usage_error),
		cmocka_unit_test(test_too_many_words_is_a_usage_error),
		cmocka_unit_test(test_too_few_words_shows_the_usage),
		cmocka_unit_test(test_help_prints_the_commands_help),
		cmocka_unit_test(test_help_wins_over_a_later_bad_option),
		cmocka_unit_test(test_home_is_accepted_by_every_command),
		cmocka_unit_test(test_home_after_equals),
		cmocka_unit_test(test_home_cannot_change_inside_batch),
		cmocka_unit_test(test_ok_exits_zero),
		cmocka_unit_test(test_input_errors_exit_usage),
		cmocka_unit_test(test_auth_errors_exit_three),
		cmocka_unit_test(test_unreachable_server_exits_four),
		cmocka_unit_test(test_other_errors_exit_internal),
		cmocka_unit_test(test_error_outside_batch_has_no_line),
		cmocka_unit_test(test_error_in_batch_names_the_line),
		cmocka_unit_test(
		    test_fail_without_handle_says_the_error_and_maps_it),
		cmocka_unit_test(test_clock_skew_is_read_as_signed_ms),
		cmocka_unit_test(test_clock_skew_must_be_a_whole_number),
		cmocka_unit_test(test_home_option_comes_first),
		cmocka_unit_test(test_iro_home_comes_next),
		cmocka_unit_test(test_xdg_data_home_gets_an_iro_directory),
		cmocka_unit_test(test_home_directory_is_the_last_resort),
		cmocka_unit_test(test_no_home_at_all_is_a_usage_error),
		cmocka_unit_test(test_empty_home_option_is_a_usage_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
