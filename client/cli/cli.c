/*
 * cli.c - the replica's location, the one handle, messages and exit codes.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "secret.h"

int
cli_exit_code(int err)
{
	switch (err) {
	case IRO_OK:
		return CLI_OK;
	case IRO_EINVAL:
	case IRO_ENOTFOUND:
	case IRO_EEXIST:
	case IRO_ETOOBIG:
	case IRO_ENOTENROLLED:
	case IRO_EFORBIDDEN:
	case IRO_ESTATE:
		return CLI_EUSAGE;
	case IRO_EAUTH:
	case IRO_EREVOKED:
	case IRO_ELOCKED:
		return CLI_EAUTH;
	case IRO_EUNREACHABLE:
		return CLI_EUNREACHABLE;
	default:
		return CLI_EINTERNAL;
	}
}

void
cli_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (c != NULL && c->in_batch && c->line > 0)
		fprintf(stderr, "iro: line %lu: ", c->line);
	else
		fputs("iro: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_fail(const struct cli *c, int err, const char *what)
{
	const char *msg = c->h ? iro_errmsg(c->h) : "";

	if (msg == NULL || msg[0] == '\0')
		msg = iro_strerror(err);
	cli_error(c, "%s: %s", what, msg);
	return cli_exit_code(err);
}

int
cli_out_error(const struct cli *c)
{
	/* A reader that has seen enough (iro children | head) is no error
	 * worth a message. */
	if (errno != EPIPE)
		cli_error(c, "cannot write output: %s", strerror(errno));
	return CLI_EINTERNAL;
}

/* Parse a signed decimal integer, the whole string. */
static int
parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0)
		return IRO_EINVAL;
	*out = (int64_t)v;
	return 0;
}

int
cli_init(struct cli *c)
{
	const char *skew = getenv("IRO_CLOCK_SKEW_MS");

	memset(c, 0, sizeof *c);
	if (skew != NULL && skew[0] != '\0' &&
	    parse_i64(skew, &c->skew_ms) != 0) {
		cli_error(c, "IRO_CLOCK_SKEW_MS: '%s' is not a signed integer "
		    "of milliseconds", skew);
		return CLI_EUSAGE;
	}
	return CLI_OK;
}

void
cli_free(struct cli *c)
{
	if (c == NULL)
		return;
	iro_close(c->h);
	c->h = NULL;
	free(c->home);
	c->home = NULL;
}

static char *
join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s != NULL) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

int
cli_home(struct cli *c, const char **out)
{
	const char *v;

	*out = NULL;
	if (c->home == NULL) {
		if (c->home_opt != NULL)
			c->home = join(c->home_opt, "");
		else if ((v = getenv("IRO_HOME")) != NULL && v[0] != '\0')
			c->home = join(v, "");
		else if ((v = getenv("XDG_DATA_HOME")) != NULL && v[0] != '\0')
			c->home = join(v, "/iro");
		else if ((v = getenv("HOME")) != NULL && v[0] != '\0')
			c->home = join(v, "/.local/share/iro");
		else {
			cli_error(c, "no home directory: give --home DIR or set "
			    "IRO_HOME");
			return CLI_EUSAGE;
		}
		if (c->home == NULL) {
			cli_error(c, "out of memory");
			return CLI_EINTERNAL;
		}
		if (c->home[0] == '\0') {
			cli_error(c, "--home: the directory name is empty");
			return CLI_EUSAGE;
		}
	}
	*out = c->home;
	return CLI_OK;
}

/* The clock the library stamps changes with: system time plus the skew
 * asked for in IRO_CLOCK_SKEW_MS (a testing aid). */
static int64_t
skewed_clock(void *ctx)
{
	const struct cli *c = ctx;
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + c->skew_ms;
}

int
cli_open_opts(struct cli *c, struct iro_open_opts *o)
{
	const char *home;
	int rc;

	memset(o, 0, sizeof *o);
	if ((rc = cli_home(c, &home)) != CLI_OK)
		return rc;
	o->home = home;
	o->clock = skewed_clock;
	o->clock_ctx = c;
	return CLI_OK;
}

/* The words for a failed open; the library's own message when it has one
 * that says more than the code. */
static const char *
open_reason(int err, const char *errbuf)
{
	switch (err) {
	case IRO_EAUTH:
		/* The library says "wrong passphrase", or how long to wait
		 * after too many wrong ones. */
		return errbuf[0] ? errbuf : "wrong passphrase";
	case IRO_EBUSY:
		return "another iro process is using it";
	default:
		return errbuf[0] ? errbuf : iro_strerror(err);
	}
}

int
cli_open(struct cli *c, struct iro **out)
{
	struct iro_open_opts o;
	struct secret pass = { NULL, 0 };
	char errbuf[IRO_ERRBUF_SIZE] = "", why[256];
	int rc, exists = 0;

	*out = NULL;
	if (c->h != NULL) {
		*out = c->h;
		return CLI_OK;
	}
	if ((rc = cli_open_opts(c, &o)) != CLI_OK)
		return rc;
	if ((rc = iro_exists(o.home, &exists)) != 0 || !exists) {
		cli_error(c, "no replica in '%s': run iro enrol", o.home);
		return CLI_EUSAGE;
	}
	if ((rc = secret_passphrase(0, &pass, why, sizeof why)) != 0) {
		cli_error(c, "cannot open replica in '%s': %s", o.home, why);
		return cli_exit_code(rc);
	}
	o.passphrase = pass.s;
	o.passphrase_len = pass.len;
	o.errbuf = errbuf;
	o.errbuf_len = sizeof errbuf;
	rc = iro_open(&o, &c->h);
	secret_free(&pass);
	if (rc != 0) {
		c->h = NULL;
		cli_error(c, "cannot open replica in '%s': %s", o.home,
		    open_reason(rc, errbuf));
		return rc == IRO_ENOTENROLLED ? CLI_EUSAGE : cli_exit_code(rc);
	}
	*out = c->h;
	return CLI_OK;
}

int
cli_date_ok(const char *s)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int y, m, d, i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] < '0' || s[i] > '9') {
			return 0;
		}
	}
	if (s[10] != '\0')
		return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	/* 29 February only in a leap year. */
	return !(m == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

int
cli_set_today(struct cli *c, const char *s)
{
	if (!cli_date_ok(s)) {
		cli_error(c, "--today: expected a date YYYY-MM-DD, got '%s'", s);
		return CLI_EUSAGE;
	}
	memcpy(c->today, s, CLI_DATE_LEN);
	return CLI_OK;
}

int
cli_today(struct cli *c, char out[CLI_DATE_LEN])
{
	const char *env = getenv("IRO_TODAY");
	struct tm tm;
	time_t now;

	out[0] = '\0';
	if (c->today[0] != '\0') {
		memcpy(out, c->today, CLI_DATE_LEN);
		return CLI_OK;
	}
	if (env != NULL && env[0] != '\0') {
		if (!cli_date_ok(env)) {
			cli_error(c, "IRO_TODAY: expected a date YYYY-MM-DD, "
			    "got '%s'", env);
			return CLI_EUSAGE;
		}
		memcpy(out, env, CLI_DATE_LEN);
		return CLI_OK;
	}
	/* The IRO's working day is the local one, not UTC's. */
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(out, CLI_DATE_LEN, "%Y-%m-%d", &tm) != 10) {
		cli_error(c, "cannot read the local date");
		return CLI_EINTERNAL;
	}
	return CLI_OK;
}
