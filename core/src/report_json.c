/* report_json.c - the machine-readable report (docs/report.md).
 *
 * The whole document is built as a jansson tree and dumped with sorted keys
 * so that the same audit always gives the same bytes.  Strings that come
 * from the input (file names, messages) may be any bytes; JSON needs
 * UTF-8, so ill-formed sequences are replaced byte by byte with U+FFFD.
 * Control characters need nothing: JSON escapes them (\u0001).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "report.h"
#include "report_util.h"

/* Building state: any failed jansson call sets `failed` so the builders
 * stay linear instead of checking every call (report_util.h). */
typedef struct jctx {
	const pdg_audit *a;
	int failed;
} jctx;

#define check(c, v) pdg_json_check(&(c)->failed, (v))
#define set(c, o, k, v) pdg_json_set(&(c)->failed, (o), (k), (v))
#define append(c, arr, v) pdg_json_append(&(c)->failed, (arr), (v))
#define jstr(c, s) pdg_json_str(&(c)->failed, (s))
#define jint(c, n) pdg_json_int(&(c)->failed, (n))

static void set_str_opt(jctx *c, json_t *obj, const char *key,
                        const char *s)
{
	if (s)
		set(c, obj, key, jstr(c, s));
}

static int cmp_artifact(const void *pa, const void *pb)
{
	const pdg_audit_artifact *const *pa_ = pa, *const *pb_ = pb;
	const pdg_audit_artifact *a = *pa_, *b = *pb_;
	int c = strcmp(a->source ? a->source : "", b->source ? b->source : "");

	if (c == 0)
		c = strcmp(a->path ? a->path : "", b->path ? b->path : "");
	if (c == 0)
		c = strcmp(a->commit ? a->commit : "",
		           b->commit ? b->commit : "");
	if (c == 0 && a->kind != b->kind)
		c = a->kind < b->kind ? -1 : 1;
	return c;
}

static const char *plugin_name(const pdg_audit_plugin *p)
{
	return p->plugin && p->plugin->name ? p->plugin->name : "";
}

static int cmp_plugin(const void *pa, const void *pb)
{
	const pdg_audit_plugin *const *a = pa, *const *b = pb;

	return strcmp(plugin_name(*a), plugin_name(*b));
}

static json_t *build_summary(jctx *c)
{
	const pdg_audit *a = c->a;
	uint64_t files = 0;
	size_t sev[PDG_SEVERITY_ERROR + 1] = { 0 };
	size_t kinds[PDG_FINDING_KIND_COUNT_] = { 0 };
	json_t *o = check(c, json_object());
	json_t *bs = check(c, json_object());
	json_t *bk = check(c, json_object());

	for (size_t i = 0; i < a->nsources; i++)
		files += a->sources[i].artifacts;
	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];

		if ((unsigned)f->severity <= PDG_SEVERITY_ERROR)
			sev[f->severity]++;
		if ((unsigned)f->kind < PDG_FINDING_KIND_COUNT_)
			kinds[f->kind]++;
	}
	for (unsigned s = 0; s <= PDG_SEVERITY_ERROR && bs; s++)
		set(c, bs, pdg_severity_name((pdg_severity)s),
		    jint(c, sev[s]));
	for (unsigned k = 0; k < PDG_FINDING_KIND_COUNT_ && bk; k++)
		set(c, bk, pdg_finding_kind_name((pdg_finding_kind)k),
		    jint(c, kinds[k]));
	if (!o) {
		json_decref(bs);
		json_decref(bk);
		return NULL;
	}
	set(c, o, "sources", jint(c, a->nsources));
	set(c, o, "artifacts", jint(c, files));
	set(c, o, "findings", jint(c, a->findings.len));
	set(c, o, "by_severity", bs);
	set(c, o, "by_kind", bk);
	return o;
}

