/* report_util.c - helpers shared by the report writers (report_util.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#include "error.h"
#include "license/license.h"
#include "report.h"
#include "report_util.h"

json_t *pdg_json_check(int *failed, json_t *v)
{
	if (!v)
		*failed = 1;
	return v;
}

void pdg_json_set(int *failed, json_t *obj, const char *key, json_t *v)
{
	if (!obj) {
		json_decref(v);
		*failed = 1;
		return;
	}
	if (!v || json_object_set_new(obj, key, v) != 0)
		*failed = 1;
}

void pdg_json_append(int *failed, json_t *arr, json_t *v)
{
	if (!arr) {
		json_decref(v);
		*failed = 1;
		return;
	}
	if (!v || json_array_append_new(arr, v) != 0)
		*failed = 1;
}

char *pdg_utf8_sanitize(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	pdg_buf b = PDG_BUF_INIT;

	pdg_buf_put(&b, "", 0);
	while (n > 0) {
		size_t k = pdg_utf8_seq_len(p, n);

		if (k == 0) {
			pdg_buf_put(&b, "\xef\xbf\xbd", 3);
			k = 1;
		} else {
			pdg_buf_put(&b, p, k);
		}
		p += k;
		n -= k;
	}
	return b.ptr;
}

json_t *pdg_json_str(int *failed, const char *s)
{
	json_t *v = json_string(s ? s : "");

	if (!v && s) {
		char *clean = pdg_utf8_sanitize(s);

		v = json_string(clean);
		free(clean);
	}
	return pdg_json_check(failed, v);
}

json_t *pdg_json_int(int *failed, uint64_t n)
{
	if (n > INT64_MAX)
		n = INT64_MAX;
	return pdg_json_check(failed, json_integer((json_int_t)n));
}

int pdg_report_dump_json(json_t *root, int failed, FILE *out)
{
	/* 15 significant digits: confidences print as 0.9, not as the
	 * 17-digit expansion of the nearest double. */
	size_t flags = JSON_INDENT(2) | JSON_SORT_KEYS |
	               JSON_REAL_PRECISION(15);

	if (!root || failed) {
		json_decref(root);
		return pdg_error_set(PDG_ERROR,
		                     "report: cannot build the JSON document");
	}
	int rc = json_dumpf(root, out, flags);

	json_decref(root);
	if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0 ||
	    ferror(out))
		return pdg_error_set(PDG_EIO, "report: write failed");
	return 0;
}

/* ---- display text ------------------------------------------------------ */

/* Code points a terminal may act on or that reorder text on screen:
 * C1 controls, LRM/RLM, embeddings/overrides and isolates. */
static int codepoint_unsafe(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static uint32_t utf8_decode(const unsigned char *p, size_t k)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = p[0] & lead_mask[k];

	for (size_t i = 1; i < k; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	return cp;
}

/* One printable ASCII character in the escaping of `mode`. */
static void put_ascii(pdg_buf *b, unsigned char c, pdg_escape mode)
{
	if (mode == PDG_ESCAPE_HTML) {
		switch (c) {
		case '&': pdg_buf_puts(b, "&amp;"); return;
		case '<': pdg_buf_puts(b, "&lt;"); return;
		case '>': pdg_buf_puts(b, "&gt;"); return;
		case '"': pdg_buf_puts(b, "&quot;"); return;
		case '\'': pdg_buf_puts(b, "&#39;"); return;
		}
	} else if (mode == PDG_ESCAPE_MARKDOWN) {
		/* Inline syntax, table cells and raw HTML; '$' is GitHub's
		 * maths.  Backslash escapes work for any ASCII punctuation. */
		if (c == '&') {
			pdg_buf_puts(b, "&amp;");
			return;
		}
		if (strchr("\\`*_[]<>|~$", c)) {
			char esc[2] = { '\\', (char)c };
			pdg_buf_put(b, esc, 2);
			return;
		}
	}
	pdg_buf_put(b, &c, 1);
}

static void put_safe_n(pdg_buf *b, const char *s, pdg_escape mode,
                       size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), count = 0;

	while (n > 0) {
		size_t k = pdg_utf8_seq_len(p, n);

		if (count++ == max) {
			pdg_buf_puts(b, "...");
			return;
		}
		if (mode == PDG_ESCAPE_MARKDOWN && k == 1 &&
		    (p[0] == '\n' || p[0] == '\r')) {
			pdg_buf_puts(b, " ");
		} else if (k == 0 || (k == 1 && (p[0] < 0x20 || p[0] == 0x7f))) {
			/* Markdown would eat the backslash of "\x01". */
			pdg_buf_printf(b, mode == PDG_ESCAPE_MARKDOWN ?
			               "\\\\x%02x" : "\\x%02x", p[0]);
			k = 1;
		} else if (k > 1 && codepoint_unsafe(utf8_decode(p, k))) {
			pdg_buf_printf(b, mode == PDG_ESCAPE_MARKDOWN ?
			               "\\\\u%04x" : "\\u%04x",
			               (unsigned)utf8_decode(p, k));
		} else if (k == 1) {
			put_ascii(b, p[0], mode);
		} else {
			pdg_buf_put(b, p, k);
		}
		p += k;
		n -= k;
	}
}

