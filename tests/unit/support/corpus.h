/*
 * corpus.h - replaying a fuzz corpus in a unit test, so that `make test`
 * keeps every input a fuzzer ever found fixed.
 */
#ifndef CORPUS_H
#define CORPUS_H

#include <stddef.h>
#include <stdint.h>

/*
 * corpus_replay - run fn over every file in dir (relative to the
 * repository root; dot files skipped), setting *current to the file's
 * path for the duration of each call so a failure can name it.  Fails
 * the cmocka test if dir cannot be read or holds fewer than min files.
 */
void corpus_replay(const char *dir, size_t min,
    int (*fn)(const uint8_t *data, size_t size), const char **current);

#endif
