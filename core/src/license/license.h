/* license.h - identify licence texts: normalise, match hashed word n-grams
 * against a database built into the library, parse SPDX expressions and
 * extract typed clauses (non-commercial, user thresholds...).
 *
 * Internal API (libpedigree_internal), used by `pedigree identify`, the
 * license-text plugin and the unit tests.  See docs/identification.md for
 * the method, the thresholds and how to regenerate the database.
 *
 * Every function is thread-safe: the built-in database is loaded once and
 * read-only afterwards.
 */
#ifndef PDG_LICENSE_H
#define PDG_LICENSE_H

#include <stddef.h>
#include <stdint.h>

typedef struct pdg_kb pdg_kb;
typedef struct pdg_license_db pdg_license_db;

/* ------------------------------------------------------------------ */
/* Clauses                                                            */

/** Typed clauses found in any text; the table of patterns is in
 *  clauses.c.  Values are stable (they appear in JSON by name). */
typedef enum pdg_clause_type {
	PDG_CLAUSE_NON_COMMERCIAL = 0,
	PDG_CLAUSE_RESEARCH_ONLY,
	PDG_CLAUSE_USER_THRESHOLD,    /**< number = users (e.g. 700000000) */
	PDG_CLAUSE_OUTPUT_TRAINING,   /**< outputs may not improve others */
	PDG_CLAUSE_NO_COMPETING,      /**< no competing models/products */
	PDG_CLAUSE_DERIVATIVE_NAMING, /**< value = required name prefix */
	PDG_CLAUSE_ATTRIBUTION,       /**< value = text to display */
	PDG_CLAUSE_USE_RESTRICTIONS,  /**< use restrictions flow down */
	PDG_CLAUSE_SHARE_ALIKE,
	PDG_CLAUSE_TYPE_COUNT_
} pdg_clause_type;

typedef struct pdg_license_clause {
	pdg_clause_type type;
	int has_number;
	uint64_t number;
	char *value;        /**< quoted name or display text, or NULL */
	uint32_t line;      /**< 1-based line where the clause starts */
	char *text;         /**< the sentence, whitespace collapsed, cut at
	                         PDG_CLAUSE_TEXT_MAX bytes */
} pdg_license_clause;

#define PDG_CLAUSE_TEXT_MAX 240

/** Stable name ("non-commercial", "user-threshold"...). */
const char *pdg_clause_type_name(pdg_clause_type t);

/** Extract clauses from a text, in order of position.  *out is NULL when
 *  none were found.  0 or <0. */
int pdg_license_clauses(pdg_license_clause **out, size_t *n,
                        const char *text, size_t len);
void pdg_license_clauses_free(pdg_license_clause *c, size_t n);

/* ------------------------------------------------------------------ */
/* Identification                                                     */

/** What kind of document a match is (from the knowledge base when one is
 *  given, else from the id). */
typedef enum pdg_license_doc {
	PDG_LICENSE_DOC_LICENSE = 0,
	PDG_LICENSE_DOC_USE_POLICY,
	PDG_LICENSE_DOC_TERMS
} pdg_license_doc;

typedef enum pdg_license_method {
	PDG_LICENSE_BY_TEXT = 0,      /**< n-gram database */
	PDG_LICENSE_BY_SIGNATURE      /**< knowledge-base signature phrases */
} pdg_license_method;

typedef struct pdg_license_match {
	char *id;
	char **equivalent;   /**< other ids whose text is the same */
	size_t n_equivalent;
	char *part_of;       /**< id of the match that includes this one
	                          (the Llama 3 LICENSE ends with its AUP),
	                          or NULL */
	pdg_license_method method;
	pdg_license_doc doc;
	double score;        /**< ranking score, 0..1 */
	double dice;         /**< Dice of the licence and the whole text */
	double containment;  /**< share of the licence found in the span */
	double precision;    /**< share of the span that is the licence
	                          (text added to a licence lowers it) */
	double confidence;   /**< 0..1 */
	uint32_t line_start; /**< matched span, 1-based, inclusive */
	uint32_t line_end;
	uint64_t byte_start; /**< matched span in bytes, [start, end) */
	uint64_t byte_end;
} pdg_license_match;

