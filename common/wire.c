/*
 * wire.c - the msgpack codec for every protocol message (see wire.h and
 * proto/PROTOCOL.md).
 *
 * Encoding goes through one bounded sink with a sticky error, so each
 * encoder is a flat list of keys and values checked once at the end.
 * Decoding is three steps: wirescan_check() proves the bytes are safe to
 * hand to msgpack-c, msgpack_unpack_next() builds the object tree, and the
 * typed decoders below copy it into the C structs, checking every type.
 */
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "iro_error.h"
#include "scope.h"
#include "wire.h"
#include "wirescan.h"

/* ---------------------------------------------------------------------
 * Encoding
 */

struct enc {
	msgpack_sbuffer sb;
	msgpack_packer pk;
	int err;                /* sticky: the first failure */
};

static void
enc_fail(struct enc *e, int rc)
{
	if (e->err == 0)
		e->err = rc;
}

/* The packer's sink: refuses to grow past LIMIT_BODY_MAX. */
static int
enc_write(void *data, const char *buf, size_t len)
{
	struct enc *e = data;

	if (e->err != 0)
		return -1;
	if (len > LIMIT_BODY_MAX - e->sb.size) {
		e->err = IRO_ETOOBIG;
		return -1;
	}
	if (msgpack_sbuffer_write(&e->sb, buf, len) != 0) {
		e->err = IRO_ENOMEM;
		return -1;
	}
	return 0;
}

/* Starts an encoding into *out, which stays NULL until it succeeds. */
static void
enc_init(struct enc *e, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	memset(e, 0, sizeof(*e));
	msgpack_sbuffer_init(&e->sb);
	msgpack_packer_init(&e->pk, e, enc_write);
}

static int
enc_finish(struct enc *e, uint8_t **out, size_t *len)
{
	if (e->err != 0) {
		/* An enrol_req holds a password. */
		if (e->sb.data != NULL)
			crypto_wipe(e->sb.data, e->sb.size);
		msgpack_sbuffer_destroy(&e->sb);
		return e->err;
	}
	*len = e->sb.size;
	*out = (uint8_t *)msgpack_sbuffer_release(&e->sb);
	return 0;
}

static void
put_str(struct enc *e, const char *s, size_t len)
{
	msgpack_pack_str(&e->pk, len);
	msgpack_pack_str_body(&e->pk, s, len);
}

static void
put_key(struct enc *e, const char *key)
{
	put_str(e, key, strlen(key));
}

/* A NUL-terminated string kept in a char[cap], at most max bytes. */
static void
put_text(struct enc *e, const char *key, const char *s, size_t cap,
    size_t max)
{
	size_t len = strnlen(s, cap);

	if (len == cap)
		enc_fail(e, IRO_EINVAL);
	else if (len > max)
		enc_fail(e, IRO_ETOOBIG);
	put_key(e, key);
	put_str(e, s, len < cap ? len : 0);
}

static void
put_bin(struct enc *e, const char *key, const uint8_t *p, size_t len)
{
	put_key(e, key);
	msgpack_pack_bin(&e->pk, len);
	if (len > 0)            /* an empty scope: p may be NULL */
		msgpack_pack_bin_body(&e->pk, p, len);
}

static void
put_uint(struct enc *e, const char *key, uint64_t u)
{
	put_key(e, key);
	msgpack_pack_uint64(&e->pk, u);
}

static void
put_version(struct enc *e)
{
	put_uint(e, "v", LIMIT_PROTO_VERSION);
}

static void
put_stamp(struct enc *e, const struct stamp *st)
{
	msgpack_pack_array(&e->pk, 3);
	msgpack_pack_uint64(&e->pk, st->wall_ms);
	msgpack_pack_uint64(&e->pk, st->counter);
	msgpack_pack_bin(&e->pk, LIMIT_ID_LEN);
	msgpack_pack_bin_body(&e->pk, st->device, LIMIT_ID_LEN);
}

static void
put_value(struct enc *e, const struct value *v)
{
	put_key(e, "val");
	switch (v->type) {
	case VALUE_NIL:
		msgpack_pack_nil(&e->pk);
		return;
	case VALUE_BOOL:
		if (v->b)
			msgpack_pack_true(&e->pk);
		else
			msgpack_pack_false(&e->pk);
		return;
	case VALUE_INT:
		msgpack_pack_int64(&e->pk, v->i);
		return;
	case VALUE_STR:
		if (v->s == NULL)
			enc_fail(e, IRO_EINVAL);
		else if (v->len > LIMIT_STR_MAX)
			enc_fail(e, IRO_ETOOBIG);
		else
			put_str(e, v->s, v->len);
		return;
	}
	enc_fail(e, IRO_EINVAL);
}

