/* zoo.c - train a zoo of models with known lineage, write their scores
 * of probe texts in server formats, and measure the detector on them
 * through its real input path (bench/README.md, "zoo").
 *
 *   pedigree-zoo run [--size tiny|small|full] [--seed N] [--work DIR]
 *                    [--corpus DIR] [--assert] [--keep]
 *   pedigree-zoo write --out DIR [--size tiny] [--seed N]
 *
 * `run` evaluates every (student, candidate) pair with the library and
 * prints AUC, TPR at FPR 1%, precision and recall at alpha after Holm,
 * the empirical false-positive rate on null pairs and top-1 attribution,
 * ending with one key=value line.  `write` leaves the files and one
 * manifest per student for `pedigree fingerprint`.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "zoo.h"
#include "error.h"
#include "fingerprint/device.h"
#include "fingerprint/align.h"
#include "fingerprint/fp.h"

#define NTOK 4

typedef enum recipe {
	R_REAL = 0,      /* fine-tuned on real data only: a negative */
	R_LOGIT,         /* logit KD: the teacher's top-64 probabilities */
	R_TOPK,          /* top-20 KD, renormalised (what an API shows) */
	R_SEQ,           /* sequence-level KD: teacher samples, fraction f */
	R_CROSS,         /* sequence-level KD with another tokenizer */
	R_NREC
} recipe;

static const char *const recipe_name[] = { "real", "logit", "top20",
                                           "seq", "cross" };

struct size {
	const char *name;
	int teachers, controls, bases;
	int n_t, n_c;            /* probes per teacher / per control */
	int gen;                 /* tokens per probe continuation */
	size_t shard, ft;        /* bytes of a base shard, of fine-tuning */
	int seeds;               /* students per (recipe, teacher) */
	int reals;               /* real-data students */
	int full_grid;           /* every recipe and fraction */
	int topk;                /* top_logprobs written */
};

static const struct size sizes[] = {
	{ "tiny", 3, 4, 1, 12, 6, 32, 40000, 30000, 1, 2, 0, 8 },
	{ "small", 4, 6, 2, 24, 8, 40, 120000, 60000, 1, 8, 1, 20 },
	{ "full", 8, 16, 4, 24, 12, 64, 200000, 100000, 2, 32, 1, 20 },
};

struct spec {
	char name[64];
	pdg_fp_role role;
	recipe rc;
	double f;                /* teacher fraction (seq, cross) */
	int teacher;             /* index into teachers, -1 */
	int base;
	int tok;
	zmodel *m;
	pdg_fp_scores *scores;   /* loaded through the parser */
};

struct zoo {
	const struct size *sz;
	uint64_t seed;
	zlang *lang;
	ztext extra;
	int have_extra;
	ztok *tok[NTOK];
	struct spec *teach, *ctrl, *sib;
	int nsib;
	zprobe *probes;
	size_t nprobes;
	ztext prompts;
	char work[4096];
	int keep;
	int verbose;
	int tok_shift;           /* tokenizer of model i: (i + shift) % 4 */
	const int *tok_of;       /* or this, when set (sample) */
	int plain_controls;      /* controls untuned, as teachers (sample) */
};

/* ---- models ------------------------------------------------------- */

static void shard(struct zoo *z, uint64_t id, size_t bytes, ztext *out)
{
	zlang_shard(z->lang, z->seed * 1000003 + id, bytes,
	            z->have_extra ? &z->extra : NULL, out);
}

static uint16_t *encode(const ztok *t, const ztext *x, size_t *n)
{
	uint16_t *ids = malloc((x->n + 1) * sizeof(uint16_t));

	*n = ztok_encode(t, x->p, x->n, ids);
	return ids;
}

/* An independently trained model: its own shard, order, smoothing. */
static zmodel *independent(struct zoo *z, uint64_t id, int tok)
{
	zrng r = zrng_split(z->seed, 7000 + id);
	const ztok *t = z->tok[tok];
	int order = t->V == 256 ? 5 : 3 + (int)zrng_below(&r, 2);
	float alpha[ZM_MAXORDER], beta = 0.01f + 0.05f * (float)zrng_unif(&r);
	ztext x = { 0 };
	size_t n;

	for (int o = 0; o < ZM_MAXORDER; o++)
		alpha[o] = 0.5f + 3.0f * (float)zrng_unif(&r);
	zmodel *m = zmodel_new(t, order, alpha, beta);
	shard(z, id, z->sz->shard, &x);
	uint16_t *ids = encode(t, &x, &n);
	zmodel_train(m, ids, n, 1.0f);
	free(ids);
	ztext_free(&x);
	return m;
}

/* Text sampled from a model, from prompts of the student's pool. */
static void samples(struct zoo *z, const zmodel *m, uint64_t id,
                    size_t bytes, ztext *out)
{
	zrng r = zrng_split(z->seed, 9000 + id);
	const ztok *t = zmodel_tok(m);
	uint16_t *ids = malloc(4096 * sizeof(uint16_t));
	ztext pool = { 0 };

	shard(z, 50000 + id, 20000, &pool);
	while (out->n < bytes) {
		size_t a = zrng_below(&r, (uint32_t)(pool.n - 64));
		while (a < pool.n && pool.p[a] != ' ')
			a++;
		size_t n = ztok_encode(t, pool.p + a, 24, ids);
		size_t e = zmodel_sample(m, ids, n, 200, &r);
		for (size_t i = n; i < e; i++)
			ztext_put(out, (const char *)t->bytes[ids[i]],
			          t->len[ids[i]]);
		ztext_put(out, "\n", 1);
	}
	free(ids);
	ztext_free(&pool);
}

