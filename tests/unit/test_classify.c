/* test_classify.c - artifact kinds by name and by magic bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "classify.h"

struct mem {
	const uint8_t *data;
	size_t len;
	int reads;
};

static int64_t mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct mem *m = ctx;

	m->reads++;
	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = m->len - (size_t)off;
	memcpy(buf, m->data + off, len);
	return (int64_t)len;
}

/* Classify `path` holding `data`; returns the kind, *flags the flags. */
static pdg_artifact_kind classify(const char *path, const void *data,
                                  size_t len, uint32_t *flags, int *reads)
{
	struct mem m = { data, len, 0 };
	struct pdg_artifact a;

	memset(&a, 0, sizeof(a));
	a.path = path;
	a.source = "t";
	a.size = len;
	a.read = mem_read;
	a.read_ctx = &m;
	a.max_read = 1 << 20;
	assert_int_equal(pdg_classify(&a), 0);
	if (flags)
		*flags = a.flags;
	if (reads)
		*reads = m.reads;
	pdg_artifact_release(&a);
	return a.kind;
}

static void names(void **state)
{
	struct { const char *path; pdg_artifact_kind kind; } cases[] = {
		{ "README.md", PDG_KIND_MODEL_CARD },
		{ "sub/readme.MD", PDG_KIND_MODEL_CARD },
		{ "LICENSE", PDG_KIND_LICENSE },
		{ "LICENSE.txt", PDG_KIND_LICENSE },
		{ "LICENSE-MODEL", PDG_KIND_LICENSE },
		{ "MODEL_LICENSE", PDG_KIND_LICENSE },
		{ "Tongyi Qianwen LICENSE AGREEMENT", PDG_KIND_LICENSE },
		{ "USE_POLICY.md", PDG_KIND_LICENSE },
		{ "NOTICE", PDG_KIND_LICENSE },
		{ "COPYING", PDG_KIND_LICENSE },
		{ "src/license.py", PDG_KIND_OTHER },
		{ "config.json", PDG_KIND_CONFIG },
		{ "generation_config.json", PDG_KIND_CONFIG },
		{ "model.safetensors.index.json", PDG_KIND_CONFIG },
		{ "tokenizer.json", PDG_KIND_TOKENIZER },
		{ "tokenizer_config.json", PDG_KIND_TOKENIZER },
		{ "tokenizer.model", PDG_KIND_TOKENIZER },
		{ "data/train-00001.jsonl", PDG_KIND_DATASET },
		{ "data/x.parquet", PDG_KIND_DATASET },
		{ "data/x.csv", PDG_KIND_DATASET },
		/* single compressed streams of shards */
		{ "data/train.json.gz", PDG_KIND_DATASET },
		{ "data/train.jsonl.xz", PDG_KIND_DATASET },
		{ "rows.CSV.ZST", PDG_KIND_DATASET },
		{ "a.tsv.bz2", PDG_KIND_DATASET },
		{ "x.ndjson.zstd", PDG_KIND_DATASET },
		{ ".json.gz", PDG_KIND_OTHER },
		{ "notes.txt.gz", PDG_KIND_OTHER },
		{ "a.tar.gz!/b/c.tar.zst", PDG_KIND_ARCHIVE },
		{ "x.zip", PDG_KIND_ARCHIVE },
		{ "x.7z", PDG_KIND_ARCHIVE },
		{ "model.onnx", PDG_KIND_ONNX },
		{ "model.keras", PDG_KIND_ARCHIVE },
		{ "model.h5", PDG_KIND_HDF5 },
		{ "weights.hdf5", PDG_KIND_HDF5 },
		{ "main.py", PDG_KIND_OTHER },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int sniff;
		pdg_artifact_kind k = pdg_classify_name(cases[i].path,
		                                        &sniff);
		if (k != cases[i].kind)
			fail_msg("%s: got %d want %d", cases[i].path, k,
			         cases[i].kind);
	}
}

static void source_files_are_never_read(void **state)
{
	int reads = -1;
	(void)state;
	assert_int_equal(classify("src/train.py", "PK\x03\x04", 4, NULL,
	                          &reads), PDG_KIND_OTHER);
	assert_int_equal(reads, 0);
}

