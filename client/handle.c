/*
 * handle.c - the handle's identity, clock, messages and the loading and
 * merging of records that every reader and writer shares.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "handle.h"
#include "hex.h"
#include "ref.h"
#include "transport.h"

static void
copy_msg(char *dst, size_t dstlen, const char *src)
{
	if (dst != NULL && dstlen > 0)
		snprintf(dst, dstlen, "%s", src);
}

/* A meta string into buf (NUL-terminated); IRO_ECORRUPT if too long. */
static int
meta_str(struct replica *r, const char *key, char *buf, size_t buflen)
{
	uint8_t *v = NULL;
	size_t len = 0;
	int rc;

	buf[0] = '\0';
	rc = replica_meta_get(r, key, &v, &len);
	if (rc != 0)
		return rc;
	if (len >= buflen || memchr(v, '\0', len) != NULL) {
		free(v);
		return IRO_ECORRUPT;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	free(v);
	return 0;
}

/* A meta value of exactly len bytes into buf; wiped on the way. */
static int
meta_bytes(struct replica *r, const char *key, uint8_t *buf, size_t len)
{
	uint8_t *v = NULL;
	size_t n = 0;
	int rc;

	rc = replica_meta_get(r, key, &v, &n);
	if (rc != 0)
		return rc;
	if (n != len) {
		crypto_wipe(v, n);
		free(v);
		return IRO_ECORRUPT;
	}
	memcpy(buf, v, len);
	crypto_wipe(v, n);
	free(v);
	return 0;
}

static int
load_identity(struct iro *h, char *err, size_t errlen)
{
	struct replica *r = h->replica;
	uint64_t off = 0;
	const char *what = "user";
	int rc;

	if ((rc = meta_str(r, "user", h->user, sizeof(h->user))) != 0)
		goto fail;
	what = "role";
	if ((rc = meta_str(r, "role", h->role_name,
	    sizeof(h->role_name))) != 0)
		goto fail;
	if ((rc = schema_role_parse(h->role_name, &h->role)) != 0) {
		rc = IRO_ECORRUPT;
		goto fail;
	}
	what = "device";
	if ((rc = meta_bytes(r, "device", h->device, LIMIT_ID_LEN)) != 0)
		goto fail;
	/* Server, its id and the key exist only once enrolled. */
	what = "server";
	rc = meta_str(r, "server", h->server, sizeof(h->server));
	if (rc == IRO_ENOTFOUND)
		return 0;
	if (rc != 0)
		goto fail;
	what = "server_id";
	if ((rc = meta_bytes(r, "server_id", h->server_id,
	    LIMIT_ID_LEN)) != 0)
		goto fail;
	what = "sk";
	h->sk = crypto_secure_alloc(CRYPTO_SK_LEN);
	if (h->sk == NULL) {
		rc = IRO_ENOMEM;
		goto fail;
	}
	if ((rc = meta_bytes(r, "sk", h->sk, CRYPTO_SK_LEN)) != 0)
		goto fail;
	what = "clock_offset";
	if ((rc = replica_meta_get_u64(r, "clock_offset", &off)) != 0)
		goto fail;
	h->clock_offset = (int64_t)off;
	return 0;
fail:
	if (rc == IRO_ENOTFOUND)
		rc = IRO_ECORRUPT;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "cannot read '%s' from the replica: %s",
		    what, iro_strerror(rc));
	return rc;
}

int
handle_new(struct replica *r, const struct iro_open_opts *o,
    struct iro **out, char *err, size_t errlen)
{
	struct iro *h;
	int rc;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		replica_close(r);
		copy_msg(err, errlen, "out of memory");
		return IRO_ENOMEM;
	}
	h->replica = r;
	h->clock = o->clock;
	h->clock_ctx = o->clock_ctx;
	rc = load_identity(h, err, errlen);
	if (rc != 0) {
		handle_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

int
handle_create_local(const struct iro_open_opts *o, const char *user,
    const char *role, struct iro **out)
{
	struct crypto_kdf_params kdf;
	struct replica *r = NULL;
	uint8_t device[LIMIT_ID_LEN];
	enum schema_role bit;
	int rc;

	*out = NULL;
	if (o == NULL || o->home == NULL || o->passphrase == NULL ||
	    user == NULL || role == NULL || user[0] == '\0' ||
	    strlen(user) > LIMIT_USER_MAX ||
	    schema_role_parse(role, &bit) != 0)
		return IRO_EINVAL;
	if ((rc = crypto_init()) != 0)
		return rc;
	crypto_kdf_fast(&kdf);
	rc = replica_create(o->home, o->passphrase, o->passphrase_len, &kdf,
	    &r, o->errbuf, o->errbuf_len);
	if (rc != 0)
		return rc;
	crypto_random(device, sizeof(device));
	if ((rc = replica_begin(r)) != 0 ||
	    (rc = replica_meta_put(r, "user", user, strlen(user))) != 0 ||
	    (rc = replica_meta_put(r, "role", role, strlen(role))) != 0 ||
	    (rc = replica_meta_put(r, "device", device,
	    sizeof(device))) != 0 ||
	    (rc = replica_commit(r)) != 0) {
		copy_msg(o->errbuf, o->errbuf_len, replica_errmsg(r));
		replica_close(r);
		replica_destroy(o->home);
		return rc;
	}
	rc = handle_new(r, o, out, o->errbuf, o->errbuf_len);
	if (rc != 0)
		replica_destroy(o->home);
	return rc;
}

void
handle_free(struct iro *h)
{
	if (h == NULL)
		return;
	if (h->sk != NULL) {
		crypto_wipe(h->sk, CRYPTO_SK_LEN);
		crypto_secure_free(h->sk);
	}
	transport_free(h->transport);
	ref_index_free(h->ref_index);
	replica_close(h->replica);
	free(h);
}

int
handle_fail(struct iro *h, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->errmsg, sizeof(h->errmsg), fmt, ap);
	va_end(ap);
	return rc;
}

