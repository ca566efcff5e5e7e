/*
 * http.c - the HTTP listener on libmicrohttpd (http.h).
 *
 * libmicrohttpd calls the access handler several times per request: once
 * when the headers are in, then once per piece of body, then once with no
 * data.  The first call only sets up the request's state; answering then
 * would make libmicrohttpd close a keep-alive connection.  The answer
 * goes out on the last call, except for a body declared too large, which
 * is refused on the first call so it is never read.
 */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "crypto.h"
#include "http.h"
#include "iro_error.h"

#define HTTP_CONN_LIMIT 256
#define HTTP_LOG_MAX 512

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_opts opts;
	uint16_t port;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	unsigned inflight;              /* requests begun, not completed */
	/* While MHD_start_daemon runs (on the caller's thread), its first
	 * complaint is kept here to say why it failed. */
	bool starting;
	char start_err[HTTP_LOG_MAX];
};

/* One request's state, from its first handler call to its completion. */
struct req_state {
	struct http_server *srv;
	struct http_header headers[HTTP_HEADERS_MAX];
	size_t nheaders;
	uint8_t *body;
	size_t len, cap;
	bool too_large;
	bool answered;
	int status;
	size_t out_len;
	char method[16];
	char path[1024];
	char peer[INET6_ADDRSTRLEN];
	char note[256];
	struct timespec start;
};

const char *
http_header_get(const struct http_request *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

static void log_line(struct http_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
log_line(struct http_server *s, const char *fmt, ...)
{
	char line[HTTP_LOG_MAX];
	va_list ap;

	if (s->opts.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->opts.log(s->opts.log_ctx, line);
}

/* libmicrohttpd's own complaints go to the same log. */
static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	struct http_server *s = cls;
	char line[HTTP_LOG_MAX];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
	    line[n - 1] == '.'))
		line[--n] = '\0';
	if (s->starting && s->start_err[0] == '\0')
		snprintf(s->start_err, sizeof(s->start_err), "%s", line);
	if (s->opts.log != NULL)
		s->opts.log(s->opts.log_ctx, line);
}

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct req_state *rs = cls;

	(void)kind;
	if (rs->nheaders < HTTP_HEADERS_MAX && key != NULL && value != NULL) {
		rs->headers[rs->nheaders].name = key;
		rs->headers[rs->nheaders].value = value;
		rs->nheaders++;
	}
	return MHD_YES;
}

static void
peer_text(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(buf, len, "-");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, buf, (socklen_t)len);
}

/* The declared body length, or -1 if none or unreadable (chunked). */
static long long
declared_length(const struct req_state *rs)
{
	const struct http_request r = {
		.headers = rs->headers, .nheaders = rs->nheaders
	};
	const char *v = http_header_get(&r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	char *end;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > (unsigned long long)LLONG_MAX)
		return LLONG_MAX;
	return (long long)n;
}

/* Copy text for logs and routing: bytes outside visible ASCII become
 * '?', and what does not fit becomes "?" alone, never a truncated prefix
 * that could read as another path. */
static void
copy_visible(char *dst, size_t len, const char *src)
{
	size_t i, n = strlen(src);

	if (n >= len) {
		snprintf(dst, len, "?");
		return;
	}
	for (i = 0; i < n; i++)
		dst[i] = src[i] > 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[n] = '\0';
}

static struct req_state *
begin_request(struct http_server *s, struct MHD_Connection *conn,
    const char *method, const char *url)
{
	struct req_state *rs = calloc(1, sizeof(*rs));
	long long declared;

	if (rs == NULL)
		return NULL;
	rs->srv = s;
	clock_gettime(CLOCK_MONOTONIC, &rs->start);
	copy_visible(rs->method, sizeof(rs->method), method);
	copy_visible(rs->path, sizeof(rs->path), url);
	peer_text(conn, rs->peer, sizeof(rs->peer));
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, rs);
	declared = declared_length(rs);
	if (declared >= 0 && (unsigned long long)declared > s->opts.max_body)
		rs->too_large = true;
	else if (declared > 0 && (rs->body = malloc((size_t)declared)))
		rs->cap = (size_t)declared;
	pthread_mutex_lock(&s->mu);
	s->inflight++;
	pthread_mutex_unlock(&s->mu);
	return rs;
}

