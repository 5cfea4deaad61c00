/*
 * weights-metadata.c - what weight files say about themselves.
 *
 * Reads the headers of safetensors and GGUF files and config.json, never
 * the tensor payloads: the declared metadata (base model, teachers,
 * licence, architecture) and whether the header is consistent with the
 * file.  The formats have no C library, so the parsers are written here
 * and every length they take from the file is checked before use.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <pedigree/plugin.h>

#include "json_bound.h"

#define WM_NAME "weights-metadata"
#define WM_MIB ((uint64_t)1 << 20)
/* Enough invalid-tensor findings to see the pattern, not one per tensor. */
#define WM_MAX_TENSOR_FINDINGS 16
/* general.* strings kept for the report; longer ones are skipped. */
#define WM_GGUF_MAX_KEPT (64 * 1024u)
#define WM_GGUF_MAX_BASES 64
/* The smallest GGUF tensor info: name length, n_dims, type, offset. */
#define WM_GGUF_MIN_TENSOR_INFO 24u

/* Limits against hostile headers (docs/limits.md); --limit changes them.
 * Real safetensors headers are a few MiB, real GGUF files have a few
 * thousand tensors and a vocabulary of at most a few hundred thousand
 * strings. */
enum {
	WM_LIM_ST_HEADER, WM_LIM_ST_VALUES, WM_LIM_ST_TENSORS, WM_LIM_GGUF_KV,
	WM_LIM_GGUF_TENSORS, WM_LIM_GGUF_KEY, WM_LIM_GGUF_READ,
	WM_LIM_GGUF_DEPTH, WM_LIM_CONFIG, WM_LIM_COUNT
};

static const pdg_limit_desc wm_limits[] = {
	[WM_LIM_ST_HEADER] = { WM_NAME ".safetensors-header", 32 * WM_MIB,
		"largest safetensors JSON header read" },
	[WM_LIM_ST_VALUES] = { WM_NAME ".safetensors-values", 2 * WM_MIB,
		"JSON values in one safetensors header (each costs the "
		"parser some 50 bytes)" },
	[WM_LIM_ST_TENSORS] = { WM_NAME ".safetensors-tensors", 1000000,
		"tensors in one safetensors header" },
	[WM_LIM_GGUF_KV] = { WM_NAME ".gguf-kv", 65536,
		"metadata entries in one GGUF header" },
	[WM_LIM_GGUF_TENSORS] = { WM_NAME ".gguf-tensors", 1000000,
		"tensors one GGUF header may declare" },
	[WM_LIM_GGUF_KEY] = { WM_NAME ".gguf-key", 64 * 1024,
		"length of one GGUF metadata key" },
	[WM_LIM_GGUF_READ] = { WM_NAME ".gguf-read", 64 * WM_MIB,
		"GGUF metadata bytes read, vocabulary included" },
	[WM_LIM_GGUF_DEPTH] = { WM_NAME ".gguf-depth", 3,
		"nesting of GGUF arrays" },
	[WM_LIM_CONFIG] = { WM_NAME ".config", 4 * WM_MIB,
		"largest config.json read" },
	[WM_LIM_COUNT] = { NULL, 0, NULL },
};

struct wm_state {
	const pdg_host_api *api;
};

/* Everything one scan() needs to emit. */
struct wm_ctx {
	const pdg_host_api *api;
	const pdg_artifact *a;
	pdg_emitter *out;
	uint64_t lim[WM_LIM_COUNT];  /* values in force */
};

/* --- emitting ----------------------------------------------------------- */

static int wm_emit(struct wm_ctx *c, pdg_finding_kind kind,
                   pdg_severity sev, const char *rule, const char *message,
                   const char *subject, int64_t offset, json_t *props)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char *text = NULL;
	int rc;

	d.kind = kind;
	d.severity = sev;
	d.rule = rule;
	d.message = message;
	d.subject = subject;
	d.byte_offset = offset;
	if (props) {
		text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
		d.properties = text;
	}
	rc = c->api->emit(c->out, c->a, &d);
	free(text);
	return rc;
}

static int wm_invalid(struct wm_ctx *c, pdg_finding_kind kind,
                      pdg_severity sev, int64_t offset, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));

static int wm_invalid(struct wm_ctx *c, pdg_finding_kind kind,
                      pdg_severity sev, int64_t offset, const char *fmt,
                      ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wm_emit(c, kind, sev, "weights.header-invalid", msg, NULL,
	               offset, NULL);
}

/* A model id as it may appear in metadata: "org/name", a hub URL... */
static int wm_emit_lineage(struct wm_ctx *c, const char *rule,
                           const char *id, const char *declared_in,
                           const char *field, int64_t offset)
{
	char msg[600];
	json_t *props = json_pack("{s:s, s:s}", "declared_in", declared_in,
	                          "field", field);
	int rc;

	snprintf(msg, sizeof(msg), "%s declares %s %.400s in %s",
	         declared_in, strcmp(rule, "weights.teacher") == 0 ?
	         "the teacher model" : "the base model", id, field);
	rc = wm_emit(c, PDG_FINDING_LINEAGE, PDG_SEVERITY_INFO, rule, msg,
	             id, offset, props);
	json_decref(props);
	return rc;
}

