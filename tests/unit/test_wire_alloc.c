/*
 * test_wire_alloc.c - a message that declares far more than it holds is
 * refused while allocating almost nothing.
 *
 * msgpack-c trusts declared counts: 9 bytes declaring 2^32 array elements
 * would make it allocate about 100 GiB.  This test measures every byte
 * the process allocates while a decoder runs, including inside
 * libmsgpackc.so:
 *  - in a plain build, malloc/calloc/realloc/free are defined here and
 *    forward to glibc's __libc_* functions; the executable's definitions
 *    interpose on every shared library's calls;
 *  - under AddressSanitizer, which owns malloc, through its allocation
 *    hooks.
 * The plain build can also make the Nth allocation fail, to show that
 * every out-of-memory path returns IRO_ENOMEM and frees what it took.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <msgpack.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iro_error.h"
#include "wire.h"

#define SMALL_ALLOC (64 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

/* Bytes allocated and not yet freed since tracking began, their peak,
 * and every byte requested in that time (an upper bound on the peak).
 * Volatile: the compiler knows malloc reads no user memory and would
 * otherwise move or drop the stores to `tracking` around it. */
static volatile size_t live, peak, total;
static volatile bool tracking;
static volatile long fail_after;       /* > 0: the Nth allocation fails */

static void
note_alloc(size_t n)
{
	if (!tracking)
		return;
	live += n;
	total += n;
	if (live > peak)
		peak = live;
}

static void
note_free(size_t n)
{
	if (!tracking)
		return;
	live = n > live ? 0 : live - n;
}

#ifdef TEST_ASAN

#if defined(__has_include)
#if __has_include(<sanitizer/allocator_interface.h>)
#include <sanitizer/allocator_interface.h>
#define HAVE_ALLOCATOR_INTERFACE 1
#endif
#endif
#ifndef HAVE_ALLOCATOR_INTERFACE
/* gcc ships libasan without this header; the functions are there. */
int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *, size_t),
    void (*free_hook)(const volatile void *));
size_t __sanitizer_get_allocated_size(const volatile void *p);
#endif

static void
asan_malloc_hook(const volatile void *p, size_t n)
{
	(void)p;
	note_alloc(n);
}

static void
asan_free_hook(const volatile void *p)
{
	if (p != NULL)
		note_free(__sanitizer_get_allocated_size(p));
}

/* Returns false if the hooks could not be installed. */
static bool
tracker_install(void)
{
	return __sanitizer_install_malloc_and_free_hooks(asan_malloc_hook,
	    asan_free_hook) != 0;
}

#else /* !TEST_ASAN */

#include <malloc.h>

/* Whether this allocation is the one to fail. */
static bool
injected_failure(void)
{
	return tracking && fail_after > 0 && --fail_after == 0;
}

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

void *
malloc(size_t n)
{
	void *p = injected_failure() ? NULL : __libc_malloc(n);

	if (p != NULL)
		note_alloc(malloc_usable_size(p));
	return p;
}

void *
calloc(size_t n, size_t size)
{
	void *p = injected_failure() ? NULL : __libc_calloc(n, size);

	if (p != NULL)
		note_alloc(malloc_usable_size(p));
	return p;
}

void *
realloc(void *p, size_t n)
{
	size_t old = p != NULL ? malloc_usable_size(p) : 0;
	void *q = injected_failure() ? NULL : __libc_realloc(p, n);

	if (q != NULL || n == 0) {
		note_free(old);
		if (q != NULL)
			note_alloc(malloc_usable_size(q));
	}
	return q;
}

void
free(void *p)
{
	if (p != NULL)
		note_free(malloc_usable_size(p));
	__libc_free(p);
}

static bool
tracker_install(void)
{
	return true;
}

#endif /* TEST_ASAN */

static void
track_begin(void)
{
	live = peak = total = 0;
	tracking = true;
}

static void
track_end(void)
{
	tracking = false;
}

