/* test_pickle_walk.c - the streaming pickle walker and the import rules.
 *
 * Streams are written by hand, opcode by opcode, so each case says which
 * bytes it exercises: imports of every form, the opcodes that call them,
 * refills of a tiny input window, every limit, legacy torch.save files
 * and readers that fail or do not know their size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imports.h"
#include "pickle_walk.h"

#define MAX_EVENTS 16

struct seen {
	size_t nimp, ncall;
	char imp[MAX_EVENTS][64];
	uint64_t imp_off[MAX_EVENTS];
	pkw_how how[MAX_EVENTS];
	char call[MAX_EVENTS][64];    /* "OPCODE:import" */
	uint64_t call_off[MAX_EVENTS];
};

static int on_import(void *ctx, const pkw_import *imp, uint32_t *tag)
{
	struct seen *s = ctx;

	assert_true(s->nimp < MAX_EVENTS);
	snprintf(s->imp[s->nimp], sizeof(s->imp[0]), "%.*s.%.*s",
	         (int)imp->module_len, imp->module, (int)imp->name_len,
	         imp->name);
	s->imp_off[s->nimp] = imp->offset;
	s->how[s->nimp] = imp->how;
	*tag = (uint32_t)++s->nimp;
	return 0;
}

static int on_call(void *ctx, const pkw_call *c)
{
	struct seen *s = ctx;
	char buf[sizeof(s->call[0])];

	assert_true(s->ncall < MAX_EVENTS);
	assert_true(c->tag >= 1 && c->tag <= s->nimp);
	snprintf(buf, sizeof(buf), "%s:%.40s", c->opcode, s->imp[c->tag - 1]);
	memcpy(s->call[s->ncall], buf, sizeof(buf));
	s->call_off[s->ncall++] = c->offset;
	return 0;
}

/* Walk `len` bytes with `lim` (NULL: defaults). */
static pkw_result walk(const void *data, size_t len, const pkw_limits *lim,
                       struct seen *s)
{
	pkw_callbacks cb = { on_import, on_call, s };
	pkw_result r;

	memset(s, 0, sizeof(*s));
	assert_int_equal(pkw_walk(&r, data, len, lim, &cb), 0);
	return r;
}

#define WALK(lit, lim, s) walk(lit, sizeof(lit) - 1, lim, s)

static void test_global_reduce(void **state)
{
	static const char p[] = "cos\nsystem\n(S'echo'\ntR.";
	struct seen s;
	pkw_result r = WALK(p, NULL, &s);

	(void)state;
	assert_true(r.ok);
	assert_int_equal(s.nimp, 1);
	assert_string_equal(s.imp[0], "os.system");
	assert_int_equal(s.imp_off[0], 0);
	assert_int_equal(s.how[0], PKW_GLOBAL);
	assert_int_equal(s.ncall, 1);
	assert_string_equal(s.call[0], "REDUCE:os.system");
	assert_int_equal(s.call_off[0], 21);
	assert_int_equal(r.pickles, 1);
}

static void test_inst_obj(void **state)
{
	static const char inst[] = "(S'x'\nios\nsystem\n.";
	static const char obj[] = "(cos\nsystem\nS'x'\no.";
	struct seen s;
	pkw_result r = WALK(inst, NULL, &s);

	(void)state;
	assert_true(r.ok);
	assert_string_equal(s.imp[0], "os.system");
	assert_int_equal(s.ncall, 1);
	assert_string_equal(s.call[0], "INST:os.system");
	assert_int_equal(s.call_off[0], 6);

	r = WALK(obj, NULL, &s);
	assert_true(r.ok);
	assert_int_equal(s.ncall, 1);
	assert_string_equal(s.call[0], "OBJ:os.system");
	assert_int_equal(s.call_off[0], 17);
}

/* NEWOBJ makes an object of the class; BUILD then calls its
 * __setstate__: both are attributed to the class. */
