/* test_kb.c - the knowledge base: built-in data, look-ups, and the loader's
 * refusal of bad YAML (with file:line errors, bounded work). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pedigree/pedigree.h"
#include "kb/kb.h"
#include "util.h"

/* ---- fixtures ---- */

struct tmp {
	char dir[512];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	const char *base = getenv("TMPDIR");

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "%s/pdg-kb-XXXXXX",
	         base && *base ? base : "/tmp");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	DIR *d = opendir(t->dir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		char *p = pdg_xasprintf("%s/%s", t->dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(t->dir);
	free(t);
	return 0;
}

/* Write `text` to DIR/name; returns the path (caller frees). */
static char *write_file(const struct tmp *t, const char *name,
                        const char *text)
{
	char *p = pdg_xasprintf("%s/%s", t->dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return p;
}

static pdg_kb *load_default(void)
{
	pdg_kb *kb = NULL;

	assert_int_equal(pdg_kb_load_default(&kb), 0);
	assert_non_null(kb);
	return kb;
}

static const pdg_kb_entry *must_find(const pdg_kb *kb, const char *id)
{
	const pdg_kb_entry *e = pdg_kb_find(kb, id);

	if (!e)
		fail_msg("knowledge base lacks '%s'", id);
	return e;
}

static const pdg_kb_duty *duty(const pdg_kb_entry *e, const char *what)
{
	for (size_t i = 0; i < e->n_duties; i++)
		if (strcmp(e->duties[i].what, what) == 0)
			return &e->duties[i];
	return NULL;
}

static const pdg_kb_limit *limit(const pdg_kb_entry *e, const char *what)
{
	for (size_t i = 0; i < e->n_limits; i++)
		if (strcmp(e->limits[i].what, what) == 0)
			return &e->limits[i];
	return NULL;
}

static int has_edge(const pdg_kb_entry *e, const char *edge)
{
	for (size_t i = 0; i < e->n_derivative_edges; i++)
		if (strcmp(e->derivative_edges[i], edge) == 0)
			return 1;
	return 0;
}

/* Load PATH, expect failure `code` and a message containing each of the
 * NULL-terminated fragments. */
static void expect_error(const char *path, int code, ...)
{
	pdg_kb *kb = NULL;
	int rc = pdg_kb_load_path(&kb, path);
	const char *msg = pdg_error_last();
	va_list ap;

	assert_int_equal(rc, code);
	assert_null(kb);
	assert_non_null(msg);
	va_start(ap, code);
	for (const char *frag = va_arg(ap, const char *); frag;
	     frag = va_arg(ap, const char *))
		if (!strstr(msg, frag))
			fail_msg("error '%s' lacks '%s'", msg, frag);
	va_end(ap);
}

/* A valid entry with one field replaced or added: EXTRA goes at the end. */
#define GOOD_ENTRY(id, extra) \
	"id: " id "\n" \
	"name: Test Licence\n" \
	"family: test\n" \
	"kind: model-license\n" \
	"commercial: allowed\n" \
	"markers: [\"Test Licence " id "\"]\n" \
	"sources: [https://example.org/licence]\n" extra

/* ---- the built-in knowledge base ---- */

static const char *const required_ids[] = {
	"Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause",
	"GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only",
	"GPL-3.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later",
	"LGPL-3.0-only", "LGPL-3.0-or-later", "AGPL-3.0-only",
	"AGPL-3.0-or-later", "MPL-2.0", "CC0-1.0", "CC-BY-4.0",
	"CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0",
	"CC-BY-NC-ND-4.0", "ODC-By-1.0", "ODbL-1.0", "Unlicense",
	"CreativeML-OpenRAIL-M", "LicenseRef-BigScience-BLOOM-RAIL-1.0",
	"LicenseRef-BigScience-OpenRAIL-M", "LicenseRef-OpenRAIL",
	"LicenseRef-Llama-2-Community", "LicenseRef-Llama-2-AUP",
	"LicenseRef-Llama-3-Community", "LicenseRef-Llama-3-AUP",
	"LicenseRef-Llama-3.1-Community", "LicenseRef-Llama-3.1-AUP",
	"LicenseRef-Llama-3.2-Community", "LicenseRef-Llama-3.2-AUP",
	"LicenseRef-Llama-3.3-Community", "LicenseRef-Llama-3.3-AUP",
	"LicenseRef-Llama-4-Community", "LicenseRef-Llama-4-AUP",
	"LicenseRef-Tongyi-Qianwen", "LicenseRef-Tongyi-Qianwen-Research",
	"LicenseRef-Qwen", "LicenseRef-Qwen-Research",
	"LicenseRef-DeepSeek-Model", "LicenseRef-ChatGLM-6B-Model",
	"LicenseRef-gpt-oss-Usage-Policy", "LicenseRef-Gemma-Terms",
	"LicenseRef-Gemma-Prohibited-Use-Policy",
	"LicenseRef-Mistral-Research", "LicenseRef-Mistral-Non-Production",
	"LicenseRef-Falcon-TII", "LicenseRef-Falcon-180B-TII",
	"LicenseRef-OpenAI-Terms", "LicenseRef-Anthropic-Terms",
	"LicenseRef-Gemini-API-Terms", "LicenseRef-xAI-Terms",
	"LicenseRef-Mistral-API-Terms",
};

static void test_default_loads(void **state)
{
	(void)state;
	pdg_kb *kb = load_default();
	size_t n = pdg_kb_count(kb);

	assert_true(n >= sizeof(required_ids) / sizeof(required_ids[0]));
	for (size_t i = 0; i < sizeof(required_ids) / sizeof(required_ids[0]);
	     i++)
		assert_string_equal(must_find(kb, required_ids[i])->id,
		                    required_ids[i]);
	for (size_t i = 0; i < n; i++) {
		const pdg_kb_entry *e = pdg_kb_at(kb, i);

		if (e->n_sources == 0)
			fail_msg("'%s' lists no source", e->id);
		assert_non_null(e->name);
		assert_non_null(e->family);
		if (e->kind != PDG_KB_OPEN_SOURCE && e->n_markers == 0)
			fail_msg("'%s' has no marker", e->id);
		if (i > 0)
			assert_true(strcasecmp(pdg_kb_at(kb, i - 1)->id,
			                       e->id) < 0);
	}
	assert_null(pdg_kb_at(kb, n));
	pdg_kb_free(kb);
}

/* Every file in core/kb/ made it into the library. */
static void test_default_matches_source_tree(void **state)
{
	(void)state;
	const char *root = getenv("PEDIGREE_SOURCE_ROOT");
	pdg_kb *kb = load_default(), *src = NULL;

	if (!root || !*root) {
		pdg_kb_free(kb);
		skip();
	}
	char *dir = pdg_xasprintf("%s/core/kb", root);
	assert_int_equal(pdg_kb_load_path(&src, dir), 0);
	assert_int_equal(pdg_kb_count(src), pdg_kb_count(kb));
	for (size_t i = 0; i < pdg_kb_count(kb); i++)
		assert_string_equal(pdg_kb_at(src, i)->id,
		                    pdg_kb_at(kb, i)->id);
	free(dir);
	pdg_kb_free(src);
	pdg_kb_free(kb);
}

static void test_find(void **state)
{
	(void)state;
	pdg_kb *kb = load_default();

	assert_string_equal(pdg_kb_find(kb, "apache-2.0")->id, "Apache-2.0");
	assert_string_equal(pdg_kb_find(kb, "LICENSEREF-GEMMA-TERMS")->id,
	                    "LicenseRef-Gemma-Terms");
	assert_null(pdg_kb_find(kb, "Apache-2"));
	assert_null(pdg_kb_find(kb, ""));
	assert_null(pdg_kb_find(kb, NULL));
	assert_null(pdg_kb_find(NULL, "MIT"));
	assert_int_equal(pdg_kb_count(NULL), 0);
	pdg_kb_free(kb);
	pdg_kb_free(NULL);
}

static void expect_hf(const pdg_kb *kb, const char *tag, const char *name,
                      const char *id)
{
	const pdg_kb_entry *e = pdg_kb_find_hf(kb, tag, name);
	const char *t = tag ? tag : "NULL", *n = name ? name : "NULL";

	if (!id) {
		if (e)
			fail_msg("(%s, %s) maps to '%s', expected none", t, n,
			         e->id);
		return;
	}
	if (!e || strcmp(e->id, id) != 0)
		fail_msg("(%s, %s) maps to '%s', expected '%s'", t, n,
		         e ? e->id : "nothing", id);
}

static void test_find_hf(void **state)
{
	(void)state;
	pdg_kb *kb = load_default();

	expect_hf(kb, "llama3.1", NULL, "LicenseRef-Llama-3.1-Community");
	expect_hf(kb, "Llama3.1", NULL, "LicenseRef-Llama-3.1-Community");
	expect_hf(kb, "llama2", NULL, "LicenseRef-Llama-2-Community");
	expect_hf(kb, "llama3", NULL, "LicenseRef-Llama-3-Community");
	expect_hf(kb, "other", "llama4", "LicenseRef-Llama-4-Community");
	expect_hf(kb, "other", "tongyi-qianwen", "LicenseRef-Tongyi-Qianwen");
	expect_hf(kb, "OTHER", "Tongyi-Qianwen", "LicenseRef-Tongyi-Qianwen");
	expect_hf(kb, "other", "qwen-research", "LicenseRef-Qwen-Research");
	expect_hf(kb, "other", "deepseek", "LicenseRef-DeepSeek-Model");
	expect_hf(kb, "other", "mrl", "LicenseRef-Mistral-Research");
	expect_hf(kb, "gemma", NULL, "LicenseRef-Gemma-Terms");
	expect_hf(kb, "gemma", "ignored", "LicenseRef-Gemma-Terms");
	expect_hf(kb, "apache-2.0", NULL, "Apache-2.0");
	expect_hf(kb, "cc-by-nc-4.0", NULL, "CC-BY-NC-4.0");
	expect_hf(kb, "creativeml-openrail-m", NULL, "CreativeML-OpenRAIL-M");
	expect_hf(kb, "bigscience-bloom-rail-1.0", NULL,
	          "LicenseRef-BigScience-BLOOM-RAIL-1.0");
	expect_hf(kb, "openrail", NULL, "LicenseRef-OpenRAIL");
	/* Not a hub tag, but an id: accepted. */
	expect_hf(kb, "MPL-2.0", NULL, "MPL-2.0");
	expect_hf(kb, "other", NULL, NULL);
	expect_hf(kb, "other", "no-such-licence", NULL);
	expect_hf(kb, "no-such-tag", NULL, NULL);
	expect_hf(kb, NULL, "gemma", NULL);
	pdg_kb_free(kb);
}

static void test_outputs_facts(void **state)
{
	(void)state;
	pdg_kb *kb = load_default();
	const pdg_kb_entry *l3 = must_find(kb, "LicenseRef-Llama-3-Community");
	const pdg_kb_entry *l31 =
		must_find(kb, "LicenseRef-Llama-3.1-Community");
	const pdg_kb_entry *g = must_find(kb, "LicenseRef-Gemma-Terms");
	const pdg_kb_duty *d;

	/* Llama 3 and 3.1 have opposite rules for outputs. */
	assert_int_equal(l3->outputs, PDG_KB_OUTPUTS_PROHIBITED);
	assert_int_equal(l31->outputs, PDG_KB_OUTPUTS_CONDITIONAL);
	assert_int_equal(
		must_find(kb, "LicenseRef-Llama-2-Community")->outputs,
		PDG_KB_OUTPUTS_PROHIBITED);
	static const char *const l3x[] = {
		"LicenseRef-Llama-3.1-Community",
		"LicenseRef-Llama-3.2-Community",
		"LicenseRef-Llama-3.3-Community",
		"LicenseRef-Llama-4-Community",
	};
	for (size_t i = 0; i < 4; i++) {
		const pdg_kb_entry *e = must_find(kb, l3x[i]);

		assert_int_equal(e->outputs, PDG_KB_OUTPUTS_CONDITIONAL);
		assert_non_null(d = duty(e, "name-prefix"));
		assert_string_equal(d->value, "Llama");
		assert_non_null(d = duty(e, "display-attribution"));
		assert_string_equal(d->value, "Built with Llama");
		assert_non_null(duty(e, "include-license"));
		assert_non_null(duty(e, "notice-file"));
		assert_int_equal(limit(e, "monthly-active-users")->number,
		                 700000000);
	}
	assert_int_equal(limit(must_find(kb, "LicenseRef-Llama-2-Community"),
	                       "monthly-active-users")->number, 700000000);
	assert_string_equal(duty(l3, "name-prefix")->value, "Llama 3");

	/* Gemma: training on its outputs makes a Model Derivative. */
	assert_int_equal(g->outputs, PDG_KB_OUTPUTS_DERIVATIVE);
	assert_true(has_edge(g, "distillation"));
	assert_true(has_edge(g, "trained-on-outputs"));
	assert_true(has_edge(g, "finetune"));
	assert_non_null(duty(g, "notice-file"));
	assert_non_null(duty(g, "pass-use-restrictions"));
	assert_string_equal(g->use_policy,
	                    "LicenseRef-Gemma-Prohibited-Use-Policy");
	assert_int_equal(must_find(kb, "LicenseRef-DeepSeek-Model")->outputs,
	                 PDG_KB_OUTPUTS_DERIVATIVE);
	assert_int_equal(must_find(kb, "CreativeML-OpenRAIL-M")->outputs,
	                 PDG_KB_OUTPUTS_DERIVATIVE);

	/* API terms forbid competing models. */
	static const char *const api[] = {
		"LicenseRef-OpenAI-Terms", "LicenseRef-Anthropic-Terms",
		"LicenseRef-Gemini-API-Terms", "LicenseRef-xAI-Terms",
		"LicenseRef-Mistral-API-Terms",
	};
	for (size_t i = 0; i < 5; i++) {
		const pdg_kb_entry *e = must_find(kb, api[i]);

		assert_int_equal(e->kind, PDG_KB_API_TERMS);
		assert_int_equal(e->outputs, PDG_KB_OUTPUTS_NO_COMPETING);
	}

	/* Qwen: MAU threshold, display duty, research licence. */
	const pdg_kb_entry *tq = must_find(kb, "LicenseRef-Tongyi-Qianwen");
	assert_int_equal(limit(tq, "monthly-active-users")->number,
	                 100000000);
	assert_int_equal(tq->outputs, PDG_KB_OUTPUTS_PROHIBITED);
	assert_string_equal(duty(must_find(kb, "LicenseRef-Qwen"),
	                         "display-attribution")->value,
	                    "Built with Qwen");
	assert_int_equal(must_find(kb, "LicenseRef-Qwen-Research")->commercial,
	                 PDG_KB_COMMERCIAL_NON_COMMERCIAL);
	tq = must_find(kb, "LicenseRef-Tongyi-Qianwen-Research");
	assert_int_equal(tq->commercial, PDG_KB_COMMERCIAL_NON_COMMERCIAL);

	/* Open licences. */
	assert_int_equal(must_find(kb, "CC-BY-NC-4.0")->commercial,
	                 PDG_KB_COMMERCIAL_NON_COMMERCIAL);
	assert_non_null(duty(must_find(kb, "CC-BY-SA-4.0"), "share-alike"));
	const pdg_kb_entry *ap = must_find(kb, "Apache-2.0");
	assert_non_null(duty(ap, "include-license"));
	assert_non_null(duty(ap, "notice-file"));
	assert_non_null(duty(ap, "state-changes"));
	assert_int_equal(ap->outputs, PDG_KB_OUTPUTS_UNRESTRICTED);

	/* Checked against the texts: the 3.2, 3.3 and 4 use policies
	 * withhold the multimodal models from the EU; 3.1's does not. */
	assert_non_null(limit(must_find(kb, "LicenseRef-Llama-3.2-Community"),
	                      "region"));
	assert_non_null(limit(must_find(kb, "LicenseRef-Llama-3.3-Community"),
	                      "region"));
	assert_non_null(limit(must_find(kb, "LicenseRef-Llama-4-Community"),
	                      "region"));
	assert_null(limit(l31, "region"));
	/* Mistral: research licence limits outputs too; Falcon 180B needs
	 * permission for hosting. */
	const pdg_kb_entry *mrl = must_find(kb, "LicenseRef-Mistral-Research");
	assert_int_equal(mrl->commercial, PDG_KB_COMMERCIAL_RESEARCH_ONLY);
	assert_int_equal(mrl->outputs, PDG_KB_OUTPUTS_CONDITIONAL);
	assert_int_equal(must_find(kb, "LicenseRef-Mistral-Non-Production")
	                 ->commercial, PDG_KB_COMMERCIAL_NON_COMMERCIAL);
	assert_non_null(limit(must_find(kb, "LicenseRef-Falcon-180B-TII"),
	                      "hosting-use"));
	pdg_kb_free(kb);
}

static void test_use_policies(void **state)
{
	(void)state;
	pdg_kb *kb = load_default();
	static const char *const llama[] = { "2", "3", "3.1", "3.2", "3.3",
	                                     "4" };

	for (size_t i = 0; i < sizeof(llama) / sizeof(llama[0]); i++) {
		char *lic = pdg_xasprintf("LicenseRef-Llama-%s-Community",
		                          llama[i]);
		char *aup = pdg_xasprintf("LicenseRef-Llama-%s-AUP", llama[i]);

		assert_string_equal(must_find(kb, lic)->use_policy, aup);
		assert_int_equal(must_find(kb, aup)->kind, PDG_KB_USE_POLICY);
		free(lic);
		free(aup);
	}
	for (size_t i = 0; i < pdg_kb_count(kb); i++) {
		const pdg_kb_entry *e = pdg_kb_at(kb, i);

		if (e->use_policy)
			assert_int_equal(must_find(kb, e->use_policy)->kind,
			                 PDG_KB_USE_POLICY);
	}
	pdg_kb_free(kb);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pdg_kb_doc_kind_name(PDG_KB_API_TERMS),
	                    "api-terms");
	assert_string_equal(pdg_kb_doc_kind_name((pdg_kb_doc_kind)99),
	                    "unknown");
	assert_string_equal(pdg_kb_commercial_name(
		PDG_KB_COMMERCIAL_RESEARCH_ONLY), "research-only");
	assert_string_equal(pdg_kb_commercial_name(PDG_KB_COMMERCIAL_NA),
	                    "n/a");
	assert_string_equal(pdg_kb_outputs_name(PDG_KB_OUTPUTS_NO_COMPETING),
	                    "no-competing");
	assert_string_equal(pdg_kb_outputs_name((pdg_kb_outputs)-1),
	                    "unknown");
}

/* ---- custom knowledge bases ---- */

static void test_custom_dir(void **state)
{
	struct tmp *t = *state;
	pdg_kb *kb = NULL;
	char *a = write_file(t, "a.yaml",
		"# two entries, then an empty document\n"
		"---\n" GOOD_ENTRY("LicenseRef-B",
		"limits:\n"
		"  - what: monthly-active-users\n"
		"    number: 18446744073709551615\n"
		"    text: a threshold\n"
		"use_policy: licenseref-aup\n")
		"---\n"
		"id: LicenseRef-AUP\nname: A policy\nfamily: test\n"
		"kind: use-policy\nmarkers: [A policy]\n"
		"sources: ['http://example.org/aup']\n"
		"---\n");
	char *b = write_file(t, "b.yml", "---\n" GOOD_ENTRY("LicenseRef-A",
		"hf_tags: [test-tag]\nhf_names: [test-name]\n"));
	char *c = write_file(t, "notes.txt", "not: [yaml");

	assert_int_equal(pdg_kb_load_path(&kb, t->dir), 0);
	assert_int_equal(pdg_kb_count(kb), 3);
	assert_string_equal(pdg_kb_at(kb, 0)->id, "LicenseRef-A");
	assert_string_equal(pdg_kb_at(kb, 1)->id, "LicenseRef-AUP");
	const pdg_kb_entry *e = pdg_kb_find(kb, "licenseref-b");
	assert_non_null(e);
	assert_int_equal(e->n_limits, 1);
	assert_true(e->limits[0].number == UINT64_MAX);
	assert_int_equal(e->commercial, PDG_KB_COMMERCIAL_ALLOWED);
	assert_int_equal(e->outputs, PDG_KB_OUTPUTS_UNRESTRICTED);
	assert_null(e->version);
	assert_int_equal(pdg_kb_find(kb, "LicenseRef-AUP")->commercial,
	                 PDG_KB_COMMERCIAL_NA);
	assert_string_equal(pdg_kb_find_hf(kb, "TEST-TAG", NULL)->id,
	                    "LicenseRef-A");
	assert_string_equal(pdg_kb_find_hf(kb, "other", "test-name")->id,
	                    "LicenseRef-A");
	pdg_kb_free(kb);

	/* One file on its own loads too. */
	assert_int_equal(pdg_kb_load_path(&kb, b), 0);
	assert_int_equal(pdg_kb_count(kb), 1);
	pdg_kb_free(kb);
	free(a);
	free(b);
	free(c);
}

static void test_unknown_field(void **state)
{
	char *p = write_file(*state, "bad.yaml", "---\n" GOOD_ENTRY(
		"LicenseRef-X", "colour: blue\n"));

	expect_error(p, PDG_EINVALID, "bad.yaml:9: entry 'LicenseRef-X': "
	             "unknown field 'colour'", NULL);
	free(p);
}

static void test_duplicate_id(void **state)
{
	char *a = write_file(*state, "a.yaml", GOOD_ENTRY("LicenseRef-X", ""));
	char *b = write_file(*state, "b.yaml",
		"# comment\n" GOOD_ENTRY("licenseref-x", ""));

	expect_error(((struct tmp *)*state)->dir, PDG_EINVALID,
	             "b.yaml:2: entry 'licenseref-x': duplicate id",
	             "a.yaml:1", NULL);
	free(a);
	free(b);
}

static void test_duplicate_field(void **state)
{
	char *p = write_file(*state, "f.yaml", GOOD_ENTRY("LicenseRef-X",
		"name: Again\n"));

	expect_error(p, PDG_EINVALID, "f.yaml:8:", "'name' given twice",
	             NULL);
	free(p);
}

static void test_bad_enum(void **state)
{
	char *p = write_file(*state, "e.yaml",
		"id: LicenseRef-X\nname: X\nfamily: test\nkind: licence\n"
		"commercial: allowed\nmarkers: [X]\n"
		"sources: [https://example.org]\n");
	char *q = write_file(*state, "o.yaml", GOOD_ENTRY("LicenseRef-Y",
		"derivative_edges: [finetune, telepathy]\n"));
	char *r = write_file(*state, "d.yaml", GOOD_ENTRY("LicenseRef-Z",
		"duties:\n  - what: be-nice\n    text: please\n"));

	expect_error(p, PDG_EINVALID, "e.yaml:4: entry 'LicenseRef-X': "
	             "kind: bad value 'licence'", "model-license", NULL);
	expect_error(q, PDG_EINVALID, "o.yaml:8:", "'telepathy'", NULL);
	expect_error(r, PDG_EINVALID, "d.yaml:9:", "duty what: bad value "
	             "'be-nice'", NULL);
	free(p);
	free(q);
	free(r);
}

static void test_bad_number(void **state)
{
	static const char *const bad[] = { "7e8", "'700'", "-1", "1.5",
	                                   "[1]", "99999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *extra = pdg_xasprintf("limits:\n"
		                            "  - what: monthly-active-users\n"
		                            "    number: %s\n"
		                            "    text: x\n", bad[i]);
		char *doc = pdg_xasprintf("%s%s", GOOD_ENTRY("LicenseRef-X",
		                          ""), extra);
		char *p = write_file(*state, "n.yaml", doc);

		expect_error(p, PDG_EINVALID, "n.yaml:10: entry "
		             "'LicenseRef-X': limit number", NULL);
		free(p);
		free(doc);
		free(extra);
	}
}

