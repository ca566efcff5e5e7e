/*
 * transport.c - HTTP requests to the server (the only libcurl user).
 *
 * One curl easy handle per transport, reused so that its connection cache
 * keeps the connection alive between requests.  libcurl's global state is
 * initialised once per process, the first time a transport is made
 * (pthread_once), and never torn down: curl_global_cleanup() is not
 * thread-safe and an embedding app may use libcurl itself.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
transport_new(const char *base_url, struct transport **out)
{
	struct transport *t;
	size_t len;

	*out = NULL;
	if (base_url == NULL)
		return IRO_EINVAL;
	len = strlen(base_url);
	if (len > LIMIT_URL_MAX ||
	    (strncmp(base_url, "http://", 7) != 0 &&
	    strncmp(base_url, "https://", 8) != 0) ||
	    strcspn(base_url, " \t\r\n") != len)
		return IRO_EINVAL;
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
	free(t);
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

static int
setup(struct transport *t, const char *url, struct curl_slist *list,
    const uint8_t *body, size_t len, struct sink *s, char *cerr)
{
	CURL *c = t->curl;

	curl_easy_reset(c);
	if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK)
		return IRO_EINVAL;
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
	} else {
		rc = unreachable(cc) ? IRO_EUNREACHABLE : IRO_EPROTO;
	}
	if (rc != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "'%s': %s", url, cerr[0] != '\0' ?
		    cerr : curl_easy_strerror(cc));
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
