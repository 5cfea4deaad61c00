/* test_fingerprint.c - the fingerprint module's parsers, alignment and
 * statistics through its internal API. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "fingerprint/align.h"
#include "fingerprint/fp.h"
#include "fingerprint/synth.h"
#include "fp_testdata.h"

static pdg_fp_limits lim(void)
{
	pdg_fp_limits l = { 1u << 20, 1u << 20 };
	return l;
}

static int parse(pdg_fp_scores *s, const char *line)
{
	pdg_fp_limits l = lim();
	return pdg_fp_parse_line(s, "t.jsonl", 7, line, strlen(line), &l);
}

static const char chat_line[] =
	"{\"probe\":\"p1\",\"response\":{\"choices\":[{\"index\":0,"
	"\"logprobs\":{\"content\":["
	"{\"token\":\"He\",\"logprob\":-0.5,\"bytes\":[72,101],"
	"\"top_logprobs\":[{\"token\":\"He\",\"logprob\":-0.5},"
	"{\"token\":\"Hi\",\"logprob\":-1.5},{\"token\":\" x\",\"logprob\":-3}]},"
	"{\"token\":\"llo\",\"logprob\":-0.1,\"top_logprobs\":[]}]}}]}}";

static void test_chat_content(void **state)
{
	pdg_fp_scores s = { 0 };

	(void)state;
	assert_int_equal(parse(&s, chat_line), 0);
	assert_int_equal(s.nrec, 1);
	const pdg_fp_record *r = &s.rec[0];
	assert_string_equal(r->probe, "p1");
	assert_true(r->generated);
	assert_int_equal(r->ntok, 2);
	assert_int_equal(r->nbytes, 5);
	assert_memory_equal(r->bytes, "Hello", 5);
	assert_int_equal(r->tok[1].start, 2);
	assert_true(fabsf(r->tok[0].lp + 0.5f) < 1e-6);
	assert_int_equal(r->tok[0].nalt, 3);
	/* best first; the tail is what the alternatives do not cover */
	assert_true(r->alt[r->tok[0].alt].lp >= r->alt[r->tok[0].alt + 1].lp);
	double mass = exp(-0.5) + exp(-1.5) + exp(-3.0);
	assert_true(fabs(r->tok[0].tail - (1 - mass)) < 1e-6);
	/* the scored token counts even when top_logprobs is empty */
	assert_int_equal(r->tok[1].nalt, 1);
	assert_int_equal(r->alt[r->tok[1].alt].first, 'l');
	assert_int_equal(pdg_fp_map_get(&s.by_probe, "p1"), 0);
	pdg_fp_scores_free(&s);
}

static void test_prompt_logprobs(void **state)
{
	pdg_fp_scores s = { 0 };
	const char *line =
		"{\"probe\":\"p2\",\"response\":{\"choices\":[{\"text\":\"\","
		"\"prompt_logprobs\":[null,"
		"{\"5\":{\"logprob\":-0.2,\"rank\":1,\"decoded_token\":\" a\"},"
		"\"9\":{\"logprob\":-2.0,\"rank\":2,\"decoded_token\":\" b\"}},"
		"{\"7\":{\"logprob\":-4.0,\"rank\":3,\"decoded_token\":\"c\"},"
		"\"3\":{\"logprob\":-0.1,\"rank\":1,\"decoded_token\":\"d\"}}],"
		"\"prompt_token_ids\":[1,9,7]}]}}";

	(void)state;
	assert_int_equal(parse(&s, line), 0);
	const pdg_fp_record *r = &s.rec[0];
	assert_false(r->generated);
	/* the first token has no score and no text */
	assert_int_equal(r->ntok, 2);
	assert_memory_equal(r->bytes, " bc", 3);
	assert_true(fabsf(r->tok[0].lp + 2.0f) < 1e-6);
	assert_true(fabsf(r->tok[1].lp + 4.0f) < 1e-6);
	assert_int_equal(r->tok[1].nalt, 2);
	assert_int_equal(r->alt[r->tok[1].alt].first, 'd');
	pdg_fp_scores_free(&s);

	/* without the token ids the actual token is unknown */
	memset(&s, 0, sizeof(s));
	assert_int_equal(parse(&s, "{\"probe\":\"p\",\"response\":{\"choices\""
	                 ":[{\"prompt_logprobs\":[null,{\"1\":{\"logprob\":"
	                 "-1,\"decoded_token\":\"a\"}}]}]}}"), PDG_EINVALID);
	assert_non_null(strstr(pdg_error_last(), "t.jsonl:7"));
	assert_non_null(strstr(pdg_error_last(), "prompt_token_ids"));
	pdg_fp_scores_free(&s);
}

