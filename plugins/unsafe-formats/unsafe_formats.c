/*
 * unsafe_formats.c - what loading an ONNX or Keras model would reach
 * beyond its own bytes, without loading it.
 *
 *  - ONNX: tensors may keep their data in external files named by a
 *    location relative to the model.  A location that is absolute or
 *    climbs out with ".." makes whoever loads the model read any file of
 *    their machine into a tensor (onnx_walk.c, a bounded protobuf walk).
 *  - Keras: Lambda layers carry Python code that runs when the model is
 *    loaded or used: Keras 3 config.json (in a .keras zip, read by the
 *    engine as an archive) is parsed; legacy .h5 files are scanned for
 *    the model_config JSON text (keras_scan.c).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <pedigree/plugin.h>

#include "json_bound.h"
#include "keras_scan.h"
#include "onnx_walk.h"
#include "util.h"

#define UF_NAME "unsafe-formats"
#define UF_CHUNK ((size_t)256 << 10)
/* Findings of one kind per artifact: enough to see the pattern. */
#define UF_MAX_REPORTS 64
/* Distinct external data files listed in the ONNX summary. */
#define UF_MAX_FILES 64
/* JSON nesting followed in a Keras config. */
#define UF_KERAS_DEPTH 256

enum {
	UF_LIM_ONNX_BYTES, UF_LIM_ONNX_FIELDS, UF_LIM_ONNX_DEPTH,
	UF_LIM_H5_SCAN, UF_LIM_KERAS_CONFIG, UF_LIM_KERAS_VALUES, UF_LIM_COUNT
};

static const pdg_limit_desc uf_limits[] = {
	[UF_LIM_ONNX_BYTES] = { UF_NAME ".onnx-bytes", (uint64_t)4 << 30,
		"bytes of one ONNX model walked" },
	[UF_LIM_ONNX_FIELDS] = { UF_NAME ".onnx-fields", (uint64_t)64 << 20,
		"protobuf fields decoded in one ONNX model" },
	[UF_LIM_ONNX_DEPTH] = { UF_NAME ".onnx-depth", 64,
		"nested protobuf messages (graphs inside attributes)" },
	[UF_LIM_H5_SCAN] = { UF_NAME ".h5-scan", (uint64_t)64 << 20,
		"bytes of an HDF5 file scanned for the Keras model config" },
	[UF_LIM_KERAS_CONFIG] = { UF_NAME ".keras-config",
		(uint64_t)16 << 20, "largest Keras config.json parsed" },
	[UF_LIM_KERAS_VALUES] = { UF_NAME ".keras-values",
		(uint64_t)2 << 20, "JSON values in one Keras config parsed" },
	[UF_LIM_COUNT] = { NULL, 0, NULL },
};

struct uf_state {
	const pdg_host_api *api;
};

struct uf_scan {
	const pdg_host_api *api;
	const pdg_artifact *a;
	pdg_emitter *out;
	uint64_t lim[UF_LIM_COUNT];
	size_t reported;
	json_t *files;       /* ONNX external data files, distinct */
	int rc;
};

static void emit(struct uf_scan *s, pdg_finding_kind kind,
                 pdg_severity sev, const char *rule, const char *subject,
                 int64_t offset, json_t *props, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

static void emit(struct uf_scan *s, pdg_finding_kind kind,
                 pdg_severity sev, const char *rule, const char *subject,
                 int64_t offset, json_t *props, const char *fmt, ...)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char msg[768];
	char *text = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (props)
		text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS |
		                         JSON_ENSURE_ASCII);
	d.kind = kind;
	d.severity = sev;
	d.rule = rule;
	d.message = msg;
	d.subject = subject;
	d.byte_offset = offset;
	d.properties = text;
	rc = s->api->emit(s->out, s->a, &d);
	if (rc < 0 && s->rc == 0)
		s->rc = rc;
	free(text);
}

/* Printable copy of untrusted text, for messages. */
static void clean(char *dst, size_t size, const char *src, size_t n)
{
	size_t keep = n < size - 1 ? n : size - 1;

	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[keep] = '\0';
}

static int64_t uf_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct uf_scan *s = ctx;

	return s->api->artifact_read_at(s->a, buf, len, off);
}

/* --- ONNX ------------------------------------------------------------- */

