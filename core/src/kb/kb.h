/* kb.h - the knowledge base: one YAML entry per licence or terms document.
 *
 * Facts live in data (core/kb/NAME.yaml), written in the project's own words;
 * the code only loads, validates and looks them up.  Rules that carry
 * obligations along lineage edges read these fields; nothing here decides
 * a verdict.  See docs/knowledge-base.md for the schema.
 */
#ifndef PDG_KB_H
#define PDG_KB_H

#include <stddef.h>
#include <stdint.h>

typedef struct pdg_kb pdg_kb;

typedef enum pdg_kb_doc_kind {
	PDG_KB_OPEN_SOURCE = 0,  /* "open-source": SPDX licences, CC, ODC */
	PDG_KB_MODEL_LICENSE,    /* "model-license": Llama, Gemma, Qwen... */
	PDG_KB_API_TERMS,        /* "api-terms": OpenAI, Anthropic... */
	PDG_KB_USE_POLICY        /* "use-policy": acceptable-use policies */
} pdg_kb_doc_kind;

typedef enum pdg_kb_commercial {
	PDG_KB_COMMERCIAL_ALLOWED = 0,
	PDG_KB_COMMERCIAL_CONDITIONAL,   /* e.g. user thresholds */
	PDG_KB_COMMERCIAL_NON_COMMERCIAL,
	PDG_KB_COMMERCIAL_RESEARCH_ONLY,
	PDG_KB_COMMERCIAL_NA
} pdg_kb_commercial;

/* What a document says about training other models on its outputs. */
typedef enum pdg_kb_outputs {
	PDG_KB_OUTPUTS_UNRESTRICTED = 0, /* silent or explicitly free */
	PDG_KB_OUTPUTS_CONDITIONAL,      /* allowed with duties (naming...) */
	PDG_KB_OUTPUTS_DERIVATIVE,       /* the trained model is a derivative */
	PDG_KB_OUTPUTS_NO_COMPETING,     /* no models that compete with it */
	PDG_KB_OUTPUTS_PROHIBITED        /* no improving other models at all */
} pdg_kb_outputs;

typedef struct pdg_kb_limit {
	const char *what;        /* "monthly-active-users", ... */
	uint64_t number;         /* 700000000 */
	const char *text;        /* plain-language sentence */
} pdg_kb_limit;

typedef struct pdg_kb_duty {
	const char *what;        /* "include-license", "notice-file",
	                            "display-attribution", "name-prefix",
	                            "pass-use-restrictions", "share-alike",
	                            "state-changes", ... */
	const char *value;       /* e.g. "Built with Llama", "Llama" */
	const char *text;        /* plain-language sentence */
} pdg_kb_duty;

typedef struct pdg_kb_entry {
	const char *id;          /* SPDX id or LicenseRef-... */
	const char *name;
	const char *family;      /* "llama", "gemma", "apache", "cc"... */
	const char *version;     /* "3.1", "2.0", or NULL */
	const char *publisher;
	pdg_kb_doc_kind kind;
	pdg_kb_commercial commercial;
	const char *const *hf_tags;   /* model-card `license:` values */
	size_t n_hf_tags;
	const char *const *hf_names;  /* `license_name:` values with `other` */
	size_t n_hf_names;
	const char *const *permits;   /* plain-language sentences */
	size_t n_permits;
	const pdg_kb_limit *limits;
	size_t n_limits;
	const pdg_kb_duty *duties;
	size_t n_duties;
	pdg_kb_outputs outputs;
	const char *outputs_text;     /* plain-language sentence */
	const char *const *derivative_edges; /* edge types that make a model
	                                        a derivative: "finetune",
	                                        "adapter", "quantized", "merge",
	                                        "distillation",
	                                        "trained-on-outputs" */
	size_t n_derivative_edges;
	const char *use_policy;       /* id of an incorporated AUP, or NULL */
	const char *const *signatures;/* short verbatim phrases (< 12 words)
	                                 that identify the document */
	size_t n_signatures;
	const char *const *markers;   /* signature phrases that name this
	                                 exact document and version (title,
	                                 version line, notice line); a match
	                                 by signatures needs one */
	size_t n_markers;
	const char *const *sources;   /* URLs the facts came from */
	size_t n_sources;
} pdg_kb_entry;

/** The knowledge base built into the library (core/kb/NAME.yaml). */
int pdg_kb_load_default(pdg_kb **out);
/** Load one YAML file or a directory of *.yaml; errors name file:line. */
int pdg_kb_load_path(pdg_kb **out, const char *path);
size_t pdg_kb_count(const pdg_kb *kb);
/** Entries sorted by id. */
const pdg_kb_entry *pdg_kb_at(const pdg_kb *kb, size_t i);
/** Exact id, ASCII case-insensitive; NULL when unknown. */
const pdg_kb_entry *pdg_kb_find(const pdg_kb *kb, const char *id);
/** Map a model-card `license:` tag (and `license_name:` when the tag is
 *  "other") to an entry; NULL when unknown. */
const pdg_kb_entry *pdg_kb_find_hf(const pdg_kb *kb, const char *tag,
                                   const char *license_name);
void pdg_kb_free(pdg_kb *kb);
/** A value derived from the entries (the matcher's index of markers and
 *  signatures): built by build() on first use, shared by every later
 *  caller and thread, freed by destroy() in pdg_kb_free().  One cache per
 *  KB: a caller with another build() gets NULL and builds its own. */
void *pdg_kb_cache(const pdg_kb *kb, void *(*build)(const pdg_kb *kb),
                   void (*destroy)(void *value));

const char *pdg_kb_doc_kind_name(pdg_kb_doc_kind k);
const char *pdg_kb_commercial_name(pdg_kb_commercial c);
const char *pdg_kb_outputs_name(pdg_kb_outputs o);

#endif
