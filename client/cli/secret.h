/*
 * secret.h - where the CLI gets secrets from: the replica passphrase
 * ($IRO_PASSPHRASE, else the first line of $IRO_PASSPHRASE_FILE, else a
 * no-echo prompt on the terminal), a new one for `iro passphrase change`
 * ($IRO_NEW_PASSPHRASE, $IRO_NEW_PASSPHRASE_FILE, the terminal) and the
 * account password (the first
 * line of stdin, or a no-echo prompt when stdin is a terminal).
 *
 * A secret is held in a struct secret; secret_free() wipes it.
 */
#ifndef SECRET_H
#define SECRET_H

#include <stddef.h>

#define SECRET_MAX 1024          /* longest passphrase or password, bytes */

struct secret {
	char *s;                 /* NUL-terminated; owned */
	size_t len;
};

/*
 * secret_passphrase - the replica passphrase.  With confirm (a new
 * replica), a terminal prompt asks twice.  On success *out holds it.
 * Returns 0; IRO_EAUTH if none is available (no variable, no file, no
 * terminal), the file cannot be read or it is empty; IRO_EINVAL if the
 * two entries differ or it is too long; IRO_ENOMEM.  why receives
 * a message naming the problem.
 */
int secret_passphrase(int confirm, struct secret *out, char *why,
    size_t whylen);

/*
 * secret_new_passphrase - the passphrase to change to: $IRO_NEW_PASSPHRASE,
 * else the first line of the file $IRO_NEW_PASSPHRASE_FILE, else a no-echo
 * prompt on the terminal, asked twice.  Returns like secret_passphrase.
 */
int secret_new_passphrase(struct secret *out, char *why, size_t whylen);

/*
 * secret_password - the account password for `user`: the first line of
 * stdin, or a prompt on the terminal when stdin is one.  Same returns as
 * secret_passphrase (IRO_EAUTH when empty or missing).
 */
int secret_password(const char *user, struct secret *out, char *why,
    size_t whylen);

/* secret_free - wipe and free; the struct is left empty.  NULL is a no-op. */
void secret_free(struct secret *s);

#endif
