/*
 * test_merge.c - the merge rules of proto/PROTOCOL.md section 4, one
 * scenario per case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iro_error.h"
#include "merge.h"

#define MAXC 128

/* A history of changes to one note (or visit) record. */
struct hist {
	struct change c[MAXC];
	const struct change *p[MAXC];
	size_t n;
	uint64_t seq[8];
	struct merge_record r;
};

static int
setup(void **state)
{
	struct hist *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return -1;
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct hist *h = *state;
	size_t i;

	merge_record_clear(&h->r);
	for (i = 0; i < h->n; i++)
		change_clear(&h->c[i]);
	free(h);
	return 0;
}

/* A change by device dev at wall time `wall` setting field to val (NULL:
 * nil), based on `base` (NULL: a new field). */
static struct change *
edit(struct hist *h, uint8_t dev, uint64_t wall, const char *type,
    const char *field, const char *val, const struct change *base)
{
	struct change *c;

	assert_true(h->n < MAXC);
	c = &h->c[h->n];
	h->p[h->n] = c;
	h->n++;
	change_init(c);
	c->seq = ++h->seq[dev];
	c->ts.wall_ms = wall;
	c->ts.device[0] = dev;
	strcpy(c->type, type);
	c->record[0] = 0x42;
	strcpy(c->field, field);
	strcpy(c->author, dev == 1 ? "alice" : "bob");
	if (val != NULL)
		assert_int_equal(value_set_str(&c->value, val, strlen(val)), 0);
	if (base != NULL) {
		c->has_base = true;
		c->base = base->ts;
	}
	return c;
}

static struct change *
note(struct hist *h, uint8_t dev, uint64_t wall, const char *field,
    const char *val, const struct change *base)
{
	return edit(h, dev, wall, "note", field, val, base);
}

static void
supersede(struct change *c, const struct change *old)
{
	struct stamp *s = realloc(c->sup, (c->nsup + 1) * sizeof(*s));

	assert_non_null(s);
	s[c->nsup++] = old->ts;
	c->sup = s;
}

static const struct merge_field *
merged(struct hist *h, const char *field)
{
	merge_record_clear(&h->r);
	assert_int_equal(merge_record(h->p, h->n, &h->r), 0);
	return merge_field_find(&h->r, field);
}

/* Three changes: the note's creation as seen by every later test. */
static void
create(struct hist *h, const struct change **text,
    const struct change **status)
{
	note(h, 1, 100, "child", "0123456789abcdef0123456789abcdef", NULL);
	*text = note(h, 1, 100, "text", "first draft", NULL);
	*status = note(h, 1, 100, "status", "draft", NULL);
}

static void
test_single_edit(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "hello", NULL);
	const struct merge_field *f = merged(h, "text");

	assert_non_null(f);
	assert_ptr_equal(f->current, a);
	assert_int_equal(f->nleaves, 1);
	assert_int_equal(f->nblocked, 0);
	assert_false(merge_field_conflicted(f));
	assert_int_equal(merge_record_conflicts(&h->r), 0);
	assert_false(h->r.deleted);
	assert_string_equal(h->r.type, "note");
	assert_int_equal(h->r.record[0], 0x42);
}

static void
test_sequential_edits(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "one", NULL);
	const struct change *b = note(h, 2, 200, "text", "two", a);
	const struct change *c = note(h, 1, 300, "text", "three", b);
	const struct merge_field *f = merged(h, "text");

	assert_ptr_equal(f->current, c);
	assert_int_equal(f->nleaves, 1);
	assert_false(merge_field_conflicted(f));
}

static void
test_concurrent_edits_conflict(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct change *b = note(h, 1, 200, "text", "alice's", a);
	const struct change *c = note(h, 2, 150, "text", "bob's", a);
	const struct merge_field *f = merged(h, "text");

	assert_true(merge_field_conflicted(f));
	assert_int_equal(f->nleaves, 2);
	/* Both values visible, greatest stamp first and current. */
	assert_ptr_equal(f->leaves[0], b);
	assert_ptr_equal(f->leaves[1], c);
	assert_ptr_equal(f->current, b);
	assert_int_equal(merge_record_conflicts(&h->r), 1);
}

static void
test_concurrent_same_wall_broken_by_device(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct change *b = note(h, 1, 200, "text", "alice's", a);
	const struct change *c = note(h, 2, 200, "text", "bob's", a);
	const struct merge_field *f = merged(h, "text");

	(void)b;
	assert_ptr_equal(f->current, c);
	assert_int_equal(f->nleaves, 2);
}

