/* match.c - identify the licence(s) in a text.
 *
 * 1. Tokenise (normalize.c) and hash every word 5-gram.
 * 2. Score every database text through the inverted index: containment
 *    (share of the licence's n-grams present) and Dice (overlap relative
 *    to both sizes), each also weighted by inverse document frequency so
 *    that n-grams shared by many licences count less.  Rank by
 *    (2 * weighted containment + weighted Dice) / 3: containment finds a
 *    licence inside a larger file, Dice separates a text from a longer
 *    text that contains it (BSD-2-Clause inside BSD-3-Clause).
 * 3. Locate the best one: the densest run of its n-grams gives the span
 *    (lines), and containment is re-measured inside it.  Report it only
 *    when that containment (plain and weighted) reaches the threshold;
 *    then drop the span and look again (several licences in one file).
 * 4. Nothing reported: LicenseRef-unknown with the nearest candidates.
 * 5. Knowledge-base markers and signatures recognise documents that have
 *    no text in the database, and licence notices that name a document
 *    (optional input).
 * 6. SPDX-License-Identifier lines and model-card `license:` tags are
 *    declarations: preferred when valid, compared with what the text
 *    says, and a disagreement is flagged.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "kb/kb.h"
#include "license/license_int.h"
#include "util.h"

#define MAX_SHIFT 17
/* Phrases a knowledge-base match needs for more than a notice's
 * confidence. */
#define SIG_MIN_FOUND 2
/* A database text this much present in the whole text, yet not matched,
 * was rejected for a reason its title does not undo. */
#define SIG_MAX_TEXT_SHARE 0.25

struct ugram {
	uint64_t h;
	long key;           /* database key index or -1 */
	uint32_t first;     /* first position */
	uint32_t active;    /* positions not yet inside a reported span */
};

struct score {
	uint32_t e;
	int own;            /* measured on the entry's own n-grams */
	double c, cw, d, dw, score;
};

struct query {
	const pdg_license_db *db;
	lic_text t;
	size_t npos;
	uint32_t *pos_u;    /* per position: unique index, or UINT32_MAX */
	struct ugram *u;
	size_t nu;
	/* per round */
	uint32_t *m, *m_own;
	double *mw, *mw_own;
	struct score *sc;
	size_t nsc;
	uint32_t *stamp;    /* per unique, for counting distinct */
	uint32_t stamp_gen;
};

/* ------------------------------------------------------------------ */
/* Unique n-grams                                                     */

static void build_unique(struct query *q)
{
	size_t cap = 16, mask;
	uint32_t *slot;

	q->npos = lic_ngram_count(q->t.n);
	while (cap < q->npos * 2)
		cap *= 2;
	mask = cap - 1;
	slot = pdg_xmalloc(cap * sizeof(uint32_t));
	memset(slot, 0xff, cap * sizeof(uint32_t));
	q->pos_u = pdg_xmalloc((q->npos + 1) * sizeof(uint32_t));
	q->u = pdg_xmalloc((q->npos + 1) * sizeof(*q->u));
	for (size_t i = 0; i < q->npos; i++) {
		uint64_t h = lic_ngram_at(&q->t, i);
		size_t s = (size_t)(h ^ (h >> 29)) & mask;

		while (slot[s] != UINT32_MAX && q->u[slot[s]].h != h)
			s = (s + 1) & mask;
		if (slot[s] == UINT32_MAX) {
			struct ugram *g = &q->u[q->nu];

			g->h = h;
			g->key = -1;        /* looked up below */
			g->first = (uint32_t)i;
			g->active = 0;
			slot[s] = (uint32_t)q->nu++;
		}
		q->pos_u[i] = slot[s];
		q->u[slot[s]].active++;
	}
	free(slot);
	/* The database lookups miss the cache; they are independent, so
	 * their loads are started ahead of use (bucket 16 ahead, key 8). */
	for (size_t i = 0; i < q->nu; i++) {
		if (i + 16 < q->nu)
			lic_db_prefetch(q->db, q->u[i + 16].h, 0);
		if (i + 8 < q->nu)
			lic_db_prefetch(q->db, q->u[i + 8].h, 1);
		q->u[i].key = lic_db_lookup(q->db, q->u[i].h);
	}
	q->stamp = pdg_xcalloc(q->nu + 1, sizeof(uint32_t));
}

