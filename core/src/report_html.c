/* report_html.c - one self-contained HTML page (docs/report.md).
 *
 * Inline CSS, no script, no external resource (a Content-Security-Policy
 * forbids them, so even a broken escape could not run or fetch anything):
 * the verdict, the components table, the lineage graph as inline SVG, the
 * obligations checklist, the conflicts with their evidence and every
 * finding.  Elements carry stable ids and classes (component, obligation,
 * conflict, finding, node, edge) for tests and for styling.  Every input
 * string is HTML-escaped after control, ill-formed and bidi characters are
 * made visible (report_util.h).
 *
 * The graph layout is computed here, deterministically: audited models in
 * the first column; their direct upstreams in one column per role (base
 * models, teachers, datasets); everything further upstream in a last
 * column.  Each column starts below the rows of the columns before it (a
 * staircase), so an edge can run down the gap beside its source column
 * and then right along its target's row without crossing another box.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"
#include "report_util.h"

#define H PDG_ESCAPE_HTML

/* Geometry of the graph, in SVG user units (pixels). */
#define BOX_W 200
#define BOX_H 44
#define GAP_X 170
#define ROW_H 62
#define MARGIN 24
#define HEAD_H 28
#define LANE_W 7
#define MAX_LANES 6
#define ID_CHARS 25
#define SUB_CHARS 28

static void put(pdg_buf *b, const char *s)
{
	pdg_report_put_safe(b, s, H);
}

static const char *const status_class[] = {
	[PDG_OBLIGATION_MET] = "met",
	[PDG_OBLIGATION_UNMET] = "unmet",
	[PDG_OBLIGATION_CONFLICT] = "conflict",
	[PDG_OBLIGATION_REVIEW] = "review",
};

static const char *const status_label[] = {
	[PDG_OBLIGATION_MET] = "met",
	[PDG_OBLIGATION_UNMET] = "UNMET",
	[PDG_OBLIGATION_CONFLICT] = "CONFLICT",
	[PDG_OBLIGATION_REVIEW] = "review",
};

static const char css[] =
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
"margin:0 auto;max-width:1200px;padding:16px 24px;color:#1b1f24}"
"h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;"
"border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;"
"margin:16px 0 6px}"
"table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;"
"padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}"
".verdict{display:inline-block;font-weight:700;padding:4px 14px;"
"border-radius:4px;color:#fff}.verdict-fail{background:#c62828}"
".verdict-pass{background:#2e7d32}.verdict-warn{background:#b26a00}"
".result-fail{color:#c62828;font-weight:600}.result-warn{color:#b26a00}"
".result-pass{color:#57606a}.undeclared{color:#c62828;font-weight:600}"
"ul.checklist{list-style:none;padding-left:8px}"
"li.obligation{margin:3px 0}li.status-unmet,li.status-conflict"
"{color:#c62828}li.status-review{color:#57606a}"
".conflict{border-left:4px solid #c62828;padding:4px 12px;margin:10px 0;"
"background:#fff8f8}.conflict.result-warn{border-color:#b26a00;"
"background:#fffaf0}.conflict p{margin:4px 0}"
".where{font-family:ui-monospace,monospace;font-size:13px}"
".graph{overflow-x:auto;border:1px solid #d0d7de;padding:4px}"
".legend{color:#57606a;font-size:13px}"
"footer{margin-top:32px;color:#57606a;font-size:12px}";

static void put_id(pdg_buf *b, size_t i)
{
	pdg_buf_printf(b, "PDG-%04zu", i + 1);
}

/* ---- header ------------------------------------------------------------- */

static void put_head(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;

	pdg_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	                "<meta charset=\"utf-8\">\n"
	                "<meta http-equiv=\"Content-Security-Policy\" "
	                "content=\"default-src 'none'; style-src "
	                "'unsafe-inline'\">\n"
	                "<meta name=\"viewport\" content=\"width=device-width,"
	                "initial-scale=1\">\n<title>pedigree audit");
	for (size_t i = 0, n = 0; i < l->ncomponents; i++) {
		if (l->components[i].role != PDG_ROLE_MODEL)
			continue;
		pdg_buf_puts(b, n++ ? ", " : ": ");
		put(b, l->components[i].id);
	}
	pdg_buf_printf(b, " (%s)</title>\n<style>%s</style>\n</head>\n"
	               "<body>\n", a->failed ? "FAIL" : "PASS", css);
}

