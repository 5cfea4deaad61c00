/* test_artifact.c - head cache and bounded reads (artifact.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "artifact.h"
#include "error.h"

/* A reader of a synthetic file whose byte at offset o is pattern(o).  It
 * holds no data, so it can be many GB long. */
typedef struct fake {
	uint64_t size;
	size_t max_chunk;       /* short reads: at most this per call */
	int sequential;         /* insist on reads at the stream position */
	uint64_t pos;
	unsigned calls;
	size_t largest;         /* largest len asked for */
} fake;

static uint8_t pattern(uint64_t o)
{
	return (uint8_t)((o >> 12) * 31u + 7u);
}

static int64_t fake_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	fake *f = ctx;
	uint8_t *p = buf;
	size_t n, done = 0;

	f->calls++;
	if (len > f->largest)
		f->largest = len;
	if (f->sequential && off != f->pos)
		return pdg_error_set(PDG_ERROR, "fake: non-sequential read");
	if (off >= f->size)
		return 0;
	n = f->size - off < len ? (size_t)(f->size - off) : len;
	if (f->max_chunk && n > f->max_chunk)
		n = f->max_chunk;
	/* The pattern is constant over 4 KiB blocks: fill block by block. */
	while (done < n) {
		uint64_t o = off + done;
		size_t run = 4096 - (size_t)(o & 4095);

		if (run > n - done)
			run = n - done;
		memset(p + done, pattern(o), run);
		done += run;
	}
	f->pos = off + n;
	return (int64_t)n;
}

static void setup_artifact(struct pdg_artifact *a, fake *f, uint64_t max_read)
{
	memset(a, 0, sizeof(*a));
	a->path = "fake.bin";
	a->size = f->size;
	a->read = fake_read;
	a->read_ctx = f;
	a->max_read = max_read;
	if (f->sequential)
		a->flags = PDG_ARTIFACT_SEQUENTIAL | PDG_ARTIFACT_IN_ARCHIVE;
}

static void check_pattern(const uint8_t *p, size_t n, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(off + i))
			fail_msg("byte %llu: %u != %u",
			         (unsigned long long)(off + i), p[i],
			         pattern(off + i));
}

static void test_head_cached(void **state)
{
	fake f = { .size = 100000 };
	struct pdg_artifact a;
	const uint8_t *d;
	size_t len;
	unsigned calls;

	(void)state;
	setup_artifact(&a, &f, 1 << 20);
	assert_int_equal(pdg_artifact_head(&a, 5000, &d, &len), 0);
	assert_int_equal(len, 5000);
	check_pattern(d, len, 0);
	calls = f.calls;
	/* Smaller or equal requests are served from the cache. */
	assert_int_equal(pdg_artifact_head(&a, 100, &d, &len), 0);
	assert_int_equal(len, 100);
	assert_int_equal(pdg_artifact_head(&a, 5000, &d, &len), 0);
	assert_int_equal(len, 5000);
	assert_int_equal(f.calls, calls);
	/* A bigger request extends the same buffer. */
	assert_int_equal(pdg_artifact_head(&a, 9000, &d, &len), 0);
	assert_int_equal(len, 9000);
	check_pattern(d, len, 0);
	assert_int_equal(a.head_len, 9000);
	assert_false(a.head_eof);
	pdg_artifact_release(&a);
	assert_null(a.head);
	assert_int_equal(a.head_len, 0);
}

