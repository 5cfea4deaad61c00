/* licdb-gen.c - build the licence database from a folder of texts.
 *
 *   pedigree-licdb-gen [--max-per-license N] CORPUS OUT.bin
 *   pedigree-licdb-gen --embed DB.bin OUT.S
 *
 * CORPUS holds spdx/<ID>.txt (the id is the file name) and
 * models/<ID>/<any file> (the id is the folder name).  The output holds
 * hashes and ids only, never text.  It is deterministic: the same corpus
 * gives the same bytes.  --embed writes the assembler file that puts a
 * database into the library (run by the build).
 *
 * What it computes (docs/identification.md):
 *  - each text's set of word 5-gram hashes, with the matcher's own
 *    normaliser (normalize.c is compiled into this program);
 *  - texts with the same set become one entry with several ids, the
 *    preferred one first ("-only" ids, then the shortest);
 *  - document frequency of every n-gram (n-grams common to many texts
 *    weigh less in the matcher);
 *  - inclusion: when a use policy B (an acceptable-use policy, which
 *    licences incorporate by reference) is (>= 90%) inside a text A at
 *    least 1.4 times its size, A's n-grams that B also has are flagged
 *    "not own", so A is still recognised when B is missing from a copy
 *    (the Llama 3 LICENSE file ends with the Llama 3 use policy; the
 *    Llama 3 licence of a model repository does not);
 *  - a deterministic sample of each long text's n-grams (hash low bits
 *    zero) to keep the database small.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "error.h"
#include "license/license_int.h"
#include "util.h"

#define MAX_TEXT (4u << 20)
#define INCLUDE_CONTAINMENT 0.90
#define INCLUDE_RATIO 0.70
#define INCLUDE_MIN_OWN 30

struct doc {
	char *id;
	char *alias_of;   /* deprecated "X+": the id whose text it shares */
	int kind;
	uint64_t *h;      /* sorted unique n-gram hashes */
	size_t n;
	lic_db_number *num; /* its number tokens, sorted by key */
	size_t n_num;
};

struct entry {
	char **ids;
	size_t n_ids;
	int kind;
	const uint64_t *h;
	size_t n;
	const lic_db_number *num;
	size_t n_num;
	unsigned shift;
	uint16_t *children;
	size_t n_children;
	uint8_t *not_own; /* per hash */
};

static struct doc *docs;
static size_t n_docs, cap_docs;

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)MAX_TEXT) {
		close(fd);
		return NULL;
	}
	buf = pdg_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static void add_doc(const char *id, int kind, const char *path)
{
	size_t len, m = 0;
	char *text = read_file(path, &len);
	lic_text t;
	struct doc *d;

	if (!text) {
		fprintf(stderr,
		        "pedigree-licdb-gen: %s: unreadable, skipped\n", path);
		return;
	}
	lic_text_init(&t, text, len);
	size_t n = lic_ngram_count(t.n);
	if (n == 0) {
		fprintf(stderr, "pedigree-licdb-gen: %s: no words, skipped\n",
		        path);
		lic_text_free(&t);
		free(text);
		return;
	}
	if (n_docs == cap_docs) {
		cap_docs = cap_docs ? cap_docs * 2 : 256;
		docs = pdg_xrealloc(docs, cap_docs * sizeof(*docs));
	}
	d = &docs[n_docs++];
	d->id = pdg_xstrdup(id);
	d->alias_of = NULL;
	d->kind = kind;
	d->h = pdg_xmalloc(n * sizeof(uint64_t));
	for (size_t i = 0; i < n; i++)
		d->h[i] = lic_ngram_at(&t, i);
	qsort(d->h, n, sizeof(uint64_t), u64_cmp);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || d->h[i] != d->h[m - 1])
			d->h[m++] = d->h[i];
	d->n = m;
	d->num = pdg_xmalloc((t.n + 1) * sizeof(*d->num));
	d->n_num = 0;
	for (size_t i = 0; i < t.n; i++)
		if (lic_tok_number(&t, i)) {
			d->num[d->n_num].key = lic_db_key_of(t.hash[i]);
			d->num[d->n_num].count = 1;
			d->n_num++;
		}
	qsort(d->num, d->n_num, sizeof(*d->num), u32_cmp);
	m = 0;
	for (size_t i = 0; i < d->n_num; i++) {
		if (m && d->num[i].key == d->num[m - 1].key)
			d->num[m - 1].count++;
		else
			d->num[m++] = d->num[i];
	}
	d->n_num = m > 65535 ? 65535 : m;
	lic_text_free(&t);
	free(text);
}

