/* policy_int.h - the loaded form of a policy, shared by policy.c (the
 * loader) and judge.c (verdicts, licences, clarifications). */
#ifndef PDG_POLICY_INT_H
#define PDG_POLICY_INT_H

#include "policy/policy.h"

typedef struct pdg_policy_rule {
	char *glob;              /* finding rule, '*' allowed */
	pdg_verdict action;
	unsigned line;
} pdg_policy_rule;

typedef struct pdg_policy_exception {
	char *rule, *subject, *component, *path;   /* globs; NULL = any */
	char *reason, *approved_by;
	char expires[11];        /* YYYY-MM-DD */
	unsigned line;
} pdg_policy_exception;

typedef struct pdg_policy_clarification {
	char *path;              /* inside the source */
	char *component;         /* NULL = any */
	uint64_t hash;
	char *license;           /* canonical SPDX expression */
	char *reason;
	unsigned line;
} pdg_policy_clarification;

struct pdg_policy {
	char *name;
	char *file;
	char *description;
	pdg_intent intent;
	char **competes;         /* backing store of intent.competes_with */
	size_t ncompetes;
	char **allow, **deny;    /* licence id globs */
	size_t nallow, ndeny;
	pdg_policy_rule *rules;
	size_t nrules;
	pdg_verdict severity[3]; /* by pdg_severity */
	pdg_policy_exception *exceptions;
	size_t nexceptions;
	pdg_policy_clarification *clarify;
	size_t nclarify;
};

/* Glob match ('*' any run, '?' one byte), case-sensitive for rules and
 * paths, as they are written. */
int pdg_policy_glob(const char *glob, const char *s);

#endif
