/*
 * test_wire.c - the wire codec: round trips, canonical encoding, and every
 * way a decoder must refuse its input.  Run from the repository root (the
 * golden vectors are the seeds of the mutation tests).
 *
 * Mutations are made with msgpack-c's object model: unpack a valid
 * message, drop, repeat or retype one key, pack it again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iro_error.h"
#include "wire.h"

#define VEC_DIR "proto/vectors/"
#define T0 1718000000000ULL

/* ------------------------------------------------------------------ */
/* Helpers */

static uint8_t *
slurp(const char *name, size_t *len)
{
	char path[256];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), VEC_DIR "%s.msgpack", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open '%s'", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

union any_msg {
	struct wire_enrol_req enrol_req;
	struct wire_enrol_resp enrol_resp;
	struct wire_push_req push_req;
	struct wire_push_resp push_resp;
	struct wire_pull_req pull_req;
	struct wire_pull_resp pull_resp;
	struct wire_error error;
	struct change change;
};

enum dec_kind { D_ENROL_REQ, D_ENROL_RESP, D_PUSH_REQ, D_PUSH_RESP,
	D_PULL_REQ, D_PULL_RESP, D_ERROR, D_CHANGE, D_N };

static bool
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		if (*b++ != 0)
			return false;
	return true;
}

/* Decodes with decoder k, checks that a failure leaves the output
 * cleared, frees what a success decoded, and returns the result. */
static int
decode_any(enum dec_kind k, const uint8_t *buf, size_t len, char *why,
    size_t whylen)
{
	union any_msg m;
	size_t size = 0;
	int rc = IRO_EINTERNAL;

	memset(&m, 0x5a, sizeof(m));
	switch (k) {
	case D_ENROL_REQ:
		rc = wire_decode_enrol_req(buf, len, &m.enrol_req, why, whylen);
		size = sizeof(m.enrol_req);
		if (rc == 0)
			wire_enrol_req_clear(&m.enrol_req);
		break;
	case D_ENROL_RESP:
		rc = wire_decode_enrol_resp(buf, len, &m.enrol_resp, why,
		    whylen);
		size = sizeof(m.enrol_resp);
		break;
	case D_PUSH_REQ:
		rc = wire_decode_push_req(buf, len, &m.push_req, why, whylen);
		size = sizeof(m.push_req);
		if (rc == 0)
			wire_push_req_clear(&m.push_req);
		break;
	case D_PUSH_RESP:
		rc = wire_decode_push_resp(buf, len, &m.push_resp, why, whylen);
		size = sizeof(m.push_resp);
		if (rc == 0)
			wire_push_resp_clear(&m.push_resp);
		break;
	case D_PULL_REQ:
		rc = wire_decode_pull_req(buf, len, &m.pull_req, why, whylen);
		size = sizeof(m.pull_req);
		break;
	case D_PULL_RESP:
		rc = wire_decode_pull_resp(buf, len, &m.pull_resp, why, whylen);
		size = sizeof(m.pull_resp);
		if (rc == 0)
			wire_pull_resp_clear(&m.pull_resp);
		break;
	case D_ERROR:
		rc = wire_decode_error(buf, len, &m.error, why, whylen);
		size = sizeof(m.error);
		break;
	case D_CHANGE:
		rc = wire_decode_change(buf, len, &m.change, why, whylen);
		size = sizeof(m.change);
		if (rc == 0)
			change_clear(&m.change);
		break;
	case D_N:
		fail();
	}
	if (rc != 0)
		assert_true(all_zero(&m, size));
	return rc;
}

/* The valid vectors and the decoder each belongs to. */
static const struct {
	const char *name;
	enum dec_kind kind;
} vectors[] = {
	{ "enrol_req", D_ENROL_REQ }, { "enrol_resp", D_ENROL_RESP },
	{ "push_req", D_PUSH_REQ }, { "push_req_empty", D_PUSH_REQ },
	{ "push_resp", D_PUSH_RESP }, { "push_resp_clean", D_PUSH_RESP },
	{ "pull_req", D_PULL_REQ }, { "pull_req_first", D_PULL_REQ },
	{ "pull_resp", D_PULL_RESP }, { "pull_resp_empty", D_PULL_RESP },
	{ "error", D_ERROR }, { "change", D_CHANGE },
	{ "change_long", D_CHANGE }, { "change_delete", D_CHANGE },
	{ "pull_req_scope", D_PULL_REQ }, { "pull_req_backfill", D_PULL_REQ },
	{ "pull_resp_scope", D_PULL_RESP },
	{ "pull_resp_scope_empty", D_PULL_RESP },
};
#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static void
fill_id(uint8_t *id, uint8_t seed)
{
	size_t i;

	for (i = 0; i < LIMIT_ID_LEN; i++)
		id[i] = (uint8_t)(seed + i * 7);
}

/* A valid change, string-valued when s is not NULL. */
static void
make_change(struct change *c, uint64_t seq, const char *s)
{
	change_init(c);
	c->seq = seq;
	fill_id(c->ts.device, 1);
	c->ts.wall_ms = T0 + seq;
	c->ts.counter = (uint32_t)seq;
	snprintf(c->type, sizeof(c->type), "visit");
	fill_id(c->record, 9);
	snprintf(c->field, sizeof(c->field), "note");
	snprintf(c->author, sizeof(c->author), "asha.patel");
	if (s != NULL)
		assert_int_equal(value_set_str(&c->value, s, strlen(s)), 0);
	else
		c->value.type = VALUE_NIL;
}

/* ------------------------------------------------------------------ */
/* Round trips and canonical form */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random valid UTF-8 string of about len bytes, with multi-byte
 * characters, written to a malloc'd buffer. */
static char *
random_text(size_t len, size_t *outlen)
{
	static const char *const pieces[] = { "a", "Z", " ", "\n", "\xc3\xa9",
		"\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed\x9f\xbf", "~" };
	char *s = malloc(len + 5);
	size_t n = 0, k;

	assert_non_null(s);
	while (n < len) {
		const char *p = pieces[rng() % 9];

		k = strlen(p);
		if (n + k > len)
			p = "x", k = 1;
		memcpy(s + n, p, k);
		n += k;
	}
	s[n] = '\0';
	*outlen = n;
	return s;
}

static void
random_change(struct change *c, uint64_t seq)
{
	static const size_t lens[] = { 0, 1, 31, 32, 255, 256, 65535, 65536 };
	static const int64_t ints[] = { 0, 1, -1, 127, 128, -32, -33, 255,
		256, 65535, 65536, -129, -32769, INT32_MAX, INT32_MIN,
		(int64_t)UINT32_MAX + 1, INT64_MAX, INT64_MIN };
	size_t i, len;
	char *s;

	make_change(c, seq, NULL);
	c->ts.wall_ms = T0 + (rng() % 1000000) + 1000;
	c->ts.counter = (uint32_t)rng();
	switch (rng() % 4) {
	case 0:
		c->value.type = VALUE_NIL;
		break;
	case 1:
		c->value.type = VALUE_BOOL;
		c->value.b = rng() & 1;
		break;
	case 2:
		c->value.type = VALUE_INT;
		c->value.i = ints[rng() % (sizeof(ints) / sizeof(ints[0]))];
		break;
	default:
		s = random_text(lens[rng() % 8], &len);
		assert_int_equal(value_set_str(&c->value, s, len), 0);
		free(s);
	}
	if (rng() & 1) {
		c->has_base = true;
		c->base.wall_ms = T0 + (rng() % 1000);
		c->base.counter = (uint32_t)rng();
		fill_id(c->base.device, (uint8_t)rng());
	}
	c->nsup = rng() % 3 == 0 ? rng() % (LIMIT_SUPERSEDES + 1) : 0;
	if (c->nsup > 0) {
		c->sup = calloc(c->nsup, sizeof(*c->sup));
		assert_non_null(c->sup);
		for (i = 0; i < c->nsup; i++) {
			c->sup[i].wall_ms = T0 + i;
			c->sup[i].counter = (uint32_t)i;
			fill_id(c->sup[i].device, (uint8_t)i);
		}
	}
}

