/* world-run.c - the loop: emit, send, schedule, deliver, step
 *
 * One loop drives everything: pop the earliest task, set the virtual clock
 * to its time, run it. A task is the delivery of the head message of one
 * link, one replica's anti-entropy timer or its database's flush timer.
 *
 * The world is also the only observer of causality across replicas: every
 * event is stamped with its replica's vector clock over events (each event
 * ticks it; a delivery merges the clock its message was sent with). This
 * costs no bytes on the wire - it is instrumentation, like ShiViz's - and
 * gives every pair of events of a run a happened-before answer.
 *
 * Interface: mmr_world_step, mmr_world_next_time, mmr_world_run_until,
 * mmr_world_deliver (manual delivery, mmr explore) in world.h; emitting,
 * sending and the timers for the other facets in world-private.h.
 * Invariant: every non-empty link has exactly one DELIVER task, for its
 * head (schedule_head).
 *
 * Taught in docs/architecture.md (steps 4 to 7) and docs/benchmarks.md.
 */
#include "sim/world-private.h"

/* DOC: world-emit */
void
mmr_world_emit (MmrWorld *w, MmrEvent *ev)
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
  mmr_world_count_event (w, ev);
  for (guint i = 0; i < w->observers->len; i++)
    {
      Observer *o = &g_array_index (w->observers, Observer, i);

      o->func (ev, o->user_data);
    }
}

void
mmr_world_env_emit (gpointer data, MmrEvent *ev)
{
  mmr_world_emit (data, ev);
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
  mmr_world_emit (w, &ev);
}

/* DOC: world-send */
void
mmr_world_env_send (gpointer data, guint from, guint to, GBytes *bytes,
                    const MmrSendNote *note)
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
  const char *key = note->key;
  const MmrVersionVector *vv = note->vv;
  gboolean is_push = key != NULL;   /* a write's or an op's own message */
  gboolean is_payload = note->n_registers > 0;

  w->metrics.messages++;
  w->metrics.bytes += size;
  if (is_push)
    {
      w->metrics.push_messages++;
      w->metrics.push_bytes += size;
      w->metrics.metadata_bytes += note->metadata_bytes;
      if (vv != NULL)
        mmr_world_account_causality (w, from, vv);
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
  ev.value = note->value;
  ev.dot = note->dot;
  ev.msg_id = msg_id;
  ev.bytes = (guint32) size;
  ev.hlc = w->replicas[from]->hlc;
  ev.detail = mmr_msg_type_to_string (note->type);
  if (vv != NULL)
    ev.vv = *vv;
  mmr_world_emit (w, &ev);
  if (fate == MMR_SEND_LOST || fate == MMR_SEND_CUT)
    {
      emit_link_event (w, MMR_EV_DROP, from, to, msg_id, size,
                       fate == MMR_SEND_CUT ? "cut" : "loss");
      return;
    }
  note_in_flight (w, copies[0], from, to, &ev.clock, is_payload, key);
  if (fate == MMR_SEND_DUPLICATED)
    {
      note_in_flight (w, copies[1], from, to, &ev.clock, is_payload, key);
      emit_link_event (w, MMR_EV_DUPLICATE, from, to, msg_id, size,
                       "duplicate");
    }
}

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
void
mmr_world_start_ticks (MmrWorld *w)
{
  gint64 iv = w->config.antientropy_interval_us;

  if (iv <= 0)
    return;
  for (guint r = 0; r < w->n; r++)
    if (!w->tick_pending[r])
      schedule_tick (w, r, w->now_us + 1 + mmr_prng_range (w->prng, 0, iv - 1));
}

/* ---- crash and restart ---- */

void
mmr_world_schedule_flush (MmrWorld *w, guint r, gint64 at_us)
{
  MmrTask t = { at_us, mmr_scheduler_next_seq (w->scheduler), MMR_TASK_FLUSH,
                r, 0 };

  mmr_scheduler_push (w->scheduler, &t);
}

/* ---- faults and settings ---- */

void
mmr_world_trace (MmrWorld *w, MmrEventKind kind, int replica, int peer,
                  const char *detail)
{
  MmrEvent ev = { 0 };

  ev.kind = kind;
  ev.replica = replica;
  ev.peer = peer;
  ev.detail = detail;
  if (replica >= 0)
    ev.hlc = w->replicas[replica]->hlc;
  mmr_world_emit (w, &ev);
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
      guint32 clean;

      ch->n_delivered++;
      w->delivering = m;
      clean = mmr_replica_receive (w->replicas[to], from, m->bytes,
                                   m->msg_id);
      w->delivering = NULL;
      if (clean != 0)
        mmr_world_note_clean_exchange (w, to, from, clean);
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
      mmr_world_schedule_flush (w, t.a,
                                w->now_us + w->config.flush_interval_us);
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


/* ---- manual delivery (mmr explore) ---- */

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
