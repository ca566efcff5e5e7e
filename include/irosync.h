/*
 * irosync.h - the IRO Sync client library.
 *
 * An IRO's device keeps an encrypted local replica of that IRO's caseload,
 * records visits and notes without a network, and syncs with the server
 * when it can.  This header is the only way into the replica: the `iro`
 * command-line tool uses nothing else, and neither should an app.
 *
 * Conventions
 * - Every function returns IRO_OK (0) or a negative enum iro_error.
 * - Out-parameters are set to NULL/0 first, so they are safe to free
 *   whatever the outcome.
 * - On failure with a handle, iro_errmsg() describes the problem in words
 *   fit for a user; functions without a handle take an error buffer.
 * - Nothing here prints, exits, aborts or keeps global state of its own.
 *   A handle is not thread-safe; use one per thread or lock around it.
 *   The first iro_enrol() or iro_sync() of the process initialises libcurl
 *   once (curl_global_init, guarded by pthread_once) and never cleans it
 *   up, so an app that also uses libcurl is not disturbed.
 * - Ids are 32 lowercase hex characters (128 random bits).  Times are
 *   milliseconds since the Unix epoch, UTC.
 */
#ifndef IROSYNC_H
#define IROSYNC_H

#include <stddef.h>
#include <stdint.h>

#include "iro_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IRO_ID_HEX 32            /* length of an id in hex, without NUL */
#define IRO_ERRBUF_SIZE 256      /* size of an error buffer */

struct iro;                      /* an open, unlocked replica */
struct iro_record;               /* one record's merged state */
struct iro_list;                 /* a list of records */
struct iro_conflicts;            /* the open conflicts of a replica */

/* A value: what a field holds.  Strings are UTF-8 and NUL-terminated. */
enum iro_vtype { IRO_V_NIL = 0, IRO_V_BOOL, IRO_V_INT, IRO_V_STR };
struct iro_value {
	enum iro_vtype type;
	int b;                   /* IRO_V_BOOL */
	int64_t i;               /* IRO_V_INT */
	const char *s;           /* IRO_V_STR; borrowed from the owner */
};

/* Returns the wall clock in ms; lets an app or a test supply its own. */
typedef int64_t (*iro_clock_fn)(void *ctx);

/*
 * Options for iro_open() and iro_enrol().  Zero-initialise, then fill in.
 * home:        directory of the replica (created by iro_enrol, mode 0700)
 * passphrase:  the user's passphrase; borrowed, not kept after the call
 * clock:       optional; NULL means the system clock.  Either way the
 *              library corrects it by the offset the server reported in
 *              its last clock-skew answer
 * errbuf:      optional; receives a message on failure (IRO_ERRBUF_SIZE)
 */
struct iro_open_opts {
	const char *home;
	const char *passphrase;
	size_t passphrase_len;
	iro_clock_fn clock;
	void *clock_ctx;
	char *errbuf;
	size_t errbuf_len;
};

/*
 * iro_exists - whether `home` holds a replica.  *out is 1 or 0.
 * Returns IRO_EINVAL on NULL arguments.
 */
int iro_exists(const char *home, int *out);

/*
 * iro_open - unlock the replica in opts->home.
 * On success *out is a new handle; the caller frees it with iro_close().
 * Returns IRO_ENOTENROLLED if there is no replica, IRO_EAUTH for a wrong
 * passphrase (the data key cannot be unwrapped), IRO_ECORRUPT if the file
 * was tampered with, IRO_EBUSY if another process holds it,
 * IRO_EREVOKED if the server revoked this device and its replica has been
 * erased (the right passphrase cannot open it any more).
 * Repeated wrong passphrases back off: after 3 in a row (counted in the
 * replica's directory, whichever process made them) each starts a wait
 * of 2^(n-3) seconds for the n-th, at most 15 minutes, read from
 * opts->clock, during which iro_open does not try any passphrase and
 * returns IRO_EAUTH with errbuf saying how long to wait.  A right
 * passphrase resets the count.
 */
