/*
 * dataset_origin.c - training data that another model generated: records
 * in which an assistant names itself ("As an AI language model developed
 * by OpenAI", "I am Qwen, created by Alibaba Cloud"), says a refusal
 * typical of a provider, or carries a metadata field naming the model
 * ("model": "gpt-4o", "generator": "gemma-2-9b-it"); and dataset cards
 * whose front matter says the data is machine-generated.  Outputs of most
 * providers come with terms that follow the data into whatever is trained
 * on it.
 *
 * How a shard is read (docs/dataset-origin.md has the measurements):
 *   - once, front to back, as a stream (archive members cannot go back),
 *     decompressed on the way when it is a single .gz/.zst/.xz/.bz2
 *     stream (input.c);
 *   - cut into chunks of whole records (records.c finds where records
 *     end in JSONL, JSON arrays and CSV) and each chunk is matched with
 *     one Vectorscan block scan, on a pool of threads - 1 workers while
 *     this thread reads (and decompresses) the next chunks, and on this
 *     thread too while it waits for one (chunk.c, pool.c);
 *   - chunk results are merged in stream order, so counts, samples and
 *     findings are the same whatever the number of threads;
 *   - a record longer than a chunk is scanned as a Vectorscan stream in
 *     constant memory and reported (dataset.line-too-long), not parsed.
 * Memory: (threads + 2) chunks, whatever the input.
 *
 * Rules:
 *   dataset.generated-by        DATASET_ORIGIN, warning: per shard and
 *                               provider, the records that look generated
 *   dataset.card-origin         DATASET_ORIGIN: a dataset card that says
 *                               the data is machine-generated or names a
 *                               model
 *   dataset.trained-on-outputs  LINEAGE, from finish(): per component and
 *                               provider, over all its dataset files
 *   dataset.scanned             METADATA, from finish(): per component,
 *                               records, files and bytes read
 *   dataset.line-too-long       INPUT, warning
 *   dataset.read-error          INPUT, warning: partial results kept
 *   dataset.not-scanned         INPUT, info: Parquet / Arrow shards
 *
 * Tuning from the environment (pedigree scan-data sets them from -j and
 * --samples): PEDIGREE_JOBS (threads, this one included; 1 scans on the
 * calling thread alone), PEDIGREE_DATASET_SAMPLES (sample locations kept
 * per provider, default 5).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hs.h>
#include <jansson.h>

#include <pedigree/pedigree.h>
#include <pedigree/plugin.h>

#include "card.h"
#include "chunk.h"
#include "error.h"
#include "input.h"
#include "patterns.h"
#include "phrases.h"
#include "pool.h"
#include "records.h"
#include "util.h"

#define ORIGIN_SAMPLES_DEFAULT 5
#define ORIGIN_SAMPLES_MAX 10000000
#define ORIGIN_THREADS_MAX 16
/* Distinct model names counted per provider; more is noise. */
#define ORIGIN_MODELS 16
/* Components remembered for finish(). */
#define ORIGIN_AGG_MAX 64
/* Front matter of a card read at most. */
#define ORIGIN_CARD_MAX ((size_t)1 << 20)
#define NPROV 32

struct model_count {
	char *name;
	uint64_t n;
};

struct sample {
	const char *file;       /* owned by the component's file list */
	uint64_t record, line, offset;
};

struct prov_stats {
	uint64_t records, self, meta, tmpl;
	struct sample *samples;
	size_t nsamples;
	struct model_count models[ORIGIN_MODELS];
	size_t nmodels;
};

/* finish(): one component's totals. */
struct agg {
	char *component;
	char **files;           /* paths samples point at */
	size_t nfiles;
	uint64_t shards, records, bytes, long_records, unparsed, user_only;
	uint64_t formats[FMT_COUNT_];
	uint64_t compressed;
	/* Per provider: the file that is the best evidence (the first with
	 * a metadata field naming the model, else the first), how many
	 * shards and cards point at it. */
	const char *first_path[NPROV];
	int path_meta[NPROV];
	uint64_t files_with[NPROV];
	uint64_t cards[NPROV];
	struct prov_stats ps[NPROV];
};

struct origin_state {
	int has_table;               /* holds the provider table */
	const pdg_host_api *api;
	struct origin_db db;
	hs_scratch_t *scratch;          /* this thread's */
	struct origin_worker self;      /* chunks scanned inline */
	unsigned threads;               /* 0: no pool */
	origin_pool *pool;
	int pool_failed;
	struct origin_chunk *ring;
	size_t nring;
	size_t max_samples;
	struct agg aggs[ORIGIN_AGG_MAX];
	size_t naggs;
};

/* One shard being read. */
struct shard {
	struct origin_state *st;
	const pdg_artifact *a;
	pdg_emitter *out;
	const char *path;               /* the artifact's */
	origin_input *in;
	rec_splitter split;
	int input_done;
	uint64_t bytes;
	uint64_t long_records, long_line, long_offset;
	uint64_t unparsed, user_only;
	int format;
	int header_done;                /* CSV/TSV header looked at */
	int model_col;                  /* its metadata column, or -1 */
	char sep;
	int scan_error;
	int read_failed;
	char read_error[300];
	uint64_t read_offset;
	struct prov_stats ps[NPROV];
};

/* --- statistics ---------------------------------------------------------- */

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

