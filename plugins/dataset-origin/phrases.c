/*
 * phrases.c - the provider table, read from the knowledge base's model
 * catalogue (core/kb/providers.yaml): each provider's self-identification
 * phrases, refusal templates, model-name prefixes and terms.  The data
 * lives there, with the checkpoint licences the lineage pass uses, so one
 * edit reaches both.  The table is built once per process while any
 * plugin state holds it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "kb/kb.h"
#include "phrases.h"
#include "util.h"

const struct origin_provider *origin_providers;
size_t origin_provider_count;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned table_users;
static pdg_kb *table_kb;
static struct origin_provider *table;

/* A NULL-terminated copy of a KB list (the strings stay the KB's), or
 * NULL for an empty one when `null_if_empty`. */
static const char *const *terminated(const char *const *v, size_t n,
                                     int lower, int null_if_empty)
{
	if (n == 0 && null_if_empty)
		return NULL;
	const char **out = pdg_xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = lower ? pdg_ascii_lower(v[i]) : v[i];
	return out;
}

static void free_table(void)
{
	for (size_t i = 0; i < origin_provider_count; i++) {
		struct origin_provider *p = &table[i];
		for (size_t k = 0; p->model_prefixes[k]; k++)
			free((char *)p->model_prefixes[k]);
		free((void *)p->terms);
		free((void *)p->phrases);
		free((void *)p->model_prefixes);
		free((void *)p->templates);
	}
	free(table);
	pdg_kb_free(table_kb);
	table = NULL;
	table_kb = NULL;
	origin_providers = NULL;
	origin_provider_count = 0;
}

static int build_table(void)
{
	int rc = pdg_kb_load_default(&table_kb);
	size_t n;

	if (rc < 0)
		return rc;
	n = pdg_kb_provider_count(table_kb);
	table = pdg_xcalloc(n ? n : 1, sizeof(*table));
	for (size_t i = 0; i < n; i++) {
		const pdg_kb_provider *k = pdg_kb_provider_at(table_kb, i);
		struct origin_provider *p = &table[i];

		p->key = k->id;
		p->organisation = k->name;
		p->family = k->product;
		p->terms = terminated(k->terms, k->n_terms, 0, 0);
		p->phrases = terminated(k->self_id, k->n_self_id, 0, 0);
		p->model_prefixes = terminated(k->model_names,
		                               k->n_model_names, 1, 0);
		p->templates = terminated(k->templates, k->n_templates, 0, 1);
	}
	origin_providers = table;
	origin_provider_count = n;
	return 0;
}

int origin_providers_load(void)
{
	int rc = 0;

	pthread_mutex_lock(&table_lock);
	if (table_users == 0)
		rc = build_table();
	if (rc == 0)
		table_users++;
	else
		free_table();
	pthread_mutex_unlock(&table_lock);
	return rc;
}

void origin_providers_unload(void)
{
	pthread_mutex_lock(&table_lock);
	if (table_users && --table_users == 0)
		free_table();
	pthread_mutex_unlock(&table_lock);
}

const char *const origin_model_keys[] = {
	"model", "model_name", "model_id", "generator", "generated_by",
	"teacher", "teacher_model", "source", "source_model", NULL
};
