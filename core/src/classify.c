/* classify.c - what an artifact is, by name first and content second.
 *
 * Names decide most files without reading a byte, which is what keeps an
 * audit of a 100k-file repository close to `git ls-tree` speed.  Content
 * is sniffed only where the name is ambiguous (.bin is a torch zip, a raw
 * pickle, or anything) or where Git LFS commonly leaves a pointer file in
 * place of the data (weights, archives, datasets).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "util.h"

/* LFS pointers are "less than 1024 bytes" by the LFS specification. */
#define LFS_POINTER_MAX 1024
/* Enough for every magic number we know, including tar's at 257. */
#define SNIFF_BYTES 512

struct ext_rule {
	const char *suffix;         /* matched case-insensitively */
	pdg_artifact_kind kind;
	int sniff;                  /* content may change the answer */
};

/* Longest suffixes first where one is a suffix of another. */
static const struct ext_rule ext_rules[] = {
	{ ".safetensors.index.json", PDG_KIND_CONFIG, 0 },
	{ ".bin.index.json", PDG_KIND_CONFIG, 0 },
	{ ".safetensors", PDG_KIND_SAFETENSORS, 1 },
	{ ".gguf", PDG_KIND_GGUF, 1 },
	{ ".onnx", PDG_KIND_ONNX, 1 },
	{ ".pt", PDG_KIND_OTHER, 1 },
	{ ".pth", PDG_KIND_OTHER, 1 },
	{ ".bin", PDG_KIND_OTHER, 1 },
	{ ".ckpt", PDG_KIND_OTHER, 1 },
	{ ".pkl", PDG_KIND_PICKLE, 1 },
	{ ".pickle", PDG_KIND_PICKLE, 1 },
	{ ".jsonl.gz", PDG_KIND_DATASET, 1 },
	{ ".jsonl.zst", PDG_KIND_DATASET, 1 },
	{ ".jsonl", PDG_KIND_DATASET, 1 },
	{ ".ndjson", PDG_KIND_DATASET, 1 },
	{ ".csv", PDG_KIND_DATASET, 1 },
	{ ".tsv", PDG_KIND_DATASET, 1 },
	{ ".parquet", PDG_KIND_DATASET, 1 },
	{ ".arrow", PDG_KIND_DATASET, 1 },
	{ ".tar.gz", PDG_KIND_ARCHIVE, 1 },
	{ ".tgz", PDG_KIND_ARCHIVE, 1 },
	{ ".tar.zst", PDG_KIND_ARCHIVE, 1 },
	{ ".tzst", PDG_KIND_ARCHIVE, 1 },
	{ ".tar.xz", PDG_KIND_ARCHIVE, 1 },
	{ ".txz", PDG_KIND_ARCHIVE, 1 },
	{ ".tar.bz2", PDG_KIND_ARCHIVE, 1 },
	{ ".tar", PDG_KIND_ARCHIVE, 1 },
	{ ".zip", PDG_KIND_ARCHIVE, 1 },
	{ ".7z", PDG_KIND_ARCHIVE, 1 },
	/* Keras 3 saves a zip of config.json, metadata and weights. */
	{ ".keras", PDG_KIND_ARCHIVE, 1 },
	{ ".h5", PDG_KIND_HDF5, 1 },
	{ ".hdf5", PDG_KIND_HDF5, 1 },
};

/* Extensions that are always text we have no detector for: never sniffed,
 * so source trees cost nothing beyond their listing.  Sorted (bsearch). */
static const char *const text_exts[] = {
	".ac", ".adoc", ".am", ".bash", ".c", ".cc", ".cfg", ".cmake",
	".conf", ".cpp", ".cs", ".css", ".cu", ".cuh", ".diff",
	".editorconfig", ".gif", ".gitattributes", ".gitignore", ".go", ".h",
	".hpp", ".htm", ".html", ".ico", ".in", ".ini", ".ipynb", ".java",
	".jl", ".jpeg", ".jpg", ".js", ".jsx", ".kt", ".lock", ".log",
	".lua", ".m", ".markdown", ".md", ".mk", ".mm", ".mod", ".patch",
	".php", ".pl", ".png", ".proto", ".pxd", ".py", ".pyi", ".pyx", ".r",
	".rb", ".rs", ".rst", ".scala", ".scss", ".sh", ".sql", ".sum",
	".svg", ".swift", ".tex", ".toml", ".ts", ".tsx", ".txt", ".webp",
	".xml", ".yaml", ".yml",
};

