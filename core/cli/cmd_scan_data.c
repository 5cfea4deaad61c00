/* cmd_scan_data.c - `pedigree scan-data PATH...`: which models generated
 * the records of training data (the dataset-origin detector alone, as a
 * quick look before a full audit).
 *
 * The report is built from the plugin's findings: dataset.scanned gives
 * the totals of each component, dataset.trained-on-outputs the records
 * per provider with sample locations, dataset.generated-by the per-file
 * counts, dataset.card-origin the dataset cards, and every input finding
 * (the plugin's and the engine's: truncated archives, unsafe member
 * names) is listed as a problem.  The JSON shape is docs/scan-data.md. */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pedigree/pedigree.h"
#include "cli.h"

#define SCAN_PLUGIN "dataset-origin"
#define SAMPLES_MAX 10000000

static void usage(FILE *f)
{
	fputs(
"usage: pedigree scan-data [options] PATH...\n"
"\n"
"Look for records that other models generated in training data (JSONL,\n"
"JSON arrays, CSV, TSV; plain or as .gz/.zst/.xz/.bz2 streams; in\n"
"folders, repositories and archives): assistants naming themselves,\n"
"refusals typical of a provider, metadata fields such as \"model\" or\n"
"\"generator\" that name the model, and dataset cards that say the data\n"
"is machine-generated.  Prints how many records each provider's models\n"
"generated, with the terms their outputs come with, where the first ones\n"
"are, and per file.  Counts are of records, not of matches.\n"
"\n"
"Options:\n"
"  -f, --format FMT        text (default) or json (docs/scan-data.md)\n"
"  -o, --output FILE       write to FILE instead of stdout\n"
"  -j, --jobs N            scanning threads (default: the CPUs online)\n"
"      --samples N         sample locations kept per provider (default 5)\n"
"      --max-expand SIZE   bytes decompressed per input (default 8G)\n"
"      --max-files N       files read per input (default 10000000)\n"
"      --plugin-path DIRS  extra plugin directories (':'-separated)\n"
"  -h, --help              show this help\n"
"\n"
"Exit status:\n"
"  0  scanned (whether or not generated records were found; unreadable\n"
"     parts are listed as problems)\n"
"  2  usage error or unusable input\n"
"  3  internal error, or the dataset-origin plugin is not available\n", f);
}

enum {
	OPT_PLUGIN_PATH = 256,
	OPT_SAMPLES,
	OPT_MAX_EXPAND,
	OPT_MAX_FILES,
};

static const struct option options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "samples", required_argument, NULL, OPT_SAMPLES },
	{ "max-expand", required_argument, NULL, OPT_MAX_EXPAND },
	{ "max-files", required_argument, NULL, OPT_MAX_FILES },
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

static int rule_is(const pdg_finding *f, const char *rule)
{
	return is_ours(f) && strcmp(f->rule, rule) == 0;
}

static json_t *props_of(const pdg_finding *f)
{
	json_t *p = f->properties ? json_loads(f->properties, 0, NULL) : NULL;

	return json_is_object(p) ? p : (json_decref(p), json_object());
}

