/* replica.h - one master: accepts local writes, replicates them, merges
 *
 * A replica is written against an environment (as in TigerBeetle's
 * simulator): it asks the environment for the time, hands it messages to
 * send, reports events and changed registers to it - nothing else. It
 * never sees another replica, a channel or the scheduler, so what it
 * knows of its peers is exactly what arrived in messages. What the world
 * learns back (an exchange that came back clean, the leases a crash
 * hands out) it learns from return values. tests/sync/replica-test.cc
 * runs replicas against a fake environment, with no world.
 *
 * Write propagation is asynchronous (outline §7): a local write is
 * acknowledged at once, then pushed to every peer as one STATE message.
 * Anti-entropy (anti-entropy.c) repairs whatever pushes were lost.
 *
 * Taught in docs/architecture.md and lab 01.
 */
#pragma once

#include <glib.h>

#include "core/clock.h"
#include "core/event.h"
#include "crdt/crdt.h"
#include "crdt/delta-buffer.h"
#include "net/wire.h"
#include "store/durable-store.h"
#include "store/record.h"
#include "store/store.h"

G_BEGIN_DECLS

/* How anti-entropy finds what differs (anti-entropy.c). */
typedef enum {
  MMR_AE_DIGEST,    /* every register's name and version vector */
  MMR_AE_MERKLE,    /* walk a Merkle tree of the key space down to buckets */
  MMR_AE_FULL,      /* ship every register, both ways */
} MmrAntiEntropyMode;

#define MMR_MERKLE_AE_DEPTH 10   /* 1024 buckets; both sides must agree */

typedef enum {
  MMR_TS_PHYSICAL,
  MMR_TS_LAMPORT,
  MMR_TS_HLC,
} MmrTimestampSource;

/* A clock lease not taken yet: nothing stamped, no floor (durability.c). */
#define MMR_NO_CLOCK_LEASE G_MININT64

/* What the trace and the metrics say of a message a replica sends; the
 * bytes themselves are all the receiver gets. */
typedef struct {
  MmrMsgType type;
  guint n_registers;               /* registers or CRDT states carried; 0:
                                    * it cannot change the receiver's state
                                    * (which matters for quiescence) */
  guint32 metadata_bytes;          /* what wire.c counted */
  /* A pushed write's (or CRDT operation's) own message: its register or
   * key, and for a register the version it names and the register's
   * vector. NULL/zero for anti-entropy traffic. */
  const char *key;
  MmrDot dot;
  const char *value;
  const MmrVersionVector *vv;
} MmrSendNote;

/* What a replica may ask of the world, and all it may: the time, to send
 * bytes to a peer, to report an event, to say a register changed. @env is
 * the env_data given to mmr_replica_new; @replica the asking replica's
 * index (one environment serves every replica of a world). Everything
 * else a replica knows of its peers arrived in messages. */
typedef struct {
  gint64 (*now) (gpointer env);
  /* Hand encoded @bytes to the link @replica -> @to; the world traces
   * the SEND (described by @note) and decides the message's fate. */
  void (*send) (gpointer env, guint replica, guint to, GBytes *bytes,
                const MmrSendNote *note);
  /* Report an event; the world stamps seq, time and vector clock. */
  void (*emit) (gpointer env, MmrEvent *event);
  /* Register (or CRDT key) @name changed (quiescence detection, and the
   * world's change observers). */
  void (*changed) (gpointer env, guint replica, const char *name);
} MmrReplicaEnv;

/* The leases a replica last saved (durability.c). A replica without a
 * database cannot keep them through a crash: whoever crashes it keeps
 * them (standing for the coordinator a disk-less replica would ask for
 * fresh counters) and hands them back at the restart. */
typedef struct {
  guint32 dots;
  gint64 ts;                       /* MMR_NO_CLOCK_LEASE: none taken */
} MmrLease;