static void test_short_reads(void **state)
{
	fake f = { .size = 30, .max_chunk = 7 };
	struct pdg_artifact a;
	uint8_t buf[64];
	const uint8_t *d;
	size_t len;

	(void)state;
	setup_artifact(&a, &f, 1 << 20);
	assert_int_equal(pdg_artifact_head(&a, 100, &d, &len), 0);
	assert_int_equal(len, 30);
	assert_true(a.head_eof);
	check_pattern(d, len, 0);
	/* From the head: a short count at its end, then end of file. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 64, 10), 20);
	check_pattern(buf, 20, 10);
	assert_int_equal(pdg_artifact_read_at(&a, buf, 64, 30), 0);
	assert_int_equal(pdg_artifact_read_at(&a, buf, 64, 1000), 0);
	assert_int_equal(pdg_artifact_read_at(&a, buf, 0, 0), 0);
	pdg_artifact_release(&a);

	/* An empty artifact has an empty head. */
	f.size = 0;
	setup_artifact(&a, &f, 1 << 20);
	assert_int_equal(pdg_artifact_head(&a, 100, &d, &len), 0);
	assert_int_equal(len, 0);
	assert_non_null(d);
	assert_true(a.head_eof);
	pdg_artifact_release(&a);
}

static void test_max_read_cap(void **state)
{
	fake f = { .size = 1 << 20 };
	struct pdg_artifact a;
	uint8_t buf[256];
	const uint8_t *d;
	size_t len;

	(void)state;
	setup_artifact(&a, &f, 64);
	assert_int_equal(pdg_artifact_head(&a, 1000, &d, &len), 0);
	assert_int_equal(len, 64);
	assert_true(a.head_cap <= 64);
	assert_false(a.head_eof);
	check_pattern(d, len, 0);
	/* Past the head, a random-access source reads raw. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 256, 8192), 256);
	check_pattern(buf, 256, 8192);
	assert_true(a.head_cap <= 64);
	/* read_at across the head boundary returns the head part first. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 256, 32), 32);
	check_pattern(buf, 32, 32);
	pdg_artifact_release(&a);
}

static void test_sequential(void **state)
{
	fake f = { .size = 1 << 20, .sequential = 1 };
	struct pdg_artifact a;
	uint8_t buf[512];
	const uint8_t *d;
	size_t len;

	(void)state;
	setup_artifact(&a, &f, 1 << 20);
	assert_int_equal(pdg_artifact_head(&a, 16, &d, &len), 0);
	assert_int_equal(len, 16);
	assert_int_equal(a.pos, 16);
	/* Extending the head while the stream is there is fine. */
	assert_int_equal(pdg_artifact_head(&a, 100, &d, &len), 0);
	assert_int_equal(len, 100);
	/* Raw read right after the head. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 100, 100), 100);
	check_pattern(buf, 100, 100);
	assert_int_equal(a.pos, 200);
	/* The head can always be re-read. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 50, 10), 50);
	check_pattern(buf, 50, 10);
	/* Backwards beyond the head: refused. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 10, 150),
	                 PDG_EUNSUPPORTED);
	assert_int_equal(pdg_error_code(), PDG_EUNSUPPORTED);
	/* The head cannot grow once the stream moved past it. */
	assert_int_equal(pdg_artifact_head(&a, 300, &d, &len),
	                 PDG_EUNSUPPORTED);
	/* ...but what it holds is still served. */
	assert_int_equal(pdg_artifact_head(&a, 80, &d, &len), 0);
	assert_int_equal(len, 80);
	/* Forward skips read and drop (more than one scratch chunk). */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 512, 300000), 512);
	check_pattern(buf, 512, 300000);
	assert_int_equal(a.pos, 300512);
	/* Skipping past the end is end of file, not an error. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 10, 5u << 20), 0);
	/* Behind the stream, past the head: still refused at the end. */
	assert_int_equal(pdg_artifact_read_at(&a, buf, 10, 100),
	                 PDG_EUNSUPPORTED);
	pdg_artifact_release(&a);
}

static void test_reader_error(void **state)
{
	fake f = { .size = 1000, .sequential = 1 };
	struct pdg_artifact a;
	const uint8_t *d;
	size_t len;

	(void)state;
	setup_artifact(&a, &f, 1 << 20);
	f.pos = 5;  /* the fake now refuses a read at 0 */
	assert_int_equal(pdg_artifact_head(&a, 10, &d, &len), PDG_ERROR);
	pdg_artifact_release(&a);
}

