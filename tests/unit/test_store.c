/*
 * test_store.c - the server store: layout, accounts, devices, nonces, the
 * append-only log (idempotency, refusals kept, triggers), pull paging and
 * the records materialised from the log; scopes (which child a record is
 * about, to whom a child is allocated, what a viewer may pull, backfill)
 * and the scopes of a store upgraded from before them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "hex.h"
#include "iro_error.h"
#include "ledger.h"
#include "scope.h"
#include "store.h"
#include "support/srvtest.h"
#include "wire.h"

#define T0 UINT64_C(1760000000000)

struct fx {
	char dir[256];
	struct store *st;
	uint8_t dev_a[LIMIT_ID_LEN], dev_b[LIMIT_ID_LEN];
	uint64_t seq;                   /* dev_b's last counter (log_one) */
};

/* An IRO pulling: who the pull tests' records are visible to. */
static const struct store_viewer alice = {
	.role = SCHEMA_ROLE_IRO, .username = "alice", .team = ""
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[512];

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	srvtest_id(f->dev_a, 0xa0, 1);
	srvtest_id(f->dev_b, 0xb0, 2);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	srvtest_rmtree(f->dir);
	free(f);
	return 0;
}

static void
add_user(struct store *st, const char *name, enum schema_role role)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "%s", name);
	snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$not-a-real-hash");
	u.role = role;
	u.created_ms = T0;
	assert_int_equal(store_user_add(st, &u), 0);
}

static void
add_device(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    const char *user)
{
	struct store_device d;

	memset(&d, 0, sizeof(d));
	memcpy(d.id, id, LIMIT_ID_LEN);
	snprintf(d.username, sizeof(d.username), "%s", user);
	d.pubkey[0] = 7;
	d.enrolled_ms = T0;
	assert_int_equal(store_device_add(st, &d), 0);
}

/* Materialise record rec (of type, without fields) with the given scope
 * and, for a child, allocation. */
static void
put_scope(struct store *st, const uint8_t rec[LIMIT_ID_LEN],
    const char *type, enum store_scope_kind kind,
    const uint8_t *child, const char *iro)
{
	struct merge_record m;
	struct store_scope sc;

	memset(&m, 0, sizeof(m));
	memcpy(m.record, rec, LIMIT_ID_LEN);
	m.type = type;
	memset(&sc, 0, sizeof(sc));
	sc.kind = kind;
	if (child != NULL)
		memcpy(sc.child, child, LIMIT_ID_LEN);
	assert_int_equal(store_record_put(st, &m, &sc, iro), 0);
}

/* Append c with the given status; returns its position. */
static uint64_t
append(struct store *st, const struct change *c, enum store_status status,
    const uint8_t origin[LIMIT_ID_LEN])
{
	struct store_entry e;
	uint64_t pos = 0;

	store_entry_init(&e);
	e.status = status;
	e.change = *c;
	memcpy(e.origin, origin, LIMIT_ID_LEN);
	e.received_ms = T0;
	if (status == STORE_REFUSED) {
		snprintf(e.code, sizeof(e.code), "forbidden");
		snprintf(e.reason, sizeof(e.reason), "not yours");
	}
	assert_int_equal(store_log_append(st, &e, &pos), 0);
	assert_true(pos > 0);
	return pos;
}

static void
test_init_is_idempotent(void **state)
{
	struct fx *f = *state;
	uint8_t before[LIMIT_ID_LEN], after[LIMIT_ID_LEN];
	struct store *again = NULL;
	struct store_stats s;
	char err[512];

	add_user(f->st, "alice", SCHEMA_ROLE_IRO);
	store_server_id(f->st, before);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &again, err, sizeof(err)), 0);
	store_server_id(again, after);
	assert_memory_equal(before, after, LIMIT_ID_LEN);
	assert_int_equal(store_stats(again, &s), 0);
	assert_int_equal(s.users, 1);
	store_close(again);
}

static void
test_open_without_init(void **state)
{
	struct fx *f = *state;
	struct store *st = (struct store *)1;
	char dir[300], err[512];

	snprintf(dir, sizeof(dir), "%s/nothing-here", f->dir);
	assert_int_equal(store_open(dir, &st, err, sizeof(err)),
	    IRO_ENOTFOUND);
	assert_null(st);
	assert_non_null(strstr(err, "nothing-here"));
}

static void
test_users(void **state)
{
	struct fx *f = *state;
	struct store_user u, *list = NULL;
	size_t n = 0;

	add_user(f->st, "bob", SCHEMA_ROLE_MANAGER);
	add_user(f->st, "alice", SCHEMA_ROLE_IRO);
	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "alice");
	snprintf(u.pwhash, sizeof(u.pwhash), "x");
	assert_int_equal(store_user_add(f->st, &u), IRO_EEXIST);
	assert_int_equal(store_user_get(f->st, "alice", &u), 0);
	assert_int_equal(u.role, SCHEMA_ROLE_IRO);
	assert_int_equal(store_user_get(f->st, "carol", &u), IRO_ENOTFOUND);
	assert_int_equal(store_user_list(f->st, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].username, "alice");
	assert_string_equal(list[1].username, "bob");
	free(list);
}

static void
test_devices(void **state)
{
	struct fx *f = *state;
	struct store_device d, *list = NULL;
	size_t n = 0;

	add_user(f->st, "alice", SCHEMA_ROLE_IRO);
	memset(&d, 0, sizeof(d));
	memcpy(d.id, f->dev_a, LIMIT_ID_LEN);
	snprintf(d.username, sizeof(d.username), "nobody");
	assert_int_equal(store_device_add(f->st, &d), IRO_ENOTFOUND);
	add_device(f->st, f->dev_a, "alice");
	snprintf(d.username, sizeof(d.username), "alice");
	assert_int_equal(store_device_add(f->st, &d), IRO_EEXIST);
	assert_int_equal(store_device_get(f->st, f->dev_a, &d), 0);
	assert_string_equal(d.username, "alice");
	assert_int_equal(d.pubkey[0], 7);
	assert_false(d.revoked);
	assert_int_equal(d.last_sync_ms, 0);
	assert_int_equal(store_device_synced(f->st, f->dev_a, T0 + 5), 0);
	assert_int_equal(store_device_revoke(f->st, f->dev_a), 0);
	assert_int_equal(store_device_get(f->st, f->dev_a, &d), 0);
	assert_true(d.revoked);
	assert_int_equal(d.last_sync_ms, T0 + 5);
	assert_int_equal(store_device_revoke(f->st, f->dev_b), IRO_ENOTFOUND);
	assert_int_equal(store_device_get(f->st, f->dev_b, &d), IRO_ENOTFOUND);
	assert_int_equal(store_device_list(f->st, &list, &n), 0);
	assert_int_equal(n, 1);
	free(list);
}

