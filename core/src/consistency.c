/* consistency.c - where a repository contradicts itself.
 *
 * Detectors report what each file claims: the model card's licence tag,
 * the text of LICENSE, the weights' metadata.  This pass compares the
 * claims made about one component and reports disagreements as conflict
 * findings that cite every claim.  It reads findings only, so it works
 * whichever plugins produced them.
 *
 * Claims have a scope (docs/report.md): the code, the weights, the data,
 * or the model as a whole.  Code and weights licensed apart are common
 * (LICENSE = Apache-2.0 for the code, MODEL_LICENSE or the card's tag for
 * the weights) and are reported as a split, not a conflict; claims about
 * the same part that disagree are still a conflict.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "consistency.h"
#include "kb/kb.h"
#include "license/license.h"
#include "util.h"

/* Which findings are licence claims, and where they come from. */
struct claim_rule {
	const char *rule;
	const char *origin;     /* "model card", "licence file", "weights" */
	int raw_tag;            /* subject is a hub tag, not an id */
	pdg_license_scope scope;/* when the finding does not say */
};

static const struct claim_rule claim_rules[] = {
	{ "card.license", "model card", 0, PDG_SCOPE_MODEL },
	{ "license.detected", "licence file", 0, PDG_SCOPE_MODEL },
	{ "weights.license", "weights metadata", 1, PDG_SCOPE_WEIGHTS },
};

typedef struct claim {
	const pdg_finding *f;
	const struct claim_rule *r;
	char *id;               /* normalised id */
	pdg_license_scope scope;
	const char *inferred;   /* why the scope was narrowed, or NULL */
} claim;

/* The groups claims are compared in. */
enum group { G_CODE, G_WEIGHTS, G_DATA, G_COUNT };

static enum group group_of(pdg_license_scope s)
{
	return s == PDG_SCOPE_CODE ? G_CODE :
	       s == PDG_SCOPE_DATA ? G_DATA : G_WEIGHTS;
}

static char *claim_id(const pdg_kb *kb, const struct claim_rule *r,
                      const char *subject)
{
	if (!subject || !*subject)
		return NULL;
	if (r->raw_tag) {
		const pdg_kb_entry *e = kb ? pdg_kb_find_hf(kb, subject, NULL)
		                           : NULL;
		/* "other" and unknown tags carry no comparable identity. */
		return e ? pdg_xstrdup(e->id) : NULL;
	}
	if (strcmp(subject, "LicenseRef-unknown") == 0)
		return NULL;
	return pdg_xstrdup(subject);
}

/* The scope a finding states in its properties, else the rule's (for a
 * licence file, its name's). */
static pdg_license_scope claim_scope(const pdg_finding *f,
                                     const struct claim_rule *r)
{
	pdg_license_scope s = r->scope;
	json_t *p = f->properties ? json_loads(f->properties, 0, NULL) : NULL;
	const char *name = json_string_value(json_object_get(p, "scope"));

	if (!name || pdg_license_scope_parse(&s, name) < 0) {
		s = r->scope;
		if (strcmp(r->rule, "license.detected") == 0)
			s = pdg_license_scope_of_path(f->path);
	}
	json_decref(p);
	return s;
}

static const struct claim_rule *rule_of(const pdg_finding *f)
{
	for (size_t r = 0; r < sizeof(claim_rules) / sizeof(*claim_rules);
	     r++) {
		if (strcmp(f->rule, claim_rules[r].rule) != 0)
			continue;
		if (strcmp(f->rule, "license.detected") == 0 &&
		    (f->kind != PDG_FINDING_LICENSE ||
		     !pdg_license_path_is_claim(f->path)))
			return NULL;   /* use policies, NOTICE, subfolders */
		if (strcmp(f->rule, "card.license") == 0 && f->path &&
		    strchr(f->path, '/'))
			return NULL;
		return &claim_rules[r];
	}
	return NULL;
}