/* A student: base (shard `base`, tokenizer `tok`) plus its recipe. */
static zmodel *student(struct zoo *z, const struct spec *s, uint64_t id)
{
	zmodel *m = independent(z, 100 + (uint64_t)s->base * 16 +
	                        (uint64_t)s->tok, s->tok);
	const zmodel *T = s->teacher >= 0 ? z->teach[s->teacher].m : NULL;
	const ztok *t = z->tok[s->tok];
	ztext real = { 0 }, mix = { 0 };
	size_t n;

	shard(z, 20000 + id, z->sz->ft, &real);
	if (s->rc == R_REAL) {
		uint16_t *ids = encode(t, &real, &n);
		zmodel_train(m, ids, n, 2.0f);
		free(ids);
	} else if (s->rc == R_LOGIT || s->rc == R_TOPK) {
		uint16_t *ids = encode(t, &real, &n);
		zmodel_distill(m, T, ids, n, s->rc == R_LOGIT ? 64 : 20,
		               s->rc == R_TOPK, 2.0f);
		free(ids);
	} else {
		size_t want = (size_t)(s->f * z->sz->ft);
		samples(z, T, id, want, &mix);
		if (real.n > want)
			ztext_put(&mix, real.p, real.n - want);
		uint16_t *ids = encode(t, &mix, &n);
		zmodel_train(m, ids, n, 2.0f);
		free(ids);
	}
	ztext_free(&real);
	ztext_free(&mix);
	return m;
}

/* The sibling of a base: the same base fine-tuned on other real data. */
static struct spec *sibling(struct zoo *z, int base, int tok)
{
	for (int i = 0; i < z->nsib; i++)
		if (z->sib[i].base == base && z->sib[i].tok == tok)
			return &z->sib[i];
	z->sib = realloc(z->sib, (size_t)(z->nsib + 1) * sizeof(*z->sib));
	struct spec *s = &z->sib[z->nsib++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "zoo/sibling-b%d-%s", base,
	         z->tok[tok]->name);
	s->role = PDG_FP_SIBLING;
	s->rc = R_REAL;
	s->teacher = -1;
	s->base = base;
	s->tok = tok;
	s->m = student(z, s, 80000 + (uint64_t)base * 16 + (uint64_t)tok);
	return s;
}

/* ---- probes -------------------------------------------------------- */

static void make_probes(struct zoo *z)
{
	int nt = z->sz->teachers, nc = z->sz->controls;
	size_t total = (size_t)nt * z->sz->n_t + (size_t)nc * z->sz->n_c;
	zrng r = zrng_split(z->seed, 31);
	uint16_t *ids = malloc(8192 * sizeof(uint16_t));

	shard(z, 40000, 200000, &z->prompts);
	z->probes = calloc(total, sizeof(*z->probes));
	for (int g = 0; g < nt + nc; g++) {
		const struct spec *s = g < nt ? &z->teach[g] : &z->ctrl[g - nt];
		int count = g < nt ? z->sz->n_t : z->sz->n_c;
		const ztok *t = zmodel_tok(s->m);
		for (int i = 0; i < count; i++) {
			zprobe *p = &z->probes[z->nprobes++];
			snprintf(p->id, sizeof(p->id), "p%04zu", z->nprobes);
			p->generator = g;
			/* a prompt from the common pool, ending at a word */
			size_t a = zrng_below(&r, (uint32_t)(z->prompts.n - 80));
			while (a < z->prompts.n && z->prompts.p[a] != ' ')
				a++;
			size_t b = a + 1 + (z->sz->topk < 20 ? 12 : 24);
			while (b < z->prompts.n && z->prompts.p[b] != ' ')
				b++;
			p->prompt = strndup(z->prompts.p + a + 1, b - a - 1);
			size_t np = ztok_encode(t, p->prompt, strlen(p->prompt),
			                        ids);
			size_t e = zmodel_sample(s->m, ids, np,
			                         (size_t)z->sz->gen, &r);
			ztext x = { 0 };
			for (size_t k = np; k < e; k++)
				ztext_put(&x, (const char *)t->bytes[ids[k]],
				          t->len[ids[k]]);
			p->text = x.p ? x.p : strdup("");
			p->own_n = e - np;
			p->own_ids = malloc(p->own_n * sizeof(uint16_t));
			memcpy(p->own_ids, ids + np, p->own_n * sizeof(uint16_t));
		}
	}
	free(ids);
}

/* ---- files and the parser ------------------------------------------- */

static void file_name(const struct zoo *z, const struct spec *s, char *out,
                      size_t n, const char *ext)
{
	char clean[64];
	size_t k = 0;

	for (const char *p = s->name; *p && k + 1 < sizeof(clean); p++)
		clean[k++] = *p == '/' ? '_' : *p;
	clean[k] = '\0';
	snprintf(out, n, "%s/%s.%s", z->work, clean, ext);
}

/* Every probe scored by the model; the generator writes its own
 * completion.  The server shape rotates with `shape`. */
static int write_scores(const struct zoo *z, const struct spec *s,
                        int gen_index, int shape, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (size_t i = 0; i < z->nprobes; i++) {
		const zprobe *p = &z->probes[i];
		int own = p->generator == gen_index;
		zwrite_record(f, s->m, s->name, p, own, z->sz->topk,
		              (zshape)(shape % 4));
	}
	return fclose(f) == 0 ? 0 : -1;
}

static pdg_fp_scores *load(const char *path)
{
	pdg_fp_scores *s = calloc(1, sizeof(*s));
	pdg_fp_limits lim = { 64u << 20, 1u << 30 };

	if (pdg_fp_load_jsonl(s, path, &lim) < 0) {
		fprintf(stderr, "pedigree-zoo: %s\n", pdg_error_last());
		exit(3);
	}
	return s;
}

static void score_and_load(struct zoo *z, struct spec *s, int gen_index,
                           int shape)
{
	char path[4200];

	file_name(z, s, path, sizeof(path), "jsonl");
	if (write_scores(z, s, gen_index, shape, path) < 0) {
		fprintf(stderr, "pedigree-zoo: %s: %s\n", path,
		        strerror(errno));
		exit(3);
	}
	s->scores = load(path);
	if (!z->keep)
		unlink(path);
}

/* ---- the zoo -------------------------------------------------------- */

