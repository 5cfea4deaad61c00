/* test_model_card_plugin.c - the model-card plugin, run by a fake host.
 *
 * The e2e test (tests/e2e/model-card.sh) covers the mapping through the
 * real CLI; this one drives the plugin directly for what a real source
 * makes hard to reach: CRLF and a byte order mark, a head cut short by
 * the host's read limit, LFS pointers, a failing emit(), binary junk.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pedigree/plugin.h"

struct pdg_artifact {
	const char *path;
	uint32_t flags;
	const char *data;
	size_t len;
};

#define MAX_RECORDS 32

typedef struct record {
	char *rule, *subject, *properties;
	pdg_finding_kind kind;
	pdg_severity severity;
	uint32_t line;
} record;

struct pdg_emitter {
	record items[MAX_RECORDS];
	size_t len;
	int fail;
};

static size_t read_limit = 16u << 20;

static const char *h_path(const pdg_artifact *a) { return a->path; }
static pdg_artifact_kind h_kind(const pdg_artifact *a)
{
	(void)a;
	return PDG_KIND_MODEL_CARD;
}
static uint64_t h_size(const pdg_artifact *a) { return a->len; }
static uint32_t h_flags(const pdg_artifact *a) { return a->flags; }
static const char *h_null(const pdg_artifact *a)
{
	(void)a;
	return NULL;
}

static int h_head(const pdg_artifact *a, size_t max, const uint8_t **data,
                  size_t *len)
{
	size_t n = a->len < max ? a->len : max;

	*data = (const uint8_t *)a->data;
	*len = n < read_limit ? n : read_limit;
	return 0;
}

static int64_t h_read_at(const pdg_artifact *a, void *buf, size_t len,
                         uint64_t off)
{
	(void)a; (void)buf; (void)len; (void)off;
	fail_msg("the plugin should only need the head");
	return -1;
}

static int h_emit(pdg_emitter *e, const pdg_artifact *a,
                  const pdg_finding_desc *f)
{
	record *r;

	assert_non_null(a);
	assert_true(f->struct_size >= sizeof(pdg_finding_desc));
	assert_non_null(f->rule);
	assert_non_null(f->message);
	if (e->fail)
		return -1;
	assert_true(e->len < MAX_RECORDS);
	r = &e->items[e->len++];
	r->rule = strdup(f->rule);
	r->subject = f->subject ? strdup(f->subject) : NULL;
	r->properties = f->properties ? strdup(f->properties) : NULL;
	r->kind = f->kind;
	r->severity = f->severity;
	r->line = f->line_start;
	return 0;
}

static const char *h_last_error(void) { return "fake"; }
static void h_log(const char *p, const char *m) { (void)p; (void)m; }

static const pdg_host_api host = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_host_api),
	.artifact_path = h_path,
	.artifact_kind = h_kind,
	.artifact_size = h_size,
	.artifact_flags = h_flags,
	.artifact_commit = h_null,
	.artifact_component = h_null,
	.artifact_head = h_head,
	.artifact_read_at = h_read_at,
	.emit = h_emit,
	.last_error = h_last_error,
	.log = h_log,
};

static void emitter_clear(pdg_emitter *e)
{
	for (size_t i = 0; i < e->len; i++) {
		free(e->items[i].rule);
		free(e->items[i].subject);
		free(e->items[i].properties);
	}
	memset(e, 0, sizeof(*e));
}

static void *handle;
static const pdg_plugin *plugin;
static void *pstate;

static int setup(void **state)
{
	const char *root = getenv("PEDIGREE_BUILD_ROOT");
	char path[4096];
	void *sym;

	(void)state;
	if (!root)
		return -1;
	snprintf(path, sizeof(path), "%s/plugins/model-card/model-card.so",
	         root);
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
	sym = dlsym(handle, PDG_PLUGIN_ENTRY);
	if (!sym)
		return -1;
	plugin = ((pdg_plugin_entry_fn)(uintptr_t)sym)(
		PDG_PLUGIN_ABI_VERSION);
	if (!plugin || plugin->init(&host, &pstate) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (plugin)
		plugin->free(pstate);
	if (handle)
		dlclose(handle);
	return 0;
}

/* Scan `text` as `path`; the findings land in e. */
static int scan(pdg_emitter *e, const char *path, const char *text,
                size_t len, uint32_t flags)
{
	pdg_artifact a = { path, flags, text, len };

	return plugin->scan(pstate, &a, e);
}

static const record *find(const pdg_emitter *e, const char *rule)
{
	for (size_t i = 0; i < e->len; i++)
		if (strcmp(e->items[i].rule, rule) == 0)
			return &e->items[i];
	return NULL;
}

static void descriptor(void **state)
{
	(void)state;
	assert_string_equal(plugin->name, "model-card");
	assert_int_equal(plugin->kinds, PDG_KIND_BIT(PDG_KIND_MODEL_CARD));
}

