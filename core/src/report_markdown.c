/* report_markdown.c - the report as GitHub-flavoured Markdown, for pull
 * requests, wikis and release checklists (docs/report.md).
 *
 * Sections: the verdict, the components table, the lineage, the
 * obligations checklist (- [x] met, - [ ] the rest, with what the check
 * found), the conflicts with their evidence, then every finding by
 * component.  Every string from the input is escaped: Markdown syntax with
 * backslashes, HTML characters as entities, newlines as spaces, control
 * and bidi characters as visible escapes (report_util.h).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"
#include "report_util.h"

#define MD PDG_ESCAPE_MARKDOWN

static void put(pdg_buf *b, const char *s)
{
	pdg_report_put_safe(b, s, MD);
}

static const char *const status_label[] = {
	[PDG_OBLIGATION_MET] = "met",
	[PDG_OBLIGATION_UNMET] = "UNMET",
	[PDG_OBLIGATION_CONFLICT] = "CONFLICT",
	[PDG_OBLIGATION_REVIEW] = "review",
};

static void put_summary(pdg_buf *b, const pdg_audit *a)
{
	size_t v[PDG_VERDICT_FAIL + 1];
	uint64_t files = 0;

	pdg_report_count_verdicts(a, v);
	for (size_t i = 0; i < a->nsources; i++)
		files += a->sources[i].artifacts;
	pdg_buf_printf(b, "# pedigree audit: %s\n\n",
	               a->failed ? "FAIL" : "PASS");
	pdg_buf_printf(b, "**Verdict: %s**", a->failed ? "FAIL" : "PASS");
	if (a->policy) {
		pdg_buf_puts(b, " under the policy **");
		put(b, pdg_policy_name(a->policy));
		pdg_buf_puts(b, "** (");
		put(b, pdg_policy_file(a->policy));
		pdg_buf_puts(b, ")");
	}
	pdg_buf_printf(b, ": %zu fail, %zu warn, %zu pass.\n\n",
	               v[PDG_VERDICT_FAIL], v[PDG_VERDICT_WARN],
	               v[PDG_VERDICT_PASS]);
	pdg_buf_printf(b, "pedigree %s read %zu %s (%llu files) and made "
	               "%zu findings.\n", PDG_VERSION, a->nsources,
	               a->nsources == 1 ? "input" : "inputs",
	               (unsigned long long)files, a->findings.len);
	pdg_report_put_plugin_notes(b, a, MD, "\n> **Note:** the ", "\n");
}

/* "declared at README.md:5", "NOT declared" or "" (an audited model). */
static void put_declared(pdg_buf *b, const pdg_lineage *l, size_t ci)
{
	pdg_report_link *links;
	size_t n = pdg_report_links(l, &links);
	int any = 0, all = 1;
	const char *at = NULL;

	for (size_t k = 0; k < n; k++) {
		if (links[k].to != ci ||
		    l->components[links[k].from].role != PDG_ROLE_MODEL)
			continue;
		any = 1;
		all &= links[k].declared;
		if (!at)
			at = links[k].declared_at;
	}
	if (any && all) {
		pdg_buf_puts(b, "declared");
		if (at) {
			pdg_buf_puts(b, " at ");
			put(b, at);
		}
	} else if (any) {
		pdg_buf_puts(b, "**NOT declared**");
	}
	free(links);
}

static void put_components(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;

	pdg_buf_puts(b, "\n## Components\n\n");
	if (!l->ncomponents) {
		pdg_buf_puts(b, "No components.\n");
		return;
	}
	pdg_buf_puts(b, "| Component | Role | Licence | Source | In the "
	                "model card |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < l->ncomponents; i++) {
		const pdg_component *c = &l->components[i];

		pdg_buf_puts(b, "| ");
		put(b, c->id);
		pdg_buf_printf(b, " | %s | ", pdg_component_role_name(c->role));
		pdg_report_put_licenses(b, c, MD);
		pdg_buf_puts(b, " | ");
		put(b, c->source ? c->source : "(by id only)");
		pdg_buf_puts(b, " | ");
		put_declared(b, l, i);
		pdg_buf_puts(b, " |\n");
	}
}

static void put_lineage(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;
	pdg_report_link *links;
	size_t n = pdg_report_links(l, &links);
	size_t last = (size_t)-1;

	pdg_buf_puts(b, "\n## Lineage\n\n");
	if (!n)
		pdg_buf_puts(b, "No base models, teachers or datasets "
		                "found.\n");
	/* Links are grouped by their downstream component, in the order
	 * its first link appears. */
	for (size_t i = 0; i < l->ncomponents; i++) {
		for (size_t k = 0; k < n; k++) {
			const pdg_report_link *x = &links[k];
			const pdg_component *u = &l->components[x->to];

			if (x->from != i)
				continue;
			if (last != i) {
				pdg_buf_puts(b, "- **");
				put(b, l->components[i].id);
				pdg_buf_printf(b, "** (%s)\n",
				               pdg_component_role_name(
				                       l->components[i].role));
				last = i;
			}
			pdg_buf_puts(b, "  - from **");
			put(b, u->id);
			pdg_buf_printf(b, "** (%s) by ",
			               pdg_component_role_name(u->role));
			pdg_report_put_types(b, x->types, ", ");
			pdg_buf_puts(b, "; licence ");
			pdg_report_put_licenses(b, u, MD);
			if (x->declared) {
				pdg_buf_puts(b, "; declared");
				if (x->declared_at) {
					pdg_buf_puts(b, " at ");
					put(b, x->declared_at);
				}
			} else {
				pdg_buf_puts(b, "; **NOT declared** in the "
				                "model card");
			}
			pdg_buf_puts(b, "\n");
		}
	}
	free(links);
}

