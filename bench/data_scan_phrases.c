/* data_scan_phrases.c - print the dataset-origin plugin's phrases (self-
 * identifications and templates), one per line, so that bench/data-scan
 * can give ripgrep exactly the phrases pedigree looks for.  Built by the
 * bench with: cc -I plugins/dataset-origin THIS phrases.c */
#include <stdio.h>

#include "phrases.h"

int main(void)
{
	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct origin_provider *p = &origin_providers[i];

		for (size_t j = 0; p->phrases[j]; j++)
			puts(p->phrases[j]);
		for (size_t j = 0; p->templates && p->templates[j]; j++)
			puts(p->templates[j]);
	}
	return 0;
}
