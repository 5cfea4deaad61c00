/* test_example_plugin.c - the example plugin, run by a fake host.
 *
 * This is also a harness a plugin author can copy: it dlopens a plugin,
 * hands it a struct pdg_host_api whose artifacts are in-memory buffers,
 * records what the plugin emits and checks it.  Nothing here needs
 * libpedigree; only <pedigree/plugin.h>.
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

/* --- the fake host ----------------------------------------------------- */

/* The ABI leaves these two types opaque; a host defines them. */
struct pdg_artifact {
	const char *path;
	pdg_artifact_kind kind;
	uint32_t flags;
	const char *data;       /* the whole file */
	size_t len;
};

#define MAX_RECORDS 64

typedef struct record {
	char *rule, *message, *subject, *path, *properties;
	pdg_finding_kind kind;
	pdg_severity severity;
	double confidence;
	uint32_t line;
	int64_t offset;
	int has_artifact;
} record;

struct pdg_emitter {
	record items[MAX_RECORDS];
	size_t len;
	int fail;               /* make emit() fail, to test error paths */
};

static size_t host_read_limit = 16u << 20;
static unsigned host_log_lines;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *fake_path(const pdg_artifact *a)
{
	return a->path;
}

static pdg_artifact_kind fake_kind(const pdg_artifact *a)
{
	return a->kind;
}

static uint64_t fake_size(const pdg_artifact *a)
{
	return a->len;
}

static uint32_t fake_flags(const pdg_artifact *a)
{
	return a->flags;
}

static const char *fake_commit(const pdg_artifact *a)
{
	(void)a;
	return NULL;
}

static const char *fake_component(const pdg_artifact *a)
{
	(void)a;
	return "model";
}

static int fake_head(const pdg_artifact *a, size_t max, const uint8_t **data,
                     size_t *len)
{
	size_t n = a->len < max ? a->len : max;

	*data = (const uint8_t *)a->data;
	*len = n < host_read_limit ? n : host_read_limit;
	return 0;
}

static int64_t fake_read_at(const pdg_artifact *a, void *buf, size_t len,
                            uint64_t off)
{
	if (off >= a->len)
		return 0;
	if (len > a->len - off)
		len = a->len - off;
	memcpy(buf, a->data + off, len);
	return (int64_t)len;
}

/* What the real host's emit() checks, in short. */
static int fake_emit(pdg_emitter *e, const pdg_artifact *a,
                     const pdg_finding_desc *f)
{
	record *r;

	assert_true(f->struct_size >= sizeof(pdg_finding_desc));
	assert_non_null(f->rule);
	assert_non_null(f->message);
	if (e->fail)
		return -1;
	assert_true(e->len < MAX_RECORDS);
	r = &e->items[e->len++];
	r->rule = strdup(f->rule);
	r->message = strdup(f->message);
	r->subject = dup_or_null(f->subject);
	r->path = dup_or_null(f->path ? f->path : a ? a->path : NULL);
	r->properties = dup_or_null(f->properties);
	r->kind = f->kind;
	r->severity = f->severity;
	r->confidence = f->confidence;
	r->line = f->line_start;
	r->offset = f->byte_offset;
	r->has_artifact = a != NULL;
	return 0;
}

static const char *fake_last_error(void)
{
	return "fake host error";
}

static void fake_log(const char *plugin, const char *message)
{
	(void)plugin;
	(void)message;
	host_log_lines++;
}

static const pdg_host_api host = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_host_api),
	.artifact_path = fake_path,
	.artifact_kind = fake_kind,
	.artifact_size = fake_size,
	.artifact_flags = fake_flags,
	.artifact_commit = fake_commit,
	.artifact_component = fake_component,
	.artifact_head = fake_head,
	.artifact_read_at = fake_read_at,
	.emit = fake_emit,
	.last_error = fake_last_error,
	.log = fake_log,
};

static void emitter_clear(pdg_emitter *e)
{
	for (size_t i = 0; i < e->len; i++) {
		free(e->items[i].rule);
		free(e->items[i].message);
		free(e->items[i].subject);
		free(e->items[i].path);
		free(e->items[i].properties);
	}
	memset(e, 0, sizeof(*e));
}

/* --- loading the plugin ---------------------------------------------- */

static void *handle;
static const pdg_plugin *plugin;

