/* fuzz_license.c - licence identification on arbitrary text: the
 * normaliser, the n-gram matcher with and without the knowledge base,
 * clause extraction, SPDX expressions and model-card sections. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kb/kb.h"
#include "license/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pdg_kb *kb;
	static int kb_tried;
	pdg_license_opts o = PDG_LICENSE_OPTS_INIT;
	const char *text = (const char *)data;
	pdg_license_result *r = NULL;
	pdg_spdx_expr *e = NULL;
	size_t start, end;
	char *norm = NULL;

	if (!kb_tried) {
		kb_tried = 1;
		if (pdg_kb_load_default(&kb) < 0)
			abort();
	}
	if (size > 0 && (data[0] & 1))
		o.kb = kb;
	if (pdg_license_identify(&r, text, size, &o) == 0)
		pdg_license_result_free(r);
	if (pdg_license_normalize(&norm, text, size) == 0)
		free(norm);
	if (pdg_spdx_parse(&e, text, size < 512 ? size : 512) == 0)
		pdg_spdx_expr_free(e);
	(void)pdg_license_card_section(&start, &end, text, size);
	return 0;
}
