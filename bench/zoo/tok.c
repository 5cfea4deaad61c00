/* tok.c - the zoo's tokenizers: bytes, or byte-pair encoding learnt
 * from a model's own data.  Text is first cut into words as GPT-2 does
 * (a space belongs to the word after it), so tokens never cross word
 * starts and chunk boundaries of different tokenizers meet there. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "zoo.h"

#define MAXWORD 32

static ztok *tok_new(void)
{
	ztok *t = calloc(1, sizeof(*t));

	t->V = 256;
	for (int b = 0; b < 256; b++) {
		t->bytes[b] = malloc(1);
		t->bytes[b][0] = (uint8_t)b;
		t->len[b] = 1;
	}
	t->rank = malloc(sizeof(int16_t) * ZTOK_MAXV * ZTOK_MAXV);
	for (size_t i = 0; i < (size_t)ZTOK_MAXV * ZTOK_MAXV; i++)
		t->rank[i] = -1;
	return t;
}

ztok *ztok_bytes(void)
{
	ztok *t = tok_new();

	strcpy(t->name, "bytes");
	return t;
}

void ztok_free(ztok *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->V; i++)
		free(t->bytes[i]);
	free(t->rank);
	free(t);
}

/* Length of the word starting at text[i]. */
static size_t word_len(const char *s, size_t i, size_t n)
{
	size_t j = i;

	if (s[j] == ' ' && j + 1 < n && isalnum((unsigned char)s[j + 1]))
		j++;
	if (!isalnum((unsigned char)s[j]))
		return 1;
	while (j < n && isalnum((unsigned char)s[j]) && j - i < MAXWORD)
		j++;
	return j - i;
}

struct wentry {
	char *w;
	uint16_t *ids;
	int n;
	long freq;
};

static unsigned long fnv(const char *s, size_t n)
{
	unsigned long h = 1469598103934665603ul;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ul;
	return h;
}

ztok *ztok_bpe(const char *text, size_t n, int V, const char *name)
{
	ztok *t = tok_new();
	size_t cap = 1 << 16, nw = 0;
	struct wentry *tab = calloc(cap, sizeof(*tab));

	snprintf(t->name, sizeof(t->name), "%s", name);
	if (V > ZTOK_MAXV)
		V = ZTOK_MAXV;
	for (size_t i = 0; i < n;) {
		size_t l = word_len(text, i, n);
		size_t h = fnv(text + i, l) & (cap - 1);
		while (tab[h].w && (strlen(tab[h].w) != l ||
		                    memcmp(tab[h].w, text + i, l) != 0))
			h = (h + 1) & (cap - 1);
		if (!tab[h].w && nw < cap / 2) {
			tab[h].w = strndup(text + i, l);
			tab[h].n = (int)l;
			tab[h].ids = malloc(l * sizeof(uint16_t));
			for (size_t k = 0; k < l; k++)
				tab[h].ids[k] = (unsigned char)text[i + k];
			nw++;
		}
		if (tab[h].w)
			tab[h].freq++;
		i += l;
	}
	/* the distinct words, packed, for the merge passes */
	size_t packed = 0;
	for (size_t h = 0; h < cap; h++)
		if (tab[h].w)
			tab[packed++] = tab[h];
	cap = packed;
	int32_t *cnt = calloc((size_t)ZTOK_MAXV * ZTOK_MAXV, sizeof(*cnt));
	uint32_t *touched = malloc(sizeof(uint32_t) * (n + 1));
	while (t->V < V) {
		size_t nt = 0;
		for (size_t h = 0; h < cap; h++)
			for (int k = 0; tab[h].w && k + 1 < tab[h].n; k++) {
				uint32_t pr = (uint32_t)tab[h].ids[k] * ZTOK_MAXV +
				              tab[h].ids[k + 1];
				if (!cnt[pr])
					touched[nt++] = pr;
				cnt[pr] += (int32_t)tab[h].freq;
			}
		uint32_t best = 0;
		int32_t bc = 0;
		for (size_t i = 0; i < nt; i++) {
			uint32_t pr = touched[i];
			if (cnt[pr] > bc || (cnt[pr] == bc && pr < best)) {
				bc = cnt[pr];
				best = pr;
			}
		}
		for (size_t i = 0; i < nt; i++)
			cnt[touched[i]] = 0;
		uint16_t a = (uint16_t)(best / ZTOK_MAXV);
		uint16_t b = (uint16_t)(best % ZTOK_MAXV);
		if (bc < 2 || t->len[a] + t->len[b] > ZTOK_MAXLEN)
			break;
		int id = t->V++;
		t->len[id] = (uint16_t)(t->len[a] + t->len[b]);
		t->bytes[id] = malloc(t->len[id]);
		memcpy(t->bytes[id], t->bytes[a], t->len[a]);
		memcpy(t->bytes[id] + t->len[a], t->bytes[b], t->len[b]);
		t->rank[best] = (int16_t)(id - 256);
		t->merge_to[id - 256] = (uint16_t)id;
		for (size_t h = 0; h < cap; h++) {
			struct wentry *e = &tab[h];
			int w = 0;
			for (int k = 0; e->w && k < e->n; k++) {
				if (k + 1 < e->n && e->ids[k] == a &&
				    e->ids[k + 1] == b) {
					e->ids[w++] = (uint16_t)id;
					k++;
				} else {
					e->ids[w++] = e->ids[k];
				}
			}
			if (e->w)
				e->n = w;
		}
	}
	for (size_t h = 0; h < cap; h++) {
		free(tab[h].w);
		free(tab[h].ids);
	}
	free(tab);
	free(cnt);
	free(touched);
	return t;
}

size_t ztok_encode(const ztok *t, const char *text, size_t n,
                   uint16_t *ids)
{
	size_t out = 0;

	for (size_t i = 0; i < n;) {
		size_t l = word_len(text, i, n);
		uint16_t w[MAXWORD + 2];
		int m = (int)l;
		for (size_t k = 0; k < l; k++)
			w[k] = (unsigned char)text[i + k];
		for (;;) {
			int best = -1, at = -1;
			for (int k = 0; k + 1 < m; k++) {
				int r = t->rank[(size_t)w[k] * ZTOK_MAXV +
				                w[k + 1]];
				if (r >= 0 && (best < 0 || r < best)) {
					best = r;
					at = k;
				}
			}
			if (best < 0)
				break;
			w[at] = t->merge_to[best];
			memmove(w + at + 1, w + at + 2,
			        (size_t)(m - at - 2) * sizeof(w[0]));
			m--;
		}
		memcpy(ids + out, w, (size_t)m * sizeof(w[0]));
		out += (size_t)m;
		i += l;
	}
	return out;
}
