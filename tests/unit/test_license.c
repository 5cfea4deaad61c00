/* test_license.c - licence identification: the normaliser, clauses, SPDX
 * expressions, the built-in database, and the matcher on a database that
 * the test generates itself from licences it invents (no real licence
 * text is copied here; accuracy on real texts is bench/licence-accuracy).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "pdg_config.h"
#include "pedigree/pedigree.h"
#include "kb/kb.h"
#include "license/license.h"

/* ------------------------------------------------------------------ */
/* Invented licences: the test's own corpus.                          */

/* Two versions that differ only in version numbers and one sentence,
 * like Llama 3.2 and 3.3. */
#define ACME_BODY(V, EXTRA) \
	"ACME OPEN MODEL LICENSE VERSION " V "\n" \
	"\n" \
	"1. Definitions.\n" \
	"   a. \"Acme Materials\" means the weights, code and manuals that " \
	"Acme Robotics publishes together with the Acme " V " model family.\n"\
	"   b. \"Operator\" means the person or company that runs a copy of " \
	"the Acme Materials for other people.\n" \
	"\n" \
	"2. Permission. Acme Robotics lets every Operator copy, change and " \
	"share the Acme " V " Materials without paying a fee, for as long " \
	"as the Operator keeps to each duty in this licence.\n" \
	"\n" \
	"3. Duties.\n" \
	"   a. Every copy that an Operator shares must carry this licence " \
	"and a notice naming Acme " V " as its origin.\n" \
	"   b. An Operator must prominently display \"Built with Acme\" on " \
	"the page where the product is offered.\n" \
	"   c. The name of any derived model must begin with \"Acme\".\n" \
	"   d. An Operator whose services have more than 250 million " \
	"monthly active users needs a separate grant from Acme Robotics.\n" \
	"   e. " EXTRA "\n" \
	"\n" \
	"4. Warranty. The Acme " V " Materials come as they are; Acme " \
	"Robotics promises nothing about fitness, accuracy or safety, and " \
	"is not liable for losses of any kind.\n" \
	"\n" \
	"5. Ending. This permission ends by itself when an Operator breaks " \
	"a duty and does not repair the breach within thirty days.\n"

static const char acme_10[] = ACME_BODY("1.0",
	"An Operator may not use outputs of the Acme Materials to train or "
	"improve any other language model.");
static const char acme_11[] = ACME_BODY("1.1",
	"An Operator may use outputs of the Acme Materials for any lawful "
	"purpose, including building other systems.");

static const char zeta[] =
	"ZETA SHORT PERMISSION NOTICE\n"
	"\n"
	"Copyright (c) <year> <owner>\n"
	"\n"
	"Anyone who receives these files may read, run, alter, merge and pass "
	"them on to others, for free or for a price, on one condition: the "
	"line above and this paragraph travel with every substantial part of "
	"the files.\n"
	"\n"
	"The files come with no promise of any kind. Their authors answer for "
	"no claim, damage or other liability that arises from them or from "
	"their use, whether by contract, tort or otherwise.\n";

static const char policy[] =
	"ACME FAIR USE POLICY\n"
	"\n"
	"Acme Robotics wants its models used with care. Whoever uses the "
	"Acme Materials agrees not to use them to:\n"
	"\n"
	"- plan or carry out violence against people or animals;\n"
	"- write messages that trick people into handing over money;\n"
	"- watch or track people without their knowledge or consent;\n"
	"- run automated systems that decide about credit, housing or jobs "
	"without a human review;\n"
	"- pretend that text written by a model was written by a person.\n"
	"\n"
	"Report misuse of Acme models to the safety team of Acme Robotics.\n";

/* A family built like Creative Commons: one base, variants that add a
 * non-profit definition, a same-terms section or a no-adaptations
 * section, and two versions.  Variants and versions must never be
 * confused. */
#define CREDIT_HEAD(V, NAME) \
	"CREDIT " NAME " PUBLIC LICENSE VERSION " V "\n\n" \
	"Section 1. Definitions.\n" \
	"  a. \"Work\" means the text, images, data or other material that " \
	"the Licensor offers under this license.\n" \
	"  b. \"Adapted Work\" means material derived from the Work in " \
	"which the Work is translated, altered or rearranged.\n"
#define CREDIT_NP_DEF \
	"  c. \"Non-profit use\" means use that seeks no money, no sales, " \
	"no advertising income and no other business gain for anyone at " \
	"all.\n"
#define CREDIT_GRANT(PURPOSE) \
	"Section 2. Grant. The Licensor lets You copy, share and adapt the " \
	"Work, in any medium, " PURPOSE ", without a fee.\n" \
	"Section 3. Credit. When You share the Work or an Adapted Work You " \
	"must name its creator, link to this license and say whether You " \
	"changed it.\n"
#define CREDIT_SAME \
	"Section 4. Same terms. An Adapted Work that You share must be " \
	"offered under this license or a later version of it, with the " \
	"same elements, so that everyone downstream keeps the same " \
	"freedoms.\n"
#define CREDIT_NOADAPT \
	"Section 4. No adaptations. You may share the Work only as You " \
	"received it; an Adapted Work may be made for private study but " \
	"must never be handed to anyone else.\n"
#define CREDIT_TAIL(V) \
	"Section 5. Disclaimer. The Licensor offers the Work as it is and " \
	"answers for no damage of any kind that may come from its use, as " \
	"far as the law allows.\n" \
	"Section 6. Term. These rights last as long as the copyright in " \
	"the Work, and end by themselves when You break a condition of " \
	"version " V " and do not repair the breach within thirty days.\n"
#define CREDIT_DB \
	"Section 7. Databases. Where the Work is a database, the rights " \
	"granted here include extracting, reusing and sharing all or a " \
	"substantial part of its contents.\n"