static void
put_change(struct enc *e, const struct change *c)
{
	size_t i;

	if (c->nsup > LIMIT_SUPERSEDES) {
		enc_fail(e, IRO_ETOOBIG);
		return;
	}
	if (c->nsup > 0 && c->sup == NULL) {
		enc_fail(e, IRO_EINVAL);
		return;
	}
	msgpack_pack_map(&e->pk, 8 + (c->has_base ? 1 : 0) +
	    (c->nsup > 0 ? 1 : 0));
	put_bin(e, "dev", c->ts.device, LIMIT_ID_LEN);
	put_uint(e, "seq", c->seq);
	put_text(e, "type", c->type, sizeof(c->type), LIMIT_NAME_MAX);
	put_bin(e, "rec", c->record, LIMIT_ID_LEN);
	put_text(e, "field", c->field, sizeof(c->field), LIMIT_NAME_MAX);
	put_value(e, &c->value);
	put_key(e, "ts");
	msgpack_pack_array(&e->pk, 2);
	msgpack_pack_uint64(&e->pk, c->ts.wall_ms);
	msgpack_pack_uint64(&e->pk, c->ts.counter);
	if (c->has_base) {
		put_key(e, "base");
		put_stamp(e, &c->base);
	}
	put_text(e, "by", c->author, sizeof(c->author), LIMIT_USER_MAX);
	if (c->nsup > 0) {
		put_key(e, "sup");
		msgpack_pack_array(&e->pk, c->nsup);
		for (i = 0; i < c->nsup; i++)
			put_stamp(e, &c->sup[i]);
	}
}

static void
put_changes(struct enc *e, const struct change *a, size_t n, size_t max)
{
	size_t i;

	if (n > max) {
		enc_fail(e, IRO_ETOOBIG);
		return;
	}
	if (n > 0 && a == NULL) {
		enc_fail(e, IRO_EINVAL);
		return;
	}
	put_key(e, "changes");
	msgpack_pack_array(&e->pk, n);
	for (i = 0; i < n && e->err == 0; i++)
		put_change(e, &a[i]);
}

int
wire_encode_enrol_req(const struct wire_enrol_req *m, uint8_t **out,
    size_t *len)
{
	struct enc e;

	enc_init(&e, out, len);
	msgpack_pack_map(&e.pk, 6);
	put_version(&e);
	put_text(&e, "user", m->user, sizeof(m->user), LIMIT_USER_MAX);
	put_text(&e, "password", m->password, sizeof(m->password),
	    LIMIT_PASSWORD_MAX);
	put_bin(&e, "device", m->device, sizeof(m->device));
	put_text(&e, "name", m->name, sizeof(m->name), LIMIT_MSG_STR_MAX);
	put_bin(&e, "pubkey", m->pubkey, sizeof(m->pubkey));
	return enc_finish(&e, out, len);
}

int
wire_encode_enrol_resp(const struct wire_enrol_resp *m, uint8_t **out,
    size_t *len)
{
	struct enc e;

	enc_init(&e, out, len);
	msgpack_pack_map(&e.pk, 6);
	put_version(&e);
	put_bin(&e, "device", m->device, sizeof(m->device));
	put_text(&e, "user", m->user, sizeof(m->user), LIMIT_USER_MAX);
	put_text(&e, "role", m->role, sizeof(m->role), WIRE_ROLE_MAX);
	put_bin(&e, "server", m->server, sizeof(m->server));
	put_uint(&e, "time", m->time_ms);
	return enc_finish(&e, out, len);
}

int
wire_encode_push_req(const struct wire_push_req *m, uint8_t **out,
    size_t *len)
{
	struct enc e;

	enc_init(&e, out, len);
	msgpack_pack_map(&e.pk, 2);
	put_version(&e);
	put_changes(&e, m->changes, m->nchanges, LIMIT_PUSH_CHANGES);
	return enc_finish(&e, out, len);
}

int
wire_encode_push_resp(const struct wire_push_resp *m, uint8_t **out,
    size_t *len)
{
	const struct wire_refusal *r;
	struct enc e;
	size_t i;

	enc_init(&e, out, len);
	if (m->nrefused > LIMIT_PUSH_CHANGES)
		enc_fail(&e, IRO_ETOOBIG);
	else if (m->nrefused > 0 && m->refused == NULL)
		enc_fail(&e, IRO_EINVAL);
	msgpack_pack_map(&e.pk, 5);
	put_version(&e);
	put_uint(&e, "accepted", m->accepted);
	put_uint(&e, "duplicates", m->duplicates);
	put_key(&e, "refused");
	msgpack_pack_array(&e.pk, m->nrefused);
	for (i = 0; i < m->nrefused && e.err == 0; i++) {
		r = &m->refused[i];
		msgpack_pack_map(&e.pk, 4);
		put_bin(&e, "dev", r->device, sizeof(r->device));
		put_uint(&e, "seq", r->seq);
		put_text(&e, "code", r->code, sizeof(r->code), WIRE_CODE_MAX);
		put_text(&e, "reason", r->reason, sizeof(r->reason),
		    LIMIT_MSG_STR_MAX);
	}
	put_uint(&e, "time", m->time_ms);
	return enc_finish(&e, out, len);
}

/* Whether the children of a backfill are free of duplicates: at most
 * LIMIT_BACKFILL_CHILDREN, so the quadratic check is cheap. */
static bool
children_unique(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = 0; j < i; j++)
			if (memcmp(ids[i], ids[j], LIMIT_ID_LEN) == 0)
				return false;
	return true;
}

