/* obligations.c - carry obligations along lineage edges and check them.
 *
 * Every licence is applied by the same rules, read from its knowledge-base
 * entry (docs/knowledge-base.md, "How obligations flow"); no licence has
 * code of its own.  What is code is the check behind each duty kind: a
 * notice-file duty looks for NOTICE files holding the phrase, a name-prefix
 * duty compares the model's name, and so on.  A duty a tool cannot verify
 * ("mark the files you changed") is listed for review, never passed.
 *
 * Broken obligations become conflict findings citing the edge's evidence;
 * the policy turns them into verdicts.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "error.h"
#include "lineage/lineage.h"
#include "util.h"

#define NPOS ((size_t)-1)


static int has(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* The model is a derivative of what `e` governs when the edge is one of
 * its derivative edges, or when it trained on outputs the entry declares
 * derivative-making. */
static int makes_derivative(const pdg_kb_entry *e, pdg_edge_type t)
{
	const char *name = pdg_edge_type_name(t);

	if (has(e->derivative_edges, e->n_derivative_edges, name))
		return 1;
	return (t == PDG_EDGE_DISTILLATION ||
	        t == PDG_EDGE_TRAINED_ON_OUTPUTS) &&
	       e->outputs == PDG_KB_OUTPUTS_DERIVATIVE;
}

static int reaches(const char *const *edges, size_t n, int derivative,
                   pdg_edge_type t)
{
	return n ? has(edges, n, pdg_edge_type_name(t)) : derivative;
}

/* ---- the obligation list -------------------------------------------- */

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Find or add the obligation; *fresh tells whether it is new (and so
 * still to be checked). */
static pdg_obligation *oblige(pdg_lineage_ctx *x, size_t comp, size_t up,
                              const char *license, const char *kind,
                              const char *what, const char *value,
                              const char *text, pdg_edge_type t,
                              int *fresh)
{
	pdg_lineage *l = x->l;

	for (size_t i = 0; i < l->nobligations; i++) {
		pdg_obligation *o = &l->obligations[i];
		if (o->component == comp && o->upstream == up &&
		    strcmp(o->license, license) == 0 &&
		    strcmp(o->kind, kind) == 0 && strcmp(o->what, what) == 0 &&
		    same(o->value, value)) {
			o->edges |= 1u << t;
			*fresh = 0;
			return o;
		}
	}
	l->obligations = pdg_xrealloc(l->obligations, (l->nobligations + 1) *
	                              sizeof(*l->obligations));
	pdg_obligation *o = &l->obligations[l->nobligations++];
	memset(o, 0, sizeof(*o));
	o->component = comp;
	o->upstream = up;
	o->license = pdg_xstrdup(license);
	o->kind = pdg_xstrdup(kind);
	o->what = pdg_xstrdup(what);
	o->value = value ? pdg_xstrdup(value) : NULL;
	o->text = text ? pdg_xstrdup(text) : NULL;
	o->edges = 1u << t;
	o->status = PDG_OBLIGATION_REVIEW;
	*fresh = 1;
	return o;
}

static void settle(pdg_obligation *o, pdg_obligation_status st,
                   const pdg_text *where, uint32_t line,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void settle(pdg_obligation *o, pdg_obligation_status st,
                   const pdg_text *where, uint32_t line,
                   const char *fmt, ...)
{
	va_list ap;
	char *note = NULL;

	va_start(ap, fmt);
	if (vasprintf(&note, fmt, ap) < 0)
		note = NULL;
	va_end(ap);
	o->status = st;
	free(o->note);
	o->note = note;
	free(o->path);
	o->path = where ? pdg_xstrdup(where->path) : NULL;
	o->line = line;
}

/* ---- what the audited repository holds ------------------------------ */

/* A licence-text finding in the model's own files names `id`. */
static const pdg_finding *file_with_license(const pdg_lineage_ctx *x,
                                            const char *component,
                                            const char *id)
{
	for (size_t i = 0; i < x->fs->len; i++) {
		const pdg_finding *f = &x->fs->items[i];

		if (strcmp(f->component, component) != 0 || !f->subject ||
		    (strcmp(f->rule, "license.detected") != 0 &&
		     strcmp(f->rule, "license.clarified") != 0) ||
		    (f->path && strstr(f->path, "!/")))
			continue;
		/* An expression "A AND B" carries each operand. */
		const char *p = strstr(f->subject, id);
		size_t n = strlen(id);
		if (p && (p == f->subject || p[-1] == ' ' || p[-1] == '(') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ')'))
			return f;
	}
	return NULL;
}