int iro_open(const struct iro_open_opts *opts, struct iro **out);

/*
 * The lease: a device that has not synced for longer than the council's
 * `lease_days` setting (calendar days, 1 to 365; 30 if the server has not
 * set it) locks itself.  Measured on the server-corrected clock from the
 * server's time of the last successful sync; a replica that never synced
 * is not locked.  While locked, every function that reads or writes case
 * content (iro_create, iro_set, iro_delete, iro_find_child, iro_get,
 * iro_list, iro_list_child, iro_conflicts_get, iro_resolve,
 * iro_caseload_get, iro_child_summary_get, iro_agenda_get,
 * iro_history_get) returns IRO_ELOCKED with iro_errmsg() saying "no sync
 * for N days (the council's limit is M): run iro sync".  iro_sync,
 * iro_status, iro_passphrase_change, iro_close and iro_errmsg still work,
 * and a successful sync unlocks.
 */

/*
 * Enrolment: create the encrypted replica, generate this device's Ed25519
 * key pair and register the device with the server using the account
 * password.  Does not sync; call iro_sync() next.
 * server_url:  e.g. "http://127.0.0.1:8443"
 * username, password: the account; the password is not kept
 * device_name: a label the server shows in device lists (may be NULL)
 * ca_file:     optional; a PEM file of the CA that signed an https
 *              server's certificate.  Its contents are kept in the sealed
 *              replica and from then on it is the only CA trusted for
 *              this server, at enrolment and every sync.  NULL: the
 *              system's CAs.  The certificate is always verified (chain
 *              and host name); plain http:// is refused (IRO_EINVAL)
 *              unless the host is this machine (127.0.0.0/8, ::1,
 *              localhost), before any connection is made.
 * On success *out is an open handle (caller frees with iro_close()).
 * Returns IRO_EINVAL for a url that is not https:// (or http:// to this
 * machine), an empty
 * or over-long username (64 bytes) or password (256 bytes), a passphrase
 * that fails iro_passphrase_check() or equals the username (compared
 * without regard to ASCII case) - checked before anything is created or
 * the server is contacted, with the rule in errbuf - IRO_EEXIST if
 * home already holds a replica, IRO_EAUTH if the server refused the
 * password or the server's certificate is not trusted (the message says
 * "certificate not trusted"), IRO_ENOTFOUND/IRO_EIO/IRO_EINVAL for a CA
 * file that cannot be read or is not PEM, IRO_EUNREACHABLE if the server
 * could not be reached.  On any failure
 * nothing is left in home (a home directory it created is removed).
 */
struct iro_enrol_opts {
	struct iro_open_opts open;
	const char *server_url;
	const char *username;
	const char *password;
	const char *device_name;
	const char *ca_file;
};
int iro_enrol(const struct iro_enrol_opts *opts, struct iro **out);

/*
 * iro_passphrase_check - whether pass (len bytes, need not be
 * NUL-terminated) is strong enough to protect a replica.  The rule:
 * - valid UTF-8 with no control characters;
 * - at least IRO_PASSPHRASE_MIN characters (code points, not bytes);
 * - not only digits;
 * - at least IRO_PASSPHRASE_DISTINCT different characters, which refuses
 *   one character repeated and short patterns repeated ("abcabcabcabc").
 * iro_enrol() also refuses the username as the passphrase.
 * Returns 0, or IRO_EINVAL with the broken rule in why (may be NULL;
 * IRO_ERRBUF_SIZE is enough).  Pure; thread-safe.
 */
#define IRO_PASSPHRASE_MIN 12
#define IRO_PASSPHRASE_DISTINCT 5
int iro_passphrase_check(const char *pass, size_t len, char *why,
    size_t whylen);

