/*
 * test_api_history.c - a record's change history through the public API,
 * offline: the order of changes, their states (synced, pending, refused
 * with its reason), which is current, both values of a conflict and the
 * one its resolution set aside, the field filter, a child named by its
 * council id, and the errors.
 *
 * No server is involved: the replica is made with handle_create_local();
 * what a pull would bring is stored directly as REMOTE changes, and what
 * a sync would answer is set with replica_set_state().
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
	char dev[IRO_ID_HEX + 1];     /* this device */
	char child[IRO_ID_HEX + 1];   /* council id C1001 */
	char review[IRO_ID_HEX + 1];
	char decision[IRO_ID_HEX + 1];
	uint64_t other_seq;
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
    const char *val, const struct stamp *base)
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

/*
 * What a sync answers for every pending change: acknowledged, or (when
 * reason is given) refused with that reason.  Returns how many there
 * were.
 */
static size_t
answer_pending(struct fx *f, const char *reason)
{
	struct change *p = NULL;
	size_t n = 0, i;

	assert_int_equal(replica_pending(f->h->replica, 100, &p, &n), 0);
	assert_int_equal(replica_begin(f->h->replica), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(replica_set_state(f->h->replica,
		    p[i].ts.device, p[i].seq, reason != NULL ?
		    REPLICA_REFUSED : REPLICA_ACKED, reason), 0);
		assert_int_equal(handle_remerge(f->h, p[i].record), 0);
	}
	assert_int_equal(replica_commit(f->h->replica), 0);
	change_free_array(p, n);
	return n;
}

