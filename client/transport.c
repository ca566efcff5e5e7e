/*
 * transport.c - HTTP requests to the server (the only libcurl user).
 *
 * One curl easy handle per transport, reused so that its connection cache
 * keeps the connection alive between requests.  libcurl's global state is
 * initialised once per process, the first time a transport is made
 * (pthread_once), and never torn down: curl_global_cleanup() is not
 * thread-safe and an embedding app may use libcurl itself.
 *
 * curl_easy_reset() before every request means each one sets the whole
 * policy again (protocols, verification, CA, no redirects): nothing set
 * for one request can leak into the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>

#include "iro_error.h"
#include "limits.h"
#include "transport.h"

#define CONNECT_TIMEOUT_S 10L
#define TOTAL_TIMEOUT_S 120L
#define PATH_MAX_LEN 256
#define HEADER_MAX 512

struct transport {
	CURL *curl;
	char base[LIMIT_URL_MAX + 1];        /* without a trailing slash */
	int plain;                           /* http://: loopback only */
	uint8_t *ca;                         /* PEM; NULL: the system's CAs */
	size_t ca_len;
	int refused_addr;                    /* this request's socket was
	                                        refused: not loopback */
	struct transport_stats stats;
};

/* The response body as it arrives, capped at LIMIT_BODY_MAX. */
struct sink {
	uint8_t *buf;
	size_t len, cap;
	int too_big;
	int nomem;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_ALL);
}

static int say(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Put a message in err (when there is one) and return rc. */
static int
say(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int
ip_is_loopback(const char *text)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, text, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, text, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

/* A URL's host as libcurl parsed it: a name, an IPv4 address or an IPv6
 * one in brackets. */
static int
host_is_loopback(const char *host)
{
	char ip[INET6_ADDRSTRLEN];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(ip))
			return 0;
		memcpy(ip, host + 1, n - 2);
		ip[n - 2] = '\0';
		return ip_is_loopback(ip);
	}
	return ip_is_loopback(host);
}

/* The address a socket is about to connect to. */
static int
addr_is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6;
	const uint8_t *b;

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6)
		return 0;
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	b = s6->sin6_addr.s6_addr;
	return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
	    (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && b[12] == 127);
}

/* Parse url with libcurl's own parser, so the host judged here is the
 * host it will connect to (not one hidden behind user info or a
 * fragment). */
static int
check_parsed(const char *url, char *err, size_t errlen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	int rc;

	if ((u = curl_url()) == NULL)
		return IRO_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		rc = say(err, errlen, IRO_EINVAL, "'%s' is not a valid url",
		    url);
	else if (strcmp(scheme, "https") != 0 && (strcmp(scheme, "http") !=
	    0 || !host_is_loopback(host)))
		rc = say(err, errlen, IRO_EINVAL, "refusing plain http to "
		    "'%s': use https:// (http:// is only for this machine: "
		    "127.0.0.1, ::1 or localhost)", host);
	else
		rc = 0;
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

int
transport_check_url(const char *url, char *err, size_t errlen)
{
	size_t len;

	if (url == NULL)
		return say(err, errlen, IRO_EINVAL, "no server url");
	len = strlen(url);
	if (len > LIMIT_URL_MAX)
		return say(err, errlen, IRO_EINVAL, "the server url is over %d "
		    "bytes", LIMIT_URL_MAX);
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) !=
	    0)
		return say(err, errlen, IRO_EINVAL, "the server url must start "
		    "with https:// (or http:// to this machine)");
	if (strcspn(url, " \t\r\n") != len)
		return say(err, errlen, IRO_EINVAL, "the server url has a space "
		    "or a line break");
	return check_parsed(url, err, errlen);
}

int
transport_new(const char *base_url, struct transport **out)
{
	struct transport *t;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = transport_check_url(base_url, NULL, 0)) != 0)
		return rc;
	len = strlen(base_url);
	if (pthread_once(&global_once, global_init) != 0 ||
	    global_rc != CURLE_OK)
		return IRO_EINTERNAL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return IRO_ENOMEM;
	while (len > 0 && base_url[len - 1] == '/')
		len--;
	memcpy(t->base, base_url, len);
	t->base[len] = '\0';
	t->plain = strncmp(t->base, "http://", 7) == 0;
	t->curl = curl_easy_init();
	if (t->curl == NULL) {
		free(t);
		return IRO_ENOMEM;
	}
	*out = t;
	return 0;
}

void
transport_free(struct transport *t)
{
	if (t == NULL)
		return;
	curl_easy_cleanup(t->curl);
	free(t->ca);
	free(t);
}

int
transport_set_ca(struct transport *t, const uint8_t *pem, size_t len)
{
	uint8_t *copy;

	if (pem == NULL || len == 0)
		return IRO_EINVAL;
	if (len > TRANSPORT_CA_MAX)
		return IRO_ETOOBIG;
	if ((copy = malloc(len)) == NULL)
		return IRO_ENOMEM;
	memcpy(copy, pem, len);
	free(t->ca);
	t->ca = copy;
	t->ca_len = len;
	return 0;
}

