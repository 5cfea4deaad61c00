/* cmd_plugins.c - `pedigree plugins`: list detector plugins, and why any
 * was refused.  Listing is the job, so refused plugins do not change the
 * exit status. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pedigree/pedigree.h"
#include "cli.h"

static const char *const cmd = "plugins";

static void usage(FILE *f)
{
	fputs("usage: pedigree plugins [--format text|json] [--limits] "
	      "[--plugin-path DIRS]\n"
	      "                        [--help]\n"
	      "\n"
	      "List the detector plugins pedigree finds, their versions, ABI\n"
	      "versions and the artifact kinds they handle, and say why any\n"
	      "plugin was refused.\n"
	      "\n"
	      "Options:\n"
	      "  --format FORMAT     text (default) or json\n"
	      "  --limits            list the limits each plugin enforces,\n"
	      "                      with their defaults (change one with\n"
	      "                      'pedigree audit --limit NAME=VALUE')\n"
	      "  --plugin-path DIRS  ':'-separated directories searched\n"
	      "                      before all others\n"
	      "  -h, --help          show this help\n"
	      "\n"
	      "Search order (the first plugin of a name wins; later ones are\n"
	      "listed as shadowed):\n"
	      "  1. --plugin-path DIRS\n"
	      "  2. $PEDIGREE_PLUGIN_PATH, ':'-separated (empty: none)\n"
	      "  3. the build tree's plugins/ directory, only when pedigree\n"
	      "     runs from its build tree\n"
	      "  4. the installed plugin directory\n"
	      "In each directory, *.so files in it and in its immediate\n"
	      "subdirectories are loaded, in sorted order.\n"
	      "\n"
	      "Exit status: 0 when the list was written (even if some\n"
	      "plugins failed to load), 2 on usage errors.\n", f);
}

/* "model-card,license", or "-" when the plugin asks for no kind. */
static void kinds_text(char *buf, size_t size, uint32_t kinds)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < PDG_KIND_COUNT_ && used < size; k++) {
		if (!(kinds & PDG_KIND_BIT(k)))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s",
		                 used ? "," : "",
		                 pdg_artifact_kind_name((pdg_artifact_kind)k));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void write_text(FILE *f, const pdg_plugin_set *s)
{
	size_t n = pdg_plugin_set_count(s);
	pdg_plugin_info in;
	char kinds[512];

	for (size_t i = 0; i < n; i++) {
		if (pdg_plugin_set_info(&in, s, i) != 0)
			continue;
		if (in.loaded) {
			kinds_text(kinds, sizeof(kinds), in.kinds);
			fprintf(f, "%-16s %-10s abi %-3u %-24s %s\n",
			        in.name, in.version,
			        (unsigned)in.abi_version, kinds, in.path);
		} else {
			fprintf(f, "%s  FAILED: %s\n", in.path,
			        in.error ? in.error : "unknown error");
		}
	}
	if (n == 0)
		fputs("no plugins found\n", f);
}

/* 100M rather than 104857600: the way --limit accepts it. */
static void size_text(char *buf, size_t size, uint64_t v)
{
	static const char units[] = "GMK";

	for (int i = 0; i < 3 && v; i++) {
		unsigned shift = 30u - 10u * (unsigned)i;

		if (v % ((uint64_t)1 << shift) == 0) {
			snprintf(buf, size, "%llu%c",
			         (unsigned long long)(v >> shift), units[i]);
			return;
		}
	}
	snprintf(buf, size, "%llu", (unsigned long long)v);
}

/* `--limits`: one line per limit of every loaded plugin. */
static void write_limits_text(FILE *f, const pdg_plugin_set *s)
{
	pdg_plugin_info in;
	char value[32];

	for (size_t i = 0; i < pdg_plugin_set_count(s); i++) {
		if (pdg_plugin_set_info(&in, s, i) != 0 || !in.loaded ||
		    !in.limits)
			continue;
		for (const pdg_limit_desc *l = in.limits; l->name; l++) {
			size_text(value, sizeof(value), l->default_value);
			fprintf(f, "%-40s %8s  %s\n", l->name, value,
			        l->description ? l->description : "");
		}
	}
}

