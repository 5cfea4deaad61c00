/* test_source_git.c - reading revisions from the object db (source_git.c). */
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
#include <git2.h>

#include "source.h"
#include "util.h"

#define MAX_ITEMS 64

typedef struct seen {
	char *paths[MAX_ITEMS];
	char *data[MAX_ITEMS];
	char *commits[MAX_ITEMS];
	uint64_t sizes[MAX_ITEMS];
	size_t n;
	char *rules[MAX_ITEMS];
	char *ppaths[MAX_ITEMS];
	char *msgs[MAX_ITEMS];
	size_t np;
	int read_all;           /* 0: only read LICENSE */
} seen;

static int on_artifact(pdg_walk *w, struct pdg_artifact *a, void *payload)
{
	seen *s = payload;
	const uint8_t *d;
	size_t len;

	(void)w;
	assert_true(s->n < MAX_ITEMS);
	assert_non_null(a->commit);
	assert_int_equal(a->flags, 0);
	s->paths[s->n] = pdg_xstrdup(a->path);
	s->commits[s->n] = pdg_xstrdup(a->commit);
	/* The size may be looked up only when asked for, but it is known
	 * once the blob was loaded. */
	if ((s->read_all || !strcmp(a->path, "LICENSE"))
	    && pdg_artifact_head(a, 4096, &d, &len) == 0) {
		s->data[s->n] = pdg_xstrndup((const char *)d, len);
		assert_null(a->size_fn);
		assert_int_equal(a->size, len);
	}
	s->sizes[s->n] = pdg_artifact_size(a);
	assert_null(a->size_fn);
	s->n++;
	return 0;
}

static void on_problem(pdg_walk *w, const pdg_problem *p, void *payload)
{
	seen *s = payload;

	(void)w;
	assert_true(s->np < MAX_ITEMS);
	s->rules[s->np] = pdg_xstrdup(p->rule);
	s->ppaths[s->np] = pdg_xstrdup(p->path ? p->path : "");
	s->msgs[s->np] = pdg_xstrdup(p->message);
	s->np++;
}

static void seen_free(seen *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->paths[i]);
		free(s->data[i]);
		free(s->commits[i]);
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
		if (!strcmp(s->rules[i], rule) && !strcmp(s->ppaths[i], path))
			return (int)i;
	return -1;
}

static int walk(seen *s, const char *repo, const char *rev,
                const pdg_limits *lim, char **commit)
{
	pdg_source_cb cb = { on_artifact, on_problem, s };
	pdg_walk w;

	memset(&w, 0, sizeof(w));
	w.limits = lim;
	w.cb = &cb;
	w.source = repo;
	w.component = "comp";
	return pdg_source_git_walk(&w, repo, rev, commit);
}

/* --- fixtures built with libgit2 ------------------------------------- */

static const char LICENSE_V1[] = "Licence, first version.\n";
static const char LICENSE_V2[] = "Licence, second version: longer text.\n";

static void blob(git_oid *out, git_repository *r, const char *text)
{
	assert_int_equal(git_blob_create_from_buffer(out, r, text,
	                                             strlen(text)), 0);
}

static void add(git_treebuilder *tb, const char *name, const git_oid *id,
                git_filemode_t mode)
{
	assert_int_equal(git_treebuilder_insert(NULL, tb, name, id, mode), 0);
}

/* A tree: LICENSE, README.md, sub/config.json and, in v2, a symlink and
 * a submodule entry. */
static void make_tree(git_oid *out, git_repository *r, int v2)
{
	git_treebuilder *tb, *sub;
	git_oid id, sub_id;

	assert_int_equal(git_treebuilder_new(&sub, r, NULL), 0);
	blob(&id, r, "{\"model_type\": \"llama\"}\n");
	add(sub, "config.json", &id, GIT_FILEMODE_BLOB);
	assert_int_equal(git_treebuilder_write(&sub_id, sub), 0);
	git_treebuilder_free(sub);

	assert_int_equal(git_treebuilder_new(&tb, r, NULL), 0);
	blob(&id, r, v2 ? LICENSE_V2 : LICENSE_V1);
	add(tb, "LICENSE", &id, GIT_FILEMODE_BLOB);
	blob(&id, r, "# Model\n");
	add(tb, "README.md", &id, GIT_FILEMODE_BLOB_EXECUTABLE);
	add(tb, "sub", &sub_id, GIT_FILEMODE_TREE);
	if (v2) {
		blob(&id, r, "/etc/passwd");
		add(tb, "passwd", &id, GIT_FILEMODE_LINK);
		assert_int_equal(git_oid_fromstr(&id,
			"0123456789abcdef0123456789abcdef01234567"), 0);
		add(tb, "vendor", &id, GIT_FILEMODE_COMMIT);
	}
	assert_int_equal(git_treebuilder_write(out, tb), 0);
	git_treebuilder_free(tb);
}

