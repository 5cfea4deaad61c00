/* source_git.c - read a revision straight from the object database.
 *
 * No checkout: the tree of the commit is walked and each blob becomes an
 * artifact.  Its size comes from the object header, looked up only when
 * asked for; the blob is inflated only when a plugin reads it and freed
 * right after its callback, so a walk of a large repository costs little
 * more than listing its tree.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "error.h"
#include "source.h"
#include "util.h"

typedef struct git_walk {
	pdg_walk *w;
	git_repository *repo;
	git_odb *odb;
	char commit[GIT_OID_HEXSZ + 1];
	pdg_buf path;           /* reused for every entry */
	int rc;                 /* why the walk stopped, 0 if it did not */
} git_walk;

/* A blob loaded on first read; its size looked up on first ask. */
typedef struct lazy_blob {
	git_repository *repo;
	git_odb *odb;
	const git_oid *oid;
	const char *path;
	git_blob *blob;
	struct pdg_artifact *a;
	int failed;             /* the object could not be read */
} lazy_blob;

static const char *git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static int64_t blob_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	lazy_blob *b = ctx;
	const uint8_t *data;
	git_object_size_t size;
	size_t n;

	/* libgit2 inflates a blob whole: refuse the ones that would hold
	 * more than max_read in memory (weights belong in LFS anyway). */
	if (!b->blob) {
		uint64_t want = pdg_artifact_size(b->a);
		if (want > b->a->max_read)
			return pdg_error_set(PDG_ELIMIT, "%s: blob of %llu "
			                     "bytes exceeds --max-read; not read",
			                     b->path, (unsigned long long)want);
	}
	if (!b->blob && git_blob_lookup(&b->blob, b->repo, b->oid) < 0) {
		b->failed = 1;
		return pdg_error_set(PDG_EIO, "%s: cannot read blob: %s",
		                     b->path, git_msg());
	}
	size = git_blob_rawsize(b->blob);
	if (b->a->size_fn) {
		/* Loaded anyway: no header lookup needed any more. */
		b->a->size_fn = NULL;
		b->a->size = size;
	}
	if (off >= size)
		return 0;
	data = git_blob_rawcontent(b->blob);
	n = size - off < len ? (size_t)(size - off) : len;
	memcpy(buf, data + off, n);
	return (int64_t)n;
}

/* Object headers of deltified blobs cost more than the whole tree walk
 * (~1 us each): sizes are looked up only for artifacts someone asks
 * about. */
static int blob_size(void *ctx, uint64_t *out)
{
	lazy_blob *b = ctx;
	git_object_t type;
	size_t size = 0;

	if (git_odb_read_header(&size, &type, b->odb, b->oid) < 0) {
		b->failed = 1;
		return pdg_error_set(PDG_EIO, "%s: blob missing from the "
		                     "object database: %s", b->path,
		                     git_msg());
	}
	*out = size;
	return 0;
}

static int emit_blob(git_walk *g, const git_tree_entry *e)
{
	pdg_walk *w = g->w;
	struct pdg_artifact a;
	lazy_blob b = { g->repo, g->odb, git_tree_entry_id(e), g->path.ptr,
	                NULL, &a, 0 };
	int rc;

	if (w->files >= w->limits->max_files) {
		pdg_walk_problem(w, g->path.ptr, g->commit,
			"source.file-limit", PDG_SEVERITY_WARNING, -1,
			"stopped after %llu files (limit max_files); "
			"the rest of the tree was not read",
			(unsigned long long)w->files);
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.source = w->source;
	a.path = g->path.ptr;
	a.commit = g->commit;
	a.component = w->component;
	a.size_fn = blob_size;
	a.read = blob_read;
	a.read_ctx = &b;
	a.max_read = w->limits->max_read;
	w->files++;
	rc = w->cb->artifact(w, &a, w->cb->payload);
	pdg_artifact_release(&a);
	git_blob_free(b.blob);
	if (b.failed)
		pdg_walk_problem(w, g->path.ptr, g->commit,
			"source.unreadable", PDG_SEVERITY_WARNING, -1,
			"%s: object %s missing or corrupt in the object "
			"database", g->path.ptr, git_oid_tostr_s(b.oid));
	return rc < 0 ? rc : 0;
}

static unsigned path_depth(const char *root)
{
	unsigned n = 0;

	for (; *root; root++)
		n += *root == '/';
	return n;
}

/* git_tree_walk callback: 0 continue, 1 skip this subtree, <0 stop. */
static int walk_entry(const char *root, const git_tree_entry *e,
                      void *payload)
{
	git_walk *g = payload;
	pdg_walk *w = g->w;
	char oid[GIT_OID_HEXSZ + 1];
	int rc;

	g->path.len = 0;
	pdg_buf_puts(&g->path, root);
	pdg_buf_puts(&g->path, git_tree_entry_name(e));

	switch (git_tree_entry_filemode(e)) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		rc = emit_blob(g, e);
		if (rc == 1) {
			g->rc = 1;
			return -1;
		}
		if (rc < 0) {
			g->rc = rc;
			return -1;
		}
		return 0;
	case GIT_FILEMODE_TREE:
		if (path_depth(root) + 1 <= w->limits->max_dir_depth)
			return 0;
		pdg_walk_problem(w, g->path.ptr, g->commit,
			"source.depth-limit", PDG_SEVERITY_WARNING, -1,
			"%s: deeper than %u directories (limit max_dir_depth);"
			" not read", g->path.ptr,
			(unsigned)w->limits->max_dir_depth);
		return 1;
	case GIT_FILEMODE_LINK:
		pdg_walk_problem(w, g->path.ptr, g->commit,
			"source.symlink-skipped", PDG_SEVERITY_INFO, -1,
			"%s: symbolic link in the repository; not followed",
			g->path.ptr);
		return 0;
	case GIT_FILEMODE_COMMIT:
		git_oid_tostr(oid, sizeof(oid), git_tree_entry_id(e));
		pdg_walk_problem(w, g->path.ptr, g->commit, "source.submodule",
			PDG_SEVERITY_INFO, -1,
			"%s: submodule pinned at commit %s; not read",
			g->path.ptr, oid);
		return 0;
	default:
		return 0;
	}
}

