/* fp.h - the fingerprint module's internal types (docs/fingerprint.md).
 *
 * A model's scores of one probe text are a *record*: the bytes of the
 * tokens it scored (the probe text, maybe inside a longer prompt), and per
 * token its log-probability and its top-k alternatives.  Alternatives are
 * kept as (log-probability, hash of the bytes, first byte): the hash
 * tells tokens apart when two models share a tokenizer, the first byte is
 * all the next-byte marginal needs.  Dense logits add, per token, the
 * exact next-byte marginal and where its row lives in the file.
 */
#ifndef PDG_FP_H
#define PDG_FP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pedigree/fingerprint.h"

/* Bounds that hold whatever the input. */
#define PDG_FP_MAX_TOPK 32          /* alternatives kept per position */
#define PDG_FP_MAX_MODELS 512
#define PDG_FP_MAX_PROBES 200000
#define PDG_FP_MAX_TEXT (1u << 20)   /* bytes of one probe text */
#define PDG_FP_MAX_TOKENS (1u << 20) /* tokens in one record */
#define PDG_FP_MAX_TOKEN_BYTES 4096  /* bytes of one token */
#define PDG_FP_MAX_FILES 64          /* scores files per model */
#define PDG_FP_MAX_ID 512            /* bytes of a model or probe id */

/* A token's first byte when it has none (end of text, special). */
#define PDG_FP_NO_BYTE (-1)

typedef struct pdg_fp_alt {
	float lp;
	uint32_t hash;
	int16_t first;          /* first byte, or PDG_FP_NO_BYTE */
} pdg_fp_alt;

/* One entry of an exact next-byte marginal (dense rows). */
typedef struct pdg_fp_bytep {
	float p;
	int16_t b;              /* byte, or PDG_FP_NO_BYTE */
} pdg_fp_bytep;

#define PDG_FP_NO_ROW UINT32_MAX

typedef struct pdg_fp_tok {
	uint32_t start;         /* offset in the record's bytes */
	uint32_t len;
	float lp;               /* NaN: not scored (first prompt token) */
	uint32_t hash;          /* of the token's bytes */
	uint32_t alt;           /* first alternative in record.alt */
	uint16_t nalt;
	uint16_t nbm;           /* exact byte marginal entries (dense) */
	uint32_t bm;            /* first entry in record.bm */
	uint32_t row;           /* dense: row predicting this token */
	float tail;             /* probability outside alt[] (dense: exact
	                           remainder; top-k: 1 - sum) */
} pdg_fp_tok;

typedef struct pdg_fp_record {
	char *probe;            /* probe id */
	int generated;          /* the model generated this text */
	uint8_t *bytes;
	uint32_t nbytes;
	pdg_fp_tok *tok;
	uint32_t ntok;
	pdg_fp_alt *alt;
	uint32_t nalt;
	pdg_fp_bytep *bm;
	uint32_t nbm;
	int dense;              /* rows are in the model's dense file */
	char *tensor;           /* dense: name of the logits tensor */
} pdg_fp_record;

/* String -> index map (open addressing; keys borrowed). */
typedef struct pdg_fp_map {
	const char **keys;
	uint32_t *vals;
	size_t cap, len;
} pdg_fp_map;

int pdg_fp_map_put(pdg_fp_map *m, const char *key, uint32_t val);
/* Index of key, or -1. */
long pdg_fp_map_get(const pdg_fp_map *m, const char *key);
void pdg_fp_map_free(pdg_fp_map *m);

uint32_t pdg_fp_hash(const void *data, size_t len);

typedef struct pdg_fp_dense pdg_fp_dense;

/* A model's scores: every record from its files. */
typedef struct pdg_fp_scores {
	pdg_fp_record *rec;
	size_t nrec, cap;
	pdg_fp_map by_probe;
	uint64_t positions;
	pdg_fp_dense *dense;    /* open dense logits, or NULL */
} pdg_fp_scores;