static void put_summary(pdg_buf *b, const pdg_audit *a)
{
	size_t v[PDG_VERDICT_FAIL + 1];
	uint64_t files = 0;

	pdg_report_count_verdicts(a, v);
	for (size_t i = 0; i < a->nsources; i++)
		files += a->sources[i].artifacts;
	pdg_buf_printf(b, "<header id=\"summary\">\n<h1>pedigree audit</h1>\n"
	               "<p><span class=\"verdict verdict-%s\" id=\"verdict\">"
	               "%s</span>", a->failed ? "fail" : "pass",
	               a->failed ? "FAIL" : "PASS");
	if (a->policy) {
		pdg_buf_puts(b, " under the policy <strong>");
		put(b, pdg_policy_name(a->policy));
		pdg_buf_puts(b, "</strong> (");
		put(b, pdg_policy_file(a->policy));
		pdg_buf_puts(b, ")");
	}
	pdg_buf_printf(b, ": <span class=\"result-fail\" id=\"count-fail\">"
	               "%zu fail</span>, <span class=\"result-warn\" "
	               "id=\"count-warn\">%zu warn</span>, <span "
	               "class=\"result-pass\" id=\"count-pass\">%zu "
	               "pass</span>.</p>\n",
	               v[PDG_VERDICT_FAIL], v[PDG_VERDICT_WARN],
	               v[PDG_VERDICT_PASS]);
	pdg_buf_printf(b, "<p>%zu %s, %llu files, %zu findings:", a->nsources,
	               a->nsources == 1 ? "input" : "inputs",
	               (unsigned long long)files, a->findings.len);
	for (size_t i = 0; i < a->nsources; i++) {
		pdg_buf_puts(b, i ? ", " : " ");
		pdg_buf_puts(b, "<span class=\"where\">");
		put(b, a->sources[i].path);
		pdg_buf_printf(b, "</span> (%s)",
		               pdg_source_type_name(a->sources[i].type));
	}
	pdg_buf_puts(b, ".</p>\n");
	pdg_report_put_plugin_notes(b, a, H, "<p class=\"note\">The ",
	                            "</p>\n");
	pdg_buf_puts(b, "</header>\n");
}

/* ---- components ------------------------------------------------------------ */

/* Whether the audited models' card declares component ci: 1 yes, 0 no,
 * -1 not an upstream of an audited model. */
static int declared_state(const pdg_report_link *links, size_t n,
                          const pdg_lineage *l, size_t ci,
                          const char **at)
{
	int any = 0, all = 1;

	*at = NULL;
	for (size_t k = 0; k < n; k++) {
		if (links[k].to != ci ||
		    l->components[links[k].from].role != PDG_ROLE_MODEL)
			continue;
		any = 1;
		all &= links[k].declared;
		if (!*at)
			*at = links[k].declared_at;
	}
	return any ? all : -1;
}

static void put_components(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;
	pdg_report_link *links;
	size_t n = pdg_report_links(l, &links);

	pdg_buf_puts(b, "<section id=\"components\">\n<h2>Components</h2>\n"
	                "<table>\n<thead><tr><th>Component</th><th>Role</th>"
	                "<th>Licence</th><th>Source</th><th>Provider</th>"
	                "<th>In the model card</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < l->ncomponents; i++) {
		const pdg_component *c = &l->components[i];
		const char *at;
		int d = declared_state(links, n, l, i, &at);

		pdg_buf_printf(b, "<tr class=\"component role-%s\" "
		               "id=\"component-%zu\"><td>",
		               pdg_component_role_name(c->role), i + 1);
		put(b, c->id);
		pdg_buf_printf(b, "</td><td>%s</td><td>",
		               pdg_component_role_name(c->role));
		pdg_report_put_licenses(b, c, H);
		pdg_buf_puts(b, "</td><td class=\"where\">");
		put(b, c->source ? c->source : "(by id only)");
		pdg_buf_puts(b, "</td><td>");
		put(b, c->provider ? c->provider : "");
		pdg_buf_puts(b, "</td><td>");
		if (d == 1) {
			pdg_buf_puts(b, "declared");
			if (at) {
				pdg_buf_puts(b, " at <span class=\"where\">");
				put(b, at);
				pdg_buf_puts(b, "</span>");
			}
		} else if (d == 0) {
			pdg_buf_puts(b, "<span class=\"undeclared\">NOT "
			                "declared</span>");
		}
		pdg_buf_puts(b, "</td></tr>\n");
	}
	pdg_buf_puts(b, "</tbody>\n</table>\n</section>\n");
	free(links);
}

/* ---- lineage graph ------------------------------------------------------------ */

