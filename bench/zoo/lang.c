/* lang.c - random numbers, and the zoo's synthetic language.
 *
 * The language has a vocabulary of pseudo-words built from syllables, a
 * Zipf unigram, a handful of favoured successors per word, and topics
 * that reweight the vocabulary.  A data shard favours a few topics, so
 * two shards differ the way two crawls differ; models trained on them
 * have their own idiosyncrasies that a student inherits.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zoo.h"

uint64_t zrng_next(zrng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double zrng_unif(zrng *r)
{
	return (double)(zrng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint32_t zrng_below(zrng *r, uint32_t n)
{
	return (uint32_t)(((zrng_next(r) >> 32) * (uint64_t)n) >> 32);
}

zrng zrng_split(uint64_t seed, uint64_t stream)
{
	zrng r = { seed ^ (stream * 0xd1b54a32d192ed03ull) };

	zrng_next(&r);
	return r;
}

void ztext_put(ztext *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		while (t->n + n + 1 > t->cap)
			t->cap = t->cap ? t->cap * 2 : 4096;
		t->p = realloc(t->p, t->cap);
		if (!t->p)
			abort();
	}
	memcpy(t->p + t->n, s, n);
	t->n += n;
	t->p[t->n] = '\0';
}

void ztext_free(ztext *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}

#define NWORDS 1200
#define NSUCC 6
#define NTOPICS 12

struct zlang {
	char word[NWORDS][16];
	uint8_t wlen[NWORDS];
	float topic_cdf[NTOPICS][NWORDS];
	uint16_t succ[NWORDS][NSUCC];
	float succ_cdf[NWORDS][NSUCC];
};

static void make_word(zrng *r, char *w)
{
	static const char on[] = "bcdfghjklmnprstvwz", nu[] = "aeiouy",
	                  co[] = "nrsltm";
	int syl = 1 + (int)zrng_below(r, 3), n = 0;

	for (int s = 0; s < syl; s++) {
		if (zrng_below(r, 5))
			w[n++] = on[zrng_below(r, sizeof(on) - 1)];
		w[n++] = nu[zrng_below(r, sizeof(nu) - 1)];
		if (!zrng_below(r, 3))
			w[n++] = co[zrng_below(r, sizeof(co) - 1)];
	}
	w[n] = '\0';
}

static void zipf_cdf(zrng *r, float *cdf, double s)
{
	uint16_t perm[NWORDS];
	double w[NWORDS], t = 0;

	for (int i = 0; i < NWORDS; i++)
		perm[i] = (uint16_t)i;
	for (int i = NWORDS - 1; i > 0; i--) {
		int j = (int)zrng_below(r, (uint32_t)i + 1);
		uint16_t x = perm[i];
		perm[i] = perm[j];
		perm[j] = x;
	}
	for (int i = 0; i < NWORDS; i++) {
		w[perm[i]] = 1.0 / pow(i + 1.0, s);
		t += w[perm[i]];
	}
	double c = 0;
	for (int i = 0; i < NWORDS; i++) {
		c += w[i] / t;
		cdf[i] = (float)c;
	}
}

zlang *zlang_new(uint64_t seed)
{
	zlang *l = calloc(1, sizeof(*l));
	zrng r = zrng_split(seed, 1);
	float global[NWORDS], own[NWORDS];

	for (int i = 0; i < NWORDS; i++) {
		int dup;
		do {
			make_word(&r, l->word[i]);
			dup = 0;
			for (int j = 0; j < i && !dup; j++)
				dup = strcmp(l->word[i], l->word[j]) == 0;
		} while (dup);
		l->wlen[i] = (uint8_t)strlen(l->word[i]);
	}
	zipf_cdf(&r, global, 1.1);
	for (int t = 0; t < NTOPICS; t++) {
		zipf_cdf(&r, own, 1.2);
		/* half the global Zipf, half the topic's own */
		float pg = 0, po = 0;
		for (int i = 0; i < NWORDS; i++) {
			float a = global[i] - pg, b = own[i] - po;
			pg = global[i];
			po = own[i];
			l->topic_cdf[t][i] = (i ? l->topic_cdf[t][i - 1] : 0) +
			                     0.5f * a + 0.5f * b;
		}
	}
	for (int i = 0; i < NWORDS; i++) {
		double c = 0, w[NSUCC], t = 0;
		for (int k = 0; k < NSUCC; k++) {
			float u = (float)zrng_unif(&r);
			int j = 0;
			while (j < NWORDS - 1 && global[j] < u)
				j++;
			l->succ[i][k] = (uint16_t)j;
			w[k] = -log(1.0 - zrng_unif(&r));
			t += w[k];
		}
		for (int k = 0; k < NSUCC; k++) {
			c += w[k] / t;
			l->succ_cdf[i][k] = (float)c;
		}
	}
	return l;
}

