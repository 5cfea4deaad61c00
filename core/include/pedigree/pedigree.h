/*
 * pedigree/pedigree.h - the libpedigree API used by the CLI and embedders.
 *
 * Conventions (libgit2's): functions return 0 or a negative PDG_E* code and
 * set a per-thread message read with pdg_error_last(); out-parameters come
 * first and a single one is named `out`; every _new/_open has a _free that
 * accepts NULL.  Strings returned by accessors are borrowed from the object
 * they came from.
 */
#ifndef PEDIGREE_PEDIGREE_H
#define PEDIGREE_PEDIGREE_H

#include <stdint.h>
#include <stdio.h>

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PDG_EXTERN __attribute__((visibility("default")))
#else
#define PDG_EXTERN
#endif

#define PDG_VERSION "0.1.0"

/** Status codes.  0 is success. */
enum {
	PDG_OK = 0,
	PDG_ERROR = -1,        /**< internal error */
	PDG_EINVALID = -2,     /**< unusable input (exit status 2) */
	PDG_ENOTFOUND = -3,    /**< a path, revision or id does not exist */
	PDG_ENOMEM = -4,
	PDG_ELIMIT = -5,       /**< a configured limit was reached */
	PDG_EABI = -6,         /**< plugin ABI mismatch */
	PDG_EIO = -7,          /**< read error */
	PDG_EUSAGE = -8,       /**< bad arguments (exit status 2) */
	PDG_EUNSUPPORTED = -9  /**< a format or operation not supported */
};

/** Message of the last error on this thread.  Never NULL; do not free. */
PDG_EXTERN const char *pdg_error_last(void);
/** Code of the last error on this thread (0 when none). */
PDG_EXTERN int pdg_error_code(void);

/** Limits that hold whatever the input (docs/limits.md). */
typedef struct pdg_limits {
	uint64_t max_read;          /**< largest prefix of one artifact held
	                                 in memory (headers, licence text) */
	uint64_t max_expand;        /**< bytes decompressed per top source */
	uint32_t max_archive_depth; /**< nesting of archives in archives */
	uint32_t max_dir_depth;     /**< directory nesting */
	uint64_t max_files;         /**< artifacts per source */
	uint32_t max_history;       /**< commits of a git repository's
	                                 history searched for licence
	                                 changes; 0 = none */
	uint64_t max_expand_ratio;  /**< bytes decompressed per byte read,
	                                 once 64 MiB were decompressed */
	uint64_t max_findings;      /**< findings of one rule per input */
	uint64_t max_artifacts;     /**< artifacts listed in the report */
} pdg_limits;

/* Designated: fields are appended, and a positional list would silently
 * shift when they are. */
#define PDG_LIMITS_DEFAULT \
	{ .max_read = 16u << 20, .max_expand = 8ull << 30, \
	  .max_archive_depth = 8, .max_dir_depth = 256, \
	  .max_files = 10000000, .max_expand_ratio = 250, \
	  .max_findings = 1000, .max_artifacts = 100000, \
	  .max_history = 1000 }

/** What the policy makes of a finding. */
typedef enum pdg_verdict {
	PDG_VERDICT_PASS = 0,
	PDG_VERDICT_WARN,
	PDG_VERDICT_FAIL
} pdg_verdict;

/** One finding, read-only to callers. */
typedef struct pdg_finding {
	pdg_finding_kind kind;
	pdg_severity severity;
	double confidence;
	const char *rule;
	const char *message;
	const char *subject;     /**< may be NULL */
	const char *component;
	const char *plugin;      /**< detector that emitted it; "core" */
	/* evidence */
	const char *source;      /**< the path the user passed */
	const char *path;        /**< inside the source; may be NULL */
	const char *commit;      /**< may be NULL */
	uint32_t line_start;     /**< 0 = none */
	uint32_t line_end;
	int64_t byte_offset;     /**< -1 = none */
	const char *properties;  /**< JSON object text or NULL */
	/* set by pdg_audit_finish() */
	pdg_verdict verdict;
	const char *verdict_reason; /**< why, citing the policy */
} pdg_finding;

typedef struct pdg_audit pdg_audit;

/** A plugin limit set by the user (`--limit NAME=VALUE`). */
typedef struct pdg_limit_setting {
	const char *name;           /**< as a plugin declared it */
	uint64_t value;
} pdg_limit_setting;

typedef struct pdg_audit_options {
	unsigned int version;       /**< PDG_AUDIT_OPTIONS_VERSION */
	const char *rev;            /**< git revision for repositories */
	const char *plugin_path;    /**< extra ':'-separated plugin dirs,
	                                 searched first; NULL = env only */
	pdg_severity fail_on;       /**< severity that fails the audit */
	int no_fail;                /**< never fail on findings */
	int progress;               /**< progress lines on stderr */
	int verbose;                /**< plugin log lines on stderr */
	pdg_limits limits;
	/** Plugin limits to change; each name must be declared by a loaded
	 *  plugin (pdg_audit_new() fails with PDG_EUSAGE otherwise). */
	const pdg_limit_setting *plugin_limits;
	size_t nplugin_limits;
} pdg_audit_options;

#define PDG_AUDIT_OPTIONS_VERSION 1
#define PDG_AUDIT_OPTIONS_INIT \
	{ PDG_AUDIT_OPTIONS_VERSION, NULL, NULL, PDG_SEVERITY_ERROR, 0, 0, 0, \
	  PDG_LIMITS_DEFAULT, NULL, 0 }

