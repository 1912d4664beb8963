/* crdt.h - conflict-free replicated data types behind one interface
 *
 * A CRDT is a replicated value whose states form a join semilattice: any
 * two states have a least upper bound, and merge computes it. Because a
 * join is commutative, associative and idempotent, replicas that have seen
 * the same updates hold the same state, whatever order, duplication or
 * grouping the network delivered them in (Shapiro, Preguica, Baquero,
 * Zawirski, "Conflict-free Replicated Data Types", 2011).
 *
 * Every type here is state-based with delta-state replication (Almeida,
 * Shoker, Baquero, "Delta State Replicated Data Types", 2018): a local
 * operation changes the replica's state and returns a delta, a small state
 * of the same type that holds just the operation's effect. Deltas are
 * states, so they merge into full states and into each other (a "delta
 * group") with the same function.
 *
 * The engine treats every type alike through an opaque MmrCrdt:
 *
 *   mmr_crdt_new        an empty state (bottom) owned by replica 0..15
 *   mmr_crdt_apply      run a local operation ("incr", "3"); get the delta
 *   mmr_crdt_apply_at   the same with an explicit timestamp (LWW)
 *   mmr_crdt_merge      join a full state or a delta into a state
 *   mmr_crdt_equal      same lattice state (ignores owner and delta flag)
 *   mmr_crdt_read       the visible value as sorted strings
 *   mmr_crdt_encode     canonical, versioned bytes; mmr_crdt_decode back
 *
 * Operations, by type (argument after the operation name):
 *
 *   gcounter   incr [N]            N a whole number >= 1, default 1
 *   pncounter  incr [N], decr [N]
 *   gset       add ELEMENT
 *   2pset      add ELEMENT, rem ELEMENT     (removed forever)
 *   orset      add ELEMENT, rem ELEMENT     (add wins)
 *   lwwreg     set VALUE           largest (timestamp, replica) wins
 *   mvreg      set VALUE           concurrent values are all kept
 *   ormap      OP FIELD[:TYPE][=ARG]         e.g. ("incr", "likes=3"),
 *              ("set", "name=alice"), ("add", "tags=red"),
 *              ("rem", "tags=red") one element, ("rem", "tags") the field
 *
 * docs/crdts.md teaches each type, with worked examples.
 */
#pragma once

#include <glib.h>

#include "core/version-vector.h"

G_BEGIN_DECLS

#define MMR_CRDT_ERROR (mmr_crdt_error_quark ())
GQuark mmr_crdt_error_quark (void);

typedef enum {
  MMR_CRDT_ERROR_UNKNOWN_TYPE,   /* a type name we do not know */
  MMR_CRDT_ERROR_BAD_OP,         /* the type has no such operation */
  MMR_CRDT_ERROR_BAD_ARGUMENT,   /* the operation's argument is malformed */
  MMR_CRDT_ERROR_OVERFLOW,       /* a count or dot counter would overflow */
  MMR_CRDT_ERROR_TYPE_MISMATCH,  /* merging two different types */
  MMR_CRDT_ERROR_DECODE,         /* bytes truncated, malformed or not canonical */
  MMR_CRDT_ERROR_VERSION,        /* bytes of a format version we do not read */
} MmrCrdtError;

typedef enum {
  MMR_CRDT_GCOUNTER,
  MMR_CRDT_PNCOUNTER,
  MMR_CRDT_GSET,
  MMR_CRDT_TWO_P_SET,
  MMR_CRDT_ORSET,
  MMR_CRDT_LWW_REGISTER,
  MMR_CRDT_MV_REGISTER,
  MMR_CRDT_ORMAP,
  MMR_CRDT_N_TYPES
} MmrCrdtType;

/* The format version of mmr_crdt_encode; the first byte of every encoding. */
#define MMR_CRDT_FORMAT_VERSION 1

/* The largest count one replica may contribute to a counter. Sixteen of
 * them still sum inside a gint64, so reading a counter cannot overflow. */
#define MMR_CRDT_COUNT_MAX (G_MAXINT64 / MMR_MAX_REPLICAS)

/* The timestamp of an LWW write, supplied by the engine (its HLC: ts = l in
 * microseconds, logical = c). Writes are ordered by (ts, logical, replica,
 * value): the replica is the writing state's own replica index, the value
 * (byte order) breaks the last tie so the order is total and merge
 * commutes even if a replica reuses a timestamp. */