static void build_panel(struct zoo *z)
{
	int nt = z->sz->teachers, nc = z->sz->controls;
	ztext x = { 0 };

	z->tok[0] = ztok_bytes();
	for (int i = 1; i < NTOK; i++) {
		char name[16];
		snprintf(name, sizeof(name), "bpe%d", 256 + 128 * i);
		x.n = 0;
		shard(z, 60000 + (uint64_t)i, 60000, &x);
		z->tok[i] = ztok_bpe(x.p, x.n, 256 + 128 * i, name);
	}
	ztext_free(&x);
	z->teach = calloc((size_t)nt, sizeof(*z->teach));
	z->ctrl = calloc((size_t)nc, sizeof(*z->ctrl));
	for (int i = 0; i < nt + nc; i++) {
		struct spec *s = i < nt ? &z->teach[i] : &z->ctrl[i - nt];
		s->role = i < nt ? PDG_FP_TEACHER : PDG_FP_CONTROL;
		s->teacher = -1;
		s->tok = z->tok_of ? z->tok_of[i] : (i + z->tok_shift) % NTOK;
		snprintf(s->name, sizeof(s->name), i < nt ? "zoo/teacher-%d" :
		         "zoo/control-%d", i < nt ? i : i - nt);
		if (i < nt || z->plain_controls) {
			s->m = independent(z, (uint64_t)i, s->tok);
		} else {
			/* Controls are made as students are (a base tuned on
			 * real data), so an independent student is one more
			 * of them: a model with more training than the panel
			 * looks closer to any model of its family, which the
			 * rank test would read as lineage. */
			s->rc = R_REAL;
			s->base = 1000 + i;
			s->m = student(z, s, 70000 + (uint64_t)i);
		}
	}
	make_probes(z);
}

static void students(const struct zoo *z, struct spec **out, int *n)
{
	static const double fr[] = { 1.0, 0.5, 0.2, 0.05 };
	const struct size *sz = z->sz;
	struct spec *v = NULL;
	int k = 0, cap = 0, idx = 0;

	for (int t = 0; t < sz->teachers; t++)
		for (int rc = R_LOGIT; rc < R_NREC; rc++) {
			int nf = (rc == R_SEQ || rc == R_CROSS) ?
			         (sz->full_grid ? (rc == R_SEQ ? 4 : 2) : 1) : 1;
			if (!sz->full_grid && rc == R_LOGIT)
				continue;
			for (int fi = 0; fi < nf; fi++)
				for (int sd = 0; sd < sz->seeds; sd++) {
					if (k == cap) {
						cap = cap ? cap * 2 : 64;
						v = realloc(v, (size_t)cap *
						            sizeof(*v));
					}
					struct spec *s = &v[k++];
					memset(s, 0, sizeof(*s));
					s->role = PDG_FP_STUDENT;
					s->rc = (recipe)rc;
					s->f = (rc == R_SEQ || rc == R_CROSS) ?
					       fr[rc == R_CROSS ? fi * 2 : fi] :
					       1.0;
					s->teacher = t;
					s->base = idx % sz->bases;
					int tt = z->teach[t].tok;
					s->tok = rc == R_CROSS ?
					         (tt + 1 + idx % (NTOK - 1)) % NTOK :
					         tt;
					snprintf(s->name, sizeof(s->name),
					         "zoo/student-%d-%s", idx,
					         recipe_name[rc]);
					idx++;
				}
		}
	for (int i = 0; i < sz->reals; i++) {
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, (size_t)cap * sizeof(*v));
		}
		struct spec *s = &v[k++];
		memset(s, 0, sizeof(*s));
		s->role = PDG_FP_STUDENT;
		s->rc = R_REAL;
		s->f = 0;
		s->teacher = -1;
		s->base = idx % sz->bases;
		s->tok = idx % NTOK;
		snprintf(s->name, sizeof(s->name), "zoo/student-%d-real", idx);
		idx++;
	}
	*out = v;
	*n = k;
}

/* ---- evaluation ------------------------------------------------------ */

struct pair {
	int student, cand;
	int truth;               /* 1: the student's teacher */
	int positive;
	double p_perm, p_value, p_rank, z, zpanel, score, effect, p_panel;
	int pos_a;               /* the rule without p_panel */
	uint32_t queries;
};

static double auc(const struct pair *p, size_t n, const int *use)
{
	double wins = 0, np = 0, nn = 0;

	for (size_t i = 0; i < n; i++) {
		if (!use[i] || !p[i].truth)
			continue;
		np++;
		for (size_t j = 0; j < n; j++) {
			if (!use[j] || p[j].truth)
				continue;
			wins += p[i].score > p[j].score ? 1 :
			        p[i].score == p[j].score ? 0.5 : 0;
		}
	}
	for (size_t j = 0; j < n; j++)
		nn += use[j] && !p[j].truth;
	return np && nn ? wins / (np * nn) : NAN;
}

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

/* TPR when the threshold lets through at most 1% of the nulls. */
static double tpr_at(const struct pair *p, size_t n, const int *use,
                     double fpr)
{
	double *nz = malloc((n + 1) * sizeof(double));
	size_t nn = 0, np = 0, hit = 0;

	for (size_t i = 0; i < n; i++)
		if (use[i] && !p[i].truth)
			nz[nn++] = p[i].score;
	qsort(nz, nn, sizeof(double), cmp_desc);
	size_t allowed = (size_t)floor(fpr * (double)nn);
	double thr = nn ? nz[allowed < nn ? allowed : nn - 1] : -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (use[i] && p[i].truth) {
			np++;
			hit += p[i].score > thr;
		}
	free(nz);
	return np ? (double)hit / np : NAN;
}

struct subset {
	const char *name;
	int (*in)(const struct spec *s);
};

static int in_target(const struct spec *s)
{
	return s->rc != R_REAL && s->f >= 0.2;
}

/* The issue's target set: top-20 and sequence-level KD, f >= 0.2. */
static int in_issue(const struct spec *s)
{
	return (s->rc == R_TOPK || s->rc == R_SEQ) && s->f >= 0.2;
}

static int in_low(const struct spec *s)
{
	return s->rc == R_SEQ && s->f < 0.2;
}

