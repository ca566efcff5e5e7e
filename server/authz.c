/*
 * authz.c - per-record write authorisation on push (authz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "iro_error.h"
#include "merge.h"
#include "authz.h"
#include "ledger.h"
#include "settings.h"

/*
 * The allocation of child k when the edit stamped `at` was made: the
 * latest accepted change to its "iro" stamped before `at` (*was; NULL if
 * none) and the first one after it (*next, the reallocation; NULL if
 * none).
 */
static void
iro_at(const struct ledger_record *k, const struct stamp *at,
    const struct change **was, const struct change **next)
{
	size_t i;

	*was = *next = NULL;
	for (i = 0; i < k->n; i++) {
		const struct change *c = &k->changes[i];

		if (strcmp(c->field, "iro") != 0)
			continue;
		if (stamp_cmp(&c->ts, at) < 0) {
			if (*was == NULL || stamp_cmp(&c->ts, &(*was)->ts) > 0)
				*was = c;
		} else if (*next == NULL ||
		    stamp_cmp(&c->ts, &(*next)->ts) < 0) {
			*next = c;
		}
	}
}

/* The council's lease in ms (the setting, or its default). */
static int
lease_ms(struct store *st, uint64_t *out)
{
	char v[32];
	bool set;
	int rc;

	*out = 0;
	if ((rc = settings_get(st, "lease_days", v, sizeof(v), &set)) != 0)
		return rc;
	*out = strtoull(v, NULL, 10) * 24 * 60 * 60 * 1000;
	return 0;
}

/* Whether a manager of team `team` may write about a child allocated to
 * iro: one of their team's IROs, or nobody yet. */
