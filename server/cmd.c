/*
 * cmd.c - what the iro-server commands share: messages, exit codes,
 * option parsing and opening the store.
 */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iro_error.h"
#include "ledger.h"

void
cmd_complain(const char *fmt, ...)
{
	va_list ap;

	fputs(CMD_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cmd_exit_for(int rc)
{
	switch (rc) {
	case IRO_EINVAL:
	case IRO_EEXIST:
	case IRO_ENOTFOUND:
	case IRO_ETOOBIG:
	case IRO_EVERSION:
		return CMD_EXIT_USAGE;
	default:
		return CMD_EXIT_INTERNAL;
	}
}

uint64_t
cmd_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The option argv word names ("--name" or "--name=VALUE"), or NULL. */
static const struct cmd_opt *
find_opt(const struct cmd_opt *opts, const char *word, size_t len)
{
	const struct cmd_opt *o;

	for (o = opts; o->name != NULL; o++)
		if (strlen(o->name) == len && strncmp(o->name, word, len) == 0)
			return o;
	return NULL;
}

int
cmd_parse_args(int argc, char **argv, const struct cmd_opt *opts,
    size_t maxpos, struct cmd_args *a)
{
	const struct cmd_opt *o;
	const char *eq;
	size_t len;
	int i;

	memset(a, 0, sizeof(*a));
	if (maxpos > CMD_MAX_POS)
		maxpos = CMD_MAX_POS;
	for (i = 0; i < argc; i++) {
		/* "--" alone is a word like any other, not an option. */
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (a->npos == maxpos) {
				cmd_complain("unexpected argument '%s'", argv[i]);
				return CMD_EXIT_USAGE;
			}
			a->pos[a->npos++] = argv[i];
			continue;
		}
		eq = strchr(argv[i], '=');
		len = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if ((o = find_opt(opts, argv[i], len)) == NULL) {
			cmd_complain("unknown option '%.*s'", (int)len, argv[i]);
			return CMD_EXIT_USAGE;
		}
		if (o->value == NULL) {
			if (eq != NULL) {
				cmd_complain("option '%s' takes no value",
				    o->name);
				return CMD_EXIT_USAGE;
			}
			*o->flag = true;
		} else if (eq != NULL) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			cmd_complain("option '%s' needs a value", o->name);
			return CMD_EXIT_USAGE;
		}
	}
	return 0;
}

int
cmd_need(const char *value, const char *what)
{
	if (value != NULL && *value != '\0')
		return 0;
	cmd_complain("missing %s", what);
	return CMD_EXIT_USAGE;
}

int
cmd_open_store(const char *dir, struct store **st)
{
	char err[512];
	int rc;

	*st = NULL;
	if (crypto_init() != 0) {
		cmd_complain("cannot start the crypto library");
		return CMD_EXIT_INTERNAL;
	}
	rc = store_open(dir, st, err, sizeof(err));
	if (rc == IRO_ENOTFOUND) {
		cmd_complain("%s: run '" CMD_PROG " init --data %s' first", err,
		    dir);
		return CMD_EXIT_USAGE;
	}
	if (rc != 0) {
		cmd_complain("%s", err);
		return cmd_exit_for(rc);
	}
	/* A store from before scopes learns its records' scopes once,
	 * before anything reads or serves them. */
	if ((rc = ledger_rescope(*st)) != 0) {
		cmd_complain("cannot work out which child each record is "
		    "about: %s", store_errmsg(*st));
		store_close(*st);
		*st = NULL;
		return cmd_exit_for(rc);
	}
	return 0;
}

int
cmd_print_json(int rc, char *s)
{
	if (rc != 0) {
		free(s);
		cmd_complain("cannot make JSON: %s", iro_strerror(rc));
		return CMD_EXIT_INTERNAL;
	}
	puts(s);
	free(s);
	return 0;
}
