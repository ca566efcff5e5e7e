/*
 * cmd_allocate.c - allocate: give a child to an IRO.  The child's `iro`
 * field is written by the server through the change log like every
 * field it writes, so the next syncs bring the child to the new IRO's
 * devices and take it from the old IRO's; the change and its audit entry
 * commit together.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "hex.h"
#include "iro_error.h"
#include "upsert.h"
#include "why.h"

#define ALLOCATE_AUTHOR "allocate"      /* author of the changes */
#define REASON_MAX 500                  /* bytes of --reason */

/* One allocation: what was asked, then what was found. */
struct allocation {
	const char *child;                      /* as given */
	const char *iro;
	const char *reason;                     /* NULL: none */
	uint8_t id[LIMIT_ID_LEN];               /* the child's record */
	char child_id[2 * LIMIT_ID_LEN + 1];    /* council id, for people */
	char was[LIMIT_USER_MAX + 1];           /* "" = nobody */
};

/* --reason goes into the audit log as given, so it must read as one
 * line of text there. */
static int
check_reason(const char *s, char *why, size_t whylen)
{
	size_t i, len = strlen(s);

	if (len > REASON_MAX)
		return why_set(why, whylen, IRO_ETOOBIG, "--reason is %zu "
		    "bytes long: at most %d", len, REASON_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return why_set(why, whylen, IRO_EINVAL, "--reason must "
			    "be one line of text, without control characters");
	if (!value_utf8_valid(s, len))
		return why_set(why, whylen, IRO_EINVAL, "--reason is not "
		    "UTF-8 text");
	return 0;
}

/* The string value of field name in r, or "". */
static const char *
str_field(const struct store_record *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0 &&
		    r->fields[i].value.type == VALUE_STR)
			return r->fields[i].value.s;
	return "";
}

/* The child named by al->child (a record id, 32 hex digits, or else a
 * council child id) into *r, as the other commands name a child. */
static int
find_child(struct store *st, struct allocation *al, struct store_record *r,
    char *why, size_t whylen)
{
	struct value v = { .type = VALUE_STR };
	int rc;

	if (strlen(al->child) == 2 * LIMIT_ID_LEN &&
	    hex_decode(al->child, al->id, LIMIT_ID_LEN) == 0) {
		rc = store_record_get(st, al->id, r);
		if (rc == 0 && strcmp(r->type, "child") == 0)
			return 0;
		store_record_clear(r);
		if (rc != 0 && rc != IRO_ENOTFOUND)
			return rc;
	}
	v.s = (char *)(uintptr_t)al->child;
	v.len = strlen(al->child);
	rc = store_record_find(st, "child", "child_id", &v, al->id);
	if (rc == 0)
		rc = store_record_get(st, al->id, r);
	if (rc == IRO_ENOTFOUND)
		return why_set(why, whylen, rc, "no child '%s'", al->child);
	return rc;
}

/* The user must be an enabled account of role iro: a manager or an
 * admin holds no caseload. */
static int
check_iro(struct store *st, const char *name, char *why, size_t whylen)
{
	struct store_user u;
	int rc;

	if ((rc = store_user_get(st, name, &u)) == IRO_ENOTFOUND)
		return why_set(why, whylen, rc, "no user '%s'", name);
	if (rc != 0)
		return rc;
	crypto_wipe(u.pwhash, sizeof(u.pwhash));
	if (u.role != SCHEMA_ROLE_IRO)
		return why_set(why, whylen, IRO_EINVAL, "user '%s' has role "
		    "%s, not iro: only an iro holds a caseload", name,
		    schema_role_name(u.role));
	if (u.disabled)
		return why_set(why, whylen, IRO_EINVAL, "user '%s' is "
		    "disabled", name);
	return 0;
}

/* Set the child's iro and audit it, inside the caller's transaction.
 * *changed is false when the child is already the IRO's. */
