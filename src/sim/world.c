/* world.c - the deterministic simulator: scheduler, links, faults, trace
 *
 * One loop drives everything: pop the earliest task, set the virtual clock
 * to its time, run it. A task is either the delivery of the head message of
 * one link or one replica's anti-entropy timer. Client operations and
 * faults come from outside (the scenario runner or the inspector) between
 * steps, at the current virtual time.
 *
 * The world is also the only observer of causality across replicas: every
 * event is stamped with its replica's vector clock over events (each event
 * ticks it; a delivery merges the clock its message was sent with). This
 * costs no bytes on the wire - it is instrumentation, like ShiViz's - and
 * gives every pair of events of a run a happened-before answer.
 *
 * Quiescence ("settle"): no message that carries registers is in flight,
 * and every pair of replicas joined by working links both ways has
 * completed a clean anti-entropy exchange since the last change anywhere.
 * A clean exchange proves the pair equal (anti-entropy.c), so at quiescence
 * every connected group has converged. Digests may still be on the wire:
 * with anti-entropy running there always are some, and between equal
 * replicas they change nothing. With anti-entropy off, quiescent simply
 * means nothing is in flight.
 *
 * Taught in docs/architecture.md.
 */
#include "sim/world-private.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "core/duration.h"
#include "core/prng.h"
#include "sim/scheduler.h"
#include "store/merge-fn.h"
#include "sync/replica.h"

/* ---- environment handed to replicas ---- */

static gint64
env_now (gpointer data)
{
  return ((MmrWorld *) data)->now_us;
}



/* Rejections share the conflicts' table (copied and hashed with the
 * world) under their own prefix: a rejection is not a conflict.
 * src/explore/explore-memo.c:/rejected|/ names them the same way to
 * predict the hash. */
static char *
conflict_key (const MmrEvent *ev)
{
  g_autofree char *versions = NULL;

  if (ev->kind == MMR_EV_CONFLICT)
    return mmr_event_conflict_id (ev);
  if (ev->kind != MMR_EV_RESOLVE || ev->rule != MMR_RESOLVE_LWW_REJECTED)
    return NULL;
  versions = mmr_event_conflict_id (ev);
  return g_strconcat ("rejected|", versions, NULL);
}

static void
count_event (MmrWorld *w, const MmrEvent *ev)
{
  switch (ev->kind)
    {
    case MMR_EV_WRITE:
    case MMR_EV_DELETE:
    case MMR_EV_OP:
      w->metrics.writes++;
      break;
    case MMR_EV_DELIVER:
      w->metrics.delivered++;
      break;
    case MMR_EV_DROP:
      w->metrics.dropped++;
      break;
    case MMR_EV_DUPLICATE:
      w->metrics.duplicated++;
      break;
    case MMR_EV_CONFLICT:
      if (g_hash_table_add (w->conflict_ids, conflict_key (ev)))
        w->metrics.conflicts++;
      break;
    case MMR_EV_RESOLVE:
      if (ev->rule == MMR_RESOLVE_LWW_REJECTED
          && g_hash_table_add (w->conflict_ids, conflict_key (ev)))
        w->metrics.rejected_newer++;
      break;
    default:
      break;
    }
}

/* DOC: world-emit */
static void
world_emit (MmrWorld *w, MmrEvent *ev)
{
  ev->seq = w->n_events++;
  ev->time_us = w->now_us;
  if (ev->replica >= 0)
    {
      MmrVersionVector *clock = &w->clocks[ev->replica];

      if (ev->kind == MMR_EV_DELIVER && w->delivering != NULL)
        mmr_version_vector_join (clock, &w->delivering->send_clock);
      clock->c[ev->replica]++;
      ev->clock = *clock;
    }
  if (ev->kind == MMR_EV_ANTIENTROPY)
    {
      guint slot = ev->exchange % AE_SLOTS;

      w->ae_start[ev->replica][slot].exchange = ev->exchange;
      w->ae_start[ev->replica][slot].epoch = w->change_epoch;
    }
  count_event (w, ev);
  for (guint i = 0; i < w->observers->len; i++)
    {
      Observer *o = &g_array_index (w->observers, Observer, i);

      o->func (ev, o->user_data);
    }
}

static void
env_emit (gpointer data, MmrEvent *ev)
{
  world_emit (data, ev);
}

/* DOC: schedule-head */
/* Scheduling deliveries. A link's queue is already in delivery order, so
 * the scheduler holds one task per non-empty link: for its head. The
 * world's order is the same as with one task per message - the earliest
 * (time, seq) of all messages is the earliest of the heads - but the heap
 * stays a few dozen tasks deep however many messages are in flight.
 * Invariant: every non-empty link has exactly one DELIVER task, for the
 * (deliver_at, seq) of its head. */
static MmrTask
delivery_task (const MmrInFlight *m, guint from, guint to)
{
  MmrTask t = { m->deliver_at_us, m->seq, MMR_TASK_DELIVER, from, to };

  return t;
}

static void
schedule_head (MmrWorld *w, guint from, guint to)
{
  const MmrInFlight *head = w->links[from][to]->head;

  /* Manual delivery: a message waits for mmr_world_deliver. */
  if (head != NULL && !w->config.is_manual_delivery)
    {
      MmrTask t = delivery_task (head, from, to);

      mmr_scheduler_push (w->scheduler, &t);
    }
}

static void
note_in_flight (MmrWorld *w, MmrInFlight *m, guint from, guint to,
                const MmrVersionVector *send_clock, gboolean is_payload,
                const char *key)
{
  m->send_clock = *send_clock;
  m->is_payload = is_payload;
  if (key != NULL && is_payload)
    {
      m->has_key = TRUE;
      m->key_hash = mmr_store_hash (key);
    }
  w->n_in_flight++;
  if (is_payload)
    {
      w->n_payload_in_flight++;
      w->n_payload_link[from][to]++;
    }
}

