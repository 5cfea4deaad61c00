/* report_spdx.c - SPDX 3.0.1 JSON-LD with the AI and Dataset profiles
 * (docs/report.md).
 *
 * One @graph: the CreationInfo (a blank node), pedigree as SoftwareAgent
 * and Tool, the suppliers as Organizations, one ai_AIPackage per model
 * component (audited, base, teacher) and one dataset_DatasetPackage per
 * dataset, their licences, the relationships of the lineage, and the
 * SpdxDocument whose root elements are the audited models.
 *
 * What the profiles require (docs/report.md lists it with its source):
 * every AIPackage has suppliedBy, releaseTime, software_downloadLocation,
 * software_packageVersion and software_primaryPurpose; every
 * DatasetPackage has builtTime, releaseTime, originatedBy,
 * software_downloadLocation, software_primaryPurpose and
 * dataset_datasetType; and each of them exactly one hasDeclaredLicense and
 * one hasConcludedLicense relationship to a licence.  pedigree does not
 * know release or build times: they are the document's creation time,
 * and the comments say so.  Unknown values are NOASSERTION
 * (expandedlicensing_NoAssertionLicense for licences).
 *
 * Lineage: a model derived from another (finetune, adapter, quantized,
 * merge, distillation, trained-on-outputs) is descendantOf it, the edge
 * types in the relationship's comment; a model trainedOn its datasets.
 *
 * Identifiers are IRIs under https://pedigree.invalid/spdx/DIGEST/, where
 * DIGEST is the audit's digest (report_util.h): the same audit gives the
 * same document, a different one a different namespace.  .invalid never
 * resolves (RFC 6761), so nothing pretends to be fetchable.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "error.h"
#include "kb/kb.h"
#include "report.h"
#include "report_util.h"

#define SPDX_CONTEXT "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#define CREATION_INFO "_:creationinfo"
#define NOASSERTION "NOASSERTION"
#define NOASSERTION_LICENSE "expandedlicensing_NoAssertionLicense"

typedef struct sctx {
	const pdg_audit *a;
	int failed;
	pdg_kb *kb;
	char ns[96];
	char created[32];
	json_t *graph;
	json_t *elements;       /* spdxIds for SpdxDocument.element */
	json_t *orgs;           /* organisation name -> spdxId */
	json_t *licenses;       /* expression -> spdxId */
	json_t *customs;        /* LicenseRef id -> spdxId */
	size_t nrel;
	pdg_report_link *links;
	size_t nlinks;
	char **pkg;             /* spdxId per component */
} sctx;

#define check(c, v) pdg_json_check(&(c)->failed, (v))
#define set(c, o, k, v) pdg_json_set(&(c)->failed, (o), (k), (v))
#define append(c, arr, v) pdg_json_append(&(c)->failed, (arr), (v))
#define jstr(c, s) pdg_json_str(&(c)->failed, (s))

/* An spdxId: the namespace, a kind, and a readable tail made of the safe
 * characters of `name` (the number keeps distinct names distinct). */
static char *make_id(sctx *c, const char *kind, size_t n, const char *name)
{
	pdg_buf b = PDG_BUF_INIT;
	size_t kept = 0;

	pdg_buf_printf(&b, "%s%s-%zu", c->ns, kind, n);
	if (name && *name)
		pdg_buf_puts(&b, "-");
	for (const unsigned char *p = (const unsigned char *)(name ? name : "");
	     *p && kept < 48; p++) {
		char ch = (char)*p;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
			ch = '_';
		pdg_buf_put(&b, &ch, 1);
		kept++;
	}
	return b.ptr;
}

/* An element of the graph: type, spdxId, creationInfo; listed in the
 * document.  Returns the object to fill. */
static json_t *element(sctx *c, const char *type, const char *id)
{
	json_t *o = check(c, json_object());

	set(c, o, "type", jstr(c, type));
	set(c, o, "spdxId", jstr(c, id));
	set(c, o, "creationInfo", jstr(c, CREATION_INFO));
	append(c, c->graph, o);
	append(c, c->elements, jstr(c, id));
	return o;
}

