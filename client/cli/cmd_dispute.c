/*
 * cmd_dispute.c - disputes and their stages: dispute add, escalate,
 * respond, cafcass, resolve, withdraw.
 *
 * The ladder is the order of the dispute_stage `stage` values in the
 * schema (informal, team manager, ... director by default): a dispute
 * may skip stages but never goes back down.  The response due date of a
 * stage is computed by the library when the stage is recorded.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ropt.h"
#include "sdesc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define T_DISPUTE "dispute"
#define T_STAGE "dispute_stage"
#define F_STAGE "stage"
#define F_SENT "sent"
#define F_OPENED "opened"
#define F_CLOSED "closed"
#define F_CAFCASS "cafcass_referred"
#define F_RESPONDED "responded"
#define LADDER_TEXT_MAX 512

#define DONE(rc) ((rc) == ARGS_HELP ? CLI_OK : (rc))

struct ladder {
	char **stage;            /* in order; NULL-terminated */
	size_t n;
	char text[LADDER_TEXT_MAX];  /* "informal < team_manager < ..." */
};

static int
ladder_load(struct cli *c, const char *cmd, struct ladder *l)
{
	const struct sdesc_field *f;
	struct sdesc d;
	size_t i, o = 0;
	int rc;

	memset(l, 0, sizeof *l);
	if ((rc = sdesc_load(T_STAGE, &d)) != 0)
		return cli_fail(c, rc, cmd);
	f = sdesc_find(&d, F_STAGE);
	rc = f != NULL ? sdesc_values(f, &l->stage, &l->n) : IRO_EPROTO;
	sdesc_free(&d);
	if (rc == 0 && l->n == 0)
		rc = IRO_EPROTO;
	if (rc != 0) {
		cli_error(c, "%s: cannot read the dispute ladder from the "
		    "schema: %s", cmd, iro_strerror(rc));
		return CLI_EINTERNAL;
	}
	for (i = 0; i < l->n && o < sizeof l->text; i++) {
		int w = snprintf(l->text + o, sizeof l->text - o, "%s%s",
		    i ? " < " : "", l->stage[i]);

		o += w < 0 ? 0 : (size_t)w;
	}
	return CLI_OK;
}

static void
ladder_free(struct ladder *l)
{
	sdesc_values_free(l->stage);
	l->stage = NULL;
	l->n = 0;
}

/* The rung of `stage`, or -1 if it is not on the ladder. */
static long
ladder_rung(const struct ladder *l, const char *stage)
{
	size_t i;

	for (i = 0; stage != NULL && i < l->n; i++)
		if (strcmp(l->stage[i], stage) == 0)
			return (long)i;
	return -1;
}

static int
stage_known(struct cli *c, const char *cmd, const struct ladder *l,
    const char *stage)
{
	if (ladder_rung(l, stage) >= 0)
		return CLI_OK;
	cli_error(c, "%s: field 'stage': expected one of %s, got '%s'", cmd,
	    l->text, stage);
	return CLI_EUSAGE;
}

/*
 * The dispute's current stage: the highest rung it has reached (stages
 * never go down, so also the latest).  *id is "" when it has none.
 */
static int
current_stage(struct cli *c, struct iro *h, const char *cmd,
    const struct ladder *l, const char *dispute, long *rung,
    char id[IRO_ID_HEX + 1])
{
	struct iro_list *list = NULL;
	const struct iro_record *r;
	const char *of;
	size_t i, n;
	long k;
	int rc;

	*rung = -1;
	id[0] = '\0';
	if ((rc = iro_list(h, T_STAGE, &list)) != 0)
		return cli_fail(c, rc, cmd);
	n = iro_list_count(list);
	for (i = 0; i < n; i++) {
		r = iro_list_at(list, i);
		of = cmd_text(r, CMD_F_DISPUTE);
		if (of == NULL || strcmp(of, dispute) != 0)
			continue;
		k = ladder_rung(l, cmd_text(r, F_STAGE));
		if (k > *rung) {
			*rung = k;
			snprintf(id, IRO_ID_HEX + 1, "%s", iro_record_id(r));
		}
	}
	iro_list_free(list);
	return CLI_OK;
}

