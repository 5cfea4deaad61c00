/* pickle_walk.c - decode pickle opcodes without executing any of them.
 *
 * The unpickler is a stack machine whose GLOBAL-like opcodes import any
 * attribute of any module.  To name those imports reliably the walk keeps
 * a model of the stack: every entry is either a string literal (a slice
 * of the input, never copied) or an opaque value.  Marks and the memo are
 * modelled too, so strings fetched back with GET/BINGET/LONG_BINGET and
 * reordered by POP or DUP resolve as the real unpickler would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pickle_walk.h"

/* Legacy torch.save files are several pickles back to back. */
#define PKW_MAX_PICKLES 16
#define PKW_MAX_MARKS PKW_MAX_STACK

struct item {
	const char *s;       /* NULL: not a string literal */
	size_t len;
};

struct memo_slot {
	uint64_t key;        /* index + 1; 0 = empty slot */
	struct item v;
};

struct walk {
	const uint8_t *d;
	size_t len;
	size_t pos;
	uint64_t op_off;     /* offset of the current opcode */

	struct item *stack;
	size_t depth, stack_cap;
	size_t *marks;
	size_t nmarks, marks_cap;

	struct memo_slot *memo;
	size_t memo_cap;     /* power of two, or 0 */
	size_t memo_n;       /* distinct keys, as len(memo) in Python */

