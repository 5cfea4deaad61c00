/* fuzz_gguf.c - the weights-metadata plugin on GGUF metadata.  The first
 * byte picks a stream or a file, and tight limits or the defaults. */
#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_plugin_run(PDG_KIND_GGUF, "model.gguf", data[0] & 1,
	                data[0] & 2, data + 1, size - 1);
	return 0;
}
