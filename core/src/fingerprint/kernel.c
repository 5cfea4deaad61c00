/* kernel.c - the fused row-pair kernel on the CPU: threads over rows,
 * eight lanes within a block (a portable baseline and AVX2+FMA, chosen
 * at run time, giving the same bits), the arithmetic of kernel.h that
 * the CUDA backend shares. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fingerprint/kernel.h"
#include "fingerprint/kernel_cpu.h"

#ifdef __clang__
#pragma clang fp contract(off)
#endif

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

#define V8(x) ((v8f){ x, x, x, x, x, x, x, x })

/* The next block of both rows, fetched into cache while this one is
 * summed: the maximum pass that reads a block first otherwise waits on
 * memory, and the summing pass is all arithmetic on cached data.
 * Addresses are integers (a prefetch never faults, and past the last
 * block they point back at this one), and there is no test in the loop:
 * GCC 12 dropped the prefetches behind one. */
struct prefetch {
	uintptr_t t, s;
	size_t group_bytes;      /* of each row, per PDG_FP_GROUP elements */
};

static inline void prefetch_group(const struct prefetch *pf, uint32_t i)
{
	uintptr_t off = (uintptr_t)(i / PDG_FP_GROUP) * pf->group_bytes;

	for (size_t b = 0; b < pf->group_bytes; b += 64) {
		__builtin_prefetch((const void *)(pf->t + off + b));
		__builtin_prefetch((const void *)(pf->s + off + b));
	}
}

struct kernel_isa {
	uint32_t (*load)(const void *row, pdg_fp_dtype dt, uint32_t off,
	                 uint32_t n, float *out);
	float (*block_max)(const float *z, uint32_t n);
	void (*block_sums)(const float *zt, const float *zs, uint32_t n,
	                   float mt, float ms, const struct prefetch *pf,
	                   double out[4]);
	/* Indices of the elements above thr, in order; their count. */
	uint32_t (*above)(const float *z, uint32_t n, float thr,
	                  uint16_t *idx);
};

/* ---- baseline: vector extensions, any instruction set ------------- */

/* Maximum of a padded block (n a multiple of 8). */
static float base_block_max(const float *z, uint32_t n)
{
	v8f acc = V8(-INFINITY), v;
	float m = -INFINITY;

	/* v replaces acc only when greater: a NaN never wins (it used to
	 * when it came after a number, hiding the rest of its lane). */
	for (uint32_t i = 0; i < n; i += 8) {
		memcpy(&v, z + i, sizeof(v));
		v8i gt = v > acc;
		acc = (v8f)(((v8i)v & gt) | ((v8i)acc & ~gt));
	}
	for (int j = 0; j < 8; j++)
		if (acc[j] > m)
			m = acc[j];
	return m;
}

/* Sums of one padded block (padding is -inf): sum eT, sum eS,
 * sum eT zT, sum eT zS, with e = exp(z - block max).  Lane l of 8 adds
 * elements l, l + 8, ... of each group of PDG_FP_GROUP in float; lanes
 * l and l + 4 then go to double accumulator l, as the AVX2 code's
 * halves do, so both give the same bits. */
static void base_block_sums(const float *zt, const float *zs, uint32_t n,
                            float mt, float ms, const struct prefetch *pf,
                            double out[4])
{
	const float ht = pdg_fp_shift(mt), hs = pdg_fp_shift(ms);
	double d[4][4] = { { 0 } };

	for (uint32_t i = 0; i < n; i += PDG_FP_GROUP) {
		float f[4][8] = { { 0 } };
		uint32_t end = n - i < PDG_FP_GROUP ? n : i + PDG_FP_GROUP;
		prefetch_group(pf, i);
		for (uint32_t j = i; j < end; j += 8)
			for (int l = 0; l < 8; l++) {
				float a = zt[j + l] - ht, b = zs[j + l] - hs;
				float et = pdg_fp_expf(a), es = pdg_fp_expf(b);
				/* a zero weight times an infinite logit is no
				 * term */
				int live = et > 0.0f;
				f[0][l] += et;
				f[1][l] += es;
				f[2][l] = fmaf(et, live ? a : 0.0f, f[2][l]);
				f[3][l] = fmaf(et, live ? b : 0.0f, f[3][l]);
			}
		for (int q = 0; q < 4; q++)
			for (int l = 0; l < 4; l++) {
				d[q][l] += (double)f[q][l];
				d[q][l] += (double)f[q][l + 4];
			}
	}
	for (int q = 0; q < 4; q++)
		out[q] = (d[q][0] + d[q][1]) + (d[q][2] + d[q][3]);
	/* back from shifted logits: sum e z = sum e (z - h) + h sum e */
	out[2] += (double)ht * out[0];
	out[3] += (double)hs * out[0];
}

