/*
 * test_merge_prop.c - property test of the merge.
 *
 * For fixed seeds, simulate edit histories among 2-4 devices on a few
 * records: each device has its own clock and its own view of what it has
 * received, edits with bases taken from that view, creates records,
 * finalises notes, deletes and undeletes, resolves the conflicts it sees,
 * and now and then exchanges changes with another device.  Then merge
 * each record's full change set in many random orders with random
 * duplicates (repeated pointers and deep copies) and require the same
 * result every time, and check that no change is lost and that
 * concurrent edits stay in conflict until a resolution arrives.
 *
 * Everything is driven by one explicitly seeded generator, so a failure
 * names the seed and size that reproduce it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hlc.h"
#include "iro_error.h"
#include "merge.h"
#include "schema.h"

#define NSEEDS 200
#define NORDERS 12
#define MAXDEV 4
#define MAXREC 4

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t
pick(uint64_t *s, size_t n)
{
	return (size_t)(rnd(s) % n);
}

struct dev {
	struct hlc clk;
	uint64_t seq;
	uint8_t id[LIMIT_ID_LEN];
	int64_t skew;                   /* this device's clock error, ms */
	bool *known;                    /* by change index */
};

struct rec {
	uint8_t id[LIMIT_ID_LEN];
	const char *type;
};

struct sim {
	uint64_t rng;
	uint64_t now;
	size_t ndev, nrec;
	struct dev dev[MAXDEV];
	struct rec rec[MAXREC];
	struct change *ch;
	size_t *chrec;                  /* record index of each change */
	size_t n, cap;
};

/* What happened across all seeds, so the test cannot pass vacuously. */
struct totals {
	size_t changes, conflicts, blocked, resolutions, deleted, frozen;
	size_t merges, forks;           /* forked fields with no resolution */
};

static const char *const note_fields[] = {
	"child", "text", "status", CHANGE_FIELD_DELETED
};
static const char *const visit_fields[] = {
	"child", "date", "seen_alone", "note", CHANGE_FIELD_DELETED
};
static const char *const refs[] = {
	"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
};
static const char *const texts[] = { "alpha", "beta", "gamma", "delta" };
static const char *const dates[] = {
	"2024-02-28", "2024-02-29", "2024-03-01"
};

static void
set_str(struct change *c, const char *s)
{
	assert_int_equal(value_set_str(&c->value, s, strlen(s)), 0);
}

/* A fresh change by device d to field of record r, stamped now. */
static struct change *
new_change(struct sim *sim, size_t d, size_t r, const char *field)
{
	struct dev *dv = &sim->dev[d];
	struct change *c;
	struct hlc t;
	int64_t now = (int64_t)sim->now + dv->skew;

	assert_true(sim->n < sim->cap);
	c = &sim->ch[sim->n];
	change_init(c);
	assert_int_equal(hlc_tick(&dv->clk, (uint64_t)now, &t), 0);
	c->seq = ++dv->seq;
	c->ts.wall_ms = t.wall_ms;
	c->ts.counter = t.counter;
	memcpy(c->ts.device, dv->id, LIMIT_ID_LEN);
	strcpy(c->type, sim->rec[r].type);
	memcpy(c->record, sim->rec[r].id, LIMIT_ID_LEN);
	strcpy(c->field, field);
	snprintf(c->author, sizeof(c->author), "iro%zu", d);
	sim->chrec[sim->n] = r;
	dv->known[sim->n] = true;
	sim->n++;
	return c;
}

/* Every generated change must pass the checks a server makes. */
static void
validate(const struct change *c)
{
	char why[256];

	if (change_check(c, why, sizeof(why)) != 0)
		fail_msg("generated change fails change_check: %s", why);
	if (schema_check_change(c, SCHEMA_ROLE_IRO, why, sizeof(why)) != 0)
		fail_msg("generated change fails the schema: %s", why);
}

