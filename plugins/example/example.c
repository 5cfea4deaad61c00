/*
 * example.c - a small, complete pedigree detector plugin to copy from.
 *
 * It reports template placeholders left unfilled in model cards and
 * licence files: "[More Information Needed]", "{{ ... }}", "[optional]",
 * "TODO", "TBD", "<your name>" and the like.  One finding per line that
 * holds one, and a summary after the last artifact.
 *
 * Build it out of the pedigree tree (see README.md):
 *
 *   cc -shared -fPIC $(pkg-config --cflags pedigree-plugin) \
 *      -o example.so example.c
 *
 * The plugin needs nothing but <pedigree/plugin.h>: it does not link
 * libpedigree, and everything it gets from the host comes through the
 * struct pdg_host_api that init() receives.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pedigree/plugin.h>

/*
 * How much of an artifact to look at.  The host caps reads further (its
 * limits.max_read), so this is the most we want, not what we get.  Model
 * cards and licences are small; a placeholder past 1 MiB is not worth
 * holding more memory for.
 */
#define EXAMPLE_MAX_READ ((size_t)1 << 20)
/* Longest placeholder text quoted back in a finding. */
#define EXAMPLE_MAX_QUOTE 80
/* "<your ...>" placeholders are short; a longer span is prose. */
#define EXAMPLE_MAX_YOUR 40

/*
 * Per-audit state.  init() allocates it, the host passes it back to every
 * other callback, free() releases it.  Keep globals out of plugins: the
 * host may run several audits in one process.
 */
struct example_state {
	const pdg_host_api *api;  /* valid from init() to free() */
	uint64_t placeholders;    /* findings emitted by scan() */
	uint64_t files;           /* artifacts that had at least one */
};

/* --- matching -------------------------------------------------------- */

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Case-insensitive: does `lit` start at s[pos]? */
static int starts_ci(const char *s, size_t len, size_t pos, const char *lit)
{
	size_t n = strlen(lit);

	if (len - pos < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[pos + i]) !=
		    lower((unsigned char)lit[i]))
			return 0;
	return 1;
}

/*
 * Each matcher looks at line[pos] and returns the length of the
 * placeholder that starts there, or 0.  Matchers only read inside the
 * line: the artifact is untrusted input and need not be text at all.
 */
typedef size_t (*match_fn)(const char *line, size_t len, size_t pos);

static size_t match_literal_ci(const char *line, size_t len, size_t pos,
                               const char *lit)
{
	return starts_ci(line, len, pos, lit) ? strlen(lit) : 0;
}

static size_t match_more_info(const char *line, size_t len, size_t pos)
{
	/* What the Hugging Face model card template leaves behind. */
	return match_literal_ci(line, len, pos, "[More Information Needed]");
}

static size_t match_optional(const char *line, size_t len, size_t pos)
{
	return match_literal_ci(line, len, pos, "[optional]");
}

/* "{{ anything }}" on one line: an unrendered Jinja/Mustache field. */
static size_t match_braces(const char *line, size_t len, size_t pos)
{
	if (!starts_ci(line, len, pos, "{{"))
		return 0;
	for (size_t i = pos + 2; i + 1 < len; i++)
		if (line[i] == '}' && line[i + 1] == '}')
			return i + 2 - pos;
	return 0;
}

/* An upper-case marker standing alone: "TODO", "TODO:", "(TBD)" but not
 * "TODOS", "todo" or "MTBD", which are more likely words or names. */
static size_t match_word(const char *line, size_t len, size_t pos,
                         const char *word)
{
	size_t n = strlen(word);

	if (len - pos < n || memcmp(line + pos, word, n) != 0)
		return 0;
	if (pos > 0 && is_word((unsigned char)line[pos - 1]))
		return 0;
	if (pos + n < len && is_word((unsigned char)line[pos + n]))
		return 0;
	return n;
}

static size_t match_todo(const char *line, size_t len, size_t pos)
{
	return match_word(line, len, pos, "TODO");
}

static size_t match_tbd(const char *line, size_t len, size_t pos)
{
	return match_word(line, len, pos, "TBD");
}

