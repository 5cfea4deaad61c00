/* source_dir.c - walk a directory tree without following it anywhere.
 *
 * Entries are visited in bytewise order so reports are the same on every
 * file system.  Everything is opened relative to its parent's descriptor
 * with O_NOFOLLOW, and files are opened only when a plugin reads them, with
 * O_NONBLOCK and a second S_ISREG check: a file swapped for a FIFO between
 * the listing and the read fails instead of hanging the audit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "source.h"
#include "util.h"

typedef struct dir_walk {
	pdg_walk *w;
	const char *root;       /* as given */
	char *root_real;        /* realpath(root): the tree's boundary */
	size_t root_real_len;
	pdg_buf rel;            /* path of the current entry, from root */
	int stop;               /* max_files reached */
} dir_walk;

/* A file opened on first read. */
typedef struct lazy_file {
	int dirfd;              /* AT_FDCWD when name is absolute */
	const char *name;
	const char *display;
	int fd;
	int open_errno;         /* why opening failed, 0 if it did not */
	int not_regular;        /* it was swapped for something else */
} lazy_file;

static int lazy_open(lazy_file *f)
{
	struct stat st;

	if (f->open_errno || f->not_regular)
		goto fail;
	f->fd = openat(f->dirfd, f->name,
	               O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0) {
		f->open_errno = errno ? errno : EIO;
		goto fail;
	}
	if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(f->fd);
		f->fd = -1;
		f->not_regular = 1;
		goto fail;
	}
	return 0;
fail:
	if (f->not_regular)
		return pdg_error_set(PDG_EINVALID,
			"%s: no longer a regular file", f->display);
	return pdg_error_set(PDG_EIO, "%s: %s", f->display,
	                     strerror(f->open_errno));
}

static int64_t lazy_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	lazy_file *f = ctx;
	ssize_t n;

	if (f->fd < 0) {
		int rc = lazy_open(f);

		if (rc < 0)
			return rc;
	}
	if (off > (uint64_t)INT64_MAX)
		return 0;
	do
		n = pread(f->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pdg_error_set(PDG_EIO, "%s: %s", f->display,
		                     strerror(errno));
	return n;
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Report one regular file (or the target of a symlink to one). */
static int emit_file(dir_walk *d, int dirfd, const char *name,
                     const struct stat *st)
{
	pdg_walk *w = d->w;
	struct pdg_artifact a;
	lazy_file f = { dirfd, name, d->rel.ptr, -1, 0, 0 };
	int rc;

	if (w->files >= w->limits->max_files) {
		pdg_walk_problem(w, d->rel.ptr, NULL, "source.file-limit",
			PDG_SEVERITY_WARNING, -1,
			"stopped after %llu files (limit max_files); "
			"the rest of the tree was not read",
			(unsigned long long)w->files);
		d->stop = 1;
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.source = w->source;
	a.path = d->rel.ptr;
	a.component = w->component;
	a.size = (uint64_t)st->st_size;
	a.read = lazy_read;
	a.read_ctx = &f;
	a.max_read = w->limits->max_read;
	w->files++;
	rc = w->cb->artifact(w, &a, w->cb->payload);
	pdg_artifact_release(&a);
	if (f.fd >= 0)
		close(f.fd);
	if (f.open_errno || f.not_regular)
		pdg_walk_problem(w, d->rel.ptr, NULL, "source.unreadable",
			PDG_SEVERITY_WARNING, -1, "%s: %s", d->rel.ptr,
			f.not_regular ? "changed into a non-regular file "
			                "while being read; skipped"
			              : strerror(f.open_errno));
	return rc < 0 ? rc : 0;
}

/* 1 when an absolute real path lies inside the root's real path. */
static int inside_root(const dir_walk *d, const char *real)
{
	size_t n = d->root_real_len;

	if (n == 1 && d->root_real[0] == '/')
		return 1;
	return strncmp(real, d->root_real, n) == 0
	       && (real[n] == '/' || real[n] == '\0');
}

static int walk_symlink(dir_walk *d)
{
	pdg_walk *w = d->w;
	char *full = pdg_xasprintf("%s/%s", d->root, d->rel.ptr);
	char *real = realpath(full, NULL);
	int err = errno;
	struct stat st;
	int rc = 0;

	free(full);
	if (!real) {
		pdg_walk_problem(w, d->rel.ptr, NULL, "source.symlink-broken",
			PDG_SEVERITY_INFO, -1,
			"%s: symlink %s; not followed", d->rel.ptr,
			err == ELOOP ? "loops" : "is dangling or unreadable");
		return 0;
	}
	if (!inside_root(d, real))
		pdg_walk_problem(w, d->rel.ptr, NULL, "source.symlink-escape",
			PDG_SEVERITY_WARNING, -1,
			"%s: symlink points outside the tree (%s); "
			"not followed", d->rel.ptr, real);
	else if (stat(real, &st) != 0)
		pdg_walk_problem(w, d->rel.ptr, NULL, "source.symlink-broken",
			PDG_SEVERITY_INFO, -1, "%s: symlink target %s; "
			"not followed", d->rel.ptr, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		pdg_walk_problem(w, d->rel.ptr, NULL,
			"source.symlink-dir-skipped", PDG_SEVERITY_INFO, -1,
			"%s: symlink to a directory; not descended "
			"(its target is walked on its own)", d->rel.ptr);
	else if (!S_ISREG(st.st_mode))
		pdg_walk_problem(w, d->rel.ptr, NULL,
			"source.special-file-skipped", PDG_SEVERITY_WARNING,
			-1, "%s: symlink to a FIFO, socket or device; "
			"not opened", d->rel.ptr);
	else
		rc = emit_file(d, AT_FDCWD, real, &st);
	free(real);
	return rc;
}

static int walk_dir(dir_walk *d, int dirfd, unsigned depth);

static int walk_subdir(dir_walk *d, int dirfd, const char *name,
                       unsigned depth)
{
	int fd;

	if (depth > d->w->limits->max_dir_depth) {
		pdg_walk_problem(d->w, d->rel.ptr, NULL, "source.depth-limit",
			PDG_SEVERITY_WARNING, -1,
			"%s: deeper than %u directories (limit max_dir_depth);"
			" not read", d->rel.ptr,
			(unsigned)d->w->limits->max_dir_depth);
		return 0;
	}
	fd = openat(dirfd, name,
	            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		pdg_walk_problem(d->w, d->rel.ptr, NULL, "source.unreadable",
			PDG_SEVERITY_WARNING, -1, "%s: %s", d->rel.ptr,
			strerror(errno));
		return 0;
	}
	return walk_dir(d, fd, depth);
}

static int walk_entry(dir_walk *d, int dirfd, const char *name,
                      unsigned depth)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		pdg_walk_problem(d->w, d->rel.ptr, NULL, "source.unreadable",
			PDG_SEVERITY_WARNING, -1, "%s: %s", d->rel.ptr,
			strerror(errno));
		return 0;
	}
	if (S_ISREG(st.st_mode))
		return emit_file(d, dirfd, name, &st);
	if (S_ISDIR(st.st_mode))
		return walk_subdir(d, dirfd, name, depth + 1);
	if (S_ISLNK(st.st_mode))
		return walk_symlink(d);
	pdg_walk_problem(d->w, d->rel.ptr, NULL, "source.special-file-skipped",
		PDG_SEVERITY_WARNING, -1,
		"%s: a FIFO, socket or device; not opened", d->rel.ptr);
	return 0;
}

/* Names in a directory, sorted, without ".", ".." and ".git". */
static int list_dir(dir_walk *d, DIR *dir, char ***out, size_t *n_out)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")
		    || !strcmp(de->d_name, ".git"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = pdg_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = pdg_xstrdup(de->d_name);
	}
	if (errno)
		pdg_walk_problem(d->w, d->rel.len ? d->rel.ptr : ".", NULL,
			"source.unreadable", PDG_SEVERITY_WARNING, -1,
			"%s: listing failed: %s",
			d->rel.len ? d->rel.ptr : ".", strerror(errno));
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*n_out = n;
	return 0;
}

