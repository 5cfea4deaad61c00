/* mem_stream.h - a buffer read through the streaming reader signature
 * the plugins' walkers take (offset in, bytes out, 0 at the end), so the
 * same walker serves files, archive members and fuzzers. */
#ifndef PDG_MEM_STREAM_H
#define PDG_MEM_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pdg_mem_stream {
	const uint8_t *data;
	size_t size;
};

static inline int64_t pdg_mem_stream_read(void *ctx, void *buf, size_t len,
                                          uint64_t off)
{
	const struct pdg_mem_stream *m = ctx;

	if (off >= m->size)
		return 0;
	if (len > m->size - off)
		len = (size_t)(m->size - off);
	memcpy(buf, m->data + off, len);
	return (int64_t)len;
}

#endif
