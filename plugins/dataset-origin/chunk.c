/*
 * chunk.c - evidence in one chunk of records (see chunk.h).
 *
 * Parsing every record with a JSON library would be an order of
 * magnitude slower than the scan, so the raw bytes are matched first, for
 * anchor words and metadata keys, and only the few records with a match
 * are looked at again:
 *   - a metadata match ends right after the model prefix inside a quoted
 *     value; the name is read back to the opening quote and on to the
 *     closing one, from the raw bytes;
 *   - a record with an anchor is parsed, and each of its strings,
 *     normalised, is matched against the phrases, with the role of the
 *     turn it belongs to.  A phrase that only a user turn says ("are you
 *     ChatGPT?" ... "I am ChatGPT") is not evidence that a model wrote
 *     the record.
 * A record that does not parse (CSV, invalid UTF-8, NUL bytes, cut short)
 * is normalised whole and matched as it is.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chunk.h"
#include "normalize.h"
#include "phrases.h"

/* Raw matches held before they are mapped to records. */
#define HITS_MAX 65536
/* JSON nesting walked when looking for turns. */
#define WALK_DEPTH 64

static const char *const format_names[FMT_COUNT_] = {
	"unknown", "sharegpt", "openai-messages", "alpaca",
	"prompt-completion", "text", "other",
};

const char *origin_format_name(int format)
{
	return format >= 0 && format < FMT_COUNT_ ? format_names[format]
	                                          : "unknown";
}

void origin_chunk_init(struct origin_chunk *c)
{
	memset(c, 0, sizeof(*c));
	c->buf = pdg_xmalloc(ORIGIN_CHUNK);
	/* One more for the record rec_split_finish() may close. */
	c->spans = pdg_xmalloc((ORIGIN_SPANS + 1) * sizeof(*c->spans));
	c->rec_of = pdg_xmalloc((ORIGIN_SPANS + 1) * sizeof(*c->rec_of));
	for (size_t i = 0; i <= ORIGIN_SPANS; i++)
		c->rec_of[i] = -1;
	c->model_col = -1;
}

void origin_chunk_free(struct origin_chunk *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->spans);
	free(c->rec_of);
	free(c->recs);
	free(c->models);
	pdg_buf_free(&c->names);
	memset(c, 0, sizeof(*c));
}

int origin_model_provider(const char *name, size_t len)
{
	size_t base = len;

	while (base > 0 && name[base - 1] != '/')
		base--;
	if (base == len)
		return -1;
	/* Every record of an API export has a "model" key: reject on the
	 * first letter before comparing (prefixes are lower case). */
	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct origin_provider *p = &origin_providers[i];

		for (size_t j = 0; p->model_prefixes[j]; j++) {
			const char *pre = p->model_prefixes[j];
			size_t n;

			if ((name[base] | 0x20) != pre[0])
				continue;
			n = strlen(pre);
			if (len - base >= n &&
			    strncasecmp(name + base, pre, n) == 0)
				return (int)i;
		}
	}
	return -1;
}

/* --- raw matches -> records --------------------------------------------- */

struct run {
	const struct origin_db *db;
	struct origin_chunk *c;
	struct origin_worker *w;
};

/* The span holding chunk byte `at`, or -1 (separators, blank lines). */
static long span_of(const struct origin_chunk *c, uint64_t at)
{
	size_t lo = 0, hi = c->nspans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->spans[mid].end <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nspans && c->spans[lo].start <= at)
		return (long)lo;
	return -1;
}

static void add_model(struct origin_chunk *c, uint32_t span,
                      unsigned provider, const char *name, size_t len);

/* The record entry for span s (rec_of maps spans to entries). */
static struct origin_rec *rec_for(struct origin_chunk *c, uint32_t s)
{
	if (c->rec_of[s] >= 0)
		return &c->recs[c->rec_of[s]];
	if (c->nrecs == c->caprecs) {
		c->caprecs = c->caprecs ? c->caprecs * 2 : 64;
		c->recs = pdg_xrealloc(c->recs,
		                       c->caprecs * sizeof(*c->recs));
	}
	memset(&c->recs[c->nrecs], 0, sizeof(*c->recs));
	c->recs[c->nrecs].span = s;
	c->rec_of[s] = (int32_t)c->nrecs;
	return &c->recs[c->nrecs++];
}

