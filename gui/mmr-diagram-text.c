/* mmr-diagram-text.c - one event of the space-time diagram, in words
 *
 * Concept: clicking an event shows what the trace knows about it (kind,
 * replicas, time, key and value, dot, HLC, version vector, vector clock,
 * the message and its other end, the versions a conflict compared and
 * which it kept) and what every replica showed just after it, rebuilt by
 * time travel (mmr_session_dup_runner_at), with the convergence verdict
 * at that instant.
 *
 * Interface (mmr-diagram-view.h): mmr_diagram_describe_event.
 *
 * Invariants: the words use the engine's formatting (mmr_view_format_value,
 * mmr_version_vector_to_string, mmr_hlc_to_string), so the inspector and
 * "mmr run" say the same thing the same way; the live session is only
 * read, the past state lives in a throwaway runner.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-diagram-view.h"

#include "core/duration.h"
#include "sim/checker.h"
#include "sim/view.h"

static void
append_dots (GString *s, const char *title, const MmrDot *dots, guint n,
             const char *const *names)
{
  if (n == 0)
    return;
  g_string_append_printf (s, "\n%s:", title);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, " %s:%u", names[dots[i].replica],
                            dots[i].counter);
}

static void
append_versions (GString *s, const MmrEvent *ev, MmrGranularity g,
                 const char *const *names)
{
  if (ev->n_versions > 0)
    g_string_append_printf (s, "\nconcurrent versions (rule %s):",
                            mmr_resolve_rule_to_string (ev->rule));
  for (guint i = 0; i < ev->n_versions; i++)
    {
      const MmrEventVersion *v = &ev->versions[i];
      g_autofree char *value = mmr_view_format_value (g, v->value);
      g_autofree char *hlc = mmr_hlc_to_string (v->hlc);
      g_autofree char *ts = mmr_duration_format (v->ts);

      g_string_append_printf (s, "\n  %s:%u = %s   timestamp (%s, %u)   HLC %s",
                              names[v->dot.replica], v->dot.counter,
                              v->value != NULL ? value : "tombstone", ts,
                              v->ts_logical, hlc);
    }
  append_dots (s, "kept", ev->kept, ev->n_kept, names);
  append_dots (s, "superseded (seen and replaced)", ev->superseded,
               ev->n_superseded, names);
}

static void
append_event (GString *s, MmrSession *session, guint index,
              const MmrEvent *ev, MmrWorld *w)
{
  const char *const *names = mmr_world_replica_names (w);
  MmrGranularity g = mmr_world_get_config (w)->granularity;
  g_autofree char *t = mmr_duration_format (ev->time_us);
  g_autofree char *hlc = mmr_hlc_to_string (ev->hlc);
  g_autofree char *vv = mmr_version_vector_to_string (&ev->vv, names);
  g_autofree char *clock = mmr_version_vector_to_string (&ev->clock, names);

  g_string_append_printf (s, "event %u: %s", index,
                          mmr_event_kind_to_string (ev->kind));
  if (ev->replica >= 0)
    g_string_append_printf (s, " at %s", names[ev->replica]);
  if (ev->peer >= 0)
    g_string_append_printf (s, "%s%s",
                            ev->kind == MMR_EV_DELIVER ? " from "
                            : ev->kind == MMR_EV_CONFLICT
                                    || ev->kind == MMR_EV_RESOLVE
                                ? " with "
                                : " to ",
                            names[ev->peer]);
  g_string_append_printf (s, ", time %s", t);
  if (ev->detail != NULL)
    g_string_append_printf (s, " (%s)", ev->detail);
  if (ev->key != NULL)
    {
      g_autofree char *value = mmr_view_format_value (g, ev->value);

      g_string_append_printf (s, "\nkey %s", ev->key);
      if (ev->value != NULL)
        g_string_append_printf (s, " = %s", value);
      g_string_append_printf (s, "\nversion vector %s", vv);
    }
  if (ev->dot.counter > 0)
    g_string_append_printf (s, "\ndot %s:%u", names[ev->dot.replica],
                            ev->dot.counter);
  if (ev->replica >= 0)
    g_string_append_printf (s, "\nHLC %s\nvector clock %s", hlc, clock);
  if (ev->msg_id != 0)
    {
      guint partner = mmr_session_get_partner (session, index);

      g_string_append_printf (s, "\nmessage %" G_GUINT64_FORMAT ", %u bytes",
                              ev->msg_id, ev->bytes);
      if (ev->kind == MMR_EV_SEND && partner == MMR_DIAGRAM_NO_EVENT)
        g_string_append (s, ", still in flight");
      else if (partner != MMR_DIAGRAM_NO_EVENT)
        g_string_append_printf (s, ", see event %u", partner);
    }
  append_versions (s, ev, g, names);
}

static void
append_entries (GString *s, MmrWorld *at, guint r, const char *key)
{
  if (key != NULL)
    {
      MmrViewEntry *e = mmr_view_lookup (at, r, key);
      g_autofree char *shown = mmr_view_entry_format (e);
      g_autofree char *vv = e != NULL ? mmr_version_vector_to_string (
                                            &e->vv, mmr_world_replica_names (at))
                                      : g_strdup ("{}");

      g_string_append_printf (s, "  %s = %-16s vv %s%s", key, shown, vv,
                              e != NULL && e->n_siblings > 1 ? "  (siblings)"
                                                             : "");
      mmr_view_entry_free (e);
      return;
    }
  {
    g_autoptr (GPtrArray) entries = mmr_view_dup (at, r, FALSE);

    for (guint k = 0; k < entries->len && k < 4; k++)
      {
        g_autofree char *shown = mmr_view_entry_format (entries->pdata[k]);

        g_string_append_printf (s, "%s%s = %s", k ? "; " : "  ",
                                ((MmrViewEntry *) entries->pdata[k])->name,
                                shown);
      }
    if (entries->len > 4)
      g_string_append_printf (s, "; \u2026 %u more", entries->len - 4);
    if (entries->len == 0)
      g_string_append (s, "  (empty)");
  }
}

char *
mmr_diagram_describe_event (MmrSession *session, guint index)
{
  const MmrEvent *ev;
  MmrWorld *w = mmr_session_get_world (session);
  g_autoptr (MmrRunner) past = NULL;
  g_autoptr (GPtrArray) diffs = NULL;
  MmrWorld *at;
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (index < mmr_session_get_n_events (session), NULL);
  ev = &mmr_session_get_event (session, index)->ev;
  append_event (s, session, index, ev, w);
  past = mmr_session_dup_runner_at (session, (guint64) index + 1);
  at = mmr_runner_get_world (past);
  g_string_append (s, "\n\nevery replica just after this event:");
  for (guint r = 0; r < mmr_world_n_replicas (at); r++)
    {
      g_string_append_printf (s, "\n%s", mmr_world_replica_name (at, r));
      append_entries (s, at, r, ev->key);
    }
  diffs = mmr_check_convergence (at);
  if (diffs->len == 0)
    g_string_append (s, "\nconverged: every replica shows the same state");
  else
    g_string_append_printf (s, "\ndiverging: %u %s", diffs->len,
                            diffs->len == 1 ? "key differs" : "keys differ");
  if (mmr_world_n_events (at) > (guint64) index + 1)
    g_string_append_printf (s, "\n(shown after event %" G_GUINT64_FORMAT
                            ", emitted in the same engine step)",
                            mmr_world_n_events (at) - 1);
  return g_string_free (s, FALSE);
}
