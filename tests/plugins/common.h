/* common.h - callbacks shared by the test-only plugins. */
#ifndef TEST_PLUGINS_COMMON_H
#define TEST_PLUGINS_COMMON_H

#include <pedigree/plugin.h>

/* Not every plugin uses every callback. */
#define T_UNUSED __attribute__((unused))

T_UNUSED static int t_init(const pdg_host_api *api, void **state)
{
	(void)api;
	*state = NULL;
	return 0;
}

T_UNUSED static int t_scan(void *state, const pdg_artifact *a,
                           pdg_emitter *out)
{
	(void)state;
	(void)a;
	(void)out;
	return 0;
}

T_UNUSED static void t_free(void *state)
{
	(void)state;
}

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi);

#endif
