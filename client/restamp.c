/*
 * restamp.c - re-stamping the outbox after a clock-skew answer.
 */
#include <stdlib.h>
#include <string.h>

#include "restamp.h"

/* An outbox change's stamp before and after. */
struct remap {
	struct stamp old, new;
	int done;
};

static int
remap_cmp(const void *a, const void *b)
{
	return stamp_cmp(&((const struct remap *)a)->old,
	    &((const struct remap *)b)->old);
}

static struct remap *
remap_find(struct remap *map, size_t n, const struct stamp *s)
{
	struct remap key;

	memset(&key, 0, sizeof(key));
	key.old = *s;
	return bsearch(&key, map, n, sizeof(*map), remap_cmp);
}

/* Point s at the new stamp of a change already re-stamped. */
static void
follow(struct remap *map, size_t n, struct stamp *s)
{
	struct remap *m = remap_find(map, n, s);

	if (m != NULL && m->done)
		*s = m->new;
}

/* Re-stamp c, the next outbox change in seq order, on clock clk. */
static int
restamp_one(struct remap *map, size_t n, struct hlc *clk, uint64_t now,
    struct change *c)
{
	struct remap *self = remap_find(map, n, &c->ts);
	struct hlc next;
	size_t i;
	int rc = 0;

	if (c->has_base) {
		follow(map, n, &c->base);
		rc = hlc_observe(clk, c->base.wall_ms, c->base.counter);
	}
	for (i = 0; rc == 0 && i < c->nsup; i++) {
		follow(map, n, &c->sup[i]);
		rc = hlc_observe(clk, c->sup[i].wall_ms, c->sup[i].counter);
	}
	if (rc == 0)
		rc = hlc_tick(clk, now, &next);
	if (rc != 0)
		return rc;
	c->ts.wall_ms = next.wall_ms;
	c->ts.counter = next.counter;
	if (self != NULL) {
		self->new = c->ts;
		self->done = 1;
	}
	return 0;
}

static int
restamp_all(struct iro *h, struct change *p, size_t n, uint64_t now)
{
	uint8_t (*recs)[LIMIT_ID_LEN] = NULL;
	struct remap *map = NULL;
	struct hlc clk;
	size_t i;
	int rc;

	map = calloc(n > 0 ? n : 1, sizeof(*map));
	recs = calloc(n > 0 ? n : 1, sizeof(*recs));
	if (map == NULL || recs == NULL) {
		rc = handle_fail(h, IRO_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		map[i].old = p[i].ts;
	qsort(map, n, sizeof(*map), remap_cmp);
	if ((rc = handle_hlc_load(h, "stable", &clk)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		rc = restamp_one(map, n, &clk, now, &p[i]);
		if (rc != 0) {
			handle_fail(h, rc, "cannot re-stamp the outbox: %s",
			    iro_strerror(rc));
			goto out;
		}
		if ((rc = replica_replace_pending(h->replica, &p[i])) != 0) {
			handle_fail_replica(h, rc, "re-stamp a change");
			goto out;
		}
		memcpy(recs[i], p[i].record, LIMIT_ID_LEN);
	}
	if ((rc = handle_remerge_all(h, recs, n)) == 0)
		rc = handle_hlc_save(h, "hlc", &clk);
out:
	free(map);
	free(recs);
	return rc;
}

int
restamp_outbox(struct iro *h, int64_t offset_ms)
{
	struct change *p = NULL;
	int64_t old_offset = h->clock_offset;
	uint64_t count = 0;
	size_t n = 0;
	int rc;

	if ((rc = replica_begin(h->replica)) != 0)
		return handle_fail_replica(h, rc, "start a transaction");
	if ((rc = replica_count(h->replica, REPLICA_PENDING, &count)) != 0 ||
	    (count > 0 && (rc = replica_pending(h->replica, (size_t)count,
	    &p, &n)) != 0)) {
		handle_fail_replica(h, rc, "read the outbox");
		goto fail;
	}
	h->clock_offset = offset_ms;
	if ((rc = restamp_all(h, p, n, handle_now_ms(h))) != 0)
		goto fail;
	if ((rc = replica_meta_put_u64(h->replica, "clock_offset",
	    (uint64_t)offset_ms)) != 0 ||
	    (rc = replica_commit(h->replica)) != 0) {
		handle_fail_replica(h, rc, "save the re-stamped outbox");
		goto fail;
	}
	change_free_array(p, n);
	return 0;
fail:
	h->clock_offset = old_offset;
	replica_rollback(h->replica);
	change_free_array(p, n);
	return rc;
}
