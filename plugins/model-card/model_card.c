/*
 * model_card.c - the facts a model card's YAML front matter declares:
 * licence, base models and their relation, training datasets.
 *
 * The front matter is untrusted YAML.  It is read with libyaml's event
 * parser, never composed into a document: anchors and aliases are refused
 * outright (an alias bomb then costs nothing), nesting and the number of
 * events are bounded, and only the few keys below are kept.
 *
 * Only README.md at the source root describes the audited model.  Cards
 * anywhere else (a sub-folder, an archive of training data) are dataset
 * cards: their licence is reported as the dataset's, nothing more.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include <pedigree/plugin.h>

#include "kb/kb.h"
#include "util.h"

/* Limits (docs/limits.md); front matter that needs more is not a model
 * card's. */
enum { CARD_LIM_READ, CARD_LIM_DEPTH, CARD_LIM_EVENTS, CARD_LIM_COUNT };

static const pdg_limit_desc card_limits[] = {
	[CARD_LIM_READ] = { "model-card.max-read", (uint64_t)1 << 20,
		"bytes of a model card read" },
	[CARD_LIM_DEPTH] = { "model-card.max-depth", 32,
		"nesting of the YAML front matter" },
	[CARD_LIM_EVENTS] = { "model-card.max-events", 200000,
		"YAML events (scalars, collection starts and ends) in the "
		"front matter" },
	[CARD_LIM_COUNT] = { NULL, 0, NULL },
};
/* Items kept per list: more base models or datasets than this is noise. */
#define CARD_MAX_ITEMS 256
/* Longest tag quoted back in a message. */
#define CARD_MAX_QUOTE 120

struct card_state {
	const pdg_host_api *api;
	pdg_kb *kb;
};

/* A top-level key we keep: a scalar or a list of scalars. */
struct card_field {
	const char *key;
	char **items;
	size_t n;
	uint32_t line;   /* of the key in the file; 0: absent */
};

enum {
	F_LICENSE, F_LICENSE_NAME, F_LICENSE_LINK, F_BASE_MODEL,
	F_BASE_MODEL_RELATION, F_DATASETS, F_TAGS, F_PIPELINE_TAG,
	F_LIBRARY_NAME, F_PRETTY_NAME, F_COUNT
};

static const char *const field_keys[F_COUNT] = {
	"license", "license_name", "license_link", "base_model",
	"base_model_relation", "datasets", "tags", "pipeline_tag",
	"library_name", "pretty_name",
};

struct card {
	struct card_field f[F_COUNT];
	uint32_t line0;       /* file line of the first front-matter line */
	/* Parse failure: a message and the file line it points at. */
	char error[160];
	uint32_t error_line;
	uint64_t max_depth, max_events;  /* limits in force */
};

/* --- the card --------------------------------------------------------- */

static void field_clear(struct card_field *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i]);
	free(f->items);
	f->items = NULL;
	f->n = 0;
	f->line = 0;
}

static void card_clear(struct card *c)
{
	for (size_t i = 0; i < F_COUNT; i++)
		field_clear(&c->f[i]);
}

static void field_add(struct card_field *f, const char *s, size_t len)
{
	if (f->n >= CARD_MAX_ITEMS || len == 0)
		return;
	f->items = pdg_xrealloc(f->items, (f->n + 1) * sizeof(*f->items));
	f->items[f->n++] = pdg_xstrndup(s, len);
}

static const char *field_first(const struct card *c, int k)
{
	return c->f[k].n ? c->f[k].items[0] : NULL;
}

static int field_index(const char *key)
{
	for (int i = 0; i < F_COUNT; i++)
		if (strcmp(key, field_keys[i]) == 0)
			return i;
	return -1;
}

/* --- front matter ------------------------------------------------------ */

/* Length of the line at s[pos] without its end of line; *next: the line
 * after. */
static size_t line_at(const char *s, size_t len, size_t pos, size_t *next)
{
	const char *nl = memchr(s + pos, '\n', len - pos);
	size_t n = nl ? (size_t)(nl - (s + pos)) : len - pos;

	*next = pos + n + (nl ? 1 : 0);
	if (n > 0 && s[pos + n - 1] == '\r')
		n--;
	return n;
}