static void relationship(sctx *c, const char *from, const char *type,
                         const char *to, const char *comment)
{
	char *id = make_id(c, "Relationship", ++c->nrel, type);
	json_t *o = element(c, "Relationship", id);
	json_t *tos = check(c, json_array());

	set(c, o, "from", jstr(c, from));
	set(c, o, "relationshipType", jstr(c, type));
	append(c, tos, jstr(c, to));
	set(c, o, "to", tos);
	if (comment)
		set(c, o, "comment", jstr(c, comment));
	free(id);
}

/* ---- agents --------------------------------------------------------------- */

static const char *organization(sctx *c, const char *name)
{
	json_t *known = json_object_get(c->orgs, name);

	if (known)
		return json_string_value(known);
	char *id = make_id(c, "Organization", json_object_size(c->orgs) + 1,
	                   name);
	json_t *o = element(c, "Organization", id);

	set(c, o, "name", jstr(c, name));
	if (strcmp(name, NOASSERTION) == 0)
		set(c, o, "comment", jstr(c, "pedigree does not know who "
		                          "supplies this package"));
	set(c, c->orgs, name, jstr(c, id));
	free(id);
	return json_string_value(json_object_get(c->orgs, name));
}

/* The catalogue's provider, else the organisation of a hub id
 * ("google/gemma-2-9b" is google's), else NOASSERTION. */
static const char *supplier(sctx *c, const pdg_component *x)
{
	const pdg_kb_provider *p = c->kb && x->provider
	                           ? pdg_kb_provider_find(c->kb, x->provider)
	                           : NULL;
	const char *slash = strchr(x->id, '/');

	if (p && p->name)
		return organization(c, p->name);
	if (slash && slash != x->id) {
		char *org = pdg_xstrndup(x->id, (size_t)(slash - x->id));
		const char *id = organization(c, org);

		free(org);
		return id;
	}
	return organization(c, NOASSERTION);
}

/* ---- licences ---------------------------------------------------------- */

/* The id as SPDX expression syntax allows: a LicenseRef- made from a hash
 * for anything that is not (a name from a hostile card, say). */
static char *expression_id(const char *id)
{
	if (pdg_report_license_form(id) != PDG_LICENSE_OTHER)
		return pdg_xstrdup(id);
	return pdg_xasprintf("LicenseRef-pedigree-%016llx",
	                     (unsigned long long)XXH3_64bits(id, strlen(id)));
}

static const pdg_comp_license *claim_of(const pdg_component *x,
                                        const char *id)
{
	for (size_t i = 0; i < x->nlicenses; i++)
		if (strcmp(x->licenses[i].id, id) == 0)
			return &x->licenses[i];
	return NULL;
}

/* A CustomLicense for a LicenseRef-: its name and where its text is;
 * pedigree never copies licence texts. */
static void custom_license(sctx *c, const char *ref, const char *orig,
                           const pdg_component *x)
{
	if (json_object_get(c->customs, ref))
		return;
	const pdg_kb_entry *e = c->kb ? pdg_kb_find(c->kb, orig) : NULL;
	const pdg_comp_license *l = x ? claim_of(x, orig) : NULL;
	char *id = make_id(c, "License", json_object_size(c->customs) + 1,
	                   ref);
	json_t *o = element(c, "expandedlicensing_CustomLicense", id);
	pdg_buf text = PDG_BUF_INIT;

	set(c, o, "name", jstr(c, e && e->name ? e->name
	                          : l && l->name ? l->name : orig));
	if (e) {
		pdg_buf_printf(&text, "%s. pedigree does not copy licence "
		               "texts", e->name ? e->name : orig);
		if (e->n_sources)
			pdg_buf_printf(&text, "; the text is published at %s",
			               e->sources[0]);
		pdg_buf_puts(&text, ".");
		json_t *see = check(c, json_array());
		for (size_t i = 0; i < e->n_sources; i++)
			append(c, see, jstr(c, e->sources[i]));
		set(c, o, "expandedlicensing_seeAlso", see);
	} else {
		pdg_buf_puts(&text, "A licence pedigree could not identify");
		if (l && l->path) {
			pdg_buf_printf(&text, "; it was found in %s", l->path);
			if (l->line)
				pdg_buf_printf(&text, ":%u", (unsigned)l->line);
			if (l->source)
				pdg_buf_printf(&text, " of %s", l->source);
		}
		pdg_buf_puts(&text, ". pedigree does not copy licence texts.");
	}
	set(c, o, "simplelicensing_licenseText", jstr(c, text.ptr));
	set(c, c->customs, ref, jstr(c, id));
	pdg_buf_free(&text);
	free(id);
}

