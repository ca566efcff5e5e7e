/*
 * account.c - user accounts (account.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "crypto.h"
#include "iro_error.h"
#include "why.h"

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
account_check_username(const char *name, char *why, size_t whylen)
{
	size_t i, n;

	if (name == NULL || name[0] == '\0')
		return why_set(why, whylen, IRO_EINVAL, "username is empty");
	n = strnlen(name, LIMIT_USER_MAX + 1);
	if (n > LIMIT_USER_MAX)
		return why_set(why, whylen, IRO_EINVAL,
		    "username is longer than %d characters", LIMIT_USER_MAX);
	if (!is_alnum(name[0]))
		return why_set(why, whylen, IRO_EINVAL, "username '%s' must "
		    "start with a letter or digit", name);
	for (i = 0; i < n; i++)
		if (!is_alnum(name[i]) && name[i] != '.' && name[i] != '_' &&
		    name[i] != '-')
			return why_set(why, whylen, IRO_EINVAL, "username '%s' "
			    "may only hold letters, digits, '.', '_' and '-'",
			    name);
	return 0;
}

/* One line of printable UTF-8 text within max bytes (NULL is empty). */
static int
check_label(const char *what, const char *s, size_t max, char *why,
    size_t whylen)
{
	size_t i, n;

	if (s == NULL)
		return 0;
	n = strnlen(s, max + 1);
	if (n > max)
		return why_set(why, whylen, IRO_EINVAL, "%s is longer than %zu "
		    "bytes", what, max);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return why_set(why, whylen, IRO_EINVAL, "%s holds a "
			    "control character", what);
	if (!value_utf8_valid(s, n))
		return why_set(why, whylen, IRO_EINVAL, "%s is not valid UTF-8",
		    what);
	return 0;
}

int
account_add(struct store *st, const struct account_new *a, char *why,
    size_t whylen)
{
	struct store_user u;
	int rc;

	memset(&u, 0, sizeof(u));
	if ((rc = account_check_username(a->username, why, whylen)) != 0 ||
	    (rc = check_label("team", a->team, STORE_TEAM_MAX, why,
	    whylen)) != 0 ||
	    (rc = check_label("display name", a->display_name,
	    STORE_DISPLAY_MAX, why, whylen)) != 0)
		return rc;
	if (a->role != SCHEMA_ROLE_IRO && a->role != SCHEMA_ROLE_MANAGER &&
	    a->role != SCHEMA_ROLE_ADMIN)
		return why_set(why, whylen, IRO_EINVAL, "role must be iro, "
		    "manager or admin");
	if (a->password == NULL || a->password_len == 0)
		return why_set(why, whylen, IRO_EINVAL, "password is empty");
	if (a->password_len > LIMIT_PASSWORD_MAX)
		return why_set(why, whylen, IRO_EINVAL, "password is longer "
		    "than %d bytes", LIMIT_PASSWORD_MAX);
	snprintf(u.username, sizeof(u.username), "%s", a->username);
	snprintf(u.team, sizeof(u.team), "%s", a->team ? a->team : "");
	snprintf(u.display_name, sizeof(u.display_name), "%s",
	    a->display_name ? a->display_name : "");
	u.role = a->role;
	u.created_ms = a->now_ms;
	if ((rc = crypto_init()) != 0 ||
	    (rc = crypto_pwhash(a->password, a->password_len, u.pwhash)) != 0)
		return why_set(why, whylen, rc, "cannot hash the password: %s",
		    iro_strerror(rc));
	rc = store_user_add(st, &u);
	if (rc == IRO_EEXIST)
		return why_set(why, whylen, rc, "user '%s' already exists",
		    a->username);
	if (rc != 0)
		return why_set(why, whylen, rc, "cannot add user '%s': %s",
		    a->username, store_errmsg(st));
	return 0;
}

/* A hash nobody's password matches, for unknown users: made once. */
static char dummy_hash[CRYPTO_PWHASH_STR_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
	uint8_t pw[32];

	crypto_random(pw, sizeof(pw));
	if (crypto_pwhash((const char *)pw, sizeof(pw), dummy_hash) != 0)
		dummy_hash[0] = '\0';
	crypto_wipe(pw, sizeof(pw));
}

int
account_password_check(const struct store_user *u, const char *password,
    size_t len)
{
	if (u != NULL)
		return crypto_pwhash_verify(u->pwhash, password, len);
	pthread_once(&dummy_once, make_dummy);
	/* Spend the same time; the answer is no whatever this says. */
	(void)crypto_pwhash_verify(dummy_hash, password, len);
	return IRO_EAUTH;
}