/* The most frequent name; ties go to the first seen. */
static const char *model_top(const struct prov_stats *ps)
{
	const struct model_count *best = NULL;

	for (size_t i = 0; i < ps->nmodels; i++)
		if (!best || ps->models[i].n > best->n)
			best = &ps->models[i];
	return best ? best->name : NULL;
}

static void sample_add(struct prov_stats *ps, size_t max,
                       const struct sample *s)
{
	if (ps->nsamples >= max)
		return;
	/* Grown in steps: --samples may be large, most lists are not. */
	if ((ps->nsamples & (ps->nsamples - 1)) == 0 || ps->nsamples < 4) {
		size_t cap = ps->nsamples < 4 ? 4 : ps->nsamples * 2;

		if (cap > max)
			cap = max;
		ps->samples = pdg_xrealloc(ps->samples,
		                           cap * sizeof(*ps->samples));
	}
	ps->samples[ps->nsamples++] = *s;
}

static void stats_clear(struct prov_stats *ps)
{
	for (size_t i = 0; i < ps->nmodels; i++)
		free(ps->models[i].name);
	free(ps->samples);
	memset(ps, 0, sizeof(*ps));
}

/* One record's evidence, by provider. */
static void credit(struct shard *sh, uint32_t self, uint32_t meta,
                   uint32_t tmpl, const struct rec_span *sp,
                   const struct origin_chunk *c, const struct origin_rec *r)
{
	uint32_t all = self | meta | tmpl;
	struct sample s = { sh->path, sp->number, sp->line, sp->start };

	for (size_t i = 0; i < origin_provider_count; i++) {
		struct prov_stats *ps = &sh->ps[i];
		uint32_t bit = 1u << i;

		if (!(all & bit))
			continue;
		ps->records++;
		ps->self += (self & bit) != 0;
		ps->meta += (meta & bit) != 0;
		ps->tmpl += (tmpl & bit) != 0;
		sample_add(ps, sh->st->max_samples, &s);
	}
	for (uint32_t k = 0; c && r && k < r->nmodel; k++) {
		const struct origin_model *m = &c->models[r->model + k];

		model_count_add(&sh->ps[m->provider], c->names.ptr + m->off,
		                1);
	}
}

static void merge_chunk(struct shard *sh, const struct origin_chunk *c)
{
	for (size_t i = 0; i < c->nrecs; i++) {
		const struct origin_rec *r = &c->recs[i];

		credit(sh, r->self, r->meta, r->tmpl, &c->spans[r->span], c,
		       r);
	}
	sh->unparsed += c->not_json;
	sh->user_only += c->user_only;
	if (c->want_format && c->nspans)
		sh->format = c->format;
	if (c->error)
		sh->scan_error = 1;
}

/* --- threads ------------------------------------------------------------- */

static unsigned threads_wanted(void)
{
	const char *e = getenv("PEDIGREE_JOBS");
	long n = e && *e ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	if (n <= 1)
		return 0;
	return n > ORIGIN_THREADS_MAX ? ORIGIN_THREADS_MAX : (unsigned)n;
}

/* The ring of chunks, and the pool when there are threads; a pool that
 * cannot start leaves everything on this thread. */
static void ring_ready(struct origin_state *st)
{
	if (st->ring)
		return;
	if (st->threads && !st->pool_failed &&
	    origin_pool_new(&st->pool, st->threads - 1, &st->db,
	                    st->scratch) < 0)
		st->pool_failed = 1;
	st->nring = st->pool ? st->threads + 2 : 1;
	st->ring = pdg_xcalloc(st->nring, sizeof(*st->ring));
	for (size_t i = 0; i < st->nring; i++)
		origin_chunk_init(&st->ring[i]);
}

/* --- reading ------------------------------------------------------------- */

/* Fill buf[have..cap) from the input; sets input_done at its end. */
static size_t fill(struct shard *sh, char *buf, size_t have, size_t cap)
{
	while (!sh->input_done && have < cap) {
		int64_t n = origin_input_read(sh->in, buf + have, cap - have);

		if (n <= 0) {
			if (n < 0) {
				sh->read_failed = 1;
				sh->read_offset = sh->bytes;
				snprintf(sh->read_error,
				         sizeof(sh->read_error), "%s",
				         pdg_error_last());
			}
			sh->input_done = 1;
			break;
		}
		sh->bytes += (uint64_t)n;
		have += (size_t)n;
	}
	return have;
}

struct stream_hits {
	const struct origin_set *set;
	uint32_t mask[4];
};

static int on_stream_hit(unsigned id, unsigned long long from,
                         unsigned long long to, unsigned flags, void *ctx)
{
	struct stream_hits *h = ctx;

	(void)from;
	(void)to;
	(void)flags;
	h->mask[h->set->evidence[id]] |= 1u << h->set->provider[id];
	return 0;
}

/* The stream set, compiled on first use, and scratch space for it. */
static int stream_ready(struct origin_state *st)
{
	if (st->db.stream.db)
		return 0;
	if (origin_db_stream(&st->db) < 0)
		return -1;
	if (hs_alloc_scratch(st->db.stream.db, &st->scratch) != HS_SUCCESS)
		return -1;
	st->self.scratch = st->scratch;
	return 0;
}

/*
 * A record longer than a chunk: c->buf[0..have) is its start.  Scan it
 * as a stream, reading on until it ends; what follows it is left in
 * c->buf[0..*carry) for the normal path.  Nothing of it is kept.
 */