static void report(const struct zoo *z, const struct spec *st, int ns,
                   const struct pair *p, size_t np, double secs)
{
	int *use = calloc(np + 1, sizeof(int));
	uint32_t probes = 0;

	/* per recipe: its distilled pairs against every null pair */
	printf("%-22s %5s %7s %9s %7s\n", "students", "pairs", "auc",
	       "tpr@fpr1", "recall");
	for (int rc = R_LOGIT; rc < R_NREC; rc++)
		for (int fi = 0; fi < 4; fi++) {
			static const double fr[] = { 1.0, 0.5, 0.2, 0.05 };
			size_t pos = 0, tp = 0;
			for (size_t i = 0; i < np; i++) {
				const struct spec *s = &st[p[i].student];
				int mine = p[i].truth && s->rc == (recipe)rc &&
				           fabs(s->f - fr[fi]) < 1e-9;
				use[i] = !p[i].truth || mine;
				pos += mine;
				tp += mine && p[i].positive;
			}
			if (!pos)
				continue;
			char label[32];
			snprintf(label, sizeof(label), "%s f=%g",
			         recipe_name[rc], fr[fi]);
			printf("%-22s %5zu %7.4f %9.4f %7.4f\n", label, pos,
			       auc(p, np, use), tpr_at(p, np, use, 0.01),
			       (double)tp / pos);
		}
	/* the headline: distilled with f >= 0.2 against all nulls */
	size_t tp = 0, fp = 0, pos = 0, nulls = 0;
	for (size_t i = 0; i < np; i++) {
		const struct spec *s = &st[p[i].student];
		use[i] = !p[i].truth || in_target(s);
		if (p[i].truth && in_target(s)) {
			pos++;
			tp += p[i].positive;
		}
		if (!p[i].truth) {
			nulls++;
			fp += p[i].positive;
		}
		if (p[i].queries > probes)
			probes = p[i].queries;
	}
	double a = auc(p, np, use), t1 = tpr_at(p, np, use, 0.01);
	double prec = tp + fp ? (double)tp / (double)(tp + fp) : NAN;
	double rec = pos ? (double)tp / pos : NAN;
	double fpr = nulls ? (double)fp / nulls : NAN;
	/* top-1: the best-scoring candidate is the teacher; also over the
	 * issue's target set alone */
	size_t dist = 0, right = 0, dist_i = 0, right_i = 0;
	for (int s = 0; s < ns; s++) {
		if (st[s].rc == R_REAL || !in_target(&st[s]))
			continue;
		double best = -INFINITY;
		int arg = -1;
		for (size_t i = 0; i < np; i++)
			if (p[i].student == s && p[i].score > best) {
				best = p[i].score;
				arg = p[i].cand;
			}
		if (arg < 0)
			continue;	/* not evaluated (ZOO_ONLY) */
		dist++;
		right += arg == st[s].teacher;
		if (in_issue(&st[s])) {
			dist_i++;
			right_i += arg == st[s].teacher;
		}
	}
	/* null p-values against uniform: a one-sample KS distance */
	double *nullp = malloc((nulls + 1) * sizeof(double)), ks = 0;
	size_t k = 0;
	for (size_t i = 0; i < np; i++)
		if (!p[i].truth)
			nullp[k++] = p[i].p_perm;
	qsort(nullp, k, sizeof(double), cmp_desc);
	for (size_t i = 0; i < k; i++) {
		double x = nullp[k - 1 - i];
		double d1 = fabs((double)(i + 1) / k - x), d0 = fabs(x -
		            (double)i / k);
		ks = fmax(ks, fmax(d0, d1));
	}
	size_t low_pos = 0, low_hit = 0;
	for (size_t i = 0; i < np; i++)
		if (p[i].truth && in_low(&st[p[i].student])) {
			low_pos++;
			low_hit += p[i].positive;
		}
	double bound = 0.01 + 2 * sqrt(0.01 * 0.99 / (double)(nulls ? nulls
	                                                           : 1));
	size_t tpa = 0, fpa = 0;
	for (size_t i = 0; i < np; i++) {
		if (p[i].truth && in_target(&st[p[i].student]))
			tpa += p[i].pos_a;
		if (!p[i].truth)
			fpa += p[i].pos_a;
	}
	printf("without the panel t test (permutation and rank only): "
	       "precision %.4f recall %.4f fpr %.4f\n",
	       tpa + fpa ? (double)tpa / (double)(tpa + fpa) : NAN,
	       pos ? (double)tpa / pos : NAN,
	       nulls ? (double)fpa / nulls : NAN);
	size_t tpi = 0, posi = 0;
	for (size_t i = 0; i < np; i++) {
		const struct spec *s = &st[p[i].student];
		use[i] = !p[i].truth || in_issue(s);
		if (p[i].truth && in_issue(s)) {
			posi++;
			tpi += p[i].positive;
		}
	}
	/* The decision with the panel's prediction interval required too,
	 * at a few levels: how much calibration against natural affinity
	 * costs in recall. */
	static const double lv[] = { 0.05, 0.02, 0.01 };
	for (size_t l = 0; l < sizeof(lv) / sizeof(lv[0]); l++) {
		size_t tq = 0, fq = 0, ti = 0;
		for (size_t i = 0; i < np; i++) {
			int pos_q = p[i].positive && p[i].p_panel <= lv[l];
			const struct spec *s = &st[p[i].student];
			tq += p[i].truth && in_target(s) && pos_q;
			ti += p[i].truth && in_issue(s) && pos_q;
			fq += !p[i].truth && pos_q;
		}
		printf("with p_panel <= %.2f: precision %.4f recall %.4f fpr "
		       "%.4f; top-20 and sequence-level recall %.4f\n", lv[l],
		       tq + fq ? (double)tq / (double)(tq + fq) : NAN,
		       pos ? (double)tq / pos : NAN,
		       nulls ? (double)fq / nulls : NAN,
		       posi ? (double)ti / posi : NAN);
	}
	printf("top-20 and sequence-level KD, f >= 0.2 (%zu pairs): auc "
	       "%.4f precision %.4f recall %.4f top1 %.4f\n", posi,
	       auc(p, np, use),
	       tpi + fp ? (double)tpi / (double)(tpi + fp) : NAN,
	       posi ? (double)tpi / posi : NAN,
	       dist_i ? (double)right_i / dist_i : NAN);
	printf("\nzoo %s seed %llu: %d students, %zu distilled pairs (f >= "
	       "0.2), %zu null pairs, %.0f s\n", z->sz->name,
	       (unsigned long long)z->seed, ns, pos, nulls, secs);
	printf("null permutation p-values: KS distance to uniform %.3f; "
	       "FPR bound at alpha 0.01: %.4f\n", ks, bound);
	if (low_pos)
		printf("f = 0.05 students found: %zu of %zu\n", low_hit,
		       low_pos);
	printf("auc=%.4f tpr_at_fpr1=%.4f precision=%.4f recall=%.4f "
	       "fpr=%.4f top1=%.4f probes=%u\n", a, t1, prec, rec, fpr,
	       dist ? (double)right / dist : NAN, probes);
	free(nullp);
	free(use);
}