static void
random_value(struct sim *sim, struct change *c)
{
	const char *f = c->field;

	if (strcmp(f, "child") == 0)
		set_str(c, refs[pick(&sim->rng, 2)]);
	else if (strcmp(f, "text") == 0 || strcmp(f, "note") == 0)
		set_str(c, texts[pick(&sim->rng, 4)]);
	else if (strcmp(f, "status") == 0)
		set_str(c, pick(&sim->rng, 3) == 0 ? "final" : "draft");
	else if (strcmp(f, "date") == 0)
		set_str(c, dates[pick(&sim->rng, 3)]);
	else if (strcmp(f, "seen_alone") == 0) {
		c->value.type = VALUE_BOOL;
		c->value.b = pick(&sim->rng, 2) == 0;
	} else if (pick(&sim->rng, 3) > 0)
		set_str(c, "entered twice");
	/* else: nil, an undeletion */
}

/* Device d's view of record r; false if it has never heard of r. */
static bool
view(struct sim *sim, size_t d, size_t r, struct merge_record *out,
    const struct change **buf)
{
	size_t i, n = 0;

	for (i = 0; i < sim->n; i++)
		if (sim->chrec[i] == r && sim->dev[d].known[i])
			buf[n++] = &sim->ch[i];
	if (n == 0)
		return false;
	assert_int_equal(merge_record(buf, n, out), 0);
	return true;
}

static void
act_create(struct sim *sim, size_t d)
{
	size_t r = sim->nrec++, i;
	struct rec *rc = &sim->rec[r];
	struct change *c;

	for (i = 0; i < LIMIT_ID_LEN; i++)
		rc->id[i] = (uint8_t)rnd(&sim->rng);
	rc->type = pick(&sim->rng, 2) == 0 ? "note" : "visit";
	c = new_change(sim, d, r, "child");
	random_value(sim, c);
	validate(c);
	if (strcmp(rc->type, "note") == 0) {
		c = new_change(sim, d, r, "text");
		random_value(sim, c);
		validate(c);
		c = new_change(sim, d, r, "status");
		set_str(c, schema_field_find(schema_type_find("note"),
		    "status")->dflt);
		validate(c);
	} else {
		c = new_change(sim, d, r, "date");
		random_value(sim, c);
		validate(c);
	}
}

static void
act_edit(struct sim *sim, size_t d, size_t r, const struct change **buf)
{
	struct merge_record mr;
	const struct merge_field *f;
	const char *field;
	struct change *c;
	bool note = strcmp(sim->rec[r].type, "note") == 0;

	if (!view(sim, d, r, &mr, buf))
		return;
	field = note ? note_fields[pick(&sim->rng, 4)] :
	    visit_fields[pick(&sim->rng, 5)];
	f = merge_field_find(&mr, field);
	c = new_change(sim, d, r, field);
	random_value(sim, c);
	if (f != NULL && f->current != NULL) {
		c->has_base = true;
		c->base = f->current->ts;
	}
	validate(c);
	merge_record_clear(&mr);
}

static void
act_resolve(struct sim *sim, size_t d, size_t r, const struct change **buf,
    struct totals *tot)
{
	struct merge_record mr;
	const struct merge_field *f = NULL;
	struct stamp *sup = NULL;
	size_t i, nsup = 0;
	struct change *c;

	if (!view(sim, d, r, &mr, buf))
		return;
	for (i = 0; i < mr.nfields && f == NULL; i++)
		if (merge_field_conflicted(&mr.fields[i]))
			f = &mr.fields[i];
	if (f == NULL || merge_resolution(f, &sup, &nsup) != 0 || nsup == 0) {
		free(sup);
		merge_record_clear(&mr);
		return;
	}
	c = new_change(sim, d, r, f->name);
	c->sup = sup;
	c->nsup = nsup;
	if (f->current != NULL) {
		c->has_base = true;
		c->base = f->current->ts;
	}
	/* Usually keep the current value; sometimes pick a competitor,
	 * which on a final note is itself blocked. */
	if (f->current != NULL && pick(&sim->rng, 4) > 0)
		assert_int_equal(value_copy(&c->value, &f->current->value), 0);
	else if (f->nleaves > 1)
		assert_int_equal(value_copy(&c->value,
		    &f->leaves[1 + pick(&sim->rng, f->nleaves - 1)]->value), 0);
	else if (f->nblocked > 0)
		assert_int_equal(value_copy(&c->value, &f->blocked[0]->value),
		    0);
	validate(c);
	tot->resolutions++;
	merge_record_clear(&mr);
}

