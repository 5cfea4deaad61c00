/* pickle_walk.h - a bounded, streaming, non-executing walk over pickles.
 *
 * The walker decodes every opcode of protocols 0-5 and simulates just
 * enough of the unpickler's stack (short strings, marks, the memo) to name
 * each global a stream would import and to see which of them it would
 * call.  It never calls into Python and never builds an object.  Input is
 * pulled through a reader in a fixed window, so a pickle of any size costs
 * a bounded amount of memory (pkw_limits) and time linear in its length.
 */
#ifndef PDG_PICKLE_WALK_H
#define PDG_PICKLE_WALK_H

#include <stddef.h>
#include <stdint.h>

/* Where the bytes come from.  read() copies up to len bytes at stream
 * offset off and returns the count, 0 at the end, <0 on error; offsets
 * never go backwards (archive members are streams), they may skip
 * forward. */
typedef struct pkw_reader {
	int64_t (*read)(void *ctx, void *buf, size_t len, uint64_t off);
	void *ctx;
	uint64_t size;       /* bytes in the stream; 0 = unknown */
} pkw_reader;

typedef struct pkw_limits {
	uint64_t max_bytes;  /* stream bytes walked; past them: partial */
	size_t max_stack;    /* stack entries */
	size_t max_memo;     /* distinct memo keys */
	size_t max_string;   /* longest string literal kept to resolve
	                        STACK_GLOBAL operands (<= window) */
	size_t max_kept;     /* bytes of kept strings per pickle */
	uint32_t max_pickles;/* pickles chained in one stream */
	size_t window;       /* input window: also the longest GLOBAL or
	                        INST line */
} pkw_limits;

#define PKW_LIMITS_DEFAULT \
	{ (uint64_t)1 << 30, (size_t)1 << 20, (size_t)1 << 20, 1024, \
	  (size_t)32 << 20, 16, (size_t)64 << 10 }

/* How an import was written. */
typedef enum pkw_how {
	PKW_GLOBAL,          /* GLOBAL / INST: module and name as text */
	PKW_STACK_GLOBAL,    /* STACK_GLOBAL of two string literals */
	PKW_COMPUTED,        /* STACK_GLOBAL of values that are not string
	                        literals the walker kept */
	PKW_EXTENSION        /* EXT1/2/4: a copyreg extension code */
} pkw_how;

typedef struct pkw_import {
	const char *module;  /* not NUL-terminated; see module_len */
	size_t module_len;
	const char *name;
	size_t name_len;
	uint64_t offset;     /* of the opcode, in the stream */
	pkw_how how;
	uint32_t ext_code;   /* PKW_EXTENSION only */
} pkw_import;

/* An opcode that calls what an import produced: REDUCE, NEWOBJ and
 * NEWOBJ_EX call it, OBJ and INST instantiate it, BUILD calls the
 * __setstate__ of an object it made. */
typedef struct pkw_call {
	uint32_t tag;        /* what the import callback set */
	const char *opcode;  /* "REDUCE", "BUILD"... */
	uint64_t offset;
} pkw_call;

typedef struct pkw_callbacks {
	/* Each returns nonzero to stop the walk.  import() may set *tag
	 * (0 on entry) to follow the value: calls of it, or of objects it
	 * made, are then reported to call() with that tag. */
	int (*import)(void *ctx, const pkw_import *imp, uint32_t *tag);
	int (*call)(void *ctx, const pkw_call *call);   /* may be NULL */
	void *ctx;
} pkw_callbacks;

typedef struct pkw_result {
	int ok;              /* 1: every pickle walked ended with STOP */
	int truncated;       /* the input ended inside a pickle */
	int partial;         /* stopped at max_bytes: the rest unchecked */
	int legacy_torch;    /* a pre-zip torch.save file (magic number) */
	uint64_t offset;     /* where a problem was found */
	char message[160];   /* what, when !ok */
	uint32_t pickles;    /* pickles walked */
	uint64_t opcodes;
	uint64_t bytes;      /* stream bytes consumed */
} pkw_result;

/* Walk the pickles of a stream: the first, then any that follow it
 * directly (starting with PROTO), up to max_pickles; a legacy torch.save
 * file is walked as exactly its five pickles.  Returns 0, 1 when a
 * callback stopped the walk, <0 when the reader failed (out->message says
 * why).  lim NULL: PKW_LIMITS_DEFAULT. */
int pkw_walk_stream(pkw_result *out, const pkw_reader *rd,
                    const pkw_limits *lim, const pkw_callbacks *cb);

/* The same over a buffer. */
int pkw_walk(pkw_result *out, const uint8_t *data, size_t len,
             const pkw_limits *lim, const pkw_callbacks *cb);

#endif