static int load_plugin(void **state)
{
	const char *root = getenv("PEDIGREE_BUILD_ROOT");
	char path[4096];
	pdg_plugin_entry_fn entry;
	void *sym;

	(void)state;
	if (!root)
		return -1;
	snprintf(path, sizeof(path), "%s/plugins/example/example.so", root);
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
	sym = dlsym(handle, PDG_PLUGIN_ENTRY);
	if (!sym)
		return -1;
	memcpy(&entry, &sym, sizeof(entry));
	plugin = entry(PDG_PLUGIN_ABI_VERSION);
	return plugin ? 0 : -1;
}

static int unload_plugin(void **state)
{
	(void)state;
	if (handle)
		dlclose(handle);
	return 0;
}

/* init, scan every artifact, finish, free: what the host does. */
static void run_audit(pdg_emitter *e, const pdg_artifact *arts, size_t n)
{
	void *st = NULL;

	assert_int_equal(plugin->init(&host, &st), 0);
	for (size_t i = 0; i < n; i++)
		if (plugin->kinds & PDG_KIND_BIT(arts[i].kind))
			assert_int_equal(plugin->scan(st, &arts[i], e), 0);
	if (plugin->finish)
		assert_int_equal(plugin->finish(st, e), 0);
	plugin->free(st);
}

static pdg_artifact text_artifact(const char *path, pdg_artifact_kind kind,
                                  const char *text)
{
	pdg_artifact a = { path, kind, 0, text, strlen(text) };

	return a;
}

/* --- tests ------------------------------------------------------------- */

static void test_descriptor(void **state)
{
	(void)state;
	assert_int_equal(plugin->abi_version, PDG_PLUGIN_ABI_VERSION);
	assert_int_equal(plugin->struct_size, sizeof(pdg_plugin));
	assert_string_equal(plugin->name, "example");
	assert_non_null(plugin->version);
	assert_non_null(plugin->description);
	assert_int_equal(plugin->kinds, PDG_KIND_BIT(PDG_KIND_MODEL_CARD) |
	                                PDG_KIND_BIT(PDG_KIND_LICENSE));
	assert_non_null(plugin->init);
	assert_non_null(plugin->scan);
	assert_non_null(plugin->finish);
	assert_non_null(plugin->free);
	plugin->free(NULL);
}

static const char card[] =
	"---\n"                                         /* 1 */
	"license: {{ license }}\n"                      /* 2 */
	"---\n"                                         /* 3 */
	"# Model card\n"                                /* 4 */
	"Developed by: [More Information Needed]\n"     /* 5 */
	"A todo list is not a TODOS marker.\n"          /* 6 */
	"```jinja\n"                                    /* 7 */
	"{{ bos_token }} TODO inside code\n"            /* 8 */
	"```\n"                                         /* 9 */
	"Contact: <your name> (TBD)\r\n"                /* 10 */
	"Funded by [optional]\n"                        /* 11 */
	"MTBD and TBDs are not markers\n"               /* 12 */
	"Paper: TODO: add link";                        /* 13, no newline */

static void test_model_card(void **state)
{
	static const uint32_t lines[] = { 2, 5, 10, 11, 13 };
	static const char *const subjects[] = {
		"{{ license }}", "[More Information Needed]", "<your name>",
		"[optional]", "TODO",
	};
	pdg_emitter e = { .len = 0 };
	pdg_artifact a = text_artifact("README.md", PDG_KIND_MODEL_CARD,
	                               card);

	(void)state;
	run_audit(&e, &a, 1);
	assert_int_equal(e.len, 6);     /* five lines and the summary */
	for (size_t i = 0; i < 5; i++) {
		const record *r = &e.items[i];
		assert_string_equal(r->rule, "example.placeholder");
		assert_int_equal(r->kind, PDG_FINDING_METADATA);
		assert_int_equal(r->severity, PDG_SEVERITY_WARNING);
		assert_true(r->confidence == 1.0);
		assert_int_equal(r->line, lines[i]);
		assert_string_equal(r->subject, subjects[i]);
		assert_string_equal(r->path, "README.md");
		assert_true(r->has_artifact);
		/* The offset points at the placeholder in the file. */
		assert_true(r->offset >= 0);
		assert_memory_equal(card + r->offset, subjects[i],
		                    strlen(subjects[i]));
	}
	assert_string_equal(e.items[1].message,
	    "unfilled template placeholder \"[More Information Needed]\"");

	const record *sum = &e.items[5];
	assert_string_equal(sum->rule, "example.summary");
	assert_int_equal(sum->severity, PDG_SEVERITY_INFO);
	assert_false(sum->has_artifact);
	assert_null(sum->path);
	assert_int_equal(sum->line, 0);
	assert_string_equal(sum->message,
	                    "5 unfilled template placeholders in 1 file");
	assert_string_equal(sum->properties,
	                    "{\"placeholders\":5,\"files\":1}");
	emitter_clear(&e);
}

