/*
 * help.h - the words of `iro help` and `iro COMMAND --help`.
 */
#ifndef HELP_H
#define HELP_H

#include <stdio.h>

/*
 * help_show - print the help of `cmd` ("visit add", "sync", ...) to f, or
 * the overview when cmd is NULL or empty; a group ("review") shows each
 * of its commands.  Returns 0, or IRO_ENOTFOUND (printing nothing) for
 * an unknown command, or the schema's error for a record command whose
 * table names a field the schema lacks.
 */
int help_show(FILE *f, const char *cmd);

/* help_usage - the one-line usage of `cmd`, never NULL; static, or for a
 * record command (its optional options folded into "[OPTIONS]") built
 * into a static buffer that the next call reuses. */
const char *help_usage(const char *cmd);

#endif