/* Split a comma/space separated list and emit one finding per entry. */
static int wm_emit_list(struct wm_ctx *c, const char *rule, const char *v,
                        const char *declared_in, const char *field)
{
	size_t len = strlen(v), i = 0;
	char *copy = malloc(len + 1);
	int rc = 0;

	if (!copy)
		return -1;
	while (i < len && rc == 0) {
		size_t n;

		while (i < len && strchr(", \t\r\n;", v[i]))
			i++;
		n = strcspn(v + i, ", \t\r\n;");
		if (n > 0) {
			memcpy(copy, v + i, n);
			copy[n] = '\0';
			rc = wm_emit_lineage(c, rule, copy, declared_in, field,
			                     -1);
		}
		i += n;
	}
	free(copy);
	return rc;
}

/* --- safetensors -------------------------------------------------------- */

struct wm_dtype {
	const char *name;
	unsigned bits;
};

static const struct wm_dtype wm_dtypes[] = {
	{ "F64", 64 }, { "F32", 32 }, { "F16", 16 }, { "BF16", 16 },
	{ "I64", 64 }, { "I32", 32 }, { "I16", 16 }, { "I8", 8 },
	{ "U64", 64 }, { "U32", 32 }, { "U16", 16 }, { "U8", 8 },
	{ "BOOL", 8 }, { "F8_E4M3", 8 }, { "F8_E5M2", 8 },
	{ "F8_E8M0", 8 }, { "F6_E2M3", 6 }, { "F6_E3M2", 6 }, { "F4", 4 },
	{ "C64", 64 },
};

static unsigned wm_dtype_bits(const char *name)
{
	for (size_t i = 0; i < sizeof(wm_dtypes) / sizeof(*wm_dtypes); i++)
		if (strcmp(wm_dtypes[i].name, name) == 0)
			return wm_dtypes[i].bits;
	return 0;
}

struct wm_span {
	uint64_t begin, end;
	const char *name;
};

static int wm_span_cmp(const void *x, const void *y)
{
	const struct wm_span *a = x, *b = y;

	if (a->begin != b->begin)
		return a->begin < b->begin ? -1 : 1;
	return a->end < b->end ? -1 : a->end > b->end;
}

static int wm_get_u64(json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/*
 * Check one tensor entry; on success fill *span and add its element
 * count to *params.  Returns 0, or 1 with msg set when invalid.
 */
static int wm_st_tensor(const char *name, json_t *t, uint64_t data_len,
                        struct wm_span *span, uint64_t *params, char *msg,
                        size_t msz)
{
	json_t *dt = json_object_get(t, "dtype");
	json_t *shape = json_object_get(t, "shape");
	json_t *offs = json_object_get(t, "data_offsets");
	uint64_t elems = 1, b, e, bits, need;
	unsigned dbits;
	size_t i;
	json_t *d;

	if (!json_is_object(t) || !json_is_string(dt) ||
	    !json_is_array(shape) || !json_is_array(offs) ||
	    json_array_size(offs) != 2) {
		snprintf(msg, msz, "tensor \"%.200s\" lacks dtype, shape or "
		         "data_offsets", name);
		return 1;
	}
	dbits = wm_dtype_bits(json_string_value(dt));
	if (!dbits) {
		snprintf(msg, msz, "tensor \"%.200s\" has unknown dtype "
		         "\"%.40s\"", name, json_string_value(dt));
		return 1;
	}
	json_array_foreach(shape, i, d) {
		uint64_t n;

		if (wm_get_u64(d, &n) < 0 ||
		    __builtin_mul_overflow(elems, n, &elems)) {
			snprintf(msg, msz, "tensor \"%.200s\" has an invalid "
			         "shape", name);
			return 1;
		}
	}
	if (wm_get_u64(json_array_get(offs, 0), &b) < 0 ||
	    wm_get_u64(json_array_get(offs, 1), &e) < 0 || b > e ||
	    e > data_len) {
		snprintf(msg, msz, "tensor \"%.200s\" data_offsets lie "
		         "outside the data section (%llu bytes)", name,
		         (unsigned long long)data_len);
		return 1;
	}
	if (__builtin_mul_overflow(elems, (uint64_t)dbits, &bits) ||
	    bits % 8 != 0 || (need = bits / 8) != e - b) {
		snprintf(msg, msz, "tensor \"%.200s\": shape and dtype %s "
		         "need a different size than data_offsets give "
		         "(%llu bytes)", name, json_string_value(dt),
		         (unsigned long long)(e - b));
		return 1;
	}
	span->begin = b;
	span->end = e;
	span->name = name;
	if (__builtin_add_overflow(*params, elems, params))
		*params = UINT64_MAX;
	return 0;
}

/* Validate every tensor; fill *count and *params. */
static int wm_st_tensors(struct wm_ctx *c, json_t *root, uint64_t data_len,
                         uint64_t *count, uint64_t *params)
{
	size_t n = json_object_size(root), k = 0, reported = 0;
	struct wm_span *spans;
	const char *name;
	char msg[400];
	json_t *t;
	int rc = 0;

	*count = 0;
	*params = 0;
	if (n > c->lim[WM_LIM_ST_TENSORS] + 1)
		return wm_invalid(c, PDG_FINDING_SECURITY,
		                  PDG_SEVERITY_ERROR, 8,
		                  "header declares %zu tensors, more than "
		                  "the limit of %llu (%s)", n,
		                  (unsigned long long)c->lim[WM_LIM_ST_TENSORS],
		                  wm_limits[WM_LIM_ST_TENSORS].name);
	spans = calloc(n ? n : 1, sizeof(*spans));
	if (!spans)
		return -1;
	json_object_foreach(root, name, t) {
		if (strcmp(name, "__metadata__") == 0)
			continue;
		(*count)++;
		if (wm_st_tensor(name, t, data_len, &spans[k], params, msg,
		                 sizeof(msg)) == 0) {
			k++;
		} else if (reported++ < WM_MAX_TENSOR_FINDINGS) {
			rc = wm_invalid(c, PDG_FINDING_SECURITY,
			                PDG_SEVERITY_ERROR, 8, "%s", msg);
			if (rc < 0)
				goto out;
		}
	}
	qsort(spans, k, sizeof(*spans), wm_span_cmp);
	for (size_t i = 1; i < k; i++) {
		if (spans[i].begin >= spans[i - 1].end)
			continue;
		if (reported++ >= WM_MAX_TENSOR_FINDINGS)
			break;
		rc = wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                8, "tensor \"%.200s\" overlaps tensor "
		                "\"%.200s\" in the data section",
		                spans[i].name, spans[i - 1].name);
		if (rc < 0)
			break;
	}
out:
	free(spans);
	return rc;
}

