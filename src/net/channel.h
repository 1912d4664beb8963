/* channel.h - one directed link between two replicas
 *
 * A channel is a queue of in-flight messages (GBytes) from one replica to
 * another, plus the link's fault model. Sending draws the message's fate
 * from the world's PRNG - lost, delivered once or twice, after what latency
 * - and queues the copies in delivery order. The world schedules one
 * delivery per queued copy and pops the head when it fires.
 *
 * The fault model is a plain struct of delays and probabilities (as in
 * TigerBeetle's simulator): every fault is a number a scenario can set.
 *
 * Invariants: the queue is sorted by (deliver_at_us, seq); with reorder off
 * a message is never delivered before one sent earlier on the same link.
 *
 * Taught in docs/network.md and labs 01 and 10.
 */
#pragma once

#include <glib.h>

#include "core/prng.h"
#include "core/version-vector.h"

G_BEGIN_DECLS

typedef struct {
  gint64 latency_min_us;
  gint64 latency_max_us;    /* == min for a fixed latency */
  double loss;              /* probability a message is lost */
  double duplicate;         /* probability a second copy is delivered */
  gboolean reorder;         /* may a later message overtake an earlier one? */
} MmrLinkModel;

void mmr_link_model_init (MmrLinkModel *model);

typedef struct {
  guint64 msg_id;           /* same for a message and its duplicate */
  guint64 seq;              /* scheduler sequence of its delivery */
  gint64 sent_at_us;
  gint64 deliver_at_us;
  GBytes *bytes;            /* owned */
  gboolean is_duplicate;
  /* Set by the world, not the channel: instrumentation for the trace. */
  gboolean is_payload;      /* carries registers */
  MmrVersionVector send_clock;  /* sender's vector clock at SEND */
} MmrInFlight;

typedef struct {
  guint from;
  guint to;
  MmrLinkModel model;
  gboolean is_cut;
  GQueue queue;             /* MmrInFlight*, owned, in delivery order */
  gint64 fifo_floor_us;     /* latest delivery time queued (reorder off) */
  guint64 n_sent;
  guint64 n_delivered;
  guint64 n_lost;
  guint64 n_duplicated;
  guint64 bytes_sent;
} MmrChannel;

typedef enum {
  MMR_SEND_QUEUED,          /* one copy queued */
  MMR_SEND_DUPLICATED,      /* two copies queued */
  MMR_SEND_LOST,            /* the loss probability struck */
  MMR_SEND_CUT,             /* the link is cut */
} MmrSendFate;

MmrChannel *mmr_channel_new  (guint from, guint to, const MmrLinkModel *model);
void        mmr_channel_free (MmrChannel *ch);

/* Draws the fate of @bytes and queues the copies. @seq_a and @seq_b are
 * the scheduler sequence numbers for the first and second copy; on return
 * @out_copies holds borrowed pointers to the queued copies (0, 1 or 2). */
MmrSendFate mmr_channel_send (MmrChannel *ch, MmrPrng *prng, gint64 now_us,
                              GBytes *bytes, guint64 msg_id,
                              guint64 seq_a, guint64 seq_b,
                              MmrInFlight *out_copies[2]);
/* Removes and returns the next copy to deliver (owned), or NULL. */
MmrInFlight *mmr_channel_pop (MmrChannel *ch);
guint        mmr_channel_n_in_flight (const MmrChannel *ch);
void         mmr_in_flight_free (MmrInFlight *m);

G_END_DECLS