static int rec_cmp(const void *pa, const void *pb)
{
	const struct origin_rec *a = pa, *b = pb;

	return a->span < b->span ? -1 : a->span > b->span;
}

/* CSV/TSV: the field `col` of a row, unquoted (a doubled quote inside is
 * left doubled: model names have none) and trimmed.  1, 0 when it is
 * empty, -1 when the row has fewer fields. */
static int csv_field(const char *p, size_t n, char sep, int col,
                     const char **f, size_t *len)
{
	size_t i = 0;

	for (int k = 0;; k++) {
		size_t start = i, end;

		if (sep == ',' && i < n && p[i] == '"') {
			start = ++i;
			while (i < n && !(p[i] == '"' &&
			                  (i + 1 >= n || p[i + 1] != '"')))
				i += p[i] == '"' ? 2 : 1;
			end = i < n ? i : n;
			while (i < n && p[i] != sep)
				i++;
		} else {
			while (i < n && p[i] != sep)
				i++;
			end = i;
		}
		if (k == col) {
			while (end > start && (p[end - 1] == ' ' ||
			                       p[end - 1] == '\r'))
				end--;
			while (start < end && p[start] == ' ')
				start++;
			if (end - start >= 2 && p[start] == '"' &&
			    p[end - 1] == '"') {
				start++;        /* quoted after a blank */
				end--;
			}
			*f = p + start;
			*len = end - start;
			return end > start;
		}
		if (i >= n)
			return -1;
		i++;            /* the separator */
	}
}

int origin_csv_model_column(const char *row, size_t n, char sep)
{
	const char *f;
	size_t len;
	int rc;

	for (int col = 0; col < 1024 &&
	     (rc = csv_field(row, n, sep, col, &f, &len)) >= 0; col++) {
		for (size_t k = 0; rc && origin_model_keys[k]; k++)
			if (strlen(origin_model_keys[k]) == len &&
			    strncasecmp(f, origin_model_keys[k], len) == 0)
				return col;
	}
	return -1;
}

/* A metadata column (a CSV "model" column) naming a model, per row. */
static void model_column(struct origin_chunk *c)
{
	for (size_t s = 0; s < c->nspans; s++) {
		const struct rec_span *sp = &c->spans[s];
		const char *f;
		size_t n;
		int p;
		struct origin_rec *rec;

		if (csv_field(c->buf + (sp->start - c->base),
		              (size_t)(sp->end - sp->start), c->sep,
		              c->model_col, &f, &n) <= 0 ||
		    n > ORIGIN_MODEL_NAME_MAX)
			continue;
		p = origin_model_provider(f, n);
		if (p < 0)
			continue;
		rec = rec_for(c, (uint32_t)s);
		if (rec->meta & (1u << p))
			continue;
		rec->meta |= 1u << p;
		add_model(c, (uint32_t)s, (unsigned)p, f, n);
	}
}

/* The value after a metadata key that ends at `to`: blanks, a colon,
 * blanks, an opening quote, then up to the closing quote.  A value with
 * an escape, or too long, is cut there. */
static int value_at(const char *buf, uint64_t to, uint64_t e,
                    uint64_t *start, uint64_t *len)
{
	uint64_t p = to, q;

	while (p < e && (buf[p] == ' ' || buf[p] == '\t'))
		p++;
	if (p >= e || buf[p++] != ':')
		return 0;
	while (p < e && (buf[p] == ' ' || buf[p] == '\t'))
		p++;
	if (p >= e || buf[p++] != '"')
		return 0;
	for (q = p; q < e && buf[q] != '"' && buf[q] != '\\' &&
	     q - p < ORIGIN_MODEL_NAME_MAX; q++)
		;
	*start = p;
	*len = q - p;
	return q > p;
}

static void add_model(struct origin_chunk *c, uint32_t span,
                      unsigned provider, const char *name, size_t len)
{
	struct origin_model *m;

	if (c->nmodels == c->capmodels) {
		c->capmodels = c->capmodels ? c->capmodels * 2 : 32;
		c->models = pdg_xrealloc(c->models,
		                         c->capmodels * sizeof(*c->models));
	}
	m = &c->models[c->nmodels++];
	m->span = span;
	m->provider = provider;
	m->off = (uint32_t)c->names.len;
	m->len = (uint32_t)len;
	pdg_buf_put(&c->names, name, len);
	pdg_buf_put(&c->names, "", 1);
}

