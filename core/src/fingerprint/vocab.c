/* vocab.c - the bytes of every token id, for dense logits.
 *
 * tokenizer.json (Hugging Face tokenizers): model.vocab is a mapping
 * token -> id (BPE, WordLevel) or a list of [piece, score] (Unigram).
 * Token strings are decoded to bytes by the decoder's convention:
 * ByteLevel (GPT-2's printable stand-ins for bytes), or SentencePiece
 * ("\u2581" for a space, "<0xNN>" byte fallback).  Special added tokens
 * have no bytes.  A plain JSON list of strings is taken as already
 * decoded text, index = id.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "fingerprint/fp.h"
#include "util.h"

#define MAX_VOCAB (1u << 22)
#define MAX_VOCAB_FILE (256u << 20)

/* GPT-2's table: printable bytes stand for themselves, the rest are
 * moved to U+0100 and up, in byte order. */
static int bytelevel_inverse(uint32_t cp)
{
	static int16_t inv[324];
	static int ready;

	if (!ready) {
		int n = 0;
		for (int i = 0; i < 324; i++)
			inv[i] = -1;
		for (int b = 0; b < 256; b++) {
			int printable = (b >= 33 && b <= 126) ||
			                (b >= 161 && b <= 172) ||
			                (b >= 174 && b <= 255);
			inv[printable ? b : 256 + n++] = (int16_t)b;
		}
		ready = 1;	/* idempotent: racing writers agree */
	}
	return cp < 324 ? inv[cp] : -1;
}

/* Next code point of UTF-8 text; -1 on ill-formed input. */
static long utf8_next(const char **p, const char *end)
{
	const unsigned char *s = (const unsigned char *)*p;
	long cp;
	int n;

	if (s[0] < 0x80) {
		cp = s[0];
		n = 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		n = 2;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		n = 3;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		n = 4;
	} else {
		return -1;
	}
	if ((const char *)s + n > end)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*p += n;
	return cp;
}

enum style { STYLE_RAW, STYLE_BYTELEVEL, STYLE_SPIECE };

static int decode(enum style st, const char *s, size_t n, uint8_t *out,
                  size_t *len)
{
	const char *p = s, *end = s + n;
	size_t k = 0;

	if (st == STYLE_RAW) {
		if (n > PDG_FP_MAX_TOKEN_BYTES)
			return -1;
		memcpy(out, s, n);
		*len = n;
		return 0;
	}
	if (st == STYLE_SPIECE && n == 6 && s[0] == '<' && s[1] == '0' &&
	    s[2] == 'x' && s[5] == '>') {
		char hex[3] = { s[3], s[4], 0 }, *e;
		long b = strtol(hex, &e, 16);
		if (!*e) {
			out[0] = (uint8_t)b;
			*len = 1;
			return 0;
		}
	}
	while (p < end) {
		const char *q = p;
		long cp = utf8_next(&p, end);
		if (cp < 0 || k + 4 > PDG_FP_MAX_TOKEN_BYTES)
			return -1;
		if (st == STYLE_BYTELEVEL) {
			int b = bytelevel_inverse((uint32_t)cp);
			if (b < 0)
				return -1;
			out[k++] = (uint8_t)b;
		} else if (cp == 0x2581) {
			out[k++] = ' ';
		} else {
			memcpy(out + k, q, (size_t)(p - q));
			k += (size_t)(p - q);
		}
	}
	*len = k;
	return 0;
}

static int set_token(pdg_fp_vocab *v, const char *name, json_int_t id,
                     enum style st, const char *s, size_t n)
{
	uint8_t buf[PDG_FP_MAX_TOKEN_BYTES];
	size_t len;

	if (id < 0 || (uint64_t)id >= v->n)
		return pdg_error_set(PDG_EINVALID, "%s: token id %lld outside "
		                     "the vocabulary", name, (long long)id);
	if (decode(st, s, n, buf, &len) < 0)
		return pdg_error_set(PDG_EINVALID, "%s: token %lld cannot be "
		                     "decoded to bytes", name, (long long)id);
	free(v->tok[id]);
	v->tok[id] = pdg_xmalloc(len ? len : 1);
	memcpy(v->tok[id], buf, len);
	v->len[id] = (uint16_t)len;
	return 0;
}

static enum style style_of(const json_t *root)
{
	const json_t *d = json_object_get(root, "decoder");
	const char *t = json_string_value(json_object_get(d, "type"));
	const json_t *pre = json_object_get(root, "pre_tokenizer");

	if (t && strcmp(t, "ByteLevel") == 0)
		return STYLE_BYTELEVEL;
	if (!t && pre && json_string_value(json_object_get(pre, "type")) &&
	    strcmp(json_string_value(json_object_get(pre, "type")),
	           "ByteLevel") == 0)
		return STYLE_BYTELEVEL;
	return STYLE_SPIECE;
}