static char **list_dir(const char *path, size_t *n, int want_dirs)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t cnt = 0, cap = 0;

	*n = 0;
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		char *full;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		full = pdg_xasprintf("%s/%s", path, de->d_name);
		if (stat(full, &st) == 0 &&
		    (want_dirs ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 64;
				names = pdg_xrealloc(names,
				                     cap * sizeof(*names));
			}
			names[cnt++] = pdg_xstrdup(de->d_name);
		}
		free(full);
	}
	closedir(dir);
	if (cnt)
		qsort(names, cnt, sizeof(*names), str_cmp);
	*n = cnt;
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int read_corpus(const char *root)
{
	char *path = pdg_xasprintf("%s/spdx", root);
	size_t n, m;
	char **names = list_dir(path, &n, 0);

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		char *file;

		if (len <= 4 || strcmp(names[i] + len - 4, ".txt") != 0)
			continue;
		file = pdg_xasprintf("%s/%s", path, names[i]);
		names[i][len - 4] = '\0';
		add_doc(names[i], LIC_DB_KIND_SPDX, file);
		free(file);
	}
	free_names(names, n);
	free(path);

	path = pdg_xasprintf("%s/models", root);
	names = list_dir(path, &n, 1);
	for (size_t i = 0; i < n; i++) {
		char *dir = pdg_xasprintf("%s/%s", path, names[i]);
		char **files = list_dir(dir, &m, 0);

		for (size_t j = 0; j < m; j++) {
			char *file = pdg_xasprintf("%s/%s", dir, files[j]);

			add_doc(names[i], LIC_DB_KIND_MODEL, file);
			free(file);
		}
		free_names(files, m);
		free(dir);
	}
	free_names(names, n);
	free(path);
	if (n_docs == 0) {
		fprintf(stderr, "pedigree-licdb-gen: %s: no texts found "
		        "(expected spdx/*.txt and models/*/)\n", root);
		return -1;
	}
	if (n_docs > LIC_DB_MAX_ENTRIES) {
		fprintf(stderr, "pedigree-licdb-gen: too many texts\n");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static int doc_cmp(const void *a, const void *b)
{
	const struct doc *x = a, *y = b;
	int c;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	c = memcmp(x->h, y->h, x->n * sizeof(uint64_t));
	if (c)
		return c;
	return strcmp(x->id, y->id);
}

static int id_rank(const char *id)
{
	size_t n = strlen(id);

	if (n > 5 && strcmp(id + n - 5, "-only") == 0)
		return 0;
	if (n > 9 && strcmp(id + n - 9, "-or-later") == 0)
		return 2;
	return 1;
}

/* Preferred id first: "-only" (what a bare GPL text grants), then other
 * ids, then "-or-later"; shorter before longer (deprecated and variant
 * ids are longer), then alphabetical. */
static int pref_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int rx = id_rank(x), ry = id_rank(y);
	size_t lx = strlen(x), ly = strlen(y);

	if (rx != ry)
		return rx - ry;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return strcmp(x->ids[0], y->ids[0]);
}

/* SPDX's deprecated "X+" ids mean "X-or-later"; their texts differ
 * from X's only in placeholders, so they are made ids of the text that
 * holds "X-or-later" instead of texts of their own. */
static void resolve_plus_ids(void)
{
	for (size_t i = 0; i < n_docs; i++) {
		size_t len = strlen(docs[i].id);
		char *later;

		if (len < 2 || docs[i].id[len - 1] != '+')
			continue;
		later = pdg_xasprintf("%.*s-or-later", (int)(len - 1),
		                      docs[i].id);
		for (size_t j = 0; j < n_docs; j++)
			if (strcmp(docs[j].id, later) == 0) {
				docs[i].alias_of = later;
				later = NULL;
				break;
			}
		free(later);
	}
}

static void add_aliases(struct entry *e)
{
	for (size_t d = 0; d < n_docs; d++) {
		if (!docs[d].alias_of)
			continue;
		for (size_t k = 0; k < e->n_ids; k++) {
			if (strcmp(e->ids[k], docs[d].alias_of) != 0)
				continue;
			e->ids = pdg_xrealloc(e->ids, (e->n_ids + 1) *
			                      sizeof(char *));
			e->ids[e->n_ids++] = docs[d].id;
			break;
		}
	}
}

