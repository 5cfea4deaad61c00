/* report_text.c - the report for people at a terminal.
 *
 * Layout (docs/report.md): a verdict line, findings grouped by component
 * (the store is sorted by component then most severe first) with the
 * policy's verdict on each that does not pass, the lineage graph, the
 * obligations checklist, then the artifacts each source held, by kind.  Input strings are printed with
 * control characters, ill-formed UTF-8 and bidirectional overrides
 * escaped, so a hostile file name cannot drive the terminal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"
#include "report_util.h"

#define INDENT "         "     /* aligns with the kind column */

static const char *const sev_color[] = {
	[PDG_SEVERITY_INFO] = "\033[2m",
	[PDG_SEVERITY_WARNING] = "\033[33m",
	[PDG_SEVERITY_ERROR] = "\033[31m",
};
#define COLOR_RESET "\033[0m"
#define COLOR_BOLD "\033[1m"
#define COLOR_GREEN "\033[32m"

static const char *const sev_label[] = {
	[PDG_SEVERITY_INFO] = "INFO",
	[PDG_SEVERITY_WARNING] = "WARNING",
	[PDG_SEVERITY_ERROR] = "ERROR",
};

/* Input strings for the terminal: control, ill-formed and bidi
 * characters escaped (report_util.h). */
static void put_safe(pdg_buf *b, const char *s)
{
	pdg_report_put_safe(b, s, PDG_ESCAPE_TERMINAL);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void put_colored(pdg_buf *b, int color, const char *code,
                        const char *text)
{
	if (color)
		pdg_buf_printf(b, "%s%s%s", code, text, COLOR_RESET);
	else
		pdg_buf_puts(b, text);
}

static void put_header(pdg_buf *b, const pdg_audit *a, int color)
{
	uint64_t files = 0;
	size_t sev[PDG_SEVERITY_ERROR + 1] = { 0 };
	size_t verdicts[PDG_VERDICT_FAIL + 1] = { 0 };
	size_t n = a->findings.len;

	for (size_t i = 0; i < a->nsources; i++)
		files += a->sources[i].artifacts;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)a->findings.items[i].severity <=
		    PDG_SEVERITY_ERROR)
			sev[a->findings.items[i].severity]++;
		if ((unsigned)a->findings.items[i].verdict <= PDG_VERDICT_FAIL)
			verdicts[a->findings.items[i].verdict]++;
	}
	pdg_buf_puts(b, "pedigree " PDG_VERSION ": ");
	put_colored(b, color, a->failed ? COLOR_BOLD "\033[31m"
	                                : COLOR_BOLD COLOR_GREEN,
	            a->failed ? "FAIL" : "PASS");
	if (a->policy) {
		pdg_buf_puts(b, "  policy ");
		put_safe(b, pdg_policy_name(a->policy));
		pdg_buf_printf(b, ": %zu fail, %zu warn, %zu pass",
		               verdicts[PDG_VERDICT_FAIL],
		               verdicts[PDG_VERDICT_WARN],
		               verdicts[PDG_VERDICT_PASS]);
	}
	pdg_buf_printf(b, "\n  %zu %s, %llu %s, %zu %s", a->nsources,
	               plural(a->nsources, "source", "sources"),
	               (unsigned long long)files,
	               plural(files, "file", "files"),
	               n, plural(n, "finding", "findings"));
	pdg_buf_printf(b, " (%zu %s, %zu %s, %zu info)\n",
	               sev[PDG_SEVERITY_ERROR],
	               plural(sev[PDG_SEVERITY_ERROR], "error", "errors"),
	               sev[PDG_SEVERITY_WARNING],
	               plural(sev[PDG_SEVERITY_WARNING], "warning",
	                      "warnings"),
	               sev[PDG_SEVERITY_INFO]);
	pdg_report_put_plugin_notes(b, a, PDG_ESCAPE_TERMINAL, "note: ", "\n");
}

static void put_commit(pdg_buf *b, const char *commit)
{
	char short_id[8];

	snprintf(short_id, sizeof(short_id), "%s", commit);
	put_safe(b, short_id);
}

/* path:3, path:3-5, path@1024, or the source when there is no path;
 * then "(in SOURCE, commit abcdef0)" as far as it helps. */
static void put_evidence(pdg_buf *b, const pdg_finding *f, int many_src)
{
	int in_src = many_src && f->path && f->source &&
	             strcmp(f->path, f->source) != 0;

	pdg_buf_puts(b, INDENT);
	if (f->path) {
		put_safe(b, f->path);
		pdg_report_put_position(b, f);
	} else {
		put_safe(b, f->source ? f->source : "(no source)");
	}
	if (in_src || f->commit) {
		pdg_buf_puts(b, " (");
		if (in_src) {
			pdg_buf_puts(b, "in ");
			put_safe(b, f->source);
		}
		if (in_src && f->commit)
			pdg_buf_puts(b, ", ");
		if (f->commit) {
			pdg_buf_puts(b, "commit ");
			put_commit(b, f->commit);
		}
		pdg_buf_puts(b, ")");
	}
	pdg_buf_puts(b, "\n");
}