/* The LicenseExpression element for an expression (one per distinct
 * expression), with its LicenseRef- ids mapped to CustomLicenses. */
static const char *license_element(sctx *c, const char *expr,
                                   const char *const *refs,
                                   const char *const *origs, size_t nrefs,
                                   const pdg_component *x)
{
	json_t *known = json_object_get(c->licenses, expr);

	if (known)
		return json_string_value(known);
	char *id = make_id(c, "LicenseExpression",
	                   json_object_size(c->licenses) + 1, NULL);
	json_t *o = element(c, "simplelicensing_LicenseExpression", id);
	json_t *map = check(c, json_array());

	set(c, o, "simplelicensing_licenseExpression", jstr(c, expr));
	for (size_t i = 0; i < nrefs; i++) {
		int dup = 0;

		for (size_t j = 0; j < i; j++)
			dup |= strcmp(refs[i], refs[j]) == 0;
		if (dup)
			continue;
		custom_license(c, refs[i], origs[i], x);
		json_t *d = check(c, json_object());
		set(c, d, "type", jstr(c, "DictionaryEntry"));
		set(c, d, "key", jstr(c, refs[i]));
		set(c, d, "value", jstr(c, json_string_value(
		        json_object_get(c->customs, refs[i]))));
		append(c, map, d);
	}
	if (json_array_size(map))
		set(c, o, "simplelicensing_customIdToUri", map);
	else
		json_decref(map);
	set(c, c->licenses, expr, jstr(c, id));
	free(id);
	return json_string_value(json_object_get(c->licenses, expr));
}

/* Join licence ids into one expression with `op`; NULL when none.  The
 * LicenseRef- ids it uses are collected for license_element(). */
typedef struct idset {
	const char *orig[64];
	char *expr[64];
	size_t n;
} idset;

static void idset_add(idset *s, const char *id)
{
	char *e = expression_id(id);

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->expr[i], e) == 0) {
			free(e);
			return;
		}
	if (s->n == sizeof(s->expr) / sizeof(s->expr[0])) {
		free(e);
		return;
	}
	s->orig[s->n] = id;
	s->expr[s->n++] = e;
}

static void idset_free(idset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->expr[i]);
}

static const char *idset_element(sctx *c, idset *s, const char *op,
                                 const pdg_component *x)
{
	pdg_buf b = PDG_BUF_INIT;
	const char *refs[64], *origs[64];
	size_t nrefs = 0;
	const char *id;

	if (!s->n)
		return NOASSERTION_LICENSE;
	for (size_t i = 0; i < s->n; i++) {
		int compound = pdg_report_license_form(s->expr[i]) ==
		               PDG_LICENSE_EXPRESSION && s->n > 1;

		pdg_buf_printf(&b, "%s%s%s%s", i ? op : "", compound ? "(" : "",
		               s->expr[i], compound ? ")" : "");
		if (strncmp(s->expr[i], "LicenseRef-", 11) == 0) {
			refs[nrefs] = s->expr[i];
			origs[nrefs++] = s->orig[i];
		}
	}
	id = license_element(c, b.ptr, refs, origs, nrefs, x);
	pdg_buf_free(&b);
	return id;
}

/* Declared: the licences the component's own files state.  Concluded:
 * what pedigree applies, i.e. every claim (the catalogue's for a
 * component known only by id, one of the family's candidates when the
 * checkpoint is unknown) and, for an audited model, the licences of the
 * upstreams it derives from (carry-license). */
