/* judge.c - apply a policy: clarifications, allowed and denied licences,
 * and a verdict with its reason for every finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "error.h"
#include "license/license.h"
#include "policy/policy_int.h"
#include "util.h"

int pdg_policy_glob(const char *glob, const char *s)
{
	return pdg_glob_match(glob, s, 0);
}

static void add(pdg_findings *fs, pdg_finding_kind kind, pdg_severity sev,
                const char *rule, const char *subject, const char *component,
                const char *source, const char *path, uint32_t line,
                const char *props, const char *msg)
{
	pdg_finding f = PDG_CORE_FINDING_INIT;

	f.kind = kind;
	f.severity = sev;
	f.rule = rule;
	f.message = msg;
	f.subject = subject;
	f.component = component;
	f.source = source;
	f.path = path;
	f.line_start = line;
	f.properties = props;
	(void)pdg_findings_add(fs, &f);
}

/* ---- clarifications ------------------------------------------------- */

static int clarifiable(const pdg_finding *f)
{
	return !strcmp(f->rule, "license.unknown") ||
	       !strcmp(f->rule, "license.detected");
}

static void replace(const char **field, const char *value)
{
	free((char *)*field);
	*field = value ? pdg_xstrdup(value) : NULL;
}

static void apply_clarification(const pdg_policy *p,
                                const pdg_policy_clarification *c,
                                pdg_finding *f, const pdg_text *t)
{
	char *hash = pdg_policy_hash_string(t->hash);
	char *msg = pdg_xasprintf("licence pinned to %s by policy %s%s%s "
	                          "(%s matches %s)", c->license, p->name,
	                          c->reason ? ": " : "",
	                          c->reason ? c->reason : "", f->path, hash);
	json_t *props = json_object();

	json_object_set_new(props, "hash", json_string(hash));
	json_object_set_new(props, "policy", json_string(p->file));
	json_object_set_new(props, "policy_line", json_integer(c->line));
	json_object_set_new(props, "was", json_string(f->subject ? f->subject
	                                              : f->rule));
	if (c->reason)
		json_object_set_new(props, "reason", json_string(c->reason));
	char *text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(props);
	replace(&f->rule, "license.clarified");
	replace(&f->subject, c->license);
	replace(&f->message, msg);
	replace(&f->properties, text);
	f->kind = PDG_FINDING_LICENSE;
	f->severity = PDG_SEVERITY_INFO;
	f->confidence = 1.0;
	free(text);
	free(msg);
	free(hash);
}

void pdg_policy_clarify(const pdg_policy *p, pdg_findings *fs,
                        const pdg_texts *texts)
{
	size_t n = fs->len;     /* findings added below are not revisited */

	for (size_t k = 0; p && k < p->nclarify; k++) {
		const pdg_policy_clarification *c = &p->clarify[k];
		int matched = 0, voided = 0;

		for (size_t i = 0; i < pdg_texts_count(texts); i++) {
			const pdg_text *t = pdg_texts_at(texts, i);
			if (strcmp(t->path, c->path) != 0 ||
			    (c->component && strcmp(t->component,
			                            c->component) != 0))
				continue;
			if (!t->complete || t->hash != c->hash) {
				char *want = pdg_policy_hash_string(c->hash);
				char *got = pdg_policy_hash_string(t->hash);
				char *msg = pdg_xasprintf("%s changed since "
				        "policy %s clarified it as %s (%s:%u "
				        "pins %s, the file is now %s%s); the "
				        "clarification no longer applies",
				        t->path, p->name, c->license, p->file,
				        c->line, want, got, t->complete ? ""
				        : ", read only in part");
				add(fs, PDG_FINDING_LICENSE,
				    PDG_SEVERITY_WARNING,
				    "policy.clarification-void", c->license,
				    t->component, t->source, t->path, 0, NULL,
				    msg);
				free(msg);
				free(want);
				free(got);
				voided = 1;
				continue;
			}
			matched = 1;
			for (size_t j = 0; j < n; j++) {
				pdg_finding *f = &fs->items[j];
				if (f->path && clarifiable(f) &&
				    !strcmp(f->path, t->path) &&
				    !strcmp(f->component, t->component))
					apply_clarification(p, c, f, t);
			}
		}
		if (!matched && !voided) {
			char *msg = pdg_xasprintf("policy %s clarifies %s "
			                          "(%s:%u) but the audit has no "
			                          "such file", p->name, c->path,
			                          p->file, c->line);
			add(fs, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
			    "policy.clarification-unused", c->license,
			    c->component ? c->component : "", NULL, c->path,
			    0, NULL, msg);
			free(msg);
		}
	}
}

