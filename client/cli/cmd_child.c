/*
 * cmd_child.c - `iro child`: one child's whole picture from the replica,
 * offline: identity, placement, legal status, the review schedule, and
 * every review, visit, note, decision, dispute (with its stages) and
 * flag about the child.
 */
#include "cmd.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "out.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CELL_MAX 48              /* characters shown of a long cell */
#define NONE "-"

static const char *
yes_no(int v)
{
	return v < 0 ? NONE : v ? "yes" : "no";
}

static const char *
or_none(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NONE;
}

/* The lists `iro child` shows, in the order shown. */
enum { L_REVIEW, L_VISIT, L_NOTE, L_DECISION, L_DISPUTE, L_STAGE, L_FLAG,
    L_COUNT };
static const char *const list_types[L_COUNT] = {
	"review", "visit", "note", "decision", "dispute", "dispute_stage",
	"flag"
};

struct picture {
	struct iro_record *child;
	struct iro_caseload *summary;
	struct iro_child_summary s;
	struct iro_list *list[L_COUNT];
	struct iro_history **status;  /* of each decision, in list order */
	size_t nstatus;
};

static void
picture_free(struct picture *p)
{
	size_t i;

	iro_record_free(p->child);
	iro_caseload_free(p->summary);
	for (i = 0; i < L_COUNT; i++)
		iro_list_free(p->list[i]);
	for (i = 0; i < p->nstatus; i++)
		iro_history_free(p->status[i]);
	free(p->status);
}

/* The status history of each decision. */
static int
status_load(struct iro *h, struct picture *p)
{
	const struct iro_list *d = p->list[L_DECISION];
	size_t i, n = iro_list_count(d);
	int rc = 0;

	if (n == 0)
		return 0;
	if ((p->status = calloc(n, sizeof(*p->status))) == NULL)
		return IRO_ENOMEM;
	p->nstatus = n;
	for (i = 0; i < n && rc == 0; i++)
		rc = iro_history_get(h, iro_record_id(iro_list_at(d, i)),
		    CMD_F_STATUS, &p->status[i]);
	return rc;
}

static int
picture_load(struct iro *h, const char *id, const char *today,
    struct picture *p)
{
	size_t i;
	int rc;

	if ((rc = iro_get(h, id, &p->child)) != 0 ||
	    (rc = iro_child_summary_get(h, id, today, &p->summary)) != 0 ||
	    (rc = iro_caseload_at(p->summary, 0, &p->s)) != 0)
		return rc;
	for (i = 0; i < L_COUNT && rc == 0; i++)
		rc = iro_list_child(h, list_types[i], id, &p->list[i]);
	return rc == 0 ? status_load(h, p) : rc;
}

/* A field of r as a person reads it, into buf: "-" when unset. */
static const char *
val(const struct iro_record *r, const char *name, char *buf, size_t len)
{
	struct iro_value v;

	if (strcmp(name, "id") == 0)
		return iro_record_id(r);
	if (iro_record_get(r, name, &v) != 0)
		v.type = IRO_V_NIL;
	switch (v.type) {
	case IRO_V_BOOL:
		return v.b ? "yes" : "no";
	case IRO_V_INT:
		snprintf(buf, len, "%" PRId64, v.i);
		return buf;
	case IRO_V_STR:
		return or_none(v.s);
	default:
		return NONE;
	}
}

/* A coded field with what the code means: "C2 (full care order)". */
static const char *
coded(const struct iro_record *r, const char *name, char *buf, size_t len)
{
	const char *code = val(r, name, buf, len);
	const char *meaning = iro_code_meaning(name, code);

	if (meaning != NULL && code != buf)
		snprintf(buf, len, "%s (%s)", code, meaning);
	return code == buf || meaning == NULL ? code : buf;
}

static void
line(const char *label, const char *value)
{
	printf("  %-14s %s\n", label, value);
}