static void crlf_and_bom(void **state)
{
	static const char text[] = "\xEF\xBB\xBF---\r\n"
		"pipeline_tag: text-generation\r\n"
		"license: apache-2.0\r\n"
		"base_model: org/base\r\n"
		"base_model_relation: adapter\r\n"
		"---\r\n# Card\r\n";
	pdg_emitter e = { 0 };
	const record *r;
	(void)state;

	assert_int_equal(scan(&e, "README.md", text, sizeof(text) - 1, 0), 0);
	r = find(&e, "card.license");
	assert_non_null(r);
	assert_string_equal(r->subject, "Apache-2.0");
	assert_int_equal(r->line, 3);
	assert_int_equal(r->kind, PDG_FINDING_LICENSE);
	r = find(&e, "card.base-model");
	assert_non_null(r);
	assert_string_equal(r->subject, "org/base");
	assert_int_equal(r->line, 4);
	assert_non_null(strstr(r->properties, "\"relation\":\"adapter\""));
	emitter_clear(&e);
}

/* The closing marker lies past the host's read limit. */
static void truncated_head(void **state)
{
	static const char text[] = "---\nlicense: mit\n---\n";
	pdg_emitter e = { 0 };
	const record *r;
	(void)state;

	read_limit = 12;
	assert_int_equal(scan(&e, "README.md", text, sizeof(text) - 1, 0), 0);
	read_limit = 16u << 20;
	r = find(&e, "card.front-matter-invalid");
	assert_non_null(r);
	assert_int_equal(r->kind, PDG_FINDING_INPUT);
	assert_null(find(&e, "card.license"));
	emitter_clear(&e);
}

static void lfs_pointer_skipped(void **state)
{
	static const char text[] = "version https://git-lfs.github.com/spec/v1\n";
	pdg_emitter e = { 0 };
	(void)state;

	assert_int_equal(scan(&e, "README.md", text, sizeof(text) - 1,
	                      PDG_ARTIFACT_LFS_POINTER), 0);
	assert_int_equal(e.len, 0);
}

static void emit_failure_propagates(void **state)
{
	static const char text[] = "---\nlicense: mit\n---\n";
	pdg_emitter e = { 0 };
	(void)state;

	e.fail = 1;
	assert_true(scan(&e, "README.md", text, sizeof(text) - 1, 0) < 0);
	assert_int_equal(e.len, 0);
}

static void dataset_card(void **state)
{
	static const char text[] = "---\nlicense: other\n"
		"base_model: not/reported\n---\n";
	pdg_emitter e = { 0 };
	const record *r;
	(void)state;

	assert_int_equal(scan(&e, "d.tar!/d/README.md", text,
	                      sizeof(text) - 1, 0), 0);
	assert_int_equal(e.len, 1);
	r = find(&e, "card.dataset-license");
	assert_non_null(r);
	assert_int_equal(r->severity, PDG_SEVERITY_WARNING);
	assert_string_equal(r->subject, "LicenseRef-unknown");
	assert_non_null(strstr(r->properties, "\"card_of\":\"dataset\""));
	emitter_clear(&e);
	/* Not at the root either, and no front matter: nothing to say. */
	assert_int_equal(scan(&e, "docs/README.md", "# x\n", 4, 0), 0);
	assert_int_equal(e.len, 0);
}

/* Junk never crashes; each front matter yields at most a few findings. */
static void junk(void **state)
{
	static const char *const texts[] = {
		"", "---", "---\n", "---\n---\n", "---\n\xff\xfe\x00\x01\n---\n",
		"---\n{\n---\n", "---\nlicense: [\n---\n",
		"---\nlicense: !!binary aGk=\n---\n",
		"---\n? [a]\n: b\nlicense: mit\n---\n",
		"---\nlicense: {a: b}\nbase_model: [[x], y]\n---\n",
		"---\nlicense: ~\n---\n", "---\nlicense: \"a\\0b\"\n---\n",
		"---\n%YAML 1.1\n---\nlicense: mit\n---\n",
	};
	char buf[4096];
	unsigned seed = 12345;
	pdg_emitter e = { 0 };
	(void)state;

	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		assert_int_equal(scan(&e, "README.md", texts[i],
		                      strlen(texts[i]) +
		                      (i == 4 ? 9 : 0), 0), 0);
		assert_true(e.len >= 1 && e.len <= 4);
		emitter_clear(&e);
	}
	/* Random bytes after an opening marker. */
	for (int round = 0; round < 300; round++) {
		size_t n = 4 + (size_t)(round * 13 % 4000);

		memcpy(buf, "---\n", 4);
		for (size_t i = 4; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = "ab: -[]{}&*!|>'\"#\n,?%"[(seed >> 16) % 21];
		}
		assert_int_equal(scan(&e, "README.md", buf, n, 0), 0);
		emitter_clear(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(descriptor),
		cmocka_unit_test(crlf_and_bom),
		cmocka_unit_test(truncated_head),
		cmocka_unit_test(lfs_pointer_skipped),
		cmocka_unit_test(emit_failure_propagates),
		cmocka_unit_test(dataset_card),
		cmocka_unit_test(junk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
