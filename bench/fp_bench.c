/* fp_bench.c - throughput of the fused row-pair kernel (bench/fingerprint).
 *
 * For each backend: positions x vocabulary per second, and the ratio of
 * the bytes the kernel reads per second to a STREAM-like read of memory
 * measured in the same run (CPU: a vector sum over a buffer larger than
 * the caches, one thread and all; GPU: a float4 read kernel over the
 * same device buffers).  The last line is key=value pairs.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "fingerprint/device.h"
#include "fingerprint/kernel_cpu.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

struct rd {
	pthread_t th;
	const float *p;
	size_t n;
	double sum;
};

typedef float v8f __attribute__((vector_size(32)));

static void *read_part(void *arg)
{
	struct rd *r = arg;
	v8f a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 }, v;

	for (size_t i = 0; i + 32 <= r->n; i += 32) {
		memcpy(&v, r->p + i, sizeof(v));
		a += v;
		memcpy(&v, r->p + i + 8, sizeof(v));
		b += v;
		memcpy(&v, r->p + i + 16, sizeof(v));
		c += v;
		memcpy(&v, r->p + i + 24, sizeof(v));
		d += v;
	}
	a += b + c + d;
	for (int j = 0; j < 8; j++)
		r->sum += a[j];
	return NULL;
}

/* GB/s of reading `n` floats with `threads` threads (best of reps). */
static double stream_read(const float *p, size_t n, unsigned threads,
                          int reps)
{
	struct rd *r = calloc(threads, sizeof(*r));
	double best = 0, sink = 0;

	for (int k = 0; k < reps; k++) {
		double t0 = now();
		for (unsigned i = 0; i < threads; i++) {
			r[i].p = p + n * i / threads;
			r[i].n = n / threads;
			r[i].sum = 0;
			pthread_create(&r[i].th, NULL, read_part, &r[i]);
		}
		for (unsigned i = 0; i < threads; i++) {
			pthread_join(r[i].th, NULL);
			sink += r[i].sum;
		}
		double gbs = 4.0 * (double)n / (now() - t0) / 1e9;
		if (gbs > best)
			best = gbs;
	}
	free(r);
	return sink == 12345.0 ? 0 : best;
}

static uint16_t bf16(float x)
{
	uint32_t u;

	memcpy(&u, &x, 4);
	return (uint16_t)(u >> 16);
}

