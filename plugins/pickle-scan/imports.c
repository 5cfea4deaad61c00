/* imports.c - the lists that decide whether a pickled global is safe.
 *
 * Kept as data, apart from the walker, so reviewing or extending them
 * touches nothing else.  A module pattern "os" matches "os" and any
 * submodule ("os.path"); a name pattern may start or end with '*'.
 * Dangerous wins over safe; what neither list names is unknown.
 */
#include <string.h>

#include "imports.h"

struct rule {
	const char *module;
	const char *name;
};

/* Globals torch, numpy and the standard library need to rebuild plain
 * tensors and containers. */
static const struct rule safe_rules[] = {
	{ "torch._utils", "_rebuild_tensor" },
	{ "torch._utils", "_rebuild_tensor_v2" },
	{ "torch._utils", "_rebuild_tensor_v3" },
	{ "torch._utils", "_rebuild_parameter" },
	{ "torch._utils", "_rebuild_parameter_with_state" },
	{ "torch._utils", "_rebuild_sparse_tensor" },
	{ "torch._utils", "_rebuild_qtensor" },
	{ "torch._utils", "_rebuild_device_tensor_from_numpy" },
	{ "torch._tensor", "_rebuild_from_type_v2" },
	{ "torch", "*Storage" },
	{ "torch.storage", "TypedStorage" },
	{ "torch.storage", "UntypedStorage" },
	{ "torch", "Size" },
	{ "torch", "device" },
	{ "torch", "dtype" },
	{ "torch", "Tensor" },
	{ "torch.nn.parameter", "Parameter" },
	{ "torch", "float32" }, { "torch", "float16" },
	{ "torch", "bfloat16" }, { "torch", "int64" },
	{ "collections", "OrderedDict" },
	{ "collections", "defaultdict" },
	{ "numpy.core.multiarray", "_reconstruct" },
	{ "numpy._core.multiarray", "_reconstruct" },
	{ "numpy.core.multiarray", "scalar" },
	{ "numpy", "dtype" },
	{ "numpy", "ndarray" },
	{ "_codecs", "encode" },
	{ "builtins", "set" }, { "builtins", "frozenset" },
	{ "builtins", "slice" }, { "builtins", "complex" },
	{ "builtins", "bytearray" }, { "builtins", "range" },
	{ "builtins", "list" }, { "builtins", "dict" },
	{ "builtins", "tuple" }, { "builtins", "int" },
	{ "builtins", "float" }, { "builtins", "bool" },
	{ "builtins", "str" }, { "builtins", "bytes" },
	{ "__builtin__", "set" }, { "__builtin__", "frozenset" },
	{ "__builtin__", "slice" }, { "__builtin__", "complex" },
	{ "copy_reg", "_reconstructor" },
	{ "datetime", "datetime" }, { "datetime", "date" },
	{ "datetime", "timedelta" },
	{ "decimal", "Decimal" },
	{ "fractions", "Fraction" },
};

/* Modules and builtins that run code, reach the file system or the
 * network, or unpickle again (which hides a second stream). */
static const struct rule dangerous_rules[] = {
	{ "os", "*" }, { "posix", "*" }, { "nt", "*" },
	{ "subprocess", "*" }, { "runpy", "*" }, { "shutil", "*" },
	{ "socket", "*" }, { "importlib", "*" }, { "webbrowser", "*" },
	{ "pickle", "*" }, { "_pickle", "*" }, { "sys", "*" },
	{ "pty", "*" }, { "code", "*" }, { "ctypes", "*" },
	{ "marshal", "*" }, { "requests", "*" }, { "urllib", "*" },
	{ "http", "*" }, { "commands", "*" }, { "multiprocessing", "*" },
	{ "asyncio", "*" }, { "threading", "*" }, { "signal", "*" },
	{ "tempfile", "*" }, { "pathlib", "*" }, { "io", "*" },
	{ "_io", "*" }, { "dill", "*" }, { "joblib", "*" },
	{ "pip", "*" }, { "ftplib", "*" }, { "smtplib", "*" },
	{ "telnetlib", "*" }, { "operator", "attrgetter" },
	{ "operator", "methodcaller" },
	{ "torch.storage", "_load_from_bytes" },
	{ "torch.serialization", "*" },
	{ "torch", "load" },
	{ "numpy", "load" }, { "numpy.lib.npyio", "*" },
	{ "builtins", "eval" }, { "builtins", "exec" },
	{ "builtins", "compile" }, { "builtins", "getattr" },
	{ "builtins", "setattr" }, { "builtins", "delattr" },
	{ "builtins", "__import__" }, { "builtins", "open" },
	{ "builtins", "breakpoint" }, { "builtins", "input" },
	{ "builtins", "globals" }, { "builtins", "locals" },
	{ "builtins", "vars" }, { "builtins", "apply" },
	{ "__builtin__", "eval" }, { "__builtin__", "exec" },
	{ "__builtin__", "execfile" }, { "__builtin__", "compile" },
	{ "__builtin__", "getattr" }, { "__builtin__", "__import__" },
	{ "__builtin__", "open" }, { "__builtin__", "file" },
	{ "__builtin__", "apply" },
};

static int module_matches(const char *pat, const char *m, size_t n)
{
	size_t pn = strlen(pat);

	if (n < pn || memcmp(pat, m, pn) != 0)
		return 0;
	return n == pn || m[pn] == '.';
}

static int name_matches(const char *pat, const char *s, size_t n)
{
	size_t pn = strlen(pat);

	if (pn == 1 && pat[0] == '*')
		return 1;
	if (pn && pat[0] == '*')
		return n >= pn - 1 &&
		       memcmp(pat + 1, s + n - (pn - 1), pn - 1) == 0;
	if (pn && pat[pn - 1] == '*')
		return n >= pn - 1 && memcmp(pat, s, pn - 1) == 0;
	return n == pn && memcmp(pat, s, n) == 0;
}

static int listed(const struct rule *r, size_t count, const char *m,
                  size_t mn, const char *s, size_t sn)
{
	for (size_t i = 0; i < count; i++)
		if (module_matches(r[i].module, m, mn) &&
		    name_matches(r[i].name, s, sn))
			return 1;
	return 0;
}

pkw_class pkw_classify(const char *module, size_t module_len,
                       const char *name, size_t name_len)
{
	if (listed(dangerous_rules,
	           sizeof(dangerous_rules) / sizeof(*dangerous_rules),
	           module, module_len, name, name_len))
		return PKW_DANGEROUS;
	/* Protocol 4 resolves dotted names attribute by attribute, so
	 * "_rebuild_tensor_v2.__globals__" reaches far beyond the safe
	 * function: a dotted name is never safe. */
	if (memchr(name, '.', name_len))
		return PKW_UNKNOWN;
	/* Safe rules name exact modules, not their submodules. */
	for (size_t i = 0; i < sizeof(safe_rules) / sizeof(*safe_rules); i++)
		if (strlen(safe_rules[i].module) == module_len &&
		    !memcmp(safe_rules[i].module, module, module_len) &&
		    name_matches(safe_rules[i].name, name, name_len))
			return PKW_SAFE;
	return PKW_UNKNOWN;
}
