/* source_archive.c - members of archives as artifacts, read as streams.
 *
 * Nothing is extracted: each regular member is handed to the walk while
 * libarchive is positioned on it, and read with archive_read_data().  A
 * member that is itself an archive is opened by the engine through
 * pdg_source_archive_walk_artifact(), which reads the outer member with
 * pdg_artifact_read_at() from offset 0: archives in archives never touch
 * the disk either.
 *
 * Decompression is bounded by limits.max_expand over the whole walk.  Data
 * nobody reads is drained here in small blocks rather than skipped by
 * libarchive, because a skip of a compressed member decompresses all of it
 * in one call, before any limit could be checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "error.h"
#include "source.h"
#include "util.h"

#define INBUF_SIZE (64u * 1024u)
/* archive_read_data() returns an error, not the bytes it had already
 * copied, when a block fails: ask for no more than a block at a time so
 * that a truncated member loses at most that much of what was read. */
#define MEMBER_READ_MAX (64u * 1024u)

/* max_expand_ratio applies once this much was decompressed: small
 * archives of zeros are common and harmless. */
#define RATIO_MIN_BYTES ((uint64_t)64 << 20)

/* Where the archive's bytes come from: a file, or an outer artifact. */
typedef struct arc_input {
	pdg_walk *w;
	int fd;                 /* top-level file, or -1 */
	struct pdg_artifact *outer;
	uint64_t size;          /* for SEEK_END */
	uint64_t off;           /* next byte to read */
	uint8_t *buf;
} arc_input;

typedef struct arc_walk {
	pdg_walk *w;
	struct archive *ar;
	arc_input in;
	const char *display;    /* file or outer artifact path */
	const char *prefix;     /* "<outer>!/" paths, NULL at top level */
	const char *commit;
	unsigned depth;         /* of the members */
	int nested;
	int seekable;           /* random access to the input */
	pdg_buf path;
	uint64_t headers;
	uint64_t data_bytes;    /* member bytes decompressed */
	uint64_t counted;       /* what this archive added to w->expanded */
	int must_report;        /* this walk crossed max_expand */
	int member_failed;      /* reading the current member failed */
	int fatal;              /* the archive cannot be read further */
} arc_walk;

static const char *arc_msg(struct archive *ar)
{
	const char *m = archive_error_string(ar);

	return m ? m : "unknown error";
}

static uint64_t bytes_raw(arc_walk *aw)
{
	int64_t n = archive_filter_bytes(aw->ar, -1);

	return n > 0 ? (uint64_t)n : 0;
}

/* 1 when members are stored raw in the (maybe compressed) stream, as in
 * tar: their bytes are not decompressed beyond the stream itself. */
static int members_raw(arc_walk *aw)
{
	int fmt = archive_format(aw->ar) & ARCHIVE_FORMAT_BASE_MASK;

	return fmt == ARCHIVE_FORMAT_TAR || fmt == ARCHIVE_FORMAT_CPIO
	       || fmt == ARCHIVE_FORMAT_AR || fmt == ARCHIVE_FORMAT_EMPTY;
}

/* Add what was decompressed since the last call to w->expanded: the
 * output of a compression filter (tar.gz: headers and skipped data
 * included), or the members' data where members are compressed one by
 * one (zip, 7z).  Raw bytes passed through (a plain tar) cost no
 * decompression and are not counted: an outer archive counted them. */
static void account(arc_walk *aw, uint64_t data)
{
	pdg_walk *w = aw->w;
	uint64_t cur = 0;

	aw->data_bytes += data;
	if (archive_filter_code(aw->ar, 0) != ARCHIVE_FILTER_NONE) {
		int64_t fb = archive_filter_bytes(aw->ar, 0);

		cur = fb > 0 ? (uint64_t)fb : 0;
	}
	if (!members_raw(aw) && aw->data_bytes > cur)
		cur = aw->data_bytes;
	if (cur > aw->counted) {
		w->expanded += cur - aw->counted;
		aw->counted = cur;
	}
	if (!w->expand_exceeded && w->expanded > w->limits->max_expand) {
		w->expand_exceeded = 1;
		aw->must_report = 1;
	}
	/* A bomb expands a thousandfold and more: stop it at the ratio long
	 * before the total, without waiting for gigabytes of zeros. */
	if (!w->expand_exceeded && w->limits->max_expand_ratio &&
	    w->expanded > RATIO_MIN_BYTES && w->raw &&
	    w->expanded / w->raw > w->limits->max_expand_ratio) {
		w->expand_exceeded = 1;
		w->ratio_exceeded = 1;
		aw->must_report = 1;
	}
}