/* ---- allowed and denied licences ------------------------------------ */

static int in_globs(char *const *globs, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (pdg_policy_glob(globs[i], id))
			return 1;
	return 0;
}

static int leaf_not_denied(const char *id, void *payload)
{
	const pdg_policy *p = payload;

	return !in_globs(p->deny, p->ndeny, id);
}

static int leaf_allowed(const char *id, void *payload)
{
	const pdg_policy *p = payload;

	return in_globs(p->allow, p->nallow, id);
}

/* The audited model a component's licence matters to: the component
 * itself when audited, else the first model with an edge to it. */
static const pdg_component *owner(const pdg_lineage *l, size_t ci)
{
	if (l->components[ci].role == PDG_ROLE_MODEL)
		return &l->components[ci];
	for (size_t i = 0; i < l->nedges; i++)
		if (l->edges[i].to == ci &&
		    l->components[l->edges[i].from].role == PDG_ROLE_MODEL)
			return &l->components[l->edges[i].from];
	return &l->components[ci];
}

static int seen_before(const pdg_component *c, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (!strcmp(c->licenses[j].id, c->licenses[k].id))
			return 1;
	return 0;
}

static void judge_license(const pdg_policy *p, const pdg_lineage *l,
                          size_t ci, const pdg_comp_license *cl,
                          pdg_findings *fs)
{
	const pdg_component *c = &l->components[ci];
	const pdg_component *own = owner(l, ci);
	pdg_spdx_expr *e = NULL;
	const char *rule = NULL, *why = NULL;

	if (!strcmp(cl->id, "LicenseRef-unknown") ||
	    pdg_spdx_parse(&e, cl->id, strlen(cl->id)) < 0)
		return;
	if (p->ndeny && !pdg_spdx_expr_eval(e, leaf_not_denied, (void *)p)) {
		rule = "policy.license-denied";
		why = "denies";
	} else if (p->nallow && !pdg_spdx_expr_eval(e, leaf_allowed,
	                                            (void *)p)) {
		rule = "policy.license-not-allowed";
		why = "does not allow";
	}
	pdg_spdx_expr_free(e);
	if (!rule)
		return;
	char *msg = c == own
	        ? pdg_xasprintf("policy %s %s %s, the licence of %s (%s)",
	                        p->name, why, cl->id, c->id, cl->origin)
	        : pdg_xasprintf("policy %s %s %s, which governs %s %s of %s "
	                        "(%s)", p->name, why, cl->id,
	                        pdg_component_role_name(c->role), c->id,
	                        own->id, cl->origin);
	json_t *props = json_object();
	json_object_set_new(props, "license", json_string(cl->id));
	json_object_set_new(props, "governs", json_string(c->id));
	json_object_set_new(props, "origin", json_string(cl->origin));
	json_object_set_new(props, "policy", json_string(p->file));
	char *text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(props);
	add(fs, PDG_FINDING_CONFLICT, PDG_SEVERITY_ERROR, rule, cl->id,
	    own->id, own->source, cl->path, cl->line, text, msg);
	free(text);
	free(msg);
}

void pdg_policy_check_licenses(const pdg_policy *p, const pdg_lineage *l,
                               pdg_findings *fs)
{
	if (!p || (!p->nallow && !p->ndeny))
		return;
	for (size_t i = 0; i < l->ncomponents; i++) {
		const pdg_component *c = &l->components[i];
		/* Candidates are what a checkpoint might be under, not what
		 * it is; the lineage pass asks for a review instead. */
		if (c->candidates)
			continue;
		for (size_t k = 0; k < c->nlicenses; k++)
			if (!seen_before(c, k))
				judge_license(p, l, i, &c->licenses[k], fs);
	}
}

