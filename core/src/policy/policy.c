/* policy.c - load and validate a release policy (docs/policy.md).
 *
 * Strict like the knowledge base: an unknown key, a misspelt action or a
 * date that does not exist is an error naming FILE:LINE, because a typo
 * in a policy would otherwise let a release through.  The YAML is read
 * with the knowledge base's bounded tree (no aliases, bounded depth and
 * size).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "error.h"
#include "kb/kb.h"
#include "kb/kb_internal.h"
#include "license/license.h"
#include "policy/policy_int.h"
#include "util.h"

/* A policy is small; anything larger is not one. */
#define POLICY_MAX_BYTES (1u << 20)

/* The built-in policies (policies/NAME.yaml), embedded by kb_embed.py. */
extern const char pdg_policy_blob_bytes[];
extern const pdg_kb_blob_file pdg_policy_blob_files[];
extern const size_t pdg_policy_blob_nfiles;

const char *const pdg_policy_builtin_names[] = {
	"default", "release", "research-only", NULL
};

struct pctx {
	pdg_policy *p;
	const char *file;
	int docs;
	/* The knowledge base, loaded on first use: only provider names in
	 * competes_with need it, and loading it costs more than parsing a
	 * policy. */
	pdg_kb **kb;
	int *kb_tried;
};

static const pdg_kb *ctx_kb(const struct pctx *c)
{
	if (!*c->kb_tried) {
		*c->kb_tried = 1;
		if (pdg_kb_load_default(c->kb) < 0)
			*c->kb = NULL;
	}
	return *c->kb;
}

static int fail(const struct pctx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const struct pctx *c, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pdg_error_set(PDG_EINVALID, "%s:%u: %s", c->file, line, msg);
}

static int is_null(const pdg_kb_node *n)
{
	return n->type == PDG_KB_NODE_SCALAR && n->plain &&
	       (n->len == 0 || !strcmp(n->str, "~") ||
	        !strcmp(n->str, "null"));
}

static int text(const struct pctx *c, const pdg_kb_node *n,
                const char *what, char **out)
{
	if (n->type != PDG_KB_NODE_SCALAR)
		return fail(c, n->line, "%s must be a single value", what);
	if (is_null(n) || n->len == 0)
		return fail(c, n->line, "%s has no value", what);
	for (size_t i = 0; i < n->len; i++)
		if ((unsigned char)n->str[i] < 0x20 && n->str[i] != '\n')
			return fail(c, n->line, "%s contains a control "
			            "character", what);
	free(*out);
	*out = pdg_xstrndup(n->str, n->len);
	return 0;
}

static int boolean(const struct pctx *c, const pdg_kb_node *n,
                   const char *what, pdg_tristate *out)
{
	if (n->type == PDG_KB_NODE_SCALAR && n->plain) {
		if (!strcmp(n->str, "true") || !strcmp(n->str, "yes")) {
			*out = PDG_YES;
			return 0;
		}
		if (!strcmp(n->str, "false") || !strcmp(n->str, "no")) {
			*out = PDG_NO;
			return 0;
		}
	}
	return fail(c, n->line, "%s must be true or false", what);
}

