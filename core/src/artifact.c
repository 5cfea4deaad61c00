/* artifact.c - bounded reads of one artifact, with a shared head cache.
 *
 * Several plugins usually look at the first bytes of the same file, so
 * the head is read once and kept (never more than max_read bytes).  Reads
 * past the head go straight to the source's raw reader, so streaming a
 * multi-GB file costs only the caller's buffer.  Archive members are
 * streams: once they have moved past the head they cannot go back.
 */
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "error.h"
#include "util.h"

/* Forward skips of sequential readers go through this much memory. */
#define SKIP_CHUNK (64u * 1024u)

static int is_sequential(const struct pdg_artifact *a)
{
	return (a->flags & PDG_ARTIFACT_SEQUENTIAL) != 0;
}

static void head_reserve(struct pdg_artifact *a, size_t want)
{
	size_t cap;

	if (want <= a->head_cap)
		return;
	/* Grow geometrically so repeated small head() calls stay linear,
	 * but never past max_read. */
	cap = a->head_cap ? a->head_cap : 4096;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (cap > a->max_read)
		cap = (size_t)a->max_read;
	if (cap < want)
		cap = want;
	a->head = pdg_xrealloc(a->head, cap);
	a->head_cap = cap;
}

/* Extend the head to `want` bytes, or to the end of the artifact. */
static int head_fill(struct pdg_artifact *a, size_t want)
{
	if (is_sequential(a) && a->pos != a->head_len)
		return pdg_error_set(PDG_EUNSUPPORTED,
			"%s: cannot re-read the head of an archive member "
			"after reading past it (archives are streams)",
			a->path ? a->path : "artifact");
	if (!a->read)
		return pdg_error_set(PDG_ERROR, "%s: artifact has no reader",
		                     a->path ? a->path : "artifact");
	head_reserve(a, want);
	while (a->head_len < want) {
		int64_t n = a->read(a->read_ctx, a->head + a->head_len,
		                    want - a->head_len, a->head_len);

		if (n < 0)
			return (int)n;
		if (n == 0) {
			a->head_eof = 1;
			break;
		}
		if ((uint64_t)n > want - a->head_len)
			return pdg_error_set(PDG_ERROR,
				"%s: reader returned more than asked",
				a->path ? a->path : "artifact");
		a->head_len += (size_t)n;
		if (is_sequential(a))
			a->pos = a->head_len;
	}
	return 0;
}

int pdg_artifact_head(struct pdg_artifact *a, size_t max,
                      const uint8_t **data, size_t *len)
{
	static const uint8_t empty[1];
	size_t cap = max;
	int rc;

	if (cap > a->max_read)
		cap = (size_t)a->max_read;
	if (a->head_len < cap && !a->head_eof) {
		rc = head_fill(a, cap);
		if (rc < 0)
			return rc;
	}
	*data = a->head ? a->head : empty;
	*len = a->head_len < cap ? a->head_len : cap;
	return 0;
}

/* Advance a sequential reader to `off` by reading and dropping bytes.
 * Returns 1 when there, 0 at end of stream, <0 on error. */
static int seq_skip(struct pdg_artifact *a, uint64_t off)
{
	uint8_t *scratch = NULL;
	int rc = 1;

	while (a->pos < off) {
		uint64_t gap = off - a->pos;
		size_t n = gap < SKIP_CHUNK ? (size_t)gap : SKIP_CHUNK;
		int64_t got;

		if (!scratch)
			scratch = pdg_xmalloc(SKIP_CHUNK);
		got = a->read(a->read_ctx, scratch, n, a->pos);
		if (got <= 0) {
			rc = got < 0 ? (int)got : 0;
			break;
		}
		a->pos += (uint64_t)got;
	}
	free(scratch);
	return rc;
}

int64_t pdg_artifact_read_at(struct pdg_artifact *a, void *buf, size_t len,
                             uint64_t off)
{
	int64_t n;
	int rc;

	if (len == 0)
		return 0;
	if (len > INT64_MAX)
		len = INT64_MAX;
	if (off < a->head_len) {
		size_t avail = a->head_len - (size_t)off;
		size_t k = len < avail ? len : avail;

		memcpy(buf, a->head + off, k);
		return (int64_t)k;
	}
	if (a->head_eof)
		return 0;
	if (!a->read)
		return pdg_error_set(PDG_ERROR, "%s: artifact has no reader",
		                     a->path ? a->path : "artifact");
	if (!is_sequential(a))
		return a->read(a->read_ctx, buf, len, off);

	if (off < a->pos)
		return pdg_error_set(PDG_EUNSUPPORTED,
			"%s: backward read at offset %llu after %llu "
			"(archive members are streams; only the first %zu "
			"bytes can be re-read)",
			a->path ? a->path : "artifact",
			(unsigned long long)off, (unsigned long long)a->pos,
			a->head_len);
	rc = seq_skip(a, off);
	if (rc <= 0)
		return rc;
	n = a->read(a->read_ctx, buf, len, a->pos);
	if (n > 0)
		a->pos += (uint64_t)n;
	return n;
}

void pdg_artifact_release(struct pdg_artifact *a)
{
	if (!a)
		return;
	free(a->head);
	a->head = NULL;
	a->head_len = 0;
	a->head_cap = 0;
	a->head_eof = 0;
}

uint64_t pdg_artifact_size(struct pdg_artifact *a)
{
	int (*fn)(void *, uint64_t *) = a->size_fn;
	uint64_t size;

	if (fn) {
		a->size_fn = NULL;
		if (fn(a->read_ctx, &size) == 0)
			a->size = size;
	}
	return a->size;
}
