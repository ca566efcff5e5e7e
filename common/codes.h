/*
 * codes.h - the SSDA903 code lists (the DfE looked-after children
 * return) as versioned data: each code with its meaning and the
 * collection years in which the return accepts it.
 *
 * A collection year runs from 1 April to 31 March and is named by the
 * year it starts in: 2024 is 2024-25 (2024-04-01 .. 2025-03-31).  The
 * schema's enumerations for these fields are the `*_values` arrays below
 * (every code any year accepted); whether a code was valid on a given
 * date is codes_valid_on().  The lists are static and read-only: every
 * function here is pure and thread-safe, and returned pointers live for
 * the whole program.
 */
#ifndef CODES_H
#define CODES_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"

/* No bound: valid in every collection year before / after. */
#define CODES_ALWAYS 0

struct codes_entry {
	const char *code;       /* upper case, as in the return: "U4" */
	const char *meaning;    /* lowercase words, for listings */
	int first_year;         /* first collection year valid, or CODES_ALWAYS */
	int last_year;          /* last collection year valid, or CODES_ALWAYS */
};

struct codes_list {
	const char *name;                    /* "placement_type" */
	const struct codes_entry *entries;
	size_t n;
	const char *const *values;           /* the codes, NULL-terminated */
};

/* The lists.  `values` of each is also exported by name so that the
 * schema table can point at it in a static initialiser. */
extern const struct codes_list codes_legal_status;      /* LS: C1 .. J3 */
extern const struct codes_list codes_placement_type;    /* PLACE */
extern const struct codes_list codes_placement_provider; /* PR0 .. PR5 */
extern const struct codes_list codes_participation;     /* PN0 .. PN7 */
extern const struct codes_list codes_sex;               /* M F U */

extern const char *const codes_legal_status_values[];
extern const char *const codes_placement_type_values[];
extern const char *const codes_placement_provider_values[];
extern const char *const codes_participation_values[];
extern const char *const codes_sex_values[];

/* codes_list_find - the list called name ("legal_status",
 * "placement_type", "placement_provider", "participation", "sex"), or
 * NULL. */
const struct codes_list *codes_list_find(const char *name);

/* codes_find - the entry for code in list (exact, case-sensitive), or
 * NULL (also for a NULL list or code). */
const struct codes_entry *codes_find(const struct codes_list *list,
    const char *code);

/* codes_meaning - what code means, or NULL if list does not hold it. */
const char *codes_meaning(const struct codes_list *list, const char *code);

/* codes_year - the collection year day falls in: 2024 for any day from
 * 2024-04-01 to 2025-03-31. */
int codes_year(cal_day day);

/* codes_valid_on - whether list holds code and the return accepts it in
 * the collection year of day. */
bool codes_valid_on(const struct codes_list *list, const char *code,
    cal_day day);

/*
 * codes_years - describe when code is valid, for messages: "from
 * 2024-25", "until 2024-25", "2013-14 to 2021-22" or "in every year",
 * into buf (always NUL-terminated when buflen > 0).  Empty if list does
 * not hold code.
 */
void codes_years(const struct codes_list *list, const char *code,
    char *buf, size_t buflen);

/* codes_is_long_term_foster - placement type U1 or U4 (a long-term
 * foster placement, with a relative or friend or with another carer). */
bool codes_is_long_term_foster(const char *placement_code);

#endif
