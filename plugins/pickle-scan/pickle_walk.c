/* pickle_walk.c - decode pickle opcodes without executing any of them.
 *
 * The unpickler is a stack machine whose GLOBAL-like opcodes import any
 * attribute of any module and whose REDUCE-like opcodes call what is on
 * the stack.  To name those imports and calls reliably the walk keeps a
 * model of the stack: every entry is a short string literal (copied into
 * a bounded arena), a string too long to keep, or an opaque value that
 * remembers which import it came from.  Marks and the memo are modelled
 * too, so strings fetched back with GET/BINGET/LONG_BINGET and reordered
 * by POP or DUP resolve as the real unpickler would.
 *
 * Input comes through a reader in a fixed window: long literals are
 * skipped, never buffered, so memory does not grow with the stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <xxhash.h>

#include "mem_stream.h"
#include "pickle_walk.h"

/* Lengths no real input reaches: refused without reading on. */
#define PKW_ABSURD ((uint64_t)1 << 40)
/* Smallest window; keeps the argument reads (8 bytes) contiguous. */
#define PKW_MIN_WINDOW 64
#define PKW_MAX_WINDOW ((size_t)64 << 20)
/* Pre-zip torch.save: magic number, protocol version, sys_info, the
 * object, the storage keys; raw storage bytes follow. */
#define PKW_LEGACY_PICKLES 5

/* pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): torch's MAGIC_NUMBER. */
static const uint8_t legacy_magic[] = {
	0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a,
	0xa8, 0x50, 0x19, 0x2e,
};

enum item_kind {
	IT_OPAQUE = 0,       /* any value that is not a string literal */
	IT_STR,              /* a string literal, kept in the arena */
	IT_LONGSTR           /* a string literal not kept (size, budget) */
};

struct item {
	const char *s;       /* IT_STR: the kept copy */
	uint32_t len;
	uint32_t imp;        /* import id this value came from; 0 none */
	uint8_t kind;
};

struct memo_slot {
	uint64_t key;        /* index + 1; 0 = empty slot */
	struct item v;
};

/* Kept strings live in blocks freed at the end of each pickle. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct walk {
	const pkw_reader *rd;
	pkw_limits lim;

	/* Input window: unread bytes are buf[start..end), the first at
	 * stream offset pos. */
	uint8_t *buf;
	size_t start, end;
	uint64_t pos;
	int eof;
	uint64_t op_off;     /* offset of the current opcode */
	char *scratch;       /* GLOBAL's module while its name is read */

	struct item *stack;
	size_t depth, stack_cap;
	size_t *marks;
	size_t nmarks, marks_cap;

	struct memo_slot *memo;
	size_t memo_cap;     /* power of two, or 0 */
	size_t memo_n;       /* distinct keys, as len(memo) in Python */
	uint64_t memo_seed;  /* memo keys come from the input: a seed it
	                        cannot know keeps them from colliding */

	struct arena_block *arena;
	size_t kept;         /* bytes kept in the arena */

	pkw_result *res;
	const pkw_callbacks *cb;
	int stopped;         /* a callback asked to stop */
	int ioerr;           /* the reader failed */
};

static int fail(struct walk *w, const char *fmt, const char *what)
{
	w->res->ok = 0;
	w->res->offset = w->op_off;
	snprintf(w->res->message, sizeof(w->res->message), fmt, what);
	return -1;
}

static int truncated(struct walk *w, const char *what)
{
	w->res->truncated = 1;
	return fail(w, "stream ends inside %s", what);
}

/* The byte budget is spent: what follows is not checked. */
static int partial(struct walk *w)
{
	w->res->partial = 1;
	return fail(w, "stopped at the limit of %s bytes walked",
	            "max_bytes");
}

static int io_failed(struct walk *w)
{
	w->ioerr = 1;
	return fail(w, "%s", "read error");
}

/* --- input ------------------------------------------------------------ */

