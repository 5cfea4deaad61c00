/* jsonl.c - OpenAI-compatible logprobs, one server response per line.
 *
 * Shapes read (docs/fingerprint.md has examples of each):
 *  - chat completions: choices[0].logprobs.content[] of {token, bytes,
 *    logprob, top_logprobs[]} (OpenAI, vLLM, llama.cpp server, Ollama's
 *    OpenAI layer): the model generated these tokens;
 *  - Ollama's native API: a top-level logprobs[] of the same entries;
 *  - vLLM prompt_logprobs: choices[0].prompt_logprobs[], each null or a
 *    dict {token id: {logprob, rank, decoded_token}}, with the prompt's
 *    token ids: teacher-forced scores of a given text;
 *  - legacy completions (echo): choices[0].logprobs {tokens,
 *    token_logprobs, top_logprobs[] of {token: logprob}}.
 * A line is the response itself with a "probe" id, or a wrapper:
 * {"probe": ID, "response": {...}} or the OpenAI batch output
 * {"custom_id": ID, "response": {"body": {...}}}.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "fingerprint/fp.h"
#include "util.h"

#define MAX_RECORD_BYTES (4u << 20)

struct line_ctx {
	const char *file;
	unsigned long line;
	pdg_fp_limits *lim;
};

static int bad(const struct line_ctx *c, const char *what)
{
	return pdg_error_set(PDG_EINVALID, "%s:%lu: %s", c->file, c->line,
	                     what);
}

/* Log-probabilities are <= 0; servers write -9999 or huge negatives for
 * -inf, and float noise can give tiny positives. */
static int get_lp(const json_t *v, float *out)
{
	if (!json_is_number(v))
		return -1;
	double d = json_number_value(v);
	if (isnan(d) || d > 1e-3)
		return -1;
	if (d > 0)
		d = 0;
	if (d < -1e4)
		d = -1e4;
	*out = (float)d;
	return 0;
}

/* Token bytes: the "bytes" list when present (exact, even for partial
 * UTF-8), else the string. */
static int token_bytes(const json_t *entry, const char *str_key,
                       uint8_t *buf, size_t *len)
{
	const json_t *b = json_object_get(entry, "bytes");
	const json_t *s = json_object_get(entry, str_key);

	if (json_is_array(b)) {
		size_t n = json_array_size(b);
		if (n > PDG_FP_MAX_TOKEN_BYTES)
			return -1;
		for (size_t i = 0; i < n; i++) {
			const json_t *x = json_array_get(b, i);
			if (!json_is_integer(x) || json_integer_value(x) < 0 ||
			    json_integer_value(x) > 255)
				return -1;
			buf[i] = (uint8_t)json_integer_value(x);
		}
		*len = n;
		return 0;
	}
	if (!json_is_string(s))
		return -1;
	size_t n = json_string_length(s);
	if (n > PDG_FP_MAX_TOKEN_BYTES)
		return -1;
	memcpy(buf, json_string_value(s), n);
	*len = n;
	return 0;
}

static int check_budget(const struct line_ctx *c, pdg_fp_record *r)
{
	if (r->ntok >= PDG_FP_MAX_TOKENS)
		return pdg_error_set(PDG_ELIMIT, "%s:%lu: more than %u tokens",
		                     c->file, c->line, PDG_FP_MAX_TOKENS);
	if (r->nbytes > MAX_RECORD_BYTES)
		return pdg_error_set(PDG_ELIMIT, "%s:%lu: more than %u bytes "
		                     "of tokens", c->file, c->line,
		                     MAX_RECORD_BYTES);
	if (c->lim->max_positions == 0)
		return pdg_error_set(PDG_ELIMIT, "%s:%lu: more scored "
		                     "positions than the limit", c->file,
		                     c->line);
	c->lim->max_positions--;
	return 0;
}

/* {token, bytes, logprob, top_logprobs[]} entries (chat, Ollama). */
static int parse_content(const struct line_ctx *c, pdg_fp_record *r,
                         const json_t *content)
{
	uint8_t buf[PDG_FP_MAX_TOKEN_BYTES];
	size_t n, i, j;
	const json_t *e, *alt;
	float lp;
	int rc;

	json_array_foreach(content, i, e) {
		if (!json_is_object(e) ||
		    get_lp(json_object_get(e, "logprob"), &lp) < 0 ||
		    token_bytes(e, "token", buf, &n) < 0)
			return bad(c, "a logprobs entry needs token (or bytes) "
			           "and a logprob <= 0");
		if ((rc = check_budget(c, r)) < 0)
			return rc;
		pdg_fp_record_add_token(r, buf, n, lp);
		const json_t *top = json_object_get(e, "top_logprobs");
		if (top && !json_is_array(top) && !json_is_null(top))
			return bad(c, "top_logprobs is not a list");
		json_array_foreach(top, j, alt) {
			size_t m;
			if (!json_is_object(alt) ||
			    get_lp(json_object_get(alt, "logprob"), &lp) < 0 ||
			    token_bytes(alt, "token", buf, &m) < 0)
				return bad(c, "a top_logprobs entry needs token "
				           "and logprob");
			pdg_fp_record_add_alt(r, buf, m, lp);
		}
		pdg_fp_record_end_token(r);
	}
	return 0;
}

