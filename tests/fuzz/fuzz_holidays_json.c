/*
 * fuzz_holidays_json.c - libFuzzer target for the bank-holidays.json
 * reader (an admin-supplied file the server imports).
 *
 * Each input is scanned and loaded.  The scan and the load must agree on
 * whether the input is valid; a refused input must leave the holiday set
 * as it was; an accepted one must make every day it named a non-working
 * day.  Any violation aborts, which is how libFuzzer records a finding.
 *
 * tests/unit/test_fuzz_holidays.c includes this file to replay the corpus
 * under `make test`, defining FUZZ_FAIL to report through cmocka instead.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "calendar.h"
#include "iro_error.h"

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(what) fuzz_abort(what)

static void
fuzz_abort(const char *what)
{
	fprintf(stderr, "fuzz_holidays_json: %s\n", what);
	abort();
}
#endif

#define FUZZ_CHECK(cond, what)                                             \
	do {                                                               \
		if (!(cond))                                               \
			FUZZ_FAIL(what);                                   \
	} while (0)

#define FUZZ_DAYS_MAX 64

struct seen {
	size_t n;
	cal_day days[FUZZ_DAYS_MAX];
};

static int
note_day(void *ctx, cal_day day, const char *title)
{
	struct seen *s = ctx;

	FUZZ_CHECK(title != NULL, "event reported without a title string");
	FUZZ_CHECK(cal_valid(day), "event reported with a day out of range");
	if (s->n < FUZZ_DAYS_MAX)
		s->days[s->n++] = day;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cal_holidays *h = NULL;
	struct seen s = { 0 };
	char why[256];
	cal_day probe;
	bool before;
	size_t i;
	int scan, load;

	scan = cal_holidays_parse_json((const char *)data, size, note_day, &s,
	    why, sizeof(why));
	if (cal_holidays_new_empty(&h) != 0)
		return 0;
	/* A weekday that no input can reach unless it names it. */
	FUZZ_CHECK(cal_from_ymd(2031, 1, 7, &probe) == 0, "probe day");
	before = cal_is_working(h, probe);
	load = cal_holidays_load_json(h, (const char *)data, size, why,
	    sizeof(why));
	if (load == IRO_ENOMEM)
		goto out;
	FUZZ_CHECK((scan == 0) == (load == 0),
	    "scan and load disagree about the input");
	if (load != 0) {
		FUZZ_CHECK(why[0] != '\0', "refusal without a reason");
		FUZZ_CHECK(cal_is_working(h, probe) == before,
		    "a refused input changed the set");
	} else {
		for (i = 0; i < s.n; i++)
			FUZZ_CHECK(!cal_is_working(h, s.days[i]),
			    "a loaded holiday is still a working day");
	}
out:
	cal_holidays_free(h);
	return 0;
}