static void put_finding(pdg_buf *b, const pdg_finding *f, int color,
                        int many_src)
{
	unsigned s = (unsigned)f->severity <= PDG_SEVERITY_ERROR
	             ? (unsigned)f->severity : PDG_SEVERITY_ERROR;
	const char *label = sev_label[s];

	put_colored(b, color, sev_color[s], label);
	pdg_buf_printf(b, "%*s", (int)(9 - strlen(label)), "");
	pdg_buf_puts(b, pdg_finding_kind_name(f->kind));
	pdg_buf_puts(b, "  ");
	put_safe(b, f->rule);
	pdg_buf_puts(b, "  ");
	put_safe(b, f->message);
	pdg_buf_puts(b, "\n");
	put_evidence(b, f, many_src);
	if (f->subject) {
		pdg_buf_puts(b, INDENT "subject: ");
		put_safe(b, f->subject);
		pdg_buf_puts(b, "\n");
	}
	if (f->verdict != PDG_VERDICT_PASS) {
		pdg_buf_puts(b, INDENT "verdict: ");
		put_colored(b, color, f->verdict == PDG_VERDICT_FAIL
		            ? sev_color[PDG_SEVERITY_ERROR]
		            : sev_color[PDG_SEVERITY_WARNING],
		            pdg_verdict_name(f->verdict));
		if (f->verdict_reason) {
			pdg_buf_puts(b, " (");
			put_safe(b, f->verdict_reason);
			pdg_buf_puts(b, ")");
		}
		pdg_buf_puts(b, "\n");
	}
}

static void put_heading(pdg_buf *b, const char *title, int color)
{
	pdg_buf_puts(b, "\n");
	if (color)
		pdg_buf_puts(b, COLOR_BOLD);
	pdg_buf_puts(b, "== ");
	put_safe(b, title && *title ? title : "(no component)");
	pdg_buf_puts(b, " ==");
	if (color)
		pdg_buf_puts(b, COLOR_RESET);
	pdg_buf_puts(b, "\n");
}

static void put_findings(pdg_buf *b, const pdg_audit *a, int color)
{
	const char *cur = NULL;
	int many_src = a->nsources > 1;

	if (a->findings.len == 0) {
		pdg_buf_puts(b, "\nNo findings.\n");
		return;
	}
	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];
		const char *comp = f->component ? f->component : "";

		if (!cur || strcmp(cur, comp) != 0) {
			put_heading(b, comp, color);
			cur = comp;
		}
		put_finding(b, f, color, many_src);
	}
}

static void put_source(pdg_buf *b, const pdg_audit_source *s)
{
	int first = 1;

	put_safe(b, s->path);
	pdg_buf_printf(b, "  %s", pdg_source_type_name(s->type));
	if (s->commit) {
		pdg_buf_puts(b, " ");
		put_commit(b, s->commit);
	}
	if (s->component && *s->component) {
		pdg_buf_puts(b, ", component ");
		put_safe(b, s->component);
	}
	pdg_buf_printf(b, ", %llu %s\n", (unsigned long long)s->artifacts,
	               plural(s->artifacts, "file", "files"));
	/* Known kinds first, "other" last: it is the least interesting. */
	for (unsigned k = 1; k <= PDG_KIND_COUNT_; k++) {
		unsigned kind = k % PDG_KIND_COUNT_;

		if (!s->kind_counts[kind])
			continue;
		pdg_buf_printf(b, "%s%s %llu", first ? "  " : ", ",
		               pdg_artifact_kind_name((pdg_artifact_kind)kind),
		               (unsigned long long)s->kind_counts[kind]);
		first = 0;
	}
	if (!first)
		pdg_buf_puts(b, "\n");
}

static void put_licenses(pdg_buf *b, const pdg_component *c)
{
	if (!c->nlicenses) {
		pdg_buf_puts(b, "licence unknown");
		return;
	}
	for (size_t i = 0; i < c->nlicenses; i++) {
		const pdg_comp_license *l = &c->licenses[i];
		pdg_buf_puts(b, i ? "; " : "");
		put_safe(b, l->id);
		pdg_buf_puts(b, " (");
		if (l->name) {
			pdg_buf_puts(b, "\"");
			put_safe(b, l->name);
			pdg_buf_puts(b, "\", ");
		}
		put_safe(b, l->origin);
		if (l->path) {
			pdg_buf_puts(b, " ");
			put_safe(b, l->path);
			if (l->line)
				pdg_buf_printf(b, ":%u", (unsigned)l->line);
		}
		if (l->path && c->source && c->role != PDG_ROLE_MODEL) {
			pdg_buf_puts(b, " in ");
			put_safe(b, c->source);
		}
		pdg_buf_puts(b, ")");
	}
	if (c->candidates)
		pdg_buf_puts(b, " -- one of these, by checkpoint");
}

