/* fuzz_common.h - an artifact whose bytes are the fuzzer's input. */
#ifndef PDG_FUZZ_COMMON_H
#define PDG_FUZZ_COMMON_H

#include <stdint.h>
#include <string.h>

#include "artifact.h"

struct mem_src {
	const uint8_t *data;
	size_t size;
};

static int64_t mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct mem_src *m = ctx;

	if (off >= m->size)
		return 0;
	if (len > m->size - off)
		len = (size_t)(m->size - off);
	memcpy(buf, m->data + off, len);
	return (int64_t)len;
}

static void mem_artifact(struct pdg_artifact *a, struct mem_src *m,
                         const char *path)
{
	memset(a, 0, sizeof(*a));
	a->source = "fuzz";
	a->path = path;
	a->component = "fuzz";
	a->size = m->size;
	a->read = mem_read;
	a->read_ctx = m;
	a->max_read = 1u << 20;
}

#endif
