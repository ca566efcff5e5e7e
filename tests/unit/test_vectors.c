/*
 * test_vectors.c - the golden vectors of proto/vectors/: each decodes to
 * the values it was written with and re-encodes byte for byte; each
 * message of proto/vectors/invalid/ is refused with the error its
 * MANIFEST names.  Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "iro_error.h"
#include "wire.h"

#define VEC_DIR "proto/vectors/"
#define T0 1718000000000ULL

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open '%s'", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint8_t *
vector(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), VEC_DIR "%s.msgpack", name);
	return slurp(path, len);
}

static void
assert_id(const uint8_t *id, const char *hex)
{
	char got[2 * LIMIT_ID_LEN + 1];

	hex_encode(id, LIMIT_ID_LEN, got);
	assert_string_equal(got, hex);
}

static void
assert_same_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
}

#define DEV "0123456789abcdef0123456789abcdef"
#define DEV2 "fedcba9876543210fedcba9876543210"

static void
test_enrol_req(void **state)
{
	struct wire_enrol_req m;
	uint8_t *buf, *enc;
	size_t len, elen, i;
	char why[256];

	(void)state;
	buf = vector("enrol_req", &len);
	assert_int_equal(wire_decode_enrol_req(buf, len, &m, why, sizeof(why)),
	    0);
	assert_string_equal(m.user, "asha.patel");
	assert_string_equal(m.password, "correct horse battery staple");
	assert_string_equal(m.name, "Asha's phone");
	assert_id(m.device, DEV);
	for (i = 0; i < sizeof(m.pubkey); i++)
		assert_int_equal(m.pubkey[i], i);
	assert_int_equal(wire_encode_enrol_req(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	wire_enrol_req_clear(&m);
	assert_int_equal(m.password[0], 0);
	free(enc);
	free(buf);
}

static void
test_enrol_resp(void **state)
{
	struct wire_enrol_resp m;
	uint8_t *buf, *enc;
	size_t len, elen;

	(void)state;
	buf = vector("enrol_resp", &len);
	assert_int_equal(wire_decode_enrol_resp(buf, len, &m, NULL, 0), 0);
	assert_id(m.device, DEV);
	assert_id(m.server, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	assert_string_equal(m.user, "asha.patel");
	assert_string_equal(m.role, "iro");
	assert_int_equal(m.time_ms, T0);
	assert_int_equal(wire_encode_enrol_resp(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	free(enc);
	free(buf);
}

static void
check_push_changes(const struct change *c)
{
	/* The resolution: a string with base and sup. */
	assert_id(c[0].ts.device, DEV);
	assert_int_equal(c[0].seq, 7);
	assert_string_equal(c[0].type, "note");
	assert_id(c[0].record, "7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b");
	assert_string_equal(c[0].field, "text");
	assert_int_equal(c[0].value.type, VALUE_STR);
	assert_string_equal(c[0].value.s,
	    "Met Jamie at school; we talked about the contact plan.");
	assert_int_equal(c[0].ts.wall_ms, T0 + 123456);
	assert_int_equal(c[0].ts.counter, 2);
	assert_true(c[0].has_base);
	assert_int_equal(c[0].base.wall_ms, T0 + 100000);
	assert_id(c[0].base.device, DEV2);
	assert_string_equal(c[0].author, "asha.patel");
	assert_int_equal(c[0].nsup, 1);
	assert_int_equal(c[0].sup[0].wall_ms, T0 + 90000);
	assert_int_equal(c[0].sup[0].counter, 1);
	assert_id(c[0].sup[0].device, DEV);
	/* Then bool, int, negative int and nil. */
	assert_int_equal(c[1].value.type, VALUE_BOOL);
	assert_false(c[1].value.b);
	assert_false(c[1].has_base);
	assert_int_equal(c[1].nsup, 0);
	assert_null(c[1].sup);
	assert_int_equal(c[2].value.type, VALUE_INT);
	assert_int_equal(c[2].value.i, 45);
	assert_int_equal(c[3].value.type, VALUE_INT);
	assert_int_equal(c[3].value.i, -40);
	assert_int_equal(c[4].value.type, VALUE_NIL);
	assert_int_equal(c[4].ts.counter, 65536);
}

