/*
 * test_transport.c - HTTP requests against a small server in a thread on
 * 127.0.0.1: bodies both ways, headers, status codes, the response cap,
 * keep-alive, byte counts, and an unreachable or silent server; and the
 * rules on URLs (https anywhere, plain http only to loopback) and CA
 * files.  Nothing here connects anywhere but 127.0.0.1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iro_error.h"
#include "limits.h"
#include "transport.h"

#define HDR_MAX 8192

struct srv {
	int fd;
	int port;
	pthread_t thread;
	_Atomic int connections;   /* accepted so far */
	char last_headers[HDR_MAX];
};

static int
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Read one request's headers (into hdr) and body; -1 at end. */
static int
read_request(int fd, char *hdr, size_t hdrlen, char **body, size_t *len)
{
	size_t n = 0, want, have;
	const char *cl, *end = NULL;
	ssize_t r;

	*body = NULL;
	*len = 0;
	while (end == NULL) {
		if (n + 1 >= hdrlen)
			return -1;
		r = recv(fd, hdr + n, 1, 0);
		if (r <= 0)
			return -1;
		n++;
		hdr[n] = '\0';
		end = strstr(hdr, "\r\n\r\n");
	}
	for (cl = hdr; *cl != '\0' &&
	    strncasecmp(cl, "content-length:", 15) != 0; cl++)
		;
	if (*cl == '\0')
		cl = NULL;
	want = cl != NULL ? strtoul(cl + 15, NULL, 10) : 0;
	*body = malloc(want + 1);
	assert_non_null(*body);
	for (have = 0; have < want; have += (size_t)r) {
		r = recv(fd, *body + have, want - have, 0);
		if (r <= 0) {
			free(*body);
			return -1;
		}
	}
	*len = want;
	return 0;
}

static void
answer(int fd, const char *status, const char *body, size_t len)
{
	char head[256];

	snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Length: %zu\r\n"
	    "Content-Type: application/msgpack\r\n\r\n", status, len);
	send_all(fd, head, strlen(head));
	send_all(fd, body, len);
}

/* Stream more than LIMIT_BODY_MAX bytes, declared or chunked. */
static void
answer_big(int fd, int chunked)
{
	static char block[65536];
	char head[256], size[32];
	size_t sent;

	if (chunked)
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n");
	else
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %u\r\n\r\n", LIMIT_BODY_MAX + 1);
	if (send_all(fd, head, strlen(head)) != 0)
		return;
	snprintf(size, sizeof(size), "%zx\r\n", sizeof(block));
	for (sent = 0; sent <= LIMIT_BODY_MAX; sent += sizeof(block)) {
		if (chunked && send_all(fd, size, strlen(size)) != 0)
			return;
		if (send_all(fd, block, sizeof(block)) != 0)
			return;
		if (chunked && send_all(fd, "\r\n", 2) != 0)
			return;
	}
}

/* Serve one connection until the client closes it. */
static void
serve_connection(struct srv *s, int c)
{
	char hdr[HDR_MAX], *body;
	size_t len;

	while (read_request(c, hdr, sizeof(hdr), &body, &len) == 0) {
		snprintf(s->last_headers, sizeof(s->last_headers), "%s", hdr);
		if (strncmp(hdr, "POST /echo ", 11) == 0)
			answer(c, "200 OK", body, len);
		else if (strncmp(hdr, "POST /teapot ", 13) == 0)
			answer(c, "418 I'm a teapot", "short", 5);
		else if (strncmp(hdr, "POST /big ", 10) == 0)
			answer_big(c, 0);
		else if (strncmp(hdr, "POST /chunked ", 14) == 0)
			answer_big(c, 1);
		else {
			/* /silent: hang up without a word. */
			free(body);
			return;
		}
		free(body);
	}
}

static void *
serve(void *arg)
{
	struct srv *s = arg;
	int c;

	while ((c = accept(s->fd, NULL, NULL)) >= 0) {
		s->connections++;
		serve_connection(s, c);
		close(c);
	}
	return NULL;
}

/* A listening socket on 127.0.0.1 with a kernel-chosen port. */
static int
listen_any(int *port)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static int
setup(void **state)
{
	struct srv *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->fd = listen_any(&s->port);
	assert_int_equal(listen(s->fd, 8), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct srv *s = *state;

	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->thread, NULL);
	close(s->fd);
	free(s);
	return 0;
}