static void test_clean_files(void **state)
{
	pdg_emitter e = { .len = 0 };
	pdg_artifact a[3] = {
		text_artifact("LICENSE", PDG_KIND_LICENSE,
		              "Copyright 2024 Example Labs\n\n"
		              "Permission is granted to use this model.\n"),
		text_artifact("README.md", PDG_KIND_MODEL_CARD,
		              "# A model\nNothing left to fill in.\n"),
		text_artifact("empty.md", PDG_KIND_MODEL_CARD, ""),
	};

	(void)state;
	run_audit(&e, a, 3);
	/* No placeholder: no findings, and no summary either. */
	assert_int_equal(e.len, 0);
}

static void test_several_files(void **state)
{
	pdg_emitter e = { .len = 0 };
	pdg_artifact a[3] = {
		text_artifact("LICENSE", PDG_KIND_LICENSE,
		              "Copyright [yyyy] [Your Name]\n"),
		text_artifact("config.json", PDG_KIND_CONFIG,
		              "{\"a\": \"TODO\"}"),
		/* Licences have no code fences: the braces count. */
		text_artifact("NOTICE", PDG_KIND_LICENSE,
		              "```\n{{ holder }}\n"),
	};

	(void)state;
	run_audit(&e, a, 3);
	/* config.json is not a kind the plugin asked for. */
	assert_int_equal(e.len, 3);
	assert_string_equal(e.items[0].path, "LICENSE");
	assert_string_equal(e.items[0].subject, "[Your Name]");
	assert_int_equal(e.items[0].line, 1);
	assert_string_equal(e.items[1].path, "NOTICE");
	assert_int_equal(e.items[1].line, 2);
	assert_string_equal(e.items[2].message,
	                    "2 unfilled template placeholders in 2 files");
	emitter_clear(&e);
}

static void test_lfs_pointer(void **state)
{
	pdg_emitter e = { .len = 0 };
	pdg_artifact a = text_artifact("README.md", PDG_KIND_MODEL_CARD,
	                               "TODO\n");

	(void)state;
	a.flags = PDG_ARTIFACT_LFS_POINTER;
	run_audit(&e, &a, 1);
	assert_int_equal(e.len, 0);
}

static void test_read_limit(void **state)
{
	pdg_emitter e = { .len = 0 };
	pdg_artifact a = text_artifact("README.md", PDG_KIND_MODEL_CARD,
	                               "TODO\nok\nTBD\n");

	(void)state;
	/* The host only lends the first 6 bytes: line 3 is never seen. */
	host_read_limit = 6;
	host_log_lines = 0;
	run_audit(&e, &a, 1);
	host_read_limit = 16u << 20;
	assert_int_equal(e.len, 2);
	assert_int_equal(e.items[0].line, 1);
	assert_string_equal(e.items[1].rule, "example.summary");
	assert_int_equal(host_log_lines, 1);
	emitter_clear(&e);
}

static void test_emit_failure(void **state)
{
	pdg_emitter e = { .len = 0, .fail = 1 };
	pdg_artifact a = text_artifact("README.md", PDG_KIND_MODEL_CARD,
	                               "TODO\n");
	void *st = NULL;

	(void)state;
	assert_int_equal(plugin->init(&host, &st), 0);
	assert_true(plugin->scan(st, &a, &e) < 0);
	plugin->free(st);
}

static void test_binary_input(void **state)
{
	/* Not text at all: must not crash or read outside the buffer. */
	static const char junk[] = "\0{{\0}\377<your \n[your\n{{";
	pdg_emitter e = { .len = 0 };
	pdg_artifact a = { "README.md", PDG_KIND_MODEL_CARD, 0, junk,
	                   sizeof(junk) - 1 };

	(void)state;
	run_audit(&e, &a, 1);
	assert_int_equal(e.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test(test_model_card),
		cmocka_unit_test(test_clean_files),
		cmocka_unit_test(test_several_files),
		cmocka_unit_test(test_lfs_pointer),
		cmocka_unit_test(test_read_limit),
		cmocka_unit_test(test_emit_failure),
		cmocka_unit_test(test_binary_input),
	};

	return cmocka_run_group_tests(tests, load_plugin, unload_plugin);
}
