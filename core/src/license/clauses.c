/* clauses.c - typed clauses found in any licence text.
 *
 * The patterns are data: the table `rules` below, in a small language
 * matched against the normalised tokens of one sentence (so case,
 * whitespace, line breaks and punctuation do not matter):
 *
 *   word          a token ("licence" is already "license")
 *   a|b|c*        any of these; a trailing '*' matches a prefix
 *   ~N            skip up to N tokens
 *   #             a number: "700", "700 million", "100,000,000", "1.5b",
 *                 "1 亿"; its value is the clause's number
 *   @             a quoted string ("...", “...”, '...'); it becomes the
 *                 clause's value
 *   @a|b          a quoted string whose first word is a or b
 *
 * `unless` holds patterns (separated by " ; ") that cancel a match in the
 * same sentence ("commercial or non-commercial" grants, not forbids).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "license/license_int.h"
#include "util.h"

#define MAX_CLAUSES 64
#define MAX_ELEMS 24
#define MAX_ALTS 24
#define MAX_SENTENCE 400

struct rule {
	pdg_clause_type type;
	const char *pattern;
	const char *unless;
};

static const struct rule rules[] = {
	/* non-commercial */
	{ PDG_CLAUSE_NON_COMMERCIAL, "non commercial",
	  "commercial* ~2 non|noncommercial* ; non commercial* ~2 "
	  "commercial* ; this alternative is allowed" },
	{ PDG_CLAUSE_NON_COMMERCIAL, "noncommercial*",
	  "commercial* ~2 non|noncommercial* ; noncommercial* ~2 "
	  "commercial* ; this alternative is allowed" },
	{ PDG_CLAUSE_NON_COMMERCIAL,
	  "not|never|no|nor ~8 commercial purpose*|use|uses|usage|advantage|"
	  "gain|exploitation|product|products|service|services|application*|"
	  "activit*|deployment*|distribution|manner|setting*|environment*|"
	  "venture*|offering*",
	  "not limited|restricted to ; whether or not ; not restrict*|limit*|"
	  "prohibit*|prevent* ; commercial* ~2 non|noncommercial*" },
	{ PDG_CLAUSE_NON_COMMERCIAL, "not|never|nor ~5 commercially",
	  "not limited|restricted to ; whether or not ; not restrict*|limit*|"
	  "prohibit*|prevent*" },
	{ PDG_CLAUSE_NON_COMMERCIAL,
	  "commercial use|uses|usage|purpose*|exploitation ~4 prohibited|"
	  "forbidden|excluded", "not limited|restricted to" },
	{ PDG_CLAUSE_NON_COMMERCIAL,
	  "commercial use|uses|usage|purpose*|exploitation ~3 is|are not "
	  "permitted|allowed|authorized|granted", NULL },
	{ PDG_CLAUSE_NON_COMMERCIAL, "非 商 业|業", NULL },
	/* Each Chinese character is a token: gaps are counted in
	 * characters, about two to a word. */
	{ PDG_CLAUSE_NON_COMMERCIAL,
	  "不|禁 得|止 ~20 商 业|業 用|使|目|性", "不 得 限 制" },

	/* research only */
	{ PDG_CLAUSE_RESEARCH_ONLY,
	  "research|academic|evaluation ~2 purpose|purposes|use|uses|usage "
	  "~1 only", NULL },
	{ PDG_CLAUSE_RESEARCH_ONLY,
	  "only|solely|exclusively|strictly ~5 research|academic",
	  "not only" },
	{ PDG_CLAUSE_RESEARCH_ONLY, "仅|只|僅 ~10 研 究|究", NULL },

	/* user thresholds */
	{ PDG_CLAUSE_USER_THRESHOLD,
	  "# ~3 monthly|daily|weekly|annual ~1 active ~1 user|users", NULL },
	{ PDG_CLAUSE_USER_THRESHOLD,
	  "monthly|daily|weekly active user|users ~10 #", NULL },
	{ PDG_CLAUSE_USER_THRESHOLD, "# mau|maus|dau|daus", NULL },
	{ PDG_CLAUSE_USER_THRESHOLD, "# ~2 active user|users", NULL },
	{ PDG_CLAUSE_USER_THRESHOLD, "# ~4 月 活", NULL },
	{ PDG_CLAUSE_USER_THRESHOLD, "月 活 ~8 #", NULL },

	/* outputs used to improve other models */
	{ PDG_CLAUSE_OUTPUT_TRAINING,
	  "not|prohibited|never|nor ~12 output|outputs|results ~12 improve|"
	  "train|training|develop|enhance|create|distil* ~8 other|another|"
	  "any|third|competing ~6 model|models|llm|llms|ai", NULL },
	{ PDG_CLAUSE_OUTPUT_TRAINING,
	  "output|outputs ~10 not|cannot ~4 used ~8 train|training|improve|"
	  "develop|enhance ~8 model|models|llm|llms", NULL },

	/* no competing models */
	{ PDG_CLAUSE_NO_COMPETING,
	  "develop|build|train|create|improve ~8 model|models|product*|"
	  "service*|ai ~4 compete|competes|competing|competitive",
	  "may|can develop|design|build|create|market ; free to develop|"
	  "design|build|create|market" },
	{ PDG_CLAUSE_NO_COMPETING,
	  "develop|build|train|create|improve|distil* ~6 competing|"
	  "competitive ~2 model|models|product*|service*",
	  "may|can develop|design|build|create|market ; free to develop|"
	  "design|build|create|market" },
	{ PDG_CLAUSE_NO_COMPETING,
	  "not|prohibited|never|nor ~20 competing|competitive ~3 model|"
	  "models|product*|service*", NULL },

	/* naming of derivatives */
	{ PDG_CLAUSE_DERIVATIVE_NAMING,
	  "include|prefix|prepend|start|begin ~3 @ ~6 beginning|start|front|"
	  "prefix ~6 name|names", NULL },
	{ PDG_CLAUSE_DERIVATIVE_NAMING,
	  "name|names|named ~10 begin|begins|start|starts|prefixed|prefix ~2 "
	  "with|by @", NULL },
	{ PDG_CLAUSE_DERIVATIVE_NAMING, "begin|begins|start|starts ~2 with @",
	  NULL },

	/* attribution / display */
	{ PDG_CLAUSE_ATTRIBUTION, "@built|powered", NULL },
	{ PDG_CLAUSE_ATTRIBUTION,
	  "give|provide|retain ~3 appropriate|reasonable|proper credit|"
	  "attribution", NULL },
	{ PDG_CLAUSE_ATTRIBUTION, "must|shall ~4 attribute", NULL },

	/* use restrictions flow down */
	{ PDG_CLAUSE_USE_RESTRICTIONS,
	  "use ~1 restrictions ~12 include|included|enforceable|impose|"
	  "imposed|pass|passed|bind|binding", NULL },
	{ PDG_CLAUSE_USE_RESTRICTIONS,
	  "acceptable use policy|policies ~12 incorporated|incorporate",
	  NULL },
	{ PDG_CLAUSE_USE_RESTRICTIONS,
	  "must|shall ~6 require|ensure|oblige|bind ~8 user|users|recipient*|"
	  "licensee*|third|downstream|anyone ~10 comply|adhere|abide|bound "
	  "~6 restriction*|policy|policies", NULL },
	{ PDG_CLAUSE_USE_RESTRICTIONS,
	  "same ~3 restrictions ~8 recipient*|downstream|third|user|users|"
	  "derivative*", NULL },

	/* share-alike */
	{ PDG_CLAUSE_SHARE_ALIKE, "share alike|sharealike", NULL },
	{ PDG_CLAUSE_SHARE_ALIKE,
	  "under ~1 same|identical license|terms ~2 as", NULL },
	{ PDG_CLAUSE_SHARE_ALIKE,
	  "licensed ~10 under the terms of this license", NULL },
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