static void long_record(struct shard *sh, struct origin_chunk *c,
                        size_t have, size_t *carry)
{
	struct origin_state *st = sh->st;
	struct stream_hits h = { &st->db.stream, { 0 } };
	struct rec_span sp = { sh->split.start, 0, sh->split.start_line, 0 };
	hs_stream_t *s = NULL;
	size_t n = have, scan = have;
	int reported = 0;

	*carry = 0;
	if (stream_ready(st) < 0 ||
	    hs_open_stream(st->db.stream.db, 0, &s) != HS_SUCCESS) {
		sh->scan_error = 1;
		s = NULL;
	}
	sh->split.stop_on_close = 1;
	for (;;) {
		uint64_t closes = sh->split.closes, base;
		size_t k = 0, used;

		if (s && scan)
			hs_scan_stream(s, c->buf, (unsigned)scan, 0,
			               st->scratch, on_stream_hit, &h);
		n = fill(sh, c->buf, 0, ORIGIN_CHUNK);
		if (n == 0) {
			reported = rec_split_finish(&sh->split, &sp);
			break;
		}
		base = sh->split.pos;
		used = rec_split(&sh->split, c->buf, n, &sp, 1, &k);
		scan = n;
		if (sh->split.closes != closes) {
			/* It ended: scan up to its end, keep the rest. */
			reported = k == 1;
			if (s && reported && sp.end > base)
				hs_scan_stream(s, c->buf,
				               (unsigned)(sp.end - base), 0,
				               st->scratch, on_stream_hit, &h);
			memmove(c->buf, c->buf + used, n - used);
			*carry = n - used;
			break;
		}
	}
	sh->split.stop_on_close = 0;
	if (s)
		hs_close_stream(s, st->scratch, on_stream_hit, &h);
	if (sh->long_records++ == 0) {
		sh->long_line = sp.line;
		sh->long_offset = sp.start;
	}
	if (reported && (h.mask[EV_SELF] | h.mask[EV_META] | h.mask[EV_TMPL]))
		credit(sh, h.mask[EV_SELF], h.mask[EV_META], h.mask[EV_TMPL],
		       &sp, NULL, NULL);
}

/* Wait for the chunks in flight, oldest first, and merge them. */
static void drain(struct shard *sh, size_t next, size_t *inflight)
{
	struct origin_state *st = sh->st;

	for (size_t i = next - *inflight; i < next; i++) {
		struct origin_chunk *c = &st->ring[i % st->nring];

		origin_pool_wait(st->pool, c, &st->self);
		c->submitted = 0;
		merge_chunk(sh, c);
	}
	*inflight = 0;
}

/* CSV/TSV: once the header has been read, which column (if any) names
 * the generating model. */
static void header_columns(struct shard *sh, struct origin_chunk *c,
                           size_t have)
{
	const rec_splitter *sp = &sh->split;

	if (!sh->header_done && sp->header_seen) {
		sh->header_done = 1;
		if (sp->header_start >= c->base &&
		    sp->header_end <= c->base + have)
			sh->model_col = origin_csv_model_column(
				c->buf + (sp->header_start - c->base),
				(size_t)(sp->header_end - sp->header_start),
				sh->sep);
	}
	c->model_col = sh->model_col;
	c->sep = sh->sep;
}

/* Bytes to read per chunk: a small shard is cut in several so that the
 * pool has work for every thread; never less than MIN_CHUNK. */
#define MIN_CHUNK ((size_t)256 << 10)

static size_t chunk_target(const struct shard *sh)
{
	uint64_t size = sh->st->api->artifact_size(sh->a);
	size_t want;

	if (!sh->st->pool || !size || origin_input_codec(sh->in))
		return ORIGIN_READ;
	want = (size_t)(size / (2 * (uint64_t)sh->st->threads) + 1);
	if (want < MIN_CHUNK)
		return MIN_CHUNK;
	return want > ORIGIN_READ ? ORIGIN_READ : want;
}

/* Fill c->buf from `have` bytes towards `target`, then on to the whole
 * chunk while no record has ended in it, splitting as it goes.  *fed:
 * bytes the splitter has seen. */
static size_t fill_split(struct shard *sh, struct origin_chunk *c,
                         size_t have, size_t *fed, size_t target)
{
	size_t k = 0;

	c->nspans = 0;
	for (;;) {
		have = fill(sh, c->buf, have, target);
		*fed += rec_split(&sh->split, c->buf + *fed, have - *fed,
		                  c->spans + c->nspans,
		                  ORIGIN_SPANS - c->nspans, &k);
		c->nspans += k;
		if (c->nspans || !sh->split.open || sh->input_done ||
		    target == ORIGIN_CHUNK)
			return have;
		target = ORIGIN_CHUNK;  /* one record is longer: read on */
	}
}

/*
 * Read the shard chunk by chunk.  Each chunk starts with the unfinished
 * record the previous one ended with (the carry), is filled from the
 * input, split into records and cut after the last whole one.  Chunks go
 * to the pool, at most nring at a time, and are merged in order as their
 * slots come round again.  A shard that fits one chunk is scanned here.
 */
