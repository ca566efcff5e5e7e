/*
 * rules.c - the casework rules applied to a push (rules.h).
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hex.h"
#include "iro_error.h"
#include "merge.h"
#include "rules.h"

/* A record's accepted changes and their merge. */
struct loaded {
	struct change *changes;
	const struct change **ptrs;
	size_t n;
	struct merge_record m;
	bool have;
};

static void
loaded_clear(struct loaded *l)
{
	merge_record_clear(&l->m);
	free(l->ptrs);
	change_free_array(l->changes, l->n);
	memset(l, 0, sizeof(*l));
}

/* Merge what the store holds of rec; l->have false when nothing. */
static int
load(struct store *st, const uint8_t rec[LIMIT_ID_LEN], struct loaded *l)
{
	size_t i;
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = store_record_changes(st, rec, &l->changes, &l->n)) != 0 ||
	    l->n == 0)
		return rc;
	if ((l->ptrs = calloc(l->n, sizeof(*l->ptrs))) == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < l->n; i++)
		l->ptrs[i] = &l->changes[i];
	if ((rc = merge_record(l->ptrs, l->n, &l->m)) != 0)
		return rc;
	l->have = true;
	return 0;
}

/* The child the edit (else the record as it stands) names in field. */
static const struct value *
child_ref(const char *field, const struct change *const *cs, size_t n,
    const struct loaded *cur)
{
	const struct merge_field *mf;
	size_t i;

	for (i = n; i > 0; i--)
		if (strcmp(cs[i - 1]->field, field) == 0)
			return &cs[i - 1]->value;
	if (!cur->have || (mf = merge_field_find(&cur->m, field)) == NULL ||
	    mf->current == NULL)
		return NULL;
	return &mf->current->value;
}

/* Load the child ref names, if it is a child record. */
static int
load_child(struct store *st, const struct value *ref, struct loaded *kid)
{
	char type[LIMIT_NAME_MAX + 1];
	uint8_t id[LIMIT_ID_LEN];
	int rc;

	memset(kid, 0, sizeof(*kid));
	if (ref == NULL || ref->type != VALUE_STR ||
	    hex_decode(ref->s, id, LIMIT_ID_LEN) != 0)
		return 0;
	rc = store_record_type(st, id, type);
	if (rc == IRO_ENOTFOUND || (rc == 0 && strcmp(type, "child") != 0))
		return 0;
	if (rc != 0)
		return rc;
	return load(st, id, kid);
}

int
rules_check(struct store *st, const struct change *const *cs, size_t n,
    char *reason, size_t len, bool *broken)
{
	struct loaded cur, kid;
	const char *field;
	bool deletion = true;
	size_t i;
	int rc;

	*broken = false;
	reason[0] = '\0';
	memset(&cur, 0, sizeof(cur));
	memset(&kid, 0, sizeof(kid));
	for (i = 0; i < n; i++)
		deletion = deletion &&
		    strcmp(cs[i]->field, CHANGE_FIELD_DELETED) == 0;
	if (n == 0 || deletion)
		return 0;
	if ((rc = load(st, cs[0]->record, &cur)) != 0)
		goto out;
	field = domain_child_ref(cs[0]->type);
	if (field != NULL &&
	    (rc = load_child(st, child_ref(field, cs, n, &cur), &kid)) != 0)
		goto out;
	rc = domain_check(cs[0]->type, cur.have ? &cur.m : NULL, cs, n,
	    kid.have ? &kid.m : NULL, reason, len);
	if (rc == IRO_EINVAL || rc == IRO_ESTATE) {
		*broken = true;
		rc = 0;
	}
out:
	loaded_clear(&kid);
	loaded_clear(&cur);
	return rc;
}