	pkw_result *res;
	pkw_import_fn fn;
	void *ctx;
	int stopped;         /* the callback asked to stop */
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

/* --- input ------------------------------------------------------------ */

static int take(struct walk *w, size_t n, const uint8_t **p,
                const char *what)
{
	if (n > w->len - w->pos)
		return n > (size_t)1 << 40 ?
			fail(w, "%s length beyond any input", what) :
			truncated(w, what);
	*p = w->d + w->pos;
	w->pos += n;
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

/* A newline-terminated argument of protocol 0 (without the newline). */
static int take_line(struct walk *w, const char **s, size_t *n,
                     const char *what)
{
	const uint8_t *start = w->d + w->pos;
	const uint8_t *nl = memchr(start, '\n', w->len - w->pos);

	if (!nl)
		return truncated(w, what);
	*s = (const char *)start;
	*n = (size_t)(nl - start);
	w->pos += *n + 1;
	return 0;
}

/* Length prefix of `width` bytes, then that many bytes. */
static int take_counted(struct walk *w, size_t width, int is_signed,
                        struct item *it, const char *what)
{
	uint64_t n;
	const uint8_t *p;

	if (take_le(w, width, &n, what) < 0)
		return -1;
	if (is_signed && width == 4 && n > INT32_MAX)
		return fail(w, "negative %s length", what);
	if (n > w->len - w->pos)
		return n > (uint64_t)1 << 40 ?
			fail(w, "%s length beyond any input", what) :
			truncated(w, what);
	if (take(w, (size_t)n, &p, what) < 0)
		return -1;
	it->s = (const char *)p;
	it->len = (size_t)n;
	return 0;
}

static int parse_index(struct walk *w, const char *s, size_t n,
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

/* --- stack and marks -------------------------------------------------- */

static int push(struct walk *w, struct item it)
{
	if (w->depth == w->stack_cap) {
		size_t cap = w->stack_cap ? w->stack_cap * 2 : 64;
		struct item *s;

		if (w->depth >= PKW_MAX_STACK)
			return fail(w, "%s deeper than the walker allows",
			            "stack");
		s = realloc(w->stack, cap * sizeof(*s));
		if (!s)
			return fail(w, "out of memory (%s)", "stack");
		w->stack = s;
		w->stack_cap = cap;
	}
	w->stack[w->depth++] = it;
	return 0;
}

static int push_opaque(struct walk *w)
{
	struct item it = { NULL, 0 };

	return push(w, it);
}

/* The entries above the innermost mark, if any. */
static size_t floor_of(const struct walk *w)
{
	return w->nmarks ? w->marks[w->nmarks - 1] : 0;
}

static int pop(struct walk *w, size_t n, const char *op)
{
	if (w->depth - floor_of(w) < n)
		return fail(w, "stack underflow at %s", op);
	w->depth -= n;
	return 0;
}

static int mark_push(struct walk *w)
{
	if (w->nmarks == w->marks_cap) {
		size_t cap = w->marks_cap ? w->marks_cap * 2 : 16;
		size_t *m;

		if (w->nmarks >= PKW_MAX_MARKS)
			return fail(w, "%s nested deeper than the walker "
			            "allows", "marks");
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
	h = (size_t)((idx * 0x9e3779b97f4a7c15ull) >> 20) & mask;
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
		if (w->memo_n >= PKW_MAX_MEMO)
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

/* --- imports ---------------------------------------------------------- */

static int report(struct walk *w, pkw_import *imp)
{
	imp->offset = w->op_off;
	if (w->fn && w->fn(w->ctx, imp)) {
		w->stopped = 1;
		return -1;
	}
	return 0;
}

static int op_global(struct walk *w, int inst)
{
	pkw_import imp = { 0 };

	if (take_line(w, &imp.module, &imp.module_len, "a module name") < 0 ||
	    take_line(w, &imp.name, &imp.name_len, "a global name") < 0)
		return -1;
	imp.how = PKW_GLOBAL;
	if (report(w, &imp) < 0)
		return -1;
	if (inst && pop_mark(w, "INST") < 0)
		return -1;
	return push_opaque(w);
}

static int op_stack_global(struct walk *w)
{
	pkw_import imp = { 0 };
	struct item mod, name;

	if (w->depth - floor_of(w) < 2)
		return fail(w, "stack underflow at %s", "STACK_GLOBAL");
	mod = w->stack[w->depth - 2];
	name = w->stack[w->depth - 1];
	w->depth -= 2;
	if (mod.s && name.s) {
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
	if (report(w, &imp) < 0)
		return -1;
	return push_opaque(w);
}

static int op_ext(struct walk *w, size_t width)
{
	pkw_import imp = { 0 };
	uint64_t code;

	if (take_le(w, width, &code, "an extension code") < 0)
		return -1;
	imp.module = "copyreg";
	imp.module_len = 7;
	imp.name = "<extension>";
	imp.name_len = 11;
	imp.how = PKW_EXTENSION;
	imp.ext_code = (uint32_t)code;
	if (report(w, &imp) < 0)
		return -1;
	return push_opaque(w);
}

/* STRING's argument is a quoted repr; keep what is between the quotes. */
static int op_string(struct walk *w)
{
	struct item it;

	if (take_line(w, &it.s, &it.len, "a STRING") < 0)
		return -1;
	if (it.len >= 2 && (it.s[0] == '\'' || it.s[0] == '"') &&
	    it.s[it.len - 1] == it.s[0]) {
		it.s++;
		it.len -= 2;
	} else {
		return fail(w, "%s argument not quoted", "STRING");
	}
	return push(w, it);
}

/* --- the opcode table ------------------------------------------------- */

/* Opcodes with a fixed-size argument and a fixed stack effect. */
struct simple_op {
	uint8_t op;
	uint8_t arg;         /* bytes of argument */
	uint8_t pops;
	uint8_t pushes;
	const char *name;
};

static const struct simple_op simple_ops[] = {
	{ 'J', 4, 0, 1, "BININT" },   { 'K', 1, 0, 1, "BININT1" },
	{ 'M', 2, 0, 1, "BININT2" },  { 'N', 0, 0, 1, "NONE" },
	{ 'G', 8, 0, 1, "BINFLOAT" }, { 'Q', 0, 1, 1, "BINPERSID" },
	{ 'R', 0, 2, 1, "REDUCE" },   { 'a', 0, 1, 0, "APPEND" },
	{ 'b', 0, 1, 0, "BUILD" },    { '}', 0, 0, 1, "EMPTY_DICT" },
	{ ']', 0, 0, 1, "EMPTY_LIST" }, { ')', 0, 0, 1, "EMPTY_TUPLE" },
	{ 's', 0, 2, 0, "SETITEM" },  { 0x81, 0, 2, 1, "NEWOBJ" },
	{ 0x85, 0, 1, 1, "TUPLE1" },  { 0x86, 0, 2, 1, "TUPLE2" },
	{ 0x87, 0, 3, 1, "TUPLE3" },  { 0x88, 0, 0, 1, "NEWTRUE" },
	{ 0x89, 0, 0, 1, "NEWFALSE" }, { 0x8f, 0, 0, 1, "EMPTY_SET" },
	{ 0x92, 0, 3, 1, "NEWOBJ_EX" }, { 0x97, 0, 0, 1, "NEXT_BUFFER" },
	{ 0x98, 0, 1, 1, "READONLY_BUFFER" },
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

	if (s->arg && take(w, s->arg, &p, s->name) < 0)
		return -1;
	if (pop(w, s->pops, s->name) < 0)
		return -1;
	return s->pushes ? push_opaque(w) : 0;
}

/* Opcodes that push a counted string or bytes literal. */
static int do_counted(struct walk *w, uint8_t op, int is_text)
{
	struct item it;
	int rc;

	switch (op) {
	case 'T': rc = take_counted(w, 4, 1, &it, "BINSTRING"); break;
	case 'U': rc = take_counted(w, 1, 0, &it, "SHORT_BINSTRING"); break;
	case 'X': rc = take_counted(w, 4, 0, &it, "BINUNICODE"); break;
	case 0x8c: rc = take_counted(w, 1, 0, &it, "SHORT_BINUNICODE");
		break;
	case 0x8d: rc = take_counted(w, 8, 0, &it, "BINUNICODE8"); break;
	case 'B': rc = take_counted(w, 4, 0, &it, "BINBYTES"); break;
	case 'C': rc = take_counted(w, 1, 0, &it, "SHORT_BINBYTES"); break;
	case 0x8e: rc = take_counted(w, 8, 0, &it, "BINBYTES8"); break;
	case 0x96: rc = take_counted(w, 8, 0, &it, "BYTEARRAY8"); break;
	case 0x8a: rc = take_counted(w, 1, 0, &it, "LONG1"); break;
	default: rc = take_counted(w, 4, 1, &it, "LONG4"); break;
	}
	if (rc < 0)
		return -1;
	if (!is_text)
		it.s = NULL;
	return push(w, it);
}

/* Protocol-0 opcodes whose argument is a line and that push a value. */
static int do_line_push(struct walk *w, const char *what)
{
	const char *s;
	size_t n;

	if (take_line(w, &s, &n, what) < 0)
		return -1;
	return push_opaque(w);
}

static int do_memo_op(struct walk *w, uint8_t op)
{
	uint64_t idx;
	const char *s;
	size_t n;

	switch (op) {
	case 'g': case 'p':
		if (take_line(w, &s, &n, "a memo index") < 0 ||
		    parse_index(w, s, n, &idx) < 0)
			return -1;
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
	if (op == 'o' && w->depth == floor_of(w))
		return fail(w, "%s without a class", name);
	if (pop_mark(w, name) < 0)
		return -1;
	if (op == '1' || op == 'e' || op == 'u' || op == 0x90)
		return 0;
	return push_opaque(w);
}

/* One opcode.  Returns 1 at STOP, 0 to go on, -1 on a problem. */
static int step(struct walk *w)
{
	const struct simple_op *s;
	uint64_t v;
	uint8_t op;

	w->op_off = w->pos;
	if (w->pos >= w->len)
		return truncated(w, "a pickle (no STOP)");
	op = w->d[w->pos++];
	w->res->opcodes++;
	s = simple_find(op);
	if (s)
		return do_simple(w, s);
	switch (op) {
	case '.':
		return 1;
	case '(':
		return mark_push(w);
	case '0':
		/* The unpickler pops a mark when the stack above it is
		 * empty. */
		if (w->depth == floor_of(w))
			return pop_mark(w, "POP");
		w->depth--;
		return 0;
	case '2':
		if (w->depth == floor_of(w))
			return fail(w, "stack underflow at %s", "DUP");
		return push(w, w->stack[w->depth - 1]);
	case 'F': return do_line_push(w, "a FLOAT");
	case 'I': return do_line_push(w, "an INT");
	case 'L': return do_line_push(w, "a LONG");
	case 'P': return do_line_push(w, "a PERSID");
	case 'S': return op_string(w);
	case 'V': {
		struct item it;

		if (take_line(w, &it.s, &it.len, "a UNICODE") < 0)
			return -1;
		return push(w, it);
	}
	case 'T': case 'U': case 'X': case 0x8c: case 0x8d:
		return do_counted(w, op, 1);
	case 'B': case 'C': case 0x8e: case 0x96: case 0x8a: case 0x8b:
		return do_counted(w, op, 0);
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
	case 0x80:
		if (take_le(w, 1, &v, "PROTO") < 0)
			return -1;
		if (v > 5)
			return fail(w, "unsupported pickle protocol%s", "");
		return 0;
	case 0x95:
		/* FRAME only hints at buffering; its length must fit. */
		if (take_le(w, 8, &v, "FRAME") < 0)
			return -1;
		if (v > w->len - w->pos)
			return v > (uint64_t)1 << 40 ?
				fail(w, "%s length beyond any input",
				     "FRAME") :
				truncated(w, "a FRAME");
		return 0;
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
	return rc == 1 ? 0 : -1;
}

int pkw_walk(pkw_result *out, const uint8_t *data, size_t len,
             pkw_import_fn fn, void *ctx)
{
	struct walk w;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	out->ok = 1;
	w.d = data;
	w.len = len;
	w.res = out;
	w.fn = fn;
	w.ctx = ctx;
	while (out->pickles < PKW_MAX_PICKLES) {
		out->pickles++;
		if (walk_one(&w) < 0)
			break;
		/* Go on only where another pickle plainly starts. */
		if (w.pos + 1 >= len || data[w.pos] != 0x80 ||
		    data[w.pos + 1] > 5)
			break;
	}
	free(w.stack);
	free(w.marks);
	free(w.memo);
	return w.stopped;
}