static int hit_cmp(const void *pa, const void *pb)
{
	const struct origin_hit *a = pa, *b = pb;

	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Credit the held matches to their records. */
static void map_hits(struct run *r)
{
	struct origin_chunk *c = r->c;
	struct origin_worker *w = r->w;
	const struct origin_db *db = r->db;

	for (size_t i = 1; i < w->nhits; i++) {
		if (w->hits[i].to < w->hits[i - 1].to) {
			qsort(w->hits, w->nhits, sizeof(*w->hits), hit_cmp);
			break;
		}
	}
	for (size_t i = 0; i < w->nhits; i++) {
		uint32_t id = w->hits[i].id;
		long s = span_of(c, c->base + w->hits[i].to - 1);
		struct origin_rec *rec;
		const struct rec_span *sp;
		uint64_t ms, ml;

		if (s < 0)
			continue;
		rec = rec_for(c, (uint32_t)s);
		if (db->find.evidence[id] == EV_ANCHOR) {
			uint32_t to = w->hits[i].to;
			uint32_t lo = to > db->find.before[id]
			              ? to - db->find.before[id] : 0;
			uint32_t hi = to + db->find.after[id];

			if (!rec->anchor || lo < rec->lo)
				rec->lo = lo;
			if (!rec->anchor || hi > rec->hi)
				rec->hi = hi;
			rec->anchor = 1;
			rec->anchors |= db->find.bit[id];
			rec->solo |= (db->find.bound[id] & BOUND_SOLO) != 0;
			continue;
		}
		sp = &c->spans[s];
		if (value_at(c->buf, w->hits[i].to, sp->end - c->base, &ms,
		             &ml)) {
			int p = origin_model_provider(c->buf + ms, (size_t)ml);

			if (p >= 0 && !(rec->meta & (1u << p))) {
				rec->meta |= 1u << p;
				add_model(c, (uint32_t)s, (unsigned)p,
				          c->buf + ms, (size_t)ml);
			}
		}
	}
	w->nhits = 0;
}

static int on_hit(unsigned id, unsigned long long from,
                  unsigned long long to, unsigned flags, void *ctx)
{
	struct run *r = ctx;
	struct origin_worker *w = r->w;

	(void)from;
	(void)flags;
	if (!origin_bounded(&r->db->find, id, r->c->buf, r->c->len, to))
		return 0;
	if (w->nhits == w->caphits) {
		if (w->caphits == HITS_MAX)
			map_hits(r);
		else {
			w->caphits = w->caphits ? w->caphits * 2 : 1024;
			w->hits = pdg_xrealloc(w->hits,
			                       w->caphits * sizeof(*w->hits));
		}
	}
	w->hits[w->nhits].to = (uint32_t)to;
	w->hits[w->nhits].id = id;
	w->nhits++;
	return 0;
}

/* --- whose turn is it --------------------------------------------------- */

enum { ROLE_MODEL = 0, ROLE_USER = 1 };

/* Keys whose value a person wrote (Alpaca, Dolly, prompt/response). */
static const char *const user_keys[] = {
	"instruction", "input", "prompt", "question", "query", "human",
	"user", "context", NULL,
};
/* Keys whose value a model wrote, or its system prompt. */
static const char *const model_keys[] = {
	"output", "response", "completion", "answer", "chosen", "rejected",
	"assistant", "gpt", "bot", "reply", "system", "system_prompt",
	"generation", NULL,
};
/* Keys that name the speaker of a turn (ShareGPT, OpenAI messages). */
static const char *const speaker_keys[] = { "from", "role", "speaker",
                                            NULL };
static const char *const user_speakers[] = { "human", "user", "prompter",
                                             NULL };

static int in_list_ci(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(s, list[i]) == 0)
			return 1;
	return 0;
}

struct roles {
	const struct origin_db *db;
	struct origin_worker *w;
	const char *text;       /* what is being matched, normalised */
	size_t len;
	int role;
	uint32_t found[2][2];   /* [role][0 self, 1 template] */
};

