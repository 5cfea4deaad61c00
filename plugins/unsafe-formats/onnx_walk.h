/* onnx_walk.h - a bounded, streaming walk over an ONNX model's protobuf.
 *
 * ONNX has no C library in Debian and a whole protobuf runtime would be
 * a large attack surface for a few fields, so this walker knows just the
 * messages that lead to tensors (model, graph, node, attribute, sparse
 * tensor, training info, function) and, in each tensor, its name, its
 * data_location and its external_data entries.  Everything else is
 * skipped by length, never buffered: a model of any size costs a few KiB
 * of memory and time linear in its bytes (bounded by onx_limits).
 */
#ifndef PDG_ONNX_WALK_H
#define PDG_ONNX_WALK_H

#include <stddef.h>
#include <stdint.h>

/* Where the bytes come from; offsets never go backwards, they may skip
 * forward.  read() returns the count, 0 at the end, <0 on error. */
typedef struct onx_reader {
	int64_t (*read)(void *ctx, void *buf, size_t len, uint64_t off);
	void *ctx;
	uint64_t size;       /* 0 = unknown */
} onx_reader;

typedef struct onx_limits {
	uint64_t max_bytes;  /* stream bytes walked */
	uint64_t max_fields; /* protobuf fields decoded */
	uint32_t max_depth;  /* nested messages (graphs in attributes) */
} onx_limits;

#define ONX_LIMITS_DEFAULT { (uint64_t)4 << 30, (uint64_t)64 << 20, 64 }

/* Kept prefixes of strings; longer ones are flagged, not kept. */
#define ONX_NAME_MAX 256
#define ONX_LOCATION_MAX 4096

/* One TensorProto, when its message ends. */
typedef struct onx_tensor {
	const char *where;   /* "initializer", "sparse initializer",
	                        "attribute" */
	const char *name;    /* NUL-terminated, at most ONX_NAME_MAX */
	int external;        /* data_location is EXTERNAL */
	const char *location;/* external_data "location", or NULL */
	size_t location_len; /* bytes; the kept copy is NUL-terminated */
	int location_long;   /* longer than ONX_LOCATION_MAX: not kept */
	int locations;       /* "location" entries seen */
	uint64_t offset;     /* of the tensor's field */
	uint64_t location_offset; /* of its location entry */
} onx_tensor;

typedef struct onx_callbacks {
	/* Nonzero stops the walk. */
	int (*tensor)(void *ctx, const onx_tensor *t);
	void *ctx;
} onx_callbacks;

typedef struct onx_result {
	int ok;              /* 1: the whole stream decoded */
	int truncated;       /* it ended inside a field */
	int partial;         /* a limit stopped the walk */
	uint64_t offset;     /* where a problem was found */
	char message[160];
	uint64_t fields, tensors, external;
	int64_t ir_version;  /* -1 when absent */
	char producer[128];  /* producer_name and producer_version */
} onx_result;

/* Returns 0, 1 when the callback stopped the walk, <0 when the reader
 * failed.  lim NULL: ONX_LIMITS_DEFAULT. */
int onx_walk(onx_result *out, const onx_reader *rd, const onx_limits *lim,
             const onx_callbacks *cb);

/* The same over a buffer. */
int onx_walk_buffer(onx_result *out, const uint8_t *data, size_t len,
                    const onx_limits *lim, const onx_callbacks *cb);

/* 1 when an external-data location could leave the model's folder: an
 * absolute path, a drive or UNC prefix, a ".." component, or a NUL. */
int onx_location_escapes(const char *loc, size_t len);

#endif