/* Any of the entry's recognisable names appears in the model's
 * documents (its licence files and card): the name, a signature, the
 * source address without its scheme. */
static int mentions_entry(const pdg_lineage_ctx *x, const char *component,
                          const pdg_kb_entry *e, const pdg_text **where,
                          uint32_t *line)
{
	uint32_t kinds = PDG_KIND_BIT(PDG_KIND_LICENSE) |
	                 PDG_KIND_BIT(PDG_KIND_MODEL_CARD);

	if (pdg_texts_find(x->texts, component, kinds, NULL, e->name, where,
	                   line))
		return 1;
	for (size_t i = 0; i < e->n_signatures; i++)
		if (pdg_texts_find(x->texts, component, kinds, NULL,
		                   e->signatures[i], where, line))
			return 1;
	for (size_t i = 0; i < e->n_sources; i++) {
		const char *u = strstr(e->sources[i], "://");
		if (u && pdg_texts_find(x->texts, component, kinds, NULL,
		                        u + 3, where, line))
			return 1;
	}
	return 0;
}

/* The licences the model declares (card, licence file, metadata). */
static int declares(const pdg_component *m, const char *id)
{
	for (size_t i = 0; i < m->nlicenses; i++) {
		const char *d = m->licenses[i].id;
		const char *p = strstr(d, id);
		size_t n = strlen(id);
		if (p && (p == d || p[-1] == ' ' || p[-1] == '(') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ')'))
			return 1;
	}
	return 0;
}

static const char *model_name(const pdg_lineage_ctx *x, const pdg_component *m)
{
	const pdg_text *card = pdg_texts_named(x->texts, m->id, "README");

	return card && card->title ? card->title : m->id;
}

/* ---- duty checks ---------------------------------------------------- */

/* A licence-bearing file of the model holding at least two of the
 * entry's signature phrases (its only one, if it has one): a copy the
 * matcher could not score as a whole text (markdown, a translation, an
 * excerpt) still carries the document. */
static const pdg_text *file_with_signatures(const pdg_lineage_ctx *x,
                                            const char *component,
                                            const pdg_kb_entry *e)
{
	size_t need = e->n_signatures < 2 ? e->n_signatures : 2;

	for (size_t i = 0; need && i < pdg_texts_count(x->texts); i++) {
		const pdg_text *t = pdg_texts_at(x->texts, i);
		size_t found = 0;

		if (strcmp(t->component, component) != 0 ||
		    t->kind != PDG_KIND_LICENSE)
			continue;
		for (size_t k = 0; k < e->n_signatures && found < need; k++) {
			char *sig = pdg_texts_normalise(e->signatures[k]);
			found += memmem(t->norm, t->norm_len, sig,
			                strlen(sig)) != NULL;
			free(sig);
		}
		if (found >= need)
			return t;
	}
	return NULL;
}

static void check_include_license(pdg_lineage_ctx *x, pdg_obligation *o,
                                  const pdg_component *m,
                                  const pdg_kb_entry *e)
{
	const pdg_finding *f = file_with_license(x, m->id, e->id);
	const pdg_text *t = f ? NULL : file_with_signatures(x, m->id, e);

	if (t) {
		settle(o, PDG_OBLIGATION_MET, t, 0, "%s carries the signature "
		       "phrases of %s", t->path, e->name);
		return;
	}
	if (f) {
		settle(o, PDG_OBLIGATION_MET, NULL, f->line_start,
		       "%s holds the text of %s", f->path ? f->path : "?",
		       e->id);
		free(o->path);
		o->path = f->path ? pdg_xstrdup(f->path) : NULL;
		return;
	}
	settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "no file in the repository "
	       "holds the text of %s", e->name);
}

