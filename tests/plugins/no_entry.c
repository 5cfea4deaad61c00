/* no_entry.c - a shared object that exports no entry point.  The
 * function is exported under another name so the object is not empty. */
#include <pedigree/plugin.h>

PDG_PLUGIN_EXPORT int not_the_entry(void);

PDG_PLUGIN_EXPORT int not_the_entry(void)
{
	return 42;
}
