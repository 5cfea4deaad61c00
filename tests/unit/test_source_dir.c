/* test_source_dir.c - directory walks (source_dir.c, source.c). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "source.h"
#include "util.h"

#define MAX_ITEMS 64

/* What a walk produced. */
typedef struct seen {
	char *paths[MAX_ITEMS];
	char *data[MAX_ITEMS];  /* first bytes, NUL-terminated; NULL: error */
	uint64_t sizes[MAX_ITEMS];
	size_t n;
	char *rules[MAX_ITEMS];
	char *ppaths[MAX_ITEMS];
	char *msgs[MAX_ITEMS];
	pdg_severity sev[MAX_ITEMS];
	size_t np;
	const char *swap_path;  /* replaced by a FIFO before it is read */
	const char *root;
} seen;

static int on_artifact(pdg_walk *w, struct pdg_artifact *a, void *payload)
{
	seen *s = payload;
	const uint8_t *d;
	size_t len;

	(void)w;
	assert_true(s->n < MAX_ITEMS);
	assert_null(a->commit);
	assert_string_equal(a->source, "SRC");
	assert_string_equal(a->component, "comp");
	if (s->swap_path && !strcmp(a->path, s->swap_path)) {
		char *full = pdg_xasprintf("%s/%s", s->root, a->path);

		assert_int_equal(unlink(full), 0);
		assert_int_equal(mkfifo(full, 0600), 0);
		free(full);
	}
	s->paths[s->n] = pdg_xstrdup(a->path);
	s->sizes[s->n] = a->size;
	if (pdg_artifact_head(a, 4096, &d, &len) == 0)
		s->data[s->n] = pdg_xstrndup((const char *)d, len);
	s->n++;
	return 0;
}