static void check_notice(pdg_lineage_ctx *x, pdg_obligation *o,
                         const pdg_component *m, const pdg_component *up,
                         const pdg_kb_duty *d)
{
	const pdg_text *where = NULL;
	uint32_t line = 0;
	const pdg_text *notice = pdg_texts_named(x->texts, m->id, "NOTICE");

	if (d->value) {
		if (pdg_texts_find(x->texts, m->id, 0, "NOTICE", d->value,
		                   &where, &line))
			settle(o, PDG_OBLIGATION_MET, where, line, "%s:%u "
			       "carries the notice", where->path, line);
		else if (notice)
			settle(o, PDG_OBLIGATION_UNMET, notice, 0, "%s lacks "
			       "\"%s\"", notice->path, d->value);
		else
			settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "no NOTICE "
			       "file; it must say \"%s\"", d->value);
		return;
	}
	/* "Pass on the upstream's NOTICE file": only checkable when the
	 * upstream's files are in the audit. */
	if (!up->source) {
		settle(o, PDG_OBLIGATION_REVIEW, notice, 0, "check whether %s "
		       "ships a NOTICE file; if it does, its notices must be "
		       "passed on", up->id);
		return;
	}
	if (!pdg_texts_named(x->texts, up->id, "NOTICE"))
		settle(o, PDG_OBLIGATION_MET, NULL, 0, "%s ships no NOTICE "
		       "file", up->id);
	else if (notice)
		settle(o, PDG_OBLIGATION_MET, notice, 0, "%s ships a NOTICE "
		       "file and so does the model (%s)", up->id,
		       notice->path);
	else
		settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "%s ships a NOTICE "
		       "file; the model ships none", up->id);
}

static void check_phrase(pdg_lineage_ctx *x, pdg_obligation *o,
                         const pdg_component *m, const char *phrase,
                         const char *what)
{
	const pdg_text *where = NULL;
	uint32_t line = 0;

	if (pdg_texts_find(x->texts, m->id, 0, NULL, phrase, &where, &line))
		settle(o, PDG_OBLIGATION_MET, where, line, "%s:%u says \"%s\"",
		       where->path, line, phrase);
	else
		settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "%s \"%s\" appears "
		       "nowhere in the model card or licence files", what,
		       phrase);
}

static void check_name_prefix(pdg_lineage_ctx *x, pdg_obligation *o,
                              const pdg_component *m, const char *prefix)
{
	const char *name = model_name(x, m);

	if (pdg_starts_with_ci(name, prefix))
		settle(o, PDG_OBLIGATION_MET, NULL, 0, "the model is named "
		       "\"%s\"", name);
	else
		settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "the model is named "
		       "\"%s\", which does not begin with \"%s\"", name,
		       prefix);
}

static void check_use_restrictions(pdg_lineage_ctx *x, pdg_obligation *o,
                                   const pdg_component *m,
                                   const pdg_kb_entry *e,
                                   const pdg_kb_duty *d)
{
	const pdg_kb_entry *pol = d->value ? pdg_kb_find(x->kb, d->value)
	                                   : NULL;
	const pdg_kb_entry *target = pol ? pol : e;
	const pdg_text *where = NULL;
	uint32_t line = 0;
	const pdg_finding *f = file_with_license(x, m->id, target->id);

	if (f) {
		settle(o, PDG_OBLIGATION_MET, NULL, f->line_start, "%s holds "
		       "%s", f->path ? f->path : "?", target->name);
		free(o->path);
		o->path = f->path ? pdg_xstrdup(f->path) : NULL;
	} else if (mentions_entry(x, m->id, target, &where, &line)) {
		settle(o, PDG_OBLIGATION_MET, where, line, "%s:%u refers to "
		       "%s", where->path, line, target->name);
	} else {
		settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "neither the model's "
		       "licence nor its card passes on the use restrictions "
		       "of %s", target->name);
	}
}

static void check_give_credit(pdg_lineage_ctx *x, pdg_obligation *o,
                              const pdg_component *m,
                              const pdg_component *up)
{
	const pdg_text *where = NULL;
	uint32_t line = 0;
	uint32_t card = PDG_KIND_BIT(PDG_KIND_MODEL_CARD);

	if (pdg_texts_find(x->texts, m->id, card, NULL, up->id, &where,
	                   &line) ||
	    pdg_texts_find(x->texts, m->id, card, NULL, pdg_model_name_part(up->id),
	                   &where, &line))
		settle(o, PDG_OBLIGATION_MET, where, line, "%s:%u credits %s",
		       where->path, line, up->id);
	else
		settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "the model card does "
		       "not credit %s", up->id);
}

