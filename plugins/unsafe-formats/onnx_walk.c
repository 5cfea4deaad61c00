/* onnx_walk.c - decode the parts of ONNX's protobuf that reach tensors.
 *
 * A protobuf message is a sequence of (tag, value) fields; a nested
 * message is a length-delimited field.  The walk keeps a stack of the
 * messages it is inside (type and end offset) and a table of which field
 * of which message is a message worth entering.  Lengths are checked
 * against the enclosing message before anything is entered or skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem_stream.h"
#include "onnx_walk.h"

#define ONX_WINDOW 4096
#define ONX_KEY_MAX 64
#define ONX_MAX_DEPTH 1024

enum msg {
	M_MODEL, M_GRAPH, M_TRAINING, M_FUNCTION, M_NODE, M_ATTR, M_SPARSE,
	M_TENSOR, M_ENTRY
};

/* Which field of which message is a message to enter. */
static const struct child {
	uint8_t parent;
	uint8_t field;
	uint8_t type;
} children[] = {
	{ M_MODEL, 7, M_GRAPH },      /* graph */
	{ M_MODEL, 20, M_TRAINING },  /* training_info */
	{ M_MODEL, 25, M_FUNCTION },  /* functions */
	{ M_GRAPH, 1, M_NODE },       /* node */
	{ M_GRAPH, 5, M_TENSOR },     /* initializer */
	{ M_GRAPH, 15, M_SPARSE },    /* sparse_initializer */
	{ M_TRAINING, 1, M_GRAPH },   /* initialization */
	{ M_TRAINING, 2, M_GRAPH },   /* algorithm */
	{ M_FUNCTION, 7, M_NODE },    /* node */
	{ M_NODE, 5, M_ATTR },        /* attribute */
	{ M_ATTR, 5, M_TENSOR },      /* t */
	{ M_ATTR, 6, M_GRAPH },       /* g */
	{ M_ATTR, 10, M_TENSOR },     /* tensors */
	{ M_ATTR, 11, M_GRAPH },      /* graphs */
	{ M_ATTR, 22, M_SPARSE },     /* sparse_tensor */
	{ M_ATTR, 23, M_SPARSE },     /* sparse_tensors */
	{ M_SPARSE, 1, M_TENSOR },    /* values */
	{ M_SPARSE, 2, M_TENSOR },    /* indices */
	{ M_TENSOR, 13, M_ENTRY },    /* external_data */
};

struct frame {
	uint8_t type;
	uint64_t end;        /* offset just past the message */
};

struct walk {
	const onx_reader *rd;
	onx_limits lim;
	uint8_t buf[ONX_WINDOW];
	size_t start, end;   /* unread bytes, the first at offset pos */
	uint64_t pos;
	int eof, ioerr;
	int verify;          /* a skip jumped: check its last byte exists */
	uint64_t verify_at;
	int short_skip;      /* it did not: the stream ended inside it */
	uint64_t field_off;

	struct frame *frames;
	size_t depth;

	/* The tensor being read (tensors hold no tensors) and its entry. */
	onx_tensor t;
	char name[ONX_NAME_MAX + 1];
	char location[ONX_LOCATION_MAX + 1];
	int escaping;        /* the kept location escapes */
	char key[ONX_KEY_MAX + 1];
	char value[ONX_LOCATION_MAX + 1];
	size_t value_len;
	int value_long;
	uint64_t value_off;

	onx_result *res;
	const onx_callbacks *cb;
	int stopped;
};

static int fail(struct walk *w, const char *msg)
{
	w->res->ok = 0;
	w->res->offset = w->field_off;
	snprintf(w->res->message, sizeof(w->res->message), "%s", msg);
	return -1;
}

static int truncated(struct walk *w)
{
	w->res->truncated = 1;
	return fail(w, "the file ends inside a field");
}

/* --- input ------------------------------------------------------------ */

