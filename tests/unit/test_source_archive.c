/* test_source_archive.c - archives read as streams (source_archive.c). */
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>

#include "source.h"
#include "util.h"

#define MAX_ITEMS 64

/* --- building archives in memory -------------------------------------- */

enum { E_FILE, E_SYMLINK, E_HARDLINK, E_DIR, E_ZEROS };

typedef struct entry {
	const char *name;
	const void *data;       /* E_FILE */
	size_t len;             /* E_FILE, E_ZEROS */
	int type;
	const char *target;     /* links */
} entry;

#define FILE_ENTRY(n, s) { (n), (s), sizeof(s) - 1, E_FILE, NULL }

static la_ssize_t mem_write(struct archive *a, void *ctx, const void *buf,
                            size_t len)
{
	(void)a;
	pdg_buf_put(ctx, buf, len);
	return (la_ssize_t)len;
}

static void write_zeros(struct archive *a, size_t len)
{
	static const uint8_t zeros[1 << 16];

	while (len > 0) {
		size_t n = len < sizeof(zeros) ? len : sizeof(zeros);

		assert_int_equal(archive_write_data(a, zeros, n),
		                 (la_ssize_t)n);
		len -= n;
	}
}

static void write_entry(struct archive *a, const entry *e)
{
	struct archive_entry *ae = archive_entry_new();

	archive_entry_set_pathname(ae, e->name);
	archive_entry_set_mtime(ae, 1700000000, 0);
	archive_entry_set_perm(ae, 0644);
	switch (e->type) {
	case E_FILE:
	case E_ZEROS:
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_size(ae, (la_int64_t)e->len);
		break;
	case E_SYMLINK:
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_symlink(ae, e->target);
		break;
	case E_HARDLINK:
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_hardlink(ae, e->target);
		archive_entry_set_size(ae, 0);
		break;
	case E_DIR:
		archive_entry_set_filetype(ae, AE_IFDIR);
		archive_entry_set_perm(ae, 0755);
		break;
	}
	assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
	if (e->type == E_FILE && e->len)
		assert_int_equal(archive_write_data(a, e->data, e->len),
		                 (la_ssize_t)e->len);
	else if (e->type == E_ZEROS)
		write_zeros(a, e->len);
	archive_entry_free(ae);
}

/* fmt: "tar", "zip", "7z"; gz: add a gzip filter. */
static void build(pdg_buf *out, const char *fmt, int gz, const entry *e,
                  size_t n)
{
	struct archive *a = archive_write_new();

	out->len = 0;
	if (!strcmp(fmt, "tar"))
		assert_int_equal(archive_write_set_format_pax_restricted(a),
		                 ARCHIVE_OK);
	else if (!strcmp(fmt, "zip"))
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	else
		assert_int_equal(archive_write_set_format_7zip(a),
		                 ARCHIVE_OK);
	if (gz)
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open2(a, out, NULL, mem_write, NULL,
	                                     NULL), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++)
		write_entry(a, &e[i]);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

#define BUILD(out, fmt, gz, arr) \
	build((out), (fmt), (gz), (arr), sizeof(arr) / sizeof((arr)[0]))

/* --- temp files -------------------------------------------------------- */

static char *tmp_dir;

