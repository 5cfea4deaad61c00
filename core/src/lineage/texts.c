/* texts.c - the documents kept for obligation checks (see texts.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <xxhash.h>

#include "error.h"
#include "lineage/texts.h"
#include "util.h"

struct pdg_texts {
	pdg_text *items;
	size_t n, cap;
	size_t bytes;              /* normalised bytes kept */
};

pdg_texts *pdg_texts_new(void)
{
	return pdg_xcalloc(1, sizeof(pdg_texts));
}

void pdg_texts_free(pdg_texts *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->items[i].component);
		free(t->items[i].source);
		free(t->items[i].path);
		free(t->items[i].commit);
		free(t->items[i].norm);
		free(t->items[i].line_at);
		free(t->items[i].title);
	}
	free(t->items);
	free(t);
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

/* One pass: lower case, blank runs to one space, curly quotes and
 * no-break spaces to ASCII, markdown emphasis marks dropped.  When
 * `line_at` is set, records where each input line starts in the output. */
static size_t normalise(const uint8_t *in, size_t len, char *out,
                        uint32_t *line_at, uint32_t *nlines)
{
	size_t o = 0;
	int blank = 1;          /* no space at the start */

	if (line_at) {
		line_at[0] = 0;
		*nlines = 1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];
		char put = 0;

		if (c == '\n' && line_at)
			line_at[(*nlines)++] = (uint32_t)(o + !blank);
		if (is_blank(c)) {
			put = ' ';
		} else if (c == 0xC2 && i + 1 < len && in[i + 1] == 0xA0) {
			i++;
			put = ' ';
		} else if (c == 0xE2 && i + 2 < len && in[i + 1] == 0x80 &&
		           in[i + 2] >= 0x98 && in[i + 2] <= 0x9D) {
			put = in[i + 2] <= 0x9B ? '\'' : '"';
			i += 2;
		} else if (c == '*' || c == '`' || c == '_') {
			continue;
		} else {
			put = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		if (put == ' ') {
			if (!blank)
				out[o++] = ' ';
			blank = 1;
			continue;
		}
		out[o++] = put;
		blank = 0;
	}
	if (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

char *pdg_texts_normalise(const char *s)
{
	size_t len = strlen(s);
	char *out = pdg_xmalloc(len + 1);

	normalise((const uint8_t *)s, len, out, NULL, NULL);
	return out;
}

/* The first level-one heading of a markdown document, skipping YAML
 * front matter: what the card calls the model. */
static char *card_title(const uint8_t *data, size_t len)
{
	size_t i = 0;
	int in_front = len >= 3 && memcmp(data, "---", 3) == 0;

	if (in_front)
		i = 3;
	while (i < len) {
		size_t e = i;
		while (e < len && data[e] != '\n')
			e++;
		if (in_front) {
			if (e - i >= 3 && memcmp(data + i, "---", 3) == 0 &&
			    i > 0)
				in_front = 0;
		} else if (e - i > 2 && data[i] == '#' && data[i + 1] == ' ') {
			size_t s = i + 2, n = e;
			while (n > s && (data[n - 1] == '\r' ||
			                 data[n - 1] == ' '))
				n--;
			if (n > s && n - s <= 200)
				return pdg_xstrndup((const char *)data + s,
				                    n - s);
			return NULL;
		}
		i = e + 1;
	}
	return NULL;
}

int pdg_texts_add(pdg_texts *t, const char *component, const char *source,
                  const char *path, const char *commit,
                  pdg_artifact_kind kind, const uint8_t *data, size_t len,
                  uint64_t size)
{
	size_t keep = len < PDG_TEXTS_MAX_DOC ? len : PDG_TEXTS_MAX_DOC;

	if (keep > PDG_TEXTS_MAX_TOTAL - t->bytes)
		return pdg_error_set(PDG_ELIMIT, "%s: not kept for checks: "
		                     "the audit already holds %u bytes of "
		                     "documents", path, PDG_TEXTS_MAX_TOTAL);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->items = pdg_xrealloc(t->items, t->cap * sizeof(*t->items));
	}
	pdg_text *d = &t->items[t->n++];
	memset(d, 0, sizeof(*d));
	d->component = pdg_xstrdup(component ? component : "");
	d->source = pdg_xstrdup(source ? source : "");
	d->path = pdg_xstrdup(path);
	d->commit = commit ? pdg_xstrdup(commit) : NULL;
	d->kind = kind;
	d->norm = pdg_xmalloc(keep + 1);
	/* One line start per newline, plus the first line. */
	size_t newlines = 1;
	for (size_t i = 0; i < keep; i++)
		newlines += data[i] == '\n';
	d->line_at = pdg_xmalloc(newlines * sizeof(*d->line_at));
	d->norm_len = normalise(data, keep, d->norm, d->line_at, &d->nlines);
	if (kind == PDG_KIND_MODEL_CARD)
		d->title = card_title(data, keep);
	d->hash = XXH3_64bits(data, len);
	d->size = size;
	d->complete = len == size && keep == len;
	t->bytes += keep;
	return 0;
}

size_t pdg_texts_count(const pdg_texts *t)
{
	return t ? t->n : 0;
}

const pdg_text *pdg_texts_at(const pdg_texts *t, size_t i)
{
	return t && i < t->n ? &t->items[i] : NULL;
}

static uint32_t line_of(const pdg_text *d, size_t off)
{
	uint32_t lo = 0, hi = d->nlines;

	/* The last line start at or before off. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->line_at[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

static const char *file_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int wanted(const pdg_text *d, const char *component, uint32_t kinds,
                  const char *name_prefix)
{
	if (component && strcmp(d->component, component) != 0)
		return 0;
	if (kinds && !(kinds & PDG_KIND_BIT(d->kind)))
		return 0;
	return !name_prefix ||
	       pdg_starts_with_ci(file_name(d->path), name_prefix);
}

int pdg_texts_find(const pdg_texts *t, const char *component,
                   uint32_t kinds, const char *name_prefix,
                   const char *phrase, const pdg_text **where,
                   uint32_t *line)
{
	char *p = pdg_texts_normalise(phrase);
	size_t plen = strlen(p);
	int found = 0;

	for (size_t i = 0; t && plen && i < t->n && !found; i++) {
		const pdg_text *d = &t->items[i];
		const char *hit;

		if (!wanted(d, component, kinds, name_prefix))
			continue;
		hit = memmem(d->norm, d->norm_len, p, plen);
		if (!hit)
			continue;
		found = 1;
		if (where)
			*where = d;
		if (line)
			*line = line_of(d, (size_t)(hit - d->norm));
	}
	free(p);
	return found;
}

const pdg_text *pdg_texts_named(const pdg_texts *t, const char *component,
                                const char *name_prefix)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (wanted(&t->items[i], component, 0, name_prefix))
			return &t->items[i];
	return NULL;
}

const pdg_text *pdg_texts_get(const pdg_texts *t, const char *source,
                              const char *path)
{
	for (size_t i = 0; t && path && i < t->n; i++)
		if (strcmp(t->items[i].path, path) == 0 &&
		    (!source || strcmp(t->items[i].source, source) == 0))
			return &t->items[i];
	return NULL;
}