static int
manager_may(struct store *st, const char *team, const char *iro,
    bool *ok, char *iro_team, size_t len)
{
	struct store_user u;
	int rc;

	*ok = false;
	iro_team[0] = '\0';
	if (iro[0] == '\0') {
		*ok = true;
		return 0;
	}
	rc = store_user_get(st, iro, &u);
	if (rc == IRO_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	snprintf(iro_team, len, "%s", u.team);
	*ok = team != NULL && team[0] != '\0' && strcmp(u.team, team) == 0;
	return 0;
}

/*
 * Whether who's edit stamped `at` was made while child k was in their
 * scope (allocated to them, or for a manager to one of their team's IROs
 * or to nobody) and may still be delivered (authz.h): the device has not
 * pulled since the reallocation, and the reallocation is within the
 * lease.
 */
static int
was_theirs(struct store *st, const struct authz_who *who,
    const struct ledger_record *k, const struct stamp *at, bool *ok)
{
	char team[STORE_TEAM_MAX + 1];
	const struct change *was, *next;
	const char *then;
	uint64_t lease;
	int rc;

	*ok = false;
	iro_at(k, at, &was, &next);
	if (next == NULL || who->last_pull_ms >= next->ts.wall_ms)
		return 0;
	then = was != NULL && was->value.type == VALUE_STR ? was->value.s :
	    "";
	if (who->role == SCHEMA_ROLE_IRO && strcmp(then, who->username) != 0)
		return 0;
	if (who->role == SCHEMA_ROLE_MANAGER && ((rc = manager_may(st,
	    who->team, then, ok, team, sizeof(team))) != 0 || !*ok))
		return rc;
	*ok = false;
	if ((rc = lease_ms(st, &lease)) != 0)
		return rc;
	*ok = who->now_ms <= next->ts.wall_ms ||
	    who->now_ms - next->ts.wall_ms <= lease;
	return 0;
}

/*
 * Whether who may write about the child that ref (the id of a record of
 * type via: "child", or "dispute" for a dispute's child) names, with an
 * edit stamped `at`.
 */
static int
check_child(struct store *st, const struct authz_who *who, const char *via,
    const char *ref, const struct stamp *at, char *reason, size_t len,
    bool *denied)
{
	char team[STORE_TEAM_MAX + 1];
	struct ledger_record kid, dispute;
	const char *iro, *cid;
	bool ok = false;
	int rc = 0;

	memset(&kid, 0, sizeof(kid));
	memset(&dispute, 0, sizeof(dispute));
	if (strcmp(via, "dispute") == 0) {
		if ((rc = ledger_record_load_ref(st, ref, "dispute", &dispute)) != 0)
			goto out;
		if (!dispute.have) {
			*denied = true;
			snprintf(reason, len, "unknown child: dispute '%s' is "
			    "not known to the server", ref ? ref : "");
			goto out;
		}
		ref = ledger_record_str(&dispute, "child");
	}
	if ((rc = ledger_record_load_ref(st, ref, "child", &kid)) != 0)
		goto out;
	if (!kid.have) {
		*denied = true;
		snprintf(reason, len, "unknown child: child '%s' is not known "
		    "to the server", ref ? ref : "");
		goto out;
	}
	if ((iro = ledger_record_str(&kid, "iro")) == NULL)
		iro = "";
	if ((cid = ledger_record_str(&kid, "child_id")) == NULL)
		cid = ref;
	switch (who->role) {
	case SCHEMA_ROLE_IRO:
		/* An edit made while the child was theirs still counts when
		 * it arrives after a reallocation: it is kept, not lost. */
		if (strcmp(iro, who->username) == 0)
			break;
		if ((rc = was_theirs(st, who, &kid, at, &ok)) != 0 || ok)
			break;
		*denied = true;
		if (iro[0] == '\0')
			snprintf(reason, len, "child '%s' is allocated to no "
			    "IRO, not '%s'", cid, who->username);
		else
			snprintf(reason, len, "child '%s' is allocated to "
			    "'%s', not '%s'", cid, iro, who->username);
		break;
	case SCHEMA_ROLE_MANAGER:
		if ((rc = manager_may(st, who->team, iro, &ok, team,
		    sizeof(team))) != 0 || ok)
			break;
		if ((rc = was_theirs(st, who, &kid, at, &ok)) != 0 || ok)
			break;
		/* The current team, for the reason. */
		if ((rc = manager_may(st, who->team, iro, &ok, team,
		    sizeof(team))) != 0)
			break;
		*denied = true;
		snprintf(reason, len, "child '%s' is allocated to '%s' of "
		    "team '%s', not of team '%s'", cid, iro, team,
		    who->team != NULL ? who->team : "");
		break;
	default:
		*denied = true;
		snprintf(reason, len, "role '%s' does not write children's "
		    "records", schema_role_name(who->role));
		break;
	}
out:
	ledger_record_clear(&dispute);
	ledger_record_clear(&kid);
	return rc;
}

/* The caseload rule: the child the record is about, which no edit may
 * change (scopes follow it: a record that moved would stay behind on
 * one device and arrive half on another). */
static int
check_caseload(struct store *st, const struct authz_who *who,
    const struct ledger_record *cur, const struct change *const *cs, size_t n,
    char *reason, size_t len, bool *denied)
{
	const char *via, *now_ref, *new_ref = NULL;
	size_t i;

	if (strcmp(cs[0]->type, "dispute_stage") == 0)
		via = "dispute";
	else if ((via = domain_child_ref(cs[0]->type)) == NULL)
		return 0;       /* about no child: the schema decides */
	for (i = n; i > 0 && new_ref == NULL; i--)
		if (strcmp(cs[i - 1]->field, via) == 0)
			new_ref = cs[i - 1]->value.type == VALUE_STR ?
			    cs[i - 1]->value.s : "";
	now_ref = ledger_record_str(cur, via);
	if (now_ref == NULL && new_ref == NULL) {
		*denied = true;
		snprintf(reason, len, "unknown child: the '%s' names no %s",
		    cs[0]->type, via);
		return 0;
	}
	if (now_ref != NULL && new_ref != NULL &&
	    strcmp(now_ref, new_ref) != 0) {
		*denied = true;
		snprintf(reason, len, "a %s cannot move to another %s: "
		    "record it again under the right one", cs[0]->type, via);
		return 0;
	}
	return check_child(st, who, via, now_ref != NULL ? now_ref : new_ref,
	    &cs[0]->ts, reason, len, denied);
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
authz_check(struct store *st, const struct authz_who *who,
    const struct change *const *cs, size_t n, char *reason, size_t len,
    bool *denied)
{
	struct ledger_record cur;
	int rc;

	*denied = false;
	reason[0] = '\0';
	if (n == 0)
		return 0;
	if ((rc = ledger_record_load(st, cs[0]->record, &cur)) != 0)
		goto out;
	/* The author is whoever created the note: its first accepted
	 * change in log order.  A note this edit creates is the sender's. */
	if (finalises(cs, n) && cur.have &&
	    strcmp(cur.changes[0].author, who->username) != 0) {
		*denied = true;
		snprintf(reason, len, "only the note's author '%s' may "
		    "finalise it", cur.changes[0].author);
		goto out;
	}
	rc = check_caseload(st, who, &cur, cs, n, reason, len, denied);
out:
	ledger_record_clear(&cur);
	return rc;
}