int
wire_encode_pull_req(const struct wire_pull_req *m, uint8_t **out,
    size_t *len)
{
	struct enc e;
	size_t i;

	enc_init(&e, out, len);
	if (m->limit < 1 || m->limit > LIMIT_PULL_CHANGES)
		enc_fail(&e, IRO_EINVAL);
	/* The children are a fixed array: more than it holds is a bug. */
	if (m->nchildren > LIMIT_BACKFILL_CHILDREN ||
	    (m->nchildren > 0 && (m->until < m->cursor ||
	    !children_unique(m->children, m->nchildren))))
		enc_fail(&e, IRO_EINVAL);
	msgpack_pack_map(&e.pk, 3 + (m->has_scope ? 1 : 0) +
	    (m->nchildren > 0 ? 2 : 0));
	put_version(&e);
	put_uint(&e, "cursor", m->cursor);
	put_uint(&e, "limit", m->limit);
	if (m->has_scope)
		put_bin(&e, "scope", m->scope, sizeof(m->scope));
	if (m->nchildren > 0) {
		put_key(&e, "children");
		msgpack_pack_array(&e.pk, m->nchildren);
		for (i = 0; i < m->nchildren && e.err == 0; i++) {
			msgpack_pack_bin(&e.pk, LIMIT_ID_LEN);
			msgpack_pack_bin_body(&e.pk, m->children[i],
			    LIMIT_ID_LEN);
		}
		put_uint(&e, "until", m->until);
	}
	return enc_finish(&e, out, len);
}

int
wire_encode_pull_resp(const struct wire_pull_resp *m, uint8_t **out,
    size_t *len)
{
	struct enc e;

	enc_init(&e, out, len);
	/* A scope page carries no changes (PROTOCOL.md, section 5.6). */
	if (m->has_scope && (m->nchanges > 0 ||
	    (m->nscope > 0 && m->scope == NULL) ||
	    !scope_valid((const uint8_t (*)[LIMIT_ID_LEN])m->scope,
	    m->nscope)))
		enc_fail(&e, IRO_EINVAL);
	msgpack_pack_map(&e.pk, 5 + (m->has_scope ? 1 : 0));
	put_version(&e);
	put_changes(&e, m->changes, m->nchanges, LIMIT_PULL_CHANGES);
	put_uint(&e, "cursor", m->cursor);
	put_key(&e, "more");
	if (m->more)
		msgpack_pack_true(&e.pk);
	else
		msgpack_pack_false(&e.pk);
	put_uint(&e, "time", m->time_ms);
	if (m->has_scope && e.err == 0)
		put_bin(&e, "scope", m->nscope > 0 ? m->scope[0] : NULL,
		    m->nscope * LIMIT_ID_LEN);
	return enc_finish(&e, out, len);
}

int
wire_encode_error(const struct wire_error *m, uint8_t **out, size_t *len)
{
	struct enc e;

	enc_init(&e, out, len);
	msgpack_pack_map(&e.pk, 4);
	put_version(&e);
	put_text(&e, "error", m->code, sizeof(m->code), WIRE_CODE_MAX);
	put_text(&e, "message", m->message, sizeof(m->message),
	    LIMIT_MSG_STR_MAX);
	put_uint(&e, "time", m->time_ms);
	return enc_finish(&e, out, len);
}

int
wire_encode_change(const struct change *c, uint8_t **out, size_t *len)
{
	struct enc e;

	enc_init(&e, out, len);
	put_change(&e, c);
	return enc_finish(&e, out, len);
}

/*
 * The largest encoding of everything but the strings and `sup`: the map
 * header, then each key with its longest value.  Strings cost their
 * length plus at most 5 header bytes; a stamp at most 1 + 9 + 5 + 18.
 */
#define STAMP_MAX 33
#define CHANGE_FIXED_MAX (1 + (4 + 18) + (4 + 9) + (5 + 5) + (4 + 18) + \
	(6 + 5) + (4 + 9) + (3 + 1 + 9 + 5) + (5 + STAMP_MAX) + (3 + 5) + \
	(4 + 5))

size_t
wire_change_size(const struct change *c)
{
	size_t n = CHANGE_FIXED_MAX;

	if (c->nsup > LIMIT_SUPERSEDES ||
	    (c->value.type == VALUE_STR && c->value.len > LIMIT_STR_MAX))
		return SIZE_MAX;
	n += strnlen(c->type, sizeof(c->type));
	n += strnlen(c->field, sizeof(c->field));
	n += strnlen(c->author, sizeof(c->author));
	if (c->value.type == VALUE_STR)
		n += c->value.len;
	return n + c->nsup * STAMP_MAX;
}

/* ---------------------------------------------------------------------
 * Decoding
 */

struct dec {
	char *why;
	size_t whylen;
	char where[32];          /* "changes[3]", or "" at the top level */
	msgpack_unpacked up;
};

