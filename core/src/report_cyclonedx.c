/* report_cyclonedx.c - CycloneDX 1.6 JSON (docs/report.md).
 *
 * The first audited model is metadata.component, of type
 * machine-learning-model, with a modelCard (task, architecture, the
 * datasets it was trained on, the release's intended use) and, in its
 * pedigree.ancestors, every upstream model of the lineage: base models and
 * teachers, and theirs.  Datasets are top-level components of type data.
 * dependencies carries the graph itself (who derives from whom); each
 * component's properties say how (pedigree:derived-by) and what the audit
 * found (conflicts, obligations, verdict).
 *
 * Licences: an id of the SPDX licence list is license.id, another licence
 * license.name (with the knowledge base's name and first source URL), a
 * lone compound expression an expression; each licence from the
 * component's own files is acknowledged "declared", one from the
 * catalogue or a clarification "concluded".
 *
 * bom-refs are "component:" plus the component id; the serial number is a
 * UUID made from the audit's digest (report_util.h), so the same audit
 * gives the same BOM.  metadata.timestamp is written only when
 * $SOURCE_DATE_EPOCH is set: CycloneDX does not require one and pedigree
 * never reads the clock.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "kb/kb.h"
#include "report.h"
#include "report_util.h"

typedef struct cctx {
	const pdg_audit *a;
	int failed;
	pdg_kb *kb;
	pdg_report_link *links;
	size_t nlinks;
	int *placed;            /* per component: written with its bom-ref */
} cctx;

#define check(c, v) pdg_json_check(&(c)->failed, (v))
#define set(c, o, k, v) pdg_json_set(&(c)->failed, (o), (k), (v))
#define append(c, arr, v) pdg_json_append(&(c)->failed, (arr), (v))
#define jstr(c, s) pdg_json_str(&(c)->failed, (s))

static char *bom_ref(const pdg_component *x)
{
	return pdg_xasprintf("component:%s", x->id);
}

static json_t *jref(cctx *c, const pdg_component *x)
{
	char *r = bom_ref(x);
	json_t *v = jstr(c, r);

	free(r);
	return v;
}

static void add_property(cctx *c, json_t *arr, const char *name,
                         const char *value)
{
	json_t *p = check(c, json_object());

	set(c, p, "name", jstr(c, name));
	set(c, p, "value", jstr(c, value));
	append(c, arr, p);
}

/* ---- licences -------------------------------------------------------- */

static json_t *build_license(cctx *c, const pdg_comp_license *l)
{
	json_t *o = check(c, json_object());
	json_t *lic = check(c, json_object());
	const pdg_kb_entry *e = c->kb ? pdg_kb_find(c->kb, l->id) : NULL;

	if (pdg_report_license_form(l->id) == PDG_LICENSE_SPDX_ID) {
		set(c, lic, "id", jstr(c, l->id));
	} else {
		/* What the files call it, else what the knowledge base
		 * calls it, else the id itself. */
		set(c, lic, "name", jstr(c, l->name ? l->name
		                         : e && e->name ? e->name : l->id));
		json_t *props = check(c, json_array());
		add_property(c, props, "pedigree:license-id", l->id);
		set(c, lic, "properties", props);
	}
	if (e && e->n_sources)
		set(c, lic, "url", jstr(c, e->sources[0]));
	set(c, lic, "acknowledgement",
	    jstr(c, pdg_report_license_concluded(l) ? "concluded"
	                                            : "declared"));
	set(c, o, "license", lic);
	return o;
}

static int same_claim(const pdg_comp_license *a, const pdg_comp_license *b)
{
	return strcmp(a->id, b->id) == 0 &&
	       pdg_report_license_concluded(a) ==
	       pdg_report_license_concluded(b) &&
	       !!a->name == !!b->name &&
	       (!a->name || strcmp(a->name, b->name) == 0);
}

