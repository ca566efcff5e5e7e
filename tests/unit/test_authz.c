/*
 * test_authz.c - write authorisation on push (authz.h): an IRO writes
 * only records of children allocated to them (refused "forbidden" with
 * the reason otherwise, logged, whole edit), or allocated to them when
 * the edit was made; a record never moves to another child or dispute,
 * whoever asks; a dispute stage follows its dispute's child; a record
 * whose child the server does not know is refused; a manager writes
 * about children of their own team's IROs and unallocated ones; an
 * admin about none, records about no child being left to the schema;
 * only a note's author finalises it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "crypto.h"
#include "hex.h"
#include "iro_error.h"
#include "ledger.h"
#include "settings.h"
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
	char also[2 * LIMIT_ID_LEN + 1];        /* alice's child K3 */
	char orphan[2 * LIMIT_ID_LEN + 1];      /* K4, allocated to nobody */
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
	/* Two teams: alice of south, bob of north, a manager of each. */
	assert_int_equal(srvtest_user(f->st, "alice", SCHEMA_ROLE_IRO,
	    "south"), 0);
	assert_int_equal(srvtest_user(f->st, "bob", SCHEMA_ROLE_IRO, "north"),
	    0);
	assert_int_equal(srvtest_user(f->st, "maria", SCHEMA_ROLE_MANAGER,
	    "north"), 0);
	assert_int_equal(srvtest_user(f->st, "sam", SCHEMA_ROLE_MANAGER,
	    "south"), 0);
	put_child(f, 1, "K1", "alice", f->mine);
	put_child(f, 2, "K2", "bob", f->theirs);
	put_child(f, 3, "K3", "alice", f->also);
	put_child(f, 4, "K4", "", f->orphan);
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

/* Reallocate child k to iro by a change the server makes at at_ms. */
static void
allocate(struct fixture *f, uint32_t k, const char *iro, uint64_t at_ms)
{
	struct upsert_field fs[1];
	uint8_t id[LIMIT_ID_LEN];
	enum upsert_state us;
	size_t nch = 0;
	char err[256];

	srvtest_id(id, 0xc1, k);
	memset(fs, 0, sizeof(fs));
	fs[0].name = "iro";
	fs[0].value.type = VALUE_STR;
	fs[0].value.s = (char *)(uintptr_t)iro;
	fs[0].value.len = strlen(iro);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(upsert_record(f->st, at_ms, "allocate", "child", id,
	    fs, 1, &us, &nch, err, sizeof(err)), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(us, UPSERT_UPDATED);
}

/* Push the changes as user (of team, which may be NULL: none). */
static int
push_as(struct fixture *f, const char *user, enum schema_role role,
    const char *team, struct wire_push_resp *resp)
{
	const struct ledger_sender who = {
		.device = f->dev, .username = user, .role = role, .team = team
	};
	char why[256];

	return ledger_push(f->st, &who, f->ch, f->n, NOW, NULL, resp, why,
	    sizeof(why));
}

/* Push as user (of team) from a device that last pulled at pulled_ms,
 * at server time now_ms. */
static int
push_when(struct fixture *f, const char *user, enum schema_role role,
    const char *team, uint64_t pulled_ms, uint64_t now_ms,
    struct wire_push_resp *resp)
{
	const struct ledger_sender who = {
		.device = f->dev, .username = user, .role = role, .team = team,
		.last_pull_ms = pulled_ms
	};
	char why[256];

	return ledger_push(f->st, &who, f->ch, f->n, now_ms, NULL, resp, why,
	    sizeof(why));
}

/* Push as a sender that names no team (team left NULL). */
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
	assert_string_equal(resp.refused[0].reason, "a visit cannot move to "
	    "another child: record it again under the right one");
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

	/* A manager writes a note on bob's child (bob is of her team). */
	edit(f);
	add(f, "note", 3, "child", f->theirs, "maria");
	add(f, "note", 3, "text", "Manager's note.", "maria");
	assert_int_equal(push_as(f, "maria", SCHEMA_ROLE_MANAGER, "north",
	    &resp), 0);
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
	assert_int_equal(push_as(f, "maria", SCHEMA_ROLE_MANAGER, "north",
	    &resp), 0);
	assert_int_equal(resp.accepted, 1);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
}

