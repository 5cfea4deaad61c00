/* kb_yaml.c - a small, bounded YAML tree on top of libyaml's events.
 *
 * The knowledge base needs only mappings, sequences and scalars.  Anchors
 * and aliases are refused outright: they are never needed in the data and
 * they are how "billion laughs" documents blow up.  Every collection's
 * nesting and every document's node count are bounded.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "error.h"
#include "util.h"
#include "kb/kb_internal.h"

struct pdg_kb_arena {
	pdg_kb_arena *next;
	size_t used;
	size_t cap;
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_CHUNK (64u * 1024)
#define ARENA_ALIGN (alignof(max_align_t))

void *pdg_kb_arena_alloc(pdg_kb_arena **a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	pdg_kb_arena *c = *a;

	if (!c || c->cap - c->used < need) {
		size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = pdg_xmalloc(sizeof(*c) + cap);
		c->next = *a;
		c->used = 0;
		c->cap = cap;
		*a = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	return p;
}

char *pdg_kb_arena_strndup(pdg_kb_arena **a, const char *s, size_t n)
{
	char *p = pdg_kb_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void pdg_kb_arena_free(pdg_kb_arena *a)
{
	while (a) {
		pdg_kb_arena *next = a->next;

		free(a);
		a = next;
	}
}

struct parse_ctx {
	yaml_parser_t parser;
	const char *name;
	pdg_kb_arena *scratch;
	size_t nodes;
};

static unsigned line_of(const yaml_mark_t *m)
{
	return (unsigned)m->line + 1;
}

static int parser_error(struct parse_ctx *c)
{
	const yaml_parser_t *p = &c->parser;
	const char *problem = p->problem ? p->problem : "malformed YAML";

	if (p->context)
		return pdg_error_set(PDG_EINVALID, "%s:%u: %s %s", c->name,
		                     line_of(&p->problem_mark), problem,
		                     p->context);
	return pdg_error_set(PDG_EINVALID, "%s:%u: %s", c->name,
	                     line_of(&p->problem_mark), problem);
}

static int next_event(struct parse_ctx *c, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&c->parser, ev))
		return parser_error(c);
	return 0;
}

static const yaml_char_t *anchor_of(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

static pdg_kb_node *new_node(struct parse_ctx *c, pdg_kb_node_type t,
                             const yaml_event_t *ev)
{
	pdg_kb_node *n = pdg_kb_arena_alloc(&c->scratch, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = t;
	n->line = line_of(&ev->start_mark);
	return n;
}

static void add_child(pdg_kb_node *parent, pdg_kb_node *child)
{
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
	parent->n++;
}

static int parse_node(struct parse_ctx *c, yaml_event_t *ev, int depth,
                      pdg_kb_node **out);

static int scalar_node(struct parse_ctx *c, const yaml_event_t *ev,
                       pdg_kb_node **out)
{
	size_t len = ev->data.scalar.length;

	if (len > PDG_KB_MAX_STRING)
		return pdg_error_set(PDG_ELIMIT, "%s:%u: value longer than "
		                     "%u bytes", c->name,
		                     line_of(&ev->start_mark),
		                     PDG_KB_MAX_STRING);
	if (memchr(ev->data.scalar.value, '\0', len))
		return pdg_error_set(PDG_EINVALID, "%s:%u: value contains a "
		                     "NUL character", c->name,
		                     line_of(&ev->start_mark));
	pdg_kb_node *n = new_node(c, PDG_KB_NODE_SCALAR, ev);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->str = pdg_kb_arena_strndup(&c->scratch,
	                              (const char *)ev->data.scalar.value,
	                              len);
	n->len = len;
	*out = n;
	return 0;
}

/* Read children until the collection's end event. */
static int collection_node(struct parse_ctx *c, const yaml_event_t *start,
                           int depth, pdg_kb_node **out)
{
	int is_map = start->type == YAML_MAPPING_START_EVENT;
	yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT
	                               : YAML_SEQUENCE_END_EVENT;
	pdg_kb_node *n = new_node(c, is_map ? PDG_KB_NODE_MAP
	                                    : PDG_KB_NODE_SEQ, start);

	if (depth >= PDG_KB_MAX_DEPTH)
		return pdg_error_set(PDG_ELIMIT, "%s:%u: nested deeper than "
		                     "%d levels", c->name, n->line,
		                     PDG_KB_MAX_DEPTH);
	for (;;) {
		yaml_event_t ev;
		pdg_kb_node *child = NULL;
		int rc = next_event(c, &ev);

		if (rc)
			return rc;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		rc = parse_node(c, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (rc)
			return rc;
		add_child(n, child);
	}
	*out = n;
	return 0;
}

static int parse_node(struct parse_ctx *c, yaml_event_t *ev, int depth,
                      pdg_kb_node **out)
{
	unsigned line = line_of(&ev->start_mark);

	if (++c->nodes > PDG_KB_MAX_NODES)
		return pdg_error_set(PDG_ELIMIT, "%s:%u: more than %u YAML "
		                     "nodes in one document", c->name, line,
		                     PDG_KB_MAX_NODES);
	if (ev->type == YAML_ALIAS_EVENT || anchor_of(ev))
		return pdg_error_set(PDG_EINVALID, "%s:%u: YAML anchors and "
		                     "aliases are not allowed", c->name, line);
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return scalar_node(c, ev, out);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return collection_node(c, ev, depth, out);
	default:
		return pdg_error_set(PDG_EINVALID, "%s:%u: unexpected YAML "
		                     "structure", c->name, line);
	}
}