/* The settings a world applies to every replica at once
 * (mmr_replica_configure). */
typedef struct {
  MmrStrategy strategy;
  MmrCausality causality;
  gboolean is_switched;            /* lww <-> siblings/merge with data */
  MmrAntiEntropyMode ae_mode;
  MmrTimestampSource ts_source;
  MmrGranularity granularity;
} MmrReplicaSettings;

typedef struct {
  guint index;
  const char *name;               /* borrowed from the world */
  guint n_replicas;
  const char *const *names;       /* borrowed: every replica's name */
  MmrStore *store;                /* owned */
  MmrPhysicalClock physical;
  guint64 lamport;
  MmrHlc hlc;
  MmrMergePolicy policy;
  MmrTimestampSource ts_source;
  MmrGranularity granularity;
  guint ae_next_peer;             /* round-robin anti-entropy partner */
  MmrAntiEntropyMode ae_mode;
  guint32 ae_exchange;            /* last exchange id this replica began */
  guint32 clean_exchange;         /* proved clean by the message being
                                   * received (mmr_replica_receive) */
  /* Replies still awaited for recent exchanges (by id % 16): an exchange
   * is clean when every reply (registers, and CRDTs if any) was empty. */
  struct {
    guint32 exchange;
    guint8 awaiting;        /* MMR_REPLY_* bits not yet received */
    gboolean dirty;
  } ae_track[16];
  GHashTable *crdt_types;         /* key -> MmrCrdtType + 1: declared keys */
  GHashTable *crdts;              /* key -> MmrCrdt*, owned */
  MmrDeltaBuffer *deltas;         /* deltas peers have not acknowledged */
  MmrMessage *rx;                 /* every message is decoded into this one,
                                   * so receiving allocates nothing once warm */
  GArray *superseded;             /* MmrDot: scratch for each local write */
  /* Durability (durability.c). */
  MmrDurableStore *db;            /* NULL: no database, or crashed */
  char *db_path;                  /* NULL: in memory only */
  gboolean is_async;              /* commit in batches, ack first */
  gboolean in_local_batch;        /* sync group commit in progress */
  gboolean is_down;               /* crashed, not restarted */
  gboolean is_recovering;         /* restarted, catching up */
  guint32 recover_waiting;        /* peers (bits) yet to answer */
  gint64 recover_deadline_us;
  /* Dot counters (durability.c). Every counter this replica issues is
   * above dot_floor and at most dot_lease, and dot_lease is saved (in the
   * database, or by the environment) before any counter under it is
   * issued; a restart sets both to the saved lease. So no counter is
   * ever issued twice for one register, whatever a crash forgot. */
  guint32 dot_floor;
  guint32 dot_lease;
  guint32 crdt_dot_bound;         /* >= every CRDT dot issued since restart */
  /* The same for the timestamps of writes (ts, in the clock source's
   * unit): every ts stamped is below ts_lease, a restart starts the
   * clocks at ts_floor = the saved ts_lease. */
  gint64 ts_floor;
  gint64 ts_lease;
  const MmrReplicaEnv *env;
  gpointer env_data;
} MmrReplica;

MmrReplica *mmr_replica_new  (guint index, guint n_replicas,
                              const char *const *names,
                              const MmrReplicaEnv *env, gpointer env_data);
void        mmr_replica_free (MmrReplica *r);

/* Read-only state, for the world's views and tests. */
const MmrStore *mmr_replica_get_store (const MmrReplica *r);
gboolean        mmr_replica_is_down   (const MmrReplica *r);

/* A write, acknowledged locally at once. @value NULL deletes. With
 * @has_context FALSE the replica itself writes, having seen everything;
 * otherwise a client writes with @context (NULL: a client that has read
 * nothing). */
void mmr_replica_write   (MmrReplica *r, const char *key, const char *field,
                          const char *value);
void mmr_replica_client_write (MmrReplica *r, const char *key,
                               const char *field, const char *value,
                               const MmrVersionVector *context);
