/* test_report.c - JSON and text reports, format names, schema validation.
 *
 * The audit is built by hand (struct pdg_audit is internal) so every
 * field of the report can be checked against known values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "pdg_config.h"
#include "audit.h"
#include "findings.h"
#include "report.h"
#include "report_util.h"
#include "util.h"

#define COMMIT_A "0123456789abcdef0123456789abcdef01234567"
#define LFS_OID "sha256:" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BAD_PATH "weights/bad\xff\x01name.bin"

static const pdg_plugin plugin_license = {
	PDG_PLUGIN_ABI_VERSION, sizeof(pdg_plugin), "license", "1.2.0",
	"licences", 0, 0, NULL, NULL, NULL, NULL, NULL
};
static const pdg_plugin plugin_broken = {
	PDG_PLUGIN_ABI_VERSION, sizeof(pdg_plugin), "broken", "0.1",
	"fails", 0, 0, NULL, NULL, NULL, NULL, NULL
};

/* ---- building the audit ---- */

static void add_source(pdg_audit *a, const char *path, pdg_source_type t,
                       const char *commit, const char *component)
{
	a->sources = pdg_xrealloc(a->sources,
	                          (a->nsources + 1) * sizeof(*a->sources));
	pdg_audit_source *s = &a->sources[a->nsources++];

	memset(s, 0, sizeof(*s));
	s->path = pdg_xstrdup(path);
	s->type = t;
	s->commit = commit ? pdg_xstrdup(commit) : NULL;
	s->component = pdg_xstrdup(component);
}

static void add_artifact(pdg_audit *a, const char *source, const char *path,
                         pdg_artifact_kind kind, uint64_t size,
                         const char *commit, const char *lfs_oid)
{
	if (a->nartifacts == a->cap_artifacts) {
		a->cap_artifacts = a->cap_artifacts ? a->cap_artifacts * 2 : 4;
		a->artifacts = pdg_xrealloc(a->artifacts, a->cap_artifacts *
		                            sizeof(*a->artifacts));
	}
	pdg_audit_artifact *x = &a->artifacts[a->nartifacts++];

	memset(x, 0, sizeof(*x));
	x->source = pdg_xstrdup(source);
	x->path = pdg_xstrdup(path);
	x->commit = commit ? pdg_xstrdup(commit) : NULL;
	x->kind = kind;
	x->size = size;
	if (lfs_oid) {
		x->flags = PDG_ARTIFACT_LFS_POINTER;
		x->lfs_oid = pdg_xstrdup(lfs_oid);
		x->lfs_size = 123456789;
	}
}

typedef struct fdesc {
	const char *component;
	pdg_severity sev;
	pdg_finding_kind kind;
	const char *rule;
	const char *source;
	const char *path;
	const char *commit;
	uint32_t line_start, line_end;
	int64_t offset;
	const char *subject;
	const char *properties;
} fdesc;

static void add_finding(pdg_audit *a, const fdesc *d)
{
	pdg_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = d->kind;
	f.severity = d->sev;
	f.confidence = 0.9;
	f.rule = d->rule;
	f.message = "Something was found.";
	f.subject = d->subject;
	f.component = d->component;
	f.plugin = "license";
	f.source = d->source;
	f.path = d->path;
	f.commit = d->commit;
	f.line_start = d->line_start;
	f.line_end = d->line_end;
	f.byte_offset = d->offset;
	f.properties = d->properties;
	assert_int_equal(pdg_findings_add(&a->findings, &f), 0);
}

/* Added out of order on purpose: the report must follow the sorted
 * store, not insertion order. */
static const fdesc findings_in[] = {
	{ "acme/model", PDG_SEVERITY_INFO, PDG_FINDING_METADATA,
	  "meta.header", "repo-a", "model.safetensors", COMMIT_A, 0, 0, 1024,
	  NULL, NULL },
	{ "acme/model", PDG_SEVERITY_WARNING, PDG_FINDING_TERMS,
	  "terms.use-policy", "repo-a", "LICENSE", COMMIT_A, 3, 0, -1,
	  "acceptable-use", NULL },
	{ "acme/model", PDG_SEVERITY_ERROR, PDG_FINDING_LICENSE,
	  "license.mismatch", "repo-a", "LICENSE", COMMIT_A, 3, 5, -1,
	  "Apache-2.0", NULL },
	{ "acme/model", PDG_SEVERITY_ERROR, PDG_FINDING_SECURITY,
	  "pickle.global", "repo-a", "pytorch_model.bin", COMMIT_A, 0, 0, 77,
	  NULL, "{\"opcodes\": [\"GLOBAL\", \"REDUCE\"], \"count\": 2, "
	  "\"ratio\": 0.5}" },
	{ "acme/model", PDG_SEVERITY_INFO, PDG_FINDING_LINEAGE,
	  "lineage.base-model", "repo-a", NULL, COMMIT_A, 0, 0, -1,
	  "meta/base-7b", NULL },
	{ "acme/other", PDG_SEVERITY_WARNING, PDG_FINDING_INPUT,
	  "source.unreadable", "dir-b", BAD_PATH, NULL, 0, 0, -1, NULL,
	  NULL },
	{ "acme/other", PDG_SEVERITY_WARNING, PDG_FINDING_DATASET_ORIGIN,
	  "data.generated-by", "dir-b", "data/train.jsonl", NULL, 2, 2, -1,
	  "some-provider", NULL },
	{ "acme/other", PDG_SEVERITY_ERROR, PDG_FINDING_CONFLICT,
	  "policy.conflict", "dir-b", "README.md", NULL, 10, 12, -1, NULL,
	  NULL },
};
#define NFINDINGS (sizeof(findings_in) / sizeof(findings_in[0]))

