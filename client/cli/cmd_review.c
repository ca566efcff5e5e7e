/*
 * cmd_review.c - reviews and the decisions made at them: review add,
 * update, held, complete, adjourn, cancel; decision add, done, drop,
 * carry.  Every value is checked by the library (field by field against
 * the schema, and the casework rules such as the review's status
 * transitions); its message is passed on as it is.
 */
#include "cmd.h"

#include <string.h>

#include "args.h"
#include "ropt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define F_MEETING_DATE "meeting_date"
#define F_ADJOURNED_TO "adjourned_to"
#define F_CARRIED "carried"
#define F_CARRIED_TO "carried_to"

/* Parse, open the replica and check that pos[0] is a record of `type`.
 * Returns ARGS_HELP after help. */
static int
start(struct cli *c, const char *cmd, const char *type, int argc,
    char **argv, struct ropt_args *a, struct iro **h,
    struct iro_record **rec)
{
	int rc = ropt_parse(c, cmd, argc, argv, a);

	if (rc == CLI_OK)
		rc = cli_open(c, h);
	if (rc == CLI_OK)
		rc = cmd_record(c, *h, cmd, a->pos[0], type, rec);
	return rc;
}

#define DONE(rc) ((rc) == ARGS_HELP ? CLI_OK : (rc))

static int
review_add(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 1];
	char child[IRO_ID_HEX + 1];
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc;

	rc = ropt_parse(c, "review add", argc, argv, &a);
	if (rc == CLI_OK && (rc = cli_open(c, &h)) == CLI_OK)
		rc = cmd_find_child(c, h, "review add", a.pos[0], child);
	if (rc != CLI_OK)
		return DONE(rc);
	/* The statutory due date is the library's to compute. */
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	(void)ropt_fields(&a, "review", f, N(f), &n);
	return cmd_create(c, h, "review add", "review", f, n, 0, NULL);
}

/*
 * Set the review's fields: `first` (may be NULL) before the options in
 * the order typed, then the status (NULL: leave it).
 */
static int
review_apply(struct cli *c, struct iro *h, const char *cmd,
    const struct ropt_args *a, const struct iro_field_text *first,
    const char *status)
{
	struct iro_field_text f[ROPT_MAX + 2];
	size_t n = 0;

	if (first != NULL)
		f[n++] = *first;
	(void)ropt_fields(a, "review", f, N(f) - 1, &n);
	if (status != NULL)
		f[n++] = (struct iro_field_text){ CMD_F_STATUS, status };
	if (n == 0) {
		cli_error(c, "%s: nothing to change (see iro help %s)", cmd,
		    cmd);
		return CLI_EUSAGE;
	}
	return cmd_set_fields(c, h, cmd, a->pos[0], f, n);
}

static int
review_update(struct cli *c, int argc, char **argv)
{
	struct ropt_args a;
	struct iro *h;
	int rc = start(c, "review update", "review", argc, argv, &a, &h,
	    NULL);

	if (rc != CLI_OK)
		return DONE(rc);
	return review_apply(c, h, "review update", &a, NULL, NULL);
}

/* The meeting date goes first: the rules for the other answers (PN0 for
 * a child under 4) are judged on it. */
static int
review_held(struct cli *c, int argc, char **argv)
{
	struct iro_field_text date = { F_MEETING_DATE, NULL };
	struct ropt_args a;
	struct iro *h;
	int rc = start(c, "review held", "review", argc, argv, &a, &h, NULL);

	if (rc != CLI_OK)
		return DONE(rc);
	date.text = ropt_value(&a, "date");
	return review_apply(c, h, "review held", &a,
	    date.text != NULL ? &date : NULL, "held");
}

/* A bare status change: complete, cancel. */
static int
review_status(struct cli *c, const char *cmd, const char *status, int argc,
    char **argv)
{
	struct ropt_args a;
	struct iro *h;
	int rc = start(c, cmd, "review", argc, argv, &a, &h, NULL);

	if (rc != CLI_OK)
		return DONE(rc);
	rc = iro_set(h, a.pos[0], CMD_F_STATUS, status);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, cmd);
}

static int
review_complete(struct cli *c, int argc, char **argv)
{
	return review_status(c, "review complete", "completed", argc, argv);
}

static int
review_cancel(struct cli *c, int argc, char **argv)
{
	return review_status(c, "review cancel", "cancelled", argc, argv);
}

/* The status first, so that a review that cannot be adjourned is left
 * untouched; then the date it reconvenes (checked beforehand). */
