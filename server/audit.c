/*
 * audit.c - the audit log's questions and answers (audit.h).
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "calendar.h"
#include "change.h"
#include "hex.h"
#include "iro_error.h"
#include "schema.h"
#include "why.h"

void
audit_entry(struct store_audit *a, const char *action, const char *username,
    const uint8_t *device, uint64_t now_ms, const char *fmt, ...)
{
	va_list ap;

	memset(a, 0, sizeof(*a));
	a->at_ms = now_ms;
	snprintf(a->action, sizeof(a->action), "%s", action);
	snprintf(a->username, sizeof(a->username), "%s",
	    username != NULL ? username : "");
	if (device != NULL) {
		a->has_device = true;
		memcpy(a->device, device, LIMIT_ID_LEN);
	}
	va_start(ap, fmt);
	vsnprintf(a->detail, sizeof(a->detail), fmt, ap);
	va_end(ap);
}

/* The name of the effective Unix user into buf, or its number. */
static void
unix_user(char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];
	uid_t uid = geteuid();

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res != NULL &&
	    pw.pw_name != NULL && pw.pw_name[0] != '\0')
		snprintf(buf, len, "%s", pw.pw_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)uid);
}

/* The length of the UTF-8 sequence that lead byte c starts (0: none). */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 0;
}

/* Make s valid UTF-8 without control characters, byte for byte: each
 * byte of a bad sequence and each control character becomes '?'.  The
 * JSON of the audit log needs UTF-8, and the detail may have been cut
 * in the middle of a character. */
static void
clean_text(char *s)
{
	size_t i = 0, k, len = strlen(s);

	while (i < len) {
		k = utf8_len((unsigned char)s[i]);
		if (k == 0 || i + k > len || !value_utf8_valid(s + i, k)) {
			s[i++] = '?';
			continue;
		}
		if (k == 1 && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f))
			s[i] = '?';
		i += k;
	}
}

void
audit_cli_entry(struct store_audit *a, const char *action, uint64_t now_ms,
    const char *fmt, ...)
{
	char who[LIMIT_USER_MAX + 1], tail[LIMIT_USER_MAX + 32];
	size_t room;
	va_list ap;

	audit_entry(a, action, NULL, NULL, now_ms, "%s", "");
	unix_user(who, sizeof(who));
	snprintf(tail, sizeof(tail), "; by unix user '%s'", who);
	/* The rest is cut to leave room for the tail: it names who acted. */
	room = sizeof(a->detail) - strlen(tail);
	va_start(ap, fmt);
	vsnprintf(a->detail, room, fmt, ap);
	va_end(ap);
	strcat(a->detail, tail);
	clean_text(a->detail);
}

static int
cmp_id(const void *x, const void *y)
{
	return memcmp(x, y, LIMIT_ID_LEN);
}

/* End a's detail with " (part I of K)", cutting the rest to make room. */
static void
part_detail(struct store_audit *a, size_t i, size_t k)
{
	char sfx[64];
	size_t keep = strlen(a->detail);

	snprintf(sfx, sizeof(sfx), " (part %zu of %zu)", i, k);
	if (keep > sizeof(a->detail) - 1 - strlen(sfx))
		keep = sizeof(a->detail) - 1 - strlen(sfx);
	memcpy(a->detail + keep, sfx, strlen(sfx) + 1);
	clean_text(a->detail);
}

int
audit_append_records(struct store *st, const struct store_audit *a,
    const uint8_t (*ids)[LIMIT_ID_LEN], size_t n)
{
	uint8_t (*set)[LIMIT_ID_LEN] = NULL;
	struct store_audit part;
	size_t i, m = 0, parts, k;
	int rc = 0;

	if (n > 0) {
		if ((set = malloc(n * sizeof(*set))) == NULL)
			return IRO_ENOMEM;
		memcpy(set, ids, n * sizeof(*set));
		qsort(set, n, sizeof(*set), cmp_id);
		for (i = 0; i < n; i++)
			if (m == 0 || memcmp(set[m - 1], set[i],
			    LIMIT_ID_LEN) != 0)
				memcpy(set[m++], set[i], LIMIT_ID_LEN);
	}
	parts = m == 0 ? 1 : (m + STORE_AUDIT_RECORDS_MAX - 1) /
	    STORE_AUDIT_RECORDS_MAX;
	for (k = 0; k < parts && rc == 0; k++) {
		part = *a;
		part.records = set != NULL ?
		    set + k * STORE_AUDIT_RECORDS_MAX : NULL;
		part.nrecords = m - k * STORE_AUDIT_RECORDS_MAX;
		if (part.nrecords > STORE_AUDIT_RECORDS_MAX)
			part.nrecords = STORE_AUDIT_RECORDS_MAX;
		if (parts > 1)
			part_detail(&part, k + 1, parts);
		rc = store_audit_append(st, &part, NULL);
	}
	free(set);
	return rc;
}

int
audit_append_alone(struct store *st, const struct store_audit *a,
    const uint8_t (*ids)[LIMIT_ID_LEN], size_t n)
{
	int rc;

	if ((rc = store_begin(st)) != 0)
		return rc;
	if ((rc = audit_append_records(st, a, ids, n)) == 0 &&
	    (rc = store_commit(st)) == 0)
		return 0;
	store_rollback(st);
	return rc;
}

