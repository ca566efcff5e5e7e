/*
 * ledger.c - the rules of the server's change log (ledger.h).
 *
 * A push is checked in two passes.  The first needs no database: every
 * change must be well formed, valid for the schema and not stamped too
 * far ahead, or the whole push fails before anything is written.  The
 * second runs in one transaction and decides each change's fate against
 * the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "hlc.h"
#include "authz.h"
#include "domain.h"
#include "iro_error.h"
#include "ledger.h"
#include "rules.h"
#include "merge.h"
#include "why.h"

/* What the first pass found about one change. */
struct verdict {
	bool impostor;          /* names another device or user */
	bool role_forbidden;    /* the role may not write this field */
	char reason[LIMIT_MSG_STR_MAX + 1];
};

/* What apply_all lends each edit: the candidates of the edit being
 * applied and the records accepted changes touched (n of each at most). */
struct ledger_scratch {
	uint8_t (*touched)[LIMIT_ID_LEN];
	const struct change **cand;
	size_t ntouched;
};

static int
first_pass(const struct ledger_sender *who, const struct change *c,
    size_t i, uint64_t now_ms, struct verdict *v, char *why, size_t whylen)
{
	char msg[LIMIT_MSG_STR_MAX - 32];
	char dev[2 * LIMIT_ID_LEN + 1];
	int rc;

	memset(v, 0, sizeof(*v));
	if (change_check(c, msg, sizeof(msg)) != 0)
		return why_set(why, whylen, IRO_EINVAL, "changes[%zu]: %s", i,
		    msg);
	rc = schema_check_change(c, who->role, msg, sizeof(msg));
	if (rc == IRO_EINVAL)
		return why_set(why, whylen, rc, "changes[%zu]: %s", i, msg);
	if (rc == IRO_EFORBIDDEN) {
		v->role_forbidden = true;
		snprintf(v->reason, sizeof(v->reason), "%s", msg);
	} else if (rc != 0) {
		return why_set(why, whylen, rc, "changes[%zu]: %s", i, msg);
	}
	if (c->ts.wall_ms > now_ms && c->ts.wall_ms - now_ms > LIMIT_SKEW_MS)
		return why_set(why, whylen, IRO_ESKEW, "changes[%zu] is "
		    "stamped %llu ms ahead of the server clock (at most %d "
		    "allowed)",
		    i, (unsigned long long)(c->ts.wall_ms - now_ms),
		    LIMIT_SKEW_MS);
	if (memcmp(c->ts.device, who->device, LIMIT_ID_LEN) != 0) {
		hex_encode(c->ts.device, LIMIT_ID_LEN, dev);
		v->impostor = true;
		snprintf(v->reason, sizeof(v->reason),
		    "change of device '%s' sent by another device", dev);
	} else if (strcmp(c->author, who->username) != 0) {
		v->impostor = true;
		snprintf(v->reason, sizeof(v->reason),
		    "change by '%s' sent by user '%s'", c->author,
		    who->username);
	}
	return 0;
}

