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

static int
check_password(const char *pw, size_t len, char *why, size_t whylen)
{
	if (pw == NULL || len == 0)
		return why_set(why, whylen, IRO_EINVAL, "password is empty");
	if (len > LIMIT_PASSWORD_MAX)
		return why_set(why, whylen, IRO_EINVAL, "password is longer "
		    "than %d bytes", LIMIT_PASSWORD_MAX);
	return 0;
}

/* Add u (username NULL) or set username's hash to u's, with the audit
 * entry if any, in one transaction. */
static int
store_user_write(struct store *st, const struct store_user *u,
    const char *username, const struct store_audit *audit)
{
	int rc;

	if ((rc = store_begin(st)) != 0)
		return rc;
	rc = username == NULL ? store_user_add(st, u) :
	    store_user_set_pwhash(st, username, u->pwhash);
	if (rc == 0 && audit != NULL)
		rc = store_audit_append(st, audit, NULL);
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return rc;
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
	if ((rc = check_password(a->password, a->password_len, why,
	    whylen)) != 0)
		return rc;
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
	rc = store_user_write(st, &u, NULL, a->audit);
	crypto_wipe(u.pwhash, sizeof(u.pwhash));
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

int
account_set_password(struct store *st, const char *username,
    const char *password, size_t len, const struct store_audit *audit,
    char *why, size_t whylen)
{
	struct store_user u;
	int rc;

	memset(&u, 0, sizeof(u));
	if ((rc = check_password(password, len, why, whylen)) != 0)
		return rc;
	if ((rc = crypto_init()) != 0 ||
	    (rc = crypto_pwhash(password, len, u.pwhash)) != 0)
		return why_set(why, whylen, rc, "cannot hash the password: %s",
		    iro_strerror(rc));
	rc = store_user_write(st, &u, username, audit);
	crypto_wipe(u.pwhash, sizeof(u.pwhash));
	if (rc == IRO_ENOTFOUND)
		return why_set(why, whylen, rc, "no user '%s'", username);
	if (rc != 0)
		return why_set(why, whylen, rc, "cannot change the password of "
		    "'%s': %s", username, store_errmsg(st));
	return 0;
}

void
account_throttle_default(struct account_throttle *t)
{
	t->window_ms = ACCOUNT_THROTTLE_WINDOW_MS;
	t->user_max = ACCOUNT_THROTTLE_USER_MAX;
	t->addr_max = ACCOUNT_THROTTLE_ADDR_MAX;
}

/* The store's key for a name: "user:NAME" or "addr:ADDRESS"; 0 if it
 * fits, else IRO_EINVAL (then it is not counted: names that long are
 * refused before a password is looked at anyway). */
static int
fail_key(char key[STORE_FAIL_KEY_MAX + 1], const char *kind,
    const char *name)
{
	int n;

	if (name == NULL || name[0] == '\0')
		return IRO_EINVAL;
	n = snprintf(key, STORE_FAIL_KEY_MAX + 1, "%s:%s", kind, name);
	return n < 0 || n > STORE_FAIL_KEY_MAX ? IRO_EINVAL : 0;
}

/* Whether key has reached max failures in the window before now_ms. */
static int
over_limit(struct store *st, const char *key, uint32_t max,
    uint64_t window_ms, uint64_t now_ms, bool *over)
{
	uint64_t n;
	int rc;

	*over = false;
	rc = store_fail_count(st, key, now_ms > window_ms ?
	    now_ms - window_ms : 0, &n);
	if (rc == 0)
		*over = n >= max;
	return rc;
}

int
account_throttled(struct store *st, const struct account_throttle *t,
    const char *username, const char *address, uint64_t now_ms,
    bool *throttled, char *why, size_t whylen)
{
	char key[STORE_FAIL_KEY_MAX + 1];
	bool over = false;
	int rc;

	*throttled = false;
	if (fail_key(key, "user", username) == 0) {
		if ((rc = over_limit(st, key, t->user_max, t->window_ms,
		    now_ms, &over)) != 0)
			return rc;
		if (over) {
			*throttled = true;
			why_set(why, whylen, 0, "too many failed logins for "
			    "'%s': try again later", username);
			return 0;
		}
	}
	if (fail_key(key, "addr", address) == 0) {
		if ((rc = over_limit(st, key, t->addr_max, t->window_ms,
		    now_ms, &over)) != 0)
			return rc;
		if (over) {
			*throttled = true;
			why_set(why, whylen, 0, "too many failed logins from "
			    "'%s': try again later", address);
		}
	}
	return 0;
}

int
account_login_begin(struct store *st, const struct account_throttle *t,
    const char *username, const char *address, uint64_t now_ms,
    bool *throttled, char *why, size_t whylen)
{
	char key[STORE_FAIL_KEY_MAX + 1];
	int rc;

	if ((rc = account_throttled(st, t, username, address, now_ms,
	    throttled, why, whylen)) != 0 || *throttled)
		return rc;
	if (fail_key(key, "user", username) == 0 &&
	    (rc = store_fail_add(st, key, now_ms, t->window_ms)) != 0)
		return rc;
	if (fail_key(key, "addr", address) == 0)
		rc = store_fail_add(st, key, now_ms, t->window_ms);
	return rc;
}

int
account_login_ok(struct store *st, const char *username,
    const char *address, uint64_t at_ms)
{
	char key[STORE_FAIL_KEY_MAX + 1];
	int rc = 0;

	if (fail_key(key, "user", username) == 0)
		rc = store_fail_clear(st, key);
	if (rc == 0 && fail_key(key, "addr", address) == 0)
		rc = store_fail_undo(st, key, at_ms);
	return rc;
}
