/* kb_entry.c - validate one knowledge-base document into an entry.
 *
 * Strict on purpose: an unknown field, a misspelt enum value or a duty
 * nobody handles is an error naming the file and line, because a typo in
 * the data would otherwise silently drop an obligation.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "util.h"
#include "kb/kb_internal.h"

enum field {
	F_ID, F_NAME, F_FAMILY, F_VERSION, F_PUBLISHER, F_KIND, F_COMMERCIAL,
	F_HF_TAGS, F_HF_NAMES, F_PERMITS, F_LIMITS, F_DUTIES, F_OUTPUTS,
	F_OUTPUTS_TEXT, F_DERIVATIVE_EDGES, F_USE_POLICY, F_SIGNATURES,
	F_MARKERS, F_SOURCES, F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"id", "name", "family", "version", "publisher", "kind", "commercial",
	"hf_tags", "hf_names", "permits", "limits", "duties", "outputs",
	"outputs_text", "derivative_edges", "use_policy", "signatures",
	"markers", "sources",
};

static const char *const kind_names[] = {
	"open-source", "model-license", "api-terms", "use-policy", NULL
};
static const char *const commercial_names[] = {
	"allowed", "conditional", "non-commercial", "research-only", "n/a",
	NULL
};
static const char *const outputs_names[] = {
	"unrestricted", "conditional", "derivative", "no-competing",
	"prohibited", NULL
};
static const char *const edge_names[] = {
	"finetune", "adapter", "quantized", "merge", "distillation",
	"trained-on-outputs", "dataset", NULL
};
/* Vocabularies that rules key on; docs/knowledge-base.md explains each. */
static const char *const duty_names[] = {
	"include-license", "retain-notices", "notice-file", "state-changes",
	"give-credit", "display-attribution", "name-prefix",
	"pass-use-restrictions", "follow-use-policy", "share-alike",
	"disclose-source", "network-source", NULL
};
static const char *const limit_names[] = {
	"monthly-active-users", "annual-revenue-usd", "hosting-use",
	"region", "use-restrictions", "purpose", "trademark", "termination",
	"no-derivatives", NULL
};

const char *pdg_kb_doc_kind_name(pdg_kb_doc_kind k)
{
	if ((unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) - 1)
		return kind_names[k];
	return "unknown";
}

const char *pdg_kb_commercial_name(pdg_kb_commercial c)
{
	if ((unsigned)c <
	    sizeof(commercial_names) / sizeof(commercial_names[0]) - 1)
		return commercial_names[c];
	return "unknown";
}

const char *pdg_kb_outputs_name(pdg_kb_outputs o)
{
	if ((unsigned)o < sizeof(outputs_names) / sizeof(outputs_names[0]) - 1)
		return outputs_names[o];
	return "unknown";
}

struct ectx {
	pdg_kb_entry *e;
	pdg_kb_arena **arena;
	const char *file;
	const char *id;           /* for messages; NULL until known */
	unsigned doc_no;
	unsigned *use_policy_line;
	const pdg_kb_node *seen[F_COUNT];
};

static int fail(const struct ectx *x, int code, unsigned line,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(const struct ectx *x, int code, unsigned line,
                const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->id)
		return pdg_error_set(code, "%s:%u: entry '%s': %s", x->file,
		                     line, x->id, msg);
	return pdg_error_set(code, "%s:%u: entry #%u: %s", x->file, line,
	                     x->doc_no, msg);
}

static int is_null_scalar(const pdg_kb_node *n)
{
	return n->type == PDG_KB_NODE_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->str, "~") == 0 ||
	        strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	        strcmp(n->str, "NULL") == 0);
}

