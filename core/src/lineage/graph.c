/* graph.c - build the component graph from an audit's findings.
 *
 * Which findings make which edge is the engine's business (a table below);
 * what an edge obliges is the knowledge base's (obligations.c).  Two names
 * of one model ("gemma-2-9b-it" in a dataset field, "google/gemma-2-9b-it"
 * in weights metadata) are one component: ids are compared by their name
 * part, and an organisation, where both give one, must agree.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "license/license.h"
#include "error.h"
#include "lineage/lineage.h"
#include "util.h"

#define NPOS ((size_t)-1)

static const char *const edge_names[PDG_EDGE_COUNT_] = {
	"finetune", "adapter", "quantized", "merge", "distillation",
	"trained-on-outputs", "dataset",
};

static const char *const role_names[PDG_ROLE_COUNT_] = {
	"model", "base", "teacher", "dataset",
};

static const char *const status_names[PDG_OBLIGATION_STATUS_COUNT_] = {
	"met", "unmet", "conflict", "review",
};

const char *pdg_edge_type_name(pdg_edge_type t)
{
	return (unsigned)t < PDG_EDGE_COUNT_ ? edge_names[t] : "unknown";
}

int pdg_edge_type_parse(pdg_edge_type *out, const char *name)
{
	for (int i = 0; name && i < PDG_EDGE_COUNT_; i++)
		if (strcmp(name, edge_names[i]) == 0) {
			*out = (pdg_edge_type)i;
			return 0;
		}
	return PDG_EINVALID;
}

const char *pdg_component_role_name(pdg_component_role r)
{
	return (unsigned)r < PDG_ROLE_COUNT_ ? role_names[r] : "unknown";
}

const char *pdg_obligation_status_name(pdg_obligation_status s)
{
	return (unsigned)s < PDG_OBLIGATION_STATUS_COUNT_ ? status_names[s]
	                                                  : "unknown";
}

/* ---- component identity --------------------------------------------- */

/* "org/name" and "name" name one model; "a/name" and "b/name" do not. */
static int same_model(const char *a, const char *b)
{
	const char *na = pdg_model_name_part(a), *nb = pdg_model_name_part(b);

	if (strcasecmp(na, nb) != 0)
		return 0;
	if (na == a || nb == b)
		return 1;
	return (size_t)(na - a) == (size_t)(nb - b) &&
	       strncasecmp(a, b, (size_t)(na - a)) == 0;
}

/* Hub ids are "name" or "org/name"; paths left in config.json by a
 * training script ("/data/ckpt/step-900", "./out") name nothing. */
static int plausible_model_id(const char *id)
{
	const char *slash = strchr(id, '/');

	if (!*id || *id == '/' || *id == '.' || *id == '~' ||
	    strchr(id, '\\') || strchr(id, ' '))
		return 0;
	return !slash || !strchr(slash + 1, '/');
}

size_t pdg_lineage_find(const pdg_lineage *l, const char *id)
{
	for (size_t i = 0; i < l->ncomponents; i++)
		if (strcmp(l->components[i].id, id) == 0)
			return i;
	return NPOS;
}

static size_t find_model(const pdg_lineage *l, const char *id)
{
	for (size_t i = 0; i < l->ncomponents; i++)
		if (same_model(l->components[i].id, id))
			return i;
	return NPOS;
}

static size_t add_component(pdg_lineage *l, const char *id,
                            pdg_component_role role, const char *source)
{
	l->components = pdg_xrealloc(l->components, (l->ncomponents + 1) *
	                             sizeof(*l->components));
	pdg_component *c = &l->components[l->ncomponents];
	memset(c, 0, sizeof(*c));
	c->id = pdg_xstrdup(id);
	c->role = role;
	c->source = source ? pdg_xstrdup(source) : NULL;
	return l->ncomponents++;
}

/* The component an upstream id names; a longer id ("org/name") replaces
 * a shorter one of the same model, as the more precise name. */
static size_t upstream(pdg_lineage *l, const char *id,
                       pdg_component_role role)
{
	size_t i = find_model(l, id);

	if (i == NPOS)
		return add_component(l, id, role, NULL);
	pdg_component *c = &l->components[i];
	if (!c->source && strchr(id, '/') && !strchr(c->id, '/')) {
		free(c->id);
		c->id = pdg_xstrdup(id);
	}
	return i;
}

/* ---- edges ---------------------------------------------------------- */

