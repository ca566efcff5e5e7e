/*
 * cmd.c - the table of commands and `iro help`.
 */
#include "cmd.h"

#include <string.h>

#include "args.h"
#include "help.h"

static int cmd_help(struct cli *c, int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	int batch_ok;
};

static const struct command commands[] = {
	{ "enrol", cmd_enrol, 0 },
	{ "sync", cmd_sync, 1 },
	{ "status", cmd_status, 1 },
	{ "children", cmd_children, 1 },
	{ "visit", cmd_visit, 1 },
	{ "visits", cmd_visits, 1 },
	{ "note", cmd_note, 1 },
	{ "notes", cmd_notes, 1 },
	{ "show", cmd_show, 1 },
	{ "set", cmd_set, 1 },
	{ "unset", cmd_unset, 1 },
	{ "delete", cmd_delete, 1 },
	{ "conflicts", cmd_conflicts, 1 },
	{ "resolve", cmd_resolve, 1 },
	{ "batch", cmd_batch, 0 },
	{ "help", cmd_help, 1 },
};

static int
cmd_help(struct cli *c, int argc, char **argv)
{
	char topic[64];
	int n;

	if (argc > 2) {
		cli_error(c, "help: too many words (usage: iro help [COMMAND])");
		return CLI_EUSAGE;
	}
	if (argc == 2)
		n = snprintf(topic, sizeof topic, "%s %s", argv[0], argv[1]);
	else
		n = snprintf(topic, sizeof topic, "%s", argc ? argv[0] : "");
	if (n < 0 || (size_t)n >= sizeof topic || help_show(stdout, topic)) {
		cli_error(c, "help: no command '%s' (see iro help)", topic);
		return CLI_EUSAGE;
	}
	return fflush(stdout) == 0 ? CLI_OK : cli_out_error(c);
}

int
cmd_run(struct cli *c, int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc < 1) {
		cli_error(c, "no command given (see iro help)");
		return CLI_EUSAGE;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)
		return cmd_help(c, 0, NULL);
	for (i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(commands[i].name, argv[0]) != 0)
			continue;
		if (c->in_batch && !commands[i].batch_ok) {
			cli_error(c, "'%s' cannot run inside batch", argv[0]);
			return CLI_EUSAGE;
		}
		rc = commands[i].fn(c, argc - 1, argv + 1);
		if (fflush(stdout) != 0 && rc == CLI_OK)
			rc = cli_out_error(c);
		return rc;
	}
	cli_error(c, "unknown command '%s' (see iro help)", argv[0]);
	return CLI_EUSAGE;
}