static void check_duty(pdg_lineage_ctx *x, pdg_obligation *o,
                       const pdg_component *m, const pdg_component *up,
                       const pdg_kb_entry *e, const pdg_kb_duty *d)
{
	const char *w = d->what;

	if (strcmp(w, "include-license") == 0)
		check_include_license(x, o, m, e);
	else if (strcmp(w, "notice-file") == 0)
		check_notice(x, o, m, up, d);
	else if (strcmp(w, "display-attribution") == 0 && d->value)
		check_phrase(x, o, m, d->value, "the attribution");
	else if (strcmp(w, "name-prefix") == 0 && d->value)
		check_name_prefix(x, o, m, d->value);
	else if (strcmp(w, "pass-use-restrictions") == 0)
		check_use_restrictions(x, o, m, e, d);
	else if (strcmp(w, "give-credit") == 0)
		check_give_credit(x, o, m, up);
	else if (strcmp(w, "share-alike") == 0) {
		if (declares(m, e->id))
			settle(o, PDG_OBLIGATION_MET, NULL, 0, "the model is "
			       "released under %s", e->id);
		else
			settle(o, PDG_OBLIGATION_UNMET, NULL, 0, "a work based "
			       "on %s must be released under %s; the model "
			       "is not", up->id, e->id);
	} else
		settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "not verifiable "
		       "from the files; a person must confirm it");
}

/* ---- limits and intended use ---------------------------------------- */

static void check_threshold(pdg_obligation *o, uint64_t limit,
                            uint64_t intended, const char *unit)
{
	if (!limit) {
		settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "a threshold applies; "
		       "confirm the release stays below it");
	} else if (!intended) {
		settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "above %llu %s a "
		       "separate licence is needed; the policy does not say "
		       "how many the release expects",
		       (unsigned long long)limit, unit);
	} else if (intended > limit) {
		settle(o, PDG_OBLIGATION_CONFLICT, NULL, 0, "the policy expects "
		       "%llu %s, above the licence's %llu",
		       (unsigned long long)intended, unit,
		       (unsigned long long)limit);
	} else {
		settle(o, PDG_OBLIGATION_MET, NULL, 0, "the policy expects "
		       "%llu %s, at most the licence's %llu",
		       (unsigned long long)intended, unit,
		       (unsigned long long)limit);
	}
}

static void check_commercial(const pdg_lineage_ctx *x, pdg_obligation *o,
                             const char *why)
{
	if (x->intent.commercial == PDG_YES)
		settle(o, PDG_OBLIGATION_CONFLICT, NULL, 0, "%s, and the policy "
		       "releases the model commercially", why);
	else if (x->intent.commercial == PDG_NO)
		settle(o, PDG_OBLIGATION_MET, NULL, 0, "%s; the policy's use is "
		       "not commercial", why);
	else
		settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "%s; the policy does "
		       "not say whether the use is commercial", why);
}

static void check_limit(pdg_lineage_ctx *x, pdg_obligation *o,
                        const pdg_component *up, const pdg_kb_limit *lim)
{
	const char *w = lim->what;

	if (strcmp(w, "monthly-active-users") == 0)
		check_threshold(o, lim->number, x->intent.monthly_active_users,
		                "monthly active users");
	else if (strcmp(w, "annual-revenue-usd") == 0)
		check_threshold(o, lim->number, x->intent.annual_revenue_usd,
		                "US dollars of annual revenue");
	else if (strcmp(w, "purpose") == 0)
		check_commercial(x, o, "the licence allows only a limited "
		                 "purpose (research or non-commercial use)");
	else if (strcmp(w, "hosting-use") == 0) {
		if (x->intent.hosted == PDG_YES)
			settle(o, PDG_OBLIGATION_CONFLICT, NULL, 0, "the policy "
			       "offers the model as a service, which needs "
			       "the licensor's permission");
		else if (x->intent.hosted == PDG_NO)
			settle(o, PDG_OBLIGATION_MET, NULL, 0, "the policy does "
			       "not offer the model as a service");
		else
			settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "offering the "
			       "model as a service needs permission; the "
			       "policy does not say whether it will be");
	} else if (strcmp(w, "no-derivatives") == 0) {
		settle(o, x->intent.distributes_weights == PDG_NO
		          ? PDG_OBLIGATION_REVIEW : PDG_OBLIGATION_CONFLICT,
		       NULL, 0, "adapted material from %s may not be shared",
		       up->id);
	} else
		settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "applies to the "
		       "model; a person must confirm it is honoured");
}

