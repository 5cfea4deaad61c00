/* audit.h - the engine's state for one `pedigree audit` run. */
#ifndef PDG_AUDIT_H
#define PDG_AUDIT_H

#include "pedigree/pedigree.h"
#include "findings.h"
#include "lineage/lineage.h"
#include "lineage/texts.h"
#include "policy/policy.h"
#include "plugin_loader.h"
#include "source.h"

/* One input the user passed. */
typedef struct pdg_audit_source {
	char *path;                 /* as passed */
	pdg_source_type type;
	char *commit;               /* git: the commit read, else NULL */
	char *component;            /* component of its artifacts */
	pdg_component_role role;    /* MODEL, DATASET (--dataset) or BASE
	                               (--component: edges decide) */
	uint64_t artifacts;         /* files seen */
	uint64_t kind_counts[PDG_KIND_COUNT_];
} pdg_audit_source;

/* An artifact kept for the report (kind != OTHER). */
typedef struct pdg_audit_artifact {
	char *source;
	char *path;
	char *commit;
	pdg_artifact_kind kind;
	uint64_t size;
	uint32_t flags;
	char *lfs_oid;              /* NULL unless an LFS pointer */
	uint64_t lfs_size;
} pdg_audit_artifact;

/* A plugin active in this audit. */
typedef struct pdg_audit_plugin {
	const pdg_plugin *plugin;
	void *state;
	int init_failed;
	char *init_error;
} pdg_audit_plugin;

struct pdg_emitter {
	pdg_audit *audit;
	const pdg_plugin *plugin;
	const char *source;         /* for finish(): no artifact */
	const char *component;
};

struct pdg_audit {
	pdg_audit_options opts;
	pdg_plugin_set *plugins;
	pdg_audit_plugin *active;   /* loaded plugins, by name */
	size_t nactive;

	pdg_audit_source *sources;
	size_t nsources;

	pdg_audit_artifact *artifacts;
	size_t nartifacts, cap_artifacts;
	uint64_t artifacts_dropped; /* past limits.max_artifacts */

	pdg_findings findings;
	pdg_texts *texts;           /* documents kept for obligation checks */
	size_t texts_full;          /* documents the store had no room for */
	pdg_lineage lineage;        /* built by pdg_audit_finish() */
	pdg_policy *policy;         /* --policy, else the built-in default */
	int finished;
	int failed;
};

/** Record a finding from a plugin (the host API's emit()). */
int pdg_emit(pdg_emitter *e, const pdg_artifact *a,
             const pdg_finding_desc *f);
/** The host API table handed to every plugin's init(). */
const pdg_host_api *pdg_host_api_get(void);

#endif
