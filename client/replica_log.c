/*
 * replica_log.c - the change log: every change the device knows, sealed,
 * with its outbox state (and, for a refusal, the server's reason).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "hex.h"
#include "iro_error.h"
#include "replica_int.h"

static int
name_ok(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	return n > 0 && n < size;
}

/* Names that fit, a seq SQLite can hold, and nothing the decoder would
 * refuse on the way back out. */
static int
change_ok(struct replica *r, const struct change *c)
{
	char why[128];

	if (!name_ok(c->type, sizeof(c->type)) ||
	    !name_ok(c->field, sizeof(c->field)))
		return replica_fail(r, IRO_EINVAL, "change without a valid type "
		    "or field name");
	if (c->seq < 1 || c->seq > INT64_MAX)
		return replica_fail(r, IRO_EINVAL, "change seq %llu out of range",
		    (unsigned long long)c->seq);
	if (change_check(c, why, sizeof(why)) != 0)
		return replica_fail(r, IRO_EINVAL, "invalid change: %s", why);
	return 0;
}

static int
state_ok(struct replica *r, enum replica_state s)
{
	if (s != REPLICA_REMOTE && s != REPLICA_PENDING && s != REPLICA_ACKED &&
	    s != REPLICA_REFUSED)
		return replica_fail(r, IRO_EINVAL, "bad change state %d", (int)s);
	return 0;
}

/* Step st (a REPLICA_CHANGE_COLS query) to the end, decrypting every row.
 * If type is given, every change must be of that type. */
static int
collect_changes(struct replica *r, sqlite3_stmt *st, const char *type,
    struct change **out, size_t *n)
{
	struct change *arr = NULL, *p;
	size_t cnt = 0, cap = 0;
	int rc;

	while ((rc = replica_step(r, st, "read changes")) == 1) {
		if ((p = replica_grow(arr, &cap, cnt, sizeof(*arr))) == NULL) {
			rc = replica_fail(r, IRO_ENOMEM, "out of memory");
			break;
		}
		arr = p;
		if ((rc = replica_open_change(r, st, &arr[cnt])) != 0)
			break;
		cnt++;
		if (type != NULL && strcmp(arr[cnt - 1].type, type) != 0) {
			rc = replica_corrupt_change(r, arr[cnt - 1].ts.device,
			    (int64_t)arr[cnt - 1].seq);
			break;
		}
	}
	replica_done(st);
	if (rc != 0) {
		change_free_array(arr, cnt);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- writing ----------------------------------------------------------- */

/* *inserted = 0 if (device, seq) was already there. */
static int
change_insert(struct replica *r, const struct change *c,
    enum replica_state state, const uint8_t *sealed, size_t slen,
    int *inserted)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*inserted = 0;
	if ((rc = replica_query(r, REPLICA_Q_CH_ADD, &st, "didtib",
	    c->ts.device, (int64_t)c->seq, c->record, c->field, (int64_t)state,
	    sealed, slen)) != 0)
		return rc;
	if ((rc = replica_step(r, st, "store a change")) >= 0) {
		*inserted = sqlite3_changes(r->db) > 0;
		rc = 0;
	}
	replica_done(st);
	return rc;
}

/* The stored change with c's id: identical (0) or not (ECONFLICT). */
static int
change_compare(struct replica *r, const struct change *c)
{
	struct change old;
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	change_init(&old);
	if ((rc = replica_query(r, REPLICA_Q_CH_GET, &st, "di", c->ts.device,
	    (int64_t)c->seq)) != 0)
		return rc;
	if ((rc = replica_step(r, st, "read a change")) == 0)
		rc = replica_fail(r, IRO_EINTERNAL, "a stored change vanished");
	if (rc < 0 || (rc = replica_open_change(r, st, &old)) != 0)
		goto out;
	if (!change_same_content(&old, c)) {
		hex_encode(c->ts.device, LIMIT_ID_LEN, hex);
		rc = replica_fail(r, IRO_ECONFLICT, "change %s/%llu is already "
		    "stored with other content", hex,
		    (unsigned long long)c->seq);
	}
out:
	replica_done(st);
	change_clear(&old);
	return rc;
}

int
replica_put_change(struct replica *r, const struct change *c,
    enum replica_state state, int *inserted)
{
	uint8_t *sealed = NULL;
	size_t slen = 0;
	int rc, own = 0;

