/*
 * cmd_data.c - the server's data as a whole: init, import and stats.
 * An import is audited in its own transaction; stats shows counts, no
 * case content, and is not.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "hex.h"
#include "importer.h"
#include "iro_error.h"
#include "json.h"
#include "settings.h"

int
cmd_init(int argc, char **argv)
{
	const char *data = NULL, *council = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--council", &council, NULL },
		{ 0 }
	};
	char err[512], path[4096], hex[2 * LIMIT_ID_LEN + 1];
	struct settings_result res;
	uint8_t id[LIMIT_ID_LEN];
	struct store *st = NULL;
	struct cmd_args a;
	struct stat sb;
	bool existed;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0)
		return rc;
	if (council != NULL &&
	    settings_check("council", council, err, sizeof(err)) != 0) {
		cmd_complain("%s", err);
		return CMD_EXIT_USAGE;
	}
	/* Said before store_init, which creates it, to tell a re-run. */
	snprintf(path, sizeof(path), "%s/server.db", data);
	existed = stat(path, &sb) == 0;
	if ((rc = store_init(data, err, sizeof(err))) != 0) {
		cmd_complain("%s", err);
		return cmd_exit_for(rc);
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	store_server_id(st, id);
	if (council != NULL && (rc = cmd_config_write(st, "council", council,
	    &res, err, sizeof(err))) != 0) {
		store_close(st);
		cmd_complain("%s", err);
		return cmd_exit_for(rc);
	}
	store_close(st);
	hex_encode(id, sizeof(id), hex);
	printf("%s server data in '%s' (server id %s)\n",
	    existed ? "kept the existing" : "created", data, hex);
	if (council != NULL)
		printf("council %s\n", council);
	return 0;
}

/* Each problem the importer finds, as "FILE:LINE: reason". */
static void
print_problem(void *ctx, size_t line, const char *reason)
{
	fprintf(stderr, "%s:%zu: %s\n", (const char *)ctx, line, reason);
}

/* What the import's audit entry is made from. */
struct import_audit {
	const char *path;
	uint64_t now_ms;
	const struct importer_summary *sum;
};

/* The import's audit entry, appended in its transaction. */
static int
audit_import(void *ctx, struct store *st, const uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n)
{
	const struct import_audit *ia = ctx;
	struct store_audit au;

	audit_cli_entry(&au, AUDIT_IMPORT, ia->now_ms, "imported '%.512s': "
	    "%zu children (%zu new, %zu updated, %zu unchanged), %zu changes",
	    ia->path, ia->sum->children, ia->sum->created, ia->sum->updated,
	    ia->sum->unchanged, ia->sum->changes);
	return audit_append_records(st, &au, ids, n);
}

int
cmd_import(int argc, char **argv)
{
	const char *data = NULL;
	const struct cmd_opt opts[] = { { "--data", &data, NULL }, { 0 } };
	struct importer_summary sum;
	struct import_audit ia;
	struct importer_opts io;
	struct store *st = NULL;
	char why[1024];
	struct cmd_args a;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "FILE.csv")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	memset(&io, 0, sizeof(io));
	io.now_ms = cmd_wall_ms();
	io.problem = print_problem;
	io.problem_ctx = (void *)(uintptr_t)a.pos[0];
	ia.path = a.pos[0];
	ia.now_ms = io.now_ms;
	ia.sum = &sum;
	io.audit.fn = audit_import;
	io.audit.ctx = &ia;
	rc = importer_run(st, a.pos[0], &io, &sum, why, sizeof(why));
	store_close(st);
	if (rc != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	printf("imported %zu children: %zu new, %zu updated, %zu unchanged\n",
	    sum.children, sum.created, sum.updated, sum.unchanged);
	return 0;
}

static void
print_stats(const struct store_stats *s)
{
	printf("changes: %llu\nrefused: %llu\nrecords: %llu\n"
	    "conflicts: %llu\nusers: %llu\ndevices: %llu\n",
	    (unsigned long long)s->changes,
	    (unsigned long long)s->refused,
	    (unsigned long long)s->records,
	    (unsigned long long)s->conflicts,
	    (unsigned long long)s->users,
	    (unsigned long long)s->devices);
}

int
cmd_stats(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	struct store_stats s;
	struct store *st = NULL;
	char *out = NULL;
	struct cmd_args a;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	if ((rc = store_stats(st, &s)) != 0) {
		cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
	} else if (json) {
		rc = json_stats(&s, &out);
		rc = cmd_print_json(rc, out);
	} else {
		print_stats(&s);
	}
	store_close(st);
	return rc;
}
