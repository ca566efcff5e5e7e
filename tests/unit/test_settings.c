/*
 * test_settings.c - the council's settings: which values are allowed,
 * defaults, setting twice writes once, the formal dispute stages' total,
 * and out_of_area derived again when the council changes.
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
#include "iro_error.h"
#include "settings.h"
#include "store.h"
#include "support/srvtest.h"
#include "upsert.h"

static void
test_check(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(settings_check("council", "E10000099", why,
	    sizeof(why)), 0);
	assert_int_equal(settings_check("council", "a", why, sizeof(why)), 0);
	assert_int_equal(settings_check("council", "E100000990", why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "setting 'council': expected a council code "
	    "of 1 to 9 letters or digits, got 'E100000990'");
	assert_int_equal(settings_check("council", "E1-2", why, sizeof(why)),
	    IRO_EINVAL);
	assert_int_equal(settings_check("council", "", why, sizeof(why)),
	    IRO_EINVAL);
	assert_int_equal(settings_check("record_days", "1", why,
	    sizeof(why)), 0);
	assert_int_equal(settings_check("record_days", "60", why,
	    sizeof(why)), 0);
	assert_int_equal(settings_check("record_days", "61", why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "setting 'record_days': expected a whole "
	    "number of working days from 1 to 60, got '61'");
	assert_int_equal(settings_check("record_days", "0", why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(settings_check("record_days", "-5", why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(settings_check("record_days", " 5", why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(settings_check("dispute_days_director", "7", why,
	    sizeof(why)), 0);
	assert_int_equal(settings_check("dispute_days_nobody", "7", why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "no setting 'dispute_days_nobody' (see "
	    "'config list')");
	assert_int_equal(settings_check("colour", "red", why, sizeof(why)),
	    IRO_EINVAL);
	assert_int_equal(settings_check("lease_days", "1", why, sizeof(why)),
	    0);
	assert_int_equal(settings_check("lease_days", "365", why,
	    sizeof(why)), 0);
	assert_int_equal(settings_check("lease_days", "366", why,
	    sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "setting 'lease_days': expected a whole "
	    "number of days from 1 to 365, got '366'");
	assert_int_equal(settings_check("lease_days", "0", why, sizeof(why)),
	    IRO_EINVAL);
	assert_int_equal(settings_check("lease_days", "0030", why,
	    sizeof(why)), IRO_EINVAL);
	assert_int_equal(settings_check("record_days", "060", why,
	    sizeof(why)), IRO_EINVAL);
}

static void
test_out_of_area(void **state)
{
	(void)state;
	assert_int_equal(settings_out_of_area("E10000099", "E10000099"), 0);
	assert_int_equal(settings_out_of_area("E10000099", "e10000099"), 0);
	assert_int_equal(settings_out_of_area("E10000099", "E08000999"), 1);
	assert_int_equal(settings_out_of_area("", "E08000999"), -1);
	assert_int_equal(settings_out_of_area(NULL, "E08000999"), -1);
	assert_int_equal(settings_out_of_area("E10000099", NULL), -1);
}

struct fixture {
	char dir[256];
	struct store *st;
};

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

static uint64_t
changes(struct store *st)
{
	struct store_stats s;

	assert_int_equal(store_stats(st, &s), 0);
	return s.changes;
}

static void
test_get_set(void **state)
{
	struct fixture *f = *state;
	struct settings_result res;
	char v[64], why[256];
	bool set;

	assert_int_equal(settings_get(f->st, "record_days", v, sizeof(v),
	    &set), 0);
	assert_string_equal(v, "20");
	assert_false(set);
	assert_int_equal(settings_get(f->st, "dispute_days_informal", v,
	    sizeof(v), &set), 0);
	assert_string_equal(v, "5");
	assert_int_equal(settings_get(f->st, "lease_days", v, sizeof(v),
	    &set), 0);
	assert_string_equal(v, "30");
	assert_false(set);
	assert_int_equal(settings_get(f->st, "council", v, sizeof(v), &set),
	    0);
	assert_string_equal(v, "");
	assert_int_equal(settings_get(f->st, "colour", v, sizeof(v), &set),
	    IRO_EINVAL);
	assert_int_equal(settings_set(f->st, 1000, "record_days", "15", &res,
	    why, sizeof(why)), 0);
	assert_true(res.changed);
	assert_int_equal(res.changes, 2);
	assert_int_equal(settings_get(f->st, "record_days", v, sizeof(v),
	    &set), 0);
	assert_string_equal(v, "15");
	assert_true(set);
	/* The same value again writes nothing; another writes one change. */
	assert_int_equal(settings_set(f->st, 2000, "record_days", "15", &res,
	    why, sizeof(why)), 0);
	assert_false(res.changed);
	assert_int_equal(changes(f->st), 2);
	assert_int_equal(settings_set(f->st, 3000, "record_days", "10", &res,
	    why, sizeof(why)), 0);
	assert_int_equal(res.changes, 1);
	assert_int_equal(changes(f->st), 3);
	assert_int_equal(settings_set(f->st, 4000, "record_days", "x", &res,
	    why, sizeof(why)), IRO_EINVAL);
	assert_int_equal(changes(f->st), 3);
}

