/* license_int.h - shared by the matcher, the clause extractor and the
 * database generator (which compiles normalize.c itself, so that the
 * database and the matcher always see the same tokens). */
#ifndef PDG_LICENSE_INT_H
#define PDG_LICENSE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "license/license.h"

/* Word n-gram size.  Changing it, or anything normalize.c does, changes
 * the database: bump LIC_NORM_VERSION and regenerate core/data/licdb.bin. */
#define LIC_NGRAM 5
#define LIC_NORM_VERSION 1u
#define LIC_TOKEN_MAX 64          /* bytes of one normalised token */
#define LIC_MAX_TOKENS (1u << 20) /* tokens analysed per text */
#define LIC_MAX_SPDX 8            /* SPDX-License-Identifier lines kept */

#define LIC_TOK_SENT 0x1u   /* first token of a sentence */
#define LIC_TOK_CJK  0x2u   /* one Han/Kana/Hangul character */
#define LIC_TOK_COPYRIGHT 0x4u /* on a line that starts with a copyright
                                  statement: where copies differ most */

typedef struct lic_tok {
	uint32_t off;       /* first source byte */
	uint32_t end;       /* one past the last source byte */
	uint32_t str;       /* offset of the normalised text in pool */
	uint32_t line;      /* 1-based */
	uint16_t len;       /* its length */
	uint16_t flags;     /* LIC_TOK_* */
} lic_tok;

typedef struct lic_spdx_line {
	uint32_t off;       /* the value after the colon */
	uint32_t len;
	uint32_t line;
} lic_spdx_line;

typedef struct lic_text {
	const char *src;
	size_t src_len;
	lic_tok *tok;
	uint64_t *hash;     /* per token */
	size_t n;
	size_t cap;
	char *pool;         /* token texts, each NUL-terminated */
	size_t pool_len;
	size_t pool_cap;
	uint32_t n_lines;
	lic_spdx_line spdx[LIC_MAX_SPDX];
	size_t n_spdx;
	int truncated;
} lic_text;

/** Tokenise and normalise src (borrowed for the life of t).  Never fails
 *  on content; stops at LIC_MAX_TOKENS or PDG_LICENSE_MAX_TEXT with
 *  t->truncated set. */
void lic_text_init(lic_text *t, const char *src, size_t len);
void lic_text_free(lic_text *t);
static inline const char *lic_tok_str(const lic_text *t, size_t i)
{
	return t->pool + t->tok[i].str;
}

/** A hash of what the normaliser makes of a sample exercising every rule:
 *  a database built by a different normaliser has a different one. */
uint64_t lic_norm_fingerprint(void);

/** Hash of one normalised token and of the n-gram starting at hashes[0]
 *  (count tokens, normally LIC_NGRAM). */
uint64_t lic_hash_token(const char *s, size_t len);
uint64_t lic_hash_ngram(const uint64_t *hashes, size_t count);
/** Number of n-gram positions of a text of n tokens (a text shorter than
 *  one n-gram is hashed as one short n-gram). */
static inline size_t lic_ngram_count(size_t n)
{
	return n >= LIC_NGRAM ? n - LIC_NGRAM + 1 : (n ? 1 : 0);
}
/* "3.1", "23", "700": versions, days and amounts, which tell one
 * version of a licence from the next.  Years (19xx, 20xx) are not: they
 * are mostly copyright years, which every copy changes. */
static inline int lic_tok_number(const lic_text *t, size_t i)
{
	const char *s = t->pool + t->tok[i].str;
	size_t n = t->tok[i].len;
	int digits = 0;

	for (size_t k = 0; k < n; k++) {
		if (s[k] >= '0' && s[k] <= '9')
			digits++;
		else if (s[k] != '.')
			return 0;
	}
	if (n == 4 && digits == 4 && (s[0] == '1' || s[0] == '2') &&
	    (s[1] == '9' || s[1] == '0'))
		return 0;
	return digits > 0;
}

static inline uint64_t lic_ngram_at(const lic_text *t, size_t i)
{
	size_t k = t->n >= LIC_NGRAM ? LIC_NGRAM : t->n;

	return lic_hash_ngram(t->hash + i, k);
}

/* ------------------------------------------------------------------ */
/* Database file format (little-endian; see docs/identification.md).   */

#define LIC_DB_MAGIC "PDGLICDB"
#define LIC_DB_VERSION 2u
#define LIC_DB_NOT_OWN 0x8000u  /* posting flag: n-gram of an included
                                   text, not the entry's own */
#define LIC_DB_MAX_ENTRIES 0x7fffu