static json_t *build_source(jctx *c, const pdg_audit_source *s)
{
	json_t *o = check(c, json_object());
	json_t *kinds = check(c, json_object());

	for (unsigned k = 0; k < PDG_KIND_COUNT_ && kinds; k++)
		if (s->kind_counts[k])
			set(c, kinds,
			    pdg_artifact_kind_name((pdg_artifact_kind)k),
			    jint(c, s->kind_counts[k]));
	if (!o) {
		json_decref(kinds);
		return NULL;
	}
	set(c, o, "path", jstr(c, s->path));
	set(c, o, "type", jstr(c, pdg_source_type_name(s->type)));
	set_str_opt(c, o, "commit", s->commit);
	set(c, o, "component", jstr(c, s->component));
	set(c, o, "artifacts", jint(c, s->artifacts));
	set(c, o, "kinds", kinds);
	return o;
}

static json_t *build_sources(jctx *c)
{
	json_t *arr = check(c, json_array());

	/* Kept in the order the user gave them: that order means something. */
	for (size_t i = 0; arr && i < c->a->nsources; i++)
		append(c, arr, build_source(c, &c->a->sources[i]));
	return arr;
}

static json_t *build_license(jctx *c, const pdg_comp_license *l)
{
	json_t *o = check(c, json_object());

	if (!o)
		return NULL;
	set(c, o, "id", jstr(c, l->id));
	set(c, o, "name", l->name ? jstr(c, l->name) : json_null());
	set(c, o, "origin", jstr(c, l->origin));
	set(c, o, "path", l->path ? jstr(c, l->path) : json_null());
	set(c, o, "line", l->line ? jint(c, l->line) : json_null());
	return o;
}

static json_t *build_component(jctx *c, const pdg_component *x)
{
	json_t *o = check(c, json_object());
	json_t *lic = check(c, json_array());

	if (!o || !lic) {
		json_decref(o);
		json_decref(lic);
		return NULL;
	}
	set(c, o, "id", jstr(c, x->id));
	set(c, o, "role", jstr(c, pdg_component_role_name(x->role)));
	set(c, o, "source", x->source ? jstr(c, x->source) : json_null());
	set(c, o, "provider", x->provider ? jstr(c, x->provider)
	                                  : json_null());
	set(c, o, "license_candidates", json_boolean(x->candidates));
	for (size_t i = 0; i < x->nlicenses; i++)
		append(c, lic, build_license(c, &x->licenses[i]));
	set(c, o, "licenses", lic);
	return o;
}

/* Components in graph order: inputs first, then upstreams as found. */
static json_t *build_components(jctx *c)
{
	const pdg_lineage *l = &c->a->lineage;
	json_t *arr = check(c, json_array());

	for (size_t i = 0; arr && i < l->ncomponents; i++)
		append(c, arr, build_component(c, &l->components[i]));
	return arr;
}

static json_t *build_edge(jctx *c, const pdg_edge *e)
{
	const pdg_lineage *l = &c->a->lineage;
	json_t *o = check(c, json_object());
	json_t *ev = check(c, json_array());

	if (!o || !ev) {
		json_decref(o);
		json_decref(ev);
		return NULL;
	}
	set(c, o, "from", jstr(c, l->components[e->from].id));
	set(c, o, "to", jstr(c, l->components[e->to].id));
	set(c, o, "type", jstr(c, pdg_edge_type_name(e->type)));
	set(c, o, "declared", json_boolean(e->declared));
	set(c, o, "declared_at", e->declared_at ? jstr(c, e->declared_at)
	                                        : json_null());
	for (size_t i = 0; i < e->nevidence; i++) {
		const pdg_edge_evidence *v = &e->evidence[i];
		json_t *x = check(c, json_object());
		if (!x)
			break;
		set(c, x, "rule", jstr(c, v->rule));
		set(c, x, "message", jstr(c, v->detail));
		set_str_opt(c, x, "path", v->path);
		set_str_opt(c, x, "commit", v->commit);
		set(c, x, "line", v->line ? jint(c, v->line) : json_null());
		append(c, ev, x);
	}
	set(c, o, "evidence", ev);
	return o;
}

static json_t *build_edges(jctx *c)
{
	const pdg_lineage *l = &c->a->lineage;
	json_t *arr = check(c, json_array());

	for (size_t i = 0; arr && i < l->nedges; i++)
		append(c, arr, build_edge(c, &l->edges[i]));
	return arr;
}

