/* fuzz_pickle.c - the pickle opcode walker and the import lists on
 * arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "imports.h"
#include "pickle_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_import(void *ctx, const pkw_import *imp)
{
	size_t *n = ctx;

	/* Touch every byte the walker hands out, so ASan checks them. */
	*n += pkw_classify(imp->module, imp->module_len, imp->name,
	                   imp->name_len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pkw_result r;
	size_t n = 0;

	pkw_walk(&r, data, size, on_import, &n);
	return 0;
}
