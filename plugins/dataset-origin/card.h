/*
 * card.h - the YAML front matter of a dataset card (README.md of a
 * dataset): the keys that say where its records came from.
 *
 * A card is a dataset's when its front matter has a key only dataset
 * cards use (annotations_creators, source_datasets, task_categories,
 * size_categories, dataset_info...).  Only scalars and lists of scalars
 * of the keys below are kept; anything else is skipped.  The YAML is read
 * as events, never composed, so aliases cost nothing, and events, nesting
 * and items are bounded.
 */
#ifndef PDG_DATASET_ORIGIN_CARD_H
#define PDG_DATASET_ORIGIN_CARD_H

#include <stddef.h>

enum card_key {
	CARD_LICENSE, CARD_ANNOTATIONS, CARD_LANGUAGE_CREATORS,
	CARD_SOURCE_DATASETS, CARD_TAGS, CARD_PRETTY_NAME, CARD_KEYS_
};

struct card_list {
	char **items;
	size_t n;
};

struct origin_card {
	int dataset;                      /* a dataset card's keys seen */
	struct card_list key[CARD_KEYS_];
	char error[160];                  /* when parsing failed */
};

/** Read the front matter of text[0..len).  0 (no front matter is fine:
 *  c->dataset stays 0) or -1 with c->error set; what was read before an
 *  error is kept.  Clear with origin_card_clear(). */
int origin_card_parse(struct origin_card *c, const char *text, size_t len);
void origin_card_clear(struct origin_card *c);

/** The name of a key, as in the card. */
const char *origin_card_key_name(enum card_key k);

#endif
