/*
 * main.c - the iro-server command: argument parsing and the commands.
 *
 * Exit codes: 0 ok, 1 internal error (database, memory), 2 usage or
 * invalid input (the message names the problem).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include "account.h"
#include "crypto.h"
#include "hex.h"
#include "http.h"
#include "importer.h"
#include "iro_error.h"
#include "json.h"
#include "store.h"
#include "syncsrv.h"

#define PROG "iro-server"
#define EXIT_INTERNAL 1
#define EXIT_USAGE 2
#define DRAIN_SECONDS 30        /* how long in-flight requests may take */
#define IDLE_SECONDS 60         /* idle keep-alive connections close */

static const char usage_text[] =
	"usage: " PROG " COMMAND [OPTIONS]\n"
	"\n"
	"  init --data DIR                      create the server's data\n"
	"  user add --data DIR --username NAME --role iro|manager|admin\n"
	"           [--team TEAM] [--display-name TEXT]\n"
	"                                       add an account (password on"
	" stdin)\n"
	"  user list --data DIR [--json]        list the accounts\n"
	"  device list --data DIR [--json]      list the enrolled devices\n"
	"  device revoke --data DIR DEVICE      refuse a device from now on\n"
	"  import --data DIR FILE.csv           import children"
	" (child_id,given_name,\n"
	"                                       family_name,dob,iro)\n"
	"  serve --data DIR --listen HOST:PORT  serve the sync protocol\n"
	"  show --data DIR ID [--json]          show a record (id or"
	" child_id)\n"
	"  records --data DIR [--type TYPE] [--json]\n"
	"                                       list the records\n"
	"  stats --data DIR [--json]            count changes, records,"
	" users\n";

static void complain(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
complain(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The exit code for an error code. */
static int
exit_for(int rc)
{
	switch (rc) {
	case IRO_EINVAL:
	case IRO_EEXIST:
	case IRO_ENOTFOUND:
	case IRO_ETOOBIG:
	case IRO_EVERSION:
		return EXIT_USAGE;
	default:
		return EXIT_INTERNAL;
	}
}

static uint64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- arguments ---- */

struct opt {
	const char *name;               /* "--data" */
	const char **value;             /* NULL: a flag */
	bool *flag;
};

#define MAX_POS 2

struct args {
	const char *pos[MAX_POS];
	size_t npos;
};

/* Parse argv[0..argc) against opts ("--name VALUE", "--name=VALUE",
 * "--flag"), at most maxpos positional arguments.  0 or EXIT_USAGE. */
static int
parse_args(int argc, char **argv, const struct opt *opts, size_t maxpos,
    struct args *a)
{
	const struct opt *o;
	const char *eq;
	size_t len;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (a->npos == maxpos) {
				complain("unexpected argument '%s'", argv[i]);
				return EXIT_USAGE;
			}
			a->pos[a->npos++] = argv[i];
			continue;
		}
		eq = strchr(argv[i], '=');
		len = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		for (o = opts; o->name != NULL; o++)
			if (strlen(o->name) == len &&
			    strncmp(o->name, argv[i], len) == 0)
				break;
		if (o->name == NULL) {
			complain("unknown option '%.*s'", (int)len, argv[i]);
			return EXIT_USAGE;
		}
		if (o->value == NULL) {
			if (eq != NULL) {
				complain("option '%s' takes no value", o->name);
				return EXIT_USAGE;
			}
			*o->flag = true;
		} else if (eq != NULL) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			complain("option '%s' needs a value", o->name);
			return EXIT_USAGE;
		}
	}
	return 0;
}

static int
need(const char *value, const char *name)
{
	if (value != NULL && *value != '\0')
		return 0;
	complain("missing %s", name);
	return EXIT_USAGE;
}

/* Open the store in dir, or say what to do. */
static int
open_store(const char *dir, struct store **st)
{
	char err[512];
	int rc;

	if ((rc = crypto_init()) != 0) {
		complain("cannot start the crypto library");
		return EXIT_INTERNAL;
	}
	rc = store_open(dir, st, err, sizeof(err));
	if (rc == IRO_ENOTFOUND) {
		complain("%s: run '" PROG " init --data %s' first", err, dir);
		return EXIT_USAGE;
	}
	if (rc != 0) {
		complain("%s", err);
		return exit_for(rc);
	}
	return 0;
}