static char *save(const char *name, const void *data, size_t len)
{
	char *p = pdg_xasprintf("%s/%s", tmp_dir, name);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return p;
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	tmp_dir = pdg_xasprintf("%s/pdg-arc-XXXXXX",
	                        tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(tmp_dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(tmp_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp_dir);
	return 0;
}

/* --- collecting a walk; the callback opens nested archives like the
 * engine does ----------------------------------------------------------- */

typedef struct seen {
	char *paths[MAX_ITEMS];
	char *data[MAX_ITEMS];  /* head, NUL-terminated; NULL: not read */
	uint64_t sizes[MAX_ITEMS];
	unsigned depth[MAX_ITEMS];
	uint32_t flags[MAX_ITEMS];
	size_t n;
	char *rules[MAX_ITEMS];
	char *ppaths[MAX_ITEMS];
	char *msgs[MAX_ITEMS];
	pdg_severity sev[MAX_ITEMS];
	int64_t offs[MAX_ITEMS];
	size_t np;
	int read_all;           /* stream every member to its end */
	int64_t read_rc;        /* last failing read while streaming */
	uint64_t streamed;
} seen;

static int is_archive_name(const char *p)
{
	return pdg_ends_with_ci(p, ".tar") || pdg_ends_with_ci(p, ".tar.gz")
	       || pdg_ends_with_ci(p, ".zip") || pdg_ends_with_ci(p, ".7z");
}

static void stream(seen *s, struct pdg_artifact *a)
{
	static uint8_t buf[1 << 16];
	uint64_t off = 0;
	int64_t n;

	while ((n = pdg_artifact_read_at(a, buf, sizeof(buf), off)) > 0)
		off += (uint64_t)n;
	s->streamed += off;
	if (n < 0)
		s->read_rc = n;
}

static int on_artifact(pdg_walk *w, struct pdg_artifact *a, void *payload)
{
	seen *s = payload;
	const uint8_t *d;
	size_t len, i = s->n;

	assert_true(s->n < MAX_ITEMS);
	s->paths[i] = pdg_xstrdup(a->path);
	s->sizes[i] = a->size;
	s->depth[i] = a->depth;
	s->flags[i] = a->flags;
	s->n++;
	if (is_archive_name(a->path))
		return pdg_source_archive_walk_artifact(w, a);
	if (s->read_all) {
		stream(s, a);
		return 0;
	}
	if (a->size < 4096 && pdg_artifact_head(a, 4096, &d, &len) == 0)
		s->data[i] = pdg_xstrndup((const char *)d, len);
	return 0;
}

static void on_problem(pdg_walk *w, const pdg_problem *p, void *payload)
{
	seen *s = payload;

	(void)w;
	assert_true(s->np < MAX_ITEMS);
	assert_non_null(p->message);
	s->rules[s->np] = pdg_xstrdup(p->rule);
	s->ppaths[s->np] = pdg_xstrdup(p->path ? p->path : "");
	s->msgs[s->np] = pdg_xstrdup(p->message);
	s->sev[s->np] = p->severity;
	s->offs[s->np] = p->byte_offset;
	s->np++;
}

static void seen_free(seen *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->paths[i]);
		free(s->data[i]);
	}
	for (size_t i = 0; i < s->np; i++) {
		free(s->rules[i]);
		free(s->ppaths[i]);
		free(s->msgs[i]);
	}
	memset(s, 0, sizeof(*s));
}

static int find_artifact(const seen *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->paths[i], path))
			return (int)i;
	return -1;
}

static int find_problem(const seen *s, const char *rule, const char *path)
{
	for (size_t i = 0; i < s->np; i++)
		if (!strcmp(s->rules[i], rule)
		    && (!path || !strcmp(s->ppaths[i], path)))
			return (int)i;
	return -1;
}

typedef struct walker {
	pdg_source_cb cb;
	pdg_walk w;
	pdg_limits lim;
} walker;

static void walker_init(walker *k, seen *s)
{
	memset(k, 0, sizeof(*k));
	k->lim = (pdg_limits)PDG_LIMITS_DEFAULT;
	k->cb.artifact = on_artifact;
	k->cb.problem = on_problem;
	k->cb.payload = s;
	k->w.limits = &k->lim;
	k->w.cb = &k->cb;
	k->w.source = "SRC";
	k->w.component = "comp";
}

static const entry simple[] = {
	{ "docs", NULL, 0, E_DIR, NULL },
	FILE_ENTRY("docs/LICENSE", "Licence text.\n"),
	FILE_ENTRY("./config.json", "{\"a\": 1}\n"),
	FILE_ENTRY("empty.txt", ""),
};

static void check_simple(const char *fmt, int gz, const char *name)
{
	pdg_buf b = PDG_BUF_INIT;
	pdg_source_type t;
	walker k;
	seen s = { 0 };
	char *p;
	int i;

	BUILD(&b, fmt, gz, simple);
	p = save(name, b.ptr, b.len);
	assert_int_equal(pdg_source_detect(&t, p, NULL), 0);
	assert_int_equal(t, PDG_SOURCE_ARCHIVE);
	walker_init(&k, &s);
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(k.w.files, 3);
	i = find_artifact(&s, "docs/LICENSE");
	assert_true(i >= 0);
	assert_string_equal(s.data[i], "Licence text.\n");
	assert_int_equal(s.sizes[i], 14);
	assert_int_equal(s.depth[i], 1);
	assert_int_equal(s.flags[i],
	                 PDG_ARTIFACT_IN_ARCHIVE | PDG_ARTIFACT_SEQUENTIAL);
	i = find_artifact(&s, "config.json");   /* "./" dropped */
	assert_true(i >= 0);
	assert_string_equal(s.data[i], "{\"a\": 1}\n");
	i = find_artifact(&s, "empty.txt");
	assert_true(i >= 0);
	assert_string_equal(s.data[i], "");
	assert_int_equal(s.np, 0);
	/* Decompressed bytes count; a plain tar decompresses nothing. */
	if (!strcmp(fmt, "tar") && !gz)
		assert_int_equal(k.w.expanded, 0);
	else
		assert_true(k.w.expanded >= 23);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
}