static void
add_refusal(struct wire_push_resp *resp, const struct change *c,
    const char *code, const char *reason)
{
	struct wire_refusal *r = &resp->refused[resp->nrefused++];

	memcpy(r->device, c->ts.device, LIMIT_ID_LEN);
	r->seq = c->seq;
	snprintf(r->code, sizeof(r->code), "%s", code);
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

/* Log c as refused (unless this sender's identical change already is)
 * and list it in resp. */
static int
refuse(struct store *st, const struct ledger_sender *who,
    const struct change *c, uint64_t now_ms, const char *code,
    const char *reason, struct wire_push_resp *resp)
{
	struct store_log_key key = {
		.device = c->ts.device, .seq = c->seq,
		.status = STORE_REFUSED, .origin = who->device, .content = c
	};
	struct store_entry e;
	int rc;

	rc = store_log_find(st, &key, &e);
	store_entry_clear(&e);
	if (rc == IRO_ENOTFOUND) {
		store_entry_init(&e);
		e.status = STORE_REFUSED;
		e.change = *c;          /* borrowed: not cleared below */
		memcpy(e.origin, who->device, LIMIT_ID_LEN);
		e.received_ms = now_ms;
		snprintf(e.code, sizeof(e.code), "%s", code);
		snprintf(e.reason, sizeof(e.reason), "%s", reason);
		rc = store_log_append(st, &e, NULL);
	}
	if (rc == 0)
		add_refusal(resp, c, code, reason);
	return rc;
}

/*
 * What the log already holds under c's id from c's device (the sender):
 * 1 if an identical accepted change (a duplicate) or an identical refused
 * one (listed in resp again), 0 if nothing, IRO_ECONFLICT if either holds
 * other content.
 */
static int
logged_before(struct store *st, const struct change *c,
    struct wire_push_resp *resp, char *why, size_t whylen)
{
	static const enum store_status statuses[] = {
		STORE_ACCEPTED, STORE_REFUSED
	};
	/* Only what this device itself sent counts: a forgery of its id
	 * by another device was refused and must not block the real one. */
	struct store_log_key key = {
		.device = c->ts.device, .seq = c->seq, .origin = c->ts.device
	};
	char dev[2 * LIMIT_ID_LEN + 1];
	struct store_entry e;
	size_t i;
	int rc = 0;

	for (i = 0; i < 2 && rc == 0; i++) {
		key.status = statuses[i];
		rc = store_log_find(st, &key, &e);
		if (rc == IRO_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
		if (!change_same_content(&e.change, c)) {
			hex_encode(c->ts.device, LIMIT_ID_LEN, dev);
			rc = why_set(why, whylen, IRO_ECONFLICT, "change (%s, "
			    "%llu) was logged before with other content", dev,
			    (unsigned long long)c->seq);
		} else if (e.status == STORE_ACCEPTED) {
			resp->duplicates++;
			rc = 1;
		} else {
			add_refusal(resp, c, e.code, e.reason);
			rc = 1;
		}
		store_entry_clear(&e);
	}
	return rc;
}

/* The refusal code for a change to a record logged as another type, or
 * creating a record its role may not create; NULL if neither. */
static const char *
record_rule(struct store *st, const struct ledger_sender *who,
    const struct change *c, char *reason, size_t len, int *rc)
{
	char type[LIMIT_NAME_MAX + 1];
	const struct schema_type *t;

	*rc = store_record_type(st, c->record, type);
	if (*rc == 0 && strcmp(type, c->type) != 0) {
		snprintf(reason, len, "record is a '%s', not a '%s'", type,
		    c->type);
		return "type_mismatch";
	}
	if (*rc != IRO_ENOTFOUND)
		return NULL;
	*rc = 0;
	t = schema_type_find(c->type);
	if (t != NULL && (t->creators & (unsigned)who->role) == 0) {
		snprintf(reason, len, "a %s may not create a '%s' record",
		    schema_role_name(who->role), c->type);
		return "forbidden";
	}
	return NULL;
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, LIMIT_ID_LEN);
}

/*
 * Decide what the log says of one change of the push before the casework
 * rules: refused or a duplicate (1, done with it), or a candidate for
 * acceptance (0).
 */
static int
triage(struct store *st, const struct ledger_sender *who,
    const struct change *c, const struct verdict *v, uint64_t now_ms,
    struct wire_push_resp *resp, char *why, size_t whylen)
{
	char reason[LIMIT_MSG_STR_MAX + 1];
	const char *code;
	int rc;

	if (v->impostor)
		rc = refuse(st, who, c, now_ms, "forbidden", v->reason, resp);
	else if ((rc = logged_before(st, c, resp, why, whylen)) != 0)
		return rc;
	else if (v->role_forbidden)
		rc = refuse(st, who, c, now_ms, "forbidden", v->reason, resp);
	else if ((code = record_rule(st, who, c, reason, sizeof(reason),
	    &rc)) != NULL)
		rc = refuse(st, who, c, now_ms, code, reason, resp);
	else
		return rc;
	return rc == 0 ? 1 : rc;
}

/* Log c as accepted. */
static int
accept_one(struct store *st, const struct ledger_sender *who,
    const struct change *c, uint64_t now_ms, struct hlc *clock,
    struct wire_push_resp *resp)
{
	struct store_entry e;
	int rc;

	store_entry_init(&e);
	e.status = STORE_ACCEPTED;
	e.change = *c;                  /* borrowed: not cleared */
	memcpy(e.origin, who->device, LIMIT_ID_LEN);
	e.received_ms = now_ms;
	if ((rc = store_log_append(st, &e, NULL)) != 0)
		return rc;
	resp->accepted++;
	/* A stamp too close to the counter's end is kept but not adopted:
	 * the server's own clock only needs to move past what it can. */
	(void)hlc_observe(clock, c->ts.wall_ms, c->ts.counter);
	return 0;
}

/*
 * Whether c continues the edit that prev began: a device's edit is one
 * or more changes to one record, made at one moment, with consecutive
 * counters.  The casework rules judge an edit whole, as the device did
 * before the edit entered its outbox.
 */
static bool
same_edit(const struct change *prev, const struct change *c)
{
	return memcmp(prev->record, c->record, LIMIT_ID_LEN) == 0 &&
	    memcmp(prev->ts.device, c->ts.device, LIMIT_ID_LEN) == 0 &&
	    strcmp(prev->type, c->type) == 0 &&
	    prev->ts.wall_ms == c->ts.wall_ms && c->seq == prev->seq + 1;
}

/*
 * Apply the edit changes[0..n): each change is triaged, then the
 * candidates are authorised together (authz.h: the sender's caseload,
 * a note's author) and checked against the casework rules together, and
 * either all accepted or all refused ("forbidden" or "rule").  touched collects the records
 * accepted changes touch.
 */
static int
apply_edit(struct store *st, const struct ledger_sender *who,
    const struct change *changes, size_t n, const struct verdict *v,
    uint64_t now_ms, struct hlc *clock, struct ledger_scratch *sc,
    struct wire_push_resp *resp, char *why, size_t whylen)
{
	char reason[LIMIT_MSG_STR_MAX + 1];
	struct authz_who authz;
	size_t i, ncand = 0;
	bool broken = false, denied = false;
	int rc = 0;

	for (i = 0; i < n; i++) {
		rc = triage(st, who, &changes[i], &v[i], now_ms, resp, why,
		    whylen);
		if (rc < 0)
			return rc;
		if (rc == 0)
			sc->cand[ncand++] = &changes[i];
	}
	rc = 0;
	authz.username = who->username;
	authz.role = who->role;
	authz.team = who->team;
	authz.last_pull_ms = who->last_pull_ms;
	authz.now_ms = now_ms;
	if (ncand > 0 && (rc = authz_check(st, &authz, sc->cand, ncand,
	    reason, sizeof(reason), &denied)) != 0)
		return rc;
	if (ncand > 0 && !denied && (rc = rules_check(st, sc->cand, ncand,
	    reason, sizeof(reason), &broken)) != 0)
		return rc;
	for (i = 0; i < ncand && rc == 0; i++) {
		if (denied || broken) {
			rc = refuse(st, who, sc->cand[i], now_ms,
			    denied ? "forbidden" : "rule", reason, resp);
			continue;
		}
		rc = accept_one(st, who, sc->cand[i], now_ms, clock, resp);
		if (rc == 0)
			memcpy(sc->touched[sc->ntouched++], sc->cand[i]->record,
			    LIMIT_ID_LEN);
	}
	return rc;
}

/* Merge every record in touched[0..n) again (sorted, each once). */
static int
refresh_all(struct store *st, uint8_t (*touched)[LIMIT_ID_LEN], size_t n)
{
	size_t i;
	int rc = 0;

	qsort(touched, n, LIMIT_ID_LEN, cmp_id);
	for (i = 0; i < n && rc == 0; i++)
		if (i == 0 || memcmp(touched[i], touched[i - 1],
		    LIMIT_ID_LEN) != 0)
			rc = ledger_refresh(st, touched[i]);
	return rc;
}

static int
apply_all(struct store *st, const struct ledger_sender *who,
    const struct change *changes, size_t n, const struct verdict *v,
    uint64_t now_ms, const struct ledger_hook *hook,
    struct wire_push_resp *resp, char *why, size_t whylen)
{
	struct ledger_scratch sc = { NULL, NULL, 0 };
	struct hlc clock;
	size_t i, j;
	int rc;

	if ((sc.touched = calloc(n, LIMIT_ID_LEN)) == NULL ||
	    (sc.cand = calloc(n, sizeof(*sc.cand))) == NULL) {
		rc = IRO_ENOMEM;
		goto out;
	}
	if ((rc = store_begin(st)) != 0)
		goto out;
	if ((rc = store_hlc_get(st, &clock)) != 0)
		goto out;
	for (i = 0; i < n && rc == 0; i = j) {
		for (j = i + 1; j < n && same_edit(&changes[j - 1],
		    &changes[j]); j++)
			;
		rc = apply_edit(st, who, &changes[i], j - i, &v[i], now_ms,
		    &clock, &sc, resp, why, whylen);
	}
	if (rc == 0)
		rc = refresh_all(st, sc.touched, sc.ntouched);
	if (rc == 0 && sc.ntouched > 0)
		rc = store_hlc_put(st, &clock);
	if (rc == 0 && hook != NULL && hook->before_commit != NULL)
		rc = hook->before_commit(hook->ctx, st, resp);
	if (rc == 0)
		rc = store_commit(st);
out:
	if (rc != 0) {
		store_rollback(st);
		if (rc == IRO_EIO || rc == IRO_EBUSY)
			why_set(why, whylen, rc, "%s", store_errmsg(st));
		else if (rc != IRO_ECONFLICT)
			why_set(why, whylen, rc, "cannot apply the push: %s",
			    iro_strerror(rc));
	}
	free(sc.touched);
	free(sc.cand);
	return rc;
}

int
ledger_push(struct store *st, const struct ledger_sender *who,
    const struct change *changes, size_t n, uint64_t now_ms,
    const struct ledger_hook *hook, struct wire_push_resp *resp, char *why,
    size_t whylen)
{
	struct verdict *v = NULL;
	size_t i;
	int rc = 0;

	memset(resp, 0, sizeof(*resp));
	if (n > LIMIT_PUSH_CHANGES)
		return why_set(why, whylen, IRO_ETOOBIG, "%zu changes in one "
		    "push (at most %d)", n, LIMIT_PUSH_CHANGES);
	if (n == 0)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL ||
	    (resp->refused = calloc(n, sizeof(*resp->refused))) == NULL) {
		rc = IRO_ENOMEM;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = first_pass(who, &changes[i], i, now_ms, &v[i], why,
		    whylen);
	if (rc == 0)
		rc = apply_all(st, who, changes, n, v, now_ms, hook, resp,
		    why, whylen);
out:
	free(v);
	if (rc != 0)
		wire_push_resp_clear(resp);
	return rc;
}

int
ledger_author(struct store *st, uint64_t now_ms, struct change *c)
{
	char msg[LIMIT_MSG_STR_MAX];
	struct store_entry e;
	struct hlc clock;
	int rc;

	store_server_id(st, c->ts.device);
	if ((rc = store_seq_next(st, &c->seq)) != 0 ||
	    (rc = store_hlc_get(st, &clock)) != 0 ||
	    (rc = hlc_tick(&clock, now_ms, &clock)) != 0 ||
	    (rc = store_hlc_put(st, &clock)) != 0)
		return rc;
	c->ts.wall_ms = clock.wall_ms;
	c->ts.counter = clock.counter;
	if (change_check(c, msg, sizeof(msg)) != 0)
		return IRO_EINVAL;
	store_entry_init(&e);
	e.status = STORE_ACCEPTED;
	e.change = *c;                  /* borrowed: not cleared */
	memcpy(e.origin, c->ts.device, LIMIT_ID_LEN);
	e.received_ms = now_ms;
	return store_log_append(st, &e, NULL);
}

void
ledger_record_clear(struct ledger_record *r)
{
	if (r == NULL)
		return;
	merge_record_clear(&r->m);
	free(r->ptrs);
	change_free_array(r->changes, r->n);
	memset(r, 0, sizeof(*r));
}

int
ledger_record_load(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    struct ledger_record *r)
{
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = store_record_changes(st, rec, &r->changes, &r->n)) != 0 ||
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

int
ledger_record_load_ref(struct store *st, const char *ref, const char *type,
    struct ledger_record *r)
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
	return ledger_record_load(st, id, r);
}

