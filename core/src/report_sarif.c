/* report_sarif.c - SARIF 2.1.0 for code scanning (docs/report.md).
 *
 * One run; tool.driver lists every rule that has a result, with a summary
 * and help; each finding is a result whose level follows its verdict
 * (fail: error, warn: warning, pass: note).  Locations are relative to the
 * input they were found in, through one uriBaseId per input (INPUT1...),
 * each relative to SRCROOT, the directory pedigree ran in: uploaded from
 * a checkout's root, they resolve to the repository's files.  A member of
 * an archive points at the archive (the file a viewer can open), with the
 * member's path in the message and the result's properties.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "error.h"
#include "report.h"
#include "report_util.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define FINGERPRINT_KEY "pedigreeFinding/v1"

typedef struct sctx {
	const pdg_audit *a;
	int failed;
	const char **rules;     /* distinct rule ids, sorted */
	size_t nrules;
	char **fingerprints;    /* per finding */
} sctx;

#define check(c, v) pdg_json_check(&(c)->failed, (v))
#define set(c, o, k, v) pdg_json_set(&(c)->failed, (o), (k), (v))
#define append(c, arr, v) pdg_json_append(&(c)->failed, (arr), (v))
#define jstr(c, s) pdg_json_str(&(c)->failed, (s))
#define jint(c, n) pdg_json_int(&(c)->failed, (n))

static json_t *text_obj(sctx *c, const char *text)
{
	json_t *o = check(c, json_object());

	set(c, o, "text", jstr(c, text));
	return o;
}

static int cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static void collect_rules(sctx *c)
{
	const pdg_findings *fs = &c->a->findings;
	size_t n = 0;

	c->rules = pdg_xcalloc(fs->len + 1, sizeof(*c->rules));
	for (size_t i = 0; i < fs->len; i++)
		c->rules[n++] = fs->items[i].rule;
	qsort(c->rules, n, sizeof(*c->rules), cmp_str);
	c->nrules = 0;
	for (size_t i = 0; i < n; i++)
		if (!c->nrules || strcmp(c->rules[c->nrules - 1],
		                         c->rules[i]) != 0)
			c->rules[c->nrules++] = c->rules[i];
}

static size_t rule_index(const sctx *c, const char *rule)
{
	const char **hit = bsearch(&rule, c->rules, c->nrules,
	                           sizeof(*c->rules), cmp_str);

	return hit ? (size_t)(hit - c->rules) : 0;
}

/* The finding kind of the first finding with this rule. */
static const char *rule_kind(const sctx *c, const char *rule)
{
	for (size_t i = 0; i < c->a->findings.len; i++)
		if (strcmp(c->a->findings.items[i].rule, rule) == 0)
			return pdg_finding_kind_name(
			        c->a->findings.items[i].kind);
	return "input";
}

/* SARIF wants a friendly name distinct from the id, in Pascal case:
 * "license.non-commercial" is "LicenseNonCommercial". */
static char *friendly_name(const char *rule)
{
	pdg_buf b = PDG_BUF_INIT;
	int up = 1;

	for (const char *p = rule; *p; p++) {
		char ch = *p;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9'))) {
			up = 1;
			continue;
		}
		if (up && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		pdg_buf_put(&b, &ch, 1);
		up = 0;
	}
	if (!b.len)
		pdg_buf_puts(&b, "Rule");
	return b.ptr;
}

static json_t *build_rule(sctx *c, const char *rule)
{
	const pdg_rule_doc *d = pdg_rule_doc_find(rule);
	const char *kind = rule_kind(c, rule);
	json_t *o = check(c, json_object());
	json_t *props = check(c, json_object());
	json_t *tags = check(c, json_array());
	char *summary = NULL, *help = NULL, *name = friendly_name(rule);

	if (!d) {
		summary = pdg_utf8_sanitize(rule);
		help = pdg_xasprintf("A %s finding reported by a pedigree "
		                     "detector under the rule %s.", kind,
		                     summary);
		free(summary);
		summary = pdg_xasprintf("pedigree %s check", kind);
	}
	set(c, o, "id", jstr(c, rule));
	set(c, o, "name", jstr(c, name));
	set(c, o, "shortDescription", text_obj(c, d ? d->summary : summary));
	set(c, o, "fullDescription", text_obj(c, d ? d->help : help));
	set(c, o, "help", text_obj(c, d ? d->help : help));
	append(c, tags, jstr(c, kind));
	append(c, tags, jstr(c, "pedigree"));
	set(c, props, "tags", tags);
	set(c, o, "properties", props);
	free(summary);
	free(help);
	free(name);
	return o;
}