static const struct {
	const char *id, *text;
} credit[] = {
	{ "Credit-BY-4.0", CREDIT_HEAD("4.0", "BY")
	  CREDIT_GRANT("for any purpose") CREDIT_TAIL("4.0") CREDIT_DB },
	{ "Credit-BY-NC-4.0", CREDIT_HEAD("4.0", "BY-NC") CREDIT_NP_DEF
	  CREDIT_GRANT("for non-profit use only") CREDIT_TAIL("4.0")
	  CREDIT_DB },
	{ "Credit-BY-SA-4.0", CREDIT_HEAD("4.0", "BY-SA")
	  CREDIT_GRANT("for any purpose") CREDIT_SAME CREDIT_TAIL("4.0")
	  CREDIT_DB },
	{ "Credit-BY-ND-4.0", CREDIT_HEAD("4.0", "BY-ND")
	  CREDIT_GRANT("for any purpose") CREDIT_NOADAPT CREDIT_TAIL("4.0")
	  CREDIT_DB },
	{ "Credit-BY-NC-SA-4.0", CREDIT_HEAD("4.0", "BY-NC-SA")
	  CREDIT_NP_DEF CREDIT_GRANT("for non-profit use only") CREDIT_SAME
	  CREDIT_TAIL("4.0") CREDIT_DB },
	{ "Credit-BY-3.0", CREDIT_HEAD("3.0", "BY")
	  CREDIT_GRANT("for any purpose") CREDIT_TAIL("3.0") },
	{ "Credit-BY-NC-3.0", CREDIT_HEAD("3.0", "BY-NC") CREDIT_NP_DEF
	  CREDIT_GRANT("for non-profit use only") CREDIT_TAIL("3.0") },
};

/* A bilingual model licence, Chinese then English, in two versions that
 * differ only in the user threshold.  Written for this test. */
#define ZH_BODY(YI, MILLION) \
	"模型许可协议\n\n" \
	"一、定义。“模型”是指本协议所附的权重、代码和文档。\n" \
	"二、授权。许可方允许您免费使用、复制、修改和分发模型，但须遵守本协议的" \
	"全部条款。\n" \
	"三、限制。您不得将模型用于任何违法用途，也不得用于军事用途。若您的产品" \
	"月活跃用户超过 " YI " 亿，须另行取得许可方的书面许可。\n" \
	"四、免责。模型按现状提供，许可方不对任何损失承担责任。\n\n" \
	"MODEL LICENSE AGREEMENT\n\n" \
	"1. Definitions. The \"Model\" means the weights, code and documents " \
	"that come with this agreement.\n" \
	"2. Grant. The Licensor lets you use, copy, change and share the " \
	"Model for free, as long as you keep to every term of this " \
	"agreement.\n" \
	"3. Limits. You may not use the Model for anything unlawful or for " \
	"military purposes. If your products have more than " MILLION \
	" million monthly active users, you need a written licence from the " \
	"Licensor.\n" \
	"4. No warranty. The Model comes as it is; the Licensor is liable " \
	"for no loss.\n"

static const char zh_1[] = ZH_BODY("1", "100");
static const char zh_2[] = ZH_BODY("2", "200");

static char tmpdir[256];
static char db_path[512];
static pdg_license_db *db;