enum { COL_MODEL, COL_BASE, COL_TEACHER, COL_DATASET, COL_FURTHER,
       NCOLS };

static const char *const col_title[NCOLS] = {
	"audited", "base models", "teachers", "datasets", "further upstream"
};

typedef struct layout {
	size_t n;
	int *col;               /* column per component (compacted) */
	size_t *row;
	int ncols;
	size_t nrows;
	int used[NCOLS];        /* compacted index of each kind, or -1 */
} layout;

static size_t *depths(const pdg_lineage *l, const pdg_report_link *links,
                      size_t nl)
{
	size_t *d = pdg_xcalloc(l->ncomponents + 1, sizeof(*d));
	int changed = 1;

	for (size_t i = 0; i < l->ncomponents; i++)
		d[i] = l->components[i].role == PDG_ROLE_MODEL ? 0 : SIZE_MAX;
	/* Bellman-Ford on unit weights: at most n rounds, usually two. */
	for (size_t round = 0; changed && round < l->ncomponents; round++) {
		changed = 0;
		for (size_t k = 0; k < nl; k++) {
			size_t f = links[k].from, t = links[k].to;

			if (d[f] != SIZE_MAX && d[f] + 1 < d[t]) {
				d[t] = d[f] + 1;
				changed = 1;
			}
		}
	}
	return d;
}

static int kind_of(const pdg_component *c, size_t depth)
{
	if (c->role == PDG_ROLE_MODEL)
		return COL_MODEL;
	if (depth != 1)
		return COL_FURTHER;
	switch (c->role) {
	case PDG_ROLE_BASE: return COL_BASE;
	case PDG_ROLE_TEACHER: return COL_TEACHER;
	default: return COL_DATASET;
	}
}

static void layout_build(layout *y, const pdg_lineage *l,
                         const pdg_report_link *links, size_t nl)
{
	size_t *d = depths(l, links, nl);
	int kind[NCOLS] = { 0 };
	size_t start = 0;

	y->n = l->ncomponents;
	y->col = pdg_xcalloc(y->n + 1, sizeof(*y->col));
	y->row = pdg_xcalloc(y->n + 1, sizeof(*y->row));
	for (size_t i = 0; i < y->n; i++) {
		y->col[i] = kind_of(&l->components[i], d[i]);
		kind[y->col[i]] = 1;
	}
	y->ncols = 0;
	for (int k = 0; k < NCOLS; k++)
		y->used[k] = kind[k] ? y->ncols++ : -1;
	/* The staircase: each column's rows follow all earlier columns'. */
	for (int k = 0; k < NCOLS; k++) {
		if (y->used[k] < 0)
			continue;
		for (size_t i = 0; i < y->n; i++)
			if (y->col[i] == k)
				y->row[i] = start++;
	}
	for (size_t i = 0; i < y->n; i++)
		y->col[i] = y->used[y->col[i]];
	y->nrows = start;
	free(d);
}

static void layout_free(layout *y)
{
	free(y->col);
	free(y->row);
}

static long box_x(int col)
{
	return MARGIN + (long)col * (BOX_W + GAP_X);
}

static long box_y(size_t row)
{
	return MARGIN + HEAD_H + (long)row * ROW_H;
}

static void put_node(pdg_buf *b, const pdg_lineage *l, const layout *y,
                     size_t i)
{
	const pdg_component *c = &l->components[i];
	const char *role = pdg_component_role_name(c->role);
	long x = box_x(y->col[i]), yy = box_y(y->row[i]);
	pdg_buf lic = PDG_BUF_INIT;

	pdg_report_put_licenses(&lic, c, PDG_ESCAPE_TERMINAL);
	pdg_buf_printf(b, "<g class=\"node role-%s\" id=\"node-%zu\">"
	               "<title>", role, i + 1);
	put(b, c->id);
	pdg_buf_printf(b, " (%s): ", role);
	put(b, lic.ptr);
	pdg_buf_printf(b, "</title><rect x=\"%ld\" y=\"%ld\" width=\"%d\" "
	               "height=\"%d\" rx=\"6\" fill=\"%s\" stroke=\"%s\"/>",
	               x, yy, BOX_W, BOX_H,
	               c->role == PDG_ROLE_MODEL ? "#ddf4ff" : "#f6f8fa",
	               c->role == PDG_ROLE_MODEL ? "#0969da" : "#8c959f");
	pdg_buf_printf(b, "<text x=\"%ld\" y=\"%ld\" font-size=\"12\" "
	               "font-weight=\"600\">", x + 8, yy + 18);
	pdg_report_put_safe_max(b, c->id, H, ID_CHARS);
	pdg_buf_printf(b, "</text><text x=\"%ld\" y=\"%ld\" "
	               "font-size=\"11\" fill=\"#57606a\">", x + 8, yy + 35);
	pdg_buf_printf(b, "%s: ", role);
	pdg_report_put_safe_max(b, lic.ptr, H,
	                        SUB_CHARS - strlen(role));
	pdg_buf_puts(b, "</text></g>\n");
	pdg_buf_free(&lic);
}