/* 0: `need` (<= window) bytes available; 1: end of stream; -1: error. */
static int fill(struct walk *w, size_t need)
{
	while (w->end - w->start < need) {
		int64_t n;

		if (w->eof)
			return 1;
		if (w->verify) {
			uint8_t b;

			/* A stream of unknown size: read the last skipped
			 * byte, so a skip past its end is not taken for a
			 * clean end. */
			w->verify = 0;
			n = w->rd->read(w->rd->ctx, &b, 1, w->verify_at);
			if (n < 0) {
				w->ioerr = 1;
				return -1;
			}
			if (n == 0) {
				w->eof = 1;
				w->short_skip = 1;
				return 1;
			}
		}
		if (w->start) {
			memmove(w->buf, w->buf + w->start, w->end - w->start);
			w->end -= w->start;
			w->start = 0;
		}
		n = w->rd->read(w->rd->ctx, w->buf + w->end,
		                sizeof(w->buf) - w->end,
		                w->pos + (w->end - w->start));
		if (n < 0) {
			w->ioerr = 1;
			return -1;
		}
		if (n == 0 || (size_t)n > sizeof(w->buf) - w->end) {
			w->eof = 1;
			return 1;
		}
		w->end += (size_t)n;
	}
	return 0;
}

static int read_byte(struct walk *w, uint8_t *b)
{
	int rc = fill(w, 1);

	if (rc < 0)
		return fail(w, "read error");
	if (rc > 0)
		return truncated(w);
	*b = w->buf[w->start++];
	w->pos++;
	return 0;
}