static int
setup(void **state)
{
	struct iro_open_opts o;
	struct fx *f = calloc(1, sizeof(*f));
	uint8_t id[LIMIT_ID_LEN] = { 0xc1, 0x1d };
	const struct iro_field_text review[] = {
		{ "child", "C1001" }, { "meeting_date", "2026-03-10" },
	};
	struct iro_field_text decision[] = {
		{ "child", "C1001" }, { "review", NULL },
		{ "text", "arrange sibling contact" },
	};

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/iro-test-hist-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->now = T0;
	memset(&o, 0, sizeof(o));
	o.home = f->dir;
	o.passphrase = PASS;
	o.passphrase_len = strlen(PASS);
	o.clock = test_clock;
	o.clock_ctx = f;
	assert_int_equal(handle_create_local(&o, "alice", "iro", &f->h), 0);
	hex_encode(f->h->device, LIMIT_ID_LEN, f->dev);
	hex_encode(id, LIMIT_ID_LEN, f->child);
	inject(f, server_dev, "server", "child", f->child, "child_id",
	    "C1001", NULL);
	inject(f, server_dev, "server", "child", f->child, "given_name",
	    "Ada", NULL);
	inject(f, server_dev, "server", "child", f->child, "family_name",
	    "Example", NULL);
	inject(f, server_dev, "server", "child", f->child, "dob",
	    "2012-03-04", NULL);
	assert_int_equal(iro_create(f->h, "review", review, 2, f->review), 0);
	decision[1].text = f->review;
	assert_int_equal(iro_create(f->h, "decision", decision, 3,
	    f->decision), 0);
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

/* Entry i of hs, which must exist. */
static struct iro_history_entry
at(const struct iro_history *hs, size_t i)
{
	struct iro_history_entry e;

	assert_int_equal(iro_history_at(hs, i, &e), 0);
	return e;
}

static void
expect(const struct iro_history_entry *e, const char *field,
    const char *value, const char *by, const char *state, int current)
{
	assert_string_equal(e->field, field);
	if (value == NULL) {
		assert_int_equal(e->value.type, IRO_V_NIL);
	} else {
		assert_int_equal(e->value.type, IRO_V_STR);
		assert_string_equal(e->value.s, value);
	}
	assert_string_equal(e->by, by);
	assert_string_equal(e->state, state);
	assert_int_equal(e->current, current);
}

static void
test_status_history_order_and_states(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = NULL;
	struct iro_history_entry e0, e1;

	/* Just created: the default status, pending, current. */
	assert_int_equal(iro_history_get(f->h, f->decision, "status", &hs), 0);
	assert_int_equal(iro_history_count(hs), 1);
	e0 = at(hs, 0);
	expect(&e0, "status", "open", "alice", "pending", 1);
	assert_string_equal(e0.device, f->dev);
	assert_null(e0.refusal);
	assert_int_equal(e0.superseded, 0);
	iro_history_free(hs);

	/* Synced, then done offline. */
	assert_true(answer_pending(f, NULL) > 0);
	assert_int_equal(iro_set(f->h, f->decision, "status", "done"), 0);
	assert_int_equal(iro_history_get(f->h, f->decision, "status", &hs), 0);
	assert_int_equal(iro_history_count(hs), 2);
	e0 = at(hs, 0);
	e1 = at(hs, 1);
	expect(&e0, "status", "open", "alice", "synced", 0);
	expect(&e1, "status", "done", "alice", "pending", 1);
	assert_true(e0.at_ms < e1.at_ms);
	assert_int_equal(iro_history_at(hs, 2, &e0), IRO_ENOTFOUND);
	assert_null(e0.field);
	iro_history_free(hs);

	answer_pending(f, NULL);
	assert_int_equal(iro_history_get(f->h, f->decision, "status", &hs), 0);
	e1 = at(hs, 1);
	expect(&e1, "status", "done", "alice", "synced", 1);
	iro_history_free(hs);
}

static void
test_all_fields_by_stamp(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = NULL;
	struct iro_history_entry e, prev;
	size_t i, n, nstatus = 0, ntext = 0;

	assert_int_equal(iro_set(f->h, f->decision, "responsible",
	    "social worker"), 0);
	assert_int_equal(iro_history_get(f->h, f->decision, NULL, &hs), 0);
	n = iro_history_count(hs);
	/* child, review, text, status and carried from the create, and the
	 * later edit; every field a change of its own. */
	assert_true(n >= 5);
	for (i = 0; i < n; i++) {
		e = at(hs, i);
		if (strcmp(e.field, "status") == 0)
			nstatus++;
		if (strcmp(e.field, "text") == 0) {
			ntext++;
			expect(&e, "text", "arrange sibling contact", "alice",
			    "pending", 1);
		}
		if (i > 0)
			assert_true(prev.at_ms <= e.at_ms);
		prev = e;
	}
	assert_int_equal(nstatus, 1);
	assert_int_equal(ntext, 1);
	e = at(hs, n - 1);
	expect(&e, "responsible", "social worker", "alice", "pending", 1);
	iro_history_free(hs);
}

static void
test_conflict_both_values_then_resolution(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = NULL;
	struct iro_history_entry e[4];
	struct stamp open_ts;
	char cid[IRO_ID_HEX + 16];
	size_t i;

	answer_pending(f, NULL);
	open_ts = current_stamp(f, f->decision, "status");
	/* Two devices change the status from "open" at once. */
	assert_int_equal(iro_set(f->h, f->decision, "status", "done"), 0);
	inject(f, other_dev, "bob", "decision", f->decision, "status",
	    "dropped", &open_ts);
	assert_int_equal(iro_history_get(f->h, f->decision, "status", &hs), 0);
	assert_int_equal(iro_history_count(hs), 3);
	for (i = 0; i < 3; i++)
		e[i] = at(hs, i);
	expect(&e[0], "status", "open", "alice", "synced", 0);
	expect(&e[1], "status", "done", "alice", "pending", 0);
	expect(&e[2], "status", "dropped", "bob", "synced", 1);
	assert_string_equal(e[2].device, "0d020000000000000000000000000000");
	for (i = 0; i < 3; i++)
		assert_int_equal(e[i].superseded, 0);
	iro_history_free(hs);

	/* Resolved: the resolution follows on from the current value
	 * ("dropped", the later) and names the other competing one. */
	snprintf(cid, sizeof(cid), "%s.status", f->decision);
	assert_int_equal(iro_resolve(f->h, cid, "done"), 0);
	assert_int_equal(iro_history_get(f->h, f->decision, "status", &hs), 0);
	assert_int_equal(iro_history_count(hs), 4);
	for (i = 0; i < 4; i++)
		e[i] = at(hs, i);
	expect(&e[1], "status", "done", "alice", "pending", 0);
	assert_int_equal(e[1].superseded, 1);
	expect(&e[2], "status", "dropped", "bob", "synced", 0);
	assert_int_equal(e[2].superseded, 0);
	expect(&e[3], "status", "done", "alice", "pending", 1);
	assert_int_equal(e[3].superseded, 0);
	iro_history_free(hs);
}

static void
test_refused_change_and_reason(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = NULL;
	struct iro_history_entry e0, e1;
	struct iro_record *r = NULL;
	struct iro_value v;

	answer_pending(f, NULL);
	assert_int_equal(iro_set(f->h, f->decision, "status", "dropped"), 0);
	assert_int_equal(answer_pending(f, "decision status may not be "
	    "changed by this user"), 1);
	assert_int_equal(iro_history_get(f->h, f->decision, "status", &hs), 0);
	assert_int_equal(iro_history_count(hs), 2);
	e0 = at(hs, 0);
	e1 = at(hs, 1);
	/* The refused change does not count: "open" is current again. */
	expect(&e0, "status", "open", "alice", "synced", 1);
	expect(&e1, "status", "dropped", "alice", "refused", 0);
	assert_non_null(e1.refusal);
	assert_string_equal(e1.refusal,
	    "decision status may not be changed by this user");
	assert_null(e0.refusal);
	iro_history_free(hs);
	assert_int_equal(iro_get(f->h, f->decision, &r), 0);
	assert_int_equal(iro_record_get(r, "status", &v), 0);
	assert_string_equal(v.s, "open");
	iro_record_free(r);
}

static void
test_refused_create_keeps_history(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = NULL;
	struct iro_history_entry e;
	struct iro_record *r = NULL;
	const struct iro_field_text note[] = {
		{ "child", f->child }, { "text", "first contact" },
	};
	char id[IRO_ID_HEX + 1];
	size_t i, n;

	answer_pending(f, NULL);
	assert_int_equal(iro_create(f->h, "note", note, 2, id), 0);
	assert_true(answer_pending(f, "") >= 2);
	/* The record shows nothing, but its refused changes are listed. */
	assert_int_equal(iro_get(f->h, id, &r), IRO_ENOTFOUND);
	assert_int_equal(iro_history_get(f->h, id, NULL, &hs), 0);
	n = iro_history_count(hs);
	assert_true(n >= 2);
	for (i = 0; i < n; i++) {
		e = at(hs, i);
		assert_string_equal(e.state, "refused");
		assert_non_null(e.refusal);
		assert_string_equal(e.refusal, "");
		assert_int_equal(e.current, 0);
	}
	iro_history_free(hs);
}

static void
test_child_by_council_id_and_deletion(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = NULL;
	struct iro_history_entry e;

	assert_int_equal(iro_history_get(f->h, "C1001", NULL, &hs), 0);
	assert_int_equal(iro_history_count(hs), 4);
	e = at(hs, 0);
	expect(&e, "child_id", "C1001", "server", "synced", 1);
	assert_string_equal(e.device, "ee010000000000000000000000000000");
	e = at(hs, 3);
	expect(&e, "dob", "2012-03-04", "server", "synced", 1);
	iro_history_free(hs);
	assert_int_equal(iro_history_get(f->h, f->child, "given_name", &hs),
	    0);
	assert_int_equal(iro_history_count(hs), 1);
	iro_history_free(hs);

	/* A deletion is a change of the field "_deleted", with its reason. */
	assert_int_equal(iro_delete(f->h, f->decision, "entered in error"),
	    0);
	assert_int_equal(iro_history_get(f->h, f->decision, "_deleted", &hs),
	    0);
	assert_int_equal(iro_history_count(hs), 1);
	e = at(hs, 0);
	expect(&e, "_deleted", "entered in error", "alice", "pending", 1);
	iro_history_free(hs);
}

static void
test_errors(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = (struct iro_history *)f;
	struct iro_history_entry e;

	assert_int_equal(iro_history_get(f->h, "0123456789abcdef0123456789abcdef",
	    NULL, &hs), IRO_ENOTFOUND);
	assert_null(hs);
	assert_non_null(strstr(iro_errmsg(f->h),
	    "0123456789abcdef0123456789abcdef"));
	assert_int_equal(iro_history_get(f->h, "C9999", NULL, &hs),
	    IRO_ENOTFOUND);
	assert_non_null(strstr(iro_errmsg(f->h), "C9999"));
	assert_int_equal(iro_history_get(f->h, f->decision, "colour", &hs),
	    IRO_EINVAL);
	assert_null(hs);
	assert_non_null(strstr(iro_errmsg(f->h), "'colour'"));
	/* A field of another type is no field of this one. */
	assert_int_equal(iro_history_get(f->h, f->decision, "meeting_date",
	    &hs), IRO_EINVAL);
	assert_int_equal(iro_history_get(NULL, f->decision, NULL, &hs),
	    IRO_EINVAL);
	assert_int_equal(iro_history_get(f->h, NULL, NULL, &hs), IRO_EINVAL);
	assert_int_equal(iro_history_get(f->h, f->decision, NULL, NULL),
	    IRO_EINVAL);
	assert_int_equal(iro_history_at(NULL, 0, &e), IRO_EINVAL);
	assert_int_equal(iro_history_count(NULL), 0);
	iro_history_free(NULL);
}

static void
test_snapshot_outlives_changes(void **state)
{
	struct fx *f = *state;
	struct iro_history *hs = NULL;
	struct iro_history_entry e;

	assert_int_equal(iro_history_get(f->h, f->decision, "text", &hs), 0);
	assert_int_equal(iro_set(f->h, f->decision, "text", "changed"), 0);
	answer_pending(f, NULL);
	assert_int_equal(iro_history_count(hs), 1);
	e = at(hs, 0);
	expect(&e, "text", "arrange sibling contact", "alice", "pending", 1);
	iro_history_free(hs);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_status_history_order_and_states),
		T(test_all_fields_by_stamp),
		T(test_conflict_both_values_then_resolution),
		T(test_refused_change_and_reason),
		T(test_refused_create_keeps_history),
		T(test_child_by_council_id_and_deletion),
		T(test_errors),
		T(test_snapshot_outlives_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
