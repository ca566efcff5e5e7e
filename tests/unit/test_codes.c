/*
 * test_codes.c - the SSDA903 code lists: membership, meanings and
 * validity by collection year, at the year boundaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "codes.h"
#include "iro_error.h"

static cal_day
day(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

static void
test_lists_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(codes_list_find("legal_status"), &codes_legal_status);
	assert_ptr_equal(codes_list_find("placement_type"),
	    &codes_placement_type);
	assert_ptr_equal(codes_list_find("placement_provider"),
	    &codes_placement_provider);
	assert_ptr_equal(codes_list_find("participation"),
	    &codes_participation);
	assert_ptr_equal(codes_list_find("sex"), &codes_sex);
	assert_null(codes_list_find("ethnicity"));
	assert_null(codes_list_find(NULL));
}

/* Every list's values array names exactly its entries, in order. */
static void
test_values_match_entries(void **state)
{
	const struct codes_list *l[] = {
		&codes_legal_status, &codes_placement_type,
		&codes_placement_provider, &codes_participation, &codes_sex,
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		for (j = 0; j < l[i]->n; j++) {
			assert_non_null(l[i]->values[j]);
			assert_string_equal(l[i]->values[j],
			    l[i]->entries[j].code);
			assert_non_null(l[i]->entries[j].meaning);
			assert_ptr_equal(codes_find(l[i], l[i]->values[j]),
			    &l[i]->entries[j]);
		}
		assert_null(l[i]->values[j]);
	}
	assert_int_equal(codes_legal_status.n, 13);
	assert_int_equal(codes_placement_type.n, 32);
	assert_int_equal(codes_placement_provider.n, 6);
	assert_int_equal(codes_participation.n, 8);
	assert_int_equal(codes_sex.n, 3);
	assert_ptr_equal(codes_placement_type.values,
	    codes_placement_type_values);
}

static void
test_find_exact(void **state)
{
	(void)state;
	assert_non_null(codes_find(&codes_legal_status, "C2"));
	assert_null(codes_find(&codes_legal_status, "c2"));
	assert_null(codes_find(&codes_legal_status, "C"));
	assert_null(codes_find(&codes_legal_status, "C22"));
	assert_null(codes_find(&codes_placement_type, "Z"));
	assert_non_null(codes_find(&codes_placement_type, "Z1"));
	assert_non_null(codes_find(&codes_placement_type, "Z14"));
	assert_null(codes_find(NULL, "C2"));
	assert_null(codes_find(&codes_legal_status, NULL));
}

static void
test_meanings(void **state)
{
	(void)state;
	assert_string_equal(codes_meaning(&codes_legal_status, "C2"),
	    "full care order");
	assert_string_equal(codes_meaning(&codes_legal_status, "E1"),
	    "placement order");
	assert_string_equal(codes_meaning(&codes_participation, "PN0"),
	    "child aged under 4 at the time of the review");
	assert_non_null(strstr(codes_meaning(&codes_participation, "PN6"),
	    "facilitative medium"));
	assert_string_equal(codes_meaning(&codes_placement_provider, "PR4"),
	    "private provision");
	assert_string_equal(codes_meaning(&codes_placement_type, "K3"),
	    "supported accommodation");
	assert_non_null(strstr(codes_meaning(&codes_placement_type, "U4"),
	    "long-term"));
	assert_string_equal(codes_meaning(&codes_sex, "U"),
	    "unknown or indeterminate");
	assert_null(codes_meaning(&codes_sex, "X"));
}

static void
test_collection_year(void **state)
{
	(void)state;
	assert_int_equal(codes_year(day("2024-04-01")), 2024);
	assert_int_equal(codes_year(day("2024-03-31")), 2023);
	assert_int_equal(codes_year(day("2025-03-31")), 2024);
	assert_int_equal(codes_year(day("2025-01-01")), 2024);
	assert_int_equal(codes_year(day("2024-12-31")), 2024);
	assert_int_equal(codes_year(day("2024-02-29")), 2023);
	assert_int_equal(codes_year(day("1970-01-01")), 1969);
	assert_int_equal(codes_year(day("1969-04-01")), 1969);
}

/* K3 from 2024-25. */
static void
test_k3_from_2024(void **state)
{
	(void)state;
	assert_false(codes_valid_on(&codes_placement_type, "K3",
	    day("2024-03-31")));
	assert_true(codes_valid_on(&codes_placement_type, "K3",
	    day("2024-04-01")));
	assert_true(codes_valid_on(&codes_placement_type, "K3",
	    day("2030-06-01")));
}

