/* ngram.c - interpolated n-gram models with fractional counts.
 *
 * P_0(w) = (c(w) + beta) / (N + beta V); for each order o = 1..n-1 with
 * a seen context h of o tokens,
 *   P_o(w | h) = (c(h, w) + alpha_o P_{o-1}(w | h')) / (c(h) + alpha_o).
 * Contexts live in one open-addressing table keyed by a 64-bit hash of
 * (order, tokens); each holds its successors' counts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zoo.h"

struct node {
	uint64_t key;           /* 0: empty */
	float total;
	uint16_t n, cap;
	uint16_t *w;
	float *c;
};

/* Where successor w of context `key` sits in its node's arrays: one
 * table for the model, so adding a count is O(1) however many
 * successors a context has. */
struct slot {
	uint64_t key;           /* 0: empty */
	uint32_t w;
	uint32_t idx;
};

struct zmodel {
	const ztok *tok;
	int order;
	float alpha[ZM_MAXORDER];
	float beta;
	double N;
	float *uni;
	struct node *tab;
	size_t cap, len;
	struct slot *sl;
	size_t scap, slen;
};

static uint64_t ctx_key(int o, const uint16_t *ids, size_t end)
{
	uint64_t h = 0x243f6a8885a308d3ull ^ (uint64_t)o;

	for (int k = 0; k < o; k++) {
		h ^= ids[end - o + k];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h | 1;	/* never 0 */
}

zmodel *zmodel_new(const ztok *t, int order, const float *alpha,
                   float beta)
{
	zmodel *m = calloc(1, sizeof(*m));

	m->tok = t;
	m->order = order < 1 ? 1 : order > ZM_MAXORDER ? ZM_MAXORDER : order;
	for (int o = 0; o < ZM_MAXORDER; o++)
		m->alpha[o] = alpha ? alpha[o] : 1.0f;
	m->beta = beta;
	m->uni = calloc((size_t)t->V, sizeof(float));
	m->cap = 1 << 12;
	m->tab = calloc(m->cap, sizeof(*m->tab));
	m->scap = 1 << 14;
	m->sl = calloc(m->scap, sizeof(*m->sl));
	return m;
}

void zmodel_free(zmodel *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		free(m->tab[i].w);
		free(m->tab[i].c);
	}
	free(m->tab);
	free(m->uni);
	free(m->sl);
	free(m);
}

zmodel *zmodel_clone(const zmodel *m)
{
	zmodel *c = malloc(sizeof(*c));

	*c = *m;
	c->uni = malloc((size_t)m->tok->V * sizeof(float));
	memcpy(c->uni, m->uni, (size_t)m->tok->V * sizeof(float));
	c->sl = malloc(m->scap * sizeof(*c->sl));
	memcpy(c->sl, m->sl, m->scap * sizeof(*c->sl));
	c->tab = calloc(m->cap, sizeof(*c->tab));
	for (size_t i = 0; i < m->cap; i++) {
		c->tab[i] = m->tab[i];
		if (m->tab[i].key) {
			c->tab[i].w = malloc(m->tab[i].cap * sizeof(uint16_t));
			c->tab[i].c = malloc(m->tab[i].cap * sizeof(float));
			memcpy(c->tab[i].w, m->tab[i].w,
			       m->tab[i].n * sizeof(uint16_t));
			memcpy(c->tab[i].c, m->tab[i].c,
			       m->tab[i].n * sizeof(float));
		}
	}
	return c;
}

const ztok *zmodel_tok(const zmodel *m)
{
	return m->tok;
}

static struct node *find(const zmodel *m, uint64_t key)
{
	size_t i = key & (m->cap - 1);