static void
test_formal_total(void **state)
{
	struct fixture *f = *state;
	struct settings_result res;
	char why[256];

	/* Informal stages do not count towards the formal 20 days. */
	assert_int_equal(settings_set(f->st, 1000, "dispute_days_informal",
	    "30", &res, why, sizeof(why)), 0);
	assert_int_equal(settings_set(f->st, 1000, "dispute_days_director",
	    "6", &res, why, sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "setting 'dispute_days_director' to 6 would "
	    "make the formal dispute stages total 21 working days (at most "
	    "20)");
	assert_int_equal(settings_set(f->st, 1000,
	    "dispute_days_team_manager", "3", &res, why, sizeof(why)), 0);
	assert_int_equal(settings_set(f->st, 1000, "dispute_days_director",
	    "7", &res, why, sizeof(why)), 0);
}

static void
child(struct fixture *f, uint32_t n, const char *id, const char *pc)
{
	struct upsert_field fs[2];
	uint8_t rec[LIMIT_ID_LEN];
	enum upsert_state state;
	size_t nf = 1, ch = 0;
	char why[256];

	memset(fs, 0, sizeof(fs));
	fs[0].name = "child_id";
	fs[0].value.type = VALUE_STR;
	fs[0].value.s = (char *)(uintptr_t)id;
	fs[0].value.len = strlen(id);
	if (pc != NULL) {
		fs[1].name = "placement_council";
		fs[1].value.type = VALUE_STR;
		fs[1].value.s = (char *)(uintptr_t)pc;
		fs[1].value.len = strlen(pc);
		nf = 2;
	}
	srvtest_id(rec, 0xc1, n);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(upsert_record(f->st, 1000, "import", "child", rec, fs,
	    nf, &state, &ch, why, sizeof(why)), 0);
	assert_int_equal(store_commit(f->st), 0);
}

/* out_of_area of child n: "yes", "no" or "" (nil). */
static const char *
out_of_area(struct fixture *f, uint32_t n)
{
	uint8_t rec[LIMIT_ID_LEN];
	struct store_record r;
	const char *s = "";
	size_t i;

	srvtest_id(rec, 0xc1, n);
	assert_int_equal(store_record_get(f->st, rec, &r), 0);
	for (i = 0; i < r.nfields; i++)
		if (strcmp(r.fields[i].name, "out_of_area") == 0 &&
		    r.fields[i].value.type == VALUE_BOOL)
			s = r.fields[i].value.b ? "yes" : "no";
	store_record_clear(&r);
	return s;
}

static void
test_council_rederives(void **state)
{
	struct fixture *f = *state;
	struct settings_result res;
	char why[256];

	child(f, 1, "K1", "E1");
	child(f, 2, "K2", "E2");
	child(f, 3, "K3", NULL);
	assert_int_equal(settings_set(f->st, 1000, "council", "E1", &res, why,
	    sizeof(why)), 0);
	assert_int_equal(res.children, 2);
	assert_string_equal(out_of_area(f, 1), "no");
	assert_string_equal(out_of_area(f, 2), "yes");
	assert_string_equal(out_of_area(f, 3), "");
	assert_int_equal(settings_set(f->st, 2000, "council", "E2", &res, why,
	    sizeof(why)), 0);
	assert_int_equal(res.children, 2);
	assert_string_equal(out_of_area(f, 1), "yes");
	assert_string_equal(out_of_area(f, 2), "no");
	assert_int_equal(settings_set(f->st, 3000, "council", "e2", &res, why,
	    sizeof(why)), 0);
	assert_true(res.changed);
	assert_int_equal(res.children, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_out_of_area),
		cmocka_unit_test_setup_teardown(test_get_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formal_total, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_council_rederives, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
