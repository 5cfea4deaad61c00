/* test_dataset_records.c - the dataset-origin plugin's hand-written
 * readers: record boundaries (records.c), the normal form of text
 * (normalize.c) and dataset-card front matter (card.c).  They see
 * untrusted bytes; the fuzz target tests/fuzz/fuzz_records.c checks their
 * invariants on random input, these check that they are right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card.h"
#include "normalize.h"
#include "records.h"

#define MAXREC 64

struct split {
	struct rec_span r[MAXREC];
	size_t n;
};

/* Split s in pieces of `step` bytes (0: all at once), as a reader that
 * gets short reads would. */
static void split(struct split *out, enum rec_format f, int header,
                  const char *s, size_t step)
{
	rec_splitter sp;
	size_t len = strlen(s), pos = 0;

	rec_splitter_init(&sp, f, header);
	out->n = 0;
	while (pos < len) {
		size_t piece = step && len - pos > step ? step : len - pos;
		size_t used = 0;

		while (used < piece) {
			size_t k = 0;

			used += rec_split(&sp, s + pos + used, piece - used,
			                  out->r + out->n, MAXREC - out->n, &k);
			out->n += k;
			assert_true(out->n < MAXREC);
		}
		pos += piece;
	}
	out->n += (size_t)rec_split_finish(&sp, out->r + out->n);
}

static void expect(const struct split *sp, const char *s, size_t i,
                   const char *text, uint64_t line)
{
	size_t n = (size_t)(sp->r[i].end - sp->r[i].start);

	if (n != strlen(text) || memcmp(s + sp->r[i].start, text, n) != 0)
		fail_msg("record %zu is '%.*s', want '%s'", i, (int)n,
		         s + sp->r[i].start, text);
	assert_int_equal(sp->r[i].line, line);
	assert_int_equal(sp->r[i].number, i + 1);
}

/* The same records whatever the size of the pieces fed. */
static void all_steps(enum rec_format f, int header, const char *s,
                      size_t want, const char *const *texts,
                      const uint64_t *lines)
{
	static const size_t steps[] = { 0, 1, 2, 3, 7 };

	for (size_t k = 0; k < sizeof(steps) / sizeof(*steps); k++) {
		struct split sp;

		split(&sp, f, header, s, steps[k]);
		if (sp.n != want)
			fail_msg("step %zu: %zu records, want %zu", steps[k],
			         sp.n, want);
		for (size_t i = 0; i < want; i++)
			expect(&sp, s, i, texts[i], lines[i]);
	}
}

static void lines_skip_blanks(void **state)
{
	const char *s = "{\"a\":1}\n\n  \t\n{\"b\":2}\r\n{\"c\":3}";
	const char *const t[] = { "{\"a\":1}", "{\"b\":2}\r", "{\"c\":3}" };
	const uint64_t l[] = { 1, 4, 5 };

	(void)state;
	all_steps(REC_LINES, 0, s, 3, t, l);
}

static void tsv_header(void **state)
{
	const char *s = "prompt\tresponse\nq\ta\n";
	const char *const t[] = { "q\ta" };
	const uint64_t l[] = { 2 };

	(void)state;
	all_steps(REC_LINES, 1, s, 1, t, l);
}

static void csv_quoted_newlines(void **state)
{
	const char *s = "a,b\n1,\"x\ny \"\"z\"\"\n\"\n2,w\n";
	const char *const t[] = { "1,\"x\ny \"\"z\"\"\n\"", "2,w" };
	const uint64_t l[] = { 2, 5 };

	(void)state;
	all_steps(REC_CSV, 1, s, 2, t, l);
}

static void json_array_items(void **state)
{
	const char *s = "[\n  {\"a\": \"]}[{,\\\"\"},\n  [1, [2]],\n"
	                "  \"str\\\"ing\" , 42 ,true\n]\n";
	const char *const t[] = { "{\"a\": \"]}[{,\\\"\"}", "[1, [2]]",
	                          "\"str\\\"ing\"", "42", "true" };
	const uint64_t l[] = { 2, 3, 4, 4, 4 };

	(void)state;
	all_steps(REC_JSON, 0, s, 5, t, l);
}

static void json_value_sequence(void **state)
{
	/* JSON Lines and pretty-printed objects in a .json file. */
	const char *s = "{\"a\": 1}\n{\n  \"b\": {\"c\": [1]}\n}\n{\"d\": 2}";
	const char *const t[] = { "{\"a\": 1}",
	                          "{\n  \"b\": {\"c\": [1]}\n}",
	                          "{\"d\": 2}" };
	const uint64_t l[] = { 1, 2, 5 };

	(void)state;
	all_steps(REC_JSON, 0, s, 3, t, l);
}

static void json_byte_order_mark(void **state)
{
	const char *s = "\xEF\xBB\xBF[{\"a\": 1}, {\"b\": 2}]";
	const char *const t[] = { "{\"a\": 1}", "{\"b\": 2}" };
	const uint64_t l[] = { 1, 1 };

	(void)state;
	all_steps(REC_JSON, 0, s, 2, t, l);
}

