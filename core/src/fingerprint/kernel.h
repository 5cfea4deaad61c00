/* kernel.h - the fused row-pair kernel: one read of a teacher row and a
 * student row gives KL(T||S), cross-entropy, the teacher's entropy, both
 * log-normalisers, both argmaxes and the teacher's top-k (with the
 * student's logits there); with both log-normalisers known in advance
 * the same read also gives Jensen-Shannon.
 *
 * Both backends compute the same arithmetic so that they agree far
 * inside 1e-5 relative (docs/fingerprint.md, "Kernel"):
 *  - a row is cut into blocks of PDG_FP_BLOCK elements; each block's
 *    maximum m is exact, and every element's weight is exp(z - m)
 *    computed in float by pdg_fp_expf() below, whose fused multiply-adds
 *    are explicit fmaf() (CUDA builds with -fmad=false, so nothing else
 *    is fused and x86 FMA and CUDA FFMA round alike);
 *  - the products are taken against the shifted logit z - m, which is
 *    never positive, so their sums have no cancellation; the CPU sums
 *    PDG_FP_GROUP elements per lane in float before adding to double,
 *    CUDA adds every element to double; blocks are merged by online max
 *    rescaling, exp(block max - running max), in double.
 * This header is plain C shared with the .cu file.
 */
#ifndef PDG_FP_KERNEL_H
#define PDG_FP_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#ifndef __CUDACC__
#include <math.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define PDG_FP_BLOCK 1024
#define PDG_FP_KTOP 20           /* largest top-k of the kernel */
/* Elements per float partial sum on the CPU (8 per lane of 8): the
 * relative rounding of a partial of same-signed terms is at most 8
 * float ulps, and partials round independently, so a row's sums stay
 * within about 1e-9 of exact; converting every element to double cost
 * a third of the kernel. */
#define PDG_FP_GROUP 64

typedef enum pdg_fp_dtype {
	PDG_FP_F32 = 0,
	PDG_FP_F16 = 1,
	PDG_FP_BF16 = 2
} pdg_fp_dtype;

typedef struct pdg_fp_pair_stats {
	double lse_t, lse_s;     /* log sum exp of each row */
	double kl;               /* KL(T || S) */
	double ce;               /* -sum pT log pS */
	double ent_t;            /* -sum pT log pT */
	double js;               /* Jensen-Shannon (nats), NaN if not asked */
	uint32_t argmax_t, argmax_s; /* first index of the maximum */
	uint32_t k;              /* entries in top_* */
	uint32_t top_idx[PDG_FP_KTOP]; /* teacher's top-k, best first,
	                                  ties by lower index */
	float top_t[PDG_FP_KTOP];
	float top_s[PDG_FP_KTOP];  /* student's logits at top_idx */
} pdg_fp_pair_stats;

typedef struct pdg_fp_pair_job {
	pdg_fp_dtype dtype;
	uint32_t vocab;
	uint32_t rows;
	const void *t;           /* rows x vocab, row-major */
	const void *s;
	const double *lse_t;     /* both or neither; both: compute js */
	const double *lse_s;
	uint32_t topk;           /* <= PDG_FP_KTOP */
} pdg_fp_pair_job;

#ifdef __CUDACC__
#define PDG_FP_HD __host__ __device__ __forceinline__
#else
#define PDG_FP_HD static inline
#endif

/* exp(x) for x <= 0 (or NaN) in float, the weight of every element.
 * Cephes' expf: n = round(x log2 e), r = x - n ln 2 in two parts (the
 * first exact), a degree-5 polynomial, then 2^n, with every
 * multiply-add fused (one rounding each, on every backend).  Below -87
 * and for NaN the result is 0 (a weight of 1e-38 next to the block
 * maximum's 1). */
PDG_FP_HD float pdg_fp_expf(float x)
{
	if (!(x >= -87.0f))
		return 0.0f;
	float n = floorf(fmaf(x, 1.44269504088896341f, 0.5f));
	float r = fmaf(-n, 0.693359375f, x);
	r = fmaf(-n, -2.12194440e-4f, r);
	float p = 1.9875691500e-4f;
	p = fmaf(p, r, 1.3981999507e-3f);
	p = fmaf(p, r, 8.3334519073e-3f);
	p = fmaf(p, r, 4.1665795894e-2f);
	p = fmaf(p, r, 1.6666665459e-1f);
	p = fmaf(p, r, 5.0000001201e-1f);
	float y = fmaf(p, r * r, r) + 1.0f;
	union { uint32_t u; float f; } two;
	two.u = (uint32_t)((int32_t)n + 127) << 23;
	return y * two.f;
}

/* What a block's logits are shifted by: its maximum, or 0 when every
 * element is -inf (then z - 0 keeps -inf, where -inf - -inf would be
 * NaN, so a student with no mass where the teacher has some still
 * gives an infinite cross-entropy).  With a +inf maximum every weight
 * is 0 or NaN: such a row's statistics are NaN, not numbers. */
PDG_FP_HD float pdg_fp_shift(float m)
{
	return m == -INFINITY ? 0.0f : m;
}

PDG_FP_HD float pdg_fp_bf16_to_f32(uint16_t h)
{
	union { uint32_t u; float f; } v;
	v.u = (uint32_t)h << 16;
	return v.f;
}

/* IEEE half to float, exact (subnormals, infinities, NaN). */
PDG_FP_HD float pdg_fp_f16_to_f32(uint16_t h)
{
	union { uint32_t u; float f; } v;
	uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
	uint32_t em = h & 0x7fffu;

	if (em >= 0x7c00u) {
		v.u = 0x7f800000u | ((em & 0x3ffu) << 13);
	} else if (em >= 0x0400u) {
		v.u = (em << 13) + ((127u - 15u) << 23);
	} else {
		v.f = (float)em * 5.9604644775390625e-8f;
	}
	v.u |= sign;
	return v.f;
}

/* Element size of a dtype in bytes. */
static inline size_t pdg_fp_dtype_size(pdg_fp_dtype d)
{
	return d == PDG_FP_F32 ? 4 : 2;
}

/* The CUDA module's entry point (dlopen'd, see device.c). */
#define PDG_FP_CUDA_ENTRY "pdg_fp_cuda_entry"
#define PDG_FP_CUDA_API_VERSION 1u

typedef struct pdg_fp_cuda_api {
	uint32_t version;
	uint32_t struct_size;
	/* Number of usable devices (0 when none); name of device 0. */
	int (*devices)(char *name, size_t len, char *err, size_t errlen);
	/* Run a job; rows are in host memory.  0 or -1 with err set. */
	int (*pairs)(const pdg_fp_pair_job *job, pdg_fp_pair_stats *out,
	             char *err, size_t errlen);
	/* Benchmark helper: the same job with the rows already on the
	 * device, repeated `reps` times; seconds per repetition. */
	int (*bench)(const pdg_fp_pair_job *job, pdg_fp_pair_stats *out,
	             int reps, double *kernel_s, double *copy_gbs,
	             double *read_gbs, char *err, size_t errlen);
} pdg_fp_cuda_api;

typedef const pdg_fp_cuda_api *(*pdg_fp_cuda_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
