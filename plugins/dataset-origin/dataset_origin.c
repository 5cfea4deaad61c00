/*
 * dataset_origin.c - training data that another model generated: records
 * in which an assistant names itself ("As an AI language model developed
 * by OpenAI", "I am Qwen, created by Alibaba Cloud") and metadata fields
 * that name the generating model ("model": "gpt-4o", "generator":
 * "gemma-2-9b-it").  Outputs of most providers come with terms that follow
 * the data into whatever is trained on it.
 *
 * Datasets are large and archive members are forward-only streams, so the
 * artifact is read once, front to back, in fixed chunks.  Every phrase and
 * metadata pattern is compiled into one Vectorscan database; each record
 * (one line) is scanned as its own stream, so a record that holds two
 * phrases counts once.  Only records that matched a metadata pattern are
 * parsed, and only when they are small enough to have been kept.  Memory
 * is bounded by the chunk, the kept record and the database, whatever the
 * input: a line longer than ORIGIN_LINE_MAX is scanned up to the limit,
 * reported, and its rest skipped without buffering.
 *
 * Rules:
 *   dataset.generated-by        DATASET_ORIGIN, warning: per artifact and
 *                               provider, the records that look generated
 *   dataset.trained-on-outputs  LINEAGE, from finish(): per component and
 *                               provider, over all its dataset files
 *   dataset.line-too-long       INPUT, warning
 *   dataset.read-error          INPUT, warning
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>
#include <jansson.h>

#include <pedigree/pedigree.h>
#include <pedigree/plugin.h>

#include "error.h"
#include "phrases.h"
#include "util.h"

#define ORIGIN_CHUNK ((size_t)1 << 20)
#define ORIGIN_LINE_MAX ((uint64_t)64 << 20)
/* Records kept for parsing; longer ones are scanned only. */
#define ORIGIN_PARSE_MAX ((size_t)1 << 20)
#define ORIGIN_SAMPLES 5
/* Distinct model names counted per provider; more is noise. */
#define ORIGIN_MODELS 16
#define ORIGIN_MODEL_NAME_MAX 200
/* Components remembered for finish(). */
#define ORIGIN_AGG_MAX 64

enum { EV_SELF = 1u, EV_META = 2u };

struct model_count {
	char *name;
	uint64_t n;
};

struct sample {
	uint64_t line;
	uint64_t offset;
};

struct prov_stats {
	uint64_t records, self, meta;
	struct sample samples[ORIGIN_SAMPLES];
	size_t nsamples;
	struct model_count models[ORIGIN_MODELS];
	size_t nmodels;
};

/* finish(): one component's records per provider. */
struct agg {
	char *component;
	/* Per provider, the file that is the best evidence: the first
	 * with a metadata field naming the model, else the first. */
	char *first_path[32];
	int path_meta[32];
	uint64_t files[32];
	struct prov_stats *ps;
};

struct origin_state {
	const pdg_host_api *api;
	hs_database_t *db;
	hs_scratch_t *scratch;
	/* Pattern id -> provider index and evidence type. */
	unsigned *pat_provider;
	unsigned *pat_kind;
	struct agg aggs[ORIGIN_AGG_MAX];
	size_t naggs;
};

struct origin_scan {
	struct origin_state *st;
	const pdg_artifact *a;
	pdg_emitter *out;
	hs_stream_t *stream;
	uint32_t self_mask, meta_mask;   /* of the current record */
	pdg_buf rec;                     /* the record while it fits */
	int rec_dropped;                 /* too long to keep */
	int has_content;
	int skipping;                    /* past ORIGIN_LINE_MAX */
	int csv_header;                  /* first line is a header */
	uint64_t rec_len, rec_start, line;
	uint64_t records;
	uint64_t long_lines, long_line, long_offset;
	struct prov_stats ps[32];
};

/* --- patterns ----------------------------------------------------------- */

static void put_whitespace(pdg_buf *b)
{
	/* A run of blanks, raw or JSON-escaped, or no-break spaces. */
	pdg_buf_puts(b, "(?:[ \\t\\r\\f\\v]|\\\\[nrt]|\\xC2\\xA0"
	                "|\\\\u00a0)+");
}

