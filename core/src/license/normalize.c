/* normalize.c - turn any text into the token stream the matcher compares.
 *
 * The same code builds the database (the generator compiles this file),
 * so whatever is dropped here is dropped on both sides.  What it does,
 * and why:
 *  - UTF-8 is decoded; invalid bytes are separators (never an error).
 *  - Letters are case-folded (ASCII, Latin-1, Latin Extended, Greek,
 *    Cyrillic); fullwidth ASCII is mapped to ASCII; ligatures expanded.
 *  - Each Han/Kana/Hangul character is a token of its own (Chinese and
 *    bilingual model licences do not separate words with spaces).
 *  - Punctuation, quotes, dashes and Markdown markup are separators, but
 *    "3.2" stays one token (Llama 3.2 and 3.3 differ in little else),
 *    "100,000,000" becomes "100000000" and "Meta's" becomes "metas".
 *  - List numbering ("1.", "a)", "(iv)") is dropped: the same licence is
 *    numbered differently by different copies.
 *  - Copyright lines, "All rights reserved", URLs, HTML tags (and <year>
 *    style placeholders) and Markdown link targets are dropped, so that
 *    names, years and links do not break matches.
 *  - SPDX-License-Identifier lines are recorded, not tokenised.
 *  - British and American spellings are unified ("licence" -> "license").
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "license/license_int.h"
#include "util.h"

struct norm {
	lic_text *t;
	char cur[LIC_TOKEN_MAX + 4];
	size_t cur_len;
	uint32_t cur_off;
	uint32_t cur_end;
	uint32_t line;
	int sent;            /* the next token starts a sentence */
	int full;            /* token limit reached */
	unsigned line_flags; /* LIC_TOK_* for every token of this line */
	int copy_cont;       /* lines that may continue a copyright line */
};

/* ------------------------------------------------------------------ */
/* Spellings: both sides of a comparison go through this table.       */

static const struct spelling {
	const char *from;
	const char *to;
} spellings[] = {
	/* sorted by `from` (bsearch) */
	{ "acknowledgement", "acknowledgment" },
	{ "acknowledgements", "acknowledgments" },
	{ "analyse", "analyze" },
	{ "analysed", "analyzed" },
	{ "artefact", "artifact" },
	{ "artefacts", "artifacts" },
	{ "authorisation", "authorization" },
	{ "authorisations", "authorizations" },
	{ "authorise", "authorize" },
	{ "authorised", "authorized" },
	{ "authorises", "authorizes" },
	{ "authorising", "authorizing" },
	{ "behaviour", "behavior" },
	{ "behaviours", "behaviors" },
	{ "cancelled", "canceled" },
	{ "catalogue", "catalog" },
	{ "centre", "center" },
	{ "colour", "color" },
	{ "defence", "defense" },
	{ "favour", "favor" },
	{ "fulfil", "fulfill" },
	{ "fulfilment", "fulfillment" },
	{ "honour", "honor" },
	{ "judgement", "judgment" },
	{ "judgements", "judgments" },
	{ "labelled", "labeled" },
	{ "licence", "license" },
	{ "licenced", "licensed" },
	{ "licencee", "licensee" },
	{ "licencees", "licensees" },
	{ "licences", "licenses" },
	{ "licencing", "licensing" },
	{ "licencor", "licensor" },
	{ "licencors", "licensors" },
	{ "modelled", "modeled" },
	{ "modelling", "modeling" },
	{ "offence", "offense" },
	{ "offences", "offenses" },
	{ "organisation", "organization" },
	{ "organisations", "organizations" },
	{ "organised", "organized" },
	{ "practise", "practice" },
	{ "programme", "program" },
	{ "programmes", "programs" },
	{ "recognise", "recognize" },
	{ "recognised", "recognized" },
	{ "recognises", "recognizes" },
	{ "utilisation", "utilization" },
	{ "utilise", "utilize" },
	{ "utilised", "utilized" },
	{ "whilst", "while" },
};

static int spelling_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct spelling *)elem)->from);
}

/* ------------------------------------------------------------------ */
/* Tokens                                                             */

uint64_t lic_hash_token(const char *s, size_t len)
{
	return XXH3_64bits(s, len);
}

uint64_t lic_hash_ngram(const uint64_t *hashes, size_t count)
{
	return XXH3_64bits(hashes, count * sizeof(*hashes));
}

