/*
 * test_holidays.c - the server's bank-holiday records: importing a
 * GOV.UK bank-holidays.json (only days neither shipped nor recorded, all
 * or nothing, twice writes once), adding and cancelling a day, and the
 * list of shipped and server holidays.
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
#include "holidays.h"
#include "iro_error.h"
#include "store.h"
#include "support/srvtest.h"

static const char doc[] =
	"{\"england-and-wales\":{\"division\":\"england-and-wales\","
	"\"events\":["
	"{\"title\":\"Christmas Day\",\"date\":\"2026-12-25\",\"notes\":\"\","
	"\"bunting\":true},"
	"{\"title\":\"New Year\\u2019s Day\",\"date\":\"2031-01-01\","
	"\"notes\":\"\",\"bunting\":true},"
	"{\"title\":\"Extra bank holiday\",\"date\":\"2031-06-02\","
	"\"notes\":\"\",\"bunting\":true}]},"
	"\"scotland\":{\"division\":\"scotland\",\"events\":["
	"{\"title\":\"St Andrew's Day\",\"date\":\"2031-12-01\","
	"\"notes\":\"\",\"bunting\":true}]}}";

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

static cal_day
day(const char *iso)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(iso, &d), 0);
	return d;
}

static uint64_t
changes(struct store *st)
{
	struct store_stats s;

	assert_int_equal(store_stats(st, &s), 0);
	return s.changes;
}

/* The list from..to as "DATE SOURCE WORKING TITLE" lines. */
static void
list(struct fixture *f, const char *from, const char *to, char *buf,
    size_t len)
{
	struct holidays_entry *e = NULL;
	size_t n = 0, i, o = 0;
	char d[11];

	assert_int_equal(holidays_list(f->st, day(from), day(to), &e, &n), 0);
	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		cal_format(e[i].day, d);
		o += (size_t)snprintf(buf + o, len - o, "%s %s %s %s\n", d,
		    e[i].source == HOLIDAYS_SERVER ? "server" : "shipped",
		    e[i].working ? "working" : "holiday", e[i].title);
	}
	free(e);
}

static void
test_import(void **state)
{
	struct fixture *f = *state;
	struct holidays_summary sum;
	char why[256], buf[1024];
	uint64_t after;

	assert_int_equal(holidays_import(f->st, 1000, doc, strlen(doc), &sum,
	    why, sizeof(why)), 0);
	assert_int_equal(sum.events, 3);
	assert_int_equal(sum.added, 2);
	assert_int_equal(sum.present, 1);
	after = changes(f->st);
	assert_int_equal(after, 6);     /* date, working, title each */
	list(f, "2031-01-01", "2031-12-31", buf, sizeof(buf));
	assert_string_equal(buf,
	    "2031-01-01 server holiday New Year\xe2\x80\x99s Day\n"
	    "2031-04-11 shipped holiday Good Friday\n"
	    "2031-06-02 server holiday Extra bank holiday\n"
	    "2031-12-25 shipped holiday Christmas Day\n");
	assert_int_equal(holidays_import(f->st, 2000, doc, strlen(doc), &sum,
	    why, sizeof(why)), 0);
	assert_int_equal(sum.added, 0);
	assert_int_equal(sum.present, 3);
	assert_int_equal(changes(f->st), after);
}

static void
test_import_invalid(void **state)
{
	struct fixture *f = *state;
	struct holidays_summary sum;
	char why[256], bad[sizeof(doc)];

	/* Cut short: not JSON, and nothing written. */
	memcpy(bad, doc, sizeof(doc));
	bad[sizeof(doc) - 3] = '\0';
	assert_int_not_equal(holidays_import(f->st, 1000, bad, strlen(bad),
	    &sum, why, sizeof(why)), 0);
	assert_true(why[0] != '\0');
	assert_int_equal(changes(f->st), 0);
}

static void
test_add_cancel_list(void **state)
{
	struct fixture *f = *state;
	char why[256], buf[1024];
	bool changed;

	assert_int_equal(holidays_set(f->st, 1000, day("2026-08-31"), true,
	    NULL, &changed, why, sizeof(why)), 0);
	assert_true(changed);
	assert_int_equal(holidays_set(f->st, 1000, day("2026-08-31"), true,
	    NULL, &changed, why, sizeof(why)), 0);
	assert_false(changed);
	assert_int_equal(holidays_set(f->st, 1000, day("2026-08-30"), true,
	    NULL, &changed, why, sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "2026-08-30 cannot be made a working day "
	    "(weekends, Christmas Day and Good Friday never are)");
	assert_int_equal(holidays_set(f->st, 1000, day("2026-12-25"), true,
	    NULL, &changed, why, sizeof(why)), IRO_EINVAL);
	assert_int_equal(holidays_set(f->st, 1000, day("2026-09-01"), true,
	    NULL, &changed, why, sizeof(why)), IRO_EINVAL);
	assert_string_equal(why, "2026-09-01 is not a bank holiday, so there "
	    "is nothing to cancel");
	assert_int_equal(holidays_set(f->st, 1000, day("2026-09-01"), false,
	    "Council closure day", &changed, why, sizeof(why)), 0);
	assert_true(changed);
	list(f, "2026-08-01", "2026-12-31", buf, sizeof(buf));
	assert_string_equal(buf,
	    "2026-08-31 server working Summer bank holiday\n"
	    "2026-09-01 server holiday Council closure day\n"
	    "2026-12-25 shipped holiday Christmas Day\n"
	    "2026-12-28 shipped holiday Boxing Day\n");
	/* Adding the cancelled day back makes it a holiday again. */
	assert_int_equal(holidays_set(f->st, 1000, day("2026-08-31"), false,
	    NULL, &changed, why, sizeof(why)), 0);
	assert_true(changed);
	list(f, "2026-08-31", "2026-08-31", buf, sizeof(buf));
	assert_string_equal(buf,
	    "2026-08-31 server holiday Summer bank holiday\n");
	/* Beyond the shipped table, Christmas Day is still known. */
	list(f, "2090-12-25", "2090-12-25", buf, sizeof(buf));
	assert_string_equal(buf, "2090-12-25 shipped holiday Christmas Day\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_invalid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_cancel_list, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
