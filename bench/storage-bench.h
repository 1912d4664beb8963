/* storage-bench.h - durable stores, the run recorder and Merkle trees,
 * each measured against a reference in the same run
 *
 * Prints, with the target of issue 5 beside each number:
 *   1. raw SQLite inserts (WAL, batches, one prepared statement) vs the
 *      durable store's save_register into 5 stores in batches of 1000:
 *      the ratio of their rates (target >= 0.5);
 *   2. the cost of recording a run (CPU time with the recorder over CPU
 *      time without; target ~3x at most);
 *   3. rebuilding the state at an instant of a 1,000,000-event recorded
 *      run, snapshot plus tail (target < 50 ms);
 *   4. bytes to repair 100,000 keys on 3 stores with 1% diverged: full
 *      state exchange, digest exchange, Merkle exchange (target: merkle
 *      <= 3% of full).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @progress: print progress to stderr. */
void mmr_storage_bench_run (gboolean progress);

G_END_DECLS