/* --- libarchive client callbacks ------------------------------------ */

static int64_t input_read(arc_input *in, void *buf, size_t len)
{
	ssize_t n;

	if (in->outer)
		return pdg_artifact_read_at(in->outer, buf, len, in->off);
	do
		n = pread(in->fd, buf, len, (off_t)in->off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pdg_error_set(PDG_EIO, "read error: %s",
		                     strerror(errno));
	return n;
}

static la_ssize_t cb_read(struct archive *ar, void *ctx, const void **buf)
{
	arc_input *in = ctx;
	int64_t n = input_read(in, in->buf, INBUF_SIZE);

	if (n < 0) {
		archive_set_error(ar, EIO, "%s", pdg_error_last());
		return -1;
	}
	/* What the ratio divides by: bytes of the input itself, not the
	 * output of an outer archive (counted as expanded already). */
	if (!in->outer || !(in->outer->flags & PDG_ARTIFACT_IN_ARCHIVE))
		in->w->raw += (uint64_t)n;
	in->off += (uint64_t)n;
	*buf = in->buf;
	return (la_ssize_t)n;
}

/* Skipping only moves the offset: a file is read with pread(), and an
 * outer artifact skips forward by itself in pdg_artifact_read_at(). */
static la_int64_t cb_skip(struct archive *ar, void *ctx, la_int64_t req)
{
	arc_input *in = ctx;

	(void)ar;
	if (req <= 0)
		return 0;
	if (in->fd >= 0) {
		uint64_t left = in->off < in->size ? in->size - in->off : 0;

		if ((uint64_t)req > left)
			req = (la_int64_t)left;
	}
	if (in->off > INT64_MAX - (uint64_t)req)
		return 0;
	in->off += (uint64_t)req;
	return req;
}

static la_int64_t cb_seek(struct archive *ar, void *ctx, la_int64_t off,
                          int whence)
{
	arc_input *in = ctx;
	int64_t base = 0;

	(void)ar;
	if (whence == SEEK_CUR)
		base = (int64_t)in->off;
	else if (whence == SEEK_END)
		base = (int64_t)in->size;
	/* Offsets come from archive headers: never trust them to add up. */
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return ARCHIVE_FATAL;
	in->off = (uint64_t)(base + off);
	return (la_int64_t)in->off;
}

/* --- members --------------------------------------------------------- */

static int64_t member_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	arc_walk *aw = ctx;
	la_ssize_t n;

	(void)off;  /* sequential: always the stream position */
	if (len > MEMBER_READ_MAX)
		len = MEMBER_READ_MAX;
	if (aw->w->expand_exceeded)
		return pdg_error_set(PDG_ELIMIT,
			"%s: decompression limit reached (max_expand)",
			aw->path.ptr);
	if (aw->member_failed)
		return pdg_error_set(PDG_EIO, "%s: %s", aw->path.ptr,
		                     arc_msg(aw->ar));
	n = archive_read_data(aw->ar, buf, len);
	if (n < 0) {
		aw->member_failed = 1;
		aw->fatal = n == ARCHIVE_FATAL;
		return pdg_error_set(PDG_EIO, "%s: %s", aw->path.ptr,
		                     arc_msg(aw->ar));
	}
	account(aw, (uint64_t)n);
	return n;
}

/* 1 when a member name could escape an extraction root: absolute, or
 * with a ".." component ('\\' counts as a separator for Windows tools). */