/* "<your name>", "[Your Organisation]": a form field nobody filled. */
static size_t match_your(const char *line, size_t len, size_t pos)
{
	char close;

	if (line[pos] == '<')
		close = '>';
	else if (line[pos] == '[')
		close = ']';
	else
		return 0;
	if (!starts_ci(line, len, pos + 1, "your "))
		return 0;
	for (size_t i = pos + 6; i < len && i - pos <= EXAMPLE_MAX_YOUR; i++)
		if (line[i] == close)
			return i + 1 - pos;
	return 0;
}

static const match_fn matchers[] = {
	match_more_info, match_optional, match_braces,
	match_todo, match_tbd, match_your,
};

/* The leftmost placeholder in a line: its offset and length (0: none). */
static size_t find_placeholder(const char *line, size_t len, size_t *at)
{
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t m = 0; m < sizeof(matchers) / sizeof(*matchers);
		     m++) {
			size_t n = matchers[m](line, len, pos);
			if (n) {
				*at = pos;
				return n;
			}
		}
	}
	return 0;
}

/* A Markdown code fence (``` or ~~~, indented at most three spaces).
 * Model cards show chat templates in code blocks, and their "{{ }}" is
 * the point of the example, not a placeholder. */
static int is_fence(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && i < 3 && line[i] == ' ')
		i++;
	return len - i >= 3 &&
	       (memcmp(line + i, "```", 3) == 0 ||
	        memcmp(line + i, "~~~", 3) == 0);
}

/* --- the plugin callbacks ---------------------------------------------- */

/*
 * init(): once per audit, before any scan().  Keep the api pointer: it is
 * the only way to reach the host.  Fields that were appended to struct
 * pdg_host_api after ABI version 1 must be tested with PDG_HOST_HAS()
 * before use; everything used here exists since version 1, but an
 * explicit size check costs nothing and documents the assumption.
 */
static int example_init(const pdg_host_api *api, void **state)
{
	struct example_state *st;

	if (api->struct_size < offsetof(pdg_host_api, log) + sizeof(api->log))
		return -1;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	st->api = api;
	*state = st;
	return 0;
}

static int emit_placeholder(struct example_state *st, const pdg_artifact *a,
                            pdg_emitter *out, const char *text, size_t n,
                            uint32_t line_no, int64_t offset)
{
	char quote[EXAMPLE_MAX_QUOTE + 1];
	char message[EXAMPLE_MAX_QUOTE + 64];
	/* Always start from PDG_FINDING_DESC_INIT: it sets struct_size, so
	 * a newer host knows which fields this plugin was built with, and
	 * gives every optional field its "unset" value. */
	pdg_finding_desc desc = PDG_FINDING_DESC_INIT;

	if (n > EXAMPLE_MAX_QUOTE)
		n = EXAMPLE_MAX_QUOTE;
	memcpy(quote, text, n);
	quote[n] = '\0';
	snprintf(message, sizeof(message),
	         "unfilled template placeholder \"%s\"", quote);

	desc.kind = PDG_FINDING_METADATA;
	desc.severity = PDG_SEVERITY_WARNING;
	desc.confidence = 1.0;
	/* Rules are stable ids, "<plugin>.<what>": policies match them. */
	desc.rule = "example.placeholder";
	desc.message = message;
	desc.subject = quote;
	/* path and component stay NULL: the host fills in the artifact's. */
	desc.line_start = line_no;
	desc.byte_offset = offset;
	/* emit() copies every string, so stack buffers are fine. */
	return st->api->emit(out, a, &desc);
}

/*
 * scan(): once per artifact whose kind is in the descriptor's `kinds`.
 * The artifact and everything read from it are borrowed until scan()
 * returns.  Returning <0 makes the host record an INPUT finding for this
 * artifact; it does not stop the audit.
 */