static json_t *build_obligation(jctx *c, const pdg_obligation *o)
{
	const pdg_lineage *l = &c->a->lineage;
	json_t *x = check(c, json_object());
	json_t *edges = check(c, json_array());

	if (!x || !edges) {
		json_decref(x);
		json_decref(edges);
		return NULL;
	}
	set(c, x, "component", jstr(c, l->components[o->component].id));
	set(c, x, "upstream", jstr(c, l->components[o->upstream].id));
	set(c, x, "license", jstr(c, o->license));
	set(c, x, "kind", jstr(c, o->kind));
	set(c, x, "obligation", jstr(c, o->what));
	set(c, x, "value", o->value ? jstr(c, o->value) : json_null());
	set(c, x, "text", o->text ? jstr(c, o->text) : json_null());
	for (int t = 0; t < PDG_EDGE_COUNT_; t++)
		if (o->edges & (1u << t))
			append(c, edges, jstr(c, pdg_edge_type_name(
			        (pdg_edge_type)t)));
	set(c, x, "edges", edges);
	set(c, x, "status", jstr(c, pdg_obligation_status_name(o->status)));
	set(c, x, "note", o->note ? jstr(c, o->note) : json_null());
	set(c, x, "path", o->path ? jstr(c, o->path) : json_null());
	set(c, x, "line", o->line ? jint(c, o->line) : json_null());
	set(c, x, "rule", o->rule ? jstr(c, o->rule) : json_null());
	return x;
}

static json_t *build_obligations(jctx *c)
{
	const pdg_lineage *l = &c->a->lineage;
	json_t *arr = check(c, json_array());

	for (size_t i = 0; arr && i < l->nobligations; i++)
		append(c, arr, build_obligation(c, &l->obligations[i]));
	return arr;
}

static json_t *build_artifact(jctx *c, const pdg_audit_artifact *x)
{
	json_t *o = check(c, json_object());

	if (!o)
		return NULL;
	set(c, o, "source", jstr(c, x->source));
	set(c, o, "path", jstr(c, x->path));
	set(c, o, "kind", jstr(c, pdg_artifact_kind_name(x->kind)));
	set(c, o, "size", jint(c, x->size));
	set_str_opt(c, o, "commit", x->commit);
	if (x->lfs_oid) {
		json_t *lfs = check(c, json_object());

		if (lfs) {
			set(c, lfs, "oid", jstr(c, x->lfs_oid));
			set(c, lfs, "size", jint(c, x->lfs_size));
		}
		set(c, o, "lfs", lfs);
	}
	return o;
}

static json_t *build_artifacts(jctx *c)
{
	const pdg_audit *a = c->a;
	const pdg_audit_artifact **v = pdg_xcalloc(a->nartifacts + 1,
	                                           sizeof(*v));
	json_t *arr = check(c, json_array());

	for (size_t i = 0; i < a->nartifacts; i++)
		v[i] = &a->artifacts[i];
	qsort(v, a->nartifacts, sizeof(*v), cmp_artifact);
	for (size_t i = 0; arr && i < a->nartifacts; i++)
		append(c, arr, build_artifact(c, v[i]));
	free(v);
	return arr;
}

static json_t *build_plugin(jctx *c, const pdg_audit_plugin *p)
{
	json_t *o = check(c, json_object());

	if (!o)
		return NULL;
	set(c, o, "name", jstr(c, plugin_name(p)));
	if (p->init_failed)
		set(c, o, "error", jstr(c, p->init_error ? p->init_error
		                                          : "init failed"));
	else
		set(c, o, "version",
		    jstr(c, p->plugin && p->plugin->version
		            ? p->plugin->version : ""));
	return o;
}

static json_t *build_plugins(jctx *c)
{
	const pdg_audit *a = c->a;
	const pdg_audit_plugin **v = pdg_xcalloc(a->nactive + 1, sizeof(*v));
	json_t *arr = check(c, json_array());

	for (size_t i = 0; i < a->nactive; i++)
		v[i] = &a->active[i];
	qsort(v, a->nactive, sizeof(*v), cmp_plugin);
	for (size_t i = 0; arr && i < a->nactive; i++)
		append(c, arr, build_plugin(c, v[i]));
	free(v);
	return arr;
}

