/*
 * codes.c - the SSDA903 code lists as versioned data.
 *
 * A change to the return (a code added, retired or replaced) is a change
 * to a row's first or last year here, never to code elsewhere.  Years are
 * collection years named by their start (2024 = 2024-25); CODES_ALWAYS
 * means no bound within the years IRO Sync handles.
 */
#include <stdio.h>
#include <string.h>

#include "codes.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(nm, e) { #nm, (e), N(e), codes_##nm##_values }

static const struct codes_entry legal_status[] = {
	{ "C1", "interim care order", CODES_ALWAYS, CODES_ALWAYS },
	{ "C2", "full care order", CODES_ALWAYS, CODES_ALWAYS },
	{ "D1", "freeing order", CODES_ALWAYS, CODES_ALWAYS },
	{ "E1", "placement order", CODES_ALWAYS, CODES_ALWAYS },
	{ "V2", "single period of accommodation under section 20",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "V3", "accommodated under an agreed series of short-term breaks, "
	  "when individual episodes of care are recorded",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "V4", "accommodated under an agreed series of short-term breaks, "
	  "when agreements are recorded", CODES_ALWAYS, CODES_ALWAYS },
	{ "L1", "under police protection and in local authority "
	  "accommodation", CODES_ALWAYS, CODES_ALWAYS },
	{ "L2", "emergency protection order", CODES_ALWAYS, CODES_ALWAYS },
	{ "L3", "under child assessment order and in local authority "
	  "accommodation", CODES_ALWAYS, CODES_ALWAYS },
	{ "J1", "remanded to local authority accommodation or to youth "
	  "detention accommodation", CODES_ALWAYS, CODES_ALWAYS },
	{ "J2", "placed in local authority accommodation under the police "
	  "and criminal evidence act 1984", CODES_ALWAYS, CODES_ALWAYS },
	{ "J3", "sentenced to a youth rehabilitation order with residence "
	  "or intensive fostering requirement", CODES_ALWAYS, CODES_ALWAYS },
};

const char *const codes_legal_status_values[] = {
	"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1",
	"J2", "J3", NULL
};

/*
 * Placement types.  Dates of change from the DfE's guidance as recorded
 * in the domain notes: K3 supported accommodation from 2024-25; H5
 * semi-independent living and Z1 retired after 2024-25, Z1 split into
 * Z11-Z14 from 2025-26.  ASSUMPTION (unverified): P2 independent living
 * is taken as last accepted in 2021-22.  A3-A6 replaced A1/A2 in 2013-14;
 * every other code is accepted in every year IRO Sync handles.  The
 * meanings of Z11-Z14 are given generically until confirmed.
 */
