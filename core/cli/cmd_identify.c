/* cmd_identify.c - `pedigree identify FILE...`: which licence(s) a text
 * holds, how sure, where, and the clauses it carries. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "pedigree/pedigree.h"
#include "cli.h"
#include "kb/kb.h"
#include "license/license.h"

static const char *const cmd = "identify";

/* Licence files are small; a larger file is read up to this much. */
#define IDENTIFY_MAX_READ (16u << 20)

static void usage(FILE *f)
{
	fputs("usage: pedigree identify [--format text|json] [--db FILE]\n"
	      "                         [--threshold X] [--no-kb] [--help]\n"
	      "                         FILE...\n"
	      "\n"
	      "Identify the licence (or terms) in each text file: the SPDX\n"
	      "id or LicenseRef-, a confidence from 0 to 1, the lines it\n"
	      "spans, and typed clauses (non-commercial, user thresholds,\n"
	      "output use, naming and attribution duties...).  Several\n"
	      "licences in one file are all reported; a text that matches\n"
	      "nothing well enough is LicenseRef-unknown with its nearest\n"
	      "candidates.\n"
	      "SPDX-License-Identifier lines and model-card `license:` tags\n"
	      "are reported, and a disagreement with the text is flagged.\n"
	      "\n"
	      "Options:\n"
	      "  --format FORMAT  text (default) or json (an array, one\n"
	      "                   object per file, in argument order)\n"
	      "  --db FILE        use this licence database instead of the\n"
	      "                   built-in one (pedigree-licdb-gen output)\n"
	      "  --threshold X    containment needed to report a licence\n"
	      "                   (default 0.8; above 1 lists candidates)\n"
	      "  --no-kb          do not use the knowledge base's markers\n"
	      "                   and signatures (titles, notices)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Files are read up to 16 MiB; only regular files are read.\n"
	      "\n"
	      "Exit status: 0 when every file was read, 2 when a file could\n"
	      "not be read (the others are still reported) or on usage\n"
	      "errors, 3 on internal errors.\n", f);
}

