/* plugin_loader.c - find, dlopen and check detector plugins.
 *
 * A plugin that fails any check stays in the set as "refused", with the
 * reason, so `pedigree plugins` can say why it is not used; it never stops
 * the others from loading.  Handles are never dlclose()d: a plugin may have
 * pulled in libraries (or registered TLS destructors) whose unloading can
 * crash the host later, and a process loads few plugins.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "pdg_config.h"
#include "plugin_loader.h"
#include "util.h"

/* Plugin names end up in rule ids and reports: keep them short. */
#define NAME_MAX_LEN 64
/* Version and description are for display only. */
#define TEXT_MAX_LEN 256

typedef struct str_list {
	char **items;
	size_t len;
	size_t cap;
} str_list;

static void str_list_push(str_list *l, char *s)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = pdg_xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->len++] = s;
}

static int str_list_has(const str_list *l, const char *s)
{
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->items[i], s) == 0)
			return 1;
	return 0;
}

static void str_list_free(str_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A bounded copy with control characters replaced: plugin strings are
 * printed on terminals and must not smuggle escape sequences. */
static char *copy_clean(const char *s, size_t max)
{
	char *c = pdg_xstrndup(s, strnlen(s, max));

	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

static void refuse(pdg_plugin_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void refuse(pdg_plugin_entry *e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	free((char *)e->info.error);
	e->info.error = copy_clean(msg, sizeof(msg));
	e->info.loaded = 0;
	e->plugin = NULL;
}

/*
 * dlopen() of a FIFO blocks and of a device may have side effects, and a
 * text file gives a confusing linker message: look at the file first.
 * O_NOFOLLOW because a symlinked plugin could be swapped under us; the
 * check races with dlopen() anyway, so it is about clear errors, not
 * security (plugin directories must be trusted).
 */
static int check_elf(pdg_plugin_entry *e, const char *path)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };
	unsigned char head[4];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			refuse(e, "is a symbolic link (not followed)");
		else
			refuse(e, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		refuse(e, "not a regular file");
		return -1;
	}
	do {
		n = read(fd, head, sizeof(head));
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, 4) != 0) {
		refuse(e, "not an ELF shared object");
		return -1;
	}
	return 0;
}

static int name_valid(const char *name)
{
	size_t n = strnlen(name, NAME_MAX_LEN + 1);

	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return 0;
	}
	return 1;
}

/* The plugin's limits, when its descriptor is recent enough to hold
 * them. */
static const pdg_limit_desc *limits_of(const pdg_plugin *d)
{
	if (d->struct_size < offsetof(pdg_plugin, limits) + sizeof(d->limits))
		return NULL;
	return d->limits;
}

/* Limit names are "<plugin>.<what>": unique across plugins by
 * construction, and safe to print. */
static int check_limits(pdg_plugin_entry *e, const pdg_plugin *d)
{
	const pdg_limit_desc *l = limits_of(d);
	size_t plen = strlen(d->name);

	for (size_t i = 0; l && l[i].name; i++) {
		const char *n = l[i].name;
		size_t len = strnlen(n, NAME_MAX_LEN * 2 + 1);
		int valid = len > plen + 1 && len <= NAME_MAX_LEN * 2 &&
		            strncmp(n, d->name, plen) == 0 && n[plen] == '.';

		for (size_t k = plen + 1; valid && k < len; k++)
			valid = (n[k] >= 'a' && n[k] <= 'z') ||
			        (n[k] >= '0' && n[k] <= '9') ||
			        n[k] == '-' || n[k] == '.';
		if (i >= PDG_PLUGIN_MAX_LIMITS) {
			refuse(e, "more than %d limits", PDG_PLUGIN_MAX_LIMITS);
			return -1;
		}
		if (!valid) {
			char *shown = copy_clean(n, NAME_MAX_LEN * 2 + 1);
			refuse(e, "invalid limit name '%s' (want '%s.' and "
			       "[a-z0-9.-])", shown, d->name);
			free(shown);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(l[j].name, n) == 0) {
				refuse(e, "limit '%s' declared twice", n);
				return -1;
			}
	}
	return 0;
}