/* A client's delete of the whole record @key. @contexts maps register
 * names to the client's context for each (MmrVersionVector*; NULL or a
 * missing name: the client read nothing of that register). Under field
 * granularity every field register the replica knows is deleted, each
 * superseding only what its own context covers. */
void mmr_replica_client_delete_record (MmrReplica *r, const char *key,
                                       GHashTable *contexts);
/* A client read of every field register of record @key this replica
 * holds, in name order, each traced as READ; each context goes to
 * @out_contexts (name -> MmrVersionVector*, a table that owns both with
 * g_free). */
void mmr_replica_read_fields (MmrReplica *r, const char *key,
                              GHashTable *out_contexts);
/* A client read of register @name: traced as READ; the context goes to
 * @out_context (empty when unknown). */
void mmr_replica_read    (MmrReplica *r, const char *name,
                          MmrVersionVector *out_context);
/* A message arrived from @from. Undecodable bytes are traced and dropped.
 * Returns the id of the anti-entropy exchange with @from that this
 * message completed clean (every reply empty: the pair held the same
 * state when @from answered), or 0. */
guint32 mmr_replica_receive (MmrReplica *r, guint from, GBytes *bytes,
                             guint64 msg_id);
/* The anti-entropy timer fired: start an exchange with the next peer. */
void mmr_replica_antientropy_tick (MmrReplica *r);

/* CRDT keys (crdt-sync.c). */
void     mmr_replica_declare_type (MmrReplica *r, const char *key,
                                   MmrCrdtType type);
/* A local operation on CRDT key @key; FALSE with @error for a bad op or
 * argument (the parser checks them first). */
gboolean mmr_replica_crdt_op      (MmrReplica *r, const char *key,
                                   const char *op, const char *arg,
                                   GError **error);
void     mmr_replica_receive_crdt (MmrReplica *r, guint from,
                                   const MmrMessage *msg);
/* Sends @peer the join of the deltas it has not acknowledged (or full
 * states when the buffer had to drop some); nothing when none. */
void     mmr_crdt_sync_push_pending (MmrReplica *r, guint peer,
                                     const char *key);
/* A fresh delta buffer tracking every peer (creation, restart). */
void     mmr_crdt_sync_reset_deltas (MmrReplica *r);
/* Anti-entropy for CRDT keys: full states, compared by hash. */
void     mmr_crdt_sync_begin      (MmrReplica *r, guint peer,
                                   guint32 exchange);
guint64  mmr_crdt_sync_hash       (const MmrCrdt *crdt);
/* The replies an anti-entropy exchange waits for. */
enum { MMR_REPLY_REGISTERS = 1, MMR_REPLY_CRDTS = 2 };

/* Notes the reply @kind (MMR_REPLY_*) of exchange @exchange with @peer;
 * the exchange is clean once every expected reply came back empty
 * (mmr_replica_receive returns it). A duplicated reply is ignored: it
 * must not stand in for a lost one. */
void     mmr_replica_exchange_reply (MmrReplica *r, guint peer,
                                     guint32 exchange, guint kind,
                                     gboolean clean);

/* Settings and clocks the world sets (every replica at one instant). */
void mmr_replica_configure (MmrReplica *r, const MmrReplicaSettings *s);
void mmr_replica_set_skew  (MmrReplica *r, gint64 offset_us);
void mmr_replica_set_drift (MmrReplica *r, gint64 now_us, gint32 drift_ppm);

/* Durability (durability.c). Opens (or creates) the database at @path
 * and records this replica's name in it. */
gboolean mmr_replica_open_db    (MmrReplica *r, const char *path,
                                 gboolean is_async, GError **error);
/* Between sync and async: only when commits happen changes; leaving
 * async commits the open batch. */
