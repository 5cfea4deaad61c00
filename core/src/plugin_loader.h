/* plugin_loader.h - find, dlopen and check detector plugins. */
#ifndef PDG_PLUGIN_LOADER_H
#define PDG_PLUGIN_LOADER_H

#include "pedigree/pedigree.h"

typedef struct pdg_plugin_entry {
	pdg_plugin_info info;      /* strings owned by the set */
	const pdg_plugin *plugin;  /* NULL when refused */
	void *handle;              /* dlopen handle, never closed */
} pdg_plugin_entry;

struct pdg_plugin_set {
	pdg_plugin_entry *items;   /* sorted by name, refused ones by path */
	size_t len;
	size_t cap;
};

/** Load one file.  Fills e (info.loaded = 0 and info.error on refusal).
 *  Reasons: not an ELF file, dlopen error, missing entry symbol, entry
 *  returned NULL, ABI version mismatch, struct size too small, missing
 *  required callbacks, bad name. */
void pdg_plugin_load_file(pdg_plugin_entry *e, const char *path);

/** The directory list searched, ':'-joined, in order (new string). */
char *pdg_plugin_search_path(const char *extra_path);

#endif
