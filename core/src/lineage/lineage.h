/* lineage.h - the component graph of an audit and the obligations that
 * flow along it.
 *
 * Detectors report facts (a model card names a base model, weights
 * metadata names teachers, a dataset holds gpt-4o outputs, a fingerprint
 * test says "distilled from").  This pass joins them into one graph: the
 * audited model, its base models, teachers, data sources and datasets,
 * each edge typed and carrying its evidence.  Licences of components come
 * from their own files when the audit has them (--component, --dataset) and
 * from the knowledge base's model catalogue otherwise.  Obligations then
 * flow along edges by the rules in the knowledge base (docs/lineage.md);
 * broken ones become conflict findings.
 */
#ifndef PDG_LINEAGE_H
#define PDG_LINEAGE_H

#include <stddef.h>
#include <stdint.h>

#include "findings.h"
#include "kb/kb.h"
#include "lineage/texts.h"

typedef enum pdg_edge_type {
	PDG_EDGE_FINETUNE = 0,
	PDG_EDGE_ADAPTER,
	PDG_EDGE_QUANTIZED,
	PDG_EDGE_MERGE,
	PDG_EDGE_DISTILLATION,
	PDG_EDGE_TRAINED_ON_OUTPUTS,
	PDG_EDGE_DATASET,
	PDG_EDGE_COUNT_
} pdg_edge_type;

/* Names as the knowledge base spells them ("trained-on-outputs"). */
const char *pdg_edge_type_name(pdg_edge_type t);
int pdg_edge_type_parse(pdg_edge_type *out, const char *name);

typedef enum pdg_component_role {
	PDG_ROLE_MODEL = 0,     /* an audited model */
	PDG_ROLE_BASE,          /* finetuned, adapted, quantised or merged */
	PDG_ROLE_TEACHER,       /* distilled from, or trained on its outputs */
	PDG_ROLE_DATASET,
	PDG_ROLE_COUNT_
} pdg_component_role;

const char *pdg_component_role_name(pdg_component_role r);

/* Where a component's licence claim comes from. */
typedef struct pdg_comp_license {
	char *id;               /* KB id, SPDX expression or
	                           LicenseRef-unknown */
	char *name;             /* for unknown licences: what the file or
	                           card calls it; else NULL */
	char *origin;           /* "model card", "licence file", "weights
	                           metadata", "dataset card", "catalogue",
	                           "catalogue (family)", "clarification" */
	char *source, *path, *commit;
	uint32_t line;
} pdg_comp_license;

typedef struct pdg_component {
	char *id;               /* "avocado", "google/gemma-2-9b-it" */
	pdg_component_role role;
	char *source;           /* the input that describes it, or NULL
	                           when it is known only by id */
	char *provider;         /* KB provider id, or NULL */
	pdg_comp_license *licenses;
	size_t nlicenses;
	int candidates;         /* licences are the family's candidates:
	                           the checkpoint is not in the catalogue */
} pdg_component;

typedef struct pdg_edge_evidence {
	char *rule;             /* finding that showed the edge */
	char *source, *path, *commit;
	uint32_t line;
	int64_t byte_offset;
	char *detail;           /* the finding's message */
} pdg_edge_evidence;

typedef struct pdg_edge {
	size_t from;            /* the downstream component */
	size_t to;              /* the upstream component */
	pdg_edge_type type;
	pdg_edge_evidence *evidence;
	size_t nevidence;
	int declared;           /* the model card declares the upstream */
	char *declared_at;      /* "README.md:5" or NULL */
} pdg_edge;

typedef enum pdg_obligation_status {
	PDG_OBLIGATION_MET = 0,    /* checked and found */
	PDG_OBLIGATION_UNMET,      /* checked and missing: a conflict */
	PDG_OBLIGATION_CONFLICT,   /* cannot be met as the release stands */
	PDG_OBLIGATION_REVIEW,     /* a person must check it */
	PDG_OBLIGATION_STATUS_COUNT_
} pdg_obligation_status;

const char *pdg_obligation_status_name(pdg_obligation_status s);

typedef struct pdg_obligation {
	size_t component;       /* who owes it (index) */
	size_t upstream;        /* where it comes from (index) */
	char *license;          /* KB id */
	char *kind;             /* "duty", "limit", "outputs", "license",
	                           "commercial" */
	char *what;             /* duty or limit name, "no-competing",
	                           "outputs-prohibited", "carry-license",
	                           "non-commercial" */
	char *value;            /* e.g. "Built with Llama", or NULL */
	char *text;             /* what the knowledge base says */
	uint32_t edges;         /* bit per pdg_edge_type that carries it */
	pdg_obligation_status status;
	char *note;             /* what the check found, one sentence */
	char *path;             /* evidence when met, else NULL */
	uint32_t line;
	char *rule;             /* conflict finding emitted, or NULL */
} pdg_obligation;

/* What the release intends, from the policy; each fact may be unknown. */
typedef enum pdg_tristate {
	PDG_UNKNOWN = -1, PDG_NO = 0, PDG_YES = 1
} pdg_tristate;

typedef struct pdg_intent {
	pdg_tristate commercial;
	pdg_tristate distributes_weights;  /* weights leave the lab */
	pdg_tristate hosted;               /* offered as a service */
	/* Providers the model competes with: ids, or "*" for all; known
	 * tells an empty list ("competes with nobody") from no word. */
	const char *const *competes_with;
	size_t n_competes_with;
	int competes_known;
	uint64_t monthly_active_users;     /* 0: unknown */
	uint64_t annual_revenue_usd;       /* 0: unknown */
} pdg_intent;

#define PDG_INTENT_INIT { PDG_UNKNOWN, PDG_UNKNOWN, PDG_UNKNOWN, NULL, 0, \
                          0, 0, 0 }

/* An input of the audit and what it describes. */
typedef struct pdg_lineage_input {
	const char *component;
	const char *source;
	pdg_component_role role;   /* MODEL for plain inputs, DATASET for
	                              --dataset, BASE for --component (the
	                              edges decide its final role) */
} pdg_lineage_input;

typedef struct pdg_lineage {
	pdg_component *components;
	size_t ncomponents;
	pdg_edge *edges;
	size_t nedges;
	pdg_obligation *obligations;
	size_t nobligations;
} pdg_lineage;

/**
 * Build the graph from the audit's findings and evaluate obligations,
 * appending conflict findings to `fs`.  `texts` are the documents kept
 * for checks; `intent` may be NULL (all unknown).  0 or <0.
 */
int pdg_lineage_build(pdg_lineage *out, pdg_findings *fs,
                      const pdg_lineage_input *inputs, size_t ninputs,
                      const pdg_texts *texts, const pdg_kb *kb,
                      const pdg_intent *intent);
void pdg_lineage_clear(pdg_lineage *l);

/** Index of the component with this id, or (size_t)-1. */
size_t pdg_lineage_find(const pdg_lineage *l, const char *id);

/* Internal to the lineage pass: what graph.c builds with and hands to
 * obligations.c, which works on the built graph. */
typedef struct pdg_lineage_ctx {
	pdg_lineage *l;
	pdg_findings *fs;
	const pdg_lineage_input *inputs;
	size_t ninputs;
	const pdg_texts *texts;
	const pdg_kb *kb;
	pdg_intent intent;
} pdg_lineage_ctx;

int pdg_obligations_eval(pdg_lineage_ctx *x);

#endif
