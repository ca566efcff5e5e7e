/*
 * out.h - JSON output for scripts (`--json`), the CLI's only use of
 * jansson.  Each function writes one JSON document and a newline to f.
 * Values map as: nil -> null, bool -> true/false, int -> number,
 * string -> string.  Times are ISO 8601 UTC strings.
 *
 * Every function returns 0, IRO_ENOMEM or IRO_EIO (write failed).
 */
#ifndef OUT_H
#define OUT_H

#include <stddef.h>
#include <stdio.h>

#include "irosync.h"

/* {"user","server","device","pending","last_sync","conflicts","refused",
 *  "role"}; last_sync is null before the first sync. */
int out_status(FILE *f, const struct iro_status *s);

/* {"sent","received","conflicts","refused","pending","requests",
 *  "bytes_sent","bytes_received","seconds"} */
int out_sync(FILE *f, const struct iro_sync_result *r, double seconds);

/* {"id","type","fields":{...},"deleted":BOOL} */
int out_record(FILE *f, const struct iro_record *r);

/* An array of records, each as out_record() writes it. */
int out_records(FILE *f, const struct iro_record *const *recs, size_t n);

/* An array of {"id","child_id","given_name","family_name","dob","iro"}. */
int out_children(FILE *f, const struct iro_record *const *recs, size_t n);

/* An array of {"id","record","type","field","current","values":[{"value",
 *  "by","device","at","refused_by_rule"}]}. */
int out_conflicts(FILE *f, const struct iro_conflicts *c);

#endif
