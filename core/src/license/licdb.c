/* licdb.c - the n-gram database: validate the binary, build lookup
 * tables.  Also compiled into the generator, which checks what it
 * writes with the same code. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "error.h"
#include "license/license_int.h"
#include "util.h"

/* The largest database a file may hold; the built-in one is far below. */
#define LIC_DB_MAX_BYTES (64u << 20)

static int bad(const char *what)
{
	return pdg_error_set(PDG_EINVALID, "licence database: %s", what);
}

/* Section offsets, computed the same way as the generator writes them. */
struct layout {
	size_t entries, idrefs, keys, postings, children, numbers, strings;
	size_t end;
};

static int layout_of(struct layout *l, const lic_db_header *h, size_t len)
{
	size_t off = lic_pad8(sizeof(*h));

	/* Every count is bounded before it is multiplied. */
	if (h->n_entries > LIC_DB_MAX_ENTRIES || h->n_keys > (1u << 26) ||
	    h->n_postings > (1u << 27) || h->n_idrefs > (1u << 20) ||
	    h->n_children > (1u << 20) || h->strings_size > (1u << 24) ||
	    h->n_numbers > (1u << 22))
		return bad("counts out of range");
	l->entries = off;
	off += lic_pad8((size_t)h->n_entries * sizeof(lic_db_entry));
	l->idrefs = off;
	off += lic_pad8((size_t)h->n_idrefs * 4);
	l->keys = off;
	off += lic_pad8((size_t)h->n_keys * sizeof(lic_db_key));
	l->postings = off;
	off += lic_pad8((size_t)h->n_postings * 2);
	l->children = off;
	off += lic_pad8((size_t)h->n_children * 2);
	l->numbers = off;
	off += lic_pad8((size_t)h->n_numbers * sizeof(lic_db_number));
	l->strings = off;
	off += lic_pad8(h->strings_size);
	l->end = off;
	if (off != len)
		return bad("size does not match its header");
	return 0;
}

static int check_strings(const pdg_license_db *db)
{
	const lic_db_header *h = db->hdr;

	if (h->strings_size == 0 || db->strings[h->strings_size - 1] != '\0')
		return bad("string table not terminated");
	for (uint32_t i = 0; i < h->n_idrefs; i++)
		if (db->idrefs[i] >= h->strings_size)
			return bad("id out of range");
	return 0;
}

static int check_entries(const pdg_license_db *db)
{
	const lic_db_header *h = db->hdr;

	for (uint32_t e = 0; e < h->n_entries; e++) {
		const lic_db_entry *x = &db->entries[e];

		if (x->n_ids == 0 || x->ids_first > h->n_idrefs ||
		    x->n_ids > h->n_idrefs - x->ids_first)
			return bad("entry ids out of range");
		if (x->children_first > h->n_children ||
		    x->n_children > h->n_children - x->children_first)
			return bad("entry children out of range");
		if (x->shift > 16)
			return bad("sampling shift out of range");
		if (x->numbers_first > h->n_numbers ||
		    x->n_numbers > h->n_numbers - x->numbers_first)
			return bad("entry numbers out of range");
		for (uint32_t j = 0; j < x->n_children; j++)
			if (db->children[x->children_first + j] >=
			    h->n_entries)
				return bad("child out of range");
	}
	return 0;
}

static int check_keys(pdg_license_db *db)
{
	const lic_db_header *h = db->hdr;
	uint64_t total = 0;

	db->post_off = pdg_xmalloc(((size_t)h->n_keys + 1) * 4);
	for (uint32_t k = 0; k < h->n_keys; k++) {
		if (k && db->keys[k].key <= db->keys[k - 1].key)
			return bad("keys not sorted");
		if (db->keys[k].npost == 0 || db->keys[k].df == 0)
			return bad("empty key");
		db->post_off[k] = (uint32_t)total;
		total += db->keys[k].npost;
		if (total > h->n_postings)
			return bad("postings out of range");
	}
	db->post_off[h->n_keys] = (uint32_t)total;
	if (total != h->n_postings)
		return bad("postings count mismatch");
	for (uint32_t i = 0; i < h->n_postings; i++)
		if ((db->postings[i] & ~LIC_DB_NOT_OWN) >= h->n_entries)
			return bad("posting out of range");
	return 0;
}