/* Make `need` (<= window) unread bytes available.  0 when there, 1 at the
 * end of the stream, -1 on a read error. */
static int fill(struct walk *w, size_t need)
{
	while (w->end - w->start < need) {
		int64_t n;

		if (w->eof)
			return 1;
		if (w->start && (w->end == w->lim.window ||
		                 w->lim.window - w->start < need)) {
			memmove(w->buf, w->buf + w->start, w->end - w->start);
			w->end -= w->start;
			w->start = 0;
		}
		n = w->rd->read(w->rd->ctx, w->buf + w->end,
		                w->lim.window - w->end,
		                w->pos + (w->end - w->start));
		if (n < 0)
			return -1;
		if (n == 0 || (size_t)n > w->lim.window - w->end) {
			w->eof = 1;
			return 1;
		}
		w->end += (size_t)n;
	}
	return 0;
}

static void consume(struct walk *w, size_t n)
{
	w->start += n;
	w->pos += n;
}

/* n (<= window) contiguous bytes; valid until the next input call. */
static int take(struct walk *w, size_t n, const uint8_t **p,
                const char *what)
{
	int rc = fill(w, n);

	if (rc < 0)
		return io_failed(w);
	if (rc > 0)
		return truncated(w, what);
	*p = w->buf + w->start;
	consume(w, n);
	return 0;
}

/* Step over n bytes without keeping them. */
static int skip(struct walk *w, uint64_t n, const char *what)
{
	size_t avail = w->end - w->start;
	uint64_t size = w->rd->size;

	if (n > PKW_ABSURD)
		return fail(w, "%s length beyond any input", what);
	/* Nothing past the byte budget is looked at, not even its size. */
	if (n > w->lim.max_bytes - (w->pos < w->lim.max_bytes ?
	                            w->pos : w->lim.max_bytes))
		return partial(w);
	if (size && n > size - (w->pos < size ? w->pos : size))
		return truncated(w, what);
	if (n <= avail) {
		consume(w, (size_t)n);
		return 0;
	}
	/* The reader continues at the new offset: a file seeks, a stream
	 * reads forward. */
	w->pos += n;
	w->start = w->end = 0;
	return 0;
}

static int take_le(struct walk *w, size_t n, uint64_t *v, const char *what)
{
	const uint8_t *p;

	if (take(w, n, &p, what) < 0)
		return -1;
	*v = 0;
	for (size_t i = n; i > 0; i--)
		*v = (*v << 8) | p[i - 1];
	return 0;
}

/* Length of the protocol-0 argument line at the cursor (without its
 * newline): 0 found, 1 longer than the window, -1 failed. */
static int find_line(struct walk *w, size_t *len, const char *what)
{
	size_t scanned = 0;

	for (;;) {
		const uint8_t *from = w->buf + w->start + scanned;
		const uint8_t *nl = memchr(from, '\n',
		                           w->end - w->start - scanned);
		int rc;

		if (nl) {
			*len = (size_t)(nl - (w->buf + w->start));
			return 0;
		}
		scanned = w->end - w->start;
		if (scanned >= w->lim.window)
			return 1;
		rc = fill(w, scanned + 1);
		if (rc < 0)
			return io_failed(w);
		if (rc > 0)
			return truncated(w, what);
	}
}

/* Step over a line of any length, newline included. */
static int skip_line(struct walk *w, const char *what)
{
	for (;;) {
		const uint8_t *from = w->buf + w->start;
		const uint8_t *nl = memchr(from, '\n', w->end - w->start);
		int rc;

		if (nl) {
			consume(w, (size_t)(nl - from) + 1);
			return 0;
		}
		consume(w, w->end - w->start);
		if (w->pos > w->lim.max_bytes)
			return partial(w);
		rc = fill(w, 1);
		if (rc < 0)
			return io_failed(w);
		if (rc > 0)
			return truncated(w, what);
	}
}

