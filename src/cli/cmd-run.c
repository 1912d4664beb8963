/* cmd-run.c - "mmr run": run one scenario and report
 *
 * The scenario is parsed whole before anything runs; a parse error prints
 * FILE:LINE:COL: message and exits 2 without creating any output file.
 * A trace is written to OUT.jsonl.part and renamed when the run completes,
 * so an interrupted run never leaves a truncated trace under the real name.
 * The same holds for --record (sim/recorder.h). Bad output places are
 * found before the run starts, and exit 2.
 *
 * Replica databases: with --data DIR each replica writes through to
 * DIR/NAME.db as it runs (durability sync unless the scenario says
 * otherwise); replica databases of an earlier run there are replaced, any
 * other file is refused untouched. Without --data, a scenario that asks
 * for durability gets a temporary directory, removed afterwards.
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
#include "sim/recorder.h"
#include "sim/trace.h"
#include "store/durable-store.h"
#include "store/storage.h"

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

/* A replica database of an earlier run is replaced: remove it and its
 * WAL files (check_data_dir proved it is one of ours). */
static void
remove_replica_files (const char *dir, MmrWorld *w)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      g_autofree char *path = replica_db_path (dir, w, r);

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *f = g_strconcat (path, suffixes[i], NULL);

          g_unlink (f);
        }
    }
}


/* DOC: run-data-dir */
static gboolean
write_readme (const char *dir, GError **error)
{
  static const char readme[] =
    "Replica databases written by 'mmr run --data' (docs/storage.md).\n"
    "Each replica wrote through to NAME.db as it ran (durability sync\n"
    "unless the scenario chose async); reopen one with mmr_durable_store.\n";
  g_autofree char *readme_path = g_build_filename (dir, "README", NULL);

  return g_file_set_contents (readme_path, readme, -1, error);
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

static int
run_file (const RunOptions *o, gboolean use_seed, guint64 seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrScript) script = mmr_script_load (o->files[0], &error);
  g_autoptr (MmrRunner) runner = NULL;
  g_autoptr (MmrTraceWriter) tw = NULL;
  g_autoptr (MmrRecorder) rec = NULL;
  g_autofree char *part = NULL;
  g_autofree char *temp_dir = NULL;
  FILE *trace = NULL;
  g_autofree char *out = NULL;
  int rc;

  if (script == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  {
    /* A scratch world only to name the replicas' files. */
    g_autoptr (MmrRunner) probe = mmr_runner_new (script, use_seed, seed);

    if (o->data != NULL)
      {
        if (!check_data_dir (o->data, mmr_runner_get_world (probe), &error))
          return storage_failure (error);
        remove_replica_files (o->data, mmr_runner_get_world (probe));
        if (script->config.durability == MMR_DURABILITY_NONE)
          script->config.durability = MMR_DURABILITY_SYNC;
      }
  }
  if (o->data == NULL && script->config.durability != MMR_DURABILITY_NONE)
    {
      temp_dir = g_dir_make_tmp ("mmr-run-XXXXXX", &error);
      if (temp_dir == NULL)
        return storage_failure (error);
    }
  runner = mmr_runner_new_full (script, use_seed, seed,
                                o->data != NULL ? o->data : temp_dir, &error);
  if (runner == NULL)
    {
      if (temp_dir != NULL)
        mmr_storage_remove_scratch_dir (temp_dir);
      return storage_failure (error);
    }
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
  run_with_progress (runner);
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
  if (o->data != NULL && !write_readme (o->data, &error))
    return storage_failure (error);
  out = o->json ? mmr_report_json_string (runner, TRUE)
                : mmr_report_text (runner, isatty (STDOUT_FILENO));
  fputs (out, stdout);
  if (o->json)
    fputc ('\n', stdout);
  rc = mmr_runner_n_failed (runner) > 0 ? MMR_EXIT_FAILED : MMR_EXIT_OK;
  g_clear_pointer (&runner, mmr_runner_free);    /* closes the databases */
  if (temp_dir != NULL)
    mmr_storage_remove_scratch_dir (temp_dir);
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