/* Tokenizer and config files are known by exact base name. */
static const char *const tokenizer_names[] = {
	"tokenizer.json", "tokenizer_config.json", "tokenizer.model",
	"vocab.json", "vocab.txt", "merges.txt", "special_tokens_map.json",
	"added_tokens.json", "spiece.model", "sentencepiece.bpe.model",
	"vocab.model",
};

static const char *const card_names[] = {
	"readme.md", "readme", "readme.markdown", "readme.txt",
	"model_card.md", "modelcard.md", "model-card.md",
};

/* Substrings of a (lower-cased) base name that mark licence-bearing
 * files: LICENSE, COPYING, NOTICE, USE_POLICY, MODEL_LICENSE,
 * LICENSE-MODEL, "Tongyi Qianwen LICENSE AGREEMENT", terms of use. */
static const char *const license_marks[] = {
	"license", "licence", "copying", "notice", "use_policy",
	"use-policy", "usage_policy", "usage-policy", "acceptable_use",
	"acceptable-use", "terms_of_use", "terms-of-use", "terms of use",
	"responsible_use", "responsible-use",
};

/* A licence file has no extension or a document extension; this keeps
 * license.py and notice_handler.c out. */
static const char *const license_exts[] = {
	".txt", ".md", ".markdown", ".rst", ".html", ".htm",
};

static const char *base_of(const char *path)
{
	/* Members of nested archives are "a.tar!/b/c": the last '/' is
	 * still the right split. */
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int in_list(const char *lower, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lower, list[i]) == 0)
			return 1;
	return 0;
}

static const char *extension(const char *base)
{
	const char *dot = strrchr(base, '.');

	return (dot && dot != base) ? dot : NULL;
}

static int cmp_str(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int is_text_ext(const char *ext)
{
	return bsearch(ext, text_exts, sizeof(text_exts) / sizeof(*text_exts),
	               sizeof(*text_exts), cmp_str) != NULL;
}

/* Suffix test on an already lower-cased name. */
static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* A dataset shard compressed as one stream: data.jsonl.zst,
 * train.json.gz, rows.csv.xz (the dataset-origin plugin decodes them). */
static int is_compressed_dataset(const char *lower, size_t n)
{
	static const char *const codecs[] = { ".gz", ".zst", ".zstd", ".xz",
	                                      ".bz2", ".lz4" };
	static const char *const shards[] = { ".jsonl", ".ndjson", ".json",
	                                      ".csv", ".tsv" };

	for (size_t i = 0; i < sizeof(codecs) / sizeof(*codecs); i++) {
		size_t m = strlen(codecs[i]);

		if (!ends_with(lower, n, codecs[i]))
			continue;
		for (size_t j = 0; j < sizeof(shards) / sizeof(*shards); j++)
			if (ends_with(lower, n - m, shards[j]) &&
			    n - m > strlen(shards[j]))
				return 1;
	}
	return 0;
}

static int is_license_name(const char *lower)
{
	int marked = 0;

	for (size_t i = 0; i < sizeof(license_marks) / sizeof(*license_marks);
	     i++)
		if (strstr(lower, license_marks[i]))
			marked = 1;
	if (!marked)
		return 0;
	const char *ext = extension(lower);
	if (!ext)
		return 1;
	for (size_t i = 0; i < sizeof(license_exts) / sizeof(*license_exts);
	     i++)
		if (strcmp(ext, license_exts[i]) == 0)
			return 1;
	/* LICENSE-MODEL, LICENSE.Apache-2.0: an "extension" that is really
	 * a suffix of the name, not a file type we know as code. */
	if (is_text_ext(ext))
		return 0;
	return strlen(ext) > 5 || strchr(ext, '-') ||
	       strncmp(lower, "license", 7) == 0 ||
	       strncmp(lower, "licence", 7) == 0;
}

pdg_artifact_kind pdg_classify_name(const char *path, int *needs_sniff)
{
	const char *base = base_of(path);
	size_t n = strlen(base);
	char stack[256];
	/* This runs once per file of every tree: no allocation for the
	 * names that fit on the stack. */
	char *lower = n < sizeof(stack) ? stack : pdg_xmalloc(n + 1);
	pdg_artifact_kind kind = PDG_KIND_OTHER;
	int sniff = 0;

	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)base[i]);
	const char *ext = extension(lower);

	if (in_list(lower, card_names,
	            sizeof(card_names) / sizeof(*card_names))) {
		kind = PDG_KIND_MODEL_CARD;
		goto done;
	}
	if (in_list(lower, tokenizer_names,
	            sizeof(tokenizer_names) / sizeof(*tokenizer_names)) ||
	    ends_with(lower, n, ".tiktoken")) {
		kind = PDG_KIND_TOKENIZER;
		goto done;
	}
	if (ext && is_text_ext(ext)) {
		/* The common case: source code and docs.  Only document
		 * types can be licence files (LICENSE.md, not license.py). */
		if (in_list(ext, license_exts, sizeof(license_exts) /
		                               sizeof(*license_exts)) &&
		    is_license_name(lower))
			kind = PDG_KIND_LICENSE;
		goto done;
	}
	if (is_compressed_dataset(lower, n)) {
		kind = PDG_KIND_DATASET;
		sniff = 1;
		goto done;
	}
	for (size_t i = 0; i < sizeof(ext_rules) / sizeof(*ext_rules); i++) {
		if (ends_with(lower, n, ext_rules[i].suffix)) {
			kind = ext_rules[i].kind;
			sniff = ext_rules[i].sniff;
			goto done;
		}
	}
	if (is_license_name(lower)) {
		kind = PDG_KIND_LICENSE;
		goto done;
	}
	if (ext && strcmp(ext, ".json") == 0) {
		/* config.json, generation_config.json, adapter_config.json;
		 * any other JSON may be a dataset shard. */
		if (ends_with(lower, n, "config.json") ||
		    strcmp(lower, "params.json") == 0)
			kind = PDG_KIND_CONFIG;
		else
			kind = PDG_KIND_DATASET;
		goto done;
	}
	/* No extension (a weight file without a name?) or one we do not
	 * know: let the content decide. */
	sniff = 1;
