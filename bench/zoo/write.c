/* write.c - a zoo model's scores in the shapes real servers write
 * (docs/fingerprint.md, "Inputs"), and dense logits as safetensors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zoo.h"

#define MAXIDS 8192

int zwrite_digits = 7;
int zwrite_bytes = 1;

void zjson_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else if (c >= 0x80)
			fputc('?', f);	/* never in the texts; rare in top-k */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_tok(FILE *f, const ztok *t, int id)
{
	zjson_str(f, (const char *)t->bytes[id], t->len[id]);
}

static void json_bytes(FILE *f, const ztok *t, int id)
{
	fputc('[', f);
	for (int i = 0; i < t->len[id]; i++)
		fprintf(f, "%s%u", i ? "," : "", t->bytes[id][i]);
	fputc(']', f);
}

static double lp_of(const float *p, int w)
{
	return p[w] > 0 ? log((double)p[w]) : -1e4;
}

/* One {token, logprob, bytes, top_logprobs} entry. */
static void content_entry(FILE *f, const ztok *t, const float *p, int w,
                          int k, int with_id)
{
	uint16_t top[64];
	int n = ztopk(p, t->V, k, top);

	fputs("{", f);
	if (with_id)
		fprintf(f, "\"id\":%d,", w);
	fputs("\"token\":", f);
	json_tok(f, t, w);
	fprintf(f, ",\"logprob\":%.*g", zwrite_digits, lp_of(p, w));
	if (zwrite_bytes) {
		fputs(",\"bytes\":", f);
		json_bytes(f, t, w);
	}
	fputs(",\"top_logprobs\":[", f);
	for (int j = 0; j < n; j++) {
		fputs(j ? ",{" : "{", f);
		if (with_id)
			fprintf(f, "\"id\":%d,", top[j]);
		fputs("\"token\":", f);
		json_tok(f, t, top[j]);
		fprintf(f, ",\"logprob\":%.*g", zwrite_digits,
		        lp_of(p, top[j]));
		if (zwrite_bytes) {
			fputs(",\"bytes\":", f);
			json_bytes(f, t, top[j]);
		}
		fputc('}', f);
	}
	fputs("]}", f);
}

static int rank_of(const float *p, int V, int w)
{
	int r = 1;

	for (int i = 0; i < V; i++)
		r += p[i] > p[w] || (p[i] == p[w] && i < w);
	return r;
}

/* prompt + text as the model tokenizes it. */
static size_t forced_ids(const zmodel *m, const zprobe *pr, uint16_t *ids)
{
	size_t a = strlen(pr->prompt), b = strlen(pr->text);
	char *s = malloc(a + b + 1);

	memcpy(s, pr->prompt, a);
	memcpy(s + a, pr->text, b + 1);
	size_t n = ztok_encode(zmodel_tok(m), s, a + b, ids);
	free(s);
	return n;
}

static void own_body(FILE *f, const zmodel *m, const char *name,
                     const zprobe *pr, int k, zshape shape)
{
	const ztok *t = zmodel_tok(m);
	uint16_t *ids = malloc(MAXIDS * sizeof(uint16_t));
	float *p = malloc((size_t)t->V * sizeof(float));
	size_t np = ztok_encode(t, pr->prompt, strlen(pr->prompt), ids);
	/* the generator's own tokens are the ones it sampled */
	size_t nt = pr->own_n;
	memcpy(ids + np, pr->own_ids, nt * sizeof(uint16_t));

	if (shape == ZS_OLLAMA) {
		fputs("{\"model\":", f);
		zjson_str(f, name, strlen(name));
		fputs(",\"created_at\":\"2025-01-01T00:00:00Z\",\"response\":",
		      f);
		zjson_str(f, pr->text, strlen(pr->text));
		fputs(",\"done\":true,\"logprobs\":[", f);
	} else {
		fputs("{\"id\":\"chatcmpl-", f);
		fputs(pr->id, f);
		fputs("\",\"object\":\"chat.completion\",\"model\":", f);
		zjson_str(f, name, strlen(name));
		fputs(",\"choices\":[{\"index\":0,\"message\":{\"role\":"
		      "\"assistant\",\"content\":", f);
		zjson_str(f, pr->text, strlen(pr->text));
		fputs("},\"logprobs\":{\"content\":[", f);
	}
	for (size_t i = 0; i < nt; i++) {
		zmodel_dist(m, ids, np + i, p);
		if (i)
			fputc(',', f);
		content_entry(f, t, p, ids[np + i], k, shape == ZS_LLAMACPP);
	}
	if (shape == ZS_OLLAMA)
		fputs("]}", f);
	else
		fputs("]},\"finish_reason\":\"length\"}]}", f);
	free(ids);
	free(p);
}