/* The study of one student: teachers, controls, its base's sibling. */
static int evaluate(struct zoo *z, struct spec *s, int si,
                    pdg_fp_backend *be, const pdg_fp_options *o,
                    struct pair **pairs, size_t *np)
{
	int nt = z->sz->teachers, nc = z->sz->controls;
	struct spec *sib = sibling(z, s->base, s->tok);
	size_t nm = 1 + (size_t)nt + (size_t)nc + 1;
	const char **ids = calloc(nm, sizeof(*ids));
	pdg_fp_role *roles = calloc(nm, sizeof(*roles));
	pdg_fp_scores **sc = calloc(nm, sizeof(*sc));
	pdg_fp_probe *pr = calloc(z->nprobes, sizeof(*pr));
	pdg_fp_result *r = NULL;
	int rc;

	if (!sib->scores)
		score_and_load(z, sib, -1, 3);
	ids[0] = s->name;
	roles[0] = PDG_FP_STUDENT;
	sc[0] = s->scores;
	for (int i = 0; i < nt + nc; i++) {
		struct spec *x = i < nt ? &z->teach[i] : &z->ctrl[i - nt];
		ids[1 + i] = x->name;
		roles[1 + i] = x->role;
		sc[1 + i] = x->scores;
	}
	ids[nm - 1] = sib->name;
	roles[nm - 1] = PDG_FP_SIBLING;
	sc[nm - 1] = sib->scores;
	for (size_t i = 0; i < z->nprobes; i++) {
		pr[i].id = z->probes[i].id;
		pr[i].generator = 1 + z->probes[i].generator;
		pr[i].text = (const uint8_t *)z->probes[i].text;
		pr[i].len = (uint32_t)strlen(z->probes[i].text);
	}
	pdg_fp_study st = { nm, ids, roles, sc, pr, z->nprobes, 0 };
	rc = pdg_fp_study_run(&r, &st, o, be);
	if (rc == 0) {
		*pairs = realloc(*pairs, (*np + (size_t)nt) * sizeof(**pairs));
		for (int t = 0; t < nt; t++) {
			const pdg_fp_verdict *v = pdg_fp_result_get(r, (size_t)t);
			struct pair *p = &(*pairs)[(*np)++];
			p->student = si;
			p->cand = t;
			p->truth = s->teacher == t;
			p->positive = v->positive;
			p->p_perm = v->p_permutation;
			p->p_value = v->p_value;
			p->p_rank = v->p_rank;
			p->z = isnan(v->z_permutation) ? -1e9 : v->z_permutation;
			p->score = isnan(v->score) ? -1e9 : v->score;
			p->zpanel = v->z_panel;
			p->p_panel = v->p_panel;
			p->effect = v->effect_nats;
			p->queries = v->queries;
		}
	}
	if (rc == 0) {
		/* the same decision with the permutation p alone */
		double pp[64], adj[64];
		struct pair *b = &(*pairs)[*np - (size_t)nt];
		for (int t = 0; t < nt; t++)
			pp[t] = b[t].p_perm;
		pdg_fp_holm(pp, adj, (size_t)nt);
		double floor = 1.0 / (double)(nc + 2);
		for (int t = 0; t < nt; t++)
			b[t].pos_a = adj[t] <= o->alpha && b[t].effect > 0 &&
			             b[t].p_rank <= fmax(o->alpha, floor) + 1e-12;
	}
	pdg_fp_result_free(r);
	free(ids);
	free(roles);
	free(sc);
	free(pr);
	return rc;
}

static int cmd_run(struct zoo *z, int check)
{
	struct spec *st;
	int ns, nt = z->sz->teachers, nc = z->sz->controls, fails = 0;
	struct pair *pairs = NULL;
	size_t np = 0;
	pdg_fp_backend *be = NULL;
	pdg_fp_options o = PDG_FP_OPTIONS_INIT;
	time_t t0 = time(NULL);

	o.permutations = 10000;
	o.alpha = 0.01;
	o.seed = 1;
	build_panel(z);
	for (int i = 0; i < nt + nc; i++) {
		struct spec *s = i < nt ? &z->teach[i] : &z->ctrl[i - nt];
		score_and_load(z, s, i, i);
	}
	if (pdg_fp_backend_open(&be, PDG_FP_DEVICE_CPU, 0, 1) < 0)
		return 3;
	students(z, &st, &ns);
	const char *only = getenv("ZOO_ONLY");
	for (int i = 0; i < ns; i++) {
		if (only && strcmp(st[i].name, only) != 0)
			continue;
		st[i].m = student(z, &st[i], 1000 + (uint64_t)i);
		score_and_load(z, &st[i], -1, i);
		if (evaluate(z, &st[i], i, be, &o, &pairs, &np) < 0) {
			fprintf(stderr, "pedigree-zoo: %s\n", pdg_error_last());
			return 3;
		}
		if (isatty(2))
			fprintf(stderr, "\rpedigree-zoo: %d/%d students", i + 1,
			        ns);
		pdg_fp_scores_free(st[i].scores);
		free(st[i].scores);
		st[i].scores = NULL;
		zmodel_free(st[i].m);
		st[i].m = NULL;
	}
	if (isatty(2))
		fputc('\n', stderr);
	if (z->verbose)
		for (size_t i = 0; i < np; i++) {
			const struct spec *s = &st[pairs[i].student];
			if (!pairs[i].truth && !pairs[i].positive &&
			    !pairs[i].pos_a)
				continue;
			printf("%-26s %-14s f=%-4g %s p %.3g perm %.3g panel "
			       "%.3g rank %.3f z %.2f Z %.2f score %.2f D %+.3f "
			       "A %d\n",
			       s->name, z->teach[pairs[i].cand].name + 4, s->f,
			       pairs[i].truth ? (pairs[i].positive ? "TP" : "FN")
			                      : "FP", pairs[i].p_value,
			       pairs[i].p_perm, pairs[i].p_panel,
			       pairs[i].p_rank, pairs[i].z, pairs[i].zpanel,
			       pairs[i].score,
			       pairs[i].effect, pairs[i].pos_a);
		}
	report(z, st, ns, pairs, np, difftime(time(NULL), t0));
	if (check) {
		/* the tiny zoo's assertions (./run.sh test) */
		double *nullp = malloc((np + 1) * sizeof(double));
		size_t k = 0;
		int *all = calloc(np + 1, sizeof(int));
		for (size_t i = 0; i < np; i++) {
			const struct spec *s = &st[pairs[i].student];
			all[i] = 1;
			/* same-tokenizer students with half their data from
			 * the teacher must be found; cross-tokenizer ones
			 * are weaker at this size and only ranked */
			if (pairs[i].truth && !pairs[i].positive &&
			    s->f >= 0.5 && s->rc != R_CROSS) {
				printf("FAIL - %s not found distilled from "
				       "%s (p %.4g, rank %.3g)\n", s->name,
				       z->teach[pairs[i].cand].name,
				       pairs[i].p_value, pairs[i].p_rank);
				fails++;
			}
			if (!pairs[i].truth && pairs[i].positive) {
				printf("FAIL - %s falsely distilled from %s\n",
				       s->name, z->teach[pairs[i].cand].name);
				fails++;
			}
			if (!pairs[i].truth)
				nullp[k++] = pairs[i].p_perm;
		}
		double a = auc(pairs, np, all);
		free(all);
		if (!(a >= 0.9)) {
			printf("FAIL - distilled and independent pairs do not "
			       "separate (AUC %.3f)\n", a);
			fails++;
		}
		double med = pdg_fp_median(nullp, k);
		if (!(med > 0.1)) {
			printf("FAIL - null p-values are small (median %.3g)\n",
			       med);
			fails++;
		}
		printf("%s - zoo: distilled students found, %zu null "
		       "pairs negative, median null p %.3f\n",
		       fails ? "FAIL" : "ok", k, med);
		free(nullp);
	}
	pdg_fp_backend_free(be);
	free(pairs);
	free(st);
	return fails ? 1 : 0;
}

