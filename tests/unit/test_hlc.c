/*
 * test_hlc.c - the hybrid logical clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hlc.h"
#include "iro_error.h"

static void
test_tick_takes_later_wall_time(void **state)
{
	struct hlc h = { 100, 7 }, out;

	(void)state;
	assert_int_equal(hlc_tick(&h, 200, &out), 0);
	assert_int_equal(out.wall_ms, 200);
	assert_int_equal(out.counter, 0);
	assert_int_equal(h.wall_ms, 200);
	assert_int_equal(h.counter, 0);
}

static void
test_tick_same_wall_bumps_counter(void **state)
{
	struct hlc h = { 100, 7 }, out;

	(void)state;
	assert_int_equal(hlc_tick(&h, 100, &out), 0);
	assert_int_equal(out.wall_ms, 100);
	assert_int_equal(out.counter, 8);
}

static void
test_tick_clock_going_back_keeps_order(void **state)
{
	struct hlc h = { 500, 2 }, out;

	(void)state;
	assert_int_equal(hlc_tick(&h, 10, &out), 0);
	assert_int_equal(out.wall_ms, 500);
	assert_int_equal(out.counter, 3);
}

static void
test_tick_out_may_alias(void **state)
{
	struct hlc h = { 1, 1 };

	(void)state;
	assert_int_equal(hlc_tick(&h, 1, &h), 0);
	assert_int_equal(h.wall_ms, 1);
	assert_int_equal(h.counter, 2);
}

static void
test_tick_readings_strictly_increase(void **state)
{
	struct hlc h = { 0, 0 }, prev = { 0, 0 }, out;
	uint64_t now[] = { 5, 5, 5, 4, 9, 9, 1, 10 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(now) / sizeof(now[0]); i++) {
		assert_int_equal(hlc_tick(&h, now[i], &out), 0);
		assert_true(out.wall_ms > prev.wall_ms ||
		    (out.wall_ms == prev.wall_ms && out.counter > prev.counter));
		prev = out;
	}
}

static void
test_tick_counter_overflow(void **state)
{
	struct hlc h = { 100, UINT32_MAX }, out = { 1, 1 };

	(void)state;
	assert_int_equal(hlc_tick(&h, 100, &out), IRO_ETOOBIG);
	assert_int_equal(h.wall_ms, 100);
	assert_int_equal(h.counter, UINT32_MAX);
	assert_int_equal(out.wall_ms, 1);
	/* Once the wall clock moves on, the clock works again. */
	assert_int_equal(hlc_tick(&h, 101, &out), 0);
	assert_int_equal(out.counter, 0);
}

static void
test_observe_later_wall_adopted(void **state)
{
	struct hlc h = { 100, 5 };

	(void)state;
	assert_int_equal(hlc_observe(&h, 300, 2), 0);
	assert_int_equal(h.wall_ms, 300);
	assert_int_equal(h.counter, 2);
}

static void
test_observe_same_wall_takes_max_counter(void **state)
{
	struct hlc h = { 100, 5 };

	(void)state;
	assert_int_equal(hlc_observe(&h, 100, 9), 0);
	assert_int_equal(h.counter, 9);
	assert_int_equal(hlc_observe(&h, 100, 3), 0);
	assert_int_equal(h.counter, 9);
}

static void
test_observe_earlier_ignored(void **state)
{
	struct hlc h = { 100, 5 };

	(void)state;
	assert_int_equal(hlc_observe(&h, 50, 99), 0);
	assert_int_equal(h.wall_ms, 100);
	assert_int_equal(h.counter, 5);
}

static void
test_tick_after_observe_orders_after(void **state)
{
	struct hlc h = { 100, 0 }, out;

	(void)state;
	assert_int_equal(hlc_observe(&h, 400, 6), 0);
	assert_int_equal(hlc_tick(&h, 150, &out), 0);
	assert_int_equal(out.wall_ms, 400);
	assert_int_equal(out.counter, 7);
}

static void
test_observe_overflow(void **state)
{
	struct hlc h = { 100, 5 };

	(void)state;
	assert_int_equal(hlc_observe(&h, 200, UINT32_MAX), IRO_ETOOBIG);
	assert_int_equal(h.wall_ms, 100);
	assert_int_equal(h.counter, 5);
	assert_int_equal(hlc_observe(&h, 100, UINT32_MAX), IRO_ETOOBIG);
	assert_int_equal(h.counter, 5);
	/* An older reading is irrelevant, whatever its counter. */
	assert_int_equal(hlc_observe(&h, 99, UINT32_MAX), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tick_takes_later_wall_time),
		cmocka_unit_test(test_tick_same_wall_bumps_counter),
		cmocka_unit_test(test_tick_clock_going_back_keeps_order),
		cmocka_unit_test(test_tick_out_may_alias),
		cmocka_unit_test(test_tick_readings_strictly_increase),
		cmocka_unit_test(test_tick_counter_overflow),
		cmocka_unit_test(test_observe_later_wall_adopted),
		cmocka_unit_test(test_observe_same_wall_takes_max_counter),
		cmocka_unit_test(test_observe_earlier_ignored),
		cmocka_unit_test(test_tick_after_observe_orders_after),
		cmocka_unit_test(test_observe_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
