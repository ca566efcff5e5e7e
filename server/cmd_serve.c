/*
 * cmd_serve.c - serve: the sync protocol over HTTP, or HTTPS given a
 * certificate and key, until SIGTERM/SIGINT.
 */
#include "cmd.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "file.h"
#include "http.h"
#include "iro_error.h"
#include "syncsrv.h"

#define DRAIN_SECONDS 30        /* how long in-flight requests may take */
#define IDLE_SECONDS 60         /* idle keep-alive connections close */
#define PEM_MAX (256u * 1024)   /* a certificate chain or a key, as PEM */

/* The certificate and key for HTTPS, as PEM text; both NULL for HTTP. */
struct tls_pem {
	char *cert;
	char *key;
	size_t key_len;
};

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

/* Read one PEM file of the given kind into *out.  Returns 0 or an exit
 * code after complaining. */
static int
read_pem(const char *path, const char *what, const char *marker,
    char **out, size_t *len)
{
	char why[512];
	int rc;

	if ((rc = file_read(path, PEM_MAX, out, len, why, sizeof(why))) != 0) {
		cmd_complain("cannot read the TLS %s: %s", what, rc ==
		    IRO_ENOMEM ? iro_strerror(rc) : why);
		return rc == IRO_ENOMEM ? CMD_EXIT_INTERNAL : CMD_EXIT_USAGE;
	}
	if (strlen(*out) != *len || strstr(*out, marker) == NULL) {
		cmd_complain("'%s' is not a PEM %s (no '%s' line)", path, what,
		    marker);
		return CMD_EXIT_USAGE;
	}
	return 0;
}

static void
tls_pem_clear(struct tls_pem *t)
{
	if (t->key != NULL)
		crypto_wipe(t->key, t->key_len);
	free(t->key);
	free(t->cert);
	memset(t, 0, sizeof(*t));
}

/* Load the certificate and key when both are given.  Returns 0 or an exit
 * code after complaining; *t is cleared on failure. */
static int
tls_pem_load(const char *cert, const char *key, struct tls_pem *t)
{
	size_t len;
	int rc;

	memset(t, 0, sizeof(*t));
	if (cert == NULL && key == NULL)
		return 0;
	if (cert == NULL || key == NULL) {
		cmd_complain("--tls-cert FILE and --tls-key FILE go together");
		return CMD_EXIT_USAGE;
	}
	if (!http_tls_supported()) {
		cmd_complain("cannot serve https: this libmicrohttpd was built "
		    "without TLS (GnuTLS) support");
		return CMD_EXIT_USAGE;
	}
	rc = read_pem(cert, "certificate", "-----BEGIN CERTIFICATE-----",
	    &t->cert, &len);
	if (rc == 0)
		rc = read_pem(key, "key", "PRIVATE KEY-----", &t->key,
		    &t->key_len);
	if (rc != 0)
		tls_pem_clear(t);
	return rc;
}

/* Start the HTTP(S) server for sync on host:port into *srv; the key in
 * *tls is wiped once the server has it.  Returns 0 or an exit code after
 * complaining. */
static int
start_http(struct syncsrv *sync, const char *host, uint16_t port,
    struct tls_pem *tls, struct http_server **srv)
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
	ho.tls_cert = tls->cert;
	ho.tls_key = tls->key;
	rc = http_start(&ho, srv, err, sizeof(err));
	tls_pem_clear(tls);
	if (rc != 0) {
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
    uint16_t port, struct tls_pem *tls)
{
	struct syncsrv_opts so = { .store = st };
	struct http_server *srv = NULL;
	struct syncsrv *sync = NULL;
	const char *scheme = tls->cert != NULL ? "https" : "http";
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
	if ((rc = start_http(sync, host, port, tls, &srv)) != 0) {
		syncsrv_free(sync);
		return rc;
	}
	/* Show the address as it was given, with the port really bound. */
	snprintf(shown, sizeof(shown), "%.*s", (int)(strrchr(listen_text,
	    ':') - listen_text), listen_text);
	printf("listening on %s://%s:%u\n", scheme, shown,
	    (unsigned)http_port(srv));
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
	const char *data = NULL, *listen_text = NULL, *cert = NULL, *key = NULL;
	const struct cmd_opt opts[] = {
		{ "--data", &data, NULL }, { "--listen", &listen_text, NULL },
		{ "--tls-cert", &cert, NULL }, { "--tls-key", &key, NULL },
		{ 0 }
	};
	struct store *st = NULL;
	struct tls_pem tls;
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
	if ((rc = tls_pem_load(cert, key, &tls)) != 0)
		return rc;
	if ((rc = cmd_open_store(data, &st)) != 0) {
		tls_pem_clear(&tls);
		return rc;
	}
	rc = run_server(st, listen_text, host, port, &tls);
	tls_pem_clear(&tls);
	store_close(st);
	return rc;
}
