/* cli.h - shared by the `pedigree` subcommands. */
#ifndef PDG_CLI_H
#define PDG_CLI_H

#include <stdint.h>
#include <stdio.h>

/* Exit statuses: stable, documented in README.md and --help. */
#define PDG_EXIT_OK 0        /* no failing verdict */
#define PDG_EXIT_FAIL 1      /* a policy verdict failed */
#define PDG_EXIT_USAGE 2     /* usage error or unusable input */
#define PDG_EXIT_INTERNAL 3  /* internal error */

/* Each subcommand: argv[0] is the subcommand name. Returns an exit status. */
int pdg_cmd_audit(int argc, char **argv);
int pdg_cmd_plugins(int argc, char **argv);
int pdg_cmd_identify(int argc, char **argv);
int pdg_cmd_licenses(int argc, char **argv);
int pdg_cmd_scan_data(int argc, char **argv);
int pdg_cmd_policy(int argc, char **argv);
int pdg_cmd_fingerprint(int argc, char **argv);

/* "pedigree CMD: message" on stderr; returns PDG_EXIT_USAGE. */
int pdg_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Map a libpedigree status to an exit status (PDG_EINVALID etc -> 2). */
int pdg_cli_exit_for(int status);
/* Open -o FILE (or stdout for NULL / "-"). NULL on error (message set). */
FILE *pdg_cli_open_output(const char *cmd, const char *path);
/* Close what pdg_cli_open_output returned; <0 on write error. */
int pdg_cli_close_output(FILE *f);
/* "16M" -> 16777216 (K, M, G: powers of 1024).  0, or -1 on garbage. */
int pdg_cli_parse_size(uint64_t *out, const char *s);

#endif