/* --- kept strings ----------------------------------------------------- */

/* A copy of p[0..n) in the arena; NULL when the budget is spent. */
static const char *keep(struct walk *w, const uint8_t *p, size_t n)
{
	struct arena_block *b = w->arena;

	if (n > w->lim.max_kept - w->kept)
		return NULL;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = w->arena;
		b->used = 0;
		b->cap = cap;
		w->arena = b;
	}
	memcpy(b->data + b->used, p, n);
	b->used += n;
	w->kept += n;
	return b->data + b->used - n;
}

static void arena_free(struct walk *w)
{
	while (w->arena) {
		struct arena_block *next = w->arena->next;

		free(w->arena);
		w->arena = next;
	}
	w->kept = 0;
}

/* The item for a string literal of n bytes at p. */
static struct item string_item(struct walk *w, const uint8_t *p, size_t n)
{
	struct item it = { NULL, (uint32_t)n, 0, IT_LONGSTR };

	if (n <= w->lim.max_string) {
		it.s = keep(w, p, n);
		if (it.s)
			it.kind = IT_STR;
	}
	return it;
}

/* --- stack and marks -------------------------------------------------- */

static int push(struct walk *w, struct item it)
{
	if (w->depth == w->stack_cap) {
		size_t cap = w->stack_cap ? w->stack_cap * 2 : 64;
		struct item *s;

		if (w->depth >= w->lim.max_stack)
			return fail(w, "%s deeper than the walker allows",
			            "stack");
		if (cap > w->lim.max_stack)
			cap = w->lim.max_stack;
		s = realloc(w->stack, cap * sizeof(*s));
		if (!s)
			return fail(w, "out of memory (%s)", "stack");
		w->stack = s;
		w->stack_cap = cap;
	}
	w->stack[w->depth++] = it;
	return 0;
}

static int push_opaque(struct walk *w, uint32_t imp)
{
	struct item it = { NULL, 0, imp, IT_OPAQUE };

	return push(w, it);
}

/* The entries above the innermost mark, if any. */
static size_t floor_of(const struct walk *w)
{
	return w->nmarks ? w->marks[w->nmarks - 1] : 0;
}

static int need(struct walk *w, size_t n, const char *op)
{
	if (w->depth - floor_of(w) < n)
		return fail(w, "stack underflow at %s", op);
	return 0;
}

static int mark_push(struct walk *w)
{
	if (w->nmarks == w->marks_cap) {
		size_t cap = w->marks_cap ? w->marks_cap * 2 : 16;
		size_t *m;

		if (w->nmarks >= w->lim.max_stack)
			return fail(w, "%s nested deeper than the walker "
			            "allows", "marks");
		if (cap > w->lim.max_stack)
			cap = w->lim.max_stack;
		m = realloc(w->marks, cap * sizeof(*m));
		if (!m)
			return fail(w, "out of memory (%s)", "marks");
		w->marks = m;
		w->marks_cap = cap;
	}
	w->marks[w->nmarks++] = w->depth;
	return 0;
}

static int pop_mark(struct walk *w, const char *op)
{
	if (!w->nmarks)
		return fail(w, "%s without a MARK", op);
	w->depth = w->marks[--w->nmarks];
	return 0;
}

/* --- memo ------------------------------------------------------------- */

static struct memo_slot *memo_find(struct walk *w, uint64_t idx)
{
	size_t mask = w->memo_cap - 1;
	size_t h;

	if (!w->memo_cap)
		return NULL;
	h = (size_t)XXH3_64bits_withSeed(&idx, sizeof(idx), w->memo_seed) &
	    mask;
	while (w->memo[h].key && w->memo[h].key != idx + 1)
		h = (h + 1) & mask;
	return &w->memo[h];
}