static const char *const type_names[PDG_CLAUSE_TYPE_COUNT_] = {
	"non-commercial", "research-only", "user-threshold",
	"output-training", "no-competing", "derivative-naming",
	"attribution", "use-restrictions", "share-alike",
};

const char *pdg_clause_type_name(pdg_clause_type t)
{
	return (unsigned)t < PDG_CLAUSE_TYPE_COUNT_ ? type_names[t] :
	       "unknown";
}

/* ------------------------------------------------------------------ */
/* Compiled patterns                                                  */

enum { E_WORD, E_GAP, E_NUM, E_QUOTE };

struct elem {
	int kind;
	int gap;
	size_t n_alts;
	char *alts[MAX_ALTS];
	uint8_t prefix[MAX_ALTS];
	uint16_t len[MAX_ALTS];
	uint64_t hash[MAX_ALTS];    /* of whole-word alternatives: tokens
	                               compare by hash, not by string */
};

struct pattern {
	struct elem e[MAX_ELEMS];
	size_t n;
};

struct compiled {
	struct pattern pat;
	struct pattern unless[4];
	size_t n_unless;
};

static struct compiled compiled[N_RULES];
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

/* Which rules can start at a token: whole words by hash, and masks of
 * the rules that start otherwise. */
_Static_assert(N_RULES <= 64, "rule masks are 64 bits");
struct first_word {
	uint64_t hash;
	uint64_t rules;
};
static struct first_word first_words[N_RULES * MAX_ALTS];
static size_t n_first_words;
/* The same, hashed: FIRST_SLOTS is a power of two well above the number
 * of first words (at most N_RULES * MAX_ALTS). */