struct wm_key_rule {
	const char *key;
	const char *rule;
};

static const struct wm_key_rule wm_lineage_keys[] = {
	{ "base_model", "weights.base-model" },
	{ "base_model_name_or_path", "weights.base-model" },
	{ "source_model", "weights.base-model" },
	{ "_name_or_path", "weights.base-model" },
	{ "teacher", "weights.teacher" },
	{ "teachers", "weights.teacher" },
	{ "distill_teachers", "weights.teacher" },
};

static int wm_st_metadata(struct wm_ctx *c, json_t *meta, uint64_t count,
                          uint64_t params)
{
	json_t *props = json_object(), *kept = json_object();
	const char *key;
	char msg[160];
	json_t *v;
	int rc;

	json_object_foreach(meta, key, v)
		if (json_is_string(v))
			json_object_set(kept, key, v);
	json_object_set_new(props, "metadata", kept);
	json_object_set_new(props, "tensor_count",
	                    json_integer((json_int_t)count));
	json_object_set_new(props, "parameter_count",
	                    json_integer(params > INT64_MAX ? INT64_MAX :
	                                 (json_int_t)params));
	snprintf(msg, sizeof(msg), "safetensors header: %llu tensors, "
	         "%llu parameters, %zu metadata entries",
	         (unsigned long long)count, (unsigned long long)params,
	         json_object_size(kept));
	rc = wm_emit(c, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
	             "weights.metadata", msg, NULL, 8, props);
	json_decref(props);
	return rc;
}

static int wm_st_lineage(struct wm_ctx *c, json_t *meta)
{
	const char *lic;
	char msg[300];
	int rc = 0;

	for (size_t i = 0; i < sizeof(wm_lineage_keys) /
	     sizeof(*wm_lineage_keys) && rc == 0; i++) {
		json_t *v = json_object_get(meta, wm_lineage_keys[i].key);

		if (json_is_string(v))
			rc = wm_emit_list(c, wm_lineage_keys[i].rule,
			                  json_string_value(v),
			                  "safetensors __metadata__",
			                  wm_lineage_keys[i].key);
	}
	lic = json_string_value(json_object_get(meta, "license"));
	if (rc == 0 && lic && *lic) {
		json_t *props = json_pack("{s:s,s:s}", "declared_in",
		                          "safetensors __metadata__",
		                          "scope", "weights");

		snprintf(msg, sizeof(msg), "safetensors metadata declares "
		         "the licence %.200s", lic);
		rc = wm_emit(c, PDG_FINDING_LICENSE, PDG_SEVERITY_INFO,
		             "weights.license", msg, lic, -1, props);
		json_decref(props);
	}
	return rc;
}

