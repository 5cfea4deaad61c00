/*
 * pickle_scan.c - name what a pickle would import and call when loaded,
 * without loading it.
 *
 * Loading a pickle imports and calls whatever globals it names, so a
 * checkpoint can run code on the machine of whoever opens it.  This plugin
 * walks the opcodes (pickle_walk.c), classifies every imported global by
 * the rules in imports.rules (imports.c) and reports the dangerous and
 * unknown ones, saying which of them the pickle calls.  Everything is
 * streamed: raw pickles and legacy torch.save files through the host's
 * reader, torch.save zips through libarchive, each *.pkl member walked as
 * it is decompressed.  Memory stays within the limits below whatever the
 * size of the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <xxhash.h>

#include <pedigree/plugin.h>

#include "imports.h"
#include "pickle_walk.h"
#include "util.h"

#define PS_NAME "pickle-scan"
#define PS_READ_CHUNK ((size_t)64 << 10)

/* Limits against hostile pickles (docs/limits.md). */
enum {
	PS_LIM_BYTES, PS_LIM_STACK, PS_LIM_MEMO, PS_LIM_STRING, PS_LIM_KEPT,
	PS_LIM_PICKLES, PS_LIM_IMPORTS, PS_LIM_MEMBERS, PS_LIM_COUNT
};

static const pdg_limit_desc ps_limits[] = {
	[PS_LIM_BYTES] = { PS_NAME ".max-bytes", (uint64_t)1 << 30,
		"bytes walked per pickle stream, and decompressed per "
		"checkpoint zip" },
	[PS_LIM_STACK] = { PS_NAME ".max-stack", (uint64_t)1 << 20,
		"entries of the modelled unpickler stack, and of its marks" },
	[PS_LIM_MEMO] = { PS_NAME ".max-memo", (uint64_t)1 << 20,
		"memo entries of one pickle" },
	[PS_LIM_STRING] = { PS_NAME ".max-string", 1024,
		"longest string literal kept to name STACK_GLOBAL imports" },
	[PS_LIM_KEPT] = { PS_NAME ".max-kept", (uint64_t)32 << 20,
		"bytes of string literals kept per pickle" },
	[PS_LIM_PICKLES] = { PS_NAME ".max-pickles", 16,
		"pickles chained in one stream" },
	[PS_LIM_IMPORTS] = { PS_NAME ".max-imports", 4096,
		"distinct imports reported per artifact" },
	[PS_LIM_MEMBERS] = { PS_NAME ".max-members", 1000000,
		"members of one checkpoint zip looked at" },
	[PS_LIM_COUNT] = { NULL, 0, NULL },
};

struct ps_state {
	const pdg_host_api *api;
};

/* One distinct global, as first seen. */
struct ps_import {
	char *full;          /* "module.name" */
	char *member;        /* zip member it was first seen in, or NULL */
	pkw_class cls;
	pkw_how how;
	uint32_t ext_code;
	uint64_t offset;     /* of the first import */
	const char *call_op; /* first opcode that calls it, or NULL */
	uint64_t call_offset;
};

struct ps_scan {
	const pdg_host_api *api;
	const pdg_artifact *a;
	pdg_emitter *out;
	uint64_t lim[PS_LIM_COUNT];
	pkw_limits walk_lim;
	const char *member;  /* zip member being walked, or NULL */
	struct ps_import *imp;
	size_t nimp;
	/* Distinct imports by name: a pickle may repeat a GLOBAL millions
	 * of times, so the lookup is a hash, seeded where the input cannot
	 * see it. */
	uint32_t *slots;     /* index + 1 into imp, 0 empty; power of two */
	size_t slot_cap;
	uint64_t seed;
	size_t counts[3];
	size_t calls;        /* imports some opcode calls */
	int dropped;         /* imports past max-imports were not kept */
	int legacy;          /* a legacy torch.save file */
	int rc;              /* first emit() error */
};

/* --- findings --------------------------------------------------------- */

static void emit_at(struct ps_scan *s, pdg_finding_desc *d,
                    const char *member)
{
	char *path = NULL;
	int rc;

	if (member) {
		path = pdg_xasprintf("%s!/%s", s->api->artifact_path(s->a),
		                     member);
		d->path = path;
	}
	rc = s->api->emit(s->out, s->a, d);
	if (rc < 0 && s->rc == 0)
		s->rc = rc;
	free(path);
}