	*inserted = 0;
	if ((rc = change_ok(r, c)) != 0 || (rc = state_ok(r, state)) != 0 ||
	    (rc = replica_seal_change(r, c, &sealed, &slen)) != 0)
		goto out;
	if ((rc = replica_wr_begin(r, &own)) != 0)
		goto out;
	if ((rc = replica_record_note(r, c->record, c->type)) == 0 &&
	    (rc = change_insert(r, c, state, sealed, slen, inserted)) == 0 &&
	    !*inserted)
		rc = change_compare(r, c);
	rc = replica_wr_end(r, own, rc);
out:
	if (rc != 0)
		*inserted = 0;
	free(sealed);
	return rc;
}

int
replica_replace_pending(struct replica *r, const struct change *c)
{
	uint8_t *sealed = NULL;
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t slen = 0;
	int rc;

	/* Record, type and field must stay: they route the row. */
	if ((rc = change_ok(r, c)) != 0 ||
	    (rc = replica_seal_change(r, c, &sealed, &slen)) != 0 ||
	    (rc = replica_query(r, REPLICA_Q_CH_REPLACE, &st, "dibidtt",
	    c->ts.device, (int64_t)c->seq, sealed, slen,
	    (int64_t)REPLICA_PENDING, c->record, c->field, c->type)) != 0 ||
	    (rc = replica_step(r, st, "update a change")) < 0)
		goto out;
	rc = 0;
	if (sqlite3_changes(r->db) == 0) {
		hex_encode(c->ts.device, LIMIT_ID_LEN, hex);
		rc = replica_fail(r, IRO_ENOTFOUND, "no pending change %s/%llu "
		    "of that record and field", hex, (unsigned long long)c->seq);
	}
out:
	replica_done(st);
	free(sealed);
	return rc;
}

int
replica_set_state(struct replica *r, const uint8_t device[LIMIT_ID_LEN],
    uint64_t seq, enum replica_state state, const char *reason)
{
	uint8_t *sealed = NULL;
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t slen = 0, rlen;
	int rc;

	hex_encode(device, LIMIT_ID_LEN, hex);
	if ((rc = state_ok(r, state)) != 0)
		return rc;
	if (seq < 1 || seq > INT64_MAX)
		return replica_fail(r, IRO_ENOTFOUND, "no change %s/%llu", hex,
		    (unsigned long long)seq);
	/* Only a refusal keeps a reason; any other state clears it. */
	if (state == REPLICA_REFUSED && reason != NULL) {
		if ((rlen = strlen(reason)) > LIMIT_MSG_STR_MAX)
			return replica_fail(r, IRO_ETOOBIG, "refusal reason too "
			    "long");
		if ((rc = replica_seal_reason(r, device, seq, reason, rlen,
		    &sealed, &slen)) != 0)
			return rc;
	}
	if ((rc = replica_query(r, REPLICA_Q_CH_STATE, &st, "diib", device,
	    (int64_t)seq, (int64_t)state, sealed, slen)) != 0 ||
	    (rc = replica_step(r, st, "update a change")) < 0)
		goto out;
	rc = sqlite3_changes(r->db) > 0 ? 0 : replica_fail(r, IRO_ENOTFOUND,
	    "no change %s/%llu", hex, (unsigned long long)seq);
out:
	replica_done(st);
	free(sealed);
	return rc;
}

/* ---- reading ----------------------------------------------------------- */

int
replica_change_state(struct replica *r,
    const uint8_t device[LIMIT_ID_LEN], uint64_t seq,
    enum replica_state *state, char **reason)
{
	sqlite3_stmt *st = NULL;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc, s;

	*state = REPLICA_REMOTE;
	*reason = NULL;
	hex_encode(device, LIMIT_ID_LEN, hex);
	if (seq < 1 || seq > INT64_MAX)
		return replica_fail(r, IRO_ENOTFOUND, "no change %s/%llu", hex,
		    (unsigned long long)seq);
	if ((rc = replica_query(r, REPLICA_Q_CH_REASON, &st, "di", device,
	    (int64_t)seq)) != 0)
		return rc;
	if ((rc = replica_step(r, st, "read a change")) < 0)
		goto out;
	if (rc == 0) {
		rc = replica_fail(r, IRO_ENOTFOUND, "no change %s/%llu", hex,
		    (unsigned long long)seq);
		goto out;
	}
	s = sqlite3_column_int(st, 0);
	if ((rc = state_ok(r, (enum replica_state)s)) != 0) {
		rc = replica_corrupt_change(r, device, (int64_t)seq);
		goto out;
	}
	*state = (enum replica_state)s;
	if (s != REPLICA_REFUSED)
		goto out;
	if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
		if ((*reason = strdup("")) == NULL)
			rc = replica_fail(r, IRO_ENOMEM, "out of memory");
		goto out;
	}
	rc = replica_open_reason(r, st, 1, device, seq, reason);
	if (rc == IRO_ECORRUPT)
		rc = replica_corrupt_change(r, device, (int64_t)seq);
	else if (rc != 0)
		rc = replica_fail(r, rc, "out of memory");
out:
	replica_done(st);
	return rc;
}

int
replica_refusal(struct replica *r, const uint8_t device[LIMIT_ID_LEN],
    uint64_t seq, char **reason)
{
	enum replica_state state;
	char hex[2 * LIMIT_ID_LEN + 1];
	int rc;

	rc = replica_change_state(r, device, seq, &state, reason);
	if (rc == IRO_ENOTFOUND || (rc == 0 && state != REPLICA_REFUSED)) {
		hex_encode(device, LIMIT_ID_LEN, hex);
		rc = replica_fail(r, IRO_ENOTFOUND, "change %s/%llu was not "
		    "refused", hex, (unsigned long long)seq);
	}
	return rc;
}

int
replica_record_changes(struct replica *r,
    const uint8_t record[LIMIT_ID_LEN], struct change **out, size_t *n,
    char out_type[LIMIT_NAME_MAX + 1])
{
	char type[LIMIT_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (out_type != NULL)
		out_type[0] = '\0';
	if ((rc = replica_record_type(r, record, type)) <= 0)
		return rc;
	if ((rc = replica_query(r, REPLICA_Q_CH_RECORD, &st, "d", record)) != 0)
		return rc;
	if ((rc = collect_changes(r, st, type, out, n)) == 0 &&
	    out_type != NULL)
		memcpy(out_type, type, strlen(type) + 1);
	return rc;
}

int
replica_pending(struct replica *r, size_t max, struct change **out,
    size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	if ((rc = replica_query(r, REPLICA_Q_CH_PENDING, &st, "ii",
	    (int64_t)REPLICA_PENDING, max > INT64_MAX ? INT64_MAX :
	    (int64_t)max)) != 0)
		return rc;
	return collect_changes(r, st, NULL, out, n);
}

int
replica_count(struct replica *r, enum replica_state state, uint64_t *out)
{
	int rc;

	*out = 0;
	if ((rc = state_ok(r, state)) != 0)
		return rc;
	return replica_count_query(r, REPLICA_Q_CH_COUNT, (int64_t)state, out);
}
