/* crdt-bench.h - CRDT throughput, delta traffic and merge speed
 *
 * Three replicas each run the same number of operations concurrently
 * (no exchange while they work), on four workloads: G-Counter and
 * PN-Counter increments, OR-Set adds with 10% removes, and OR-Map field
 * writes over 10,000 keys. Then every replica merges the others' full
 * states, copies of them merge the others' deltas instead, and all must
 * agree. A raw GHashTable insert rate measured in the same run is the
 * reference the rates are compared with.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *name;            /* "gcounter incr", ... */
  guint n_ops;                 /* operations per replica */
  double ops_per_s;            /* local operations, delta included */
  double delta_bytes_per_op;   /* encoded delta size, averaged */
  double delta_merges_per_s;   /* decode + merge of shipped deltas */
  double full_merge_ms;        /* merging the three full states */
  double merged_ops_per_s;     /* remote operations absorbed per second of
                                * full merge: 6 n_ops / full_merge_ms */
  guint64 full_state_bytes;    /* the converged state, encoded */
  gboolean converged;          /* full merges agree, and agree with the
                                * delta path, and the value is right */
} MmrCrdtBenchWorkload;

enum { MMR_CRDT_BENCH_N_WORKLOADS = 4 };

typedef struct {
  double ref_inserts_per_s;    /* GHashTable string inserts, same count */
  MmrCrdtBenchWorkload w[MMR_CRDT_BENCH_N_WORKLOADS];
  glong peak_rss_kib;          /* getrusage ru_maxrss */
} MmrCrdtBenchResult;

/* Runs the workloads with @n_ops operations per replica. */
void mmr_crdt_bench_measure (guint n_ops, MmrCrdtBenchResult *out);

/* Measures with 100,000 operations per replica and prints a table and
 * the targets (unless @quiet). Returns 0 when every workload converged,
 * 1 otherwise; a missed speed target is reported but is not a failure,
 * since it depends on the machine. */
int  mmr_crdt_bench_run     (gboolean quiet);

G_END_DECLS
