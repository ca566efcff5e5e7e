/*
 * main.c - the `iro` command: global options, then one command.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"

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
	while (i < argc && strncmp(argv[i], "--home", 6) == 0) {
		if (argv[i][6] == '=') {
			c.home_opt = argv[i] + 7;
			i++;
		} else if (argv[i][6] == '\0' && i + 1 < argc) {
			c.home_opt = argv[i + 1];
			i += 2;
		} else {
			cli_error(&c, "--home needs a directory");
			return CLI_EUSAGE;
		}
	}
	if (i >= argc) {
		cli_error(&c, "no command given (see iro help)");
		return CLI_EUSAGE;
	}
	rc = cmd_run(&c, argc - i, argv + i);
	cli_free(&c);
	return rc;
}
