/*
 * lex.h - split a line of `iro batch` input into words, shell style.
 *
 * Rules: blanks (space, tab, newline, CR) separate words.  'single
 * quotes' keep everything literally.  In "double quotes" a backslash
 * before " \ $ ` gives that character, \n and \t give a newline and a
 * tab, a backslash before a newline disappears, and any other backslash
 * is kept.  Outside quotes a backslash makes the next character literal,
 * and a backslash before a newline joins the lines.  An empty pair of
 * quotes is an empty word.  No other shell syntax ($, *, ;, #) means
 * anything.
 */
#ifndef LEX_H
#define LEX_H

#include <stddef.h>

#define LEX_INCOMPLETE 1         /* input ended inside quotes or after \ */

struct lex_words {
	int argc;
	char **argv;             /* argc words and a NULL; owned */
	char *buf;               /* the words' bytes; owned */
};

/*
 * lex_split - split s[0..len) into *out.  Returns 0; LEX_INCOMPLETE if
 * the input ends inside a quoted word or right after a backslash (the
 * caller may append the next line and try again); IRO_EINVAL if s holds
 * a NUL byte; IRO_ENOMEM.  On anything but 0, *out is empty.
 */
int lex_split(const char *s, size_t len, struct lex_words *out);

/* lex_words_free - free what w owns and empty it.  NULL is a no-op. */
void lex_words_free(struct lex_words *w);

#endif