static void collect(claim **out, size_t *n, const pdg_findings *fs,
                    const char *component, const pdg_kb *kb)
{
	claim *cs = NULL;
	size_t len = 0;

	for (size_t i = 0; i < fs->len; i++) {
		const pdg_finding *f = &fs->items[i];
		const struct claim_rule *r;
		char *id;

		if (strcmp(f->component, component) != 0 ||
		    !(r = rule_of(f)) || !(id = claim_id(kb, r, f->subject)))
			continue;
		cs = pdg_xrealloc(cs, (len + 1) * sizeof(*cs));
		cs[len].f = f;
		cs[len].r = r;
		cs[len].id = id;
		cs[len].scope = claim_scope(f, r);
		cs[len].inferred = NULL;
		len++;
	}
	*out = cs;
	*n = len;
}

/* A licence for software (Apache-2.0, MIT, GPL...), as opposed to a model
 * licence, a content or data licence (Creative Commons, ODC, CDLA) or
 * terms: only a software licence can be "the code's licence" beside
 * another licence for the weights. */
static int is_software_id(const pdg_kb *kb, const char *id)
{
	static const char *const content[] = {
		"CC-", "CC0-", "ODC-", "ODbL-", "PDDL-", "CDLA-", "OPUBL-",
		"LicenseRef-", "DocumentRef-",
	};
	const pdg_kb_entry *e = kb ? pdg_kb_find(kb, id) : NULL;

	if (e)
		return e->kind == PDG_KB_OPEN_SOURCE &&
		       strcmp(e->family, "cc") != 0 &&
		       strcmp(e->family, "odc") != 0 &&
		       strcmp(e->family, "cdla") != 0;
	for (size_t i = 0; i < sizeof(content) / sizeof(*content); i++)
		if (pdg_starts_with_ci(id, content[i]))
			return 0;
	return 1;
}

/* An SPDX expression is a software licence when every operand is. */
static int is_software(const pdg_kb *kb, const char *id)
{
	pdg_spdx_expr *e = NULL;
	int ok = 1;

	if (!strchr(id, ' '))
		return is_software_id(kb, id);
	if (pdg_spdx_parse(&e, id, strlen(id)) < 0) {
		pdg_spdx_expr_free(e);
		return 0;
	}
	for (size_t i = 0; i < pdg_spdx_expr_license_count(e) && ok; i++)
		ok = is_software_id(kb, pdg_spdx_expr_license(e, i));
	pdg_spdx_expr_free(e);
	return ok;
}

/* A LICENSE that names no part speaks for the code when the weights have
 * a licence of their own: a weights licence file (MODEL_LICENSE,
 * LICENSE-MODEL), or a software licence beside a model, content or data
 * licence that a card, the weights or a licence file gives the model. */
static void narrow_scopes(claim *cs, size_t n, const pdg_kb *kb)
{
	int weights_file = 0, model_licence = 0;

	for (size_t i = 0; i < n; i++) {
		if (cs[i].scope == PDG_SCOPE_WEIGHTS &&
		    cs[i].r->scope == PDG_SCOPE_MODEL &&
		    strcmp(cs[i].r->rule, "license.detected") == 0)
			weights_file = 1;
		if ((cs[i].scope == PDG_SCOPE_MODEL ||
		     cs[i].scope == PDG_SCOPE_WEIGHTS) &&
		    !is_software(kb, cs[i].id))
			model_licence = 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (cs[i].scope != PDG_SCOPE_MODEL ||
		    strcmp(cs[i].r->rule, "license.detected") != 0)
			continue;
		if (weights_file)
			cs[i].inferred = "a licence file names the weights' "
			                 "licence";
		else if (model_licence && is_software(kb, cs[i].id))
			cs[i].inferred = "a software licence beside a model "
			                 "licence for the weights";
		if (cs[i].inferred)
			cs[i].scope = PDG_SCOPE_CODE;
	}
}

/* An SPDX expression claim ("MIT OR Apache-2.0") agrees with any of its
 * operands: a dual-licensed LICENSE file and a card naming one of them do
 * not contradict each other. */
