/*
 * cmd_users.c - the accounts: user add, list, disable, enable and
 * password.  Each change is audited in its own transaction.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "account.h"
#include "audit.h"
#include "iro_error.h"
#include "json.h"

/* Read the password: the first line of stdin, without echo on a
 * terminal.  *pw is secure memory; free with crypto_secure_free.  Bytes
 * past the limit are kept (two, room for a CR) so that account_add
 * refuses an over-long password rather than storing a cut one. */
static int
read_password(const char *username, char **pw, size_t *len)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	size_t cap = LIMIT_PASSWORD_MAX + 2;
	char *buf;
	int c;

	*pw = NULL;
	*len = 0;
	if ((buf = crypto_secure_alloc(cap + 1)) == NULL)
		return IRO_ENOMEM;
	if (tty) {
		fprintf(stderr, "password for '%s': ", username);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while ((c = getchar()) != EOF && c != '\n')
		if (*len < cap)
			buf[(*len)++] = (char)c;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (*len > 0 && buf[*len - 1] == '\r')
		(*len)--;
	buf[*len] = '\0';
	*pw = buf;
	return 0;
}

/* The role named by text, or CMD_EXIT_USAGE after complaining: the server
 * role belongs to the server alone. */
static int
parse_role(const char *text, enum schema_role *role)
{
	if (schema_role_parse(text, role) != 0 || *role == SCHEMA_ROLE_SERVER) {
		cmd_complain("role must be iro, manager or admin, not '%s'",
		    text);
		return CMD_EXIT_USAGE;
	}
	return 0;
}

int
cmd_user_add(int argc, char **argv)
{
	const char *data = NULL, *user = NULL, *role = NULL, *team = NULL;
	const char *display = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--username", &user, NULL },
		{ "--role", &role, NULL }, { "--team", &team, NULL },
		{ "--display-name", &display, NULL }, { 0 }
	};
	struct account_new n;
	struct store_audit au;
	struct store *st = NULL;
	char why[512], *pw = NULL;
	size_t pwlen = 0;
	struct cmd_args a;
	int rc;

	memset(&n, 0, sizeof(n));
	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(user, "--username NAME")) != 0 ||
	    (rc = cmd_need(role, "--role iro|manager|admin")) != 0 ||
	    (rc = parse_role(role, &n.role)) != 0)
		return rc;
	if (account_check_username(user, why, sizeof(why)) != 0) {
		cmd_complain("%s", why);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	if ((rc = read_password(user, &pw, &pwlen)) != 0) {
		cmd_complain("cannot read the password: %s", iro_strerror(rc));
		rc = CMD_EXIT_INTERNAL;
		goto out;
	}
	n.username = user;
	n.team = team;
	n.display_name = display;
	n.password = pw;
	n.password_len = pwlen;
	n.now_ms = cmd_wall_ms();
	audit_entry(&au, AUDIT_USER_ADD, user, NULL, n.now_ms, "added %s "
	    "'%s' (team '%s')", schema_role_name(n.role), user,
	    team != NULL ? team : "");
	n.audit = &au;
	if ((rc = account_add(st, &n, why, sizeof(why))) != 0) {
		cmd_complain("%s", why);
		rc = cmd_exit_for(rc);
		goto out;
	}
	printf("added %s '%s'\n", schema_role_name(n.role), user);
out:
	crypto_secure_free(pw);
	store_close(st);
	return rc;
}

int
cmd_user_list(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	struct store_user *u = NULL;
	struct store *st = NULL;
	char *s = NULL;
	struct cmd_args a;
	size_t n = 0, i;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	if ((rc = store_user_list(st, &u, &n)) != 0) {
		cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
	} else if (json) {
		rc = json_users(u, n, &s);
		rc = cmd_print_json(rc, s);
	} else {
		for (i = 0; i < n; i++)
			printf("%-20s %-8s %-16s %s%s\n", u[i].username,
			    schema_role_name(u[i].role),
			    u[i].team[0] ? u[i].team : "-", u[i].display_name,
			    u[i].disabled ? " (disabled)" : "");
	}
	/* The list carries the password hashes, which never linger. */
	for (i = 0; i < n; i++)
		crypto_wipe(u[i].pwhash, sizeof(u[i].pwhash));
	free(u);
	store_close(st);
	return rc;
}

