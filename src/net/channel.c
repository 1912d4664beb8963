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
  g_queue_init (&ch->queue);
  return ch;
}

void
mmr_in_flight_free (MmrInFlight *m)
{
  if (m == NULL)
    return;
  g_bytes_unref (m->bytes);
  g_free (m);
}

void
mmr_channel_free (MmrChannel *ch)
{
  if (ch == NULL)
    return;
  g_queue_clear_full (&ch->queue, (GDestroyNotify) mmr_in_flight_free);
  g_free (ch);
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
  GList *l = ch->queue.tail;

  while (l != NULL)
    {
      MmrInFlight *o = l->data;

      if (o->deliver_at_us < m->deliver_at_us
          || (o->deliver_at_us == m->deliver_at_us && o->seq < m->seq))
        break;
      l = l->prev;
    }
  if (l == NULL)
    g_queue_push_head (&ch->queue, m);
  else
    g_queue_insert_after (&ch->queue, l, m);
}

static MmrInFlight *
queue_copy (MmrChannel *ch, MmrPrng *prng, gint64 now_us, GBytes *bytes,
            guint64 msg_id, guint64 seq, gboolean is_duplicate)
{
  MmrInFlight *m = g_new0 (MmrInFlight, 1);

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
  return g_queue_pop_head (&ch->queue);
}

guint
mmr_channel_n_in_flight (const MmrChannel *ch)
{
  return ch->queue.length;
}
