/* cmd_audit.c - `pedigree audit PATH...` */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pedigree/fingerprint.h"
#include "pedigree/pedigree.h"
#include "cli.h"

static void usage(FILE *f)
{
	fputs(
"usage: pedigree audit [options] PATH...\n"
"\n"
"Audit model repositories, datasets and archives: which licences and terms\n"
"govern them and what the release must honour.  Each PATH is a directory,\n"
"a git repository (bare, or a working tree with --rev), an archive (tar,\n"
"tar.gz, tar.zst, tar.xz, zip, 7z) or a single file.  Archives are read as\n"
"streams, nested archives included; nothing is extracted to disk.\n"
"\n"
"Options:\n"
"  -p, --policy FILE       judge the audit by this policy (YAML), or by a\n"
"                          built-in one: default, release, research-only\n"
"                          (see 'pedigree policy check --help')\n"
"      --component ID=PATH a local copy of a base model or teacher the\n"
"                          audited model names by ID (repeatable): its\n"
"                          files decide its licence\n"
"      --dataset PATH      a training dataset of the audited model\n"
"                          (repeatable): its licence and what generated\n"
"                          its records flow to the model\n"
"  -f, --format FMT        report format: text (default), json, sarif\n"
"                          (SARIF 2.1.0, for code scanning), markdown,\n"
"                          html (one self-contained page), spdx (SPDX\n"
"                          3.0.1 JSON-LD, AI and Dataset profiles) or\n"
"                          cyclonedx (CycloneDX 1.6 JSON)\n"
"  -o, --output FILE       write the report to FILE instead of stdout\n"
"  -r, --rev REV           read git repositories at REV (any revision git\n"
"                          understands) from the object database; without\n"
"                          it a working tree is read as a directory\n"
"      --fail-on LEVEL     also fail (exit 1) on findings of LEVEL or\n"
"                          worse whatever the policy says: warning or\n"
"                          info; 'never' fails nothing; 'error' is the\n"
"                          default policy's own rule\n"
"      --plugin-path DIRS  extra plugin directories (':'-separated),\n"
"                          searched before $PEDIGREE_PLUGIN_PATH\n"
"      --fingerprint MANIFEST  also run the distillation test of\n"
"                          MANIFEST (see 'pedigree fingerprint'): one\n"
"                          lineage finding per candidate teacher\n"
"      --max-read SIZE     largest prefix of a file held in memory\n"
"                          (default 16M)\n"
"      --max-expand SIZE   bytes decompressed per input (default 8G)\n"
"      --max-expand-ratio N  bytes decompressed per byte of input, once\n"
"                          64M were decompressed (default 250)\n"
"      --max-archive-depth N  archives nested in archives (default 8)\n"
"      --max-dir-depth N   directory nesting (default 256)\n"
"      --max-files N       files per input (default 10000000)\n"
"      --max-history N     commits of a git repository's history searched\n"
"                          for licence changes (default 1000; 0: none)\n"
"      --max-findings N    findings of one rule per input listed; the\n"
"                          rest are counted in one finding (default 1000)\n"
"      --max-artifacts N   artifacts listed in the report (default 100000)\n"
"      --limit NAME=VALUE  change a detector's limit (repeatable); NAME as\n"
"                          'pedigree plugins --limits' lists it, VALUE a\n"
"                          SIZE or count\n"
"  -q, --quiet             no progress and no report on stdout (a report\n"
"                          still goes to --output); errors still shown\n"
"  -h, --help              show this help\n"
"\n"
"SIZE accepts K, M and G suffixes (powers of 1024).\n"
"\n"
"Reports never read the clock: formats that carry a time (spdx, and\n"
"cyclonedx when it is set) take $SOURCE_DATE_EPOCH, else 1970-01-01.\n"
"\n"
"Exit status:\n"
"  0  no failing finding\n"
"  1  a finding failed the audit (its verdict is fail: see --policy)\n"
"  2  usage error or unusable input (missing path, not a repository,\n"
"     unreadable archive); the message names the path\n"
"  3  internal error\n", f);
}

