/*
 * test_allocation.c - moving a child to an IRO (server/allocation.h): the
 * change and the caller's audit entry land together or not at all, and
 * only an enabled IRO receives a child.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "crypto.h"
#include "iro_error.h"
#include "store.h"
#include "support/srvtest.h"
#include "upsert.h"

#define NOW 1767225600000ull            /* 2026-01-01T00:00:00Z */

struct fixture {
	char dir[256];
	struct store *st;
	uint8_t kid[LIMIT_ID_LEN];
	int hook_runs;
	int hook_rc;
};

/* The current iro of the child, "" if none. */
static void
iro_of(struct fixture *f, char *out, size_t len)
{
	struct store_record r;
	size_t i;

	out[0] = '\0';
	assert_int_equal(store_record_get(f->st, f->kid, &r), 0);
	for (i = 0; i < r.nfields; i++)
		if (strcmp(r.fields[i].name, "iro") == 0 &&
		    r.fields[i].value.type == VALUE_STR)
			strncpy(out, r.fields[i].value.s, len - 1);
	store_record_clear(&r);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct upsert_field fs[2];
	enum upsert_state us;
	size_t nch = 0;
	char err[256];

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	assert_int_equal(srvtest_user(f->st, "asha", SCHEMA_ROLE_IRO, "n"), 0);
	assert_int_equal(srvtest_user(f->st, "ben", SCHEMA_ROLE_IRO, "n"), 0);
	assert_int_equal(srvtest_user(f->st, "mo", SCHEMA_ROLE_MANAGER, "n"),
	    0);
	assert_int_equal(srvtest_user(f->st, "gone", SCHEMA_ROLE_IRO, "n"), 0);
	assert_int_equal(store_user_set_disabled(f->st, "gone", true), 0);
	srvtest_id(f->kid, 0xc1, 1);
	memset(fs, 0, sizeof(fs));
	fs[0].name = "child_id";
	fs[0].value.type = VALUE_STR;
	fs[0].value.s = (char *)(uintptr_t)"C1001";
	fs[0].value.len = 5;
	fs[1].name = "iro";
	fs[1].value.type = VALUE_STR;
	fs[1].value.s = (char *)(uintptr_t)"asha";
	fs[1].value.len = 4;
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(upsert_record(f->st, NOW - 1000, "import", "child",
	    f->kid, fs, 2, &us, &nch, err, sizeof(err)), 0);
	assert_int_equal(store_commit(f->st), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	srvtest_rmtree(f->dir);
	free(f);
	return 0;
}

/* The hook stands for the caller's audit entry: it writes one. */
static int
hook(void *ctx, struct store *st, const struct allocation *al)
{
	struct fixture *f = ctx;
	struct store_audit a;

	f->hook_runs++;
	memset(&a, 0, sizeof(a));
	snprintf(a.action, sizeof(a.action), "allocate");
	allocation_describe(al, a.detail, sizeof(a.detail));
	a.at_ms = al->now_ms;
	if (f->hook_rc != 0)
		return f->hook_rc;
	return store_audit_append(st, &a, NULL);
}

static size_t
audits(struct fixture *f)
{
	struct store_audit_query q = { 0 };
	struct store_audit *a = NULL;
	size_t n = 0;

	assert_int_equal(store_audit_list(f->st, &q, &a, &n), 0);
	store_audit_free_array(a, n);
	return n;
}

static void
test_allocates_and_audits_together(void **state)
{
	struct fixture *f = *state;
	struct allocation al = { .child = "C1001", .iro = "ben",
	    .reason = "cover", .now_ms = NOW };
	struct allocation_hook h = { hook, f };
	struct store_scope sc;
	char why[256], iro[64], what[256];

	assert_int_equal(allocation_run(f->st, &al, &h, why, sizeof(why)), 0);
	assert_true(al.changed);
	assert_string_equal(al.was, "asha");
	assert_string_equal(al.child_id, "C1001");
	assert_memory_equal(al.id, f->kid, LIMIT_ID_LEN);
	iro_of(f, iro, sizeof(iro));
	assert_string_equal(iro, "ben");
	assert_int_equal(f->hook_runs, 1);
	assert_int_equal(audits(f), 1);
	allocation_describe(&al, what, sizeof(what));
	assert_string_equal(what, "child 'C1001' from 'asha' to 'ben': cover");
	/* The allocation is what the pull scopes by. */
	assert_int_equal(store_record_scope(f->st, f->kid, &sc), 0);
	assert_int_equal(sc.kind, STORE_SCOPE_CHILD);
	/* Again: already ben's, nothing written, the hook not run. */
	al.changed = true;
	assert_int_equal(allocation_run(f->st, &al, &h, why, sizeof(why)), 0);
	assert_false(al.changed);
	assert_int_equal(f->hook_runs, 1);
	assert_int_equal(audits(f), 1);
}

static void
test_hook_failure_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct allocation al = { .child = "C1001", .iro = "ben",
	    .now_ms = NOW };
	struct allocation_hook h = { hook, f };
	struct store_stats before, after;
	char why[256], iro[64];

	assert_int_equal(store_stats(f->st, &before), 0);
	f->hook_rc = IRO_EIO;
	assert_int_equal(allocation_run(f->st, &al, &h, why, sizeof(why)),
	    IRO_EIO);
	assert_false(al.changed);
	assert_int_equal(store_stats(f->st, &after), 0);
	assert_int_equal(after.changes, before.changes);
	iro_of(f, iro, sizeof(iro));
	assert_string_equal(iro, "asha");
	assert_int_equal(audits(f), 0);
}

static void
test_only_an_enabled_iro(void **state)
{
	struct fixture *f = *state;
	struct allocation al = { .child = "C1001", .now_ms = NOW };
	char why[256], iro[64];

	al.iro = "mo";
	assert_int_equal(allocation_run(f->st, &al, NULL, why, sizeof(why)),
	    IRO_EINVAL);
	assert_non_null(strstr(why, "has role manager, not iro"));
	al.iro = "gone";
	assert_int_equal(allocation_run(f->st, &al, NULL, why, sizeof(why)),
	    IRO_EINVAL);
	assert_non_null(strstr(why, "disabled"));
	al.iro = "nobody";
	assert_int_equal(allocation_run(f->st, &al, NULL, why, sizeof(why)),
	    IRO_ENOTFOUND);
	al.iro = "ben";
	al.child = "C9999";
	assert_int_equal(allocation_run(f->st, &al, NULL, why, sizeof(why)),
	    IRO_ENOTFOUND);
	assert_string_equal(why, "no child 'C9999'");
	iro_of(f, iro, sizeof(iro));
	assert_string_equal(iro, "asha");
	/* By record id as well as by council id. */
	al.child = "c1000000000000000000000000000001";
	assert_int_equal(allocation_run(f->st, &al, NULL, why, sizeof(why)),
	    0);
	assert_true(al.changed);
}

static void
test_reason_is_one_line(void **state)
{
	char why[256], big[ALLOCATION_REASON_MAX + 2];

	(void)state;
	assert_int_equal(allocation_check_reason("on leave", why,
	    sizeof(why)), 0);
	assert_int_equal(allocation_check_reason("two\nlines", why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(allocation_check_reason("\xff", why, sizeof(why)),
	    IRO_EINVAL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(allocation_check_reason(big, why, sizeof(why)),
	    IRO_ETOOBIG);
	big[ALLOCATION_REASON_MAX] = '\0';
	assert_int_equal(allocation_check_reason(big, why, sizeof(why)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_allocates_and_audits_together, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hook_failure_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_an_enabled_iro,
		    setup, teardown),
		cmocka_unit_test(test_reason_is_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