static struct entry *group_docs(size_t *n_out)
{
	struct entry *es = pdg_xcalloc(n_docs, sizeof(*es));
	size_t n = 0;

	resolve_plus_ids();
	qsort(docs, n_docs, sizeof(*docs), doc_cmp);
	for (size_t i = 0; i < n_docs;) {
		size_t j = i + 1;
		struct entry *e = &es[n++];

		if (docs[i].alias_of) {
			n--;
			i++;
			continue;
		}
		while (j < n_docs && docs[j].n == docs[i].n &&
		       memcmp(docs[j].h, docs[i].h,
		              docs[i].n * sizeof(uint64_t)) == 0)
			j++;
		e->ids = pdg_xmalloc((j - i) * sizeof(char *));
		for (size_t k = i; k < j; k++) {
			int dup = 0;

			if (docs[k].alias_of)
				continue;   /* added by add_aliases() */

			for (size_t q = 0; q < e->n_ids; q++)
				dup |= strcmp(e->ids[q], docs[k].id) == 0;
			if (!dup)
				e->ids[e->n_ids++] = docs[k].id;
			if (docs[k].kind == LIC_DB_KIND_MODEL)
				e->kind = LIC_DB_KIND_MODEL;
		}
		add_aliases(e);
		qsort(e->ids, e->n_ids, sizeof(char *), pref_cmp);
		e->h = docs[i].h;
		e->n = docs[i].n;
		e->num = docs[i].num;
		e->n_num = docs[i].n_num;
		i = j;
	}
	qsort(es, n, sizeof(*es), entry_cmp);
	*n_out = n;
	return es;
}

/* ------------------------------------------------------------------ */

struct post {
	uint64_t h;
	uint32_t e;
};

static int post_cmp(const void *a, const void *b)
{
	const struct post *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->e > y->e) - (x->e < y->e);
}

static struct post *all_postings(struct entry *es, size_t n, size_t *count)
{
	size_t total = 0, k = 0;
	struct post *p;

	for (size_t e = 0; e < n; e++)
		total += es[e].n;
	p = pdg_xmalloc(total * sizeof(*p));
	for (size_t e = 0; e < n; e++)
		for (size_t i = 0; i < es[e].n; i++) {
			p[k].h = es[e].h[i];
			p[k].e = (uint32_t)e;
			k++;
		}
	qsort(p, total, sizeof(*p), post_cmp);
	*count = total;
	return p;
}

static int sharing_ids(const struct entry *a, const struct entry *b)
{
	for (size_t i = 0; i < a->n_ids; i++)
		for (size_t j = 0; j < b->n_ids; j++)
			if (strcmp(a->ids[i], b->ids[j]) == 0)
				return 1;
	return 0;
}

static int in_set(const uint64_t *h, size_t n, uint64_t x)
{
	return bsearch(&x, h, n, sizeof(uint64_t), u64_cmp) != NULL;
}

/* Find texts inside other texts (see the top comment). */
static void find_inclusions(struct entry *es, size_t n,
                            const struct post *p, size_t np, int verbose)
{
	uint32_t *inter = pdg_xcalloc(n * n, sizeof(uint32_t));

	for (size_t i = 0; i < np;) {
		size_t j = i;

		while (j < np && p[j].h == p[i].h)
			j++;
		for (size_t a = i; a < j; a++)
			for (size_t b = i; b < j; b++)
				if (a != b)
					inter[(size_t)p[a].e * n + p[b].e]++;
		i = j;
	}
	for (size_t a = 0; a < n; a++) {
		for (size_t b = 0; b < n; b++) {
			uint32_t c = inter[a * n + b];
			struct entry *A = &es[a], *B = &es[b];

			if (a == b || !c || sharing_ids(A, B))
				continue;
			if (verbose > 1 && a < b &&
			    2.0 * c / (double)(A->n + B->n) >= 0.90)
				fprintf(stderr, "near: %s %s %.4f\n",
				        A->ids[0], B->ids[0],
				        2.0 * c / (double)(A->n + B->n));
			if (lic_doc_from_id(B->ids[0]) !=
			    PDG_LICENSE_DOC_USE_POLICY)
				continue;
			if ((double)c / (double)B->n < INCLUDE_CONTAINMENT ||
			    (double)B->n > INCLUDE_RATIO * (double)A->n ||
			    A->n - c < INCLUDE_MIN_OWN)
				continue;
			A->children = pdg_xrealloc(A->children,
				(A->n_children + 1) * sizeof(uint16_t));
			A->children[A->n_children++] = (uint16_t)b;
			if (verbose)
				fprintf(stderr, "include: %s in %s (%.3f)\n",
				        B->ids[0], A->ids[0],
				        (double)c / (double)B->n);
		}
	}
	free(inter);
	for (size_t a = 0; a < n; a++) {
		struct entry *A = &es[a];

		A->not_own = pdg_xcalloc(A->n + 1, 1);
		for (size_t k = 0; k < A->n_children; k++) {
			const struct entry *B = &es[A->children[k]];

			for (size_t i = 0; i < A->n; i++)
				if (in_set(B->h, B->n, A->h[i]))
					A->not_own[i] = 1;
		}
	}
}