static int
review_adjourn(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[2];
	struct ropt_args a;
	struct iro *h;
	int rc = start(c, "review adjourn", "review", argc, argv, &a, &h,
	    NULL);

	if (rc != CLI_OK)
		return DONE(rc);
	/* The date is checked before the status changes. */
	if (!cli_date_ok(ropt_value(&a, "to"))) {
		cli_error(c, "review adjourn: field '%s': expected a date "
		    "YYYY-MM-DD, got '%s'", F_ADJOURNED_TO, ropt_value(&a, "to"));
		return CLI_EUSAGE;
	}
	f[0] = (struct iro_field_text){ CMD_F_STATUS, "adjourned" };
	f[1] = (struct iro_field_text){ F_ADJOURNED_TO, ropt_value(&a, "to") };
	return cmd_set_fields(c, h, "review adjourn", a.pos[0], f, N(f));
}

int
cmd_review(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = {
		"add", "update", "held", "complete", "adjourn", "cancel"
	};
	static const cmd_fn fns[] = {
		review_add, review_update, review_held, review_complete,
		review_adjourn, review_cancel
	};

	return cmd_subcommand(c, "review", argc, argv, names, fns, N(names));
}

/* ---- decisions --------------------------------------------------------- */

static int
decision_add(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 2];
	struct iro_record *review = NULL;
	const char *child;
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc = start(c, "decision add", "review", argc, argv, &a, &h,
	    &review);

	if (rc != CLI_OK)
		return DONE(rc);
	if ((child = cmd_text(review, CMD_F_CHILD)) == NULL) {
		cli_error(c, "decision add: review '%s' names no child",
		    a.pos[0]);
		iro_record_free(review);
		return CLI_EUSAGE;
	}
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	f[n++] = (struct iro_field_text){ CMD_F_REVIEW, a.pos[0] };
	(void)ropt_fields(&a, "decision", f, N(f), &n);
	rc = cmd_create(c, h, "decision add", "decision", f, n, 0, NULL);
	iro_record_free(review);
	return rc;
}

static int
decision_status(struct cli *c, const char *cmd, const char *status,
    int argc, char **argv)
{
	struct ropt_args a;
	struct iro *h;
	int rc = start(c, cmd, "decision", argc, argv, &a, &h, NULL);

	if (rc != CLI_OK)
		return DONE(rc);
	rc = iro_set(h, a.pos[0], CMD_F_STATUS, status);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, cmd);
}

static int
decision_done(struct cli *c, int argc, char **argv)
{
	return decision_status(c, "decision done", "done", argc, argv);
}

static int
decision_drop(struct cli *c, int argc, char **argv)
{
	return decision_status(c, "decision drop", "dropped", argc, argv);
}

/* Only an open decision moves on, and only to a review of its child. */
static int
carry_check(struct cli *c, const struct iro_record *d,
    const struct iro_record *to, const char *did, const char *rid)
{
	const char *status = cmd_text(d, CMD_F_STATUS);
	const char *dc = cmd_text(d, CMD_F_CHILD), *rc = cmd_text(to,
	    CMD_F_CHILD);

	if (status != NULL && strcmp(status, "open") != 0) {
		cli_error(c, "decision carry: decision '%s' is %s: only an open "
		    "decision is carried forward", did, status);
		return CLI_EUSAGE;
	}
	if (dc == NULL || rc == NULL || strcmp(dc, rc) != 0) {
		cli_error(c, "decision carry: review '%s' is not about the "
		    "decision's child", rid);
		return CLI_EUSAGE;
	}
	return CLI_OK;
}

static int
decision_carry(struct cli *c, int argc, char **argv)
{
	struct iro_record *d = NULL, *to = NULL;
	struct iro_field_text f[2];
	struct ropt_args a;
	struct iro_value v;
	char times[24];
	struct iro *h;
	const char *review;
	int rc = start(c, "decision carry", "decision", argc, argv, &a, &h,
	    &d);

	if (rc != CLI_OK)
		return DONE(rc);
	review = ropt_value(&a, "to");
	rc = cmd_record(c, h, "decision carry", review, "review", &to);
	if (rc == CLI_OK)
		rc = carry_check(c, d, to, a.pos[0], review);
	if (rc != CLI_OK)
		goto out;
	if (iro_record_get(d, F_CARRIED, &v) != 0 || v.type != IRO_V_INT)
		v.i = 0;
	snprintf(times, sizeof times, "%lld", (long long)v.i + 1);
	f[0] = (struct iro_field_text){ F_CARRIED_TO, review };
	f[1] = (struct iro_field_text){ F_CARRIED, times };
	rc = cmd_set_fields(c, h, "decision carry", a.pos[0], f, N(f));
out:
	iro_record_free(d);
	iro_record_free(to);
	return rc;
}

int
cmd_decision(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = { "add", "done", "drop", "carry" };
	static const cmd_fn fns[] = {
		decision_add, decision_done, decision_drop, decision_carry
	};

	return cmd_subcommand(c, "decision", argc, argv, names, fns,
	    N(names));
}