static void test_tar(void **state)
{
	(void)state;
	check_simple("tar", 0, "simple.tar");
}

static void test_tar_gz(void **state)
{
	(void)state;
	check_simple("tar", 1, "simple.tar.gz");
}

static void test_zip(void **state)
{
	(void)state;
	check_simple("zip", 0, "simple.zip");
}

static void test_7z(void **state)
{
	(void)state;
	check_simple("7z", 0, "simple.7z");
}

/* tar.gz holding a zip holding a tar, next to a 7z. */
static void build_nested(pdg_buf *out)
{
	pdg_buf tar = PDG_BUF_INIT, zip = PDG_BUF_INIT, sz = PDG_BUF_INIT;
	entry inner[] = {
		FILE_ENTRY("weights/README.md", "# inner\n"),
		FILE_ENTRY("LICENSE", "Inner licence.\n"),
	};
	entry mid[] = {
		FILE_ENTRY("notes.txt", "mid\n"),
		{ "data/inner.tar", NULL, 0, E_FILE, NULL },
	};
	entry seven[] = { FILE_ENTRY("x.txt", "seven\n") };
	entry outer[] = {
		FILE_ENTRY("LICENSE", "Outer licence.\n"),
		{ "pkg/model.zip", NULL, 0, E_FILE, NULL },
		{ "extra.7z", NULL, 0, E_FILE, NULL },
		FILE_ENTRY("z-last.txt", "last\n"),
	};

	BUILD(&tar, "tar", 0, inner);
	mid[1].data = tar.ptr;
	mid[1].len = tar.len;
	BUILD(&zip, "zip", 0, mid);
	BUILD(&sz, "7z", 0, seven);
	outer[1].data = zip.ptr;
	outer[1].len = zip.len;
	outer[2].data = sz.ptr;
	outer[2].len = sz.len;
	BUILD(out, "tar", 1, outer);
	pdg_buf_free(&tar);
	pdg_buf_free(&zip);
	pdg_buf_free(&sz);
}

static void check_nested(uint64_t max_read)
{
	pdg_buf b = PDG_BUF_INIT;
	walker k;
	seen s = { 0 };
	char *p;
	int i;

	build_nested(&b);
	p = save("nested.tar.gz", b.ptr, b.len);
	walker_init(&k, &s);
	k.lim.max_read = max_read;
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);

	i = find_artifact(&s, "LICENSE");
	assert_true(i >= 0);
	assert_string_equal(s.data[i], "Outer licence.\n");
	i = find_artifact(&s, "pkg/model.zip!/notes.txt");
	assert_true(i >= 0);
	assert_int_equal(s.depth[i], 2);
	assert_string_equal(s.data[i], "mid\n");
	i = find_artifact(&s, "pkg/model.zip!/data/inner.tar!/LICENSE");
	assert_true(i >= 0);
	assert_int_equal(s.depth[i], 3);
	assert_string_equal(s.data[i], "Inner licence.\n");
	assert_true(find_artifact(&s,
		"pkg/model.zip!/data/inner.tar!/weights/README.md") >= 0);
	i = find_artifact(&s, "z-last.txt");
	assert_true(i >= 0);
	assert_string_equal(s.data[i], "last\n");
	assert_int_equal(s.depth[i], 1);
	/* The order is the stored order, depth first. */
	assert_string_equal(s.paths[0], "LICENSE");
	assert_string_equal(s.paths[s.n - 1], "z-last.txt");
	if (max_read > (1 << 16)) {
		/* A small 7z member is seekable through its head cache. */
		i = find_artifact(&s, "extra.7z!/x.txt");
		assert_true(i >= 0);
		assert_string_equal(s.data[i], "seven\n");
		assert_int_equal(s.np, 0);
	} else {
		/* ...a bigger one cannot be read from a stream. */
		assert_true(find_problem(&s, "source.archive-unreadable",
		                         "extra.7z") >= 0);
		assert_int_equal(find_artifact(&s, "extra.7z!/x.txt"), -1);
	}
	assert_false(k.w.expand_exceeded);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
}