static void
emit_link_event (MmrWorld *w, MmrEventKind kind, guint from, guint to,
                 guint64 msg_id, gsize n_bytes, const char *detail)
{
  MmrEvent ev = { 0 };

  ev.kind = kind;
  ev.replica = (int) from;
  ev.peer = (int) to;
  ev.msg_id = msg_id;
  ev.bytes = (guint32) n_bytes;
  ev.hlc = w->replicas[from]->hlc;
  ev.detail = detail;
  world_emit (w, &ev);
}

static guint
varint_len (guint64 v)
{
  guint n = 1;

  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

/* DOC: causality-metadata */
/* What the causality metadata of one pushed write costs in each
 * representation, whichever the run uses (docs/version-vectors.md):
 *   vv       one (replica, counter) pair per replica that wrote the key
 *   dvv      the same plus the write's own dot
 *   history  one (replica, counter) id per write the key has seen: the
 *            set a version vector compresses */
/* Bytes of the ids (replica:u8, counter:varint) for counters 1..c. */
static guint64
history_ids_len (guint64 c)
{
  guint64 total = 0, lo = 1, width = 1;

  while (lo <= c)
    {
      guint64 hi = MIN (c, lo * 128 - 1);

      total += (hi - lo + 1) * (1 + width);
      lo *= 128;
      width++;
    }
  return total;
}

static void
account_causality (MmrWorld *w, guint from, const MmrVersionVector *regvv)
{
  if (!w->causality.valid || w->causality.from != from
      || memcmp (&w->causality.vv, regvv, sizeof *regvv) != 0)
    {
      guint64 vv = 1, history = 0, n_ids = 0;

      for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
        if (regvv->c[i] != 0)
          {
            vv += 1 + varint_len (regvv->c[i]);
            history += history_ids_len (regvv->c[i]);
            n_ids += regvv->c[i];
          }
      history += varint_len (n_ids);
      w->causality.valid = TRUE;
      w->causality.from = from;
      w->causality.vv = *regvv;
      w->causality.vv_bytes = vv;
      w->causality.dvv_bytes = vv + 1 + varint_len (regvv->c[from]);
      w->causality.history_bytes = history;
    }
  w->metrics.meta_vv_bytes += w->causality.vv_bytes;
  w->metrics.meta_dvv_bytes += w->causality.dvv_bytes;
  w->metrics.meta_history_bytes += w->causality.history_bytes;
}

/* DOC: world-send */
static void
env_send (gpointer data, guint from, guint to, GBytes *bytes, MmrMsgType type,
          guint n_registers, guint32 metadata_bytes, const char *key,
          MmrDot dot, const char *value, const MmrVersionVector *vv)
{
  MmrWorld *w = data;
  MmrChannel *ch = w->links[from][to];
  gsize size = g_bytes_get_size (bytes);
  guint64 msg_id = ++w->next_msg_id;
  guint64 seq_a = mmr_scheduler_next_seq (w->scheduler);
  guint64 seq_b = mmr_scheduler_next_seq (w->scheduler);
  MmrInFlight *copies[2];
  const MmrInFlight *head_before;
  MmrSendFate fate;
  MmrEvent ev = { 0 };
  gboolean is_push = key != NULL;   /* a write's or an op's own message */

  w->metrics.messages++;
  w->metrics.bytes += size;
  if (is_push)
    {
      w->metrics.push_messages++;
      w->metrics.push_bytes += size;
      w->metrics.metadata_bytes += metadata_bytes;
      if (vv != NULL)
        account_causality (w, from, vv);
    }
  else
    {
      w->metrics.antientropy_messages++;
      w->metrics.antientropy_bytes += size;
    }
  head_before = ch->head;
  if (w->config.is_manual_delivery)
    fate = mmr_channel_queue (ch, w->now_us, bytes, msg_id, seq_a,
                              &copies[0]);
  else
    fate = mmr_channel_send (ch, w->prng, w->now_us, bytes, msg_id, seq_a,
                             seq_b, copies);
  if (ch->head != head_before && !w->config.is_manual_delivery)
    {
      /* A copy is the link's new head: it takes over the link's task. */
      if (head_before != NULL)
        mmr_scheduler_remove (w->scheduler, head_before->seq);
      schedule_head (w, from, to);
    }
  ev.kind = MMR_EV_SEND;
  ev.replica = (int) from;
  ev.peer = (int) to;
  ev.key = key;
  ev.value = value;
  ev.dot = dot;
  ev.msg_id = msg_id;
  ev.bytes = (guint32) size;
  ev.hlc = w->replicas[from]->hlc;
  ev.detail = mmr_msg_type_to_string (type);
  if (vv != NULL)
    ev.vv = *vv;
  world_emit (w, &ev);
  if (fate == MMR_SEND_LOST || fate == MMR_SEND_CUT)
    {
      emit_link_event (w, MMR_EV_DROP, from, to, msg_id, size,
                       fate == MMR_SEND_CUT ? "cut" : "loss");
      return;
    }
  note_in_flight (w, copies[0], from, to, &ev.clock, n_registers > 0, key);
  if (fate == MMR_SEND_DUPLICATED)
    {
      note_in_flight (w, copies[1], from, to, &ev.clock, n_registers > 0,
                      key);
      emit_link_event (w, MMR_EV_DUPLICATE, from, to, msg_id, size,
                       "duplicate");
    }
}

static void
reset_clean (MmrWorld *w)
{
  if (w->n_clean == 0)
    return;
  memset (w->clean, 0, sizeof w->clean);
  w->n_clean = 0;
}

static void
env_changed (gpointer data, guint replica, const char *name)
{
  MmrWorld *w = data;

  w->metrics.last_change_us = w->now_us;
  w->change_epoch++;
  reset_clean (w);
  for (guint i = 0; i < w->change_observers->len; i++)
    {
      Observer *o = &g_array_index (w->change_observers, Observer, i);

      ((MmrChangeFunc) (void (*) (void)) o->func) (w, replica, name,
                                                   o->user_data);
    }
}

/* DOC: env-lease
 * A replica without a database saves its dot lease here: the world
 * stands for the coordinator a disk-less replica would ask for fresh
 * counters, so that even a replica that forgets everything in a crash
 * never names two writes with one dot (sync/durability.c). */
static void
env_save_lease (gpointer data, guint replica, guint32 dot_lease,
                gint64 ts_lease)
{
  MmrWorld *w = data;

  w->leases[replica].dots = dot_lease;
  w->leases[replica].ts = ts_lease;
}

static void
env_load_lease (gpointer data, guint replica, guint32 *dot_lease,
                gint64 *ts_lease)
{
  MmrWorld *w = data;

  *dot_lease = w->leases[replica].dots;
  *ts_lease = w->leases[replica].ts;
}

/* An empty reply describes the peer's state when it answered. It proves
 * the pair equal now only if nothing changed anywhere since the exchange
 * began. */
static void
env_clean_exchange (gpointer data, guint replica, guint peer,
                    guint32 exchange)
{
  MmrWorld *w = data;

  guint slot = exchange % AE_SLOTS;

  if (w->ae_start[replica][slot].exchange != exchange
      || w->ae_start[replica][slot].epoch != w->change_epoch)
    return;
  w->clean[replica][peer] = TRUE;
  w->clean[peer][replica] = TRUE;
  w->n_clean++;
}

/* ---- life cycle ---- */

static void
schedule_tick (MmrWorld *w, guint r, gint64 at_us)
{
  MmrTask t = { at_us, mmr_scheduler_next_seq (w->scheduler), MMR_TASK_TICK,
                r, 0 };

  mmr_scheduler_push (w->scheduler, &t);
  w->tick_pending[r] = TRUE;
}

/* Each replica's first tick lands at a random phase within one interval,
 * so replicas do not exchange in lockstep. */
static void
start_ticks (MmrWorld *w)
{
  gint64 iv = w->config.antientropy_interval_us;

  if (iv <= 0)
    return;
  for (guint r = 0; r < w->n; r++)
    if (!w->tick_pending[r])
      schedule_tick (w, r, w->now_us + 1 + mmr_prng_range (w->prng, 0, iv - 1));
}

static void
apply_replica_settings (MmrWorld *w, MmrReplica *r)
{
  r->policy.strategy = w->config.strategy;
  r->policy.causality = w->config.causality;
  r->policy.is_switched = w->is_switched;
  /* DOC: switched-ae */
  r->ae_mode = w->is_switched ? MMR_AE_FULL : w->config.antientropy_mode;
  r->ts_source = (MmrTimestampSource) w->config.clock;
  r->granularity = w->config.granularity;
}

static void schedule_flush (MmrWorld *w, guint r, gint64 at_us);

/* DOC: open-databases */
static gboolean
open_databases (MmrWorld *w, GError **error)
{
  if (w->config.data_dir == NULL || w->config.durability == MMR_DURABILITY_NONE)
    return TRUE;
  if (g_mkdir_with_parents (w->config.data_dir, 0755) != 0)
    {
      int err = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "%s: cannot create the data directory: %s",
                   w->config.data_dir, g_strerror (err));
      return FALSE;
    }
  for (guint i = 0; i < w->n; i++)
    {
      g_autofree char *file = g_strconcat (w->names[i], ".db", NULL);
      g_autofree char *path = g_build_filename (w->config.data_dir, file,
                                                NULL);

      if (!mmr_replica_open_db (w->replicas[i], path,
                                w->config.durability == MMR_DURABILITY_ASYNC,
                                error)
          || !mmr_durable_store_set_meta (w->replicas[i]->db, "replica",
                                          w->names[i], error))
        return FALSE;
      schedule_flush (w, i, w->config.flush_interval_us);
    }
  return TRUE;
}

