/*
 * help.c - usage lines and help texts, kept in one table so that the
 * overview, `iro help CMD` and usage errors agree.
 */
#include "help.h"

#include <stdlib.h>
#include <string.h>

#include "irosync.h"
#include "ropt.h"

struct topic {
	const char *cmd;
	const char *usage;
	const char *text;
	const char *schema;      /* record type whose fields to list, or NULL */
};

static const struct topic topics[] = {
	{ "enrol", "iro enrol --server URL --username NAME "
	    "[--device-name LABEL] [--ca FILE]",
	    "Create the encrypted replica in the home directory, register this\n"
	    "device with the server and do a first sync.  The account password\n"
	    "is the first line of stdin (or a prompt on a terminal); the new\n"
	    "passphrase comes from IRO_PASSPHRASE, IRO_PASSPHRASE_FILE or a\n"
	    "prompt.  The device label defaults to IRO_DEVICE_NAME.\n"
	    "A passphrase must be at least 12 characters, not only digits, with\n"
	    "at least 5 different characters, and not the username; a weaker\n"
	    "one exits 2 before the server is contacted.\n"
	    "--ca FILE names the CA that signed an https server's certificate\n"
	    "when it is not a system CA; it is kept in the replica and trusted\n"
	    "for every later sync.  Plain http:// is refused except to this\n"
	    "machine.\n", NULL },
	{ "sync", "iro sync [--json]",
	    "Push every pending change, then pull until up to date.  Prints\n"
	    "\"sent N, received M, conflicts K\".  If the server cannot be\n"
	    "reached, exits 4 and says how many changes stay pending.\n", NULL },
	{ "status", "iro status [--json]",
	    "Show the user, server, device, pending and refused changes, open\n"
	    "conflicts and the time of the last sync.\n", NULL },
	{ "passphrase change", "iro passphrase change",
	    "Protect the replica with a new passphrase.  The current one comes\n"
	    "as for every command; the new one from IRO_NEW_PASSPHRASE, else\n"
	    "the first line of the file IRO_NEW_PASSPHRASE_FILE, else a prompt\n"
	    "on the terminal, asked twice.  Only the data key is wrapped again;\n"
	    "the records are not rewritten.  No new passphrase exits 3; one that\n"
	    "is too weak (see iro help enrol) exits 2 naming the rule.\n"
	    "After 3 wrong passphrases in a row, the n-th makes the replica\n"
	    "refuse every passphrase for 2^(n-3) seconds (at most 15 minutes).\n",
	    NULL },
	{ "children", "iro children [--json]",
	    "List the caseload by next review due (then by family name): the\n"
	    "due date, working days left or \"overdue N\" (working days), out\n"
	    "of area, last visit, open decisions (with drift: carried forward\n"
	    "more than once) and the stage of an open dispute.  \"-\" means\n"
	    "none or unknown.\n", NULL },
	{ "child", "iro child CHILD [--json]",
	    "Show one child's whole picture from this replica: identity,\n"
	    "placement, legal status, review schedule, reviews, visits, notes,\n"
	    "decisions, disputes with their stages, and flags.\n", "child" },
	{ "agenda", "iro agenda [--days N] [--json]",
	    "What is due in the next N working days (default 20), by date:\n"
	    "reviews, pre-review consultations not yet done, decisions,\n"
	    "dispute responses and review records to complete.  Overdue items\n"
	    "come first.\n", NULL },
	{ "visits", "iro visits [CHILD] [--json]",
	    "List visits, of one child if given, by date.\n", "visit" },
	{ "note finalise", "iro note finalise NOTE",
	    "Make a note final: its text can no longer change.  A later edit is\n"
	    "kept and shown as a conflict, never applied.\n", "note" },
	{ "notes", "iro notes [CHILD] [--json]",
	    "List notes, of one child if given.\n", "note" },
	{ "show", "iro show ID [--json]",
	    "Show one record's fields; fields in conflict are marked.\n", NULL },
	{ "set", "iro set ID FIELD VALUE",
	    "Change one field, checked against the schema (see the record\n"
	    "commands' help, e.g. iro help review update).\n", NULL },
	{ "unset", "iro unset ID FIELD", "Clear one field.\n", NULL },
	{ "delete", "iro delete ID --reason TEXT",
	    "Mark a record deleted.  Nothing is removed: the deletion is a\n"
	    "change with its reason, and the record's history is kept.\n",
	    NULL },
	{ "history", "iro history ID [--field FIELD] [--json]",
	    "Show who changed what in one record, and when, oldest first, from\n"
	    "this replica: one line a change with its time (UTC), field, value,\n"
	    "author and device, marked \"pending\" until the server has it,\n"
	    "\"refused: REASON\" if the server refused it, \"(current)\" for the\n"
	    "value the field shows and \"(superseded)\" for a value a conflict's\n"
	    "resolution set aside.  ID is a record id or a council child id;\n"
	    "--field shows one field only, e.g. a decision's status history.\n",
	    NULL },
	{ "conflicts", "iro conflicts [--json]",
	    "List open conflicts: every competing value with its author,\n"
	    "device and time.\n", NULL },
	{ "resolve", "iro resolve CONFLICT_ID --value VALUE",
	    "Resolve a conflict with VALUE; once synced it is closed on every\n"
	    "device.\n", NULL },
	{ "batch", "iro batch < COMMANDS",
	    "Run one command per line from stdin with a single unlock, printing\n"
	    "each command's output in order.  Words are split like a shell's:\n"
	    "'single quotes' are literal; in \"double quotes\" a backslash escapes\n"
	    "\" and \\, and \\n, \\t are a newline and a tab; outside quotes a\n"
	    "backslash escapes the next character.  A quoted word may span\n"
	    "lines.  Blank lines and lines starting with # are skipped.  Stops\n"
	    "at the first failing command and exits with its code.\n", NULL },
	{ "help", "iro help [COMMAND]", "Show help.\n", NULL },
};
#define NTOPICS (sizeof topics / sizeof topics[0])