static int on_tensor(void *ctx, const onx_tensor *t)
{
	struct uf_scan *s = ctx;
	char name[ONX_NAME_MAX + 1], loc[512];
	json_t *props;

	if (!t->location)
		return 0;
	clean(loc, sizeof(loc), t->location, t->location_len);
	if (json_array_size(s->files) < UF_MAX_FILES) {
		size_t i;
		json_t *v;
		int seen = 0;

		json_array_foreach(s->files, i, v)
			seen |= strcmp(json_string_value(v), loc) == 0;
		if (!seen)
			json_array_append_new(s->files, json_string(loc));
	}
	if (!t->location_long &&
	    !onx_location_escapes(t->location, t->location_len))
		return 0;
	if (s->reported++ >= UF_MAX_REPORTS)
		return 0;
	clean(name, sizeof(name), t->name, strlen(t->name));
	props = json_pack("{s:s, s:s, s:b}", "tensor", name, "in", t->where,
	                  "location_too_long", t->location_long);
	if (t->location_long)
		emit(s, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		     "onnx.external-data-escape", loc,
		     (int64_t)t->location_offset, props, "%s tensor \"%s\" "
		     "keeps its data at a location longer than %d bytes: it "
		     "cannot be checked to stay in the model's folder",
		     t->where, name, ONX_LOCATION_MAX);
	else
		emit(s, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
		     "onnx.external-data-escape", loc,
		     (int64_t)t->location_offset, props, "%s tensor \"%s\" "
		     "keeps its data at \"%s\", outside the model's folder: "
		     "loading the model reads that file", t->where, name, loc);
	json_decref(props);
	return 0;
}

static void onnx_summary(struct uf_scan *s, const onx_result *r)
{
	json_t *props = json_pack("{s:I, s:I, s:I, s:O}",
		"fields", (json_int_t)r->fields,
		"tensors", (json_int_t)r->tensors,
		"external_tensors", (json_int_t)r->external,
		"external_files", s->files);

	if (r->ir_version >= 0)
		json_object_set_new(props, "ir_version",
		                    json_integer((json_int_t)r->ir_version));
	if (r->producer[0])
		json_object_set_new(props, "producer",
		                    json_string(r->producer));
	emit(s, PDG_FINDING_METADATA, PDG_SEVERITY_INFO, "onnx.model",
	     r->producer[0] ? r->producer : NULL, -1, props,
	     "ONNX model%s%s: %llu tensors, %llu with external data in %zu "
	     "files", r->producer[0] ? " from " : "", r->producer,
	     (unsigned long long)r->tensors,
	     (unsigned long long)r->external, json_array_size(s->files));
	json_decref(props);
}

static int scan_onnx(struct uf_scan *s)
{
	onx_reader rd = { uf_read, s, s->api->artifact_size(s->a) };
	onx_limits lim = { s->lim[UF_LIM_ONNX_BYTES],
	                   s->lim[UF_LIM_ONNX_FIELDS],
	                   s->lim[UF_LIM_ONNX_DEPTH] > 1024 ? 1024 :
	                   (uint32_t)s->lim[UF_LIM_ONNX_DEPTH] };
	onx_callbacks cb = { on_tensor, s };
	onx_result r;
	int rc;

	s->files = json_array();
	rc = onx_walk(&r, &rd, &lim, &cb);
	if (rc < 0) {
		json_decref(s->files);
		return -1;
	}
	if (!r.ok)
		emit(s, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		     r.partial ? "onnx.partial" : "onnx.malformed", NULL,
		     (int64_t)r.offset, NULL, r.partial ?
		     "ONNX model not fully read at byte %llu: %s (limits "
		     UF_NAME ".onnx-*); tensors after it were not checked" :
		     "malformed ONNX protobuf at byte %llu: %s",
		     (unsigned long long)r.offset, r.message);
	onnx_summary(s, &r);
	json_decref(s->files);
	return 0;
}

/* --- Keras ------------------------------------------------------------ */

static int on_lambda(void *ctx, const krs_lambda *l)
{
	struct uf_scan *s = ctx;
	json_t *props;

	if (s->reported++ >= UF_MAX_REPORTS)
		return 0;
	props = json_pack("{s:s}", "form", l->form);
	emit(s, PDG_FINDING_SECURITY, PDG_SEVERITY_ERROR,
	     "keras.lambda-layer", l->name[0] ? l->name : NULL,
	     l->offset ? (int64_t)l->offset : -1, props,
	     "Keras model has a %s%s%s%s: it holds Python code that runs "
	     "when the model is loaded or called", l->form,
	     l->name[0] ? " \"" : "", l->name, l->name[0] ? "\"" : "");
	json_decref(props);
	return 0;
}