static int memo_grow(struct walk *w)
{
	struct memo_slot *old = w->memo;
	size_t old_cap = w->memo_cap;
	size_t cap = old_cap ? old_cap * 2 : 64;

	w->memo = calloc(cap, sizeof(*w->memo));
	if (!w->memo) {
		w->memo = old;
		return fail(w, "out of memory (%s)", "memo");
	}
	w->memo_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].key)
			*memo_find(w, old[i].key - 1) = old[i];
	}
	free(old);
	return 0;
}

static int memo_put(struct walk *w, uint64_t idx)
{
	struct memo_slot *slot;

	if (w->depth == floor_of(w))
		return fail(w, "%s of an empty stack", "memo put");
	slot = memo_find(w, idx);
	if (!slot || !slot->key) {
		if (w->memo_n >= w->lim.max_memo)
			return fail(w, "%s larger than the walker allows",
			            "memo");
		if ((w->memo_n + 1) * 2 > w->memo_cap) {
			if (memo_grow(w) < 0)
				return -1;
		}
		slot = memo_find(w, idx);
		slot->key = idx + 1;
		w->memo_n++;
	}
	slot->v = w->stack[w->depth - 1];
	return 0;
}

static int memo_get(struct walk *w, uint64_t idx)
{
	struct memo_slot *slot = memo_find(w, idx);

	if (!slot || !slot->key)
		return fail(w, "%s of a missing memo entry", "memo get");
	return push(w, slot->v);
}

/* --- imports and calls ------------------------------------------------ */

/* Hand an import to the callback; *tag is what values made from it
 * carry. */
static int report(struct walk *w, pkw_import *imp, uint32_t *tag)
{
	imp->offset = w->op_off;
	*tag = 0;
	if (w->cb && w->cb->import &&
	    w->cb->import(w->cb->ctx, imp, tag)) {
		w->stopped = 1;
		return -1;
	}
	return 0;
}

/* `op` calls the value at depth `from_top` (1 = top), if it came from an
 * import. */
static int called(struct walk *w, size_t from_top, const char *op)
{
	pkw_call c;
	uint32_t imp = w->stack[w->depth - from_top].imp;

	if (!imp || !w->cb || !w->cb->call)
		return 0;
	c.tag = imp;
	c.opcode = op;
	c.offset = w->op_off;
	if (w->cb->call(w->cb->ctx, &c)) {
		w->stopped = 1;
		return -1;
	}
	return 0;
}

static int op_global(struct walk *w, int inst)
{
	const char *what = inst ? "INST" : "GLOBAL";
	pkw_import imp = { 0 };
	uint32_t tag;
	size_t n;
	int rc;

	/* The module line is copied aside: reading the name may move the
	 * window. */
	rc = find_line(w, &n, "a module name");
	if (rc > 0)
		return fail(w, "%s module name longer than the walker "
		            "window", what);
	if (rc < 0)
		return -1;
	memcpy(w->scratch, w->buf + w->start, n);
	consume(w, n + 1);
	imp.module = w->scratch;
	imp.module_len = n;
	rc = find_line(w, &imp.name_len, "a global name");
	if (rc > 0)
		return fail(w, "%s global name longer than the walker "
		            "window", what);
	if (rc < 0)
		return -1;
	imp.name = (const char *)w->buf + w->start;
	imp.how = PKW_GLOBAL;
	if (report(w, &imp, &tag) < 0)
		return -1;
	consume(w, imp.name_len + 1);
	if (!inst)
		return push_opaque(w, tag);
	/* INST imports a class and calls it on the items above the mark. */
	if (pop_mark(w, "INST") < 0 || push_opaque(w, tag) < 0)
		return -1;
	return called(w, 1, "INST");
}