/* Widen a block to float, padding to a multiple of 8 with -inf. */
static uint32_t base_load(const void *row, pdg_fp_dtype dt,
                                        uint32_t off, uint32_t n,
                                        float *out)
{
	uint32_t n8 = (n + 7) & ~7u, i;

	if (dt == PDG_FP_F32) {
		memcpy(out, (const float *)row + off, n * sizeof(float));
	} else if (dt == PDG_FP_BF16) {
		const uint16_t *h = (const uint16_t *)row + off;
		for (i = 0; i < n; i++)
			out[i] = pdg_fp_bf16_to_f32(h[i]);
	} else {
		const uint16_t *h = (const uint16_t *)row + off;
		for (i = 0; i < n; i++)
			out[i] = pdg_fp_f16_to_f32(h[i]);
	}
	for (i = n; i < n8; i++)
		out[i] = -INFINITY;
	return n8;
}

static uint32_t base_above(const float *z, uint32_t n, float thr,
                           uint16_t *idx)
{
	uint32_t c = 0;

	for (uint32_t i = 0; i < n; i++)
		if (z[i] > thr)
			idx[c++] = (uint16_t)i;
	return c;
}

static const struct kernel_isa base_isa = {
	base_load, base_block_max, base_block_sums, base_above,
};

/* ---- AVX2 ----------------------------------------------------------- */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_BUILD 1
#include <immintrin.h>
/* The same lanes as kernel_body.h, with intrinsics: compilers widen
 * float vectors to double badly through the generic extensions. */
#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static inline __m256 avx2_exp8(__m256 v)
{
	__m256 live = _mm256_cmp_ps(v, _mm256_set1_ps(-87.0f), _CMP_GE_OQ);
	v = _mm256_max_ps(v, _mm256_set1_ps(-87.0f));	/* NaN: -87 */
	__m256 n = _mm256_floor_ps(_mm256_fmadd_ps(v,
	                 _mm256_set1_ps(1.44269504088896341f),
	                 _mm256_set1_ps(0.5f)));
	__m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), v);
	r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
	__m256 p = _mm256_set1_ps(1.9875691500e-4f);
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
	p = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r),
	                  _mm256_set1_ps(1.0f));
	__m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n),
	                              _mm256_set1_epi32(127)), 23);
	p = _mm256_mul_ps(p, _mm256_castsi256_ps(e));
	return _mm256_and_ps(p, live);
}

/* Four accumulators: one compare-and-blend chain per 8 elements was a
 * fifth of the kernel's time, bound by its latency.  The maximum is
 * exact in any order (a signed zero may differ, which no use of it can
 * see), and NaN never wins: max_ps returns its second operand when
 * either is NaN, and the accumulators start at -inf. */
AVX2 static float avx2_block_max(const float *z, uint32_t n)
{
	const __m256 ninf = _mm256_set1_ps(-INFINITY);
	__m256 a0 = ninf, a1 = ninf, a2 = ninf, a3 = ninf;
	float m = -INFINITY, lane[8];
	uint32_t i = 0;

	for (; i + 32 <= n; i += 32) {
		a0 = _mm256_max_ps(_mm256_loadu_ps(z + i), a0);
		a1 = _mm256_max_ps(_mm256_loadu_ps(z + i + 8), a1);
		a2 = _mm256_max_ps(_mm256_loadu_ps(z + i + 16), a2);
		a3 = _mm256_max_ps(_mm256_loadu_ps(z + i + 24), a3);
	}
	for (; i < n; i += 8)
		a0 = _mm256_max_ps(_mm256_loadu_ps(z + i), a0);
	a0 = _mm256_max_ps(_mm256_max_ps(a0, a1), _mm256_max_ps(a2, a3));
	_mm256_storeu_ps(lane, a0);
	for (int j = 0; j < 8; j++)
		if (lane[j] > m)
			m = lane[j];
	return m;
}