static void add_licenses(sctx *c, size_t ci)
{
	const pdg_lineage *l = &c->a->lineage;
	const pdg_component *x = &l->components[ci];
	idset dec = { .n = 0 }, con = { .n = 0 };
	pdg_buf why = PDG_BUF_INIT;

	for (size_t i = 0; i < x->nlicenses; i++) {
		if (!pdg_report_license_concluded(&x->licenses[i]))
			idset_add(&dec, x->licenses[i].id);
		idset_add(&con, x->licenses[i].id);
	}
	for (size_t i = 0; i < l->nobligations; i++) {
		const pdg_obligation *o = &l->obligations[i];

		if (o->component != ci || strcmp(o->what, "carry-license"))
			continue;
		idset_add(&con, o->license);
		pdg_buf_printf(&why, "%s%s derives from %s, bound by %s",
		               why.len ? "; " : "", x->id,
		               l->components[o->upstream].id, o->license);
	}
	relationship(c, c->pkg[ci], "hasDeclaredLicense",
	             idset_element(c, &dec, " AND ", x),
	             dec.n ? "the licences the component's own files state"
	                   : "no file of the audit states one");
	if (!why.len)
		pdg_buf_puts(&why, x->candidates ? "the checkpoint is not in "
		             "the catalogue: one of its family's licences"
		             : "every licence claim pedigree found or its "
		               "catalogue holds");
	relationship(c, c->pkg[ci], "hasConcludedLicense",
	             idset_element(c, &con, x->candidates ? " OR " : " AND ",
	                           x), why.ptr);
	pdg_buf_free(&why);
	idset_free(&dec);
	idset_free(&con);
}

/* ---- packages -------------------------------------------------------- */

/* The Hugging Face address a hub id names ("org/name"); NOASSERTION for
 * an audited model (its files are local) or an id of another shape. */
static char *download_location(const pdg_component *x)
{
	const char *slash = strchr(x->id, '/');
	pdg_buf b = PDG_BUF_INIT;

	if (x->role == PDG_ROLE_MODEL || !slash || slash == x->id ||
	    !slash[1] || strchr(slash + 1, '/') || strpbrk(x->id, " \t<>\""))
		return pdg_xstrdup(NOASSERTION);
	pdg_buf_puts(&b, x->role == PDG_ROLE_DATASET
	             ? "https://huggingface.co/datasets/"
	             : "https://huggingface.co/");
	pdg_report_put_uri(&b, x->id);
	return b.ptr;
}

/* "fine-tuned from ...; distilled from ...; trained on outputs of ...;
 * trained on the dataset ..." for a model's upstream links. */
static char *training_text(sctx *c, size_t ci)
{
	const pdg_lineage *l = &c->a->lineage;
	pdg_buf b = PDG_BUF_INIT;

	for (size_t k = 0; k < c->nlinks; k++) {
		const pdg_report_link *x = &c->links[k];

		if (x->from != ci)
			continue;
		pdg_buf_puts(&b, b.len ? "; " : "");
		pdg_report_put_types(&b, x->types, ", ");
		pdg_buf_puts(&b, ": ");
		pdg_buf_puts(&b, l->components[x->to].id);
		if (!x->declared)
			pdg_buf_puts(&b, " (not declared in the model card)");
	}
	if (!b.len) {
		pdg_buf_free(&b);
		return NULL;
	}
	return b.ptr;
}

/* The conflicts pedigree found on the component, one sentence each. */
static char *conflicts_text(const pdg_audit *a, const char *id)
{
	pdg_buf b = PDG_BUF_INIT;

	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];

		if (f->kind != PDG_FINDING_CONFLICT || !f->component ||
		    strcmp(f->component, id) != 0)
			continue;
		pdg_buf_printf(&b, "%sPDG-%04zu %s (%s): %s", b.len ? "\n" : "",
		               i + 1, f->rule, pdg_verdict_name(f->verdict),
		               f->message);
	}
	if (!b.len) {
		pdg_buf_free(&b);
		return NULL;
	}
	return b.ptr;
}

