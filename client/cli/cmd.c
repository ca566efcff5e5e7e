/*
 * cmd.c - the table of commands and `iro help`.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "help.h"

static int cmd_help(struct cli *c, int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	int batch_ok;
};

static const struct command commands[] = {
	{ "enrol", cmd_enrol, 0 },
	{ "sync", cmd_sync, 1 },
	{ "status", cmd_status, 1 },
	{ "passphrase", cmd_passphrase, 0 },
	{ "children", cmd_children, 1 },
	{ "child", cmd_child, 1 },
	{ "agenda", cmd_agenda, 1 },
	{ "visit", cmd_visit, 1 },
	{ "visits", cmd_visits, 1 },
	{ "note", cmd_note, 1 },
	{ "notes", cmd_notes, 1 },
	{ "review", cmd_review, 1 },
	{ "decision", cmd_decision, 1 },
	{ "dispute", cmd_dispute, 1 },
	{ "flag", cmd_flag, 1 },
	{ "show", cmd_show, 1 },
	{ "set", cmd_set, 1 },
	{ "unset", cmd_unset, 1 },
	{ "delete", cmd_delete, 1 },
	{ "history", cmd_history, 1 },
	{ "conflicts", cmd_conflicts, 1 },
	{ "resolve", cmd_resolve, 1 },
	{ "batch", cmd_batch, 0 },
	{ "help", cmd_help, 1 },
};

static int
cmd_help(struct cli *c, int argc, char **argv)
{
	char topic[64];
	int n;

	if (argc > 2) {
		cli_error(c, "help: too many words (usage: iro help [COMMAND])");
		return CLI_EUSAGE;
	}
	if (argc == 2)
		n = snprintf(topic, sizeof topic, "%s %s", argv[0], argv[1]);
	else
		n = snprintf(topic, sizeof topic, "%s", argc ? argv[0] : "");
	if (n < 0 || (size_t)n >= sizeof topic || help_show(stdout, topic)) {
		cli_error(c, "help: no command '%s' (see iro help)", topic);
		return CLI_EUSAGE;
	}
	return fflush(stdout) == 0 ? CLI_OK : cli_out_error(c);
}

int
cmd_run(struct cli *c, int argc, char **argv)
{
	char today[sizeof c->today];
	size_t i;
	int rc;

	if (argc < 1) {
		cli_error(c, "no command given (see iro help)");
		return CLI_EUSAGE;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)
		return cmd_help(c, 0, NULL);
	for (i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(commands[i].name, argv[0]) != 0)
			continue;
		if (c->in_batch && !commands[i].batch_ok) {
			cli_error(c, "'%s' cannot run inside batch", argv[0]);
			return CLI_EUSAGE;
		}
		/* In batch a command's --today holds for that command. */
		memcpy(today, c->today, sizeof today);
		rc = commands[i].fn(c, argc - 1, argv + 1);
		if (c->in_batch)
			memcpy(c->today, today, sizeof today);
		if (fflush(stdout) != 0 && rc == CLI_OK)
			rc = cli_out_error(c);
		return rc;
	}
	cli_error(c, "unknown command '%s' (see iro help)", argv[0]);
	return CLI_EUSAGE;
}

int
cmd_subcommand(struct cli *c, const char *group, int argc, char **argv,
    const char *const *names, const cmd_fn *fns, size_t n)
{
	size_t i;

	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)) {
		if (help_show(stdout, group) != 0) {
			cli_error(c, "%s: the help does not match the schema",
			    group);
			return CLI_EINTERNAL;
		}
		return CLI_OK;
	}
	for (i = 0; argc >= 1 && i < n; i++)
		if (strcmp(argv[0], names[i]) == 0)
			return fns[i](c, argc - 1, argv + 1);
	if (argc < 1)
		cli_error(c, "%s: missing subcommand (see iro help %s)", group,
		    group);
	else
		cli_error(c, "%s: unknown subcommand '%s' (see iro help %s)",
		    group, argv[0], group);
	return CLI_EUSAGE;
}

int
cmd_find_child(struct cli *c, struct iro *h, const char *cmd,
    const char *key, char id[IRO_ID_HEX + 1])
{
	int rc = iro_find_child(h, key, id);

	if (rc == IRO_ENOTFOUND) {
		cli_error(c, "%s: no child '%s' in this replica (see iro "
		    "children)", cmd, key);
		return CLI_EUSAGE;
	}
	return rc == 0 ? CLI_OK : cli_fail(c, rc, cmd);
}

int
cmd_record(struct cli *c, struct iro *h, const char *cmd, const char *id,
    const char *type, struct iro_record **out)
{
	struct iro_record *r = NULL;
	int rc = iro_get(h, id, &r);

	if (out != NULL)
		*out = NULL;
	if (rc == IRO_ENOTFOUND || rc == IRO_EINVAL) {
		cli_error(c, "%s: no %s '%s' in this replica", cmd, type, id);
		return CLI_EUSAGE;
	}
	if (rc != 0)
		return cli_fail(c, rc, cmd);
	if (strcmp(iro_record_type(r), type) != 0) {
		cli_error(c, "%s: '%s' is a %s, not a %s", cmd, id,
		    iro_record_type(r), type);
		rc = CLI_EUSAGE;
	} else if (iro_record_deleted(r)) {
		cli_error(c, "%s: %s '%s' is deleted", cmd, type, id);
		rc = CLI_EUSAGE;
	}
	if (rc == 0 && out != NULL)
		*out = r;
	else
		iro_record_free(r);
	return rc;
}

int
cmd_create(struct cli *c, struct iro *h, const char *cmd, const char *type,
    const struct iro_field_text *f, size_t n, int quiet,
    char id[IRO_ID_HEX + 1])
{
	char made[IRO_ID_HEX + 1];
	int rc = iro_create(h, type, f, n, made);

	if (rc != 0)
		return cli_fail(c, rc, cmd);
	if (!quiet)
		printf("%s\n", made);
	if (id != NULL)
		memcpy(id, made, sizeof made);
	return CLI_OK;
}

int
cmd_set_fields(struct cli *c, struct iro *h, const char *cmd,
    const char *id, const struct iro_field_text *f, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = iro_set(h, id, f[i].name, f[i].text)) != 0)
			return cli_fail(c, rc, cmd);
	return CLI_OK;
}

const char *
cmd_text(const struct iro_record *r, const char *name)
{
	struct iro_value v;

	if (r == NULL || iro_record_get(r, name, &v) != 0 ||
	    v.type != IRO_V_STR)
		return NULL;
	return v.s;
}

int
cmd_ready(struct cli *c, struct iro **h, char today[CLI_DATE_LEN])
{
	int rc = cli_today(c, today);

	return rc == CLI_OK ? cli_open(c, h) : rc;
}