static void build_buckets(pdg_license_db *db)
{
	uint32_t n = db->hdr->n_keys, k = 0;

	db->bucket = pdg_xmalloc(65537 * sizeof(uint32_t));
	for (uint32_t b = 0; b <= 65536; b++) {
		while (k < n && (db->keys[k].key >> 16) < b)
			k++;
		db->bucket[b] = k;
	}
}

static void build_weights(pdg_license_db *db)
{
	const lic_db_header *h = db->hdr;
	double n = h->n_entries ? h->n_entries : 1;

	db->weight = pdg_xmalloc(((size_t)h->n_keys + 1) * sizeof(float));
	db->n_kept = pdg_xcalloc(h->n_entries + 1, sizeof(uint32_t));
	db->n_own = pdg_xcalloc(h->n_entries + 1, sizeof(uint32_t));
	db->w_kept = pdg_xcalloc(h->n_entries + 1, sizeof(double));
	db->w_own = pdg_xcalloc(h->n_entries + 1, sizeof(double));
	db->w_max = (float)log(1.0 + n);
	for (uint32_t k = 0; k < h->n_keys; k++) {
		float w = (float)log(1.0 + n / db->keys[k].df);

		db->weight[k] = w;
		for (uint32_t p = db->post_off[k]; p < db->post_off[k + 1];
		     p++) {
			uint16_t v = db->postings[p];
			uint16_t e = v & ~LIC_DB_NOT_OWN;

			db->n_kept[e]++;
			db->w_kept[e] += w;
			if (!(v & LIC_DB_NOT_OWN)) {
				db->n_own[e]++;
				db->w_own[e] += w;
			}
		}
	}
}

