/*
 * pool.c - a fixed set of worker threads and one FIFO of chunks.  One
 * mutex guards the queue and every chunk's state; chunks are big (MBs),
 * so the lock is taken a few hundred times a second at most.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pool.h"
#include "util.h"

enum { CHUNK_IDLE = 0, CHUNK_QUEUED, CHUNK_DONE };

struct worker {
	origin_pool *pool;
	pthread_t thread;
	struct origin_worker w;
};

struct origin_pool {
	const struct origin_db *db;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct origin_chunk **queue;  /* ring of `cap` */
	size_t head, count, cap;
	int stop;
	unsigned n;
	struct worker *workers;
};

/* Run the oldest queued chunk on w; called, and returns, with the mutex
 * held (released while the chunk runs). */
static void run_oldest(origin_pool *p, struct origin_worker *w)
{
	struct origin_chunk *c = p->queue[p->head];

	p->head = (p->head + 1) % p->cap;
	p->count--;
	pthread_mutex_unlock(&p->mu);
	origin_chunk_run(p->db, c, w);
	pthread_mutex_lock(&p->mu);
	c->state = CHUNK_DONE;
	pthread_cond_broadcast(&p->done);
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	origin_pool *p = wk->pool;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->count && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->count)
			break;
		run_oldest(p, &wk->w);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int origin_pool_new(origin_pool **out, unsigned n, const struct origin_db *db,
                    const hs_scratch_t *proto)
{
	origin_pool *p = pdg_xcalloc(1, sizeof(*p));

	*out = NULL;
	p->db = db;
	p->cap = 64;
	p->queue = pdg_xcalloc(p->cap, sizeof(*p->queue));
	p->workers = pdg_xcalloc(n, sizeof(*p->workers));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct worker *wk = &p->workers[i];

		wk->pool = p;
		if (hs_clone_scratch(proto, &wk->w.scratch) != HS_SUCCESS)
			break;
		if (pthread_create(&wk->thread, NULL, worker_main, wk) != 0) {
			hs_free_scratch(wk->w.scratch);
			wk->w.scratch = NULL;
			break;
		}
		p->n++;
	}
	if (p->n == 0) {
		origin_pool_free(p);
		return pdg_error_set(PDG_ENOMEM, "dataset-origin: no worker "
		                     "threads");
	}
	*out = p;
	return 0;
}

void origin_pool_submit(origin_pool *p, struct origin_chunk *c)
{
	pthread_mutex_lock(&p->mu);
	if (p->count == p->cap) {
		/* Callers keep fewer chunks in flight than this; grow
		 * rather than block if one ever does not. */
		struct origin_chunk **q = pdg_xcalloc(p->cap * 2, sizeof(*q));

		for (size_t i = 0; i < p->count; i++)
			q[i] = p->queue[(p->head + i) % p->cap];
		free(p->queue);
		p->queue = q;
		p->head = 0;
		p->cap *= 2;
	}
	c->state = CHUNK_QUEUED;
	p->queue[(p->head + p->count) % p->cap] = c;
	p->count++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

/* The caller is one more worker while it waits: it runs queued chunks
 * (the oldest first, its own among them) rather than sleep, so the pool
 * has one thread fewer than the CPUs it is given and none idles.  With
 * a reader that only waited, two CPUs ran three threads and the scan of
 * bench/data-scan's corpus took 1.5 s; with this, 1.1-1.3 s.  A chunk a
 * worker has taken stays CHUNK_QUEUED until it is done, but is no longer
 * in the queue: then the caller sleeps. */
void origin_pool_wait(origin_pool *p, struct origin_chunk *c,
                      struct origin_worker *self)
{
	pthread_mutex_lock(&p->mu);
	while (c->state == CHUNK_QUEUED) {
		if (p->count)
			run_oldest(p, self);
		else
			pthread_cond_wait(&p->done, &p->mu);
	}
	c->state = CHUNK_IDLE;
	pthread_mutex_unlock(&p->mu);
}

void origin_pool_free(origin_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->n; i++) {
		pthread_join(p->workers[i].thread, NULL);
		hs_free_scratch(p->workers[i].w.scratch);
		free(p->workers[i].w.hits);
		free(p->workers[i].w.norm);
		pdg_buf_free(&p->workers[i].w.said[0]);
		pdg_buf_free(&p->workers[i].w.said[1]);
	}
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p->workers);
	free(p->queue);
	free(p);
}
