/* imports.c - match a pickled global against the rules in imports.rules.
 *
 * The lists are data (imports.rules, turned into tables at build time by
 * gen_rules.py), so reviewing or extending them touches no C.  A
 * dangerous module pattern "os" matches "os" and any submodule
 * ("os.path"); a name pattern may start or end with '*'.  Dangerous wins
 * over safe; what neither list names is unknown.
 */
#include <string.h>

#include "imports.h"

static int module_matches(const char *pat, const char *m, size_t n)
{
	size_t pn = strlen(pat);

	if (n < pn || memcmp(pat, m, pn) != 0)
		return 0;
	return n == pn || m[pn] == '.';
}

static int name_matches(const char *pat, const char *s, size_t n)
{
	size_t pn = strlen(pat);

	if (pn == 1 && pat[0] == '*')
		return 1;
	if (pn && pat[0] == '*')
		return n >= pn - 1 &&
		       memcmp(pat + 1, s + n - (pn - 1), pn - 1) == 0;
	if (pn && pat[pn - 1] == '*')
		return n >= pn - 1 && memcmp(pat, s, pn - 1) == 0;
	return n == pn && memcmp(pat, s, n) == 0;
}

static int listed(const struct pkw_rule *r, size_t count, const char *m,
                  size_t mn, const char *s, size_t sn)
{
	for (size_t i = 0; i < count; i++)
		if (module_matches(r[i].module, m, mn) &&
		    name_matches(r[i].name, s, sn))
			return 1;
	return 0;
}

pkw_class pkw_classify(const char *module, size_t module_len,
                       const char *name, size_t name_len)
{
	if (listed(pkw_dangerous_rules, pkw_dangerous_count, module,
	           module_len, name, name_len))
		return PKW_DANGEROUS;
	/* Protocol 4 resolves dotted names attribute by attribute, so
	 * "_rebuild_tensor_v2.__globals__" reaches far beyond the safe
	 * function: a dotted name is never safe. */
	if (memchr(name, '.', name_len))
		return PKW_UNKNOWN;
	/* Safe rules name exact modules, not their submodules. */
	for (size_t i = 0; i < pkw_safe_count; i++)
		if (strlen(pkw_safe_rules[i].module) == module_len &&
		    !memcmp(pkw_safe_rules[i].module, module, module_len) &&
		    name_matches(pkw_safe_rules[i].name, name, name_len))
			return PKW_SAFE;
	return PKW_UNKNOWN;
}
