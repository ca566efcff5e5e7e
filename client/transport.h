/*
 * transport.h - HTTP requests to the server (the only libcurl user).
 *
 * One handle per server, reused for keep-alive.  Counts requests and
 * bytes both ways so sync can report what went over the wire.
 * Not thread-safe.
 *
 * An https server's certificate is always verified, chain and host name,
 * against the system's CAs or, when one was given, only the CA set with
 * transport_set_ca().  Plain http is allowed only to a loopback host
 * (127.0.0.0/8, ::1, localhost): the URL is checked when the handle is
 * made and before every request, redirects are never followed, and the
 * socket of a plain-http request is refused unless its address really is
 * loopback (a "localhost" that resolves elsewhere gets nothing).
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

#define TRANSPORT_CA_MAX (256u * 1024)  /* a CA file, PEM */

/*
 * transport_check_url - whether url may be used as a server's base URL:
 * https:// to any host, or http:// to a loopback host only.  Returns 0,
 * or IRO_EINVAL with the reason in err (which may be NULL).  Thread-safe.
 */
int transport_check_url(const char *url, char *err, size_t errlen);

/*
 * transport_new - a handle for base_url ("https://host:port", no trailing
 * slash needed).  Returns IRO_EINVAL for a URL transport_check_url()
 * refuses (transport_check_url says why).  Caller frees with
 * transport_free().
 */
int transport_new(const char *base_url, struct transport **out);
void transport_free(struct transport *t);   /* NULL is a no-op */

/*
 * transport_set_ca - trust only the CA certificates in pem (PEM text, len
 * bytes, borrowed: the handle keeps a copy) for https, instead of the
 * system's.  Returns 0, IRO_EINVAL (empty), IRO_ETOOBIG (over
 * TRANSPORT_CA_MAX) or IRO_ENOMEM; on failure the handle is unchanged.
 */
int transport_set_ca(struct transport *t, const uint8_t *pem, size_t len);

/*
 * transport_read_ca - read the CA file at path (PEM, at most
 * TRANSPORT_CA_MAX bytes, with at least one certificate) into *out (malloc'd,
 * caller frees) and *len.  Returns 0, IRO_ENOTFOUND, IRO_EIO, IRO_ETOOBIG
 * or IRO_EINVAL (not a PEM certificate) with the reason in err, or
 * IRO_ENOMEM.  On failure *out is NULL and *len 0.
 */
int transport_read_ca(const char *path, uint8_t **out, size_t *len,
    char *err, size_t errlen);

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
 * if no answer came (connection refused, timeout, reset), IRO_EAUTH if the
 * server's certificate is not trusted or not for its host name (a message
 * beginning "certificate not trusted"), IRO_EINVAL if the URL or the
 * address connected to is not allowed (plain http off loopback) or the CA
 * cannot be used, IRO_ETOOBIG if the answer exceeds LIMIT_BODY_MAX, with a
 * message in err.
 */
int transport_post(struct transport *t, const char *path,
    const struct transport_header *hdrs, size_t nhdrs, const uint8_t *body,
    size_t len, struct transport_resp *resp, char *err, size_t errlen);

/* transport_stats - totals since transport_new(). */
void transport_stats(const struct transport *t, struct transport_stats *out);

#endif
