/* fuzz_pickle.c - the pickle walker and the import rules on arbitrary
 * bytes, directly (default or tight limits with a small window, so
 * refills, skips and every limit are reached by short inputs) and
 * through the pickle-scan plugin as a raw pickle or a torch.save zip.
 * The first byte picks which. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_plugin.h"
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

static void walk(const uint8_t *data, size_t size, uint8_t sel)
{
	pkw_limits lim = PKW_LIMITS_DEFAULT;
	pkw_callbacks cb = { on_import, on_call, NULL };
	pkw_result r;
	size_t n = 0;

	cb.ctx = &n;
	if (sel & 0x10) {
		lim.window = 64 + (size_t)(sel >> 5) * 64;
		lim.max_string = (size_t)(sel & 0x0c) * 4;
		lim.max_kept = 256;
		lim.max_stack = 64;
		lim.max_memo = 32;
		lim.max_bytes = 4096;
		lim.max_pickles = 3;
	}
	pkw_walk(&r, data, size, &lim, &cb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	switch (sel & 3) {
	case 0:
	case 1:
		walk(data, size, sel);
		break;
	case 2:
		fuzz_plugin_run(PDG_KIND_PICKLE, "model.pkl", sel & 4,
		                sel & 8, data, size);
		break;
	default:
		fuzz_plugin_run(PDG_KIND_PYTORCH_ZIP, "pytorch_model.bin",
		                sel & 4, sel & 8, data, size);
		break;
	}
	return 0;
}
