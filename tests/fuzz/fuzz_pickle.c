/* fuzz_pickle.c - the pickle opcode walker and the import rules on
 * arbitrary bytes.  The first byte picks small limits and a small window,
 * so refills, skips and every limit are reached with short inputs. */
#include <stddef.h>
#include <stdint.h>

#include "imports.h"
#include "pickle_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_import(void *ctx, const pkw_import *imp, uint32_t *tag)
{
	size_t *n = ctx;

	/* Touch every byte the walker hands out, so ASan checks them. */
	*n += pkw_classify(imp->module, imp->module_len, imp->name,
	                   imp->name_len);
	*tag = (uint32_t)(*n % 7) + 1;
	return 0;
}

static int on_call(void *ctx, const pkw_call *c)
{
	size_t *n = ctx;

	*n += c->tag + (c->opcode[0] == 'R');
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pkw_limits lim = PKW_LIMITS_DEFAULT;
	pkw_callbacks cb = { on_import, on_call, NULL };
	pkw_result r;
	size_t n = 0;

	cb.ctx = &n;
	if (size > 0 && data[0] < 0x20) {
		/* Tight limits: 64..1024-byte window, tiny stack and memo. */
		lim.window = 64 + (size_t)(data[0] & 0x0f) * 64;
		lim.max_string = (size_t)(data[0] & 0x07) * 16;
		lim.max_kept = 256;
		lim.max_stack = 64;
		lim.max_memo = 32;
		lim.max_bytes = 4096;
		lim.max_pickles = 3;
		data++;
		size--;
	}
	pkw_walk(&r, data, size, &lim, &cb);
	return 0;
}