static void push_token(struct norm *st, const char *s, size_t len,
                       uint32_t off, uint32_t end, unsigned flags)
{
	lic_text *t = st->t;

	if (st->full)
		return;
	if (t->n >= LIC_MAX_TOKENS) {
		st->full = 1;
		t->truncated = 1;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->tok = pdg_xrealloc(t->tok, t->cap * sizeof(*t->tok));
		t->hash = pdg_xrealloc(t->hash, t->cap * sizeof(*t->hash));
	}
	if (t->pool_len + len + 1 > t->pool_cap) {
		size_t cap = t->pool_cap ? t->pool_cap : 1024;

		while (cap < t->pool_len + len + 1)
			cap *= 2;
		t->pool = pdg_xrealloc(t->pool, cap);
		t->pool_cap = cap;
	}
	lic_tok *k = &t->tok[t->n];
	k->off = off;
	k->end = end;
	k->str = (uint32_t)t->pool_len;
	k->line = st->line;
	k->len = (uint16_t)len;
	k->flags = (uint16_t)flags;
	k->flags |= (uint16_t)st->line_flags;
	if (st->sent || t->n == 0)
		k->flags |= LIC_TOK_SENT;
	st->sent = 0;
	memcpy(t->pool + t->pool_len, s, len);
	t->pool[t->pool_len + len] = '\0';
	t->pool_len += len + 1;
	t->hash[t->n] = lic_hash_token(s, len);
	t->n++;
}

static void flush(struct norm *st)
{
	const char *s = st->cur;
	size_t len = st->cur_len;

	if (!len)
		return;
	st->cur[len] = '\0';
	if (len >= 5 && len <= 16) {
		const struct spelling *sp = bsearch(st->cur, spellings,
			sizeof(spellings) / sizeof(spellings[0]),
			sizeof(spellings[0]), spelling_cmp);
		if (sp) {
			s = sp->to;
			len = strlen(s);
		}
	}
	push_token(st, s, len, st->cur_off, st->cur_end, 0);
	st->cur_len = 0;
}

static void append(struct norm *st, const char *s, size_t n, uint32_t off,
                   uint32_t end)
{
	if (!st->cur_len)
		st->cur_off = off;
	st->cur_end = end;
	/* Over-long "words" (base64, hashes) are cut, not split, so that
	 * they stay one token. */
	if (st->cur_len + n > LIC_TOKEN_MAX)
		return;
	memcpy(st->cur + st->cur_len, s, n);
	st->cur_len += n;
}

/* ------------------------------------------------------------------ */
/* Characters                                                         */

enum cclass { C_SEP, C_LETTER, C_CJK, C_IGNORE, C_END };

static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	uint32_t v;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if (len > n) {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = v;
	return len;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int in(uint32_t cp, uint32_t lo, uint32_t hi)
{
	return cp >= lo && cp <= hi;
}

static enum cclass classify(uint32_t cp)
{
	if (cp == 0xad || in(cp, 0x200b, 0x200d) || cp == 0x2060 ||
	    in(cp, 0xfe00, 0xfe0f) || in(cp, 0x300, 0x36f))
		return C_IGNORE;
	if (cp < 0xc0)
		return (cp == 0xaa || cp == 0xb5 || cp == 0xba) ?
		       C_LETTER : C_SEP;
	if (cp == 0xd7 || cp == 0xf7 || cp == 0x37e || cp == 0x387)
		return C_SEP;
	if (cp < 0x2000)
		return C_LETTER;
	if (cp < 0x2c00)
		return C_SEP;           /* punctuation, symbols, arrows */
	if (cp < 0x2e00)
		return C_LETTER;
	if (cp < 0x2e80)
		return C_SEP;
	if (cp < 0x2fe0)
		return C_CJK;           /* radicals */
	if (cp < 0x3040)
		return in(cp, 0x3005, 0x3007) ? C_CJK : C_SEP;
	if (cp == 0x30fb)
		return C_SEP;
	if (cp < 0x3200)
		return C_CJK;           /* kana, bopomofo, jamo */
	if (cp < 0x3400)
		return C_SEP;           /* enclosed, compatibility */
	if (cp < 0x4dc0)
		return C_CJK;
	if (cp < 0x4e00)
		return C_SEP;
	if (cp < 0xa000)
		return C_CJK;
	if (cp < 0xac00)
		return C_LETTER;
	if (cp < 0xd800)
		return C_CJK;           /* Hangul syllables */
	if (cp < 0xf900)
		return C_SEP;           /* private use */
	if (cp < 0xfb00)
		return C_CJK;
	if (cp < 0xfe10)
		return C_LETTER;
	if (cp < 0xfe70)
		return C_SEP;
	if (cp < 0xfeff)
		return C_LETTER;
	if (in(cp, 0xff66, 0xffdc))
		return C_CJK;
	if (cp < 0x10000)
		return C_SEP;
	if (in(cp, 0x1f000, 0x1ffff) || in(cp, 0xe0000, 0x10ffff))
		return C_SEP;
	if (in(cp, 0x20000, 0x3ffff))
		return C_CJK;
	return C_LETTER;
}

/* Simple case folding for the scripts licences are written in. */
static uint32_t fold(uint32_t c)
{
	if ((in(c, 0xc0, 0xde) && c != 0xd7))
		return c + 0x20;
	if (in(c, 0x100, 0x137) || in(c, 0x14a, 0x177) ||
	    in(c, 0x1de, 0x1ef) || in(c, 0x1f8, 0x21f) ||
	    in(c, 0x222, 0x233) || in(c, 0x460, 0x481) ||
	    in(c, 0x48a, 0x4bf) || in(c, 0x4d0, 0x52f) ||
	    in(c, 0x1e00, 0x1e95) || in(c, 0x1ea0, 0x1eff))
		return (c & 1) ? c : c + 1;
	if (in(c, 0x139, 0x148) || in(c, 0x179, 0x17e) ||
	    in(c, 0x1cd, 0x1dc))
		return (c & 1) ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	if (in(c, 0x391, 0x3a9) && c != 0x3a2)
		return c + 0x20;
	if (c == 0x3c2)
		return 0x3c3;
	if (c == 0x386)
		return 0x3ac;
	if (in(c, 0x388, 0x38a))
		return c + 0x25;
	if (c == 0x38c)
		return 0x3cc;
	if (in(c, 0x38e, 0x38f))
		return c + 0x3f;
	if (in(c, 0x410, 0x42f))
		return c + 0x20;
	if (in(c, 0x400, 0x40f))
		return c + 0x50;
	return c;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Case-insensitive prefix test on a bounded range. */
static int prefix_ci(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)p[i]) != lit[i])
			return 0;
	return 1;
}