static int is_marker(const char *line, size_t n)
{
	while (n > 3 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(line, "---", 3) == 0;
}

/*
 * Locate the front matter: *yaml, *ylen, and *closed (0 when the first
 * line is "---" but no closing line follows).  Returns 0 when the file
 * does not start with "---".
 */
static int front_matter(const char *s, size_t len, const char **yaml,
                        size_t *ylen, int *closed)
{
	size_t pos = 0, next, n;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;	/* a UTF-8 byte order mark */
	n = line_at(s, len, pos, &next);
	if (!is_marker(s + pos, n))
		return 0;
	*yaml = s + next;
	*closed = 0;
	for (pos = next; pos < len; pos = next) {
		n = line_at(s, len, pos, &next);
		if (is_marker(s + pos, n)) {
			*ylen = pos - (size_t)(*yaml - s);
			*closed = 1;
			return 1;
		}
	}
	*ylen = len - (size_t)(*yaml - s);
	return 1;
}

/* --- YAML events -------------------------------------------------------- */

struct reader {
	yaml_parser_t parser;
	struct card *card;
	unsigned long events;
};

static int fail(struct reader *r, uint32_t line, const char *msg)
{
	snprintf(r->card->error, sizeof(r->card->error), "%s", msg);
	r->card->error_line = r->card->line0 + line;
	return -1;
}

/* Next event, with the limits applied.  0 or -1 (card->error set). */
static int next_event(struct reader *r, yaml_event_t *ev)
{
	const yaml_char_t *anchor = NULL;
	uint32_t line;

	if (!yaml_parser_parse(&r->parser, ev)) {
		const char *p = r->parser.problem ? r->parser.problem
		                                  : "malformed YAML";
		char msg[140];

		snprintf(msg, sizeof(msg), "invalid YAML: %s", p);
		return fail(r, (uint32_t)r->parser.problem_mark.line, msg);
	}
	line = (uint32_t)ev->start_mark.line;
	if (++r->events > r->card->max_events) {
		yaml_event_delete(ev);
		return fail(r, line, "front matter too large");
	}
	if (ev->type == YAML_SCALAR_EVENT)
		anchor = ev->data.scalar.anchor;
	else if (ev->type == YAML_SEQUENCE_START_EVENT)
		anchor = ev->data.sequence_start.anchor;
	else if (ev->type == YAML_MAPPING_START_EVENT)
		anchor = ev->data.mapping_start.anchor;
	if (ev->type == YAML_ALIAS_EVENT || anchor) {
		yaml_event_delete(ev);
		return fail(r, line, "YAML anchors and aliases are not "
		            "accepted in front matter");
	}
	return 0;
}

static int starts_node(const yaml_event_t *ev)
{
	return ev->type == YAML_SEQUENCE_START_EVENT ||
	       ev->type == YAML_MAPPING_START_EVENT;
}

static int ends_node(const yaml_event_t *ev)
{
	return ev->type == YAML_SEQUENCE_END_EVENT ||
	       ev->type == YAML_MAPPING_END_EVENT;
}

/* Skip the rest of a collection whose start event was just read at
 * `depth`. */
static int skip_collection(struct reader *r, int depth)
{
	int level = 1;
	yaml_event_t ev;

	while (level > 0) {
		if (next_event(r, &ev) < 0)
			return -1;
		if (starts_node(&ev))
			level++;
		else if (ends_node(&ev))
			level--;
		if ((uint64_t)(depth + level) > r->card->max_depth) {
			uint32_t line = (uint32_t)ev.start_mark.line;

			yaml_event_delete(&ev);
			return fail(r, line, "front matter nested too deeply");
		}
		yaml_event_delete(&ev);
	}
	return 0;
}

/* YAML's null: a plain "", "~" or "null" is no value at all. */
static int is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static void keep_scalar(struct card_field *f, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	/* A "\0" escape would cut the string short: keep what precedes. */
	const char *nul = memchr(v, '\0', ev->data.scalar.length);
	size_t n = nul ? (size_t)(nul - v) : ev->data.scalar.length;

	if (f && !is_null(ev))
		field_add(f, v, n);
}

/* The items of a top-level list: scalars kept, anything else skipped. */
static int read_list(struct reader *r, struct card_field *f)
{
	yaml_event_t ev;

	for (;;) {
		if (next_event(r, &ev) < 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type == YAML_SCALAR_EVENT) {
			keep_scalar(f, &ev);
		} else if (starts_node(&ev)) {
			yaml_event_delete(&ev);
			if (skip_collection(r, 2) < 0)
				return -1;
			continue;
		}
		yaml_event_delete(&ev);
	}
}

/* One top-level value; f is NULL for keys we do not keep. */
static int read_value(struct reader *r, struct card_field *f)
{
	yaml_event_t ev;
	int rc = 0;

	if (next_event(r, &ev) < 0)
		return -1;
	if (ev.type == YAML_SCALAR_EVENT)
		keep_scalar(f, &ev);
	else if (ev.type == YAML_SEQUENCE_START_EVENT && f)
		rc = read_list(r, f);
	else if (starts_node(&ev))
		rc = skip_collection(r, 1);
	yaml_event_delete(&ev);
	return rc;
}

/* The pairs of the root mapping, up to its end. */
static int read_mapping(struct reader *r)
{
	yaml_event_t ev;

	for (;;) {
		struct card_field *f = NULL;
		int k;

		if (next_event(r, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			/* A complex key: skip it; its value follows. */
			int rc = starts_node(&ev) ? skip_collection(r, 1) : 0;

			yaml_event_delete(&ev);
			if (rc < 0 || read_value(r, NULL) < 0)
				return -1;
			continue;
		}
		k = field_index((const char *)ev.data.scalar.value);
		if (k >= 0) {
			f = &r->card->f[k];
			field_clear(f);	/* a repeated key: the last wins */
			f->line = r->card->line0 +
			          (uint32_t)ev.start_mark.line;
		}
		yaml_event_delete(&ev);
		if (read_value(r, f) < 0)
			return -1;
	}
}

/* Stream start, document start, then the root, which must be a mapping
 * (an empty front matter is fine).  Further documents are ignored. */
static int read_card(struct reader *r)
{
	yaml_event_t ev;

	for (;;) {
		if (next_event(r, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_START_EVENT) {
			yaml_event_delete(&ev);
			return read_mapping(r);
		}
		if (ev.type == YAML_STREAM_END_EVENT ||
		    ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type == YAML_SCALAR_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT) {
			uint32_t line = (uint32_t)ev.start_mark.line;

			yaml_event_delete(&ev);
			return fail(r, line, "front matter is not a mapping "
			            "of keys to values");
		}
		yaml_event_delete(&ev);
	}
}

static int card_parse(struct card *c, const char *yaml, size_t len)
{
	struct reader r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.card = c;
	if (!yaml_parser_initialize(&r.parser)) {
		snprintf(c->error, sizeof(c->error), "out of memory");
		c->error_line = c->line0;
		return -1;
	}
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)yaml,
	                             len);
	yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
	rc = read_card(&r);
	yaml_parser_delete(&r.parser);
	return rc;
}

/* --- findings ----------------------------------------------------------- */

struct scan_ctx {
	struct card_state *st;
	const pdg_artifact *a;
	pdg_emitter *out;
	struct card card;
	int root;       /* the card of the audited model */
};

/* json_string() refuses invalid UTF-8; fall back to null. */
static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;

	return j ? j : json_null();
}