enum {
	OPT_FAIL_ON = 256,
	OPT_PLUGIN_PATH,
	OPT_MAX_READ,
	OPT_MAX_EXPAND,
	OPT_MAX_DEPTH,
	OPT_MAX_FILES,
	OPT_COMPONENT,
	OPT_DATASET,
	OPT_MAX_HISTORY,
	OPT_LIMIT,
	OPT_MAX_RATIO,
	OPT_MAX_DIR_DEPTH,
	OPT_MAX_FINDINGS,
	OPT_MAX_ARTIFACTS,
	OPT_FINGERPRINT,
};

static const struct option options[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ "component", required_argument, NULL, OPT_COMPONENT },
	{ "dataset", required_argument, NULL, OPT_DATASET },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "rev", required_argument, NULL, 'r' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "plugin-path", required_argument, NULL, OPT_PLUGIN_PATH },
	{ "max-read", required_argument, NULL, OPT_MAX_READ },
	{ "max-expand", required_argument, NULL, OPT_MAX_EXPAND },
	{ "max-archive-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "max-files", required_argument, NULL, OPT_MAX_FILES },
	{ "max-history", required_argument, NULL, OPT_MAX_HISTORY },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "max-expand-ratio", required_argument, NULL, OPT_MAX_RATIO },
	{ "max-dir-depth", required_argument, NULL, OPT_MAX_DIR_DEPTH },
	{ "max-findings", required_argument, NULL, OPT_MAX_FINDINGS },
	{ "max-artifacts", required_argument, NULL, OPT_MAX_ARTIFACTS },
	{ "fingerprint", required_argument, NULL, OPT_FINGERPRINT },
	{ NULL, 0, NULL, 0 },
};

/* "16M" -> 16777216.  0 on success, -1 on garbage or overflow. */
int pdg_cli_parse_size(uint64_t *out, const char *s)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -1;
		}
		if (end[1] && !(end[1] == 'B' && !end[2]) &&
		    !(end[1] == 'i' && end[2] == 'B' && !end[3]))
			return -1;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_limit(pdg_audit_options *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	pdg_limit_setting *l;
	uint64_t v;

	if (!eq || eq == arg || pdg_cli_parse_size(&v, eq + 1) < 0)
		return pdg_cli_usage_error("audit", "--limit wants NAME=VALUE "
		                           "with a size or count, not '%s'",
		                           arg);
	l = realloc((void *)o->plugin_limits,
	            (o->nplugin_limits + 1) * sizeof(*l));
	if (!l)
		return pdg_cli_usage_error("audit", "out of memory");
	l[o->nplugin_limits].name = strndup(arg, (size_t)(eq - arg));
	l[o->nplugin_limits].value = v;
	o->plugin_limits = l;
	if (!l[o->nplugin_limits++].name)
		return pdg_cli_usage_error("audit", "out of memory");
	return 0;
}

static void free_limits(pdg_audit_options *o)
{
	for (size_t i = 0; i < o->nplugin_limits; i++)
		free((char *)o->plugin_limits[i].name);
	free((void *)o->plugin_limits);
}

