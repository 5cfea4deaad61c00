/* limits.c - a plugin that declares limits and reports the values in
 * force, so tests can see `--limit NAME=VALUE` reach a plugin. */
#include <stdio.h>

#include "common.h"

static const pdg_limit_desc limits[] = {
	{ "limits.max-things", 10, "things looked at per file" },
	{ "limits.max-depth", 3, "nesting followed" },
	{ NULL, 0, NULL },
};

static const pdg_host_api *host;

static int l_init(const pdg_host_api *api, void **state)
{
	host = api;
	*state = NULL;
	return 0;
}

/* One finding per config file: "max-things=N max-depth=M". */
static int l_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char msg[128];

	(void)state;
	snprintf(msg, sizeof(msg), "max-things=%llu max-depth=%llu "
	         "undeclared=%llu",
	         (unsigned long long)pdg_limit_value(host, out, &limits[0]),
	         (unsigned long long)pdg_limit_value(host, out, &limits[1]),
	         (unsigned long long)host->limit(out, "limits.undeclared",
	                                         77));
	d.rule = "limits.values";
	d.message = msg;
	return host->emit(out, a, &d);
}

static const pdg_plugin plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "limits",
	.version = "0.0.1",
	.description = "reports the limits in force",
	.kinds = PDG_KIND_BIT(PDG_KIND_CONFIG),
	.init = l_init,
	.scan = l_scan,
	.free = t_free,
	.limits = limits,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &plugin;
}
