/*
 * test_api.c - the client library's record calls, offline: creating,
 * editing, reading, deleting, conflicts and their resolution, status.
 *
 * No server is involved: the replica is made with handle_create_local(),
 * and what a pull would bring (children from the server, edits from other
 * devices) is stored directly as REMOTE changes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handle.h"
#include "hex.h"
#include "irosync.h"
#include "replica.h"

#define PASS "correct horse battery staple"
#define T0 INT64_C(1760000000000)

struct fx {
	char dir[64];
	int64_t now;                  /* the test clock */
	struct iro *h;
	char child[IRO_ID_HEX + 1];   /* a child record, council id C1001 */
	uint64_t other_seq;           /* seq of the other device's changes */
};

static const uint8_t server_dev[LIMIT_ID_LEN] = { 0xee, 1 };
static const uint8_t other_dev[LIMIT_ID_LEN] = { 0x0d, 2 };

static int64_t
test_clock(void *ctx)
{
	struct fx *f = ctx;

	return f->now += 10;
}

/* Store a change as if pulled from the server. */
static void
inject(struct fx *f, const uint8_t dev[LIMIT_ID_LEN], const char *by,
    const char *type, const char *rec_hex, const char *field,
    const char *val, const struct stamp *base, struct stamp *out_ts)
{
	struct change c;
	int inserted = 0;

	change_init(&c);
	c.seq = ++f->other_seq;
	c.ts.wall_ms = (uint64_t)(f->now += 10);
	memcpy(c.ts.device, dev, LIMIT_ID_LEN);
	snprintf(c.type, sizeof(c.type), "%s", type);
	assert_int_equal(hex_decode(rec_hex, c.record, LIMIT_ID_LEN), 0);
	snprintf(c.field, sizeof(c.field), "%s", field);
	if (val != NULL)
		assert_int_equal(value_set_str(&c.value, val, strlen(val)), 0);
	if (base != NULL) {
		c.has_base = true;
		c.base = *base;
	}
	snprintf(c.author, sizeof(c.author), "%s", by);
	assert_int_equal(replica_begin(f->h->replica), 0);
	assert_int_equal(replica_put_change(f->h->replica, &c, REPLICA_REMOTE,
	    &inserted), 0);
	assert_int_equal(inserted, 1);
	assert_int_equal(handle_remerge(f->h, c.record), 0);
	assert_int_equal(replica_commit(f->h->replica), 0);
	if (out_ts != NULL)
		*out_ts = c.ts;
	change_clear(&c);
}

/* The stamp of the current value of rec.field. */
static struct stamp
current_stamp(struct fx *f, const char *rec_hex, const char *field)
{
	struct handle_rec rec;
	const struct merge_field *mf;
	struct stamp s;
	uint8_t id[LIMIT_ID_LEN];

	assert_int_equal(hex_decode(rec_hex, id, LIMIT_ID_LEN), 0);
	assert_int_equal(handle_rec_load(f->h, id, &rec), 0);
	mf = merge_field_find(&rec.m, field);
	assert_non_null(mf);
	assert_non_null(mf->current);
	s = mf->current->ts;
	handle_rec_clear(&rec);
	return s;
}

static void
open_opts(struct fx *f, struct iro_open_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->home = f->dir;
	o->passphrase = PASS;
	o->passphrase_len = strlen(PASS);
	o->clock = test_clock;
	o->clock_ctx = f;
}

