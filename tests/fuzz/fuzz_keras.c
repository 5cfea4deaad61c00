/* fuzz_keras.c - the unsafe-formats plugin on Keras models: HDF5 bytes
 * scanned for model_config, and config.json parsed for Lambda layers.
 * The first byte picks the kind, a stream or a file, and tight limits. */
#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int h5;

	if (size < 1)
		return 0;
	h5 = data[0] & 1;
	fuzz_plugin_run(h5 ? PDG_KIND_HDF5 : PDG_KIND_CONFIG,
	                h5 ? "model.h5" : "model.keras!/config.json",
	                data[0] & 2, data[0] & 4, data + 1, size - 1);
	return 0;
}
