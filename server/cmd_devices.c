/*
 * cmd_devices.c - the enrolled devices: device list and device revoke
 * (audited in the revocation's transaction).
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include "audit.h"
#include "hex.h"
#include "iro_error.h"
#include "json.h"

int
cmd_device_list(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	char hex[2 * LIMIT_ID_LEN + 1];
	struct store_device *d = NULL;
	struct store *st = NULL;
	char *s = NULL;
	struct cmd_args a;
	size_t n = 0, i;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	if ((rc = store_device_list(st, &d, &n)) != 0) {
		cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
	} else if (json) {
		rc = json_devices(d, n, &s);
		rc = cmd_print_json(rc, s);
	} else {
		for (i = 0; i < n; i++) {
			hex_encode(d[i].id, LIMIT_ID_LEN, hex);
			printf("%s %-20s %s%s\n", hex, d[i].username,
			    d[i].last_sync_ms ? "synced" : "never synced",
			    d[i].revoked ? " (revoked)" : "");
		}
	}
	free(d);
	store_close(st);
	return rc;
}

/* Revoke the device and audit it, in one transaction. */
static int
revoke(struct store *st, const uint8_t id[LIMIT_ID_LEN], const char *hex)
{
	struct store_audit au;
	struct store_device d;
	int rc;

	if ((rc = store_begin(st)) != 0)
		return rc;
	if ((rc = store_device_get(st, id, &d)) != 0)
		goto fail;
	audit_entry(&au, AUDIT_DEVICE_REVOKE, d.username, id, cmd_wall_ms(),
	    "revoked device %s '%s'", hex, d.name);
	if ((rc = store_device_revoke(st, id)) == 0 &&
	    (rc = store_audit_append(st, &au, NULL)) == 0)
		return store_commit(st);
fail:
	store_rollback(st);
	return rc;
}

int
cmd_device_revoke(int argc, char **argv)
{
	const char *data = NULL;
	const struct cmd_opt opts[] = { { "--data", &data, NULL }, { 0 } };
	uint8_t id[LIMIT_ID_LEN];
	struct store *st = NULL;
	struct cmd_args a;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "DEVICE id")) != 0)
		return rc;
	if (hex_decode(a.pos[0], id, sizeof(id)) != 0) {
		cmd_complain("'%s' is not a device id (32 hex digits)",
		    a.pos[0]);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = revoke(st, id, a.pos[0]);
	if (rc == IRO_ENOTFOUND)
		cmd_complain("no device '%s'", a.pos[0]);
	else if (rc != 0)
		cmd_complain("%s", store_errmsg(st));
	else
		printf("revoked device %s\n", a.pos[0]);
	store_close(st);
	return rc == 0 ? 0 : cmd_exit_for(rc);
}
