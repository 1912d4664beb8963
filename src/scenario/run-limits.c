/* run-limits.c - how much work one scenario run may do
 *
 * A scenario is a few lines, and a few lines can ask for a lot: "run
 * 1000000000s" with anti-entropy on is billions of events, "settle
 * 100000000s" with "loss 1" never settles, "antientropy 1us" with
 * "latency 10s" keeps ten million messages in flight per link. Every
 * runner therefore starts with limits (MmrRunLimits, runner.h) on the
 * world events it processes, the virtual time it reaches and the
 * messages in flight at once; the runner stops at the first one hit
 * (runner.c: run-limits-check) and says which and how to raise it.
 *
 * The defaults leave far more room than any legitimate run needs. When
 * they were chosen the largest runs were: among docs/examples and labs,
 * 700 events, 4.6 s of virtual time and 14 messages in flight; in the
 * whole test suite, 130,355 events and 60,001 messages in flight (the
 * inspector's 10,000-key stress test). The defaults are 10,000,000 events
 * (about 10 s of work), 24 h of virtual time and 1,000,000 messages
 * (about 300 MB).
 *
 * Interface:
 *   mmr_run_limits_init_default()   the defaults above
 *   mmr_run_limits_option_group_new()
 *                                   --max-events N, --max-time DURATION,
 *                                   --max-in-flight N for a GOptionContext
 *                                   (mmr run, mmr lab run, the inspector)
 *
 * Invariant: 0 always means "no limit", for every limit.
 *
 * Taught in docs/scenario-language.md ("Run limits").
 */
#include "scenario/runner.h"

#include "core/duration.h"

/* DOC: run-limits-default */
void
mmr_run_limits_init_default (MmrRunLimits *limits)
{
  limits->max_events = MMR_RUN_DEFAULT_MAX_EVENTS;
  limits->max_time_us = MMR_RUN_DEFAULT_MAX_TIME_US;
  limits->max_in_flight = MMR_RUN_DEFAULT_MAX_IN_FLIGHT;
}

static gboolean
parse_count (const char *option, const char *value, guint64 *out,
             GError **error)
{
  if (value != NULL && g_ascii_isdigit (*value)
      && g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, out, NULL))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s expects a whole number (0 for no limit), got '%s'",
               option, value != NULL ? value : "");
  return FALSE;
}

/* A GOptionArgFunc: @data is the MmrRunLimits. */
static gboolean
limit_option_cb (const char *option, const char *value, gpointer data,
                 GError **error)
{
  MmrRunLimits *limits = data;

  if (g_str_equal (option, "--max-events"))
    return parse_count (option, value, &limits->max_events, error);
  if (g_str_equal (option, "--max-in-flight"))
    return parse_count (option, value, &limits->max_in_flight, error);
  g_assert (g_str_equal (option, "--max-time"));
  if (g_strcmp0 (value, "0") == 0)   /* a duration needs a unit; 0 not */
    {
      limits->max_time_us = 0;
      return TRUE;
    }
  if (value != NULL && mmr_duration_parse (value, FALSE, &limits->max_time_us))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--max-time expects a duration like 10s or 90m "
               "(0 for no limit), got '%s'", value != NULL ? value : "");
  return FALSE;
}

/* Options parsed straight into @limits (borrowed: it must outlive the
 * parse); what is not given keeps its value, normally the default. */
GOptionGroup *
mmr_run_limits_option_group_new (MmrRunLimits *limits)
{
  static const GOptionEntry entries[] = {
    { "max-events", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) limit_option_cb,
      "Stop a run after N world events (default 10000000; 0: no limit)",
      "N" },
    { "max-time", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) limit_option_cb,
      "Stop a run past DURATION of virtual time (default 86400s; 0: no "
      "limit)", "DURATION" },
    { "max-in-flight", 0, 0, G_OPTION_ARG_CALLBACK,
      (gpointer) limit_option_cb,
      "Stop a run with more than N messages in flight (default 1000000; "
      "0: no limit)", "N" },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new (
      "limits", "Run limits (a run that hits one stops with an error):",
      "Show the run limits", limits, NULL);

  g_option_group_add_entries (group, entries);
  return group;
}