static void test_missing_fields(void **state)
{
	char *p = write_file(*state, "m.yaml",
		"id: LicenseRef-X\nname: X\nkind: model-license\n"
		"commercial: allowed\nmarkers: [X]\n"
		"sources: [https://example.org]\n");
	char *q = write_file(*state, "i.yaml", "name: no id\n");
	char *r = write_file(*state, "s.yaml",
		"id: LicenseRef-X\nname: X\nfamily: test\n"
		"kind: model-license\ncommercial: allowed\n"
		"sources: [https://example.org]\n");
	char *s = write_file(*state, "u.yaml", GOOD_ENTRY("LicenseRef-X",
		"outputs: prohibited\n"));
	char *u = write_file(*state, "t.yaml",
		"id: LicenseRef-X\nname: X\nfamily: test\n"
		"kind: model-license\ncommercial: allowed\nmarkers: [X]\n"
		"sources: []\n");

	expect_error(p, PDG_EINVALID, "m.yaml:1: entry 'LicenseRef-X': "
	             "missing required field 'family'", NULL);
	expect_error(q, PDG_EINVALID, "i.yaml:1: entry #1: missing required "
	             "field 'id'", NULL);
	expect_error(r, PDG_EINVALID, "missing required field 'markers'",
	             NULL);
	expect_error(s, PDG_EINVALID, "u.yaml:8:", "outputs_text", NULL);
	expect_error(u, PDG_EINVALID, "t.yaml:7:", "at least one URL", NULL);
	free(p);
	free(q);
	free(r);
	free(s);
	free(u);
}

