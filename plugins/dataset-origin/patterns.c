/*
 * patterns.c - phrases and model names as Vectorscan patterns (see
 * patterns.h for the stages and what each tolerates).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "normalize.h"
#include "patterns.h"
#include "phrases.h"
#include "util.h"

/* A run of blanks: raw (a newline too: CSV fields and decoded JSON
 * strings hold them), JSON-escaped, or no-break spaces. */
#define WS "(?:[ \\t\\r\\n\\f\\v]|\\\\[nrt]|\\xC2\\xA0|\\\\u00a0)+"
/* Straight, curly (right and left), escaped and HTML-encoded. */
#define APOSTROPHE "(?:'|\\xE2\\x80\\x99|\\xE2\\x80\\x98|\\\\u2019" \
                   "|\\\\u2018|\\\\u0027|&#39;|&#x27;|&apos;)"
/* Before a phrase that starts with a letter: a word boundary, or an
 * escape whose last character happens to be a letter ("\nI am",
 * "\u201cI am"). */
#define WORD_START "(?:\\b|\\\\[nrtbf]|\\\\u[0-9a-f]{4})"

static size_t utf8_len(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

static int is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

/* One UTF-8 sequence (n bytes), raw or as a JSON \u escape. */
static void put_codepoint(pdg_buf *b, const unsigned char *s, size_t n)
{
	uint32_t cp = 0;

	if (n == 2)
		cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
	else if (n == 3)
		cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) |
		     (s[2] & 0x3Fu);
	pdg_buf_puts(b, "(?:");
	for (size_t i = 0; i < n; i++)
		pdg_buf_printf(b, "\\x%02X", s[i]);
	if (cp >= 0x80 && cp <= 0xFFFF)
		pdg_buf_printf(b, "|\\\\u%04x", (unsigned)cp);
	pdg_buf_puts(b, ")");
}

char *origin_phrase_pattern(const char *phrase)
{
	const unsigned char *p = (const unsigned char *)phrase;
	size_t len = strlen(phrase);
	pdg_buf b = PDG_BUF_INIT;

	if (len && is_word(p[0]))
		pdg_buf_puts(&b, WORD_START);
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];

		if (c == ' ') {
			pdg_buf_puts(&b, WS);
			while (i < len && p[i] == ' ')
				i++;
		} else if (c == '\'') {
			pdg_buf_puts(&b, APOSTROPHE);
			i++;
		} else if (c >= 0x80) {
			size_t n = utf8_len(c);

			if (i + n > len)
				n = len - i;
			put_codepoint(&b, p + i, n);
			i += n;
		} else {
			if (!is_word(c))
				pdg_buf_puts(&b, "\\");
			pdg_buf_put(&b, &p[i], 1);
			i++;
		}
	}
	if (len && is_word(p[len - 1]))
		pdg_buf_puts(&b, "\\b");
	if (!b.ptr)
		pdg_buf_puts(&b, "");
	return b.ptr;
}

static void put_literal(pdg_buf *b, const char *s)
{
	for (; *s; s++) {
		if (!is_word((unsigned char)*s))
			pdg_buf_puts(b, "\\");
		pdg_buf_put(b, s, 1);
	}
}

/* "generator": "org/gemma-2-9b-it": a metadata key, then a value that
 * starts (after an optional organisation) with one of the provider's
 * model prefixes.  Quotes in JSON text are escaped, so this only matches
 * real keys, at any depth. */
static char *model_pattern(const struct origin_provider *p)
{
	pdg_buf b = PDG_BUF_INIT;

	pdg_buf_puts(&b, "\"(?:");
	for (size_t i = 0; origin_model_keys[i]; i++) {
		if (i)
			pdg_buf_puts(&b, "|");
		put_literal(&b, origin_model_keys[i]);
	}
	pdg_buf_puts(&b, ")\"[ \\t]*:[ \\t]*\"(?:[^\"/\\n\\\\]*/)?(?:");
	for (size_t i = 0; p->model_prefixes[i]; i++) {
		if (i)
			pdg_buf_puts(&b, "|");
		put_literal(&b, p->model_prefixes[i]);
	}
	pdg_buf_puts(&b, ")");
	return b.ptr;
}

/* Words that never make a good anchor: too frequent in any text. */
static const char *const common_words[] = {
	"about", "also", "been", "but", "can", "cannot", "could", "does",
	"from", "have", "just", "like", "more", "only", "that", "than",
	"their", "there", "they", "this", "what", "when", "which", "will",
	"with", "would", "your", NULL,
};
/* Words of chat formats themselves, in every record: an anchor that
 * starts one ("assist", "convers") matches inside it at every turn,
 * word boundary or not, and costs a check each time. */
