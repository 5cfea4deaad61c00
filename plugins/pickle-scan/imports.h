/* imports.h - how risky a global a pickle imports is. */
#ifndef PDG_PICKLE_IMPORTS_H
#define PDG_PICKLE_IMPORTS_H

#include <stddef.h>

typedef enum pkw_class {
	PKW_SAFE = 0,        /* builds data only */
	PKW_UNKNOWN,         /* not on either list: review */
	PKW_DANGEROUS        /* can run code, touch files or the network */
} pkw_class;

/* One line of imports.rules. */
struct pkw_rule {
	const char *module;
	const char *name;
};

/* The tables gen_rules.py generates from imports.rules. */
extern const struct pkw_rule pkw_safe_rules[];
extern const size_t pkw_safe_count;
extern const struct pkw_rule pkw_dangerous_rules[];
extern const size_t pkw_dangerous_count;

/* Classify module.name (lengths given: neither is NUL-terminated). */
pkw_class pkw_classify(const char *module, size_t module_len,
                       const char *name, size_t name_len);

#endif