static int wm_st_parse(struct wm_ctx *c, const char *text, size_t n,
                       uint64_t data_len)
{
	json_error_t err;
	json_t *root, *meta;
	uint64_t count, params, values;
	int rc;

	values = pdg_json_count_values(text, n);
	if (values > c->lim[WM_LIM_ST_VALUES])
		return wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                  8, "header holds about %llu JSON values, more "
		                  "than the limit of %llu (%s)",
		                  (unsigned long long)values,
		                  (unsigned long long)c->lim[WM_LIM_ST_VALUES],
		                  wm_limits[WM_LIM_ST_VALUES].name);
	root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                  8 + (int64_t)err.position,
		                  "header is not valid JSON: %.200s",
		                  err.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                  8, "header is not a JSON object");
	}
	meta = json_object_get(root, "__metadata__");
	rc = wm_st_tensors(c, root, data_len, &count, &params);
	if (rc == 0)
		rc = wm_st_metadata(c, json_is_object(meta) ? meta : NULL,
		                    count, params);
	if (rc == 0 && json_is_object(meta))
		rc = wm_st_lineage(c, meta);
	json_decref(root);
	return rc;
}

/* read_at may return less than asked (the end of the cached head, a
 * stream's block): read until n bytes, the end, or an error. */
static int64_t wm_read_full(struct wm_ctx *c, void *buf, size_t n,
                            uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		int64_t r = c->api->artifact_read_at(c->a, (char *)buf + got,
		                                     n - got, off + got);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (int64_t)got;
}

static int wm_scan_safetensors(struct wm_ctx *c)
{
	const pdg_host_api *api = c->api;
	uint64_t size = api->artifact_size(c->a), n = 0;
	const uint8_t *head;
	size_t len;
	char *buf = NULL;
	int rc;

	rc = api->artifact_head(c->a, 8, &head, &len);
	if (rc < 0)
		return rc;
	if (len < 8)
		return wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                  0, "file of %llu bytes is too short for a "
		                  "safetensors header",
		                  (unsigned long long)size);
	for (int i = 7; i >= 0; i--)
		n = (n << 8) | head[i];
	if (n > size - 8)
		return wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                  0, "header length %llu beyond the file "
		                  "(size %llu)", (unsigned long long)n,
		                  (unsigned long long)size);
	if (n > c->lim[WM_LIM_ST_HEADER] || n < 2)
		return wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                  0, "header length %llu outside 2 bytes to "
		                  "the limit of %llu (%s)",
		                  (unsigned long long)n,
		                  (unsigned long long)c->lim[WM_LIM_ST_HEADER],
		                  wm_limits[WM_LIM_ST_HEADER].name);
	rc = api->artifact_head(c->a, (size_t)n + 8, &head, &len);
	if (rc < 0)
		return rc;
	if (len >= n + 8)
		return wm_st_parse(c, (const char *)head + 8, (size_t)n,
		                   size - 8 - n);
	/* Past the host's head limit: copy the header out instead. */
	buf = malloc((size_t)n);
	if (!buf)
		return -1;
	if (wm_read_full(c, buf, (size_t)n, 8) != (int64_t)n)
		rc = wm_invalid(c, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING, 8,
		                "could not read the %llu-byte header",
		                (unsigned long long)n);
	else
		rc = wm_st_parse(c, buf, (size_t)n, size - 8 - n);
	free(buf);
	return rc;
}

/* --- GGUF --------------------------------------------------------------- */

enum {
	GG_U8, GG_I8, GG_U16, GG_I16, GG_U32, GG_I32, GG_F32, GG_BOOL,
	GG_STRING, GG_ARRAY, GG_U64, GG_I64, GG_F64, GG_TYPE_COUNT
};

/* Why a GGUF read stopped. */
enum gg_err { GG_OK = 0, GG_TRUNC, GG_CAP, GG_IO };

/* A forward-only buffered reader: archives are streams. */
struct gg_reader {
	struct wm_ctx *c;
	uint64_t size, pos, fetched;
	uint64_t buf_off;
	size_t buf_len;
	enum gg_err err;
	uint8_t buf[64 * 1024];
};

static int gg_fill(struct gg_reader *r)
{
	uint64_t want = r->size - r->pos;
	int64_t got;

	if (r->pos >= r->size) {
		r->err = GG_TRUNC;
		return -1;
	}
	if (want > sizeof(r->buf))
		want = sizeof(r->buf);
	if (r->fetched + want > r->c->lim[WM_LIM_GGUF_READ]) {
		r->err = GG_CAP;
		return -1;
	}
	got = r->c->api->artifact_read_at(r->c->a, r->buf, (size_t)want,
	                                  r->pos);
	if (got <= 0) {
		r->err = got < 0 ? GG_IO : GG_TRUNC;
		return -1;
	}
	r->fetched += (uint64_t)got;
	r->buf_off = r->pos;
	r->buf_len = (size_t)got;
	return 0;
}

