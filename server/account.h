/*
 * account.h - user accounts: the rules for names and passwords, adding a
 * user with an Argon2id password hash, and checking a password at enrol.
 *
 * Passwords are never stored, only their Argon2id strings.  Thread-safe
 * except where a store handle is passed (serialise use of st).
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "store.h"

/*
 * account_check_username - 1..LIMIT_USER_MAX characters of
 * [A-Za-z0-9._-], starting with a letter or digit.  Returns 0 or
 * IRO_EINVAL with a reason in why.
 */
int account_check_username(const char *name, char *why, size_t whylen);

/* A new account.  role is SCHEMA_ROLE_IRO, _MANAGER or _ADMIN; team and
 * display_name may be NULL; password is borrowed and not kept. */
struct account_new {
	const char *username;
	enum schema_role role;
	const char *team;
	const char *display_name;
	const char *password;
	size_t password_len;
	uint64_t now_ms;
	/* Appended to the audit log in the transaction that adds the user;
	 * NULL: none.  Borrowed. */
	const struct store_audit *audit;
};

/*
 * account_add - check every part of a, hash the password and add the
 * user (with a->audit, in one transaction begun after the hash).  Returns 0, IRO_EINVAL (why names the problem), IRO_EEXIST (the
 * username is taken), IRO_ENOMEM or a store error.
 */
int account_add(struct store *st, const struct account_new *a, char *why,
    size_t whylen);

/*
 * account_password_check - 0 if password matches u's hash.  With u NULL
 * (no such user) it checks against a fixed hash of the same cost, so an
 * unknown user takes as long as a wrong password; that call is slow the
 * first time, when the hash is made.  Returns 0 or IRO_EAUTH.
 */
int account_password_check(const struct store_user *u, const char *password,
    size_t len);

/*
 * account_set_password - check the new password (as account_add does),
 * hash it and make it username's password, appending `audit` (borrowed;
 * NULL: none) to the audit log in the same transaction.  The hash is made
 * before the transaction starts, so no write lock is held while it runs.
 * Returns 0, IRO_EINVAL, IRO_ENOTFOUND (no such user), IRO_ENOMEM or a
 * store error; why says which.
 */
int account_set_password(struct store *st, const char *username,
    const char *password, size_t len, const struct store_audit *audit,
    char *why, size_t whylen);

/*
 * Throttling of failed logins (enrolments): after `user_max` failures for
 * one account, or `addr_max` from one client address, within `window_ms`,
 * further attempts for that account or from that address are refused
 * without looking at the password until the window has passed.  The
 * failures are kept in the store, so a restart forgets none.
 */
#define ACCOUNT_THROTTLE_WINDOW_MS (15u * 60u * 1000u)
#define ACCOUNT_THROTTLE_USER_MAX 5u
#define ACCOUNT_THROTTLE_ADDR_MAX 20u

struct account_throttle {
	uint64_t window_ms;
	uint32_t user_max;
	uint32_t addr_max;
};

/* account_throttle_default - the ACCOUNT_THROTTLE_* values into *t. */
void account_throttle_default(struct account_throttle *t);

/*
 * account_throttled - whether an attempt for username from address (either
 * may be NULL or "": not counted) is refused at now_ms; *why says which
 * limit was reached.  Returns 0 or a store error.
 */
int account_throttled(struct store *st, const struct account_throttle *t,
    const char *username, const char *address, uint64_t now_ms,
    bool *throttled, char *why, size_t whylen);

/*
 * account_login_begin - start an attempt for username from address at
 * now_ms: if it is throttled, set *throttled (why says which limit) and
 * change nothing; else count it as a failure at once, so attempts made
 * in parallel cannot all pass the check while their passwords are being
 * hashed.  A success is taken back with account_login_ok().  Call inside
 * a transaction so the check and the counts are one step.  Returns 0 or
 * a store error.
 */
int account_login_begin(struct store *st, const struct account_throttle *t,
    const char *username, const char *address, uint64_t now_ms,
    bool *throttled, char *why, size_t whylen);

/*
 * account_login_ok - the attempt begun at at_ms succeeded: forget all of
 * username's failures, and the one counted against address for this
 * attempt (the address keeps its other failures, so one good account
 * does not unlock guessing at others from there).  Returns 0 or a store
 * error.
 */
int account_login_ok(struct store *st, const char *username,
    const char *address, uint64_t at_ms);

#endif
