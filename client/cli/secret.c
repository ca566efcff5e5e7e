/*
 * secret.c - passphrases and passwords from the environment, a file,
 * stdin or the terminal, never echoed and wiped after use.
 */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "iro_error.h"

/*
 * The terminal state to put back if a signal arrives while echo is off.
 * A signal handler can reach nothing else, hence file scope.
 */
static int tty_fd = -1;
static struct termios tty_saved;
static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSIGNALS (sizeof tty_signals / sizeof tty_signals[0])

static void
tty_restore_on_signal(int sig)
{
	if (tty_fd >= 0)
		(void)tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static int
alloc_secret(struct secret *out)
{
	out->s = calloc(1, SECRET_MAX + 1);
	out->len = 0;
	return out->s ? 0 : IRO_ENOMEM;
}

void
secret_free(struct secret *s)
{
	if (s == NULL || s->s == NULL)
		return;
	explicit_bzero(s->s, SECRET_MAX + 1);
	free(s->s);
	s->s = NULL;
	s->len = 0;
}

/* Strip a trailing CR (files written on Windows). */
static void
chomp(struct secret *s)
{
	if (s->len > 0 && s->s[s->len - 1] == '\r')
		s->s[--s->len] = '\0';
}

/* Read one line (without its newline) from fd into s, byte by byte so
 * that nothing past the line is consumed.  Returns 0, IRO_ETOOBIG or
 * IRO_EIO. */
static int
read_line_fd(int fd, struct secret *s)
{
	char ch;
	ssize_t n;

	s->len = 0;
	for (;;) {
		n = read(fd, &ch, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return IRO_EIO;
		if (n == 0 || ch == '\n')
			break;
		if (s->len == SECRET_MAX)
			return IRO_ETOOBIG;
		s->s[s->len++] = ch;
	}
	s->s[s->len] = '\0';
	chomp(s);
	return 0;
}

/* Prompt on the open terminal fd with echo off. */
static int
prompt_tty(int fd, const char *prompt, struct secret *s)
{
	struct sigaction sa, old[NSIGNALS];
	struct termios t;
	size_t i;
	int rc;

	if (tcgetattr(fd, &tty_saved) != 0)
		return IRO_EAUTH;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tty_restore_on_signal;
	sigemptyset(&sa.sa_mask);
	tty_fd = fd;
	for (i = 0; i < NSIGNALS; i++)
		(void)sigaction(tty_signals[i], &sa, &old[i]);
	t = tty_saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &t) != 0) {
		rc = IRO_EAUTH;
		goto out;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		rc = IRO_EIO;
		goto restore;
	}
	rc = read_line_fd(fd, s);
restore:
	(void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
out:
	for (i = 0; i < NSIGNALS; i++)
		(void)sigaction(tty_signals[i], &old[i], NULL);
	tty_fd = -1;
	return rc;
}

static int
from_file(const char *path, struct secret *s, char *why, size_t whylen)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "cannot read passphrase file '%s': %s",
		    path, strerror(errno));
		return IRO_EAUTH;
	}
	rc = read_line_fd(fd, s);
	(void)close(fd);
	if (rc == IRO_ETOOBIG)
		snprintf(why, whylen, "passphrase in '%s' is longer than %d "
		    "bytes", path, SECRET_MAX);
	else if (rc != 0)
		snprintf(why, whylen, "cannot read passphrase file '%s'",
		    path);
	if (rc == IRO_ETOOBIG)
		return IRO_EINVAL;
	return rc == 0 ? 0 : IRO_EAUTH;
}

/* Where one passphrase comes from: two variables, then the terminal. */
struct source {
	const char *var;         /* the passphrase itself */
	const char *file_var;    /* names a file holding it */
	const char *prompt;
	const char *again;       /* the confirming prompt */
};

static const struct source src_current = {
	"IRO_PASSPHRASE", "IRO_PASSPHRASE_FILE", "passphrase: ",
	"repeat passphrase: "
};
static const struct source src_first = {
	"IRO_PASSPHRASE", "IRO_PASSPHRASE_FILE", "new passphrase: ",
	"repeat passphrase: "
};
static const struct source src_new = {
	"IRO_NEW_PASSPHRASE", "IRO_NEW_PASSPHRASE_FILE", "new passphrase: ",
	"repeat new passphrase: "
};

