/* old_struct.c - a plugin built before pdg_plugin.limits existed: its
 * struct_size ends before the field, so whatever follows is not read. */
#include <stddef.h>

#include "common.h"

static const pdg_limit_desc bogus[] = {
	{ "Not A Valid Name", 1, NULL },
	{ NULL, 0, NULL },
};

static const pdg_plugin plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = offsetof(pdg_plugin, limits),
	.name = "old-struct",
	.version = "0.0.1",
	.init = t_init,
	.scan = t_scan,
	.free = t_free,
	.limits = bogus,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &plugin;
}
