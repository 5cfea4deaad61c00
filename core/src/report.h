/* report.h - report writers.  Each writes a finished audit to a FILE. */
#ifndef PDG_REPORT_H
#define PDG_REPORT_H

#include <stdio.h>

#include "audit.h"

/** Version of the JSON report schema (docs/report.schema.json). */
#define PDG_REPORT_SCHEMA_VERSION 2

int pdg_report_write_json(const pdg_audit *a, FILE *out);
int pdg_report_write_text(const pdg_audit *a, FILE *out, int color);

/** Length (1..4) of the well-formed UTF-8 sequence at s[0..n), or 0 when
 *  the bytes there are not one (overlong, surrogate, truncated...).
 *  Shared by the writers, which must turn file names into valid text. */
size_t pdg_utf8_seq_len(const unsigned char *s, size_t n);

#endif