static void scan_records(struct shard *sh)
{
	struct origin_state *st = sh->st;
	struct origin_chunk *prev = NULL;
	size_t next = 0, inflight = 0, carry = 0, carry_fed = 0, target;
	uint64_t carry_base = 0;
	int first = 1;

	ring_ready(st);
	target = chunk_target(sh);
	for (;;) {
		struct origin_chunk *c = &st->ring[next % st->nring];
		size_t have, fed = carry_fed, cut;

		if (c->submitted) {
			origin_pool_wait(st->pool, c, &st->self);
			c->submitted = 0;
			merge_chunk(sh, c);
			inflight--;
		}
		if (carry && prev)
			memmove(c->buf, prev->buf + prev->len, carry);
		c->base = carry_base;
		have = fill_split(sh, c, carry, &fed,
		                  carry + target < ORIGIN_CHUNK ? carry + target
		                                                : ORIGIN_CHUNK);
		if (sh->input_done && fed == have &&
		    rec_split_finish(&sh->split, &c->spans[c->nspans]))
			c->nspans++;
		header_columns(sh, c, have);
		cut = sh->split.open ? (size_t)(sh->split.start - c->base)
		                     : fed;
		if (cut == 0 && !c->nspans && sh->split.open &&
		    have == ORIGIN_CHUNK) {
			drain(sh, next, &inflight);
			long_record(sh, c, have, &carry);
			c->len = 0;
			prev = c;
			carry_fed = 0;
			carry_base = sh->split.pos;
			if (sh->input_done && !carry)
				break;
			continue;
		}
		c->len = cut;
		c->want_format = first;
		carry = have - cut;
		carry_fed = fed - cut;
		carry_base = c->base + cut;
		prev = c;
		if (!st->pool || (!inflight && sh->input_done && !carry)) {
			origin_chunk_run(&st->db, c, &st->self);
			merge_chunk(sh, c);
		} else {
			origin_pool_submit(st->pool, c);
			c->submitted = 1;
			inflight++;
		}
		if (c->nspans)
			first = 0;
		next++;
		if (sh->input_done && !carry)
			break;
	}
	drain(sh, next, &inflight);
}

/* --- findings ------------------------------------------------------------ */

static json_t *terms_json(const struct origin_provider *p)
{
	json_t *t = json_array();

	for (size_t i = 0; p->terms[i]; i++)
		json_array_append_new(t, json_string(p->terms[i]));
	return t;
}

static json_t *evidence_json(const struct prov_stats *ps, uint64_t cards)
{
	json_t *e = json_array();

	if (ps->self)
		json_array_append_new(e, json_string("self-identification"));
	if (ps->meta)
		json_array_append_new(e, json_string("metadata-field"));
	if (ps->tmpl)
		json_array_append_new(e, json_string("refusal-template"));
	if (cards)
		json_array_append_new(e, json_string("dataset-card"));
	return e;
}

static json_t *models_json(const struct prov_stats *ps)
{
	json_t *m = json_array();

	for (size_t i = 0; i < ps->nmodels; i++)
		json_array_append_new(m, json_pack("{s:s,s:I}",
			"name", ps->models[i].name,
			"records", (json_int_t)ps->models[i].n));
	return m;
}

/* Sample locations; with_file for the component's (several files). */
static json_t *samples_json(const struct prov_stats *ps, int with_file)
{
	json_t *a = json_array();

	for (size_t k = 0; k < ps->nsamples; k++) {
		const struct sample *s = &ps->samples[k];
		json_t *o = json_pack("{s:I,s:I,s:I}",
			"record", (json_int_t)s->record,
			"line", (json_int_t)s->line,
			"offset", (json_int_t)s->offset);

		if (with_file && s->file)
			json_object_set_new(o, "file", json_string(s->file));
		json_array_append_new(a, o);
	}
	return a;
}

static double stats_confidence(const struct prov_stats *ps, uint64_t cards)
{
	if (ps->meta && ps->self)
		return 0.95;
	if (ps->meta)
		return 0.9;
	if (ps->self)
		return ps->self >= 3 ? 0.7 : 0.5;
	if (ps->tmpl)
		return ps->tmpl >= 3 ? 0.4 : 0.3;
	return cards ? 0.6 : 0.3;
}

static double share_of(uint64_t n, uint64_t total)
{
	return total ? (double)n / (double)total : 0.0;
}

static int emit_props(const pdg_host_api *api, pdg_emitter *out,
                      const pdg_artifact *a, pdg_finding_desc *d, json_t *o)
{
	char *props = json_dumps(o, JSON_COMPACT);
	int rc;

	json_decref(o);
	d->properties = props;
	rc = api->emit(out, a, d);
	free(props);
	return rc;
}

