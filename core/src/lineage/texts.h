/* texts.h - the documents of the audited repositories, kept for checks.
 *
 * Obligations are checked, not assumed: "is the Gemma notice in a NOTICE
 * file?", "does the model card say Built with Llama?", "does the card name
 * this teacher?".  Those questions are asked after every detector has run,
 * so the engine keeps the text of model cards and licence-bearing files
 * (never weights, never archive members), normalised for phrase search and
 * bounded in total.
 */
#ifndef PDG_TEXTS_H
#define PDG_TEXTS_H

#include <stddef.h>
#include <stdint.h>

#include "pedigree/plugin.h"

/* Bytes of one document kept; the rest of a longer file is not searched. */
#define PDG_TEXTS_MAX_DOC (1u << 20)
/* Bytes of all documents kept by one audit. */
#define PDG_TEXTS_MAX_TOTAL (32u << 20)

typedef struct pdg_text {
	char *component;
	char *source;
	char *path;                /* inside the source */
	char *commit;              /* git: the commit read, else NULL */
	pdg_artifact_kind kind;
	char *norm;                /* lower case, one space per blank run,
	                              straight quotes, no markdown marks */
	size_t norm_len;
	uint32_t *line_at;         /* line_at[i]: offset in norm where line
	                              i + 1 begins */
	uint32_t nlines;
	char *title;               /* model cards: the first "# " heading
	                              after the front matter, or NULL */
	uint64_t hash;             /* XXH3-64 of the bytes read */
	uint64_t size;             /* size of the file */
	int complete;              /* the whole file was read and hashed */
} pdg_text;

typedef struct pdg_texts pdg_texts;

pdg_texts *pdg_texts_new(void);
void pdg_texts_free(pdg_texts *t);

/** Keep one document.  Returns 0, or PDG_ELIMIT when the store is full
 *  (the document is then not kept; checks that needed it say "not
 *  found"). */
int pdg_texts_add(pdg_texts *t, const char *component, const char *source,
                  const char *path, const char *commit,
                  pdg_artifact_kind kind, const uint8_t *data, size_t len,
                  uint64_t size);
size_t pdg_texts_count(const pdg_texts *t);
const pdg_text *pdg_texts_at(const pdg_texts *t, size_t i);

/** Normalise `s` the way documents are (new string). */
char *pdg_texts_normalise(const char *s);

/**
 * Search `component`'s documents whose kind is in `kinds` (PDG_KIND_BIT
 * mask; 0 = any) and, when name_prefix is set, whose file name starts with
 * it (ASCII case-insensitive), for `phrase` (normalised here).  Documents
 * are tried in path order.  Returns 1 and sets *where and *line (1-based)
 * on a match, 0 otherwise.
 */
int pdg_texts_find(const pdg_texts *t, const char *component,
                   uint32_t kinds, const char *name_prefix,
                   const char *phrase, const pdg_text **where,
                   uint32_t *line);

/** The first document of `component` whose file name starts with
 *  `name_prefix` (path order); NULL when none. */
const pdg_text *pdg_texts_named(const pdg_texts *t, const char *component,
                                const char *name_prefix);

/** The document at `path` in `source`, or NULL. */
const pdg_text *pdg_texts_get(const pdg_texts *t, const char *source,
                              const char *path);

#endif