/* ---- write: files and manifests for the command line ----------------- */

static void manifest(const struct zoo *z, const struct spec *s,
                     const struct spec *sib, const char *dense_for)
{
	char path[4200], f[4200];
	int nt = z->sz->teachers, nc = z->sz->controls;

	snprintf(path, sizeof(path), "%s/%s%s.yaml", z->work,
	         strrchr(s->name, '/') + 1, dense_for ? "-dense" : "");
	FILE *m = fopen(path, "w");
	if (!m)
		exit(3);
	fprintf(m, "# written by pedigree-zoo write (seed %llu)\n"
	        "fingerprint: 1\nstudent: %s\nprobes: probes.jsonl\n"
	        "models:\n", (unsigned long long)z->seed, s->name);
	for (int i = -1; i <= nt + nc; i++) {
		const struct spec *x = i < 0 ? s : i == nt + nc ? sib :
		                       i < nt ? &z->teach[i] : &z->ctrl[i - nt];
		file_name(z, x, f, sizeof(f), "jsonl");
		fprintf(m, "  - id: %s\n    role: %s\n", x->name,
		        pdg_fp_role_name(x->role));
		int dense = dense_for && (x == s ||
		                          strcmp(x->name, dense_for) == 0);
		if (dense) {
			file_name(z, x, f, sizeof(f), "safetensors");
			fprintf(m, "    dense:\n      logits: %s\n",
			        strrchr(f, '/') + 1);
			file_name(z, x, f, sizeof(f), "vocab.json");
			fprintf(m, "      vocab: %s\n", strrchr(f, '/') + 1);
		} else {
			fprintf(m, "    scores: %s\n", strrchr(f, '/') + 1);
		}
		fprintf(m, "    serving: {server: pedigree-zoo, temperature: "
		        "1.0, logprobs: raw, top_logprobs: %d}\n",
		        z->sz->topk);
	}
	fclose(m);
}