static int parse_option(pdg_audit_options *o, int c, const char *arg,
                        pdg_report_format *fmt, const char **output)
{
	uint64_t n;

	switch (c) {
	case 'f':
		if (pdg_report_format_parse(fmt, arg) < 0)
			return pdg_cli_usage_error("audit", "%s",
			                           pdg_error_last());
		return 0;
	case 'o':
		*output = arg;
		return 0;
	case 'r':
		o->rev = arg;
		return 0;
	case 'q':
		return 0;
	case OPT_FAIL_ON:
		if (strcmp(arg, "never") == 0) {
			o->no_fail = 1;
			return 0;
		}
		if (pdg_severity_parse(&o->fail_on, arg) < 0)
			return pdg_cli_usage_error("audit", "--fail-on: %s "
			                           "or never", pdg_error_last());
		o->no_fail = 0;
		return 0;
	case OPT_PLUGIN_PATH:
		o->plugin_path = arg;
		return 0;
	case OPT_LIMIT:
		return parse_limit(o, arg);
	}
	if (c == OPT_MAX_HISTORY) {
		/* 0 is allowed: no history search. */
		if (pdg_cli_parse_size(&n, arg) < 0 || n > 10000000)
			return pdg_cli_usage_error("audit", "--max-history: "
			                           "'%s' is not a count up to "
			                           "10000000", arg);
		o->limits.max_history = (uint32_t)n;
		return 0;
	}
	if (pdg_cli_parse_size(&n, arg) < 0 || n == 0)
		return pdg_cli_usage_error("audit", "'%s' is not a positive "
		                           "size or count", arg);
	switch (c) {
	case OPT_MAX_READ:
		if (n > SIZE_MAX / 2)
			return pdg_cli_usage_error("audit", "--max-read too "
			                           "large");
		o->limits.max_read = n;
		break;
	case OPT_MAX_EXPAND:
		o->limits.max_expand = n;
		break;
	case OPT_MAX_DEPTH:
		if (n > 1000)
			return pdg_cli_usage_error("audit", "--max-archive-"
			                           "depth at most 1000");
		o->limits.max_archive_depth = (uint32_t)n;
		break;
	case OPT_MAX_FILES:
		o->limits.max_files = n;
		break;
	case OPT_MAX_RATIO:
		o->limits.max_expand_ratio = n;
		break;
	case OPT_MAX_DIR_DEPTH:
		/* One open directory and one stack frame per level. */
		if (n > 4096)
			return pdg_cli_usage_error("audit", "--max-dir-depth "
			                           "at most 4096");
		o->limits.max_dir_depth = (uint32_t)n;
		break;
	case OPT_MAX_FINDINGS:
		o->limits.max_findings = n;
		break;
	case OPT_MAX_ARTIFACTS:
		o->limits.max_artifacts = n;
		break;
	}
	return 0;
}

static int use_color(const char *output)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && *nc)
		return 0;
	if (output && strcmp(output, "-") != 0)
		return 0;
	return isatty(STDOUT_FILENO);
}

/* Inputs other than the PATHs, in the order given. */
struct extra {
	int dataset;
	char *id;               /* --component: owned copy of ID */
	const char *path;
};

static int add_extra(struct extra **v, size_t *n, int c, const char *arg)
{
	struct extra x = { c == OPT_DATASET, NULL, arg };

	if (c == OPT_COMPONENT) {
		const char *eq = strchr(arg, '=');
		if (!eq || eq == arg || !eq[1])
			return pdg_cli_usage_error("audit", "--component wants "
			                           "ID=PATH, not '%s'", arg);
		x.id = strndup(arg, (size_t)(eq - arg));
		x.path = eq + 1;
	}
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = x;
	return 0;
}

