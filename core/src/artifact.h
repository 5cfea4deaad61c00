/* artifact.h - one file of a source, with a bounded reader.
 *
 * A source fills the fields marked [source] and calls the walk callback;
 * the engine classifies it (classify.h) and hands it to plugins.  Reads go
 * through pdg_artifact_head() / pdg_artifact_read_at(), which enforce
 * limits.max_read and cache the head so several plugins share one read.
 */
#ifndef PDG_ARTIFACT_H
#define PDG_ARTIFACT_H

#include <stdint.h>
#include <stddef.h>

#include "pedigree/plugin.h"

/** Raw reader a source provides.  Returns bytes read (0 at end) or <0
 *  with the error set.  For sequential sources (archive members) `off`
 *  is always the current stream position. */
typedef int64_t (*pdg_artifact_read_fn)(void *ctx, void *buf, size_t len,
                                        uint64_t off);

struct pdg_artifact {
	/* [source] */
	const char *source;     /* the path the user passed (display) */
	const char *path;       /* inside the source, '/'-separated */
	const char *commit;     /* hex oid or NULL */
	const char *component;  /* component it belongs to */
	uint64_t size;          /* declared size */
	uint32_t flags;         /* PDG_ARTIFACT_* */
	unsigned depth;         /* archive nesting depth; 0 outside archives */
	pdg_artifact_read_fn read;
	void *read_ctx;
	uint64_t max_read;      /* limits.max_read */

	/* [classify] */
	pdg_artifact_kind kind;
	char lfs_oid[72];       /* "sha256:<hex>" when an LFS pointer */
	uint64_t lfs_size;

	/* [artifact.c] head cache and stream position */
	uint8_t *head;
	size_t head_len;
	size_t head_cap;
	int head_eof;           /* the whole artifact is in head */
	uint64_t pos;           /* next raw offset for sequential readers */

	/* [source] optional: learn `size` on the first pdg_artifact_size()
	 * call (git: an object header lookup costs more than listing the
	 * tree).  NULL when `size` is already set. */
	int (*size_fn)(void *ctx, uint64_t *size);
};

/** Borrow up to `max` first bytes (capped by max_read).  0 or <0. */
int pdg_artifact_head(struct pdg_artifact *a, size_t max,
                      const uint8_t **data, size_t *len);
/** Read at an offset; see pdg_host_api.artifact_read_at. */
int64_t pdg_artifact_read_at(struct pdg_artifact *a, void *buf, size_t len,
                             uint64_t off);
/** Declared size; computed on first use where the source deferred it
 *  (size_fn).  Read sizes through this, not `size`.  0 if unknown. */
uint64_t pdg_artifact_size(struct pdg_artifact *a);
/** Free the head cache (the source owns everything else). */
void pdg_artifact_release(struct pdg_artifact *a);

#endif