/* A .h5 file: scan its bytes for the model_config JSON. */
static int scan_h5(struct uf_scan *s)
{
	uint64_t size = s->api->artifact_size(s->a), off = 0;
	uint64_t max = s->lim[UF_LIM_H5_SCAN];
	uint8_t *buf = pdg_xmalloc(UF_CHUNK);
	krs_scanner k;
	int64_t n = 0;

	krs_scan_init(&k, on_lambda, s);
	while (off < max && !k.stopped) {
		size_t want = max - off < UF_CHUNK ? (size_t)(max - off)
		                                   : UF_CHUNK;

		n = s->api->artifact_read_at(s->a, buf, want, off);
		if (n <= 0)
			break;
		krs_scan_feed(&k, buf, (size_t)n);
		off += (uint64_t)n;
	}
	krs_scan_end(&k);
	free(buf);
	if (n < 0)
		return -1;
	if (off >= max && (!size || size > max))
		emit(s, PDG_FINDING_INPUT, PDG_SEVERITY_INFO, "keras.partial",
		     NULL, (int64_t)off, NULL, "HDF5 file scanned up to the "
		     "limit " UF_NAME ".h5-scan (%llu bytes): Lambda layers "
		     "after it were not looked for", (unsigned long long)max);
	if (k.model_config)
		emit(s, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
		     "keras.model", NULL, -1, NULL, "Keras model saved as "
		     "HDF5 (model_config); Lambda layers: %zu", k.found);
	return 0;
}

/* config.json of a Keras 3 .keras zip (or any Keras model JSON). */
static int scan_config(struct uf_scan *s)
{
	const char *path = s->api->artifact_path(s->a);
	uint64_t size = s->api->artifact_size(s->a);
	const uint8_t *data;
	json_error_t err;
	json_t *root;
	size_t len, found;
	int rc;

	if (!pdg_ends_with_ci(path, ".json") ||
	    size > s->lim[UF_LIM_KERAS_CONFIG])
		return 0;
	/* A Keras config starts with its class name; anything else is not
	 * parsed at all. */
	rc = s->api->artifact_head(s->a, 256, &data, &len);
	if (rc < 0)
		return rc;
	if (!memmem(data, len, "\"class_name\"", 12))
		return 0;
	rc = s->api->artifact_head(s->a, (size_t)s->lim[UF_LIM_KERAS_CONFIG],
	                           &data, &len);
	if (rc < 0)
		return rc;
	if (pdg_json_count_values((const char *)data, len) >
	    s->lim[UF_LIM_KERAS_VALUES]) {
		emit(s, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		     "keras.partial", NULL, -1, NULL, "JSON config with more "
		     "values than the limit " UF_NAME ".keras-values (%llu); "
		     "not parsed, Lambda layers not looked for",
		     (unsigned long long)s->lim[UF_LIM_KERAS_VALUES]);
		return 0;
	}
	root = json_loadb((const char *)data, len, 0, &err);
	if (!krs_is_model_config(root)) {
		json_decref(root);
		return 0;
	}
	found = krs_config_lambdas(root, UF_KERAS_DEPTH, on_lambda, s);
	emit(s, PDG_FINDING_METADATA, PDG_SEVERITY_INFO, "keras.model",
	     json_string_value(json_object_get(root, "class_name")), -1,
	     NULL, "Keras model config (%.100s); Lambda layers: %zu",
	     json_string_value(json_object_get(root, "class_name")), found);
	json_decref(root);
	return 0;
}

/* --- the plugin ------------------------------------------------------- */

static int uf_init(const pdg_host_api *api, void **state)
{
	struct uf_state *st = pdg_xcalloc(1, sizeof(*st));

	st->api = api;
	*state = st;
	return 0;
}

static int uf_scan_artifact(void *state, const pdg_artifact *a,
                            pdg_emitter *out)
{
	struct uf_state *st = state;
	struct uf_scan s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.api = st->api;
	s.a = a;
	s.out = out;
	if (s.api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	for (int i = 0; i < UF_LIM_COUNT; i++)
		s.lim[i] = pdg_limit_value(s.api, out, &uf_limits[i]);
	switch (s.api->artifact_kind(a)) {
	case PDG_KIND_ONNX:
		rc = scan_onnx(&s);
		break;
	case PDG_KIND_HDF5:
		rc = scan_h5(&s);
		break;
	default:
		rc = scan_config(&s);
		break;
	}
	return rc < 0 ? rc : s.rc;
}

static void uf_free(void *state)
{
	free(state);
}

static const pdg_plugin uf_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = UF_NAME,
	.version = "1.0.0",
	.description = "ONNX external data outside the model folder, Keras "
	               "Lambda layers",
	.kinds = PDG_KIND_BIT(PDG_KIND_ONNX) | PDG_KIND_BIT(PDG_KIND_HDF5) |
	         PDG_KIND_BIT(PDG_KIND_CONFIG) |
	         PDG_KIND_BIT(PDG_KIND_DATASET),
	.flags = PDG_PLUGIN_THREAD_SAFE,
	.init = uf_init,
	.scan = uf_scan_artifact,
	.finish = NULL,
	.free = uf_free,
	.limits = uf_limits,
};

PDG_PLUGIN_DEFINE(uf_plugin)
