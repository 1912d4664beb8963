/* cmd-run.c - "mmr run": run one scenario and report
 *
 * The scenario is parsed whole before anything runs; a parse error prints
 * FILE:LINE:COL: message and exits 2 without creating any output file.
 *
 * Outputs (--trace, --record, --data) follow store/output-guard.h, checked
 * before the run: never over the scenario, an existing file replaced only
 * when mmr wrote it (or with --force), a foreign one refused untouched
 * with exit 2. A trace is written to OUT.jsonl.part and renamed when the
 * run completes, as --record is (record/recorder.h), so an interrupted or
 * failed run never leaves a truncated output under the real name, and
 * SIGINT/SIGTERM remove the .part files (store/part-file.h).
 *
 * Replica databases: with --data DIR each replica writes through to
 * DIR/NAME.db as it runs (durability sync unless the scenario says
 * otherwise), with DIR locked against a second run (run-data-dir.c).
 * Without --data, a scenario that asks for durability gets a temporary
 * directory, removed afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cli/cli.h"
#include "core/duration.h"
#include "scenario/report.h"
#include "scenario/runner.h"
#include "scenario/script.h"
#include "record/recorder.h"
#include "record/run-db.h"
#include "sim/trace.h"
#include "store/output-guard.h"
#include "store/part-file.h"

typedef struct {
  char *seed;
  gboolean json;
  char *trace;
  char *record;
  char *data;
  gboolean force;
  char **files;
  MmrRunLimits limits;
} RunOptions;

static gboolean
parse_seed (const char *text, guint64 *out)
{
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  *out = g_ascii_strtoull (text, &end, 10);
  return errno == 0 && *end == '\0';
}

static int
failure (const GError *error)
{
  fprintf (stderr, "mmr run: %s\n", error->message);
  return MMR_EXIT_USAGE;
}

/* Rules 1-4 of store/output-guard.h for --trace and --record, before
 * anything is written. */
static gboolean
check_outputs (const RunOptions *o, MmrOutputGuard *guard, GError **error)
{
  mmr_output_guard_add_input (guard, o->files[0], "scenario");
  return (o->trace == NULL
          || mmr_output_guard_check (guard, o->trace, &mmr_trace_format,
                                     error))
         && (o->record == NULL
             || mmr_output_guard_check (guard, o->record,
                                        &mmr_run_db_output_format, error));
}

/* Runs to the end; on a terminal, a long run shows how far it has got
 * (stderr, rewritten in place; nothing when piped). */
static void
run_with_progress (MmrRunner *runner)
{
  gboolean tty = isatty (STDERR_FILENO);
  guint64 steps = 0;
  gboolean shown = FALSE;

  while (mmr_runner_step (runner))
    if (tty && (++steps & 0xffff) == 0)
      {
        MmrWorld *w = mmr_runner_get_world (runner);
        g_autofree char *t = mmr_duration_format (mmr_world_now (w));
        const MmrCommand *c = mmr_runner_current_command (runner);

        fprintf (stderr, "\r  line %u, %s of virtual time, %" G_GUINT64_FORMAT
                 " events ", c != NULL ? c->line : 0, t,
                 mmr_world_n_events (w));
        shown = TRUE;
      }
  if (shown)
    fprintf (stderr, "\r%60s\r", "");
}

/* The replica databases' folder: DIR for --data (durability sync unless
 * the scenario chose), a scratch one when the scenario asks for
 * durability, none otherwise. */
static gboolean
open_data_dir (const RunOptions *o, const char *holder, MmrScript *script,
               gboolean use_seed, guint64 seed, MmrOutputGuard *guard,
               MmrRunDataDir **out, GError **error)
{
  /* A scratch world only to name the replicas' files. */
  g_autoptr (MmrRunner) probe = mmr_runner_new (script, use_seed, seed);
  MmrWorld *w = mmr_runner_get_world (probe);

  *out = NULL;
  if (o->data != NULL)
    {
      *out = mmr_run_data_dir_open (o->data, w, guard, holder, error);
      if (*out != NULL && script->config.durability == MMR_DURABILITY_NONE)
        script->config.durability = MMR_DURABILITY_SYNC;
      return *out != NULL;
    }
  if (script->config.durability == MMR_DURABILITY_NONE)
    return TRUE;
  *out = mmr_run_data_dir_new_scratch (w, error);
  return *out != NULL;
}

/* Writes the report: the run went through and every output is in place. */
static int
report (const RunOptions *o, MmrRunner *runner)
{
  g_autofree char *out = o->json ? mmr_report_json_string (runner, TRUE)
                                 : mmr_report_text (runner,
                                                    isatty (STDOUT_FILENO));

  fputs (out, stdout);
  if (o->json)
    fputc ('\n', stdout);
  return mmr_runner_n_failed (runner) > 0 ? MMR_EXIT_FAILED : MMR_EXIT_OK;
}

/* Every output is written to a .part or a tracked file until the run has
 * completed; the g_autoptr cleanups run in reverse order of declaration,
 * so on any early return the observers go first, then the runner (which
 * closes the databases), then the .part files and the data directory. */