/* Printable copy of untrusted bytes for messages and subjects, at most
 * 200 of them (then "..."); returns the length written. */
#define PS_NAME_PART 200

static size_t printable(char *dst, const char *p, size_t n)
{
	size_t keep = n > PS_NAME_PART ? PS_NAME_PART : n;

	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)p[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (n > keep) {
		memcpy(dst + keep, "...", 3);
		keep += 3;
	}
	return keep;
}

static char *import_message(const struct ps_import *e)
{
	char called[96] = "";

	if (e->call_op)
		snprintf(called, sizeof(called), " and calls it (%s at byte "
		         "%llu)", e->call_op,
		         (unsigned long long)e->call_offset);
	if (e->how == PKW_COMPUTED)
		return pdg_xasprintf("pickle imports a global whose name is "
		                     "computed at load time%s: it cannot be "
		                     "checked and may run code", called);
	if (e->how == PKW_EXTENSION)
		return pdg_xasprintf("pickle imports copyreg extension %u%s, "
		                     "whatever the loading process registered",
		                     e->ext_code, called);
	if (e->cls == PKW_DANGEROUS)
		return e->call_op ?
			pdg_xasprintf("pickle imports %s%s: loading it runs "
			              "code", e->full, called) :
			pdg_xasprintf("pickle imports %s: calling it would "
			              "run code", e->full);
	return pdg_xasprintf("pickle imports %s%s, which is not known to "
	                     "be safe to load", e->full, called);
}

static void report_import(struct ps_scan *s, const struct ps_import *e)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char *msg, *props = NULL;

	if (e->cls == PKW_SAFE)
		return;
	msg = import_message(e);
	if (e->call_op)
		props = pdg_xasprintf("{\"called_by\":\"%s\","
		                      "\"call_offset\":%llu}", e->call_op,
		                      (unsigned long long)e->call_offset);
	d.kind = PDG_FINDING_SECURITY;
	d.severity = e->cls == PKW_DANGEROUS ? PDG_SEVERITY_ERROR :
	             PDG_SEVERITY_WARNING;
	d.rule = e->cls == PKW_DANGEROUS ? "pickle.dangerous-import" :
	         "pickle.unknown-import";
	d.message = msg;
	d.subject = e->full;
	d.byte_offset = (int64_t)e->offset;
	d.properties = props;
	emit_at(s, &d, e->member);
	free(msg);
	free(props);
}

/* The slot of `full` in s->slots: where it is, or the empty one where it
 * would go. */
static uint32_t *import_slot(struct ps_scan *s, const char *full, size_t n)
{
	size_t mask = s->slot_cap - 1;
	size_t h = (size_t)XXH3_64bits_withSeed(full, n, s->seed) & mask;

	while (s->slots[h] && strcmp(s->imp[s->slots[h] - 1].full, full))
		h = (h + 1) & mask;
	return &s->slots[h];
}

static void import_grow(struct ps_scan *s)
{
	uint32_t *old = s->slots;
	size_t old_cap = s->slot_cap;

	s->slot_cap = old_cap ? old_cap * 2 : 64;
	s->slots = pdg_xcalloc(s->slot_cap, sizeof(*s->slots));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i]) {
			const char *f = s->imp[old[i] - 1].full;

			*import_slot(s, f, strlen(f)) = old[i];
		}
	free(old);
}

static int on_import(void *ctx, const pkw_import *imp, uint32_t *tag)
{
	struct ps_scan *s = ctx;
	char full[2 * (PS_NAME_PART + 3) + 2];
	struct ps_import *e;
	uint32_t *slot;
	pkw_class cls;
	size_t n;

	if (imp->how == PKW_COMPUTED) {
		n = (size_t)snprintf(full, sizeof(full), "<computed>");
	} else {
		n = printable(full, imp->module, imp->module_len);
		full[n++] = '.';
		n += printable(full + n, imp->name, imp->name_len);
		full[n] = '\0';
	}
	/* Each distinct global is kept, and classified, once: at its first
	 * use. */
	if ((s->nimp + 1) * 2 > s->slot_cap)
		import_grow(s);
	slot = import_slot(s, full, n);
	if (*slot) {
		*tag = *slot;
		return 0;
	}
	if (s->nimp >= s->lim[PS_LIM_IMPORTS]) {
		s->dropped = 1;
		return 0;
	}
	if (imp->how == PKW_COMPUTED)
		cls = PKW_DANGEROUS;
	else if (imp->how == PKW_EXTENSION)
		cls = PKW_UNKNOWN;
	else
		cls = pkw_classify(imp->module, imp->module_len, imp->name,
		                   imp->name_len);
	s->imp = pdg_xrealloc(s->imp, (s->nimp + 1) * sizeof(*s->imp));
	e = &s->imp[s->nimp++];
	memset(e, 0, sizeof(*e));
	e->full = pdg_xstrdup(full);
	*slot = (uint32_t)s->nimp;
	e->member = s->member ? pdg_xstrdup(s->member) : NULL;
	e->cls = cls;
	e->how = imp->how;
	e->ext_code = imp->ext_code;
	e->offset = imp->offset;
	s->counts[cls]++;
	*tag = *slot;
	return 0;
}

