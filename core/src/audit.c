/* audit.c - the engine: sources -> artifacts -> plugins -> findings.
 *
 * One audit reads every input the user passed, classifies each artifact,
 * hands it to the plugins that asked for its kind, and collects their
 * findings.  Nested archives are walked from inside the artifact callback
 * so nothing ever touches the disk.  Verdicts are computed at the end from
 * findings alone: detectors never decide.
 */
#include <limits.h>
#include <stdarg.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "classify.h"
#include "consistency.h"
#include "error.h"
#include "kb/kb.h"
#include "license_history.h"
#include "util.h"

/* Progress is redrawn every this many artifacts when enabled. */
#define PROGRESS_EVERY 2048

/* ---- host API offered to plugins ------------------------------------ */

static const char *host_artifact_path(const pdg_artifact *a)
{
	return a->path;
}

static pdg_artifact_kind host_artifact_kind(const pdg_artifact *a)
{
	return a->kind;
}

static uint64_t host_artifact_size(const pdg_artifact *a)
{
	return pdg_artifact_size((struct pdg_artifact *)a);
}

static uint32_t host_artifact_flags(const pdg_artifact *a)
{
	return a->flags;
}

static const char *host_artifact_commit(const pdg_artifact *a)
{
	return a->commit;
}

static const char *host_artifact_component(const pdg_artifact *a)
{
	return a->component;
}

/* Plugins get const artifacts; reading fills the (mutable) head cache,
 * which is an implementation detail they cannot observe. */
static int host_artifact_head(const pdg_artifact *a, size_t max,
                              const uint8_t **data, size_t *len)
{
	return pdg_artifact_head((struct pdg_artifact *)a, max, data, len);
}

static int64_t host_artifact_read_at(const pdg_artifact *a, void *buf,
                                     size_t len, uint64_t off)
{
	return pdg_artifact_read_at((struct pdg_artifact *)a, buf, len, off);
}

static void host_log(const char *plugin, const char *message)
{
	const char *v = getenv("PEDIGREE_VERBOSE");

	if (v && *v && strcmp(v, "0") != 0)
		fprintf(stderr, "pedigree: [%s] %s\n",
		        plugin ? plugin : "?", message);
}

/* The user's --limit for this plugin, else the plugin's default.  Names
 * were checked against the plugins' declarations in pdg_audit_new(). */
static uint64_t host_limit(pdg_emitter *e, const char *name,
                           uint64_t fallback)
{
	const pdg_audit_options *o;
	size_t n;

	if (!e || !e->audit || !e->plugin || !name)
		return fallback;
	n = strlen(e->plugin->name);
	if (strncmp(name, e->plugin->name, n) != 0 || name[n] != '.')
		return fallback;
	o = &e->audit->opts;
	for (size_t i = 0; i < o->nplugin_limits; i++)
		if (strcmp(o->plugin_limits[i].name, name) == 0)
			return o->plugin_limits[i].value;
	return fallback;
}

static const pdg_host_api host_api = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_host_api),
	.artifact_path = host_artifact_path,
	.artifact_kind = host_artifact_kind,
	.artifact_size = host_artifact_size,
	.artifact_flags = host_artifact_flags,
	.artifact_commit = host_artifact_commit,
	.artifact_component = host_artifact_component,
	.artifact_head = host_artifact_head,
	.artifact_read_at = host_artifact_read_at,
	.emit = pdg_emit,
	.last_error = pdg_error_last,
	.log = host_log,
	.limit = host_limit,
};

const pdg_host_api *pdg_host_api_get(void)
{
	return &host_api;
}

/* A descriptor from an older plugin may be shorter than ours: read a field
 * only when the plugin's struct holds it. */
#define DESC_HAS(f, field) \
	((f)->struct_size >= offsetof(pdg_finding_desc, field) + \
	                     sizeof((f)->field))

