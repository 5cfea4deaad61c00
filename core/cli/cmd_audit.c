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
"  -f, --format FMT        report format: text (default) or json\n"
"  -o, --output FILE       write the report to FILE instead of stdout\n"
"  -r, --rev REV           read git repositories at REV (any revision git\n"
"                          understands) from the object database; without\n"
"                          it a working tree is read as a directory\n"
"      --fail-on LEVEL     fail (exit 1) on findings of LEVEL or worse:\n"
"                          error (default), warning, info, or never\n"
"      --plugin-path DIRS  extra plugin directories (':'-separated),\n"
"                          searched before $PEDIGREE_PLUGIN_PATH\n"
"      --fingerprint MANIFEST  also run the distillation test of\n"
"                          MANIFEST (see 'pedigree fingerprint'): one\n"
"                          lineage finding per candidate teacher\n"
"      --max-read SIZE     largest prefix of a file held in memory\n"
"                          (default 16M)\n"
"      --max-expand SIZE   bytes decompressed per input (default 8G)\n"
"      --max-archive-depth N  archives nested in archives (default 8)\n"
"      --max-files N       files per input (default 10000000)\n"
"  -q, --quiet             no progress and no report on stdout (a report\n"
"                          still goes to --output); errors still shown\n"
"  -h, --help              show this help\n"
"\n"
"SIZE accepts K, M and G suffixes (powers of 1024).\n"
"\n"
"Exit status:\n"
"  0  no failing finding\n"
"  1  a finding failed the audit (see --fail-on)\n"
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
	OPT_FINGERPRINT,
};

static const struct option options[] = {
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
	{ "fingerprint", required_argument, NULL, OPT_FINGERPRINT },
	{ NULL, 0, NULL, 0 },
};

/* "16M" -> 16777216.  0 on success, -1 on garbage or overflow. */
static int parse_size(uint64_t *out, const char *s)
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
	}
	if (parse_size(&n, arg) < 0 || n == 0)
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

int pdg_cmd_audit(int argc, char **argv)
{
	pdg_audit_options o = PDG_AUDIT_OPTIONS_INIT;
	pdg_report_format fmt = PDG_REPORT_TEXT;
	const char *output = NULL;
	int quiet = 0, c, rc;
	const char *fingerprint = NULL;
	pdg_audit *a = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:o:r:qh", options,
	                        NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PDG_EXIT_OK;
		}
		if (c == '?' || c == ':')
			return pdg_cli_usage_error("audit", "unknown or "
			                           "incomplete option '%s'; see "
			                           "'pedigree audit --help'",
			                           argv[optind - 1]);
		if (c == 'q')
			quiet = 1;
		if (c == OPT_FINGERPRINT) {
			fingerprint = optarg;
			continue;
		}
		rc = parse_option(&o, c, optarg, &fmt, &output);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return pdg_cli_usage_error("audit", "no PATH given; see "
		                           "'pedigree audit --help'");
	o.progress = !quiet && isatty(STDERR_FILENO);

	rc = pdg_audit_new(&a, &o);
	if (rc < 0) {
		fprintf(stderr, "pedigree audit: %s\n", pdg_error_last());
		return pdg_cli_exit_for(rc);
	}
	for (int i = optind; i < argc; i++) {
		rc = pdg_audit_add_path(a, argv[i]);
		if (rc < 0) {
			fprintf(stderr, "pedigree audit: %s\n",
			        pdg_error_last());
			pdg_audit_free(a);
			return pdg_cli_exit_for(rc);
		}
	}
	if (fingerprint) {
		pdg_fp_options fo = PDG_FP_OPTIONS_INIT;
		fo.quiet = quiet;
		rc = pdg_audit_add_fingerprint(a, fingerprint, &fo);
		if (rc < 0) {
			fprintf(stderr, "pedigree audit: %s\n",
			        pdg_error_last());
			pdg_audit_free(a);
			return pdg_cli_exit_for(rc);
		}
	}
	pdg_audit_finish(a);

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
			status = PDG_EXIT_INTERNAL;
		}
	}
	pdg_audit_free(a);
	return status;
}
