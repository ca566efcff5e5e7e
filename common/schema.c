/*
 * schema.c - the one table of record types and their fields, and the
 * checks every value passes on the device and again on the server.
 *
 * Adding a record type or a field means adding rows below; the checks,
 * the merge and the listings read only the table.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codes.h"
#include "date.h"
#include "iro_error.h"
#include "schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define R_SERVER SCHEMA_ROLE_SERVER
#define R_STAFF (SCHEMA_ROLE_IRO | SCHEMA_ROLE_MANAGER)

/* How long a deletion reason may be (the protocol's message limit). */
#define DELETED_MAX LIMIT_MSG_STR_MAX

#define DELETED_FIELD(who) {                                            \
	.name = CHANGE_FIELD_DELETED, .kind = SCHEMA_TEXT,              \
	.max_len = DELETED_MAX, .writers = (who),                       \
	.help = "why the record was deleted (empty = live)"             \
}

#define R_ANY (R_SERVER | R_STAFF)

/* Enumerations that are not SSDA903 codes (those are in codes.c). */
static const char *const adoption_stages[] = {
	"none", "authority", "placed", NULL
};
static const char *const open_closed[] = { "open", "closed", NULL };
static const char *const review_formats[] = {
	"meeting", "no_meeting", NULL
};
static const char *const review_statuses[] = {
	"planned", "held", "completed", "adjourned", "cancelled", NULL
};
static const char *const spoken_privately[] = {
	"yes", "refused", "inappropriate", "not_done", NULL
};
static const char *const visit_purposes[] = {
	"introduction", "pre_review", "midway", "concern", "other", NULL
};
static const char *const visit_modes[] = {
	"in_person", "video", "phone", NULL
};
static const char *const visit_locations[] = {
	"placement", "school", "family_home", "contact_centre", "office",
	"other", NULL
};
static const char *const note_types[] = {
	"case_note", "consultation", "midway", "oversight", "other", NULL
};
static const char *const note_status[] = { "draft", "final", NULL };
static const char *const decision_statuses[] = {
	"open", "done", "dropped", NULL
};
static const char *const dispute_categories[] = {
	"care_plan", "placement", "contact", "education", "health", "legal",
	"resources", "other", NULL
};
static const char *const dispute_statuses[] = {
	"open", "resolved", "withdrawn", NULL
};
/* The council's escalation ladder, lowest first. */
static const char *const dispute_stages[] = {
	"informal", "team_manager", "service_manager", "head_of_service",
	"director", NULL
};
static const char *const stage_outcomes[] = {
	"resolved", "not_resolved", "escalated", "no_response", NULL
};
static const char *const setting_names[] = {
	"council", "dispute_days_informal", "dispute_days_team_manager",
	"dispute_days_service_manager", "dispute_days_head_of_service",
	"dispute_days_director", "decisions_days", "record_days",
	"adjourn_days", NULL
};

/* Shorthands for the common shapes of row; w is the writers. */
#define F_DATE(nm, w, h) { .name = (nm), .kind = SCHEMA_DATE,           \
	.writers = (w), .help = (h) }
#define F_BOOL(nm, w, h) { .name = (nm), .kind = SCHEMA_BOOL,           \
	.writers = (w), .help = (h) }
#define F_ENUM(nm, v, w, h) { .name = (nm), .kind = SCHEMA_ENUM,        \
	.values = (v), .writers = (w), .help = (h) }
#define F_STR(nm, n, w, h) { .name = (nm), .kind = SCHEMA_STR,          \
	.max_len = (n), .writers = (w), .help = (h) }
#define F_TEXT(nm, n, w, h) { .name = (nm), .kind = SCHEMA_TEXT,        \
	.max_len = (n), .writers = (w), .help = (h) }
#define F_CHILD(w, h) { .name = "child", .kind = SCHEMA_REF,            \
	.ref_type = "child", .writers = (w), .required = true, .help = (h) }

