/*
 * replica_seal.c - values sealed under the data key and bound to their
 * rows: the associated data of a change is record id || field || NUL ||
 * device id || seq, and of a refusal reason "reason:" || device id || seq
 * (seq as 8 bytes, big-endian), so a sealed blob does not open anywhere
 * but in the row it was written to.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "replica_int.h"
#include "wire.h"

#define REPLICA_REASON_AD "reason:"
/* record || field || NUL || device || seq (big-endian) */
#define CHANGE_AD_MAX (2 * LIMIT_ID_LEN + LIMIT_NAME_MAX + 1 + 8)
#define REASON_AD_LEN (sizeof(REPLICA_REASON_AD) - 1 + LIMIT_ID_LEN + 8)

void
replica_be64_put(uint8_t p[8], uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

uint64_t
replica_be64_get(const uint8_t p[8])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* field must be at most LIMIT_NAME_MAX bytes (checked by the caller). */
static size_t
change_ad(const uint8_t record[LIMIT_ID_LEN], const char *field,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq,
    uint8_t ad[CHANGE_AD_MAX])
{
	size_t flen = strlen(field), n = 0;

	memcpy(ad, record, LIMIT_ID_LEN);
	n += LIMIT_ID_LEN;
	memcpy(ad + n, field, flen + 1);
	n += flen + 1;
	memcpy(ad + n, device, LIMIT_ID_LEN);
	n += LIMIT_ID_LEN;
	replica_be64_put(ad + n, seq);
	return n + 8;
}

static size_t
reason_ad(const uint8_t device[LIMIT_ID_LEN], uint64_t seq,
    uint8_t ad[REASON_AD_LEN])
{
	size_t n = sizeof(REPLICA_REASON_AD) - 1;

	memcpy(ad, REPLICA_REASON_AD, n);
	memcpy(ad + n, device, LIMIT_ID_LEN);
	replica_be64_put(ad + n + LIMIT_ID_LEN, seq);
	return n + LIMIT_ID_LEN + 8;
}

int
replica_col_unseal(struct replica *r, sqlite3_stmt *st, int i,
    const uint8_t *ad, size_t adlen, uint8_t **out, size_t *outlen)
{
	const void *p;
	int n;

	*out = NULL;
	*outlen = 0;
	if (sqlite3_column_type(st, i) != SQLITE_BLOB)
		return IRO_ECORRUPT;
	p = sqlite3_column_blob(st, i);
	n = sqlite3_column_bytes(st, i);
	if (p == NULL || n < CRYPTO_SEAL_OVERHEAD)
		return IRO_ECORRUPT;
	/* Erased (replica_erase): nothing opens any more. */
	if (r->key == NULL)
		return IRO_EREVOKED;
	return crypto_open(r->key, p, (size_t)n, ad, adlen, out, outlen);
}

int
replica_seal_change(struct replica *r, const struct change *c,
    uint8_t **out, size_t *outlen)
{
	uint8_t ad[CHANGE_AD_MAX], *enc = NULL;
	size_t adlen, enclen = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (r->key == NULL)
		return replica_fail(r, IRO_EREVOKED, "%s", REPLICA_REVOKED_MSG);
	if ((rc = wire_encode_change(c, &enc, &enclen)) != 0)
		return replica_fail(r, rc, "cannot encode a change: %s",
		    iro_strerror(rc));
	adlen = change_ad(c->record, c->field, c->ts.device, c->seq, ad);
	rc = crypto_seal(r->key, enc, enclen, ad, adlen, out, outlen);
	crypto_wipe(enc, enclen);
	free(enc);
	if (rc != 0)
		return replica_fail(r, rc, "cannot encrypt a change: %s",
		    iro_strerror(rc));
	return 0;
}

int
replica_open_change(struct replica *r, sqlite3_stmt *st, struct change *out)
{
	uint8_t ad[CHANGE_AD_MAX], *plain = NULL;
	const uint8_t *dev, *rec;
	const char *field;
	char why[128];
	size_t adlen, plen = 0;
	int64_t seq;
	int rc;

	change_init(out);
	dev = replica_col_fixed(st, 0, LIMIT_ID_LEN);
	seq = sqlite3_column_int64(st, 1);
	rec = replica_col_fixed(st, 2, LIMIT_ID_LEN);
	field = replica_col_name(st, 3, LIMIT_NAME_MAX);
	if (dev == NULL || rec == NULL || field == NULL ||
	    sqlite3_column_type(st, 1) != SQLITE_INTEGER || seq < 1)
		return replica_corrupt_change(r, dev, seq);
	adlen = change_ad(rec, field, dev, (uint64_t)seq, ad);
	if ((rc = replica_col_unseal(r, st, 4, ad, adlen, &plain, &plen)) ==
	    0) {
		rc = wire_decode_change(plain, plen, out, why, sizeof(why));
		crypto_wipe(plain, plen);
		free(plain);
	}
	if (rc == IRO_ENOMEM)
		return replica_fail(r, rc, "out of memory");
	if (rc != 0 || out->seq != (uint64_t)seq ||
	    memcmp(out->ts.device, dev, LIMIT_ID_LEN) != 0 ||
	    memcmp(out->record, rec, LIMIT_ID_LEN) != 0 ||
	    strcmp(out->field, field) != 0) {
		change_clear(out);
		return replica_corrupt_change(r, dev, seq);
	}
	return 0;
}

int
replica_seal_reason(struct replica *r,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq, const char *reason,
    size_t rlen, uint8_t **out, size_t *outlen)
{
	uint8_t ad[REASON_AD_LEN];
	size_t adlen = reason_ad(device, seq, ad);
	int rc;

	if (r->key == NULL)
		return replica_fail(r, IRO_EREVOKED, "%s", REPLICA_REVOKED_MSG);
	rc = crypto_seal(r->key, (const uint8_t *)reason, rlen, ad, adlen, out,
	    outlen);
	if (rc != 0)
		return replica_fail(r, rc, "cannot encrypt a reason: %s",
		    iro_strerror(rc));
	return 0;
}

int
replica_open_reason(struct replica *r, sqlite3_stmt *st, int i,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq, char **out)
{
	uint8_t ad[REASON_AD_LEN], *plain = NULL;
	size_t plen = 0;
	int rc;

	*out = NULL;
	rc = replica_col_unseal(r, st, i, ad, reason_ad(device, seq, ad),
	    &plain, &plen);
	if (rc == 0)
		*out = (char *)plain;   /* crypto_open NUL-terminates */
	return rc;
}