MmrWorld *
mmr_world_new (const MmrWorldConfig *cfg)
{
  g_autoptr (GError) error = NULL;
  MmrWorld *w = mmr_world_new_full (cfg, &error);

  if (w == NULL)
    g_critical ("mmr_world_new: %s", error->message);
  return w;
}

MmrWorld *
mmr_world_new_full (const MmrWorldConfig *cfg, GError **error)
{
  MmrWorld *w;

  g_return_val_if_fail (cfg->n_replicas >= 2
                        && cfg->n_replicas <= MMR_MAX_REPLICAS, NULL);
  w = g_new0 (MmrWorld, 1);
  w->config = *cfg;
  w->n = cfg->n_replicas;
  for (guint i = 0; i < w->n; i++)
    {
      w->names[i] = g_strdup (cfg->names[i]);
      w->config.names[i] = w->names[i];
    }
  w->config.merge = g_strdup (cfg->merge);
  w->config.data_dir = g_strdup (cfg->data_dir);
  w->scheduler = mmr_scheduler_new ();
  w->prng = mmr_prng_new (cfg->seed);
  w->observers = g_array_new (FALSE, FALSE, sizeof (Observer));
  w->change_observers = g_array_new (FALSE, FALSE, sizeof (Observer));
  w->conflict_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           NULL);
  w->env.now = env_now;
  w->env.send = env_send;
  w->env.emit = env_emit;
  w->env.changed = env_changed;
  w->env.clean_exchange = env_clean_exchange;
  w->env.save_lease = env_save_lease;
  w->env.load_lease = env_load_lease;
  w->metrics.last_heal_us = -1;
  for (guint i = 0; i < w->n; i++)
    {
      w->leases[i].ts = MMR_NO_CLOCK_LEASE;
      w->replicas[i] = mmr_replica_new (i, w->n,
                                        (const char *const *) w->names,
                                        &w->env, w);
      apply_replica_settings (w, w->replicas[i]);
      for (guint j = 0; j < w->n; j++)
        if (i != j)
          w->links[i][j] = mmr_channel_new (i, j, &cfg->link);
    }
  start_ticks (w);
  if (!open_databases (w, error))
    {
      mmr_world_free (w);
      return NULL;
    }
  return w;
}

