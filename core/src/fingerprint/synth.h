/* synth.h - synthetic-control residuals of a subject's excesses
 * (synth.c). */
#ifndef PDG_FP_SYNTH_H
#define PDG_FP_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "fingerprint/align.h"

/* Subject s's excesses (column s of f[].e) on the T-texts tt and the
 * C-texts ct it did not generate (model s_model), less what a ridge
 * regression on the columns pred[0..np) fitted on those C-texts
 * predicts (penalty kappa times the mean predictor variance).  rt gets
 * the T residuals, rc the C residuals left out one at a time; each as
 * large as its list.  0, or -1 when there are too few C-texts. */
int pdg_fp_synth(const pdg_fp_feat *f, const uint32_t *tt, size_t nt,
                 const uint32_t *ct, size_t nc, size_t s, int s_model,
                 const size_t *pred, const unsigned char *light,
                 size_t np, double kappa,
                 double *rt, size_t *nrt, double *rc, size_t *nrc);

#endif