/* Free the body, wiped first: an enrolment's holds a password. */
static void
drop_body(struct req_state *rs)
{
	if (rs->body != NULL)
		crypto_wipe(rs->body, rs->cap);
	free(rs->body);
	rs->body = NULL;
	rs->cap = 0;
}

/* Keep a piece of body; past max_body, drop it all and remember why. */
static int
take_body(struct req_state *rs, const char *data, size_t len)
{
	size_t max = rs->srv->opts.max_body, ncap;
	uint8_t *p;

	if (rs->too_large)
		return 0;
	if (len > max - rs->len) {
		rs->too_large = true;
		drop_body(rs);
		rs->len = 0;
		return 0;
	}
	if (rs->len + len > rs->cap) {
		ncap = rs->cap < 4096 ? 4096 : rs->cap;
		while (ncap < rs->len + len)
			ncap = ncap > max / 2 ? max : ncap * 2;
		/* Not realloc: the old block is wiped before it is let go. */
		if ((p = malloc(ncap)) == NULL)
			return IRO_ENOMEM;
		if (rs->len > 0)
			memcpy(p, rs->body, rs->len);
		drop_body(rs);
		rs->body = p;
		rs->cap = ncap;
	}
	memcpy(rs->body + rs->len, data, len);
	rs->len += len;
	return 0;
}

