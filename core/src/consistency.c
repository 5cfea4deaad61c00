/* consistency.c - where a repository contradicts itself.
 *
 * Detectors report what each file claims: the model card's licence tag,
 * the text of LICENSE, the weights' metadata.  This pass compares the
 * claims made about one component and reports disagreements as conflict
 * findings that cite every claim.  It reads findings only, so it works
 * whichever plugins produced them.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "consistency.h"
#include "kb/kb.h"
#include "util.h"

/* Which findings are licence claims, and where they come from. */
struct claim_rule {
	const char *rule;
	const char *origin;     /* "model card", "licence file", "weights" */
	int raw_tag;            /* subject is a hub tag, not an id */
};

static const struct claim_rule claim_rules[] = {
	{ "card.license", "model card", 0 },
	{ "license.detected", "licence file", 0 },
	{ "weights.license", "weights metadata", 1 },
};

typedef struct claim {
	const pdg_finding *f;
	const char *origin;
	char *id;               /* normalised id */
} claim;

/* A licence file at the top of a source describes the model; NOTICE
 * files and use policies are other documents. */
int pdg_consistency_is_root_license(const pdg_finding *f)
{
	if (!f->path || strchr(f->path, '/') || strstr(f->path, "!/"))
		return 0;
	char *lower = pdg_ascii_lower(f->path);
	int ok = (strncmp(lower, "license", 7) == 0 ||
	          strncmp(lower, "licence", 7) == 0 ||
	          strncmp(lower, "copying", 7) == 0) &&
	         !strstr(lower, "polic");
	free(lower);
	return ok;
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

static int collect(claim **out, size_t *n, const pdg_findings *fs,
                   const char *component, const pdg_kb *kb)
{
	claim *cs = NULL;
	size_t len = 0;

	for (size_t i = 0; i < fs->len; i++) {
		const pdg_finding *f = &fs->items[i];
		if (strcmp(f->component, component) != 0)
			continue;
		for (size_t r = 0; r < sizeof(claim_rules) /
		                       sizeof(*claim_rules); r++) {
			if (strcmp(f->rule, claim_rules[r].rule) != 0)
				continue;
			if (strcmp(f->rule, "license.detected") == 0 &&
			    !pdg_consistency_is_root_license(f))
				continue;
			if (strcmp(f->rule, "card.license") == 0 && f->path &&
			    strchr(f->path, '/'))
				continue;
			char *id = claim_id(kb, &claim_rules[r], f->subject);
			if (!id)
				continue;
			cs = pdg_xrealloc(cs, (len + 1) * sizeof(*cs));
			cs[len].f = f;
			cs[len].origin = claim_rules[r].origin;
			cs[len].id = id;
			len++;
		}
	}
	*out = cs;
	*n = len;
	return 0;
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

static void report_conflict(pdg_findings *fs, const char *component,
                            const char *source, const claim *cs, size_t n)
{
	json_t *props = json_object(), *arr = json_array();
	pdg_buf msg = PDG_BUF_INIT;

	pdg_buf_puts(&msg, "the repository names different licences:");
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "license", json_string(cs[i].id));
		json_object_set_new(c, "origin", json_string(cs[i].origin));
		if (cs[i].f->path)
			json_object_set_new(c, "path",
			                    json_string(cs[i].f->path));
		if (cs[i].f->line_start)
			json_object_set_new(c, "line",
			                    json_integer(cs[i].f->line_start));
		json_array_append_new(arr, c);
		pdg_buf_printf(&msg, "%s %s in %s (%s)", i ? "," : "",
		               cs[i].id, cs[i].origin,
		               cs[i].f->path ? cs[i].f->path : "?");
	}
	json_object_set_new(props, "claims", arr);
	char *text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(props);

	/* Cite the first claim's file as the place to look. */
	pdg_finding f;
	memset(&f, 0, sizeof(f));
	f.kind = PDG_FINDING_CONFLICT;
	f.severity = PDG_SEVERITY_WARNING;
	f.confidence = 1.0;
	f.rule = "license.inconsistent";
	f.message = msg.ptr;
	f.component = component;
	f.plugin = "core";
	f.source = source;
	f.path = cs[0].f->path;
	f.commit = cs[0].f->commit;
	f.line_start = cs[0].f->line_start;
	f.line_end = cs[0].f->line_end;
	f.byte_offset = -1;
	f.properties = text;
	(void)pdg_findings_add(fs, &f);
	free(text);
	pdg_buf_free(&msg);
}

static int claim_cmp(const void *pa, const void *pb)
{
	const claim *a = pa, *b = pb;
	int c = strcmp(a->id, b->id);

	if (c)
		return c;
	c = strcmp(a->origin, b->origin);
	if (c)
		return c;
	return strcmp(a->f->path ? a->f->path : "",
	              b->f->path ? b->f->path : "");
}

void pdg_consistency_check(pdg_findings *fs, const char *component,
                           const char *source)
{
	pdg_kb *kb = NULL;
	claim *cs;
	size_t n, distinct = 0;

	if (pdg_kb_load_default(&kb) < 0)
		kb = NULL;
	collect(&cs, &n, fs, component, kb);
	if (n > 1)      /* qsort(NULL, 0, ...) is undefined */
		qsort(cs, n, sizeof(*cs), claim_cmp);
	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t j = 0; j < i; j++)
			if (agree(cs[i].id, cs[j].id))
				seen = 1;
		distinct += !seen;
	}
	if (distinct > 1)
		report_conflict(fs, component, source, cs, n);
	for (size_t i = 0; i < n; i++)
		free(cs[i].id);
	free(cs);
	pdg_kb_free(kb);
}