static const char *find_ci(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	for (; p + n <= end; p++)
		if (prefix_ci(p, end, lit))
			return p;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Line-level rules                                                   */

/* Skip what starts a line without being text: indentation, comment
 * leaders, Markdown headings, quotes and bullets.  *marker is set when
 * something list- or heading-like was skipped. */
static const char *skip_leaders(const char *p, const char *end, int *marker)
{
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (is_space(c)) {
			p++;
			continue;
		}
		if (strchr("#*/-+>;!|%=~`_", c) && c) {
			if (c != '/' && c != '=' && c != '~')
				*marker = 1;
			p++;
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t n = utf8_decode((const unsigned char *)p,
			                       (size_t)(end - p), &cp);
			if (cp == 0x2022 || cp == 0x2023 || cp == 0xb7 ||
			    cp == 0x2013 || cp == 0x2014 || cp == 0x25cf ||
			    cp == 0x25e6 || cp == 0x25aa || cp == 0x25a0 ||
			    cp == 0x25a1 || cp == 0x25cb || cp == 0x2043 ||
			    cp == 0xa0 || cp == 0x3000) {
				*marker = 1;
				p += n;
				continue;
			}
		}
		break;
	}
	return p;
}

/* "1.", "1.2.", "12)", "a.", "b)", "iv.", "(a)": list numbering at the
 * start of a line.  Returns the end of the marker or NULL. */
static const char *list_marker(const char *p, const char *end)
{
	const char *q = p;

	if (q < end && is_digit((unsigned char)*q)) {
		for (;;) {
			int d = 0;

			while (q < end && is_digit((unsigned char)*q) &&
			       d < 4) {
				q++;
				d++;
			}
			if (q < end && is_digit((unsigned char)*q))
				return NULL;
			if (q + 1 < end && *q == '.' &&
			    is_digit((unsigned char)q[1])) {
				q++;
				continue;
			}
			break;
		}
	} else {
		int n = 0;

		while (q < end && n < 6 &&
		       strchr("ivxlcIVXLC", *q) && *q) {
			q++;
			n++;
		}
		if (n == 0 && q < end && is_alpha((unsigned char)*q)) {
			q++;
			n = 1;
		}
		if (n == 0)
			return NULL;
	}
	if (q >= end || (*q != '.' && *q != ')'))
		return NULL;
	q++;
	/* Followed by a space or tab, also an escaped one ("a.\\tText" in a
	 * JSON string). */
	if (q < end && !is_space((unsigned char)*q) &&
	    !(end - q >= 2 && q[0] == '\\' && q[1] == 't'))
		return NULL;
	return q;
}

/* Words that follow "Copyright" in running text ("copyright notice",
 * "copyright holders") rather than in a copyright statement. */
static const char *const copyright_words[] = {
	"act", "agent", "and", "assignment", "claim", "claims",
	"infringement", "information", "interest", "law", "laws", "license",
	"licence", "notice", "notices", "office", "or", "owner", "owners",
	"ownership", "policy", "protection", "rights", "statement", "status",
	"treaty", "treaties", "holder", "holders", "of", "to", "in",
};