int main(int argc, char **argv)
{
	uint32_t V = 151936, rows = 256;
	int reps = 3;
	unsigned threads = 0;
	const char *device = "all";

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--vocab") == 0)
			V = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--rows") == 0)
			rows = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--reps") == 0)
			reps = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--device") == 0)
			device = argv[i + 1];
		else {
			fprintf(stderr, "usage: pedigree-fp-bench [--vocab V] "
			        "[--rows N] [--reps R] [--threads T] [--device "
			        "cpu|cuda|all]\n");
			return 2;
		}
	}
	if (V == 0 || rows == 0 || reps < 1) {
		fprintf(stderr, "pedigree-fp-bench: bad sizes\n");
		return 2;
	}
	unsigned all = pdg_fp_cpu_threads(threads);
	size_t n = (size_t)V * rows;
	float *t = malloc(n * sizeof(float)), *s = malloc(n * sizeof(float));
	uint16_t *tb = malloc(n * 2), *sb = malloc(n * 2);
	pdg_fp_pair_stats *out = calloc(rows, sizeof(*out));
	uint64_t x = 1;
	if (!t || !s || !tb || !sb || !out) {
		fprintf(stderr, "pedigree-fp-bench: out of memory\n");
		return 3;
	}
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		t[i] = (float)((x >> 40) & 0xffff) * (8.0f / 65536) - 4;
		s[i] = t[i] + (float)((x >> 20) & 0xff) * (1.0f / 256) - 0.5f;
		tb[i] = bf16(t[i]);
		sb[i] = bf16(s[i]);
	}
	printf("fused kernel (KL, CE, entropy, argmax, top-20): %u rows x "
	       "%u vocabulary\n", rows, V);
	double cpu1 = 0, cpun = 0, bw1 = 0, bwn = 0, gpu32 = 0, gpu16 = 0,
	       gbw = 0, ge2e = 0;
	if (strcmp(device, "cuda") != 0) {
		/* read bandwidth on the kernel's own two buffers */
		bw1 = fmax(stream_read(t, n, 1, reps), stream_read(s, n, 1, 1));
		bwn = stream_read(t, n, all, reps);
		pdg_fp_pair_job job = { PDG_FP_F32, V, rows, t, s, NULL, NULL,
		                        20 };
		for (int pass = 0; pass < 2; pass++) {
			unsigned th = pass ? all : 1;
			double best = 0;
			for (int k = 0; k < reps; k++) {
				double t0 = now();
				pdg_fp_pairs_cpu(&job, out, th);
				double r = (double)n / (now() - t0);
				best = r > best ? r : best;
			}
			if (pass)
				cpun = best;
			else
				cpu1 = best;
		}
		printf("cpu (%s): 1 thread %.3g pos*vocab/s (%.0f%% of a "
		       "%.1f GB/s read), %u threads %.3g pos*vocab/s (%.0f%% "
		       "of %.1f GB/s)\n", pdg_fp_cpu_isa(), cpu1,
		       100 * cpu1 * 8 / (bw1 * 1e9), bw1, all, cpun,
		       100 * cpun * 8 / (bwn * 1e9), bwn);
	}
	if (strcmp(device, "cpu") != 0) {
		pdg_fp_backend *be = NULL;
		if (pdg_fp_backend_open(&be, PDG_FP_DEVICE_CUDA, 0, 1) < 0) {
			printf("cuda: not run: %s\n", pdg_error_last());
		} else {
			const pdg_fp_cuda_api *api = pdg_fp_backend_cuda(be);
			char err[256] = "";
			double ks, cgbs, rgbs;
			pdg_fp_pair_job j32 = { PDG_FP_F32, V, rows, t, s, NULL,
			                        NULL, 20 };
			pdg_fp_pair_job j16 = { PDG_FP_BF16, V, rows, tb, sb,
			                        NULL, NULL, 20 };
			if (api->bench(&j32, out, reps * 5, &ks, &cgbs, &rgbs, err,
			               sizeof(err)) == 0) {
				gpu32 = (double)n / ks;
				gbw = rgbs;
				printf("cuda (%s) f32: %.3g pos*vocab/s on device "
				       "(%.0f%% of a %.0f GB/s read); host copy "
				       "%.1f GB/s\n", pdg_fp_backend_name(be),
				       gpu32, 100 * gpu32 * 8 / (rgbs * 1e9),
				       rgbs, cgbs);
			} else {
				printf("cuda f32: %s\n", err);
			}
			if (api->bench(&j16, out, reps * 5, &ks, &cgbs, &rgbs, err,
			               sizeof(err)) == 0) {
				gpu16 = (double)n / ks;
				printf("cuda bf16: %.3g pos*vocab/s on device "
				       "(%.0f%% of the read bandwidth at 4 B per "
				       "pair)\n", gpu16, 100 * gpu16 * 4 /
				       (rgbs * 1e9));
			}
			double t0 = now();
			if (pdg_fp_backend_pairs(be, &j16, out) == 0) {
				ge2e = (double)n / (now() - t0);
				printf("cuda bf16 from host memory (streamed, "
				       "pinned, overlapped): %.3g pos*vocab/s\n",
				       ge2e);
			}
			pdg_fp_backend_free(be);
		}
	}
	printf("cpu1=%.4g cpu_all=%.4g cpu_bw_ratio=%.3f cuda_f32=%.4g "
	       "cuda_bf16=%.4g cuda_bw_ratio=%.3f cuda_host_bf16=%.4g\n", cpu1,
	       cpun, bwn > 0 ? cpun * 8 / (bwn * 1e9) : 0, gpu32, gpu16,
	       gbw > 0 ? gpu32 * 8 / (gbw * 1e9) : 0, ge2e);
	free(t);
	free(s);
	free(tb);
	free(sb);
	free(out);
	return 0;
}
