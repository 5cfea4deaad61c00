/*
 * patterns.h - the provider table (phrases.h) compiled into Vectorscan
 * databases, once per audit.
 *
 * Matching runs in two stages so that the pass over every byte is a
 * literal search:
 *   find    the anchor word of each phrase (its most distinctive word:
 *           "ChatGPT", "Qwen", "knowledge"), caseless literals that end a
 *           word (non-ASCII anchors raw and \u-escaped); a phrase whose
 *           anchor is a common word has a second one ("AI" beside
 *           "language"), which the caller looks for near the first; and the
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

#include <stddef.h>
#include <stdint.h>

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
#define BOUND_SOLO 4u   /* find: an anchor without a bit, enough alone */

/* find: what a record needs to be worth matching one phrase against. */
struct origin_need {
	uint64_t first;         /* the bit of its first anchor */
	char second[32];        /* a second anchor word, or "" */
	size_t second_len;
};

struct origin_set {
	hs_database_t *db;
	unsigned *provider;     /* by pattern id */
	unsigned char *evidence;
	unsigned char *bound;   /* BOUND_* */
	unsigned *len;          /* bytes a literal match spans */
	uint64_t *bit;          /* find: the anchor's bit */
	struct origin_need *need; /* find: per phrase */
	size_t nneed;
	unsigned nbits;
	size_t minlen;          /* phrase: the shortest literal */
	unsigned count;
	/* find, by pattern id: how far before the end of an anchor's match
	 * and after it the phrases it anchors can reach, raw (blanks
	 * escaped, letters \u-escaped) */
	unsigned *before, *after;
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

/** 1 when a record whose anchor hits are `mask`, with the bytes s[0..n)
 *  around them, may hold a phrase: the first anchor of one is there, and
 *  its second, if it has one, is in s. */
int origin_candidate(const struct origin_set *set, uint64_t mask,
                     const char *s, size_t n);

/** A phrase as a tolerant pattern (the stream set); caller frees. */
char *origin_phrase_pattern(const char *phrase);
/** The anchors of a phrase, its most distinctive word and, when there is
 *  a good one, a second: w[i][0..n[i]).  Returns 1 or 2. */
int origin_phrase_anchors(const char *phrase, const char *w[2],
                          size_t n[2]);

#endif
