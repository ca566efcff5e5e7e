/*
 * api.c - the handle's life cycle and the small calls of irosync.h:
 * iro_exists, iro_open, iro_enrol, iro_close, iro_errmsg, iro_status,
 * iro_sync and iro_schema_describe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codes.h"
#include "crypto.h"
#include "handle.h"
#include "hex.h"
#include "sync.h"

/* Attempts at a fresh device id when the server says one is taken. */
#define ENROL_ATTEMPTS 3

static void
say(char *buf, size_t len, const char *msg)
{
	if (buf != NULL && len > 0)
		snprintf(buf, len, "%s", msg);
}

int
iro_exists(const char *home, int *out)
{
	if (out != NULL)
		*out = 0;
	if (home == NULL || out == NULL)
		return IRO_EINVAL;
	return replica_exists(home, out);
}

static int
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

static int
check_open_opts(const struct iro_open_opts *o)
{
	if (o->errbuf != NULL && o->errbuf_len > 0)
		o->errbuf[0] = '\0';
	if (o->home == NULL || o->home[0] == '\0' || o->passphrase == NULL) {
		say(o->errbuf, o->errbuf_len, "no home or no passphrase given");
		return IRO_EINVAL;
	}
	return 0;
}

static int64_t
open_now_ms(const struct iro_open_opts *o)
{
	struct timespec ts;

	if (o->clock != NULL)
		return o->clock(o->clock_ctx);
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
iro_open(const struct iro_open_opts *o, struct iro **out)
{
	struct replica *r = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (o == NULL || out == NULL)
		return IRO_EINVAL;
	if ((rc = check_open_opts(o)) != 0)
		return rc;
	if ((rc = crypto_init()) != 0) {
		say(o->errbuf, o->errbuf_len, "cannot start libsodium");
		return rc;
	}
	/* The local clock, uncorrected: the server's offset is sealed. */
	rc = replica_open(o->home, o->passphrase, o->passphrase_len,
	    open_now_ms(o), &r, o->errbuf, o->errbuf_len);
	if (rc != 0)
		return rc;
	return handle_new(r, o, out, o->errbuf, o->errbuf_len);
}

/* The passphrase rule, and not the username (in any ASCII case). */
static int
check_enrol_passphrase(const struct iro_enrol_opts *e)
{
	const struct iro_open_opts *o = &e->open;
	char why[IRO_ERRBUF_SIZE];
	size_t i, n = strlen(e->username);
	int rc, same;

	if ((rc = iro_passphrase_check(o->passphrase, o->passphrase_len, why,
	    sizeof why)) != 0) {
		say(o->errbuf, o->errbuf_len, why);
		return rc;
	}
	same = n == o->passphrase_len;
	for (i = 0; same && i < n; i++)
		same = ascii_lower(e->username[i]) ==
		    ascii_lower(o->passphrase[i]);
	if (same) {
		say(o->errbuf, o->errbuf_len, "the passphrase must not be the "
		    "username");
		return IRO_EINVAL;
	}
	return 0;
}

static int
check_enrol_opts(const struct iro_enrol_opts *e)
{
	const struct iro_open_opts *o = &e->open;
	size_t n;

	if (e->server_url == NULL || strlen(e->server_url) > LIMIT_URL_MAX ||
	    (strncmp(e->server_url, "http://", 7) != 0 &&
	    strncmp(e->server_url, "https://", 8) != 0)) {
		say(o->errbuf, o->errbuf_len,
		    "the server url must start with http:// or https://");
		return IRO_EINVAL;
	}
	n = e->username != NULL ? strlen(e->username) : 0;
	if (n == 0 || n > LIMIT_USER_MAX) {
		say(o->errbuf, o->errbuf_len, "the username must be 1 to 64 "
		    "characters");
		return IRO_EINVAL;
	}
	if (e->password == NULL || strlen(e->password) > LIMIT_PASSWORD_MAX) {
		say(o->errbuf, o->errbuf_len, "the password must be at most "
		    "256 characters");
		return IRO_EINVAL;
	}
	if (e->device_name != NULL &&
	    strlen(e->device_name) > LIMIT_MSG_STR_MAX) {
		say(o->errbuf, o->errbuf_len, "the device name must be at "
		    "most 1024 characters");
		return IRO_EINVAL;
	}
	return check_enrol_passphrase(e);
}

/* Register a new key with the server; the key pair is in pk/sk. */
static int
register_device(struct transport *t, const struct iro_enrol_opts *e,
    const uint8_t pk[CRYPTO_PK_LEN], uint8_t device[LIMIT_ID_LEN],
    struct wire_enrol_resp *resp)
{
	const struct iro_open_opts *o = &e->open;
	struct wire_enrol_req *req;
	int rc = IRO_EEXIST, i;

	/* The request holds the password: keep it out of swap. */
	req = crypto_secure_alloc(sizeof(*req));
	if (req == NULL)
		return IRO_ENOMEM;
	memset(req, 0, sizeof(*req));
	snprintf(req->user, sizeof(req->user), "%s", e->username);
	snprintf(req->password, sizeof(req->password), "%s", e->password);
	snprintf(req->name, sizeof(req->name), "%s",
	    e->device_name != NULL ? e->device_name : "");
	memcpy(req->pubkey, pk, CRYPTO_PK_LEN);
	for (i = 0; i < ENROL_ATTEMPTS && rc == IRO_EEXIST; i++) {
		crypto_random(device, LIMIT_ID_LEN);
		memcpy(req->device, device, LIMIT_ID_LEN);
		rc = sync_enrol(t, e->server_url, req, resp, o->errbuf,
		    o->errbuf_len);
	}
	wire_enrol_req_clear(req);
	crypto_wipe(req, sizeof(*req));
	crypto_secure_free(req);
	if (rc == 0 && (memcmp(resp->device, device, LIMIT_ID_LEN) != 0 ||
	    strcmp(resp->user, e->username) != 0)) {
		say(o->errbuf, o->errbuf_len,
		    "the server registered another device or user");
		rc = IRO_EPROTO;
	}
	return rc;
}

/* Write the identity to the new replica in one transaction. */
static int
store_identity(struct replica *r, const struct iro_enrol_opts *e,
    const struct wire_enrol_resp *resp, const uint8_t *sk,
    const uint8_t device[LIMIT_ID_LEN])
{
	enum schema_role role;
	int rc;

	if (schema_role_parse(resp->role, &role) != 0 ||
	    role == SCHEMA_ROLE_SERVER) {
		say(e->open.errbuf, e->open.errbuf_len,
		    "the server gave an unknown role");
		return IRO_EPROTO;
	}
	if ((rc = replica_begin(r)) != 0 ||
	    (rc = replica_meta_put(r, "user", resp->user,
	    strlen(resp->user))) != 0 ||
	    (rc = replica_meta_put(r, "role", resp->role,
	    strlen(resp->role))) != 0 ||
	    (rc = replica_meta_put(r, "server", e->server_url,
	    strlen(e->server_url))) != 0 ||
	    (rc = replica_meta_put(r, "server_id", resp->server,
	    LIMIT_ID_LEN)) != 0 ||
	    (rc = replica_meta_put(r, "device", device, LIMIT_ID_LEN)) != 0 ||
	    (rc = replica_meta_put(r, "sk", sk, CRYPTO_SK_LEN)) != 0 ||
	    (rc = replica_commit(r)) != 0) {
		say(e->open.errbuf, e->open.errbuf_len, replica_errmsg(r));
		replica_rollback(r);
	}
	return rc;
}

/*
 * The steps of enrolment after the checks.  Network first, replica
 * second would leave a registered key with no replica if the disk failed;
 * replica first means a refused password costs a replica_destroy().
 */
static int
enrol(const struct iro_enrol_opts *e, struct transport *t,
    struct replica **r)
{
	const struct iro_open_opts *o = &e->open;
	struct wire_enrol_resp resp;
	struct crypto_kdf_params kdf;
	uint8_t pk[CRYPTO_PK_LEN], device[LIMIT_ID_LEN];
	uint8_t *sk;
	int rc;

	sk = crypto_secure_alloc(CRYPTO_SK_LEN);
	if (sk == NULL)
		return IRO_ENOMEM;
	crypto_kdf_default(&kdf);
	rc = replica_create(o->home, o->passphrase, o->passphrase_len, &kdf,
	    r, o->errbuf, o->errbuf_len);
	if (rc == 0 && (rc = crypto_sign_keypair(pk, sk)) != 0)
		say(o->errbuf, o->errbuf_len, "cannot make a device key");
	if (rc == 0)
		rc = register_device(t, e, pk, device, &resp);
	if (rc == 0)
		rc = store_identity(*r, e, &resp, sk, device);
	crypto_wipe(sk, CRYPTO_SK_LEN);
	crypto_secure_free(sk);
	return rc;
}

/* The transport for enrolment, trusting only e->ca_file's CA when one is
 * given; the CA's PEM text goes to *ca (caller frees) to be remembered. */
static int
enrol_transport(const struct iro_enrol_opts *e, struct transport **t,
    uint8_t **ca, size_t *calen)
{
	const struct iro_open_opts *o = &e->open;
	char why[IRO_ERRBUF_SIZE] = "";
	int rc;

	if ((rc = transport_check_url(e->server_url, why, sizeof(why))) != 0 ||
	    (e->ca_file != NULL && (rc = transport_read_ca(e->ca_file, ca,
	    calen, why, sizeof(why))) != 0)) {
		say(o->errbuf, o->errbuf_len, why[0] ? why : iro_strerror(rc));
		return rc;
	}
	if ((rc = transport_new(e->server_url, t)) == 0 && *ca != NULL)
		rc = transport_set_ca(*t, *ca, *calen);
	if (rc != 0) {
		transport_free(*t);
		*t = NULL;
		say(o->errbuf, o->errbuf_len, iro_strerror(rc));
	}
	return rc;
}

/* Remember the CA in the sealed meta, so every later sync trusts it. */
static int
remember_ca(struct replica *r, const uint8_t *ca, size_t calen,
    const struct iro_enrol_opts *e)
{
	int rc;

	if (ca == NULL)
		return 0;
	if ((rc = replica_meta_put(r, "ca", ca, calen)) != 0)
		say(e->open.errbuf, e->open.errbuf_len, replica_errmsg(r));
	return rc;
}

int
iro_enrol(const struct iro_enrol_opts *e, struct iro **out)
{
	struct transport *t = NULL;
	struct replica *r = NULL;
	struct stat st;
	uint8_t *ca = NULL;
	size_t calen = 0;
	int rc, exists = 0, made_home;

	if (out != NULL)
		*out = NULL;
	if (e == NULL || out == NULL)
		return IRO_EINVAL;
	if ((rc = check_open_opts(&e->open)) != 0 ||
	    (rc = check_enrol_opts(e)) != 0)
		return rc;
	if ((rc = crypto_init()) != 0) {
		say(e->open.errbuf, e->open.errbuf_len,
		    "cannot start libsodium");
		return rc;
	}
	if ((rc = replica_exists(e->open.home, &exists)) != 0)
		return rc;
	if (exists) {
		say(e->open.errbuf, e->open.errbuf_len,
		    "a replica already exists there");
		return IRO_EEXIST;
	}
	if ((rc = enrol_transport(e, &t, &ca, &calen)) != 0)
		return rc;
	made_home = stat(e->open.home, &st) != 0 && errno == ENOENT;
	rc = enrol(e, t, &r);
	if (rc == 0)
		rc = remember_ca(r, ca, calen, e);
	free(ca);
	if (rc != 0) {
		replica_close(r);
		replica_destroy(e->open.home);
		if (made_home)
			rmdir(e->open.home);
		transport_free(t);
		return rc;
	}
	rc = handle_new(r, &e->open, out, e->open.errbuf,
	    e->open.errbuf_len);
	if (rc != 0) {
		replica_destroy(e->open.home);
		transport_free(t);
		return rc;
	}
	(*out)->transport = t;
	return 0;
}

void
iro_close(struct iro *h)
{
	handle_free(h);
}

const char *
iro_errmsg(const struct iro *h)
{
	return h != NULL ? h->errmsg : "";
}

int
iro_status(struct iro *h, struct iro_status *out)
{
	uint64_t last = 0;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (h == NULL || out == NULL)
		return IRO_EINVAL;
	snprintf(out->user, sizeof(out->user), "%s", h->user);
	snprintf(out->role, sizeof(out->role), "%s", h->role_name);
	snprintf(out->server, sizeof(out->server), "%s", h->server);
	hex_encode(h->device, LIMIT_ID_LEN, out->device);
	if ((rc = replica_count(h->replica, REPLICA_PENDING,
	    &out->pending)) != 0 ||
	    (rc = replica_count(h->replica, REPLICA_REFUSED,
	    &out->refused)) != 0 ||
	    (rc = replica_meta_get_u64(h->replica, "last_sync", &last)) != 0)
		return handle_fail_replica(h, rc, "read the status");
	out->last_sync_ms = last > INT64_MAX ? INT64_MAX : (int64_t)last;
	return handle_conflicts(h, &out->conflicts);
}

int
iro_sync(struct iro *h, const struct iro_sync_opts *opts,
    struct iro_sync_result *out)
{
	struct iro_sync_result scratch;

	if (h == NULL)
		return IRO_EINVAL;
	return sync_run(h, opts, out != NULL ? out : &scratch);
}

int
iro_schema_describe(const char *type, char **out)
{
	const struct schema_type *t;

	if (out != NULL)
		*out = NULL;
	if (type == NULL || out == NULL)
		return IRO_EINVAL;
	t = schema_type_find(type);
	if (t == NULL)
		return IRO_ENOTFOUND;
	return schema_describe(t, out);
}

const char *
iro_code_meaning(const char *list, const char *code)
{
	return codes_meaning(codes_list_find(list), code);
}