static void on_problem(pdg_walk *w, const pdg_problem *p, void *payload)
{
	seen *s = payload;

	(void)w;
	assert_true(s->np < MAX_ITEMS);
	assert_non_null(p->rule);
	assert_non_null(p->message);
	s->rules[s->np] = pdg_xstrdup(p->rule);
	s->ppaths[s->np] = pdg_xstrdup(p->path ? p->path : "");
	s->msgs[s->np] = pdg_xstrdup(p->message);
	s->sev[s->np] = p->severity;
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

static int walk(seen *s, const char *root, const pdg_limits *lim)
{
	pdg_source_cb cb = { on_artifact, on_problem, s };
	pdg_walk w;

	memset(&w, 0, sizeof(w));
	w.limits = lim;
	w.cb = &cb;
	w.source = "SRC";
	w.component = "comp";
	s->root = root;
	return pdg_source_dir_walk(&w, root);
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char *p = pdg_xasprintf("%s/%s", root, rel);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void put_dir(const char *root, const char *rel)
{
	char *p = pdg_xasprintf("%s/%s", root, rel);

	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void put_link(const char *root, const char *rel, const char *target)
{
	char *p = pdg_xasprintf("%s/%s", root, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(p, 0700);
	return remove(p);
}

static char *make_tree(void)
{
	const char *tmp = getenv("TMPDIR");
	char *root = pdg_xasprintf("%s/pdg-dir-XXXXXX",
	                           tmp && *tmp ? tmp : "/tmp");

	assert_non_null(mkdtemp(root));
	put_file(root, "b.txt", "bee");
	put_file(root, "a.txt", "ay");
	put_dir(root, ".git");
	put_file(root, ".git/config", "[core]\n");
	put_dir(root, "sub");
	put_file(root, "sub/c.txt", "sea");
	put_file(root, "sub/.git", "gitdir: elsewhere\n");
	put_link(root, "sub/up", "..");            /* directory loop */
	put_link(root, "loop1", "loop2");          /* a -> b -> a */
	put_link(root, "loop2", "loop1");
	put_link(root, "passwd", "/etc/passwd");   /* escapes */
	put_link(root, "link_a", "a.txt");         /* inside: read */
	put_link(root, "sub/link_b", "../b.txt");
	put_link(root, "dangling", "no-such-file");
	{
		char *fifo = pdg_xasprintf("%s/LICENSE", root);

		assert_int_equal(mkfifo(fifo, 0600), 0);
		free(fifo);
	}
	return root;
}

static void drop_tree(char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

static void test_walk_tree(void **state)
{
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	const char *order[] = { "a.txt", "b.txt", "link_a", "sub/c.txt",
	                        "sub/link_b" };
	char *root = make_tree();
	seen s = { 0 };
	int i;

	(void)state;
	alarm(20);  /* opening the FIFO would block forever */
	assert_int_equal(walk(&s, root, &lim), 0);
	alarm(0);

	/* Sorted bytewise, .git skipped, links to files read as files. */
	assert_int_equal(s.n, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(s.paths[i], order[i]);
	assert_string_equal(s.data[0], "ay");
	assert_int_equal(s.sizes[0], 2);
	assert_string_equal(s.data[2], "ay");
	assert_int_equal(s.sizes[2], 2);
	assert_string_equal(s.data[4], "bee");

	i = find_problem(&s, "source.special-file-skipped", "LICENSE");
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_WARNING);
	i = find_problem(&s, "source.symlink-escape", "passwd");
	assert_true(i >= 0);
	assert_int_equal(s.sev[i], PDG_SEVERITY_WARNING);
	assert_non_null(strstr(s.msgs[i], "passwd"));
	assert_non_null(strstr(s.msgs[i], "not followed"));
	assert_int_equal(find_artifact(&s, "passwd"), -1);
	assert_true(find_problem(&s, "source.symlink-broken", "loop1") >= 0);
	assert_true(find_problem(&s, "source.symlink-broken", "loop2") >= 0);
	assert_true(find_problem(&s, "source.symlink-broken",
	                         "dangling") >= 0);
	assert_true(find_problem(&s, "source.symlink-dir-skipped",
	                         "sub/up") >= 0);
	for (size_t k = 0; k < s.n; k++)
		assert_null(strstr(s.paths[k], ".git"));
	seen_free(&s);
	drop_tree(root);
}

static void test_file_limit(void **state)
{
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	char *root = make_tree();
	seen s = { 0 };

	(void)state;
	lim.max_files = 2;
	assert_int_equal(walk(&s, root, &lim), 0);
	assert_int_equal(s.n, 2);
	assert_true(find_problem(&s, "source.file-limit", NULL) >= 0);
	/* It stops: nothing after the limit is looked at. */
	assert_int_equal(find_problem(&s, "source.symlink-escape", NULL), -1);
	seen_free(&s);
	drop_tree(root);
}

static void test_depth_limit(void **state)
{
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	char *root = make_tree();
	seen s = { 0 };

	(void)state;
	lim.max_dir_depth = 0;
	assert_int_equal(walk(&s, root, &lim), 0);
	assert_int_equal(find_artifact(&s, "sub/c.txt"), -1);
	assert_true(find_artifact(&s, "a.txt") >= 0);
	assert_true(find_problem(&s, "source.depth-limit", "sub") >= 0);
	seen_free(&s);
	drop_tree(root);
}

/* A file swapped for a FIFO after the listing fails, never blocks. */
static void test_swapped_fifo(void **state)
{
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	char *root = make_tree();
	seen s = { 0 };
	int i;

	(void)state;
	s.swap_path = "b.txt";
	alarm(20);
	assert_int_equal(walk(&s, root, &lim), 0);
	alarm(0);
	i = find_artifact(&s, "b.txt");
	assert_true(i >= 0);
	assert_null(s.data[i]);
	assert_true(find_problem(&s, "source.unreadable", "b.txt") >= 0);
	seen_free(&s);
	drop_tree(root);
}

static void test_unreadable(void **state)
{
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	char *root = make_tree();
	char *sub = pdg_xasprintf("%s/sub", root);
	seen s = { 0 };

	(void)state;
	if (geteuid() == 0) {
		free(sub);
		drop_tree(root);
		skip();
	}
	assert_int_equal(chmod(sub, 0), 0);
	assert_int_equal(walk(&s, root, &lim), 0);
	assert_true(find_problem(&s, "source.unreadable", "sub") >= 0);
	assert_true(find_artifact(&s, "b.txt") >= 0);
	free(sub);
	seen_free(&s);
	drop_tree(root);
}

static void test_detect(void **state)
{
	char *root = make_tree();
	char *p;
	pdg_source_type t;

	(void)state;
	assert_int_equal(pdg_source_detect(&t, root, NULL), 0);
	assert_int_equal(t, PDG_SOURCE_DIR);
	assert_string_equal(pdg_source_type_name(t), "directory");
	/* A directory with a fake .git is not a repository. */
	assert_int_equal(pdg_source_detect(&t, root, "HEAD"), PDG_EINVALID);
	assert_non_null(strstr(pdg_error_last(), "not a git repository"));

	p = pdg_xasprintf("%s/a.txt", root);
	assert_int_equal(pdg_source_detect(&t, p, NULL), 0);
	assert_int_equal(t, PDG_SOURCE_FILE);
	assert_string_equal(pdg_source_type_name(t), "file");
	free(p);

	alarm(20);
	p = pdg_xasprintf("%s/LICENSE", root);
	assert_int_equal(pdg_source_detect(&t, p, NULL), PDG_EINVALID);
	free(p);
	alarm(0);

	p = pdg_xasprintf("%s/nope", root);
	assert_int_equal(pdg_source_detect(&t, p, NULL), PDG_ENOTFOUND);
	assert_non_null(strstr(pdg_error_last(),
	                       "no such file or directory"));
	free(p);
	drop_tree(root);
}

static void test_file_walk(void **state)
{
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	pdg_source_cb cb;
	char *root = make_tree();
	char *p = pdg_xasprintf("%s/sub/c.txt", root);
	seen s = { 0 };
	pdg_walk w;

	(void)state;
	cb.artifact = on_artifact;
	cb.problem = on_problem;
	cb.payload = &s;
	memset(&w, 0, sizeof(w));
	w.limits = &lim;
	w.cb = &cb;
	w.source = "SRC";
	w.component = "comp";
	assert_int_equal(pdg_source_file_walk(&w, p), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.paths[0], "c.txt");
	assert_string_equal(s.data[0], "sea");
	assert_int_equal(w.files, 1);
	free(p);
	seen_free(&s);
	drop_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_tree),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_swapped_fifo),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_file_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
