/* card.c - find the licence part of a Hugging Face model card: the
 * `extra_gated_prompt` of its YAML front matter (gated models put their
 * whole licence there), else a Markdown section whose heading names a
 * licence. */
#include <string.h>

#include "license/license_int.h"

static int prefix_ci(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != lit[i])
			return 0;
	}
	return 1;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

static const char *next_line(const char *p, const char *end)
{
	const char *le = line_end(p, end);

	return le < end ? le + 1 : end;
}

/* End of the front matter (start of its closing line), or NULL. */
static const char *front_matter_end(const char *s, const char *end)
{
	const char *p;

	if (end - s < 4 || memcmp(s, "---", 3) != 0 ||
	    (s[3] != '\n' && s[3] != '\r'))
		return NULL;
	for (p = next_line(s, end); p < end; p = next_line(p, end))
		if (end - p >= 3 && (memcmp(p, "---", 3) == 0 ||
		                     memcmp(p, "...", 3) == 0))
			return p;
	return NULL;
}

static const char *quoted_end(const char *p, const char *end, char q)
{
	for (; p < end; p++) {
		if (q == '"' && *p == '\\' && p + 1 < end) {
			p++;
			continue;
		}
		if (*p == q) {
			if (q == '\'' && p + 1 < end && p[1] == '\'') {
				p++;
				continue;
			}
			return p;
		}
	}
	return NULL;
}

static int gated_prompt(size_t *start, size_t *stop, const char *s,
                        const char *end)
{
	const char *fm_end = front_matter_end(s, end), *p, *v, *e;

	if (!fm_end)
		return 0;
	for (p = next_line(s, end); p < fm_end; p = next_line(p, fm_end)) {
		if (!prefix_ci(p, fm_end, "extra_gated_prompt:"))
			continue;
		v = p + 19;
		while (v < fm_end && (*v == ' ' || *v == '\t'))
			v++;
		if (v < fm_end && (*v == '|' || *v == '>')) {
			/* Block scalar: the indented lines that follow. */
			v = next_line(v, fm_end);
			for (e = v; e < fm_end; e = next_line(e, fm_end))
				if (*e != ' ' && *e != '\t' && *e != '\n' &&
				    *e != '\r')
					break;
		} else if (v < fm_end && (*v == '"' || *v == '\'')) {
			e = quoted_end(v + 1, fm_end, *v);
			v++;
			if (!e)
				e = fm_end;
		} else {
			/* Plain scalar, possibly folded over indented
			 * lines. */
			for (e = next_line(v, fm_end); e < fm_end;
			     e = next_line(e, fm_end))
				if (*e != ' ' && *e != '\t')
					break;
		}
		if (e <= v)
			return 0;
		*start = (size_t)(v - s);
		*stop = (size_t)(e - s);
		return 1;
	}
	return 0;
}

/* Level of a Markdown ATX heading ("## License"), 0 if not one. */
static int heading_level(const char *p, const char *le)
{
	int n = 0;

	while (p < le && *p == '#' && n < 7) {
		p++;
		n++;
	}
	if (n == 0 || n > 6 || (p < le && *p != ' ' && *p != '\t'))
		return 0;
	return n;
}

static int names_licence(const char *p, const char *le)
{
	for (; p < le; p++)
		if (prefix_ci(p, le, "licen") ||
		    prefix_ci(p, le, "terms of use"))
			return 1;
	return 0;
}

static int licence_heading(size_t *start, size_t *stop, const char *s,
                           const char *end)
{
	const char *fm_end = front_matter_end(s, end), *p;
	const char *found = NULL;
	int level = 0, fence = 0;

	p = fm_end ? next_line(fm_end, end) : s;
	for (; p < end; p = next_line(p, end)) {
		const char *le = line_end(p, end);
		int lv;

		if (le - p >= 3 && (memcmp(p, "```", 3) == 0 ||
		                    memcmp(p, "~~~", 3) == 0)) {
			fence = !fence;
			continue;
		}
		if (fence || !(lv = heading_level(p, le)))
			continue;
		if (found && lv <= level)
			break;
		if (!found && names_licence(p, le)) {
			found = p;
			level = lv;
		}
	}
	if (!found)
		return 0;
	*start = (size_t)(found - s);
	*stop = (size_t)(p - s);
	return 1;
}

int pdg_license_card_section(size_t *start, size_t *end, const char *text,
                             size_t len)
{
	*start = *end = 0;
	if (!text || !len)
		return 0;
	if (len > PDG_LICENSE_MAX_TEXT)
		len = PDG_LICENSE_MAX_TEXT;
	if (gated_prompt(start, end, text, text + len))
		return 1;
	return licence_heading(start, end, text, text + len);
}

size_t pdg_license_front_matter_end(const char *text, size_t len)
{
	const char *e;

	if (!text || !len)
		return 0;
	if (len > PDG_LICENSE_MAX_TEXT)
		len = PDG_LICENSE_MAX_TEXT;
	e = front_matter_end(text, text + len);
	return e ? (size_t)(e - text) : 0;
}
