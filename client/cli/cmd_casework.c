/*
 * cmd_casework.c - the IRO's worklist, computed offline: children (the
 * caseload by next review due) and agenda (what is due in the next N
 * working days).  One child's whole picture is cmd_child.c.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "out.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CELL_MAX 48              /* characters shown of a long cell */
#define AGENDA_DAYS 20           /* the default window, working days */
#define AGENDA_DAYS_MAX 520      /* the library's limit: two years */
#define NONE "-"

#define DONE(rc) ((rc) == ARGS_HELP ? CLI_OK : (rc))

static const char *
yes_no(int v)
{
	return v < 0 ? NONE : v ? "yes" : "no";
}

static const char *
or_none(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NONE;
}

/* Parse the words of one of the three commands. */
static int
parse(struct cli *c, const char *cmd, int argc, char **argv,
    struct args_opt *opts, size_t nopts, char **pos, size_t npos_want)
{
	size_t npos;

	return args_parse(c, cmd, argc, argv, opts, nopts, pos, npos_want,
	    npos_want, &npos);
}

/* Print t, free it, and turn the outcome into an exit code. */
static int
table_done(struct cli *c, struct text_table *t, int rc, const char *cmd)
{
	if (rc == 0)
		rc = text_table_print(t, stdout);
	text_table_free(t);
	if (rc == IRO_EIO)
		return cli_out_error(c);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, cmd);
}

/* ---- children ---------------------------------------------------------- */

static int
print_caseload(struct cli *c, const struct iro_caseload *cl)
{
	static const char *const head[] = {
		"CHILD ID", "NAME", "DOB", "IRO", "REVIEW DUE", "DAYS LEFT",
		"OUT OF AREA", "LAST VISIT", "DECISIONS", "DISPUTE", "ID"
	};
	struct iro_child_summary s;
	struct text_table *t = NULL;
	char name[256], left[32], dec[48];
	const char *row[N(head)];
	size_t i, n = iro_caseload_count(cl);
	int rc;

	if ((rc = text_table_new(N(head), CELL_MAX, &t)) != 0)
		return cli_fail(c, rc, "children");
	rc = text_table_add(t, head);
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = iro_caseload_at(cl, i, &s)) != 0)
			break;
		snprintf(name, sizeof name, "%s %s", s.given_name ?
		    s.given_name : "", s.family_name ? s.family_name : "");
		text_days_left(s.next_review_due != NULL, s.review_overdue,
		    s.working_days_left, left, sizeof left);
		if (s.drifting_decisions > 0)
			snprintf(dec, sizeof dec, "%u (%u drift)",
			    s.open_decisions, s.drifting_decisions);
		else
			snprintf(dec, sizeof dec, "%u", s.open_decisions);
		row[0] = or_none(s.child_id);
		row[1] = name;
		row[2] = or_none(s.dob);
		row[3] = or_none(s.iro);
		row[4] = or_none(s.next_review_due);
		row[5] = left;
		row[6] = yes_no(s.out_of_area);
		row[7] = or_none(s.last_visit);
		row[8] = dec;
		row[9] = or_none(s.dispute_stage);
		row[10] = s.id;
		rc = text_table_add(t, row);
	}
	return table_done(c, t, rc, "children");
}

int
cmd_children(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "json", 0, NULL, 0 } };
	struct iro_caseload *cl = NULL;
	char today[CLI_DATE_LEN];
	struct iro *h;
	int rc = parse(c, "children", argc, argv, opts, N(opts), NULL, 0);

	if (rc == CLI_OK)
		rc = cmd_ready(c, &h, today);
	if (rc != CLI_OK)
		return DONE(rc);
	if ((rc = iro_caseload_get(h, today, &cl)) != 0)
		return cli_fail(c, rc, "children");
	if (args_flag(opts, N(opts), "json"))
		rc = out_caseload(stdout, cl) == 0 ? CLI_OK :
		    cli_out_error(c);
	else
		rc = print_caseload(c, cl);
	iro_caseload_free(cl);
	return rc;
}

/* ---- agenda ------------------------------------------------------------ */

static int
print_agenda(struct cli *c, const struct iro_agenda *ag)
{
	static const char *const head[] = {
		"DATE", "DAYS LEFT", "CHILD ID", "NAME", "WHAT", "RECORD"
	};
	struct iro_agenda_item it;
	struct text_table *t = NULL;
	const char *row[N(head)];
	char left[32];
	size_t i, n = iro_agenda_count(ag);
	int rc;

	if ((rc = text_table_new(N(head), 64, &t)) != 0)
		return cli_fail(c, rc, "agenda");
	rc = text_table_add(t, head);
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = iro_agenda_at(ag, i, &it)) != 0)
			break;
		text_days_left(1, it.overdue, it.working_days_left, left,
		    sizeof left);
		row[0] = it.date;
		row[1] = left;
		row[2] = or_none(it.child_id);
		row[3] = or_none(it.child_name);
		row[4] = or_none(it.text);
		row[5] = or_none(it.record);
		rc = text_table_add(t, row);
	}
	return table_done(c, t, rc, "agenda");
}

static int
parse_days(struct cli *c, const char *s, int *out)
{
	char *end;
	long v;

	*out = AGENDA_DAYS;
	if (s == NULL)
		return CLI_OK;
	v = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || v > AGENDA_DAYS_MAX) {
		cli_error(c, "agenda: --days: expected a whole number of working "
		    "days from 0 to %d, got '%s'", AGENDA_DAYS_MAX, s);
		return CLI_EUSAGE;
	}
	*out = (int)v;
	return CLI_OK;
}

int
cmd_agenda(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = {
		{ "json", 0, NULL, 0 }, { "days", 1, NULL, 0 }
	};
	struct iro_agenda *ag = NULL;
	char today[CLI_DATE_LEN];
	struct iro *h;
	int rc, days;

	rc = parse(c, "agenda", argc, argv, opts, N(opts), NULL, 0);
	if (rc == CLI_OK)
		rc = parse_days(c, args_value(opts, N(opts), "days"), &days);
	if (rc == CLI_OK)
		rc = cmd_ready(c, &h, today);
	if (rc != CLI_OK)
		return DONE(rc);
	if ((rc = iro_agenda_get(h, today, days, &ag)) != 0)
		return cli_fail(c, rc, "agenda");
	if (args_flag(opts, N(opts), "json"))
		rc = out_agenda(stdout, ag) == 0 ? CLI_OK : cli_out_error(c);
	else
		rc = print_agenda(c, ag);
	iro_agenda_free(ag);
	return rc;
}

