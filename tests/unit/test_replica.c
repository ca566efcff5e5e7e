/*
 * test_replica.c - the encrypted local replica: lifecycle, passphrase,
 * meta, the change store and its outbox states, transactions, tamper
 * detection, the promise that no case content reaches the disk in
 * plaintext (database, WAL and shared-memory files included), and that
 * a forgotten record leaves nothing behind in them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "change.h"
#include "crypto.h"
#include "hex.h"
#include "iro_error.h"
#include "replica.h"

#define PASS "correct horse battery staple"
#define MARKER "Zqx7Marker-Okonkwo"

struct fx {
	char top[64];        /* mkdtemp directory */
	char home[96];       /* top/home: made by replica_create */
	char db[128];        /* home/replica.db */
	struct replica *r;
};

static const uint8_t dev_a[LIMIT_ID_LEN] = { 0xa0, 1 };
static const uint8_t dev_b[LIMIT_ID_LEN] = { 0xb0, 2 };
static const uint8_t rec_1[LIMIT_ID_LEN] = { 0x11, 0x11 };
static const uint8_t rec_2[LIMIT_ID_LEN] = { 0x22, 0x22 };
static const uint8_t rec_3[LIMIT_ID_LEN] = { 0x33, 0x33 };

static int
create(struct fx *f, struct replica **out)
{
	struct crypto_kdf_params kdf;
	char err[256];

	crypto_kdf_fast(&kdf);
	return replica_create(f->home, PASS, strlen(PASS), &kdf, out, err,
	    sizeof(err));
}

static int
reopen(struct fx *f)
{
	char err[256];

	replica_close(f->r);
	f->r = NULL;
	return replica_open(f->home, PASS, strlen(PASS), 0, &f->r, err,
	    sizeof(err));
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL || crypto_init() != 0)
		return -1;
	strcpy(f->top, "/tmp/iro-test-replica-XXXXXX");
	if (mkdtemp(f->top) == NULL)
		return -1;
	snprintf(f->home, sizeof(f->home), "%s/home", f->top);
	snprintf(f->db, sizeof(f->db), "%s/replica.db", f->home);
	*state = f;
	return 0;
}

/* Like setup, with an open replica. */
static int
setup_open(void **state)
{
	struct fx *f;

	if (setup(state) != 0)
		return -1;
	f = *state;
	return create(f, &f->r) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	replica_close(f->r);
	replica_destroy(f->home);
	rmdir(f->home);
	rmdir(f->top);
	free(f);
	return 0;
}

/* A valid change; `text` (may be NULL) becomes a string value. */
static void
mkchange(struct change *c, const uint8_t dev[LIMIT_ID_LEN], uint64_t seq,
    const uint8_t rec[LIMIT_ID_LEN], const char *type, const char *field,
    const char *text)
{
	change_init(c);
	c->seq = seq;
	c->ts.wall_ms = 1700000000000ull + seq;
	memcpy(c->ts.device, dev, LIMIT_ID_LEN);
	snprintf(c->type, sizeof(c->type), "%s", type);
	memcpy(c->record, rec, LIMIT_ID_LEN);
	snprintf(c->field, sizeof(c->field), "%s", field);
	snprintf(c->author, sizeof(c->author), "alice");
	if (text != NULL)
		assert_int_equal(value_set_str(&c->value, text, strlen(text)),
		    0);
}

static void
put(struct replica *r, const uint8_t dev[LIMIT_ID_LEN], uint64_t seq,
    const uint8_t rec[LIMIT_ID_LEN], const char *type, const char *field,
    const char *text, enum replica_state state)
{
	struct change c;
	int ins = -1;

	mkchange(&c, dev, seq, rec, type, field, text);
	assert_int_equal(replica_put_change(r, &c, state, &ins), 0);
	assert_int_equal(ins, 1);
	change_clear(&c);
}

static uint64_t
count(struct replica *r, enum replica_state s)
{
	uint64_t n = 99;

	assert_int_equal(replica_count(r, s, &n), 0);
	return n;
}

/* ---- lifecycle -------------------------------------------------------- */