static int number(const struct pctx *c, const pdg_kb_node *n,
                  const char *what, uint64_t *out)
{
	uint64_t v = 0;

	if (n->type != PDG_KB_NODE_SCALAR || !n->plain || !n->len)
		return fail(c, n->line, "%s must be a whole number", what);
	for (size_t i = 0; i < n->len; i++) {
		unsigned d = (unsigned char)n->str[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return fail(c, n->line, "%s must be a whole number, "
			            "not '%s'", what, n->str);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Rule globs, licence globs, paths: printable, no spaces. */
static int word(const struct pctx *c, const pdg_kb_node *n,
                const char *what, char **out)
{
	int rc = text(c, n, what, out);

	for (const char *s = rc ? "" : *out; *s; s++)
		if (isspace((unsigned char)*s))
			return fail(c, n->line, "%s '%s' must not contain "
			            "spaces", what, *out);
	return rc;
}

static int list(const struct pctx *c, const pdg_kb_node *n,
                const char *what, char ***out, size_t *count)
{
	if (n->type != PDG_KB_NODE_SEQ)
		return fail(c, n->line, "%s must be a list", what);
	char **v = pdg_xcalloc(n->n ? n->n : 1, sizeof(*v));
	size_t i = 0;
	for (const pdg_kb_node *x = n->first; x; x = x->next, i++) {
		int rc = word(c, x, what, &v[i]);
		if (rc) {
			for (size_t k = 0; k <= i; k++)
				free(v[k]);
			free(v);
			return rc;
		}
	}
	*out = v;
	*count = n->n;
	return 0;
}

static int verdict_of(const struct pctx *c, const pdg_kb_node *n,
                      pdg_verdict *out)
{
	static const char *const names[] = { "pass", "warn", "fail" };

	if (n->type == PDG_KB_NODE_SCALAR)
		for (int i = 0; i < 3; i++)
			if (!strcmp(n->str, names[i])) {
				*out = (pdg_verdict)i;
				return 0;
			}
	return fail(c, n->line, "bad action '%s' (expected fail, warn or "
	            "pass)", n->type == PDG_KB_NODE_SCALAR ? n->str : "?");
}

/* Every key of a mapping must be known; `keys` is NULL-terminated. */
static int known_keys(const struct pctx *c, const pdg_kb_node *map,
                      const char *what, const char *const *keys)
{
	if (map->type != PDG_KB_NODE_MAP)
		return fail(c, map->line, "%s must be a mapping", what);
	for (const pdg_kb_node *k = map->first; k; k = k->next->next) {
		int ok = 0;
		for (size_t i = 0; keys[i] && !ok; i++)
			ok = k->type == PDG_KB_NODE_SCALAR &&
			     !strcmp(k->str, keys[i]);
		if (!ok) {
			char all[256] = "";
			for (size_t i = 0; keys[i]; i++)
				snprintf(all + strlen(all),
				         sizeof(all) - strlen(all), "%s%s",
				         i ? ", " : "", keys[i]);
			return fail(c, k->line, "%s: unknown key '%s' "
			            "(expected %s)", what,
			            k->type == PDG_KB_NODE_SCALAR ? k->str : "?",
			            all);
		}
		for (const pdg_kb_node *p = map->first; p != k;
		     p = p->next->next)
			if (!strcmp(p->str, k->str))
				return fail(c, k->line, "%s: key '%s' given "
				            "twice", what, k->str);
	}
	return 0;
}

static const pdg_kb_node *get(const pdg_kb_node *map, const char *key)
{
	for (const pdg_kb_node *k = map->first; k; k = k->next->next)
		if (k->type == PDG_KB_NODE_SCALAR && !strcmp(k->str, key))
			return k->next;
	return NULL;
}

static int parse_intent(struct pctx *c, const pdg_kb_node *n)
{
	static const char *const keys[] = {
		"commercial", "distributes_weights", "hosted",
		"competes_with", "monthly_active_users",
		"annual_revenue_usd", NULL
	};
	pdg_intent *in = &c->p->intent;
	const pdg_kb_node *v;
	int rc = known_keys(c, n, "intended_use", keys);

	if (!rc && (v = get(n, "commercial")))
		rc = boolean(c, v, "intended_use.commercial", &in->commercial);
	if (!rc && (v = get(n, "distributes_weights")))
		rc = boolean(c, v, "intended_use.distributes_weights",
		             &in->distributes_weights);
	if (!rc && (v = get(n, "hosted")))
		rc = boolean(c, v, "intended_use.hosted", &in->hosted);
	if (!rc && (v = get(n, "monthly_active_users")))
		rc = number(c, v, "intended_use.monthly_active_users",
		            &in->monthly_active_users);
	if (!rc && (v = get(n, "annual_revenue_usd")))
		rc = number(c, v, "intended_use.annual_revenue_usd",
		            &in->annual_revenue_usd);
	if (!rc && (v = get(n, "competes_with"))) {
		rc = list(c, v, "intended_use.competes_with", &c->p->competes,
		          &c->p->ncompetes);
		const pdg_kb_node *x = v->first;
		for (size_t i = 0; !rc && i < c->p->ncompetes;
		     i++, x = x->next)
			if (strcmp(c->p->competes[i], "*") != 0 &&
			    ctx_kb(c) &&
			    !pdg_kb_provider_find(ctx_kb(c),
			                          c->p->competes[i]))
				rc = fail(c, x->line, "competes_with: unknown "
				          "provider '%s' (a provider id of the "
				          "knowledge base, such as openai, or "
				          "'*')", c->p->competes[i]);
		in->competes_with = (const char *const *)c->p->competes;
		in->n_competes_with = c->p->ncompetes;
		in->competes_known = 1;
	}
	return rc;
}

static int parse_licenses(struct pctx *c, const pdg_kb_node *n)
{
	static const char *const keys[] = { "allow", "deny", NULL };
	const pdg_kb_node *v;
	int rc = known_keys(c, n, "licenses", keys);

	if (!rc && (v = get(n, "allow")))
		rc = list(c, v, "licenses.allow", &c->p->allow, &c->p->nallow);
	if (!rc && (v = get(n, "deny")))
		rc = list(c, v, "licenses.deny", &c->p->deny, &c->p->ndeny);
	return rc;
}

static int parse_rules(struct pctx *c, const pdg_kb_node *n)
{
	if (n->type != PDG_KB_NODE_MAP)
		return fail(c, n->line, "rules must be a mapping of finding "
		            "rule to fail, warn or pass");
	c->p->rules = pdg_xcalloc(n->n ? n->n : 1, sizeof(*c->p->rules));
	for (const pdg_kb_node *k = n->first; k; k = k->next->next) {
		pdg_policy_rule *r = &c->p->rules[c->p->nrules];
		int rc = word(c, k, "rule", &r->glob);
		if (!rc)
			rc = verdict_of(c, k->next, &r->action);
		if (rc) {
			free(r->glob);
			return rc;
		}
		for (size_t i = 0; i < c->p->nrules; i++)
			if (!strcmp(c->p->rules[i].glob, r->glob)) {
				free(r->glob);
				return fail(c, k->line, "rule '%s' given "
				            "twice", k->str);
			}
		r->line = k->line;
		c->p->nrules++;
	}
	return 0;
}

static int parse_severity(struct pctx *c, const pdg_kb_node *n)
{
	static const char *const keys[] = { "error", "warning", "info", NULL };
	int rc = known_keys(c, n, "severity", keys);

	for (int s = 0; !rc && s < 3; s++) {
		const pdg_kb_node *v = get(n, keys[2 - s]);
		if (v)
			rc = verdict_of(c, v, &c->p->severity[s]);
	}
	return rc;
}

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	                         31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

static int date(const struct pctx *c, const pdg_kb_node *n, char out[11])
{
	int y, m, d;
	char tail;

	if (n->type != PDG_KB_NODE_SCALAR || n->len != 10 ||
	    sscanf(n->str, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    n->str[4] != '-' || n->str[7] != '-' || y < 1970 || m < 1 ||
	    m > 12 || d < 1 || d > days_in(y, m))
		return fail(c, n->line, "expires must be a date YYYY-MM-DD, "
		            "not '%s'", n->type == PDG_KB_NODE_SCALAR
		            ? n->str : "?");
	memcpy(out, n->str, 10);
	out[10] = '\0';
	return 0;
}

static int parse_exception(struct pctx *c, const pdg_kb_node *n,
                           pdg_policy_exception *x)
{
	static const char *const keys[] = {
		"rule", "subject", "component", "path", "reason",
		"approved_by", "expires", NULL
	};
	const pdg_kb_node *v;
	int rc = known_keys(c, n, "exception", keys);

	x->line = n->line;
	if (!rc && !(v = get(n, "rule")))
		rc = fail(c, n->line, "exception: 'rule' is required");
	else if (!rc)
		rc = word(c, v, "exception rule", &x->rule);
	if (!rc && (v = get(n, "subject")))
		rc = text(c, v, "exception subject", &x->subject);
	if (!rc && (v = get(n, "component")))
		rc = text(c, v, "exception component", &x->component);
	if (!rc && (v = get(n, "path")))
		rc = text(c, v, "exception path", &x->path);
	if (!rc && !(v = get(n, "reason")))
		rc = fail(c, n->line, "exception: 'reason' is required: say "
		          "why the finding is accepted");
	else if (!rc)
		rc = text(c, v, "exception reason", &x->reason);
	if (!rc && !(v = get(n, "approved_by")))
		rc = fail(c, n->line, "exception: 'approved_by' is required: "
		          "say who accepted it");
	else if (!rc)
		rc = text(c, v, "exception approved_by", &x->approved_by);
	if (!rc && !(v = get(n, "expires")))
		rc = fail(c, n->line, "exception: 'expires' is required "
		          "(YYYY-MM-DD): exceptions are reviewed, not kept "
		          "forever");
	else if (!rc)
		rc = date(c, v, x->expires);
	return rc;
}

static int parse_hash(const struct pctx *c, const pdg_kb_node *n,
                      uint64_t *out)
{
	uint64_t v = 0;

	if (n->type != PDG_KB_NODE_SCALAR || n->len != 21 ||
	    strncmp(n->str, "xxh3:", 5) != 0)
		goto bad;
	for (size_t i = 5; i < 21; i++) {
		int ch = tolower((unsigned char)n->str[i]);
		int d = isdigit(ch) ? ch - '0' : ch >= 'a' && ch <= 'f'
		        ? ch - 'a' + 10 : -1;
		if (d < 0)
			goto bad;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
bad:
	return fail(c, n->line, "hash must be 'xxh3:' and 16 hex digits (see "
	            "'pedigree policy hash FILE')");
}

static int parse_clarify(struct pctx *c, const pdg_kb_node *n,
                         pdg_policy_clarification *x)
{
	static const char *const keys[] = {
		"path", "component", "hash", "license", "reason", NULL
	};
	const pdg_kb_node *v;
	char *lic = NULL;
	int rc = known_keys(c, n, "clarification", keys);

	x->line = n->line;
	if (!rc && !(v = get(n, "path")))
		rc = fail(c, n->line, "clarification: 'path' is required");
	else if (!rc)
		rc = text(c, v, "clarification path", &x->path);
	if (!rc && (v = get(n, "component")))
		rc = text(c, v, "clarification component", &x->component);
	if (!rc && !(v = get(n, "hash")))
		rc = fail(c, n->line, "clarification: 'hash' is required: it "
		          "ties the licence to the file as it is now");
	else if (!rc)
		rc = parse_hash(c, v, &x->hash);
	if (!rc && (v = get(n, "reason")))
		rc = text(c, v, "clarification reason", &x->reason);
	if (!rc && !(v = get(n, "license")))
		rc = fail(c, n->line, "clarification: 'license' is required");
	else if (!rc)
		rc = text(c, v, "clarification license", &lic);
	if (!rc) {
		pdg_spdx_expr *e = NULL;
		if (pdg_spdx_parse(&e, lic, strlen(lic)) < 0)
			rc = fail(c, v->line, "clarification license: %s",
			          pdg_error_last());
		else
			x->license = pdg_xstrdup(pdg_spdx_expr_string(e));
		pdg_spdx_expr_free(e);
	}
	free(lic);
	return rc;
}

static int parse_list_of(struct pctx *c, const pdg_kb_node *n,
                         const char *what, int clarify)
{
	if (n->type != PDG_KB_NODE_SEQ)
		return fail(c, n->line, "%s must be a list", what);
	if (clarify)
		c->p->clarify = pdg_xcalloc(n->n ? n->n : 1,
		                            sizeof(*c->p->clarify));
	else
		c->p->exceptions = pdg_xcalloc(n->n ? n->n : 1,
		                               sizeof(*c->p->exceptions));
	for (const pdg_kb_node *x = n->first; x; x = x->next) {
		int rc = clarify
		        ? parse_clarify(c, x, &c->p->clarify[c->p->nclarify++])
		        : parse_exception(c, x,
		                  &c->p->exceptions[c->p->nexceptions++]);
		if (rc)
			return rc;
	}
	return 0;
}

static int on_doc(const pdg_kb_node *root, unsigned line, void *payload)
{
	static const char *const keys[] = {
		"policy", "version", "description", "intended_use",
		"licenses", "rules", "severity", "exceptions", "clarify", NULL
	};
	struct pctx *c = payload;
	const pdg_kb_node *v;
	uint64_t version = 0;
	int rc;

	if (!root)
		return 0;
	if (c->docs++)
		return fail(c, line, "a policy is one YAML document");
	rc = known_keys(c, root, "policy", keys);
	if (!rc && !(v = get(root, "policy")))
		rc = fail(c, root->line, "'policy' (its name) is required");
	else if (!rc)
		rc = word(c, v, "policy", &c->p->name);
	if (!rc && !(v = get(root, "version")))
		rc = fail(c, root->line, "'version: 1' is required");
	else if (!rc && !(rc = number(c, v, "version", &version)) &&
	         version != 1)
		rc = fail(c, v->line, "version %llu is not supported (this "
		          "pedigree reads version 1)",
		          (unsigned long long)version);
	if (!rc && (v = get(root, "description")))
		rc = text(c, v, "description", &c->p->description);
	if (!rc && (v = get(root, "intended_use")))
		rc = parse_intent(c, v);
	if (!rc && (v = get(root, "licenses")))
		rc = parse_licenses(c, v);
	if (!rc && (v = get(root, "rules")))
		rc = parse_rules(c, v);
	if (!rc && (v = get(root, "severity")))
		rc = parse_severity(c, v);
	if (!rc && (v = get(root, "exceptions")))
		rc = parse_list_of(c, v, "exceptions", 0);
	if (!rc && (v = get(root, "clarify")))
		rc = parse_list_of(c, v, "clarify", 1);
	return rc;
}

static pdg_policy *policy_new(const char *file)
{
	pdg_policy *p = pdg_xcalloc(1, sizeof(*p));
	pdg_intent none = PDG_INTENT_INIT;

	p->file = pdg_xstrdup(file);
	p->intent = none;
	p->severity[PDG_SEVERITY_ERROR] = PDG_VERDICT_FAIL;
	p->severity[PDG_SEVERITY_WARNING] = PDG_VERDICT_WARN;
	p->severity[PDG_SEVERITY_INFO] = PDG_VERDICT_PASS;
	return p;
}

int pdg_policy_load_buffer(pdg_policy **out, const char *name,
                           const char *data, size_t len)
{
	pdg_policy *p = policy_new(name);
	pdg_kb *kb = NULL;
	int kb_tried = 0;
	struct pctx c = { p, name, 0, &kb, &kb_tried };
	int rc;

	*out = NULL;
	if (len > POLICY_MAX_BYTES) {
		pdg_policy_free(p);
		return pdg_error_set(PDG_ELIMIT, "%s: larger than %u bytes",
		                     name, POLICY_MAX_BYTES);
	}
	rc = pdg_kb_yaml_parse(name, data, len, on_doc, &c);
	if (!rc && !c.docs)
		rc = pdg_error_set(PDG_EINVALID, "%s: empty policy", name);
	pdg_kb_free(kb);
	if (rc) {
		pdg_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Open a regular file for reading; never block on a FIFO or read a
 * device as a policy or a licence. */
static int open_regular(const char *path, int *fd, struct stat *st)
{
	*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return pdg_error_set(errno == ENOENT ? PDG_ENOTFOUND : PDG_EIO,
		                     "%s: %s", path, strerror(errno));
	if (fstat(*fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(*fd);
		return pdg_error_set(PDG_EINVALID, "%s: not a regular file",
		                     path);
	}
	return 0;
}

static int read_file(const char *path, char **data, size_t *len)
{
	struct stat st;
	int fd, rc = open_regular(path, &fd, &st);

	if (rc)
		return rc;
	if (st.st_size > (off_t)POLICY_MAX_BYTES) {
		close(fd);
		return pdg_error_set(PDG_ELIMIT, "%s: larger than %u bytes",
		                     path, POLICY_MAX_BYTES);
	}
	char *buf = pdg_xmalloc((size_t)st.st_size + 1);
	size_t used = 0;
	for (;;) {
		ssize_t r = read(fd, buf + used, (size_t)st.st_size + 1 - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (used += (size_t)r) > (size_t)st.st_size)
			break;
	}
	close(fd);
	if (used > (size_t)st.st_size) {
		free(buf);
		return pdg_error_set(PDG_EINVALID, "%s: changed while being "
		                     "read", path);
	}
	*data = buf;
	*len = used;
	return 0;
}

static int load_builtin(pdg_policy **out, const char *name)
{
	for (size_t i = 0; i < pdg_policy_blob_nfiles; i++) {
		const pdg_kb_blob_file *f = &pdg_policy_blob_files[i];
		size_t n = strlen(name);
		if (strncmp(f->name, name, n) == 0 &&
		    strcmp(f->name + n, ".yaml") == 0) {
			char *label = pdg_xasprintf("policies/%s", f->name);
			int rc = pdg_policy_load_buffer(out, label,
			        pdg_policy_blob_bytes + f->offset, f->size);
			free(label);
			return rc;
		}
	}
	return pdg_error_set(PDG_ENOTFOUND, "no built-in policy '%s'", name);
}

int pdg_policy_load(pdg_policy **out, const char *path)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!path || !*path)
		return pdg_error_set(PDG_EUSAGE, "no policy given");
	if (!strchr(path, '/') && stat(path, &st) != 0) {
		for (size_t i = 0; pdg_policy_builtin_names[i]; i++)
			if (!strcmp(path, pdg_policy_builtin_names[i]))
				return load_builtin(out, path);
		return pdg_error_set(PDG_ENOTFOUND, "%s: no such file, and "
		                     "not a built-in policy (default, release, "
		                     "research-only)", path);
	}
	rc = read_file(path, &data, &len);
	if (rc)
		return rc;
	rc = pdg_policy_load_buffer(out, path, data, len);
	free(data);
	return rc;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void pdg_policy_free(pdg_policy *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->file);
	free(p->description);
	free_list(p->competes, p->ncompetes);
	free_list(p->allow, p->nallow);
	free_list(p->deny, p->ndeny);
	for (size_t i = 0; i < p->nrules; i++)
		free(p->rules[i].glob);
	free(p->rules);
	for (size_t i = 0; i < p->nexceptions; i++) {
		pdg_policy_exception *x = &p->exceptions[i];
		free(x->rule);
		free(x->subject);
		free(x->component);
		free(x->path);
		free(x->reason);
		free(x->approved_by);
	}
	free(p->exceptions);
	for (size_t i = 0; i < p->nclarify; i++) {
		free(p->clarify[i].path);
		free(p->clarify[i].component);
		free(p->clarify[i].license);
		free(p->clarify[i].reason);
	}
	free(p->clarify);
	free(p);
}

const char *pdg_policy_name(const pdg_policy *p)
{
	return p->name;
}

const char *pdg_policy_file(const pdg_policy *p)
{
	return p->file;
}

const pdg_intent *pdg_policy_intent(const pdg_policy *p)
{
	return &p->intent;
}

size_t pdg_policy_rule_count(const pdg_policy *p)
{
	return p->nrules;
}

size_t pdg_policy_exception_count(const pdg_policy *p)
{
	return p->nexceptions;
}

size_t pdg_policy_clarification_count(const pdg_policy *p)
{
	return p->nclarify;
}

size_t pdg_policy_expired_count(const pdg_policy *p, const char *today)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nexceptions; i++)
		n += strcmp(p->exceptions[i].expires, today) < 0;
	return n;
}

char *pdg_policy_hash_string(uint64_t hash)
{
	return pdg_xasprintf("xxh3:%016llx", (unsigned long long)hash);
}

int pdg_policy_hash_file(char **out, const char *path)
{
	struct stat st;
	unsigned char buf[1 << 16];
	XXH3_state_t *h;
	ssize_t r;
	int fd, rc;

	*out = NULL;
	if ((rc = open_regular(path, &fd, &st)) != 0)
		return rc;
	h = XXH3_createState();
	XXH3_64bits_reset(h);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			XXH3_freeState(h);
			close(fd);
			return pdg_error_set(PDG_EIO, "%s: %s", path,
			                     strerror(e));
		}
		XXH3_64bits_update(h, buf, (size_t)r);
	}
	*out = pdg_policy_hash_string(XXH3_64bits_digest(h));
	XXH3_freeState(h);
	close(fd);
	return 0;
}