static void add_package(sctx *c, size_t ci)
{
	const pdg_audit *a = c->a;
	const pdg_component *x = &a->lineage.components[ci];
	int dataset = x->role == PDG_ROLE_DATASET;
	const char *sup = supplier(c, x);
	json_t *o = element(c, dataset ? "dataset_DatasetPackage"
	                               : "ai_AIPackage", c->pkg[ci]);
	char *dl = download_location(x);
	char *training = dataset ? NULL : training_text(c, ci);
	char *conflicts = conflicts_text(a, x->id);

	set(c, o, "name", jstr(c, x->id));
	set(c, o, "suppliedBy", jstr(c, sup));
	set(c, o, "releaseTime", jstr(c, c->created));
	set(c, o, "software_downloadLocation", jstr(c, dl));
	set(c, o, "software_packageVersion", jstr(c, NOASSERTION));
	set(c, o, "software_primaryPurpose", jstr(c, dataset ? "data"
	                                                     : "model"));
	if (dataset) {
		json_t *types = check(c, json_array());
		json_t *by = check(c, json_array());

		set(c, o, "builtTime", jstr(c, c->created));
		append(c, by, jstr(c, sup));
		set(c, o, "originatedBy", by);
		append(c, types, jstr(c, "noAssertion"));
		set(c, o, "dataset_datasetType", types);
	} else {
		const pdg_finding *arch = pdg_report_find(a, x->id,
		                                          "weights.architecture");
		if (arch) {
			json_t *t = check(c, json_array());
			append(c, t, jstr(c, arch->subject));
			set(c, o, "ai_typeOfModel", t);
		}
		if (training)
			set(c, o, "ai_informationAboutTraining",
			    jstr(c, training));
	}
	if (x->role == PDG_ROLE_MODEL && a->policy) {
		char *use = pdg_xasprintf("judged by the pedigree policy %s "
		                          "(%s)", pdg_policy_name(a->policy),
		                          pdg_policy_file(a->policy));
		if (!dataset)
			set(c, o, "ai_informationAboutApplication",
			    jstr(c, use));
		free(use);
	}
	if (x->source)
		set(c, o, "software_sourceInfo", jstr(c, x->source));
	if (conflicts)
		set(c, o, "comment", jstr(c, conflicts));
	free(dl);
	free(training);
	free(conflicts);
}

static void add_lineage(sctx *c)
{
	for (size_t k = 0; k < c->nlinks; k++) {
		const pdg_report_link *x = &c->links[k];
		uint32_t derive = x->types & ~(1u << PDG_EDGE_DATASET);
		pdg_buf types = PDG_BUF_INIT;

		if (derive) {
			pdg_report_put_types(&types, derive, ", ");
			pdg_buf_puts(&types, x->declared ? "" : "; not declared "
			             "in the model card");
			relationship(c, c->pkg[x->from], "descendantOf",
			             c->pkg[x->to], types.ptr);
			pdg_buf_free(&types);
		}
		if (x->types & (1u << PDG_EDGE_DATASET))
			relationship(c, c->pkg[x->from], "trainedOn",
			             c->pkg[x->to], x->declared ? "dataset"
			             : "dataset; not declared in the model card");
	}
}

/* ---- document ----------------------------------------------------------- */

static json_t *creation_info(sctx *c, const char *agent, const char *tool)
{
	json_t *o = check(c, json_object());
	json_t *by = check(c, json_array());
	json_t *using = check(c, json_array());

	set(c, o, "type", jstr(c, "CreationInfo"));
	set(c, o, "@id", jstr(c, CREATION_INFO));
	set(c, o, "specVersion", jstr(c, "3.0.1"));
	set(c, o, "created", jstr(c, c->created));
	append(c, by, jstr(c, agent));
	set(c, o, "createdBy", by);
	append(c, using, jstr(c, tool));
	set(c, o, "createdUsing", using);
	set(c, o, "comment", jstr(c, "pedigree never reads the clock: created "
	    "is $SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z. The audit "
	    "cannot know when a package was built or released; the builtTime "
	    "and releaseTime the AI and Dataset profiles require are set to "
	    "this same instant."));
	return o;
}