static json_t *build_driver(sctx *c)
{
	json_t *o = check(c, json_object());
	json_t *rules = check(c, json_array());

	set(c, o, "name", jstr(c, "pedigree"));
	set(c, o, "fullName", jstr(c, "pedigree " PDG_VERSION));
	set(c, o, "version", jstr(c, PDG_VERSION));
	set(c, o, "semanticVersion", jstr(c, PDG_VERSION));
	for (size_t i = 0; i < c->nrules; i++)
		append(c, rules, build_rule(c, c->rules[i]));
	set(c, o, "rules", rules);
	return o;
}

/* ---- locations --------------------------------------------------------- */

static size_t source_index(const pdg_audit *a, const char *source)
{
	for (size_t i = 0; source && i < a->nsources; i++)
		if (strcmp(a->sources[i].path, source) == 0)
			return i;
	return (size_t)-1;
}

/* A source whose artifacts are not files under it (an archive or a single
 * file) is located from its parent directory. */
static int source_is_file(const pdg_audit_source *s)
{
	return s->type == PDG_SOURCE_ARCHIVE || s->type == PDG_SOURCE_FILE;
}

/* The base directory of source s as a URI reference ending in '/'. */
static char *source_base_uri(const pdg_audit_source *s)
{
	pdg_buf b = PDG_BUF_INIT;
	char *dir = pdg_xstrdup(s->path);
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	if (source_is_file(s)) {
		char *slash = strrchr(dir, '/');

		if (!slash)
			dir[0] = '\0';
		else
			slash[1] = '\0';
	}
	if (dir[0] == '/')
		pdg_buf_puts(&b, "file://");
	pdg_report_put_uri(&b, dir[0] ? dir : "./");
	if (b.len && b.ptr[b.len - 1] != '/')
		pdg_buf_puts(&b, "/");
	free(dir);
	return b.ptr;
}

static json_t *build_base_ids(sctx *c)
{
	json_t *o = check(c, json_object());
	json_t *root = check(c, json_object());
	char name[32];

	set(c, root, "description", text_obj(c, "the directory pedigree "
	                                        "audit ran in"));
	set(c, o, "SRCROOT", root);
	for (size_t i = 0; i < c->a->nsources; i++) {
		const pdg_audit_source *s = &c->a->sources[i];
		json_t *x = check(c, json_object());
		char *uri = source_base_uri(s);
		char *desc = pdg_xasprintf("input %zu: %s", i + 1, s->path);

		set(c, x, "uri", jstr(c, uri));
		if (s->path[0] != '/')
			set(c, x, "uriBaseId", jstr(c, "SRCROOT"));
		set(c, x, "description", text_obj(c, desc));
		snprintf(name, sizeof(name), "INPUT%zu", i + 1);
		set(c, o, name, x);
		free(uri);
		free(desc);
	}
	return o;
}

/* The file a viewer can open: the path up to the first archive member
 * separator; for an archive or file source, the source's own name. */
static char *outer_path(const pdg_audit_source *s, const pdg_finding *f,
                        int *member)
{
	const char *sep = f->path ? strstr(f->path, "!/") : NULL;

	*member = sep != NULL;
	if (source_is_file(s)) {
		const char *slash = strrchr(s->path, '/');

		*member = f->path != NULL && s->type == PDG_SOURCE_ARCHIVE;
		return pdg_xstrdup(slash && slash[1] ? slash + 1 : s->path);
	}
	if (!f->path)
		return NULL;
	return sep ? pdg_xstrndup(f->path, (size_t)(sep - f->path))
	           : pdg_xstrdup(f->path);
}

static json_t *build_location(sctx *c, const pdg_finding *f)
{
	size_t si = source_index(c->a, f->source);
	json_t *loc, *phys, *art;
	char base[32];
	int member = 0;

	if (si == (size_t)-1)
		return NULL;
	const pdg_audit_source *s = &c->a->sources[si];
	char *outer = outer_path(s, f, &member);
	pdg_buf uri = PDG_BUF_INIT;

	pdg_report_put_uri(&uri, outer ? outer : "");
	loc = check(c, json_object());
	phys = check(c, json_object());
	art = check(c, json_object());
	snprintf(base, sizeof(base), "INPUT%zu", si + 1);
	/* A finding about a whole directory points at the directory. */
	set(c, art, "uri", jstr(c, uri.len ? uri.ptr : "./"));
	set(c, art, "uriBaseId", jstr(c, base));
	set(c, phys, "artifactLocation", art);
	if (!member && outer && f->line_start > 0) {
		json_t *region = check(c, json_object());
		uint32_t end = f->line_end < f->line_start ? f->line_start
		                                           : f->line_end;

		set(c, region, "startLine", jint(c, f->line_start));
		set(c, region, "endLine", jint(c, end));
		set(c, phys, "region", region);
	}
	set(c, loc, "physicalLocation", phys);
	pdg_buf_free(&uri);
	free(outer);
	return loc;
}