static int example_scan(void *state, const pdg_artifact *a,
                        pdg_emitter *out)
{
	struct example_state *st = state;
	const pdg_host_api *api = st->api;
	const uint8_t *data;
	size_t len, start = 0;
	uint32_t line_no = 0;
	uint64_t found = 0;
	int in_fence = 0;
	int md = api->artifact_kind(a) == PDG_KIND_MODEL_CARD;
	int rc;

	/* A Git LFS pointer is a stub naming the real file: nothing to do. */
	if (api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	/* The head is cached by the host and shared by every plugin, so
	 * asking for it is cheap; a short len means end of file or the
	 * host's limit. */
	rc = api->artifact_head(a, EXAMPLE_MAX_READ, &data, &len);
	if (rc < 0)
		return rc;
	if (len < api->artifact_size(a))
		api->log("example", "file larger than the read limit; only "
		         "its beginning was checked");

	while (start < len) {
		const char *line = (const char *)data + start;
		const uint8_t *nl = memchr(data + start, '\n', len - start);
		size_t n = nl ? (size_t)(nl - (data + start)) : len - start;
		size_t next = start + n + (nl ? 1 : 0);
		size_t at, plen;

		line_no++;
		if (n > 0 && line[n - 1] == '\r')
			n--;	/* CRLF files */
		if (md && is_fence(line, n)) {
			in_fence = !in_fence;
		} else if (!in_fence &&
		           (plen = find_placeholder(line, n, &at)) != 0) {
			rc = emit_placeholder(st, a, out, line + at, plen,
			                      line_no,
			                      (int64_t)(start + at));
			if (rc < 0)
				return rc;
			found++;
		}
		start = next;
	}
	st->placeholders += found;
	if (found)
		st->files++;
	return 0;
}

/*
 * finish(): once, after the last artifact, for findings about the whole
 * audit.  There is no artifact, so emit() gets NULL and the host takes the
 * source and component from the emitter; desc.path may stay NULL.
 * finish may be NULL in the descriptor when a plugin has nothing to add.
 */
static int example_finish(void *state, pdg_emitter *out)
{
	struct example_state *st = state;
	pdg_finding_desc desc = PDG_FINDING_DESC_INIT;
	char message[128];
	char props[96];

	if (st->placeholders == 0)
		return 0;
	snprintf(message, sizeof(message),
	         "%llu unfilled template placeholder%s in %llu file%s",
	         (unsigned long long)st->placeholders,
	         st->placeholders == 1 ? "" : "s",
	         (unsigned long long)st->files, st->files == 1 ? "" : "s");
	/* Typed facts go in properties, a JSON object as text. */
	snprintf(props, sizeof(props),
	         "{\"placeholders\":%llu,\"files\":%llu}",
	         (unsigned long long)st->placeholders,
	         (unsigned long long)st->files);
	desc.kind = PDG_FINDING_METADATA;
	desc.severity = PDG_SEVERITY_INFO;
	desc.rule = "example.summary";
	desc.message = message;
	desc.properties = props;
	return st->api->emit(out, NULL, &desc);
}

/* free(): must accept NULL (init() may have failed before setting it). */
static void example_free(void *state)
{
	free(state);
}

/*
 * The descriptor: one static constant.  The host checks abi_version (must
 * equal its own) and struct_size (fields are only ever appended, so the
 * host knows which exist), then that name, version, init, scan and free
 * are set and the name is [a-z0-9-]+.
 */
static const pdg_plugin example_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "example",
	.version = "1.0.0",
	.description = "unfilled template placeholders in model cards and "
	               "licence files",
	.kinds = PDG_KIND_BIT(PDG_KIND_MODEL_CARD) |
	         PDG_KIND_BIT(PDG_KIND_LICENSE),
	/* Not PDG_PLUGIN_THREAD_SAFE: scan() updates the counters without
	 * locks, so the host must not call it from several threads. */
	.flags = 0,
	.init = example_init,
	.scan = example_scan,
	.finish = example_finish,
	.free = example_free,
};

/*
 * The entry point: the one symbol a plugin exports (build with
 * -fvisibility=hidden and mark only this with PDG_PLUGIN_EXPORT).  The
 * host passes its ABI version so a plugin supporting several could pick;
 * returning NULL means "I cannot work with this host".
 */
PDG_PLUGIN_DEFINE(example_plugin)
