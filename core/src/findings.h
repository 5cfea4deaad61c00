/* findings.h - the audit's findings: owned copies, sorted for output. */
#ifndef PDG_FINDINGS_H
#define PDG_FINDINGS_H

#include <stddef.h>

#include "pedigree/pedigree.h"

/* Findings of one rule for one source beyond the store's cap: counted,
 * not kept. */
typedef struct pdg_findings_tally {
	char *rule;
	char *source;           /* may be NULL */
	char *component;
	size_t kept;
	size_t dropped;
	pdg_severity worst;     /* of the dropped ones */
} pdg_findings_tally;

typedef struct pdg_findings {
	pdg_finding *items;     /* every string owned by the store */
	size_t len;
	size_t cap;
	/* At most this many findings of one rule for one source (0: no
	 * cap): a hostile archive of a million symlinks must not cost a
	 * million findings. */
	size_t max_per_rule;
	pdg_findings_tally *tally;
	size_t ntally, tally_cap;
} pdg_findings;

/** A finding of the engine itself: certain, from "core", at no byte
 *  offset.  Set the rest, then pdg_findings_add(). */
#define PDG_CORE_FINDING_INIT \
	{ .confidence = 1.0, .plugin = "core", .byte_offset = -1 }

/** Copy f into the store.  Validates: rule and message required,
 *  properties (when set) must be a JSON object.  0 or PDG_EINVALID.
 *  Past max_per_rule findings of its rule and source, f is counted
 *  instead (0). */
int pdg_findings_add(pdg_findings *fs, const pdg_finding *f);
/** Deterministic order: component, severity (most severe first), kind,
 *  source, path, line, byte offset, rule, subject, message.  First adds
 *  one `core.findings-truncated` finding per rule and source that went
 *  past max_per_rule, as severe as the worst finding it stands for. */
void pdg_findings_sort(pdg_findings *fs);
void pdg_findings_clear(pdg_findings *fs);
/** Record the policy's verdict on f (reason copied). */
void pdg_findings_set_verdict(pdg_finding *f, pdg_verdict v,
                              const char *reason);

#endif
