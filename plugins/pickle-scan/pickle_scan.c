/*
 * pickle_scan.c - name what a pickle would import when loaded, without
 * loading it.
 *
 * Loading a pickle imports and calls whatever globals it names, so a
 * checkpoint can run code on the machine of whoever opens it.  This plugin
 * walks the opcodes (pickle_walk.c), classifies every imported global
 * (imports.c) and reports the dangerous and unknown ones.  Raw pickles are
 * read from the artifact's head; torch.save zips are read as a stream with
 * libarchive and every *.pkl member is walked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include <pedigree/plugin.h>

#include "imports.h"
#include "pickle_walk.h"
#include "util.h"

/* Largest pickle (raw, or one zip member) walked; the host's max_read
 * caps raw pickles further.  data.pkl of a large model is a few MiB. */
#define PS_MAX_PICKLE ((size_t)256 << 20)
#define PS_READ_CHUNK ((size_t)64 << 10)
/* Distinct imports remembered per artifact; more is itself suspicious. */
#define PS_MAX_IMPORTS 4096
/* Zip members looked at: a torch zip has a handful of names per tensor. */
#define PS_MAX_MEMBERS 1000000

struct ps_state {
	const pdg_host_api *api;
};

struct ps_import {
	char *full;          /* "module.name" */
	pkw_class cls;
};

struct ps_scan {
	const pdg_host_api *api;
	const pdg_artifact *a;
	pdg_emitter *out;
	const char *member;  /* zip member being walked, or NULL */
	struct ps_import *imp;
	size_t nimp;
	size_t counts[3];
	int rc;              /* first emit() error */
};

/* --- findings --------------------------------------------------------- */

static void emit(struct ps_scan *s, pdg_finding_desc *d)
{
	char *path = NULL;
	int rc;

	if (s->member) {
		path = pdg_xasprintf("%s!/%s", s->api->artifact_path(s->a),
		                     s->member);
		d->path = path;
	}
	rc = s->api->emit(s->out, s->a, d);
	if (rc < 0 && s->rc == 0)
		s->rc = rc;
	free(path);
}

/* Printable copy of untrusted bytes for messages and subjects. */
static char *printable(const char *p, size_t n)
{
	size_t keep = n > 200 ? 200 : n;
	char *s = pdg_xmalloc(keep + 4);

	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)p[i];

		s[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	memcpy(s + keep, n > keep ? "..." : "", n > keep ? 4 : 1);
	return s;
}

static int import_seen(struct ps_scan *s, const char *full)
{
	for (size_t i = 0; i < s->nimp; i++)
		if (!strcmp(s->imp[i].full, full))
			return 1;
	return 0;
}

static void report_import(struct ps_scan *s, const char *full,
                          pkw_class cls, const pkw_import *imp)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char *msg;

	if (cls == PKW_SAFE)
		return;
	if (imp->how == PKW_COMPUTED)
		msg = pdg_xasprintf("pickle imports a global whose name is "
		                    "computed at load time: it cannot be "
		                    "checked and may run code");
	else if (imp->how == PKW_EXTENSION)
		msg = pdg_xasprintf("pickle imports copyreg extension %u, "
		                    "whatever the loading process registered",
		                    imp->ext_code);
	else if (cls == PKW_DANGEROUS)
		msg = pdg_xasprintf("pickle imports %s: calling it would run "
		                    "code", full);
	else
		msg = pdg_xasprintf("pickle imports %s, which is not known "
		                    "to be safe to load", full);
	d.kind = PDG_FINDING_SECURITY;
	d.severity = cls == PKW_DANGEROUS ? PDG_SEVERITY_ERROR :
	             PDG_SEVERITY_WARNING;
	d.rule = cls == PKW_DANGEROUS ? "pickle.dangerous-import" :
	         "pickle.unknown-import";
	d.message = msg;
	d.subject = full;
	d.byte_offset = (int64_t)imp->offset;
	emit(s, &d);
	free(msg);
}

