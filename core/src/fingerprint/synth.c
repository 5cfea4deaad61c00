/* synth.c - synthetic-control residuals of a subject's excesses.
 *
 * A subject's excess on a text has a part every model of its kind
 * shares (a topic it was trained on, a tokenizer family) and a part
 * only lineage explains.  The other subjects' excesses on the same texts
 * carry the first part: a ridge regression of the subject's excesses on
 * theirs, fitted on the C-texts, predicts what its kinship alone would
 * give on the T-texts; what is left is evidence of lineage.  Residuals on
 * the C-texts are leave-one-out (each text predicted without itself), so
 * both kinds of residual are out-of-sample prediction errors and stay
 * exchangeable under the null, which the permutation test needs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/synth.h"
#include "util.h"

/* Cholesky of the p x p matrix a in place (lower triangle); 0 or -1. */
static int cholesky(double *a, size_t p)
{
	for (size_t j = 0; j < p; j++) {
		double d = a[j * p + j];
		for (size_t k = 0; k < j; k++)
			d -= a[j * p + k] * a[j * p + k];
		if (!(d > 0))
			return -1;
		d = sqrt(d);
		a[j * p + j] = d;
		for (size_t i = j + 1; i < p; i++) {
			double v = a[i * p + j];
			for (size_t k = 0; k < j; k++)
				v -= a[i * p + k] * a[j * p + k];
			a[i * p + j] = v / d;
		}
	}
	return 0;
}

/* Solve L L' x = b in place. */
static void chol_solve(const double *l, size_t p, double *b)
{
	for (size_t i = 0; i < p; i++) {
		double v = b[i];
		for (size_t k = 0; k < i; k++)
			v -= l[i * p + k] * b[k];
		b[i] = v / l[i * p + i];
	}
	for (size_t i = p; i-- > 0;) {
		double v = b[i];
		for (size_t k = i + 1; k < p; k++)
			v -= l[k * p + i] * b[k];
		b[i] = v / l[i * p + i];
	}
}

/* The predictors' values on text x, standardised by the C-texts' means
 * and spreads; a generator's own excess (NaN) counts as the mean, and
 * a constant predictor as 0 (weight 0). */
static void row(const pdg_fp_feat *x, const size_t *pred, size_t np,
                const double *mean, const double *sd, double *out)
{
	for (size_t j = 0; j < np; j++) {
		double v = x->e[pred[j]];
		v = isnan(v) ? mean[j] : v;
		out[j] = sd[j] > 1e-12 ? (v - mean[j]) / sd[j] : 0;
	}
}

int pdg_fp_synth(const pdg_fp_feat *f, const uint32_t *tt, size_t nt,
                 const uint32_t *ct, size_t nc, size_t s, int s_model,
                 const size_t *pred, const unsigned char *light,
                 size_t p, double kappa,
                 double *rt, size_t *nrt, double *rc, size_t *nrc)
{
	double *mean = pdg_xcalloc(p + 1, sizeof(double));
	double *sd = pdg_xcalloc(p + 1, sizeof(double));
	double *a = pdg_xcalloc(p * p + 1, sizeof(double));
	double *w = pdg_xcalloc(p + 1, sizeof(double));
	double *v = pdg_xcalloc(p + 1, sizeof(double));
	double *X = pdg_xcalloc((nc + 1) * (p + 1), sizeof(double));
	uint32_t *rows = pdg_xmalloc((nc + 1) * sizeof(*rows));
	size_t n = 0, *cnt = pdg_xcalloc(p + 1, sizeof(size_t));
	double my = 0;
	int rc_ = -1;

	*nrt = *nrc = 0;
	for (size_t i = 0; i < nc; i++)
		if (f[ct[i]].gen != s_model && !isnan(f[ct[i]].e[s]))
			rows[n++] = ct[i];
	if (n < 8)
		goto out;
	/* means of what is there, then spreads with the gaps filled */
	for (size_t i = 0; i < n; i++) {
		my += f[rows[i]].e[s];
		for (size_t j = 0; j < p; j++) {
			double e = f[rows[i]].e[pred[j]];
			if (!isnan(e)) {
				mean[j] += e;
				cnt[j]++;
			}
		}
	}
	my /= (double)n;
	for (size_t j = 0; j < p; j++)
		mean[j] = cnt[j] ? mean[j] / (double)cnt[j] : 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < p; j++) {
			double e = f[rows[i]].e[pred[j]];
			e = isnan(e) ? 0 : e - mean[j];
			sd[j] += e * e;
		}
	for (size_t j = 0; j < p; j++)
		sd[j] = sqrt(sd[j] / (double)n);
	/* normal equations of the standardised C-texts */
	for (size_t i = 0; i < n; i++) {
		double *x = X + i * p, y = f[rows[i]].e[s] - my;
		row(&f[rows[i]], pred, p, mean, sd, x);
		for (size_t j = 0; j < p; j++) {
			w[j] += x[j] * y;
			for (size_t k = 0; k <= j; k++)
				a[j * p + k] += x[j] * x[k];
		}
	}
	for (size_t j = 0; j < p; j++) {
		a[j * p + j] += (light && light[j] ? 1e-6 : kappa) *
		                (double)n + 1e-9;
		for (size_t k = j + 1; k < p; k++)
			a[j * p + k] = a[k * p + j];
	}
	if (cholesky(a, p) < 0)
		goto out;
	chol_solve(a, p, w);
	/* leave-one-out residuals: r / (1 - h), h the hat value */
	for (size_t i = 0; i < n; i++) {
		const double *x = X + i * p;
		double pr = 0, h = 1.0 / (double)n;
		memcpy(v, x, p * sizeof(double));
		chol_solve(a, p, v);
		for (size_t j = 0; j < p; j++) {
			pr += x[j] * w[j];
			h += x[j] * v[j];
		}
		double r = f[rows[i]].e[s] - my - pr;
		rc[(*nrc)++] = h < 1 ? r / (1 - h) : r;
	}
	for (size_t i = 0; i < nt; i++) {
		if (isnan(f[tt[i]].e[s]))
			continue;
		row(&f[tt[i]], pred, p, mean, sd, v);
		double pr = 0;
		for (size_t j = 0; j < p; j++)
			pr += v[j] * w[j];
		rt[(*nrt)++] = f[tt[i]].e[s] - my - pr;
	}
	rc_ = 0;
out:
	free(mean);
	free(sd);
	free(a);
	free(w);
	free(v);
	free(X);
	free(rows);
	free(cnt);
	return rc_;
}
