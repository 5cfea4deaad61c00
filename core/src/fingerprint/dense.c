/* dense.c - full logits in safetensors (docs/fingerprint.md).
 *
 * One file holds, per probe, logits.<probe> [n, V] (F32, F16 or BF16;
 * row i is the model's output after token i, as transformers' logits)
 * and input_ids.<probe> [n] (I32 or I64).  The header is parsed here by
 * hand, bounded and checked against the file size; rows are read with
 * pread() one at a time, so memory does not grow with the file.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "error.h"
#include "fingerprint/fp.h"
#include "fingerprint/kernel.h"
#include "util.h"

#define MAX_HEADER (64u << 20)
#define MAX_TENSORS 400000
#define MAX_ROW (1u << 22)         /* vocabulary of one row */
#define DENSE_TOPK 20
/* Byte-marginal bins below this are folded into the tail. */
#define BIN_FLOOR 1e-7

struct pdg_fp_dense {
	int fd;
	char *path;
	pdg_fp_tensor *t;
	size_t nt;
	pdg_fp_map by_name;
	pdg_fp_vocab vocab;
	uint32_t V;
};

static int dtype_of(const char *s, int *int_bytes)
{
	*int_bytes = 0;
	if (strcmp(s, "F32") == 0)
		return PDG_FP_F32;
	if (strcmp(s, "F16") == 0)
		return PDG_FP_F16;
	if (strcmp(s, "BF16") == 0)
		return PDG_FP_BF16;
	if (strcmp(s, "I32") == 0)
		*int_bytes = 4;
	else if (strcmp(s, "I64") == 0)
		*int_bytes = 8;
	else
		return -2;
	return -1;
}

void pdg_fp_tensors_free(pdg_fp_tensor *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].name);
	free(t);
}

int pdg_fp_safetensors_header(pdg_fp_tensor **out, size_t *n,
                              const char *name, const uint8_t *data,
                              size_t len, uint64_t file_size)
{
	json_error_t e;
	uint64_t hlen = 0;
	const char *k;
	json_t *v;
	size_t cap = 0;
	pdg_fp_tensor *t = NULL;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (len < 8)
		return pdg_error_set(PDG_EINVALID, "%s: shorter than a "
		                     "safetensors header", name);
	for (int i = 7; i >= 0; i--)
		hlen = hlen << 8 | data[i];
	if (hlen > MAX_HEADER || hlen > len - 8 || hlen + 8 > file_size)
		return pdg_error_set(PDG_EINVALID, "%s: header length %llu "
		                     "does not fit the file", name,
		                     (unsigned long long)hlen);
	json_t *root = json_loadb((const char *)data + 8, (size_t)hlen,
	                          JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(root)) {
		json_decref(root);
		return pdg_error_set(PDG_EINVALID, "%s: the header is not a "
		                     "JSON object", name);
	}
	uint64_t data_start = 8 + hlen, data_len = file_size - data_start;
	json_object_foreach(root, k, v) {
		if (strcmp(k, "__metadata__") == 0)
			continue;
		const json_t *shape = json_object_get(v, "shape");
		const json_t *offs = json_object_get(v, "data_offsets");
		const char *dt = json_string_value(json_object_get(v,
		                                                   "dtype"));
		pdg_fp_tensor x;
		memset(&x, 0, sizeof(x));
		if (!dt || !json_is_array(shape) || !json_is_array(offs) ||
		    json_array_size(offs) != 2 ||
		    json_array_size(shape) > 2 ||
		    json_array_size(shape) == 0) {
			rc = pdg_error_set(PDG_EINVALID, "%s: tensor '%s' needs "
			                   "dtype, a 1- or 2-d shape and "
			                   "data_offsets", name, k);
			break;
		}
		x.dtype = dtype_of(dt, &x.int_bytes);
		if (x.dtype == -2) {
			/* other tensors may share the file; they are skipped */
			continue;
		}
		uint64_t elems = 1, esz = x.int_bytes ? (uint64_t)x.int_bytes :
		                 pdg_fp_dtype_size((pdg_fp_dtype)x.dtype);
		x.ndim = (int)json_array_size(shape);
		for (int d = 0; d < x.ndim; d++) {
			const json_t *s = json_array_get(shape, (size_t)d);
			if (!json_is_integer(s) || json_integer_value(s) < 0 ||
			    json_integer_value(s) > (1ll << 32)) {
				rc = -1;
				break;
			}
			x.dims[d] = (uint64_t)json_integer_value(s);
			elems *= x.dims[d];
		}
		const json_t *b0 = json_array_get(offs, 0);
		const json_t *b1 = json_array_get(offs, 1);
		if (rc < 0 || !json_is_integer(b0) || !json_is_integer(b1) ||
		    json_integer_value(b0) < 0 ||
		    json_integer_value(b1) < json_integer_value(b0) ||
		    (uint64_t)json_integer_value(b1) > data_len ||
		    (uint64_t)(json_integer_value(b1) -
		               json_integer_value(b0)) != elems * esz) {
			rc = pdg_error_set(PDG_EINVALID, "%s: tensor '%s': shape "
			                   "and data_offsets disagree or leave "
			                   "the file", name, k);
			break;
		}
		if (*n >= MAX_TENSORS) {
			rc = pdg_error_set(PDG_ELIMIT, "%s: more than %u tensors",
			                   name, MAX_TENSORS);
			break;
		}
		x.offset = data_start + (uint64_t)json_integer_value(b0);
		x.nbytes = elems * esz;
		x.name = pdg_xstrdup(k);
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			t = pdg_xrealloc(t, cap * sizeof(*t));
		}
		t[(*n)++] = x;
	}
	json_decref(root);
	if (rc < 0) {
		pdg_fp_tensors_free(t, *n);
		*n = 0;
		return rc;
	}
	*out = t;
	return 0;
}