static int on_import(void *ctx, const pkw_import *imp)
{
	struct ps_scan *s = ctx;
	char *mod = printable(imp->module, imp->module_len);
	char *name = printable(imp->name, imp->name_len);
	char *full = imp->how == PKW_COMPUTED ? pdg_xstrdup("<computed>") :
	             pdg_xasprintf("%s.%s", mod, name);
	pkw_class cls;

	if (imp->how == PKW_COMPUTED)
		cls = PKW_DANGEROUS;
	else if (imp->how == PKW_EXTENSION)
		cls = PKW_UNKNOWN;
	else
		cls = pkw_classify(imp->module, imp->module_len, imp->name,
		                   imp->name_len);
	free(mod);
	free(name);
	/* Each distinct global is reported once, at its first use. */
	if (import_seen(s, full) || s->nimp >= PS_MAX_IMPORTS) {
		free(full);
		return 0;
	}
	report_import(s, full, cls, imp);
	s->imp = pdg_xrealloc(s->imp, (s->nimp + 1) * sizeof(*s->imp));
	s->imp[s->nimp].full = full;
	s->imp[s->nimp].cls = cls;
	s->nimp++;
	s->counts[cls]++;
	return 0;
}

static void report_problem(struct ps_scan *s, const pkw_result *r,
                           int partial)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char *msg;

	if (partial && r->truncated) {
		msg = pdg_xasprintf("pickle longer than the read limit: "
		                    "imports after byte %llu were not checked",
		                    (unsigned long long)r->offset);
		d.severity = PDG_SEVERITY_INFO;
		d.rule = "pickle.partial";
	} else {
		msg = pdg_xasprintf("malformed pickle at byte %llu: %s",
		                    (unsigned long long)r->offset,
		                    r->message);
		d.severity = PDG_SEVERITY_WARNING;
		d.rule = "pickle.malformed";
	}
	d.kind = PDG_FINDING_INPUT;
	d.message = msg;
	d.byte_offset = (int64_t)r->offset;
	emit(s, &d);
	free(msg);
}

static void report_summary(struct ps_scan *s, size_t pickles)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	json_t *props = json_object();
	json_t *list = json_array();
	char *text, *msg;

	for (size_t i = 0; i < s->nimp; i++)
		json_array_append_new(list, json_string(s->imp[i].full));
	json_object_set_new(props, "imports", list);
	json_object_set_new(props, "safe",
	                    json_integer((json_int_t)s->counts[PKW_SAFE]));
	json_object_set_new(props, "unknown",
	                    json_integer((json_int_t)s->counts[PKW_UNKNOWN]));
	json_object_set_new(props, "dangerous",
	                    json_integer(
	                        (json_int_t)s->counts[PKW_DANGEROUS]));
	json_object_set_new(props, "pickles",
	                    json_integer((json_int_t)pickles));
	text = json_dumps(props, JSON_COMPACT | JSON_ENSURE_ASCII);
	msg = pdg_xasprintf("pickle imports %zu globals: %zu safe, "
	                    "%zu unknown, %zu dangerous", s->nimp,
	                    s->counts[PKW_SAFE], s->counts[PKW_UNKNOWN],
	                    s->counts[PKW_DANGEROUS]);
	d.kind = PDG_FINDING_SECURITY;
	d.rule = "pickle.imports";
	d.message = msg;
	d.properties = text;
	emit(s, &d);
	free(msg);
	free(text);
	json_decref(props);
}

/* --- raw pickles ------------------------------------------------------ */

static size_t walk_buffer(struct ps_scan *s, const uint8_t *data,
                          size_t len, int partial)
{
	pkw_result r;

	pkw_walk(&r, data, len, on_import, s);
	if (!r.ok)
		report_problem(s, &r, partial);
	return r.pickles;
}

static int scan_raw(struct ps_scan *s)
{
	const uint8_t *data;
	size_t len;
	int rc = s->api->artifact_head(s->a, PS_MAX_PICKLE, &data, &len);

	if (rc < 0)
		return rc;
	return (int)walk_buffer(s, data, len,
	                        len < s->api->artifact_size(s->a));
}

/* --- torch.save zips -------------------------------------------------- */

struct zip_src {
	struct ps_scan *s;
	uint64_t pos;
	uint8_t buf[PS_READ_CHUNK];
};

static la_ssize_t zip_read(struct archive *ar, void *ctx, const void **out)
{
	struct zip_src *z = ctx;
	int64_t n = z->s->api->artifact_read_at(z->s->a, z->buf,
	                                        sizeof(z->buf), z->pos);

	if (n < 0) {
		archive_set_error(ar, -1, "%s", z->s->api->last_error());
		return -1;
	}
	z->pos += (uint64_t)n;
	*out = z->buf;
	return (la_ssize_t)n;
}

