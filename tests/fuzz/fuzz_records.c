/* fuzz_records.c - the dataset-origin plugin's hand-written readers on
 * arbitrary bytes: the record splitter, the text normaliser and the
 * dataset-card front matter reader.  The first byte picks the format and
 * the size of the pieces the stream is fed in; the records must be the
 * same as when it is fed whole, lie inside the input, in order, without
 * overlap, numbered 1, 2, 3...; the normal form is never longer than its
 * input; the card reader returns (ASan and LSan watch the rest). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "normalize.h"
#include "records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXREC 4096

static size_t split(enum rec_format f, int header, const char *s,
                    size_t len, size_t step, struct rec_span *out)
{
	rec_splitter sp;
	size_t n = 0, pos = 0;

	rec_splitter_init(&sp, f, header);
	while (pos < len && n < MAXREC) {
		size_t piece = step && len - pos > step ? step : len - pos;
		size_t k = 0, used = rec_split(&sp, s + pos, piece, out + n,
		                               MAXREC - n, &k);

		if (used > piece)
			abort();
		if (used == 0 && k == 0)
			abort();        /* no progress */
		n += k;
		pos += used;
	}
	if (n < MAXREC)
		n += (size_t)rec_split_finish(&sp, out + n);
	return n;
}

static void check(const struct rec_span *r, size_t n, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].start >= r[i].end || r[i].end > len ||
		    r[i].number != i + 1 || r[i].line < 1)
			abort();
		if (i && (r[i].start < r[i - 1].end ||
		          r[i].line < r[i - 1].line))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec_span whole[MAXREC + 1], parts[MAXREC + 1];
	enum rec_format f;
	const char *s = (const char *)data + 1;
	size_t len, n, m, step;
	char *norm;

	if (size < 1)
		return 0;
	f = (enum rec_format)(data[0] % 3);
	step = (size_t)(data[0] >> 2) % 17;
	len = size - 1;
	n = split(f, data[0] & 0x40, s, len, 0, whole);
	m = split(f, data[0] & 0x40, s, len, step ? step : 1, parts);
	check(whole, n, len);
	if (n < MAXREC && (m != n || memcmp(whole, parts, n * sizeof(*whole))))
		abort();
	norm = malloc(len ? len : 1);
	if (norm && origin_normalize(s, len, norm) > len)
		abort();
	free(norm);
	if (data[0] & 0x80) {
		struct origin_card card;

		(void)origin_card_parse(&card, s, len);
		origin_card_clear(&card);
	}
	return 0;
}
