/* kb.c - load, check and look up the knowledge base. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

#include "kb/kb_internal.h"

/* Bound on all the YAML one knowledge base may read. */
#define PDG_KB_MAX_TOTAL_BYTES (16u * 1024 * 1024)

struct kb_item {
	pdg_kb_entry e;           /* first: pdg_kb_at() hands out &item->e */
	const char *file;
	unsigned line;
	unsigned use_policy_line;
	size_t seq;               /* load order, to blame the later twin */
};

struct prov_item {
	pdg_kb_provider p;        /* first: handed out as &item->p */
	const char *file;
	unsigned line;
	unsigned terms_line;
};

struct pdg_kb {
	struct kb_item *items;
	size_t n;
	size_t cap;
	struct prov_item *provs;  /* in load order: lookups try them so */
	size_t nprovs;
	size_t capprovs;
	size_t bytes;
	pdg_kb_arena *arena;
	/* One value derived from the entries (pdg_kb_cache): the KB is
	 * read-only to its users, the cache is built once under the lock. */
	pthread_mutex_t cache_lock;
	void *cache;
	void *(*cache_build)(const pdg_kb *);
	void (*cache_free)(void *);
};

struct load_ctx {
	pdg_kb *kb;
	const char *file;
	unsigned doc_no;
};

static int on_provider(pdg_kb *kb, struct load_ctx *c,
                       const pdg_kb_node *root)
{
	if (kb->nprovs == kb->capprovs) {
		kb->capprovs = kb->capprovs ? kb->capprovs * 2 : 16;
		kb->provs = pdg_xrealloc(kb->provs,
		                         kb->capprovs * sizeof(*kb->provs));
	}
	struct prov_item *it = &kb->provs[kb->nprovs];
	int rc = pdg_kb_provider_from_node(&it->p, &it->terms_line,
	                                   &kb->arena, c->file, root,
	                                   c->doc_no);
	if (rc)
		return rc;
	it->file = c->file;
	it->line = root->line;
	kb->nprovs++;
	return 0;
}

static int on_document(const pdg_kb_node *root, unsigned line,
                       void *payload)
{
	struct load_ctx *c = payload;
	pdg_kb *kb = c->kb;

	c->doc_no++;
	if (!root)
		return 0;
	if (kb->n + kb->nprovs >= PDG_KB_MAX_ENTRIES)
		return pdg_error_set(PDG_ELIMIT, "%s:%u: more than %u "
		                     "entries", c->file, line,
		                     PDG_KB_MAX_ENTRIES);
	if (pdg_kb_is_provider_node(root))
		return on_provider(kb, c, root);
	if (kb->n == kb->cap) {
		kb->cap = kb->cap ? kb->cap * 2 : 64;
		kb->items = pdg_xrealloc(kb->items,
		                         kb->cap * sizeof(*kb->items));
	}
	struct kb_item *it = &kb->items[kb->n];
	int rc = pdg_kb_entry_from_node(&it->e, &it->use_policy_line,
	                                &kb->arena, c->file, root,
	                                c->doc_no);
	if (rc)
		return rc;
	it->file = c->file;
	it->line = root->line;
	it->seq = kb->n;
	kb->n++;
	return 0;
}

static int load_buffer(pdg_kb *kb, const char *name, const char *data,
                       size_t len)
{
	struct load_ctx c = { kb, NULL, 0 };

	if (len > PDG_KB_MAX_TOTAL_BYTES - kb->bytes)
		return pdg_error_set(PDG_ELIMIT, "%s: the knowledge base is "
		                     "larger than %u bytes", name,
		                     PDG_KB_MAX_TOTAL_BYTES);
	kb->bytes += len;
	c.file = pdg_kb_arena_strndup(&kb->arena, name, strlen(name));
	return pdg_kb_yaml_parse(c.file, data, len, on_document, &c);
}

