/*
 * help.h - the words of `iro help` and `iro COMMAND --help`.
 */
#ifndef HELP_H
#define HELP_H

#include <stdio.h>

/*
 * help_show - print the help of `cmd` ("visit add", "sync", ...) to f, or
 * the overview when cmd is NULL or empty.  Returns 0, or IRO_ENOTFOUND
 * (printing nothing) for an unknown command.
 */
int help_show(FILE *f, const char *cmd);

/* help_usage - the one-line usage of `cmd`; a static string, never NULL. */
const char *help_usage(const char *cmd);

#endif