static int read_at(pdg_fp_dense *d, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(d->fd, (char *)buf + got, len - got,
		                  (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return pdg_error_set(PDG_EIO, "%s: read error at %llu",
			                     d->path, (unsigned long long)off);
		got += (size_t)r;
	}
	return 0;
}

uint32_t pdg_fp_dense_vocab(const pdg_fp_dense *d)
{
	return d->V;
}

int pdg_fp_dense_rows(pdg_fp_dense *d, const pdg_fp_record *r,
                      uint32_t row, uint32_t n, float *out,
                      uint32_t *vocab)
{
	long ti = pdg_fp_map_get(&d->by_name, r->tensor);
	if (ti < 0)
		return pdg_error_set(PDG_ERROR, "%s: no tensor %s", d->path,
		                     r->tensor);
	const pdg_fp_tensor *t = &d->t[ti];
	size_t es = pdg_fp_dtype_size((pdg_fp_dtype)t->dtype);
	uint64_t V = t->dims[1];

	if ((uint64_t)row + n > t->dims[0])
		return pdg_error_set(PDG_ERROR, "%s: rows outside %s", d->path,
		                     t->name);
	*vocab = (uint32_t)V;
	if (t->dtype == PDG_FP_F32)
		return read_at(d, out, n * V * 4, t->offset + row * V * es);
	/* Read the halves into the second half of `out`, widen in place
	 * from the front: each float lands before its source is read. */
	uint16_t *h = (uint16_t *)(out + n * V) - n * V;
	int rc = read_at(d, h, n * V * 2, t->offset + row * V * es);
	if (rc < 0)
		return rc;
	for (uint64_t i = 0; i < n * V; i++) {
		uint16_t x = h[i];
		out[i] = t->dtype == PDG_FP_BF16 ? pdg_fp_bf16_to_f32(x)
		                                 : pdg_fp_f16_to_f32(x);
	}
	return 0;
}

/* Scores, top-k, byte marginal and tail of one row predicting `id`. */
static void row_summary(pdg_fp_record *r, const pdg_fp_vocab *v,
                        const float *z, uint32_t V, uint32_t id,
                        double *bins)
{
	float m = -INFINITY;
	uint32_t top[DENSE_TOPK], nt = 0;
	double s = 0;

	for (uint32_t i = 0; i < V; i++)
		if (z[i] > m)
			m = z[i];
	for (int b = 0; b < 257; b++)
		bins[b] = 0;
	for (uint32_t i = 0; i < V; i++) {
		double e = pdg_fp_expf(z[i] - m);
		s += e;
		int fb = i < v->n && v->len[i] ? v->tok[i][0] : 256;
		bins[fb] += e;
		/* keep the DENSE_TOPK largest, ties to the lower id */
		if (nt < DENSE_TOPK || z[i] > z[top[nt - 1]]) {
			uint32_t j = nt < DENSE_TOPK ? nt++ : nt - 1;
			while (j > 0 && z[i] > z[top[j - 1]]) {
				top[j] = top[j - 1];
				j--;
			}
			top[j] = i;
		}
	}
	double lse = m + log(s);
	pdg_fp_tok *t = &r->tok[r->ntok - 1];
	t->lp = (float)(z[id] - lse);
	for (uint32_t j = 0; j < nt; j++) {
		uint32_t i = top[j];
		pdg_fp_record_add_alt(r, i < v->n ? v->tok[i] : NULL,
		                      i < v->n ? v->len[i] : 0,
		                      (float)(z[i] - lse));
	}
	pdg_fp_record_end_token(r);
	t = &r->tok[r->ntok - 1];
	t->bm = r->nbm;
	double kept = 0;
	for (int b = 0; b < 257; b++) {
		double p = bins[b] / s;
		if (p < BIN_FLOOR)
			continue;
		if (!(r->nbm & (r->nbm - 1)))
			r->bm = pdg_xrealloc(r->bm, (size_t)(r->nbm ?
			                     r->nbm * 2 : 16) * sizeof(*r->bm));
		r->bm[r->nbm].p = (float)p;
		r->bm[r->nbm].b = b == 256 ? PDG_FP_NO_BYTE : (int16_t)b;
		r->nbm++;
		t->nbm++;
		kept += p;
	}
	(void)kept;
}

static int load_probe(pdg_fp_scores *s, pdg_fp_dense *d, const char *probe,
                      const pdg_fp_tensor *lg, const pdg_fp_tensor *ids,
                      pdg_fp_limits *lim)
{
	uint64_t n = ids->dims[0], V = lg->dims[1];
	pdg_fp_record *r;
	int rc;

	if (lg->ndim != 2 || ids->ndim != 1 || lg->dims[0] != n || n < 2 ||
	    V == 0 || V != d->V || n > PDG_FP_MAX_TOKENS)
		return pdg_error_set(PDG_EINVALID, "%s: probe '%s': logits "
		                     "must be [n, V] with n = len(input_ids) "
		                     ">= 2 and the vocabulary's V", d->path,
		                     probe);
	if (n - 1 > lim->max_positions)
		return pdg_error_set(PDG_ELIMIT, "%s: more scored positions "
		                     "than the limit", d->path);
	lim->max_positions -= n - 1;
	uint8_t *raw = pdg_xmalloc(n * (size_t)ids->int_bytes);
	float *row = pdg_xmalloc(V * sizeof(float));
	double bins[257];
	rc = read_at(d, raw, n * (size_t)ids->int_bytes, ids->offset);
	if (rc == 0)
		rc = pdg_fp_scores_add(s, d->path, probe, &r);
	for (uint64_t i = 0; rc == 0 && i < n; i++) {
		int64_t id = 0;
		if (ids->int_bytes == 4) {
			int32_t x;
			memcpy(&x, raw + 4 * i, 4);
			id = x;
		} else {
			memcpy(&id, raw + 8 * i, 8);
		}
		if (id < 0 || (uint64_t)id >= V) {
			rc = pdg_error_set(PDG_EINVALID, "%s: probe '%s': token "
			                   "id %lld outside the vocabulary",
			                   d->path, probe, (long long)id);
			break;
		}
		const uint8_t *tb = (uint64_t)id < d->vocab.n ?
		                    d->vocab.tok[id] : NULL;
		size_t tl = (uint64_t)id < d->vocab.n ? d->vocab.len[id] : 0;
		pdg_fp_record_add_token(r, tb, tl, NAN);
		if (i == 0) {
			pdg_fp_record_end_token(r);
			continue;
		}
		uint32_t vv;
		rc = pdg_fp_dense_rows(d, &(pdg_fp_record){ .tensor =
		                       lg->name }, (uint32_t)(i - 1), 1, row,
		                       &vv);
		if (rc == 0) {
			row_summary(r, &d->vocab, row, (uint32_t)V,
			            (uint32_t)id, bins);
			r->tok[r->ntok - 1].row = (uint32_t)(i - 1);
		}
	}
	if (rc == 0) {
		r->dense = 1;
		r->tensor = pdg_xstrdup(lg->name);
		s->positions += n - 1;
	}
	free(raw);
	free(row);
	return rc;
}

int pdg_fp_load_dense(pdg_fp_scores *s, const char *path,
                      const char *vocab_path, pdg_fp_limits *lim,
                      unsigned threads)
{
	pdg_fp_dense *d;
	uint64_t size;
	uint8_t head8[8];
	int rc;

	(void)threads;
	if (s->dense)
		return pdg_error_set(PDG_EINVALID, "%s: one dense file per "
		                     "model", path);
	/* Owned by s from here: freed with it on any error. */
	d = pdg_xcalloc(1, sizeof(*d));
	d->fd = -1;
	d->path = pdg_xstrdup(path);
	s->dense = d;
	if ((rc = pdg_fp_vocab_load(&d->vocab, vocab_path)) < 0)
		return rc;
	d->fd = pdg_fp_open_fd(path, &size);
	if (d->fd < 0)
		return d->fd;
	if ((rc = read_at(d, head8, 8, 0)) < 0)
		return rc;
	uint64_t hlen = 0;
	for (int i = 7; i >= 0; i--)
		hlen = hlen << 8 | head8[i];
	if (hlen > MAX_HEADER || hlen + 8 > size)
		return pdg_error_set(PDG_EINVALID, "%s: header length %llu "
		                     "does not fit the file", path,
		                     (unsigned long long)hlen);
	uint8_t *head = pdg_xmalloc(hlen + 8);
	rc = read_at(d, head, hlen + 8, 0);
	if (rc == 0)
		rc = pdg_fp_safetensors_header(&d->t, &d->nt, path, head,
		                               hlen + 8, size);
	free(head);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < d->nt; i++)
		(void)pdg_fp_map_put(&d->by_name, d->t[i].name, (uint32_t)i);
	/* The vocabulary size is the logits' width, the same for all. */
	for (size_t i = 0; i < d->nt && !d->V; i++)
		if (strncmp(d->t[i].name, "logits.", 7) == 0 &&
		    d->t[i].ndim == 2)
			d->V = (uint32_t)d->t[i].dims[1];
	if (!d->V)
		return pdg_error_set(PDG_EINVALID, "%s: no logits.<probe> "
		                     "tensor", path);
	if (d->V > MAX_ROW)
		return pdg_error_set(PDG_ELIMIT, "%s: rows of %u logits; at "
		                     "most %u", path, d->V, MAX_ROW);
	if (d->vocab.n > d->V)
		return pdg_error_set(PDG_EINVALID, "%s: the vocabulary (%zu) "
		                     "is larger than the logits (%u)", path,
		                     d->vocab.n, d->V);
	for (size_t i = 0; i < d->nt; i++) {
		const pdg_fp_tensor *lg = &d->t[i];
		if (strncmp(lg->name, "logits.", 7) != 0)
			continue;
		if (lg->dtype < 0)
			return pdg_error_set(PDG_EINVALID, "%s: %s is not F32, "
			                     "F16 or BF16", path, lg->name);
		char *idn = pdg_xasprintf("input_ids.%s", lg->name + 7);
		long j = pdg_fp_map_get(&d->by_name, idn);
		free(idn);
		if (j < 0 || d->t[j].int_bytes == 0)
			return pdg_error_set(PDG_EINVALID, "%s: %s has no "
			                     "input_ids.%s (I32 or I64)", path,
			                     lg->name, lg->name + 7);
		if ((rc = load_probe(s, d, lg->name + 7, lg, &d->t[j],
		                     lim)) < 0)
			return rc;
	}
	return 0;
}

void pdg_fp_dense_free(pdg_fp_dense *d)
{
	if (!d)
		return;
	if (d->fd >= 0)
		close(d->fd);
	pdg_fp_tensors_free(d->t, d->nt);
	pdg_fp_map_free(&d->by_name);
	pdg_fp_vocab_free(&d->vocab);
	free(d->path);
	free(d);
}