/* Read a regular file, bounded; never blocks on a FIFO or device. */
static int read_text(const char *path, char **out, size_t *len)
{
	struct stat st;
	size_t cap, got = 0;
	char *buf;
	int fd;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pdg_cli_usage_error(cmd, "%s: %s", path,
		                           strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pdg_cli_usage_error(cmd, "%s: not a regular file",
		                           path);
	}
	cap = st.st_size > 0 && (uint64_t)st.st_size < IDENTIFY_MAX_READ ?
	      (size_t)st.st_size : IDENTIFY_MAX_READ;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return pdg_cli_usage_error(cmd, "%s: out of memory", path);
	}
	while (got < cap) {
		ssize_t r = read(fd, buf + got, cap - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return pdg_cli_usage_error(cmd, "%s: %s", path,
			                           strerror(e));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

static const char *yes_no(int v)
{
	return v ? "yes" : "no";
}

static void write_text(FILE *f, const char *path,
                       const pdg_license_result *r)
{
	fprintf(f, "%s: %s (confidence %.2f)\n", path, r->license,
	        r->confidence);
	for (size_t i = 0; i < r->n_matches; i++) {
		const pdg_license_match *m = &r->matches[i];

		fprintf(f, "  %s %s, lines %u-%u: containment %.2f, dice %.2f,"
		        " confidence %.2f%s%s%s\n",
		        pdg_license_doc_name(m->doc), m->id,
		        (unsigned)m->line_start, (unsigned)m->line_end,
		        m->containment, m->dice, m->confidence,
		        m->method == PDG_LICENSE_BY_SIGNATURE ?
		        " (signature phrases)" : "",
		        m->part_of ? ", part of " : "",
		        m->part_of ? m->part_of : "");
		for (size_t j = 0; j < m->n_equivalent; j++)
			fprintf(f, "    same text as %s\n", m->equivalent[j]);
	}
	if (r->n_candidates) {
		fputs("  nearest:", f);
		for (size_t i = 0; i < r->n_candidates; i++)
			fprintf(f, "%s %s %.2f", i ? "," : "",
			        r->candidates[i].id, r->candidates[i].score);
		fputc('\n', f);
	}
	if (r->spdx_identifier)
		fprintf(f, "  SPDX-License-Identifier (line %u): %s%s%s\n",
		        (unsigned)r->spdx_line, r->spdx_identifier,
		        r->spdx_valid ? "" : " - invalid: ",
		        r->spdx_valid ? "" : r->spdx_error);
	if (r->card_license)
		fprintf(f, "  model card license: %s (%s)\n", r->card_license,
		        r->card_license_id ? r->card_license_id : "unmapped");
	if (r->spdx_identifier || r->card_license)
		fprintf(f, "  disagreement with the text: %s\n",
		        yes_no(r->disagreement));
	for (size_t i = 0; i < r->n_clauses; i++) {
		const pdg_license_clause *c = &r->clauses[i];

		fprintf(f, "  clause %s (line %u)",
		        pdg_clause_type_name(c->type), (unsigned)c->line);
		if (c->has_number)
			fprintf(f, " number %llu",
			        (unsigned long long)c->number);
		if (c->value)
			fprintf(f, " value \"%s\"", c->value);
		fprintf(f, ": %s\n", c->text);
	}
	if (r->truncated)
		fputs("  (only the beginning of the file was read)\n", f);
}

struct opts {
	int json;
	int no_kb;
	double threshold;
	const char *db_path;
};

static int parse_args(struct opts *o, int argc, char **argv, int *first)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else if (strcmp(a, "--format") == 0 ||
		           strncmp(a, "--format=", 9) == 0) {
			const char *v = a[8] == '=' ? a + 9 :
			                (i + 1 < argc ? argv[++i] : NULL);

			if (!v)
				return pdg_cli_usage_error(cmd,
				        "--format needs a value");
			if (strcmp(v, "json") == 0)
				o->json = 1;
			else if (strcmp(v, "text") == 0)
				o->json = 0;
			else
				return pdg_cli_usage_error(cmd,
				        "unknown format '%s' (text, json)", v);
		} else if (strcmp(a, "--db") == 0) {
			if (i + 1 >= argc)
				return pdg_cli_usage_error(cmd,
				        "--db needs a file");
			o->db_path = argv[++i];
		} else if (strcmp(a, "--threshold") == 0) {
			char *end;

			if (i + 1 >= argc)
				return pdg_cli_usage_error(cmd,
				        "--threshold needs a value");
			o->threshold = strtod(argv[++i], &end);
			if (*end || end == argv[i] || !(o->threshold > 0) ||
			    o->threshold > 1.5)
				return pdg_cli_usage_error(cmd,
				        "--threshold: a number in (0, 1.5]");
		} else if (strcmp(a, "--no-kb") == 0) {
			o->no_kb = 1;
		} else {
			return pdg_cli_usage_error(cmd, "unknown option '%s'",
			                           a);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return PDG_EXIT_USAGE;
	}
	*first = i;
	return 0;
}

int pdg_cmd_identify(int argc, char **argv)
{
	pdg_license_opts lo = PDG_LICENSE_OPTS_INIT;
	pdg_license_db *db = NULL;
	pdg_kb *kb = NULL;
	struct opts o;
	json_t *arr = NULL;
	int first = 0, rc, status = PDG_EXIT_OK;

	rc = parse_args(&o, argc, argv, &first);
	if (rc)
		return rc == 1 ? PDG_EXIT_OK : rc;
	lo.threshold = o.threshold;
	lo.max_candidates = 8;
	if (o.db_path) {
		rc = pdg_license_db_open(&db, o.db_path);
		if (rc < 0)
			return pdg_cli_usage_error(cmd, "%s",
			                           pdg_error_last());
		lo.db = db;
	}
	/* The knowledge base only adds signatures and document kinds; the
	 * identifier works without it. */
	if (!o.no_kb && pdg_kb_load_default(&kb) == 0)
		lo.kb = kb;
	if (o.json)
		arr = json_array();
	for (int i = first; i < argc; i++) {
		pdg_license_result *r;
		char *text;
		size_t len;

		if (read_text(argv[i], &text, &len) != 0) {
			status = PDG_EXIT_USAGE;
			continue;
		}
		rc = pdg_license_identify(&r, text, len, &lo);
		free(text);
		if (rc < 0) {
			fprintf(stderr, "pedigree identify: %s: %s\n", argv[i],
			        pdg_error_last());
			status = PDG_EXIT_INTERNAL;
			break;
		}
		if (o.json) {
			json_t *obj = json_object();

			char *p = pdg_license_utf8_copy(argv[i],
			                                strlen(argv[i]));

			json_object_set_new(obj, "path", json_string(p));
			free(p);
			json_t *res = pdg_license_result_json(r);
			json_object_update(obj, res);
			json_decref(res);
			json_array_append_new(arr, obj);
		} else {
			write_text(stdout, argv[i], r);
		}
		pdg_license_result_free(r);
	}
	if (arr) {
		if (json_dumpf(arr, stdout, JSON_INDENT(2) |
		               JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
		    != 0)
			status = PDG_EXIT_INTERNAL;
		fputc('\n', stdout);
		json_decref(arr);
	}
	if (fflush(stdout) != 0 && status == PDG_EXIT_OK)
		status = PDG_EXIT_INTERNAL;
	pdg_kb_free(kb);
	pdg_license_db_free(db);
	return status;
}
