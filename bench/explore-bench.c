/* explore-bench.c - mmr explore's rate against plain runs (explore-bench.h)
 *
 * The two are measured in interleaved rounds and the best of each kept,
 * as engine-bench.c does, in thread CPU time (clock_gettime's
 * CLOCK_THREAD_CPUTIME_ID): on a machine shared with other work the wall
 * clock would measure the neighbours. Taught in docs/benchmarks.md and
 * docs/checking.md ("Exploring").
 */
#include "explore-bench.h"

#include <string.h>
#include <time.h>

#include "explore/explore.h"
#include "scenario/runner.h"

static const char workload[] =
  "replicas A B C\n"
  "antientropy off\n"
  "strategy siblings\n"
  "A put k1 a1\nA put k2 a2\nA put k3 a3\n"
  "B put k1 b1\nB put k2 b2\nB put k3 b3\n"
  "C put k1 c1\nC put k2 c2\nC put k3 c3\n"
  "settle\n"
  "expect converged\n";

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Plain runs of the workload for about as long as one search takes. */
static double
measure_runs (const MmrScript *s, double seconds, guint64 *out_steps)
{
  guint64 steps = 0;
  guint n = 0;
  double start = cpu_seconds (), spent;

  do
    {
      g_autoptr (MmrRunner) r = mmr_runner_new (s, FALSE, 0);

      mmr_runner_run (r);
      *out_steps = mmr_world_get_metrics (mmr_runner_get_world (r))->delivered;
      steps += *out_steps;
      n++;
      spent = cpu_seconds () - start;
    }
  while (spent < seconds || n < 10);
  return (double) steps / spent;
}

static double
measure_explore (const MmrScript *s, MmrExploreResult *res)
{
  double start = cpu_seconds (), spent;

  if (!mmr_explore_run (s, NULL, res, NULL))
    g_assert_not_reached ();
  spent = cpu_seconds () - start;
  g_assert (res->is_complete && !res->has_violation);
  return spent;
}

void
mmr_explore_bench_run (guint rounds, MmrExploreBenchResult *out)
{
  g_autoptr (MmrScript) s = mmr_script_parse ("explore-bench.mmr", workload,
                                              NULL);

  g_assert (s != NULL);
  memset (out, 0, sizeof *out);
  for (guint i = 0; i < rounds; i++)
    {
      MmrExploreResult res;
      double spent = measure_explore (s, &res);
      double runs = measure_runs (s, MIN (spent, 0.5), &out->run_steps);

      out->distinct = res.n_distinct;
      out->explored = res.n_explored;
      out->distinct_per_s = MAX (out->distinct_per_s,
                                 (double) res.n_distinct / spent);
      out->explored_per_s = MAX (out->explored_per_s,
                                 (double) res.n_explored / spent);
      out->run_steps_per_s = MAX (out->run_steps_per_s, runs);
      mmr_explore_result_clear (&res);
    }
  out->ratio = out->distinct_per_s / out->run_steps_per_s;
}
