/* test_fp_cuda.c - the CUDA backend agrees with the CPU backend within
 * 1e-5 relative on every statistic of the fused kernel, for every dtype,
 * vocabulary sizes around the block size and Qwen's, one row (split
 * over many CTAs) and many.  Exits 77 (a skipped test) where no GPU is
 * usable, saying why. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fingerprint/device.h"
#include "fingerprint/kernel_cpu.h"
#include "fp_testdata.h"

static int fails;

static void same(const char *what, const char *field, double a, double b)
{
	double d = fabs(a - b);

	if ((isnan(a) && isnan(b)) || d <= 1e-5 * fmax(fabs(a), fabs(b)) ||
	    d <= 1e-12)
		return;
	printf("FAIL - %s: %s cpu %.17g cuda %.17g\n", what, field, a, b);
	fails++;
}

static void run_case(pdg_fp_backend *cuda, pdg_fp_dtype dt, uint32_t V,
                     uint32_t rows, int js)
{
	size_t n = (size_t)V * rows, es = pdg_fp_dtype_size(dt);
	void *t = malloc(n * es), *s = malloc(n * es);
	double *lt = malloc(rows * sizeof(double)),
	       *ls = malloc(rows * sizeof(double));
	pdg_fp_pair_stats *a = calloc(rows, sizeof(*a)),
	                  *b = calloc(rows, sizeof(*b));
	char what[96];

	for (size_t i = 0; i < n; i++) {
		float x = (float)(3 * gauss()), y = (float)(x + 0.7 * gauss());
		if (i % 4099 == 17)
			x = y = -INFINITY;	/* masked */
		if (i % 1000 == 5)
			x = 2.5f;		/* ties for the top-k */
		if (dt == PDG_FP_F32) {
			((float *)t)[i] = x;
			((float *)s)[i] = y;
		} else {
			/* the raw bits of both halves; bf16 or f16 */
			uint32_t ux, uy;
			memcpy(&ux, &x, 4);
			memcpy(&uy, &y, 4);
			((uint16_t *)t)[i] = dt == PDG_FP_BF16 ?
			        (uint16_t)(ux >> 16) :
			        (uint16_t)(isinf(x) ? 0xfc00 :
			                   0x3c00 + ((ux >> 13) & 0x3ff));
			((uint16_t *)s)[i] = dt == PDG_FP_BF16 ?
			        (uint16_t)(uy >> 16) :
			        (uint16_t)(isinf(y) ? 0xfc00 :
			                   0x3800 + ((uy >> 13) & 0x7ff));
		}
	}
	pdg_fp_pair_job job = { dt, V, rows, t, s, NULL, NULL, PDG_FP_KTOP };
	if (js) {
		/* normalisers from a first pass, as the loader has them */
		pdg_fp_pairs_cpu(&job, a, 0);
		for (uint32_t i = 0; i < rows; i++) {
			lt[i] = a[i].lse_t;
			ls[i] = a[i].lse_s;
		}
		job.lse_t = lt;
		job.lse_s = ls;
	}
	snprintf(what, sizeof(what), "%s V=%u rows=%u%s",
	         dt == PDG_FP_F32 ? "f32" : dt == PDG_FP_BF16 ? "bf16" : "f16",
	         V, rows, js ? " js" : "");
	if (pdg_fp_pairs_cpu(&job, a, 0) < 0 ||
	    pdg_fp_backend_pairs(cuda, &job, b) < 0) {
		printf("FAIL - %s: %s\n", what, pdg_error_last());
		fails++;
		goto out;
	}
	int before = fails;
	for (uint32_t i = 0; i < rows; i++) {
		same(what, "lse_t", a[i].lse_t, b[i].lse_t);
		same(what, "lse_s", a[i].lse_s, b[i].lse_s);
		same(what, "kl", a[i].kl, b[i].kl);
		same(what, "ce", a[i].ce, b[i].ce);
		same(what, "ent_t", a[i].ent_t, b[i].ent_t);
		same(what, "js", a[i].js, b[i].js);
		if (a[i].argmax_t != b[i].argmax_t ||
		    a[i].argmax_s != b[i].argmax_s || a[i].k != b[i].k) {
			printf("FAIL - %s: argmax or k differ in row %u\n", what,
			       i);
			fails++;
			continue;
		}
		for (uint32_t j = 0; j < a[i].k; j++)
			if (a[i].top_idx[j] != b[i].top_idx[j] ||
			    a[i].top_t[j] != b[i].top_t[j] ||
			    a[i].top_s[j] != b[i].top_s[j]) {
				printf("FAIL - %s: top-k differs in row %u at "
				       "%u\n", what, i, j);
				fails++;
				break;
			}
		if (fails > before + 10)
			break;
	}
	if (fails == before)
		printf("ok - %s\n", what);
out:
	free(t);
	free(s);
	free(lt);
	free(ls);
	free(a);
	free(b);
}

int main(void)
{
	pdg_fp_backend *cuda = NULL;
	static const uint32_t V[] = { 1, 1000, 1025, 32000, 151936 };

	if (pdg_fp_backend_open(&cuda, PDG_FP_DEVICE_CUDA, 0, 1) < 0) {
		printf("SKIP: %s\n", pdg_error_last());
		return 77;
	}
	printf("# CUDA device: %s\n", pdg_fp_backend_name(cuda));
	for (int dt = 0; dt < 3; dt++)
		for (size_t i = 0; i < sizeof(V) / sizeof(*V); i++) {
			run_case(cuda, (pdg_fp_dtype)dt, V[i], 1, 0);
			run_case(cuda, (pdg_fp_dtype)dt, V[i],
			         V[i] > 50000 ? 40 : 300, dt == 0);
		}
	/* more rows than one chunk of the streamed copy */
	run_case(cuda, PDG_FP_BF16, 151936, 300, 0);
	pdg_fp_backend_free(cuda);
	return fails ? 1 : 0;
}