static int read_fd(int fd, const char *path, char **out, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return pdg_error_set(PDG_EIO, "%s: %s", path, strerror(errno));
	/* Never block on a FIFO or read a device as YAML. */
	if (!S_ISREG(st.st_mode))
		return pdg_error_set(PDG_EINVALID, "%s: not a regular file",
		                     path);
	if (st.st_size > (off_t)PDG_KB_MAX_FILE_BYTES)
		return pdg_error_set(PDG_ELIMIT, "%s: larger than %u bytes",
		                     path, PDG_KB_MAX_FILE_BYTES);
	size_t cap = (size_t)st.st_size + 1, used = 0;
	char *buf = pdg_xmalloc(cap);
	for (;;) {
		if (used == cap) {
			/* The file grew while we read it. */
			free(buf);
			return pdg_error_set(PDG_ELIMIT, "%s: changed while "
			                     "being read", path);
		}
		ssize_t r = read(fd, buf + used, cap - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return pdg_error_set(PDG_EIO, "%s: %s", path,
			                     strerror(e));
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	*out = buf;
	*len = used;
	return 0;
}

static int load_file(pdg_kb *kb, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (fd < 0)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND : PDG_EIO,
		                     "%s: %s", path, strerror(errno));
	rc = read_fd(fd, path, &data, &len);
	close(fd);
	if (rc)
		return rc;
	rc = load_buffer(kb, path, data, len);
	free(data);
	return rc;
}

static int is_yaml_name(const char *name)
{
	return name[0] != '.' && (pdg_ends_with_ci(name, ".yaml") ||
	                          pdg_ends_with_ci(name, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* *.yaml and *.yml directly in `dir`, in byte order of their names. */
static int list_dir(const char *dir, char ***out, size_t *count)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;

	if (!d)
		return pdg_error_set(PDG_EIO, "%s: %s", dir, strerror(errno));
	names = pdg_xmalloc(PDG_KB_MAX_FILES * sizeof(*names));
	while ((de = readdir(d)) != NULL) {
		if (!is_yaml_name(de->d_name))
			continue;
		if (n == PDG_KB_MAX_FILES) {
			closedir(d);
			free_names(names, n);
			return pdg_error_set(PDG_ELIMIT, "%s: more than %u "
			                     "YAML files", dir,
			                     PDG_KB_MAX_FILES);
		}
		names[n++] = pdg_xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	*out = names;
	*count = n;
	return 0;
}

static int load_dir(pdg_kb *kb, const char *dir)
{
	char **names = NULL;
	size_t n = 0;
	int rc = list_dir(dir, &names, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		size_t dl = strlen(dir);
		char *path = pdg_xasprintf("%s%s%s", dir,
		                           dl && dir[dl - 1] == '/' ? "" : "/",
		                           names[i]);
		rc = load_file(kb, path);
		free(path);
	}
	free_names(names, n);
	if (!rc && n == 0)
		rc = pdg_error_set(PDG_EINVALID, "%s: no *.yaml files",
		                   dir);
	return rc;
}

static int cmp_item(const void *a, const void *b)
{
	const struct kb_item *x = a, *y = b;

	return strcasecmp(x->e.id, y->e.id);
}

struct tag_ref {
	const char *tag;
	const struct kb_item *item;
	int is_name;
};

static int cmp_tag(const void *a, const void *b)
{
	const struct tag_ref *x = a, *y = b;
	int c = x->is_name - y->is_name;

	return c ? c : strcasecmp(x->tag, y->tag);
}

static const struct kb_item *later(const struct kb_item *a,
                                   const struct kb_item *b)
{
	return a->seq > b->seq ? a : b;
}

/* Each `license:` tag and each `license_name:` must name one entry, or
 * pdg_kb_find_hf() would depend on load order; a marker names one
 * document, so two entries cannot share it. */
static int check_unique_names(const pdg_kb *kb)
{
	static const char *const what[] = { "hf_tags value",
	                                    "hf_names value", "marker" };
	size_t n = 0, k = 0;
	int rc = 0;

	for (size_t i = 0; i < kb->n; i++)
		n += kb->items[i].e.n_hf_tags + kb->items[i].e.n_hf_names +
		     kb->items[i].e.n_markers;
	struct tag_ref *refs = pdg_xmalloc((n ? n : 1) * sizeof(*refs));
	for (size_t i = 0; i < kb->n; i++) {
		const pdg_kb_entry *e = &kb->items[i].e;

		for (size_t j = 0; j < e->n_hf_tags; j++)
			refs[k++] = (struct tag_ref){ e->hf_tags[j],
			                              &kb->items[i], 0 };
		for (size_t j = 0; j < e->n_hf_names; j++)
			refs[k++] = (struct tag_ref){ e->hf_names[j],
			                              &kb->items[i], 1 };
		for (size_t j = 0; j < e->n_markers; j++)
			refs[k++] = (struct tag_ref){ e->markers[j],
			                              &kb->items[i], 2 };
	}
	qsort(refs, n, sizeof(*refs), cmp_tag);
	for (size_t i = 1; i < n && !rc; i++) {
		if (cmp_tag(&refs[i - 1], &refs[i]) != 0)
			continue;
		const struct kb_item *a = refs[i - 1].item, *b = refs[i].item;
		const struct kb_item *l = later(a, b), *f = l == a ? b : a;
		const char *tag = l == a ? refs[i - 1].tag : refs[i].tag;
		rc = pdg_error_set(PDG_EINVALID, "%s:%u: entry '%s': %s '%s' "
		                   "is already used by entry '%s' (%s:%u)",
		                   l->file, l->line, l->e.id,
		                   what[refs[i].is_name], tag, f->e.id,
		                   f->file, f->line);
	}
	free(refs);
	return rc;
}

static int check_use_policies(const pdg_kb *kb)
{
	for (size_t i = 0; i < kb->n; i++) {
		const struct kb_item *it = &kb->items[i];
		const pdg_kb_entry *p;

		if (!it->e.use_policy)
			continue;
		p = pdg_kb_find(kb, it->e.use_policy);
		if (!p || p->kind != PDG_KB_USE_POLICY)
			return pdg_error_set(PDG_EINVALID,
				"%s:%u: entry '%s': use_policy '%s' is not a "
				"use-policy entry of the knowledge base",
				it->file, it->use_policy_line, it->e.id,
				it->e.use_policy);
	}
	return 0;
}

static int check_terms_known(const pdg_kb *kb, const struct prov_item *it,
                             const char *const *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!pdg_kb_find(kb, ids[i]))
			return pdg_error_set(PDG_EINVALID, "%s:%u: provider "
			                     "'%s': terms '%s' is not an entry "
			                     "of the knowledge base", it->file,
			                     it->terms_line, it->p.id, ids[i]);
	return 0;
}

/* Provider ids are unique and every document they name exists. */
static int check_providers(const pdg_kb *kb)
{
	for (size_t i = 0; i < kb->nprovs; i++) {
		const struct prov_item *it = &kb->provs[i];
		int rc = check_terms_known(kb, it, it->p.terms,
		                           it->p.n_terms);

		for (size_t j = 0; !rc && j < it->p.n_checkpoints; j++)
			rc = check_terms_known(kb, it,
			                       it->p.checkpoints[j].terms,
			                       it->p.checkpoints[j].n_terms);
		for (size_t j = 0; !rc && j < i; j++)
			if (strcasecmp(kb->provs[j].p.id, it->p.id) == 0)
				rc = pdg_error_set(PDG_EINVALID, "%s:%u: "
				        "provider '%s': duplicate id (first "
				        "defined at %s:%u)", it->file,
				        it->line, it->p.id,
				        kb->provs[j].file, kb->provs[j].line);
		if (rc)
			return rc;
	}
	return 0;
}

/* Sort, then refuse what only shows across entries. */
static int finish(pdg_kb *kb, const char *what)
{
	if (kb->n == 0)
		return pdg_error_set(PDG_EINVALID, "%s: no knowledge-base "
		                     "entries", what);
	qsort(kb->items, kb->n, sizeof(*kb->items), cmp_item);
	for (size_t i = 1; i < kb->n; i++) {
		const struct kb_item *a = &kb->items[i - 1];
		const struct kb_item *b = &kb->items[i];

		if (cmp_item(a, b) != 0)
			continue;
		const struct kb_item *l = later(a, b), *f = l == a ? b : a;
		return pdg_error_set(PDG_EINVALID, "%s:%u: entry '%s': "
		                     "duplicate id (first defined at %s:%u)",
		                     l->file, l->line, l->e.id, f->file,
		                     f->line);
	}
	int rc = check_use_policies(kb);
	if (!rc)
		rc = check_unique_names(kb);
	return rc ? rc : check_providers(kb);
}

static pdg_kb *kb_new(void)
{
	pdg_kb *kb = pdg_xcalloc(1, sizeof(pdg_kb));

	pthread_mutex_init(&kb->cache_lock, NULL);
	return kb;
}

void *pdg_kb_cache(const pdg_kb *kb, void *(*build)(const pdg_kb *),
                   void (*destroy)(void *))
{
	pdg_kb *k = (pdg_kb *)kb;   /* the cache is not the KB's content */
	void *v = NULL;

	if (!kb || !build)
		return NULL;
	pthread_mutex_lock(&k->cache_lock);
	if (!k->cache_build) {
		k->cache = build(kb);
		k->cache_build = build;
		k->cache_free = destroy;
	}
	if (k->cache_build == build)
		v = k->cache;
	pthread_mutex_unlock(&k->cache_lock);
	return v;
}

int pdg_kb_load_default(pdg_kb **out)
{
	pdg_kb *kb = kb_new();
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; !rc && i < pdg_kb_blob_nfiles; i++) {
		const pdg_kb_blob_file *f = &pdg_kb_blob_files[i];
		char *name = pdg_xasprintf("core/kb/%s", f->name);

		rc = load_buffer(kb, name, pdg_kb_blob_bytes + f->offset,
		                 f->size);
		free(name);
	}
	if (!rc)
		rc = finish(kb, "built-in knowledge base");
	if (rc) {
		pdg_kb_free(kb);
		return rc;
	}
	*out = kb;
	return 0;
}

int pdg_kb_load_path(pdg_kb **out, const char *path)
{
	struct stat st;
	pdg_kb *kb;
	int rc;

	*out = NULL;
	if (!path || !*path)
		return pdg_error_set(PDG_EUSAGE, "no knowledge-base path");
	if (stat(path, &st) != 0)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND : PDG_EIO,
		                     "%s: %s", path, strerror(errno));
	kb = kb_new();
	rc = S_ISDIR(st.st_mode) ? load_dir(kb, path) : load_file(kb, path);
	if (!rc)
		rc = finish(kb, path);
	if (rc) {
		pdg_kb_free(kb);
		return rc;
	}
	*out = kb;
	return 0;
}

size_t pdg_kb_count(const pdg_kb *kb)
{
	return kb ? kb->n : 0;
}

const pdg_kb_entry *pdg_kb_at(const pdg_kb *kb, size_t i)
{
	return kb && i < kb->n ? &kb->items[i].e : NULL;
}

static int cmp_key_item(const void *key, const void *elem)
{
	const struct kb_item *it = elem;

	return strcasecmp(key, it->e.id);
}

const pdg_kb_entry *pdg_kb_find(const pdg_kb *kb, const char *id)
{
	const struct kb_item *it;

	if (!kb || !id)
		return NULL;
	it = bsearch(id, kb->items, kb->n, sizeof(*kb->items), cmp_key_item);
	return it ? &it->e : NULL;
}

static const pdg_kb_entry *find_in(const pdg_kb *kb, const char *value,
                                   int names)
{
	for (size_t i = 0; i < kb->n; i++) {
		const pdg_kb_entry *e = &kb->items[i].e;
		const char *const *v = names ? e->hf_names : e->hf_tags;
		size_t n = names ? e->n_hf_names : e->n_hf_tags;

		for (size_t j = 0; j < n; j++)
			if (strcasecmp(v[j], value) == 0)
				return e;
	}
	return NULL;
}

const pdg_kb_entry *pdg_kb_find_hf(const pdg_kb *kb, const char *tag,
                                   const char *license_name)
{
	const pdg_kb_entry *e;

	if (!kb || !tag)
		return NULL;
	if (strcasecmp(tag, "other") == 0) {
		if (!license_name)
			return NULL;
		e = find_in(kb, license_name, 1);
		return e ? e : pdg_kb_find(kb, license_name);
	}
	e = find_in(kb, tag, 0);
	/* Hub tags are mostly lower-cased SPDX ids. */
	return e ? e : pdg_kb_find(kb, tag);
}

void pdg_kb_free(pdg_kb *kb)
{
	if (!kb)
		return;
	if (kb->cache && kb->cache_free)
		kb->cache_free(kb->cache);
	pthread_mutex_destroy(&kb->cache_lock);
	pdg_kb_arena_free(kb->arena);
	free(kb->items);
	free(kb->provs);
	free(kb);
}

/* ---- the model catalogue -------------------------------------------- */

size_t pdg_kb_provider_count(const pdg_kb *kb)
{
	return kb ? kb->nprovs : 0;
}

const pdg_kb_provider *pdg_kb_provider_at(const pdg_kb *kb, size_t i)
{
	return kb && i < kb->nprovs ? &kb->provs[i].p : NULL;
}

const pdg_kb_provider *pdg_kb_provider_find(const pdg_kb *kb,
                                            const char *id)
{
	for (size_t i = 0; kb && id && i < kb->nprovs; i++)
		if (strcasecmp(kb->provs[i].p.id, id) == 0)
			return &kb->provs[i].p;
	return NULL;
}

int pdg_kb_glob_match(const char *glob, const char *s)
{
	return pdg_glob_match(glob, s, 1);
}

static int checkpoint_matches(const char *glob, const char *model)
{
	int glob_org = strchr(glob, '/') != NULL;
	int model_org = strchr(model, '/') != NULL;

	if (glob_org && model_org)
		return pdg_kb_glob_match(glob, model);
	return pdg_kb_glob_match(pdg_model_name_part(glob), pdg_model_name_part(model));
}

const pdg_kb_provider *pdg_kb_model_lookup(const pdg_kb *kb,
                                           const char *model,
                                           const pdg_kb_checkpoint **cp)
{
	const pdg_kb_provider *best = NULL;
	size_t best_len = 0;

	if (cp)
		*cp = NULL;
	if (!kb || !model || !*model)
		return NULL;
	for (size_t i = 0; i < kb->nprovs; i++) {
		const pdg_kb_provider *p = &kb->provs[i].p;

		for (size_t j = 0; j < p->n_checkpoints; j++)
			for (size_t k = 0; k < p->checkpoints[j].n_match; k++)
				if (checkpoint_matches(
				        p->checkpoints[j].match[k], model)) {
					if (cp)
						*cp = &p->checkpoints[j];
					return p;
				}
	}
	/* The longest model-name prefix wins: "gpt-oss" over "gpt". */
	const char *name = pdg_model_name_part(model);
	for (size_t i = 0; i < kb->nprovs; i++) {
		const pdg_kb_provider *p = &kb->provs[i].p;

		for (size_t j = 0; j < p->n_model_names; j++) {
			size_t n = strlen(p->model_names[j]);
			if (n > best_len &&
			    pdg_starts_with_ci(name, p->model_names[j])) {
				best = p;
				best_len = n;
			}
		}
	}
	return best;
}