static void
test_create_then_open(void **state)
{
	struct fx *f = *state;
	struct stat st;
	int exists = -1;

	assert_int_equal(replica_exists(f->home, &exists), 0);
	assert_int_equal(exists, 0);
	assert_int_equal(create(f, &f->r), 0);
	assert_int_equal(replica_exists(f->home, &exists), 0);
	assert_int_equal(exists, 1);
	assert_int_equal(stat(f->home, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(reopen(f), 0);
	assert_string_equal(replica_errmsg(f->r), "");
}

static void
test_modes_ignore_umask(void **state)
{
	struct fx *f = *state;
	char wal[160];
	struct stat st;
	mode_t old = umask(0);
	int rc = create(f, &f->r);

	umask(old);
	assert_int_equal(rc, 0);
	assert_int_equal(stat(f->home, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	snprintf(wal, sizeof(wal), "%s-wal", f->db);
	assert_int_equal(stat(wal, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* A rekey rolled back with the caller's transaction changes nothing; a
 * committed one changes the passphrase and keeps every sealed value. */
static void
test_rekey(void **state)
{
	struct fx *f = *state;
	struct crypto_kdf_params kdf;
	struct replica *r = NULL;
	uint8_t *val = NULL;
	size_t len = 0;
	char err[256];

	crypto_kdf_fast(&kdf);
	assert_int_equal(create(f, &f->r), 0);
	assert_int_equal(replica_meta_put(f->r, "user", "alice", 5), 0);
	assert_int_equal(replica_begin(f->r), 0);
	assert_int_equal(replica_rekey(f->r, "another passphrase", 18, &kdf),
	    0);
	replica_rollback(f->r);
	assert_int_equal(reopen(f), 0);
	kdf.opslimit = 0;
	assert_int_equal(replica_rekey(f->r, "another passphrase", 18, &kdf),
	    IRO_EINVAL);
	assert_int_equal(reopen(f), 0);
	crypto_kdf_fast(&kdf);
	assert_int_equal(replica_rekey(f->r, "another passphrase", 18, &kdf),
	    0);
	replica_close(f->r);
	f->r = NULL;
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_EAUTH);
	assert_null(r);
	assert_int_equal(replica_open(f->home, "another passphrase", 18, 0,
	    &f->r, err, sizeof(err)), 0);
	assert_int_equal(replica_meta_get(f->r, "user", &val, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(val, "alice", 5);
	free(val);
}

static void
test_wrong_passphrase(void **state)
{
	struct fx *f = *state;
	struct replica *r = (struct replica *)1;
	char err[256];

	assert_int_equal(create(f, &f->r), 0);
	replica_close(f->r);
	f->r = NULL;
	assert_int_equal(replica_open(f->home, "correct horse battery stapler",
	    29, 0, &r, err, sizeof(err)), IRO_EAUTH);
	assert_null(r);
	assert_string_equal(err, "wrong passphrase");
	assert_int_equal(replica_open(f->home, "", 0, 0, &r, err, sizeof(err)),
	    IRO_EAUTH);
	assert_int_equal(reopen(f), 0);
}

static void
test_open_missing(void **state)
{
	struct fx *f = *state;
	struct replica *r = (struct replica *)1;
	char err[256];

	/* Neither the home directory nor the file exists. */
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_ENOTENROLLED);
	assert_null(r);
	assert_non_null(strstr(err, "no replica in"));
	assert_int_equal(mkdir(f->home, 0700), 0);
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_ENOTENROLLED);
	/* Opening must not have created anything. */
	assert_int_equal(access(f->db, F_OK), -1);
}

static void
test_create_twice(void **state)
{
	struct fx *f = *state;
	struct replica *r = (struct replica *)1;

	assert_int_equal(create(f, &f->r), 0);
	assert_int_equal(replica_meta_put(f->r, "user", "alice", 5), 0);
	assert_int_equal(create(f, &r), IRO_EEXIST);
	assert_null(r);
	/* The first replica is untouched. */
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_meta_put_u64(f->r, "n", 1), 0);
	replica_close(f->r);
	f->r = NULL;
	assert_int_equal(create(f, &r), IRO_EEXIST);
	assert_int_equal(reopen(f), 0);
}

/* Names in dir other than "." and "..". */
static int
dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_create_failure_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct crypto_kdf_params kdf;
	struct replica *r = (struct replica *)1;
	char err[256];

	/* Fails after the file was made: the cost is checked when wrapping. */
	crypto_kdf_fast(&kdf);
	kdf.memlimit = UINT64_C(1) << 40;
	assert_int_equal(replica_create(f->home, PASS, strlen(PASS), &kdf, &r,
	    err, sizeof(err)), IRO_EINVAL);
	assert_null(r);
	assert_int_equal(access(f->home, F_OK), -1);   /* made, then removed */
	assert_int_equal(mkdir(f->home, 0700), 0);
	assert_int_equal(replica_create(f->home, PASS, strlen(PASS), &kdf, &r,
	    err, sizeof(err)), IRO_EINVAL);
	assert_int_equal(dir_entries(f->home), 0);     /* kept, but empty */
}

static void
test_destroy(void **state)
{
	struct fx *f = *state;
	int exists = -1;

	assert_int_equal(create(f, &f->r), 0);
	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	replica_close(f->r);
	f->r = NULL;
	assert_int_equal(replica_destroy(f->home), 0);
	assert_int_equal(replica_exists(f->home, &exists), 0);
	assert_int_equal(exists, 0);
	assert_int_equal(dir_entries(f->home), 0);
	assert_int_equal(replica_destroy(f->home), 0);
}

static void
test_version_and_foreign_files(void **state)
{
	struct fx *f = *state;
	struct replica *r = NULL;
	sqlite3 *db = NULL;
	char err[256];
	FILE *fp;

	assert_int_equal(create(f, &f->r), 0);
	replica_close(f->r);
	f->r = NULL;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_EVERSION);
	assert_int_equal(replica_destroy(f->home), 0);

	/* Some other program's SQLite database is not ours to touch. */
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_EVERSION);
	assert_int_equal(replica_destroy(f->home), 0);

	/* Not a database at all. */
	assert_non_null(fp = fopen(f->db, "w"));
	for (int i = 0; i < 200; i++)
		fputs("this is not an sqlite database\n", fp);
	fclose(fp);
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_ECORRUPT);
	assert_null(r);
}

static void
test_busy(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = NULL;

	assert_int_equal(create(f, &f->r), 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	/* Waits for the busy timeout, then gives up. */
	assert_int_equal(replica_begin(f->r), IRO_EBUSY);
	assert_non_null(strstr(replica_errmsg(f->r), "locked"));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(replica_meta_put(f->r, "k", "v", 1), 0);
}

/* ---- meta ------------------------------------------------------------- */

static void
test_meta_round_trip(void **state)
{
	struct fx *f = *state;
	uint8_t *v = NULL;
	size_t len = 0;
	uint64_t n = 1;

	assert_int_equal(replica_meta_put(f->r, "server", "http://127.0.0.1:1",
	    18), 0);
	assert_int_equal(replica_meta_put(f->r, "empty", NULL, 0), 0);
	assert_int_equal(replica_meta_put_u64(f->r, "cursor",
	    UINT64_C(0x0102030405060708)), 0);
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_meta_get(f->r, "server", &v, &len), 0);
	assert_int_equal(len, 18);
	assert_string_equal((char *)v, "http://127.0.0.1:1");
	free(v);
	assert_int_equal(replica_meta_get(f->r, "empty", &v, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(v[0], '\0');
	free(v);
	assert_int_equal(replica_meta_get_u64(f->r, "cursor", &n), 0);
	assert_true(n == UINT64_C(0x0102030405060708));
	/* Overwrite. */
	assert_int_equal(replica_meta_put(f->r, "server", "x", 1), 0);
	assert_int_equal(replica_meta_get(f->r, "server", &v, &len), 0);
	assert_int_equal(len, 1);
	free(v);
}

static void
test_meta_unset_and_bad(void **state)
{
	struct fx *f = *state;
	char big[REPLICA_META_MAX + 1];
	uint8_t *v = (uint8_t *)1;
	size_t len = 1;
	uint64_t n = 5;

	assert_int_equal(replica_meta_get(f->r, "nope", &v, &len),
	    IRO_ENOTFOUND);
	assert_null(v);
	assert_int_equal(len, 0);
	assert_int_equal(replica_meta_get_u64(f->r, "nope", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(replica_meta_put(f->r, "", "x", 1), IRO_EINVAL);
	assert_int_equal(replica_meta_put(f->r, "a key", "x", 1), IRO_EINVAL);
	assert_int_equal(replica_meta_put(f->r, "k\n", "x", 1), IRO_EINVAL);
	memset(big, 'k', sizeof(big));
	big[129] = '\0';
	assert_int_equal(replica_meta_put(f->r, big, "x", 1), IRO_EINVAL);
	big[128] = '\0';
	assert_int_equal(replica_meta_put(f->r, big, "x", 1), 0);
	assert_int_equal(replica_meta_put(f->r, "big", big, sizeof(big)),
	    IRO_ETOOBIG);
	/* A string where a number is expected. */
	assert_int_equal(replica_meta_put(f->r, "num", "abc", 3), 0);
	assert_int_equal(replica_meta_get_u64(f->r, "num", &n), IRO_ECORRUPT);
}

/* ---- changes ---------------------------------------------------------- */

static void
test_put_and_read_changes(void **state)
{
	struct fx *f = *state;
	struct change want[3], *got = NULL;
	char type[LIMIT_NAME_MAX + 1];
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	size_t n = 0, i;
	int ins = 0;

	mkchange(&want[0], dev_a, 1, rec_1, "visit", "date", "2024-03-01");
	mkchange(&want[1], dev_a, 2, rec_1, "visit", "seen_alone", NULL);
	want[1].value.type = VALUE_BOOL;
	want[1].value.b = true;
	mkchange(&want[2], dev_b, 7, rec_1, "visit", "date", "2024-03-02");
	want[2].has_base = true;
	want[2].base = want[0].ts;
	for (i = 0; i < 3; i++) {
		assert_int_equal(replica_put_change(f->r, &want[i],
		    i == 2 ? REPLICA_REMOTE : REPLICA_PENDING, &ins), 0);
		assert_int_equal(ins, 1);
	}
	put(f->r, dev_a, 3, rec_2, "note", "text", "hello", REPLICA_PENDING);
	assert_int_equal(reopen(f), 0);

	assert_int_equal(replica_record_changes(f->r, rec_1, &got, &n, type),
	    0);
	assert_string_equal(type, "visit");
	assert_int_equal(n, 3);
	/* Ordered by (device, seq): a1, a2, b7. */
	for (i = 0; i < 3; i++)
		assert_true(change_same_content(&got[i], &want[i]));
	change_free_array(got, n);

	assert_int_equal(replica_record_changes(f->r, rec_3, &got, &n, type),
	    0);
	assert_int_equal(n, 0);
	assert_null(got);
	assert_string_equal(type, "");

	assert_int_equal(replica_records(f->r, NULL, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(ids[0], rec_1, LIMIT_ID_LEN);
	assert_memory_equal(ids[1], rec_2, LIMIT_ID_LEN);
	free(ids);
	assert_int_equal(replica_records(f->r, "note", &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(ids[0], rec_2, LIMIT_ID_LEN);
	free(ids);
	assert_int_equal(replica_records(f->r, "child", &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);
	for (i = 0; i < 3; i++)
		change_clear(&want[i]);
}

static void
test_duplicate_identical(void **state)
{
	struct fx *f = *state;
	struct change c;
	int ins = -1;

	mkchange(&c, dev_b, 4, rec_1, "visit", "note", "kept once");
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_REMOTE, &ins), 0);
	assert_int_equal(ins, 1);
	/* A retry, even with another state, changes nothing. */
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_PENDING, &ins),
	    0);
	assert_int_equal(ins, 0);
	assert_int_equal(count(f->r, REPLICA_REMOTE), 1);
	assert_int_equal(count(f->r, REPLICA_PENDING), 0);
	change_clear(&c);
}

static void
test_conflicting_content(void **state)
{
	struct fx *f = *state;
	struct change c, *got = NULL;
	size_t n = 0;
	int ins = -1;

	put(f->r, dev_b, 4, rec_1, "visit", "note", "first", REPLICA_REMOTE);
	mkchange(&c, dev_b, 4, rec_1, "visit", "note", "second");
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_REMOTE, &ins),
	    IRO_ECONFLICT);
	assert_int_equal(ins, 0);
	change_clear(&c);
	/* Same id on another record is a reused id too. */
	mkchange(&c, dev_b, 4, rec_2, "visit", "note", "first");
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_REMOTE, &ins),
	    IRO_ECONFLICT);
	change_clear(&c);
	assert_int_equal(replica_record_changes(f->r, rec_1, &got, &n, NULL),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].value.s, "first");
	change_free_array(got, n);
	/* The refused put left no trace of rec_2. */
	assert_int_equal(replica_record_changes(f->r, rec_2, &got, &n, NULL),
	    0);
	assert_int_equal(n, 0);
}

static void
test_record_keeps_its_type(void **state)
{
	struct fx *f = *state;
	struct change c;
	int ins = -1;

	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	mkchange(&c, dev_a, 2, rec_1, "note", "text", "x");
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_PENDING, &ins),
	    IRO_ECONFLICT);
	change_clear(&c);
	assert_int_equal(count(f->r, REPLICA_PENDING), 1);
}