static void commit(git_oid *out, git_repository *r, int v2,
                   const git_oid *parent_id)
{
	git_signature *sig;
	git_commit *parent = NULL;
	git_tree *tree;
	git_oid tree_id;
	const git_commit *parents[1];

	make_tree(&tree_id, r, v2);
	assert_int_equal(git_tree_lookup(&tree, r, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "T", "t@example.invalid",
	                                   1700000000, 0), 0);
	if (parent_id)
		assert_int_equal(git_commit_lookup(&parent, r, parent_id), 0);
	parents[0] = parent;
	assert_int_equal(git_commit_create(out, r, "HEAD", sig, sig, NULL,
	                                   v2 ? "second" : "first", tree,
	                                   parent ? 1 : 0, parents), 0);
	git_commit_free(parent);
	git_tree_free(tree);
	git_signature_free(sig);
}

typedef struct fixture {
	char *dir;
	char *work;             /* working-tree repository */
	char *bare;             /* bare repository */
	char *empty;            /* repository without commits */
	char *plain;            /* not a repository */
	char c1[GIT_OID_HEXSZ + 1], c2[GIT_OID_HEXSZ + 1];
} fixture;

static void make_repo(fixture *f, const char *path, int bare)
{
	git_repository *r;
	git_oid o1, o2;

	assert_int_equal(git_repository_init(&r, path, bare), 0);
	commit(&o1, r, 0, NULL);
	commit(&o2, r, 1, &o1);
	git_oid_tostr(f->c1, sizeof(f->c1), &o1);
	git_oid_tostr(f->c2, sizeof(f->c2), &o2);
	git_repository_free(r);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	fixture *f = pdg_xcalloc(1, sizeof(*f));
	git_repository *r;

	git_libgit2_init();
	f->dir = pdg_xasprintf("%s/pdg-git-XXXXXX",
	                       tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	f->work = pdg_xasprintf("%s/work", f->dir);
	f->bare = pdg_xasprintf("%s/bare.git", f->dir);
	f->empty = pdg_xasprintf("%s/empty", f->dir);
	f->plain = pdg_xasprintf("%s/plain", f->dir);
	make_repo(f, f->work, 0);
	make_repo(f, f->bare, 1);
	assert_int_equal(git_repository_init(&r, f->empty, 0), 0);
	git_repository_free(r);
	assert_int_equal(mkdir(f->plain, 0755), 0);
	*state = f;
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	fixture *f = *state;

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f->dir);
	free(f->work);
	free(f->bare);
	free(f->empty);
	free(f->plain);
	free(f);
	git_libgit2_shutdown();
	return 0;
}

/* --- tests ------------------------------------------------------------ */

static void check_head(const fixture *f, const char *repo)
{
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	seen s = { 0 };
	char *c = NULL;
	int i;

	assert_int_equal(walk(&s, repo, NULL, &lim, &c), 0);
	assert_non_null(c);
	assert_string_equal(c, f->c2);
	/* Tree order; links and submodules are not artifacts. */
	assert_int_equal(s.n, 3);
	assert_string_equal(s.paths[0], "LICENSE");
	assert_string_equal(s.paths[1], "README.md");
	assert_string_equal(s.paths[2], "sub/config.json");
	for (size_t k = 0; k < s.n; k++)
		assert_string_equal(s.commits[k], f->c2);
	assert_string_equal(s.data[0], LICENSE_V2);
	assert_int_equal(s.sizes[0], strlen(LICENSE_V2));
	assert_int_equal(s.sizes[1], strlen("# Model\n"));
	/* Not read unless asked. */
	assert_null(s.data[1]);
	assert_true(find_problem(&s, "source.symlink-skipped", "passwd") >= 0);
	i = find_problem(&s, "source.submodule", "vendor");
	assert_true(i >= 0);
	assert_non_null(strstr(s.msgs[i],
	                       "0123456789abcdef0123456789abcdef01234567"));
	free(c);
	seen_free(&s);
}

static void test_head(void **state)
{
	fixture *f = *state;

	check_head(f, f->work);
}

static void test_bare(void **state)
{
	fixture *f = *state;
	pdg_source_type t;

	assert_int_equal(pdg_source_detect(&t, f->bare, NULL), 0);
	assert_int_equal(t, PDG_SOURCE_GIT);
	assert_string_equal(pdg_source_type_name(t), "git");
	check_head(f, f->bare);
}