static int
from_tty(const struct source *src, int confirm, struct secret *s, char *why,
    size_t whylen)
{
	struct secret again = { NULL, 0 };
	int fd, rc;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || !isatty(fd)) {
		snprintf(why, whylen, "no %spassphrase: set %s or %s, or run "
		    "iro on a terminal", src == &src_new ? "new " : "",
		    src->var, src->file_var);
		rc = IRO_EAUTH;
		goto out;
	}
	rc = prompt_tty(fd, src->prompt, s);
	if (rc == 0 && confirm) {
		rc = alloc_secret(&again);
		if (rc == 0)
			rc = prompt_tty(fd, src->again, &again);
		if (rc == 0 && (again.len != s->len ||
		    memcmp(again.s, s->s, s->len) != 0)) {
			snprintf(why, whylen, "the two passphrases differ");
			rc = IRO_EINVAL;
		}
	}
	if (rc == IRO_ETOOBIG) {
		snprintf(why, whylen, "passphrase is longer than %d bytes",
		    SECRET_MAX);
		rc = IRO_EINVAL;
	} else if (rc == IRO_EAUTH || rc == IRO_EIO) {
		snprintf(why, whylen, "cannot read the passphrase from the "
		    "terminal");
		rc = IRO_EAUTH;
	}
out:
	secret_free(&again);
	if (fd >= 0)
		(void)close(fd);
	return rc;
}

static int
get_passphrase(const struct source *src, int confirm, struct secret *out,
    char *why, size_t whylen)
{
	const char *env, *file;
	size_t len;
	int rc;

	out->s = NULL;
	out->len = 0;
	why[0] = '\0';
	if ((rc = alloc_secret(out)) != 0) {
		snprintf(why, whylen, "out of memory");
		return rc;
	}
	env = getenv(src->var);
	file = getenv(src->file_var);
	if (env != NULL && env[0] != '\0') {
		len = strlen(env);
		if (len > SECRET_MAX) {
			snprintf(why, whylen, "%s is longer than %d bytes",
			    src->var, SECRET_MAX);
			rc = IRO_EINVAL;
			goto fail;
		}
		memcpy(out->s, env, len + 1);
		out->len = len;
	} else if (file != NULL && file[0] != '\0') {
		if ((rc = from_file(file, out, why, whylen)) != 0)
			goto fail;
	} else if ((rc = from_tty(src, confirm, out, why, whylen)) != 0) {
		goto fail;
	}
	if (out->len == 0) {
		snprintf(why, whylen, "the %spassphrase is empty",
		    src == &src_new ? "new " : "");
		rc = IRO_EAUTH;
		goto fail;
	}
	return 0;
fail:
	secret_free(out);
	return rc;
}

int
secret_passphrase(int confirm, struct secret *out, char *why, size_t whylen)
{
	return get_passphrase(confirm ? &src_first : &src_current, confirm,
	    out, why, whylen);
}

int
secret_new_passphrase(struct secret *out, char *why, size_t whylen)
{
	return get_passphrase(&src_new, 1, out, why, whylen);
}

int
secret_password(const char *user, struct secret *out, char *why,
    size_t whylen)
{
	char prompt[128];
	int fd = -1, rc;

	out->s = NULL;
	out->len = 0;
	why[0] = '\0';
	if ((rc = alloc_secret(out)) != 0) {
		snprintf(why, whylen, "out of memory");
		return rc;
	}
	if (isatty(STDIN_FILENO)) {
		fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			rc = IRO_EAUTH;
		} else {
			snprintf(prompt, sizeof prompt, "password for '%.64s': ",
			    user);
			rc = prompt_tty(fd, prompt, out);
			(void)close(fd);
		}
	} else {
		rc = read_line_fd(STDIN_FILENO, out);
	}
	if (rc == IRO_ETOOBIG) {
		snprintf(why, whylen, "password is longer than %d bytes",
		    SECRET_MAX);
		rc = IRO_EINVAL;
	} else if (rc != 0) {
		snprintf(why, whylen, "cannot read the password");
		rc = IRO_EAUTH;
	} else if (out->len == 0) {
		snprintf(why, whylen, "no password given");
		rc = IRO_EAUTH;
	}
	if (rc != 0)
		secret_free(out);
	return rc;
}