static pdg_edge *edge_get(pdg_lineage *l, size_t from, size_t to,
                          pdg_edge_type type)
{
	for (size_t i = 0; i < l->nedges; i++) {
		pdg_edge *e = &l->edges[i];
		if (e->from == from && e->to == to && e->type == type)
			return e;
	}
	l->edges = pdg_xrealloc(l->edges, (l->nedges + 1) * sizeof(*l->edges));
	pdg_edge *e = &l->edges[l->nedges++];
	memset(e, 0, sizeof(*e));
	e->from = from;
	e->to = to;
	e->type = type;
	return e;
}

static void edge_cite(pdg_edge *e, const pdg_finding *f)
{
	e->evidence = pdg_xrealloc(e->evidence, (e->nevidence + 1) *
	                           sizeof(*e->evidence));
	pdg_edge_evidence *v = &e->evidence[e->nevidence++];
	memset(v, 0, sizeof(*v));
	v->rule = pdg_xstrdup(f->rule);
	v->source = f->source ? pdg_xstrdup(f->source) : NULL;
	v->path = f->path ? pdg_xstrdup(f->path) : NULL;
	v->commit = f->commit ? pdg_xstrdup(f->commit) : NULL;
	v->line = f->line_start;
	v->byte_offset = f->byte_offset;
	v->detail = pdg_xstrdup(f->message);
	if (strncmp(f->rule, "card.", 5) == 0 && !e->declared) {
		e->declared = 1;
		e->declared_at = f->line_start
		        ? pdg_xasprintf("%s:%u", f->path ? f->path : "?",
		                        f->line_start)
		        : pdg_xstrdup(f->path ? f->path : "?");
	}
}

/* Findings that show an edge, and its type when the finding has none. */
struct edge_rule {
	const char *rule;
	pdg_edge_type type;
	pdg_component_role role;
};

static const struct edge_rule edge_rules[] = {
	{ "card.base-model", PDG_EDGE_FINETUNE, PDG_ROLE_BASE },
	{ "weights.base-model", PDG_EDGE_FINETUNE, PDG_ROLE_BASE },
	{ "weights.teacher", PDG_EDGE_DISTILLATION, PDG_ROLE_TEACHER },
	{ "fingerprint.distilled-from", PDG_EDGE_DISTILLATION,
	  PDG_ROLE_TEACHER },
	{ "dataset.trained-on-outputs", PDG_EDGE_TRAINED_ON_OUTPUTS,
	  PDG_ROLE_TEACHER },
	{ "card.dataset", PDG_EDGE_DATASET, PDG_ROLE_DATASET },
};

