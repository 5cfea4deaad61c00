/* run.c - from a manifest to a result: load every model's scores,
 * resolve the probe texts and their generators, run the test. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fingerprint/device.h"
#include "fingerprint/fp.h"
#include "util.h"

static int load_model(pdg_fp_scores *s, const pdg_fp_model_spec *ms,
                      pdg_fp_limits *lim, unsigned threads)
{
	int rc;

	for (size_t i = 0; i < ms->nfiles; i++)
		if ((rc = pdg_fp_load_jsonl(s, ms->files[i], lim)) < 0)
			return rc;
	if (ms->dense &&
	    (rc = pdg_fp_load_dense(s, ms->dense, ms->vocab, lim,
	                            threads)) < 0)
		return rc;
	return 0;
}

/* The model that generated probe `id` (its record is a generation). */
static int generator_of(const pdg_fp_study *st, const char *id, int *out)
{
	*out = -1;
	for (size_t m = 0; m < st->nmodels; m++) {
		long r = pdg_fp_map_get(&st->scores[m]->by_probe, id);
		if (r < 0 || !st->scores[m]->rec[r].generated)
			continue;
		if (*out >= 0)
			return pdg_error_set(PDG_EINVALID, "probe '%s' is a "
			                     "generation of both %s and %s; name "
			                     "its generator in the manifest", id,
			                     st->ids[*out], st->ids[m]);
		*out = (int)m;
	}
	return 0;
}

static long model_index(const pdg_fp_study *st, const char *id)
{
	for (size_t m = 0; m < st->nmodels; m++)
		if (strcmp(st->ids[m], id) == 0)
			return (long)m;
	return -1;
}

/* A generator's own record spells the text. */
static int text_from(const pdg_fp_study *st, int g, const char *id,
                     pdg_fp_probe *p)
{
	long r = pdg_fp_map_get(&st->scores[g]->by_probe, id);

	if (r < 0)
		return pdg_error_set(PDG_EINVALID, "probe '%s': no text, and "
		                     "its generator %s did not score it", id,
		                     st->ids[g]);
	p->text = st->scores[g]->rec[r].bytes;
	p->len = st->scores[g]->rec[r].nbytes;
	return 0;
}

static int resolve_probes(pdg_fp_study *st, const pdg_fp_manifest *m,
                          size_t *ungenerated)
{
	int rc, g;

	*ungenerated = 0;
	if (m->nprobes) {
		st->probes = pdg_xcalloc(m->nprobes, sizeof(*st->probes));
		for (size_t i = 0; i < m->nprobes; i++) {
			const pdg_fp_probe_spec *ps = &m->probes[i];
			pdg_fp_probe *p = &st->probes[st->nprobes++];
			p->id = ps->id;
			if (ps->generator) {
				long gi = model_index(st, ps->generator);
				if (gi < 0)
					return pdg_error_set(PDG_EINVALID,
					       "%s: probe '%s': generator '%s' "
					       "is not among the models",
					       m->path ? m->path : "manifest",
					       ps->id, ps->generator);
				g = (int)gi;
			} else if ((rc = generator_of(st, ps->id, &g)) < 0) {
				return rc;
			}
			p->generator = g;
			if (ps->text) {
				p->text = (const uint8_t *)ps->text;
				p->len = (uint32_t)ps->len;
			} else if (g >= 0 && (rc = text_from(st, g, ps->id,
			                                     p)) < 0) {
				return rc;
			}
			if (g < 0 || !p->len) {
				st->nprobes--;
				(*ungenerated)++;
			}
		}
		return 0;
	}
	/* No list: every probe some model generated, in file order. */
	pdg_fp_map seen = { 0 };
	size_t cap = 0;
	for (size_t mi = 0; mi < st->nmodels; mi++) {
		const pdg_fp_scores *s = st->scores[mi];
		for (size_t r = 0; r < s->nrec; r++) {
			const char *id = s->rec[r].probe;
			if (pdg_fp_map_get(&seen, id) >= 0)
				continue;
			(void)pdg_fp_map_put(&seen, id, 0);
			if ((rc = generator_of(st, id, &g)) < 0) {
				pdg_fp_map_free(&seen);
				return rc;
			}
			if (g < 0) {
				(*ungenerated)++;
				continue;
			}
			if (st->nprobes == cap) {
				cap = cap ? cap * 2 : 64;
				st->probes = pdg_xrealloc(st->probes, cap *
				                          sizeof(*st->probes));
			}
			pdg_fp_probe *p = &st->probes[st->nprobes++];
			p->id = id;
			p->generator = g;
			text_from(st, g, id, p);
		}
	}
	pdg_fp_map_free(&seen);
	return 0;
}