void
mmr_world_free (MmrWorld *w)
{
  if (w == NULL)
    return;
  for (guint i = 0; i < w->n; i++)
    {
      mmr_replica_free (w->replicas[i]);
      for (guint j = 0; j < w->n; j++)
        mmr_channel_free (w->links[i][j]);
      g_free (w->names[i]);
    }
  g_free (w->config.merge);
  g_free (w->config.data_dir);
  mmr_scheduler_free (w->scheduler);
  mmr_prng_free (w->prng);
  g_array_unref (w->observers);
  g_array_unref (w->change_observers);
  g_hash_table_unref (w->conflict_ids);
  mmr_world_block_give (w);
}

guint
mmr_world_add_observer (MmrWorld *w, MmrObserverFunc func, gpointer user_data)
{
  Observer o = { ++w->next_observer_id, func, user_data };

  g_array_append_val (w->observers, o);
  return o.id;
}

guint
mmr_world_add_change_observer (MmrWorld *w, MmrChangeFunc func,
                               gpointer user_data)
{
  Observer o = { ++w->next_observer_id,
                 (MmrObserverFunc) (void (*) (void)) func, user_data };

  g_array_append_val (w->change_observers, o);
  return o.id;
}

void
mmr_world_remove_change_observer (MmrWorld *w, guint id)
{
  for (guint i = 0; i < w->change_observers->len; i++)
    if (g_array_index (w->change_observers, Observer, i).id == id)
      {
        g_array_remove_index (w->change_observers, i);
        return;
      }
}

void
mmr_world_remove_observer (MmrWorld *w, guint id)
{
  for (guint i = 0; i < w->observers->len; i++)
    if (g_array_index (w->observers, Observer, i).id == id)
      {
        g_array_remove_index (w->observers, i);
        return;
      }
}

gint64 mmr_world_now (const MmrWorld *w) { return w->now_us; }
guint64 mmr_world_n_events (const MmrWorld *w) { return w->n_events; }
guint mmr_world_n_replicas (const MmrWorld *w) { return w->n; }
const MmrWorldConfig *mmr_world_get_config (const MmrWorld *w) { return &w->config; }
const MmrMetrics *mmr_world_get_metrics (const MmrWorld *w) { return &w->metrics; }
guint64 mmr_world_n_in_flight (const MmrWorld *w) { return w->n_in_flight; }

const char *
mmr_world_replica_name (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return w->names[replica];
}

const char *const *
mmr_world_replica_names (const MmrWorld *w)
{
  return (const char *const *) w->names;
}

int
mmr_world_replica_index (const MmrWorld *w, const char *name)
{
  for (guint i = 0; i < w->n; i++)
    if (strcmp (w->names[i], name) == 0)
      return (int) i;
  return -1;
}

static void emit_world_event (MmrWorld *w, MmrEventKind kind, int replica,
                              int peer, const char *detail);

/* ---- client operations ---- */

/* A down or recovering replica acknowledges nothing: the client's write
 * is refused, and the trace says so. */
static gboolean
accepts (MmrWorld *w, guint replica, const char *key, const char *value)
{
  MmrReplica *r = w->replicas[replica];
  MmrEvent ev = { 0 };

  if (mmr_replica_accepts_writes (r, w->now_us))
    return TRUE;
  ev.kind = MMR_EV_REFUSED;
  ev.replica = r->is_down ? -1 : (int) replica;
  ev.peer = r->is_down ? (int) replica : -1;
  ev.key = key;
  ev.value = value;
  ev.detail = r->is_down ? "replica is down" : "replica is recovering";
  world_emit (w, &ev);
  return FALSE;
}

void
mmr_world_put (MmrWorld *w, guint replica, const char *key, const char *field,
               const char *value)
{
  g_return_if_fail (replica < w->n && key != NULL && value != NULL);
  if (accepts (w, replica, key, value))
    mmr_replica_write (w->replicas[replica], key, field, value);
}

void
mmr_world_delete (MmrWorld *w, guint replica, const char *key,
                  const char *field)
{
  g_return_if_fail (replica < w->n && key != NULL);
  if (accepts (w, replica, key, NULL))
    mmr_replica_write (w->replicas[replica], key, field, NULL);
}

void
mmr_world_declare_type (MmrWorld *w, const char *key, MmrCrdtType type)
{
  g_autofree char *detail = g_strdup_printf ("type %s %s", key,
                                             mmr_crdt_type_to_string (type));

  for (guint i = 0; i < w->n; i++)
    mmr_replica_declare_type (w->replicas[i], key, type);
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
}

gboolean
mmr_world_crdt_op (MmrWorld *w, guint replica, const char *key,
                   const char *op, const char *arg, GError **error)
{
  g_return_val_if_fail (replica < w->n && key != NULL && op != NULL, FALSE);
  if (!g_hash_table_contains (w->replicas[replica]->crdt_types, key))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_UNKNOWN_TYPE,
                   "'%s' has no CRDT type; declare it with 'type'", key);
      return FALSE;
    }
  if (!accepts (w, replica, key, op))
    return TRUE;   /* refused and traced: not an error of the caller's */
  return mmr_replica_crdt_op (w->replicas[replica], key, op, arg, error);
}

/* ---- crash and restart ---- */

static void
schedule_flush (MmrWorld *w, guint r, gint64 at_us)
{
  MmrTask t = { at_us, mmr_scheduler_next_seq (w->scheduler), MMR_TASK_FLUSH,
                r, 0 };

  mmr_scheduler_push (w->scheduler, &t);
}

