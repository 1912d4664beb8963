/* explore.h - every delivery order of a small scenario (mmr explore)
 *
 * Where `mmr run` follows the one schedule its seed draws, the explorer
 * follows them all: at every point where the scenario lets time pass
 * ('run', 'settle') any message in flight may be delivered next, lost
 * (when the link has loss) or delivered twice (when it has duplication).
 * Each distinct state is expanded once (states are hashed), every
 * 'expect' is checked on every path that reaches it, and every end state
 * is checked against the invariants. A violation comes back as a
 * scenario with an explicit delivery order that `mmr run` replays.
 *
 * Taught in docs/checking.md ("Exploring").
 */
#pragma once

#include <glib.h>

#include "scenario/script.h"

G_BEGIN_DECLS

#define MMR_EXPLORE_ERROR (mmr_explore_error_quark ())
GQuark mmr_explore_error_quark (void);

typedef enum {
  MMR_EXPLORE_ERROR_UNSUPPORTED,   /* "FILE:LINE:COL: explore ..." */
} MmrExploreError;

/* The default bound on distinct states (--max-states). */
#define MMR_EXPLORE_DEFAULT_MAX_STATES 1000000

typedef struct {
  guint64 max_states;       /* stop after this many distinct states */
} MmrExploreOptions;

typedef struct {
  guint64 n_explored;       /* states reached, counting repeats */
  guint64 n_distinct;       /* distinct states (each expanded once) */
  guint64 n_end_states;     /* distinct states where the script ended */
  guint max_depth;          /* longest path, in steps, from the start */
  gboolean is_complete;     /* FALSE: stopped at max_states */
  /* The first violation found (has_violation), else all NULL / 0. */
  gboolean has_violation;
  char *check;              /* "expect" or the invariant's name */
  guint line;               /* the expect's line; 0 for an invariant */
  char *text;               /* the expect as written, or what must hold */
  char *message;            /* what was found */
  guint depth;              /* steps from the start to the violation */
  char *schedule;           /* a scenario replaying it (delivery manual) */
} MmrExploreResult;

/* FALSE with @error (MMR_EXPLORE_ERROR_UNSUPPORTED, "FILE:LINE:COL: ...")
 * when @script uses what explore cannot search: anti-entropy (its timers
 * never stop), durability (databases) or CRDT keys. */
gboolean mmr_explore_supports (const MmrScript *script, GError **error);
/* Searches every schedule of @script; FALSE with @error only when the
 * script is not supported. A violation is a result, not an error. */
gboolean mmr_explore_run (const MmrScript *script,
                          const MmrExploreOptions *options,
                          MmrExploreResult *result, GError **error);
void     mmr_explore_result_clear (MmrExploreResult *result);

G_END_DECLS