static void test_newobj_build(void **state)
{
	static const char p[] =
		"\x80\x02" "ccollections\nOrderedDict\n" ")\x81" "}b.";
	static const char ex[] = "\x80\x04" "\x8c\x03" "cls" "\x8c\x01" "C"
		"\x93" ")}\x92" ".";
	struct seen s;
	pkw_result r = WALK(p, NULL, &s);

	(void)state;
	assert_true(r.ok);
	assert_int_equal(s.ncall, 2);
	assert_string_equal(s.call[0], "NEWOBJ:collections.OrderedDict");
	assert_int_equal(s.call_off[0], 28);
	assert_string_equal(s.call[1], "BUILD:collections.OrderedDict");
	assert_int_equal(s.call_off[1], 30);

	r = WALK(ex, NULL, &s);
	assert_true(r.ok);
	assert_int_equal(s.how[0], PKW_STACK_GLOBAL);
	assert_string_equal(s.imp[0], "cls.C");
	assert_string_equal(s.call[0], "NEWOBJ_EX:cls.C");
}

/* Strings fetched back from the memo after POP resolve; the value a
 * REDUCE made keeps its import through PUT/GET and DUP. */
static void test_memo_and_dup(void **state)
{
	static const char p[] = "\x80\x04" "\x8c\x02" "os" "\x94"
		"\x8c\x06" "system" "\x94" "00" "h\x00" "h\x01" "\x93"
		"q\x05" "0" "h\x05" "2" "0" ")R.";
	struct seen s;
	pkw_result r = WALK(p, NULL, &s);

	(void)state;
	assert_true(r.ok);
	assert_int_equal(s.nimp, 1);
	assert_string_equal(s.imp[0], "os.system");
	assert_int_equal(s.imp_off[0], 22);
	assert_int_equal(s.how[0], PKW_STACK_GLOBAL);
	assert_int_equal(s.ncall, 1);
	assert_string_equal(s.call[0], "REDUCE:os.system");
}

/* A string longer than max_string, or past the kept-bytes budget, is not
 * kept: STACK_GLOBAL on it cannot be checked. */
static void test_unkept_strings(void **state)
{
	static const char p[] = "\x80\x04\x8c\x02" "os" "\x8c\x06" "system"
		"\x93.";
	size_t n = sizeof(p) - 1;
	pkw_limits lim = PKW_LIMITS_DEFAULT;
	struct seen s;
	pkw_result r;

	(void)state;
	lim.max_string = 4;
	r = walk(p, n, &lim, &s);
	assert_true(r.ok);
	assert_int_equal(s.how[0], PKW_COMPUTED);

	lim = (pkw_limits)PKW_LIMITS_DEFAULT;
	lim.max_kept = 5;
	r = walk(p, n, &lim, &s);
	assert_true(r.ok);
	assert_int_equal(s.how[0], PKW_COMPUTED);

	lim.max_kept = 8;
	r = walk(p, n, &lim, &s);
	assert_int_equal(s.how[0], PKW_STACK_GLOBAL);
	assert_string_equal(s.imp[0], "os.system");
}

/* A 64-byte window: a 10 KB literal is skipped without being held, and
 * everything after it is still read, with the right offsets. */
static void test_small_window(void **state)
{
	size_t big = 10000, n = 0;
	uint8_t *p = malloc(big + 64);
	pkw_limits lim = PKW_LIMITS_DEFAULT;
	struct seen s;
	pkw_result r;

	(void)state;
	lim.window = 64;
	memcpy(p, "\x80\x04X", 3);
	n = 3;
	p[n++] = (uint8_t)(big & 0xff);
	p[n++] = (uint8_t)(big >> 8);
	p[n++] = 0;
	p[n++] = 0;
	memset(p + n, 'a', big);
	n += big;
	memcpy(p + n, "0cposix\nsystem\n.", 16);
	n += 16;
	r = walk(p, n, &lim, &s);
	assert_true(r.ok);
	assert_int_equal(s.nimp, 1);
	assert_string_equal(s.imp[0], "posix.system");
	assert_int_equal(s.imp_off[0], 7 + big + 1);
	assert_int_equal(r.bytes, n);
	free(p);
}

