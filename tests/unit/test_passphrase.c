/*
 * test_passphrase.c - the passphrase rule (iro_passphrase_check and
 * enrolment's use of it), changing the passphrase without rewriting the
 * replica (iro_passphrase_change), and the backoff after wrong
 * passphrases, driven by a test clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crypto.h"
#include "handle.h"
#include "hex.h"
#include "irosync.h"
#include "replica.h"

#define PASS "correct horse battery staple"
#define NEW_PASS "a new passphrase for the laptop"
#define T0 INT64_C(1760000000000)

struct fx {
	char dir[64];
	char db[96];
	int64_t now;                  /* the test clock; does not move alone */
	struct iro *h;
};

static int64_t
test_clock(void *ctx)
{
	return ((struct fx *)ctx)->now;
}

static void
open_opts(struct fx *f, struct iro_open_opts *o, const char *pass,
    char *errbuf)
{
	memset(o, 0, sizeof(*o));
	o->home = f->dir;
	o->passphrase = pass;
	o->passphrase_len = strlen(pass);
	o->clock = test_clock;
	o->clock_ctx = f;
	o->errbuf = errbuf;
	o->errbuf_len = IRO_ERRBUF_SIZE;
}

/* Store a change of a child record as if pulled from the server. */
static void
inject(struct fx *f, uint64_t seq, const char *field, const char *val)
{
	static const uint8_t dev[LIMIT_ID_LEN] = { 0xee, 1 };
	struct change c;
	int inserted = 0;

	change_init(&c);
	c.seq = seq;
	c.ts.wall_ms = (uint64_t)f->now + seq;
	memcpy(c.ts.device, dev, LIMIT_ID_LEN);
	snprintf(c.type, sizeof(c.type), "child");
	c.record[0] = 0xc1;
	snprintf(c.field, sizeof(c.field), "%s", field);
	assert_int_equal(value_set_str(&c.value, val, strlen(val)), 0);
	snprintf(c.author, sizeof(c.author), "server");
	assert_int_equal(replica_put_change(f->h->replica, &c, REPLICA_REMOTE,
	    &inserted), 0);
	assert_int_equal(inserted, 1);
	change_clear(&c);
}

