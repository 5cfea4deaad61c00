/* fuzz_fp_jsonl.c - one line of logprobs JSONL (every server shape). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fingerprint/fp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdg_fp_scores s;
	pdg_fp_limits lim = { 1u << 20, 1u << 16 };

	memset(&s, 0, sizeof(s));
	(void)pdg_fp_parse_line(&s, "fuzz.jsonl", 1, (const char *)data, size,
	                        &lim);
	/* a second line against the same store: duplicates, growth */
	(void)pdg_fp_parse_line(&s, "fuzz.jsonl", 2, (const char *)data, size,
	                        &lim);
	pdg_fp_scores_free(&s);
	return 0;
}
