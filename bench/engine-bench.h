/* engine-bench.h - replicated apply vs raw hash-table inserts */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint n_keys;              /* writes in the engine run, keys in the raw run */
  guint n_replicas;
  double raw_inserts_per_s;
  double remote_applies_per_s;
  double ratio;              /* remote applies / raw inserts */
  double bytes_per_key_per_replica;
  guint64 remote_applies;
} MmrEngineBenchResult;

/* @progress: print progress to stderr (only when it is a terminal). */
void mmr_engine_bench_run (guint n_keys, gboolean progress,
                           MmrEngineBenchResult *out);

G_END_DECLS
