/* error.h - per-thread last error (libgit2 style). */
#ifndef PDG_ERROR_H
#define PDG_ERROR_H

#include "pedigree/pedigree.h"

/** Set the thread's last error; returns `code` so callers can write
 *  `return pdg_error_set(PDG_EINVALID, "%s: not a repository", p);`. */
int pdg_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pdg_error_clear(void);

#endif
