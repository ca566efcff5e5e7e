/*
 * cmd_record.c - commands that write or show one record: visit add and
 * update, note add, finalise and correct, flag, show, set, unset, delete.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "out.h"
#include "ropt.h"
#include "sdesc.h"
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

/* What every record command does first: parse, open the replica. */
static int
start(struct cli *c, const char *cmd, int argc, char **argv,
    struct ropt_args *a, struct iro **h)
{
	int rc = ropt_parse(c, cmd, argc, argv, a);

	if (rc != CLI_OK)
		return rc;
	return cli_open(c, h);
}

static int
visit_add(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 1];
	char child[IRO_ID_HEX + 1];
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc;

	if ((rc = start(c, "visit add", argc, argv, &a, &h)) != CLI_OK ||
	    (rc = cmd_find_child(c, h, "visit add", a.pos[0], child)) != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	(void)ropt_fields(&a, "visit", f, N(f), &n);
	return cmd_create(c, h, "visit add", "visit", f, n, 0, NULL);
}

/* `visit update`, `review update`: fields set in the order given. */
static int
update(struct cli *c, const char *cmd, const char *type, int argc,
    char **argv)
{
	struct iro_field_text f[ROPT_MAX];
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc;

	if ((rc = start(c, cmd, argc, argv, &a, &h)) != CLI_OK ||
	    (rc = cmd_record(c, h, cmd, a.pos[0], type, NULL)) != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	(void)ropt_fields(&a, type, f, N(f), &n);
	if (n == 0) {
		cli_error(c, "%s: nothing to change (see iro help %s)", cmd,
		    cmd);
		return CLI_EUSAGE;
	}
	return cmd_set_fields(c, h, cmd, a.pos[0], f, n);
}

static int
visit_update(struct cli *c, int argc, char **argv)
{
	return update(c, "visit update", "visit", argc, argv);
}

static int
note_add(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 1];
	char child[IRO_ID_HEX + 1];
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc;

	if ((rc = start(c, "note add", argc, argv, &a, &h)) != CLI_OK ||
	    (rc = cmd_find_child(c, h, "note add", a.pos[0], child)) != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	(void)ropt_fields(&a, "note", f, N(f), &n);
	return cmd_create(c, h, "note add", "note", f, n, 0, NULL);
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
	    (rc = cmd_record(c, h, "note finalise", pos[0], "note", NULL)) !=
	    CLI_OK)
		return rc;
	rc = iro_set(h, pos[0], CMD_F_STATUS, "final");
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "note finalise");
}

/* A correction is a new note naming the one it supersedes; the earlier
 * note is left as it is, final or not. */
static int
note_correct(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 3];
	struct iro_record *old = NULL;
	const char *child, *type;
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc;

	if ((rc = start(c, "note correct", argc, argv, &a, &h)) != CLI_OK ||
	    (rc = cmd_record(c, h, "note correct", a.pos[0], "note", &old)) !=
	    CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	child = cmd_text(old, CMD_F_CHILD);
	type = cmd_text(old, CMD_F_TYPE);
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	if (type != NULL)
		f[n++] = (struct iro_field_text){ CMD_F_TYPE, type };
	f[n++] = (struct iro_field_text){ CMD_F_SUPERSEDES, a.pos[0] };
	(void)ropt_fields(&a, "note", f, N(f), &n);
	rc = cmd_create(c, h, "note correct", "note", f, n, 0, NULL);
	iro_record_free(old);
	return rc;
}

int
cmd_visit(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = { "add", "update" };
	static const cmd_fn fns[] = { visit_add, visit_update };

	return cmd_subcommand(c, "visit", argc, argv, names, fns, N(names));
}

int
cmd_note(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = {
		"add", "finalise", "finalize", "correct"
	};
	static const cmd_fn fns[] = {
		note_add, note_finalise, note_finalise, note_correct
	};

	return cmd_subcommand(c, "note", argc, argv, names, fns, N(names));
}

/* FIELD must name a field of the child record, as the schema has it. */
static int
check_child_field(struct cli *c, const char *field)
{
	struct sdesc d;
	char list[1024];
	size_t i, o = 0;
	int rc;

	if ((rc = sdesc_load("child", &d)) != 0)
		return cli_fail(c, rc, "flag");
	rc = sdesc_find(&d, field) != NULL ? CLI_OK : CLI_EUSAGE;
	if (rc != CLI_OK) {
		list[0] = '\0';
		for (i = 0; i < d.n && o < sizeof list; i++) {
			int w = snprintf(list + o, sizeof list - o, "%s%s",
			    i ? ", " : "", d.f[i].name);

			o += w < 0 ? 0 : (size_t)w;
		}
		cli_error(c, "flag: field '%s' is not a child field: expected "
		    "one of %s", field, list);
	}
	sdesc_free(&d);
	return rc;
}

int
cmd_flag(struct cli *c, int argc, char **argv)
{
	struct iro_field_text f[ROPT_MAX + 2];
	char child[IRO_ID_HEX + 1];
	struct ropt_args a;
	struct iro *h;
	size_t n = 0;
	int rc;

	if ((rc = ropt_parse(c, "flag", argc, argv, &a)) != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if ((rc = check_child_field(c, a.pos[1])) != CLI_OK ||
	    (rc = cli_open(c, &h)) != CLI_OK ||
	    (rc = cmd_find_child(c, h, "flag", a.pos[0], child)) != CLI_OK)
		return rc;
	f[n++] = (struct iro_field_text){ CMD_F_CHILD, child };
	f[n++] = (struct iro_field_text){ "field", a.pos[1] };
	(void)ropt_fields(&a, "flag", f, N(f), &n);
	return cmd_create(c, h, "flag", "flag", f, n, 0, NULL);
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