/* The overview's order: every topic and every record command. */
static const char *const overview_order[] = {
	"enrol", "sync", "status", "passphrase change", "children", "child",
	"agenda", "visit add", "visit update", "visits",
	"note add", "note finalise", "note correct", "notes",
	"review add", "review update", "review held", "review complete",
	"review adjourn", "review cancel",
	"decision add", "decision done", "decision drop", "decision carry",
	"dispute add", "dispute escalate", "dispute respond",
	"dispute cafcass", "dispute resolve", "dispute withdraw",
	"flag", "show", "set", "unset", "delete", "history", "conflicts",
	"resolve",
	"batch", "help",
};

static const char overview[] =
    "IRO Sync: run an IRO's caseload offline, sync when you can.\n"
    "\n"
    "usage: iro [--home DIR] [--today YYYY-MM-DD] COMMAND [ARGS]\n"
    "\n"
    "commands:\n";

static const char trailer[] =
    "\n"
    "The replica lives in --home DIR, else $IRO_HOME, else\n"
    "$XDG_DATA_HOME/iro, else ~/.local/share/iro.  The passphrase comes from\n"
    "$IRO_PASSPHRASE, else the first line of the file $IRO_PASSPHRASE_FILE,\n"
    "else a prompt on the terminal.  IRO_CLOCK_SKEW_MS (signed ms) shifts\n"
    "this device's clock, for testing clock-skew handling.  --today (any\n"
    "command) or $IRO_TODAY pins the date the casework commands take as\n"
    "today (default: the local date).\n"
    "\n"
    "exit codes: 0 ok, 1 internal error, 2 usage or invalid input,\n"
    "3 authentication (passphrase, password, device refused),\n"
    "4 server unreachable.\n";

static const struct topic *
topic_find(const char *cmd)
{
	size_t i;

	for (i = 0; i < NTOPICS; i++)
		if (strcmp(topics[i].cmd, cmd) == 0)
			return &topics[i];
	return NULL;
}

/* The words of one command, from either table. */
static int
show_one(FILE *f, const char *cmd)
{
	const struct topic *t = topic_find(cmd);
	const struct ropt_cmd *r;
	char *desc = NULL;

	if (t == NULL) {
		if ((r = ropt_find(cmd)) == NULL)
			return IRO_ENOTFOUND;
		return ropt_help(f, r);
	}
	fprintf(f, "usage: %s\n\n%s", t->usage, t->text);
	if (t->schema != NULL && iro_schema_describe(t->schema, &desc) == 0) {
		fprintf(f, "\n%s", desc);
		free(desc);
	}
	return 0;
}

/* "review", "visit", ... alone show every one of their subcommands. */
static int
show_group(FILE *f, const char *cmd)
{
	size_t i, len = strlen(cmd);
	int found = 0, rc = 0;

	for (i = 0; i < sizeof overview_order / sizeof *overview_order &&
	    rc == 0; i++) {
		if (strncmp(overview_order[i], cmd, len) != 0 ||
		    overview_order[i][len] != ' ')
			continue;
		if (found)
			fputc('\n', f);
		rc = show_one(f, overview_order[i]);
		found = 1;
	}
	return found ? rc : IRO_ENOTFOUND;
}

int
help_show(FILE *f, const char *cmd)
{
	size_t i;

	if (cmd == NULL || cmd[0] == '\0') {
		fputs(overview, f);
		for (i = 0; i < sizeof overview_order / sizeof *overview_order;
		    i++)
			fprintf(f, "  %s\n", help_usage(overview_order[i]));
		fputs(trailer, f);
		return 0;
	}
	if (topic_find(cmd) == NULL && ropt_find(cmd) == NULL)
		return show_group(f, cmd);
	return show_one(f, cmd);
}

const char *
help_usage(const char *cmd)
{
	/* Built on demand for the record commands; the CLI is one thread. */
	static char built[512];
	const struct topic *t = cmd ? topic_find(cmd) : NULL;
	const struct ropt_cmd *r;

	if (t != NULL)
		return t->usage;
	if (cmd != NULL && (r = ropt_find(cmd)) != NULL) {
		ropt_usage_short(r, built, sizeof built);
		return built;
	}
	return "iro help";
}