/*
 * iro_passphrase_change - protect h's replica with new_pass (len bytes)
 * from now on.  The data key is wrapped again under a key derived from
 * new_pass with a fresh salt (Argon2id, default cost), replacing the old
 * wrapping in one transaction; nothing else in the replica is rewritten,
 * and the count of wrong passphrases is reset.  Returns IRO_EINVAL if
 * new_pass fails iro_passphrase_check() (the rule in iro_errmsg()),
 * IRO_EBUSY, IRO_EIO.  On failure the old passphrase still opens the
 * replica; after success only the new one does.  new_pass is borrowed.
 */
int iro_passphrase_change(struct iro *h, const char *new_pass, size_t len);

/* iro_close - wipe keys from memory and close.  NULL is a no-op. */
void iro_close(struct iro *h);

/*
 * iro_errmsg - the message for the last failure on h, or "" if none.
 * Borrowed; valid until the next call on h.
 */
const char *iro_errmsg(const struct iro *h);

/* ---- Status ---------------------------------------------------------- */

struct iro_status {
	char user[65];
	char role[16];
	char server[513];        /* URL, up to 512 bytes */
	char device[IRO_ID_HEX + 1];
	uint64_t pending;        /* local changes not yet acknowledged */
	uint64_t refused;        /* changes the server refused (kept) */
	int64_t last_sync_ms;    /* server clock; 0 if never synced */
	uint64_t conflicts;      /* open conflicts: fields, as listed by
	                            iro_conflicts_get() */
};

/* iro_status - fill *out.  server is "" for a replica that is not
 * enrolled.  Never fails on an open handle except for I/O. */
int iro_status(struct iro *h, struct iro_status *out);

/* ---- Records --------------------------------------------------------- */

/* A field given as text, as a user types it: "yes"/"no" for booleans,
 * YYYY-MM-DD for dates, an id or a council child id for references. */
struct iro_field_text {
	const char *name;
	const char *text;
};

/*
 * iro_create - create a record of `type` ("visit", "note", ...) with the
 * given fields, validated against the schema, in one transaction together
 * with its outbox entries.  Needs no network.
 * out_id receives the new record's id (IRO_ID_HEX + 1 bytes).
 * Fields not given take the schema's default (a note's status: draft).
 * Dates the client computes are filled in when not given: a review's
 * `due` (the child's next review due date, when one is due) and a
 * dispute stage's `response_due` (`sent` plus the council's working days
 * for the stage).  The casework rules that span fields and records
 * (docs/casework.md) are checked against the child's current state.
 * Returns IRO_EINVAL naming the field, the value and what is allowed if a
 * field is unknown, given twice, malformed, missing or not writable by
 * this user (or the type not creatable by this user's role), or if the
 * values break a casework rule (PN0 for a child aged 4 or more);
 * IRO_ENOTFOUND if a referenced record does not exist or is deleted;
 * IRO_ELOCKED if the lease ran out (see iro_open).
 * Nothing is written on failure.
 */
int iro_create(struct iro *h, const char *type,
    const struct iro_field_text *fields, size_t nfields,
    char out_id[IRO_ID_HEX + 1]);

/*
 * iro_set - change one field of an existing record (text as for
 * iro_create; NULL clears the field, which a required field refuses).
 * The change's base is the value this replica currently shows.  Same
 * errors as iro_create, IRO_ENOTFOUND for an unknown id; IRO_ESTATE if
 * the record's state forbids it: a final note's text or status (setting
 * the value it already has is allowed), a deleted record, or a status
 * transition the casework rules forbid (a completed review back to
 * planned).  Nothing is written on failure.
 */
int iro_set(struct iro *h, const char *id, const char *field,
    const char *text);

/*
 * iro_delete - mark a record deleted with a reason (a tombstone change;
 * nothing is removed).  Returns IRO_EINVAL without a reason or if the
 * user's role may not delete this type, IRO_ESTATE if it is deleted
 * already.
 */
int iro_delete(struct iro *h, const char *id, const char *reason);

/*
 * iro_find_child - resolve a record id or a council child id (exact
 * match) to the child's record id.  Returns IRO_ENOTFOUND if neither
 * matches a live child.
 */