static const struct schema_field child_fields[] = {
	{ .name = "child_id", .kind = SCHEMA_CODE, .max_len = 20,
	  .writers = R_SERVER, .required = true,
	  .help = "council child id" },
	{ .name = "given_name", .kind = SCHEMA_STR, .max_len = 100,
	  .writers = R_SERVER, .required = true, .help = "given name" },
	{ .name = "family_name", .kind = SCHEMA_STR, .max_len = 100,
	  .writers = R_SERVER, .required = true, .help = "family name" },
	{ .name = "dob", .kind = SCHEMA_DATE, .writers = R_SERVER,
	  .required = true, .help = "date of birth" },
	F_ENUM("sex", codes_sex_values, R_SERVER, "sex (SSDA903 SEX)"),
	F_ENUM("legal_status", codes_legal_status_values, R_SERVER,
	    "legal status (SSDA903 LS)"),
	F_DATE("care_start", R_SERVER,
	    "start of the current period of care"),
	F_DATE("care_end", R_SERVER,
	    "end of the period of care (no review is then due)"),
	F_ENUM("placement_type", codes_placement_type_values, R_SERVER,
	    "placement type (SSDA903 PLACE), valid on the placement start"),
	F_DATE("placement_start", R_SERVER,
	    "start of the current placement"),
	F_ENUM("placement_provider", codes_placement_provider_values,
	    R_SERVER, "placement provider (SSDA903 PLACE_PROVIDER)"),
	{ .name = "placement_postcode", .kind = SCHEMA_POSTCODE,
	  .max_len = 8, .writers = R_SERVER,
	  .help = "postcode of the placement" },
	{ .name = "placement_council", .kind = SCHEMA_CODE, .max_len = 9,
	  .writers = R_SERVER,
	  .help = "council code of the placement (SSDA903 PL_LA)" },
	F_BOOL("out_of_area", R_SERVER,
	    "placed outside the council's own area (derived)"),
	F_BOOL("long_term_foster", R_SERVER,
	    "long-term foster placement, U1 or U4 (derived)"),
	F_ENUM("adoption_stage", adoption_stages, R_SERVER,
	    "adoption: authority to place, or placed for adoption"),
	F_DATE("adoption_since", R_SERVER,
	    "date the current adoption stage began: authority to place, or "
	    "placement for adoption"),
	F_STR("social_worker", 100, R_SERVER, "allocated social worker"),
	F_STR("iro", LIMIT_USER_MAX, R_SERVER,
	    "username of the allocated IRO"),
};

static const struct schema_field flag_fields[] = {
	F_CHILD(R_STAFF, "the child whose record looks wrong"),
	{ .name = "field", .kind = SCHEMA_STR, .max_len = LIMIT_NAME_MAX,
	  .writers = R_STAFF, .required = true,
	  .help = "the child field that looks wrong" },
	{ .name = "text", .kind = SCHEMA_TEXT, .max_len = 4096,
	  .writers = R_STAFF, .required = true,
	  .help = "what looks wrong, and what it should be" },
	{ .name = "status", .kind = SCHEMA_ENUM, .values = open_closed,
	  .writers = R_STAFF, .dflt = "open",
	  .help = "open until the council's record is put right" },
};

