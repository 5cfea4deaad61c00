/*
 * license_text.c - the license-text detector: which licences and terms
 * the licence files and model cards of a repository hold.
 *
 * In-tree plugin: it links libpedigree's internal API (the matcher in
 * core/src/license, the knowledge base) rather than only the ABI header.
 *
 * Findings (docs/identification.md):
 *   license.detected      LICENSE (TERMS for use policies and API terms),
 *                         info: subject = id, lines = the matched span,
 *                         properties = dice, containment, clauses...
 *   license.unknown       LICENSE, warning: a licence file (or the licence
 *                         section of a model card) that matches no known
 *                         text; subject LicenseRef-unknown, properties =
 *                         nearest candidates and the clauses found (a
 *                         NOTICE file only when it has clauses)
 *   license.spdx-mismatch CONFLICT, warning: an SPDX-License-Identifier
 *                         line contradicts the licence text of its file
 *   license.card-mismatch CONFLICT, warning: a model card's `license:` tag
 *                         contradicts the licence text in the card
 *   license.none          LICENSE, warning, from finish(): no licence
 *                         (known or not) in any file of the audit
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <pedigree/pedigree.h>

#include "kb/kb.h"
#include "license/license.h"

#define PLUGIN "license-text"
/* Licence files and model cards are small; the host caps reads too. */
/* docs/limits.md; longer texts are identified from their prefix. */
static const pdg_limit_desc lt_limits[] = {
	{ PLUGIN ".max-read", (uint64_t)16 << 20,
	  "bytes of a licence file read and identified" },
	{ NULL, 0, NULL },
};
/* A model-card licence section shorter than this many bytes is a
 * pointer ("Apache 2.0, see LICENSE"), not a licence text. */
#define LT_MIN_SECTION 400

struct lt_state {
	const pdg_host_api *api;
	pdg_kb *kb;                 /* NULL when the KB cannot load */
	atomic_ulong licences;      /* licences found, known or not */
};

/* What one scan() is working on. */
struct lt_scan {
	struct lt_state *st;
	const pdg_artifact *a;
	pdg_emitter *out;
	const char *text;
	size_t len;
};

static char *dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	                     JSON_REAL_PRECISION(6));

	json_decref(o);
	return s;
}

/* Clauses that lie within lines [from, to]. */
static json_t *clauses_in(const pdg_license_result *r, uint32_t from,
                          uint32_t to)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n_clauses; i++)
		if (r->clauses[i].line >= from && r->clauses[i].line <= to)
			json_array_append_new(a,
				pdg_license_clause_json(&r->clauses[i]));
	return a;
}

/* Which part of the release the file speaks for, from its name; a model
 * card speaks for the model. */
static json_t *scope_of(const struct lt_scan *s)
{
	const pdg_host_api *api = s->st->api;
	pdg_license_scope sc = PDG_SCOPE_MODEL;

	if (api->artifact_kind(s->a) != PDG_KIND_MODEL_CARD)
		sc = pdg_license_scope_of_path(api->artifact_path(s->a));
	return json_string(pdg_license_scope_name(sc));
}

static int emit(struct lt_scan *s, pdg_finding_desc *d)
{
	return s->st->api->emit(s->out, s->a, d);
}

static json_t *num(double v)
{
	return json_real(round(v * 10000.0) / 10000.0);
}

/* Results for a part of the artifact: make lines and offsets the
 * artifact's. */
static void shift(pdg_license_result *r, uint32_t lines, uint64_t bytes)
{
	for (size_t i = 0; i < r->n_matches; i++) {
		r->matches[i].line_start += lines;
		r->matches[i].line_end += lines;
		r->matches[i].byte_start += bytes;
		r->matches[i].byte_end += bytes;
	}
	for (size_t i = 0; i < r->n_clauses; i++)
		r->clauses[i].line += lines;
}

static int emit_match(struct lt_scan *s, const pdg_license_result *r,
                      const pdg_license_match *m)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char msg[320];
	json_t *props = pdg_license_match_json(m);
	int rc;

	json_object_set_new(props, "clauses",
	                    clauses_in(r, m->line_start, m->line_end));
	json_object_set_new(props, "scope", scope_of(s));
	/* A match by phrases names the document; containment then counts
	 * phrases, not text. */
	snprintf(msg, sizeof(msg), "%s %s%s%s (lines %u-%u, %s %.2f)",
	         m->doc == PDG_LICENSE_DOC_LICENSE ? "licence" :
	         m->doc == PDG_LICENSE_DOC_USE_POLICY ? "use policy" :
	         "terms", m->id, m->part_of ? ", part of " : "",
	         m->part_of ? m->part_of : "", (unsigned)m->line_start,
	         (unsigned)m->line_end, m->method == PDG_LICENSE_BY_SIGNATURE ?
	         "named by its title or notice, confidence" : "containment",
	         m->method == PDG_LICENSE_BY_SIGNATURE ? m->confidence :
	         m->containment);
	d.kind = m->doc == PDG_LICENSE_DOC_LICENSE ? PDG_FINDING_LICENSE :
	         PDG_FINDING_TERMS;
	d.severity = PDG_SEVERITY_INFO;
	d.confidence = m->confidence;
	d.rule = "license.detected";
	d.message = msg;
	d.subject = m->id;
	d.line_start = m->line_start;
	d.line_end = m->line_end;
	d.byte_offset = (int64_t)m->byte_start;
	d.properties = dump(props);
	rc = emit(s, &d);
	free((char *)d.properties);
	if (rc == 0 && m->doc == PDG_LICENSE_DOC_LICENSE)
		atomic_fetch_add(&s->st->licences, 1);
	return rc;
}

