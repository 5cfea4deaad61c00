/* device.c - which backend runs the fused kernel.
 *
 * The CUDA backend is a module built by nvcc (when the build found it)
 * and opened here at run time: pedigree never links the CUDA libraries,
 * so the same binary runs where there is no GPU, no driver and no CUDA.
 * `auto` falls back to the CPU with one line on stderr.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fingerprint/device.h"
#include "fingerprint/kernel_cpu.h"
#include "pdg_config.h"
#include "util.h"

struct pdg_fp_backend {
	pdg_fp_device kind;      /* CPU or CUDA */
	const pdg_fp_cuda_api *cuda;
	unsigned threads;
	char name[128];
};

int pdg_fp_device_parse(pdg_fp_device *out, const char *name)
{
	static const char *const names[] = { "auto", "cpu", "cuda" };

	for (int i = 0; i < 3; i++)
		if (name && strcmp(name, names[i]) == 0) {
			*out = (pdg_fp_device)i;
			return 0;
		}
	return pdg_error_set(PDG_EUSAGE, "unknown device '%s' (auto, cpu "
	                     "or cuda)", name ? name : "");
}

static int path_under(const char *path, const char *root)
{
	char rp[PATH_MAX], rr[PATH_MAX];
	size_t n;

	if (!realpath(path, rp) || !realpath(root, rr))
		return 0;
	n = strlen(rr);
	return strncmp(rp, rr, n) == 0 && (rp[n] == '/' || rp[n] == '\0');
}

/* The build tree's module is for the build tree's binaries only. */
static const char *module_path(void)
{
	const char *env = getenv("PEDIGREE_FP_CUDA");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (path_under(exe, PDG_BUILD_ROOT))
			return PDG_FP_CUDA_BUILD;
	}
	return PDG_FP_CUDA_INSTALL;
}

/* Open the module and ask for a device; NULL with `why` set when none. */
static const pdg_fp_cuda_api *cuda_open(char *name, size_t nlen, char *why,
                                        size_t wlen)
{
	const char *path = module_path();
	void *h;
	pdg_fp_cuda_entry_fn entry;
	const pdg_fp_cuda_api *api;
	char err[256] = "";

	if (access(path, F_OK) != 0) {
		snprintf(why, wlen, "this build has no CUDA backend");
		return NULL;
	}
	/* Loaded modules are never unloaded (CUDA's runtime keeps
	 * threads and handlers). */
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, wlen, "cannot load the CUDA backend: %s",
		         dlerror());
		return NULL;
	}
	*(void **)&entry = dlsym(h, PDG_FP_CUDA_ENTRY);
	api = entry ? entry() : NULL;
	if (!api || api->version != PDG_FP_CUDA_API_VERSION ||
	    api->struct_size < sizeof(*api)) {
		snprintf(why, wlen, "%s is not a matching CUDA backend", path);
		return NULL;
	}
	if (api->devices(name, nlen, err, sizeof(err)) <= 0) {
		snprintf(why, wlen, "no usable GPU%s%s", *err ? ": " : "",
		         err);
		return NULL;
	}
	return api;
}

int pdg_fp_backend_open(pdg_fp_backend **out, pdg_fp_device want,
                        unsigned threads, int quiet)
{
	pdg_fp_backend *b = pdg_xcalloc(1, sizeof(*b));
	char why[512];

	*out = NULL;
	b->threads = pdg_fp_cpu_threads(threads);
	b->kind = PDG_FP_DEVICE_CPU;
	if (want != PDG_FP_DEVICE_CPU) {
		b->cuda = cuda_open(b->name, sizeof(b->name), why,
		                    sizeof(why));
		if (b->cuda) {
			b->kind = PDG_FP_DEVICE_CUDA;
		} else if (want == PDG_FP_DEVICE_CUDA) {
			free(b);
			return pdg_error_set(PDG_EUNSUPPORTED, "--device cuda: "
			                     "%s", why);
		} else if (!quiet) {
			fprintf(stderr, "pedigree: fingerprint: %s; using the "
			        "CPU\n", why);
		}
	}
	if (b->kind == PDG_FP_DEVICE_CPU)
		snprintf(b->name, sizeof(b->name), "cpu (%u threads, %s)",
		         b->threads, pdg_fp_cpu_isa());
	*out = b;
	return 0;
}

const char *pdg_fp_backend_kind(const pdg_fp_backend *b)
{
	return b->kind == PDG_FP_DEVICE_CUDA ? "cuda" : "cpu";
}

const char *pdg_fp_backend_name(const pdg_fp_backend *b)
{
	return b->name;
}

const pdg_fp_cuda_api *pdg_fp_backend_cuda(const pdg_fp_backend *b)
{
	return b->cuda;
}

int pdg_fp_backend_pairs(pdg_fp_backend *b, const pdg_fp_pair_job *job,
                         pdg_fp_pair_stats *out)
{
	char err[256];

	if (job->rows == 0)
		return 0;
	if (b->kind == PDG_FP_DEVICE_CUDA) {
		if (b->cuda->pairs(job, out, err, sizeof(err)) < 0)
			return pdg_error_set(PDG_ERROR, "CUDA: %s", err);
		return 0;
	}
	if (pdg_fp_pairs_cpu(job, out, b->threads) < 0)
		return pdg_error_set(PDG_ENOMEM, "cannot start threads");
	return 0;
}

void pdg_fp_backend_free(pdg_fp_backend *b)
{
	free(b);
}