/* Stream a file much larger than memory limits: memory stays constant. */
static void stream_all(int sequential)
{
	const uint64_t size = (2ull << 30) + 12345;
	const size_t chunk = 1 << 20;
	fake f = { .size = size, .sequential = sequential };
	struct pdg_artifact a;
	uint8_t *buf = malloc(chunk);
	const uint8_t *d;
	uint64_t off = 0;
	size_t len;
	int64_t n;

	assert_non_null(buf);
	setup_artifact(&a, &f, 4096);
	assert_int_equal(pdg_artifact_head(&a, 1 << 20, &d, &len), 0);
	assert_int_equal(len, 4096);
	while ((n = pdg_artifact_read_at(&a, buf, chunk, off)) > 0) {
		/* Spot checks: the pattern changes every 4 KiB. */
		assert_int_equal(buf[0], pattern(off));
		assert_int_equal(buf[n - 1], pattern(off + (uint64_t)n - 1));
		off += (uint64_t)n;
	}
	assert_int_equal(n, 0);
	assert_true(off == size);
	assert_true(a.head_cap <= 4096);
	assert_true(f.largest <= chunk);
	pdg_artifact_release(&a);

	/* Random access far past 4 GiB. */
	if (!sequential) {
		f.size = 6ull << 30;
		setup_artifact(&a, &f, 4096);
		n = pdg_artifact_read_at(&a, buf, 100, (5ull << 30) + 7);
		assert_int_equal(n, 100);
		check_pattern(buf, 100, (5ull << 30) + 7);
		pdg_artifact_release(&a);
	}
	free(buf);
}

static void test_stream_random(void **state)
{
	(void)state;
	stream_all(0);
}

static void test_stream_sequential(void **state)
{
	(void)state;
	stream_all(1);
}

/* A sequential forward skip of GBs goes through a bounded scratch. */
static void test_sequential_big_skip(void **state)
{
	fake f = { .size = 3ull << 30, .sequential = 1 };
	struct pdg_artifact a;
	uint8_t buf[64];

	(void)state;
	setup_artifact(&a, &f, 4096);
	assert_int_equal(pdg_artifact_read_at(&a, buf, 64, (3ull << 30) - 64),
	                 64);
	check_pattern(buf, 64, (3ull << 30) - 64);
	assert_true(f.largest <= (1u << 20));
	assert_null(a.head);
	pdg_artifact_release(&a);
}

static unsigned size_calls;

static int size_ok(void *ctx, uint64_t *out)
{
	(void)ctx;
	size_calls++;
	*out = 4242;
	return 0;
}

static int size_fails(void *ctx, uint64_t *out)
{
	(void)ctx;
	(void)out;
	size_calls++;
	return pdg_error_set(PDG_EIO, "no size");
}

static void test_lazy_size(void **state)
{
	fake f = { .size = 10 };
	struct pdg_artifact a;

	(void)state;
	setup_artifact(&a, &f, 100);
	a.size = 0;
	a.size_fn = size_ok;
	size_calls = 0;
	assert_int_equal(pdg_artifact_size(&a), 4242);
	assert_int_equal(pdg_artifact_size(&a), 4242);
	assert_int_equal(size_calls, 1);
	assert_null(a.size_fn);

	/* A failed lookup is not retried, and reads as unknown (0). */
	a.size = 0;
	a.size_fn = size_fails;
	size_calls = 0;
	assert_int_equal(pdg_artifact_size(&a), 0);
	assert_int_equal(pdg_artifact_size(&a), 0);
	assert_int_equal(size_calls, 1);

	/* Without size_fn the declared size is returned as is. */
	a.size = 77;
	assert_int_equal(pdg_artifact_size(&a), 77);
	pdg_artifact_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_cached),
		cmocka_unit_test(test_short_reads),
		cmocka_unit_test(test_max_read_cap),
		cmocka_unit_test(test_sequential),
		cmocka_unit_test(test_reader_error),
		cmocka_unit_test(test_stream_random),
		cmocka_unit_test(test_stream_sequential),
		cmocka_unit_test(test_sequential_big_skip),
		cmocka_unit_test(test_lazy_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
