/*
 * chunk.h - the evidence in one chunk of complete records.
 *
 * The reader (dataset_origin.c) cuts a dataset into chunks of whole
 * records and hands each to origin_chunk_run(), on a worker thread or
 * inline.  A chunk is scanned in one Vectorscan block call; matches are
 * mapped to their records; only records with a match are looked at
 * further: model names are read from the raw bytes after a metadata
 * match, and a record with a phrase is parsed (jansson) to see whose
 * turn says it.  Results carry indexes into the chunk's spans, so the
 * reader can merge chunks in order and number everything exactly.
 *
 * The block scan looks for anchors and metadata keys only (patterns.h);
 * records with an anchor are normalised (normalize.h) and matched against
 * the phrases themselves.
 */
#ifndef PDG_DATASET_ORIGIN_CHUNK_H
#define PDG_DATASET_ORIGIN_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include <hs.h>

#include "patterns.h"
#include "records.h"
#include "util.h"

/* Bytes per chunk: records longer than this are scanned as a stream. */
#define ORIGIN_CHUNK ((size_t)4 << 20)
/* Bytes read into a chunk before it is cut after its last whole record
 * (more only while no record has ended).  Small enough that the bytes
 * just read are still in the core's L2 cache when they are split and
 * scanned: 4 MB reads cost 10% more CPU time than 512 KB ones. */
#define ORIGIN_READ ((size_t)512 << 10)
/* Records per chunk at most (bounds the span array). */
#define ORIGIN_SPANS 32768
/* Longest model name read from a metadata value. */
#define ORIGIN_MODEL_NAME_MAX 200

/* Record formats, as told by the keys of a record. */
enum origin_format {
	FMT_UNKNOWN = 0,   /* not parsed, or not JSON */
	FMT_SHAREGPT,      /* "conversations": [{"from", "value"}] */
	FMT_MESSAGES,      /* "messages": [{"role", "content"}] */
	FMT_ALPACA,        /* "instruction", "input", "output" */
	FMT_PROMPT,        /* "prompt" with "completion" / "response" */
	FMT_TEXT,          /* "text" or "content" */
	FMT_OTHER,         /* JSON, none of the above */
	FMT_COUNT_
};

const char *origin_format_name(int format);

/* A record with evidence.  Masks are of provider indexes. */
struct origin_rec {
	uint32_t span;          /* index into the chunk's spans */
	uint32_t self, meta, tmpl;
	uint32_t model, nmodel; /* its entries in origin_chunk.models */
	int anchor;             /* an anchor word seen */
	int solo;               /* an anchor that is enough alone */
	uint64_t anchors;       /* the anchor bits seen */
	uint32_t lo, hi;        /* the bytes its anchors' phrases can span */
};

struct origin_model {
	uint32_t span;          /* the record's */
	uint32_t provider;
	uint32_t off, len;      /* in origin_chunk.names */
};

struct origin_chunk {
	/* Input, filled by the reader. */
	char *buf;              /* ORIGIN_CHUNK bytes */
	size_t len;             /* bytes of whole records (and separators) */
	uint64_t base;          /* stream offset of buf[0] */
	struct rec_span *spans; /* ORIGIN_SPANS, absolute offsets */
	size_t nspans;
	int want_format;        /* tell the format of the first record */
	int model_col;          /* CSV/TSV: a metadata column, or -1 */
	char sep;               /* its field separator */

	/* Output of origin_chunk_run(). */
	struct origin_rec *recs;
	size_t nrecs, caprecs;
	int32_t *rec_of;        /* span -> index in recs, or -1 */
	struct origin_model *models;
	size_t nmodels, capmodels;
	pdg_buf names;
	uint64_t not_json;      /* records with a phrase that did not parse */
	uint64_t user_only;     /* phrases only in user turns: not counted */
	int format;
	int error;              /* the scan failed (scratch, database) */

	/* The pipeline's: `state` under its lock, `submitted` the reading
	 * thread's own. */
	int state;
	int submitted;
};

struct origin_hit {
	uint32_t to, id;        /* end offset in the chunk, pattern */
};

/* A worker's own scratch space, match buffer and normal-form text. */
struct origin_worker {
	hs_scratch_t *scratch;
	struct origin_hit *hits;
	size_t nhits, caphits;
	char *norm;
	size_t normcap;
	pdg_buf said[2];        /* what the model's and the user's turns say */
};

/** Buffers for a chunk; free with origin_chunk_free. */
void origin_chunk_init(struct origin_chunk *c);
void origin_chunk_free(struct origin_chunk *c);

/** Scan c->buf[0..len) and fill the output fields. */
void origin_chunk_run(const struct origin_db *db, struct origin_chunk *c,
                      struct origin_worker *w);

/** CSV/TSV header row[0..n): the first column named like a metadata key
 *  ("model", "generator"...), or -1. */
int origin_csv_model_column(const char *row, size_t n, char sep);

/** Provider of a model name by its prefixes (after any "org/"), or -1. */
int origin_model_provider(const char *name, size_t len);

#endif
