/*
 * http.h - the server's HTTP/1.1 listener (the only libmicrohttpd user).
 *
 * It accepts connections (keep-alive), reads each request's body up to a
 * hard limit, hands the whole request to one handler function and sends
 * back what the handler answers.  It knows nothing of the protocol: which
 * paths exist, what the bodies mean and how errors are worded are the
 * handler's.  Each connection runs on its own thread, so the handler is
 * called concurrently and must be thread-safe.  Given a certificate and
 * key it speaks HTTPS instead (libmicrohttpd's GnuTLS support).
 */
#ifndef HTTP_H
#define HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_HEADERS_MAX 64     /* request headers kept; the rest ignored */

struct http_server;

struct http_header {
	const char *name;
	const char *value;
};

/* A request, borrowed by the handler for the duration of the call. */
struct http_request {
	const char *method;
	const char *path;               /* without the query string */
	const char *peer;               /* client address as text */
	const struct http_header *headers;
	size_t nheaders;
	const uint8_t *body;            /* NULL when body_len is 0 */
	size_t body_len;
	/* The body is over max_body: it was not read (body is NULL), and
	 * the connection closes after the answer. */
	bool too_large;
};

/* What the handler answers.  Zeroed before the handler is called. */
struct http_response {
	int status;
	uint8_t *body;                  /* malloc'd; the listener frees it */
	size_t body_len;
	const char *content_type;       /* static; NULL: application/msgpack */
	char note[256];                 /* for the request log; may be "" */
};

/* http_header_get - the value of header `name` (case-insensitive) in r,
 * or NULL. */
const char *http_header_get(const struct http_request *r, const char *name);

typedef void (*http_handler_fn)(void *ctx, const struct http_request *req,
    struct http_response *resp);
/* One line for the request log, without a newline.  Called from the
 * connection threads. */
typedef void (*http_log_fn)(void *ctx, const char *line);

struct http_opts {
	const char *host;               /* address or name to bind */
	uint16_t port;                  /* 0: any free port */
	size_t max_body;                /* longer request bodies: too_large */
	unsigned timeout_s;             /* idle connections close after this */
	http_handler_fn handler;
	void *handler_ctx;
	http_log_fn log;                /* may be NULL */
	void *log_ctx;
	/* HTTPS: the PEM certificate (chain) and private key, NUL-terminated
	 * and borrowed for the http_start call only (the key is read once,
	 * while the listener starts).  Both NULL: plain HTTP. */
	const char *tls_cert;
	const char *tls_key;
};

/* http_tls_supported - whether the libmicrohttpd in use can serve HTTPS
 * (it was built with GnuTLS). */
bool http_tls_supported(void);

/*
 * http_start - bind and start serving in background threads.  Returns 0
 * and a handle in *out (free with http_stop), or IRO_EINVAL (host does not
 * resolve; only one of tls_cert and tls_key given; TLS unsupported; the
 * certificate or key refused), IRO_EIO (cannot bind or start) or
 * IRO_ENOMEM; err says why.  The caller may wipe tls_key as soon as this
 * returns.
 */
int http_start(const struct http_opts *opts, struct http_server **out,
    char *err, size_t errlen);

/* http_port - the port actually bound (the real one when 0 was asked). */
uint16_t http_port(const struct http_server *s);

/*
 * http_stop - stop accepting connections, let requests in progress finish
 * (waiting at most drain_s seconds), close the rest and free s.  NULL is a
 * no-op.
 */
void http_stop(struct http_server *s, unsigned drain_s);

#endif
