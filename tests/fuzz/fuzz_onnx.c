/* fuzz_onnx.c - the unsafe-formats plugin on ONNX models (the bounded
 * protobuf walker), and the location check on raw bytes.  The first byte
 * picks a stream or a file, and tight limits or the defaults. */
#include "fuzz_plugin.h"
#include "onnx_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_plugin_run(PDG_KIND_ONNX, "model.onnx", data[0] & 1,
	                data[0] & 2, data + 1, size - 1);
	(void)onx_location_escapes((const char *)data, size);
	return 0;
}
