/*
 * fuzz_wire.c - libFuzzer target for every decoder of the wire codec.
 *
 * Each input is given to every decoder.  A decoder that refuses it must
 * leave its output cleared; one that accepts it must produce a message
 * that encodes, decodes back to an equal message, and encodes again to
 * the same (canonical) bytes, no longer than the input.  Any violation
 * aborts, which is how libFuzzer records a finding.
 *
 * tests/unit/test_fuzz_corpus.c includes this file to replay the corpus
 * under `make test`, defining FUZZ_FAIL to report through cmocka instead.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iro_error.h"
#include "wire.h"

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(what) fuzz_abort(what)

static void
fuzz_abort(const char *what)
{
	fprintf(stderr, "fuzz_wire: %s\n", what);
	abort();
}
#endif

#define FUZZ_CHECK(cond, what)                                             \
	do {                                                               \
		if (!(cond))                                               \
			FUZZ_FAIL(what);                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

union fuzz_msg {
	struct wire_enrol_req enrol_req;
	struct wire_enrol_resp enrol_resp;
	struct wire_push_req push_req;
	struct wire_push_resp push_resp;
	struct wire_pull_req pull_req;
	struct wire_pull_resp pull_resp;
	struct wire_error error;
	struct change change;
};

struct fuzz_codec {
	const char *name;
	size_t size;
	int (*decode)(const uint8_t *, size_t, void *, char *, size_t);
	int (*encode)(const void *, uint8_t **, size_t *);
	void (*clear)(void *);
	bool (*equal)(const void *, const void *);
};

static bool
fuzz_changes_equal(const struct change *a, size_t na, const struct change *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (!change_same_content(&a[i], &b[i]))
			return false;
		/* The size bound others pack pushes with must hold. */
		FUZZ_CHECK(wire_change_size(&a[i]) != SIZE_MAX,
		    "decoded change over a limit");
	}
	return true;
}

static bool
eq_enrol_req(const void *pa, const void *pb)
{
	const struct wire_enrol_req *a = pa, *b = pb;

	return strcmp(a->user, b->user) == 0 &&
	    strcmp(a->password, b->password) == 0 &&
	    memcmp(a->device, b->device, sizeof(a->device)) == 0 &&
	    strcmp(a->name, b->name) == 0 &&
	    memcmp(a->pubkey, b->pubkey, sizeof(a->pubkey)) == 0;
}

static bool
eq_enrol_resp(const void *pa, const void *pb)
{
	const struct wire_enrol_resp *a = pa, *b = pb;

	return memcmp(a->device, b->device, sizeof(a->device)) == 0 &&
	    strcmp(a->user, b->user) == 0 && strcmp(a->role, b->role) == 0 &&
	    memcmp(a->server, b->server, sizeof(a->server)) == 0 &&
	    a->time_ms == b->time_ms;
}

static bool
eq_push_req(const void *pa, const void *pb)
{
	const struct wire_push_req *a = pa, *b = pb;

	return fuzz_changes_equal(a->changes, a->nchanges, b->changes,
	    b->nchanges);
}

static bool
eq_push_resp(const void *pa, const void *pb)
{
	const struct wire_push_resp *a = pa, *b = pb;
	size_t i;

	if (a->accepted != b->accepted || a->duplicates != b->duplicates ||
	    a->time_ms != b->time_ms || a->nrefused != b->nrefused)
		return false;
	for (i = 0; i < a->nrefused; i++) {
		const struct wire_refusal *x = &a->refused[i];
		const struct wire_refusal *y = &b->refused[i];

		if (memcmp(x->device, y->device, sizeof(x->device)) != 0 ||
		    x->seq != y->seq || strcmp(x->code, y->code) != 0 ||
		    strcmp(x->reason, y->reason) != 0)
			return false;
	}
	return true;
}

static bool
eq_pull_req(const void *pa, const void *pb)
{
	const struct wire_pull_req *a = pa, *b = pb;

	return a->cursor == b->cursor && a->limit == b->limit &&
	    a->has_scope == b->has_scope &&
	    (!a->has_scope ||
	    memcmp(a->scope, b->scope, sizeof(a->scope)) == 0) &&
	    a->nchildren == b->nchildren &&
	    (a->nchildren == 0 || (a->until == b->until &&
	    memcmp(a->children, b->children,
	    a->nchildren * sizeof(a->children[0])) == 0));
}

static bool
eq_pull_resp(const void *pa, const void *pb)
{
	const struct wire_pull_resp *a = pa, *b = pb;

	if (a->has_scope != b->has_scope || a->nscope != b->nscope ||
	    (a->nscope > 0 && memcmp(a->scope, b->scope,
	    a->nscope * sizeof(a->scope[0])) != 0))
		return false;
	return a->cursor == b->cursor && a->more == b->more &&
	    a->time_ms == b->time_ms &&
	    fuzz_changes_equal(a->changes, a->nchanges, b->changes,
	    b->nchanges);
}

