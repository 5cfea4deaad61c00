/* test_findings.c - the finding store's cap per rule and input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "findings.h"

static pdg_finding make(const char *rule, const char *source,
                        pdg_severity sev)
{
	pdg_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = PDG_FINDING_INPUT;
	f.severity = sev;
	f.confidence = 1.0;
	f.rule = rule;
	f.message = "something";
	f.component = "comp";
	f.source = source;
	f.byte_offset = -1;
	return f;
}

static const pdg_finding *find_rule(const pdg_findings *fs, const char *rule,
                                    const char *subject)
{
	for (size_t i = 0; i < fs->len; i++)
		if (!strcmp(fs->items[i].rule, rule) &&
		    (!subject || (fs->items[i].subject &&
		                  !strcmp(fs->items[i].subject, subject))))
			return &fs->items[i];
	return NULL;
}

/* Past the cap a rule's findings for one source are counted, and one
 * finding as severe as the worst of them says how many. */
static void test_cap(void **state)
{
	pdg_findings fs = { 0 };
	const pdg_finding *t;
	pdg_finding f;

	(void)state;
	fs.max_per_rule = 3;
	for (int i = 0; i < 10; i++) {
		f = make("a.rule", "src1", i == 7 ? PDG_SEVERITY_ERROR
		                                  : PDG_SEVERITY_INFO);
		assert_int_equal(pdg_findings_add(&fs, &f), 0);
	}
	/* Another source and another rule have their own counts. */
	f = make("a.rule", "src2", PDG_SEVERITY_INFO);
	assert_int_equal(pdg_findings_add(&fs, &f), 0);
	f = make("b.rule", "src1", PDG_SEVERITY_WARNING);
	assert_int_equal(pdg_findings_add(&fs, &f), 0);
	assert_int_equal(fs.len, 5);
	pdg_findings_sort(&fs);
	assert_int_equal(fs.len, 6);
	t = find_rule(&fs, "core.findings-truncated", "a.rule");
	assert_non_null(t);
	assert_int_equal(t->severity, PDG_SEVERITY_ERROR);
	assert_string_equal(t->source, "src1");
	assert_string_equal(t->component, "comp");
	assert_string_equal(t->properties,
	                    "{\"limit\":3,\"not_listed\":7,\"rule\":\"a.rule\"}");
	assert_non_null(strstr(t->message, "7 more 'a.rule' findings"));
	/* Sorting again adds nothing more. */
	pdg_findings_sort(&fs);
	assert_int_equal(fs.len, 6);
	pdg_findings_clear(&fs);
}

/* Cap 0: everything is kept; invalid findings are refused either way. */
static void test_no_cap(void **state)
{
	pdg_findings fs = { 0 };
	pdg_finding f;

	(void)state;
	for (int i = 0; i < 100; i++) {
		f = make("a.rule", NULL, PDG_SEVERITY_INFO);
		assert_int_equal(pdg_findings_add(&fs, &f), 0);
	}
	f = make("a.rule", NULL, PDG_SEVERITY_INFO);
	f.properties = "[1]";
	assert_int_equal(pdg_findings_add(&fs, &f), PDG_EINVALID);
	pdg_findings_sort(&fs);
	assert_int_equal(fs.len, 100);
	assert_null(find_rule(&fs, "core.findings-truncated", NULL));
	pdg_findings_clear(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_no_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