static void write_file(const char *rel, const char *text)
{
	char path[768];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *rel)
{
	char path[768];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static char *concat(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

/* Run the generator the build made on a corpus folder. */
static void run_generator(const char *corpus, const char *out)
{
	const char *root = getenv("PEDIGREE_BUILD_ROOT");
	char gen[768];
	pid_t pid;
	int status;

	snprintf(gen, sizeof(gen), "%s/core/src/license/pedigree-licdb-gen",
	         root && *root ? root : PDG_BUILD_ROOT);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execl(gen, gen, corpus, out, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Write the corpus and run the generator the build made. */
static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *licence_and_policy;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pdg-license-XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
	make_dir("spdx");
	make_dir("models");
	make_dir("models/LicenseRef-Acme-1.0");
	make_dir("models/LicenseRef-Acme-1.1");
	make_dir("models/LicenseRef-Acme-2.0");
	make_dir("models/LicenseRef-Acme-AUP");
	write_file("models/LicenseRef-Acme-1.0/LICENSE", acme_10);
	write_file("models/LicenseRef-Acme-1.1/LICENSE", acme_11);
	/* A licence file with the use policy appended to it. */
	licence_and_policy = concat(ACME_BODY("2.0", "Nothing more."), "\n",
	                            policy);
	write_file("models/LicenseRef-Acme-2.0/LICENSE", licence_and_policy);
	free(licence_and_policy);
	write_file("models/LicenseRef-Acme-AUP/USE_POLICY.md", policy);
	for (size_t i = 0; i < sizeof(credit) / sizeof(*credit); i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "spdx/%s.txt", credit[i].id);
		write_file(rel, credit[i].text);
	}
	make_dir("models/LicenseRef-Zh-1");
	make_dir("models/LicenseRef-Zh-2");
	write_file("models/LicenseRef-Zh-1/LICENSE", zh_1);
	write_file("models/LicenseRef-Zh-2/LICENSE", zh_2);
	/* One text, two ids: the preferred one is "-only". */
	write_file("spdx/Zeta-1.0-only.txt", zeta);
	write_file("spdx/Zeta-1.0-or-later.txt", zeta);

	snprintf(db_path, sizeof(db_path), "%s/test.licdb", tmpdir);
	run_generator(tmpdir, db_path);
	assert_int_equal(pdg_license_db_open(&db, db_path), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	pdg_license_db_free(db);
	db = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static pdg_license_result *identify_db(const char *text, size_t len,
                                       const pdg_license_db *d)
{
	pdg_license_opts o = PDG_LICENSE_OPTS_INIT;
	pdg_license_result *r = NULL;

	o.db = d;
	assert_int_equal(pdg_license_identify(&r, text, len, &o), 0);
	assert_non_null(r);
	assert_non_null(r->license);
	assert_true(r->confidence >= 0.0 && r->confidence <= 1.0);
	return r;
}

static pdg_license_result *identify(const char *text)
{
	return identify_db(text, strlen(text), db);
}

static pdg_license_result *identify_builtin(const char *text)
{
	return identify_db(text, strlen(text), NULL);
}

/* ------------------------------------------------------------------ */
/* Normaliser                                                         */

static void assert_norm(const char *in, const char *want)
{
	char *out = NULL;

	assert_int_equal(pdg_license_normalize(&out, in, strlen(in)), 0);
	assert_string_equal(out, want);
	free(out);
}

static void normalize_basics(void **state)
{
	(void)state;
	assert_norm("Hello,   WORLD!\tFoo-Bar", "hello world foo bar");
	assert_norm("\xc3\x80\xc3\x89\xc3\x8e Stra\xc3\x9f"
	            "e \xc5\x81\xc3\x93" "D\xc5\xb9",
	            "\xc3\xa0\xc3\xa9\xc3\xae stra\xc3\x9f"
	            "e \xc5\x82\xc3\xb3" "d\xc5\xba");
	assert_norm("The Licence, licences, licenced; LICENSOR",
	            "the license licenses licensed licensor");
	assert_norm("authorised behaviour of the programme",
	            "authorized behavior of the program");
	/* Curly quotes and apostrophes, dashes. */
	assert_norm("Meta\xe2\x80\x99s \xe2\x80\x9cMaterials\xe2\x80\x9d "
	            "\xe2\x80\x94 don't", "metas materials dont");
	/* Versions stay one token; digit groups join. */
	assert_norm("Llama 3.2. More than 100,000,000 users, 1, 2",
	            "llama 3.2 more than 100000000 users 1 2");
	/* Fullwidth letters are ASCII. */
	assert_norm("\xef\xbc\xa1\xef\xbd\x82\xef\xbd\x83", "abc");
	assert_norm("", "");
}

static void normalize_structure(void **state)
{
	(void)state;
	/* List numbering in its many forms. */
	assert_norm("1. Definitions\n  a. Grant of rights\n(iv) Other\n"
	            "  2.1. Scope\n b) Last", "definitions grant of rights "
	            "other scope last");
	/* Markdown. */
	assert_norm("## **Bold** _it_\n> quoted\n- item\n* star\n"
	            "\xe2\x80\xa2 dot", "bold it quoted item star dot");
	assert_norm("See [the policy](https://example.com/p_(1)) now",
	            "see the policy now");
	/* URLs, HTML tags, placeholders and entities. */
	assert_norm("visit https://example.com/a?b=1 or www.example.org/x "
	            "today", "visit or today");
	assert_norm("<p>Hello&nbsp;<b>you</b></p> <year> <copyright holders>",
	            "hello you");
	/* JSON/YAML escapes from model cards. */
	assert_norm("a\\nb \\u201cQuoted\\u201d \\u00c9t\\u00e9",
	            "a b quoted \xc3\xa9t\xc3\xa9");
}

static void normalize_copyright(void **state)
{
	(void)state;
	assert_norm("Copyright (c) 2024 Foo Labs <https://foo.example>\n"
	            "All rights reserved.\nPermission is granted.",
	            "permission is granted");
	assert_norm("\xc2\xa9 2019 Bar Inc.\nText.", "text");
	assert_norm("Copyright 2001 by A. Person Anyone may copy it.",
	            "anyone may copy it");
	/* Running text that starts a line with "copyright" is kept. */
	assert_norm("keep the above\ncopyright notice in copies",
	            "keep the above copyright notice in copies");
	/* "(c)" numbering a list item is not a copyright sign. */
	assert_norm("(c) there is a notice", "there is a notice");
	assert_norm("(c) Licensee keeps it", "licensee keeps it");
}

static void normalize_cjk_and_bytes(void **state)
{
	char *out = NULL;
	static const char bad[] = "ab\xff\xfe" "cd\xe4\xb8" "ef\xc0\xaf";

	(void)state;
	/* Each Han character is a token; Latin words stay words. */
	assert_norm("\xe6\x9c\xac\xe8\xae\xb8\xe5\x8f\xaf ABC \xe4\xbd\xbf"
	            "\xe7\x94\xa8\xe3\x80\x82",
	            "\xe6\x9c\xac \xe8\xae\xb8 \xe5\x8f\xaf abc \xe4\xbd\xbf "
	            "\xe7\x94\xa8");
	/* Hangul and Kana too. */
	assert_norm("\xed\x95\x9c\xea\xb5\xad \xe3\x81\x82\xe3\x82\xa2",
	            "\xed\x95\x9c \xea\xb5\xad \xe3\x81\x82 \xe3\x82\xa2");
	/* Invalid UTF-8 separates words, never fails. */
	assert_int_equal(pdg_license_normalize(&out, bad, sizeof(bad) - 1), 0);
	assert_string_equal(out, "ab cd ef");
	free(out);
	assert_int_equal(pdg_license_normalize(&out, NULL, 0), 0);
	assert_string_equal(out, "");
	free(out);
}

/* ------------------------------------------------------------------ */
/* Clauses                                                            */

static const pdg_license_clause *find_clause(const pdg_license_clause *c,
                                             size_t n, pdg_clause_type t)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].type == t)
			return &c[i];
	return NULL;
}

static void clauses_custom(void **state)
{
	static const char text[] =
		"CUSTOM MODEL TERMS\n"
		"\n"
		"You may not use the Model for commercial purposes.\n"
		"If your product has more than 100 million monthly active "
		"users, ask us first.\n"
		"You must not use outputs of the Model to train or improve "
		"any other model.\n"
		"Any derivative model name must begin with 'Foo'.\n"
		"You must prominently display \xe2\x80\x9c" "Built with Foo"
		"\xe2\x80\x9d on your website.\n"
		"The Model is provided for research purposes only.\n"
		"You may not use the Model to develop models that compete "
		"with Foo.\n"
		"The use restrictions of section 3 must be included in every "
		"agreement with your users.\n"
		"Adapted material must be shared under the same license as "
		"the original.\n";
	pdg_license_clause *c = NULL;
	const pdg_license_clause *k;
	size_t n = 0;

	(void)state;
	assert_int_equal(pdg_license_clauses(&c, &n, text,
	                                     sizeof(text) - 1), 0);
	k = find_clause(c, n, PDG_CLAUSE_NON_COMMERCIAL);
	assert_non_null(k);
	assert_int_equal(k->line, 3);
	assert_non_null(strstr(k->text, "commercial purposes"));
	k = find_clause(c, n, PDG_CLAUSE_USER_THRESHOLD);
	assert_non_null(k);
	assert_true(k->has_number);
	assert_true(k->number == 100000000ull);
	assert_int_equal(k->line, 4);
	assert_non_null(find_clause(c, n, PDG_CLAUSE_OUTPUT_TRAINING));
	k = find_clause(c, n, PDG_CLAUSE_DERIVATIVE_NAMING);
	assert_non_null(k);
	assert_string_equal(k->value, "Foo");
	k = find_clause(c, n, PDG_CLAUSE_ATTRIBUTION);
	assert_non_null(k);
	assert_string_equal(k->value, "Built with Foo");
	assert_non_null(find_clause(c, n, PDG_CLAUSE_RESEARCH_ONLY));
	assert_non_null(find_clause(c, n, PDG_CLAUSE_NO_COMPETING));
	assert_non_null(find_clause(c, n, PDG_CLAUSE_USE_RESTRICTIONS));
	assert_non_null(find_clause(c, n, PDG_CLAUSE_SHARE_ALIKE));
	for (size_t i = 1; i < n; i++)
		assert_true(c[i].line >= c[i - 1].line);
	pdg_license_clauses_free(c, n);
	assert_string_equal(pdg_clause_type_name(PDG_CLAUSE_USER_THRESHOLD),
	                    "user-threshold");
	assert_string_equal(pdg_clause_type_name((pdg_clause_type)99),
	                    "unknown");
}

static void clauses_numbers_and_negatives(void **state)
{
	static const struct {
		const char *text;
		uint64_t number;
	} thresholds[] = {
		{ "greater than 700,000,000 monthly active users", 700000000 },
		{ "over 1.5 billion monthly active users", 1500000000 },
		{ "more than 50M monthly active users", 50000000 },
		{ "Monthly Active Users of more than 2 million", 2000000 },
		{ "\xe6\x9c\x88\xe6\xb4\xbb\xe8\xb7\x83\xe7\x94\xa8"
		  "\xe6\x88\xb7\xe8\xb6\x85\xe8\xbf\x87 1 \xe4\xba\xbf",
		  100000000 },
	};
	static const char *const none[] = {
		/* Grants, not restrictions. */
		("Use is permitted for any purpose, commercial or "
		 "non-commercial."),
		"You may use it commercially and non-commercially.",
		"This includes, but is not limited to, commercial use.",
		/* A count that is no threshold. */
		"It was tested by 2 monthly active users.",
		"",
	};
	pdg_license_clause *c;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(thresholds) / sizeof(*thresholds);
	     i++) {
		const pdg_license_clause *k;

		assert_int_equal(pdg_license_clauses(&c, &n,
		                 thresholds[i].text,
		                 strlen(thresholds[i].text)), 0);
		k = find_clause(c, n, PDG_CLAUSE_USER_THRESHOLD);
		assert_non_null(k);
		assert_true(k->number == thresholds[i].number);
		pdg_license_clauses_free(c, n);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++) {
		assert_int_equal(pdg_license_clauses(&c, &n, none[i],
		                                     strlen(none[i])), 0);
		assert_null(find_clause(c, n, PDG_CLAUSE_NON_COMMERCIAL));
		assert_null(find_clause(c, n, PDG_CLAUSE_USER_THRESHOLD));
		pdg_license_clauses_free(c, n);
	}
	/* Chinese: research only and no commercial use. */
	/* "This model is only for research; no commercial use." */
	static const char zh[] =
		"\xe6\x9c\xac\xe6\xa8\xa1\xe5\x9e\x8b\xe4\xbb\x85"
		"\xe7\x94\xa8\xe4\xba\x8e\xe7\xa0\x94\xe7\xa9\xb6"
		"\xe7\x9b\xae\xe7\x9a\x84\xef\xbc\x8c\xe4\xb8\x8d"
		"\xe5\xbe\x97\xe7\x94\xa8\xe4\xba\x8e\xe5\x95\x86"
		"\xe4\xb8\x9a\xe7\x94\xa8\xe9\x80\x94\xe3\x80\x82";
	assert_int_equal(pdg_license_clauses(&c, &n, zh, sizeof(zh) - 1), 0);
	assert_non_null(find_clause(c, n, PDG_CLAUSE_RESEARCH_ONLY));
	assert_non_null(find_clause(c, n, PDG_CLAUSE_NON_COMMERCIAL));
	pdg_license_clauses_free(c, n);
	/* "The licensor may not restrict your commercial use." grants. */
	static const char zh_grant[] = "许可方不得限制您对模型的商业使用。";
	assert_int_equal(pdg_license_clauses(&c, &n, zh_grant,
	                                     sizeof(zh_grant) - 1), 0);
	assert_null(find_clause(c, n, PDG_CLAUSE_NON_COMMERCIAL));
	pdg_license_clauses_free(c, n);
}