/* Lane of each link in the gap beside its source column, counted from
 * the source: links to farther rows run nearer the source column, so a
 * link's vertical never crosses the horizontal of a nearer one, and the
 * right part of the gap stays free for the labels. */
static size_t *lanes(const pdg_report_link *links, size_t nl,
                     const layout *y)
{
	size_t *lane = pdg_xcalloc(nl + 1, sizeof(*lane));

	for (size_t k = 0; k < nl; k++)
		for (size_t j = 0; j < nl; j++) {
			if (j == k || y->col[links[j].from] !=
			    y->col[links[k].from])
				continue;
			if (y->row[links[j].to] > y->row[links[k].to] ||
			    (y->row[links[j].to] == y->row[links[k].to] &&
			     j < k))
				lane[k]++;
		}
	return lane;
}

static void put_edge(pdg_buf *b, const pdg_lineage *l, const layout *y,
                     const pdg_report_link *x, size_t lane, size_t k)
{
	int fc = y->col[x->from], tc = y->col[x->to];
	long sx = box_x(fc) + BOX_W, sy = box_y(y->row[x->from]) + BOX_H / 2;
	long tx = box_x(tc), ty = box_y(y->row[x->to]) + BOX_H / 2;
	long bus = sx + 14 + (long)(lane % MAX_LANES) * LANE_W;
	const char *color = x->declared ? "#57606a" : "#c62828";
	int nt = 0;

	pdg_buf_printf(b, "<g class=\"edge %s\" id=\"edge-%zu\" "
	               "data-from=\"node-%zu\" data-to=\"node-%zu\"><title>",
	               x->declared ? "edge-declared" : "edge-undeclared",
	               k + 1, x->from + 1, x->to + 1);
	put(b, l->components[x->from].id);
	pdg_buf_puts(b, " from ");
	put(b, l->components[x->to].id);
	pdg_buf_puts(b, ": ");
	pdg_report_put_types(b, x->types, ", ");
	pdg_buf_puts(b, x->declared ? " (declared)" : " (NOT declared in the "
	                "model card)");
	pdg_buf_puts(b, "</title>");
	if (tc > fc) {
		pdg_buf_printf(b, "<path d=\"M%ld %ld H%ld V%ld H%ld\"", sx, sy,
		               bus, ty, tx - 2);
	} else {
		/* Back or sideways (rare): a loop out to the right. */
		long rx = box_x(tc) + BOX_W;
		pdg_buf_printf(b, "<path d=\"M%ld %ld C%ld %ld %ld %ld %ld "
		               "%ld\"", sx, sy, sx + 60, sy, rx + 60, ty,
		               rx + 2, ty);
		tx = rx + 70;
	}
	pdg_buf_printf(b, " fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\""
	               "%s marker-end=\"url(#%s)\"/>", color,
	               x->declared ? "" : " stroke-dasharray=\"6 4\"",
	               x->declared ? "arrow" : "arrow-undeclared");
	for (int t = 0; t < PDG_EDGE_COUNT_; t++)
		nt += (x->types >> t) & 1;
	/* One label line per edge type, stacked above the last segment. */
	for (int t = 0, i = 0; t < PDG_EDGE_COUNT_; t++) {
		if (!(x->types & (1u << t)))
			continue;
		pdg_buf_printf(b, "<text class=\"edge-label\" x=\"%ld\" "
		               "y=\"%ld\" font-size=\"11\" text-anchor=\"end\" "
		               "fill=\"%s\">%s</text>", tc > fc ? tx - 8 : tx + 90,
		               ty - 5 - 12L * (nt - 1 - i), color,
		               pdg_edge_type_name((pdg_edge_type)t));
		i++;
	}
	pdg_buf_puts(b, "</g>\n");
}

