/* cmd-replay.c - "mmr replay": a recorded run, at any instant
 *
 *   mmr replay RUN.db --at 1.5s [--json]     every replica's state then
 *   mmr replay RUN.db --events [--from T] [--to T] [--json]
 *
 * The database comes from "mmr run FILE --record RUN.db" and is only read
 * (record/replay.h). A file that is not a run database, is damaged, is of
 * another version or was never finished exits 2 with
 * "mmr replay: RUN.db: <problem>".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "cli/cli.h"
#include "core/duration.h"
#include "scenario/report.h"
#include "record/replay.h"
#include "sim/trace.h"

typedef struct {
  char *at;
  gboolean events;
  char *from;
  char *to;
  gboolean json;
  char **files;
} ReplayOptions;

static void
add_vv (JsonBuilder *b, const MmrVersionVector *vv, const char *const *names)
{
  json_builder_begin_object (b);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (vv->c[i] != 0)
      {
        json_builder_set_member_name (b, names[i]);
        json_builder_add_int_value (b, vv->c[i]);
      }
  json_builder_end_object (b);
}

/* DOC: replay-json */
/* The "replicas" member of "mmr run --json" (scenario/report.c). */
static void
add_replicas (JsonBuilder *b, MmrReplay *rp, GPtrArray *state)
{
  const char *const *names = mmr_replay_replica_names (rp);

  json_builder_set_member_name (b, "replicas");
  json_builder_begin_object (b);
  for (guint r = 0; r < state->len; r++)
    {
      GPtrArray *view = state->pdata[r];

      json_builder_set_member_name (b, names[r]);
      json_builder_begin_object (b);
      for (guint i = 0; i < view->len; i++)
        {
          const MmrViewEntry *e = view->pdata[i];

          json_builder_set_member_name (b, e->name);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "values");
          json_builder_begin_array (b);
          for (guint v = 0; v < e->values->len; v++)
            json_builder_add_string_value (b, e->values->pdata[v]);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "vv");
          add_vv (b, &e->vv, names);
          if (e->n_siblings > 1)
            {
              json_builder_set_member_name (b, "siblings");
              json_builder_add_int_value (b, e->n_siblings);
            }
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
print_state_json (MmrReplay *rp, gint64 at_us, GPtrArray *state)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, mmr_replay_get_scenario (rp));
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) mmr_replay_get_seed (rp));
  json_builder_set_member_name (b, "time_us");
  json_builder_add_int_value (b, at_us);
  add_replicas (b, rp, state);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = mmr_report_json_to_data (root, TRUE);   /* escapes U+001F too */
  puts (text);
}

static void
print_state_text (MmrReplay *rp, gint64 at_us, GPtrArray *state)
{
  const char *const *names = mmr_replay_replica_names (rp);
  g_autofree char *at = mmr_duration_format (at_us);
  g_autofree char *end = mmr_duration_format (mmr_replay_get_end_us (rp));

  printf ("%s: seed %" G_GUINT64_FORMAT ", %u replicas, state at %s"
          " (the run ended at %s)\n", mmr_replay_get_scenario (rp),
          mmr_replay_get_seed (rp), mmr_replay_n_replicas (rp), at, end);
  for (guint r = 0; r < state->len; r++)
    {
      GPtrArray *view = state->pdata[r];

      printf ("replica %s  (%u key%s)\n", names[r], view->len,
              view->len == 1 ? "" : "s");
      for (guint i = 0; i < view->len; i++)
        {
          const MmrViewEntry *e = view->pdata[i];
          g_autofree char *shown = mmr_view_entry_format (e);
          g_autofree char *vv = mmr_version_vector_to_string (&e->vv, names);

          printf ("  %-16s = %-20s vv %s%s\n", e->name, shown, vv,
                  e->values->len > 1 ? "  siblings" : "");
        }
    }
}

typedef struct {
  const char *const *names;
  gboolean json;
  GString *line;
} EventPrinter;

static void
print_event_cb (const MmrEvent *ev, gpointer user_data)
{
  EventPrinter *p = user_data;

  g_string_truncate (p->line, 0);
  if (p->json)
    mmr_event_append_json (p->line, ev, p->names);
  else
    {
      g_autofree char *t = mmr_duration_format (ev->time_us);
      g_autofree char *text = mmr_replay_shiviz_text (ev, p->names);

      g_string_append_printf (p->line, "%12s  %-4s %s", t,
                              ev->replica >= 0 ? p->names[ev->replica] : "-",
                              text);
    }
  puts (p->line->str);
}

