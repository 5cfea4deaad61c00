/*
 * patterns.h - the provider table (phrases.h) compiled into Vectorscan
 * databases, once per audit.
 *
 * Matching runs in two stages so that the pass over every byte is a
 * literal search:
 *   find    one anchor word per phrase (its most distinctive word:
 *           "ChatGPT", "Qwen", "knowledge"), a caseless literal that
 *           ends a word (non-ASCII anchors raw and \u-escaped); and the
 *           JSON keys of origin_model_keys, quoted, whose values the
 *           caller reads ("generator": "org/gemma-2-9b-it");
 *   phrase  the phrases themselves as caseless literals, matched only in
 *           records an anchor hit, after normalize.h has folded escapes,
 *           blanks and apostrophes;
 *   stream  phrases tolerant of every form without normalising (any
 *           blank run, raw or escaped; curly, escaped or HTML-encoded
 *           apostrophes; \uXXXX letters) and, per provider, a metadata
 *           key with a value starting with one of its model prefixes, for
 *           the rare record longer than a chunk that cannot be held.
 *           Compiled on first use: it takes most of a second.
 */
#ifndef PDG_DATASET_ORIGIN_PATTERNS_H
#define PDG_DATASET_ORIGIN_PATTERNS_H

#include <hs.h>

/* What a pattern is evidence of. */
enum origin_evidence {
	EV_ANCHOR = 0,  /* find: a phrase may be here */
	EV_SELF = 1,    /* self-identification phrase */
	EV_META = 2,    /* metadata key naming a model */
	EV_TMPL = 3,    /* refusal / boilerplate template */
	EV_KEY = 4      /* find: a metadata key; its value is read */
};

/* Word boundaries a literal match must have, checked by the caller:
 * Vectorscan's \b would turn literals into slower, slower-to-compile
 * patterns. */
#define BOUND_START 1u  /* no word character before (to - len) */
#define BOUND_END 2u    /* no word character at `to` */

struct origin_set {
	hs_database_t *db;
	unsigned *provider;     /* by pattern id */
	unsigned char *evidence;
	unsigned char *bound;   /* BOUND_* */
	unsigned *len;          /* bytes a literal match spans */
	unsigned count;
	/* find: how far from an anchor its phrase can reach, raw (blanks
	 * escaped, letters \u-escaped) */
	unsigned reach;
};

/** 1 when a literal match of pattern id ending at `to` in s[0..n) has
 *  the word boundaries it needs. */
int origin_bounded(const struct origin_set *set, unsigned id,
                   const char *s, size_t n, size_t to);

struct origin_db {
	struct origin_set find, phrase, stream;
};

/** Compile `find` and `phrase`.  0 or <0 with the error set. */
int origin_db_compile(struct origin_db *db);
/** Compile `stream` if not yet done.  0 or <0. */
int origin_db_stream(struct origin_db *db);
void origin_db_free(struct origin_db *db);

/** A phrase as a tolerant pattern (the stream set); caller frees. */
char *origin_phrase_pattern(const char *phrase);
/** The anchor word of a phrase: *len bytes at the returned pointer. */
const char *origin_phrase_anchor(const char *phrase, size_t *len);

#endif