static void
test_change_roundtrip(void **state)
{
	struct change c, d;
	uint8_t *buf, *buf2;
	size_t len, len2;
	char why[256];
	int i;

	(void)state;
	for (i = 0; i < 400; i++) {
		random_change(&c, (uint64_t)i + 1);
		assert_int_equal(change_check(&c, why, sizeof(why)), 0);
		assert_int_equal(wire_encode_change(&c, &buf, &len), 0);
		assert_true(len <= wire_change_size(&c));
		assert_int_equal(wire_decode_change(buf, len, &d, why,
		    sizeof(why)), 0);
		assert_true(change_same_content(&c, &d));
		assert_int_equal(wire_encode_change(&d, &buf2, &len2), 0);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, buf2, len);
		change_clear(&c);
		change_clear(&d);
		free(buf);
		free(buf2);
	}
}

static void
test_messages_roundtrip(void **state)
{
	struct wire_push_req pr = { 0 }, pr2;
	struct wire_pull_resp pl = { 0 }, pl2;
	struct wire_push_resp rs = { 0 }, rs2;
	struct wire_refusal ref[2];
	uint8_t *buf;
	size_t len, i;

	(void)state;
	pr.nchanges = 50;
	pr.changes = calloc(pr.nchanges, sizeof(*pr.changes));
	assert_non_null(pr.changes);
	for (i = 0; i < pr.nchanges; i++)
		random_change(&pr.changes[i], i + 1);
	assert_int_equal(wire_encode_push_req(&pr, &buf, &len), 0);
	assert_int_equal(wire_decode_push_req(buf, len, &pr2, NULL, 0), 0);
	assert_int_equal(pr2.nchanges, pr.nchanges);
	for (i = 0; i < pr.nchanges; i++)
		assert_true(change_same_content(&pr.changes[i],
		    &pr2.changes[i]));
	free(buf);
	wire_push_req_clear(&pr2);

	/* The same changes as a pull page. */
	pl.changes = pr.changes;
	pl.nchanges = pr.nchanges;
	pl.cursor = UINT64_MAX;
	pl.more = true;
	pl.time_ms = T0;
	assert_int_equal(wire_encode_pull_resp(&pl, &buf, &len), 0);
	assert_int_equal(wire_decode_pull_resp(buf, len, &pl2, NULL, 0), 0);
	assert_int_equal(pl2.nchanges, 50);
	assert_true(change_same_content(&pl.changes[49], &pl2.changes[49]));
	assert_int_equal(pl2.cursor, UINT64_MAX);
	assert_true(pl2.more);
	free(buf);
	wire_pull_resp_clear(&pl2);
	wire_push_req_clear(&pr);

	memset(ref, 0, sizeof(ref));
	fill_id(ref[1].device, 3);
	ref[1].seq = UINT64_MAX;
	memset(ref[1].code, 'c', WIRE_CODE_MAX);
	memset(ref[1].reason, 'r', LIMIT_MSG_STR_MAX);
	rs.refused = ref;
	rs.nrefused = 2;
	rs.accepted = 7;
	assert_int_equal(wire_encode_push_resp(&rs, &buf, &len), 0);
	assert_int_equal(wire_decode_push_resp(buf, len, &rs2, NULL, 0), 0);
	assert_int_equal(rs2.nrefused, 2);
	assert_string_equal(rs2.refused[0].code, "");
	assert_int_equal(strlen(rs2.refused[1].code), WIRE_CODE_MAX);
	assert_int_equal(strlen(rs2.refused[1].reason), LIMIT_MSG_STR_MAX);
	assert_int_equal(rs2.refused[1].seq, UINT64_MAX);
	assert_int_equal(rs2.accepted, 7);
	free(buf);
	wire_push_resp_clear(&rs2);
}

