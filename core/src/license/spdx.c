/* spdx.c - SPDX license expressions (SPDX specification, annex D):
 *
 *   expr     := and-expr ( OR and-expr )*
 *   and-expr := with-expr ( AND with-expr )*
 *   with-expr:= simple [ WITH exception-id ]
 *   simple   := id ["+"] | LicenseRef-x | DocumentRef-x:LicenseRef-y
 *             | "(" expr ")"
 *
 * Bounded: expressions longer than SPDX_MAX_LEN, deeper than
 * SPDX_MAX_DEPTH or with more than SPDX_MAX_NODES terms are refused.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "license/license_int.h"
#include "util.h"

#define SPDX_MAX_LEN 4096
#define SPDX_MAX_DEPTH 64
#define SPDX_MAX_NODES 512

enum node_type { N_LIC, N_AND, N_OR };

struct node {
	enum node_type type;
	char *id;           /* N_LIC */
	int plus;
	char *exception;    /* after WITH, or NULL */
	struct node *l, *r;
};

struct pdg_spdx_expr {
	struct node *root;
	char *str;
	char **ids;
	size_t n_ids;
	char **exc;
	size_t n_exc;
};

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_WITH, T_WORD, T_BAD };

struct parser {
	const char *s, *end, *p;
	enum tok tok;
	const char *word;
	size_t wlen;
	int depth;
	int nodes;
};

/* SPDX exception identifiers accepted after WITH (the SPDX exceptions
 * list; ids only). */
static const char *const exceptions[] = {
	"389-exception", "Asterisk-exception",
	"Asterisk-linking-protocols-exception", "Autoconf-exception-2.0",
	"Autoconf-exception-3.0", "Autoconf-exception-generic",
	"Autoconf-exception-generic-3.0", "Autoconf-exception-macro",
	"Bison-exception-1.24", "Bison-exception-2.2", "Bootloader-exception",
	"CGAL-linking-exception", "Classpath-exception-2.0",
	"CLISP-exception-2.0", "cryptsetup-OpenSSL-exception",
	"DigiRule-FOSS-exception", "eCos-exception-2.0",
	"erlang-otp-linking-exception", "Fawkes-Runtime-exception",
	"FLTK-exception", "fmt-exception", "Font-exception-2.0",
	"freertos-exception-2.0", "GCC-exception-2.0",
	"GCC-exception-2.0-note", "GCC-exception-3.1", "Gmsh-exception",
	"GNAT-exception", "GNOME-examples-exception",
	"GNU-compiler-exception", "gnu-javamail-exception",
	"GPL-3.0-interface-exception", "GPL-3.0-linking-exception",
	"GPL-3.0-linking-source-exception", "GPL-CC-1.0",
	"GStreamer-exception-2005", "GStreamer-exception-2008",
	"harbour-exception", "i2p-gpl-java-exception",
	"Independent-modules-exception", "KiCad-libraries-exception",
	"kvirc-openssl-exception", "LGPL-3.0-linking-exception",
	"libpri-OpenH323-exception", "Libtool-exception",
	"Linux-syscall-note", "LLGPL", "LLVM-exception", "LZMA-exception",
	"mif-exception", "mxml-exception", "Nokia-Qt-exception-1.1",
	"OCaml-LGPL-linking-exception", "OCCT-exception-1.0",
	"OpenJDK-assembly-exception-1.0", "openvpn-openssl-exception",
	"PCRE2-exception", "polyparse-exception",
	"PS-or-PDF-font-exception-20170817", "QPL-1.0-INRIA-2004-exception",
	"Qt-GPL-exception-1.0", "Qt-LGPL-exception-1.1",
	"Qwt-exception-1.0", "romic-exception",
	"RRDtool-FLOSS-exception-2.0", "SANE-exception", "SHL-2.0",
	"SHL-2.1", "Simple-Library-Usage-exception", "stunnel-exception",
	"SWI-exception", "Swift-exception", "Texinfo-exception",
	"u-boot-exception-2.0", "UBDL-exception",
	"Universal-FOSS-exception-1.0", "vsftpd-openssl-exception",
	"WxWindows-exception-3.1", "x11vnc-openssl-exception",
};

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
	       c == '+';
}

