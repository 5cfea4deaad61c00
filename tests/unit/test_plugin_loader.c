/* test_plugin_loader.c - plugin discovery and the load-time checks.
 *
 * The broken plugins come from tests/plugins/ in the build tree; each
 * test copies what it needs into a fresh temporary directory and loads
 * that directory through the public API (pdg_plugin_set_load), which runs
 * every file through pdg_plugin_load_file.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pedigree/pedigree.h"

static char tmp_root[4096];
static unsigned tmp_seq;

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

/* A new empty directory under this run's temporary root. */
static char *fresh_dir(void)
{
	char *d = xasprintf("%s/d%u", tmp_root, ++tmp_seq);

	assert_int_equal(mkdir(d, 0700), 0);
	return d;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Copy build/tests/plugins/<module>.so to dir/<as>. */
static void put_module(const char *dir, const char *module, const char *as)
{
	const char *root = getenv("PEDIGREE_BUILD_ROOT");
	char *src, *dst, buf[65536];
	FILE *in, *out;
	size_t n;

	assert_non_null(root);
	src = xasprintf("%s/tests/plugins/%s.so", root, module);
	dst = xasprintf("%s/%s", dir, as);
	in = fopen(src, "rb");
	if (!in)
		fail_msg("cannot open %s: %s", src, strerror(errno));
	out = fopen(dst, "wb");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	assert_int_equal(fclose(in), 0);
	assert_int_equal(fclose(out), 0);
	free(src);
	free(dst);
}

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Entries of `s` whose path is under `dir`, in set order; returns count. */
static size_t entries_in(const pdg_plugin_set *s, const char *dir,
                         pdg_plugin_info *out, size_t max)
{
	size_t n = 0;
	pdg_plugin_info in;

	for (size_t i = 0; i < pdg_plugin_set_count(s); i++) {
		assert_int_equal(pdg_plugin_set_info(&in, s, i), 0);
		if (!under(in.path, dir))
			continue;
		assert_true(n < max);
		out[n++] = in;
	}
	return n;
}

/* Load a directory holding only `module` (as NAME.so) and return its one
 * entry; the set stays alive in *set for the caller to inspect. */
static pdg_plugin_info load_single(pdg_plugin_set **set, const char *module,
                                   char **dir)
{
	pdg_plugin_info in[4];
	char *as = xasprintf("%s.so", module);

	*dir = fresh_dir();
	put_module(*dir, module, as);
	free(as);
	assert_int_equal(pdg_plugin_set_load(set, *dir), 0);
	assert_int_equal(entries_in(*set, *dir, in, 4), 1);
	return in[0];
}

static void expect_refused(const char *module, const char *error)
{
	pdg_plugin_set *s;
	char *dir;
	pdg_plugin_info in = load_single(&s, module, &dir);

	assert_int_equal(in.loaded, 0);
	assert_non_null(in.error);
	assert_string_equal(in.error, error);
	pdg_plugin_set_free(s);
	free(dir);
}

static void test_good(void **state)
{
	pdg_plugin_set *s;
	char *dir;
	pdg_plugin_info in = load_single(&s, "good", &dir);

	(void)state;
	assert_int_equal(in.loaded, 1);
	assert_null(in.error);
	assert_string_equal(in.name, "good");
	assert_string_equal(in.version, "0.0.1");
	assert_string_equal(in.description,
	                    "a test plugin that finds nothing");
	assert_int_equal(in.abi_version, PDG_PLUGIN_ABI_VERSION);
	assert_int_equal(in.kinds, PDG_KIND_BIT(PDG_KIND_CONFIG) |
	                           PDG_KIND_BIT(PDG_KIND_GGUF));
	pdg_plugin_set_free(s);
	free(dir);
}

static void test_bad_abi(void **state)
{
	pdg_plugin_set *s;
	char *dir;
	pdg_plugin_info in = load_single(&s, "bad-abi", &dir);

	(void)state;
	assert_int_equal(in.loaded, 0);
	assert_string_equal(in.error, "ABI version 999, host supports 1");
	/* Past the version, an incompatible descriptor is not trusted. */
	assert_null(in.name);
	assert_int_equal(in.abi_version, 999);
	pdg_plugin_set_free(s);
	free(dir);
}

static void test_no_entry(void **state)
{
	(void)state;
	expect_refused("no-entry", "missing entry symbol pdg_plugin_entry");
}

static void test_null_desc(void **state)
{
	(void)state;
	expect_refused("null-desc", "entry returned no descriptor");
}

static void test_small_struct(void **state)
{
	char want[64];

	(void)state;
	snprintf(want, sizeof(want), "descriptor too small (%zu bytes)",
	         offsetof(pdg_plugin, kinds));
	expect_refused("small-struct", want);
}

static void test_bad_name(void **state)
{
	(void)state;
	expect_refused("bad-name",
	               "invalid name 'Bad_Name' (want 1 to 64 of [a-z0-9-])");
}

static void test_no_scan(void **state)
{
	(void)state;
	expect_refused("no-scan", "descriptor has no scan callback");
}

static void test_limits(void **state)
{
	pdg_plugin_set *s;
	char *dir;
	pdg_plugin_info in = load_single(&s, "limits", &dir);

	(void)state;
	assert_int_equal(in.loaded, 1);
	assert_non_null(in.limits);
	assert_string_equal(in.limits[0].name, "limits.max-things");
	assert_int_equal(in.limits[0].default_value, 10);
	assert_string_equal(in.limits[0].description,
	                    "things looked at per file");
	assert_string_equal(in.limits[1].name, "limits.max-depth");
	assert_null(in.limits[2].name);
	pdg_plugin_set_free(s);
	free(dir);
}

static void test_bad_limit(void **state)
{
	(void)state;
	expect_refused("bad-limit", "invalid limit name 'other.max-things' "
	               "(want 'bad-limit.' and [a-z0-9.-])");
}

/* A descriptor that ends before `limits` predates them: loaded, and the
 * bytes past its end are never read. */
static void test_old_struct(void **state)
{
	pdg_plugin_set *s;
	char *dir;
	pdg_plugin_info in = load_single(&s, "old-struct", &dir);

	(void)state;
	assert_int_equal(in.loaded, 1);
	assert_null(in.limits);
	pdg_plugin_set_free(s);
	free(dir);
}

/* One file of the given content in a fresh dir; expect `error`. */
static void expect_file_refused(const char *content, size_t len,
                                const char *error)
{
	pdg_plugin_set *s;
	pdg_plugin_info in[2];
	char *dir = fresh_dir();
	char *p = xasprintf("%s/fake.so", dir);

	write_file(p, content, len);
	assert_int_equal(pdg_plugin_set_load(&s, dir), 0);
	assert_int_equal(entries_in(s, dir, in, 2), 1);
	assert_string_equal(in[0].path, p);
	assert_int_equal(in[0].loaded, 0);
	if (error)
		assert_string_equal(in[0].error, error);
	else
		assert_true(in[0].error && in[0].error[0]);
	pdg_plugin_set_free(s);
	free(p);
	free(dir);
}

static void test_not_elf(void **state)
{
	static const char text[] = "this is not a shared object\n";

	(void)state;
	expect_file_refused(text, sizeof(text) - 1,
	                    "not an ELF shared object");
	expect_file_refused("", 0, "not an ELF shared object");
	expect_file_refused("\177EL", 3, "not an ELF shared object");
}

static void test_truncated_elf(void **state)
{
	static const char elf[] = "\177ELF\002\001\001\0garbage";

	(void)state;
	/* Passes the magic check; dlopen's own message is reported. */
	expect_file_refused(elf, sizeof(elf) - 1, NULL);
}

static void test_fifo_and_symlink(void **state)
{
	pdg_plugin_set *s;
	pdg_plugin_info in[4];
	char *dir = fresh_dir();
	char *fifo = xasprintf("%s/a-pipe.so", dir);
	char *link = xasprintf("%s/b-link.so", dir);

	(void)state;
	/* Opening a FIFO without O_NONBLOCK would hang here. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	put_module(dir, "good", "c-good.so");
	assert_int_equal(symlink("c-good.so", link), 0);
	assert_int_equal(pdg_plugin_set_load(&s, dir), 0);
	assert_int_equal(entries_in(s, dir, in, 4), 3);
	assert_int_equal(in[0].loaded, 1);
	assert_string_equal(in[0].name, "good");
	assert_string_equal(in[1].path, fifo);
	assert_string_equal(in[1].error, "not a regular file");
	assert_string_equal(in[2].path, link);
	assert_string_equal(in[2].error, "is a symbolic link (not followed)");
	pdg_plugin_set_free(s);
	free(fifo);
	free(link);
	free(dir);
}

/* Expected order of a mixed directory: loaded by name, refused by path. */
static void check_mixed(const char *dir)
{
	pdg_plugin_set *s;
	pdg_plugin_info in[16];
	char *want;

	assert_int_equal(pdg_plugin_set_load(&s, dir), 0);
	assert_int_equal(entries_in(s, dir, in, 16), 5);

	assert_int_equal(in[0].loaded, 1);
	assert_string_equal(in[0].name, "good");
	want = xasprintf("%s/z/good.so", dir);
	assert_string_equal(in[0].path, want);
	free(want);

	want = xasprintf("%s/a/bad-abi.so", dir);
	assert_string_equal(in[1].path, want);
	assert_string_equal(in[1].error, "ABI version 999, host supports 1");
	free(want);
	want = xasprintf("%s/fake.so", dir);
	assert_string_equal(in[2].path, want);
	assert_string_equal(in[2].error, "not an ELF shared object");
	free(want);
	want = xasprintf("%s/null-desc.so", dir);
	assert_string_equal(in[3].path, want);
	assert_string_equal(in[3].error, "entry returned no descriptor");
	free(want);
	want = xasprintf("%s/small-struct.so", dir);
	assert_string_equal(in[4].path, want);
	free(want);
	for (size_t i = 1; i < 5; i++) {
		assert_int_equal(in[i].loaded, 0);
		assert_null(in[i].name);
	}
	pdg_plugin_set_free(s);
}

static void test_mixed_dir(void **state)
{
	char *dir = fresh_dir();
	char *p;
	static const char text[] = "not a plugin";

	(void)state;
	p = xasprintf("%s/a", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/z", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/a/deeper", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/a", dir);
	put_module(p, "bad-abi", "bad-abi.so");
	free(p);
	p = xasprintf("%s/z", dir);
	put_module(p, "good", "good.so");
	free(p);
	/* Two levels down, or not named *.so, or hidden: not searched. */
	p = xasprintf("%s/a/deeper", dir);
	put_module(p, "good", "deep.so");
	free(p);
	put_module(dir, "good", "good.so.1");
	put_module(dir, "good", ".hidden.so");
	put_module(dir, "null-desc", "null-desc.so");
	put_module(dir, "small-struct", "small-struct.so");
	p = xasprintf("%s/fake.so", dir);
	write_file(p, text, sizeof(text) - 1);
	free(p);

	/* Twice: the order must not depend on readdir() or load order. */
	check_mixed(dir);
	check_mixed(dir);
	free(dir);
}

static void test_shadowed(void **state)
{
	pdg_plugin_set *s;
	pdg_plugin_info in[4];
	char *a = fresh_dir(), *b = fresh_dir();
	char *path = xasprintf("%s:%s", b, a);
	char *want;

	(void)state;
	put_module(a, "good", "good.so");
	put_module(b, "good", "good.so");
	/* b comes first in the path, so b's copy wins. */
	assert_int_equal(pdg_plugin_set_load(&s, path), 0);
	assert_int_equal(entries_in(s, b, in, 4), 1);
	assert_int_equal(in[0].loaded, 1);
	assert_int_equal(entries_in(s, a, in, 4), 1);
	assert_int_equal(in[0].loaded, 0);
	want = xasprintf("shadowed by %s/good.so", b);
	assert_string_equal(in[0].error, want);
	free(want);
	pdg_plugin_set_free(s);
	free(path);

	/* Listing a directory twice does not shadow it by itself. */
	path = xasprintf("%s::%s/", a, a);
	assert_int_equal(pdg_plugin_set_load(&s, path), 0);
	assert_int_equal(entries_in(s, a, in, 4), 1);
	assert_int_equal(in[0].loaded, 1);
	pdg_plugin_set_free(s);
	free(path);
	free(a);
	free(b);
}

static void test_env_path(void **state)
{
	pdg_plugin_set *s;
	pdg_plugin_info in[4];
	char *a = fresh_dir(), *b = fresh_dir();

	(void)state;
	put_module(a, "good", "good.so");
	put_module(b, "good", "good.so");
	assert_int_equal(setenv("PEDIGREE_PLUGIN_PATH", a, 1), 0);
	assert_int_equal(pdg_plugin_set_load(&s, NULL), 0);
	assert_int_equal(entries_in(s, a, in, 4), 1);
	assert_int_equal(in[0].loaded, 1);
	pdg_plugin_set_free(s);

	/* The extra path is searched before the environment. */
	assert_int_equal(pdg_plugin_set_load(&s, b), 0);
	assert_int_equal(entries_in(s, b, in, 4), 1);
	assert_int_equal(in[0].loaded, 1);
	assert_int_equal(entries_in(s, a, in, 4), 1);
	assert_int_equal(in[0].loaded, 0);
	pdg_plugin_set_free(s);

	/* Empty means no directories. */
	assert_int_equal(setenv("PEDIGREE_PLUGIN_PATH", "", 1), 0);
	assert_int_equal(pdg_plugin_set_load(&s, NULL), 0);
	assert_int_equal(entries_in(s, a, in, 4), 0);
	pdg_plugin_set_free(s);
	free(a);
	free(b);
}

/* The test runs from the build tree, so the build's plugins are found. */
static void test_build_tree(void **state)
{
	const char *root = getenv("PEDIGREE_BUILD_ROOT");
	pdg_plugin_set *s;
	pdg_plugin_info in[16];
	char *dir, *want;

	(void)state;
	assert_non_null(root);
	dir = xasprintf("%s/plugins", root);
	want = xasprintf("%s/example/example.so", dir);
	assert_int_equal(pdg_plugin_set_load(&s, NULL), 0);
	size_t n = entries_in(s, dir, in, 16);
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(in[i].path, want) != 0)
			continue;
		found++;
		assert_int_equal(in[i].loaded, 1);
		assert_string_equal(in[i].name, "example");
	}
	assert_int_equal(found, 1);
	/* The test plugins are not in any searched directory. */
	for (size_t i = 0; i < pdg_plugin_set_count(s); i++) {
		pdg_plugin_info x;
		assert_int_equal(pdg_plugin_set_info(&x, s, i), 0);
		assert_null(strstr(x.path, "/tests/plugins/"));
	}
	pdg_plugin_set_free(s);
	free(want);
	free(dir);
}

static void test_api_edges(void **state)
{
	pdg_plugin_set *s;
	pdg_plugin_info in;
	char *dir = fresh_dir();

	(void)state;
	assert_int_equal(pdg_plugin_set_count(NULL), 0);
	pdg_plugin_set_free(NULL);
	assert_int_equal(pdg_plugin_set_load(NULL, dir), PDG_EINVALID);
	assert_int_equal(pdg_plugin_set_load(&s, dir), 0);
	assert_int_equal(pdg_plugin_set_info(&in, s, pdg_plugin_set_count(s)),
	                 PDG_EINVALID);
	pdg_plugin_set_free(s);
	/* A missing directory is not an error: there is nothing in it. */
	assert_int_equal(pdg_plugin_set_load(&s, "/nonexistent/pdg"), 0);
	pdg_plugin_set_free(s);
	free(dir);
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0)
		fprintf(stderr, "could not remove %s\n", path);
	return 0;
}

static void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(tmp_root, sizeof(tmp_root), "%s/pdg-plugin-loader.XXXXXX",
	         t && *t ? t : "/tmp");
	return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(tmp_root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad_abi),
		cmocka_unit_test(test_no_entry),
		cmocka_unit_test(test_null_desc),
		cmocka_unit_test(test_small_struct),
		cmocka_unit_test(test_bad_name),
		cmocka_unit_test(test_no_scan),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_limit),
		cmocka_unit_test(test_old_struct),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_truncated_elf),
		cmocka_unit_test(test_fifo_and_symlink),
		cmocka_unit_test(test_mixed_dir),
		cmocka_unit_test(test_shadowed),
		cmocka_unit_test(test_env_path),
		cmocka_unit_test(test_build_tree),
		cmocka_unit_test(test_api_edges),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