static int copyright_word(const char *p, const char *end)
{
	size_t n = 0;

	while (p + n < end && is_alpha((unsigned char)p[n]))
		n++;
	for (size_t i = 0; i < sizeof(copyright_words) /
	     sizeof(copyright_words[0]); i++) {
		const char *w = copyright_words[i];

		if (strlen(w) == n && prefix_ci(p, p + n, w))
			return 1;
	}
	return 0;
}

static int is_copyright_sign(const char *p, const char *end)
{
	return prefix_ci(p, end, "(c)") || prefix_ci(p, end, "\\u00a9") ||
	       (end - p >= 2 && (unsigned char)p[0] == 0xc2 &&
	        (unsigned char)p[1] == 0xa9);
}

static int is_abbrev(const char *p, const char *dot)
{
	static const char *const abbr[] = { "inc", "ltd", "co", "corp",
	                                    "llc", "no", "st", "jr" };

	/* An initial: "A. Person". */
	if (dot - p >= 1 && dot[-1] >= 'A' && dot[-1] <= 'Z' &&
	    (dot - p == 1 || !is_alpha((unsigned char)dot[-2])))
		return 1;
	for (size_t i = 0; i < sizeof(abbr) / sizeof(abbr[0]); i++) {
		size_t n = strlen(abbr[i]);

		const char *w = dot - n;

		if ((size_t)(dot - p) >= n && prefix_ci(w, dot, abbr[i]) &&
		    (w == p || !is_alpha((unsigned char)w[-1])))
			return 1;
	}
	return 0;
}

/* Words that continue a copyright statement in lower case. */
static int statement_word(const char *w, size_t n)
{
	static const char *const words[] = { "by", "and", "of", "the",
		"for", "its", "their", "contributors", "authors", "c", "or",
		"copyright", "portions",
		"affiliates", "others", "all", "rights", "reserved", "et",
		"al",
		"respective", "owners", "inc", "ltd", "llc", "gmbh", "corp",
		"project", "projects", "team", "developers", "community",
		"foundation", "organization", "university", "labs", "group",
		"software", "company", "holders", "holder", "owner" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && prefix_ci(w, w + n, words[i]))
			return 1;
	return 0;
}

/* Where a copyright statement that shares its line with text ends: after
 * "reserved.", after the first sentence, or before the capitalised word
 * that starts the text ("Copyright 2001 by D. K. Any use of..."). */
static const char *statement_end(const char *p, const char *after,
                                  const char *end)
{
	const char *lim = end - p > 300 ? p + 300 : end, *q, *prev_cap = NULL;
	const char *best = end;

	/* The earliest of three ends wins. */
	if ((q = find_ci(p, lim, "reserved.")))
		best = q + 9;
	for (q = after + 3; q + 2 < best && q + 2 < lim; q++)
		if (*q == '.' && q[1] == ' ' && q[2] >= 'A' && q[2] <= 'Z' &&
		    !is_abbrev(p, q)) {
			best = q + 1;
			break;
		}
	for (q = after; q < lim && q < best;) {
		const char *w;

		while (q < lim && !is_alpha((unsigned char)*q)) {
			const char *close = NULL;

			/* Placeholders: "<year>", "[name of owner]". */
			if (*q == '<' || *q == '[')
				close = memchr(q, *q == '<' ? '>' : ']',
				               (size_t)(lim - q));
			q = close ? close + 1 : q + 1;
		}
		w = q;
		while (q < lim && is_alpha((unsigned char)*q))
			q++;
		if (q == w)
			break;
		if (*w >= 'A' && *w <= 'Z') {
			prev_cap = w;
			continue;
		}
		if (!statement_word(w, (size_t)(q - w))) {
			w = prev_cap ? prev_cap : w;
			return w < best ? w : best;
		}
		prev_cap = NULL;
	}
	return best;
}

/* A four-digit year 19xx or 20xx. */
static int has_year(const char *p, const char *end)
{
	for (; p + 4 <= end; p++)
		if ((prefix_ci(p, end, "19") || prefix_ci(p, end, "20")) &&
		    is_digit((unsigned char)p[2]) &&
		    is_digit((unsigned char)p[3]) &&
		    (p + 4 == end || !is_digit((unsigned char)p[4])))
			return 1;
	return 0;
}

/* Decide whether the line at p is a copyright statement; returns where
 * tokenising resumes (end of the statement) or NULL. */
