/* source.c - decide what kind of input a path is; single-file sources. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "classify.h"
#include "error.h"
#include "source.h"
#include "util.h"

/* Bytes of a file's start used to recognise archives by magic. */
#define SNIFF_LEN 512

const char *pdg_source_type_name(pdg_source_type t)
{
	switch (t) {
	case PDG_SOURCE_FILE: return "file";
	case PDG_SOURCE_DIR: return "directory";
	case PDG_SOURCE_GIT: return "git";
	case PDG_SOURCE_ARCHIVE: return "archive";
	}
	return "unknown";
}

/* 1 bare repository, 2 working tree, 0 not a repository.  NO_SEARCH: a
 * directory inside someone's checkout is not that checkout. */
static int repo_kind(const char *path)
{
	git_repository *repo = NULL;
	int kind = 0;

	git_libgit2_init();
	if (!git_repository_open_ext(&repo, path,
	                             GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
		kind = git_repository_is_bare(repo) ? 1 : 2;
		git_repository_free(repo);
	}
	git_libgit2_shutdown();
	return kind;
}

static int detect_dir(pdg_source_type *out, const char *path,
                      const char *rev)
{
	int kind = repo_kind(path);

	if (kind == 1 || (kind == 2 && rev)) {
		*out = PDG_SOURCE_GIT;
		return 0;
	}
	if (kind == 0 && rev)
		return pdg_error_set(PDG_EINVALID,
			"%s: --rev given but not a git repository", path);
	*out = PDG_SOURCE_DIR;
	return 0;
}

/* Open a regular file for reading without ever blocking on a FIFO that
 * replaced it.  The user named this path, so a symlink is followed. */
static int open_regular(int *fd_out, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND
		                                     : PDG_EINVALID,
		                     "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pdg_error_set(PDG_EINVALID,
		                     "%s: not a regular file", path);
	}
	*fd_out = fd;
	return 0;
}

static int detect_file(pdg_source_type *out, const char *path)
{
	uint8_t buf[SNIFF_LEN];
	size_t len = 0;
	int fd, rc;

	rc = open_regular(&fd, path);
	if (rc < 0)
		return rc;
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return pdg_error_set(PDG_EINVALID, "%s: %s", path,
			                     strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	/* A shard compressed as one stream (train.jsonl.zst) is a dataset
	 * file that its detector decodes, not an archive to walk. */
	*out = pdg_magic_is_archive(buf, len) &&
	       pdg_classify_name(path, NULL) != PDG_KIND_DATASET
	       ? PDG_SOURCE_ARCHIVE : PDG_SOURCE_FILE;
	return 0;
}

int pdg_source_detect(pdg_source_type *out, const char *path,
                      const char *rev)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return pdg_error_set(PDG_ENOTFOUND,
				"%s: no such file or directory", path);
		return pdg_error_set(PDG_EINVALID, "%s: %s", path,
		                     strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return detect_dir(out, path, rev);
	if (!S_ISREG(st.st_mode))
		return pdg_error_set(PDG_EINVALID,
			"%s: not a regular file or directory "
			"(FIFOs, sockets and devices are not read)", path);
	/* A revision names a commit of repositories; an archive or a file
	 * given next to one is read as it is. */
	return detect_file(out, path);
}

/* The whole single file is one artifact read with pread(). */
typedef struct file_ctx {
	int fd;
	const char *path;
} file_ctx;

static int64_t file_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	file_ctx *f = ctx;
	ssize_t n;

	if (off > (uint64_t)INT64_MAX)
		return 0;
	do
		n = pread(f->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pdg_error_set(PDG_EIO, "%s: %s", f->path,
		                     strerror(errno));
	return n;
}

int pdg_source_file_walk(pdg_walk *w, const char *file)
{
	struct pdg_artifact a;
	struct stat st;
	file_ctx ctx;
	char *name;
	int rc;

	rc = open_regular(&ctx.fd, file);
	if (rc < 0)
		return rc;
	ctx.path = file;
	if (fstat(ctx.fd, &st) != 0) {
		close(ctx.fd);
		return pdg_error_set(PDG_EIO, "%s: %s", file,
		                     strerror(errno));
	}
	/* The artifact is named by its file name: that is what classifies
	 * it (LICENSE, config.json...); the full path is the source. */
	name = pdg_path_basename(file);
	memset(&a, 0, sizeof(a));
	a.source = w->source ? w->source : file;
	a.path = name;
	a.component = w->component;
	a.size = (uint64_t)st.st_size;
	a.read = file_read;
	a.read_ctx = &ctx;
	a.max_read = w->limits->max_read;
	w->files++;
	rc = w->cb->artifact(w, &a, w->cb->payload);
	pdg_artifact_release(&a);
	free(name);
	close(ctx.fd);
	return rc < 0 ? rc : 0;
}

void pdg_walk_problem(pdg_walk *w, const char *path, const char *commit,
                      const char *rule, pdg_severity sev, int64_t offset,
                      const char *fmt, ...)
{
	pdg_problem p;
	char *msg = NULL;
	va_list ap;

	if (!w->cb || !w->cb->problem)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	p.path = path;
	p.commit = commit;
	p.rule = rule;
	p.severity = sev;
	p.byte_offset = offset;
	p.message = msg ? msg : rule;
	w->cb->problem(w, &p, w->cb->payload);
	free(msg);
}
