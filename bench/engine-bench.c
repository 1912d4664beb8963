/* engine-bench.c - how fast is replication compared with a hash table?
 *
 * Reference: inserting N string keys with string values into a GHashTable
 * - the least a replica must do per write. Engine: 5 replicas in full
 * mesh, strategy lww, anti-entropy off, N writes spread over the replicas,
 * each pushed to the 4 peers: 4N remote applies, each a decode, a clock
 * update, a register merge and a trace event. Both are timed in the same
 * process, so the ratio means something on any machine.
 *
 * Memory is measured with mallinfo2 (bytes in use by malloc) before and
 * after the engine run, divided by keys x replicas.
 */
#include "engine-bench.h"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "sim/world.h"

static void
progress_line (gboolean progress, const char *what, guint done, guint total)
{
  if (!progress)
    return;
  fprintf (stderr, "\r  %-28s %3u%%", what, total ? done * 100 / total : 100);
  if (done == total)
    fputc ('\n', stderr);
}

static double
raw_hash_rate (guint n, gboolean progress)
{
  GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         g_free);
  gint64 start = g_get_monotonic_time ();
  double secs;

  for (guint i = 0; i < n; i++)
    {
      g_hash_table_insert (t, g_strdup_printf ("k%u", i),
                           g_strdup_printf ("v%u", i));
      if (i % 100000 == 0)
        progress_line (progress, "raw GHashTable inserts", i, n);
    }
  secs = (double) (g_get_monotonic_time () - start) / 1e6;
  progress_line (progress, "raw GHashTable inserts", n, n);
  g_hash_table_unref (t);
  return (double) n / secs;
}

void
mmr_engine_bench_run (guint n, gboolean progress, MmrEngineBenchResult *out)
{
  static const char *const names[] = { "A", "B", "C", "D", "E" };
  MmrWorldConfig cfg;
  MmrWorld *w;
  struct mallinfo2 before, after;
  gint64 start;
  double secs;
  char key[32], value[32];
  const guint batch = 1000;

  out->n_keys = n;
  out->n_replicas = 5;
  out->raw_inserts_per_s = raw_hash_rate (n, progress);

  mmr_world_config_init (&cfg);
  cfg.n_replicas = 5;
  for (guint i = 0; i < 5; i++)
    cfg.names[i] = (char *) names[i];
  cfg.strategy = MMR_STRATEGY_LWW;
  cfg.antientropy_interval_us = 0;
  before = mallinfo2 ();
  start = g_get_monotonic_time ();
  w = mmr_world_new (&cfg);
  for (guint i = 0; i < n; i++)
    {
      g_snprintf (key, sizeof key, "k%u", i);
      g_snprintf (value, sizeof value, "v%u", i);
      mmr_world_put (w, i % 5, key, NULL, value);
      if ((i + 1) % batch == 0)
        {
          mmr_world_run_until (w, mmr_world_now (w) + 20000);
          if ((i + 1) % 100000 == 0)
            progress_line (progress, "replicated apply (5 replicas)", i + 1, n);
        }
    }
  mmr_world_run_until (w, mmr_world_now (w) + 1000000);
  secs = (double) (g_get_monotonic_time () - start) / 1e6;
  progress_line (progress, "replicated apply (5 replicas)", n, n);
  after = mallinfo2 ();
  out->remote_applies = mmr_world_get_metrics (w)->delivered;
  out->remote_applies_per_s = (double) out->remote_applies / secs;
  out->ratio = out->remote_applies_per_s / out->raw_inserts_per_s;
  out->bytes_per_key_per_replica =
      (double) (after.uordblks - before.uordblks) / ((double) n * 5.0);
  mmr_world_free (w);
}