/* One document: DOCUMENT-START has been read; read the root and the end. */
static int parse_document(struct parse_ctx *c, unsigned line,
                          pdg_kb_doc_fn fn, void *payload)
{
	yaml_event_t ev;
	pdg_kb_node *root = NULL;
	int rc = next_event(c, &ev);

	if (rc)
		return rc;
	if (ev.type != YAML_DOCUMENT_END_EVENT) {
		rc = parse_node(c, &ev, 0, &root);
		yaml_event_delete(&ev);
		if (rc)
			return rc;
		rc = next_event(c, &ev);
		if (rc)
			return rc;
	}
	yaml_event_delete(&ev);
	/* A lone "~" or empty document is no entry: skip it. */
	if (root && root->type == PDG_KB_NODE_SCALAR && root->plain &&
	    (root->len == 0 || strcmp(root->str, "~") == 0 ||
	     strcmp(root->str, "null") == 0))
		root = NULL;
	return fn(root, line, payload);
}

static int parse_stream(struct parse_ctx *c, pdg_kb_doc_fn fn,
                        void *payload)
{
	for (;;) {
		yaml_event_t ev;
		int rc = next_event(c, &ev);

		if (rc)
			return rc;
		yaml_event_type_t t = ev.type;
		unsigned line = line_of(&ev.start_mark);

		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			return 0;
		if (t == YAML_STREAM_START_EVENT)
			continue;
		if (t != YAML_DOCUMENT_START_EVENT)
			return pdg_error_set(PDG_EINVALID, "%s:%u: unexpected "
			                     "YAML structure", c->name, line);
		rc = parse_document(c, line, fn, payload);
		pdg_kb_arena_free(c->scratch);
		c->scratch = NULL;
		c->nodes = 0;
		if (rc)
			return rc;
	}
}

int pdg_kb_yaml_parse(const char *name, const char *data, size_t len,
                      pdg_kb_doc_fn fn, void *payload)
{
	struct parse_ctx c;
	int rc;

	if (len > PDG_KB_MAX_FILE_BYTES)
		return pdg_error_set(PDG_ELIMIT, "%s: larger than %u bytes",
		                     name, PDG_KB_MAX_FILE_BYTES);
	memset(&c, 0, sizeof(c));
	c.name = name;
	if (!yaml_parser_initialize(&c.parser))
		return pdg_error_set(PDG_ENOMEM, "%s: cannot start the YAML "
		                     "parser", name);
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)data,
	                             len);
	rc = parse_stream(&c, fn, payload);
	pdg_kb_arena_free(c.scratch);
	yaml_parser_delete(&c.parser);
	return rc;
}