int pdg_emit(pdg_emitter *e, const pdg_artifact *a,
             const pdg_finding_desc *f)
{
	pdg_finding out;

	if (!e || !f)
		return pdg_error_set(PDG_EINVALID, "emit: no emitter or "
		                     "finding");
	if (!DESC_HAS(f, message))
		return pdg_error_set(PDG_EINVALID, "emit: finding descriptor "
		                     "too small (%u bytes)",
		                     (unsigned)f->struct_size);
	memset(&out, 0, sizeof(out));
	out.kind = f->kind;
	out.severity = f->severity;
	out.confidence = f->confidence;
	out.rule = f->rule;
	out.message = f->message;
	out.subject = DESC_HAS(f, subject) ? f->subject : NULL;
	out.component = DESC_HAS(f, component) ? f->component : NULL;
	out.path = DESC_HAS(f, path) ? f->path : NULL;
	out.line_start = DESC_HAS(f, line_start) ? f->line_start : 0;
	out.line_end = DESC_HAS(f, line_end) ? f->line_end : 0;
	out.byte_offset = DESC_HAS(f, byte_offset) ? f->byte_offset : -1;
	out.properties = DESC_HAS(f, properties) ? f->properties : NULL;
	out.plugin = e->plugin ? e->plugin->name : "core";
	out.source = e->source;
	if (a) {
		out.source = a->source;
		out.commit = a->commit;
		if (!out.path)
			out.path = a->path;
		if (!out.component)
			out.component = a->component;
	}
	if (!out.component)
		out.component = e->component;
	if (out.byte_offset < -1)
		out.byte_offset = -1;
	return pdg_findings_add(&e->audit->findings, &out);
}

/* ---- audit lifecycle ------------------------------------------------ */

static int plugin_cmp(const void *pa, const void *pb)
{
	const pdg_audit_plugin *a = pa, *b = pb;

	return strcmp(a->plugin->name, b->plugin->name);
}

/* Every --limit must name a limit a loaded plugin declared: a typo
 * would otherwise leave the default silently in force. */
static int check_limit_settings(const pdg_audit *a)
{
	const pdg_plugin_set *set = a->plugins;

	for (size_t i = 0; i < a->opts.nplugin_limits; i++) {
		const char *name = a->opts.plugin_limits[i].name;
		int found = 0;

		for (size_t p = 0; p < set->len && !found; p++) {
			const pdg_limit_desc *l = set->items[p].info.limits;

			for (size_t k = 0; set->items[p].info.loaded && l &&
			     l[k].name && !found; k++)
				found = name && strcmp(l[k].name, name) == 0;
		}
		if (!found)
			return pdg_error_set(PDG_EUSAGE, "unknown limit '%s'; "
			                     "'pedigree plugins --limits' lists "
			                     "them", name ? name : "");
	}
	return 0;
}

int pdg_audit_new(pdg_audit **out, const pdg_audit_options *o)
{
	pdg_audit_options defaults = PDG_AUDIT_OPTIONS_INIT;
	pdg_audit *a;
	int rc;

	*out = NULL;
	if (o && o->version != PDG_AUDIT_OPTIONS_VERSION)
		return pdg_error_set(PDG_EUSAGE, "audit options version %u "
		                     "not supported", o->version);
	a = pdg_xcalloc(1, sizeof(*a));
	a->opts = o ? *o : defaults;
	a->texts = pdg_texts_new();
	a->findings.max_per_rule = (size_t)a->opts.limits.max_findings;
	rc = pdg_plugin_set_load(&a->plugins, a->opts.plugin_path);
	if (rc == 0)
		rc = check_limit_settings(a);
	if (rc < 0) {
		pdg_audit_free(a);
		return rc;
	}
	size_t n = pdg_plugin_set_count(a->plugins);
	a->active = pdg_xcalloc(n ? n : 1, sizeof(*a->active));
	for (size_t i = 0; i < n; i++) {
		const pdg_plugin *p = a->plugins->items[i].plugin;
		if (!p)
			continue;
		pdg_audit_plugin *ap = &a->active[a->nactive++];
		ap->plugin = p;
		pdg_error_clear();
		if (p->init(&host_api, &ap->state) < 0) {
			ap->init_failed = 1;
			ap->init_error = pdg_xstrdup(pdg_error_last());
			ap->state = NULL;
		}
	}
	qsort(a->active, a->nactive, sizeof(*a->active), plugin_cmp);
	*out = a;
	return 0;
}

