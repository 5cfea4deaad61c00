/* test_policy.c - the documents kept for checks (texts), policy loading
 * and the order in which a verdict is decided. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "findings.h"
#include "license/license.h"
#include "lineage/texts.h"
#include "policy/policy.h"
#include "util.h"

/* ---- texts ---- */

static void test_normalise(void **state)
{
	(void)state;
	/* Curly quotes, markdown emphasis, case and blank runs all fold. */
	char *n = pdg_texts_normalise("  **Built  with\n\u2018Llama\u2019**\t ");
	assert_string_equal(n, "built with 'llama'");
	free(n);
	n = pdg_texts_normalise("\u201cGemma\u201d\xc2\xa0Terms");
	assert_string_equal(n, "\"gemma\" terms");
	free(n);
}

static void test_find_lines_titles(void **state)
{
	(void)state;
	pdg_texts *t = pdg_texts_new();
	const char *card = "---\nlicense: mit\n---\n\n# Acme-7B\n\nLine six.\n"
	                   "It was **Built\nwith Llama** by us.\n";
	const char *notice = "Copyright Acme.\nprovided under and subject to "
	                     "the Gemma Terms of Use\n";
	const pdg_text *w = NULL;
	uint32_t line = 0;

	assert_int_equal(pdg_texts_add(t, "m", "src", "README.md", NULL,
	                               PDG_KIND_MODEL_CARD,
	                               (const uint8_t *)card, strlen(card),
	                               strlen(card)), 0);
	assert_int_equal(pdg_texts_add(t, "m", "src", "NOTICE", NULL,
	                               PDG_KIND_LICENSE,
	                               (const uint8_t *)notice, strlen(notice),
	                               strlen(notice) + 10), 0);
	assert_int_equal(pdg_texts_count(t), 2);
	assert_string_equal(pdg_texts_at(t, 0)->title, "Acme-7B");
	assert_true(pdg_texts_at(t, 0)->complete);
	assert_false(pdg_texts_at(t, 1)->complete);   /* read in part */
	/* A phrase across a line break and emphasis marks is found on the
	 * line where it starts. */
	assert_true(pdg_texts_find(t, "m", 0, NULL, "built with llama", &w,
	                           &line));
	assert_string_equal(w->path, "README.md");
	assert_int_equal(line, 8);
	/* Name prefix and kinds narrow the search. */
	assert_true(pdg_texts_find(t, "m", 0, "NOTICE", "gemma terms of use",
	                           &w, &line));
	assert_int_equal(line, 2);
	assert_false(pdg_texts_find(t, "m", PDG_KIND_BIT(PDG_KIND_MODEL_CARD),
	                            NULL, "gemma terms", NULL, NULL));
	assert_false(pdg_texts_find(t, "other", 0, NULL, "acme", NULL, NULL));
	assert_false(pdg_texts_find(t, "m", 0, NULL, "", NULL, NULL));
	assert_non_null(pdg_texts_named(t, "m", "notice"));
	assert_null(pdg_texts_named(t, "m", "LICENSE"));
	assert_non_null(pdg_texts_get(t, "src", "NOTICE"));
	pdg_texts_free(t);
}

/* ---- SPDX expressions as the allow/deny check sees them ---- */

static int leaf_is_mit(const char *id, void *p)
{
	(void)p;
	return strcmp(id, "MIT") == 0;
}