/* One UTF-8 sequence at s (n bytes), raw or as a JSON \u escape. */
static void put_codepoint(pdg_buf *b, const unsigned char *s, size_t n)
{
	uint32_t cp = 0;

	if (n == 2)
		cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
	else if (n == 3)
		cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) |
		     (s[2] & 0x3Fu);
	pdg_buf_puts(b, "(?:");
	for (size_t i = 0; i < n; i++)
		pdg_buf_printf(b, "\\x%02X", s[i]);
	if (cp >= 0x80 && cp <= 0xFFFF)
		pdg_buf_printf(b, "|\\\\u%04x", (unsigned)cp);
	pdg_buf_puts(b, ")");
}

static size_t utf8_len(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

static int is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

/* A phrase as a tolerant pattern: whitespace runs, apostrophes straight,
 * curly or escaped, non-ASCII raw or escaped; case by the flags. */
static char *phrase_pattern(const char *phrase)
{
	const unsigned char *p = (const unsigned char *)phrase;
	size_t len = strlen(phrase);
	pdg_buf b = PDG_BUF_INIT;

	if (len && is_word(p[0]))
		pdg_buf_puts(&b, "\\b");
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];

		if (c == ' ') {
			put_whitespace(&b);
			while (i < len && p[i] == ' ')
				i++;
		} else if (c == '\'') {
			pdg_buf_puts(&b, "(?:'|\\xE2\\x80\\x99|\\\\u2019"
			                 "|\\\\u0027)");
			i++;
		} else if (c >= 0x80) {
			size_t n = utf8_len(c);

			if (i + n > len)
				n = len - i;
			put_codepoint(&b, p + i, n);
			i += n;
		} else {
			if (!is_word(c))
				pdg_buf_puts(&b, "\\");
			pdg_buf_put(&b, &p[i], 1);
			i++;
		}
	}
	if (len && is_word(p[len - 1]))
		pdg_buf_puts(&b, "\\b");
	return b.ptr;
}

static void put_literal(pdg_buf *b, const char *s)
{
	for (; *s; s++) {
		if (!is_word((unsigned char)*s))
			pdg_buf_puts(b, "\\");
		pdg_buf_put(b, s, 1);
	}
}

/* A metadata key naming one of the provider's models:
 * "generator": "org/gemma-2-9b-it". */
static char *model_pattern(const struct origin_provider *p)
{
	pdg_buf b = PDG_BUF_INIT;

	pdg_buf_puts(&b, "\"(?:");
	for (size_t i = 0; origin_model_keys[i]; i++) {
		if (i)
			pdg_buf_puts(&b, "|");
		put_literal(&b, origin_model_keys[i]);
	}
	pdg_buf_puts(&b, ")\"[ \\t]*:[ \\t]*\"(?:[^\"/]{0,100}/)?(?:");
	for (size_t i = 0; p->model_prefixes[i]; i++) {
		if (i)
			pdg_buf_puts(&b, "|");
		put_literal(&b, p->model_prefixes[i]);
	}
	pdg_buf_puts(&b, ")");
	return b.ptr;
}

struct patterns {
	char **expr;
	unsigned *flags, *ids;
	size_t n, cap;
};

static void patterns_add(struct patterns *ps, char *expr)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->expr = pdg_xrealloc(ps->expr, ps->cap * sizeof(char *));
		ps->flags = pdg_xrealloc(ps->flags,
		                         ps->cap * sizeof(unsigned));
		ps->ids = pdg_xrealloc(ps->ids, ps->cap * sizeof(unsigned));
	}
	ps->expr[ps->n] = expr;
	ps->flags[ps->n] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
	ps->ids[ps->n] = (unsigned)ps->n;
	ps->n++;
}

static void patterns_free(struct patterns *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->expr[i]);
	free(ps->expr);
	free(ps->flags);
	free(ps->ids);
}

