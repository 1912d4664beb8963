/* conflict-log.c - conflicts recorded as data (see conflict-log.h)
 *
 * Built from two kinds of events: WRITE/DELETE (to remember each write's
 * version vector and time, which a conflict's versions refer to by dot)
 * and RESOLVE (the versions that met, the rule, what was kept).
 */
#include "sim/conflict-log.h"

#include <string.h>

#include "sim/view.h"

typedef struct {
  MmrVersionVector vv;
  gint64 time_us;
} WriteInfo;

struct _MmrConflictLog {
  MmrWorld *world;
  guint observer;
  GHashTable *writes;       /* "key|r:c" -> WriteInfo* */
  GHashTable *seen;         /* conflict ids */
  GPtrArray *conflicts;     /* MmrConflict*, owned */
  GPtrArray *rejected;      /* MmrConflict*, owned: lww-rejected-newer */
};

static char *
dot_id (const char *key, MmrDot d)
{
  return g_strdup_printf ("%s|%u:%u", key, d.replica, d.counter);
}

static void
conflict_free (MmrConflict *c)
{
  for (guint i = 0; i < c->versions->len; i++)
    g_free (g_array_index (c->versions, MmrConflictVersion, i).value);
  g_array_unref (c->versions);
  g_free (c->key);
  g_free (c->value);
  g_free (c);
}


static int
version_cmp (gconstpointer a, gconstpointer b)
{
  return mmr_dot_compare (((const MmrConflictVersion *) a)->dot,
                  ((const MmrConflictVersion *) b)->dot);
}


static gboolean
is_kept (const MmrEvent *ev, MmrDot d)
{
  for (guint i = 0; i < ev->n_kept; i++)
    if (mmr_dot_compare (ev->kept[i], d) == 0)
      return TRUE;
  return FALSE;
}

static void
set_outcome (MmrConflictLog *log, MmrConflict *c)
{
  const MmrWorldConfig *cfg = mmr_world_get_config (log->world);
  g_autoptr (GPtrArray) live = g_ptr_array_new ();

  switch (c->rule)
    {
    case MMR_RESOLVE_SIBLINGS:
      c->outcome = MMR_OUTCOME_SIBLINGS;
      return;
    case MMR_RESOLVE_MERGED:
      c->outcome = MMR_OUTCOME_MERGED;
      for (guint i = 0; i < c->versions->len; i++)
        {
          const MmrConflictVersion *v = &g_array_index (c->versions,
                                                        MmrConflictVersion, i);
          if (v->is_kept && v->value != NULL)
            g_ptr_array_add (live, v->value);
        }
      /* What a reader sees: per field under granularity record, never the
       * merge function applied to encoded records. */
      if (live->len > 0)
        c->value = mmr_view_merge_values (cfg->granularity, cfg->merge,
                                          (const char *const *) live->pdata,
                                          live->len);
      return;
    default:
      c->outcome = MMR_OUTCOME_WINNER;
      for (guint i = 0; i < c->versions->len; i++)
        {
          const MmrConflictVersion *v = &g_array_index (c->versions,
                                                        MmrConflictVersion, i);
          if (v->is_kept)
            c->value = g_strdup (v->value);
        }
    }
}

static void
record_conflict (MmrConflictLog *log, const MmrEvent *ev)
{
  MmrConflict *c = g_new0 (MmrConflict, 1);
  g_autofree char *id = NULL;

  c->key = g_strdup (ev->key);
  c->replica = (guint) ev->replica;
  c->time_us = ev->time_us;
  c->seq = ev->seq;
  c->strategy = mmr_world_get_config (log->world)->strategy;
  c->rule = ev->rule;
  c->versions = g_array_new (FALSE, TRUE, sizeof (MmrConflictVersion));
  for (guint i = 0; i < ev->n_versions; i++)
    {
      const MmrEventVersion *e = &ev->versions[i];
      g_autofree char *wid = dot_id (ev->key, e->dot);
      const WriteInfo *wi = g_hash_table_lookup (log->writes, wid);
      MmrConflictVersion v = { 0 };

      v.dot = e->dot;
      v.value = g_strdup (e->value);
      v.hlc = e->hlc;
      v.ts = e->ts;
      v.ts_logical = e->ts_logical;
      v.written_us = wi != NULL ? wi->time_us : -1;
      if (wi != NULL)
        v.vv = wi->vv;
      v.is_kept = is_kept (ev, e->dot);
      g_array_append_val (c->versions, v);
    }
  g_array_sort (c->versions, version_cmp);
  id = mmr_event_conflict_id (ev);
  if (!g_hash_table_add (log->seen, g_steal_pointer (&id)))
    {
      conflict_free (c);
      return;
    }
  set_outcome (log, c);
  g_ptr_array_add (c->rule == MMR_RESOLVE_LWW_REJECTED ? log->rejected
                                                       : log->conflicts, c);
}

