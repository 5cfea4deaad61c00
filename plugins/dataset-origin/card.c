/*
 * card.c - dataset card front matter (see card.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "card.h"
#include "util.h"

#define CARD_EVENTS 100000
#define CARD_DEPTH 32
#define CARD_ITEMS 64
#define CARD_ITEM_MAX 200

static const char *const key_names[CARD_KEYS_] = {
	"license", "annotations_creators", "language_creators",
	"source_datasets", "tags", "pretty_name",
};

/* Keys that model cards do not have. */
static const char *const dataset_keys[] = {
	"annotations_creators", "language_creators", "source_datasets",
	"task_categories", "task_ids", "size_categories", "multilinguality",
	"dataset_info", "configs", "paperswithcode_id", NULL,
};

const char *origin_card_key_name(enum card_key k)
{
	return k < CARD_KEYS_ ? key_names[k] : "?";
}

void origin_card_clear(struct origin_card *c)
{
	for (int k = 0; k < CARD_KEYS_; k++) {
		for (size_t i = 0; i < c->key[k].n; i++)
			free(c->key[k].items[i]);
		free(c->key[k].items);
	}
	memset(c, 0, sizeof(*c));
}

static void list_add(struct card_list *l, const char *s, size_t n)
{
	if (l->n >= CARD_ITEMS || n == 0 || n > CARD_ITEM_MAX ||
	    memchr(s, '\0', n))
		return;
	l->items = pdg_xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
	l->items[l->n++] = pdg_xstrndup(s, n);
}

/* The YAML between a first line "---" and the next "---" or "...". */
static int front_matter(const char *s, size_t len, const char **y,
                        size_t *ylen)
{
	size_t pos = 0;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	if (len - pos < 3 || memcmp(s + pos, "---", 3) != 0)
		return 0;
	pos += 3;
	while (pos < len && (s[pos] == ' ' || s[pos] == '\t' ||
	                     s[pos] == '\r'))
		pos++;
	if (pos < len && s[pos] != '\n')
		return 0;
	*y = s + pos;
	for (size_t i = pos; i < len; i++) {
		if (s[i] == '\n' && len - i > 3 &&
		    (memcmp(s + i + 1, "---", 3) == 0 ||
		     memcmp(s + i + 1, "...", 3) == 0)) {
			*ylen = i + 1 - pos;
			return 1;
		}
	}
	*ylen = len - pos;
	return 1;
}

struct reader {
	yaml_parser_t p;
	unsigned long events;
	struct origin_card *c;
};

static int bad(struct reader *r, const char *why)
{
	if (!r->c->error[0])
		snprintf(r->c->error, sizeof(r->c->error), "%s (line %lu)",
		         why, (unsigned long)r->p.mark.line + 1);
	return -1;
}

static int next(struct reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->p, ev))
		return bad(r, r->p.problem ? r->p.problem : "invalid YAML");
	if (++r->events > CARD_EVENTS) {
		yaml_event_delete(ev);
		return bad(r, "front matter too large");
	}
	return 0;
}

/* Events up to the end of `depth` open collections, or, with depth 0,
 * one whole value.  Scalars are kept in `keep` when the value is a
 * scalar or a list of scalars. */
static int value(struct reader *r, struct card_list *keep, int depth)
{
	for (;;) {
		yaml_event_t ev;
		yaml_event_type_t t;

		if (next(r, &ev) < 0)
			return -1;
		t = ev.type;
		if (t == YAML_SCALAR_EVENT && keep && depth <= 1)
			list_add(keep, (const char *)ev.data.scalar.value,
			         ev.data.scalar.length);
		if (t == YAML_MAPPING_START_EVENT && depth == 0)
			keep = NULL;
		if (t == YAML_SEQUENCE_START_EVENT ||
		    t == YAML_MAPPING_START_EVENT)
			depth++;
		else if (t == YAML_SEQUENCE_END_EVENT ||
		         t == YAML_MAPPING_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT || t == YAML_DOCUMENT_END_EVENT
		    || t == YAML_NO_EVENT || depth < 0)
			return bad(r, "unexpected end of front matter");
		if (depth > CARD_DEPTH)
			return bad(r, "front matter nested too deeply");
		if (depth == 0)
			return 0;
	}
}

static int key_index(const char *k)
{
	for (int i = 0; i < CARD_KEYS_; i++)
		if (strcmp(k, key_names[i]) == 0)
			return i;
	return -1;
}

static int is_dataset_key(const char *k)
{
	for (size_t i = 0; dataset_keys[i]; i++)
		if (strcmp(k, dataset_keys[i]) == 0)
			return 1;
	return 0;
}

/* The pairs of the root mapping. */
static int mapping(struct reader *r)
{
	for (;;) {
		yaml_event_t ev;
		struct card_list *keep = NULL;
		int rc;

		if (next(r, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type == YAML_SCALAR_EVENT) {
			const char *k = (const char *)ev.data.scalar.value;
			int i = key_index(k);

			if (is_dataset_key(k))
				r->c->dataset = 1;
			if (i >= 0 && r->c->key[i].n == 0)
				keep = &r->c->key[i];
			rc = 0;
		} else if (ev.type == YAML_SEQUENCE_START_EVENT ||
		           ev.type == YAML_MAPPING_START_EVENT) {
			/* A complex key: read the rest of it as a value. */
			rc = value(r, NULL, 1) < 0 ? -1 : 0;
		} else {
			rc = ev.type == YAML_ALIAS_EVENT ? 0
			     : bad(r, "unexpected event in front matter");
		}
		yaml_event_delete(&ev);
		if (rc < 0 || value(r, keep, 0) < 0)
			return -1;
	}
}

/* Stream and document start, then the root: a mapping, or nothing we
 * read. */
static int document(struct reader *r)
{
	yaml_event_t ev;
	yaml_event_type_t t;

	for (;;) {
		if (next(r, &ev) < 0)
			return -1;
		t = ev.type;
		yaml_event_delete(&ev);
		if (t == YAML_MAPPING_START_EVENT)
			return mapping(r);
		if (t != YAML_STREAM_START_EVENT &&
		    t != YAML_DOCUMENT_START_EVENT)
			return 0;       /* empty, or not a mapping */
	}
}

int origin_card_parse(struct origin_card *c, const char *text, size_t len)
{
	struct reader r;
	const char *y;
	size_t ylen;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!front_matter(text, len, &y, &ylen))
		return 0;
	memset(&r, 0, sizeof(r));
	r.c = c;
	if (!yaml_parser_initialize(&r.p)) {
		snprintf(c->error, sizeof(c->error), "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&r.p, (const unsigned char *)y, ylen);
	yaml_parser_set_encoding(&r.p, YAML_UTF8_ENCODING);
	rc = document(&r);
	yaml_parser_delete(&r.p);
	return rc;
}
