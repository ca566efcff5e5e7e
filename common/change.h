/*
 * change.h - the field-level change: the unit of every edit, of the
 * outbox, of the wire and of the server's append-only log.
 *
 * A change sets one field of one record to a typed value.  It is
 * identified by (ts.device, seq): the device that made it and that
 * device's own counter.  Its stamp `ts` is a hybrid logical clock reading
 * tie-broken by device id; `base` is the stamp of the value the author saw
 * (absent for a new field); `sup` lists the stamps a resolution supersedes.
 */
#ifndef CHANGE_H
#define CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* A point in the total order of changes: HLC time, then device id. */
struct stamp {
	uint64_t wall_ms;
	uint32_t counter;
	uint8_t device[LIMIT_ID_LEN];
};

/* stamp_cmp - <0, 0 or >0 as a orders before, equal to or after b:
 * by wall_ms, then counter, then device bytes (memcmp). */
int stamp_cmp(const struct stamp *a, const struct stamp *b);

enum value_type { VALUE_NIL = 0, VALUE_BOOL, VALUE_INT, VALUE_STR };

/* A typed value.  For VALUE_STR, s is owned, NUL-terminated, len bytes
 * long (excluding the NUL) and valid UTF-8 without NUL bytes. */
struct value {
	enum value_type type;
	bool b;
	int64_t i;
	char *s;
	size_t len;
};

/* value_set_str - make v an owned copy of s[0..len) (s may point into v).
 * v must be initialised: its old string is freed.  The content is not
 * checked here (see value_str_valid).  Returns 0, or IRO_ENOMEM,
 * IRO_ETOOBIG (len > LIMIT_STR_MAX) or IRO_EINVAL (s NULL, len > 0), and
 * then v is left VALUE_NIL. */
int value_set_str(struct value *v, const char *s, size_t len);
/* value_copy - deep copy; dst is overwritten (not freed first).  Returns 0
 * or IRO_ENOMEM (dst then VALUE_NIL). */
int value_copy(struct value *dst, const struct value *src);
/* value_equal - same type and same content. */
bool value_equal(const struct value *a, const struct value *b);
/* value_clear - free owned memory and set to VALUE_NIL.  NULL is a no-op. */
void value_clear(struct value *v);
/* value_utf8_valid - s[0..len) is strict UTF-8 (no overlongs, surrogates
 * or code points past U+10FFFF) and has no NUL byte. */
bool value_utf8_valid(const char *s, size_t len);
/* value_str_valid - v is a VALUE_STR meeting the invariants above:
 * s non-NULL, len <= LIMIT_STR_MAX, s[len] == 0, valid UTF-8, no NUL. */
bool value_str_valid(const struct value *v);

/* The field that marks a record deleted: a string reason, nil = live. */
#define CHANGE_FIELD_DELETED "_deleted"

struct change {
	uint64_t seq;                     /* per-device counter, from 1 */
	struct stamp ts;                  /* ts.device is the author device */
	char type[LIMIT_NAME_MAX + 1];    /* record type, e.g. "visit" */
	uint8_t record[LIMIT_ID_LEN];
	char field[LIMIT_NAME_MAX + 1];
	struct value value;
	bool has_base;
	struct stamp base;
	char author[LIMIT_USER_MAX + 1];  /* username */
	size_t nsup;
	struct stamp *sup;                /* owned; NULL when nsup == 0 */
};

/* change_init - zero c so that change_clear() is safe. */
void change_init(struct change *c);
/* change_clear - free owned members and zero c.  NULL is a no-op. */
void change_clear(struct change *c);
/* change_copy - deep copy into dst (which is overwritten, not freed).
 * On failure dst is left cleared.  Returns 0, IRO_ENOMEM, IRO_ETOOBIG
 * when src->nsup is over LIMIT_SUPERSEDES, or IRO_EINVAL when src->nsup
 * is not 0 but src->sup is NULL. */
int change_copy(struct change *dst, const struct change *src);
/* change_free_array - change_clear each of n changes, then free(a). */
void change_free_array(struct change *a, size_t n);

/*
 * change_check - structural rules that need no schema and no other
 * change: names are non-empty identifiers ([a-z_][a-z0-9_]*) within
 * LIMIT_NAME_MAX, seq >= 1, author 1..LIMIT_USER_MAX printable ASCII
 * characters, ts strictly after base, every superseded stamp strictly
 * before ts, nsup <= LIMIT_SUPERSEDES (sup non-NULL iff nsup > 0), string
 * values per value_str_valid.
 * Returns 0 or IRO_EINVAL with a reason in why (may be NULL).
 */
int change_check(const struct change *c, char *why, size_t whylen);

/* change_same_id - same (ts.device, seq). */
bool change_same_id(const struct change *a, const struct change *b);

/* change_same_content - equal in every member except none: used to tell
 * an honest retry (identical) from a reused id (IRO_ECONFLICT). */
bool change_same_content(const struct change *a, const struct change *b);

#endif