/* ------------------------------------------------------------------ */
/* SPDX expressions                                                   */

static void spdx_ok(const char *in, const char *canonical, size_t n_ids,
                    size_t n_exc)
{
	pdg_spdx_expr *e = NULL;

	assert_int_equal(pdg_spdx_parse(&e, in, strlen(in)), 0);
	assert_int_equal(pdg_spdx_expr_validate(e, NULL), 0);
	assert_string_equal(pdg_spdx_expr_string(e), canonical);
	assert_int_equal(pdg_spdx_expr_license_count(e), n_ids);
	assert_int_equal(pdg_spdx_expr_exception_count(e), n_exc);
	pdg_spdx_expr_free(e);
}

static void spdx_bad(const char *in)
{
	pdg_spdx_expr *e = (pdg_spdx_expr *)1;

	assert_int_equal(pdg_spdx_parse(&e, in, strlen(in)), PDG_EINVALID);
	assert_null(e);
	assert_non_null(strstr(pdg_error_last(), "SPDX expression"));
}

static void spdx_expressions(void **state)
{
	pdg_spdx_expr *e;
	char deep[400], *big;

	(void)state;
	spdx_ok("MIT", "MIT", 1, 0);
	spdx_ok("mit or apache-2.0", "MIT OR Apache-2.0", 2, 0);
	spdx_ok("(MIT OR Apache-2.0) AND BSD-3-Clause",
	        "(MIT OR Apache-2.0) AND BSD-3-Clause", 3, 0);
	spdx_ok("MIT OR Apache-2.0 AND BSD-3-Clause",
	        "MIT OR Apache-2.0 AND BSD-3-Clause", 3, 0);
	spdx_ok("((MIT))", "MIT", 1, 0);
	spdx_ok("GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT",
	        "GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT", 2, 1);
	spdx_ok("GPL-2.0+", "GPL-2.0+", 1, 0);
	spdx_ok("LicenseRef-Custom-1 AND DocumentRef-spdx-x:LicenseRef-y",
	        "LicenseRef-Custom-1 AND DocumentRef-spdx-x:LicenseRef-y", 2,
	        0);
	spdx_ok("MIT AND MIT", "MIT AND MIT", 1, 0);

	spdx_bad("");
	spdx_bad("   ");
	spdx_bad("MIT OR");
	spdx_bad("(MIT");
	spdx_bad("MIT)");
	spdx_bad("MIT AND AND BSD-3-Clause");
	spdx_bad("WITH MIT");
	spdx_bad("MIT WITH");
	spdx_bad("MI$T");
	spdx_bad("MIT Apache-2.0");
	spdx_bad("GPL-2.0+ WITH A+");
	spdx_bad("DocumentRef-x:MIT");
	memset(deep, '(', sizeof(deep));
	memcpy(deep + 200, "MIT", 3);
	memset(deep + 203, ')', 197);
	assert_int_equal(pdg_spdx_parse(&e, deep, sizeof(deep)), PDG_EINVALID);
	big = malloc(5000);
	assert_non_null(big);
	memset(big, 'A', 5000);
	assert_int_equal(pdg_spdx_parse(&e, big, 5000), PDG_EINVALID);
	free(big);

	/* Syntax is fine, ids are not. */
	assert_int_equal(pdg_spdx_parse(&e, "NotALicence-1.0", 15), 0);
	assert_int_equal(pdg_spdx_expr_validate(e, NULL), PDG_EINVALID);
	assert_non_null(strstr(pdg_error_last(), "NotALicence-1.0"));
	pdg_spdx_expr_free(e);
	assert_int_equal(pdg_spdx_parse(&e, "MIT WITH Bogus-exception", 24),
	                 0);
	assert_int_equal(pdg_spdx_expr_validate(e, NULL), PDG_EINVALID);
	pdg_spdx_expr_free(e);
	pdg_spdx_expr_free(NULL);
}