static int gg_read(struct gg_reader *r, void *dst, size_t n)
{
	uint8_t *d = dst;

	while (n > 0) {
		size_t avail, take;

		if (r->pos < r->buf_off || r->pos >= r->buf_off + r->buf_len)
			if (gg_fill(r) < 0)
				return -1;
		avail = (size_t)(r->buf_off + r->buf_len - r->pos);
		take = n < avail ? n : avail;
		memcpy(d, r->buf + (r->pos - r->buf_off), take);
		d += take;
		n -= take;
		r->pos += take;
	}
	return 0;
}

static int gg_skip(struct gg_reader *r, uint64_t n)
{
	if (n > r->size - r->pos) {
		r->err = GG_TRUNC;
		return -1;
	}
	r->pos += n;
	return 0;
}

static int gg_u32(struct gg_reader *r, uint32_t *v)
{
	uint8_t b[4];

	if (gg_read(r, b, 4) < 0)
		return -1;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	     (uint32_t)b[3] << 24;
	return 0;
}

static int gg_u64(struct gg_reader *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (gg_u32(r, &lo) < 0 || gg_u32(r, &hi) < 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static const uint8_t gg_sizes[GG_TYPE_COUNT] = {
	[GG_U8] = 1, [GG_I8] = 1, [GG_U16] = 2, [GG_I16] = 2,
	[GG_U32] = 4, [GG_I32] = 4, [GG_F32] = 4, [GG_BOOL] = 1,
	[GG_U64] = 8, [GG_I64] = 8, [GG_F64] = 8,
};

/* The GGUF parse: limits hit become findings, not errors. */
struct gg_parse {
	struct gg_reader r;
	json_t *vals;    /* general.* key -> value */
	json_t *offs;    /* general.* key -> kv offset */
	uint64_t limit_at;
	char limit[200]; /* set when a limit of ours was exceeded */
};

static int gg_over(struct gg_parse *p, const char *what, uint64_t n,
                   uint64_t max)
{
	snprintf(p->limit, sizeof(p->limit), "%s %llu exceeds the limit "
	         "of %llu", what, (unsigned long long)n,
	         (unsigned long long)max);
	p->limit_at = p->r.pos;
	return -1;
}

/* Read a string into a fresh buffer (max bytes) or skip it (out NULL). */
static int gg_string(struct gg_parse *p, uint64_t max, char **out)
{
	uint64_t n;

	if (gg_u64(&p->r, &n) < 0)
		return -1;
	if (!out)
		return gg_skip(&p->r, n);
	if (n > max)
		return gg_over(p, "string length", n, max);
	*out = malloc((size_t)n + 1);
	if (!*out)
		return -1;
	if (gg_read(&p->r, *out, (size_t)n) < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	(*out)[n] = '\0';
	return 0;
}

static int gg_value(struct gg_parse *p, uint32_t type, int depth,
                    json_t **keep);

static int gg_array(struct gg_parse *p, int depth)
{
	uint32_t et;
	uint64_t count, bytes;

	if (gg_u32(&p->r, &et) < 0 || gg_u64(&p->r, &count) < 0)
		return -1;
	if ((uint64_t)depth >= p->r.c->lim[WM_LIM_GGUF_DEPTH])
		return gg_over(p, "array nesting", (uint64_t)depth + 1,
		               p->r.c->lim[WM_LIM_GGUF_DEPTH]);
	if (et >= GG_TYPE_COUNT) {
		snprintf(p->limit, sizeof(p->limit), "unknown array element "
		         "type %u", et);
		p->limit_at = p->r.pos;
		return -1;
	}
	if (gg_sizes[et]) {
		/* Fixed-size elements: skip without reading them. */
		if (__builtin_mul_overflow(count, (uint64_t)gg_sizes[et],
		                           &bytes)) {
			p->r.err = GG_TRUNC;
			return -1;
		}
		return gg_skip(&p->r, bytes);
	}
	/* Each element is at least 8 bytes, so count is bounded by the
	 * file and by the fetch cap. */
	for (uint64_t i = 0; i < count; i++)
		if (gg_value(p, et, depth + 1, NULL) < 0)
			return -1;
	return 0;
}

static json_t *gg_number(uint32_t type, const uint8_t *b)
{
	uint64_t u = 0;

	for (int i = gg_sizes[type] - 1; i >= 0; i--)
		u = u << 8 | b[i];
	switch (type) {
	case GG_I8: return json_integer((int8_t)u);
	case GG_I16: return json_integer((int16_t)u);
	case GG_I32: return json_integer((int32_t)u);
	case GG_I64: return json_integer((int64_t)u);
	case GG_BOOL: return json_boolean(u != 0);
	case GG_F32: {
		uint32_t w = (uint32_t)u;
		float f;

		memcpy(&f, &w, sizeof(f));
		return json_real(f);
	}
	case GG_F64: {
		double d;

		memcpy(&d, &u, sizeof(d));
		return json_real(d);
	}
	default:
		return u > INT64_MAX ? NULL : json_integer((json_int_t)u);
	}
}

/* A JSON string of untrusted bytes: as they are when they are UTF-8
 * without NULs, else with every byte that is not printable ASCII as '?'.
 * Findings must carry valid JSON, or the host refuses them. */
static json_t *gg_json_string(const char *s, size_t n)
{
	json_t *v = memchr(s, '\0', n) ? NULL : json_stringn(s, n);
	char *c;

	if (v)
		return v;
	c = malloc(n + 1);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++)
		c[i] = (s[i] & 0x80) || s[i] < 0x20 ? '?' : s[i];
	v = json_stringn(c, n);
	free(c);
	return v;
}

/* Read (keep != NULL: into *keep) or skip one value of `type`. */
static int gg_value(struct gg_parse *p, uint32_t type, int depth,
                    json_t **keep)
{
	uint8_t b[8];

	if (type >= GG_TYPE_COUNT) {
		snprintf(p->limit, sizeof(p->limit), "unknown value type %u",
		         type);
		p->limit_at = p->r.pos;
		return -1;
	}
	if (type == GG_ARRAY)
		return gg_array(p, depth);
	if (type == GG_STRING) {
		char *s = NULL;
		uint64_t n;

		if (!keep)
			return gg_string(p, 0, NULL);
		if (gg_u64(&p->r, &n) < 0)
			return -1;
		if (n > WM_GGUF_MAX_KEPT)
			return gg_skip(&p->r, n);
		s = malloc((size_t)n + 1);
		if (!s)
			return -1;
		if (gg_read(&p->r, s, (size_t)n) < 0) {
			free(s);
			return -1;
		}
		s[n] = '\0';
		*keep = gg_json_string(s, (size_t)n);
		free(s);
		return 0;
	}
	if (gg_read(&p->r, b, gg_sizes[type]) < 0)
		return -1;
	if (keep)
		*keep = gg_number(type, b);
	return 0;
}

static int gg_kv(struct gg_parse *p)
{
	uint64_t at = p->r.pos;
	uint32_t type;
	char *key = NULL;
	json_t *v = NULL;
	int rc;

	if (gg_string(p, p->r.c->lim[WM_LIM_GGUF_KEY], &key) < 0)
		return -1;
	if (gg_u32(&p->r, &type) < 0) {
		free(key);
		return -1;
	}
	rc = gg_value(p, type, 0,
	              strncmp(key, "general.", 8) == 0 ? &v : NULL);
	if (rc == 0 && v) {
		json_object_set_new(p->vals, key, v);
		json_object_set_new(p->offs, key,
		                    json_integer((json_int_t)at));
	}
	free(key);
	return rc;
}

static const char *gg_str(struct gg_parse *p, const char *key)
{
	return json_string_value(json_object_get(p->vals, key));
}

static int64_t gg_off(struct gg_parse *p, const char *key)
{
	json_t *o = json_object_get(p->offs, key);

	return o ? (int64_t)json_integer_value(o) : -1;
}

static int gg_emit_base(struct wm_ctx *c, struct gg_parse *p, unsigned i)
{
	char k_name[64], k_org[64], k_url[64], k_repo[64], id[600];
	const char *name, *org, *url;
	const char *field = k_name;

	snprintf(k_name, sizeof(k_name), "general.base_model.%u.name", i);
	snprintf(k_org, sizeof(k_org), "general.base_model.%u.organization",
	         i);
	snprintf(k_url, sizeof(k_url), "general.base_model.%u.repo_url", i);
	snprintf(k_repo, sizeof(k_repo), "general.base_model.%u.url", i);
	name = gg_str(p, k_name);
	org = gg_str(p, k_org);
	url = gg_str(p, k_url);
	if (!url)
		url = gg_str(p, k_repo);
	if (org && *org && name && *name) {
		snprintf(id, sizeof(id), "%.280s/%.280s", org, name);
	} else if (url && *url) {
		snprintf(id, sizeof(id), "%.590s", url);
		field = gg_str(p, k_url) ? k_url : k_repo;
	} else if (name && *name) {
		snprintf(id, sizeof(id), "%.590s", name);
	} else {
		return 0;
	}
	return wm_emit_lineage(c, "weights.base-model", id, "GGUF metadata",
	                       field, gg_off(p, field));
}

static int gg_report(struct wm_ctx *c, struct gg_parse *p, uint32_t version,
                     uint64_t tensors, uint64_t kvs)
{
	const char *lic = gg_str(p, "general.license");
	const char *arch = gg_str(p, "general.architecture");
	static const char *const sources[] = {
		"general.source.url", "general.source.huggingface.repository",
	};
	json_t *props, *cnt;
	char msg[600];
	int rc;

	props = json_pack("{s:i, s:I, s:I, s:O}", "version", (int)version,
	                  "tensor_count", (json_int_t)(tensors > INT64_MAX ?
	                  INT64_MAX : tensors), "kv_count", (json_int_t)kvs,
	                  "general", p->vals);
	snprintf(msg, sizeof(msg), "GGUF v%u: %llu tensors, %llu metadata "
	         "entries%s%.200s", version, (unsigned long long)tensors,
	         (unsigned long long)kvs, arch ? ", architecture " : "",
	         arch ? arch : "");
	rc = wm_emit(c, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
	             "weights.metadata", msg, gg_str(p, "general.name"), 0,
	             props);
	json_decref(props);
	if (rc == 0 && arch) {
		snprintf(msg, sizeof(msg), "GGUF architecture %.200s", arch);
		rc = wm_emit(c, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
		             "weights.architecture", msg, arch,
		             gg_off(p, "general.architecture"), NULL);
	}
	if (rc == 0 && lic && *lic) {
		props = json_pack("{s:s,s:s}", "declared_in",
		                  "GGUF metadata", "scope", "weights");
		snprintf(msg, sizeof(msg), "GGUF metadata declares the "
		         "licence %.200s", lic);
		rc = wm_emit(c, PDG_FINDING_LICENSE, PDG_SEVERITY_INFO,
		             "weights.license", msg, lic,
		             gg_off(p, "general.license"), props);
		json_decref(props);
	}
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		const char *v = gg_str(p, sources[i]);

		if (!v || !*v)
			continue;
		snprintf(msg, sizeof(msg), "GGUF metadata names the source "
		         "%.400s", v);
		rc = wm_emit(c, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
		             "weights.source", msg, v,
		             gg_off(p, sources[i]), NULL);
	}
	cnt = json_object_get(p->vals, "general.base_model.count");
	if (json_is_integer(cnt)) {
		json_int_t n = json_integer_value(cnt);

		if (n > WM_GGUF_MAX_BASES)
			n = WM_GGUF_MAX_BASES;
		for (json_int_t i = 0; rc == 0 && i < n; i++)
			rc = gg_emit_base(c, p, (unsigned)i);
	}
	return rc;
}

static int gg_problem(struct wm_ctx *c, struct gg_parse *p)
{
	if (p->limit[0])
		return wm_invalid(c, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		                  (int64_t)p->limit_at, "GGUF header: %s at "
		                  "offset %llu", p->limit,
		                  (unsigned long long)p->limit_at);
	switch (p->r.err) {
	case GG_CAP:
		return wm_invalid(c, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		                  (int64_t)p->r.pos, "GGUF metadata larger "
		                  "than the read limit of %llu bytes (%s); "
		                  "stopped at offset %llu",
		                  (unsigned long long)c->lim[WM_LIM_GGUF_READ],
		                  wm_limits[WM_LIM_GGUF_READ].name,
		                  (unsigned long long)p->r.pos);
	case GG_IO:
		return -1;
	default:
		return wm_invalid(c, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		                  (int64_t)p->r.pos, "GGUF header truncated: "
		                  "a value at offset %llu runs past the end "
		                  "of the file (size %llu)",
		                  (unsigned long long)p->r.pos,
		                  (unsigned long long)p->r.size);
	}
}

static int gg_parse_all(struct wm_ctx *c, struct gg_parse *p)
{
	uint8_t magic[4];
	uint32_t version;
	uint64_t tensors, kvs;

	if (gg_read(&p->r, magic, 4) < 0 || gg_u32(&p->r, &version) < 0)
		return gg_problem(c, p);
	if (memcmp(magic, "GGUF", 4) != 0)
		return wm_invalid(c, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		                  0, "not a GGUF file (bad magic)");
	if (version < 2 || version > 3)
		return wm_invalid(c, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		                  4, "unsupported GGUF version %u", version);
	if (gg_u64(&p->r, &tensors) < 0 || gg_u64(&p->r, &kvs) < 0)
		return gg_problem(c, p);
	if (kvs > c->lim[WM_LIM_GGUF_KV]) {
		p->r.pos = 16;
		gg_over(p, "metadata entry count", kvs, c->lim[WM_LIM_GGUF_KV]);
		return gg_problem(c, p);
	}
	/* Every tensor needs an info record after the metadata: a count the
	 * file cannot hold is a lie, whatever the limit. */
	if (tensors > c->lim[WM_LIM_GGUF_TENSORS] ||
	    (p->r.size && tensors > p->r.size / WM_GGUF_MIN_TENSOR_INFO)) {
		p->r.pos = 8;
		gg_over(p, "tensor count", tensors,
		        tensors > c->lim[WM_LIM_GGUF_TENSORS] ?
		        c->lim[WM_LIM_GGUF_TENSORS] :
		        p->r.size / WM_GGUF_MIN_TENSOR_INFO);
		return gg_problem(c, p);
	}
	for (uint64_t i = 0; i < kvs; i++)
		if (gg_kv(p) < 0) {
			if (!p->limit[0] && p->r.err == GG_OK)
				return -1;	/* out of memory */
			return gg_problem(c, p);
		}
	return gg_report(c, p, version, tensors, kvs);
}

static int wm_scan_gguf(struct wm_ctx *c)
{
	struct gg_parse *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -1;
	p->r.c = c;
	p->r.size = c->api->artifact_size(c->a);
	p->vals = json_object();
	p->offs = json_object();
	rc = (p->vals && p->offs) ? gg_parse_all(c, p) : -1;
	json_decref(p->vals);
	json_decref(p->offs);
	free(p);
	return rc;
}

/* --- config.json -------------------------------------------------------- */

static int wm_is_basename(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	const char *bang = strrchr(path, '!');
	const char *base = path;

	if (slash)
		base = slash + 1;
	else if (bang)
		base = bang + 1;
	return strcmp(base, name) == 0;
}

/* "org/name" on the Hub, not "./out", "/data/ckpt" or "C:\\x". */
static int wm_is_hub_id(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t n = strlen(s);

	if (!slash || strchr(slash + 1, '/') || slash == s || n > 200 ||
	    slash[1] == '\0' || s[0] == '.' || s[0] == '~' ||
	    slash[1] == '.')
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.' || *p == '/'))
			return 0;
	return 1;
}

static int wm_config_arch(struct wm_ctx *c, json_t *root)
{
	json_t *archs = json_object_get(root, "architectures");
	json_t *mt = json_object_get(root, "model_type");
	const char *subject = NULL;
	json_t *props = json_object();
	char msg[300];
	int rc;

	if (json_is_array(archs)) {
		json_object_set(props, "architectures", archs);
		subject = json_string_value(json_array_get(archs, 0));
	}
	if (json_is_string(mt)) {
		json_object_set(props, "model_type", mt);
		if (!subject)
			subject = json_string_value(mt);
	}
	if (json_object_size(props) == 0) {
		json_decref(props);
		return 0;
	}
	json_object_set_new(props, "declared_in", json_string("config.json"));
	snprintf(msg, sizeof(msg), "config.json declares the architecture "
	         "%.200s", subject ? subject : "(unnamed)");
	rc = wm_emit(c, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
	             "weights.architecture", msg, subject, -1, props);
	json_decref(props);
	return rc;
}

static int wm_scan_config(struct wm_ctx *c)
{
	const pdg_host_api *api = c->api;
	const uint8_t *data;
	const char *nop;
	json_error_t err;
	json_t *root;
	size_t len;
	int rc;

	if (!wm_is_basename(api->artifact_path(c->a), "config.json"))
		return 0;
	if (api->artifact_size(c->a) > c->lim[WM_LIM_CONFIG]) {
		api->log(WM_NAME, "config.json over the limit "
		         WM_NAME ".config not read");
		return 0;
	}
	rc = api->artifact_head(c->a, (size_t)c->lim[WM_LIM_CONFIG], &data,
	                        &len);
	if (rc < 0)
		return rc;
	root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES,
	                  &err);
	if (!json_is_object(root)) {
		json_decref(root);
		api->log(WM_NAME, "config.json is not a JSON object");
		return 0;
	}
	nop = json_string_value(json_object_get(root, "_name_or_path"));
	rc = 0;
	if (nop && wm_is_hub_id(nop))
		rc = wm_emit_lineage(c, "weights.base-model", nop,
		                     "config.json", "_name_or_path", -1);
	if (rc == 0)
		rc = wm_config_arch(c, root);
	json_decref(root);
	return rc;
}