static int compile_db(struct origin_state *st)
{
	struct patterns ps = { 0 };
	hs_compile_error_t *err = NULL;
	size_t np = 0;
	int rc = 0;

	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct origin_provider *p = &origin_providers[i];

		for (size_t j = 0; p->phrases[j]; j++)
			np++;
		np++;
	}
	st->pat_provider = pdg_xcalloc(np, sizeof(unsigned));
	st->pat_kind = pdg_xcalloc(np, sizeof(unsigned));
	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct origin_provider *p = &origin_providers[i];

		for (size_t j = 0; p->phrases[j]; j++) {
			st->pat_provider[ps.n] = (unsigned)i;
			st->pat_kind[ps.n] = EV_SELF;
			patterns_add(&ps, phrase_pattern(p->phrases[j]));
		}
		st->pat_provider[ps.n] = (unsigned)i;
		st->pat_kind[ps.n] = EV_META;
		patterns_add(&ps, model_pattern(p));
	}
	if (hs_compile_multi((const char *const *)ps.expr, ps.flags, ps.ids,
	                     (unsigned)ps.n, HS_MODE_STREAM, NULL, &st->db,
	                     &err) != HS_SUCCESS) {
		rc = pdg_error_set(PDG_ERROR, "dataset-origin: pattern %d: %s",
		                   err ? err->expression : -1,
		                   err ? err->message : "compile failed");
		hs_free_compile_error(err);
	} else if (hs_alloc_scratch(st->db, &st->scratch) != HS_SUCCESS) {
		rc = pdg_error_set(PDG_ENOMEM, "dataset-origin: no scratch");
	}
	patterns_free(&ps);
	return rc;
}

/* --- models ------------------------------------------------------------- */

/* The provider whose prefix names the model, or -1. */
static int model_provider(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;

	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct origin_provider *p = &origin_providers[i];

		for (size_t j = 0; p->model_prefixes[j]; j++)
			if (pdg_starts_with_ci(base, p->model_prefixes[j]))
				return (int)i;
	}
	return -1;
}

static void model_count_add(struct prov_stats *ps, const char *name,
                            uint64_t n)
{
	for (size_t i = 0; i < ps->nmodels; i++) {
		if (strcmp(ps->models[i].name, name) == 0) {
			ps->models[i].n += n;
			return;
		}
	}
	if (ps->nmodels == ORIGIN_MODELS)
		return;
	ps->models[ps->nmodels].name = pdg_xstrdup(name);
	ps->models[ps->nmodels].n = n;
	ps->nmodels++;
}

static const char *model_top(const struct prov_stats *ps)
{
	const struct model_count *best = NULL;

	for (size_t i = 0; i < ps->nmodels; i++)
		if (!best || ps->models[i].n > best->n)
			best = &ps->models[i];
	return best ? best->name : NULL;
}

static void stats_clear(struct prov_stats *ps)
{
	for (size_t i = 0; i < ps->nmodels; i++)
		free(ps->models[i].name);
	memset(ps, 0, sizeof(*ps));
}

/* Model names in the record's metadata keys, top level or one object
 * down; each is credited to the provider it names. */
static uint32_t record_models(struct origin_scan *s, json_t *obj,
                              int depth, const char **names, size_t *n)
{
	uint32_t mask = 0;
	const char *key;
	json_t *v;

	for (size_t i = 0; origin_model_keys[i]; i++) {
		const char *name;
		int p;

		v = json_object_get(obj, origin_model_keys[i]);
		if (!json_is_string(v) || *n >= 8)
			continue;
		name = json_string_value(v);
		if (strlen(name) > ORIGIN_MODEL_NAME_MAX)
			continue;
		p = model_provider(name);
		if (p < 0 || (mask & (1u << p)))
			continue;
		mask |= 1u << p;
		names[p] = name;
		(*n)++;
	}
	if (depth > 0)
		return mask;
	json_object_foreach(obj, key, v) {
		if (json_is_object(v))
			mask |= record_models(s, v, 1, names, n);
	}
	return mask;
}

/* --- records ------------------------------------------------------------ */

