/* keras_scan.h - Lambda layers in Keras models, without loading them.
 *
 * A Lambda layer carries Python code (marshalled bytecode in Keras 2,
 * a serialised function in Keras 3) that runs when the model is loaded
 * or called.  Keras 3 .keras files keep the model in config.json, which
 * is parsed; legacy .h5 files keep it as JSON text in the root group's
 * model_config attribute, which is found by a bounded scan of the bytes,
 * because a full HDF5 parser is a large attack surface for one string.
 */
#ifndef PDG_KERAS_SCAN_H
#define PDG_KERAS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define KRS_NAME_MAX 128

typedef struct krs_lambda {
	char name[KRS_NAME_MAX + 1]; /* the layer's name, printable, or "" */
	const char *form;    /* "Lambda layer" or "lambda function" */
	uint64_t offset;     /* in the scanned bytes; 0 for JSON */
} krs_lambda;

/* Nonzero stops the scan. */
typedef int (*krs_lambda_fn)(void *ctx, const krs_lambda *l);

/* 1 when a JSON document is a Keras model config: an object with a
 * class_name string and a config object. */
int krs_is_model_config(const json_t *root);

/* Call fn for every Lambda layer and serialised lambda in a config,
 * descending at most max_depth levels.  Returns how many were found. */
size_t krs_config_lambdas(const json_t *root, unsigned max_depth,
                          krs_lambda_fn fn, void *ctx);

/* Streaming text scan for Lambda layers in JSON embedded in binary data
 * (an HDF5 attribute).  Feed consecutive chunks; call krs_scan_end()
 * after the last. */
typedef struct krs_scanner {
	uint8_t keep[4096];  /* tail of what was fed, for matches that
	                        straddle chunks and the name after them */
	size_t kept;
	uint64_t kept_off;   /* offset of keep[0] */
	uint64_t done_off;   /* matches before this were reported */
	size_t found;
	int model_config;    /* "model_config" was seen */
	krs_lambda_fn fn;
	void *ctx;
	int stopped;
} krs_scanner;

void krs_scan_init(krs_scanner *s, krs_lambda_fn fn, void *ctx);
void krs_scan_feed(krs_scanner *s, const uint8_t *data, size_t len);
void krs_scan_end(krs_scanner *s);

#endif
