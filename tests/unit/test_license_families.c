/* test_license_families.c - the exact family AND version of model
 * licences, use policies and API terms, with the built-in database and
 * knowledge base.
 *
 * The documents are written here: a common body in the test's own words
 * plus the short title, version and notice lines that name each document
 * (no licence text is copied).  Siblings share phrases on purpose (Llama
 * 3.1, 3.2 and 3.3 all ask for "Built with Llama"), so a matcher that
 * keyed on anything but the naming lines would confuse them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kb/kb.h"
#include "license/license.h"

/* A body any model licence could have; none of it names a document. */
#define BODY \
	"\n1. Definitions. \"Materials\" means the weights, the code and " \
	"the manuals published with the model. \"You\" means the person " \
	"or company that accepts these terms.\n" \
	"2. Grant. You may use, copy, change and share the Materials, " \
	"without paying a fee, while you keep to these terms.\n" \
	"3. Duties. Everyone you share the Materials with receives a copy " \
	"of these terms. Files you change say that you changed them.\n" \
	"4. No warranty. The Materials come as they are.\n"

/* Phrases several Llama versions share: they must not decide. */
#define LLAMA_SHARED \
	"You shall prominently display \xe2\x80\x9c" "Built with Llama" \
	"\xe2\x80\x9d on a related website. If you use any outputs or " \
	"results of the Llama Materials to train a model, include " \
	"\xe2\x80\x9cLlama\xe2\x80\x9d at the beginning of any such AI " \
	"model name.\n"

struct doc {
	const char *want;          /* expected id */
	pdg_license_doc kind;
	const char *text;
};