/* ------------------------------------------------------------------ */
/* The built-in database                                              */

static void builtin_database(void **state)
{
	const pdg_license_db *d = NULL;
	pdg_license_db *bad = NULL;
	pdg_license_result *r;

	(void)state;
	assert_int_equal(pdg_license_db_default(&d), 0);
	assert_non_null(d);
	assert_true(pdg_license_db_count(d) > 500);
	/* core/data/licdb.bin must come from this normaliser: after a
	 * change to normalize.c, regenerate it (docs/identification.md). */
	assert_true(pdg_license_db_current(d));
	assert_true(pdg_license_db_current(db));
	assert_string_equal(pdg_license_db_find(d, "mit"), "MIT");
	assert_string_equal(pdg_license_db_find(d, "apache-2.0"),
	                    "Apache-2.0");
	assert_non_null(pdg_license_db_find(d, "GPL-2.0-or-later"));
	assert_non_null(pdg_license_db_find(d,
	                "LicenseRef-Llama-3.1-Community"));
	assert_null(pdg_license_db_find(d, "Not-A-Licence"));
	assert_null(pdg_license_db_id(d, pdg_license_db_count(d)));
	/* Prose that is no licence. */
	r = identify_builtin("The quick brown fox jumps over the lazy dog "
	                     "while the cat sleeps on the warm mat.");
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	assert_int_equal(r->n_matches, 0);
	pdg_license_result_free(r);
	/* Files that are not databases. */
	assert_int_equal(pdg_license_db_open(&bad, "/nonexistent/db"),
	                 PDG_ENOTFOUND);
	assert_int_equal(pdg_license_db_open(&bad, "/dev/null"),
	                 PDG_EINVALID);
	assert_null(bad);
}

/* ------------------------------------------------------------------ */
/* The matcher, on the test's own database                            */

static const pdg_license_match *match_of(const pdg_license_result *r,
                                         const char *id)
{
	for (size_t i = 0; i < r->n_matches; i++)
		if (strcmp(r->matches[i].id, id) == 0)
			return &r->matches[i];
	return NULL;
}

static void exact_and_versions(void **state)
{
	pdg_license_result *r;

	(void)state;
	r = identify(acme_10);
	assert_string_equal(r->license, "LicenseRef-Acme-1.0");
	assert_true(r->confidence > 0.95);
	assert_int_equal(r->n_matches, 1);
	assert_true(r->matches[0].containment > 0.99);
	assert_true(r->matches[0].dice > 0.99);
	assert_int_equal(r->matches[0].line_start, 1);
	assert_int_equal(r->n_candidates, 0);
	assert_non_null(find_clause(r->clauses, r->n_clauses,
	                            PDG_CLAUSE_OUTPUT_TRAINING));
	pdg_license_result_free(r);
	r = identify(acme_11);
	assert_string_equal(r->license, "LicenseRef-Acme-1.1");
	assert_null(find_clause(r->clauses, r->n_clauses,
	                        PDG_CLAUSE_OUTPUT_TRAINING));
	pdg_license_result_free(r);
	r = identify(policy);
	assert_string_equal(r->license, "LicenseRef-Acme-AUP");
	assert_int_equal(r->matches[0].doc, PDG_LICENSE_DOC_USE_POLICY);
	pdg_license_result_free(r);
}

static void identical_texts(void **state)
{
	pdg_license_result *r = identify(zeta);

	(void)state;
	assert_string_equal(r->license, "Zeta-1.0-only");
	assert_int_equal(r->matches[0].n_equivalent, 1);
	assert_string_equal(r->matches[0].equivalent[0], "Zeta-1.0-or-later");
	pdg_license_result_free(r);
}

/* Names, years, links, wrapping, Markdown and quotes do not change what
 * a text is. */
static void robust_to_presentation(void **state)
{
	/* A URL or extra words on the copyright line keep the licence
	 * (licensee once lost MIT to such a line). */
	const char *variants[] = {
		"Copyright (c) 2024 Foo Labs <https://foo.example/labs>\n",
		"Copyright 1999-2003 Bar Corp. All rights reserved.\n\n",
		"# License\n\n> ",
		"Copyright 2021-2024 The Foo Authors, https://foo.example, "
		"and contributors (see AUTHORS). All rights reserved.\n",
		"Copyright (c) 2023 Jane Doe (jane@example.org)\n"
		"Portions copyright 2020 Acme GmbH, www.acme.example\n\n",
		"Copyright \xc2\xa9 2022 Bar Inc. <bar@bar.example> "
		"http://bar.example Licensed under the terms below.\n",
		"(c) 2020 Baz Ltd. https://baz.example/about - made in Oslo\n",
	};
	pdg_license_result *base = identify(zeta), *r;
	char *wrapped;

	(void)state;
	for (size_t i = 0; i < sizeof(variants) / sizeof(*variants); i++) {
		char *t = concat(variants[i], zeta, "");

		r = identify(t);
		assert_string_equal(r->license, base->license);
		assert_true(r->matches[0].containment >=
		            base->matches[0].containment - 1e-9);
		pdg_license_result_free(r);
		free(t);
	}
	/* Re-wrapped at every space, CRLF line ends, curly quotes. */
	wrapped = strdup(acme_10);
	assert_non_null(wrapped);
	for (char *p = wrapped; *p; p++)
		if (*p == ' ' && p[1] != ' ' && p[-1] != ' ')
			*p = '\n';
	r = identify(wrapped);
	assert_string_equal(r->license, "LicenseRef-Acme-1.0");
	pdg_license_result_free(r);
	free(wrapped);
	pdg_license_result_free(base);
}