static int find_student(pdg_fp_study *st, const pdg_fp_manifest *m)
{
	st->student = -1;
	if (m->student) {
		long i = model_index(st, m->student);
		if (i < 0 || st->roles[i] != PDG_FP_STUDENT)
			return pdg_error_set(PDG_EINVALID, "%s: student '%s' is "
			                     "not a model with role student",
			                     m->path ? m->path : "manifest",
			                     m->student);
		st->student = (int)i;
		return 0;
	}
	for (size_t i = 0; i < st->nmodels; i++)
		if (st->roles[i] == PDG_FP_STUDENT) {
			if (st->student >= 0)
				return pdg_error_set(PDG_EINVALID, "%s: more than "
				                     "one student; name it with "
				                     "'student:'", m->path ?
				                     m->path : "manifest");
			st->student = (int)i;
		}
	if (st->student < 0)
		return pdg_error_set(PDG_EINVALID, "%s: no model with role "
		                     "student", m->path ? m->path : "manifest");
	return 0;
}

int pdg_fp_run(pdg_fp_result **out, const pdg_fp_manifest *m,
               const pdg_fp_options *oin)
{
	pdg_fp_options o = PDG_FP_OPTIONS_INIT;
	pdg_fp_study st;
	pdg_fp_backend *be = NULL;
	size_t ungenerated = 0;
	int rc;

	*out = NULL;
	if (oin) {
		if (oin->version != PDG_FP_OPTIONS_VERSION)
			return pdg_error_set(PDG_EUSAGE, "fingerprint options "
			                     "version %u not supported",
			                     oin->version);
		o = *oin;
	}
	if (!o.permutations)
		o.permutations = m->has_permutations ? m->permutations : 10000;
	if (!(o.alpha > 0))
		o.alpha = m->has_alpha ? m->alpha : 0.01;
	if (o.seed == PDG_FP_SEED_UNSET)
		o.seed = m->has_seed ? m->seed : 1;
	if (!(o.alpha < 1))
		return pdg_error_set(PDG_EUSAGE, "alpha must be in (0, 1)");

	memset(&st, 0, sizeof(st));
	st.nmodels = m->nmodels;
	st.ids = pdg_xcalloc(m->nmodels + 1, sizeof(*st.ids));
	st.roles = pdg_xcalloc(m->nmodels + 1, sizeof(*st.roles));
	st.scores = pdg_xcalloc(m->nmodels + 1, sizeof(*st.scores));
	pdg_fp_limits lim = { o.max_line, o.max_positions };
	rc = 0;
	for (size_t i = 0; i < m->nmodels && rc == 0; i++) {
		st.ids[i] = m->models[i].id;
		st.roles[i] = m->models[i].role;
		st.scores[i] = pdg_xcalloc(1, sizeof(pdg_fp_scores));
		rc = load_model(st.scores[i], &m->models[i], &lim, o.threads);
	}
	if (rc == 0)
		rc = find_student(&st, m);
	if (rc == 0)
		rc = resolve_probes(&st, m, &ungenerated);
	if (rc == 0)
		rc = pdg_fp_backend_open(&be, o.device, o.threads, o.quiet);
	if (rc == 0)
		rc = pdg_fp_study_run(out, &st, &o, be);
	if (rc == 0 && ungenerated)
		pdg_fp_result_note(*out, "%zu probe%s left out: no generator "
		                   "(name one, or give the generator's own "
		                   "completion)", ungenerated,
		                   ungenerated == 1 ? "" : "s");
	if (rc == 0)
		for (size_t i = 0; i < m->nmodels; i++)
			if (m->models[i].serving &&
			    strstr(m->models[i].serving, "processed"))
				pdg_fp_result_note(*out, "%s was scored with "
				                   "processed logprobs: its "
				                   "distributions are the sampler's, "
				                   "not the model's",
				                   m->models[i].id);
	pdg_fp_backend_free(be);
	for (size_t i = 0; i < m->nmodels; i++) {
		pdg_fp_scores_free(st.scores[i]);
		free(st.scores[i]);
	}
	free(st.scores);
	free(st.ids);
	free(st.roles);
	free(st.probes);
	return rc;
}

size_t pdg_fp_result_count(const pdg_fp_result *r)
{
	return r ? r->n : 0;
}

const pdg_fp_verdict *pdg_fp_result_get(const pdg_fp_result *r, size_t i)
{
	return r && i < r->n ? &r->v[i] : NULL;
}

const char *pdg_fp_result_device(const pdg_fp_result *r)
{
	return r->device;
}

void pdg_fp_result_free(pdg_fp_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free((char *)r->v[i].teacher);
		free((char *)r->v[i].student);
	}
	free(r->v);
	for (size_t i = 0; i < r->npanel; i++)
		free(r->panel_ids[i]);
	free(r->panel_ids);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->student);
	free(r->device);
	free(r);
}