/* The descriptor checks, in the order the ABI documents them. */
static int check_descriptor(pdg_plugin_entry *e, const pdg_plugin *d)
{
	const size_t min = offsetof(pdg_plugin, free) + sizeof(d->free);

	e->info.abi_version = d->abi_version;
	if (d->abi_version != PDG_PLUGIN_ABI_VERSION) {
		refuse(e, "ABI version %u, host supports %u",
		       (unsigned)d->abi_version,
		       (unsigned)PDG_PLUGIN_ABI_VERSION);
		return -1;
	}
	if (d->struct_size < min) {
		refuse(e, "descriptor too small (%u bytes)",
		       (unsigned)d->struct_size);
		return -1;
	}
	if (!d->name) {
		refuse(e, "descriptor has no name");
		return -1;
	}
	if (!d->version) {
		refuse(e, "descriptor has no version");
		return -1;
	}
	if (!d->init) {
		refuse(e, "descriptor has no init callback");
		return -1;
	}
	if (!d->scan) {
		refuse(e, "descriptor has no scan callback");
		return -1;
	}
	if (!d->free) {
		refuse(e, "descriptor has no free callback");
		return -1;
	}
	if (!name_valid(d->name)) {
		char *shown = copy_clean(d->name, NAME_MAX_LEN + 1);
		refuse(e, "invalid name '%s' (want 1 to %d of [a-z0-9-])",
		       shown, NAME_MAX_LEN);
		free(shown);
		return -1;
	}
	return check_limits(e, d);
}

void pdg_plugin_load_file(pdg_plugin_entry *e, const char *path)
{
	pdg_plugin_entry_fn entry;
	const pdg_plugin *d;
	void *sym;

	memset(e, 0, sizeof(*e));
	/* Without a '/', dlopen() would search the library path instead. */
	e->info.path = strchr(path, '/') ? pdg_xstrdup(path)
	                                 : pdg_xasprintf("./%s", path);
	if (check_elf(e, e->info.path) != 0)
		return;

	e->handle = dlopen(e->info.path, RTLD_NOW | RTLD_LOCAL);
	if (!e->handle) {
		const char *why = dlerror();
		refuse(e, "%s", why ? why : "dlopen failed");
		return;
	}
	dlerror();
	sym = dlsym(e->handle, PDG_PLUGIN_ENTRY);
	if (!sym) {
		refuse(e, "missing entry symbol %s", PDG_PLUGIN_ENTRY);
		return;
	}
	/* POSIX guarantees a data pointer from dlsym() converts to a
	 * function pointer; memcpy says so without a pedantic warning. */
	memcpy(&entry, &sym, sizeof(entry));
	d = entry(PDG_PLUGIN_ABI_VERSION);
	if (!d) {
		refuse(e, "entry returned no descriptor");
		return;
	}
	if (check_descriptor(e, d) != 0)
		return;

	e->plugin = d;
	e->info.loaded = 1;
	e->info.name = pdg_xstrdup(d->name);
	e->info.version = copy_clean(d->version, TEXT_MAX_LEN);
	e->info.description = d->description
		? copy_clean(d->description, TEXT_MAX_LEN) : NULL;
	e->info.kinds = d->kinds;
	/* Borrowed: plugins are never unloaded. */
	e->info.limits = limits_of(d);
}

static void entry_clear(pdg_plugin_entry *e)
{
	free((char *)e->info.name);
	free((char *)e->info.version);
	free((char *)e->info.description);
	free((char *)e->info.path);
	free((char *)e->info.error);
	memset(e, 0, sizeof(*e));
}

/* 1 when `path` (resolved) is `root` or below it. */
static int path_under(const char *path, const char *root)
{
	char rpath[PATH_MAX], rroot[PATH_MAX];
	size_t n;

	if (!path || !realpath(path, rpath) || !realpath(root, rroot))
		return 0;
	n = strlen(rroot);
	if (n == 1)	/* root is "/" */
		return 1;
	return strncmp(rpath, rroot, n) == 0 &&
	       (rpath[n] == '/' || rpath[n] == '\0');
}

static const char self_anchor = 0;

/* A build tree's plugins are for running the build tree: an installed
 * pedigree must never pick up whatever a developer left there. */
static int running_from_build_tree(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	Dl_info di;

	if (n > 0) {
		exe[n] = '\0';
		if (path_under(exe, PDG_BUILD_ROOT))
			return 1;
	}
	if (dladdr(&self_anchor, &di) && di.dli_fname &&
	    path_under(di.dli_fname, PDG_BUILD_ROOT))
		return 1;
	return 0;
}

static void buf_add_dirs(pdg_buf *b, const char *dirs)
{
	if (!dirs || !*dirs)
		return;
	if (b->len)
		pdg_buf_puts(b, ":");
	pdg_buf_puts(b, dirs);
}