static const char *const format_words[] = {
	"assistant", "conversations", "content", "messages", "system",
	"instruction", "response", "human", "model", NULL,
};

static int is_common(const char *w, size_t n)
{
	for (size_t i = 0; common_words[i]; i++)
		if (strlen(common_words[i]) == n &&
		    strncasecmp(w, common_words[i], n) == 0)
			return 1;
	return 0;
}

static int is_format_word(const char *w, size_t n)
{
	for (size_t i = 0; format_words[i]; i++)
		if (strlen(format_words[i]) >= n &&
		    strncasecmp(w, format_words[i], n) == 0)
			return 1;
	return 0;
}

/* How good an anchor the word w[0..n) of a phrase is: long names first
 * (a capital letter after the phrase's first word, or non-ASCII text of
 * three characters or more), then long words; common words last (0).
 * Words of chat formats ("assist", "model") hit in every record, inside
 * "assistant" and the "model" key: poor anchors, and never second ones. */
static long anchor_score(const char *phrase, const char *w, size_t n,
                         int second)
{
	const unsigned char *u = (const unsigned char *)w;
	int upper = 0, wide = u[0] >= 0x80;
	size_t chars = 0;

	for (size_t i = 0; i < n; i++) {
		if (u[i] >= 'A' && u[i] <= 'Z' && (i > 0 || w != phrase))
			upper = 1;
		chars += (u[i] & 0xC0) != 0x80;
	}
	if (wide)
		return chars >= 3 ? 3000 + (long)chars : (long)chars;
	if (is_common(w, n) || n < 2 || (second && is_format_word(w, n)))
		return 0;
	if (is_format_word(w, n))
		return (long)n;
	return (n >= 4 ? 2000 : 0) + (upper ? 1000 : 0) + (long)n;
}

static unsigned char u8(char c)
{
	return (unsigned char)c;
}

static int has_upper(const char *w, size_t n, int first_counts)
{
	for (size_t i = first_counts ? 0 : 1; i < n; i++)
		if (w[i] >= 'A' && w[i] <= 'Z')
			return 1;
	return 0;
}

int origin_phrase_anchors(const char *phrase, const char *w[2],
                          size_t n[2])
{
	long best[2] = { -1, -1 };

	for (int k = 0; k < 2; k++) {
		const char *p = phrase;

		while (*p) {
			const unsigned char c = (unsigned char)*p;
			const char *word = p;
			size_t len = 0;
			long score;

			if (c >= 0x80) {
				while ((unsigned char)p[len] >= 0x80)
					len++;
			} else if (is_word(c)) {
				while (is_word((unsigned char)p[len]) ||
				       p[len] == '-')
					len++;
			} else {
				p++;
				continue;
			}
			p += len;
			if (k == 1 && len == n[0] &&
			    strncasecmp(word, w[0], len) == 0)
				continue;
			score = anchor_score(phrase, word, len, k);
			if (score > best[k]) {
				best[k] = score;
				w[k] = word;
				n[k] = len;
			}
		}
		if (best[k] < 0) {
			w[k] = phrase;
			n[k] = strlen(phrase);
		}
	}
	/* Names are rare enough alone.  A common word ("language") needs a
	 * second anchor, which must be worth the hits it costs. */
	if (best[0] >= 1000 && best[0] < 2000)
		return 1;       /* a short name: "Phi", "xAI" */
	if (best[0] >= 3000 || (u8(w[0][0]) < 0x80 && has_upper(w[0], n[0],
	                                                        w[0] != phrase)))
		return 1;
	return best[1] >= 1000 ? 2 : 1;
}

/* Bytes as a literal pattern: word characters as they are, anything
 * else as \xNN. */
static char *literal(const char *s, size_t n)
{
	pdg_buf b = PDG_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_word(c))
			pdg_buf_put(&b, &s[i], 1);
		else
			pdg_buf_printf(&b, "\\x%02X", c);
	}
	if (!b.ptr)
		pdg_buf_puts(&b, "");
	return b.ptr;
}

/* An anchor word as JSON \u escapes (lower-case hex; the patterns are
 * caseless), for non-ASCII text. */
static void escaped(const char *w, size_t n, pdg_buf *esc)
{
	const unsigned char *u = (const unsigned char *)w;

	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(u[i]);
		uint32_t cp;

		if (i + k > n)
			k = n - i;
		cp = k == 3 ? ((u[i] & 0x0Fu) << 12) |
		              ((u[i + 1] & 0x3Fu) << 6) | (u[i + 2] & 0x3Fu)
		   : k == 2 ? ((u[i] & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu) : 0;
		pdg_buf_printf(esc, "\\u%04x", (unsigned)cp);
		i += k;
	}
}

