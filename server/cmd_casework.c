/*
 * cmd_casework.c - the council's casework data in and out: import-903
 * and export, each audited with the records it wrote or let out (an
 * import in its transaction; an export before any row is written).
 */
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "export.h"
#include "import903.h"
#include "iro_error.h"

/* Each problem of the extract, as "FILE:LINE: reason". */
static void
print_problem(void *ctx, const char *file, size_t line, const char *reason)
{
	(void)ctx;
	fprintf(stderr, "%s:%zu: %s\n", file, line, reason);
}

/* What the import's audit entry is made from. */
struct import_audit {
	const struct import903_paths *p;
	uint64_t now_ms;
	const struct import903_summary *sum;
};

/* The import's audit entry, appended in its transaction. */
static int
audit_import(void *ctx, struct store *st, const uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n)
{
	const struct import_audit *ia = ctx;
	const struct import903_summary *s = ia->sum;
	struct store_audit au;

	audit_cli_entry(&au, AUDIT_IMPORT_903, ia->now_ms, "imported header "
	    "'%.160s', episodes '%.160s', reviews '%.160s', allocations "
	    "'%.160s': %zu children (%zu new, %zu updated, %zu unchanged), "
	    "%zu reviews (%zu new, %zu already on the server), %zu changes",
	    ia->p->header, ia->p->episodes, ia->p->reviews != NULL ?
	    ia->p->reviews : "", ia->p->allocations, s->children, s->created,
	    s->updated, s->unchanged, s->reviews, s->reviews_added,
	    s->reviews_kept, s->changes);
	return audit_append_records(st, &au, ids, n);
}

int
cmd_import903(int argc, char **argv)
{
	struct import903_paths p = { NULL, NULL, NULL, NULL };
	const char *data = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--header", &p.header, NULL },
		{ "--episodes", &p.episodes, NULL },
		{ "--reviews", &p.reviews, NULL },
		{ "--allocations", &p.allocations, NULL }, { 0 }
	};
	struct import903_summary sum;
	struct import_audit ia = { &p, 0, &sum };
	struct import903_opts io;
	struct store *st = NULL;
	char why[1024];
	struct cmd_args a;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(p.header, "--header FILE")) != 0 ||
	    (rc = cmd_need(p.episodes, "--episodes FILE")) != 0 ||
	    (rc = cmd_need(p.allocations, "--allocations FILE")) != 0 ||
	    (p.reviews != NULL &&
	    (rc = cmd_need(p.reviews, "--reviews FILE")) != 0) ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	memset(&io, 0, sizeof(io));
	io.now_ms = cmd_wall_ms();
	io.problem = print_problem;
	ia.now_ms = io.now_ms;
	io.audit.fn = audit_import;
	io.audit.ctx = &ia;
	rc = import903_run(st, &p, &io, &sum, why, sizeof(why));
	store_close(st);
	if (rc != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	printf("imported %zu children: %zu new, %zu updated, %zu unchanged\n"
	    "imported %zu reviews: %zu new, %zu already on the server\n",
	    sum.children, sum.created, sum.updated, sum.unchanged,
	    sum.reviews, sum.reviews_added, sum.reviews_kept);
	return 0;
}

static void
print_warning(void *ctx, const char *msg)
{
	(void)ctx;
	cmd_complain("warning: %s", msg);
}

static int
parse_day(const char *text, const char *what, cal_day *out)
{
	if (cmd_need(text, what) != 0)
		return CMD_EXIT_USAGE;
	if (cal_parse(text, out) != 0) {
		cmd_complain("%s: expected a date YYYY-MM-DD, got '%s'", what,
		    text);
		return CMD_EXIT_USAGE;
	}
	return 0;
}

/* What the export's audit entry is made from. */
struct export_audit {
	const char *kind, *from, *to, *path;    /* path NULL: stdout */
};

/* The export's audit entry, appended before any row goes out. */
static int
audit_export(void *ctx, struct store *st, const uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n)
{
	const struct export_audit *ea = ctx;
	struct store_audit au;

	audit_cli_entry(&au, AUDIT_EXPORT, cmd_wall_ms(), "exported %s from "
	    "%s to %s to %s%.512s%s", ea->kind, ea->from, ea->to,
	    ea->path != NULL ? "'" : "", ea->path != NULL ? ea->path :
	    "standard output", ea->path != NULL ? "'" : "");
	return audit_append_alone(st, &au, ids, n);
}

int
cmd_export(int argc, char **argv)
{
	const char *data = NULL, *from = NULL, *to = NULL, *path = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--from", &from, NULL },
		{ "--to", &to, NULL }, { "--out", &path, NULL }, { 0 }
	};
	struct export_audit ea;
	struct export_opts eo;
	struct store *st = NULL;
	char why[512];
	struct cmd_args a;
	size_t rows = 0;
	int rc;

	memset(&eo, 0, sizeof(eo));
	if ((rc = cmd_parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = cmd_need(a.pos[0], "what to export (reviews, visits or "
	    "decisions)")) != 0)
		return rc;
	if (export_kind_parse(a.pos[0], &eo.kind) != 0) {
		cmd_complain("cannot export '%s': expected reviews, visits or "
		    "decisions", a.pos[0]);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = parse_day(from, "--from", &eo.from)) != 0 ||
	    (rc = parse_day(to, "--to", &eo.to)) != 0)
		return rc;
	if (eo.from > eo.to) {
		cmd_complain("--from %s is after --to %s", from, to);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	eo.out = stdout;
	if (path != NULL && (eo.out = fopen(path, "w")) == NULL) {
		cmd_complain("cannot create '%s': %s", path, strerror(errno));
		store_close(st);
		return CMD_EXIT_USAGE;
	}
	eo.warn = print_warning;
	ea.kind = a.pos[0];
	ea.from = from;
	ea.to = to;
	ea.path = path;
	eo.audit.fn = audit_export;
	eo.audit.ctx = &ea;
	rc = export_run(st, &eo, &rows, why, sizeof(why));
	store_close(st);
	if (path != NULL && fclose(eo.out) != 0 && rc == 0) {
		snprintf(why, sizeof(why), "cannot write '%s': %s", path,
		    strerror(errno));
		rc = IRO_EIO;
	}
	if (rc != 0) {
		if (path != NULL)
			remove(path);
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	if (path != NULL)
		printf("exported %zu %s to '%s'\n", rows, a.pos[0], path);
	return 0;
}