static const struct doc docs[] = {
	{ "LicenseRef-Llama-2-Community", PDG_LICENSE_DOC_LICENSE,
	  "LLAMA 2 COMMUNITY LICENSE AGREEMENT\n"
	  "Llama 2 Version Release Date: July 18, 2023\n" BODY
	  "You will not use the outputs to improve any other large language "
	  "model (excluding Llama 2 or derivative works thereof).\n" },
	{ "LicenseRef-Llama-3-Community", PDG_LICENSE_DOC_LICENSE,
	  "META LLAMA 3 COMMUNITY LICENSE AGREEMENT\n"
	  "Meta Llama 3 Version Release Date: April 18, 2024\n" BODY
	  "Display \xe2\x80\x9c" "Built with Meta Llama 3\xe2\x80\x9d.\n" },
	{ "LicenseRef-Llama-3.1-Community", PDG_LICENSE_DOC_LICENSE,
	  "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\n"
	  "Llama 3.1 Version Release Date: July 23, 2024\n" BODY
	  LLAMA_SHARED },
	{ "LicenseRef-Llama-3.2-Community", PDG_LICENSE_DOC_LICENSE,
	  "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\n"
	  "Llama 3.2 Version Release Date: September 25, 2024\n" BODY
	  LLAMA_SHARED },
	{ "LicenseRef-Llama-3.3-Community", PDG_LICENSE_DOC_LICENSE,
	  "LLAMA 3.3 COMMUNITY LICENSE AGREEMENT\n"
	  "Llama 3.3 Version Release Date: December 6, 2024\n" BODY
	  LLAMA_SHARED },
	{ "LicenseRef-Llama-4-Community", PDG_LICENSE_DOC_LICENSE,
	  "LLAMA 4 COMMUNITY LICENSE AGREEMENT\n"
	  "Llama 4 Version Effective Date: April 5, 2025\n" BODY
	  LLAMA_SHARED },
	{ "LicenseRef-Llama-3.1-AUP", PDG_LICENSE_DOC_USE_POLICY,
	  "Llama 3.1 Acceptable Use Policy\n\nDo not use the model to harm "
	  "people, to deceive them or to break the law.\n" },
	{ "LicenseRef-Llama-3.2-AUP", PDG_LICENSE_DOC_USE_POLICY,
	  "Llama 3.2 Acceptable Use Policy\n\nDo not use the model to harm "
	  "people, to deceive them or to break the law.\n" },
	{ "LicenseRef-Gemma-Terms", PDG_LICENSE_DOC_LICENSE,
	  "Gemma Terms of Use\n" BODY
	  "For clarity, Outputs are not deemed Model Derivatives.\n" },
	{ "LicenseRef-Gemma-Prohibited-Use-Policy",
	  PDG_LICENSE_DOC_USE_POLICY,
	  "Gemma Prohibited Use Policy\n\nYou may not use Gemma to harm "
	  "people.\n" },
	{ "LicenseRef-Tongyi-Qianwen", PDG_LICENSE_DOC_LICENSE,
	  "Tongyi Qianwen LICENSE AGREEMENT\n"
	  "Tongyi Qianwen Release Date: August 3, 2023\n" BODY },
	{ "LicenseRef-Tongyi-Qianwen-Research", PDG_LICENSE_DOC_LICENSE,
	  "Tongyi Qianwen RESEARCH LICENSE AGREEMENT\n"
	  "Tongyi Qianwen Release Date: November 30, 2023\n" BODY
	  "FOR NON-COMMERCIAL PURPOSES ONLY.\n" },
	{ "LicenseRef-Qwen", PDG_LICENSE_DOC_LICENSE,
	  "Qwen LICENSE AGREEMENT\n"
	  "Qwen LICENSE AGREEMENT Release Date: September 19, 2024\n" BODY
	  "Say \xe2\x80\x9c" "Built with Qwen\xe2\x80\x9d or \xe2\x80\x9c"
	  "Improved using Qwen\xe2\x80\x9d.\n" },
	{ "LicenseRef-Qwen-Research", PDG_LICENSE_DOC_LICENSE,
	  "Qwen RESEARCH LICENSE AGREEMENT\n"
	  "Qwen RESEARCH LICENSE AGREEMENT Release Date: September 19, 2024\n"
	  BODY "FOR NON-COMMERCIAL PURPOSES ONLY. Say \xe2\x80\x9c"
	  "Built with Qwen\xe2\x80\x9d.\n" },
	{ "LicenseRef-DeepSeek-Model", PDG_LICENSE_DOC_LICENSE,
	  "DEEPSEEK LICENSE AGREEMENT\nVersion 1.0, 23 October 2023\n" BODY
	  "Use-based restrictions as referenced in paragraph 5 apply.\n" },
	{ "LicenseRef-Mistral-Research", PDG_LICENSE_DOC_LICENSE,
	  "Mistral AI Research License\n" BODY
	  "You shall only use the Mistral Models for Research Purposes.\n" },
	{ "LicenseRef-Mistral-Non-Production", PDG_LICENSE_DOC_LICENSE,
	  "Mistral AI Non-Production License\n" BODY
	  "Use it only in a Non-Production Environment.\n" },
	{ "LicenseRef-Falcon-180B-TII", PDG_LICENSE_DOC_LICENSE,
	  "FALCON 180B TII LICENSE VERSION 1.0\n" BODY "Say it is built "
	  "using Falcon LLM technology from the Technology Innovation "
	  "Institute.\n" },
	{ "LicenseRef-Falcon-TII", PDG_LICENSE_DOC_LICENSE,
	  "TII Falcon License\n" BODY },
	{ "LicenseRef-Stability-AI-Community", PDG_LICENSE_DOC_LICENSE,
	  "STABILITY AI COMMUNITY LICENSE AGREEMENT\n" BODY
	  "Show \xe2\x80\x9cPowered by Stability AI\xe2\x80\x9d.\n" },
	{ "LicenseRef-BigScience-BLOOM-RAIL-1.0", PDG_LICENSE_DOC_LICENSE,
	  "BigScience RAIL License v1.0\ndated May 19, 2022\n" BODY },
	/* API terms: what a dataset card says about where its data came
	 * from. */
	{ "LicenseRef-OpenAI-Terms", PDG_LICENSE_DOC_TERMS,
	  "The answers were generated with GPT-4 and are subject to the "
	  "OpenAI Terms of Use.\n" },
	{ "LicenseRef-Anthropic-Terms", PDG_LICENSE_DOC_TERMS,
	  "Responses come from Claude under the Anthropic Commercial Terms "
	  "of Service.\n" },
	{ "LicenseRef-Gemini-API-Terms", PDG_LICENSE_DOC_TERMS,
	  "Gemini API Additional Terms of Service\n\nYou may not use the "
	  "Services to develop models that compete with the Services.\n" },
	{ "LicenseRef-xAI-Terms", PDG_LICENSE_DOC_TERMS,
	  "Data collected from Grok; the xAI Terms of Service apply.\n" },
	{ "LicenseRef-Mistral-API-Terms", PDG_LICENSE_DOC_TERMS,
	  "Generated on La Plateforme under the Mistral AI Terms of "
	  "Service.\n" },
};

static pdg_kb *kb;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(pdg_kb_load_default(&kb), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pdg_kb_free(kb);
	return 0;
}

static pdg_license_result *identify(const char *text, const pdg_kb *k)
{
	pdg_license_opts o = PDG_LICENSE_OPTS_INIT;
	pdg_license_result *r = NULL;

	o.kb = k;
	assert_int_equal(pdg_license_identify(&r, text, strlen(text), &o), 0);
	assert_non_null(r);
	return r;
}

/* Each document is named exactly: family and version. */
static void families_and_versions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		pdg_license_result *r = identify(docs[i].text, kb);

		if (strcmp(r->license, docs[i].want) != 0)
			fail_msg("document %zu: want %s, got %s", i,
			         docs[i].want, r->license);
		assert_int_equal(r->n_matches, 1);
		assert_int_equal(r->matches[0].method,
		                 PDG_LICENSE_BY_SIGNATURE);
		assert_int_equal(r->matches[0].doc, docs[i].kind);
		assert_true(r->confidence > 0.5 && r->confidence < 1.0);
		pdg_license_result_free(r);
		/* Without the knowledge base nothing names them. */
		r = identify(docs[i].text, NULL);
		assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
		pdg_license_result_free(r);
	}
}