static json_t *build_licenses(cctx *c, const pdg_component *x)
{
	json_t *arr = check(c, json_array());

	/* A family's candidates are one of them, which is what OR says. */
	if (x->candidates && x->nlicenses > 1) {
		pdg_buf b = PDG_BUF_INIT;
		json_t *o = check(c, json_object());

		for (size_t i = 0; i < x->nlicenses; i++) {
			pdg_buf_puts(&b, i ? " OR " : "");
			pdg_buf_puts(&b, x->licenses[i].id);
		}
		if (pdg_report_license_form(b.ptr) == PDG_LICENSE_EXPRESSION) {
			set(c, o, "expression", jstr(c, b.ptr));
			append(c, arr, o);
			pdg_buf_free(&b);
			return arr;
		}
		json_decref(o);
		pdg_buf_free(&b);
	}
	for (size_t i = 0; i < x->nlicenses; i++) {
		int dup = 0;

		for (size_t j = 0; j < i && !dup; j++)
			dup = same_claim(&x->licenses[i], &x->licenses[j]);
		if (!dup)
			append(c, arr, build_license(c, &x->licenses[i]));
	}
	return arr;
}

/* ---- components ---------------------------------------------------- */

static void set_name(cctx *c, json_t *o, const char *id)
{
	const char *slash = strchr(id, '/');

	/* "Qwen/Qwen2.5-7B" is the group Qwen's Qwen2.5-7B, as hub ids go. */
	if (slash && slash != id && slash[1] && !strchr(slash + 1, '/')) {
		char *group = pdg_xstrndup(id, (size_t)(slash - id));

		set(c, o, "group", jstr(c, group));
		set(c, o, "name", jstr(c, slash + 1));
		free(group);
	} else {
		set(c, o, "name", jstr(c, id));
	}
}

/* "avocado: finetune, distillation" for each downstream of component i. */
static void add_derived_by(cctx *c, json_t *props, size_t i)
{
	const pdg_lineage *l = &c->a->lineage;

	for (size_t k = 0; k < c->nlinks; k++) {
		const pdg_report_link *x = &c->links[k];
		pdg_buf b = PDG_BUF_INIT;

		if (x->to != i)
			continue;
		pdg_buf_puts(&b, l->components[x->from].id);
		pdg_buf_puts(&b, ": ");
		pdg_report_put_types(&b, x->types, ", ");
		pdg_buf_puts(&b, x->declared ? " (declared)" : " (not declared)");
		add_property(c, props, "pedigree:derived-by", b.ptr);
		pdg_buf_free(&b);
	}
}

/* Conflicts found on the component and the obligations it owes. */
static void add_audit_properties(cctx *c, json_t *props, const char *id)
{
	const pdg_audit *a = c->a;
	const pdg_lineage *l = &a->lineage;

	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];
		char *v;

		if (f->kind != PDG_FINDING_CONFLICT || !f->component ||
		    strcmp(f->component, id) != 0)
			continue;
		v = pdg_xasprintf("PDG-%04zu %s (%s): %s", i + 1, f->rule,
		                  pdg_verdict_name(f->verdict), f->message);
		add_property(c, props, "pedigree:conflict", v);
		free(v);
	}
	for (size_t i = 0; i < l->nobligations; i++) {
		const pdg_obligation *o = &l->obligations[i];
		char *v;

		if (strcmp(l->components[o->component].id, id) != 0)
			continue;
		v = pdg_xasprintf("%s from %s under %s: %s%s%s", o->what,
		                  l->components[o->upstream].id, o->license,
		                  pdg_obligation_status_name(o->status),
		                  o->note ? ": " : "", o->note ? o->note : "");
		add_property(c, props, "pedigree:obligation", v);
		free(v);
	}
}