static int competes_with(const pdg_lineage_ctx *x, const char *provider)
{
	for (size_t i = 0; i < x->intent.n_competes_with; i++) {
		const char *c = x->intent.competes_with[i];
		if (strcmp(c, "*") == 0 ||
		    (provider && strcasecmp(c, provider) == 0))
			return 1;
	}
	return 0;
}

static void check_no_competing(pdg_lineage_ctx *x, pdg_obligation *o,
                               const pdg_component *up)
{
	const char *who = up->provider ? up->provider : up->id;

	if (competes_with(x, up->provider))
		settle(o, PDG_OBLIGATION_CONFLICT, NULL, 0, "the model was "
		       "trained on outputs of %s, whose terms forbid models "
		       "that compete with %s; the policy says the release "
		       "competes with it", up->id, who);
	else if (x->intent.competes_known)
		settle(o, PDG_OBLIGATION_MET, NULL, 0, "the policy's release "
		       "does not compete with %s", who);
	else
		settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "the model was "
		       "trained on outputs of %s, whose terms forbid models "
		       "that compete with %s; the policy does not say whether "
		       "it competes", up->id, who);
}

/* Outputs that may improve only the family's own models: allowed when the
 * model itself derives from a model of that family. */
static void check_prohibited(pdg_lineage_ctx *x, pdg_obligation *o, size_t mi,
                             const pdg_component *up,
                             const pdg_kb_entry *e)
{
	pdg_lineage *l = x->l;

	for (size_t i = 0; i < l->nedges; i++) {
		const pdg_edge *g = &l->edges[i];
		if (g->from != mi || g->type > PDG_EDGE_MERGE)
			continue;
		const pdg_component *b = &l->components[g->to];
		for (size_t k = 0; k < b->nlicenses; k++) {
			const pdg_kb_entry *be = pdg_kb_find(x->kb,
			                                     b->licenses[k].id);
			if (be && be->family && e->family &&
			    strcmp(be->family, e->family) == 0) {
				settle(o, PDG_OBLIGATION_MET, NULL, 0, "the model "
				       "derives from %s, of the same family",
				       b->id);
				return;
			}
		}
	}
	settle(o, PDG_OBLIGATION_CONFLICT, NULL, 0, "%s forbids using its "
	       "outputs to improve any model outside its family; the model "
	       "was trained on outputs of %s", e->name, up->id);
}

static void check_carry(pdg_lineage_ctx *x, pdg_obligation *o,
                        const pdg_component *m, const pdg_component *up,
                        const pdg_kb_entry *e)
{
	const pdg_text *where = NULL;
	uint32_t line = 0;

	if (declares(m, e->id))
		settle(o, PDG_OBLIGATION_MET, NULL, 0, "the model is declared "
		       "under %s", e->id);
	else if (mentions_entry(x, m->id, e, &where, &line))
		settle(o, PDG_OBLIGATION_MET, where, line, "%s:%u makes the "
		       "model subject to %s", where->path, line, e->name);
	else
		settle(o, PDG_OBLIGATION_CONFLICT, NULL, 0, "the model derives "
		       "from %s and so is bound by %s, but neither its declared "
		       "licence nor its documents carry those terms", up->id,
		       e->name);
}

/* ---- applying one entry to one edge --------------------------------- */

