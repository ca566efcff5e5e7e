/*
 * cmd_list.c - listings of one record type: visits, notes.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "out.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CELL_MAX 48              /* characters shown of a long cell */

/* A field as text for a table cell ("" when unset); borrowed from r
 * except for bools, which are static. */
static const char *
field(const struct iro_record *r, const char *name)
{
	struct iro_value v;

	if (iro_record_get(r, name, &v) != 0)
		return "";
	if (v.type == IRO_V_STR)
		return v.s ? v.s : "";
	if (v.type == IRO_V_BOOL)
		return v.b ? "yes" : "no";
	return "";
}

static int
by_date(const void *a, const void *b)
{
	const struct iro_record *x = *(const struct iro_record *const *)a;
	const struct iro_record *y = *(const struct iro_record *const *)b;
	int d = strcmp(field(x, CMD_F_DATE), field(y, CMD_F_DATE));

	return d ? d : strcmp(iro_record_id(x), iro_record_id(y));
}

/*
 * The records of `type` (of one child if `child` is not NULL), as an
 * array of pointers borrowed from *list, sorted with cmp (NULL: by id).
 * Caller frees the array and the list.
 */
static int
collect(struct iro *h, const char *type, const char *child,
    int (*cmp)(const void *, const void *), struct iro_list **list,
    const struct iro_record ***out, size_t *n)
{
	const struct iro_record *r;
	size_t i, count;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = iro_list(h, type, list)) != 0)
		return rc;
	count = iro_list_count(*list);
	*out = calloc(count ? count : 1, sizeof **out);
	if (*out == NULL)
		return IRO_ENOMEM;
	for (i = 0; i < count; i++) {
		r = iro_list_at(*list, i);
		if (child == NULL || strcmp(field(r, CMD_F_CHILD), child) == 0)
			(*out)[(*n)++] = r;
	}
	if (cmp != NULL)
		qsort(*out, *n, sizeof **out, cmp);
	return 0;
}

/* The child's name for a table, found in the id-ordered children list. */
static const char *
child_name(const struct iro_list *children, const char *id, char *buf,
    size_t len)
{
	size_t lo = 0, hi = iro_list_count(children), mid;
	const struct iro_record *r;
	int d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = iro_list_at(children, mid);
		d = strcmp(iro_record_id(r), id);
		if (d == 0) {
			snprintf(buf, len, "%s %s", field(r, "given_name"),
			    field(r, "family_name"));
			return buf;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return id;
}

/* Shared shape of the listings. */
struct listing {
	const char *cmd;
	const char *type;
	int takes_child;
	int (*cmp)(const void *, const void *);
	int (*print)(struct iro *h, const struct iro_record **recs, size_t n);
	int (*json)(FILE *f, const struct iro_record *const *recs, size_t n);
};

static int
list_run(struct cli *c, const struct listing *l, int argc, char **argv)
{
	struct args_opt opts[] = { { "json", 0, NULL, 0 } };
	const struct iro_record **recs = NULL;
	struct iro_list *list = NULL;
	char *pos[1], child[IRO_ID_HEX + 1];
	struct iro *h;
	size_t npos, n;
	int rc;

	rc = args_parse(c, l->cmd, argc, argv, opts, N(opts), pos, 0,
	    l->takes_child ? 1 : 0, &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	if (npos == 1 && (rc = iro_find_child(h, pos[0], child)) != 0) {
		if (rc != IRO_ENOTFOUND)
			return cli_fail(c, rc, l->cmd);
		cli_error(c, "%s: no child '%s' in this replica (see iro "
		    "children)", l->cmd, pos[0]);
		return CLI_EUSAGE;
	}
	rc = collect(h, l->type, npos == 1 ? child : NULL, l->cmp, &list,
	    &recs, &n);
	if (rc != 0) {
		rc = cli_fail(c, rc, l->cmd);
		goto out;
	}
	if (args_flag(opts, N(opts), "json"))
		rc = l->json(stdout, (const struct iro_record *const *)recs, n);
	else
		rc = l->print(h, recs, n);
	if (rc != 0)
		rc = rc == IRO_EIO ? cli_out_error(c) : cli_fail(c, rc, l->cmd);
out:
	free(recs);
	iro_list_free(list);
	return rc;
}

/* Visits and notes name their child; look the names up once. */
static int
print_child_records(struct iro *h, const struct iro_record **recs,
    size_t n, const char *const *head, const char *const *fields,
    size_t ncols)
{
	struct iro_list *children = NULL;
	struct text_table *t = NULL;
	const char *row[8];
	char name[256];
	size_t i, k;
	int rc;

	if ((rc = iro_list(h, "child", &children)) != 0)
		return rc;
	if ((rc = text_table_new(ncols, CELL_MAX, &t)) != 0)
		goto out;
	rc = text_table_add(t, head);
	for (i = 0; i < n && rc == 0; i++) {
		for (k = 0; k < ncols; k++) {
			if (strcmp(fields[k], "id") == 0)
				row[k] = iro_record_id(recs[i]);
			else if (strcmp(fields[k], CMD_F_CHILD) == 0)
				row[k] = child_name(children,
				    field(recs[i], CMD_F_CHILD), name,
				    sizeof name);
			else
				row[k] = field(recs[i], fields[k]);
		}
		rc = text_table_add(t, row);
	}
	if (rc == 0)
		rc = text_table_print(t, stdout);
out:
	text_table_free(t);
	iro_list_free(children);
	return rc;
}

static int
print_visits(struct iro *h, const struct iro_record **recs, size_t n)
{
	static const char *const head[] = {
		"DATE", "CHILD", "SEEN ALONE", "NOTE", "ID"
	};
	static const char *const fields[] = {
		CMD_F_DATE, CMD_F_CHILD, CMD_F_SEEN_ALONE, CMD_F_NOTE, "id"
	};

	return print_child_records(h, recs, n, head, fields, N(head));
}

static int
print_notes(struct iro *h, const struct iro_record **recs, size_t n)
{
	static const char *const head[] = { "CHILD", "STATUS", "TEXT", "ID" };
	static const char *const fields[] = {
		CMD_F_CHILD, CMD_F_STATUS, CMD_F_TEXT, "id"
	};

	return print_child_records(h, recs, n, head, fields, N(head));
}

int
cmd_visits(struct cli *c, int argc, char **argv)
{
	static const struct listing l = {
		"visits", "visit", 1, by_date, print_visits, out_records
	};

	return list_run(c, &l, argc, argv);
}

int
cmd_notes(struct cli *c, int argc, char **argv)
{
	static const struct listing l = {
		"notes", "note", 1, NULL, print_notes, out_records
	};

	return list_run(c, &l, argc, argv);
}
