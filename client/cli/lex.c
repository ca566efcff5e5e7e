/*
 * lex.c - shell-style word splitting for batch input.
 *
 * Words never grow in the splitting, so one buffer of len + 1 bytes
 * holds them all, each NUL-terminated, and at most len / 2 + 1 words fit.
 */
#include "lex.h"

#include <stdlib.h>
#include <string.h>

#include "iro_error.h"

struct lexer {
	const char *s;
	size_t len, i;
	char *w;                 /* write position in the buffer */
};

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int
single_quoted(struct lexer *x)
{
	for (x->i++; x->i < x->len; x->i++) {
		if (x->s[x->i] == '\'') {
			x->i++;
			return 0;
		}
		*x->w++ = x->s[x->i];
	}
	return LEX_INCOMPLETE;
}

static int
double_quoted(struct lexer *x)
{
	char ch, next;

	for (x->i++; x->i < x->len; x->i++) {
		ch = x->s[x->i];
		if (ch == '"') {
			x->i++;
			return 0;
		}
		if (ch != '\\') {
			*x->w++ = ch;
			continue;
		}
		if (x->i + 1 >= x->len)
			return LEX_INCOMPLETE;
		next = x->s[++x->i];
		if (next == 'n')
			*x->w++ = '\n';
		else if (next == 't')
			*x->w++ = '\t';
		else if (next == '"' || next == '\\' || next == '$' ||
		    next == '`')
			*x->w++ = next;
		else if (next != '\n') {
			*x->w++ = '\\';
			*x->w++ = next;
		}
	}
	return LEX_INCOMPLETE;
}

/* One word starting at x->i (not a blank).  Returns 0 or LEX_INCOMPLETE. */
static int
word(struct lexer *x)
{
	char ch;
	int rc;

	while (x->i < x->len && !is_blank(ch = x->s[x->i])) {
		if (ch == '\'') {
			if ((rc = single_quoted(x)) != 0)
				return rc;
		} else if (ch == '"') {
			if ((rc = double_quoted(x)) != 0)
				return rc;
		} else if (ch == '\\') {
			if (x->i + 1 >= x->len)
				return LEX_INCOMPLETE;
			if (x->s[x->i + 1] != '\n')
				*x->w++ = x->s[x->i + 1];
			x->i += 2;
		} else {
			*x->w++ = ch;
			x->i++;
		}
	}
	*x->w++ = '\0';
	return 0;
}

int
lex_split(const char *s, size_t len, struct lex_words *out)
{
	struct lexer x = { s, len, 0, NULL };
	size_t maxw = len / 2 + 2;
	int rc;

	out->argc = 0;
	out->argv = NULL;
	out->buf = NULL;
	if (memchr(s, '\0', len) != NULL)
		return IRO_EINVAL;
	out->buf = malloc(len + 1);
	out->argv = calloc(maxw, sizeof *out->argv);
	if (out->buf == NULL || out->argv == NULL) {
		rc = IRO_ENOMEM;
		goto fail;
	}
	x.w = out->buf;
	for (;;) {
		while (x.i < len && is_blank(s[x.i]))
			x.i++;
		if (x.i >= len)
			break;
		/* A lone backslash-newline between words joins lines. */
		if (s[x.i] == '\\' && x.i + 1 < len && s[x.i + 1] == '\n') {
			x.i += 2;
			continue;
		}
		out->argv[out->argc] = x.w;
		if ((rc = word(&x)) != 0)
			goto fail;
		out->argc++;
	}
	out->argv[out->argc] = NULL;
	return 0;
fail:
	lex_words_free(out);
	return rc;
}

void
lex_words_free(struct lex_words *w)
{
	if (w == NULL)
		return;
	free(w->argv);
	free(w->buf);
	w->argv = NULL;
	w->buf = NULL;
	w->argc = 0;
}