static void test_nested(void **state)
{
	(void)state;
	check_nested(16u << 20);
}

static void test_nested_streaming(void **state)
{
	(void)state;
	/* Members are bigger than max_read: zip read as a pure stream. */
	check_nested(64);
}

static void test_depth_limit(void **state)
{
	pdg_buf b = PDG_BUF_INIT;
	walker k;
	seen s = { 0 };
	char *p;
	int i;

	(void)state;
	build_nested(&b);
	p = save("depth.tar.gz", b.ptr, b.len);
	walker_init(&k, &s);
	k.lim.max_archive_depth = 1;
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_true(find_artifact(&s, "pkg/model.zip!/notes.txt") >= 0);
	assert_int_equal(find_artifact(&s,
		"pkg/model.zip!/data/inner.tar!/LICENSE"), -1);
	i = find_problem(&s, "source.archive-depth",
	                 "pkg/model.zip!/data/inner.tar");
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_WARNING);
	assert_true(find_artifact(&s, "z-last.txt") >= 0);
	seen_free(&s);

	k.lim.max_archive_depth = 0;
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_int_equal(find_artifact(&s, "pkg/model.zip!/notes.txt"), -1);
	assert_true(find_problem(&s, "source.archive-depth",
	                         "pkg/model.zip") >= 0);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
}

/* Incompressible bytes, so a cut lands inside the compressed stream. */
static uint8_t *noise(size_t len)
{
	uint8_t *p = pdg_xmalloc(len);
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
	return p;
}

static void test_truncated(void **state)
{
	pdg_buf b = PDG_BUF_INIT;
	uint8_t *big = noise(256 << 10);
	entry e[] = {
		FILE_ENTRY("LICENSE", "Licence.\n"),
		FILE_ENTRY("config.json", "{}\n"),
		{ "big.bin", big, 256 << 10, E_FILE, NULL },
		FILE_ENTRY("after.txt", "never seen\n"),
	};
	walker k;
	seen s = { 0 };
	char *p;
	int i;

	(void)state;
	BUILD(&b, "tar", 1, e);
	p = save("cut.tar.gz", b.ptr, b.len / 2);
	walker_init(&k, &s);
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_true(find_artifact(&s, "LICENSE") >= 0);
	assert_true(find_artifact(&s, "config.json") >= 0);
	assert_int_equal(find_artifact(&s, "after.txt"), -1);
	i = find_problem(&s, "source.archive-truncated", NULL);
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_WARNING);
	assert_true(s.offs[i] > 0);
	assert_true(s.offs[i] <= (int64_t)(b.len / 2));
	assert_non_null(strstr(s.msgs[i], "stopped at byte"));
	seen_free(&s);

	/* Same with a reader that streams the member that breaks. */
	s.read_all = 1;
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_true(s.read_rc < 0);
	assert_true(find_problem(&s, "source.archive-truncated", NULL) >= 0);
	seen_free(&s);
	free(p);

	/* Cut inside the first header: nothing readable at all. */
	p = save("cut-early.tar.gz", b.ptr, 20);
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), PDG_EINVALID);
	assert_int_equal(s.n, 0);
	seen_free(&s);
	free(p);
	free(big);
	pdg_buf_free(&b);
}

static void test_not_archive(void **state)
{
	static const char text[] = "just some text, not an archive\n";
	static const char mtree[] = "#mtree\n./passwd type=file "
	                            "contents=/etc/passwd\n";
	walker k;
	seen s = { 0 };
	char *p = save("plain.txt", text, sizeof(text) - 1);
	pdg_source_type t;

	(void)state;
	walker_init(&k, &s);
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), PDG_EINVALID);
	assert_non_null(strstr(pdg_error_last(), "not a readable archive"));
	assert_int_equal(s.n, 0);
	assert_int_equal(pdg_source_detect(&t, p, NULL), 0);
	assert_int_equal(t, PDG_SOURCE_FILE);
	free(p);

	/* An mtree spec would make libarchive read local files: refused. */
	p = save("spec.mtree", mtree, sizeof(mtree) - 1);
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), PDG_EINVALID);
	assert_int_equal(s.n, 0);
	free(p);
	seen_free(&s);
}

