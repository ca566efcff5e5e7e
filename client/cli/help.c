/*
 * help.c - usage lines and help texts, kept in one table so that the
 * overview, `iro help CMD` and usage errors agree.
 */
#include "help.h"

#include <stdlib.h>
#include <string.h>

#include "irosync.h"

struct topic {
	const char *cmd;
	const char *usage;
	const char *text;
	const char *schema;      /* record type whose fields to list, or NULL */
};

static const struct topic topics[] = {
	{ "enrol", "iro enrol --server URL --username NAME "
	    "[--device-name LABEL]",
	    "Create the encrypted replica in the home directory, register this\n"
	    "device with the server and do a first sync.  The account password\n"
	    "is the first line of stdin (or a prompt on a terminal); the new\n"
	    "passphrase comes from IRO_PASSPHRASE, IRO_PASSPHRASE_FILE or a\n"
	    "prompt.  The device label defaults to IRO_DEVICE_NAME.\n", NULL },
	{ "sync", "iro sync [--json]",
	    "Push every pending change, then pull until up to date.  Prints\n"
	    "\"sent N, received M, conflicts K\".  If the server cannot be\n"
	    "reached, exits 4 and says how many changes stay pending.\n", NULL },
	{ "status", "iro status [--json]",
	    "Show the user, server, device, pending and refused changes, open\n"
	    "conflicts and the time of the last sync.\n", NULL },
	{ "children", "iro children [--json]",
	    "List the children in this replica, by family name.\n", NULL },
	{ "visit add", "iro visit add CHILD --date YYYY-MM-DD "
	    "[--seen-alone yes|no] [--note TEXT]",
	    "Record a visit to CHILD (a record id or a council child id).\n"
	    "Prints only the new visit's id.\n", "visit" },
	{ "visits", "iro visits [CHILD] [--json]",
	    "List visits, of one child if given, by date.\n", "visit" },
	{ "note add", "iro note add CHILD --text TEXT",
	    "Write a draft note about CHILD.  Prints only the new note's id.\n",
	    "note" },
	{ "note finalise", "iro note finalise ID",
	    "Make a note final: its text can no longer change.  A later edit is\n"
	    "kept and shown as a conflict, never applied.\n", "note" },
	{ "notes", "iro notes [CHILD] [--json]",
	    "List notes, of one child if given.\n", "note" },
	{ "show", "iro show ID [--json]",
	    "Show one record's fields; fields in conflict are marked.\n", NULL },
	{ "set", "iro set ID FIELD VALUE",
	    "Change one field, checked against the schema (see iro help visit\n"
	    "add, iro help note add).\n", NULL },
	{ "unset", "iro unset ID FIELD", "Clear one field.\n", NULL },
	{ "delete", "iro delete ID --reason TEXT",
	    "Mark a record deleted.  Nothing is removed: the deletion is a\n"
	    "change with its reason, and the record's history is kept.\n",
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

static const char overview[] =
    "IRO Sync: record visits and notes offline, sync when you can.\n"
    "\n"
    "usage: iro [--home DIR] COMMAND [ARGS]\n"
    "\n"
    "commands:\n";

static const char trailer[] =
    "\n"
    "The replica lives in --home DIR, else $IRO_HOME, else\n"
    "$XDG_DATA_HOME/iro, else ~/.local/share/iro.  The passphrase comes from\n"
    "$IRO_PASSPHRASE, else the first line of the file $IRO_PASSPHRASE_FILE,\n"
    "else a prompt on the terminal.  IRO_CLOCK_SKEW_MS (signed ms) shifts\n"
    "this device's clock, for testing clock-skew handling.\n"
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

/* "visit" and "note" alone show both of their subcommands. */
static int
show_group(FILE *f, const char *cmd)
{
	size_t i, len = strlen(cmd);
	const char *schema = NULL;
	char *desc = NULL;
	int found = 0;

	for (i = 0; i < NTOPICS; i++) {
		if (strncmp(topics[i].cmd, cmd, len) != 0 ||
		    topics[i].cmd[len] != ' ')
			continue;
		fprintf(f, "%susage: %s\n\n%s", found ? "\n" : "",
		    topics[i].usage, topics[i].text);
		schema = topics[i].schema;
		found = 1;
	}
	if (!found)
		return IRO_ENOTFOUND;
	if (schema != NULL && iro_schema_describe(schema, &desc) == 0) {
		fprintf(f, "\n%s", desc);
		free(desc);
	}
	return 0;
}

int
help_show(FILE *f, const char *cmd)
{
	const struct topic *t;
	char *desc = NULL;
	size_t i;

	if (cmd == NULL || cmd[0] == '\0') {
		fputs(overview, f);
		for (i = 0; i < NTOPICS; i++)
			fprintf(f, "  %s\n", topics[i].usage);
		fputs(trailer, f);
		return 0;
	}
	t = topic_find(cmd);
	if (t == NULL)
		return show_group(f, cmd);
	fprintf(f, "usage: %s\n\n%s", t->usage, t->text);
	if (t->schema != NULL && iro_schema_describe(t->schema, &desc) == 0) {
		fprintf(f, "\n%s", desc);
		free(desc);
	}
	return 0;
}

const char *
help_usage(const char *cmd)
{
	const struct topic *t = cmd ? topic_find(cmd) : NULL;

	return t ? t->usage : "iro help";
}