static int derr(struct dec *d, int rc, const char *key, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* Writes "where.key: reason" to why and returns rc. */
static int
derr(struct dec *d, int rc, const char *key, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (d->why == NULL || d->whylen == 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->where[0] != '\0' && key != NULL)
		snprintf(d->why, d->whylen, "%s.%s: %s", d->where, key, msg);
	else if (d->where[0] != '\0' || key != NULL)
		snprintf(d->why, d->whylen, "%s: %s",
		    key != NULL ? key : d->where, msg);
	else
		snprintf(d->why, d->whylen, "%s", msg);
	return rc;
}

static int
get_uint(struct dec *d, const char *key, const msgpack_object *o,
    uint64_t max, uint64_t *out)
{
	if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return derr(d, IRO_EPROTO, key, "expected unsigned integer");
	if (o->via.u64 > max)
		return derr(d, IRO_EPROTO, key, "%llu is over the maximum %llu",
		    (unsigned long long)o->via.u64, (unsigned long long)max);
	*out = o->via.u64;
	return 0;
}

static int
get_bool(struct dec *d, const char *key, const msgpack_object *o,
    bool *out)
{
	if (o->type != MSGPACK_OBJECT_BOOLEAN)
		return derr(d, IRO_EPROTO, key, "expected boolean");
	*out = o->via.boolean;
	return 0;
}

/* Copies a str of at most max bytes into dst, which holds max + 1. */
static int
get_text(struct dec *d, const char *key, const msgpack_object *o,
    char *dst, size_t max)
{
	size_t len;

	if (o->type != MSGPACK_OBJECT_STR)
		return derr(d, IRO_EPROTO, key, "expected string");
	len = o->via.str.size;
	if (len > max)
		return derr(d, IRO_ETOOBIG, key,
		    "string of %zu bytes is over the limit of %zu", len, max);
	if (!value_utf8_valid(o->via.str.ptr, len))
		return derr(d, IRO_EPROTO, key,
		    "string is not valid utf-8 or holds a nul byte");
	if (len > 0)
		memcpy(dst, o->via.str.ptr, len);
	dst[len] = '\0';
	return 0;
}

static int
get_bin(struct dec *d, const char *key, const msgpack_object *o,
    uint8_t *dst, size_t len)
{
	if (o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != len)
		return derr(d, IRO_EPROTO, key, "expected binary of %zu bytes",
		    len);
	memcpy(dst, o->via.bin.ptr, len);
	return 0;
}

/* A stamp [wall_ms, counter, device], or the [wall_ms, counter] of `ts`
 * when with_device is false (the device is then the change's `dev`). */
static int
get_stamp(struct dec *d, const char *key, const msgpack_object *o,
    struct stamp *st, bool with_device)
{
	const msgpack_object *a;
	bool ok;

	ok = o->type == MSGPACK_OBJECT_ARRAY &&
	    o->via.array.size == (with_device ? 3u : 2u);
	a = ok ? o->via.array.ptr : NULL;
	ok = ok && a[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    a[1].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    a[1].via.u64 <= UINT32_MAX;
	if (ok && with_device)
		ok = a[2].type == MSGPACK_OBJECT_BIN &&
		    a[2].via.bin.size == LIMIT_ID_LEN;
	if (!ok)
		return derr(d, IRO_EPROTO, key, with_device ?
		    "expected stamp [wall_ms, counter, device]" :
		    "expected array of 2 integers");
	st->wall_ms = a[0].via.u64;
	st->counter = (uint32_t)a[1].via.u64;
	if (with_device)
		memcpy(st->device, a[2].via.bin.ptr, LIMIT_ID_LEN);
	return 0;
}

static int
get_value(struct dec *d, const msgpack_object *o, struct value *v)
{
	int rc;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		v->type = VALUE_NIL;
		return 0;
	case MSGPACK_OBJECT_BOOLEAN:
		v->type = VALUE_BOOL;
		v->b = o->via.boolean;
		return 0;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX)
			return derr(d, IRO_EPROTO, "val",
			    "integer out of range");
		v->type = VALUE_INT;
		v->i = (int64_t)o->via.u64;
		return 0;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		v->type = VALUE_INT;
		v->i = o->via.i64;
		return 0;
	case MSGPACK_OBJECT_STR:
		if (o->via.str.size > LIMIT_STR_MAX)
			return derr(d, IRO_ETOOBIG, "val",
			    "string of %u bytes is over the limit of %d",
			    o->via.str.size, LIMIT_STR_MAX);
		if (!value_utf8_valid(o->via.str.ptr,
		    o->via.str.size))
			return derr(d, IRO_EPROTO, "val",
			    "string is not valid utf-8 or holds a nul byte");
		rc = value_set_str(v, o->via.str.ptr, o->via.str.size);
		return rc == 0 ? 0 : derr(d, rc, "val", "out of memory");
	default:
		return derr(d, IRO_EPROTO, "val",
		    "expected nil, boolean, integer or string");
	}
}

/* Points vals[i] at the value of keys[i], or NULL if absent.  The scan
 * has proved every key is a string and none is repeated. */
static void
collect(const msgpack_object *map, const char *const *keys, size_t nkeys,
    const msgpack_object **vals)
{
	const msgpack_object_kv *kv;
	size_t i, j;

	for (j = 0; j < nkeys; j++)
		vals[j] = NULL;
	for (i = 0; i < map->via.map.size; i++) {
		kv = &map->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR)
			continue;
		for (j = 0; j < nkeys; j++) {
			if (strlen(keys[j]) == kv->key.via.str.size &&
			    memcmp(keys[j], kv->key.via.str.ptr,
			    kv->key.via.str.size) == 0) {
				vals[j] = &kv->val;
				break;
			}
		}
	}
}

