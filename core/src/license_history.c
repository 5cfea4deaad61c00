/* license_history.c - how a git repository's licence changed over time.
 *
 * The licence of a release is what its licence files hold at the
 * revision audited, but a repository that changed its licence (the LLaMA
 * code repository held GPL-3.0 before the Llama 2 licence) tells users of
 * older revisions something they need to know.  The first-parent history
 * is walked with a libgit2 revwalk, newest first and bounded; only the
 * top-level tree of each commit is read, and only the blobs of its
 * licence files are identified, each distinct blob once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>
#include <jansson.h>

#include "error.h"
#include "kb/kb.h"
#include "license/license.h"
#include "license_history.h"
#include "util.h"

/* A licence file is small; a larger blob is read this far. */
#define HIST_MAX_BLOB ((size_t)1 << 20)
/* Distinct licence blobs identified per repository. */
#define HIST_MAX_BLOBS 4096
/* Licence files looked at in one commit's top-level tree. */
#define HIST_MAX_FILES 16

typedef struct hist_blob {
	git_oid oid;
	char *license;          /* what the text holds */
	double confidence;
} hist_blob;

typedef struct hist_file {
	char *path;
	const hist_blob *blob;
} hist_file;

/* The licence files of one commit. */
typedef struct hist_commit {
	git_oid oid;
	int64_t time;
	hist_file files[HIST_MAX_FILES];
	size_t n;
	char *key;              /* sorted distinct licences, " AND " */
} hist_commit;

typedef struct hist {
	git_repository *repo;
	pdg_kb *kb;
	hist_blob *blobs;
	size_t nblobs;
	hist_commit *commits;   /* newest first */
	size_t ncommits;
	int truncated;          /* history longer than the bound */
} hist;

static const char *git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static const hist_blob *identify_blob(hist *h, const git_oid *oid)
{
	pdg_license_opts o = PDG_LICENSE_OPTS_INIT;
	pdg_license_result *r = NULL;
	git_blob *blob = NULL;
	hist_blob *b;

	for (size_t i = 0; i < h->nblobs; i++)
		if (git_oid_equal(&h->blobs[i].oid, oid))
			return &h->blobs[i];
	if (h->nblobs >= HIST_MAX_BLOBS)
		return NULL;
	b = &h->blobs[h->nblobs];
	memset(b, 0, sizeof(*b));
	git_oid_cpy(&b->oid, oid);
	o.kb = h->kb;
	o.no_clauses = 1;
	if (git_blob_lookup(&blob, h->repo, oid) == 0) {
		size_t len = (size_t)git_blob_rawsize(blob);

		if (len > HIST_MAX_BLOB)
			len = HIST_MAX_BLOB;
		if (pdg_license_identify(&r, git_blob_rawcontent(blob), len,
		                         &o) < 0)
			r = NULL;
	}
	b->license = pdg_xstrdup(r ? r->license : PDG_LICENSE_UNKNOWN);
	b->confidence = r ? r->confidence : 0;
	pdg_license_result_free(r);
	git_blob_free(blob);
	h->nblobs++;
	return b;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "A AND B" of the distinct licences of a commit, sorted; "" for none. */
static char *state_key(const hist_commit *c)
{
	const char *ids[HIST_MAX_FILES];
	pdg_buf b = PDG_BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		ids[n++] = c->files[i].blob->license;
	if (n > 1)
		qsort(ids, n, sizeof(*ids), str_cmp);
	pdg_buf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(ids[i], ids[i - 1]) == 0)
			continue;
		if (b.len)
			pdg_buf_puts(&b, " AND ");
		pdg_buf_puts(&b, ids[i]);
	}
	return b.ptr;
}

/* The licence files at the top of one commit's tree. */
static int read_commit(hist *h, const git_oid *oid, hist_commit *c)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;

	memset(c, 0, sizeof(*c));
	git_oid_cpy(&c->oid, oid);
	if (git_commit_lookup(&commit, h->repo, oid) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		git_commit_free(commit);
		return pdg_error_set(PDG_EIO, "cannot read commit %s: %s",
		                     git_oid_tostr_s(oid), git_msg());
	}
	c->time = (int64_t)git_commit_time(commit);
	for (size_t i = 0; i < git_tree_entrycount(tree) &&
	                   c->n < HIST_MAX_FILES; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		const hist_blob *b;

		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
		    !pdg_license_path_is_claim(name))
			continue;
		if (!(b = identify_blob(h, git_tree_entry_id(e)))) {
			h->truncated = 1;
			continue;
		}
		c->files[c->n].path = pdg_xstrdup(name);
		c->files[c->n].blob = b;
		c->n++;
	}
	c->key = state_key(c);
	git_tree_free(tree);
	git_commit_free(commit);
	return 0;
}