static void
print_identity(const struct picture *p)
{
	const struct iro_record *r = p->child;
	const struct iro_child_summary *s = &p->s;
	char b[8][128], text[1024];

	printf("%s %s\n", or_none(s->given_name), or_none(s->family_name));
	line("child id", or_none(s->child_id));
	line("id", s->id);
	snprintf(text, sizeof text, "%s, sex %s", or_none(s->dob),
	    val(r, "sex", b[0], sizeof b[0]));
	line("born", text);
	line("legal status", coded(r, "legal_status", b[0], sizeof b[0]));
	snprintf(text, sizeof text, "since %s%s%s",
	    val(r, "care_start", b[0], sizeof b[0]),
	    cmd_text(r, "care_end") ? ", ended " : "",
	    cmd_text(r, "care_end") ? cmd_text(r, "care_end") : "");
	line("care", text);
	snprintf(text, sizeof text, "%s since %s, provider %s, postcode %s, "
	    "council %s, out of area %s, long-term foster %s",
	    coded(r, "placement_type", b[0], sizeof b[0]),
	    val(r, "placement_start", b[1], sizeof b[1]),
	    coded(r, "placement_provider", b[2], sizeof b[2]),
	    val(r, "placement_postcode", b[3], sizeof b[3]),
	    val(r, "placement_council", b[4], sizeof b[4]),
	    yes_no(s->out_of_area),
	    val(r, "long_term_foster", b[5], sizeof b[5]));
	line("placement", text);
	if (cmd_text(r, "adoption_since") != NULL) {
		snprintf(text, sizeof text, "%s since %s",
		    val(r, "adoption_stage", b[0], sizeof b[0]),
		    cmd_text(r, "adoption_since"));
		line("adoption", text);
	} else {
		line("adoption", val(r, "adoption_stage", b[0], sizeof b[0]));
	}
	line("social worker", val(r, "social_worker", b[0], sizeof b[0]));
	line("iro", or_none(s->iro));
}

static void
print_schedule(const struct iro_child_summary *s)
{
	char left[32], text[256];

	if (s->next_review_due == NULL) {
		line("next review", "none due");
	} else {
		text_days_left(1, s->review_overdue, s->working_days_left, left,
		    sizeof left);
		snprintf(text, sizeof text, "%s (%s review), %s%s",
		    s->next_review_due, or_none(s->review_basis), left,
		    s->review_overdue ? " working days" :
		    " working days left");
		line("next review", text);
	}
	line("consultation", s->consultation_done ? "done" : "not done");
	line("last visit", or_none(s->last_visit));
	snprintf(text, sizeof text, "%u open, %u drifting", s->open_decisions,
	    s->drifting_decisions);
	line("decisions", text);
	if (s->dispute_stage != NULL && s->dispute_response_due != NULL)
		snprintf(text, sizeof text, "%s, response due %s",
		    s->dispute_stage, s->dispute_response_due);
	else
		snprintf(text, sizeof text, "%s", or_none(s->dispute_stage));
	line("dispute", text);
}

/* A table of fields of each record of l, one row each after the
 * heading.  "@drift" is a decision's drift: carried forward twice. */