static void build_audit(pdg_audit *a)
{
	memset(a, 0, sizeof(*a));
	add_source(a, "repo-a", PDG_SOURCE_GIT, COMMIT_A, "acme/model");
	add_source(a, "dir-b", PDG_SOURCE_DIR, NULL, "acme/other");
	a->sources[0].artifacts = 6;
	a->sources[0].kind_counts[PDG_KIND_LICENSE] = 1;
	a->sources[0].kind_counts[PDG_KIND_SAFETENSORS] = 1;
	a->sources[0].kind_counts[PDG_KIND_PICKLE] = 1;
	a->sources[0].kind_counts[PDG_KIND_MODEL_CARD] = 1;
	a->sources[0].kind_counts[PDG_KIND_OTHER] = 2;
	a->sources[1].artifacts = 3;
	a->sources[1].kind_counts[PDG_KIND_DATASET] = 1;
	a->sources[1].kind_counts[PDG_KIND_MODEL_CARD] = 1;
	a->sources[1].kind_counts[PDG_KIND_OTHER] = 1;

	/* Out of order: the report sorts them. */
	add_artifact(a, "repo-a", "model.safetensors", PDG_KIND_SAFETENSORS,
	             130, COMMIT_A, LFS_OID);
	add_artifact(a, "dir-b", "data/train.jsonl", PDG_KIND_DATASET, 4096,
	             NULL, NULL);
	add_artifact(a, "repo-a", "LICENSE", PDG_KIND_LICENSE, 11357,
	             COMMIT_A, NULL);
	add_artifact(a, "dir-b", "README.md", PDG_KIND_MODEL_CARD, 300,
	             NULL, NULL);
	add_artifact(a, "repo-a", "README.md", PDG_KIND_MODEL_CARD, 900,
	             COMMIT_A, NULL);
	add_artifact(a, "repo-a", "pytorch_model.bin", PDG_KIND_PICKLE, 5000,
	             COMMIT_A, NULL);

	a->active = pdg_xcalloc(2, sizeof(*a->active));
	a->nactive = 2;
	a->active[0].plugin = &plugin_license;
	a->active[1].plugin = &plugin_broken;
	a->active[1].init_failed = 1;
	a->active[1].init_error = pdg_xstrdup("cannot read its data");

	for (size_t i = 0; i < NFINDINGS; i++)
		add_finding(a, &findings_in[i]);
	pdg_findings_sort(&a->findings);

	/* The lineage of two inputs with no edges, judged by the default
	 * policy: what pdg_audit_finish() would do without a KB. */
	pdg_lineage_input in[2] = {
		{ "acme/model", "repo-a", PDG_ROLE_MODEL },
		{ "acme/other", "dir-b", PDG_ROLE_MODEL },
	};
	a->texts = pdg_texts_new();
	assert_int_equal(pdg_lineage_build(&a->lineage, &a->findings, in, 2,
	                                   a->texts, NULL, NULL), 0);
	assert_int_equal(pdg_policy_load(&a->policy, "default"), 0);
	a->failed = pdg_policy_judge(a->policy, &a->findings, -1, 0,
	                             "2026-01-01");
	a->finished = 1;
}

static void free_audit(pdg_audit *a)
{
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
	for (size_t i = 0; i < a->nactive; i++)
		free(a->active[i].init_error);
	free(a->active);
	pdg_findings_clear(&a->findings);
	pdg_lineage_clear(&a->lineage);
	pdg_texts_free(a->texts);
	pdg_policy_free(a->policy);
}

/* ---- helpers ---- */

typedef struct fixture {
	char dir[4096];
	pdg_audit audit;
} fixture;

