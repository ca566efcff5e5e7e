/*
 * test_fuzz_csv.c - replays the CSV reader's fuzz corpus
 * (tests/fuzz/corpus/csv/: council files, edge cases and every input the
 * fuzzer ever found) through the fuzz target's own checks, so that
 * `make test` keeps each finding fixed.  Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "support/corpus.h"

static const char *current_input = "";

/* The fuzz target reports through cmocka instead of aborting. */
#define FUZZ_FAIL(what) fail_msg("%s: %s", current_input, what)
#include "../fuzz/fuzz_csv.c"

static void
test_replay_corpus(void **state)
{
	(void)state;
	corpus_replay("tests/fuzz/corpus/csv", 3,
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
