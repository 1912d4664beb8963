/* invariants.h - safety properties checked on every run, from their definitions
 *
 * An MmrInvariants watches one run: it subscribes to the world's events and
 * change notifications and, at the end, reads the replicas' final state
 * through the world's read-only accessors. It computes every answer itself,
 * from the definitions in the docs, and never asks the engine's functions
 * that compute the same thing (version-vector compare, the convergence
 * checker, CRDT merges, views): a checker that shares the engine's code
 * shares its bugs. Each invariant has a stable name printed in reports:
 *
 *   convergence         after heal + settle every replica holds the same
 *                       registers (dots, values, tombstones, vv) and CRDTs
 *   unique-dot          a dot never names two different writes
 *   no-lost-write       siblings/merge (never lww) lose no acknowledged
 *                       write; durability sync keeps them across crashes
 *   lost-writes-report  the engine's lost writes equal a recomputation
 *   crdt-spec           CRDT values equal a sequential specification
 *   vector-clock        event vector clocks obey their laws
 *   version-vector      version vectors never go backwards; dot = vv[R]
 *   hlc                 HLC monotonic per replica, never ahead of physical
 *                       time
 *   conflict            a CONFLICT's versions were written concurrently; a
 *                       lww-rejected-newer RESOLVE discarded a write that
 *                       had seen the kept one
 *
 * docs/checking.md gives each definition exactly; mmr check (campaign.h)
 * runs them over many seeds, mmr explore over every delivery order.
 */
#pragma once

#include <glib.h>

#include "scenario/script.h"
#include "sim/checker.h"
#include "sim/world.h"

G_BEGIN_DECLS

#define MMR_INV_CONVERGENCE "convergence"
#define MMR_INV_UNIQUE_DOT "unique-dot"
#define MMR_INV_NO_LOST_WRITE "no-lost-write"
#define MMR_INV_LOST_WRITES_REPORT "lost-writes-report"
#define MMR_INV_CRDT_SPEC "crdt-spec"
#define MMR_INV_VECTOR_CLOCK "vector-clock"
#define MMR_INV_VERSION_VECTOR "version-vector"
#define MMR_INV_HLC "hlc"
#define MMR_INV_CONFLICT "conflict"

/* How far a restart may start a replica's HLC past every physical clock
 * reading: one clock lease (docs/storage.md: a restarted replica stamps
 * at its clock lease, renewed 100 ms of clock ahead). Each restart of the
 * run may add one lease; the hlc invariant allows exactly that. */
#define MMR_CHECK_CLOCK_LEASE_US (100 * 1000)

/* One broken invariant: its name, the first event where it was seen
 * broken (for end-of-run checks, the last event of the run) and what was
 * found, in words. */
typedef struct {
  char *invariant;
  guint64 seq;
  gint64 time_us;
  char *message;
} MmrViolation;

void mmr_violation_free (MmrViolation *v);

typedef struct _MmrInvariants MmrInvariants;

/* Watches @world from now on (@world may be NULL: then events are fed by
 * hand with mmr_invariants_observe, as the checker's own tests do, and
 * nothing reads state). Free before the world. */
MmrInvariants *mmr_invariants_new  (MmrWorld *world);
void           mmr_invariants_free (MmrInvariants *inv);

/* Checks one event against the event laws (unique-dot, vector-clock,
 * version-vector, hlc) and records what the end-of-run checks need. The
 * world observer calls this; tests call it with doctored events. */
void mmr_invariants_observe (MmrInvariants *inv, const MmrEvent *ev);
/* Tells the checker which command the runner is about to execute: client
 * contexts and CRDT types come from commands, not events. */
void mmr_invariants_note_command (MmrInvariants *inv, const MmrCommand *c);
/* A register of @replica changed (the world's change observer calls it):
 * checks its version vector did not go backwards and its versions name
 * the writes their dots were issued for, and snapshots it for the
 * lost-write recomputation. */
void mmr_invariants_register_changed (MmrInvariants *inv, guint replica,
                                      const char *name,
                                      const MmrRegister *reg);

/* The end-of-run checks against the world's final state. @settled: the
 * run ended with heal + a settle that reached quiescence with
 * anti-entropy on and every replica up, so convergence is owed.
 * @reported_lost: the engine's MmrLostWrite list, the thing checked. */
void mmr_invariants_finish (MmrInvariants *inv, const MmrWorld *world,
                            gboolean settled, const GPtrArray *reported_lost);

/* The end-of-run checks one at a time, on state given explicitly (the
 * tests doctor it). @stores has one store per replica. */
void mmr_invariants_check_registers (MmrInvariants *inv, guint n_replicas,
                                     const char *const *names,
                                     const MmrStore *const *stores);
void mmr_invariants_check_lost (MmrInvariants *inv, guint n_replicas,
                                const MmrStore *const *stores,
                                const GPtrArray *reported_lost,
                                gboolean strategy_was_lww);
/* @values: what mmr_crdt_read shows for @key (sorted strings). */
void mmr_invariants_check_crdt (MmrInvariants *inv, const char *key,
                                MmrCrdtType type, const GPtrArray *values);

/* MmrViolation*, borrowed, in the order found; at most one per invariant
 * (the first), so a broken law does not drown the others. */
const GPtrArray *mmr_invariants_get_violations (const MmrInvariants *inv);
/* The first violation of @invariant, or NULL. */
const MmrViolation *mmr_invariants_find (const MmrInvariants *inv,
                                         const char *invariant);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrInvariants, mmr_invariants_free)

G_END_DECLS