void pdg_report_put_safe(pdg_buf *b, const char *s, pdg_escape mode)
{
	put_safe_n(b, s, mode, SIZE_MAX);
}

void pdg_report_put_safe_max(pdg_buf *b, const char *s, pdg_escape mode,
                             size_t max)
{
	put_safe_n(b, s, mode, max);
}

int pdg_report_write_sections(const pdg_audit *a, FILE *out,
                              const pdg_report_section_fn *fns, size_t n)
{
	pdg_buf b = PDG_BUF_INIT;
	int rc;

	for (size_t i = 0; i < n; i++)
		fns[i](&b, a);
	rc = pdg_report_write_buf(&b, out);
	pdg_buf_free(&b);
	return rc;
}

int pdg_report_obligation_group_starts(const pdg_lineage *l, size_t i)
{
	const pdg_obligation *o = &l->obligations[i];
	const pdg_obligation *p = i ? &l->obligations[i - 1] : NULL;

	return !p || p->component != o->component ||
	       p->upstream != o->upstream ||
	       strcmp(p->license, o->license) != 0;
}

int pdg_report_write_buf(const pdg_buf *b, FILE *out)
{
	size_t wrote = b->len ? fwrite(b->ptr, 1, b->len, out) : 0;

	if (wrote != b->len || fflush(out) != 0 || ferror(out))
		return pdg_error_set(PDG_EIO, "report: write failed");
	return 0;
}

/* ---- facts ---------------------------------------------------------------- */

void pdg_report_count_verdicts(const pdg_audit *a,
                               size_t out[PDG_VERDICT_FAIL + 1])
{
	for (int v = 0; v <= PDG_VERDICT_FAIL; v++)
		out[v] = 0;
	for (size_t i = 0; i < a->findings.len; i++)
		if ((unsigned)a->findings.items[i].verdict <= PDG_VERDICT_FAIL)
			out[a->findings.items[i].verdict]++;
}

const pdg_finding *pdg_report_find(const pdg_audit *a, const char *component,
                                   const char *rule)
{
	for (size_t i = 0; i < a->findings.len; i++) {
		const pdg_finding *f = &a->findings.items[i];

		if (f->subject && f->component && f->rule &&
		    strcmp(f->component, component) == 0 &&
		    strcmp(f->rule, rule) == 0)
			return f;
	}
	return NULL;
}

char *pdg_report_property(const pdg_finding *f, const char *key)
{
	json_t *root, *v;
	char *out = NULL;

	if (!f->properties)
		return NULL;
	root = json_loads(f->properties, 0, NULL);
	v = json_object_get(root, key);
	if (json_is_string(v))
		out = pdg_xstrdup(json_string_value(v));
	json_decref(root);
	return out;
}

void pdg_report_put_position(pdg_buf *b, const pdg_finding *f)
{
	if (f->line_start > 0 && f->line_end > f->line_start)
		pdg_buf_printf(b, ":%u-%u", (unsigned)f->line_start,
		               (unsigned)f->line_end);
	else if (f->line_start > 0)
		pdg_buf_printf(b, ":%u", (unsigned)f->line_start);
	else if (f->byte_offset >= 0)
		pdg_buf_printf(b, "@%lld", (long long)f->byte_offset);
}