static int
allocate(struct store *st, struct allocation *al, bool *changed, char *why,
    size_t whylen)
{
	struct upsert_field f = { .name = "iro" };
	uint64_t now = cmd_wall_ms();
	struct store_record r;
	const char *cid;
	enum upsert_state state;
	struct store_audit au;
	size_t changes = 0;
	int rc;

	*changed = false;
	memset(&r, 0, sizeof(r));
	if ((rc = find_child(st, al, &r, why, whylen)) != 0)
		return rc;
	cid = str_field(&r, "child_id");
	snprintf(al->child_id, sizeof(al->child_id), "%s",
	    *cid != '\0' ? cid : al->child);
	snprintf(al->was, sizeof(al->was), "%s", str_field(&r, "iro"));
	if (r.deleted)
		rc = why_set(why, whylen, IRO_EINVAL, "child '%s' is deleted",
		    al->child_id);
	store_record_clear(&r);
	if (rc != 0 || (rc = check_iro(st, al->iro, why, whylen)) != 0 ||
	    strcmp(al->was, al->iro) == 0)
		return rc;
	f.value.type = VALUE_STR;
	f.value.s = (char *)(uintptr_t)al->iro;
	f.value.len = strlen(al->iro);
	if ((rc = upsert_record(st, now, ALLOCATE_AUTHOR, "child", al->id, &f,
	    1, &state, &changes, why, whylen)) != 0)
		return rc;
	audit_cli_entry(&au, AUDIT_ALLOCATE, now, "child '%s' from %s%s%s to "
	    "'%s'%s%s", al->child_id, al->was[0] ? "'" : "",
	    al->was[0] ? al->was : "nobody", al->was[0] ? "'" : "", al->iro,
	    al->reason != NULL ? ": " : "",
	    al->reason != NULL ? al->reason : "");
	au.records = &al->id;
	au.nrecords = 1;
	if ((rc = store_audit_append(st, &au, NULL)) != 0)
		return rc;
	*changed = true;
	return 0;
}

/* Run the allocation in one transaction: the change and its audit entry
 * land together, or nothing does. */
static int
run(struct store *st, struct allocation *al, bool *changed, char *why,
    size_t whylen)
{
	int rc;

	if ((rc = store_begin(st)) != 0)
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	rc = allocate(st, al, changed, why, whylen);
	if (rc == 0 && *changed)
		rc = store_commit(st);
	if (rc != 0 || !*changed)
		store_rollback(st);
	if (rc == IRO_EIO || rc == IRO_EBUSY)
		why_set(why, whylen, rc, "nothing allocated: %s",
		    store_errmsg(st));
	else if (rc != 0 && rc != IRO_EINVAL && rc != IRO_ENOTFOUND &&
	    rc != IRO_ETOOBIG)
		why_set(why, whylen, rc, "nothing allocated: %s",
		    iro_strerror(rc));
	return rc;
}

int
cmd_allocate(int argc, char **argv)
{
	struct allocation al = { 0 };
	const char *data = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--child", &al.child, NULL },
		{ "--iro", &al.iro, NULL }, { "--reason", &al.reason, NULL },
		{ 0 }
	};
	struct store *st = NULL;
	struct cmd_args a;
	char why[512];
	bool changed = false;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(al.child, "--child CHILD")) != 0 ||
	    (rc = cmd_need(al.iro, "--iro USERNAME")) != 0)
		return rc;
	if (al.reason != NULL && *al.reason == '\0')
		al.reason = NULL;
	if (account_check_username(al.iro, why, sizeof(why)) != 0 ||
	    (al.reason != NULL && check_reason(al.reason, why,
	    sizeof(why)) != 0)) {
		cmd_complain("%s", why);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = run(st, &al, &changed, why, sizeof(why));
	store_close(st);
	if (rc != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	if (!changed)
		printf("child %s is already allocated to %s: nothing changed\n",
		    al.child_id, al.iro);
	else
		printf("allocated child %s to %s (was %s)\n", al.child_id,
		    al.iro, al.was[0] ? al.was : "nobody");
	return 0;
}
