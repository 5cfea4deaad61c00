/* scope.c - which part of a release a licence file speaks for.
 *
 * Model repositories often license their code and their weights apart:
 * LICENSE holds Apache-2.0 or MIT for the code while MODEL_LICENSE,
 * LICENSE-MODEL or the model card names the weights' licence (ChatGLM,
 * DeepSeek).  The file name is the only thing a file says about this by
 * itself; the consistency pass (core/src/consistency.c) refines a plain
 * LICENSE once it has seen the whole repository.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "license.h"

/* Words of a file name that narrow its licence to one part. */
static const struct {
	const char *word;
	pdg_license_scope scope;
} scope_words[] = {
	{ "model", PDG_SCOPE_WEIGHTS },
	{ "models", PDG_SCOPE_WEIGHTS },
	{ "weight", PDG_SCOPE_WEIGHTS },
	{ "weights", PDG_SCOPE_WEIGHTS },
	{ "checkpoint", PDG_SCOPE_WEIGHTS },
	{ "code", PDG_SCOPE_CODE },
	{ "source", PDG_SCOPE_CODE },
	{ "software", PDG_SCOPE_CODE },
	{ "src", PDG_SCOPE_CODE },
	{ "data", PDG_SCOPE_DATA },
	{ "dataset", PDG_SCOPE_DATA },
	{ "datasets", PDG_SCOPE_DATA },
};

static const char *const scope_names[] = {
	[PDG_SCOPE_MODEL] = "model",
	[PDG_SCOPE_CODE] = "code",
	[PDG_SCOPE_WEIGHTS] = "weights",
	[PDG_SCOPE_DATA] = "data",
};

const char *pdg_license_scope_name(pdg_license_scope s)
{
	return (unsigned)s < sizeof(scope_names) / sizeof(*scope_names) ?
	       scope_names[s] : "model";
}

int pdg_license_scope_parse(pdg_license_scope *out, const char *name)
{
	for (size_t i = 0; name && i < sizeof(scope_names) /
	                                sizeof(*scope_names); i++)
		if (strcmp(name, scope_names[i]) == 0) {
			*out = (pdg_license_scope)i;
			return 0;
		}
	return -1;
}

/* Compare the word [w, w + n) with a lower-case word. */
static int word_is(const char *w, size_t n, const char *lower)
{
	if (strlen(lower) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)w[i]) != lower[i])
			return 0;
	return 1;
}

pdg_license_scope pdg_license_scope_of_path(const char *path)
{
	const char *base, *p;

	if (!path)
		return PDG_SCOPE_MODEL;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* Words are runs of letters: LICENSE-MODEL, MODEL_LICENSE.txt,
	 * "LICENSE (code).md" all split into their parts. */
	for (p = base; *p;) {
		const char *w;

		while (*p && !isalpha((unsigned char)*p))
			p++;
		w = p;
		while (isalpha((unsigned char)*p))
			p++;
		for (size_t i = 0; p > w && i < sizeof(scope_words) /
		                                sizeof(*scope_words); i++)
			if (word_is(w, (size_t)(p - w), scope_words[i].word))
				return scope_words[i].scope;
	}
	return PDG_SCOPE_MODEL;
}

int pdg_license_path_is_claim(const char *path)
{
	char *lower;
	int ok;

	if (!path || strchr(path, '/') || strstr(path, "!/"))
		return 0;
	lower = pdg_ascii_lower(path);
	ok = (strstr(lower, "license") || strstr(lower, "licence") ||
	      strncmp(lower, "copying", 7) == 0) &&
	     !strstr(lower, "polic") && !strstr(lower, "notice") &&
	     !strstr(lower, "readme");
	free(lower);
	return ok;
}
