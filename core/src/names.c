/* names.c - stable names of enums, as they appear in reports. */
#include <string.h>

#include "error.h"

static const char *const kind_names[PDG_KIND_COUNT_] = {
	[PDG_KIND_OTHER] = "other",
	[PDG_KIND_MODEL_CARD] = "model-card",
	[PDG_KIND_LICENSE] = "license",
	[PDG_KIND_CONFIG] = "config",
	[PDG_KIND_SAFETENSORS] = "safetensors",
	[PDG_KIND_GGUF] = "gguf",
	[PDG_KIND_PYTORCH_ZIP] = "pytorch-zip",
	[PDG_KIND_PICKLE] = "pickle",
	[PDG_KIND_ONNX] = "onnx",
	[PDG_KIND_TOKENIZER] = "tokenizer",
	[PDG_KIND_DATASET] = "dataset",
	[PDG_KIND_ARCHIVE] = "archive",
	[PDG_KIND_HDF5] = "hdf5",
};

static const char *const finding_names[PDG_FINDING_KIND_COUNT_] = {
	[PDG_FINDING_LICENSE] = "license",
	[PDG_FINDING_TERMS] = "terms",
	[PDG_FINDING_LINEAGE] = "lineage",
	[PDG_FINDING_DATASET_ORIGIN] = "dataset-origin",
	[PDG_FINDING_SECURITY] = "security",
	[PDG_FINDING_METADATA] = "metadata",
	[PDG_FINDING_INPUT] = "input",
	[PDG_FINDING_CONFLICT] = "conflict",
};

static const char *const severity_names[] = {
	[PDG_SEVERITY_INFO] = "info",
	[PDG_SEVERITY_WARNING] = "warning",
	[PDG_SEVERITY_ERROR] = "error",
};

const char *pdg_artifact_kind_name(pdg_artifact_kind k)
{
	if ((unsigned)k >= PDG_KIND_COUNT_)
		return "other";
	return kind_names[k];
}

const char *pdg_finding_kind_name(pdg_finding_kind k)
{
	if ((unsigned)k >= PDG_FINDING_KIND_COUNT_)
		return "metadata";
	return finding_names[k];
}

const char *pdg_severity_name(pdg_severity s)
{
	if ((unsigned)s > PDG_SEVERITY_ERROR)
		return "error";
	return severity_names[s];
}

int pdg_severity_parse(pdg_severity *out, const char *name)
{
	for (unsigned i = 0; i <= PDG_SEVERITY_ERROR; i++) {
		if (strcmp(name, severity_names[i]) == 0) {
			*out = (pdg_severity)i;
			return 0;
		}
	}
	return pdg_error_set(PDG_EUSAGE,
	                     "unknown severity '%s' (info, warning, error)",
	                     name);
}

const char *pdg_verdict_name(pdg_verdict v)
{
	static const char *const names[] = { "pass", "warn", "fail" };

	return (unsigned)v <= PDG_VERDICT_FAIL ? names[v] : "fail";
}