static int read_varint(struct walk *w, uint64_t *v)
{
	uint8_t b;

	*v = 0;
	for (unsigned shift = 0; shift < 70; shift += 7) {
		if (read_byte(w, &b) < 0)
			return -1;
		if (shift < 64)
			*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return fail(w, "varint longer than 10 bytes");
}

/* Step over n bytes; the enclosing message was checked to hold them. */
static void skip(struct walk *w, uint64_t n)
{
	uint64_t avail = w->end - w->start;

	if (n <= avail) {
		w->start += (size_t)n;
		w->pos += n;
		return;
	}
	w->pos += n;
	w->start = w->end = 0;
	if (!w->rd->size) {
		w->verify = 1;
		w->verify_at = w->pos - 1;
	}
}

/* Copy up to max bytes of an n-byte string into dst (NUL-terminated),
 * skipping the rest.  Returns 1 when it was longer than max. */
static int read_string(struct walk *w, uint64_t n, char *dst, size_t max,
                       size_t *len)
{
	size_t keep = n > max ? max : (size_t)n, got = 0;

	while (got < keep) {
		size_t k = keep - got, avail;
		int rc = fill(w, 1);

		if (rc < 0)
			return fail(w, "read error");
		if (rc > 0)
			return truncated(w);
		avail = w->end - w->start;
		if (k > avail)
			k = avail;
		memcpy(dst + got, w->buf + w->start, k);
		w->start += k;
		w->pos += k;
		got += k;
	}
	dst[keep] = '\0';
	if (len)
		*len = keep;
	skip(w, n - keep);
	return n > max;
}

/* --- messages --------------------------------------------------------- */

static int child_type(uint8_t parent, uint64_t field)
{
	for (size_t i = 0; i < sizeof(children) / sizeof(*children); i++)
		if (children[i].parent == parent && children[i].field == field)
			return children[i].type;
	return -1;
}

static const char *tensor_where(uint8_t parent)
{
	switch (parent) {
	case M_GRAPH: return "initializer";
	case M_SPARSE: return "sparse initializer";
	default: return "attribute";
	}
}

static int enter(struct walk *w, uint8_t type, uint64_t len)
{
	if (w->depth >= w->lim.max_depth) {
		w->res->partial = 1;
		return fail(w, "messages nested deeper than the limit");
	}
	if (type == M_TENSOR) {
		memset(&w->t, 0, sizeof(w->t));
		w->t.where = tensor_where(w->frames[w->depth - 1].type);
		w->t.offset = w->field_off;
		w->name[0] = '\0';
		w->location[0] = '\0';
		w->escaping = 0;
	} else if (type == M_ENTRY) {
		w->key[0] = '\0';
		w->value[0] = '\0';
		w->value_len = 0;
		w->value_long = 0;
		w->value_off = w->field_off;
	}
	w->frames[w->depth].type = type;
	w->frames[w->depth].end = w->pos + len;
	w->depth++;
	return 0;
}

/* An external_data entry ended: keep its location, preferring one that
 * escapes (a tensor may carry several). */
static void entry_done(struct walk *w)
{
	int esc;

	if (strcmp(w->key, "location") != 0)
		return;
	w->t.locations++;
	esc = w->value_long ||
	      onx_location_escapes(w->value, w->value_len);
	if (w->escaping && !esc)
		return;
	memcpy(w->location, w->value, w->value_len + 1);
	w->t.location_len = w->value_len;
	w->t.location_long = w->value_long;
	w->t.location_offset = w->value_off;
	w->escaping = esc;
}

static int tensor_done(struct walk *w)
{
	w->res->tensors++;
	w->t.name = w->name;
	w->t.location = w->t.locations ? w->location : NULL;
	if (w->t.external || w->t.locations)
		w->res->external++;
	if (w->cb && w->cb->tensor && w->cb->tensor(w->cb->ctx, &w->t)) {
		w->stopped = 1;
		return -1;
	}
	return 0;
}

static int leave(struct walk *w)
{
	uint8_t type = w->frames[--w->depth].type;

	if (type == M_ENTRY)
		entry_done(w);
	else if (type == M_TENSOR)
		return tensor_done(w);
	return 0;
}

static void producer_append(struct walk *w, const char *s)
{
	size_t n = strlen(w->res->producer);

	snprintf(w->res->producer + n, sizeof(w->res->producer) - n, "%s%s",
	         n ? " " : "", s);
}

/* A length-delimited field of n bytes that is not a message we enter. */
static int scalar_bytes(struct walk *w, uint8_t type, uint64_t field,
                        uint64_t n)
{
	char tmp[64];

	if (type == M_TENSOR && field == 8)
		return read_string(w, n, w->name, ONX_NAME_MAX, NULL) < 0 ?
		       -1 : 0;
	if (type == M_ENTRY && field == 1)
		return read_string(w, n, w->key, ONX_KEY_MAX, NULL) < 0 ?
		       -1 : 0;
	if (type == M_ENTRY && field == 2) {
		int rc = read_string(w, n, w->value, ONX_LOCATION_MAX,
		                     &w->value_len);

		w->value_long = rc == 1;
		return rc < 0 ? -1 : 0;
	}
	if (type == M_MODEL && w->depth == 1 && (field == 2 || field == 3)) {
		if (read_string(w, n, tmp, sizeof(tmp) - 1, NULL) < 0)
			return -1;
		for (char *p = tmp; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				*p = '?';
		producer_append(w, tmp);
		return 0;
	}
	skip(w, n);
	return 0;
}

static int varint_field(struct walk *w, uint8_t type, uint64_t field,
                        uint64_t v)
{
	if (type == M_TENSOR && field == 14)
		w->t.external = v == 1;
	else if (type == M_MODEL && w->depth == 1 && field == 1)
		w->res->ir_version = v > INT64_MAX ? INT64_MAX : (int64_t)v;
	return 0;
}

/* One field of the innermost message. */
static int field(struct walk *w)
{
	struct frame *f = &w->frames[w->depth - 1];
	uint64_t tag, v, room;
	int child;

	w->field_off = w->pos;
	if (++w->res->fields > w->lim.max_fields) {
		w->res->partial = 1;
		return fail(w, "more fields than the limit");
	}
	if (read_varint(w, &tag) < 0)
		return -1;
	if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
		return fail(w, "invalid field number");
	switch (tag & 7) {
	case 0:
		if (read_varint(w, &v) < 0)
			return -1;
		return varint_field(w, f->type, tag >> 3, v);
	case 1: case 5:
		v = (tag & 7) == 1 ? 8 : 4;
		break;
	case 2:
		if (read_varint(w, &v) < 0)
			return -1;
		break;
	default:
		return fail(w, "unsupported wire type (groups)");
	}
	room = f->end > w->pos ? f->end - w->pos : 0;
	if (v > room)
		return w->rd->size && f->end == w->rd->size ? truncated(w) :
		       fail(w, "a field runs past the end of its message");
	if ((tag & 7) != 2) {
		skip(w, v);
		return 0;
	}
	child = child_type(f->type, tag >> 3);
	if (child >= 0)
		return enter(w, (uint8_t)child, v);
	return scalar_bytes(w, f->type, tag >> 3, v);
}

static int walk_all(struct walk *w)
{
	for (;;) {
		int rc;

		/* Close every message that ends here. */
		while (w->depth > 1 &&
		       w->pos >= w->frames[w->depth - 1].end)
			if (leave(w) < 0)
				return -1;
		if (w->pos > w->lim.max_bytes) {
			w->res->partial = 1;
			w->field_off = w->pos;
			return fail(w, "the file is longer than the limit");
		}
		if (w->pos >= w->frames[0].end)
			return 0;
		rc = fill(w, 1);
		if (rc < 0)
			return fail(w, "read error");
		if (rc > 0) {
			/* The end of the stream is the end of the model,
			 * unless a message is still open. */
			if (w->depth > 1 || w->short_skip) {
				w->field_off = w->pos;
				return truncated(w);
			}
			return 0;
		}
		if (field(w) < 0)
			return -1;
	}
}

int onx_walk(onx_result *out, const onx_reader *rd, const onx_limits *lim,
             const onx_callbacks *cb)
{
	static const onx_limits defaults = ONX_LIMITS_DEFAULT;
	struct walk *w = calloc(1, sizeof(*w));
	int rc;

	memset(out, 0, sizeof(*out));
	out->ok = 1;
	out->ir_version = -1;
	if (!w) {
		out->ok = 0;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return -1;
	}
	w->rd = rd;
	w->lim = lim ? *lim : defaults;
	if (w->lim.max_depth < 1)
		w->lim.max_depth = 1;
	if (w->lim.max_depth > ONX_MAX_DEPTH)
		w->lim.max_depth = ONX_MAX_DEPTH;
	w->res = out;
	w->cb = cb;
	w->frames = calloc(w->lim.max_depth + 1, sizeof(*w->frames));
	if (!w->frames) {
		free(w);
		out->ok = 0;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return -1;
	}
	w->frames[0].type = M_MODEL;
	w->frames[0].end = rd->size ? rd->size : UINT64_MAX;
	w->depth = 1;
	walk_all(w);
	rc = w->ioerr ? -1 : w->stopped;
	free(w->frames);
	free(w);
	return rc;
}

int onx_walk_buffer(onx_result *out, const uint8_t *data, size_t len,
                    const onx_limits *lim, const onx_callbacks *cb)
{
	struct pdg_mem_stream m = { data, len };
	onx_reader rd = { pdg_mem_stream_read, &m, len };

	return onx_walk(out, &rd, lim, cb);
}

int onx_location_escapes(const char *loc, size_t len)
{
	size_t i = 0;

	if (memchr(loc, '\0', len))
		return 1;
	if (len && (loc[0] == '/' || loc[0] == '\\'))
		return 1;                       /* absolute, or UNC \\host */
	if (len >= 2 && loc[1] == ':' &&
	    ((loc[0] | 0x20) >= 'a' && (loc[0] | 0x20) <= 'z'))
		return 1;                       /* C:\x, and C:x */
	while (i < len) {
		size_t n = 0;

		while (i + n < len && loc[i + n] != '/' && loc[i + n] != '\\')
			n++;
		if (n == 2 && loc[i] == '.' && loc[i + 1] == '.')
			return 1;
		i += n + 1;
	}
	return 0;
}