static int on_phrase(unsigned id, unsigned long long from,
                     unsigned long long to, unsigned flags, void *ctx)
{
	struct roles *r = ctx;
	const struct origin_set *set = &r->db->phrase;

	(void)from;
	(void)flags;
	if (origin_bounded(set, id, r->text, r->len, to))
		r->found[r->role][set->evidence[id] == EV_TMPL] |=
			1u << set->provider[id];
	return 0;
}

static void match(struct roles *r, const char *text, size_t len, int role)
{
	r->text = text;
	r->len = len;
	r->role = role;
	if (len)
		hs_scan(r->db->phrase.db, text, (unsigned)len, 0,
		        r->w->scratch, on_phrase, r);
}

/* Normalise s[0..n) and match the phrases in it, as said by `role`. */
static void match_text(struct roles *r, const char *s, size_t n, int role)
{
	struct origin_worker *w = r->w;

	if (n > w->normcap) {
		w->normcap = n;
		w->norm = pdg_xrealloc(w->norm, n);
	}
	match(r, w->norm, n ? origin_normalize(s, n, w->norm) : 0, role);
}

/* Add a string's normal form to what `role` says; strings are kept apart
 * by a byte no phrase holds.  Strings shorter than any phrase are not
 * worth it (the normal form is never longer). */
static void say(struct roles *r, const char *s, size_t n, int role)
{
	pdg_buf *b = &r->w->said[role];

	if (n < r->db->phrase.minlen)
		return;
	if (b->cap < b->len + n + 1) {
		b->cap = 2 * (b->len + n + 1);
		b->ptr = pdg_xrealloc(b->ptr, b->cap);
	}
	b->len += origin_normalize(s, n, b->ptr + b->len);
	b->ptr[b->len++] = '\x01';
}

static void walk(struct roles *r, json_t *v, int role, int depth)
{
	const char *key;
	json_t *val;
	size_t i;

	if (depth > WALK_DEPTH)
		return;
	if (json_is_string(v)) {
		say(r, json_string_value(v), json_string_length(v), role);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, val)
			walk(r, val, role, depth + 1);
	} else if (json_is_object(v)) {
		for (i = 0; speaker_keys[i]; i++) {
			val = json_object_get(v, speaker_keys[i]);
			if (json_is_string(val)) {
				role = in_list_ci(json_string_value(val),
				                  user_speakers)
				       ? ROLE_USER : ROLE_MODEL;
				break;
			}
		}
		json_object_foreach(v, key, val) {
			int kr = role;

			if (in_list_ci(key, speaker_keys) &&
			    json_is_string(val))
				continue;
			if (in_list_ci(key, user_keys))
				kr = ROLE_USER;
			else if (in_list_ci(key, model_keys))
				kr = ROLE_MODEL;
			walk(r, val, kr, depth + 1);
		}
	}
}

/* Match what each role says, in one scan per role. */
static void walk_roles(struct roles *r, json_t *root)
{
	pdg_buf *said = r->w->said;

	said[ROLE_MODEL].len = said[ROLE_USER].len = 0;
	walk(r, root, ROLE_MODEL, 0);
	match(r, said[ROLE_MODEL].ptr, said[ROLE_MODEL].len, ROLE_MODEL);
	match(r, said[ROLE_USER].ptr, said[ROLE_USER].len, ROLE_USER);
}

/* The record's JSON, or NULL when it is not a JSON object or array. */
static json_t *record_json(const struct origin_chunk *c, uint32_t span)
{
	const struct rec_span *sp = &c->spans[span];
	const char *p = c->buf + (sp->start - c->base);
	size_t n = (size_t)(sp->end - sp->start);

	if (sp->start == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;         /* a byte order mark */
		n -= 3;
	}
	while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		n--;
	}
	if (!n || (*p != '{' && *p != '['))
		return NULL;
	return json_loadb(p, n, 0, NULL);
}

/* The phrases of a record with an anchor.  The raw bytes around the
 * anchors, normalised, tell whether there is any; only then is the
 * record parsed, to keep those a model's turn says.  A record that is
 * not JSON keeps all it says. */