static struct transport *
connect_to(const struct srv *s)
{
	struct transport *t = NULL;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s->port);
	assert_int_equal(transport_new(url, &t), 0);
	return t;
}

static void
test_unreachable_port(void **state)
{
	struct transport *t = NULL;
	struct transport_resp resp;
	struct transport_stats st;
	char url[64], err[256];
	int port, fd;

	(void)state;
	/* Bound but never listening: connections are refused. */
	fd = listen_any(&port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	assert_int_equal(transport_new(url, &t), 0);
	assert_int_equal(transport_post(t, "/v1/push", NULL, 0,
	    (const uint8_t *)"x", 1, &resp, err, sizeof(err)),
	    IRO_EUNREACHABLE);
	assert_int_equal(resp.status, 0);
	assert_null(resp.body);
	assert_non_null(strstr(err, url));
	transport_stats(t, &st);
	assert_int_equal(st.requests, 1);
	transport_free(t);
	close(fd);
}

static void
test_bad_urls(void **state)
{
	struct transport *t = NULL;

	(void)state;
	assert_int_equal(transport_new("ftp://127.0.0.1:1", &t), IRO_EINVAL);
	assert_null(t);
	assert_int_equal(transport_new("127.0.0.1:1", &t), IRO_EINVAL);
	assert_int_equal(transport_new("http://127.0.0.1:1/a b", &t),
	    IRO_EINVAL);
	assert_int_equal(transport_new(NULL, &t), IRO_EINVAL);
	transport_free(NULL);
}

static void
test_echo_headers_and_keepalive(void **state)
{
	struct srv *s = *state;
	struct transport *t = connect_to(s);
	const struct transport_header h[] = { { "X-Test", "yes" } };
	struct transport_resp resp;
	struct transport_stats st;
	char err[256];
	int i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(transport_post(t, "/echo", h, 1,
		    (const uint8_t *)"hello", 5, &resp, err, sizeof(err)), 0);
		assert_int_equal(resp.status, 200);
		assert_int_equal(resp.body_len, 5);
		assert_memory_equal(resp.body, "hello", 5);
		free(resp.body);
	}
	assert_non_null(strstr(s->last_headers,
	    "Content-Type: application/msgpack"));
	assert_non_null(strstr(s->last_headers, "X-Test: yes"));
	/* Both requests went over one connection. */
	assert_int_equal(s->connections, 1);
	transport_stats(t, &st);
	assert_int_equal(st.requests, 2);
	assert_true(st.bytes_sent > 2 * (5 + strlen("POST /echo HTTP/1.1")));
	assert_true(st.bytes_received > 2 * (5 + strlen("HTTP/1.1 200 OK")));
	transport_free(t);
}

static void
test_large_body_counted(void **state)
{
	struct srv *s = *state;
	struct transport *t = connect_to(s);
	struct transport_resp resp;
	struct transport_stats st;
	size_t len = 300000;
	uint8_t *body = malloc(len);
	char err[256];

	assert_non_null(body);
	memset(body, 'b', len);
	assert_int_equal(transport_post(t, "/echo", NULL, 0, body, len, &resp,
	    err, sizeof(err)), 0);
	assert_int_equal(resp.body_len, len);
	assert_memory_equal(resp.body, body, len);
	transport_stats(t, &st);
	assert_true(st.bytes_sent > len && st.bytes_sent < len + 1024);
	assert_true(st.bytes_received > len &&
	    st.bytes_received < len + 1024);
	free(resp.body);
	free(body);
	transport_free(t);
}

static void
test_any_status_is_returned(void **state)
{
	struct srv *s = *state;
	struct transport *t = connect_to(s);
	struct transport_resp resp;
	char err[256];

	assert_int_equal(transport_post(t, "/teapot", NULL, 0, NULL, 0, &resp,
	    err, sizeof(err)), 0);
	assert_int_equal(resp.status, 418);
	assert_int_equal(resp.body_len, 5);
	free(resp.body);
	transport_free(t);
}

static void
test_oversized_answers_refused(void **state)
{
	struct srv *s = *state;
	struct transport *t = connect_to(s);
	struct transport_resp resp;
	char err[256];

	assert_int_equal(transport_post(t, "/big", NULL, 0, NULL, 0, &resp,
	    err, sizeof(err)), IRO_ETOOBIG);
	assert_null(resp.body);
	assert_int_equal(transport_post(t, "/chunked", NULL, 0, NULL, 0, &resp,
	    err, sizeof(err)), IRO_ETOOBIG);
	assert_null(resp.body);
	assert_non_null(strstr(err, "over"));
	/* The handle is still usable. */
	assert_int_equal(transport_post(t, "/echo", NULL, 0,
	    (const uint8_t *)"ok", 2, &resp, err, sizeof(err)), 0);
	assert_int_equal(resp.status, 200);
	free(resp.body);
	transport_free(t);
}

