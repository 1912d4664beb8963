/* cmd-bench.c - "mmr bench": the engine's speed and memory targets
 *
 * Targets (issue 2): >= 1,000,000 remote applies per second on one core,
 * >= 0.2 of the raw GHashTable insert rate, <= 256 bytes per key per
 * replica at 5 replicas. The reference is measured in the same run.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crdt-bench.h"
#include "engine-bench.h"
#include "explore-bench.h"
#include "storage-bench.h"

static const char *
verdict (gboolean ok)
{
  return ok ? "ok" : "MISSED";
}

int
mmr_cmd_bench (int argc, char **argv)
{
  gint keys = 1000000;
  gint rounds = 5;
  gboolean quick = FALSE;
  gboolean skip_crdt = FALSE;
  gboolean skip_storage = FALSE;
  gboolean skip_explore = FALSE;
  g_autofree char *only = NULL;
  gboolean skip_engine = FALSE, skip_durable;
  static const char *const sections[] = { "engine", "durable", "crdt",
                                           "storage", "explore", NULL };
  int crdt_rc = 0;
  GOptionEntry entries[] = {
    { "no-crdt", 0, 0, G_OPTION_ARG_NONE, &skip_crdt,
      "Skip the CRDT throughput benchmark", NULL },
    { "no-storage", 0, 0, G_OPTION_ARG_NONE, &skip_storage,
      "Skip the storage benchmarks (SQLite, replay, Merkle)", NULL },
    { "no-explore", 0, 0, G_OPTION_ARG_NONE, &skip_explore,
      "Skip the mmr explore benchmark", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only,
      "Run one section only: engine, durable, crdt, storage or explore",
      "SECTION" },
    { "keys", 'n', 0, G_OPTION_ARG_INT, &keys,
      "Number of writes (default 1000000)", "N" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "A small run (100000 writes, one round) to check the benchmark "
      "itself", NULL },
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds,
      "Measure reference and engine N times each and keep the best "
      "(default 5)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- measure the engine");
  g_autoptr (GError) error = NULL;
  gboolean progress = isatty (STDERR_FILENO);
  MmrEngineBenchResult r;

  g_option_context_set_summary (ctx,
      "Measures, in one run: raw GHashTable inserts (the reference) and\n"
      "the engine's replicated apply with 5 replicas in full mesh (lww),\n"
      "then prints both rates, their ratio and memory per key per replica;\n"
      "then CRDT throughput, merge time, delta bytes and peak memory.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr bench");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return mmr_cli_usage_error ("bench", error->message);
  if (argc > 1)
    return mmr_cli_usage_error ("bench", "unexpected argument");
  if (quick)
    {
      keys = 100000;
      rounds = 1;
    }
  if (keys < 1000)
    return mmr_cli_usage_error ("bench", "--keys must be at least 1000");
  if (rounds < 1 || rounds > 100)
    return mmr_cli_usage_error ("bench", "--rounds must be 1 to 100");
  if (only != NULL && !g_strv_contains (sections, only))
    return mmr_cli_usage_error ("bench", "--only must be one of engine, "
                                "durable, crdt, storage, explore");
  /* --no-storage covers both SQLite sections; --only names one. */
  skip_durable = skip_storage;
  if (only != NULL)
    {
      skip_engine = strcmp (only, "engine") != 0;
      skip_durable = strcmp (only, "durable") != 0;
      skip_crdt = strcmp (only, "crdt") != 0;
      skip_storage = strcmp (only, "storage") != 0;
      skip_explore = strcmp (only, "explore") != 0;
    }

  if (!skip_engine)
    {
      printf ("engine: %d writes on 5 replicas (full mesh, lww), best of %d "
              "round%s\n", keys, rounds, rounds == 1 ? "" : "s");
      mmr_engine_bench_run ((guint) keys, (guint) rounds, progress, &r);
      printf ("  raw GHashTable inserts      %12.0f /s   (reference)\n",
              r.raw_inserts_per_s);
      printf ("  remote applies              %12.0f /s   %" G_GUINT64_FORMAT
              " applies   target >= 1000000/s: %s\n",
              r.remote_applies_per_s, r.remote_applies,
              verdict (r.remote_applies_per_s >= 1e6));
      if (r.rounds > 1)
        printf ("    (slowest round             %9.0f /s)\n",
                r.slowest_applies_per_s);
      printf ("  ratio to raw inserts        %12.3f      target >= 0.2: %s\n",
              r.ratio, verdict (r.ratio >= 0.2));
      printf ("  memory per key per replica  %12.1f B    target <= 256: %s\n",
              r.bytes_per_key_per_replica,
              verdict (r.bytes_per_key_per_replica <= 256));
      fflush (stdout);
    }
  if (!skip_durable)
    {
      MmrDurableBenchResult d;
      guint n = quick ? 20000 : 100000;

      printf ("\nengine, durable: %u writes on 5 replicas, durability sync, "
              "local batches of 1000 group-committed\n", n);
      fflush (stdout);
      mmr_engine_durable_bench_run (n, progress, &d);
      printf ("  raw SQLite inserts          %12.0f /s   (reference: WAL, "
              "batches of 1000, one prepared statement)\n", d.raw_rows_per_s);
      printf ("  durable replicated apply    %12.0f /s   %" G_GUINT64_FORMAT
              " registers written through\n", d.durable_rows_per_s, d.rows);
      printf ("  ratio to raw inserts        %12.3f      target >= 0.5: %s\n",
              d.ratio, verdict (d.ratio >= 0.5));
      fflush (stdout);
    }
  if (!skip_crdt)
    {
      printf ("\ncrdt: 3 replicas, 100000 operations each\n");
      fflush (stdout);
      crdt_rc = mmr_crdt_bench_run (FALSE);
    }
  if (!skip_storage)
    {
      printf ("\nstorage\n");
      fflush (stdout);
      mmr_storage_bench_run (progress);
    }
  if (!skip_explore)
    {
      MmrExploreBenchResult e;

      printf ("\nexplore: 3 replicas x 3 concurrent writes, anti-entropy off, "
              "every delivery order (CPU time, best of %d)\n", rounds);
      fflush (stdout);
      mmr_explore_bench_run ((guint) rounds, &e);
      printf ("  plain run steps             %12.0f /s   (reference: mmr run "
              "of the same scenario, %" G_GUINT64_FORMAT " steps)\n",
              e.run_steps_per_s, e.run_steps);
      printf ("  explore distinct states     %12.0f /s   %" G_GUINT64_FORMAT
              " distinct   target >= 100000/s: %s\n", e.distinct_per_s,
              e.distinct, verdict (e.distinct_per_s >= 1e5));
      printf ("  explore states reached      %12.0f /s   %" G_GUINT64_FORMAT
              " with repeats\n", e.explored_per_s, e.explored);
      printf ("  ratio to plain run steps    %12.3f\n", e.ratio);
      fflush (stdout);
    }
  /* A benchmark that measured is a success; a CRDT run that did not
   * converge is a bug. */
  return crdt_rc == 0 ? MMR_EXIT_OK : MMR_EXIT_FAILED;
}
