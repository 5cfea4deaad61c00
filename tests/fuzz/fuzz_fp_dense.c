/* fuzz_fp_dense.c - a safetensors header of dense logits, or a
 * vocabulary (tokenizer.json or a list); the first byte chooses. */
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/fp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		pdg_fp_tensor *t = NULL;
		size_t n = 0;
		/* the file is as long as the input, or claims more */
		uint64_t file = (data[0] & 2) ? size - 1 : (uint64_t)size << 4;
		if (pdg_fp_safetensors_header(&t, &n, "fuzz", data + 1,
		                              size - 1, file) == 0)
			pdg_fp_tensors_free(t, n);
	} else {
		pdg_fp_vocab v;
		if (pdg_fp_vocab_parse(&v, "fuzz", (const char *)data + 1,
		                       size - 1) == 0)
			pdg_fp_vocab_free(&v);
	}
	return 0;
}