/* Keys in the spec's order, integers and strings in their shortest form. */
static void
test_canonical_bytes(void **state)
{
	static const uint8_t want[] = { 0x83, 0xa1, 'v', 0x01, 0xa6, 'c', 'u',
		'r', 's', 'o', 'r', 0xcf, 0, 0, 0, 1, 0, 0, 0, 0, 0xa5, 'l', 'i',
		'm', 'i', 't', 0x7f };
	static const uint8_t loose[] = { 0x83, 0xa5, 'l', 'i', 'm', 'i', 't',
		0xd0, 0x7f, 0xd9, 6, 'c', 'u', 'r', 's', 'o', 'r', 0xcf, 0, 0, 0,
		1, 0, 0, 0, 0, 0xa1, 'v', 0xcd, 0, 1 };
	struct wire_pull_req m = { .cursor = 1ULL << 32, .limit = 127 }, d;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(wire_encode_pull_req(&m, &buf, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	free(buf);
	/* Any order and any integer width decode; the encoding is canonical. */
	assert_int_equal(wire_decode_pull_req(loose, sizeof(loose), &d, NULL,
	    0), 0);
	assert_int_equal(d.cursor, 1ULL << 32);
	assert_int_equal(d.limit, 127);
	assert_int_equal(wire_encode_pull_req(&d, &buf, &len), 0);
	assert_memory_equal(buf, want, sizeof(want));
	free(buf);
}

static bool
contains(const uint8_t *hay, size_t n, const char *needle, size_t k)
{
	size_t i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

static void
test_optional_keys_omitted(void **state)
{
	struct change c;
	uint8_t *buf;
	size_t len;

	(void)state;
	make_change(&c, 1, "x");
	assert_int_equal(wire_encode_change(&c, &buf, &len), 0);
	assert_int_equal(buf[0], 0x88);            /* map of 8: no base, sup */
	assert_false(contains(buf, len, "\xa4" "base", 5));
	assert_false(contains(buf, len, "\xa3" "sup", 4));
	assert_true(contains(buf, len, "\xa2" "by", 3));
	free(buf);
	change_clear(&c);
}

/* ------------------------------------------------------------------ */
/* Refusals */

static void
test_truncated_everywhere(void **state)
{
	char why[256];
	uint8_t *buf;
	size_t len, i, cut;
	int k;

	(void)state;
	for (i = 0; i < NVECTORS; i++) {
		buf = slurp(vectors[i].name, &len);
		assert_int_equal(decode_any(vectors[i].kind, buf, len, why,
		    sizeof(why)), 0);
		for (cut = 0; cut < len; cut++) {
			if (decode_any(vectors[i].kind, buf, cut, why,
			    sizeof(why)) != IRO_EPROTO)
				fail_msg("%s cut at %zu: %s", vectors[i].name,
				    cut, why);
			/* Every other decoder survives it too. */
			for (k = 0; k < D_N; k++)
				assert_int_not_equal(decode_any(k, buf, cut,
				    NULL, 0), 0);
		}
		free(buf);
	}
}

static void
test_trailing_bytes(void **state)
{
	uint8_t *buf, *big;
	size_t len, i;
	char why[256];

	(void)state;
	for (i = 0; i < NVECTORS; i++) {
		buf = slurp(vectors[i].name, &len);
		big = malloc(len + 1);
		assert_non_null(big);
		memcpy(big, buf, len);
		big[len] = 0xc0;
		assert_int_equal(decode_any(vectors[i].kind, big, len + 1, why,
		    sizeof(why)), IRO_EPROTO);
		assert_string_equal(why, "1 unexpected bytes after the message");
		free(big);
		free(buf);
	}
}

/* Where to mutate: the message itself, or the first element of one of
 * its arrays. */
struct target {
	const char *vector;
	enum dec_kind kind;
	const char *array;      /* NULL: the top-level map */
};

static const struct target targets[] = {
	{ "enrol_req", D_ENROL_REQ, NULL },
	{ "enrol_resp", D_ENROL_RESP, NULL },
	{ "push_req", D_PUSH_REQ, NULL },
	{ "push_req", D_PUSH_REQ, "changes" },
	{ "push_resp", D_PUSH_RESP, NULL },
	{ "push_resp", D_PUSH_RESP, "refused" },
	{ "pull_req", D_PULL_REQ, NULL },
	{ "pull_resp", D_PULL_RESP, NULL },
	{ "pull_resp", D_PULL_RESP, "changes" },
	{ "error", D_ERROR, NULL },
	{ "change", D_CHANGE, NULL },
	/* Tests above index the targets: add new ones at the end. */
	{ "pull_req_scope", D_PULL_REQ, NULL },
	{ "pull_req_backfill", D_PULL_REQ, NULL },
	{ "pull_resp_scope", D_PULL_RESP, NULL },
};

enum op { OP_DROP, OP_DUP, OP_SET, OP_RENAME };

static msgpack_object *
find_key(msgpack_object *map, const char *key)
{
	uint32_t i;

	for (i = 0; i < map->via.map.size; i++) {
		msgpack_object_kv *kv = &map->via.map.ptr[i];

		if (kv->key.via.str.size == strlen(key) &&
		    memcmp(kv->key.via.str.ptr, key, strlen(key)) == 0)
			return &kv->val;
	}
	return NULL;
}

/*
 * Packs the target's message with entry `idx` of its map dropped,
 * duplicated, given value *val or renamed to *val.  Returns the number of keys of the
 * target map (so callers can iterate), and the key's name in keyname.
 */
static uint32_t
mutate(const struct target *t, uint32_t idx, enum op op,
    const msgpack_object *val, msgpack_sbuffer *out, char *keyname)
{
	msgpack_object_kv kvs[LIMIT_MAP_KEYS + 1];
	msgpack_object *map, saved;
	msgpack_unpacked up;
	msgpack_packer pk;
	uint32_t n, i, j = 0;
	uint8_t *buf;
	size_t len, off = 0;

	buf = slurp(t->vector, &len);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, (const char *)buf, len,
	    &off), MSGPACK_UNPACK_SUCCESS);
	map = &up.data;
	if (t->array != NULL)
		map = &find_key(map, t->array)->via.array.ptr[0];
	n = map->via.map.size;
	if (idx < n) {
		snprintf(keyname, 33, "%.*s",
		    (int)map->via.map.ptr[idx].key.via.str.size,
		    map->via.map.ptr[idx].key.via.str.ptr);
		for (i = 0; i < n; i++) {
			if (i == idx && op == OP_DROP)
				continue;
			kvs[j] = map->via.map.ptr[i];
			if (i == idx && op == OP_SET)
				kvs[j].val = *val;
			if (i == idx && op == OP_RENAME)
				kvs[j].key = *val;
			j++;
		}
		if (op == OP_DUP)
			kvs[j++] = map->via.map.ptr[idx];
		saved = *map;
		map->via.map.ptr = kvs;
		map->via.map.size = j;
		msgpack_sbuffer_init(out);
		msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
		assert_int_equal(msgpack_pack_object(&pk, up.data), 0);
		*map = saved;
	}
	msgpack_unpacked_destroy(&up);
	free(buf);
	return n;
}

static bool
is_optional(const char *key)
{
	return strcmp(key, "base") == 0 || strcmp(key, "sup") == 0 ||
	    strcmp(key, "scope") == 0;
}

/* What the reason says when key is missing: a backfill's `until` left
 * alone is refused as such. */
static void
missing_reason(const char *key, char *out, size_t outlen)
{
	if (strcmp(key, "children") == 0)
		snprintf(out, outlen, "until: only allowed with 'children'");
	else
		snprintf(out, outlen, "missing key '%s'", key);
}

static void
test_missing_keys(void **state)
{
	msgpack_sbuffer sb;
	char key[40], why[256], want[80];
	size_t t;
	uint32_t i, n;
	int rc;

	(void)state;
	for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		n = mutate(&targets[t], UINT32_MAX, OP_DROP, NULL, &sb, key);
		for (i = 0; i < n; i++) {
			mutate(&targets[t], i, OP_DROP, NULL, &sb, key);
			rc = decode_any(targets[t].kind, (uint8_t *)sb.data,
			    sb.size, why, sizeof(why));
			if (is_optional(key)) {
				assert_int_equal(rc, 0);
			} else {
				assert_int_equal(rc, IRO_EPROTO);
				missing_reason(key, want, sizeof(want));
				assert_non_null(strstr(why, want));
			}
			msgpack_sbuffer_destroy(&sb);
		}
	}
}

static void
test_duplicate_keys(void **state)
{
	msgpack_sbuffer sb;
	char key[40], why[256];
	size_t t;
	uint32_t i, n;

	(void)state;
	for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		n = mutate(&targets[t], UINT32_MAX, OP_DROP, NULL, &sb, key);
		for (i = 0; i < n; i++) {
			mutate(&targets[t], i, OP_DUP, NULL, &sb, key);
			assert_int_equal(decode_any(targets[t].kind,
			    (uint8_t *)sb.data, sb.size, why, sizeof(why)),
			    IRO_EPROTO);
			assert_non_null(strstr(why, "duplicate key"));
			assert_non_null(strstr(why, key));
			msgpack_sbuffer_destroy(&sb);
		}
	}
}

/* Whether a value of msgpack type `type` is acceptable for key. */
static bool
type_fits(const char *key, msgpack_object_type type)
{
	if (strcmp(key, "val") == 0)
		return type == MSGPACK_OBJECT_NIL ||
		    type == MSGPACK_OBJECT_BOOLEAN ||
		    type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
		    type == MSGPACK_OBJECT_NEGATIVE_INTEGER ||
		    type == MSGPACK_OBJECT_STR;
	if (strcmp(key, "more") == 0)
		return type == MSGPACK_OBJECT_BOOLEAN;
	return false;
}

static void
test_wrong_types(void **state)
{
	msgpack_object vals[6];
	msgpack_sbuffer sb;
	char key[40], why[256];
	size_t t, v;
	uint32_t i, n;
	int rc;

	(void)state;
	memset(vals, 0, sizeof(vals));
	vals[0].type = MSGPACK_OBJECT_NIL;
	vals[1].type = MSGPACK_OBJECT_BOOLEAN;
	vals[1].via.boolean = true;
	vals[2].type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
	vals[2].via.i64 = -1;
	vals[3].type = MSGPACK_OBJECT_MAP;
	vals[4].type = MSGPACK_OBJECT_STR;
	vals[4].via.str.ptr = "x";
	vals[4].via.str.size = 1;
	vals[5].type = MSGPACK_OBJECT_BIN;
	vals[5].via.bin.ptr = "0123456789abcde";   /* 15 bytes: never fits */
	vals[5].via.bin.size = 15;
	for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		n = mutate(&targets[t], UINT32_MAX, OP_DROP, NULL, &sb, key);
		for (i = 0; i < n; i++) {
			for (v = 0; v < 6; v++) {
				mutate(&targets[t], i, OP_SET, &vals[v], &sb,
				    key);
				rc = decode_any(targets[t].kind,
				    (uint8_t *)sb.data, sb.size, why,
				    sizeof(why));
				msgpack_sbuffer_destroy(&sb);
				if (type_fits(key, vals[v].type))
					continue;
				if (strcmp(key, "type") == 0 && v == 4)
					continue;   /* "x" is a fine name */
				if (v == 4 && rc == 0)
					continue;   /* a string key took "x" */
				if (rc != IRO_EPROTO)
					fail_msg("%s %s value %zu: %d %s",
					    targets[t].vector, key, v, rc, why);
				assert_non_null(strstr(why, key));
			}
		}
	}
}