/* Parse "--data DIR USERNAME" for the commands on one account. */
static int
account_args(int argc, char **argv, const char **data, const char **user)
{
	const struct cmd_opt opts[] = { { "--data", data, NULL }, { 0 } };
	struct cmd_args a;
	int rc;

	*data = NULL;
	if ((rc = cmd_parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = cmd_need(*data, "--data DIR")) != 0 ||
	    (rc = cmd_need(a.pos[0], "USERNAME")) != 0)
		return rc;
	*user = a.pos[0];
	return 0;
}

/* Disable or enable the account and audit it, in one transaction. */
static int
set_disabled(struct store *st, const char *user, bool disabled)
{
	struct store_audit au;
	int rc;

	audit_entry(&au, disabled ? AUDIT_USER_DISABLE : AUDIT_USER_ENABLE,
	    user, NULL, cmd_wall_ms(), "%s user '%s'", disabled ? "disabled" :
	    "enabled", user);
	if ((rc = store_begin(st)) != 0)
		return rc;
	if ((rc = store_user_set_disabled(st, user, disabled)) == 0 &&
	    (rc = store_audit_append(st, &au, NULL)) == 0)
		return store_commit(st);
	store_rollback(st);
	return rc;
}

static int
user_set_disabled(int argc, char **argv, bool disabled)
{
	const char *data, *user = NULL;
	struct store *st = NULL;
	int rc;

	if ((rc = account_args(argc, argv, &data, &user)) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = set_disabled(st, user, disabled);
	if (rc == IRO_ENOTFOUND)
		cmd_complain("no user '%s'", user);
	else if (rc != 0)
		cmd_complain("%s", store_errmsg(st));
	else
		printf("%s user '%s'\n", disabled ? "disabled" : "enabled",
		    user);
	store_close(st);
	return rc == 0 ? 0 : cmd_exit_for(rc);
}

int
cmd_user_disable(int argc, char **argv)
{
	return user_set_disabled(argc, argv, true);
}

int
cmd_user_enable(int argc, char **argv)
{
	return user_set_disabled(argc, argv, false);
}

int
cmd_user_password(int argc, char **argv)
{
	const char *data, *user = NULL;
	struct store_audit au;
	struct store_user u;
	struct store *st = NULL;
	char why[512], *pw = NULL;
	size_t pwlen = 0;
	int rc;

	if ((rc = account_args(argc, argv, &data, &user)) != 0 ||
	    (rc = cmd_open_store(data, &st)) != 0)
		return rc;
	/* Asking for a password nobody will use helps no one. */
	if ((rc = store_user_get(st, user, &u)) != 0) {
		if (rc == IRO_ENOTFOUND)
			cmd_complain("no user '%s'", user);
		else
			cmd_complain("%s", store_errmsg(st));
		rc = cmd_exit_for(rc);
		goto out;
	}
	crypto_wipe(u.pwhash, sizeof(u.pwhash));
	if ((rc = read_password(user, &pw, &pwlen)) != 0) {
		cmd_complain("cannot read the password: %s", iro_strerror(rc));
		rc = CMD_EXIT_INTERNAL;
		goto out;
	}
	audit_entry(&au, AUDIT_USER_PASSWORD, user, NULL, cmd_wall_ms(),
	    "reset the password of '%s'", user);
	if ((rc = account_set_password(st, user, pw, pwlen, &au, why,
	    sizeof(why))) != 0) {
		cmd_complain("%s", why);
		rc = cmd_exit_for(rc);
		goto out;
	}
	printf("changed the password of '%s'\n", user);
out:
	crypto_secure_free(pw);
	store_close(st);
	return rc;
}