/** Nearest database entries when nothing is detected. */
typedef struct pdg_license_candidate {
	char *id;
	double score;
	double dice;
	double containment;
} pdg_license_candidate;

#define PDG_LICENSE_UNKNOWN "LicenseRef-unknown"

typedef struct pdg_license_result {
	/** What applies: the declared SPDX expression or model-card tag
	 *  when present and valid, else the detected id(s) joined with
	 *  " AND ", else PDG_LICENSE_UNKNOWN. */
	char *license;
	/** For a detection: how sure.  For PDG_LICENSE_UNKNOWN: how sure
	 *  that no known text is present (1 - best containment). */
	double confidence;

	pdg_license_match *matches;   /**< in order of position */
	size_t n_matches;
	pdg_license_candidate *candidates; /**< only when nothing matched */
	size_t n_candidates;
	pdg_license_clause *clauses;
	size_t n_clauses;

	char *spdx_identifier; /**< first SPDX-License-Identifier, canonical
	                            when it parses, else as written */
	uint32_t spdx_line;
	int spdx_valid;        /**< 1 parses and every id is known */
	char *spdx_error;      /**< why not valid, or NULL */
	char *card_license;    /**< model-card front matter `license:` */
	char *card_license_id; /**< what that tag maps to, or NULL */
	int disagreement;      /**< a declaration contradicts the text */
	int truncated;         /**< only a prefix of the text was read */
} pdg_license_result;

typedef struct pdg_license_opts {
	unsigned int version;      /**< PDG_LICENSE_OPTS_VERSION */
	const pdg_kb *kb;          /**< optional: signatures, document kinds
	                                and model-card tags */
	const pdg_license_db *db;  /**< NULL: the built-in database */
	double threshold;          /**< containment needed to report a
	                                licence; 0: PDG_LICENSE_THRESHOLD */
	unsigned int max_matches;  /**< 0: 8 */
	unsigned int max_candidates; /**< 0: 5 */
	int no_clauses;            /**< skip clause extraction */
} pdg_license_opts;

#define PDG_LICENSE_OPTS_VERSION 1
#define PDG_LICENSE_OPTS_INIT { PDG_LICENSE_OPTS_VERSION, NULL, NULL, 0, 0, \
                                0, 0 }
#define PDG_LICENSE_THRESHOLD 0.80
/** Texts are analysed up to this many bytes; result.truncated says so. */
#define PDG_LICENSE_MAX_TEXT (8u << 20)

/** Identify the licence(s) in a text.  opts may be NULL.  Returns 0 and a
 *  result (free with pdg_license_result_free), or <0 on internal error
 *  (a corrupt database); any byte sequence is a valid text. */
int pdg_license_identify(pdg_license_result **out, const char *text,
                         size_t len, const pdg_license_opts *opts);
void pdg_license_result_free(pdg_license_result *r);

/** The normalised token stream, tokens separated by one space: what the
 *  matcher compares (for tests and for `--debug`).  0 or <0. */
int pdg_license_normalize(char **out, const char *text, size_t len);

/** A copy of s[0..n) that is valid UTF-8 (invalid bytes and NULs become
 *  U+FFFD), for JSON output. */
char *pdg_license_utf8_copy(const char *s, size_t n);

/** Locate the licence part of a model card: the `extra_gated_prompt`
 *  value, else a Markdown section whose heading names a licence.
 *  1 (found, [*start, *end) set), 0 (none). */
int pdg_license_card_section(size_t *start, size_t *end, const char *text,
                             size_t len);
/** Offset of the closing line of a model card's YAML front matter, 0
 *  when the text has none. */
size_t pdg_license_front_matter_end(const char *text, size_t len);

/* JSON (jansson objects, new references), the same for every caller.
 * Reals are rounded to 4 decimals. */
struct json_t;
struct json_t *pdg_license_result_json(const pdg_license_result *r);
struct json_t *pdg_license_match_json(const pdg_license_match *m);
struct json_t *pdg_license_clause_json(const pdg_license_clause *c);
/** "license", "use-policy", "terms". */
const char *pdg_license_doc_name(pdg_license_doc d);

/* ------------------------------------------------------------------ */
/* Scope: which part of a release a licence covers                     */

/** What a licence claim speaks for.  MODEL is the default: the release
 *  as a whole (code and weights) unless another file narrows it. */
