/* report.c - report format names, dispatch, and UTF-8 helpers. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"
#include "util.h"

typedef int (*report_writer_fn)(const pdg_audit *a, FILE *out, int color);

static int write_text(const pdg_audit *a, FILE *out, int color)
{
	return pdg_report_write_text(a, out, color);
}

/* Writers that take no colour. */
#define PLAIN_WRITER(name) \
	static int write_##name(const pdg_audit *a, FILE *out, int color) \
	{ \
		(void)color; \
		return pdg_report_write_##name(a, out); \
	}
PLAIN_WRITER(json)
PLAIN_WRITER(sarif)
PLAIN_WRITER(markdown)
PLAIN_WRITER(html)
PLAIN_WRITER(spdx)
PLAIN_WRITER(cyclonedx)

/* One row per format; new formats are one line here plus an enum value. */
static const struct report_format {
	const char *name;
	pdg_report_format format;
	report_writer_fn write;
} report_formats[] = {
	{ "text", PDG_REPORT_TEXT, write_text },
	{ "json", PDG_REPORT_JSON, write_json },
	{ "sarif", PDG_REPORT_SARIF, write_sarif },
	{ "markdown", PDG_REPORT_MARKDOWN, write_markdown },
	{ "html", PDG_REPORT_HTML, write_html },
	{ "spdx", PDG_REPORT_SPDX, write_spdx },
	{ "cyclonedx", PDG_REPORT_CYCLONEDX, write_cyclonedx },
};

#define NFORMATS (sizeof(report_formats) / sizeof(report_formats[0]))

static char *format_names_joined(void)
{
	pdg_buf b = PDG_BUF_INIT;

	for (size_t i = 0; i < NFORMATS; i++) {
		if (i)
			pdg_buf_puts(&b, ", ");
		pdg_buf_puts(&b, report_formats[i].name);
	}
	return b.ptr;
}

int pdg_report_format_parse(pdg_report_format *out, const char *name)
{
	for (size_t i = 0; name && i < NFORMATS; i++) {
		if (strcmp(name, report_formats[i].name) == 0) {
			*out = report_formats[i].format;
			return 0;
		}
	}
	char *names = format_names_joined();
	int rc = pdg_error_set(PDG_EUSAGE, "unknown report format '%s' (%s)",
	                       name ? name : "", names);
	free(names);
	return rc;
}

int pdg_report_write(const pdg_audit *a, pdg_report_format f, FILE *out,
                     int color)
{
	if (!a || !out)
		return pdg_error_set(PDG_ERROR, "report: no audit or stream");
	if (!a->finished)
		return pdg_error_set(PDG_ERROR,
		                     "report: the audit is not finished");
	for (size_t i = 0; i < NFORMATS; i++)
		if (report_formats[i].format == f)
			return report_formats[i].write(a, out, color);
	return pdg_error_set(PDG_EUNSUPPORTED, "report format %d unknown",
	                     (int)f);
}

size_t pdg_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c, lo = 0x80, hi = 0xbf;
	size_t len;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	/* The second-byte ranges exclude overlong forms, UTF-16 surrogates
	 * (U+D800..DFFF) and code points past U+10FFFF. */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}