#define FIRST_SLOTS 4096u
_Static_assert(N_RULES * MAX_ALTS < FIRST_SLOTS / 2, "first-word table");
static struct first_word first_table[FIRST_SLOTS];

/* Slot of a token hash: empty (rules == 0) or holding that hash. */
static size_t first_slot(uint64_t h)
{
	size_t s = (size_t)(h ^ (h >> 29)) & (FIRST_SLOTS - 1);

	while (first_table[s].rules && first_table[s].hash != h)
		s = (s + 1) & (FIRST_SLOTS - 1);
	return s;
}
static uint64_t prefix_first;  /* first element has prefix alternatives */
static uint64_t other_first;   /* first element is a number or a quote */

static void set_alts(struct elem *el, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p < end && el->n_alts < MAX_ALTS) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		const char *e = bar ? bar : end;
		size_t len = (size_t)(e - p);
		int pre = len && p[len - 1] == '*';

		if (pre)
			len--;
		el->alts[el->n_alts] = pdg_xstrndup(p, len);
		el->prefix[el->n_alts] = (uint8_t)pre;
		el->len[el->n_alts] = (uint16_t)len;
		el->hash[el->n_alts] = lic_hash_token(p, len);
		el->n_alts++;
		p = bar ? bar + 1 : end;
	}
}

static void compile_pattern(struct pattern *pt, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	pt->n = 0;
	while (p < end && pt->n < MAX_ELEMS) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		const char *e = memchr(p, ' ', (size_t)(end - p));
		if (!e)
			e = end;
		struct elem *el = &pt->e[pt->n++];
		memset(el, 0, sizeof(*el));
		if (*p == '~') {
			el->kind = E_GAP;
			el->gap = atoi(p + 1);
		} else if (*p == '#' && e - p == 1) {
			el->kind = E_NUM;
		} else if (*p == '@') {
			el->kind = E_QUOTE;
			set_alts(el, p + 1, (size_t)(e - p - 1));
		} else {
			el->kind = E_WORD;
			set_alts(el, p, (size_t)(e - p));
		}
		p = e;
	}
}

