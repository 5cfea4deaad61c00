/* record.c - a model's records, the probe map and shared helpers. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "error.h"
#include "fingerprint/fp.h"
#include "util.h"

uint32_t pdg_fp_hash(const void *data, size_t len)
{
	return (uint32_t)XXH3_64bits(data, len);
}

int pdg_fp_error_wrap(int code, const char *fmt, ...)
{
	char prefix[512], msg[1024];
	va_list ap;

	/* The message is read before it is overwritten. */
	snprintf(msg, sizeof(msg), "%s", pdg_error_last());
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return pdg_error_set(code, "%s: %s", prefix, msg);
}

int pdg_fp_open_fd(const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND : PDG_EIO,
		                     "%s: cannot open: %s", path,
		                     strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pdg_error_set(PDG_EINVALID, "%s: not a regular file",
		                     path);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (size)
		*size = (uint64_t)st.st_size;
	return fd;
}

FILE *pdg_fp_fopen(const char *path)
{
	int fd = pdg_fp_open_fd(path, NULL);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		pdg_error_set(PDG_ENOMEM, "%s: cannot read", path);
	}
	return f;
}

int pdg_fp_read_file(const char *path, size_t max, char **data,
                     size_t *len)
{
	uint64_t size;
	int fd = pdg_fp_open_fd(path, &size);
	size_t got = 0;

	*data = NULL;
	if (fd < 0)
		return fd;
	if (size > max) {
		close(fd);
		return pdg_error_set(PDG_ELIMIT, "%s: larger than %zu bytes",
		                     path, max);
	}
	char *buf = pdg_xmalloc((size_t)size + 1);
	while (got < size) {
		ssize_t n = read(fd, buf + got, (size_t)size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		free(buf);
		return pdg_error_set(PDG_EIO, "%s: read error", path);
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

/* ---- string -> index map ------------------------------------------- */

static size_t map_slot(const pdg_fp_map *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)XXH3_64bits(key, strlen(key)) & mask;

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

static void map_grow(pdg_fp_map *m)
{
	pdg_fp_map n;

	n.cap = m->cap ? m->cap * 2 : 64;
	n.len = 0;
	n.keys = pdg_xcalloc(n.cap, sizeof(*n.keys));
	n.vals = pdg_xcalloc(n.cap, sizeof(*n.vals));
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = map_slot(&n, m->keys[i]);
			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
			n.len++;
		}
	free(m->keys);
	free(m->vals);
	*m = n;
}

int pdg_fp_map_put(pdg_fp_map *m, const char *key, uint32_t val)
{
	if ((m->len + 1) * 2 > m->cap)
		map_grow(m);
	size_t i = map_slot(m, key);
	if (m->keys[i])
		return -1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->len++;
	return 0;
}

long pdg_fp_map_get(const pdg_fp_map *m, const char *key)
{
	if (!m->cap)
		return -1;
	size_t i = map_slot(m, key);
	return m->keys[i] ? (long)m->vals[i] : -1;
}

void pdg_fp_map_free(pdg_fp_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- records -------------------------------------------------------- */

void pdg_fp_record_clear(pdg_fp_record *r)
{
	free(r->probe);
	free(r->bytes);
	free(r->tok);
	free(r->alt);
	free(r->bm);
	free(r->tensor);
	memset(r, 0, sizeof(*r));
}

void pdg_fp_scores_free(pdg_fp_scores *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrec; i++)
		pdg_fp_record_clear(&s->rec[i]);
	free(s->rec);
	pdg_fp_map_free(&s->by_probe);
	pdg_fp_dense_free(s->dense);
	memset(s, 0, sizeof(*s));
}

int pdg_fp_scores_add(pdg_fp_scores *s, const char *file,
                      const char *probe, pdg_fp_record **out)
{
	if (pdg_fp_map_get(&s->by_probe, probe) >= 0)
		return pdg_error_set(PDG_EINVALID, "%s: probe '%s' is scored "
		                     "twice", file, probe);
	if (s->nrec >= PDG_FP_MAX_PROBES)
		return pdg_error_set(PDG_ELIMIT, "%s: more than %u probes",
		                     file, PDG_FP_MAX_PROBES);
	if (s->nrec == s->cap) {
		/* The map borrows the probe strings, which do not move. */
		s->cap = s->cap ? s->cap * 2 : 64;
		s->rec = pdg_xrealloc(s->rec, s->cap * sizeof(*s->rec));
	}
	pdg_fp_record *r = &s->rec[s->nrec];
	memset(r, 0, sizeof(*r));
	r->probe = pdg_xstrdup(probe);
	(void)pdg_fp_map_put(&s->by_probe, r->probe, (uint32_t)s->nrec);
	s->nrec++;
	*out = r;
	return 0;
}

/* Capacity doubling for the record's arrays: counts are bounded by the
 * caller (PDG_FP_MAX_TOKENS, the line length). */
static void *grow(void *p, uint32_t n, size_t elem)
{
	if (n & (n - 1))
		return p;	/* not at a power of two: room left */
	return pdg_xrealloc(p, (size_t)(n ? n * 2 : 16) * elem);
}

/* Byte buffers are sized to powers of two (at least 16). */
static size_t pow2cap(size_t n)
{
	size_t c = 16;

	while (c < n)
		c *= 2;
	return c;
}

int pdg_fp_record_add_token(pdg_fp_record *r, const uint8_t *bytes,
                            size_t len, float lp)
{
	r->tok = grow(r->tok, r->ntok, sizeof(*r->tok));
	pdg_fp_tok *t = &r->tok[r->ntok];
	memset(t, 0, sizeof(*t));
	t->start = r->nbytes;
	t->len = (uint32_t)len;
	t->lp = lp;
	t->hash = pdg_fp_hash(bytes, len);
	t->alt = r->nalt;
	t->row = PDG_FP_NO_ROW;
	if (len) {
		size_t need = pow2cap(r->nbytes + len + 1);
		if (!r->bytes || need > pow2cap(r->nbytes + 1))
			r->bytes = pdg_xrealloc(r->bytes, need);
		memcpy(r->bytes + r->nbytes, bytes, len);
		r->nbytes += (uint32_t)len;
	}
	return (int)r->ntok++;
}

void pdg_fp_record_add_alt(pdg_fp_record *r, const uint8_t *bytes,
                           size_t len, float lp)
{
	r->alt = grow(r->alt, r->nalt, sizeof(*r->alt));
	pdg_fp_alt *a = &r->alt[r->nalt++];
	a->lp = lp;
	a->hash = pdg_fp_hash(bytes, len);
	a->first = len ? bytes[0] : PDG_FP_NO_BYTE;
	r->tok[r->ntok - 1].nalt++;
}

static int alt_cmp(const void *pa, const void *pb)
{
	const pdg_fp_alt *a = pa, *b = pb;

	if (a->lp != b->lp)
		return a->lp > b->lp ? -1 : 1;
	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

void pdg_fp_record_end_token(pdg_fp_record *r)
{
	pdg_fp_tok *t = &r->tok[r->ntok - 1];
	pdg_fp_alt *a = r->alt ? r->alt + t->alt : NULL;
	uint32_t n = t->nalt, w = 0;
	int have_actual = 0;

	/* Drop NaN and duplicate tokens (a dict keyed by string may not
	 * repeat, a list may). */
	for (uint32_t i = 0; i < n; i++) {
		int dup = isnan(a[i].lp);
		for (uint32_t j = 0; j < w && !dup; j++)
			dup = a[j].hash == a[i].hash;
		if (!dup)
			a[w++] = a[i];
	}
	if (w > 1)
		qsort(a, w, sizeof(*a), alt_cmp);
	if (w > PDG_FP_MAX_TOPK)
		w = PDG_FP_MAX_TOPK;
	for (uint32_t i = 0; i < w; i++)
		have_actual |= a[i].hash == t->hash;
	t->nalt = (uint16_t)w;
	r->nalt = t->alt + w;
	/* The scored token's own probability is known: count it. */
	if (!have_actual && !isnan(t->lp) && w < PDG_FP_MAX_TOPK) {
		pdg_fp_alt x;
		x.lp = t->lp;
		x.hash = t->hash;
		x.first = t->len ? r->bytes[t->start] : PDG_FP_NO_BYTE;
		r->alt = grow(r->alt, r->nalt, sizeof(*r->alt));
		r->alt[r->nalt++] = x;
		t->nalt++;
		a = r->alt + t->alt;
		if (t->nalt > 1)
			qsort(a, t->nalt, sizeof(*a), alt_cmp);
	}
	double mass = 0;
	for (uint32_t i = 0; i < t->nalt; i++)
		mass += exp((double)a[i].lp);
	t->tail = mass >= 1.0 ? 0.0f : (float)(1.0 - mass);
}
