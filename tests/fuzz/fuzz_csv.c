/*
 * fuzz_csv.c - libFuzzer target for the server's CSV reader (the council
 * files `import` and `import-903` read).
 *
 * Each input is read to its end under small limits.  Every record must
 * respect the limits, hold NUL-terminated fields of the lengths it
 * reports, and come from a line no earlier than the one before; every
 * error must carry a reason; the reader must stop.  Any violation aborts,
 * which is how libFuzzer records a finding.
 *
 * tests/unit/test_fuzz_csv.c includes this file to replay the corpus
 * under `make test`, defining FUZZ_FAIL to report through cmocka instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "iro_error.h"

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(what) fuzz_abort(what)

static void
fuzz_abort(const char *what)
{
	fprintf(stderr, "fuzz_csv: %s\n", what);
	abort();
}
#endif

#define FUZZ_CHECK(cond, what)                                             \
	do {                                                               \
		if (!(cond))                                               \
			FUZZ_FAIL(what);                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct csv_limits lim = { 64, 16, 256 };
	const struct csv_row *row;
	struct csv_reader *r = NULL;
	size_t i, line, last = 0, calls = 0;
	char why[256];
	int rc;

	if (csv_open((const char *)data, size, &lim, &r) != 0)
		return 0;
	for (;;) {
		/* Every call consumes input or ends it: a bound proves it. */
		FUZZ_CHECK(++calls <= size + 2, "the reader does not stop");
		why[0] = '\0';
		rc = csv_next(r, &row, &line, why, sizeof(why));
		if (rc == IRO_ENOMEM)
			break;
		if (rc != 0) {
			FUZZ_CHECK(rc == IRO_EINVAL || rc == IRO_ETOOBIG,
			    "unexpected error code");
			FUZZ_CHECK(why[0] != '\0', "an error without a reason");
			FUZZ_CHECK(line >= 1, "an error without a line");
			continue;
		}
		if (row == NULL)
			break;
		FUZZ_CHECK(row->line >= 1 && row->line >= last,
		    "records out of line order");
		last = row->line;
		FUZZ_CHECK(row->nfields >= 1 && row->nfields <= lim.max_fields,
		    "field count outside the limits");
		for (i = 0; i < row->nfields; i++) {
			FUZZ_CHECK(row->lens[i] <= lim.max_field,
			    "field longer than the limit");
			FUZZ_CHECK(row->fields[i][row->lens[i]] == '\0',
			    "field not NUL-terminated at its length");
			FUZZ_CHECK(memchr(row->fields[i], '\0', row->lens[i]) ==
			    NULL, "field holds a NUL byte");
		}
	}
	csv_close(r);
	return 0;
}