static void
test_hangup_is_unreachable(void **state)
{
	struct srv *s = *state;
	struct transport *t = connect_to(s);
	struct transport_resp resp;
	char err[256];

	assert_int_equal(transport_post(t, "/silent", NULL, 0,
	    (const uint8_t *)"x", 1, &resp, err, sizeof(err)),
	    IRO_EUNREACHABLE);
	assert_true(err[0] != '\0');
	transport_free(t);
}

static void
test_bad_request_arguments(void **state)
{
	struct srv *s = *state;
	struct transport *t = connect_to(s);
	const struct transport_header bad[] = { { "X-Evil", "a\r\nB: c" } };
	struct transport_resp resp;
	char err[256];

	assert_int_equal(transport_post(t, "no-slash", NULL, 0, NULL, 0,
	    &resp, err, sizeof(err)), IRO_EINVAL);
	assert_int_equal(transport_post(t, "/echo", bad, 1, NULL, 0, &resp,
	    err, sizeof(err)), IRO_EINVAL);
	assert_int_equal(transport_post(t, "/echo", NULL, 0, NULL,
	    LIMIT_BODY_MAX + 1u, &resp, err, sizeof(err)), IRO_EINVAL);
	transport_free(t);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static void
test_loopback_http_allowed(void **state)
{
	static const char *const ok_urls[] = {
		"http://127.0.0.1:8443", "http://127.0.0.1", "http://127.9.8.7:1/",
		"http://localhost:8443", "http://LOCALHOST:1", "http://[::1]:8443",
		"https://127.0.0.1:8443", "https://sync.example.org",
		"https://192.0.2.1:9", "https://[2001:db8::1]:443/",
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_urls) / sizeof(ok_urls[0]); i++) {
		err[0] = '\0';
		assert_int_equal(transport_check_url(ok_urls[i], err,
		    sizeof(err)), 0);
		assert_string_equal(err, "");
	}
}

static void
test_remote_http_refused(void **state)
{
	static const char *const bad[] = {
		"http://192.0.2.1:9", "http://10.0.0.1:8443",
		"http://128.0.0.1:80", "http://sync.example.org",
		"http://localhost.example.org:80", "http://127.0.0.1.nip.io",
		"http://[2001:db8::1]:80", "http://[::ffff:192.0.2.1]:80",
		"http://0.0.0.0:8443",
		/* The host is what follows the user info, not what precedes. */
		"http://127.0.0.1@192.0.2.1:9/", "http://localhost@192.0.2.1",
		"http://192.0.2.1#@127.0.0.1/",
	};
	struct transport *t = NULL;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(transport_check_url(bad[i], err, sizeof(err)),
		    IRO_EINVAL);
		assert_non_null(strstr(err, "refusing plain http"));
		assert_int_equal(transport_new(bad[i], &t), IRO_EINVAL);
		assert_null(t);
	}
	assert_int_equal(transport_check_url("http://192.0.2.1:9", NULL, 0),
	    IRO_EINVAL);
}

static void
test_malformed_urls(void **state)
{
	char err[256], longurl[LIMIT_URL_MAX + 16];

	(void)state;
	assert_int_equal(transport_check_url(NULL, err, sizeof(err)),
	    IRO_EINVAL);
	assert_int_equal(transport_check_url("ftp://127.0.0.1", err,
	    sizeof(err)), IRO_EINVAL);
	assert_non_null(strstr(err, "https://"));
	assert_int_equal(transport_check_url("HTTP://127.0.0.1", err,
	    sizeof(err)), IRO_EINVAL);
	assert_int_equal(transport_check_url("https://", err, sizeof(err)),
	    IRO_EINVAL);
	assert_int_equal(transport_check_url("https://a b", err, sizeof(err)),
	    IRO_EINVAL);
	memset(longurl, 'a', sizeof(longurl) - 1);
	memcpy(longurl, "https://", 8);
	longurl[sizeof(longurl) - 1] = '\0';
	assert_int_equal(transport_check_url(longurl, err, sizeof(err)),
	    IRO_EINVAL);
}

