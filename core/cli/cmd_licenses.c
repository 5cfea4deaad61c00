/* cmd_licenses.c - `pedigree licenses [ID]`: list the knowledge base, or
 * say in plain language what one licence or terms document permits,
 * limits and obliges. */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "pedigree/pedigree.h"
#include "kb/kb.h"
#include "cli.h"

static const char *const cmd = "licenses";

#define WRAP_COLUMNS 79
#define MAX_CLOSE_MATCHES 16

static void usage(FILE *f)
{
	fputs("usage: pedigree licenses [ID] [--format text|json] "
	      "[--kb PATH]\n"
	      "                         [--verbose] [--help]\n"
	      "\n"
	      "Without ID, list the licences and terms pedigree knows: id,\n"
	      "kind, commercial use and name.  With ID (case does not\n"
	      "matter), say what the document permits, its limits (with\n"
	      "their numbers), its duties, what it says about using outputs\n"
	      "to train other models, which lineage edges make a model a\n"
	      "derivative, the use policy it incorporates, and where the\n"
	      "facts come from.  Not legal advice.\n"
	      "\n"
	      "Options:\n"
	      "  --format FORMAT  text (default) or json\n"
	      "  --kb PATH        read the knowledge base from a YAML file\n"
	      "                   or a directory of *.yaml instead of the\n"
	      "                   built-in one (docs/knowledge-base.md)\n"
	      "  -v, --verbose    also show the marker and signature\n"
	      "                   phrases used to recognise the document\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Exit status: 0 on success; 2 on usage errors, an unknown\n"
	      "ID or a knowledge base that fails validation (the message\n"
	      "names the file and line); 3 when the output cannot be\n"
	      "written.\n", f);
}

/* "--opt VALUE" or "--opt=VALUE"; advances *i past what it used.
 * 1 matched (value in *val), 0 not this option, -1 value missing. */