char *pdg_plugin_search_path(const char *extra_path)
{
	pdg_buf b = PDG_BUF_INIT;

	buf_add_dirs(&b, extra_path);
	buf_add_dirs(&b, getenv("PEDIGREE_PLUGIN_PATH"));
	if (running_from_build_tree())
		buf_add_dirs(&b, PDG_BUILD_PLUGINDIR);
	buf_add_dirs(&b, PDG_INSTALL_PLUGINDIR);
	return b.ptr ? b.ptr : pdg_xstrdup("");
}

static int has_so_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

/* Add the *.so entries of one directory.  Everything so named but a
 * directory is a candidate, so a symlink or FIFO is reported, not hidden;
 * with `subdirs`, the directories (not symlinks) are searched one level
 * down, which is where the build tree keeps plugins/<name>/<name>.so. */
static void collect_dir(str_list *out, const char *dir, int subdirs)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *p = pdg_xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) != 0) {
			free(p);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (subdirs)
				collect_dir(out, p, 0);
			free(p);
		} else if (has_so_suffix(de->d_name)) {
			str_list_push(out, p);
		} else {
			free(p);
		}
	}
	closedir(d);
}

static void set_push(pdg_plugin_set *s, const pdg_plugin_entry *e)
{
	if (s->len == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->items = pdg_xrealloc(s->items, s->cap * sizeof(*s->items));
	}
	s->items[s->len++] = *e;
}

static const pdg_plugin_entry *set_find_loaded(const pdg_plugin_set *s,
                                               const char *name)
{
	for (size_t i = 0; i < s->len; i++)
		if (s->items[i].info.loaded &&
		    strcmp(s->items[i].info.name, name) == 0)
			return &s->items[i];
	return NULL;
}

static void set_load_file(pdg_plugin_set *s, const char *path)
{
	pdg_plugin_entry e;
	const pdg_plugin_entry *first;

	pdg_plugin_load_file(&e, path);
	if (e.info.loaded && (first = set_find_loaded(s, e.info.name))) {
		/* First in the search path wins, like $PATH. */
		refuse(&e, "shadowed by %s", first->info.path);
	}
	set_push(s, &e);
}

static void set_load_dir(pdg_plugin_set *s, const char *dir)
{
	str_list files = { NULL, 0, 0 };
	size_t n = strlen(dir);
	char *d;

	/* "dir/" would give "dir//x.so" in listings. */
	while (n > 1 && dir[n - 1] == '/')
		n--;
	d = pdg_xstrndup(dir, n);
	collect_dir(&files, d, 1);
	free(d);
	if (files.len)
		qsort(files.items, files.len, sizeof(*files.items), cmp_str);
	for (size_t i = 0; i < files.len; i++)
		set_load_file(s, files.items[i]);
	str_list_free(&files);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const pdg_plugin_info *a = &((const pdg_plugin_entry *)pa)->info;
	const pdg_plugin_info *b = &((const pdg_plugin_entry *)pb)->info;
	int c;

	if (a->loaded != b->loaded)
		return a->loaded ? -1 : 1;
	if (a->loaded)
		return strcmp(a->name, b->name);
	c = strcmp(a->path, b->path);
	if (c == 0)
		c = strcmp(a->error ? a->error : "", b->error ? b->error : "");
	return c;
}

int pdg_plugin_set_load(pdg_plugin_set **out, const char *extra_path)
{
	pdg_plugin_set *s;
	str_list seen = { NULL, 0, 0 };
	char *path, *save = NULL;
	char real[PATH_MAX];

	if (!out)
		return pdg_error_set(PDG_EINVALID, "no output set");
	*out = NULL;
	s = pdg_xcalloc(1, sizeof(*s));
	path = pdg_plugin_search_path(extra_path);
	for (char *dir = strtok_r(path, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		/* A directory named twice (or via a symlink) would shadow
		 * every plugin in it by itself. */
		if (!realpath(dir, real) || str_list_has(&seen, real))
			continue;
		str_list_push(&seen, pdg_xstrdup(real));
		set_load_dir(s, dir);
	}
	free(path);
	str_list_free(&seen);
	if (s->len)
		qsort(s->items, s->len, sizeof(*s->items), cmp_entry);
	*out = s;
	return 0;
}

size_t pdg_plugin_set_count(const pdg_plugin_set *s)
{
	return s ? s->len : 0;
}

int pdg_plugin_set_info(pdg_plugin_info *out, const pdg_plugin_set *s,
                        size_t i)
{
	if (!out || !s || i >= s->len)
		return pdg_error_set(PDG_EINVALID,
		                     "plugin index %zu out of range", i);
	*out = s->items[i].info;
	return 0;
}

void pdg_plugin_set_free(pdg_plugin_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->len; i++)
		entry_clear(&s->items[i]);
	free(s->items);
	free(s);
}
