/*
 * records.h - where the records of a dataset stream begin and end.
 *
 * A splitter is fed the stream in pieces of any size, in order, and
 * reports each complete record with its absolute byte range, the line it
 * starts on and its number.  It holds no data, only a few counters, so it
 * costs the same on a 200 GB file as on a small one; the caller decides
 * how much of the stream it keeps.
 *
 *   REC_LINES  one record per line (JSONL, NDJSON, TSV); blank lines are
 *              not records
 *   REC_JSON   a .json file: the elements of a top-level array, or, when
 *              the file does not start with '[', a sequence of top-level
 *              values (JSON Lines and pretty-printed objects alike)
 *   REC_CSV    one record per line, except that a newline inside a
 *              double-quoted field does not end the record
 *
 * With `header` set, the first record (a CSV or TSV header) is consumed
 * but not reported or counted.
 */
#ifndef PDG_DATASET_ORIGIN_RECORDS_H
#define PDG_DATASET_ORIGIN_RECORDS_H

#include <stddef.h>
#include <stdint.h>

enum rec_format { REC_LINES = 0, REC_JSON, REC_CSV };

/** One complete record: bytes [start, end) of the stream. */
struct rec_span {
	uint64_t start, end;
	uint64_t line;          /* 1-based line of `start` */
	uint64_t number;        /* 1-based, among reported records */
};

typedef struct rec_splitter {
	enum rec_format format;
	int header;             /* the next record is a header: drop it */
	uint64_t pos;           /* stream offset of the next byte fed */
	uint64_t line;          /* line of the next byte fed */
	uint64_t records;       /* reported so far */
	uint64_t closes;        /* records ended, reported or not */
	int stop_on_close;      /* rec_split() returns after any record
	                           ends (a header or blank line too) */
	int header_seen;        /* the header ended at [header_start, */
	uint64_t header_start, header_end;  /* header_end) */
	/* The record being read, when `open`. */
	int open;
	int content;            /* it has a byte that is not blank */
	uint64_t start, start_line;
	/* REC_JSON */
	int started;            /* the first value has been seen */
	int array;              /* records are a top-level array's items */
	int in_string, escape, scalar;
	uint64_t depth;
	uint64_t last;          /* one past the record's last non-blank
	                           byte (scalars) */
	/* REC_CSV */
	int quoted;
} rec_splitter;

/** A splitter at the start of a stream. */
void rec_splitter_init(rec_splitter *s, enum rec_format format, int header);

/**
 * Feed buf[0..len), the stream's bytes from s->pos on.  Complete records
 * are written to out[0..max); *n is how many.  Stops right after the
 * max-th record, so the return value (bytes consumed) can be less than
 * len; feed the rest again later.  max must be at least 1.
 */
size_t rec_split(rec_splitter *s, const char *buf, size_t len,
                 struct rec_span *out, size_t max, size_t *n);

/** End of stream: 1 and *out when an unterminated record was open. */
int rec_split_finish(rec_splitter *s, struct rec_span *out);

#endif
