/* test_fp_kernel.c - the fused row-pair kernel on the CPU against a
 * naive two-pass reference in long double, for every dtype, vocabulary
 * sizes around the block size, infinite logits, threads and both
 * instruction-set paths. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fingerprint/kernel_cpu.h"
#include "fp_testdata.h"

struct ref {
	long double lse_t, lse_s, kl, ce, ent, js;
	uint32_t am_t, am_s;
	uint32_t top[PDG_FP_KTOP];
	uint32_t k;
};


static uint16_t to_bf16(float x)
{
	uint32_t u;

	memcpy(&u, &x, 4);
	return (uint16_t)((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

/* Float to half by round-to-nearest through the exact decoder: good
 * enough for test data (values well inside the half range). */
static uint16_t to_f16(float x)
{
	uint16_t best = 0;
	float bd = INFINITY;
	uint16_t sign = x < 0 ? 0x8000 : 0;
	float ax = fabsf(x);
	/* binary search on the monotone positive halves */
	uint16_t lo = 0, hi = 0x7bff;
	while (lo < hi) {
		uint16_t mid = (uint16_t)((lo + hi) / 2);
		if (pdg_fp_f16_to_f32(mid) < ax)
			lo = (uint16_t)(mid + 1);
		else
			hi = mid;
	}
	for (int d = -1; d <= 0; d++) {
		int c = lo + d;
		if (c < 0)
			continue;
		float e = fabsf(pdg_fp_f16_to_f32((uint16_t)c) - ax);
		if (e < bd) {
			bd = e;
			best = (uint16_t)c;
		}
	}
	return (uint16_t)(best | sign);
}

static void reference(const float *t, const float *s, uint32_t V,
                      uint32_t k, struct ref *r)
{
	long double mt = -INFINITY, ms = -INFINITY, st = 0, ss = 0;

	memset(r, 0, sizeof(*r));
	for (uint32_t i = 0; i < V; i++) {
		if (t[i] > mt) {
			mt = t[i];
			r->am_t = i;
		}
		if (s[i] > ms) {
			ms = s[i];
			r->am_s = i;
		}
	}
	for (uint32_t i = 0; i < V; i++) {
		st += expl((long double)t[i] - mt);
		ss += expl((long double)s[i] - ms);
	}
	r->lse_t = mt + logl(st);
	r->lse_s = ms + logl(ss);
	for (uint32_t i = 0; i < V; i++) {
		long double lt = (long double)t[i] - r->lse_t;
		long double ls = (long double)s[i] - r->lse_s;
		long double p = expl(lt), q = expl(ls), m = (p + q) / 2;
		if (p > 0) {
			r->kl += p * (lt - ls);
			r->ce -= p * ls;
			r->ent -= p * lt;
			r->js += 0.5L * p * logl(p / m);
		}
		if (q > 0)
			r->js += 0.5L * q * logl(q / m);
	}
	/* top-k by value, ties to the lower index */
	for (uint32_t j = 0; j < k && j < V; j++) {
		int best = -1;
		for (uint32_t i = 0; i < V; i++) {
			int used = 0;
			for (uint32_t q = 0; q < j; q++)
				used |= r->top[q] == i;
			if (used || !(t[i] > -INFINITY))
				continue;
			if (best < 0 || t[i] > t[best])
				best = (int)i;
		}
		if (best < 0)
			break;
		r->top[r->k++] = (uint32_t)best;
	}
}

/* |a - b| within rel of the reference, with a floor for the values that
 * are differences of nearly equal terms (float weights). */
static void close_to(double a, long double b, double rel, double floor)
{
	double d = fabs(a - (double)b);
	if (!(d <= rel * fabsl(b) + floor))
		fail_msg("%.17g vs %.17Lg (diff %.3g)", a, b, d);
}

