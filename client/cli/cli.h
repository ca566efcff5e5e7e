/*
 * cli.h - what every `iro` command shares: where the replica lives, the
 * one open handle, error reporting and the mapping from library errors to
 * exit codes.
 *
 * Exit codes (the CLI contract; scripts depend on them):
 *   0 ok, 1 internal error, 2 usage or invalid input,
 *   3 authentication (passphrase, password, device refused),
 *   4 server unreachable.
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>
#include <stdio.h>

#include "irosync.h"

enum cli_exit {
	CLI_OK = 0,
	CLI_EINTERNAL = 1,
	CLI_EUSAGE = 2,
	CLI_EAUTH = 3,
	CLI_EUNREACHABLE = 4
};

/*
 * The state of one `iro` process.  Zero-initialise with cli_init(); free
 * with cli_free().  In batch mode `line` is the number of the input line
 * being run, so that messages can name it.
 */
struct cli {
	const char *home_opt;    /* --home, borrowed from argv; NULL if none */
	char *home;              /* resolved directory; owned */
	struct iro *h;           /* opened on first use, then reused */
	int64_t skew_ms;         /* IRO_CLOCK_SKEW_MS */
	int in_batch;
	unsigned long line;
	char today[11];          /* --today YYYY-MM-DD; "" if not given */
};

#define CLI_DATE_LEN 11          /* "YYYY-MM-DD" and a NUL */

/*
 * cli_init - read the environment that shapes every command
 * (IRO_CLOCK_SKEW_MS).  Returns CLI_OK or CLI_EUSAGE after printing why.
 */
int cli_init(struct cli *c);

/* cli_free - close the handle and free what c owns.  NULL is a no-op. */
void cli_free(struct cli *c);

/*
 * cli_home - the replica directory: --home, else $IRO_HOME, else
 * $XDG_DATA_HOME/iro, else $HOME/.local/share/iro.  *out is borrowed
 * from c.  Returns CLI_OK or CLI_EUSAGE after printing why.
 */
int cli_home(struct cli *c, const char **out);

/*
 * cli_open - the open handle, unlocking the replica on first use (which
 * asks for the passphrase).  *out is borrowed from c.  Returns CLI_OK or
 * an exit code after printing why.
 */
int cli_open(struct cli *c, struct iro **out);

/*
 * cli_open_opts - fill the options every open or enrol shares: the home,
 * and the clock (system time plus IRO_CLOCK_SKEW_MS).  The passphrase is
 * left for the caller.  Returns CLI_OK or an exit code after printing.
 */
int cli_open_opts(struct cli *c, struct iro_open_opts *o);

/*
 * cli_set_today - pin "today" (--today): checks that s is a real date
 * YYYY-MM-DD.  Returns CLI_OK or CLI_EUSAGE after printing why.
 */
int cli_set_today(struct cli *c, const char *s);

/*
 * cli_today - the date the casework commands take as today: --today,
 * else $IRO_TODAY, else the local date.  Returns CLI_OK or CLI_EUSAGE
 * after printing why (a malformed $IRO_TODAY).
 */
int cli_today(struct cli *c, char out[CLI_DATE_LEN]);

/*
 * cli_date_ok - whether s is a real calendar date written YYYY-MM-DD.
 */
int cli_date_ok(const char *s);

/* cli_exit_code - the exit code for a library error: the one place that
 * maps IRO_E* to 0..4. */
int cli_exit_code(int err);

/*
 * cli_error - print "iro: [line N: ]MESSAGE" on stderr.  printf-style.
 */
void cli_error(const struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * cli_fail - report a failed library call: "iro: WHAT: REASON", where the
 * reason is the handle's message (or the error's description), and
 * return the matching exit code.
 */
int cli_fail(const struct cli *c, int err, const char *what);

/* cli_out_error - report a failed write to stdout (silently for a closed
 * pipe); returns CLI_EINTERNAL. */
int cli_out_error(const struct cli *c);

#endif
