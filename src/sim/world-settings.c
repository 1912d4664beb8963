/* world-settings.c - the switches a scenario may flip during a run
 *
 * Strategy, merge function, causality, LWW clock source, anti-entropy
 * interval and mode, durability: world-wide settings, each applied to
 * every replica at one instant (as a configuration push that reaches
 * every replica, partitioned or not) and traced as CONFIG.
 *
 * Interface (world.h): mmr_world_set_strategy, mmr_world_set_merge,
 * mmr_world_set_causality, mmr_world_set_clock, mmr_world_set_antientropy,
 * mmr_world_set_antientropy_mode, mmr_world_set_durability; and
 * mmr_world_apply_settings (world-private.h) for a new replica.
 * Invariant: every replica's settings equal the world's config, except
 * that after a strategy switch anti-entropy is full (is_switched).
 *
 * Taught in docs/conflicts.md (switching strategy mid-run).
 */
#include "sim/world-private.h"

#include "core/duration.h"
#include "store/merge-fn.h"

void
mmr_world_apply_settings (MmrWorld *w, MmrReplica *r)
{
  MmrReplicaSettings s = {
    .strategy = w->config.strategy,
    .causality = w->config.causality,
    .is_switched = w->is_switched,
    /* DOC: switched-ae */
    .ae_mode = w->is_switched ? MMR_AE_FULL : w->config.antientropy_mode,
    .ts_source = (MmrTimestampSource) w->config.clock,
    .granularity = w->config.granularity,
  };

  mmr_replica_configure (r, &s);
}

void
mmr_world_set_durability (MmrWorld *w, MmrDurability durability)
{
  static const char *const names[] = { "none", "sync", "async" };
  g_autofree char *detail = g_strdup_printf ("durability %s",
                                             names[durability]);

  /* Switching between sync and async only changes when commits happen;
   * databases are opened at creation (a data directory is needed). */
  for (guint i = 0; i < w->n; i++)
    mmr_replica_set_async (w->replicas[i],
                           durability == MMR_DURABILITY_ASYNC);
  w->config.durability = durability;
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
}

static void
apply_all_settings (MmrWorld *w)
{
  for (guint i = 0; i < w->n; i++)
    mmr_world_apply_settings (w, w->replicas[i]);
}

static const char *const strategy_names[] = { "lww", "siblings", "merge" };

/* Does any replica hold a register, or any message carry one? */
static gboolean
has_registers (const MmrWorld *w)
{
  for (guint i = 0; i < w->n; i++)
    if (mmr_store_size (w->replicas[i]->store) > 0)
      return TRUE;
  return w->n_payload_in_flight > 0;
}

/* DOC: strategy-switch */
/* A switch is a world-wide setting applied at one instant (as a config
 * push that reaches every replica, partitioned or not). Between lww and
 * siblings/merge it changes what a register's siblings are as a function
 * of its vector, so anti-entropy compares whole registers from then on.
 * A switch to lww resolves every up replica's siblings now; a down one
 * resolves when it restarts (mmr_world_restart). */
static void
switch_strategy (MmrWorld *w, MmrStrategy before, const char *detail)
{
  gboolean to_lww = w->config.strategy == MMR_STRATEGY_LWW;

  if ((before == MMR_STRATEGY_LWW) != to_lww && has_registers (w))
    w->is_switched = TRUE;
  apply_all_settings (w);
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
  if (!to_lww)
    return;
  for (guint i = 0; i < w->n; i++)
    if (!w->replicas[i]->is_down)
      mmr_replica_resolve_lww (w->replicas[i], "strategy switch");
}
static const char *const causality_names[] = { "vv", "dvv", "history" };

void
mmr_world_set_merge (MmrWorld *w, const char *name)
{
  g_autofree char *detail = g_strdup_printf ("strategy merge %s", name);
  MmrStrategy before = w->config.strategy;

  g_return_if_fail (mmr_merge_exists (name));
  g_free (w->config.merge);
  w->config.merge = g_strdup (name);
  w->config.strategy = MMR_STRATEGY_MERGE;
  switch_strategy (w, before, detail);
}

void
mmr_world_set_causality (MmrWorld *w, MmrCausality causality)
{
  g_autofree char *detail = g_strdup_printf ("causality %s",
                                             causality_names[causality]);

  w->config.causality = causality;
  apply_all_settings (w);
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
}
static const char *const clock_names[] = { "physical", "lamport", "hlc" };

void
mmr_world_set_strategy (MmrWorld *w, MmrStrategy strategy)
{
  g_autofree char *detail = g_strdup_printf ("strategy %s",
                                             strategy_names[strategy]);
  MmrStrategy before = w->config.strategy;

  w->config.strategy = strategy;
  switch_strategy (w, before, detail);
}

void
mmr_world_set_clock (MmrWorld *w, MmrClockSource clock)
{
  g_autofree char *detail = g_strdup_printf ("clock %s", clock_names[clock]);

  w->config.clock = clock;
  apply_all_settings (w);
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
}

void
mmr_world_set_antientropy_mode (MmrWorld *w, MmrAntiEntropyMode mode)
{
  static const char *const names[] = { "digest", "merkle", "full" };
  g_autofree char *detail = g_strdup_printf ("antientropy %s", names[mode]);

  w->config.antientropy_mode = mode;
  apply_all_settings (w);
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
}

void
mmr_world_set_antientropy (MmrWorld *w, gint64 interval_us)
{
  g_autofree char *d = mmr_duration_format (interval_us);
  g_autofree char *detail = interval_us > 0
                            ? g_strdup_printf ("antientropy %s", d)
                            : g_strdup ("antientropy off");

  w->config.antientropy_interval_us = MAX (interval_us, 0);
  mmr_world_start_ticks (w);
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
}