void pdg_fp_scores_free(pdg_fp_scores *s);
/* Append a new empty record for `probe`; PDG_EINVALID if the probe is
 * already there. */
int pdg_fp_scores_add(pdg_fp_scores *s, const char *file,
                      const char *probe, pdg_fp_record **out);
/* Add a token (bytes appended to the record); returns its index. */
int pdg_fp_record_add_token(pdg_fp_record *r, const uint8_t *bytes,
                            size_t len, float lp);
/* Add an alternative to the last token (best first is not required). */
void pdg_fp_record_add_alt(pdg_fp_record *r, const uint8_t *bytes,
                           size_t len, float lp);
/* Sort the last token's alternatives, keep the best PDG_FP_MAX_TOPK,
 * set its tail. */
void pdg_fp_record_end_token(pdg_fp_record *r);
void pdg_fp_record_clear(pdg_fp_record *r);

/* Limits of one load. */
typedef struct pdg_fp_limits {
	uint64_t max_line;
	uint64_t max_positions;  /* left to this model */
} pdg_fp_limits;

/* ---- parsers (jsonl.c, dense.c, vocab.c) ---------------------------- */

/* One JSONL line: a server response (or a wrapper around one, see
 * docs/fingerprint.md) becomes one record of `s`.  `line_no` and `file`
 * name the place in errors.  Blank lines are skipped by the caller. */
int pdg_fp_parse_line(pdg_fp_scores *s, const char *file,
                      unsigned long line_no, const char *line, size_t len,
                      pdg_fp_limits *lim);
/* Every line of a JSONL file. */
int pdg_fp_load_jsonl(pdg_fp_scores *s, const char *path,
                      pdg_fp_limits *lim);

/* Token strings of a vocabulary: tokenizer.json (byte-level BPE or
 * SentencePiece-style) or a JSON list of strings. */
typedef struct pdg_fp_vocab {
	uint8_t **tok;
	uint16_t *len;
	size_t n;
} pdg_fp_vocab;

int pdg_fp_vocab_parse(pdg_fp_vocab *v, const char *name,
                       const char *data, size_t len);
int pdg_fp_vocab_load(pdg_fp_vocab *v, const char *path);
void pdg_fp_vocab_free(pdg_fp_vocab *v);

/* Dense logits: a safetensors file with logits.<probe> [n, V] (F32, F16,
 * BF16) and input_ids.<probe> [n] (I32, I64).  Loading computes each
 * record's scores, top-k, exact next-byte marginal and tail. */
int pdg_fp_load_dense(pdg_fp_scores *s, const char *path,
                      const char *vocab_path, pdg_fp_limits *lim,
                      unsigned threads);
/* Header of a safetensors file held in memory: tensors found, checked
 * against the file size.  For the fuzzer and the loader. */
typedef struct pdg_fp_tensor {
	char *name;
	int dtype;              /* pdg_fp_dtype, or -1 for ints */
	int int_bytes;          /* 4 or 8 for I32/I64 */
	uint64_t dims[2];
	int ndim;
	uint64_t offset;        /* absolute file offset of the data */
	uint64_t nbytes;
} pdg_fp_tensor;

int pdg_fp_safetensors_header(pdg_fp_tensor **out, size_t *n,
                              const char *name, const uint8_t *data,
                              size_t len, uint64_t file_size);
void pdg_fp_tensors_free(pdg_fp_tensor *t, size_t n);

/* Read rows [row, row + n) of a record's logits as floats. */
int pdg_fp_dense_rows(pdg_fp_dense *d, const pdg_fp_record *r,
                      uint32_t row, uint32_t n, float *out,
                      uint32_t *vocab);
uint32_t pdg_fp_dense_vocab(const pdg_fp_dense *d);
void pdg_fp_dense_free(pdg_fp_dense *d);

/* ---- manifest (manifest.c) ----------------------------------------- */

typedef struct pdg_fp_model_spec {
	char *id;
	pdg_fp_role role;
	char **files;           /* logprobs JSONL, resolved paths */
	size_t nfiles;
	char *dense;            /* safetensors logits, or NULL */
	char *vocab;            /* its vocabulary */
	char *serving;          /* JSON object text, or NULL */
} pdg_fp_model_spec;

