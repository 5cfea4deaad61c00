/* device.h - the backend that runs the fused kernel (device.c). */
#ifndef PDG_FP_DEVICE_H
#define PDG_FP_DEVICE_H

#include "pedigree/fingerprint.h"
#include "fingerprint/kernel.h"

typedef struct pdg_fp_backend pdg_fp_backend;

/* CPU, CUDA, or for AUTO whichever works (a note on stderr unless
 * quiet when it falls back).  CUDA that cannot run: PDG_EUNSUPPORTED. */
int pdg_fp_backend_open(pdg_fp_backend **out, pdg_fp_device want,
                        unsigned threads, int quiet);
int pdg_fp_backend_pairs(pdg_fp_backend *b, const pdg_fp_pair_job *job,
                         pdg_fp_pair_stats *out);
/* "cpu" or "cuda". */
const char *pdg_fp_backend_kind(const pdg_fp_backend *b);
/* For people: the GPU's name, or the CPU threads and vector code. */
const char *pdg_fp_backend_name(const pdg_fp_backend *b);
/* The CUDA module's functions, or NULL on the CPU. */
const pdg_fp_cuda_api *pdg_fp_backend_cuda(const pdg_fp_backend *b);
void pdg_fp_backend_free(pdg_fp_backend *b);

#endif
