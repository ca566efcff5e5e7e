/*
 * srvtest.c - helpers shared by the server's unit tests (srvtest.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srvtest.h"
#include "store.h"

int
srvtest_tmpdir(char *buf, size_t len)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	if ((size_t)snprintf(buf, len, "%s/irosrv-XXXXXX", base) >= len)
		return -1;
	return mkdtemp(buf) != NULL ? 0 : -1;
}

void
srvtest_rmtree(const char *dir)
{
	struct dirent *e;
	char path[4096];
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

void
srvtest_id(uint8_t id[LIMIT_ID_LEN], uint8_t tag, uint32_t n)
{
	memset(id, 0, LIMIT_ID_LEN);
	id[0] = tag;
	id[12] = (uint8_t)(n >> 24);
	id[13] = (uint8_t)(n >> 16);
	id[14] = (uint8_t)(n >> 8);
	id[15] = (uint8_t)n;
}

void
srvtest_change(struct change *c, const uint8_t dev[LIMIT_ID_LEN],
    uint64_t seq, uint64_t wall_ms, const char *type,
    const uint8_t rec[LIMIT_ID_LEN], const char *field, const char *value,
    const char *author, const struct stamp *base)
{
	change_init(c);
	c->seq = seq;
	c->ts.wall_ms = wall_ms;
	memcpy(c->ts.device, dev, LIMIT_ID_LEN);
	snprintf(c->type, sizeof(c->type), "%s", type);
	memcpy(c->record, rec, LIMIT_ID_LEN);
	snprintf(c->field, sizeof(c->field), "%s", field);
	if (value != NULL)
		value_set_str(&c->value, value, strlen(value));
	snprintf(c->author, sizeof(c->author), "%s", author);
	if (base != NULL) {
		c->has_base = true;
		c->base = *base;
	}
}

int
srvtest_user(struct store *st, const char *name, enum schema_role role,
    const char *team)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "%s", name);
	snprintf(u.team, sizeof(u.team), "%s", team);
	snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$not-a-real-hash");
	u.role = role;
	u.created_ms = 1;
	return store_user_add(st, &u);
}
