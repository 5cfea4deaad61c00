/* align.c - probe texts cut into tokenizer-free chunks, and the per-text
 * features the test needs (docs/fingerprint.md, "Method").
 *
 * A chunk is a span between two byte offsets that are token boundaries
 * for every model; each model's log-likelihood of a chunk is the exact
 * sum of its tokens' log-probabilities.  At each chunk start every
 * model's next-token distribution (top-k or full) is folded into a
 * next-byte distribution plus a tail bucket for the mass it did not
 * show.  Per text the features are, for each subject (the student and
 * every panel member): the excess chunk log-likelihood over the panel's
 * median (leaving out the subject and the text's generator), and against
 * each candidate teacher: mean Jensen-Shannon divergence and argmax
 * agreement of the next-byte distributions, the Spearman correlation on
 * the candidate's tail ranks 2..k when both share a tokenizer, and the
 * mean full-vocabulary KL from the fused kernel when both have dense
 * logits of the same vocabulary.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fingerprint/align.h"
#include "util.h"

#define NBINS 258                /* 256 bytes, "no byte", the tail */
#define BIN_NONE 256
#define BIN_TAIL 257
#define KL_BATCH 16

typedef struct bdist {
	uint16_t n;
	uint16_t bin[NBINS];
	float p[NBINS];
	int argmax;              /* a byte bin, -1 when none */
} bdist;

static int bin_cmp(const void *a, const void *b)
{
	const uint16_t *x = a, *y = b;

	return (int)*x - (int)*y;
}

/* Next-byte distribution of the position predicting token t. */
static void bdist_of(const pdg_fp_record *r, const pdg_fp_tok *t, bdist *d)
{
	float acc[NBINS];
	uint8_t seen[NBINS];
	double mass = 0;

	memset(seen, 0, sizeof(seen));
	d->n = 0;
	if (t->nbm) {
		for (uint32_t i = 0; i < t->nbm; i++) {
			const pdg_fp_bytep *e = &r->bm[t->bm + i];
			int b = e->b < 0 ? BIN_NONE : e->b;
			if (!seen[b]) {
				seen[b] = 1;
				acc[b] = 0;
				d->bin[d->n++] = (uint16_t)b;
			}
			acc[b] += e->p;
			mass += e->p;
		}
	} else {
		for (uint32_t i = 0; i < t->nalt; i++) {
			const pdg_fp_alt *a = &r->alt[t->alt + i];
			int b = a->first < 0 ? BIN_NONE : a->first;
			float p = expf(a->lp);
			if (!seen[b]) {
				seen[b] = 1;
				acc[b] = 0;
				d->bin[d->n++] = (uint16_t)b;
			}
			acc[b] += p;
			mass += p;
		}
	}
	qsort(d->bin, d->n, sizeof(d->bin[0]), bin_cmp);
	d->argmax = -1;
	float best = 0;
	for (uint16_t i = 0; i < d->n; i++) {
		d->p[i] = acc[d->bin[i]];
		if (d->bin[i] < BIN_NONE && d->p[i] > best) {
			best = d->p[i];
			d->argmax = d->bin[i];
		}
	}
	d->bin[d->n] = BIN_TAIL;
	d->p[d->n] = mass < 1 ? (float)(1 - mass) : 0.0f;
	d->n++;
}

static double js_term(double p, double q)
{
	double m = 0.5 * (p + q), s = 0;

	if (p > 0)
		s += p * log(p / m);
	if (q > 0)
		s += q * log(q / m);
	return 0.5 * s;
}