static int id_cmp(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

struct id_ref {
	const char *id;
	uint32_t entry;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	int c = strcasecmp(x->id, y->id);

	return c ? c : (x->entry > y->entry) - (x->entry < y->entry);
}

static void build_ids(pdg_license_db *db)
{
	const lic_db_header *h = db->hdr;
	struct id_ref *refs = pdg_xmalloc((h->n_idrefs + 1) * sizeof(*refs));
	size_t n = 0;

	for (uint32_t e = 0; e < h->n_entries; e++)
		for (uint32_t j = 0; j < db->entries[e].n_ids; j++) {
			refs[n].id = lic_db_entry_id(db, e, j);
			refs[n].entry = e;
			n++;
		}
	qsort(refs, n, sizeof(*refs), ref_cmp);
	db->by_id = pdg_xmalloc((n + 1) * sizeof(*db->by_id));
	db->by_id_entry = pdg_xmalloc((n + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		db->by_id[i] = refs[i].id;
		db->by_id_entry[i] = refs[i].entry;
	}
	db->n_by_id = n;
	free(refs);
	db->parent = pdg_xmalloc((h->n_entries + 1) * sizeof(int32_t));
	for (uint32_t e = 0; e < h->n_entries; e++)
		db->parent[e] = -1;
	for (uint32_t e = 0; e < h->n_entries; e++)
		for (uint32_t j = 0; j < db->entries[e].n_children; j++)
			db->parent[db->children[db->entries[e].children_first
			                        + j]] = (int32_t)e;
}

int lic_db_init(pdg_license_db *db, const uint8_t *data, size_t len)
{
	struct layout l;
	int rc;

	memset(&l, 0, sizeof(l));
	memset(db, 0, sizeof(*db));
	if (((uintptr_t)data & 7u) != 0)
		return bad("misaligned");
	if (len < sizeof(lic_db_header))
		return bad("too short");
	db->data = data;
	db->len = len;
	db->hdr = (const lic_db_header *)data;
	if (memcmp(db->hdr->magic, LIC_DB_MAGIC, 8) != 0)
		return bad("not a pedigree licence database");
	if (db->hdr->version != LIC_DB_VERSION)
		return bad("unsupported version");
	if (db->hdr->ngram != LIC_NGRAM ||
	    db->hdr->norm_version != LIC_NORM_VERSION)
		return bad("built by another normaliser; regenerate it");
	if ((rc = layout_of(&l, db->hdr, len)) < 0)
		return rc;
	if (XXH3_64bits(data + sizeof(lic_db_header),
	                len - sizeof(lic_db_header)) != db->hdr->checksum)
		return bad("checksum mismatch");
	db->entries = (const lic_db_entry *)(data + l.entries);
	db->idrefs = (const uint32_t *)(data + l.idrefs);
	db->keys = (const lic_db_key *)(data + l.keys);
	db->postings = (const uint16_t *)(data + l.postings);
	db->children = (const uint16_t *)(data + l.children);
	db->numbers = (const lic_db_number *)(data + l.numbers);
	db->strings = (const char *)(data + l.strings);
	if ((rc = check_strings(db)) < 0 || (rc = check_entries(db)) < 0 ||
	    (rc = check_keys(db)) < 0) {
		lic_db_fini(db);
		return rc;
	}
	build_buckets(db);
	build_weights(db);
	build_ids(db);
	return 0;
}

void lic_db_fini(pdg_license_db *db)
{
	free(db->post_off);
	free(db->weight);
	free(db->bucket);
	free(db->n_kept);
	free(db->n_own);
	free(db->w_kept);
	free(db->w_own);
	free(db->parent);
	free(db->by_id);
	free(db->by_id_entry);
	free(db->owned);
	memset(db, 0, sizeof(*db));
}

void lic_db_prefetch(const pdg_license_db *db, uint64_t h, int stage)
{
	uint32_t key = lic_db_key_of(h);

	if (stage == 0)
		__builtin_prefetch(&db->bucket[key >> 16]);
	else
		__builtin_prefetch(&db->keys[db->bucket[key >> 16]]);
}

long lic_db_lookup(const pdg_license_db *db, uint64_t h)
{
	uint32_t key = lic_db_key_of(h);
	uint32_t lo = db->bucket[key >> 16], hi = db->bucket[(key >> 16) + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (db->keys[mid].key < key)
			lo = mid + 1;
		else if (db->keys[mid].key > key)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

long lic_db_find_entry(const pdg_license_db *db, const char *id)
{
	const char **hit;

	if (!id || !db->n_by_id)
		return -1;
	hit = bsearch(&id, db->by_id, db->n_by_id, sizeof(*db->by_id), id_cmp);
	if (!hit)
		return -1;
	/* bsearch may land on any of equal ids; take the first. */
	while (hit > db->by_id && strcasecmp(hit[-1], id) == 0)
		hit--;
	return (long)db->by_id_entry[hit - db->by_id];
}

int pdg_license_db_open(pdg_license_db **out, const char *path)
{
	struct stat st;
	pdg_license_db *db;
	uint8_t *buf;
	size_t got = 0;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND : PDG_EIO,
		                     "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)LIC_DB_MAX_BYTES) {
		close(fd);
		return pdg_error_set(PDG_EINVALID,
		                     "%s: not a licence database file", path);
	}
	buf = pdg_xmalloc((size_t)st.st_size + 8);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(buf);
		return pdg_error_set(PDG_EIO, "%s: short read", path);
	}
	db = pdg_xcalloc(1, sizeof(*db));
	rc = lic_db_init(db, buf, got);
	if (rc < 0) {
		free(buf);
		free(db);
		return pdg_error_set(rc, "%s: %s", path, pdg_error_last());
	}
	db->owned = buf;
	*out = db;
	return 0;
}


void pdg_license_db_free(pdg_license_db *db)
{
	if (!db || db->owned == NULL)
		return;     /* the built-in database is never freed */
	lic_db_fini(db);
	free(db);
}

int pdg_license_db_current(const pdg_license_db *db)
{
	return db && db->hdr->fingerprint == lic_norm_fingerprint();
}

size_t pdg_license_db_count(const pdg_license_db *db)
{
	return db ? db->hdr->n_entries : 0;
}

const char *pdg_license_db_id(const pdg_license_db *db, size_t i)
{
	if (!db || i >= db->hdr->n_entries)
		return NULL;
	return lic_db_entry_id(db, i, 0);
}

const char *pdg_license_db_find(const pdg_license_db *db, const char *id)
{
	const char **hit;

	if (!db || !id)
		return NULL;
	hit = bsearch(&id, db->by_id, db->n_by_id, sizeof(*db->by_id), id_cmp);
	return hit ? *hit : NULL;
}

pdg_license_doc lic_doc_from_id(const char *id)
{
	size_t n = strlen(id);

	if ((n >= 4 && strcasecmp(id + n - 4, "-AUP") == 0) ||
	    strcasestr(id, "use-policy") || strcasestr(id, "usage-policy") ||
	    strcasestr(id, "acceptable-use"))
		return PDG_LICENSE_DOC_USE_POLICY;
	if (strcasestr(id, "-terms") || strcasestr(id, "terms-of"))
		return PDG_LICENSE_DOC_TERMS;
	return PDG_LICENSE_DOC_LICENSE;
}