static void test_legacy_ollama_batch(void **state)
{
	pdg_fp_scores s = { 0 };

	(void)state;
	assert_int_equal(parse(&s, "{\"probe\":\"l\",\"response\":{\"choices\":"
	                 "[{\"logprobs\":{\"tokens\":[\"A\",\" b\",\"c\"],"
	                 "\"token_logprobs\":[null,-1.0,-0.5],\"top_logprobs\":"
	                 "[null,{\" b\":-1.0,\" q\":-2.0},{\"c\":-0.5}]}}]}}"),
	                 0);
	assert_int_equal(s.rec[0].ntok, 2);
	assert_memory_equal(s.rec[0].bytes, " bc", 3);
	assert_false(s.rec[0].generated);
	assert_int_equal(parse(&s, "{\"probe\":\"o\",\"response\":{\"model\":"
	                 "\"m\",\"response\":\"hi\",\"logprobs\":[{\"token\":"
	                 "\"hi\",\"logprob\":-0.3,\"top_logprobs\":[{\"token\":"
	                 "\"hi\",\"logprob\":-0.3}]}]}}"), 0);
	assert_true(s.rec[1].generated);
	assert_int_equal(parse(&s, "{\"id\":\"batch_req_1\",\"custom_id\":"
	                 "\"b\",\"response\":{\"status_code\":200,\"body\":"
	                 "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":"
	                 "\"x\",\"logprob\":-1}]}}]}},\"error\":null}"), 0);
	assert_string_equal(s.rec[2].probe, "b");
	/* a wrapper may say the record was (not) generated */
	assert_int_equal(parse(&s, "{\"probe\":\"g\",\"generated\":false,"
	                 "\"response\":{\"choices\":[{\"logprobs\":{\"content\""
	                 ":[{\"token\":\"x\",\"logprob\":-1}]}}]}}"), 0);
	assert_false(s.rec[3].generated);
	pdg_fp_scores_free(&s);
}

static void test_bad_lines(void **state)
{
	static const char *const bad[] = {
		"not json",
		"[1,2]",
		"{\"response\":{}}",
		"{\"probe\":\"x\",\"response\":{\"choices\":[]}}",
		"{\"probe\":\"x\",\"response\":{\"choices\":[{\"logprobs\":"
		"{\"content\":[{\"token\":\"a\",\"logprob\":0.5}]}}]}}",
		"{\"probe\":\"x\",\"response\":{\"choices\":[{\"logprobs\":"
		"{\"content\":[{\"token\":\"a\"}]}}]}}",
		"{\"probe\":\"x\",\"response\":{\"choices\":[{\"logprobs\":"
		"{\"content\":[{\"bytes\":[300],\"logprob\":-1}]}}]}}",
		"{\"probe\":\"x\",\"response\":{\"choices\":[{\"logprobs\":"
		"{\"content\":[]}}]}}",
		"{\"probe\":\"x\",\"error\":{\"code\":500},\"response\":{}}",
		"{\"probe\":\"x\",\"response\":{\"choices\":[{},{}]}}",
		"{\"probe\":\"x\",\"response\":{\"choices\":[{\"logprobs\":"
		"{\"tokens\":[\"a\"],\"token_logprobs\":[]}}]}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		pdg_fp_scores s = { 0 };
		assert_int_equal(parse(&s, bad[i]), PDG_EINVALID);
		assert_non_null(strstr(pdg_error_last(), "t.jsonl:7"));
		pdg_fp_scores_free(&s);
	}
	/* a probe scored twice by one model */
	pdg_fp_scores s = { 0 };
	assert_int_equal(parse(&s, chat_line), 0);
	assert_int_equal(parse(&s, chat_line), PDG_EINVALID);
	assert_non_null(strstr(pdg_error_last(), "twice"));
	pdg_fp_scores_free(&s);
}