static void
test_push_req(void **state)
{
	struct wire_push_req m;
	uint8_t *buf, *enc;
	size_t len, elen;

	(void)state;
	buf = vector("push_req", &len);
	assert_int_equal(wire_decode_push_req(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.nchanges, 5);
	check_push_changes(m.changes);
	assert_int_equal(wire_encode_push_req(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	wire_push_req_clear(&m);
	free(enc);
	free(buf);

	buf = vector("push_req_empty", &len);
	assert_int_equal(wire_decode_push_req(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.nchanges, 0);
	assert_null(m.changes);
	assert_int_equal(wire_encode_push_req(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	free(enc);
	free(buf);
}

static void
test_push_resp(void **state)
{
	struct wire_push_resp m;
	uint8_t *buf, *enc;
	size_t len, elen;

	(void)state;
	buf = vector("push_resp", &len);
	assert_int_equal(wire_decode_push_resp(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.accepted, 3);
	assert_int_equal(m.duplicates, 1);
	assert_int_equal(m.nrefused, 1);
	assert_id(m.refused[0].device, DEV);
	assert_int_equal(m.refused[0].seq, 10);
	assert_string_equal(m.refused[0].code, "invalid_change");
	assert_string_equal(m.refused[0].reason, "visit.offset: no such field");
	assert_int_equal(m.time_ms, T0 + 124000);
	assert_int_equal(wire_encode_push_resp(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	wire_push_resp_clear(&m);
	free(enc);
	free(buf);

	buf = vector("push_resp_clean", &len);
	assert_int_equal(wire_decode_push_resp(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.accepted, 5);
	assert_int_equal(m.nrefused, 0);
	assert_int_equal(wire_encode_push_resp(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	free(enc);
	free(buf);
}

static void
test_pull_req(void **state)
{
	static const struct { const char *name; uint64_t cursor; uint32_t
	    limit; } cases[] = { { "pull_req", 1234, 500 },
	    { "pull_req_first", 0, 1000 } };
	struct wire_pull_req m;
	uint8_t *buf, *enc;
	size_t len, elen, i;

	(void)state;
	for (i = 0; i < 2; i++) {
		buf = vector(cases[i].name, &len);
		assert_int_equal(wire_decode_pull_req(buf, len, &m, NULL, 0),
		    0);
		assert_int_equal(m.cursor, cases[i].cursor);
		assert_int_equal(m.limit, cases[i].limit);
		assert_false(m.has_scope);
		assert_int_equal(m.nchildren, 0);
		assert_int_equal(wire_encode_pull_req(&m, &enc, &elen), 0);
		assert_same_bytes(enc, elen, buf, len);
		free(enc);
		free(buf);
	}
}

/* The digest of the one child the device holds (PROTOCOL.md, 5.8). */
#define DIGEST_CHILD \
	"5af6fb9827ed2ad32f6fa7220892c36fe77c237b30c8623c0cd072196ddd9f7e"
#define CHILD_B "2d7c5b1e9f0a48368b1c2d3e4f5a6978"
#define CHILD_C "e81a3fc20b4d5e6f708192a3b4c5d6e7"

static void
test_pull_req_scope(void **state)
{
	char digest[2 * LIMIT_SCOPE_DIGEST_LEN + 1];
	struct wire_pull_req m;
	uint8_t *buf, *enc;
	size_t len, elen;

	(void)state;
	buf = vector("pull_req_scope", &len);
	assert_int_equal(wire_decode_pull_req(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.cursor, 1234);
	assert_int_equal(m.limit, 500);
	assert_true(m.has_scope);
	hex_encode(m.scope, sizeof(m.scope), digest);
	assert_string_equal(digest, DIGEST_CHILD);
	assert_int_equal(m.nchildren, 0);
	assert_int_equal(wire_encode_pull_req(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	free(enc);
	free(buf);

	buf = vector("pull_req_backfill", &len);
	assert_int_equal(wire_decode_pull_req(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.cursor, 0);
	assert_int_equal(m.limit, 500);
	assert_false(m.has_scope);
	assert_int_equal(m.nchildren, 2);
	assert_id(m.children[0], CHILD_B);
	assert_id(m.children[1], CHILD_C);
	assert_int_equal(m.until, 1234);
	assert_int_equal(wire_encode_pull_req(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	free(enc);
	free(buf);
}

static void
test_pull_resp(void **state)
{
	struct wire_pull_resp m;
	uint8_t *buf, *enc;
	size_t len, elen;

	(void)state;
	buf = vector("pull_resp", &len);
	assert_int_equal(wire_decode_pull_resp(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.nchanges, 2);
	assert_id(m.changes[0].ts.device, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	assert_string_equal(m.changes[0].type, "child");
	assert_string_equal(m.changes[0].value.s, "Jamie");
	assert_string_equal(m.changes[0].author, "admin");
	assert_id(m.changes[1].ts.device, DEV2);
	assert_true(m.changes[1].has_base);
	assert_int_equal(m.cursor, 1236);
	assert_true(m.more);
	assert_int_equal(m.time_ms, T0 + 125000);
	assert_int_equal(wire_encode_pull_resp(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	wire_pull_resp_clear(&m);
	free(enc);
	free(buf);

	buf = vector("pull_resp_empty", &len);
	assert_int_equal(wire_decode_pull_resp(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.nchanges, 0);
	assert_false(m.more);
	assert_false(m.has_scope);
	assert_int_equal(wire_encode_pull_resp(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	free(enc);
	free(buf);
}

static void
test_pull_resp_scope(void **state)
{
	struct wire_pull_resp m;
	uint8_t *buf, *enc;
	size_t len, elen;

	(void)state;
	buf = vector("pull_resp_scope", &len);
	assert_int_equal(wire_decode_pull_resp(buf, len, &m, NULL, 0), 0);
	assert_int_equal(m.nchanges, 0);
	assert_int_equal(m.cursor, 1234);
	assert_true(m.more);
	assert_int_equal(m.time_ms, T0 + 125000);
	assert_true(m.has_scope);
	assert_int_equal(m.nscope, 2);
	assert_id(m.scope[0], CHILD_B);
	assert_id(m.scope[1], CHILD_C);
	assert_int_equal(wire_encode_pull_resp(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	wire_pull_resp_clear(&m);
	assert_null(m.scope);
	free(enc);
	free(buf);

	/* Nothing allocated: a scope, and an empty one. */
	buf = vector("pull_resp_scope_empty", &len);
	assert_int_equal(wire_decode_pull_resp(buf, len, &m, NULL, 0), 0);
	assert_true(m.has_scope);
	assert_int_equal(m.nscope, 0);
	assert_null(m.scope);
	assert_int_equal(wire_encode_pull_resp(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	wire_pull_resp_clear(&m);
	free(enc);
	free(buf);
}

static void
test_error(void **state)
{
	struct wire_error m;
	uint8_t *buf, *enc;
	size_t len, elen;

	(void)state;
	buf = vector("error", &len);
	assert_int_equal(wire_decode_error(buf, len, &m, NULL, 0), 0);
	assert_string_equal(m.code, "clock_skew");
	assert_string_equal(m.message,
	    "change stamped 412000 ms ahead of the server clock");
	assert_int_equal(m.time_ms, T0 + 130000);
	assert_int_equal(wire_encode_error(&m, &enc, &elen), 0);
	assert_same_bytes(enc, elen, buf, len);
	free(enc);
	free(buf);
}

static void
test_change(void **state)
{
	static const char *const names[] = { "change", "change_long",
		"change_delete" };
	struct change c;
	uint8_t *buf, *enc;
	size_t len, elen, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		buf = vector(names[i], &len);
		assert_int_equal(wire_decode_change(buf, len, &c, NULL, 0), 0);
		assert_int_equal(c.value.type, VALUE_STR);
		assert_string_equal(c.author, "asha.patel");
		assert_true(c.has_base);
		assert_true(wire_change_size(&c) >= len);
		assert_int_equal(wire_encode_change(&c, &enc, &elen), 0);
		assert_same_bytes(enc, elen, buf, len);
		change_clear(&c);
		free(enc);
		free(buf);
	}
	/* The long note takes the str16 form. */
	buf = vector("change_long", &len);
	assert_int_equal(wire_decode_change(buf, len, &c, NULL, 0), 0);
	assert_true(c.value.len >= 256);
	assert_string_equal(c.field, "note");
	change_clear(&c);
	free(buf);
	buf = vector("change_delete", &len);
	assert_int_equal(wire_decode_change(buf, len, &c, NULL, 0), 0);
	assert_string_equal(c.field, CHANGE_FIELD_DELETED);
	change_clear(&c);
	free(buf);
}

/* Decodes with the decoder named in the manifest, returning its result. */
static int
decode_as(const char *decoder, const uint8_t *buf, size_t len, char *why,
    size_t whylen)
{
	union {
		struct wire_enrol_req enrol_req;
		struct wire_enrol_resp enrol_resp;
		struct wire_push_req push_req;
		struct wire_push_resp push_resp;
		struct wire_pull_req pull_req;
		struct wire_pull_resp pull_resp;
		struct wire_error error;
		struct change change;
	} m;

	if (strcmp(decoder, "enrol_req") == 0)
		return wire_decode_enrol_req(buf, len, &m.enrol_req, why,
		    whylen);
	if (strcmp(decoder, "enrol_resp") == 0)
		return wire_decode_enrol_resp(buf, len, &m.enrol_resp, why,
		    whylen);
	if (strcmp(decoder, "push_req") == 0)
		return wire_decode_push_req(buf, len, &m.push_req, why, whylen);
	if (strcmp(decoder, "push_resp") == 0)
		return wire_decode_push_resp(buf, len, &m.push_resp, why,
		    whylen);
	if (strcmp(decoder, "pull_req") == 0)
		return wire_decode_pull_req(buf, len, &m.pull_req, why, whylen);
	if (strcmp(decoder, "pull_resp") == 0)
		return wire_decode_pull_resp(buf, len, &m.pull_resp, why,
		    whylen);
	if (strcmp(decoder, "error") == 0)
		return wire_decode_error(buf, len, &m.error, why, whylen);
	if (strcmp(decoder, "change") == 0)
		return wire_decode_change(buf, len, &m.change, why, whylen);
	fail_msg("unknown decoder '%s' in the manifest", decoder);
	return 0;
}

static int
error_code(const char *name)
{
	static const struct { const char *name; int code; } codes[] = {
		{ "IRO_EPROTO", IRO_EPROTO }, { "IRO_ETOOBIG", IRO_ETOOBIG },
		{ "IRO_EVERSION", IRO_EVERSION }, { "IRO_EINVAL", IRO_EINVAL },
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].name, name) == 0)
			return codes[i].code;
	fail_msg("unknown error '%s' in the manifest", name);
	return 0;
}

#define MAX_INVALID 256

static void
test_invalid(void **state)
{
	char listed[MAX_INVALID][64];
	char line[256], file[64], decoder[32], err[32], path[128];
	char why[256];
	size_t nlisted = 0, len, i;
	struct dirent *de;
	FILE *man;
	DIR *dir;
	uint8_t *buf;
	int rc;

	(void)state;
	man = fopen(VEC_DIR "invalid/MANIFEST", "r");
	assert_non_null(man);
	while (fgets(line, sizeof(line), man) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%63s %31s %31s", file, decoder,
		    err), 3);
		snprintf(path, sizeof(path), VEC_DIR "invalid/%s", file);
		buf = slurp(path, &len);
		rc = decode_as(decoder, buf, len, why, sizeof(why));
		if (rc != error_code(err))
			fail_msg("%s: got %d (%s), want %s", file, rc, why, err);
		assert_true(why[0] != '\0');
		free(buf);
		assert_true(nlisted < MAX_INVALID);
		snprintf(listed[nlisted++], sizeof(listed[0]), "%s", file);
	}
	fclose(man);
	assert_true(nlisted >= 30);
	/* Every file in the directory is listed, so none goes untested. */
	dir = opendir(VEC_DIR "invalid");
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		if (strstr(de->d_name, ".msgpack") == NULL)
			continue;
		for (i = 0; i < nlisted; i++)
			if (strcmp(listed[i], de->d_name) == 0)
				break;
		if (i == nlisted)
			fail_msg("'%s' is not in the MANIFEST", de->d_name);
	}
	closedir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enrol_req),
		cmocka_unit_test(test_enrol_resp),
		cmocka_unit_test(test_push_req),
		cmocka_unit_test(test_push_resp),
		cmocka_unit_test(test_pull_req),
		cmocka_unit_test(test_pull_req_scope),
		cmocka_unit_test(test_pull_resp),
		cmocka_unit_test(test_pull_resp_scope),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