static json_t *limits_json(const pdg_limit_desc *l)
{
	json_t *a = json_array();

	for (; l && l->name; l++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:s}",
			"name", l->name,
			"default", (json_int_t)(l->default_value > INT64_MAX ?
			                        INT64_MAX : l->default_value),
			"description", l->description ? l->description : ""));
	return a;
}

static json_t *kinds_json(uint32_t kinds)
{
	json_t *a = json_array();

	for (unsigned k = 0; k < PDG_KIND_COUNT_; k++)
		if (kinds & PDG_KIND_BIT(k))
			json_array_append_new(a, json_string(
				pdg_artifact_kind_name((pdg_artifact_kind)k)));
	return a;
}

static json_t *plugin_json(const pdg_plugin_info *in)
{
	json_t *o = json_object();

	json_object_set_new(o, "path", json_string(in->path));
	json_object_set_new(o, "loaded", json_boolean(in->loaded));
	if (!in->loaded) {
		json_object_set_new(o, "error", json_string(
			in->error ? in->error : "unknown error"));
		return o;
	}
	json_object_set_new(o, "name", json_string(in->name));
	json_object_set_new(o, "version", json_string(in->version));
	json_object_set_new(o, "abi_version",
	                    json_integer((json_int_t)in->abi_version));
	json_object_set_new(o, "kinds", kinds_json(in->kinds));
	json_object_set_new(o, "limits", limits_json(in->limits));
	json_object_set_new(o, "description",
	                    in->description ? json_string(in->description)
	                                    : json_null());
	return o;
}

static int write_json(FILE *f, const pdg_plugin_set *s)
{
	json_t *root = json_object();
	json_t *list = json_array();
	pdg_plugin_info in;
	int rc;

	for (size_t i = 0; i < pdg_plugin_set_count(s); i++)
		if (pdg_plugin_set_info(&in, s, i) == 0)
			json_array_append_new(list, plugin_json(&in));
	json_object_set_new(root, "plugins", list);
	rc = json_dumpf(root, f, JSON_SORT_KEYS | JSON_INDENT(2));
	if (rc == 0 && fputc('\n', f) == EOF)
		rc = -1;
	json_decref(root);
	return rc;
}

/* "--opt VALUE" or "--opt=VALUE"; advances *i past what it used.
 * 1 matched (value in *val), 0 not this option, -1 value missing. */
static int opt_value(const char **val, int argc, char **argv, int *i,
                     const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

int pdg_cmd_plugins(int argc, char **argv)
{
	int json = 0, limits = 0;
	const char *plugin_path = NULL;
	const char *v;
	pdg_plugin_set *set = NULL;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return PDG_EXIT_OK;
		}
		if (strcmp(a, "--limits") == 0) {
			limits = 1;
			continue;
		}
		if ((r = opt_value(&v, argc, argv, &i, "--format")) != 0) {
			if (r < 0)
				return pdg_cli_usage_error(cmd,
					"--format needs a value");
			if (strcmp(v, "text") == 0)
				json = 0;
			else if (strcmp(v, "json") == 0)
				json = 1;
			else
				return pdg_cli_usage_error(cmd,
					"unknown format '%s' (text, json)", v);
			continue;
		}
		r = opt_value(&v, argc, argv, &i, "--plugin-path");
		if (r != 0) {
			if (r < 0)
				return pdg_cli_usage_error(cmd,
					"--plugin-path needs a value");
			plugin_path = v;
			continue;
		}
		if (a[0] == '-')
			return pdg_cli_usage_error(cmd,
				"unknown option '%s'; see 'pedigree plugins "
				"--help'", a);
		return pdg_cli_usage_error(cmd, "unexpected argument '%s'",
		                           a);
	}

	r = pdg_plugin_set_load(&set, plugin_path);
	if (r != 0) {
		fprintf(stderr, "pedigree %s: %s\n", cmd, pdg_error_last());
		return pdg_cli_exit_for(r);
	}
	if (json)
		r = write_json(stdout, set);
	else if (limits)
		write_limits_text(stdout, set);
	else
		write_text(stdout, set);
	pdg_plugin_set_free(set);
	if (pdg_cli_close_output(stdout) != 0 || r != 0) {
		fprintf(stderr, "pedigree %s: cannot write output\n", cmd);
		return PDG_EXIT_INTERNAL;
	}
	return PDG_EXIT_OK;
}
