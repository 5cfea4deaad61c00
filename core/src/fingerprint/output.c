/* output.c - a fingerprint result as text or JSON (docs/fingerprint.md).
 * Both are deterministic: no times, no paths beyond what was given. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "fingerprint/fp.h"
#include "util.h"

const char *pdg_fp_verdict_word(const pdg_fp_verdict *v)
{
	if (!v->tested)
		return "untested";
	return v->positive ? "distilled-from" : "no-evidence";
}

/* Model ids come from files: keep control bytes off the terminal. */
static void put_safe(FILE *f, const char *s, int width)
{
	int n = 0;

	for (; *s; s++, n++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	for (; n < width; n++)
		fputc(' ', f);
}

static void put_num(FILE *f, const char *fmt, double x)
{
	if (isnan(x))
		fputs("       -", f);
	else
		fprintf(f, fmt, x);
}

static int write_text(const pdg_fp_result *r, FILE *f)
{
	int w = 28;

	for (size_t i = 0; i < r->n; i++)
		if ((int)strlen(r->v[i].teacher) > w)
			w = (int)strlen(r->v[i].teacher);
	fputs("fingerprint of ", f);
	put_safe(f, r->student, 0);
	fprintf(f, "\n  %u probe texts, panel of %zu (", r->probes,
	        r->npanel);
	for (size_t i = 0; i < r->npanel; i++) {
		put_safe(f, r->panel_ids[i], 0);
		fputs(i + 1 < r->npanel ? ", " : "", f);
	}
	fprintf(f, "),\n  %u permutations, alpha %g (Holm), device %s\n\n",
	        r->permutations, r->alpha, r->device);
	fprintf(f, "  %-*s  %-14s  %8s  %8s  %8s  %8s  %7s\n", w, "candidate",
	        "verdict", "p-value", "p-perm", "p-rank", "effect", "queries");
	for (size_t i = 0; i < r->n; i++) {
		const pdg_fp_verdict *v = &r->v[i];
		fputs("  ", f);
		put_safe(f, v->teacher, w);
		fprintf(f, "  %-14s  ", pdg_fp_verdict_word(v));
		put_num(f, "%8.2g", v->p_value);
		fputs("  ", f);
		put_num(f, "%8.2g", v->p_permutation);
		fputs("  ", f);
		put_num(f, "%8.3f", v->p_rank);
		fputs("  ", f);
		put_num(f, "%+8.3f", v->effect_nats);
		fprintf(f, "  %7u\n", v->queries);
	}
	fputs("\n  effect: excess log-likelihood on the candidate's texts, "
	      "nats per chunk\n", f);
	for (size_t i = 0; i < r->n; i++) {
		const pdg_fp_verdict *v = &r->v[i];
		fputs("  ", f);
		put_safe(f, v->teacher, 0);
		fprintf(f, ": %s", v->reason ? v->reason : "");
		if (v->tested) {
			fprintf(f, "; %u teacher and %u control texts, %llu "
			        "chunks; score %.3f (Z %.3f, panel p %.2g), "
			        "dJS %+.4f, dArgmax %+.3f", v->teacher_texts,
			        v->control_texts, (unsigned long long)v->chunks,
			        v->score, v->z_panel, v->p_panel, v->delta_js,
			        v->delta_argmax);
			if (!isnan(v->delta_tail))
				fprintf(f, ", dTail %+.3f", v->delta_tail);
			if (!isnan(v->kl_full))
				fprintf(f, ", KL(T||S) %.4f", v->kl_full);
			if (!isnan(v->kl_full_panel))
				fprintf(f, " (panel %.4f)", v->kl_full_panel);
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(f, "  note: %s\n", r->notes[i]);
	return 0;
}

static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *pdg_fp_verdict_core(const pdg_fp_verdict *v)
{
	json_t *o = json_object();

	json_object_set_new(o, "verdict",
	                    json_string(pdg_fp_verdict_word(v)));
	json_object_set_new(o, "p_value", num(v->p_value));
	json_object_set_new(o, "p_permutation", num(v->p_permutation));
	json_object_set_new(o, "p_rank", num(v->p_rank));
	json_object_set_new(o, "effect_nats", num(v->effect_nats));
	json_object_set_new(o, "queries", json_integer(v->queries));
	json_object_set_new(o, "method", json_string("rcta"));
	json_object_set_new(o, "teacher", json_string(v->teacher));
	json_object_set_new(o, "student", json_string(v->student));
	return o;
}

static json_t *verdict_json(const pdg_fp_verdict *v)
{
	json_t *o = pdg_fp_verdict_core(v);

	json_object_set_new(o, "reason", json_string(v->reason ? v->reason
	                                                      : ""));
	json_object_set_new(o, "score", num(v->score));
	json_object_set_new(o, "z_permutation", num(v->z_permutation));
	json_t *e = json_object();
	json_object_set_new(e, "teacher_texts",
	                    json_integer(v->teacher_texts));
	json_object_set_new(e, "control_texts",
	                    json_integer(v->control_texts));
	json_object_set_new(e, "chunks", json_integer((json_int_t)v->chunks));
	json_object_set_new(e, "panel", json_integer(v->panel));
	json_object_set_new(e, "z_panel", num(v->z_panel));
	json_object_set_new(e, "p_panel", num(v->p_panel));
	json_object_set_new(e, "delta_js", num(v->delta_js));
	json_object_set_new(e, "delta_argmax", num(v->delta_argmax));
	json_object_set_new(e, "delta_tail", num(v->delta_tail));
	json_object_set_new(e, "kl_full", num(v->kl_full));
	json_object_set_new(e, "kl_full_panel", num(v->kl_full_panel));
	json_object_set_new(o, "evidence", e);
	return o;
}

static int write_json(const pdg_fp_result *r, FILE *f)
{
	json_t *root = json_object(), *c = json_array(), *p = json_array(),
	       *n = json_array();
	int rc = 0;

	json_object_set_new(root, "schema", json_string("pedigree-"
	                                                "fingerprint"));
	json_object_set_new(root, "schema_version", json_integer(1));
	json_object_set_new(root, "student", json_string(r->student));
	json_object_set_new(root, "device", json_string(r->device));
	json_object_set_new(root, "permutations",
	                    json_integer(r->permutations));
	json_object_set_new(root, "alpha", json_real(r->alpha));
	json_object_set_new(root, "correction", json_string("holm"));
	json_object_set_new(root, "seed", json_integer((json_int_t)r->seed));
	json_object_set_new(root, "probes", json_integer(r->probes));
	for (size_t i = 0; i < r->npanel; i++)
		json_array_append_new(p, json_string(r->panel_ids[i]));
	json_object_set_new(root, "panel", p);
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(c, verdict_json(&r->v[i]));
	json_object_set_new(root, "candidates", c);
	for (size_t i = 0; i < r->nnotes; i++)
		json_array_append_new(n, json_string(r->notes[i]));
	json_object_set_new(root, "notes", n);
	if (json_dumpf(root, f, JSON_INDENT(2) | JSON_SORT_KEYS |
	               JSON_REAL_PRECISION(6)) < 0)
		rc = pdg_error_set(PDG_EIO, "cannot write the result");
	fputc('\n', f);
	json_decref(root);
	return rc;
}

int pdg_fp_result_write(const pdg_fp_result *r, pdg_report_format fmt,
                        FILE *out)
{
	if (fmt == PDG_REPORT_JSON)
		return write_json(r, out);
	if (fmt == PDG_REPORT_TEXT)
		return write_text(r, out);
	return pdg_error_set(PDG_EUNSUPPORTED, "fingerprint results are "
	                     "written as text or json");
}