AVX2 static inline void avx2_acc(__m256d *acc, __m256 x)
{
	acc[0] = _mm256_add_pd(acc[0],
	                       _mm256_cvtps_pd(_mm256_castps256_ps128(x)));
	acc[0] = _mm256_add_pd(acc[0],
	                       _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)));
}

AVX2 static double avx2_hsum(__m256d v)
{
	double l[4];

	_mm256_storeu_pd(l, v);
	return (l[0] + l[1]) + (l[2] + l[3]);
}

AVX2 static void avx2_block_sums(const float *zt, const float *zs,
                                 uint32_t n, float mt, float ms,
                                 const struct prefetch *pf, double out[4])
{
	__m256d st = _mm256_setzero_pd(), ss = st, qt = st, xt = st;
	const float ht = pdg_fp_shift(mt), hs = pdg_fp_shift(ms);
	const __m256 vht = _mm256_set1_ps(ht), vhs = _mm256_set1_ps(hs);

	for (uint32_t i = 0; i < n; i += PDG_FP_GROUP) {
		__m256 ft = _mm256_setzero_ps(), fs = ft, fq = ft, fx = ft;
		uint32_t end = n - i < PDG_FP_GROUP ? n : i + PDG_FP_GROUP;
		prefetch_group(pf, i);
		for (uint32_t j = i; j < end; j += 8) {
			__m256 a = _mm256_sub_ps(_mm256_loadu_ps(zt + j), vht);
			__m256 b = _mm256_sub_ps(_mm256_loadu_ps(zs + j), vhs);
			__m256 et = avx2_exp8(a), es = avx2_exp8(b);
			__m256 live = _mm256_cmp_ps(et, _mm256_setzero_ps(),
			                            _CMP_GT_OQ);
			ft = _mm256_add_ps(ft, et);
			fs = _mm256_add_ps(fs, es);
			fq = _mm256_fmadd_ps(et, _mm256_and_ps(a, live), fq);
			fx = _mm256_fmadd_ps(et, _mm256_and_ps(b, live), fx);
		}
		avx2_acc(&st, ft);
		avx2_acc(&ss, fs);
		avx2_acc(&qt, fq);
		avx2_acc(&xt, fx);
	}
	out[0] = avx2_hsum(st);
	out[1] = avx2_hsum(ss);
	out[2] = avx2_hsum(qt) + (double)ht * out[0];
	out[3] = avx2_hsum(xt) + (double)hs * out[0];
}

/* Eight compares an instruction; once the list is full few elements
 * pass, so the scalar part seldom runs. */
AVX2 static uint32_t avx2_above(const float *z, uint32_t n, float thr,
                                uint16_t *idx)
{
	const __m256 vt = _mm256_set1_ps(thr);
	uint32_t c = 0;

	for (uint32_t i = 0; i < n; i += 8) {
		unsigned m = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(
		                 _mm256_loadu_ps(z + i), vt, _CMP_GT_OQ));
		while (m) {
			idx[c++] = (uint16_t)(i + (unsigned)__builtin_ctz(m));
			m &= m - 1;
		}
	}
	return c;
}

static const struct kernel_isa avx2_isa = {
	base_load, avx2_block_max, avx2_block_sums, avx2_above,
};
#endif

static const struct kernel_isa *isa_pick(void)
{
#ifdef HAVE_AVX2_BUILD
	const char *force = getenv("PEDIGREE_FP_ISA");

	if (force && strcmp(force, "base") == 0)
		return &base_isa;
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		return &avx2_isa;
#endif
	return &base_isa;
}

const char *pdg_fp_cpu_isa(void)
{
	return isa_pick() == &base_isa ? "base" : "avx2+fma";
}

/* Insert (v, i) into a top-k list kept best first; ties keep the lower
 * index first (elements arrive in index order). */