/* vLLM: prompt_logprobs[i] is null or {"<id>": {logprob, rank,
 * decoded_token}}; the prompt's ids say which entry was the token. */
static int parse_prompt_logprobs(const struct line_ctx *c, pdg_fp_record *r,
                                 const json_t *plp, const json_t *ids)
{
	uint8_t buf[PDG_FP_MAX_TOKEN_BYTES];
	char key[32];
	size_t i, n;
	const json_t *e;
	int rc;

	if (!json_is_array(ids))
		return bad(c, "prompt_logprobs without prompt_token_ids (ask "
		           "vLLM for return_token_ids, or add them)");
	if (json_array_size(ids) != json_array_size(plp))
		return bad(c, "prompt_logprobs and prompt_token_ids differ in "
		           "length");
	json_array_foreach(plp, i, e) {
		const json_t *id = json_array_get(ids, i);
		if (!json_is_integer(id))
			return bad(c, "a prompt token id is not an integer");
		if (json_is_null(e))
			continue;	/* the first token: no context, no score */
		if (!json_is_object(e))
			return bad(c, "a prompt_logprobs entry is not an "
			           "object");
		snprintf(key, sizeof(key), "%lld",
		         (long long)json_integer_value(id));
		const json_t *act = json_object_get(e, key);
		float lp;
		if (!json_is_object(act) ||
		    get_lp(json_object_get(act, "logprob"), &lp) < 0 ||
		    token_bytes(act, "decoded_token", buf, &n) < 0)
			return bad(c, "a prompt_logprobs entry lacks its own "
			           "token with logprob and decoded_token");
		if ((rc = check_budget(c, r)) < 0)
			return rc;
		pdg_fp_record_add_token(r, buf, n, lp);
		const char *k;
		const json_t *alt;
		json_object_foreach((json_t *)e, k, alt) {
			size_t m;
			if (!json_is_object(alt) ||
			    get_lp(json_object_get(alt, "logprob"), &lp) < 0 ||
			    token_bytes(alt, "decoded_token", buf, &m) < 0)
				return bad(c, "a prompt_logprobs alternative "
				           "needs logprob and decoded_token");
			pdg_fp_record_add_alt(r, buf, m, lp);
		}
		pdg_fp_record_end_token(r);
	}
	return 0;
}

/* Legacy completions: parallel arrays. */
static int parse_legacy(const struct line_ctx *c, pdg_fp_record *r,
                        const json_t *lp_obj)
{
	const json_t *toks = json_object_get(lp_obj, "tokens");
	const json_t *lps = json_object_get(lp_obj, "token_logprobs");
	const json_t *tops = json_object_get(lp_obj, "top_logprobs");
	size_t i, n = json_array_size(toks);
	int rc;

	if (!json_is_array(lps) || json_array_size(lps) != n ||
	    (tops && !json_is_null(tops) &&
	     (!json_is_array(tops) || json_array_size(tops) != n)))
		return bad(c, "tokens, token_logprobs and top_logprobs differ "
		           "in length");
	for (i = 0; i < n; i++) {
		const json_t *t = json_array_get(toks, i);
		const json_t *v = json_array_get(lps, i);
		float lp;
		if (!json_is_string(t) ||
		    json_string_length(t) > PDG_FP_MAX_TOKEN_BYTES)
			return bad(c, "a token is not a string");
		if (json_is_null(v))
			continue;	/* echo's first token */
		if (get_lp(v, &lp) < 0)
			return bad(c, "a token_logprobs value is not <= 0");
		if ((rc = check_budget(c, r)) < 0)
			return rc;
		pdg_fp_record_add_token(r, (const uint8_t *)
		                        json_string_value(t),
		                        json_string_length(t), lp);
		const json_t *d = json_array_get(tops, i);
		const char *k;
		const json_t *x;
		if (d && !json_is_null(d) && !json_is_object(d))
			return bad(c, "a top_logprobs item is not an object");
		json_object_foreach((json_t *)d, k, x) {
			if (get_lp(x, &lp) < 0)
				return bad(c, "a top_logprobs value is not <= "
				           "0");
			pdg_fp_record_add_alt(r, (const uint8_t *)k,
			                      strlen(k), lp);
		}
		pdg_fp_record_end_token(r);
	}
	return 0;
}