static void apply_entry(pdg_lineage_ctx *x, const pdg_edge *g,
                        const pdg_kb_entry *e)
{
	pdg_lineage *l = x->l;
	const pdg_component *m = &l->components[g->from];
	const pdg_component *up = &l->components[g->to];
	pdg_edge_type t = g->type;
	int deriv = makes_derivative(e, t), fresh;
	pdg_obligation *o;

	for (size_t i = 0; i < e->n_duties; i++) {
		const pdg_kb_duty *d = &e->duties[i];
		if (!reaches(d->edges, d->n_edges, deriv, t))
			continue;
		o = oblige(x, g->from, g->to, e->id, "duty", d->what,
		           d->value, d->text, t, &fresh);
		if (fresh)
			check_duty(x, o, m, up, e, d);
	}
	for (size_t i = 0; i < e->n_limits; i++) {
		const pdg_kb_limit *lim = &e->limits[i];
		if (!reaches(lim->edges, lim->n_edges, deriv, t))
			continue;
		o = oblige(x, g->from, g->to, e->id, "limit", lim->what, NULL,
		           lim->text, t, &fresh);
		if (fresh)
			check_limit(x, o, up, lim);
	}
	if (deriv && (e->commercial == PDG_KB_COMMERCIAL_NON_COMMERCIAL ||
	              e->commercial == PDG_KB_COMMERCIAL_RESEARCH_ONLY)) {
		o = oblige(x, g->from, g->to, e->id, "commercial",
		           "non-commercial", NULL, NULL, t, &fresh);
		if (fresh)
			check_commercial(x, o, "a derivative of a "
			                 "non-commercial licence is "
			                 "non-commercial too");
	}
	if (deriv && e->kind == PDG_KB_MODEL_LICENSE) {
		o = oblige(x, g->from, g->to, e->id, "license",
		           "carry-license", NULL, NULL, t, &fresh);
		if (fresh)
			check_carry(x, o, m, up, e);
	}
	if (deriv || (t != PDG_EDGE_DISTILLATION &&
	              t != PDG_EDGE_TRAINED_ON_OUTPUTS))
		return;
	if (e->outputs == PDG_KB_OUTPUTS_NO_COMPETING) {
		o = oblige(x, g->from, g->to, e->id, "outputs", "no-competing",
		           NULL, e->outputs_text, t, &fresh);
		if (fresh)
			check_no_competing(x, o, up);
	} else if (e->outputs == PDG_KB_OUTPUTS_UNRESTRICTED &&
	           e->kind != PDG_KB_USE_POLICY) {
		/* Listed so the checklist shows the document was weighed. */
		o = oblige(x, g->from, g->to, e->id, "outputs",
		           "outputs-unrestricted", NULL, e->outputs_text, t,
		           &fresh);
		if (fresh)
			settle(o, PDG_OBLIGATION_MET, NULL, 0, "%s puts no terms "
			       "on models trained on the outputs of %s",
			       e->id, up->id);
	} else if (e->outputs == PDG_KB_OUTPUTS_PROHIBITED) {
		o = oblige(x, g->from, g->to, e->id, "outputs",
		           "outputs-prohibited", NULL, e->outputs_text, t,
		           &fresh);
		if (fresh)
			check_prohibited(x, o, g->from, up, e);
	}
}

/* ---- findings ------------------------------------------------------- */

/* The rule and severity a settled obligation reports with, or NULL. */
static const char *rule_of(const pdg_obligation *o, pdg_severity *sev)
{
	int bad = o->status == PDG_OBLIGATION_UNMET ||
	          o->status == PDG_OBLIGATION_CONFLICT;
	int review = o->status == PDG_OBLIGATION_REVIEW;
	const char *w = o->what;

	*sev = bad ? PDG_SEVERITY_ERROR : PDG_SEVERITY_WARNING;
	if (strcmp(w, "carry-license") == 0 || strcmp(w, "share-alike") == 0)
		return bad ? "license.incompatible" : NULL;
	if (strcmp(w, "no-competing") == 0)
		return bad || review ? "terms.competing-use" : NULL;
	if (strcmp(w, "outputs-prohibited") == 0)
		return bad ? "terms.outputs-prohibited" : NULL;
	if (strcmp(w, "non-commercial") == 0 || strcmp(w, "purpose") == 0)
		return bad || review ? "license.non-commercial" : NULL;
	if (strcmp(w, "no-derivatives") == 0)
		return bad ? "license.no-derivatives" : NULL;
	if (strcmp(w, "monthly-active-users") == 0 ||
	    strcmp(w, "annual-revenue-usd") == 0 ||
	    strcmp(w, "hosting-use") == 0) {
		if (review)
			*sev = PDG_SEVERITY_INFO;
		return bad ? "limit.exceeded" : review ? "limit.review" : NULL;
	}
	if (strcmp(w, "give-credit") == 0)
		*sev = PDG_SEVERITY_WARNING;
	return bad ? "obligation.unmet" : NULL;
}

static json_t *edge_evidence_json(const pdg_lineage *l, size_t from,
                                  size_t to)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < l->nedges; i++) {
		const pdg_edge *g = &l->edges[i];
		if (g->from != from || g->to != to)
			continue;
		for (size_t k = 0; k < g->nevidence && k < 8; k++) {
			json_t *v = json_object();
			json_object_set_new(v, "edge", json_string(
			        pdg_edge_type_name(g->type)));
			json_object_set_new(v, "rule",
			                    json_string(g->evidence[k].rule));
			if (g->evidence[k].path)
				json_object_set_new(v, "path", json_string(
				        g->evidence[k].path));
			if (g->evidence[k].line)
				json_object_set_new(v, "line", json_integer(
				        g->evidence[k].line));
			json_array_append_new(arr, v);
		}
	}
	return arr;
}