static void
test_nonces(void **state)
{
	struct fx *f = *state;
	uint8_t nonce[16] = { 1, 2, 3 };
	uint64_t ttl = 600000;

	assert_int_equal(store_nonce_use(f->st, f->dev_a, nonce, T0, ttl), 0);
	assert_int_equal(store_nonce_use(f->st, f->dev_a, nonce, T0 + 1, ttl),
	    IRO_EEXIST);
	/* Another device may happen to pick the same nonce. */
	assert_int_equal(store_nonce_use(f->st, f->dev_b, nonce, T0 + 2, ttl),
	    0);
	assert_int_equal(store_nonce_use(f->st, f->dev_a, nonce,
	    T0 + ttl - 1, ttl), IRO_EEXIST);
	/* Once expired it is forgotten (and pruned). */
	assert_int_equal(store_nonce_use(f->st, f->dev_a, nonce, T0 + ttl,
	    ttl), 0);
}

static void
test_seq_and_clock(void **state)
{
	struct fx *f = *state;
	struct hlc h = { 0 }, back;
	uint64_t seq;

	assert_int_equal(store_seq_next(f->st, &seq), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(store_seq_next(f->st, &seq), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(store_hlc_get(f->st, &back), 0);
	assert_int_equal(back.wall_ms, 0);
	h.wall_ms = T0;
	h.counter = 9;
	assert_int_equal(store_hlc_put(f->st, &h), 0);
	assert_int_equal(store_hlc_get(f->st, &back), 0);
	assert_int_equal(back.wall_ms, T0);
	assert_int_equal(back.counter, 9);
}

static void
test_log_idempotency(void **state)
{
	struct fx *f = *state;
	struct store_log_key key = { 0 };
	struct store_entry e, dup;
	uint8_t rec[LIMIT_ID_LEN];
	struct change c, other;

	srvtest_id(rec, 0x11, 1);
	srvtest_change(&c, f->dev_a, 1, T0, "note", rec, "text", "hello",
	    "alice", NULL);
	srvtest_change(&other, f->dev_a, 1, T0, "note", rec, "text", "bye",
	    "alice", NULL);
	append(f->st, &c, STORE_ACCEPTED, f->dev_a);
	/* A second accepted entry with the same id is refused by the store. */
	store_entry_init(&dup);
	dup.change = c;
	memcpy(dup.origin, f->dev_a, LIMIT_ID_LEN);
	assert_int_equal(store_log_append(f->st, &dup, NULL), IRO_EEXIST);
	key.device = f->dev_a;
	key.seq = 1;
	key.status = STORE_ACCEPTED;
	assert_int_equal(store_log_find(f->st, &key, &e), 0);
	assert_true(change_same_content(&e.change, &c));
	assert_int_equal(e.pos, 1);
	store_entry_clear(&e);
	key.content = &c;
	assert_int_equal(store_log_find(f->st, &key, &e), 0);
	store_entry_clear(&e);
	key.content = &other;
	assert_int_equal(store_log_find(f->st, &key, &e), IRO_ENOTFOUND);
	key.content = NULL;
	key.seq = 2;
	assert_int_equal(store_log_find(f->st, &key, &e), IRO_ENOTFOUND);
	change_clear(&c);
	change_clear(&other);
}

static void
test_refusals_are_kept(void **state)
{
	struct fx *f = *state;
	struct store_log_key key = { 0 };
	uint8_t rec[LIMIT_ID_LEN];
	struct store_entry e;
	struct store_stats s;
	struct change c;

	srvtest_id(rec, 0x11, 1);
	srvtest_change(&c, f->dev_a, 1, T0, "note", rec, "text", "forged",
	    "alice", NULL);
	/* Device B forged a change naming A's id: kept, but it does not
	 * take the id from A. */
	append(f->st, &c, STORE_REFUSED, f->dev_b);
	append(f->st, &c, STORE_REFUSED, f->dev_b);
	append(f->st, &c, STORE_ACCEPTED, f->dev_a);
	key.device = f->dev_a;
	key.seq = 1;
	key.status = STORE_REFUSED;
	key.origin = f->dev_b;
	assert_int_equal(store_log_find(f->st, &key, &e), 0);
	assert_string_equal(e.code, "forbidden");
	assert_string_equal(e.reason, "not yours");
	assert_int_equal(e.status, STORE_REFUSED);
	store_entry_clear(&e);
	key.origin = f->dev_a;
	assert_int_equal(store_log_find(f->st, &key, &e), IRO_ENOTFOUND);
	assert_int_equal(store_stats(f->st, &s), 0);
	assert_int_equal(s.changes, 1);
	assert_int_equal(s.refused, 2);
	assert_int_equal(s.last_pos, 3);
	change_clear(&c);
}

static void
test_log_is_append_only(void **state)
{
	struct fx *f = *state;
	uint8_t rec[LIMIT_ID_LEN];
	char path[512], *msg = NULL;
	struct store_stats s;
	struct change c;
	sqlite3 *db = NULL;

	srvtest_id(rec, 0x11, 1);
	srvtest_change(&c, f->dev_a, 1, T0, "note", rec, "text", "kept",
	    "alice", NULL);
	append(f->st, &c, STORE_ACCEPTED, f->dev_a);
	change_clear(&c);
	snprintf(path, sizeof(path), "%s/server.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE log SET seq = 5",
	    NULL, NULL, &msg), SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	msg = NULL;
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM log", NULL, NULL,
	    &msg), SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	msg = NULL;
	/* REPLACE deletes without firing DELETE triggers: refused too. */
	assert_int_not_equal(sqlite3_exec(db, "INSERT OR REPLACE INTO log"
	    " SELECT pos, dev, seq + 1, type, rec, field, status, origin,"
	    " received_ms, code, reason, body FROM log", NULL, NULL, &msg),
	    SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(store_stats(f->st, &s), 0);
	assert_int_equal(s.changes, 1);
}

static void
test_rollback_writes_nothing(void **state)
{
	struct fx *f = *state;
	uint8_t rec[LIMIT_ID_LEN];
	struct store_stats s;
	struct change c;

	srvtest_id(rec, 0x11, 1);
	srvtest_change(&c, f->dev_a, 1, T0, "note", rec, "text", "gone",
	    "alice", NULL);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_begin(f->st), IRO_EINTERNAL);
	append(f->st, &c, STORE_ACCEPTED, f->dev_a);
	store_rollback(f->st);
	assert_int_equal(store_stats(f->st, &s), 0);
	assert_int_equal(s.changes, 0);
	assert_int_equal(store_commit(f->st), IRO_EINTERNAL);
	change_clear(&c);
}

/* Log: A1 B1 A2 B2(refused) B3 B4 B5; pulls by A see only B's accepted. */
static void
fill_for_pull(struct fx *f)
{
	uint8_t rec[LIMIT_ID_LEN];
	struct change c;
	uint64_t i;

	srvtest_id(rec, 0x11, 1);
	for (i = 1; i <= 5; i++) {
		const uint8_t *dev = (i == 1 || i == 3) ? f->dev_a : f->dev_b;
		uint64_t seq = i;

		srvtest_change(&c, dev, seq, T0 + i, "note", rec, "text", "x",
		    "alice", NULL);
		append(f->st, &c, i == 4 ? STORE_REFUSED : STORE_ACCEPTED,
		    dev);
		change_clear(&c);
	}
	for (i = 6; i <= 7; i++) {
		srvtest_change(&c, f->dev_b, i, T0 + i, "note", rec, "text",
		    "y", "alice", NULL);
		append(f->st, &c, STORE_ACCEPTED, f->dev_b);
		change_clear(&c);
	}
	/* Council-wide, so that scopes do not decide what is sent. */
	put_scope(f->st, rec, "note", STORE_SCOPE_COUNCIL, NULL, NULL);
}

static void
test_pull_pages_and_excludes_own(void **state)
{
	struct fx *f = *state;
	struct store_pull_query q = { 0 };
	struct store_pull_page p;

	fill_for_pull(f);
	q.device = f->dev_a;
	q.viewer = &alice;
	q.limit = 2;
	q.max_bytes = LIMIT_BODY_MAX;
	assert_int_equal(store_pull(f->st, &q, &p), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.changes[0].seq, 2);
	assert_int_equal(p.changes[1].seq, 5);
	assert_int_equal(p.cursor, 5);
	assert_true(p.more);
	q.cursor = p.cursor;
	store_pull_page_clear(&p);
	assert_int_equal(store_pull(f->st, &q, &p), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.changes[0].seq, 6);
	assert_int_equal(p.changes[1].seq, 7);
	/* Nothing visible is left, so this page is the last. */
	assert_false(p.more);
	assert_int_equal(p.cursor, 7);
	q.cursor = p.cursor;
	store_pull_page_clear(&p);
	assert_int_equal(store_pull(f->st, &q, &p), 0);
	assert_int_equal(p.n, 0);
	assert_false(p.more);
	assert_int_equal(p.cursor, 7);
	store_pull_page_clear(&p);
}

static void
test_pull_cursor_skips_invisible_tail(void **state)
{
	struct fx *f = *state;
	struct store_pull_query q = { 0 };
	struct store_pull_page p;

	fill_for_pull(f);
	/* B's own changes are the tail: B's pull examines all and ends at
	 * the last position even though it returns only A's two. */
	q.device = f->dev_b;
	q.viewer = &alice;
	q.limit = 10;
	q.max_bytes = LIMIT_BODY_MAX;
	assert_int_equal(store_pull(f->st, &q, &p), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.changes[0].seq, 1);
	assert_int_equal(p.changes[1].seq, 3);
	assert_int_equal(p.cursor, 7);
	assert_false(p.more);
	store_pull_page_clear(&p);
	q.limit = 0;
	assert_int_equal(store_pull(f->st, &q, &p), IRO_EINVAL);
}

static void
test_pull_respects_byte_budget(void **state)
{
	struct fx *f = *state;
	struct store_pull_query q = { 0 };
	struct store_pull_page p;

	fill_for_pull(f);
	q.device = f->dev_a;
	q.viewer = &alice;
	q.limit = 10;
	/* Room for one change only: each page still makes progress. */
	q.max_bytes = 1;
	assert_int_equal(store_pull(f->st, &q, &p), 0);
	assert_int_equal(p.n, 1);
	assert_true(p.more);
	assert_int_equal(p.cursor, 2);
	store_pull_page_clear(&p);
}

static void
test_materialised_records(void **state)
{
	struct fx *f = *state;
	uint8_t rec[LIMIT_ID_LEN], found[LIMIT_ID_LEN];
	struct store_record r, *list = NULL;
	struct change c1, c2, c3;
	struct value v = { .type = VALUE_STR };
	struct stamp base;
	size_t n = 0;

	srvtest_id(rec, 0x22, 1);
	srvtest_change(&c1, f->dev_a, 1, T0, "note", rec, "text", "first",
	    "alice", NULL);
	base = c1.ts;
	/* Two edits of the same base: a conflict, the later one current. */
	srvtest_change(&c2, f->dev_a, 2, T0 + 10, "note", rec, "text",
	    "mine", "alice", &base);
	srvtest_change(&c3, f->dev_b, 1, T0 + 20, "note", rec, "text",
	    "theirs", "alice", &base);
	append(f->st, &c1, STORE_ACCEPTED, f->dev_a);
	append(f->st, &c2, STORE_ACCEPTED, f->dev_a);
	append(f->st, &c3, STORE_ACCEPTED, f->dev_b);
	assert_int_equal(ledger_refresh(f->st, rec), 0);
	assert_int_equal(store_record_get(f->st, rec, &r), 0);
	assert_string_equal(r.type, "note");
	assert_int_equal(r.nfields, 1);
	assert_string_equal(r.fields[0].name, "text");
	assert_string_equal(r.fields[0].value.s, "theirs");
	assert_true(r.fields[0].conflict);
	assert_true(r.fields[0].has_stamp);
	assert_int_equal(r.fields[0].stamp.wall_ms, T0 + 20);
	assert_int_equal(r.nconflicts, 1);
	store_record_clear(&r);
	v.s = (char *)"theirs";
	v.len = 6;
	assert_int_equal(store_record_find(f->st, "note", "text", &v, found),
	    0);
	assert_memory_equal(found, rec, LIMIT_ID_LEN);
	assert_int_equal(store_record_find(f->st, "visit", "text", &v,
	    found), IRO_ENOTFOUND);
	assert_int_equal(store_record_list(f->st, "note", &list, &n), 0);
	assert_int_equal(n, 1);
	store_record_free_array(list, n);
	assert_int_equal(store_record_list(f->st, "visit", &list, &n), 0);
	assert_int_equal(n, 0);
	store_record_free_array(list, n);
	assert_int_equal(store_record_get(f->st, f->dev_a, &r),
	    IRO_ENOTFOUND);
	change_clear(&c1);
	change_clear(&c2);
	change_clear(&c3);
}

static void
test_record_type_and_changes(void **state)
{
	struct fx *f = *state;
	char type[LIMIT_NAME_MAX + 1];
	uint8_t rec[LIMIT_ID_LEN];
	struct change c, *all = NULL;
	size_t n = 0;

	srvtest_id(rec, 0x33, 1);
	assert_int_equal(store_record_type(f->st, rec, type), IRO_ENOTFOUND);
	srvtest_change(&c, f->dev_a, 1, T0, "note", rec, "text", "t", "alice",
	    NULL);
	append(f->st, &c, STORE_REFUSED, f->dev_a);
	/* Refused changes do not give a record its type. */
	assert_int_equal(store_record_type(f->st, rec, type), IRO_ENOTFOUND);
	change_clear(&c);
	srvtest_change(&c, f->dev_a, 2, T0, "note", rec, "text", "t", "alice",
	    NULL);
	append(f->st, &c, STORE_ACCEPTED, f->dev_a);
	assert_int_equal(store_record_type(f->st, rec, type), 0);
	assert_string_equal(type, "note");
	assert_int_equal(store_record_changes(f->st, rec, &all, &n), 0);
	assert_int_equal(n, 1);
	assert_true(change_same_content(&all[0], &c));
	change_free_array(all, n);
	change_clear(&c);
}

static void
test_user_disable_and_password(void **state)
{
	struct fx *f = *state;
	struct store_user u;

	add_user(f->st, "asha", SCHEMA_ROLE_IRO);
	assert_int_equal(store_user_get(f->st, "asha", &u), 0);
	assert_false(u.disabled);
	assert_int_equal(store_user_set_disabled(f->st, "asha", true), 0);
	assert_int_equal(store_user_get(f->st, "asha", &u), 0);
	assert_true(u.disabled);
	assert_int_equal(store_user_set_disabled(f->st, "asha", false), 0);
	assert_int_equal(store_user_get(f->st, "asha", &u), 0);
	assert_false(u.disabled);
	assert_int_equal(store_user_set_disabled(f->st, "nobody", true),
	    IRO_ENOTFOUND);
	assert_int_equal(store_user_set_pwhash(f->st, "asha", "$argon2id$2"),
	    0);
	assert_int_equal(store_user_get(f->st, "asha", &u), 0);
	assert_string_equal(u.pwhash, "$argon2id$2");
	assert_int_equal(store_user_set_pwhash(f->st, "asha", ""),
	    IRO_EINVAL);
	assert_int_equal(store_user_set_pwhash(f->st, "nobody", "$x"),
	    IRO_ENOTFOUND);
}

static void
test_failures_survive_reopen(void **state)
{
	struct fx *f = *state;
	char err[512], longkey[STORE_FAIL_KEY_MAX + 2];
	uint64_t n;

	assert_int_equal(store_fail_add(f->st, "user:a", T0, 1000), 0);
	assert_int_equal(store_fail_add(f->st, "user:a", T0 + 10, 1000), 0);
	assert_int_equal(store_fail_add(f->st, "user:b", T0 + 10, 1000), 0);
	store_close(f->st);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	assert_int_equal(store_fail_count(f->st, "user:a", T0 - 1, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_fail_count(f->st, "user:a", T0, &n), 0);
	assert_int_equal(n, 1);
	/* One undone (a success), then the rest cleared. */
	assert_int_equal(store_fail_undo(f->st, "user:a", T0 + 10), 0);
	assert_int_equal(store_fail_count(f->st, "user:a", 0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_fail_clear(f->st, "user:a"), 0);
	assert_int_equal(store_fail_count(f->st, "user:a", 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_fail_count(f->st, "user:b", 0, &n), 0);
	assert_int_equal(n, 1);
	/* Adding forgets what is older than the window kept. */
	assert_int_equal(store_fail_add(f->st, "user:b", T0 + 5000, 1000), 0);
	assert_int_equal(store_fail_count(f->st, "user:b", 0, &n), 0);
	assert_int_equal(n, 1);
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	assert_int_equal(store_fail_add(f->st, longkey, T0, 1000),
	    IRO_EINVAL);
	assert_int_equal(store_fail_add(f->st, "", T0, 1000), IRO_EINVAL);
}

/* ---- scopes ---- */

/* A record named by tag and number (srvtest_id), in expected lists. */
struct tid {
	uint8_t tag;
	uint32_t n;
};

#define TAG_CHILD 0xc1
#define TAG_VISIT 0x50          /* VISIT(n) is about child n */
#define TAG_OTHER 0x60
#define KID(n) { TAG_CHILD, (n) }
#define VISIT(n) { TAG_VISIT, (n) }
#define HOLIDAY { TAG_OTHER, 1 }

static const struct store_viewer asha = {
	.role = SCHEMA_ROLE_IRO, .username = "asha", .team = "north"
};
static const struct store_viewer ben = {
	.role = SCHEMA_ROLE_IRO, .username = "ben", .team = "south"
};
static const struct store_viewer mona = {
	.role = SCHEMA_ROLE_MANAGER, .username = "mona", .team = "north"
};
static const struct store_viewer sol = {
	.role = SCHEMA_ROLE_MANAGER, .username = "sol", .team = "south"
};
static const struct store_viewer nat = {
	.role = SCHEMA_ROLE_MANAGER, .username = "nat", .team = ""
};
static const struct store_viewer dan = {
	.role = SCHEMA_ROLE_IRO, .username = "dan", .team = ""
};
static const struct store_viewer ada = {
	.role = SCHEMA_ROLE_ADMIN, .username = "ada", .team = "north"
};

static void
tid_id(const struct tid *t, uint8_t id[LIMIT_ID_LEN])
{
	srvtest_id(id, t->tag, t->n);
}

/* Log one accepted change (field = value) to record `rec` of type,
 * from dev; returns its position. */
static uint64_t
log_one(struct fx *f, const uint8_t dev[LIMIT_ID_LEN], const char *type,
    const struct tid *rec, const char *field, const char *value)
{
	uint8_t id[LIMIT_ID_LEN];
	struct change c;
	uint64_t pos;

	tid_id(rec, id);
	f->seq++;
	srvtest_change(&c, dev, f->seq, T0 + f->seq, type, id, field, value,
	    "server", NULL);
	pos = append(f->st, &c, STORE_ACCEPTED, dev);
	change_clear(&c);
	return pos;
}

/* Log child n (allocated to iro) and materialise it. */
static void
add_child(struct fx *f, uint32_t n, const char *iro)
{
	struct tid t = KID(n);
	uint8_t id[LIMIT_ID_LEN];

	tid_id(&t, id);
	log_one(f, f->dev_b, "child", &t, "child_id", "K");
	put_scope(f->st, id, "child", STORE_SCOPE_CHILD, id, iro);
}

/* Log a change to the visit about child n and materialise it. */
static uint64_t
add_visit(struct fx *f, const uint8_t dev[LIMIT_ID_LEN], uint32_t n)
{
	struct tid t = VISIT(n), k = KID(n);
	uint8_t id[LIMIT_ID_LEN], kid[LIMIT_ID_LEN];
	uint64_t pos;

	tid_id(&t, id);
	tid_id(&k, kid);
	pos = log_one(f, dev, "visit", &t, "date", "2026-01-05");
	put_scope(f->st, id, "visit", STORE_SCOPE_CHILD, kid, NULL);
	return pos;
}

/*
 * Users of two teams, and a log of 12 changes from device B:
 *   1 K3 (asha)  2 K1 (asha)  3 K2 (ben)  4 K4 (nobody)  5 K5 ("ghost",
 *   no such user)  6 V1  7 V2  8 V4  9 holiday (council-wide)
 *   10 a note about a child nobody can name (scope none)
 *   11 a note with no scope at all  12 V3
 * and K6, allocated to dan, an IRO of no team, materialised only.
 * Children go in out of order, so listing them sorted is not luck.
 */
static void
fill_caseload(struct fx *f)
{
	static const struct tid hol = HOLIDAY, none = { TAG_OTHER, 2 },
	    bare = { TAG_OTHER, 3 };
	struct merge_record m;
	uint8_t id[LIMIT_ID_LEN];

	assert_int_equal(srvtest_user(f->st, "asha", SCHEMA_ROLE_IRO,
	    "north"), 0);
	assert_int_equal(srvtest_user(f->st, "ben", SCHEMA_ROLE_IRO,
	    "south"), 0);
	assert_int_equal(srvtest_user(f->st, "mona", SCHEMA_ROLE_MANAGER,
	    "north"), 0);
	assert_int_equal(srvtest_user(f->st, "sol", SCHEMA_ROLE_MANAGER,
	    "south"), 0);
	assert_int_equal(srvtest_user(f->st, "nat", SCHEMA_ROLE_MANAGER, ""),
	    0);
	assert_int_equal(srvtest_user(f->st, "ada", SCHEMA_ROLE_ADMIN,
	    "north"), 0);
	assert_int_equal(srvtest_user(f->st, "dan", SCHEMA_ROLE_IRO, ""), 0);
	add_child(f, 3, "asha");
	add_child(f, 1, "asha");
	add_child(f, 2, "ben");
	add_child(f, 4, "");
	add_child(f, 5, "ghost");
	add_visit(f, f->dev_b, 1);
	add_visit(f, f->dev_b, 2);
	add_visit(f, f->dev_b, 4);
	log_one(f, f->dev_b, "holiday", &hol, "date", "2026-12-25");
	tid_id(&hol, id);
	put_scope(f->st, id, "holiday", STORE_SCOPE_COUNCIL, NULL, NULL);
	log_one(f, f->dev_b, "note", &none, "text", "whose?");
	tid_id(&none, id);
	memset(&m, 0, sizeof(m));
	memcpy(m.record, id, LIMIT_ID_LEN);
	m.type = "note";
	assert_int_equal(store_record_put(f->st, &m, NULL, NULL), 0);
	log_one(f, f->dev_b, "note", &bare, "text", "never materialised");
	assert_int_equal(add_visit(f, f->dev_b, 3), 12);
	srvtest_id(id, TAG_CHILD, 6);
	put_scope(f->st, id, "child", STORE_SCOPE_CHILD, id, "dan");
}

/* Pull everything after cursor as device A for v and compare the
 * records of the changes, in order, with want[0..n). */
static void
expect_pull(struct fx *f, const struct store_viewer *v, uint64_t cursor,
    const struct tid *want, size_t n)
{
	struct store_pull_query q = { 0 };
	uint8_t id[LIMIT_ID_LEN];
	struct store_pull_page p;
	struct store_stats s;
	size_t i;

	q.device = f->dev_a;
	q.viewer = v;
	q.cursor = cursor;
	q.limit = 100;
	q.max_bytes = LIMIT_BODY_MAX;
	assert_int_equal(store_pull(f->st, &q, &p), 0);
	if (p.n != n)
		print_error("%s: pulled %zu changes, want %zu\n", v->username,
		    p.n, n);
	assert_int_equal(p.n, n);
	for (i = 0; i < n; i++) {
		tid_id(&want[i], id);
		assert_memory_equal(p.changes[i].record, id, LIMIT_ID_LEN);
	}
	assert_false(p.more);
	/* Whatever was sent, the next pull starts past the end. */
	assert_int_equal(store_stats(f->st, &s), 0);
	assert_int_equal(p.cursor, s.last_pos);
	store_pull_page_clear(&p);
}

/* Compare v's scope with children want[0..n) (already sorted). */
static void
expect_children(struct fx *f, const struct store_viewer *v,
    const uint32_t *want, size_t n)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL, id[LIMIT_ID_LEN];
	size_t got = 99, i;

	assert_int_equal(store_scope_children(f->st, v, &ids, &got), 0);
	if (got != n)
		print_error("%s: %zu children, want %zu\n", v->username, got,
		    n);
	assert_int_equal(got, n);
	if (n == 0)
		assert_null(ids);
	for (i = 0; i < n; i++) {
		srvtest_id(id, TAG_CHILD, want[i]);
		assert_memory_equal(ids[i], id, LIMIT_ID_LEN);
	}
	assert_true(scope_valid((const uint8_t (*)[LIMIT_ID_LEN])ids, got));
	free(ids);
}

static void
test_record_scope_round_trip(void **state)
{
	struct fx *f = *state;
	uint8_t none[LIMIT_ID_LEN], council[LIMIT_ID_LEN], about[LIMIT_ID_LEN],
	    kid[LIMIT_ID_LEN], unknown[LIMIT_ID_LEN];
	struct store_record r;
	struct merge_record m;
	struct store_scope sc;

	srvtest_id(none, 0x71, 1);
	srvtest_id(council, 0x71, 2);
	srvtest_id(about, 0x71, 3);
	srvtest_id(unknown, 0x71, 4);
	srvtest_id(kid, TAG_CHILD, 1);
	memset(&m, 0, sizeof(m));
	memcpy(m.record, none, LIMIT_ID_LEN);
	m.type = "note";
	/* No scope given: about a child nobody can name. */
	assert_int_equal(store_record_put(f->st, &m, NULL, NULL), 0);
	put_scope(f->st, council, "holiday", STORE_SCOPE_COUNCIL, NULL, NULL);
	put_scope(f->st, about, "visit", STORE_SCOPE_CHILD, kid, NULL);
	memset(&sc, 0xff, sizeof(sc));
	assert_int_equal(store_record_scope(f->st, none, &sc), 0);
	assert_int_equal(sc.kind, STORE_SCOPE_NONE);
	assert_int_equal(store_record_scope(f->st, council, &sc), 0);
	assert_int_equal(sc.kind, STORE_SCOPE_COUNCIL);
	assert_int_equal(store_record_scope(f->st, about, &sc), 0);
	assert_int_equal(sc.kind, STORE_SCOPE_CHILD);
	assert_memory_equal(sc.child, kid, LIMIT_ID_LEN);
	memset(&sc, 0xff, sizeof(sc));
	assert_int_equal(store_record_scope(f->st, unknown, &sc),
	    IRO_ENOTFOUND);
	assert_int_equal(sc.kind, STORE_SCOPE_NONE);
	/* Put again: the new scope replaces the old. */
	put_scope(f->st, none, "note", STORE_SCOPE_CHILD, kid, NULL);
	assert_int_equal(store_record_scope(f->st, none, &sc), 0);
	assert_int_equal(sc.kind, STORE_SCOPE_CHILD);
	/* A scope of no known kind is refused and nothing is written. */
	memcpy(m.record, unknown, LIMIT_ID_LEN);
	sc.kind = (enum store_scope_kind)7;
	assert_int_equal(store_record_put(f->st, &m, &sc, NULL), IRO_EINVAL);
	assert_int_equal(store_record_get(f->st, unknown, &r), IRO_ENOTFOUND);
	assert_int_equal(store_record_scope(f->st, unknown, &sc),
	    IRO_ENOTFOUND);
}

static void
test_child_put_allocates(void **state)
{
	struct fx *f = *state;
	static const uint32_t one[] = { 1 };
	uint8_t kid[LIMIT_ID_LEN], visit[LIMIT_ID_LEN];

	assert_int_equal(srvtest_user(f->st, "asha", SCHEMA_ROLE_IRO,
	    "north"), 0);
	assert_int_equal(srvtest_user(f->st, "nat", SCHEMA_ROLE_MANAGER, ""),
	    0);
	srvtest_id(kid, TAG_CHILD, 1);
	srvtest_id(visit, TAG_VISIT, 1);
	expect_children(f, &asha, NULL, 0);
	put_scope(f->st, kid, "child", STORE_SCOPE_CHILD, kid, "asha");
	expect_children(f, &asha, one, 1);
	expect_children(f, &nat, NULL, 0);
	/* A record about the child (iro NULL) leaves the allocation be. */
	put_scope(f->st, visit, "visit", STORE_SCOPE_CHILD, kid, NULL);
	expect_children(f, &asha, one, 1);
	/* Allocated to nobody: out of asha's scope, in every manager's. */
	put_scope(f->st, kid, "child", STORE_SCOPE_CHILD, kid, "");
	expect_children(f, &asha, NULL, 0);
	expect_children(f, &nat, one, 1);
}

static void
test_scope_children(void **state)
{
	struct fx *f = *state;
	static const uint32_t of_asha[] = { 1, 3 }, of_ben[] = { 2 },
	    of_dan[] = { 6 }, of_north[] = { 1, 3, 4 },
	    of_south[] = { 2, 4 }, of_none[] = { 4 };
	struct store_viewer nobody = asha;

	fill_caseload(f);
	expect_children(f, &asha, of_asha, 2);
	expect_children(f, &ben, of_ben, 1);
	expect_children(f, &dan, of_dan, 1);
	/* A manager: their team's IROs' children and the unallocated, not
	 * another team's nor those of an IRO nobody knows (K5). */
	expect_children(f, &mona, of_north, 3);
	expect_children(f, &sol, of_south, 2);
	/* A team named "" is no team: only the unallocated, not the
	 * children of dan, who is of no team either. */
	expect_children(f, &nat, of_none, 1);
	expect_children(f, &ada, NULL, 0);
	nobody.username = "carol";
	expect_children(f, &nobody, NULL, 0);
}

static void
test_scope_too_big(void **state)
{
	struct fx *f = *state;
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL, id[LIMIT_ID_LEN],
	    stale[1][LIMIT_ID_LEN];
	size_t n = 0;
	uint32_t i;

	assert_int_equal(store_begin(f->st), 0);
	for (i = 1; i <= LIMIT_SCOPE_CHILDREN; i++) {
		srvtest_id(id, TAG_CHILD, i);
		put_scope(f->st, id, "child", STORE_SCOPE_CHILD, id, "asha");
	}
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(store_scope_children(f->st, &asha, &ids, &n), 0);
	assert_int_equal(n, LIMIT_SCOPE_CHILDREN);
	free(ids);
	/* One more than a device may hold. */
	srvtest_id(id, TAG_CHILD, i);
	put_scope(f->st, id, "child", STORE_SCOPE_CHILD, id, "asha");
	ids = stale;
	n = 99;
	assert_int_equal(store_scope_children(f->st, &asha, &ids, &n),
	    IRO_ETOOBIG);
	assert_null(ids);
	assert_int_equal(n, 0);
}

static void
test_pull_follows_scope(void **state)
{
	struct fx *f = *state;
	static const struct tid to_asha[] = {
		KID(3), KID(1), VISIT(1), HOLIDAY, VISIT(3)
	};
	static const struct tid to_ben[] = { KID(2), VISIT(2), HOLIDAY };
	static const struct tid to_mona[] = {
		KID(3), KID(1), KID(4), VISIT(1), VISIT(4), HOLIDAY, VISIT(3)
	};
	static const struct tid to_sol[] = {
		KID(2), KID(4), VISIT(2), VISIT(4), HOLIDAY
	};
	static const struct tid to_nat[] = { KID(4), VISIT(4), HOLIDAY };
	static const struct tid to_ada[] = { HOLIDAY };

	fill_caseload(f);
	/* Never the note of scope none, nor the one without a scope. */
	expect_pull(f, &asha, 0, to_asha, 5);
	expect_pull(f, &ben, 0, to_ben, 3);
	expect_pull(f, &mona, 0, to_mona, 7);
	expect_pull(f, &sol, 0, to_sol, 5);
	expect_pull(f, &nat, 0, to_nat, 3);
	expect_pull(f, &ada, 0, to_ada, 1);
	/* From a cursor on, only what follows it. */
	expect_pull(f, &asha, 9, &to_asha[4], 1);
}

static void
test_pull_after_reallocation(void **state)
{
	struct fx *f = *state;
	static const struct tid moved[] = { KID(1), VISIT(1) };
	static const struct tid ben_all[] = {
		KID(1), KID(2), VISIT(1), VISIT(2), HOLIDAY, KID(1), VISIT(1)
	};
	static const uint32_t of_asha[] = { 3 }, of_ben[] = { 1, 2 };
	struct tid k1 = KID(1);
	uint8_t kid[LIMIT_ID_LEN];

	fill_caseload(f);
	/* K1 goes from asha to ben; then its visit changes. */
	tid_id(&k1, kid);
	assert_int_equal(log_one(f, f->dev_b, "child", &k1, "iro", "ben"), 13);
	put_scope(f->st, kid, "child", STORE_SCOPE_CHILD, kid, "ben");
	assert_int_equal(add_visit(f, f->dev_b, 1), 14);
	expect_children(f, &asha, of_asha, 1);
	expect_children(f, &ben, of_ben, 2);
	expect_pull(f, &asha, 12, NULL, 0);
	expect_pull(f, &ben, 12, moved, 2);
	/* The child's whole history is ben's to pull now. */
	expect_pull(f, &ben, 0, ben_all, 7);
}

/* Backfill as device A of children kids[0..n) in (cursor, until]. */
static int
backfill(struct fx *f, uint8_t (*kids)[LIMIT_ID_LEN], size_t n,
    uint64_t cursor, uint64_t until, uint32_t limit,
    struct store_pull_page *p)
{
	struct store_pull_query q = { 0 };

	q.device = f->dev_a;
	q.viewer = &mona;
	q.cursor = cursor;
	q.until = until;
	q.limit = limit;
	q.max_bytes = LIMIT_BODY_MAX;
	q.children = (const uint8_t (*)[LIMIT_ID_LEN])kids;
	q.nchildren = n;
	return store_pull(f->st, &q, p);
}

static void
expect_page(const struct store_pull_page *p, const uint64_t *seqs,
    size_t n, uint64_t cursor, bool more)
{
	size_t i;

	assert_int_equal(p->n, n);
	for (i = 0; i < n; i++)
		assert_int_equal(p->changes[i].seq, seqs[i]);
	assert_int_equal(p->cursor, cursor);
	assert_int_equal(p->more, more);
}

static void
test_backfill(void **state)
{
	struct fx *f = *state;
	/* Log positions equal seqs here (one change per position). */
	static const uint64_t all[] = { 1, 2, 6, 12, 13 },
	    late[] = { 6, 12, 13 }, first[] = { 1, 2 }, last[] = { 13 };
	uint8_t kids[LIMIT_BACKFILL_CHILDREN][LIMIT_ID_LEN];
	struct store_pull_page p;
	size_t i;

	fill_caseload(f);
	/* 13: device A's own change to V1; 14: to V2; 15: to V3. */
	assert_int_equal(add_visit(f, f->dev_a, 1), 13);
	assert_int_equal(add_visit(f, f->dev_a, 2), 14);
	assert_int_equal(add_visit(f, f->dev_a, 3), 15);
	/* K3 and K1: their records only (not the holiday, not V2), A's own
	 * change included, nothing past until (V3's at 15). */
	srvtest_id(kids[0], TAG_CHILD, 3);
	srvtest_id(kids[1], TAG_CHILD, 1);
	assert_int_equal(backfill(f, kids, 2, 0, 14, 100, &p), 0);
	expect_page(&p, all, 5, 14, false);
	store_pull_page_clear(&p);
	assert_int_equal(backfill(f, kids, 2, 2, 14, 100, &p), 0);
	expect_page(&p, late, 3, 14, false);
	store_pull_page_clear(&p);
	/* Paged: the cursor stops at the last change sent until the bound
	 * is reached. */
	assert_int_equal(backfill(f, kids, 2, 0, 14, 2, &p), 0);
	expect_page(&p, first, 2, 2, true);
	store_pull_page_clear(&p);
	assert_int_equal(backfill(f, kids, 2, 2, 14, 2, &p), 0);
	expect_page(&p, late, 2, 12, true);
	store_pull_page_clear(&p);
	assert_int_equal(backfill(f, kids, 2, 12, 14, 2, &p), 0);
	expect_page(&p, last, 1, 14, false);
	store_pull_page_clear(&p);
	assert_int_equal(backfill(f, kids, 2, 0, 14, 1, &p), 0);
	expect_page(&p, first, 1, 1, true);
	store_pull_page_clear(&p);
	/* Nothing in range: done at once. */
	assert_int_equal(backfill(f, kids, 2, 14, 14, 10, &p), 0);
	expect_page(&p, NULL, 0, 14, false);
	store_pull_page_clear(&p);
	/* As many children as one backfill may name. */
	for (i = 2; i < LIMIT_BACKFILL_CHILDREN; i++)
		srvtest_id(kids[i], 0x99, (uint32_t)i);
	assert_int_equal(backfill(f, kids, LIMIT_BACKFILL_CHILDREN, 0, 14,
	    100, &p), 0);
	expect_page(&p, all, 5, 14, false);
	store_pull_page_clear(&p);
}

static void
test_backfill_refuses_bad_queries(void **state)
{
	struct fx *f = *state;
	uint8_t kids[LIMIT_BACKFILL_CHILDREN + 1][LIMIT_ID_LEN];
	struct store_pull_query q = { 0 };
	struct store_pull_page p;

	fill_caseload(f);
	memset(kids, 0, sizeof(kids));
	srvtest_id(kids[0], TAG_CHILD, 1);
	assert_int_equal(backfill(f, kids, 1, 5, 4, 10, &p), IRO_EINVAL);
	assert_int_equal(p.n, 0);
	assert_int_equal(backfill(f, kids, LIMIT_BACKFILL_CHILDREN + 1, 0,
	    12, 10, &p), IRO_EINVAL);
	assert_int_equal(backfill(f, NULL, 1, 0, 12, 10, &p), IRO_EINVAL);
	assert_int_equal(backfill(f, kids, 1, 0, 12, 0, &p), IRO_EINVAL);
	q.device = f->dev_a;
	q.limit = 10;
	q.max_bytes = LIMIT_BODY_MAX;
	q.children = (const uint8_t (*)[LIMIT_ID_LEN])kids;
	q.nchildren = 1;
	q.until = 12;
	/* No viewer: refused, for a backfill and a main pull alike. */
	assert_int_equal(store_pull(f->st, &q, &p), IRO_EINVAL);
	q.nchildren = 0;
	assert_int_equal(store_pull(f->st, &q, &p), IRO_EINVAL);
	q.viewer = &asha;
	q.device = NULL;
	assert_int_equal(store_pull(f->st, &q, &p), IRO_EINVAL);
}

/* Run sql on the store's database behind its back. */
static void
exec_db(struct fx *f, const char *sql)
{
	char path[600], *msg = NULL;
	sqlite3 *db = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/server.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		print_error("%s: %s\n", sql, msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(rc, SQLITE_OK);
}

/* The one-integer answer of sql on the store's database. */
static int64_t
query_db(struct fx *f, const char *sql)
{
	char path[600];
	sqlite3_stmt *s = NULL;
	sqlite3 *db = NULL;
	int64_t v;

	snprintf(path, sizeof(path), "%s/server.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Log change field = value of record rec of type from device B and
 * merge it (ledger_refresh), as a push would. */
static void
logged(struct fx *f, const char *type, const uint8_t rec[LIMIT_ID_LEN],
    const char *field, const char *value)
{
	struct change c;

	f->seq++;
	srvtest_change(&c, f->dev_b, f->seq, T0 + f->seq, type, rec, field,
	    value, "server", NULL);
	append(f->st, &c, STORE_ACCEPTED, f->dev_b);
	change_clear(&c);
	assert_int_equal(ledger_refresh(f->st, rec), 0);
}

static void
expect_scope(struct fx *f, const uint8_t rec[LIMIT_ID_LEN],
    enum store_scope_kind kind, const uint8_t *child)
{
	struct store_scope sc;

	assert_int_equal(store_record_scope(f->st, rec, &sc), 0);
	assert_int_equal(sc.kind, kind);
	if (child != NULL)
		assert_memory_equal(sc.child, child, LIMIT_ID_LEN);
}

/*
 * A child, its dispute and the dispute's stage, a visit and a holiday,
 * merged by the ledger.  The stage's id sorts before its dispute's, so
 * the stage is rescoped while its dispute still has no scope.
 */
struct scoped {
	uint8_t kid[LIMIT_ID_LEN], dispute[LIMIT_ID_LEN],
	    stage[LIMIT_ID_LEN], visit[LIMIT_ID_LEN], holiday[LIMIT_ID_LEN];
};

static void
fill_scoped(struct fx *f, struct scoped *r)
{
	char kid_hex[2 * LIMIT_ID_LEN + 1], dispute_hex[2 * LIMIT_ID_LEN + 1];

	srvtest_id(r->stage, 0x10, 1);
	srvtest_id(r->dispute, 0x20, 1);
	srvtest_id(r->holiday, 0x30, 1);
	srvtest_id(r->visit, 0x40, 1);
	srvtest_id(r->kid, TAG_CHILD, 1);
	hex_encode(r->kid, LIMIT_ID_LEN, kid_hex);
	hex_encode(r->dispute, LIMIT_ID_LEN, dispute_hex);
	logged(f, "child", r->kid, "child_id", "K1");
	logged(f, "child", r->kid, "iro", "asha");
	logged(f, "dispute", r->dispute, "child", kid_hex);
	logged(f, "dispute_stage", r->stage, "dispute", dispute_hex);
	logged(f, "visit", r->visit, "child", kid_hex);
	logged(f, "holiday", r->holiday, "date", "2026-12-25");
}

static void
expect_scoped(struct fx *f, const struct scoped *r)
{
	static const uint32_t one[] = { 1 };

	expect_scope(f, r->kid, STORE_SCOPE_CHILD, r->kid);
	expect_scope(f, r->dispute, STORE_SCOPE_CHILD, r->kid);
	expect_scope(f, r->stage, STORE_SCOPE_CHILD, r->kid);
	expect_scope(f, r->visit, STORE_SCOPE_CHILD, r->kid);
	expect_scope(f, r->holiday, STORE_SCOPE_COUNCIL, NULL);
	expect_children(f, &asha, one, 1);
}

static void
test_unscoped_are_rescoped(void **state)
{
	struct fx *f = *state;
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	struct scoped r;
	size_t n = 99;

	assert_int_equal(srvtest_user(f->st, "asha", SCHEMA_ROLE_IRO,
	    "north"), 0);
	fill_scoped(f, &r);
	expect_scoped(f, &r);
	assert_int_equal(store_unscoped(f->st, &ids, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	/* As if materialised before scopes existed. */
	exec_db(f, "DELETE FROM rscope; DELETE FROM alloc");
	assert_int_equal(store_unscoped(f->st, &ids, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(ids[0], r.stage, LIMIT_ID_LEN);
	assert_memory_equal(ids[1], r.dispute, LIMIT_ID_LEN);
	assert_memory_equal(ids[2], r.holiday, LIMIT_ID_LEN);
	assert_memory_equal(ids[3], r.visit, LIMIT_ID_LEN);
	assert_memory_equal(ids[4], r.kid, LIMIT_ID_LEN);
	free(ids);
	expect_children(f, &asha, NULL, 0);
	expect_pull(f, &asha, 0, NULL, 0);
	assert_int_equal(ledger_rescope(f->st), 0);
	assert_int_equal(store_unscoped(f->st, &ids, &n), 0);
	assert_int_equal(n, 0);
	expect_scoped(f, &r);
	/* And harmless when there is nothing to do. */
	assert_int_equal(ledger_rescope(f->st), 0);
	expect_scoped(f, &r);
}

/* The layout of a store from before scopes (and, from layout 1, before
 * the audit log), for the upgrade tests. */
#define DROP_LAYOUT_3 "DROP TABLE rscope; DROP TABLE alloc;" \
	" ALTER TABLE devices DROP COLUMN last_pull_ms;"
#define DROP_LAYOUT_2 "DROP TABLE audit_records; DROP TABLE audit;" \
	" DROP TABLE login_failures; ALTER TABLE users DROP COLUMN disabled;"

/* After an upgrade: the tables and indexes of layout 3 exist, the store
 * says it is of layout 3, and the ledger gives the old records their
 * scopes. */
static void
expect_upgraded(struct fx *f, const struct scoped *r)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	size_t n = 0;

	assert_int_equal(query_db(f, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('rscope', 'alloc', 'rscope_child', 'alloc_iro')"),
	    4);
	assert_int_equal(query_db(f, "SELECT value FROM meta"
	    " WHERE key = 'layout'"), 3);
	assert_int_equal(store_unscoped(f->st, &ids, &n), 0);
	assert_int_equal(n, 5);
	free(ids);
	assert_int_equal(ledger_rescope(f->st), 0);
	expect_scoped(f, r);
}

/* A store made before accounts could be disabled, the audit log and
 * scopes is brought up to date when opened, keeping its data. */
static void
test_layout_1_is_upgraded(void **state)
{
	struct fx *f = *state;
	struct store_audit a;
	struct store_user u;
	struct scoped r;
	char err[512];

	add_user(f->st, "asha", SCHEMA_ROLE_IRO);
	fill_scoped(f, &r);
	store_close(f->st);
	f->st = NULL;
	exec_db(f, DROP_LAYOUT_3 DROP_LAYOUT_2
	    " UPDATE meta SET value = 1 WHERE key = 'layout'");
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	assert_int_equal(store_user_get(f->st, "asha", &u), 0);
	assert_false(u.disabled);
	assert_int_equal(store_user_set_disabled(f->st, "asha", true), 0);
	memset(&a, 0, sizeof(a));
	snprintf(a.action, sizeof(a.action), "user_disable");
	assert_int_equal(store_audit_append(f->st, &a, NULL), 0);
	expect_upgraded(f, &r);
}

static void
test_layout_2_is_upgraded(void **state)
{
	struct fx *f = *state;
	struct store_audit *list = NULL;
	struct store_audit_query q = { 0 };
	struct store_audit a;
	struct scoped r;
	char err[512];
	size_t n = 0;

	add_user(f->st, "asha", SCHEMA_ROLE_IRO);
	fill_scoped(f, &r);
	memset(&a, 0, sizeof(a));
	snprintf(a.action, sizeof(a.action), "enrol");
	assert_int_equal(store_audit_append(f->st, &a, NULL), 0);
	store_close(f->st);
	f->st = NULL;
	exec_db(f, DROP_LAYOUT_3
	    " UPDATE meta SET value = 2 WHERE key = 'layout'");
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	/* Layout 2's tables are kept as they were. */
	assert_int_equal(store_audit_list(f->st, &q, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].action, "enrol");
	store_audit_free_array(list, n);
	expect_upgraded(f, &r);
}

static void
test_unknown_layout_is_refused(void **state)
{
	struct fx *f = *state;
	char path[600], err[512];
	struct store *st = NULL;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/server.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = 99"
	    " WHERE key = 'layout'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->dir, &st, err, sizeof(err)),
	    IRO_EVERSION);
	assert_null(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_is_idempotent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_without_init, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_and_clock, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_idempotency, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals_are_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_is_append_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback_writes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pull_pages_and_excludes_own, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pull_cursor_skips_invisible_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pull_respects_byte_budget,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_materialised_records,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_type_and_changes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_disable_and_password,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_survive_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_scope_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_put_allocates,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_children, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scope_too_big, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pull_follows_scope, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pull_after_reallocation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_backfill, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_backfill_refuses_bad_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unscoped_are_rescoped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_1_is_upgraded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_2_is_upgraded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_layout_is_refused,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