static int word_is(const struct parser *ps, const char *lit)
{
	return ps->wlen == strlen(lit) &&
	       strncasecmp(ps->word, lit, ps->wlen) == 0;
}

static void next(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	                           *ps->p == '\r' || *ps->p == '\n'))
		ps->p++;
	if (ps->p >= ps->end) {
		ps->tok = T_END;
		return;
	}
	ps->word = ps->p;
	if (*ps->p == '(' || *ps->p == ')') {
		ps->tok = *ps->p == '(' ? T_LP : T_RP;
		ps->wlen = 1;
		ps->p++;
		return;
	}
	while (ps->p < ps->end && word_char(*ps->p))
		ps->p++;
	ps->wlen = (size_t)(ps->p - ps->word);
	if (!ps->wlen) {
		ps->tok = T_BAD;
		ps->wlen = 1;
		return;
	}
	if (word_is(ps, "AND"))
		ps->tok = T_AND;
	else if (word_is(ps, "OR"))
		ps->tok = T_OR;
	else if (word_is(ps, "WITH"))
		ps->tok = T_WITH;
	else
		ps->tok = T_WORD;
}

static int fail(const struct parser *ps, const char *what)
{
	size_t col = (size_t)(ps->word - ps->s) + 1;

	if (ps->tok == T_END)
		return pdg_error_set(PDG_EINVALID, "SPDX expression: %s at "
		                     "end of expression", what);
	return pdg_error_set(PDG_EINVALID, "SPDX expression: %s at column "
	                     "%zu ('%.*s')", what, col,
	                     (int)(ps->wlen > 40 ? 40 : ps->wlen), ps->word);
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->l);
	node_free(n->r);
	free(n->id);
	free(n->exception);
	free(n);
}

static struct node *node_new(struct parser *ps, enum node_type t)
{
	struct node *n = pdg_xcalloc(1, sizeof(*n));

	ps->nodes++;
	n->type = t;
	return n;
}

/* An id: letters, digits, '.', '-'; one trailing '+'; ':' only in
 * DocumentRef-x:LicenseRef-y. */
static int valid_id(const char *w, size_t n, int *plus)
{
	const char *colon = memchr(w, ':', n);

	*plus = 0;
	if (n && w[n - 1] == '+') {
		*plus = 1;
		n--;
	}
	if (!n || memchr(w, '+', n))
		return 0;
	if (colon) {
		if (strncasecmp(w, "DocumentRef-", 12) != 0 ||
		    memchr(colon + 1, ':', n - (size_t)(colon + 1 - w)))
			return 0;
		if ((size_t)(w + n - (colon + 1)) < 12 ||
		    strncasecmp(colon + 1, "LicenseRef-", 11) != 0)
			return 0;
	}
	return 1;
}

static int parse_or(struct parser *ps, struct node **out);

static int parse_simple(struct parser *ps, struct node **out)
{
	struct node *n;
	int plus, rc;

	*out = NULL;
	if (ps->nodes >= SPDX_MAX_NODES)
		return fail(ps, "too many terms");
	if (ps->tok == T_LP) {
		if (++ps->depth > SPDX_MAX_DEPTH)
			return fail(ps, "too deeply nested");
		next(ps);
		if ((rc = parse_or(ps, out)) < 0)
			return rc;
		if (ps->tok != T_RP) {
			node_free(*out);
			*out = NULL;
			return fail(ps, "expected ')'");
		}
		ps->depth--;
		next(ps);
		return 0;
	}
	if (ps->tok != T_WORD)
		return fail(ps, "expected a licence id");
	if (!valid_id(ps->word, ps->wlen, &plus))
		return fail(ps, "malformed licence id");
	n = node_new(ps, N_LIC);
	n->plus = plus;
	n->id = pdg_xstrndup(ps->word, ps->wlen - (size_t)plus);
	next(ps);
	if (ps->tok == T_WITH) {
		next(ps);
		if (ps->tok != T_WORD ||
		    !valid_id(ps->word, ps->wlen, &plus) || plus) {
			node_free(n);
			return fail(ps, "expected an exception id after WITH");
		}
		n->exception = pdg_xstrndup(ps->word, ps->wlen);
		next(ps);
	}
	*out = n;
	return 0;
}