static void put_graph(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;
	pdg_report_link *links;
	size_t nl = pdg_report_links(l, &links);
	layout y;

	layout_build(&y, l, links, nl);
	long w = 2 * MARGIN + (long)y.ncols * BOX_W +
	         (long)(y.ncols ? y.ncols - 1 : 0) * GAP_X + 100;
	long h = 2 * MARGIN + HEAD_H + (long)y.nrows * ROW_H;
	size_t *lane = lanes(links, nl, &y);

	pdg_buf_puts(b, "<section id=\"lineage\">\n<h2>Lineage</h2>\n");
	pdg_buf_printf(b, "<div class=\"graph\"><svg id=\"lineage-graph\" "
	               "xmlns=\"http://www.w3.org/2000/svg\" width=\"%ld\" "
	               "height=\"%ld\" viewBox=\"0 0 %ld %ld\" role=\"img\" "
	               "aria-label=\"lineage graph\" font-family=\"system-ui,"
	               "sans-serif\">\n", w, h, w, h);
	pdg_buf_puts(b, "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" "
	                "refX=\"8\" refY=\"4\" markerWidth=\"8\" "
	                "markerHeight=\"8\" orient=\"auto\"><path d=\"M0 0 L8 "
	                "4 L0 8 z\" fill=\"#57606a\"/></marker><marker "
	                "id=\"arrow-undeclared\" viewBox=\"0 0 8 8\" refX=\"8\" "
	                "refY=\"4\" markerWidth=\"8\" markerHeight=\"8\" "
	                "orient=\"auto\"><path d=\"M0 0 L8 4 L0 8 z\" "
	                "fill=\"#c62828\"/></marker></defs>\n");
	for (int k = 0; k < NCOLS; k++)
		if (y.used[k] >= 0)
			pdg_buf_printf(b, "<text class=\"column-title\" x=\"%ld\" "
			               "y=\"%d\" font-size=\"12\" "
			               "font-weight=\"700\" fill=\"#57606a\">%s"
			               "</text>\n", box_x(y.used[k]), MARGIN + 12,
			               col_title[k]);
	for (size_t k = 0; k < nl; k++)
		put_edge(b, l, &y, &links[k], lane[k], k);
	for (size_t i = 0; i < l->ncomponents; i++)
		put_node(b, l, &y, i);
	pdg_buf_puts(b, "</svg></div>\n<p class=\"legend\">Each arrow points "
	                "from a model to what it derives from, labelled by how "
	                "(finetune, distillation, trained-on-outputs, "
	                "dataset...). <span class=\"undeclared\">Dashed red"
	                "</span>: the model card does not declare that "
	                "upstream.</p>\n</section>\n");
	free(lane);
	layout_free(&y);
	free(links);
}

/* ---- obligations ------------------------------------------------------------- */

static void put_obligations(pdg_buf *b, const pdg_audit *a)
{
	const pdg_lineage *l = &a->lineage;
	int open = 0;

	pdg_buf_puts(b, "<section id=\"obligations\">\n<h2>Obligations</h2>\n");
	if (!l->nobligations)
		pdg_buf_puts(b, "<p>No obligations flow to the audited "
		                "models.</p>\n");
	for (size_t i = 0; i < l->nobligations; i++) {
		const pdg_obligation *o = &l->obligations[i];

		if (pdg_report_obligation_group_starts(l, i)) {
			if (open)
				pdg_buf_puts(b, "</ul>\n");
			pdg_buf_puts(b, "<h3>");
			put(b, l->components[o->component].id);
			pdg_buf_puts(b, " from ");
			put(b, l->components[o->upstream].id);
			pdg_buf_puts(b, " under ");
			put(b, o->license);
			pdg_buf_puts(b, "</h3>\n<ul class=\"checklist\">\n");
			open = 1;
		}
		pdg_buf_printf(b, "<li class=\"obligation status-%s\" "
		               "id=\"obligation-%zu\"><input type=\"checkbox\" "
		               "disabled%s aria-label=\"%s\"> <strong>",
		               status_class[o->status], i + 1,
		               o->status == PDG_OBLIGATION_MET ? " checked" : "",
		               status_label[o->status]);
		put(b, o->what);
		pdg_buf_puts(b, "</strong>");
		if (o->value) {
			pdg_buf_puts(b, " &ldquo;");
			put(b, o->value);
			pdg_buf_puts(b, "&rdquo;");
		}
		pdg_buf_printf(b, " <em>(%s)</em>", status_label[o->status]);
		if (o->note) {
			pdg_buf_puts(b, ": ");
			put(b, o->note);
		}
		pdg_buf_puts(b, "</li>\n");
	}
	if (open)
		pdg_buf_puts(b, "</ul>\n");
	pdg_buf_puts(b, "</section>\n");
}

