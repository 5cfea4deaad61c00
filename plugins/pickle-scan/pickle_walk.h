/* pickle_walk.h - a bounded, non-executing walk over a pickle stream.
 *
 * The walker decodes every opcode of protocols 0-5 and simulates just
 * enough of the unpickler's stack (strings, marks, the memo) to name each
 * global a stream would import.  It never calls into Python and never
 * builds an object: a hostile stream costs at most its length in time and
 * a bounded amount of memory.
 */
#ifndef PDG_PICKLE_WALK_H
#define PDG_PICKLE_WALK_H

#include <stddef.h>
#include <stdint.h>

/* Stack entries and memo entries beyond these are refused. */
#define PKW_MAX_STACK (1u << 20)
#define PKW_MAX_MEMO (1u << 20)

/* How an import was written. */
typedef enum pkw_how {
	PKW_GLOBAL,          /* GLOBAL / INST: module and name as text */
	PKW_STACK_GLOBAL,    /* STACK_GLOBAL of two string literals */
	PKW_COMPUTED,        /* STACK_GLOBAL of values not literal strings */
	PKW_EXTENSION        /* EXT1/2/4: a copyreg extension code */
} pkw_how;

typedef struct pkw_import {
	const char *module;  /* not NUL-terminated; see module_len */
	size_t module_len;
	const char *name;
	size_t name_len;
	uint64_t offset;     /* of the opcode, from the start of the buffer */
	pkw_how how;
	uint32_t ext_code;   /* PKW_EXTENSION only */
} pkw_import;

/* Called once per import, in stream order.  Nonzero stops the walk. */
typedef int (*pkw_import_fn)(void *ctx, const pkw_import *imp);

typedef struct pkw_result {
	int ok;              /* 1: every pickle ended with STOP */
	int truncated;       /* the input ended inside a pickle */
	uint64_t offset;     /* where a problem was found */
	char message[160];   /* what, when !ok */
	uint32_t pickles;    /* pickles walked (legacy torch files chain
	                        several) */
	uint64_t opcodes;
} pkw_result;

/* Walk the pickles in data[0..len): the first one, then any that follow
 * it directly (starting with PROTO), up to a small count.  Returns 0, or
 * nonzero when the callback stopped the walk.  Never allocates more than
 * the bounds above. */
int pkw_walk(pkw_result *out, const uint8_t *data, size_t len,
             pkw_import_fn fn, void *ctx);

#endif
