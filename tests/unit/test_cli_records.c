/*
 * test_cli_records.c - the casework commands' shared pieces: the schema
 * description taken apart (sdesc.c), the record commands' option tables
 * (ropt.c) checked against the schema so that help cannot drift from it,
 * their parsing, the help overview, and "today" (--today, IRO_TODAY).
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
#include "cli/cmd.h"
#include "cli/help.h"
#include "cli/ropt.h"
#include "cli/sdesc.h"
#include "iro_error.h"

/* ---- capturing a stream into a string ---- */

struct capture {
	int fd;
	int saved;
	FILE *f;
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

/* What f printed into a memory stream (caller frees). */
static char *
printed(int (*fn)(FILE *, const void *), const void *arg, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = fn(f, arg);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* ---- sdesc ---- */

static void
test_sdesc_reads_every_field_in_schema_order(void **state)
{
	struct sdesc d;

	(void)state;
	assert_int_equal(sdesc_load("visit", &d), 0);
	assert_true(d.n >= 4);
	assert_string_equal(d.f[0].name, "child");
	assert_non_null(sdesc_find(&d, "date"));
	assert_non_null(strstr(sdesc_find(&d, "date")->what, "YYYY-MM-DD"));
	assert_string_not_equal(sdesc_find(&d, "date")->help, "");
	assert_null(sdesc_find(&d, "no_such_field"));
	sdesc_free(&d);
	sdesc_free(&d);
	sdesc_free(NULL);
}

static void
test_sdesc_unknown_type_is_not_found(void **state)
{
	struct sdesc d;

	(void)state;
	assert_int_equal(sdesc_load("spaceship", &d), IRO_ENOTFOUND);
	assert_int_equal(d.n, 0);
	assert_null(d.f);
}

static void
test_sdesc_enumeration_values_keep_the_schema_order(void **state)
{
	struct sdesc d;
	char **v;
	size_t n;

	(void)state;
	assert_int_equal(sdesc_load("dispute_stage", &d), 0);
	assert_int_equal(sdesc_values(sdesc_find(&d, "stage"), &v, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "informal");
	assert_string_equal(v[1], "team_manager");
	assert_string_equal(v[2], "service_manager");
	assert_string_equal(v[3], "head_of_service");
	assert_string_equal(v[4], "director");
	assert_null(v[5]);
	sdesc_values_free(v);
	/* A date is no enumeration. */
	assert_int_equal(sdesc_values(sdesc_find(&d, "sent"), &v, &n),
	    IRO_EINVAL);
	assert_null(v);
	sdesc_free(&d);
}

static void
test_sdesc_metavars(void **state)
{
	static const struct {
		const char *type, *field, *want;
	} cases[] = {
		{ "review", "participation",
		    "PN0|PN1|PN2|PN3|PN4|PN5|PN6|PN7" },
		{ "review", "spoken_privately",
		    "yes|refused|inappropriate|not_done" },
		{ "review", "child_chaired", "yes|no" },
		{ "review", "meeting_date", "YYYY-MM-DD" },
		{ "review", "early_reason", "TEXT" },
		{ "visit", "time", "HH:MM" },
		{ "decision", "carried_to", "REVIEW" },
		{ "decision", "carried", "N" },
		{ "child", "placement_postcode", "POSTCODE" },
	};
	char buf[256];
	struct sdesc d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(sdesc_load(cases[i].type, &d), 0);
		assert_non_null(sdesc_find(&d, cases[i].field));
		sdesc_metavar(sdesc_find(&d, cases[i].field), buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		sdesc_free(&d);
	}
}

/* ---- the option tables against the schema ---- */

static int
help_of(FILE *f, const void *t)
{
	return ropt_help(f, t);
}

static void
test_every_record_option_is_a_schema_field(void **state)
{
	const struct ropt_cmd *t;
	struct sdesc d;
	size_t i, k;
	char *out;
	int rc;

	(void)state;
	for (i = 0; (t = ropt_at(i)) != NULL; i++) {
		assert_true(t->nopts <= ROPT_MAX);
		assert_true(t->npos >= 1 && t->npos <= ROPT_POS_MAX);
		for (k = 0; k < t->nopts; k++) {
			assert_int_equal(sdesc_load(t->opts[k].type, &d), 0);
			if (sdesc_find(&d, t->opts[k].field) == NULL)
				fail_msg("%s --%s: no field %s.%s", t->cmd,
				    t->opts[k].name, t->opts[k].type,
				    t->opts[k].field);
			sdesc_free(&d);
		}
		out = printed(help_of, t, &rc);
		assert_int_equal(rc, 0);
		free(out);
	}
	assert_true(i >= 20);
}

static void
test_help_lists_every_option_with_its_values(void **state)
{
	const struct ropt_cmd *t = ropt_find("review update");
	char *out;
	int rc;

	(void)state;
	assert_non_null(t);
	out = printed(help_of, t, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "usage: iro review update REVIEW"));
	assert_non_null(strstr(out, "  --spoken-privately "
	    "yes|refused|inappropriate|not_done\n"));
	assert_non_null(strstr(out, "  --participation "
	    "PN0|PN1|PN2|PN3|PN4|PN5|PN6|PN7\n"));
	assert_non_null(strstr(out, "  --record-completed YYYY-MM-DD\n"));
	free(out);
	t = ropt_find("dispute respond");
	out = printed(help_of, t, &rc);
	assert_non_null(strstr(out, "  --outcome "
	    "resolved|not_resolved|escalated|no_response  (required)\n"));
	assert_non_null(strstr(out, "default today"));
	free(out);
}

static int
overview(FILE *f, const void *unused)
{
	(void)unused;
	return help_show(f, NULL);
}

static void
test_overview_lists_every_record_command(void **state)
{
	const struct ropt_cmd *t;
	char want[600], *out;
	size_t i;
	int rc;

	(void)state;
	out = printed(overview, NULL, &rc);
	assert_int_equal(rc, 0);
	for (i = 0; (t = ropt_at(i)) != NULL; i++) {
		snprintf(want, sizeof want, "  %s\n", help_usage(t->cmd));
		if (strstr(out, want) == NULL)
			fail_msg("the overview lacks '%s'", t->cmd);
	}
	assert_non_null(strstr(out, "  iro agenda [--days N] [--json]\n"));
	assert_non_null(strstr(out, "  iro child CHILD [--json]\n"));
	assert_non_null(strstr(out, "--today"));
	free(out);
}

static void
test_short_usage_folds_the_optional_options(void **state)
{
	(void)state;
	assert_string_equal(help_usage("review adjourn"),
	    "iro review adjourn REVIEW --to YYYY-MM-DD");
	assert_string_equal(help_usage("review add"),
	    "iro review add CHILD --date YYYY-MM-DD [OPTIONS]");
	assert_string_equal(help_usage("decision carry"),
	    "iro decision carry DECISION --to REVIEW");
	assert_string_equal(help_usage("flag"),
	    "iro flag CHILD FIELD --text TEXT");
}

static void
test_group_help_shows_each_subcommand(void **state)
{
	struct capture out;
	char *s;

	(void)state;
	capture_start(&out, 1);
	assert_int_equal(help_show(stdout, "dispute"), 0);
	s = capture_end(&out);
	assert_non_null(strstr(s, "usage: iro dispute add CHILD"));
	assert_non_null(strstr(s, "usage: iro dispute withdraw DISPUTE"));
	assert_null(strstr(s, "usage: iro review"));
	free(s);
	assert_int_equal(help_show(stdout, "frobnicate"), IRO_ENOTFOUND);
}

/* ---- parsing a record command ---- */

struct rparse {
	struct cli c;
	struct ropt_args a;
	int rc;
	char *out, *err;
};

static void
rparse(struct rparse *p, const char *cmd, ...)
{
	struct capture out, err;
	char *argv[16];
	va_list ap;
	int argc = 0;

	memset(p, 0, sizeof *p);
	va_start(ap, cmd);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	capture_start(&out, 1);
	capture_start(&err, 2);
	p->rc = ropt_parse(&p->c, cmd, argc, argv, &p->a);
	p->err = capture_end(&err);
	p->out = capture_end(&out);
}

static void
rparse_free(struct rparse *p)
{
	free(p->out);
	free(p->err);
	cli_free(&p->c);
}

static char w_rev[] = "0123456789abcdef0123456789abcdef",
    w_part[] = "--participation", w_pn1[] = "PN1",
    w_meet[] = "--meeting-date=2026-03-17", w_fmt[] = "--format",
    w_meeting[] = "meeting", w_date[] = "--date", w_day[] = "2026-03-17",
    w_help[] = "--help", w_today[] = "--today", w_badday[] = "2026-02-29",
    w_text[] = "--text", w_words[] = "some words", w_child[] = "C1001",
    w_field[] = "dob";

static void
test_fields_come_in_the_order_typed(void **state)
{
	struct iro_field_text f[ROPT_MAX];
	struct rparse p;
	size_t n = 0;

	(void)state;
	rparse(&p, "review update", w_part, w_pn1, w_rev, w_meet, w_fmt,
	    w_meeting, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_int_equal(p.a.npos, 1);
	assert_string_equal(p.a.pos[0], w_rev);
	assert_int_equal(ropt_fields(&p.a, "review", f, ROPT_MAX, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(f[0].name, "participation");
	assert_string_equal(f[0].text, "PN1");
	assert_string_equal(f[1].name, "meeting_date");
	assert_string_equal(f[1].text, "2026-03-17");
	assert_string_equal(f[2].name, "format");
	/* Fields of another type are not taken. */
	n = 0;
	assert_int_equal(ropt_fields(&p.a, "visit", f, ROPT_MAX, &n), 0);
	assert_int_equal(n, 0);
	/* Nor more than there is room for. */
	n = 0;
	assert_int_equal(ropt_fields(&p.a, "review", f, 2, &n), IRO_ETOOBIG);
	rparse_free(&p);
}

static void
test_options_the_command_applies_itself_are_left_out(void **state)
{
	struct iro_field_text f[ROPT_MAX];
	struct rparse p;
	size_t n = 0;

	(void)state;
	rparse(&p, "review held", w_rev, w_part, w_pn1, w_date, w_day, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(ropt_value(&p.a, "date"), "2026-03-17");
	assert_int_equal(ropt_fields(&p.a, "review", f, ROPT_MAX, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].name, "participation");
	rparse_free(&p);
}

static void
test_a_missing_required_option_is_a_usage_error(void **state)
{
	struct rparse p;

	(void)state;
	rparse(&p, "review add", w_child, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_string_equal(p.err,
	    "iro: review add: --date YYYY-MM-DD is required\n");
	rparse_free(&p);
	rparse(&p, "flag", w_child, w_text, w_words, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_non_null(strstr(p.err, "missing argument (usage: iro flag "
	    "CHILD FIELD --text TEXT)"));
	rparse_free(&p);
	rparse(&p, "flag", w_child, w_field, w_text, w_words, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(p.a.pos[1], "dob");
	rparse_free(&p);
}

static void
test_record_command_help_exits_early(void **state)
{
	struct rparse p;

	(void)state;
	rparse(&p, "decision carry", w_help, NULL);
	assert_int_equal(p.rc, ARGS_HELP);
	assert_non_null(strstr(p.out, "--to REVIEW  (required)"));
	assert_string_equal(p.err, "");
	rparse_free(&p);
}

/* ---- today ---- */

static void
test_dates_are_checked_for_real(void **state)
{
	(void)state;
	assert_true(cli_date_ok("2026-03-17"));
	assert_true(cli_date_ok("2024-02-29"));
	assert_true(cli_date_ok("2000-02-29"));
	assert_false(cli_date_ok("1900-02-29"));
	assert_false(cli_date_ok("2026-02-29"));
	assert_false(cli_date_ok("2026-04-31"));
	assert_false(cli_date_ok("2026-13-01"));
	assert_false(cli_date_ok("2026-00-10"));
	assert_false(cli_date_ok("2026-3-17"));
	assert_false(cli_date_ok("2026-03-17x"));
	assert_false(cli_date_ok("17/03/2026"));
	assert_false(cli_date_ok(""));
}

static void
test_today_comes_from_option_then_environment(void **state)
{
	char today[CLI_DATE_LEN];
	struct cli c;

	(void)state;
	memset(&c, 0, sizeof c);
	setenv("IRO_TODAY", "2026-01-02", 1);
	assert_int_equal(cli_today(&c, today), CLI_OK);
	assert_string_equal(today, "2026-01-02");
	assert_int_equal(cli_set_today(&c, "2026-03-04"), CLI_OK);
	assert_int_equal(cli_today(&c, today), CLI_OK);
	assert_string_equal(today, "2026-03-04");
	memset(&c, 0, sizeof c);
	unsetenv("IRO_TODAY");
	assert_int_equal(cli_today(&c, today), CLI_OK);
	assert_true(cli_date_ok(today));
}

static void
test_a_bad_today_is_a_usage_error(void **state)
{
	char today[CLI_DATE_LEN];
	struct capture err;
	struct cli c;
	char *s;

	(void)state;
	memset(&c, 0, sizeof c);
	capture_start(&err, 2);
	assert_int_equal(cli_set_today(&c, "2026-02-30"), CLI_EUSAGE);
	setenv("IRO_TODAY", "soon", 1);
	assert_int_equal(cli_today(&c, today), CLI_EUSAGE);
	unsetenv("IRO_TODAY");
	s = capture_end(&err);
	assert_string_equal(s,
	    "iro: --today: expected a date YYYY-MM-DD, got '2026-02-30'\n"
	    "iro: IRO_TODAY: expected a date YYYY-MM-DD, got 'soon'\n");
	assert_string_equal(c.today, "");
	free(s);
}

static void
test_every_command_takes_today(void **state)
{
	struct rparse p;

	(void)state;
	rparse(&p, "review held", w_rev, w_today, w_day, NULL);
	assert_int_equal(p.rc, CLI_OK);
	assert_string_equal(p.c.today, "2026-03-17");
	rparse_free(&p);
	rparse(&p, "review held", w_rev, w_today, w_badday, NULL);
	assert_int_equal(p.rc, CLI_EUSAGE);
	assert_non_null(strstr(p.err, "'2026-02-29'"));
	rparse_free(&p);
}

/* In batch, a command's --today holds for that command only; outside,
 * there is only the one command. */
static void
test_batch_today_holds_for_one_command(void **state)
{
	char w_agenda[] = "agenda", w_days[] = "--days", w_x[] = "x";
	char *argv[] = { w_agenda, w_today, w_day, w_days, w_x };
	struct capture err;
	struct cli c;
	char *e;
	int batch;

	(void)state;
	for (batch = 0; batch <= 1; batch++) {
		memset(&c, 0, sizeof c);
		c.in_batch = batch;
		capture_start(&err, 2);
		/* --days x fails after the options are read, before the
		 * replica is needed. */
		assert_int_equal(cmd_run(&c, 5, argv), CLI_EUSAGE);
		e = capture_end(&err);
		assert_non_null(strstr(e, "--days: expected a whole number"));
		assert_string_equal(c.today, batch ? "" : "2026-03-17");
		free(e);
		cli_free(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sdesc_reads_every_field_in_schema_order),
		cmocka_unit_test(test_sdesc_unknown_type_is_not_found),
		cmocka_unit_test(
		    test_sdesc_enumeration_values_keep_the_schema_order),
		cmocka_unit_test(test_sdesc_metavars),
		cmocka_unit_test(test_every_record_option_is_a_schema_field),
		cmocka_unit_test(test_help_lists_every_option_with_its_values),
		cmocka_unit_test(test_overview_lists_every_record_command),
		cmocka_unit_test(test_short_usage_folds_the_optional_options),
		cmocka_unit_test(test_group_help_shows_each_subcommand),
		cmocka_unit_test(test_fields_come_in_the_order_typed),
		cmocka_unit_test(
		    test_options_the_command_applies_itself_are_left_out),
		cmocka_unit_test(test_a_missing_required_option_is_a_usage_error),
		cmocka_unit_test(test_record_command_help_exits_early),
		cmocka_unit_test(test_dates_are_checked_for_real),
		cmocka_unit_test(test_today_comes_from_option_then_environment),
		cmocka_unit_test(test_a_bad_today_is_a_usage_error),
		cmocka_unit_test(test_every_command_takes_today),
		cmocka_unit_test(test_batch_today_holds_for_one_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
