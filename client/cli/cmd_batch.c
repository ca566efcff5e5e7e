/*
 * cmd_batch.c - many commands from stdin with one unlock.
 *
 * The replica is opened by the first command that needs it and the
 * handle is reused by every later one, so the passphrase KDF runs once.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "lex.h"

/* A command, quoted words spanning lines included, is at most this long. */
#define BATCH_LINE_MAX (1u << 20)

struct buf {
	char *s;
	size_t len, cap;
};

static int
buf_put(struct buf *b, char ch)
{
	size_t cap;
	char *s;

	if (b->len + 1 >= b->cap) {
		if (b->cap >= BATCH_LINE_MAX + 2)
			return IRO_ETOOBIG;
		cap = b->cap ? b->cap * 2 : 256;
		if (cap > BATCH_LINE_MAX + 2)
			cap = BATCH_LINE_MAX + 2;
		if ((s = realloc(b->s, cap)) == NULL)
			return IRO_ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	b->s[b->len++] = ch;
	b->s[b->len] = '\0';
	return 0;
}

/* Append one line of f (without its newline) to b.  Returns 0, 1 at end
 * of input with nothing read, IRO_ETOOBIG or IRO_ENOMEM. */
static int
read_line(FILE *f, struct buf *b)
{
	int ch, any = 0, rc;

	while ((ch = getc(f)) != EOF) {
		any = 1;
		if (ch == '\n')
			return 0;
		if (b->len >= BATCH_LINE_MAX)
			return IRO_ETOOBIG;
		if ((rc = buf_put(b, (char)ch)) != 0)
			return rc;
	}
	return any ? 0 : 1;
}

static void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

static int
skippable(const char *s)
{
	s += strspn(s, " \t\r");
	return *s == '\0' || *s == '#';
}

/* Run one complete command; split is what lex_split returned for it. */
static int
run_one(struct cli *c, struct lex_words *w, int split, unsigned long first)
{
	int rc;

	c->line = first;
	if (split == IRO_EINVAL) {
		cli_error(c, "the line holds a NUL byte");
		return CLI_EUSAGE;
	}
	if (split != 0)
		return cli_fail(c, split, "batch");
	rc = cmd_run(c, w->argc, w->argv);
	lex_words_free(w);
	return rc;
}

int
cmd_batch(struct cli *c, int argc, char **argv)
{
	struct buf b = { NULL, 0, 0 };
	struct lex_words w;
	unsigned long lineno = 0, first = 0;
	size_t npos;
	int rc;

	rc = args_parse(c, "batch", argc, argv, NULL, 0, NULL, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	c->in_batch = 1;
	for (;;) {
		if (b.len > 0 && (rc = buf_put(&b, '\n')) != 0)
			break;
		rc = read_line(stdin, &b);
		if (rc != 0)
			break;
		lineno++;
		if (first == 0) {
			if (skippable(b.s ? b.s : "")) {
				buf_reset(&b);
				continue;
			}
			first = lineno;
		}
		/* A quoted word may go on to the next line. */
		rc = lex_split(b.s, b.len, &w);
		if (rc == LEX_INCOMPLETE)
			continue;
		rc = run_one(c, &w, rc, first);
		buf_reset(&b);
		first = 0;
		if (rc != CLI_OK)
			goto out;
	}
	c->line = first ? first : lineno + 1;
	if (rc == 1 && first != 0) {
		cli_error(c, "unterminated quote or trailing backslash");
		rc = CLI_EUSAGE;
	} else if (rc == 1) {
		rc = CLI_OK;
	} else if (rc == IRO_ETOOBIG) {
		cli_error(c, "command longer than %u bytes", BATCH_LINE_MAX);
		rc = CLI_EUSAGE;
	} else {
		rc = cli_fail(c, rc, "cannot read stdin");
	}
out:
	free(b.s);
	return rc;
}
