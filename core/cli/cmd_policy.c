/* cmd_policy.c - `pedigree policy check|hash|list`: validate policies,
 * print the content hashes clarifications pin, name the built-in ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pedigree/pedigree.h"
#include "cli.h"
#include "policy/policy.h"

static void usage(FILE *f)
{
	fputs(
"usage: pedigree policy check FILE...\n"
"       pedigree policy hash FILE...\n"
"       pedigree policy list\n"
"\n"
"Release policies (YAML, see docs/policy.md) say what a release intends,\n"
"which licences are allowed or denied in its lineage, which findings\n"
"fail, warn or pass, and which exceptions and clarifications apply.\n"
"'pedigree audit --policy FILE' applies one.\n"
"\n"
"  check FILE...  validate each policy (a file, or a built-in name);\n"
"                 errors name FILE:LINE; expired exceptions are listed\n"
"  hash FILE...   print the content hash a clarification pins, as\n"
"                 'xxh3:HEX  FILE'\n"
"  list           the built-in policies\n"
"\n"
"Exit status:\n"
"  0  every policy is valid (check), every file hashed (hash)\n"
"  1  a valid policy holds exceptions that have expired\n"
"  2  usage error, an invalid policy, or an unreadable file\n", f);
}

static void today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static int check(int argc, char **argv)
{
	int status = PDG_EXIT_OK;
	char day[16];

	today(day);
	for (int i = 0; i < argc; i++) {
		pdg_policy *p = NULL;
		int rc = pdg_policy_load(&p, argv[i]);

		if (rc < 0) {
			fprintf(stderr, "pedigree policy: %s\n",
			        pdg_error_last());
			status = PDG_EXIT_USAGE;
			continue;
		}
		size_t expired = pdg_policy_expired_count(p, day);
		printf("%s: ok: policy %s, %zu rule%s, %zu exception%s "
		       "(%zu expired), %zu clarification%s\n",
		       pdg_policy_file(p), pdg_policy_name(p),
		       pdg_policy_rule_count(p),
		       pdg_policy_rule_count(p) == 1 ? "" : "s",
		       pdg_policy_exception_count(p),
		       pdg_policy_exception_count(p) == 1 ? "" : "s", expired,
		       pdg_policy_clarification_count(p),
		       pdg_policy_clarification_count(p) == 1 ? "" : "s");
		if (expired) {
			fprintf(stderr, "pedigree policy: %s: %zu exception%s "
			        "expired before %s; the findings they covered "
			        "fail again\n", pdg_policy_file(p), expired,
			        expired == 1 ? "" : "s", day);
			if (status == PDG_EXIT_OK)
				status = PDG_EXIT_FAIL;
		}
		pdg_policy_free(p);
	}
	return status;
}

static int hash(int argc, char **argv)
{
	int status = PDG_EXIT_OK;

	for (int i = 0; i < argc; i++) {
		char *h = NULL;

		if (pdg_policy_hash_file(&h, argv[i]) < 0) {
			fprintf(stderr, "pedigree policy: %s\n",
			        pdg_error_last());
			status = PDG_EXIT_USAGE;
			continue;
		}
		printf("%s  %s\n", h, argv[i]);
		free(h);
	}
	return status;
}

int pdg_cmd_policy(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		usage(sub ? stdout : stderr);
		return sub ? PDG_EXIT_OK : PDG_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return PDG_EXIT_OK;
		}
	if (!strcmp(sub, "list")) {
		if (argc > 2)
			return pdg_cli_usage_error("policy", "list takes no "
			                           "arguments");
		for (size_t i = 0; pdg_policy_builtin_names[i]; i++)
			printf("%s\n", pdg_policy_builtin_names[i]);
		return PDG_EXIT_OK;
	}
	if (strcmp(sub, "check") != 0 && strcmp(sub, "hash") != 0)
		return pdg_cli_usage_error("policy", "unknown subcommand '%s'; "
		                           "see 'pedigree policy --help'", sub);
	if (argc < 3)
		return pdg_cli_usage_error("policy", "%s needs a FILE", sub);
	return sub[0] == 'c' ? check(argc - 2, argv + 2)
	                     : hash(argc - 2, argv + 2);
}