static int resolve_commit(git_commit **out, git_repository *repo,
                          const char *path, const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;

	if (!rev && git_repository_head_unborn(repo) == 1)
		return pdg_error_set(PDG_EINVALID,
			"%s: repository has no commits (HEAD is unborn)",
			path);
	if (git_revparse_single(&obj, repo, rev ? rev : "HEAD") < 0)
		return pdg_error_set(PDG_ENOTFOUND,
			"%s: unknown revision '%s'", path, rev ? rev : "HEAD");
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		return pdg_error_set(PDG_EINVALID,
			"%s: revision '%s' is not a commit", path,
			rev ? rev : "HEAD");
	}
	git_object_free(obj);
	*out = (git_commit *)peeled;
	return 0;
}

static int walk_commit(git_walk *g, git_commit *commit, const char *path)
{
	git_tree *tree = NULL;
	int rc;

	if (git_commit_tree(&tree, commit) < 0)
		return pdg_error_set(PDG_EINVALID, "%s: cannot read tree: %s",
		                     path, git_msg());
	rc = git_tree_walk(tree, GIT_TREEWALK_PRE, walk_entry, g);
	git_tree_free(tree);
	if (g->rc < 0)
		return g->rc;
	if (rc < 0 && g->rc == 0)
		return pdg_error_set(PDG_EIO, "%s: cannot read tree: %s",
		                     path, git_msg());
	return 0;
}

static int walk_repo(git_walk *g, const char *path, const char *rev,
                     char **commit_out)
{
	git_commit *commit = NULL;
	int rc;

	if (git_repository_open_ext(&g->repo, path,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return pdg_error_set(PDG_EINVALID,
			"%s: not a git repository: %s", path, git_msg());
	if (git_repository_odb(&g->odb, g->repo) < 0)
		return pdg_error_set(PDG_EIO, "%s: cannot open objects: %s",
		                     path, git_msg());
	rc = resolve_commit(&commit, g->repo, path, rev);
	if (rc < 0)
		return rc;
	git_oid_tostr(g->commit, sizeof(g->commit), git_commit_id(commit));
	if (commit_out)
		*commit_out = pdg_xstrdup(g->commit);
	rc = walk_commit(g, commit, path);
	git_commit_free(commit);
	if (rc < 0 && commit_out) {
		free(*commit_out);
		*commit_out = NULL;
	}
	return rc;
}

int pdg_source_git_walk(pdg_walk *w, const char *repo, const char *rev,
                        char **commit_out)
{
	git_walk g;
	int rc;

	if (commit_out)
		*commit_out = NULL;
	memset(&g, 0, sizeof(g));
	g.w = w;
	pdg_buf_puts(&g.path, "");
	git_libgit2_init();
	rc = walk_repo(&g, repo, rev, commit_out);
	git_odb_free(g.odb);
	git_repository_free(g.repo);
	git_libgit2_shutdown();
	pdg_buf_free(&g.path);
	return rc;
}