static int emit_provider(struct shard *sh, size_t i)
{
	const struct origin_provider *p = &origin_providers[i];
	const struct prov_stats *ps = &sh->ps[i];
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	uint64_t total = sh->split.records;
	double share = share_of(ps->records, total);
	const char *model = model_top(ps);
	const char *codec = origin_input_codec(sh->in);
	json_t *o;
	char msg[256];

	o = json_pack("{s:s,s:s,s:s,s:s?,s:o,s:I,s:f,s:I,s:I,s:I,s:I,s:o,"
	              "s:o,s:o,s:s,s:I}",
		"provider", p->key, "organisation", p->organisation,
		"family", p->family, "model", model,
		"models", models_json(ps),
		"records", (json_int_t)ps->records, "share", share,
		"records_total", (json_int_t)total,
		"records_self_identification", (json_int_t)ps->self,
		"records_metadata", (json_int_t)ps->meta,
		"records_template", (json_int_t)ps->tmpl,
		"terms", terms_json(p), "evidence", evidence_json(ps, 0),
		"samples", samples_json(ps, 0),
		"format", origin_format_name(sh->format),
		"records_unparsed", (json_int_t)sh->unparsed);
	if (codec)
		json_object_set_new(o, "compression", json_string(codec));
	snprintf(msg, sizeof(msg),
	         "%llu of %llu records (%.1f%%) look generated by %s (%s)%s%s",
	         (unsigned long long)ps->records, (unsigned long long)total,
	         share * 100.0, p->organisation, p->family,
	         model ? ", model " : "", model ? model : "");
	d.kind = PDG_FINDING_DATASET_ORIGIN;
	d.severity = PDG_SEVERITY_WARNING;
	d.confidence = stats_confidence(ps, 0);
	d.rule = "dataset.generated-by";
	d.message = msg;
	d.subject = p->key;
	if (ps->nsamples) {
		d.line_start = ps->samples[0].line > UINT32_MAX
		               ? 0 : (uint32_t)ps->samples[0].line;
		d.byte_offset = (int64_t)ps->samples[0].offset;
	}
	return emit_props(sh->st->api, sh->out, sh->a, &d, o);
}

static int emit_input(struct origin_state *st, pdg_emitter *out,
                      const pdg_artifact *a, pdg_severity sev,
                      const char *rule, const char *msg, uint64_t line,
                      int64_t offset, json_t *props)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;

	d.kind = PDG_FINDING_INPUT;
	d.severity = sev;
	d.rule = rule;
	d.message = msg;
	d.line_start = line > UINT32_MAX ? 0 : (uint32_t)line;
	d.byte_offset = offset;
	return emit_props(st->api, out, a, &d, props);
}

static int emit_shard_problems(struct shard *sh)
{
	char msg[400];
	int rc = 0;

	if (sh->long_records) {
		snprintf(msg, sizeof(msg), "%llu record%s longer than %zu MiB:"
		         " scanned in full as a stream, but metadata values "
		         "and turns were not read",
		         (unsigned long long)sh->long_records,
		         sh->long_records == 1 ? "" : "s", ORIGIN_CHUNK >> 20);
		rc = emit_input(sh->st, sh->out, sh->a, PDG_SEVERITY_WARNING,
		                "dataset.line-too-long", msg, sh->long_line,
		                (int64_t)sh->long_offset,
		                json_pack("{s:I,s:I}", "lines",
		                          (json_int_t)sh->long_records, "limit",
		                          (json_int_t)ORIGIN_CHUNK));
	}
	if (rc >= 0 && (sh->read_failed || sh->scan_error)) {
		snprintf(msg, sizeof(msg), "reading stopped after %llu bytes "
		         "and %llu records (counts are of those): %s",
		         (unsigned long long)sh->read_offset,
		         (unsigned long long)sh->split.records,
		         sh->read_failed ? sh->read_error
		                         : "the pattern scan failed");
		rc = emit_input(sh->st, sh->out, sh->a, PDG_SEVERITY_WARNING,
		                "dataset.read-error", msg, 0,
		                (int64_t)sh->read_offset,
		                json_pack("{s:I,s:I}", "offset",
		                          (json_int_t)sh->read_offset,
		                          "records", (json_int_t)sh->split.records));
	}
	return rc;
}

/* --- aggregation for finish() -------------------------------------------- */

static struct agg *agg_for(struct origin_state *st, const char *component)
{
	const char *c = component ? component : "";

	for (size_t i = 0; i < st->naggs; i++)
		if (strcmp(st->aggs[i].component, c) == 0)
			return &st->aggs[i];
	if (st->naggs == ORIGIN_AGG_MAX)
		return NULL;
	st->aggs[st->naggs].component = pdg_xstrdup(c);
	return &st->aggs[st->naggs++];
}

/* A path the component's samples may point at, owned by the component. */
static const char *agg_file(struct agg *g, const char *path)
{
	if (g->nfiles && strcmp(g->files[g->nfiles - 1], path) == 0)
		return g->files[g->nfiles - 1];
	g->files = pdg_xrealloc(g->files, (g->nfiles + 1) * sizeof(char *));
	g->files[g->nfiles] = pdg_xstrdup(path);
	return g->files[g->nfiles++];
}

static void agg_provider(struct origin_state *st, struct agg *g, size_t i,
                         const struct prov_stats *from, const char *path)
{
	struct prov_stats *to = &g->ps[i];

	to->records += from->records;
	to->self += from->self;
	to->meta += from->meta;
	to->tmpl += from->tmpl;
	for (size_t k = 0; k < from->nmodels; k++)
		model_count_add(to, from->models[k].name, from->models[k].n);
	for (size_t k = 0; k < from->nsamples; k++) {
		struct sample smp = from->samples[k];

		smp.file = path;
		sample_add(to, st->max_samples, &smp);
	}
	if (!g->first_path[i] || (from->meta && !g->path_meta[i])) {
		g->first_path[i] = path;
		g->path_meta[i] = from->meta != 0;
	}
}

static void agg_shard(struct shard *sh, struct agg *g)
{
	const char *path = NULL;

	g->shards++;
	g->records += sh->split.records;
	g->bytes += sh->bytes;
	g->long_records += sh->long_records;
	g->unparsed += sh->unparsed;
	g->user_only += sh->user_only;
	g->formats[sh->format]++;
	g->compressed += origin_input_codec(sh->in) != NULL;
	for (size_t i = 0; i < origin_provider_count; i++) {
		if (!sh->ps[i].records)
			continue;
		if (!path)
			path = agg_file(g, sh->path);
		agg_provider(sh->st, g, i, &sh->ps[i], path);
		g->files_with[i]++;
	}
}