static void
sync_one_way(struct sim *sim, size_t from, size_t to)
{
	struct dev *a = &sim->dev[from], *b = &sim->dev[to];
	size_t i;

	for (i = 0; i < sim->n; i++) {
		if (a->known[i] && !b->known[i]) {
			b->known[i] = true;
			assert_int_equal(hlc_observe(&b->clk,
			    sim->ch[i].ts.wall_ms, sim->ch[i].ts.counter), 0);
		}
	}
}

static void
act_sync(struct sim *sim, size_t d)
{
	size_t e = (d + 1 + pick(&sim->rng, sim->ndev - 1)) % sim->ndev;

	sync_one_way(sim, d, e);
	if (pick(&sim->rng, 2) == 0)
		sync_one_way(sim, e, d);
}

/* One step: time moves on a little (often not at all, so counters and
 * ties get exercised), and one device does one thing. */
static void
step(struct sim *sim, const struct change **buf, struct totals *tot)
{
	size_t d = pick(&sim->rng, sim->ndev);
	size_t r, roll = pick(&sim->rng, 100);

	sim->now += pick(&sim->rng, 4);
	if (sim->nrec == 0 || (sim->nrec < MAXREC && roll < 8)) {
		act_create(sim, d);
		return;
	}
	r = pick(&sim->rng, sim->nrec);
	if (roll < 60)
		act_edit(sim, d, r, buf);
	else if (roll < 72)
		act_resolve(sim, d, r, buf, tot);
	else
		act_sync(sim, d);
}

/* A canonical text of a merge result, to compare results exactly. */
struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(w >= 0);
	while (t->len + (size_t)w + 1 > t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)w;
}

static void
put_change(struct text *t, const struct change *c)
{
	if (c == NULL) {
		put(t, " -");
		return;
	}
	put(t, " %02x:%llu", c->ts.device[0], (unsigned long long)c->seq);
	switch (c->value.type) {
	case VALUE_NIL: put(t, "=nil"); break;
	case VALUE_BOOL: put(t, "=%d", (int)c->value.b); break;
	case VALUE_INT: put(t, "=%lld", (long long)c->value.i); break;
	case VALUE_STR: put(t, "='%s'", c->value.s); break;
	}
}

static void
snapshot(const struct merge_record *r, struct text *t)
{
	size_t i, j;

	t->len = 0;
	put(t, "deleted=%d frozen=%d conflicts=%zu\n", (int)r->deleted,
	    (int)merge_frozen(r), merge_record_conflicts(r));
	for (i = 0; i < r->nfields; i++) {
		const struct merge_field *f = &r->fields[i];

		put(t, "%s cur", f->name);
		put_change(t, f->current);
		put(t, " leaves");
		for (j = 0; j < f->nleaves; j++)
			put_change(t, f->leaves[j]);
		put(t, " blocked");
		for (j = 0; j < f->nblocked; j++)
			put_change(t, f->blocked[j]);
		put(t, "\n");
	}
}

static bool
in_list(const struct change *const *v, size_t n, const struct change *c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (change_same_id(v[i], c))
			return true;
	return false;
}

static bool
names(const struct change *a, const struct stamp *s)
{
	size_t k;

	if (a->has_base && stamp_cmp(&a->base, s) == 0)
		return true;
	for (k = 0; k < a->nsup; k++)
		if (stamp_cmp(&a->sup[k], s) == 0)
			return true;
	return false;
}

