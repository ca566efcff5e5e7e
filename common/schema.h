/*
 * schema.h - the one table of record types and their fields.
 *
 * Every value is validated against this table on the device before it
 * enters the outbox and again on the server before it enters the log.
 * The casework domain extends the table; nothing else should know field
 * names.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"

/* Who writes: the server itself (imports) or a user of a role. */
enum schema_role {
	SCHEMA_ROLE_SERVER = 1 << 0,
	SCHEMA_ROLE_IRO = 1 << 1,
	SCHEMA_ROLE_MANAGER = 1 << 2,
	SCHEMA_ROLE_ADMIN = 1 << 3
};

/* How a field's value is typed on the wire and checked. */
enum schema_kind {
	SCHEMA_STR,     /* one line of text: no control characters */
	SCHEMA_TEXT,    /* free text: newlines and tabs allowed */
	SCHEMA_DATE,    /* "YYYY-MM-DD", a real calendar date */
	SCHEMA_BOOL,    /* msgpack bool; text "yes"/"no" */
	SCHEMA_INT,     /* msgpack int within [min, max] */
	SCHEMA_ENUM,    /* a string from `values` */
	SCHEMA_REF,     /* 32 hex chars: the id of a record of `ref_type` */
	SCHEMA_CODE,    /* [A-Za-z0-9]{1,max_len}: a council id */
	SCHEMA_TIME,    /* "HH:MM", 24-hour, 00:00 to 23:59 */
	SCHEMA_POSTCODE /* a UK postcode, any case, one optional space
	                 * before the inward code: "SW1A 1AA", "m11ae" */
};

struct schema_field {
	const char *name;
	enum schema_kind kind;
	size_t max_len;               /* strings: bytes */
	long long min, max;           /* SCHEMA_INT */
	const char *const *values;    /* SCHEMA_ENUM: NULL-terminated */
	const char *ref_type;         /* SCHEMA_REF */
	unsigned writers;             /* enum schema_role bits */
	bool required;                /* must be given when created */
	bool frozen;                  /* immutable once the record is frozen */
	const char *help;             /* one line for --help */
	/* Text (as for schema_parse_text) applied when a record is created
	 * without this field; NULL for none. */
	const char *dflt;
};

struct schema_type {
	const char *name;
	const struct schema_field *fields;
	size_t nfields;
	unsigned creators;            /* roles that may create this type */
	/* A record is frozen once freeze_field has been set to freeze_value
	 * (e.g. a note's status to "final"); NULL if it never freezes. */
	const char *freeze_field;
	const char *freeze_value;
	/* The implicit CHANGE_FIELD_DELETED field: free text (the reason),
	 * nil = live, writable by the type's creators.  Not in `fields`. */
	struct schema_field deleted;
};

/* The table is static and read-only: every function here is pure and
 * thread-safe, and returned pointers live for the whole program. */

/* schema_type_find - the type called name, or NULL. */
const struct schema_type *schema_type_find(const char *name);

/* schema_type_at - the i-th type, or NULL past the end (for listings). */
const struct schema_type *schema_type_at(size_t i);

/* schema_field_find - the field called name in t (including the implicit
 * CHANGE_FIELD_DELETED every type has), or NULL. */
const struct schema_field *schema_field_find(const struct schema_type *t,
    const char *name);

/* schema_role_parse - "iro", "manager", "admin" or "server" to a role bit.
 * Returns 0 or IRO_EINVAL. */
int schema_role_parse(const char *s, enum schema_role *out);
/* schema_role_name - the inverse; "unknown" for anything else. */
const char *schema_role_name(enum schema_role r);

/*
 * schema_check_value - whether v is an allowed value of f (nil always
 * is, unless the caller is creating a required field).  On IRO_EINVAL,
 * why says which field, what was wrong and what is allowed, e.g.
 * "field 'date': expected a date YYYY-MM-DD, got 'yesterday'".
 */
int schema_check_value(const struct schema_field *f, const struct value *v,
    char *why, size_t whylen);

/*
 * schema_check_change - the schema rules for one change by a writer of
 * `role`: known type and field, allowed value, writable by the role.
 * Returns 0, IRO_EINVAL (unknown type/field, bad value) or
 * IRO_EFORBIDDEN (role may not write the field), with a reason in why.
 */
int schema_check_change(const struct change *c, enum schema_role role,
    char *why, size_t whylen);

/*
 * schema_parse_text - turn what a user typed into a value of f: "yes"/"no"
 * to a bool, digits to an int, dates and codes checked.  NULL text gives
 * nil.  *out is overwritten; caller clears it.  Returns 0 or IRO_EINVAL
 * (why names the field, the text and what is allowed) or IRO_ENOMEM.
 */
int schema_parse_text(const struct schema_field *f, const char *text,
    struct value *out, char *why, size_t whylen);

/*
 * schema_describe - append a human-readable description of t's fields
 * (name, kind, allowed values, limits, help) to a malloc'd string *out.
 * Caller frees.  Returns 0 or IRO_ENOMEM.
 */
int schema_describe(const struct schema_type *t, char **out);

#endif