/* A valid SPDX-License-Identifier with no licence text to check it:
 * the declaration is what the file says. */
static int emit_declared(struct lt_scan *s, const pdg_license_result *r)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char msg[320];
	json_t *props = json_object();
	int rc;

	json_object_set_new(props, "source",
	                    json_string("spdx-license-identifier"));
	json_object_set_new(props, "expression",
	                    json_string(r->spdx_identifier));
	json_object_set_new(props, "scope", scope_of(s));
	snprintf(msg, sizeof(msg), "SPDX-License-Identifier: %.200s",
	         r->spdx_identifier);
	d.kind = PDG_FINDING_LICENSE;
	d.severity = PDG_SEVERITY_INFO;
	d.confidence = r->confidence;
	d.rule = "license.detected";
	d.message = msg;
	d.subject = r->spdx_identifier;
	d.line_start = r->spdx_line;
	d.properties = dump(props);
	rc = emit(s, &d);
	free((char *)d.properties);
	if (rc == 0)
		atomic_fetch_add(&s->st->licences, 1);
	return rc;
}

static int emit_unknown(struct lt_scan *s, const pdg_license_result *r,
                        const char *where)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	json_t *props = json_object(), *cand = json_array();
	char msg[320];
	int rc;

	for (size_t i = 0; i < r->n_candidates; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "id", json_string(r->candidates[i].id));
		json_object_set_new(c, "score", num(r->candidates[i].score));
		json_object_set_new(c, "containment",
		                    num(r->candidates[i].containment));
		json_array_append_new(cand, c);
	}
	json_object_set_new(props, "candidates", cand);
	json_object_set_new(props, "clauses", clauses_in(r, 0, UINT32_MAX));
	json_object_set_new(props, "scope", scope_of(s));
	if (r->n_candidates)
		snprintf(msg, sizeof(msg), "%s matches no known licence "
		         "(nearest: %s, score %.2f); %zu clause%s found",
		         where, r->candidates[0].id, r->candidates[0].score,
		         r->n_clauses, r->n_clauses == 1 ? "" : "s");
	else
		snprintf(msg, sizeof(msg), "%s matches no known licence; "
		         "%zu clause%s found", where, r->n_clauses,
		         r->n_clauses == 1 ? "" : "s");
	d.kind = PDG_FINDING_LICENSE;
	d.severity = PDG_SEVERITY_WARNING;
	d.confidence = r->confidence;
	d.rule = "license.unknown";
	d.message = msg;
	d.subject = PDG_LICENSE_UNKNOWN;
	d.line_start = r->n_clauses ? r->clauses[0].line : 0;
	d.properties = dump(props);
	rc = emit(s, &d);
	free((char *)d.properties);
	if (rc == 0)
		atomic_fetch_add(&s->st->licences, 1);
	return rc;
}

static int emit_mismatch(struct lt_scan *s, const pdg_license_result *r)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	json_t *props = json_object(), *found = json_array();
	const char *declared = r->spdx_valid ? r->spdx_identifier :
	                       r->card_license_id;
	char msg[400];
	int rc;

	for (size_t i = 0; i < r->n_matches; i++)
		if (!r->matches[i].part_of &&
		    r->matches[i].doc == PDG_LICENSE_DOC_LICENSE)
			json_array_append_new(found,
			        json_string(r->matches[i].id));
	json_object_set_new(props, "declared", json_string(declared));
	json_object_set_new(props, "text", found);
	snprintf(msg, sizeof(msg), "%s says %.120s but the text is %.200s",
	         r->spdx_valid ? "SPDX-License-Identifier" :
	         "the model card's license tag", declared, r->license);
	d.kind = PDG_FINDING_CONFLICT;
	d.severity = PDG_SEVERITY_WARNING;
	d.confidence = r->n_matches ? r->matches[0].confidence : 0.5;
	d.rule = r->spdx_valid ? "license.spdx-mismatch" :
	         "license.card-mismatch";
	d.message = msg;
	d.subject = declared;
	d.line_start = r->spdx_valid ? r->spdx_line : 0;
	d.properties = dump(props);
	rc = emit(s, &d);
	free((char *)d.properties);
	return rc;
}

static int emit_matches(struct lt_scan *s, const pdg_license_result *r)
{
	int rc;

	for (size_t i = 0; i < r->n_matches; i++)
		if ((rc = emit_match(s, r, &r->matches[i])) < 0)
			return rc;
	return 0;
}

