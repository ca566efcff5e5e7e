/*
 * cmd_records.c - the records as the server holds them: show and records.
 * Both show case content, so each is audited (with the records shown)
 * before any of it is printed: a read the audit cannot record is not
 * made.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "hex.h"
#include "iro_error.h"
#include "json.h"

static void
print_value(const struct value *v)
{
	switch (v->type) {
	case VALUE_NIL:
		fputs("-", stdout);
		break;
	case VALUE_BOOL:
		fputs(v->b ? "yes" : "no", stdout);
		break;
	case VALUE_INT:
		printf("%lld", (long long)v->i);
		break;
	case VALUE_STR:
		fwrite(v->s, 1, v->len, stdout);
		break;
	}
}

/* One record, a "name: value" line per field. */
static void
print_record(const struct store_record *r)
{
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t i;

	hex_encode(r->id, LIMIT_ID_LEN, hex);
	printf("id: %s\ntype: %s%s\n", hex, r->type,
	    r->deleted ? " (deleted)" : "");
	for (i = 0; i < r->nfields; i++) {
		printf("%s: ", r->fields[i].name);
		print_value(&r->fields[i].value);
		puts(r->fields[i].conflict ? " (in conflict)" : "");
	}
}

/* One record on one line: "ID TYPE name=value ...". */
static void
print_record_line(const struct store_record *r)
{
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t j;

	hex_encode(r->id, LIMIT_ID_LEN, hex);
	printf("%s %s", hex, r->type);
	for (j = 0; j < r->nfields; j++) {
		printf(" %s=", r->fields[j].name);
		print_value(&r->fields[j].value);
	}
	putchar('\n');
}

/* The council id of child record r, or NULL. */
static const char *
child_id(const struct store_record *r)
{
	size_t i;

	if (strcmp(r->type, "child") != 0)
		return NULL;
	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, "child_id") == 0 &&
		    r->fields[i].value.type == VALUE_STR)
			return r->fields[i].value.s;
	return NULL;
}

/* The record named by text: a record id, or else a child's council id. */
static int
find_record(struct store *st, const char *text, struct store_record *r)
{
	uint8_t id[LIMIT_ID_LEN];
	struct value v = { .type = VALUE_STR };

	if (hex_decode(text, id, sizeof(id)) == 0 &&
	    store_record_get(st, id, r) == 0)
		return 0;
	v.s = (char *)(uintptr_t)text;
	v.len = strlen(text);
	if (store_record_find(st, "child", "child_id", &v, id) != 0)
		return IRO_ENOTFOUND;
	return store_record_get(st, id, r);
}

/* Audit the showing of records r[0..n); complain on failure.  Returns 0
 * or an exit code. */
static int
audit_shown(struct store *st, const struct store_audit *au,
    const struct store_record *r, size_t n)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	size_t i;
	int rc;

	if (n > 0 && (ids = calloc(n, sizeof(*ids))) == NULL) {
		cmd_complain("cannot audit the read: %s",
		    iro_strerror(IRO_ENOMEM));
		return CMD_EXIT_INTERNAL;
	}
	for (i = 0; i < n; i++)
		memcpy(ids[i], r[i].id, LIMIT_ID_LEN);
	rc = audit_append_alone(st, au, (const uint8_t (*)[LIMIT_ID_LEN])ids,
	    n);
	free(ids);
	if (rc == 0)
		return 0;
	cmd_complain("cannot audit the read, so nothing is shown: %s",
	    rc == IRO_EIO || rc == IRO_EBUSY ? store_errmsg(st) :
	    iro_strerror(rc));
	return CMD_EXIT_INTERNAL;
}

int
cmd_record_show(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	char hex[2 * LIMIT_ID_LEN + 1];
	struct store_record r;
	struct store_audit au;
	struct store *st = NULL;
	char *s = NULL;
	struct cmd_args a;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = cmd_parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "record ID")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = find_record(st, a.pos[0], &r);
	if (rc == IRO_ENOTFOUND) {
		cmd_complain("no record '%s'", a.pos[0]);
		rc = CMD_EXIT_USAGE;
	} else if (rc != 0) {
		cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
	}
	if (rc != 0)
		goto out;
	hex_encode(r.id, LIMIT_ID_LEN, hex);
	audit_cli_entry(&au, AUDIT_SHOW, cmd_wall_ms(), "showed %s %s%s%.32s%s",
	    r.type, hex, child_id(&r) != NULL ? " ('" : "",
	    child_id(&r) != NULL ? child_id(&r) : "",
	    child_id(&r) != NULL ? "')" : "");
	if ((rc = audit_shown(st, &au, &r, 1)) != 0)
		goto out;
	if (json) {
		rc = json_record(&r, &s);
		rc = cmd_print_json(rc, s);
	} else {
		print_record(&r);
	}
out:
	store_record_clear(&r);
	store_close(st);
	return rc;
}

int
cmd_record_list(int argc, char **argv)
{
	const char *data = NULL, *type = NULL;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--type", &type, NULL },
		{ "--json", NULL, &json }, { 0 }
	};
	struct store_record *r = NULL;
	struct store_audit au;
	struct store *st = NULL;
	size_t n = 0, i;
	char *s = NULL;
	struct cmd_args a;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	if ((rc = store_record_list(st, type, &r, &n)) != 0) {
		cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
		goto out;
	}
	audit_cli_entry(&au, AUDIT_RECORDS, cmd_wall_ms(), "listed %zu "
	    "records%s%.32s%s", n, type != NULL ? " of type '" : "",
	    type != NULL ? type : "", type != NULL ? "'" : "");
	if ((rc = audit_shown(st, &au, r, n)) != 0)
		goto out;
	if (json) {
		rc = json_records(r, n, &s);
		rc = cmd_print_json(rc, s);
	} else {
		for (i = 0; i < n; i++)
			print_record_line(&r[i]);
	}
out:
	store_record_free_array(r, n);
	store_close(st);
	return rc;
}
