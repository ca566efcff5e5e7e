/*
 * reconcile.c - keeping the replica to the device's scope (reconcile.h).
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hex.h"
#include "merge.h"
#include "reconcile.h"
#include "scope.h"

#define META_SCOPE "scope"

int
reconcile_scope_get(struct iro *h, uint8_t (**ids)[LIMIT_ID_LEN],
    size_t *n, bool *known)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	*known = false;
	rc = replica_meta_get(h->replica, META_SCOPE, &buf, &len);
	if (rc == IRO_ENOTFOUND)
		return 0;
	if (rc != 0)
		return handle_fail_replica(h, rc, "read the device's scope");
	if (len % LIMIT_ID_LEN != 0 ||
	    !scope_valid((const uint8_t (*)[LIMIT_ID_LEN])buf,
	    len / LIMIT_ID_LEN)) {
		free(buf);
		return handle_fail(h, IRO_ECORRUPT, "the device's saved scope "
		    "is damaged");
	}
	*known = true;
	if (len == 0) {
		free(buf);
		return 0;
	}
	*ids = (uint8_t (*)[LIMIT_ID_LEN])buf;
	*n = len / LIMIT_ID_LEN;
	return 0;
}

int
reconcile_scope_put(struct iro *h, const uint8_t (*ids)[LIMIT_ID_LEN],
    size_t n)
{
	static const uint8_t none[1];
	int rc;

	rc = replica_meta_put(h->replica, META_SCOPE, n > 0 ?
	    (const void *)ids : none, n * LIMIT_ID_LEN);
	if (rc != 0)
		return handle_fail_replica(h, rc, "save the device's scope");
	return 0;
}

/* The id that field of r currently holds; false if none. */
static bool
rec_ref(const struct handle_rec *r, const char *field,
    uint8_t id[LIMIT_ID_LEN])
{
	const struct merge_field *mf;
	const char *s;

	if ((mf = merge_field_find(&r->m, field)) == NULL ||
	    mf->current == NULL || mf->current->value.type != VALUE_STR)
		return false;
	s = mf->current->value.s;
	return strlen(s) == 2 * LIMIT_ID_LEN &&
	    hex_decode(s, id, LIMIT_ID_LEN) == 0;
}

/* Load record id with every stored change, refused ones too (a record
 * only the server refused still tells which child it is about).  *have
 * false when it cannot be merged: such a record cannot be placed, and
 * stays. */
static int
rec_load(struct iro *h, const uint8_t id[LIMIT_ID_LEN], struct handle_rec *r,
    bool *have)
{
	int rc = handle_rec_load_all(h, id, r);

	*have = rc == 0;
	return rc == IRO_ENOTFOUND || rc == IRO_ECORRUPT ? 0 : rc;
}

/*
 * The child record id is about, into child; *known false for a record
 * about no child or one that cannot be told.
 */
static int
child_of(struct iro *h, const uint8_t id[LIMIT_ID_LEN],
    uint8_t child[LIMIT_ID_LEN], bool *known)
{
	struct handle_rec r, d;
	uint8_t dispute[LIMIT_ID_LEN];
	const char *via;
	bool have;
	int rc;

	*known = false;
	memset(&d, 0, sizeof(d));
	if ((rc = rec_load(h, id, &r, &have)) != 0 || !have)
		goto out;
	if (strcmp(r.type, "child") == 0) {
		memcpy(child, id, LIMIT_ID_LEN);
		*known = true;
	} else if (strcmp(r.type, "dispute_stage") == 0) {
		if (rec_ref(&r, "dispute", dispute) &&
		    (rc = rec_load(h, dispute, &d, &have)) == 0 && have &&
		    strcmp(d.type, "dispute") == 0)
			*known = rec_ref(&d, "child", child);
	} else if ((via = domain_child_ref(r.type)) != NULL) {
		*known = rec_ref(&r, via, child);
	}
out:
	handle_rec_clear(&d);
	handle_rec_clear(&r);
	return rc;
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, LIMIT_ID_LEN);
}

int
reconcile_forget(struct iro *h, const uint8_t (*keep)[LIMIT_ID_LEN],
    size_t nkeep, uint64_t *children)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL, (*gone)[LIMIT_ID_LEN] = NULL;
	uint8_t (*kids)[LIMIT_ID_LEN] = NULL;
	uint8_t child[LIMIT_ID_LEN];
	size_t n = 0, ngone = 0, nkids = 0, i;
	bool known;
	int rc;

	*children = 0;
	if ((rc = replica_records(h->replica, NULL, &ids, &n)) != 0)
		return handle_fail_replica(h, rc, "list the records");
	if (n > 0 && ((gone = calloc(n, LIMIT_ID_LEN)) == NULL ||
	    (kids = calloc(n, LIMIT_ID_LEN)) == NULL)) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((rc = child_of(h, ids[i], child, &known)) != 0)
			goto out;
		if (!known || scope_has(keep, nkeep, child))
			continue;
		memcpy(gone[ngone++], ids[i], LIMIT_ID_LEN);
		memcpy(kids[nkids++], child, LIMIT_ID_LEN);
	}
	if (ngone == 0)
		goto out;
	scope_sort(kids, &nkids);
	qsort(gone, ngone, LIMIT_ID_LEN, cmp_id);
	rc = replica_forget(h->replica, (const uint8_t (*)[LIMIT_ID_LEN])gone,
	    ngone);
	if (rc == IRO_EBUSY) {
		rc = handle_fail(h, IRO_EBUSY, "%zu %s left this device's "
		    "caseload but %s edits not yet sent: run iro sync again "
		    "(%s)", nkids, nkids == 1 ? "child" : "children",
		    nkids == 1 ? "has" : "have", replica_errmsg(h->replica));
		goto out;
	}
	if (rc != 0) {
		rc = handle_fail_replica(h, rc, "forget the records of "
		    "children no longer in this device's caseload");
		goto out;
	}
	*children = nkids;
	if ((rc = replica_compact(h->replica)) != 0)
		rc = handle_fail_replica(h, rc, "clear forgotten records "
		    "from the file");
out:
	free(kids);
	free(gone);
	free(ids);
	return rc;
}