static const struct schema_field review_fields[] = {
	F_CHILD(R_ANY, "the child reviewed"),
	F_DATE("due", R_ANY, "statutory due date when planned"),
	F_DATE("meeting_date", R_ANY,
	    "planned, then actual, date of the review"),
	{ .name = "format", .kind = SCHEMA_ENUM, .values = review_formats,
	  .writers = R_ANY, .dflt = "meeting",
	  .help = "no_meeting only for a long-term foster placement (U1, "
	  "U4) of 12 months or more" },
	{ .name = "status", .kind = SCHEMA_ENUM, .values = review_statuses,
	  .writers = R_ANY, .dflt = "planned",
	  .help = "planned -> held | adjourned | cancelled; adjourned -> "
	  "held | cancelled; held -> completed" },
	F_TEXT("early_reason", 1024, R_ANY,
	    "why the review is earlier than due"),
	F_ENUM("spoken_privately", spoken_privately, R_ANY,
	    "child spoken to privately before the review"),
	F_ENUM("participation", codes_participation_values, R_ANY,
	    "participation (SSDA903 REVIEW_CODE); PN0 only if under 4"),
	F_BOOL("child_chaired", R_ANY, "the child chaired the review"),
	F_BOOL("parents_views", R_ANY, "parents' views obtained"),
	F_BOOL("care_plan_endorsed", R_ANY, "care plan endorsed"),
	F_DATE("decisions_distributed", R_ANY,
	    "date the decisions were distributed"),
	F_DATE("record_completed", R_ANY,
	    "date the review record was completed"),
	F_DATE("adjourned_to", R_ANY, "reconvene date when adjourned"),
};

static const struct schema_field visit_fields[] = {
	F_CHILD(R_STAFF, "the child visited"),
	{ .name = "date", .kind = SCHEMA_DATE, .writers = R_STAFF,
	  .required = true, .help = "date of the visit" },
	{ .name = "time", .kind = SCHEMA_TIME, .writers = R_STAFF,
	  .help = "time of the visit" },
	F_ENUM("purpose", visit_purposes, R_STAFF, "why the visit was made"),
	F_ENUM("mode", visit_modes, R_STAFF, "how the child was seen"),
	F_ENUM("location", visit_locations, R_STAFF, "where the visit was"),
	F_BOOL("child_seen", R_STAFF, "whether the child was seen"),
	F_BOOL("seen_alone", R_STAFF, "whether the child was seen alone"),
	F_TEXT("wishes", 16384, R_STAFF,
	    "the child's wishes and feelings, in their own words"),
	F_BOOL("safeguarding", R_STAFF,
	    "a safeguarding concern was raised"),
	F_TEXT("note", 16384, R_STAFF, "what happened at the visit"),
};

static const struct schema_field note_fields[] = {
	F_CHILD(R_STAFF, "the child the note is about"),
	{ .name = "type", .kind = SCHEMA_ENUM, .values = note_types,
	  .writers = R_STAFF, .frozen = true, .dflt = "case_note",
	  .help = "kind of note; fixed once the note is final" },
	{ .name = "text", .kind = SCHEMA_TEXT, .max_len = LIMIT_STR_MAX,
	  .writers = R_STAFF, .required = true, .frozen = true,
	  .help = "the note; fixed once the note is final" },
	{ .name = "status", .kind = SCHEMA_ENUM, .values = note_status,
	  .writers = R_STAFF, .frozen = true, .dflt = "draft",
	  .help = "draft, or final (the note can no longer change)" },
	{ .name = "supersedes", .kind = SCHEMA_REF, .ref_type = "note",
	  .writers = R_STAFF, .frozen = true,
	  .help = "the earlier note this one corrects" },
};

static const struct schema_field decision_fields[] = {
	F_CHILD(R_STAFF, "the child the decision is about"),
	{ .name = "review", .kind = SCHEMA_REF, .ref_type = "review",
	  .writers = R_STAFF, .required = true,
	  .help = "the review that made the decision" },
	{ .name = "text", .kind = SCHEMA_TEXT, .max_len = 4096,
	  .writers = R_STAFF, .required = true, .help = "the decision" },
	F_STR("responsible", 100, R_STAFF, "person responsible"),
	F_DATE("due", R_STAFF, "date it is due"),
	{ .name = "status", .kind = SCHEMA_ENUM, .values = decision_statuses,
	  .writers = R_STAFF, .dflt = "open",
	  .help = "open, done or dropped" },
	{ .name = "carried", .kind = SCHEMA_INT, .min = 0, .max = 99,
	  .writers = R_STAFF, .dflt = "0",
	  .help = "times carried forward to a later review (2+ is drift)" },
	{ .name = "carried_to", .kind = SCHEMA_REF, .ref_type = "review",
	  .writers = R_STAFF,
	  .help = "the review it was last carried forward to" },
};