static int on_match(unsigned id, unsigned long long from,
                    unsigned long long to, unsigned flags, void *ctx)
{
	struct origin_scan *s = ctx;
	const struct origin_state *st = s->st;

	(void)from;
	(void)to;
	(void)flags;
	if (st->pat_kind[id] == EV_SELF)
		s->self_mask |= 1u << st->pat_provider[id];
	else
		s->meta_mask |= 1u << st->pat_provider[id];
	return 0;
}

static void record_credit(struct origin_scan *s, uint32_t self,
                          uint32_t meta, const char **names)
{
	uint32_t all = self | meta;

	for (size_t i = 0; i < origin_provider_count; i++) {
		struct prov_stats *ps = &s->ps[i];

		if (!(all & (1u << i)))
			continue;
		ps->records++;
		if (self & (1u << i))
			ps->self++;
		if (meta & (1u << i))
			ps->meta++;
		if (names[i])
			model_count_add(ps, names[i], 1);
		if (ps->nsamples < ORIGIN_SAMPLES) {
			ps->samples[ps->nsamples].line = s->line;
			ps->samples[ps->nsamples].offset = s->rec_start;
			ps->nsamples++;
		}
	}
}

static void record_end(struct origin_scan *s, uint64_t next_start)
{
	const char *names[32] = { 0 };
	json_t *root = NULL;

	hs_reset_stream(s->stream, 0, s->st->scratch, on_match, s);
	if (s->has_content) {
		if (s->csv_header)
			s->csv_header = 0;
		else
			s->records++;
	}
	if (s->meta_mask && !s->rec_dropped && !s->skipping)
		root = json_loadb(s->rec.ptr, s->rec.len, 0, NULL);
	if (json_is_object(root)) {
		size_t n = 0;

		/* A metadata pattern may hit text that is not the key
		 * itself (a quoted example): trust the parse when there
		 * is one. */
		s->meta_mask = record_models(s, root, 0, names, &n);
	}
	/* names[] point into root. */
	if (s->self_mask | s->meta_mask)
		record_credit(s, s->self_mask, s->meta_mask, names);
	json_decref(root);
	s->self_mask = s->meta_mask = 0;
	s->rec.len = 0;
	s->rec_dropped = s->has_content = s->skipping = 0;
	s->rec_len = 0;
	s->rec_start = next_start;
	s->line++;
}

static void note_long_line(struct origin_scan *s)
{
	if (s->long_lines++ == 0) {
		s->long_line = s->line;
		s->long_offset = s->rec_start;
	}
	s->skipping = 1;
}

