/* bad_abi.c - a plugin built for an ABI the host does not have. */
#include "common.h"

static const pdg_plugin plugin = {
	.abi_version = 999,
	.struct_size = sizeof(pdg_plugin),
	.name = "bad-abi",
	.version = "0.0.1",
	.init = t_init,
	.scan = t_scan,
	.free = t_free,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &plugin;
}