static void forced_vllm(FILE *f, const zmodel *m, const char *name,
                        const zprobe *pr, int k)
{
	const ztok *t = zmodel_tok(m);
	uint16_t *ids = malloc(MAXIDS * sizeof(uint16_t)), top[64];
	float *p = malloc((size_t)t->V * sizeof(float));
	size_t n = forced_ids(m, pr, ids);

	fputs("{\"id\":\"cmpl-", f);
	fputs(pr->id, f);
	fputs("\",\"object\":\"text_completion\",\"model\":", f);
	zjson_str(f, name, strlen(name));
	fputs(",\"choices\":[{\"index\":0,\"text\":\"\",\"prompt_logprobs\":"
	      "[null", f);
	for (size_t i = 1; i < n; i++) {
		zmodel_dist(m, ids, i, p);
		int got = ztopk(p, t->V, k, top), in = 0;
		fputs(",{", f);
		for (int j = 0; j < got; j++) {
			in |= top[j] == ids[i];
			fprintf(f, "%s\"%d\":{\"logprob\":%.*g,\"rank\":%d,"
			        "\"decoded_token\":", j ? "," : "", top[j],
			        zwrite_digits, lp_of(p, top[j]), j + 1);
			json_tok(f, t, top[j]);
			fputc('}', f);
		}
		if (!in) {
			fprintf(f, ",\"%d\":{\"logprob\":%.*g,\"rank\":%d,"
			        "\"decoded_token\":", ids[i], zwrite_digits,
			        lp_of(p, ids[i]), rank_of(p, t->V, ids[i]));
			json_tok(f, t, ids[i]);
			fputc('}', f);
		}
		fputc('}', f);
	}
	fputs("],\"prompt_token_ids\":[", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? "," : "", ids[i]);
	fputs("],\"finish_reason\":\"length\"}]}", f);
	free(ids);
	free(p);
}

static void forced_legacy(FILE *f, const zmodel *m, const char *name,
                          const zprobe *pr, int k)
{
	const ztok *t = zmodel_tok(m);
	uint16_t *ids = malloc(MAXIDS * sizeof(uint16_t)), top[64];
	float *p = malloc((size_t)t->V * sizeof(float));
	size_t n = forced_ids(m, pr, ids), off = 0;

	fputs("{\"id\":\"cmpl-", f);
	fputs(pr->id, f);
	fputs("\",\"object\":\"text_completion\",\"model\":", f);
	zjson_str(f, name, strlen(name));
	fputs(",\"choices\":[{\"index\":0,\"text\":\"\",\"logprobs\":"
	      "{\"tokens\":[", f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_tok(f, t, ids[i]);
	}
	fputs("],\"token_logprobs\":[null", f);
	for (size_t i = 1; i < n; i++) {
		zmodel_dist(m, ids, i, p);
		fprintf(f, ",%.*g", zwrite_digits, lp_of(p, ids[i]));
	}
	fputs("],\"top_logprobs\":[null", f);
	for (size_t i = 1; i < n; i++) {
		zmodel_dist(m, ids, i, p);
		int got = ztopk(p, t->V, k, top);
		fputs(",{", f);
		for (int j = 0; j < got; j++) {
			if (j)
				fputc(',', f);
			json_tok(f, t, top[j]);
			fprintf(f, ":%.*g", zwrite_digits, lp_of(p, top[j]));
		}
		fputc('}', f);
	}
	fputs("],\"text_offset\":[", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s%zu", i ? "," : "", off);
		off += t->len[ids[i]];
	}
	fputs("]},\"finish_reason\":\"length\"}]}", f);
	free(ids);
	free(p);
}