static int word_match(const struct elem *el, const lic_text *t, size_t i);

static void index_first(size_t r, const struct elem *el)
{
	if (el->kind != E_WORD) {
		other_first |= 1ull << r;
		return;
	}
	for (size_t a = 0; a < el->n_alts; a++) {
		size_t k;

		if (el->prefix[a]) {
			prefix_first |= 1ull << r;
			continue;
		}
		for (k = 0; k < n_first_words; k++)
			if (first_words[k].hash == el->hash[a])
				break;
		if (k == n_first_words) {
			first_words[k].hash = el->hash[a];
			first_words[k].rules = 0;
			n_first_words++;
		}
		first_words[k].rules |= 1ull << r;
	}
}

static void compile_all(void)
{
	for (size_t i = 0; i < N_RULES; i++) {
		struct compiled *c = &compiled[i];
		const char *u = rules[i].unless;

		compile_pattern(&c->pat, rules[i].pattern,
		                strlen(rules[i].pattern));
		while (u && *u && c->n_unless < 4) {
			const char *sep = strstr(u, " ; ");
			size_t n = sep ? (size_t)(sep - u) : strlen(u);

			compile_pattern(&c->unless[c->n_unless++], u, n);
			u = sep ? sep + 3 : NULL;
		}
		if (c->pat.n)
			index_first(i, &c->pat.e[0]);
	}
	/* rules_at() runs for every token of every text: an open-addressing
	 * table instead of a binary search. */
	for (size_t k = 0; k < n_first_words; k++) {
		size_t sl = first_slot(first_words[k].hash);

		first_table[sl] = first_words[k];
	}
}

/* Rules whose first element may match token i. */
static uint64_t rules_at(const lic_text *t, size_t i)
{
	uint64_t m = other_first;
	const struct first_word *hit = &first_table[first_slot(t->hash[i])];

	if (hit->rules && hit->hash == t->hash[i])
		m |= hit->rules;
	for (uint64_t p = prefix_first; p; p &= p - 1) {
		size_t r = (size_t)__builtin_ctzll(p);

		if (word_match(&compiled[r].pat.e[0], t, i))
			m |= 1ull << r;
	}
	return m;
}

static void free_pattern(struct pattern *pt)
{
	for (size_t i = 0; i < pt->n; i++)
		for (size_t j = 0; j < pt->e[i].n_alts; j++)
			free(pt->e[i].alts[j]);
}

__attribute__((destructor)) static void compiled_free(void)
{
	for (size_t i = 0; i < N_RULES; i++) {
		free_pattern(&compiled[i].pat);
		for (size_t j = 0; j < compiled[i].n_unless; j++)
			free_pattern(&compiled[i].unless[j]);
	}
}

/* ------------------------------------------------------------------ */
/* Matching                                                           */

struct capture {
	int has_number;
	uint64_t number;
	size_t value_off, value_len;  /* source bytes, 0 length: none */
	size_t first;                 /* first matched token */
};

struct ctx {
	const lic_text *t;
	size_t end;                   /* sentence end (exclusive) */
	struct capture cap;
};

/* Does token i match element el? */
static int word_match(const struct elem *el, const lic_text *t, size_t i)
{
	uint64_t h = t->hash[i];

	for (size_t a = 0; a < el->n_alts; a++) {
		if (!el->prefix[a]) {
			if (el->hash[a] == h)
				return 1;
		} else if (t->tok[i].len >= el->len[a] &&
		           memcmp(lic_tok_str(t, i), el->alts[a],
		                  el->len[a]) == 0) {
			return 1;
		}
	}
	return 0;
}

