/*
 * store_sqlite.c - the server store (store.h) on SQLite: connection,
 * layout, statements, transactions and the server's own state.  Accounts,
 * devices, nonces and statistics are in store_sqlite_acct.c; the log, the
 * materialised records and pull in store_sqlite_log.c.  All three share
 * store_sqlite.h.
 *
 * The database runs in WAL mode with synchronous=FULL, so a commit is on
 * disk before the function that made it returns (WAL with NORMAL can lose
 * a committed transaction on power loss, and a push is acknowledged as
 * soon as its commit returns).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "crypto.h"
#include "iro_error.h"
#include "store.h"
#include "store_sqlite.h"

#define STORE_DB_NAME "server.db"
#define STORE_LAYOUT 3          /* bump when the tables change */
#define STORE_BUSY_MS 10000     /* wait this long for another writer */
/* Page cache per handle: a push reads back every record it touches, and
 * SQLite's 2 MiB default sends most of those reads to the kernel. */
#define STORE_CACHE_KIB "32768"

/* Layout 1: the tables every store has. */
static const char layout_sql[] =
	"CREATE TABLE IF NOT EXISTS meta ("
	" key TEXT PRIMARY KEY, value NOT NULL);"
	"CREATE TABLE IF NOT EXISTS users ("
	" username TEXT PRIMARY KEY, role TEXT NOT NULL,"
	" team TEXT NOT NULL, display_name TEXT NOT NULL,"
	" pwhash TEXT NOT NULL, created_ms INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS devices ("
	" id BLOB PRIMARY KEY,"
	" username TEXT NOT NULL REFERENCES users(username),"
	" name TEXT NOT NULL, pubkey BLOB NOT NULL,"
	" revoked INTEGER NOT NULL DEFAULT 0,"
	" enrolled_ms INTEGER NOT NULL,"
	" last_sync_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS nonces ("
	" device BLOB NOT NULL, nonce BLOB NOT NULL,"
	" expires_ms INTEGER NOT NULL, PRIMARY KEY (device, nonce))"
	" WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces(expires_ms);"
	/* body is the change in its canonical wire encoding: the exact
	 * content, compared byte for byte to tell a retry from a reuse. */
	"CREATE TABLE IF NOT EXISTS log ("
	" pos INTEGER PRIMARY KEY AUTOINCREMENT,"
	" dev BLOB NOT NULL, seq INTEGER NOT NULL,"
	" type TEXT NOT NULL, rec BLOB NOT NULL, field TEXT NOT NULL,"
	" status INTEGER NOT NULL, origin BLOB NOT NULL,"
	" received_ms INTEGER NOT NULL,"
	" code TEXT NOT NULL, reason TEXT NOT NULL, body BLOB NOT NULL);"
	"CREATE UNIQUE INDEX IF NOT EXISTS log_accepted_id"
	" ON log(dev, seq) WHERE status = 0;"
	"CREATE INDEX IF NOT EXISTS log_id ON log(dev, seq);"
	"CREATE INDEX IF NOT EXISTS log_rec ON log(rec) WHERE status = 0;"
	"CREATE TRIGGER IF NOT EXISTS log_no_update BEFORE UPDATE ON log"
	" BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS log_no_delete BEFORE DELETE ON log"
	" BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;"
	"CREATE TABLE IF NOT EXISTS records ("
	" id BLOB PRIMARY KEY, type TEXT NOT NULL,"
	" deleted INTEGER NOT NULL, conflicts INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS records_type ON records(type, id);"
	"CREATE TABLE IF NOT EXISTS fields ("
	" rec BLOB NOT NULL, name TEXT NOT NULL, vtype INTEGER NOT NULL,"
	" vint INTEGER, vstr TEXT, ts_wall INTEGER, ts_counter INTEGER,"
	" ts_dev BLOB, conflict INTEGER NOT NULL,"
	" PRIMARY KEY (rec, name)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS fields_value ON fields(name, vstr);";

/* Layout 2 adds disabled accounts, failed logins and the audit log; a
 * layout 1 store is brought up to it when opened. */