static int setup(void **state)
{
	fixture *fx = pdg_xcalloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	snprintf(fx->dir, sizeof(fx->dir), "%s/pdg-report-XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	build_audit(&fx->audit);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	char cmd[4200];

	free_audit(&fx->audit);
	/* Only files this test wrote live there; the names are ours. */
	static const char *const names[] = {
		"r1.json", "r2.json", "broken.json", "extra.json",
		"err.txt", "empty.json"
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", fx->dir, names[i]);
		unlink(cmd);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static char *path_in(const fixture *fx, const char *name)
{
	return pdg_xasprintf("%s/%s", fx->dir, name);
}

/* Report into a string through a memory stream. */
static char *render(const pdg_audit *a, pdg_report_format f, int color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(pdg_report_write(a, f, m, color), 0);
	fclose(m);
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void write_report(const pdg_audit *a, const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(pdg_report_write(a, PDG_REPORT_JSON, f, 0), 0);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	pdg_buf b = PDG_BUF_INIT;
	char chunk[4096];
	size_t n;

	assert_non_null(f);
	pdg_buf_put(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pdg_buf_put(&b, chunk, n);
	fclose(f);
	return b.ptr;
}

/* Exit status of validate_report.py on `file`; stderr to `err`. */
static int validate(const char *file, const char *err)
{
	const char *root = getenv("PEDIGREE_SOURCE_ROOT");
	char *cmd;
	int st;

	if (!root || !*root)
		root = PDG_SOURCE_ROOT;
	cmd = pdg_xasprintf("python3 '%s/tests/tools/validate_report.py' "
	                    "'%s' 2>'%s'", root, file, err);
	st = system(cmd);
	free(cmd);
	assert_int_not_equal(st, -1);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

	if (!j)
		fail_msg("report is not JSON: %s (line %d)", jerr.text,
		         jerr.line);
	return j;
}

static const char *jget_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t jget_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* ---- tests ---- */

static void test_format_parse(void **state)
{
	pdg_report_format f = PDG_REPORT_TEXT;

	(void)state;
	assert_int_equal(pdg_report_format_parse(&f, "json"), 0);
	assert_int_equal(f, PDG_REPORT_JSON);
	assert_int_equal(pdg_report_format_parse(&f, "text"), 0);
	assert_int_equal(f, PDG_REPORT_TEXT);
	assert_int_equal(pdg_report_format_parse(&f, "xml"), PDG_EUSAGE);
	assert_non_null(strstr(pdg_error_last(), "text, json"));
	assert_int_equal(pdg_report_format_parse(&f, "JSON"), PDG_EUSAGE);
	assert_int_equal(pdg_report_format_parse(&f, ""), PDG_EUSAGE);
}

static void test_unfinished_refused(void **state)
{
	fixture *fx = *state;
	FILE *m;
	char *buf = NULL;
	size_t len = 0;

	fx->audit.finished = 0;
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	assert_int_equal(pdg_report_write(&fx->audit, PDG_REPORT_JSON, m, 0),
	                 PDG_ERROR);
	assert_int_equal(pdg_report_write(&fx->audit, PDG_REPORT_TEXT, m, 0),
	                 PDG_ERROR);
	fclose(m);
	assert_int_equal(len, 0);
	free(buf);
	fx->audit.finished = 1;
}

static void test_utf8_seq_len(void **state)
{
	static const struct {
		const char *s;
		size_t want;
	} cases[] = {
		{ "a", 1 },
		{ "\xc3\xa9", 2 },            /* é */
		{ "\xe2\x82\xac", 3 },        /* € */
		{ "\xf0\x9f\x98\x80", 4 },    /* emoji */
		{ "\xff", 0 },
		{ "\x80", 0 },                /* lone continuation */
		{ "\xc0\x80", 0 },            /* overlong NUL */
		{ "\xe0\x80\xaf", 0 },        /* overlong '/' */
		{ "\xed\xa0\x80", 0 },        /* surrogate */
		{ "\xf4\x90\x80\x80", 0 },    /* past U+10FFFF */
		{ "\xe2\x82", 0 },            /* truncated */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const unsigned char *p = (const unsigned char *)cases[i].s;

		assert_int_equal(pdg_utf8_seq_len(p, strlen(cases[i].s)),
		                 cases[i].want);
	}
	assert_int_equal(pdg_utf8_seq_len((const unsigned char *)"", 0), 0);
}

static void check_top(json_t *r)
{
	json_t *tool = json_object_get(r, "tool");

	assert_string_equal(jget_str(r, "schema"), "pedigree-report");
	assert_int_equal(jget_int(r, "schema_version"), 2);
	assert_string_equal(jget_str(json_object_get(r, "policy"), "name"),
	                    "default");
	assert_true(json_is_array(json_object_get(r, "edges")));
	assert_true(json_is_array(json_object_get(r, "obligations")));
	assert_string_equal(jget_str(tool, "name"), "pedigree");
	assert_string_equal(jget_str(tool, "version"), PDG_VERSION);
	assert_string_equal(jget_str(r, "verdict"), "fail");
}

static void check_summary(json_t *r)
{
	json_t *s = json_object_get(r, "summary");
	json_t *bs = json_object_get(s, "by_severity");
	json_t *bk = json_object_get(s, "by_kind");

	assert_int_equal(jget_int(s, "sources"), 2);
	assert_int_equal(jget_int(s, "artifacts"), 9);
	assert_int_equal(jget_int(s, "findings"), NFINDINGS);
	assert_int_equal(jget_int(bs, "error"), 3);
	assert_int_equal(jget_int(bs, "warning"), 3);
	assert_int_equal(jget_int(bs, "info"), 2);
	assert_int_equal(json_object_size(bk), PDG_FINDING_KIND_COUNT_);
	for (unsigned k = 0; k < PDG_FINDING_KIND_COUNT_; k++)
		assert_int_equal(jget_int(bk, pdg_finding_kind_name(k)), 1);
}

static void check_sources(json_t *r)
{
	json_t *src = json_object_get(r, "sources");
	json_t *a = json_array_get(src, 0), *b = json_array_get(src, 1);
	json_t *ka = json_object_get(a, "kinds");

	assert_int_equal(json_array_size(src), 2);
	assert_string_equal(jget_str(a, "path"), "repo-a");
	assert_string_equal(jget_str(a, "type"), "git");
	assert_string_equal(jget_str(a, "commit"), COMMIT_A);
	assert_string_equal(jget_str(a, "component"), "acme/model");
	assert_int_equal(jget_int(a, "artifacts"), 6);
	assert_int_equal(json_object_size(ka), 5);
	assert_int_equal(jget_int(ka, "other"), 2);
	assert_null(json_object_get(ka, "gguf"));
	assert_string_equal(jget_str(b, "type"), "directory");
	assert_null(json_object_get(b, "commit"));
}

static void check_components(json_t *r)
{
	json_t *c = json_object_get(r, "components");

	assert_int_equal(json_array_size(c), 2);
	assert_string_equal(jget_str(json_array_get(c, 0), "id"),
	                    "acme/model");
	assert_string_equal(jget_str(json_array_get(c, 1), "id"),
	                    "acme/other");
	assert_string_equal(jget_str(json_array_get(c, 0), "role"), "model");
}

static void check_artifacts(json_t *r)
{
	static const char *const order[][2] = {
		{ "dir-b", "README.md" }, { "dir-b", "data/train.jsonl" },
		{ "repo-a", "LICENSE" }, { "repo-a", "README.md" },
		{ "repo-a", "model.safetensors" },
		{ "repo-a", "pytorch_model.bin" },
	};
	json_t *arr = json_object_get(r, "artifacts");

	assert_int_equal(json_array_size(arr), 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *x = json_array_get(arr, i);

		assert_string_equal(jget_str(x, "source"), order[i][0]);
		assert_string_equal(jget_str(x, "path"), order[i][1]);
	}
	json_t *st = json_array_get(arr, 4), *lfs = json_object_get(st, "lfs");

	assert_string_equal(jget_str(st, "kind"), "safetensors");
	assert_int_equal(jget_int(st, "size"), 130);
	assert_string_equal(jget_str(lfs, "oid"), LFS_OID);
	assert_int_equal(jget_int(lfs, "size"), 123456789);
	assert_null(json_object_get(json_array_get(arr, 2), "lfs"));
	assert_null(json_object_get(json_array_get(arr, 0), "commit"));
	assert_string_equal(jget_str(json_array_get(arr, 2), "commit"),
	                    COMMIT_A);
}

static void check_plugins(json_t *r)
{
	json_t *arr = json_object_get(r, "plugins");
	json_t *p0 = json_array_get(arr, 0), *p1 = json_array_get(arr, 1);

	assert_int_equal(json_array_size(arr), 2);
	assert_string_equal(jget_str(p0, "name"), "broken");
	assert_string_equal(jget_str(p0, "error"), "cannot read its data");
	assert_null(json_object_get(p0, "version"));
	assert_string_equal(jget_str(p1, "name"), "license");
	assert_string_equal(jget_str(p1, "version"), "1.2.0");
	assert_null(json_object_get(p1, "error"));
}

static json_t *finding_by_rule(json_t *arr, const char *rule)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *f = json_array_get(arr, i);

		if (strcmp(jget_str(f, "rule"), rule) == 0)
			return f;
	}
	fail_msg("no finding with rule %s", rule);
	return NULL;
}

static int sev_rank(const char *s)
{
	return strcmp(s, "error") == 0 ? 2 : strcmp(s, "warning") == 0;
}

static void check_finding_order(json_t *arr)
{
	const char *prev_comp = "";
	int prev_sev = 3;

	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *f = json_array_get(arr, i);
		char want[32];
		int sev = sev_rank(jget_str(f, "severity"));
		const char *comp = jget_str(f, "component");

		snprintf(want, sizeof(want), "PDG-%04zu", i + 1);
		assert_string_equal(jget_str(f, "id"), want);
		assert_true(strcmp(prev_comp, comp) <= 0);
		if (strcmp(prev_comp, comp) == 0)
			assert_true(sev <= prev_sev);
		prev_comp = comp;
		prev_sev = sev;
	}
}

static void check_findings(json_t *r)
{
	json_t *arr = json_object_get(r, "findings");
	json_t *f, *ev, *props;

	assert_int_equal(json_array_size(arr), NFINDINGS);
	check_finding_order(arr);
	assert_string_equal(jget_str(json_array_get(arr, 0), "rule"),
	                    "license.mismatch");

	f = finding_by_rule(arr, "license.mismatch");
	ev = json_object_get(f, "evidence");
	assert_string_equal(jget_str(f, "kind"), "license");
	assert_string_equal(jget_str(f, "subject"), "Apache-2.0");
	assert_string_equal(jget_str(f, "plugin"), "license");
	assert_true(json_real_value(json_object_get(f, "confidence")) == 0.9);
	assert_string_equal(jget_str(ev, "source"), "repo-a");
	assert_string_equal(jget_str(ev, "path"), "LICENSE");
	assert_string_equal(jget_str(ev, "commit"), COMMIT_A);
	assert_int_equal(jget_int(ev, "line_start"), 3);
	assert_int_equal(jget_int(ev, "line_end"), 5);
	assert_null(json_object_get(ev, "byte_offset"));
	assert_null(json_object_get(f, "properties"));

	/* line_end 0 means a single line. */
	ev = json_object_get(finding_by_rule(arr, "terms.use-policy"),
	                     "evidence");
	assert_int_equal(jget_int(ev, "line_end"), 3);

	f = finding_by_rule(arr, "meta.header");
	ev = json_object_get(f, "evidence");
	assert_int_equal(jget_int(ev, "byte_offset"), 1024);
	assert_null(json_object_get(ev, "line_start"));
	assert_null(json_object_get(ev, "line_end"));
	assert_null(json_object_get(f, "subject"));

	f = finding_by_rule(arr, "lineage.base-model");
	ev = json_object_get(f, "evidence");
	assert_null(json_object_get(ev, "path"));
	assert_string_equal(jget_str(ev, "source"), "repo-a");

	f = finding_by_rule(arr, "pickle.global");
	props = json_object_get(f, "properties");
	assert_true(json_is_object(props));
	assert_int_equal(jget_int(props, "count"), 2);
	assert_true(json_real_value(json_object_get(props, "ratio")) == 0.5);
	assert_int_equal(json_array_size(json_object_get(props, "opcodes")),
	                 2);

	/* 0xff became U+FFFD; the control character survived, escaped. */
	f = finding_by_rule(arr, "source.unreadable");
	ev = json_object_get(f, "evidence");
	assert_string_equal(jget_str(ev, "path"),
	                    "weights/bad\xef\xbf\xbd\x01name.bin");
	assert_null(json_object_get(ev, "commit"));
}

static void test_json_structure(void **state)
{
	fixture *fx = *state;
	char *text = render(&fx->audit, PDG_REPORT_JSON, 0);
	json_t *r = parse(text);

	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	/* Indented with two spaces, keys sorted. */
	assert_non_null(strstr(text, "{\n  \"artifacts\": ["));
	assert_non_null(strstr(text, "\\u0001name.bin"));
	assert_null(strstr(text, "\xff"));
	check_top(r);
	check_summary(r);
	check_sources(r);
	check_components(r);
	check_artifacts(r);
	check_plugins(r);
	check_findings(r);
	json_decref(r);
	free(text);
}

static void test_json_deterministic(void **state)
{
	fixture *fx = *state;
	char *p1 = path_in(fx, "r1.json"), *p2 = path_in(fx, "r2.json");
	char *a, *b;

	write_report(&fx->audit, p1);
	write_report(&fx->audit, p2);
	a = slurp(p1);
	b = slurp(p2);
	assert_true(strlen(a) > 100);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(p1);
	free(p2);
}

static void test_json_validates(void **state)
{
	fixture *fx = *state;
	char *p = path_in(fx, "r1.json"), *err = path_in(fx, "err.txt");

	write_report(&fx->audit, p);
	assert_int_equal(validate(p, err), 0);
	free(p);
	free(err);
}

static void test_json_empty_validates(void **state)
{
	pdg_audit empty;
	char *p, *err, *text;
	json_t *r;

	memset(&empty, 0, sizeof(empty));
	empty.finished = 1;
	p = path_in(*state, "empty.json");
	err = path_in(*state, "err.txt");
	write_report(&empty, p);
	assert_int_equal(validate(p, err), 0);
	text = slurp(p);
	r = parse(text);
	assert_string_equal(jget_str(r, "verdict"), "pass");
	assert_int_equal(json_array_size(json_object_get(r, "findings")), 0);
	json_decref(r);
	free(text);
	free(p);
	free(err);
}

/* Change one thing in a valid report; the validator must refuse it and
 * name where. */
static void expect_invalid(fixture *fx, void (*breakit)(json_t *r),
                           const char *where)
{
	char *p = path_in(fx, "broken.json"), *err = path_in(fx, "err.txt");
	char *text = render(&fx->audit, PDG_REPORT_JSON, 0), *bad, *msg;
	json_t *r = parse(text);

	breakit(r);
	bad = json_dumps(r, JSON_INDENT(2) | JSON_SORT_KEYS);
	write_file(p, bad);
	assert_int_equal(validate(p, err), 1);
	msg = slurp(err);
	if (!strstr(msg, where))
		fail_msg("validator output lacks '%s': %s", where, msg);
	free(msg);
	free(bad);
	json_decref(r);
	free(text);
	free(p);
	free(err);
}

static void break_severity(json_t *r)
{
	json_t *f = json_array_get(json_object_get(r, "findings"), 0);

	json_object_set_new(f, "severity", json_string("fatal"));
}

static void break_extra_field(json_t *r)
{
	json_t *ev = json_object_get(json_array_get(
		json_object_get(r, "findings"), 2), "evidence");

	json_object_set_new(ev, "column", json_integer(4));
}

static void break_missing(json_t *r)
{
	json_object_del(json_object_get(r, "summary"), "by_kind");
}

static void break_line_pair(json_t *r)
{
	json_t *ev = json_object_get(json_array_get(
		json_object_get(r, "findings"), 0), "evidence");

	json_object_del(ev, "line_end");
}

static void test_validator_rejects(void **state)
{
	fixture *fx = *state;

	expect_invalid(fx, break_severity, "$.findings[0].severity");
	expect_invalid(fx, break_extra_field, "$.findings[2].evidence");
	expect_invalid(fx, break_missing, "$.summary");
	expect_invalid(fx, break_line_pair, "$.findings[0].evidence");
}

static void test_validator_usage(void **state)
{
	fixture *fx = *state;
	char *p = path_in(fx, "extra.json"), *err = path_in(fx, "err.txt");

	/* Not JSON at all: invalid, not a usage error. */
	write_file(p, "{\"schema\": ");
	assert_int_equal(validate(p, err), 1);
	/* A duplicated key is refused too. */
	write_file(p, "{\"schema\": 1, \"schema\": 2}");
	assert_int_equal(validate(p, err), 1);
	unlink(p);
	assert_int_equal(validate(p, err), 2);
	free(p);
	free(err);
}

static size_t offset_of(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	if (!p) {
		/* fputs, not a format: gcc's -Wformat-overflow misfires on
		 * these arguments in sanitizer builds. */
		fputs("not in the text report: ", stderr);
		fputs(needle, stderr);
		fputs("\n", stderr);
		fputs(hay, stderr);
	}
	assert_non_null(p);
	return (size_t)(p - hay);
}

static void test_text(void **state)
{
	fixture *fx = *state;
	char *t = render(&fx->audit, PDG_REPORT_TEXT, 0);
	char *again = render(&fx->audit, PDG_REPORT_TEXT, 0);
	size_t model = offset_of(t, "== acme/model ==");
	size_t other = offset_of(t, "== acme/other ==");
	size_t err_other = offset_of(t + other, "ERROR ");
	size_t warn_other = offset_of(t + other, "WARNING ");
	size_t last_err_model = offset_of(t, "pickle.global");

	assert_string_equal(t, again);
	assert_non_null(strstr(t, "FAIL"));
	assert_non_null(strstr(t, "2 sources, 9 files, 8 findings"));
	assert_null(strchr(t, '\033'));
	assert_true(model < other);
	/* Errors before warnings inside each component. */
	assert_true(last_err_model < offset_of(t, "terms.use-policy"));
	assert_true(err_other < warn_other);
	/* Evidence forms. */
	assert_non_null(strstr(t, "LICENSE:3-5 (in repo-a, commit 0123456)"));
	assert_non_null(strstr(t, "LICENSE:3 (in repo-a, commit 0123456)"));
	assert_non_null(strstr(t, "model.safetensors@1024"));
	assert_non_null(strstr(t, "README.md:10-12 (in dir-b)"));
	assert_non_null(strstr(t, "\n         repo-a (commit 0123456)\n"));
	assert_non_null(strstr(t, "subject: Apache-2.0"));
	assert_non_null(strstr(t, "ERROR    license  license.mismatch  "));
	/* Hostile bytes are escaped, never written raw. */
	assert_non_null(strstr(t, "weights/bad\\xff\\x01name.bin"));
	assert_null(strchr(t, '\x01'));
	assert_null(strchr(t, '\xff'));
	/* Artifact summary. */
	assert_non_null(strstr(t, "  model-card 1, license 1, safetensors 1"
	                          ", pickle 1, other 2\n"));
	assert_non_null(strstr(t, "plugin broken did not start"));
	free(t);
	free(again);
}

static void test_text_color(void **state)
{
	fixture *fx = *state;
	char *t = render(&fx->audit, PDG_REPORT_TEXT, 1);

	assert_non_null(strstr(t, "\033[31mERROR\033[0m"));
	assert_non_null(strstr(t, "\033[33mWARNING\033[0m"));
	assert_non_null(strstr(t, "\033[2mINFO\033[0m"));
	free(t);
}

static void test_text_hostile_names(void **state)
{
	fixture *fx = *state;
	pdg_finding f;
	char *t;

	memset(&f, 0, sizeof(f));
	f.kind = PDG_FINDING_INPUT;
	f.severity = PDG_SEVERITY_INFO;
	f.confidence = 1.0;
	f.rule = "x.y";
	f.message = "evil \033[2J name \xe2\x80\xae";
	f.component = "acme/other";
	f.source = "dir-b";
	f.path = "a\xc2\x9b" "b";
	f.byte_offset = -1;
	assert_int_equal(pdg_findings_add(&fx->audit.findings, &f), 0);
	pdg_findings_sort(&fx->audit.findings);
	t = render(&fx->audit, PDG_REPORT_TEXT, 0);
	assert_null(strchr(t, '\033'));
	assert_non_null(strstr(t, "evil \\x1b[2J name \\u202e"));
	assert_non_null(strstr(t, "a\\u009bb"));
	free(t);
}

static void test_text_no_findings(void **state)
{
	pdg_audit empty;
	char *t;

	(void)state;
	memset(&empty, 0, sizeof(empty));
	empty.finished = 1;
	t = render(&empty, PDG_REPORT_TEXT, 0);
	assert_non_null(strstr(t, "PASS"));
	assert_non_null(strstr(t, "No findings."));
	free(t);
}

/* ---- the other formats (docs/report.md) ---- */

static const pdg_report_format other_formats[] = {
	PDG_REPORT_SARIF, PDG_REPORT_MARKDOWN, PDG_REPORT_HTML,
	PDG_REPORT_SPDX, PDG_REPORT_CYCLONEDX,
};
#define NOTHER (sizeof(other_formats) / sizeof(other_formats[0]))

static int is_json_format(pdg_report_format f)
{
	return f == PDG_REPORT_SARIF || f == PDG_REPORT_SPDX ||
	       f == PDG_REPORT_CYCLONEDX;
}

static void test_format_names(void **state)
{
	static const char *const names[] = {
		"sarif", "markdown", "html", "spdx", "cyclonedx"
	};
	pdg_report_format f;

	(void)state;
	for (size_t i = 0; i < NOTHER; i++) {
		assert_int_equal(pdg_report_format_parse(&f, names[i]), 0);
		assert_int_equal(f, other_formats[i]);
	}
	assert_int_equal(pdg_report_format_parse(&f, "spdx2"), PDG_EUSAGE);
	assert_non_null(strstr(pdg_error_last(), "cyclonedx"));
}

/* Every format writes the hand-built audit (ill-formed UTF-8 in a path,
 * a plugin that did not start) and an empty one, the same bytes twice;
 * the JSON ones parse. */
static void test_formats_write(void **state)
{
	fixture *fx = *state;
	pdg_audit empty;

	memset(&empty, 0, sizeof(empty));
	empty.finished = 1;
	unsetenv("SOURCE_DATE_EPOCH");
	for (size_t i = 0; i < NOTHER; i++) {
		const pdg_audit *audits[] = { &fx->audit, &empty };

		for (size_t k = 0; k < 2; k++) {
			char *a = render(audits[k], other_formats[i], 0);
			char *b = render(audits[k], other_formats[i], 0);

			assert_string_equal(a, b);
			assert_true(strlen(a) > 0);
			if (is_json_format(other_formats[i]))
				json_decref(parse(a));
			free(a);
			free(b);
		}
	}
}

static json_t *render_json(const pdg_audit *a, pdg_report_format f)
{
	char *t = render(a, f, 0);
	json_t *j = parse(t);

	free(t);
	return j;
}

static void add_plain(pdg_audit *a, const char *rule, const char *msg,
                      const char *path, uint32_t line)
{
	pdg_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = PDG_FINDING_CONFLICT;
	f.severity = PDG_SEVERITY_ERROR;
	f.confidence = 1.0;
	f.rule = rule;
	f.message = msg;
	f.component = "acme/model";
	f.plugin = "core";
	f.source = "repo-a";
	f.path = path;
	f.line_start = line;
	f.line_end = line;
	f.byte_offset = -1;
	assert_int_equal(pdg_findings_add(&a->findings, &f), 0);
	pdg_findings_sort(&a->findings);
}

/* Levels follow verdicts; locations name the input's base; a member of
 * an archive points at the archive; fingerprints are unique. */
static void test_sarif_results(void **state)
{
	fixture *fx = *state;
	json_t *r, *run, *res;
	size_t i, n;

	add_plain(&fx->audit, "zz.member", "in a tarball",
	          "data/x.tar.gz!/inner.jsonl", 3);
	r = render_json(&fx->audit, PDG_REPORT_SARIF);
	assert_string_equal(jget_str(r, "version"), "2.1.0");
	run = json_array_get(json_object_get(r, "runs"), 0);
	res = json_object_get(run, "results");
	n = json_array_size(res);
	assert_int_equal(n, fx->audit.findings.len);
	for (i = 0; i < n; i++) {
		const pdg_finding *f = &fx->audit.findings.items[i];
		json_t *x = json_array_get(res, i);
		json_t *loc = json_object_get(json_array_get(
		        json_object_get(x, "locations"), 0), "physicalLocation");
		json_t *art = json_object_get(loc, "artifactLocation");
		const char *want = f->verdict == PDG_VERDICT_FAIL ? "error"
		                   : f->verdict == PDG_VERDICT_WARN ? "warning"
		                   : "note";

		assert_string_equal(jget_str(x, "ruleId"), f->rule);
		assert_string_equal(jget_str(x, "level"), want);
		assert_non_null(json_object_get(json_object_get(
		        json_object_get(run, "originalUriBaseIds"),
		        jget_str(art, "uriBaseId")), "uri"));
		for (size_t j = 0; j < i; j++)
			assert_false(json_equal(json_object_get(x,
			        "partialFingerprints"), json_object_get(
			        json_array_get(res, j), "partialFingerprints")));
		if (strcmp(f->rule, "zz.member") == 0) {
			assert_string_equal(jget_str(art, "uri"),
			                    "data/x.tar.gz");
			assert_null(json_object_get(loc, "region"));
			assert_non_null(strstr(jget_str(json_object_get(x,
			        "message"), "text"),
			        "(in data/x.tar.gz!/inner.jsonl)"));
		} else if (f->line_start && f->path) {
			assert_int_equal(json_integer_value(json_object_get(
			        json_object_get(loc, "region"), "startLine")),
			        f->line_start);
		}
	}
	json_decref(r);
}

/* Markup and Markdown syntax in input strings are text, never markup. */
static void test_document_escaping(void **state)
{
	fixture *fx = *state;
	char *h, *m;

	add_plain(&fx->audit, "x.markup",
	          "<script>alert('x')</script> | *b* &amp;\nnext",
	          "a\"b.txt", 1);
	h = render(&fx->audit, PDG_REPORT_HTML, 0);
	assert_null(strstr(h, "<script"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(&#39;x&#39;)"
	                          "&lt;/script&gt; | *b* &amp;amp;"));
	assert_non_null(strstr(h, "a&quot;b.txt"));
	m = render(&fx->audit, PDG_REPORT_MARKDOWN, 0);
	for (const char *p = strchr(m, '<'); p; p = strchr(p + 1, '<'))
		assert_true(p > m && p[-1] == '\\');
	assert_non_null(strstr(m, "\\<script\\>alert('x')\\</script\\> "
	                          "\\| \\*b\\* &amp;amp; next"));
	free(h);
	free(m);
}

static void test_epoch(void **state)
{
	int64_t t = -1;
	char buf[32];

	(void)state;
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(pdg_report_epoch(&t), 0);
	assert_int_equal(t, 0);
	pdg_report_iso8601(buf, sizeof(buf), t);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	assert_int_equal(pdg_report_epoch(&t), 0);
	pdg_report_iso8601(buf, sizeof(buf), t);
	assert_string_equal(buf, "2023-11-14T22:13:20Z");
	setenv("SOURCE_DATE_EPOCH", "", 1);
	assert_int_equal(pdg_report_epoch(&t), 0);
	assert_int_equal(t, 0);
	static const char *const bad[] = {
		"-1", "12abc", " 5", "1e9", "999999999999999999999",
		"253402300800",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SOURCE_DATE_EPOCH", bad[i], 1);
		assert_int_equal(pdg_report_epoch(&t), PDG_EINVALID);
		assert_non_null(strstr(pdg_error_last(), "SOURCE_DATE_EPOCH"));
	}
	unsetenv("SOURCE_DATE_EPOCH");
}

/* The digest names the audit: the same audit, the same digest; one more
 * finding, another.  UUIDs made from it are version-5 shaped. */
static void test_digest_uuid(void **state)
{
	fixture *fx = *state;
	char d1[33], d2[33], d3[33], uuid[64];

	assert_int_equal(pdg_report_digest(&fx->audit, d1), 0);
	assert_int_equal(pdg_report_digest(&fx->audit, d2), 0);
	assert_string_equal(d1, d2);
	assert_int_equal(strlen(d1), 32);
	add_plain(&fx->audit, "x.more", "one more", "f", 1);
	assert_int_equal(pdg_report_digest(&fx->audit, d3), 0);
	assert_string_not_equal(d1, d3);
	pdg_report_uuid(uuid, sizeof(uuid), d1);
	assert_int_equal(strlen(uuid), 45);
	assert_memory_equal(uuid, "urn:uuid:", 9);
	assert_int_equal(uuid[9 + 14], '5');
	assert_non_null(strchr("89ab", uuid[9 + 19]));
	assert_int_equal(uuid[9 + 8], '-');
}

static void test_uri_and_display(void **state)
{
	pdg_buf b = PDG_BUF_INIT;

	(void)state;
	pdg_report_put_uri(&b, "dir/a b\xc3\xbc#?%.txt");
	assert_string_equal(b.ptr, "dir/a%20b%C3%BC%23%3F%25.txt");
	pdg_buf_free(&b);
	pdg_report_put_safe(&b, "x\x01\xff\xe2\x80\xae<y>", PDG_ESCAPE_HTML);
	assert_string_equal(b.ptr, "x\\x01\\xff\\u202e&lt;y&gt;");
	pdg_buf_free(&b);
	pdg_report_put_safe_max(&b, "\xc3\xa4\xc3\xa4\xc3\xa4", PDG_ESCAPE_HTML,
	                        2);
	assert_string_equal(b.ptr, "\xc3\xa4\xc3\xa4...");
	pdg_buf_free(&b);
	pdg_report_put_safe(&b, "a\x01|b", PDG_ESCAPE_MARKDOWN);
	assert_string_equal(b.ptr, "a\\\\x01\\|b");
	pdg_buf_free(&b);
}

static void test_rule_docs(void **state)
{
	size_t n = pdg_rule_doc_count();

	(void)state;
	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		const pdg_rule_doc *d = pdg_rule_doc_at(i);

		if (i)
			assert_true(strcmp(pdg_rule_doc_at(i - 1)->rule,
			                   d->rule) < 0);
		assert_ptr_equal(pdg_rule_doc_find(d->rule), d);
		assert_true(strlen(d->summary) > 5 && strlen(d->help) > 5);
	}
	assert_null(pdg_rule_doc_find("no.such-rule"));
	assert_null(pdg_rule_doc_at(n));
}

static void test_license_form(void **state)
{
	(void)state;
	assert_int_equal(pdg_report_license_form("Apache-2.0"),
	                 PDG_LICENSE_SPDX_ID);
	assert_int_equal(pdg_report_license_form("LicenseRef-Gemma-Terms"),
	                 PDG_LICENSE_REF);
	assert_int_equal(pdg_report_license_form("MIT OR Apache-2.0"),
	                 PDG_LICENSE_EXPRESSION);
	assert_int_equal(pdg_report_license_form("GPL-2.0-only WITH "
	                                         "Classpath-exception-2.0"),
	                 PDG_LICENSE_EXPRESSION);
	assert_int_equal(pdg_report_license_form("Not-A-Licence"),
	                 PDG_LICENSE_OTHER);
	assert_int_equal(pdg_report_license_form("<script>"),
	                 PDG_LICENSE_OTHER);
	assert_int_equal(pdg_report_license_form(NULL), PDG_LICENSE_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_uri_and_display),
		cmocka_unit_test(test_rule_docs),
		cmocka_unit_test(test_license_form),
		cmocka_unit_test_setup_teardown(test_formats_write,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_results,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_document_escaping,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_uuid,
		                                setup, teardown),
		cmocka_unit_test(test_utf8_seq_len),
		cmocka_unit_test_setup_teardown(test_unfinished_refused,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_structure,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_deterministic,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_validates,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_empty_validates,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_validator_rejects,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_validator_usage,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_color,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_hostile_names,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_no_findings,
		                                setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
