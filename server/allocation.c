/*
 * allocation.c - moving a child to an IRO (allocation.h).
 */
#include <stdio.h>
#include <string.h>

#include "allocation.h"
#include "crypto.h"
#include "hex.h"
#include "iro_error.h"
#include "upsert.h"
#include "why.h"

#define ALLOCATE_AUTHOR "allocate"      /* author of the changes */

int
allocation_check_reason(const char *s, char *why, size_t whylen)
{
	size_t i, len = strlen(s);

	if (len > ALLOCATION_REASON_MAX)
		return why_set(why, whylen, IRO_ETOOBIG, "the reason is %zu "
		    "bytes long: at most %d", len, ALLOCATION_REASON_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return why_set(why, whylen, IRO_EINVAL, "the reason must "
			    "be one line of text, without control characters");
	if (!value_utf8_valid(s, len))
		return why_set(why, whylen, IRO_EINVAL, "the reason is not "
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

/* Set the child's iro, inside the caller's transaction. */
static int
allocate(struct store *st, struct allocation *al, char *why, size_t whylen)
{
	struct upsert_field f = { .name = "iro" };
	struct store_record r;
	const char *cid;
	enum upsert_state state;
	size_t changes = 0;
	int rc;

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
	if ((rc = upsert_record(st, al->now_ms, ALLOCATE_AUTHOR, "child",
	    al->id, &f, 1, &state, &changes, why, whylen)) != 0)
		return rc;
	al->changed = true;
	return 0;
}

int
allocation_run(struct store *st, struct allocation *al,
    const struct allocation_hook *hook, char *why, size_t whylen)
{
	int rc;

	al->changed = false;
	if ((rc = store_begin(st)) != 0)
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	rc = allocate(st, al, why, whylen);
	if (rc == 0 && al->changed && hook != NULL &&
	    hook->before_commit != NULL)
		rc = hook->before_commit(hook->ctx, st, al);
	if (rc == 0 && al->changed)
		rc = store_commit(st);
	if (rc != 0 || !al->changed)
		store_rollback(st);
	if (rc != 0)
		al->changed = false;
	if (rc == IRO_EIO || rc == IRO_EBUSY)
		why_set(why, whylen, rc, "nothing allocated: %s",
		    store_errmsg(st));
	else if (rc != 0 && rc != IRO_EINVAL && rc != IRO_ENOTFOUND &&
	    rc != IRO_ETOOBIG)
		why_set(why, whylen, rc, "nothing allocated: %s",
		    iro_strerror(rc));
	return rc;
}

void
allocation_describe(const struct allocation *al, char *buf, size_t len)
{
	snprintf(buf, len, "child '%s' from %s%s%s to '%s'%s%s", al->child_id,
	    al->was[0] ? "'" : "", al->was[0] ? al->was : "nobody",
	    al->was[0] ? "'" : "", al->iro, al->reason != NULL ? ": " : "",
	    al->reason != NULL ? al->reason : "");
}
