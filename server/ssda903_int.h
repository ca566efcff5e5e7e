/*
 * ssda903_int.h - private to the SSDA903 reader (ssda903.c reads the
 * tables, ssda903_derive.c checks them against each other and derives
 * each child).  Nothing else includes this file; callers use ssda903.h.
 *
 * The s9_ prefix marks these internals of the ssda903 module.
 */
#ifndef SSDA903_INT_H
#define SSDA903_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ssda903.h"

#define S9_REASON_MAX 320
/* A date that did not parse (kept so other checks can skip it). */
#define S9_NO_DAY INT32_MIN

struct s9_problem {
	int table;
	size_t line;
	size_t order;                   /* keeps equal lines in found order */
	char reason[S9_REASON_MAX];
};

/* One Episodes row; strings "" when empty or bad. */
struct s9_episode {
	char child_id[SSDA903_CHILD_MAX + 1];
	size_t line;
	cal_day decom;
	char rne[2];
	char ls[3];
	char place[4];
	char provider[4];
	bool has_dec;
	cal_day dec;
	char rec[4];                    /* "" when empty or bad */
	bool has_rec;                   /* REC was given (valid or not) */
	char postcode[9];
	char council[10];
};

/* One Reviews row (only rows whose CHILD and REVIEW parsed). */
struct s9_review_row {
	char child_id[SSDA903_CHILD_MAX + 1];
	size_t line;
	bool has_dob;
	cal_day dob;
	cal_day date;
	char code[4];
};

/* One Allocations row (only rows whose CHILD parsed). */
struct s9_alloc {
	char child_id[SSDA903_CHILD_MAX + 1];
	size_t line;
	char iro[LIMIT_USER_MAX + 1];
	char given_name[SSDA903_NAME_MAX + 1];
	char family_name[SSDA903_NAME_MAX + 1];
	char social_worker[SSDA903_NAME_MAX + 1];
};

/* The reader's state while one extract is read. */
struct s9 {
	const struct ssda903_text *t;
	const struct ssda903_opts *o;
	struct s9_problem *p;           /* SSDA903_PROBLEMS_MAX of them */
	size_t np, total;
	struct ssda903_extract *x;      /* children are read into it */
	/* Rows of each table that could not be read at all: one of them
	 * might be the row another table's check looks for. */
	size_t unread[SSDA903_TABLES];
	size_t capc;
	struct s9_episode *eps;
	size_t neps, cape;
	struct s9_review_row *revs;
	size_t nrevs, capr;
	struct s9_alloc *allocs;
	size_t nallocs, capa;
};

/* s9_problem - note a problem at line of table (always returns 0, so a
 * checker can `return s9_problem(...)` and go on). */
int s9_problem(struct s9 *s, int table, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* s9_grow - make room for one more element in *a (n used, *cap
 * allocated, each size bytes).  Returns 0 or IRO_ENOMEM/IRO_ETOOBIG. */
int s9_grow(void **a, size_t *cap, size_t n, size_t size);

/* s9_read_tables - read every row of the four tables into s. */
int s9_read_tables(struct s9 *s);

/* s9_cross_check - the checks between rows and tables, and (when there
 * is no problem) the derivation of each child. */
int s9_cross_check(struct s9 *s);

#endif