static int agree(const char *a, const char *b)
{
	if (strcasecmp(a, b) == 0)
		return 1;
	if (strstr(a, " OR ") && strstr(a, b))
		return 1;
	if (strstr(b, " OR ") && strstr(b, a))
		return 1;
	return 0;
}

static json_t *claim_json(const claim *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "license", json_string(c->id));
	json_object_set_new(o, "origin", json_string(c->r->origin));
	json_object_set_new(o, "scope",
	                    json_string(pdg_license_scope_name(c->scope)));
	if (c->inferred)
		json_object_set_new(o, "scope_reason",
		                    json_string(c->inferred));
	if (c->f->path)
		json_object_set_new(o, "path", json_string(c->f->path));
	if (c->f->line_start)
		json_object_set_new(o, "line",
		                    json_integer(c->f->line_start));
	return o;
}

static void add_core_finding(pdg_findings *fs, const char *component,
                             const char *source, const claim *cite,
                             pdg_finding_kind kind, pdg_severity sev,
                             const char *rule, const char *msg,
                             const char *subject, json_t *props)
{
	char *text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
	pdg_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.severity = sev;
	f.confidence = 1.0;
	f.rule = rule;
	f.message = msg;
	f.subject = subject;
	f.component = component;
	f.plugin = "core";
	f.source = source;
	f.path = cite->f->path;
	f.commit = cite->f->commit;
	f.line_start = cite->f->line_start;
	f.line_end = cite->f->line_end;
	f.byte_offset = -1;
	f.properties = text;
	/* Core findings are well-formed by construction. */
	(void)pdg_findings_add(fs, &f);
	free(text);
}

static const char *group_name(const claim *cs, size_t n, enum group g)
{
	if (g == G_CODE)
		return "code";
	if (g == G_DATA)
		return "data";
	for (size_t i = 0; i < n; i++)
		if (group_of(cs[i].scope) == g &&
		    cs[i].scope == PDG_SCOPE_WEIGHTS)
			return "weights";
	return "model";
}

/* Claims of group g that disagree: one conflict citing every one. */
static void report_conflict(pdg_findings *fs, const char *component,
                            const char *source, const claim *cs, size_t n,
                            enum group g)
{
	json_t *props = json_object(), *arr = json_array();
	pdg_buf msg = PDG_BUF_INIT;
	const char *what = group_name(cs, n, g);
	const claim *first = NULL;
	size_t k = 0;

	/* "model": the claims name no part; say nothing more. */
	pdg_buf_printf(&msg, "the repository names different licences%s%s:",
	               strcmp(what, "model") ? " for the " : "",
	               strcmp(what, "model") ? what : "");
	for (size_t i = 0; i < n; i++) {
		if (group_of(cs[i].scope) != g)
			continue;
		first = first ? first : &cs[i];
		json_array_append_new(arr, claim_json(&cs[i]));
		pdg_buf_printf(&msg, "%s %s in %s (%s)", k++ ? "," : "",
		               cs[i].id, cs[i].r->origin,
		               cs[i].f->path ? cs[i].f->path : "?");
	}
	json_object_set_new(props, "claims", arr);
	json_object_set_new(props, "scope", json_string(what));
	/* Cite the first claim's file as the place to look. */
	add_core_finding(fs, component, source, first, PDG_FINDING_CONFLICT,
	                 PDG_SEVERITY_WARNING, "license.inconsistent",
	                 msg.ptr, NULL, props);
	json_decref(props);
	pdg_buf_free(&msg);
}

/* Code and weights (or data) under different licences: what covers what,
 * as one informational finding. */