static void
test_put_rejects_invalid(void **state)
{
	struct fx *f = *state;
	struct change c;
	int ins = -1;

	mkchange(&c, dev_a, 0, rec_1, "visit", "date", "x");
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_PENDING, &ins),
	    IRO_EINVAL);
	c.seq = (uint64_t)INT64_MAX + 1;
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_PENDING, &ins),
	    IRO_EINVAL);
	c.seq = 1;
	c.author[0] = '\0';
	assert_int_equal(replica_put_change(f->r, &c, REPLICA_PENDING, &ins),
	    IRO_EINVAL);
	strcpy(c.author, "alice");
	assert_int_equal(replica_put_change(f->r, &c, (enum replica_state)9,
	    &ins), IRO_EINVAL);
	change_clear(&c);
	assert_int_equal(count(f->r, REPLICA_PENDING), 0);
}

static void
test_pending_in_seq_order(void **state)
{
	struct fx *f = *state;
	struct change *got = NULL;
	size_t n = 0;

	put(f->r, dev_a, 3, rec_1, "visit", "note", "three", REPLICA_PENDING);
	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	put(f->r, dev_b, 2, rec_1, "visit", "note", "remote", REPLICA_REMOTE);
	put(f->r, dev_a, 2, rec_2, "note", "text", "two", REPLICA_PENDING);
	assert_int_equal(replica_pending(f->r, 10, &got, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].seq, 1);
	assert_int_equal(got[1].seq, 2);
	assert_string_equal(got[1].value.s, "two");
	assert_int_equal(got[2].seq, 3);
	change_free_array(got, n);
	assert_int_equal(replica_pending(f->r, 2, &got, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[1].seq, 2);
	change_free_array(got, n);
	assert_int_equal(replica_pending(f->r, 0, &got, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(count(f->r, REPLICA_PENDING), 3);
	assert_int_equal(count(f->r, REPLICA_REMOTE), 1);
}

static void
test_set_state_and_refusal(void **state)
{
	struct fx *f = *state;
	struct change *got = NULL;
	char *reason = (char *)1;
	size_t n = 0;

	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	put(f->r, dev_a, 2, rec_1, "visit", "note", "x", REPLICA_PENDING);
	put(f->r, dev_a, 3, rec_1, "visit", "seen_alone", NULL,
	    REPLICA_PENDING);
	assert_int_equal(replica_set_state(f->r, dev_a, 2, REPLICA_ACKED,
	    NULL), 0);
	assert_int_equal(replica_set_state(f->r, dev_a, 3, REPLICA_REFUSED,
	    "forbidden: not your child"), 0);
	assert_int_equal(replica_set_state(f->r, dev_a, 1, REPLICA_REFUSED,
	    NULL), 0);
	assert_int_equal(replica_pending(f->r, 10, &got, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(count(f->r, REPLICA_ACKED), 1);
	assert_int_equal(count(f->r, REPLICA_REFUSED), 2);
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_refusal(f->r, dev_a, 3, &reason), 0);
	assert_string_equal(reason, "forbidden: not your child");
	free(reason);
	assert_int_equal(replica_refusal(f->r, dev_a, 1, &reason), 0);
	assert_string_equal(reason, "");
	free(reason);
	assert_int_equal(replica_refusal(f->r, dev_a, 2, &reason),
	    IRO_ENOTFOUND);
	assert_null(reason);
	assert_int_equal(replica_refusal(f->r, dev_a, 9, &reason),
	    IRO_ENOTFOUND);
	assert_int_equal(replica_set_state(f->r, dev_a, 9, REPLICA_ACKED,
	    NULL), IRO_ENOTFOUND);
	assert_int_equal(replica_set_state(f->r, dev_b, 1, REPLICA_ACKED,
	    NULL), IRO_ENOTFOUND);
	/* Leaving REFUSED drops the reason. */
	assert_int_equal(replica_set_state(f->r, dev_a, 3, REPLICA_PENDING,
	    "ignored"), 0);
	assert_int_equal(replica_refusal(f->r, dev_a, 3, &reason),
	    IRO_ENOTFOUND);
	assert_int_equal(count(f->r, REPLICA_PENDING), 1);
}

static void
test_replace_pending(void **state)
{
	struct fx *f = *state;
	struct change c, *got = NULL;
	size_t n = 0;

	put(f->r, dev_a, 1, rec_1, "visit", "note", "draft", REPLICA_PENDING);
	put(f->r, dev_a, 2, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_ACKED);
	mkchange(&c, dev_a, 1, rec_1, "visit", "note", "draft");
	c.ts.wall_ms = 1600000000000ull;
	c.ts.counter = 4;
	assert_int_equal(replica_replace_pending(f->r, &c), 0);
	assert_int_equal(replica_pending(f->r, 10, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_true(change_same_content(&got[0], &c));
	change_free_array(got, n);
	change_clear(&c);
	/* Only a pending change, of the same record and field. */
	mkchange(&c, dev_a, 2, rec_1, "visit", "date", "2024-01-01");
	assert_int_equal(replica_replace_pending(f->r, &c), IRO_ENOTFOUND);
	change_clear(&c);
	mkchange(&c, dev_a, 1, rec_1, "visit", "date", "x");
	assert_int_equal(replica_replace_pending(f->r, &c), IRO_ENOTFOUND);
	change_clear(&c);
	mkchange(&c, dev_a, 5, rec_1, "visit", "note", "x");
	assert_int_equal(replica_replace_pending(f->r, &c), IRO_ENOTFOUND);
	change_clear(&c);
	mkchange(&c, dev_a, 1, rec_1, "note", "note", "x");
	assert_int_equal(replica_replace_pending(f->r, &c), IRO_ENOTFOUND);
	change_clear(&c);
	/* None of the refused replacements reached the store. */
	assert_int_equal(replica_pending(f->r, 10, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].ts.counter, 4);
	change_free_array(got, n);
}

static void
test_flags_and_counts(void **state)
{
	struct fx *f = *state;
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	uint64_t k = 9;
	size_t n = 0;

	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	put(f->r, dev_a, 2, rec_2, "note", "text", "x", REPLICA_PENDING);
	put(f->r, dev_a, 3, rec_3, "note", "text", "y", REPLICA_PENDING);
	assert_int_equal(replica_count_flagged(f->r, REPLICA_FLAG_CONFLICT, &k),
	    0);
	assert_int_equal(k, 0);
	assert_int_equal(replica_set_flags(f->r, rec_1,
	    REPLICA_FLAG_CONFLICT), 0);
	assert_int_equal(replica_set_flags(f->r, rec_3,
	    REPLICA_FLAG_CONFLICT | REPLICA_FLAG_DELETED), 0);
	assert_int_equal(replica_set_flags(f->r, (uint8_t[LIMIT_ID_LEN]){ 9 },
	    REPLICA_FLAG_DELETED), IRO_ENOTFOUND);
	assert_int_equal(replica_count_flagged(f->r, REPLICA_FLAG_CONFLICT, &k),
	    0);
	assert_int_equal(k, 2);
	assert_int_equal(replica_count_flagged(f->r, REPLICA_FLAG_DELETED, &k),
	    0);
	assert_int_equal(k, 1);
	assert_int_equal(replica_flagged(f->r, REPLICA_FLAG_CONFLICT, &ids, &n),
	    0);
	assert_int_equal(n, 2);
	assert_memory_equal(ids[0], rec_1, LIMIT_ID_LEN);
	assert_memory_equal(ids[1], rec_3, LIMIT_ID_LEN);
	free(ids);
	/* Clearing a flag. */
	assert_int_equal(replica_set_flags(f->r, rec_1, 0), 0);
	assert_int_equal(replica_flagged(f->r, REPLICA_FLAG_CONFLICT, &ids, &n),
	    0);
	assert_int_equal(n, 1);
	assert_memory_equal(ids[0], rec_3, LIMIT_ID_LEN);
	free(ids);
	/* A new change to a flagged record keeps its flags. */
	put(f->r, dev_a, 4, rec_3, "note", "text", "z", REPLICA_PENDING);
	assert_int_equal(replica_count_flagged(f->r, REPLICA_FLAG_DELETED, &k),
	    0);
	assert_int_equal(k, 1);
}

static void
test_transaction_rollback(void **state)
{
	struct fx *f = *state;
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	uint8_t *v = NULL;
	size_t n = 0, len = 0;

	assert_int_equal(replica_begin(f->r), 0);
	assert_int_equal(replica_begin(f->r), IRO_EINVAL);
	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	assert_int_equal(replica_meta_put_u64(f->r, "seq", 1), 0);
	assert_int_equal(count(f->r, REPLICA_PENDING), 1);
	replica_rollback(f->r);
	replica_rollback(f->r);   /* no transaction: harmless */
	assert_int_equal(count(f->r, REPLICA_PENDING), 0);
	assert_int_equal(replica_meta_get(f->r, "seq", &v, &len),
	    IRO_ENOTFOUND);
	assert_int_equal(replica_records(f->r, NULL, &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);
	/* And a commit survives a reopen. */
	assert_int_equal(replica_begin(f->r), 0);
	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	assert_int_equal(replica_meta_put_u64(f->r, "seq", 1), 0);
	assert_int_equal(replica_commit(f->r), 0);
	assert_int_equal(reopen(f), 0);
	assert_int_equal(count(f->r, REPLICA_PENDING), 1);
}

static void
test_close_discards_open_transaction(void **state)
{
	struct fx *f = *state;

	assert_int_equal(replica_begin(f->r), 0);
	put(f->r, dev_a, 1, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	assert_int_equal(reopen(f), 0);
	assert_int_equal(count(f->r, REPLICA_PENDING), 0);
}

/* ---- tampering -------------------------------------------------------- */

static void
raw_exec(struct fx *f, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
}

static void
test_moved_blob_detected(void **state)
{
	struct fx *f = *state;
	struct change *got = NULL;
	size_t n = 0;

	put(f->r, dev_a, 1, rec_1, "visit", "note", "for record one",
	    REPLICA_PENDING);
	put(f->r, dev_a, 2, rec_2, "visit", "note", "for record two",
	    REPLICA_PENDING);
	replica_close(f->r);
	f->r = NULL;
	/* The ciphertext of change 1 pasted over change 2. */
	raw_exec(f, "UPDATE changes SET blob = (SELECT blob FROM changes"
	    " WHERE seq = 1) WHERE seq = 2");
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_record_changes(f->r, rec_2, &got, &n, NULL),
	    IRO_ECORRUPT);
	assert_null(got);
	assert_non_null(strstr(replica_errmsg(f->r), "tampered"));
	assert_int_equal(replica_pending(f->r, 10, &got, &n), IRO_ECORRUPT);
	assert_int_equal(replica_record_changes(f->r, rec_1, &got, &n, NULL),
	    0);
	assert_int_equal(n, 1);
	change_free_array(got, n);
}

static void
test_retargeted_row_detected(void **state)
{
	struct fx *f = *state;
	struct change *got = NULL;
	size_t n = 0;

	put(f->r, dev_a, 1, rec_1, "visit", "note", "a", REPLICA_PENDING);
	put(f->r, dev_a, 2, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	replica_close(f->r);
	f->r = NULL;
	/* The row says another field: the associated data no longer fits. */
	raw_exec(f, "UPDATE changes SET field = 'date' WHERE seq = 1");
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_record_changes(f->r, rec_1, &got, &n, NULL),
	    IRO_ECORRUPT);
	replica_close(f->r);
	f->r = NULL;
	raw_exec(f, "UPDATE changes SET field = 'note', seq = 7 WHERE seq = 1");
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_record_changes(f->r, rec_1, &got, &n, NULL),
	    IRO_ECORRUPT);
}

static void
test_moved_meta_detected(void **state)
{
	struct fx *f = *state;
	uint8_t *v = NULL;
	size_t len = 0;

	assert_int_equal(replica_meta_put(f->r, "user", "alice", 5), 0);
	assert_int_equal(replica_meta_put(f->r, "role", "iro", 3), 0);
	replica_close(f->r);
	f->r = NULL;
	raw_exec(f, "UPDATE meta SET val = (SELECT val FROM meta"
	    " WHERE key = 'user') WHERE key = 'role'");
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_meta_get(f->r, "role", &v, &len),
	    IRO_ECORRUPT);
	assert_null(v);
	assert_int_equal(replica_meta_get(f->r, "user", &v, &len), 0);
	free(v);
}

static void
test_damaged_keyring(void **state)
{
	struct fx *f = *state;
	struct replica *r = NULL;
	char err[256];

	replica_close(f->r);
	f->r = NULL;
	raw_exec(f, "UPDATE keyring SET salt = x'00'");
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_ECORRUPT);
	raw_exec(f, "UPDATE keyring SET salt = zeroblob(16),"
	    " mem = 1099511627776");
	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &r, err,
	    sizeof(err)), IRO_ECORRUPT);
	assert_null(r);
}

/* ---- nothing in plaintext --------------------------------------------- */

/* Count the files in dir whose bytes contain `needle`. */
static int
files_containing(const char *dir, const char *needle, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t k = strlen(needle);
	int hits = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[512], *buf;
		size_t len, i;
		long sz;
		FILE *fp;

		if (e->d_name[0] == '.')
			continue;
		if (suffix != NULL && (strlen(e->d_name) < strlen(suffix) ||
		    strcmp(e->d_name + strlen(e->d_name) - strlen(suffix),
		    suffix) != 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_non_null(fp = fopen(path, "rb"));
		assert_int_equal(fseek(fp, 0, SEEK_END), 0);
		assert_true((sz = ftell(fp)) >= 0);
		rewind(fp);
		assert_non_null(buf = malloc((size_t)sz + 1));
		len = fread(buf, 1, (size_t)sz, fp);
		assert_int_equal(len, (size_t)sz);
		fclose(fp);
		for (i = 0; i + k <= len; i++)
			if (memcmp(buf + i, needle, k) == 0) {
				hits++;
				break;
			}
		free(buf);
	}
	closedir(d);
	return hits;
}

/* Case content everywhere it can go: values, meta, refusal reasons. */
static void
write_marked(struct replica *r)
{
	int i;

	assert_int_equal(replica_begin(r), 0);
	for (i = 1; i <= 40; i++) {
		char text[128];

		snprintf(text, sizeof(text), "visit note %d: " MARKER
		    " said school is going well", i);
		put(r, dev_a, (uint64_t)i, i % 2 ? rec_1 : rec_2, "visit",
		    "note", text, REPLICA_PENDING);
	}
	put(r, dev_b, 1, rec_3, "child", "given_name", MARKER,
	    REPLICA_REMOTE);
	assert_int_equal(replica_meta_put(r, "user", MARKER, strlen(MARKER)),
	    0);
	assert_int_equal(replica_meta_put(r, "name", MARKER, strlen(MARKER)),
	    0);
	assert_int_equal(replica_set_state(r, dev_a, 3, REPLICA_REFUSED,
	    "value '" MARKER "' refused"), 0);
	assert_int_equal(replica_commit(r), 0);
	/* Rewrites leave old page images behind in the WAL: those too. */
	assert_int_equal(replica_set_state(r, dev_a, 3, REPLICA_PENDING, NULL),
	    0);
	assert_int_equal(replica_meta_put(r, "user", "x", 1), 0);
}

static void
test_no_plaintext_after_close(void **state)
{
	struct fx *f = *state;

	write_marked(f->r);
	replica_close(f->r);
	f->r = NULL;
	assert_int_equal(files_containing(f->home, MARKER, NULL), 0);
	/* The scan does see what is meant to be plaintext: type names. */
	assert_int_equal(files_containing(f->home, "given_name", NULL), 1);
}

static void
test_no_plaintext_in_open_wal(void **state)
{
	struct fx *f = *state;
	char wal[160];
	struct stat st;

	write_marked(f->r);
	/* Still open: the changes sit in the WAL, not yet checkpointed. */
	snprintf(wal, sizeof(wal), "%s-wal", f->db);
	assert_int_equal(stat(wal, &st), 0);
	assert_true(st.st_size > 0);
	assert_int_equal(files_containing(f->home, "given_name", "-wal"), 1);
	assert_int_equal(files_containing(f->home, MARKER, NULL), 0);
}

/* Whether any file in dir holds the n bytes at needle. */
static int
bytes_in_dir(const char *dir, const uint8_t *needle, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int hits = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[512];
		uint8_t *buf;
		size_t len, i;
		long sz;
		FILE *fp;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_non_null(fp = fopen(path, "rb"));
		assert_int_equal(fseek(fp, 0, SEEK_END), 0);
		assert_true((sz = ftell(fp)) >= 0);
		rewind(fp);
		assert_non_null(buf = malloc((size_t)sz + 1));
		len = fread(buf, 1, (size_t)sz, fp);
		assert_int_equal(len, (size_t)sz);
		fclose(fp);
		for (i = 0; i + n <= len; i++)
			if (memcmp(buf + i, needle, n) == 0) {
				hits++;
				break;
			}
		free(buf);
	}
	closedir(d);
	return hits;
}

/* The wrapped key as stored; *n its length. */
static void
read_wrapped(const char *db, uint8_t *out, size_t cap, size_t *n)
{
	sqlite3 *c = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT wrapped FROM keyring",
	    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*n = (size_t)sqlite3_column_bytes(st, 0);
	assert_true(*n > 0 && *n <= cap);
	memcpy(out, sqlite3_column_blob(st, 0), *n);
	sqlite3_finalize(st);
	sqlite3_close(c);
}

static void
test_erase(void **state)
{
	struct fx *f = *state;
	struct crypto_kdf_params kdf;
	uint8_t old[256], cur[256];
	size_t nold = 0, ncur = 0;
	char err[256] = "";

	/* Two wrappings, the newer one only in the -wal file so far. */
	read_wrapped(f->db, old, sizeof(old), &nold);
	write_marked(f->r);
	crypto_kdf_fast(&kdf);
	assert_int_equal(replica_rekey(f->r, PASS, strlen(PASS), &kdf), 0);
	read_wrapped(f->db, cur, sizeof(cur), &ncur);
	assert_int_equal(bytes_in_dir(f->home, cur, ncur), 1);

	assert_int_equal(replica_erase(f->r), 0);
	/* Nothing sealed can be written or read any more. */
	assert_int_equal(replica_meta_put_u64(f->r, "x", 1), IRO_EREVOKED);
	assert_int_equal(bytes_in_dir(f->home, cur, ncur), 0);
	assert_int_equal(bytes_in_dir(f->home, old, nold), 0);
	replica_close(f->r);
	f->r = NULL;
	assert_int_equal(bytes_in_dir(f->home, cur, ncur), 0);
	assert_int_equal(files_containing(f->home, MARKER, NULL), 0);

	assert_int_equal(replica_open(f->home, PASS, strlen(PASS), 0, &f->r,
	    err, sizeof(err)), IRO_EREVOKED);
	assert_null(f->r);
	assert_string_equal(err, REPLICA_REVOKED_MSG);
}

/* ---- forgetting records ----------------------------------------------- */

/* rec_1 in every state (with a refusal reason and flags), rec_2 and rec_3
 * with changes of their own. */
static void
put_three(struct replica *r)
{
	put(r, dev_b, 1, rec_1, "visit", "note", "from elsewhere",
	    REPLICA_REMOTE);
	put(r, dev_a, 1, rec_1, "visit", "note", "acked", REPLICA_PENDING);
	put(r, dev_a, 2, rec_1, "visit", "date", "2024-01-01",
	    REPLICA_PENDING);
	put(r, dev_a, 3, rec_2, "note", "text", "still to send",
	    REPLICA_PENDING);
	put(r, dev_b, 2, rec_2, "note", "text", "pulled", REPLICA_REMOTE);
	put(r, dev_a, 4, rec_3, "note", "text", "delivered", REPLICA_PENDING);
	assert_int_equal(replica_set_state(r, dev_a, 1, REPLICA_ACKED, NULL),
	    0);
	assert_int_equal(replica_set_state(r, dev_a, 2, REPLICA_REFUSED,
	    "forbidden: not your child"), 0);
	assert_int_equal(replica_set_state(r, dev_a, 4, REPLICA_ACKED, NULL),
	    0);
	assert_int_equal(replica_set_flags(r, rec_1, REPLICA_FLAG_CONFLICT),
	    0);
}

/* ISO C before C23 does not add const to a pointer to arrays by itself. */
static int
forget(struct replica *r, uint8_t (*ids)[LIMIT_ID_LEN], size_t n)
{
	return replica_forget(r, (const uint8_t (*)[LIMIT_ID_LEN])ids, n);
}

static size_t
n_changes(struct replica *r, const uint8_t rec[LIMIT_ID_LEN])
{
	struct change *got = NULL;
	size_t n = 99;

	assert_int_equal(replica_record_changes(r, rec, &got, &n, NULL), 0);
	change_free_array(got, n);
	return n;
}

static void
test_forget(void **state)
{
	struct fx *f = *state;
	static const uint8_t unknown[LIMIT_ID_LEN] = { 0x99 };
	uint8_t ids[3][LIMIT_ID_LEN], (*left)[LIMIT_ID_LEN] = NULL;
	enum replica_state s;
	char *reason = NULL;
	uint64_t k = 99;
	size_t n = 0;

	put_three(f->r);
	memcpy(ids[0], rec_1, LIMIT_ID_LEN);
	memcpy(ids[1], unknown, LIMIT_ID_LEN);
	memcpy(ids[2], rec_3, LIMIT_ID_LEN);
	assert_int_equal(forget(f->r, ids, 0), 0);
	assert_int_equal(n_changes(f->r, rec_1), 3);
	assert_int_equal(forget(f->r, ids, REPLICA_FORGET_MAX + 1),
	    IRO_ETOOBIG);

	/* Inside the caller's transaction, it goes if that is rolled back. */
	assert_int_equal(replica_begin(f->r), 0);
	assert_int_equal(forget(f->r, ids, 3), 0);
	assert_int_equal(n_changes(f->r, rec_1), 0);
	replica_rollback(f->r);
	assert_int_equal(n_changes(f->r, rec_1), 3);
	assert_int_equal(n_changes(f->r, rec_3), 1);
	assert_int_equal(replica_refusal(f->r, dev_a, 2, &reason), 0);
	assert_string_equal(reason, "forbidden: not your child");
	free(reason);

	assert_int_equal(forget(f->r, ids, 3), 0);
	assert_int_equal(reopen(f), 0);
	assert_int_equal(replica_records(f->r, NULL, &left, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(left[0], rec_2, LIMIT_ID_LEN);
	free(left);
	assert_int_equal(n_changes(f->r, rec_1), 0);
	assert_int_equal(n_changes(f->r, rec_3), 0);
	assert_int_equal(replica_change_state(f->r, dev_a, 2, &s, &reason),
	    IRO_ENOTFOUND);
	assert_int_equal(replica_count_flagged(f->r, REPLICA_FLAG_CONFLICT,
	    &k), 0);
	assert_int_equal(k, 0);
	assert_int_equal(count(f->r, REPLICA_REMOTE), 1);
	assert_int_equal(count(f->r, REPLICA_PENDING), 1);
	assert_int_equal(count(f->r, REPLICA_ACKED), 0);
	assert_int_equal(count(f->r, REPLICA_REFUSED), 0);
	/* The other record's changes still open, the outbox still holds
	 * its edit. */
	assert_int_equal(n_changes(f->r, rec_2), 2);
	assert_int_equal(replica_change_state(f->r, dev_a, 3, &s, &reason), 0);
	assert_int_equal(s, REPLICA_PENDING);
	/* Nothing of the record is left, not even its type. */
	put(f->r, dev_b, 9, rec_1, "note", "text", "anew", REPLICA_REMOTE);
	assert_int_equal(n_changes(f->r, rec_1), 1);
}

static void
test_forget_keeps_pending(void **state)
{
	struct fx *f = *state;
	uint8_t ids[2][LIMIT_ID_LEN];
	char hex[2 * LIMIT_ID_LEN + 1];

	put_three(f->r);
	memcpy(ids[0], rec_1, LIMIT_ID_LEN);
	memcpy(ids[1], rec_2, LIMIT_ID_LEN);
	assert_int_equal(forget(f->r, ids, 2), IRO_EBUSY);
	hex_encode(rec_2, LIMIT_ID_LEN, hex);
	assert_non_null(strstr(replica_errmsg(f->r), hex));
	assert_int_equal(n_changes(f->r, rec_1), 3);
	assert_int_equal(n_changes(f->r, rec_2), 2);
	assert_int_equal(count(f->r, REPLICA_PENDING), 1);

	/* In the caller's transaction: refused, and the caller's own
	 * writes stay. */
	assert_int_equal(replica_begin(f->r), 0);
	put(f->r, dev_a, 5, rec_3, "note", "text", "more", REPLICA_REMOTE);
	assert_int_equal(forget(f->r, ids, 2), IRO_EBUSY);
	assert_int_equal(replica_commit(f->r), 0);
	assert_int_equal(n_changes(f->r, rec_1), 3);
	assert_int_equal(n_changes(f->r, rec_3), 2);

	/* Once delivered, it may go. */
	assert_int_equal(replica_set_state(f->r, dev_a, 3, REPLICA_ACKED, NULL),
	    0);
	assert_int_equal(forget(f->r, ids, 2), 0);
	assert_int_equal(n_changes(f->r, rec_1), 0);
	assert_int_equal(n_changes(f->r, rec_2), 0);
}

/* Every file of dir, read whole. */
struct dirdump {
	uint8_t *buf[8];
	size_t len[8];
	size_t n;
};

static void
dump_dir(const char *dir, struct dirdump *d)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	memset(d, 0, sizeof(*d));
	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL) {
		char path[512];
		long sz;
		FILE *fp;

		if (e->d_name[0] == '.')
			continue;
		assert_true(d->n < 8);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_non_null(fp = fopen(path, "rb"));
		assert_int_equal(fseek(fp, 0, SEEK_END), 0);
		assert_true((sz = ftell(fp)) >= 0);
		rewind(fp);
		assert_non_null(d->buf[d->n] = malloc((size_t)sz + 1));
		assert_int_equal(fread(d->buf[d->n], 1, (size_t)sz, fp),
		    (size_t)sz);
		d->len[d->n++] = (size_t)sz;
		fclose(fp);
	}
	closedir(dp);
}

static void
dump_free(struct dirdump *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->buf[i]);
}

/* A window of a stored value, found by its first 8 bytes. */
#define WIN 32
struct win {
	uint64_t key;
	const uint8_t *p;
};

static uint64_t
win_key(const uint8_t *p)
{
	uint64_t k;

	memcpy(&k, p, sizeof(k));
	return k;
}

static int
win_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct win *)a)->key;
	uint64_t y = ((const struct win *)b)->key;

	return x < y ? -1 : x > y;
}