static int name_unsafe(const char *name)
{
	const char *p = name;

	if (name[0] == '/' || name[0] == '\\')
		return 1;
	if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z')
	    && name[1] == ':' && (name[2] == '/' || name[2] == '\\'))
		return 1;  /* C:\ */
	while (*p) {
		size_t n = strcspn(p, "/\\");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static void member_path(arc_walk *aw, const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	aw->path.len = 0;
	if (aw->prefix) {
		pdg_buf_puts(&aw->path, aw->prefix);
		pdg_buf_puts(&aw->path, "!/");
	}
	pdg_buf_puts(&aw->path, name[0] ? name : "(unnamed)");
}

static void report_link(arc_walk *aw, const char *target, int hard)
{
	int escapes = name_unsafe(target);
	pdg_severity sev = escapes ? PDG_SEVERITY_WARNING : PDG_SEVERITY_INFO;

	pdg_walk_problem(aw->w, aw->path.ptr, aw->commit,
		"source.archive-link", sev, -1,
		"%s: %s link to '%s'%s; not followed", aw->path.ptr,
		hard ? "hard" : "symbolic", target,
		escapes ? " (outside the archive)" : "");
}

/* Hand one regular member to the walk.  1: stop (file limit). */
static int emit_member(arc_walk *aw, struct archive_entry *e)
{
	pdg_walk *w = aw->w;
	struct pdg_artifact a;
	int rc;

	if (w->files >= w->limits->max_files) {
		pdg_walk_problem(w, aw->path.ptr, aw->commit,
			"source.file-limit", PDG_SEVERITY_WARNING, -1,
			"stopped after %llu files (limit max_files); "
			"the rest of the archive was not read",
			(unsigned long long)w->files);
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.source = w->source;
	a.path = aw->path.ptr;
	a.commit = aw->commit;
	a.component = w->component;
	a.size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
	         ? (uint64_t)archive_entry_size(e) : 0;
	a.flags = PDG_ARTIFACT_IN_ARCHIVE | PDG_ARTIFACT_SEQUENTIAL;
	a.depth = aw->depth;
	a.read = member_read;
	a.read_ctx = aw;
	a.max_read = w->limits->max_read;
	w->files++;
	rc = w->cb->artifact(w, &a, w->cb->payload);
	pdg_artifact_release(&a);
	return rc < 0 ? rc : 0;
}

/* 1 when libarchive's own skip of unread data costs no decompression:
 * members stored raw in an uncompressed stream, where a skip is a seek
 * (or, nested, a forward read the outer archive accounts for). */
static int skip_is_cheap(arc_walk *aw)
{
	return archive_filter_code(aw->ar, 0) == ARCHIVE_FILTER_NONE
	       && members_raw(aw);
}

/* Decompress what is left of the member, counting it. */
static void drain_member(arc_walk *aw)
{
	const void *block;
	size_t size;
	la_int64_t off;
	int r;

	if (aw->member_failed || skip_is_cheap(aw))
		return;
	while (!aw->w->expand_exceeded) {
		r = archive_read_data_block(aw->ar, &block, &size, &off);
		if (r == ARCHIVE_EOF)
			return;
		if (r < ARCHIVE_WARN) {
			aw->member_failed = 1;
			aw->fatal = r == ARCHIVE_FATAL;
			return;
		}
		account(aw, size);
	}
}

static void report_expand(arc_walk *aw)
{
	pdg_walk *w = aw->w;

	aw->must_report = 0;
	if (w->ratio_exceeded)
		pdg_walk_problem(w, aw->path.len ? aw->path.ptr : aw->display,
			aw->commit, "source.expand-ratio", PDG_SEVERITY_WARNING,
			(int64_t)bytes_raw(aw),
			"%s: stopped after decompressing %llu bytes from %llu "
			"(limit max_expand_ratio %llu); the rest of the input "
			"was not read", aw->display,
			(unsigned long long)w->expanded,
			(unsigned long long)w->raw,
			(unsigned long long)w->limits->max_expand_ratio);
	else
		pdg_walk_problem(w, aw->path.len ? aw->path.ptr : aw->display,
			aw->commit, "source.expand-limit", PDG_SEVERITY_WARNING,
			(int64_t)bytes_raw(aw),
			"%s: stopped after decompressing %llu bytes (limit "
			"max_expand %llu); the rest of the input was not read",
			aw->display, (unsigned long long)w->expanded,
			(unsigned long long)w->limits->max_expand);
}

/* Reading stopped on an error.  At the top level, an input where not even
 * one header could be read is not an archive: an error, not a finding. */
static int read_failed(arc_walk *aw)
{
	if (aw->w->expand_exceeded)
		return 0;  /* the outer stream was cut: already reported */
	if (aw->headers == 0 && !aw->nested)
		return pdg_error_set(PDG_EINVALID,
			"%s: not a readable archive: %s", aw->display,
			arc_msg(aw->ar));
	if (aw->headers == 0) {
		pdg_walk_problem(aw->w, aw->display, aw->commit,
			"source.archive-unreadable", PDG_SEVERITY_WARNING, -1,
			"%s: not a readable archive: %s", aw->display,
			arc_msg(aw->ar));
		return 0;
	}
	pdg_walk_problem(aw->w, aw->display, aw->commit,
		"source.archive-truncated", PDG_SEVERITY_WARNING,
		(int64_t)bytes_raw(aw),
		"%s: archive is truncated or corrupt; reading stopped at "
		"byte %llu after %llu entries: %s", aw->display,
		(unsigned long long)bytes_raw(aw),
		(unsigned long long)aw->headers, arc_msg(aw->ar));
	return 0;
}

/* One header: returns 0 to go on, 1 to stop, <0 to abort the walk. */
static int visit_entry(arc_walk *aw, struct archive_entry *e)
{
	const char *name = archive_entry_pathname_utf8(e);
	const char *hard = archive_entry_hardlink(e);
	int rc;

	if (!name)
		name = archive_entry_pathname(e);
	member_path(aw, name ? name : "");
	aw->member_failed = 0;
	if (hard) {
		report_link(aw, hard, 1);
		return 0;
	}
	if (archive_entry_filetype(e) == AE_IFLNK) {
		const char *t = archive_entry_symlink(e);

		report_link(aw, t ? t : "", 0);
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;  /* directories and the like hold no data */
	if (name_unsafe(name ? name : ""))
		pdg_walk_problem(aw->w, aw->path.ptr, aw->commit,
			"source.archive-unsafe-path", PDG_SEVERITY_WARNING, -1,
			"%s: member name is absolute or contains '..'; "
			"extracting it could write outside the target "
			"directory (read here as a name only)",
			aw->path.ptr);
	if (archive_entry_is_data_encrypted(e)) {
		pdg_walk_problem(aw->w, aw->path.ptr, aw->commit,
			"source.archive-encrypted", PDG_SEVERITY_WARNING, -1,
			"%s: encrypted member; not read", aw->path.ptr);
		return 0;
	}
	rc = emit_member(aw, e);
	if (rc != 0)
		return rc;
	drain_member(aw);
	return 0;
}

/* 0 at the end, 1 to stop early, <0 to abort the walk. */
static int next_entry(arc_walk *aw)
{
	struct archive_entry *e;
	int r, rc, fmt;

	r = archive_read_next_header(aw->ar, &e);
	if (r == ARCHIVE_EOF)
		return 1;
	if (r < ARCHIVE_WARN) {
		rc = read_failed(aw);
		return rc < 0 ? rc : 1;
	}
	aw->headers++;
	account(aw, 0);
	if (aw->w->expand_exceeded)
		return 1;
	fmt = archive_format(aw->ar) & ARCHIVE_FORMAT_BASE_MASK;
	if (!aw->seekable && fmt == ARCHIVE_FORMAT_7ZIP) {
		/* Its headers are at the end and its data must be sought
		 * back to: only possible while the member fits max_read. */
		pdg_walk_problem(aw->w, aw->display, aw->commit,
			"source.archive-unreadable", PDG_SEVERITY_WARNING, -1,
			"%s: a 7z archive needs random access and this one "
			"is inside a stream and larger than max_read; "
			"not opened", aw->display);
		return 1;
	}
	rc = visit_entry(aw, e);
	if (rc != 0)
		return rc;
	if (aw->fatal) {
		rc = read_failed(aw);
		return rc < 0 ? rc : 1;
	}
	if (aw->member_failed && !aw->w->expand_exceeded)
		pdg_walk_problem(aw->w, aw->path.ptr, aw->commit,
			"source.archive-member-unreadable",
			PDG_SEVERITY_WARNING, -1,
			"%s: member could not be read: %s", aw->path.ptr,
			arc_msg(aw->ar));
	return 0;
}

static int walk_entries(arc_walk *aw)
{
	int rc = 0;

	while (rc == 0 && !aw->w->expand_exceeded)
		rc = next_entry(aw);
	if (aw->must_report)
		report_expand(aw);
	return rc < 0 ? rc : 0;
}

static void enable_formats(struct archive *ar)
{
	/* Decompressors that run in-process only: filter_all would also
	 * register ones that spawn external programs (lrzip, grzip...). */
	archive_read_support_filter_gzip(ar);
	archive_read_support_filter_bzip2(ar);
	archive_read_support_filter_compress(ar);
	archive_read_support_filter_xz(ar);
	archive_read_support_filter_lzma(ar);
	archive_read_support_filter_lzip(ar);
	archive_read_support_filter_zstd(ar);
	archive_read_support_filter_lz4(ar);
	/* format_all without mtree: an mtree "archive" names files on the
	 * local disk and libarchive would read their contents. */
	archive_read_support_format_7zip(ar);
	archive_read_support_format_ar(ar);
	archive_read_support_format_cab(ar);
	archive_read_support_format_cpio(ar);
	archive_read_support_format_empty(ar);
	archive_read_support_format_iso9660(ar);
	archive_read_support_format_lha(ar);
	archive_read_support_format_rar(ar);
	archive_read_support_format_rar5(ar);
	archive_read_support_format_tar(ar);
	archive_read_support_format_warc(ar);
	archive_read_support_format_xar(ar);
	archive_read_support_format_zip(ar);
}

/* Open aw->in with libarchive and walk it.  `seekable`: random access is
 * possible (zip central directories, 7z headers at the end). */
static int walk_input(arc_walk *aw, int seekable)
{
	int rc;

	aw->ar = archive_read_new();
	if (!aw->ar)
		return pdg_error_set(PDG_ENOMEM, "out of memory");
	enable_formats(aw->ar);
	aw->in.buf = pdg_xmalloc(INBUF_SIZE);
	aw->seekable = seekable;
	if (seekable)
		archive_read_set_seek_callback(aw->ar, cb_seek);
	if (archive_read_open2(aw->ar, &aw->in, NULL, cb_read, cb_skip,
	                       NULL) != ARCHIVE_OK)
		rc = read_failed(aw);
	else
		rc = walk_entries(aw);
	archive_read_free(aw->ar);
	aw->ar = NULL;
	free(aw->in.buf);
	pdg_buf_free(&aw->path);
	return rc;
}

int pdg_source_archive_walk_file(pdg_walk *w, const char *file)
{
	arc_walk aw;
	struct stat st;
	int rc;

	if (w->expand_exceeded)
		return 0;
	memset(&aw, 0, sizeof(aw));
	aw.in.fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (aw.in.fd < 0)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND
		                                     : PDG_EINVALID,
		                     "%s: %s", file, strerror(errno));
	if (fstat(aw.in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(aw.in.fd);
		return pdg_error_set(PDG_EINVALID,
		                     "%s: not a regular file", file);
	}
	aw.in.size = (uint64_t)st.st_size;
	aw.in.w = w;
	aw.w = w;
	aw.display = file;
	aw.depth = 1;
	rc = walk_input(&aw, 1);
	close(aw.in.fd);
	return rc;
}

/* An archive member can be re-read (and so seeked in) only while all of
 * it fits in its head cache; bigger members are read as pure streams. */
static int outer_seekable(struct pdg_artifact *a)
{
	uint64_t size = pdg_artifact_size(a);
	const uint8_t *data;
	size_t len;

	if (!(a->flags & PDG_ARTIFACT_SEQUENTIAL))
		return 1;
	if (size >= a->max_read)
		return 0;
	if (pdg_artifact_head(a, (size_t)size + 1, &data, &len) < 0)
		return 0;
	return a->head_eof;
}

int pdg_source_archive_walk_artifact(pdg_walk *w, struct pdg_artifact *a)
{
	arc_walk aw;
	int seekable;

	if (w->expand_exceeded)
		return 0;
	if (a->depth > w->limits->max_archive_depth) {
		pdg_walk_problem(w, a->path, a->commit, "source.archive-depth",
			PDG_SEVERITY_WARNING, -1,
			"%s: archive nested %u deep (limit "
			"max_archive_depth %u); not opened", a->path,
			a->depth, (unsigned)w->limits->max_archive_depth);
		return 0;
	}
	memset(&aw, 0, sizeof(aw));
	aw.w = w;
	aw.in.w = w;
	aw.in.fd = -1;
	aw.in.outer = a;
	aw.display = a->path;
	aw.prefix = a->path;
	aw.commit = a->commit;
	aw.depth = a->depth + 1;
	aw.nested = 1;
	seekable = outer_seekable(a);
	aw.in.size = seekable && (a->flags & PDG_ARTIFACT_SEQUENTIAL)
	             ? a->head_len : pdg_artifact_size(a);
	return walk_input(&aw, seekable);
}
