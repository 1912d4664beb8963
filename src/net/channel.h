/* channel.h - one directed link between two replicas
 *
 * A channel is a queue of in-flight messages (GBytes) from one replica to
 * another, plus the link's fault model. Sending draws the message's fate
 * from the world's PRNG - lost, delivered once or twice, after what latency
 * - and queues the copies in delivery order. Because the queue is
 * ordered, the world schedules only its head: one task per link, however
 * many messages are on it (src/sim/world-run.c, "scheduling deliveries").
 *
 * The fault model is a plain struct of delays and probabilities (as in
 * TigerBeetle's simulator): every fault is a number a scenario can set.
 *
 * Invariants: the queue is sorted by (deliver_at_us, seq); with reorder off
 * a message is never delivered before one sent earlier on the same link.
 *
 * Taught in docs/scenario-language.md ("Network settings") and labs 01 and 10.
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

typedef struct _MmrInFlight MmrInFlight;

struct _MmrInFlight {
  MmrInFlight *next;        /* the queue is a list through the copies */
  MmrInFlight *prev;
  guint64 msg_id;           /* same for a message and its duplicate */
  guint64 seq;              /* scheduler sequence of its delivery */
  gint64 sent_at_us;
  gint64 deliver_at_us;
  GBytes *bytes;            /* owned */
  gboolean is_duplicate;
  /* Set by the world, not the channel: instrumentation for the trace. */
  gboolean is_payload;      /* carries registers */
  gboolean has_key;         /* a push of one key, whose store hash is: */
  guint32 key_hash;
  MmrVersionVector send_clock;  /* sender's vector clock at SEND */
};

typedef struct {
  guint from;
  guint to;
  MmrLinkModel model;
  gboolean is_cut;
  /* The copies on the link, owned, in delivery order: iterate with
   * for (m = ch->head; m != NULL; m = m->next). */
  MmrInFlight *head;
  MmrInFlight *tail;
  guint n_queued;
  MmrInFlight *spare;       /* delivered copies kept for reuse (via next):
                             * a busy link allocates nothing per message */
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
/* Removes and returns the next copy to deliver, or NULL; give it back
 * with mmr_channel_recycle once delivered. */
MmrInFlight *mmr_channel_pop (MmrChannel *ch);
void         mmr_channel_recycle (MmrChannel *ch, MmrInFlight *m);
guint        mmr_channel_n_in_flight (const MmrChannel *ch);

/* Manual delivery (mmr explore, and scenarios with 'delivery manual'):
 * no fate is drawn. mmr_channel_queue puts one copy of @bytes at the tail
 * (a cut link drops it: MMR_SEND_CUT); which copy arrives, and whether it
 * is lost or arrives twice, is chosen later by whoever drives the world. */
MmrSendFate  mmr_channel_queue (MmrChannel *ch, gint64 now_us, GBytes *bytes,
                                guint64 msg_id, guint64 seq,
                                MmrInFlight **out_copy);
/* The @index-th copy on the link (0: the head), or NULL. */
MmrInFlight *mmr_channel_nth   (const MmrChannel *ch, guint index);
/* Removes the @index-th copy (0: the head) and returns it, or NULL; give
 * it back with mmr_channel_recycle. */
MmrInFlight *mmr_channel_take  (MmrChannel *ch, guint index);
/* A copy of the link: model, cut, counters and the copies in flight (their
 * bytes shared: GBytes never change). */
MmrChannel  *mmr_channel_copy  (const MmrChannel *ch);

G_END_DECLS
