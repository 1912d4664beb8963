/* world.h - the simulated world: replicas, links, virtual time, one seed
 *
 * The world is the only thing that runs. It owns the replicas, the
 * channels between every ordered pair of them, the event queue ordered by
 * (virtual time, sequence number) and the one PRNG seeded from the
 * scenario's seed. Given the same configuration, seed and commands, a world
 * produces the same events in the same order: the run is a pure function
 * of its inputs (tests/sim/determinism-test.cc checks the trace's hash).
 *
 * This is the engine's public API: the scenario runner, the checkers, the
 * CLI and the inspector use it and nothing below it.
 *
 * Taught in docs/architecture.md.
 */
#pragma once

#include <glib.h>

#include "core/clock.h"
#include "core/event.h"
#include "crdt/crdt.h"
#include "net/channel.h"
#include "store/record.h"
#include "store/register.h"
#include "store/store.h"
#include "sync/replica.h"

G_BEGIN_DECLS

typedef enum {
  MMR_CLOCK_PHYSICAL,
  MMR_CLOCK_LAMPORT,
  MMR_CLOCK_HLC,
} MmrClockSource;

/* When a replica's writes reach its database (docs/storage.md).
 *   NONE   no database: a crash loses everything the replica held
 *   SYNC   each write is committed before it is acknowledged
 *   ASYNC  acknowledged at once, committed in batches every flush
 *          interval: a crash loses the acknowledged, uncommitted ones */
typedef enum {
  MMR_DURABILITY_NONE,
  MMR_DURABILITY_SYNC,
  MMR_DURABILITY_ASYNC,
} MmrDurability;

typedef struct {
  guint n_replicas;                  /* 2..MMR_MAX_REPLICAS */
  char *names[MMR_MAX_REPLICAS];     /* owned by whoever owns the config */
  guint64 seed;
  MmrStrategy strategy;
  MmrClockSource clock;
  MmrGranularity granularity;
  MmrLinkModel link;                 /* the model every link starts with */
  gint64 antientropy_interval_us;    /* 0: anti-entropy off */
  MmrCausality causality;            /* how client contexts are compared */
  char *merge;                       /* strategy merge: the function's name */
  MmrDurability durability;          /* needs data_dir unless NONE */
  char *data_dir;                    /* replica databases: DIR/NAME.db */
  gint64 flush_interval_us;          /* ASYNC: batch commit period */
  MmrAntiEntropyMode antientropy_mode;  /* digest, merkle or full */
  gboolean is_manual_delivery;       /* messages wait for mmr_world_deliver */
} MmrWorldConfig;

void mmr_world_config_init  (MmrWorldConfig *cfg);
void mmr_world_config_clear (MmrWorldConfig *cfg);

typedef struct {
  guint64 writes;             /* logical writes (puts and deletes) */
  guint64 messages;           /* messages sent, all kinds */
  guint64 bytes;              /* bytes sent, all kinds */
  guint64 push_messages;      /* messages carrying a single write */
  guint64 push_bytes;
  guint64 metadata_bytes;     /* vv, dots, timestamps in pushed writes */
  guint64 antientropy_messages;
  guint64 antientropy_bytes;
  guint64 delivered;
  guint64 dropped;
  guint64 duplicated;
  guint64 conflicts;           /* concurrent versions met (distinct) */
  guint64 rejected_newer;      /* LWW discarded a causally newer write for
                                * its smaller timestamp: not a conflict */
  /* Causality metadata of pushed writes, as each representation would
   * encode it: version vector, dotted version vector, causal history. */
  guint64 meta_vv_bytes;
  guint64 meta_dvv_bytes;
  guint64 meta_history_bytes;
  gint64 last_heal_us;        /* -1: never healed */
  gint64 last_change_us;      /* last time any replica's state changed */
} MmrMetrics;

typedef struct _MmrWorld MmrWorld;

MmrWorld   *mmr_world_new            (const MmrWorldConfig *cfg);
/* The same, opening (or creating) each replica's database in
 * cfg->data_dir; FALSE-like NULL with @error when one cannot be opened. */
MmrWorld   *mmr_world_new_full       (const MmrWorldConfig *cfg,
                                      GError **error);
void        mmr_world_free           (MmrWorld *world);

/* Called after register @register_name of @replica changed (a local write
 * or a merge that changed it); the new state is readable through
 * mmr_world_get_store and the views. For recorders and the inspector. */
typedef void (*MmrChangeFunc) (MmrWorld *world, guint replica,
                               const char *register_name,
                               gpointer user_data);

guint mmr_world_add_change_observer    (MmrWorld *world, MmrChangeFunc func,
                                        gpointer user_data);
void  mmr_world_remove_change_observer (MmrWorld *world, guint id);

/* Observers see every event, in order. Returns an id for removal. */
guint       mmr_world_add_observer    (MmrWorld *world, MmrObserverFunc func,
                                       gpointer user_data);
void        mmr_world_remove_observer (MmrWorld *world, guint id);

