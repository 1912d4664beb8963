/* cli.h - the mmr command's subcommands
 *
 * Exit codes, for every subcommand: 0 success (every expectation holds),
 * 1 the run finished but an expectation failed, 2 bad input (unknown option,
 * unreadable or invalid scenario) - in which case nothing was written.
 */
#pragma once

#include <glib.h>

#include "sim/world.h"
#include "store/output-guard.h"

G_BEGIN_DECLS

enum { MMR_EXIT_OK = 0, MMR_EXIT_FAILED = 1, MMR_EXIT_USAGE = 2 };

int mmr_cmd_run   (int argc, char **argv);
int mmr_cmd_bench (int argc, char **argv);
int mmr_cmd_lab   (int argc, char **argv);
int mmr_cmd_replay (int argc, char **argv);
int mmr_cmd_export (int argc, char **argv);
int mmr_cmd_check  (int argc, char **argv);
int mmr_cmd_explore (int argc, char **argv);

/* Prints "mmr CMD: MESSAGE" and a hint to stderr; returns MMR_EXIT_USAGE. */
int mmr_cli_usage_error (const char *cmd, const char *message);

/* The replica databases' folder of "mmr run" (run-data-dir.c). */
typedef struct _MmrRunDataDir MmrRunDataDir;

/* --data DIR: creates DIR if needed, locks it for @holder, checks every
 * file it would replace with @guard, and creates each replica's fresh
 * database (named after @world's replicas). */
MmrRunDataDir *mmr_run_data_dir_open (const char *dir, MmrWorld *world,
                                      MmrOutputGuard *guard,
                                      const char *holder, GError **error);
/* Without --data: a scratch directory, removed by _free. */
MmrRunDataDir *mmr_run_data_dir_new_scratch (MmrWorld *world,
                                             GError **error);
const char    *mmr_run_data_dir_get_path (const MmrRunDataDir *data);
/* The run succeeded: write the README and keep the databases. */
gboolean       mmr_run_data_dir_finish (MmrRunDataDir *data, GError **error);
/* Unlocks; unless finished, removes the databases (and the directory
 * when this run made it). Close the databases first. */
void           mmr_run_data_dir_free (MmrRunDataDir *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrRunDataDir, mmr_run_data_dir_free)

G_END_DECLS
