/* cmd-run.c - "mmr run": run one scenario and report
 *
 * The scenario is parsed whole before anything runs; a parse error prints
 * FILE:LINE:COL: message and exits 2 without creating any output file.
 * A trace is written to OUT.jsonl.part and renamed when the run completes,
 * so an interrupted run never leaves a truncated trace under the real name.
 * The same holds for --record (sim/recorder.h) and for the replica
 * databases --data writes (DIR/NAME.db.part, then renamed): bad output
 * places are found before the run starts, and exit 2.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cli/cli.h"
#include "scenario/report.h"
#include "scenario/runner.h"
#include "scenario/script.h"
#include "sim/recorder.h"
#include "sim/trace.h"
#include "store/durable-store.h"

typedef struct {
  char *seed;
  gboolean json;
  char *trace;
  char *record;
  char *data;
  char **files;
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
storage_failure (const GError *error)
{
  fprintf (stderr, "mmr run: %s\n", error->message);
  return MMR_EXIT_USAGE;
}

static char *
replica_db_path (const char *dir, MmrWorld *w, guint r)
{
  g_autofree char *file = g_strconcat (mmr_world_replica_name (w, r), ".db",
                                       NULL);

  return g_build_filename (dir, file, NULL);
}

/* Before the run: the directory exists or can be made, and any replica
 * database already there is one (never overwrite someone else's file). */
static gboolean
check_data_dir (const char *dir, MmrWorld *w, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;

      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot create the data directory: %s", dir,
                   g_strerror (e));
      return FALSE;
    }
  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      g_autofree char *path = replica_db_path (dir, w, r);
      MmrDurableStore *store;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      store = mmr_durable_store_open (path, error);
      if (store == NULL)
        return FALSE;
      mmr_durable_store_close (store);
    }
  return TRUE;
}

static gboolean
save_replica (const char *path, MmrRunner *runner, guint r, GError **error)
{
  MmrWorld *w = mmr_runner_get_world (runner);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *seed = g_strdup_printf (
      "%" G_GUINT64_FORMAT, mmr_runner_get_seed (runner));
  g_autoptr (MmrDurableStore) store = NULL;

  g_unlink (part);
  store = mmr_durable_store_open (part, error);
  if (store == NULL
      || !mmr_durable_store_set_meta (store, "replica",
                                      mmr_world_replica_name (w, r), error)
      || !mmr_durable_store_set_meta (
             store, "scenario", mmr_runner_get_script (runner)->filename,
             error)
      || !mmr_durable_store_set_meta (store, "seed", seed, error)
      || !mmr_durable_store_save_all (store, mmr_world_get_store (w, r),
                                      error))
    {
      g_clear_pointer (&store, mmr_durable_store_close);
      g_unlink (part);
      return FALSE;
    }
  g_clear_pointer (&store, mmr_durable_store_close);
  if (g_rename (part, path) != 0)
    {
      int e = errno;

      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot write: %s", path, g_strerror (e));
      g_unlink (part);
      return FALSE;
    }
  return TRUE;
}

/* DOC: run-data-dir */
/* After the run: each replica's final state, until replicas write
 * through to these files as they run (docs/storage.md). */
static gboolean
save_data_dir (const char *dir, MmrRunner *runner, GError **error)
{
  static const char readme[] =
    "Replica databases written by 'mmr run --data' (docs/storage.md).\n"
    "NAME.db holds replica NAME's registers as they were when the run\n"
    "ended; durable replicas (durability sync|async, crash, restart)\n"
    "will write through to these same files as they run.\n";
  MmrWorld *w = mmr_runner_get_world (runner);
  g_autofree char *readme_path = g_build_filename (dir, "README", NULL);

  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      g_autofree char *path = replica_db_path (dir, w, r);

      if (!save_replica (path, runner, r, error))
        return FALSE;
    }
  return g_file_set_contents (readme_path, readme, -1, error);
}

static int
run_file (const RunOptions *o, gboolean use_seed, guint64 seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrScript) script = mmr_script_load (o->files[0], &error);
  g_autoptr (MmrRunner) runner = NULL;
  g_autoptr (MmrTraceWriter) tw = NULL;
  g_autoptr (MmrRecorder) rec = NULL;
  g_autofree char *part = NULL;
  FILE *trace = NULL;
  g_autofree char *out = NULL;

  if (script == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  runner = mmr_runner_new (script, use_seed, seed);
  if (o->data != NULL
      && !check_data_dir (o->data, mmr_runner_get_world (runner), &error))
    return storage_failure (error);
  if (o->record != NULL)
    {
      MmrRecorderInfo info = { script->filename, script->source,
                               mmr_runner_get_seed (runner), 0 };

      rec = mmr_recorder_new (mmr_runner_get_world (runner), o->record,
                              &info, &error);
      if (rec == NULL)
        return storage_failure (error);
    }
  if (o->trace != NULL)
    {
      part = g_strconcat (o->trace, ".part", NULL);
      trace = g_fopen (part, "w");
      if (trace == NULL)
        {
          fprintf (stderr, "mmr run: cannot write trace %s: %s\n", o->trace,
                   g_strerror (errno));
          return MMR_EXIT_USAGE;
        }
      tw = mmr_trace_writer_new (mmr_runner_get_world (runner), trace);
    }
  mmr_runner_run (runner);
  if (trace != NULL)
    {
      g_clear_pointer (&tw, mmr_trace_writer_free);
      if (fclose (trace) != 0 || g_rename (part, o->trace) != 0)
        {
          fprintf (stderr, "mmr run: cannot write trace %s: %s\n", o->trace,
                   g_strerror (errno));
          g_unlink (part);
          return MMR_EXIT_USAGE;
        }
    }
  if (rec != NULL && !mmr_recorder_finish (rec, &error))
    return storage_failure (error);
  if (o->data != NULL && !save_data_dir (o->data, runner, &error))
    return storage_failure (error);
  out = o->json ? mmr_report_json_string (runner, TRUE)
                : mmr_report_text (runner, isatty (STDOUT_FILENO));
  fputs (out, stdout);
  if (o->json)
    fputc ('\n', stdout);
  return mmr_runner_n_failed (runner) > 0 ? MMR_EXIT_FAILED : MMR_EXIT_OK;
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
      "Write each replica's database to DIR/NAME.db", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL,
      "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "FILE - run a scenario");
  g_autoptr (GError) error = NULL;
  guint64 seed = 0;
  int rc;

  g_option_context_set_summary (ctx,
      "Runs the scenario FILE (.mmr, see docs/scenario-language.md) on\n"
      "simulated replicas and prints each replica's final state, conflicts,\n"
      "lost writes, metrics and each 'expect' line with ok or FAIL.\n"
      "The same scenario and seed always give the same run.");
  g_option_context_set_description (ctx,
      "Exit status: 0 every expectation holds, 1 one failed, 2 bad input.\n"
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
    rc = run_file (&o, o.seed != NULL, seed);
  g_free (o.seed);
  g_free (o.trace);
  g_free (o.record);
  g_free (o.data);
  g_strfreev (o.files);
  return rc;
}