gint64      mmr_world_now            (const MmrWorld *world);
guint64     mmr_world_n_events       (const MmrWorld *world);
guint       mmr_world_n_replicas     (const MmrWorld *world);
const char *mmr_world_replica_name   (const MmrWorld *world, guint replica);
const char *const *mmr_world_replica_names (const MmrWorld *world);
/* -1 when no replica has that name. */
int         mmr_world_replica_index  (const MmrWorld *world, const char *name);
const MmrWorldConfig *mmr_world_get_config (const MmrWorld *world);

/* Client operations: acknowledged at once by the local replica, then
 * replicated asynchronously. @field may be NULL or "" for a plain key. */
void mmr_world_put    (MmrWorld *world, guint replica, const char *key,
                       const char *field, const char *value);
void mmr_world_delete (MmrWorld *world, guint replica, const char *key,
                       const char *field);

/* A client's read at @replica (traced as READ): in @out_context the
 * context to send back with its next write (the register's version
 * vector; empty when the key is unknown there). What the client sees is
 * a view: mmr_view_read (view.h) reads and returns it. */
void mmr_world_read (MmrWorld *world, guint replica, const char *key,
                     const char *field, MmrVersionVector *out_context);
/* A client's write through @replica carrying @context from an earlier
 * read: it supersedes exactly the versions that context saw (see
 * MmrCausality). @context NULL: a client that read nothing, whose write
 * supersedes nothing. @value NULL deletes. */
void mmr_world_client_write (MmrWorld *world, guint replica, const char *key,
                             const char *field, const char *value,
                             const MmrVersionVector *context);

/* Under field granularity, a client that read the whole record @key saw
 * each of its fields: their contexts (register name -> MmrVersionVector*,
 * both owned by the table, made with g_free for both) go to
 * @out_contexts, each field traced as a READ of its own. Dots are counted
 * per register, so each field keeps its own context. Does nothing under
 * record granularity. */
void mmr_world_read_field_contexts (MmrWorld *world, guint replica,
                                    const char *key,
                                    GHashTable *out_contexts);
/* A client's delete of the whole record @key, each register superseding
 * what the client's context for that register covers (@contexts: register
 * name -> MmrVersionVector*; NULL: the client read nothing). */
void mmr_world_client_delete_record (MmrWorld *world, guint replica,
                                     const char *key, GHashTable *contexts);

/* Crash and restart (traced as CRASH and RESTART). A crashed replica
 * loses its memory and its uncommitted batch; links to it drop messages;
 * it refuses client writes. Restarting reloads its database (if any),
 * then it catches up through anti-entropy: until every peer it can reach
 * has answered (or a second of virtual time has passed) it still refuses
 * client writes, so it cannot reuse the dots of writes it lost. */
void     mmr_world_crash        (MmrWorld *world, guint replica);
gboolean mmr_world_restart      (MmrWorld *world, guint replica,
                                 GError **error);
gboolean mmr_world_is_down      (const MmrWorld *world, guint replica);
/* Group commit (durability sync): the local writes between begin and
 * commit are one transaction, acknowledged together at the commit. */
void     mmr_world_begin_local_batch  (MmrWorld *world, guint replica);
void     mmr_world_commit_local_batch (MmrWorld *world, guint replica);
gboolean mmr_world_is_recovering (const MmrWorld *world, guint replica);
void     mmr_world_set_durability (MmrWorld *world, MmrDurability durability);

/* CRDT keys: declare @key's type at every replica, then operate on it.
 * An operation is acknowledged locally and its delta pushed to peers. */
void     mmr_world_declare_type (MmrWorld *world, const char *key,
                                 MmrCrdtType type);
gboolean mmr_world_crdt_op      (MmrWorld *world, guint replica,
                                 const char *key, const char *op,
                                 const char *arg, GError **error);
/* Borrowed; NULL when @replica has no state for @key yet. */
const MmrCrdt *mmr_world_get_crdt (const MmrWorld *world, guint replica,
                                   const char *key);
/* CRDT keys @replica holds, sorted; borrowed strings in a new array. */
GPtrArray *mmr_world_dup_crdt_keys (const MmrWorld *world, guint replica);

/* Faults and settings. Each is traced (PARTITION, HEAL, SKEW, CONFIG). */
void mmr_world_set_cut       (MmrWorld *world, guint from, guint to,
                              gboolean is_cut);
/* @group_of[i] is replica i's group, or -1 to leave its links alone; every
 * link between two different groups is cut, both ways. */
void mmr_world_partition     (MmrWorld *world, const int *group_of);
void mmr_world_heal_all      (MmrWorld *world);
void mmr_world_set_skew      (MmrWorld *world, guint replica, gint64 offset_us);
void mmr_world_set_drift     (MmrWorld *world, guint replica, gint32 drift_ppm);
/* @from/@to of -1 mean every link. */
void mmr_world_set_link_model (MmrWorld *world, int from, int to,
                               const MmrLinkModel *model);