/* Phrases without a line that names the document are not enough: a text
 * with what Llama 3.1, 3.2 and 3.3 all say is none of them. */
static void shared_phrases_name_nothing(void **state)
{
	pdg_license_result *r;

	(void)state;
	r = identify("CUSTOM MODEL LICENSE\n" BODY LLAMA_SHARED, kb);
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	/* Its clauses are still there. */
	assert_true(r->n_clauses >= 2);
	pdg_license_result_free(r);
	/* A version the knowledge base does not know is not the nearest. */
	r = identify("LLAMA 3.4 COMMUNITY LICENSE AGREEMENT\n"
	             "Llama 3.4 Version Release Date: May 1, 2026\n" BODY
	             LLAMA_SHARED, kb);
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	pdg_license_result_free(r);
}

/* Notices: a NOTICE file or a README line that names the licence. */
static void notices(void **state)
{
	static const struct {
		const char *text, *want;
	} n[] = {
		{ "Llama 3.1 is licensed under the Llama 3.1 Community "
		  "License, Copyright \xc2\xa9 Meta Platforms, Inc. All Rights "
		  "Reserved.\n", "LicenseRef-Llama-3.1-Community" },
		{ "Gemma is provided under and subject to the Gemma Terms of "
		  "Use found at ai.google.dev/gemma/terms\n",
		  "LicenseRef-Gemma-Terms" },
		{ "# Tiny model\n\nSorts socks.\n\n## License\n\nThe weights "
		  "are released under the Apache License, Version 2.0.\n",
		  "Apache-2.0" },
		{ "## License\n\nThis dataset is shared under CC BY-NC 4.0.\n",
		  "CC-BY-NC-4.0" },
		{ "## License\n\nThis dataset is shared under CC BY-NC-SA "
		  "4.0.\n", "CC-BY-NC-SA-4.0" },
		{ "Released under the MIT License.\n", "MIT" },
	};
	pdg_license_result *r;

	(void)state;
	for (size_t i = 0; i < sizeof(n) / sizeof(*n); i++) {
		r = identify(n[i].text, kb);
		if (strcmp(r->license, n[i].want) != 0)
			fail_msg("notice %zu: want %s, got %s", i, n[i].want,
			         r->license);
		/* One phrase is a notice, not a copy: lower confidence. */
		assert_true(r->matches[0].confidence <= 0.6);
		pdg_license_result_free(r);
	}
	/* A card's front-matter tags are declarations, not notices: the
	 * tag alone names nothing, the same words in the body do. */
	r = identify("---\nlicense: cc-by-4.0\ntags: [cc-by-nc-4.0]\n---\n"
	             "# Data\n", kb);
	assert_int_equal(r->n_matches, 0);
	assert_string_equal(r->card_license, "cc-by-4.0");
	pdg_license_result_free(r);
	r = identify("---\nlicense: cc-by-4.0\n---\n# Data\n\nShared under "
	             "CC BY 4.0.\n", kb);
	assert_int_equal(r->n_matches, 1);
	assert_string_equal(r->matches[0].id, "CC-BY-4.0");
	assert_int_equal(r->matches[0].line_start, 6);
	pdg_license_result_free(r);
	/* Two notices in one README: both licences. */
	r = identify("Code: released under the MIT License.\nWeights: "
	             "licensed under the Llama 3.2 Community License.\n", kb);
	assert_string_equal(r->license,
	                    "MIT AND LicenseRef-Llama-3.2-Community");
	pdg_license_result_free(r);
}

/* A marker that is part of a longer one names the longer one's document
 * only: "Open RAIL-M License" inside "BigScience Open RAIL-M License". */
static void longer_marker_wins(void **state)
{
	pdg_license_result *r;

	(void)state;
	r = identify("BigScience Open RAIL-M License\n" BODY, kb);
	assert_string_equal(r->license, "LicenseRef-BigScience-OpenRAIL-M");
	assert_int_equal(r->n_matches, 1);
	pdg_license_result_free(r);
}

/* Every knowledge-base entry that must be recognised by its phrases has
 * a marker, and no marker names two entries. */
static void every_document_has_a_marker(void **state)
{
	(void)state;
	for (size_t i = 0; i < pdg_kb_count(kb); i++) {
		const pdg_kb_entry *e = pdg_kb_at(kb, i);

		if (e->kind != PDG_KB_OPEN_SOURCE && !e->n_markers)
			fail_msg("%s has no marker", e->id);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(families_and_versions),
		cmocka_unit_test(shared_phrases_name_nothing),
		cmocka_unit_test(notices),
		cmocka_unit_test(longer_marker_wins),
		cmocka_unit_test(every_document_has_a_marker),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