/* ------------------------------------------------------------------ */

struct key {
	uint32_t key;
	uint16_t e;       /* with LIC_DB_NOT_OWN */
	uint16_t df;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	uint16_t ex = x->e & ~LIC_DB_NOT_OWN, ey = y->e & ~LIC_DB_NOT_OWN;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (ex > ey) - (ex < ey);
}

static uint16_t df_of(const struct post *p, size_t np, uint64_t h)
{
	size_t lo = 0, hi = np;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t c = 0;
	while (lo + c < np && p[lo + c].h == h)
		c++;
	return (uint16_t)(c > 65535 ? 65535 : c);
}

static void put(pdg_buf *b, const void *data, size_t len)
{
	if (len)
		pdg_buf_put(b, data, len);
}

static void pad(pdg_buf *b)
{
	static const char zero[8];

	if (b->len & 7u)
		pdg_buf_put(b, zero, 8 - (b->len & 7u));
}

static int write_db(const char *out, struct entry *es, size_t n,
                    const struct post *p, size_t np, unsigned max_kept)
{
	struct key *keys = NULL;
	size_t nk = 0, capk = 0, n_idrefs = 0, n_children = 0, n_numbers = 0;
	pdg_buf strings = PDG_BUF_INIT, body = PDG_BUF_INIT;
	lic_db_header h;

	/* Sample and collect postings. */
	for (size_t e = 0; e < n; e++) {
		struct entry *E = &es[e];
		uint64_t mask;

		E->shift = 0;
		while ((E->n >> E->shift) > max_kept)
			E->shift++;
		mask = (1ull << E->shift) - 1;
		for (size_t i = 0; i < E->n; i++) {
			if (E->h[i] & mask)
				continue;
			if (nk == capk) {
				capk = capk ? capk * 2 : 4096;
				keys = pdg_xrealloc(keys,
				                    capk * sizeof(*keys));
			}
			keys[nk].key = lic_db_key_of(E->h[i]);
			keys[nk].e = (uint16_t)(e | (E->not_own[i] ?
			                             LIC_DB_NOT_OWN : 0));
			keys[nk].df = df_of(p, np, E->h[i]);
			nk++;
		}
		n_idrefs += E->n_ids;
		n_children += E->n_children;
		n_numbers += E->n_num;
	}
	qsort(keys, nk, sizeof(*keys), key_cmp);

	/* Merge postings of one key (32-bit collisions included). */
	lic_db_key *dk = pdg_xmalloc((nk + 1) * sizeof(*dk));
	uint16_t *post = pdg_xmalloc((nk + 1) * sizeof(uint16_t));
	size_t ndk = 0, npost = 0;
	for (size_t i = 0; i < nk;) {
		size_t j = i;
		uint16_t df = 0, last = 0xffff;

		dk[ndk].key = keys[i].key;
		dk[ndk].npost = 0;
		for (; j < nk && keys[j].key == keys[i].key; j++) {
			if (keys[j].df > df)
				df = keys[j].df;
			if ((keys[j].e & ~LIC_DB_NOT_OWN) ==
			    (last & ~LIC_DB_NOT_OWN))
				continue;
			last = keys[j].e;
			post[npost++] = keys[j].e;
			dk[ndk].npost++;
		}
		dk[ndk].df = df;
		ndk++;
		i = j;
	}

	/* Sections, in file order. */
	uint32_t idref = 0, child = 0, number = 0;
	pdg_buf_puts(&strings, "");
	for (size_t e = 0; e < n; e++) {
		lic_db_entry x;

		memset(&x, 0, sizeof(x));
		x.ids_first = idref;
		x.n_ids = (uint16_t)es[e].n_ids;
		x.shift = (uint8_t)es[e].shift;
		x.kind = (uint8_t)es[e].kind;
		x.children_first = child;
		x.n_children = (uint16_t)es[e].n_children;
		x.numbers_first = number;
		x.n_numbers = (uint16_t)es[e].n_num;
		number += (uint32_t)es[e].n_num;
		idref += (uint32_t)es[e].n_ids;
		child += (uint32_t)es[e].n_children;
		put(&body, &x, sizeof(x));
	}
	pad(&body);
	for (size_t e = 0; e < n; e++)
		for (size_t j = 0; j < es[e].n_ids; j++) {
			uint32_t off = (uint32_t)strings.len;

			pdg_buf_put(&strings, es[e].ids[j],
			            strlen(es[e].ids[j]) + 1);
			put(&body, &off, 4);
		}
	pad(&body);
	put(&body, dk, ndk * sizeof(*dk));
	pad(&body);
	put(&body, post, npost * sizeof(uint16_t));
	pad(&body);
	for (size_t e = 0; e < n; e++)
		put(&body, es[e].children,
		    es[e].n_children * sizeof(uint16_t));
	pad(&body);
	for (size_t e = 0; e < n; e++)
		put(&body, es[e].num, es[e].n_num * sizeof(lic_db_number));
	pad(&body);
	put(&body, strings.ptr, strings.len);
	pad(&body);

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, LIC_DB_MAGIC, 8);
	h.version = LIC_DB_VERSION;
	h.ngram = LIC_NGRAM;
	h.norm_version = LIC_NORM_VERSION;
	h.n_entries = (uint32_t)n;
	h.n_keys = (uint32_t)ndk;
	h.n_postings = (uint32_t)npost;
	h.n_idrefs = (uint32_t)n_idrefs;
	h.n_children = (uint32_t)n_children;
	h.n_numbers = (uint32_t)n_numbers;
	h.strings_size = (uint32_t)strings.len;
	h.max_kept = max_kept;
	h.checksum = XXH3_64bits(body.ptr, body.len);
	h.fingerprint = lic_norm_fingerprint();

	pdg_buf file = PDG_BUF_INIT;
	put(&file, &h, sizeof(h));
	pad(&file);
	put(&file, body.ptr, body.len);

	/* Check what we write with the reader the library uses. */
	pdg_license_db db;
	uint8_t *copy = pdg_xmalloc(file.len + 8);
	memcpy(copy, file.ptr, file.len);
	int rc = lic_db_init(&db, copy, file.len);
	if (rc == 0)
		lic_db_fini(&db);
	free(copy);

	FILE *f = rc == 0 ? fopen(out, "wb") : NULL;
	if (rc < 0)
		fprintf(stderr, "pedigree-licdb-gen: internal: %s\n",
		        pdg_error_last());
	else if (!f || fwrite(file.ptr, 1, file.len, f) != file.len ||
	         fclose(f) != 0) {
		fprintf(stderr, "pedigree-licdb-gen: %s: %s\n", out,
		        strerror(errno));
		rc = -1;
		f = NULL;
	}
	if (rc == 0)
		fprintf(stderr, "pedigree-licdb-gen: %s: %zu texts, %zu ids, "
		        "%zu keys, %zu postings, %zu bytes\n", out, n,
		        n_idrefs, ndk, npost, file.len);
	pdg_buf_free(&file);
	pdg_buf_free(&body);
	pdg_buf_free(&strings);
	free(dk);
	free(post);
	free(keys);
	return rc;
}