static const struct codes_entry placement_type[] = {
	{ "A3", "placed for adoption with parental or guardian consent "
	  "with current foster carers", 2013, CODES_ALWAYS },
	{ "A4", "placed for adoption with parental or guardian consent "
	  "not with current foster carers", 2013, CODES_ALWAYS },
	{ "A5", "placed for adoption with placement order with current "
	  "foster carers", 2013, CODES_ALWAYS },
	{ "A6", "placed for adoption with placement order not with current "
	  "foster carers", 2013, CODES_ALWAYS },
	{ "H5", "semi-independent living accommodation not subject to "
	  "children's homes regulations", CODES_ALWAYS, 2024 },
	{ "K1", "secure children's home", CODES_ALWAYS, CODES_ALWAYS },
	{ "K2", "children's home subject to children's homes regulations",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "K3", "supported accommodation", 2024, CODES_ALWAYS },
	{ "P1", "placed with own parent or other person with parental "
	  "responsibility", CODES_ALWAYS, CODES_ALWAYS },
	{ "P2", "independent living, e.g. in a flat, lodgings, bedsit or "
	  "with friends", CODES_ALWAYS, 2021 },
	{ "P3", "residential employment", CODES_ALWAYS, CODES_ALWAYS },
	{ "R1", "residential care home", CODES_ALWAYS, CODES_ALWAYS },
	{ "R2", "nhs or health trust or other establishment providing "
	  "medical or nursing care", CODES_ALWAYS, CODES_ALWAYS },
	{ "R3", "family centre or mother and baby unit", CODES_ALWAYS,
	  CODES_ALWAYS },
	{ "R5", "young offender institution or prison", CODES_ALWAYS,
	  CODES_ALWAYS },
	{ "S1", "residential school", CODES_ALWAYS, CODES_ALWAYS },
	{ "T0", "temporary move: all types of temporary move",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "T1", "temporary move: periods in hospital", CODES_ALWAYS,
	  CODES_ALWAYS },
	{ "T2", "temporary move: absence on holiday, trip or visit",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "T3", "temporary move: periods in accommodation with a relative "
	  "or friend", CODES_ALWAYS, CODES_ALWAYS },
	{ "T4", "temporary move: other temporary periods", CODES_ALWAYS,
	  CODES_ALWAYS },
	{ "U1", "foster placement with relative or friend, long-term "
	  "fostering", CODES_ALWAYS, CODES_ALWAYS },
	{ "U2", "foster placement with relative or friend who is also an "
	  "approved adopter", CODES_ALWAYS, CODES_ALWAYS },
	{ "U3", "foster placement with relative or friend, not long-term "
	  "or approved adopter", CODES_ALWAYS, CODES_ALWAYS },
	{ "U4", "foster placement with other foster carer, long-term "
	  "fostering", CODES_ALWAYS, CODES_ALWAYS },
	{ "U5", "foster placement with other foster carer who is also an "
	  "approved adopter", CODES_ALWAYS, CODES_ALWAYS },
	{ "U6", "foster placement with other foster carer, not long-term "
	  "or approved adopter", CODES_ALWAYS, CODES_ALWAYS },
	{ "Z1", "other placement", CODES_ALWAYS, 2024 },
	{ "Z11", "other placement (first of the codes replacing z1)", 2025,
	  CODES_ALWAYS },
	{ "Z12", "other placement (second of the codes replacing z1)", 2025,
	  CODES_ALWAYS },
	{ "Z13", "other placement (third of the codes replacing z1)", 2025,
	  CODES_ALWAYS },
	{ "Z14", "other placement (fourth of the codes replacing z1)", 2025,
	  CODES_ALWAYS },
};

const char *const codes_placement_type_values[] = {
	"A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3",
	"R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4", "U1",
	"U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12", "Z13", "Z14", NULL
};

static const struct codes_entry placement_provider[] = {
	{ "PR0", "parents or other person with parental responsibility",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "PR1", "own council (the responsible local authority)",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "PR2", "other local authority", CODES_ALWAYS, CODES_ALWAYS },
	{ "PR3", "other public provision (e.g. a primary care trust)",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "PR4", "private provision", CODES_ALWAYS, CODES_ALWAYS },
	{ "PR5", "voluntary or third sector provision", CODES_ALWAYS,
	  CODES_ALWAYS },
};

const char *const codes_placement_provider_values[] = {
	"PR0", "PR1", "PR2", "PR3", "PR4", "PR5", NULL
};

static const struct codes_entry participation[] = {
	{ "PN0", "child aged under 4 at the time of the review",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "PN1", "child physically attends and speaks for themself",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "PN2", "child physically attends and an advocate speaks on their "
	  "behalf", CODES_ALWAYS, CODES_ALWAYS },
	{ "PN3", "child attends and conveys their views symbolically "
	  "(non-verbally)", CODES_ALWAYS, CODES_ALWAYS },
	{ "PN4", "child physically attends but does not speak for themself, "
	  "convey their views symbolically or ask an advocate to speak for "
	  "them", CODES_ALWAYS, CODES_ALWAYS },
	{ "PN5", "child does not attend but briefs an advocate to speak for "
	  "them", CODES_ALWAYS, CODES_ALWAYS },
	{ "PN6", "child does not attend but conveys their feelings by a "
	  "facilitative medium (text, letter, phone, video, app)",
	  CODES_ALWAYS, CODES_ALWAYS },
	{ "PN7", "child does not attend nor are their views conveyed",
	  CODES_ALWAYS, CODES_ALWAYS },
};