/* Keys whose bit is set in `optional` may be absent. */
static int
require(struct dec *d, const char *const *keys, size_t nkeys,
    const msgpack_object **vals, unsigned optional)
{
	size_t j;

	for (j = 0; j < nkeys; j++)
		if (vals[j] == NULL && !(optional & (1u << j)))
			return derr(d, IRO_EPROTO, NULL, "missing key '%s'",
			    keys[j]);
	return 0;
}

/* Scans, then unpacks buf into d->up.  d is ready for dec_close() even
 * on failure. */
static int
dec_open(struct dec *d, const uint8_t *buf, size_t len, char *why,
    size_t whylen)
{
	msgpack_unpack_return ret;
	size_t off = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	d->why = why;
	d->whylen = whylen;
	msgpack_unpacked_init(&d->up);
	if ((rc = wirescan_check(buf, len, why, whylen)) != 0)
		return rc;
	ret = msgpack_unpack_next(&d->up, (const char *)buf, len, &off);
	if (ret == MSGPACK_UNPACK_NOMEM_ERROR)
		return derr(d, IRO_ENOMEM, NULL, "out of memory");
	if (ret != MSGPACK_UNPACK_SUCCESS || off != len)
		return derr(d, IRO_EPROTO, NULL, "malformed message");
	if (d->up.data.type != MSGPACK_OBJECT_MAP)
		return derr(d, IRO_EPROTO, NULL, "expected a map");
	return 0;
}

static void
dec_close(struct dec *d)
{
	msgpack_unpacked_destroy(&d->up);
}

/* A whole message: keys[0] is "v", checked before anything else so that
 * a later version's message is refused as such, not as malformed.  Keys
 * whose bit is set in `optional` may be absent. */
static int
dec_message(struct dec *d, const char *const *keys, size_t nkeys,
    const msgpack_object **vals, unsigned optional)
{
	const msgpack_object *v;

	collect(&d->up.data, keys, nkeys, vals);
	v = vals[0];
	if (v != NULL && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    v->via.u64 != LIMIT_PROTO_VERSION)
		return derr(d, IRO_EVERSION, "v",
		    "unsupported protocol version %llu",
		    (unsigned long long)v->via.u64);
	if (v != NULL && v->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return derr(d, IRO_EPROTO, "v", "expected unsigned integer");
	return require(d, keys, nkeys, vals, optional);
}

enum { CK_DEV, CK_SEQ, CK_TYPE, CK_REC, CK_FIELD, CK_VAL, CK_TS, CK_BASE,
	CK_BY, CK_SUP, CK_N };
static const char *const change_keys[CK_N] = { "dev", "seq", "type", "rec",
	"field", "val", "ts", "base", "by", "sup" };

static int
get_sup(struct dec *d, const msgpack_object *o, struct change *c)
{
	char key[16];
	size_t i, n;
	int rc;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		return derr(d, IRO_EPROTO, "sup", "expected array of stamps");
	n = o->via.array.size;
	if (n > LIMIT_SUPERSEDES)
		return derr(d, IRO_ETOOBIG, "sup",
		    "%zu stamps is over the limit of %d", n, LIMIT_SUPERSEDES);
	if (n == 0)
		return 0;
	if ((c->sup = calloc(n, sizeof(*c->sup))) == NULL)
		return derr(d, IRO_ENOMEM, "sup", "out of memory");
	c->nsup = n;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "sup[%zu]", i);
		if ((rc = get_stamp(d, key, &o->via.array.ptr[i], &c->sup[i],
		    true)) != 0)
			return rc;
	}
	return 0;
}

/* Fills c, which the caller clears on failure. */
static int
dec_change(struct dec *d, const msgpack_object *o, struct change *c)
{
	const msgpack_object *v[CK_N];
	char reason[160];
	int rc;

	if (o->type != MSGPACK_OBJECT_MAP)
		return derr(d, IRO_EPROTO, NULL, "expected a map");
	collect(o, change_keys, CK_N, v);
	if ((rc = require(d, change_keys, CK_N, v,
	    (1u << CK_BASE) | (1u << CK_SUP))) != 0)
		return rc;
	if ((rc = get_bin(d, "dev", v[CK_DEV], c->ts.device,
	    LIMIT_ID_LEN)) != 0 ||
	    (rc = get_uint(d, "seq", v[CK_SEQ], UINT64_MAX, &c->seq)) != 0 ||
	    (rc = get_text(d, "type", v[CK_TYPE], c->type,
	    LIMIT_NAME_MAX)) != 0 ||
	    (rc = get_bin(d, "rec", v[CK_REC], c->record,
	    LIMIT_ID_LEN)) != 0 ||
	    (rc = get_text(d, "field", v[CK_FIELD], c->field,
	    LIMIT_NAME_MAX)) != 0 ||
	    (rc = get_value(d, v[CK_VAL], &c->value)) != 0 ||
	    (rc = get_stamp(d, "ts", v[CK_TS], &c->ts, false)) != 0 ||
	    (rc = get_text(d, "by", v[CK_BY], c->author,
	    LIMIT_USER_MAX)) != 0)
		return rc;
	if (v[CK_BASE] != NULL) {
		c->has_base = true;
		if ((rc = get_stamp(d, "base", v[CK_BASE], &c->base,
		    true)) != 0)
			return rc;
	}
	if (v[CK_SUP] != NULL && (rc = get_sup(d, v[CK_SUP], c)) != 0)
		return rc;
	if (change_check(c, reason, sizeof(reason)) != 0)
		return derr(d, IRO_EINVAL, NULL, "%s", reason);
	return 0;
}