/* "---\nlicense: other\nextra_gated_prompt: \"TEXT\"\n---\n" with TEXT
 * escaped as JSON, the way hub cards carry a licence. */
static void gated_card(char **out, const char *text)
{
	size_t n = strlen(text), k = 0;
	char *s = malloc(n * 2 + 128);

	assert_non_null(s);
	k += (size_t)sprintf(s, "---\nlicense: other\n"
	                     "extra_gated_fields:\n  Name: text\n"
	                     "extra_gated_prompt: \"");
	for (const char *p = text; *p; p++) {
		if (*p == '\n' || *p == '"' || *p == '\\')
			s[k++] = '\\';
		s[k++] = *p == '\n' ? 'n' : *p;
	}
	strcpy(s + k, "\"\n---\n# Card\n");
	*out = s;
}

static void embedded_and_several(void **state)
{
	char *readme, *both;
	const pdg_license_match *m;
	pdg_license_result *r;

	(void)state;
	/* A README with a licence section: high containment, low Dice. */
	readme = concat("# Demo model\n\nThis card describes a demo model "
	                "that sorts socks by colour and size. It runs on "
	                "small boards and needs little memory.\n\n"
	                "## Usage\n\nCall it with a photo of a sock drawer "
	                "and read the answer.\n\n## License\n\n", acme_10,
	                "\n## Citation\n\nCite the sock report.\n");
	r = identify(readme);
	assert_string_equal(r->license, "LicenseRef-Acme-1.0");
	assert_true(r->matches[0].containment > 0.95);
	assert_true(r->matches[0].dice < 0.95);
	assert_true(r->matches[0].line_start >= 9);
	assert_true(r->matches[0].line_end < 40);
	pdg_license_result_free(r);
	free(readme);
	/* Two licences in one file, in order. */
	both = concat(zeta, "\n----\n\n", acme_11);
	r = identify(both);
	assert_string_equal(r->license,
	                    "Zeta-1.0-only AND LicenseRef-Acme-1.1");
	assert_int_equal(r->n_matches, 2);
	assert_true(r->matches[0].line_end < r->matches[1].line_start);
	pdg_license_result_free(r);
	free(both);
	/* A licence file with its use policy appended is the licence; the
	 * policy is reported as part of it. */
	both = concat(ACME_BODY("2.0", "Nothing more."), "\n", policy);
	r = identify(both);
	assert_string_equal(r->license, "LicenseRef-Acme-2.0");
	m = match_of(r, "LicenseRef-Acme-AUP");
	assert_non_null(m);
	assert_string_equal(m->part_of, "LicenseRef-Acme-2.0");
	pdg_license_result_free(r);
	free(both);
	/* ...and the licence alone is still recognised. */
	r = identify(ACME_BODY("2.0", "Nothing more."));
	assert_string_equal(r->license, "LicenseRef-Acme-2.0");
	pdg_license_result_free(r);
	/* A gated model card: the whole licence in one JSON-escaped YAML
	 * string of the front matter. */
	gated_card(&both, acme_10);
	r = identify(both);
	assert_string_equal(r->license, "LicenseRef-Acme-1.0");
	assert_true(r->matches[0].containment > 0.95);
	assert_int_equal(r->matches[0].line_start, 5);
	assert_int_equal(r->matches[0].line_end, 5);
	pdg_license_result_free(r);
	free(both);
}

/* A partial or altered text is never reported as the licence. */
static void weak_is_unknown(void **state)
{
	static const char extra[] = "\nYou may not use the files for "
	                            "commercial purposes.\n";
	char half[sizeof(acme_10) + sizeof(extra)];
	pdg_license_result *r;

	(void)state;
	memcpy(half, acme_10, sizeof(acme_10) / 2);
	memcpy(half + sizeof(acme_10) / 2, extra, sizeof(extra));
	r = identify(half);
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	assert_int_equal(r->n_matches, 0);
	assert_true(r->n_candidates >= 1);
	assert_true(strncmp(r->candidates[0].id, "LicenseRef-Acme-", 16) ==
	            0);
	assert_true(r->candidates[0].containment < 0.8);
	assert_true(r->candidates[0].score > 0.2);
	/* Clauses are still extracted from an unknown text. */
	assert_non_null(find_clause(r->clauses, r->n_clauses,
	                            PDG_CLAUSE_NON_COMMERCIAL));
	pdg_license_result_free(r);
	/* A stricter threshold than the text can meet. */
	pdg_license_opts o = PDG_LICENSE_OPTS_INIT;
	o.db = db;
	o.threshold = 1.01;
	assert_int_equal(pdg_license_identify(&r, zeta, strlen(zeta), &o), 0);
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	assert_string_equal(r->candidates[0].id, "Zeta-1.0-only");
	pdg_license_result_free(r);
}

/* A licence with a non-commercial clause added: unknown, the licence it
 * resembles as the nearest candidate, and the added clause typed. */
static void assert_modified(const char *text, const char *nearest)
{
	pdg_license_result *r = identify(text);

	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	assert_string_equal(r->candidates[0].id, nearest);
	assert_non_null(find_clause(r->clauses, r->n_clauses,
	                            PDG_CLAUSE_NON_COMMERCIAL));
	pdg_license_result_free(r);
}

/* Another version, or a licence with a clause added, is not the
 * licence: unknown, with the licence it resembles as the nearest. */