static int op_stack_global(struct walk *w)
{
	pkw_import imp = { 0 };
	struct item mod, name;
	uint32_t tag;

	if (need(w, 2, "STACK_GLOBAL") < 0)
		return -1;
	mod = w->stack[w->depth - 2];
	name = w->stack[w->depth - 1];
	w->depth -= 2;
	if (mod.kind == IT_STR && name.kind == IT_STR) {
		imp.module = mod.s;
		imp.module_len = mod.len;
		imp.name = name.s;
		imp.name_len = name.len;
		imp.how = PKW_STACK_GLOBAL;
	} else {
		imp.module = "?";
		imp.module_len = 1;
		imp.name = "?";
		imp.name_len = 1;
		imp.how = PKW_COMPUTED;
	}
	if (report(w, &imp, &tag) < 0)
		return -1;
	return push_opaque(w, tag);
}

static int op_ext(struct walk *w, size_t width)
{
	pkw_import imp = { 0 };
	uint64_t code;
	uint32_t tag;

	if (take_le(w, width, &code, "an extension code") < 0)
		return -1;
	imp.module = "copyreg";
	imp.module_len = 7;
	imp.name = "<extension>";
	imp.name_len = 11;
	imp.how = PKW_EXTENSION;
	imp.ext_code = (uint32_t)code;
	if (report(w, &imp, &tag) < 0)
		return -1;
	return push_opaque(w, tag);
}

/* A protocol-0 line that pushes a string (STRING keeps what is between
 * its quotes) or, for numbers and ids, an opaque value. */
static int op_line(struct walk *w, uint8_t op, const char *what)
{
	const uint8_t *p;
	size_t n;
	int rc = find_line(w, &n, what);

	if (rc > 0) {
		/* Longer than the window: a string nobody can import. */
		struct item it = { NULL, 0, 0, IT_LONGSTR };

		if (skip_line(w, what) < 0)
			return -1;
		return op == 'S' || op == 'V' ? push(w, it) :
		       push_opaque(w, 0);
	}
	if (rc < 0)
		return -1;
	p = w->buf + w->start;
	consume(w, n + 1);
	if (op == 'S') {
		if (n < 2 || (p[0] != '\'' && p[0] != '"') ||
		    p[n - 1] != p[0])
			return fail(w, "%s argument not quoted", "STRING");
		return push(w, string_item(w, p + 1, n - 2));
	}
	if (op == 'V')
		return push(w, string_item(w, p, n));
	return push_opaque(w, 0);
}

/* --- the opcode table ------------------------------------------------- */

/* Opcodes with a fixed-size argument and a fixed stack effect.  `calls`
 * names the entry (1 = top, before the pops) that the opcode calls; the
 * value it pushes then remembers that entry's import. */
struct simple_op {
	uint8_t op;
	uint8_t arg;         /* bytes of argument */
	uint8_t pops;
	uint8_t pushes;
	uint8_t calls;
	const char *name;
};

static const struct simple_op simple_ops[] = {
	{ 'J', 4, 0, 1, 0, "BININT" },   { 'K', 1, 0, 1, 0, "BININT1" },
	{ 'M', 2, 0, 1, 0, "BININT2" },  { 'N', 0, 0, 1, 0, "NONE" },
	{ 'G', 8, 0, 1, 0, "BINFLOAT" }, { 'Q', 0, 1, 1, 0, "BINPERSID" },
	{ 'R', 0, 2, 1, 2, "REDUCE" },   { 'a', 0, 1, 0, 0, "APPEND" },
	{ 'b', 0, 1, 0, 2, "BUILD" },    { '}', 0, 0, 1, 0, "EMPTY_DICT" },
	{ ']', 0, 0, 1, 0, "EMPTY_LIST" }, { ')', 0, 0, 1, 0, "EMPTY_TUPLE" },
	{ 's', 0, 2, 0, 0, "SETITEM" },  { 0x81, 0, 2, 1, 2, "NEWOBJ" },
	{ 0x85, 0, 1, 1, 0, "TUPLE1" },  { 0x86, 0, 2, 1, 0, "TUPLE2" },
	{ 0x87, 0, 3, 1, 0, "TUPLE3" },  { 0x88, 0, 0, 1, 0, "NEWTRUE" },
	{ 0x89, 0, 0, 1, 0, "NEWFALSE" }, { 0x8f, 0, 0, 1, 0, "EMPTY_SET" },
	{ 0x92, 0, 3, 1, 3, "NEWOBJ_EX" }, { 0x97, 0, 0, 1, 0, "NEXT_BUFFER" },
	{ 0x98, 0, 1, 1, 0, "READONLY_BUFFER" },
};