/* --- shards -------------------------------------------------------------- */

/* How records are delimited, from the name without a compression
 * suffix; returns the field separator of CSV and TSV. */
static char splitter_for(rec_splitter *s, const char *path)
{
	char sep = ',';

	static const char *const codecs[] = { ".gz", ".zst", ".zstd", ".xz",
	                                      ".bz2", ".lz4", NULL };
	size_t n = strlen(path);
	char *name = pdg_xstrdup(path);

	for (size_t i = 0; codecs[i]; i++) {
		size_t m = strlen(codecs[i]);

		if (n > m && pdg_ends_with_ci(name, codecs[i])) {
			name[n - m] = '\0';
			break;
		}
	}
	if (pdg_ends_with_ci(name, ".json"))
		rec_splitter_init(s, REC_JSON, 0);
	else if (pdg_ends_with_ci(name, ".csv"))
		rec_splitter_init(s, REC_CSV, 1);
	else if (pdg_ends_with_ci(name, ".tsv")) {
		rec_splitter_init(s, REC_LINES, 1);
		sep = '\t';
	} else {
		rec_splitter_init(s, REC_LINES, 0);
	}
	free(name);
	return sep;
}

/* Parquet and Arrow: columnar, usually compressed pages.  Not read. */
static int columnar(const pdg_host_api *api, const pdg_artifact *a)
{
	const char *path = api->artifact_path(a);
	const uint8_t *d = NULL;
	size_t n = 0;

	if (pdg_ends_with_ci(path, ".parquet") ||
	    pdg_ends_with_ci(path, ".arrow"))
		return 1;
	if (api->artifact_head(a, 8, &d, &n) < 0)
		return 0;
	return (n >= 4 && memcmp(d, "PAR1", 4) == 0) ||
	       (n >= 6 && memcmp(d, "ARROW1", 6) == 0);
}

static int scan_shard(struct origin_state *st, const pdg_artifact *a,
                      pdg_emitter *out)
{
	const pdg_host_api *api = st->api;
	struct shard *sh;
	struct agg *g = agg_for(st, api->artifact_component(a));
	char msg[400];
	int rc = 0;

	if (columnar(api, a)) {
		snprintf(msg, sizeof(msg), "%s: Parquet/Arrow shard not "
		         "scanned (columnar pages; pedigree has no reader for "
		         "them yet)", api->artifact_path(a));
		return emit_input(st, out, a, PDG_SEVERITY_INFO,
		                  "dataset.not-scanned", msg, 0, -1,
		                  json_pack("{s:s}", "format", "columnar"));
	}
	sh = pdg_xcalloc(1, sizeof(*sh));
	sh->st = st;
	sh->a = a;
	sh->out = out;
	if (origin_input_open(&sh->in, api, a) < 0) {
		snprintf(msg, sizeof(msg), "not read: %s", pdg_error_last());
		free(sh);
		return emit_input(st, out, a, PDG_SEVERITY_WARNING,
		                  "dataset.read-error", msg, 0, 0,
		                  json_pack("{s:I,s:I}", "offset",
		                            (json_int_t)0, "records",
		                            (json_int_t)0));
	}
	sh->path = api->artifact_path(a);
	sh->model_col = -1;
	sh->sep = splitter_for(&sh->split, api->artifact_path(a));
	scan_records(sh);
	rc = emit_shard_problems(sh);
	for (size_t i = 0; rc >= 0 && i < origin_provider_count; i++)
		if (sh->ps[i].records)
			rc = emit_provider(sh, i);
	if (g)
		agg_shard(sh, g);
	for (size_t i = 0; i < origin_provider_count; i++)
		stats_clear(&sh->ps[i]);
	origin_input_free(sh->in);
	free(sh);
	return rc < 0 ? rc : 0;
}

/* --- dataset cards ------------------------------------------------------- */

static int list_has_ci(const struct card_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->items[i], s) == 0)
			return 1;
	return 0;
}

static json_t *list_json(const struct card_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->items[i]));
	return a;
}

/* A tag or dataset name that names a model ("gpt-4", "Llama-3-70B"):
 * a known prefix and a version digit, so that a bare "llama" tag (data
 * for Llama, not from it) does not count. */
static int card_model(const char *s)
{
	return strpbrk(s, "0123456789") != NULL
	       ? origin_model_provider(s, strlen(s)) : -1;
}