/* ---- results ------------------------------------------------------------- */

static const char *level_of(pdg_verdict v)
{
	switch (v) {
	case PDG_VERDICT_FAIL: return "error";
	case PDG_VERDICT_WARN: return "warning";
	default: return "note";
	}
}

/* Identity of a finding that survives unrelated edits: its rule,
 * component, subject and file, not its line or message (counts in
 * messages change as data grows).  Equal ones are told apart by their
 * occurrence in report order, as GitHub does for its own hashes. */
static uint64_t finding_hash(const pdg_finding *f)
{
	const char *parts[] = { f->rule, f->component, f->subject, f->path,
	                        f->source };
	pdg_buf b = PDG_BUF_INIT;
	uint64_t v;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		pdg_buf_put(&b, parts[i] ? parts[i] : "",
		            strlen(parts[i] ? parts[i] : "") + 1);
	v = XXH3_64bits(b.ptr, b.len);
	pdg_buf_free(&b);
	return v;
}

typedef struct hashed {
	uint64_t hash;
	size_t idx;
} hashed;

static int cmp_hashed(const void *pa, const void *pb)
{
	const hashed *a = pa, *b = pb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* "hash:occurrence" of every finding, in report order. */
static char **build_fingerprints(const pdg_findings *fs)
{
	hashed *h = pdg_xcalloc(fs->len + 1, sizeof(*h));
	char **out = pdg_xcalloc(fs->len + 1, sizeof(*out));
	size_t run = 0;

	for (size_t i = 0; i < fs->len; i++) {
		h[i].hash = finding_hash(&fs->items[i]);
		h[i].idx = i;
	}
	qsort(h, fs->len, sizeof(*h), cmp_hashed);
	for (size_t i = 0; i < fs->len; i++) {
		run = i && h[i].hash == h[i - 1].hash ? run + 1 : 1;
		out[h[i].idx] = pdg_xasprintf("%016llx:%zu",
		                              (unsigned long long)h[i].hash,
		                              run);
	}
	free(h);
	return out;
}

static json_t *build_fingerprint(sctx *c, size_t idx)
{
	json_t *o = check(c, json_object());

	set(c, o, FINGERPRINT_KEY, jstr(c, c->fingerprints[idx]));
	return o;
}

/* The finding's own properties, then pedigree's facts under
 * "pedigree/..." keys, which win over a plugin key of the same name. */
static json_t *build_properties(sctx *c, const pdg_finding *f, size_t idx)
{
	json_t *o = NULL;
	char id[32];

	if (f->properties) {
		o = json_loads(f->properties, JSON_REJECT_DUPLICATES, NULL);
		if (o && !json_is_object(o)) {
			json_decref(o);
			o = NULL;
		}
	}
	if (!o)
		o = check(c, json_object());
	snprintf(id, sizeof(id), "PDG-%04zu", idx + 1);
	json_t *tags = check(c, json_array());
	append(c, tags, jstr(c, pdg_finding_kind_name(f->kind)));
	append(c, tags, jstr(c, pdg_severity_name(f->severity)));
	set(c, o, "tags", tags);
	set(c, o, "pedigree/id", jstr(c, id));
	set(c, o, "pedigree/kind", jstr(c, pdg_finding_kind_name(f->kind)));
	set(c, o, "pedigree/severity",
	    jstr(c, pdg_severity_name(f->severity)));
	set(c, o, "pedigree/confidence", check(c, json_real(f->confidence)));
	set(c, o, "pedigree/component", jstr(c, f->component));
	set(c, o, "pedigree/plugin", jstr(c, f->plugin ? f->plugin : "core"));
	if (f->subject)
		set(c, o, "pedigree/subject", jstr(c, f->subject));
	set(c, o, "pedigree/source", jstr(c, f->source));
	if (f->path)
		set(c, o, "pedigree/path", jstr(c, f->path));
	if (f->commit)
		set(c, o, "pedigree/commit", jstr(c, f->commit));
	if (f->byte_offset >= 0)
		set(c, o, "pedigree/byteOffset",
		    jint(c, (uint64_t)f->byte_offset));
	set(c, o, "pedigree/verdict", jstr(c, pdg_verdict_name(f->verdict)));
	set(c, o, "pedigree/verdictReason",
	    jstr(c, f->verdict_reason ? f->verdict_reason : "not judged"));
	return o;
}

/* The message, with what a viewer cannot show otherwise: the archive
 * member and the verdict's reason. */
static char *result_message(const sctx *c, const pdg_finding *f)
{
	pdg_buf b = PDG_BUF_INIT;
	size_t si = source_index(c->a, f->source);
	int in_archive = si != (size_t)-1 &&
	                 c->a->sources[si].type == PDG_SOURCE_ARCHIVE;

	pdg_buf_puts(&b, f->message);
	if (f->path && (in_archive || strstr(f->path, "!/"))) {
		pdg_buf_puts(&b, " (in ");
		if (in_archive) {
			const char *slash = strrchr(c->a->sources[si].path, '/');

			pdg_buf_puts(&b, slash && slash[1] ? slash + 1
			                                   : c->a->sources[si].path);
			pdg_buf_puts(&b, "!/");
		}
		pdg_buf_puts(&b, f->path);
		pdg_buf_puts(&b, ")");
	}
	if (f->verdict != PDG_VERDICT_PASS && f->verdict_reason) {
		pdg_buf_printf(&b, " [%s: ", pdg_verdict_name(f->verdict));
		pdg_buf_puts(&b, f->verdict_reason);
		pdg_buf_puts(&b, "]");
	}
	return b.ptr;
}

static json_t *build_result(sctx *c, size_t idx)
{
	const pdg_finding *f = &c->a->findings.items[idx];
	json_t *o = check(c, json_object());
	json_t *locs = check(c, json_array());
	json_t *loc = build_location(c, f);
	char *msg = result_message(c, f);

	set(c, o, "ruleId", jstr(c, f->rule));
	set(c, o, "ruleIndex", jint(c, rule_index(c, f->rule)));
	set(c, o, "level", jstr(c, level_of(f->verdict)));
	set(c, o, "message", text_obj(c, msg));
	if (loc)
		append(c, locs, loc);
	set(c, o, "locations", locs);
	set(c, o, "partialFingerprints", build_fingerprint(c, idx));
	set(c, o, "properties", build_properties(c, f, idx));
	free(msg);
	return o;
}

/* Plugins that did not start are tool notifications: the run is
 * incomplete in their area. */
static json_t *build_invocation(sctx *c)
{
	json_t *o = check(c, json_object());
	json_t *notes = check(c, json_array());

	set(c, o, "executionSuccessful", json_true());
	for (size_t i = 0; i < c->a->nactive; i++) {
		const pdg_audit_plugin *p = &c->a->active[i];
		json_t *n;
		char *text;

		if (!p->init_failed)
			continue;
		text = pdg_xasprintf("plugin %s did not start: %s",
		                     p->plugin && p->plugin->name
		                     ? p->plugin->name : "?",
		                     p->init_error ? p->init_error
		                                   : "init failed");
		n = check(c, json_object());
		set(c, n, "level", jstr(c, "warning"));
		set(c, n, "message", text_obj(c, text));
		append(c, notes, n);
		free(text);
	}
	set(c, o, "toolExecutionNotifications", notes);
	return o;
}

static json_t *build_run(sctx *c)
{
	json_t *run = check(c, json_object());
	json_t *tool = check(c, json_object());
	json_t *results = check(c, json_array());
	json_t *invs = check(c, json_array());
	json_t *props = check(c, json_object());

	set(c, tool, "driver", build_driver(c));
	set(c, run, "tool", tool);
	set(c, run, "originalUriBaseIds", build_base_ids(c));
	append(c, invs, build_invocation(c));
	set(c, run, "invocations", invs);
	for (size_t i = 0; i < c->a->findings.len; i++)
		append(c, results, build_result(c, i));
	set(c, run, "results", results);
	set(c, props, "pedigree/verdict",
	    jstr(c, c->a->failed ? "fail" : "pass"));
	if (c->a->policy)
		set(c, props, "pedigree/policy",
		    jstr(c, pdg_policy_name(c->a->policy)));
	set(c, run, "properties", props);
	return run;
}

int pdg_report_write_sarif(const pdg_audit *a, FILE *out)
{
	sctx c = { a, 0, NULL, 0, NULL };
	json_t *root = check(&c, json_object());
	json_t *runs = check(&c, json_array());

	collect_rules(&c);
	c.fingerprints = build_fingerprints(&a->findings);
	set(&c, root, "$schema", jstr(&c, SARIF_SCHEMA));
	set(&c, root, "version", jstr(&c, "2.1.0"));
	append(&c, runs, build_run(&c));
	set(&c, root, "runs", runs);
	free(c.rules);
	for (size_t i = 0; i < a->findings.len; i++)
		free(c.fingerprints[i]);
	free(c.fingerprints);
	return pdg_report_dump_json(root, c.failed, out);
}