int iro_find_child(struct iro *h, const char *key,
    char out_id[IRO_ID_HEX + 1]);

/*
 * iro_get - the merged state of one record, deleted or not.  *out is
 * new; caller frees it with iro_record_free().  Returns IRO_EINVAL for
 * text that is not an id, IRO_ENOTFOUND for an unknown id, IRO_ELOCKED
 * if the lease ran out (see iro_open).  A deleted
 * record lists the reason as its field "_deleted".  The record is a
 * snapshot: it stays valid after h changes or is closed.
 */
int iro_get(struct iro *h, const char *id, struct iro_record **out);

/*
 * iro_list - every live (not deleted) record of `type` (NULL: of every
 * type), ordered by id.  *out is new; caller frees it with
 * iro_list_free().  Returns IRO_EINVAL for an unknown type, IRO_ELOCKED
 * if the lease ran out (see iro_open).
 */
int iro_list(struct iro *h, const char *type, struct iro_list **out);

/* iro_list_count - the number of records in l (0 for NULL). */
size_t iro_list_count(const struct iro_list *l);
/* iro_list_at - record i of l, borrowed from l; NULL if i is out of
 * range. */
const struct iro_record *iro_list_at(const struct iro_list *l, size_t i);
void iro_list_free(struct iro_list *l);

/* Accessors; the strings and values are borrowed from the record. */
const char *iro_record_id(const struct iro_record *r);
const char *iro_record_type(const struct iro_record *r);
int iro_record_deleted(const struct iro_record *r);
size_t iro_record_nfields(const struct iro_record *r);
/* Field i in name order: its name, current value and whether it is in
 * conflict.  Returns IRO_ENOTFOUND if i is out of range. */
int iro_record_field(const struct iro_record *r, size_t i,
    const char **name, struct iro_value *value, int *conflicted);
/* The current value of `name`; a field never set reads as IRO_V_NIL. */
int iro_record_get(const struct iro_record *r, const char *name,
    struct iro_value *value);
void iro_record_free(struct iro_record *r);

/* ---- Conflicts ------------------------------------------------------- */

/*
 * iro_conflicts_get - the open conflicts: fields where two or more
 * changes compete, or where an edit was refused by a rule (a final
 * note).  *out is new; caller frees it with iro_conflicts_free().
 */
int iro_conflicts_get(struct iro *h, struct iro_conflicts **out);
size_t iro_conflicts_count(const struct iro_conflicts *c);

/* One conflict; strings borrowed from c.  id is stable across devices. */
struct iro_conflict_info {
	const char *id;
	const char *record;
	const char *type;
	const char *field;
	struct iro_value current;
	size_t nvalues;          /* competing values, current first */
};
int iro_conflicts_at(const struct iro_conflicts *c, size_t i,
    struct iro_conflict_info *out);

/* One competing value of conflict i: its value, author, device, time. */
struct iro_conflict_value {
	struct iro_value value;
	const char *by;
	const char *device;
	int64_t at_ms;
	int refused_by_rule;     /* 1 if a rule kept it from becoming current */
};
int iro_conflicts_value(const struct iro_conflicts *c, size_t i, size_t j,
    struct iro_conflict_value *out);
void iro_conflicts_free(struct iro_conflicts *c);

/*
 * iro_resolve - resolve conflict `id` with `text` (validated like
 * iro_set; NULL clears the field): records a change that supersedes every
 * competing value.  Once synced, the conflict is closed on every device.
 * On a frozen field (a final note's text or status) the value cannot
 * change: `text` is ignored, the current value stays and the refused
 * edits are dismissed.  Returns IRO_ENOTFOUND if no such conflict is
 * open, IRO_EINVAL for a malformed id or text, IRO_EINVAL or IRO_ESTATE
 * if the value breaks a casework rule (as for iro_set).
 */
int iro_resolve(struct iro *h, const char *id, const char *text);

/* ---- History --------------------------------------------------------- */