/* The component an input describes: its directory or file name, without
 * the suffixes that only say how it is packed. */
static char *component_of(const char *path)
{
	char resolved[PATH_MAX];
	char *base;

	if (realpath(path, resolved))
		base = pdg_path_basename(resolved);
	else
		base = pdg_path_basename(path);
	pdg_strip_packing_suffix(base);
	return base;
}

static void add_finding(pdg_audit *a, pdg_audit_source *src,
                        pdg_finding_kind kind, pdg_severity sev,
                        const char *rule, const char *path,
                        const char *commit, int64_t off,
                        const char *properties, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));

static void add_finding(pdg_audit *a, pdg_audit_source *src,
                        pdg_finding_kind kind, pdg_severity sev,
                        const char *rule, const char *path,
                        const char *commit, int64_t off,
                        const char *properties, const char *fmt, ...)
{
	pdg_finding f;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.severity = sev;
	f.confidence = 1.0;
	f.rule = rule;
	f.message = msg ? msg : rule;
	f.component = src->component;
	f.plugin = "core";
	f.source = src->path;
	f.path = path;
	f.commit = commit;
	f.byte_offset = off;
	f.properties = properties;
	/* Core findings are well-formed by construction. */
	(void)pdg_findings_add(&a->findings, &f);
	free(msg);
}

struct walk_ctx {
	pdg_audit *audit;
	pdg_audit_source *src;
};

static void keep_artifact(pdg_audit *a, struct pdg_artifact *art)
{
	/* The report lists at most max_artifacts; the counts per kind stay
	 * exact. */
	if (a->nartifacts >= a->opts.limits.max_artifacts) {
		a->artifacts_dropped++;
		return;
	}
	if (a->nartifacts == a->cap_artifacts) {
		a->cap_artifacts = a->cap_artifacts ? a->cap_artifacts * 2
		                                    : 64;
		a->artifacts = pdg_xrealloc(a->artifacts, a->cap_artifacts *
		                            sizeof(*a->artifacts));
	}
	pdg_audit_artifact *k = &a->artifacts[a->nartifacts++];
	memset(k, 0, sizeof(*k));
	k->source = pdg_xstrdup(art->source);
	k->path = pdg_xstrdup(art->path);
	k->commit = art->commit ? pdg_xstrdup(art->commit) : NULL;
	k->kind = art->kind;
	k->size = pdg_artifact_size(art);
	k->flags = art->flags;
	if (art->flags & PDG_ARTIFACT_LFS_POINTER) {
		k->lfs_oid = pdg_xstrdup(art->lfs_oid);
		k->lfs_size = art->lfs_size;
	}
}

/* Model cards and licence-bearing files of the repositories themselves
 * (not archive members) are kept so that obligations can be checked after
 * every detector has run. */
static void keep_text(pdg_audit *a, pdg_audit_source *src,
                      struct pdg_artifact *art)
{
	const uint8_t *data;
	size_t len;

	if ((art->kind != PDG_KIND_MODEL_CARD &&
	     art->kind != PDG_KIND_LICENSE) ||
	    (art->flags & (PDG_ARTIFACT_IN_ARCHIVE | PDG_ARTIFACT_LFS_POINTER)))
		return;
	/* The whole head, so that clarifications can hash the file; only
	 * its first PDG_TEXTS_MAX_DOC bytes are kept. */
	if (pdg_artifact_head(art, SIZE_MAX, &data, &len) < 0)
		return;         /* the plugins report unreadable files */
	if (pdg_texts_add(a->texts, src->component, src->path, art->path,
	                  art->commit, art->kind, data, len,
	                  pdg_artifact_size(art)) < 0 && !a->texts_full++)
		add_finding(a, src, PDG_FINDING_INPUT, PDG_SEVERITY_INFO,
		            "core.texts-full", art->path, art->commit, -1, NULL,
		            "%s; later model cards and licence files are not "
		            "checked for notices either", pdg_error_last());
}