done:
	if (lower != stack)
		free(lower);
	if (needs_sniff)
		*needs_sniff = sniff;
	return kind;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int pdg_magic_is_archive(const uint8_t *d, size_t n)
{
	if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return 1;                               /* gzip */
	if (n >= 4 && !memcmp(d, "\x28\xb5\x2f\xfd", 4))
		return 1;                               /* zstd */
	if (n >= 6 && !memcmp(d, "\xfd" "7zXZ\x00", 6))
		return 1;                               /* xz */
	if (n >= 3 && !memcmp(d, "BZh", 3))
		return 1;                               /* bzip2 */
	if (n >= 6 && !memcmp(d, "7z\xbc\xaf\x27\x1c", 6))
		return 1;                               /* 7z */
	if (n >= 4 && (!memcmp(d, "PK\x03\x04", 4) ||
	               !memcmp(d, "PK\x05\x06", 4)))
		return 1;                               /* zip */
	if (n >= 262 && !memcmp(d + 257, "ustar", 5))
		return 1;                               /* tar */
	return 0;
}

/* HDF5's signature at offset 0 (Keras never writes a user block,
 * which would move it to 512). */
static int is_hdf5(const uint8_t *d, size_t n)
{
	return n >= 8 && !memcmp(d, "\x89HDF\r\n\x1a\n", 8);
}

static int is_zip(const uint8_t *d, size_t n)
{
	return n >= 4 && !memcmp(d, "PK\x03\x04", 4);
}

static int is_pickle(const uint8_t *d, size_t n)
{
	/* PROTO opcode with protocol 2..5; protocols 0/1 have no marker and
	 * are only recognised by name (.pkl). */
	return n >= 2 && d[0] == 0x80 && d[1] >= 2 && d[1] <= 5;
}

static int is_safetensors(const uint8_t *d, size_t n, uint64_t size)
{
	if (n < 9)
		return 0;
	uint64_t hlen = le64(d);
	return size >= 10 && hlen >= 2 && hlen <= size - 8 && d[8] == '{';
}