static void
test_unknown_keys_ignored(void **state)
{
	/* {"zz": {"a": [1, "x", nil]}, "v": 1, "cursor": 5, "limit": 9} */
	static const uint8_t msg[] = { 0x84, 0xa2, 'z', 'z', 0x81, 0xa1, 'a',
		0x93, 0x01, 0xa1, 'x', 0xc0, 0xa1, 'v', 0x01, 0xa6, 'c', 'u',
		'r', 's', 'o', 'r', 0x05, 0xa5, 'l', 'i', 'm', 'i', 't', 0x09 };
	struct wire_pull_req m;
	msgpack_object val;
	msgpack_sbuffer sb;
	struct change c;
	uint8_t *buf;
	size_t len;
	char key[40], why[256];

	(void)state;
	assert_int_equal(wire_decode_pull_req(msg, sizeof(msg), &m, NULL, 0),
	    0);
	assert_int_equal(m.cursor, 5);
	assert_int_equal(m.limit, 9);
	assert_int_equal(wire_encode_pull_req(&m, &buf, &len), 0);
	assert_int_equal(len, sizeof(msg) - 11);
	free(buf);

	/* A renamed key is unknown: ignored, so the key it was is missing,
	 * which is fine only for an optional one. */
	memset(&val, 0, sizeof(val));
	val.type = MSGPACK_OBJECT_STR;
	val.via.str.ptr = "future";
	val.via.str.size = 6;
	mutate(&targets[10], 7, OP_RENAME, &val, &sb, key);
	assert_string_equal(key, "base");
	assert_int_equal(wire_decode_change((uint8_t *)sb.data, sb.size, &c,
	    NULL, 0), 0);
	assert_false(c.has_base);
	change_clear(&c);
	msgpack_sbuffer_destroy(&sb);
	mutate(&targets[10], 6, OP_RENAME, &val, &sb, key);
	assert_string_equal(key, "ts");
	assert_int_equal(decode_any(D_CHANGE, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), IRO_EPROTO);
	assert_string_equal(why, "missing key 'ts'");
	msgpack_sbuffer_destroy(&sb);
}

/* Packs an object built by the caller. */
static void
pack_begin(msgpack_sbuffer *sb, msgpack_packer *pk)
{
	msgpack_sbuffer_init(sb);
	msgpack_packer_init(pk, sb, msgpack_sbuffer_write);
}

static void
pack_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

/* Appends n changes made by make_change() as an array. */
static void
pack_changes(msgpack_sbuffer *sb, msgpack_packer *pk, size_t n)
{
	struct change c;
	uint8_t *buf;
	size_t len, i;

	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		make_change(&c, i + 1, "x");
		assert_int_equal(wire_encode_change(&c, &buf, &len), 0);
		msgpack_sbuffer_write(sb, (const char *)buf, len);
		free(buf);
		change_clear(&c);
	}
}

static void
test_why_names_the_key(void **state)
{
	msgpack_object *changes, *ts;
	msgpack_object three[3];
	msgpack_unpacked up;
	msgpack_sbuffer sb, sb2;
	msgpack_packer pk;
	char why[256];
	size_t off = 0;

	(void)state;
	pack_begin(&sb, &pk);
	msgpack_pack_map(&pk, 2);
	pack_str(&pk, "v");
	msgpack_pack_uint8(&pk, 1);
	pack_str(&pk, "changes");
	pack_changes(&sb, &pk, 4);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	changes = find_key(&up.data, "changes");
	ts = find_key(&changes->via.array.ptr[3], "ts");
	three[0] = ts->via.array.ptr[0];
	three[1] = ts->via.array.ptr[1];
	three[2] = ts->via.array.ptr[1];
	ts->via.array.ptr = three;
	ts->via.array.size = 3;
	/* up points into sb: pack into another buffer. */
	pack_begin(&sb2, &pk);
	assert_int_equal(msgpack_pack_object(&pk, up.data), 0);
	assert_int_equal(decode_any(D_PUSH_REQ, (uint8_t *)sb2.data, sb2.size,
	    why, sizeof(why)), IRO_EPROTO);
	assert_string_equal(why, "changes[3].ts: expected array of 2 integers");
	/* Without a buffer for the reason, the result is the same. */
	assert_int_equal(decode_any(D_PUSH_REQ, (uint8_t *)sb2.data, sb2.size,
	    NULL, 0), IRO_EPROTO);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
	msgpack_sbuffer_destroy(&sb2);
}

static void
test_too_deep(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char why[256];
	int depth, i;

	(void)state;
	/* The message is depth 1; 7 more arrays are allowed, 8 are not. */
	for (depth = 7; depth <= 9; depth++) {
		pack_begin(&sb, &pk);
		msgpack_pack_map(&pk, 4);
		pack_str(&pk, "v");
		msgpack_pack_uint8(&pk, 1);
		pack_str(&pk, "cursor");
		msgpack_pack_uint8(&pk, 0);
		pack_str(&pk, "limit");
		msgpack_pack_uint8(&pk, 1);
		pack_str(&pk, "deep");
		for (i = 0; i < depth - 1; i++)
			msgpack_pack_array(&pk, 1);
		msgpack_pack_map(&pk, 0);
		if (depth <= 7) {
			assert_int_equal(decode_any(D_PULL_REQ,
			    (uint8_t *)sb.data, sb.size, why, sizeof(why)), 0);
		} else {
			assert_int_equal(decode_any(D_PULL_REQ,
			    (uint8_t *)sb.data, sb.size, why, sizeof(why)),
			    IRO_ETOOBIG);
			assert_non_null(strstr(why, "nested deeper than 8"));
			assert_true(strncmp(why, "deep[0]", 7) == 0);
		}
		msgpack_sbuffer_destroy(&sb);
	}
}

static void
test_too_many_changes(void **state)
{
	static const size_t counts[] = { LIMIT_PUSH_CHANGES,
		LIMIT_PUSH_CHANGES + 1 };
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char why[256];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		pack_begin(&sb, &pk);
		msgpack_pack_map(&pk, 2);
		pack_str(&pk, "v");
		msgpack_pack_uint8(&pk, 1);
		pack_str(&pk, "changes");
		pack_changes(&sb, &pk, counts[i]);
		assert_int_equal(decode_any(D_PUSH_REQ, (uint8_t *)sb.data,
		    sb.size, why, sizeof(why)),
		    i == 0 ? 0 : IRO_ETOOBIG);
		if (i == 1)
			assert_string_equal(why, "changes: array of 1001 "
			    "elements is over the limit of 1000");
		msgpack_sbuffer_destroy(&sb);
	}
}

/* Packs target t with key `key` set to a string of n bytes of c. */
static int
decode_with_string(const struct target *t, const char *key, size_t n,
    char c, char *why)
{
	msgpack_object val;
	msgpack_sbuffer sb;
	char name[40], *s;
	uint32_t i, nkeys;
	int rc = 1;

	s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	memset(&val, 0, sizeof(val));
	val.type = MSGPACK_OBJECT_STR;
	val.via.str.ptr = s;
	val.via.str.size = (uint32_t)n;
	nkeys = mutate(t, UINT32_MAX, OP_SET, NULL, &sb, name);
	for (i = 0; i < nkeys && rc == 1; i++) {
		mutate(t, i, OP_SET, &val, &sb, name);
		if (strcmp(name, key) == 0)
			rc = decode_any(t->kind, (uint8_t *)sb.data, sb.size,
			    why, 256);
		msgpack_sbuffer_destroy(&sb);
	}
	free(s);
	assert_int_not_equal(rc, 1);
	return rc;
}