int
handle_fail_replica(struct iro *h, int rc, const char *what)
{
	const char *m = replica_errmsg(h->replica);

	return handle_fail(h, rc, "cannot %s: %s", what,
	    m[0] != '\0' ? m : iro_strerror(rc));
}

int64_t
handle_local_ms(const struct iro *h)
{
	struct timespec ts;

	if (h->clock != NULL)
		return h->clock(h->clock_ctx);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
handle_now_ms(const struct iro *h)
{
	int64_t local = handle_local_ms(h), off = h->clock_offset;

	/* Saturate rather than wrap: a wild clock must not overflow. */
	if (off > 0 && local > INT64_MAX - off)
		return (uint64_t)INT64_MAX;
	if (off < 0 && local < INT64_MIN - off)
		return 0;
	local += off;
	return local < 0 ? 0 : (uint64_t)local;
}

int
handle_hlc_load(struct iro *h, const char *which, struct hlc *out)
{
	char key[32];
	uint64_t wall = 0, counter = 0;
	int rc;

	out->wall_ms = 0;
	out->counter = 0;
	snprintf(key, sizeof(key), "%s_wall", which);
	if ((rc = replica_meta_get_u64(h->replica, key, &wall)) != 0)
		return handle_fail_replica(h, rc, "read the clock");
	snprintf(key, sizeof(key), "%s_counter", which);
	if ((rc = replica_meta_get_u64(h->replica, key, &counter)) != 0)
		return handle_fail_replica(h, rc, "read the clock");
	if (counter > UINT32_MAX)
		return handle_fail(h, IRO_ECORRUPT,
		    "cannot read the clock: counter out of range");
	out->wall_ms = wall;
	out->counter = (uint32_t)counter;
	return 0;
}

int
handle_hlc_save(struct iro *h, const char *which, const struct hlc *in)
{
	char key[32];
	int rc;

	snprintf(key, sizeof(key), "%s_wall", which);
	if ((rc = replica_meta_put_u64(h->replica, key, in->wall_ms)) != 0)
		return handle_fail_replica(h, rc, "save the clock");
	snprintf(key, sizeof(key), "%s_counter", which);
	if ((rc = replica_meta_put_u64(h->replica, key, in->counter)) != 0)
		return handle_fail_replica(h, rc, "save the clock");
	return 0;
}

int
handle_parse_id(struct iro *h, const char *hex, const char *what,
    uint8_t id[LIMIT_ID_LEN])
{
	if (hex == NULL || hex_decode(hex, id, LIMIT_ID_LEN) != 0)
		return handle_fail(h, IRO_EINVAL,
		    "'%.80s' is not a %s id: expected %d hex digits",
		    hex != NULL ? hex : "", what, IRO_ID_HEX);
	return 0;
}

void
handle_rec_clear(struct handle_rec *r)
{
	if (r == NULL)
		return;
	merge_record_clear(&r->m);
	free(r->ptrs);
	change_free_array(r->changes, r->n);
	memset(r, 0, sizeof(*r));
}

/* Whether this device's change c was refused by the server. */
static int
refused(struct iro *h, const struct change *c, bool *out)
{
	char *reason = NULL;
	int rc;

	*out = false;
	if (memcmp(c->ts.device, h->device, LIMIT_ID_LEN) != 0)
		return 0;
	rc = replica_refusal(h->replica, c->ts.device, c->seq, &reason);
	free(reason);
	if (rc == IRO_ENOTFOUND)
		return 0;
	if (rc != 0)
		return handle_fail_replica(h, rc, "read a record");
	*out = true;
	return 0;
}

/*
 * The server did not take this device's refused changes, so no other
 * device will ever see them: leave them out of the merge too, or this
 * replica would show values that exist nowhere else.  They stay stored,
 * with their reasons.
 */
static int
drop_refused(struct iro *h, struct handle_rec *rec)
{
	uint64_t nrefused = 0;
	size_t i, k = 0;
	bool gone;
	int rc;

	rc = replica_count(h->replica, REPLICA_REFUSED, &nrefused);
	if (rc != 0)
		return handle_fail_replica(h, rc, "read a record");
	for (i = 0; i < rec->n && nrefused > 0; i++) {
		if ((rc = refused(h, &rec->changes[i], &gone)) != 0)
			return rc;
		if (gone) {
			change_clear(&rec->changes[i]);
			continue;
		}
		if (k != i) {
			rec->changes[k] = rec->changes[i];
			change_init(&rec->changes[i]);
		}
		k++;
	}
	if (nrefused > 0)
		rec->n = k;
	return 0;
}

/* handle_rec_load, keeping the refused changes when `refused`. */
static int
rec_load(struct iro *h, const uint8_t id[LIMIT_ID_LEN], bool refused,
    struct handle_rec *out)
{
	char hex[IRO_ID_HEX + 1];
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = replica_record_changes(h->replica, id, &out->changes, &out->n,
	    out->type);
	if (rc != 0)
		return handle_fail_replica(h, rc, "read a record");
	if (!refused && (rc = drop_refused(h, out)) != 0)
		return rc;
	if (out->n == 0) {
		hex_encode(id, LIMIT_ID_LEN, hex);
		return handle_fail(h, IRO_ENOTFOUND, "no record '%s'", hex);
	}
	out->ptrs = calloc(out->n, sizeof(*out->ptrs));
	if (out->ptrs == NULL)
		return handle_fail(h, IRO_ENOMEM, "out of memory");
	for (i = 0; i < out->n; i++)
		out->ptrs[i] = &out->changes[i];
	rc = merge_record(out->ptrs, out->n, &out->m);
	if (rc != 0) {
		hex_encode(id, LIMIT_ID_LEN, hex);
		return handle_fail(h, rc == IRO_EINVAL ? IRO_ECORRUPT : rc,
		    "cannot merge record '%s': %s", hex, iro_strerror(rc));
	}
	return 0;
}

int
handle_rec_load(struct iro *h, const uint8_t id[LIMIT_ID_LEN],
    struct handle_rec *out)
{
	return rec_load(h, id, false, out);
}

int
handle_rec_load_all(struct iro *h, const uint8_t id[LIMIT_ID_LEN],
    struct handle_rec *out)
{
	return rec_load(h, id, true, out);
}

unsigned
handle_rec_flags(const struct merge_record *m)
{
	unsigned flags = 0;

	if (merge_record_conflicts(m) > 0)
		flags |= REPLICA_FLAG_CONFLICT;
	if (m->deleted)
		flags |= REPLICA_FLAG_DELETED;
	return flags;
}

int
handle_remerge(struct iro *h, const uint8_t id[LIMIT_ID_LEN])
{
	struct handle_rec rec;
	int rc;

	rc = handle_rec_load(h, id, &rec);
	/* Not found: every change of it was refused; it shows nothing. */
	if (rc == 0 || rc == IRO_ENOTFOUND) {
		rc = replica_set_flags(h->replica, id, rc == 0 ?
		    handle_rec_flags(&rec.m) : 0);
		if (rc != 0)
			handle_fail_replica(h, rc, "store a record's state");
	}
	handle_rec_clear(&rec);
	return rc;
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, LIMIT_ID_LEN);
}