/* --- the plugin callbacks ----------------------------------------------- */

static int wm_init(const pdg_host_api *api, void **state)
{
	struct wm_state *st;

	if (api->struct_size < offsetof(pdg_host_api, log) + sizeof(api->log))
		return -1;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	st->api = api;
	*state = st;
	return 0;
}

static int wm_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	struct wm_state *st = state;
	struct wm_ctx c = { st->api, a, out, { 0 } };

	for (int i = 0; i < WM_LIM_COUNT; i++)
		c.lim[i] = pdg_limit_value(st->api, out, &wm_limits[i]);

	/* A Git LFS pointer names the weights; it holds no header. */
	if (st->api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	switch (st->api->artifact_kind(a)) {
	case PDG_KIND_SAFETENSORS:
		return wm_scan_safetensors(&c);
	case PDG_KIND_GGUF:
		return wm_scan_gguf(&c);
	case PDG_KIND_CONFIG:
		return wm_scan_config(&c);
	default:
		return 0;
	}
}

static void wm_free(void *state)
{
	free(state);
}

static const pdg_plugin wm_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = WM_NAME,
	.version = "0.1.0",
	.description = "metadata, lineage and header checks of safetensors, "
	               "GGUF and config.json",
	.kinds = PDG_KIND_BIT(PDG_KIND_SAFETENSORS) |
	         PDG_KIND_BIT(PDG_KIND_GGUF) | PDG_KIND_BIT(PDG_KIND_CONFIG),
	/* No shared mutable state: scan() works on its own stack/heap. */
	.flags = PDG_PLUGIN_THREAD_SAFE,
	.init = wm_init,
	.scan = wm_scan,
	.finish = NULL,
	.free = wm_free,
	.limits = wm_limits,
};

PDG_PLUGIN_DEFINE(wm_plugin)