static void add_document(sctx *c, json_t *roots)
{
	const pdg_audit *a = c->a;
	size_t v[PDG_VERDICT_FAIL + 1];
	char *id = make_id(c, "SpdxDocument", 1, NULL);
	json_t *o = check(c, json_object());
	json_t *profiles = check(c, json_array());
	static const char *const conform[] = {
		"core", "software", "simpleLicensing", "expandedLicensing",
		"ai", "dataset",
	};
	char *comment;

	pdg_report_count_verdicts(a, v);
	comment = pdg_xasprintf("pedigree %s audit: %s under the policy %s: "
	                        "%zu fail, %zu warn, %zu pass",
	                        PDG_VERSION, a->failed ? "FAIL" : "PASS",
	                        a->policy ? pdg_policy_name(a->policy) : "-",
	                        v[PDG_VERDICT_FAIL], v[PDG_VERDICT_WARN],
	                        v[PDG_VERDICT_PASS]);
	set(c, o, "type", jstr(c, "SpdxDocument"));
	set(c, o, "spdxId", jstr(c, id));
	set(c, o, "creationInfo", jstr(c, CREATION_INFO));
	set(c, o, "name", jstr(c, "pedigree audit"));
	set(c, o, "comment", jstr(c, comment));
	for (size_t i = 0; i < sizeof(conform) / sizeof(*conform); i++)
		append(c, profiles, jstr(c, conform[i]));
	set(c, o, "profileConformance", profiles);
	set(c, o, "rootElement", roots);
	set(c, o, "element", json_incref(c->elements));
	/* The document goes first after the CreationInfo, for readers. */
	if (json_array_insert_new(c->graph, 1, o) != 0)
		c->failed = 1;
	free(comment);
	free(id);
}

int pdg_report_write_spdx(const pdg_audit *a, FILE *out)
{
	const pdg_lineage *l = &a->lineage;
	sctx c;
	char digest[33];
	int64_t epoch;
	int rc;

	memset(&c, 0, sizeof(c));
	c.a = a;
	if ((rc = pdg_report_epoch(&epoch)) < 0 ||
	    (rc = pdg_report_digest(a, digest)) < 0)
		return rc;
	pdg_report_iso8601(c.created, sizeof(c.created), epoch);
	snprintf(c.ns, sizeof(c.ns), "https://pedigree.invalid/spdx/%s/",
	         digest);
	if (pdg_kb_load_default(&c.kb) < 0)
		c.kb = NULL;
	c.graph = check(&c, json_array());
	c.elements = check(&c, json_array());
	c.orgs = check(&c, json_object());
	c.licenses = check(&c, json_object());
	c.customs = check(&c, json_object());
	c.nlinks = pdg_report_links(l, &c.links);
	c.pkg = pdg_xcalloc(l->ncomponents + 1, sizeof(*c.pkg));

	char *agent = make_id(&c, "SoftwareAgent", 1, "pedigree");
	char *tool = make_id(&c, "Tool", 1, "pedigree");
	append(&c, c.graph, creation_info(&c, agent, tool));
	set(&c, element(&c, "SoftwareAgent", agent), "name",
	    jstr(&c, "pedigree"));
	set(&c, element(&c, "Tool", tool), "name",
	    jstr(&c, "pedigree " PDG_VERSION));
	json_t *roots = check(&c, json_array());
	for (size_t i = 0; i < l->ncomponents; i++) {
		c.pkg[i] = make_id(&c, l->components[i].role == PDG_ROLE_DATASET
		                   ? "DatasetPackage" : "AIPackage", i + 1,
		                   l->components[i].id);
		if (l->components[i].role == PDG_ROLE_MODEL)
			append(&c, roots, jstr(&c, c.pkg[i]));
	}
	for (size_t i = 0; i < l->ncomponents; i++)
		add_package(&c, i);
	for (size_t i = 0; i < l->ncomponents; i++)
		add_licenses(&c, i);
	add_lineage(&c);
	add_document(&c, roots);

	json_t *root = check(&c, json_object());
	set(&c, root, "@context", jstr(&c, SPDX_CONTEXT));
	set(&c, root, "@graph", c.graph);
	for (size_t i = 0; i < l->ncomponents; i++)
		free(c.pkg[i]);
	free(c.pkg);
	free(c.links);
	free(agent);
	free(tool);
	json_decref(c.elements);
	json_decref(c.orgs);
	json_decref(c.licenses);
	json_decref(c.customs);
	pdg_kb_free(c.kb);
	return pdg_report_dump_json(root, c.failed, out);
}