/* Print s and a newline, then free s. */
static int
print_json(int rc, char *s)
{
	if (rc != 0) {
		complain("cannot make JSON: %s", iro_strerror(rc));
		return EXIT_INTERNAL;
	}
	puts(s);
	free(s);
	return 0;
}

/* ---- init ---- */

static int
cmd_init(int argc, char **argv)
{
	const char *data = NULL;
	const struct opt opts[] = { { "--data", &data, NULL }, { 0 } };
	char err[512], path[4096], hex[2 * LIMIT_ID_LEN + 1];
	uint8_t id[LIMIT_ID_LEN];
	struct store *st = NULL;
	struct args a;
	struct stat sb;
	bool existed;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/server.db", data);
	existed = stat(path, &sb) == 0;
	if ((rc = store_init(data, err, sizeof(err))) != 0) {
		complain("%s", err);
		return exit_for(rc);
	}
	if ((rc = open_store(data, &st)) != 0)
		return rc;
	store_server_id(st, id);
	store_close(st);
	hex_encode(id, sizeof(id), hex);
	printf("%s server data in '%s' (server id %s)\n",
	    existed ? "kept the existing" : "created", data, hex);
	return 0;
}

/* ---- users ---- */

/* Read the password: the first line of stdin, without echo on a
 * terminal.  *pw is secure memory; free with crypto_secure_free. */
static int
read_password(const char *username, char **pw, size_t *len)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	size_t cap = LIMIT_PASSWORD_MAX + 2;
	char *buf;
	int c;

	*pw = NULL;
	*len = 0;
	if ((buf = crypto_secure_alloc(cap + 1)) == NULL)
		return IRO_ENOMEM;
	if (tty) {
		fprintf(stderr, "password for '%s': ", username);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while ((c = getchar()) != EOF && c != '\n')
		if (*len < cap)
			buf[(*len)++] = (char)c;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (*len > 0 && buf[*len - 1] == '\r')
		(*len)--;
	buf[*len] = '\0';
	*pw = buf;
	return 0;
}

static int
cmd_user_add(int argc, char **argv)
{
	const char *data = NULL, *user = NULL, *role = NULL, *team = NULL;
	const char *display = NULL;
	const struct opt opts[] = {
		{ "--data", &data, NULL }, { "--username", &user, NULL },
		{ "--role", &role, NULL }, { "--team", &team, NULL },
		{ "--display-name", &display, NULL }, { 0 }
	};
	struct account_new n;
	struct store *st = NULL;
	char why[512], *pw = NULL;
	size_t pwlen = 0;
	struct args a;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = need(user, "--username NAME")) != 0 ||
	    (rc = need(role, "--role iro|manager|admin")) != 0)
		return rc;
	memset(&n, 0, sizeof(n));
	if (schema_role_parse(role, &n.role) != 0 ||
	    n.role == SCHEMA_ROLE_SERVER) {
		complain("role must be iro, manager or admin, not '%s'", role);
		return EXIT_USAGE;
	}
	if (account_check_username(user, why, sizeof(why)) != 0) {
		complain("%s", why);
		return EXIT_USAGE;
	}
	if ((rc = open_store(data, &st)) != 0)
		return rc;
	if ((rc = read_password(user, &pw, &pwlen)) != 0) {
		complain("cannot read the password: %s", iro_strerror(rc));
		rc = EXIT_INTERNAL;
		goto out;
	}
	n.username = user;
	n.team = team;
	n.display_name = display;
	n.password = pw;
	n.password_len = pwlen;
	n.now_ms = wall_ms();
	if ((rc = account_add(st, &n, why, sizeof(why))) != 0) {
		complain("%s", why);
		rc = exit_for(rc);
		goto out;
	}
	printf("added %s '%s'\n", schema_role_name(n.role), user);
out:
	crypto_secure_free(pw);
	store_close(st);
	return rc;
}

static int
cmd_user_list(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	struct store_user *u = NULL;
	struct store *st = NULL;
	char *s = NULL;
	struct args a;
	size_t n = 0, i;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = open_store(data, &st)) != 0)
		return rc;
	if ((rc = store_user_list(st, &u, &n)) != 0) {
		complain("%s", store_errmsg(st));
		rc = exit_for(rc);
	} else if (json) {
		rc = json_users(u, n, &s);
		rc = print_json(rc, s);
	} else {
		for (i = 0; i < n; i++)
			printf("%-20s %-8s %-16s %s\n", u[i].username,
			    schema_role_name(u[i].role),
			    u[i].team[0] ? u[i].team : "-", u[i].display_name);
	}
	for (i = 0; i < n; i++)
		crypto_wipe(u[i].pwhash, sizeof(u[i].pwhash));
	free(u);
	store_close(st);
	return rc;
}