static void
test_resolution_closes_conflict(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct change *b = note(h, 1, 200, "text", "alice's", a);
	const struct change *c = note(h, 2, 150, "text", "bob's", a);
	struct change *r = note(h, 2, 300, "text", "bob's", b);
	const struct merge_field *f;

	supersede(r, c);
	f = merged(h, "text");
	assert_false(merge_field_conflicted(f));
	assert_ptr_equal(f->current, r);
	assert_int_equal(f->nleaves, 1);
}

static void
test_third_device_keeps_conflict_open(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct change *b = note(h, 1, 200, "text", "alice's", a);
	const struct change *c = note(h, 2, 150, "text", "bob's", a);
	/* Device 3 saw only alice's branch and edited on it: that is not a
	 * resolution, bob's value still competes. */
	const struct change *d = note(h, 3, 400, "text", "carol's", b);
	const struct merge_field *f = merged(h, "text");

	assert_true(merge_field_conflicted(f));
	assert_int_equal(f->nleaves, 2);
	assert_ptr_equal(f->leaves[0], d);
	assert_ptr_equal(f->leaves[1], c);
}

static void
test_resolution_via_merge_resolution(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct change *b = note(h, 1, 200, "text", "one", a);
	const struct change *c = note(h, 2, 150, "text", "two", a);
	const struct change *d = note(h, 3, 120, "text", "three", a);
	const struct merge_field *f = merged(h, "text");
	struct stamp *sup = NULL;
	size_t nsup = 0;
	struct change *r;

	assert_int_equal(f->nleaves, 3);
	assert_int_equal(merge_resolution(f, &sup, &nsup), 0);
	assert_int_equal(nsup, 2);
	assert_int_equal(stamp_cmp(&sup[0], &d->ts), 0);
	assert_int_equal(stamp_cmp(&sup[1], &c->ts), 0);
	r = note(h, 1, 500, "text", "merged", b);
	r->sup = sup;
	r->nsup = nsup;
	f = merged(h, "text");
	assert_false(merge_field_conflicted(f));
	assert_ptr_equal(f->current, r);
}

static void
test_resolution_none_needed(void **state)
{
	struct hist *h = *state;
	const struct merge_field *f;
	struct stamp *sup = (struct stamp *)h;
	size_t nsup = 9;

	note(h, 1, 100, "text", "only", NULL);
	f = merged(h, "text");
	assert_int_equal(merge_resolution(f, &sup, &nsup), 0);
	assert_null(sup);
	assert_int_equal(nsup, 0);
}

static void
test_resolution_too_many(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct merge_field *f;
	struct stamp *sup = NULL;
	size_t i, nsup = 1;

	for (i = 0; i < LIMIT_SUPERSEDES + 2; i++)
		note(h, (uint8_t)(1 + i % 7), 200 + i, "text", "v", a);
	f = merged(h, "text");
	assert_int_equal(f->nleaves, LIMIT_SUPERSEDES + 2);
	assert_int_equal(merge_resolution(f, &sup, &nsup), IRO_ETOOBIG);
	assert_null(sup);
	assert_int_equal(nsup, 0);
}

static void
test_final_note_text_edit_blocked(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *late;
	const struct merge_field *f;

	create(h, &text, &status);
	note(h, 1, 200, "status", "final", status);
	late = note(h, 2, 300, "text", "changed after final", text);
	f = merged(h, "text");
	assert_true(merge_frozen(&h->r));
	assert_ptr_equal(f->current, text);
	assert_int_equal(f->nleaves, 1);
	assert_int_equal(f->nblocked, 1);
	assert_ptr_equal(f->blocked[0], late);
	assert_true(merge_field_conflicted(f));
}

static void
test_final_note_status_back_to_draft_blocked(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *fin, *back;
	const struct merge_field *f;

	create(h, &text, &status);
	fin = note(h, 1, 200, "status", "final", status);
	back = note(h, 2, 300, "status", "draft", fin);
	f = merged(h, "status");
	assert_ptr_equal(f->current, fin);
	assert_int_equal(f->nblocked, 1);
	assert_ptr_equal(f->blocked[0], back);
}

static void
test_blocked_conflict_resolved_with_final_text(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *late;
	struct change *r;
	const struct merge_field *f;
	struct stamp *sup = NULL;
	size_t nsup = 0;

	create(h, &text, &status);
	note(h, 1, 200, "status", "final", status);
	late = note(h, 2, 300, "text", "changed after final", text);
	f = merged(h, "text");
	assert_int_equal(merge_resolution(f, &sup, &nsup), 0);
	assert_int_equal(nsup, 1);
	assert_int_equal(stamp_cmp(&sup[0], &late->ts), 0);
	r = note(h, 1, 400, "text", "first draft", text);
	r->sup = sup;
	r->nsup = nsup;
	f = merged(h, "text");
	assert_false(merge_field_conflicted(f));
	assert_int_equal(f->nblocked, 0);
	assert_ptr_equal(f->current, r);
	assert_int_equal(merge_record_conflicts(&h->r), 0);
}