static const char *copyright_skip(const char *p, const char *end)
{
	const char *q = p;
	int yes = 0;

	if (prefix_ci(p, end, "portions "))
		p += 9;
	if (is_copyright_sign(p, end)) {
		/* "(c)" also numbers list items: "(c) there is notice". */
		q = p + (*p == '(' ? 3 : *p == '\\' ? 6 : 2);
		while (q < end && is_space((unsigned char)*q))
			q++;
		yes = q < end && (*p != '(' || has_year(q, end)) &&
		      (is_digit((unsigned char)*q) ||
		       (*q >= 'A' && *q <= 'Z'));
	} else if (prefix_ci(p, end, "copyright") &&
	           (p + 9 >= end || !is_alnum((unsigned char)p[9]))) {
		q = p + 9;
		while (q < end && (is_space((unsigned char)*q) || *q == ':'))
			q++;
		if (q >= end)
			return NULL;
		if (is_digit((unsigned char)*q) || strchr("(<[{", *q) ||
		    is_copyright_sign(q, end))
			yes = 1;
		else if (find_ci(q, end, "(c)") ||
		         find_ci(q, end, "\xc2\xa9") ||
		         find_ci(q, end, "\\u00a9"))
			yes = 1;
		else if (end - p <= 160 && *q >= 'A' && *q <= 'Z' &&
		         !copyright_word(q, end))
			yes = 1;
	}
	if (!yes)
		return NULL;
	return statement_end(p, q, end);
}

/* `key: "` or `key: '` at p: where a YAML string starts, or NULL. */
static const char *yaml_string_start(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && q - p < 40 &&
	       (is_alnum((unsigned char)*q) || *q == '_' || *q == '-'))
		q++;
	if (q == p || q >= end || *q != ':')
		return NULL;
	q++;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	return q < end && (*q == '"' || *q == '\'') ? q + 1 : NULL;
}

static int rights_reserved_line(const char *p, const char *end)
{
	if (!prefix_ci(p, end, "all rights reserved"))
		return 0;
	for (p += 19; p < end; p++)
		if (is_alnum((unsigned char)*p))
			return 0;
	return 1;
}