static int
run_file (const RunOptions *o, const char *holder, gboolean use_seed,
          guint64 seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrScript) script = mmr_script_load (o->files[0], &error);
  g_autoptr (MmrOutputGuard) guard = mmr_output_guard_new (o->force);
  g_autoptr (MmrRunDataDir) data = NULL;
  g_autoptr (MmrRunner) runner = NULL;
  g_autoptr (MmrPartFile) trace = NULL;
  g_autoptr (MmrRecorder) rec = NULL;
  g_autoptr (MmrTraceWriter) tw = NULL;
  int rc;

  if (script == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  if (!check_outputs (o, guard, &error)
      || !open_data_dir (o, holder, script, use_seed, seed, guard, &data,
                         &error))
    return failure (error);
  runner = mmr_runner_new_full (script, use_seed, seed,
                                data != NULL
                                ? mmr_run_data_dir_get_path (data) : NULL,
                                &error);
  if (runner == NULL)
    return failure (error);
  if (o->record != NULL)
    {
      MmrRecorderInfo info = { script->filename, script->source,
                               mmr_runner_get_seed (runner), 0 };

      rec = mmr_recorder_new (mmr_runner_get_world (runner), o->record,
                              &info, &error);
      if (rec == NULL)
        return failure (error);
    }
  mmr_runner_set_limits (runner, &o->limits);
  if (o->trace != NULL)
    {
      trace = mmr_part_file_open (o->trace, &error);
      if (trace == NULL)
        return failure (error);
      tw = mmr_trace_writer_new (mmr_runner_get_world (runner),
                                 mmr_part_file_get_stream (trace));
    }
  run_with_progress (runner);
  g_clear_pointer (&tw, mmr_trace_writer_free);
  /* A run limit stopped the run: a failure like any other, found before
   * any output is put in place. */
  if (mmr_runner_get_error (runner) != NULL)
    return failure (mmr_runner_get_error (runner));
  if ((trace != NULL && !mmr_part_file_commit (trace, 0, &error))
      || (rec != NULL && !mmr_recorder_finish (rec, &error))
      || (data != NULL && o->data != NULL
          && !mmr_run_data_dir_finish (data, &error)))
    return failure (error);
  rc = report (o, runner);
  g_clear_pointer (&runner, mmr_runner_free);    /* closes the databases */
  return rc;
}

int
mmr_cmd_run (int argc, char **argv)
{
  RunOptions o = { 0 };
  GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_STRING, &o.seed,
      "Use seed N instead of the scenario's", "N" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
      "Print one JSON object instead of the report", NULL },
    { "trace", 't', 0, G_OPTION_ARG_FILENAME, &o.trace,
      "Write every event as one JSON line to OUT", "OUT.jsonl" },
    { "record", 'r', 0, G_OPTION_ARG_FILENAME, &o.record,
      "Record the whole run in the SQLite database OUT (mmr replay)",
      "OUT.db" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &o.data,
      "Keep each replica's database in DIR/NAME.db (written through as "
      "the run goes)", "DIR" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &o.force,
      "Replace output files that mmr did not write", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL,
      "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "FILE - run a scenario");
  g_autoptr (GError) error = NULL;
  g_autofree char *holder = g_strjoinv (" ", argv);
  g_autofree char *holder_cmd = g_strconcat ("mmr ", holder, NULL);
  guint64 seed = 0;
  int rc;

  mmr_run_limits_init_default (&o.limits);
  g_option_context_add_group (ctx, mmr_run_limits_option_group_new (&o.limits));
  g_option_context_set_summary (ctx,
      "Runs the scenario FILE (.mmr, see docs/scenario-language.md) on\n"
      "simulated replicas and prints each replica's final state, conflicts,\n"
      "lost writes, metrics and each 'expect' line with ok or FAIL.\n"
      "The same scenario and seed always give the same run.");
  g_option_context_set_description (ctx,
      "Outputs never replace the scenario, nor a file mmr did not write\n"
      "(unless --force); --data DIR is locked while the run goes.\n"
      "Exit status: 0 every expectation holds, 1 one failed, 2 bad input\n"
      "or a run limit hit (see --help-limits).\n"
      "Example: mmr run docs/examples/demo.mmr --seed 7 --json");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr run");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return mmr_cli_usage_error ("run", error->message);
  if (o.files == NULL || o.files[0] == NULL)
    rc = mmr_cli_usage_error ("run", "no scenario file given");
  else if (o.files[1] != NULL)
    rc = mmr_cli_usage_error ("run", "give exactly one scenario file");
  else if (o.seed != NULL && !parse_seed (o.seed, &seed))
    {
      g_autofree char *m = g_strdup_printf (
          "--seed expects a non-negative integer, got '%s'", o.seed);
      rc = mmr_cli_usage_error ("run", m);
    }
  else
    {
      mmr_part_file_install_cleanup ();
      rc = run_file (&o, holder_cmd, o.seed != NULL, seed);
    }
  g_free (o.seed);
  g_free (o.trace);
  g_free (o.record);
  g_free (o.data);
  g_strfreev (o.files);
  return rc;
}