static void
test_blocked_resolution_with_new_text_stays_blocked(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *late;
	struct change *r;
	const struct merge_field *f;

	create(h, &text, &status);
	note(h, 1, 200, "status", "final", status);
	late = note(h, 2, 300, "text", "changed after final", text);
	r = note(h, 1, 400, "text", "changed after final", text);
	supersede(r, late);
	f = merged(h, "text");
	/* Choosing the blocked value is itself a change to final text. */
	assert_ptr_equal(f->current, text);
	assert_int_equal(f->nblocked, 2);
	assert_true(merge_field_conflicted(f));
}

static void
test_edit_after_final_same_value_not_conflict(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *same;
	const struct merge_field *f;

	create(h, &text, &status);
	note(h, 1, 200, "status", "final", status);
	same = note(h, 2, 300, "text", "first draft", text);
	f = merged(h, "text");
	assert_int_equal(f->nblocked, 0);
	assert_false(merge_field_conflicted(f));
	assert_ptr_equal(f->current, same);
}

static void
test_edit_stamped_before_final_not_blocked(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *early;
	const struct merge_field *f;

	create(h, &text, &status);
	note(h, 1, 200, "status", "final", status);
	/* Made offline before the note was finalised, synced after. */
	early = note(h, 2, 150, "text", "second draft", text);
	f = merged(h, "text");
	assert_int_equal(f->nblocked, 0);
	assert_ptr_equal(f->current, early);
}

static void
test_unfrozen_field_editable_after_final(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *child;
	const struct merge_field *f;

	create(h, &text, &status);
	note(h, 1, 200, "status", "final", status);
	child = note(h, 2, 300, "child", "ffffffffffffffffffffffffffffffff",
	    &h->c[0]);
	f = merged(h, "child");
	assert_ptr_equal(f->current, child);
	assert_int_equal(f->nblocked, 0);
}

static void
test_freeze_at_least_final_stamp(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status, *f1;
	const struct merge_field *f;

	create(h, &text, &status);
	note(h, 2, 250, "status", "final", status);
	f1 = note(h, 1, 200, "status", "final", status);
	f = merged(h, "status");
	assert_true(h->r.frozen);
	assert_int_equal(stamp_cmp(&h->r.frozen_at, &f1->ts), 0);
	/* Two devices finalising concurrently is two leaves of one value. */
	assert_int_equal(f->nleaves, 2);
	assert_int_equal(f->nblocked, 0);
}

static void
test_visit_never_frozen(void **state)
{
	struct hist *h = *state;

	edit(h, 1, 100, "visit", "date", "2024-01-01", NULL);
	merged(h, "date");
	assert_false(merge_frozen(&h->r));
}

static void
test_deletion_tombstone(void **state)
{
	struct hist *h = *state;
	const struct change *d;
	const struct merge_field *f;

	edit(h, 1, 100, "visit", "date", "2024-01-01", NULL);
	d = edit(h, 1, 200, "visit", CHANGE_FIELD_DELETED, "entered twice",
	    NULL);
	f = merged(h, CHANGE_FIELD_DELETED);
	assert_true(h->r.deleted);
	assert_ptr_equal(f->current, d);
	/* Nothing is removed: the record's other fields are still there. */
	assert_non_null(merge_field_find(&h->r, "date"));
}

static void
test_undeletion(void **state)
{
	struct hist *h = *state;
	const struct change *d;

	edit(h, 1, 100, "visit", "date", "2024-01-01", NULL);
	d = edit(h, 1, 200, "visit", CHANGE_FIELD_DELETED, "oops", NULL);
	edit(h, 1, 300, "visit", CHANGE_FIELD_DELETED, NULL, d);
	merged(h, "date");
	assert_false(h->r.deleted);
}

static void
test_duplicates_count_once(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct change *b = note(h, 2, 200, "text", "two", a);
	struct change *dup;
	const struct merge_field *f;

	dup = &h->c[h->n];
	assert_int_equal(change_copy(dup, b), 0);
	h->p[h->n++] = dup;
	h->p[h->n++] = b;       /* the very same pointer again */
	f = merged(h, "text");
	assert_int_equal(f->nleaves, 1);
	assert_false(merge_field_conflicted(f));
	assert_true(f->current == b || f->current == dup);
}

