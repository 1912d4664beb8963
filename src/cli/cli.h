/* cli.h - the mmr command's subcommands
 *
 * Exit codes, for every subcommand: 0 success (every expectation holds),
 * 1 the run finished but an expectation failed, 2 bad input (unknown option,
 * unreadable or invalid scenario) - in which case nothing was written.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum { MMR_EXIT_OK = 0, MMR_EXIT_FAILED = 1, MMR_EXIT_USAGE = 2 };

int mmr_cmd_run   (int argc, char **argv);
int mmr_cmd_bench (int argc, char **argv);
int mmr_cmd_lab   (int argc, char **argv);
int mmr_cmd_replay (int argc, char **argv);
int mmr_cmd_export (int argc, char **argv);
int mmr_cmd_check  (int argc, char **argv);

/* Prints "mmr CMD: MESSAGE" and a hint to stderr; returns MMR_EXIT_USAGE. */
int mmr_cli_usage_error (const char *cmd, const char *message);

G_END_DECLS