/* Jensen-Shannon divergence (nats) of two sorted sparse distributions. */
static double bdist_js(const bdist *a, const bdist *b)
{
	uint16_t i = 0, j = 0;
	double s = 0;

	while (i < a->n || j < b->n) {
		uint16_t x = i < a->n ? a->bin[i] : NBINS;
		uint16_t y = j < b->n ? b->bin[j] : NBINS;
		if (x == y)
			s += js_term(a->p[i++], b->p[j++]);
		else if (x < y)
			s += js_term(a->p[i++], 0);
		else
			s += js_term(0, b->p[j++]);
	}
	return s;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double pdg_fp_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Average ranks (1-based) of v into r. */
static void ranks(const double *v, size_t n, double *r)
{
	for (size_t i = 0; i < n; i++) {
		size_t less = 0, eq = 0;
		for (size_t j = 0; j < n; j++) {
			less += v[j] < v[i];
			eq += v[j] == v[i];
		}
		r[i] = (double)less + (double)(eq + 1) / 2.0;
	}
}

static double spearman(const double *x, const double *y, size_t n)
{
	double rx[PDG_FP_MAX_TOPK], ry[PDG_FP_MAX_TOPK];
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

	ranks(x, n, rx);
	ranks(y, n, ry);
	for (size_t i = 0; i < n; i++) {
		mx += rx[i];
		my += ry[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxy += (rx[i] - mx) * (ry[i] - my);
		sxx += (rx[i] - mx) * (rx[i] - mx);
		syy += (ry[i] - my) * (ry[i] - my);
	}
	if (sxx <= 0 || syy <= 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

/* One model's view of a probe. */
struct view {
	const pdg_fp_record *r;
	int64_t off;             /* text offset in the record's bytes */
	uint32_t t0, t1;         /* tokens inside the text */
};

/* Last occurrence of the text in the record's bytes (a prompt may come
 * first). */
static int locate(const pdg_fp_record *r, const uint8_t *x, uint32_t len,
                  int64_t *off)
{
	if (len > r->nbytes)
		return -1;
	for (int64_t o = (int64_t)r->nbytes - len; o >= 0; o--)
		if (r->bytes[o] == x[0] && memcmp(r->bytes + o, x, len) == 0) {
			*off = o;
			return 0;
		}
	return -1;
}

static void view_tokens(struct view *v, uint32_t len)
{
	const pdg_fp_record *r = v->r;

	v->t0 = r->ntok;
	v->t1 = r->ntok;
	for (uint32_t i = 0; i < r->ntok; i++) {
		int64_t s = (int64_t)r->tok[i].start - v->off;
		if (s >= 0 && v->t0 == r->ntok)
			v->t0 = i;
		if (s + r->tok[i].len > (int64_t)len) {
			v->t1 = i;
			break;
		}
	}
	if (v->t0 > v->t1)
		v->t0 = v->t1;
}

/* Same tokenisation of the text: same tokens at the same offsets. */
static int same_tokens(const struct view *a, const struct view *b)
{
	if (a->t1 - a->t0 != b->t1 - b->t0)
		return 0;
	for (uint32_t i = 0; i < a->t1 - a->t0; i++) {
		const pdg_fp_tok *x = &a->r->tok[a->t0 + i];
		const pdg_fp_tok *y = &b->r->tok[b->t0 + i];
		if (x->start - a->off != y->start - b->off ||
		    x->len != y->len || x->hash != y->hash)
			return 0;
	}
	return 1;
}

/* Mean Spearman correlation, over the text's positions, of the
 * teacher's log-probabilities of its alternatives 2..k with the
 * subject's (a token the subject does not list ties at its floor). */
static double tail_rank(const struct view *t, const struct view *m)
{
	double sum = 0, x[PDG_FP_MAX_TOPK], y[PDG_FP_MAX_TOPK];
	uint32_t used = 0;

	for (uint32_t i = 0; i < t->t1 - t->t0; i++) {
		const pdg_fp_tok *a = &t->r->tok[t->t0 + i];
		const pdg_fp_tok *b = &m->r->tok[m->t0 + i];
		if (a->nalt < 4 || b->nalt == 0 || isnan(a->lp) ||
		    isnan(b->lp))
			continue;
		const pdg_fp_alt *ta = t->r->alt + a->alt;
		const pdg_fp_alt *ma = m->r->alt + b->alt;
		float floor = ma[b->nalt - 1].lp - 1.0f;
		size_t n = 0;
		for (uint32_t k = 1; k < a->nalt; k++) {
			float v = floor;
			for (uint32_t j = 0; j < b->nalt; j++)
				if (ma[j].hash == ta[k].hash) {
					v = ma[j].lp;
					break;
				}
			x[n] = ta[k].lp;
			y[n] = v;
			n++;
		}
		double r = spearman(x, y, n);
		if (!isnan(r)) {
			sum += r;
			used++;
		}
	}
	return used ? sum / used : NAN;
}

/* Mean KL(T || M) over the text's positions from full rows. */
static int full_kl(const struct view *t, const struct view *m,
                   pdg_fp_scores *st, pdg_fp_scores *sm,
                   pdg_fp_backend *be, double *out)
{
	uint32_t V = pdg_fp_dense_vocab(st->dense), v2;
	uint32_t rows[KL_BATCH][2], n = 0, used = 0;
	/* at most 32 MiB of rows per side in memory */
	uint32_t batch = (uint32_t)((8u << 20) / (V ? V : 1));
	float *bt = NULL, *bm = NULL;
	double sum = 0;
	int rc = 0;

	*out = NAN;
	if (V != pdg_fp_dense_vocab(sm->dense))
		return 0;
	if (batch > KL_BATCH)
		batch = KL_BATCH;
	if (batch < 1)
		batch = 1;
	bt = pdg_xmalloc((size_t)batch * V * sizeof(float));
	bm = pdg_xmalloc((size_t)batch * V * sizeof(float));
	pdg_fp_pair_stats ps[KL_BATCH];
	for (uint32_t i = 0; i <= t->t1 - t->t0 && rc == 0; i++) {
		int last = i == t->t1 - t->t0;
		if (!last) {
			const pdg_fp_tok *a = &t->r->tok[t->t0 + i];
			const pdg_fp_tok *b = &m->r->tok[m->t0 + i];
			if (a->row != PDG_FP_NO_ROW && b->row != PDG_FP_NO_ROW) {
				rows[n][0] = a->row;
				rows[n][1] = b->row;
				n++;
			}
		}
		if (n == batch || (last && n)) {
			for (uint32_t j = 0; j < n && rc == 0; j++) {
				rc = pdg_fp_dense_rows(st->dense, t->r,
				                       rows[j][0], 1,
				                       bt + (size_t)j * V, &v2);
				if (rc == 0)
					rc = pdg_fp_dense_rows(sm->dense, m->r,
					        rows[j][1], 1,
					        bm + (size_t)j * V, &v2);
			}
			pdg_fp_pair_job job = { PDG_FP_F32, V, n, bt, bm,
			                        NULL, NULL, 0 };
			if (rc == 0)
				rc = pdg_fp_backend_pairs(be, &job, ps);
			for (uint32_t j = 0; j < n && rc == 0; j++) {
				sum += ps[j].kl;
				used++;
			}
			n = 0;
		}
	}
	free(bt);
	free(bm);
	if (rc == 0 && used)
		*out = sum / used;
	return rc;
}

void pdg_fp_feat_clear(pdg_fp_feat *f)
{
	free(f->e);
	free(f->js);
	free(f->agree);
	free(f->tail);
	free(f->klf);
	memset(f, 0, sizeof(*f));
}

static void mark(uint16_t *cnt, uint16_t *stamp, int64_t s, uint32_t len,
                 size_t m)
{
	if (s < 0 || s > (int64_t)len || stamp[s] == (uint16_t)(m + 1))
		return;
	stamp[s] = (uint16_t)(m + 1);
	cnt[s]++;
}

/* Boundaries shared by every model, ascending: the starts of its tokens
 * inside the text and the end of the last one. */
static uint32_t common_bounds(const struct view *v, size_t nm, uint32_t len,
                              uint32_t *out)
{
	uint16_t *cnt = pdg_xcalloc(len + 1, sizeof(*cnt));
	uint16_t *stamp = pdg_xcalloc(len + 1, sizeof(*stamp));
	uint32_t n = 0;

	for (size_t m = 0; m < nm; m++) {
		const pdg_fp_record *r = v[m].r;
		for (uint32_t i = v[m].t0; i < v[m].t1; i++)
			mark(cnt, stamp, (int64_t)r->tok[i].start - v[m].off,
			     len, m);
		if (v[m].t1 > v[m].t0) {
			const pdg_fp_tok *t = &r->tok[v[m].t1 - 1];
			mark(cnt, stamp, (int64_t)t->start + t->len - v[m].off,
			     len, m);
		}
	}
	for (uint32_t p = 0; p <= len; p++)
		if (cnt[p] == nm)
			out[n++] = p;
	free(cnt);
	free(stamp);
	return n;
}

int pdg_fp_align_probe(const pdg_fp_align_ctx *c, size_t pi,
                       pdg_fp_feat *f, int *dropped_by)
{
	const pdg_fp_study *st = c->st;
	const pdg_fp_probe *p = &st->probes[pi];
	size_t nm = st->nmodels;
	struct view *v = pdg_xcalloc(nm, sizeof(*v));
	uint32_t *cb = NULL, nb;
	double *L = NULL, *med = NULL;
	uint8_t *bad = NULL;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	*dropped_by = -1;
	f->gen = p->generator;
	for (size_t m = 0; m < nm; m++) {
		long ri = pdg_fp_map_get(&st->scores[m]->by_probe, p->id);
		if (ri < 0 || locate(&st->scores[m]->rec[ri], p->text, p->len,
		                     &v[m].off) < 0) {
			*dropped_by = (int)m;
			goto out;
		}
		v[m].r = &st->scores[m]->rec[ri];
		view_tokens(&v[m], p->len);
	}
	cb = pdg_xmalloc((p->len + 1) * sizeof(*cb));
	nb = common_bounds(v, nm, p->len, cb);
	if (nb < 2)
		goto out;
	uint32_t nch = nb - 1;
	L = pdg_xcalloc((size_t)nm * nch, sizeof(*L));
	bad = pdg_xcalloc(nch, 1);
	/* chunk log-likelihoods; a chunk with an unscored token is out */
	for (size_t m = 0; m < nm; m++) {
		const pdg_fp_record *r = v[m].r;
		uint32_t j = 0;
		for (uint32_t i = v[m].t0; i < v[m].t1; i++) {
			int64_t s = (int64_t)r->tok[i].start - v[m].off;
			if (s < cb[0])
				continue;
			while (j < nch && s >= cb[j + 1])
				j++;
			if (j >= nch)
				break;
			if (isnan(r->tok[i].lp))
				bad[j] = 1;
			else
				L[m * nch + j] += r->tok[i].lp;
		}
	}
	size_t nsub = c->nsub, nc = c->ncand;
	f->e = pdg_xcalloc(nsub, sizeof(double));
	f->js = pdg_xcalloc(nc * nsub, sizeof(double));
	f->agree = pdg_xcalloc(nc * nsub, sizeof(double));
	f->tail = pdg_xmalloc(nc * nsub * sizeof(double));
	f->klf = pdg_xmalloc(nc * nsub * sizeof(double));
	med = pdg_xmalloc(nsub * sizeof(double));
	bdist *bd = pdg_xmalloc(nm * sizeof(*bd));
	uint32_t used = 0;
	for (uint32_t j = 0; j < nch; j++) {
		if (bad[j])
			continue;
		used++;
		/* excess of each subject over the median of the student
		 * and the panel, itself and the generator left out (the
		 * student's: the panel's): symmetric, so the rank test is
		 * exact */
		for (size_t s = 0; s < nsub; s++) {
			int ms = c->sub[s];
			size_t k = 0;
			for (size_t q = 0; q < c->nbase; q++) {
				int mq = c->sub[q];
				if (mq != ms && mq != p->generator)
					med[k++] = L[(size_t)mq * nch + j];
			}
			f->e[s] += L[(size_t)ms * nch + j] -
			           pdg_fp_median(med, k);
		}
		/* next-byte distributions at the chunk start */
		for (size_t m = 0; m < nm; m++) {
			const pdg_fp_record *r = v[m].r;
			uint32_t i = v[m].t0;
			while (i < v[m].t1 &&
			       ((int64_t)r->tok[i].start - v[m].off < cb[j] ||
			        r->tok[i].len == 0))
				i++;
			bdist_of(r, &r->tok[i < r->ntok ? i : r->ntok - 1],
			         &bd[m]);
		}
		for (size_t t = 0; t < nc; t++)
			for (size_t s = 0; s < nsub; s++) {
				const bdist *a = &bd[c->cand[t]];
				const bdist *b = &bd[c->sub[s]];
				f->js[t * nsub + s] += bdist_js(a, b);
				f->agree[t * nsub + s] += a->argmax >= 0 &&
				                          a->argmax == b->argmax;
			}
	}
	free(bd);
	f->nchunks = used;
	if (!used)
		goto out;
	for (size_t s = 0; s < nsub; s++)
		f->e[s] = c->sub[s] == p->generator ? NAN : f->e[s] / used;
	for (size_t t = 0; t < nc; t++)
		for (size_t s = 0; s < nsub; s++) {
			size_t q = t * nsub + s;
			const struct view *vt = &v[c->cand[t]];
			const struct view *vs = &v[c->sub[s]];
			f->js[q] /= used;
			f->agree[q] /= used;
			f->tail[q] = NAN;
			f->klf[q] = NAN;
			if (!same_tokens(vt, vs))
				continue;
			f->tail[q] = tail_rank(vt, vs);
			pdg_fp_scores *a = st->scores[c->cand[t]];
			pdg_fp_scores *b = st->scores[c->sub[s]];
			if (c->backend && vt->r->dense && vs->r->dense && rc == 0)
				rc = full_kl(vt, vs, a, b, c->backend,
				             &f->klf[q]);
		}
out:
	free(v);
	free(cb);
	free(L);
	free(bad);
	free(med);
	return rc;
}