static const struct schema_field dispute_fields[] = {
	F_CHILD(R_STAFF, "the child the dispute is about"),
	{ .name = "category", .kind = SCHEMA_ENUM,
	  .values = dispute_categories, .writers = R_STAFF,
	  .required = true, .help = "what the dispute is about" },
	{ .name = "opened", .kind = SCHEMA_DATE, .writers = R_STAFF,
	  .required = true, .help = "date the dispute was raised" },
	{ .name = "status", .kind = SCHEMA_ENUM, .values = dispute_statuses,
	  .writers = R_STAFF, .dflt = "open",
	  .help = "open, resolved or withdrawn" },
	F_DATE("closed", R_STAFF, "date resolved or withdrawn"),
	F_TEXT("outcome", 4096, R_STAFF, "how the dispute ended"),
	F_DATE("cafcass_referred", R_STAFF, "date referred to Cafcass"),
};

static const struct schema_field dispute_stage_fields[] = {
	{ .name = "dispute", .kind = SCHEMA_REF, .ref_type = "dispute",
	  .writers = R_STAFF, .required = true,
	  .help = "the dispute escalated" },
	{ .name = "stage", .kind = SCHEMA_ENUM, .values = dispute_stages,
	  .writers = R_STAFF, .required = true,
	  .help = "stage on the ladder (stages may be skipped, not gone "
	  "back to)" },
	{ .name = "sent", .kind = SCHEMA_DATE, .writers = R_STAFF,
	  .required = true, .help = "date the stage was raised" },
	F_DATE("response_due", R_STAFF, "date a response is due"),
	F_DATE("responded", R_STAFF, "date of the response"),
	F_TEXT("response", 4096, R_STAFF, "the response"),
	F_ENUM("outcome", stage_outcomes, R_STAFF, "outcome of the stage"),
};

static const struct schema_field holiday_fields[] = {
	{ .name = "date", .kind = SCHEMA_DATE, .writers = R_SERVER,
	  .required = true, .help = "the day" },
	F_STR("title", 100, R_SERVER, "name of the holiday"),
	{ .name = "working", .kind = SCHEMA_BOOL, .writers = R_SERVER,
	  .dflt = "no",
	  .help = "yes cancels a shipped bank holiday; no adds one" },
};

static const struct schema_field setting_fields[] = {
	{ .name = "name", .kind = SCHEMA_ENUM, .values = setting_names,
	  .writers = R_SERVER, .required = true, .help = "the setting" },
	F_STR("value", 256, R_SERVER, "its value"),
};

#define TYPE(nm, flds, who) .name = (nm), .fields = (flds),              \
	.nfields = N(flds), .creators = (who), .deleted = DELETED_FIELD(who)

static const struct schema_type types[] = {
	{ TYPE("child", child_fields, R_SERVER) },
	{ TYPE("flag", flag_fields, R_STAFF) },
	{ TYPE("review", review_fields, R_ANY) },
	{ TYPE("visit", visit_fields, R_STAFF) },
	{ TYPE("note", note_fields, R_STAFF),
	  .freeze_field = "status", .freeze_value = "final" },
	{ TYPE("decision", decision_fields, R_STAFF) },
	{ TYPE("dispute", dispute_fields, R_STAFF) },
	{ TYPE("dispute_stage", dispute_stage_fields, R_STAFF) },
	{ TYPE("holiday", holiday_fields, R_SERVER) },
	{ TYPE("setting", setting_fields, R_SERVER) },
};

const struct schema_type *
schema_type_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < N(types); i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return NULL;
}

const struct schema_type *
schema_type_at(size_t i)
{
	return i < N(types) ? &types[i] : NULL;
}

