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

/* Limits and duties may name the lineage edges through which they reach
 * a downstream model (`edges:` in the YAML).  When they name none, the
 * entry's derivative_edges decide: they bind derivatives only. */
typedef struct pdg_kb_limit {
	const char *what;        /* "monthly-active-users", ... */
	uint64_t number;         /* 700000000 */
	const char *text;        /* plain-language sentence */
	const char *const *edges;
	size_t n_edges;
} pdg_kb_limit;

typedef struct pdg_kb_duty {
	const char *what;        /* "include-license", "notice-file",
	                            "display-attribution", "name-prefix",
	                            "pass-use-restrictions", "share-alike",
	                            "state-changes", ... */
	const char *value;       /* e.g. "Built with Llama", "Llama" */
	const char *text;        /* plain-language sentence */
	const char *const *edges;
	size_t n_edges;
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

/* ---- the model catalogue ------------------------------------------------
 *
 * A provider document (`provider:` instead of `id:`) names who makes a family
 * of models, which documents govern each checkpoint (the licence depends on
 * the exact checkpoint: Qwen2.5-3B and -72B differ from the other sizes),
 * and how their outputs give themselves away in training data. */

typedef enum pdg_kb_provider_kind {
	PDG_KB_PROVIDER_API = 0,      /* "api": a hosted service */
	PDG_KB_PROVIDER_OPEN_WEIGHTS  /* "open-weights": downloadable models */
} pdg_kb_provider_kind;

/* Checkpoints matched by glob ('*', '?', ASCII case-insensitive) and the
 * documents that govern them. */
typedef struct pdg_kb_checkpoint {
	const char *const *match;
	size_t n_match;
	const char *const *terms;     /* KB ids */
	size_t n_terms;
} pdg_kb_checkpoint;

typedef struct pdg_kb_provider {
	const char *id;               /* "google-gemma" */
	const char *name;             /* organisation: "Google" */
	const char *product;          /* "Gemma (open weights)" */
	pdg_kb_provider_kind kind;
	const char *const *terms;     /* documents of the family when no
	                                 checkpoint matches: the candidates */
	size_t n_terms;
	const pdg_kb_checkpoint *checkpoints;
	size_t n_checkpoints;
	const char *const *self_id;   /* phrases its models say of themselves */
	size_t n_self_id;
	const char *const *templates; /* refusals and boilerplate typical of
	                                 its models: weaker evidence */
	size_t n_templates;
	const char *const *model_names; /* prefixes of model names in data */
	size_t n_model_names;
	const char *const *sources;
	size_t n_sources;
} pdg_kb_provider;

size_t pdg_kb_provider_count(const pdg_kb *kb);
/** Providers in the order the KB files define them. */
const pdg_kb_provider *pdg_kb_provider_at(const pdg_kb *kb, size_t i);
/** Exact id, ASCII case-insensitive; NULL when unknown. */
const pdg_kb_provider *pdg_kb_provider_find(const pdg_kb *kb,
                                            const char *id);
/**
 * Who makes `model` ("Qwen/Qwen2.5-3B-Instruct", "gemma-2-9b-it",
 * "gpt-4o").  Checkpoint globs are tried first, in KB order; a glob with
 * an organisation ("Qwen/...") is compared with the whole id, or with its
 * name part when `model` has no organisation; a glob without one with the
 * name part.  Then the providers' model_names as name prefixes.  *cp is
 * set to the matching checkpoint, or NULL when only the family is known
 * (its `terms` are then candidates, not a conclusion).  NULL: unknown.
 */
const pdg_kb_provider *pdg_kb_model_lookup(const pdg_kb *kb,
                                           const char *model,
                                           const pdg_kb_checkpoint **cp);
/** Glob match used by the catalogue ('*' any run, '?' one byte,
 *  ASCII case-insensitive). */
int pdg_kb_glob_match(const char *glob, const char *s);
const char *pdg_kb_provider_kind_name(pdg_kb_provider_kind k);

const char *pdg_kb_doc_kind_name(pdg_kb_doc_kind k);
const char *pdg_kb_commercial_name(pdg_kb_commercial c);
const char *pdg_kb_outputs_name(pdg_kb_outputs o);

#endif