static void test_long_lines(void **state)
{
	char p[300];
	pkw_limits lim = PKW_LIMITS_DEFAULT;
	struct seen s;
	pkw_result r;

	(void)state;
	lim.window = 64;
	/* A data line longer than the window is stepped over. */
	p[0] = 'V';
	memset(p + 1, 'z', 200);
	memcpy(p + 201, "\n0cos\nsystem\n.", 14);
	r = walk(p, 215, &lim, &s);
	assert_true(r.ok);
	assert_string_equal(s.imp[0], "os.system");
	/* A module name longer than the window is refused. */
	p[0] = 'c';
	memset(p + 1, 'm', 200);
	memcpy(p + 201, "\nx\n.", 4);
	r = walk(p, 205, &lim, &s);
	assert_false(r.ok);
	assert_non_null(strstr(r.message, "longer than the walker window"));
	assert_int_equal(s.nimp, 0);
}

/* torch.save's legacy format: exactly five pickles; the raw storage
 * after them is never walked, even when it starts like a pickle. */
static void test_legacy_torch(void **state)
{
	static const char p[] =
		"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."
		"\x80\x02M\xe9\x03."
		"\x80\x02}q\x00."
		"\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n" "N."
		"\x80\x02]q\x00X\x01\x00\x00\x00" "0a."
		"\x80\x02\x00\x00\x00\x00\x00\x00" "cos\nsystem\n.";
	struct seen s;
	pkw_result r = WALK(p, NULL, &s);

	(void)state;
	assert_true(r.ok);
	assert_true(r.legacy_torch);
	assert_int_equal(r.pickles, 5);
	assert_int_equal(s.nimp, 1);
	assert_string_equal(s.imp[0], "torch._utils._rebuild_tensor_v2");
}

/* Pickles back to back are walked while each starts with PROTO. */
static void test_chained(void **state)
{
	static const char two[] = "\x80\x02N.\x80\x02" "cos\nsystem\n.junk";
	pkw_limits lim = PKW_LIMITS_DEFAULT;
	struct seen s;
	pkw_result r = WALK(two, NULL, &s);

	(void)state;
	assert_true(r.ok);
	assert_false(r.legacy_torch);
	assert_int_equal(r.pickles, 2);
	assert_string_equal(s.imp[0], "os.system");
	lim.max_pickles = 1;
	r = WALK(two, &lim, &s);
	assert_int_equal(r.pickles, 1);
	assert_int_equal(s.nimp, 0);
}

static void test_limits(void **state)
{
	static const char deep[] = "((((((((((N.";
	static const char memo[] = "N\x94N\x94N\x94N\x94.";
	static const char bytes[] = "\x80\x04\x8e\xe8\x03\x00\x00\x00\x00"
		"\x00\x00";
	pkw_limits lim = PKW_LIMITS_DEFAULT;
	struct seen s;
	pkw_result r;

	(void)state;
	lim.max_stack = 4;
	r = WALK(deep, &lim, &s);
	assert_false(r.ok);
	assert_non_null(strstr(r.message, "marks nested deeper"));
	lim = (pkw_limits)PKW_LIMITS_DEFAULT;
	lim.max_memo = 3;
	r = WALK(memo, &lim, &s);
	assert_false(r.ok);
	assert_non_null(strstr(r.message, "memo larger"));
	assert_int_equal(r.offset, 7);
	/* 1000 bytes of BINBYTES8 with 100 to walk: partial, not an error
	 * of the input. */
	lim = (pkw_limits)PKW_LIMITS_DEFAULT;
	lim.max_bytes = 100;
	r = WALK(bytes, &lim, &s);
	assert_false(r.ok);
	assert_true(r.partial);
	assert_false(r.truncated);
}

static void test_malformed(void **state)
{
	static const char huge[] = "\x80\x05\x8d\x00\x00\x00\x00\x00\x00"
		"\x00\x40xx";
	static const char frame[] = "\x80\x04\x95\x00\x10\x00\x00\x00\x00"
		"\x00\x00N.";
	static const char cut[] = "\x80\x02]q\x00(K\x01K";
	static const char bad[] = "\x80\x02\xff";
	static const char under[] = "\x80\x02R.";
	struct seen s;
	pkw_result r = WALK(huge, NULL, &s);

	(void)state;
	assert_false(r.ok);
	assert_int_equal(r.offset, 2);
	assert_non_null(strstr(r.message, "beyond any input"));
	r = WALK(frame, NULL, &s);
	assert_true(r.truncated);
	r = WALK(cut, NULL, &s);
	assert_true(r.truncated);
	r = WALK(bad, NULL, &s);
	assert_string_equal(r.message, "unknown opcode 0xff");
	r = WALK(under, NULL, &s);
	assert_string_equal(r.message, "stack underflow at REDUCE");
}