const struct schema_field *
schema_field_find(const struct schema_type *t, const char *name)
{
	size_t i;

	if (t == NULL || name == NULL)
		return NULL;
	if (strcmp(name, CHANGE_FIELD_DELETED) == 0)
		return &t->deleted;
	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

static const struct {
	const char *name;
	enum schema_role role;
} roles[] = {
	{ "server", SCHEMA_ROLE_SERVER },
	{ "iro", SCHEMA_ROLE_IRO },
	{ "manager", SCHEMA_ROLE_MANAGER },
	{ "admin", SCHEMA_ROLE_ADMIN },
};

int
schema_role_parse(const char *s, enum schema_role *out)
{
	size_t i;

	for (i = 0; s != NULL && i < N(roles); i++) {
		if (strcmp(roles[i].name, s) == 0) {
			*out = roles[i].role;
			return 0;
		}
	}
	return IRO_EINVAL;
}

const char *
schema_role_name(enum schema_role r)
{
	size_t i;

	for (i = 0; i < N(roles); i++)
		if (roles[i].role == r)
			return roles[i].name;
	return "unknown";
}

static int say(char *why, size_t whylen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
say(char *why, size_t whylen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* What a user gave, fit to quote in a message: at most ~40 bytes, cut on
 * a character boundary, control characters shown as '?'. */
static void
quote(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t i = 0, o = 0, cut = len > 40 ? 40 : len;

	while (cut < len && cut > 0 &&
	    ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	for (i = 0; i < cut && o + 4 < buflen; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (cut < len && o + 4 < buflen) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* "'text'", "a number (5)", "true": what the value was, for messages. */
static void
describe_got(const struct value *v, char *buf, size_t buflen)
{
	char q[64];

	switch (v->type) {
	case VALUE_NIL:
		snprintf(buf, buflen, "nothing");
		return;
	case VALUE_BOOL:
		snprintf(buf, buflen, "%s", v->b ? "yes" : "no");
		return;
	case VALUE_INT:
		snprintf(buf, buflen, "%lld", (long long)v->i);
		return;
	case VALUE_STR:
		if (v->s == NULL) {
			snprintf(buf, buflen, "a malformed string");
			return;
		}
		quote(v->s, v->len, q, sizeof(q));
		snprintf(buf, buflen, "'%s'", q);
		return;
	}
	snprintf(buf, buflen, "an unknown value");
}

/* Comma-separated allowed values of an enum, for messages. */
static void
enum_list(const struct schema_field *f, char *buf, size_t buflen)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; f->values != NULL && f->values[i] != NULL; i++) {
		int w = snprintf(buf + o, buflen - o, "%s%s",
		    i > 0 ? ", " : "", f->values[i]);

		if (w < 0 || (size_t)w >= buflen - o)
			break;
		o += (size_t)w;
	}
}

/* The part of a message after "expected ": what f allows. */
static void
expected(const struct schema_field *f, char *buf, size_t buflen)
{
	char list[256];

	switch (f->kind) {
	case SCHEMA_STR:
		snprintf(buf, buflen, "one line of text");
		return;
	case SCHEMA_TEXT:
		snprintf(buf, buflen, "text");
		return;
	case SCHEMA_DATE:
		snprintf(buf, buflen, "a date YYYY-MM-DD");
		return;
	case SCHEMA_BOOL:
		snprintf(buf, buflen, "yes or no");
		return;
	case SCHEMA_INT:
		snprintf(buf, buflen, "a whole number from %lld to %lld",
		    f->min, f->max);
		return;
	case SCHEMA_ENUM:
		enum_list(f, list, sizeof(list));
		snprintf(buf, buflen, "one of %s", list);
		return;
	case SCHEMA_REF:
		snprintf(buf, buflen, "a %s record id (32 lowercase hex digits)",
		    f->ref_type != NULL ? f->ref_type : "record");
		return;
	case SCHEMA_CODE:
		snprintf(buf, buflen, "1 to %zu letters or digits", f->max_len);
		return;
	case SCHEMA_TIME:
		snprintf(buf, buflen, "a time HH:MM from 00:00 to 23:59");
		return;
	case SCHEMA_POSTCODE:
		snprintf(buf, buflen, "a UK postcode such as SW1A 1AA (or the "
		    "partial SW1A 1)");
		return;
	}
	snprintf(buf, buflen, "nothing");
}

static int
refuse(const struct schema_field *f, const char *got, char *why,
    size_t whylen)
{
	char want[320];

	expected(f, want, sizeof(want));
	return say(why, whylen, IRO_EINVAL, "field '%s': expected %s, got %s",
	    f->name, want, got);
}

static int
mismatch(const struct schema_field *f, const struct value *v, char *why,
    size_t whylen)
{
	char got[96];

	describe_got(v, got, sizeof(got));
	return refuse(f, got, why, whylen);
}

/* No C0 controls, DEL or C1 controls (U+0080..U+009F); TEXT also lets
 * newlines and tabs through. */
static bool
text_chars_ok(const char *s, size_t len, bool multiline)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\t') {
			if (!multiline)
				return false;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

static bool
ref_ok(const char *s, size_t len)
{
	size_t i;

	if (len != 2 * LIMIT_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool
code_ok(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len < 1 || len > max)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

static bool
time_ok(const char *s, size_t len)
{
	int h, m;

	if (len != 5 || s[2] != ':')
		return false;
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return false;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h <= 23 && m <= 59;
}

/* An outward code: A9, A99, A9A, AA9, AA99 or AA9A (upper case). */
static bool
outward_ok(const char *pc, size_t out)
{
	size_t i;

	if (out < 2 || !isalpha((unsigned char)pc[0]))
		return false;
	i = isalpha((unsigned char)pc[1]) ? 2 : 1;
	if (i >= out || !isdigit((unsigned char)pc[i]))
		return false;
	i++;
	if (i < out)
		i++;      /* a second digit, or a letter (A9A, AA9A) */
	return i == out;
}

/*
 * A UK postcode: outward code, an optional single space, then the inward
 * code 9AA (whose letters are never C, I, K, M, O or V); or GIR 0AA.  Also
 * the partial form SSDA903 returns carry, "OUTWARD 9" (the space then
 * required), so a council's extract loads unchanged.  Any case.
 */
static bool
postcode_ok(const char *s, size_t len)
{
	char pc[8];
	size_t i, n = 0;
	bool partial = len >= 4 && s[len - 2] == ' ';

	if (len < 4 || len > 8)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' && (i == len - 4 || (partial && i == len - 2)))
			continue;
		if (!isalnum(c) || c > 0x7f)
			return false;
		pc[n++] = (char)toupper(c);
	}
	pc[n] = '\0';
	if (partial)
		return isdigit((unsigned char)pc[n - 1]) &&
		    outward_ok(pc, n - 1);
	if (n < 5 || n > 7)
		return false;
	if (strcmp(pc, "GIR0AA") == 0)
		return true;
	if (!isdigit((unsigned char)pc[n - 3]) ||
	    strchr("ABDEFGHJLNPQRSTUWXYZ", pc[n - 2]) == NULL ||
	    strchr("ABDEFGHJLNPQRSTUWXYZ", pc[n - 1]) == NULL)
		return false;
	return outward_ok(pc, n - 3);
}

static bool
enum_ok(const struct schema_field *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; f->values != NULL && f->values[i] != NULL; i++)
		if (strlen(f->values[i]) == len &&
		    memcmp(f->values[i], s, len) == 0)
			return true;
	return false;
}

static int
check_string(const struct schema_field *f, const struct value *v,
    char *why, size_t whylen)
{
	if (!value_str_valid(v))
		return say(why, whylen, IRO_EINVAL,
		    "field '%s': not valid utf-8 text", f->name);
	switch (f->kind) {
	case SCHEMA_STR:
	case SCHEMA_TEXT:
		if (v->len > f->max_len)
			return say(why, whylen, IRO_EINVAL,
			    "field '%s': %zu bytes is over the limit of %zu",
			    f->name, v->len, f->max_len);
		if (!text_chars_ok(v->s, v->len, f->kind == SCHEMA_TEXT))
			return say(why, whylen, IRO_EINVAL,
			    "field '%s': control characters are not allowed%s",
			    f->name, f->kind == SCHEMA_TEXT ?
			    " (except newline and tab)" : "");
		return 0;
	case SCHEMA_DATE:
		return date_parse(v->s, v->len, NULL, NULL, NULL) == 0 ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_ENUM:
		return enum_ok(f, v->s, v->len) ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_REF:
		return ref_ok(v->s, v->len) ? 0 : mismatch(f, v, why, whylen);
	case SCHEMA_CODE:
		return code_ok(v->s, v->len, f->max_len) ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_TIME:
		return time_ok(v->s, v->len) ? 0 : mismatch(f, v, why, whylen);
	case SCHEMA_POSTCODE:
		return postcode_ok(v->s, v->len) ? 0 :
		    mismatch(f, v, why, whylen);
	case SCHEMA_BOOL:
	case SCHEMA_INT:
		break;
	}
	return mismatch(f, v, why, whylen);
}

int
schema_check_value(const struct schema_field *f, const struct value *v,
    char *why, size_t whylen)
{
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (v->type == VALUE_NIL)
		return 0;
	switch (f->kind) {
	case SCHEMA_BOOL:
		return v->type == VALUE_BOOL ? 0 : mismatch(f, v, why, whylen);
	case SCHEMA_INT:
		if (v->type != VALUE_INT || v->i < f->min || v->i > f->max)
			return mismatch(f, v, why, whylen);
		return 0;
	case SCHEMA_STR:
	case SCHEMA_TEXT:
	case SCHEMA_DATE:
	case SCHEMA_ENUM:
	case SCHEMA_REF:
	case SCHEMA_CODE:
	case SCHEMA_TIME:
	case SCHEMA_POSTCODE:
		if (v->type != VALUE_STR)
			return mismatch(f, v, why, whylen);
		return check_string(f, v, why, whylen);
	}
	return say(why, whylen, IRO_EINVAL, "field '%s': unknown kind",
	    f->name);
}

int
schema_check_change(const struct change *c, enum schema_role role,
    char *why, size_t whylen)
{
	const struct schema_type *t;
	const struct schema_field *f;
	char name[LIMIT_NAME_MAX + 1];

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	/* The names are fixed-size arrays from the wire: bound them. */
	snprintf(name, sizeof(name), "%.*s", LIMIT_NAME_MAX, c->type);
	t = schema_type_find(name);
	if (t == NULL)
		return say(why, whylen, IRO_EINVAL,
		    "unknown record type '%s'", name);
	snprintf(name, sizeof(name), "%.*s", LIMIT_NAME_MAX, c->field);
	f = schema_field_find(t, name);
	if (f == NULL)
		return say(why, whylen, IRO_EINVAL, "unknown field '%s.%s'",
		    t->name, name);
	if ((f->writers & (unsigned)role) == 0)
		return say(why, whylen, IRO_EFORBIDDEN,
		    "role '%s' may not write %s.%s", schema_role_name(role),
		    t->name, f->name);
	return schema_check_value(f, &c->value, why, whylen);
}

static int
parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "yes", "y", "true", NULL };
	static const char *const no[] = { "no", "n", "false", NULL };
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return IRO_EINVAL;
}

static int
parse_int(const char *text, long long *out)
{
	char *end = NULL;
	long long v;

	/* strtoll would skip blanks and take a sign; a user's number is
	 * digits with an optional minus and nothing else. */
	if (!(text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
		return IRO_EINVAL;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0')
		return IRO_EINVAL;
	*out = v;
	return 0;
}

/* A message for text that did not parse, quoting it. */
static int
bad_text(const struct schema_field *f, const char *text, char *why,
    size_t whylen)
{
	char q[64], got[96];

	quote(text, strlen(text), q, sizeof(q));
	snprintf(got, sizeof(got), "'%s'", q);
	return refuse(f, got, why, whylen);
}

int
schema_parse_text(const struct schema_field *f, const char *text,
    struct value *out, char *why, size_t whylen)
{
	size_t len, i;
	long long n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (text == NULL)
		return 0;
	/* Bound the copy; the field's own limit is checked below with a
	 * message that says what the field takes. */
	len = strnlen(text, LIMIT_STR_MAX + 1);
	if (len > LIMIT_STR_MAX)
		return say(why, whylen, IRO_EINVAL,
		    "field '%s': text is over the limit of %zu bytes", f->name,
		    f->max_len > 0 && f->max_len < LIMIT_STR_MAX ? f->max_len :
		    (size_t)LIMIT_STR_MAX);
	switch (f->kind) {
	case SCHEMA_BOOL:
		out->type = VALUE_BOOL;
		if (parse_bool(text, &out->b) != 0)
			goto bad;
		return 0;
	case SCHEMA_INT:
		if (parse_int(text, &n) != 0)
			goto bad;
		out->type = VALUE_INT;
		out->i = n;
		break;
	default:
		rc = value_set_str(out, text, len);
		if (rc != 0)
			return rc == IRO_ENOMEM ? rc : bad_text(f, text, why,
			    whylen);
		/* Ids are shown in lowercase but may be typed either way. */
		if (f->kind == SCHEMA_REF)
			for (i = 0; i < len; i++)
				if (out->s[i] >= 'A' && out->s[i] <= 'F')
					out->s[i] = (char)(out->s[i] - 'A' + 'a');
		break;
	}
	rc = schema_check_value(f, out, why, whylen);
	if (rc != 0)
		value_clear(out);
	return rc;
bad:
	memset(out, 0, sizeof(*out));
	return bad_text(f, text, why, whylen);
}

/* A growing malloc'd string for schema_describe. */
struct buf {
	char *s;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int w;
	size_t need;
	char *p;

	if (b->err != 0)
		return;
	va_start(ap, fmt);
	w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (w < 0) {
		b->err = IRO_EINTERNAL;
		return;
	}
	need = b->len + (size_t)w + 1;
	if (need > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : 256;

		while (cap < need)
			cap *= 2;
		p = realloc(b->s, cap);
		if (p == NULL) {
			b->err = IRO_ENOMEM;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)w;
}

static void
describe_field(struct buf *b, const struct schema_type *t,
    const struct schema_field *f)
{
	char want[320];

	expected(f, want, sizeof(want));
	put(b, "  %-14s %s", f->name, want);
	if ((f->kind == SCHEMA_STR || f->kind == SCHEMA_TEXT) &&
	    f->max_len > 0)
		put(b, "; at most %zu bytes", f->max_len);
	if (f->required)
		put(b, "; required");
	if (f->dflt != NULL)
		put(b, "; default %s", f->dflt);
	if (f->frozen && t->freeze_field != NULL)
		put(b, "; fixed once %s is %s", t->freeze_field,
		    t->freeze_value);
	if (f->help != NULL)
		put(b, "\n  %-14s %s", "", f->help);
	put(b, "\n");
}

int
schema_describe(const struct schema_type *t, char **out)
{
	struct buf b = { 0 };
	size_t i;

	*out = NULL;
	put(&b, "%s fields:\n", t->name);
	for (i = 0; i < t->nfields; i++)
		describe_field(&b, t, &t->fields[i]);
	if (b.err != 0) {
		free(b.s);
		return b.err;
	}
	*out = b.s;
	return 0;
}
