/* bad_limit.c - declares a limit outside its own name space. */
#include "common.h"

static const pdg_limit_desc limits[] = {
	{ "bad-limit.ok", 1, "fine" },
	{ "other.max-things", 10, "not this plugin's name" },
	{ NULL, 0, NULL },
};

static const pdg_plugin plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "bad-limit",
	.version = "0.0.1",
	.init = t_init,
	.scan = t_scan,
	.free = t_free,
	.limits = limits,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &plugin;
}
