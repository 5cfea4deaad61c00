/*
 * pedigree/plugin.h - the detector plugin ABI.
 *
 * This is the only header a plugin needs.  A plugin is a shared object that
 * exports exactly one symbol, PDG_PLUGIN_ENTRY ("pdg_plugin_entry"), which
 * returns a pointer to a static, constant descriptor (struct pdg_plugin).
 *
 * Compatibility rules (checked by the host at load time):
 *  - pdg_plugin.abi_version must equal the host's PDG_PLUGIN_ABI_VERSION;
 *    it is bumped only on an incompatible change.
 *  - pdg_plugin.struct_size is sizeof(struct pdg_plugin) as the plugin was
 *    built.  A smaller size means an older plugin: fields past its end are
 *    treated as NULL/0.  Fields are only ever appended.
 *  - The host passes a struct pdg_host_api whose struct_size tells the plugin
 *    which host functions exist; use PDG_HOST_HAS() before calling a field
 *    that was appended after ABI version 1.
 *  - Finding descriptors passed to emit() carry their own struct_size.
 *
 * Detection modules extract facts and emit findings; they do not decide
 * whether a release passes.  Policies decide (see docs/policy.md).
 *
 * Lifetimes: everything the host hands to a plugin (artifacts, buffers,
 * strings) is borrowed and valid only during the callback that received it.
 * Strings in a finding descriptor are copied by emit().
 */
#ifndef PEDIGREE_PLUGIN_H
#define PEDIGREE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped on any incompatible change of this header. */
#define PDG_PLUGIN_ABI_VERSION 1u
/** Name of the one symbol every plugin exports. */
#define PDG_PLUGIN_ENTRY "pdg_plugin_entry"

#if defined(__GNUC__)
#define PDG_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PDG_PLUGIN_EXPORT
#endif

/** Define the entry symbol of a plugin whose descriptor is the static
 *  const pdg_plugin `desc`: `PDG_PLUGIN_DEFINE(my_plugin)` at file scope.
 *  The host checks abi_version and struct_size itself, so the entry has
 *  nothing to decide. */
#define PDG_PLUGIN_DEFINE(desc) \
	PDG_PLUGIN_EXPORT const struct pdg_plugin *pdg_plugin_entry( \
		uint32_t host_abi); \
	PDG_PLUGIN_EXPORT const struct pdg_plugin *pdg_plugin_entry( \
		uint32_t host_abi) \
	{ \
		(void)host_abi; \
		return &(desc); \
	}

/** What an artifact is.  Values are stable; new kinds are appended. */
typedef enum pdg_artifact_kind {
	PDG_KIND_OTHER = 0,     /**< nothing pedigree knows */
	PDG_KIND_MODEL_CARD,    /**< README.md / model card */
	PDG_KIND_LICENSE,       /**< LICENSE*, COPYING*, NOTICE*, USE_POLICY* */
	PDG_KIND_CONFIG,        /**< config.json, generation_config.json */
	PDG_KIND_SAFETENSORS,   /**< *.safetensors */
	PDG_KIND_GGUF,          /**< GGUF weights */
	PDG_KIND_PYTORCH_ZIP,   /**< torch.save zip checkpoint */
	PDG_KIND_PICKLE,        /**< raw pickle stream (legacy .bin/.pt/.pkl) */
	PDG_KIND_ONNX,          /**< *.onnx */
	PDG_KIND_TOKENIZER,     /**< tokenizer.json, tokenizer.model, vocab */
	PDG_KIND_DATASET,       /**< jsonl / json / csv / parquet shard */
	PDG_KIND_ARCHIVE,       /**< tar, tar.gz, tar.zst, zip, 7z */
	PDG_KIND_HDF5,          /**< HDF5: Keras .h5 models and weights */
	PDG_KIND_COUNT_         /**< not a kind: number of kinds */
} pdg_artifact_kind;

/** Bit for a kind in pdg_plugin.kinds. */
#define PDG_KIND_BIT(k) (1u << (unsigned)(k))

/** Artifact flags (pdg_host_api.artifact_flags). */
#define PDG_ARTIFACT_LFS_POINTER  (1u << 0) /**< a Git LFS pointer, not data */
#define PDG_ARTIFACT_IN_ARCHIVE   (1u << 1) /**< member of an archive */
#define PDG_ARTIFACT_SEQUENTIAL   (1u << 2) /**< read_at must move forward
                                                 beyond the buffered head */