/* ---- devices ---- */

static int
cmd_device_list(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	char hex[2 * LIMIT_ID_LEN + 1];
	struct store_device *d = NULL;
	struct store *st = NULL;
	char *s = NULL;
	struct args a;
	size_t n = 0, i;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = open_store(data, &st)) != 0)
		return rc;
	if ((rc = store_device_list(st, &d, &n)) != 0) {
		complain("%s", store_errmsg(st));
		rc = exit_for(rc);
	} else if (json) {
		rc = json_devices(d, n, &s);
		rc = print_json(rc, s);
	} else {
		for (i = 0; i < n; i++) {
			hex_encode(d[i].id, LIMIT_ID_LEN, hex);
			printf("%s %-20s %s%s\n", hex, d[i].username,
			    d[i].last_sync_ms ? "synced" : "never synced",
			    d[i].revoked ? " (revoked)" : "");
		}
	}
	free(d);
	store_close(st);
	return rc;
}

static int
cmd_device_revoke(int argc, char **argv)
{
	const char *data = NULL;
	const struct opt opts[] = { { "--data", &data, NULL }, { 0 } };
	uint8_t id[LIMIT_ID_LEN];
	struct store *st = NULL;
	struct args a;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = need(a.pos[0], "DEVICE id")) != 0)
		return rc;
	if (hex_decode(a.pos[0], id, sizeof(id)) != 0) {
		complain("'%s' is not a device id (32 hex digits)", a.pos[0]);
		return EXIT_USAGE;
	}
	if ((rc = open_store(data, &st)) != 0)
		return rc;
	rc = store_device_revoke(st, id);
	if (rc == IRO_ENOTFOUND)
		complain("no device '%s'", a.pos[0]);
	else if (rc != 0)
		complain("%s", store_errmsg(st));
	else
		printf("revoked device %s\n", a.pos[0]);
	store_close(st);
	return rc == 0 ? 0 : exit_for(rc);
}

/* ---- import ---- */

static void
print_problem(void *ctx, size_t line, const char *reason)
{
	fprintf(stderr, "%s:%zu: %s\n", (const char *)ctx, line, reason);
}

static int
cmd_import(int argc, char **argv)
{
	const char *data = NULL;
	const struct opt opts[] = { { "--data", &data, NULL }, { 0 } };
	struct importer_summary sum;
	struct importer_opts io;
	struct store *st = NULL;
	char why[1024];
	struct args a;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = need(a.pos[0], "FILE.csv")) != 0 ||
	    (rc = open_store(data, &st)) != 0)
		return rc;
	memset(&io, 0, sizeof(io));
	io.now_ms = wall_ms();
	io.problem = print_problem;
	io.problem_ctx = (void *)(uintptr_t)a.pos[0];
	rc = importer_run(st, a.pos[0], &io, &sum, why, sizeof(why));
	store_close(st);
	if (rc != 0) {
		complain("%s", why);
		return exit_for(rc);
	}
	printf("imported %zu children: %zu new, %zu updated, %zu unchanged\n",
	    sum.children, sum.created, sum.updated, sum.unchanged);
	return 0;
}

/* ---- records ---- */

static void
print_value(const struct value *v)
{
	switch (v->type) {
	case VALUE_NIL:
		fputs("-", stdout);
		break;
	case VALUE_BOOL:
		fputs(v->b ? "yes" : "no", stdout);
		break;
	case VALUE_INT:
		printf("%lld", (long long)v->i);
		break;
	case VALUE_STR:
		fwrite(v->s, 1, v->len, stdout);
		break;
	}
}

static void
print_record(const struct store_record *r)
{
	char hex[2 * LIMIT_ID_LEN + 1];
	size_t i;

	hex_encode(r->id, LIMIT_ID_LEN, hex);
	printf("id: %s\ntype: %s%s\n", hex, r->type,
	    r->deleted ? " (deleted)" : "");
	for (i = 0; i < r->nfields; i++) {
		printf("%s: ", r->fields[i].name);
		print_value(&r->fields[i].value);
		puts(r->fields[i].conflict ? " (in conflict)" : "");
	}
}