void     mmr_replica_set_async  (MmrReplica *r, gboolean is_async);
/* Writes register @name (or CRDT key) through to the database. A local
 * write (@is_local) in sync mode is its own transaction - committed
 * before the ack - unless a local batch is open (group commit: the whole
 * batch is acknowledged at its commit). Everything else (async writes,
 * and merges of other replicas' writes, which acknowledge nothing here)
 * joins the open batch that the flush timer commits. */
void     mmr_replica_persist    (MmrReplica *r, const char *name,
                                 gboolean is_local);
/* Group commit of local writes (sync mode): begin, write, commit. */
void     mmr_replica_begin_local_batch  (MmrReplica *r);
void     mmr_replica_commit_local_batch (MmrReplica *r);
/* Commits the open batch, if any (the async flush timer). */
void     mmr_replica_flush      (MmrReplica *r);
/* A crash: memory and the open batch are lost. @out_lease receives the
 * leases last saved (MmrLease): the caller keeps them for the restart. */
void     mmr_replica_crash      (MmrReplica *r, MmrLease *out_lease);
/* Reloads the database (if any) and its leases - or, without one, takes
 * @lease, what the crash handed out - then begins an anti-entropy
 * exchange with every peer. */
gboolean mmr_replica_restart    (MmrReplica *r, gint64 now_us,
                                 const MmrLease *lease, GError **error);
/* The counter of this replica's next write to register @reg (NULL: a
 * register it does not hold): above both what @reg has seen of it and
 * the floor of its dot lease. Renews the lease first when the counter
 * is past it; FALSE with @error when the lease cannot be saved or the
 * 32-bit counter is exhausted: the write must then be refused. */
gboolean mmr_replica_next_counter (MmrReplica *r, const MmrRegister *reg,
                                   guint32 *out_counter, GError **error);
/* Before a local operation on @crdt: makes sure the lease covers the dot
 * it may issue, and that the dot will be above the floor. FALSE with
 * @error when the lease cannot be saved: the operation must be refused. */
gboolean mmr_replica_lease_crdt_dot (MmrReplica *r, MmrCrdt *crdt,
                                     GError **error);
/* Checks the timestamp of new version @v against the clock lease: lifts
 * a physical stamp below the floor to it, renews the lease when @v is
 * past it. FALSE with @error when the lease cannot be saved: the write
 * must then be refused. */
gboolean mmr_replica_lease_timestamp (MmrReplica *r, MmrVersion *v,
                                      GError **error);
/* A peer answered a digest: one fewer to wait for when recovering. */
void     mmr_replica_note_recovery_reply (MmrReplica *r, guint peer);
gboolean mmr_replica_accepts_writes (MmrReplica *r, gint64 now_us);

/* Stamps a new version with this replica's clocks (local event). */
void mmr_replica_stamp   (MmrReplica *r, MmrVersion *v);
/* Under strategy lww: keeps only the LWW-largest sibling of every register
 * that holds several (a switch to lww, or a restart under it), tracing a
 * CONFLICT and a RESOLVE with @detail for each. Sends nothing: every
 * replica resolves at the same instant. */
void mmr_replica_resolve_lww (MmrReplica *r, const char *detail);
/* Merges one incoming register, tracing conflicts. TRUE if it changed. */
gboolean mmr_replica_merge_register (MmrReplica *r, const char *name,
                                     const MmrRegister *incoming, int from);

/* A copy of @r for another world (mmr explore): the same store, clocks,
 * policy and recovery state, talking to @env/@env_data, with @names
 * borrowed from the new world. Scratch space (the receive buffer) is
 * fresh. Not for a replica with a database or CRDT keys (the caller
 * checks mmr_replica_can_copy first): those are not copied. */
gboolean    mmr_replica_can_copy (const MmrReplica *r);
MmrReplica *mmr_replica_copy (const MmrReplica *r, const char *const *names,
                              const MmrReplicaEnv *env, gpointer env_data);

G_END_DECLS
