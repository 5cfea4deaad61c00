/*
 * input.h - the bytes of a dataset shard, decompressed when the shard is a
 * single compressed stream (.jsonl.gz, .jsonl.zst, .json.xz, .csv.bz2...).
 *
 * Compressed shards are decoded by libarchive's "raw" format with one
 * in-process filter, reading the artifact through the host's
 * artifact_read_at(): nothing is written to disk and memory is one input
 * buffer plus the decoder's window.  libarchive is already how pedigree
 * reads archives (tar.zst members arrive decoded the same way), it links
 * zlib, libzstd, liblzma and libbz2, and its raw reader costs a copy, not
 * speed: see docs/dataset-origin.md for the measurements.
 */
#ifndef PDG_DATASET_ORIGIN_INPUT_H
#define PDG_DATASET_ORIGIN_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <pedigree/plugin.h>

typedef struct origin_input origin_input;

/** Open the artifact's bytes.  0, or <0 with the error set (a codec
 *  libarchive cannot decode in-process). */
int origin_input_open(origin_input **out, const pdg_host_api *api,
                      const pdg_artifact *a);
/** Fill buf with up to len bytes.  Returns the count, less than len only
 *  at the end of the data or just before an error; 0 at the end; <0 on
 *  error (set), after which nothing more is read. */
int64_t origin_input_read(origin_input *in, char *buf, size_t len);
/** "gzip", "zstd", "xz", "bzip2", "lz4", or NULL for plain bytes. */
const char *origin_input_codec(const origin_input *in);
/** Bytes of the artifact itself read so far (compressed bytes). */
uint64_t origin_input_raw_bytes(const origin_input *in);
/** Accepts NULL. */
void origin_input_free(origin_input *in);

/** The codec whose magic number starts d[0..n), or NULL. */
const char *origin_codec_of(const unsigned char *d, size_t n);

#endif