static const struct multiplier {
	const char *word;
	uint64_t value;
} multipliers[] = {
	/* (a number is rare: a linear search is fine) */
	{ "thousand", 1000ull }, { "k", 1000ull },
	{ "million", 1000000ull }, { "millions", 1000000ull },
	{ "m", 1000000ull }, { "mn", 1000000ull }, { "mm", 1000000ull },
	{ "billion", 1000000000ull }, { "billions", 1000000000ull },
	{ "b", 1000000000ull }, { "bn", 1000000000ull },
	{ "trillion", 1000000000000ull },
	{ "千", 1000ull }, { "万", 10000ull }, { "萬", 10000ull },
	{ "亿", 100000000ull }, { "億", 100000000ull },
};

static uint64_t multiplier_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(multipliers) / sizeof(multipliers[0]);
	     i++)
		if (strlen(multipliers[i].word) == n &&
		    memcmp(multipliers[i].word, s, n) == 0)
			return multipliers[i].value;
	return 0;
}

/* A number at token i: digits (with '.'), an optional letter suffix
 * ("700m") or a multiplier word.  Returns tokens consumed, 0 if none. */
static size_t number_at(const struct ctx *c, size_t i, uint64_t *out)
{
	const lic_text *t = c->t;
	const char *s = lic_tok_str(t, i);
	size_t n = t->tok[i].len, k = 0;
	double v = 0, scale = 0;
	uint64_t mul = 1;

	if (!n || s[0] < '0' || s[0] > '9')
		return 0;
	for (; k < n && ((s[k] >= '0' && s[k] <= '9') || s[k] == '.'); k++) {
		if (s[k] == '.') {
			if (scale)
				return 0;
			scale = 1;
			continue;
		}
		if (scale)
			v += (s[k] - '0') * (scale /= 10);
		else
			v = v * 10 + (s[k] - '0');
		if (v > 1e15)
			return 0;
	}
	if (k < n && !(mul = multiplier_of(s + k, n - k)))
		return 0;
	size_t used = 1;
	if (k == n && i + 1 < c->end) {
		uint64_t m2 = multiplier_of(lic_tok_str(t, i + 1),
		                            t->tok[i + 1].len);
		if (m2) {
			mul = m2;
			used = 2;
		}
	}
	v *= (double)mul;
	if (v > 1e18)
		return 0;
	*out = (uint64_t)(v + 0.5);
	return used;
}

/* Quote characters: opening sequence and the closers it accepts. */
static int quote_open(const char *src, size_t off, size_t *qlen,
                      int *kind)
{
	const unsigned char *s = (const unsigned char *)src;

	if (off >= 1 && (s[off - 1] == '"' || s[off - 1] == '\'' ||
	                 s[off - 1] == '`')) {
		*qlen = 1;
		*kind = s[off - 1];
		return 1;
	}
	if (off >= 3 && s[off - 3] == 0xe2 && s[off - 2] == 0x80 &&
	    (s[off - 1] == 0x9c || s[off - 1] == 0x98)) {
		*qlen = 3;
		*kind = s[off - 1] == 0x9c ? '"' : '\'';
		return 1;
	}
	if (off >= 2 && s[off - 2] == 0xc2 && s[off - 1] == 0xab) {
		*qlen = 2;
		*kind = '"';
		return 1;
	}
	return 0;
}

/* End of the quoted string opened before `off`, or 0. */
static size_t quote_close(const lic_text *t, size_t off, int kind)
{
	const unsigned char *s = (const unsigned char *)t->src;
	size_t lim = off + 120 < t->src_len ? off + 120 : t->src_len;

	for (size_t i = off; i < lim; i++) {
		if (s[i] == '\n')
			return 0;
		if (kind == '"' && (s[i] == '"' || (i + 2 < t->src_len &&
		    s[i] == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0x9d || s[i + 2] == 0x9c))))
			return i;
		if (kind == '"' && i + 1 < t->src_len && s[i] == 0xc2 &&
		    s[i + 1] == 0xbb)
			return i;
		if (kind == '`' && s[i] == '`')
			return i;
		if (kind == '\'') {
			int close = s[i] == '\'' || (i + 2 < t->src_len &&
			            s[i] == 0xe2 && s[i + 1] == 0x80 &&
			            s[i + 2] == 0x99);
			size_t after = i + (s[i] == '\'' ? 1 : 3);
			/* Not an apostrophe inside a word ("Meta's"). */
			if (close && !(after < t->src_len &&
			               ((s[after] | 0x20) >= 'a' &&
			                (s[after] | 0x20) <= 'z')))
				return i;
		}
	}
	return 0;
}