/* How many of the files in d hold any `win`-byte window (win >= 8) of
 * the nb blobs. */
static size_t
windows_in(const struct dirdump *d, uint8_t *const *blob,
    const size_t *blen, size_t nb, size_t win)
{
	struct win *w = NULL;
	size_t nw = 0, cap = 0, i, j, hits = 0;

	for (i = 0; i < nb; i++)
		cap += blen[i] >= win ? blen[i] - win + 1 : 0;
	assert_non_null(w = malloc((cap + 1) * sizeof(*w)));
	for (i = 0; i < nb; i++)
		for (j = 0; j + win <= blen[i]; j++) {
			w[nw].key = win_key(blob[i] + j);
			w[nw++].p = blob[i] + j;
		}
	qsort(w, nw, sizeof(*w), win_cmp);
	for (i = 0; i < d->n; i++) {
		int found = 0;

		for (j = 0; j + win <= d->len[i] && !found; j++) {
			struct win k = { win_key(d->buf[i] + j), NULL }, *m;

			m = bsearch(&k, w, nw, sizeof(*w), win_cmp);
			if (m == NULL)
				continue;
			while (m > w && m[-1].key == k.key)
				m--;
			for (; m < w + nw && m->key == k.key && !found; m++)
				found = memcmp(m->p, d->buf[i] + j, win) == 0;
		}
		hits += (size_t)found;
	}
	free(w);
	return hits;
}

