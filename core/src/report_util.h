/* report_util.h - helpers shared by the report writers.
 *
 * The JSON-based writers (json, sarif, spdx, cyclonedx) build a jansson
 * tree with a `failed` flag instead of checking every call; the
 * document-based ones (markdown, html) append escaped text to a pdg_buf.
 * Everything here is deterministic: no clock, no randomness, no memory
 * addresses.
 */
#ifndef PDG_REPORT_UTIL_H
#define PDG_REPORT_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "audit.h"
#include "util.h"

/* ---- building JSON ---------------------------------------------------- */

/** v, or NULL with *failed set when v is NULL (a failed jansson call). */
json_t *pdg_json_check(int *failed, json_t *v);
/** obj[key] = v (stolen); a NULL v or a failure sets *failed. */
void pdg_json_set(int *failed, json_t *obj, const char *key, json_t *v);
/** Append v (stolen) to arr. */
void pdg_json_append(int *failed, json_t *arr, json_t *v);
/** A JSON string of arbitrary bytes: ill-formed UTF-8 becomes U+FFFD
 *  byte by byte; NULL is "". */
json_t *pdg_json_str(int *failed, const char *s);
/** A JSON integer, clamped to INT64_MAX. */
json_t *pdg_json_int(int *failed, uint64_t n);
/** Dump with sorted keys, two-space indent and a final newline: the one
 *  layout of every JSON report.  Takes the reference of root. */
int pdg_report_dump_json(json_t *root, int failed, FILE *out);

/** Valid UTF-8 copy of arbitrary bytes (U+FFFD per bad byte). */
char *pdg_utf8_sanitize(const char *s);

/* ---- text for people ----------------------------------------------------- */

typedef enum pdg_escape {
	PDG_ESCAPE_TERMINAL = 0,  /* control and bidi characters as \xNN */
	PDG_ESCAPE_HTML,          /* also & < > " ' as entities */
	PDG_ESCAPE_MARKDOWN       /* also Markdown syntax with backslashes,
	                             newlines as spaces */
} pdg_escape;

/**
 * Append s for display: printable UTF-8 as is; control characters, bytes
 * that are not UTF-8 and the code points that reorder text or drive a
 * terminal (C1, bidi marks, embeddings, overrides, isolates) as visible
 * escapes (\x01, \xff, \u202e), so a hostile name cannot disguise itself;
 * then the escaping `mode` asks for.
 */
void pdg_report_put_safe(pdg_buf *b, const char *s, pdg_escape mode);
/** Like pdg_report_put_safe but at most `max` code points, then "...". */
void pdg_report_put_safe_max(pdg_buf *b, const char *s, pdg_escape mode,
                             size_t max);

/** A part of a document-style report. */
typedef void (*pdg_report_section_fn)(pdg_buf *b, const pdg_audit *a);
/** Build the sections in order into one buffer and write it. */
int pdg_report_write_sections(const pdg_audit *a, FILE *out,
                              const pdg_report_section_fn *fns, size_t n);
/** 1 when obligation i starts a new (component, upstream, licence)
 *  group: the obligations are listed grouped that way. */
int pdg_report_obligation_group_starts(const pdg_lineage *l, size_t i);

/** Write a whole buffer; 0 or PDG_EIO. */
int pdg_report_write_buf(const pdg_buf *b, FILE *out);

/* ---- facts of the audit ---------------------------------------------------- */

/** Findings per verdict, indexed by pdg_verdict. */
void pdg_report_count_verdicts(const pdg_audit *a,
                               size_t out[PDG_VERDICT_FAIL + 1]);
/** First finding of `component` with `rule` (and a subject), or NULL. */
const pdg_finding *pdg_report_find(const pdg_audit *a, const char *component,
                                   const char *rule);
/** The findings' properties member `key` as a string, or NULL. */
char *pdg_report_property(const pdg_finding *f, const char *key);

