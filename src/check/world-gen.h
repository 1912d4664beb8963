/* world-gen.h - random worlds, written as scenario text
 *
 * mmr check --random draws each world from one seed and writes it as an
 * ordinary scenario, so every failure is a file a student can open, run
 * and edit. The same seed always gives the same text.
 *
 * Taught in docs/checking.md ("Random worlds").
 */
#pragma once

#include <glib.h>

#include "store/register.h"

G_BEGIN_DECLS

typedef struct {
  guint min_replicas;       /* 2..5 */
  guint max_replicas;
  gboolean fixed_strategy;  /* use @strategy for every world */
  MmrStrategy strategy;
} MmrWorldGenOptions;

void  mmr_world_gen_options_init (MmrWorldGenOptions *o);
/* A scenario (owned text) with a "seed @seed" line, ending in heal then
 * settle. */
char *mmr_world_gen_scenario (guint64 seed, const MmrWorldGenOptions *o);

G_END_DECLS