/* How many of the files in d hold the n bytes at needle. */
static size_t
bytes_in(const struct dirdump *d, const uint8_t *needle, size_t n)
{
	uint8_t *p[1] = { (uint8_t *)(uintptr_t)needle };

	return windows_in(d, p, &n, 1, n);
}

/* What was stored for some records, as it is in the file: every sealed
 * value and refusal reason, read with a connection of the test's own. */
struct stored {
	uint8_t **p;
	size_t *len;
	size_t n, cap;
};

static void
read_stored(const char *db, const uint8_t (*recs)[LIMIT_ID_LEN],
    size_t nrecs, struct stored *s)
{
	sqlite3 *c = NULL;
	sqlite3_stmt *st = NULL;
	size_t i;
	int col;

	memset(s, 0, sizeof(*s));
	assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT blob, reason FROM"
	    " changes WHERE record = ?1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < nrecs; i++) {
		assert_int_equal(sqlite3_bind_blob(st, 1, recs[i],
		    LIMIT_ID_LEN, SQLITE_STATIC), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			for (col = 0; col < 2; col++) {
				size_t k = (size_t)sqlite3_column_bytes(st, col);

				if (sqlite3_column_type(st, col) != SQLITE_BLOB)
					continue;
				assert_true(k >= WIN);
				if (s->n == s->cap) {
					s->cap = s->cap ? 2 * s->cap : 64;
					assert_non_null(s->p = realloc(s->p,
					    s->cap * sizeof(*s->p)));
					assert_non_null(s->len = realloc(s->len,
					    s->cap * sizeof(*s->len)));
				}
				assert_non_null(s->p[s->n] = malloc(k));
				memcpy(s->p[s->n], sqlite3_column_blob(st, col),
				    k);
				s->len[s->n++] = k;
			}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(c);
}

static void
stored_free(struct stored *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->p[i]);
	free(s->p);
	free(s->len);
}