static size_t quote_at(struct ctx *c, const struct elem *el, size_t i)
{
	const lic_text *t = c->t;
	size_t qlen, close, j = i, start, end;
	int kind;

	if (!quote_open(t->src, t->tok[i].off, &qlen, &kind))
		return 0;
	close = quote_close(t, t->tok[i].off, kind);
	if (!close)
		return 0;
	if (el->n_alts && !word_match(el, t, i))
		return 0;
	while (j < c->end && t->tok[j].off < close)
		j++;
	start = t->tok[i].off;
	end = close;
	while (end > start && (t->src[end - 1] == ' ' ||
	                       t->src[end - 1] == ','))
		end--;
	if (end - start > 80)
		return 0;
	c->cap.value_off = start;
	c->cap.value_len = end - start;
	return j - i;
}

static int match_at(struct ctx *c, const struct pattern *pt, size_t ei,
                    size_t i)
{
	const struct elem *el;
	size_t used;
	uint64_t num;

	if (ei == pt->n)
		return 1;
	el = &pt->e[ei];
	switch (el->kind) {
	case E_GAP:
		for (int k = 0; k <= el->gap && i + (size_t)k <= c->end; k++)
			if (match_at(c, pt, ei + 1, i + (size_t)k))
				return 1;
		return 0;
	case E_WORD:
		return i < c->end && word_match(el, c->t, i) &&
		       match_at(c, pt, ei + 1, i + 1);
	case E_NUM:
		if (i >= c->end || !(used = number_at(c, i, &num)))
			return 0;
		if (!match_at(c, pt, ei + 1, i + used))
			return 0;
		c->cap.has_number = 1;
		c->cap.number = num;
		return 1;
	case E_QUOTE:
		if (i >= c->end || !(used = quote_at(c, el, i)))
			return 0;
		return match_at(c, pt, ei + 1, i + used);
	}
	return 0;
}

/* First match of pt in the sentence [s, e); 1 if found.  With starts
 * (bit r of starts[i - s] set when rule r may start at token i), only
 * those positions are tried. */