void pdg_report_put_plugin_notes(pdg_buf *b, const pdg_audit *a,
                                 pdg_escape mode, const char *before,
                                 const char *after)
{
	for (size_t i = 0; i < a->nactive; i++) {
		const pdg_audit_plugin *p = &a->active[i];

		if (!p->init_failed)
			continue;
		pdg_buf_puts(b, before);
		pdg_buf_puts(b, "plugin ");
		pdg_report_put_safe(b, p->plugin ? p->plugin->name : "?", mode);
		pdg_buf_puts(b, " did not start: ");
		pdg_report_put_safe(b, p->init_error ? p->init_error
		                                     : "init failed", mode);
		pdg_buf_puts(b, after);
	}
}

void pdg_report_put_edge_evidence(pdg_buf *b, const pdg_audit *a,
                                  const pdg_finding *f, pdg_escape mode,
                                  const char *before, const char *after)
{
	const pdg_lineage *l = &a->lineage;
	char *up = pdg_report_property(f, "upstream");
	size_t from = f->component ? pdg_lineage_find(l, f->component)
	                           : (size_t)-1;
	size_t to = up ? pdg_lineage_find(l, up) : (size_t)-1;

	for (size_t k = 0; to != (size_t)-1 && k < l->nedges; k++) {
		const pdg_edge *e = &l->edges[k];

		if (e->from != from || e->to != to)
			continue;
		for (size_t j = 0; j < e->nevidence; j++) {
			const pdg_edge_evidence *v = &e->evidence[j];

			pdg_buf_puts(b, before);
			pdg_buf_printf(b, "%s: ", pdg_edge_type_name(e->type));
			pdg_report_put_safe(b, v->path ? v->path : v->source,
			                    mode);
			if (v->line)
				pdg_buf_printf(b, ":%u", (unsigned)v->line);
			pdg_buf_puts(b, " (");
			pdg_report_put_safe(b, v->rule, mode);
			pdg_buf_puts(b, "): ");
			pdg_report_put_safe(b, v->detail, mode);
			pdg_buf_puts(b, after);
		}
	}
	free(up);
}

void pdg_report_put_where(pdg_buf *b, const pdg_finding *f, int many_src,
                          pdg_escape mode)
{
	if (f->path) {
		pdg_report_put_safe(b, f->path, mode);
		pdg_report_put_position(b, f);
		if (many_src && f->source) {
			pdg_buf_puts(b, " (in ");
			pdg_report_put_safe(b, f->source, mode);
			pdg_buf_puts(b, ")");
		}
	} else {
		pdg_report_put_safe(b, f->source ? f->source : "(no source)",
		                    mode);
	}
}

size_t pdg_report_links(const pdg_lineage *l, pdg_report_link **out)
{
	pdg_report_link *v = pdg_xcalloc(l->nedges + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < l->nedges; i++) {
		const pdg_edge *e = &l->edges[i];
		size_t k = 0;

		while (k < n && !(v[k].from == e->from && v[k].to == e->to))
			k++;
		if (k == n) {
			v[n].from = e->from;
			v[n].to = e->to;
			v[n].declared = 1;
			n++;
		}
		if ((unsigned)e->type < PDG_EDGE_COUNT_)
			v[k].types |= 1u << e->type;
		if (!e->declared)
			v[k].declared = 0;
		if (!v[k].declared_at && e->declared_at)
			v[k].declared_at = e->declared_at;
	}
	*out = v;
	return n;
}

void pdg_report_put_types(pdg_buf *b, uint32_t types, const char *sep)
{
	int first = 1;

	for (int t = 0; t < PDG_EDGE_COUNT_; t++) {
		if (!(types & (1u << t)))
			continue;
		pdg_buf_puts(b, first ? "" : sep);
		pdg_buf_puts(b, pdg_edge_type_name((pdg_edge_type)t));
		first = 0;
	}
}

