/* fuzz_fp_manifest.c - fingerprint manifests, YAML or JSON.  Files it
 * names resolve under a folder that does not exist. */
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/fp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdg_fp_manifest *m = NULL;

	(void)pdg_fp_manifest_parse(&m, "/nonexistent-fuzz/m.yaml",
	                            (const char *)data, size);
	pdg_fp_manifest_free(m);
	return 0;
}