static int
replay_failure (const GError *error)
{
  fprintf (stderr, "mmr replay: %s\n", error->message);
  return MMR_EXIT_USAGE;
}

static int
replay_file (const ReplayOptions *o, gint64 at_us, gint64 from_us,
             gint64 to_us)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrReplay) rp = mmr_replay_open (o->files[0], &error);

  if (rp == NULL)
    return replay_failure (error);
  if (o->at != NULL)
    {
      g_autoptr (GPtrArray) state = mmr_replay_dup_state (rp, at_us, FALSE,
                                                          &error);

      if (state == NULL)
        return replay_failure (error);
      if (o->json)
        print_state_json (rp, at_us, state);
      else
        print_state_text (rp, at_us, state);
      return MMR_EXIT_OK;
    }
  EventPrinter p = { mmr_replay_replica_names (rp), o->json,
                     g_string_new (NULL) };
  gboolean ok = mmr_replay_foreach_event (rp, from_us, to_us, print_event_cb,
                                          &p, &error);

  g_string_free (p.line, TRUE);
  return ok ? MMR_EXIT_OK : replay_failure (error);
}

static gboolean
parse_time (const char *text, gint64 *out)
{
  return text == NULL || mmr_duration_parse (text, FALSE, out);
}

/* Checks the options; NULL when they are fine, else the complaint. */
static char *
check_options (const ReplayOptions *o, gint64 *at, gint64 *from, gint64 *to)
{
  if (o->files == NULL || o->files[0] == NULL)
    return g_strdup ("no run database given");
  if (o->files[1] != NULL)
    return g_strdup ("give exactly one run database");
  if ((o->at != NULL) == o->events)
    return g_strdup ("give either --at TIME or --events");
  if (!o->events && (o->from != NULL || o->to != NULL))
    return g_strdup ("--from and --to go with --events");
  if (!parse_time (o->at, at))
    return g_strdup_printf ("--at expects a time such as 1.5s, got '%s'",
                            o->at);
  if (!parse_time (o->from, from))
    return g_strdup_printf ("--from expects a time such as 10ms, got '%s'",
                            o->from);
  if (!parse_time (o->to, to))
    return g_strdup_printf ("--to expects a time such as 2s, got '%s'",
                            o->to);
  return NULL;
}

int
mmr_cmd_replay (int argc, char **argv)
{
  ReplayOptions o = { 0 };
  GOptionEntry entries[] = {
    { "at", 'a', 0, G_OPTION_ARG_STRING, &o.at,
      "Print every replica's state at virtual time TIME", "TIME" },
    { "events", 'e', 0, G_OPTION_ARG_NONE, &o.events,
      "List the recorded events", NULL },
    { "from", 'f', 0, G_OPTION_ARG_STRING, &o.from,
      "With --events: only events at or after TIME", "TIME" },
    { "to", 't', 0, G_OPTION_ARG_STRING, &o.to,
      "With --events: only events at or before TIME", "TIME" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
      "JSON: the state as in 'mmr run --json', events as trace lines", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL,
      NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "RUN.db - look into a recorded run");
  g_autoptr (GError) error = NULL;
  g_autofree char *complaint = NULL;
  gint64 at = 0, from = G_MININT64, to = G_MAXINT64;
  int rc;

  g_option_context_set_summary (ctx,
      "Reads a run recorded with 'mmr run FILE --record RUN.db' and prints\n"
      "every replica's state at one virtual instant, or the events of a\n"
      "time window. Times are durations: 250us, 10ms, 1.5s, 1m.");
  g_option_context_set_description (ctx,
      "Exit status: 0 success, 2 bad input (nothing is written).\n"
      "Example: mmr replay run.db --at 60ms --json");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr replay");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return mmr_cli_usage_error ("replay", error->message);
  complaint = check_options (&o, &at, &from, &to);
  rc = complaint != NULL ? mmr_cli_usage_error ("replay", complaint)
                         : replay_file (&o, at, from, to);
  g_free (o.at);
  g_free (o.from);
  g_free (o.to);
  g_strfreev (o.files);
  return rc;
}
