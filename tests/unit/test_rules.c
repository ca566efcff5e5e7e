/*
 * test_rules.c - the casework rules on push: an edit that breaks one is
 * refused whole with code "rule" and the reason, logged as refused and
 * reported again (not logged twice) when sent again; edits are judged
 * one after another, against the store with the push's earlier edits
 * applied; other edits of the push are unaffected.
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
	uint8_t kid[LIMIT_ID_LEN];
	char kid_hex[2 * LIMIT_ID_LEN + 1];
	uint64_t seq;
	struct change ch[16];
	size_t n;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct upsert_field fs[3];
	enum upsert_state us;
	size_t nch = 0;
	char err[256];

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	srvtest_id(f->dev, 0xde, 1);
	srvtest_id(f->kid, 0xc1, 1);
	hex_encode(f->kid, LIMIT_ID_LEN, f->kid_hex);
	/* A child born 2023-01-01: under 4 until 2027-01-01. */
	memset(fs, 0, sizeof(fs));
	fs[0].name = "child_id";
	fs[0].value.type = VALUE_STR;
	fs[0].value.s = (char *)(uintptr_t)"K1";
	fs[0].value.len = 2;
	fs[1].name = "dob";
	fs[1].value.type = VALUE_STR;
	fs[1].value.s = (char *)(uintptr_t)"2023-01-01";
	fs[1].value.len = 10;
	/* Allocated to the pushing IRO (authz.h). */
	fs[2].name = "iro";
	fs[2].value.type = VALUE_STR;
	fs[2].value.s = (char *)(uintptr_t)"alice";
	fs[2].value.len = 5;
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(upsert_record(f->st, NOW - 100000, "import", "child",
	    f->kid, fs, 3, &us, &nch, err, sizeof(err)), 0);
	assert_int_equal(store_commit(f->st), 0);
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

/* Add a change of record (type) field = value, stamped at wall. */
static void
add(struct fixture *f, const char *type, uint32_t rec, const char *field,
    const char *value, uint64_t wall)
{
	uint8_t id[LIMIT_ID_LEN];

	assert_true(f->n < 16);
	srvtest_id(id, 0xa0, rec);
	srvtest_change(&f->ch[f->n++], f->dev, ++f->seq, NOW - 60000 + wall,
	    type, id, field, value, "alice", NULL);
}

/* A new review rec of the child: meeting_date and participation. */
static void
add_review(struct fixture *f, uint32_t rec, const char *date,
    const char *pn, uint64_t wall)
{
	add(f, "review", rec, "child", f->kid_hex, wall);
	add(f, "review", rec, "meeting_date", date, wall);
	add(f, "review", rec, "participation", pn, wall);
}

static int
push(struct fixture *f, struct wire_push_resp *resp)
{
	const struct ledger_sender who = {
		.device = f->dev, .username = "alice", .role = SCHEMA_ROLE_IRO
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
test_rule_refused(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;
	size_t i;

	add_review(f, 1, "2025-06-01", "PN1", 1000);
	assert_int_equal(push(f, &resp), 0);
	assert_int_equal(resp.accepted, 0);
	assert_int_equal(resp.nrefused, 3);
	for (i = 0; i < 3; i++) {
		assert_string_equal(resp.refused[i].code, "rule");
		assert_non_null(strstr(resp.refused[i].reason,
		    "participation 'PN1' is only for children aged 4 or over"));
		assert_int_equal(resp.refused[i].seq, i + 1);
	}
	wire_push_resp_clear(&resp);
	assert_int_equal(refused(f), 3);
	/* Sent again: the same refusals, not logged twice. */
	assert_int_equal(push(f, &resp), 0);
	assert_int_equal(resp.nrefused, 3);
	assert_string_equal(resp.refused[0].code, "rule");
	wire_push_resp_clear(&resp);
	assert_int_equal(refused(f), 3);
}

static void
test_edits_in_order(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* Created, then held, then completed: three edits, one push. */
	add_review(f, 2, "2025-06-01", "PN0", 1000);
	add(f, "review", 2, "status", "held", 2000);
	add(f, "review", 2, "status", "completed", 3000);
	assert_int_equal(push(f, &resp), 0);
	assert_int_equal(resp.accepted, 5);
	assert_int_equal(resp.nrefused, 0);
	wire_push_resp_clear(&resp);
	drop(f);
	/* Completed is final; a visit in the same push is unaffected. */
	add(f, "review", 2, "status", "planned", 4000);
	add(f, "visit", 3, "child", f->kid_hex, 5000);
	add(f, "visit", 3, "date", "2025-06-02", 5000);
	assert_int_equal(push(f, &resp), 0);
	assert_int_equal(resp.accepted, 2);
	assert_int_equal(resp.nrefused, 1);
	assert_string_equal(resp.refused[0].code, "rule");
	assert_string_equal(resp.refused[0].reason, "review status cannot go "
	    "from 'completed' to 'planned' (allowed from 'completed': none)");
	wire_push_resp_clear(&resp);
}

static void
test_edit_judged_whole(void **state)
{
	struct fixture *f = *state;
	struct wire_push_resp resp;

	/* One edit setting a date the child is 4 on, with PN0: the pair
	 * breaks the rule, so both are refused, and an earlier good edit
	 * of the same record stands. */
	add_review(f, 4, "2025-06-01", "PN0", 1000);
	add(f, "review", 4, "meeting_date", "2027-02-01", 2000);
	add(f, "review", 4, "participation", "PN0", 2000);
	assert_int_equal(push(f, &resp), 0);
	assert_int_equal(resp.accepted, 3);
	assert_int_equal(resp.nrefused, 2);
	assert_int_equal(resp.refused[0].seq, 4);
	assert_int_equal(resp.refused[1].seq, 5);
	assert_non_null(strstr(resp.refused[1].reason, "'PN0' is only for "
	    "children under 4"));
	wire_push_resp_clear(&resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rule_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_edits_in_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_edit_judged_whole, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
