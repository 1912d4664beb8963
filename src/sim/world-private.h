/* world-private.h - the world's struct, shared by the files of src/sim that
 * make up the world (world.c runs it, world-copy.c copies it, world-hash.c
 * hashes it). Nothing outside src/sim includes this: everyone else sees the
 * opaque MmrWorld of world.h.
 */
#ifndef MMR_WORLD_PRIVATE_H
#define MMR_WORLD_PRIVATE_H

#include "sim/world.h"

#include "core/prng.h"
#include "sim/scheduler.h"
#include "sync/replica.h"

#define AE_SLOTS 64

typedef struct {
  guint id;
  MmrObserverFunc func;
  gpointer user_data;
} Observer;

struct _MmrWorld {
  MmrWorldConfig config;
  char *names[MMR_MAX_REPLICAS + 1];   /* owned, NULL-terminated */
  guint n;
  MmrReplica *replicas[MMR_MAX_REPLICAS];
  MmrChannel *links[MMR_MAX_REPLICAS][MMR_MAX_REPLICAS];
  MmrScheduler *scheduler;
  MmrPrng *prng;
  gint64 now_us;
  guint64 n_events;
  guint64 next_msg_id;
  GArray *observers;
  GArray *change_observers;            /* Observer, func is MmrChangeFunc */
  guint next_observer_id;
  MmrVersionVector clocks[MMR_MAX_REPLICAS];
  const MmrInFlight *delivering;       /* the message being delivered */
  gboolean clean[MMR_MAX_REPLICAS][MMR_MAX_REPLICAS];
  guint n_clean;                       /* pairs marked clean */
  guint64 change_epoch;                /* bumped by every state change */
  /* Recent anti-entropy exchanges begun by each replica, by exchange id
   * modulo AE_SLOTS: a reply may come back after later exchanges began
   * (round trips longer than the interval). */
  struct {
    guint32 exchange;
    guint64 epoch;                     /* change_epoch when it began */
  } ae_start[MMR_MAX_REPLICAS][AE_SLOTS];
  gboolean tick_pending[MMR_MAX_REPLICAS];
  guint64 n_in_flight;
  guint64 n_payload_in_flight;         /* copies carrying registers */
  guint32 n_payload_link[MMR_MAX_REPLICAS][MMR_MAX_REPLICAS];
  GHashTable *conflict_ids;            /* distinct conflicts seen, and
                                        * "rejected|..." rejections */
  struct {                             /* kept for database-less replicas */
    guint32 dots;
    gint64 ts;
  } leases[MMR_MAX_REPLICAS];
  /* The causality cost of the last pushed vector (account_causality): a
   * push goes to every peer with the same vector, and this is a pure
   * function of (from, vv), so it is computed once per push. */
  struct {
    gboolean valid;
    guint from;
    MmrVersionVector vv;
    guint64 vv_bytes, dvv_bytes, history_bytes;
  } causality;
  MmrMetrics metrics;
  MmrReplicaEnv env;
  /* The strategy switched between lww and siblings/merge while registers
   * existed: equal vectors no longer prove equal registers (register.h),
   * so anti-entropy compares whole registers from then on. */
  gboolean is_switched;
};

/* World structs are recycled (world-copy.c): mmr_world_free gives its
 * struct back instead of freeing it. */
MmrWorld *mmr_world_block_take (void);
void      mmr_world_block_give (MmrWorld *world);

#endif