/* probes.jsonl: id, generator, prompt and text of every probe. */
static int write_probes(const struct zoo *z)
{
	int nt = z->sz->teachers;
	char path[4200];

	snprintf(path, sizeof(path), "%s/probes.jsonl", z->work);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (size_t i = 0; i < z->nprobes; i++) {
		const zprobe *p = &z->probes[i];
		const struct spec *g = p->generator < nt ?
		        &z->teach[p->generator] : &z->ctrl[p->generator - nt];
		fprintf(f, "{\"id\":\"%s\",\"generator\":\"%s\","
		        "\"prompt\":", p->id, g->name);
		zjson_str(f, p->prompt, strlen(p->prompt));
		fputs(",\"text\":", f);
		zjson_str(f, p->text, strlen(p->text));
		fputs("}\n", f);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int cmd_write(struct zoo *z)
{
	struct spec *st;
	int ns, nt = z->sz->teachers, nc = z->sz->controls;
	char path[4200];

	z->keep = 1;
	build_panel(z);
	for (int i = 0; i < nt + nc; i++) {
		struct spec *s = i < nt ? &z->teach[i] : &z->ctrl[i - nt];
		file_name(z, s, path, sizeof(path), "jsonl");
		if (write_scores(z, s, i, i, path) < 0)
			return 3;
	}
	if (write_probes(z) < 0)
		return 3;
	students(z, &st, &ns);
	for (int i = 0; i < ns; i++) {
		st[i].m = student(z, &st[i], 1000 + (uint64_t)i);
		struct spec *sib = sibling(z, st[i].base, st[i].tok);
		file_name(z, &st[i], path, sizeof(path), "jsonl");
		if (write_scores(z, &st[i], -1, i, path) < 0)
			return 3;
		file_name(z, sib, path, sizeof(path), "jsonl");
		if (access(path, F_OK) != 0 &&
		    write_scores(z, sib, -1, 3, path) < 0)
			return 3;
		manifest(z, &st[i], sib, NULL);
		/* a same-tokenizer student also gets dense logits, with its
		 * teacher's, for the full-vocabulary path */
		if (st[i].rc == R_TOPK) {
			const struct spec *t = &z->teach[st[i].teacher];
			for (int w = 0; w < 2; w++) {
				const struct spec *x = w ? t : &st[i];
				char v[4200];
				file_name(z, x, path, sizeof(path),
				          "safetensors");
				file_name(z, x, v, sizeof(v), "vocab.json");
				if (zwrite_dense(path, v, x->m, z->probes,
				                 z->nprobes, w) < 0)
					return 3;
			}
			manifest(z, &st[i], sib, t->name);
		}
		printf("%s %s teacher=%s f=%g\n", st[i].name,
		       recipe_name[st[i].rc], st[i].teacher >= 0 ?
		       z->teach[st[i].teacher].name : "-", st[i].f);
		zmodel_free(st[i].m);
	}
	free(st);
	return 0;
}

static void free_spec(struct spec *s)
{
	zmodel_free(s->m);
	pdg_fp_scores_free(s->scores);
	free(s->scores);
}

static void zoo_free(struct zoo *z)
{
	for (int i = 0; z->teach && i < z->sz->teachers; i++)
		free_spec(&z->teach[i]);
	for (int i = 0; z->ctrl && i < z->sz->controls; i++)
		free_spec(&z->ctrl[i]);
	for (int i = 0; i < z->nsib; i++)
		free_spec(&z->sib[i]);
	free(z->teach);
	free(z->ctrl);
	free(z->sib);
	for (size_t i = 0; i < z->nprobes; i++) {
		free(z->probes[i].prompt);
		free(z->probes[i].text);
		free(z->probes[i].own_ids);
	}
	free(z->probes);
	for (int i = 0; i < NTOK; i++)
		ztok_free(z->tok[i]);
	ztext_free(&z->prompts);
	ztext_free(&z->extra);
	zlang_free(z->lang);
}

/* ---- sample: the worked sample's probe outputs --------------------- */

static const struct size sample_size = {
	"sample", 3, 3, 1, 10, 4, 32, 200000, 200000, 1, 0, 0, 5
};

static int cmd_sample(struct zoo *z)
{
	static const char *const teachers[] = {
		"Qwen/Qwen2.5-7B-Instruct", "google/gemma-2-9b-it",
		"openai/gpt-oss-20b",
	};
	int nt = z->sz->teachers, nc = z->sz->controls;
	char path[4200];
	ztext mix = { 0 }, real = { 0 };
	size_t n;

	/* the Qwen and gemma stand-ins share a tokenizer; detection across
	 * tokenizers is weaker in the zoo (docs/fingerprint.md) */
	static const int toks[] = { 1, 1, 2, 3, 1, 2 };

	z->keep = 1;
	z->tok_of = toks;
	z->plain_controls = 1;
	zwrite_digits = 4;
	zwrite_bytes = 0;
	build_panel(z);
	for (int i = 0; i < nt; i++)
		snprintf(z->teach[i].name, sizeof(z->teach[i].name), "%s",
		         teachers[i]);
	for (int i = 0; i < nc; i++)
		snprintf(z->ctrl[i].name, sizeof(z->ctrl[i].name),
		         "controls/independent-%d", i + 1);
	/* The student is a base tuned on text sampled from the three
	 * teacher stand-ins (40% Qwen, 35% gemma, 25% gpt-oss); its sibling
	 * is the same base tuned on real text only. */
	struct spec st, sib;
	const ztok *qt = zmodel_tok(z->teach[0].m);
	memset(&st, 0, sizeof(st));
	memset(&sib, 0, sizeof(sib));
	snprintf(st.name, sizeof(st.name), "avocado-lab/avocado-7b");
	snprintf(sib.name, sizeof(sib.name), "avocado-lab/avocado-7b-sft");
	st.role = PDG_FP_STUDENT;
	sib.role = PDG_FP_SIBLING;
	st.m = independent(z, 777, 1);
	sib.m = independent(z, 777, 1);
	samples(z, z->teach[0].m, 0, z->sz->ft * 40 / 100, &mix);
	samples(z, z->teach[1].m, 1, z->sz->ft * 75 / 100, &mix);
	samples(z, z->teach[2].m, 2, z->sz->ft, &mix);
	uint16_t *ids = encode(qt, &mix, &n);
	zmodel_train(st.m, ids, n, 3.0f);
	free(ids);
	shard(z, 30002, z->sz->ft, &real);
	ids = encode(qt, &real, &n);
	zmodel_train(sib.m, ids, n, 3.0f);
	free(ids);
	ztext_free(&mix);
	ztext_free(&real);
	/* Server shapes: mostly legacy echo (compact, the sample stays
	 * small), vLLM prompt_logprobs for the student and Ollama for the
	 * gemma stand-in's own completions. */
	static const zshape shapes[] = { ZS_LLAMACPP, ZS_OLLAMA, ZS_LLAMACPP,
	                                 ZS_LLAMACPP, ZS_LLAMACPP, ZS_LLAMACPP };
	for (int i = 0; i < nt + nc; i++) {
		struct spec *s = i < nt ? &z->teach[i] : &z->ctrl[i - nt];
		file_name(z, s, path, sizeof(path), "logprobs");
		if (write_scores(z, s, i, shapes[i], path) < 0)
			return 3;
	}
	file_name(z, &st, path, sizeof(path), "logprobs");
	if (write_scores(z, &st, -1, ZS_OPENAI, path) < 0)
		return 3;
	file_name(z, &sib, path, sizeof(path), "logprobs");
	if (write_scores(z, &sib, -1, ZS_LLAMACPP, path) < 0)
		return 3;
	snprintf(path, sizeof(path), "%s/manifest.yaml", z->work);
	FILE *m = fopen(path, "w");
	if (!m)
		return 3;
	fprintf(m, "# The worked sample's fingerprint test: written by\n"
	        "#   build/bench/pedigree-zoo sample --out "
	        "samples/avocado/fingerprint\n"
	        "# Every model here is a small n-gram stand-in trained by the "
	        "zoo,\n# not the real model its id names (README.md).\n"
	        "# Score files are JSONL named .logprobs, and the probes are\n"
	        "# listed here, so that an audit of the repository does not\n"
	        "# take probe outputs for training data.\n"
	        "fingerprint: 1\nstudent: %s\ncomponent: avocado\n"
	        "models:\n", st.name);
	for (int i = -2; i < nt + nc; i++) {
		const struct spec *x = i == -2 ? &st : i == -1 ? &sib :
		                       i < nt ? &z->teach[i] : &z->ctrl[i - nt];
		zshape sh = i == -2 ? ZS_OPENAI : i == -1 ? ZS_LLAMACPP :
		            shapes[i];
		file_name(z, x, path, sizeof(path), "logprobs");
		fprintf(m, "  - id: %s\n    role: %s\n    scores: %s\n"
		        "    serving: {server: %s, temperature: 1.0, "
		        "logprobs: raw, top_logprobs: %d}\n", x->name,
		        pdg_fp_role_name(x->role), strrchr(path, '/') + 1,
		        sh == ZS_OPENAI ? "vllm" : sh == ZS_OLLAMA ?
		        "ollama+vllm" : sh == ZS_BATCH ? "vllm run-batch" :
		        "vllm (legacy completions, echo)", z->sz->topk);
	}
	fputs("probes:\n", m);
	for (size_t i = 0; i < z->nprobes; i++) {
		const zprobe *p = &z->probes[i];
		const struct spec *g = p->generator < nt ?
		        &z->teach[p->generator] : &z->ctrl[p->generator - nt];
		fprintf(m, "  - {\"id\": \"%s\", \"generator\": \"%s\", "
		        "\"prompt\": ", p->id, g->name);
		zjson_str(m, p->prompt, strlen(p->prompt));
		fputs(", \"text\": ", m);
		zjson_str(m, p->text, strlen(p->text));
		fputs("}\n", m);
	}
	if (fclose(m) != 0)
		return 3;
	zmodel_free(st.m);
	zmodel_free(sib.m);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: pedigree-zoo run [--size tiny|small|full] [--seed N]\n"
	      "                        [--work DIR] [--corpus DIR] [--assert]"
	      " [--keep]\n"
	      "                        [--texts NT,NC] [--controls N]"
	      " [--gen TOKENS] [--verbose]\n"
	      "       pedigree-zoo write --out DIR [--size tiny] [--seed N]\n"
	      "       pedigree-zoo sample --out DIR\n"
	      "\n"
	      "Train models with known lineage and measure `pedigree\n"
	      "fingerprint` on them (bench/README.md).  `run` prints the\n"
	      "accuracy, ending with one key=value line; --assert checks the\n"
	      "tiny zoo's separation and exits 1 when it fails.  `write`\n"
	      "leaves the scores and one manifest per student in DIR;\n"
	      "`sample` writes samples/avocado/fingerprint.  --texts sets\n"
	      "the probe texts each teacher and each control generates,\n"
	      "--controls the control models, --gen the tokens of each\n"
	      "probe text (defaults: the size's).  ZOO_ONLY=NAME in the\n"
	      "environment evaluates that student alone (debugging, with\n"
	      "PEDIGREE_FP_DEBUG=1).\n", f);
}

int main(int argc, char **argv)
{
	struct zoo z;
	struct size custom;
	int check = 0, n_t = 0, n_c = 0, n_ctrl = 0, n_gen = 0;
	const char *corpus = NULL, *mode = argc > 1 ? argv[1] : "";

	memset(&z, 0, sizeof(z));
	z.sz = &sizes[0];
	z.seed = 1;
	snprintf(z.work, sizeof(z.work), "/tmp/pedigree-zoo-%d",
	         (int)getpid());
	if (strcmp(mode, "--help") == 0 || strcmp(mode, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(mode, "run") != 0 && strcmp(mode, "write") != 0 &&
	    strcmp(mode, "sample") != 0) {
		usage(stderr);
		return 2;
	}
	if (strcmp(mode, "run") != 0)
		z.work[0] = '\0';
	if (strcmp(mode, "sample") == 0)
		z.sz = &sample_size;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--assert") == 0) {
			check = 1;
		} else if (strcmp(a, "--verbose") == 0) {
			z.verbose = 1;
		} else if (strcmp(a, "--keep") == 0) {
			z.keep = 1;
		} else if (v && strcmp(a, "--size") == 0) {
			size_t k = 0;
			while (k < 3 && strcmp(sizes[k].name, v) != 0)
				k++;
			if (k == 3) {
				usage(stderr);
				return 2;
			}
			z.sz = &sizes[k];
			i++;
		} else if (v && strcmp(a, "--seed") == 0) {
			z.seed = strtoull(v, NULL, 10);
			i++;
		} else if (v && (strcmp(a, "--work") == 0 ||
		                 strcmp(a, "--out") == 0)) {
			snprintf(z.work, sizeof(z.work), "%s", v);
			i++;
		} else if (v && strcmp(a, "--corpus") == 0) {
			corpus = v;
			i++;
		} else if (v && (strcmp(a, "--controls") == 0 ||
		                 strcmp(a, "--gen") == 0)) {
			int ctl = a[2] == 'c', x = atoi(v);
			if (x < (ctl ? 2 : 8) || x > (ctl ? 64 : 1024)) {
				usage(stderr);
				return 2;
			}
			*(ctl ? &n_ctrl : &n_gen) = x;
			i++;
		} else if (v && strcmp(a, "--texts") == 0) {
			if (sscanf(v, "%d,%d", &n_t, &n_c) != 2 || n_t < 2 ||
			    n_c < 2 || n_t > 1000 || n_c > 1000) {
				usage(stderr);
				return 2;
			}
			i++;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!z.work[0]) {
		usage(stderr);
		return 2;
	}
	if (n_t || n_ctrl || n_gen) {
		custom = *z.sz;
		if (n_gen)
			custom.gen = n_gen;
		if (n_t) {
			custom.n_t = n_t;
			custom.n_c = n_c;
		}
		if (n_ctrl)
			custom.controls = n_ctrl;
		z.sz = &custom;
	}
	if (mkdir(z.work, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "pedigree-zoo: %s: %s\n", z.work,
		        strerror(errno));
		return 2;
	}
	if (corpus) {
		if (zcorpus_read(corpus, &z.extra) < 0) {
			fprintf(stderr, "pedigree-zoo: %s: cannot read\n",
			        corpus);
			return 2;
		}
		z.have_extra = z.extra.n > 8192;
	}
	z.lang = zlang_new(z.seed);
	int rc = strcmp(mode, "run") == 0 ? cmd_run(&z, check) :
	         strcmp(mode, "write") == 0 ? cmd_write(&z) : cmd_sample(&z);
	if (strcmp(mode, "run") == 0 && !z.keep)
		rmdir(z.work);
	zoo_free(&z);
	return rc;
}
