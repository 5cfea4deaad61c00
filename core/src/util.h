/* util.h - small helpers shared by the engine. */
#ifndef PDG_UTIL_H
#define PDG_UTIL_H

#include <stddef.h>
#include <stdint.h>

/** malloc family that abort()s on exhaustion: pedigree bounds every
 *  allocation by a limit, so running out of memory is a bug, not input. */
void *pdg_xmalloc(size_t n);
void *pdg_xcalloc(size_t n, size_t m);
void *pdg_xrealloc(void *p, size_t n);
char *pdg_xstrdup(const char *s);
char *pdg_xstrndup(const char *s, size_t n);
char *pdg_xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/** Growable byte buffer, always NUL-terminated. */
typedef struct pdg_buf {
	char *ptr;
	size_t len;
	size_t cap;
} pdg_buf;
#define PDG_BUF_INIT { NULL, 0, 0 }
void pdg_buf_put(pdg_buf *b, const void *data, size_t len);
void pdg_buf_puts(pdg_buf *b, const char *s);
void pdg_buf_printf(pdg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pdg_buf_free(pdg_buf *b);

/** Last path component, without trailing slashes (new string). */
char *pdg_path_basename(const char *path);
/** Lower-cased copy (ASCII). */
char *pdg_ascii_lower(const char *s);
/** 1 if s ends with suffix, ASCII case-insensitive. */
int pdg_ends_with_ci(const char *s, const char *suffix);
int pdg_starts_with_ci(const char *s, const char *prefix);
/** Glob match: '*' any run, '?' one byte; ASCII case-insensitive when
 *  nocase.  Backtracks only to the last '*', so it stays cheap on any
 *  pattern. */
int pdg_glob_match(const char *glob, const char *s, int nocase);
/** "org/name" -> "name"; an id without an organisation is its own name. */
const char *pdg_model_name_part(const char *id);
/** Drop a suffix that only says how a file is packed (".tar.gz", ".zip",
 *  ".7z", ".git"...), in place: "chat-mix.tar.gz" -> "chat-mix". */
void pdg_strip_packing_suffix(char *name);

#endif
