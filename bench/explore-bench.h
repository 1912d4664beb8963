/* explore-bench.h - how fast mmr explore searches (issue 10's target)
 *
 * The workload: 3 replicas, each writing 3 keys at the same instant
 * (k1, k2, k3: every key written concurrently at every replica), anti-
 * entropy off, one settle: 18 pushes in flight on 6 FIFO links. mmr
 * explore searches every delivery order (27,509 distinct states). The
 * reference, measured in the same run, is the plain run of the same
 * scenario (mmr run): world steps per second, each step a new state.
 * Both are timed in thread CPU time, so a loaded machine slows neither.
 * Target: >= 100,000 distinct states per second on one core.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double run_steps_per_s;       /* plain runs: world steps per CPU second */
  guint64 run_steps;            /* steps in one plain run */
  double distinct_per_s;        /* explore: distinct states per CPU second */
  double explored_per_s;        /* explore: states reached, repeats too */
  guint64 distinct;             /* distinct states of the search */
  guint64 explored;
  double ratio;                 /* distinct_per_s / run_steps_per_s */
} MmrExploreBenchResult;

/* Best of @rounds rounds of each, interleaved. */
void mmr_explore_bench_run (guint rounds, MmrExploreBenchResult *out);

G_END_DECLS