/* Record an SPDX-License-Identifier line; 1 if the line is one. */
static int spdx_line(struct norm *st, const char *ls, const char *le)
{
	const char *lim = le - ls > 512 ? ls + 512 : le;
	const char *p = find_ci(ls, lim, "spdx-license-identifier");
	lic_text *t = st->t;

	if (!p)
		return 0;
	p += 23;
	while (p < le && is_space((unsigned char)*p))
		p++;
	if (p >= le || *p != ':')
		return 0;
	p++;
	while (p < le && is_space((unsigned char)*p))
		p++;
	const char *e = p;
	while (e < le && !(e + 1 < le && e[0] == '*' && e[1] == '/') &&
	       !(e + 2 < le && e[0] == '-' && e[1] == '-' && e[2] == '>') &&
	       *e != '"')
		e++;
	while (e > p && is_space((unsigned char)e[-1]))
		e--;
	if (t->n_spdx < LIC_MAX_SPDX && e > p) {
		lic_spdx_line *s = &t->spdx[t->n_spdx++];
		s->off = (uint32_t)(p - t->src);
		s->len = (uint32_t)(e - p);
		s->line = st->line;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Inline rules                                                       */

/* "(a)", "(iv)", "(12)", "(c)" anywhere: numbering or the copyright
 * sign.  Returns the byte after ')' or NULL. */
static const char *paren_marker(const char *p, const char *end)
{
	const char *q = p + 1;
	int n = 0, digits = 0, roman = 0;

	while (q < end && n < 5 && is_alnum((unsigned char)*q)) {
		if (is_digit((unsigned char)*q))
			digits++;
		else if (strchr("ivxlIVXL", *q))
			roman++;
		q++;
		n++;
	}
	if (q >= end || *q != ')' || n == 0)
		return NULL;
	if (n == 1 || digits == n || roman == n)
		return q + 1;
	return NULL;
}

/* An HTML tag or a <placeholder>: '<', a letter or '/', '>' on the same
 * line within 200 bytes. */
static const char *html_tag(const char *p, const char *end)
{
	const char *q = p + 1;

	if (q >= end || !(is_alpha((unsigned char)*q) || *q == '/' ||
	                  *q == '!' || *q == '?'))
		return NULL;
	for (; q < end && q - p < 200; q++) {
		if (*q == '>')
			return q + 1;
		if (*q == '<')
			return NULL;
	}
	return NULL;
}

/* "](target)" of a Markdown link: the target is dropped. */
static const char *link_target(const char *p, const char *end)
{
	const char *q = p + 2;
	int depth = 1;

	for (; q < end && q - p < 1024; q++) {
		if (*q == '(')
			depth++;
		else if (*q == ')' && --depth == 0)
			return q + 1;
		else if (*q == ' ' && depth == 1)
			return NULL;
	}
	return NULL;
}

static const char *url_end(const char *p, const char *end)
{
	if (!(prefix_ci(p, end, "http://") || prefix_ci(p, end, "https://") ||
	      prefix_ci(p, end, "ftp://") || prefix_ci(p, end, "www.")))
		return NULL;
	while (p < end && (unsigned char)*p > 0x20 && !strchr("<>\"')]", *p) &&
	       (unsigned char)*p != 0xe2)
		p++;
	return p;
}

static const char *entity(const char *p, const char *end)
{
	const char *q = p + 1;
	int n = 0;

	if (q < end && *q == '#') {
		q++;
		if (q < end && (*q == 'x' || *q == 'X'))
			q++;
	}
	while (q < end && n < 8 && is_alnum((unsigned char)*q)) {
		q++;
		n++;
	}
	return (n >= 2 && q < end && *q == ';') ? q + 1 : NULL;
}

static void sentence_end(struct norm *st)
{
	flush(st);
	st->sent = 1;
}

/* Ligatures of PDF-converted texts. */
static const char *ligature(uint32_t cp)
{
	static const char *const lig[] = { "ff", "fi", "fl", "ffi", "ffl",
	                                   "st", "st" };

	return in(cp, 0xfb00, 0xfb06) ? lig[cp - 0xfb00] : NULL;
}

static size_t unicode_escape(struct norm *st, const char *base,
                             const char *p, const char *end);

static void ascii_char(struct norm *st, const char *base, const char *p,
                       const char *end, const char **next)
{
	unsigned char c = (unsigned char)*p;
	uint32_t off = (uint32_t)(p - base);
	const char *q;
	char lc;

	*next = p + 1;
	if (is_alnum(c)) {
		if (!st->cur_len && (q = url_end(p, end))) {
			flush(st);
			*next = q;
			return;
		}
		lc = (char)lower(c);
		append(st, &lc, 1, off, off + 1);
		return;
	}
	switch (c) {
	case '\'':
		if (st->cur_len && is_alpha((unsigned char)st->cur[
		    st->cur_len - 1]) && p + 1 < end &&
		    is_alpha((unsigned char)p[1]))
			return;
		break;
	case '.':
		if (st->cur_len && is_digit((unsigned char)st->cur[
		    st->cur_len - 1]) && p + 1 < end &&
		    is_digit((unsigned char)p[1])) {
			append(st, ".", 1, off, off + 1);
			return;
		}
		sentence_end(st);
		return;
	case ',':
		if (st->cur_len && is_digit((unsigned char)st->cur[
		    st->cur_len - 1]) && end - p >= 4 &&
		    is_digit((unsigned char)p[1]) &&
		    is_digit((unsigned char)p[2]) &&
		    is_digit((unsigned char)p[3]) &&
		    (end - p == 4 || !is_digit((unsigned char)p[4])))
			return;
		break;
	case '!': case '?': case ';': case ':':
		sentence_end(st);
		return;
	case '\\':
		if ((q = p + unicode_escape(st, base, p, end)) != p) {
			*next = q;
			return;
		}
		if (p + 1 < end && strchr("nrt", p[1]) && p[1]) {
			if (p[1] == 'n' && p + 3 < end && p[2] == '\\' &&
			    p[3] == 'n')
				sentence_end(st);
			flush(st);
			*next = p + 2;
			return;
		}
		break;
	case '(':
		if ((q = paren_marker(p, end))) {
			flush(st);
			*next = q;
			return;
		}
		break;
	case '<':
		if ((q = html_tag(p, end))) {
			flush(st);
			*next = q;
			return;
		}
		break;
	case ']':
		if (p + 1 < end && p[1] == '(' && (q = link_target(p, end))) {
			flush(st);
			*next = q;
			return;
		}
		break;
	case '&':
		if ((q = entity(p, end))) {
			flush(st);
			*next = q;
			return;
		}
		break;
	default:
		break;
	}
	flush(st);
}

/* One non-ASCII character cp, written as the n source bytes at p. */
static void code_point(struct norm *st, uint32_t cp, const char *base,
                       const char *p, size_t n, const char *end)
{
	uint32_t off = (uint32_t)(p - base);
	char buf[4];
	const char *lig;

	if (cp == 0x2019 || cp == 0x02bc) {
		/* A curly apostrophe joins like "'". */
		if (st->cur_len && p + n < end &&
		    is_alpha((unsigned char)p[n]))
			return;
		flush(st);
		return;
	}
	if (in(cp, 0xff01, 0xff5e)) {
		char c = (char)(cp - 0xfee0);

		if (is_alnum((unsigned char)c)) {
			c = (char)lower((unsigned char)c);
			append(st, &c, 1, off, off + (uint32_t)n);
		} else if (strchr(".!?;:", c)) {
			sentence_end(st);
		} else {
			flush(st);
		}
		return;
	}
	if (cp == 0x3002 || cp == 0xff61 || cp == 0x2026) {
		sentence_end(st);
		return;
	}
	if ((lig = ligature(cp))) {
		append(st, lig, strlen(lig), off, off + (uint32_t)n);
		return;
	}
	switch (classify(cp)) {
	case C_IGNORE:
		return;
	case C_LETTER:
		append(st, buf, utf8_encode(fold(cp), buf), off,
		       off + (uint32_t)n);
		return;
	case C_CJK:
		/* The token is the character itself, whatever its
		 * spelling in the source (UTF-8 or a \\u escape). */
		flush(st);
		push_token(st, buf, utf8_encode(cp, buf), off,
		           off + (uint32_t)n, LIC_TOK_CJK);
		return;
	default:
		flush(st);
		return;
	}
}

static void unicode_char(struct norm *st, const char *base, const char *p,
                         const char *end, const char **next)
{
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)p, (size_t)(end - p),
	                       &cp);

	*next = p + n;
	code_point(st, cp, base, p, n, end);
}