static void test_old_rev(void **state)
{
	fixture *f = *state;
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	seen s = { 0 };
	char *c = NULL;
	int i;

	s.read_all = 1;
	assert_int_equal(walk(&s, f->work, "HEAD~1", &lim, &c), 0);
	assert_string_equal(c, f->c1);
	i = find_artifact(&s, "LICENSE");
	assert_true(i >= 0);
	assert_string_equal(s.data[i], LICENSE_V1);
	assert_int_equal(s.sizes[i], strlen(LICENSE_V1));
	assert_string_equal(s.commits[i], f->c1);
	i = find_artifact(&s, "sub/config.json");
	assert_true(i >= 0);
	assert_string_equal(s.data[i], "{\"model_type\": \"llama\"}\n");
	assert_int_equal(find_problem(&s, "source.submodule", "vendor"), -1);
	free(c);
	seen_free(&s);

	/* A full commit id works too. */
	assert_int_equal(walk(&s, f->bare, f->c1, &lim, NULL), 0);
	assert_int_equal(s.n, 3);
	seen_free(&s);
}

static void test_errors(void **state)
{
	fixture *f = *state;
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	pdg_source_type t;
	seen s = { 0 };
	char *c = (char *)"untouched";

	assert_int_equal(walk(&s, f->work, "no-such-branch", &lim, &c),
	                 PDG_ENOTFOUND);
	assert_null(c);
	assert_non_null(strstr(pdg_error_last(), "unknown revision"));
	assert_non_null(strstr(pdg_error_last(), "no-such-branch"));
	assert_int_equal(s.n, 0);

	assert_int_equal(walk(&s, f->empty, NULL, &lim, NULL), PDG_EINVALID);
	assert_non_null(strstr(pdg_error_last(), "no commits"));

	assert_int_equal(walk(&s, f->plain, NULL, &lim, NULL), PDG_EINVALID);

	assert_int_equal(pdg_source_detect(&t, f->plain, "HEAD"),
	                 PDG_EINVALID);
	assert_non_null(strstr(pdg_error_last(),
	                       "--rev given but not a git repository"));
	seen_free(&s);
}

static void test_detect_worktree(void **state)
{
	fixture *f = *state;
	pdg_source_type t;
	char *sub;

	/* A working tree is a directory unless a revision is asked for. */
	assert_int_equal(pdg_source_detect(&t, f->work, NULL), 0);
	assert_int_equal(t, PDG_SOURCE_DIR);
	assert_int_equal(pdg_source_detect(&t, f->work, "HEAD~1"), 0);
	assert_int_equal(t, PDG_SOURCE_GIT);
	/* A directory inside a repository is not that repository. */
	sub = pdg_xasprintf("%s/.git/objects", f->work);
	assert_int_equal(pdg_source_detect(&t, sub, "HEAD"), PDG_EINVALID);
	free(sub);
}

static void test_file_limit(void **state)
{
	fixture *f = *state;
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	seen s = { 0 };

	lim.max_files = 1;
	assert_int_equal(walk(&s, f->work, NULL, &lim, NULL), 0);
	assert_int_equal(s.n, 1);
	assert_true(find_problem(&s, "source.file-limit", "README.md") >= 0);
	seen_free(&s);

	lim = (pdg_limits)PDG_LIMITS_DEFAULT;
	lim.max_dir_depth = 0;
	assert_int_equal(walk(&s, f->work, NULL, &lim, NULL), 0);
	assert_int_equal(find_artifact(&s, "sub/config.json"), -1);
	assert_true(find_problem(&s, "source.depth-limit", "sub") >= 0);
	seen_free(&s);
}

static int stop_cb(pdg_walk *w, struct pdg_artifact *a, void *payload)
{
	(void)w;
	(void)a;
	++*(int *)payload;
	return PDG_ELIMIT;
}

static void test_callback_stops(void **state)
{
	fixture *f = *state;
	pdg_limits lim = PDG_LIMITS_DEFAULT;
	int calls = 0;
	pdg_source_cb cb = { stop_cb, NULL, &calls };
	pdg_walk w;
	char *c = NULL;

	memset(&w, 0, sizeof(w));
	w.limits = &lim;
	w.cb = &cb;
	w.source = f->work;
	assert_int_equal(pdg_source_git_walk(&w, f->work, NULL, &c),
	                 PDG_ELIMIT);
	assert_int_equal(calls, 1);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_old_rev),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_detect_worktree),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_callback_stops),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