/* Takes ownership of dirfd. */
static int walk_dir(dir_walk *d, int dirfd, unsigned depth)
{
	DIR *dir = fdopendir(dirfd);
	size_t base = d->rel.len, n = 0, i;
	char **names = NULL;
	int rc = 0;

	if (!dir) {
		pdg_walk_problem(d->w, base ? d->rel.ptr : ".", NULL,
			"source.unreadable", PDG_SEVERITY_WARNING, -1,
			"%s: %s", base ? d->rel.ptr : ".", strerror(errno));
		close(dirfd);
		return 0;
	}
	list_dir(d, dir, &names, &n);
	for (i = 0; i < n && rc == 0 && !d->stop; i++) {
		if (base)
			pdg_buf_puts(&d->rel, "/");
		pdg_buf_puts(&d->rel, names[i]);
		rc = walk_entry(d, dirfd, names[i], depth);
		d->rel.len = base;
		d->rel.ptr[base] = '\0';
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

int pdg_source_dir_walk(pdg_walk *w, const char *root)
{
	dir_walk d;
	int fd, rc;

	memset(&d, 0, sizeof(d));
	d.w = w;
	d.root = root;
	d.root_real = realpath(root, NULL);
	if (!d.root_real)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND
		                                     : PDG_EINVALID,
		                     "%s: %s", root, strerror(errno));
	d.root_real_len = strlen(d.root_real);
	fd = open(d.root_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = pdg_error_set(PDG_EINVALID, "%s: %s", root,
		                   strerror(errno));
		free(d.root_real);
		return rc;
	}
	pdg_buf_puts(&d.rel, "");
	rc = walk_dir(&d, fd, 0);
	pdg_buf_free(&d.rel);
	free(d.root_real);
	return rc;
}