static void report_split(pdg_findings *fs, const char *component,
                         const char *source, const claim *cs, size_t n)
{
	const char *label[G_COUNT] = { "code", group_name(cs, n, G_WEIGHTS),
	                               "data" };
	json_t *props = json_object(), *arr = json_array();
	pdg_buf msg = PDG_BUF_INIT;
	const claim *first = NULL;
	int parts = 0;

	pdg_buf_puts(&msg, "parts of the release are licensed apart:");
	for (int g = 0; g < G_COUNT; g++) {
		json_t *ids = json_array();
		const char *last = NULL;

		for (size_t i = 0; i < n; i++) {
			if (group_of(cs[i].scope) != (enum group)g)
				continue;
			if (last && strcasecmp(last, cs[i].id) == 0)
				continue;
			json_array_append_new(ids, json_string(cs[i].id));
			if (!last)
				pdg_buf_printf(&msg, "%s %s under %s",
				               parts++ ? ";" : "", label[g],
				               cs[i].id);
			else
				pdg_buf_printf(&msg, ", %s", cs[i].id);
			last = cs[i].id;
			first = first ? first : &cs[i];
		}
		if (last)
			json_object_set_new(props, label[g], ids);
		else
			json_decref(ids);
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, claim_json(&cs[i]));
	json_object_set_new(props, "claims", arr);
	add_core_finding(fs, component, source, first, PDG_FINDING_LICENSE,
	                 PDG_SEVERITY_INFO, "license.split", msg.ptr, NULL,
	                 props);
	json_decref(props);
	pdg_buf_free(&msg);
}

/* Group first (code, weights, data), then id, origin and path: the order
 * claims are cited in. */
static int claim_cmp(const void *pa, const void *pb)
{
	const claim *a = pa, *b = pb;
	int c = (int)group_of(a->scope) - (int)group_of(b->scope);

	if (c)
		return c;
	c = strcmp(a->id, b->id);
	if (c)
		return c;
	c = strcmp(a->r->origin, b->r->origin);
	if (c)
		return c;
	return strcmp(a->f->path ? a->f->path : "",
	              b->f->path ? b->f->path : "");
}

/* Licences found together in one file all apply (A AND B): they do not
 * contradict each other, and a claim naming one of them agrees. */
static int same_file(const claim *a, const claim *b)
{
	return a->r == b->r && strcmp(a->r->rule, "license.detected") == 0 &&
	       a->f->path && b->f->path && strcmp(a->f->path, b->f->path) == 0;
}

static size_t root_of(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

/* Distinct licences among the claims of group g: claims that agree, or
 * that one file makes together, count once. */
static size_t distinct(const claim *cs, size_t n, enum group g)
{
	size_t *parent = pdg_xmalloc((n ? n : 1) * sizeof(*parent)), d = 0;

	for (size_t i = 0; i < n; i++)
		parent[i] = i;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (group_of(cs[i].scope) == g &&
			    group_of(cs[j].scope) == g &&
			    (agree(cs[i].id, cs[j].id) ||
			     same_file(&cs[i], &cs[j])))
				parent[root_of(parent, i)] =
					root_of(parent, j);
	for (size_t i = 0; i < n; i++)
		d += group_of(cs[i].scope) == g && root_of(parent, i) == i;
	free(parent);
	return d;
}

/* Do all claims agree with one another, whatever their group? */
static int all_agree(const claim *cs, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (!agree(cs[0].id, cs[i].id))
			return 0;
	return 1;
}

void pdg_consistency_check(pdg_findings *fs, const char *component,
                           const char *source)
{
	pdg_kb *kb = NULL;
	claim *cs;
	size_t n, groups = 0;

	if (pdg_kb_load_default(&kb) < 0)
		kb = NULL;
	collect(&cs, &n, fs, component, kb);
	narrow_scopes(cs, n, kb);
	if (n > 1)      /* qsort(NULL, 0, ...) is undefined */
		qsort(cs, n, sizeof(*cs), claim_cmp);
	for (int g = 0; g < G_COUNT; g++) {
		size_t d = distinct(cs, n, (enum group)g);

		groups += d > 0;
		if (d > 1)
			report_conflict(fs, component, source, cs, n,
			                (enum group)g);
	}
	if (groups > 1 && !all_agree(cs, n))
		report_split(fs, component, source, cs, n);
	for (size_t i = 0; i < n; i++)
		free(cs[i].id);
	free(cs);
	pdg_kb_free(kb);
}