/* The date option, else today. */
static int
date_or_today(struct cli *c, const struct ropt_args *a,
    char buf[CLI_DATE_LEN], const char **out)
{
	int rc;

	*out = ropt_value(a, "date");
	if (*out != NULL)
		return CLI_OK;
	if ((rc = cli_today(c, buf)) != CLI_OK)
		return rc;
	*out = buf;
	return CLI_OK;
}

/* Parse, open, and check that pos[0] is a dispute that is still open
 * (when `open` is set). */
static int
start(struct cli *c, const char *cmd, int argc, char **argv,
    struct ropt_args *a, struct iro **h, int open)
{
	struct iro_record *d = NULL;
	const char *status;
	int rc = ropt_parse(c, cmd, argc, argv, a);

	if (rc == CLI_OK)
		rc = cli_open(c, h);
	if (rc == CLI_OK)
		rc = cmd_record(c, *h, cmd, a->pos[0], T_DISPUTE, &d);
	if (rc != CLI_OK)
		return rc;
	status = cmd_text(d, CMD_F_STATUS);
	if (open && status != NULL && strcmp(status, "open") != 0) {
		cli_error(c, "%s: dispute '%s' is %s, not open", cmd, a->pos[0],
		    status);
		rc = CLI_EUSAGE;
	}
	iro_record_free(d);
	return rc;
}

static int
add_stage(struct cli *c, struct iro *h, const char *cmd,
    const char *dispute, const char *stage, const char *sent, int quiet)
{
	struct iro_field_text f[3] = {
		{ CMD_F_DISPUTE, dispute }, { F_STAGE, stage }, { F_SENT, sent }
	};

	return cmd_create(c, h, cmd, T_STAGE, f, N(f), quiet, NULL);
}

static int
dispute_add(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 2];
	char child[IRO_ID_HEX + 1], id[IRO_ID_HEX + 1], today[CLI_DATE_LEN];
	const char *date, *stage;
	struct ladder l = { 0 };
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc;

	rc = ropt_parse(c, "dispute add", argc, argv, &a);
	if (rc == CLI_OK)
		rc = ladder_load(c, "dispute add", &l);
	if (rc != CLI_OK)
		return DONE(rc);
	/* A dispute starts on the first rung unless told otherwise; the
	 * stage is checked before anything is written. */
	stage = ropt_value(&a, "stage");
	if (stage == NULL)
		stage = l.stage[0];
	if ((rc = stage_known(c, "dispute add", &l, stage)) != CLI_OK ||
	    (rc = date_or_today(c, &a, today, &date)) != CLI_OK ||
	    (rc = cli_open(c, &h)) != CLI_OK ||
	    (rc = cmd_find_child(c, h, "dispute add", a.pos[0], child)) !=
	    CLI_OK)
		goto out;
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	f[n++] = (struct iro_field_text){ F_OPENED, date };
	(void)ropt_fields(&a, T_DISPUTE, f, N(f), &n);
	rc = cmd_create(c, h, "dispute add", T_DISPUTE, f, n, 0, id);
	if (rc == CLI_OK)
		rc = add_stage(c, h, "dispute add", id, stage, date, 1);
out:
	ladder_free(&l);
	return rc;
}

static int
dispute_escalate(struct cli *c, int argc, char **argv)
{
	char cur[IRO_ID_HEX + 1], today[CLI_DATE_LEN];
	const char *date, *stage;
	struct ladder l = { 0 };
	struct ropt_args a;
	struct iro *h;
	long at, to;
	int rc = start(c, "dispute escalate", argc, argv, &a, &h, 1);

	if (rc == CLI_OK)
		rc = ladder_load(c, "dispute escalate", &l);
	if (rc != CLI_OK)
		return DONE(rc);
	stage = ropt_value(&a, "stage");
	if ((rc = stage_known(c, "dispute escalate", &l, stage)) != CLI_OK ||
	    (rc = date_or_today(c, &a, today, &date)) != CLI_OK ||
	    (rc = current_stage(c, h, "dispute escalate", &l, a.pos[0], &at,
	    cur)) != CLI_OK)
		goto out;
	to = ladder_rung(&l, stage);
	if (to <= at) {
		cli_error(c, "dispute escalate: field 'stage': the dispute is at "
		    "%s; it can go up the ladder (%s), skipping stages, but not "
		    "to %s", l.stage[at], l.text, stage);
		rc = CLI_EUSAGE;
		goto out;
	}
	rc = add_stage(c, h, "dispute escalate", a.pos[0], stage, date, 0);
out:
	ladder_free(&l);
	return rc;
}

