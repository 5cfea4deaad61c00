/* license_history.h - how a git repository's licence changed over time. */
#ifndef PDG_LICENSE_HISTORY_H
#define PDG_LICENSE_HISTORY_H

#include <stdint.h>

#include "findings.h"

/** Walk the first-parent history of `rev` (NULL: HEAD) in the repository
 *  at `repo` (bare or a working tree), newest first, at most
 *  `max_commits` commits.  In each commit the licence files at the top
 *  of the tree (pdg_license_path_is_claim) are identified, each distinct
 *  blob once; when the set of licences they hold changed, one finding
 *  `license.history-changed` is added for `component`, citing every
 *  commit that changed it and the licences held before and after
 *  (docs/report.md).  0, or <0 when the repository cannot be read. */
int pdg_license_history(pdg_findings *fs, const char *repo, const char *rev,
                        uint32_t max_commits, const char *component,
                        const char *source);

#endif