/*
 * The invariants, on the merge of one record's n changes v:
 * - no change is lost: each is a leaf, an undismissed blocked change, or
 *   named (as base or superseded) by a change that is not blocked;
 * - the current value is the greatest leaf;
 * - two unblocked changes with the same base (or both without one) keep
 *   the field in conflict while no resolution touches the field.
 */
static void
check_invariants(const struct merge_record *mr,
    const struct change *const *v, size_t n, struct totals *tot)
{
	size_t i, j, k;

	for (k = 0; k < mr->nfields; k++) {
		const struct merge_field *f = &mr->fields[k];
		bool resolved = false, forked = false;

		if (f->nleaves > 0)
			assert_ptr_equal(f->current, f->leaves[0]);
		for (i = 1; i < f->nleaves; i++)
			assert_true(stamp_cmp(&f->leaves[i - 1]->ts,
			    &f->leaves[i]->ts) > 0);
		for (i = 0; i < n; i++) {
			const struct change *c = v[i];
			bool found;

			if (strcmp(c->field, f->name) != 0)
				continue;
			resolved |= c->nsup > 0;
			found = in_list(f->leaves, f->nleaves, c) ||
			    in_list(f->blocked, f->nblocked, c);
			for (j = 0; j < n && !found; j++)
				found = strcmp(v[j]->field, f->name) == 0 &&
				    !in_list(f->blocked, f->nblocked, v[j]) &&
				    names(v[j], &c->ts);
			if (!found)
				fail_msg("change %02x:%llu to '%s' was lost",
				    c->ts.device[0],
				    (unsigned long long)c->seq, c->field);
			for (j = 0; j < n && !forked; j++) {
				const struct change *o = v[j];

				if (o == c || change_same_id(o, c) ||
				    strcmp(o->field, f->name) != 0 ||
				    in_list(f->blocked, f->nblocked, c) ||
				    in_list(f->blocked, f->nblocked, o))
					continue;
				forked = o->has_base == c->has_base &&
				    (!c->has_base ||
				    stamp_cmp(&o->base, &c->base) == 0);
			}
		}
		if (forked && !resolved) {
			assert_true(merge_field_conflicted(f));
			tot->forks++;
		}
	}
}

static void
tally(const struct merge_record *mr, struct totals *tot)
{
	size_t i;

	tot->conflicts += merge_record_conflicts(mr);
	tot->deleted += mr->deleted;
	tot->frozen += merge_frozen(mr);
	for (i = 0; i < mr->nfields; i++)
		tot->blocked += mr->fields[i].nblocked;
}

/* Merge record r in NORDERS shuffled orders with duplicates, each time
 * comparing with the merge of the changes in creation order. */
static void
check_record(struct sim *sim, size_t r, struct change *copies,
    const struct change **buf, const struct change **mix,
    struct totals *tot, struct text *want, struct text *got)
{
	struct merge_record mr;
	size_t i, n = 0, m, o;

	for (i = 0; i < sim->n; i++)
		if (sim->chrec[i] == r)
			buf[n++] = &sim->ch[i];
	if (n == 0)
		return;
	assert_int_equal(merge_record(buf, n, &mr), 0);
	check_invariants(&mr, buf, n, tot);
	tally(&mr, tot);
	snapshot(&mr, want);
	merge_record_clear(&mr);
	for (i = 0; i < n; i++)
		assert_int_equal(change_copy(&copies[i], buf[i]), 0);
	for (o = 0; o < NORDERS; o++) {
		memcpy(mix, buf, n * sizeof(*mix));
		m = n;
		/* Up to n extra entries: repeats and deep copies. */
		for (i = pick(&sim->rng, n + 1); i > 0; i--) {
			size_t k = pick(&sim->rng, n);

			mix[m++] = pick(&sim->rng, 2) ? buf[k] : &copies[k];
		}
		for (i = m; i > 1; i--) {
			size_t k = pick(&sim->rng, i);
			const struct change *tmp = mix[i - 1];

			mix[i - 1] = mix[k];
			mix[k] = tmp;
		}
		assert_int_equal(merge_record(mix, m, &mr), 0);
		snapshot(&mr, got);
		merge_record_clear(&mr);
		tot->merges++;
		if (strcmp(want->s, got->s) != 0)
			fail_msg("order changed the merge of record %zu:\n"
			    "%s---\n%s", r, want->s, got->s);
	}
	for (i = 0; i < n; i++)
		change_clear(&copies[i]);
}