static void
test_no_move_to_another_child(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* alice's visit on K1 may not move to K3, though K3 is hers too;
	 * naming the same child again is no move. */
	edit(f);
	add(f, "visit", 1, "child", f->mine, "alice");
	add(f, "visit", 1, "date", "2026-01-05", "alice");
	edit(f);
	add(f, "visit", 1, "child", f->also, "alice");
	edit(f);
	add(f, "visit", 1, "child", f->mine, "alice");
	add(f, "visit", 1, "note", "seen", "alice");
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 4);
	assert_int_equal(resp.nrefused, 1);
	assert_int_equal(resp.refused[0].seq, 3);
	assert_string_equal(resp.refused[0].code, "forbidden");
	assert_string_equal(resp.refused[0].reason, "a visit cannot move to "
	    "another child: record it again under the right one");
	wire_push_resp_clear(&resp);
	drop(f);
	/* Nor may a manager move one between children of their team. */
	edit(f);
	add(f, "visit", 2, "child", f->theirs, "maria");
	add(f, "visit", 2, "date", "2026-01-05", "maria");
	edit(f);
	add(f, "visit", 2, "child", f->orphan, "maria");
	add(f, "visit", 2, "note", "moved", "maria");
	assert_int_equal(push_as(f, "maria", SCHEMA_ROLE_MANAGER, "north",
	    &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].reason, "a visit cannot move to "
	    "another child: record it again under the right one");
	wire_push_resp_clear(&resp);
}