static void
test_reused_id_resolved_deterministically(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	struct change *x = note(h, 2, 200, "text", "x", a);
	struct change *y = note(h, 2, 300, "text", "y", a);
	const struct merge_field *f;
	const struct change *first;

	y->seq = x->seq;        /* a misbehaving device reused its id */
	f = merged(h, "text");
	assert_int_equal(f->nleaves, 1);
	first = f->current;
	h->p[1] = y;
	h->p[2] = x;
	f = merged(h, "text");
	assert_ptr_equal(f->current, first);
	assert_ptr_equal(first, x);
}

static void
test_order_independent(void **state)
{
	struct hist *h = *state;
	const struct change *a = note(h, 1, 100, "text", "base", NULL);
	const struct change *b = note(h, 1, 200, "text", "one", a);
	const struct change *c = note(h, 2, 150, "text", "two", a);
	const struct change *tmp;
	const struct merge_field *f;

	(void)b;
	(void)c;
	f = merged(h, "text");
	tmp = f->current;
	h->p[0] = &h->c[2];
	h->p[2] = &h->c[0];
	f = merged(h, "text");
	assert_ptr_equal(f->current, tmp);
	assert_int_equal(f->nleaves, 2);
}

static void
test_fields_sorted_by_name(void **state)
{
	struct hist *h = *state;
	const struct change *text, *status;
	size_t i;

	create(h, &text, &status);
	merged(h, "text");
	assert_int_equal(h->r.nfields, 3);
	for (i = 1; i < h->r.nfields; i++)
		assert_true(strcmp(h->r.fields[i - 1].name,
		    h->r.fields[i].name) < 0);
	assert_null(merge_field_find(&h->r, "nothing"));
}

static void
test_different_records_rejected(void **state)
{
	struct hist *h = *state;
	struct merge_record r;
	struct change *b;

	note(h, 1, 100, "text", "a", NULL);
	b = note(h, 1, 200, "text", "b", NULL);
	b->record[0] = 0x43;
	assert_int_equal(merge_record(h->p, h->n, &r), IRO_EINVAL);
	assert_int_equal(r.nfields, 0);
	assert_null(r.fields);
}

static void
test_different_types_rejected(void **state)
{
	struct hist *h = *state;
	struct merge_record r;

	note(h, 1, 100, "text", "a", NULL);
	edit(h, 1, 200, "visit", "date", "2024-01-01", NULL);
	assert_int_equal(merge_record(h->p, h->n, &r), IRO_EINVAL);
}

static void
test_empty_rejected(void **state)
{
	struct hist *h = *state;
	struct merge_record r;

	assert_int_equal(merge_record(h->p, 0, &r), IRO_EINVAL);
}

static void
test_malformed_rejected(void **state)
{
	struct hist *h = *state;
	struct merge_record r;
	struct change *a = note(h, 1, 100, "text", "a", NULL);

	a->nsup = 1;            /* and sup NULL */
	assert_int_equal(merge_record(h->p, h->n, &r), IRO_EINVAL);
	a->nsup = 0;
	memset(a->field, 'x', sizeof(a->field));
	assert_int_equal(merge_record(h->p, h->n, &r), IRO_EINVAL);
	strcpy(a->field, "text");
}

static void
test_clear_null_is_noop(void **state)
{
	(void)state;
	merge_record_clear(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_single_edit),
		T(test_sequential_edits),
		T(test_concurrent_edits_conflict),
		T(test_concurrent_same_wall_broken_by_device),
		T(test_resolution_closes_conflict),
		T(test_third_device_keeps_conflict_open),
		T(test_resolution_via_merge_resolution),
		T(test_resolution_none_needed),
		T(test_resolution_too_many),
		T(test_final_note_text_edit_blocked),
		T(test_final_note_status_back_to_draft_blocked),
		T(test_blocked_conflict_resolved_with_final_text),
		T(test_blocked_resolution_with_new_text_stays_blocked),
		T(test_edit_after_final_same_value_not_conflict),
		T(test_edit_stamped_before_final_not_blocked),
		T(test_unfrozen_field_editable_after_final),
		T(test_freeze_at_least_final_stamp),
		T(test_visit_never_frozen),
		T(test_deletion_tombstone),
		T(test_undeletion),
		T(test_duplicates_count_once),
		T(test_reused_id_resolved_deterministically),
		T(test_order_independent),
		T(test_fields_sorted_by_name),
		T(test_different_records_rejected),
		T(test_different_types_rejected),
		T(test_empty_rejected),
		T(test_malformed_rejected),
		T(test_clear_null_is_noop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