int origin_bounded(const struct origin_set *set, unsigned id,
                   const char *s, size_t n, size_t to)
{
	unsigned b = set->bound[id];

	if ((b & BOUND_END) && to < n && is_word((unsigned char)s[to]))
		return 0;
	if ((b & BOUND_START) && to > set->len[id]) {
		size_t start = to - set->len[id];

		if (is_word((unsigned char)s[start - 1]))
			return 0;
	}
	return 1;
}

struct patterns {
	char **expr;
	unsigned *ids;
	unsigned char *exact;   /* matched with case as written */
	size_t n, cap;
};

static void add(struct patterns *ps, struct origin_set *set, char *expr,
                unsigned provider, unsigned char evidence)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->expr = pdg_xrealloc(ps->expr, ps->cap * sizeof(char *));
		ps->ids = pdg_xrealloc(ps->ids, ps->cap * sizeof(unsigned));
		ps->exact = pdg_xrealloc(ps->exact, ps->cap);
		set->provider = pdg_xrealloc(set->provider,
		                             ps->cap * sizeof(unsigned));
		set->evidence = pdg_xrealloc(set->evidence, ps->cap);
		set->bound = pdg_xrealloc(set->bound, ps->cap);
		set->len = pdg_xrealloc(set->len, ps->cap * sizeof(unsigned));
		set->bit = pdg_xrealloc(set->bit, ps->cap * sizeof(uint64_t));
		set->before = pdg_xrealloc(set->before,
		                           ps->cap * sizeof(unsigned));
		set->after = pdg_xrealloc(set->after,
		                          ps->cap * sizeof(unsigned));
	}
	ps->expr[ps->n] = expr;
	ps->ids[ps->n] = (unsigned)ps->n;
	ps->exact[ps->n] = 0;
	set->provider[ps->n] = provider;
	set->evidence[ps->n] = evidence;
	set->bound[ps->n] = 0;
	set->len[ps->n] = 0;
	set->bit[ps->n] = 0;
	set->before[ps->n] = set->after[ps->n] = 0;
	ps->n++;
}

/* A literal of n bytes; anchors once each, as phrases share them. */
static void add_literal(struct patterns *ps, struct origin_set *set,
                        const char *s, size_t n, unsigned provider,
                        unsigned char evidence, unsigned bound)
{
	char *expr = literal(s, n);

	for (size_t i = 0; evidence == EV_ANCHOR && i < ps->n; i++) {
		if (set->evidence[i] == EV_ANCHOR &&
		    strcasecmp(ps->expr[i], expr) == 0) {
			free(expr);
			return;
		}
	}
	add(ps, set, expr, provider, evidence);
	set->bound[ps->n - 1] = (unsigned char)bound;
	set->len[ps->n - 1] = (unsigned)n;
}

/* How many bytes s[0..n) can take raw: letters and digits as they are
 * (encoders escape only non-ASCII text), a blank, apostrophe or other
 * sign as an escape or entity of up to 6 bytes, each non-ASCII
 * character as a \u escape. */
static unsigned raw_reach(const char *s, size_t n)
{
	unsigned r = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		r += is_word(c) ? 1 : (c & 0xC0) == 0x80 ? 0 : 6;
	}
	return r;
}

/* Slack on each side of a phrase's reach: a blank run of a few more. */
#define REACH_SLACK 8

/* Pattern i (an anchor) may anchor a phrase reaching `pre` raw bytes
 * before the anchor and `post` after it. */
static void widen(struct origin_set *set, size_t i, unsigned pre,
                  unsigned post)
{
	pre += set->len[i] + REACH_SLACK;
	post += REACH_SLACK;
	if (pre > set->before[i])
		set->before[i] = pre;
	if (post > set->after[i])
		set->after[i] = post;
}

/* The bit of an anchor word, its patterns added on first use: the text,
 * and \u escapes of non-ASCII text.  -1 when the 64 bits are taken:
 * the anchor is then enough alone (BOUND_SOLO).  The phrase reaches
 * `pre` raw bytes before the word and `post` after it. */