/* A fixed pseudo-random sequence: the same file layout on every run. */
static uint32_t
next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)(*x >> 16);
}

#define N_RECS 40       /* records on the device */
#define N_GONE 10       /* of which the first N_GONE are a child's */
#define N_DAYS 20
#define PER_DAY 60

/*
 * Months of use: changes of many records interleaved, of all sizes
 * (some spill to overflow pages), written day by day; a push answered
 * as a whole (a refusal makes its row grow); a session closed now and
 * then, which checkpoints the log into the file.  Page splits and
 * merges move cells between pages, and the page a cell left keeps a
 * copy of it in its unused space: secure_delete does not reach those.
 * The last two days are still only in the log.  *kept counts the
 * changes of records N_GONE and up.
 */
static void
live_for_months(struct fx *f, uint8_t recs[N_RECS][LIMIT_ID_LEN],
    uint64_t *kept)
{
	static char text[3200];
	uint64_t x = 0x9e3779b97f4a7c15u, seq = 0, first;
	uint8_t owner[N_DAYS * PER_DAY];
	int day, i, r;

	*kept = 0;
	for (i = 0; i < N_RECS; i++)
		for (r = 0; r < LIMIT_ID_LEN; r++)
			recs[i][r] = (uint8_t)next_rand(&x);
	for (day = 0; day < N_DAYS; day++) {
		first = seq + 1;
		assert_int_equal(replica_begin(f->r), 0);
		for (i = 0; i < PER_DAY; i++) {
			size_t n = 60 + next_rand(&x) % (next_rand(&x) % 4 ?
			    400 : 3000);

			r = (int)(next_rand(&x) % N_RECS);
			memset(text, 'a' + (int)(seq % 26), n);
			text[n] = '\0';
			owner[seq] = (uint8_t)r;
			*kept += r >= N_GONE;
			/* Pulled from the server, or written here. */
			put(f->r, seq % 3 ? dev_a : dev_b, seq + 1, recs[r],
			    "visit", "note", text, seq % 3 ? REPLICA_PENDING :
			    REPLICA_REMOTE);
			seq++;
		}
		assert_int_equal(replica_commit(f->r), 0);
		/* The server's answer to the day's push. */
		assert_int_equal(replica_begin(f->r), 0);
		for (; first <= seq; first++) {
			/* The last push is still out for the records kept. */
			if ((first - 1) % 3 == 0 || (day == N_DAYS - 1 &&
			    owner[first - 1] >= N_GONE))
				continue;
			assert_int_equal(replica_set_state(f->r, dev_a, first,
			    first % 2 ? REPLICA_REFUSED : REPLICA_ACKED,
			    "refused: " MARKER), 0);
		}
		assert_int_equal(replica_commit(f->r), 0);
		if (day % 5 == 2)
			assert_int_equal(reopen(f), 0);
	}
}