void zwrite_record(FILE *f, const zmodel *m, const char *model_name,
                   const zprobe *p, int own, int k, zshape shape)
{
	if (shape == ZS_BATCH) {
		fputs("{\"id\":\"batch_req_", f);
		fputs(p->id, f);
		fputs("\",\"custom_id\":", f);
		zjson_str(f, p->id, strlen(p->id));
		fputs(",\"response\":{\"status_code\":200,\"body\":", f);
	} else {
		fputs("{\"probe\":", f);
		zjson_str(f, p->id, strlen(p->id));
		fputs(",\"response\":", f);
	}
	if (own)
		own_body(f, m, model_name, p, k, shape);
	else if (shape == ZS_LLAMACPP)
		forced_legacy(f, m, model_name, p, k);
	else
		forced_vllm(f, m, model_name, p, k);
	fputs(shape == ZS_BATCH ? "},\"error\":null}\n" : "}\n", f);
}

static uint16_t to_bf16(float x)
{
	uint32_t u;

	memcpy(&u, &x, 4);
	u += 0x7fff + ((u >> 16) & 1);	/* round to nearest even */
	return (uint16_t)(u >> 16);
}

int zwrite_dense(const char *path, const char *vocab_path, const zmodel *m,
                 const zprobe *pr, size_t np, int bf16)
{
	const ztok *t = zmodel_tok(m);
	uint16_t **ids = calloc(np, sizeof(*ids));
	size_t *n = calloc(np, sizeof(*n)), es = bf16 ? 2 : 4;
	ztext h = { 0 };
	char buf[256];
	uint64_t off = 0;
	FILE *f;

	h.n = 0;
	ztext_put(&h, "{", 1);
	for (size_t i = 0; i < np; i++) {
		ids[i] = malloc(MAXIDS * sizeof(uint16_t));
		n[i] = forced_ids(m, &pr[i], ids[i]);
		uint64_t lb = (uint64_t)n[i] * t->V * es, ib = n[i] * 4;
		int k = snprintf(buf, sizeof(buf), "%s\"logits.%s\":{\"dtype\":"
		                 "\"%s\",\"shape\":[%zu,%d],\"data_offsets\":"
		                 "[%llu,%llu]},", i ? "," : "", pr[i].id,
		                 bf16 ? "BF16" : "F32", n[i], t->V,
		                 (unsigned long long)off,
		                 (unsigned long long)(off + lb));
		ztext_put(&h, buf, (size_t)k);
		off += lb;
		k = snprintf(buf, sizeof(buf), "\"input_ids.%s\":{\"dtype\":"
		             "\"I32\",\"shape\":[%zu],\"data_offsets\":"
		             "[%llu,%llu]}", pr[i].id, n[i],
		             (unsigned long long)off,
		             (unsigned long long)(off + ib));
		ztext_put(&h, buf, (size_t)k);
		off += ib;
	}
	ztext_put(&h, "}", 1);
	while (h.n % 8)
		ztext_put(&h, " ", 1);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	uint64_t hl = h.n;
	for (int i = 0; i < 8; i++)
		fputc((int)((hl >> (8 * i)) & 0xff), f);
	fwrite(h.p, 1, h.n, f);
	float *p = malloc((size_t)t->V * sizeof(float));
	for (size_t i = 0; i < np; i++) {
		for (size_t r = 0; r < n[i]; r++) {
			zmodel_dist(m, ids[i], r + 1, p);
			for (int w = 0; w < t->V; w++) {
				float z = p[w] > 0 ? logf(p[w]) : -1e4f;
				if (bf16) {
					uint16_t b = to_bf16(z);
					fwrite(&b, 2, 1, f);
				} else {
					fwrite(&z, 4, 1, f);
				}
			}
		}
		for (size_t r = 0; r < n[i]; r++) {
			int32_t x = ids[i][r];
			fwrite(&x, 4, 1, f);
		}
		free(ids[i]);
	}
	free(p);
	free(ids);
	free(n);
	ztext_free(&h);
	if (fclose(f) != 0)
		return -1;
	f = fopen(vocab_path, "wb");
	if (!f)
		return -1;
	fputc('[', f);
	for (int w = 0; w < t->V; w++) {
		if (w)
			fputc(',', f);
		json_tok(f, t, w);
	}
	fputs("]\n", f);
	return fclose(f) == 0 ? 0 : -1;
}