static int anchor_bit(struct patterns *ps, struct origin_set *set,
                      const char *w, size_t n, unsigned pre, unsigned post)
{
	char *expr = literal(w, n);
	pdg_buf esc = PDG_BUF_INIT;
	int bit = -1;

	for (size_t i = 0; i < ps->n; i++) {
		if (set->evidence[i] == EV_ANCHOR &&
		    strcasecmp(ps->expr[i], expr) == 0) {
			free(expr);
			widen(set, i, pre, post);
			/* the \u-escaped form was added right after */
			if ((unsigned char)w[0] >= 0x80 && i + 1 < ps->n &&
			    set->evidence[i + 1] == EV_ANCHOR)
				widen(set, i + 1, pre, post);
			return set->bound[i] & BOUND_SOLO ? -1
			       : (int)__builtin_ctzll(set->bit[i]);
		}
	}
	free(expr);
	if (set->nbits < 64)
		bit = (int)set->nbits++;
	add_literal(ps, set, w, n, 0, EV_ANCHOR, (unsigned char)w[0] < 0x80
	            ? BOUND_END : 0);
	set->bit[ps->n - 1] = bit < 0 ? 0 : 1ull << bit;
	if (bit < 0)
		set->bound[ps->n - 1] |= BOUND_SOLO;
	widen(set, ps->n - 1, pre, post);
	if ((unsigned char)w[0] >= 0x80) {
		escaped(w, n, &esc);
		add_literal(ps, set, esc.ptr, esc.len, 0, EV_ANCHOR, 0);
		set->bit[ps->n - 1] = set->bit[ps->n - 2];
		set->bound[ps->n - 1] |= set->bound[ps->n - 2] & BOUND_SOLO;
		widen(set, ps->n - 1, pre, post);
		pdg_buf_free(&esc);
	}
	return bit;
}

/* A phrase's anchors: the first is a `find` pattern; the second, when
 * there is one, is looked for in the candidate's bytes (a Vectorscan
 * literal would hit at every occurrence of a word as common as "AI"). */
static void add_anchors(struct patterns *ps, struct origin_set *set,
                        const char *phrase)
{
	const char *w[2];
	size_t n[2];
	int k = origin_phrase_anchors(phrase, w, n);
	size_t pre = (size_t)(w[0] - phrase), end = pre + n[0];
	struct origin_need *need;
	int bit = anchor_bit(ps, set, w[0], n[0], raw_reach(phrase, pre),
	                     raw_reach(phrase + end, strlen(phrase) - end));
	set->need = pdg_xrealloc(set->need,
	                         (set->nneed + 1) * sizeof(*set->need));
	need = &set->need[set->nneed++];
	memset(need, 0, sizeof(*need));
	need->first = bit < 0 ? 0 : 1ull << bit;
	if (k == 2 && n[1] < sizeof(need->second)) {
		memcpy(need->second, w[1], n[1]);
		need->second_len = n[1];
	}
}

/* s[0..n) holds the word w (any case) ending a word. */
static int has_word(const char *s, size_t n, const char *w, size_t m)
{
	for (size_t i = 0; i + m <= n; i++) {
		if ((s[i] | 0x20) == (w[0] | 0x20) &&
		    strncasecmp(s + i, w, m) == 0 &&
		    (i + m == n || !is_word((unsigned char)s[i + m])))
			return 1;
	}
	return 0;
}

int origin_candidate(const struct origin_set *set, uint64_t mask,
                     const char *s, size_t n)
{
	for (size_t i = 0; i < set->nneed; i++) {
		const struct origin_need *need = &set->need[i];

		if (!(need->first & mask))
			continue;
		if (!need->second_len ||
		    has_word(s, n, need->second, need->second_len))
			return 1;
	}
	return 0;
}

enum stage { FIND, PHRASE, STREAM };

/* Every pattern of a stage for one list of phrases. */
static void add_phrases(struct patterns *ps, struct origin_set *set,
                        enum stage stage, const char *const *list,
                        unsigned provider, unsigned char evidence)
{
	for (size_t j = 0; list && list[j]; j++) {
		const char *ph = list[j];
		size_t n = strlen(ph);

		if (!n)
			continue;
		if (stage == STREAM) {
			add(ps, set, origin_phrase_pattern(ph), provider,
			    evidence);
		} else if (stage == PHRASE) {
			char *norm = pdg_xmalloc(n);
			size_t m = origin_normalize(ph, n, norm);
			unsigned b = 0;

			if (m && is_word((unsigned char)norm[0]))
				b |= BOUND_START;
			if (m && is_word((unsigned char)norm[m - 1]))
				b |= BOUND_END;
			add_literal(ps, set, norm, m, provider, evidence, b);
			if (m && (!set->minlen || m < set->minlen))
				set->minlen = m;
			free(norm);
		} else {
			add_anchors(ps, set, ph);
		}
	}
}