static void test_bad_values(void **state)
{
	char *b = write_file(*state, "b.yaml", GOOD_ENTRY("LicenseRef-X",
		"use_policy: LicenseRef-Nowhere\n"));
	char *c = write_file(*state, "c.yaml", GOOD_ENTRY("Bad Id!", ""));
	char *d = write_file(*state, "d.yaml", "- id: LicenseRef-X\n");
	char *e = write_file(*state, "e.yaml", GOOD_ENTRY("LicenseRef-X",
		"permits: just one string\n"));
	char *f = write_file(*state, "f.yaml",
		"id: LicenseRef-X\nname: X\nfamily: test\n"
		"kind: model-license\ncommercial: allowed\nmarkers: [X]\n"
		"sources: [https://example.org, ftp://example.org]\n");
	char *g = write_file(*state, "g.yaml", GOOD_ENTRY("LicenseRef-X",
		"publisher: \"bell\\a\"\n"));
	char *h = write_file(*state, "h.yaml", GOOD_ENTRY("LicenseRef-X",
		"hf_tags: [dup]\n---\n") GOOD_ENTRY("LicenseRef-Y",
		"hf_tags: [DUP]\n"));

	expect_error(b, PDG_EINVALID, "b.yaml:8: entry 'LicenseRef-X': "
	             "use_policy 'LicenseRef-Nowhere'", NULL);
	expect_error(c, PDG_EINVALID, "c.yaml:1:", "not allowed", NULL);
	expect_error(d, PDG_EINVALID, "d.yaml:1:", "mapping", NULL);
	expect_error(e, PDG_EINVALID, "e.yaml:8:", "must be a list", NULL);
	expect_error(f, PDG_EINVALID, "f.yaml:7:", "ftp://example.org",
	             NULL);
	expect_error(g, PDG_EINVALID, "g.yaml:8:", "control character",
	             NULL);
	expect_error(h, PDG_EINVALID, "h.yaml:10: entry 'LicenseRef-Y'",
	             "'DUP' is already used by entry 'LicenseRef-X'", NULL);
	/* A marker names one document: two entries cannot share it. */
	char *m = write_file(*state, "m.yaml", GOOD_ENTRY("LicenseRef-X",
		"---\n") 
		"id: LicenseRef-Y\nname: Y\nfamily: test\n"
		"kind: model-license\ncommercial: allowed\n"
		"markers: [\"test licence licenseref-x\"]\n"
		"sources: [https://example.org]\n");
	expect_error(m, PDG_EINVALID, "entry 'LicenseRef-Y'",
	             "marker 'test licence licenseref-x' is already used by "
	             "entry 'LicenseRef-X'", NULL);
	free(m);
	free(b);
	free(c);
	free(d);
	free(e);
	free(f);
	free(g);
	free(h);
}