enum { LIC_DB_KIND_SPDX = 0, LIC_DB_KIND_MODEL = 1 };

typedef struct lic_db_header {
	char magic[8];
	uint32_t version;
	uint32_t ngram;
	uint32_t norm_version;
	uint32_t n_entries;
	uint32_t n_keys;
	uint32_t n_postings;
	uint32_t n_idrefs;
	uint32_t n_children;
	uint32_t strings_size;
	uint32_t max_kept;
	uint32_t n_numbers;
	uint32_t reserved;
	uint64_t checksum;      /* XXH3-64 of everything after the header */
	uint64_t fingerprint;   /* lic_norm_fingerprint() of the generator */
} lic_db_header;

typedef struct lic_db_entry {
	uint32_t ids_first;     /* index into idrefs; first is preferred */
	uint16_t n_ids;
	uint8_t shift;          /* keeps n-grams with `shift` low bits 0 */
	uint8_t kind;           /* LIC_DB_KIND_* */
	uint32_t children_first;/* index into children */
	uint16_t n_children;    /* texts this one includes */
	uint16_t n_numbers;     /* distinct number tokens of the text */
	uint32_t numbers_first; /* index into numbers */
	uint32_t reserved;
} lic_db_entry;

typedef struct lic_db_key {
	uint32_t key;           /* high 32 bits of the n-gram hash */
	uint16_t df;            /* texts holding it, before sampling */
	uint16_t npost;         /* postings that follow */
} lic_db_key;

/* Sections follow the header in this order, each padded to 8 bytes:
 * entries, idrefs (u32 string offsets), keys (sorted by key), postings
 * (u16 entry index | LIC_DB_NOT_OWN, sorted per key), children (u16),
 * numbers (lic_db_number, sorted by key per entry), strings
 * (NUL-terminated ids). */

typedef struct lic_db_number {
	uint32_t key;           /* high 32 bits of the token's hash */
	uint32_t count;         /* occurrences in the text */
} lic_db_number;

static inline size_t lic_pad8(size_t n)
{
	return (n + 7u) & ~(size_t)7u;
}

/* In-memory view of a database, built by lic_db_init(). */
struct pdg_license_db {
	const uint8_t *data;
	size_t len;
	uint8_t *owned;          /* data when read from a file */
	const lic_db_header *hdr;
	const lic_db_entry *entries;
	const uint32_t *idrefs;
	const lic_db_key *keys;
	const uint16_t *postings;
	const uint16_t *children;
	const lic_db_number *numbers;
	const char *strings;
	/* derived */
	uint32_t *post_off;      /* n_keys + 1 */
	float *weight;           /* per key: ln(1 + N / df) */
	uint32_t *bucket;        /* 65537 ranges over the top 16 key bits */
	uint32_t *n_kept;        /* per entry */
	uint32_t *n_own;
	double *w_kept;
	double *w_own;
	int32_t *parent;         /* per entry: an entry including it, or -1 */
	const char **by_id;      /* every id, sorted case-insensitively */
	uint32_t *by_id_entry;
	size_t n_by_id;
	float w_max;             /* weight of an n-gram no text holds */
};

/** Validate data and build the derived tables.  data must stay valid and
 *  be 8-byte aligned.  0 or PDG_EINVALID. */
int lic_db_init(pdg_license_db *db, const uint8_t *data, size_t len);
void lic_db_fini(pdg_license_db *db);
/** Index of the key for hash h, or -1. */
long lic_db_lookup(const pdg_license_db *db, uint64_t h);
/** Start loading what lic_db_lookup(h) reads: stage 0 its bucket, stage
 *  1 (once the bucket is loaded) its first key.  Lookups are independent;
 *  prefetching a few ahead overlaps their cache misses. */
void lic_db_prefetch(const pdg_license_db *db, uint64_t h, int stage);
static inline uint32_t lic_db_key_of(uint64_t h)
{
	return (uint32_t)(h >> 32);
}
static inline const char *lic_db_entry_id(const pdg_license_db *db,
                                          size_t e, size_t j)
{
	return db->strings + db->idrefs[db->entries[e].ids_first + j];
}
/** Entry holding id (any of its ids), or -1. */
long lic_db_find_entry(const pdg_license_db *db, const char *id);

/** Clauses of an already tokenised text (clauses.c). */
int lic_clauses_extract(pdg_license_clause **out, size_t *n,
                        const lic_text *t);

/** Document kind from an id alone (AUP, usage policy...). */
pdg_license_doc lic_doc_from_id(const char *id);

#endif
