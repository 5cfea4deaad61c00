/* fuzz_license.c - the licence matcher on untrusted text: the normaliser,
 * n-gram matching against the built-in database, knowledge-base markers,
 * clause patterns, SPDX expressions, model-card front matter and file
 * name scopes.  The first byte picks which entry points run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kb/kb.h"
#include "license/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pdg_kb *kb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdg_license_opts o = PDG_LICENSE_OPTS_INIT;
	pdg_license_result *r = NULL;
	pdg_spdx_expr *e = NULL;
	const char *text = (const char *)data + 1;
	size_t len = size ? size - 1 : 0, s, t;
	char *norm = NULL;

	if (size < 1)
		return 0;
	/* Loaded once: the knowledge base is read-only and shared. */
	if (!kb && pdg_kb_load_default(&kb) < 0)
		abort();
	o.kb = data[0] & 1 ? kb : NULL;
	o.no_clauses = (data[0] & 2) != 0;
	if (pdg_license_identify(&r, text, len, &o) < 0)
		abort();        /* any text is valid input */
	pdg_license_result_free(r);
	if (data[0] & 4) {
		if (pdg_spdx_parse(&e, text, len) == 0)
			(void)pdg_spdx_expr_validate(e, NULL);
		pdg_spdx_expr_free(e);
	}
	if (data[0] & 8) {
		(void)pdg_license_card_section(&s, &t, text, len);
		(void)pdg_license_front_matter_end(text, len);
		if (pdg_license_normalize(&norm, text, len) == 0)
			free(norm);
	}
	return 0;
}
