/* fuzz_safetensors.c - the weights-metadata plugin on safetensors
 * headers and config.json.  The first byte picks the kind, a stream or a
 * file, and tight limits or the defaults. */
#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int config;

	if (size < 1)
		return 0;
	config = (data[0] & 3) == 3;
	fuzz_plugin_run(config ? PDG_KIND_CONFIG : PDG_KIND_SAFETENSORS,
	                config ? "config.json" : "model.safetensors",
	                data[0] & 4, data[0] & 8, data + 1, size - 1);
	return 0;
}
