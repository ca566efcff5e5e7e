/*
 * schema_table.c - the one table of record types and their fields
 * (docs/casework.md is its contract).
 *
 * Adding a record type or a field means adding rows here; the checks in
 * schema.c, the merge and the listings read only the table.
 */
#include <stddef.h>

#include "codes.h"
#include "schema_int.h"

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
	"adjourn_days", "lease_days", NULL
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

const struct schema_type schema_types[] = {
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

const size_t schema_ntypes = N(schema_types);
