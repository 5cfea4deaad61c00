/* manifest.c - what a fingerprint test is about (docs/fingerprint.md).
 *
 * A manifest is YAML (libyaml, through the knowledge base's bounded tree
 * reader) or JSON (jansson, when the first character is '{'); both become
 * one jansson tree and are read by the same code.  Files it names are
 * relative to its folder and may not leave it.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "fingerprint/fp.h"
#include "kb/kb_internal.h"
#include "util.h"

#define MAX_MANIFEST (PDG_KB_MAX_FILE_BYTES)
#define MAX_PROBES_FILE (256u << 20)

static const char *const role_names[] = {
	[PDG_FP_STUDENT] = "student",
	[PDG_FP_TEACHER] = "teacher",
	[PDG_FP_CONTROL] = "control",
	[PDG_FP_SIBLING] = "sibling",
};

const char *pdg_fp_role_name(pdg_fp_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "?";
}

/* ---- YAML -> jansson ---------------------------------------------- */

static json_t *yaml_to_json(const pdg_kb_node *n)
{
	json_t *v;

	if (!n)
		return json_null();
	switch (n->type) {
	case PDG_KB_NODE_SCALAR:
		if (n->plain) {
			char *end;
			errno = 0;
			if (strcmp(n->str, "true") == 0)
				return json_true();
			if (strcmp(n->str, "false") == 0)
				return json_false();
			if (n->len == 0 || strcmp(n->str, "~") == 0 ||
			    strcmp(n->str, "null") == 0)
				return json_null();
			long long i = strtoll(n->str, &end, 10);
			if (!*end && !errno)
				return json_integer(i);
			double d = strtod(n->str, &end);
			if (!*end && !errno && isfinite(d))
				return json_real(d);
		}
		return json_stringn(n->str, n->len);
	case PDG_KB_NODE_SEQ:
		v = json_array();
		for (const pdg_kb_node *c = n->first; c; c = c->next) {
			json_t *x = yaml_to_json(c);
			if (!x || json_array_append_new(v, x) != 0) {
				json_decref(v);
				return NULL;
			}
		}
		return v;
	case PDG_KB_NODE_MAP:
		v = json_object();
		for (const pdg_kb_node *k = n->first; k && k->next;
		     k = k->next->next) {
			json_t *x = k->type == PDG_KB_NODE_SCALAR &&
			            !json_object_get(v, k->str) ?
			            yaml_to_json(k->next) : NULL;
			if (!x || json_object_set_new(v, k->str, x) != 0) {
				json_decref(v);
				return NULL;
			}
		}
		return v;
	}
	return NULL;
}

struct yaml_doc {
	json_t *root;
	int docs;
};

static int on_doc(const pdg_kb_node *root, unsigned line, void *payload)
{
	struct yaml_doc *d = payload;

	(void)line;
	if (!root)
		return 0;
	if (++d->docs > 1)
		return pdg_error_set(PDG_EINVALID, "more than one YAML "
		                     "document");
	d->root = yaml_to_json(root);
	if (!d->root)
		return pdg_error_set(PDG_EINVALID, "a mapping key is not a "
		                     "string, is repeated, or is not UTF-8");
	return 0;
}

static int parse_tree(json_t **out, const char *path, const char *data,
                      size_t len)
{
	size_t i = 0;

	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
	                   data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && data[i] == '{') {
		json_error_t e;
		*out = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
		if (!*out)
			return pdg_error_set(PDG_EINVALID, "%s:%d: %s", path,
			                     e.line, e.text);
		return 0;
	}
	struct yaml_doc d = { NULL, 0 };
	int rc = pdg_kb_yaml_parse(path, data, len, on_doc, &d);
	if (rc < 0) {
		json_decref(d.root);
		if (strncmp(pdg_error_last(), path, strlen(path)) != 0)
			return pdg_fp_error_wrap(rc, "%s", path);
		return rc;
	}
	*out = d.root;
	return 0;
}

/* ---- fields --------------------------------------------------------- */

