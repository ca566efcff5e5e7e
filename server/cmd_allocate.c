/*
 * cmd_allocate.c - allocate: give a child to an IRO (allocation.h), with
 * the command line's audit entry in the same transaction.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "account.h"
#include "allocation.h"
#include "audit.h"

/* The entry that says the command line did it. */
static int
audit_allocation(void *ctx, struct store *st, const struct allocation *al)
{
	struct store_audit au;
	char what[STORE_AUDIT_DETAIL_MAX + 1];
	uint8_t child[1][LIMIT_ID_LEN];

	(void)ctx;
	allocation_describe(al, what, sizeof(what));
	audit_cli_entry(&au, AUDIT_ALLOCATE, al->now_ms, "%s", what);
	memcpy(child[0], al->id, LIMIT_ID_LEN);
	au.records = child;
	au.nrecords = 1;
	return store_audit_append(st, &au, NULL);
}

int
cmd_allocate(int argc, char **argv)
{
	struct allocation al = { 0 };
	struct allocation_hook hook = { audit_allocation, NULL };
	const char *data = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--child", &al.child, NULL },
		{ "--iro", &al.iro, NULL }, { "--reason", &al.reason, NULL },
		{ 0 }
	};
	struct store *st = NULL;
	struct cmd_args a;
	char why[512];
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(al.child, "--child CHILD")) != 0 ||
	    (rc = cmd_need(al.iro, "--iro USERNAME")) != 0)
		return rc;
	if (al.reason != NULL && *al.reason == '\0')
		al.reason = NULL;
	if (account_check_username(al.iro, why, sizeof(why)) != 0 ||
	    (al.reason != NULL && allocation_check_reason(al.reason, why,
	    sizeof(why)) != 0)) {
		cmd_complain("%s", why);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	al.now_ms = cmd_wall_ms();
	rc = allocation_run(st, &al, &hook, why, sizeof(why));
	store_close(st);
	if (rc != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	if (!al.changed)
		printf("child %s is already allocated to %s: nothing changed\n",
		    al.child_id, al.iro);
	else
		printf("allocated child %s to %s (was %s)\n", al.child_id,
		    al.iro, al.was[0] ? al.was : "nobody");
	return 0;
}
