/*
 * test_authz.c - write authorisation on push (authz.h): an IRO writes
 * only records of children allocated to them (refused "forbidden" with
 * the reason otherwise, logged, whole edit), including a move of a record
 * to another IRO's child, a dispute stage of another IRO's dispute and a
 * record whose child the server does not know; a manager passes; only a
 * note's author finalises it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "hex.h"
#include "iro_error.h"
#include "ledger.h"
#include "store.h"
#include "support/srvtest.h"
#include "upsert.h"

#define NOW 1800000000000ull

struct fixture {
	char dir[256];
	struct store *st;
	uint8_t dev[LIMIT_ID_LEN];
	char mine[2 * LIMIT_ID_LEN + 1];        /* alice's child K1 */
	char theirs[2 * LIMIT_ID_LEN + 1];      /* bob's child K2 */
	uint64_t seq;
	uint64_t wall;
	struct change ch[16];
	size_t n;
};

static void
put_child(struct fixture *f, uint32_t k, const char *cid, const char *iro,
    char *hexout)
{
	struct upsert_field fs[3];
	uint8_t id[LIMIT_ID_LEN];
	enum upsert_state us;
	size_t nch = 0;
	char err[256];

	srvtest_id(id, 0xc1, k);
	hex_encode(id, LIMIT_ID_LEN, hexout);
	memset(fs, 0, sizeof(fs));
	fs[0].name = "child_id";
	fs[0].value.type = VALUE_STR;
	fs[0].value.s = (char *)(uintptr_t)cid;
	fs[0].value.len = strlen(cid);
	fs[1].name = "dob";
	fs[1].value.type = VALUE_STR;
	fs[1].value.s = (char *)(uintptr_t)"2015-01-01";
	fs[1].value.len = 10;
	fs[2].name = "iro";
	fs[2].value.type = VALUE_STR;
	fs[2].value.s = (char *)(uintptr_t)iro;
	fs[2].value.len = strlen(iro);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(upsert_record(f->st, NOW - 100000, "import", "child",
	    id, fs, 3, &us, &nch, err, sizeof(err)), 0);
	assert_int_equal(store_commit(f->st), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	srvtest_id(f->dev, 0xde, 1);
	put_child(f, 1, "K1", "alice", f->mine);
	put_child(f, 2, "K2", "bob", f->theirs);
	*state = f;
	return 0;
}

static void
drop(struct fixture *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		change_clear(&f->ch[i]);
	f->n = 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	drop(f);
	store_close(f->st);
	srvtest_rmtree(f->dir);
	free(f);
	return 0;
}

/* Start a new edit (a new moment) of the pushing device. */
static void
edit(struct fixture *f)
{
	f->wall += 1000;
}

static void
add(struct fixture *f, const char *type, uint32_t rec, const char *field,
    const char *value, const char *author)
{
	uint8_t id[LIMIT_ID_LEN];

	assert_true(f->n < 16);
	srvtest_id(id, 0xa0, rec);
	srvtest_change(&f->ch[f->n++], f->dev, ++f->seq, NOW - 60000 + f->wall,
	    type, id, field, value, author, NULL);
}

static int
push(struct fixture *f, const char *user, enum schema_role role,
    struct wire_push_resp *resp)
{
	const struct ledger_sender who = {
		.device = f->dev, .username = user, .role = role
	};
	char why[256];

	return ledger_push(f->st, &who, f->ch, f->n, NOW, NULL, resp, why,
	    sizeof(why));
}

static uint64_t
refused(struct fixture *f)
{
	struct store_stats s;

	assert_int_equal(store_stats(f->st, &s), 0);
	return s.refused;
}

static void
test_own_and_other_child(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	edit(f);
	add(f, "visit", 1, "child", f->mine, "alice");
	add(f, "visit", 1, "date", "2026-01-05", "alice");
	edit(f);
	add(f, "visit", 2, "child", f->theirs, "alice");
	add(f, "visit", 2, "date", "2026-01-05", "alice");
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].code, "forbidden");
	assert_string_equal(resp.refused[0].reason, "child 'K2' is allocated "
	    "to 'bob', not 'alice'");
	assert_int_equal(resp.refused[0].seq, 3);
	assert_int_equal(resp.refused[1].seq, 4);
	wire_push_resp_clear(&resp);
	assert_int_equal(refused(f), 2);
	/* Sent again: the same refusal, not logged twice. */
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.duplicates, 2);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].code, "forbidden");
	wire_push_resp_clear(&resp);
	assert_int_equal(refused(f), 2);
}

