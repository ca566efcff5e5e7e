/*
 * store_sqlite_acct.c - the SQLite store's accounts, failed logins,
 * devices, request nonces and statistics (store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "store.h"
#include "store_sqlite.h"

/* ---- accounts ---- */

static int
read_user(sqlite3_stmt *s, struct store_user *u)
{
	char role[16];

	memset(u, 0, sizeof(*u));
	ss_text(s, 0, u->username, sizeof(u->username));
	ss_text(s, 1, role, sizeof(role));
	ss_text(s, 2, u->team, sizeof(u->team));
	ss_text(s, 3, u->display_name, sizeof(u->display_name));
	ss_text(s, 4, u->pwhash, sizeof(u->pwhash));
	u->created_ms = (uint64_t)sqlite3_column_int64(s, 5);
	u->disabled = sqlite3_column_int(s, 6) != 0;
	return schema_role_parse(role, &u->role) == 0 ? 0 : IRO_ECORRUPT;
}

int
store_user_add(struct store *st, const struct store_user *u)
{
	sqlite3_stmt *s;
	int rc;

	if (u->username[0] == '\0' || u->pwhash[0] == '\0')
		return IRO_EINVAL;
	if ((rc = ss_stmt(st, SS_USER_ADD, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, u->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, schema_role_name(u->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, u->team, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, u->display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, u->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)u->created_ms);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return IRO_EEXIST;
	return ss_fail(st, "add the user");
}

int
store_user_get(struct store *st, const char *username, struct store_user *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ss_stmt(st, SS_USER_GET, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = read_user(s, out);
	else
		rc = rc == SQLITE_DONE ? IRO_ENOTFOUND :
		    ss_fail(st, "read the user");
	sqlite3_reset(s);
	return rc;
}

int
store_user_list(struct store *st, struct store_user **out, size_t *n)
{
	struct store_user *a = NULL;
	size_t cap = 0, cnt = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ss_stmt(st, SS_USER_LIST, &s)) != 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_grow((void **)&a, &cap, cnt, sizeof(*a),
		    SIZE_MAX / sizeof(*a))) != 0 ||
		    (rc = read_user(s, &a[cnt])) != 0)
			goto out;
		cnt++;
	}
	rc = rc == SQLITE_DONE ? 0 : ss_fail(st, "list the users");
out:
	sqlite3_reset(s);
	if (rc != 0) {
		free(a);
		return rc;
	}
	*out = a;
	*n = cnt;
	return 0;
}

/* Run an UPDATE of one row; IRO_ENOTFOUND if no row matched. */
static int
update_one(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = ss_exec(st, s, what);

	if (rc == 0 && sqlite3_changes(st->db) == 0)
		return IRO_ENOTFOUND;
	return rc;
}

int
store_user_set_disabled(struct store *st, const char *username,
    bool disabled)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_USER_DISABLE, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, disabled ? 1 : 0);
	return update_one(st, s, "change the account");
}

int
store_user_set_pwhash(struct store *st, const char *username,
    const char *pwhash)
{
	sqlite3_stmt *s;
	int rc;

	if (pwhash == NULL || pwhash[0] == '\0')
		return IRO_EINVAL;
	if ((rc = ss_stmt(st, SS_USER_PWHASH, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pwhash, -1, SQLITE_STATIC);
	return update_one(st, s, "change the password");
}

/* ---- failed logins ---- */

static int
fail_key_ok(const char *key)
{
	return key != NULL && key[0] != '\0' &&
	    strnlen(key, STORE_FAIL_KEY_MAX + 1) <= STORE_FAIL_KEY_MAX;
}

int
store_fail_add(struct store *st, const char *key, uint64_t now_ms,
    uint64_t keep_ms)
{
	sqlite3_stmt *s;
	bool own;
	int rc;

	if (!fail_key_ok(key) || now_ms > INT64_MAX)
		return IRO_EINVAL;
	if ((rc = ss_tx_enter(st, &own)) != 0)
		return rc;
	if ((rc = ss_stmt(st, SS_FAIL_PRUNE, &s)) != 0)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)(now_ms > keep_ms ?
	    now_ms - keep_ms : 0));
	if ((rc = ss_exec(st, s, "forget old failures")) != 0)
		goto out;
	if ((rc = ss_stmt(st, SS_FAIL_ADD, &s)) != 0)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now_ms);
	rc = ss_exec(st, s, "record the failure");
out:
	return ss_tx_leave(st, own, rc);
}

