/*
 * records.c - record boundaries in JSONL, JSON and CSV streams (see
 * records.h).  Hand-written because no library splits a stream without
 * holding it: JSON parsers want whole documents and CSV libraries whole
 * rows.  The state is a handful of counters; every loop moves forward by
 * at least one byte; nothing depends on the input being valid (a stray
 * bracket or an unterminated string only shifts where records end).
 * tests/fuzz/fuzz_records.c checks that on arbitrary input.
 */
#include <string.h>

#include "records.h"

void rec_splitter_init(rec_splitter *s, enum rec_format format, int header)
{
	memset(s, 0, sizeof(*s));
	s->format = format;
	s->header = header;
	s->line = 1;
}

static int blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void open_at(rec_splitter *s, uint64_t at)
{
	s->open = 1;
	s->content = 0;
	s->start = at;
	s->start_line = s->line;
}

/* Close the open record at `end`; 1 when it was reported. */
static int close_at(rec_splitter *s, uint64_t end, struct rec_span *out,
                    size_t *n)
{
	int keep = s->content;

	s->open = 0;
	s->closes++;
	if (!keep)
		return 0;
	if (s->header) {
		s->header = 0;
		s->header_seen = 1;
		s->header_start = s->start;
		s->header_end = end;
		return 0;
	}
	out[*n].start = s->start;
	out[*n].end = end;
	out[*n].line = s->start_line;
	out[*n].number = ++s->records;
	(*n)++;
	return 1;
}

static void note_content(rec_splitter *s, const char *p, size_t len)
{
	for (size_t k = 0; !s->content && k < len; k++)
		if (!blank((unsigned char)p[k]))
			s->content = 1;
}

/* CSV: toggle the quote state once per '"' in p[0..len) ("" escapes
 * toggle twice, which is what they mean). */
static void csv_quotes(rec_splitter *s, const char *p, size_t len)
{
	const char *end = p + len;

	while ((p = memchr(p, '"', (size_t)(end - p))) != NULL) {
		s->quoted = !s->quoted;
		p++;
	}
}

/* REC_LINES and REC_CSV: memchr from newline to newline. */
static size_t split_lines(rec_splitter *s, const char *buf, size_t len,
                          struct rec_span *out, size_t max, size_t *n)
{
	size_t i = 0;

	while (i < len) {
		const char *nl;
		size_t end;

		if (!s->open)
			open_at(s, s->pos + i);
		nl = memchr(buf + i, '\n', len - i);
		end = nl ? (size_t)(nl - buf) : len;
		note_content(s, buf + i, end - i);
		if (s->format == REC_CSV)
			csv_quotes(s, buf + i, end - i);
		if (!nl) {
			i = len;
			break;
		}
		s->line++;
		i = end + 1;
		if (s->format == REC_CSV && s->quoted)
			continue;       /* a newline inside a quoted field */
		if ((close_at(s, s->pos + end, out, n) && *n == max) ||
		    s->stop_on_close)
			break;
	}
	s->pos += i;
	return i;
}

/* One byte outside strings at the depth where records live.  Returns 1
 * when a record closed (a scalar ends at the byte that follows it, which
 * is then read as well). */
static int json_top(rec_splitter *s, unsigned char c, uint64_t at,
                    struct rec_span *out, size_t *n)
{
	int closed = 0;

	if (s->scalar) {
		if (!blank(c) && c != '\n' && c != ',' && c != ']' &&
		    c != '}' && c != '[' && c != '{' && c != '"') {
			s->last = at + 1;
			return 0;
		}
		s->scalar = 0;
		closed = close_at(s, s->last, out, n);
	}
	if (blank(c) || c == '\n' || c == ',' || c == '}')
		return closed;
	if (c == ']') {
		if (s->array)
			s->depth = 0;   /* the top-level array ended */
		return closed;
	}
	open_at(s, at);
	s->content = 1;
	if (c == '{' || c == '[')
		s->depth++;
	else if (c == '"')
		s->in_string = 1;
	else {
		s->scalar = 1;
		s->last = at + 1;
	}
	return closed;
}

static size_t split_json(rec_splitter *s, const char *buf, size_t len,
                         struct rec_span *out, size_t max, size_t *n)
{
	size_t i;

	uint64_t closes = s->closes;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		uint64_t at = s->pos + i;
		uint64_t top = s->array ? 1 : 0;
		int closed = 0;

		if (c == '\n')
			s->line++;
		if (s->in_string) {
			if (s->escape)
				s->escape = 0;
			else if (c == '\\')
				s->escape = 1;
			else if (c == '"') {
				s->in_string = 0;
				if (s->open && s->depth == top)
					closed = close_at(s, at + 1, out, n);
			}
		} else if (!s->started) {
			/* Blanks, and a UTF-8 byte order mark, before the
			 * first value. */
			if (blank(c) || c == '\n' ||
			    (at < 3 && c == (unsigned char)"\xEF\xBB\xBF"[at]))
				continue;
			s->started = 1;
			if (c == '[') {
				s->array = 1;
				s->depth = 1;
			} else {
				closed = json_top(s, c, at, out, n);
			}
		} else if (s->depth < top) {
			if (c == '[')
				s->depth = 1;   /* another top-level array */
		} else if (s->depth == top) {
			closed = json_top(s, c, at, out, n);
		} else if (c == '{' || c == '[') {
			s->depth++;
		} else if (c == '}' || c == ']') {
			if (--s->depth == top)
				closed = close_at(s, at + 1, out, n);
		} else if (c == '"') {
			s->in_string = 1;
		}
		if ((closed && *n == max) ||
		    (s->stop_on_close && s->closes != closes)) {
			i++;
			break;
		}
	}
	s->pos += i;
	return i;
}

size_t rec_split(rec_splitter *s, const char *buf, size_t len,
                 struct rec_span *out, size_t max, size_t *n)
{
	*n = 0;
	if (max == 0 || len == 0)
		return 0;
	if (s->format == REC_JSON)
		return split_json(s, buf, len, out, max, n);
	return split_lines(s, buf, len, out, max, n);
}

int rec_split_finish(rec_splitter *s, struct rec_span *out)
{
	size_t n = 0;
	uint64_t end = s->pos;

	if (!s->open)
		return 0;
	if (s->format == REC_JSON && s->scalar)
		end = s->last;
	s->scalar = 0;
	s->in_string = 0;
	return close_at(s, end, out, &n);
}