static void
test_oversize_strings(void **state)
{
	static const struct {
		size_t target;
		const char *key;
		size_t max;
		char c;
	} cases[] = {
		{ 0, "user", LIMIT_USER_MAX, 'u' },
		{ 0, "password", LIMIT_PASSWORD_MAX, 'p' },
		{ 0, "name", LIMIT_MSG_STR_MAX, 'n' },
		{ 1, "role", WIRE_ROLE_MAX, 'r' },
		{ 5, "code", WIRE_CODE_MAX, 'c' },
		{ 5, "reason", LIMIT_MSG_STR_MAX, 'r' },
		{ 9, "error", WIRE_CODE_MAX, 'e' },
		{ 9, "message", LIMIT_MSG_STR_MAX, 'm' },
		{ 10, "type", LIMIT_NAME_MAX, 't' },
		{ 10, "field", LIMIT_NAME_MAX, 'f' },
		{ 10, "by", LIMIT_USER_MAX, 'b' },
		{ 10, "val", LIMIT_STR_MAX, 'v' },
		{ 3, "val", LIMIT_STR_MAX, 'v' },
	};
	char why[256], want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct target *t = &targets[cases[i].target];

		assert_int_equal(decode_with_string(t, cases[i].key,
		    cases[i].max, cases[i].c, why), 0);
		assert_int_equal(decode_with_string(t, cases[i].key,
		    cases[i].max + 1, cases[i].c, why), IRO_ETOOBIG);
		snprintf(want, sizeof(want), "%s: ", cases[i].key);
		assert_non_null(strstr(why, want));
		assert_non_null(strstr(why, "over the limit"));
	}
}

static void
test_invalid_utf8(void **state)
{
	static const char *const bad[] = { "\x80", "\xc0\xaf",
		"\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe2\x82",
		"ok\xff", "a\0b" };
	static const char *const good[] = { "", "\xc3\xa9",
		"\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed\x9f\xbf",
		"\xf4\x8f\xbf\xbf", "\x7f" };
	static const size_t targets_utf8[] = { 9, 10 };
	msgpack_object val;
	msgpack_sbuffer sb;
	char name[40], why[256];
	size_t i, t;
	uint32_t k, n;
	int rc;

	(void)state;
	memset(&val, 0, sizeof(val));
	val.type = MSGPACK_OBJECT_STR;
	for (t = 0; t < 2; t++) {
		const struct target *tg = &targets[targets_utf8[t]];

		n = mutate(tg, UINT32_MAX, OP_SET, NULL, &sb, name);
		for (k = 0; k < n; k++) {
			for (i = 0; i < 10 + 7; i++) {
				const char *s = i < 10 ? bad[i] : good[i - 10];

				val.via.str.ptr = s;
				val.via.str.size = i == 9 ? 3 :
				    (uint32_t)strlen(s);
				mutate(tg, k, OP_SET, &val, &sb, name);
				if (strcmp(name, "val") != 0 &&
				    strcmp(name, "message") != 0) {
					msgpack_sbuffer_destroy(&sb);
					break;
				}
				rc = decode_any(tg->kind, (uint8_t *)sb.data,
				    sb.size, why, sizeof(why));
				msgpack_sbuffer_destroy(&sb);
				if (i >= 10) {
					assert_int_equal(rc, 0);
					continue;
				}
				assert_int_equal(rc, IRO_EPROTO);
				assert_non_null(strstr(why, "utf-8"));
			}
		}
	}
}

static void
test_floats_and_ext(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char why[256];
	int k;

	(void)state;
	for (k = 0; k < 3; k++) {
		pack_begin(&sb, &pk);
		msgpack_pack_map(&pk, 4);
		pack_str(&pk, "v");
		msgpack_pack_uint8(&pk, 1);
		pack_str(&pk, "cursor");
		msgpack_pack_uint8(&pk, 0);
		pack_str(&pk, "limit");
		msgpack_pack_uint8(&pk, 1);
		pack_str(&pk, "future");   /* even under an unknown key */
		if (k == 0)
			msgpack_pack_float(&pk, 1.5f);
		else if (k == 1)
			msgpack_pack_double(&pk, 2.5);
		else
			msgpack_pack_ext_with_body(&pk, "abcd", 4, 7);
		assert_int_equal(decode_any(D_PULL_REQ, (uint8_t *)sb.data,
		    sb.size, why, sizeof(why)), IRO_EPROTO);
		assert_non_null(strstr(why, k < 2 ? "float" : "ext"));
		msgpack_sbuffer_destroy(&sb);
	}
}

static void
test_map_limits(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char why[256], key[48];
	int nkeys, i;

	(void)state;
	for (nkeys = LIMIT_MAP_KEYS; nkeys <= LIMIT_MAP_KEYS + 1; nkeys++) {
		pack_begin(&sb, &pk);
		msgpack_pack_map(&pk, (size_t)nkeys);
		pack_str(&pk, "v");
		msgpack_pack_uint8(&pk, 1);
		pack_str(&pk, "cursor");
		msgpack_pack_uint8(&pk, 0);
		pack_str(&pk, "limit");
		msgpack_pack_uint8(&pk, 1);
		for (i = 3; i < nkeys; i++) {
			snprintf(key, sizeof(key), "extra%d", i);
			pack_str(&pk, key);
			msgpack_pack_nil(&pk);
		}
		assert_int_equal(decode_any(D_PULL_REQ, (uint8_t *)sb.data,
		    sb.size, why, sizeof(why)),
		    nkeys <= LIMIT_MAP_KEYS ? 0 : IRO_ETOOBIG);
		msgpack_sbuffer_destroy(&sb);
	}
	/* A key longer than any name, and a key that is not a string. */
	pack_begin(&sb, &pk);
	msgpack_pack_map(&pk, 1);
	memset(key, 'k', 33);
	key[33] = '\0';
	pack_str(&pk, key);
	msgpack_pack_nil(&pk);
	assert_int_equal(decode_any(D_PULL_REQ, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), IRO_ETOOBIG);
	msgpack_sbuffer_clear(&sb);
	msgpack_pack_map(&pk, 1);
	msgpack_pack_uint8(&pk, 1);
	msgpack_pack_nil(&pk);
	assert_int_equal(decode_any(D_PULL_REQ, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), IRO_EPROTO);
	assert_string_equal(why, "map key is not a string");
	msgpack_sbuffer_destroy(&sb);
}

static void
test_change_rules(void **state)
{
	struct wire_push_req m = { 0 };
	char why[256];
	uint8_t *buf;
	size_t len;

	(void)state;
	m.nchanges = 2;
	m.changes = calloc(2, sizeof(*m.changes));
	assert_non_null(m.changes);
	make_change(&m.changes[0], 1, "a");
	make_change(&m.changes[1], 2, "b");
	/* Well-formed msgpack, but the stamp is not after the base. */
	m.changes[1].has_base = true;
	m.changes[1].base = m.changes[1].ts;
	assert_int_equal(wire_encode_push_req(&m, &buf, &len), 0);
	assert_int_equal(decode_any(D_PUSH_REQ, buf, len, why, sizeof(why)),
	    IRO_EINVAL);
	assert_string_equal(why,
	    "changes[1]: change stamp is not after its base");
	free(buf);
	wire_push_req_clear(&m);
}

static void
test_empty_and_oversize_input(void **state)
{
	uint8_t *big;
	char why[256];
	int k;

	(void)state;
	big = calloc(1, LIMIT_BODY_MAX + 1);
	assert_non_null(big);
	for (k = 0; k < D_N; k++) {
		assert_int_equal(decode_any(k, NULL, 0, why, sizeof(why)),
		    IRO_EPROTO);
		assert_string_equal(why, "empty message");
		assert_int_equal(decode_any(k, big, LIMIT_BODY_MAX + 1, why,
		    sizeof(why)), IRO_ETOOBIG);
	}
	free(big);
}

/* ------------------------------------------------------------------ */
/* Encoders fail cleanly */

/* Calls an encoder with out and len set to garbage: on failure it must
 * set them to NULL and 0. */
#define ENC_FAILS(call, want)                                              \
	do {                                                               \
		int rc_;                                                   \
		out = (uint8_t *)&len;                                     \
		len = 1;                                                   \
		rc_ = (call);                                              \
		assert_int_equal(rc_, (want));                             \
		assert_null(out);                                          \
		assert_int_equal(len, 0);                                  \
	} while (0)