static json_t *build_model_card(cctx *c, size_t i)
{
	const pdg_audit *a = c->a;
	const pdg_component *x = &a->lineage.components[i];
	const pdg_finding *task = pdg_report_find(a, x->id, "card.metadata");
	const pdg_finding *arch = pdg_report_find(a, x->id,
	                                          "weights.architecture");
	json_t *card = check(c, json_object());
	json_t *params = check(c, json_object());
	json_t *sets = check(c, json_array());

	if (task)
		set(c, params, "task", jstr(c, task->subject));
	if (arch) {
		char *family = pdg_report_property(arch, "model_type");

		set(c, params, "modelArchitecture", jstr(c, arch->subject));
		if (family)
			set(c, params, "architectureFamily", jstr(c, family));
		free(family);
	}
	for (size_t k = 0; k < c->nlinks; k++) {
		const pdg_component *u = &a->lineage.components[c->links[k].to];
		json_t *r;

		if (c->links[k].from != i || u->role != PDG_ROLE_DATASET)
			continue;
		r = check(c, json_object());
		set(c, r, "ref", jref(c, u));
		append(c, sets, r);
	}
	set(c, params, "datasets", sets);
	set(c, card, "modelParameters", params);
	if (x->role == PDG_ROLE_MODEL && a->policy) {
		const pdg_intent *in = pdg_policy_intent(a->policy);
		json_t *cons = check(c, json_object());
		json_t *uses = check(c, json_array());
		char *use = pdg_xasprintf(
		        "%s release, as the policy %s states",
		        in->commercial == PDG_YES ? "commercial"
		        : in->commercial == PDG_NO ? "non-commercial"
		        : "intended use not stated:",
		        pdg_policy_name(a->policy));

		append(c, uses, jstr(c, use));
		set(c, cons, "useCases", uses);
		set(c, card, "considerations", cons);
		free(use);
	}
	return card;
}

static json_t *build_component(cctx *c, size_t i);

/* Every upstream model reachable from model i, each written once with
 * its bom-ref (by the first audited model that reaches it). */
static json_t *build_ancestors(cctx *c, size_t i)
{
	const pdg_lineage *l = &c->a->lineage;
	size_t *queue = pdg_xcalloc(l->ncomponents + 1, sizeof(*queue));
	int *seen = pdg_xcalloc(l->ncomponents + 1, sizeof(*seen));
	size_t head = 0, tail = 0;
	json_t *arr = check(c, json_array());

	queue[tail++] = i;
	seen[i] = 1;
	while (head < tail) {
		size_t cur = queue[head++];

		for (size_t k = 0; k < c->nlinks; k++) {
			size_t t = c->links[k].to;

			if (c->links[k].from != cur || seen[t] ||
			    l->components[t].role == PDG_ROLE_DATASET ||
			    l->components[t].role == PDG_ROLE_MODEL)
				continue;
			seen[t] = 1;
			queue[tail++] = t;
			if (!c->placed[t])
				append(c, arr, build_component(c, t));
		}
	}
	free(queue);
	free(seen);
	return arr;
}

static json_t *build_component(cctx *c, size_t i)
{
	const pdg_component *x = &c->a->lineage.components[i];
	const pdg_kb_provider *p = c->kb && x->provider
	                           ? pdg_kb_provider_find(c->kb, x->provider)
	                           : NULL;
	json_t *o = check(c, json_object());
	json_t *props = check(c, json_array());

	c->placed[i] = 1;
	set(c, o, "type", jstr(c, x->role == PDG_ROLE_DATASET
	                          ? "data" : "machine-learning-model"));
	set(c, o, "bom-ref", jref(c, x));
	set_name(c, o, x->id);
	if (p && p->name) {
		json_t *org = check(c, json_object());

		set(c, org, "name", jstr(c, p->name));
		set(c, o, "supplier", org);
	}
	set(c, o, "licenses", build_licenses(c, x));
	if (x->role == PDG_ROLE_DATASET) {
		json_t *data = check(c, json_array());
		json_t *d = check(c, json_object());

		set(c, d, "type", jstr(c, "dataset"));
		set(c, d, "name", jstr(c, x->id));
		append(c, data, d);
		set(c, o, "data", data);
	} else {
		set(c, o, "modelCard", build_model_card(c, i));
	}
	if (x->role == PDG_ROLE_MODEL) {
		json_t *ped = check(c, json_object());

		set(c, ped, "ancestors", build_ancestors(c, i));
		set(c, o, "pedigree", ped);
	}
	add_property(c, props, "pedigree:role",
	             pdg_component_role_name(x->role));
	if (x->source)
		add_property(c, props, "pedigree:source", x->source);
	if (x->candidates)
		add_property(c, props, "pedigree:license-candidates", "true");
	add_derived_by(c, props, i);
	add_audit_properties(c, props, x->id);
	set(c, o, "properties", props);
	return o;
}

