/* data_scan_phrases.c - print the dataset-origin plugin's phrases (self-
 * identifications and templates, from the knowledge base), one per line,
 * so that bench/data-scan can give ripgrep exactly the phrases pedigree
 * looks for.  Built by meson as build/bench/data-scan-phrases. */
#include <stdio.h>

#include "pedigree/pedigree.h"
#include "phrases.h"

int main(void)
{
	if (origin_providers_load() < 0) {
		fprintf(stderr, "data-scan-phrases: %s\n", pdg_error_last());
		return 1;
	}
	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct origin_provider *p = &origin_providers[i];

		for (size_t j = 0; p->phrases[j]; j++)
			puts(p->phrases[j]);
		for (size_t j = 0; p->templates && p->templates[j]; j++)
			puts(p->templates[j]);
	}
	origin_providers_unload();
	return 0;
}