static int
setup(void **state)
{
	struct iro_open_opts o;
	struct fx *f = calloc(1, sizeof(*f));
	uint8_t id[LIMIT_ID_LEN] = { 0xc1, 0x1d };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/iro-test-api-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->now = T0;
	open_opts(f, &o);
	assert_int_equal(handle_create_local(&o, "alice", "iro", &f->h), 0);
	hex_encode(id, LIMIT_ID_LEN, f->child);
	inject(f, server_dev, "server", "child", f->child, "child_id",
	    "C1001", NULL, NULL);
	inject(f, server_dev, "server", "child", f->child, "given_name",
	    "Ada", NULL, NULL);
	inject(f, server_dev, "server", "child", f->child, "family_name",
	    "Example", NULL, NULL);
	inject(f, server_dev, "server", "child", f->child, "dob",
	    "2012-03-04", NULL, NULL);
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

static void
make_visit(struct fx *f, const char *child, char id[IRO_ID_HEX + 1])
{
	const struct iro_field_text fields[] = {
		{ "child", child }, { "date", "2025-05-06" },
		{ "seen_alone", "yes" },
	};

	assert_int_equal(iro_create(f->h, "visit", fields, 3, id), 0);
}

static void
make_note(struct fx *f, const char *text, char id[IRO_ID_HEX + 1])
{
	const struct iro_field_text fields[] = {
		{ "child", f->child }, { "text", text },
	};

	assert_int_equal(iro_create(f->h, "note", fields, 2, id), 0);
}

static void
expect_str(const struct iro_record *r, const char *field, const char *want)
{
	struct iro_value v;

	assert_int_equal(iro_record_get(r, field, &v), 0);
	assert_int_equal(v.type, IRO_V_STR);
	assert_string_equal(v.s, want);
}

static uint64_t
pending(struct fx *f)
{
	struct iro_status st;

	assert_int_equal(iro_status(f->h, &st), 0);
	return st.pending;
}

static void
test_create_by_council_id_and_get(void **state)
{
	struct fx *f = *state;
	struct iro_record *r = NULL;
	struct iro_value v;
	char id[IRO_ID_HEX + 1];

	make_visit(f, "C1001", id);
	assert_int_equal(strlen(id), IRO_ID_HEX);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	assert_string_equal(iro_record_type(r), "visit");
	assert_string_equal(iro_record_id(r), id);
	assert_false(iro_record_deleted(r));
	expect_str(r, "child", f->child);
	expect_str(r, "date", "2025-05-06");
	assert_int_equal(iro_record_get(r, "seen_alone", &v), 0);
	assert_int_equal(v.type, IRO_V_BOOL);
	assert_true(v.b);
	assert_int_equal(iro_record_get(r, "note", &v), 0);
	assert_int_equal(v.type, IRO_V_NIL);
	assert_int_equal(iro_record_nfields(r), 3);
	iro_record_free(r);
	assert_int_equal(pending(f), 3);
}

static void
test_fields_in_name_order(void **state)
{
	struct fx *f = *state;
	struct iro_record *r = NULL;
	const char *name = NULL;
	struct iro_value v;
	char id[IRO_ID_HEX + 1];
	int conflicted = 1;

	make_visit(f, f->child, id);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	assert_int_equal(iro_record_field(r, 0, &name, &v, &conflicted), 0);
	assert_string_equal(name, "child");
	assert_int_equal(conflicted, 0);
	assert_int_equal(iro_record_field(r, 1, &name, &v, &conflicted), 0);
	assert_string_equal(name, "date");
	assert_int_equal(iro_record_field(r, 2, &name, &v, &conflicted), 0);
	assert_string_equal(name, "seen_alone");
	assert_int_equal(iro_record_field(r, 3, &name, &v, &conflicted),
	    IRO_ENOTFOUND);
	assert_null(name);
	iro_record_free(r);
}

static void
test_find_child(void **state)
{
	struct fx *f = *state;
	char id[IRO_ID_HEX + 1], visit[IRO_ID_HEX + 1];

	assert_int_equal(iro_find_child(f->h, "C1001", id), 0);
	assert_string_equal(id, f->child);
	assert_int_equal(iro_find_child(f->h, f->child, id), 0);
	assert_string_equal(id, f->child);
	assert_int_equal(iro_find_child(f->h, "C9999", id), IRO_ENOTFOUND);
	assert_string_equal(id, "");
	assert_non_null(strstr(iro_errmsg(f->h), "C9999"));
	/* A visit's id is not a child's. */
	make_visit(f, f->child, visit);
	assert_int_equal(iro_find_child(f->h, visit, id), IRO_ENOTFOUND);
}

static void
test_find_child_follows_changes(void **state)
{
	struct fx *f = *state;
	char id[IRO_ID_HEX + 1], other[IRO_ID_HEX + 1];
	uint8_t rec[LIMIT_ID_LEN] = { 0xc2 };
	struct stamp base;

	assert_int_equal(iro_find_child(f->h, "C1001", id), 0);
	/* A child pulled later is found too. */
	hex_encode(rec, LIMIT_ID_LEN, other);
	inject(f, server_dev, "server", "child", other, "child_id", "C1002",
	    NULL, NULL);
	assert_int_equal(iro_find_child(f->h, "C1002", id), 0);
	assert_string_equal(id, other);
	/* A council id corrected by the council moves with its child. */
	base = current_stamp(f, f->child, "child_id");
	inject(f, server_dev, "server", "child", f->child, "child_id",
	    "C1003", &base, NULL);
	assert_int_equal(iro_find_child(f->h, "C1001", id), IRO_ENOTFOUND);
	assert_int_equal(iro_find_child(f->h, "C1003", id), 0);
	assert_string_equal(id, f->child);
	assert_int_equal(iro_find_child(f->h, "", id), IRO_EINVAL);
}

static void
test_list_children_and_visits(void **state)
{
	struct fx *f = *state;
	struct iro_list *l = NULL;
	char a[IRO_ID_HEX + 1], b[IRO_ID_HEX + 1];

	make_visit(f, f->child, a);
	make_visit(f, "C1001", b);
	assert_int_equal(iro_list(f->h, "visit", &l), 0);
	assert_int_equal(iro_list_count(l), 2);
	/* Ordered by id. */
	assert_true(strcmp(iro_record_id(iro_list_at(l, 0)),
	    iro_record_id(iro_list_at(l, 1))) < 0);
	assert_null(iro_list_at(l, 2));
	iro_list_free(l);
	assert_int_equal(iro_list(f->h, "child", &l), 0);
	assert_int_equal(iro_list_count(l), 1);
	expect_str(iro_list_at(l, 0), "given_name", "Ada");
	iro_list_free(l);
	assert_int_equal(iro_list(f->h, "nonsense", &l), IRO_EINVAL);
	assert_null(l);
}

static void
test_invalid_value_names_field(void **state)
{
	struct fx *f = *state;
	const struct iro_field_text bad_date[] = {
		{ "child", f->child }, { "date", "yesterday" },
	};
	const struct iro_field_text unknown[] = {
		{ "child", f->child }, { "date", "2025-01-01" },
		{ "colour", "blue" },
	};
	const struct iro_field_text missing[] = { { "seen_alone", "no" } };
	char id[IRO_ID_HEX + 1];

	assert_int_equal(iro_create(f->h, "visit", bad_date, 2, id),
	    IRO_EINVAL);
	assert_non_null(strstr(iro_errmsg(f->h), "'date'"));
	assert_non_null(strstr(iro_errmsg(f->h), "yesterday"));
	assert_string_equal(id, "");
	assert_int_equal(iro_create(f->h, "visit", unknown, 3, id),
	    IRO_EINVAL);
	assert_non_null(strstr(iro_errmsg(f->h), "colour"));
	assert_int_equal(iro_create(f->h, "visit", missing, 1, id),
	    IRO_EINVAL);
	assert_non_null(strstr(iro_errmsg(f->h), "'child'"));
	assert_non_null(strstr(iro_errmsg(f->h), "'date'"));
	assert_int_equal(iro_create(f->h, "meeting", missing, 1, id),
	    IRO_EINVAL);
}

static void
test_role_may_not_write_child(void **state)
{
	struct fx *f = *state;
	const struct iro_field_text fields[] = {
		{ "child_id", "C2002" }, { "given_name", "Bo" },
		{ "family_name", "Example" }, { "dob", "2015-01-01" },
	};
	char id[IRO_ID_HEX + 1];

	assert_int_equal(iro_create(f->h, "child", fields, 4, id),
	    IRO_EINVAL);
	assert_int_equal(iro_set(f->h, f->child, "given_name", "Eve"),
	    IRO_EINVAL);
	assert_non_null(strstr(iro_errmsg(f->h), "given_name"));
	assert_int_equal(pending(f), 0);
}

static void
test_ref_to_unknown_child_is_not_found(void **state)
{
	struct fx *f = *state;
	const struct iro_field_text fields[] = {
		{ "child", "C4040" }, { "date", "2025-05-06" },
	};
	const struct iro_field_text known[] = {
		{ "child", "C1001" }, { "date", "2025-05-06" },
	};
	char id[IRO_ID_HEX + 1];

	assert_int_equal(iro_create(f->h, "visit", fields, 2, id),
	    IRO_ENOTFOUND);
	assert_non_null(strstr(iro_errmsg(f->h), "'child'"));
	assert_non_null(strstr(iro_errmsg(f->h), "C4040"));
	/* Nor may a visit name a child the server deleted. */
	inject(f, server_dev, "server", "child", f->child, "_deleted",
	    "left care", NULL, NULL);
	assert_int_equal(iro_create(f->h, "visit", known, 2, id),
	    IRO_ENOTFOUND);
	assert_int_equal(iro_find_child(f->h, "C1001", id), IRO_ENOTFOUND);
}

static void
test_failed_create_writes_nothing(void **state)
{
	struct fx *f = *state;
	const struct iro_field_text fields[] = {
		{ "child", f->child }, { "date", "2025-02-30" },
		{ "note", "a note" },
	};
	struct iro_list *l = NULL;
	char id[IRO_ID_HEX + 1];
	uint64_t seq = 0;

	assert_int_equal(iro_create(f->h, "visit", fields, 3, id),
	    IRO_EINVAL);
	assert_int_equal(pending(f), 0);
	assert_int_equal(iro_list(f->h, "visit", &l), 0);
	assert_int_equal(iro_list_count(l), 0);
	iro_list_free(l);
	assert_int_equal(replica_meta_get_u64(f->h->replica, "seq", &seq), 0);
	assert_int_equal(seq, 0);
}

static void
test_default_and_set(void **state)
{
	struct fx *f = *state;
	struct iro_record *r = NULL;
	char id[IRO_ID_HEX + 1];

	make_note(f, "first words", id);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	expect_str(r, "status", "draft");
	iro_record_free(r);
	assert_int_equal(iro_set(f->h, id, "text", "second words"), 0);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	expect_str(r, "text", "second words");
	iro_record_free(r);
	assert_int_equal(iro_set(f->h, id, "text", NULL), IRO_EINVAL);
	assert_int_equal(iro_set(f->h, id, "status", "done"), IRO_EINVAL);
	assert_non_null(strstr(iro_errmsg(f->h), "status"));
	assert_int_equal(iro_set(f->h, "0123", "text", "x"), IRO_EINVAL);
	assert_int_equal(iro_set(f->h, "00000000000000000000000000000000",
	    "text", "x"), IRO_ENOTFOUND);
}

static void
test_final_note_text_cannot_change(void **state)
{
	struct fx *f = *state;
	struct iro_record *r = NULL;
	char id[IRO_ID_HEX + 1];

	make_note(f, "the final words", id);
	assert_int_equal(iro_set(f->h, id, "status", "final"), 0);
	assert_int_equal(iro_set(f->h, id, "text", "changed words"),
	    IRO_ESTATE);
	assert_string_equal(iro_errmsg(f->h),
	    "note is final: its text can no longer change");
	assert_int_equal(iro_set(f->h, id, "status", "draft"), IRO_ESTATE);
	/* Saying the same again is no change. */
	assert_int_equal(iro_set(f->h, id, "text", "the final words"), 0);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	expect_str(r, "text", "the final words");
	expect_str(r, "status", "final");
	iro_record_free(r);
}

static void
test_conflict_and_resolve(void **state)
{
	struct fx *f = *state;
	struct iro_conflicts *cs = NULL;
	struct iro_conflict_info ci;
	struct iro_conflict_value cv;
	struct iro_record *r = NULL;
	struct iro_status st;
	struct stamp base;
	char id[IRO_ID_HEX + 1], cid[80];
	const char *name;
	struct iro_value v;
	int conflicted = 0;

	make_note(f, "original", id);
	base = current_stamp(f, id, "text");
	/* Another device edits the text it saw; so does this one. */
	inject(f, other_dev, "bob", "note", id, "text", "theirs", &base, NULL);
	assert_int_equal(iro_set(f->h, id, "text", "ours"), 0);
	/* That edit was based on "theirs", the current value: no conflict.
	 * Make a real one: a second remote edit on the old base. */
	inject(f, other_dev, "bob", "note", id, "text", "late", &base, NULL);
	assert_int_equal(iro_status(f->h, &st), 0);
	assert_int_equal(st.conflicts, 1);
	assert_int_equal(iro_conflicts_get(f->h, &cs), 0);
	assert_int_equal(iro_conflicts_count(cs), 1);
	assert_int_equal(iro_conflicts_at(cs, 0, &ci), 0);
	snprintf(cid, sizeof(cid), "%s.text", id);
	assert_string_equal(ci.id, cid);
	assert_string_equal(ci.record, id);
	assert_string_equal(ci.type, "note");
	assert_string_equal(ci.field, "text");
	assert_int_equal(ci.nvalues, 2);
	/* Current first: the latest leaf, bob's "late". */
	assert_int_equal(ci.current.type, IRO_V_STR);
	assert_string_equal(ci.current.s, "late");
	assert_int_equal(iro_conflicts_value(cs, 0, 0, &cv), 0);
	assert_string_equal(cv.value.s, "late");
	assert_string_equal(cv.by, "bob");
	assert_int_equal(cv.refused_by_rule, 0);
	assert_int_equal(iro_conflicts_value(cs, 0, 1, &cv), 0);
	assert_string_equal(cv.value.s, "ours");
	assert_string_equal(cv.by, "alice");
	assert_true(cv.at_ms > T0);
	assert_int_equal(iro_conflicts_value(cs, 0, 2, &cv), IRO_ENOTFOUND);
	iro_conflicts_free(cs);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	assert_int_equal(iro_record_field(r, 2, &name, &v, &conflicted), 0);
	assert_string_equal(name, "text");
	assert_int_equal(conflicted, 1);
	iro_record_free(r);

	assert_int_equal(iro_resolve(f->h, cid, "agreed"), 0);
	assert_int_equal(iro_status(f->h, &st), 0);
	assert_int_equal(st.conflicts, 0);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	expect_str(r, "text", "agreed");
	iro_record_free(r);
	assert_int_equal(iro_resolve(f->h, cid, "again"), IRO_ENOTFOUND);
}

static void
test_edit_to_final_note_is_blocked(void **state)
{
	struct fx *f = *state;
	struct iro_conflicts *cs = NULL;
	struct iro_conflict_info ci;
	struct iro_conflict_value cv;
	struct iro_record *r = NULL;
	struct stamp base;
	char id[IRO_ID_HEX + 1], cid[80];

	make_note(f, "kept", id);
	assert_int_equal(iro_set(f->h, id, "status", "final"), 0);
	base = current_stamp(f, id, "text");
	inject(f, other_dev, "bob", "note", id, "text", "sneaky", &base,
	    NULL);
	assert_int_equal(iro_conflicts_get(f->h, &cs), 0);
	assert_int_equal(iro_conflicts_count(cs), 1);
	assert_int_equal(iro_conflicts_at(cs, 0, &ci), 0);
	assert_string_equal(ci.current.s, "kept");
	assert_int_equal(ci.nvalues, 2);
	assert_int_equal(iro_conflicts_value(cs, 0, 1, &cv), 0);
	assert_string_equal(cv.value.s, "sneaky");
	assert_int_equal(cv.refused_by_rule, 1);
	iro_conflicts_free(cs);
	/* The text stays whatever the resolution says. */
	snprintf(cid, sizeof(cid), "%s.text", id);
	assert_int_equal(iro_resolve(f->h, cid, "sneaky"), 0);
	assert_int_equal(iro_conflicts_get(f->h, &cs), 0);
	assert_int_equal(iro_conflicts_count(cs), 0);
	iro_conflicts_free(cs);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	expect_str(r, "text", "kept");
	iro_record_free(r);
}

/*
 * An edit made elsewhere before a note was finalised, but synced after,
 * must not silently become the final text: finalising re-asserts the
 * text, so the late edit competes with it and is surfaced.
 */
static void
test_edit_before_final_synced_after_is_surfaced(void **state)
{
	struct fx *f = *state;
	struct iro_conflicts *cs = NULL;
	struct iro_conflict_info ci;
	struct iro_conflict_value cv;
	struct iro_record *r = NULL;
	struct stamp base;
	int64_t before, after;
	char id[IRO_ID_HEX + 1];

	make_note(f, "as written", id);
	base = current_stamp(f, id, "text");
	before = f->now;
	assert_int_equal(iro_set(f->h, id, "status", "final"), 0);
	after = f->now;
	f->now = before - 5;        /* the other device's edit came first */
	inject(f, other_dev, "bob", "note", id, "text", "late edit", &base,
	    NULL);
	f->now = after;
	assert_int_equal(iro_get(f->h, id, &r), 0);
	expect_str(r, "text", "as written");
	expect_str(r, "status", "final");
	iro_record_free(r);
	assert_int_equal(iro_conflicts_get(f->h, &cs), 0);
	assert_int_equal(iro_conflicts_count(cs), 1);
	assert_int_equal(iro_conflicts_at(cs, 0, &ci), 0);
	assert_string_equal(ci.field, "text");
	assert_string_equal(ci.current.s, "as written");
	assert_int_equal(ci.nvalues, 2);
	assert_int_equal(iro_conflicts_value(cs, 0, 1, &cv), 0);
	assert_string_equal(cv.value.s, "late edit");
	iro_conflicts_free(cs);
}

static void
test_delete_hides_from_list(void **state)
{
	struct fx *f = *state;
	struct iro_list *l = NULL;
	struct iro_record *r = NULL;
	char a[IRO_ID_HEX + 1], b[IRO_ID_HEX + 1];

	make_visit(f, f->child, a);
	make_visit(f, f->child, b);
	assert_int_equal(iro_delete(f->h, a, ""), IRO_EINVAL);
	assert_int_equal(iro_delete(f->h, a, "entered twice"), 0);
	assert_int_equal(iro_list(f->h, "visit", &l), 0);
	assert_int_equal(iro_list_count(l), 1);
	assert_string_equal(iro_record_id(iro_list_at(l, 0)), b);
	iro_list_free(l);
	assert_int_equal(iro_get(f->h, a, &r), 0);
	assert_true(iro_record_deleted(r));
	expect_str(r, "_deleted", "entered twice");
	iro_record_free(r);
	assert_int_equal(iro_set(f->h, a, "date", "2025-01-01"), IRO_ESTATE);
	assert_int_equal(iro_delete(f->h, a, "again"), IRO_ESTATE);
	/* Children are the server's to delete. */
	assert_int_equal(iro_delete(f->h, f->child, "gone"), IRO_EINVAL);
}

static void
test_status_counts(void **state)
{
	struct fx *f = *state;
	struct iro_status st;
	char id[IRO_ID_HEX + 1];

	make_visit(f, f->child, id);
	make_note(f, "words", id);
	assert_int_equal(iro_status(f->h, &st), 0);
	assert_string_equal(st.user, "alice");
	assert_string_equal(st.role, "iro");
	assert_string_equal(st.server, "");
	assert_int_equal(strlen(st.device), IRO_ID_HEX);
	assert_int_equal(st.pending, 7);   /* 3 + child, type, text, status */
	assert_int_equal(st.refused, 0);
	assert_int_equal(st.conflicts, 0);
	assert_int_equal(st.last_sync_ms, 0);
}

static void
test_reopen_keeps_records(void **state)
{
	struct fx *f = *state;
	struct iro_open_opts o;
	struct iro_record *r = NULL;
	struct iro *bad = NULL;
	char id[IRO_ID_HEX + 1], err[IRO_ERRBUF_SIZE];
	int exists = 0;

	make_note(f, "persisted", id);
	iro_close(f->h);
	f->h = NULL;
	assert_int_equal(iro_exists(f->dir, &exists), 0);
	assert_int_equal(exists, 1);
	open_opts(f, &o);
	o.passphrase = "wrong";
	o.passphrase_len = 5;
	o.errbuf = err;
	o.errbuf_len = sizeof(err);
	assert_int_equal(iro_open(&o, &bad), IRO_EAUTH);
	assert_null(bad);
	assert_true(err[0] != '\0');
	open_opts(f, &o);
	assert_int_equal(iro_open(&o, &f->h), 0);
	assert_int_equal(iro_get(f->h, id, &r), 0);
	expect_str(r, "text", "persisted");
	iro_record_free(r);
	/* New edits continue the counter. */
	assert_int_equal(iro_set(f->h, id, "text", "again"), 0);
	assert_int_equal(pending(f), 5);
}

static void
test_sync_needs_enrolment(void **state)
{
	struct fx *f = *state;
	struct iro_sync_result res;

	assert_int_equal(iro_sync(f->h, NULL, &res), IRO_ENOTENROLLED);
	assert_int_equal(res.requests, 0);
}

static void
test_code_meaning(void **state)
{
	(void)state;
	assert_string_equal(iro_code_meaning("legal_status", "C2"),
	    "full care order");
	assert_non_null(iro_code_meaning("participation", "PN0"));
	assert_null(iro_code_meaning("legal_status", "Z9"));
	assert_null(iro_code_meaning("no_such_list", "C2"));
	assert_null(iro_code_meaning(NULL, NULL));
}

static void
test_schema_describe(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(iro_schema_describe("visit", &s), 0);
	assert_non_null(strstr(s, "seen_alone"));
	free(s);
	assert_int_equal(iro_schema_describe("meeting", &s), IRO_ENOTFOUND);
	assert_null(s);
}

static void
test_enrol_refuses_existing_replica(void **state)
{
	struct fx *f = *state;
	struct iro_enrol_opts e;
	struct iro *h = NULL;

	memset(&e, 0, sizeof(e));
	open_opts(f, &e.open);
	e.server_url = "http://127.0.0.1:1";
	e.username = "alice";
	e.password = "pw";
	assert_int_equal(iro_enrol(&e, &h), IRO_EEXIST);
	assert_null(h);
	e.server_url = "ftp://127.0.0.1:1";
	assert_int_equal(iro_enrol(&e, &h), IRO_EINVAL);
}

#define DAY_MS INT64_C(86400000)

/* A setting record as the server would send it. */
static void
inject_setting(struct fx *f, const char *rec_hex, const char *name,
    const char *value)
{
	inject(f, server_dev, "config", "setting", rec_hex, "name", name,
	    NULL, NULL);
	inject(f, server_dev, "config", "setting", rec_hex, "value", value,
	    NULL, NULL);
}

/* Every call that reads or writes case content answers IRO_ELOCKED. */
static void
expect_locked(struct fx *f, const char *rec, const char *msg)
{
	const struct iro_field_text fields[] = {
		{ "child", f->child }, { "text", "words" },
	};
	struct iro_record *r = NULL;
	struct iro_list *l = NULL;
	struct iro_conflicts *cs = NULL;
	struct iro_caseload *c = NULL;
	struct iro_agenda *a = NULL;
	struct iro_history *hs = NULL;
	char id[IRO_ID_HEX + 1] = "x";

	assert_int_equal(iro_get(f->h, rec, &r), IRO_ELOCKED);
	assert_null(r);
	assert_string_equal(iro_errmsg(f->h), msg);
	assert_int_equal(iro_create(f->h, "note", fields, 2, id), IRO_ELOCKED);
	assert_string_equal(id, "");
	assert_int_equal(iro_set(f->h, rec, "date", "2025-01-01"),
	    IRO_ELOCKED);
	assert_int_equal(iro_delete(f->h, rec, "why"), IRO_ELOCKED);
	assert_int_equal(iro_find_child(f->h, "C1001", id), IRO_ELOCKED);
	assert_int_equal(iro_list(f->h, "child", &l), IRO_ELOCKED);
	assert_int_equal(iro_list_child(f->h, "visit", "C1001", &l),
	    IRO_ELOCKED);
	assert_null(l);
	assert_int_equal(iro_conflicts_get(f->h, &cs), IRO_ELOCKED);
	assert_int_equal(iro_resolve(f->h, rec, "x"), IRO_ELOCKED);
	assert_int_equal(iro_caseload_get(f->h, "2025-06-01", &c),
	    IRO_ELOCKED);
	assert_int_equal(iro_child_summary_get(f->h, "C1001", "2025-06-01",
	    &c), IRO_ELOCKED);
	assert_null(c);
	assert_int_equal(iro_agenda_get(f->h, "2025-06-01", 7, &a),
	    IRO_ELOCKED);
	assert_null(a);
	assert_int_equal(iro_history_get(f->h, rec, NULL, &hs), IRO_ELOCKED);
	assert_null(hs);
	assert_string_equal(iro_errmsg(f->h), msg);
}

static void
test_lease_locks_after_30_days(void **state)
{
	struct fx *f = *state;
	struct iro_record *r = NULL;
	struct iro_status st;
	char visit[IRO_ID_HEX + 1];
	uint64_t synced;

	make_visit(f, f->child, visit);
	/* Never synced: no lease to run out. */
	f->now += 400 * DAY_MS;
	assert_int_equal(iro_get(f->h, visit, &r), 0);
	iro_record_free(r);

	synced = (uint64_t)f->now;
	assert_int_equal(replica_meta_put_u64(f->h->replica, "last_sync",
	    synced), 0);
	f->now += 30 * DAY_MS - 1000;
	assert_int_equal(iro_get(f->h, visit, &r), 0);
	iro_record_free(r);
	f->now += DAY_MS;
	expect_locked(f, visit, "no sync for 30 days (the council's limit "
	    "is 30): run iro sync");
	f->now += 5 * DAY_MS;
	assert_int_equal(iro_list(f->h, "visit", &(struct iro_list *){ NULL }),
	    IRO_ELOCKED);
	assert_string_equal(iro_errmsg(f->h), "no sync for 35 days (the "
	    "council's limit is 30): run iro sync");
	/* Status still answers, with the old sync time. */
	assert_int_equal(iro_status(f->h, &st), 0);
	assert_int_equal(st.last_sync_ms, synced);
	assert_int_equal(st.pending, 3);
	/* A sync records the server's time and so unlocks. */
	assert_int_equal(replica_meta_put_u64(f->h->replica, "last_sync",
	    (uint64_t)f->now), 0);
	assert_int_equal(iro_get(f->h, visit, &r), 0);
	iro_record_free(r);
}

static void
test_lease_from_setting(void **state)
{
	struct fx *f = *state;
	struct iro_record *r = NULL;
	struct stamp base;
	char visit[IRO_ID_HEX + 1], set[IRO_ID_HEX + 1];
	uint8_t id[LIMIT_ID_LEN] = { 0x5e, 0x77 };

	make_visit(f, f->child, visit);
	hex_encode(id, LIMIT_ID_LEN, set);
	inject_setting(f, set, "lease_days", "60");
	assert_int_equal(replica_meta_put_u64(f->h->replica, "last_sync",
	    (uint64_t)f->now), 0);
	f->now += 31 * DAY_MS;
	assert_int_equal(iro_get(f->h, visit, &r), 0);
	iro_record_free(r);
	f->now += 30 * DAY_MS;
	expect_locked(f, visit, "no sync for 61 days (the council's limit "
	    "is 60): run iro sync");
	/* A value that is not a day count falls back to the default. */
	base = current_stamp(f, set, "value");
	inject(f, server_dev, "config", "setting", set, "value", "forever",
	    &base, NULL);
	assert_int_equal(replica_meta_put_u64(f->h->replica, "last_sync",
	    (uint64_t)f->now), 0);
	f->now += 31 * DAY_MS;
	assert_int_equal(iro_get(f->h, visit, &r), IRO_ELOCKED);
	assert_string_equal(iro_errmsg(f->h), "no sync for 31 days (the "
	    "council's limit is 30): run iro sync");
	/* Other settings do not count. */
	base = current_stamp(f, set, "value");
	inject(f, server_dev, "config", "setting", set, "value", "365",
	    &base, NULL);
	id[1] = 0x78;
	hex_encode(id, LIMIT_ID_LEN, set);
	inject_setting(f, set, "record_days", "1");
	assert_int_equal(iro_get(f->h, visit, &r), 0);
	iro_record_free(r);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_by_council_id_and_get),
		T(test_fields_in_name_order),
		T(test_find_child),
		T(test_find_child_follows_changes),
		T(test_list_children_and_visits),
		T(test_invalid_value_names_field),
		T(test_role_may_not_write_child),
		T(test_ref_to_unknown_child_is_not_found),
		T(test_failed_create_writes_nothing),
		T(test_default_and_set),
		T(test_final_note_text_cannot_change),
		T(test_conflict_and_resolve),
		T(test_edit_to_final_note_is_blocked),
		T(test_edit_before_final_synced_after_is_surfaced),
	T(test_delete_hides_from_list),
		T(test_status_counts),
		T(test_reopen_keeps_records),
		T(test_sync_needs_enrolment),
		T(test_code_meaning),
		T(test_schema_describe),
		T(test_enrol_refuses_existing_replica),
		T(test_lease_locks_after_30_days),
		T(test_lease_from_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
