/* json.c - a licence result as JSON, shared by `pedigree identify` and
 * the license-text plugin so both describe results the same way. */
#include <math.h>

#include <jansson.h>

#include "license/license_int.h"

/* Four decimals are all a score means; fewer digits keep output stable
 * across compilers. */
static json_t *num(double v)
{
	return json_real(round(v * 10000.0) / 10000.0);
}

static const char *doc_name(pdg_license_doc d)
{
	switch (d) {
	case PDG_LICENSE_DOC_USE_POLICY:
		return "use-policy";
	case PDG_LICENSE_DOC_TERMS:
		return "terms";
	default:
		return "license";
	}
}

const char *pdg_license_doc_name(pdg_license_doc d)
{
	return doc_name(d);
}

struct json_t *pdg_license_clause_json(const pdg_license_clause *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "type",
	                    json_string(pdg_clause_type_name(c->type)));
	if (c->has_number)
		json_object_set_new(o, "number",
		                    json_integer((json_int_t)c->number));
	if (c->value)
		json_object_set_new(o, "value", json_string(c->value));
	json_object_set_new(o, "line", json_integer(c->line));
	json_object_set_new(o, "text", json_string(c->text ? c->text : ""));
	return o;
}

struct json_t *pdg_license_match_json(const pdg_license_match *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(m->id));
	if (m->n_equivalent) {
		json_t *a = json_array();

		for (size_t j = 0; j < m->n_equivalent; j++)
			json_array_append_new(a,
			                      json_string(m->equivalent[j]));
		json_object_set_new(o, "equivalent", a);
	}
	if (m->part_of)
		json_object_set_new(o, "part_of", json_string(m->part_of));
	json_object_set_new(o, "method", json_string(
		m->method == PDG_LICENSE_BY_SIGNATURE ? "signature" : "text"));
	json_object_set_new(o, "document", json_string(doc_name(m->doc)));
	json_object_set_new(o, "score", num(m->score));
	json_object_set_new(o, "dice", num(m->dice));
	json_object_set_new(o, "containment", num(m->containment));
	json_object_set_new(o, "precision", num(m->precision));
	json_object_set_new(o, "confidence", num(m->confidence));
	json_object_set_new(o, "line_start", json_integer(m->line_start));
	json_object_set_new(o, "line_end", json_integer(m->line_end));
	return o;
}

struct json_t *pdg_license_result_json(const pdg_license_result *r)
{
	json_t *o = json_object(), *a;

	json_object_set_new(o, "license", json_string(r->license));
	json_object_set_new(o, "confidence", num(r->confidence));
	a = json_array();
	for (size_t i = 0; i < r->n_matches; i++)
		json_array_append_new(a,
		                      pdg_license_match_json(&r->matches[i]));
	json_object_set_new(o, "matches", a);
	if (r->n_candidates) {
		a = json_array();
		for (size_t i = 0; i < r->n_candidates; i++) {
			const pdg_license_candidate *c = &r->candidates[i];
			json_t *x = json_object();

			json_object_set_new(x, "id", json_string(c->id));
			json_object_set_new(x, "score", num(c->score));
			json_object_set_new(x, "dice", num(c->dice));
			json_object_set_new(x, "containment",
			                    num(c->containment));
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "candidates", a);
	}
	a = json_array();
	for (size_t i = 0; i < r->n_clauses; i++)
		json_array_append_new(a,
		                      pdg_license_clause_json(&r->clauses[i]));
	json_object_set_new(o, "clauses", a);
	if (r->spdx_identifier) {
		json_t *s = json_object();

		json_object_set_new(s, "expression",
		                    json_string(r->spdx_identifier));
		json_object_set_new(s, "line", json_integer(r->spdx_line));
		json_object_set_new(s, "valid", json_boolean(r->spdx_valid));
		if (r->spdx_error)
			json_object_set_new(s, "error",
			                    json_string(r->spdx_error));
		json_object_set_new(o, "spdx_identifier", s);
	}
	if (r->card_license) {
		json_t *s = json_object();

		json_object_set_new(s, "tag", json_string(r->card_license));
		json_object_set_new(s, "id", r->card_license_id ?
		                    json_string(r->card_license_id) :
		                    json_null());
		json_object_set_new(o, "card_license", s);
	}
	json_object_set_new(o, "disagreement", json_boolean(r->disagreement));
	if (r->truncated)
		json_object_set_new(o, "truncated", json_true());
	return o;
}