static int need_string(const char *path, const json_t *obj, const char *key,
                       int required, const char **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return pdg_error_set(PDG_EINVALID, "%s: '%s' is "
			                     "missing", path, key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > PDG_FP_MAX_ID ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return pdg_error_set(PDG_EINVALID, "%s: '%s' must be a "
		                     "non-empty string", path, key);
	*out = json_string_value(v);
	return 0;
}

/* A file named in the manifest: relative, inside its folder. */
static int resolve(const pdg_fp_manifest *m, const char *name, char **out)
{
	*out = NULL;
	if (!m->dir) {
		*out = pdg_xstrdup(name);
		return 0;
	}
	if (name[0] == '/')
		return pdg_error_set(PDG_EINVALID, "%s: '%s': files must be "
		                     "relative to the manifest", m->path, name);
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return pdg_error_set(PDG_EINVALID, "%s: '%s': files "
			                     "may not leave the manifest's "
			                     "folder", m->path, name);
		p += n;
		while (*p == '/')
			p++;
	}
	*out = pdg_xasprintf("%s/%s", m->dir, name);
	return 0;
}

static int role_parse(pdg_fp_role *out, const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (pdg_fp_role)i;
			return 0;
		}
	return -1;
}

static int add_file(pdg_fp_manifest *m, pdg_fp_model_spec *ms,
                    const json_t *v)
{
	if (!json_is_string(v))
		return pdg_error_set(PDG_EINVALID, "%s: model '%s': scores "
		                     "must be file names", m->path, ms->id);
	if (ms->nfiles >= PDG_FP_MAX_FILES)
		return pdg_error_set(PDG_ELIMIT, "%s: model '%s': more than "
		                     "%u files", m->path, ms->id,
		                     PDG_FP_MAX_FILES);
	ms->files = pdg_xrealloc(ms->files, (ms->nfiles + 1) *
	                         sizeof(*ms->files));
	int rc = resolve(m, json_string_value(v), &ms->files[ms->nfiles]);
	if (rc == 0)
		ms->nfiles++;
	return rc;
}

static int model_from(pdg_fp_manifest *m, const json_t *o)
{
	const char *id, *role, *f;
	pdg_fp_model_spec ms;
	size_t i;
	const json_t *v;
	int rc;

	if (!json_is_object(o))
		return pdg_error_set(PDG_EINVALID, "%s: a models[] item is "
		                     "not a mapping", m->path);
	if ((rc = need_string(m->path, o, "id", 1, &id)) < 0 ||
	    (rc = need_string(m->path, o, "role", 1, &role)) < 0)
		return rc;
	memset(&ms, 0, sizeof(ms));
	if (role_parse(&ms.role, role) < 0)
		return pdg_error_set(PDG_EINVALID, "%s: model '%s': role must "
		                     "be student, teacher, control or sibling",
		                     m->path, id);
	for (size_t j = 0; j < m->nmodels; j++)
		if (strcmp(m->models[j].id, id) == 0)
			return pdg_error_set(PDG_EINVALID, "%s: model '%s' is "
			                     "listed twice", m->path, id);
	ms.id = pdg_xstrdup(id);
	m->models = pdg_xrealloc(m->models, (m->nmodels + 1) *
	                         sizeof(*m->models));
	m->models[m->nmodels++] = ms;
	pdg_fp_model_spec *p = &m->models[m->nmodels - 1];
	const json_t *sc = json_object_get(o, "scores");
	if (json_is_array(sc)) {
		json_array_foreach(sc, i, v)
			if ((rc = add_file(m, p, v)) < 0)
				return rc;
	} else if (sc && (rc = add_file(m, p, sc)) < 0) {
		return rc;
	}
	const json_t *dense = json_object_get(o, "dense");
	if (dense) {
		if (!json_is_object(dense) ||
		    (rc = need_string(m->path, dense, "logits", 1, &f)) < 0)
			return rc < 0 ? rc : pdg_error_set(PDG_EINVALID,
			       "%s: model '%s': dense needs logits and vocab",
			       m->path, id);
		if ((rc = resolve(m, f, &p->dense)) < 0 ||
		    (rc = need_string(m->path, dense, "vocab", 1, &f)) < 0 ||
		    (rc = resolve(m, f, &p->vocab)) < 0)
			return rc;
	}
	if (!p->nfiles && !p->dense)
		return pdg_error_set(PDG_EINVALID, "%s: model '%s' has no "
		                     "scores and no dense logits", m->path, id);
	const json_t *serving = json_object_get(o, "serving");
	if (serving) {
		if (!json_is_object(serving))
			return pdg_error_set(PDG_EINVALID, "%s: model '%s': "
			                     "serving must be a mapping",
			                     m->path, id);
		p->serving = json_dumps(serving, JSON_COMPACT |
		                        JSON_SORT_KEYS);
	}
	return 0;
}