/* The current string value of field in m, or NULL. */
static const char *
current_str(const struct merge_record *m, const char *field)
{
	const struct merge_field *mf = merge_field_find(m, field);

	if (mf == NULL || mf->current == NULL ||
	    mf->current->value.type != VALUE_STR)
		return NULL;
	return mf->current->value.s;
}

const char *
ledger_record_str(const struct ledger_record *r, const char *field)
{
	return r->have ? current_str(&r->m, field) : NULL;
}

static int record_scope(struct store *st, const struct merge_record *m,
    struct store_scope *sc, const char **iro);

/* The scope of dispute id from its accepted changes, for a stage merged
 * in the same push before its dispute was (refresh order is by id). */
static int
dispute_scope(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    struct store_scope *sc)
{
	struct ledger_record d;
	const char *iro;
	int rc;

	memset(sc, 0, sizeof(*sc));
	if ((rc = ledger_record_load(st, id, &d)) == 0 && d.have &&
	    strcmp(d.m.type, "dispute") == 0)
		rc = record_scope(st, &d.m, sc, &iro);
	ledger_record_clear(&d);
	return rc;
}

/* The scope of merged record m, and for a child its allocated IRO. */
static int
record_scope(struct store *st, const struct merge_record *m,
    struct store_scope *sc, const char **iro)
{
	uint8_t dispute[LIMIT_ID_LEN];
	const char *via, *ref;
	int rc;

