/* convergence-watch.h - do the replicas agree, and since when?
 *
 * The one convergence checker, incremental. mmr_check_convergence
 * (checker.h) is a snapshot of it: "are the replicas equal now", with the
 * differences in words. The inspector's "diverging" count is
 * mmr_convergence_watch_n_diverging of the runner's watch. A report also
 * wants "since when": the figure "converged 120ms after the
 * last heal" is the time from the heal to the moment every replica came
 * to show the same state and kept showing it. The last state change is
 * not that moment: a change a reader cannot see (LWW folding a losing
 * write's dot into the vector) comes after the replicas already agreed,
 * and a run that ends diverged has no such moment at all.
 *
 * The watch observes every register change and keeps, per register, what
 * each replica shows (as a reader sees it, through views), and how many
 * entries (keys, record fields) read differently somewhere. Crashes,
 * restarts and setting changes (a strategy switch changes how siblings
 * read) rebuild it from scratch.
 *
 * Interface: mmr_convergence_watch_new / _new_snapshot / _free,
 * _since_us, _n_diverging, _dup_diffs.
 * Invariants: _n_diverging (w) is the number of lines _dup_diffs (w)
 * returns, and these lines are exactly those of a from-scratch comparison
 * of every replica's view; _since_us (w) >= 0 exactly when _n_diverging
 * (w) is 0 (tests/sim/convergence-watch-test.cc checks both after every
 * event of every example and lab).
 * Taught in docs/architecture.md (step 10, "Check").
 */
#pragma once

#include <glib.h>

#include "sim/world.h"

G_BEGIN_DECLS

typedef struct _MmrConvergenceWatch MmrConvergenceWatch;

/* Subscribes to @world; free before the world. */
MmrConvergenceWatch *mmr_convergence_watch_new  (MmrWorld *world);
/* @world as it is now, not followed afterwards: reads every register of
 * every replica once. */
MmrConvergenceWatch *mmr_convergence_watch_new_snapshot (const MmrWorld *world);
void                 mmr_convergence_watch_free (MmrConvergenceWatch *watch);
/* The virtual time since which every replica has shown the same state;
 * -1 while two replicas differ. (A snapshot knows only "now".) */
gint64 mmr_convergence_watch_since_us (const MmrConvergenceWatch *watch);
/* How many entries (a key, or a record's field) read differently at some
 * replica now; costs nothing (kept up to date at every change). */
guint  mmr_convergence_watch_n_diverging (const MmrConvergenceWatch *watch);
/* One line per differing entry, sorted by entry name, owned:
 * "cart: A=milk B={eggs, milk} C=absent". Empty when they agree. */
GPtrArray *mmr_convergence_watch_dup_diffs (const MmrConvergenceWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrConvergenceWatch, mmr_convergence_watch_free)

G_END_DECLS
