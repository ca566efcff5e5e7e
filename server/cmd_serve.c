/*
 * cmd_serve.c - serve: the sync protocol over HTTP until SIGTERM/SIGINT.
 */
#include "cmd.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "iro_error.h"
#include "syncsrv.h"

#define DRAIN_SECONDS 30        /* how long in-flight requests may take */
#define IDLE_SECONDS 60         /* idle keep-alive connections close */

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

/* The HTTP layer's request lines, stamped with the UTC time. */
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

/* Start the HTTP server for sync on host:port into *srv.  Returns 0 or an
 * exit code after complaining. */
static int
start_http(struct syncsrv *sync, const char *host, uint16_t port,
    struct http_server **srv)
{
	struct http_opts ho;
	char err[512];
	int rc;

	memset(&ho, 0, sizeof(ho));
	ho.host = host;
	ho.port = port;
	ho.max_body = LIMIT_BODY_MAX;
	ho.timeout_s = IDLE_SECONDS;
	ho.handler = syncsrv_handle;
	ho.handler_ctx = sync;
	ho.log = log_request;
	if ((rc = http_start(&ho, srv, err, sizeof(err))) != 0) {
		cmd_complain("%s", err);
		return rc == IRO_EINVAL ? CMD_EXIT_USAGE : CMD_EXIT_INTERNAL;
	}
	return 0;
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
	char shown[300];
	sigset_t sigs;
	int rc, sig = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = syncsrv_new(&so, &sync)) != 0) {
		cmd_complain("cannot start: %s", iro_strerror(rc));
		return CMD_EXIT_INTERNAL;
	}
	if ((rc = start_http(sync, host, port, &srv)) != 0) {
		syncsrv_free(sync);
		return rc;
	}
	/* Show the address as it was given, with the port really bound. */
	snprintf(shown, sizeof(shown), "%.*s", (int)(strrchr(listen_text,
	    ':') - listen_text), listen_text);
	printf("listening on http://%s:%u\n", shown, (unsigned)http_port(srv));
	fflush(stdout);
	sigwait(&sigs, &sig);
	fprintf(stderr, "%s: %s: finishing requests in progress\n", CMD_PROG,
	    sig == SIGINT ? "interrupted" : "terminated");
	http_stop(srv, DRAIN_SECONDS);
	syncsrv_free(sync);
	fprintf(stderr, "%s: stopped\n", CMD_PROG);
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	const char *data = NULL, *listen_text = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--listen", &listen_text, NULL },
		{ 0 }
	};
	struct store *st = NULL;
	char host[256];
	uint16_t port;
	struct cmd_args a;
	int rc;

	if ((rc = cmd_parse_args(argc, argv, opts, 0, &a)) != 0 ||
	    (rc = cmd_need(data, "--data DIR")) != 0 ||
	    (rc = cmd_need(listen_text, "--listen HOST:PORT")) != 0)
		return rc;
	if (parse_listen(listen_text, host, sizeof(host), &port) != 0) {
		cmd_complain("'%s' is not HOST:PORT", listen_text);
		return CMD_EXIT_USAGE;
	}
	if ((rc = cmd_open_store(data, &st)) != 0)
		return rc;
	rc = run_server(st, listen_text, host, port);
	store_close(st);
	return rc;
}