static int parse_response(const struct line_ctx *c, pdg_fp_record *r,
                          const json_t *resp, const json_t *wrapper)
{
	const json_t *choices = json_object_get(resp, "choices");

	if (json_is_array(json_object_get(resp, "logprobs"))) {
		r->generated = 1;	/* Ollama native */
		return parse_content(c, r, json_object_get(resp, "logprobs"));
	}
	if (!json_is_array(choices) || json_array_size(choices) == 0)
		return bad(c, "no choices[] and no logprobs[]: not a "
		           "completion response");
	if (json_array_size(choices) > 1)
		return bad(c, "more than one choice: write one per line");
	const json_t *ch = json_array_get(choices, 0);
	const json_t *plp = json_object_get(ch, "prompt_logprobs");
	if (!plp)
		plp = json_object_get(resp, "prompt_logprobs");
	if (json_is_array(plp)) {
		const json_t *ids = json_object_get(ch, "prompt_token_ids");
		if (!ids)
			ids = json_object_get(resp, "prompt_token_ids");
		if (!ids && wrapper)
			ids = json_object_get(wrapper, "prompt_token_ids");
		return parse_prompt_logprobs(c, r, plp, ids);
	}
	const json_t *lp = json_object_get(ch, "logprobs");
	if (!json_is_object(lp))
		return bad(c, "the choice has no logprobs (ask for logprobs "
		           "and top_logprobs)");
	const json_t *content = json_object_get(lp, "content");
	if (json_is_array(content)) {
		r->generated = 1;
		return parse_content(c, r, content);
	}
	if (json_is_array(json_object_get(lp, "tokens")))
		return parse_legacy(c, r, lp);
	return bad(c, "logprobs has neither content[] nor tokens[]");
}

static const char *probe_id(const json_t *root, const json_t **resp)
{
	const json_t *id = json_object_get(root, "probe");
	const json_t *in = json_object_get(root, "response");

	if (!json_is_string(id))
		id = json_object_get(root, "custom_id");
	if (!json_is_string(id))
		return NULL;
	*resp = root;
	if (json_is_object(in)) {
		const json_t *body = json_object_get(in, "body");
		*resp = json_is_object(body) ? body : in;
	}
	return json_string_value(id);
}

int pdg_fp_parse_line(pdg_fp_scores *s, const char *file,
                      unsigned long line_no, const char *line, size_t len,
                      pdg_fp_limits *lim)
{
	struct line_ctx c = { file, line_no, lim };
	json_error_t jerr;
	const json_t *resp = NULL;
	pdg_fp_record *r;
	int rc;

	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES |
	                          JSON_ALLOW_NUL, &jerr);
	if (!root)
		return pdg_error_set(PDG_EINVALID, "%s:%lu: not JSON: %s",
		                     file, line_no, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(&c, "a line is not a JSON object");
	}
	const char *id = probe_id(root, &resp);
	if (!id || !*id || strlen(id) > PDG_FP_MAX_ID) {
		json_decref(root);
		return bad(&c, "no probe id (\"probe\" or \"custom_id\")");
	}
	const json_t *err = json_object_get(root, "error");
	if (err && !json_is_null(err)) {
		json_decref(root);
		return bad(&c, "the request failed (\"error\" is set)");
	}
	rc = pdg_fp_scores_add(s, file, id, &r);
	if (rc == 0)
		rc = parse_response(&c, r, resp, root);
	if (rc == 0) {
		const json_t *g = json_object_get(root, "generated");
		if (json_is_boolean(g))
			r->generated = json_is_true(g);
		if (r->ntok == 0)
			rc = bad(&c, "no scored tokens");
	}
	/* On error the caller stops and frees everything read so far. */
	if (rc == 0)
		s->positions += r->ntok;
	json_decref(root);
	return rc;
}

int pdg_fp_load_jsonl(pdg_fp_scores *s, const char *path,
                      pdg_fp_limits *lim)
{
	FILE *f = pdg_fp_fopen(path);
	pdg_buf b = PDG_BUF_INIT;
	unsigned long line = 0;
	int rc = 0;

	if (!f)
		return pdg_error_code();
	for (;;) {
		char chunk[65536];
		int eol = 0;

		b.len = 0;
		while (!eol && fgets(chunk, sizeof(chunk), f)) {
			size_t n = strlen(chunk);
			if (n && chunk[n - 1] == '\n') {
				eol = 1;
				n--;
			}
			if (b.len + n > lim->max_line) {
				rc = pdg_error_set(PDG_ELIMIT, "%s:%lu: line "
				                   "longer than %llu bytes",
				                   path, line + 1,
				                   (unsigned long long)
				                   lim->max_line);
				goto out;
			}
			pdg_buf_put(&b, chunk, n);
		}
		if (!eol && b.len == 0)
			break;
		line++;
		size_t k = 0;
		while (k < b.len && (b.ptr[k] == ' ' || b.ptr[k] == '\t' ||
		                     b.ptr[k] == '\r'))
			k++;
		if (k < b.len) {
			rc = pdg_fp_parse_line(s, path, line, b.ptr, b.len,
			                       lim);
			if (rc < 0)
				goto out;
		}
		if (!eol)
			break;
	}
	if (ferror(f))
		rc = pdg_error_set(PDG_EIO, "%s: read error", path);
out:
	fclose(f);
	pdg_buf_free(&b);
	return rc;
}