	while (m->tab[i].key && m->tab[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return &m->tab[i];
}

static void grow(zmodel *m)
{
	struct node *old = m->tab;
	size_t oc = m->cap;

	m->cap *= 2;
	m->tab = calloc(m->cap, sizeof(*m->tab));
	for (size_t i = 0; i < oc; i++)
		if (old[i].key)
			*find(m, old[i].key) = old[i];
	free(old);
}

static size_t slot_of(const zmodel *m, uint64_t key, uint32_t w)
{
	uint64_t h = (key ^ ((uint64_t)w * 0x9e3779b97f4a7c15ull)) *
	             0xff51afd7ed558ccdull;
	size_t i = (size_t)(h >> 17) & (m->scap - 1);

	while (m->sl[i].key && (m->sl[i].key != key || m->sl[i].w != w))
		i = (i + 1) & (m->scap - 1);
	return i;
}

static void slot_grow(zmodel *m)
{
	struct slot *old = m->sl;
	size_t oc = m->scap;

	m->scap *= 2;
	m->sl = calloc(m->scap, sizeof(*m->sl));
	for (size_t i = 0; i < oc; i++)
		if (old[i].key)
			m->sl[slot_of(m, old[i].key, old[i].w)] = old[i];
	free(old);
}

static void add(zmodel *m, uint64_t key, uint16_t w, float c)
{
	if ((m->len + 1) * 2 > m->cap)
		grow(m);
	if ((m->slen + 1) * 2 > m->scap)
		slot_grow(m);
	struct node *nd = find(m, key);
	if (!nd->key) {
		nd->key = key;
		m->len++;
	}
	nd->total += c;
	size_t si = slot_of(m, key, w);
	if (m->sl[si].key) {
		nd->c[m->sl[si].idx] += c;
		return;
	}
	m->sl[si].key = key;
	m->sl[si].w = w;
	m->sl[si].idx = nd->n;
	m->slen++;
	if (nd->n == nd->cap) {
		nd->cap = nd->cap ? (uint16_t)(nd->cap * 2) : 4;
		nd->w = realloc(nd->w, nd->cap * sizeof(uint16_t));
		nd->c = realloc(nd->c, nd->cap * sizeof(float));
	}
	nd->w[nd->n] = w;
	nd->c[nd->n] = c;
	nd->n++;
}

static void add_counts(zmodel *m, const uint16_t *ids, size_t i, uint16_t w,
                       float c)
{
	m->uni[w] += c;
	m->N += c;
	for (int o = 1; o < m->order && (size_t)o <= i; o++)
		add(m, ctx_key(o, ids, i), w, c);
}

void zmodel_train(zmodel *m, const uint16_t *ids, size_t n, float w)
{
	for (size_t i = 0; i < n; i++)
		add_counts(m, ids, i, ids[i], w);
}

void zmodel_dist(const zmodel *m, const uint16_t *ids, size_t n, float *p)
{
	int V = m->tok->V;
	double z = m->N + (double)m->beta * V;

	for (int w = 0; w < V; w++)
		p[w] = (float)((m->uni[w] + m->beta) / z);
	for (int o = 1; o < m->order && (size_t)o <= n; o++) {
		const struct node *nd = find(m, ctx_key(o, ids, n));
		if (!nd->key)
			break;	/* an unseen context has no seen longer one */
		float a = m->alpha[o], d = nd->total + a;
		for (int w = 0; w < V; w++)
			p[w] = p[w] * a / d;
		for (uint16_t i = 0; i < nd->n; i++)
			p[nd->w[i]] += nd->c[i] / d;
	}
}

/* Indices of the k largest of p (ties by lower index), best first. */
static int topk(const float *p, int V, int k, uint16_t *out)
{
	int n = 0;

	for (int w = 0; w < V; w++) {
		if (n == k && !(p[w] > p[out[k - 1]]))
			continue;
		int j = n < k ? n++ : k - 1;
		while (j > 0 && p[w] > p[out[j - 1]]) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = (uint16_t)w;
	}
	return n;
}

void zmodel_distill(zmodel *m, const zmodel *teacher, const uint16_t *ids,
                    size_t n, int k, int renorm, float w)
{
	int V = teacher->tok->V;
	float *p = malloc((size_t)V * sizeof(float));
	uint16_t top[256];

	if (k > 256)
		k = 256;
	for (size_t i = 0; i < n; i++) {
		zmodel_dist(teacher, ids, i, p);
		int got = topk(p, V, k, top);
		double s = 0;
		for (int j = 0; j < got; j++)
			s += p[top[j]];
		for (int j = 0; j < got; j++)
			add_counts(m, ids, i, top[j], (float)(w * p[top[j]] /
			           (renorm ? s : 1.0)));
	}
	free(p);
}

size_t zmodel_sample(const zmodel *m, uint16_t *ids, size_t n, size_t count,
                     zrng *r)
{
	int V = m->tok->V;
	float *p = malloc((size_t)V * sizeof(float));

	for (size_t s = 0; s < count; s++) {
		zmodel_dist(m, ids, n, p);
		double u = zrng_unif(r), c = 0;
		int w = 0;
		for (; w < V - 1; w++) {
			c += p[w];
			if (u < c)
				break;
		}
		/* keep the text printable: resample control bytes once */
		if (w < 256 && (w < 32 || w > 126) && w != '\n')
			w = ' ';
		ids[n++] = (uint16_t)w;
	}
	free(p);
	return n;
}

int ztopk(const float *p, int V, int k, uint16_t *out)
{
	return topk(p, V, k, out);
}
