/* good.c - the smallest valid plugin. */
#include "common.h"

static const pdg_plugin plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "good",
	.version = "0.0.1",
	.description = "a test plugin that finds nothing",
	.kinds = PDG_KIND_BIT(PDG_KIND_CONFIG) | PDG_KIND_BIT(PDG_KIND_GGUF),
	.init = t_init,
	.scan = t_scan,
	.free = t_free,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &plugin;
}