static char tmpdir[64];

static char *write_tmp(const char *name, const char *data, size_t n)
{
	char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
	sprintf(path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	return path;
}

static void test_jsonl_limits(void **state)
{
	pdg_fp_scores s = { 0 };
	char buf[4096];

	(void)state;
	snprintf(buf, sizeof(buf), "\n%s\n\n", chat_line);
	char *p = write_tmp("a.jsonl", buf, strlen(buf));
	pdg_fp_limits l = lim();
	assert_int_equal(pdg_fp_load_jsonl(&s, p, &l), 0);
	assert_int_equal(s.nrec, 1);
	assert_int_equal(l.max_positions, (1u << 20) - 2);
	pdg_fp_scores_free(&s);
	/* a line longer than the limit is refused, naming the line */
	l.max_line = 100;
	assert_int_equal(pdg_fp_load_jsonl(&s, p, &l), PDG_ELIMIT);
	assert_non_null(strstr(pdg_error_last(), "a.jsonl:2"));
	pdg_fp_scores_free(&s);
	/* so are more positions than allowed */
	l = lim();
	l.max_positions = 1;
	assert_int_equal(pdg_fp_load_jsonl(&s, p, &l), PDG_ELIMIT);
	pdg_fp_scores_free(&s);
	unlink(p);
	free(p);
	/* not a regular file */
	assert_int_equal(pdg_fp_load_jsonl(&s, tmpdir, &l), PDG_EINVALID);
	assert_true(pdg_fp_load_jsonl(&s, "/nonexistent/x.jsonl", &l) < 0);
	pdg_fp_scores_free(&s);
}

static void test_vocab(void **state)
{
	pdg_fp_vocab v;
	/* byte level: \u0120 is GPT-2's stand-in for a space, \u010a for
	 * a newline */
	const char *bl = "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,"
	                 "\"\\u0120hello\":1,\"\\u010a\":2}},\"decoder\":"
	                 "{\"type\":\"ByteLevel\"},\"added_tokens\":[{\"id\":3,"
	                 "\"content\":\"<|end|>\",\"special\":true}]}";
	const char *sp = "{\"model\":{\"type\":\"Unigram\",\"vocab\":"
	                 "[[\"\\u2581hi\",-1.0],[\"<0x0A>\",-2.0],[\"x\",-3]]},"
	                 "\"decoder\":{\"type\":\"Metaspace\"}}";

	(void)state;
	assert_int_equal(pdg_fp_vocab_parse(&v, "t", bl, strlen(bl)), 0);
	assert_int_equal(v.n, 4);
	assert_int_equal(v.len[1], 6);
	assert_memory_equal(v.tok[1], " hello", 6);
	assert_int_equal(v.len[2], 1);
	assert_int_equal(v.tok[2][0], '\n');
	assert_int_equal(v.len[3], 0);	/* special: no text */
	pdg_fp_vocab_free(&v);
	assert_int_equal(pdg_fp_vocab_parse(&v, "t", sp, strlen(sp)), 0);
	assert_memory_equal(v.tok[0], " hi", 3);
	assert_int_equal(v.tok[1][0], '\n');
	pdg_fp_vocab_free(&v);
	assert_int_equal(pdg_fp_vocab_parse(&v, "t", "[\"a\",\" b\"]", 10), 0);
	assert_int_equal(v.n, 2);
	assert_memory_equal(v.tok[1], " b", 2);
	pdg_fp_vocab_free(&v);
	assert_int_equal(pdg_fp_vocab_parse(&v, "t", "[1]", 3), PDG_EINVALID);
	assert_int_equal(pdg_fp_vocab_parse(&v, "t", "{}", 2), PDG_EINVALID);
	assert_int_equal(pdg_fp_vocab_parse(&v, "t", "{\"model\":{\"vocab\":"
	                 "{\"a\":-4}}}", 23), PDG_EINVALID);
}

static size_t st_header(uint8_t *out, const char *json)
{
	size_t n = strlen(json);
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)((uint64_t)n >> (8 * i));
	memcpy(out + 8, json, n);
	return n + 8;
}