/* ---- probes ---------------------------------------------------------- */

static int probe_add(pdg_fp_manifest *m, const char *where, const json_t *o)
{
	const char *id, *gen;
	int rc;

	if (!json_is_object(o))
		return pdg_error_set(PDG_EINVALID, "%s: a probe is not an "
		                     "object", where);
	if ((rc = need_string(where, o, "id", 1, &id)) < 0 ||
	    (rc = need_string(where, o, "generator", 0, &gen)) < 0)
		return rc;
	const json_t *t = json_object_get(o, "text");
	if (t && !json_is_string(t))
		return pdg_error_set(PDG_EINVALID, "%s: probe '%s': text must "
		                     "be a string", where, id);
	if (t && json_string_length(t) > PDG_FP_MAX_TEXT)
		return pdg_error_set(PDG_ELIMIT, "%s: probe '%s': text longer "
		                     "than %u bytes", where, id,
		                     PDG_FP_MAX_TEXT);
	if (m->nprobes >= PDG_FP_MAX_PROBES)
		return pdg_error_set(PDG_ELIMIT, "%s: more than %u probes",
		                     where, PDG_FP_MAX_PROBES);
	if (pdg_fp_map_get(&m->probe_ids, id) >= 0)
		return pdg_error_set(PDG_EINVALID, "%s: probe '%s' is listed "
		                     "twice", where, id);
	if (m->nprobes == m->cap_probes) {
		/* The id map borrows strings owned by the probe specs. */
		m->cap_probes = m->cap_probes ? m->cap_probes * 2 : 64;
		m->probes = pdg_xrealloc(m->probes, m->cap_probes *
		                         sizeof(*m->probes));
	}
	pdg_fp_probe_spec *p = &m->probes[m->nprobes];
	memset(p, 0, sizeof(*p));
	p->id = pdg_xstrdup(id);
	p->generator = gen ? pdg_xstrdup(gen) : NULL;
	if (t) {
		p->len = json_string_length(t);
		p->text = pdg_xstrndup(json_string_value(t), p->len);
	}
	(void)pdg_fp_map_put(&m->probe_ids, p->id, (uint32_t)m->nprobes);
	m->nprobes++;
	return 0;
}

static int probes_file(pdg_fp_manifest *m, const char *name)
{
	char *path, *data;
	size_t len;
	int rc = resolve(m, name, &path);

	if (rc < 0)
		return rc;
	rc = pdg_fp_read_file(path, MAX_PROBES_FILE, &data, &len);
	unsigned long line = 0;
	for (char *p = data; rc == 0 && p && p < data + len;) {
		char *nl = memchr(p, '\n', (size_t)(data + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(data + len - p);
		line++;
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k < n) {
			json_error_t e;
			json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES,
			                       &e);
			char *where = pdg_xasprintf("%s:%lu", path, line);
			rc = o ? probe_add(m, where, o) :
			     pdg_error_set(PDG_EINVALID, "%s: not JSON: %s",
			                   where, e.text);
			free(where);
			json_decref(o);
		}
		p = nl ? nl + 1 : NULL;
	}
	free(data);
	free(path);
	return rc;
}

/* ---- the manifest ---------------------------------------------------- */