struct iro_history;              /* every stored change of one record */

/*
 * iro_history_get - the change history of one record, offline: every
 * change this replica holds of it (of `field` only, unless field is
 * NULL), oldest first by stamp - a decision's status history, or who
 * changed what and when.  Changes the server refused are listed too, with
 * their reason, although they never show in the record.  id is a record
 * id or, for a child, the council child id.  *out is new; caller frees it
 * with iro_history_free().  Returns IRO_ENOTFOUND for an unknown id,
 * IRO_EINVAL naming the field if the record's type has no such field
 * ("_deleted", the deletion, is a field of every type).  A snapshot: it
 * stays valid after h changes or is closed.
 */
int iro_history_get(struct iro *h, const char *id, const char *field,
    struct iro_history **out);

/* iro_history_count - the number of changes in hs (0 for NULL). */
size_t iro_history_count(const struct iro_history *hs);

/*
 * One change.  Strings and the value are borrowed from the history.
 * field, value:  what the change set (IRO_V_NIL: cleared)
 * by, device:    its author and the author's device id
 * at_ms:         when it was made: its stamp's time, from the author
 *                device's clock as corrected by the server
 * state:         "synced" (the server has it), "pending" (this device's,
 *                not yet acknowledged) or "refused" (the server refused
 *                it; it does not count)
 * refusal:       the server's reason for a refused change ("" if none
 *                was given), else NULL
 * current:       1 if this change gives the field its current value
 * superseded:    1 if a later change resolving a conflict named it: a
 *                competing value other than the one current when the
 *                conflict was resolved (the resolution follows on from
 *                that one), or an edit refused by a rule and dismissed
 */
struct iro_history_entry {
	const char *field;
	struct iro_value value;
	const char *by;
	const char *device;
	int64_t at_ms;
	const char *state;
	const char *refusal;
	int current;
	int superseded;
};

/* iro_history_at - change i, oldest first; *out zeroed first.  Returns
 * IRO_EINVAL for NULL arguments, IRO_ENOTFOUND if i is out of range. */
int iro_history_at(const struct iro_history *hs, size_t i,
    struct iro_history_entry *out);

/* iro_history_free - NULL is a no-op. */
void iro_history_free(struct iro_history *hs);

/* ---- Casework: the IRO's worklist ------------------------------------ */

/*
 * Everything here is computed offline from the replica, with the working
 * days of the shipped England & Wales bank-holiday table as corrected by
 * the server's `holiday` records, and the council's timescales from its
 * `setting` records (docs/casework.md).  `today` is "YYYY-MM-DD", or NULL
 * for the handle's clock read as a local date; other text gives
 * IRO_EINVAL.  Dates given out are "YYYY-MM-DD".
 */

struct iro_caseload;             /* children and where each stands */
struct iro_agenda;               /* what is due, in date order */

/*
 * One child's standing.  Strings are borrowed from the caseload and live
 * until iro_caseload_free().
 * id:                  the child's record id
 * child_id, given_name, family_name, dob, iro: the child's fields (NULL
 *                      when not set)
 * next_review_due:     the statutory due date of the next review; NULL
 *                      when none is due (care ended, or no care_start)
 * review_overdue:      1 if today is after next_review_due
 * working_days_left:   working days from today to next_review_due,
 *                      negative when overdue, 0 when none is due
 * review_basis:        "first", "second" or "subsequent": which review is
 *                      next (the schedule that applies); NULL when none
 * out_of_area:         -1 unknown, 0 or 1
 * last_visit:          date of the latest visit, or NULL
 * open_decisions:      decisions with status open
 * drifting_decisions:  of those, carried forward twice or more (drift)
 * dispute_stage:       the current (latest sent) stage of the open
 *                      dispute needing attention first, or NULL
 * dispute_response_due: that stage's response due date while no response
 *                      is recorded, else NULL
 * consultation_done:   1 if a pre_review visit with child_seen yes is
 *                      dated after the last held review (or on or after
 *                      care_start when none is held)
 */