static int
section_table(const struct iro_list *l, const char *const *head,
    const char *const *fields, size_t ncols, struct text_table **out)
{
	struct text_table *t = NULL;
	const struct iro_record *r;
	struct iro_value v;
	const char *row[12];
	char buf[12][32];
	size_t i, k, n = iro_list_count(l);
	int rc;

	*out = NULL;
	if ((rc = text_table_new(ncols + 1, CELL_MAX, &t)) != 0)
		return rc;
	row[0] = " ";
	for (k = 0; k < ncols; k++)
		row[k + 1] = head[k];
	rc = text_table_add(t, row);
	for (i = 0; i < n && rc == 0; i++) {
		r = iro_list_at(l, i);
		for (k = 0; k < ncols; k++) {
			if (strcmp(fields[k], "@drift") == 0)
				row[k + 1] = iro_record_get(r, "carried", &v)
				    == 0 && v.type == IRO_V_INT && v.i >= 2 ?
				    "drift" : NONE;
			else
				row[k + 1] = val(r, fields[k], buf[k],
				    sizeof buf[k]);
		}
		rc = text_table_add(t, row);
	}
	if (rc != 0) {
		text_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* One section: a title and the table of its records (or "none"). */
static int
print_section(const char *title, const struct iro_list *l,
    const char *const *head, const char *const *fields, size_t ncols)
{
	struct text_table *t = NULL;
	int rc;

	printf("\n%s\n", title);
	if (iro_list_count(l) == 0) {
		printf("  none\n");
		return 0;
	}
	if ((rc = section_table(l, head, fields, ncols, &t)) == 0)
		rc = text_table_print(t, stdout);
	text_table_free(t);
	return rc;
}

/* "    status: open 2026-03-10, done 2026-04-02" - the changes of a
 * decision's status that count, oldest first; nothing if none. */
static int
print_status_line(const struct iro_history *hs)
{
	struct iro_history_entry e;
	char when[TEXT_TIME_LEN], *s = NULL;
	size_t i, n = iro_history_count(hs);
	int rc = 0, first = 1;

	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = iro_history_at(hs, i, &e)) != 0 ||
		    strcmp(e.state, "refused") == 0)
			continue;
		if ((rc = text_value(&e.value, &s)) != 0)
			break;
		text_iso_time(e.at_ms, when);
		printf("%s%s %.10s%s", first ? "    status: " : ", ", s, when,
		    strcmp(e.state, "pending") == 0 ? " (pending)" : "");
		free(s);
		first = 0;
	}
	if (!first)
		putchar('\n');
	return rc;
}

/*
 * The decisions' table with each decision's status history on the line
 * under its row: the table is laid out in memory first, so that its
 * columns stay aligned across the interleaved lines.
 */
static int
print_decisions(const struct picture *p, const char *const *head,
    const char *const *fields, size_t ncols)
{
	const struct iro_list *l = p->list[L_DECISION];
	struct text_table *t = NULL;
	char *buf = NULL, *at;
	size_t len = 0, row = 0, k;
	FILE *m;
	int rc;

	printf("\ndecisions\n");
	if (iro_list_count(l) == 0) {
		printf("  none\n");
		return 0;
	}
	if ((rc = section_table(l, head, fields, ncols, &t)) != 0)
		return rc;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		text_table_free(t);
		return IRO_ENOMEM;
	}
	rc = text_table_print(t, m);
	text_table_free(t);
	if (fclose(m) != 0 && rc == 0)
		rc = IRO_ENOMEM;
	/* Line 0 is the heading; line k the row of decision k - 1. */
	for (at = buf; rc == 0 && at != NULL && *at != '\0'; row++) {
		k = strcspn(at, "\n");
		printf("%.*s\n", (int)k, at);
		at += k + (at[k] == '\n');
		if (row > 0 && row - 1 < p->nstatus)
			rc = print_status_line(p->status[row - 1]);
	}
	free(buf);
	return rc;
}

/* Disputes, each followed by its stages, indented. */
static int
print_disputes(const struct iro_list *d, const struct iro_list *stages)
{
	static const char *const head[] = {
		" ", "OPENED", "CATEGORY", "STATUS", "CAFCASS", "CLOSED",
		"STAGE", "SENT", "RESPONSE DUE", "RESPONDED", "OUTCOME", "ID"
	};
	static const char *const df[] = {
		"opened", "category", "status", "cafcass_referred", "closed"
	};
	static const char *const sf[] = {
		"stage", "sent", "response_due", "responded", "outcome"
	};
	const struct iro_record *r, *st;
	struct text_table *t = NULL;
	const char *row[N(head)], *of;
	char buf[5][32];
	size_t i, j, k, n = iro_list_count(d);
	int rc;

	printf("\ndisputes\n");
	if (n == 0) {
		printf("  none\n");
		return 0;
	}
	if ((rc = text_table_new(N(head), CELL_MAX, &t)) != 0)
		return rc;
	rc = text_table_add(t, head);
	for (i = 0; i < n && rc == 0; i++) {
		r = iro_list_at(d, i);
		for (k = 0; k < N(head); k++)
			row[k] = "";
		row[0] = " ";
		for (k = 0; k < N(df); k++)
			row[k + 1] = val(r, df[k], buf[k], sizeof buf[k]);
		row[N(head) - 1] = iro_record_id(r);
		rc = text_table_add(t, row);
		for (j = 0; j < iro_list_count(stages) && rc == 0; j++) {
			st = iro_list_at(stages, j);
			of = cmd_text(st, CMD_F_DISPUTE);
			if (of == NULL || strcmp(of, iro_record_id(r)) != 0)
				continue;
			for (k = 1; k <= N(df); k++)
				row[k] = "";
			for (k = 0; k < N(sf); k++)
				row[k + 1 + N(df)] = val(st, sf[k], buf[k],
				    sizeof buf[k]);
			row[N(head) - 1] = iro_record_id(st);
			rc = text_table_add(t, row);
		}
	}
	if (rc == 0)
		rc = text_table_print(t, stdout);
	text_table_free(t);
	return rc;
}