static void test_unsafe_and_links(void **state)
{
	pdg_buf b = PDG_BUF_INIT;
	entry e[] = {
		FILE_ENTRY("../evil.txt", "up\n"),
		FILE_ENTRY("/abs.txt", "abs\n"),
		FILE_ENTRY("ok/fine.txt", "fine\n"),
		{ "passwd", NULL, 0, E_SYMLINK, "/etc/passwd" },
		{ "rel-link", NULL, 0, E_SYMLINK, "ok/fine.txt" },
		{ "up-link", NULL, 0, E_SYMLINK, "../../x" },
		{ "hard", NULL, 0, E_HARDLINK, "ok/fine.txt" },
	};
	walker k;
	seen s = { 0 };
	char *p;
	int i;

	(void)state;
	BUILD(&b, "tar", 0, e);
	p = save("unsafe.tar", b.ptr, b.len);
	walker_init(&k, &s);
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	/* Scanned as names: nothing is ever extracted. */
	i = find_artifact(&s, "../evil.txt");
	assert_true(i >= 0);
	assert_string_equal(s.data[i], "up\n");
	assert_true(find_artifact(&s, "/abs.txt") >= 0);
	assert_true(find_problem(&s, "source.archive-unsafe-path",
	                         "../evil.txt") >= 0);
	assert_true(find_problem(&s, "source.archive-unsafe-path",
	                         "/abs.txt") >= 0);
	assert_int_equal(find_problem(&s, "source.archive-unsafe-path",
	                              "ok/fine.txt"), -1);
	/* Links are reported, never followed. */
	assert_int_equal(find_artifact(&s, "passwd"), -1);
	i = find_problem(&s, "source.archive-link", "passwd");
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_WARNING);
	assert_non_null(strstr(s.msgs[i], "/etc/passwd"));
	i = find_problem(&s, "source.archive-link", "rel-link");
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_INFO);
	i = find_problem(&s, "source.archive-link", "up-link");
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_WARNING);
	assert_true(find_problem(&s, "source.archive-link", "hard") >= 0);
	assert_int_equal(find_artifact(&s, "hard"), -1);
	assert_int_equal(s.n, 3);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check_bomb(const char *fmt, int gz, int read_all, int nest)
{
	pdg_buf b = PDG_BUF_INIT;
	entry e[] = {
		FILE_ENTRY("LICENSE", "Licence.\n"),
		{ "zeros.bin", NULL, 64u << 20, E_ZEROS, NULL },
		FILE_ENTRY("after.txt", "never seen\n"),
	};
	walker k;
	seen s = { 0 };
	double t0;
	char *p, *zeros;
	int i;

	BUILD(&b, fmt, gz, e);
	assert_true(b.len < (1u << 20));  /* it is a bomb */
	if (nest) {
		/* Inside a plain tar, which itself expands nothing. */
		pdg_buf outer = PDG_BUF_INIT;
		entry o[] = { { "inner.zip", b.ptr, b.len, E_FILE, NULL } };

		BUILD(&outer, "tar", 0, o);
		pdg_buf_free(&b);
		b = outer;
	}
	p = save("bomb.bin", b.ptr, b.len);
	walker_init(&k, &s);
	k.lim.max_expand = 1u << 20;
	s.read_all = read_all;
	t0 = now();
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_true(now() - t0 < 5.0);
	assert_true(k.w.expand_exceeded);
	/* Stopped soon after the limit, not after 64 MiB. */
	assert_true(k.w.expanded < (4u << 20));
	/* The bomb is the last member seen: after.txt never is. */
	zeros = pdg_xasprintf("%szeros.bin", nest ? "inner.zip!/" : "");
	assert_true(s.n > 0);
	assert_string_equal(s.paths[s.n - 1], zeros);
	free(zeros);
	i = find_problem(&s, "source.expand-limit", NULL);
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_WARNING);
	if (read_all) {
		assert_int_equal(s.read_rc, PDG_ELIMIT);
		assert_true(s.streamed < (4u << 20));
	}
	/* Once over the limit, further archives of the walk are skipped. */
	seen_free(&s);
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_int_equal(s.n, 0);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
}