static int resolve(git_oid *out, git_repository *repo, const char *path,
                   const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;

	if (git_revparse_single(&obj, repo, rev ? rev : "HEAD") < 0)
		return pdg_error_set(PDG_ENOTFOUND, "%s: unknown revision "
		                     "'%s'", path, rev ? rev : "HEAD");
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		return pdg_error_set(PDG_EINVALID, "%s: revision '%s' is not "
		                     "a commit", path, rev ? rev : "HEAD");
	}
	git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	return 0;
}

static int add_commit(hist *h, const git_oid *oid, size_t *cap)
{
	if (h->ncommits == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		h->commits = pdg_xrealloc(h->commits,
		                          *cap * sizeof(*h->commits));
	}
	if (read_commit(h, oid, &h->commits[h->ncommits]) < 0)
		return -1;
	h->ncommits++;
	return 0;
}

/* The first parent of the oldest commit read, if it has one. */
static int first_parent(hist *h, git_oid *out)
{
	git_commit *c = NULL;
	int rc = -1;

	if (git_commit_lookup(&c, h->repo,
	                      &h->commits[h->ncommits - 1].oid) == 0 &&
	    git_commit_parentcount(c) > 0) {
		git_oid_cpy(out, git_commit_parent_id(c, 0));
		rc = 0;
	}
	git_commit_free(c);
	return rc;
}

static int walk(hist *h, const char *path, const char *rev, uint32_t max)
{
	git_revwalk *w = NULL;
	git_oid start, oid;
	size_t cap = 0;
	int rc = 0;

	if ((rc = resolve(&start, h->repo, path, rev)) < 0)
		return rc;
	if (git_revwalk_new(&w, h->repo) < 0 ||
	    git_revwalk_push(w, &start) < 0)
		goto fail;
	/* The mainline's view: what each release on it was under.  No
	 * sorting: a first-parent walk is newest first already, and an
	 * unsorted walk is lazy, so a shallow clone yields the commits it
	 * has before the first missing parent stops it. */
	git_revwalk_sorting(w, GIT_SORT_NONE);
	git_revwalk_simplify_first_parent(w);
	while (h->ncommits < max && (rc = git_revwalk_next(&oid, w)) == 0)
		if (add_commit(h, &oid, &cap) < 0)
			break;
	/* A shallow clone lacks the parents of its oldest commit; libgit2
	 * (before 1.7) stops the walk one commit early there.  Follow first
	 * parents by hand for as long as they are present. */
	if (rc < 0 && rc != GIT_ITEROVER)
		while (h->ncommits && h->ncommits < max &&
		       first_parent(h, &oid) == 0 &&
		       add_commit(h, &oid, &cap) == 0)
			;
	/* The bound was reached, or the history stops early. */
	if (h->ncommits == max ? git_revwalk_next(&oid, w) == 0 :
	    rc != GIT_ITEROVER)
		h->truncated = 1;
	git_revwalk_free(w);
	return 0;
fail:
	git_revwalk_free(w);
	return pdg_error_set(PDG_EIO, "%s: cannot walk the history: %s",
	                     path, git_msg());
}

/* One stretch of history with the same licences, oldest commit first. */
typedef struct era {
	const hist_commit *first;   /* the commit that brought it */
	const hist_commit *last;    /* its newest commit */
} era;

/* Stretches from oldest to newest.  A history that starts without a
 * licence file has simply not added one yet: that is no change. */
static size_t eras_of(const hist *h, era *out)
{
	size_t n = 0;

	for (size_t i = h->ncommits; i-- > 0;) {
		const hist_commit *c = &h->commits[i];

		if (n && strcmp(out[n - 1].first->key, c->key) == 0) {
			out[n - 1].last = c;
			continue;
		}
		if (!n && !*c->key)
			continue;
		out[n].first = out[n].last = c;
		n++;
	}
	return n;
}

static void iso_date(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(buf, n, "%Y-%m-%d", &tm);
	else
		snprintf(buf, n, "?");
}