static void test_safetensors_header(void **state)
{
	uint8_t buf[512];
	pdg_fp_tensor *t;
	size_t n, len;

	(void)state;
	len = st_header(buf, "{\"logits.a\":{\"dtype\":\"BF16\",\"shape\":[2,3],"
	                "\"data_offsets\":[0,12]},\"input_ids.a\":{\"dtype\":"
	                "\"I64\",\"shape\":[2],\"data_offsets\":[12,28]},"
	                "\"__metadata__\":{\"x\":\"y\"}}");
	assert_int_equal(pdg_fp_safetensors_header(&t, &n, "f", buf, len,
	                                           len + 28), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, "logits.a") == 0) {
			assert_int_equal(t[i].dtype, 2);
			assert_int_equal(t[i].dims[1], 3);
			assert_int_equal(t[i].offset, len);
		} else {
			assert_int_equal(t[i].int_bytes, 8);
		}
	}
	pdg_fp_tensors_free(t, n);
	/* data past the end of the file */
	assert_int_equal(pdg_fp_safetensors_header(&t, &n, "f", buf, len,
	                                           len + 20), PDG_EINVALID);
	/* shape and offsets disagree */
	len = st_header(buf, "{\"logits.a\":{\"dtype\":\"F32\",\"shape\":[2,3],"
	                "\"data_offsets\":[0,12]}}");
	assert_int_equal(pdg_fp_safetensors_header(&t, &n, "f", buf, len,
	                                           len + 100), PDG_EINVALID);
	/* a header length larger than the file */
	memset(buf, 0xff, 8);
	assert_int_equal(pdg_fp_safetensors_header(&t, &n, "f", buf, 16, 16),
	                 PDG_EINVALID);
	assert_int_equal(pdg_fp_safetensors_header(&t, &n, "f", buf, 4, 4),
	                 PDG_EINVALID);
}

static void test_manifest(void **state)
{
	pdg_fp_manifest *m;
	const char *yaml =
		"fingerprint: 1\nstudent: s/one\ncomponent: comp\nalpha: 0.05\n"
		"permutations: 999\nseed: 7\n"
		"models:\n"
		"  - {id: s/one, role: student, scores: s.jsonl}\n"
		"  - id: t/a\n    role: teacher\n    scores: [a1.jsonl, a2.jsonl]\n"
		"    serving: {temperature: 1.0, logprobs: raw}\n"
		"  - id: c/x\n    role: control\n"
		"    dense: {logits: x.safetensors, vocab: tok.json}\n"
		"  - {id: c/y, role: sibling, scores: sub/y.jsonl}\n"
		"probes:\n  - {id: q1, generator: t/a, text: \"hello there\"}\n";

	(void)state;
	char *p = write_tmp("m.yaml", yaml, strlen(yaml));
	assert_int_equal(pdg_fp_manifest_load(&m, p), 0);
	assert_string_equal(m->student, "s/one");
	assert_string_equal(pdg_fp_manifest_component(m), "comp");
	assert_int_equal(m->nmodels, 4);
	assert_int_equal(m->models[1].role, PDG_FP_TEACHER);
	assert_int_equal(m->models[1].nfiles, 2);
	char want[128];
	snprintf(want, sizeof(want), "%s/a2.jsonl", tmpdir);
	assert_string_equal(m->models[1].files[1], want);
	assert_non_null(strstr(m->models[1].serving, "\"temperature\""));
	assert_non_null(m->models[2].dense);
	assert_int_equal(m->models[3].role, PDG_FP_SIBLING);
	assert_true(m->has_alpha && m->alpha == 0.05);
	assert_true(m->has_permutations && m->permutations == 999);
	assert_true(m->has_seed && m->seed == 7);
	assert_int_equal(m->nprobes, 1);
	assert_string_equal(m->probes[0].text, "hello there");
	pdg_fp_manifest_free(m);
	unlink(p);
	free(p);

	/* the same as JSON */
	const char *json = "{\"fingerprint\":1,\"models\":[{\"id\":\"s\","
	                   "\"role\":\"student\",\"scores\":\"s.jsonl\"}]}";
	p = write_tmp("m.json", json, strlen(json));
	assert_int_equal(pdg_fp_manifest_load(&m, p), 0);
	assert_int_equal(m->nmodels, 1);
	pdg_fp_manifest_free(m);
	unlink(p);
	free(p);

	static const char *const bad[] = {
		"models: []\n",
		"fingerprint: 2\nmodels: [{id: a, role: student, scores: x}]\n",
		"fingerprint: 1\nmodels: [{id: a, role: boss, scores: x}]\n",
		"fingerprint: 1\nmodels: [{id: a, role: student}]\n",
		"fingerprint: 1\nmodels: [{id: a, role: student, scores: ../x}]\n",
		"fingerprint: 1\nmodels: [{id: a, role: student, scores: /etc/x}]"
		"\n",
		"fingerprint: 1\nmodels: [{id: a, role: student, scores: x},"
		" {id: a, role: teacher, scores: y}]\n",
		"fingerprint: 1\nalpha: 2\nmodels: [{id: a, role: student, "
		"scores: x}]\n",
		"fingerprint: 1\nmodels: &a [{id: a, role: student, scores: x}]\n",
		"fingerprint: 1\nmodels: [{id: a, role: student, scores: x}]\n"
		"probes: [{id: p, text: a}, {id: p, text: b}]\n",
		"{\"fingerprint\": 1, \"models\": [}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		p = write_tmp("bad.yaml", bad[i], strlen(bad[i]));
		assert_true(pdg_fp_manifest_load(&m, p) < 0);
		assert_null(m);
		/* the message names the file */
		assert_non_null(strstr(pdg_error_last(), "bad.yaml"));
		unlink(p);
		free(p);
	}
}