/* Runs one decoder on buf, measuring; returns its result. */
static int
decode_measured(int which, const uint8_t *buf, size_t len)
{
	struct wire_push_req push;
	struct wire_pull_resp pull;
	struct wire_push_resp resp;
	struct change c;
	char why[256];
	int rc = IRO_EINTERNAL;

	track_begin();
	switch (which) {
	case 0:
		rc = wire_decode_push_req(buf, len, &push, why, sizeof(why));
		break;
	case 1:
		rc = wire_decode_pull_resp(buf, len, &pull, why, sizeof(why));
		break;
	case 2:
		rc = wire_decode_push_resp(buf, len, &resp, why, sizeof(why));
		break;
	case 3:
		rc = wire_decode_change(buf, len, &c, why, sizeof(why));
		break;
	}
	track_end();
	if (rc == 0) {
		if (which == 0)
			wire_push_req_clear(&push);
		else if (which == 1)
			wire_pull_resp_clear(&pull);
		else if (which == 2)
			wire_push_resp_clear(&resp);
		else
			change_clear(&c);
	}
	return rc;
}

/* The measurement sees allocations made by this program... */
static void
test_tracker_sees_malloc(void **state)
{
	void *volatile p;

	(void)state;
	track_begin();
	p = malloc(100000);
	track_end();
	assert_non_null(p);
	free(p);
	assert_true(peak >= 100000);
}

/* ...and inside libmsgpackc.so, which, given the bytes unchecked,
 * allocates for every element a 3-byte array16 header declares. */
static void
test_tracker_sees_msgpack(void **state)
{
	static const char lie[] = { (char)0xdc, (char)0xff, (char)0xff, 0x01 };
	msgpack_unpacked up;
	size_t off = 0;
	int ret;

	(void)state;
	msgpack_unpacked_init(&up);
	track_begin();
	ret = msgpack_unpack_next(&up, lie, sizeof(lie), &off);
	track_end();
	msgpack_unpacked_destroy(&up);
	assert_int_not_equal(ret, MSGPACK_UNPACK_SUCCESS);
	assert_true(peak >= 65535 * sizeof(msgpack_object));
}

static const struct {
	const char *what;
	size_t len;
	const uint8_t bytes[24];
} bombs[] = {
	{ "array32 of 2^32-1", 9,
	    { 0xdd, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 } },
	{ "map32 of 2^32-1", 9,
	    { 0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'v', 0x01, 0xc0 } },
	{ "changes: array32 of 2^32-1", 18,
	    { 0x82, 0xa1, 'v', 0x01, 0xa7, 'c', 'h', 'a', 'n', 'g', 'e', 's',
	    0xdd, 0xff, 0xff, 0xff, 0xff, 0x80 } },
	{ "refused: array32 of 2^32-1", 18,
	    { 0x82, 0xa1, 'v', 0x01, 0xa7, 'r', 'e', 'f', 'u', 's', 'e', 'd',
	    0xdd, 0xff, 0xff, 0xff, 0xff, 0x80 } },
	{ "str32 of 2^32-1", 9,
	    { 0x81, 0xa1, 'v', 0xdb, 0xff, 0xff, 0xff, 0xff, 0x41 } },
	{ "bin32 of 2^32-1", 9,
	    { 0x81, 0xa1, 'v', 0xc6, 0xff, 0xff, 0xff, 0xff, 0x41 } },
	{ "array16 of 1000 in 4 bytes", 9,
	    { 0x81, 0xa1, 'v', 0xdc, 0x03, 0xe8, 0x90, 0x90, 0x90 } },
	{ "nested array32s", 15,
	    { 0x91, 0xdd, 0x00, 0x00, 0xff, 0xff, 0xdd, 0x00, 0x00, 0xff,
	    0xff, 0xdd, 0xff, 0xff, 0xff } },
};

static void
test_bombs_refused_cheaply(void **state)
{
	size_t i;
	int which, rc;

	(void)state;
	for (i = 0; i < sizeof(bombs) / sizeof(bombs[0]); i++) {
		for (which = 0; which < 4; which++) {
			rc = decode_measured(which, bombs[i].bytes,
			    bombs[i].len);
			if (rc != IRO_EPROTO && rc != IRO_ETOOBIG)
				fail_msg("%s: decoder %d returned %d",
				    bombs[i].what, which, rc);
			if (total >= SMALL_ALLOC || peak >= SMALL_ALLOC)
				fail_msg("%s: decoder %d allocated %zu bytes",
				    bombs[i].what, which, total);
		}
	}
}

/* The 9-byte message of the issue, on its own. */
static void
test_nine_bytes_four_billion_elements(void **state)
{
	static const uint8_t msg[9] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01,
		0x02, 0x03, 0x04 };
	int rc;

	(void)state;
	rc = decode_measured(0, msg, sizeof(msg));
	print_message("9-byte message declaring 2^32-1 elements: error %d, "
	    "peak %zu bytes, %zu requested\n", rc, (size_t)peak,
	    (size_t)total);
	assert_true(rc == IRO_EPROTO || rc == IRO_ETOOBIG);
	assert_true(peak < SMALL_ALLOC);
	assert_true(total < SMALL_ALLOC);
}

