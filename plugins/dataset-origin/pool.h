/*
 * pool.h - worker threads that run origin_chunk_run() on chunks.
 *
 * The reader submits chunks in stream order and waits for them in the
 * same order, so results are merged exactly as a single thread would
 * merge them: the output does not depend on the number of threads.
 */
#ifndef PDG_DATASET_ORIGIN_POOL_H
#define PDG_DATASET_ORIGIN_POOL_H

#include "chunk.h"

typedef struct origin_pool origin_pool;

/** Start n threads (n >= 1), each with a scratch cloned from `proto`.
 *  0 or <0 (error set). */
int origin_pool_new(origin_pool **out, unsigned n, const struct origin_db *db,
                    const hs_scratch_t *proto);
/** Queue a chunk. */
void origin_pool_submit(origin_pool *p, struct origin_chunk *c);
/** Wait until a submitted chunk has run, running queued chunks on
 *  `self` meanwhile. */
void origin_pool_wait(origin_pool *p, struct origin_chunk *c,
                      struct origin_worker *self);
/** Stop the threads (after the queued chunks ran); accepts NULL. */
void origin_pool_free(origin_pool *p);

#endif