static json_t *build_evidence(jctx *c, const pdg_finding *f)
{
	json_t *o = check(c, json_object());

	if (!o)
		return NULL;
	set_str_opt(c, o, "source", f->source);
	set_str_opt(c, o, "path", f->path);
	set_str_opt(c, o, "commit", f->commit);
	if (f->line_start > 0) {
		uint32_t end = f->line_end < f->line_start ? f->line_start
		                                           : f->line_end;

		set(c, o, "line_start", jint(c, f->line_start));
		set(c, o, "line_end", jint(c, end));
	}
	if (f->byte_offset >= 0)
		set(c, o, "byte_offset", jint(c, (uint64_t)f->byte_offset));
	return o;
}

/* The store validated properties as a JSON object when the finding was
 * added; a failure here is an engine bug, reported rather than hidden. */
static json_t *parse_properties(jctx *c, const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return check(c, v);
}

static json_t *build_finding(jctx *c, const pdg_finding *f, size_t idx)
{
	json_t *o = check(c, json_object());
	char id[32];

	if (!o)
		return NULL;
	snprintf(id, sizeof(id), "PDG-%04zu", idx + 1);
	set(c, o, "id", jstr(c, id));
	set(c, o, "kind", jstr(c, pdg_finding_kind_name(f->kind)));
	set(c, o, "severity", jstr(c, pdg_severity_name(f->severity)));
	set(c, o, "confidence", check(c, json_real(f->confidence)));
	set(c, o, "rule", jstr(c, f->rule));
	set(c, o, "message", jstr(c, f->message));
	set_str_opt(c, o, "subject", f->subject);
	set(c, o, "component", jstr(c, f->component));
	set(c, o, "plugin", jstr(c, f->plugin ? f->plugin : "core"));
	set(c, o, "evidence", build_evidence(c, f));
	if (f->properties)
		set(c, o, "properties", parse_properties(c, f->properties));
	json_t *v = check(c, json_object());
	if (v) {
		set(c, v, "result", jstr(c, pdg_verdict_name(f->verdict)));
		set(c, v, "reason", jstr(c, f->verdict_reason
		                         ? f->verdict_reason : "not judged"));
	}
	set(c, o, "verdict", v);
	return o;
}

static json_t *build_findings(jctx *c)
{
	json_t *arr = check(c, json_array());

	/* The store is sorted by pdg_audit_finish(); ids follow that order. */
	for (size_t i = 0; arr && i < c->a->findings.len; i++)
		append(c, arr, build_finding(c, &c->a->findings.items[i], i));
	return arr;
}

static json_t *build_tool(jctx *c)
{
	json_t *o = check(c, json_object());

	if (o) {
		set(c, o, "name", jstr(c, "pedigree"));
		set(c, o, "version", jstr(c, PDG_VERSION));
	}
	return o;
}

static json_t *build_report(jctx *c)
{
	json_t *root = check(c, json_object());

	if (!root)
		return NULL;
	set(c, root, "schema", jstr(c, "pedigree-report"));
	set(c, root, "schema_version", jint(c, PDG_REPORT_SCHEMA_VERSION));
	set(c, root, "tool", build_tool(c));
	set(c, root, "verdict", jstr(c, c->a->failed ? "fail" : "pass"));
	json_t *pol = c->a->policy ? check(c, json_object()) : json_null();
	if (pol && c->a->policy) {
		set(c, pol, "name", jstr(c, pdg_policy_name(c->a->policy)));
		set(c, pol, "file", jstr(c, pdg_policy_file(c->a->policy)));
	}
	set(c, root, "policy", pol);
	set(c, root, "summary", build_summary(c));
	set(c, root, "sources", build_sources(c));
	set(c, root, "components", build_components(c));
	set(c, root, "edges", build_edges(c));
	set(c, root, "obligations", build_obligations(c));
	set(c, root, "artifacts", build_artifacts(c));
	set(c, root, "plugins", build_plugins(c));
	set(c, root, "findings", build_findings(c));
	return root;
}

int pdg_report_write_json(const pdg_audit *a, FILE *out)
{
	jctx c = { a, 0 };
	json_t *root = build_report(&c);

	return pdg_report_dump_json(root, c.failed, out);
}