/* The place a reader should look: where the obligation was checked, else
 * the first evidence of the edge that brought it. */
static void locate(const pdg_lineage *l, const pdg_obligation *o,
                   const char **path, uint32_t *line, const char **commit)
{
	*path = o->path;
	*line = o->line;
	*commit = NULL;
	for (size_t i = 0; !*path && i < l->nedges; i++) {
		const pdg_edge *g = &l->edges[i];
		if (g->from == o->component && g->to == o->upstream &&
		    g->nevidence) {
			*path = g->evidence[0].path;
			*line = g->evidence[0].line;
			*commit = g->evidence[0].commit;
		}
	}
}

static char *edges_text(uint32_t edges)
{
	pdg_buf b = PDG_BUF_INIT;

	for (int t = 0; t < PDG_EDGE_COUNT_; t++)
		if (edges & (1u << t))
			pdg_buf_printf(&b, "%s%s", b.len ? ", " : "",
			               pdg_edge_type_name((pdg_edge_type)t));
	return b.ptr ? b.ptr : pdg_xstrdup("");
}

/* Obligations that differ only in the document that imposes them (an API
 * provider's consumer and business terms both forbid competing models)
 * are one finding. */
static int same_group(const pdg_obligation *a, const pdg_obligation *b)
{
	return a->component == b->component && a->upstream == b->upstream &&
	       strcmp(a->kind, b->kind) == 0 && strcmp(a->what, b->what) == 0 &&
	       same(a->value, b->value) && a->status == b->status;
}

static void report(pdg_lineage_ctx *x, size_t idx)
{
	pdg_severity sev;
	pdg_obligation *o = &x->l->obligations[idx];
	const char *rule = rule_of(o, &sev);
	const pdg_lineage *l = x->l;

	if (!rule)
		return;
	o->rule = pdg_xstrdup(rule);
	for (size_t j = 0; j < idx; j++)
		if (same_group(&l->obligations[j], o))
			return;
	pdg_buf ids = PDG_BUF_INIT;
	json_t *idarr = json_array();
	for (size_t j = idx; j < l->nobligations; j++)
		if (j == idx || same_group(&l->obligations[j], o)) {
			pdg_buf_printf(&ids, "%s%s", ids.len ? ", " : "",
			               l->obligations[j].license);
			json_array_append_new(idarr, json_string(
			        l->obligations[j].license));
		}
	const pdg_component *m = &l->components[o->component];
	const pdg_component *up = &l->components[o->upstream];
	const pdg_lineage_input *in = NULL;
	for (size_t i = 0; i < x->ninputs && !in; i++)
		if (strcmp(x->inputs[i].component, m->id) == 0)
			in = &x->inputs[i];

	char *via = edges_text(o->edges);
	char *what = o->value ? pdg_xasprintf("%s \"%s\"", o->what, o->value)
	                      : pdg_xstrdup(o->what);
	char *msg = pdg_xasprintf("%s %s (from %s via %s): %s", ids.ptr,
	                          what, up->id, via, o->note ? o->note : "");
	free(what);
	pdg_buf_free(&ids);
	json_t *p = json_object();
	json_object_set_new(p, "upstream", json_string(up->id));
	json_object_set_new(p, "license", json_string(o->license));
	json_object_set_new(p, "licenses", idarr);
	json_object_set_new(p, "obligation", json_string(o->what));
	json_object_set_new(p, "kind", json_string(o->kind));
	json_object_set_new(p, "status", json_string(
	        pdg_obligation_status_name(o->status)));
	json_object_set_new(p, "value", o->value ? json_string(o->value)
	                                         : json_null());
	json_object_set_new(p, "edges", json_string(via));
	json_object_set_new(p, "evidence",
	                    edge_evidence_json(l, o->component, o->upstream));
	char *props = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);

	pdg_finding f = PDG_CORE_FINDING_INIT;
	f.kind = PDG_FINDING_CONFLICT;
	f.severity = sev;
	f.rule = rule;
	f.message = msg;
	f.subject = o->license;
	f.component = m->id;
	f.source = in ? in->source : NULL;
	locate(l, o, &f.path, &f.line_start, &f.commit);
	f.properties = props;
	(void)pdg_findings_add(x->fs, &f);
	free(props);
	free(msg);
	free(via);
}

