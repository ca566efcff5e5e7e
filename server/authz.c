/*
 * authz.c - per-record write authorisation on push (authz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hex.h"
#include "iro_error.h"
#include "merge.h"
#include "authz.h"

/* A record's accepted changes and their merge. */
struct rec {
	struct change *changes;
	const struct change **ptrs;
	size_t n;
	struct merge_record m;
	bool have;
};

static void
rec_clear(struct rec *r)
{
	merge_record_clear(&r->m);
	free(r->ptrs);
	change_free_array(r->changes, r->n);
	memset(r, 0, sizeof(*r));
}

/* Merge what the store holds of id; r->have false when nothing. */
static int
rec_load(struct store *st, const uint8_t id[LIMIT_ID_LEN], struct rec *r)
{
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = store_record_changes(st, id, &r->changes, &r->n)) != 0 ||
	    r->n == 0)
		return rc;
	if ((r->ptrs = calloc(r->n, sizeof(*r->ptrs))) == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < r->n; i++)
		r->ptrs[i] = &r->changes[i];
	if ((rc = merge_record(r->ptrs, r->n, &r->m)) != 0)
		return rc;
	r->have = true;
	return 0;
}

/* The current string value of field in r, or NULL. */
static const char *
rec_str(const struct rec *r, const char *field)
{
	const struct merge_field *mf;

	if (!r->have || (mf = merge_field_find(&r->m, field)) == NULL ||
	    mf->current == NULL || mf->current->value.type != VALUE_STR)
		return NULL;
	return mf->current->value.s;
}

/*
 * Load the record of type `type` that the reference ref (a hex id) names;
 * r->have false if ref names no record of that type the server knows.
 */
static int
load_ref(struct store *st, const char *ref, const char *type, struct rec *r)
{
	char got[LIMIT_NAME_MAX + 1];
	uint8_t id[LIMIT_ID_LEN];
	int rc;

	memset(r, 0, sizeof(*r));
	if (ref == NULL || strlen(ref) != 2 * LIMIT_ID_LEN ||
	    hex_decode(ref, id, LIMIT_ID_LEN) != 0)
		return 0;
	rc = store_record_type(st, id, got);
	if (rc == IRO_ENOTFOUND || (rc == 0 && strcmp(got, type) != 0))
		return 0;
	if (rc != 0)
		return rc;
	return rec_load(st, id, r);
}

/*
 * Whether user is the IRO of the child that ref (the id of a record of
 * type via: "child", or "dispute" for a dispute's child) names.
 */
static int
check_child(struct store *st, const char *user, const char *via,
    const char *ref, char *reason, size_t len, bool *denied)
{
	struct rec kid, dispute;
	const char *iro, *cid;
	int rc = 0;

	memset(&kid, 0, sizeof(kid));
	memset(&dispute, 0, sizeof(dispute));
	if (strcmp(via, "dispute") == 0) {
		if ((rc = load_ref(st, ref, "dispute", &dispute)) != 0)
			goto out;
		if (!dispute.have) {
			*denied = true;
			snprintf(reason, len, "unknown child: dispute '%s' is "
			    "not known to the server", ref ? ref : "");
			goto out;
		}
		ref = rec_str(&dispute, "child");
	}
	if ((rc = load_ref(st, ref, "child", &kid)) != 0)
		goto out;
	if (!kid.have) {
		*denied = true;
		snprintf(reason, len, "unknown child: child '%s' is not known "
		    "to the server", ref ? ref : "");
		goto out;
	}
	iro = rec_str(&kid, "iro");
	if ((cid = rec_str(&kid, "child_id")) == NULL)
		cid = ref;
	if (iro == NULL || iro[0] == '\0') {
		*denied = true;
		snprintf(reason, len, "child '%s' is allocated to no IRO, not "
		    "'%s'", cid, user);
	} else if (strcmp(iro, user) != 0) {
		*denied = true;
		snprintf(reason, len, "child '%s' is allocated to '%s', not "
		    "'%s'", cid, iro, user);
	}
out:
	rec_clear(&dispute);
	rec_clear(&kid);
	return rc;
}

/* The caseload rule: every child the record is or becomes about. */
static int
check_caseload(struct store *st, const char *user, const struct rec *cur,
    const struct change *const *cs, size_t n, char *reason, size_t len,
    bool *denied)
{
	const char *via, *now_ref, *new_ref = NULL;
	size_t i;
	int rc;

	if (strcmp(cs[0]->type, "dispute_stage") == 0)
		via = "dispute";
	else if ((via = domain_child_ref(cs[0]->type)) == NULL)
		return 0;       /* about no child: the schema decides */
	for (i = n; i > 0 && new_ref == NULL; i--)
		if (strcmp(cs[i - 1]->field, via) == 0)
			new_ref = cs[i - 1]->value.type == VALUE_STR ?
			    cs[i - 1]->value.s : "";
	now_ref = rec_str(cur, via);
	if (now_ref == NULL && new_ref == NULL) {
		*denied = true;
		snprintf(reason, len, "unknown child: the '%s' names no %s",
		    cs[0]->type, via);
		return 0;
	}
	if (now_ref != NULL && (rc = check_child(st, user, via, now_ref,
	    reason, len, denied)) != 0)
		return rc;
	if (*denied || new_ref == NULL ||
	    (now_ref != NULL && strcmp(now_ref, new_ref) == 0))
		return 0;
	return check_child(st, user, via, new_ref, reason, len, denied);
}

/* Whether the edit finalises a note. */
static bool
finalises(const struct change *const *cs, size_t n)
{
	size_t i;

	if (strcmp(cs[0]->type, "note") != 0)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(cs[i]->field, "status") == 0 &&
		    cs[i]->value.type == VALUE_STR &&
		    strcmp(cs[i]->value.s, "final") == 0)
			return true;
	return false;
}

int
authz_check(struct store *st, const char *user, enum schema_role role,
    const struct change *const *cs, size_t n, char *reason, size_t len,
    bool *denied)
{
	struct rec cur;
	int rc;

	*denied = false;
	reason[0] = '\0';
	if (n == 0)
		return 0;
	if ((rc = rec_load(st, cs[0]->record, &cur)) != 0)
		goto out;
	/* The author is whoever created the note: its first accepted
	 * change in log order.  A note this edit creates is the sender's. */
	if (finalises(cs, n) && cur.have &&
	    strcmp(cur.changes[0].author, user) != 0) {
		*denied = true;
		snprintf(reason, len, "only the note's author '%s' may "
		    "finalise it", cur.changes[0].author);
		goto out;
	}
	/* Managers may write any child's records for now: team scopes
	 * (a manager's own team's children) come later. */
	if (role == SCHEMA_ROLE_IRO)
		rc = check_caseload(st, user, &cur, cs, n, reason, len,
		    denied);
out:
	rec_clear(&cur);
	return rc;
}
