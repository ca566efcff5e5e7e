/*
 * test_audit_cli.c - audit entries of the server's own command line: no
 * account, device or address; the Unix user named at the end of the
 * detail whatever is cut; the detail kept valid UTF-8 without control
 * characters; the records listed once each, split over several entries
 * past the per-entry limit; an entry alone in its own transaction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "change.h"
#include "crypto.h"
#include "iro_error.h"
#include "store.h"
#include "support/srvtest.h"

#define T0 1764000000000ull

struct fx {
	char dir[256];
	struct store *st;
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

/* "; by unix user 'NAME'" for this process. */
static void
tail_of_me(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name[0] != '\0')
		snprintf(buf, len, "; by unix user '%s'", pw->pw_name);
	else
		snprintf(buf, len, "; by unix user '%lu'",
		    (unsigned long)geteuid());
}

static bool
ends_with(const char *s, const char *end)
{
	size_t a = strlen(s), b = strlen(end);

	return a >= b && strcmp(s + a - b, end) == 0;
}

static void
test_entry_names_the_unix_user(void **state)
{
	struct store_audit a;
	char want[256], tail[128];

	(void)state;
	tail_of_me(tail, sizeof(tail));
	audit_cli_entry(&a, AUDIT_ALLOCATE, T0, "child '%s' from nobody",
	    "C1001");
	snprintf(want, sizeof(want), "child 'C1001' from nobody%s", tail);
	assert_string_equal(a.detail, want);
	assert_string_equal(a.action, "allocate");
	assert_string_equal(a.username, "");
	assert_string_equal(a.address, "");
	assert_false(a.has_device);
	assert_int_equal(a.at_ms, T0);
	assert_int_equal(a.nrecords, 0);
	assert_null(a.records);
}

static void
test_long_detail_keeps_the_user(void **state)
{
	char big[3000], tail[128];
	struct store_audit a;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tail_of_me(tail, sizeof(tail));
	audit_cli_entry(&a, AUDIT_IMPORT, T0, "imported '%s'", big);
	assert_int_equal(strlen(a.detail), STORE_AUDIT_DETAIL_MAX);
	assert_true(ends_with(a.detail, tail));
	assert_memory_equal(a.detail, "imported 'xxx", 13);
}

static void
test_detail_is_clean_utf8(void **state)
{
	char tail[128], want[256], text[STORE_AUDIT_DETAIL_MAX + 8];
	struct store_audit a;
	size_t room, len;

	(void)state;
	tail_of_me(tail, sizeof(tail));
	/* A control character, a stray byte, a cut sequence at the end of
	 * a file name, and a good two-byte character. */
	audit_cli_entry(&a, AUDIT_IMPORT, T0, "%s", "a\tb\xff" "c\xc3\xa9"
	    "d\xe2\x82");
	snprintf(want, sizeof(want), "a?b?c\xc3\xa9" "d??%s", tail);
	assert_string_equal(a.detail, want);
	assert_true(value_utf8_valid(a.detail, strlen(a.detail)));

	/* Cut in the middle of a character: the half left over goes. */
	room = sizeof(a.detail) - strlen(tail) - 1;
	memset(text, 'x', room - 1);
	memcpy(text + room - 1, "\xc3\xa9", 3);
	audit_cli_entry(&a, AUDIT_IMPORT, T0, "%s", text);
	len = strlen(a.detail);
	assert_true(value_utf8_valid(a.detail, len));
	assert_int_equal(a.detail[room - 1], '?');
	assert_true(ends_with(a.detail, tail));
}

/* The entries in the log, in order. */
static void
list(struct fx *f, struct store_audit **a, size_t *n)
{
	struct store_audit_query q = { 0 };

	assert_int_equal(store_audit_list(f->st, &q, a, n), 0);
}

static void
test_records_listed_once(void **state)
{
	struct fx *f = *state;
	uint8_t ids[4][LIMIT_ID_LEN], other[LIMIT_ID_LEN];
	struct store_audit e, *a = NULL;
	size_t n = 0;

	srvtest_id(ids[0], 0x22, 2);
	srvtest_id(ids[1], 0x11, 1);
	srvtest_id(ids[2], 0x22, 2);
	srvtest_id(ids[3], 0x11, 1);
	srvtest_id(other, 0x33, 3);
	audit_cli_entry(&e, AUDIT_SHOW, T0, "showed two");
	/* The entry's own records are not the ones listed. */
	e.records = &other;
	e.nrecords = 1;
	assert_int_equal(audit_append_records(f->st, &e,
	    (const uint8_t (*)[LIMIT_ID_LEN])ids, 4), 0);
	list(f, &a, &n);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].nrecords, 2);
	assert_memory_equal(a[0].records[0], ids[1], LIMIT_ID_LEN);
	assert_memory_equal(a[0].records[1], ids[0], LIMIT_ID_LEN);
	assert_string_equal(a[0].detail, e.detail);
	store_audit_free_array(a, n);
}

static void
test_no_records_is_one_entry(void **state)
{
	struct fx *f = *state;
	struct store_audit e, *a = NULL;
	size_t n = 0;

	audit_cli_entry(&e, AUDIT_EXPORT, T0, "exported nothing");
	assert_int_equal(audit_append_alone(f->st, &e, NULL, 0), 0);
	list(f, &a, &n);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].nrecords, 0);
	assert_string_equal(a[0].action, "export");
	store_audit_free_array(a, n);
}

static void
test_many_records_split(void **state)
{
	struct fx *f = *state;
	const size_t total = STORE_AUDIT_RECORDS_MAX + 3;
	uint8_t (*ids)[LIMIT_ID_LEN];
	struct store_audit e, *a = NULL;
	char want[128];
	size_t n = 0, i;

	assert_non_null(ids = calloc(total, sizeof(*ids)));
	for (i = 0; i < total; i++)
		srvtest_id(ids[i], 0x44, (uint32_t)(total - i));
	audit_entry(&e, AUDIT_RECORDS, NULL, NULL, T0, "listed many");
	assert_int_equal(audit_append_alone(f->st, &e,
	    (const uint8_t (*)[LIMIT_ID_LEN])ids, total), 0);
	list(f, &a, &n);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].nrecords, STORE_AUDIT_RECORDS_MAX);
	assert_int_equal(a[1].nrecords, 3);
	snprintf(want, sizeof(want), "listed many (part 1 of 2)");
	assert_string_equal(a[0].detail, want);
	assert_string_equal(a[1].detail, "listed many (part 2 of 2)");
	/* Sorted, so the parts do not overlap. */
	assert_true(memcmp(a[0].records[STORE_AUDIT_RECORDS_MAX - 1],
	    a[1].records[0], LIMIT_ID_LEN) < 0);
	store_audit_free_array(a, n);
	free(ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_names_the_unix_user),
		cmocka_unit_test(test_long_detail_keeps_the_user),
		cmocka_unit_test(test_detail_is_clean_utf8),
		cmocka_unit_test_setup_teardown(test_records_listed_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_records_is_one_entry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_records_split,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