static void test_signature_words(void **state)
{
	char *p = write_file(*state, "w.yaml",
		"id: LicenseRef-X\nname: X\nfamily: test\n"
		"kind: model-license\ncommercial: allowed\n"
		"signatures:\n  - short one\n"
		"  - one two three four five six seven eight nine ten "
		"eleven twelve\n"
		"sources: [https://example.org]\n");

	expect_error(p, PDG_EINVALID, "w.yaml:8:", "12 words", NULL);
	free(p);
}

static void test_syntax_error(void **state)
{
	char *p = write_file(*state, "y.yaml",
		"id: LicenseRef-X\nname: [unclosed\nfamily: test\n");

	expect_error(p, PDG_EINVALID, "y.yaml:", NULL);
	free(p);
}

/* "Billion laughs": must be refused at the first anchor, in no time. */
static void test_alias_bomb(void **state)
{
	pdg_buf b = PDG_BUF_INIT;
	char prev = 'a';

	pdg_buf_puts(&b, "id: LicenseRef-X\nname: &a \"lol\"\n");
	for (char c = 'b'; c <= 'j'; c++) {
		pdg_buf_printf(&b, "%c: &%c [", c, c);
		for (int i = 0; i < 10; i++)
			pdg_buf_printf(&b, "%s*%c", i ? ", " : "", prev);
		pdg_buf_puts(&b, "]\n");
		prev = c;
	}
	char *p = write_file(*state, "bomb.yaml", b.ptr);
	char *q = write_file(*state, "alias.yaml", GOOD_ENTRY("LicenseRef-Y",
		"permits: [&x \"a\"]\nhf_tags: [*x]\n"));
	clock_t t0 = clock();

	expect_error(p, PDG_EINVALID, "bomb.yaml:2:", "aliases", NULL);
	expect_error(q, PDG_EINVALID, "alias.yaml:8:", "aliases", NULL);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	pdg_buf_free(&b);
	free(p);
	free(q);
}