static void versions_and_modifications(void **state)
{
	static const char v12[] = ACME_BODY("1.2",
		"An Operator may not use outputs of the Acme Materials to "
		"train or improve any other language model.");
	static const char clause[] =
		"2a. Extra. The Operator may not use the Acme Materials for "
		"any commercial purpose whatsoever, in any country, for any "
		"customer, at any time.\n\n4. Warranty.";
	const char *at = strstr(acme_10, "4. Warranty.");
	pdg_license_result *r;
	char *modified, *renamed, *p;

	(void)state;
	r = identify(v12);
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	assert_true(r->n_candidates >= 1);
	assert_string_equal(r->candidates[0].id, "LicenseRef-Acme-1.0");
	assert_true(r->candidates[0].containment > 0.8);
	pdg_license_result_free(r);

	assert_non_null(at);
	modified = malloc(sizeof(acme_10) + sizeof(clause));
	assert_non_null(modified);
	memcpy(modified, acme_10, (size_t)(at - acme_10));
	snprintf(modified + (at - acme_10), sizeof(clause) + sizeof(acme_10),
	         "%s%s", clause, at + 12);
	assert_modified(modified, "LicenseRef-Acme-1.0");
	free(modified);

	/* A changed name is a copy: "Acme Robotics" -> "Acme Robotix". */
	renamed = strdup(acme_10);
	assert_non_null(renamed);
	for (p = renamed; (p = strstr(p, "Robotics")); p += 8)
		p[6] = 'x', p[7] = ' ';
	r = identify(renamed);
	assert_string_equal(r->license, "LicenseRef-Acme-1.0");
	assert_true(r->matches[0].precision < 1.0);
	pdg_license_result_free(r);
	free(renamed);
}

static void declarations(void **state)
{
	pdg_license_result *r;
	char *t;

	(void)state;
	/* A declaration alone is what applies. */
	r = identify_builtin("// SPDX-License-Identifier: mit OR Apache-2.0\n"
	                     "int main(void) { return 0; }\n");
	assert_string_equal(r->spdx_identifier, "MIT OR Apache-2.0");
	assert_int_equal(r->spdx_line, 1);
	assert_true(r->spdx_valid);
	assert_string_equal(r->license, "MIT OR Apache-2.0");
	assert_false(r->disagreement);
	pdg_license_result_free(r);
	/* A malformed one is reported, not used. */
	r = identify_builtin("# SPDX-License-Identifier: MIT OR\n");
	assert_false(r->spdx_valid);
	assert_non_null(r->spdx_error);
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	pdg_license_result_free(r);
	/* Agreeing with the text (an equivalent id counts). */
	t = concat("SPDX-License-Identifier: Zeta-1.0-or-later\n\n", zeta, "");
	r = identify(t);
	assert_false(r->disagreement);
	assert_string_equal(r->license, "Zeta-1.0-or-later");
	pdg_license_result_free(r);
	free(t);
	/* Contradicting the text: the text wins, the doubt is flagged. */
	t = concat("SPDX-License-Identifier: Zeta-1.0-only\n\n", acme_10, "");
	r = identify(t);
	assert_true(r->disagreement);
	assert_string_equal(r->license, "LicenseRef-Acme-1.0");
	assert_true(r->confidence < 0.9);
	pdg_license_result_free(r);
	free(t);
	/* A model card tag. */
	t = concat("---\nlicense: licenseref-acme-1.1\ntags: [x]\n---\n",
	           acme_10, "");
	r = identify(t);
	assert_string_equal(r->card_license, "licenseref-acme-1.1");
	assert_string_equal(r->card_license_id, "LicenseRef-Acme-1.1");
	assert_true(r->disagreement);
	pdg_license_result_free(r);
	free(t);
}

static void card_sections(void **state)
{
	static const char gated[] =
		"---\nlicense: other\nextra_gated_prompt: |\n"
		"  THE TERMS\n  You may not sell it.\n"
		"extra_gated_fields:\n  Name: text\n---\n# Model\n";
	static const char quoted[] =
		"---\nextra_gated_prompt: \"Line one.\\nLine \\\"two\\\".\"\n"
		"---\nbody\n";
	static const char md[] =
		"# Model\n\nText.\n\n## License\n\nYou may not sell it.\n\n"
		"### Details\n\nMore.\n\n## Citation\n\nCite.\n";
	size_t s, e;

	(void)state;
	assert_int_equal(pdg_license_card_section(&s, &e, gated,
	                                          sizeof(gated) - 1), 1);
	assert_true(strncmp(gated + s, "  THE TERMS", 11) == 0);
	assert_true(strncmp(gated + e, "extra_gated_fields", 18) == 0);
	assert_int_equal(pdg_license_card_section(&s, &e, quoted,
	                                          sizeof(quoted) - 1), 1);
	assert_true(strncmp(quoted + s, "Line one.", 9) == 0);
	assert_int_equal(quoted[e], '"');
	assert_int_equal(pdg_license_card_section(&s, &e, md,
	                                          sizeof(md) - 1), 1);
	assert_true(strncmp(md + s, "## License", 10) == 0);
	assert_true(strncmp(md + e, "## Citation", 11) == 0);
	assert_int_equal(pdg_license_card_section(&s, &e, "# Hi\n", 5), 0);
	assert_int_equal(pdg_license_card_section(&s, &e, NULL, 0), 0);
}

/* Variants and versions of one family are never confused. */
static void variants_never_confused(void **state)
{
	pdg_license_result *r;

	(void)state;
	for (size_t i = 0; i < sizeof(credit) / sizeof(*credit); i++) {
		r = identify(credit[i].text);
		if (strcmp(r->license, credit[i].id) != 0)
			fail_msg("%s identified as %s", credit[i].id,
			         r->license);
		pdg_license_result_free(r);
	}
	/* With the non-profit variants missing from the database, a
	 * non-profit text is not named after a variant without that
	 * restriction. */
	pdg_license_db *partial = NULL;
	char dir[600], gen_db[700];

	snprintf(dir, sizeof(dir), "%s/partial", tmpdir);
	snprintf(gen_db, sizeof(gen_db), "%s/partial.licdb", tmpdir);
	make_dir("partial");
	make_dir("partial/spdx");
	make_dir("partial/models");
	for (size_t i = 0; i < sizeof(credit) / sizeof(*credit); i++) {
		char rel[128];

		if (strstr(credit[i].id, "-NC-"))
			continue;
		snprintf(rel, sizeof(rel), "partial/spdx/%s.txt",
		         credit[i].id);
		write_file(rel, credit[i].text);
	}
	run_generator(dir, gen_db);
	assert_int_equal(pdg_license_db_open(&partial, gen_db), 0);
	for (size_t i = 0; i < sizeof(credit) / sizeof(*credit); i++) {
		if (!strstr(credit[i].id, "-NC-"))
			continue;
		r = identify_db(credit[i].text, strlen(credit[i].text),
		                partial);
		if (strcmp(r->license, PDG_LICENSE_UNKNOWN) != 0)
			fail_msg("%s without its text: %s", credit[i].id,
			         r->license);
		assert_true(r->n_candidates >= 1);
		pdg_license_result_free(r);
	}
	pdg_license_db_free(partial);
}