static int opt_value(const char **val, int argc, char **argv, int *i,
                     const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

/* Print `text` after `lead`, wrapped at WRAP_COLUMNS; continuation lines
 * are indented by `indent` spaces. */
static void wrap(FILE *f, const char *lead, int indent, const char *text)
{
	int col = (int)strlen(lead);
	int first = 1;

	fputs(lead, f);
	while (*text) {
		while (isspace((unsigned char)*text))
			text++;
		if (!*text)
			break;
		int len = 0;
		while (text[len] && !isspace((unsigned char)text[len]))
			len++;
		if (!first && col + 1 + len > WRAP_COLUMNS) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(text, 1, (size_t)len, f);
		col += len;
		first = 0;
		text += len;
	}
	fputc('\n', f);
}

/* 700000000 -> "700,000,000". */
static void group_digits(char *buf, size_t cap, uint64_t v)
{
	char raw[32];
	int n = snprintf(raw, sizeof(raw), "%" PRIu64, v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
}

static void list_text(FILE *f, const pdg_kb *kb)
{
	size_t n = pdg_kb_count(kb);
	int w = 2;

	for (size_t i = 0; i < n; i++) {
		int l = (int)strlen(pdg_kb_at(kb, i)->id);
		if (l > w)
			w = l;
	}
	fprintf(f, "%-*s  %-13s  %-14s  %s\n", w, "ID", "KIND",
	        "COMMERCIAL", "NAME");
	for (size_t i = 0; i < n; i++) {
		const pdg_kb_entry *e = pdg_kb_at(kb, i);

		fprintf(f, "%-*s  %-13s  %-14s  %s\n", w, e->id,
		        pdg_kb_doc_kind_name(e->kind),
		        pdg_kb_commercial_name(e->commercial), e->name);
	}
}

static void show_strings(FILE *f, const char *title,
                         const char *const *v, size_t n)
{
	if (n == 0)
		return;
	fprintf(f, "\n%s:\n", title);
	for (size_t i = 0; i < n; i++)
		wrap(f, "  - ", 4, v[i]);
}

/* "    reaches models by: finetune, dataset" for items with edges:. */
static void show_item_edges(FILE *f, const char *const *edges, size_t n)
{
	if (n == 0)
		return;
	fputs("    reaches models by:", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s", i ? "," : "", edges[i]);
	fputc('\n', f);
}

static void show_limits(FILE *f, const pdg_kb_limit *v, size_t n)
{
	char lead[128], num[40];

	if (n == 0)
		return;
	fputs("\nLimits:\n", f);
	for (size_t i = 0; i < n; i++) {
		if (v[i].number) {
			group_digits(num, sizeof(num), v[i].number);
			snprintf(lead, sizeof(lead), "  - [%s: %s] ",
			         v[i].what, num);
		} else {
			snprintf(lead, sizeof(lead), "  - [%s] ", v[i].what);
		}
		wrap(f, lead, 4, v[i].text);
		show_item_edges(f, v[i].edges, v[i].n_edges);
	}
}

static void show_duties(FILE *f, const pdg_kb_duty *v, size_t n)
{
	if (n == 0) {
		fputs("\nDuties: none listed.\n", f);
		return;
	}
	fputs("\nDuties:\n", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  - [%s]", v[i].what);
		if (v[i].value)
			fprintf(f, " \"%s\"", v[i].value);
		fputc('\n', f);
		wrap(f, "    ", 4, v[i].text);
		show_item_edges(f, v[i].edges, v[i].n_edges);
	}
}

static void show_hf(FILE *f, const pdg_kb_entry *e)
{
	if (e->n_hf_tags == 0 && e->n_hf_names == 0)
		return;
	fputs("  Hugging Face:", f);
	for (size_t i = 0; i < e->n_hf_tags; i++)
		fprintf(f, "%s license: %s", i ? "," : "", e->hf_tags[i]);
	for (size_t i = 0; i < e->n_hf_names; i++)
		fprintf(f, "%s license: other + license_name: %s",
		        i || e->n_hf_tags ? "," : "", e->hf_names[i]);
	fputc('\n', f);
}

static void show_edges(FILE *f, const pdg_kb_entry *e)
{
	char buf[512];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < e->n_derivative_edges; i++) {
		int w = snprintf(buf + used, sizeof(buf) - used, "%s%s",
		                 i ? ", " : "", e->derivative_edges[i]);
		if (w < 0 || (size_t)w >= sizeof(buf) - used)
			break;
		used += (size_t)w;
	}
	fputc('\n', f);
	wrap(f, "Lineage edges that make a model a derivative: ", 2,
	     used ? buf : "none listed.");
}

static void show_use_policy(FILE *f, const pdg_kb *kb,
                            const pdg_kb_entry *e)
{
	const pdg_kb_entry *p = pdg_kb_find(kb, e->use_policy);
	char buf[512];

	snprintf(buf, sizeof(buf), "%s%s%s%s", e->use_policy,
	         p ? " (" : "", p ? p->name : "", p ? ")" : "");
	fputc('\n', f);
	wrap(f, "Incorporated use policy: ", 2, buf);
	for (size_t i = 0; p && i < p->n_limits; i++)
		wrap(f, "  - ", 4, p->limits[i].text);
}

static void show_entry(FILE *f, const pdg_kb *kb, const pdg_kb_entry *e,
                       int verbose)
{
	fprintf(f, "%s\n  %s\n", e->id, e->name);
	fprintf(f, "  kind: %s; family: %s", pdg_kb_doc_kind_name(e->kind),
	        e->family);
	if (e->version)
		fprintf(f, "; version: %s", e->version);
	fputc('\n', f);
	if (e->publisher)
		wrap(f, "  publisher: ", 4, e->publisher);
	fprintf(f, "  commercial use: %s\n",
	        pdg_kb_commercial_name(e->commercial));
	show_hf(f, e);
	show_strings(f, "Permits", e->permits, e->n_permits);
	show_limits(f, e->limits, e->n_limits);
	show_duties(f, e->duties, e->n_duties);
	fprintf(f, "\nOutputs used to train other models: %s\n",
	        pdg_kb_outputs_name(e->outputs));
	if (e->outputs_text)
		wrap(f, "  ", 2, e->outputs_text);
	show_edges(f, e);
	if (e->use_policy)
		show_use_policy(f, kb, e);
	if (verbose) {
		show_strings(f, "Markers", e->markers, e->n_markers);
		show_strings(f, "Signatures", e->signatures,
		             e->n_signatures);
	}
	show_strings(f, "Sources", e->sources, e->n_sources);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *number_json(uint64_t v)
{
	char buf[32];

	if (v == 0)
		return json_null();
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

/* An item's own edges, or null when the entry's derivative_edges
 * decide. */
static json_t *edges_json(const char *const *v, size_t n)
{
	return n ? strings_json(v, n) : json_null();
}

static json_t *entry_json(const pdg_kb_entry *e)
{
	json_t *o = json_object();
	json_t *limits = json_array(), *duties = json_array();

	for (size_t i = 0; i < e->n_limits; i++)
		json_array_append_new(limits, json_pack("{s:s, s:o, s:s, s:o}",
			"what", e->limits[i].what,
			"number", number_json(e->limits[i].number),
			"text", e->limits[i].text,
			"edges", edges_json(e->limits[i].edges,
			                    e->limits[i].n_edges)));
	for (size_t i = 0; i < e->n_duties; i++)
		json_array_append_new(duties, json_pack("{s:s, s:o, s:s, s:o}",
			"what", e->duties[i].what,
			"value", str_or_null(e->duties[i].value),
			"text", e->duties[i].text,
			"edges", edges_json(e->duties[i].edges,
			                    e->duties[i].n_edges)));
	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "family", json_string(e->family));
	json_object_set_new(o, "version", str_or_null(e->version));
	json_object_set_new(o, "publisher", str_or_null(e->publisher));
	json_object_set_new(o, "kind",
	                    json_string(pdg_kb_doc_kind_name(e->kind)));
	json_object_set_new(o, "commercial", json_string(
		pdg_kb_commercial_name(e->commercial)));
	json_object_set_new(o, "hf_tags", strings_json(e->hf_tags,
	                                               e->n_hf_tags));
	json_object_set_new(o, "hf_names", strings_json(e->hf_names,
	                                                e->n_hf_names));
	json_object_set_new(o, "permits", strings_json(e->permits,
	                                               e->n_permits));
	json_object_set_new(o, "limits", limits);
	json_object_set_new(o, "duties", duties);
	json_object_set_new(o, "outputs",
	                    json_string(pdg_kb_outputs_name(e->outputs)));
	json_object_set_new(o, "outputs_text", str_or_null(e->outputs_text));
	json_object_set_new(o, "derivative_edges", strings_json(
		e->derivative_edges, e->n_derivative_edges));
	json_object_set_new(o, "use_policy", str_or_null(e->use_policy));
	json_object_set_new(o, "signatures", strings_json(e->signatures,
	                                                  e->n_signatures));
	json_object_set_new(o, "markers", strings_json(e->markers,
	                                               e->n_markers));
	json_object_set_new(o, "sources", strings_json(e->sources,
	                                               e->n_sources));
	return o;
}

static json_t *summary_json(const pdg_kb_entry *e)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	                 "id", e->id, "name", e->name, "family", e->family,
	                 "kind", pdg_kb_doc_kind_name(e->kind),
	                 "commercial", pdg_kb_commercial_name(e->commercial),
	                 "outputs", pdg_kb_outputs_name(e->outputs));
}

static int dump_json(FILE *f, json_t *root)
{
	int rc = json_dumpf(root, f, JSON_SORT_KEYS | JSON_INDENT(2));

	if (rc == 0 && fputc('\n', f) == EOF)
		rc = -1;
	json_decref(root);
	return rc;
}

static int list_json(FILE *f, const pdg_kb *kb)
{
	json_t *list = json_array();

	for (size_t i = 0; i < pdg_kb_count(kb); i++)
		json_array_append_new(list, summary_json(pdg_kb_at(kb, i)));
	return dump_json(f, json_pack("{s:i, s:o}", "schema_version", 1,
	                              "licenses", list));
}

static int show_json(FILE *f, const pdg_kb_entry *e)
{
	return dump_json(f, json_pack("{s:i, s:o}", "schema_version", 1,
	                              "license", entry_json(e)));
}

static int already(const pdg_kb_entry **v, size_t n, const pdg_kb_entry *e)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == e)
			return 1;
	return 0;
}

