/*
 * account.h - user accounts: the rules for names and passwords, adding a
 * user with an Argon2id password hash, and checking a password at enrol.
 *
 * Passwords are never stored, only their Argon2id strings.  Thread-safe
 * except where a store handle is passed (serialise use of st).
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

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
};

/*
 * account_add - check every part of a, hash the password and add the
 * user.  Returns 0, IRO_EINVAL (why names the problem), IRO_EEXIST (the
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

#endif