static void put_edge_types(pdg_buf *b, const pdg_lineage *l, size_t k)
{
	for (size_t j = k; j < l->nedges && l->edges[j].from ==
	     l->edges[k].from && l->edges[j].to == l->edges[k].to; j++)
		pdg_buf_printf(b, "%s%s", j > k ? ", " : "",
		               pdg_edge_type_name(l->edges[j].type));
}

/* Each audited model, then one line per upstream with the edge types
 * that join them, its licence and where the card declares it. */
static void put_lineage(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;

	if (!l->ncomponents)
		return;
	pdg_buf_puts(b, "\n-- lineage --\n");
	for (size_t i = 0; i < l->ncomponents; i++) {
		const pdg_component *c = &l->components[i];
		int any = 0;

		if (c->role != PDG_ROLE_MODEL)
			continue;
		put_safe(b, c->id);
		pdg_buf_puts(b, "  model  ");
		put_licenses(b, c);
		pdg_buf_puts(b, "\n");
		for (size_t k = 0; k < l->nedges; k++) {
			const pdg_edge *e = &l->edges[k];
			if (e->from != i || (k > 0 && l->edges[k - 1].from ==
			                     i && l->edges[k - 1].to == e->to))
				continue;
			const pdg_component *u = &l->components[e->to];
			const char *at = NULL;
			for (size_t j = k; j < l->nedges &&
			     l->edges[j].from == i && l->edges[j].to == e->to;
			     j++)
				if (!at && l->edges[j].declared_at)
					at = l->edges[j].declared_at;
			pdg_buf_puts(b, "  <- ");
			put_safe(b, u->id);
			pdg_buf_printf(b, "  %s via ",
			               pdg_component_role_name(u->role));
			put_edge_types(b, l, k);
			pdg_buf_puts(b, "\n       ");
			put_licenses(b, u);
			pdg_buf_puts(b, at ? "; declared " : "; NOT declared in "
			                     "the model card");
			if (at)
				put_safe(b, at);
			pdg_buf_puts(b, "\n");
			any = 1;
		}
		if (!any)
			pdg_buf_puts(b, "  (no base models, teachers or "
			                "datasets found)\n");
	}
}

static const char *const status_label[] = {
	[PDG_OBLIGATION_MET] = "met",
	[PDG_OBLIGATION_UNMET] = "UNMET",
	[PDG_OBLIGATION_CONFLICT] = "CONFLICT",
	[PDG_OBLIGATION_REVIEW] = "review",
};

/* Grouped by (owing model, upstream, licence), in graph order. */
static void put_obligations(pdg_buf *b, const pdg_audit *a, int color)
{
	const pdg_lineage *l = &a->lineage;

	if (!l->nobligations)
		return;
	pdg_buf_puts(b, "\n-- obligations --\n");
	for (size_t i = 0; i < l->nobligations; i++) {
		const pdg_obligation *o = &l->obligations[i];

		if (pdg_report_obligation_group_starts(l, i)) {
			put_safe(b, l->components[o->component].id);
			pdg_buf_puts(b, " <- ");
			put_safe(b, l->components[o->upstream].id);
			pdg_buf_puts(b, " under ");
			put_safe(b, o->license);
			pdg_buf_puts(b, "\n");
		}
		const char *lab = status_label[o->status];
		pdg_buf_puts(b, "  ");
		put_colored(b, color && o->status != PDG_OBLIGATION_REVIEW,
		            o->status == PDG_OBLIGATION_MET ? COLOR_GREEN
		            : sev_color[PDG_SEVERITY_ERROR], lab);
		pdg_buf_printf(b, "%*s", (int)(10 - strlen(lab)), "");
		put_safe(b, o->what);
		if (o->value) {
			pdg_buf_puts(b, " \"");
			put_safe(b, o->value);
			pdg_buf_puts(b, "\"");
		}
		if (o->note) {
			pdg_buf_puts(b, ": ");
			put_safe(b, o->note);
		}
		pdg_buf_puts(b, "\n");
	}
}

int pdg_report_write_text(const pdg_audit *a, FILE *out, int color)
{
	pdg_buf b = PDG_BUF_INIT;

	put_header(&b, a, color);
	put_findings(&b, a, color);
	put_lineage(&b, a);
	put_obligations(&b, a, color);
	if (a->nsources > 0) {
		/* Not "== ... ==": a component may be called that. */
		pdg_buf_puts(&b, "\n-- artifacts by source --\n");
		for (size_t i = 0; i < a->nsources; i++)
			put_source(&b, &a->sources[i]);
	}
	int rc = pdg_report_write_buf(&b, out);

	pdg_buf_free(&b);
	return rc;
}
