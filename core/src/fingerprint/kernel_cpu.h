/* kernel_cpu.h - the CPU backend of the fused kernel (kernel.c). */
#ifndef PDG_FP_KERNEL_CPU_H
#define PDG_FP_KERNEL_CPU_H

#include "fingerprint/kernel.h"

/* One row pair of a job. */
void pdg_fp_pair_row(const pdg_fp_pair_job *job, uint32_t row,
                     pdg_fp_pair_stats *out);
/* Every row pair, on `threads` threads (0: all cores).  0 or -1. */
int pdg_fp_pairs_cpu(const pdg_fp_pair_job *job, pdg_fp_pair_stats *out,
                     unsigned threads);
/* Threads that `want` means (0: the online cores). */
unsigned pdg_fp_cpu_threads(unsigned want);
/* "avx2" or "base": the vector code in use (PEDIGREE_FP_ISA=base forces
 * the baseline, for tests). */
const char *pdg_fp_cpu_isa(void);

#endif