int
handle_remerge_all(struct iro *h, uint8_t (*ids)[LIMIT_ID_LEN], size_t n)
{
	size_t i;
	int rc;

	if (n > 1)
		qsort(ids, n, LIMIT_ID_LEN, id_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && memcmp(ids[i], ids[i - 1], LIMIT_ID_LEN) == 0)
			continue;
		if ((rc = handle_remerge(h, ids[i])) != 0)
			return rc;
	}
	return 0;
}

int
handle_conflicts(struct iro *h, uint64_t *out)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	struct handle_rec rec;
	size_t n = 0, i;
	int rc;

	*out = 0;
	rc = replica_flagged(h->replica, REPLICA_FLAG_CONFLICT, &ids, &n);
	if (rc != 0)
		return handle_fail_replica(h, rc, "count conflicts");
	for (i = 0; i < n; i++) {
		rc = handle_rec_load(h, ids[i], &rec);
		if (rc == 0)
			*out += merge_record_conflicts(&rec.m);
		handle_rec_clear(&rec);
		if (rc != 0)
			break;
	}
	free(ids);
	return rc;
}

int
handle_value_export(const struct value *v, struct iro_value *out)
{
	char *s;

	memset(out, 0, sizeof(*out));
	switch (v->type) {
	case VALUE_BOOL:
		out->type = IRO_V_BOOL;
		out->b = v->b;
		break;
	case VALUE_INT:
		out->type = IRO_V_INT;
		out->i = v->i;
		break;
	case VALUE_STR:
		s = malloc(v->len + 1);
		if (s == NULL)
			return IRO_ENOMEM;
		memcpy(s, v->s, v->len);
		s[v->len] = '\0';
		out->type = IRO_V_STR;
		out->s = s;
		break;
	case VALUE_NIL:
		out->type = IRO_V_NIL;
		break;
	}
	return 0;
}

void
handle_value_release(struct iro_value *v)
{
	if (v == NULL)
		return;
	free((char *)v->s);
	memset(v, 0, sizeof(*v));
}