static int search(struct ctx *c, const struct pattern *pt, size_t s,
                  const uint64_t *starts, uint64_t bit)
{
	for (size_t i = s; i < c->end; i++) {
		if (starts && !(starts[i - s] & bit))
			continue;
		memset(&c->cap, 0, sizeof(c->cap));
		if (match_at(c, pt, 0, i)) {
			c->cap.first = i;
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Output                                                             */

static char *sentence_text(const lic_text *t, size_t s, size_t e)
{
	const char *p = t->src + t->tok[s].off;
	const char *end = t->src + t->tok[e - 1].end;
	pdg_buf b = PDG_BUF_INIT;
	int space = 0;

	pdg_buf_puts(&b, "");
	for (; p < end && b.len < PDG_CLAUSE_TEXT_MAX; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			space = 1;
			continue;
		}
		if (space && b.len)
			pdg_buf_put(&b, " ", 1);
		space = 0;
		pdg_buf_put(&b, p, 1);
	}
	/* Do not end inside a UTF-8 sequence. */
	while (b.len && ((unsigned char)b.ptr[b.len - 1] & 0xc0) == 0x80)
		b.len--;
	if (b.len && (unsigned char)b.ptr[b.len - 1] >= 0xc0)
		b.len--;
	b.ptr[b.len] = '\0';
	char *valid = pdg_license_utf8_copy(b.ptr, b.len);
	pdg_buf_free(&b);
	return valid;
}

static int already(const pdg_license_clause *cl, size_t n,
                   pdg_clause_type type, const struct capture *cap,
                   const char *src)
{
	for (size_t i = 0; i < n; i++) {
		if (cl[i].type != type ||
		    cl[i].has_number != cap->has_number ||
		    (cap->has_number && cl[i].number != cap->number))
			continue;
		if (!cap->value_len && !cl[i].value)
			return 1;
		if (cap->value_len && cl[i].value &&
		    strlen(cl[i].value) == cap->value_len &&
		    memcmp(cl[i].value, src + cap->value_off,
		           cap->value_len) == 0)
			return 1;
	}
	return 0;
}

static int plausible(pdg_clause_type type, const struct capture *cap)
{
	/* "2 monthly active users" is a count, not a threshold. */
	if (type == PDG_CLAUSE_USER_THRESHOLD)
		return cap->has_number && cap->number >= 1000;
	return 1;
}

static void scan_sentence(const lic_text *t, size_t s, size_t e,
                          pdg_license_clause **out, size_t *n)
{
	struct ctx c;
	int seen[PDG_CLAUSE_TYPE_COUNT_] = { 0 };
	uint64_t starts[MAX_SENTENCE], any = 0;

	c.t = t;
	c.end = e;
	for (size_t i = s; i < e; i++)
		any |= starts[i - s] = rules_at(t, i);
	for (size_t r = 0; r < N_RULES && *n < MAX_CLAUSES; r++) {
		const struct compiled *cp = &compiled[r];
		struct capture cap;
		int cancel = 0;

		if (seen[rules[r].type] || !(any & (1ull << r)) ||
		    !search(&c, &cp->pat, s, starts, 1ull << r))
			continue;
		cap = c.cap;
		if (!plausible(rules[r].type, &cap))
			continue;
		for (size_t u = 0; u < cp->n_unless && !cancel; u++)
			cancel = search(&c, &cp->unless[u], s, NULL, 0);
		if (cancel)
			continue;
		seen[rules[r].type] = 1;
		if (already(*out, *n, rules[r].type, &cap, t->src))
			continue;
		*out = pdg_xrealloc(*out, (*n + 1) * sizeof(**out));
		pdg_license_clause *cl = &(*out)[(*n)++];
		memset(cl, 0, sizeof(*cl));
		cl->type = rules[r].type;
		cl->has_number = cap.has_number;
		cl->number = cap.number;
		if (cap.value_len)
			cl->value = pdg_license_utf8_copy(
				t->src + cap.value_off, cap.value_len);
		cl->line = t->tok[cap.first].line;
		cl->text = sentence_text(t, s, e);
	}
}

int lic_clauses_extract(pdg_license_clause **out, size_t *n,
                        const lic_text *t)
{
	size_t s = 0;

	*out = NULL;
	*n = 0;
	pthread_once(&compile_once, compile_all);
	while (s < t->n && *n < MAX_CLAUSES) {
		size_t e = s + 1;

		/* Long runs without punctuation are cut: patterns are
		 * phrase-sized and the search stays linear. */
		while (e < t->n && e - s < MAX_SENTENCE &&
		       !(t->tok[e].flags & LIC_TOK_SENT))
			e++;
		scan_sentence(t, s, e, out, n);
		s = e;
	}
	return 0;
}

int pdg_license_clauses(pdg_license_clause **out, size_t *n,
                        const char *text, size_t len)
{
	lic_text t;
	int rc;

	lic_text_init(&t, text, text ? len : 0);
	rc = lic_clauses_extract(out, n, &t);
	lic_text_free(&t);
	return rc;
}

void pdg_license_clauses_free(pdg_license_clause *c, size_t n)
{
	if (!c)
		return;
	for (size_t i = 0; i < n; i++) {
		free(c[i].value);
		free(c[i].text);
	}
	free(c);
}
