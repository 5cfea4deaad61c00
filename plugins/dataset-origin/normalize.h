/*
 * normalize.h - text in the one form the phrase patterns are written in.
 *
 * Datasets write the same words many ways: JSON escapes (\n, \u2019,
 * \u00e9, surrogate pairs, \"), curly or HTML-encoded apostrophes, runs of
 * blanks and no-break spaces, odd case.  Candidate records are rewritten
 * so that every blank run is one space and every apostrophe is "'"; case
 * is left to the caseless patterns.  The output is never longer than the
 * input, so a buffer of the input's size always suffices.
 */
#ifndef PDG_DATASET_ORIGIN_NORMALIZE_H
#define PDG_DATASET_ORIGIN_NORMALIZE_H

#include <stddef.h>

/** Write the normal form of s[0..n) to out (at least n bytes); returns
 *  its length. */
size_t origin_normalize(const char *s, size_t n, char *out);

#endif