static void test_limits(void **state)
{
	struct tmp *t = *state;
	pdg_buf b = PDG_BUF_INIT;

	/* Nesting deeper than any entry needs. */
	for (int i = 0; i < 5000; i++)
		pdg_buf_puts(&b, "[");
	char *deep = write_file(t, "deep.yaml", b.ptr);
	expect_error(deep, PDG_ELIMIT, "deep.yaml:1:", "nested deeper",
	             NULL);

	/* A file over the size bound is refused before parsing. */
	pdg_buf_free(&b);
	pdg_buf_puts(&b, "# ");
	while (b.len < 2u * 1024 * 1024 + 16)
		pdg_buf_puts(&b, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	char *big = write_file(t, "big.yaml", b.ptr);
	expect_error(big, PDG_ELIMIT, "big.yaml: larger than", NULL);
	unlink(big);

	/* A value over the string bound. */
	pdg_buf_free(&b);
	pdg_buf_puts(&b, GOOD_ENTRY("LicenseRef-X", "publisher: "));
	for (int i = 0; i < 5000; i++)
		pdg_buf_puts(&b, "p");
	pdg_buf_puts(&b, "\n");
	char *longv = write_file(t, "long.yaml", b.ptr);
	expect_error(longv, PDG_ELIMIT, "long.yaml:8:", "longer than", NULL);

	pdg_buf_free(&b);
	free(deep);
	free(big);
	free(longv);
}

static void test_bad_paths(void **state)
{
	struct tmp *t = *state;
	pdg_kb *kb = NULL;
	char *missing = pdg_xasprintf("%s/none.yaml", t->dir);

	expect_error(missing, PDG_ENOTFOUND, "none.yaml", NULL);
	expect_error(t->dir, PDG_EINVALID, "no *.yaml files", NULL);
	expect_error("/dev/null", PDG_EINVALID, "not a regular file", NULL);
	char *empty = write_file(t, "empty.yaml", "# nothing here\n");
	expect_error(empty, PDG_EINVALID, "no knowledge-base entries", NULL);
	assert_int_equal(pdg_kb_load_path(&kb, ""), PDG_EUSAGE);
	assert_int_equal(pdg_kb_load_path(&kb, NULL), PDG_EUSAGE);
	assert_null(kb);
	free(missing);
	free(empty);
}

/* ---- the model catalogue ---- */

/* The documents `model` resolves to, joined with '+', or "family:ID"
 * when only the provider is known, or "unknown". */
static char *lookup(const pdg_kb *kb, const char *model)
{
	const pdg_kb_checkpoint *cp = NULL;
	const pdg_kb_provider *p = pdg_kb_model_lookup(kb, model, &cp);
	pdg_buf b = PDG_BUF_INIT;

	if (!p)
		return pdg_xstrdup("unknown");
	if (!cp) {
		pdg_buf_printf(&b, "family:%s", p->id);
		return b.ptr;
	}
	for (size_t i = 0; i < cp->n_terms; i++)
		pdg_buf_printf(&b, "%s%s", i ? "+" : "", cp->terms[i]);
	return b.ptr;
}

static void expect_lookup(const pdg_kb *kb, const char *model,
                          const char *want)
{
	char *got = lookup(kb, model);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", model, got, want);
	free(got);
}

/* The licence follows the checkpoint, not the family (issue 3's Qwen
 * lesson), and the Llama versions whose output rules differ stay apart. */
static void test_catalogue_checkpoints(void **state)
{
	(void)state;
	pdg_kb *kb = load_default();

	expect_lookup(kb, "Qwen/Qwen2.5-3B-Instruct",
	              "LicenseRef-Qwen-Research");
	expect_lookup(kb, "Qwen/Qwen2.5-32B-Instruct", "Apache-2.0");
	expect_lookup(kb, "Qwen/Qwen2.5-72B-Instruct", "LicenseRef-Qwen");
	expect_lookup(kb, "Qwen/Qwen2.5-7B-Instruct", "Apache-2.0");
	expect_lookup(kb, "qwen2.5-7b-instruct", "Apache-2.0");
	expect_lookup(kb, "Qwen/Qwen2-72B-Instruct",
	              "LicenseRef-Tongyi-Qianwen");
	expect_lookup(kb, "meta-llama/Meta-Llama-3-8B-Instruct",
	              "LicenseRef-Llama-3-Community");
	expect_lookup(kb, "meta-llama/Llama-3.1-8B-Instruct",
	              "LicenseRef-Llama-3.1-Community");
	expect_lookup(kb, "meta-llama/Llama-3.2-1B",
	              "LicenseRef-Llama-3.2-Community");
	expect_lookup(kb, "meta-llama/Llama-3.3-70B-Instruct",
	              "LicenseRef-Llama-3.3-Community");
	expect_lookup(kb, "meta-llama/Llama-2-7b-chat-hf",
	              "LicenseRef-Llama-2-Community");
	expect_lookup(kb, "google/gemma-2-9b-it", "LicenseRef-Gemma-Terms");
	expect_lookup(kb, "gemma-2-9b-it", "LicenseRef-Gemma-Terms");
	expect_lookup(kb, "openai/gpt-oss-20b",
	              "Apache-2.0+LicenseRef-gpt-oss-Usage-Policy");
	expect_lookup(kb, "gpt-4o", "LicenseRef-OpenAI-Terms+"
	              "LicenseRef-OpenAI-Services-Agreement");
	expect_lookup(kb, "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
	              "MIT+LicenseRef-Llama-3.1-Community");
	expect_lookup(kb, "deepseek-ai/DeepSeek-V3", "LicenseRef-DeepSeek-Model");
	expect_lookup(kb, "deepseek-ai/DeepSeek-V3-0324", "MIT");
	/* Family known, checkpoint not: the caller gets candidates. */
	expect_lookup(kb, "qwen-max", "family:alibaba-qwen");
	expect_lookup(kb, "llama-7b-hf-mirror", "family:meta-llama");
	expect_lookup(kb, "acme/avocado-7b", "unknown");
	expect_lookup(kb, "", "unknown");
	assert_null(pdg_kb_model_lookup(kb, NULL, NULL));
	pdg_kb_free(kb);
}

static void test_catalogue_providers(void **state)
{
	(void)state;
	pdg_kb *kb = load_default();
	const pdg_kb_provider *p = pdg_kb_provider_find(kb, "OPENAI");

	assert_non_null(p);
	assert_int_equal(p->kind, PDG_KB_PROVIDER_API);
	assert_true(p->n_self_id > 0);
	assert_true(p->n_templates > 0);
	p = pdg_kb_provider_find(kb, "google-gemma");
	assert_non_null(p);
	assert_int_equal(p->kind, PDG_KB_PROVIDER_OPEN_WEIGHTS);
	assert_string_equal(pdg_kb_provider_kind_name(p->kind),
	                    "open-weights");
	assert_null(pdg_kb_provider_find(kb, "nobody"));
	assert_true(pdg_kb_provider_count(kb) >= 12);
	assert_null(pdg_kb_provider_at(kb, pdg_kb_provider_count(kb)));
	/* Providers do not count as licence entries. */
	for (size_t i = 0; i < pdg_kb_count(kb); i++)
		assert_non_null(pdg_kb_at(kb, i)->id);
	pdg_kb_free(kb);
}

static void test_glob(void **state)
{
	(void)state;
	assert_true(pdg_kb_glob_match("Qwen2.5-3B*", "qwen2.5-3b-instruct"));
	assert_false(pdg_kb_glob_match("Qwen2.5-3B*", "Qwen2.5-32B"));
	assert_true(pdg_kb_glob_match("a?c", "abc"));
	assert_false(pdg_kb_glob_match("a?c", "ac"));
	assert_true(pdg_kb_glob_match("*", ""));
	assert_true(pdg_kb_glob_match("*x*y*", "aaxbbyc"));
	assert_false(pdg_kb_glob_match("*x*y", "aaxbbyc"));
	assert_true(pdg_kb_glob_match("", ""));
	assert_false(pdg_kb_glob_match("", "a"));
}

#define GOOD_PROVIDER(id, extra) \
	"provider: " id "\n" \
	"name: Acme\n" \
	"product: Acme LM\n" \
	"kind: open-weights\n" \
	"sources: [https://example.org/acme]\n" extra

static void test_provider_errors(void **state)
{
	struct tmp *t = *state;
	char *p;
	pdg_kb *kb = NULL;

	p = write_file(t, "ok.yaml", GOOD_ENTRY("LicenseRef-X", "") "---\n"
	               GOOD_PROVIDER("acme", "checkpoints:\n"
	               "  - match: [\"acme/lm-*\"]\n"
	               "    terms: [LicenseRef-X]\n"));
	assert_int_equal(pdg_kb_load_path(&kb, p), 0);
	const pdg_kb_checkpoint *cp = NULL;
	assert_non_null(pdg_kb_model_lookup(kb, "acme/lm-1", &cp));
	assert_non_null(cp);
	assert_string_equal(cp->terms[0], "LicenseRef-X");
	pdg_kb_free(kb);
	free(p);

	p = write_file(t, "terms.yaml", GOOD_ENTRY("LicenseRef-X", "")
	               "---\n" GOOD_PROVIDER("acme", "terms: [MIT]\n"));
	expect_error(p, PDG_EINVALID, "terms.yaml:14:", "provider 'acme'",
	             "'MIT' is not an entry", NULL);
	free(p);

	p = write_file(t, "dup.yaml", GOOD_ENTRY("LicenseRef-X", "")
	               "---\n" GOOD_PROVIDER("acme", "") "---\n"
	               GOOD_PROVIDER("acme", ""));
	expect_error(p, PDG_EINVALID, "duplicate id", NULL);
	free(p);

	p = write_file(t, "kind.yaml", GOOD_ENTRY("LicenseRef-X", "")
	               "---\nprovider: acme\nname: A\nproduct: B\n"
	               "kind: hosted\nsources: [https://example.org/]\n");
	expect_error(p, PDG_EINVALID, "kind.yaml:12:", "entry 'acme'",
	             "bad value 'hosted'", NULL);
	free(p);

	p = write_file(t, "miss.yaml", GOOD_ENTRY("LicenseRef-X", "")
	               "---\nprovider: acme\nname: A\nkind: api\n"
	               "sources: [https://example.org/]\n");
	expect_error(p, PDG_EINVALID, "missing required field 'product'",
	             NULL);
	free(p);

	p = write_file(t, "field.yaml", GOOD_ENTRY("LicenseRef-X", "")
	               "---\n" GOOD_PROVIDER("acme", "licence: MIT\n"));
	expect_error(p, PDG_EINVALID, "unknown provider field 'licence'",
	             NULL);
	free(p);

	p = write_file(t, "cp.yaml", GOOD_ENTRY("LicenseRef-X", "")
	               "---\n" GOOD_PROVIDER("acme", "checkpoints:\n"
	               "  - match: [\"a b\"]\n    terms: [LicenseRef-X]\n"));
	expect_error(p, PDG_EINVALID, "cp.yaml:15:", "character ' '", NULL);
	free(p);

	p = write_file(t, "cp2.yaml", GOOD_ENTRY("LicenseRef-X", "")
	               "---\n" GOOD_PROVIDER("acme", "checkpoints:\n"
	               "  - match: [\"a*\"]\n"));
	expect_error(p, PDG_EINVALID, "'terms' must list", NULL);
	free(p);
}

/* Duties and limits may say which edges carry them downstream. */
static void test_duty_edges(void **state)
{
	struct tmp *t = *state;
	pdg_kb *kb = NULL;
	char *p = write_file(t, "edges.yaml", GOOD_ENTRY("LicenseRef-X",
	        "duties:\n  - what: display-attribution\n    value: Built "
	        "with X\n    text: Say so.\n    edges: [finetune, "
	        "trained-on-outputs]\nlimits:\n  - what: purpose\n"
	        "    text: Research only.\n    edges: [dataset]\n"));

	assert_int_equal(pdg_kb_load_path(&kb, p), 0);
	const pdg_kb_entry *e = pdg_kb_find(kb, "LicenseRef-X");
	assert_int_equal(e->duties[0].n_edges, 2);
	assert_string_equal(e->duties[0].edges[1], "trained-on-outputs");
	assert_int_equal(e->limits[0].n_edges, 1);
	assert_string_equal(e->limits[0].edges[0], "dataset");
	pdg_kb_free(kb);
	free(p);

	p = write_file(t, "badedge.yaml", GOOD_ENTRY("LicenseRef-X",
	        "duties:\n  - what: give-credit\n    text: Credit.\n"
	        "    edges: [copy]\n"));
	expect_error(p, PDG_EINVALID, "badedge.yaml:11:", "bad edge 'copy'",
	             NULL);
	free(p);
}

#define TMP_TEST(f) cmocka_unit_test_setup_teardown(f, tmp_setup, tmp_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_loads),
		cmocka_unit_test(test_default_matches_source_tree),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_hf),
		cmocka_unit_test(test_outputs_facts),
		cmocka_unit_test(test_use_policies),
		cmocka_unit_test(test_names),
		TMP_TEST(test_custom_dir),
		TMP_TEST(test_unknown_field),
		TMP_TEST(test_duplicate_id),
		TMP_TEST(test_duplicate_field),
		TMP_TEST(test_bad_enum),
		TMP_TEST(test_bad_number),
		TMP_TEST(test_missing_fields),
		TMP_TEST(test_bad_values),
		TMP_TEST(test_signature_words),
		TMP_TEST(test_syntax_error),
		TMP_TEST(test_alias_bomb),
		TMP_TEST(test_limits),
		TMP_TEST(test_bad_paths),
		cmocka_unit_test(test_catalogue_checkpoints),
		cmocka_unit_test(test_catalogue_providers),
		cmocka_unit_test(test_glob),
		TMP_TEST(test_provider_errors),
		TMP_TEST(test_duty_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
