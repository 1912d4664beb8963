/* main.c - mmr-inspector: the GTK inspector, or a headless renderer
 *
 *   mmr-inspector [FILE]                       open a scenario (or a lab folder)
 *   mmr-inspector --export-diagram OUT FILE    render the space-time diagram
 *   mmr-inspector --export-topology OUT FILE   render the topology
 *        [--events N]  run only the first N events (default: to the end)
 *        [--force]     replace an OUT that is not an export of ours
 *   [--max-events N] [--max-time DURATION] [--max-in-flight N]
 *                   the run limits (docs/scenario-language.md); an export
 *                   whose run hits one writes nothing and exits 2
 *   mmr-inspector --bench                      frame times on a large run
 *
 * The export and bench modes never open a display (cairo only), so they
 * work on a server or in CI. Exports follow store/output-guard.h: never
 * over the scenario, an existing OUT replaced only when it is an export
 * of ours (or with --force). Exit status: 0 on success, 2 on bad input
 * (a scenario's errors are reported as FILE:LINE:COL: message).
 */
#include <string.h>

#include "mmr-application.h"
#include "mmr-export.h"
#include "mmr-gui-bench.h"
#include "mmr-session.h"
#include "store/output-guard.h"
#include "store/part-file.h"

typedef struct {
  char *diagram;
  char *topology;
  gint64 events;
  gboolean bench;
  gboolean dark;
  gboolean force;
  char **files;
  MmrRunLimits limits;
} Options;

static gboolean
is_headless (int argc, char **argv)
{
  static const char *const flags[] = { "--export-diagram", "--export-topology",
                                       "--bench" };

  for (int i = 1; i < argc; i++)
    for (guint k = 0; k < G_N_ELEMENTS (flags); k++)
      if (g_str_has_prefix (argv[i], flags[k]))
        return TRUE;
  return FALSE;
}

static int
fail (const char *message)
{
  g_printerr ("mmr-inspector: %s\n", message);
  return 2;
}

/* store/output-guard.h's rules, before anything is written: never over
 * the scenario; an existing file only if it is an export of ours. */
static gboolean
check_outputs (const Options *o, GError **error)
{
  g_autoptr (MmrOutputGuard) guard = mmr_output_guard_new (o->force);
  const char *outs[] = { o->diagram, o->topology };

  mmr_output_guard_add_input (guard, o->files[0], "scenario");
  for (guint i = 0; i < G_N_ELEMENTS (outs); i++)
    {
      const MmrOutputFormat *f = outs[i] != NULL
                                 ? mmr_export_output_format (outs[i]) : NULL;

      /* A wrong extension is reported by the export itself. */
      if (f != NULL && !mmr_output_guard_check (guard, outs[i], f, error))
        return FALSE;
    }
  return TRUE;
}

static int
export_all (const Options *o)
{
  g_autoptr (MmrSession) session = mmr_session_new ();
  g_autoptr (GError) error = NULL;

  mmr_part_file_install_cleanup ();
  mmr_session_set_limits (session, &o->limits);
  if (!check_outputs (o, &error)
      || !mmr_session_load_file (session, o->files[0], &error))
    return fail (error->message);
  if (o->events >= 0)
    mmr_session_run_to_event (session, (guint64) o->events);
  else
    mmr_session_run_to_end (session);
  if (mmr_session_get_error (session) != NULL)
    return fail (mmr_session_get_error (session)->message);
  if (o->diagram != NULL)
    {
      MmrDiagramFrame frame;
      int w, h;

      mmr_export_diagram_size (session, &w, &h);
      mmr_diagram_frame_init (&frame, session, o->dark);
      mmr_diagram_frame_fit (&frame, session, w);
      if (!mmr_export_diagram (session, &frame, o->diagram, w, h, &error))
        return fail (error->message);
      g_print ("wrote %s (%dx%d, %u events)\n", o->diagram, w, h,
               mmr_session_get_n_events (session));
    }
  if (o->topology != NULL)
    {
      if (!mmr_export_topology (session, o->dark, -1, o->topology, 900, 700,
                                &error))
        return fail (error->message);
      g_print ("wrote %s (900x700)\n", o->topology);
    }
  return 0;
}

static int
headless_main (int argc, char **argv)
{
  Options o = { .events = -1 };
  const GOptionEntry entries[] = {
    { "export-diagram", 0, 0, G_OPTION_ARG_FILENAME, &o.diagram,
      "Render the space-time diagram to OUT (.png or .svg)", "OUT" },
    { "export-topology", 0, 0, G_OPTION_ARG_FILENAME, &o.topology,
      "Render the topology to OUT (.png or .svg)", "OUT" },
    { "events", 0, 0, G_OPTION_ARG_INT64, &o.events,
      "Run only the first N events (default: the whole scenario)", "N" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &o.dark,
      "Render with the dark style", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force,
      "Replace an output file that is not an export of ours", NULL },
    { "bench", 0, 0, G_OPTION_ARG_NONE, &o.bench,
      "Time one frame of each view on a large run", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL,
      "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[FILE]");
  g_autoptr (GError) error = NULL;
  int status;

  mmr_run_limits_init_default (&o.limits);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx,
                              mmr_run_limits_option_group_new (&o.limits));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fail (error->message);
  if (o.bench)
    status = mmr_gui_bench_run ();
  else if (o.files == NULL || o.files[0] == NULL || o.files[1] != NULL)
    status = fail ("give exactly one scenario FILE to export");
  else if (o.events < -1)
    status = fail ("--events must be a number of events, 0 or more");
  else
    status = export_all (&o);
  g_free (o.diagram);
  g_free (o.topology);
  g_strfreev (o.files);
  return status;
}

int
main (int argc, char **argv)
{
  g_autoptr (MmrApplication) app = NULL;

  if (is_headless (argc, argv))
    return headless_main (argc, argv);
  app = mmr_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