static void progress(const pdg_audit *a, const pdg_audit_source *src,
                     int done)
{
	if (!a->opts.progress)
		return;
	if (done)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\rpedigree: %s: %llu files", src->path,
		        (unsigned long long)src->artifacts);
	fflush(stderr);
}

static void run_plugins(pdg_audit *a, pdg_audit_source *src,
                        struct pdg_artifact *art)
{
	for (size_t i = 0; i < a->nactive; i++) {
		pdg_audit_plugin *ap = &a->active[i];
		if (ap->init_failed ||
		    !(ap->plugin->kinds & PDG_KIND_BIT(art->kind)))
			continue;
		pdg_emitter em = { a, ap->plugin, src->path, src->component };
		pdg_error_clear();
		if (ap->plugin->scan(ap->state, art, &em) < 0)
			add_finding(a, src, PDG_FINDING_INPUT,
			            PDG_SEVERITY_WARNING, "core.plugin-failed",
			            art->path, art->commit, -1, NULL,
			            "plugin %s could not read %s: %s",
			            ap->plugin->name, art->path,
			            pdg_error_last());
	}
}

static int on_artifact(pdg_walk *w, struct pdg_artifact *art, void *payload)
{
	struct walk_ctx *c = payload;
	pdg_audit *a = c->audit;
	pdg_audit_source *src = c->src;
	int rc;

	src->artifacts++;
	if (src->artifacts % PROGRESS_EVERY == 0)
		progress(a, src, 0);
	rc = pdg_classify(art);
	if (rc < 0) {
		add_finding(a, src, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		            "source.unreadable", art->path, art->commit, -1,
		            NULL, "%s", pdg_error_last());
		return 0;
	}
	src->kind_counts[art->kind]++;
	if (art->kind != PDG_KIND_OTHER ||
	    (art->flags & PDG_ARTIFACT_LFS_POINTER))
		keep_artifact(a, art);
	if (art->flags & PDG_ARTIFACT_LFS_POINTER) {
		/* The data lives on an LFS server; what we hold is a pointer.
		 * Plugins would misread it, so they never see it. */
		char props[160];
		snprintf(props, sizeof(props),
		         "{\"oid\":\"%s\",\"size\":%llu}", art->lfs_oid,
		         (unsigned long long)art->lfs_size);
		add_finding(a, src, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
		            "source.lfs-pointer", art->path, art->commit, -1,
		            props, "Git LFS pointer to %llu bytes (%s); the "
		            "content is not in the repository",
		            (unsigned long long)art->lfs_size, art->lfs_oid);
		return 0;
	}
	keep_text(a, src, art);
	run_plugins(a, src, art);
	if (art->kind == PDG_KIND_ARCHIVE && !w->expand_exceeded) {
		rc = pdg_source_archive_walk_artifact(w, art);
		if (rc < 0)
			add_finding(a, src, PDG_FINDING_INPUT,
			            PDG_SEVERITY_WARNING, "source.archive-"
			            "unreadable", art->path, art->commit, -1,
			            NULL, "%s", pdg_error_last());
	}
	return 0;
}

static void on_problem(pdg_walk *w, const pdg_problem *p, void *payload)
{
	struct walk_ctx *c = payload;

	(void)w;
	add_finding(c->audit, c->src, PDG_FINDING_INPUT, p->severity,
	            p->rule, p->path, p->commit, p->byte_offset, NULL, "%s",
	            p->message);
}