static void
test_move_and_later_edits(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* Created on alice's child, then moved to bob's, then edited. */
	edit(f);
	add(f, "visit", 1, "child", f->mine, "alice");
	add(f, "visit", 1, "date", "2026-01-05", "alice");
	edit(f);
	add(f, "visit", 1, "child", f->theirs, "alice");
	edit(f);
	add(f, "visit", 1, "note", "seen", "alice");
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 3);
	assert_int_equal(resp.nrefused, 1);
	assert_int_equal(resp.refused[0].seq, 3);
	assert_string_equal(resp.refused[0].code, "forbidden");
	wire_push_resp_clear(&resp);
	drop(f);
	/* bob cannot edit or delete alice's child's visit. */
	edit(f);
	add(f, "visit", 1, "note", "bob was here", "bob");
	edit(f);
	add(f, "visit", 1, CHANGE_FIELD_DELETED, "gone", "bob");
	assert_int_equal(push(f, "bob", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[1].reason, "child 'K1' is allocated "
	    "to 'alice', not 'bob'");
	wire_push_resp_clear(&resp);
}

static void
test_unknown_child_and_dispute_stage(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;
	char dispute[2 * LIMIT_ID_LEN + 1];
	uint8_t id[LIMIT_ID_LEN];

	srvtest_id(id, 0xa0, 7);
	hex_encode(id, LIMIT_ID_LEN, dispute);
	edit(f);
	add(f, "visit", 1, "child", "00112233445566778899aabbccddeeff",
	    "bob");
	add(f, "visit", 1, "date", "2026-01-05", "bob");
	edit(f);    /* bob's own dispute on his child */
	add(f, "dispute", 7, "child", f->theirs, "bob");
	add(f, "dispute", 7, "category", "care_plan", "bob");
	add(f, "dispute", 7, "opened", "2026-01-05", "bob");
	assert_int_equal(push(f, "bob", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 3);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].code, "forbidden");
	assert_non_null(strstr(resp.refused[0].reason, "unknown child"));
	wire_push_resp_clear(&resp);
	drop(f);
	/* alice cannot escalate bob's dispute; bob can. */
	edit(f);
	add(f, "dispute_stage", 8, "dispute", dispute, "alice");
	add(f, "dispute_stage", 8, "stage", "team_manager", "alice");
	add(f, "dispute_stage", 8, "sent", "2026-01-06", "alice");
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 3);
	assert_string_equal(resp.refused[0].reason, "child 'K2' is allocated "
	    "to 'bob', not 'alice'");
	wire_push_resp_clear(&resp);
}

static void
test_manager_and_note_author(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* A manager writes a note on bob's child (no team scopes yet). */
	edit(f);
	add(f, "note", 3, "child", f->theirs, "maria");
	add(f, "note", 3, "text", "Manager's note.", "maria");
	assert_int_equal(push(f, "maria", SCHEMA_ROLE_MANAGER, &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
	drop(f);
	/* bob (the child's IRO) may edit it but not finalise it. */
	edit(f);
	add(f, "note", 3, "text", "Manager's note, typo fixed.", "bob");
	edit(f);
	add(f, "note", 3, "status", "final", "bob");
	assert_int_equal(push(f, "bob", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 1);
	assert_int_equal(resp.nrefused, 1);
	assert_string_equal(resp.refused[0].code, "forbidden");
	assert_string_equal(resp.refused[0].reason,
	    "only the note's author 'maria' may finalise it");
	wire_push_resp_clear(&resp);
	drop(f);
	/* The author may. */
	edit(f);
	add(f, "note", 3, "status", "final", "maria");
	assert_int_equal(push(f, "maria", SCHEMA_ROLE_MANAGER, &resp), 0);
	assert_int_equal(resp.accepted, 1);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_own_and_other_child,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_and_later_edits,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unknown_child_and_dispute_stage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manager_and_note_author,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