/* DOC: world-crash */
void
mmr_world_crash (MmrWorld *w, guint replica)
{
  MmrEvent ev = { 0 };

  g_return_if_fail (replica < w->n);
  if (w->replicas[replica]->is_down)
    return;
  mmr_replica_crash (w->replicas[replica]);
  ev.kind = MMR_EV_CRASH;
  ev.replica = -1;
  ev.peer = (int) replica;
  ev.detail = w->replicas[replica]->db_path != NULL
              ? "memory and uncommitted writes lost"
              : "memory lost (no database)";
  world_emit (w, &ev);
  w->change_epoch++;
  reset_clean (w);
}

gboolean
mmr_world_restart (MmrWorld *w, guint replica, GError **error)
{
  MmrReplica *r;
  MmrEvent ev = { 0 };
  g_autofree char *detail = NULL;

  g_return_val_if_fail (replica < w->n, FALSE);
  r = w->replicas[replica];
  if (!r->is_down)
    return TRUE;
  ev.kind = MMR_EV_RESTART;
  ev.replica = (int) replica;
  ev.peer = -1;
  if (!mmr_replica_restart (r, w->now_us, error))
    return FALSE;
  detail = g_strdup_printf ("reloaded %u registers, new dots above %u, "
                            "catching up", mmr_store_size (r->store),
                            r->dot_floor);
  ev.detail = detail;
  ev.hlc = r->hlc;
  world_emit (w, &ev);
  /* Siblings saved before a switch to lww resolve now. */
  if (w->config.strategy == MMR_STRATEGY_LWW)
    mmr_replica_resolve_lww (r, "strategy switch");
  w->change_epoch++;
  reset_clean (w);
  return TRUE;
}

void
mmr_world_begin_local_batch (MmrWorld *w, guint replica)
{
  g_return_if_fail (replica < w->n);
  mmr_replica_begin_local_batch (w->replicas[replica]);
}

void
mmr_world_commit_local_batch (MmrWorld *w, guint replica)
{
  g_return_if_fail (replica < w->n);
  mmr_replica_commit_local_batch (w->replicas[replica]);
}

gboolean
mmr_world_is_down (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, FALSE);
  return w->replicas[replica]->is_down;
}

gboolean
mmr_world_is_recovering (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, FALSE);
  return mmr_replica_accepts_writes (w->replicas[replica], w->now_us) == FALSE
         && !w->replicas[replica]->is_down;
}

void
mmr_world_set_durability (MmrWorld *w, MmrDurability durability)
{
  static const char *const names[] = { "none", "sync", "async" };
  g_autofree char *detail = g_strdup_printf ("durability %s",
                                             names[durability]);

  /* Switching between sync and async only changes when commits happen;
   * databases are opened at creation (a data directory is needed). */
  for (guint i = 0; i < w->n; i++)
    {
      MmrReplica *r = w->replicas[i];
      gboolean was_async = r->is_async;

      r->is_async = durability == MMR_DURABILITY_ASYNC;
      if (was_async && !r->is_async)
        mmr_replica_flush (r);
    }
  w->config.durability = durability;
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
}

const MmrCrdt *
mmr_world_get_crdt (const MmrWorld *w, guint replica, const char *key)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return g_hash_table_lookup (w->replicas[replica]->crdts, key);
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mmr_world_dup_crdt_keys (const MmrWorld *w, guint replica)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  g_return_val_if_fail (replica < w->n, keys);
  g_hash_table_iter_init (&it, w->replicas[replica]->crdts);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, str_ptr_cmp);
  return keys;
}

void
mmr_world_read (MmrWorld *w, guint replica, const char *key,
                const char *field, MmrVersionVector *out_context)
{
  g_autofree char *reg = NULL;

  g_return_if_fail (replica < w->n && key != NULL);
  reg = mmr_record_register_name (w->config.granularity, key,
                                  field != NULL ? field : "");
  mmr_replica_read (w->replicas[replica], reg, out_context);
}

void
mmr_world_client_write (MmrWorld *w, guint replica, const char *key,
                        const char *field, const char *value,
                        const MmrVersionVector *context)
{
  g_return_if_fail (replica < w->n && key != NULL);
  if (accepts (w, replica, key, value))
    mmr_replica_client_write (w->replicas[replica], key, field, value,
                              context);
}

void
mmr_world_read_field_contexts (MmrWorld *w, guint replica, const char *key,
                               GHashTable *out_contexts)
{
  g_return_if_fail (replica < w->n && key != NULL && out_contexts != NULL);
  if (w->config.granularity == MMR_GRANULARITY_FIELD)
    mmr_replica_read_fields (w->replicas[replica], key, out_contexts);
}

void
mmr_world_client_delete_record (MmrWorld *w, guint replica, const char *key,
                                GHashTable *contexts)
{
  g_return_if_fail (replica < w->n && key != NULL);
  if (accepts (w, replica, key, NULL))
    mmr_replica_client_delete_record (w->replicas[replica], key, contexts);
}

/* ---- faults and settings ---- */

static void
emit_world_event (MmrWorld *w, MmrEventKind kind, int replica, int peer,
                  const char *detail)
{
  MmrEvent ev = { 0 };

  ev.kind = kind;
  ev.replica = replica;
  ev.peer = peer;
  ev.detail = detail;
  if (replica >= 0)
    ev.hlc = w->replicas[replica]->hlc;
  world_emit (w, &ev);
}

static void
set_cut_quiet (MmrWorld *w, guint from, guint to, gboolean is_cut)
{
  w->links[from][to]->is_cut = is_cut;
}

static void
note_heal (MmrWorld *w)
{
  w->metrics.last_heal_us = w->now_us;
  /* Healing changes which pairs must be clean, not the states; but a
   * settle right after must still run anti-entropy across the new links. */
  reset_clean (w);
}

