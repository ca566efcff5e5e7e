/*
 * cmd_passphrase.c - `iro passphrase change`: wrap the replica's key
 * under a new passphrase.
 */
#include "cmd.h"

#include <stdio.h>

#include "args.h"
#include "secret.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
passphrase_change(struct cli *c, int argc, char **argv)
{
	struct secret pass = { NULL, 0 };
	char why[256];
	struct iro *h;
	size_t npos;
	int rc;

	rc = args_parse(c, "passphrase change", argc, argv, NULL, 0, NULL, 0,
	    0, &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	/* The current passphrase first: a wrong one is refused before the
	 * user is asked to type a new one twice. */
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	if ((rc = secret_new_passphrase(&pass, why, sizeof why)) != 0) {
		cli_error(c, "passphrase change: %s", why);
		return cli_exit_code(rc);
	}
	rc = iro_passphrase_change(h, pass.s, pass.len);
	secret_free(&pass);
	if (rc != 0) {
		cli_error(c, "passphrase change: %s", iro_errmsg(h)[0] ?
		    iro_errmsg(h) : iro_strerror(rc));
		return cli_exit_code(rc);
	}
	printf("passphrase changed\n");
	return CLI_OK;
}

int
cmd_passphrase(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = { "change" };
	static const cmd_fn fns[] = { passphrase_change };

	return cmd_subcommand(c, "passphrase", argc, argv, names, fns,
	    N(names));
}
