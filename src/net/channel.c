/* channel.c - a directed link: latency, loss, duplication, reordering
 *
 * How a message's delivery time is chosen:
 *   - latency is drawn uniformly from [min, max];
 *   - with reorder off, a message is held until after the previous one on
 *     the link (TCP-like FIFO): deliver_at = max(drawn, fifo_floor);
 *   - with reorder on, each copy keeps its own draw, so a later message with
 *     a short draw overtakes an earlier one with a long draw. With a fixed
 *     latency there would be nothing to draw, so reorder adds a jitter of up
 *     to one latency on top.
 * A duplicate gets its own, independent latency.
 *
 * The order of PRNG draws is fixed (loss, then latency, then duplicate, then
 * its latency) and a zero probability draws nothing, so adding a fault to
 * one link does not shift the random stream of the others.
 */
#include "net/channel.h"

#include <string.h>

void
mmr_link_model_init (MmrLinkModel *model)
{
  model->latency_min_us = 10000;
  model->latency_max_us = 10000;
  model->loss = 0.0;
  model->duplicate = 0.0;
  model->reorder = FALSE;
}

MmrChannel *
mmr_channel_new (guint from, guint to, const MmrLinkModel *model)
{
  MmrChannel *ch = g_new0 (MmrChannel, 1);

  ch->from = from;
  ch->to = to;
  ch->model = *model;
  return ch;
}

static void
free_list (MmrInFlight *m)
{
  while (m != NULL)
    {
      MmrInFlight *next = m->next;

      g_clear_pointer (&m->bytes, g_bytes_unref);
      g_free (m);
      m = next;
    }
}

void
mmr_channel_free (MmrChannel *ch)
{
  if (ch == NULL)
    return;
  free_list (ch->head);
  free_list (ch->spare);
  g_free (ch);
}

void
mmr_channel_recycle (MmrChannel *ch, MmrInFlight *m)
{
  g_clear_pointer (&m->bytes, g_bytes_unref);
  m->prev = NULL;
  m->next = ch->spare;
  ch->spare = m;
}

static gint64
draw_latency (MmrChannel *ch, MmrPrng *prng)
{
  const MmrLinkModel *m = &ch->model;
  gint64 us = m->latency_min_us;

  if (m->latency_max_us > m->latency_min_us)
    us = mmr_prng_range (prng, m->latency_min_us, m->latency_max_us);
  else if (m->reorder && m->latency_min_us > 0)
    us += mmr_prng_range (prng, 0, m->latency_min_us);
  return us;
}

/* Queue sorted by (deliver_at, seq). Most copies go at the tail, so the
 * scan runs from the tail: O(1) for FIFO links. */
static void
enqueue (MmrChannel *ch, MmrInFlight *m)
{
  MmrInFlight *after = ch->tail;

  while (after != NULL
         && (after->deliver_at_us > m->deliver_at_us
             || (after->deliver_at_us == m->deliver_at_us
                 && after->seq > m->seq)))
    after = after->prev;
  m->prev = after;
  m->next = after != NULL ? after->next : ch->head;
  if (m->next != NULL)
    m->next->prev = m;
  else
    ch->tail = m;
  if (after != NULL)
    after->next = m;
  else
    ch->head = m;
  ch->n_queued++;
}

/* A zeroed copy: a recycled one from the spare list when there is one
 * (mmr_channel_recycle), else a new one. */
static MmrInFlight *
take_copy (MmrChannel *ch)
{
  MmrInFlight *m = ch->spare;

  if (m != NULL)
    {
      ch->spare = m->next;
      memset (m, 0, sizeof *m);
    }
  else
    m = g_new0 (MmrInFlight, 1);
  return m;
}

static MmrInFlight *
queue_copy (MmrChannel *ch, MmrPrng *prng, gint64 now_us, GBytes *bytes,
            guint64 msg_id, guint64 seq, gboolean is_duplicate)
{
  MmrInFlight *m = take_copy (ch);

  m->msg_id = msg_id;
  m->seq = seq;
  m->sent_at_us = now_us;
  m->deliver_at_us = now_us + draw_latency (ch, prng);
  if (!ch->model.reorder)
    {
      m->deliver_at_us = MAX (m->deliver_at_us, ch->fifo_floor_us);
      ch->fifo_floor_us = m->deliver_at_us;
    }
  m->bytes = g_bytes_ref (bytes);
  m->is_duplicate = is_duplicate;
  enqueue (ch, m);
  return m;
}