int
audit_add_record(struct store_audit *a, size_t *cap,
    const uint8_t rec[LIMIT_ID_LEN])
{
	uint8_t (*p)[LIMIT_ID_LEN];
	size_t i, ncap;

	for (i = 0; i < a->nrecords; i++)
		if (memcmp(a->records[i], rec, LIMIT_ID_LEN) == 0)
			return 0;
	if (a->nrecords >= STORE_AUDIT_RECORDS_MAX)
		return IRO_ETOOBIG;
	if (a->nrecords == *cap) {
		ncap = *cap == 0 ? 8 : *cap * 2;
		if (ncap > STORE_AUDIT_RECORDS_MAX)
			ncap = STORE_AUDIT_RECORDS_MAX;
		if ((p = realloc(a->records, ncap * sizeof(*p))) == NULL)
			return IRO_ENOMEM;
		a->records = p;
		*cap = ncap;
	}
	memcpy(a->records[a->nrecords++], rec, LIMIT_ID_LEN);
	return 0;
}

/* The child's record id from a council child id or a record id. */
static int
find_child(struct store *st, const char *child, uint8_t id[LIMIT_ID_LEN],
    char *why, size_t whylen)
{
	char type[LIMIT_NAME_MAX + 1];
	struct value v;
	int rc;

	if (strlen(child) == 2 * LIMIT_ID_LEN &&
	    hex_decode(child, id, LIMIT_ID_LEN) == 0) {
		rc = store_record_type(st, id, type);
		if (rc == 0 && strcmp(type, "child") == 0)
			return 0;
		if (rc != 0 && rc != IRO_ENOTFOUND)
			return why_set(why, whylen, rc, "%s",
			    store_errmsg(st));
	}
	memset(&v, 0, sizeof(v));
	v.type = VALUE_STR;
	v.s = (char *)(uintptr_t)child;
	v.len = strlen(child);
	rc = store_record_find(st, "child", "child_id", &v, id);
	if (rc == IRO_ENOTFOUND)
		return why_set(why, whylen, rc, "no child '%s'", child);
	if (rc != 0)
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	return 0;
}

/* Add to *set (n of them, capacity *cap) every record that refers to
 * record `id` through a reference field to its type. */
static int
add_referrers(struct store *st, const uint8_t id[LIMIT_ID_LEN],
    struct store_audit *set, size_t *cap)
{
	char type[LIMIT_NAME_MAX + 1];
	const struct schema_type *t;
	const struct schema_field *f;
	uint8_t (*refs)[LIMIT_ID_LEN] = NULL;
	size_t i, j, k, nrefs;
	int rc;

	if ((rc = store_record_type(st, id, type)) != 0)
		return rc == IRO_ENOTFOUND ? 0 : rc;
	for (i = 0; (t = schema_type_at(i)) != NULL; i++) {
		for (j = 0; j < t->nfields; j++) {
			f = &t->fields[j];
			if (f->kind != SCHEMA_REF || f->ref_type == NULL ||
			    strcmp(f->ref_type, type) != 0)
				continue;
			if ((rc = store_record_referrers(st, f->name, id,
			    &refs, &nrefs)) != 0)
				return rc;
			for (k = 0; k < nrefs && rc == 0; k++)
				rc = audit_add_record(set, cap, refs[k]);
			free(refs);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int
audit_child_records(struct store *st, const char *child,
    uint8_t (**ids)[LIMIT_ID_LEN], size_t *n, char *why, size_t whylen)
{
	struct store_audit set;
	uint8_t id[LIMIT_ID_LEN];
	size_t cap = 0, i;
	int rc;

	*ids = NULL;
	*n = 0;
	memset(&set, 0, sizeof(set));
	if ((rc = find_child(st, child, id, why, whylen)) != 0)
		return rc;
	if ((rc = audit_add_record(&set, &cap, id)) != 0)
		goto fail;
	/* The set grows as it is walked, so references of references (a
	 * dispute's stages) are found too. */
	for (i = 0; i < set.nrecords; i++)
		if ((rc = add_referrers(st, set.records[i], &set, &cap)) != 0)
			goto fail;
	*ids = set.records;
	*n = set.nrecords;
	return 0;
fail:
	free(set.records);
	return why_set(why, whylen, rc, "cannot find the records of child "
	    "'%s': %s", child, rc == IRO_EIO || rc == IRO_EBUSY ?
	    store_errmsg(st) : iro_strerror(rc));
}

void
audit_time(uint64_t ms, char buf[21])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 21, "?");
}

void
audit_format(const struct store_audit *a, char *buf, size_t len)
{
	char at[21], dev[2 * LIMIT_ID_LEN + 1], *p;

	audit_time(a->at_ms, at);
	if (a->has_device)
		hex_encode(a->device, LIMIT_ID_LEN, dev);
	snprintf(buf, len, "%s  %s  %s  %s%.8s%s  %s%s%s", at, a->action,
	    a->username[0] ? a->username : "-",
	    a->has_device ? "device " : "-", a->has_device ? dev : "",
	    a->has_device ? ".." : "",
	    a->address[0] ? "from " : "", a->address,
	    a->address[0] ? "  " : "");
	/* The detail last, after what names who and where. */
	if (strlen(buf) + 1 < len)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s",
		    a->detail);
	/* Names and paths came from the network: no control character
	 * reaches the reader's terminal. */
	for (p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

int
audit_parse_date(const char *s, uint64_t *ms)
{
	cal_day d;

	*ms = 0;
	if (cal_parse(s, &d) != 0 || d < 0)
		return IRO_EINVAL;
	*ms = (uint64_t)d * 86400000u;
	return 0;
}