static const struct simple_op *simple_find(uint8_t op)
{
	for (size_t i = 0; i < sizeof(simple_ops) / sizeof(*simple_ops); i++)
		if (simple_ops[i].op == op)
			return &simple_ops[i];
	return NULL;
}

static int do_simple(struct walk *w, const struct simple_op *s)
{
	const uint8_t *p;
	uint32_t imp = 0;

	if (s->arg && take(w, s->arg, &p, s->name) < 0)
		return -1;
	if (need(w, s->pops > s->calls ? s->pops : s->calls, s->name) < 0)
		return -1;
	if (s->calls) {
		if (called(w, s->calls, s->name) < 0)
			return -1;
		imp = w->stack[w->depth - s->calls].imp;
	}
	w->depth -= s->pops;
	return s->pushes ? push_opaque(w, imp) : 0;
}

/* Opcodes that push a counted string or bytes literal. */
static int do_counted(struct walk *w, uint8_t op)
{
	static const struct {
		uint8_t op, width, is_signed, is_text;
		const char *name;
	} ops[] = {
		{ 'T', 4, 1, 1, "BINSTRING" }, { 'U', 1, 0, 1, "SHORT_BINSTRING" },
		{ 'X', 4, 0, 1, "BINUNICODE" },
		{ 0x8c, 1, 0, 1, "SHORT_BINUNICODE" },
		{ 0x8d, 8, 0, 1, "BINUNICODE8" }, { 'B', 4, 0, 0, "BINBYTES" },
		{ 'C', 1, 0, 0, "SHORT_BINBYTES" }, { 0x8e, 8, 0, 0, "BINBYTES8" },
		{ 0x96, 8, 0, 0, "BYTEARRAY8" }, { 0x8a, 1, 0, 0, "LONG1" },
		{ 0x8b, 4, 1, 0, "LONG4" },
	};
	const uint8_t *p;
	uint64_t n;
	size_t i = 0;

	while (ops[i].op != op)
		i++;
	if (take_le(w, ops[i].width, &n, ops[i].name) < 0)
		return -1;
	if (ops[i].is_signed && n > INT32_MAX)
		return fail(w, "negative %s length", ops[i].name);
	if (!ops[i].is_text || n > w->lim.max_string) {
		struct item it = { NULL, 0, 0, IT_LONGSTR };

		if (skip(w, n, ops[i].name) < 0)
			return -1;
		return ops[i].is_text ? push(w, it) : push_opaque(w, 0);
	}
	if (take(w, (size_t)n, &p, ops[i].name) < 0)
		return -1;
	return push(w, string_item(w, p, (size_t)n));
}

