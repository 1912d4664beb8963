/* shrink.h - cut a failing scenario down to a minimal reproduction
 *
 * Taught in docs/checking.md ("Shrinking").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Replaces (or adds) the scenario's "seed" line: the text then reproduces
 * the run as is. Owned. */
char *mmr_shrink_set_seed (const char *text, guint64 seed);

/* Does @text still fail? (The scenario shrinker's answer: it parses, runs
 * within its bound, and breaks the same invariant with the same seed.) */
typedef gboolean (*MmrShrinkFunc) (const char *text, gpointer user_data);

/* The algorithm alone, with any @fails: steps 1-5 of shrink.c over @text
 * (whose "replicas" and "seed" lines and last two lines are kept). */
char *mmr_shrink_text (const char *text, MmrShrinkFunc fails,
                       gpointer user_data, guint max_runs, guint *out_runs);

/* Shrinks @text, which fails @invariant under @seed, to a smaller text
 * that still fails the SAME invariant under the same seed: fewer lines
 * (delta debugging, keeping the final heal + settle), fewer replicas,
 * shorter durations. Tries at most @max_runs candidates. Returns the
 * smallest text found (owned; @text itself, with its seed line, when
 * nothing smaller fails); @out_runs (may be NULL) gets the runs made. */
char *mmr_shrink_scenario (const char *text, guint64 seed,
                           const char *invariant, guint max_runs,
                           guint *out_runs);

G_END_DECLS