static void topk_push(uint32_t *idx, float *val, uint32_t *n, uint32_t k,
                      float v, uint32_t i)
{
	uint32_t j;

	if (!(v > -INFINITY))
		return;		/* NaN and -inf never rank */
	if (*n < k)
		j = (*n)++;
	else if (v > val[k - 1])
		j = k - 1;
	else
		return;
	while (j > 0 && v > val[j - 1]) {
		val[j] = val[j - 1];
		idx[j] = idx[j - 1];
		j--;
	}
	val[j] = v;
	idx[j] = i;
}

/* Jensen-Shannon terms of one block in double (kernel.h): with the
 * larger log-probability a and d = b - a <= 0, the term is
 * pa/2 (-L + e^d (d - L)), L = log((1 + e^d) / 2). */
static double js_block(const float *zt, const float *zs, uint32_t n,
                       double lse_t, double lse_s)
{
	double acc = 0;

	for (uint32_t i = 0; i < n; i++) {
		double lt = (double)zt[i] - lse_t, ls = (double)zs[i] - lse_s;
		double a = lt > ls ? lt : ls, d = (lt > ls ? ls : lt) - a;
		if (!(a > -745.0))
			continue;
		double em = d > -745.0 ? expm1(d) : -1.0;
		double L = log1p(em / 2);
		acc += 0.5 * exp(a) * (-L + (1.0 + em) * (d - L));
	}
	return acc;
}

struct row_acc {
	double mt, ms;           /* running maxima */
	double st, ss, qt, xt;   /* sums scaled to the running maxima */
};

static void acc_merge(struct row_acc *r, float mt, float ms,
                      const double b[4])
{
	if (b[0] > 0) {
		if (mt > r->mt) {
			double w = exp(r->mt - mt);
			r->st *= w;
			r->qt *= w;
			r->xt *= w;
			r->mt = mt;
		}
		double w = exp(mt - r->mt);
		r->st += b[0] * w;
		r->qt += b[2] * w;
		r->xt += b[3] * w;
	}
	if (b[1] > 0) {
		if (ms > r->ms) {
			r->ss *= exp(r->ms - ms);
			r->ms = ms;
		}
		r->ss += b[1] * exp(ms - r->ms);
	}
}