	memset(sc, 0, sizeof(*sc));
	*iro = NULL;
	if (strcmp(m->type, "child") == 0) {
		sc->kind = STORE_SCOPE_CHILD;
		memcpy(sc->child, m->record, LIMIT_ID_LEN);
		if ((*iro = current_str(m, "iro")) == NULL)
			*iro = "";
		return 0;
	}
	if (strcmp(m->type, "dispute_stage") == 0)
		via = "dispute";
	else if ((via = domain_child_ref(m->type)) == NULL) {
		sc->kind = STORE_SCOPE_COUNCIL;
		return 0;
	}
	ref = current_str(m, via);
	if (ref == NULL || strlen(ref) != 2 * LIMIT_ID_LEN ||
	    hex_decode(ref, sc->child, LIMIT_ID_LEN) != 0) {
		memset(sc, 0, sizeof(*sc));
		return 0;
	}
	sc->kind = STORE_SCOPE_CHILD;
	if (strcmp(via, "dispute") != 0)
		return 0;
	/* A stage is about whatever child its dispute is about. */
	memcpy(dispute, sc->child, LIMIT_ID_LEN);
	rc = store_record_scope(st, dispute, sc);
	if (rc == IRO_ENOTFOUND)
		rc = dispute_scope(st, dispute, sc);
	if (rc == 0 && sc->kind != STORE_SCOPE_CHILD)
		memset(sc, 0, sizeof(*sc));
	return rc;
}

int
ledger_refresh(struct store *st, const uint8_t rec[LIMIT_ID_LEN])
{
	struct store_scope sc;
	struct ledger_record r;
	const char *iro;
	int rc;

	if ((rc = ledger_record_load(st, rec, &r)) == 0 && r.have &&
	    (rc = record_scope(st, &r.m, &sc, &iro)) == 0)
		rc = store_record_put(st, &r.m, &sc, iro);
	ledger_record_clear(&r);
	return rc;
}

int
ledger_rescope(struct store *st)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = store_unscoped(st, &ids, &n)) != 0 || n == 0)
		return rc;
	if ((rc = store_begin(st)) != 0)
		goto out;
	for (i = 0; i < n && rc == 0; i++)
		rc = ledger_refresh(st, ids[i]);
	if (rc == 0)
		rc = store_commit(st);
	else
		store_rollback(st);
out:
	free(ids);
	return rc;
}