/* Part of a record (no newline in it). */
static void record_feed(struct origin_scan *s, const char *data, size_t len)
{
	if (s->skipping || len == 0)
		return;
	if (s->rec_len + len > ORIGIN_LINE_MAX) {
		size_t keep = (size_t)(ORIGIN_LINE_MAX - s->rec_len);

		record_feed(s, data, keep);
		note_long_line(s);
		return;
	}
	for (size_t i = 0; !s->has_content && i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r')
			s->has_content = 1;
	hs_scan_stream(s->stream, data, (unsigned)len, 0, s->st->scratch,
	               on_match, s);
	s->rec_len += len;
	if (!s->rec_dropped && s->rec.len + len <= ORIGIN_PARSE_MAX) {
		pdg_buf_put(&s->rec, data, len);
	} else if (!s->rec_dropped) {
		s->rec_dropped = 1;
		s->rec.len = 0;
	}
}

static void chunk_feed(struct origin_scan *s, const char *buf, size_t n,
                       uint64_t base)
{
	size_t pos = 0;

	while (pos < n) {
		const char *nl = memchr(buf + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - buf) : n;

		record_feed(s, buf + pos, end - pos);
		if (nl)
			record_end(s, base + end + 1);
		pos = nl ? end + 1 : n;
	}
}

/* --- findings ----------------------------------------------------------- */

static json_t *terms_json(const struct origin_provider *p)
{
	json_t *t = json_array();

	for (size_t i = 0; p->terms[i]; i++)
		json_array_append_new(t, json_string(p->terms[i]));
	return t;
}

static json_t *evidence_json(const struct prov_stats *ps)
{
	json_t *e = json_array();

	if (ps->self)
		json_array_append_new(e, json_string("self-identification"));
	if (ps->meta)
		json_array_append_new(e, json_string("metadata-field"));
	return e;
}

static double stats_confidence(const struct prov_stats *ps)
{
	if (ps->meta && ps->self)
		return 0.95;
	if (ps->meta)
		return 0.9;
	return ps->records >= 3 ? 0.7 : 0.5;
}

static int emit_json(struct origin_scan *s, pdg_finding_desc *d, json_t *o)
{
	char *props = json_dumps(o, JSON_COMPACT);
	int rc;

	json_decref(o);
	d->properties = props;
	rc = s->st->api->emit(s->out, s->a, d);
	free(props);
	return rc;
}

static int emit_provider(struct origin_scan *s, size_t i)
{
	const struct origin_provider *p = &origin_providers[i];
	const struct prov_stats *ps = &s->ps[i];
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	double share = s->records ? (double)ps->records / (double)s->records
	                          : 0.0;
	const char *model = model_top(ps);
	json_t *o, *samples = json_array();
	char msg[256];

	for (size_t k = 0; k < ps->nsamples; k++)
		json_array_append_new(samples, json_pack("{s:I,s:I}",
			"record", (json_int_t)ps->samples[k].line,
			"offset", (json_int_t)ps->samples[k].offset));
	o = json_pack("{s:s,s:s,s:s,s:s?,s:I,s:f,s:I,s:I,s:I,s:o,s:o,s:o}",
		"provider", p->key, "organisation", p->organisation,
		"family", p->family, "model", model,
		"records", (json_int_t)ps->records, "share", share,
		"records_total", (json_int_t)s->records,
		"records_self_identification", (json_int_t)ps->self,
		"records_metadata", (json_int_t)ps->meta,
		"terms", terms_json(p), "evidence", evidence_json(ps),
		"samples", samples);
	snprintf(msg, sizeof(msg),
	         "%llu of %llu records (%.1f%%) look generated by %s (%s)%s%s",
	         (unsigned long long)ps->records,
	         (unsigned long long)s->records, share * 100.0,
	         p->organisation, p->family, model ? ", model " : "",
	         model ? model : "");
	d.kind = PDG_FINDING_DATASET_ORIGIN;
	d.severity = PDG_SEVERITY_WARNING;
	d.confidence = stats_confidence(ps);
	d.rule = "dataset.generated-by";
	d.message = msg;
	d.subject = p->key;
	if (ps->nsamples) {
		d.line_start = ps->samples[0].line > UINT32_MAX
		               ? 0 : (uint32_t)ps->samples[0].line;
		d.byte_offset = (int64_t)ps->samples[0].offset;
	}
	return emit_json(s, &d, o);
}

static int emit_input(struct origin_scan *s, const char *rule,
                      const char *msg, uint64_t line, uint64_t offset,
                      json_t *props)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;

	d.kind = PDG_FINDING_INPUT;
	d.severity = PDG_SEVERITY_WARNING;
	d.rule = rule;
	d.message = msg;
	d.line_start = line > UINT32_MAX ? 0 : (uint32_t)line;
	d.byte_offset = (int64_t)offset;
	return emit_json(s, &d, props);
}

static int emit_long_lines(struct origin_scan *s)
{
	char msg[200];

	snprintf(msg, sizeof(msg),
	         "%llu line%s longer than %llu MiB: scanned up to the limit, "
	         "the rest skipped", (unsigned long long)s->long_lines,
	         s->long_lines == 1 ? "" : "s",
	         (unsigned long long)(ORIGIN_LINE_MAX >> 20));
	return emit_input(s, "dataset.line-too-long", msg, s->long_line,
	                  s->long_offset,
	                  json_pack("{s:I,s:I}", "lines",
	                            (json_int_t)s->long_lines, "limit",
	                            (json_int_t)ORIGIN_LINE_MAX));
}

/* --- aggregation for finish() ------------------------------------------- */

static struct agg *agg_for(struct origin_state *st, const char *component)
{
	const char *c = component ? component : "";