void
mmr_world_set_cut (MmrWorld *w, guint from, guint to, gboolean is_cut)
{
  g_autofree char *detail = NULL;

  g_return_if_fail (from < w->n && to < w->n && from != to);
  set_cut_quiet (w, from, to, is_cut);
  detail = g_strdup_printf ("%s %s->%s", is_cut ? "cut" : "heal",
                            w->names[from], w->names[to]);
  if (!is_cut)
    note_heal (w);
  emit_world_event (w, is_cut ? MMR_EV_PARTITION : MMR_EV_HEAL, -1, -1,
                    detail);
}

void
mmr_world_partition (MmrWorld *w, const int *group_of)
{
  GString *detail = g_string_new ("partition");
  int max_group = -1;

  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j && group_of[i] >= 0 && group_of[j] >= 0
          && group_of[i] != group_of[j])
        set_cut_quiet (w, i, j, TRUE);
  for (guint i = 0; i < w->n; i++)
    max_group = MAX (max_group, group_of[i]);
  for (int g = 0; g <= max_group; g++)
    {
      if (g > 0)
        g_string_append (detail, " |");
      for (guint i = 0; i < w->n; i++)
        if (group_of[i] == g)
          g_string_append_printf (detail, " %s", w->names[i]);
    }
  emit_world_event (w, MMR_EV_PARTITION, -1, -1, detail->str);
  g_string_free (detail, TRUE);
}

void
mmr_world_heal_all (MmrWorld *w)
{
  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j)
        set_cut_quiet (w, i, j, FALSE);
  note_heal (w);
  emit_world_event (w, MMR_EV_HEAL, -1, -1, "heal");
}

void
mmr_world_set_skew (MmrWorld *w, guint replica, gint64 offset_us)
{
  g_autofree char *d = mmr_duration_format (offset_us);
  g_autofree char *detail = g_strdup_printf ("skew %s%s",
                                             offset_us > 0 ? "+" : "", d);

  g_return_if_fail (replica < w->n);
  mmr_physical_clock_set_skew (&w->replicas[replica]->physical, offset_us);
  emit_world_event (w, MMR_EV_SKEW, (int) replica, -1, detail);
}

void
mmr_world_set_drift (MmrWorld *w, guint replica, gint32 drift_ppm)
{
  g_autofree char *detail = g_strdup_printf ("drift %+dppm", drift_ppm);

  g_return_if_fail (replica < w->n);
  mmr_physical_clock_set_drift (&w->replicas[replica]->physical, w->now_us,
                                drift_ppm);
  emit_world_event (w, MMR_EV_SKEW, (int) replica, -1, detail);
}

static char *
describe_model (const MmrLinkModel *m)
{
  g_autofree char *lo = mmr_duration_format (m->latency_min_us);
  g_autofree char *hi = mmr_duration_format (m->latency_max_us);

  if (m->latency_min_us == m->latency_max_us)
    return g_strdup_printf ("latency %s loss %g duplicate %g reorder %s", lo,
                            m->loss, m->duplicate, m->reorder ? "on" : "off");
  return g_strdup_printf ("latency %s..%s loss %g duplicate %g reorder %s", lo,
                          hi, m->loss, m->duplicate,
                          m->reorder ? "on" : "off");
}

void
mmr_world_set_link_model (MmrWorld *w, int from, int to,
                          const MmrLinkModel *model)
{
  g_autofree char *what = describe_model (model);
  g_autofree char *detail = NULL;

  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j && (from < 0 || (guint) from == i) && (to < 0 || (guint) to == j))
        w->links[i][j]->model = *model;
  if (from < 0)
    {
      w->config.link = *model;
      detail = g_strdup_printf ("links: %s", what);
    }
  else
    detail = g_strdup_printf ("link %s->%s: %s", w->names[from], w->names[to],
                              what);
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
}

static void
apply_all_settings (MmrWorld *w)
{
  for (guint i = 0; i < w->n; i++)
    apply_replica_settings (w, w->replicas[i]);
}

static const char *const strategy_names[] = { "lww", "siblings", "merge" };

/* Does any replica hold a register, or any message carry one? */
static gboolean
has_registers (const MmrWorld *w)
{
  for (guint i = 0; i < w->n; i++)
    if (mmr_store_size (w->replicas[i]->store) > 0)
      return TRUE;
  return w->n_payload_in_flight > 0;
}

/* DOC: strategy-switch */
/* A switch is a world-wide setting applied at one instant (as a config
 * push that reaches every replica, partitioned or not). Between lww and
 * siblings/merge it changes what a register's siblings are as a function
 * of its vector, so anti-entropy compares whole registers from then on.
 * A switch to lww resolves every up replica's siblings now; a down one
 * resolves when it restarts (mmr_world_restart). */
static void
switch_strategy (MmrWorld *w, MmrStrategy before, const char *detail)
{
  gboolean to_lww = w->config.strategy == MMR_STRATEGY_LWW;

  if ((before == MMR_STRATEGY_LWW) != to_lww && has_registers (w))
    w->is_switched = TRUE;
  apply_all_settings (w);
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
  if (!to_lww)
    return;
  for (guint i = 0; i < w->n; i++)
    if (!w->replicas[i]->is_down)
      mmr_replica_resolve_lww (w->replicas[i], "strategy switch");
}
static const char *const causality_names[] = { "vv", "dvv", "history" };

void
mmr_world_set_merge (MmrWorld *w, const char *name)
{
  g_autofree char *detail = g_strdup_printf ("strategy merge %s", name);
  MmrStrategy before = w->config.strategy;

  g_return_if_fail (mmr_merge_exists (name));
  g_free (w->config.merge);
  w->config.merge = g_strdup (name);
  w->config.strategy = MMR_STRATEGY_MERGE;
  switch_strategy (w, before, detail);
}