static void json_unterminated(void **state)
{
	const char *s = "[{\"a\": \"never closed";
	const char *const t[] = { "{\"a\": \"never closed" };
	const uint64_t l[] = { 1 };

	(void)state;
	all_steps(REC_JSON, 0, s, 1, t, l);
}

static void stops_at_max_and_on_close(void **state)
{
	const char *s = "a\nb\nc\n";
	struct rec_span r[4];
	rec_splitter sp;
	size_t k = 0, used;

	(void)state;
	rec_splitter_init(&sp, REC_LINES, 0);
	used = rec_split(&sp, s, strlen(s), r, 2, &k);
	assert_int_equal(k, 2);
	assert_int_equal(used, 4);
	/* A header is not reported, but ends the record all the same. */
	rec_splitter_init(&sp, REC_LINES, 1);
	sp.stop_on_close = 1;
	used = rec_split(&sp, s, strlen(s), r, 4, &k);
	assert_int_equal(k, 0);
	assert_int_equal(used, 2);
	assert_int_equal(sp.closes, 1);
}

static void norm(const char *in, const char *want)
{
	char out[256];
	size_t n = origin_normalize(in, strlen(in), out);

	assert_true(n <= strlen(in));
	if (n != strlen(want) || memcmp(out, want, n) != 0)
		fail_msg("normalize('%s') = '%.*s', want '%s'", in, (int)n, out,
		         want);
}

static void normal_form(void **state)
{
	(void)state;
	norm("I am  Qwen", "I am Qwen");
	norm("I\\u2019m Gemma", "I'm Gemma");
	norm("I\xE2\x80\x99m Gemma", "I'm Gemma");
	norm("I&#39;m and I&#x27;m and I&apos;m", "I'm and I'm and I'm");
	norm("As an AI\\nlanguage\\t\\r model", "As an AI language model");
	norm("no\xC2\xA0" "break\\u00a0space", "no break space");
	norm("\\u6211\\u662f", "\xE6\x88\x91\xE6\x98\xAF");
	norm("emoji \\ud83d\\ude00!", "emoji \xF0\x9F\x98\x80!");
	norm("quote \\\" slash \\/ back \\\\", "quote \" slash / back \\");
	norm("bad \\x and \\u12 end", "bad \\x and \\u12 end");
	norm("\xFF\xFE raw \xE2\x80", "\xFF\xFE raw \xE2\x80");
	norm("  lead", "lead");
	norm("a&b", "a&b");
}

static void card_keys(void **state)
{
	const char *text =
		"\xEF\xBB\xBF---\n"
		"license: cc-by-4.0\n"
		"annotations_creators:\n- machine-generated\n- expert-generated\n"
		"configs:\n- config_name: default\n  data_files: [a, b]\n"
		"tags: [synthetic, gpt-4, {nested: x}]\n"
		"pretty_name: &n Mix\n"
		"source_datasets: *n\n"
		"? [complex, key]\n: value\n"
		"---\n# Mix\n";
	struct origin_card c;
	const struct card_list *t;

	(void)state;
	assert_int_equal(origin_card_parse(&c, text, strlen(text)), 0);
	assert_true(c.dataset);
	assert_int_equal(c.key[CARD_LICENSE].n, 1);
	assert_string_equal(c.key[CARD_LICENSE].items[0], "cc-by-4.0");
	assert_int_equal(c.key[CARD_ANNOTATIONS].n, 2);
	assert_string_equal(c.key[CARD_ANNOTATIONS].items[0],
	                    "machine-generated");
	t = &c.key[CARD_TAGS];
	assert_int_equal(t->n, 2);       /* the mapping item is skipped */
	assert_string_equal(t->items[1], "gpt-4");
	assert_string_equal(c.key[CARD_PRETTY_NAME].items[0], "Mix");
	assert_int_equal(c.key[CARD_SOURCE_DATASETS].n, 0);  /* an alias */
	origin_card_clear(&c);
}

static void card_not_a_dataset(void **state)
{
	const char *model = "---\nlicense: mit\nbase_model: x/y\n---\n";
	const char *none = "# Just a README\n";
	const char *bad = "---\nlicense: [unclosed\ntags: x\n---\n";
	struct origin_card c;

	(void)state;
	assert_int_equal(origin_card_parse(&c, model, strlen(model)), 0);
	assert_false(c.dataset);
	assert_string_equal(c.key[CARD_LICENSE].items[0], "mit");
	origin_card_clear(&c);
	assert_int_equal(origin_card_parse(&c, none, strlen(none)), 0);
	assert_false(c.dataset);
	origin_card_clear(&c);
	assert_int_equal(origin_card_parse(&c, bad, strlen(bad)), -1);
	assert_true(c.error[0] != '\0');
	origin_card_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_skip_blanks),
		cmocka_unit_test(tsv_header),
		cmocka_unit_test(csv_quoted_newlines),
		cmocka_unit_test(json_array_items),
		cmocka_unit_test(json_value_sequence),
		cmocka_unit_test(json_byte_order_mark),
		cmocka_unit_test(json_unterminated),
		cmocka_unit_test(stops_at_max_and_on_close),
		cmocka_unit_test(normal_form),
		cmocka_unit_test(card_keys),
		cmocka_unit_test(card_not_a_dataset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