void zlang_free(zlang *l)
{
	free(l);
}

static int pick_cdf(const float *cdf, int n, float u)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One sentence of the topic: favoured successors 60% of the time. */
static void sentence(const zlang *l, zrng *r, int topic, ztext *out)
{
	int n = 4 + (int)zrng_below(r, 11), w = -1;

	for (int i = 0; i < n; i++) {
		if (w >= 0 && zrng_unif(r) < 0.6) {
			int k = pick_cdf(l->succ_cdf[w], NSUCC,
			                 (float)zrng_unif(r));
			w = l->succ[w][k];
		} else {
			w = pick_cdf(l->topic_cdf[topic], NWORDS,
			             (float)zrng_unif(r) *
			             l->topic_cdf[topic][NWORDS - 1]);
		}
		char buf[20];
		memcpy(buf, l->word[w], l->wlen[w]);
		if (i == 0)
			buf[0] = (char)(buf[0] - 'a' + 'A');
		if (i > 0)
			ztext_put(out, " ", 1);
		ztext_put(out, buf, l->wlen[w]);
		if (i + 1 < n && zrng_below(r, 10) == 0)
			ztext_put(out, ",", 1);
	}
	ztext_put(out, ".", 1);
}

void zlang_shard(const zlang *l, uint64_t seed, size_t bytes,
                 const ztext *extra, ztext *out)
{
	zrng r = zrng_split(seed, 2);
	double w[NTOPICS], t = 0;

	/* Dirichlet(0.3)-like: a few favourite topics */
	for (int i = 0; i < NTOPICS; i++) {
		double u = zrng_unif(&r);
		w[i] = pow(u, 1 / 0.3);
		t += w[i];
	}
	out->n = 0;
	while (out->n < bytes) {
		if (extra && extra->n > 4096 && zrng_below(&r, 4) == 0) {
			/* a passage of real text, cut at spaces */
			size_t a = zrng_below(&r, (uint32_t)(extra->n - 2048));
			while (a < extra->n && extra->p[a] != ' ')
				a++;
			size_t b = a + 400 + zrng_below(&r, 800);
			if (b > extra->n)
				b = extra->n;
			while (b > a && extra->p[b - 1] != ' ')
				b--;
			if (b > a + 1) {
				ztext_put(out, extra->p + a + 1, b - a - 2);
				ztext_put(out, "\n", 1);
			}
			continue;
		}
		double u = zrng_unif(&r) * t, c = 0;
		int topic = 0;
		for (; topic < NTOPICS - 1; topic++) {
			c += w[topic];
			if (u < c)
				break;
		}
		int ns = 3 + (int)zrng_below(&r, 4);
		for (int s = 0; s < ns; s++) {
			if (s)
				ztext_put(out, " ", 1);
			sentence(l, &r, topic, out);
		}
		ztext_put(out, "\n", 1);
	}
}

/* Regular files of a folder, ASCII only, whitespace squeezed. */
int zcorpus_read(const char *dir, ztext *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(e->d_name);
		}
	closedir(d);
	/* a fixed order: the same files give the same zoo */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j], names[j - 1]) < 0;
		     j--) {
			char *x = names[j];
			names[j] = names[j - 1];
			names[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			FILE *f = fopen(path, "rb");
			int c, sp = 1;
			while (f && (c = getc(f)) != EOF) {
				if (c == '\n' || c == '\t' || c == '\r')
					c = ' ';
				if (c < 32 || c > 126 || c == '"' || c == '\\')
					continue;
				if (c == ' ' && sp)
					continue;
				sp = c == ' ';
				char ch = (char)c;
				ztext_put(out, &ch, 1);
			}
			if (f)
				fclose(f);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}
