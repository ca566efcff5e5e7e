/*
 * test_fuzz_holidays.c - replays the bank-holidays fuzz corpus
 * (tests/fuzz/corpus/holidays_json/: the shipped table, edge cases and
 * every input the fuzzer ever found) through the fuzz target's own
 * checks, so that `make test` keeps each finding fixed.  Run from the
 * repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "support/corpus.h"

static const char *current_input = "";

/* The fuzz target reports through cmocka instead of aborting. */
#define FUZZ_FAIL(what) fail_msg("%s: %s", current_input, what)
#include "../fuzz/fuzz_holidays_json.c"

static void
test_replay_corpus(void **state)
{
	(void)state;
	corpus_replay("tests/fuzz/corpus/holidays_json", 4,
	    LLVMFuzzerTestOneInput, &current_input);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