	for (size_t i = 0; i < st->naggs; i++)
		if (strcmp(st->aggs[i].component, c) == 0)
			return &st->aggs[i];
	if (st->naggs == ORIGIN_AGG_MAX)
		return NULL;
	st->aggs[st->naggs].component = pdg_xstrdup(c);
	st->aggs[st->naggs].ps = pdg_xcalloc(origin_provider_count,
	                                     sizeof(struct prov_stats));
	return &st->aggs[st->naggs++];
}

static void agg_add(struct origin_scan *s)
{
	const pdg_host_api *api = s->st->api;
	struct agg *g = agg_for(s->st, api->artifact_component(s->a));
	const char *path = api->artifact_path(s->a);

	if (!g)
		return;
	for (size_t i = 0; i < origin_provider_count; i++) {
		const struct prov_stats *from = &s->ps[i];
		struct prov_stats *to = &g->ps[i];

		if (!from->records)
			continue;
		to->records += from->records;
		to->self += from->self;
		to->meta += from->meta;
		for (size_t k = 0; k < from->nmodels; k++)
			model_count_add(to, from->models[k].name,
			                from->models[k].n);
		if (path && (!g->first_path[i] ||
		             (from->meta && !g->path_meta[i]))) {
			free(g->first_path[i]);
			g->first_path[i] = pdg_xstrdup(path);
			g->path_meta[i] = from->meta != 0;
		}
		g->files[i]++;
	}
}

/* --- plugin ------------------------------------------------------------- */

/* Compressed or columnar data is not text: leave it to a decoder. */
static int is_binary_format(const unsigned char *b, size_t n)
{
	return (n >= 2 && b[0] == 0x1F && b[1] == 0x8B) ||
	       (n >= 4 && memcmp(b, "\x28\xB5\x2F\xFD", 4) == 0) ||
	       (n >= 4 && memcmp(b, "PAR1", 4) == 0) ||
	       (n >= 6 && memcmp(b, "ARROW1", 6) == 0) ||
	       (n >= 3 && memcmp(b, "BZh", 3) == 0) ||
	       (n >= 6 && memcmp(b, "\xFD" "7zXZ", 5) == 0);
}

static int origin_read(struct origin_scan *s, char *buf)
{
	const pdg_host_api *api = s->st->api;
	uint64_t off = 0;

	for (;;) {
		int64_t n = api->artifact_read_at(s->a, buf, ORIGIN_CHUNK,
		                                  off);
		char msg[256];

		if (n == 0)
			break;
		if (n < 0) {
			snprintf(msg, sizeof(msg), "read failed after %llu "
			         "bytes: %s", (unsigned long long)off,
			         api->last_error ? api->last_error() : "");
			return emit_input(s, "dataset.read-error", msg, 0, off,
			                  json_pack("{s:I}", "offset",
			                            (json_int_t)off));
		}
		if (off == 0 && is_binary_format((unsigned char *)buf,
		                                 (size_t)n))
			return 1;
		chunk_feed(s, buf, (size_t)n, off);
		off += (uint64_t)n;
	}
	if (s->rec_len > 0 || s->skipping)
		record_end(s, off);
	return 0;
}

static int origin_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	struct origin_state *st = state;
	struct origin_scan *s = pdg_xcalloc(1, sizeof(*s));
	const char *path = st->api->artifact_path(a);
	char *buf;
	int rc;

	if (st->api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER) {
		free(s);
		return 0;
	}
	if (hs_open_stream(st->db, 0, &s->stream) != HS_SUCCESS) {
		free(s);
		return pdg_error_set(PDG_ENOMEM, "dataset-origin: no stream");
	}
	s->st = st;
	s->a = a;
	s->out = out;
	s->line = 1;
	s->csv_header = path && (pdg_ends_with_ci(path, ".csv") ||
	                         pdg_ends_with_ci(path, ".tsv"));
	buf = pdg_xmalloc(ORIGIN_CHUNK);
	rc = origin_read(s, buf);
	free(buf);
	hs_close_stream(s->stream, st->scratch, NULL, NULL);
	if (rc == 0 && s->long_lines)
		rc = emit_long_lines(s);
	for (size_t i = 0; rc >= 0 && i < origin_provider_count; i++)
		if (s->ps[i].records)
			rc = emit_provider(s, i);
	if (rc >= 0)
		agg_add(s);
	for (size_t i = 0; i < origin_provider_count; i++)
		stats_clear(&s->ps[i]);
	pdg_buf_free(&s->rec);
	free(s);
	return rc < 0 ? rc : 0;
}

