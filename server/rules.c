/*
 * rules.c - the casework rules applied to a push (rules.h).
 */
#include <string.h>

#include "domain.h"
#include "iro_error.h"
#include "merge.h"
#include "ledger.h"
#include "rules.h"

/* The child the edit (else the record as it stands) names in field. */
static const struct value *
child_ref(const char *field, const struct change *const *cs, size_t n,
    const struct ledger_record *cur)
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

int
rules_check(struct store *st, const struct change *const *cs, size_t n,
    char *reason, size_t len, bool *broken)
{
	struct ledger_record cur, kid;
	const struct value *ref;
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
	if ((rc = ledger_record_load(st, cs[0]->record, &cur)) != 0)
		goto out;
	field = domain_child_ref(cs[0]->type);
	if (field != NULL && (ref = child_ref(field, cs, n, &cur)) != NULL &&
	    ref->type == VALUE_STR && (rc = ledger_record_load_ref(st, ref->s,
	    "child", &kid)) != 0)
		goto out;
	rc = domain_check(cs[0]->type, cur.have ? &cur.m : NULL, cs, n,
	    kid.have ? &kid.m : NULL, reason, len);
	if (rc == IRO_EINVAL || rc == IRO_ESTATE) {
		*broken = true;
		rc = 0;
	}
out:
	ledger_record_clear(&kid);
	ledger_record_clear(&cur);
	return rc;
}
