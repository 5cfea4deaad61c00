/* PLACEHOLDER being written by a helper: replace entirely. */
#include "cli.h"
int pdg_cmd_identify(int argc, char **argv)
{
	(void)argc;
	return pdg_cli_usage_error(argv[0], "not built yet");
}