/* A big but honest message decodes, at a small multiple of its size. */
static void
test_big_honest_message(void **state)
{
	struct wire_pull_resp m = { 0 };
	uint8_t *buf;
	size_t len, i;
	char *text;

	(void)state;
	text = malloc(4001);
	assert_non_null(text);
	memset(text, 'n', 4000);
	text[4000] = '\0';
	m.nchanges = LIMIT_PULL_CHANGES;
	m.changes = calloc(m.nchanges, sizeof(*m.changes));
	assert_non_null(m.changes);
	for (i = 0; i < m.nchanges; i++) {
		struct change *c = &m.changes[i];

		c->seq = i + 1;
		c->ts.wall_ms = 1718000000000ULL + i;
		memset(c->ts.device, 0x42, LIMIT_ID_LEN);
		memset(c->record, (int)(i & 0xff), LIMIT_ID_LEN);
		strcpy(c->type, "note");
		strcpy(c->field, "text");
		strcpy(c->author, "asha.patel");
		assert_int_equal(value_set_str(&c->value, text, 4000), 0);
	}
	m.cursor = 1000;
	assert_int_equal(wire_encode_pull_resp(&m, &buf, &len), 0);
	assert_true(len > 4000000);
	assert_int_equal(decode_measured(1, buf, len), 0);
	print_message("%zu-byte pull_resp of %d changes: peak %zu bytes\n",
	    len, LIMIT_PULL_CHANGES, (size_t)peak);
	assert_true(peak > len);              /* it did keep the strings */
	assert_true(peak < 2 * len + (1u << 20));
	free(buf);
	wire_pull_resp_clear(&m);
	free(text);
}

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
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Fails each allocation of a decode and of an encode in turn: every
 * failure is IRO_ENOMEM, frees all it took and leaves the output clear. */
static void
test_out_of_memory(void **state)
{
	static const struct { const char *file; int which; } files[] = {
		{ "proto/vectors/push_req.msgpack", 0 },
		{ "proto/vectors/pull_resp.msgpack", 1 },
		{ "proto/vectors/push_resp.msgpack", 2 },
		{ "proto/vectors/pull_resp_scope.msgpack", 1 },
	};
	static const struct wire_pull_resp zero;
	struct wire_pull_resp m;
	uint8_t *buf, *out;
	size_t len, olen, f;
	long n;
	int rc, which;

	(void)state;
#ifdef TEST_ASAN
	skip();   /* ASan owns malloc: failures are injected in plain builds */
#endif
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		buf = slurp(files[f].file, &len);
		which = files[f].which;
		for (n = 1;; n++) {
			fail_after = n;
			rc = decode_measured(which, buf, len);
			fail_after = 0;
			if (rc == 0)
				break;
			assert_int_equal(rc, IRO_ENOMEM);
			assert_int_equal(live, 0);
		}
		assert_true(n > 2);   /* some allocation did fail */
		free(buf);
	}
	/* The output of a failed decode is clear. */
	buf = slurp(files[1].file, &len);
	fail_after = 3;
	track_begin();
	rc = wire_decode_pull_resp(buf, len, &m, NULL, 0);
	track_end();
	fail_after = 0;
	assert_int_equal(rc, IRO_ENOMEM);
	assert_memory_equal(&m, &zero, sizeof(m));
	/* Encoding fails cleanly too. */
	assert_int_equal(wire_decode_pull_resp(buf, len, &m, NULL, 0), 0);
	fail_after = 1;
	track_begin();
	rc = wire_encode_pull_resp(&m, &out, &olen);
	track_end();
	fail_after = 0;
	assert_int_equal(rc, IRO_ENOMEM);
	assert_null(out);
	assert_int_equal(live, 0);
	wire_pull_resp_clear(&m);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracker_sees_malloc),
		cmocka_unit_test(test_tracker_sees_msgpack),
		cmocka_unit_test(test_bombs_refused_cheaply),
		cmocka_unit_test(test_nine_bytes_four_billion_elements),
		cmocka_unit_test(test_big_honest_message),
		cmocka_unit_test(test_out_of_memory),
	};

	if (!tracker_install()) {
		fprintf(stderr, "cannot install the allocation hooks\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
