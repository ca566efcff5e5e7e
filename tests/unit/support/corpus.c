/*
 * corpus.c - replaying a fuzz corpus in a unit test (corpus.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "corpus.h"

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open '%s'", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);     /* + 1: an empty file is valid */
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void
corpus_replay(const char *dir, size_t min,
    int (*fn)(const uint8_t *data, size_t size), const char **current)
{
	char path[512];
	struct dirent *de;
	size_t len, n = 0;
	uint8_t *buf;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		fail_msg("cannot read the corpus '%s'", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		*current = path;
		buf = slurp(path, &len);
		fn(buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	*current = "";
	if (n < min)
		fail_msg("the corpus '%s' has %zu files, expected at least %zu",
		    dir, n, min);
}
