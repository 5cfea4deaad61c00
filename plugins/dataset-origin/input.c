/*
 * input.c - plain or decompressed bytes of a shard (see input.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "error.h"
#include "input.h"
#include "util.h"

/* Compressed bytes asked of the host at a time. */
#define RAW_BUF ((size_t)1 << 20)
/* Decoded bytes asked of libarchive at a time: archive_read_data()
 * returns an error instead of the bytes it had copied when a block
 * fails, so a truncated stream loses at most this much. */
#define DECODE_MAX ((size_t)64 << 10)
/* A stream that expands more than this many times, past EXPAND_FREE
 * bytes, is a decompression bomb, not a dataset (text compresses 3-20x;
 * gzip cannot exceed about 1030x, zstd can). */
#define EXPAND_RATIO 2048
#define EXPAND_FREE ((uint64_t)1 << 30)

struct origin_input {
	const pdg_host_api *api;
	const pdg_artifact *a;
	uint64_t off;            /* next raw offset */
	uint64_t out;            /* bytes returned */
	const char *codec;
	struct archive *ar;
	char *raw;
	int failed;              /* then err holds why */
	int err_code;
	char err[300];
};

struct codec {
	const char *name;
	const char *magic;
	size_t len;
	int (*add)(struct archive *);
};

static const struct codec codecs[] = {
	{ "gzip", "\x1F\x8B", 2, archive_read_support_filter_gzip },
	{ "zstd", "\x28\xB5\x2F\xFD", 4, archive_read_support_filter_zstd },
	{ "xz", "\xFD" "7zXZ\x00", 6, archive_read_support_filter_xz },
	{ "bzip2", "BZh", 3, archive_read_support_filter_bzip2 },
	{ "lz4", "\x04\x22\x4D\x18", 4, archive_read_support_filter_lz4 },
};

static const struct codec *codec_find(const unsigned char *d, size_t n)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(*codecs); i++)
		if (n >= codecs[i].len &&
		    memcmp(d, codecs[i].magic, codecs[i].len) == 0)
			return &codecs[i];
	return NULL;
}

const char *origin_codec_of(const unsigned char *d, size_t n)
{
	const struct codec *c = codec_find(d, n);

	return c ? c->name : NULL;
}

static la_ssize_t raw_read(struct archive *ar, void *ctx, const void **buf)
{
	origin_input *in = ctx;
	int64_t n = in->api->artifact_read_at(in->a, in->raw, RAW_BUF,
	                                      in->off);

	if (n < 0) {
		archive_set_error(ar, EIO, "%s", in->api->last_error
		                  ? in->api->last_error() : "read error");
		return -1;
	}
	in->off += (uint64_t)n;
	*buf = in->raw;
	return (la_ssize_t)n;
}

static int open_codec(origin_input *in, const struct codec *c)
{
	struct archive_entry *e;

	in->codec = c->name;
	in->ar = archive_read_new();
	if (!in->ar)
		return pdg_error_set(PDG_ENOMEM, "out of memory");
	/* ARCHIVE_WARN: libarchive would run an external program. */
	if (c->add(in->ar) != ARCHIVE_OK)
		return pdg_error_set(PDG_EUNSUPPORTED, "%s: no in-process %s "
		                     "decoder in libarchive",
		                     in->api->artifact_path(in->a), c->name);
	archive_read_support_format_raw(in->ar);
	in->raw = pdg_xmalloc(RAW_BUF);
	if (archive_read_open(in->ar, in, NULL, raw_read, NULL) !=
	    ARCHIVE_OK ||
	    archive_read_next_header(in->ar, &e) != ARCHIVE_OK)
		return pdg_error_set(PDG_EINVALID, "%s: not a readable %s "
		                     "stream: %s",
		                     in->api->artifact_path(in->a), c->name,
		                     archive_error_string(in->ar)
		                     ? archive_error_string(in->ar) : "empty");
	return 0;
}

int origin_input_open(origin_input **out, const pdg_host_api *api,
                      const pdg_artifact *a)
{
	origin_input *in = pdg_xcalloc(1, sizeof(*in));
	const uint8_t *head = NULL;
	size_t n = 0;
	const struct codec *c;
	int rc = 0;

	*out = NULL;
	in->api = api;
	in->a = a;
	if (api->artifact_head(a, 8, &head, &n) < 0) {
		free(in);
		return -1;
	}
	c = codec_find(head, n);
	if (c)
		rc = open_codec(in, c);
	if (rc < 0) {
		origin_input_free(in);
		return rc;
	}
	*out = in;
	return 0;
}

/* Keep the error of a read that still returned bytes for the next call. */
static void fail(origin_input *in)
{
	in->failed = 1;
	in->err_code = pdg_error_code() ? pdg_error_code() : PDG_EIO;
	snprintf(in->err, sizeof(in->err), "%s", pdg_error_last());
}

static int64_t read_plain(origin_input *in, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		int64_t n = in->api->artifact_read_at(in->a, buf + got,
		                                      len - got, in->off);

		if (n < 0) {
			pdg_error_set(PDG_EIO, "%s", in->api->last_error
			              ? in->api->last_error() : "read error");
			fail(in);
			return got ? (int64_t)got : -1;
		}
		if (n == 0)
			break;
		in->off += (uint64_t)n;
		got += (size_t)n;
	}
	return (int64_t)got;
}

static int64_t read_codec(origin_input *in, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		size_t want = len - got < DECODE_MAX ? len - got : DECODE_MAX;
		la_ssize_t n = archive_read_data(in->ar, buf + got, want);

		if (n < 0) {
			pdg_error_set(PDG_EIO, "%s: %s stream is truncated or "
			              "corrupt after %llu decoded bytes: %s",
			              in->api->artifact_path(in->a), in->codec,
			              (unsigned long long)(in->out + got),
			              archive_error_string(in->ar)
			              ? archive_error_string(in->ar) : "?");
			fail(in);
			return got ? (int64_t)got : -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (in->out + got > EXPAND_FREE &&
		    in->out + got > in->off * EXPAND_RATIO) {
			pdg_error_set(PDG_ELIMIT, "%s: %s stream expands more "
			              "than %dx (%llu bytes from %llu): "
			              "decompression bomb; reading stopped",
			              in->api->artifact_path(in->a), in->codec,
			              EXPAND_RATIO,
			              (unsigned long long)(in->out + got),
			              (unsigned long long)in->off);
			fail(in);
			return (int64_t)got;
		}
	}
	return (int64_t)got;
}

int64_t origin_input_read(origin_input *in, char *buf, size_t len)
{
	int64_t n;

	if (in->failed)
		return pdg_error_set(in->err_code, "%s", in->err);
	n = in->ar ? read_codec(in, buf, len) : read_plain(in, buf, len);
	if (n > 0)
		in->out += (uint64_t)n;
	return n;
}

const char *origin_input_codec(const origin_input *in)
{
	return in->codec;
}

uint64_t origin_input_raw_bytes(const origin_input *in)
{
	return in->off;
}

void origin_input_free(origin_input *in)
{
	if (!in)
		return;
	if (in->ar)
		archive_read_free(in->ar);
	free(in->raw);
	free(in);
}
