/* runner.h - runs a parsed scenario against a world, one step at a time
 *
 * The runner executes a script's commands in order. Actions and settings
 * take no virtual time; "run" and "settle" advance it by stepping the
 * world. mmr_runner_step does the smallest unit of work - one command, or
 * one world event inside a run/settle - so the inspector can animate a
 * scenario event by event and the CLI can run it to the end with the very
 * same code.
 *
 * Expectations are evaluated when reached, against the world as it is
 * then; each result keeps its line so reports can point at it.
 */
#pragma once

#include <glib.h>

#include "scenario/script.h"
#include "sim/checker.h"
#include "sim/conflict-log.h"
#include "sim/convergence-watch.h"
#include "sim/world.h"

G_BEGIN_DECLS

/* Upper bound for a bare "settle": ten virtual minutes. */
#define MMR_SETTLE_DEFAULT_LIMIT_US (600 * G_USEC_PER_SEC)

#define MMR_RUNNER_ERROR (mmr_runner_error_quark ())
GQuark mmr_runner_error_quark (void);

typedef enum {
  MMR_RUNNER_ERROR_LIMIT,    /* a run limit stopped the run */
} MmrRunnerError;

/* Run limits: a few lines ("run 1000000000s", "antientropy 1us" with
 * "latency 10s") can ask for hours of work or gigabytes of messages. A
 * runner stops at the first limit it hits, with an error naming it. */
typedef struct {
  guint64 max_events;        /* world events processed; 0 = no limit */
  gint64  max_time_us;       /* virtual time; 0 = no limit */
  guint64 max_in_flight;     /* messages in flight at once; 0 = no limit */
} MmrRunLimits;

/* The defaults: every example, lab and test runs well within them
 * (measured in run-limits.c). */
#define MMR_RUN_DEFAULT_MAX_EVENTS    G_GUINT64_CONSTANT (10000000)
#define MMR_RUN_DEFAULT_MAX_TIME_US   (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)
#define MMR_RUN_DEFAULT_MAX_IN_FLIGHT G_GUINT64_CONSTANT (1000000)

void mmr_run_limits_init_default (MmrRunLimits *limits);
/* --max-events N, --max-time DURATION and --max-in-flight N, parsed into
 * @limits (borrowed; it must outlive the parse). A bad value is a
 * G_OPTION_ERROR_BAD_VALUE naming the option. */
GOptionGroup *mmr_run_limits_option_group_new (MmrRunLimits *limits);

typedef struct {
  guint line;
  gboolean ok;
  char *text;       /* the expect line as written */
  char *message;    /* what was found, e.g. "B cart is {eggs, milk}" */
} MmrExpectation;

typedef struct _MmrRunner MmrRunner;

/* @seed_override: used instead of the script's seed when @use_override. */
MmrRunner  *mmr_runner_new (const MmrScript *script, gboolean use_override,
                            guint64 seed_override);
/* The same, with replica databases in @data_dir (NULL: in memory; a
 * scenario that asks for durability then gets none). NULL with @error
 * when a database cannot be opened. */
MmrRunner  *mmr_runner_new_full (const MmrScript *script,
                                 gboolean use_override, guint64 seed_override,
                                 const char *data_dir, GError **error);
void        mmr_runner_free (MmrRunner *runner);

/* A new runner has the default limits; this replaces them (copied). Set
 * them before the first step: a limit already passed trips at once. */
void        mmr_runner_set_limits (MmrRunner *runner,
                                   const MmrRunLimits *limits);
const MmrRunLimits *mmr_runner_get_limits (const MmrRunner *runner);
/* Set once a limit stopped the run (MMR_RUNNER_ERROR,
 * MMR_RUNNER_ERROR_LIMIT); borrowed; NULL otherwise. After it is set
 * mmr_runner_step returns FALSE and mmr_runner_is_done is TRUE: a caller
 * that runs to the end must check it before it trusts any result. The
 * message is "FILE:LINE: ..." naming the limit, its value and the
 * command-line option that raises it. */
const GError *mmr_runner_get_error (const MmrRunner *runner);

MmrWorld   *mmr_runner_get_world     (MmrRunner *runner);
const MmrScript *mmr_runner_get_script (MmrRunner *runner);
MmrWriteLog *mmr_runner_get_write_log (MmrRunner *runner);
MmrConflictLog *mmr_runner_get_conflict_log (MmrRunner *runner);
MmrConvergenceWatch *mmr_runner_get_convergence_watch (MmrRunner *runner);
guint64     mmr_runner_get_seed      (const MmrRunner *runner);

/* Does one unit of work; FALSE when the script has finished. */
gboolean    mmr_runner_step          (MmrRunner *runner);
/* Steps until the next world event has been processed (commands on the
 * way are executed). FALSE when the script has finished. */
gboolean    mmr_runner_step_event    (MmrRunner *runner);
void        mmr_runner_run           (MmrRunner *runner);
gboolean    mmr_runner_is_done       (const MmrRunner *runner);
/* The command being executed or next to run; NULL when done. */
const MmrCommand *mmr_runner_current_command (const MmrRunner *runner);

/* MmrExpectation*, borrowed, in script order. */
GPtrArray  *mmr_runner_get_expectations (MmrRunner *runner);
guint       mmr_runner_n_failed       (const MmrRunner *runner);
/* Settles that hit their limit before quiescence (line numbers). */
GArray     *mmr_runner_get_unsettled  (MmrRunner *runner);

/* For mmr explore. A copy of an idle runner (between commands) and its
 * world (mmr_world_copy), write log, clients and results so far, that
 * runs on the same way; it keeps no conflict log and no convergence watch
 * (NULL: they serve reports, which explore does not print). NULL with @error when the world
 * cannot be copied. */
MmrRunner  *mmr_runner_copy (const MmrRunner *runner, GError **error);
/* A hash of what decides how the rest of the script runs and what its
 * checks find: the next command, the world's state, the write log and the
 * clients' contexts. Like mmr_world_hash_state a sum of terms, the world's
 * hash one of them: a step that changes only the world changes the
 * runner's hash by what it changes the world's. */
guint64     mmr_runner_hash_state (const MmrRunner *runner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrRunner, mmr_runner_free)

G_END_DECLS