static int on_call(void *ctx, const pkw_call *c)
{
	struct ps_scan *s = ctx;
	struct ps_import *e = &s->imp[c->tag - 1];

	/* Offsets restart in each zip member: only the member the import
	 * was first seen in has comparable ones. */
	if (!e->call_op && ((!e->member && !s->member) ||
	                    (e->member && s->member &&
	                     !strcmp(e->member, s->member)))) {
		e->call_op = c->opcode;
		e->call_offset = c->offset;
		s->calls++;
	}
	return 0;
}

static void report_problem(struct ps_scan *s, const pkw_result *r)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char *msg;

	if (r->partial)
		msg = pdg_xasprintf("pickle longer than the limit %s (%llu "
		                    "bytes): imports after byte %llu were not "
		                    "checked", ps_limits[PS_LIM_BYTES].name,
		                    (unsigned long long)s->lim[PS_LIM_BYTES],
		                    (unsigned long long)r->offset);
	else
		msg = pdg_xasprintf("malformed pickle at byte %llu: %s",
		                    (unsigned long long)r->offset,
		                    r->message);
	d.kind = PDG_FINDING_INPUT;
	d.severity = PDG_SEVERITY_WARNING;
	d.rule = r->partial ? "pickle.partial" : "pickle.malformed";
	d.message = msg;
	d.byte_offset = (int64_t)r->offset;
	emit_at(s, &d, s->member);
	free(msg);
}

static void report_summary(struct ps_scan *s, size_t pickles,
                           const char *format)
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
	json_object_set_new(props, "called",
	                    json_integer((json_int_t)s->calls));
	json_object_set_new(props, "pickles",
	                    json_integer((json_int_t)pickles));
	json_object_set_new(props, "format", json_string(format));
	if (s->dropped)
		json_object_set_new(props, "imports_truncated", json_true());
	text = json_dumps(props, JSON_COMPACT | JSON_ENSURE_ASCII);
	msg = pdg_xasprintf("pickle imports %zu globals%s: %zu safe, "
	                    "%zu unknown, %zu dangerous; %zu called", s->nimp,
	                    s->dropped ? " (and more past the limit)" : "",
	                    s->counts[PKW_SAFE], s->counts[PKW_UNKNOWN],
	                    s->counts[PKW_DANGEROUS], s->calls);
	d.kind = PDG_FINDING_SECURITY;
	d.rule = "pickle.imports";
	d.message = msg;
	d.properties = text;
	emit_at(s, &d, NULL);
	free(msg);
	free(text);
	json_decref(props);
}

/* --- walking a stream ------------------------------------------------- */

/* Walk one pickle stream; the number of pickles walked, or <0 when the
 * reader failed. */
static int walk_stream(struct ps_scan *s, const pkw_reader *rd)
{
	pkw_callbacks cb = { on_import, on_call, s };
	pkw_result r;
	int rc = pkw_walk_stream(&r, rd, &s->walk_lim, &cb);

	if (rc < 0)
		return -1;
	if (!r.ok)
		report_problem(s, &r);
	if (r.legacy_torch)
		s->legacy = 1;
	return (int)r.pickles;
}

/* --- raw pickles and legacy torch.save files -------------------------- */

struct raw_src {
	struct ps_scan *s;
};

static int64_t raw_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct raw_src *r = ctx;

	return r->s->api->artifact_read_at(r->s->a, buf, len, off);
}

