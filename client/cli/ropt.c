/*
 * ropt.c - the casework record commands' options: the tables, parsing,
 * usage lines and help.
 */
#include "ropt.h"

#include <stdlib.h>
#include <string.h>

#include "sdesc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ ROPT_REQUIRED

#define VISIT_FIELDS(date_flags)                                         \
	{ "date", "visit", "date", (date_flags) },                       \
	{ "time", "visit", "time", 0 },                                  \
	{ "purpose", "visit", "purpose", 0 },                            \
	{ "mode", "visit", "mode", 0 },                                  \
	{ "location", "visit", "location", 0 },                          \
	{ "child-seen", "visit", "child_seen", 0 },                      \
	{ "seen-alone", "visit", "seen_alone", 0 },                      \
	{ "wishes", "visit", "wishes", 0 },                              \
	{ "safeguarding", "visit", "safeguarding", 0 },                  \
	{ "note", "visit", "note", 0 }

static const struct ropt visit_add[] = { VISIT_FIELDS(REQ) };
static const struct ropt visit_update[] = { VISIT_FIELDS(0) };

static const struct ropt note_add[] = {
	{ "text", "note", "text", REQ },
	{ "type", "note", "type", 0 },
};
static const struct ropt note_correct[] = {
	{ "text", "note", "text", REQ },
};

#define REVIEW_FIELDS                                                    \
	{ "format", "review", "format", 0 },                             \
	{ "spoken-privately", "review", "spoken_privately", 0 },         \
	{ "participation", "review", "participation", 0 },               \
	{ "child-chaired", "review", "child_chaired", 0 },               \
	{ "parents-views", "review", "parents_views", 0 },               \
	{ "care-plan-endorsed", "review", "care_plan_endorsed", 0 },     \
	{ "decisions-distributed", "review", "decisions_distributed", 0 }, \
	{ "record-completed", "review", "record_completed", 0 },         \
	{ "adjourned-to", "review", "adjourned_to", 0 },                 \
	{ "early-reason", "review", "early_reason", 0 }

static const struct ropt review_add[] = {
	{ "date", "review", "meeting_date", REQ },
	{ "format", "review", "format", 0 },
	{ "early-reason", "review", "early_reason", 0 },
};
static const struct ropt review_update[] = {
	{ "meeting-date", "review", "meeting_date", 0 },
	REVIEW_FIELDS,
};
static const struct ropt review_held[] = {
	{ "date", "review", "meeting_date", ROPT_SELF },
	REVIEW_FIELDS,
};
static const struct ropt review_adjourn[] = {
	{ "to", "review", "adjourned_to", REQ | ROPT_SELF },
};

static const struct ropt decision_add[] = {
	{ "text", "decision", "text", REQ },
	{ "responsible", "decision", "responsible", 0 },
	{ "due", "decision", "due", 0 },
};
static const struct ropt decision_carry[] = {
	{ "to", "decision", "carried_to", REQ | ROPT_SELF },
};

static const struct ropt dispute_add[] = {
	{ "category", "dispute", "category", REQ },
	{ "date", "dispute", "opened", ROPT_SELF | ROPT_TODAY },
	{ "stage", "dispute_stage", "stage", ROPT_SELF | ROPT_FIRST },
};
static const struct ropt dispute_escalate[] = {
	{ "stage", "dispute_stage", "stage", REQ | ROPT_SELF },
	{ "date", "dispute_stage", "sent", ROPT_SELF | ROPT_TODAY },
};
static const struct ropt dispute_respond[] = {
	{ "date", "dispute_stage", "responded", ROPT_SELF | ROPT_TODAY },
	{ "outcome", "dispute_stage", "outcome", REQ },
	{ "text", "dispute_stage", "response", 0 },
};
static const struct ropt dispute_cafcass[] = {
	{ "date", "dispute", "cafcass_referred", ROPT_SELF | ROPT_TODAY },
};
static const struct ropt dispute_resolve[] = {
	{ "date", "dispute", "closed", ROPT_SELF | ROPT_TODAY },
	{ "outcome", "dispute", "outcome", 0 },
};
static const struct ropt dispute_withdraw[] = {
	{ "date", "dispute", "closed", ROPT_SELF | ROPT_TODAY },
};

static const struct ropt flag_opts[] = {
	{ "text", "flag", "text", REQ },
};

#define T(cmd, args, npos, text, opts) { cmd, args, npos, text, opts, N(opts) }
#define T0(cmd, args, text) { cmd, args, 1, text, NULL, 0 }