void
mmr_world_set_causality (MmrWorld *w, MmrCausality causality)
{
  g_autofree char *detail = g_strdup_printf ("causality %s",
                                             causality_names[causality]);

  w->config.causality = causality;
  apply_all_settings (w);
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
}
static const char *const clock_names[] = { "physical", "lamport", "hlc" };

void
mmr_world_set_strategy (MmrWorld *w, MmrStrategy strategy)
{
  g_autofree char *detail = g_strdup_printf ("strategy %s",
                                             strategy_names[strategy]);
  MmrStrategy before = w->config.strategy;

  w->config.strategy = strategy;
  switch_strategy (w, before, detail);
}

void
mmr_world_set_clock (MmrWorld *w, MmrClockSource clock)
{
  g_autofree char *detail = g_strdup_printf ("clock %s", clock_names[clock]);

  w->config.clock = clock;
  apply_all_settings (w);
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
}

void
mmr_world_set_antientropy_mode (MmrWorld *w, MmrAntiEntropyMode mode)
{
  static const char *const names[] = { "digest", "merkle", "full" };
  g_autofree char *detail = g_strdup_printf ("antientropy %s", names[mode]);

  w->config.antientropy_mode = mode;
  apply_all_settings (w);
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
}

void
mmr_world_set_antientropy (MmrWorld *w, gint64 interval_us)
{
  g_autofree char *d = mmr_duration_format (interval_us);
  g_autofree char *detail = interval_us > 0
                            ? g_strdup_printf ("antientropy %s", d)
                            : g_strdup ("antientropy off");

  w->config.antientropy_interval_us = MAX (interval_us, 0);
  start_ticks (w);
  emit_world_event (w, MMR_EV_CONFIG, -1, -1, detail);
}

/* ---- running ---- */

/* DOC: prefetch-next */
/* The next delivery's key is known before it is decoded (the sender
 * noted its hash): start loading its bucket in the receiver's store now,
 * and the memory latency overlaps the apply of the current message instead
 * of stalling the next one. Only a hint: nothing observable changes. */
static void
prefetch_next (MmrWorld *w)
{
  const MmrTask *next = mmr_scheduler_peek (w->scheduler);
  const MmrInFlight *m;

  if (next == NULL || next->kind != MMR_TASK_DELIVER)
    return;
  m = w->links[next->a][next->b]->head;
  if (m != NULL && m->has_key)
    mmr_store_prefetch (w->replicas[next->b]->store, m->key_hash);
}

/* @m has left (or, duplicated, is still on) the link @from -> @to. */
static void
deliver_message (MmrWorld *w, guint from, guint to, const MmrInFlight *m)
{
  MmrChannel *ch = w->links[from][to];

  if (ch->is_cut)
    {
      /* The link was cut while the message was on it. */
      emit_link_event (w, MMR_EV_DROP, from, to, m->msg_id,
                       g_bytes_get_size (m->bytes), "cut in flight");
    }
  else if (w->replicas[to]->is_down)
    emit_link_event (w, MMR_EV_DROP, from, to, m->msg_id,
                     g_bytes_get_size (m->bytes), "receiver is down");
  else
    {
      ch->n_delivered++;
      w->delivering = m;
      mmr_replica_receive (w->replicas[to], from, m->bytes, m->msg_id);
      w->delivering = NULL;
    }
}

static void
note_off_link (MmrWorld *w, guint from, guint to, const MmrInFlight *m)
{
  w->n_in_flight--;
  if (m->is_payload)
    {
      w->n_payload_in_flight--;
      w->n_payload_link[from][to]--;
    }
}

static void
deliver (MmrWorld *w, const MmrTask *t)
{
  MmrChannel *ch = w->links[t->a][t->b];
  MmrInFlight *m = mmr_channel_pop (ch);

  g_assert (m != NULL && m->seq == t->seq);
  prefetch_next (w);
  note_off_link (w, t->a, t->b, m);
  deliver_message (w, t->a, t->b, m);
  mmr_channel_recycle (ch, m);
}