/*
 * The promise behind reallocation: once a child's records are forgotten
 * and the replica compacted, nothing of them - neither a record id nor
 * any 32 bytes of what was stored for them - is left in any file of the
 * replica, while the other records are all there.
 */
static void
test_forget_leaves_no_trace(void **state)
{
	struct fx *f = *state;
	uint8_t recs[N_RECS][LIMIT_ID_LEN];
	const uint8_t (*crecs)[LIMIT_ID_LEN] =
	    (const uint8_t (*)[LIMIT_ID_LEN])recs;
	struct stored gone, kept;
	struct dirdump d;
	uint64_t nkept = 0, seen = 0;
	char wal[160];
	struct stat st;
	size_t i, hits;

	live_for_months(f, recs, &nkept);
	read_stored(f->db, crecs, N_GONE, &gone);
	read_stored(f->db, crecs + N_GONE, N_RECS - N_GONE, &kept);
	assert_true(gone.n > 100 && kept.n > 300);

	/* The scan does find them before. */
	dump_dir(f->home, &d);
	for (i = 0, hits = 0; i < N_GONE; i++)
		hits += bytes_in(&d, recs[i], LIMIT_ID_LEN) > 0;
	assert_int_equal(hits, N_GONE);
	assert_true(windows_in(&d, gone.p, gone.len, gone.n, WIN) > 0);
	dump_free(&d);

	assert_int_equal(replica_forget(f->r, crecs, N_GONE), 0);
	assert_int_equal(replica_compact(f->r), 0);
	snprintf(wal, sizeof(wal), "%s-wal", f->db);
	assert_true(stat(wal, &st) != 0 || st.st_size == 0);

	dump_dir(f->home, &d);
	for (i = 0; i < N_GONE; i++)
		assert_int_equal(bytes_in(&d, recs[i], LIMIT_ID_LEN), 0);
	assert_int_equal(windows_in(&d, gone.p, gone.len, gone.n, WIN), 0);
	for (i = N_GONE; i < N_RECS; i++)
		assert_int_equal(bytes_in(&d, recs[i], LIMIT_ID_LEN), 1);
	assert_int_equal(windows_in(&d, kept.p, kept.len, kept.n, WIN), 1);
	dump_free(&d);
	stored_free(&gone);
	stored_free(&kept);

	/* And the replica is whole. */
	assert_int_equal(reopen(f), 0);
	for (i = 0; i < N_RECS; i++)
		seen += n_changes(f->r, recs[i]);
	assert_int_equal(seen, nkept);
}