static const struct ropt_cmd cmds[] = {
	T("visit add", "CHILD", 1,
	    "Record a visit to CHILD (a record id or a council child id).\n"
	    "Prints only the new visit's id.  A pre_review visit where the\n"
	    "child was seen counts as the consultation for the next review.\n",
	    visit_add),
	T("visit update", "VISIT", 1,
	    "Change fields of a visit, in the order given; stops at the first\n"
	    "value refused.\n", visit_update),
	T("note add", "CHILD", 1,
	    "Write a draft note about CHILD.  Prints only the new note's id.\n",
	    note_add),
	T("note correct", "NOTE", 1,
	    "Correct a note: writes a new draft note about the same child, of\n"
	    "the same type, that supersedes NOTE.  Both stay readable.  Prints\n"
	    "only the new note's id.\n", note_correct),
	T("review add", "CHILD", 1,
	    "Plan a review of CHILD on the date given; the statutory due date\n"
	    "is computed on this device and kept with it.  Prints only the new\n"
	    "review's id.\n", review_add),
	T("review update", "REVIEW", 1,
	    "Change fields of a review, in the order given; stops at the first\n"
	    "value refused.\n", review_update),
	T("review held", "REVIEW", 1,
	    "Record that the review took place: the meeting date (--date)\n"
	    "first, then the other fields in the order given, then the status\n"
	    "held.\n", review_held),
	T0("review complete", "REVIEW",
	    "Mark a held review completed (final).\n"),
	T("review adjourn", "REVIEW", 1,
	    "Adjourn a planned review to the date it reconvenes.\n",
	    review_adjourn),
	T0("review cancel", "REVIEW", "Cancel a planned or adjourned review.\n"),
	T("decision add", "REVIEW", 1,
	    "Record a decision made at REVIEW (about that review's child).\n"
	    "Prints only the new decision's id.\n", decision_add),
	T0("decision done", "DECISION", "Mark a decision done.\n"),
	T0("decision drop", "DECISION", "Mark a decision dropped.\n"),
	T("decision carry", "DECISION", 1,
	    "Carry an open decision forward to a later review.  A decision\n"
	    "carried forward more than once is drift.\n", decision_carry),
	T("dispute add", "CHILD", 1,
	    "Open a dispute about CHILD's case, and record its first stage\n"
	    "(the first of the ladder unless --stage names another) as sent\n"
	    "on the same date.  Prints only the new dispute's id.\n",
	    dispute_add),
	T("dispute escalate", "DISPUTE", 1,
	    "Send the dispute to a stage of the ladder.  Stages may be skipped\n"
	    "but not gone back to.  Prints only the new stage's id.\n",
	    dispute_escalate),
	T("dispute respond", "DISPUTE", 1,
	    "Record the response to the dispute's current stage.\n",
	    dispute_respond),
	T("dispute cafcass", "DISPUTE", 1,
	    "Record a referral of the case to Cafcass (possible at any point,\n"
	    "alongside the ladder).\n", dispute_cafcass),
	T("dispute resolve", "DISPUTE", 1, "Close the dispute as resolved.\n",
	    dispute_resolve),
	T("dispute withdraw", "DISPUTE", 1, "Withdraw the dispute.\n",
	    dispute_withdraw),
	T("flag", "CHILD FIELD", 2,
	    "Flag a field of CHILD's record as looking wrong (the council's\n"
	    "data is not edited here; the flag goes to the council).  FIELD is\n"
	    "one of the child fields listed by iro help child.\n", flag_opts),
};

const struct ropt_cmd *
ropt_find(const char *cmd)
{
	size_t i;

	for (i = 0; cmd != NULL && i < N(cmds); i++)
		if (strcmp(cmds[i].cmd, cmd) == 0)
			return &cmds[i];
	return NULL;
}

const struct ropt_cmd *
ropt_at(size_t i)
{
	return i < N(cmds) ? &cmds[i] : NULL;
}

/* An option's value placeholder, from the schema. */
static void
metavar(const struct ropt *o, char *buf, size_t len)
{
	struct sdesc d;
	const struct sdesc_field *f;

	snprintf(buf, len, "VALUE");
	if (sdesc_load(o->type, &d) != 0)
		return;
	if ((f = sdesc_find(&d, o->field)) != NULL)
		sdesc_metavar(f, buf, len);
	sdesc_free(&d);
}

static void
usage(const struct ropt_cmd *t, int fold, char *buf, size_t len)
{
	char meta[512];
	size_t i, o;
	int w, folded = 0;

	w = snprintf(buf, len, "iro %s %s", t->cmd, t->args);
	o = w < 0 ? 0 : (size_t)w;
	for (i = 0; i < t->nopts && o < len; i++) {
		const struct ropt *r = &t->opts[i];

		if (fold && !(r->flags & REQ)) {
			folded = 1;
			continue;
		}
		metavar(r, meta, sizeof meta);
		w = snprintf(buf + o, len - o, r->flags & REQ ? " --%s %s" :
		    " [--%s %s]", r->name, meta);
		o += w < 0 ? 0 : (size_t)w;
	}
	if (folded && o < len)
		snprintf(buf + o, len - o, " [OPTIONS]");
}

