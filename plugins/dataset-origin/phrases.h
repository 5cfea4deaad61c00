/*
 * phrases.h - the provider table of the dataset-origin plugin, built from
 * the knowledge base's model catalogue (phrases.c): who a generated record
 * points at, the terms that follow
 * such outputs (knowledge-base ids), the phrases a model uses about itself,
 * the model-name prefixes that metadata fields carry and, optionally, the
 * refusal and boilerplate templates typical of the provider's models.
 */
#ifndef PDG_DATASET_ORIGIN_PHRASES_H
#define PDG_DATASET_ORIGIN_PHRASES_H

#include <stddef.h>

struct origin_provider {
	const char *key;                   /* subject: "openai" */
	const char *organisation;          /* "OpenAI" */
	const char *family;                /* "ChatGPT / GPT-4" */
	const char *const *terms;          /* KB ids, NULL-terminated */
	const char *const *phrases;        /* self-identification,
	                                      NULL-terminated */
	const char *const *model_prefixes; /* lower case, NULL-terminated */
	/* Refusals and boilerplate typical of the provider's models, weaker
	 * evidence than a self-identification; NULL-terminated, or NULL for
	 * none. */
	const char *const *templates;
};

/* Valid between origin_providers_load() and the matching
 * origin_providers_unload(); read-only, shared by every thread. */
extern const struct origin_provider *origin_providers;
extern size_t origin_provider_count;

/** Build the table from the built-in knowledge base (reference counted).
 *  0, or <0 with the error set. */
int origin_providers_load(void);
void origin_providers_unload(void);
/* Top-level (or one level down) JSON keys whose value names a model. */
extern const char *const origin_model_keys[];

#endif
