/* test_audit.c - the engine through the library API: git revisions read
 * without a checkout, LFS pointers, finding order, verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <git2.h>
#include <jansson.h>

#include "audit.h"

static char tmpdir[256];

static const char lfs_ptr[] =
	"version https://git-lfs.github.com/spec/v1\n"
	"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24"
	"d17e2393\n"
	"size 15000000000\n";

/* Commit `files` (name, content pairs, NULL-terminated) on top of HEAD. */
static void commit_files(git_repository *repo, const char *const *files,
                         const char *msg)
{
	git_index *idx;
	git_oid tree_id, commit_id, blob_id;
	git_tree *tree;
	git_signature *sig;
	git_commit *parent = NULL;
	git_reference *head = NULL;

	assert_int_equal(git_repository_index(&idx, repo), 0);
	for (size_t i = 0; files[i]; i += 2) {
		git_index_entry e;
		assert_int_equal(git_blob_create_from_buffer(&blob_id, repo,
		                 files[i + 1], strlen(files[i + 1])), 0);
		memset(&e, 0, sizeof(e));
		e.mode = GIT_FILEMODE_BLOB;
		e.id = blob_id;
		e.path = files[i];
		assert_int_equal(git_index_add(idx, &e), 0);
	}
	assert_int_equal(git_index_write_tree(&tree_id, idx), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "t", "t@example.org",
	                                   1700000000, 0), 0);
	if (git_repository_head(&head, repo) == 0)
		assert_int_equal(git_commit_lookup(&parent, repo,
		                 git_reference_target(head)), 0);
	const git_commit *parents[1] = { parent };
	assert_int_equal(git_commit_create(&commit_id, repo, "HEAD", sig, sig,
	                 NULL, msg, tree, parent ? 1 : 0, parents), 0);
	git_commit_free(parent);
	git_reference_free(head);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static int setup(void **state)
{
	git_repository *repo;
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	(void)state;

	snprintf(tmpdir, sizeof(tmpdir), "%s/pdg-audit-XXXXXX", base);
	assert_non_null(mkdtemp(tmpdir));
	git_libgit2_init();
	char path[512];
	snprintf(path, sizeof(path), "%s/repo", tmpdir);
	assert_int_equal(git_repository_init(&repo, path, 0), 0);
	const char *const first[] = {
		"LICENSE", "SPDX-License-Identifier: MIT\n",
		"config.json", "{\"model_type\": \"qwen2\"}\n",
		NULL,
	};
	commit_files(repo, first, "first");
	const char *const second[] = {
		"LICENSE", "SPDX-License-Identifier: Apache-2.0\n",
		"model.safetensors", lfs_ptr,
		NULL,
	};
	commit_files(repo, second, "second");
	git_repository_free(repo);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;
	git_libgit2_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static pdg_audit *audit_rev(const char *rev)
{
	pdg_audit_options o = PDG_AUDIT_OPTIONS_INIT;
	pdg_audit *a;
	char path[512];

	/* No plugins: these tests are about the engine. */
	setenv("PEDIGREE_PLUGIN_PATH", "", 1);
	o.rev = rev;
	o.plugin_path = "/nonexistent";
	assert_int_equal(pdg_audit_new(&a, &o), 0);
	snprintf(path, sizeof(path), "%s/repo", tmpdir);
	assert_int_equal(pdg_audit_add_path(a, path), 0);
	assert_int_equal(pdg_audit_finish(a), 0);
	return a;
}

static const pdg_audit_artifact *find_artifact(const pdg_audit *a,
                                               const char *path)
{
	for (size_t i = 0; i < a->nartifacts; i++)
		if (strcmp(a->artifacts[i].path, path) == 0)
			return &a->artifacts[i];
	return NULL;
}

static void revisions_without_checkout(void **state)
{
	(void)state;
	pdg_audit *head = audit_rev("HEAD");
	pdg_audit *first = audit_rev("HEAD~1");

	assert_int_equal(head->sources[0].type, PDG_SOURCE_GIT);
	assert_non_null(head->sources[0].commit);
	assert_non_null(first->sources[0].commit);
	assert_string_not_equal(head->sources[0].commit,
	                        first->sources[0].commit);
	const pdg_audit_artifact *l1 = find_artifact(first, "LICENSE");
	const pdg_audit_artifact *l2 = find_artifact(head, "LICENSE");
	assert_non_null(l1);
	assert_non_null(l2);
	assert_int_equal(l1->size, strlen("SPDX-License-Identifier: MIT\n"));
	assert_int_equal(l2->size,
	                 strlen("SPDX-License-Identifier: Apache-2.0\n"));
	assert_string_equal(l2->commit, head->sources[0].commit);
	/* the weights arrived in the second commit only */
	assert_null(find_artifact(first, "model.safetensors"));
	pdg_audit_free(head);
	pdg_audit_free(first);
}

static void lfs_pointer_reported(void **state)
{
	(void)state;
	pdg_audit *a = audit_rev(NULL);  /* a working tree without --rev */
	/* ...is read as a directory: the files are not checked out, so the
	 * directory holds only .git, and nothing is found. */
	assert_int_equal(a->sources[0].type, PDG_SOURCE_DIR);
	assert_int_equal(a->nartifacts, 0);
	pdg_audit_free(a);

	a = audit_rev("HEAD");
	const pdg_audit_artifact *w = find_artifact(a, "model.safetensors");
	assert_non_null(w);
	assert_true(w->flags & PDG_ARTIFACT_LFS_POINTER);
	assert_true(w->lfs_size == 15000000000ull);
	int seen = 0;
	for (size_t i = 0; i < pdg_audit_finding_count(a); i++) {
		const pdg_finding *f = pdg_audit_finding(a, i);
		if (strcmp(f->rule, "source.lfs-pointer") == 0) {
			seen = 1;
			assert_string_equal(f->path, "model.safetensors");
			assert_non_null(f->commit);
			assert_non_null(strstr(f->properties, "15000000000"));
		}
	}
	assert_true(seen);
	assert_false(pdg_audit_failed(a));  /* info does not fail */
	pdg_audit_free(a);
}

static void unknown_revision(void **state)
{
	pdg_audit_options o = PDG_AUDIT_OPTIONS_INIT;
	pdg_audit *a;
	char path[512];
	(void)state;

	o.rev = "no-such-branch";
	o.plugin_path = "/nonexistent";
	assert_int_equal(pdg_audit_new(&a, &o), 0);
	snprintf(path, sizeof(path), "%s/repo", tmpdir);
	assert_int_equal(pdg_audit_add_path(a, path), PDG_ENOTFOUND);
	assert_non_null(strstr(pdg_error_last(), "no-such-branch"));
	pdg_audit_free(a);
}

static void verdict_follows_fail_on(void **state)
{
	pdg_audit_options o = PDG_AUDIT_OPTIONS_INIT;
	pdg_audit *a;
	char path[512];
	(void)state;

	o.rev = "HEAD";
	o.fail_on = PDG_SEVERITY_INFO;   /* the LFS pointer is info */
	o.plugin_path = "/nonexistent";
	assert_int_equal(pdg_audit_new(&a, &o), 0);
	snprintf(path, sizeof(path), "%s/repo", tmpdir);
	assert_int_equal(pdg_audit_add_path(a, path), 0);
	assert_int_equal(pdg_audit_finish(a), 0);
	assert_true(pdg_audit_failed(a));
	pdg_audit_free(a);
}

static void findings_sorted(void **state)
{
	pdg_findings fs = { 0 };
	pdg_finding f;
	(void)state;

	memset(&f, 0, sizeof(f));
	f.rule = "r";
	f.message = "m";
	f.confidence = 1;
	f.byte_offset = -1;
	f.component = "b";
	f.severity = PDG_SEVERITY_INFO;
	assert_int_equal(pdg_findings_add(&fs, &f), 0);
	f.component = "a";
	assert_int_equal(pdg_findings_add(&fs, &f), 0);
	f.severity = PDG_SEVERITY_ERROR;
	assert_int_equal(pdg_findings_add(&fs, &f), 0);
	f.properties = "[1]";    /* not an object: refused */
	assert_int_equal(pdg_findings_add(&fs, &f), PDG_EINVALID);
	f.properties = NULL;
	f.confidence = 2;
	assert_int_equal(pdg_findings_add(&fs, &f), PDG_EINVALID);
	pdg_findings_sort(&fs);
	assert_int_equal(fs.len, 3);
	assert_string_equal(fs.items[0].component, "a");
	assert_int_equal(fs.items[0].severity, PDG_SEVERITY_ERROR);
	assert_string_equal(fs.items[1].component, "a");
	assert_string_equal(fs.items[2].component, "b");
	pdg_findings_clear(&fs);
}

/* The licence the CLI reports for LICENSE at `rev`, via the JSON report;
 * the commit it read goes to commit_out. */
static char *cli_license_at(const char *rev, char commit_out[41])
{
	const char *exe = getenv("PEDIGREE");
	char cmd[2048], report[512], repo[512];
	json_error_t jerr;
	char *found = NULL;

	assert_non_null(exe);
	snprintf(repo, sizeof(repo), "%s/repo", tmpdir);
	snprintf(report, sizeof(report), "%s/report-%s.json", tmpdir, rev);
	for (char *p = report + strlen(tmpdir); *p; p++)
		if (*p == '~')
			*p = '_';
	snprintf(cmd, sizeof(cmd), "'%s' audit --rev '%s' --format json "
	         "-o '%s' '%s'", exe, rev, report, repo);
	assert_int_equal(system(cmd), 0);
	json_t *r = json_load_file(report, 0, &jerr);
	assert_non_null(r);
	const char *c = json_string_value(json_object_get(
		json_array_get(json_object_get(r, "sources"), 0), "commit"));
	assert_non_null(c);
	snprintf(commit_out, 41, "%s", c);
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(r, "findings"), i, f) {
		json_t *ev = json_object_get(f, "evidence");
		const char *path = json_string_value(json_object_get(ev,
		                                                     "path"));
		const char *rule = json_string_value(json_object_get(f,
		                                                     "rule"));
		if (path && strcmp(path, "LICENSE") == 0 &&
		    strcmp(rule, "license.detected") == 0) {
			assert_string_equal(json_string_value(json_object_get(
				ev, "commit")), c);
			found = strdup(json_string_value(json_object_get(
				f, "subject")));
		}
	}
	json_decref(r);
	return found;
}

static void cli_rev_shows_old_license(void **state)
{
	char c1[41], c2[41];
	(void)state;

	setenv("PEDIGREE_PLUGIN_PATH", "", 1);
	char *old = cli_license_at("HEAD~1", c1);
	char *now = cli_license_at("HEAD", c2);
	assert_string_not_equal(c1, c2);
	assert_non_null(old);
	assert_non_null(now);
	assert_string_equal(old, "MIT");
	assert_string_equal(now, "Apache-2.0");
	free(old);
	free(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(revisions_without_checkout),
		cmocka_unit_test(lfs_pointer_reported),
		cmocka_unit_test(unknown_revision),
		cmocka_unit_test(verdict_follows_fail_on),
		cmocka_unit_test(findings_sorted),
		cmocka_unit_test(cli_rev_shows_old_license),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
