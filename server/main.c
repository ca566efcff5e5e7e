/*
 * main.c - the iro-server command: picks the command from the first
 * words and runs it (the commands are in cmd_*.c).
 *
 * Exit codes: 0 ok, 1 internal error (database, memory), 2 usage or
 * invalid input (the message names the problem).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const char usage_text[] =
	"usage: " CMD_PROG " COMMAND [OPTIONS]\n"
	"\n"
	"  init --data DIR [--council CODE]     create the server's data\n"
	"  user add --data DIR --username NAME --role iro|manager|admin\n"
	"           [--team TEAM] [--display-name TEXT]\n"
	"                                       add an account (password on"
	" stdin)\n"
	"  user list --data DIR [--json]        list the accounts\n"
	"  user disable --data DIR USERNAME     refuse the account and all"
	" its devices\n"
	"  user enable --data DIR USERNAME      accept the account again\n"
	"  user password --data DIR USERNAME    set a new password (on"
	" stdin)\n"
	"  device list --data DIR [--json]      list the enrolled devices\n"
	"  device revoke --data DIR DEVICE      refuse a device from now on\n"
	"  import --data DIR FILE.csv           import children"
	" (child_id,given_name,\n"
	"                                       family_name,dob,iro)\n"
	"  import-903 --data DIR --header FILE --episodes FILE\n"
	"           [--reviews FILE] --allocations FILE\n"
	"                                       import an SSDA903 extract"
	" (CSV tables)\n"
	"  allocate --data DIR --child CHILD --iro USERNAME [--reason TEXT]\n"
	"                                       allocate a child to an IRO"
	" (id or child_id)\n"
	"  export reviews|visits|decisions --data DIR --from DATE --to DATE\n"
	"           [--out FILE]               write CSV (the SSDA903 Reviews"
	" table, ...)\n"
	"  holidays import --data DIR FILE      add GOV.UK bank-holidays.json"
	" days\n"
	"  holidays add --data DIR DATE [--title TEXT]\n"
	"                                       make DATE a holiday\n"
	"  holidays cancel --data DIR DATE      make a bank holiday a working"
	" day\n"
	"  holidays list --data DIR [--from DATE] [--to DATE] [--json]\n"
	"                                       list shipped and server"
	" holidays\n"
	"  config set --data DIR NAME VALUE     set a council setting\n"
	"  config get --data DIR NAME           print a setting\n"
	"  config list --data DIR [--json]      list the settings\n"
	"  serve --data DIR --listen HOST:PORT [--tls-cert FILE --tls-key FILE]\n"
	"                                       serve the sync protocol (https"
	" with a certificate)\n"
	"  show --data DIR ID [--json]          show a record (id or"
	" child_id)\n"
	"  records --data DIR [--type TYPE] [--json]\n"
	"                                       list the records\n"
	"  stats --data DIR [--json]            count changes, records,"
	" users\n"
	"  audit --data DIR [--child ID] [--user NAME] [--since DATE]"
	" [--json]\n"
	"                                       who has seen or changed what\n";

struct command {
	const char *name;
	const char *sub;                /* NULL: none */
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "init", NULL, cmd_init },
	{ "user", "add", cmd_user_add },
	{ "user", "list", cmd_user_list },
	{ "user", "disable", cmd_user_disable },
	{ "user", "enable", cmd_user_enable },
	{ "user", "password", cmd_user_password },
	{ "device", "list", cmd_device_list },
	{ "device", "revoke", cmd_device_revoke },
	{ "import", NULL, cmd_import },
	{ "import-903", NULL, cmd_import903 },
	{ "allocate", NULL, cmd_allocate },
	{ "export", NULL, cmd_export },
	{ "holidays", "import", cmd_holidays_import },
	{ "holidays", "add", cmd_holidays_add },
	{ "holidays", "cancel", cmd_holidays_cancel },
	{ "holidays", "list", cmd_holidays_list },
	{ "config", "set", cmd_config_set },
	{ "config", "get", cmd_config_get },
	{ "config", "list", cmd_config_list },
	{ "serve", NULL, cmd_serve },
	{ "show", NULL, cmd_record_show },
	{ "records", NULL, cmd_record_list },
	{ "stats", NULL, cmd_stats },
	{ "audit", NULL, cmd_audit },
};

/* The command argv[1] (and argv[2] for one with a subcommand) names, or
 * NULL; *nwords is how many words named it. */
static const struct command *
find_command(int argc, char **argv, int *nwords)
{
	size_t i;

	*nwords = 0;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (commands[i].sub == NULL) {
			*nwords = 1;
			return &commands[i];
		}
		if (argc > 2 && strcmp(argv[2], commands[i].sub) == 0) {
			*nwords = 2;
			return &commands[i];
		}
	}
	return NULL;
}

/* Whether argv[1] is a word that only starts a command. */
static bool
has_subcommands(const char *word)
{
	return strcmp(word, "user") == 0 || strcmp(word, "device") == 0 ||
	    strcmp(word, "holidays") == 0 || strcmp(word, "config") == 0;
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	bool two;
	int nwords;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return CMD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return CMD_EXIT_OK;
	}
	if ((cmd = find_command(argc, argv, &nwords)) != NULL)
		return cmd->fn(argc - 1 - nwords, argv + 1 + nwords);
	two = argc > 2 && has_subcommands(argv[1]);
	cmd_complain("unknown command '%s%s%s' (try '" CMD_PROG " --help')",
	    argv[1], two ? " " : "", two ? argv[2] : "");
	return CMD_EXIT_USAGE;
}