/* Read all of fd (a regular file of at most max bytes) into *buf. */
static int
read_bounded(int fd, const char *path, size_t max, uint8_t **buf,
    size_t *len, char *err, size_t errlen)
{
	struct stat sb;
	size_t n = 0, size;
	ssize_t got;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return say(err, errlen, IRO_EIO, "'%s' is not a file", path);
	if (sb.st_size < 0 || (uint64_t)sb.st_size > max)
		return say(err, errlen, IRO_ETOOBIG, "'%s' is over %zu bytes",
		    path, max);
	size = (size_t)sb.st_size;
	/* One spare byte shows whether the file grew while being read. */
	if ((*buf = malloc(size + 1)) == NULL)
		return IRO_ENOMEM;
	while (n <= size && (got = read(fd, *buf + n, size + 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return say(err, errlen, IRO_EIO, "cannot read '%s': %s",
			    path, strerror(errno));
		n += (size_t)got;
	}
	if (n > size)
		return say(err, errlen, IRO_EIO, "'%s' changed while being "
		    "read", path);
	*len = n;
	return 0;
}

/* Whether buf (len bytes) is PEM text holding a certificate. */
static int
is_pem_cert(const uint8_t *buf, size_t len)
{
	static const char marker[] = "-----BEGIN CERTIFICATE-----";
	size_t i, m = sizeof(marker) - 1;

	if (memchr(buf, '\0', len) != NULL)
		return 0;
	for (i = 0; i + m <= len; i++)
		if (memcmp(buf + i, marker, m) == 0)
			return 1;
	return 0;
}

int
transport_read_ca(const char *path, uint8_t **out, size_t *len, char *err,
    size_t errlen)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	int fd, rc;

	*out = NULL;
	*len = 0;
	if (path == NULL)
		return say(err, errlen, IRO_EINVAL, "no CA file");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return say(err, errlen, errno == ENOENT ? IRO_ENOTFOUND :
		    IRO_EIO, "cannot open '%s': %s", path, strerror(errno));
	rc = read_bounded(fd, path, TRANSPORT_CA_MAX, &buf, &n, err, errlen);
	close(fd);
	if (rc == 0 && !is_pem_cert(buf, n))
		rc = say(err, errlen, IRO_EINVAL, "'%s' is not a PEM "
		    "certificate (no '-----BEGIN CERTIFICATE-----' line)", path);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*len = n;
	return 0;
}

static size_t
sink_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t n = nmemb, need, cap;
	uint8_t *p;

	/* size is 1 for body data; keep the product from overflowing. */
	if (size != 1)
		return 0;
	if (n > LIMIT_BODY_MAX - s->len) {
		s->too_big = 1;
		return 0;   /* aborts the transfer */
	}
	need = s->len + n;
	if (need > s->cap) {
		cap = s->cap > 0 ? s->cap : 4096;
		while (cap < need)
			cap *= 2;
		if (cap > LIMIT_BODY_MAX)
			cap = LIMIT_BODY_MAX;
		p = realloc(s->buf, cap);
		if (p == NULL) {
			s->nomem = 1;
			return 0;
		}
		s->buf = p;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return n;
}

/* Whether a curl failure means the server could not be reached. */
static int
unreachable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

static struct curl_slist *
build_headers(const struct transport_header *hdrs, size_t nhdrs, int *rc)
{
	struct curl_slist *list = NULL, *next;
	char line[HEADER_MAX];
	size_t i;
	int w;

	*rc = IRO_ENOMEM;
	/* "Expect:" turns off 100-continue: it would cost a round trip. */
	next = curl_slist_append(list, "Content-Type: application/msgpack");
	if (next == NULL)
		return NULL;
	list = next;
	if ((next = curl_slist_append(list, "Expect:")) == NULL)
		goto fail;
	for (i = 0; i < nhdrs; i++) {
		w = snprintf(line, sizeof(line), "%s: %s", hdrs[i].name,
		    hdrs[i].value);
		if (w < 0 || (size_t)w >= sizeof(line) ||
		    strpbrk(line, "\r\n") != NULL) {
			*rc = IRO_EINVAL;
			goto fail;
		}
		if ((next = curl_slist_append(list, line)) == NULL)
			goto fail;
	}
	*rc = 0;
	return list;
fail:
	curl_slist_free_all(list);
	return NULL;
}

static void
count(struct transport *t, size_t resp_len)
{
	long req_size = 0, hdr_size = 0;
	curl_off_t up = 0;
	uint64_t sent;

	curl_easy_getinfo(t->curl, CURLINFO_REQUEST_SIZE, &req_size);
	curl_easy_getinfo(t->curl, CURLINFO_HEADER_SIZE, &hdr_size);
	curl_easy_getinfo(t->curl, CURLINFO_SIZE_UPLOAD_T, &up);
	sent = req_size > 0 ? (uint64_t)req_size : 0;
	/* libcurl sends a small body (under 64 KiB) in one go with the
	 * headers and counts it in REQUEST_SIZE; a larger one is uploaded
	 * separately and is then bigger than the headers alone. */
	if (up > 0 && sent <= (uint64_t)up)
		sent += (uint64_t)up;
	t->stats.requests++;
	t->stats.bytes_sent += sent;
	t->stats.bytes_received += (hdr_size > 0 ? (uint64_t)hdr_size : 0) +
	    resp_len;
}

/* For plain http, the socket is refused unless its address is loopback,
 * whatever name led to it. */
static curl_socket_t
open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct transport *t = ctx;

	(void)purpose;
	if (t->plain && !addr_is_loopback(&a->addr)) {
		t->refused_addr = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Certificate checks for https; never turned off. */
static int
setup_tls(struct transport *t)
{
	CURL *c = t->curl;
	struct curl_blob ca;

	if (curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK)
		return IRO_EINTERNAL;
	if (t->ca == NULL)
		return 0;
	/* The CA given at enrolment is the only one trusted. */
	ca.data = t->ca;
	ca.len = t->ca_len;
	ca.flags = CURL_BLOB_COPY;
	if (curl_easy_setopt(c, CURLOPT_CAINFO, NULL) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CAPATH, NULL) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca) != CURLE_OK)
		return IRO_EINTERNAL;
	return 0;
}