/* DOC: world-step */
gboolean
mmr_world_step (MmrWorld *w)
{
  const MmrTask *top = mmr_scheduler_peek (w->scheduler);
  const MmrInFlight *next;
  MmrTask t;

  if (top == NULL)
    return FALSE;
  /* A delivery's task passes to the next message on its link (see
   * schedule_head), in the same step that takes it off the heap. */
  next = top->kind == MMR_TASK_DELIVER
         ? w->links[top->a][top->b]->head->next : NULL;
  if (next != NULL)
    {
      MmrTask n = delivery_task (next, top->a, top->b);

      mmr_scheduler_pop_push (w->scheduler, &t, &n);
    }
  else
    mmr_scheduler_pop (w->scheduler, &t);
  g_assert (t.time_us >= w->now_us);
  w->now_us = t.time_us;
  switch (t.kind)
    {
    case MMR_TASK_DELIVER:
      deliver (w, &t);
      break;
    case MMR_TASK_TICK:
      w->tick_pending[t.a] = FALSE;
      if (w->config.antientropy_interval_us > 0)
        {
          if (!w->replicas[t.a]->is_down)
            mmr_replica_antientropy_tick (w->replicas[t.a]);
          schedule_tick (w, t.a, w->now_us + w->config.antientropy_interval_us);
        }
      break;
    case MMR_TASK_FLUSH:
      /* DOC: async-flush */
      if (!w->replicas[t.a]->is_down && !w->replicas[t.a]->in_local_batch)
        mmr_replica_flush (w->replicas[t.a]);
      schedule_flush (w, t.a, w->now_us + w->config.flush_interval_us);
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

gint64
mmr_world_next_time (const MmrWorld *w)
{
  const MmrTask *t = mmr_scheduler_peek (w->scheduler);

  return t != NULL ? t->time_us : G_MAXINT64;
}

void
mmr_world_run_until (MmrWorld *w, gint64 until_us)
{
  while (mmr_world_next_time (w) <= until_us)
    mmr_world_step (w);
  if (until_us > w->now_us)
    w->now_us = until_us;
}

/* A pair is "joined" when both links work and both replicas are up. */
static gboolean
joined (const MmrWorld *w, guint i, guint j)
{
  return !w->links[i][j]->is_cut && !w->links[j][i]->is_cut
         && !w->replicas[i]->is_down && !w->replicas[j]->is_down;
}

/* DOC: quiescence
 * Every joined pair has had a clean exchange since the last change, so
 * joined replicas hold equal states. A message in flight between them
 * carries a state its sender had, a subset of what both hold now: it can
 * change nothing. Only a message carrying registers on a link whose pair
 * is not joined (a one-way cut) could still bring news. */
gboolean
mmr_world_is_quiescent (const MmrWorld *w)
{
  if (w->config.antientropy_interval_us <= 0)
    return w->n_in_flight == 0;
  /* A restarted replica still catching up will change. */
  for (guint i = 0; i < w->n; i++)
    {
      const MmrReplica *r = w->replicas[i];

      if (r->is_recovering && r->recover_waiting != 0
          && w->now_us < r->recover_deadline_us)
        return FALSE;
    }
  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      {
        if (i == j)
          continue;
        if (joined (w, i, j) ? !w->clean[i][j] : w->n_payload_link[i][j] > 0)
          return FALSE;
      }
  return TRUE;
}

/* DOC: settle */
gboolean
mmr_world_settle (MmrWorld *w, gint64 limit_us)
{
  gint64 deadline = w->now_us + limit_us;

  while (!mmr_world_is_quiescent (w))
    {
      if (mmr_world_next_time (w) > deadline)
        return FALSE;
      mmr_world_step (w);
    }
  return TRUE;
}

/* ---- read-only views ---- */

const MmrStore *
mmr_world_get_store (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return w->replicas[replica]->store;
}

const MmrChannel *
mmr_world_get_channel (const MmrWorld *w, guint from, guint to)
{
  g_return_val_if_fail (from < w->n && to < w->n && from != to, NULL);
  return w->links[from][to];
}

void
mmr_world_get_clocks (const MmrWorld *w, guint replica,
                      gint64 *out_physical_us, guint64 *out_lamport,
                      MmrHlc *out_hlc)
{
  const MmrReplica *r;

  g_return_if_fail (replica < w->n);
  r = w->replicas[replica];
  if (out_physical_us != NULL)
    *out_physical_us = mmr_physical_clock_read (&r->physical, w->now_us);
  if (out_lamport != NULL)
    *out_lamport = r->lamport;
  if (out_hlc != NULL)
    *out_hlc = r->hlc;
}

const MmrPhysicalClock *
mmr_world_get_physical_clock (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return &w->replicas[replica]->physical;
}

/* ---- manual delivery and copies (mmr explore) ---- */

G_DEFINE_QUARK (mmr-world-error-quark, mmr_world_error)

static gboolean
check_deliverable (const MmrWorld *w, guint from, guint to, guint index,
                   MmrDeliverHow how, GError **error)
{
  const MmrChannel *ch = w->links[from][to];
  const MmrInFlight *m;

  if (!w->config.is_manual_delivery)
    {
      g_set_error (error, MMR_WORLD_ERROR, MMR_WORLD_ERROR_NOT_MANUAL,
                   "the world delivers messages itself "
                   "(no 'delivery manual')");
      return FALSE;
    }
  m = mmr_channel_nth (ch, index);
  if (m == NULL)
    {
      g_set_error (error, MMR_WORLD_ERROR, MMR_WORLD_ERROR_NO_MESSAGE,
                   "no message #%u in flight on %s->%s (%u in flight)",
                   index + 1, w->names[from], w->names[to], ch->n_queued);
      return FALSE;
    }
  if (index > 0 && !ch->model.reorder)
    {
      g_set_error (error, MMR_WORLD_ERROR, MMR_WORLD_ERROR_NO_MESSAGE,
                   "%s->%s keeps messages in order (reorder off): only the "
                   "oldest can go next", w->names[from], w->names[to]);
      return FALSE;
    }
  if (how == MMR_DELIVER_COPY && m->is_duplicate)
    {
      g_set_error (error, MMR_WORLD_ERROR, MMR_WORLD_ERROR_NO_MESSAGE,
                   "message #%u on %s->%s was already duplicated",
                   index + 1, w->names[from], w->names[to]);
      return FALSE;
    }
  return TRUE;
}

/* DOC: world-deliver */
gboolean
mmr_world_deliver (MmrWorld *w, guint from, guint to, guint index,
                   MmrDeliverHow how, GError **error)
{
  MmrChannel *ch;
  MmrInFlight *m;

  g_return_val_if_fail (from < w->n && to < w->n && from != to, FALSE);
  if (!check_deliverable (w, from, to, index, how, error))
    return FALSE;
  ch = w->links[from][to];
  if (how == MMR_DELIVER_COPY)
    {
      m = mmr_channel_nth (ch, index);
      m->is_duplicate = TRUE;
      ch->n_duplicated++;
      emit_link_event (w, MMR_EV_DUPLICATE, from, to, m->msg_id,
                       g_bytes_get_size (m->bytes), "duplicate");
      deliver_message (w, from, to, m);
      return TRUE;
    }
  m = mmr_channel_take (ch, index);
  note_off_link (w, from, to, m);
  if (how == MMR_DELIVER_LOSE)
    {
      ch->n_lost++;
      emit_link_event (w, MMR_EV_DROP, from, to, m->msg_id,
                       g_bytes_get_size (m->bytes), "loss");
    }
  else
    deliver_message (w, from, to, m);
  mmr_channel_recycle (ch, m);
  return TRUE;
}