static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  MmrConflictLog *log = user_data;

  if (ev->kind == MMR_EV_WRITE || ev->kind == MMR_EV_DELETE)
    {
      WriteInfo *wi = g_new (WriteInfo, 1);

      wi->vv = ev->vv;
      wi->time_us = ev->time_us;
      g_hash_table_replace (log->writes, dot_id (ev->key, ev->dot), wi);
    }
  else if (ev->kind == MMR_EV_RESOLVE)
    record_conflict (log, ev);
}

MmrConflictLog *
mmr_conflict_log_new (MmrWorld *world)
{
  MmrConflictLog *log = g_new0 (MmrConflictLog, 1);

  log->world = world;
  log->writes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       g_free);
  log->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  log->conflicts = g_ptr_array_new_with_free_func (
      (GDestroyNotify) conflict_free);
  log->rejected = g_ptr_array_new_with_free_func (
      (GDestroyNotify) conflict_free);
  log->observer = mmr_world_add_observer (world, on_event, log);
  return log;
}

void
mmr_conflict_log_free (MmrConflictLog *log)
{
  if (log == NULL)
    return;
  mmr_world_remove_observer (log->world, log->observer);
  g_hash_table_unref (log->writes);
  g_hash_table_unref (log->seen);
  g_ptr_array_unref (log->conflicts);
  g_ptr_array_unref (log->rejected);
  g_free (log);
}

GPtrArray *
mmr_conflict_log_get (MmrConflictLog *log)
{
  return log->conflicts;
}

GPtrArray *
mmr_conflict_log_get_rejected (MmrConflictLog *log)
{
  return log->rejected;
}

const char *
mmr_conflict_outcome_to_string (MmrConflictOutcome outcome)
{
  switch (outcome)
    {
    case MMR_OUTCOME_WINNER: return "winner";
    case MMR_OUTCOME_SIBLINGS: return "siblings";
    case MMR_OUTCOME_MERGED: return "merged";
    default: g_assert_not_reached ();
    }
}

static const char *
rule_sentence (MmrResolveRule rule)
{
  switch (rule)
    {
    case MMR_RESOLVE_LWW_TIMESTAMP: return "lww by timestamp";
    case MMR_RESOLVE_LWW_TIEBREAK: return "lww tie, broken by replica name";
    case MMR_RESOLVE_LWW_REJECTED:
      return "lww kept the larger timestamp over a write that had seen it";
    case MMR_RESOLVE_SIBLINGS: return "siblings";
    case MMR_RESOLVE_MERGED: return "merge";
    default: return "none";
    }
}

static void
append_version (GString *s, const MmrConflictVersion *v,
                const char *const *names, MmrGranularity granularity)
{
  g_autofree char *value = mmr_view_format_value (granularity, v->value);

  g_string_append_printf (s, "%s:%u %s", names[v->dot.replica],
                          v->dot.counter, value);
}

char *
mmr_conflict_describe (const MmrConflict *c, const char *const *names,
                       MmrGranularity granularity)
{
  GString *s = g_string_new (rule_sentence (c->rule));
  gboolean any = FALSE;

  switch (c->outcome)
    {
    case MMR_OUTCOME_SIBLINGS:
      g_string_append (s, ": all kept, read back together");
      return g_string_free (s, FALSE);
    case MMR_OUTCOME_MERGED:
      {
        g_autofree char *value = mmr_view_format_value (granularity, c->value);

        g_string_append_printf (s, ": all kept, read as %s", value);
      }
      return g_string_free (s, FALSE);
    default:
      break;
    }
  for (guint i = 0; i < c->versions->len; i++)
    {
      const MmrConflictVersion *v = &g_array_index (c->versions,
                                                    MmrConflictVersion, i);
      if (!v->is_kept)
        continue;
      g_string_append (s, ": ");
      append_version (s, v, names, granularity);
      g_string_append (s, " wins");
    }
  for (guint i = 0; i < c->versions->len; i++)
    {
      const MmrConflictVersion *v = &g_array_index (c->versions,
                                                    MmrConflictVersion, i);
      if (v->is_kept)
        continue;
      g_string_append (s, any ? ", " : "; discarded ");
      append_version (s, v, names, granularity);
      any = TRUE;
    }
  return g_string_free (s, FALSE);
}