static void
test_encoder_limits(void **state)
{
	struct wire_push_req pr = { 0 };
	struct wire_pull_resp pl = { 0 };
	struct wire_enrol_req er;
	struct wire_pull_req q = { .limit = 0 };
	struct change c;
	uint8_t *out;
	size_t len, i;
	char *s;

	(void)state;
	/* Too many changes. */
	pr.nchanges = LIMIT_PUSH_CHANGES + 1;
	pr.changes = calloc(pr.nchanges, sizeof(*pr.changes));
	assert_non_null(pr.changes);
	for (i = 0; i < pr.nchanges; i++)
		make_change(&pr.changes[i], i + 1, NULL);
	ENC_FAILS(wire_encode_push_req(&pr, &out, &len), IRO_ETOOBIG);
	pr.nchanges = LIMIT_PUSH_CHANGES;
	assert_int_equal(wire_encode_push_req(&pr, &out, &len), 0);
	free(out);
	pr.nchanges = LIMIT_PUSH_CHANGES + 1;
	wire_push_req_clear(&pr);

	/* A body over LIMIT_BODY_MAX: 200 changes of 64 KiB each. */
	s = malloc(LIMIT_STR_MAX + 1);
	assert_non_null(s);
	memset(s, 'x', LIMIT_STR_MAX);
	s[LIMIT_STR_MAX] = '\0';
	pl.nchanges = 200;
	pl.changes = calloc(pl.nchanges, sizeof(*pl.changes));
	assert_non_null(pl.changes);
	for (i = 0; i < pl.nchanges; i++)
		make_change(&pl.changes[i], i + 1, s);
	ENC_FAILS(wire_encode_pull_resp(&pl, &out, &len), IRO_ETOOBIG);
	wire_pull_resp_clear(&pl);

	/* An oversize value, too many stamps, a bad value type. */
	make_change(&c, 1, s);
	free(c.value.s);
	c.value.s = malloc(LIMIT_STR_MAX + 2);
	assert_non_null(c.value.s);
	memset(c.value.s, 'y', LIMIT_STR_MAX + 1);
	c.value.s[LIMIT_STR_MAX + 1] = '\0';
	c.value.len = LIMIT_STR_MAX + 1;
	assert_int_equal(wire_change_size(&c), SIZE_MAX);
	ENC_FAILS(wire_encode_change(&c, &out, &len), IRO_ETOOBIG);
	change_clear(&c);
	make_change(&c, 1, NULL);
	c.nsup = LIMIT_SUPERSEDES + 1;
	c.sup = calloc(c.nsup, sizeof(*c.sup));
	assert_non_null(c.sup);
	assert_int_equal(wire_change_size(&c), SIZE_MAX);
	ENC_FAILS(wire_encode_change(&c, &out, &len), IRO_ETOOBIG);
	change_clear(&c);
	make_change(&c, 1, NULL);
	c.value.type = (enum value_type)42;
	ENC_FAILS(wire_encode_change(&c, &out, &len), IRO_EINVAL);
	change_clear(&c);
	free(s);

	/* Unterminated and over-long fixed strings; a bad page size. */
	memset(&er, 0, sizeof(er));
	memset(er.user, 'u', sizeof(er.user));
	ENC_FAILS(wire_encode_enrol_req(&er, &out, &len), IRO_EINVAL);
	ENC_FAILS(wire_encode_pull_req(&q, &out, &len), IRO_EINVAL);
	q.limit = LIMIT_PULL_CHANGES + 1;
	ENC_FAILS(wire_encode_pull_req(&q, &out, &len), IRO_EINVAL);
}

static void
test_change_size_bound(void **state)
{
	struct change c;
	uint8_t *out;
	size_t len;
	char *s;

	(void)state;
	/* Every field at its largest encoding. */
	s = malloc(LIMIT_STR_MAX + 1);
	assert_non_null(s);
	memset(s, 'x', LIMIT_STR_MAX);
	s[LIMIT_STR_MAX] = '\0';
	make_change(&c, UINT64_MAX, s);
	memset(c.type, 't', LIMIT_NAME_MAX);
	memset(c.field, 'f', LIMIT_NAME_MAX);
	memset(c.author, 'a', LIMIT_USER_MAX);
	c.ts.wall_ms = UINT64_MAX;
	c.ts.counter = UINT32_MAX;
	c.has_base = true;
	c.base.wall_ms = UINT64_MAX - 1;
	c.base.counter = UINT32_MAX;
	c.nsup = LIMIT_SUPERSEDES;
	c.sup = calloc(c.nsup, sizeof(*c.sup));
	assert_non_null(c.sup);
	memset(c.sup, 0xff, c.nsup * sizeof(*c.sup));
	assert_int_equal(wire_encode_change(&c, &out, &len), 0);
	assert_true(len <= wire_change_size(&c));
	assert_true(wire_change_size(&c) - len < 64);
	free(out);
	change_clear(&c);
	free(s);
}

static void
test_bad_version(void **state)
{
	/* {"v": 2, "cursor": 0} and {"v": 0}: refused as a version,
	 * whatever else is missing. */
	static const uint8_t v2[] = { 0x82, 0xa1, 'v', 0x02, 0xa6, 'c', 'u',
		'r', 's', 'o', 'r', 0x00 };
	static const uint8_t v0[] = { 0x81, 0xa1, 'v', 0x00 };
	static const uint8_t vbig[] = { 0x81, 0xa1, 'v', 0xcf, 1, 0, 0, 0, 0,
		0, 0, 1 };
	char why[256];
	int k;

	(void)state;
	for (k = 0; k < D_CHANGE; k++) {
		assert_int_equal(decode_any(k, v2, sizeof(v2), why,
		    sizeof(why)), IRO_EVERSION);
		assert_string_equal(why, "v: unsupported protocol version 2");
		assert_int_equal(decode_any(k, v0, sizeof(v0), why,
		    sizeof(why)), IRO_EVERSION);
		assert_int_equal(decode_any(k, vbig, sizeof(vbig), why,
		    sizeof(why)), IRO_EVERSION);
	}
}

/* ------------------------------------------------------------------ */
/* Scopes and backfills (PROTOCOL.md, sections 5.5, 5.6 and 5.8) */

/* n distinct ids, sorted bytewise. */
static void
fill_ids(uint8_t (*ids)[LIMIT_ID_LEN], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memset(ids[i], 0xc4, LIMIT_ID_LEN);
		ids[i][14] = (uint8_t)(i >> 8);
		ids[i][15] = (uint8_t)i;
	}
}

static void
test_pull_req_scope_roundtrip(void **state)
{
	struct wire_pull_req m, d;
	uint8_t *buf, *buf2;
	size_t len, len2, n;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.cursor = 77;
	m.limit = 10;
	m.has_scope = true;
	memset(m.scope, 0xab, sizeof(m.scope));
	for (n = 1; n <= LIMIT_BACKFILL_CHILDREN; n += 21) {
		m.nchildren = n;
		fill_ids(m.children, n);
		/* Children are a list, not a set: any order will do. */
		m.children[0][0] = 0xff;
		m.until = m.cursor + n - 1;        /* until == cursor too */
		assert_int_equal(wire_encode_pull_req(&m, &buf, &len), 0);
		assert_int_equal(wire_decode_pull_req(buf, len, &d, NULL, 0),
		    0);
		assert_int_equal(d.cursor, 77);
		assert_int_equal(d.limit, 10);
		assert_true(d.has_scope);
		assert_memory_equal(d.scope, m.scope, sizeof(m.scope));
		assert_int_equal(d.nchildren, n);
		assert_memory_equal(d.children, m.children, n * LIMIT_ID_LEN);
		assert_int_equal(d.until, m.until);
		assert_int_equal(wire_encode_pull_req(&d, &buf2, &len2), 0);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, buf2, len);
		free(buf);
		free(buf2);
	}
	/* The most children a backfill may name. */
	m.nchildren = LIMIT_BACKFILL_CHILDREN;
	fill_ids(m.children, m.nchildren);
	assert_int_equal(wire_encode_pull_req(&m, &buf, &len), 0);
	assert_int_equal(wire_decode_pull_req(buf, len, &d, NULL, 0), 0);
	assert_int_equal(d.nchildren, LIMIT_BACKFILL_CHILDREN);
	free(buf);
}