static int
dispute_respond(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 1];
	char cur[IRO_ID_HEX + 1], today[CLI_DATE_LEN];
	struct ladder l = { 0 };
	struct ropt_args a;
	const char *date;
	struct iro *h;
	size_t n = 0;
	long at;
	int rc = start(c, "dispute respond", argc, argv, &a, &h, 1);

	if (rc == CLI_OK)
		rc = ladder_load(c, "dispute respond", &l);
	if (rc != CLI_OK)
		return DONE(rc);
	if ((rc = date_or_today(c, &a, today, &date)) != CLI_OK ||
	    (rc = current_stage(c, h, "dispute respond", &l, a.pos[0], &at,
	    cur)) != CLI_OK)
		goto out;
	if (cur[0] == '\0') {
		cli_error(c, "dispute respond: dispute '%s' has no stage to "
		    "respond to (see iro dispute escalate)", a.pos[0]);
		rc = CLI_EUSAGE;
		goto out;
	}
	/* The outcome first: a refused value leaves the stage as it was. */
	(void)ropt_fields(&a, T_STAGE, f, N(f) - 1, &n);
	f[n++] = (struct iro_field_text){ F_RESPONDED, date };
	rc = cmd_set_fields(c, h, "dispute respond", cur, f, n);
out:
	ladder_free(&l);
	return rc;
}

static int
dispute_cafcass(struct cli *c, int argc, char **argv)
{
	char today[CLI_DATE_LEN];
	struct ropt_args a;
	const char *date;
	struct iro *h;
	int rc = start(c, "dispute cafcass", argc, argv, &a, &h, 0);

	if (rc == CLI_OK)
		rc = date_or_today(c, &a, today, &date);
	if (rc != CLI_OK)
		return DONE(rc);
	rc = iro_set(h, a.pos[0], F_CAFCASS, date);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "dispute cafcass");
}

/* resolve, withdraw: the outcome (if given), the date closed, then the
 * status, which is the step the rules may refuse last. */
static int
dispute_close(struct cli *c, const char *cmd, const char *status, int argc,
    char **argv)
{
	struct iro_field_text f[ROPT_MAX + 2];
	char today[CLI_DATE_LEN];
	struct ropt_args a;
	const char *date;
	struct iro *h;
	size_t n = 0;
	int rc = start(c, cmd, argc, argv, &a, &h, 1);

	if (rc == CLI_OK)
		rc = date_or_today(c, &a, today, &date);
	if (rc != CLI_OK)
		return DONE(rc);
	(void)ropt_fields(&a, T_DISPUTE, f, N(f) - 2, &n);
	f[n++] = (struct iro_field_text){ F_CLOSED, date };
	f[n++] = (struct iro_field_text){ CMD_F_STATUS, status };
	return cmd_set_fields(c, h, cmd, a.pos[0], f, n);
}

static int
dispute_resolve(struct cli *c, int argc, char **argv)
{
	return dispute_close(c, "dispute resolve", "resolved", argc, argv);
}

static int
dispute_withdraw(struct cli *c, int argc, char **argv)
{
	return dispute_close(c, "dispute withdraw", "withdrawn", argc, argv);
}

int
cmd_dispute(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = {
		"add", "escalate", "respond", "cafcass", "resolve", "withdraw"
	};
	static const cmd_fn fns[] = {
		dispute_add, dispute_escalate, dispute_respond, dispute_cafcass,
		dispute_resolve, dispute_withdraw
	};

	return cmd_subcommand(c, "dispute", argc, argv, names, fns,
	    N(names));
}
