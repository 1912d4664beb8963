/* world-config.c - the world's starting configuration
 *
 * An MmrWorldConfig is what a world is built from: the replicas' names,
 * the one seed, the conflict strategy, the LWW timestamp source, the
 * storage granularity, the link model every link starts with and the
 * anti-entropy interval. The scenario parser fills one from a scenario's
 * header; tests and benchmarks fill one by hand.
 *
 * Interface:
 *   mmr_world_config_init()   the defaults below, no replicas yet
 *   mmr_world_config_clear()  frees the names; the struct can be reused
 *
 * The defaults are the ones a scenario gets when its header is silent, so
 * docs/scenario-language.md lists them: seed 1, strategy lww, clock hlc,
 * granularity field, the default link (mmr_link_model_init: 10ms, no
 * faults) and anti-entropy every 100ms. Changing one changes every
 * scenario that relies on it, and the recorded traces with it.
 *
 * Taught in docs/architecture.md and docs/scenario-language.md.
 */
#include "sim/world.h"

#include <string.h>

void
mmr_world_config_init (MmrWorldConfig *cfg)
{
  g_return_if_fail (cfg != NULL);

  memset (cfg, 0, sizeof *cfg);
  cfg->n_replicas = 0;
  cfg->seed = 1;
  cfg->strategy = MMR_STRATEGY_LWW;
  cfg->clock = MMR_CLOCK_HLC;
  cfg->granularity = MMR_GRANULARITY_FIELD;
  mmr_link_model_init (&cfg->link);
  cfg->antientropy_interval_us = 100000;
  cfg->causality = MMR_CAUSALITY_VV;
  cfg->merge = NULL;
  cfg->durability = MMR_DURABILITY_NONE;
  cfg->data_dir = NULL;
  cfg->flush_interval_us = 50000;
}

/* Frees only what the config owns (the names) and leaves the settings,
 * so clearing twice is harmless. */
void
mmr_world_config_clear (MmrWorldConfig *cfg)
{
  g_return_if_fail (cfg != NULL);

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    g_clear_pointer (&cfg->names[i], g_free);
  g_clear_pointer (&cfg->merge, g_free);
  g_clear_pointer (&cfg->data_dir, g_free);
  cfg->n_replicas = 0;
}