static json_t *era_json(const era *e, double *conf)
{
	const hist_commit *c = e->first;
	json_t *o = json_object(), *files = json_array(), *ids = json_array();
	char date[32];
	const char *key = c->key;

	iso_date(date, sizeof(date), c->time);
	json_object_set_new(o, "commit",
	                    json_string(git_oid_tostr_s(&c->oid)));
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "last_commit",
	                    json_string(git_oid_tostr_s(&e->last->oid)));
	/* The key is already the sorted, distinct list. */
	while (*key) {
		const char *sep = strstr(key, " AND ");
		size_t len = sep ? (size_t)(sep - key) : strlen(key);

		json_array_append_new(ids, json_stringn(key, len));
		key += len + (sep ? 5 : 0);
	}
	json_object_set_new(o, "licenses", ids);
	for (size_t i = 0; i < c->n; i++) {
		json_t *f = json_object();

		json_object_set_new(f, "path", json_string(c->files[i].path));
		json_object_set_new(f, "license",
		                    json_string(c->files[i].blob->license));
		json_object_set_new(f, "blob", json_string(git_oid_tostr_s(
		                    &c->files[i].blob->oid)));
		json_array_append_new(files, f);
		if (c->files[i].blob->confidence < *conf)
			*conf = c->files[i].blob->confidence;
	}
	json_object_set_new(o, "files", files);
	return o;
}

static void report(const hist *h, pdg_findings *fs, const era *eras,
                   size_t n, uint32_t max, const char *component,
                   const char *source)
{
	json_t *props = json_object(), *arr = json_array();
	const era *now = &eras[n - 1];
	pdg_buf msg = PDG_BUF_INIT;
	double conf = 1.0;
	char hex[GIT_OID_HEXSZ + 1];
	pdg_finding f;

	pdg_buf_printf(&msg, "the licence files changed over the history "
	               "(%zu commit%s read):", h->ncommits,
	               h->ncommits == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		git_oid_tostr(hex, 8, &eras[i].first->oid);
		json_array_append_new(arr, era_json(&eras[i], &conf));
		if (msg.len < 600)
			pdg_buf_printf(&msg, "%s %s from %s", i ? "," : "",
			               *eras[i].first->key ?
			               eras[i].first->key : "no licence file",
			               hex);
	}
	json_object_set_new(props, "history", arr);
	json_object_set_new(props, "commits_read",
	                    json_integer((json_int_t)h->ncommits));
	json_object_set_new(props, "max_commits", json_integer(max));
	json_object_set_new(props, "truncated", json_boolean(h->truncated));
	char *text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(props);

	/* Cite the newest change: the commit and a file it holds. */
	git_oid_tostr(hex, sizeof(hex), &now->first->oid);
	memset(&f, 0, sizeof(f));
	f.kind = PDG_FINDING_LICENSE;
	f.severity = PDG_SEVERITY_WARNING;
	f.confidence = conf;
	f.rule = "license.history-changed";
	f.message = msg.ptr;
	f.subject = *now->first->key ? now->first->key : NULL;
	f.component = component;
	f.plugin = "core";
	f.source = source;
	f.path = now->first->n ? now->first->files[0].path :
	         eras[n - 2].last->files[0].path;
	f.commit = hex;
	f.byte_offset = -1;
	f.properties = text;
	(void)pdg_findings_add(fs, &f);
	free(text);
	pdg_buf_free(&msg);
}

static void hist_free(hist *h)
{
	for (size_t i = 0; i < h->ncommits; i++) {
		for (size_t j = 0; j < h->commits[i].n; j++)
			free(h->commits[i].files[j].path);
		free(h->commits[i].key);
	}
	free(h->commits);
	for (size_t i = 0; i < h->nblobs; i++)
		free(h->blobs[i].license);
	free(h->blobs);
	pdg_kb_free(h->kb);
	git_repository_free(h->repo);
}

int pdg_license_history(pdg_findings *fs, const char *repo, const char *rev,
                        uint32_t max_commits, const char *component,
                        const char *source)
{
	hist h;
	int rc;

	if (!max_commits)
		return 0;
	memset(&h, 0, sizeof(h));
	git_libgit2_init();
	if (git_repository_open_ext(&h.repo, repo,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		rc = pdg_error_set(PDG_EINVALID, "%s: not a git repository: "
		                   "%s", repo, git_msg());
		goto out;
	}
	if (pdg_kb_load_default(&h.kb) < 0)
		h.kb = NULL;
	h.blobs = pdg_xcalloc(HIST_MAX_BLOBS, sizeof(*h.blobs));
	rc = walk(&h, repo, rev, max_commits);
	if (rc == 0) {
		era *eras = pdg_xcalloc(h.ncommits + 1, sizeof(*eras));
		size_t n = eras_of(&h, eras);

		if (n > 1)
			report(&h, fs, eras, n, max_commits, component,
			       source);
		free(eras);
	}
out:
	hist_free(&h);
	git_libgit2_shutdown();
	return rc;
}