/* Evidence of an upstream the card does not name: the release hides part
 * of its lineage. */
static void report_undeclared(pdg_lineage_ctx *x, const pdg_edge *g)
{
	const pdg_lineage *l = x->l;
	const pdg_component *m = &l->components[g->from];
	const pdg_component *up = &l->components[g->to];
	const pdg_edge_evidence *v = &g->evidence[0];
	const pdg_lineage_input *in = NULL;

	for (size_t i = 0; i < x->ninputs && !in; i++)
		if (strcmp(x->inputs[i].component, m->id) == 0)
			in = &x->inputs[i];
	uint32_t types = 0;
	for (size_t i = 0; i < l->nedges; i++)
		if (l->edges[i].from == g->from && l->edges[i].to == g->to)
			types |= 1u << l->edges[i].type;
	char *via = edges_text(types);
	char *msg = pdg_xasprintf("%s %s is evidenced (%s) but the model card "
	                          "does not name it",
	                          pdg_component_role_name(up->role), up->id,
	                          via);
	json_t *p = json_object();
	json_object_set_new(p, "upstream", json_string(up->id));
	json_object_set_new(p, "edges", json_string(via));
	json_object_set_new(p, "evidence",
	                    edge_evidence_json(l, g->from, g->to));
	char *props = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);

	pdg_finding f = PDG_CORE_FINDING_INIT;
	f.kind = PDG_FINDING_CONFLICT;
	f.severity = PDG_SEVERITY_WARNING;
	f.rule = "lineage.undeclared";
	f.message = msg;
	f.subject = up->id;
	f.component = m->id;
	f.source = in ? in->source : v->source;
	f.path = v->path;
	f.line_start = v->line;
	f.commit = v->commit;
	f.byte_offset = v->byte_offset;
	f.properties = props;
	(void)pdg_findings_add(x->fs, &f);
	free(props);
	free(msg);
	free(via);
}

static void review_candidates(pdg_lineage_ctx *x, const pdg_edge *g)
{
	const pdg_component *up = &x->l->components[g->to];
	pdg_buf b = PDG_BUF_INIT;
	int fresh;

	for (size_t i = 0; i < up->nlicenses; i++)
		pdg_buf_printf(&b, "%s%s", i ? ", " : "", up->licenses[i].id);
	pdg_obligation *o = oblige(x, g->from, g->to, "LicenseRef-unknown",
	                           "license", "identify-checkpoint", NULL,
	                           NULL, g->type, &fresh);
	if (fresh)
		settle(o, PDG_OBLIGATION_REVIEW, NULL, 0, "the model is "
		       "traced to %s but not to one checkpoint, and the "
		       "family's checkpoints differ in licence: one of %s",
		       up->id, b.ptr ? b.ptr : "(none)");
	pdg_buf_free(&b);
}

int pdg_obligations_eval(pdg_lineage_ctx *px)
{
	pdg_lineage_ctx x = *px;
	pdg_lineage *l = x.l;
	const pdg_kb *kb = x.kb;

	for (size_t i = 0; i < l->nedges; i++) {
		const pdg_edge *g = &l->edges[i];
		const pdg_component *m = &l->components[g->from];
		const pdg_component *up = &l->components[g->to];

		if (m->role != PDG_ROLE_MODEL)
			continue;
		/* Once per upstream: edges are sorted by (from, to, type). */
		int first = i == 0 || l->edges[i - 1].from != g->from ||
		            l->edges[i - 1].to != g->to;
		int declared = 0;
		for (size_t k = 0; k < l->nedges; k++)
			if (l->edges[k].from == g->from &&
			    l->edges[k].to == g->to && l->edges[k].declared)
				declared = 1;
		if (first && !declared)
			report_undeclared(&x, g);
		if (up->candidates) {
			review_candidates(&x, g);
			continue;
		}
		for (size_t k = 0; k < up->nlicenses; k++) {
			const pdg_kb_entry *e = pdg_kb_find(kb,
			                                    up->licenses[k].id);
			if (e)
				apply_entry(&x, g, e);
		}
	}
	for (size_t i = 0; i < l->nobligations; i++)
		report(&x, i);
	return 0;
}