/* Decodes an array of at most max changes into *out; on failure what
 * was allocated is left in *out and *n for the caller to clear. */
static int
dec_changes(struct dec *d, const msgpack_object *o, size_t max,
    struct change **out, size_t *n)
{
	size_t i, count;
	int rc;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		return derr(d, IRO_EPROTO, "changes",
		    "expected array of changes");
	count = o->via.array.size;
	if (count > max)
		return derr(d, IRO_ETOOBIG, "changes",
		    "%zu changes is over the limit of %zu", count, max);
	if (count == 0)
		return 0;
	/* calloc gives changes in the state change_init() leaves. */
	if ((*out = calloc(count, sizeof(**out))) == NULL)
		return derr(d, IRO_ENOMEM, "changes", "out of memory");
	*n = count;
	for (i = 0; i < count; i++) {
		snprintf(d->where, sizeof(d->where), "changes[%zu]", i);
		if ((rc = dec_change(d, &o->via.array.ptr[i], &(*out)[i])) != 0)
			return rc;
	}
	d->where[0] = '\0';
	return 0;
}

int
wire_decode_change(const uint8_t *buf, size_t len, struct change *out,
    char *why, size_t whylen)
{
	struct dec d;
	int rc;

	change_init(out);
	if ((rc = dec_open(&d, buf, len, why, whylen)) == 0)
		rc = dec_change(&d, &d.up.data, out);
	dec_close(&d);
	if (rc != 0)
		change_clear(out);
	return rc;
}

int
wire_decode_enrol_req(const uint8_t *buf, size_t len,
    struct wire_enrol_req *out, char *why, size_t whylen)
{
	static const char *const keys[] = { "v", "user", "password",
		"device", "name", "pubkey" };
	const msgpack_object *v[6];
	struct dec d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dec_open(&d, buf, len, why, whylen)) != 0 ||
	    (rc = dec_message(&d, keys, 6, v, 0)) != 0)
		goto out;
	if ((rc = get_text(&d, "user", v[1], out->user,
	    LIMIT_USER_MAX)) != 0 ||
	    (rc = get_text(&d, "password", v[2], out->password,
	    LIMIT_PASSWORD_MAX)) != 0 ||
	    (rc = get_bin(&d, "device", v[3], out->device,
	    sizeof(out->device))) != 0 ||
	    (rc = get_text(&d, "name", v[4], out->name,
	    LIMIT_MSG_STR_MAX)) != 0)
		goto out;
	rc = get_bin(&d, "pubkey", v[5], out->pubkey, sizeof(out->pubkey));
out:
	dec_close(&d);
	if (rc != 0)
		wire_enrol_req_clear(out);
	return rc;
}

void
wire_enrol_req_clear(struct wire_enrol_req *m)
{
	if (m == NULL)
		return;
	crypto_wipe(m, sizeof(*m));
}

int
wire_decode_enrol_resp(const uint8_t *buf, size_t len,
    struct wire_enrol_resp *out, char *why, size_t whylen)
{
	static const char *const keys[] = { "v", "device", "user", "role",
		"server", "time" };
	const msgpack_object *v[6];
	struct dec d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dec_open(&d, buf, len, why, whylen)) != 0 ||
	    (rc = dec_message(&d, keys, 6, v, 0)) != 0)
		goto out;
	if ((rc = get_bin(&d, "device", v[1], out->device,
	    sizeof(out->device))) != 0 ||
	    (rc = get_text(&d, "user", v[2], out->user,
	    LIMIT_USER_MAX)) != 0 ||
	    (rc = get_text(&d, "role", v[3], out->role,
	    WIRE_ROLE_MAX)) != 0 ||
	    (rc = get_bin(&d, "server", v[4], out->server,
	    sizeof(out->server))) != 0)
		goto out;
	rc = get_uint(&d, "time", v[5], UINT64_MAX, &out->time_ms);
out:
	dec_close(&d);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
wire_decode_push_req(const uint8_t *buf, size_t len,
    struct wire_push_req *out, char *why, size_t whylen)
{
	static const char *const keys[] = { "v", "changes" };
	const msgpack_object *v[2];
	struct dec d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dec_open(&d, buf, len, why, whylen)) == 0 &&
	    (rc = dec_message(&d, keys, 2, v, 0)) == 0)
		rc = dec_changes(&d, v[1], LIMIT_PUSH_CHANGES, &out->changes,
		    &out->nchanges);
	dec_close(&d);
	if (rc != 0)
		wire_push_req_clear(out);
	return rc;
}

void
wire_push_req_clear(struct wire_push_req *m)
{
	if (m == NULL)
		return;
	change_free_array(m->changes, m->nchanges);
	memset(m, 0, sizeof(*m));
}