static int from_tree(pdg_fp_manifest *m, const json_t *root)
{
	const json_t *v;
	const char *s;
	size_t i;
	int rc;

	if (!json_is_object(root))
		return pdg_error_set(PDG_EINVALID, "%s: not a mapping",
		                     m->path);
	v = json_object_get(root, "fingerprint");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return pdg_error_set(PDG_EINVALID, "%s: 'fingerprint: 1' (the "
		                     "format version) is missing", m->path);
	if ((rc = need_string(m->path, root, "student", 0, &s)) < 0)
		return rc;
	m->student = s ? pdg_xstrdup(s) : NULL;
	if ((rc = need_string(m->path, root, "component", 0, &s)) < 0)
		return rc;
	m->component = s ? pdg_xstrdup(s) : NULL;
	if ((v = json_object_get(root, "alpha"))) {
		if (!json_is_number(v) || !(json_number_value(v) > 0) ||
		    json_number_value(v) >= 1)
			return pdg_error_set(PDG_EINVALID, "%s: alpha must be "
			                     "in (0, 1)", m->path);
		m->has_alpha = 1;
		m->alpha = json_number_value(v);
	}
	if ((v = json_object_get(root, "permutations"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 10000000)
			return pdg_error_set(PDG_EINVALID, "%s: permutations "
			                     "must be 1..10000000", m->path);
		m->has_permutations = 1;
		m->permutations = (uint32_t)json_integer_value(v);
	}
	if ((v = json_object_get(root, "seed"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return pdg_error_set(PDG_EINVALID, "%s: seed must be a "
			                     "non-negative integer", m->path);
		m->has_seed = 1;
		m->seed = (uint64_t)json_integer_value(v);
	}
	v = json_object_get(root, "models");
	if (!json_is_array(v) || json_array_size(v) == 0)
		return pdg_error_set(PDG_EINVALID, "%s: 'models' must list the "
		                     "student, teachers and controls", m->path);
	if (json_array_size(v) > PDG_FP_MAX_MODELS)
		return pdg_error_set(PDG_ELIMIT, "%s: more than %u models",
		                     m->path, PDG_FP_MAX_MODELS);
	const json_t *o;
	json_array_foreach(v, i, o)
		if ((rc = model_from(m, o)) < 0)
			return rc;
	v = json_object_get(root, "probes");
	if (json_is_string(v)) {
		if ((rc = probes_file(m, json_string_value(v))) < 0)
			return rc;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, o)
			if ((rc = probe_add(m, m->path, o)) < 0)
				return rc;
	} else if (v) {
		return pdg_error_set(PDG_EINVALID, "%s: probes must be a file "
		                     "name or a list", m->path);
	}
	return 0;
}

int pdg_fp_manifest_new(pdg_fp_manifest **out)
{
	*out = pdg_xcalloc(1, sizeof(**out));
	return 0;
}

int pdg_fp_manifest_parse(pdg_fp_manifest **out, const char *path,
                          const char *data, size_t len)
{
	pdg_fp_manifest *m;
	json_t *root = NULL;
	int rc;

	*out = NULL;
	if (len > MAX_MANIFEST)
		return pdg_error_set(PDG_ELIMIT, "%s: larger than %u bytes",
		                     path, MAX_MANIFEST);
	pdg_fp_manifest_new(&m);
	m->path = pdg_xstrdup(path);
	const char *slash = strrchr(path, '/');
	m->dir = slash ? pdg_xstrndup(path, (size_t)(slash - path + 1))
	               : pdg_xstrdup(".");
	if (slash && m->dir[1])
		m->dir[strlen(m->dir) - 1] = '\0';	/* drop the '/' */
	rc = parse_tree(&root, path, data, len);
	if (rc == 0)
		rc = from_tree(m, root);
	json_decref(root);
	if (rc < 0) {
		pdg_fp_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int pdg_fp_manifest_load(pdg_fp_manifest **out, const char *path)
{
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	rc = pdg_fp_read_file(path, MAX_MANIFEST, &data, &len);
	if (rc < 0)
		return rc;
	rc = pdg_fp_manifest_parse(out, path, data, len);
	free(data);
	return rc;
}

int pdg_fp_manifest_add_model(pdg_fp_manifest *m, const char *id,
                              pdg_fp_role role, const char *file)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "id", id ? id : "",
	                      "role", pdg_fp_role_name(role), "scores",
	                      file ? file : "");
	int rc;
	const char *saved = m->path;

	if (!o)
		return pdg_error_set(PDG_EINVALID, "model '%s': id and file "
		                     "must be UTF-8", id ? id : "");
	m->path = (char *)(saved ? saved : "command line");
	rc = model_from(m, o);
	m->path = (char *)saved;
	json_decref(o);
	return rc;
}

const char *pdg_fp_manifest_path(const pdg_fp_manifest *m)
{
	return m->path;
}

const char *pdg_fp_manifest_component(const pdg_fp_manifest *m)
{
	return m->component;
}

void pdg_fp_manifest_free(pdg_fp_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nmodels; i++) {
		pdg_fp_model_spec *s = &m->models[i];
		free(s->id);
		for (size_t j = 0; j < s->nfiles; j++)
			free(s->files[j]);
		free(s->files);
		free(s->dense);
		free(s->vocab);
		free(s->serving);
	}
	free(m->models);
	for (size_t i = 0; i < m->nprobes; i++) {
		free(m->probes[i].id);
		free(m->probes[i].generator);
		free(m->probes[i].text);
	}
	free(m->probes);
	pdg_fp_map_free(&m->probe_ids);
	free(m->path);
	free(m->dir);
	free(m->student);
	free(m->component);
	free(m);
}