static int emit_card(struct origin_state *st, const pdg_artifact *a,
                     pdg_emitter *out, const struct origin_card *c,
                     int machine, int prov, const char *model)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	const struct origin_provider *p = prov >= 0 ? &origin_providers[prov]
	                                            : NULL;
	const struct card_list *lic = &c->key[CARD_LICENSE];
	json_t *o;
	char msg[400];

	o = json_pack("{s:s?,s:b,s:o,s:o,s:o,s:o}",
		"license", lic->n ? lic->items[0] : NULL,
		"machine_generated", machine,
		"annotations_creators", list_json(&c->key[CARD_ANNOTATIONS]),
		"language_creators",
		list_json(&c->key[CARD_LANGUAGE_CREATORS]),
		"source_datasets", list_json(&c->key[CARD_SOURCE_DATASETS]),
		"tags", list_json(&c->key[CARD_TAGS]));
	if (p) {
		json_object_set_new(o, "provider", json_string(p->key));
		json_object_set_new(o, "organisation",
		                    json_string(p->organisation));
		json_object_set_new(o, "model", json_string(model));
		json_object_set_new(o, "terms", terms_json(p));
	}
	snprintf(msg, sizeof(msg), "dataset card%s%s%s%s%s%s",
	         machine ? ": records are machine-generated" : "",
	         p ? (machine ? "; it names " : ": it names ") : "",
	         p ? model : "", p ? " (" : "", p ? p->organisation : "",
	         p ? ")" : "");
	d.kind = PDG_FINDING_DATASET_ORIGIN;
	d.severity = p ? PDG_SEVERITY_WARNING : PDG_SEVERITY_INFO;
	d.confidence = p ? 0.6 : 0.8;
	d.rule = "dataset.card-origin";
	d.message = msg;
	d.subject = p ? p->key : NULL;
	return emit_props(st->api, out, a, &d, o);
}

static int scan_card(struct origin_state *st, const pdg_artifact *a,
                     pdg_emitter *out)
{
	static const enum card_key named[] = { CARD_TAGS, CARD_SOURCE_DATASETS,
	                                       CARD_PRETTY_NAME };
	const char *model[NPROV] = { NULL };
	struct agg *g = agg_for(st, st->api->artifact_component(a));
	struct origin_card c;
	const uint8_t *d = NULL;
	size_t n = 0;
	uint32_t provs = 0;
	int machine, rc = 0;

	if (st->api->artifact_head(a, ORIGIN_CARD_MAX, &d, &n) < 0)
		return 0;       /* the model-card plugin says why */
	(void)origin_card_parse(&c, (const char *)d, n);
	if (!c.dataset) {
		origin_card_clear(&c);
		return 0;
	}
	machine = list_has_ci(&c.key[CARD_ANNOTATIONS], "machine-generated")
	          || list_has_ci(&c.key[CARD_LANGUAGE_CREATORS],
	                         "machine-generated");
	for (size_t k = 0; k < sizeof(named) / sizeof(*named); k++) {
		const struct card_list *l = &c.key[named[k]];

		for (size_t i = 0; i < l->n; i++) {
			int p = card_model(l->items[i]);

			if (p >= 0 && !(provs & (1u << p))) {
				provs |= 1u << p;
				model[p] = l->items[i];
			}
		}
	}
	if (!provs && machine)
		rc = emit_card(st, a, out, &c, machine, -1, NULL);
	for (size_t i = 0; rc >= 0 && i < origin_provider_count; i++) {
		if (!(provs & (1u << i)))
			continue;
		rc = emit_card(st, a, out, &c, machine, (int)i, model[i]);
		if (g) {
			const char *path = agg_file(g,
				st->api->artifact_path(a));

			g->cards[i]++;
			model_count_add(&g->ps[i], model[i], 0);
			if (!g->first_path[i])
				g->first_path[i] = path;
		}
	}
	origin_card_clear(&c);
	return rc < 0 ? rc : 0;
}

/* --- finish -------------------------------------------------------------- */

static int emit_lineage(struct origin_state *st, pdg_emitter *out,
                        const struct agg *g, size_t i)
{
	const struct origin_provider *p = &origin_providers[i];
	const struct prov_stats *ps = &g->ps[i];
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	const char *model = model_top(ps);
	double share = share_of(ps->records, g->records);
	json_t *o;
	char msg[300];

	o = json_pack("{s:s,s:s,s:s,s:s?,s:o,s:s,s:I,s:f,s:I,s:I,s:I,s:o,"
	              "s:o,s:o}",
		"provider", p->key, "organisation", p->organisation,
		"family", p->family, "model", model,
		"models", models_json(ps), "relation", "trained-on-outputs",
		"records", (json_int_t)ps->records, "share", share,
		"records_total", (json_int_t)g->records,
		"files", (json_int_t)g->files_with[i],
		"cards", (json_int_t)g->cards[i],
		"terms", terms_json(p),
		"evidence", evidence_json(ps, g->cards[i]),
		"samples", samples_json(ps, 1));
	if (ps->records)
		snprintf(msg, sizeof(msg), "trained on outputs of %s%s%s: "
		         "%llu generated record%s in %llu dataset file%s",
		         model ? model : p->organisation, model ? "" : " ",
		         model ? "" : p->family,
		         (unsigned long long)ps->records,
		         ps->records == 1 ? "" : "s",
		         (unsigned long long)g->files_with[i],
		         g->files_with[i] == 1 ? "" : "s");
	else
		snprintf(msg, sizeof(msg), "trained on outputs of %s%s%s: "
		         "named by %llu dataset card%s",
		         model ? model : p->organisation, model ? "" : " ",
		         model ? "" : p->family,
		         (unsigned long long)g->cards[i],
		         g->cards[i] == 1 ? "" : "s");
	d.kind = PDG_FINDING_LINEAGE;
	d.severity = PDG_SEVERITY_INFO;
	d.confidence = stats_confidence(ps, g->cards[i]);
	d.rule = "dataset.trained-on-outputs";
	d.message = msg;
	d.subject = model ? model : p->key;
	d.component = g->component[0] ? g->component : NULL;
	d.path = g->first_path[i];
	return emit_props(st->api, out, NULL, &d, o);
}