/* DOC: channel-send */
MmrSendFate
mmr_channel_send (MmrChannel *ch, MmrPrng *prng, gint64 now_us,
                  GBytes *bytes, guint64 msg_id, guint64 seq_a, guint64 seq_b,
                  MmrInFlight *out_copies[2])
{
  out_copies[0] = out_copies[1] = NULL;
  ch->n_sent++;
  ch->bytes_sent += g_bytes_get_size (bytes);
  if (ch->is_cut)
    {
      ch->n_lost++;
      return MMR_SEND_CUT;
    }
  if (mmr_prng_chance (prng, ch->model.loss))
    {
      ch->n_lost++;
      return MMR_SEND_LOST;
    }
  out_copies[0] = queue_copy (ch, prng, now_us, bytes, msg_id, seq_a, FALSE);
  if (!mmr_prng_chance (prng, ch->model.duplicate))
    return MMR_SEND_QUEUED;
  ch->n_duplicated++;
  out_copies[1] = queue_copy (ch, prng, now_us, bytes, msg_id, seq_b, TRUE);
  return MMR_SEND_DUPLICATED;
}

MmrInFlight *
mmr_channel_pop (MmrChannel *ch)
{
  MmrInFlight *m = ch->head;

  if (m == NULL)
    return NULL;
  ch->head = m->next;
  if (ch->head != NULL)
    {
      ch->head->prev = NULL;
      /* The copy after the new head is read when the new head is
       * delivered - a few dozen deliveries from now, on a busy world,
       * long enough for memory to answer. */
#if defined(__GNUC__)
      if (ch->head->next != NULL)
        __builtin_prefetch (ch->head->next);
#endif
    }
  else
    ch->tail = NULL;
  m->next = m->prev = NULL;
  ch->n_queued--;
  return m;
}

guint
mmr_channel_n_in_flight (const MmrChannel *ch)
{
  return ch->n_queued;
}

/* ---- manual delivery ---- */

MmrSendFate
mmr_channel_queue (MmrChannel *ch, gint64 now_us, GBytes *bytes,
                   guint64 msg_id, guint64 seq, MmrInFlight **out_copy)
{
  MmrInFlight *m;

  *out_copy = NULL;
  ch->n_sent++;
  ch->bytes_sent += g_bytes_get_size (bytes);
  if (ch->is_cut)
    {
      ch->n_lost++;
      return MMR_SEND_CUT;
    }
  m = take_copy (ch);
  m->msg_id = msg_id;
  m->seq = seq;
  m->sent_at_us = now_us;
  /* Time never goes back and seq grows, so the copy goes at the tail:
   * the queue is in send order. */
  m->deliver_at_us = MAX (now_us, ch->fifo_floor_us);
  ch->fifo_floor_us = m->deliver_at_us;
  m->bytes = g_bytes_ref (bytes);
  enqueue (ch, m);
  *out_copy = m;
  return MMR_SEND_QUEUED;
}

MmrInFlight *
mmr_channel_nth (const MmrChannel *ch, guint index)
{
  MmrInFlight *m = ch->head;

  while (m != NULL && index-- > 0)
    m = m->next;
  return m;
}

MmrInFlight *
mmr_channel_take (MmrChannel *ch, guint index)
{
  MmrInFlight *m = mmr_channel_nth (ch, index);

  if (m == NULL)
    return NULL;
  if (m == ch->head)
    return mmr_channel_pop (ch);
  m->prev->next = m->next;
  if (m->next != NULL)
    m->next->prev = m->prev;
  else
    ch->tail = m->prev;
  m->next = m->prev = NULL;
  ch->n_queued--;
  return m;
}

MmrChannel *
mmr_channel_copy (const MmrChannel *ch)
{
  MmrChannel *copy = g_new0 (MmrChannel, 1);
  MmrInFlight *prev = NULL;

  *copy = *ch;
  copy->head = copy->tail = copy->spare = NULL;
  for (const MmrInFlight *m = ch->head; m != NULL; m = m->next)
    {
      MmrInFlight *c = g_new (MmrInFlight, 1);

      *c = *m;
      c->bytes = g_bytes_ref (m->bytes);
      c->prev = prev;
      c->next = NULL;
      if (prev != NULL)
        prev->next = c;
      else
        copy->head = c;
      prev = c;
    }
  copy->tail = prev;
  return copy;
}