static int add_input(pdg_audit *a, const char *path, const char *component,
                     pdg_component_role role)
{
	pdg_source_type type;
	int rc;

	if (a->finished)
		return pdg_error_set(PDG_ERROR, "audit already finished");
	rc = pdg_source_detect(&type, path, a->opts.rev);
	if (rc < 0)
		return rc;
	a->sources = pdg_xrealloc(a->sources,
	                          (a->nsources + 1) * sizeof(*a->sources));
	pdg_audit_source *src = &a->sources[a->nsources++];
	memset(src, 0, sizeof(*src));
	src->path = pdg_xstrdup(path);
	src->type = type;
	src->component = component ? pdg_xstrdup(component)
	                           : component_of(path);
	src->role = role;

	struct walk_ctx ctx = { a, src };
	pdg_source_cb cb = { on_artifact, on_problem, &ctx };
	pdg_walk w;
	memset(&w, 0, sizeof(w));
	w.limits = &a->opts.limits;
	w.cb = &cb;
	w.source = src->path;
	w.component = src->component;

	switch (type) {
	case PDG_SOURCE_DIR:
		rc = pdg_source_dir_walk(&w, path);
		break;
	case PDG_SOURCE_GIT:
		rc = pdg_source_git_walk(&w, path, a->opts.rev, &src->commit);
		break;
	case PDG_SOURCE_ARCHIVE:
		rc = pdg_source_archive_walk_file(&w, path);
		break;
	default:
		rc = pdg_source_file_walk(&w, path);
		break;
	}
	progress(a, src, 1);
	/* How the licence files changed over the history (a working tree
	 * from HEAD); a directory that is no repository has none. */
	if (rc >= 0 && (type == PDG_SOURCE_GIT || type == PDG_SOURCE_DIR))
		(void)pdg_license_history(&a->findings, path, type ==
		                          PDG_SOURCE_GIT ? a->opts.rev : NULL,
		                          a->opts.limits.max_history,
		                          src->component, src->path);
	return rc < 0 ? rc : 0;
}

int pdg_audit_add_path(pdg_audit *a, const char *path)
{
	return add_input(a, path, NULL, PDG_ROLE_MODEL);
}

int pdg_audit_add_component(pdg_audit *a, const char *id, const char *path)
{
	if (!id || !*id || strchr(id, '=') || strpbrk(id, " \t\n"))
		return pdg_error_set(PDG_EUSAGE, "component id '%s' is not a "
		                     "model id (org/name or name)",
		                     id ? id : "");
	return add_input(a, path, id, PDG_ROLE_BASE);
}

int pdg_audit_add_dataset(pdg_audit *a, const char *path)
{
	return add_input(a, path, NULL, PDG_ROLE_DATASET);
}

int pdg_audit_set_policy(pdg_audit *a, const char *path)
{
	pdg_policy *p = NULL;
	int rc;

	if (a->finished)
		return pdg_error_set(PDG_ERROR, "audit already finished");
	rc = pdg_policy_load(&p, path);
	if (rc < 0)
		return rc;
	pdg_policy_free(a->policy);
	a->policy = p;
	return 0;
}

const char *pdg_audit_policy_name(const pdg_audit *a)
{
	return a->policy ? pdg_policy_name(a->policy) : NULL;
}

/* Join the findings into the lineage graph and check what flows along
 * it.  Without a knowledge base there is nothing to apply: the graph
 * still shows the components. */
static void build_lineage(pdg_audit *a)
{
	pdg_lineage_input *in = pdg_xcalloc(a->nsources ? a->nsources : 1,
	                                    sizeof(*in));
	pdg_kb *kb = NULL;

	for (size_t i = 0; i < a->nsources; i++) {
		in[i].component = a->sources[i].component;
		in[i].source = a->sources[i].path;
		in[i].role = a->sources[i].role;
	}
	if (pdg_kb_load_default(&kb) < 0)
		kb = NULL;
	pdg_lineage_build(&a->lineage, &a->findings, in, a->nsources,
	                  a->texts, kb, pdg_policy_intent(a->policy));
	pdg_kb_free(kb);
	free(in);
}

