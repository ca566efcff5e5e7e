/*
 * args.h - option parsing for one `iro` command.
 *
 * Options are long only: `--name VALUE`, `--name=VALUE` or a flag
 * `--name`.  `--` ends the options.  `--help` anywhere shows the
 * command's help; `--home DIR` is accepted by every command (outside
 * batch) as the global option.
 */
#ifndef ARGS_H
#define ARGS_H

#include <stddef.h>

#include "cli.h"

struct args_opt {
	const char *name;        /* without the leading dashes */
	int takes_value;
	const char *value;       /* set by args_parse; borrowed from argv */
	int seen;                /* 0 if not given, else its place among the
	                            options given: 1 for the first, 2 ... */
};

/* What args_parse returns besides an exit code. */
#define ARGS_HELP (-1)           /* help was printed: stop, exit 0 */

/*
 * args_parse - parse argv[0..argc) of command `cmd` (its name as the
 * user typed it, e.g. "visit add").  Options fill opts[]; the remaining
 * words go to pos[] (room for maxpos).  Returns CLI_OK, ARGS_HELP, or
 * CLI_EUSAGE after printing what is wrong (unknown or repeated option,
 * missing value, too few or too many arguments).
 */
int args_parse(struct cli *c, const char *cmd, int argc, char **argv,
    struct args_opt *opts, size_t nopts, char **pos, size_t minpos,
    size_t maxpos, size_t *npos);

/* args_flag - whether the option `name` was given (its place, 1...). */
int args_flag(const struct args_opt *opts, size_t nopts, const char *name);

/* args_value - the value of option `name`, or NULL if not given. */
const char *args_value(const struct args_opt *opts, size_t nopts,
    const char *name);

#endif