/** Finding kinds.  Stable values; new kinds are appended. */
typedef enum pdg_finding_kind {
	PDG_FINDING_LICENSE = 0,    /**< a licence applies to a component */
	PDG_FINDING_TERMS,          /**< terms of service / use policy */
	PDG_FINDING_LINEAGE,        /**< an edge: base model, teacher, data */
	PDG_FINDING_DATASET_ORIGIN, /**< who generated training data */
	PDG_FINDING_SECURITY,       /**< unsafe serialisation, hostile input */
	PDG_FINDING_METADATA,       /**< facts about the artifact itself */
	PDG_FINDING_INPUT,          /**< input could not be fully read */
	PDG_FINDING_CONFLICT,       /**< inconsistency or broken obligation */
	PDG_FINDING_KIND_COUNT_
} pdg_finding_kind;

typedef enum pdg_severity {
	PDG_SEVERITY_INFO = 0,
	PDG_SEVERITY_WARNING = 1,
	PDG_SEVERITY_ERROR = 2
} pdg_severity;

/** An artifact handed to scan(); opaque, borrowed. */
typedef struct pdg_artifact pdg_artifact;
/** Where findings go; opaque, borrowed. */
typedef struct pdg_emitter pdg_emitter;

/**
 * A finding as a plugin describes it.  Initialise with
 * PDG_FINDING_DESC_INIT so struct_size is right, then set what you know.
 */
typedef struct pdg_finding_desc {
	uint32_t struct_size;      /**< sizeof(pdg_finding_desc) at build */
	pdg_finding_kind kind;
	pdg_severity severity;
	double confidence;         /**< 0..1 */
	const char *rule;          /**< stable id, "plugin.what" [required] */
	const char *message;       /**< one human sentence [required] */
	const char *subject;       /**< what it is about: licence id, base
	                                model id, provider... or NULL */
	const char *component;     /**< NULL: the artifact's component */
	const char *path;          /**< NULL: the artifact's path */
	uint32_t line_start;       /**< 1-based; 0 = no line */
	uint32_t line_end;         /**< 0 = same as line_start */
	int64_t byte_offset;       /**< -1 = none */
	const char *properties;    /**< NULL or a JSON object as text: typed
	                                extra facts (numbers, lists) */
} pdg_finding_desc;

#define PDG_FINDING_DESC_INIT \
	{ sizeof(pdg_finding_desc), PDG_FINDING_METADATA, PDG_SEVERITY_INFO, \
	  1.0, NULL, NULL, NULL, NULL, NULL, 0, 0, -1, NULL }

/**
 * A limit a plugin enforces against hostile input (docs/limits.md).  A
 * plugin lists its limits in pdg_plugin.limits; a user changes one with
 * `pedigree audit --limit NAME=VALUE`; the plugin reads the value in
 * force with pdg_limit_value().  Reaching a limit is a finding, never a
 * crash or an unbounded allocation.
 */
typedef struct pdg_limit_desc {
	const char *name;          /**< "<plugin name>.<what>", [a-z0-9.-] */
	uint64_t default_value;
	const char *description;   /**< one line for `pedigree plugins` */
} pdg_limit_desc;

