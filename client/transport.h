/*
 * transport.h - HTTP requests to the server (the only libcurl user).
 *
 * One handle per server, reused for keep-alive.  Counts requests and
 * bytes both ways so sync can report what went over the wire.
 * Not thread-safe.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

struct transport;

struct transport_stats {
	uint64_t requests;
	uint64_t bytes_sent;       /* headers and bodies */
	uint64_t bytes_received;   /* headers and bodies */
};

/*
 * transport_new - a handle for base_url ("http://host:port", no trailing
 * slash needed).  Returns IRO_EINVAL for a URL that is not http(s).
 * Caller frees with transport_free().
 */
int transport_new(const char *base_url, struct transport **out);
void transport_free(struct transport *t);   /* NULL is a no-op */

struct transport_header {
	const char *name;
	const char *value;
};

struct transport_resp {
	long status;
	uint8_t *body;      /* malloc'd; caller frees; NULL if empty */
	size_t body_len;
};

/*
 * transport_post - POST body (Content-Type application/msgpack) to
 * base_url + path with extra headers.  Any HTTP status is a success of
 * this function: the caller reads resp->status.  Returns IRO_EUNREACHABLE
 * if no answer came (connection refused, timeout, reset), IRO_ETOOBIG if
 * the answer exceeds LIMIT_BODY_MAX, with a message in err.
 */
int transport_post(struct transport *t, const char *path,
    const struct transport_header *hdrs, size_t nhdrs, const uint8_t *body,
    size_t len, struct transport_resp *resp, char *err, size_t errlen);

/* transport_stats - totals since transport_new(). */
void transport_stats(const struct transport *t, struct transport_stats *out);

#endif
