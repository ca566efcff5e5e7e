/*
 * settings.c - the council's settings as server-authored records
 * (settings.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "casework.h"
#include "iro_error.h"
#include "schema.h"
#include "settings.h"
#include "upsert.h"
#include "why.h"

#define STAGE_PREFIX "dispute_days_"
#define INFORMAL STAGE_PREFIX "informal"
#define COUNCIL "council"
#define COUNCIL_MAX 9
#define LEASE "lease_days"
/* Calendar days a device may go without a sync before it locks itself
 * (client/lease.c reads the same setting with the same bounds). */
#define LEASE_DEFAULT 30
#define LEASE_MIN 1
#define LEASE_MAX 365

static const char *const *
names(void)
{
	const struct schema_field *f = schema_field_find(
	    schema_type_find("setting"), "name");

	return f != NULL ? f->values : NULL;
}

const char *
settings_name_at(size_t i)
{
	const char *const *v = names();
	size_t k;

	for (k = 0; v != NULL && v[k] != NULL; k++)
		if (k == i)
			return v[k];
	return NULL;
}

static bool
known(const char *name)
{
	size_t i;
	const char *n;

	for (i = 0; name != NULL && (n = settings_name_at(i)) != NULL; i++)
		if (strcmp(n, name) == 0)
			return true;
	return false;
}