static void free_extras(struct extra *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

static int add_inputs(pdg_audit *a, int argc, char **argv,
                      const struct extra *x, size_t nx)
{
	int rc = 0;

	for (int i = optind; i < argc && rc >= 0; i++)
		rc = pdg_audit_add_path(a, argv[i]);
	for (size_t i = 0; i < nx && rc >= 0; i++)
		rc = x[i].dataset ? pdg_audit_add_dataset(a, x[i].path)
		                  : pdg_audit_add_component(a, x[i].id,
		                                            x[i].path);
	if (rc < 0)
		fprintf(stderr, "pedigree audit: %s\n", pdg_error_last());
	return rc;
}

static int audit_main(pdg_audit_options *op, int argc, char **argv)
{
	pdg_report_format fmt = PDG_REPORT_TEXT;
	const char *output = NULL, *policy = NULL;
	int quiet = 0, c, rc;
	const char *fingerprint = NULL;
	pdg_audit *a = NULL;
	struct extra *extras = NULL;
	size_t nextras = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:f:o:r:qh", options,
	                        NULL)) != -1) {
		if (c == 'p') {
			policy = optarg;
			continue;
		}
		if (c == OPT_COMPONENT || c == OPT_DATASET) {
			rc = add_extra(&extras, &nextras, c, optarg);
			if (rc) {
				free_extras(extras, nextras);
				return rc;
			}
			continue;
		}
		if (c == 'h') {
			free_extras(extras, nextras);
			usage(stdout);
			return PDG_EXIT_OK;
		}
		if (c == '?' || c == ':') {
			free_extras(extras, nextras);
			return pdg_cli_usage_error("audit", "unknown or "
			                           "incomplete option '%s'; see "
			                           "'pedigree audit --help'",
			                           argv[optind - 1]);
		}
		if (c == 'q')
			quiet = 1;
		if (c == OPT_FINGERPRINT) {
			fingerprint = optarg;
			continue;
		}
		rc = parse_option(op, c, optarg, &fmt, &output);
		if (rc) {
			free_extras(extras, nextras);
			return rc;
		}
	}
	if (optind >= argc) {
		free_extras(extras, nextras);
		return pdg_cli_usage_error("audit", "no PATH given; see "
		                           "'pedigree audit --help'");
	}
	op->progress = !quiet && isatty(STDERR_FILENO);

	rc = pdg_audit_new(&a, op);
	if (rc >= 0 && policy && (rc = pdg_audit_set_policy(a, policy)) < 0)
		fprintf(stderr, "pedigree audit: --policy %s\n",
		        pdg_error_last());
	else if (rc < 0)
		fprintf(stderr, "pedigree audit: %s\n", pdg_error_last());
	if (rc >= 0)
		rc = add_inputs(a, argc, argv, extras, nextras);
	free_extras(extras, nextras);
	if (rc >= 0 && fingerprint) {
		pdg_fp_options fo = PDG_FP_OPTIONS_INIT;
		fo.quiet = quiet;
		if ((rc = pdg_audit_add_fingerprint(a, fingerprint, &fo)) < 0)
			fprintf(stderr, "pedigree audit: --fingerprint: %s\n",
			        pdg_error_last());
	}
	if (rc >= 0 && (rc = pdg_audit_finish(a)) < 0)
		fprintf(stderr, "pedigree audit: %s\n", pdg_error_last());
	if (rc < 0) {
		pdg_audit_free(a);
		return pdg_cli_exit_for(rc);
	}

	int status = pdg_audit_failed(a) ? PDG_EXIT_FAIL : PDG_EXIT_OK;
	if (!quiet || (output && strcmp(output, "-") != 0)) {
		FILE *out = pdg_cli_open_output("audit", output);
		if (!out) {
			pdg_audit_free(a);
			return PDG_EXIT_USAGE;
		}
		rc = pdg_report_write(a, fmt, out, use_color(output));
		if (pdg_cli_close_output(out) < 0 && rc == 0) {
			fprintf(stderr, "pedigree audit: %s: write error\n",
			        output ? output : "stdout");
			status = PDG_EXIT_INTERNAL;
		}
		if (rc < 0) {
			fprintf(stderr, "pedigree audit: %s\n",
			        pdg_error_last());
			/* Bad input to a writer (a malformed
			 * SOURCE_DATE_EPOCH) is the user's to fix. */
			status = rc == PDG_EINVALID ? PDG_EXIT_USAGE
			                            : PDG_EXIT_INTERNAL;
		}
	}
	pdg_audit_free(a);
	return status;
}

int pdg_cmd_audit(int argc, char **argv)
{
	pdg_audit_options o = PDG_AUDIT_OPTIONS_INIT;
	int rc = audit_main(&o, argc, argv);

	free_limits(&o);
	return rc;
}