struct iro_child_summary {
	const char *id;
	const char *child_id;
	const char *given_name;
	const char *family_name;
	const char *dob;
	const char *iro;
	const char *next_review_due;
	int review_overdue;
	int working_days_left;
	const char *review_basis;
	int out_of_area;
	const char *last_visit;
	unsigned open_decisions;
	unsigned drifting_decisions;
	const char *dispute_stage;
	const char *dispute_response_due;
	int consultation_done;
};

/*
 * iro_caseload_get - every live child in the replica, summarised as of
 * today.  *out is new; caller frees it with iro_caseload_free().  Returns
 * IRO_EINVAL for a malformed today, IRO_ENOMEM, or a replica error.  The
 * caseload is a snapshot: it stays valid after h changes or is closed.
 */
int iro_caseload_get(struct iro *h, const char *today,
    struct iro_caseload **out);

/*
 * iro_child_summary_get - the same for one child, named by record id or
 * council child id: a caseload of one (caller frees with
 * iro_caseload_free()).  Returns IRO_ENOTFOUND if no live child matches.
 */
int iro_child_summary_get(struct iro *h, const char *child,
    const char *today, struct iro_caseload **out);

/* iro_caseload_count - the number of children in c (0 for NULL). */
size_t iro_caseload_count(const struct iro_caseload *c);

/*
 * iro_caseload_at - child i, in the caseload's order: by next review due
 * (children with none due last), then family name, given name and id.
 * *out is zeroed first.  Returns IRO_EINVAL for NULL arguments,
 * IRO_ENOTFOUND if i is out of range.
 */
int iro_caseload_at(const struct iro_caseload *c, size_t i,
    struct iro_child_summary *out);

/* iro_caseload_free - NULL is a no-op. */
void iro_caseload_free(struct iro_caseload *c);

/*
 * One thing due.  Strings are borrowed from the agenda.
 * date:      when it is due
 * kind:      "review_due" (the next statutory review), "consultation"
 *            (the pre-review consultation not yet done for that review,
 *            dated by its planned meeting when that comes first),
 *            "decision_due" (an open decision), "dispute_response" (an
 *            open dispute's current stage awaiting its response),
 *            "decisions_distribute" or "record_complete" (a review of
 *            the current period of care that is held but not yet
 *            completed and lacks that date, due decisions_days /
 *            record_days working days after the meeting)
 * child:     the child's record id; child_id its council id (or NULL)
 * child_name: "given family" as far as known
 * record:    the review, decision or dispute stage the item is about;
 *            for review_due and consultation the planned review if there
 *            is one, else NULL
 * text:      one line for a person, e.g. "second review due"
 * working_days_left: from today to date, negative when overdue
 * overdue:   1 if date is before today
 */
struct iro_agenda_item {
	const char *date;
	const char *kind;
	const char *child;
	const char *child_id;
	const char *child_name;
	const char *record;
	const char *text;
	int working_days_left;
	int overdue;
};

/*
 * iro_agenda_get - everything due on or before the `days`-th working day
 * after today (0 to 520; the usual window is 20), overdue items included,
 * for every live child in the replica.  Sorted by date, then child
 * (family name, given name, id), then kind in the order listed above.
 * *out is new; caller frees it with iro_agenda_free().  Returns
 * IRO_EINVAL for a malformed today or days out of range, IRO_ENOMEM, or
 * a replica error.  A snapshot, like the caseload.
 */
int iro_agenda_get(struct iro *h, const char *today, int days,
    struct iro_agenda **out);

/* iro_agenda_count - the number of items in a (0 for NULL). */
size_t iro_agenda_count(const struct iro_agenda *a);

/* iro_agenda_at - item i; *out zeroed first.  Returns IRO_EINVAL for
 * NULL arguments, IRO_ENOTFOUND if i is out of range. */
int iro_agenda_at(const struct iro_agenda *a, size_t i,
    struct iro_agenda_item *out);