static const char layout2_sql[] =
	"ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE login_failures ("
	" key TEXT NOT NULL, at_ms INTEGER NOT NULL);"
	"CREATE INDEX login_failures_key ON login_failures(key, at_ms);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL,"
	" action TEXT NOT NULL, username TEXT NOT NULL, device BLOB,"
	" address TEXT NOT NULL, detail TEXT NOT NULL);"
	"CREATE INDEX audit_user ON audit(username, id);"
	"CREATE TABLE audit_records ("
	" entry INTEGER NOT NULL REFERENCES audit(id), record BLOB NOT NULL,"
	" PRIMARY KEY (entry, record)) WITHOUT ROWID;"
	"CREATE INDEX audit_records_record ON audit_records(record, entry);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	/* INSERT OR REPLACE deletes the row it collides with without firing
	 * DELETE triggers, so a collision is refused on the way in.  An
	 * entry's record listed twice is simply kept once. */
	"CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit"
	" WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_records_no_replace BEFORE INSERT ON audit_records"
	" WHEN EXISTS (SELECT 1 FROM audit_records WHERE entry = NEW.entry"
	" AND record = NEW.record) BEGIN SELECT RAISE(IGNORE); END;"
	"CREATE TRIGGER IF NOT EXISTS log_no_replace BEFORE INSERT ON log"
	" WHEN EXISTS (SELECT 1 FROM log WHERE pos = NEW.pos)"
	" BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;";

/* Layout 3 adds scopes: the child each record is about (kind: 0 none,
 * 1 council-wide, 2 a child) and the IRO each child is allocated to.
 * Records of an upgraded store get their scope when the server next
 * opens it (store_unscoped). */
static const char layout3_sql[] =
	"CREATE TABLE rscope ("
	" rec BLOB PRIMARY KEY, kind INTEGER NOT NULL, child BLOB)"
	" WITHOUT ROWID;"
	"CREATE INDEX rscope_child ON rscope(child) WHERE kind = 2;"
	"CREATE TABLE alloc ("
	" child BLOB PRIMARY KEY, iro TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX alloc_iro ON alloc(iro);"
	"ALTER TABLE devices ADD COLUMN last_pull_ms INTEGER NOT NULL"
	" DEFAULT 0;";

/* The children a viewer may see (parameters 4 to 6: ss_bind_viewer);
 * the same words in the pull and in the scope listing, so the two can
 * never disagree. */
#define VISIBLE_CHILDREN \
	"SELECT a.child FROM alloc a WHERE (?4 = 1 AND a.iro = ?5)" \
	" OR (?4 = 2 AND (a.iro = '' OR a.iro IN (SELECT u.username" \
	" FROM users u WHERE u.team = ?6 AND u.team <> '')))"

#define P8(a, b, c, d, e, f, g, h) \
	"?" #a ",?" #b ",?" #c ",?" #d ",?" #e ",?" #f ",?" #g ",?" #h