/* Hub tags first, then ids and names containing the query. */
static size_t close_matches(const pdg_kb *kb, const char *q,
                            const pdg_kb_entry **out)
{
	const pdg_kb_entry *hf[2] = {
		pdg_kb_find_hf(kb, q, NULL), pdg_kb_find_hf(kb, "other", q)
	};
	size_t n = 0;

	for (int i = 0; i < 2; i++)
		if (hf[i] && !already(out, n, hf[i]))
			out[n++] = hf[i];
	for (size_t i = 0; i < pdg_kb_count(kb) && n < MAX_CLOSE_MATCHES;
	     i++) {
		const pdg_kb_entry *e = pdg_kb_at(kb, i);

		if (*q && (strcasestr(e->id, q) || strcasestr(e->name, q)) &&
		    !already(out, n, e))
			out[n++] = e;
	}
	return n;
}

static int unknown_id(const pdg_kb *kb, const char *id)
{
	const pdg_kb_entry *m[MAX_CLOSE_MATCHES];
	size_t n = close_matches(kb, id, m);

	pdg_cli_usage_error(cmd, "unknown licence '%s'", id);
	if (n) {
		fputs("close matches:\n", stderr);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %s  (%s)\n", m[i]->id, m[i]->name);
	} else {
		fputs("run 'pedigree licenses' for the list\n", stderr);
	}
	return PDG_EXIT_USAGE;
}