static int
dec_refusal(struct dec *d, const msgpack_object *o, struct wire_refusal *r)
{
	static const char *const keys[] = { "dev", "seq", "code", "reason" };
	const msgpack_object *v[4];
	int rc;

	if (o->type != MSGPACK_OBJECT_MAP)
		return derr(d, IRO_EPROTO, NULL, "expected a map");
	collect(o, keys, 4, v);
	if ((rc = require(d, keys, 4, v, 0)) != 0 ||
	    (rc = get_bin(d, "dev", v[0], r->device,
	    sizeof(r->device))) != 0 ||
	    (rc = get_uint(d, "seq", v[1], UINT64_MAX, &r->seq)) != 0 ||
	    (rc = get_text(d, "code", v[2], r->code, WIRE_CODE_MAX)) != 0)
		return rc;
	return get_text(d, "reason", v[3], r->reason, LIMIT_MSG_STR_MAX);
}

static int
dec_refusals(struct dec *d, const msgpack_object *o,
    struct wire_push_resp *m)
{
	size_t i, n;
	int rc;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		return derr(d, IRO_EPROTO, "refused",
		    "expected array of refusals");
	n = o->via.array.size;
	if (n > LIMIT_PUSH_CHANGES)
		return derr(d, IRO_ETOOBIG, "refused",
		    "%zu refusals is over the limit of %d", n,
		    LIMIT_PUSH_CHANGES);
	if (n == 0)
		return 0;
	if ((m->refused = calloc(n, sizeof(*m->refused))) == NULL)
		return derr(d, IRO_ENOMEM, "refused", "out of memory");
	m->nrefused = n;
	for (i = 0; i < n; i++) {
		snprintf(d->where, sizeof(d->where), "refused[%zu]", i);
		if ((rc = dec_refusal(d, &o->via.array.ptr[i],
		    &m->refused[i])) != 0)
			return rc;
	}
	d->where[0] = '\0';
	return 0;
}

int
wire_decode_push_resp(const uint8_t *buf, size_t len,
    struct wire_push_resp *out, char *why, size_t whylen)
{
	static const char *const keys[] = { "v", "accepted", "duplicates",
		"refused", "time" };
	const msgpack_object *v[5];
	struct dec d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dec_open(&d, buf, len, why, whylen)) != 0 ||
	    (rc = dec_message(&d, keys, 5, v, 0)) != 0)
		goto out;
	if ((rc = get_uint(&d, "accepted", v[1], UINT64_MAX,
	    &out->accepted)) != 0 ||
	    (rc = get_uint(&d, "duplicates", v[2], UINT64_MAX,
	    &out->duplicates)) != 0 ||
	    (rc = dec_refusals(&d, v[3], out)) != 0)
		goto out;
	rc = get_uint(&d, "time", v[4], UINT64_MAX, &out->time_ms);
out:
	dec_close(&d);
	if (rc != 0)
		wire_push_resp_clear(out);
	return rc;
}

void
wire_push_resp_clear(struct wire_push_resp *m)
{
	if (m == NULL)
		return;
	free(m->refused);
	memset(m, 0, sizeof(*m));
}

/* The ids of a backfill: 1..LIMIT_BACKFILL_CHILDREN, no duplicates. */
static int
get_children(struct dec *d, const msgpack_object *o,
    struct wire_pull_req *m)
{
	char key[24];
	size_t i, j, n;
	int rc;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		return derr(d, IRO_EPROTO, "children",
		    "expected array of child ids");
	n = o->via.array.size;
	if (n == 0)
		return derr(d, IRO_EPROTO, "children",
		    "expected at least 1 child id");
	if (n > LIMIT_BACKFILL_CHILDREN)
		return derr(d, IRO_ETOOBIG, "children",
		    "%zu child ids is over the limit of %d", n,
		    LIMIT_BACKFILL_CHILDREN);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "children[%zu]", i);
		if ((rc = get_bin(d, key, &o->via.array.ptr[i], m->children[i],
		    LIMIT_ID_LEN)) != 0)
			return rc;
		m->nchildren = i + 1;
		for (j = 0; j < i; j++)
			if (memcmp(m->children[j], m->children[i],
			    LIMIT_ID_LEN) == 0)
				return derr(d, IRO_EPROTO, key,
				    "duplicate child id");
	}
	return 0;
}

int
wire_decode_pull_req(const uint8_t *buf, size_t len,
    struct wire_pull_req *out, char *why, size_t whylen)
{
	enum { K_V, K_CURSOR, K_LIMIT, K_SCOPE, K_CHILDREN, K_UNTIL, K_N };
	static const char *const keys[K_N] = { "v", "cursor", "limit",
		"scope", "children", "until" };
	const msgpack_object *v[K_N];
	struct dec d;
	uint64_t limit = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dec_open(&d, buf, len, why, whylen)) != 0 ||
	    (rc = dec_message(&d, keys, K_N, v, (1u << K_SCOPE) |
	    (1u << K_CHILDREN) | (1u << K_UNTIL))) != 0 ||
	    (rc = get_uint(&d, "cursor", v[K_CURSOR], UINT64_MAX,
	    &out->cursor)) != 0 ||
	    (rc = get_uint(&d, "limit", v[K_LIMIT], LIMIT_PULL_CHANGES,
	    &limit)) != 0)
		goto out;
	if (limit < 1) {
		rc = derr(&d, IRO_EPROTO, "limit", "must be at least 1");
		goto out;
	}
	out->limit = (uint32_t)limit;
	if (v[K_SCOPE] != NULL) {
		out->has_scope = true;
		if ((rc = get_bin(&d, "scope", v[K_SCOPE], out->scope,
		    sizeof(out->scope))) != 0)
			goto out;
	}
	if (v[K_CHILDREN] != NULL &&
	    (rc = get_children(&d, v[K_CHILDREN], out)) != 0)
		goto out;
	/* `until` bounds a backfill and means nothing without one. */
	if (v[K_UNTIL] == NULL && v[K_CHILDREN] != NULL)
		rc = derr(&d, IRO_EPROTO, NULL, "missing key 'until'");
	else if (v[K_UNTIL] != NULL && v[K_CHILDREN] == NULL)
		rc = derr(&d, IRO_EPROTO, "until",
		    "only allowed with 'children'");
	else if (v[K_UNTIL] != NULL &&
	    (rc = get_uint(&d, "until", v[K_UNTIL], UINT64_MAX,
	    &out->until)) == 0 && out->until < out->cursor)
		rc = derr(&d, IRO_EPROTO, "until",
		    "%llu is before the cursor %llu",
		    (unsigned long long)out->until,
		    (unsigned long long)out->cursor);
