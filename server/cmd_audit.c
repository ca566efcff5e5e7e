/*
 * cmd_audit.c - audit: the audit log's entries, all of them or those
 * about one child's records, one user or since a date.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include "account.h"
#include "audit.h"
#include "iro_error.h"
#include "json.h"

/* Fill q from the options; complain and return an exit code if one is
 * wrong.  *recs is malloc'd when --child is given; caller frees. */
static int
build_query(struct store *st, const char *child, const char *user,
    const char *since, struct store_audit_query *q,
    uint8_t (**recs)[LIMIT_ID_LEN])
{
	char why[512];
	int rc;

	*recs = NULL;
	if (user != NULL && account_check_username(user, why,
	    sizeof(why)) != 0) {
		cmd_complain("%s", why);
		return CMD_EXIT_USAGE;
	}
	q->username = user;
	if (since != NULL && audit_parse_date(since, &q->since_ms) != 0) {
		cmd_complain("--since wants a date YYYY-MM-DD, not '%s'",
		    since);
		return CMD_EXIT_USAGE;
	}
	if (child == NULL)
		return 0;
	if ((rc = audit_child_records(st, child, recs, &q->nrecords, why,
	    sizeof(why))) != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	q->records = (const uint8_t (*)[LIMIT_ID_LEN])*recs;
	q->by_record = true;
	return 0;
}

static void
print_text(const struct store_audit *a, size_t n)
{
	char line[2 * STORE_AUDIT_DETAIL_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		audit_format(&a[i], line, sizeof(line));
		printf("%s\n", line);
	}
}

int
cmd_audit(int argc, char **argv)
{
	const char *data = NULL, *child = NULL, *user = NULL, *since = NULL;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--child", &child, NULL },
		{ "--user", &user, NULL }, { "--since", &since, NULL },
		{ "--json", NULL, &json }, { 0 }
	};
	struct store_audit_query q = { 0 };
	uint8_t (*recs)[LIMIT_ID_LEN] = NULL;
	struct store_audit *a = NULL;
	struct store *st = NULL;
	struct cmd_args args;
	char *s = NULL;
	size_t n = 0;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &args)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	if ((rc = build_query(st, child, user, since, &q, &recs)) != 0)
		goto out;
	if ((rc = store_audit_list(st, &q, &a, &n)) != 0) {
		cmd_complain("cannot read the audit log: %s",
		    rc == IRO_EIO || rc == IRO_EBUSY ? store_errmsg(st) :
		    iro_strerror(rc));
		rc = cmd_exit_for(rc);
		goto out;
	}
	if (json) {
		rc = json_audit(a, n, &s);
		rc = cmd_print_json(rc, s);
	} else
		print_text(a, n);
out:
	store_audit_free_array(a, n);
	free(recs);
	store_close(st);
	return rc;
}