/* H5 and Z1 last accepted in 2024-25; Z11-Z14 from 2025-26. */
static void
test_h5_z1_retired_2025(void **state)
{
	static const char *const z[] = { "Z11", "Z12", "Z13", "Z14" };
	size_t i;

	(void)state;
	assert_true(codes_valid_on(&codes_placement_type, "H5",
	    day("2025-03-31")));
	assert_false(codes_valid_on(&codes_placement_type, "H5",
	    day("2025-04-01")));
	assert_true(codes_valid_on(&codes_placement_type, "H5",
	    day("2018-01-01")));
	assert_true(codes_valid_on(&codes_placement_type, "Z1",
	    day("2025-03-31")));
	assert_false(codes_valid_on(&codes_placement_type, "Z1",
	    day("2025-04-01")));
	for (i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		assert_false(codes_valid_on(&codes_placement_type, z[i],
		    day("2025-03-31")));
		assert_true(codes_valid_on(&codes_placement_type, z[i],
		    day("2025-04-01")));
	}
}

static void
test_p2_retired(void **state)
{
	(void)state;
	assert_true(codes_valid_on(&codes_placement_type, "P2",
	    day("2022-03-31")));
	assert_false(codes_valid_on(&codes_placement_type, "P2",
	    day("2022-04-01")));
}

static void
test_a3_a6_from_2013(void **state)
{
	(void)state;
	assert_false(codes_valid_on(&codes_placement_type, "A3",
	    day("2013-03-31")));
	assert_true(codes_valid_on(&codes_placement_type, "A6",
	    day("2013-04-01")));
}

static void
test_unbounded_codes_always_valid(void **state)
{
	static const char *const always[] = {
		"T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5",
		"U6", "K1", "K2", "P1", "P3", "R1", "R2", "R3", "R5", "S1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		assert_true(codes_valid_on(&codes_placement_type, always[i],
		    day("1990-01-01")));
		assert_true(codes_valid_on(&codes_placement_type, always[i],
		    day("2030-12-31")));
	}
	assert_true(codes_valid_on(&codes_participation, "PN7",
	    day("2025-05-05")));
	assert_true(codes_valid_on(&codes_legal_status, "J3",
	    day("2019-05-05")));
	assert_false(codes_valid_on(&codes_placement_type, "Q1",
	    day("2019-05-05")));
	assert_false(codes_valid_on(NULL, "U1", day("2019-05-05")));
}

static void
test_years_text(void **state)
{
	char buf[64];

	(void)state;
	codes_years(&codes_placement_type, "K3", buf, sizeof(buf));
	assert_string_equal(buf, "from 2024-25");
	codes_years(&codes_placement_type, "H5", buf, sizeof(buf));
	assert_string_equal(buf, "until 2024-25");
	codes_years(&codes_placement_type, "U4", buf, sizeof(buf));
	assert_string_equal(buf, "in every year");
	codes_years(&codes_placement_type, "Q1", buf, sizeof(buf));
	assert_string_equal(buf, "");
	codes_years(&codes_placement_type, "P2", buf, 6);
	assert_string_equal(buf, "until");
}

static void
test_long_term_foster(void **state)
{
	(void)state;
	assert_true(codes_is_long_term_foster("U1"));
	assert_true(codes_is_long_term_foster("U4"));
	assert_false(codes_is_long_term_foster("U2"));
	assert_false(codes_is_long_term_foster("U5"));
	assert_false(codes_is_long_term_foster("u4"));
	assert_false(codes_is_long_term_foster("U41"));
	assert_false(codes_is_long_term_foster(""));
	assert_false(codes_is_long_term_foster(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_by_name),
		cmocka_unit_test(test_values_match_entries),
		cmocka_unit_test(test_find_exact),
		cmocka_unit_test(test_meanings),
		cmocka_unit_test(test_collection_year),
		cmocka_unit_test(test_k3_from_2024),
		cmocka_unit_test(test_h5_z1_retired_2025),
		cmocka_unit_test(test_p2_retired),
		cmocka_unit_test(test_a3_a6_from_2013),
		cmocka_unit_test(test_unbounded_codes_always_valid),
		cmocka_unit_test(test_years_text),
		cmocka_unit_test(test_long_term_foster),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
