/* fuzz_card.c - the model-card plugin on README.md front matter (YAML
 * through libyaml's event parser, never composed).  The first byte picks
 * a stream or a file, and tight limits or the defaults. */
#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_plugin_run(PDG_KIND_MODEL_CARD, "README.md", data[0] & 1,
	                data[0] & 2, data + 1, size - 1);
	return 0;
}