int pdg_audit_finish(pdg_audit *a)
{
	if (a->finished)
		return 0;
	const char *comp = a->nsources ? a->sources[0].component : "";
	const char *srcp = a->nsources ? a->sources[0].path : NULL;
	for (size_t i = 0; i < a->nactive; i++) {
		pdg_audit_plugin *ap = &a->active[i];
		if (ap->init_failed || !ap->plugin->finish)
			continue;
		pdg_emitter em = { a, ap->plugin, srcp, comp };
		pdg_error_clear();
		if (ap->plugin->finish(ap->state, &em) < 0 && a->nsources) {
			add_finding(a, &a->sources[0], PDG_FINDING_INPUT,
			            PDG_SEVERITY_WARNING, "core.plugin-failed",
			            NULL, NULL, -1, NULL,
			            "plugin %s failed to finish: %s",
			            ap->plugin->name, pdg_error_last());
		}
	}
	for (size_t i = 0; i < a->nactive; i++) {
		pdg_audit_plugin *ap = &a->active[i];
		if (ap->init_failed && a->nsources)
			add_finding(a, &a->sources[0], PDG_FINDING_INPUT,
			            PDG_SEVERITY_WARNING, "core.plugin-init",
			            NULL, NULL, -1, NULL,
			            "plugin %s did not start: %s",
			            ap->plugin->name, ap->init_error);
	}
	if (!a->policy && pdg_policy_load(&a->policy, "default") < 0)
		return pdg_error_set(PDG_ERROR, "the built-in default policy "
		                     "does not load: %s", pdg_error_last());
	pdg_policy_clarify(a->policy, &a->findings, a->texts);
	if (a->artifacts_dropped && a->nsources)
		add_finding(a, &a->sources[0], PDG_FINDING_INPUT,
		            PDG_SEVERITY_INFO, "core.artifacts-truncated", NULL,
		            NULL, -1, NULL, "%llu more artifacts were not listed "
		            "in the report (limit max_artifacts %llu); the counts "
		            "per kind include them",
		            (unsigned long long)a->artifacts_dropped,
		            (unsigned long long)a->opts.limits.max_artifacts);
	for (size_t i = 0; i < a->nsources; i++) {
		int dup = 0;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->sources[j].component,
			            a->sources[i].component))
				dup = 1;
		if (!dup)
			pdg_consistency_check(&a->findings,
			                      a->sources[i].component,
			                      a->sources[i].path);
	}
	build_lineage(a);
	pdg_policy_check_licenses(a->policy, &a->lineage, &a->findings);
	pdg_findings_sort(&a->findings);

	/* --fail-on error is the default policy's own rule; other levels
	 * tighten whatever policy is in force. */
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	int fail_on = a->opts.fail_on != PDG_SEVERITY_ERROR
	              ? (int)a->opts.fail_on : -1;
	a->failed = pdg_policy_judge(a->policy, &a->findings, fail_on,
	                             a->opts.no_fail, today);
	a->finished = 1;
	return 0;
}

int pdg_audit_failed(const pdg_audit *a)
{
	return a->failed;
}

size_t pdg_audit_finding_count(const pdg_audit *a)
{
	return a->findings.len;
}

const pdg_finding *pdg_audit_finding(const pdg_audit *a, size_t i)
{
	return i < a->findings.len ? &a->findings.items[i] : NULL;
}

void pdg_audit_free(pdg_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nactive; i++) {
		if (!a->active[i].init_failed && a->active[i].plugin->free)
			a->active[i].plugin->free(a->active[i].state);
		free(a->active[i].init_error);
	}
	free(a->active);
	pdg_plugin_set_free(a->plugins);
	for (size_t i = 0; i < a->nsources; i++) {
		free(a->sources[i].path);
		free(a->sources[i].commit);
		free(a->sources[i].component);
	}
	free(a->sources);
	for (size_t i = 0; i < a->nartifacts; i++) {
		free(a->artifacts[i].source);
		free(a->artifacts[i].path);
		free(a->artifacts[i].commit);
		free(a->artifacts[i].lfs_oid);
	}
	free(a->artifacts);
	pdg_findings_clear(&a->findings);
	pdg_texts_free(a->texts);
	pdg_lineage_clear(&a->lineage);
	pdg_policy_free(a->policy);
	free(a);
}
