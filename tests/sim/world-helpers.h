// world-helpers.h - small helpers shared by the simulator tests.
#pragma once

#include <string>
#include <vector>

extern "C" {
#include "sim/checker.h"
#include "sim/trace.h"
#include "sim/view.h"
#include "sim/world.h"
}

// A world with replicas named A, B, C, ... and the given settings.
inline MmrWorld *
make_world (unsigned n, MmrStrategy strategy, MmrClockSource clock,
            guint64 seed = 1, gint64 antientropy_us = 100000,
            MmrGranularity granularity = MMR_GRANULARITY_FIELD)
{
  static const char *names[] = { "A", "B", "C", "D", "E", "F", "G", "H" };
  MmrWorldConfig cfg;

  mmr_world_config_init (&cfg);
  cfg.n_replicas = n;
  for (unsigned i = 0; i < n; i++)
    cfg.names[i] = (char *) names[i];
  cfg.seed = seed;
  cfg.strategy = strategy;
  cfg.clock = clock;
  cfg.granularity = granularity;
  cfg.antientropy_interval_us = antientropy_us;
  return mmr_world_new (&cfg);
}

// What replica r shows for name: "absent", "v" or "{a, b}".
inline std::string
shown (MmrWorld *w, unsigned r, const char *name)
{
  MmrViewEntry *e = mmr_view_lookup (w, r, name);
  char *s = mmr_view_entry_format (e);
  std::string out (s);

  g_free (s);
  mmr_view_entry_free (e);
  return out;
}

inline std::vector<std::string>
differences (MmrWorld *w)
{
  GPtrArray *d = mmr_check_convergence (w);
  std::vector<std::string> out;

  for (guint i = 0; i < d->len; i++)
    out.push_back ((const char *) d->pdata[i]);
  g_ptr_array_unref (d);
  return out;
}

inline std::vector<std::string>
lost (MmrWriteLog *log)
{
  GPtrArray *l = mmr_write_log_dup_lost (log);
  std::vector<std::string> out;

  for (guint i = 0; i < l->len; i++)
    {
      const MmrLostWrite *lw = (const MmrLostWrite *) l->pdata[i];
      out.push_back (std::string (lw->key) + "="
                     + (lw->value ? lw->value : "(deleted)"));
    }
  g_ptr_array_unref (l);
  return out;
}
