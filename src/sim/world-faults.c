/* world-faults.c - what goes wrong: partitions, crashes, clocks, links
 *
 * Every fault is applied at the current virtual time, between steps, and
 * traced (PARTITION, HEAL, CRASH, RESTART, SKEW, CONFIG for a link model).
 * A cut link still accepts messages and drops them (channel.c); a crashed
 * replica loses its memory (durability.c) and the links to it drop what
 * arrives.
 *
 * Interface (world.h): mmr_world_crash, mmr_world_restart,
 * mmr_world_set_cut, mmr_world_partition, mmr_world_heal_all,
 * mmr_world_set_skew, mmr_world_set_drift, mmr_world_set_link_model.
 * Invariant: a crash, a restart and a heal forget every clean pair, so
 * settle runs anti-entropy again before it calls the run quiescent.
 *
 * Taught in docs/architecture.md, docs/storage.md (crash and restart) and
 * labs 10 (split brain) and 11 (crash and durability).
 */
#include "sim/world-private.h"

#include "core/duration.h"

/* DOC: world-crash */
/* DOC: kept-lease
 * The crash hands out the replica's leases and the world keeps them: for
 * a replica without a database the world stands for the coordinator a
 * disk-less replica would ask for fresh counters, so that even a replica
 * that forgets everything in a crash never names two writes with one dot
 * (sync/durability.c). A replica with a database reloads its own. */
void
mmr_world_crash (MmrWorld *w, guint replica)
{
  MmrEvent ev = { 0 };

  g_return_if_fail (replica < w->n);
  if (w->replicas[replica]->is_down)
    return;
  mmr_replica_crash (w->replicas[replica], &w->leases[replica]);
  ev.kind = MMR_EV_CRASH;
  ev.replica = -1;
  ev.peer = (int) replica;
  ev.detail = w->replicas[replica]->db_path != NULL
              ? "memory and uncommitted writes lost"
              : "memory lost (no database)";
  mmr_world_emit (w, &ev);
  w->change_epoch++;
  mmr_world_reset_clean (w);
}

gboolean
mmr_world_restart (MmrWorld *w, guint replica, GError **error)
{
  MmrReplica *r;
  MmrEvent ev = { 0 };
  g_autofree char *detail = NULL;

  g_return_val_if_fail (replica < w->n, FALSE);
  r = w->replicas[replica];
  if (!r->is_down)
    return TRUE;
  ev.kind = MMR_EV_RESTART;
  ev.replica = (int) replica;
  ev.peer = -1;
  if (!mmr_replica_restart (r, w->now_us, &w->leases[replica], error))
    return FALSE;
  detail = g_strdup_printf ("reloaded %u registers, new dots above %u, "
                            "catching up", mmr_store_size (r->store),
                            r->dot_floor);
  ev.detail = detail;
  ev.hlc = r->hlc;
  mmr_world_emit (w, &ev);
  /* Siblings saved before a switch to lww resolve now. */
  if (w->config.strategy == MMR_STRATEGY_LWW)
    mmr_replica_resolve_lww (r, "strategy switch");
  w->change_epoch++;
  mmr_world_reset_clean (w);
  return TRUE;
}

static void
set_cut_quiet (MmrWorld *w, guint from, guint to, gboolean is_cut)
{
  w->links[from][to]->is_cut = is_cut;
}

static void
note_heal (MmrWorld *w)
{
  w->metrics.last_heal_us = w->now_us;
  /* Healing changes which pairs must be clean, not the states; but a
   * settle right after must still run anti-entropy across the new links. */
  mmr_world_reset_clean (w);
}

void
mmr_world_set_cut (MmrWorld *w, guint from, guint to, gboolean is_cut)
{
  g_autofree char *detail = NULL;

  g_return_if_fail (from < w->n && to < w->n && from != to);
  set_cut_quiet (w, from, to, is_cut);
  detail = g_strdup_printf ("%s %s->%s", is_cut ? "cut" : "heal",
                            w->names[from], w->names[to]);
  if (!is_cut)
    note_heal (w);
  mmr_world_trace (w, is_cut ? MMR_EV_PARTITION : MMR_EV_HEAL, -1, -1,
                    detail);
}

void
mmr_world_partition (MmrWorld *w, const int *group_of)
{
  GString *detail = g_string_new ("partition");
  int max_group = -1;

  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j && group_of[i] >= 0 && group_of[j] >= 0
          && group_of[i] != group_of[j])
        set_cut_quiet (w, i, j, TRUE);
  for (guint i = 0; i < w->n; i++)
    max_group = MAX (max_group, group_of[i]);
  for (int g = 0; g <= max_group; g++)
    {
      if (g > 0)
        g_string_append (detail, " |");
      for (guint i = 0; i < w->n; i++)
        if (group_of[i] == g)
          g_string_append_printf (detail, " %s", w->names[i]);
    }
  mmr_world_trace (w, MMR_EV_PARTITION, -1, -1, detail->str);
  g_string_free (detail, TRUE);
}

void
mmr_world_heal_all (MmrWorld *w)
{
  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j)
        set_cut_quiet (w, i, j, FALSE);
  note_heal (w);
  mmr_world_trace (w, MMR_EV_HEAL, -1, -1, "heal");
}

void
mmr_world_set_skew (MmrWorld *w, guint replica, gint64 offset_us)
{
  g_autofree char *d = mmr_duration_format (offset_us);
  g_autofree char *detail = g_strdup_printf ("skew %s%s",
                                             offset_us > 0 ? "+" : "", d);

  g_return_if_fail (replica < w->n);
  mmr_replica_set_skew (w->replicas[replica], offset_us);
  mmr_world_trace (w, MMR_EV_SKEW, (int) replica, -1, detail);
}

void
mmr_world_set_drift (MmrWorld *w, guint replica, gint32 drift_ppm)
{
  g_autofree char *detail = g_strdup_printf ("drift %+dppm", drift_ppm);

  g_return_if_fail (replica < w->n);
  mmr_replica_set_drift (w->replicas[replica], w->now_us, drift_ppm);
  mmr_world_trace (w, MMR_EV_SKEW, (int) replica, -1, detail);
}

static char *
describe_model (const MmrLinkModel *m)
{
  g_autofree char *lo = mmr_duration_format (m->latency_min_us);
  g_autofree char *hi = mmr_duration_format (m->latency_max_us);

  if (m->latency_min_us == m->latency_max_us)
    return g_strdup_printf ("latency %s loss %g duplicate %g reorder %s", lo,
                            m->loss, m->duplicate, m->reorder ? "on" : "off");
  return g_strdup_printf ("latency %s..%s loss %g duplicate %g reorder %s", lo,
                          hi, m->loss, m->duplicate,
                          m->reorder ? "on" : "off");
}

void
mmr_world_set_link_model (MmrWorld *w, int from, int to,
                          const MmrLinkModel *model)
{
  g_autofree char *what = describe_model (model);
  g_autofree char *detail = NULL;

  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j && (from < 0 || (guint) from == i) && (to < 0 || (guint) to == j))
        w->links[i][j]->model = *model;
  if (from < 0)
    {
      w->config.link = *model;
      detail = g_strdup_printf ("links: %s", what);
    }
  else
    detail = g_strdup_printf ("link %s->%s: %s", w->names[from], w->names[to],
                              what);
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
}