/* Chinese and bilingual licences: the Chinese part counts, versions
 * are told apart by its numbers, and a Chinese clause added makes it a
 * modified licence. */
static void bilingual(void **state)
{
	static const char added[] =
		"五、附加条款。未经许可方事先书面同意，您不得将模型或其任何衍生作品"
		"用于任何商业目的。\n";
	pdg_license_result *r;
	char *t;

	(void)state;
	r = identify(zh_1);
	assert_string_equal(r->license, "LicenseRef-Zh-1");
	assert_true(r->confidence > 0.95);
	pdg_license_result_free(r);
	r = identify(zh_2);
	assert_string_equal(r->license, "LicenseRef-Zh-2");
	pdg_license_result_free(r);
	/* The Chinese half alone is the same licence's text. */
	t = strdup(zh_1);
	assert_non_null(t);
	*strstr(t, "MODEL LICENSE AGREEMENT") = '\0';
	r = identify(t);
	assert_string_equal(r->license, PDG_LICENSE_UNKNOWN);
	assert_string_equal(r->candidates[0].id, "LicenseRef-Zh-1");
	pdg_license_result_free(r);
	free(t);
	/* An extra Chinese clause: unknown, nearest Zh-1, and the clause
	 * is typed. */
	const char *at = strstr(zh_1, "\n\nMODEL LICENSE");
	size_t head = (size_t)(at - zh_1);
	t = malloc(sizeof(zh_1) + sizeof(added));
	assert_non_null(t);
	memcpy(t, zh_1, head);
	memcpy(t + head, "\n", 1);
	memcpy(t + head + 1, added, sizeof(added) - 1);
	strcpy(t + head + sizeof(added), at);
	assert_modified(t, "LicenseRef-Zh-1");
	free(t);
}

/* Which part of a release a licence file speaks for, by its name. */
static void scopes_of_paths(void **state)
{
	static const struct {
		const char *path;
		pdg_license_scope want;
	} c[] = {
		{ "LICENSE", PDG_SCOPE_MODEL },
		{ "LICENSE.md", PDG_SCOPE_MODEL },
		{ "COPYING", PDG_SCOPE_MODEL },
		{ "Tongyi Qianwen LICENSE AGREEMENT", PDG_SCOPE_MODEL },
		{ "MODEL_LICENSE", PDG_SCOPE_WEIGHTS },
		{ "LICENSE-MODEL", PDG_SCOPE_WEIGHTS },
		{ "sub/license_weights.txt", PDG_SCOPE_WEIGHTS },
		{ "LICENSE-CODE", PDG_SCOPE_CODE },
		{ "CODE_LICENSE.md", PDG_SCOPE_CODE },
		{ "DATA_LICENSE", PDG_SCOPE_DATA },
		{ "LICENSE.dataset", PDG_SCOPE_DATA },
		/* "models" is a word; "modelling" and "decode" are not. */
		{ "LICENSE-models", PDG_SCOPE_WEIGHTS },
		{ "modelling-LICENSE", PDG_SCOPE_MODEL },
		{ "decode.LICENSE", PDG_SCOPE_MODEL },
		/* The folder does not decide, the file's name does. */
		{ "model/LICENSE", PDG_SCOPE_MODEL },
	};
	pdg_license_scope sc;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++)
		if (pdg_license_scope_of_path(c[i].path) != c[i].want)
			fail_msg("%s: scope %s", c[i].path,
			         pdg_license_scope_name(
			                 pdg_license_scope_of_path(c[i].path)));
	assert_int_equal(pdg_license_scope_of_path(NULL), PDG_SCOPE_MODEL);
	assert_int_equal(pdg_license_scope_parse(&sc, "weights"), 0);
	assert_int_equal(sc, PDG_SCOPE_WEIGHTS);
	assert_int_equal(pdg_license_scope_parse(&sc, "everything"), -1);
	assert_string_equal(pdg_license_scope_name((pdg_license_scope)9),
	                    "model");
}

static char *result_json(const pdg_license_result *r)
{
	json_t *j = pdg_license_result_json(r);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(j);
	assert_non_null(s);
	return s;
}

static void deterministic_and_bounded(void **state)
{
	pdg_license_result *a, *b;
	char *ja, *jb, *big;
	size_t n = PDG_LICENSE_MAX_TEXT + 4096;

	(void)state;
	a = identify(acme_10);
	b = identify(acme_10);
	ja = result_json(a);
	jb = result_json(b);
	assert_string_equal(ja, jb);
	assert_non_null(strstr(ja, "\"license\":\"LicenseRef-Acme-1.0\""));
	free(ja);
	free(jb);
	pdg_license_result_free(a);
	pdg_license_result_free(b);

	/* NULL, empty, binary, one endless word, more than the limit. */
	a = identify_db(NULL, 0, db);
	assert_string_equal(a->license, PDG_LICENSE_UNKNOWN);
	pdg_license_result_free(a);
	a = identify_db("\0\1\2\3\xff\xfe", 6, db);
	assert_string_equal(a->license, PDG_LICENSE_UNKNOWN);
	pdg_license_result_free(a);
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'a', n);
	a = identify_db(big, n, db);
	assert_true(a->truncated);
	assert_string_equal(a->license, PDG_LICENSE_UNKNOWN);
	pdg_license_result_free(a);
	for (size_t i = 0; i < n; i++)
		big[i] = (i % 3) ? 'x' : ' ';
	a = identify_db(big, n, db);
	assert_true(a->truncated);
	pdg_license_result_free(a);
	free(big);
	pdg_license_result_free(NULL);
	pdg_license_clauses_free(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_basics),
		cmocka_unit_test(normalize_structure),
		cmocka_unit_test(normalize_copyright),
		cmocka_unit_test(normalize_cjk_and_bytes),
		cmocka_unit_test(clauses_custom),
		cmocka_unit_test(clauses_numbers_and_negatives),
		cmocka_unit_test(spdx_expressions),
		cmocka_unit_test(builtin_database),
		cmocka_unit_test(exact_and_versions),
		cmocka_unit_test(identical_texts),
		cmocka_unit_test(robust_to_presentation),
		cmocka_unit_test(embedded_and_several),
		cmocka_unit_test(weak_is_unknown),
		cmocka_unit_test(versions_and_modifications),
		cmocka_unit_test(declarations),
		cmocka_unit_test(card_sections),
		cmocka_unit_test(variants_never_confused),
		cmocka_unit_test(bilingual),
		cmocka_unit_test(scopes_of_paths),
		cmocka_unit_test(deterministic_and_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
