/*
 * cmd_record.c - commands that write or show one record: visit add,
 * note add, note finalise, show, set, unset, delete.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "help.h"
#include "out.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Parse the enclosing command's c, argc and argv; return from it early
 * for --help (exit 0) or a usage error. */
#define PARSE(cmd, opts, nopts, pos, minpos, maxpos, npos) do {          \
	int rc_ = args_parse(c, cmd, argc, argv, opts, nopts, pos, minpos, \
	    maxpos, npos);                                                 \
	if (rc_ != CLI_OK)                                                 \
		return rc_ == ARGS_HELP ? CLI_OK : rc_;                    \
} while (0)

/* The child's record id for what the user typed (either id). */
static int
child_id(struct cli *c, struct iro *h, const char *cmd, const char *key,
    char id[IRO_ID_HEX + 1])
{
	int rc = iro_find_child(h, key, id);

	if (rc == IRO_ENOTFOUND) {
		cli_error(c, "%s: no child '%s' in this replica (see iro "
		    "children)", cmd, key);
		return CLI_EUSAGE;
	}
	return rc == 0 ? CLI_OK : cli_fail(c, rc, cmd);
}

static int
create(struct cli *c, struct iro *h, const char *cmd, const char *type,
    const struct iro_field_text *f, size_t n)
{
	char id[IRO_ID_HEX + 1];
	int rc = iro_create(h, type, f, n, id);

	if (rc != 0)
		return cli_fail(c, rc, cmd);
	printf("%s\n", id);
	return CLI_OK;
}

static int
visit_add(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = {
		{ "date", 1, NULL, 0 }, { "seen-alone", 1, NULL, 0 },
		{ "note", 1, NULL, 0 },
	};
	struct iro_field_text f[4];
	char *pos[1], child[IRO_ID_HEX + 1];
	struct iro *h;
	size_t npos, n = 0;
	int rc;

	PARSE("visit add", opts, N(opts), pos, 1, 1, &npos);
	if (!args_flag(opts, N(opts), "date")) {
		cli_error(c, "visit add: --date YYYY-MM-DD is required");
		return CLI_EUSAGE;
	}
	if ((rc = cli_open(c, &h)) != CLI_OK ||
	    (rc = child_id(c, h, "visit add", pos[0], child)) != CLI_OK)
		return rc;
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	f[n++] = (struct iro_field_text){ CMD_F_DATE,
	    args_value(opts, N(opts), "date") };
	if (args_flag(opts, N(opts), "seen-alone"))
		f[n++] = (struct iro_field_text){ CMD_F_SEEN_ALONE,
		    args_value(opts, N(opts), "seen-alone") };
	if (args_flag(opts, N(opts), "note"))
		f[n++] = (struct iro_field_text){ CMD_F_NOTE,
		    args_value(opts, N(opts), "note") };
	return create(c, h, "visit add", "visit", f, n);
}

static int
note_add(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "text", 1, NULL, 0 } };
	struct iro_field_text f[2];
	char *pos[1], child[IRO_ID_HEX + 1];
	struct iro *h;
	size_t npos;
	int rc;

	PARSE("note add", opts, N(opts), pos, 1, 1, &npos);
	if (!args_flag(opts, N(opts), "text")) {
		cli_error(c, "note add: --text TEXT is required");
		return CLI_EUSAGE;
	}
	if ((rc = cli_open(c, &h)) != CLI_OK ||
	    (rc = child_id(c, h, "note add", pos[0], child)) != CLI_OK)
		return rc;
	f[0] = (struct iro_field_text){ CMD_F_CHILD, child };
	f[1] = (struct iro_field_text){ CMD_F_TEXT,
	    args_value(opts, N(opts), "text") };
	return create(c, h, "note add", "note", f, N(f));
}

/* The record `id` must exist and be of `type`. */
static int
expect_type(struct cli *c, struct iro *h, const char *cmd, const char *id,
    const char *type)
{
	struct iro_record *r = NULL;
	int rc = iro_get(h, id, &r);

	if (rc != 0)
		return cli_fail(c, rc, cmd);
	if (strcmp(iro_record_type(r), type) != 0) {
		cli_error(c, "%s: '%s' is a %s, not a %s", cmd, id,
		    iro_record_type(r), type);
		rc = CLI_EUSAGE;
	}
	iro_record_free(r);
	return rc;
}