static int scan_raw(struct ps_scan *s)
{
	struct raw_src src = { s };
	pkw_reader rd = { raw_read, &src, s->api->artifact_size(s->a) };
	int n = walk_stream(s, &rd);

	if (n < 0)
		return -1;
	return n;
}

/* --- torch.save zips -------------------------------------------------- */

struct zip_src {
	struct ps_scan *s;
	uint64_t pos;        /* next byte of the artifact */
	uint64_t size;
	struct archive *ar;
	uint64_t member_pos; /* bytes of the current member delivered */
	uint64_t inflated;   /* bytes decompressed by this zip so far */
	int over;            /* max-bytes reached */
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

/* Members nobody reads are skipped by moving the offset: a file is read
 * with pread, a stream reads forward by itself. */
static la_int64_t zip_skip(struct archive *ar, void *ctx, la_int64_t req)
{
	struct zip_src *z = ctx;
	uint64_t left = z->size > z->pos ? z->size - z->pos : 0;

	(void)ar;
	if (req <= 0 || !z->size)
		return 0;
	if ((uint64_t)req > left)
		req = (la_int64_t)left;
	z->pos += (uint64_t)req;
	return req;
}

/* Count decompressed bytes against max-bytes. */
static int zip_budget(struct zip_src *z, size_t n)
{
	z->inflated += n;
	if (z->inflated > z->s->lim[PS_LIM_BYTES])
		z->over = 1;
	return z->over ? -1 : 0;
}

/* The walker's reader over the current zip member: forward skips are
 * read and dropped. */
static int64_t member_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct zip_src *z = ctx;
	la_ssize_t n;

	while (z->member_pos < off) {
		uint64_t gap = off - z->member_pos;

		n = archive_read_data(z->ar, buf, gap < len ? (size_t)gap :
		                      len);
		if (n <= 0)
			return n < 0 ? -1 : 0;
		z->member_pos += (uint64_t)n;
		if (zip_budget(z, (size_t)n) < 0)
			return -1;
	}
	n = archive_read_data(z->ar, buf, len);
	if (n < 0)
		return -1;
	z->member_pos += (uint64_t)n;
	/* Past the budget the walk stops as on a read error; zip_problem()
	 * then says which limit stopped it. */
	if (zip_budget(z, (size_t)n) < 0)
		return -1;
	return n;
}

/* Read and drop a member whose size the zip does not say (a data
 * descriptor): libarchive would decompress all of it to skip it, before
 * any limit could be checked. */