static void
run_history(uint64_t seed, size_t steps, struct totals *tot)
{
	struct sim sim;
	struct text want = { 0 }, got = { 0 };
	const struct change **buf, **mix;
	struct change *copies;
	size_t i, d;

	memset(&sim, 0, sizeof(sim));
	sim.rng = seed * 1000003u + steps;
	sim.now = 1700000000000ull;
	sim.ndev = 2 + pick(&sim.rng, MAXDEV - 1);
	sim.cap = 3 * MAXREC + steps + 1;
	sim.ch = calloc(sim.cap, sizeof(*sim.ch));
	sim.chrec = calloc(sim.cap, sizeof(*sim.chrec));
	buf = calloc(sim.cap, sizeof(*buf));
	mix = calloc(2 * sim.cap, sizeof(*mix));
	copies = calloc(sim.cap, sizeof(*copies));
	assert_true(sim.ch && sim.chrec && buf && mix && copies);
	for (d = 0; d < sim.ndev; d++) {
		sim.dev[d].known = calloc(sim.cap, sizeof(bool));
		assert_non_null(sim.dev[d].known);
		sim.dev[d].id[0] = (uint8_t)(0x10 * (d + 1));
		sim.dev[d].id[LIMIT_ID_LEN - 1] = (uint8_t)rnd(&sim.rng);
		sim.dev[d].skew = (int64_t)pick(&sim.rng, 41) - 20;
	}
	for (i = 0; i < steps; i++)
		step(&sim, buf, tot);
	tot->changes += sim.n;
	for (i = 0; i < sim.nrec; i++)
		check_record(&sim, i, copies, buf, mix, tot, &want, &got);

	for (d = 0; d < sim.ndev; d++)
		free(sim.dev[d].known);
	for (i = 0; i < sim.n; i++)
		change_clear(&sim.ch[i]);
	free(sim.ch);
	free(sim.chrec);
	free(buf);
	free(mix);
	free(copies);
	free(want.s);
	free(got.s);
}

static void
run_size(size_t steps)
{
	struct totals tot = { 0 };
	uint64_t seed;

	for (seed = 1; seed <= NSEEDS; seed++)
		run_history(seed, steps, &tot);
	print_message("%zu steps: %zu changes, %zu merges, %zu conflicts "
	    "(%zu unresolved forks), %zu blocked, %zu resolutions, "
	    "%zu deleted, %zu frozen\n", steps, tot.changes, tot.merges,
	    tot.conflicts, tot.forks, tot.blocked, tot.resolutions,
	    tot.deleted, tot.frozen);
	/* The histories must exercise every rule, or the test proves
	 * nothing about it. */
	assert_true(tot.conflicts > 0);
	assert_true(tot.forks > 0);
	assert_true(tot.resolutions > 0);
	assert_true(tot.deleted > 0);
	assert_true(tot.frozen > 0);
	if (steps >= 40)
		assert_true(tot.blocked > 0);
}

static void
test_small_histories(void **state)
{
	(void)state;
	run_size(12);
}

static void
test_medium_histories(void **state)
{
	(void)state;
	run_size(40);
}

static void
test_large_histories(void **state)
{
	(void)state;
	run_size(120);
}

static void
test_long_histories(void **state)
{
	(void)state;
	run_size(300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_histories),
		cmocka_unit_test(test_medium_histories),
		cmocka_unit_test(test_large_histories),
		cmocka_unit_test(test_long_histories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