static json_int_t int_of(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void add_int(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(o, key, json_integer(int_of(o, key) + n));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* --- building the report ------------------------------------------------ */

struct report {
	json_t *root;
	json_t *origins;        /* provider -> origin, while merging */
	json_int_t records;
	size_t max_samples;
};

/* Add `from`'s items to the array `to`, without repeats. */
static void union_strings(json_t *to, json_t *from)
{
	size_t i, j;
	json_t *v, *w;

	json_array_foreach(from, i, v) {
		int seen = 0;

		json_array_foreach(to, j, w)
			seen |= json_equal(v, w);
		if (!seen)
			json_array_append(to, v);
	}
}

static void merge_models(json_t *to, json_t *from)
{
	size_t i, j;
	json_t *m, *t;

	json_array_foreach(from, i, m) {
		const char *name = json_string_value(json_object_get(m,
		                                                     "name"));
		int found = 0;

		json_array_foreach(to, j, t) {
			if (name && json_equal(json_object_get(t, "name"),
			                       json_object_get(m, "name"))) {
				add_int(t, "records", int_of(m, "records"));
				found = 1;
			}
		}
		if (!found && name)
			json_array_append_new(to, json_deep_copy(m));
	}
}

/* The most frequent model; ties go to the first. */
static json_t *top_model(json_t *models)
{
	json_t *best = NULL, *m;
	size_t i;

	json_array_foreach(models, i, m)
		if (!best || int_of(m, "records") > int_of(best, "records"))
			best = m;
	return best ? json_incref(json_object_get(best, "name"))
	            : json_null();
}

/* One component's dataset.trained-on-outputs into the provider's origin. */
static void merge_origin(struct report *r, json_t *p)
{
	const char *prov = json_string_value(json_object_get(p, "provider"));
	json_t *o, *samples, *s;
	size_t i;

	if (!prov)
		return;
	o = json_object_get(r->origins, prov);
	if (!o) {
		o = json_pack("{s:s,s:O,s:O,s:[],s:I,s:I,s:I,s:[],s:O,s:[]}",
		              "provider", prov,
		              "organisation", json_object_get(p, "organisation"),
		              "family", json_object_get(p, "family"),
		              "models", "records", (json_int_t)0,
		              "files", (json_int_t)0, "cards", (json_int_t)0,
		              "evidence", "terms", json_object_get(p, "terms"),
		              "samples");
		if (!o)
			return;
		json_object_set_new(r->origins, prov, o);
	}
	add_int(o, "records", int_of(p, "records"));
	add_int(o, "files", int_of(p, "files"));
	add_int(o, "cards", int_of(p, "cards"));
	merge_models(json_object_get(o, "models"), json_object_get(p, "models"));
	union_strings(json_object_get(o, "evidence"),
	              json_object_get(p, "evidence"));
	samples = json_object_get(o, "samples");
	json_array_foreach(json_object_get(p, "samples"), i, s)
		if (json_array_size(samples) < r->max_samples)
			json_array_append(samples, s);
}

static int origin_cmp(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t ra = int_of(a, "records"), rb = int_of(b, "records");

	if (ra != rb)
		return ra > rb ? -1 : 1;
	return strcmp(json_string_value(json_object_get(a, "provider")),
	              json_string_value(json_object_get(b, "provider")));
}

/* Origins as a list: most records first, each with its share. */
static json_t *origins_list(struct report *r)
{
	size_t n = json_object_size(r->origins), k = 0;
	json_t **v = calloc(n ? n : 1, sizeof(*v));
	json_t *list = json_array();
	const char *key;
	json_t *o;

	if (!v)
		return list;
	json_object_foreach(r->origins, key, o)
		v[k++] = o;
	qsort(v, n, sizeof(*v), origin_cmp);
	for (k = 0; k < n; k++) {
		json_int_t rec = int_of(v[k], "records");

		json_object_set_new(v[k], "share", json_real(r->records
			? (double)rec / (double)r->records : 0.0));
		json_object_set_new(v[k], "model",
		                    top_model(json_object_get(v[k], "models")));
		json_array_append(list, v[k]);
	}
	free(v);
	return list;
}

static json_t *where_json(const pdg_finding *f)
{
	return json_pack("{s:o,s:o}", "source", str_or_null(f->source),
	                 "path", str_or_null(f->path));
}

static int same_place(json_t *x, const pdg_finding *f)
{
	const char *src = json_string_value(json_object_get(x, "source"));
	const char *path = json_string_value(json_object_get(x, "path"));

	return src && path && f->source && f->path &&
	       strcmp(src, f->source) == 0 && strcmp(path, f->path) == 0;
}

/* Findings are sorted by component, severity, kind, source, path: a
 * shard's generated-by findings are next to each other. */
static void add_shard(json_t *shards, const pdg_finding *f, json_t *p)
{
	json_t *s = json_array_get(shards, json_array_size(shards) - 1);

	if (!s || !same_place(s, f)) {
		s = where_json(f);
		json_object_set_new(s, "records",
		                    json_integer(int_of(p, "records_total")));
		json_object_set(s, "format", json_object_get(p, "format"));
		json_object_set_new(s, "origins", json_array());
		json_array_append_new(shards, s);
	}
	json_array_append_new(json_object_get(s, "origins"),
		json_pack("{s:O,s:O,s:O,s:O}",
		          "provider", json_object_get(p, "provider"),
		          "model", json_object_get(p, "model")
		                   ? json_object_get(p, "model") : json_null(),
		          "records", json_object_get(p, "records"),
		          "share", json_object_get(p, "share")));
}

static json_t *problem_json(const pdg_finding *f)
{
	json_t *o = where_json(f);

	json_object_set_new(o, "rule", json_string(f->rule));
	json_object_set_new(o, "severity",
	                    json_string(pdg_severity_name(f->severity)));
	json_object_set_new(o, "message", json_string(f->message));
	if (f->byte_offset >= 0)
		json_object_set_new(o, "offset",
		                    json_integer((json_int_t)f->byte_offset));
	return o;
}

static json_t *card_json(const pdg_finding *f, json_t *p)
{
	json_t *o = where_json(f);

	json_object_set(o, "license", json_object_get(p, "license")
	                              ? json_object_get(p, "license")
	                              : json_null());
	json_object_set(o, "machine_generated",
	                json_object_get(p, "machine_generated"));
	json_object_set_new(o, "provider",
	                    json_incref(json_object_get(p, "provider")
	                                ? json_object_get(p, "provider")
	                                : json_null()));
	json_object_set_new(o, "model",
	                    json_incref(json_object_get(p, "model")
	                                ? json_object_get(p, "model")
	                                : json_null()));
	return o;
}

static json_t *build(const pdg_audit *a, size_t max_samples)
{
	struct report r = { json_object(), json_object(), 0, max_samples };
	json_t *shards = json_array(), *cards = json_array();
	json_t *problems = json_array();
	json_int_t files = 0, bytes = 0;

	for (size_t i = 0; i < pdg_audit_finding_count(a); i++) {
		const pdg_finding *f = pdg_audit_finding(a, i);
		json_t *p;

		if (f->kind == PDG_FINDING_INPUT &&
		    (is_ours(f) || strcmp(f->plugin, "core") == 0)) {
			json_array_append_new(problems, problem_json(f));
			continue;
		}
		if (!is_ours(f))
			continue;
		p = props_of(f);
		if (rule_is(f, "dataset.scanned")) {
			r.records += int_of(p, "records");
			files += int_of(p, "files");
			bytes += int_of(p, "bytes");
		} else if (rule_is(f, "dataset.trained-on-outputs")) {
			merge_origin(&r, p);
		} else if (rule_is(f, "dataset.generated-by")) {
			add_shard(shards, f, p);
		} else if (rule_is(f, "dataset.card-origin")) {
			json_array_append_new(cards, card_json(f, p));
		}
		json_decref(p);
	}
	json_object_set_new(r.root, "schema", json_string("pedigree-scan-data"));
	json_object_set_new(r.root, "schema_version", json_integer(1));
	json_object_set_new(r.root, "tool", json_pack("{s:s,s:s}", "name",
	                    "pedigree", "version", PDG_VERSION));
	json_object_set_new(r.root, "records", json_integer(r.records));
	json_object_set_new(r.root, "files", json_integer(files));
	json_object_set_new(r.root, "bytes", json_integer(bytes));
	json_object_set_new(r.root, "origins", origins_list(&r));
	json_object_set_new(r.root, "shards", shards);
	json_object_set_new(r.root, "cards", cards);
	json_object_set_new(r.root, "problems", problems);
	json_decref(r.origins);
	return r.root;
}

/* --- writing ------------------------------------------------------------- */

static void write_list(FILE *out, json_t *a, const char *sep)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		fprintf(out, "%s%s", i ? sep : "", json_string_value(v));
}

static void write_origin(FILE *out, json_t *o)
{
	json_t *s = json_array_get(json_object_get(o, "samples"), 0);
	const char *model = json_string_value(json_object_get(o, "model"));

	fprintf(out, "  %s (%s): %lld record%s (%.1f%%)",
	        json_string_value(json_object_get(o, "organisation")),
	        json_string_value(json_object_get(o, "family")),
	        (long long)int_of(o, "records"),
	        int_of(o, "records") == 1 ? "" : "s",
	        json_real_value(json_object_get(o, "share")) * 100.0);
	if (model)
		fprintf(out, ", model %s", model);
	fputs(" [", out);
	write_list(out, json_object_get(o, "evidence"), ", ");
	fputs("]\n    terms: ", out);
	write_list(out, json_object_get(o, "terms"), ", ");
	fputc('\n', out);
	if (s)
		fprintf(out, "    first: %s record %lld (line %lld, byte %lld)\n",
		        json_string_value(json_object_get(s, "file")),
		        (long long)int_of(s, "record"),
		        (long long)int_of(s, "line"),
		        (long long)int_of(s, "offset"));
}

/* "source: path", or the source alone when it is the file itself. */
static const char *place(const pdg_finding *f)
{
	static char buf[4096];
	const char *src = f->source ? f->source : "";
	size_t n = strlen(src), m = f->path ? strlen(f->path) : 0;

	if (!f->path || (n >= m && strcmp(src + n - m, f->path) == 0 &&
	                 (n == m || src[n - m - 1] == '/')))
		return src;
	snprintf(buf, sizeof(buf), "%s: %s", src, f->path);
	return buf;
}

static void write_text(const pdg_audit *a, json_t *r, FILE *out)
{
	json_t *origins = json_object_get(r, "origins");
	json_t *problems = json_object_get(r, "problems");
	size_t i;
	json_t *o;

	fprintf(out, "%lld records in %lld dataset file%s (%lld bytes)\n",
	        (long long)int_of(r, "records"), (long long)int_of(r, "files"),
	        int_of(r, "files") == 1 ? "" : "s",
	        (long long)int_of(r, "bytes"));
	if (json_array_size(origins)) {
		fputs("generated by:\n", out);
		json_array_foreach(origins, i, o)
			write_origin(out, o);
	} else {
		fputs("no generated records found\n", out);
	}
	for (i = 0; i < pdg_audit_finding_count(a); i++) {
		const pdg_finding *f = pdg_audit_finding(a, i);

		if (rule_is(f, "dataset.generated-by") ||
		    rule_is(f, "dataset.card-origin"))
			fprintf(out, "%s: %s [%s]\n", place(f), f->message,
			        f->rule);
	}
	if (json_array_size(problems))
		fputs("problems:\n", out);
	json_array_foreach(problems, i, o)
		fprintf(out, "  %s: %s [%s]\n",
		        json_string_value(json_object_get(o, "path"))
		        ? json_string_value(json_object_get(o, "path"))
		        : json_string_value(json_object_get(o, "source")),
		        json_string_value(json_object_get(o, "message")),
		        json_string_value(json_object_get(o, "rule")));
}

/* --- command ------------------------------------------------------------- */

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

/* A count for -j, --samples, --max-files: digits only, within max. */
static int parse_count(uint64_t *out, const char *opt, const char *arg,
                       uint64_t min, uint64_t max)
{
	char *end = NULL;
	unsigned long long v = 0;
	int digits = *arg >= '0' && *arg <= '9';

	if (digits)
		v = strtoull(arg, &end, 10);
	if (!digits || *end || v < min || v > max)
		return pdg_cli_usage_error("scan-data", "%s needs a number from "
		                           "%llu to %llu, not '%s'", opt,
		                           (unsigned long long)min,
		                           (unsigned long long)max, arg);
	*out = v;
	return 0;
}

struct scan_opts {
	pdg_audit_options audit;
	pdg_report_format fmt;
	const char *output;
	uint64_t samples;
};

static int parse_args(struct scan_opts *so, int argc, char **argv)
{
	uint64_t n;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:o:j:h", options, NULL))
	       != -1) {
		char num[32];

		switch (c) {
		case 'h':
			usage(stdout);
			return -1;
		case 'f':
			if (pdg_report_format_parse(&so->fmt, optarg) < 0)
				return pdg_cli_usage_error("scan-data", "%s",
				                           pdg_error_last());
			break;
		case 'o':
			so->output = optarg;
			break;
		case 'j':
			if (parse_count(&n, "--jobs", optarg, 1, 256))
				return PDG_EXIT_USAGE;
			/* The plugin reads its tuning from the environment:
			 * the plugin ABI has no options. */
			snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
			setenv("PEDIGREE_JOBS", num, 1);
			break;
		case OPT_SAMPLES:
			if (parse_count(&so->samples, "--samples", optarg, 0,
			                SAMPLES_MAX))
				return PDG_EXIT_USAGE;
			break;
		case OPT_MAX_EXPAND:
			if (pdg_cli_parse_size(&n, optarg) < 0 || n == 0)
				return pdg_cli_usage_error("scan-data", "'%s' is "
				                           "not a positive size",
				                           optarg);
			so->audit.limits.max_expand = n;
			break;
		case OPT_MAX_FILES:
			if (parse_count(&so->audit.limits.max_files,
			                "--max-files", optarg, 1, UINT64_MAX))
				return PDG_EXIT_USAGE;
			break;
		case OPT_PLUGIN_PATH:
			so->audit.plugin_path = optarg;
			break;
		default:
			return bad_option(argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return pdg_cli_usage_error("scan-data", "no PATH given; see "
		                           "'pedigree scan-data --help'");
	return 0;
}

static int write_report(const pdg_audit *a, const struct scan_opts *so)
{
	json_t *r = build(a, (size_t)so->samples);
	FILE *out = pdg_cli_open_output("scan-data", so->output);
	int rc = PDG_EXIT_OK;

	if (!out) {
		json_decref(r);
		return PDG_EXIT_USAGE;
	}
	if (so->fmt == PDG_REPORT_JSON) {
		if (json_dumpf(r, out, JSON_INDENT(2) | JSON_SORT_KEYS |
		               JSON_REAL_PRECISION(6)) < 0)
			rc = PDG_EXIT_INTERNAL;
		fputc('\n', out);
	} else {
		write_text(a, r, out);
	}
	if (pdg_cli_close_output(out) < 0)
		rc = PDG_EXIT_INTERNAL;
	json_decref(r);
	return rc;
}

int pdg_cmd_scan_data(int argc, char **argv)
{
	struct scan_opts so = { PDG_AUDIT_OPTIONS_INIT, PDG_REPORT_TEXT, NULL,
	                        5 };
	pdg_audit *a = NULL;
	char num[32];
	int rc;

	rc = parse_args(&so, argc, argv);
	if (rc < 0)
		return PDG_EXIT_OK;     /* --help */
	if (rc > 0)
		return rc;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)so.samples);
	setenv("PEDIGREE_DATASET_SAMPLES", num, 1);
	if (!plugin_available(so.audit.plugin_path)) {
		fprintf(stderr, "pedigree scan-data: the %s plugin is not "
		        "available (built without Vectorscan?); see "
		        "'pedigree plugins'\n", SCAN_PLUGIN);
		return PDG_EXIT_INTERNAL;
	}
	so.audit.no_fail = 1;
	rc = pdg_audit_new(&a, &so.audit);
	if (rc < 0) {
		fprintf(stderr, "pedigree scan-data: %s\n", pdg_error_last());
		return pdg_cli_exit_for(rc);
	}
	rc = scan_paths(a, argc, argv);
	if (rc == PDG_EXIT_OK)
		rc = write_report(a, &so);
	pdg_audit_free(a);
	return rc;
}
