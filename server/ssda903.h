/*
 * ssda903.h - reading a council's SSDA903 extract (the DfE looked-after
 * children return) and deriving what IRO Sync holds about each child.
 *
 * The input is the council's own CSV tables, dates dd/mm/yyyy, columns
 * found by their header name in any order (extra columns are ignored):
 *   Header      CHILD, SEX, DOB (also ETHNIC, UPN, MOTHER, MC_DOB: unused)
 *   Episodes    CHILD, DECOM, RNE, LS, PLACE, PLACE_PROVIDER, DEC, REC,
 *               PL_POST, and optionally PL_LA (CIN, REASON_PLACE_CHANGE,
 *               HOME_POST, URN: unused)
 *   Reviews     CHILD, DOB, REVIEW, REVIEW_CODE (optional table)
 *   Allocations CHILD, IRO, and optionally GIVEN_NAME, FAMILY_NAME,
 *               SOCIAL_WORKER (SSDA903 holds no names: they come from
 *               here)
 * SEX is M, F or U (the return's older 1 and 2 are read as M and F).
 * PL_POST is a full postcode or, as the return often has it, a postcode
 * sector ("LS8 4"); either is kept in upper case with one space.
 * Values are trimmed of surrounding spaces.
 *
 * Derived per child (docs/casework.md, child): care_start is the DECOM of
 * the latest episode with RNE S; care_end the DEC of the last episode
 * when it has a REC that ends care (anything but X1); legal status,
 * placement type, provider, postcode (PL_POST) and council (PL_LA) from
 * the last episode; placement_start the DECOM of the last episode, going
 * back over episodes that changed only the legal status (RNE L), since
 * the placement itself did not change then; long_term_foster for U1/U4;
 * adoption_stage "placed" for A3-A6, else "authority" under a placement
 * or freeing order (E1, D1), else "none"; adoption_since the DECOM of the
 * first episode of the unbroken run, within the current period of care,
 * that ends with the last episode and is in that stage (PLACE A3-A6 for
 * "placed", LS E1 or D1 for "authority").
 *
 * Every problem is reported with its file and line; one problem makes the
 * whole extract invalid.  Pure: no store, no globals; thread-safe.
 */
#ifndef SSDA903_H
#define SSDA903_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"
#include "limits.h"

#define SSDA903_FILE_MAX (64u << 20)    /* bytes of one table */
#define SSDA903_ROWS_MAX 1000000        /* rows of one table */
#define SSDA903_PROBLEMS_MAX 1000       /* problems reported one by one */
#define SSDA903_CHILD_MAX 20            /* bytes of a CHILD id */
#define SSDA903_NAME_MAX 100            /* bytes of a name */

enum ssda903_table {
	SSDA903_HEADER = 0,
	SSDA903_EPISODES,
	SSDA903_REVIEWS,
	SSDA903_ALLOCATIONS,
	SSDA903_TABLES
};

/* One table as read from its file: name for messages (the path), and
 * its bytes (borrowed).  buf NULL: not given (allowed for Reviews). */
struct ssda903_text {
	const char *name;
	const char *buf;
	size_t len;
};

/* Called once per problem, by table then line: file is the table's name,
 * line from 1, the reason borrowed for the call. */
typedef void (*ssda903_problem_fn)(void *ctx, const char *file,
    size_t line, const char *reason);

struct ssda903_opts {
	cal_day today;                  /* no date may be after it */
	ssda903_problem_fn problem;     /* may be NULL */
	void *problem_ctx;
};

/* A child as the extract describes it.  Strings are "" when absent. */
struct ssda903_child {
	char child_id[SSDA903_CHILD_MAX + 1];
	size_t line;                            /* its Header line */
	cal_day dob;
	char sex[2];
	char legal_status[3];
	cal_day care_start;
	bool care_ended;
	cal_day care_end;                       /* when care_ended */
	char placement_type[4];
	cal_day placement_start;
	char placement_provider[4];
	char placement_postcode[9];             /* "AB12 3CD" or "AB12 3" */
	char placement_council[10];             /* PL_LA */
	bool long_term_foster;
	const char *adoption_stage;             /* static string */
	cal_day adoption_since;                 /* unless stage is "none" */
	char iro[LIMIT_USER_MAX + 1];           /* "" = no IRO allocated */
	char given_name[SSDA903_NAME_MAX + 1];
	char family_name[SSDA903_NAME_MAX + 1];
	char social_worker[SSDA903_NAME_MAX + 1];
	size_t alloc_line;                      /* its Allocations line */
};

/* One row of the Reviews table. */
struct ssda903_review {
	size_t child;                           /* index into children */
	cal_day date;                           /* REVIEW */
	char code[4];                           /* REVIEW_CODE: PN0..PN7 */
	size_t line;
};

struct ssda903_extract {
	struct ssda903_child *children;         /* by child_id */
	size_t nchildren;
	struct ssda903_review *reviews;         /* by child, then date */
	size_t nreviews;
	bool has_council;                       /* Episodes has PL_LA */
	bool has_names;                         /* Allocations has names */
	bool has_social_worker;                 /* ... and SOCIAL_WORKER */
	size_t problems;                        /* how many were found */
};

/*
 * ssda903_parse - read and check the four tables (t indexed by enum
 * ssda903_table) and derive each child.  *out is overwritten; clear it
 * with ssda903_extract_clear() whatever the result.  Returns 0;
 * IRO_EINVAL when any problem was found (each reported through
 * o->problem, the first SSDA903_PROBLEMS_MAX of them, and counted in
 * out->problems; out then holds no children or reviews); or IRO_ENOMEM.
 */
int ssda903_parse(const struct ssda903_text t[SSDA903_TABLES],
    const struct ssda903_opts *o, struct ssda903_extract *out);

/* ssda903_extract_clear - free what ssda903_parse allocated.  NULL is a
 * no-op. */
void ssda903_extract_clear(struct ssda903_extract *x);

/* ssda903_find - the index of child_id in x->children, or -1. */
long ssda903_find(const struct ssda903_extract *x, const char *child_id);

#endif