static const struct edge_rule *edge_rule_of(const char *rule)
{
	for (size_t i = 0; i < sizeof(edge_rules) / sizeof(*edge_rules); i++)
		if (strcmp(edge_rules[i].rule, rule) == 0)
			return &edge_rules[i];
	return NULL;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const pdg_lineage_input *input_of(const pdg_lineage_input *in,
                                         size_t n, const char *component)
{
	for (size_t i = 0; component && i < n; i++)
		if (strcmp(in[i].component, component) == 0)
			return &in[i];
	return NULL;
}


/* The components a finding's edge starts from: its own component, or,
 * for facts found inside a --dataset input, every audited model (a model
 * trained on that dataset was trained on what is in it). */
static size_t downstreams(const pdg_lineage_ctx *b, const pdg_finding *f,
                          size_t *out, size_t cap)
{
	const pdg_lineage_input *in = input_of(b->inputs, b->ninputs,
	                                       f->component);
	size_t n = 0;

	if (!in)
		return 0;
	if (in->role != PDG_ROLE_DATASET) {
		out[n++] = pdg_lineage_find(b->l, in->component);
		return n;
	}
	for (size_t i = 0; i < b->ninputs && n < cap; i++)
		if (b->inputs[i].role == PDG_ROLE_MODEL)
			out[n++] = pdg_lineage_find(b->l,
			                            b->inputs[i].component);
	return n;
}

static void add_edges(pdg_lineage_ctx *b, const pdg_finding *f,
                      const char *to_id, pdg_edge_type type,
                      pdg_component_role role)
{
	size_t from[64];
	size_t n = downstreams(b, f, from, 64);

	for (size_t i = 0; i < n; i++) {
		if (from[i] == NPOS)
			continue;
		size_t to = upstream(b->l, to_id, role);
		if (to == from[i])
			continue;       /* a model is not its own teacher */
		edge_cite(edge_get(b->l, from[i], to, type), f);
	}
}

/* A --dataset input is training data of every audited model: the edge
 * needs no finding, the command line is its evidence. */
static void edges_of_inputs(pdg_lineage_ctx *b)
{
	for (size_t d = 0; d < b->ninputs; d++) {
		if (b->inputs[d].role != PDG_ROLE_DATASET)
			continue;
		size_t to = pdg_lineage_find(b->l, b->inputs[d].component);
		for (size_t m = 0; m < b->ninputs; m++) {
			if (b->inputs[m].role != PDG_ROLE_MODEL)
				continue;
			pdg_finding f = PDG_CORE_FINDING_INIT;
			f.rule = "input.dataset";
			f.message = "passed with --dataset";
			f.source = b->inputs[d].source;
			edge_cite(edge_get(b->l, pdg_lineage_find(b->l,
			          b->inputs[m].component), to,
			          PDG_EDGE_DATASET), &f);
		}
	}
}

/* Pass one: every edge whose upstream a finding names. */
static void edges_named(pdg_lineage_ctx *b)
{
	for (size_t i = 0; i < b->fs->len; i++) {
		const pdg_finding *f = &b->fs->items[i];
		const struct edge_rule *r = edge_rule_of(f->rule);
		pdg_edge_type type;

		if (!r)
			continue;
		json_t *props = f->properties
		        ? json_loads(f->properties, 0, NULL) : NULL;
		const char *id = f->subject;
		type = r->type;
		if (r->type == PDG_EDGE_TRAINED_ON_OUTPUTS)
			id = jstr(props, "model");
		if (strcmp(f->rule, "card.base-model") == 0 &&
		    pdg_edge_type_parse(&type, jstr(props, "relation")) < 0)
			type = PDG_EDGE_FINETUNE;
		if (id && plausible_model_id(id))
			add_edges(b, f, id, type, r->role);
		json_decref(props);
	}
}

/* Pass two: outputs traced to a provider but no model ("I am Qwen" with
 * no model field).  When the graph already holds exactly one model of
 * that provider upstream of the same model, the outputs are taken to be
 * that model's; otherwise the provider itself is the component. */
static void edges_by_provider(pdg_lineage_ctx *b)
{
	for (size_t i = 0; i < b->fs->len; i++) {
		const pdg_finding *f = &b->fs->items[i];

		if (strcmp(f->rule, "dataset.trained-on-outputs") != 0)
			continue;
		json_t *props = f->properties
		        ? json_loads(f->properties, 0, NULL) : NULL;
		const char *prov = jstr(props, "provider");
		if (!jstr(props, "model") && prov) {
			size_t from[64];
			size_t n = downstreams(b, f, from, 64);
			for (size_t k = 0; k < n; k++) {
				size_t to = NPOS, seen = 0;
				for (size_t e = 0; e < b->l->nedges; e++) {
					const pdg_edge *x = &b->l->edges[e];
					const pdg_component *c =
					        &b->l->components[x->to];
					if (x->from != from[k] || !c->provider ||
					    strcmp(c->provider, prov) != 0 ||
					    x->to == to)
						continue;
					to = x->to;
					seen++;
				}
				if (seen != 1)
					to = upstream(b->l, prov,
					              PDG_ROLE_TEACHER);
				pdg_edge *e = edge_get(b->l, from[k], to,
				                   PDG_EDGE_TRAINED_ON_OUTPUTS);
				edge_cite(e, f);
				if (!b->l->components[to].provider)
					b->l->components[to].provider =
					        pdg_xstrdup(prov);
			}
		}
		json_decref(props);
	}
}

/* "data/avocado-chat-mix.tar.gz!/x/README.md" -> "avocado-chat-mix". */
static char *archive_name(const char *path)
{
	const char *bang = strstr(path, "!/");
	char *outer = pdg_xstrndup(path, (size_t)(bang - path));
	char *base = pdg_path_basename(outer);

	free(outer);
	pdg_strip_packing_suffix(base);
	return base;
}

/* A dataset card inside an archive of a model's repository describes the
 * dataset the archive holds: the one the card names, when its name
 * matches, or a dataset component of its own. */
static size_t dataset_of_archive(pdg_lineage_ctx *b, const pdg_finding *f)
{
	char *name = archive_name(f->path);
	size_t from = pdg_lineage_find(b->l, f->component), to = NPOS;

	for (size_t e = 0; e < b->l->nedges && to == NPOS; e++) {
		const pdg_edge *x = &b->l->edges[e];
		if (x->from == from && x->type == PDG_EDGE_DATASET &&
		    strcasecmp(pdg_model_name_part(b->l->components[x->to].id),
		               name) == 0)
			to = x->to;
	}
	if (to == NPOS && from != NPOS) {
		to = upstream(b->l, name, PDG_ROLE_DATASET);
		edge_cite(edge_get(b->l, from, to, PDG_EDGE_DATASET), f);
	}
	free(name);
	return to;
}

/* ---- licences ------------------------------------------------------- */

static void add_license(pdg_component *c, const char *id, const char *name,
                        const char *origin, const pdg_finding *f)
{
	for (size_t i = 0; i < c->nlicenses; i++)
		if (strcmp(c->licenses[i].id, id) == 0 &&
		    strcmp(c->licenses[i].origin, origin) == 0 &&
		    (!f || !c->licenses[i].path || !f->path ||
		     strcmp(c->licenses[i].path, f->path) == 0))
			return;
	c->licenses = pdg_xrealloc(c->licenses, (c->nlicenses + 1) *
	                           sizeof(*c->licenses));
	pdg_comp_license *l = &c->licenses[c->nlicenses++];
	memset(l, 0, sizeof(*l));
	l->id = pdg_xstrdup(id);
	l->name = name ? pdg_xstrdup(name) : NULL;
	l->origin = pdg_xstrdup(origin);
	if (f) {
		l->source = f->source ? pdg_xstrdup(f->source) : NULL;
		l->path = f->path ? pdg_xstrdup(f->path) : NULL;
		l->commit = f->commit ? pdg_xstrdup(f->commit) : NULL;
		l->line = f->line_start;
	}
}

/* What one finding says about the licence of its component's files. */
static void license_claim(pdg_lineage_ctx *b, const pdg_finding *f)
{
	const char *r = f->rule;
	size_t ci;

	if (f->path && strstr(f->path, "!/")) {
		if (strcmp(r, "card.dataset-license") != 0 || !f->subject)
			return;
		ci = dataset_of_archive(b, f);
		if (ci == NPOS)
			return;
		json_t *p = f->properties ? json_loads(f->properties, 0, NULL)
		                          : NULL;
		const char *nm = jstr(p, "license_name");
		add_license(&b->l->components[ci], f->subject,
		            strcmp(f->subject, "LicenseRef-unknown") == 0
		            ? (nm ? nm : jstr(p, "tag")) : NULL,
		            "dataset card", f);
		json_decref(p);
		return;
	}
	ci = pdg_lineage_find(b->l, f->component);
	if (ci == NPOS || !f->subject)
		return;
	pdg_component *c = &b->l->components[ci];
	int dataset = c->role == PDG_ROLE_DATASET ||
	              strcmp(r, "card.dataset-license") == 0;
	if (strcmp(r, "card.license") == 0 ||
	    strcmp(r, "card.dataset-license") == 0) {
		if (!strchr(f->path ? f->path : "", '/'))
			add_license(c, f->subject, NULL,
			            dataset ? "dataset card" : "model card", f);
	} else if (strcmp(r, "card.license-unknown") == 0) {
		json_t *p = f->properties ? json_loads(f->properties, 0, NULL)
		                          : NULL;
		const char *nm = jstr(p, "license_name");
		add_license(c, "LicenseRef-unknown", nm ? nm : jstr(p, "tag"),
		            dataset ? "dataset card" : "model card", f);
		json_decref(p);
	} else if ((strcmp(r, "license.detected") == 0 ||
	            strcmp(r, "license.unknown") == 0 ||
	            strcmp(r, "license.clarified") == 0) &&
	           pdg_license_path_is_claim(f->path)) {
		/* A code-only licence file (LICENSE beside MODEL_LICENSE) says
		 * nothing about the weights' terms. */
		pdg_license_scope sc = pdg_license_scope_of_path(f->path);
		add_license(c, f->subject, NULL, r[8] == 'c' ? "clarification"
		            : sc == PDG_SCOPE_CODE ? "licence file (code)"
		            : sc == PDG_SCOPE_WEIGHTS ? "licence file (weights)"
		            : "licence file", f);
	} else if (strcmp(r, "weights.license") == 0) {
		const pdg_kb_entry *e = pdg_kb_find_hf(b->kb, f->subject,
		                                       NULL);
		if (e)
			add_license(c, e->id, NULL, "weights metadata", f);
	}
}

/* The catalogue's view of a component: who makes it, and the documents
 * of its checkpoint (or its family's candidates). */
static const pdg_kb_provider *catalogue(const pdg_lineage_ctx *b,
                                        const pdg_component *c,
                                        const pdg_kb_checkpoint **cp)
{
	const pdg_kb_provider *p = pdg_kb_model_lookup(b->kb, c->id, cp);

	return p ? p : pdg_kb_provider_find(b->kb, c->id);
}

static void set_provider(pdg_lineage_ctx *b, pdg_component *c)
{
	const pdg_kb_checkpoint *cp = NULL;
	const pdg_kb_provider *p = catalogue(b, c, &cp);

	if (p && !c->provider)
		c->provider = pdg_xstrdup(p->id);
}

/* Components known only by id take the catalogue's word; local ones
 * whose files claim nothing too. */
static void license_from_catalogue(pdg_lineage_ctx *b, pdg_component *c)
{
	const pdg_kb_checkpoint *cp = NULL;
	const pdg_kb_provider *p = catalogue(b, c, &cp);

	if (!p || c->nlicenses || c->role == PDG_ROLE_MODEL)
		return;
	const char *const *ids = cp ? cp->terms : p->terms;
	size_t n = cp ? cp->n_terms : p->n_terms, docs = 0;
	for (size_t i = 0; i < n; i++) {
		const pdg_kb_entry *e = pdg_kb_find(b->kb, ids[i]);
		add_license(c, ids[i], NULL,
		            cp ? "catalogue" : "catalogue (family)", NULL);
		/* A use policy rides with its licence; it is no rival. */
		docs += !e || e->kind != PDG_KB_USE_POLICY;
	}
	c->candidates = !cp && docs > 1;
}

/* A component's role is what the edges say it is: base when any edge
 * reuses its weights, else teacher, else dataset.  Audited models and
 * --dataset inputs keep theirs. */
/* A local copy of an upstream that disagrees with the catalogue on the
 * checkpoint's licence: one of the two is wrong, and a person should know
 * which the audit used (the local files). */
static void check_catalogue(pdg_lineage_ctx *b, const pdg_component *c)
{
	const pdg_kb_checkpoint *cp = NULL;

	if (!c->source || c->role == PDG_ROLE_MODEL || !c->nlicenses ||
	    !pdg_kb_model_lookup(b->kb, c->id, &cp) || !cp)
		return;
	for (size_t i = 0; i < cp->n_terms; i++)
		for (size_t k = 0; k < c->nlicenses; k++)
			if (!strcmp(cp->terms[i], c->licenses[k].id))
				return;
	pdg_buf want = PDG_BUF_INIT, got = PDG_BUF_INIT;
	for (size_t i = 0; i < cp->n_terms; i++)
		pdg_buf_printf(&want, "%s%s", i ? ", " : "", cp->terms[i]);
	for (size_t k = 0; k < c->nlicenses; k++)
		pdg_buf_printf(&got, "%s%s", k ? ", " : "", c->licenses[k].id);
	char *msg = pdg_xasprintf("the local copy of %s declares %s, but the "
	                          "knowledge base's catalogue has %s for this "
	                          "checkpoint; the audit uses the local files",
	                          c->id, got.ptr, want.ptr);
	pdg_finding f = PDG_CORE_FINDING_INIT;
	f.kind = PDG_FINDING_CONFLICT;
	f.severity = PDG_SEVERITY_WARNING;
	f.rule = "lineage.license-mismatch";
	f.message = msg;
	f.subject = c->licenses[0].id;
	f.component = c->id;
	f.source = c->source;
	f.path = c->licenses[0].path;
	f.line_start = c->licenses[0].line;
	(void)pdg_findings_add(b->fs, &f);
	free(msg);
	pdg_buf_free(&want);
	pdg_buf_free(&got);
}

static void assign_roles(pdg_lineage *l, const pdg_lineage_input *in,
                         size_t nin)
{
	for (size_t i = 0; i < l->ncomponents; i++) {
		pdg_component *c = &l->components[i];
		int base = 0, teacher = 0, dataset = 0;

		if (c->role == PDG_ROLE_MODEL || (c->role == PDG_ROLE_DATASET &&
		    input_of(in, nin, c->id)))
			continue;
		for (size_t k = 0; k < l->nedges; k++) {
			pdg_edge_type t = l->edges[k].type;
			if (l->edges[k].to != i)
				continue;
			base |= t <= PDG_EDGE_MERGE;
			teacher |= t == PDG_EDGE_DISTILLATION ||
			           t == PDG_EDGE_TRAINED_ON_OUTPUTS;
			dataset |= t == PDG_EDGE_DATASET;
		}
		if (base)
			c->role = PDG_ROLE_BASE;
		else if (teacher)
			c->role = PDG_ROLE_TEACHER;
		else if (dataset)
			c->role = PDG_ROLE_DATASET;
	}
}

/* An edge is declared when the model card names the upstream: in its
 * front matter (a card.* finding) or anywhere in its text. */
static void mark_declared(pdg_lineage_ctx *b)
{
	for (size_t i = 0; i < b->l->nedges; i++) {
		pdg_edge *e = &b->l->edges[i];
		const pdg_component *down = &b->l->components[e->from];
		const pdg_component *up = &b->l->components[e->to];
		const pdg_text *where = NULL;
		uint32_t line = 0;

		if (e->declared)
			continue;
		if (pdg_texts_find(b->texts, down->id,
		                   PDG_KIND_BIT(PDG_KIND_MODEL_CARD), NULL,
		                   up->id, &where, &line) ||
		    pdg_texts_find(b->texts, down->id,
		                   PDG_KIND_BIT(PDG_KIND_MODEL_CARD), NULL,
		                   pdg_model_name_part(up->id), &where, &line)) {
			e->declared = 1;
			e->declared_at = pdg_xasprintf("%s:%u", where->path,
			                               line);
		}
	}
}

static int edge_cmp(const void *pa, const void *pb)
{
	const pdg_edge *a = pa, *b = pb;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return (int)a->type - (int)b->type;
}

int pdg_lineage_build(pdg_lineage *out, pdg_findings *fs,
                      const pdg_lineage_input *inputs, size_t ninputs,
                      const pdg_texts *texts, const pdg_kb *kb,
                      const pdg_intent *intent)
{
	pdg_intent none = PDG_INTENT_INIT;
	pdg_lineage_ctx b = { out, fs, inputs, ninputs, texts, kb,
	                   intent ? *intent : none };

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ninputs; i++)
		if (pdg_lineage_find(out, inputs[i].component) == NPOS)
			add_component(out, inputs[i].component, inputs[i].role,
			              inputs[i].source);
	edges_of_inputs(&b);
	edges_named(&b);
	for (size_t i = 0; i < out->ncomponents; i++)
		set_provider(&b, &out->components[i]);
	edges_by_provider(&b);
	for (size_t i = 0; i < fs->len; i++)
		license_claim(&b, &fs->items[i]);
	for (size_t i = 0; i < out->ncomponents; i++) {
		check_catalogue(&b, &out->components[i]);
		license_from_catalogue(&b, &out->components[i]);
	}
	assign_roles(out, inputs, ninputs);
	mark_declared(&b);
	if (out->nedges > 1)
		qsort(out->edges, out->nedges, sizeof(*out->edges), edge_cmp);
	return pdg_obligations_eval(&b);
}

