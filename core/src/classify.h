/* classify.h - decide an artifact's kind by name, then by magic bytes. */
#ifndef PDG_CLASSIFY_H
#define PDG_CLASSIFY_H

#include "artifact.h"

/** Kind from the file name alone; PDG_KIND_OTHER when the name does not
 *  decide.  *needs_sniff is set when the content may change the answer
 *  (no or ambiguous extension, or a kind that Git LFS often replaces). */
pdg_artifact_kind pdg_classify_name(const char *path, int *needs_sniff);

/** Full classification: name, then content where needed.  Sets a->kind,
 *  and a->flags/lfs_* for Git LFS pointer files.  Reads at most a few
 *  KiB (never a weight payload).  0 or <0 on read error. */
int pdg_classify(struct pdg_artifact *a);

/** Parse a Git LFS pointer; 1 if it is one (oid/size filled), 0 if not. */
int pdg_lfs_pointer_parse(const uint8_t *data, size_t len,
                          char oid[72], uint64_t *size);

/** 1 when the bytes start like an archive pedigree can read (tar, zip,
 *  7z, or a gzip/zstd/xz/bzip2 stream, which may hold a tar). */
int pdg_magic_is_archive(const uint8_t *data, size_t len);

#endif