typedef struct pdg_fp_probe_spec {
	char *id;
	char *generator;        /* model id, or NULL: inferred */
	char *text;             /* or NULL: the generator's own output */
	size_t len;
} pdg_fp_probe_spec;

struct pdg_fp_manifest {
	char *path;
	char *dir;
	char *student;
	char *component;
	pdg_fp_model_spec *models;
	size_t nmodels;
	pdg_fp_probe_spec *probes;
	size_t nprobes, cap_probes;
	pdg_fp_map probe_ids;
	/* Defaults the manifest sets; the caller's options win where it
	 * set them explicitly. */
	int has_permutations, has_alpha, has_seed;
	uint32_t permutations;
	double alpha;
	uint64_t seed;
};

/* A manifest held in memory; `path` names it and its folder. */
int pdg_fp_manifest_parse(pdg_fp_manifest **out, const char *path,
                          const char *data, size_t len);

/* ---- the study: models loaded, probes resolved (run.c) -------------- */

typedef struct pdg_fp_probe {
	const char *id;
	int generator;          /* model index, -1 none */
	const uint8_t *text;
	uint32_t len;
} pdg_fp_probe;

typedef struct pdg_fp_study {
	size_t nmodels;
	const char **ids;
	pdg_fp_role *roles;
	pdg_fp_scores **scores; /* borrowed */
	pdg_fp_probe *probes;
	size_t nprobes;
	int student;            /* model index */
} pdg_fp_study;

struct pdg_fp_result {
	pdg_fp_verdict *v;
	size_t n;
	char *student;
	char *device;
	uint32_t permutations;
	double alpha;
	uint64_t seed;
	uint32_t probes;
	uint32_t panel;
	char **panel_ids;       /* the controls and siblings */
	size_t npanel;
	char **notes;
	size_t nnotes;
};

void pdg_fp_result_note(pdg_fp_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct pdg_fp_backend;

/* Run the statistics on loaded models (test.c).  `o` must carry final
 * values (permutations, alpha, seed set). */
int pdg_fp_study_run(pdg_fp_result **out, const pdg_fp_study *st,
                     const pdg_fp_options *o, struct pdg_fp_backend *be);
const char *pdg_fp_role_name(pdg_fp_role r);
/* {verdict, p_value, p_permutation, p_rank, effect_nats, queries,
 * method, teacher, student} of a verdict: the audit finding's
 * properties and the core of the JSON result (output.c). */
struct json_t;
struct json_t *pdg_fp_verdict_core(const pdg_fp_verdict *v);
/* "distilled-from", "no-evidence" or "untested". */
const char *pdg_fp_verdict_word(const pdg_fp_verdict *v);
/* (b + 1) / (B + 1) over B random relabellings of which nt of the n
 * values are the first group, for the difference of group means; *z
 * (may be NULL) is the observed difference in standard deviations of
 * the permutation distribution. */
double pdg_fp_permutation_p(const double *v, uint32_t nt, uint32_t n,
                            uint32_t B, uint64_t seed, double *z);
/* P(T > t) for Student's t with nu degrees of freedom. */
double pdg_fp_t_upper(double t, double nu);
/* Holm's adjustment; NaN entries are not tested and stay NaN. */
void pdg_fp_holm(const double *p, double *adj, size_t n);

/* Open a regular file (never a FIFO or device): fd, or <0 with the
 * error set.  `size` may be NULL. */
int pdg_fp_open_fd(const char *path, uint64_t *size);
FILE *pdg_fp_fopen(const char *path);
/* A whole file of at most `max` bytes, NUL-terminated. */
int pdg_fp_read_file(const char *path, size_t max, char **data,
                     size_t *len);

/* Prefix the thread's error message ("file: " + message), keeping the
 * code.  Returns the code. */
int pdg_fp_error_wrap(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
