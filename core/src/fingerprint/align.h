/* align.h - per-text features of a study (align.c). */
#ifndef PDG_FP_ALIGN_H
#define PDG_FP_ALIGN_H

#include "fingerprint/device.h"
#include "fingerprint/fp.h"

/* Subjects are the student (index 0), every panel member, then every
 * candidate (a candidate competes in the others' tests); features
 * against candidate t for subject s are at [t * nsub + s]. */
typedef struct pdg_fp_feat {
	int gen;                 /* the text's generator (model index) */
	uint32_t nchunks;        /* aligned chunks used; 0: text unusable */
	double *e;               /* [nsub] excess log-lik per chunk, NaN
	                            for the subject that generated it */
	double *js;              /* [ncand * nsub] mean next-byte JS */
	double *agree;           /* [ncand * nsub] argmax agreement */
	double *tail;            /* [ncand * nsub] tail Spearman or NaN */
	double *klf;             /* [ncand * nsub] full KL(T||S) or NaN */
} pdg_fp_feat;

typedef struct pdg_fp_align_ctx {
	const pdg_fp_study *st;
	const int *sub;          /* model index of each subject */
	size_t nsub;
	size_t nbase;            /* subjects [0, nbase) (the student and
	                            the panel) make the likelihood baseline */
	const int *cand;         /* model index of each candidate */
	size_t ncand;
	pdg_fp_backend *backend; /* for full rows; NULL: none */
} pdg_fp_align_ctx;

/* Features of probe `pi`.  When a model lacks the probe or its tokens do
 * not spell the text, *dropped_by is its index and f->nchunks is 0. */
int pdg_fp_align_probe(const pdg_fp_align_ctx *c, size_t pi,
                       pdg_fp_feat *f, int *dropped_by);
void pdg_fp_feat_clear(pdg_fp_feat *f);
/* Median of v (reordered). NaN when n is 0. */
double pdg_fp_median(double *v, size_t n);

#endif
