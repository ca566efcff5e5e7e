/*
 * replica_meta.c - small named values (username, server URL, the device's
 * secret key, clocks, cursors), each sealed with "meta:" and its key name
 * as associated data, so a value does not open under another name.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "iro_error.h"
#include "replica_int.h"

#define REPLICA_META_AD "meta:"
#define REPLICA_META_KEY_MAX 128
#define META_AD_MAX (sizeof(REPLICA_META_AD) - 1 + REPLICA_META_KEY_MAX)

/* Keys are 1..REPLICA_META_KEY_MAX visible ASCII characters. */
static int
meta_ad(struct replica *r, const char *key, uint8_t ad[META_AD_MAX],
    size_t *adlen)
{
	size_t n = sizeof(REPLICA_META_AD) - 1, i;

	*adlen = 0;
	for (i = 0; key != NULL && key[i] != '\0'; i++)
		if (i >= REPLICA_META_KEY_MAX || key[i] < 0x21 || key[i] > 0x7e)
			break;
	if (key == NULL || i == 0 || key[i] != '\0')
		return replica_fail(r, IRO_EINVAL, "bad meta key");
	memcpy(ad, REPLICA_META_AD, n);
	memcpy(ad + n, key, i);
	*adlen = n + i;
	return 0;
}

int
replica_meta_put(struct replica *r, const char *key, const void *val,
    size_t len)
{
	uint8_t ad[META_AD_MAX], *sealed = NULL;
	sqlite3_stmt *st = NULL;
	size_t adlen, slen = 0;
	int rc;

	if ((rc = meta_ad(r, key, ad, &adlen)) != 0)
		return rc;
	if (len > REPLICA_META_MAX)
		return replica_fail(r, IRO_ETOOBIG, "meta value '%s' too long",
		    key);
	if (r->key == NULL)
		return replica_fail(r, IRO_EREVOKED, "%s", REPLICA_REVOKED_MSG);
	if ((rc = crypto_seal(r->key, val, len, ad, adlen, &sealed, &slen)) != 0)
		return replica_fail(r, rc, "cannot encrypt '%s': %s", key,
		    iro_strerror(rc));
	if ((rc = replica_query(r, REPLICA_Q_META_PUT, &st, "tb", key, sealed,
	    slen)) == 0 && (rc = replica_step(r, st, "store a setting")) > 0)
		rc = 0;
	replica_done(st);
	free(sealed);
	return rc;
}

int
replica_meta_get(struct replica *r, const char *key, uint8_t **out,
    size_t *len)
{
	uint8_t ad[META_AD_MAX];
	sqlite3_stmt *st = NULL;
	size_t adlen;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = meta_ad(r, key, ad, &adlen)) != 0 ||
	    (rc = replica_query(r, REPLICA_Q_META_GET, &st, "t", key)) != 0)
		return rc;
	if ((rc = replica_step(r, st, "read a setting")) == 0)
		rc = replica_fail(r, IRO_ENOTFOUND, "'%s' is not set", key);
	if (rc < 0)
		goto out;
	rc = replica_col_unseal(r, st, 0, ad, adlen, out, len);
	if (rc == IRO_ECORRUPT)
		rc = replica_fail(r, rc, "setting '%s' in '" REPLICA_FILE "' is "
		    "damaged or was tampered with", key);
	else if (rc != 0)
		rc = replica_fail(r, rc, "out of memory");
out:
	replica_done(st);
	return rc;
}

int
replica_meta_put_u64(struct replica *r, const char *key, uint64_t v)
{
	uint8_t buf[8];

	replica_be64_put(buf, v);
	return replica_meta_put(r, key, buf, sizeof(buf));
}

int
replica_meta_get_u64(struct replica *r, const char *key, uint64_t *v)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	*v = 0;
	rc = replica_meta_get(r, key, &buf, &len);
	if (rc == IRO_ENOTFOUND) {
		r->msg[0] = '\0';
		return 0;
	}
	if (rc != 0)
		return rc;
	if (len == 8)
		*v = replica_be64_get(buf);
	else
		rc = replica_fail(r, IRO_ECORRUPT, "setting '%s' is not a number",
		    key);
	free(buf);
	return rc;
}
