/* findings.c - owned copies of findings, and their canonical order. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "findings.h"
#include "util.h"

static char *dup_or_null(const char *s)
{
	return s ? pdg_xstrdup(s) : NULL;
}

/* The tally of f's rule and source, created on first use.  Rules are
 * static strings of the detectors and sources are the inputs the user
 * passed: the list stays short. */
static pdg_findings_tally *tally_of(pdg_findings *fs, const pdg_finding *f)
{
	pdg_findings_tally *t;

	for (size_t i = 0; i < fs->ntally; i++) {
		t = &fs->tally[i];
		if (!strcmp(t->rule, f->rule) &&
		    ((!t->source && !f->source) ||
		     (t->source && f->source && !strcmp(t->source, f->source))))
			return t;
	}
	if (fs->ntally == fs->tally_cap) {
		fs->tally_cap = fs->tally_cap ? fs->tally_cap * 2 : 16;
		fs->tally = pdg_xrealloc(fs->tally, fs->tally_cap *
		                         sizeof(*fs->tally));
	}
	t = &fs->tally[fs->ntally++];
	memset(t, 0, sizeof(*t));
	t->rule = pdg_xstrdup(f->rule);
	t->source = dup_or_null(f->source);
	t->component = pdg_xstrdup(f->component ? f->component : "");
	return t;
}

static int store(pdg_findings *fs, const pdg_finding *f);

int pdg_findings_add(pdg_findings *fs, const pdg_finding *f)
{
	if (!f->rule || !*f->rule || !f->message || !*f->message)
		return pdg_error_set(PDG_EINVALID,
		                     "finding without a rule or message");
	if ((unsigned)f->kind >= PDG_FINDING_KIND_COUNT_ ||
	    (unsigned)f->severity > PDG_SEVERITY_ERROR)
		return pdg_error_set(PDG_EINVALID,
		                     "finding '%s' has an unknown kind or "
		                     "severity", f->rule);
	if (!(f->confidence >= 0.0 && f->confidence <= 1.0))
		return pdg_error_set(PDG_EINVALID,
		                     "finding '%s': confidence outside 0..1",
		                     f->rule);
	if (f->properties) {
		json_error_t jerr;
		json_t *j = json_loads(f->properties, JSON_REJECT_DUPLICATES,
		                       &jerr);
		int ok = j && json_is_object(j);

		json_decref(j);
		if (!ok)
			return pdg_error_set(PDG_EINVALID,
			                     "finding '%s': properties are not "
			                     "a JSON object", f->rule);
	}
	if (fs->max_per_rule) {
		pdg_findings_tally *t = tally_of(fs, f);

		if (t->kept >= fs->max_per_rule) {
			if (!t->dropped || f->severity > t->worst)
				t->worst = f->severity;
			t->dropped++;
			return 0;
		}
		t->kept++;
	}
	return store(fs, f);
}

static int store(pdg_findings *fs, const pdg_finding *f)
{
	if (fs->len == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 64;
		fs->items = pdg_xrealloc(fs->items,
		                         fs->cap * sizeof(*fs->items));
	}
	pdg_finding *d = &fs->items[fs->len++];
	*d = *f;
	d->rule = pdg_xstrdup(f->rule);
	d->message = pdg_xstrdup(f->message);
	d->subject = dup_or_null(f->subject);
	d->component = pdg_xstrdup(f->component ? f->component : "");
	d->plugin = pdg_xstrdup(f->plugin ? f->plugin : "core");
	d->source = dup_or_null(f->source);
	d->path = dup_or_null(f->path);
	d->commit = dup_or_null(f->commit);
	d->properties = dup_or_null(f->properties);
	d->verdict = PDG_VERDICT_PASS;
	d->verdict_reason = NULL;
	if (d->line_end < d->line_start)
		d->line_end = d->line_start;
	return 0;
}

/* NULL sorts before any string so the order is total. */
static int strcmp_null(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

#define CMP_NUM(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } \
	while (0)
#define CMP_STR(x, y) do { int c_ = strcmp_null((x), (y)); \
	if (c_) return c_; } while (0)

static int finding_cmp(const void *pa, const void *pb)
{
	const pdg_finding *a = pa, *b = pb;

	CMP_STR(a->component, b->component);
	CMP_NUM(b->severity, a->severity);      /* most severe first */
	CMP_NUM(a->kind, b->kind);
	CMP_STR(a->source, b->source);
	CMP_STR(a->path, b->path);
	CMP_NUM(a->line_start, b->line_start);
	CMP_NUM(a->byte_offset, b->byte_offset);
	CMP_STR(a->rule, b->rule);
	CMP_STR(a->subject, b->subject);
	CMP_STR(a->message, b->message);
	CMP_STR(a->plugin, b->plugin);
	CMP_STR(a->commit, b->commit);
	CMP_STR(a->properties, b->properties);
	return 0;
}

/* One finding for the findings a tally stands for. */
static void add_truncated(pdg_findings *fs, pdg_findings_tally *t)
{
	pdg_finding f;
	char *msg = pdg_xasprintf("%zu more '%s' findings were not listed "
	                          "(limit max_findings: %zu per rule and "
	                          "input)", t->dropped, t->rule,
	                          fs->max_per_rule);
	json_t *j = json_pack("{s:s, s:I, s:I}", "rule", t->rule,
	                      "not_listed", (json_int_t)t->dropped,
	                      "limit", (json_int_t)fs->max_per_rule);
	char *props = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	memset(&f, 0, sizeof(f));
	f.kind = PDG_FINDING_INPUT;
	f.severity = t->worst;
	f.confidence = 1.0;
	f.rule = "core.findings-truncated";
	f.message = msg;
	f.subject = t->rule;
	f.component = t->component;
	f.plugin = "core";
	f.source = t->source;
	f.byte_offset = -1;
	f.properties = props;
	(void)store(fs, &f);
	t->dropped = 0;
	free(msg);
	free(props);
	json_decref(j);
}

void pdg_findings_sort(pdg_findings *fs)
{
	for (size_t i = 0; i < fs->ntally; i++)
		if (fs->tally[i].dropped)
			add_truncated(fs, &fs->tally[i]);
	if (fs->len > 1)
		qsort(fs->items, fs->len, sizeof(*fs->items), finding_cmp);
}

void pdg_findings_set_verdict(pdg_finding *f, pdg_verdict v,
                              const char *reason)
{
	free((char *)f->verdict_reason);
	f->verdict = v;
	f->verdict_reason = reason ? pdg_xstrdup(reason) : NULL;
}

void pdg_findings_clear(pdg_findings *fs)
{
	for (size_t i = 0; i < fs->len; i++) {
		pdg_finding *f = &fs->items[i];
		free((char *)f->rule);
		free((char *)f->message);
		free((char *)f->subject);
		free((char *)f->component);
		free((char *)f->plugin);
		free((char *)f->source);
		free((char *)f->path);
		free((char *)f->commit);
		free((char *)f->properties);
		free((char *)f->verdict_reason);
	}
	free(fs->items);
	fs->items = NULL;
	fs->len = fs->cap = 0;
	for (size_t i = 0; i < fs->ntally; i++) {
		free(fs->tally[i].rule);
		free(fs->tally[i].source);
		free(fs->tally[i].component);
	}
	free(fs->tally);
	fs->tally = NULL;
	fs->ntally = fs->tally_cap = 0;
}