typedef struct {
  gint64 ts;
  guint32 logical;
} MmrCrdtStamp;

typedef struct _MmrCrdt MmrCrdt;

/* "gcounter", "pncounter", "gset", "2pset", "orset", "lwwreg", "mvreg",
 * "ormap". */
const char  *mmr_crdt_type_to_string   (MmrCrdtType type);
gboolean     mmr_crdt_type_from_string (const char *name,
                                        MmrCrdtType *out_type,
                                        GError **error);
/* The operation names of @type, NULL-terminated, static. */
const char *const *mmr_crdt_type_get_ops (MmrCrdtType type);

/* An empty state (the lattice's bottom) whose local operations are made by
 * replica @replica (< MMR_MAX_REPLICAS). */
MmrCrdt     *mmr_crdt_new        (MmrCrdtType type, guint replica);
void         mmr_crdt_free       (MmrCrdt *crdt);
MmrCrdt     *mmr_crdt_copy       (const MmrCrdt *crdt);
MmrCrdtType  mmr_crdt_type_of    (const MmrCrdt *crdt);
guint        mmr_crdt_get_replica (const MmrCrdt *crdt);
/* TRUE for a delta or a join of deltas (a delta group); merging a full
 * state into it makes it a full state. */
gboolean     mmr_crdt_is_delta   (const MmrCrdt *crdt);
/* TRUE when merging @crdt into any state changes nothing (bottom): e.g. the
 * delta of removing an element that was not there. Such a delta need not
 * be shipped. */
gboolean     mmr_crdt_is_empty   (const MmrCrdt *crdt);

/* Run the local operation @op with argument @arg (may be NULL) at @crdt's
 * replica. Returns the delta (owned, never NULL on success, possibly
 * empty) or NULL with @error set, leaving @crdt unchanged. An LWW write
 * gets a Lamport timestamp: one more than the largest it has seen. */
MmrCrdt     *mmr_crdt_apply      (MmrCrdt *crdt, const char *op,
                                  const char *arg, GError **error);
/* The same with the engine's timestamp for LWW writes (lwwreg, and lwwreg
 * fields of an ormap); other types ignore @stamp. A write whose stamp is
 * smaller than the visible value's loses: the state does not change, and
 * the delta still carries the losing write (merging it is harmless). */
MmrCrdt     *mmr_crdt_apply_at   (MmrCrdt *crdt, const char *op,
                                  const char *arg, const MmrCrdtStamp *stamp,
                                  GError **error);

/* From now on, every dot a local operation on @crdt issues is above
 * @floor: a restarted replica's dot lease (sync/durability.c). Types
 * without dots ignore it. */
void         mmr_crdt_set_dot_floor (MmrCrdt *crdt, guint32 floor);

/* Join @other (a full state or a delta) into @into. Fails only when the two
 * are different types. Never changes @other. */
gboolean     mmr_crdt_merge      (MmrCrdt *into, const MmrCrdt *other,
                                  GError **error);
/* Same lattice state: ignores the owning replica and the delta flag. */
gboolean     mmr_crdt_equal      (const MmrCrdt *a, const MmrCrdt *b);

/* The visible value, sorted (strcmp), owned strings: counters one decimal
 * string; sets their elements; lwwreg its value (none when never set);
 * mvreg every concurrent value once; ormap one "field=value" per field. */
GPtrArray   *mmr_crdt_read       (const MmrCrdt *crdt);

/* Canonical bytes: equal states of the same kind (full or delta) encode
 * to equal bytes. See docs/crdts.md, "Encoding". */
GBytes      *mmr_crdt_encode     (const MmrCrdt *crdt);
/* Never reads past @bytes; rejects anything mmr_crdt_encode would not
 * produce. The state is owned by replica @replica (usually the receiver). */
MmrCrdt     *mmr_crdt_decode     (GBytes *bytes, guint replica,
                                  GError **error);

/* Bytes of bookkeeping kept beyond the visible value (per-replica counts,
 * dots, causal contexts, timestamps, tombstones), counted at fixed widths:
 * replica 1, dot counter 4, count 8, timestamp 12 (ts + logical). */
gsize        mmr_crdt_metadata_size (const MmrCrdt *crdt);

/* A one-line rendering for traces and failing tests, replicas as letters:
 * "orset{red:[A1,B1]} ctx{A:1, B:1}". */
char        *mmr_crdt_to_string  (const MmrCrdt *crdt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrCrdt, mmr_crdt_free)

G_END_DECLS
