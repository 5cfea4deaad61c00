/* source.h - where artifacts come from: directories, git, archives.
 *
 * A walk calls cb->artifact once per regular file, in a deterministic
 * order (sorted for directories, tree order for git, stored order for
 * archives).  Problems that do not stop the walk (a FIFO skipped, a
 * symlink out of the tree, a truncated archive) go to cb->problem and
 * become INPUT findings.  Nothing is ever extracted to disk.
 */
#ifndef PDG_SOURCE_H
#define PDG_SOURCE_H

#include <stdint.h>

#include "pedigree/pedigree.h"
#include "artifact.h"

typedef struct pdg_problem {
	const char *path;       /* inside the source, or NULL */
	const char *commit;     /* or NULL */
	const char *rule;       /* "source.fifo-skipped", ... */
	pdg_severity severity;
	int64_t byte_offset;    /* -1 = none */
	const char *message;
} pdg_problem;

typedef struct pdg_walk pdg_walk;

typedef struct pdg_source_cb {
	/** Once per artifact; valid only during the call.  Return <0 to
	 *  stop the walk (the walk returns that code). */
	int (*artifact)(pdg_walk *w, struct pdg_artifact *a, void *payload);
	void (*problem)(pdg_walk *w, const pdg_problem *p, void *payload);
	void *payload;
} pdg_source_cb;

/** State of the walk of one top-level input. */
struct pdg_walk {
	const pdg_limits *limits;
	const pdg_source_cb *cb;
	const char *source;     /* the path the user passed */
	const char *component;  /* component its artifacts belong to */
	uint64_t expanded;      /* bytes decompressed so far (all depths) */
	uint64_t raw;           /* bytes read from the input itself (not
	                           from inside an archive) by archives */
	uint64_t files;         /* artifacts reported so far */
	int expand_exceeded;    /* max_expand reached: archives stop */
	int ratio_exceeded;     /* ... because of max_expand_ratio */
};

typedef enum pdg_source_type {
	PDG_SOURCE_FILE = 0,    /* a single regular file */
	PDG_SOURCE_DIR,
	PDG_SOURCE_GIT,         /* a repository read from its object db */
	PDG_SOURCE_ARCHIVE
} pdg_source_type;

const char *pdg_source_type_name(pdg_source_type t);

/** Decide how to read `path`: a bare repository, or a working tree when
 *  `rev` is given, is PDG_SOURCE_GIT; another directory is PDG_SOURCE_DIR;
 *  a regular file is an archive if its magic says so.  PDG_ENOTFOUND or
 *  PDG_EINVALID (FIFO, device, `rev` given for a non-repository). */
int pdg_source_detect(pdg_source_type *out, const char *path,
                      const char *rev);

/** Walk a directory.  Symlinks: to a file inside the tree, read as that
 *  file; to a directory, not descended (loops are impossible); out of the
 *  tree or dangling, reported and skipped.  FIFOs, sockets and devices are
 *  reported, never opened. */
int pdg_source_dir_walk(pdg_walk *w, const char *root);

/** Walk the tree of `rev` (NULL: HEAD) from the object database.  Sets
 *  *commit_out (hex, caller frees) when non-NULL. */
int pdg_source_git_walk(pdg_walk *w, const char *repo, const char *rev,
                        char **commit_out);

/** Walk an archive file. */
int pdg_source_archive_walk_file(pdg_walk *w, const char *file);

/** Walk an archive that is itself an artifact (nested), reading it as a
 *  stream through pdg_artifact_read_at.  Members' paths are prefixed with
 *  "<outer path>!/".  Refuses past limits.max_archive_depth. */
int pdg_source_archive_walk_artifact(pdg_walk *w, struct pdg_artifact *a);

/** Walk a single regular file as one artifact. */
int pdg_source_file_walk(pdg_walk *w, const char *file);

/** Report a problem through w->cb->problem (message formatted; the
 *  walk's commit, if any, is passed by the caller).  Used by sources. */
void pdg_walk_problem(pdg_walk *w, const char *path, const char *commit,
                      const char *rule, pdg_severity sev, int64_t offset,
                      const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

#endif
