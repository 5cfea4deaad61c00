/* keras_scan.c - find Lambda layers in Keras configs and in HDF5 bytes. */
#include <string.h>

#include "keras_scan.h"

/* How far past "class_name" the layer's name is looked for. */
#define KRS_LOOKAHEAD 1024
/* Bytes scanned per step: the kept tail plus this much input. */
#define KRS_PIECE ((size_t)60 << 10)

static void printable_copy(char *dst, const char *src, size_t n)
{
	if (n > KRS_NAME_MAX)
		n = KRS_NAME_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[n] = '\0';
}

/* --- parsed configs --------------------------------------------------- */

int krs_is_model_config(const json_t *root)
{
	return json_is_object(root) &&
	       json_is_string(json_object_get(root, "class_name")) &&
	       json_is_object(json_object_get(root, "config"));
}

struct walk_ctx {
	krs_lambda_fn fn;
	void *ctx;
	size_t found;
	int stopped;
};

static void found_lambda(struct walk_ctx *w, const char *form,
                         const char *name)
{
	krs_lambda l;

	memset(&l, 0, sizeof(l));
	l.form = form;
	if (name)
		printable_copy(l.name, name, strlen(name));
	w->found++;
	if (w->fn && w->fn(w->ctx, &l))
		w->stopped = 1;
}

static void walk_json(struct walk_ctx *w, const json_t *v, unsigned depth)
{
	const char *key;
	json_t *child;
	size_t i;

	if (w->stopped || depth == 0)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			walk_json(w, child, depth - 1);
		return;
	}
	if (!json_is_object(v))
		return;
	const char *cls = json_string_value(json_object_get(v, "class_name"));
	if (cls && strcmp(cls, "Lambda") == 0)
		found_lambda(w, "Lambda layer", json_string_value(
			json_object_get(json_object_get(v, "config"),
			                "name")));
	else if (cls && strcmp(cls, "__lambda__") == 0)
		found_lambda(w, "lambda function", NULL);
	json_object_foreach((json_t *)v, key, child)
		walk_json(w, child, depth - 1);
}

size_t krs_config_lambdas(const json_t *root, unsigned max_depth,
                          krs_lambda_fn fn, void *ctx)
{
	struct walk_ctx w = { fn, ctx, 0, 0 };

	walk_json(&w, root, max_depth);
	return w.found;
}

/* --- bytes ------------------------------------------------------------ */

void krs_scan_init(krs_scanner *s, krs_lambda_fn fn, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->ctx = ctx;
}

static const uint8_t *skip_space(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	                   *p == '\r'))
		p++;
	return p;
}

/* After `"key"`: the optional blanks, ':' and blanks; NULL if absent. */
static const uint8_t *after_colon(const uint8_t *p, const uint8_t *end)
{
	p = skip_space(p, end);
	if (p >= end || *p != ':')
		return NULL;
	return skip_space(p + 1, end);
}

static int literal_at(const uint8_t *p, const uint8_t *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* The first "name": "..." within the lookahead after a Lambda layer. */
static void layer_name(char *dst, const uint8_t *p, const uint8_t *end)
{
	const uint8_t *limit = end - p > KRS_LOOKAHEAD ? p + KRS_LOOKAHEAD
	                                               : end;
	const uint8_t *q = p;

	dst[0] = '\0';
	while ((q = memmem(q, (size_t)(limit - q), "\"name\"", 6))) {
		const uint8_t *v = after_colon(q + 6, limit), *close;

		q += 6;
		if (!v || v >= limit || *v != '"')
			continue;
		close = memchr(v + 1, '"', (size_t)(limit - v - 1));
		if (!close)
			return;
		printable_copy(dst, (const char *)v + 1,
		               (size_t)(close - v - 1));
		return;
	}
}

/* Report the Lambdas whose "class_name" starts in [from, to) of buf. */
static void scan_range(krs_scanner *s, const uint8_t *buf, size_t total,
                       uint64_t buf_off, size_t from, size_t to)
{
	const uint8_t *end = buf + total, *p = buf + from;

	while (!s->stopped && p < buf + to &&
	       (p = memmem(p, (size_t)(end - p), "\"class_name\"", 12)) &&
	       p < buf + to) {
		const uint8_t *v = after_colon(p + 12, end);
		krs_lambda l;

		memset(&l, 0, sizeof(l));
		if (v && literal_at(v, end, "\"Lambda\"")) {
			l.form = "Lambda layer";
			layer_name(l.name, v + 8, end);
		} else if (v && literal_at(v, end, "\"__lambda__\"")) {
			l.form = "lambda function";
		}
		if (l.form) {
			l.offset = buf_off + (uint64_t)(p - buf);
			s->found++;
			if (s->fn && s->fn(s->ctx, &l))
				s->stopped = 1;
		}
		p += 12;
	}
}

static void scan_piece(krs_scanner *s, const uint8_t *data, size_t len,
                       int final)
{
	uint8_t work[sizeof(s->keep) + KRS_PIECE];
	size_t total = s->kept + len, from, to, keep;
	uint64_t off = s->kept_off;

	memcpy(work, s->keep, s->kept);
	if (len)
		memcpy(work + s->kept, data, len);
	if (memmem(work, total, "model_config", 12))
		s->model_config = 1;
	from = s->done_off > off ? (size_t)(s->done_off - off) : 0;
	/* A match needs its lookahead: one too close to the end waits for
	 * the next piece, unless there is none. */
	to = final ? total : total > KRS_LOOKAHEAD ? total - KRS_LOOKAHEAD
	                                            : 0;
	if (from < to)
		scan_range(s, work, total, off, from, to);
	if (off + to > s->done_off)
		s->done_off = off + to;
	keep = total < sizeof(s->keep) ? total : sizeof(s->keep);
	memcpy(s->keep, work + total - keep, keep);
	s->kept = keep;
	s->kept_off = off + total - keep;
}

void krs_scan_feed(krs_scanner *s, const uint8_t *data, size_t len)
{
	while (len && !s->stopped) {
		size_t n = len < KRS_PIECE ? len : KRS_PIECE;

		scan_piece(s, data, n, 0);
		data += n;
		len -= n;
	}
}

void krs_scan_end(krs_scanner *s)
{
	if (!s->stopped)
		scan_piece(s, NULL, 0, 1);
}
