/* null_desc.c - an entry point that declines the host. */
#include "common.h"

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return NULL;
}
