/* world-private.h - the world's struct, shared by the files that make it up
 *
 * The world is one concept split by facet, as GNOME splits a big class
 * (editor-window-actions.c):
 *   world.c           life cycle, observers, client operations, views
 *   world-run.c       the loop: emit, send, schedule, deliver, step
 *   world-settle.c    quiescence: clean exchanges since the last change
 *   world-faults.c    partitions, crash and restart, clocks, link models
 *   world-settings.c  strategy, clock, causality, anti-entropy, durability
 *   world-metrics.c   what the metrics count as events and sends go by
 *   world-config.c    the configuration a world starts from
 *   world-copy.c      a copy of a whole world (mmr explore)
 *   world-hash.c      a hash of what decides a world's future
 * Nothing outside src/sim includes this header: everyone else sees the
 * opaque MmrWorld of world.h.
 *
 * Taught in docs/architecture.md.
 */
#pragma once

#include "sim/world.h"

#include "core/prng.h"
#include "sim/scheduler.h"
#include "sync/replica.h"

G_BEGIN_DECLS

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
  MmrLease leases[MMR_MAX_REPLICAS];   /* what each crash handed out */
  /* The causality cost of the last pushed vector
   * (mmr_world_account_causality): a push goes to every peer with the
   * same vector, and this is a pure function of (from, vv), so it is
   * computed once per push. */
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

/* world-run.c: every event goes through mmr_world_emit, which stamps it
 * (sequence number, virtual time, vector clock) and hands it to the
 * observers; mmr_world_trace builds and emits an event of the world's own
 * (a fault, a setting) with no message attached. */
void mmr_world_emit  (MmrWorld *w, MmrEvent *ev);
void mmr_world_trace (MmrWorld *w, MmrEventKind kind, int replica, int peer,
                      const char *detail);
/* Schedules each replica's first anti-entropy tick, if anti-entropy is on
 * and it has none pending; the flush timer of a replica's database. */
void mmr_world_start_ticks     (MmrWorld *w);
void mmr_world_schedule_flush  (MmrWorld *w, guint r, gint64 at_us);

/* world-settle.c: forget every clean pair (a change, a crash, a heal). */
void mmr_world_reset_clean (MmrWorld *w);

/* world-settings.c: the world's settings, copied into replica @r. */
void mmr_world_apply_settings (MmrWorld *w, MmrReplica *r);

/* world-metrics.c */
void mmr_world_count_event       (MmrWorld *w, const MmrEvent *ev);
void mmr_world_account_causality (MmrWorld *w, guint from,
                                  const MmrVersionVector *regvv);

/* The environment handed to replicas (MmrReplicaEnv), by file. */
void mmr_world_env_emit  (gpointer data, MmrEvent *ev);          /* run */
void mmr_world_env_send  (gpointer data, guint from, guint to,
                          GBytes *bytes, const MmrSendNote *note); /* run */
void mmr_world_env_changed (gpointer data, guint replica,
                            const char *name);                   /* settle */
/* world-settle.c: @replica's exchange @exchange with @peer came back
 * clean (mmr_replica_receive). */
void mmr_world_note_clean_exchange (MmrWorld *w, guint replica, guint peer,
                                    guint32 exchange);

G_END_DECLS
