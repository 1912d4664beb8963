/* mmr-gui-bench.h - how long one frame of each drawing view takes
 *
 * `mmr-inspector --bench`: builds a session with 7 replicas and 10,000
 * keys (over 100,000 events), renders each view offscreen and prints the
 * milliseconds per frame. No display needed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The scenario text the benchmark runs. */
char *mmr_gui_bench_scenario (guint n_replicas, guint n_keys);
/* Prints the measurements to stdout; returns the exit status. */
int   mmr_gui_bench_run      (void);

G_END_DECLS
