/*
 * cmd_config.c - what the council configures and every device receives:
 * holidays and config.  Each change is audited in its transaction; the
 * lists and config get show no case content and are not.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "calendar.h"
#include "file.h"
#include "holidays.h"
#include "iro_error.h"
#include "json.h"
#include "settings.h"

#define MS_PER_DAY 86400000ull
/* More than the schema's settings, which config list shows in full. */
#define NAMES_MAX 32

/* Roll back after rc, leaving the store's words in why where it has
 * them (else the reason already there); returns rc. */
static int
fail(struct store *st, int rc, char *why, size_t whylen)
{
	if (rc == IRO_EIO || rc == IRO_EBUSY)
		snprintf(why, whylen, "%s", store_errmsg(st));
	store_rollback(st);
	return rc;
}

/* Roll back after the audit entry or the commit failed with rc. */
static int
fail_write(struct store *st, int rc, char *why, size_t whylen)
{
	snprintf(why, whylen, "nothing written: %s", rc == IRO_EIO ||
	    rc == IRO_EBUSY ? store_errmsg(st) : iro_strerror(rc));
	store_rollback(st);
	return rc;
}

/* holidays_import and its audit entry, in one transaction. */
static int
import_audited(struct store *st, const char *path, const char *json,
    size_t len, struct holidays_summary *sum, char *why, size_t whylen)
{
	uint64_t now = cmd_wall_ms();
	struct store_audit au;
	int rc;

	if ((rc = store_begin(st)) != 0)
		return fail(st, rc, why, whylen);
	if ((rc = holidays_import_tx(st, now, json, len, sum, why,
	    whylen)) != 0)
		return fail(st, rc, why, whylen);
	audit_cli_entry(&au, AUDIT_HOLIDAYS_IMPORT, now, "imported '%.512s': "
	    "%zu holidays read, %zu added, %zu already known", path,
	    sum->events, sum->added, sum->present);
	if ((rc = store_audit_append(st, &au, NULL)) != 0 ||
	    (rc = store_commit(st)) != 0) {
		memset(sum, 0, sizeof(*sum));
		return fail_write(st, rc, why, whylen);
	}
	return 0;
}

int
cmd_holidays_import(int argc, char **argv)
{
	const char *data = NULL;
	const struct cmd_opt opts[] = { { "--data", &data, NULL }, { 0 } };
	struct holidays_summary sum;
	struct store *st = NULL;
	char why[512], *json = NULL;
	struct cmd_args a;
	size_t len = 0;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "FILE (bank-holidays.json)")) != 0)
		return rc;
	if ((rc = file_read(a.pos[0], CAL_JSON_MAX, &json, &len, why,
	    sizeof(why))) != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	if ((rc = cmd_open_store(data, &st)) != 0) {
		free(json);
		return rc;
	}
	rc = import_audited(st, a.pos[0], json, len, &sum, why, sizeof(why));
	store_close(st);
	free(json);
	if (rc != 0) {
		cmd_complain("'%s': %s", a.pos[0], why);
		return cmd_exit_for(rc);
	}
	printf("read %zu holidays: %zu added, %zu already known\n",
	    sum.events, sum.added, sum.present);
	return 0;
}

/* holidays_set and, when it changed anything, its audit entry, in one
 * transaction. */
static int
set_audited(struct store *st, cal_day day, bool working, const char *title,
    bool *changed, char *why, size_t whylen)
{
	uint64_t now = cmd_wall_ms();
	struct store_audit au;
	char d[11];
	int rc;

	*changed = false;
	if ((rc = store_begin(st)) != 0)
		return fail(st, rc, why, whylen);
	if ((rc = holidays_set_tx(st, now, day, working, title, changed, why,
	    whylen)) != 0)
		return fail(st, rc, why, whylen);
	if (!*changed) {
		store_rollback(st);
		return 0;
	}
	cal_format(day, d);
	if (working)
		audit_cli_entry(&au, AUDIT_HOLIDAYS_CANCEL, now, "made %s a "
		    "working day (the bank holiday is cancelled)", d);
	else
		audit_cli_entry(&au, AUDIT_HOLIDAYS_ADD, now, "made %s a "
		    "holiday%s%.200s%s", d, title != NULL ? " ('" : "",
		    title != NULL ? title : "", title != NULL ? "')" : "");
	if ((rc = store_audit_append(st, &au, NULL)) != 0 ||
	    (rc = store_commit(st)) != 0) {
		*changed = false;
		return fail_write(st, rc, why, whylen);
	}
	return 0;
}

