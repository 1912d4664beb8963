/* engine-bench.h - replicated apply vs raw hash-table inserts */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Rates are the best of the rounds (see engine-bench.c). */
typedef struct {
  guint n_keys;              /* writes in the engine run, keys in the raw run */
  guint n_replicas;
  guint rounds;
  double raw_inserts_per_s;
  double remote_applies_per_s;
  double slowest_applies_per_s;
  double ratio;              /* remote applies / raw inserts */
  double bytes_per_key_per_replica;
  guint64 remote_applies;    /* per round */
} MmrEngineBenchResult;

/* The engine's durable replicated apply: @n_writes writes on 5 replicas
 * with durability sync, local batches of 1,000 group-committed; every
 * replica writes every register through to its SQLite database. Compared
 * with raw SQLite inserts (WAL, batched transactions, one prepared
 * statement) measured in the same run. */
typedef struct {
  double raw_rows_per_s;
  double durable_rows_per_s;     /* registers written, all replicas */
  double ratio;
  guint64 rows;
} MmrDurableBenchResult;

void mmr_engine_durable_bench_run (guint n_writes, gboolean progress,
                                   MmrDurableBenchResult *out);

/* @rounds: how many times the reference and the engine are each run.
 * @progress: print progress to stderr (only when it is a terminal). */
void mmr_engine_bench_run (guint n_keys, guint rounds, gboolean progress,
                           MmrEngineBenchResult *out);

G_END_DECLS
