/* json_bound.h - how many values a JSON text would parse into, counted
 * before parsing it.  jansson builds a tree of 50-odd bytes per value, so
 * 40 MB of "0,0,0..." would cost well over a gigabyte: callers refuse
 * texts past a limit of values instead. */
#ifndef PDG_JSON_BOUND_H
#define PDG_JSON_BOUND_H

#include <stddef.h>
#include <stdint.h>

/* An upper bound of the values, keys included, in s[0..n): one more
 * than the separators and openings outside strings.  Linear, no
 * allocation; garbage gives a number too (the parser rejects it). */
static inline uint64_t pdg_json_count_values(const char *s, size_t n)
{
	uint64_t count = 1;
	int in_string = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == ',' || c == ':' || c == '[' || c == '{') {
			count++;
		}
	}
	return count;
}

#endif