static int emit_lineage(struct origin_state *st, pdg_emitter *out,
                        const struct agg *g, size_t i)
{
	const struct origin_provider *p = &origin_providers[i];
	const struct prov_stats *ps = &g->ps[i];
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	const char *model = model_top(ps);
	char msg[300];
	char *props;
	json_t *o;
	int rc;

	o = json_pack("{s:s,s:s,s:s?,s:s,s:I,s:I,s:o,s:o}",
		"provider", p->key, "organisation", p->organisation,
		"model", model, "relation", "trained-on-outputs",
		"records", (json_int_t)ps->records,
		"files", (json_int_t)g->files[i],
		"terms", terms_json(p), "evidence", evidence_json(ps));
	props = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	snprintf(msg, sizeof(msg),
	         "trained on outputs of %s%s%s: %llu generated record%s in "
	         "%llu dataset file%s", model ? model : p->organisation,
	         model ? "" : " ", model ? "" : p->family,
	         (unsigned long long)ps->records, ps->records == 1 ? "" : "s",
	         (unsigned long long)g->files[i],
	         g->files[i] == 1 ? "" : "s");
	d.kind = PDG_FINDING_LINEAGE;
	d.severity = PDG_SEVERITY_INFO;
	d.confidence = stats_confidence(ps);
	d.rule = "dataset.trained-on-outputs";
	d.message = msg;
	d.subject = model ? model : p->key;
	d.component = g->component[0] ? g->component : NULL;
	d.path = g->first_path[i];
	d.properties = props;
	rc = st->api->emit(out, NULL, &d);
	free(props);
	return rc;
}

static int origin_finish(void *state, pdg_emitter *out)
{
	struct origin_state *st = state;

	for (size_t k = 0; k < st->naggs; k++) {
		for (size_t i = 0; i < origin_provider_count; i++) {
			int rc;

			if (!st->aggs[k].ps[i].records)
				continue;
			rc = emit_lineage(st, out, &st->aggs[k], i);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static void origin_free(void *state)
{
	struct origin_state *st = state;

	if (!st)
		return;
	for (size_t k = 0; k < st->naggs; k++) {
		for (size_t i = 0; i < origin_provider_count; i++) {
			stats_clear(&st->aggs[k].ps[i]);
			free(st->aggs[k].first_path[i]);
		}
		free(st->aggs[k].ps);
		free(st->aggs[k].component);
	}
	hs_free_scratch(st->scratch);
	hs_free_database(st->db);
	free(st->pat_provider);
	free(st->pat_kind);
	free(st);
}

static int origin_init(const pdg_host_api *api, void **state)
{
	struct origin_state *st;
	int rc;

	/* Provider sets are 32-bit masks. */
	if (origin_provider_count > 32)
		return pdg_error_set(PDG_ERROR, "dataset-origin: too many "
		                     "providers");
	st = pdg_xcalloc(1, sizeof(*st));
	st->api = api;
	rc = compile_db(st);
	if (rc < 0) {
		origin_free(st);
		return rc;
	}
	*state = st;
	return 0;
}

static const pdg_plugin origin_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "dataset-origin",
	.version = "0.1.0",
	.description = "training records generated by other models "
	               "(self-identification, metadata fields)",
	.kinds = PDG_KIND_BIT(PDG_KIND_DATASET),
	/* Not thread safe: one scratch space and the finish() totals. */
	.flags = 0,
	.init = origin_init,
	.scan = origin_scan,
	.finish = origin_finish,
	.free = origin_free,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi);

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &origin_plugin;
}