static enum MHD_Result
answer(struct MHD_Connection *conn, struct req_state *rs)
{
	struct http_server *s = rs->srv;
	struct http_request req = {
		.method = rs->method, .path = rs->path, .peer = rs->peer,
		.headers = rs->headers, .nheaders = rs->nheaders,
		.body = rs->len > 0 ? rs->body : NULL, .body_len = rs->len,
		.too_large = rs->too_large
	};
	struct http_response resp;
	struct MHD_Response *r;
	enum MHD_Result ret;

	memset(&resp, 0, sizeof(resp));
	s->opts.handler(s->opts.handler_ctx, &req, &resp);
	rs->answered = true;
	r = MHD_create_response_from_buffer(resp.body_len, resp.body,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(resp.body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    resp.content_type != NULL ? resp.content_type :
	    "application/msgpack");
	ret = MHD_queue_response(conn, (unsigned)resp.status, r);
	MHD_destroy_response(r);
	rs->status = resp.status;
	rs->out_len = resp.body_len;
	snprintf(rs->note, sizeof(rs->note), "%s", resp.note);
	drop_body(rs);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req_state *rs = *con_cls;

	(void)version;
	if (rs == NULL) {
		if ((rs = begin_request(s, conn, method, url)) == NULL)
			return MHD_NO;
		*con_cls = rs;
		/* Refuse an over-long body before reading any of it. */
		return rs->too_large ? answer(conn, rs) : MHD_YES;
	}
	if (rs->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (take_body(rs, upload_data, *upload_data_size) != 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(conn, rs);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req_state *rs = *con_cls;
	struct timespec now;
	long long ms;

	(void)conn;
	if (rs == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - rs->start.tv_sec) * 1000 +
	    (now.tv_nsec - rs->start.tv_nsec) / 1000000;
	if (rs->answered)
		log_line(s, "%s %s %s %d in=%zu out=%zu %lldms%s%s", rs->peer,
		    rs->method, rs->path, rs->status, rs->len, rs->out_len,
		    ms, rs->note[0] ? " " : "", rs->note);
	else
		log_line(s, "%s %s %s aborted (code %d) in=%zu %lldms",
		    rs->peer, rs->method, rs->path, (int)toe, rs->len, ms);
	drop_body(rs);
	free(rs);
	*con_cls = NULL;
	pthread_mutex_lock(&s->mu);
	s->inflight--;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
}

static int
resolve(const char *host, uint16_t port, struct sockaddr_storage *ss,
    char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char service[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve '%s': %s", host,
		    gai_strerror(rc));
		return IRO_EINVAL;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

bool
http_tls_supported(void)
{
	return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

static int
check_tls(const struct http_opts *opts, char *err, size_t errlen)
{
	if ((opts->tls_cert == NULL) != (opts->tls_key == NULL)) {
		snprintf(err, errlen, "a TLS certificate needs its key and a key "
		    "its certificate");
		return IRO_EINVAL;
	}
	if (opts->tls_cert != NULL && !http_tls_supported()) {
		snprintf(err, errlen, "cannot serve https: this libmicrohttpd "
		    "was built without TLS (GnuTLS) support");
		return IRO_EINVAL;
	}
	return 0;
}

static struct MHD_Daemon *
start_daemon(struct http_server *s, const struct sockaddr_storage *ss)
{
	const struct http_opts *o = &s->opts;
	unsigned flags;

	flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (o->tls_cert == NULL)
		return MHD_start_daemon(flags, o->port, NULL, NULL,
		    on_request, s,
		    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s,
		    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_LIMIT,
		    MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s,
		    MHD_OPTION_END);
	/* GnuTLS parses the certificate and key into its own credentials
	 * while the daemon starts; the PEM text is not read again. */
	return MHD_start_daemon(flags | MHD_USE_TLS, o->port, NULL, NULL,
	    on_request, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s,
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s,
	    MHD_OPTION_HTTPS_MEM_CERT, o->tls_cert,
	    MHD_OPTION_HTTPS_MEM_KEY, o->tls_key,
	    MHD_OPTION_END);
}

/* Why the daemon did not start.  libmicrohttpd loads the certificate and
 * key before it binds, so a complaint naming them is theirs. */
static int
start_failure(const struct http_server *s, char *err, size_t errlen)
{
	const char *why = s->start_err;

	if (s->opts.tls_cert != NULL && (strstr(why, "x509") != NULL ||
	    strstr(why, "TLS") != NULL || strstr(why, "certificate") !=
	    NULL)) {
		snprintf(err, errlen, "the TLS certificate or key was refused: "
		    "%s", why);
		return IRO_EINVAL;
	}
	snprintf(err, errlen, "cannot listen on '%s' port %u%s%s",
	    s->opts.host, (unsigned)s->opts.port, why[0] ? ": " : "", why);
	return IRO_EIO;
}

int
http_start(const struct http_opts *opts, struct http_server **out,
    char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	struct http_server *s;
	int rc;

	*out = NULL;
	if ((rc = check_tls(opts, err, errlen)) != 0 ||
	    (rc = resolve(opts->host, opts->port, &ss, err, errlen)) != 0)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return IRO_ENOMEM;
	s->opts = *opts;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->starting = true;
	s->daemon = start_daemon(s, &ss);
	s->starting = false;
	/* Only borrowed for the start. */
	s->opts.tls_cert = NULL;
	s->opts.tls_key = NULL;
	if (s->daemon == NULL) {
		s->opts.tls_cert = opts->tls_cert;
		rc = start_failure(s, err, errlen);
		http_stop(s, 0);
		return rc;
	}
	di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di != NULL ? di->port : opts->port;
	*out = s;
	return 0;
}

uint16_t
http_port(const struct http_server *s)
{
	return s->port;
}

void
http_stop(struct http_server *s, unsigned drain_s)
{
	struct timespec deadline;
	MHD_socket fd = MHD_INVALID_SOCKET;

	if (s == NULL)
		return;
	if (s->daemon != NULL) {
		fd = MHD_quiesce_daemon(s->daemon);
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += (time_t)drain_s;
		pthread_mutex_lock(&s->mu);
		while (s->inflight > 0 && pthread_cond_timedwait(&s->idle,
		    &s->mu, &deadline) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&s->mu);
		MHD_stop_daemon(s->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