static bool
eq_error(const void *pa, const void *pb)
{
	const struct wire_error *a = pa, *b = pb;

	return strcmp(a->code, b->code) == 0 &&
	    strcmp(a->message, b->message) == 0 && a->time_ms == b->time_ms;
}

static bool
eq_change(const void *pa, const void *pb)
{
	return fuzz_changes_equal(pa, 1, pb, 1);
}

static void
clear_nothing(void *m)
{
	(void)m;
}

/* Typed wrappers, so that no function is called through a pointer of
 * another type. */
#define FUZZ_CODEC(name, type, clearfn)                                    \
	static int dec_##name(const uint8_t *b, size_t n, void *m, char *w, \
	    size_t wl)                                                     \
	{                                                                  \
		return wire_decode_##name(b, n, (type *)m, w, wl);         \
	}                                                                  \
	static int enc_##name(const void *m, uint8_t **out, size_t *len)   \
	{                                                                  \
		return wire_encode_##name((const type *)m, out, len);      \
	}                                                                  \
	static void clr_##name(void *m)                                    \
	{                                                                  \
		clearfn((type *)m);                                        \
	}

FUZZ_CODEC(enrol_req, struct wire_enrol_req, wire_enrol_req_clear)
FUZZ_CODEC(enrol_resp, struct wire_enrol_resp, clear_nothing)
FUZZ_CODEC(push_req, struct wire_push_req, wire_push_req_clear)
FUZZ_CODEC(push_resp, struct wire_push_resp, wire_push_resp_clear)
FUZZ_CODEC(pull_req, struct wire_pull_req, clear_nothing)
FUZZ_CODEC(pull_resp, struct wire_pull_resp, wire_pull_resp_clear)
FUZZ_CODEC(error, struct wire_error, clear_nothing)
FUZZ_CODEC(change, struct change, change_clear)

#define FUZZ_ENTRY(name, type) { #name, sizeof(type), dec_##name,          \
	enc_##name, clr_##name, eq_##name }

static const struct fuzz_codec fuzz_codecs[] = {
	FUZZ_ENTRY(enrol_req, struct wire_enrol_req),
	FUZZ_ENTRY(enrol_resp, struct wire_enrol_resp),
	FUZZ_ENTRY(push_req, struct wire_push_req),
	FUZZ_ENTRY(push_resp, struct wire_push_resp),
	FUZZ_ENTRY(pull_req, struct wire_pull_req),
	FUZZ_ENTRY(pull_resp, struct wire_pull_resp),
	FUZZ_ENTRY(error, struct wire_error),
	FUZZ_ENTRY(change, struct change),
};

static bool
fuzz_all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void
fuzz_roundtrip(const struct fuzz_codec *c, const uint8_t *data, size_t size)
{
	union fuzz_msg m1, m2;
	uint8_t *e1 = NULL, *e2 = NULL;
	size_t n1 = 0, n2 = 0;
	char why[256];
	int rc;

	memset(&m1, 0xa5, sizeof(m1));
	rc = c->decode(data, size, &m1, why, sizeof(why));
	if (rc != 0) {
		FUZZ_CHECK(rc == IRO_EPROTO || rc == IRO_ETOOBIG ||
		    rc == IRO_EVERSION || rc == IRO_EINVAL,
		    "unexpected error code");
		FUZZ_CHECK(why[0] != '\0', "refused without a reason");
		FUZZ_CHECK(fuzz_all_zero(&m1, c->size),
		    "refused message not left cleared");
		return;
	}
	FUZZ_CHECK(c->encode(&m1, &e1, &n1) == 0, "re-encode failed");
	FUZZ_CHECK(n1 <= size, "canonical encoding longer than the input");
	FUZZ_CHECK(c->decode != dec_change ||
	    n1 <= wire_change_size(&m1.change),
	    "wire_change_size is not an upper bound");
	rc = c->decode(e1, n1, &m2, why, sizeof(why));
	FUZZ_CHECK(rc == 0, "own encoding refused");
	FUZZ_CHECK(c->equal(&m1, &m2), "round trip changed the message");
	FUZZ_CHECK(c->encode(&m2, &e2, &n2) == 0, "second encode failed");
	FUZZ_CHECK(n1 == n2 && memcmp(e1, e2, n1) == 0,
	    "encoding is not canonical");
	free(e1);
	free(e2);
	c->clear(&m1);
	c->clear(&m2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(fuzz_codecs) / sizeof(fuzz_codecs[0]); i++)
		fuzz_roundtrip(&fuzz_codecs[i], data, size);
	return 0;
}
