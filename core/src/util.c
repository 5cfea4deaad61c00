/* util.c - allocation, buffers, strings. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void oom(void)
{
	fputs("pedigree: out of memory\n", stderr);
	abort();
}

void *pdg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *pdg_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		oom();
	return p;
}

void *pdg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *pdg_xstrdup(const char *s)
{
	return pdg_xstrndup(s, strlen(s));
}

char *pdg_xstrndup(const char *s, size_t n)
{
	char *p = pdg_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pdg_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return p;
}

static void buf_grow(pdg_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (need < b->len)
		oom();
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->ptr = pdg_xrealloc(b->ptr, cap);
	b->cap = cap;
}

void pdg_buf_put(pdg_buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void pdg_buf_puts(pdg_buf *b, const char *s)
{
	pdg_buf_put(b, s, strlen(s));
}

void pdg_buf_printf(pdg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Format into the free space first; grow and redo only when the
	 * result did not fit. */
	buf_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void pdg_buf_free(pdg_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *pdg_path_basename(const char *path)
{
	size_t end = strlen(path);

	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return pdg_xstrndup(path + start, end - start);
}

char *pdg_ascii_lower(const char *s)
{
	char *p = pdg_xstrdup(s);

	for (char *q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

int pdg_ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int pdg_starts_with_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int fold(int c, int nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int pdg_glob_match(const char *g, const char *s, int nocase)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*g == '*') {
			star = g++;
			resume = s;
		} else if (*g && (*g == '?' ||
		                  fold((unsigned char)*g, nocase) ==
		                  fold((unsigned char)*s, nocase))) {
			g++;
			s++;
		} else if (star) {
			g = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*g == '*')
		g++;
	return *g == '\0';
}

const char *pdg_model_name_part(const char *id)
{
	const char *s = strrchr(id, '/');

	return s ? s + 1 : id;
}

void pdg_strip_packing_suffix(char *name)
{
	static const char *const packing[] = {
		".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.xz", ".txz",
		".tar.bz2", ".tar", ".zip", ".7z", ".git",
	};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(packing) / sizeof(*packing); i++) {
		size_t m = strlen(packing[i]);
		if (n > m && pdg_ends_with_ci(name, packing[i])) {
			name[n - m] = '\0';
			return;
		}
	}
}