static int emit_json(struct scan_ctx *x, pdg_finding_desc *d, json_t *props)
{
	char *text = props ? json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS)
	                   : NULL;
	int rc;

	d->properties = text;
	rc = x->st->api->emit(x->out, x->a, d);
	free(text);
	json_decref(props);
	return rc;
}

static void quote(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%.*s", CARD_MAX_QUOTE, s);
}

static int emit_license(struct scan_ctx *x, const char *tag)
{
	const struct card *c = &x->card;
	const char *name = field_first(c, F_LICENSE_NAME);
	const pdg_kb_entry *e = pdg_kb_find_hf(x->st->kb, tag, name);
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	json_t *props = json_object();
	char q[CARD_MAX_QUOTE + 1], msg[CARD_MAX_QUOTE * 2 + 96];

	quote(q, sizeof(q), name && strcmp(tag, "other") == 0 ? name : tag);
	d.kind = PDG_FINDING_LICENSE;
	d.line_start = c->f[F_LICENSE].line;
	if (e) {
		if (e->kind == PDG_KB_API_TERMS || e->kind == PDG_KB_USE_POLICY)
			d.kind = PDG_FINDING_TERMS;
		d.subject = e->id;
		snprintf(msg, sizeof(msg), "%s card declares %s (\"%s\")",
		         x->root ? "model" : "dataset", e->id, q);
	} else {
		d.severity = PDG_SEVERITY_WARNING;
		d.subject = "LicenseRef-unknown";
		snprintf(msg, sizeof(msg), "%s card declares a licence that "
		         "the knowledge base does not know (\"%s\")",
		         x->root ? "model" : "dataset", q);
	}
	d.rule = !x->root ? "card.dataset-license"
	         : e ? "card.license" : "card.license-unknown";
	d.message = msg;
	json_object_set_new(props, "tag", jstr(tag));
	json_object_set_new(props, "license_name", jstr(name));
	json_object_set_new(props, "license_link",
	                    jstr(field_first(c, F_LICENSE_LINK)));
	json_object_set_new(props, "known", json_boolean(e != NULL));
	/* A model card's licence is the model's; a dataset card's is the
	 * data's (docs/report.md, "scope"). */
	json_object_set_new(props, "scope",
	                    json_string(x->root ? "model" : "data"));
	if (!x->root)
		json_object_set_new(props, "card_of", json_string("dataset"));
	return emit_json(x, &d, props);
}