static int lookup(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* "a, b or c" of a NULL-terminated list, for error messages. */
static void join_names(char *buf, size_t cap, const char *const *names)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; names[i] && used < cap; i++) {
		const char *sep = i == 0 ? "" : names[i + 1] ? ", " : " or ";
		int w = snprintf(buf + used, cap - used, "%s%s", sep,
		                 names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Text may hold newlines from block scalars and tabs, nothing else below
 * 0x20: the CLI prints it to terminals. */
static int check_text(const struct ectx *x, const pdg_kb_node *n,
                      const char *what)
{
	for (size_t i = 0; i < n->len; i++) {
		unsigned char ch = (unsigned char)n->str[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
			return fail(x, PDG_EINVALID, n->line, "%s contains a "
			            "control character", what);
	}
	return 0;
}

/* A scalar's text with surrounding whitespace removed, in the arena. */
static int get_text(const struct ectx *x, const pdg_kb_node *n,
                    const char *what, const char **out)
{
	if (n->type != PDG_KB_NODE_SCALAR)
		return fail(x, PDG_EINVALID, n->line, "%s must be a single "
		            "value, not a %s", what,
		            n->type == PDG_KB_NODE_SEQ ? "list" : "mapping");
	if (is_null_scalar(n))
		return fail(x, PDG_EINVALID, n->line, "%s has no value",
		            what);
	int rc = check_text(x, n, what);
	if (rc)
		return rc;
	const char *s = n->str;
	size_t len = n->len;
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return fail(x, PDG_EINVALID, n->line, "%s has no value",
		            what);
	*out = pdg_kb_arena_strndup(x->arena, s, len);
	return 0;
}

static int check_charset(const struct ectx *x, const pdg_kb_node *n,
                         const char *what, const char *s,
                         const char *extra, int lower_only, size_t max)
{
	size_t len = strlen(s);

	if (len > max)
		return fail(x, PDG_EINVALID, n->line, "%s '%s' is longer "
		            "than %zu characters", what, s, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		int ok = isdigit(ch) || islower(ch) || strchr(extra, ch) ||
		         (!lower_only && isupper(ch));

		if (!ok || ch == '\0')
			return fail(x, PDG_EINVALID, n->line, "%s '%s': "
			            "character '%c' not allowed", what, s, ch);
	}
	return 0;
}

static int get_enum(const struct ectx *x, const pdg_kb_node *n,
                    const char *what, const char *const *names, int *out)
{
	const char *s;
	int rc = get_text(x, n, what, &s);

	if (rc)
		return rc;
	int i = lookup(names, s);
	if (i < 0) {
		char allowed[256];

		join_names(allowed, sizeof(allowed), names);
		return fail(x, PDG_EINVALID, n->line, "%s: bad value '%s' "
		            "(expected %s)", what, s, allowed);
	}
	*out = i;
	return 0;
}

typedef int (*item_check_fn)(const struct ectx *x, const pdg_kb_node *n,
                             const char *s);

/* A list of strings; `check` (optional) vets each item. */
static int get_list(const struct ectx *x, const pdg_kb_node *n,
                    const char *what, item_check_fn check,
                    const char *const **out, size_t *count)
{
	if (n->type != PDG_KB_NODE_SEQ)
		return fail(x, PDG_EINVALID, n->line, "%s must be a list",
		            what);
	if (n->n > PDG_KB_MAX_LIST)
		return fail(x, PDG_ELIMIT, n->line, "%s has more than %u "
		            "items", what, PDG_KB_MAX_LIST);
	const char **v = pdg_kb_arena_alloc(x->arena,
	                                    (n->n ? n->n : 1) * sizeof(*v));
	size_t i = 0;
	for (const pdg_kb_node *c = n->first; c; c = c->next, i++) {
		int rc = get_text(x, c, what, &v[i]);

		if (!rc && check)
			rc = check(x, c, v[i]);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[j], v[i]) == 0)
				return fail(x, PDG_EINVALID, c->line, "%s: "
				            "'%s' listed twice", what, v[i]);
	}
	*out = v;
	*count = n->n;
	return 0;
}

static int check_hf(const struct ectx *x, const pdg_kb_node *n,
                    const char *s)
{
	return check_charset(x, n, "Hugging Face licence value", s, "._+-",
	                     0, 128);
}

static int check_edge(const struct ectx *x, const pdg_kb_node *n,
                      const char *s)
{
	if (lookup(edge_names, s) >= 0)
		return 0;
	char allowed[256];
	join_names(allowed, sizeof(allowed), edge_names);
	return fail(x, PDG_EINVALID, n->line, "bad edge '%s' (expected %s)",
	            s, allowed);
}

static int check_signature(const struct ectx *x, const pdg_kb_node *n,
                           const char *s)
{
	unsigned words = 0;
	int in_word = 0;

	for (const char *p = s; *p; p++) {
		int sp = isspace((unsigned char)*p);

		if (!sp && !in_word)
			words++;
		in_word = !sp;
	}
	/* Signatures recognise a document; longer quotes would copy it. */
	if (words > PDG_KB_MAX_SIGNATURE_WORDS)
		return fail(x, PDG_EINVALID, n->line, "signature has %u "
		            "words; at most %d are allowed", words,
		            PDG_KB_MAX_SIGNATURE_WORDS);
	return 0;
}

static int check_source(const struct ectx *x, const pdg_kb_node *n,
                        const char *s)
{
	if ((strncmp(s, "https://", 8) != 0 &&
	     strncmp(s, "http://", 7) != 0) || strpbrk(s, " \t\n"))
		return fail(x, PDG_EINVALID, n->line, "source '%s' is not an "
		            "http(s) URL", s);
	return 0;
}

/* A plain unsigned decimal integer, no sign, no separators. */
static int get_number(const struct ectx *x, const pdg_kb_node *n,
                      uint64_t *out)
{
	uint64_t v = 0;

	if (n->type != PDG_KB_NODE_SCALAR || !n->plain || n->len == 0)
		goto bad;
	for (size_t i = 0; i < n->len; i++) {
		unsigned d = (unsigned char)n->str[i] - '0';

		if (d > 9)
			goto bad;
		if (v > (UINT64_MAX - d) / 10)
			return fail(x, PDG_EINVALID, n->line, "limit number "
			            "'%s' is too large", n->str);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
bad:
	return fail(x, PDG_EINVALID, n->line, "limit number must be an "
	            "integer, not '%s'",
	            n->type == PDG_KB_NODE_SCALAR ? n->str : "a collection");
}

/* Walk a mapping's pairs; keys must be scalars and unique. */
typedef int (*pair_fn)(struct ectx *x, const pdg_kb_node *key,
                       const pdg_kb_node *val, void *item);

static int each_pair(struct ectx *x, const pdg_kb_node *map,
                     const char *what, pair_fn fn, void *item)
{
	const char *sep = what ? ": " : "";

	what = what ? what : "";
	for (const pdg_kb_node *k = map->first; k; k = k->next->next) {
		const pdg_kb_node *v = k->next;

		if (k->type != PDG_KB_NODE_SCALAR)
			return fail(x, PDG_EINVALID, k->line, "%s%skeys must "
			            "be plain names", what, sep);
		for (const pdg_kb_node *p = map->first; p != k;
		     p = p->next->next)
			if (strcmp(p->str, k->str) == 0)
				return fail(x, PDG_EINVALID, k->line, "%s%s"
				            "field '%s' given twice", what,
				            sep, k->str);
		int rc = fn(x, k, v, item);
		if (rc)
			return rc;
	}
	return 0;
}

static int limit_pair(struct ectx *x, const pdg_kb_node *k,
                      const pdg_kb_node *v, void *item)
{
	pdg_kb_limit *l = item;

	if (strcmp(k->str, "what") == 0) {
		int i, rc = get_enum(x, v, "limit what", limit_names, &i);

		if (!rc)
			l->what = limit_names[i];
		return rc;
	}
	if (strcmp(k->str, "number") == 0)
		return get_number(x, v, &l->number);
	if (strcmp(k->str, "text") == 0)
		return get_text(x, v, "limit text", &l->text);
	if (strcmp(k->str, "edges") == 0)
		return get_list(x, v, "limit edges", check_edge, &l->edges,
		                &l->n_edges);
	return fail(x, PDG_EINVALID, k->line, "limits: unknown field '%s' "
	            "(expected what, number, text or edges)", k->str);
}

static int duty_pair(struct ectx *x, const pdg_kb_node *k,
                     const pdg_kb_node *v, void *item)
{
	pdg_kb_duty *d = item;

	if (strcmp(k->str, "what") == 0) {
		int i, rc = get_enum(x, v, "duty what", duty_names, &i);

		if (!rc)
			d->what = duty_names[i];
		return rc;
	}
	if (strcmp(k->str, "value") == 0)
		return get_text(x, v, "duty value", &d->value);
	if (strcmp(k->str, "text") == 0)
		return get_text(x, v, "duty text", &d->text);
	if (strcmp(k->str, "edges") == 0)
		return get_list(x, v, "duty edges", check_edge, &d->edges,
		                &d->n_edges);
	return fail(x, PDG_EINVALID, k->line, "duties: unknown field '%s' "
	            "(expected what, value, text or edges)", k->str);
}

static int get_limits(struct ectx *x, const pdg_kb_node *n)
{
	if (n->type != PDG_KB_NODE_SEQ)
		return fail(x, PDG_EINVALID, n->line, "limits must be a list");
	if (n->n > PDG_KB_MAX_LIST)
		return fail(x, PDG_ELIMIT, n->line, "limits has more than %u "
		            "items", PDG_KB_MAX_LIST);
	pdg_kb_limit *v = pdg_kb_arena_alloc(x->arena,
	                                     (n->n ? n->n : 1) * sizeof(*v));
	size_t i = 0;
	for (const pdg_kb_node *c = n->first; c; c = c->next, i++) {
		memset(&v[i], 0, sizeof(v[i]));
		if (c->type != PDG_KB_NODE_MAP)
			return fail(x, PDG_EINVALID, c->line, "each limit "
			            "must be a mapping with what and text");
		int rc = each_pair(x, c, "limits", limit_pair, &v[i]);
		if (rc)
			return rc;
		if (!v[i].what || !v[i].text)
			return fail(x, PDG_EINVALID, c->line, "limit: missing "
			            "required field '%s'",
			            v[i].what ? "text" : "what");
	}
	x->e->limits = v;
	x->e->n_limits = n->n;
	return 0;
}

static int get_duties(struct ectx *x, const pdg_kb_node *n)
{
	if (n->type != PDG_KB_NODE_SEQ)
		return fail(x, PDG_EINVALID, n->line, "duties must be a list");
	if (n->n > PDG_KB_MAX_LIST)
		return fail(x, PDG_ELIMIT, n->line, "duties has more than %u "
		            "items", PDG_KB_MAX_LIST);
	pdg_kb_duty *v = pdg_kb_arena_alloc(x->arena,
	                                    (n->n ? n->n : 1) * sizeof(*v));
	size_t i = 0;
	for (const pdg_kb_node *c = n->first; c; c = c->next, i++) {
		memset(&v[i], 0, sizeof(v[i]));
		if (c->type != PDG_KB_NODE_MAP)
			return fail(x, PDG_EINVALID, c->line, "each duty must "
			            "be a mapping with what and text");
		int rc = each_pair(x, c, "duties", duty_pair, &v[i]);
		if (rc)
			return rc;
		if (!v[i].what || !v[i].text)
			return fail(x, PDG_EINVALID, c->line, "duty: missing "
			            "required field '%s'",
			            v[i].what ? "text" : "what");
	}
	x->e->duties = v;
	x->e->n_duties = n->n;
	return 0;
}

static int field_value(struct ectx *x, enum field f, const pdg_kb_node *v)
{
	pdg_kb_entry *e = x->e;
	const char *s = NULL;
	int i = 0, rc;

	switch (f) {
	case F_ID:
		return 0;       /* read first, by read_id() */
	case F_NAME:
		return get_text(x, v, "name", &e->name);
	case F_FAMILY:
		rc = get_text(x, v, "family", &s);
		if (!rc)
			rc = check_charset(x, v, "family", s, "-", 1, 64);
		e->family = s;
		return rc;
	case F_VERSION:
		return get_text(x, v, "version", &e->version);
	case F_PUBLISHER:
		return get_text(x, v, "publisher", &e->publisher);
	case F_KIND:
		rc = get_enum(x, v, "kind", kind_names, &i);
		e->kind = (pdg_kb_doc_kind)i;
		return rc;
	case F_COMMERCIAL:
		rc = get_enum(x, v, "commercial", commercial_names, &i);
		e->commercial = (pdg_kb_commercial)i;
		return rc;
	case F_HF_TAGS:
		return get_list(x, v, "hf_tags", check_hf,
		                &e->hf_tags,
		                &e->n_hf_tags);
	case F_HF_NAMES:
		return get_list(x, v, "hf_names", check_hf,
		                &e->hf_names,
		                &e->n_hf_names);
	case F_PERMITS:
		return get_list(x, v, "permits", NULL, &e->permits,
		                &e->n_permits);
	case F_LIMITS:
		return get_limits(x, v);
	case F_DUTIES:
		return get_duties(x, v);
	case F_OUTPUTS:
		rc = get_enum(x, v, "outputs", outputs_names, &i);
		e->outputs = (pdg_kb_outputs)i;
		return rc;
	case F_OUTPUTS_TEXT:
		return get_text(x, v, "outputs_text", &e->outputs_text);
	case F_DERIVATIVE_EDGES:
		return get_list(x, v, "derivative_edges", check_edge,
		                &e->derivative_edges,
		                &e->n_derivative_edges);
	case F_USE_POLICY:
		*x->use_policy_line = v->line;
		rc = get_text(x, v, "use_policy", &s);
		if (!rc)
			rc = check_charset(x, v, "use_policy", s, ".+-", 0,
			                   128);
		e->use_policy = s;
		return rc;
	case F_SIGNATURES:
		return get_list(x, v, "signatures", check_signature,
		                &e->signatures, &e->n_signatures);
	case F_MARKERS:
		return get_list(x, v, "markers", check_signature,
		                &e->markers, &e->n_markers);
	case F_SOURCES:
		return get_list(x, v, "sources", check_source, &e->sources,
		                &e->n_sources);
	case F_COUNT:
		break;
	}
	return 0;
}

static int entry_pair(struct ectx *x, const pdg_kb_node *k,
                      const pdg_kb_node *v, void *item)
{
	(void)item;
	for (int f = 0; f < F_COUNT; f++) {
		if (strcmp(field_names[f], k->str) != 0)
			continue;
		x->seen[f] = v;
		return field_value(x, (enum field)f, v);
	}
	return fail(x, PDG_EINVALID, k->line, "unknown field '%s'", k->str);
}

/* The id first, so that every later message can name the entry. */
static int read_id(struct ectx *x, const pdg_kb_node *root)
{
	for (const pdg_kb_node *k = root->first; k; k = k->next->next) {
		if (k->type != PDG_KB_NODE_SCALAR || strcmp(k->str, "id"))
			continue;
		const char *id;
		int rc = get_text(x, k->next, "id", &id);
		if (rc)
			return rc;
		rc = check_charset(x, k->next, "id", id, ".+-", 0, 128);
		if (rc)
			return rc;
		x->e->id = id;
		x->id = id;
		return 0;
	}
	return fail(x, PDG_EINVALID, root->line, "missing required field "
	            "'id'");
}

static int missing(const struct ectx *x, unsigned line, enum field f)
{
	return fail(x, PDG_EINVALID, line, "missing required field '%s'",
	            field_names[f]);
}

static int check_required(const struct ectx *x, const pdg_kb_node *root)
{
	const pdg_kb_entry *e = x->e;
	static const enum field always[] = {
		F_NAME, F_KIND, F_FAMILY, F_SOURCES
	};

	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (!x->seen[always[i]])
			return missing(x, root->line, always[i]);
	if (!x->seen[F_COMMERCIAL] && (e->kind == PDG_KB_OPEN_SOURCE ||
	                               e->kind == PDG_KB_MODEL_LICENSE))
		return missing(x, root->line, F_COMMERCIAL);
	if (e->n_sources == 0)
		return fail(x, PDG_EINVALID, x->seen[F_SOURCES]->line,
		            "sources must list at least one URL");
	/* Documents outside the SPDX list have no other way to be
	 * recognised, and without a phrase that names the exact document,
	 * phrases that sibling versions share (Llama 3.1, 3.2, 3.3) would
	 * confuse them. */
	if ((e->kind != PDG_KB_OPEN_SOURCE ||
	     pdg_starts_with_ci(e->id, "LicenseRef-")) &&
	    e->n_markers == 0)
		return x->seen[F_MARKERS]
		       ? fail(x, PDG_EINVALID, x->seen[F_MARKERS]->line,
		              "markers must list at least one phrase")
		       : missing(x, root->line, F_MARKERS);
	if (e->outputs != PDG_KB_OUTPUTS_UNRESTRICTED && !e->outputs_text)
		return fail(x, PDG_EINVALID, x->seen[F_OUTPUTS]->line,
		            "outputs is '%s' but outputs_text does not say "
		            "why", pdg_kb_outputs_name(e->outputs));
	return 0;
}

int pdg_kb_entry_from_node(pdg_kb_entry *out, unsigned *use_policy_line,
                           pdg_kb_arena **arena, const char *file,
                           const pdg_kb_node *root, unsigned doc_no)
{
	struct ectx x;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.e = out;
	x.arena = arena;
	x.file = file;
	x.doc_no = doc_no;
	x.use_policy_line = use_policy_line;
	*use_policy_line = 0;
	if (root->type != PDG_KB_NODE_MAP)
		return fail(&x, PDG_EINVALID, root->line, "an entry must be a "
		            "mapping of fields; separate entries with '---'");
	out->commercial = PDG_KB_COMMERCIAL_NA;
	out->outputs = PDG_KB_OUTPUTS_UNRESTRICTED;
	rc = read_id(&x, root);
	if (!rc)
		rc = each_pair(&x, root, NULL, entry_pair, NULL);
	if (!rc)
		rc = check_required(&x, root);
	return rc;
}

/* ---- provider documents (the model catalogue) ----------------------- */

static const char *const provider_kind_names[] = {
	"api", "open-weights", NULL
};

const char *pdg_kb_provider_kind_name(pdg_kb_provider_kind k)
{
	if ((unsigned)k < sizeof(provider_kind_names) /
	                  sizeof(provider_kind_names[0]) - 1)
		return provider_kind_names[k];
	return "unknown";
}

static int check_glob(const struct ectx *x, const pdg_kb_node *n,
                      const char *s)
{
	return check_charset(x, n, "checkpoint glob", s, "._-/*?", 0, 128);
}

static int check_model_name(const struct ectx *x, const pdg_kb_node *n,
                            const char *s)
{
	return check_charset(x, n, "model name", s, "._-/", 0, 128);
}

static int check_term_id(const struct ectx *x, const pdg_kb_node *n,
                         const char *s)
{
	return check_charset(x, n, "terms id", s, ".+-", 0, 128);
}

static int checkpoint_pair(struct ectx *x, const pdg_kb_node *k,
                           const pdg_kb_node *v, void *item)
{
	pdg_kb_checkpoint *c = item;

	if (strcmp(k->str, "match") == 0)
		return get_list(x, v, "checkpoint match", check_glob,
		                &c->match, &c->n_match);
	if (strcmp(k->str, "terms") == 0)
		return get_list(x, v, "checkpoint terms", check_term_id,
		                &c->terms, &c->n_terms);
	return fail(x, PDG_EINVALID, k->line, "checkpoints: unknown field "
	            "'%s' (expected match or terms)", k->str);
}

static int get_checkpoints(struct ectx *x, pdg_kb_provider *p,
                           const pdg_kb_node *n)
{
	if (n->type != PDG_KB_NODE_SEQ)
		return fail(x, PDG_EINVALID, n->line, "checkpoints must be a "
		            "list");
	if (n->n > PDG_KB_MAX_LIST)
		return fail(x, PDG_ELIMIT, n->line, "checkpoints has more "
		            "than %u items", PDG_KB_MAX_LIST);
	pdg_kb_checkpoint *v = pdg_kb_arena_alloc(x->arena, (n->n ? n->n : 1)
	                                          * sizeof(*v));
	size_t i = 0;
	for (const pdg_kb_node *c = n->first; c; c = c->next, i++) {
		memset(&v[i], 0, sizeof(v[i]));
		if (c->type != PDG_KB_NODE_MAP)
			return fail(x, PDG_EINVALID, c->line, "each checkpoint "
			            "must be a mapping with match and terms");
		int rc = each_pair(x, c, "checkpoints", checkpoint_pair,
		                   &v[i]);
		if (rc)
			return rc;
		if (!v[i].n_match || !v[i].n_terms)
			return fail(x, PDG_EINVALID, c->line, "checkpoint: "
			            "'%s' must list at least one item",
			            v[i].n_match ? "terms" : "match");
	}
	p->checkpoints = v;
	p->n_checkpoints = n->n;
	return 0;
}

struct provider_ctx {
	pdg_kb_provider *p;
	unsigned terms_line;
	int have_name, have_product, have_kind, have_sources;
};

static int provider_pair(struct ectx *x, const pdg_kb_node *k,
                         const pdg_kb_node *v, void *item)
{
	struct provider_ctx *pc = item;
	pdg_kb_provider *p = pc->p;
	int i, rc;

	if (strcmp(k->str, "provider") == 0)
		return 0;       /* read first */
	if (strcmp(k->str, "name") == 0) {
		pc->have_name = 1;
		return get_text(x, v, "name", &p->name);
	}
	if (strcmp(k->str, "product") == 0) {
		pc->have_product = 1;
		return get_text(x, v, "product", &p->product);
	}
	if (strcmp(k->str, "kind") == 0) {
		pc->have_kind = 1;
		rc = get_enum(x, v, "kind", provider_kind_names, &i);
		p->kind = (pdg_kb_provider_kind)i;
		return rc;
	}
	if (strcmp(k->str, "terms") == 0) {
		pc->terms_line = v->line;
		return get_list(x, v, "terms", check_term_id, &p->terms,
		                &p->n_terms);
	}
	if (strcmp(k->str, "checkpoints") == 0)
		return get_checkpoints(x, p, v);
	if (strcmp(k->str, "self_id") == 0)
		return get_list(x, v, "self_id", NULL, &p->self_id,
		                &p->n_self_id);
	if (strcmp(k->str, "templates") == 0)
		return get_list(x, v, "templates", NULL, &p->templates,
		                &p->n_templates);
	if (strcmp(k->str, "model_names") == 0)
		return get_list(x, v, "model_names", check_model_name,
		                &p->model_names, &p->n_model_names);
	if (strcmp(k->str, "sources") == 0) {
		pc->have_sources = 1;
		return get_list(x, v, "sources", check_source, &p->sources,
		                &p->n_sources);
	}
	return fail(x, PDG_EINVALID, k->line, "unknown provider field '%s'",
	            k->str);
}

int pdg_kb_is_provider_node(const pdg_kb_node *root)
{
	if (root->type != PDG_KB_NODE_MAP)
		return 0;
	for (const pdg_kb_node *k = root->first; k; k = k->next->next)
		if (k->type == PDG_KB_NODE_SCALAR &&
		    strcmp(k->str, "provider") == 0)
			return 1;
	return 0;
}

int pdg_kb_provider_from_node(pdg_kb_provider *out, unsigned *terms_line,
                              pdg_kb_arena **arena, const char *file,
                              const pdg_kb_node *root, unsigned doc_no)
{
	struct provider_ctx pc;
	struct ectx x;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	memset(&pc, 0, sizeof(pc));
	pc.p = out;
	x.arena = arena;
	x.file = file;
	x.doc_no = doc_no;
	for (const pdg_kb_node *k = root->first; k; k = k->next->next) {
		if (k->type != PDG_KB_NODE_SCALAR ||
		    strcmp(k->str, "provider") != 0)
			continue;
		rc = get_text(&x, k->next, "provider", &out->id);
		if (!rc)
			rc = check_charset(&x, k->next, "provider", out->id,
			                   "-", 1, 64);
		if (rc)
			return rc;
		x.id = out->id;
	}
	rc = each_pair(&x, root, NULL, provider_pair, &pc);
	if (rc)
		return rc;
	if (!pc.have_name || !pc.have_product || !pc.have_kind ||
	    !pc.have_sources)
		return fail(&x, PDG_EINVALID, root->line, "missing required "
		            "field '%s'", !pc.have_name ? "name" :
		            !pc.have_product ? "product" :
		            !pc.have_kind ? "kind" : "sources");
	if (out->n_sources == 0)
		return fail(&x, PDG_EINVALID, root->line, "sources must list "
		            "at least one URL");
	*terms_line = pc.terms_line ? pc.terms_line : root->line;
	return 0;
}