static int
setup(void **state)
{
	struct iro_open_opts o;
	char err[IRO_ERRBUF_SIZE];
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/iro-test-pass-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/replica.db", f->dir);
	f->now = T0;
	open_opts(f, &o, PASS, err);
	assert_int_equal(handle_create_local(&o, "alice", "iro", &f->h), 0);
	inject(f, 1, "child_id", "C1001");
	inject(f, 2, "given_name", "Ada");
	inject(f, 3, "family_name", "Example");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	iro_close(f->h);
	replica_destroy(f->dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Every row of one query, concatenated (the file read with SQLite
 * directly, as an attacker with the file would). */
static char *
dump(struct fx *f, const char *sql, size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	size_t n = 0;
	int i, src;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const void *p = sqlite3_column_blob(st, i);
			size_t m = (size_t)sqlite3_column_bytes(st, i);

			out = realloc(out, n + m + 1);
			assert_non_null(out);
			if (m > 0)
				memcpy(out + n, p, m);
			n += m;
			out[n++] = '|';
		}
	}
	assert_int_equal(src, SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	*len = n;
	return out;
}

/* Run one statement on the file, as a test's way to set the counter. */
static void
exec_sql(struct fx *f, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int
try_open(struct fx *f, const char *pass, char *err)
{
	struct iro_open_opts o;
	struct iro *h = NULL;
	int rc;

	open_opts(f, &o, pass, err);
	rc = iro_open(&o, &h);
	if (rc == 0)
		assert_non_null(h);
	else
		assert_null(h);
	iro_close(h);
	return rc;
}

/* ---- the rule ---------------------------------------------------------- */

static void
check_is(const char *pass, int want, const char *why_part)
{
	char why[IRO_ERRBUF_SIZE] = "x";

	assert_int_equal(iro_passphrase_check(pass, strlen(pass), why,
	    sizeof(why)), want);
	if (why_part == NULL)
		assert_string_equal(why, "");
	else
		assert_non_null(strstr(why, why_part));
}

static void
test_check_length_in_characters(void **state)
{
	(void)state;
	check_is("abcdefghijk", IRO_EINVAL, "at least 12 characters");
	check_is("abcdefghijkl", 0, NULL);
	check_is("", IRO_EINVAL, "at least 12 characters");
	/* 11 characters but 22 bytes: characters count, not bytes. */
	check_is("\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xa0\xc3\xa2\xc3\xa4"
	    "\xc3\xae\xc3\xaf\xc3\xb4\xc3\xb6", IRO_EINVAL,
	    "at least 12 characters");
	check_is("\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xa0\xc3\xa2\xc3\xa4"
	    "\xc3\xae\xc3\xaf\xc3\xb4\xc3\xb6\xc3\xbc", 0, NULL);
}

static void
test_check_refuses_trivial(void **state)
{
	(void)state;
	check_is("aaaaaaaaaaaaaaaaaaaa", IRO_EINVAL, "5 different characters");
	check_is("abababababababab", IRO_EINVAL, "5 different characters");
	check_is("abcdabcdabcdabcd", IRO_EINVAL, "5 different characters");
	check_is("12345678901234", IRO_EINVAL, "not be only digits");
	check_is("1234567890123a", 0, NULL);
	check_is("correct horse", 0, NULL);
}

static void
test_check_refuses_bad_text(void **state)
{
	char why[IRO_ERRBUF_SIZE];

	(void)state;
	check_is("correct horse\xff battery", IRO_EINVAL, "not valid UTF-8");
	check_is("correct horse \xc0\xa0 overlong", IRO_EINVAL,
	    "not valid UTF-8");
	check_is("correct horse \xed\xa0\x80 surrogate", IRO_EINVAL,
	    "not valid UTF-8");
	check_is("correct horse \xe2\x82", IRO_EINVAL, "not valid UTF-8");
	check_is("correct\thorse battery", IRO_EINVAL, "control character");
	/* An embedded NUL is a control character, not the end. */
	assert_int_equal(iro_passphrase_check("correct\0horse battery", 21,
	    why, sizeof(why)), IRO_EINVAL);
	assert_int_equal(iro_passphrase_check(NULL, 0, why, sizeof(why)),
	    IRO_EINVAL);
	assert_int_equal(iro_passphrase_check("correct horse", 13, NULL, 0),
	    0);
}

/* Enrolment applies the rule and the username before anything exists:
 * the server url is a port nothing listens on, and the home stays
 * absent. */
static void
test_enrol_refuses_weak(void **state)
{
	struct fx *f = *state;
	struct iro_enrol_opts e;
	struct iro *h = NULL;
	char err[IRO_ERRBUF_SIZE], home[128];
	struct stat st;

	snprintf(home, sizeof(home), "%s/new", f->dir);
	memset(&e, 0, sizeof(e));
	e.open.home = home;
	e.open.passphrase = "short";
	e.open.passphrase_len = 5;
	e.open.errbuf = err;
	e.open.errbuf_len = sizeof(err);
	e.server_url = "http://127.0.0.1:1";
	e.username = "Alice.Example";
	e.password = "pw";
	assert_int_equal(iro_enrol(&e, &h), IRO_EINVAL);
	assert_null(h);
	assert_non_null(strstr(err, "at least 12 characters"));
	assert_int_equal(stat(home, &st), -1);
	e.open.passphrase = "alice.example";
	e.open.passphrase_len = 13;
	assert_int_equal(iro_enrol(&e, &h), IRO_EINVAL);
	assert_string_equal(err, "the passphrase must not be the username");
	assert_int_equal(stat(home, &st), -1);
	/* A strong passphrase gets as far as the network. */
	e.open.passphrase = PASS;
	e.open.passphrase_len = strlen(PASS);
	assert_int_equal(iro_enrol(&e, &h), IRO_EUNREACHABLE);
	assert_int_equal(stat(home, &st), -1);
}

/* ---- changing it ------------------------------------------------------- */

static void
test_change_rewraps_only_the_key(void **state)
{
	struct fx *f = *state;
	char err[IRO_ERRBUF_SIZE];
	char *ch0, *ch1, *meta0, *meta1, *key0, *key1;
	size_t nch0, nch1, nmeta0, nmeta1, nkey0, nkey1;
	struct iro_record *r = NULL;
	char id[IRO_ID_HEX + 1];
	struct iro_value v;
	uint8_t rec[LIMIT_ID_LEN] = { 0xc1 };
	struct crypto_kdf_params kdf;
	char want[64];

	ch0 = dump(f, "SELECT device, seq, record, field, state, blob FROM "
	    "changes ORDER BY device, seq", &nch0);
	meta0 = dump(f, "SELECT key, val FROM meta ORDER BY key", &nmeta0);
	key0 = dump(f, "SELECT salt, wrapped FROM keyring", &nkey0);
	assert_true(nch0 > 100);
	assert_int_equal(iro_passphrase_change(f->h, NEW_PASS,
	    strlen(NEW_PASS)), 0);
	ch1 = dump(f, "SELECT device, seq, record, field, state, blob FROM "
	    "changes ORDER BY device, seq", &nch1);
	meta1 = dump(f, "SELECT key, val FROM meta ORDER BY key", &nmeta1);
	key1 = dump(f, "SELECT salt, wrapped FROM keyring", &nkey1);
	assert_int_equal(nch1, nch0);
	assert_memory_equal(ch1, ch0, nch0);
	assert_int_equal(nmeta1, nmeta0);
	assert_memory_equal(meta1, meta0, nmeta0);
	/* A fresh salt, so a different wrapping; one keyring row, at the
	 * default cost (the local replica was made at the minimum). */
	assert_int_equal(nkey1, nkey0);
	assert_memory_not_equal(key1, key0, CRYPTO_SALT_LEN);
	free(ch0), free(ch1), free(meta0), free(meta1), free(key0);
	free(key1);
	crypto_kdf_default(&kdf);
	snprintf(want, sizeof(want), "%llu|%llu|",
	    (unsigned long long)kdf.opslimit, (unsigned long long)kdf.memlimit);
	key1 = dump(f, "SELECT ops, mem FROM keyring", &nkey1);
	assert_int_equal(nkey1, strlen(want));
	assert_memory_equal(key1, want, nkey1);
	free(key1);
	/* The open handle keeps working. */
	hex_encode(rec, LIMIT_ID_LEN, id);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	iro_record_free(r);
	iro_close(f->h);
	f->h = NULL;
	assert_int_equal(try_open(f, PASS, err), IRO_EAUTH);
	assert_string_equal(err, "wrong passphrase");
	{
		struct iro_open_opts o;

		open_opts(f, &o, NEW_PASS, err);
		assert_int_equal(iro_open(&o, &f->h), 0);
	}
	assert_int_equal(iro_get(f->h, id, &r), 0);
	assert_int_equal(iro_record_get(r, "given_name", &v), 0);
	assert_string_equal(v.s, "Ada");
	iro_record_free(r);
}

static void
test_change_refuses_weak(void **state)
{
	struct fx *f = *state;
	char err[IRO_ERRBUF_SIZE];

	assert_int_equal(iro_passphrase_change(f->h, "1234567890123", 13),
	    IRO_EINVAL);
	assert_string_equal(iro_errmsg(f->h), "the passphrase must not be "
	    "only digits");
	assert_int_equal(iro_passphrase_change(NULL, NEW_PASS,
	    strlen(NEW_PASS)), IRO_EINVAL);
	iro_close(f->h);
	f->h = NULL;
	assert_int_equal(try_open(f, PASS, err), 0);
}

/* ---- backoff ----------------------------------------------------------- */

static void
test_backoff_after_three(void **state)
{
	struct fx *f = *state;
	char err[IRO_ERRBUF_SIZE];

	iro_close(f->h);
	f->h = NULL;
	assert_int_equal(try_open(f, "wrong one", err), IRO_EAUTH);
	assert_string_equal(err, "wrong passphrase");
	assert_int_equal(try_open(f, "wrong two", err), IRO_EAUTH);
	assert_string_equal(err, "wrong passphrase");
	assert_int_equal(try_open(f, "wrong three", err), IRO_EAUTH);
	assert_string_equal(err, "wrong passphrase; 3 in a row: wait 1 "
	    "second before trying again");
	/* Not even the right one is tried during the wait. */
	f->now += 999;
	assert_int_equal(try_open(f, PASS, err), IRO_EAUTH);
	assert_string_equal(err, "3 wrong passphrases in a row: try again in "
	    "1 second");
	f->now += 1;
	assert_int_equal(try_open(f, "wrong four", err), IRO_EAUTH);
	assert_string_equal(err, "wrong passphrase; 4 in a row: wait 2 "
	    "seconds before trying again");
	f->now += 1500;
	assert_int_equal(try_open(f, PASS, err), IRO_EAUTH);
	assert_string_equal(err, "4 wrong passphrases in a row: try again in "
	    "1 second");
	f->now += 500;
	assert_int_equal(try_open(f, PASS, err), 0);
	/* Success forgot the count: two more wrong ones cost nothing. */
	assert_int_equal(try_open(f, "wrong one", err), IRO_EAUTH);
	assert_int_equal(try_open(f, "wrong two", err), IRO_EAUTH);
	assert_int_equal(try_open(f, PASS, err), 0);
}

static void
test_backoff_doubles_to_a_cap(void **state)
{
	struct fx *f = *state;
	char err[IRO_ERRBUF_SIZE], sql[160];

	iro_close(f->h);
	f->h = NULL;
	assert_int_equal(try_open(f, "wrong one", err), IRO_EAUTH);
	/* The 9th in a row waits 2^6 s; the 13th 2^10 s, capped at 900. */
	snprintf(sql, sizeof(sql), "UPDATE unlock SET failures = 9, last_ms ="
	    " %lld", (long long)f->now);
	exec_sql(f, sql);
	f->now += 63999;
	assert_int_equal(try_open(f, PASS, err), IRO_EAUTH);
	f->now += 1;
	assert_int_equal(try_open(f, "wrong ten", err), IRO_EAUTH);
	assert_string_equal(err, "wrong passphrase; 10 in a row: wait 128 "
	    "seconds before trying again");
	snprintf(sql, sizeof(sql), "UPDATE unlock SET failures = 1000, "
	    "last_ms = %lld", (long long)f->now);
	exec_sql(f, sql);
	f->now += 899999;
	assert_int_equal(try_open(f, PASS, err), IRO_EAUTH);
	assert_string_equal(err, "1000 wrong passphrases in a row: try again "
	    "in 1 second");
	f->now += 1;
	assert_int_equal(try_open(f, PASS, err), 0);
}

/* A clock set back does not stretch the wait: it restarts from now. */
static void
test_backoff_clock_set_back(void **state)
{
	struct fx *f = *state;
	char err[IRO_ERRBUF_SIZE], sql[160];

	iro_close(f->h);
	f->h = NULL;
	assert_int_equal(try_open(f, "wrong one", err), IRO_EAUTH);
	snprintf(sql, sizeof(sql), "UPDATE unlock SET failures = 4, last_ms ="
	    " %lld", (long long)(f->now + 86400000));
	exec_sql(f, sql);
	assert_int_equal(try_open(f, PASS, err), IRO_EAUTH);
	assert_string_equal(err, "4 wrong passphrases in a row: try again in "
	    "2 seconds");
	f->now += 2000;
	assert_int_equal(try_open(f, PASS, err), 0);
}

/* Changing the passphrase forgets the count. */
static void
test_change_resets_backoff(void **state)
{
	struct fx *f = *state;
	struct iro_open_opts o;
	char err[IRO_ERRBUF_SIZE];

	assert_int_equal(try_open(f, "wrong one", err), IRO_EAUTH);
	assert_int_equal(try_open(f, "wrong two", err), IRO_EAUTH);
	assert_int_equal(iro_passphrase_change(f->h, NEW_PASS,
	    strlen(NEW_PASS)), 0);
	iro_close(f->h);
	f->h = NULL;
	assert_int_equal(try_open(f, "wrong three", err), IRO_EAUTH);
	assert_string_equal(err, "wrong passphrase");
	open_opts(f, &o, NEW_PASS, err);
	assert_int_equal(iro_open(&o, &f->h), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_length_in_characters),
		cmocka_unit_test(test_check_refuses_trivial),
		cmocka_unit_test(test_check_refuses_bad_text),
		cmocka_unit_test_setup_teardown(test_enrol_refuses_weak, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_change_rewraps_only_the_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_refuses_weak, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backoff_after_three, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backoff_doubles_to_a_cap,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_clock_set_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_resets_backoff,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