static void
test_pull_resp_scope_roundtrip(void **state)
{
	static const size_t counts[] = { 0, 1, 15, 16, 4095,
		LIMIT_SCOPE_CHILDREN };
	struct wire_pull_resp m, d;
	uint8_t *buf, *buf2;
	size_t len, len2, i, bytes, hlen;

	(void)state;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.cursor = 9;
		m.more = true;
		m.time_ms = T0;
		m.has_scope = true;
		m.nscope = counts[i];
		m.scope = counts[i] > 0 ? calloc(counts[i], LIMIT_ID_LEN) :
		    NULL;
		if (counts[i] > 0)
			assert_non_null(m.scope);
		fill_ids(m.scope, m.nscope);
		assert_int_equal(wire_encode_pull_resp(&m, &buf, &len), 0);
		/* The shortest bin: an 8-bit length up to 15 ids, 16-bit up
		 * to 4095, and a full scope's 65,536 bytes need 32. */
		bytes = counts[i] * LIMIT_ID_LEN;
		hlen = bytes < 256 ? 2 : bytes < 65536 ? 3 : 5;
		assert_int_equal(buf[len - bytes - hlen],
		    hlen == 2 ? 0xc4 : hlen == 3 ? 0xc5 : 0xc6);
		assert_int_equal(wire_decode_pull_resp(buf, len, &d, NULL, 0),
		    0);
		assert_true(d.has_scope);
		assert_int_equal(d.nscope, counts[i]);
		assert_int_equal(d.nchanges, 0);
		if (counts[i] == 0)
			assert_null(d.scope);
		else
			assert_memory_equal(d.scope, m.scope,
			    counts[i] * LIMIT_ID_LEN);
		assert_int_equal(wire_encode_pull_resp(&d, &buf2, &len2), 0);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, buf2, len);
		wire_pull_resp_clear(&d);
		assert_null(d.scope);
		assert_false(d.has_scope);
		free(buf);
		free(buf2);
		free(m.scope);
	}
}

/* Optional keys after the required ones, in the table's order; absent
 * ones are not written at all. */
static void
test_scope_canonical_bytes(void **state)
{
	static const uint8_t head[] = { 0x86, 0xa1, 'v', 0x01, 0xa6, 'c', 'u',
		'r', 's', 'o', 'r', 0x05, 0xa5, 'l', 'i', 'm', 'i', 't', 0x07,
		0xa5, 's', 'c', 'o', 'p', 'e', 0xc4, 0x20 };
	static const uint8_t tail[] = { 0xa8, 'c', 'h', 'i', 'l', 'd', 'r',
		'e', 'n', 0x91, 0xc4, 0x10 };
	static const uint8_t until[] = { 0xa5, 'u', 'n', 't', 'i', 'l', 0x06 };
	struct wire_pull_req m;
	struct wire_pull_resp r;
	uint8_t *buf;
	size_t len;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.cursor = 5;
	m.limit = 7;
	m.has_scope = true;
	m.nchildren = 1;
	m.until = 6;
	assert_int_equal(wire_encode_pull_req(&m, &buf, &len), 0);
	assert_int_equal(len, sizeof(head) + 32 + sizeof(tail) + 16 +
	    sizeof(until));
	assert_memory_equal(buf, head, sizeof(head));
	assert_memory_equal(buf + sizeof(head) + 32, tail, sizeof(tail));
	assert_memory_equal(buf + len - sizeof(until), until, sizeof(until));
	free(buf);
	/* Without children, `until` is not written, whatever it holds. */
	m.has_scope = false;
	m.nchildren = 0;
	m.until = 1;
	assert_int_equal(wire_encode_pull_req(&m, &buf, &len), 0);
	assert_int_equal(buf[0], 0x83);
	assert_false(contains(buf, len, "\xa5" "until", 6));
	assert_false(contains(buf, len, "\xa5" "scope", 6));
	free(buf);
	/* Nor is a response's scope when it has none. */
	memset(&r, 0, sizeof(r));
	r.nscope = 3;
	assert_int_equal(wire_encode_pull_resp(&r, &buf, &len), 0);
	assert_int_equal(buf[0], 0x85);
	assert_false(contains(buf, len, "\xa5" "scope", 6));
	free(buf);
}

/* Packs a pull_req with cursor, `children` of n ids (id i+1 repeats id
 * i when dup_at == i + 1) unless n is SIZE_MAX, and `until` unless
 * until is UINT64_MAX. */
static void
pack_backfill(msgpack_sbuffer *sb, uint64_t cursor, size_t n, size_t dup_at,
    uint64_t until)
{
	uint8_t ids[LIMIT_BACKFILL_CHILDREN + 2][LIMIT_ID_LEN];
	msgpack_packer pk;
	size_t i;

	assert_true(n == SIZE_MAX || n <= LIMIT_BACKFILL_CHILDREN + 2);
	pack_begin(sb, &pk);
	msgpack_pack_map(&pk, 3 + (n != SIZE_MAX) + (until != UINT64_MAX));
	pack_str(&pk, "v");
	msgpack_pack_uint8(&pk, 1);
	pack_str(&pk, "cursor");
	msgpack_pack_uint64(&pk, cursor);
	pack_str(&pk, "limit");
	msgpack_pack_uint16(&pk, 500);
	if (n != SIZE_MAX) {
		fill_ids(ids, n);
		if (dup_at > 0 && dup_at < n)
			memcpy(ids[dup_at], ids[dup_at - 1], LIMIT_ID_LEN);
		pack_str(&pk, "children");
		msgpack_pack_array(&pk, n);
		for (i = 0; i < n; i++) {
			msgpack_pack_bin(&pk, LIMIT_ID_LEN);
			msgpack_pack_bin_body(&pk, ids[i], LIMIT_ID_LEN);
		}
	}
	if (until != UINT64_MAX) {
		pack_str(&pk, "until");
		msgpack_pack_uint64(&pk, until);
	}
}

static void
test_backfill_refusals(void **state)
{
	static const struct {
		uint64_t cursor;
		size_t n, dup_at;
		uint64_t until;
		int rc;
		const char *why;
	} cases[] = {
		{ 0, 1, 0, 0, 0, NULL },
		{ 9, 64, 0, 9, 0, NULL },
		{ 9, 65, 0, 9, IRO_ETOOBIG,
		    "children: 65 child ids is over the limit of 64" },
		{ 9, 0, 0, 9, IRO_EPROTO,
		    "children: expected at least 1 child id" },
		{ 9, 2, 1, 9, IRO_EPROTO, "children[1]: duplicate child id" },
		{ 9, 64, 63, 9, IRO_EPROTO,
		    "children[63]: duplicate child id" },
		{ 9, 3, 0, 8, IRO_EPROTO, "until: 8 is before the cursor 9" },
		{ 9, 3, 0, UINT64_MAX, IRO_EPROTO, "missing key 'until'" },
		{ 9, SIZE_MAX, 0, 9, IRO_EPROTO,
		    "until: only allowed with 'children'" },
		{ 9, SIZE_MAX, 0, UINT64_MAX, 0, NULL },
	};
	msgpack_sbuffer sb;
	char why[256];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pack_backfill(&sb, cases[i].cursor, cases[i].n,
		    cases[i].dup_at, cases[i].until);
		rc = decode_any(D_PULL_REQ, (uint8_t *)sb.data, sb.size, why,
		    sizeof(why));
		if (rc != cases[i].rc)
			fail_msg("case %zu: got %d (%s)", i, rc, why);
		if (cases[i].why != NULL)
			assert_string_equal(why, cases[i].why);
		msgpack_sbuffer_destroy(&sb);
	}
}

