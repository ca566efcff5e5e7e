/*
 * json.h - the JSON the server's command line prints for --json (the
 * server's only jansson user).  Each function renders one kind of object
 * as compact JSON, keys in a fixed order, into a malloc'd NUL-terminated
 * string *out that the caller frees.  Each returns 0 or IRO_ENOMEM.
 *
 * Times are ISO 8601 UTC ("2025-01-31T09:30:00Z") or null for never;
 * ids are 32 lowercase hex digits.  Thread-safe.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "holidays.h"
#include "store.h"

/* {"id","type","fields":{name: value, ...},"deleted","conflicts":[...]}
 * - fields holds each field's current value (null when cleared or none
 * accepted), conflicts the names of the fields in conflict. */
int json_record(const struct store_record *r, char **out);

/* An array of json_record objects. */
int json_records(const struct store_record *r, size_t n, char **out);

/* {"changes","refused","records","conflicts","users","devices",
 * "last_pos"} */
int json_stats(const struct store_stats *s, char **out);

/* [{"username","role","team","display_name","created","disabled"}, ...];
 * never the password hash. */
int json_users(const struct store_user *u, size_t n, char **out);

/* [{"id","user","name","enrolled","last_sync","pending","revoked"}, ...]
 * - pending is always null: unsynced changes live only on the device. */
int json_devices(const struct store_device *d, size_t n, char **out);

/* [{"id","at","action","user","device","address","detail","records"},
 * ...]: user, device and address null when none (the server's own
 * command line has no address); records the ids the entry concerns. */
int json_audit(const struct store_audit *a, size_t n, char **out);

/* [{"date","title","working","source"}, ...]: source "shipped" or
 * "server", title null when unknown. */
int json_holidays(const struct holidays_entry *e, size_t n, char **out);

/* One setting as `config list` shows it. */
struct json_setting {
	const char *name;
	const char *value;              /* "" = none */
	bool set;                       /* false: the default */
};

/* [{"name","value","default"}, ...]: value null when none, default true
 * when the value is the default (not set on this server). */
int json_settings(const struct json_setting *s, size_t n, char **out);

#endif
