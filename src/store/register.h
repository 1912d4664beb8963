/* register.h - one replicated register: the versions of one key (or field)
 *
 * A register is what a replica stores for one key (granularity "record") or
 * one field of a record (granularity "field"). It is a dotted version
 * vector set (Preguica et al. 2010; Almeida et al., "Scalable and Accurate
 * Causality Tracking for Eventually Consistent Stores", 2014):
 *
 *   vv        everything this replica has seen of the register, as a
 *             version vector;
 *   siblings  the versions still visible, each named by the dot of the
 *             write that made it.
 *
 * Invariants of one register, asserted after every local write, merge
 * and switch to lww, in every build (g_assert):
 *   - no two siblings share a dot: a dot names one write;
 *   - siblings are kept sorted by dot (replica, counter), so that equal
 *     states encode to equal bytes;
 *   - vv covers every sibling's dot: a replica holds only what it has
 *     seen;
 *   - with strategy LWW there is at most one sibling;
 *   - no sibling: @siblings is NULL; one: it is @one (see below);
 *   - the siblings are a function of vv: two registers of the same key
 *     with equal version vectors hold the same siblings, wherever they
 *     are (asserted on a merge of two such). Anti-entropy by digest
 *     relies on it (equal vectors, nothing to send). It holds while one
 *     family of strategy is in force - LWW keeps the LWW-largest write of
 *     vv, siblings and merge keep the writes of vv that no write of vv
 *     replaced - and stops holding once the world switches between lww
 *     and siblings/merge with registers in existence
 *     (policy->is_switched; docs/conflicts.md, "Switching strategy
 *     mid-run"): then anti-entropy compares whole registers instead.
 *
 * What a merge of incoming I into local M must leave, checked after every
 * merge in debug and debugoptimized builds (compiled out in release,
 * where meson defines NDEBUG; DOC: merge-postcondition in register.c):
 *   - siblings and merge: a version survives exactly when every side that
 *     has seen its dot still holds it. The dots kept are those of M that
 *     I has not seen or still holds, and those of I that M has not seen
 *     or still holds: a version a side saw and wrote over never comes
 *     back, and a version a side never saw is never dropped;
 *   - LWW: the one version kept is the LWW-largest of all that M and I
 *     held (none when neither held one).
 * Together these make the siblings pairwise concurrent - none was
 * written by someone who had seen another, or that one would have been
 * replaced. The register keeps no per-sibling context, so that property
 * itself cannot be checked from its state; it is what the rules above
 * are for.
 *
 * Merging two registers is a join in a lattice, so it is commutative,
 * associative and idempotent: that is what makes duplicated, reordered and
 * repeated messages harmless (docs/conflicts.md, "Why merge is safe").
 *
 * Taught in docs/conflicts.md and labs 03, 05 and 07.
 */
#pragma once

#include <glib.h>

#include "core/clock.h"
#include "core/event.h"
#include "core/version-vector.h"

G_BEGIN_DECLS

typedef enum {
  MMR_STRATEGY_LWW,
  MMR_STRATEGY_SIBLINGS,
  MMR_STRATEGY_MERGE,      /* siblings kept, read through a merge function */
} MmrStrategy;

/* How a write with a client's context decides which siblings it saw.
 *   VV       the context is a version vector of the whole key: it covers
 *            the siblings only if it covers everything the replica has
 *            seen, else the write supersedes nothing (Riak's classic
 *            vclocks: stale contexts pile up siblings - sibling explosion)
 *   DVV      dotted version vectors: each sibling is named by its dot, and
 *            the write supersedes exactly the siblings whose dots the
 *            context covers (Preguica et al. 2010)
 *   HISTORY  causal histories: the context is the explicit set of write
 *            ids seen; it decides exactly like DVV (a DVV is its compact
 *            form), but metadata is accounted as the whole set. */
typedef enum {
  MMR_CAUSALITY_VV,
  MMR_CAUSALITY_DVV,
  MMR_CAUSALITY_HISTORY,
} MmrCausality;

typedef struct {
  MmrDot dot;          /* the write that made this version */
  gint64 ts;           /* LWW timestamp from the scenario's clock source */
  guint32 ts_logical;  /* second LWW component (the HLC counter) */
  MmrHlc hlc;          /* the writer's HLC at the write, for the trace */
  char *value;         /* owned; NULL for a tombstone */
} MmrVersion;

/* Where the siblings live: a lone sibling - always the case under LWW -
 * is kept in @one, inside the register, so that the commonest register
 * costs one allocation fewer; two or more are an owned array. (A decoded
 * message's registers point into the message's storage instead, and are
 * never freed one by one.) Resize with mmr_register_reset_siblings, never
 * by assigning @siblings, and never copy a register by assignment: the
 * copy's @siblings would point at the original's @one. */
typedef struct {
  MmrVersionVector vv;
  guint n_siblings;
  MmrVersion *siblings;   /* n_siblings versions: &one, an array, or NULL */
  MmrVersion one;
} MmrRegister;