static void test_permutation_and_holm(void **state)
{
	double v[40], z;

	(void)state;
	/* perfectly separated groups: no permutation beats them */
	for (int i = 0; i < 40; i++)
		v[i] = i < 10 ? 10 + i : i * 0.01;
	double p = pdg_fp_permutation_p(v, 10, 40, 999, 3, &z);
	assert_true(fabs(p - 1.0 / 1000) < 1e-12);
	assert_true(z > 5);
	/* the same seed gives the same p; identical groups give p near 1 */
	assert_true(pdg_fp_permutation_p(v, 10, 40, 999, 3, NULL) == p);
	for (int i = 0; i < 40; i++)
		v[i] = 1.0;
	assert_true(pdg_fp_permutation_p(v, 10, 40, 999, 3, NULL) == 1.0);
	/* the first group lower than the rest: p near 1 */
	for (int i = 0; i < 40; i++)
		v[i] = i < 10 ? -5 : i;
	assert_true(pdg_fp_permutation_p(v, 10, 40, 999, 3, NULL) > 0.99);

	double in[4] = { 0.01, 0.04, NAN, 0.03 }, out[4];
	pdg_fp_holm(in, out, 4);
	/* sorted 0.01, 0.03, 0.04 over 3 tests: 0.03, 0.06, 0.06 */
	assert_true(fabs(out[0] - 0.03) < 1e-12);
	assert_true(fabs(out[3] - 0.06) < 1e-12);
	assert_true(fabs(out[1] - 0.06) < 1e-12);
	assert_true(isnan(out[2]));
}

/* Null p-values are calibrated: over many unrelated draws, about 5% are
 * at most 0.05. */
static void test_permutation_calibrated(void **state)
{
	uint64_t s = 12345;
	int small = 0, trials = 400;

	(void)state;
	for (int t = 0; t < trials; t++) {
		double v[30];
		for (int i = 0; i < 30; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			v[i] = (double)(s >> 11) / 9007199254740992.0;
		}
		small += pdg_fp_permutation_p(v, 10, 30, 499, (uint64_t)t,
		                              NULL) <= 0.05;
	}
	/* binomial(400, 0.05): mean 20, sd 4.4 */
	assert_true(small >= 6 && small <= 36);
}

/* A record built by hand: tokens of `text` cut at `cuts`, each token
 * with log-probability lp and one alternative (itself). */
