/*
 * args.c - long-option parsing shared by every command.
 */
#include "args.h"

#include <string.h>

#include "help.h"

static struct args_opt *
find(struct args_opt *opts, size_t nopts, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strlen(opts[i].name) == len &&
		    memcmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

/* The global --home, accepted after the command word as well. */
static int
take_home(struct cli *c, const char *cmd, const char *value)
{
	if (c->in_batch) {
		cli_error(c, "%s: --home cannot change inside batch", cmd);
		return CLI_EUSAGE;
	}
	c->home_opt = value;
	return CLI_OK;
}

/* The global --today, accepted after the command word as well. */
static int
take_today(struct cli *c, const char *cmd, const char *value)
{
	if (!cli_date_ok(value)) {
		cli_error(c, "%s: --today: expected a date YYYY-MM-DD, got '%s'",
		    cmd, value);
		return CLI_EUSAGE;
	}
	return cli_set_today(c, value);
}

static int
is_word(const char *word, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(word, name, len) == 0;
}

/* One option word argv[*i]; may consume the next word as its value. */
static int
option(struct cli *c, const char *cmd, int argc, char **argv, int *i,
    struct args_opt *opts, size_t nopts, unsigned *order)
{
	const char *word = argv[*i] + 2, *eq, *value = NULL;
	struct args_opt *o;
	size_t len;

	eq = strchr(word, '=');
	len = eq ? (size_t)(eq - word) : strlen(word);
	if (eq)
		value = eq + 1;
	if (len == 4 && memcmp(word, "help", 4) == 0 && !eq) {
		help_show(stdout, cmd);
		return ARGS_HELP;
	}
	o = find(opts, nopts, word, len);
	if (o == NULL && !is_word(word, len, "home") &&
	    !is_word(word, len, "today")) {
		cli_error(c, "%s: unknown option '--%.*s' (see iro help %s)",
		    cmd, (int)len, word, cmd);
		return CLI_EUSAGE;
	}
	if ((o == NULL || o->takes_value) && value == NULL) {
		if (*i + 1 >= argc) {
			cli_error(c, "%s: option '--%.*s' needs a value", cmd,
			    (int)len, word);
			return CLI_EUSAGE;
		}
		value = argv[++*i];
	}
	if (o == NULL)
		return is_word(word, len, "home") ? take_home(c, cmd, value) :
		    take_today(c, cmd, value);
	if (!o->takes_value && value != NULL) {
		cli_error(c, "%s: option '--%s' takes no value", cmd, o->name);
		return CLI_EUSAGE;
	}
	if (o->seen) {
		cli_error(c, "%s: option '--%s' given twice", cmd, o->name);
		return CLI_EUSAGE;
	}
	o->seen = (int)++*order;
	o->value = value;
	return CLI_OK;
}

int
args_parse(struct cli *c, const char *cmd, int argc, char **argv,
    struct args_opt *opts, size_t nopts, char **pos, size_t minpos,
    size_t maxpos, size_t *npos)
{
	unsigned order = 0;
	int i, rc, dashdash = 0;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && strncmp(argv[i], "--", 2) == 0) {
			rc = option(c, cmd, argc, argv, &i, opts, nopts,
			    &order);
			if (rc != CLI_OK)
				return rc;
			continue;
		}
		if (*npos == maxpos) {
			cli_error(c, "%s: unexpected argument '%s' (see iro "
			    "help %s)", cmd, argv[i], cmd);
			return CLI_EUSAGE;
		}
		pos[(*npos)++] = argv[i];
	}
	if (*npos < minpos) {
		cli_error(c, "%s: missing argument (usage: %s)", cmd,
		    help_usage(cmd));
		return CLI_EUSAGE;
	}
	return CLI_OK;
}

int
args_flag(const struct args_opt *opts, size_t nopts, const char *name)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return opts[i].seen;
	return 0;
}

const char *
args_value(const struct args_opt *opts, size_t nopts, const char *name)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0 && opts[i].seen)
			return opts[i].value;
	return NULL;
}
