/*
 * test_store.c - the server store: layout, accounts, devices, nonces, the
 * append-only log (idempotency, refusals kept, triggers), pull paging and
 * the records materialised from the log.
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
#include "iro_error.h"
#include "ledger.h"
#include "store.h"
#include "support/srvtest.h"
#include "wire.h"

#define T0 UINT64_C(1760000000000)

struct fx {
	char dir[256];
	struct store *st;
	uint8_t dev_a[LIMIT_ID_LEN], dev_b[LIMIT_ID_LEN];
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
}

static void
test_pull_pages_and_excludes_own(void **state)
{
	struct fx *f = *state;
	struct store_pull_query q = { 0 };
	struct store_pull_page p;

	fill_for_pull(f);
	q.device = f->dev_a;
	q.username = "alice";
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
	q.username = "alice";
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
	q.username = "alice";
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

/* A store made before accounts could be disabled and before the audit
 * log is brought up to date when opened, keeping its data. */
static void
test_layout_1_is_upgraded(void **state)
{
	struct fx *f = *state;
	struct store_audit a;
	struct store_user u;
	char path[600], err[512];
	sqlite3 *db;

	add_user(f->st, "asha", SCHEMA_ROLE_IRO);
	store_close(f->st);
	f->st = NULL;
	snprintf(path, sizeof(path), "%s/server.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "DROP TABLE audit_records; DROP TABLE audit;"
	    " DROP TABLE login_failures; ALTER TABLE users DROP COLUMN disabled;"
	    " UPDATE meta SET value = 1 WHERE key = 'layout'",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	assert_int_equal(store_user_get(f->st, "asha", &u), 0);
	assert_false(u.disabled);
	assert_int_equal(store_user_set_disabled(f->st, "asha", true), 0);
	memset(&a, 0, sizeof(a));
	snprintf(a.action, sizeof(a.action), "user_disable");
	assert_int_equal(store_audit_append(f->st, &a, NULL), 0);
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
		cmocka_unit_test_setup_teardown(test_layout_1_is_upgraded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_layout_is_refused,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