static void put_obligations(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;

	pdg_buf_puts(b, "\n## Obligations\n");
	if (!l->nobligations) {
		pdg_buf_puts(b, "\nNo obligations flow to the audited "
		                "models.\n");
		return;
	}
	for (size_t i = 0; i < l->nobligations; i++) {
		const pdg_obligation *o = &l->obligations[i];

		if (pdg_report_obligation_group_starts(l, i)) {
			pdg_buf_puts(b, "\n### ");
			put(b, l->components[o->component].id);
			pdg_buf_puts(b, " from ");
			put(b, l->components[o->upstream].id);
			pdg_buf_puts(b, " under ");
			put(b, o->license);
			pdg_buf_puts(b, "\n\n");
		}
		pdg_buf_printf(b, "- [%c] **", o->status == PDG_OBLIGATION_MET
		               ? 'x' : ' ');
		put(b, o->what);
		pdg_buf_puts(b, "**");
		if (o->value) {
			pdg_buf_puts(b, " \"");
			put(b, o->value);
			pdg_buf_puts(b, "\"");
		}
		pdg_buf_printf(b, " (%s)", status_label[o->status]);
		if (o->note) {
			pdg_buf_puts(b, ": ");
			put(b, o->note);
		}
		if (o->status == PDG_OBLIGATION_MET && o->path &&
		    !(o->note && strstr(o->note, o->path))) {
			pdg_buf_puts(b, " (");
			put(b, o->path);
			if (o->line)
				pdg_buf_printf(b, ":%u", (unsigned)o->line);
			pdg_buf_puts(b, ")");
		}
		pdg_buf_puts(b, "\n");
	}
}

static void put_conflicts(pdg_buf *b, const pdg_audit *a)
{
	size_t n = 0;
	char id[32];

	pdg_buf_puts(b, "\n## Conflicts\n");
	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];

		if (f->kind != PDG_FINDING_CONFLICT)
			continue;
		n++;
		snprintf(id, sizeof(id), "PDG-%04zu", i + 1);
		pdg_buf_printf(b, "\n### %s ", id);
		put(b, f->rule);
		pdg_buf_printf(b, " (%s)\n\n", pdg_verdict_name(f->verdict));
		put(b, f->message);
		pdg_buf_puts(b, "\n\n- Component: ");
		put(b, f->component);
		if (f->subject) {
			pdg_buf_puts(b, "\n- Subject: ");
			put(b, f->subject);
		}
		pdg_buf_puts(b, "\n- Evidence: ");
		pdg_report_put_where(b, f, a->nsources > 1, MD);
		pdg_buf_puts(b, "\n");
		pdg_report_put_edge_evidence(b, a, f, MD, "  - ", "\n");
		pdg_buf_printf(b, "- Verdict: %s (", pdg_verdict_name(f->verdict));
		put(b, f->verdict_reason ? f->verdict_reason : "not judged");
		pdg_buf_puts(b, ")\n");
	}
	if (!n)
		pdg_buf_puts(b, "\nNo conflicts.\n");
}

static void put_findings(pdg_buf *b, const pdg_audit *a)
{
	const char *cur = NULL;
	char id[32];

	pdg_buf_puts(b, "\n## Findings by component\n");
	if (!a->findings.len)
		pdg_buf_puts(b, "\nNo findings.\n");
	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];
		const char *comp = f->component ? f->component : "";

		if (!cur || strcmp(cur, comp) != 0) {
			pdg_buf_puts(b, "\n### ");
			put(b, *comp ? comp : "(no component)");
			pdg_buf_puts(b, "\n\n| Id | Verdict | Severity | Rule | "
			                "Message | Where |\n"
			                "|---|---|---|---|---|---|\n");
			cur = comp;
		}
		snprintf(id, sizeof(id), "PDG-%04zu", i + 1);
		pdg_buf_printf(b, "| %s | %s | %s | ", id,
		               pdg_verdict_name(f->verdict),
		               pdg_severity_name(f->severity));
		put(b, f->rule);
		pdg_buf_puts(b, " | ");
		put(b, f->message);
		pdg_buf_puts(b, " | ");
		pdg_report_put_where(b, f, a->nsources > 1, MD);
		pdg_buf_puts(b, " |\n");
	}
}

int pdg_report_write_markdown(const pdg_audit *a, FILE *out)
{
	static const pdg_report_section_fn sections[] = {
		put_summary, put_components, put_lineage, put_obligations,
		put_conflicts, put_findings,
	};

	return pdg_report_write_sections(a, out, sections,
	                                 sizeof(sections) / sizeof(*sections));
}