/* A pull_resp page with `scope` holding len bytes (ids 0, 1, ... or the
 * bytes given), and nchanges changes. */
static void
pack_scope_page(msgpack_sbuffer *sb, const uint8_t *bytes, size_t len,
    size_t nchanges)
{
	msgpack_packer pk;

	pack_begin(sb, &pk);
	msgpack_pack_map(&pk, 6);
	pack_str(&pk, "v");
	msgpack_pack_uint8(&pk, 1);
	pack_str(&pk, "changes");
	pack_changes(sb, &pk, nchanges);
	pack_str(&pk, "cursor");
	msgpack_pack_uint8(&pk, 3);
	pack_str(&pk, "more");
	msgpack_pack_true(&pk);
	pack_str(&pk, "time");
	msgpack_pack_uint64(&pk, T0);
	pack_str(&pk, "scope");
	msgpack_pack_bin(&pk, len);
	if (len > 0)
		msgpack_pack_bin_body(&pk, bytes, len);
}

static void
test_scope_page_refusals(void **state)
{
	uint8_t (*ids)[LIMIT_ID_LEN];
	msgpack_sbuffer sb;
	char why[256];
	size_t k;

	(void)state;
	ids = calloc(LIMIT_SCOPE_CHILDREN + 1, LIMIT_ID_LEN);
	assert_non_null(ids);
	fill_ids(ids, LIMIT_SCOPE_CHILDREN + 1);
	for (k = 1; k < LIMIT_ID_LEN; k++) {
		pack_scope_page(&sb, ids[0], 2 * LIMIT_ID_LEN + k, 0);
		assert_int_equal(decode_any(D_PULL_RESP, (uint8_t *)sb.data,
		    sb.size, why, sizeof(why)), IRO_EPROTO);
		assert_non_null(strstr(why, "not a whole number of ids"));
		msgpack_sbuffer_destroy(&sb);
	}
	pack_scope_page(&sb, ids[0], LIMIT_SCOPE_CHILDREN * LIMIT_ID_LEN, 0);
	assert_int_equal(decode_any(D_PULL_RESP, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), 0);
	msgpack_sbuffer_destroy(&sb);
	pack_scope_page(&sb, ids[0], (LIMIT_SCOPE_CHILDREN + 1) *
	    LIMIT_ID_LEN, 0);
	assert_int_equal(decode_any(D_PULL_RESP, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), IRO_ETOOBIG);
	msgpack_sbuffer_destroy(&sb);
	/* Out of order at the end; the same id twice. */
	memcpy(ids[LIMIT_SCOPE_CHILDREN - 1], ids[0], LIMIT_ID_LEN);
	pack_scope_page(&sb, ids[0], LIMIT_SCOPE_CHILDREN * LIMIT_ID_LEN, 0);
	assert_int_equal(decode_any(D_PULL_RESP, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), IRO_EPROTO);
	assert_string_equal(why, "scope: ids are not sorted and unique");
	msgpack_sbuffer_destroy(&sb);
	memcpy(ids[2], ids[1], LIMIT_ID_LEN);
	pack_scope_page(&sb, ids[0], 3 * LIMIT_ID_LEN, 0);
	assert_int_equal(decode_any(D_PULL_RESP, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), IRO_EPROTO);
	msgpack_sbuffer_destroy(&sb);
	/* A scope page carries no changes, even with an empty scope. */
	pack_scope_page(&sb, NULL, 0, 1);
	assert_int_equal(decode_any(D_PULL_RESP, (uint8_t *)sb.data, sb.size,
	    why, sizeof(why)), IRO_EPROTO);
	assert_string_equal(why, "scope: a page with a scope carries no "
	    "changes");
	msgpack_sbuffer_destroy(&sb);
	free(ids);
}

static void
test_scope_encoder_limits(void **state)
{
	struct wire_pull_req q;
	struct wire_pull_resp r;
	struct change c;
	uint8_t (*ids)[LIMIT_ID_LEN];
	uint8_t *out;
	size_t len;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.cursor = 10;
	q.limit = 1;
	q.nchildren = LIMIT_BACKFILL_CHILDREN + 1;
	q.until = 10;
	ENC_FAILS(wire_encode_pull_req(&q, &out, &len), IRO_EINVAL);
	q.nchildren = 2;
	fill_ids(q.children, 2);
	q.until = 9;
	ENC_FAILS(wire_encode_pull_req(&q, &out, &len), IRO_EINVAL);
	q.until = 10;
	memcpy(q.children[1], q.children[0], LIMIT_ID_LEN);
	ENC_FAILS(wire_encode_pull_req(&q, &out, &len), IRO_EINVAL);
	fill_ids(q.children, 2);
	assert_int_equal(wire_encode_pull_req(&q, &out, &len), 0);
	free(out);
	/* Without children, `until` means nothing and is not checked. */
	q.nchildren = 0;
	q.until = 0;
	assert_int_equal(wire_encode_pull_req(&q, &out, &len), 0);
	free(out);

	ids = calloc(LIMIT_SCOPE_CHILDREN + 1, LIMIT_ID_LEN);
	assert_non_null(ids);
	fill_ids(ids, LIMIT_SCOPE_CHILDREN + 1);
	memset(&r, 0, sizeof(r));
	r.more = true;
	r.has_scope = true;
	r.scope = ids;
	r.nscope = LIMIT_SCOPE_CHILDREN + 1;
	ENC_FAILS(wire_encode_pull_resp(&r, &out, &len), IRO_EINVAL);
	r.nscope = LIMIT_SCOPE_CHILDREN;
	assert_int_equal(wire_encode_pull_resp(&r, &out, &len), 0);
	free(out);
	r.nscope = 2;
	r.scope = ids + 1;
	r.scope[1][0] = 0;                    /* now before ids[1] */
	ENC_FAILS(wire_encode_pull_resp(&r, &out, &len), IRO_EINVAL);
	r.scope = ids + 2;
	memcpy(r.scope[1], r.scope[0], LIMIT_ID_LEN);
	ENC_FAILS(wire_encode_pull_resp(&r, &out, &len), IRO_EINVAL);
	r.scope = NULL;
	ENC_FAILS(wire_encode_pull_resp(&r, &out, &len), IRO_EINVAL);
	/* A scope page with a change, even with an empty scope. */
	r.nscope = 0;
	make_change(&c, 1, "x");
	r.changes = &c;
	r.nchanges = 1;
	ENC_FAILS(wire_encode_pull_resp(&r, &out, &len), IRO_EINVAL);
	r.has_scope = false;
	assert_int_equal(wire_encode_pull_resp(&r, &out, &len), 0);
	free(out);
	change_clear(&c);
	free(ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_roundtrip),
		cmocka_unit_test(test_messages_roundtrip),
		cmocka_unit_test(test_canonical_bytes),
		cmocka_unit_test(test_optional_keys_omitted),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_unknown_keys_ignored),
		cmocka_unit_test(test_why_names_the_key),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_too_many_changes),
		cmocka_unit_test(test_oversize_strings),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_floats_and_ext),
		cmocka_unit_test(test_map_limits),
		cmocka_unit_test(test_change_rules),
		cmocka_unit_test(test_empty_and_oversize_input),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_encoder_limits),
		cmocka_unit_test(test_change_size_bound),
		cmocka_unit_test(test_pull_req_scope_roundtrip),
		cmocka_unit_test(test_pull_resp_scope_roundtrip),
		cmocka_unit_test(test_scope_canonical_bytes),
		cmocka_unit_test(test_backfill_refusals),
		cmocka_unit_test(test_scope_page_refusals),
		cmocka_unit_test(test_scope_encoder_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