static unsigned tz(uint64_t h)
{
	unsigned n = 0;

	while (n < MAX_SHIFT && !(h & 1)) {
		h >>= 1;
		n++;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Scoring                                                            */

static int score_cmp(const void *a, const void *b)
{
	const struct score *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->e > y->e) - (x->e < y->e);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void score_round(struct query *q)
{
	const pdg_license_db *db = q->db;
	uint32_t ne = db->hdr->n_entries;
	double qn[MAX_SHIFT + 1] = { 0 }, qw[MAX_SHIFT + 1] = { 0 };

	memset(q->m, 0, ne * sizeof(uint32_t));
	memset(q->m_own, 0, ne * sizeof(uint32_t));
	memset(q->mw, 0, ne * sizeof(double));
	memset(q->mw_own, 0, ne * sizeof(double));
	for (size_t i = 0; i < q->nu; i++) {
		const struct ugram *g = &q->u[i];
		double w;

		/* Each n-gram's postings are a cache miss away: start the
		 * loads of the next ones (offsets 8 ahead, postings 4). */
		if (i + 8 < q->nu && q->u[i + 8].key >= 0) {
			__builtin_prefetch(&db->post_off[q->u[i + 8].key]);
			__builtin_prefetch(&db->weight[q->u[i + 8].key]);
		}
		if (i + 4 < q->nu && q->u[i + 4].key >= 0)
			__builtin_prefetch(&db->postings[
				db->post_off[q->u[i + 4].key]]);
		if (!g->active)
			continue;
		w = g->key >= 0 ? db->weight[g->key] : db->w_max;
		qn[tz(g->h)] += 1;
		qw[tz(g->h)] += w;
		if (g->key < 0)
			continue;
		for (uint32_t p = db->post_off[g->key];
		     p < db->post_off[g->key + 1]; p++) {
			uint16_t v = db->postings[p];
			uint16_t e = v & ~LIC_DB_NOT_OWN;

			q->m[e]++;
			q->mw[e] += w;
			if (!(v & LIC_DB_NOT_OWN)) {
				q->m_own[e]++;
				q->mw_own[e] += w;
			}
		}
	}
	/* Sizes of the query as sampled at each shift: n-grams whose low
	 * `shift` bits are zero. */
	for (int k = MAX_SHIFT - 1; k >= 0; k--) {
		qn[k] += qn[k + 1];
		qw[k] += qw[k + 1];
	}
	q->nsc = 0;
	for (uint32_t e = 0; e < ne; e++) {
		struct score *s;
		unsigned sh = db->entries[e].shift;

		if (!q->m[e])
			continue;
		s = &q->sc[q->nsc++];
		s->e = e;
		s->own = 0;
		s->c = ratio(q->m[e], db->n_kept[e]);
		s->cw = ratio(q->mw[e], db->w_kept[e]);
		s->d = ratio(2.0 * q->m[e], db->n_kept[e] + qn[sh]);
		s->dw = ratio(2.0 * q->mw[e], db->w_kept[e] + qw[sh]);
		if (db->n_own[e] && db->n_own[e] < db->n_kept[e]) {
			double cw_o = ratio(q->mw_own[e], db->w_own[e]);

			if (cw_o > s->cw) {
				s->own = 1;
				s->c = ratio(q->m_own[e], db->n_own[e]);
				s->cw = cw_o;
				s->d = ratio(2.0 * q->m_own[e],
				             db->n_own[e] + qn[sh]);
				s->dw = ratio(2.0 * q->mw_own[e],
				              db->w_own[e] + qw[sh]);
			}
		}
		s->score = (2.0 * s->cw + s->dw) / 3.0;
	}
	qsort(q->sc, q->nsc, sizeof(*q->sc), score_cmp);
}

/* 1 if the unique n-gram u is a posting of entry e (own only: not
 * flagged as belonging to an included text). */
static int has_posting(const struct query *q, size_t u, uint32_t e,
                       int own_only)
{
	const pdg_license_db *db = q->db;
	long k = q->u[u].key;

	if (k < 0)
		return 0;
	for (uint32_t p = db->post_off[k]; p < db->post_off[k + 1]; p++) {
		uint16_t v = db->postings[p];

		if ((v & ~LIC_DB_NOT_OWN) == e)
			return !own_only || !(v & LIC_DB_NOT_OWN);
	}
	return 0;
}

struct span {
	size_t first, last;     /* positions */
	double c, cw;           /* containment inside the span */
	double precision;       /* sampled n-grams of the span that match */
	uint32_t hits;
	uint32_t inserted;      /* longest run of sampled n-grams of the
	                           span that the entry does not have */
};

/* Measure entry e inside positions [from, to] (inclusive). */
static void measure(struct query *q, uint32_t e, int own, size_t from,
                    size_t to, struct span *sp)
{
	const pdg_license_db *db = q->db;
	uint64_t mask = (1ull << db->entries[e].shift) - 1;
	uint32_t gen = ++q->stamp_gen, run = 0;
	double w = 0;
	size_t sampled = 0, matched = 0;

	sp->hits = 0;
	sp->inserted = 0;
	for (size_t i = from; i <= to && i < q->npos; i++) {
		uint32_t u = q->pos_u[i];

		if (u == UINT32_MAX || (q->u[u].h & mask))
			continue;
		sampled++;
		/* Precision counts every n-gram of the entry's text; the
		 * containment of the own variant only its own ones. */
		if (!has_posting(q, u, e, 0)) {
			/* What follows a copyright statement on its line
			 * differs between copies; it is no insertion. */
			if (!(q->t.tok[i].flags & LIC_TOK_COPYRIGHT) &&
			    ++run > sp->inserted)
				sp->inserted = run;
			continue;
		}
		run = 0;
		matched++;
		if (own && !has_posting(q, u, e, 1))
			continue;
		if (q->stamp[u] == gen)
			continue;
		q->stamp[u] = gen;
		sp->hits++;
		w += db->weight[q->u[u].key];
	}
	sp->c = ratio(sp->hits, own ? db->n_own[e] : db->n_kept[e]);
	sp->cw = ratio(w, own ? db->w_own[e] : db->w_kept[e]);
	sp->precision = ratio((double)matched, (double)sampled);
}

/* The densest run of e's n-grams: positions closer than a gap that grows
 * with the sampling rate. */
static int locate(struct query *q, uint32_t e, int own, struct span *out)
{
	size_t gap = (size_t)64 << q->db->entries[e].shift;
	size_t best_first = 0, best_last = 0, first = 0, last = 0;
	uint32_t best = 0, count = 0, gen = ++q->stamp_gen;
	int open = 0;

	if (gap > 4096)
		gap = 4096;
	for (size_t i = 0; i < q->npos; i++) {
		uint32_t u = q->pos_u[i];

		if (u == UINT32_MAX || !has_posting(q, u, e, own))
			continue;
		if (open && i - last > gap) {
			if (count > best) {
				best = count;
				best_first = first;
				best_last = last;
			}
			open = 0;
			gen = ++q->stamp_gen;
		}
		if (!open) {
			open = 1;
			first = i;
			count = 0;
		}
		last = i;
		if (q->stamp[u] != gen) {
			q->stamp[u] = gen;
			count++;
		}
	}
	if (open && count > best) {
		best = count;
		best_first = first;
		best_last = last;
	}
	if (!best)
		return 0;
	measure(q, e, own, best_first, best_last, out);
	out->first = best_first;
	out->last = best_last;
	return 1;
}

static void exclude(struct query *q, size_t first_tok, size_t last_tok)
{
	size_t from = first_tok >= LIC_NGRAM - 1 ? first_tok - LIC_NGRAM + 1
	                                         : 0;

	for (size_t i = from; i <= last_tok && i < q->npos; i++) {
		uint32_t u = q->pos_u[i];

		if (u == UINT32_MAX)
			continue;
		q->u[u].active--;
		q->pos_u[i] = UINT32_MAX;
	}
}

/* ------------------------------------------------------------------ */
/* Results                                                            */

static int related(const pdg_license_db *db, uint32_t a, uint32_t b)
{
	if (a == b)
		return 1;
	if (db->parent[a] == (int32_t)b || db->parent[b] == (int32_t)a)
		return 1;
	return strcmp(lic_db_entry_id(db, a, 0), lic_db_entry_id(db, b, 0))
	       == 0;
}

static pdg_license_doc doc_kind(const pdg_license_opts *o, const char *id)
{
	const pdg_kb_entry *k = o->kb ? pdg_kb_find(o->kb, id) : NULL;

	if (k) {
		if (k->kind == PDG_KB_USE_POLICY)
			return PDG_LICENSE_DOC_USE_POLICY;
		if (k->kind == PDG_KB_API_TERMS)
			return PDG_LICENSE_DOC_TERMS;
		return PDG_LICENSE_DOC_LICENSE;
	}
	return lic_doc_from_id(id);
}

static pdg_license_match *add_match(pdg_license_result *r)
{
	pdg_license_match *m;

	r->matches = pdg_xrealloc(r->matches,
	                          (r->n_matches + 1) * sizeof(*m));
	m = &r->matches[r->n_matches++];
	memset(m, 0, sizeof(*m));
	return m;
}

static void set_span(pdg_license_match *m, const lic_text *t,
                     size_t tok_first, size_t tok_last)
{
	m->line_start = t->tok[tok_first].line;
	m->line_end = t->tok[tok_last].line;
	m->byte_start = t->tok[tok_first].off;
	m->byte_end = t->tok[tok_last].end;
}

static void fill_entry(pdg_license_match *m, const pdg_license_db *db,
                       uint32_t e, const pdg_license_opts *o)
{
	const lic_db_entry *x = &db->entries[e];

	m->id = pdg_xstrdup(lic_db_entry_id(db, e, 0));
	m->n_equivalent = x->n_ids - 1u;
	if (m->n_equivalent) {
		m->equivalent = pdg_xmalloc(m->n_equivalent * sizeof(char *));
		for (size_t j = 1; j < x->n_ids; j++)
			m->equivalent[j - 1] =
				pdg_xstrdup(lic_db_entry_id(db, e, j));
	}
	m->method = PDG_LICENSE_BY_TEXT;
	m->doc = doc_kind(o, m->id);
}

static size_t last_token(const struct query *q, size_t pos)
{
	size_t t = pos + LIC_NGRAM - 1;

	return t < q->t.n ? t : q->t.n - 1;
}

/* Report the children of entry e (texts it includes) found in its span,
 * marked part_of. */
static void add_children(struct query *q, pdg_license_result *r,
                         uint32_t e, const struct span *sp,
                         const pdg_license_opts *o)
{
	const pdg_license_db *db = q->db;
	const lic_db_entry *x = &db->entries[e];

	for (uint32_t j = 0; j < x->n_children; j++) {
		uint32_t c = db->children[x->children_first + j];
		struct span cs;
		pdg_license_match *m;

		/* Only a nearly complete copy: a parent shares most of a
		 * sibling version's text as well. */
		if (!locate(q, c, 0, &cs) || cs.c < 0.97 || cs.cw < 0.97 ||
		    cs.first < sp->first || cs.last > sp->last)
			continue;
		m = add_match(r);
		fill_entry(m, db, c, o);
		m->part_of = pdg_xstrdup(lic_db_entry_id(db, e, 0));
		m->score = m->containment = cs.c;
		m->precision = cs.precision;
		m->confidence = fmin(cs.c, cs.cw);
		set_span(m, &q->t, cs.first, last_token(q, cs.last));
	}
}

/* Sampled n-grams in a row that the licence lacks, from which a span is
 * a modified licence (a sentence or more inserted: an extra clause, the
 * NonCommercial definition of CC-BY-NC) rather than a copy: about 16
 * n-grams, an inserted run of 12 words; a filled-in placeholder or a
 * changed name is shorter. */
static uint32_t inserted_limit(const pdg_license_db *db, uint32_t e)
{
	uint32_t n = 16u >> db->entries[e].shift;

	return n < 4 ? 4 : n;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Another version of the licence: the span has more of some numbers
 * (versions, days, amounts) than the entry's text, and the entry more of
 * others.  A copy with a filled-in placeholder or a missing appendix
 * differs one way only. */
static int number_conflict(const struct query *q, uint32_t e,
                           size_t tok_first, size_t tok_last)
{
	const pdg_license_db *db = q->db;
	const lic_db_entry *x = &db->entries[e];
	const lic_db_number *nums = db->numbers + x->numbers_first;
	/* A sampled entry's span starts and ends up to a few sampling
	 * periods inside the licence: count the entry's numbers that far
	 * around it too. */
	size_t ext = (size_t)16 << x->shift;
	size_t from = tok_first > ext ? tok_first - ext : 0;
	size_t to = tok_last + ext < q->t.n ? tok_last + ext : q->t.n - 1;
	uint32_t *in_span = pdg_xcalloc(x->n_numbers + 1, sizeof(uint32_t));
	uint32_t *around = pdg_xcalloc(x->n_numbers + 1, sizeof(uint32_t));
	int text_more = 0, entry_more = 0;

	for (size_t i = from; i <= to; i++) {
		const lic_db_number *hit;
		uint32_t k;

		if (!lic_tok_number(&q->t, i))
			continue;
		k = lic_db_key_of(q->t.hash[i]);
		hit = bsearch(&k, nums, x->n_numbers, sizeof(*nums),
		              u32_cmp);
		if (hit) {
			around[hit - nums]++;
			if (i >= tok_first && i <= tok_last)
				in_span[hit - nums]++;
		} else if (i >= tok_first && i <= tok_last) {
			text_more = 1;
		}
	}
	for (uint32_t j = 0; j < x->n_numbers; j++) {
		if (in_span[j] > nums[j].count)
			text_more = 1;
		if (around[j] < nums[j].count)
			entry_more = 1;
	}
	free(in_span);
	free(around);
	return text_more && entry_more;
}

/* Best runner-up score among entries unrelated to e. */
static double runner_up(const struct query *q, uint32_t e)
{
	for (size_t i = 0; i < q->nsc; i++)
		if (!related(q->db, q->sc[i].e, e))
			return q->sc[i].score;
	return 0;
}

/* One detection: the best candidate that passes every test.  `scored`:
 * q->sc already holds this round's scores (the first round's are
 * computed once, for the candidates too). */
static int text_round(struct query *q, pdg_license_result *r,
                      const pdg_license_opts *o, double threshold,
                      int scored)
{
	const pdg_license_db *db = q->db;

	if (!scored)
		score_round(q);
	for (size_t i = 0; i < q->nsc && i < 3; i++) {
		const struct score *s = &q->sc[i];
		struct span sp;
		pdg_license_match *m;
		double conf, margin;
		uint32_t need;

		if (s->c < threshold * 0.5)
			break;
		if (!locate(q, s->e, s->own, &sp))
			continue;
		need = s->own ? db->n_own[s->e] : db->n_kept[s->e];
		need = need < 8 ? need : 8;
		if (sp.c < threshold || sp.cw < threshold || sp.hits < need)
			continue;
		if (number_conflict(q, s->e, sp.first,
		                    last_token(q, sp.last)))
			continue;
		if (sp.inserted >= inserted_limit(db, s->e))
			continue;
		/* A near-exact copy is what it is, however close another
		 * text is; otherwise a close runner-up is doubt. */
		conf = fmin(sp.c, sp.cw) * (0.8 + 0.2 * sp.precision);
		margin = s->score - runner_up(q, s->e);
		if (sp.c >= 0.99 && sp.precision >= 0.98)
			;
		else if (margin < 0.01)
			conf *= 0.8;
		else if (margin < 0.03)
			conf *= 0.9;
		/* A second copy of a licence already reported: drop it. */
		int dup = 0;
		for (size_t k = 0; k < r->n_matches; k++)
			dup |= strcmp(r->matches[k].id,
			              lic_db_entry_id(db, s->e, 0)) == 0;
		if (!dup) {
			m = add_match(r);
			fill_entry(m, db, s->e, o);
			m->score = s->score;
			m->dice = s->d;
			m->containment = sp.c;
			m->precision = sp.precision;
			m->confidence = conf > 1 ? 1 : conf;
			set_span(m, &q->t, sp.first, last_token(q, sp.last));
			add_children(q, r, s->e, &sp, o);
		}
		exclude(q, sp.first, last_token(q, sp.last));
		return 1;
	}
	return 0;
}

static void add_candidates(struct query *q, pdg_license_result *r,
                           unsigned max)
{
	const pdg_license_db *db = q->db;

	r->candidates = pdg_xcalloc(max + 1, sizeof(*r->candidates));
	for (size_t i = 0; i < q->nsc && r->n_candidates < max; i++) {
		const struct score *s = &q->sc[i];
		pdg_license_candidate *c;

		if (s->score < 0.02)
			break;
		c = &r->candidates[r->n_candidates++];
		c->id = pdg_xstrdup(lic_db_entry_id(db, s->e, 0));
		c->score = s->score;
		c->dice = s->d;
		c->containment = s->c;
	}
	if (!r->n_candidates) {
		free(r->candidates);
		r->candidates = NULL;
	}
}

/* ------------------------------------------------------------------ */
/* Knowledge-base markers and signatures                              */

/* Every usable phrase of the knowledge base, normalised once per KB
 * (pdg_kb_cache) and found by its first token's hash. */
struct sig_phrase {
	uint32_t entry;         /* pdg_kb_at() index */
	uint32_t marker;        /* names the document */
	uint32_t n;             /* tokens */
	uint32_t next;          /* next phrase with the same first token,
	                           UINT32_MAX at the end */
	uint64_t *hash;         /* its token hashes, in pool */
};

struct sig_index {
	struct sig_phrase *ph;
	size_t nph;
	uint64_t *pool;
	uint32_t *slot;         /* first token hash -> first phrase */
	uint64_t *slot_h;
	size_t mask;
	uint32_t *usable;       /* per entry: its usable phrases */
	size_t nentries;
};

static void sig_index_free(void *v)
{
	struct sig_index *x = v;

	if (!x)
		return;
	free(x->ph);
	free(x->pool);
	free(x->slot);
	free(x->slot_h);
	free(x->usable);
	free(x);
}

static size_t sig_slot(const struct sig_index *x, uint64_t h)
{
	size_t s = (size_t)(h ^ (h >> 31)) & x->mask;

	while (x->slot[s] != UINT32_MAX && x->slot_h[s] != h)
		s = (s + 1) & x->mask;
	return s;
}

/* Add the phrases of one list of entry e. */
static void sig_index_add(struct sig_index *x, size_t *pool_len,
                          size_t *pool_cap, size_t *cap, uint32_t e,
                          const char *const *phrases, size_t n,
                          uint32_t marker)
{
	for (size_t j = 0; j < n; j++) {
		lic_text t;

		lic_text_init(&t, phrases[j], strlen(phrases[j]));
		/* One word is too common to count; a phrase of nothing but
		 * a URL normalises to nothing. */
		if (t.n >= 2) {
			if (x->nph == *cap) {
				*cap = *cap ? *cap * 2 : 256;
				x->ph = pdg_xrealloc(x->ph,
				                     *cap * sizeof(*x->ph));
			}
			while (*pool_len + t.n > *pool_cap) {
				*pool_cap = *pool_cap ? *pool_cap * 2 : 4096;
				x->pool = pdg_xrealloc(x->pool, *pool_cap *
				                       sizeof(*x->pool));
			}
			memcpy(x->pool + *pool_len, t.hash, t.n * 8);
			x->ph[x->nph].entry = e;
			x->ph[x->nph].marker = marker;
			x->ph[x->nph].n = (uint32_t)t.n;
			/* an offset until the pool stops moving */
			x->ph[x->nph].hash = (uint64_t *)(uintptr_t)*pool_len;
			*pool_len += t.n;
			x->usable[e]++;
			x->nph++;
		}
		lic_text_free(&t);
	}
}

static void *sig_index_build(const pdg_kb *kb)
{
	struct sig_index *x = pdg_xcalloc(1, sizeof(*x));
	size_t pool_len = 0, pool_cap = 0, cap = 0, slots = 16;

	x->nentries = pdg_kb_count(kb);
	x->usable = pdg_xcalloc(x->nentries + 1, sizeof(*x->usable));
	for (size_t i = 0; i < x->nentries; i++) {
		const pdg_kb_entry *k = pdg_kb_at(kb, i);

		/* Markers first: a phrase inside one counts once. */
		if (!k->n_markers)
			continue;
		sig_index_add(x, &pool_len, &pool_cap, &cap, (uint32_t)i,
		              k->markers, k->n_markers, 1);
		sig_index_add(x, &pool_len, &pool_cap, &cap, (uint32_t)i,
		              k->signatures, k->n_signatures, 0);
	}
	while (slots < x->nph * 2)
		slots *= 2;
	x->mask = slots - 1;
	x->slot = pdg_xmalloc(slots * sizeof(*x->slot));
	x->slot_h = pdg_xcalloc(slots, sizeof(*x->slot_h));
	memset(x->slot, 0xff, slots * sizeof(*x->slot));
	/* Chains keep the phrases' order: build them from the end. */
	for (size_t k = x->nph; k-- > 0;) {
		struct sig_phrase *ph = &x->ph[k];
		size_t s;

		ph->hash = x->pool + (size_t)(uintptr_t)ph->hash;
		s = sig_slot(x, ph->hash[0]);
		ph->next = x->slot[s];
		x->slot[s] = (uint32_t)k;
		x->slot_h[s] = ph->hash[0];
	}
	return x;
}

/* Is token p inside the span of a match found by its text?  Those spans
 * are explained: the DeepSeek licence reuses the OpenRAIL clauses, and a
 * CC licence names its siblings. */
static int in_text_match(const lic_text *t, const pdg_license_result *r,
                         size_t p)
{
	for (size_t i = 0; i < r->n_matches; i++)
		if (r->matches[i].method == PDG_LICENSE_BY_TEXT &&
		    t->tok[p].off >= r->matches[i].byte_start &&
		    t->tok[p].off < r->matches[i].byte_end)
			return 1;
	return 0;
}

/* Bytes of a model card's front matter where phrases do not count: its
 * `license:` and `tags:` are declarations (card_tags() reads them), not
 * notices; only the extra_gated_prompt there holds licence text. */
struct sig_skip {
	size_t fm_end, gated_start, gated_end;
};

static void sig_skip_init(struct sig_skip *k, const lic_text *t)
{
	k->fm_end = pdg_license_front_matter_end(t->src, t->src_len);
	k->gated_start = k->gated_end = 0;
	/* Without a gated prompt the section found is a Markdown one, after
	 * the front matter: it then exempts nothing in it. */
	if (k->fm_end)
		(void)pdg_license_card_section(&k->gated_start, &k->gated_end,
		                               t->src, t->src_len);
}

static int sig_skipped(const struct sig_skip *k, const lic_text *t,
                       size_t p)
{
	size_t off = t->tok[p].off;

	return off < k->fm_end &&
	       !(off >= k->gated_start && off < k->gated_end);
}

/* First position of every phrase in t outside the spans of text
 * matches (SIZE_MAX: absent), in one pass over the tokens. */
static void sig_positions(const struct sig_index *x, const lic_text *t,
                          const pdg_license_result *r, size_t *pos)
{
	struct sig_skip skip;

	sig_skip_init(&skip, t);
	for (size_t k = 0; k < x->nph; k++)
		pos[k] = SIZE_MAX;
	for (size_t p = 0; p < t->n; p++) {
		size_t s = sig_slot(x, t->hash[p]);

		if (sig_skipped(&skip, t, p))
			continue;
		for (uint32_t k = x->slot[s]; k != UINT32_MAX;
		     k = x->ph[k].next) {
			const struct sig_phrase *ph = &x->ph[k];

			if (pos[k] == SIZE_MAX && p + ph->n <= t->n &&
			    memcmp(t->hash + p, ph->hash, ph->n * 8) == 0 &&
			    !in_text_match(t, r, p))
				pos[k] = p;
		}
	}
}

#define SIG_MAX_SPANS 32

/* What the phrases of one knowledge-base entry found in a text. */
struct sig_hit {
	const pdg_kb_entry *k;
	size_t found, usable, first, last;
	size_t mark_first, mark_len;  /* its longest marker found */
	size_t span[SIG_MAX_SPANS][2];/* phrases found, token ranges */
};

/* Index of a phrase already found that overlaps [p, p + n), or -1: the
 * title inside the notice line that quotes it is not more evidence. */
static long sig_overlap(const struct sig_hit *h, size_t p, size_t n)
{
	for (size_t i = 0; i < h->found && i < SIG_MAX_SPANS; i++)
		if (p < h->span[i][1] && p + n > h->span[i][0])
			return (long)i;
	return -1;
}

/* Record a phrase found at p; an overlapping one counts once, as the
 * longer of the two. */
static void sig_found(struct sig_hit *h, size_t p, size_t n, int marker)
{
	long o = sig_overlap(h, p, n);

	if (o >= 0 && n <= h->span[o][1] - h->span[o][0])
		return;
	if (o < 0 && h->found >= SIG_MAX_SPANS) {
		h->found++;
	} else {
		size_t i = o >= 0 ? (size_t)o : h->found++;

		h->span[i][0] = p;
		h->span[i][1] = p + n;
	}
	if (p < h->first)
		h->first = p;
	if (p + n - 1 > h->last)
		h->last = p + n - 1;
	if (marker && n > h->mark_len) {
		h->mark_first = p;
		h->mark_len = n;
	}
}

/* Containment of entry e in the whole text (first round), 0 if absent. */
static double first_containment(const struct score *first, size_t n,
                                long e)
{
	for (size_t i = 0; e >= 0 && i < n; i++)
		if (first[i].e == (uint32_t)e)
			return first[i].c;
	return 0;
}

/* Is hit a's marker inside b's longer marker ("Llama 3 Community
 * License" inside "Meta Llama 3 Community License")? */
static int marker_inside(const struct sig_hit *a, const struct sig_hit *b)
{
	return b->mark_len > a->mark_len &&
	       a->mark_first >= b->mark_first &&
	       a->mark_first + a->mark_len <= b->mark_first + b->mark_len;
}

/* May entry k be named by its phrases?  Not when it is already matched,
 * nor when its own database text is largely here but was rejected. */
static int sig_allowed(const struct query *q, const pdg_license_result *r,
                       const pdg_kb_entry *k, const struct score *first,
                       size_t nfirst)
{
	for (size_t m = 0; m < r->n_matches; m++)
		if (strcasecmp(r->matches[m].id, k->id) == 0)
			return 0;
	return first_containment(first, nfirst,
	                         lic_db_find_entry(q->db, k->id)) <
	       SIG_MAX_TEXT_SHARE;
}

/* The hits of every entry one of whose markers is present. */
static size_t sig_collect(const struct sig_index *x, const size_t *pos,
                          const pdg_license_opts *o, struct sig_hit *hits)
{
	size_t nhits = 0;

	for (size_t k = 0; k < x->nph;) {
		uint32_t e = x->ph[k].entry;
		struct sig_hit *h = &hits[nhits];

		memset(h, 0, sizeof(*h));
		h->k = pdg_kb_at(o->kb, e);
		h->first = SIZE_MAX;
		h->usable = x->usable[e];
		for (; k < x->nph && x->ph[k].entry == e; k++)
			if (pos[k] != SIZE_MAX &&
			    (x->ph[k].marker || h->mark_len))
				sig_found(h, pos[k], x->ph[k].n,
				          (int)x->ph[k].marker);
		if (h->mark_len)
			nhits++;
	}
	return nhits;
}

/* A text with too little of a database licence to match it may still
 * name a document: a README's licence notice, a NOTICE file, a model
 * card quoting the terms, or a document that has no text in the
 * database (Gemma, Mistral, API terms).  One of the entry's markers must
 * be present; an entry whose own text is largely here but was rejected
 * (another version, an added clause) is not named by its title. */
static void match_signatures(struct query *q, pdg_license_result *r,
                             const pdg_license_opts *o,
                             const struct score *first, size_t nfirst)
{
	const lic_text *t = &q->t;
	struct sig_index *own = NULL;
	const struct sig_index *x;
	struct sig_hit *hits;
	size_t *pos, nhits;

	if (!t->n)
		return;
	x = pdg_kb_cache(o->kb, sig_index_build, sig_index_free);
	if (!x)
		x = own = sig_index_build(o->kb);
	pos = pdg_xmalloc((x->nph + 1) * sizeof(*pos));
	hits = pdg_xmalloc((x->nentries + 1) * sizeof(*hits));
	sig_positions(x, t, r, pos);
	nhits = sig_collect(x, pos, o, hits);
	for (size_t i = 0; i < nhits; i++) {
		const struct sig_hit *h = &hits[i];
		int shadowed = !sig_allowed(q, r, h->k, first, nfirst);

		for (size_t j = 0; j < nhits && !shadowed; j++)
			shadowed = marker_inside(h, &hits[j]);
		if (shadowed)
			continue;
		pdg_license_match *m = add_match(r);
		m->id = pdg_xstrdup(h->k->id);
		m->method = PDG_LICENSE_BY_SIGNATURE;
		m->doc = doc_kind(o, h->k->id);
		m->containment = (double)h->found / (double)h->usable;
		m->score = m->containment;
		/* One phrase is a notice ("licensed under the ..."), several
		 * a copy of the document. */
		m->confidence = h->found < SIG_MIN_FOUND ? 0.6 :
		                0.6 + 0.35 * m->containment;
		set_span(m, t, h->first, h->last);
	}
	free(hits);
	free(pos);
	sig_index_free(own);
}

/* ------------------------------------------------------------------ */
/* Declarations                                                       */

static char *trim_value(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - p >= 2 && (*p == '"' || *p == '\'') && e[-1] == *p) {
		p++;
		e--;
	}
	if (e <= p || e - p > 200)
		return NULL;
	return pdg_xstrndup(p, (size_t)(e - p));
}

/* `license:` and `license_name:` of a model card's YAML front matter. */
static void card_tags(const char *s, size_t len, char **tag, char **name)
{
	const char *p = s, *end = s + (len > 65536 ? 65536 : len);

	*tag = *name = NULL;
	if (end - p < 4 || memcmp(p, "---", 3) != 0 ||
	    (p[3] != '\n' && p[3] != '\r'))
		return;
	p = memchr(p, '\n', (size_t)(end - p));
	while (p && ++p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le - p >= 3 && (memcmp(p, "---", 3) == 0 ||
		                    memcmp(p, "...", 3) == 0))
			break;
		if (!*tag && le - p > 8 && memcmp(p, "license:", 8) == 0) {
			*tag = trim_value(p + 8, le);
			/* A list: take its first item. */
			if (!*tag && nl && nl + 1 < end) {
				const char *q = nl + 1, *qe;

				while (q < end && (*q == ' ' || *q == '\t'))
					q++;
				if (q < end && *q == '-') {
					qe = memchr(q, '\n',
					            (size_t)(end - q));
					*tag = trim_value(q + 1,
					                  qe ? qe : end);
				}
			}
		} else if (!*name && le - p > 13 &&
		           memcmp(p, "license_name:", 13) == 0) {
			*name = trim_value(p + 13, le);
		}
		p = nl;
	}
}

static const char *map_tag(const pdg_license_opts *o,
                           const pdg_license_db *db, const char *tag,
                           const char *name)
{
	const pdg_kb_entry *k = NULL;

	if (o->kb)
		k = pdg_kb_find_hf(o->kb, tag, name);
	if (k)
		return k->id;
	if (strcasecmp(tag, "other") == 0)
		return name ? pdg_license_db_find(db, name) : NULL;
	return pdg_license_db_find(db, tag);
}

/* 1 when the declared id names the same text as match m. */
static int same_license(const pdg_license_db *db, const char *declared,
                        const pdg_license_match *m)
{
	long a, b;

	if (strcasecmp(declared, m->id) == 0)
		return 1;
	for (size_t i = 0; i < m->n_equivalent; i++)
		if (strcasecmp(declared, m->equivalent[i]) == 0)
			return 1;
	a = lic_db_find_entry(db, declared);
	b = lic_db_find_entry(db, m->id);
	return a >= 0 && a == b;
}

static int is_custom_ref(const char *id)
{
	return strncasecmp(id, "LicenseRef-", 11) == 0 ||
	       strncasecmp(id, "DocumentRef-", 12) == 0;
}

/* Does the declaration (ids) cover every detected licence? */
static int disagrees(const pdg_license_db *db, const char *const *ids,
                     size_t n, const pdg_license_result *r)
{
	for (size_t i = 0; i < n; i++)
		if (is_custom_ref(ids[i]) && lic_db_find_entry(db, ids[i]) < 0)
			return 0;   /* a custom reference may be anything */
	for (size_t k = 0; k < r->n_matches; k++) {
		const pdg_license_match *m = &r->matches[k];
		int ok = 0;

		if (m->part_of || m->doc != PDG_LICENSE_DOC_LICENSE)
			continue;
		for (size_t i = 0; i < n && !ok; i++)
			ok = same_license(db, ids[i], m);
		if (!ok)
			return 1;
	}
	return 0;
}

static void declared_spdx(pdg_license_result *r, const lic_text *t,
                          const pdg_license_db *db,
                          const char ***ids, size_t *n,
                          pdg_spdx_expr **expr)
{
	const lic_spdx_line *s = &t->spdx[0];
	int rc;

	r->spdx_line = s->line;
	rc = pdg_spdx_parse(expr, t->src + s->off, s->len);
	if (rc == 0)
		rc = pdg_spdx_expr_validate(*expr, db);
	if (rc < 0) {
		r->spdx_error = pdg_xstrdup(pdg_error_last());
		r->spdx_identifier = *expr ?
			pdg_xstrdup(pdg_spdx_expr_string(*expr)) :
			pdg_xstrndup(t->src + s->off, s->len);
		return;
	}
	r->spdx_valid = 1;
	r->spdx_identifier = pdg_xstrdup(pdg_spdx_expr_string(*expr));
	*n = pdg_spdx_expr_license_count(*expr);
	*ids = pdg_xmalloc((*n + 1) * sizeof(char *));
	for (size_t i = 0; i < *n; i++)
		(*ids)[i] = pdg_spdx_expr_license(*expr, i);
}

static int match_pos_cmp(const void *a, const void *b)
{
	const pdg_license_match *x = a, *y = b;

	if (x->byte_start != y->byte_start)
		return x->byte_start < y->byte_start ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void conclude(pdg_license_result *r, const lic_text *t,
                     const pdg_license_db *db, const pdg_license_opts *o)
{
	const char **ids = NULL;
	size_t n_ids = 0;
	pdg_spdx_expr *expr = NULL;
	const char *declared = NULL;
	char *tag, *name;
	pdg_buf b = PDG_BUF_INIT;
	double conf = 1;
	size_t detected = 0;

	card_tags(t->src, t->src_len, &tag, &name);
	if (tag) {
		r->card_license = tag;
		const char *id = map_tag(o, db, tag, name);
		if (id)
			r->card_license_id = pdg_xstrdup(id);
	}
	free(name);
	if (t->n_spdx)
		declared_spdx(r, t, db, &ids, &n_ids, &expr);
	if (r->spdx_valid) {
		declared = r->spdx_identifier;
	} else if (r->card_license_id) {
		declared = r->card_license_id;
		ids = pdg_xmalloc(sizeof(char *));
		ids[0] = r->card_license_id;
		n_ids = 1;
	}
	for (size_t k = 0; k < r->n_matches; k++) {
		const pdg_license_match *m = &r->matches[k];

		if (m->part_of)
			continue;
		if (detected++)
			pdg_buf_puts(&b, " AND ");
		pdg_buf_puts(&b, m->id);
		conf = fmin(conf, m->confidence);
	}
	if (declared && detected)
		r->disagreement = disagrees(db, ids, n_ids, r);
	if (declared && !r->disagreement) {
		/* Agreed, or nothing in the text to check it against. */
		r->license = pdg_xstrdup(declared);
		r->confidence = detected ? fmax(conf, 0.95) : 0.9;
		pdg_buf_free(&b);
	} else if (detected) {
		/* A licence text outweighs a contradicting declaration
		 * (which may be about something else: the licence of the
		 * licence text itself); the doubt shows in the confidence. */
		r->license = b.ptr;
		r->confidence = r->disagreement ? conf * 0.8 : conf;
	} else {
		pdg_buf_free(&b);
		r->license = pdg_xstrdup(PDG_LICENSE_UNKNOWN);
		r->confidence = r->n_candidates ?
		                1.0 - r->candidates[0].containment : 1.0;
		if (r->confidence < 0)
			r->confidence = 0;
	}
	free(ids);
	pdg_spdx_expr_free(expr);
}

/* ------------------------------------------------------------------ */

static void query_free(struct query *q)
{
	lic_text_free(&q->t);
	free(q->pos_u);
	free(q->u);
	free(q->m);
	free(q->m_own);
	free(q->mw);
	free(q->mw_own);
	free(q->sc);
	free(q->stamp);
}

int pdg_license_identify(pdg_license_result **out, const char *text,
                         size_t len, const pdg_license_opts *opts)
{
	static const pdg_license_opts defaults = PDG_LICENSE_OPTS_INIT;
	const pdg_license_opts *o = opts ? opts : &defaults;
	double threshold = o->threshold > 0 ? o->threshold :
	                   PDG_LICENSE_THRESHOLD;
	unsigned max_matches = o->max_matches ? o->max_matches : 8;
	unsigned max_cand = o->max_candidates ? o->max_candidates : 5;
	struct query q;
	pdg_license_result *r;
	int rc;

	*out = NULL;
	memset(&q, 0, sizeof(q));
	q.db = o->db;
	if (!q.db && (rc = pdg_license_db_default(&q.db)) < 0)
		return rc;
	uint32_t ne = q.db->hdr->n_entries;
	lic_text_init(&q.t, text, text ? len : 0);
	build_unique(&q);
	q.m = pdg_xcalloc(ne + 1, sizeof(uint32_t));
	q.m_own = pdg_xcalloc(ne + 1, sizeof(uint32_t));
	q.mw = pdg_xcalloc(ne + 1, sizeof(double));
	q.mw_own = pdg_xcalloc(ne + 1, sizeof(double));
	q.sc = pdg_xcalloc(ne + 1, sizeof(*q.sc));

	r = pdg_xcalloc(1, sizeof(*r));
	r->truncated = q.t.truncated;
	if (q.npos) {
		unsigned rounds = 0;

		score_round(&q);
		/* Candidates come from the first round: the whole text. */
		struct score *first = pdg_xmalloc((q.nsc + 1) *
		                                  sizeof(*first));
		size_t nfirst = q.nsc;
		memcpy(first, q.sc, q.nsc * sizeof(*first));
		while (rounds < max_matches &&
		       text_round(&q, r, o, threshold, rounds == 0))
			rounds++;
		if (o->kb)
			match_signatures(&q, r, o, first, nfirst);
		if (!r->n_matches) {
			memcpy(q.sc, first, nfirst * sizeof(*first));
			q.nsc = nfirst;
			add_candidates(&q, r, max_cand);
		}
		free(first);
	}
	if (r->n_matches > 1)
		qsort(r->matches, r->n_matches, sizeof(*r->matches),
		      match_pos_cmp);
	if (!o->no_clauses)
		lic_clauses_extract(&r->clauses, &r->n_clauses, &q.t);
	conclude(r, &q.t, q.db, o);
	query_free(&q);
	*out = r;
	return 0;
}

void pdg_license_result_free(pdg_license_result *r)
{
	if (!r)
		return;
	free(r->license);
	for (size_t i = 0; i < r->n_matches; i++) {
		pdg_license_match *m = &r->matches[i];

		free(m->id);
		for (size_t j = 0; j < m->n_equivalent; j++)
			free(m->equivalent[j]);
		free(m->equivalent);
		free(m->part_of);
	}
	free(r->matches);
	for (size_t i = 0; i < r->n_candidates; i++)
		free(r->candidates[i].id);
	free(r->candidates);
	pdg_license_clauses_free(r->clauses, r->n_clauses);
	free(r->spdx_identifier);
	free(r->spdx_error);
	free(r->card_license);
	free(r->card_license_id);
	free(r);
}