static void hand_record(pdg_fp_scores *s, const char *probe,
                        const char *text, const int *cuts, int n,
                        double lp, int generated)
{
	pdg_fp_record *r;

	assert_int_equal(pdg_fp_scores_add(s, "hand", probe, &r), 0);
	r->generated = generated;
	for (int i = 0; i < n; i++) {
		int a = cuts[i], b = i + 1 < n ? cuts[i + 1]
		                              : (int)strlen(text);
		pdg_fp_record_add_token(r, (const uint8_t *)text + a,
		                        (size_t)(b - a), (float)lp);
		pdg_fp_record_add_alt(r, (const uint8_t *)text + a,
		                      (size_t)(b - a), (float)lp);
		pdg_fp_record_end_token(r);
	}
}

static void test_align_chunks(void **state)
{
	/* "ab cd ef": model 0 splits at 0,2,5 ; model 1 at 0,1,2,5,6 ;
	 * model 2 at 0,2,3,5.  Common boundaries: 0, 2, 5, 8. */
	const char *text = "ab cd ef";
	int c0[] = { 0, 2, 5 }, c1[] = { 0, 1, 2, 5, 6 }, c2[] = { 0, 2, 3, 5 };
	pdg_fp_scores sc[3] = { { 0 } };
	pdg_fp_scores *ps[3] = { &sc[0], &sc[1], &sc[2] };
	const char *ids[3] = { "s", "t", "c" };
	pdg_fp_role roles[3] = { PDG_FP_STUDENT, PDG_FP_TEACHER,
	                         PDG_FP_CONTROL };
	pdg_fp_probe pr = { "x", 1, (const uint8_t *)text, 8 };

	(void)state;
	hand_record(&sc[0], "x", text, c0, 3, -1.0, 0);
	hand_record(&sc[1], "x", text, c1, 5, -0.5, 1);
	/* the control's record has a prompt before the text */
	const char *with_prompt = "Q: ab cd ef";
	int c3[] = { 0, 3, 5, 6, 8 };
	hand_record(&sc[2], "x", with_prompt, c3, 5, -2.0, 0);
	(void)c2;
	pdg_fp_study st = { 3, ids, roles, ps, &pr, 1, 0 };
	int sub[2] = { 0, 2 }, cand[1] = { 1 };
	pdg_fp_align_ctx c = { &st, sub, 2, 2, cand, 1, NULL };
	pdg_fp_feat f;
	int by;
	assert_int_equal(pdg_fp_align_probe(&c, 0, &f, &by), 0);
	assert_int_equal(by, -1);
	assert_int_equal(f.gen, 1);
	/* model 0: 0,2,5 (+8 end); model 1: 0,1,2,5,6,8; model 2 (after
	 * its 3-byte prompt): 0,2,3,5,8 -> common 0,2,5,8: 3 chunks */
	assert_int_equal(f.nchunks, 3);
	/* the student's chunk log-likelihood is 1 token x -1 per chunk;
	 * the panel (the control alone once the subject is left out) has
	 * -2, -4, -2: excess (1 + 3 + 1) / 3 */
	assert_true(fabs(f.e[0] - 5.0 / 3.0) < 1e-9);
	/* symmetric: the control's baseline is the student */
	assert_true(fabs(f.e[1] + 5.0 / 3.0) < 1e-9);
	pdg_fp_feat_clear(&f);
	/* a model whose tokens do not spell the text drops the probe */
	pdg_fp_probe other = { "x", 1, (const uint8_t *)"zz", 2 };
	st.probes = &other;
	assert_int_equal(pdg_fp_align_probe(&c, 0, &f, &by), 0);
	assert_int_equal(by, 0);
	assert_int_equal(f.nchunks, 0);
	pdg_fp_feat_clear(&f);
	for (int i = 0; i < 3; i++)
		pdg_fp_scores_free(&sc[i]);
}

/* Synthetic-control residuals: a subject whose excesses follow another
 * subject's (kinship) is explained by it, on the T-texts too, and what
 * lineage adds beyond that is left. */
