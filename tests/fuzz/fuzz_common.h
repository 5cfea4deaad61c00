/* fuzz_common.h - an artifact whose bytes are the fuzzer's input. */
#ifndef PDG_FUZZ_COMMON_H
#define PDG_FUZZ_COMMON_H

#include <stdint.h>
#include <string.h>

#include "artifact.h"
#include "mem_stream.h"

static void mem_artifact(struct pdg_artifact *a, struct pdg_mem_stream *m,
                         const char *path)
{
	memset(a, 0, sizeof(*a));
	a->source = "fuzz";
	a->path = path;
	a->component = "fuzz";
	a->size = m->size;
	a->read = pdg_mem_stream_read;
	a->read_ctx = m;
	a->max_read = 1u << 20;
}

#endif
