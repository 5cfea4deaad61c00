/*
 * normalize.c - see normalize.h.  Hand-written: it is a dozen rules, and
 * it must never fail on bytes that are not valid JSON or UTF-8 (those are
 * copied as they are).  Fuzzed with the record splitter.
 */
#include <stdint.h>
#include <string.h>

#include "normalize.h"

struct out {
	char *p;
	size_t n;
	int space;      /* the last byte written is a collapsed blank */
};

static void put(struct out *o, char c)
{
	o->p[o->n++] = c;
	o->space = 0;
}

static void put_space(struct out *o)
{
	if (!o->space && o->n > 0)
		o->p[o->n++] = ' ';
	o->space = 1;
}

static void put_bytes(struct out *o, const char *s, size_t n)
{
	memcpy(o->p + o->n, s, n);
	o->n += n;
	o->space = 0;
}

static int is_blank_cp(uint32_t cp)
{
	return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

static int is_apostrophe_cp(uint32_t cp)
{
	return cp == 0x2018 || cp == 0x2019 || cp == 0x02BC ||
	       cp == 0x2032 || cp == 0xFF07;
}

/* A code point from an escape: blanks and apostrophes folded, anything
 * else as UTF-8 (at most as long as the escape it came from). */
static void put_cp(struct out *o, uint32_t cp)
{
	if (cp < 0x80) {
		if (cp == ' ' || (cp >= '\t' && cp <= '\r'))
			put_space(o);
		else
			put(o, (char)cp);
	} else if (is_blank_cp(cp)) {
		put_space(o);
	} else if (is_apostrophe_cp(cp)) {
		put(o, '\'');
	} else if (cp < 0x800) {
		put(o, (char)(0xC0 | (cp >> 6)));
		put(o, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		put(o, (char)(0xE0 | (cp >> 12)));
		put(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
		put(o, (char)(0x80 | (cp & 0x3F)));
	} else {
		put(o, (char)(0xF0 | (cp >> 18)));
		put(o, (char)(0x80 | ((cp >> 12) & 0x3F)));
		put(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
		put(o, (char)(0x80 | (cp & 0x3F)));
	}
}

static int hex4(const char *s, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			x |= (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return 0;
	}
	*v = x;
	return 1;
}

/* A backslash escape at s[0] (n bytes left): bytes consumed, 0 if it is
 * not one. */
static size_t escape(struct out *o, const char *s, size_t n)
{
	uint32_t cp, lo;

	if (n < 2)
		return 0;
	switch (s[1]) {
	case 'n': case 'r': case 't': case 'f': case 'b':
		put_space(o);
		return 2;
	case '"': case '\\': case '/':
		put(o, s[1]);
		return 2;
	case 'u':
		if (n < 6 || !hex4(s + 2, &cp))
			return 0;
		if (cp >= 0xD800 && cp < 0xDC00 && n >= 12 && s[6] == '\\' &&
		    s[7] == 'u' && hex4(s + 8, &lo) && lo >= 0xDC00 &&
		    lo < 0xE000) {
			put_cp(o, 0x10000 + ((cp - 0xD800) << 10) +
			          (lo - 0xDC00));
			return 12;
		}
		/* A lone surrogate: three bytes for six, kept as it is. */
		put_cp(o, cp);
		return 6;
	default:
		return 0;
	}
}

/* A UTF-8 sequence at s[0]: its length and code point, or 1 and the byte
 * itself when it is not well formed. */
static size_t utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2
	             : 1;
	uint32_t v = len == 2 ? s[0] & 0x1Fu : len == 3 ? s[0] & 0x0Fu
	             : s[0] & 0x07u;

	if (len == 1 || len > n || s[0] > 0xF4) {
		*cp = 0xFFFFFFFFu;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFFFFFFu;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3Fu);
	}
	*cp = v;
	return len;
}

static size_t entity(const char *s, size_t n)
{
	static const char *const apos[] = { "&#39;", "&#x27;", "&apos;" };

	for (size_t i = 0; i < sizeof(apos) / sizeof(*apos); i++) {
		size_t m = strlen(apos[i]);

		if (n >= m && memcmp(s, apos[i], m) == 0)
			return m;
	}
	return 0;
}

/* Bytes that are their own normal form: printable ASCII but for the
 * blank, the backslash of escapes and the ampersand of entities. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

size_t origin_normalize(const char *s, size_t n, char *out)
{
	struct out o = { out, 0, 0 };
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k;
		uint32_t cp;

		/* Most bytes are printable ASCII: copied in a tight loop,
		 * as is a single space between them. */
		if (plain[c]) {
			const unsigned char *u = (const unsigned char *)s;
			char *d = o.p + o.n;
			size_t j = i;

			for (;;) {
				while (j < n && plain[u[j]])
					*d++ = (char)u[j++];
				if (j + 1 < n && u[j] == ' ' && plain[u[j + 1]]) {
					*d++ = ' ';
					j++;
					continue;
				}
				break;
			}
			o.n = (size_t)(d - o.p);
			o.space = 0;
			i = j;
			continue;
		}
		if (c == '\\' && (k = escape(&o, s + i, n - i)) > 0) {
			i += k;
		} else if (c == '&' && (k = entity(s + i, n - i)) > 0) {
			put(&o, '\'');
			i += k;
		} else if (c < 0x80) {
			if (c == ' ' || (c >= '\t' && c <= '\r'))
				put_space(&o);
			else
				put(&o, (char)c);
			i++;
		} else {
			k = utf8((const unsigned char *)s + i, n - i, &cp);
			if (cp != 0xFFFFFFFFu &&
			    (is_blank_cp(cp) || is_apostrophe_cp(cp)))
				put_cp(&o, cp);
			else
				put_bytes(&o, s + i, k);
			i += k;
		}
	}
	return o.n;
}