void
ropt_usage(const struct ropt_cmd *t, char *buf, size_t len)
{
	usage(t, 0, buf, len);
}

void
ropt_usage_short(const struct ropt_cmd *t, char *buf, size_t len)
{
	usage(t, 1, buf, len);
}

/* What the schema allows, less "; required": whether the option is
 * required is said on its own line. */
static void
allowed(const char *what, char *buf, size_t len)
{
	const char *req = strstr(what, "; required");
	size_t n = req ? (size_t)(req - what) : strlen(what);

	snprintf(buf, len, "%.*s%s", (int)n, what,
	    req ? req + strlen("; required") : "");
}

static int
option_help(FILE *f, const struct ropt *o)
{
	const struct sdesc_field *fd;
	struct sdesc d;
	char meta[512], what[1024];
	int rc;

	if ((rc = sdesc_load(o->type, &d)) != 0)
		return rc;
	if ((fd = sdesc_find(&d, o->field)) == NULL) {
		sdesc_free(&d);
		return IRO_EPROTO;
	}
	sdesc_metavar(fd, meta, sizeof meta);
	allowed(fd->what, what, sizeof what);
	fprintf(f, "  --%s %s%s\n", o->name, meta,
	    o->flags & REQ ? "  (required)" : "");
	if (fd->help[0] != '\0')
		fprintf(f, "      %s\n", fd->help);
	fprintf(f, "      %s %s: %s%s\n", o->type, o->field, what,
	    o->flags & ROPT_TODAY ? "; default today" :
	    o->flags & ROPT_FIRST ? "; default the first of these" : "");
	sdesc_free(&d);
	return 0;
}

int
ropt_help(FILE *f, const struct ropt_cmd *t)
{
	char usage[2048];
	size_t i;
	int rc = 0;

	ropt_usage(t, usage, sizeof usage);
	fprintf(f, "usage: %s\n\n%s", usage, t->text);
	if (t->nopts > 0)
		fputs("\noptions:\n", f);
	for (i = 0; i < t->nopts && rc == 0; i++)
		rc = option_help(f, &t->opts[i]);
	return rc;
}

int
ropt_parse(struct cli *c, const char *cmd, int argc, char **argv,
    struct ropt_args *a)
{
	const struct ropt_cmd *t = ropt_find(cmd);
	size_t i;
	int rc;

	memset(a, 0, sizeof *a);
	if (t == NULL || t->nopts > ROPT_MAX || t->npos > ROPT_POS_MAX) {
		cli_error(c, "%s: no option table", cmd);
		return CLI_EINTERNAL;
	}
	a->t = t;
	for (i = 0; i < t->nopts; i++) {
		a->o[i].name = t->opts[i].name;
		a->o[i].takes_value = 1;
	}
	rc = args_parse(c, cmd, argc, argv, a->o, t->nopts, a->pos, t->npos,
	    t->npos, &a->npos);
	if (rc != CLI_OK)
		return rc;
	for (i = 0; i < t->nopts; i++) {
		char meta[512];

		if (!(t->opts[i].flags & REQ) || a->o[i].seen)
			continue;
		metavar(&t->opts[i], meta, sizeof meta);
		cli_error(c, "%s: --%s %s is required", cmd, t->opts[i].name,
		    meta);
		return CLI_EUSAGE;
	}
	return CLI_OK;
}

const char *
ropt_value(const struct ropt_args *a, const char *name)
{
	return args_value(a->o, a->t ? a->t->nopts : 0, name);
}

int
ropt_fields(const struct ropt_args *a, const char *type,
    struct iro_field_text *f, size_t max, size_t *n)
{
	unsigned next;
	size_t i;

	/* Options in the order they were typed: order runs 1, 2, ... */
	for (next = 1; next <= a->t->nopts; next++) {
		for (i = 0; i < a->t->nopts; i++) {
			const struct ropt *o = &a->t->opts[i];

			if (!a->o[i].seen || a->o[i].seen != (int)next ||
			    (o->flags & ROPT_SELF) || strcmp(o->type, type) != 0)
				continue;
			if (*n >= max)
				return IRO_ETOOBIG;
			f[(*n)++] = (struct iro_field_text){ o->field,
			    a->o[i].value };
		}
	}
	return 0;
}