out:
	dec_close(&d);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* The children a device should hold: a bin of 16-byte ids, sorted and
 * unique, at most LIMIT_SCOPE_CHILDREN of them. */
static int
get_scope(struct dec *d, const msgpack_object *o, struct wire_pull_resp *m)
{
	size_t size, n;

	if (o->type != MSGPACK_OBJECT_BIN)
		return derr(d, IRO_EPROTO, "scope",
		    "expected binary of 16-byte ids");
	size = o->via.bin.size;
	if (size % LIMIT_ID_LEN != 0)
		return derr(d, IRO_EPROTO, "scope",
		    "binary of %zu bytes is not a whole number of ids", size);
	n = size / LIMIT_ID_LEN;
	if (n > LIMIT_SCOPE_CHILDREN)
		return derr(d, IRO_ETOOBIG, "scope",
		    "%zu ids is over the limit of %d", n,
		    LIMIT_SCOPE_CHILDREN);
	m->has_scope = true;
	if (n == 0)
		return 0;
	if ((m->scope = malloc(size)) == NULL)
		return derr(d, IRO_ENOMEM, "scope", "out of memory");
	memcpy(m->scope, o->via.bin.ptr, size);
	m->nscope = n;
	/* Sorted and unique, so both sides compute the same digest. */
	if (!scope_valid((const uint8_t (*)[LIMIT_ID_LEN])m->scope, n))
		return derr(d, IRO_EPROTO, "scope",
		    "ids are not sorted and unique");
	return 0;
}

int
wire_decode_pull_resp(const uint8_t *buf, size_t len,
    struct wire_pull_resp *out, char *why, size_t whylen)
{
	enum { K_V, K_CHANGES, K_CURSOR, K_MORE, K_TIME, K_SCOPE, K_N };
	static const char *const keys[K_N] = { "v", "changes", "cursor",
		"more", "time", "scope" };
	const msgpack_object *v[K_N];
	struct dec d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dec_open(&d, buf, len, why, whylen)) != 0 ||
	    (rc = dec_message(&d, keys, K_N, v, 1u << K_SCOPE)) != 0)
		goto out;
	if ((rc = dec_changes(&d, v[K_CHANGES], LIMIT_PULL_CHANGES,
	    &out->changes, &out->nchanges)) != 0 ||
	    (rc = get_uint(&d, "cursor", v[K_CURSOR], UINT64_MAX,
	    &out->cursor)) != 0 ||
	    (rc = get_bool(&d, "more", v[K_MORE], &out->more)) != 0 ||
	    (rc = get_uint(&d, "time", v[K_TIME], UINT64_MAX,
	    &out->time_ms)) != 0)
		goto out;
	if (v[K_SCOPE] != NULL && (rc = get_scope(&d, v[K_SCOPE], out)) == 0 &&
	    out->nchanges > 0)
		rc = derr(&d, IRO_EPROTO, "scope",
		    "a page with a scope carries no changes");
out:
	dec_close(&d);
	if (rc != 0)
		wire_pull_resp_clear(out);
	return rc;
}

void
wire_pull_resp_clear(struct wire_pull_resp *m)
{
	if (m == NULL)
		return;
	change_free_array(m->changes, m->nchanges);
	free(m->scope);
	memset(m, 0, sizeof(*m));
}

int
wire_decode_error(const uint8_t *buf, size_t len, struct wire_error *out,
    char *why, size_t whylen)
{
	static const char *const keys[] = { "v", "error", "message", "time" };
	const msgpack_object *v[4];
	struct dec d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dec_open(&d, buf, len, why, whylen)) != 0 ||
	    (rc = dec_message(&d, keys, 4, v, 0)) != 0 ||
	    (rc = get_text(&d, "error", v[1], out->code,
	    WIRE_CODE_MAX)) != 0 ||
	    (rc = get_text(&d, "message", v[2], out->message,
	    LIMIT_MSG_STR_MAX)) != 0)
		goto out;
	rc = get_uint(&d, "time", v[3], UINT64_MAX, &out->time_ms);
out:
	dec_close(&d);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}