static int from_tokenizer(pdg_fp_vocab *v, const char *name,
                          const json_t *root)
{
	const json_t *vocab = json_object_get(json_object_get(root, "model"),
	                                      "vocab");
	const json_t *added = json_object_get(root, "added_tokens");
	enum style st = style_of(root);
	json_int_t maxid = -1;
	const char *k;
	const json_t *x;
	size_t i;
	int rc;

	if (json_is_object(vocab)) {
		json_object_foreach((json_t *)vocab, k, x) {
			if (!json_is_integer(x))
				return pdg_error_set(PDG_EINVALID, "%s: a vocab "
				                     "id is not an integer", name);
			if (json_integer_value(x) > maxid)
				maxid = json_integer_value(x);
		}
	} else if (json_is_array(vocab)) {
		maxid = (json_int_t)json_array_size(vocab) - 1;
	} else {
		return pdg_error_set(PDG_EINVALID, "%s: no model.vocab",
		                     name);
	}
	json_array_foreach(added, i, x) {
		const json_t *id = json_object_get(x, "id");
		if (json_is_integer(id) && json_integer_value(id) > maxid)
			maxid = json_integer_value(id);
	}
	if (maxid < 0 || maxid >= (json_int_t)MAX_VOCAB)
		return pdg_error_set(PDG_ELIMIT, "%s: vocabulary empty or "
		                     "larger than %u", name, MAX_VOCAB);
	v->n = (size_t)maxid + 1;
	v->tok = pdg_xcalloc(v->n, sizeof(*v->tok));
	v->len = pdg_xcalloc(v->n, sizeof(*v->len));
	if (json_is_object(vocab)) {
		json_object_foreach((json_t *)vocab, k, x)
			if ((rc = set_token(v, name, json_integer_value(x), st,
			                    k, strlen(k))) < 0)
				return rc;
	} else {
		json_array_foreach(vocab, i, x) {
			const json_t *piece = json_array_get(x, 0);
			if (!json_is_string(piece))
				return pdg_error_set(PDG_EINVALID, "%s: a "
				                     "Unigram entry is not [piece, "
				                     "score]", name);
			if ((rc = set_token(v, name, (json_int_t)i, st,
			                    json_string_value(piece),
			                    json_string_length(piece))) < 0)
				return rc;
		}
	}
	json_array_foreach(added, i, x) {
		const json_t *id = json_object_get(x, "id");
		const json_t *c = json_object_get(x, "content");
		if (!json_is_integer(id) || !json_is_string(c))
			continue;
		/* Special tokens print nothing; others are plain text. */
		if (json_is_true(json_object_get(x, "special")))
			rc = set_token(v, name, json_integer_value(id),
			               STYLE_RAW, "", 0);
		else
			rc = set_token(v, name, json_integer_value(id),
			               STYLE_RAW, json_string_value(c),
			               json_string_length(c));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int from_list(pdg_fp_vocab *v, const char *name, const json_t *arr)
{
	size_t i;
	const json_t *x;
	int rc;

	if (json_array_size(arr) == 0 || json_array_size(arr) > MAX_VOCAB)
		return pdg_error_set(PDG_ELIMIT, "%s: vocabulary empty or "
		                     "larger than %u", name, MAX_VOCAB);
	v->n = json_array_size(arr);
	v->tok = pdg_xcalloc(v->n, sizeof(*v->tok));
	v->len = pdg_xcalloc(v->n, sizeof(*v->len));
	json_array_foreach(arr, i, x) {
		if (!json_is_string(x))
			return pdg_error_set(PDG_EINVALID, "%s: item %zu is not "
			                     "a string", name, i);
		if ((rc = set_token(v, name, (json_int_t)i, STYLE_RAW,
		                    json_string_value(x),
		                    json_string_length(x))) < 0)
			return rc;
	}
	return 0;
}

int pdg_fp_vocab_parse(pdg_fp_vocab *v, const char *name, const char *data,
                       size_t len)
{
	json_error_t e;
	json_t *root = json_loadb(data, len, JSON_ALLOW_NUL, &e);
	int rc;

	memset(v, 0, sizeof(*v));
	if (!root)
		return pdg_error_set(PDG_EINVALID, "%s:%d: not JSON: %s", name,
		                     e.line, e.text);
	if (json_is_array(root))
		rc = from_list(v, name, root);
	else if (json_is_object(root))
		rc = from_tokenizer(v, name, root);
	else
		rc = pdg_error_set(PDG_EINVALID, "%s: neither tokenizer.json "
		                   "nor a list of tokens", name);
	json_decref(root);
	if (rc < 0)
		pdg_fp_vocab_free(v);
	return rc;
}

int pdg_fp_vocab_load(pdg_fp_vocab *v, const char *path)
{
	char *data;
	size_t len;
	int rc = pdg_fp_read_file(path, MAX_VOCAB_FILE, &data, &len);

	memset(v, 0, sizeof(*v));
	if (rc < 0)
		return rc;
	rc = pdg_fp_vocab_parse(v, path, data, len);
	free(data);
	return rc;
}

void pdg_fp_vocab_free(pdg_fp_vocab *v)
{
	for (size_t i = 0; v->tok && i < v->n; i++)
		free(v->tok[i]);
	free(v->tok);
	free(v->len);
	memset(v, 0, sizeof(*v));
}