static void
test_compact_outside_transactions(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = NULL;

	put(f->r, dev_a, 1, rec_1, "visit", "note", "x", REPLICA_PENDING);
	assert_int_equal(replica_begin(f->r), 0);
	assert_int_equal(replica_compact(f->r), IRO_EINVAL);
	assert_int_equal(replica_commit(f->r), 0);
	assert_int_equal(replica_compact(f->r), 0);

	/* A reader elsewhere keeps the log from being cleared. */
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM"
	    " changes", NULL, NULL, NULL), SQLITE_OK);
	put(f->r, dev_a, 2, rec_1, "visit", "note", "y", REPLICA_PENDING);
	assert_int_equal(replica_compact(f->r), IRO_EBUSY);
	assert_non_null(strstr(replica_errmsg(f->r), "log"));
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(replica_compact(f->r), 0);
	assert_int_equal(n_changes(f->r, rec_1), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_then_open, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_modes_ignore_umask, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rekey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_passphrase, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_twice, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_create_failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_and_foreign_files,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta_round_trip,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_meta_unset_and_bad,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_put_and_read_changes,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_identical,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_content,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_record_keeps_its_type,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_put_rejects_invalid,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_pending_in_seq_order,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_set_state_and_refusal,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_replace_pending,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_flags_and_counts,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_transaction_rollback,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(
		    test_close_discards_open_transaction, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_moved_blob_detected,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_retargeted_row_detected,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_moved_meta_detected,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_keyring,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext_after_close,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext_in_open_wal,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_erase, setup_open,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forget, setup_open,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forget_keeps_pending,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_forget_leaves_no_trace,
		    setup_open, teardown),
		cmocka_unit_test_setup_teardown(
		    test_compact_outside_transactions, setup_open, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
