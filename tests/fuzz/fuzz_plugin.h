/* fuzz_plugin.h - run a plugin's scan() on the fuzzer's bytes, through
 * the host's real artifact reader (artifact.c: head cache, max_read,
 * forward-only reads of archive members) and a host API whose emit()
 * checks every finding the way a report would need it: a rule, a
 * message, properties that are a JSON object.  A violation aborts, so
 * the fuzzer reports it.
 *
 * The target is linked with the plugin's sources and calls
 * fuzz_plugin_run(kind, path, sequential, data, size).
 */
#ifndef PDG_FUZZ_PLUGIN_H
#define PDG_FUZZ_PLUGIN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_common.h"
#include "pedigree/plugin.h"

const pdg_plugin *pdg_plugin_entry(uint32_t host_abi);

static const char *fz_path(const pdg_artifact *a)
{
	return a->path;
}

static pdg_artifact_kind fz_kind(const pdg_artifact *a)
{
	return a->kind;
}

static uint64_t fz_size(const pdg_artifact *a)
{
	return a->size;
}

static uint32_t fz_flags(const pdg_artifact *a)
{
	return a->flags;
}

static const char *fz_commit(const pdg_artifact *a)
{
	(void)a;
	return NULL;
}

static const char *fz_component(const pdg_artifact *a)
{
	return a->component;
}

static int fz_head(const pdg_artifact *a, size_t max, const uint8_t **d,
                   size_t *len)
{
	return pdg_artifact_head((struct pdg_artifact *)a, max, d, len);
}

static int64_t fz_read_at(const pdg_artifact *a, void *buf, size_t len,
                          uint64_t off)
{
	return pdg_artifact_read_at((struct pdg_artifact *)a, buf, len, off);
}

static void fz_check_text(const char *s)
{
	/* Touch every byte: ASan sees a string that is not terminated. */
	if (s && strlen(s) > ((size_t)1 << 24))
		abort();
}

static int fz_emit(pdg_emitter *e, const pdg_artifact *a,
                   const pdg_finding_desc *f)
{
	(void)e;
	(void)a;
	if (!f || f->struct_size != sizeof(*f) || !f->rule || !f->message)
		abort();
	if ((unsigned)f->kind >= PDG_FINDING_KIND_COUNT_ ||
	    (unsigned)f->severity > PDG_SEVERITY_ERROR)
		abort();
	fz_check_text(f->rule);
	fz_check_text(f->message);
	fz_check_text(f->subject);
	fz_check_text(f->path);
	if (f->properties) {
		json_error_t err;
		json_t *p = json_loads(f->properties, 0, &err);

		if (!json_is_object(p))
			abort();
		json_decref(p);
	}
	return 0;
}

static const char *fz_last_error(void)
{
	return "fuzz";
}

static void fz_log(const char *plugin, const char *message)
{
	fz_check_text(plugin);
	fz_check_text(message);
}

/* Tight limits where the plugin declares them: small inputs reach them. */
static uint64_t fz_limit(pdg_emitter *e, const char *name, uint64_t dflt)
{
	(void)e;
	(void)name;
	return dflt > 4096 ? 4096 : dflt;
}

static const pdg_host_api fz_api = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_host_api),
	.artifact_path = fz_path,
	.artifact_kind = fz_kind,
	.artifact_size = fz_size,
	.artifact_flags = fz_flags,
	.artifact_commit = fz_commit,
	.artifact_component = fz_component,
	.artifact_head = fz_head,
	.artifact_read_at = fz_read_at,
	.emit = fz_emit,
	.last_error = fz_last_error,
	.log = fz_log,
	.limit = fz_limit,
};


/* Scan data as an artifact of `kind` named `path`; `sequential` makes it
 * read like an archive member; `tight` selects the small limits. */
static void fuzz_plugin_run(pdg_artifact_kind kind, const char *path,
                            int sequential, int tight, const uint8_t *data,
                            size_t size)
{
	/* init() once per host API: plugins may load data (the knowledge
	 * base) there, and the state lives as long as an audit does. */
	static void *states[2];
	static int ready[2];
	/* Without tight limits, a host that predates limit(): the plugin's
	 * defaults are in force. */
	static pdg_host_api v1;
	const pdg_plugin *p = pdg_plugin_entry(PDG_PLUGIN_ABI_VERSION);
	const pdg_host_api *api = tight ? &fz_api : &v1;
	struct pdg_artifact a;
	struct pdg_mem_stream m = { data, size };

	if (!v1.struct_size) {
		v1 = fz_api;
		v1.struct_size = offsetof(pdg_host_api, limit);
		v1.limit = NULL;
	}
	tight = !!tight;
	if (!ready[tight]) {
		if (p->init(api, &states[tight]) != 0)
			abort();
		ready[tight] = 1;
	}
	mem_artifact(&a, &m, path);
	a.kind = kind;
	a.max_read = 64u << 10;
	if (sequential)
		a.flags |= PDG_ARTIFACT_IN_ARCHIVE | PDG_ARTIFACT_SEQUENTIAL;
	(void)p->scan(states[tight], &a, (pdg_emitter *)&m);
	pdg_artifact_release(&a);
}

#endif