/* The record named by text: a record id, or else a child's council id. */
static int
find_record(struct store *st, const char *text, struct store_record *r)
{
	uint8_t id[LIMIT_ID_LEN];
	struct value v = { .type = VALUE_STR };

	if (hex_decode(text, id, sizeof(id)) == 0 &&
	    store_record_get(st, id, r) == 0)
		return 0;
	v.s = (char *)(uintptr_t)text;
	v.len = strlen(text);
	if (store_record_find(st, "child", "child_id", &v, id) != 0)
		return IRO_ENOTFOUND;
	return store_record_get(st, id, r);
}

static int
cmd_show(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	struct store_record r;
	struct store *st = NULL;
	char *s = NULL;
	struct args a;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = parse_args(argc, argv, opts, 1, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = need(a.pos[0], "record ID")) != 0 ||
	    (rc = open_store(data, &st)) != 0)
		return rc;
	rc = find_record(st, a.pos[0], &r);
	if (rc == IRO_ENOTFOUND) {
		complain("no record '%s'", a.pos[0]);
		rc = EXIT_USAGE;
	} else if (rc != 0) {
		complain("%s", store_errmsg(st));
		rc = exit_for(rc);
	} else if (json) {
		rc = json_record(&r, &s);
		rc = print_json(rc, s);
	} else {
		print_record(&r);
	}
	store_record_clear(&r);
	store_close(st);
	return rc;
}

static int
cmd_records(int argc, char **argv)
{
	const char *data = NULL, *type = NULL;
	bool json = false;
	const struct opt opts[] = {
		{ "--data", &data, NULL }, { "--type", &type, NULL },
		{ "--json", NULL, &json }, { 0 }
	};
	char hex[2 * LIMIT_ID_LEN + 1];
	struct store_record *r = NULL;
	struct store *st = NULL;
	size_t n = 0, i, j;
	char *s = NULL;
	struct args a;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = open_store(data, &st)) != 0)
		return rc;
	if ((rc = store_record_list(st, type, &r, &n)) != 0) {
		complain("%s", store_errmsg(st));
		rc = exit_for(rc);
	} else if (json) {
		rc = json_records(r, n, &s);
		rc = print_json(rc, s);
	} else {
		for (i = 0; i < n; i++) {
			hex_encode(r[i].id, LIMIT_ID_LEN, hex);
			printf("%s %s", hex, r[i].type);
			for (j = 0; j < r[i].nfields; j++) {
				printf(" %s=", r[i].fields[j].name);
				print_value(&r[i].fields[j].value);
			}
			putchar('\n');
		}
	}
	store_record_free_array(r, n);
	store_close(st);
	return rc;
}

static int
cmd_stats(int argc, char **argv)
{
	const char *data = NULL;
	bool json = false;
	const struct opt opts[] = {
		{ "--data", &data, NULL }, { "--json", NULL, &json }, { 0 }
	};
	struct store_stats s;
	struct store *st = NULL;
	char *out = NULL;
	struct args a;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = open_store(data, &st)) != 0)
		return rc;
	rc = store_stats(st, &s);
	if (rc != 0) {
		complain("%s", store_errmsg(st));
		rc = exit_for(rc);
	} else if (json) {
		rc = json_stats(&s, &out);
		rc = print_json(rc, out);
	} else {
		printf("changes: %llu\nrefused: %llu\nrecords: %llu\n"
		    "conflicts: %llu\nusers: %llu\ndevices: %llu\n",
		    (unsigned long long)s.changes,
		    (unsigned long long)s.refused,
		    (unsigned long long)s.records,
		    (unsigned long long)s.conflicts,
		    (unsigned long long)s.users,
		    (unsigned long long)s.devices);
	}
	store_close(st);
	return rc;
}

/* ---- serve ---- */

/* Split "HOST:PORT" (HOST may be "[v6]") into host and port. */
static int
parse_listen(const char *text, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon = strrchr(text, ':');
	unsigned long p;
	size_t n;
	char *end;

	if (colon == NULL || colon == text || colon[1] == '\0')
		return IRO_EINVAL;
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p > 65535 || colon[1] < '0' ||
	    colon[1] > '9')
		return IRO_EINVAL;
	n = (size_t)(colon - text);
	if (text[0] == '[' && n >= 2 && text[n - 1] == ']') {
		text++;
		n -= 2;
	}
	if (n == 0 || n >= hostlen)
		return IRO_EINVAL;
	memcpy(host, text, n);
	host[n] = '\0';
	*port = (uint16_t)p;
	return 0;
}