/* ---- conflicts and findings ---------------------------------------------- */

static void put_conflicts(pdg_buf *b, const pdg_audit *a)
{
	size_t n = 0;

	pdg_buf_puts(b, "<section id=\"conflicts\">\n<h2>Conflicts</h2>\n");
	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];
		const char *v = pdg_verdict_name(f->verdict);

		if (f->kind != PDG_FINDING_CONFLICT)
			continue;
		n++;
		pdg_buf_printf(b, "<article class=\"conflict result-%s\" "
		               "id=\"conflict-", v);
		put_id(b, i);
		pdg_buf_puts(b, "\">\n<h3>");
		put_id(b, i);
		pdg_buf_puts(b, " ");
		put(b, f->rule);
		pdg_buf_printf(b, " <span class=\"result-%s\">%s</span></h3>\n"
		               "<p>", v, v);
		put(b, f->message);
		pdg_buf_puts(b, "</p>\n<p>Component ");
		put(b, f->component);
		if (f->subject) {
			pdg_buf_puts(b, ", subject ");
			put(b, f->subject);
		}
		pdg_buf_puts(b, "; seen at <span class=\"where\">");
		pdg_report_put_where(b, f, a->nsources > 1, H);
		pdg_buf_puts(b, "</span>.</p>\n<ul class=\"evidence-list\">\n");
		pdg_report_put_edge_evidence(b, a, f, H, "<li class=\"evidence\">",
		                             "</li>\n");
		pdg_buf_printf(b, "</ul>\n<p>Verdict <span class=\"result-%s\">"
		               "%s</span>: ", v, v);
		put(b, f->verdict_reason ? f->verdict_reason : "not judged");
		pdg_buf_puts(b, "</p>\n</article>\n");
	}
	if (!n)
		pdg_buf_puts(b, "<p>No conflicts.</p>\n");
	pdg_buf_puts(b, "</section>\n");
}

static void put_findings(pdg_buf *b, const pdg_audit *a)
{
	const char *cur = NULL;

	pdg_buf_puts(b, "<section id=\"findings\">\n<h2>Findings by "
	                "component</h2>\n");
	if (!a->findings.len)
		pdg_buf_puts(b, "<p>No findings.</p>\n");
	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];
		const char *comp = f->component ? f->component : "";
		const char *v = pdg_verdict_name(f->verdict);

		if (!cur || strcmp(cur, comp) != 0) {
			if (cur)
				pdg_buf_puts(b, "</tbody></table>\n");
			pdg_buf_puts(b, "<h3>");
			put(b, *comp ? comp : "(no component)");
			pdg_buf_puts(b, "</h3>\n<table><thead><tr><th>Id</th>"
			                "<th>Verdict</th><th>Severity</th>"
			                "<th>Rule</th><th>Message</th>"
			                "<th>Where</th></tr></thead><tbody>\n");
			cur = comp;
		}
		pdg_buf_printf(b, "<tr class=\"finding result-%s kind-%s\" "
		               "id=\"finding-", v,
		               pdg_finding_kind_name(f->kind));
		put_id(b, i);
		pdg_buf_puts(b, "\"><td>");
		put_id(b, i);
		pdg_buf_printf(b, "</td><td class=\"result-%s\">%s</td><td>%s"
		               "</td><td>", v, v,
		               pdg_severity_name(f->severity));
		put(b, f->rule);
		pdg_buf_puts(b, "</td><td>");
		put(b, f->message);
		pdg_buf_puts(b, "</td><td class=\"where\">");
		pdg_report_put_where(b, f, a->nsources > 1, H);
		pdg_buf_puts(b, "</td></tr>\n");
	}
	if (cur)
		pdg_buf_puts(b, "</tbody></table>\n");
	pdg_buf_puts(b, "</section>\n");
}

static void put_foot(pdg_buf *b, const pdg_audit *a)
{
	(void)a;
	pdg_buf_puts(b, "<footer>pedigree " PDG_VERSION "; see "
	                "docs/report.md for the formats.</footer>\n"
	                "</body>\n</html>\n");
}

int pdg_report_write_html(const pdg_audit *a, FILE *out)
{
	static const pdg_report_section_fn sections[] = {
		put_head, put_summary, put_components, put_graph,
		put_obligations, put_conflicts, put_findings, put_foot,
	};

	return pdg_report_write_sections(a, out, sections,
	                                 sizeof(sections) / sizeof(*sections));
}