/** Create an audit and load plugins.  Plugin load failures are recorded
 *  (see pdg_plugins_*), not fatal. */
PDG_EXTERN int pdg_audit_new(pdg_audit **out, const pdg_audit_options *o);
/** Read one input: directory, git repository, archive or single file.
 *  Returns PDG_EINVALID / PDG_ENOTFOUND for unusable input; partial input
 *  (a truncated archive) returns 0 and records an INPUT finding. */
PDG_EXTERN int pdg_audit_add_path(pdg_audit *a, const char *path);
/** Read a local copy of an upstream component (a base model or teacher the
 *  audited model names by `id`, e.g. "google/gemma-2-9b-it"): its files
 *  decide the component's licence instead of the knowledge base's
 *  catalogue.  Same inputs and errors as pdg_audit_add_path(). */
PDG_EXTERN int pdg_audit_add_component(pdg_audit *a, const char *id,
                                       const char *path);
/** Read a training dataset of the audited models: its licence and what
 *  generated its records flow to every model of the audit. */
PDG_EXTERN int pdg_audit_add_dataset(pdg_audit *a, const char *path);
/** Judge the audit by the policy in `path` (YAML, docs/policy.md), or by
 *  a built-in one named "default", "release" or "research-only".  Without
 *  it the built-in default applies.  PDG_EINVALID names FILE:LINE. */
PDG_EXTERN int pdg_audit_set_policy(pdg_audit *a, const char *path);
/** Name of the policy in force (after pdg_audit_finish), or NULL. */
PDG_EXTERN const char *pdg_audit_policy_name(const pdg_audit *a);
/** Run plugins' finish() hooks, sort findings, compute the verdict. */
PDG_EXTERN int pdg_audit_finish(pdg_audit *a);
/** 1 when a finding fails the audit (after pdg_audit_finish). */
PDG_EXTERN int pdg_audit_failed(const pdg_audit *a);
PDG_EXTERN size_t pdg_audit_finding_count(const pdg_audit *a);
PDG_EXTERN const pdg_finding *pdg_audit_finding(const pdg_audit *a,
                                                size_t i);
PDG_EXTERN void pdg_audit_free(pdg_audit *a);

typedef enum pdg_report_format {
	PDG_REPORT_TEXT = 0,
	PDG_REPORT_JSON,
	PDG_REPORT_SARIF,       /**< SARIF 2.1.0, for code scanning */
	PDG_REPORT_MARKDOWN,    /**< for pull requests and wikis */
	PDG_REPORT_HTML,        /**< one self-contained page */
	PDG_REPORT_SPDX,        /**< SPDX 3.0.1 JSON-LD, AI and Dataset */
	PDG_REPORT_CYCLONEDX    /**< CycloneDX 1.6 JSON */
} pdg_report_format;

/** Parse a format name ("text", "json", "sarif", "markdown", "html",
 *  "spdx", "cyclonedx"); PDG_EUSAGE for anything else. */
PDG_EXTERN int pdg_report_format_parse(pdg_report_format *out,
                                       const char *name);
/** Write the report of a finished audit.  `color` only affects text.
 *  Formats that must carry a time (SPDX) use $SOURCE_DATE_EPOCH, else
 *  1970-01-01T00:00:00Z: never the clock (docs/report.md). */
PDG_EXTERN int pdg_report_write(const pdg_audit *a, pdg_report_format f,
                                FILE *out, int color);

/* Plugin discovery, for `pedigree plugins`. */
typedef struct pdg_plugin_set pdg_plugin_set;

typedef struct pdg_plugin_info {
	const char *name;        /**< NULL when it failed before naming */
	const char *version;
	const char *description;
	const char *path;
	uint32_t abi_version;    /**< as the plugin declared it */
	uint32_t kinds;
	int loaded;              /**< 1 loaded, 0 refused */
	const char *error;       /**< why it was refused, or NULL */
	const pdg_limit_desc *limits; /**< ended by a NULL name, or NULL */
} pdg_plugin_info;

/** Find and load plugins from extra_path (':'-separated, may be NULL),
 *  $PEDIGREE_PLUGIN_PATH, the build tree and the installed directory. */
PDG_EXTERN int pdg_plugin_set_load(pdg_plugin_set **out,
                                   const char *extra_path);
PDG_EXTERN size_t pdg_plugin_set_count(const pdg_plugin_set *s);
PDG_EXTERN int pdg_plugin_set_info(pdg_plugin_info *out,
                                   const pdg_plugin_set *s, size_t i);
PDG_EXTERN void pdg_plugin_set_free(pdg_plugin_set *s);

/** Stable lower-case names used in reports and --help. */
PDG_EXTERN const char *pdg_artifact_kind_name(pdg_artifact_kind k);
PDG_EXTERN const char *pdg_finding_kind_name(pdg_finding_kind k);
PDG_EXTERN const char *pdg_severity_name(pdg_severity s);
PDG_EXTERN int pdg_severity_parse(pdg_severity *out, const char *name);
PDG_EXTERN const char *pdg_verdict_name(pdg_verdict v);

#ifdef __cplusplus
}
#endif
#endif /* PEDIGREE_PEDIGREE_H */
