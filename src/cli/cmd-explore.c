/* cmd-explore.c - "mmr explore": every delivery order of a small scenario
 *
 *   mmr explore FILE [--max-states N] [--json]
 *
 * Searches every schedule of FILE (src/explore/explore.h) and prints how
 * many states it explored and, for the first violation found, the
 * schedule as a scenario with 'delivery manual' that `mmr run` and the
 * inspector replay. The rate is the only thing measured with the wall
 * clock; everything else is the same on every run.
 *
 * Exit status: 0 every expect and invariant holds in every state reached,
 * 1 a violation, 2 bad input, a scenario explore does not support, or a
 * search stopped at --max-states before it finished.
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli/cli.h"
#include "explore/explore.h"

typedef struct {
  char *max_states;
  gboolean json;
  char **files;
} ExploreOptions;

static void
member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static char *
result_json (const MmrExploreResult *r, double seconds)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  member_int (b, "states", (gint64) r->n_explored);
  member_int (b, "distinct", (gint64) r->n_distinct);
  member_int (b, "end_states", (gint64) r->n_end_states);
  member_int (b, "max_depth", r->max_depth);
  json_builder_set_member_name (b, "complete");
  json_builder_add_boolean_value (b, r->is_complete);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, seconds);
  json_builder_set_member_name (b, "violation");
  if (!r->has_violation)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      member_string (b, "check", r->check);
      member_int (b, "line", r->line);
      member_string (b, "text", r->text);
      member_string (b, "message", r->message);
      member_int (b, "depth", r->depth);
      member_string (b, "schedule", r->schedule);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static void
print_text (const char *file, const MmrExploreResult *r, double seconds)
{
  printf ("explored %s: %" G_GUINT64_FORMAT " states, %" G_GUINT64_FORMAT
          " distinct, %" G_GUINT64_FORMAT " end states, max depth %u\n",
          file, r->n_explored, r->n_distinct, r->n_end_states, r->max_depth);
  printf ("rate: %.0f distinct states/s (%.3fs)\n",
          seconds > 0 ? (double) r->n_distinct / seconds : 0.0, seconds);
  if (!r->has_violation)
    {
      if (r->is_complete)
        puts ("no violation: every expect and invariant holds in every "
              "state reached");
      return;
    }
  if (r->line > 0)
    printf ("violation at depth %u: line %u: %s: %s\n", r->depth, r->line,
            r->text, r->message);
  else
    printf ("violation at depth %u: %s: %s: %s\n", r->depth, r->check,
            r->text, r->message);
  printf ("schedule (save it as a .mmr file; mmr run and the inspector "
          "replay it):\n%s", r->schedule);
}

static int
explore_file (const ExploreOptions *o, guint64 max_states)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrScript) script = mmr_script_load (o->files[0], &error);
  MmrExploreOptions opt = { max_states };
  MmrExploreResult r;
  gint64 t0;
  double seconds;
  int rc;

  if (script == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  t0 = g_get_monotonic_time ();
  if (!mmr_explore_run (script, &opt, &r, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  if (o->json)
    {
      g_autofree char *json = result_json (&r, seconds);

      printf ("%s\n", json);
    }
  else
    print_text (o->files[0], &r, seconds);
  if (r.has_violation)
    rc = MMR_EXIT_FAILED;
  else if (!r.is_complete)
    {
      fprintf (stderr, "mmr explore: stopped at --max-states %"
               G_GUINT64_FORMAT " before the search finished (%"
               G_GUINT64_FORMAT " distinct states, no violation so far); "
               "raise --max-states to search further\n",
               max_states, r.n_distinct);
      rc = MMR_EXIT_USAGE;
    }
  else
    rc = MMR_EXIT_OK;
  mmr_explore_result_clear (&r);
  return rc;
}

static gboolean
parse_count (const char *text, guint64 *out)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, out, NULL);
}

int
mmr_cmd_explore (int argc, char **argv)
{
  ExploreOptions o = { 0 };
  GOptionEntry entries[] = {
    { "max-states", 'm', 0, G_OPTION_ARG_STRING, &o.max_states,
      "Stop after N distinct states (default 1000000)", "N" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
      "Print one JSON object instead of the report", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL,
      "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- every delivery order of a small scenario");
  g_autoptr (GError) error = NULL;
  guint64 max_states = MMR_EXPLORE_DEFAULT_MAX_STATES;
  int rc;

  g_option_context_set_summary (ctx,
      "Runs the scenario FILE under every order in which its messages can\n"
      "be delivered (and lost or duplicated, where its links say so),\n"
      "checks every 'expect' and invariant in every state reached, and\n"
      "prints the first violation as a scenario that replays it.\n"
      "The scenario needs 'antientropy off' (docs/checking.md, Exploring).");
  g_option_context_set_description (ctx,
      "Exit status: 0 no violation, 1 a violation, 2 bad input, an\n"
      "unsupported scenario, or the search stopped at --max-states.\n"
      "Example: mmr explore docs/examples/explore-lww.mmr");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr explore");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return mmr_cli_usage_error ("explore", error->message);
  if (o.files == NULL || o.files[0] == NULL)
    rc = mmr_cli_usage_error ("explore", "no scenario file given");
  else if (o.files[1] != NULL)
    rc = mmr_cli_usage_error ("explore", "give exactly one scenario file");
  else if (o.max_states != NULL && !parse_count (o.max_states, &max_states))
    {
      g_autofree char *m = g_strdup_printf (
          "--max-states expects a positive whole number, got '%s'",
          o.max_states);
      rc = mmr_cli_usage_error ("explore", m);
    }
  else
    rc = explore_file (&o, max_states);
  g_free (o.max_states);
  g_strfreev (o.files);
  return rc;
}