static void
test_stage_stays_with_its_dispute(void **state)
{
	struct fixture *f = *state;
	char d7[2 * LIMIT_ID_LEN + 1], d9[2 * LIMIT_ID_LEN + 1];
	struct wire_push_resp resp;
	uint8_t id[LIMIT_ID_LEN];

	srvtest_id(id, 0xa0, 7);
	hex_encode(id, LIMIT_ID_LEN, d7);
	srvtest_id(id, 0xa0, 9);
	hex_encode(id, LIMIT_ID_LEN, d9);
	edit(f);
	add(f, "dispute", 7, "child", f->theirs, "bob");
	add(f, "dispute", 7, "category", "care_plan", "bob");
	add(f, "dispute", 7, "opened", "2026-01-05", "bob");
	edit(f);
	add(f, "dispute", 9, "child", f->theirs, "bob");
	add(f, "dispute", 9, "category", "contact", "bob");
	add(f, "dispute", 9, "opened", "2026-01-05", "bob");
	edit(f);
	add(f, "dispute_stage", 8, "dispute", d7, "bob");
	add(f, "dispute_stage", 8, "stage", "team_manager", "bob");
	add(f, "dispute_stage", 8, "sent", "2026-01-06", "bob");
	edit(f);
	add(f, "dispute_stage", 8, "dispute", d9, "bob");
	assert_int_equal(push(f, "bob", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 9);
	assert_int_equal(resp.nrefused, 1);
	assert_string_equal(resp.refused[0].reason, "a dispute_stage cannot "
	    "move to another dispute: record it again under the right one");
	wire_push_resp_clear(&resp);
	drop(f);
	/* The manager of another team may not escalate it; bob's may. */
	edit(f);
	add(f, "dispute_stage", 10, "dispute", d7, "sam");
	add(f, "dispute_stage", 10, "stage", "service_manager", "sam");
	add(f, "dispute_stage", 10, "sent", "2026-01-07", "sam");
	assert_int_equal(push_as(f, "sam", SCHEMA_ROLE_MANAGER, "south",
	    &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 3);
	assert_string_equal(resp.refused[0].reason, "child 'K2' is allocated "
	    "to 'bob' of team 'north', not of team 'south'");
	wire_push_resp_clear(&resp);
	drop(f);
	edit(f);
	add(f, "dispute_stage", 10, "dispute", d7, "maria");
	add(f, "dispute_stage", 10, "stage", "service_manager", "maria");
	add(f, "dispute_stage", 10, "sent", "2026-01-07", "maria");
	assert_int_equal(push_as(f, "maria", SCHEMA_ROLE_MANAGER, "north",
	    &resp), 0);
	assert_int_equal(resp.accepted, 3);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
	drop(f);
	/* Once K2 is alice's, so are its dispute's stages. */
	allocate(f, 2, "alice", NOW - 30000);
	edit(f);
	add(f, "dispute_stage", 8, "outcome", "escalated", "alice");
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 1);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
}

static void
test_edit_made_before_reallocation(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* alice writes offline while K1 is hers (stamped NOW - 59000); K1
	 * goes to bob at NOW - 50000; her edit arrives after: kept. */
	edit(f);
	add(f, "visit", 1, "child", f->mine, "alice");
	add(f, "visit", 1, "date", "2026-01-05", "alice");
	allocate(f, 1, "bob", NOW - 50000);
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
	drop(f);
	/* An edit she made after K1 left her is refused. */
	f->wall = 20000;
	add(f, "visit", 1, "note", "too late", "alice");
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 1);
	assert_string_equal(resp.refused[0].reason, "child 'K1' is allocated "
	    "to 'bob', not 'alice'");
	wire_push_resp_clear(&resp);
	drop(f);
	/* bob, K1's IRO now, may write it. */
	edit(f);
	add(f, "visit", 1, "note", "bob's now", "bob");
	assert_int_equal(push(f, "bob", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 1);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
}

static void
test_manager_edit_made_before_reallocation(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* sam (south) writes offline about alice's K1 (south); K1 then
	 * goes to bob (north): the note made while K1 was his team's is
	 * kept, one made after is refused. */
	edit(f);
	add(f, "note", 1, "child", f->mine, "sam");
	add(f, "note", 1, "text", "While south's.", "sam");
	allocate(f, 1, "bob", NOW - 50000);
	assert_int_equal(push_as(f, "sam", SCHEMA_ROLE_MANAGER, "south",
	    &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
	drop(f);
	f->wall = 20000;
	add(f, "note", 1, "text", "After it left.", "sam");
	assert_int_equal(push_as(f, "sam", SCHEMA_ROLE_MANAGER, "south",
	    &resp), 0);
	assert_int_equal(resp.nrefused, 1);
	assert_string_equal(resp.refused[0].reason, "child 'K1' is allocated "
	    "to 'bob' of team 'north', not of team 'south'");
	wire_push_resp_clear(&resp);
}

static void
test_grace_is_bounded(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;
	struct settings_result sr;
	char why[256];

	/* alice's edit stamped before K1 went to bob ... */
	edit(f);
	add(f, "visit", 1, "child", f->mine, "alice");
	add(f, "visit", 1, "date", "2026-01-05", "alice");
	allocate(f, 1, "bob", NOW - 50000);
	/* ... from a device that has pulled since (and so was told K1
	 * left): a backdated edit, refused. */
	assert_int_equal(push_when(f, "alice", SCHEMA_ROLE_IRO, NULL,
	    NOW - 40000, NOW, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 2);
	wire_push_resp_clear(&resp);
	/* From a device that has not, but after the council's lease (1
	 * day here) has run out since the reallocation: refused too. */
	assert_int_equal(settings_set(f->st, NOW - 45000, "lease_days", "1",
	    &sr, why, sizeof(why)), 0);
	drop(f);
	edit(f);
	add(f, "visit", 2, "child", f->mine, "alice");
	add(f, "visit", 2, "date", "2026-01-06", "alice");
	assert_int_equal(push_when(f, "alice", SCHEMA_ROLE_IRO, NULL,
	    NOW - 55000, NOW - 50000 + 86400001, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 2);
	wire_push_resp_clear(&resp);
	/* Within the lease, from a device that has not pulled since: kept. */
	drop(f);
	edit(f);
	add(f, "visit", 3, "child", f->mine, "alice");
	add(f, "visit", 3, "date", "2026-01-07", "alice");
	assert_int_equal(push_when(f, "alice", SCHEMA_ROLE_IRO, NULL,
	    NOW - 55000, NOW - 50000 + 86400000, &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
}

static void
test_edit_made_before_allocation(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* K4 was nobody's when alice's edit was stamped (NOW - 59000),
	 * hers only from NOW - 55000 to NOW - 50000: not hers then, not
	 * hers now. */
	edit(f);
	add(f, "visit", 3, "child", f->orphan, "alice");
	add(f, "visit", 3, "date", "2026-01-05", "alice");
	allocate(f, 4, "alice", NOW - 55000);
	allocate(f, 4, "bob", NOW - 50000);
	assert_int_equal(push(f, "alice", SCHEMA_ROLE_IRO, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].reason, "child 'K4' is allocated "
	    "to 'bob', not 'alice'");
	wire_push_resp_clear(&resp);
}

static void
test_manager_of_team(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* sam manages south: not bob's child (north) ... */
	edit(f);
	add(f, "note", 4, "child", f->theirs, "sam");
	add(f, "note", 4, "text", "Not my team's.", "sam");
	assert_int_equal(push_as(f, "sam", SCHEMA_ROLE_MANAGER, "south",
	    &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].code, "forbidden");
	assert_string_equal(resp.refused[0].reason, "child 'K2' is allocated "
	    "to 'bob' of team 'north', not of team 'south'");
	wire_push_resp_clear(&resp);
	drop(f);
	/* ... but alice's (south), and a child allocated to nobody. */
	edit(f);
	add(f, "note", 5, "child", f->mine, "sam");
	add(f, "note", 5, "text", "My team's.", "sam");
	edit(f);
	add(f, "note", 6, "child", f->orphan, "sam");
	add(f, "note", 6, "text", "Nobody's yet.", "sam");
	assert_int_equal(push_as(f, "sam", SCHEMA_ROLE_MANAGER, "south",
	    &resp), 0);
	assert_int_equal(resp.accepted, 4);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
}

static void
test_manager_without_team(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* A sender naming no team (NULL) is of none, like "": only the
	 * unallocated child, not that of dan, an IRO of no team either. */
	assert_int_equal(srvtest_user(f->st, "dan", SCHEMA_ROLE_IRO, ""), 0);
	allocate(f, 4, "dan", NOW - 90000);
	edit(f);
	add(f, "note", 5, "child", f->orphan, "maria");
	add(f, "note", 5, "text", "Dan's.", "maria");
	assert_int_equal(push(f, "maria", SCHEMA_ROLE_MANAGER, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].reason, "child 'K4' is allocated "
	    "to 'dan' of team '', not of team ''");
	wire_push_resp_clear(&resp);
	drop(f);
	allocate(f, 4, "", NOW - 80000);
	edit(f);
	add(f, "note", 6, "child", f->orphan, "maria");
	add(f, "note", 6, "text", "Nobody's yet.", "maria");
	edit(f);
	add(f, "note", 7, "child", f->theirs, "maria");
	add(f, "note", 7, "text", "Team unknown.", "maria");
	assert_int_equal(push(f, "maria", SCHEMA_ROLE_MANAGER, &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].reason, "child 'K2' is allocated "
	    "to 'bob' of team 'north', not of team ''");
	wire_push_resp_clear(&resp);
	drop(f);
	edit(f);
	add(f, "note", 8, "child", f->theirs, "maria");
	add(f, "note", 8, "text", "Team empty.", "maria");
	assert_int_equal(push_as(f, "maria", SCHEMA_ROLE_MANAGER, "", &resp),
	    0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 2);
	assert_string_equal(resp.refused[0].reason, "child 'K2' is allocated "
	    "to 'bob' of team 'north', not of team ''");
	wire_push_resp_clear(&resp);
}

static void
test_admin_writes_no_child_record(void **state)
{
	struct fixture *f = *state;
	const struct authz_who ada = {
		.username = "ada", .role = SCHEMA_ROLE_ADMIN
	};
	const struct change *cs[2];
	struct wire_push_resp resp;
	char reason[256];
	bool denied = false;

	/* The schema lets an admin write no field at all, so the push path
	 * never reaches authz: ask it directly. */
	edit(f);
	add(f, "note", 3, "child", f->orphan, "ada");
	add(f, "note", 3, "text", "An admin's note.", "ada");
	cs[0] = &f->ch[0];
	cs[1] = &f->ch[1];
	assert_int_equal(authz_check(f->st, &ada, cs, 2, reason,
	    sizeof(reason), &denied), 0);
	assert_true(denied);
	assert_non_null(strstr(reason, "does not write children's records"));
	drop(f);
	/* A council-wide record is left to the schema ... */
	edit(f);
	add(f, "holiday", 9, "date", "2026-12-25", "ada");
	cs[0] = &f->ch[0];
	assert_int_equal(authz_check(f->st, &ada, cs, 1, reason,
	    sizeof(reason), &denied), 0);
	assert_false(denied);
	assert_string_equal(reason, "");
	/* ... which gives holidays to the server alone. */
	assert_int_equal(push(f, "ada", SCHEMA_ROLE_ADMIN, &resp), 0);
	assert_int_equal(resp.nrefused, 1);
	assert_string_equal(resp.refused[0].code, "forbidden");
	assert_non_null(strstr(resp.refused[0].reason, "holiday.date"));
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
		cmocka_unit_test_setup_teardown(test_no_move_to_another_child,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_stage_stays_with_its_dispute, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_edit_made_before_reallocation, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_manager_edit_made_before_reallocation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_grace_is_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_edit_made_before_allocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manager_of_team, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_manager_without_team,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_admin_writes_no_child_record, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
