/* convergence-watch.h - since when have the replicas agreed?
 *
 * mmr_check_convergence (checker.h) answers "are the replicas equal now".
 * A report also wants "since when": the figure "converged 120ms after the
 * last heal" is the time from the heal to the moment every replica came
 * to show the same state and kept showing it. The last state change is
 * not that moment: a change a reader cannot see (LWW folding a losing
 * write's dot into the vector) comes after the replicas already agreed,
 * and a run that ends diverged has no such moment at all.
 *
 * The watch observes every register change and keeps, per register, what
 * each replica shows (as a reader sees it, through views), and how many
 * registers differ. Crashes, restarts and setting changes (a strategy
 * switch changes how siblings read) rebuild it from scratch.
 *
 * Interface: mmr_convergence_watch_new / _free, _since_us.
 * Invariant: _since_us (w) >= 0 exactly when mmr_check_convergence (world)
 * is empty (tests/scenario/report-test.cc checks it on every example).
 * Taught in docs/architecture.md (step 10, "Check").
 */
#pragma once

#include <glib.h>

#include "sim/world.h"

G_BEGIN_DECLS

typedef struct _MmrConvergenceWatch MmrConvergenceWatch;

/* Subscribes to @world; free before the world. */
MmrConvergenceWatch *mmr_convergence_watch_new  (MmrWorld *world);
void                 mmr_convergence_watch_free (MmrConvergenceWatch *watch);
/* The virtual time since which every replica has shown the same state;
 * -1 while two replicas differ. */
gint64 mmr_convergence_watch_since_us (const MmrConvergenceWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrConvergenceWatch, mmr_convergence_watch_free)

G_END_DECLS