static void test_expand_limit(void **state)
{
	(void)state;
	check_bomb("tar", 1, 0, 0);
}

static void test_expand_limit_reader(void **state)
{
	(void)state;
	check_bomb("tar", 1, 1, 0);
}

static void test_expand_limit_zip(void **state)
{
	(void)state;
	check_bomb("zip", 0, 0, 0);
	check_bomb("zip", 0, 1, 0);
}

static void test_expand_limit_nested(void **state)
{
	(void)state;
	check_bomb("zip", 0, 0, 1);
	check_bomb("tar", 1, 1, 1);
}

/* 96 MiB of zeros from a few hundred KiB: max_expand_ratio stops it
 * soon after 64 MiB, long before max_expand; 0 turns the ratio off. */
static void test_expand_ratio(void **state)
{
	pdg_buf b = PDG_BUF_INIT;
	entry e[] = { { "zeros.bin", NULL, 96u << 20, E_ZEROS, NULL } };
	walker k;
	seen s = { 0 };
	char *p;
	int i;

	(void)state;
	BUILD(&b, "tar", 1, e);
	p = save("ratio.tar.gz", b.ptr, b.len);
	walker_init(&k, &s);
	k.lim.max_expand_ratio = 100;
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_true(k.w.expand_exceeded);
	assert_true(k.w.ratio_exceeded);
	assert_true(k.w.expanded > (64u << 20));
	assert_true(k.w.expanded < (72u << 20));
	i = find_problem(&s, "source.expand-ratio", NULL);
	assert_true(i >= 0);
	assert_non_null(strstr(s.msgs[i], "limit max_expand_ratio 100"));
	assert_int_equal(find_problem(&s, "source.expand-limit", NULL), -1);
	seen_free(&s);

	walker_init(&k, &s);
	k.lim.max_expand_ratio = 0;
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_false(k.w.expand_exceeded);
	assert_int_equal(find_problem(&s, "source.expand-ratio", NULL), -1);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
}

static void test_file_limit(void **state)
{
	pdg_buf b = PDG_BUF_INIT;
	walker k;
	seen s = { 0 };
	char *p;

	(void)state;
	BUILD(&b, "zip", 0, simple);
	p = save("limit.zip", b.ptr, b.len);
	walker_init(&k, &s);
	k.lim.max_files = 2;
	assert_int_equal(pdg_source_archive_walk_file(&k.w, p), 0);
	assert_int_equal(s.n, 2);
	assert_true(find_problem(&s, "source.file-limit", NULL) >= 0);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
}

/* An archive found in a directory is read in place, at random access. */
static void test_in_directory(void **state)
{
	pdg_buf b = PDG_BUF_INIT;
	walker k;
	seen s = { 0 };
	char *dir = pdg_xasprintf("%s/repo", tmp_dir);
	char *p;
	int i;

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	build_nested(&b);
	p = save("repo/bundle.tar.gz", b.ptr, b.len);
	walker_init(&k, &s);
	assert_int_equal(pdg_source_dir_walk(&k.w, dir), 0);
	assert_string_equal(s.paths[0], "bundle.tar.gz");
	assert_int_equal(s.depth[0], 0);
	assert_int_equal(s.flags[0], 0);
	i = find_artifact(&s, "bundle.tar.gz!/LICENSE");
	assert_true(i >= 0);
	assert_int_equal(s.depth[i], 1);
	assert_string_equal(s.data[i], "Outer licence.\n");
	assert_true(find_artifact(&s, "bundle.tar.gz!/pkg/model.zip!/"
	                          "data/inner.tar!/LICENSE") >= 0);
	assert_true(find_artifact(&s, "bundle.tar.gz!/extra.7z!/x.txt") >= 0);
	seen_free(&s);
	pdg_buf_free(&b);
	free(p);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tar),
		cmocka_unit_test(test_tar_gz),
		cmocka_unit_test(test_zip),
		cmocka_unit_test(test_7z),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_nested_streaming),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_archive),
		cmocka_unit_test(test_unsafe_and_links),
		cmocka_unit_test(test_expand_limit),
		cmocka_unit_test(test_expand_limit_reader),
		cmocka_unit_test(test_expand_limit_zip),
		cmocka_unit_test(test_expand_limit_nested),
		cmocka_unit_test(test_expand_ratio),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_in_directory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
