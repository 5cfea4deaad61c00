/* fuzz_policy.c - the policy loader on untrusted YAML (a policy file
 * comes from the repository being released, or a CI config), then the
 * judge over a fixed set of findings, so that every rule, severity and
 * exception the loader accepts is also exercised where it is used. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "findings.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	if (pdg_findings_add(fs, &f) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdg_policy *p = NULL;
	pdg_findings fs = { 0 };

	if (pdg_policy_load_buffer(&p, "fuzz.yaml", (const char *)data,
	                           size) < 0)
		return 0;       /* refused with an error: fine */
	(void)pdg_policy_name(p);
	(void)pdg_policy_intent(p);
	(void)pdg_policy_rule_count(p);
	(void)pdg_policy_exception_count(p);
	(void)pdg_policy_clarification_count(p);
	(void)pdg_policy_expired_count(p, "2026-12-01");
	add(&fs, "terms.competing-use", PDG_SEVERITY_ERROR, "gpt-4o");
	add(&fs, "obligation.unmet", PDG_SEVERITY_ERROR, "Apache-2.0");
	add(&fs, "lineage.undeclared", PDG_SEVERITY_WARNING, NULL);
	add(&fs, "license.unknown", PDG_SEVERITY_INFO, "LicenseRef-unknown");
	add(&fs, "core.findings-truncated", PDG_SEVERITY_ERROR,
	    "terms.competing-use");
	(void)pdg_policy_judge(p, &fs, -1, 0, "2026-12-01");
	(void)pdg_policy_judge(p, &fs, PDG_SEVERITY_INFO, 0, "1970-01-01");
	pdg_findings_clear(&fs);
	pdg_policy_free(p);
	return 0;
}
