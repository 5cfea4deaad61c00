/* policy.h - release policies: from findings and obligations to verdicts.
 *
 * A policy (YAML, docs/policy.md) says what the release intends
 * (commercial, competing with which providers, how many users), which
 * licences are allowed or denied anywhere in the lineage, which finding
 * rules fail, warn or pass, the exceptions granted (with a reason, who
 * granted them and until when) and clarifications that pin a licence to a
 * file by content hash.  Detectors never decide; the policy does.
 */
#ifndef PDG_POLICY_H
#define PDG_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "findings.h"
#include "lineage/lineage.h"
#include "lineage/texts.h"

typedef struct pdg_policy pdg_policy;

/** Load a policy file, or a built-in one by name ("default", "release",
 *  "research-only") when `path` has no '/' and names no file.  Errors
 *  name FILE:LINE (PDG_EINVALID) or the file (PDG_ENOTFOUND). */
int pdg_policy_load(pdg_policy **out, const char *path);
/** Parse a policy held in memory; `name` names it in errors. */
int pdg_policy_load_buffer(pdg_policy **out, const char *name,
                           const char *data, size_t len);
void pdg_policy_free(pdg_policy *p);

const char *pdg_policy_name(const pdg_policy *p);   /* `policy:` */
const char *pdg_policy_file(const pdg_policy *p);   /* where it came from */
const pdg_intent *pdg_policy_intent(const pdg_policy *p);
size_t pdg_policy_rule_count(const pdg_policy *p);
size_t pdg_policy_exception_count(const pdg_policy *p);
size_t pdg_policy_clarification_count(const pdg_policy *p);
/** Exceptions whose expiry date is before `today` ("YYYY-MM-DD"). */
size_t pdg_policy_expired_count(const pdg_policy *p, const char *today);

/** Built-in policy names, NULL-terminated. */
extern const char *const pdg_policy_builtin_names[];

/**
 * Apply clarifications before the lineage is built: a licence finding
 * (license.unknown / license.detected) on a clarified file whose content
 * hash matches becomes `license.clarified`; a file that changed since
 * voids its clarification (`policy.clarification-void`).
 */
void pdg_policy_clarify(const pdg_policy *p, pdg_findings *fs,
                        const pdg_texts *texts);

/** Allowed and denied licences, over every concluded licence in the
 *  lineage: `policy.license-denied`, `policy.license-not-allowed`. */
void pdg_policy_check_licenses(const pdg_policy *p, const pdg_lineage *l,
                               pdg_findings *fs);

/**
 * Give every finding its verdict and reason.  `fail_on` (a severity, or -1
 * for none) makes findings of that severity or worse fail whatever the
 * policy says; `no_fail` makes nothing fail.  `today` is "YYYY-MM-DD".
 * Returns 1 when any finding fails, else 0.
 */
int pdg_policy_judge(const pdg_policy *p, pdg_findings *fs, int fail_on,
                     int no_fail, const char *today);

/** "xxh3:0123456789abcdef": the content hash clarifications pin. */
char *pdg_policy_hash_string(uint64_t hash);
/** Hash a whole file the way clarifications do; 0 or <0 naming it. */
int pdg_policy_hash_file(char **out, const char *path);

#endif
