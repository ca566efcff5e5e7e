/*
 * test_export.c - CSV out of the server: the quoting of one line, and
 * the reviews (SSDA903 Reviews table), visits and decisions exports over
 * a store: which records qualify, the order, the warnings.
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
#include "export.h"
#include "hex.h"
#include "iro_error.h"
#include "store.h"
#include "support/srvtest.h"
#include "upsert.h"

static void
expect_line(const char *const *fields, size_t n, const char *want)
{
	char *line = NULL;

	assert_int_equal(export_csv_line(fields, n, &line), 0);
	assert_string_equal(line, want);
	free(line);
}

static void
test_csv_line(void **state)
{
	const char *plain[] = { "C1", "01/02/2024", "PN1" };
	const char *tricky[] = { "a,b", "say \"hi\"", "two\nlines", NULL, "",
	    " pad", "cr\r" };
	const char *one[] = { "" };

	(void)state;
	expect_line(plain, 3, "C1,01/02/2024,PN1\n");
	expect_line(tricky, 7, "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,,"
	    "\" pad\",\"cr\r\"\n");
	expect_line(one, 1, "\n");
}

static void
test_kind_parse(void **state)
{
	enum export_kind k;

	(void)state;
	assert_int_equal(export_kind_parse("reviews", &k), 0);
	assert_int_equal(k, EXPORT_REVIEWS);
	assert_int_equal(export_kind_parse("visits", &k), 0);
	assert_int_equal(k, EXPORT_VISITS);
	assert_int_equal(export_kind_parse("decisions", &k), 0);
	assert_int_equal(k, EXPORT_DECISIONS);
	assert_int_equal(export_kind_parse("Reviews", &k), IRO_EINVAL);
	assert_int_equal(export_kind_parse(NULL, &k), IRO_EINVAL);
}

struct fixture {
	char dir[256];
	struct store *st;
	uint8_t kid[3][LIMIT_ID_LEN];
	uint8_t review[8][LIMIT_ID_LEN];
	char warnings[2048];
};

/* A field given as text: "yes"/"no" become booleans, "#n" an int. */
static void
field(struct upsert_field *f, const char *name, const char *text)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	if (strcmp(text, "yes") == 0 || strcmp(text, "no") == 0) {
		f->value.type = VALUE_BOOL;
		f->value.b = text[0] == 'y';
	} else if (text[0] == '#') {
		f->value.type = VALUE_INT;
		f->value.i = atoi(text + 1);
	} else {
		f->value.type = VALUE_STR;
		f->value.s = (char *)(uintptr_t)text;
		f->value.len = strlen(text);
	}
}

