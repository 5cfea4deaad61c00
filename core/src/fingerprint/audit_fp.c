/* audit_fp.c - fingerprint verdicts as audit findings.
 *
 * One finding per candidate teacher, kind lineage: rule
 * fingerprint.distilled-from (warning) when the test is positive, else
 * fingerprint.no-evidence (info).  The lineage graph turns the first
 * into distillation edges; the names are a contract.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "error.h"
#include "fingerprint/fp.h"
#include "util.h"

/* The finding's properties: the contract of docs/fingerprint.md. */
static char *properties(const pdg_fp_verdict *v)
{
	json_t *o = pdg_fp_verdict_core(v);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS |
	                     JSON_REAL_PRECISION(6));

	json_decref(o);
	return s;
}

static char *message(const pdg_fp_verdict *v)
{
	if (!v->tested)
		return pdg_xasprintf("fingerprint: %s not tested against %s: "
		                     "%s", v->student, v->teacher, v->reason);
	if (v->positive)
		return pdg_xasprintf("fingerprint: %s was distilled from %s "
		                     "(p = %.2g after Holm, panel rank p = "
		                     "%.3g; +%.3f nats per chunk over %u "
		                     "probes)", v->student, v->teacher,
		                     v->p_value, v->p_rank, v->effect_nats,
		                     v->queries);
	return pdg_xasprintf("fingerprint: no evidence that %s was distilled "
	                     "from %s (p = %.2g after Holm, panel rank p = "
	                     "%.3g, %u probes)", v->student, v->teacher,
	                     v->p_value, v->p_rank, v->queries);
}

int pdg_audit_add_fingerprint(pdg_audit *a, const char *path,
                              const pdg_fp_options *o)
{
	pdg_fp_manifest *m = NULL;
	pdg_fp_result *r = NULL;
	int rc;

	if (a->finished)
		return pdg_error_set(PDG_ERROR, "audit already finished");
	rc = pdg_fp_manifest_load(&m, path);
	if (rc == 0)
		rc = pdg_fp_run(&r, m, o);
	if (rc < 0) {
		pdg_fp_manifest_free(m);
		return rc;
	}
	const char *comp = m->component ? m->component :
	                   a->nsources ? a->sources[0].component :
	                   r->student;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		const pdg_fp_verdict *v = &r->v[i];
		char *props = properties(v), *msg = message(v);
		pdg_finding f;

		memset(&f, 0, sizeof(f));
		f.kind = PDG_FINDING_LINEAGE;
		f.severity = v->positive ? PDG_SEVERITY_WARNING
		                         : PDG_SEVERITY_INFO;
		f.confidence = v->positive && v->p_value >= 0 ?
		               1.0 - v->p_value : 1.0;
		f.rule = v->positive ? "fingerprint.distilled-from"
		                     : "fingerprint.no-evidence";
		f.message = msg;
		f.subject = v->teacher;
		f.component = comp;
		f.plugin = "fingerprint";
		f.source = path;
		f.path = path;
		f.byte_offset = -1;
		f.properties = props;
		rc = pdg_findings_add(&a->findings, &f);
		free(props);
		free(msg);
	}
	pdg_fp_result_free(r);
	pdg_fp_manifest_free(m);
	return rc;
}