/* holidays add / cancel: one day. */
static int
holidays_day(int argc, char **argv, bool working)
{
	const char *data = NULL, *title = NULL;
	const struct cmd_opt add_opts[] = {
		{ "--data", &data, NULL }, { "--title", &title, NULL }, { 0 }
	};
	const struct cmd_opt cancel_opts[] = {
		{ "--data", &data, NULL }, { 0 }
	};
	struct store *st = NULL;
	struct cmd_args a;
	char why[512];
	bool changed;
	cal_day day;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, working ? cancel_opts :
	    add_opts, 1, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "DATE (YYYY-MM-DD)")) != 0)
		return rc;
	if (cal_parse(a.pos[0], &day) != 0) {
		cmd_complain("expected a date YYYY-MM-DD, got '%s'", a.pos[0]);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = set_audited(st, day, working, title, &changed, why, sizeof(why));
	store_close(st);
	if (rc != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	if (!changed)
		printf("%s is already %s: nothing changed\n", a.pos[0],
		    working ? "a working day" : "a holiday");
	else
		printf("%s is now %s\n", a.pos[0], working ?
		    "a working day (the bank holiday is cancelled)" :
		    "a holiday");
	return 0;
}

int
cmd_holidays_add(int argc, char **argv)
{
	return holidays_day(argc, argv, false);
}

int
cmd_holidays_cancel(int argc, char **argv)
{
	return holidays_day(argc, argv, true);
}

/* 1 January of this year, or 31 December of next year. */
static cal_day
year_edge(bool end)
{
	cal_day today = (cal_day)(cmd_wall_ms() / MS_PER_DAY), out = today;
	int y, m, d;

	cal_to_ymd(today, &y, &m, &d);
	(void)cal_from_ymd(end ? y + 1 : y, end ? 12 : 1, end ? 31 : 1, &out);
	return out;
}

static int
day_opt(const char *text, const char *what, bool end, cal_day *out)
{
	if (text == NULL) {
		*out = year_edge(end);
		return 0;
	}
	if (cal_parse(text, out) == 0)
		return 0;
	cmd_complain("%s: expected a date YYYY-MM-DD, got '%s'", what, text);
	return CMD_EXIT_USAGE;
}

int
cmd_holidays_list(int argc, char **argv)
{
	const char *data = NULL, *from = NULL, *to = NULL;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--from", &from, NULL },
		{ "--to", &to, NULL }, { "--json", NULL, &json }, { 0 }
	};
	struct holidays_entry *e = NULL;
	struct store *st = NULL;
	struct cmd_args a;
	cal_day f, t;
	char d[11], *s = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = day_opt(from, "--from", false, &f)) != 0 ||
	    (rc = day_opt(to, "--to", true, &t)) != 0)
		return rc;
	if (f > t) {
		cmd_complain("--from is after --to");
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	if ((rc = holidays_list(st, f, t, &e, &n)) != 0) {
		cmd_complain("cannot list the holidays: %s", rc == IRO_EIO ||
		    rc == IRO_EBUSY ? store_errmsg(st) : iro_strerror(rc));
		rc = cmd_exit_for(rc);
	} else if (json) {
		rc = json_holidays(e, n, &s);
		rc = cmd_print_json(rc, s);
	} else {
		for (i = 0; i < n; i++) {
			cal_format(e[i].day, d);
			printf("%s  %-8s %s%s\n", d, e[i].source ==
			    HOLIDAYS_SERVER ? "server" : "shipped",
			    e[i].title[0] != '\0' ? e[i].title : "(no title)",
			    e[i].working ? " - cancelled: a working day" : "");
		}
	}
	free(e);
	store_close(st);
	return rc;
}