struct opts {
	int json;
	int verbose;
	const char *kb_path;
	const char *id;
};

/* Returns -1 to go on, or an exit status. */
static int parse_args(struct opts *o, int argc, char **argv)
{
	const char *v;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return PDG_EXIT_OK;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o->verbose = 1;
			continue;
		}
		if ((r = opt_value(&v, argc, argv, &i, "--format")) != 0) {
			if (r < 0)
				return pdg_cli_usage_error(cmd,
					"--format needs a value");
			if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
				return pdg_cli_usage_error(cmd,
					"unknown format '%s' (text, json)", v);
			o->json = strcmp(v, "json") == 0;
			continue;
		}
		if ((r = opt_value(&v, argc, argv, &i, "--kb")) != 0) {
			if (r < 0)
				return pdg_cli_usage_error(cmd,
					"--kb needs a path");
			o->kb_path = v;
			continue;
		}
		if (a[0] == '-' && a[1] != '\0')
			return pdg_cli_usage_error(cmd,
				"unknown option '%s'; see 'pedigree licenses "
				"--help'", a);
		if (o->id)
			return pdg_cli_usage_error(cmd,
				"one licence id at a time ('%s' and '%s')",
				o->id, a);
		o->id = a;
	}
	return -1;
}

int pdg_cmd_licenses(int argc, char **argv)
{
	struct opts o = { 0, 0, NULL, NULL };
	pdg_kb *kb = NULL;
	int r = parse_args(&o, argc, argv);

	if (r >= 0)
		return r;
	r = o.kb_path ? pdg_kb_load_path(&kb, o.kb_path)
	              : pdg_kb_load_default(&kb);
	if (r != 0) {
		fprintf(stderr, "pedigree %s: %s\n", cmd, pdg_error_last());
		return pdg_cli_exit_for(r);
	}
	if (o.id) {
		const pdg_kb_entry *e = pdg_kb_find(kb, o.id);

		if (!e) {
			r = unknown_id(kb, o.id);
			pdg_kb_free(kb);
			return r;
		}
		if (o.json) {
			r = show_json(stdout, e);
		} else {
			show_entry(stdout, kb, e, o.verbose);
			r = 0;
		}
	} else if (o.json) {
		r = list_json(stdout, kb);
	} else {
		list_text(stdout, kb);
		r = 0;
	}
	pdg_kb_free(kb);
	if (pdg_cli_close_output(stdout) != 0 || r != 0) {
		fprintf(stderr, "pedigree %s: cannot write output\n", cmd);
		return PDG_EXIT_INTERNAL;
	}
	return PDG_EXIT_OK;
}