static void
log_request(void *ctx, const char *line)
{
	char stamp[32];
	struct tm tm;
	time_t t = time(NULL);

	(void)ctx;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s\n", stamp, line);
}

/* Serve until SIGTERM or SIGINT.  The signals are blocked before any
 * thread starts (threads inherit the mask) and taken with sigwait here,
 * so no handler runs in the middle of a request. */
static int
run_server(struct store *st, const char *listen_text, const char *host,
    uint16_t port)
{
	struct syncsrv_opts so = { .store = st };
	struct http_server *srv = NULL;
	struct syncsrv *sync = NULL;
	struct http_opts ho;
	char err[512], shown[300];
	sigset_t sigs;
	int rc, sig = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = syncsrv_new(&so, &sync)) != 0) {
		complain("cannot start: %s", iro_strerror(rc));
		return EXIT_INTERNAL;
	}
	memset(&ho, 0, sizeof(ho));
	ho.host = host;
	ho.port = port;
	ho.max_body = LIMIT_BODY_MAX;
	ho.timeout_s = IDLE_SECONDS;
	ho.handler = syncsrv_handle;
	ho.handler_ctx = sync;
	ho.log = log_request;
	if ((rc = http_start(&ho, &srv, err, sizeof(err))) != 0) {
		complain("%s", err);
		syncsrv_free(sync);
		return rc == IRO_EINVAL ? EXIT_USAGE : EXIT_INTERNAL;
	}
	/* Show the address as it was given, with the port really bound. */
	snprintf(shown, sizeof(shown), "%.*s", (int)(strrchr(listen_text,
	    ':') - listen_text), listen_text);
	printf("listening on http://%s:%u\n", shown, (unsigned)http_port(srv));
	fflush(stdout);
	sigwait(&sigs, &sig);
	fprintf(stderr, "%s: %s: finishing requests in progress\n", PROG,
	    sig == SIGINT ? "interrupted" : "terminated");
	http_stop(srv, DRAIN_SECONDS);
	syncsrv_free(sync);
	fprintf(stderr, "%s: stopped\n", PROG);
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	const char *data = NULL, *listen_text = NULL;
	const struct opt opts[] = {
		{ "--data", &data, NULL }, { "--listen", &listen_text, NULL },
		{ 0 }
	};
	struct store *st = NULL;
	char host[256];
	uint16_t port;
	struct args a;
	int rc;

	if ((rc = parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = need(data, "--data DIR")) != 0 ||
	    (rc = need(listen_text, "--listen HOST:PORT")) != 0)
		return rc;
	if (parse_listen(listen_text, host, sizeof(host), &port) != 0) {
		complain("'%s' is not HOST:PORT", listen_text);
		return EXIT_USAGE;
	}
	if ((rc = open_store(data, &st)) != 0)
		return rc;
	rc = run_server(st, listen_text, host, port);
	store_close(st);
	return rc;
}

/* ---- dispatch ---- */

static const struct {
	const char *name;
	const char *sub;                /* NULL: none */
	int (*fn)(int, char **);
} commands[] = {
	{ "init", NULL, cmd_init },
	{ "user", "add", cmd_user_add },
	{ "user", "list", cmd_user_list },
	{ "device", "list", cmd_device_list },
	{ "device", "revoke", cmd_device_revoke },
	{ "import", NULL, cmd_import },
	{ "serve", NULL, cmd_serve },
	{ "show", NULL, cmd_show },
	{ "records", NULL, cmd_records },
	{ "stats", NULL, cmd_stats },
};

int
main(int argc, char **argv)
{
	size_t i;
	int skip;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (commands[i].sub == NULL) {
			skip = 2;
		} else if (argc > 2 && strcmp(argv[2], commands[i].sub) == 0) {
			skip = 3;
		} else {
			continue;
		}
		return commands[i].fn(argc - skip, argv + skip);
	}
	complain("unknown command '%s%s%s' (try '" PROG " --help')", argv[1],
	    argc > 2 && (strcmp(argv[1], "user") == 0 ||
	    strcmp(argv[1], "device") == 0) ? " " : "",
	    argc > 2 && (strcmp(argv[1], "user") == 0 ||
	    strcmp(argv[1], "device") == 0) ? argv[2] : "");
	return EXIT_USAGE;
}
