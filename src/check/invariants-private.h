/* invariants-private.h - what invariants.c (the event laws) and
 * invariants-end.c (the end-of-run checks) share. Not for other files. */
#pragma once

#include "check/invariants.h"

/* One acknowledged write, as its WRITE/DELETE event announced it. */
typedef struct {
  guint replica;
  char *key;
  char *value;          /* NULL: a delete */
  MmrDot dot;
  guint64 seq;
  gint64 time_us;
  gboolean durable;     /* made under durability sync */
  gboolean crashed_after;   /* its replica crashed after it */
  MmrVersionVector vv;  /* its register's vv right after it: what it saw */
} CheckWrite;

/* One acknowledged CRDT operation (an OP event). */
typedef struct {
  guint replica;
  char *key;
  char *op;
  char *arg;            /* NULL when the operation has none */
  MmrVersionVector clock;   /* the event's vector clock: what it had seen */
  guint64 seq;
  gboolean present_before;  /* arg was visible at the replica just before */
  gint64 ts;                /* the LWW stamp a set gets (check_lww_stamp) */
  guint32 ts_logical;
} CheckOp;

/* What a replica held for one register at its last change. */
typedef struct {
  MmrVersionVector vv;
  GArray *dots;         /* MmrDot, the visible versions (tombstones too) */
} CheckSnap;

struct _MmrInvariants {
  MmrWorld *world;                  /* NULL when fed by hand */
  guint event_observer;
  guint change_observer;
  GPtrArray *violations;            /* MmrViolation*, first of each kind */
  guint64 last_seq;
  gint64 last_time_us;
  guint64 n_events;

  /* unique-dot and the lost-write recomputation */
  GHashTable *writes_by_dot;        /* "key|r:c" -> CheckWrite*, borrowed */
  GPtrArray *writes;                /* CheckWrite*, owned, in order */
  GHashTable *replaced_seen;        /* "key|r:c": replaced by a writer that
                                     * had seen it */
  gboolean ever_lww;
  MmrDurability durability;

  /* a write whose register change is still to come (see pending_*) */
  gboolean has_pending;
  guint pending_replica;
  char *pending_key;
  GArray *pending_before;           /* MmrDot visible just before */
  gboolean pending_has_context;
  MmrVersionVector pending_context;

  /* vector-clock */
  guint64 n_at[MMR_MAX_REPLICAS];
  MmrVersionVector last_clock[MMR_MAX_REPLICAS];
  GHashTable *send_clocks;          /* msg_id -> MmrVersionVector* */

  /* hlc */
  gboolean has_hlc[MMR_MAX_REPLICAS];
  MmrHlc last_hlc[MMR_MAX_REPLICAS];
  gint64 max_physical_us;
  guint n_restarts;                 /* each may lift HLCs one clock lease */

  /* version-vector: each replica's registers at their last change */
  GHashTable *snaps[MMR_MAX_REPLICAS];   /* name -> CheckSnap* */

  /* clients and CRDTs come from commands */
  const MmrCommand *command;
  GHashTable *client_contexts;      /* "client\nregister" -> vv* */
  GHashTable *crdt_types;           /* key -> MmrCrdtType + 1 */
  GPtrArray *ops;                   /* CheckOp*, in order */
  GHashTable *crdt_before[MMR_MAX_REPLICAS];  /* key -> GPtrArray of values */
  gboolean crdt_state_lost;         /* a crash lost CRDT memory */
};

/* Records a violation of @invariant at event (@seq, @time_us) unless one
 * of that invariant is already recorded. */
void check_violate (MmrInvariants *inv, const char *invariant, guint64 seq,
                    gint64 time_us, const char *format, ...)
  G_GNUC_PRINTF (5, 6);

char    *check_dot_id   (const char *key, MmrDot dot);
gboolean check_vv_leq   (const MmrVersionVector *a, const MmrVersionVector *b);
char    *check_vv_print (const MmrVersionVector *vv, const MmrWorld *world);
char    *check_dot_print (MmrDot dot, const MmrWorld *world);
/* The replica's name, or its index when no world names it. */
char    *check_replica_name (const MmrWorld *world, guint replica);
