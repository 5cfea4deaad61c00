/* report.h - report writers.  Each writes a finished audit to a FILE. */
#ifndef PDG_REPORT_H
#define PDG_REPORT_H

#include <stdio.h>

#include "audit.h"

/** Version of the JSON report schema (docs/report.schema.json). */
#define PDG_REPORT_SCHEMA_VERSION 2

int pdg_report_write_json(const pdg_audit *a, FILE *out);
int pdg_report_write_text(const pdg_audit *a, FILE *out, int color);
int pdg_report_write_sarif(const pdg_audit *a, FILE *out);
int pdg_report_write_markdown(const pdg_audit *a, FILE *out);
int pdg_report_write_html(const pdg_audit *a, FILE *out);
int pdg_report_write_spdx(const pdg_audit *a, FILE *out);
int pdg_report_write_cyclonedx(const pdg_audit *a, FILE *out);

/** What a finding rule checks, for formats that describe their rules
 *  (SARIF): a one-line summary and a paragraph of help.  Rules the table
 *  does not know get a description built from the rule and its kind. */
typedef struct pdg_rule_doc {
	const char *rule;
	const char *summary;
	const char *help;
} pdg_rule_doc;

/** The entry for `rule`, or NULL. */
const pdg_rule_doc *pdg_rule_doc_find(const char *rule);
/** The table itself, sorted by rule (for tests). */
size_t pdg_rule_doc_count(void);
const pdg_rule_doc *pdg_rule_doc_at(size_t i);

/** Length (1..4) of the well-formed UTF-8 sequence at s[0..n), or 0 when
 *  the bytes there are not one (overlong, surrogate, truncated...).
 *  Shared by the writers, which must turn file names into valid text. */
size_t pdg_utf8_seq_len(const unsigned char *s, size_t n);

#endif