void pdg_lineage_clear(pdg_lineage *l)
{
	for (size_t i = 0; i < l->ncomponents; i++) {
		pdg_component *c = &l->components[i];
		for (size_t j = 0; j < c->nlicenses; j++) {
			free(c->licenses[j].id);
			free(c->licenses[j].name);
			free(c->licenses[j].origin);
			free(c->licenses[j].source);
			free(c->licenses[j].path);
			free(c->licenses[j].commit);
		}
		free(c->licenses);
		free(c->id);
		free(c->source);
		free(c->provider);
	}
	free(l->components);
	for (size_t i = 0; i < l->nedges; i++) {
		pdg_edge *e = &l->edges[i];
		for (size_t j = 0; j < e->nevidence; j++) {
			free(e->evidence[j].rule);
			free(e->evidence[j].source);
			free(e->evidence[j].path);
			free(e->evidence[j].commit);
			free(e->evidence[j].detail);
		}
		free(e->evidence);
		free(e->declared_at);
	}
	free(l->edges);
	for (size_t i = 0; i < l->nobligations; i++) {
		pdg_obligation *o = &l->obligations[i];
		free(o->license);
		free(o->kind);
		free(o->what);
		free(o->value);
		free(o->text);
		free(o->note);
		free(o->path);
		free(o->rule);
	}
	free(l->obligations);
	memset(l, 0, sizeof(*l));
}
