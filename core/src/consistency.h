/* consistency.h - conflicts between what a repository's files claim. */
#ifndef PDG_CONSISTENCY_H
#define PDG_CONSISTENCY_H

#include "findings.h"

/** Compare the licence claims made about `component` (model card,
 *  top-level licence file, weights metadata) and add one conflict finding
 *  `license.inconsistent` citing every claim when they disagree. */
void pdg_consistency_check(pdg_findings *fs, const char *component,
                           const char *source);

/** 1 when f was found in a licence file at the top of its source
 *  (LICENSE*, LICENCE*, COPYING*, not a use policy): the file that
 *  describes the repository as a whole. */
int pdg_consistency_is_root_license(const pdg_finding *f);

#endif