static int zip_drain(struct zip_src *z)
{
	const void *block;
	size_t size;
	la_int64_t off;
	int r;

	for (;;) {
		r = archive_read_data_block(z->ar, &block, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return -1;
		if (zip_budget(z, size) < 0)
			return 0;
	}
}

static int is_pickle_member(const char *name)
{
	return name && pdg_ends_with_ci(name, ".pkl");
}

static void zip_problem(struct ps_scan *s, struct archive *ar, int over)
{
	pdg_finding_desc d = PDG_FINDING_DESC_INIT;
	char *msg = over ?
		pdg_xasprintf("checkpoint zip decompresses to more than the "
		              "limit %s (%llu bytes); the rest was not read",
		              ps_limits[PS_LIM_BYTES].name,
		              (unsigned long long)s->lim[PS_LIM_BYTES]) :
		pdg_xasprintf("could not read the checkpoint zip: %s",
		              archive_error_string(ar) ?
		              archive_error_string(ar) : "unknown error");

	d.kind = PDG_FINDING_INPUT;
	d.severity = PDG_SEVERITY_WARNING;
	d.rule = over ? "pickle.partial" : "pickle.malformed";
	d.message = msg;
	emit_at(s, &d, NULL);
	free(msg);
}

/* Walk one *.pkl member as it is decompressed. */
static int scan_member(struct zip_src *z, struct archive_entry *e)
{
	struct ps_scan *s = z->s;
	char *name = pdg_xstrdup(archive_entry_pathname(e));
	pkw_reader rd = { member_read, z,
	                  archive_entry_size_is_set(e) &&
	                  archive_entry_size(e) > 0 ?
	                  (uint64_t)archive_entry_size(e) : 0 };
	int n;

	z->member_pos = 0;
	s->member = name;
	n = walk_stream(s, &rd);
	s->member = NULL;
	free(name);
	return n;
}

static int scan_zip(struct ps_scan *s)
{
	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	struct zip_src *z = pdg_xcalloc(1, sizeof(*z));
	uint64_t members = 0;
	int rc, pickles = 0, n = 0;

	z->s = s;
	z->ar = ar;
	z->size = s->api->artifact_size(s->a);
	archive_read_support_format_zip(ar);
	rc = archive_read_open2(ar, z, NULL, zip_read, zip_skip, NULL);
	while (rc == ARCHIVE_OK && !z->over &&
	       members++ < s->lim[PS_LIM_MEMBERS] &&
	       (rc = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
		if (is_pickle_member(archive_entry_pathname(e)))
			n = scan_member(z, e);
		else if (!archive_entry_size_is_set(e))
			n = zip_drain(z);
		else
			continue;
		if (n < 0) {
			rc = ARCHIVE_FATAL;
			break;
		}
		pickles += n;
	}
	if (z->over || (rc != ARCHIVE_EOF && rc != ARCHIVE_OK))
		zip_problem(s, ar, z->over);
	archive_read_free(ar);
	free(z);
	return pickles;
}

/* --- the plugin ------------------------------------------------------- */

static int ps_init(const pdg_host_api *api, void **state)
{
	struct ps_state *st = pdg_xcalloc(1, sizeof(*st));

	st->api = api;
	*state = st;
	return 0;
}

static void load_limits(struct ps_scan *s)
{
	pkw_limits *w = &s->walk_lim;

	for (int i = 0; i < PS_LIM_COUNT; i++)
		s->lim[i] = pdg_limit_value(s->api, s->out, &ps_limits[i]);
	w->max_bytes = s->lim[PS_LIM_BYTES];
	w->max_stack = (size_t)s->lim[PS_LIM_STACK];
	w->max_memo = (size_t)s->lim[PS_LIM_MEMO];
	w->max_string = (size_t)s->lim[PS_LIM_STRING];
	w->max_kept = (size_t)s->lim[PS_LIM_KEPT];
	w->max_pickles = s->lim[PS_LIM_PICKLES] > UINT32_MAX ? UINT32_MAX :
	                 (uint32_t)s->lim[PS_LIM_PICKLES];
	w->window = (size_t)64 << 10;
	if (w->max_string > w->window)
		w->window = w->max_string;
}

static int ps_scan(void *state, const pdg_artifact *a, pdg_emitter *out)
{
	struct ps_state *st = state;
	struct ps_scan s;
	int zip, pickles;

	memset(&s, 0, sizeof(s));
	s.api = st->api;
	s.a = a;
	s.out = out;
	if (s.api->artifact_flags(a) & PDG_ARTIFACT_LFS_POINTER)
		return 0;
	load_limits(&s);
	if (getrandom(&s.seed, sizeof(s.seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(s.seed))
		s.seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&s;
	zip = s.api->artifact_kind(a) == PDG_KIND_PYTORCH_ZIP;
	pickles = zip ? scan_zip(&s) : scan_raw(&s);
	for (size_t i = 0; i < s.nimp; i++)
		report_import(&s, &s.imp[i]);
	if (pickles > 0)
		report_summary(&s, (size_t)pickles, zip ? "torch-zip" :
		               s.legacy ? "torch-legacy" : "pickle");
	for (size_t i = 0; i < s.nimp; i++) {
		free(s.imp[i].full);
		free(s.imp[i].member);
	}
	free(s.imp);
	free(s.slots);
	if (pickles < 0)
		return -1;
	return s.rc;
}

static void ps_free(void *state)
{
	free(state);
}

static const pdg_plugin pickle_plugin = {
	.abi_version = PDG_PLUGIN_ABI_VERSION,
	.struct_size = sizeof(pdg_plugin),
	.name = PS_NAME,
	.version = "1.1.0",
	.description = "globals that pickles and torch.save checkpoints "
	               "would import and call when loaded, without loading "
	               "them",
	.kinds = PDG_KIND_BIT(PDG_KIND_PICKLE) |
	         PDG_KIND_BIT(PDG_KIND_PYTORCH_ZIP),
	.flags = PDG_PLUGIN_THREAD_SAFE,
	.init = ps_init,
	.scan = ps_scan,
	.finish = NULL,
	.free = ps_free,
	.limits = ps_limits,
};

PDG_PLUGIN_DEFINE(pickle_plugin)
