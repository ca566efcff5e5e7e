/*
 * test_scope.c - sets of children and their digest.  The digests below
 * were computed apart from the C code, with Python's
 * hashlib.blake2b(b"IRO-SCOPE-1\n" + ids, digest_size=32), and are the
 * worked examples of proto/PROTOCOL.md section 5.8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "scope.h"

#define CHILD "c4f0a7e2d91b38564e0f2a7bc913d8e6"
#define CHILD_B "2d7c5b1e9f0a48368b1c2d3e4f5a6978"
#define CHILD_C "e81a3fc20b4d5e6f708192a3b4c5d6e7"

/* The functions take sets as const; C17 wants the cast spelled out. */
#define CSET(a) ((const uint8_t (*)[LIMIT_ID_LEN])(a))

static void
set_id(uint8_t id[LIMIT_ID_LEN], const char *hex)
{
	assert_int_equal(hex_decode(hex, id, LIMIT_ID_LEN), 0);
}

static void
assert_digest(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n, const char *want)
{
	uint8_t d[LIMIT_SCOPE_DIGEST_LEN];
	char got[2 * LIMIT_SCOPE_DIGEST_LEN + 1];

	scope_digest(ids, n, d);
	hex_encode(d, sizeof(d), got);
	assert_string_equal(got, want);
}

static void
test_digest_matches_the_spec(void **state)
{
	uint8_t ids[2][LIMIT_ID_LEN];

	(void)state;
	assert_digest(NULL, 0,
	    "ca6e786d3abb89e0cd1b13e32e859047855e59e52d12b944830b5c1489667d44");
	set_id(ids[0], CHILD);
	assert_digest(CSET(ids), 1,
	    "5af6fb9827ed2ad32f6fa7220892c36fe77c237b30c8623c0cd072196ddd9f7e");
	set_id(ids[0], CHILD_B);
	set_id(ids[1], CHILD_C);
	assert_digest(CSET(ids), 2,
	    "17f0fc4033733da0183a8bac39e15ffde25ea72a99ef85e8772f46915001efd1");
}

/* The digest is of the ids in the order given: callers sort first. */
static void
test_digest_depends_on_order(void **state)
{
	uint8_t ids[2][LIMIT_ID_LEN];
	uint8_t a[LIMIT_SCOPE_DIGEST_LEN], b[LIMIT_SCOPE_DIGEST_LEN];

	(void)state;
	set_id(ids[0], CHILD_B);
	set_id(ids[1], CHILD_C);
	scope_digest(CSET(ids), 2, a);
	set_id(ids[0], CHILD_C);
	set_id(ids[1], CHILD_B);
	scope_digest(CSET(ids), 2, b);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void
test_sort_orders_and_dedupes(void **state)
{
	uint8_t ids[5][LIMIT_ID_LEN];
	size_t n = 5;

	(void)state;
	set_id(ids[0], CHILD_C);
	set_id(ids[1], CHILD);
	set_id(ids[2], CHILD_B);
	set_id(ids[3], CHILD_C);
	set_id(ids[4], CHILD_B);
	scope_sort(ids, &n);
	assert_int_equal(n, 3);
	/* Bytewise: 2d.. < c4.. < e8.. */
	assert_int_equal(ids[0][0], 0x2d);
	assert_int_equal(ids[1][0], 0xc4);
	assert_int_equal(ids[2][0], 0xe8);
	assert_true(scope_valid(CSET(ids), n));
	/* Sorted, a set found in any order has the digest of the spec. */
	set_id(ids[0], CHILD_C);
	set_id(ids[1], CHILD_B);
	set_id(ids[2], CHILD_C);
	n = 3;
	scope_sort(ids, &n);
	assert_int_equal(n, 2);
	assert_digest(CSET(ids), n,
	    "17f0fc4033733da0183a8bac39e15ffde25ea72a99ef85e8772f46915001efd1");
}

static void
test_sort_edges(void **state)
{
	uint8_t ids[3][LIMIT_ID_LEN];
	size_t n = 0;

	(void)state;
	scope_sort(ids, &n);
	assert_int_equal(n, 0);
	memset(ids, 0x77, sizeof(ids));
	n = 3;
	scope_sort(ids, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0][15], 0x77);
	/* Ids differing only in their last byte, unsigned. */
	memset(ids, 0, sizeof(ids));
	ids[0][15] = 0xff;
	ids[1][15] = 0x01;
	n = 3;
	scope_sort(ids, &n);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0][15], 0x00);
	assert_int_equal(ids[1][15], 0x01);
	assert_int_equal(ids[2][15], 0xff);
}

static void
test_valid(void **state)
{
	uint8_t ids[2][LIMIT_ID_LEN];
	uint8_t (*big)[LIMIT_ID_LEN];
	size_t i;

	(void)state;
	assert_true(scope_valid(NULL, 0));
	set_id(ids[0], CHILD_B);
	assert_true(scope_valid(CSET(ids), 1));
	set_id(ids[1], CHILD_C);
	assert_true(scope_valid(CSET(ids), 2));
	set_id(ids[1], CHILD_B);                   /* duplicate */
	assert_false(scope_valid(CSET(ids), 2));
	set_id(ids[0], CHILD_C);                   /* unsorted */
	assert_false(scope_valid(CSET(ids), 2));

	/* Sorted and unique, but one over the limit. */
	big = calloc(LIMIT_SCOPE_CHILDREN + 1, sizeof(*big));
	assert_non_null(big);
	for (i = 0; i <= LIMIT_SCOPE_CHILDREN; i++) {
		big[i][14] = (uint8_t)(i >> 8);
		big[i][15] = (uint8_t)i;
	}
	assert_true(scope_valid(CSET(big), LIMIT_SCOPE_CHILDREN));
	assert_false(scope_valid(CSET(big), LIMIT_SCOPE_CHILDREN + 1));
	free(big);
}

static void
test_has(void **state)
{
	uint8_t ids[3][LIMIT_ID_LEN], id[LIMIT_ID_LEN];
	size_t i;

	(void)state;
	set_id(ids[0], CHILD_B);
	set_id(ids[1], CHILD);
	set_id(ids[2], CHILD_C);
	for (i = 0; i < 3; i++) {
		assert_true(scope_has(CSET(ids), 3, ids[i]));
		assert_false(scope_has(CSET(ids), i, ids[i]));
	}
	memcpy(id, ids[1], sizeof(id));
	id[15] ^= 1;
	assert_false(scope_has(CSET(ids), 3, id));
	memset(id, 0, sizeof(id));
	assert_false(scope_has(CSET(ids), 3, id));
	memset(id, 0xff, sizeof(id));
	assert_false(scope_has(CSET(ids), 3, id));
	assert_false(scope_has(NULL, 0, id));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_matches_the_spec),
		cmocka_unit_test(test_digest_depends_on_order),
		cmocka_unit_test(test_sort_orders_and_dedupes),
		cmocka_unit_test(test_sort_edges),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_has),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