static int
note_finalise(struct cli *c, int argc, char **argv)
{
	char *pos[1];
	struct iro *h;
	size_t npos;
	int rc;

	PARSE("note finalise", NULL, 0, pos, 1, 1, &npos);
	if ((rc = cli_open(c, &h)) != CLI_OK ||
	    (rc = expect_type(c, h, "note finalise", pos[0], "note")) !=
	    CLI_OK)
		return rc;
	rc = iro_set(h, pos[0], CMD_F_STATUS, "final");
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "note finalise");
}

/* `visit SUB` and `note SUB`: pick the subcommand. */
static int
subcommand(struct cli *c, const char *group, int argc, char **argv,
    const char *const *names, int (*const *fns)(struct cli *, int,
    char **), size_t n)
{
	size_t i;

	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)) {
		help_show(stdout, group);
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
cmd_visit(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = { "add" };
	static int (*const fns[])(struct cli *, int, char **) = { visit_add };

	return subcommand(c, "visit", argc, argv, names, fns, N(names));
}

int
cmd_note(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = { "add", "finalise", "finalize" };
	static int (*const fns[])(struct cli *, int, char **) = {
		note_add, note_finalise, note_finalise
	};

	return subcommand(c, "note", argc, argv, names, fns, N(names));
}

/* One field per line; continuation lines of multi-line text indented. */
static int
print_field(const char *name, int width, const struct iro_value *v,
    int conflicted)
{
	char *s = NULL, *line, *nl;
	int rc;

	if ((rc = text_value(v, &s)) != 0)
		return rc;
	printf("%-*s  ", width, name);
	for (line = s; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		printf("%.*s\n%*s  ", (int)(nl - line), line, width, "");
	printf("%s%s\n", line, conflicted ? "  [conflict: see iro conflicts]"
	    : "");
	free(s);
	return 0;
}

static int
print_record(const struct iro_record *r)
{
	struct iro_value v;
	const char *name;
	size_t i, n = iro_record_nfields(r);
	int width = 4, conflicted, rc = 0;

	for (i = 0; i < n; i++)
		if (iro_record_field(r, i, &name, &v, &conflicted) == 0 &&
		    (int)strlen(name) > width)
			width = (int)strlen(name);
	printf("%-*s  %s\n%-*s  %s%s\n", width, "id", iro_record_id(r),
	    width, "type", iro_record_type(r),
	    iro_record_deleted(r) ? " (deleted)" : "");
	for (i = 0; i < n && rc == 0; i++)
		if (iro_record_field(r, i, &name, &v, &conflicted) == 0)
			rc = print_field(name, width, &v, conflicted);
	return rc;
}

int
cmd_show(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "json", 0, NULL, 0 } };
	struct iro_record *r = NULL;
	char *pos[1], child[IRO_ID_HEX + 1];
	struct iro *h;
	size_t npos;
	int rc;

	PARSE("show", opts, N(opts), pos, 1, 1, &npos);
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	rc = iro_get(h, pos[0], &r);
	/* A child may be named by its council id, as everywhere else. */
	if (rc == IRO_EINVAL && iro_find_child(h, pos[0], child) == 0)
		rc = iro_get(h, child, &r);
	if (rc != 0)
		return cli_fail(c, rc, "show");
	rc = args_flag(opts, N(opts), "json") ? out_record(stdout, r) :
	    print_record(r);
	iro_record_free(r);
	return rc == 0 ? CLI_OK : cli_out_error(c);
}

int
cmd_set(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	struct iro *h;
	size_t npos;
	int rc;

	PARSE("set", NULL, 0, pos, 3, 3, &npos);
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	rc = iro_set(h, pos[0], pos[1], pos[2]);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "set");
}

int
cmd_unset(struct cli *c, int argc, char **argv)
{
	char *pos[2];
	struct iro *h;
	size_t npos;
	int rc;

	PARSE("unset", NULL, 0, pos, 2, 2, &npos);
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	rc = iro_set(h, pos[0], pos[1], NULL);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "unset");
}

int
cmd_delete(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "reason", 1, NULL, 0 } };
	char *pos[1];
	struct iro *h;
	size_t npos;
	int rc;

	PARSE("delete", opts, N(opts), pos, 1, 1, &npos);
	if (!args_flag(opts, N(opts), "reason") ||
	    args_value(opts, N(opts), "reason")[0] == '\0') {
		cli_error(c, "delete: --reason TEXT is required");
		return CLI_EUSAGE;
	}
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	rc = iro_delete(h, pos[0], args_value(opts, N(opts), "reason"));
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "delete");
}