/* iro_agenda_free - NULL is a no-op. */
void iro_agenda_free(struct iro_agenda *a);

/*
 * iro_list_child - every live record of `type` about one child (record
 * id or council child id): the records whose `child` field names it, or
 * for "dispute_stage" the stages of its live disputes.  Ordered by the
 * record's date - a visit's date, a review's meeting_date (else its due),
 * a decision's due, a dispute's opened, a stage's sent - with undated
 * records after dated ones, then by id; types without a date (note,
 * flag) by id.  *out is new; caller frees it with iro_list_free().
 * Returns IRO_EINVAL for an unknown type or one not about a child (child,
 * holiday, setting), IRO_ENOTFOUND if no live child matches.
 */
int iro_list_child(struct iro *h, const char *type, const char *child,
    struct iro_list **out);

/* ---- Sync ------------------------------------------------------------ */

enum iro_sync_phase { IRO_SYNC_PUSH = 1, IRO_SYNC_PULL = 2 };

/* Called after each request; total is 0 when not known in advance. */
typedef void (*iro_progress_fn)(void *ctx, enum iro_sync_phase phase,
    uint64_t done, uint64_t total);

struct iro_sync_opts {
	iro_progress_fn progress;   /* optional */
	void *progress_ctx;
};

struct iro_sync_result {
	uint64_t sent;           /* changes the server acknowledged */
	uint64_t received;       /* new changes pulled */
	uint64_t conflicts;      /* open conflicts after the sync */
	uint64_t refused;        /* changes the server refused this time */
	uint64_t pending;        /* changes still waiting (after failure) */
	uint64_t requests;       /* HTTP requests made */
	uint64_t bytes_sent;     /* request bodies and headers */
	uint64_t bytes_received; /* response bodies and headers */
	uint64_t children_in;    /* children newly on this device's caseload */
	uint64_t children_out;   /* children that left it: every record of
	                          * theirs is gone from this device */
};

/*
 * iro_sync - push every pending change, then pull until up to date.
 * A clock-skew answer from the server makes the client adopt the server's
 * clock and re-stamp its pending changes (keeping their order and bases)
 * and retry; nothing is lost.  A change the server refuses is kept with
 * its reason (counted in iro_status refused), leaves the outbox and no
 * longer shows in the records.  Pulled changes never replace a pending
 * edit: both stay, as a conflict.  *out (optional) is filled even on
 * failure so a caller can say how many changes stay pending.  Returns
 * IRO_EUNREACHABLE if the server cannot be reached (the message says how
 * many changes stay pending), IRO_EAUTH if it refused this device or its
 * certificate is not trusted, IRO_EREVOKED if the server says this device
 * is revoked (the replica's key is then destroyed: nothing on the device
 * can be read again, and h can only be closed),
 * IRO_ENOTENROLLED for a replica with no server, IRO_ESKEW if the clocks
 * still disagree after three corrections, IRO_ESERVER, IRO_EVERSION,
 * IRO_EPROTO or IRO_ETOOBIG for other refusals (changes stay pending).
 */
int iro_sync(struct iro *h, const struct iro_sync_opts *opts,
    struct iro_sync_result *out);

/* ---- Schema ---------------------------------------------------------- */

/*
 * iro_code_meaning - what an SSDA903 code means, for people: list is
 * "legal_status", "placement_type", "placement_provider",
 * "participation" or "sex"; e.g. ("legal_status", "C2") gives "full care
 * order".  Returns a static string, or NULL for an unknown list or code.
 * Thread-safe.
 */
const char *iro_code_meaning(const char *list, const char *code);

/*
 * iro_schema_describe - a human-readable list of `type`'s fields, their
 * value types and allowed values, for --help.  *out is malloc'd; caller
 * frees it with free().  Returns IRO_ENOTFOUND for an unknown type.
 */
int iro_schema_describe(const char *type, char **out);

#ifdef __cplusplus
}
#endif

#endif