static int parse_index(struct walk *w, const uint8_t *s, size_t n,
                       uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return fail(w, "bad %s index", "memo");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(w, "bad %s index", "memo");
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int do_memo_op(struct walk *w, uint8_t op)
{
	uint64_t idx;
	size_t n;
	int rc;

	switch (op) {
	case 'g': case 'p':
		rc = find_line(w, &n, "a memo index");
		if (rc > 0)
			return fail(w, "bad %s index", "memo");
		if (rc < 0 || parse_index(w, w->buf + w->start, n, &idx) < 0)
			return -1;
		consume(w, n + 1);
		break;
	case 'h': case 'q':
		if (take_le(w, 1, &idx, "a memo index") < 0)
			return -1;
		break;
	case 'j': case 'r':
		if (take_le(w, 4, &idx, "a memo index") < 0)
			return -1;
		break;
	default: /* MEMOIZE */
		idx = w->memo_n;
		break;
	}
	if (op == 'g' || op == 'h' || op == 'j')
		return memo_get(w, idx);
	return memo_put(w, idx);
}

static int do_mark_op(struct walk *w, uint8_t op)
{
	const char *name;
	uint32_t imp = 0;

	switch (op) {
	case '1': name = "POP_MARK"; break;
	case 'd': name = "DICT"; break;
	case 'e': name = "APPENDS"; break;
	case 'l': name = "LIST"; break;
	case 't': name = "TUPLE"; break;
	case 'u': name = "SETITEMS"; break;
	case 0x90: name = "ADDITEMS"; break;
	case 0x91: name = "FROZENSET"; break;
	default: name = "OBJ"; break;
	}
	if (op == 'o') {
		/* OBJ instantiates the first entry above the mark. */
		size_t f = floor_of(w);

		if (!w->nmarks)
			return fail(w, "%s without a MARK", name);
		if (w->depth == f)
			return fail(w, "%s without a class", name);
		if (called(w, w->depth - f, name) < 0)
			return -1;
		imp = w->stack[f].imp;
	}
	if (pop_mark(w, name) < 0)
		return -1;
	if (op == '1' || op == 'e' || op == 'u' || op == 0x90)
		return 0;
	return push_opaque(w, imp);
}

static int do_stack_op(struct walk *w, uint8_t op)
{
	if (op == '(')
		return mark_push(w);
	if (op == '0') {
		/* The unpickler pops a mark when the stack above it is
		 * empty. */
		if (w->depth == floor_of(w))
			return pop_mark(w, "POP");
		w->depth--;
		return 0;
	}
	if (w->depth == floor_of(w))
		return fail(w, "stack underflow at %s", "DUP");
	return push(w, w->stack[w->depth - 1]);
}

static int do_proto_frame(struct walk *w, uint8_t op)
{
	uint64_t v;

	if (op == 0x80) {
		if (take_le(w, 1, &v, "PROTO") < 0)
			return -1;
		if (v > 5)
			return fail(w, "unsupported pickle protocol%s", "");
		return 0;
	}
	/* FRAME only hints at buffering; its length must fit. */
	if (take_le(w, 8, &v, "FRAME") < 0)
		return -1;
	if (v > PKW_ABSURD ||
	    (w->rd->size && v > w->rd->size - (w->pos < w->rd->size ?
	                                       w->pos : w->rd->size)))
		return v > PKW_ABSURD ?
			fail(w, "%s length beyond any input", "FRAME") :
			truncated(w, "a FRAME");
	return 0;
}

/* One opcode.  Returns 1 at STOP, 0 to go on, -1 on a problem. */
static int step(struct walk *w)
{
	const struct simple_op *s;
	const uint8_t *p;
	uint8_t op;

	w->op_off = w->pos;
	if (w->pos >= w->lim.max_bytes)
		return partial(w);
	if (take(w, 1, &p, "a pickle (no STOP)") < 0)
		return -1;
	op = *p;
	w->res->opcodes++;
	s = simple_find(op);
	if (s)
		return do_simple(w, s);
	switch (op) {
	case '.':
		return 1;
	case '(': case '0': case '2':
		return do_stack_op(w, op);
	case 'F': return op_line(w, op, "a FLOAT");
	case 'I': return op_line(w, op, "an INT");
	case 'L': return op_line(w, op, "a LONG");
	case 'P': return op_line(w, op, "a PERSID");
	case 'S': return op_line(w, op, "a STRING");
	case 'V': return op_line(w, op, "a UNICODE");
	case 'T': case 'U': case 'X': case 0x8c: case 0x8d:
	case 'B': case 'C': case 0x8e: case 0x96: case 0x8a: case 0x8b:
		return do_counted(w, op);
	case 'c': return op_global(w, 0);
	case 'i': return op_global(w, 1);
	case 0x93: return op_stack_global(w);
	case 0x82: return op_ext(w, 1);
	case 0x83: return op_ext(w, 2);
	case 0x84: return op_ext(w, 4);
	case 'g': case 'h': case 'j': case 'p': case 'q': case 'r': case 0x94:
		return do_memo_op(w, op);
	case '1': case 'd': case 'e': case 'l': case 't': case 'u': case 'o':
	case 0x90: case 0x91:
		return do_mark_op(w, op);
	case 0x80: case 0x95:
		return do_proto_frame(w, op);
	default: {
		char what[8];

		snprintf(what, sizeof(what), "0x%02x", op);
		return fail(w, "unknown opcode %s", what);
	}
	}
}

static int walk_one(struct walk *w)
{
	int rc;

	w->depth = 0;
	w->nmarks = 0;
	w->memo_n = 0;
	if (w->memo_cap)
		memset(w->memo, 0, w->memo_cap * sizeof(*w->memo));
	while ((rc = step(w)) == 0)
		;
	arena_free(w);
	return rc == 1 ? 0 : -1;
}

/* Another pickle follows: one starting with PROTO, or the next of a
 * legacy torch file. */
static int another(struct walk *w)
{
	int rc = fill(w, 2);

	if (rc != 0)
		return 0;
	if (w->res->legacy_torch)
		return w->res->pickles < PKW_LEGACY_PICKLES;
	return w->buf[w->start] == 0x80 && w->buf[w->start + 1] <= 5;
}

static void sanitize(pkw_limits *l)
{
	if (l->window < PKW_MIN_WINDOW)
		l->window = PKW_MIN_WINDOW;
	if (l->window > PKW_MAX_WINDOW)
		l->window = PKW_MAX_WINDOW;
	if (l->max_string > l->window)
		l->max_string = l->window;
	if (l->max_stack < 1)
		l->max_stack = 1;
	if (l->max_pickles < 1)
		l->max_pickles = 1;
}

int pkw_walk_stream(pkw_result *out, const pkw_reader *rd,
                    const pkw_limits *lim, const pkw_callbacks *cb)
{
	static const pkw_limits defaults = PKW_LIMITS_DEFAULT;
	struct walk w;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	out->ok = 1;
	w.rd = rd;
	w.lim = lim ? *lim : defaults;
	sanitize(&w.lim);
	w.res = out;
	w.cb = cb;
	if (getrandom(&w.memo_seed, sizeof(w.memo_seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(w.memo_seed))
		w.memo_seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&w;
	w.buf = malloc(w.lim.window);
	w.scratch = malloc(w.lim.window);
	if (!w.buf || !w.scratch) {
		free(w.buf);
		free(w.scratch);
		fail(&w, "out of memory (%s)", "window");
		return -1;
	}
	if (fill(&w, sizeof(legacy_magic)) == 0 &&
	    memcmp(w.buf, legacy_magic, sizeof(legacy_magic)) == 0)
		out->legacy_torch = 1;
	while (out->pickles < w.lim.max_pickles) {
		out->pickles++;
		if (walk_one(&w) < 0 || !another(&w))
			break;
	}
	out->bytes = w.pos;
	free(w.buf);
	free(w.scratch);
	free(w.stack);
	free(w.marks);
	free(w.memo);
	arena_free(&w);
	if (w.ioerr)
		return -1;
	return w.stopped;
}

int pkw_walk(pkw_result *out, const uint8_t *data, size_t len,
             const pkw_limits *lim, const pkw_callbacks *cb)
{
	struct pdg_mem_stream m = { data, len };
	pkw_reader rd = { pdg_mem_stream_read, &m, len };

	/* An empty buffer is an empty stream: size 0 would mean unknown. */
	if (len == 0)
		rd.size = 0;
	return pkw_walk_stream(out, &rd, lim, cb);
}