/* What one merge did, for the trace. Arrays are owned by the result. */
typedef struct {
  gboolean changed;            /* the register's state differs from before */
  gboolean conflict;           /* concurrent versions met */
  MmrResolveRule rule;
  GArray *met;                 /* MmrEventVersion: the versions that met;
                                * their values are owned copies; NULL
                                * until a conflict */
  GArray *kept;                /* MmrDot: the surviving siblings; NULL
                                * until a conflict */
} MmrMergeResult;

/* Strategy and tie-break order, shared by every register of a replica. */
typedef struct {
  MmrStrategy strategy;
  MmrCausality causality;
  const char *const *names;    /* replica names, for the LWW tie-break */
  /* The world switched between lww and siblings/merge while registers
   * existed: equal version vectors no longer imply equal siblings, so the
   * merge does not assert it (see the invariants above). */
  gboolean is_switched;
} MmrMergePolicy;

MmrRegister *mmr_register_new   (void);
void         mmr_register_free  (MmrRegister *reg);
/* Frees what the register owns (its siblings), not the register itself:
 * for registers that live inside something else (the store). */
void         mmr_register_clear (MmrRegister *reg);
MmrRegister *mmr_register_copy  (const MmrRegister *reg);
/* Copies @reg into @dst, an empty (zeroed) register that lives inside
 * something else (a store's arena): vv and deep copies of the siblings. */
void         mmr_register_copy_to (const MmrRegister *reg, MmrRegister *dst);
/* Drops every sibling and makes room for @n zeroed ones (value NULL),
 * returned; n_siblings becomes @n. */
MmrVersion  *mmr_register_reset_siblings (MmrRegister *reg, guint n);
/* Exchanges the contents of @a and @b. */
void         mmr_register_swap  (MmrRegister *a, MmrRegister *b);
void         mmr_version_clear  (MmrVersion *v);
void         mmr_version_copy   (MmrVersion *dst, const MmrVersion *src);

/* A write made at replica @replica. With @context NULL the writer is the
 * replica itself, which has seen every sibling: the write replaces them
 * all (siblings), or competes with the visible ones by timestamp (LWW: a
 * write with a smaller timestamp than the LWW-largest visible version is
 * acknowledged but discarded - the silent loss LWW is known for; a write
 * that wins supersedes every visible version it saw, each listed). With a
 * client's
 * @context, only the siblings the context saw (by policy->causality) are
 * replaced; the others stay beside the new version: a conflict.
 * The superseded dots are appended to @superseded. Returns TRUE if the
 * new version is now visible.
 * The write's dot is (@replica, version_template->dot.counter) when that
 * counter is non-zero - the replica issues its counters itself, above
 * its lease after a restart (sync/durability.c) - and must then exceed
 * what the register's vector holds for @replica; a zero counter takes the
 * next one after it. */
gboolean mmr_register_local_write (MmrRegister *reg,
                                   const MmrMergePolicy *policy,
                                   guint replica,
                                   const MmrVersion *version_template,
                                   const MmrVersionVector *context,
                                   MmrDot *out_dot,
                                   GArray *superseded,
                                   MmrMergeResult *result);

/* Joins @incoming (a copy of another replica's register, or the state of a
 * single write: its context vv plus one sibling) into @reg. Under LWW the
 * register keeps the LWW-largest of its version and every version
 * @incoming holds, however many (a message sent before a switch to lww
 * may carry siblings): the same result in any order of delivery. */
void mmr_register_merge (MmrRegister *reg,
                         const MmrMergePolicy *policy,
                         const MmrRegister *incoming,
                         MmrMergeResult *result);

/* A switch to strategy lww: keeps only the LWW-largest sibling, as a merge
 * of the siblings with each other would. Returns TRUE when it discarded
 * any; @result then holds the conflict (every sibling met, the winner
 * kept) for the trace. Does nothing to a register of one sibling or none. */
gboolean mmr_register_resolve_lww (MmrRegister *reg,
                                   const MmrMergePolicy *policy,
                                   MmrMergeResult *result);

/* LWW order: compares (ts, ts_logical, replica name). */
int  mmr_version_lww_compare (const MmrVersion *a, const MmrVersion *b,
                              const char *const *names);

/* TRUE when @a and @b hold the same dots in the same (sorted) order. After
 * a switch of strategy equal vectors may hold different siblings, so the
 * merge's assertion and a full anti-entropy exchange compare dots too. */
gboolean mmr_register_same_dots (const MmrRegister *a, const MmrRegister *b);
/* TRUE when every sibling is a tombstone (or there are none): the key reads
 * as absent. */
gboolean mmr_register_is_absent (const MmrRegister *reg);
/* Sorted, de-duplicated visible values (tombstones excluded); borrowed
 * strings in a new array. */
GPtrArray *mmr_register_visible_values (const MmrRegister *reg);

void mmr_merge_result_init  (MmrMergeResult *r);
void mmr_merge_result_clear (MmrMergeResult *r);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrRegister, mmr_register_free)

G_END_DECLS