static int emit_scanned(struct origin_state *st, pdg_emitter *out,
                        const struct agg *g)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	json_t *formats = json_object();
	json_t *o;
	char msg[200];

	for (int f = 0; f < FMT_COUNT_; f++)
		if (g->formats[f])
			json_object_set_new(formats, origin_format_name(f),
			                    json_integer((json_int_t)
			                                 g->formats[f]));
	o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
		"files", (json_int_t)g->shards,
		"records", (json_int_t)g->records,
		"bytes", (json_int_t)g->bytes,
		"compressed_files", (json_int_t)g->compressed,
		"long_records", (json_int_t)g->long_records,
		"records_unparsed", (json_int_t)g->unparsed,
		"records_user_turn_only", (json_int_t)g->user_only,
		"formats", formats);
	snprintf(msg, sizeof(msg), "read %llu records in %llu dataset "
	         "file%s (%llu bytes)", (unsigned long long)g->records,
	         (unsigned long long)g->shards, g->shards == 1 ? "" : "s",
	         (unsigned long long)g->bytes);
	d.kind = PDG_FINDING_METADATA;
	d.severity = PDG_SEVERITY_INFO;
	d.rule = "dataset.scanned";
	d.message = msg;
	d.component = g->component[0] ? g->component : NULL;
	return emit_props(st->api, out, NULL, &d, o);
}

static int origin_finish(void *state, pdg_emitter *out)
{
	struct origin_state *st = state;

	for (size_t k = 0; k < st->naggs; k++) {
		const struct agg *g = &st->aggs[k];
		int rc = 0;

		for (size_t i = 0; rc >= 0 && i < origin_provider_count; i++)
			if (g->ps[i].records || g->cards[i])
				rc = emit_lineage(st, out, g, i);
		if (rc >= 0 && g->shards)
			rc = emit_scanned(st, out, g);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- plugin -------------------------------------------------------------- */

static int origin_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	struct origin_state *st = state;

	if (st->api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	if (st->api->artifact_kind(a) == PDG_KIND_MODEL_CARD)
		return scan_card(st, a, out);
	return scan_shard(st, a, out);
}

static void origin_free(void *state)
{
	struct origin_state *st = state;

	if (!st)
		return;
	origin_pool_free(st->pool);
	for (size_t i = 0; i < st->nring; i++)
		origin_chunk_free(&st->ring[i]);
	free(st->ring);
	for (size_t k = 0; k < st->naggs; k++) {
		struct agg *g = &st->aggs[k];

		for (size_t i = 0; i < NPROV; i++)
			stats_clear(&g->ps[i]);
		for (size_t i = 0; i < g->nfiles; i++)
			free(g->files[i]);
		free(g->files);
		free(g->component);
	}
	free(st->self.hits);
	free(st->self.norm);
	pdg_buf_free(&st->self.said[0]);
	pdg_buf_free(&st->self.said[1]);
	hs_free_scratch(st->scratch);
	origin_db_free(&st->db);
	if (st->has_table)
		origin_providers_unload();
	free(st);
}

static size_t samples_wanted(void)
{
	const char *e = getenv("PEDIGREE_DATASET_SAMPLES");
	long long n;

	if (!e || !*e)
		return ORIGIN_SAMPLES_DEFAULT;
	n = strtoll(e, NULL, 10);
	if (n < 0)
		return ORIGIN_SAMPLES_DEFAULT;
	return n > ORIGIN_SAMPLES_MAX ? ORIGIN_SAMPLES_MAX : (size_t)n;
}

static int origin_init(const pdg_host_api *api, void **state)
{
	struct origin_state *st;
	int rc;

	rc = origin_providers_load();
	if (rc < 0)
		return rc;
	/* Provider sets are 32-bit masks. */
	if (origin_provider_count > NPROV) {
		origin_providers_unload();
		return pdg_error_set(PDG_ERROR, "dataset-origin: the knowledge "
		                     "base names more than %d providers",
		                     NPROV);
	}
	st = pdg_xcalloc(1, sizeof(*st));
	st->has_table = 1;
	st->api = api;
	st->threads = threads_wanted();
	st->max_samples = samples_wanted();
	rc = origin_db_compile(&st->db);
	if (rc == 0 &&
	    (hs_alloc_scratch(st->db.find.db, &st->scratch) != HS_SUCCESS ||
	     hs_alloc_scratch(st->db.phrase.db, &st->scratch) != HS_SUCCESS))
		rc = pdg_error_set(PDG_ENOMEM, "dataset-origin: no scratch");
	if (rc < 0) {
		origin_free(st);
		return rc;
	}
	st->self.scratch = st->scratch;
	*state = st;
	return 0;
}

static const pdg_plugin origin_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "dataset-origin",
	.version = "0.2.0",
	.description = "training records generated by other models "
	               "(self-identification, refusal templates, metadata "
	               "fields, dataset cards)",
	.kinds = PDG_KIND_BIT(PDG_KIND_DATASET) |
	         PDG_KIND_BIT(PDG_KIND_MODEL_CARD),
	/* scan() is called one artifact at a time; it runs its own threads
	 * inside (pool.c). */
	.flags = 0,
	.init = origin_init,
	.scan = origin_scan,
	.finish = origin_finish,
	.free = origin_free,
};

PDG_PLUGIN_DEFINE(origin_plugin)