/* ---- verdicts ------------------------------------------------------- */

static int opt_match(const char *glob, const char *s)
{
	return !glob || (s && pdg_policy_glob(glob, s));
}

/* A core.findings-truncated finding stands for the findings of one rule
 * (its subject) that were only counted: it is judged as they would have
 * been, by an exception only when that exception covers all of them. */
static const char *judged_rule(const pdg_finding *f, int *summary)
{
	*summary = !strcmp(f->rule, "core.findings-truncated") && f->subject;
	return *summary ? f->subject : f->rule;
}

static const pdg_policy_exception *exception_for(const pdg_policy *p,
                                                 const pdg_finding *f)
{
	int summary;
	const char *rule = judged_rule(f, &summary);

	for (size_t i = 0; i < p->nexceptions; i++) {
		const pdg_policy_exception *x = &p->exceptions[i];
		if (summary && (x->subject || x->path))
			continue;
		if (pdg_policy_glob(x->rule, rule) &&
		    (summary || opt_match(x->subject, f->subject)) &&
		    opt_match(x->component, f->component) &&
		    opt_match(x->path, f->path))
			return x;
	}
	return NULL;
}

/* An exact rule beats a glob; among globs the longest wins. */
static const pdg_policy_rule *rule_for(const pdg_policy *p, const char *r)
{
	const pdg_policy_rule *best = NULL;

	for (size_t i = 0; i < p->nrules; i++) {
		const pdg_policy_rule *x = &p->rules[i];
		if (!strcmp(x->glob, r))
			return x;
		if (pdg_policy_glob(x->glob, r) &&
		    (!best || strlen(x->glob) > strlen(best->glob)))
			best = x;
	}
	return best;
}

static void judge_one(const pdg_policy *p, pdg_finding *f, int fail_on,
                      int no_fail, const char *today)
{
	const pdg_policy_exception *x = exception_for(p, f);
	const pdg_policy_rule *r;
	pdg_verdict v;
	int summary;
	char *why;

	if (x && strcmp(x->expires, today) < 0) {
		v = PDG_VERDICT_FAIL;
		why = pdg_xasprintf("exception expired on %s (%s:%u: %s; "
		                    "approved by %s)", x->expires, p->file,
		                    x->line, x->reason, x->approved_by);
	} else if (x) {
		v = PDG_VERDICT_PASS;
		why = pdg_xasprintf("exception until %s (%s:%u: %s; approved "
		                    "by %s)", x->expires, p->file, x->line,
		                    x->reason, x->approved_by);
	} else if ((r = rule_for(p, judged_rule(f, &summary))) != NULL) {
		v = r->action;
		why = pdg_xasprintf("policy %s: rule %s: %s", p->name, r->glob,
		                    pdg_verdict_name(v));
	} else {
		v = p->severity[f->severity];
		why = pdg_xasprintf("policy %s: severity %s: %s", p->name,
		                    pdg_severity_name(f->severity),
		                    pdg_verdict_name(v));
	}
	if (!x && fail_on >= 0 && (int)f->severity >= fail_on &&
	    v != PDG_VERDICT_FAIL) {
		v = PDG_VERDICT_FAIL;
		free(why);
		why = pdg_xasprintf("--fail-on %s",
		                    pdg_severity_name((pdg_severity)fail_on));
	}
	if (no_fail && v == PDG_VERDICT_FAIL) {
		v = PDG_VERDICT_WARN;
		free(why);
		why = pdg_xstrdup("--fail-on never");
	}
	pdg_findings_set_verdict(f, v, why);
	free(why);
}

int pdg_policy_judge(const pdg_policy *p, pdg_findings *fs, int fail_on,
                     int no_fail, const char *today)
{
	int failed = 0;

	for (size_t i = 0; i < fs->len; i++) {
		judge_one(p, &fs->items[i], fail_on, no_fail, today);
		failed |= fs->items[i].verdict == PDG_VERDICT_FAIL;
	}
	return failed;
}