static int
setup(struct transport *t, const char *url, struct curl_slist *list,
    const uint8_t *body, size_t len, struct sink *s, char *cerr)
{
	CURL *c = t->curl;
	int rc;

	curl_easy_reset(c);
	t->refused_addr = 0;
	if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, t->plain ? "http" :
	    "https") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK)
		return IRO_EINVAL;
	if (t->plain) {
		/* Loopback only: never through a proxy, and the address
		 * connected to is checked, not only the name. */
		if (curl_easy_setopt(c, CURLOPT_NOPROXY, "*") != CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION,
		    open_socket) != CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, t) != CURLE_OK)
			return IRO_EINTERNAL;
	} else if ((rc = setup_tls(t)) != 0) {
		return rc;
	}
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, len > 0 ? (const char *)body :
	    "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)LIMIT_BODY_MAX);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	return 0;
}

int
transport_post(struct transport *t, const char *path,
    const struct transport_header *hdrs, size_t nhdrs, const uint8_t *body,
    size_t len, struct transport_resp *resp, char *err, size_t errlen)
{
	char url[LIMIT_URL_MAX + PATH_MAX_LEN + 1];
	char cerr[CURL_ERROR_SIZE];
	struct curl_slist *list = NULL;
	struct sink s = { 0 };
	CURLcode cc;
	int rc, w;

	memset(resp, 0, sizeof(*resp));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	cerr[0] = '\0';
	if (path == NULL || path[0] != '/' || strlen(path) > PATH_MAX_LEN ||
	    len > LIMIT_BODY_MAX || (body == NULL && len > 0)) {
		rc = IRO_EINVAL;
		goto out;
	}
	w = snprintf(url, sizeof(url), "%s%s", t->base, path);
	if (w < 0 || (size_t)w >= sizeof(url)) {
		rc = IRO_EINVAL;
		goto out;
	}
	/* Checked again for every request: the path (which starts with '/')
	 * cannot change the host, so the base decides. */
	if ((rc = transport_check_url(t->base, err, errlen)) != 0)
		goto out;
	if ((list = build_headers(hdrs, nhdrs, &rc)) == NULL ||
	    (rc = setup(t, url, list, body, len, &s, cerr)) != 0)
		goto out;
	cc = curl_easy_perform(t->curl);
	count(t, s.len);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE,
		    &resp->status);
		resp->body = s.buf;
		resp->body_len = s.len;
		s.buf = NULL;
		rc = 0;
	} else if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		rc = IRO_ETOOBIG;
		snprintf(cerr, sizeof(cerr), "the answer is over %u bytes",
		    LIMIT_BODY_MAX);
	} else if (s.nomem || cc == CURLE_OUT_OF_MEMORY) {
		rc = IRO_ENOMEM;
	} else if (t->refused_addr) {
		rc = IRO_EINVAL;
		snprintf(cerr, sizeof(cerr), "refusing plain http to an address "
		    "that is not this machine");
	} else if (cc == CURLE_PEER_FAILED_VERIFICATION) {
		rc = IRO_EAUTH;
	} else if (cc == CURLE_SSL_CACERT_BADFILE) {
		rc = IRO_EINVAL;
	} else {
		rc = unreachable(cc) ? IRO_EUNREACHABLE : IRO_EPROTO;
	}
	if (rc != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s'%s': %s", rc == IRO_EAUTH ?
		    "certificate not trusted: " : cc == CURLE_SSL_CACERT_BADFILE ?
		    "the CA certificate cannot be used: " : "", url,
		    cerr[0] != '\0' ? cerr : curl_easy_strerror(cc));
out:
	if (rc != 0 && err != NULL && errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "cannot send a request to '%s': %s",
		    t->base, iro_strerror(rc));
	curl_slist_free_all(list);
	free(s.buf);
	return rc;
}

void
transport_stats(const struct transport *t, struct transport_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (t != NULL)
		*out = t->stats;
}