/** Services the host offers plugins.  Append-only. */
typedef struct pdg_host_api {
	uint32_t abi_version;      /**< PDG_PLUGIN_ABI_VERSION of the host */
	uint32_t struct_size;      /**< sizeof(pdg_host_api) in the host */

	/** Path inside its source, '/'-separated; members of archives are
	 *  written "outer.tar.gz!/inner/file". */
	const char *(*artifact_path)(const pdg_artifact *a);
	pdg_artifact_kind (*artifact_kind)(const pdg_artifact *a);
	/** Size in bytes as the source declares it. */
	uint64_t (*artifact_size)(const pdg_artifact *a);
	/** PDG_ARTIFACT_* bits. */
	uint32_t (*artifact_flags)(const pdg_artifact *a);
	/** Hex commit id when the artifact comes from git, else NULL. */
	const char *(*artifact_commit)(const pdg_artifact *a);
	/** The component the artifact belongs to. */
	const char *(*artifact_component)(const pdg_artifact *a);

	/**
	 * Borrow the first bytes of the artifact: up to `max` bytes, further
	 * capped by the host's read limit.  *data stays valid until scan()
	 * returns.  Returns 0, or <0 with pdg_host_api.last_error() set; a
	 * short *len means end of file or the limit (compare artifact_size).
	 */
	int (*artifact_head)(const pdg_artifact *a, size_t max,
	                     const uint8_t **data, size_t *len);
	/**
	 * Copy up to `len` bytes at `offset` into buf.  Returns the count
	 * (0 at end) or <0.  With PDG_ARTIFACT_SEQUENTIAL, offsets past the
	 * buffered head must not go backwards (archives are streams).
	 */
	int64_t (*artifact_read_at)(const pdg_artifact *a, void *buf,
	                            size_t len, uint64_t offset);

	/** Record a finding.  Copies everything.  0 or <0. */
	int (*emit)(pdg_emitter *e, const pdg_artifact *a,
	            const pdg_finding_desc *f);

	/** Message of the last failed host call on this thread. */
	const char *(*last_error)(void);
	/** Write a diagnostic line to the host's log (stderr with -v). */
	void (*log)(const char *plugin, const char *message);

	/* --- appended after ABI version 1: check with PDG_HOST_HAS() --- */

	/** The value in force for limit `name`, which the calling plugin
	 *  declared in pdg_plugin.limits: what the user set, else the
	 *  declared default; `fallback` for a name it did not declare. */
	uint64_t (*limit)(pdg_emitter *e, const char *name,
	                  uint64_t fallback);
} pdg_host_api;

/** True when the host offers field f (appended after version 1). */
#define PDG_HOST_HAS(api, f) \
	((api)->struct_size >= offsetof(pdg_host_api, f) + sizeof((api)->f) \
	 && (api)->f != NULL)

/** Plugin descriptor flags. */
#define PDG_PLUGIN_THREAD_SAFE (1u << 0) /**< scan() may run concurrently */

/** A plugin describes itself with one static const instance of this. */
typedef struct pdg_plugin {
	uint32_t abi_version;      /**< PDG_PLUGIN_ABI_VERSION */
	uint32_t struct_size;      /**< sizeof(pdg_plugin) */
	const char *name;          /**< unique, [a-z0-9-]+ */
	const char *version;       /**< the plugin's own version */
	const char *description;   /**< one line for `pedigree plugins` */
	uint32_t kinds;            /**< PDG_KIND_BIT() mask it wants */
	uint32_t flags;            /**< PDG_PLUGIN_* */

	/** Once per audit. *state is passed back to every other call.
	 *  Returns 0 or <0 (the plugin is then skipped and reported). */
	int (*init)(const pdg_host_api *api, void **state);
	/** Once per artifact whose kind is in `kinds`. 0 or <0. */
	int (*scan)(void *state, const pdg_artifact *a, pdg_emitter *out);
	/** Once after the last artifact: cross-artifact findings, with
	 *  desc.path set (there is no artifact).  May be NULL. */
	int (*finish)(void *state, pdg_emitter *out);
	/** Release state; must accept NULL. */
	void (*free)(void *state);

	/* --- appended after ABI version 1 --- */

	/** The limits this plugin enforces, ended by an entry whose name is
	 *  NULL; or NULL.  At most PDG_PLUGIN_MAX_LIMITS. */
	const pdg_limit_desc *limits;
} pdg_plugin;

#define PDG_PLUGIN_MAX_LIMITS 64

/** The value in force for a limit the plugin declared: the user's
 *  --limit, else d->default_value (also with hosts that predate limits). */
static inline uint64_t pdg_limit_value(const pdg_host_api *api,
                                       pdg_emitter *e,
                                       const pdg_limit_desc *d)
{
	if (PDG_HOST_HAS(api, limit))
		return api->limit(e, d->name, d->default_value);
	return d->default_value;
}

/** The entry point's type. host_abi_version lets a plugin that supports
 *  several ABIs pick one; most return their descriptor unconditionally. */
typedef const pdg_plugin *(*pdg_plugin_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif
#endif /* PEDIGREE_PLUGIN_H */