typedef enum pdg_license_scope {
	PDG_SCOPE_MODEL = 0,
	PDG_SCOPE_CODE,
	PDG_SCOPE_WEIGHTS,
	PDG_SCOPE_DATA
} pdg_license_scope;

/** "model", "code", "weights", "data". */
const char *pdg_license_scope_name(pdg_license_scope s);
/** Inverse of pdg_license_scope_name(); 0 or -1. */
int pdg_license_scope_parse(pdg_license_scope *out, const char *name);
/** The scope a licence file's name gives it: MODEL_LICENSE and
 *  LICENSE-MODEL the weights, LICENSE-CODE the code, DATA_LICENSE the
 *  data, anything else the whole model. */
pdg_license_scope pdg_license_scope_of_path(const char *path);
/** 1 when a file at `path` (relative to its source) states the licence
 *  of the release or of a part of it: a LICENSE*, COPYING*,
 *  MODEL_LICENSE-like file at the top; not NOTICE files, use policies,
 *  READMEs or files in sub-folders. */
int pdg_license_path_is_claim(const char *path);

/* ------------------------------------------------------------------ */
/* Database                                                           */

/** The database built into the library (core/data/licdb.bin).  Shared,
 *  never freed by the caller.  0 or <0 (corrupt build). */
int pdg_license_db_default(const pdg_license_db **out);
/** Open a database from a file (e.g. one the generator just wrote).
 *  Validates the whole file.  0, PDG_ENOTFOUND, PDG_EIO, PDG_EINVALID. */
int pdg_license_db_open(pdg_license_db **out, const char *path);
void pdg_license_db_free(pdg_license_db *db);
/** 1 when db was generated by this build's normaliser (a database from
 *  an older normaliser still works, less well: regenerate it). */
int pdg_license_db_current(const pdg_license_db *db);
/** Number of distinct texts (each has one or more ids). */
size_t pdg_license_db_count(const pdg_license_db *db);
/** Preferred id of text i. */
const char *pdg_license_db_id(const pdg_license_db *db, size_t i);
/** Canonical spelling of a known id (ASCII case-insensitive lookup over
 *  every id, equivalents included), or NULL. */
const char *pdg_license_db_find(const pdg_license_db *db, const char *id);

/* ------------------------------------------------------------------ */
/* SPDX license expressions                                           */

typedef struct pdg_spdx_expr pdg_spdx_expr;

/** Parse an SPDX license expression (AND, OR, WITH, parentheses, "+",
 *  LicenseRef-, DocumentRef-...:LicenseRef-).  Operators are accepted in
 *  any case.  PDG_EINVALID with a message naming the position. */
int pdg_spdx_parse(pdg_spdx_expr **out, const char *s, size_t len);
/** Canonical form: upper-case operators, single spaces, parentheses only
 *  where precedence needs them (AND binds tighter than OR). */
const char *pdg_spdx_expr_string(const pdg_spdx_expr *e);
/** Distinct licence ids, in order of appearance, without "+". */
size_t pdg_spdx_expr_license_count(const pdg_spdx_expr *e);
const char *pdg_spdx_expr_license(const pdg_spdx_expr *e, size_t i);
/** Distinct exception ids (after WITH). */
size_t pdg_spdx_expr_exception_count(const pdg_spdx_expr *e);
const char *pdg_spdx_expr_exception(const pdg_spdx_expr *e, size_t i);
/** Check every id against db (NULL: the built-in one) and the built-in
 *  list of exceptions; rewrites ids to their canonical case.  0 or
 *  PDG_EINVALID naming the first unknown id. */
int pdg_spdx_expr_validate(pdg_spdx_expr *e, const pdg_license_db *db);
void pdg_spdx_expr_free(pdg_spdx_expr *e);
/** Truth of the expression when each licence id is `leaf(id)` (nonzero
 *  true): AND needs both sides, OR either; WITH exceptions and '+' are
 *  the id's business.  Every leaf is visited, left to right. */
typedef int (*pdg_spdx_leaf_fn)(const char *id, void *payload);
int pdg_spdx_expr_eval(const pdg_spdx_expr *e, pdg_spdx_leaf_fn leaf,
                       void *payload);

#endif