void pdg_report_put_licenses(pdg_buf *b, const pdg_component *c,
                             pdg_escape mode)
{
	size_t shown = 0;

	for (size_t i = 0; i < c->nlicenses; i++) {
		const char *id = c->licenses[i].id;
		int dup = 0;

		for (size_t j = 0; j < i; j++)
			if (strcmp(c->licenses[j].id, id) == 0)
				dup = 1;
		if (dup)
			continue;
		pdg_buf_puts(b, shown++ ? "; " : "");
		pdg_report_put_safe(b, id, mode);
		if (c->licenses[i].name) {
			pdg_buf_puts(b, " (");
			pdg_report_put_safe(b, c->licenses[i].name, mode);
			pdg_buf_puts(b, ")");
		}
	}
	if (!shown)
		pdg_buf_puts(b, "unknown");
	if (c->candidates)
		pdg_buf_puts(b, " (one of these, by checkpoint)");
}

pdg_license_form pdg_report_license_form(const char *id)
{
	const pdg_license_db *db = NULL;
	pdg_spdx_expr *e = NULL;
	pdg_license_form form = PDG_LICENSE_OTHER;

	if (!id || pdg_spdx_parse(&e, id, strlen(id)) < 0)
		return PDG_LICENSE_OTHER;
	if (pdg_spdx_expr_license_count(e) == 1 &&
	    pdg_spdx_expr_exception_count(e) == 0 &&
	    strcmp(pdg_spdx_expr_string(e), pdg_spdx_expr_license(e, 0)) == 0) {
		const char *only = pdg_spdx_expr_license(e, 0);

		if (strncmp(only, "LicenseRef-", 11) == 0 ||
		    strncmp(only, "DocumentRef-", 12) == 0)
			form = PDG_LICENSE_REF;
		else if (pdg_license_db_default(&db) == 0 &&
		         pdg_license_db_find(db, only))
			form = PDG_LICENSE_SPDX_ID;
	} else {
		form = PDG_LICENSE_EXPRESSION;
	}
	pdg_spdx_expr_free(e);
	return form;
}

int pdg_report_license_concluded(const pdg_comp_license *l)
{
	return l->origin && (strncmp(l->origin, "catalogue", 9) == 0 ||
	                     strcmp(l->origin, "clarification") == 0);
}

/* ---- identity and time ------------------------------------------------- */

#define MAX_EPOCH INT64_C(253402300799)   /* 9999-12-31T23:59:59Z */

int pdg_report_epoch(int64_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	int64_t t = 0;

	*out = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || p - s > 12)
			return pdg_error_set(PDG_EINVALID, "SOURCE_DATE_EPOCH "
			                     "'%.40s' is not a number of seconds "
			                     "since 1970", s);
		t = t * 10 + (*p - '0');
	}
	if (t > MAX_EPOCH)
		return pdg_error_set(PDG_EINVALID, "SOURCE_DATE_EPOCH %s is "
		                     "past the year 9999", s);
	*out = t;
	return 0;
}

void pdg_report_iso8601(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "1970-01-01T00:00:00Z");
}

int pdg_report_digest(const pdg_audit *a, char hex[33])
{
	char *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len);
	int rc;

	if (!mem)
		return pdg_error_set(PDG_ERROR, "report: no memory stream");
	rc = pdg_report_write_json(a, mem);
	if (fclose(mem) != 0 && rc == 0)
		rc = pdg_error_set(PDG_EIO, "report: memory stream failed");
	if (rc == 0) {
		XXH128_hash_t h = XXH3_128bits(data, len);

		snprintf(hex, 33, "%016" PRIx64 "%016" PRIx64,
		         (uint64_t)h.high64, (uint64_t)h.low64);
	}
	free(data);
	return rc;
}

void pdg_report_uuid(char *buf, size_t n, const char hex[33])
{
	char h[33];
	static const char digits[] = "0123456789abcdef";

	memcpy(h, hex, 33);
	h[12] = '5';                                   /* version */
	h[16] = digits[8 + (strchr(digits, h[16]) - digits) % 4]; /* variant */
	snprintf(buf, n, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8,
	         h + 12, h + 16, h + 20);
}

void pdg_report_put_uri(pdg_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : "");
	     *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			pdg_buf_put(b, p, 1);
		else
			pdg_buf_printf(b, "%%%02X", *p);
	}
}
