/*
 * test_fuzz_csv.c - replays the CSV reader's fuzz corpus
 * (tests/fuzz/corpus/csv/: council files, edge cases and every input
 * the fuzzer ever found) through the fuzz target's own
 * checks, so that `make test` keeps each finding fixed.  Run from the
 * repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *current_input = "";

/* The fuzz target reports through cmocka instead of aborting. */
#define FUZZ_FAIL(what) fail_msg("%s: %s", current_input, what)
#include "../fuzz/fuzz_csv.c"

#define CORPUS "tests/fuzz/corpus/csv"

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open '%s'", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);     /* + 1: an empty file is valid */
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
test_replay_corpus(void **state)
{
	char path[512];
	struct dirent *de;
	size_t len, n = 0;
	uint8_t *buf;
	DIR *dir;

	(void)state;
	dir = opendir(CORPUS);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), CORPUS "/%s", de->d_name);
		current_input = path;
		buf = slurp(path, &len);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	closedir(dir);
	assert_true(n >= 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