const char *const codes_participation_values[] = {
	"PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7", NULL
};

/* Returns before 2024-25 coded sex as digits; IRO Sync stores the
 * letters whatever the year, so none of these is bounded. */
static const struct codes_entry sex[] = {
	{ "M", "male", CODES_ALWAYS, CODES_ALWAYS },
	{ "F", "female", CODES_ALWAYS, CODES_ALWAYS },
	{ "U", "unknown or indeterminate", CODES_ALWAYS, CODES_ALWAYS },
};

const char *const codes_sex_values[] = { "M", "F", "U", NULL };

const struct codes_list codes_legal_status = LIST(legal_status,
    legal_status);
const struct codes_list codes_placement_type = LIST(placement_type,
    placement_type);
const struct codes_list codes_placement_provider = LIST(placement_provider,
    placement_provider);
const struct codes_list codes_participation = LIST(participation,
    participation);
const struct codes_list codes_sex = LIST(sex, sex);

static const struct codes_list *const lists[] = {
	&codes_legal_status, &codes_placement_type, &codes_placement_provider,
	&codes_participation, &codes_sex,
};

const struct codes_list *
codes_list_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < N(lists); i++)
		if (strcmp(lists[i]->name, name) == 0)
			return lists[i];
	return NULL;
}

const struct codes_entry *
codes_find(const struct codes_list *list, const char *code)
{
	size_t i;

	if (list == NULL || code == NULL)
		return NULL;
	for (i = 0; i < list->n; i++)
		if (strcmp(list->entries[i].code, code) == 0)
			return &list->entries[i];
	return NULL;
}

const char *
codes_meaning(const struct codes_list *list, const char *code)
{
	const struct codes_entry *e = codes_find(list, code);

	return e != NULL ? e->meaning : NULL;
}

int
codes_year(cal_day day)
{
	int y, m, d;

	cal_to_ymd(day, &y, &m, &d);
	return m >= 4 ? y : y - 1;
}

bool
codes_valid_on(const struct codes_list *list, const char *code, cal_day day)
{
	const struct codes_entry *e = codes_find(list, code);
	int year;

	if (e == NULL)
		return false;
	year = codes_year(day);
	if (e->first_year != CODES_ALWAYS && year < e->first_year)
		return false;
	if (e->last_year != CODES_ALWAYS && year > e->last_year)
		return false;
	return true;
}

void
codes_years(const struct codes_list *list, const char *code, char *buf,
    size_t buflen)
{
	const struct codes_entry *e = codes_find(list, code);
	int a, b;

	if (buf == NULL || buflen == 0)
		return;
	buf[0] = '\0';
	if (e == NULL)
		return;
	a = e->first_year;
	b = e->last_year;
	if (a != CODES_ALWAYS && b != CODES_ALWAYS)
		snprintf(buf, buflen, "%d-%02d to %d-%02d", a, (a + 1) % 100,
		    b, (b + 1) % 100);
	else if (a != CODES_ALWAYS)
		snprintf(buf, buflen, "from %d-%02d", a, (a + 1) % 100);
	else if (b != CODES_ALWAYS)
		snprintf(buf, buflen, "until %d-%02d", b, (b + 1) % 100);
	else
		snprintf(buf, buflen, "in every year");
}

bool
codes_is_long_term_foster(const char *placement_code)
{
	return placement_code != NULL &&
	    (strcmp(placement_code, "U1") == 0 ||
	    strcmp(placement_code, "U4") == 0);
}