static bool
council_ok(const char *v)
{
	size_t i, len = strlen(v);

	if (len < 1 || len > COUNCIL_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((v[i] >= '0' && v[i] <= '9') ||
		    (v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z')))
			return false;
	return true;
}

/* Plain digits, no more of them than max has, min..max. */
static int
range_parse(const char *v, int min, int max, int *out)
{
	size_t i, len = strlen(v), digits = 1;
	int n = 0;

	*out = 0;
	for (n = max; n >= 10; n /= 10)
		digits++;
	n = 0;
	if (len < 1 || len > digits)
		return IRO_EINVAL;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return IRO_EINVAL;
		n = n * 10 + (v[i] - '0');
	}
	if (n < min || n > max)
		return IRO_EINVAL;
	*out = n;
	return 0;
}

/* A count of working days, SETTINGS_DAYS_MIN..SETTINGS_DAYS_MAX. */
static int
days_parse(const char *v, int *out)
{
	return range_parse(v, SETTINGS_DAYS_MIN, SETTINGS_DAYS_MAX, out);
}

int
settings_check(const char *name, const char *value, char *why,
    size_t whylen)
{
	int days;

	if (!known(name))
		return why_set(why, whylen, IRO_EINVAL, "no setting '%.40s' "
		    "(see 'config list')", name != NULL ? name : "");
	if (value == NULL)
		return why_set(why, whylen, IRO_EINVAL, "setting '%s': no "
		    "value", name);
	if (strcmp(name, COUNCIL) == 0) {
		if (!council_ok(value))
			return why_set(why, whylen, IRO_EINVAL, "setting "
			    "'council': expected a council code of 1 to %d "
			    "letters or digits, got '%.40s'", COUNCIL_MAX,
			    value);
		return 0;
	}
	if (strcmp(name, LEASE) == 0) {
		if (range_parse(value, LEASE_MIN, LEASE_MAX, &days) != 0)
			return why_set(why, whylen, IRO_EINVAL, "setting '%s': "
			    "expected a whole number of days from %d to %d, "
			    "got '%.40s'", name, LEASE_MIN, LEASE_MAX, value);
		return 0;
	}
	if (days_parse(value, &days) != 0)
		return why_set(why, whylen, IRO_EINVAL, "setting '%s': expected "
		    "a whole number of working days from %d to %d, got "
		    "'%.40s'", name, SETTINGS_DAYS_MIN, SETTINGS_DAYS_MAX,
		    value);
	return 0;
}

/* The default of a known setting ("" for council). */
static void
default_of(const char *name, char *value, size_t len)
{
	struct casework_settings cs;
	const char *stage;
	int days = 0;

	value[0] = '\0';
	if (strcmp(name, COUNCIL) == 0)
		return;
	casework_settings_default(&cs);
	if (strcmp(name, LEASE) == 0)
		days = LEASE_DEFAULT;
	else if (strcmp(name, "decisions_days") == 0)
		days = cs.decisions_days;
	else if (strcmp(name, "record_days") == 0)
		days = cs.record_days;
	else if (strcmp(name, "adjourn_days") == 0)
		days = cs.adjourn_days;
	else if (strncmp(name, STAGE_PREFIX, strlen(STAGE_PREFIX)) == 0) {
		stage = name + strlen(STAGE_PREFIX);
		if (casework_stage_days(&cs, stage, &days) != 0)
			return;
	}
	snprintf(value, len, "%d", days);
}

int
settings_get(struct store *st, const char *name, char *value, size_t len,
    bool *set)
{
	const struct store_field *f = NULL;
	uint8_t id[LIMIT_ID_LEN];
	struct store_record r;
	bool found;
	size_t i;
	int rc;

	*set = false;
	value[0] = '\0';
	if (!known(name))
		return IRO_EINVAL;
	memset(&r, 0, sizeof(r));
	if ((rc = upsert_find(st, "setting", "name", name, id, &found)) != 0)
		return rc;
	if (found && (rc = store_record_get(st, id, &r)) != 0)
		return rc;
	for (i = 0; i < r.nfields; i++)
		if (strcmp(r.fields[i].name, "value") == 0)
			f = &r.fields[i];
	if (f != NULL && f->value.type == VALUE_STR && !r.deleted) {
		snprintf(value, len, "%s", f->value.s);
		*set = true;
	} else {
		default_of(name, value, len);
	}
	store_record_clear(&r);
	return 0;
}

/* The formal stages (all but informal) must total at most
 * SETTINGS_FORMAL_MAX working days with name set to value. */
static int
check_formal(struct store *st, const char *name, const char *value,
    char *why, size_t whylen)
{
	char v[SETTINGS_VALUE_MAX + 1];
	const char *n;
	int total = 0, days;
	size_t i;
	bool set;
	int rc;

	if (strncmp(name, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0 ||
	    strcmp(name, INFORMAL) == 0)
		return 0;
	for (i = 0; (n = settings_name_at(i)) != NULL; i++) {
		if (strncmp(n, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0 ||
		    strcmp(n, INFORMAL) == 0)
			continue;
		if (strcmp(n, name) == 0)
			snprintf(v, sizeof(v), "%s", value);
		else if ((rc = settings_get(st, n, v, sizeof(v), &set)) != 0)
			return rc;
		if (days_parse(v, &days) == 0)
			total += days;
	}
	if (total > SETTINGS_FORMAL_MAX)
		return why_set(why, whylen, IRO_EINVAL, "setting '%s' to %s "
		    "would make the formal dispute stages total %d working "
		    "days (at most %d)", name, value, total,
		    SETTINGS_FORMAL_MAX);
	return 0;
}

int
settings_out_of_area(const char *council, const char *pc)
{
	if (council == NULL || *council == '\0' || pc == NULL || *pc == '\0')
		return -1;
	return strcasecmp(council, pc) != 0;
}

/* The string value of field name in r, or NULL. */
static const char *
str_field(const struct store_record *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0 &&
		    r->fields[i].value.type == VALUE_STR)
			return r->fields[i].value.s;
	return NULL;
}

int
settings_rederive(struct store *st, uint64_t now_ms, const char *council,
    size_t *children, size_t *changes, char *why, size_t whylen)
{
	struct upsert_field f = { .name = "out_of_area" };
	struct store_record *r = NULL;
	enum upsert_state state;
	size_t n = 0, i;
	int rc, out;

	if ((rc = store_record_list(st, "child", &r, &n)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		if (r[i].deleted)
			continue;
		out = settings_out_of_area(council,
		    str_field(&r[i], "placement_council"));
		memset(&f.value, 0, sizeof(f.value));
		if (out >= 0) {
			f.value.type = VALUE_BOOL;
			f.value.b = out == 1;
		}
		rc = upsert_record(st, now_ms, SETTINGS_AUTHOR, "child",
		    r[i].id, &f, 1, &state, changes, why, whylen);
		if (rc == 0 && state != UPSERT_UNCHANGED)
			(*children)++;
	}
	store_record_free_array(r, n);
	return rc;
}

int
settings_set_tx(struct store *st, uint64_t now_ms, const char *name,
    const char *value, struct settings_result *res,
    uint8_t id[LIMIT_ID_LEN], char *why, size_t whylen)
{
	struct upsert_field f[2] = {
		{ .name = "name", .value = { .type = VALUE_STR } },
		{ .name = "value", .value = { .type = VALUE_STR } },
	};
	enum upsert_state state;
	bool found;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = settings_check(name, value, why, whylen)) != 0 ||
	    (rc = check_formal(st, name, value, why, whylen)) != 0 ||
	    (rc = upsert_find(st, "setting", "name", name, id, &found)) != 0)
		goto out;
	f[0].value.s = (char *)(uintptr_t)name;
	f[0].value.len = strlen(name);
	f[1].value.s = (char *)(uintptr_t)value;
	f[1].value.len = strlen(value);
	rc = upsert_record(st, now_ms, SETTINGS_AUTHOR, "setting", id, f, 2,
	    &state, &res->changes, why, whylen);
	res->changed = rc == 0 && state != UPSERT_UNCHANGED;
	if (rc == 0 && res->changed && strcmp(name, COUNCIL) == 0)
		rc = settings_rederive(st, now_ms, value, &res->children,
		    &res->changes, why, whylen);
out:
	if (rc != 0) {
		if (rc == IRO_EIO || rc == IRO_EBUSY)
			why_set(why, whylen, rc, "%s", store_errmsg(st));
		memset(res, 0, sizeof(*res));
	}
	return rc;
}

int
settings_set(struct store *st, uint64_t now_ms, const char *name,
    const char *value, struct settings_result *res, char *why,
    size_t whylen)
{
	uint8_t id[LIMIT_ID_LEN];
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = settings_check(name, value, why, whylen)) != 0)
		return rc;
	if ((rc = store_begin(st)) != 0)
		return why_set(why, whylen, rc, "%s", store_errmsg(st));
	rc = settings_set_tx(st, now_ms, name, value, res, id, why, whylen);
	if (rc == 0 && (rc = store_commit(st)) != 0) {
		why_set(why, whylen, rc, "%s", store_errmsg(st));
		memset(res, 0, sizeof(*res));
	}
	if (rc != 0)
		store_rollback(st);
	return rc;
}
