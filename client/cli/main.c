/*
 * main.c - the `iro` command: global options, then one command.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"

/* Whether word is the global option name, alone or as name=VALUE. */
static int
global(const char *word, const char *name)
{
	size_t len = strlen(name);

	return strncmp(word, name, len) == 0 &&
	    (word[len] == '\0' || word[len] == '=');
}

int
main(int argc, char **argv)
{
	struct cli c;
	int i = 1, rc;

	/* A closed pipe should end the output, not the process mid-write of
	 * the replica; writes then fail and are reported. */
	(void)signal(SIGPIPE, SIG_IGN);
	if ((rc = cli_init(&c)) != CLI_OK)
		return rc;
	while (i < argc && (global(argv[i], "--home") ||
	    global(argv[i], "--today"))) {
		const char *name = global(argv[i], "--home") ? "--home" :
		    "--today", *value;
		size_t len = strlen(name);

		if (argv[i][len] == '=') {
			value = argv[i] + len + 1;
			i++;
		} else if (argv[i][len] == '\0' && i + 1 < argc) {
			value = argv[i + 1];
			i += 2;
		} else {
			cli_error(&c, "%s needs a %s", name, name[2] == 'h' ?
			    "directory" : "date YYYY-MM-DD");
			return CLI_EUSAGE;
		}
		if (name[2] == 'h')
			c.home_opt = value;
		else if ((rc = cli_set_today(&c, value)) != CLI_OK)
			return rc;
	}
	if (i >= argc) {
		cli_error(&c, "no command given (see iro help)");
		return CLI_EUSAGE;
	}
	rc = cmd_run(&c, argc - i, argv + i);
	cli_free(&c);
	return rc;
}
