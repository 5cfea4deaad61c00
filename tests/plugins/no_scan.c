/* no_scan.c - a descriptor without its scan callback. */
#include "common.h"

static const pdg_plugin plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "no-scan",
	.version = "0.0.1",
	.init = t_init,
	.free = t_free,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &plugin;
}