void pdg_fp_pair_row(const pdg_fp_pair_job *job, uint32_t row,
                     pdg_fp_pair_stats *out)
{
	const struct kernel_isa *isa = isa_pick();
	size_t es = pdg_fp_dtype_size(job->dtype);
	const char *t = (const char *)job->t + (size_t)row * job->vocab * es;
	const char *s = (const char *)job->s + (size_t)row * job->vocab * es;
	float bt[PDG_FP_BLOCK], bs[PDG_FP_BLOCK];
	float best_t = -INFINITY, best_s = -INFINITY;
	struct row_acc r = { -INFINITY, -INFINITY, 0, 0, 0, 0 };
	uint32_t k = job->topk > PDG_FP_KTOP ? PDG_FP_KTOP : job->topk;
	int js = job->lse_t && job->lse_s;
	double jsum = 0;

	memset(out, 0, sizeof(*out));
	for (uint32_t off = 0; off < job->vocab; off += PDG_FP_BLOCK) {
		uint32_t n = job->vocab - off < PDG_FP_BLOCK ?
		             job->vocab - off : PDG_FP_BLOCK;
		const float *zt = bt, *zs = bs;
		uint32_t n8 = PDG_FP_BLOCK;
		if (job->dtype == PDG_FP_F32 && n == PDG_FP_BLOCK) {
			/* whole f32 blocks are read in place */
			zt = (const float *)t + off;
			zs = (const float *)s + off;
		} else {
			n8 = isa->load(t, job->dtype, off, n, bt);
			isa->load(s, job->dtype, off, n, bs);
		}
		float mt = isa->block_max(zt, n8), ms = isa->block_max(zs, n8);
		double b[4];
		uint32_t next = off + PDG_FP_BLOCK < job->vocab ?
		                off + PDG_FP_BLOCK : off;
		struct prefetch pf = { (uintptr_t)(t + (size_t)next * es),
		                       (uintptr_t)(s + (size_t)next * es),
		                       PDG_FP_GROUP * es };
		isa->block_sums(zt, zs, n8, mt, ms, &pf, b);
		acc_merge(&r, mt, ms, b);
		if (mt > best_t) {
			uint32_t i = 0;
			while (zt[i] != mt)
				i++;
			best_t = mt;
			out->argmax_t = off + i;
		}
		if (ms > best_s) {
			uint32_t i = 0;
			while (zs[i] != ms)
				i++;
			best_s = ms;
			out->argmax_s = off + i;
		}
		if (k && (out->k < k || mt > out->top_t[k - 1])) {
			float thr = out->k < k ? -INFINITY : out->top_t[k - 1];
			uint16_t idx[PDG_FP_BLOCK];
			uint32_t c = isa->above(zt, n8, thr, idx);
			/* the threshold rises as the list fills: the push
			 * checks each candidate against the list as it is */
			for (uint32_t i = 0; i < c; i++)
				topk_push(out->top_idx, out->top_t, &out->k, k,
				          zt[idx[i]], off + idx[i]);
		}
		if (js)
			jsum += js_block(zt, zs, n, job->lse_t[row],
			                 job->lse_s[row]);
	}
	out->lse_t = r.mt + log(r.st);
	out->lse_s = r.ms + log(r.ss);
	double ezt = r.qt / r.st, ezs = r.xt / r.st;
	out->ent_t = out->lse_t - ezt;
	out->ce = out->lse_s - ezs;
	out->kl = (out->lse_s - out->lse_t) + (ezt - ezs);
	out->js = js ? jsum : NAN;
	for (uint32_t i = 0; i < out->k; i++) {
		uint32_t j = out->top_idx[i];
		out->top_s[i] = job->dtype == PDG_FP_F32 ?
		                ((const float *)s)[j] :
		                job->dtype == PDG_FP_BF16 ?
		                pdg_fp_bf16_to_f32(((const uint16_t *)s)[j]) :
		                pdg_fp_f16_to_f32(((const uint16_t *)s)[j]);
	}
}

struct worker {
	pthread_t th;
	int running;
	const pdg_fp_pair_job *job;
	pdg_fp_pair_stats *out;
	uint32_t from, to;
};

static void *work(void *p)
{
	struct worker *w = p;

	for (uint32_t i = w->from; i < w->to; i++)
		pdg_fp_pair_row(w->job, i, &w->out[i]);
	return NULL;
}

unsigned pdg_fp_cpu_threads(unsigned want)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (want)
		return want > 256 ? 256 : want;
	return n > 0 ? (unsigned)(n > 256 ? 256 : n) : 1;
}

int pdg_fp_pairs_cpu(const pdg_fp_pair_job *job, pdg_fp_pair_stats *out,
                     unsigned threads)
{
	unsigned nt = pdg_fp_cpu_threads(threads);
	/* Threads are worth their start only over enough work. */
	uint64_t elems = (uint64_t)job->rows * job->vocab;

	if (nt > job->rows)
		nt = job->rows;
	if (elems < (1u << 20) || nt <= 1) {
		for (uint32_t i = 0; i < job->rows; i++)
			pdg_fp_pair_row(job, i, &out[i]);
		return 0;
	}
	struct worker *w = calloc(nt, sizeof(*w));
	if (!w)
		return -1;
	for (unsigned i = 0; i < nt; i++) {
		w[i].job = job;
		w[i].out = out;
		w[i].from = (uint32_t)((uint64_t)job->rows * i / nt);
		w[i].to = (uint32_t)((uint64_t)job->rows * (i + 1) / nt);
		if (i > 0)
			w[i].running = pthread_create(&w[i].th, NULL, work,
			                              &w[i]) == 0;
	}
	/* This thread takes the first range and any whose thread did not
	 * start. */
	for (unsigned i = 0; i < nt; i++)
		if (!w[i].running)
			work(&w[i]);
	for (unsigned i = 1; i < nt; i++)
		if (w[i].running)
			pthread_join(w[i].th, NULL);
	free(w);
	return 0;
}