int
cmd_config_write(struct store *st, const char *name, const char *value,
    struct settings_result *res, char *why, size_t whylen)
{
	char was[SETTINGS_VALUE_MAX + 1];
	uint8_t id[LIMIT_ID_LEN];
	uint64_t now = cmd_wall_ms();
	struct store_audit au;
	bool set;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = store_begin(st)) != 0)
		return fail(st, rc, why, whylen);
	if ((rc = settings_get(st, name, was, sizeof(was), &set)) != 0 &&
	    rc != IRO_EINVAL)
		return fail(st, rc, why, whylen);
	if ((rc = settings_set_tx(st, now, name, value, res, id, why,
	    whylen)) != 0)
		return fail(st, rc, why, whylen);
	if (!res->changed) {
		store_rollback(st);
		return 0;
	}
	if (strcmp(name, "council") == 0)
		audit_cli_entry(&au, AUDIT_CONFIG_SET, now, "set '%s' to '%s' "
		    "(was %s%s%s; out of area changed for %zu children)",
		    name, value, set ? "'" : "", set ? was : "not set",
		    set ? "'" : "", res->children);
	else
		audit_cli_entry(&au, AUDIT_CONFIG_SET, now, "set '%s' to '%s' "
		    "(was '%s'%s)", name, value, was,
		    set ? "" : ", the default");
	au.records = &id;
	au.nrecords = 1;
	if ((rc = store_audit_append(st, &au, NULL)) != 0 ||
	    (rc = store_commit(st)) != 0) {
		memset(res, 0, sizeof(*res));
		return fail_write(st, rc, why, whylen);
	}
	return 0;
}

int
cmd_config_set(int argc, char **argv)
{
	const char *data = NULL;
	const struct cmd_opt opts[] = { { "--data", &data, NULL }, { 0 } };
	struct settings_result res;
	struct store *st = NULL;
	struct cmd_args a;
	char why[512];
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 2, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "NAME")) != 0 ||
	    (rc = cmd_need(a.pos[1], "VALUE")) != 0)
		return rc;
	if (settings_check(a.pos[0], a.pos[1], why, sizeof(why)) != 0) {
		cmd_complain("%s", why);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = cmd_config_write(st, a.pos[0], a.pos[1], &res, why, sizeof(why));
	store_close(st);
	if (rc != 0) {
		cmd_complain("%s", why);
		return cmd_exit_for(rc);
	}
	if (!res.changed)
		printf("%s is already %s: nothing changed\n", a.pos[0],
		    a.pos[1]);
	else if (strcmp(a.pos[0], "council") == 0)
		printf("council set to %s (out of area changed for %zu "
		    "children)\n", a.pos[1], res.children);
	else
		printf("%s set to %s\n", a.pos[0], a.pos[1]);
	return 0;
}

int
cmd_config_get(int argc, char **argv)
{
	const char *data = NULL;
	const struct cmd_opt opts[] = { { "--data", &data, NULL }, { 0 } };
	char value[SETTINGS_VALUE_MAX + 1];
	struct store *st = NULL;
	struct cmd_args a;
	bool set;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "NAME")) != 0)
		return rc;
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = settings_get(st, a.pos[0], value, sizeof(value), &set);
	if (rc == IRO_EINVAL) {
		cmd_complain("no setting '%s' (see 'config list')", a.pos[0]);
		rc = CMD_EXIT_USAGE;
	} else if (rc != 0) {
		cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
	} else if (value[0] == '\0') {
		cmd_complain("setting '%s' is not set", a.pos[0]);
		rc = CMD_EXIT_USAGE;
	} else {
		puts(value);
	}
	store_close(st);
	return rc;
}

int
cmd_config_list(int argc, char **argv)
{
	const char *data = NULL, *name;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	char values[NAMES_MAX][SETTINGS_VALUE_MAX + 1];
	struct json_setting s[NAMES_MAX];
	struct store *st = NULL;
	struct cmd_args a;
	size_t n = 0, i;
	char *out = NULL;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	for (i = 0; rc == 0 && n < NAMES_MAX && (name = settings_name_at(i)); i++) {
		s[n].name = name;
		s[n].value = values[n];
		rc = settings_get(st, name, values[n], sizeof(values[n]),
		    &s[n].set);
		n++;
	}
	if (rc != 0) {
		cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
	} else if (json) {
		rc = json_settings(s, n, &out);
		rc = cmd_print_json(rc, out);
	} else {
		for (i = 0; i < n; i++)
			printf("%-30s %s%s\n", s[i].name, s[i].value[0] != '\0'
			    ? s[i].value : "-", s[i].set ? "" : " (default)");
	}
	store_close(st);
	return rc;
}
