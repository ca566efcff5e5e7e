/*
 * audit.h - the audit log's questions and answers above the store: which
 * records a child's history is made of, building an entry's record list
 * and an entry of the server's own command line, and one entry as a line
 * of text.
 *
 * Entries are written with store_audit_append() (store.h), or
 * audit_append_records() for an action about many records, by whoever
 * performs the action, in the same transaction when there is one.
 * Not thread-safe beyond what the store is: serialise use of st.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Actions, as stored and shown. */
#define AUDIT_ENROL "enrol"
#define AUDIT_ENROL_FAILED "enrol_failed"
#define AUDIT_PUSH "push"
#define AUDIT_PULL "pull"
#define AUDIT_REFUSED "refused"
#define AUDIT_USER_ADD "user_add"
#define AUDIT_USER_DISABLE "user_disable"
#define AUDIT_USER_ENABLE "user_enable"
#define AUDIT_USER_PASSWORD "user_password"
#define AUDIT_DEVICE_REVOKE "device_revoke"
/* The server's own command line: casework and configuration. */
#define AUDIT_ALLOCATE "allocate"
#define AUDIT_IMPORT "import"
#define AUDIT_IMPORT_903 "import_903"
#define AUDIT_EXPORT "export"
#define AUDIT_SHOW "show"
#define AUDIT_RECORDS "records"
#define AUDIT_CONFIG_SET "config_set"
#define AUDIT_HOLIDAYS_IMPORT "holidays_import"
#define AUDIT_HOLIDAYS_ADD "holidays_add"
#define AUDIT_HOLIDAYS_CANCEL "holidays_cancel"

/*
 * A step that an importer or exporter runs once it knows which records
 * an action concerns, and before the action takes effect: inside a
 * writer's transaction before the commit, or before a reader lets
 * anything out.  fn is given the records (ids, borrowed for the call,
 * possibly repeated) and appends the action's audit entry, so that the
 * action and its entry land together or not at all.  A nonzero return (an
 * IRO_E* code) abandons the action: a writer rolls back, a reader writes
 * nothing, and either returns that code.  fn NULL: no step.
 */
struct audit_hook {
	int (*fn)(void *ctx, struct store *st,
	    const uint8_t (*ids)[LIMIT_ID_LEN], size_t n);
	void *ctx;
};

/*
 * audit_entry - fill *a as an entry of `action` by the server's own
 * command line at now_ms (no address), about account `username` (NULL:
 * none) and `device` (NULL: none), with the detail formatted from fmt.
 * Nothing is written: append it with store_audit_append(), in the
 * transaction of the action when there is one.
 */
void audit_entry(struct store_audit *a, const char *action,
    const char *username, const uint8_t *device, uint64_t now_ms,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * audit_cli_entry - fill *a as an entry of `action` by the server's own
 * command line at now_ms: no user, device or address (the command line
 * has no account), and a detail formatted from fmt and ended with
 * "; by unix user 'NAME'" (the process's effective user, or its number
 * when it has no name), which survives any cutting of the rest.  Bytes
 * that are not UTF-8, and control characters, become '?': the detail
 * takes file names and other text as given.  No records; nothing written.
 */
void audit_cli_entry(struct store_audit *a, const char *action,
    uint64_t now_ms, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * audit_append_records - append a (borrowed; its own records are
 * ignored) concerning ids[0..n) (borrowed; in any order, repeats
 * allowed), each record listed once.  More than STORE_AUDIT_RECORDS_MAX
 * records are split over as many entries as needed, each with the same
 * fields and " (part I of K)" ending its detail.  Call inside a
 * transaction when the entries must land together.  Returns 0,
 * IRO_ENOMEM or an error of store_audit_append().
 */
int audit_append_records(struct store *st, const struct store_audit *a,
    const uint8_t (*ids)[LIMIT_ID_LEN], size_t n);

/* audit_append_alone - audit_append_records in a transaction of its own,
 * for an action that writes nothing else (a read): call outside one.
 * Returns as audit_append_records does, or an error of store_begin() or
 * store_commit() (nothing appended). */
int audit_append_alone(struct store *st, const struct store_audit *a,
    const uint8_t (*ids)[LIMIT_ID_LEN], size_t n);

/*
 * audit_add_record - add rec to a's records unless it is there already
 * (a linear look: entries concern few records, and a pull page at most
 * LIMIT_PULL_CHANGES).  a->records grows with realloc; *cap is its
 * capacity, 0 at first.  Returns 0, IRO_ETOOBIG (over
 * STORE_AUDIT_RECORDS_MAX) or IRO_ENOMEM (a unchanged).
 */
int audit_add_record(struct store_audit *a, size_t *cap,
    const uint8_t rec[LIMIT_ID_LEN]);

/*
 * audit_child_records - the records of child `child` (a council child id
 * or a record id, 32 hex digits): the child's own record and, following
 * every reference field of the schema, each record that refers to it or
 * to one of those (reviews, visits, notes, flags, decisions, disputes and
 * the disputes' stages).  *ids is malloc'd (caller frees).  Returns 0,
 * IRO_ENOTFOUND (no such child; why says so), IRO_ETOOBIG, IRO_ENOMEM
 * or a store error.
 */
int audit_child_records(struct store *st, const char *child,
    uint8_t (**ids)[LIMIT_ID_LEN], size_t *n, char *why, size_t whylen);

/*
 * audit_format - a as one line of text, no newline:
 * "2026-11-23T10:15:00Z  push  asha.patel  device 3b9a..  DETAIL"
 * ("-" for no user or no device; the address when there is one), with
 * any control character shown as '?'.  Cut to fit buf[len].
 */
void audit_format(const struct store_audit *a, char *buf, size_t len);

/* audit_parse_date - "YYYY-MM-DD" to ms since the epoch at 00:00 UTC.
 * Returns 0 or IRO_EINVAL. */
int audit_parse_date(const char *s, uint64_t *ms);

/* audit_time - ms since the epoch as "YYYY-MM-DDTHH:MM:SSZ" into
 * buf[21]. */
void audit_time(uint64_t ms, char buf[21]);

#endif