static void find_phrases(struct run *r, struct origin_rec *rec)
{
	const struct rec_span *sp = &r->c->spans[rec->span];
	uint64_t start = sp->start - r->c->base, end = sp->end - r->c->base;
	uint64_t lo = rec->lo > start ? rec->lo : start;
	uint64_t hi = rec->hi < end ? rec->hi : end;
	struct roles ro;
	json_t *root;

	if (!rec->solo && !origin_candidate(&r->db->find, rec->anchors,
	                                    r->c->buf + lo, (size_t)(hi - lo)))
		return;
	memset(&ro, 0, sizeof(ro));
	ro.db = r->db;
	ro.w = r->w;
	match_text(&ro, r->c->buf + lo, (size_t)(hi - lo), ROLE_MODEL);
	if (!(ro.found[ROLE_MODEL][0] | ro.found[ROLE_MODEL][1]))
		return;
	root = record_json(r->c, rec->span);
	if (root) {
		memset(ro.found, 0, sizeof(ro.found));
		walk_roles(&ro, root);
		json_decref(root);
	} else {
		r->c->not_json++;
	}
	rec->self = ro.found[ROLE_MODEL][0];
	rec->tmpl = ro.found[ROLE_MODEL][1];
	if ((ro.found[ROLE_USER][0] | ro.found[ROLE_USER][1]) &
	    ~(rec->self | rec->tmpl))
		r->c->user_only++;
}

static int has_key(json_t *o, const char *k)
{
	return json_object_get(o, k) != NULL;
}

static int format_of(json_t *root)
{
	if (!json_is_object(root))
		return root ? FMT_OTHER : FMT_UNKNOWN;
	if (json_is_array(json_object_get(root, "conversations")) ||
	    json_is_array(json_object_get(root, "conversation")))
		return FMT_SHAREGPT;
	if (json_is_array(json_object_get(root, "messages")))
		return FMT_MESSAGES;
	if (has_key(root, "instruction") &&
	    (has_key(root, "output") || has_key(root, "response")))
		return FMT_ALPACA;
	if (has_key(root, "prompt") &&
	    (has_key(root, "completion") || has_key(root, "response") ||
	     has_key(root, "chosen")))
		return FMT_PROMPT;
	if (json_is_string(json_object_get(root, "text")) ||
	    json_is_string(json_object_get(root, "content")))
		return FMT_TEXT;
	return FMT_OTHER;
}

static int model_cmp(const void *pa, const void *pb)
{
	const struct origin_model *a = pa, *b = pb;

	if (a->span != b->span)
		return a->span < b->span ? -1 : 1;
	if (a->provider != b->provider)
		return a->provider < b->provider ? -1 : 1;
	return a->off < b->off ? -1 : a->off > b->off;
}

/* Each record's models, as a range of the sorted model array. */
static void index_models(struct origin_chunk *c)
{
	size_t m = 0;

	if (c->nmodels > 1)
		qsort(c->models, c->nmodels, sizeof(*c->models), model_cmp);
	for (size_t i = 0; i < c->nrecs; i++) {
		struct origin_rec *rec = &c->recs[i];

		while (m < c->nmodels && c->models[m].span < rec->span)
			m++;
		rec->model = (uint32_t)m;
		while (m < c->nmodels && c->models[m].span == rec->span)
			m++;
		rec->nmodel = (uint32_t)m - rec->model;
	}
}

void origin_chunk_run(const struct origin_db *db, struct origin_chunk *c,
                      struct origin_worker *w)
{
	struct run r = { db, c, w };
	size_t kept = 0;

	c->nrecs = c->nmodels = 0;
	c->names.len = 0;
	c->not_json = c->user_only = 0;
	c->format = FMT_UNKNOWN;
	c->error = 0;
	w->nhits = 0;
	if (c->len && c->nspans &&
	    hs_scan(db->find.db, c->buf, (unsigned)c->len, 0, w->scratch,
	            on_hit, &r) != HS_SUCCESS)
		c->error = 1;
	map_hits(&r);
	if (c->model_col >= 0)
		model_column(c);
	for (size_t i = 0; i < c->nrecs; i++) {
		struct origin_rec *rec = &c->recs[i];

		c->rec_of[rec->span] = -1;
		if (rec->anchor)
			find_phrases(&r, rec);
		if (rec->self | rec->tmpl | rec->meta)
			c->recs[kept++] = *rec;
	}
	c->nrecs = kept;
	if (kept > 1)
		qsort(c->recs, kept, sizeof(*c->recs), rec_cmp);
	index_models(c);
	if (c->want_format && c->nspans) {
		json_t *root = record_json(c, 0);

		c->format = format_of(root);
		json_decref(root);
	}
}