static int parse_and(struct parser *ps, struct node **out)
{
	struct node *l, *r, *n;
	int rc;

	if ((rc = parse_simple(ps, &l)) < 0)
		return rc;
	while (ps->tok == T_AND) {
		next(ps);
		if ((rc = parse_simple(ps, &r)) < 0) {
			node_free(l);
			return rc;
		}
		n = node_new(ps, N_AND);
		n->l = l;
		n->r = r;
		l = n;
	}
	*out = l;
	return 0;
}

static int parse_or(struct parser *ps, struct node **out)
{
	struct node *l, *r, *n;
	int rc;

	*out = NULL;
	if ((rc = parse_and(ps, &l)) < 0)
		return rc;
	while (ps->tok == T_OR) {
		next(ps);
		if ((rc = parse_and(ps, &r)) < 0) {
			node_free(l);
			return rc;
		}
		n = node_new(ps, N_OR);
		n->l = l;
		n->r = r;
		l = n;
	}
	*out = l;
	return 0;
}

static int prec(enum node_type t)
{
	return t == N_OR ? 1 : t == N_AND ? 2 : 3;
}

static void print(pdg_buf *b, const struct node *n, int parent)
{
	int p = prec(n->type);

	if (n->type == N_LIC) {
		pdg_buf_puts(b, n->id);
		if (n->plus)
			pdg_buf_puts(b, "+");
		if (n->exception) {
			pdg_buf_puts(b, " WITH ");
			pdg_buf_puts(b, n->exception);
		}
		return;
	}
	if (p < parent)
		pdg_buf_puts(b, "(");
	print(b, n->l, p);
	pdg_buf_puts(b, n->type == N_AND ? " AND " : " OR ");
	/* Same operator on the right only when grouped explicitly; the
	 * parser builds left-deep trees, so keep parentheses there. */
	print(b, n->r, n->r->type == n->type ? p + 1 : p);
	if (p < parent)
		pdg_buf_puts(b, ")");
}

static void add_unique(char ***list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return;
	*list = pdg_xrealloc(*list, (*n + 1) * sizeof(char *));
	(*list)[(*n)++] = pdg_xstrdup(s);
}

static void collect(pdg_spdx_expr *e, const struct node *n)
{
	if (n->type == N_LIC) {
		add_unique(&e->ids, &e->n_ids, n->id);
		if (n->exception)
			add_unique(&e->exc, &e->n_exc, n->exception);
		return;
	}
	collect(e, n->l);
	collect(e, n->r);
}

static void refresh(pdg_spdx_expr *e)
{
	pdg_buf b = PDG_BUF_INIT;

	for (size_t i = 0; i < e->n_ids; i++)
		free(e->ids[i]);
	for (size_t i = 0; i < e->n_exc; i++)
		free(e->exc[i]);
	free(e->ids);
	free(e->exc);
	e->ids = e->exc = NULL;
	e->n_ids = e->n_exc = 0;
	collect(e, e->root);
	free(e->str);
	print(&b, e->root, 0);
	e->str = b.ptr;
}

int pdg_spdx_parse(pdg_spdx_expr **out, const char *s, size_t len)
{
	struct parser ps;
	struct node *root;
	int rc;

	*out = NULL;
	if (!s || len > SPDX_MAX_LEN)
		return pdg_error_set(PDG_EINVALID, "SPDX expression: longer "
		                     "than %d bytes", SPDX_MAX_LEN);
	if (memchr(s, '\0', len))
		return pdg_error_set(PDG_EINVALID,
		                     "SPDX expression: NUL byte");
	memset(&ps, 0, sizeof(ps));
	ps.s = ps.p = ps.word = s;
	ps.end = s + len;
	next(&ps);
	if (ps.tok == T_END)
		return pdg_error_set(PDG_EINVALID, "SPDX expression: empty");
	if ((rc = parse_or(&ps, &root)) < 0)
		return rc;
	if (ps.tok != T_END) {
		node_free(root);
		return fail(&ps, ps.tok == T_RP ? "unbalanced ')'" :
		            "expected AND, OR or end");
	}
	pdg_spdx_expr *e = pdg_xcalloc(1, sizeof(*e));
	e->root = root;
	refresh(e);
	*out = e;
	return 0;
}