static int is_pickle_member(const char *name)
{
	return name && pdg_ends_with_ci(name, ".pkl");
}

/* Read the current member whole (up to the cap); 1 if cut short. */
static int member_read(struct archive *ar, pdg_buf *b, int *err)
{
	char chunk[16384];
	la_ssize_t n;

	*err = 0;
	while ((n = archive_read_data(ar, chunk, sizeof(chunk))) > 0) {
		if (b->len + (size_t)n > PS_MAX_PICKLE)
			return 1;
		pdg_buf_put(b, chunk, (size_t)n);
	}
	if (n < 0)
		*err = 1;
	return 0;
}

static void zip_problem(struct ps_scan *s, struct archive *ar)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char *msg = pdg_xasprintf("could not read the checkpoint zip: %s",
	                          archive_error_string(ar) ?
	                          archive_error_string(ar) : "unknown error");

	d.kind = PDG_FINDING_INPUT;
	d.severity = PDG_SEVERITY_WARNING;
	d.rule = "pickle.malformed";
	d.message = msg;
	emit(s, &d);
	free(msg);
}

static size_t scan_member(struct ps_scan *s, struct archive *ar,
                          const char *name, int *bad)
{
	pdg_buf b = { 0 };
	int err;
	int cut = member_read(ar, &b, &err);
	size_t n;

	*bad = err;
	s->member = name;
	n = walk_buffer(s, (const uint8_t *)(b.ptr ? b.ptr : ""), b.len,
	                cut || err);
	s->member = NULL;
	pdg_buf_free(&b);
	return n;
}

static int scan_zip(struct ps_scan *s)
{
	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	struct zip_src *z = pdg_xcalloc(1, sizeof(*z));
	size_t pickles = 0, members = 0;
	int rc, bad = 0;

	z->s = s;
	archive_read_support_format_zip(ar);
	rc = archive_read_open2(ar, z, NULL, zip_read, NULL, NULL);
	while (rc == ARCHIVE_OK && members++ < PS_MAX_MEMBERS &&
	       (rc = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
		char *name;

		if (!is_pickle_member(archive_entry_pathname(e)))
			continue;
		name = pdg_xstrdup(archive_entry_pathname(e));
		pickles += scan_member(s, ar, name, &bad);
		free(name);
		if (bad) {
			rc = ARCHIVE_FATAL;
			break;
		}
	}
	if (rc != ARCHIVE_EOF && rc != ARCHIVE_OK)
		zip_problem(s, ar);
	archive_read_free(ar);
	free(z);
	return (int)pickles;
}

/* --- the plugin ------------------------------------------------------- */

static int ps_init(const pdg_host_api *api, void **state)
{
	struct ps_state *st = pdg_xcalloc(1, sizeof(*st));

	st->api = api;
	*state = st;
	return 0;
}

static int ps_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	struct ps_state *st = state;
	struct ps_scan s;
	int pickles;

	memset(&s, 0, sizeof(s));
	s.api = st->api;
	s.a = a;
	s.out = out;
	if (s.api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	if (s.api->artifact_kind(a) == PDG_KIND_PYTORCH_ZIP)
		pickles = scan_zip(&s);
	else
		pickles = scan_raw(&s);
	if (pickles > 0)
		report_summary(&s, (size_t)pickles);
	for (size_t i = 0; i < s.nimp; i++)
		free(s.imp[i].full);
	free(s.imp);
	if (pickles < 0)
		return pickles;
	return s.rc;
}

static void ps_free(void *state)
{
	free(state);
}

static const pdg_plugin pickle_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = "pickle-scan",
	.version = "1.0.0",
	.description = "globals that pickles and torch.save checkpoints "
	               "would import when loaded, without loading them",
	.kinds = PDG_KIND_BIT(PDG_KIND_PICKLE) |
	         PDG_KIND_BIT(PDG_KIND_PYTORCH_ZIP),
	.flags = PDG_PLUGIN_THREAD_SAFE,
	.init = ps_init,
	.scan = ps_scan,
	.finish = NULL,
	.free = ps_free,
};

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi);

PDG_PLUGIN_EXPORT const pdg_plugin *pdg_plugin_entry(uint32_t host_abi)
{
	(void)host_abi;
	return &pickle_plugin;
}