/** ":3", ":3-5" or "@1024" for a finding's lines or byte offset. */
void pdg_report_put_position(pdg_buf *b, const pdg_finding *f);
/** For each plugin that did not start: before, "plugin NAME did not
 *  start: WHY", after. */
void pdg_report_put_plugin_notes(pdg_buf *b, const pdg_audit *a,
                                 pdg_escape mode, const char *before,
                                 const char *after);
/** The evidence of the lineage edges a finding is about (from its
 *  component to the upstream its properties name), one per item:
 *  before, "TYPE: path:line (rule): message", after. */
void pdg_report_put_edge_evidence(pdg_buf *b, const pdg_audit *a,
                                  const pdg_finding *f, pdg_escape mode,
                                  const char *before, const char *after);
/** Where a finding was seen: "path:3", "path:3-5", "path@1024" or the
 *  source; " (in SOURCE)" when the audit has several; escaped. */
void pdg_report_put_where(pdg_buf *b, const pdg_finding *f, int many_src,
                          pdg_escape mode);

/** One upstream of one component: the lineage edges between the pair
 *  merged (the types as a bit set), in graph order of first edge. */
typedef struct pdg_report_link {
	size_t from, to;            /* component indices */
	uint32_t types;             /* bit per pdg_edge_type */
	int declared;               /* every edge of the pair declared */
	const char *declared_at;    /* first "README.md:5", or NULL */
} pdg_report_link;

/** The links of the lineage; *out is freed by the caller. */
size_t pdg_report_links(const pdg_lineage *l, pdg_report_link **out);
/** "distillation, trained-on-outputs" for a set of types. */
void pdg_report_put_types(pdg_buf *b, uint32_t types, const char *sep);
/** Licences of a component as "Apache-2.0; LicenseRef-x", or "unknown". */
void pdg_report_put_licenses(pdg_buf *b, const pdg_component *c,
                             pdg_escape mode);

/** What a component licence id is, for formats that tell SPDX licence
 *  ids from other licences. */
typedef enum pdg_license_form {
	PDG_LICENSE_SPDX_ID = 0,   /* one id of the SPDX licence list */
	PDG_LICENSE_REF,           /* one LicenseRef-... */
	PDG_LICENSE_EXPRESSION,    /* a valid expression with operators */
	PDG_LICENSE_OTHER          /* not SPDX syntax at all */
} pdg_license_form;

pdg_license_form pdg_report_license_form(const char *id);
/** Where a licence claim of a component was concluded rather than found
 *  in the component's own files (catalogue, clarification). */
int pdg_report_license_concluded(const pdg_comp_license *l);

/* ---- identity and time -------------------------------------------------- */

/**
 * The time a report claims to be made at: $SOURCE_DATE_EPOCH when set
 * (reproducible-builds.org), else 0 (1970-01-01T00:00:00Z).  PDG_EINVALID
 * when the variable is set but is not a decimal number of seconds up to
 * the year 9999.
 */
int pdg_report_epoch(int64_t *out);
/** "2024-05-01T12:00:00Z" for t (UTC); buf of at least 32 bytes. */
void pdg_report_iso8601(char *buf, size_t n, int64_t t);
/**
 * 128-bit digest of the audit: XXH3 over its JSON report, which holds
 * every input, finding and verdict.  Reports use it for the identifiers
 * their format requires to be unique (SPDX namespaces, CycloneDX serial
 * numbers), so the same audit always gets the same ids.  hex: 33 bytes.
 */
int pdg_report_digest(const pdg_audit *a, char hex[33]);
/** "urn:uuid:..." from a digest (version and variant bits of a
 *  name-based UUID, RFC 4122 section 4.3); buf of at least 46 bytes. */
void pdg_report_uuid(char *buf, size_t n, const char hex[33]);
/** Append s percent-encoded for a URI path: unreserved characters and
 *  '/' as they are, every other byte as %XX. */
void pdg_report_put_uri(pdg_buf *b, const char *s);

#endif
