/* fuzz_classify.c - content sniffing and Git LFS pointer parsing.  The
 * first byte picks a file name, so name-driven sniffing is reached too. */
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"model.safetensors", "pytorch_model.bin", "model.gguf", "x.pkl",
	"README.md", "data.jsonl", "weights.pt", "LICENSE", "blob",
	"a.tar.gz", "model.onnx", "config.json",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdg_artifact a;
	struct pdg_mem_stream m;
	char oid[72];
	uint64_t lfs_size;

	if (size < 1)
		return 0;
	m.data = data + 1;
	m.size = size - 1;
	mem_artifact(&a, &m, names[data[0] % (sizeof(names) /
	                                      sizeof(*names))]);
	(void)pdg_classify(&a);
	pdg_artifact_release(&a);
	(void)pdg_lfs_pointer_parse(data, size, oid, &lfs_size);
	(void)pdg_magic_is_archive(data, size);
	return 0;
}