static void magic(void **state)
{
	uint8_t st[64];
	(void)state;

	/* safetensors: u64 header length then '{' */
	memset(st, ' ', sizeof(st));
	st[0] = 16;
	memset(st + 1, 0, 7);
	st[8] = '{';
	st[23] = '}';
	assert_int_equal(classify("weights", st, sizeof(st), NULL, NULL),
	                 PDG_KIND_SAFETENSORS);
	/* a .bin holding a zip is a torch checkpoint, a pickle otherwise */
	assert_int_equal(classify("pytorch_model.bin", "PK\x03\x04xxxx", 8,
	                          NULL, NULL), PDG_KIND_PYTORCH_ZIP);
	assert_int_equal(classify("pytorch_model.bin", "\x80\x02}q\x00.", 6,
	                          NULL, NULL), PDG_KIND_PICKLE);
	assert_int_equal(classify("training_args.bin", "garbage!", 8,
	                          NULL, NULL), PDG_KIND_OTHER);
	assert_int_equal(classify("model", "GGUF\x03\0\0\0", 8, NULL, NULL),
	                 PDG_KIND_GGUF);
	/* HDF5 by signature when the name says nothing */
	assert_int_equal(classify("saved_model", "\x89HDF\r\n\x1a\n\0", 9,
	                          NULL, NULL), PDG_KIND_HDF5);
	assert_int_equal(classify("saved_model", "\x89HDF\r\n\x1a", 7,
	                          NULL, NULL), PDG_KIND_OTHER);
	/* a .safetensors whose header length points past the end is not
	 * taken for one by content; it keeps its name's kind */
	st[0] = 0xff;
	st[5] = 0x7f;
	assert_int_equal(classify("x.safetensors", st, sizeof(st), NULL,
	                          NULL), PDG_KIND_SAFETENSORS);
	assert_int_equal(classify("blob", st, sizeof(st), NULL, NULL),
	                 PDG_KIND_OTHER);
}

static const char lfs[] =
	"version https://git-lfs.github.com/spec/v1\n"
	"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24"
	"d17e2393\n"
	"size 12345678901\n";

static void lfs_pointer(void **state)
{
	uint32_t flags = 0;
	char oid[72];
	uint64_t size = 0;
	(void)state;

	assert_int_equal(pdg_lfs_pointer_parse((const uint8_t *)lfs,
	                                       strlen(lfs), oid, &size), 1);
	assert_string_equal(oid, "sha256:4d7a214614ab2935c943f9e0ff69d22ead"
	                    "bb8f32b1258daaa5e2ca24d17e2393");
	assert_true(size == 12345678901ull);
	assert_int_equal(classify("model.safetensors", lfs, strlen(lfs),
	                          &flags, NULL), PDG_KIND_SAFETENSORS);
	assert_true(flags & PDG_ARTIFACT_LFS_POINTER);
	/* a broken oid is not a pointer */
	char bad[sizeof(lfs)];
	memcpy(bad, lfs, sizeof(lfs));
	bad[60] = 'Z';
	assert_int_equal(pdg_lfs_pointer_parse((const uint8_t *)bad,
	                                       strlen(bad), oid, &size), 0);
	flags = 0;
	classify("model.safetensors", bad, strlen(bad), &flags, NULL);
	assert_false(flags & PDG_ARTIFACT_LFS_POINTER);
}

static void archives(void **state)
{
	uint8_t tar[512];
	(void)state;
	memset(tar, 0, sizeof(tar));
	memcpy(tar + 257, "ustar", 5);
	assert_true(pdg_magic_is_archive(tar, sizeof(tar)));
	assert_true(pdg_magic_is_archive((const uint8_t *)"\x1f\x8b", 2));
	assert_true(pdg_magic_is_archive((const uint8_t *)"PK\x03\x04", 4));
	assert_false(pdg_magic_is_archive((const uint8_t *)"hello", 5));
	assert_int_equal(classify("bundle", tar, sizeof(tar), NULL, NULL),
	                 PDG_KIND_ARCHIVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(source_files_are_never_read),
		cmocka_unit_test(magic),
		cmocka_unit_test(lfs_pointer),
		cmocka_unit_test(archives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