static int emit_no_license(struct scan_ctx *x)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	json_t *props = json_object();

	d.kind = PDG_FINDING_LICENSE;
	d.severity = PDG_SEVERITY_WARNING;
	d.rule = "card.no-license";
	d.message = x->root ? "the model card declares no licence"
	                    : "the dataset card declares no licence";
	d.line_start = x->card.line0 - 1;	/* the opening "---" */
	json_object_set_new(props, "card_of",
	                    json_string(x->root ? "model" : "dataset"));
	return emit_json(x, &d, props);
}

/* Relations the Hub defines; anything else is passed on as declared. */
static const char *known_relation(const char *rel)
{
	static const char *const known[] = {
		"finetune", "adapter", "quantized", "merge",
	};

	for (size_t i = 0; rel && i < sizeof(known) / sizeof(*known); i++)
		if (strcmp(rel, known[i]) == 0)
			return known[i];
	return NULL;
}

static int emit_base_models(struct scan_ctx *x)
{
	const struct card_field *f = &x->card.f[F_BASE_MODEL];
	const char *declared = field_first(&x->card, F_BASE_MODEL_RELATION);
	const char *rel = known_relation(declared);

	for (size_t i = 0; i < f->n; i++) {
		pdg_finding_desc d = PDG_FINDING_DESC_INIT;
		json_t *props = json_object();
		char q[CARD_MAX_QUOTE + 1], msg[CARD_MAX_QUOTE + 64];
		int rc;

		quote(q, sizeof(q), f->items[i]);
		snprintf(msg, sizeof(msg), "base model %s%s%s%s", q,
		         rel ? " (" : "", rel ? rel : "", rel ? ")" : "");
		d.kind = PDG_FINDING_LINEAGE;
		d.rule = "card.base-model";
		d.message = msg;
		d.subject = f->items[i];
		d.line_start = f->line;
		json_object_set_new(props, "relation", jstr(rel));
		json_object_set_new(props, "declared_in",
		                    json_string("model-card"));
		if (declared && !rel)
			json_object_set_new(props, "relation_declared",
			                    jstr(declared));
		rc = emit_json(x, &d, props);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int emit_datasets(struct scan_ctx *x)
{
	const struct card_field *f = &x->card.f[F_DATASETS];

	for (size_t i = 0; i < f->n; i++) {
		pdg_finding_desc d = PDG_FINDING_DESC_INIT;
		json_t *props = json_object();
		char q[CARD_MAX_QUOTE + 1], msg[CARD_MAX_QUOTE + 64];
		int rc;

		quote(q, sizeof(q), f->items[i]);
		snprintf(msg, sizeof(msg), "trained on dataset %s", q);
		d.kind = PDG_FINDING_LINEAGE;
		d.rule = "card.dataset";
		d.message = msg;
		d.subject = f->items[i];
		d.line_start = f->line;
		json_object_set_new(props, "relation", json_string("dataset"));
		json_object_set_new(props, "declared_in",
		                    json_string("model-card"));
		rc = emit_json(x, &d, props);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* pipeline_tag, library_name and tags: facts for the report. */
static int emit_metadata(struct scan_ctx *x)
{
	const struct card *c = &x->card;
	const struct card_field *tags = &c->f[F_TAGS];
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	json_t *props, *list;

	if (!c->f[F_PIPELINE_TAG].n && !c->f[F_LIBRARY_NAME].n && !tags->n)
		return 0;
	props = json_object();
	list = json_array();
	for (size_t i = 0; i < tags->n; i++)
		json_array_append_new(list, jstr(tags->items[i]));
	json_object_set_new(props, "pipeline_tag",
	                    jstr(field_first(c, F_PIPELINE_TAG)));
	json_object_set_new(props, "library_name",
	                    jstr(field_first(c, F_LIBRARY_NAME)));
	json_object_set_new(props, "tags", list);
	d.kind = PDG_FINDING_METADATA;
	d.rule = "card.metadata";
	d.message = "model card metadata";
	d.subject = field_first(c, F_PIPELINE_TAG);
	d.line_start = c->f[F_PIPELINE_TAG].line ? c->f[F_PIPELINE_TAG].line
	                                         : c->line0 - 1;
	return emit_json(x, &d, props);
}

static int emit_simple(struct scan_ctx *x, pdg_finding_kind kind,
                       pdg_severity sev, const char *rule,
                       const char *msg, uint32_t line)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;

	d.kind = kind;
	d.severity = sev;
	d.rule = rule;
	d.message = msg;
	d.line_start = line;
	return x->st->api->emit(x->out, x->a, &d);
}

static int emit_card(struct scan_ctx *x)
{
	const struct card_field *lic = &x->card.f[F_LICENSE];
	int rc = 0;

	if (!lic->n)
		rc = emit_no_license(x);
	for (size_t i = 0; rc >= 0 && i < lic->n; i++)
		rc = emit_license(x, lic->items[i]);
	if (rc < 0 || !x->root)
		return rc;
	if ((rc = emit_base_models(x)) < 0 || (rc = emit_datasets(x)) < 0)
		return rc;
	return emit_metadata(x);
}

/* --- the plugin callbacks ------------------------------------------------ */

/* The audited model's card: README.md at the root of the source. */
static int is_root_card(const char *path)
{
	return path && !strchr(path, '/') && !strchr(path, '!');
}

static int scan_text(struct scan_ctx *x, const char *s, size_t len)
{
	const char *yaml;
	size_t ylen;
	int closed;

	if (!front_matter(s, len, &yaml, &ylen, &closed)) {
		if (!x->root)
			return 0;
		return emit_simple(x, PDG_FINDING_METADATA, PDG_SEVERITY_INFO,
		                   "card.no-front-matter", "the model card has "
		                   "no YAML front matter (no licence, base "
		                   "model or datasets declared)", 0);
	}
	/* The YAML starts on the line after the opening "---". */
	x->card.line0 = 2;
	if (!closed)
		return emit_simple(x, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		                   "card.front-matter-invalid", "the front "
		                   "matter has no closing \"---\" line", 1);
	if (card_parse(&x->card, yaml, ylen) < 0) {
		char msg[200];

		snprintf(msg, sizeof(msg), "model card front matter "
		         "rejected: %s", x->card.error);
		return emit_simple(x, PDG_FINDING_INPUT, PDG_SEVERITY_WARNING,
		                   "card.front-matter-invalid", msg,
		                   x->card.error_line);
	}
	return emit_card(x);
}

static int card_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	struct card_state *st = state;
	const pdg_host_api *api = st->api;
	struct scan_ctx x;
	const uint8_t *data;
	size_t len;
	int rc;

	if (api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	rc = api->artifact_head(a, (size_t)pdg_limit_value(api, out,
	                        &card_limits[CARD_LIM_READ]), &data, &len);
	if (rc < 0)
		return rc;
	memset(&x, 0, sizeof(x));
	x.card.max_depth = pdg_limit_value(api, out,
	                                   &card_limits[CARD_LIM_DEPTH]);
	x.card.max_events = pdg_limit_value(api, out,
	                                    &card_limits[CARD_LIM_EVENTS]);
	x.st = st;
	x.a = a;
	x.out = out;
	x.root = is_root_card(api->artifact_path(a));
	rc = scan_text(&x, (const char *)data, len);
	card_clear(&x.card);
	return rc;
}

static int card_init(const pdg_host_api *api, void **state)
{
	struct card_state *st;

	if (api->struct_size < offsetof(pdg_host_api, log) + sizeof(api->log))
		return -1;
	st = pdg_xcalloc(1, sizeof(*st));
	st->api = api;
	if (pdg_kb_load_default(&st->kb) < 0) {
		free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static void card_free(void *state)
{
	struct card_state *st = state;

	if (!st)
		return;
	pdg_kb_free(st->kb);
	free(st);
}

static const pdg_plugin card_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "model-card",
	.version = "1.0.0",
	.description = "licence, base models and datasets declared in "
	               "model and dataset card front matter",
	.kinds = PDG_KIND_BIT(PDG_KIND_MODEL_CARD),
	/* scan() only reads the knowledge base after init(). */
	.flags = PDG_PLUGIN_THREAD_SAFE,
	.init = card_init,
	.scan = card_scan,
	.finish = NULL,
	.free = card_free,
	.limits = card_limits,
};

PDG_PLUGIN_DEFINE(card_plugin)