/*
 * Vectorscan searches a small set of literals (up to about 64) with its
 * Teddy engine and a larger one with FDR, and on text made of letters
 * FDR is the faster by far on these words: 1.3 against 3.5 GB/s on
 * bench/data-scan's corpus, 1.5 against 2.8 GB/s on man pages
 * (Vectorscan 5.4.9, AVX2).  So each ASCII anchor is also given in lower
 * case, matched with case: redundant with the caseless anchor (the same
 * bit, at the same place), but it takes the set past Teddy's size.
 */
static void add_lower_anchors(struct patterns *ps, struct origin_set *set)
{
	size_t n = ps->n;

	for (size_t i = 0; i < n; i++) {
		char *lower;

		if (set->evidence[i] != EV_ANCHOR || strstr(ps->expr[i], "\\x"))
			continue;       /* only plain ASCII words */
		lower = pdg_xstrdup(ps->expr[i]);
		for (char *q = lower; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q + ('a' - 'A'));
		add(ps, set, lower, set->provider[i], EV_ANCHOR);
		ps->exact[ps->n - 1] = 1;
		set->bound[ps->n - 1] = set->bound[i];
		set->len[ps->n - 1] = set->len[i];
		set->bit[ps->n - 1] = set->bit[i];
		set->before[ps->n - 1] = set->before[i];
		set->after[ps->n - 1] = set->after[i];
	}
}

static int compile_set(struct origin_set *set, enum stage stage)
{
	struct patterns ps = { 0 };
	hs_compile_error_t *err = NULL;
	unsigned flags = HS_FLAG_CASELESS;
	unsigned *fl;
	int rc = 0;

	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct origin_provider *p = &origin_providers[i];

		add_phrases(&ps, set, stage, p->phrases, (unsigned)i, EV_SELF);
		add_phrases(&ps, set, stage, p->templates, (unsigned)i,
		            EV_TMPL);
		if (stage == STREAM)
			add(&ps, set, model_pattern(p), (unsigned)i, EV_META);
	}
	for (size_t k = 0; stage == FIND && origin_model_keys[k]; k++) {
		pdg_buf key = PDG_BUF_INIT;

		pdg_buf_printf(&key, "\"%s\"", origin_model_keys[k]);
		add_literal(&ps, set, key.ptr, key.len, 0, EV_KEY, 0);
		pdg_buf_free(&key);
	}
	if (stage == FIND)
		add_lower_anchors(&ps, set);
	set->count = (unsigned)ps.n;
	if (stage == STREAM)
		flags |= HS_FLAG_SINGLEMATCH;
	fl = pdg_xmalloc(ps.n * sizeof(unsigned));
	for (size_t i = 0; i < ps.n; i++)
		fl[i] = ps.exact[i] ? flags & ~HS_FLAG_CASELESS : flags;
	if (hs_compile_multi((const char *const *)ps.expr, fl, ps.ids,
	                     (unsigned)ps.n, stage == STREAM ? HS_MODE_STREAM
	                     : HS_MODE_BLOCK, NULL, &set->db, &err)
	    != HS_SUCCESS) {
		rc = pdg_error_set(PDG_ERROR, "dataset-origin: pattern %d: %s",
		                   err ? err->expression : -1,
		                   err ? err->message : "compile failed");
		hs_free_compile_error(err);
		set->db = NULL;
	}
	free(fl);
	for (size_t i = 0; i < ps.n; i++)
		free(ps.expr[i]);
	free(ps.expr);
	free(ps.ids);
	free(ps.exact);
	return rc;
}

static void set_free(struct origin_set *set)
{
	hs_free_database(set->db);
	free(set->provider);
	free(set->evidence);
	free(set->bound);
	free(set->len);
	free(set->bit);
	free(set->before);
	free(set->after);
	free(set->need);
	memset(set, 0, sizeof(*set));
}

int origin_db_compile(struct origin_db *db)
{
	int rc;

	memset(db, 0, sizeof(*db));
	rc = compile_set(&db->find, FIND);
	if (rc == 0)
		rc = compile_set(&db->phrase, PHRASE);
	if (rc < 0)
		origin_db_free(db);
	return rc;
}

int origin_db_stream(struct origin_db *db)
{
	int rc;

	if (db->stream.db)
		return 0;
	rc = compile_set(&db->stream, STREAM);
	if (rc < 0)
		set_free(&db->stream);
	return rc;
}

void origin_db_free(struct origin_db *db)
{
	set_free(&db->find);
	set_free(&db->phrase);
	set_free(&db->stream);
}