static double synth_d(pdg_fp_feat *f, const uint32_t *tt, size_t nt,
                      const uint32_t *ct, size_t nc, size_t s,
                      const size_t *pred, size_t np, double *sd_c)
{
	double rt[64], rc[64], a = 0, b = 0, v = 0;
	size_t nrt, nrc;

	assert_int_equal(pdg_fp_synth(f, tt, nt, ct, nc, s, 100, pred, NULL,
	                              np, 0.1, rt, &nrt, rc, &nrc), 0);
	assert_int_equal(nrt, nt);
	assert_int_equal(nrc, nc);
	for (size_t i = 0; i < nrt; i++)
		a += rt[i] / (double)nrt;
	for (size_t i = 0; i < nrc; i++)
		b += rc[i] / (double)nrc;
	for (size_t i = 0; i < nrc; i++)
		v += (rc[i] - b) * (rc[i] - b) / (double)nrc;
	*sd_c = sqrt(v);
	return a - b;
}

static void test_synth(void **state)
{
	enum { NT = 20, NC = 40, NSUB = 4 };
	pdg_fp_feat f[NT + NC];
	double e[NT + NC][NSUB];
	uint32_t tt[NT], ct[NC];
	size_t pred[] = { 1, 2, 3 };
	double sd;

	(void)state;
	memset(f, 0, sizeof(f));
	for (int i = 0; i < NT + NC; i++) {
		int is_t = i < NT;
		/* subject 1 likes the T-texts (a shared tokenizer, say);
		 * 2 and 3 are unrelated */
		e[i][1] = gauss() * 0.3 + (is_t ? 0.5 : 0);
		e[i][2] = gauss() * 0.3;
		e[i][3] = gauss() * 0.3;
		/* subject 0 is subject 1's kin, no lineage */
		e[i][0] = 0.8 * e[i][1] + 0.05 * gauss();
		f[i].gen = is_t ? 7 : 8 + i % 3;
		f[i].nchunks = 10;
		f[i].e = e[i];
		if (is_t)
			tt[i] = (uint32_t)i;
		else
			ct[i - NT] = (uint32_t)i;
	}
	/* the raw difference is large, the residual one is not */
	double raw = 0;
	for (int i = 0; i < NT; i++)
		raw += e[i][0] / NT;
	for (int i = NT; i < NT + NC; i++)
		raw -= e[i][0] / NC;
	assert_true(raw > 0.3);
	double d = synth_d(f, tt, NT, ct, NC, 0, pred, 3, &sd);
	assert_true(fabs(d) < 0.1);
	assert_true(sd < 0.1);
	/* lineage: 0.5 more on the T-texts only stays */
	for (int i = 0; i < NT; i++)
		e[i][0] += 0.5;
	d = synth_d(f, tt, NT, ct, NC, 0, pred, 3, &sd);
	assert_true(fabs(d - 0.5) < 0.1);
	/* the subject's own texts are left out, NaN predictors filled */
	for (int i = NT; i < NT + 10; i++)
		f[i].gen = 100;
	for (int i = NT + 10; i < NT + 15; i++)
		e[i][2] = NAN;	/* subject 2 generated these */
	double rt[64], rc[64];
	size_t nrt, nrc;
	assert_int_equal(pdg_fp_synth(f, tt, NT, ct, NC, 0, 100, pred, NULL,
	                              3, 0.1, rt, &nrt, rc, &nrc), 0);
	assert_int_equal(nrc, NC - 10);
	for (size_t i = 0; i < nrc; i++)
		assert_false(isnan(rc[i]));
	/* too few C-texts to fit */
	assert_int_equal(pdg_fp_synth(f, tt, NT, ct, 5, 0, 100, pred, NULL,
	                              3, 0.1, rt, &nrt, rc, &nrc), -1);
}

static void test_median(void **state)
{
	double a[] = { 3, 1, 2 }, b[] = { 4, 1, 3, 2 };

	(void)state;
	assert_true(pdg_fp_median(a, 3) == 2);
	assert_true(pdg_fp_median(b, 4) == 2.5);
	assert_true(isnan(pdg_fp_median(b, 0)));
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pdg-fp-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chat_content),
		cmocka_unit_test(test_prompt_logprobs),
		cmocka_unit_test(test_legacy_ollama_batch),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_jsonl_limits),
		cmocka_unit_test(test_vocab),
		cmocka_unit_test(test_safetensors_header),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_permutation_and_holm),
		cmocka_unit_test(test_permutation_calibrated),
		cmocka_unit_test(test_align_chunks),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_synth),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