/* localhost is allowed by name; the socket check lets its loopback
 * address through, so a request really gets there. */
static void
test_localhost_by_name(void **state)
{
	struct srv *s = *state;
	struct transport *t = NULL;
	struct transport_resp resp;
	char url[64], err[256];

	snprintf(url, sizeof(url), "http://localhost:%d", s->port);
	assert_int_equal(transport_new(url, &t), 0);
	assert_int_equal(transport_post(t, "/echo", NULL, 0,
	    (const uint8_t *)"hi", 2, &resp, err, sizeof(err)), 0);
	assert_int_equal(resp.status, 200);
	free(resp.body);
	transport_free(t);
}

/* An https transport to a plain-http server: the handshake fails, and
 * that is not mistaken for an answer. */
static void
test_https_to_plain_server_fails(void **state)
{
	struct srv *s = *state;
	struct transport *t = NULL;
	struct transport_resp resp;
	char url[64], err[256];

	snprintf(url, sizeof(url), "https://127.0.0.1:%d", s->port);
	assert_int_equal(transport_new(url, &t), 0);
	assert_int_not_equal(transport_post(t, "/echo", NULL, 0,
	    (const uint8_t *)"hi", 2, &resp, err, sizeof(err)), 0);
	assert_int_equal(resp.status, 0);
	assert_null(resp.body);
	transport_free(t);
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
test_ca_files(void **state)
{
	static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n"
	    "-----END CERTIFICATE-----\n";
	char dir[] = "/tmp/iro-ca-XXXXXX", path[128], err[256];
	struct transport *t = NULL;
	uint8_t *ca = (uint8_t *)"x";
	size_t len = 1;
	char *big;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	assert_int_equal(transport_read_ca(path, &ca, &len, err, sizeof(err)),
	    IRO_ENOTFOUND);
	assert_null(ca);
	assert_int_equal(len, 0);
	write_file(path, pem, sizeof(pem) - 1);
	assert_int_equal(transport_read_ca(path, &ca, &len, err, sizeof(err)),
	    0);
	assert_int_equal(len, sizeof(pem) - 1);
	assert_memory_equal(ca, pem, len);
	assert_int_equal(transport_new("https://127.0.0.1:1", &t), 0);
	assert_int_equal(transport_set_ca(t, ca, len), 0);
	assert_int_equal(transport_set_ca(t, ca, 0), IRO_EINVAL);
	assert_int_equal(transport_set_ca(t, ca, TRANSPORT_CA_MAX + 1),
	    IRO_ETOOBIG);
	transport_free(t);
	free(ca);
	/* Not a certificate: a key, or text with a NUL in it. */
	write_file(path, "-----BEGIN PRIVATE KEY-----\n", 28);
	assert_int_equal(transport_read_ca(path, &ca, &len, err, sizeof(err)),
	    IRO_EINVAL);
	assert_non_null(strstr(err, "not a PEM certificate"));
	write_file(path, "-----BEGIN CERTIFICATE-----\0", 28);
	assert_int_equal(transport_read_ca(path, &ca, &len, err, sizeof(err)),
	    IRO_EINVAL);
	/* Over the limit: refused before it is read. */
	big = malloc(TRANSPORT_CA_MAX + 1);
	assert_non_null(big);
	memset(big, 'A', TRANSPORT_CA_MAX + 1);
	memcpy(big, pem, sizeof(pem) - 1);
	write_file(path, big, TRANSPORT_CA_MAX + 1);
	free(big);
	assert_int_equal(transport_read_ca(path, &ca, &len, err, sizeof(err)),
	    IRO_ETOOBIG);
	assert_null(ca);
	assert_int_equal(transport_read_ca(dir, &ca, &len, err, sizeof(err)),
	    IRO_EIO);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unreachable_port),
		cmocka_unit_test(test_bad_urls),
		T(test_echo_headers_and_keepalive),
		T(test_large_body_counted),
		T(test_any_status_is_returned),
		T(test_oversized_answers_refused),
		T(test_hangup_is_unreachable),
		T(test_bad_request_arguments),
		cmocka_unit_test(test_loopback_http_allowed),
		cmocka_unit_test(test_remote_http_refused),
		cmocka_unit_test(test_malformed_urls),
		T(test_localhost_by_name),
		T(test_https_to_plain_server_fails),
		cmocka_unit_test(test_ca_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
