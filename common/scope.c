/*
 * scope.c - sets of children and their digest (scope.h).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "scope.h"

static const char digest_tag[] = "IRO-SCOPE-1\n";

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, LIMIT_ID_LEN);
}

void
scope_sort(uint8_t (*ids)[LIMIT_ID_LEN], size_t *n)
{
	size_t i, kept = 0;

	if (*n == 0)
		return;
	qsort(ids, *n, LIMIT_ID_LEN, cmp_id);
	for (i = 0; i < *n; i++)
		if (kept == 0 || memcmp(ids[kept - 1], ids[i],
		    LIMIT_ID_LEN) != 0)
			memmove(ids[kept++], ids[i], LIMIT_ID_LEN);
	*n = kept;
}

bool
scope_valid(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n)
{
	size_t i;

	if (n > LIMIT_SCOPE_CHILDREN)
		return false;
	for (i = 1; i < n; i++)
		if (memcmp(ids[i - 1], ids[i], LIMIT_ID_LEN) >= 0)
			return false;
	return true;
}

void
scope_digest(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n,
    uint8_t out[LIMIT_SCOPE_DIGEST_LEN])
{
	_Static_assert(LIMIT_SCOPE_DIGEST_LEN == CRYPTO_HASH_LEN,
	    "the scope digest is a BLAKE2b-256");
	crypto_hash2((const uint8_t *)digest_tag, sizeof(digest_tag) - 1,
	    n > 0 ? ids[0] : NULL, n * LIMIT_ID_LEN, out);
}

bool
scope_has(const uint8_t (*ids)[LIMIT_ID_LEN], size_t n,
    const uint8_t id[LIMIT_ID_LEN])
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(ids[mid], id, LIMIT_ID_LEN);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
