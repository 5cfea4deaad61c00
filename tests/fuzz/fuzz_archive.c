/* fuzz_archive.c - an archive read as a stream from an in-memory
 * artifact, with small limits, members read and nested archives opened
 * as the audit engine does. */
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "fuzz_common.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_artifact(pdg_walk *w, struct pdg_artifact *a, void *payload)
{
	const uint8_t *head;
	size_t len;
	uint8_t buf[4096];
	uint64_t off;
	int64_t n;

	(void)payload;
	if (pdg_classify(a) < 0)
		return 0;
	if (pdg_artifact_head(a, 512, &head, &len) < 0)
		return 0;
	if (a->kind == PDG_KIND_ARCHIVE)
		return pdg_source_archive_walk_artifact(w, a) < 0 ? 0 : 0;
	/* Stream the rest, as a plugin hashing a member would. */
	for (off = len; off < (1u << 20); off += (uint64_t)n) {
		n = pdg_artifact_read_at(a, buf, sizeof(buf), off);
		if (n <= 0)
			break;
	}
	return 0;
}

static void on_problem(pdg_walk *w, const pdg_problem *p, void *payload)
{
	(void)w;
	(void)p;
	(void)payload;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdg_limits lim = { 64u << 10, 4u << 20, 3, 16, 1000, 0 };
	pdg_source_cb cb = { on_artifact, on_problem, NULL };
	pdg_walk w;
	struct pdg_artifact a;
	struct mem_src m = { data, size };

	memset(&w, 0, sizeof(w));
	w.limits = &lim;
	w.cb = &cb;
	w.source = "fuzz";
	w.component = "fuzz";
	mem_artifact(&a, &m, "input.tar.gz");
	a.max_read = lim.max_read;
	a.kind = PDG_KIND_ARCHIVE;
	(void)pdg_source_archive_walk_artifact(&w, &a);
	pdg_artifact_release(&a);
	return 0;
}
