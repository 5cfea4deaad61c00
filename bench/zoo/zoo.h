/* zoo.h - a zoo of small language models with known lineage, trained in
 * C on the CPU, deterministic from a seed (bench/README.md, "zoo").
 *
 * Models are interpolated n-gram models (Dirichlet smoothing, orders 2
 * to 5) over their own tokenizer: bytes, or a small BPE vocabulary
 * learnt from their own data.  Counts may be fractional, which makes
 * logit and top-k distillation exact maximum-likelihood fits of the
 * teacher's distributions.  Training text is generated from a synthetic
 * language (and, optionally, read from Debian text files).
 */
#ifndef PDG_ZOO_H
#define PDG_ZOO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- random numbers ---------------------------------------------- */

typedef struct zrng {
	uint64_t s;
} zrng;

uint64_t zrng_next(zrng *r);
double zrng_unif(zrng *r);              /* [0, 1) */
uint32_t zrng_below(zrng *r, uint32_t n);
zrng zrng_split(uint64_t seed, uint64_t stream);

/* ---- text ------------------------------------------------------------ */

typedef struct ztext {
	char *p;
	size_t n, cap;
} ztext;

void ztext_put(ztext *t, const char *s, size_t n);
void ztext_free(ztext *t);

typedef struct zlang zlang;

/* The synthetic language of the whole zoo, from its seed. */
zlang *zlang_new(uint64_t seed);
void zlang_free(zlang *l);
/* A data shard: paragraphs about the shard's favourite topics, plus
 * Debian text when `extra` is not NULL. */
void zlang_shard(const zlang *l, uint64_t seed, size_t bytes,
                 const ztext *extra, ztext *out);
/* Text files of a folder (ASCII kept), for --corpus. */
int zcorpus_read(const char *dir, ztext *out);

/* ---- tokenizers ------------------------------------------------------ */

#define ZTOK_MAXV 1024
#define ZTOK_MAXLEN 48

typedef struct ztok {
	int V;                     /* 256 + merges */
	uint8_t *bytes[ZTOK_MAXV];
	uint16_t len[ZTOK_MAXV];
	int16_t *rank;             /* [V * V]: merge rank of a pair, -1 */
	uint16_t merge_to[ZTOK_MAXV];
	char name[32];
} ztok;

/* Bytes, or a BPE of `V` tokens learnt from `text`. */
ztok *ztok_bytes(void);
ztok *ztok_bpe(const char *text, size_t n, int V, const char *name);
void ztok_free(ztok *t);
/* Token ids of text; returns the count (ids has room for n). */
size_t ztok_encode(const ztok *t, const char *text, size_t n,
                   uint16_t *ids);

/* ---- n-gram models ------------------------------------------------- */

#define ZM_MAXORDER 5

typedef struct zmodel zmodel;

zmodel *zmodel_new(const ztok *t, int order, const float *alpha,
                   float beta);
void zmodel_free(zmodel *m);
/* A copy with its own counts (a base to fine-tune). */
zmodel *zmodel_clone(const zmodel *m);
/* Add the n-gram counts of ids, each weighted w. */
void zmodel_train(zmodel *m, const uint16_t *ids, size_t n, float w);
/* Distillation: at each position of ids (teacher's tokenizer), add the
 * teacher's top-k probabilities as fractional counts (renormalised when
 * `renorm`), weighted w. */
void zmodel_distill(zmodel *m, const zmodel *teacher, const uint16_t *ids,
                    size_t n, int k, int renorm, float w);
/* Next-token distribution after ids[0..n) into p[V]. */
void zmodel_dist(const zmodel *m, const uint16_t *ids, size_t n, float *p);
const ztok *zmodel_tok(const zmodel *m);
/* Indices of the k largest of p[V] (ties to the lower index). */
int ztopk(const float *p, int V, int k, uint16_t *out);
/* Sample `count` tokens after the prompt ids[0..n) (ids has room). */
size_t zmodel_sample(const zmodel *m, uint16_t *ids, size_t n,
                     size_t count, zrng *r);

/* ---- writing scores as servers do --------------------------------- */

typedef enum zshape {
	ZS_OPENAI = 0,    /* chat logprobs.content / vLLM prompt_logprobs */
	ZS_LLAMACPP,      /* chat content with token ids / legacy echo */
	ZS_OLLAMA,        /* native logprobs[] / vLLM prompt_logprobs */
	ZS_BATCH          /* OpenAI batch output wrapper */
} zshape;

typedef struct zprobe {
	char id[32];
	int generator;             /* model index */
	char *prompt;
	char *text;                /* the generated continuation */
	uint16_t *own_ids;         /* the generator's sampled tokens */
	size_t own_n;
} zprobe;

/* One record: the model's scores of prompt + text (teacher-forced), or
 * of its own generation (`own`), top-k alternatives. */
void zwrite_record(FILE *f, const zmodel *m, const char *model_name,
                   const zprobe *p, int own, int k, zshape shape);
/* Dense logits of every probe (log-probabilities as logits) as
 * safetensors with input_ids, F32 or BF16; and the vocabulary as a JSON
 * list.  0 or -1. */
int zwrite_dense(const char *path, const char *vocab_path,
                 const zmodel *m, const zprobe *p, size_t np, int bf16);
void zjson_str(FILE *f, const char *s, size_t n);
/* Significant digits of the log-probabilities written (default 7). */
extern int zwrite_digits;
/* Write the optional "bytes" lists of chat logprobs (default 1). */
extern int zwrite_bytes;

#endif