static void check_rows(pdg_fp_dtype dt, uint32_t V, uint32_t rows,
                       double noise, int with_inf)
{
	size_t n = (size_t)V * rows, es = pdg_fp_dtype_size(dt);
	float *t = malloc(n * sizeof(float)), *s = malloc(n * sizeof(float));
	void *tw = malloc(n * es), *sw = malloc(n * es);
	double *lt = malloc(rows * sizeof(double)),
	       *ls = malloc(rows * sizeof(double));
	pdg_fp_pair_stats *o = calloc(rows, sizeof(*o));
	struct ref *r = calloc(rows, sizeof(*r));

	for (size_t i = 0; i < n; i++) {
		float a = (float)(3 * gauss()), b = (float)(a + noise * gauss());
		if (with_inf && i % 7 == 3)
			a = b = -INFINITY;	/* masked entries of both */
		if (dt == PDG_FP_BF16) {
			((uint16_t *)tw)[i] = to_bf16(a);
			((uint16_t *)sw)[i] = to_bf16(b);
			a = pdg_fp_bf16_to_f32(((uint16_t *)tw)[i]);
			b = pdg_fp_bf16_to_f32(((uint16_t *)sw)[i]);
		} else if (dt == PDG_FP_F16) {
			if (isinf(a)) {
				((uint16_t *)tw)[i] = 0xfc00;
				((uint16_t *)sw)[i] = 0xfc00;
			} else {
				((uint16_t *)tw)[i] = to_f16(a);
				((uint16_t *)sw)[i] = to_f16(b);
				a = pdg_fp_f16_to_f32(((uint16_t *)tw)[i]);
				b = pdg_fp_f16_to_f32(((uint16_t *)sw)[i]);
			}
		} else {
			((float *)tw)[i] = a;
			((float *)sw)[i] = b;
		}
		t[i] = a;
		s[i] = b;
	}
	for (uint32_t q = 0; q < rows; q++) {
		reference(t + (size_t)q * V, s + (size_t)q * V, V, 20, &r[q]);
		lt[q] = (double)r[q].lse_t;
		ls[q] = (double)r[q].lse_s;
	}
	pdg_fp_pair_job job = { dt, V, rows, tw, sw, lt, ls, 20 };
	assert_int_equal(pdg_fp_pairs_cpu(&job, o, 2), 0);
	for (uint32_t q = 0; q < rows; q++) {
		close_to(o[q].lse_t, r[q].lse_t, 1e-6, 1e-9);
		close_to(o[q].lse_s, r[q].lse_s, 1e-6, 1e-9);
		close_to(o[q].ent_t, r[q].ent, 1e-5, 1e-7);
		close_to(o[q].ce, r[q].ce, 1e-5, 1e-7);
		close_to(o[q].kl, r[q].kl, 1e-5, 1e-7);
		close_to(o[q].js, r[q].js, 1e-5, 1e-9);
		assert_int_equal(o[q].argmax_t, r[q].am_t);
		assert_int_equal(o[q].argmax_s, r[q].am_s);
		assert_int_equal(o[q].k, r[q].k);
		for (uint32_t j = 0; j < o[q].k; j++) {
			assert_int_equal(o[q].top_idx[j], r[q].top[j]);
			assert_true(o[q].top_t[j] == t[(size_t)q * V +
			                               r[q].top[j]]);
			assert_true(o[q].top_s[j] == s[(size_t)q * V +
			                               r[q].top[j]]);
		}
	}
	/* without the normalisers: the same numbers, no JS */
	pdg_fp_pair_job nojs = { dt, V, rows, tw, sw, NULL, NULL, 20 };
	pdg_fp_pair_stats *o2 = calloc(rows, sizeof(*o2));
	assert_int_equal(pdg_fp_pairs_cpu(&nojs, o2, 1), 0);
	for (uint32_t q = 0; q < rows; q++) {
		assert_true(isnan(o2[q].js));
		assert_true(o2[q].kl == o[q].kl);
		assert_true(o2[q].lse_s == o[q].lse_s);
	}
	free(o2);
	free(t);
	free(s);
	free(tw);
	free(sw);
	free(lt);
	free(ls);
	free(o);
	free(r);
}

static void test_f32_sizes(void **state)
{
	static const uint32_t V[] = { 1, 7, 8, 100, 1023, 1024, 1025, 5000,
	                              33000 };

	(void)state;
	for (size_t i = 0; i < sizeof(V) / sizeof(*V); i++)
		check_rows(PDG_FP_F32, V[i], 3, 0.5, 0);
}

static void test_half_types(void **state)
{
	(void)state;
	check_rows(PDG_FP_BF16, 3000, 3, 0.5, 0);
	check_rows(PDG_FP_F16, 2100, 3, 0.5, 0);
}

static void test_near_and_far(void **state)
{
	(void)state;
	/* a student almost equal to its teacher, and one far from it */
	check_rows(PDG_FP_F32, 4000, 2, 0.05, 0);
	check_rows(PDG_FP_F32, 4000, 2, 4.0, 0);
}

static void test_infinite_logits(void **state)
{
	(void)state;
	check_rows(PDG_FP_F32, 3000, 2, 0.5, 1);
	check_rows(PDG_FP_F16, 3000, 2, 0.5, 1);
}

/* A block where the student has no mass at all (every logit -inf) and
 * the teacher has some: cross-entropy and KL are +inf, not NaN (the
 * block's shift must not be -inf - -inf), on both instruction sets;
 * a teacher block that is all -inf weighs nothing. */
static void test_empty_blocks(void **state)
{
	uint32_t V = 3 * PDG_FP_BLOCK;
	float *t = malloc(sizeof(float) * V * 2),
	      *s = malloc(sizeof(float) * V * 2);
	pdg_fp_pair_stats a[2], b[2];

	(void)state;
	for (uint32_t i = 0; i < 2 * V; i++) {
		t[i] = (float)gauss();
		s[i] = (float)(t[i] + 0.3 * gauss());
	}
	for (uint32_t i = PDG_FP_BLOCK; i < 2 * PDG_FP_BLOCK; i++) {
		s[i] = -INFINITY;               /* row 0: student empty */
		t[V + i] = s[V + i] = -INFINITY; /* row 1: both empty */
	}
	pdg_fp_pair_job job = { PDG_FP_F32, V, 2, t, s, NULL, NULL, 5 };
	for (int pass = 0; pass < 2; pass++) {
		pdg_fp_pair_stats *o = pass ? b : a;
		if (pass)
			setenv("PEDIGREE_FP_ISA", "base", 1);
		pdg_fp_pair_row(&job, 0, &o[0]);
		pdg_fp_pair_row(&job, 1, &o[1]);
		unsetenv("PEDIGREE_FP_ISA");
		assert_true(isinf(o[0].ce) && o[0].ce > 0);
		assert_true(isinf(o[0].kl) && o[0].kl > 0);
		assert_true(isfinite(o[0].lse_s) && isfinite(o[0].ent_t));
		assert_true(isfinite(o[1].ce) && isfinite(o[1].kl));
		assert_true(o[1].kl >= 0 && o[1].kl < 1);
	}
	assert_memory_equal(a, b, sizeof(a));
	free(t);
	free(s);
}