static json_t *build_dependencies(cctx *c)
{
	const pdg_lineage *l = &c->a->lineage;
	json_t *arr = check(c, json_array());

	for (size_t i = 0; i < l->ncomponents; i++) {
		json_t *d = check(c, json_object());
		json_t *on = check(c, json_array());

		set(c, d, "ref", jref(c, &l->components[i]));
		for (size_t k = 0; k < c->nlinks; k++)
			if (c->links[k].from == i)
				append(c, on, jref(c,
				       &l->components[c->links[k].to]));
		set(c, d, "dependsOn", on);
		append(c, arr, d);
	}
	return arr;
}

static json_t *build_metadata(cctx *c, int64_t epoch, size_t first)
{
	const pdg_audit *a = c->a;
	json_t *m = check(c, json_object());
	json_t *tools = check(c, json_object());
	json_t *list = check(c, json_array());
	json_t *tool = check(c, json_object());
	json_t *props = check(c, json_array());

	if (epoch > 0) {
		char ts[32];

		pdg_report_iso8601(ts, sizeof(ts), epoch);
		set(c, m, "timestamp", jstr(c, ts));
	}
	set(c, tool, "type", jstr(c, "application"));
	set(c, tool, "name", jstr(c, "pedigree"));
	set(c, tool, "version", jstr(c, PDG_VERSION));
	append(c, list, tool);
	set(c, tools, "components", list);
	set(c, m, "tools", tools);
	if (first != (size_t)-1)
		set(c, m, "component", build_component(c, first));
	add_property(c, props, "pedigree:verdict", a->failed ? "fail" : "pass");
	if (a->policy)
		add_property(c, props, "pedigree:policy",
		             pdg_policy_name(a->policy));
	set(c, m, "properties", props);
	return m;
}

int pdg_report_write_cyclonedx(const pdg_audit *a, FILE *out)
{
	const pdg_lineage *l = &a->lineage;
	cctx c = { a, 0, NULL, NULL, 0, NULL };
	char digest[33], serial[64];
	size_t first = (size_t)-1;
	int64_t epoch;
	int rc;

	if ((rc = pdg_report_epoch(&epoch)) < 0 ||
	    (rc = pdg_report_digest(a, digest)) < 0)
		return rc;
	pdg_report_uuid(serial, sizeof(serial), digest);
	if (pdg_kb_load_default(&c.kb) < 0)
		c.kb = NULL;
	c.nlinks = pdg_report_links(l, &c.links);
	c.placed = pdg_xcalloc(l->ncomponents + 1, sizeof(*c.placed));
	for (size_t i = 0; i < l->ncomponents && first == (size_t)-1; i++)
		if (l->components[i].role == PDG_ROLE_MODEL)
			first = i;

	json_t *root = check(&c, json_object());
	set(&c, root, "$schema",
	    jstr(&c, "http://cyclonedx.org/schema/bom-1.6.schema.json"));
	set(&c, root, "bomFormat", jstr(&c, "CycloneDX"));
	set(&c, root, "specVersion", jstr(&c, "1.6"));
	set(&c, root, "serialNumber", jstr(&c, serial));
	set(&c, root, "version", check(&c, json_integer(1)));
	set(&c, root, "metadata", build_metadata(&c, epoch, first));
	/* Other audited models first (their ancestors go with them), then
	 * datasets and whatever no model reaches. */
	json_t *comps = check(&c, json_array());
	for (size_t i = 0; i < l->ncomponents; i++)
		if (!c.placed[i] && l->components[i].role == PDG_ROLE_MODEL)
			append(&c, comps, build_component(&c, i));
	for (size_t i = 0; i < l->ncomponents; i++)
		if (!c.placed[i])
			append(&c, comps, build_component(&c, i));
	set(&c, root, "components", comps);
	set(&c, root, "dependencies", build_dependencies(&c));
	free(c.placed);
	free(c.links);
	pdg_kb_free(c.kb);
	return pdg_report_dump_json(root, c.failed, out);
}