/* The statement cache: every statement is prepared once per handle. */
static const char *const sql_text[SS_COUNT] = {
	[SS_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[SS_META_PUT] = "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES (?1, ?2)",
	[SS_USER_ADD] = "INSERT INTO users(username, role, team,"
	    " display_name, pwhash, created_ms) VALUES (?1,?2,?3,?4,?5,?6)",
	[SS_USER_GET] = "SELECT username, role, team, display_name, pwhash,"
	    " created_ms, disabled FROM users WHERE username = ?1",
	[SS_USER_LIST] = "SELECT username, role, team, display_name,"
	    " pwhash, created_ms, disabled FROM users ORDER BY username",
	[SS_DEVICE_ADD] = "INSERT INTO devices(id, username, name, pubkey,"
	    " enrolled_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
	[SS_DEVICE_GET] = "SELECT id, username, name, pubkey, revoked,"
	    " enrolled_ms, last_sync_ms, last_pull_ms FROM devices"
	    " WHERE id = ?1",
	[SS_DEVICE_LIST] = "SELECT id, username, name, pubkey, revoked,"
	    " enrolled_ms, last_sync_ms, last_pull_ms FROM devices"
	    " ORDER BY enrolled_ms, id",
	[SS_DEVICE_REVOKE] = "UPDATE devices SET revoked = 1 WHERE id = ?1",
	[SS_DEVICE_PULLED] = "UPDATE devices SET last_sync_ms = ?2,"
	    " last_pull_ms = ?2 WHERE id = ?1",
	[SS_DEVICE_SYNCED] = "UPDATE devices SET last_sync_ms = ?2"
	    " WHERE id = ?1",
	[SS_NONCE_PRUNE] = "DELETE FROM nonces WHERE expires_ms <= ?1",
	[SS_NONCE_ADD] = "INSERT INTO nonces(device, nonce, expires_ms)"
	    " VALUES (?1, ?2, ?3)",
	[SS_LOG_APPEND] = "INSERT INTO log(dev, seq, type, rec, field,"
	    " status, origin, received_ms, code, reason, body)"
	    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
	/* The status is written out, not bound: SQLite re-plans a statement
	 * whose bound value decides whether a partial index applies. */
	[SS_LOG_FIND_ACCEPTED] = "SELECT pos, status, origin, received_ms,"
	    " code, reason, body FROM log WHERE dev = ?1 AND seq = ?2"
	    " AND status = 0 AND (?4 IS NULL OR origin = ?4)"
	    " AND (?5 IS NULL OR body = ?5) ORDER BY pos LIMIT 1",
	[SS_LOG_FIND_REFUSED] = "SELECT pos, status, origin, received_ms,"
	    " code, reason, body FROM log WHERE dev = ?1 AND seq = ?2"
	    " AND status = 1 AND (?4 IS NULL OR origin = ?4)"
	    " AND (?5 IS NULL OR body = ?5) ORDER BY pos LIMIT 1",
	[SS_RECORD_TYPE] = "SELECT type FROM log WHERE rec = ?1"
	    " AND status = 0 LIMIT 1",
	[SS_RECORD_CHANGES] = "SELECT body FROM log WHERE rec = ?1"
	    " AND status = 0 ORDER BY pos",
	[SS_RECORD_PUT] = "INSERT OR REPLACE INTO records(id, type,"
	    " deleted, conflicts) VALUES (?1, ?2, ?3, ?4)",
	[SS_FIELDS_DROP] = "DELETE FROM fields WHERE rec = ?1",
	[SS_FIELD_PUT] = "INSERT INTO fields(rec, name, vtype, vint, vstr,"
	    " ts_wall, ts_counter, ts_dev, conflict)"
	    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	[SS_RECORD_GET] = "SELECT r.id, r.type, r.deleted, r.conflicts,"
	    " f.name, f.vtype, f.vint, f.vstr, f.ts_wall, f.ts_counter,"
	    " f.ts_dev, f.conflict FROM records r"
	    " LEFT JOIN fields f ON f.rec = r.id WHERE r.id = ?1"
	    " ORDER BY f.name",
	[SS_RECORD_LIST] = "SELECT r.id, r.type, r.deleted, r.conflicts,"
	    " f.name, f.vtype, f.vint, f.vstr, f.ts_wall, f.ts_counter,"
	    " f.ts_dev, f.conflict FROM records r"
	    " LEFT JOIN fields f ON f.rec = r.id"
	    " WHERE ?1 IS NULL OR r.type = ?1"
	    " ORDER BY r.type, r.id, f.name",
	[SS_RECORD_FIND_STR] = "SELECT f.rec FROM fields f"
	    " JOIN records r ON r.id = f.rec WHERE f.name = ?2"
	    " AND f.vtype = ?3 AND f.vstr = ?4 AND r.type = ?1"
	    " ORDER BY f.rec LIMIT 1",
	[SS_RECORD_FIND_INT] = "SELECT f.rec FROM fields f"
	    " JOIN records r ON r.id = f.rec WHERE f.name = ?2"
	    " AND f.vtype = ?3 AND f.vint = ?4 AND r.type = ?1"
	    " ORDER BY f.rec LIMIT 1",
	/* A record without a scope row is sent to nobody. */
	[SS_PULL] = "SELECT l.pos, l.body FROM log l"
	    " JOIN rscope s ON s.rec = l.rec WHERE l.pos > ?1"
	    " AND l.status = 0 AND l.dev <> ?2 AND (s.kind = 1"
	    " OR (s.kind = 2 AND s.child IN (" VISIBLE_CHILDREN ")))"
	    " ORDER BY l.pos LIMIT ?3",
	[SS_LAST_POS] = "SELECT coalesce(max(pos), 0) FROM log",
	[SS_COUNT_CHANGES] = "SELECT count(*) FROM log WHERE status = 0",
	[SS_COUNT_REFUSED] = "SELECT count(*) FROM log WHERE status = 1",
	[SS_COUNT_RECORDS] = "SELECT count(*) FROM records",
	[SS_COUNT_CONFLICTS] = "SELECT coalesce(sum(conflicts), 0)"
	    " FROM records",
	[SS_COUNT_USERS] = "SELECT count(*) FROM users",
	[SS_COUNT_DEVICES] = "SELECT count(*) FROM devices",
	[SS_USER_DISABLE] = "UPDATE users SET disabled = ?2"
	    " WHERE username = ?1",
	[SS_USER_PWHASH] = "UPDATE users SET pwhash = ?2 WHERE username = ?1",
	[SS_FAIL_PRUNE] = "DELETE FROM login_failures WHERE key = ?1"
	    " AND at_ms <= ?2",
	[SS_FAIL_ADD] = "INSERT INTO login_failures(key, at_ms)"
	    " VALUES (?1, ?2)",
	[SS_FAIL_COUNT] = "SELECT count(*) FROM login_failures"
	    " WHERE key = ?1 AND at_ms > ?2",
	[SS_FAIL_CLEAR] = "DELETE FROM login_failures WHERE key = ?1",
	[SS_FAIL_UNDO] = "DELETE FROM login_failures WHERE rowid ="
	    " (SELECT rowid FROM login_failures WHERE key = ?1"
	    " AND at_ms = ?2 LIMIT 1)",
	[SS_AUDIT_ADD] = "INSERT INTO audit(at_ms, action, username, device,"
	    " address, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SS_AUDIT_RECORD_ADD] = "INSERT OR IGNORE INTO audit_records(entry,"
	    " record) VALUES (?1, ?2)",
	[SS_AUDIT_IDS] = "SELECT id FROM audit WHERE (?1 IS NULL OR"
	    " username = ?1) AND at_ms >= ?2 ORDER BY id",
	[SS_AUDIT_IDS_OF_RECORD] = "SELECT entry FROM audit_records"
	    " WHERE record = ?1",
	[SS_AUDIT_GET] = "SELECT id, at_ms, action, username, device,"
	    " address, detail FROM audit WHERE id = ?1",
	[SS_AUDIT_RECORDS] = "SELECT record FROM audit_records"
	    " WHERE entry = ?1 ORDER BY record",
	[SS_REFERRERS] = "SELECT rec FROM fields WHERE name = ?1"
	    " AND vstr = ?2 ORDER BY rec",
	[SS_SCOPE_PUT] = "INSERT OR REPLACE INTO rscope(rec, kind, child)"
	    " VALUES (?1, ?2, ?3)",
	[SS_SCOPE_GET] = "SELECT kind, child FROM rscope WHERE rec = ?1",
	[SS_ALLOC_PUT] = "INSERT OR REPLACE INTO alloc(child, iro)"
	    " VALUES (?1, ?2)",
	[SS_UNSCOPED] = "SELECT id FROM records WHERE id NOT IN"
	    " (SELECT rec FROM rscope) ORDER BY id",
	[SS_SCOPE_CHILDREN] = VISIBLE_CHILDREN " ORDER BY a.child",
	/* Unused child slots are bound to NULL, which matches nothing. */
	[SS_BACKFILL] = "SELECT l.pos, l.body FROM rscope s"
	    " JOIN log l ON l.rec = s.rec AND l.status = 0"
	    " WHERE s.kind = 2 AND s.child IN ("
	    P8(4, 5, 6, 7, 8, 9, 10, 11) "," P8(12, 13, 14, 15, 16, 17, 18, 19)
	    "," P8(20, 21, 22, 23, 24, 25, 26, 27) ","
	    P8(28, 29, 30, 31, 32, 33, 34, 35) ","
	    P8(36, 37, 38, 39, 40, 41, 42, 43) ","
	    P8(44, 45, 46, 47, 48, 49, 50, 51) ","
	    P8(52, 53, 54, 55, 56, 57, 58, 59) ","
	    P8(60, 61, 62, 63, 64, 65, 66, 67) ")"
	    " AND l.pos > ?1 AND l.pos <= ?2 ORDER BY l.pos LIMIT ?3",
};

int
ss_fail(struct store *st, const char *what)
{
	int code = sqlite3_errcode(st->db);

	snprintf(st->err, sizeof(st->err), "cannot %s: %s", what,
	    sqlite3_errmsg(st->db));
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return IRO_EBUSY;
	if (code == SQLITE_NOMEM)
		return IRO_ENOMEM;
	return IRO_EIO;
}

int
ss_stmt(struct store *st, enum ss_stmt_id id, sqlite3_stmt **out)
{
	*out = NULL;
	if (st->stmts[id] == NULL &&
	    sqlite3_prepare_v3(st->db, sql_text[id], -1,
	    SQLITE_PREPARE_PERSISTENT, &st->stmts[id], NULL) != SQLITE_OK)
		return ss_fail(st, "prepare a statement");
	sqlite3_reset(st->stmts[id]);
	sqlite3_clear_bindings(st->stmts[id]);
	*out = st->stmts[id];
	return 0;
}

int
ss_exec(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ss_fail(st, what);
	return 0;
}

int
ss_count(struct store *st, enum ss_stmt_id id, uint64_t *out)
{
	sqlite3_stmt *s;
	int rc;

	*out = 0;
	if ((rc = ss_stmt(st, id, &s)) != 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(s, 0);
	else
		rc = ss_fail(st, "count");
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : rc;
}

/* Copy column col as text into buf (cut at buflen - 1, which the layout
 * never needs: every text column is checked on the way in). */
void
ss_text(sqlite3_stmt *s, int col, char *buf, size_t buflen)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	size_t n = (size_t)sqlite3_column_bytes(s, col);

	if (t == NULL)
		n = 0;
	if (n >= buflen)
		n = buflen - 1;
	if (n > 0)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

/* Copy a blob column of exactly len bytes; IRO_ECORRUPT otherwise. */
int
ss_blob(sqlite3_stmt *s, int col, uint8_t *out, size_t len)
{
	const void *b = sqlite3_column_blob(s, col);

	if (b == NULL || (size_t)sqlite3_column_bytes(s, col) != len)
		return IRO_ECORRUPT;
	memcpy(out, b, len);
	return 0;
}

/* Grow *a (of *cap elements of size sz) so that it holds one more. */
int
ss_grow(void **a, size_t *cap, size_t n, size_t sz, size_t max)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= max)
		return IRO_ETOOBIG;
	ncap = *cap == 0 ? 16 : *cap * 2;
	if (ncap > max)
		ncap = max;
	if (ncap > SIZE_MAX / sz)
		return IRO_ENOMEM;
	if ((p = realloc(*a, ncap * sz)) == NULL)
		return IRO_ENOMEM;
	memset((char *)p + *cap * sz, 0, (ncap - *cap) * sz);
	*a = p;
	*cap = ncap;
	return 0;
}

int
ss_tx_enter(struct store *st, bool *own)
{
	int rc;

	*own = false;
	if (st->in_tx)
		return 0;
	if ((rc = store_begin(st)) != 0)
		return rc;
	*own = true;
	return 0;
}

int
ss_read_enter(struct store *st, bool *own)
{
	*own = false;
	if (st->in_tx)
		return 0;
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return ss_fail(st, "begin a read");
	st->in_tx = true;
	*own = true;
	return 0;
}

int
ss_tx_leave(struct store *st, bool own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return rc;
}

static int
exec_sql(struct store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ss_fail(st, what);
	return 0;
}

int
store_begin(struct store *st)
{
	int rc;

	if (st->in_tx) {
		snprintf(st->err, sizeof(st->err),
		    "a transaction is already open");
		return IRO_EINTERNAL;
	}
	if ((rc = exec_sql(st, "BEGIN IMMEDIATE", "begin a transaction")))
		return rc;
	st->in_tx = true;
	return 0;
}

int
store_commit(struct store *st)
{
	int rc;

	if (!st->in_tx) {
		snprintf(st->err, sizeof(st->err), "no transaction is open");
		return IRO_EINTERNAL;
	}
	if ((rc = exec_sql(st, "COMMIT", "commit")) != 0) {
		store_rollback(st);
		return rc;
	}
	st->in_tx = false;
	return 0;
}

void
store_rollback(struct store *st)
{
	if (st == NULL || !st->in_tx)
		return;
	/* A failed statement may already have ended the transaction. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = false;
}

const char *
store_errmsg(const struct store *st)
{
	return st == NULL ? "no store" : st->err;
}

/* ---- meta ---- */

static int
meta_get_int(struct store *st, const char *key, uint64_t *out)
{
	sqlite3_stmt *s;
	int rc;

	*out = 0;
	if ((rc = ss_stmt(st, SS_META_GET, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(s, 0);
	rc = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? IRO_ENOTFOUND :
	    ss_fail(st, "read the store's settings");
	sqlite3_reset(s);
	return rc;
}

static int
meta_put_int(struct store *st, const char *key, uint64_t v)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_META_PUT, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)v);
	return ss_exec(st, s, "save the store's settings");
}

static int
load_server_id(struct store *st)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = ss_stmt(st, SS_META_GET, &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, "server_id", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = ss_blob(s, 0, st->server_id, LIMIT_ID_LEN);
	else
		rc = IRO_ECORRUPT;
	sqlite3_reset(s);
	if (rc != 0)
		snprintf(st->err, sizeof(st->err),
		    "the store has no server id");
	return rc;
}

void
store_server_id(const struct store *st, uint8_t id[LIMIT_ID_LEN])
{
	memcpy(id, st->server_id, LIMIT_ID_LEN);
}

int
store_seq_next(struct store *st, uint64_t *seq)
{
	uint64_t v;
	bool own;
	int rc;

	*seq = 0;
	if ((rc = ss_tx_enter(st, &own)) != 0)
		return rc;
	rc = meta_get_int(st, "seq", &v);
	if (rc == IRO_ENOTFOUND) {
		v = 0;
		rc = 0;
	}
	if (rc == 0 && v >= INT64_MAX)
		rc = IRO_ETOOBIG;
	if (rc == 0)
		rc = meta_put_int(st, "seq", v + 1);
	if ((rc = ss_tx_leave(st, own, rc)) == 0)
		*seq = v + 1;
	return rc;
}

int
store_hlc_get(struct store *st, struct hlc *out)
{
	uint64_t wall = 0, counter = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = meta_get_int(st, "hlc_wall", &wall);
	if (rc == 0)
		rc = meta_get_int(st, "hlc_counter", &counter);
	if (rc == IRO_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	out->wall_ms = wall;
	out->counter = counter > UINT32_MAX ? UINT32_MAX : (uint32_t)counter;
	return 0;
}

int
store_hlc_put(struct store *st, const struct hlc *h)
{
	bool own;
	int rc;

	if ((rc = ss_tx_enter(st, &own)) != 0)
		return rc;
	rc = meta_put_int(st, "hlc_wall", h->wall_ms);
	if (rc == 0)
		rc = meta_put_int(st, "hlc_counter", h->counter);
	return ss_tx_leave(st, own, rc);
}

/* ---- opening ---- */

static int
db_path(const char *dir, char *buf, size_t buflen, char *err, size_t errlen)
{
	if (dir == NULL || *dir == '\0' ||
	    (size_t)snprintf(buf, buflen, "%s/%s", dir, STORE_DB_NAME) >=
	    buflen) {
		snprintf(err, errlen, "data directory name is too long");
		return IRO_EINVAL;
	}
	return 0;
}

/* Open the connection and set what every connection needs. */
static int
db_connect(struct store *st, const char *path, int flags)
{
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		if (st->db == NULL)
			return IRO_ENOMEM;
		return ss_fail(st, "open the database");
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (exec_sql(st, "PRAGMA journal_mode=WAL", "use a write-ahead log")
	    != 0 || exec_sql(st, "PRAGMA synchronous=FULL;"
	    " PRAGMA foreign_keys=ON; PRAGMA cache_size=-" STORE_CACHE_KIB,
	    "set up the database") != 0)
		return IRO_EIO;
	return 0;
}

/* Bring the store to STORE_LAYOUT inside the caller's transaction:
 * create every table in an empty database, add the later layouts' to an
 * older store, leave a current one alone.  IRO_EVERSION for any other
 * layout. */
static int
upgrade_layout(struct store *st)
{
	uint8_t id[LIMIT_ID_LEN];
	sqlite3_stmt *s;
	uint64_t v;
	int rc = meta_get_int(st, "layout", &v);

	if (rc == 0 && v == STORE_LAYOUT)
		return 0;
	if (rc == 0 && (v == 1 || v == 2)) {
		if (v == 1)
			rc = exec_sql(st, layout2_sql, "upgrade the tables");
		if (rc == 0)
			rc = exec_sql(st, layout3_sql, "upgrade the tables");
	} else if (rc == IRO_ENOTFOUND) {
		if ((rc = exec_sql(st, layout_sql, "create the tables")) != 0 ||
		    (rc = exec_sql(st, layout2_sql, "create the tables")) != 0 ||
		    (rc = exec_sql(st, layout3_sql, "create the tables")) != 0)
			return rc;
		crypto_random(id, sizeof(id));
		if ((rc = ss_stmt(st, SS_META_PUT, &s)) != 0)
			return rc;
		sqlite3_bind_text(s, 1, "server_id", -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 2, id, sizeof(id), SQLITE_STATIC);
		rc = ss_exec(st, s, "save the server id");
	} else if (rc == 0) {
		snprintf(st->err, sizeof(st->err),
		    "the database has an unknown layout");
		return IRO_EVERSION;
	}
	if (rc == 0)
		rc = meta_put_int(st, "layout", STORE_LAYOUT);
	return rc;
}

/* Create or upgrade the layout in a transaction of its own.  An empty
 * database is only given tables when `create` (store_init). */
static int
ensure_layout(struct store *st, bool create)
{
	uint64_t v;
	int rc;

	/* The usual case takes no write lock. */
	if (!create && meta_get_int(st, "layout", &v) == 0 &&
	    v == STORE_LAYOUT)
		return 0;
	if ((rc = store_begin(st)) != 0)
		return rc;
	/* meta may not exist yet in a new file. */
	if (create)
		rc = exec_sql(st, "CREATE TABLE IF NOT EXISTS meta ("
		    " key TEXT PRIMARY KEY, value NOT NULL)",
		    "create the tables");
	if (rc == 0 && !create) {
		rc = meta_get_int(st, "layout", &v);
		if (rc == IRO_ENOTFOUND) {
			snprintf(st->err, sizeof(st->err),
			    "the database has an unknown layout");
			rc = IRO_EVERSION;
		}
	}
	if (rc == 0)
		rc = upgrade_layout(st);
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return rc;
}

int
store_init(const char *dir, char *err, size_t errlen)
{
	struct store *st = NULL;
	char path[4096];
	struct stat sb;
	int rc;

	if ((rc = db_path(dir, path, sizeof(path), err, errlen)) != 0)
		return rc;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", dir,
		    strerror(errno));
		return IRO_EIO;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "'%s' is not a directory", dir);
		return IRO_EIO;
	}
	if ((rc = crypto_init()) != 0) {
		snprintf(err, errlen, "cannot start the crypto library");
		return rc;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return IRO_ENOMEM;
	rc = db_connect(st, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (rc == 0)
		rc = ensure_layout(st, true);
	if (rc != 0)
		snprintf(err, errlen, "'%s': %s", path, st->err);
	store_close(st);
	return rc;
}

int
store_open(const char *dir, struct store **out, char *err, size_t errlen)
{
	struct store *st = NULL;
	char path[4096];
	struct stat sb;
	int rc;

	*out = NULL;
	if ((rc = db_path(dir, path, sizeof(path), err, errlen)) != 0)
		return rc;
	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "no server data in '%s'", dir);
		return IRO_ENOTFOUND;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return IRO_ENOMEM;
	rc = db_connect(st, path, SQLITE_OPEN_READWRITE);
	if (rc == 0)
		rc = ensure_layout(st, false);
	if (rc == 0)
		rc = load_server_id(st);
	if (rc != 0) {
		snprintf(err, errlen, "'%s': %s", path, st->err);
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	store_rollback(st);
	for (i = 0; i < SS_COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	sqlite3_close(st->db);
	free(st);
}
