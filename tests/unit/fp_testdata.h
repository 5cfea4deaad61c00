/* fp_testdata.h - a deterministic normal generator shared by the kernel
 * tests (CPU reference, CPU against CUDA). */
#ifndef PDG_FP_TESTDATA_H
#define PDG_FP_TESTDATA_H

#include <math.h>
#include <stdint.h>

static uint64_t fp_test_rng = 88172645463325252ull;

static inline uint64_t fp_test_next(void)
{
	fp_test_rng ^= fp_test_rng << 13;
	fp_test_rng ^= fp_test_rng >> 7;
	fp_test_rng ^= fp_test_rng << 17;
	return fp_test_rng;
}

/* Box-Muller on xorshift64. */
static inline double gauss(void)
{
	double u = ((fp_test_next() >> 11) + 0.5) / 9007199254740992.0;
	double v = (fp_test_next() >> 11) / 9007199254740992.0;

	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

#endif