static int hex4(const char *p, const char *end, uint32_t *v)
{
	*v = 0;
	if (end - p < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v |= (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return 0;
	}
	return 1;
}

/* "\u201c" in JSON or YAML strings (model cards): the character itself.
 * Returns the bytes consumed, 0 if p is not such an escape. */
static size_t unicode_escape(struct norm *st, const char *base,
                             const char *p, const char *end)
{
	uint32_t cp, lo;
	size_t n = 6;

	if (end - p < 6 || p[1] != 'u' || !hex4(p + 2, end, &cp))
		return 0;
	if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 12 && p[6] == '\\' &&
	    p[7] == 'u' && hex4(p + 8, end, &lo) && lo >= 0xdc00 &&
	    lo <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		n = 12;
	}
	if (cp < 0x80) {
		char c = (char)cp;
		uint32_t off = (uint32_t)(p - base);

		if (is_alnum((unsigned char)c)) {
			c = (char)lower((unsigned char)c);
			append(st, &c, 1, off, off + (uint32_t)n);
		} else {
			flush(st);
		}
		return n;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	code_point(st, cp, base, p, n, end);
	return n;
}

static void tokenise(struct norm *st, const char *p, const char *end)
{
	const char *base = st->t->src, *next;

	while (p < end && !st->full) {
		if ((unsigned char)*p < 0x80)
			ascii_char(st, base, p, end, &next);
		else
			unicode_char(st, base, p, end, &next);
		p = next;
	}
	flush(st);
}

static void do_line(struct norm *st, const char *ls, const char *le)
{
	const char *p, *q;
	int marker = 0;

	while (le > ls && is_space((unsigned char)le[-1]))
		le--;
	p = ls;
	while (p < le && is_space((unsigned char)*p))
		p++;
	if (p == le) {
		st->sent = 1;   /* a blank line ends a paragraph */
		st->copy_cont = 0;
		return;
	}
	if (spdx_line(st, ls, le)) {
		st->sent = 1;
		return;
	}
	p = skip_leaders(p, le, &marker);
	st->line_flags = 0;
	if ((q = yaml_string_start(p, le))) {
		/* extra_gated_prompt: "Copyright ...": the key is text,
		 * the string is checked as a line of its own. */
		tokenise(st, p, q);
		p = q;
	}
	if ((q = copyright_skip(p, le))) {
		st->sent = 1;
		/* A statement wrapped over several lines goes on until a
		 * blank line, unless it ends with a full stop. */
		st->copy_cont = le[-1] == '.' && !is_abbrev(p, le - 1) ? 0 : 3;
		if (q >= le)
			return;
		p = q;
		st->line_flags = LIC_TOK_COPYRIGHT;
	} else if (st->copy_cont > 0) {
		st->copy_cont--;
		st->line_flags = LIC_TOK_COPYRIGHT;
	}
	if (rights_reserved_line(p, le)) {
		st->sent = 1;
		return;
	}
	for (int i = 0; i < 3; i++) {
		q = list_marker(p, le);
		if (!q && p < le && *p == '(')
			q = paren_marker(p, le);
		if (!q)
			break;
		marker = 1;
		p = q;
		while (p < le && is_space((unsigned char)*p))
			p++;
	}
	if (marker)
		st->sent = 1;
	tokenise(st, p, le);
	st->line_flags = 0;
	if (*ls == '#')
		st->sent = 1;   /* a heading is a sentence of its own */
}

/* A JSON or YAML string holds a whole licence on one line, its line
 * breaks written "\\n": split there, so that the rules for the start of
 * a line (numbering, copyright lines) apply as in the original. */
static void escaped_lines(struct norm *st, const char *p, const char *end)
{
	const char *q = p;

	while (q < end) {
		const char *bs = memchr(q, '\\', (size_t)(end - q));

		if (!bs || bs + 1 >= end)
			break;
		if (bs[1] != 'n') {
			q = bs + 2;
			continue;
		}
		do_line(st, p, bs);
		p = q = bs + 2;
		/* Indentation, partly written as escapes. */
		for (;;) {
			if (p < end && (*p == ' ' || *p == '\t'))
				p++;
			else if (end - p >= 2 && p[0] == '\\' &&
			         (p[1] == 't' || p[1] == 'r'))
				p += 2;
			else
				break;
		}
		q = p;
	}
	do_line(st, p, end);
}

void lic_text_init(lic_text *t, const char *src, size_t len)
{
	struct norm st;
	const char *p, *end, *nl;

	memset(t, 0, sizeof(*t));
	if (len > PDG_LICENSE_MAX_TEXT) {
		len = PDG_LICENSE_MAX_TEXT;
		t->truncated = 1;
	}
	t->src = src ? src : "";
	t->src_len = src ? len : 0;
	memset(&st, 0, sizeof(st));
	st.t = t;
	st.sent = 1;
	p = t->src;
	end = p + t->src_len;
	/* A byte-order mark is not text. */
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && !st.full) {
		st.line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		escaped_lines(&st, p, nl);
		p = nl < end ? nl + 1 : end;
	}
	t->n_lines = st.line;
}

