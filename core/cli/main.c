/* main.c - `pedigree` entry point: dispatch to subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pedigree/pedigree.h"
#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "audit", pdg_cmd_audit,
	  "audit model repositories, archives and folders" },
	{ "identify", pdg_cmd_identify,
	  "identify the licence of text files" },
	{ "licenses", pdg_cmd_licenses,
	  "list the knowledge base, or show what one licence obliges" },
	{ "policy", pdg_cmd_policy,
	  "validate release policies; hash files for clarifications" },
	{ "plugins", pdg_cmd_plugins,
	  "list detector plugins and why any failed to load" },
	{ "scan-data", pdg_cmd_scan_data,
	  "find records other models generated in training data" },
	{ "fingerprint", pdg_cmd_fingerprint,
	  "test whether a model was distilled from candidate teachers" },
};

static void usage(FILE *f)
{
	fputs("usage: pedigree [--version] [--help] <command> [<args>]\n"
	      "\n"
	      "Audit machine-learning models before release: licences and\n"
	      "terms, lineage, training data, and whether the release honours\n"
	      "them.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name,
		        commands[i].summary);
	fputs("\n"
	      "Run 'pedigree <command> --help' for a command's options.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success, no failing verdict\n"
	      "  1  a policy verdict failed\n"
	      "  2  usage error or unusable input\n"
	      "  3  internal error\n", f);
}

int pdg_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pedigree %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PDG_EXIT_USAGE;
}

int pdg_cli_exit_for(int status)
{
	switch (status) {
	case PDG_OK:
		return PDG_EXIT_OK;
	case PDG_EINVALID:
	case PDG_ENOTFOUND:
	case PDG_EUSAGE:
	case PDG_EIO:
	case PDG_ELIMIT:
	case PDG_EUNSUPPORTED:
		return PDG_EXIT_USAGE;
	default:
		return PDG_EXIT_INTERNAL;
	}
}

FILE *pdg_cli_open_output(const char *cmd, const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "pedigree %s: %s: cannot write: %m\n", cmd,
		        path);
		return NULL;
	}
	return f;
}

int pdg_cli_close_output(FILE *f)
{
	int bad = ferror(f);

	if (f == stdout)
		return (fflush(f) != 0 || bad) ? -1 : 0;
	return (fclose(f) != 0 || bad) ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return PDG_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return PDG_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("pedigree %s\n", PDG_VERSION);
		return PDG_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pedigree: '%s' is not a command; see "
	        "'pedigree --help'\n", cmd);
	return PDG_EXIT_USAGE;
}