void mmr_world_set_strategy  (MmrWorld *world, MmrStrategy strategy);
/* Strategy merge with the registered function @name (merge-fn.h). */
void mmr_world_set_merge     (MmrWorld *world, const char *name);
void mmr_world_set_causality (MmrWorld *world, MmrCausality causality);
void mmr_world_set_clock     (MmrWorld *world, MmrClockSource clock);
void mmr_world_set_antientropy (MmrWorld *world, gint64 interval_us);
void mmr_world_set_antientropy_mode (MmrWorld *world, MmrAntiEntropyMode mode);

/* Runs the next scheduled event (a delivery or a timer). FALSE when
 * nothing is scheduled. */
gboolean mmr_world_step      (MmrWorld *world);
/* Time of the next scheduled event, or G_MAXINT64. */
gint64   mmr_world_next_time (const MmrWorld *world);
/* Runs every event up to and including @until_us, then sets the clock to
 * @until_us. */
void     mmr_world_run_until (MmrWorld *world, gint64 until_us);
/* No registers in flight, and every pair of replicas joined by working
 * links has had a clean anti-entropy exchange since the last state change
 * (with anti-entropy off: nothing in flight). */
gboolean mmr_world_is_quiescent (const MmrWorld *world);
/* Runs until quiescent, or for at most @limit_us more. TRUE if quiescent. */
gboolean mmr_world_settle    (MmrWorld *world, gint64 limit_us);

/* Read-only views, for checkers, reports and the inspector. */
const MmrStore   *mmr_world_get_store   (const MmrWorld *world, guint replica);
const MmrChannel *mmr_world_get_channel (const MmrWorld *world, guint from,
                                         guint to);
void  mmr_world_get_clocks (const MmrWorld *world, guint replica,
                            gint64 *out_physical_us, guint64 *out_lamport,
                            MmrHlc *out_hlc);
const MmrPhysicalClock *mmr_world_get_physical_clock (const MmrWorld *world,
                                                      guint replica);
const MmrMetrics *mmr_world_get_metrics (const MmrWorld *world);
guint64 mmr_world_n_in_flight (const MmrWorld *world);

/* ---- Manual delivery and copies (mmr explore, 'delivery manual') ----
 * With cfg->is_manual_delivery the links draw no fates and schedule
 * nothing: every message sent waits on its link, in send order, until
 * mmr_world_deliver delivers, duplicates or loses it. Time advances only
 * through mmr_world_run_until. */

#define MMR_WORLD_ERROR (mmr_world_error_quark ())
GQuark mmr_world_error_quark (void);

typedef enum {
  MMR_WORLD_ERROR_NO_MESSAGE,     /* nothing at that place on the link */
  MMR_WORLD_ERROR_NOT_MANUAL,     /* the world delivers by itself */
  MMR_WORLD_ERROR_UNSUPPORTED,    /* mmr_world_copy: cannot copy this */
} MmrWorldError;

typedef enum {
  MMR_DELIVER_ONCE,    /* take the message off the link and deliver it */
  MMR_DELIVER_COPY,    /* deliver a duplicate; the message stays, and may
                        * not be duplicated again */
  MMR_DELIVER_LOSE,    /* take the message off the link: lost */
} MmrDeliverHow;

/* The @index-th message in flight on @from -> @to (0: the oldest). With
 * reorder off on that link only index 0 may go (FIFO). FALSE with @error
 * when there is no such message, the world is not manual, or the message
 * was already duplicated (MMR_DELIVER_COPY). Traced as DELIVER (or DROP
 * "loss", or DUPLICATE then DELIVER) at the current time. */
gboolean mmr_world_deliver (MmrWorld *world, guint from, guint to,
                            guint index, MmrDeliverHow how, GError **error);
/* A world in the same state, with no observers: the same replicas,
 * links and messages in flight, scheduler, clocks, PRNG and metrics; run
 * the same way it gives the same events. NULL with @error for what
 * cannot be copied: replica databases (durability) and CRDT keys. */
MmrWorld *mmr_world_copy (const MmrWorld *world, GError **error);
/* A 64-bit hash of what decides the world's future and its checks: each
 * replica's store and clocks, each link's cut and messages in flight (by
 * content), the current time and the distinct conflicts so far. Not the
 * trace's bookkeeping (event counts, message ids, vector clocks over
 * events): two worlds that differ only there behave the same.
 * It is the sum (modulo 2^64) of one term per part: the three functions
 * below give a part's term, so a caller that knows how a step changed one
 * part can update the hash without hashing the other parts again. */
guint64   mmr_world_hash_state (const MmrWorld *world);
/* The term of @replica's store and clocks. */
guint64   mmr_world_hash_replica (const MmrWorld *world, guint replica);
/* The term of the link @from -> @to as it would be without its @skip-th
 * message in flight (0: the oldest); G_MAXUINT: as it is. */
guint64   mmr_world_hash_link (const MmrWorld *world, guint from, guint to,
                               guint skip);
/* The term of the conflict @id (mmr_event_conflict_id), in the hash once
 * the world has seen it (mmr_world_has_conflict). */
guint64   mmr_world_hash_conflict (const char *id);
gboolean  mmr_world_has_conflict  (const MmrWorld *world, const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrWorld, mmr_world_free)

G_END_DECLS