static int eval(const struct node *n, pdg_spdx_leaf_fn leaf, void *payload)
{
	if (n->type == N_LIC)
		return leaf(n->id, payload) ? 1 : 0;
	int l = eval(n->l, leaf, payload);
	/* Both sides are evaluated so that the callback sees every id. */
	int r = eval(n->r, leaf, payload);
	return n->type == N_AND ? l && r : l || r;
}

int pdg_spdx_expr_eval(const pdg_spdx_expr *e, pdg_spdx_leaf_fn leaf,
                       void *payload)
{
	return e && e->root ? eval(e->root, leaf, payload) : 0;
}

const char *pdg_spdx_expr_string(const pdg_spdx_expr *e)
{
	return e ? e->str : NULL;
}

size_t pdg_spdx_expr_license_count(const pdg_spdx_expr *e)
{
	return e ? e->n_ids : 0;
}

const char *pdg_spdx_expr_license(const pdg_spdx_expr *e, size_t i)
{
	return e && i < e->n_ids ? e->ids[i] : NULL;
}

size_t pdg_spdx_expr_exception_count(const pdg_spdx_expr *e)
{
	return e ? e->n_exc : 0;
}

const char *pdg_spdx_expr_exception(const pdg_spdx_expr *e, size_t i)
{
	return e && i < e->n_exc ? e->exc[i] : NULL;
}

static const char *find_exception(const char *id)
{
	for (size_t i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]);
	     i++)
		if (strcasecmp(exceptions[i], id) == 0)
			return exceptions[i];
	return NULL;
}

static int validate(struct node *n, const pdg_license_db *db)
{
	const char *canon;
	int rc;

	if (n->type != N_LIC) {
		if ((rc = validate(n->l, db)) < 0)
			return rc;
		return validate(n->r, db);
	}
	if (strncasecmp(n->id, "LicenseRef-", 11) == 0 ||
	    strncasecmp(n->id, "DocumentRef-", 12) == 0) {
		canon = pdg_license_db_find(db, n->id);
		if (canon && strcmp(canon, n->id) != 0) {
			free(n->id);
			n->id = pdg_xstrdup(canon);
		}
	} else if ((canon = pdg_license_db_find(db, n->id))) {
		if (strcmp(canon, n->id) != 0) {
			free(n->id);
			n->id = pdg_xstrdup(canon);
		}
	} else {
		return pdg_error_set(PDG_EINVALID, "SPDX expression: unknown "
		                     "licence id '%s'", n->id);
	}
	if (n->exception) {
		canon = find_exception(n->exception);
		if (!canon)
			return pdg_error_set(PDG_EINVALID, "SPDX expression: "
			                     "unknown exception id '%s'",
			                     n->exception);
		if (strcmp(canon, n->exception) != 0) {
			free(n->exception);
			n->exception = pdg_xstrdup(canon);
		}
	}
	return 0;
}

int pdg_spdx_expr_validate(pdg_spdx_expr *e, const pdg_license_db *db)
{
	int rc;

	if (!e)
		return pdg_error_set(PDG_EINVALID, "SPDX expression: none");
	if (!db && (rc = pdg_license_db_default(&db)) < 0)
		return rc;
	rc = validate(e->root, db);
	refresh(e);
	return rc;
}

void pdg_spdx_expr_free(pdg_spdx_expr *e)
{
	if (!e)
		return;
	node_free(e->root);
	for (size_t i = 0; i < e->n_ids; i++)
		free(e->ids[i]);
	for (size_t i = 0; i < e->n_exc; i++)
		free(e->exc[i]);
	free(e->ids);
	free(e->exc);
	free(e->str);
	free(e);
}