void lic_text_free(lic_text *t)
{
	if (!t)
		return;
	free(t->tok);
	free(t->hash);
	free(t->pool);
	memset(t, 0, sizeof(*t));
}

char *pdg_license_utf8_copy(const char *s, size_t n)
{
	pdg_buf b = PDG_BUF_INIT;
	size_t i = 0;

	pdg_buf_puts(&b, "");
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode((const unsigned char *)s + i, n - i,
		                       &cp);

		if (cp == 0xfffd || cp == 0)
			pdg_buf_puts(&b, "\xef\xbf\xbd");
		else
			pdg_buf_put(&b, s + i, k);
		i += k;
	}
	return b.ptr;
}

uint64_t lic_norm_fingerprint(void)
{
	/* Touches every rule above; written for this purpose. */
	static const char sample[] =
		"# **The Sample Licence** v3.2\n"
		"Copyright (c) 2024 Sample Org <https://example.org/x>\n"
		"\xc2\xa9 1999 Other Inc. All rights reserved. Text follows.\n"
		"SPDX-License-Identifier: MIT\n"
		"1. Definitions (a) one; b) two\n"
		"  iv. Organisation\xe2\x80\x99s "
		"\xe2\x80\x9c" "behaviour\xe2\x80\x9d "
		"\xe2\x80\x94 100,000,000 users\n"
		"- see [the page](https://example.org/p) & <b>bold</b> &amp; "
		"www.example.org/q\n"
		"\xe6\x9c\xac\xe8\xae\xb8\xe5\x8f\xaf\xe3\x80\x82 "
		"\xef\xbc\xa1\xef\xbd\x82 \xc3\x89T\xc3\x89 \xef\xac\x81n "
		"\xd0\x96\xce\xa3\n"
		"\"escaped\\nlines\\t\\u201cq\\u201d\"\xff\n"
		"(c) there is a list item; copyright notice kept.\n";
	lic_text t;
	uint64_t h;

	lic_text_init(&t, sample, sizeof(sample) - 1);
	h = XXH3_64bits(t.hash, t.n * sizeof(uint64_t));
	for (size_t i = 0; i < t.n; i++)
		h ^= (uint64_t)t.tok[i].flags << (i % 56);
	h = XXH3_64bits_withSeed(&h, sizeof(h), LIC_NGRAM);
	lic_text_free(&t);
	return h;
}

int pdg_license_normalize(char **out, const char *text, size_t len)
{
	lic_text t;
	pdg_buf b = PDG_BUF_INIT;

	lic_text_init(&t, text, len);
	pdg_buf_puts(&b, "");
	for (size_t i = 0; i < t.n; i++) {
		if (i)
			pdg_buf_put(&b, " ", 1);
		pdg_buf_put(&b, lic_tok_str(&t, i), t.tok[i].len);
	}
	lic_text_free(&t);
	*out = b.ptr;
	return 0;
}