static void test_spdx_eval(void **state)
{
	(void)state;
	static const struct { const char *expr; int want; } cases[] = {
		{ "MIT", 1 }, { "Apache-2.0", 0 }, { "MIT OR Apache-2.0", 1 },
		{ "MIT AND Apache-2.0", 0 }, { "(Apache-2.0 OR MIT) AND MIT", 1 },
		{ "GPL-2.0-only WITH Classpath-exception-2.0 OR MIT", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		pdg_spdx_expr *e = NULL;
		assert_int_equal(pdg_spdx_parse(&e, cases[i].expr,
		                                strlen(cases[i].expr)), 0);
		if (pdg_spdx_expr_eval(e, leaf_is_mit, NULL) != cases[i].want)
			fail_msg("%s", cases[i].expr);
		pdg_spdx_expr_free(e);
	}
}

/* ---- policies ---- */

static pdg_policy *load(const char *yaml)
{
	pdg_policy *p = NULL;

	if (pdg_policy_load_buffer(&p, "t.yaml", yaml, strlen(yaml)) != 0)
		fail_msg("policy did not load: %s", pdg_error_last());
	return p;
}

static void expect_invalid(const char *yaml, const char *frag)
{
	pdg_policy *p = NULL;

	assert_int_equal(pdg_policy_load_buffer(&p, "t.yaml", yaml,
	                                        strlen(yaml)), PDG_EINVALID);
	assert_null(p);
	if (!strstr(pdg_error_last(), frag))
		fail_msg("'%s' lacks '%s'", pdg_error_last(), frag);
}

static void test_load_errors(void **state)
{
	(void)state;
	expect_invalid("version: 1\n", "t.yaml:1: 'policy' (its name)");
	expect_invalid("policy: p\n", "'version: 1' is required");
	expect_invalid("policy: p\nversion: 2\n", "t.yaml:2: version 2");
	expect_invalid("policy: p\nversion: 1\nseverity:\n  fatal: fail\n",
	               "t.yaml:4: severity: unknown key 'fatal'");
	expect_invalid("policy: p\nversion: 1\nintended_use:\n"
	               "  commercial: maybe\n",
	               "t.yaml:4: intended_use.commercial must be true");
	expect_invalid("policy: p\nversion: 1\nintended_use:\n"
	               "  monthly_active_users: 1e6\n", "t.yaml:4:");
	expect_invalid("policy: p\nversion: 1\nexceptions:\n  - rule: x\n"
	               "    reason: r\n    approved_by: a\n"
	               "    expires: 2025-13-01\n", "t.yaml:7: expires");
	expect_invalid("policy: p\nversion: 1\nclarify:\n  - path: L\n"
	               "    hash: xxh3:0123456789abcdef\n"
	               "    license: MIT OR\n", "t.yaml:6: clarification");
	expect_invalid("policy: p\nversion: 1\nrules:\n  a.b: fail\n"
	               "  a.b: pass\n", "given twice");
	expect_invalid("policy: p\nversion: 1\n---\npolicy: q\nversion: 1\n",
	               "one YAML document");
	expect_invalid("&a policy: p\nversion: 1\n", "t.yaml");
	expect_invalid("", "empty policy");
}

static void test_builtins(void **state)
{
	(void)state;
	for (size_t i = 0; pdg_policy_builtin_names[i]; i++) {
		pdg_policy *p = NULL;
		assert_int_equal(pdg_policy_load(&p,
		                 pdg_policy_builtin_names[i]), 0);
		assert_string_equal(pdg_policy_name(p),
		                    pdg_policy_builtin_names[i]);
		pdg_policy_free(p);
	}
	pdg_policy *p = NULL;
	assert_int_equal(pdg_policy_load(&p, "releese"), PDG_ENOTFOUND);
	assert_int_equal(pdg_policy_load(&p, "/no/such/policy.yaml"),
	                 PDG_ENOTFOUND);
	assert_int_equal(pdg_policy_load(&p, "/dev/null"), PDG_EINVALID);
	p = NULL;
	assert_int_equal(pdg_policy_load(&p, "release"), 0);
	const pdg_intent *in = pdg_policy_intent(p);
	assert_int_equal(in->commercial, PDG_YES);
	assert_true(in->competes_known);
	assert_string_equal(in->competes_with[0], "*");
	pdg_policy_free(p);
}

static void add(pdg_findings *fs, const char *rule, pdg_severity sev,
                const char *subject)
{
	pdg_finding f = PDG_CORE_FINDING_INIT;

	f.kind = PDG_FINDING_CONFLICT;
	f.severity = sev;
	f.rule = rule;
	f.message = "m";
	f.subject = subject;
	f.component = "c";
	assert_int_equal(pdg_findings_add(fs, &f), 0);
}

static const char *verdict_of(const pdg_findings *fs, const char *rule)
{
	for (size_t i = 0; i < fs->len; i++)
		if (!strcmp(fs->items[i].rule, rule))
			return pdg_verdict_name(fs->items[i].verdict);
	return "?";
}

/* Exception, exact rule, longest glob, severity: in that order. */
static void test_judge_order(void **state)
{
	(void)state;
	pdg_policy *p = load(
	        "policy: p\nversion: 1\n"
	        "rules:\n  terms.*: fail\n  terms.competing-use: warn\n"
	        "  lineage.*: warn\n  lineage.undeclared.*: pass\n"
	        "severity:\n  warning: fail\n"
	        "exceptions:\n"
	        "  - rule: obligation.*\n    subject: Apache-2.0\n"
	        "    reason: r\n    approved_by: a\n    expires: 2030-01-01\n"
	        "  - rule: license.*\n    reason: old\n    approved_by: b\n"
	        "    expires: 2020-01-01\n");
	pdg_findings fs = { 0 };

	add(&fs, "terms.competing-use", PDG_SEVERITY_ERROR, NULL);
	add(&fs, "terms.outputs-prohibited", PDG_SEVERITY_ERROR, NULL);
	add(&fs, "lineage.undeclared.x", PDG_SEVERITY_WARNING, NULL);
	add(&fs, "lineage.undeclared", PDG_SEVERITY_WARNING, NULL);
	add(&fs, "obligation.unmet", PDG_SEVERITY_ERROR, "Apache-2.0");
	add(&fs, "obligation.other", PDG_SEVERITY_ERROR, "MIT");
	add(&fs, "license.incompatible", PDG_SEVERITY_INFO, NULL);
	add(&fs, "card.metadata", PDG_SEVERITY_WARNING, NULL);
	/* Findings only counted are judged by the rule they stand for. */
	add(&fs, "core.findings-truncated", PDG_SEVERITY_ERROR,
	    "terms.competing-use");
	assert_int_equal(pdg_policy_judge(p, &fs, -1, 0, "2026-06-01"), 1);
	assert_string_equal(verdict_of(&fs, "core.findings-truncated"),
	                    "warn");
	assert_string_equal(verdict_of(&fs, "terms.competing-use"), "warn");
	assert_string_equal(verdict_of(&fs, "terms.outputs-prohibited"),
	                    "fail");
	assert_string_equal(verdict_of(&fs, "lineage.undeclared.x"), "pass");
	assert_string_equal(verdict_of(&fs, "lineage.undeclared"), "warn");
	assert_string_equal(verdict_of(&fs, "obligation.unmet"), "pass");
	assert_string_equal(verdict_of(&fs, "obligation.other"), "fail");
	assert_string_equal(verdict_of(&fs, "license.incompatible"), "fail");
	assert_string_equal(verdict_of(&fs, "card.metadata"), "fail");
	for (size_t i = 0; i < fs.len; i++)
		if (!strcmp(fs.items[i].rule, "license.incompatible"))
			assert_non_null(strstr(fs.items[i].verdict_reason,
			                "exception expired on 2020-01-01"));
	assert_int_equal(pdg_policy_expired_count(p, "2026-06-01"), 1);
	assert_int_equal(pdg_policy_expired_count(p, "2019-06-01"), 0);

	/* --fail-on info fails what no exception covers. */
	assert_int_equal(pdg_policy_judge(p, &fs, PDG_SEVERITY_INFO, 0,
	                                  "2026-06-01"), 1);
	assert_string_equal(verdict_of(&fs, "lineage.undeclared.x"), "fail");
	assert_string_equal(verdict_of(&fs, "obligation.unmet"), "pass");
	/* --fail-on never: nothing fails. */
	assert_int_equal(pdg_policy_judge(p, &fs, -1, 1, "2026-06-01"), 0);
	assert_string_equal(verdict_of(&fs, "terms.outputs-prohibited"),
	                    "warn");
	pdg_findings_clear(&fs);
	pdg_policy_free(p);
}

static void test_hash_string(void **state)
{
	(void)state;
	char *h = pdg_policy_hash_string(0xbaf1826a72f0a5a3ull);
	assert_string_equal(h, "xxh3:baf1826a72f0a5a3");
	free(h);
	assert_int_equal(pdg_policy_hash_file(&h, "/dev/null"), PDG_EINVALID);
	assert_null(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_find_lines_titles),
		cmocka_unit_test(test_spdx_eval),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_judge_order),
		cmocka_unit_test(test_hash_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
