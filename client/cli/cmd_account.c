/*
 * cmd_account.c - enrol, sync, status: the commands about this device
 * and the server rather than about records.
 */
#include "cmd.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "out.h"
#include "progress.h"
#include "secret.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static double
now_seconds(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sync and report; shared by `sync` and the end of `enrol`. */
static int
run_sync(struct cli *c, struct iro *h, int json)
{
	struct iro_sync_result r;
	struct iro_sync_opts so;
	struct progress p;
	double t0;
	int rc;

	memset(&r, 0, sizeof r);
	progress_init(&p);
	so.progress = progress_update;
	so.progress_ctx = &p;
	t0 = now_seconds();
	rc = iro_sync(h, &so, &r);
	progress_end(&p);
	if (rc == IRO_EUNREACHABLE) {
		cli_error(c, "server unreachable: %" PRIu64 " changes stay "
		    "pending", r.pending);
		return CLI_EUNREACHABLE;
	}
	if (rc != 0) {
		cli_error(c, "sync failed: %s; %" PRIu64 " changes stay "
		    "pending", iro_errmsg(h)[0] ? iro_errmsg(h) :
		    iro_strerror(rc), r.pending);
		return cli_exit_code(rc);
	}
	if (json) {
		if (out_sync(stdout, &r, now_seconds() - t0) != 0)
			return cli_out_error(c);
	} else {
		printf("sent %" PRIu64 ", received %" PRIu64 ", conflicts %"
		    PRIu64 "\n", r.sent, r.received, r.conflicts);
	}
	if (r.refused > 0 && r.children_out > 0)
		cli_error(c, "the server refused %" PRIu64 " changes; it "
		    "keeps them in its log, and those about children who "
		    "left your caseload are no longer on this device (the "
		    "rest: see iro status)", r.refused);
	else if (r.refused > 0)
		cli_error(c, "the server refused %" PRIu64 " changes; they "
		    "are kept (see iro status)", r.refused);
	if (r.children_in > 0)
		cli_error(c, "%" PRIu64 " %s joined your caseload",
		    r.children_in, r.children_in == 1 ? "child" : "children");
	if (r.children_out > 0)
		cli_error(c, "%" PRIu64 " %s left your caseload: every record "
		    "of theirs is gone from this device (your pending edits "
		    "went to the server first)", r.children_out,
		    r.children_out == 1 ? "child" : "children");
	return CLI_OK;
}

int
cmd_sync(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "json", 0, NULL, 0 } };
	struct iro *h;
	size_t npos;
	int rc;

	rc = args_parse(c, "sync", argc, argv, opts, N(opts), NULL, 0, 0,
	    &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	return run_sync(c, h, args_flag(opts, N(opts), "json"));
}

static int
print_status(const struct iro_status *s)
{
	char when[TEXT_TIME_LEN] = "never", n[4][24];
	struct text_table *t = NULL;
	int rc;

	if (s->last_sync_ms > 0)
		text_iso_time(s->last_sync_ms, when);
	snprintf(n[0], sizeof n[0], "%" PRIu64, s->pending);
	snprintf(n[1], sizeof n[1], "%" PRIu64, s->refused);
	snprintf(n[2], sizeof n[2], "%" PRIu64, s->conflicts);
	if ((rc = text_table_new(2, 0, &t)) != 0)
		return rc;
	const char *rows[][2] = {
		{ "user", s->user }, { "role", s->role },
		{ "server", s->server }, { "device", s->device },
		{ "pending", n[0] }, { "refused", n[1] },
		{ "conflicts", n[2] }, { "last sync", when },
	};
	for (size_t i = 0; i < N(rows) && rc == 0; i++)
		rc = text_table_add(t, rows[i]);
	if (rc == 0)
		rc = text_table_print(t, stdout);
	text_table_free(t);
	return rc;
}

int
cmd_status(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "json", 0, NULL, 0 } };
	struct iro_status s;
	struct iro *h;
	size_t npos;
	int rc;

	rc = args_parse(c, "status", argc, argv, opts, N(opts), NULL, 0, 0,
	    &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	if ((rc = iro_status(h, &s)) != 0)
		return cli_fail(c, rc, "cannot read status");
	rc = args_flag(opts, N(opts), "json") ? out_status(stdout, &s) :
	    print_status(&s);
	return rc == 0 ? CLI_OK : cli_out_error(c);
}

/* Ask for the account password and the new passphrase, then enrol. */
static int
enrol(struct cli *c, struct iro_enrol_opts *eo)
{
	struct secret pw = { NULL, 0 }, pass = { NULL, 0 };
	char errbuf[IRO_ERRBUF_SIZE] = "", why[256];
	int rc;

	if ((rc = secret_password(eo->username, &pw, why, sizeof why)) != 0) {
		cli_error(c, "cannot enrol '%s': %s", eo->username, why);
		rc = cli_exit_code(rc);
		goto out;
	}
	if ((rc = secret_passphrase(1, &pass, why, sizeof why)) != 0) {
		cli_error(c, "cannot enrol '%s': %s", eo->username, why);
		rc = cli_exit_code(rc);
		goto out;
	}
	eo->password = pw.s;
	eo->open.passphrase = pass.s;
	eo->open.passphrase_len = pass.len;
	eo->open.errbuf = errbuf;
	eo->open.errbuf_len = sizeof errbuf;
	rc = iro_enrol(eo, &c->h);
	if (rc != 0) {
		c->h = NULL;
		cli_error(c, "cannot enrol '%s': %s", eo->username,
		    errbuf[0] ? errbuf : iro_strerror(rc));
		rc = cli_exit_code(rc);
	}
out:
	eo->password = NULL;
	eo->open.passphrase = NULL;
	secret_free(&pw);
	secret_free(&pass);
	return rc;
}

int
cmd_enrol(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = {
		{ "server", 1, NULL, 0 }, { "username", 1, NULL, 0 },
		{ "device-name", 1, NULL, 0 }, { "ca", 1, NULL, 0 },
	};
	struct iro_enrol_opts eo;
	struct iro_status s;
	size_t npos;
	int rc, exists = 0;

	memset(&eo, 0, sizeof eo);
	rc = args_parse(c, "enrol", argc, argv, opts, N(opts), NULL, 0, 0,
	    &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	eo.server_url = args_value(opts, N(opts), "server");
	eo.username = args_value(opts, N(opts), "username");
	if (eo.server_url == NULL || eo.username == NULL) {
		cli_error(c, "enrol: --server URL and --username NAME are "
		    "required");
		return CLI_EUSAGE;
	}
	/* An https server whose certificate a council CA signed; remembered
	 * in the replica for every later sync. */
	eo.ca_file = args_value(opts, N(opts), "ca");
	eo.device_name = args_value(opts, N(opts), "device-name");
	if (eo.device_name == NULL)
		eo.device_name = getenv("IRO_DEVICE_NAME");
	if ((rc = cli_open_opts(c, &eo.open)) != CLI_OK)
		return rc;
	if (iro_exists(eo.open.home, &exists) == 0 && exists) {
		cli_error(c, "cannot enrol in '%s': a replica is already there",
		    eo.open.home);
		return CLI_EUSAGE;
	}
	if ((rc = enrol(c, &eo)) != CLI_OK)
		return rc;
	if ((rc = iro_status(c->h, &s)) != 0)
		return cli_fail(c, rc, "cannot read status");
	printf("enrolled device %s for '%s' (%s) at %s\n", s.device, s.user,
	    s.role, s.server);
	return run_sync(c, c->h, 0);
}
