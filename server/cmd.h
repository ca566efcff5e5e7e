/*
 * cmd.h - the iro-server commands and what they share: messages, exit
 * codes, option parsing and opening the store.
 *
 * Each command takes the words after its name, prints its output on
 * stdout and any complaint on stderr ("iro-server: MESSAGE"), and returns
 * an exit code (enum cmd_exit).  main.c owns the table that maps command
 * words to these functions.  Not thread-safe (they print and read stdin).
 */
#ifndef SERVER_CMD_H
#define SERVER_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings.h"
#include "store.h"

#define CMD_PROG "iro-server"

/* The exit codes (a contract: scripts depend on them). */
enum cmd_exit {
	CMD_EXIT_OK = 0,
	CMD_EXIT_INTERNAL = 1,          /* database, memory */
	CMD_EXIT_USAGE = 2              /* usage or invalid input */
};

/* One accepted option: "--name VALUE", "--name=VALUE" or a flag. */
struct cmd_opt {
	const char *name;               /* "--data"; NULL ends the list */
	const char **value;             /* set to a borrowed argv word; NULL
	                                 * for a flag */
	bool *flag;                     /* set true by a flag */
};

#define CMD_MAX_POS 2

/* The positional words, borrowed from argv. */
struct cmd_args {
	const char *pos[CMD_MAX_POS];
	size_t npos;
};

/* cmd_complain - print "iro-server: MESSAGE" and a newline on stderr. */
void cmd_complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cmd_exit_for - the exit code for an IRO_E* code: CMD_EXIT_USAGE for
 * errors in what the user gave, else CMD_EXIT_INTERNAL. */
int cmd_exit_for(int rc);

/* cmd_wall_ms - the system time in ms since the epoch. */
uint64_t cmd_wall_ms(void);

/*
 * cmd_parse_args - parse argv[0..argc) against opts (ended by a NULL
 * name); at most maxpos (<= CMD_MAX_POS) words that do not start with
 * "--" go to a->pos.  Values are borrowed from argv.  Returns 0, or
 * CMD_EXIT_USAGE after complaining (unknown option, missing value, a
 * value given to a flag, one positional word too many).
 */
int cmd_parse_args(int argc, char **argv, const struct cmd_opt *opts,
    size_t maxpos, struct cmd_args *a);

/* cmd_need - 0 if value is given and not empty; else complain
 * "missing WHAT" and return CMD_EXIT_USAGE. */
int cmd_need(const char *value, const char *what);

/*
 * cmd_open_store - open the store in dir into *st (caller closes with
 * store_close).  Returns 0, or an exit code after complaining; for a
 * directory never initialised the complaint says to run init.
 */
int cmd_open_store(const char *dir, struct store **st);

/*
 * cmd_print_json - if rc is 0, print s and a newline on stdout; else
 * complain that the JSON could not be made.  Takes ownership of s (which
 * may be NULL when rc is not 0).  Returns an exit code.
 */
int cmd_print_json(int rc, char *s);

/* cmd_data.c */
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* cmd_casework.c */
int cmd_import903(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* cmd_config.c */
int cmd_holidays_import(int argc, char **argv);
int cmd_holidays_add(int argc, char **argv);
int cmd_holidays_cancel(int argc, char **argv);
int cmd_holidays_list(int argc, char **argv);
int cmd_config_set(int argc, char **argv);
int cmd_config_get(int argc, char **argv);
int cmd_config_list(int argc, char **argv);
/*
 * cmd_config_write - set setting name to value (settings_set) with its
 * audit entry, in one transaction; a value the setting has already
 * writes nothing.  *res says what changed.  Returns 0 or an IRO_E* code
 * with a reason in why (nothing written).
 */
int cmd_config_write(struct store *st, const char *name, const char *value,
    struct settings_result *res, char *why, size_t whylen);

/* cmd_records.c */
int cmd_record_show(int argc, char **argv);
int cmd_record_list(int argc, char **argv);

/* cmd_users.c */
int cmd_user_add(int argc, char **argv);
int cmd_user_list(int argc, char **argv);
/* user disable|enable --data DIR USERNAME; user password --data DIR
 * USERNAME (the new password on stdin) */
int cmd_user_disable(int argc, char **argv);
int cmd_user_enable(int argc, char **argv);
int cmd_user_password(int argc, char **argv);

/* cmd_devices.c */
int cmd_device_list(int argc, char **argv);
int cmd_device_revoke(int argc, char **argv);

/* cmd_serve.c */
int cmd_serve(int argc, char **argv);

/* cmd_allocate.c: allocate --data DIR --child CHILD --iro USERNAME
 * [--reason TEXT] */
int cmd_allocate(int argc, char **argv);

/* cmd_audit.c: audit --data DIR [--child ID] [--user NAME]
 * [--since YYYY-MM-DD] [--json] */
int cmd_audit(int argc, char **argv);

#endif
