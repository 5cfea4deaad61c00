/* cmd_scan_data.c - `pedigree scan-data PATH...`: which models generated
 * the records of training data (the dataset-origin detector alone, as a
 * quick look before a full audit). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pedigree/pedigree.h"
#include "cli.h"

#define SCAN_PLUGIN "dataset-origin"

static void usage(FILE *f)
{
	fputs(
"usage: pedigree scan-data [options] PATH...\n"
"\n"
"Look for records that other models generated in training data (JSONL,\n"
"JSON, CSV; in folders, repositories and archives): assistants naming\n"
"themselves, and metadata fields such as \"model\" or \"generator\" that\n"
"name the model.  Prints, per file and provider, how many records look\n"
"generated, and the terms those outputs come with.\n"
"\n"
"Options:\n"
"  -f, --format FMT        text (default) or json\n"
"  -o, --output FILE       write to FILE instead of stdout\n"
"      --plugin-path DIRS  extra plugin directories (':'-separated)\n"
"  -h, --help              show this help\n"
"\n"
"Exit status:\n"
"  0  scanned (whether or not generated records were found)\n"
"  2  usage error or unusable input\n"
"  3  internal error, or the dataset-origin plugin is not available\n", f);
}

enum { OPT_PLUGIN_PATH = 256 };

static const struct option options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "plugin-path", required_argument, NULL, OPT_PLUGIN_PATH },
	{ NULL, 0, NULL, 0 },
};

/* The detector may be missing (built without Vectorscan): say so rather
 * than print an empty, reassuring result. */
static int plugin_available(const char *plugin_path)
{
	pdg_plugin_set *set = NULL;
	int found = 0;

	if (pdg_plugin_set_load(&set, plugin_path) < 0)
		return 0;
	for (size_t i = 0; i < pdg_plugin_set_count(set); i++) {
		pdg_plugin_info info;

		if (pdg_plugin_set_info(&info, set, i) == 0 && info.loaded &&
		    info.name && strcmp(info.name, SCAN_PLUGIN) == 0)
			found = 1;
	}
	pdg_plugin_set_free(set);
	return found;
}

static int is_ours(const pdg_finding *f)
{
	return f->plugin && strcmp(f->plugin, SCAN_PLUGIN) == 0;
}

static void write_text(const pdg_audit *a, FILE *out)
{
	size_t shown = 0;

	for (size_t i = 0; i < pdg_audit_finding_count(a); i++) {
		const pdg_finding *f = pdg_audit_finding(a, i);

		if (!is_ours(f))
			continue;
		fprintf(out, "%s%s%s: %s [%s]\n", f->source ? f->source : "",
		        f->path ? ": " : "", f->path ? f->path : "",
		        f->message, f->rule);
		shown++;
	}
	if (shown == 0)
		fputs("no generated records found\n", out);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *finding_json(const pdg_finding *f)
{
	json_t *o = json_object();
	json_t *props = NULL;

	json_object_set_new(o, "rule", json_string(f->rule));
	json_object_set_new(o, "kind",
	                    json_string(pdg_finding_kind_name(f->kind)));
	json_object_set_new(o, "severity",
	                    json_string(pdg_severity_name(f->severity)));
	json_object_set_new(o, "confidence", json_real(f->confidence));
	json_object_set_new(o, "subject",
	                    str_or_null(f->subject));
	json_object_set_new(o, "source",
	                    str_or_null(f->source));
	json_object_set_new(o, "path",
	                    str_or_null(f->path));
	json_object_set_new(o, "message", json_string(f->message));
	if (f->properties)
		props = json_loads(f->properties, 0, NULL);
	json_object_set_new(o, "properties", props ? props : json_object());
	return o;
}

static int write_json(const pdg_audit *a, FILE *out)
{
	json_t *root = json_object();
	json_t *list = json_array();
	int rc;

	for (size_t i = 0; i < pdg_audit_finding_count(a); i++) {
		const pdg_finding *f = pdg_audit_finding(a, i);

		if (is_ours(f))
			json_array_append_new(list, finding_json(f));
	}
	json_object_set_new(root, "findings", list);
	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_SORT_KEYS |
	                JSON_REAL_PRECISION(6));
	fputc('\n', out);
	json_decref(root);
	return rc;
}

static int scan_paths(pdg_audit *a, int argc, char **argv)
{
	for (int i = optind; i < argc; i++) {
		int rc = pdg_audit_add_path(a, argv[i]);

		if (rc < 0) {
			fprintf(stderr, "pedigree scan-data: %s\n",
			        pdg_error_last());
			return pdg_cli_exit_for(rc);
		}
	}
	if (pdg_audit_finish(a) < 0) {
		fprintf(stderr, "pedigree scan-data: %s\n", pdg_error_last());
		return PDG_EXIT_INTERNAL;
	}
	return PDG_EXIT_OK;
}

static int bad_option(const char *arg)
{
	return pdg_cli_usage_error("scan-data", "unknown or incomplete "
	                           "option '%s'; see 'pedigree scan-data "
	                           "--help'", arg);
}

int pdg_cmd_scan_data(int argc, char **argv)
{
	pdg_audit_options o = PDG_AUDIT_OPTIONS_INIT;
	pdg_report_format fmt = PDG_REPORT_TEXT;
	const char *output = NULL;
	pdg_audit *a = NULL;
	FILE *out;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:o:h", options, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PDG_EXIT_OK;
		} else if (c == 'f') {
			if (pdg_report_format_parse(&fmt, optarg) < 0)
				return pdg_cli_usage_error("scan-data", "%s",
				                           pdg_error_last());
		} else if (c == 'o') {
			output = optarg;
		} else if (c == OPT_PLUGIN_PATH) {
			o.plugin_path = optarg;
		} else {
			return bad_option(argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return pdg_cli_usage_error("scan-data", "no PATH given; see "
		                           "'pedigree scan-data --help'");
	if (!plugin_available(o.plugin_path)) {
		fprintf(stderr, "pedigree scan-data: the %s plugin is not "
		        "available (built without Vectorscan?); see "
		        "'pedigree plugins'\n", SCAN_PLUGIN);
		return PDG_EXIT_INTERNAL;
	}
	o.no_fail = 1;
	rc = pdg_audit_new(&a, &o);
	if (rc < 0) {
		fprintf(stderr, "pedigree scan-data: %s\n", pdg_error_last());
		return pdg_cli_exit_for(rc);
	}
	rc = scan_paths(a, argc, argv);
	if (rc == PDG_EXIT_OK) {
		out = pdg_cli_open_output("scan-data", output);
		if (!out) {
			rc = PDG_EXIT_USAGE;
		} else {
			if (fmt == PDG_REPORT_JSON)
				rc = write_json(a, out) < 0;
			else
				write_text(a, out);
			if (pdg_cli_close_output(out) < 0 || rc)
				rc = PDG_EXIT_INTERNAL;
		}
	}
	pdg_audit_free(a);
	return rc;
}
