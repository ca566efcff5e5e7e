/*
 * text.h - plain-text output for people: times, values and aligned
 * tables.  (JSON for scripts is out.h.)
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "irosync.h"

#define TEXT_TIME_LEN 32

/*
 * text_iso_time - ms since the epoch as ISO 8601 UTC to the second,
 * "2026-11-23T10:15:00Z".  Cannot fail (negative times print as the
 * epoch).
 */
void text_iso_time(int64_t ms, char out[TEXT_TIME_LEN]);

/*
 * text_value - a value as a person reads it into a malloc'd string:
 * "-" for nil, "yes"/"no", digits, or the string itself.  Caller frees.
 * Returns 0 or IRO_ENOMEM.
 */
int text_value(const struct iro_value *v, char **out);

struct text_table;

/*
 * text_table_new - a table of ncols columns whose cells are cut to
 * max_width characters (0: no limit) and have control characters shown
 * as spaces.  *out is new; caller frees with text_table_free().
 */
int text_table_new(size_t ncols, size_t max_width, struct text_table **out);

/* text_table_add - append a row of ncols cells (copied; NULL reads as
 * ""). Returns 0 or IRO_ENOMEM. */
int text_table_add(struct text_table *t, const char *const *cells);

/* text_table_print - write the rows with columns aligned, two spaces
 * apart.  Returns 0 or IRO_EIO. */
int text_table_print(const struct text_table *t, FILE *f);

void text_table_free(struct text_table *t);

/*
 * text_days_left - working days left as a person reads them, into buf:
 * "-" when nothing is due, "overdue N" (N working days) when overdue
 * ("overdue" alone when not a whole working day late), else N.
 */
void text_days_left(int due, int overdue, int left, char *buf, size_t len);

#endif