/* ------------------------------------------------------------------ */

static int embed(const char *in, const char *out)
{
	char real[PATH_MAX];
	size_t len;
	char *data;
	pdg_license_db db;
	FILE *f;
	int rc;

	if (!realpath(in, real)) {
		fprintf(stderr, "pedigree-licdb-gen: %s: %s\n", in,
		        strerror(errno));
		return 1;
	}
	if (strpbrk(real, "\"\\\n")) {
		fprintf(stderr, "pedigree-licdb-gen: unusable path %s\n",
		        real);
		return 1;
	}
	data = read_file(real, &len);
	if (!data) {
		fprintf(stderr, "pedigree-licdb-gen: %s: unreadable\n", real);
		return 1;
	}
	uint8_t *copy = pdg_xmalloc(len + 8);
	memcpy(copy, data, len);
	free(data);
	rc = lic_db_init(&db, copy, len);
	if (rc == 0) {
		/* Not fatal: a clone without the corpus must still build.
		 * The unit tests fail on it. */
		if (db.hdr->fingerprint != lic_norm_fingerprint())
			fprintf(stderr, "pedigree-licdb-gen: warning: %s was "
			        "built by another version of normalize.c; "
			        "regenerate it (docs/identification.md)\n",
			        real);
		lic_db_fini(&db);
	}
	free(copy);
	if (rc < 0) {
		fprintf(stderr, "pedigree-licdb-gen: %s: %s\n", real,
		        pdg_error_last());
		return 1;
	}
	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "pedigree-licdb-gen: %s: %s\n", out,
		        strerror(errno));
		return 1;
	}
	fprintf(f,
	    "/* Generated by pedigree-licdb-gen --embed; do not edit.\n"
	    " * Puts %s into the library. */\n"
	    "#if defined(__APPLE__)\n"
	    "\t.const_data\n"
	    "\t.p2align 6\n"
	    "\t.globl _pdg_licdb_blob\n"
	    "\t.private_extern _pdg_licdb_blob\n"
	    "_pdg_licdb_blob:\n"
	    "\t.incbin \"%s\"\n"
	    "\t.globl _pdg_licdb_blob_end\n"
	    "\t.private_extern _pdg_licdb_blob_end\n"
	    "_pdg_licdb_blob_end:\n"
	    "\t.byte 0\n"
	    "#else\n"
	    "\t.section .rodata\n"
	    "\t.balign 64\n"
	    "\t.globl pdg_licdb_blob\n"
	    "\t.hidden pdg_licdb_blob\n"
	    "\t.type pdg_licdb_blob, %%object\n"
	    "pdg_licdb_blob:\n"
	    "\t.incbin \"%s\"\n"
	    "\t.globl pdg_licdb_blob_end\n"
	    "\t.hidden pdg_licdb_blob_end\n"
	    "pdg_licdb_blob_end:\n"
	    "\t.byte 0\n"
	    "\t.size pdg_licdb_blob, pdg_licdb_blob_end - pdg_licdb_blob\n"
	    "#if defined(__ELF__)\n"
	    "\t.section .note.GNU-stack,\"\",%%progbits\n"
	    "#endif\n"
	    "#endif\n", in, real, real);
	if (fclose(f) != 0) {
		fprintf(stderr, "pedigree-licdb-gen: %s: write error\n", out);
		return 1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: pedigree-licdb-gen [-v] [--max-per-license N] "
	      "CORPUS OUT.bin\n"
	      "       pedigree-licdb-gen --embed DB.bin OUT.S\n"
	      "\n"
	      "CORPUS holds spdx/<ID>.txt and models/<ID>/<file>; see\n"
	      "docs/identification.md.\n", f);
}

int main(int argc, char **argv)
{
	unsigned max_kept = 384;
	int verbose = 0, i = 1;
	struct entry *es;
	struct post *p;
	size_t n, np;
	int rc;

	if (argc == 4 && strcmp(argv[1], "--embed") == 0)
		return embed(argv[2], argv[3]);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose++;
		} else if (strcmp(argv[i], "--max-per-license") == 0 &&
		           i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || v < 16 || v > 1000000) {
				usage(stderr);
				return 2;
			}
			max_kept = (unsigned)v;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	if (read_corpus(argv[i]) < 0)
		return 1;
	es = group_docs(&n);
	p = all_postings(es, n, &np);
	find_inclusions(es, n, p, np, verbose);
	rc = write_db(argv[i + 1], es, n, p, np, max_kept);
	for (size_t e = 0; e < n; e++) {
		free(es[e].ids);
		free(es[e].children);
		free(es[e].not_own);
	}
	free(es);
	free(p);
	for (size_t d = 0; d < n_docs; d++) {
		free(docs[d].id);
		free(docs[d].alias_of);
		free(docs[d].h);
		free(docs[d].num);
	}
	free(docs);
	return rc == 0 ? 0 : 1;
}