/* A stream that does not know its size: a skip past its end is found
 * when the next read returns nothing. */
struct short_src {
	const char *d;
	size_t len;
	int fail_at;         /* read number that fails, 0 never */
	int reads;
};

static int64_t short_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct short_src *m = ctx;

	if (m->fail_at && ++m->reads >= m->fail_at)
		return -1;
	if (off >= m->len)
		return 0;
	/* At most 3 bytes a call: refills everywhere. */
	if (len > 3)
		len = 3;
	if (len > m->len - off)
		len = (size_t)(m->len - off);
	memcpy(buf, m->d + off, len);
	return (int64_t)len;
}

static void test_streams(void **state)
{
	static const char skip[] = "\x80\x04\x8e\x00\x01\x00\x00\x00\x00"
		"\x00\x00" "ab";
	static const char ok[] = "\x80\x02" "cos\nsystem\n.";
	struct short_src m = { skip, sizeof(skip) - 1, 0, 0 };
	pkw_reader rd = { short_read, &m, 0 };
	pkw_callbacks cb = { on_import, on_call, NULL };
	struct seen s;
	pkw_result r;

	(void)state;
	memset(&s, 0, sizeof(s));
	cb.ctx = &s;
	assert_int_equal(pkw_walk_stream(&r, &rd, NULL, &cb), 0);
	assert_true(r.truncated);
	m = (struct short_src){ ok, sizeof(ok) - 1, 0, 0 };
	assert_int_equal(pkw_walk_stream(&r, &rd, NULL, &cb), 0);
	assert_true(r.ok);
	assert_string_equal(s.imp[0], "os.system");
	m = (struct short_src){ ok, sizeof(ok) - 1, 3, 0 };
	assert_int_equal(pkw_walk_stream(&r, &rd, NULL, &cb), -1);
	assert_false(r.ok);
}

static pkw_class cls(const char *m, const char *n)
{
	return pkw_classify(m, strlen(m), n, strlen(n));
}

/* The rules come from imports.rules. */
static void test_rules(void **state)
{
	(void)state;
	assert_true(pkw_safe_count > 10);
	assert_true(pkw_dangerous_count > 10);
	assert_int_equal(cls("torch._utils", "_rebuild_tensor_v2"), PKW_SAFE);
	assert_int_equal(cls("torch", "HalfStorage"), PKW_SAFE);
	assert_int_equal(cls("collections", "OrderedDict"), PKW_SAFE);
	assert_int_equal(cls("os", "system"), PKW_DANGEROUS);
	assert_int_equal(cls("os.path", "join"), PKW_DANGEROUS);
	assert_int_equal(cls("posix", "system"), PKW_DANGEROUS);
	assert_int_equal(cls("builtins", "eval"), PKW_DANGEROUS);
	assert_int_equal(cls("builtins", "getattr"), PKW_DANGEROUS);
	assert_int_equal(cls("torch.hub", "load"), PKW_DANGEROUS);
	assert_int_equal(cls("_operator", "attrgetter"), PKW_DANGEROUS);
	/* Dotted names reach through attributes: never safe. */
	assert_int_equal(cls("torch._utils", "_rebuild_tensor_v2.__globals__"),
	                 PKW_UNKNOWN);
	/* Safe modules match exactly, not their submodules. */
	assert_int_equal(cls("collections.abc", "OrderedDict"), PKW_UNKNOWN);
	assert_int_equal(cls("osx", "system"), PKW_UNKNOWN);
	assert_int_equal(cls("zipfile", "ZipInfo"), PKW_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_reduce),
		cmocka_unit_test(test_inst_obj),
		cmocka_unit_test(test_newobj_build),
		cmocka_unit_test(test_memo_and_dup),
		cmocka_unit_test(test_unkept_strings),
		cmocka_unit_test(test_small_window),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_legacy_torch),
		cmocka_unit_test(test_chained),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
