/*
 * ropt.h - the options of the commands that write casework records
 * (`iro review add`, `iro dispute escalate`, ...), one table for parsing,
 * usage lines and help.  Most options set one schema field; their value
 * lists and help come from iro_schema_describe(), so `--help` shows what
 * the schema allows and cannot drift from it.
 */
#ifndef ROPT_H
#define ROPT_H

#include <stddef.h>
#include <stdio.h>

#include "args.h"
#include "cli.h"

#define ROPT_MAX 16              /* options of one command */
#define ROPT_POS_MAX 2           /* words after the command */

#define ROPT_REQUIRED 1u         /* must be given */
#define ROPT_SELF 2u             /* the command applies it itself, not
                                    ropt_fields() */
#define ROPT_TODAY 4u            /* a date that defaults to today */
#define ROPT_FIRST 8u            /* defaults to the first allowed value */

struct ropt {
	const char *name;        /* the option, without "--" */
	const char *type;        /* record type of the field it sets */
	const char *field;       /* that field */
	unsigned flags;
};

struct ropt_cmd {
	const char *cmd;         /* "review update" */
	const char *args;        /* the words after it: "REVIEW" */
	size_t npos;             /* how many words */
	const char *text;        /* what it does, for help */
	const struct ropt *opts;
	size_t nopts;
};

/* ropt_find - the table of `cmd`, or NULL if it has none. */
const struct ropt_cmd *ropt_find(const char *cmd);

/* ropt_at - the i-th command's table, NULL past the end. */
const struct ropt_cmd *ropt_at(size_t i);

/*
 * ropt_usage - the usage line, e.g. "iro review adjourn REVIEW --to
 * YYYY-MM-DD", built from the table and the schema, into buf (cut to
 * len).
 */
void ropt_usage(const struct ropt_cmd *t, char *buf, size_t len);

/*
 * ropt_usage_short - the usage line with the optional options folded
 * into "[OPTIONS]", for the overview.
 */
void ropt_usage_short(const struct ropt_cmd *t, char *buf, size_t len);

/*
 * ropt_help - usage, the text and every option with what the schema
 * allows and its help.  Returns 0 or IRO_ENOMEM / the schema's error
 * (IRO_EPROTO when a table names a field the schema lacks).
 */
int ropt_help(FILE *f, const struct ropt_cmd *t);

/* The parsed words of one command. */
struct ropt_args {
	const struct ropt_cmd *t;
	struct args_opt o[ROPT_MAX];
	char *pos[ROPT_POS_MAX];
	size_t npos;
};

/*
 * ropt_parse - parse the words after `cmd` into *a.  Returns CLI_OK,
 * ARGS_HELP (help printed) or CLI_EUSAGE after printing what is wrong
 * (as args_parse, and a missing required option).
 */
int ropt_parse(struct cli *c, const char *cmd, int argc, char **argv,
    struct ropt_args *a);

/* ropt_value - the value given for option `name`, or NULL. */
const char *ropt_value(const struct ropt_args *a, const char *name);

/*
 * ropt_fields - the options given that set fields of `type` (but not
 * ROPT_SELF ones), as field texts in command-line order, appended to
 * f[*n..max).  Returns 0 or IRO_ETOOBIG.
 */
int ropt_fields(const struct ropt_args *a, const char *type,
    struct iro_field_text *f, size_t max, size_t *n);

#endif
