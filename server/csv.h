/*
 * csv.h - a reader for comma-separated values as RFC 4180 describes them,
 * with hard limits.
 *
 * Records end with CRLF or LF (the last one may end with the input).
 * Fields are separated by commas; a field in double quotes may hold
 * commas, line breaks and doubled quotes ("" for one "), and nothing may
 * follow its closing quote but a comma or the end of the record.  A quote
 * inside an unquoted field, a stray CR, a NUL byte or an unclosed quote
 * is an error.  Empty lines are skipped; a UTF-8 byte order mark at the
 * start is ignored.  Field bytes are passed through as they are: checking
 * the encoding is the caller's job.
 *
 * After a bad record the reader skips to the next line, so a caller can go
 * on and report every bad record; past max_records it stops.
 */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

struct csv_limits {
	size_t max_field;       /* bytes in one field */
	size_t max_fields;      /* fields in one record */
	size_t max_records;     /* records in the input */
};

struct csv_reader;

/* One record, borrowed from the reader until the next csv_next(). */
struct csv_row {
	size_t line;                    /* line it starts on, from 1 */
	size_t nfields;                 /* >= 1 */
	const char *const *fields;      /* each NUL-terminated */
	const size_t *lens;             /* byte lengths, without the NUL */
};

/*
 * csv_open - a reader over buf[0..len), which is borrowed and must
 * outlive it.  Caller frees with csv_close().  Returns 0 or IRO_ENOMEM.
 */
int csv_open(const char *buf, size_t len, const struct csv_limits *lim,
    struct csv_reader **out);

/* csv_close - free r.  NULL is a no-op. */
void csv_close(struct csv_reader *r);

/*
 * csv_next - the next record in *row, or *row = NULL at the end of the
 * input.  Returns 0, IRO_EINVAL (a malformed record) or IRO_ETOOBIG (a
 * field too long or too many fields; after either the reader resumes at
 * the next line; or more than max_records, and then it stops), or
 * IRO_ENOMEM, with a reason in why and the line the error is on in
 * *line.  On success *line is the record's first line.
 */
int csv_next(struct csv_reader *r, const struct csv_row **row, size_t *line,
    char *why, size_t whylen);

#endif