int
store_fail_count(struct store *st, const char *key, uint64_t since_ms,
    uint64_t *n)
{
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if (!fail_key_ok(key) || since_ms > INT64_MAX)
		return IRO_EINVAL;
	if ((rc = ss_stmt(st, SS_FAIL_COUNT, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)since_ms);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*n = (uint64_t)sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		rc = ss_fail(st, "count the failures");
	sqlite3_reset(s);
	return rc;
}

int
store_fail_clear(struct store *st, const char *key)
{
	sqlite3_stmt *s;
	int rc;

	if (!fail_key_ok(key))
		return IRO_EINVAL;
	if ((rc = ss_stmt(st, SS_FAIL_CLEAR, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	return ss_exec(st, s, "forget the failures");
}

int
store_fail_undo(struct store *st, const char *key, uint64_t at_ms)
{
	sqlite3_stmt *s;
	int rc;

	if (!fail_key_ok(key) || at_ms > INT64_MAX)
		return IRO_EINVAL;
	if ((rc = ss_stmt(st, SS_FAIL_UNDO, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)at_ms);
	return ss_exec(st, s, "forget the failure");
}

/* ---- devices ---- */

static int
read_device(sqlite3_stmt *s, struct store_device *d)
{
	memset(d, 0, sizeof(*d));
	if (ss_blob(s, 0, d->id, LIMIT_ID_LEN) != 0 ||
	    ss_blob(s, 3, d->pubkey, CRYPTO_PK_LEN) != 0)
		return IRO_ECORRUPT;
	ss_text(s, 1, d->username, sizeof(d->username));
	ss_text(s, 2, d->name, sizeof(d->name));
	d->revoked = sqlite3_column_int(s, 4) != 0;
	d->enrolled_ms = (uint64_t)sqlite3_column_int64(s, 5);
	d->last_sync_ms = (uint64_t)sqlite3_column_int64(s, 6);
	d->last_pull_ms = (uint64_t)sqlite3_column_int64(s, 7);
	return 0;
}

int
store_device_add(struct store *st, const struct store_device *d)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_DEVICE_ADD, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, d->id, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, d->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, d->pubkey, CRYPTO_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)d->enrolled_ms);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return IRO_EEXIST;
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return IRO_ENOTFOUND;
	return ss_fail(st, "add the device");
}

int
store_device_get(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    struct store_device *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ss_stmt(st, SS_DEVICE_GET, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, id, LIMIT_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = read_device(s, out);
	else
		rc = rc == SQLITE_DONE ? IRO_ENOTFOUND :
		    ss_fail(st, "read the device");
	sqlite3_reset(s);
	return rc;
}

int
store_device_list(struct store *st, struct store_device **out, size_t *n)
{
	struct store_device *a = NULL;
	size_t cap = 0, cnt = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ss_stmt(st, SS_DEVICE_LIST, &s)) != 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = ss_grow((void **)&a, &cap, cnt, sizeof(*a),
		    SIZE_MAX / sizeof(*a))) != 0 ||
		    (rc = read_device(s, &a[cnt])) != 0)
			goto out;
		cnt++;
	}
	rc = rc == SQLITE_DONE ? 0 : ss_fail(st, "list the devices");
out:
	sqlite3_reset(s);
	if (rc != 0) {
		free(a);
		return rc;
	}
	*out = a;
	*n = cnt;
	return 0;
}

int
store_device_revoke(struct store *st, const uint8_t id[LIMIT_ID_LEN])
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_DEVICE_REVOKE, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, id, LIMIT_ID_LEN, SQLITE_STATIC);
	return update_one(st, s, "revoke the device");
}

int
store_device_synced(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    uint64_t now_ms)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_DEVICE_SYNCED, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, id, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now_ms);
	return update_one(st, s, "record the sync");
}

int
store_device_pulled(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    uint64_t now_ms)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_DEVICE_PULLED, &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, id, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now_ms);
	return update_one(st, s, "record the pull");
}

/* ---- nonces ---- */

int
store_nonce_use(struct store *st, const uint8_t device[LIMIT_ID_LEN],
    const uint8_t nonce[16], uint64_t now_ms, uint64_t ttl_ms)
{
	sqlite3_stmt *s;
	bool own;
	int rc, step;

	if (now_ms > INT64_MAX - ttl_ms)
		return IRO_EINVAL;
	if ((rc = ss_tx_enter(st, &own)) != 0)
		return rc;
	if ((rc = ss_stmt(st, SS_NONCE_PRUNE, &s)) != 0)
		goto out;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now_ms);
	if ((rc = ss_exec(st, s, "forget old nonces")) != 0)
		goto out;
	if ((rc = ss_stmt(st, SS_NONCE_ADD, &s)) != 0)
		goto out;
	sqlite3_bind_blob(s, 1, device, LIMIT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, nonce, 16, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)(now_ms + ttl_ms));
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = IRO_EEXIST;
	else if (step != SQLITE_DONE)
		rc = ss_fail(st, "remember the nonce");
out:
	/* A replay changes nothing, but the pruning is worth keeping. */
	if (rc == IRO_EEXIST)
		return ss_tx_leave(st, own, 0) == 0 ? IRO_EEXIST :
		    IRO_EIO;
	return ss_tx_leave(st, own, rc);
}

/* ---- statistics ---- */

int
store_stats(struct store *st, struct store_stats *out)
{
	static const enum ss_stmt_id q[] = {
		SS_COUNT_CHANGES, SS_COUNT_REFUSED, SS_COUNT_RECORDS,
		SS_COUNT_CONFLICTS, SS_COUNT_USERS, SS_COUNT_DEVICES,
		SS_LAST_POS
	};
	uint64_t v[sizeof(q) / sizeof(q[0])];
	size_t i;
	bool own;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	/* One transaction, so the numbers describe one moment. */
	if ((rc = ss_read_enter(st, &own)) != 0)
		return rc;
	for (i = 0; i < sizeof(q) / sizeof(q[0]) && rc == 0; i++)
		rc = ss_count(st, q[i], &v[i]);
	if ((rc = ss_tx_leave(st, own, rc)) != 0)
		return rc;
	out->changes = v[0];
	out->refused = v[1];
	out->records = v[2];
	out->conflicts = v[3];
	out->users = v[4];
	out->devices = v[5];
	out->last_pos = v[6];
	return 0;
}
