/*
 * lease.c - the device locks itself when its last sync is too old
 * (lease.h).
 */
#include "lease.h"

#include <stdlib.h>
#include <string.h>

#include "iro_error.h"

#define DAY_MS 86400000ULL

/* The string value of field name in m, or NULL. */
static const struct value *
field_str(const struct merge_record *m, const char *name)
{
	size_t i;
	const struct change *c;

	for (i = 0; i < m->nfields; i++) {
		if (strcmp(m->fields[i].name, name) != 0)
			continue;
		c = m->fields[i].current;
		if (c != NULL && c->value.type == VALUE_STR)
			return &c->value;
		return NULL;
	}
	return NULL;
}

/* v as plain digits LEASE_DAYS_MIN..LEASE_DAYS_MAX, else the default. */
static int
days_of(const struct value *v)
{
	size_t i;
	int n = 0;

	if (v == NULL || v->len < 1 || v->len > 3)
		return LEASE_DAYS_DEFAULT;
	for (i = 0; i < v->len; i++) {
		if (v->s[i] < '0' || v->s[i] > '9')
			return LEASE_DAYS_DEFAULT;
		n = n * 10 + (v->s[i] - '0');
	}
	if (n < LEASE_DAYS_MIN || n > LEASE_DAYS_MAX)
		return LEASE_DAYS_DEFAULT;
	return n;
}

/* The council's lease_days from the synced settings. */
static int
lease_days(struct iro *h, int *out)
{
	uint8_t (*ids)[LIMIT_ID_LEN] = NULL;
	const struct value *name;
	struct handle_rec rec;
	size_t n = 0, i;
	int rc;

	*out = LEASE_DAYS_DEFAULT;
	if ((rc = replica_records(h->replica, "setting", &ids, &n)) != 0)
		return handle_fail_replica(h, rc, "list records");
	for (i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		rc = handle_rec_load(h, ids[i], &rec);
		if (rc == 0 && !rec.m.deleted &&
		    (name = field_str(&rec.m, "name")) != NULL &&
		    name->len == strlen("lease_days") &&
		    memcmp(name->s, "lease_days", name->len) == 0)
			*out = days_of(field_str(&rec.m, "value"));
		handle_rec_clear(&rec);
		if (rc == IRO_ENOTFOUND)
			rc = 0;   /* every change of it was refused */
		if (rc != 0)
			break;
	}
	free(ids);
	return rc;
}

int
lease_check(struct iro *h)
{
	uint64_t last = 0, now, idle;
	int rc, days;

	if ((rc = replica_meta_get_u64(h->replica, "last_sync", &last)) != 0)
		return handle_fail_replica(h, rc, "read the last sync");
	now = handle_now_ms(h);
	if (last == 0 || now <= last)
		return 0;
	/* Cheap before the settings are read: within the shortest lease. */
	idle = now - last;
	if (idle <= LEASE_DAYS_MIN * DAY_MS)
		return 0;
	if ((rc = lease_days(h, &days)) != 0)
		return rc;
	if (idle <= (uint64_t)days * DAY_MS)
		return 0;
	return handle_fail(h, IRO_ELOCKED, "no sync for %llu days (the "
	    "council's limit is %d): run iro sync",
	    (unsigned long long)(idle / DAY_MS), days);
}
