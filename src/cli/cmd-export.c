/* cmd-export.c - "mmr export": a recorded run for other tools
 *
 *   mmr export RUN.db --shiviz OUT.log   a log the ShiViz visualiser opens
 *   mmr export RUN.db --jsonl OUT.jsonl  one event per line (trace format)
 *
 * Both may be given at once. Outputs follow store/output-guard.h, checked
 * before anything is read or written: never over RUN.db, an existing file
 * replaced only when it is an export of the same kind (or with --force).
 * Each output is written to OUT.part and renamed when complete
 * (record/replay-export.c); SIGINT/SIGTERM remove the .part. A bad run
 * database exits 2 with "mmr export: RUN.db: <problem>" and writes
 * nothing.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "record/replay.h"
#include "sim/trace.h"
#include "store/output-guard.h"
#include "store/part-file.h"

typedef struct {
  char *shiviz;
  char *jsonl;
  gboolean force;
  char **files;
} ExportOptions;

static gboolean
check_outputs (const ExportOptions *o, GError **error)
{
  g_autoptr (MmrOutputGuard) guard = mmr_output_guard_new (o->force);

  mmr_output_guard_add_input (guard, o->files[0], "run database");
  return (o->shiviz == NULL
          || mmr_output_guard_check (guard, o->shiviz,
                                     &mmr_replay_shiviz_format, error))
         && (o->jsonl == NULL
             || mmr_output_guard_check (guard, o->jsonl, &mmr_trace_format,
                                        error));
}

static int
export_file (const ExportOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrReplay) rp = NULL;

  mmr_part_file_install_cleanup ();
  if (!check_outputs (o, &error)
      || (rp = mmr_replay_open (o->files[0], &error)) == NULL
      || (o->shiviz != NULL
          && !mmr_replay_export_shiviz (rp, o->shiviz, &error))
      || (o->jsonl != NULL
          && !mmr_replay_export_jsonl (rp, o->jsonl, &error)))
    {
      fprintf (stderr, "mmr export: %s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  return MMR_EXIT_OK;
}

int
mmr_cmd_export (int argc, char **argv)
{
  ExportOptions o = { 0 };
  GOptionEntry entries[] = {
    { "shiviz", 's', 0, G_OPTION_ARG_FILENAME, &o.shiviz,
      "Write a ShiViz log (open it with ShiViz's 'Select a file')",
      "OUT.log" },
    { "jsonl", 'j', 0, G_OPTION_ARG_FILENAME, &o.jsonl,
      "Write every event as one JSON line", "OUT.jsonl" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &o.force,
      "Replace output files that mmr did not write", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL,
      NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "RUN.db - export a recorded run");
  g_autoptr (GError) error = NULL;
  int rc;

  g_option_context_set_summary (ctx,
      "Exports a run recorded with 'mmr run FILE --record RUN.db': as a\n"
      "ShiViz log (space-time diagram of the replicas' events, with vector\n"
      "clocks) or as JSON lines, one event per line.");
  g_option_context_set_description (ctx,
      "Exit status: 0 success, 2 bad input.\n"
      "Example: mmr export run.db --shiviz run.log");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr export");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return mmr_cli_usage_error ("export", error->message);
  if (o.files == NULL || o.files[0] == NULL)
    rc = mmr_cli_usage_error ("export", "no run database given");
  else if (o.files[1] != NULL)
    rc = mmr_cli_usage_error ("export", "give exactly one run database");
  else if (o.shiviz == NULL && o.jsonl == NULL)
    rc = mmr_cli_usage_error ("export", "give --shiviz OUT and/or --jsonl OUT");
  else
    rc = export_file (&o);
  g_free (o.shiviz);
  g_free (o.jsonl);
  g_strfreev (o.files);
  return rc;
}