static int
print_picture(const struct picture *p)
{
	static const char *const rh[] = {
		"DATE", "STATUS", "FORMAT", "DUE", "SPOKEN PRIVATELY",
		"PARTICIPATION", "ID"
	};
	static const char *const rf[] = {
		"meeting_date", "status", "format", "due", "spoken_privately",
		"participation", "id"
	};
	static const char *const vh[] = {
		"DATE", "TIME", "PURPOSE", "MODE", "CHILD SEEN", "SEEN ALONE",
		"ID"
	};
	static const char *const vf[] = {
		"date", "time", "purpose", "mode", "child_seen", "seen_alone",
		"id"
	};
	static const char *const nh[] = {
		"TYPE", "STATUS", "SUPERSEDES", "TEXT", "ID"
	};
	static const char *const nf[] = {
		"type", "status", "supersedes", "text", "id"
	};
	static const char *const dh[] = {
		"STATUS", "DUE", "CARRIED", "DRIFT", "RESPONSIBLE", "TEXT", "ID"
	};
	static const char *const df[] = {
		"status", "due", "carried", "@drift", "responsible", "text", "id"
	};
	static const char *const fh[] = { "FIELD", "STATUS", "TEXT", "ID" };
	static const char *const ff[] = { "field", "status", "text", "id" };
	int rc;

	print_identity(p);
	print_schedule(&p->s);
	if ((rc = print_section("reviews", p->list[L_REVIEW], rh, rf,
	    N(rh))) != 0 ||
	    (rc = print_section("visits", p->list[L_VISIT], vh, vf,
	    N(vh))) != 0 ||
	    (rc = print_section("notes", p->list[L_NOTE], nh, nf,
	    N(nh))) != 0 ||
	    (rc = print_decisions(p, dh, df, N(dh))) != 0 ||
	    (rc = print_disputes(p->list[L_DISPUTE], p->list[L_STAGE])) != 0)
		return rc;
	return print_section("flags", p->list[L_FLAG], fh, ff, N(fh));
}

int
cmd_child(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "json", 0, NULL, 0 } };
	char *pos[1], id[IRO_ID_HEX + 1], today[CLI_DATE_LEN];
	struct picture p = { 0 };
	struct out_child_view v;
	struct iro *h;
	size_t npos;
	int rc = args_parse(c, "child", argc, argv, opts, N(opts), pos, 1, 1,
	    &npos);

	if (rc == CLI_OK)
		rc = cmd_ready(c, &h, today);
	if (rc == CLI_OK)
		rc = cmd_find_child(c, h, "child", pos[0], id);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if ((rc = picture_load(h, id, today, &p)) != 0) {
		rc = cli_fail(c, rc, "child");
		goto out;
	}
	if (args_flag(opts, N(opts), "json")) {
		v = (struct out_child_view){ p.child, &p.s, p.list[L_REVIEW],
		    p.list[L_VISIT], p.list[L_NOTE], p.list[L_DECISION],
		    p.list[L_DISPUTE], p.list[L_STAGE], p.list[L_FLAG],
		    (const struct iro_history *const *)p.status };
		rc = out_child(stdout, &v);
	} else {
		rc = print_picture(&p);
	}
	if (rc == IRO_EIO || (rc == 0 && ferror(stdout)))
		rc = cli_out_error(c);
	else if (rc != 0)
		rc = cli_fail(c, rc, "child");
out:
	picture_free(&p);
	return rc;
}
