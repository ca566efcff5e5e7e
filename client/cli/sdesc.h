/*
 * sdesc.h - the fields of a record type as iro_schema_describe() words
 * them, taken apart so that help texts, option value lists and the
 * dispute ladder come from the schema itself and cannot drift from it.
 *
 * The description is lines of "  NAME  WHAT[; more]" with the field's
 * help on indented continuation lines; WHAT is "one of a, b, c" for an
 * enumeration, "yes or no" for a boolean, "a date YYYY-MM-DD" for a date.
 */
#ifndef SDESC_H
#define SDESC_H

#include <stddef.h>

#define SDESC_FIELDS_MAX 64      /* fields of one type */
#define SDESC_VALUES_MAX 64      /* values of one enumeration */

struct sdesc_field {
	char *name;
	char *what;              /* the allowed values, as described */
	char *help;              /* "" if none */
};

struct sdesc {
	struct sdesc_field *f;   /* in schema order; owned */
	size_t n;
};

/*
 * sdesc_load - describe `type`.  *out is filled; free with sdesc_free().
 * Returns 0, IRO_ENOTFOUND for an unknown type, IRO_EPROTO if the
 * description is not in the expected shape, IRO_ETOOBIG past
 * SDESC_FIELDS_MAX, IRO_ENOMEM.
 */
int sdesc_load(const char *type, struct sdesc *out);

/* sdesc_free - free what d owns and empty it.  NULL is a no-op. */
void sdesc_free(struct sdesc *d);

/* sdesc_find - the field called name, borrowed from d; NULL if none. */
const struct sdesc_field *sdesc_find(const struct sdesc *d,
    const char *name);

/*
 * sdesc_values - the values of an enumeration field, in schema order
 * (for the dispute ladder, the order of the stages).  *out is a
 * NULL-terminated malloc'd array of malloc'd strings, freed with
 * sdesc_values_free().  Returns 0, IRO_EINVAL if f is not an enumeration,
 * IRO_ETOOBIG past SDESC_VALUES_MAX, IRO_ENOMEM.
 */
int sdesc_values(const struct sdesc_field *f, char ***out, size_t *n);
void sdesc_values_free(char **v);

/*
 * sdesc_metavar - what to show after an option that sets f: "a|b|c"
 * for an enumeration, "yes|no", "YYYY-MM-DD", "HH:MM", "POSTCODE", the
 * referenced type in capitals ("REVIEW") for a reference, "N" for a
 * number, else "TEXT".  Written to buf (cut to len).
 */
void sdesc_metavar(const struct sdesc_field *f, char *buf, size_t len);

#endif