/* Write a record of type with the NULL-terminated name, text pairs. */
static void
make(struct fixture *f, const char *author, const char *type,
    const uint8_t id[LIMIT_ID_LEN], ...)
{
	struct upsert_field fs[16];
	enum upsert_state state;
	const char *name;
	size_t n = 0, changes = 0;
	char why[256];
	va_list ap;

	va_start(ap, id);
	while ((name = va_arg(ap, const char *)) != NULL && n < 16)
		field(&fs[n++], name, va_arg(ap, const char *));
	va_end(ap);
	assert_int_equal(store_begin(f->st), 0);
	if (upsert_record(f->st, 1000, author, type, id, fs, n, &state,
	    &changes, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_int_equal(store_commit(f->st), 0);
}

static void
ref(const uint8_t id[LIMIT_ID_LEN], char out[33])
{
	hex_encode(id, LIMIT_ID_LEN, out);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256], k[3][33], r[8][33];
	size_t i;

	assert_non_null(f);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(srvtest_tmpdir(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(store_init(f->dir, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->dir, &f->st, err, sizeof(err)), 0);
	for (i = 0; i < 3; i++) {
		srvtest_id(f->kid[i], 0xc1, (uint32_t)(3 - i));
		ref(f->kid[i], k[i]);
	}
	for (i = 0; i < 8; i++) {
		srvtest_id(f->review[i], 0xe1, (uint32_t)(8 - i));
		ref(f->review[i], r[i]);
	}
	make(f, "import", "child", f->kid[0], "child_id", "Z9",
	    "given_name", "Zoe", "family_name", "Ng", "dob", "2012-03-04",
	    NULL);
	make(f, "import", "child", f->kid[1], "child_id", "A1",
	    "given_name", "Ann", "family_name", "Lee", "dob", "2022-08-20",
	    NULL);
	make(f, "import", "child", f->kid[2], "child_id", "M5",
	    "given_name", "Max", "family_name", "Roe", "dob", "2010-01-01",
	    NULL);
	/* Z9: two in range (given out of order), one planned, one before
	 * the range, one without participation. */
	make(f, "alice", "review", f->review[0], "child", k[0],
	    "meeting_date", "2025-10-05", "status", "completed",
	    "participation", "PN6", NULL);
	make(f, "alice", "review", f->review[1], "child", k[0],
	    "meeting_date", "2025-04-02", "status", "held",
	    "participation", "PN1", NULL);
	make(f, "alice", "review", f->review[2], "child", k[0],
	    "meeting_date", "2025-11-01", "status", "planned",
	    "participation", "PN1", NULL);
	make(f, "alice", "review", f->review[3], "child", k[0],
	    "meeting_date", "2024-12-31", "status", "completed",
	    "participation", "PN1", NULL);
	make(f, "alice", "review", f->review[4], "child", k[0],
	    "meeting_date", "2025-06-30", "status", "completed", NULL);
	/* A1, under 4; M5 on the last day of the range; one deleted. */
	make(f, "alice", "review", f->review[5], "child", k[1],
	    "meeting_date", "2025-01-01", "status", "completed",
	    "participation", "PN0", NULL);
	make(f, "bob", "review", f->review[6], "child", k[2],
	    "meeting_date", "2025-12-31", "status", "completed",
	    "participation", "PN7", NULL);
	make(f, "bob", "review", f->review[7], "child", k[2],
	    "meeting_date", "2025-03-03", "status", "completed",
	    "participation", "PN7", "_deleted", "entered in error", NULL);
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

static void
warned(void *ctx, const char *msg)
{
	struct fixture *f = ctx;
	size_t o = strlen(f->warnings);

	snprintf(f->warnings + o, sizeof(f->warnings) - o, "%s\n", msg);
}

/* Run an export of kind over [from, to] into *out (caller frees). */
static int
export(struct fixture *f, enum export_kind kind, const char *from,
    const char *to, char **out, size_t *rows)
{
	struct export_opts o = { .kind = kind, .warn = warned };
	char why[256];
	size_t len = 0;
	int rc;

	f->warnings[0] = '\0';
	o.warn_ctx = f;
	assert_int_equal(cal_parse(from, &o.from), 0);
	assert_int_equal(cal_parse(to, &o.to), 0);
	o.out = open_memstream(out, &len);
	assert_non_null(o.out);
	rc = export_run(f->st, &o, rows, why, sizeof(why));
	assert_int_equal(fclose(o.out), 0);
	return rc;
}

static void
test_reviews(void **state)
{
	struct fixture *f = *state;
	char *out = NULL, want[256], id[33];
	size_t rows;

	assert_int_equal(export(f, EXPORT_REVIEWS, "2025-01-01", "2025-12-31",
	    &out, &rows), 0);
	assert_string_equal(out,
	    "CHILD,DOB,REVIEW,REVIEW_CODE\n"
	    "A1,20/08/2022,01/01/2025,PN0\n"
	    "M5,01/01/2010,31/12/2025,PN7\n"
	    "Z9,04/03/2012,02/04/2025,PN1\n"
	    "Z9,04/03/2012,05/10/2025,PN6\n");
	assert_int_equal(rows, 4);
	ref(f->review[4], id);
	snprintf(want, sizeof(want), "review %s of child 'Z9' on 30/06/2025 "
	    "has no participation code, left out\n", id);
	assert_string_equal(f->warnings, want);
	free(out);
	/* An empty range still gives the header. */
	assert_int_equal(export(f, EXPORT_REVIEWS, "2030-01-01", "2030-01-01",
	    &out, &rows), 0);
	assert_string_equal(out, "CHILD,DOB,REVIEW,REVIEW_CODE\n");
	assert_int_equal(rows, 0);
	free(out);
	assert_int_equal(export(f, EXPORT_REVIEWS, "2026-01-01", "2025-01-01",
	    &out, &rows), IRO_EINVAL);
	free(out);
}

static void
test_visits(void **state)
{
	struct fixture *f = *state;
	uint8_t v[3][LIMIT_ID_LEN];
	char k[2][33], *out = NULL;
	size_t rows;

	ref(f->kid[0], k[0]);
	ref(f->kid[1], k[1]);
	srvtest_id(v[0], 0xf1, 1);
	srvtest_id(v[1], 0xf1, 2);
	srvtest_id(v[2], 0xf1, 3);
	make(f, "alice", "visit", v[0], "child", k[0], "date", "2025-05-01",
	    "time", "14:30", "purpose", "pre_review", "mode", "in_person",
	    "location", "placement", "child_seen", "yes", "seen_alone", "no",
	    "safeguarding", "no", NULL);
	make(f, "bob", "visit", v[1], "child", k[0], "date", "2025-05-01",
	    "time", "09:05", "purpose", "other", NULL);
	make(f, "alice", "visit", v[2], "child", k[1], "date", "2025-06-01",
	    NULL);
	assert_int_equal(export(f, EXPORT_VISITS, "2025-01-01", "2025-12-31",
	    &out, &rows), 0);
	assert_string_equal(out,
	    "CHILD,DATE,TIME,PURPOSE,MODE,LOCATION,CHILD_SEEN,SEEN_ALONE,"
	    "SAFEGUARDING,IRO\n"
	    "A1,01/06/2025,,,,,,,,alice\n"
	    "Z9,01/05/2025,09:05,other,,,,,,bob\n"
	    "Z9,01/05/2025,14:30,pre_review,in_person,placement,yes,no,no,"
	    "alice\n");
	assert_int_equal(rows, 3);
	free(out);
}

static void
test_decisions(void **state)
{
	struct fixture *f = *state;
	uint8_t d[3][LIMIT_ID_LEN];
	char k[33], r[2][33], *out = NULL;
	size_t rows;

	ref(f->kid[0], k);
	ref(f->review[1], r[0]);        /* held 2025-04-02 */
	ref(f->review[3], r[1]);        /* 2024-12-31: out of range */
	srvtest_id(d[0], 0xd1, 1);
	srvtest_id(d[1], 0xd1, 2);
	srvtest_id(d[2], 0xd1, 3);
	make(f, "alice", "decision", d[0], "child", k, "review", r[0],
	    "text", "Arrange contact, \"weekly\"", "responsible",
	    "Sam Green", "due", "2025-05-30", "status", "open", "carried",
	    "#2", NULL);
	make(f, "alice", "decision", d[1], "child", k, "review", r[0],
	    "text", "Refer to CAMHS", "due", "2025-04-30", "status", "done",
	    "carried", "#0", NULL);
	make(f, "alice", "decision", d[2], "child", k, "review", r[1],
	    "text", "Old", "status", "open", NULL);
	assert_int_equal(export(f, EXPORT_DECISIONS, "2025-01-01",
	    "2025-12-31", &out, &rows), 0);
	assert_string_equal(out,
	    "CHILD,REVIEW_DATE,TEXT,RESPONSIBLE,DUE,STATUS,CARRIED\n"
	    "Z9,02/04/2025,Refer to CAMHS,,30/04/2025,done,0\n"
	    "Z9,02/04/2025,\"Arrange contact, \"\"weekly\"\"\",Sam Green,"
	    "30/05/2025,open,2\n");
	assert_int_equal(rows, 2);
	assert_string_equal(f->warnings, "");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_line),
		cmocka_unit_test(test_kind_parse),
		cmocka_unit_test_setup_teardown(test_reviews, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decisions, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