static pdg_artifact_kind sniff_kind(const char *path, pdg_artifact_kind kind,
                                    const uint8_t *d, size_t n,
                                    uint64_t size)
{
	if (n >= 4 && !memcmp(d, "GGUF", 4))
		return PDG_KIND_GGUF;
	if (is_safetensors(d, n, size))
		return PDG_KIND_SAFETENSORS;
	if (is_zip(d, n)) {
		/* torch.save writes a zip; so do .npz, .keras and datasets. */
		if (pdg_ends_with_ci(path, ".pt") ||
		    pdg_ends_with_ci(path, ".pth") ||
		    pdg_ends_with_ci(path, ".bin") ||
		    pdg_ends_with_ci(path, ".ckpt"))
			return PDG_KIND_PYTORCH_ZIP;
		return kind == PDG_KIND_OTHER ? PDG_KIND_ARCHIVE : kind;
	}
	if (is_pickle(d, n))
		return PDG_KIND_PICKLE;
	if (n >= 4 && !memcmp(d, "PAR1", 4))
		return PDG_KIND_DATASET;
	if (is_hdf5(d, n))
		return PDG_KIND_HDF5;
	if (kind == PDG_KIND_OTHER && pdg_magic_is_archive(d, n) &&
	    !(d[0] == 0x1f && d[1] == 0x8b) &&
	    !(d[0] == 0x28 && d[1] == 0xb5))
		/* A bare gzip/zstd stream of unknown content is not assumed
		 * to be a tar: only tar, zip, 7z, xz and bzip2 by magic. */
		return PDG_KIND_ARCHIVE;
	return kind;
}

static int hex_run(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return 1;
}

int pdg_lfs_pointer_parse(const uint8_t *d, size_t n, char oid[72],
                          uint64_t *size)
{
	static const char ver[] = "version https://git-lfs.github.com/spec/";
	const uint8_t *end = d + n, *p;
	int have_oid = 0, have_size = 0;

	if (n > LFS_POINTER_MAX || n < sizeof(ver) ||
	    memcmp(d, ver, sizeof(ver) - 1) != 0)
		return 0;
	/* "key value\n" lines, keys sorted, the version line first. */
	for (p = d; p < end;) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		size_t len = (size_t)(nl - p);
		if (len > 11 && !memcmp(p, "oid sha256:", 11) &&
		    len == 11 + 64 && hex_run(p + 11, 64)) {
			memcpy(oid, p + 4, 7 + 64);
			oid[71] = '\0';
			have_oid = 1;
		} else if (len > 5 && !memcmp(p, "size ", 5)) {
			uint64_t v = 0;
			if (len - 5 > 19)
				return 0;
			for (size_t i = 5; i < len; i++) {
				if (p[i] < '0' || p[i] > '9')
					return 0;
				v = v * 10 + (uint64_t)(p[i] - '0');
			}
			*size = v;
			have_size = 1;
		}
		p = nl + 1;
	}
	return have_oid && have_size;
}

int pdg_classify(struct pdg_artifact *a)
{
	int sniff = 0;
	pdg_artifact_kind kind = pdg_classify_name(a->path, &sniff);
	const uint8_t *d;
	size_t n;

	a->kind = kind;
	if (!sniff && kind == PDG_KIND_OTHER)
		return 0;       /* no size lookup either: see source_git.c */
	/* 0 is also "unknown" (streamed zip members): sniff those too. */
	uint64_t size = pdg_artifact_size(a);
	/* Licence files and cards can be LFS pointers too, rarely; the
	 * small ones are cheap to check. */
	if (!sniff && size && size <= LFS_POINTER_MAX)
		sniff = 1;
	if (!sniff)
		return 0;
	size_t want = size && size <= LFS_POINTER_MAX ? LFS_POINTER_MAX
	                                              : SNIFF_BYTES;
	int rc = pdg_artifact_head(a, want, &d, &n);
	if (rc < 0)
		return rc;
	if (n == 0)
		return 0;
	if (n <= LFS_POINTER_MAX && (!size || size <= LFS_POINTER_MAX) &&
	    pdg_lfs_pointer_parse(d, n, a->lfs_oid, &a->lfs_size)) {
		a->flags |= PDG_ARTIFACT_LFS_POINTER;
		return 0;
	}
	a->kind = sniff_kind(a->path, kind, d, n, size ? size : n);
	return 0;
}