static uint32_t count_lines(const char *p, size_t n)
{
	uint32_t lines = 0;
	const char *end = p + n;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		lines++;
		p++;
	}
	return lines;
}

static int identify(struct lt_scan *s, pdg_license_result **r)
{
	pdg_license_opts o = PDG_LICENSE_OPTS_INIT;

	o.kb = s->st->kb;
	if (pdg_license_identify(r, s->text, s->len, &o) < 0) {
		s->st->api->log(PLUGIN, pdg_error_last());
		return -1;
	}
	return 0;
}

/* NOTICE files are attribution notices, mostly not licences. */
static int is_notice(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strncasecmp(base, "NOTICE", 6) == 0;
}

static int scan_licence_file(struct lt_scan *s)
{
	pdg_license_result *r;
	int rc = 0;

	if (identify(s, &r) < 0)
		return -1;
	if (r->n_matches)
		rc = emit_matches(s, r);
	else if (r->spdx_valid)
		rc = emit_declared(s, r);
	else if (!is_notice(s->st->api->artifact_path(s->a)) ||
	         r->n_clauses)
		rc = emit_unknown(s, r, "licence file");
	if (rc == 0 && r->disagreement)
		rc = emit_mismatch(s, r);
	pdg_license_result_free(r);
	return rc;
}

/* A model card: licences embedded anywhere (a gated card's
 * extra_gated_prompt, a README licence section); an unrecognised licence
 * section is reported with its clauses. */
static int scan_model_card(struct lt_scan *s)
{
	pdg_license_result *r;
	size_t start, end;
	int rc = 0;

	if (identify(s, &r) < 0)
		return -1;
	if (r->n_matches) {
		rc = emit_matches(s, r);
		if (rc == 0 && r->disagreement)
			rc = emit_mismatch(s, r);
		pdg_license_result_free(r);
		return rc;
	}
	pdg_license_result_free(r);
	if (!pdg_license_card_section(&start, &end, s->text, s->len) ||
	    end - start < LT_MIN_SECTION)
		return 0;
	const char *whole = s->text;
	s->text += start;
	s->len = end - start;
	if (identify(s, &r) < 0)
		return -1;
	shift(r, count_lines(whole, start), start);
	if (r->n_matches)
		rc = emit_matches(s, r);
	else
		rc = emit_unknown(s, r, "the model card's licence section");
	pdg_license_result_free(r);
	return rc;
}

static int lt_init(const pdg_host_api *api, void **state)
{
	struct lt_state *st;

	if (api->struct_size < offsetof(pdg_host_api, log) + sizeof(api->log))
		return -1;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	st->api = api;
	atomic_init(&st->licences, 0);
	/* The knowledge base adds signatures of documents without a text
	 * in the database, and document kinds; identification works
	 * without it. */
	if (pdg_kb_load_default(&st->kb) < 0) {
		st->kb = NULL;
		api->log(PLUGIN, "knowledge base unavailable; matching "
		         "licence texts only");
	}
	*state = st;
	return 0;
}

static int lt_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	struct lt_state *st = state;
	const pdg_host_api *api = st->api;
	struct lt_scan s;
	const uint8_t *data;
	size_t len;
	int rc;

	if (api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	rc = api->artifact_head(a, (size_t)pdg_limit_value(api, out,
	                        &lt_limits[0]), &data, &len);
	if (rc < 0)
		return rc;
	memset(&s, 0, sizeof(s));
	s.st = st;
	s.a = a;
	s.out = out;
	s.text = (const char *)data;
	s.len = len;
	if (api->artifact_kind(a) == PDG_KIND_MODEL_CARD)
		return scan_model_card(&s);
	return scan_licence_file(&s);
}

static int lt_finish(void *state, pdg_emitter *out)
{
	struct lt_state *st = state;
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;

	if (atomic_load(&st->licences))
		return 0;
	d.kind = PDG_FINDING_LICENSE;
	d.severity = PDG_SEVERITY_WARNING;
	d.rule = "license.none";
	d.message = "no licence was found: no licence text, unknown licence "
	            "or SPDX-License-Identifier in any licence file or model "
	            "card";
	d.subject = PDG_LICENSE_UNKNOWN;
	return st->api->emit(out, NULL, &d);
}

static void lt_free(void *state)
{
	struct lt_state *st = state;

	if (!st)
		return;
	pdg_kb_free(st->kb);
	free(st);
}

static const pdg_plugin license_text_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = PLUGIN,
	.version = "1.0.0",
	.description = "licences and terms in licence files and model cards "
	               "(n-gram matching, SPDX lines, clauses)",
	.kinds = PDG_KIND_BIT(PDG_KIND_LICENSE) |
	         PDG_KIND_BIT(PDG_KIND_MODEL_CARD),
	/* scan() keeps no state but an atomic counter; the matcher and the
	 * knowledge base are read-only. */
	.flags = PDG_PLUGIN_THREAD_SAFE,
	.init = lt_init,
	.scan = lt_scan,
	.finish = lt_finish,
	.free = lt_free,
	.limits = lt_limits,
};

PDG_PLUGIN_DEFINE(license_text_plugin)
