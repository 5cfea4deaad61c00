/* small_struct.c - a descriptor that claims to end before free(). */
#include <stddef.h>

#include "common.h"

static const pdg_plugin plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = offsetof(pdg_plugin, kinds),
	.name = "small-struct",
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