static int same(double x, double y)
{
	return (isnan(x) && isnan(y)) || x == y;
}

/* Many rows over threads equal the rows one by one; the baseline and
 * AVX2 code give identical bits (fixed lane order). */
static void test_threads_and_isa(void **state)
{
	uint32_t V = 3000, rows = 400;
	float *t = malloc(sizeof(float) * V * rows),
	      *s = malloc(sizeof(float) * V * rows);
	pdg_fp_pair_stats *a = calloc(rows, sizeof(*a)),
	                  *b = calloc(rows, sizeof(*b));

	(void)state;
	for (size_t i = 0; i < (size_t)V * rows; i++) {
		t[i] = (float)gauss();
		s[i] = (float)(t[i] + gauss());
	}
	/* NaN logits never win a maximum nor count in a sum, wherever they
	 * stand: first in a row, first in a block, anywhere (the block
	 * maximum's accumulators must not start from one). */
	for (size_t i = 0; i < (size_t)V * rows; i += 1031)
		t[i] = NAN;
	for (uint32_t r = 0; r < rows; r += 3)
		for (uint32_t j = 0; j < 16; j++)
			s[(size_t)r * V + j] = NAN;
	pdg_fp_pair_job job = { PDG_FP_F32, V, rows, t, s, NULL, NULL, 10 };
	assert_int_equal(pdg_fp_pairs_cpu(&job, a, 4), 0);
	for (uint32_t i = 0; i < rows; i++)
		pdg_fp_pair_row(&job, i, &b[i]);
	assert_memory_equal(a, b, sizeof(*a) * rows);
	setenv("PEDIGREE_FP_ISA", "base", 1);
	assert_string_equal(pdg_fp_cpu_isa(), "base");
	for (uint32_t i = 0; i < rows; i++)
		pdg_fp_pair_row(&job, i, &b[i]);
	unsetenv("PEDIGREE_FP_ISA");
	for (uint32_t i = 0; i < rows; i++) {
		assert_true(same(a[i].kl, b[i].kl));
		assert_true(same(a[i].ce, b[i].ce));
		assert_true(a[i].lse_t == b[i].lse_t);
		assert_true(a[i].lse_s == b[i].lse_s);
		assert_int_equal(a[i].argmax_t, b[i].argmax_t);
		assert_int_equal(a[i].argmax_s, b[i].argmax_s);
		/* a NaN teacher logit weighs nothing; a NaN student logit
		 * where the teacher has mass makes KL and CE NaN */
		assert_true(isfinite(a[i].lse_t) && isfinite(a[i].lse_s));
		assert_true(isfinite(a[i].ent_t));
		assert_true(i % 3 ? isfinite(a[i].kl) : isnan(a[i].kl));
		assert_false(isnan(t[(size_t)i * V + a[i].argmax_t]));
		assert_false(isnan(s[(size_t)i * V + a[i].argmax_s]));
	}
	free(t);
	free(s);
	free(a);
	free(b);
}

static void test_expf(void **state)
{
	(void)state;
	/* within a few ulps of exp over the range that matters */
	for (float x = -87.0f; x <= 0.0f; x += 0.0137f) {
		double e = exp((double)x), g = pdg_fp_expf(x);
		assert_true(fabs(g - e) <= 4e-7 * e);
	}
	assert_true(pdg_fp_expf(-88.0f) == 0.0f);
	assert_true(pdg_fp_expf(NAN) == 0.0f);
	assert_true(pdg_fp_expf(0.0f) == 1.0f);
	/* exact conversions */
	assert_true(pdg_fp_bf16_to_f32(0x3f80) == 1.0f);
	assert_true(pdg_fp_f16_to_f32(0x3c00) == 1.0f);
	assert_true(pdg_fp_f16_to_f32(0x0001) == 5.9604644775390625e-8f);
	assert_true(isinf(pdg_fp_f16_to_f32(0xfc00)));
	assert_true(isnan(pdg_fp_f16_to_f32(0x7e00)));
	assert_true(pdg_fp_f16_to_f32(0xc000) == -2.0f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expf),
		cmocka_unit_test(test_f32_sizes),
		cmocka_unit_test(test_half_types),
		cmocka_unit_test(test_near_and_far),
		cmocka_unit_test(test_infinite_logits),
		cmocka_unit_test(test_threads_and_isa),
		cmocka_unit_test(test_empty_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
