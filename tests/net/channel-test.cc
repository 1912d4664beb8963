// channel-test.cc - a link's queue: an intrusive list with recycled copies
//
// The channel keeps its in-flight copies in a doubly linked list sorted by
// (deliver_at_us, seq) and keeps delivered copies on a free list for reuse
// (src/net/channel.c). These tests walk the list both ways after every
// send, check that a recycled copy is the one reused and comes back
// clean, and pin the fates: lost, cut, duplicated.

#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "net/channel.h"
}

namespace {

struct ChannelDeleter {
  void operator() (MmrChannel *c) const { mmr_channel_free (c); }
};
using ChannelPtr = std::unique_ptr<MmrChannel, ChannelDeleter>;

struct PrngDeleter {
  void operator() (MmrPrng *p) const { mmr_prng_free (p); }
};
using PrngPtr = std::unique_ptr<MmrPrng, PrngDeleter>;

struct BytesDeleter {
  void operator() (GBytes *b) const { g_bytes_unref (b); }
};
using BytesPtr = std::unique_ptr<GBytes, BytesDeleter>;

BytesPtr
Bytes (const std::string &s)
{
  return BytesPtr (g_bytes_new (s.data (), s.size ()));
}

std::string
Text (GBytes *b)
{
  gsize n;
  const char *d = static_cast<const char *> (g_bytes_get_data (b, &n));

  return std::string (d, n);
}

MmrLinkModel
Model (gint64 min_us, gint64 max_us, gboolean reorder)
{
  MmrLinkModel m;

  mmr_link_model_init (&m);
  m.latency_min_us = min_us;
  m.latency_max_us = max_us;
  m.reorder = reorder;
  return m;
}

bool
Before (const MmrInFlight *a, const MmrInFlight *b)
{
  return a->deliver_at_us < b->deliver_at_us
         || (a->deliver_at_us == b->deliver_at_us && a->seq < b->seq);
}

// The list is well formed both ways, sorted, and counted right.
void
ExpectWellFormedQueue (const MmrChannel *ch)
{
  std::vector<const MmrInFlight *> forward, backward;

  if (ch->head == nullptr || ch->tail == nullptr)
    {
      EXPECT_EQ (ch->head, nullptr);
      EXPECT_EQ (ch->tail, nullptr);
      EXPECT_EQ (ch->n_queued, 0u);
      return;
    }
  EXPECT_EQ (ch->head->prev, nullptr);
  EXPECT_EQ (ch->tail->next, nullptr);
  for (const MmrInFlight *m = ch->head; m != nullptr; m = m->next)
    {
      forward.push_back (m);
      ASSERT_LE (forward.size (), ch->n_queued) << "list longer than counted";
      if (m->next != nullptr)
        {
          ASSERT_EQ (m->next->prev, m);
        }
    }
  for (const MmrInFlight *m = ch->tail; m != nullptr; m = m->prev)
    {
      backward.push_back (m);
      ASSERT_LE (backward.size (), ch->n_queued);
    }
  ASSERT_EQ (forward.size (), ch->n_queued);
  ASSERT_EQ (backward.size (), ch->n_queued);
  EXPECT_EQ (mmr_channel_n_in_flight (ch), ch->n_queued);
  for (size_t i = 0; i < forward.size (); i++)
    ASSERT_EQ (forward[i], backward[backward.size () - 1 - i]) << i;
  for (size_t i = 1; i < forward.size (); i++)
    ASSERT_TRUE (Before (forward[i - 1], forward[i]))
        << "position " << i << ": (" << forward[i - 1]->deliver_at_us << ", "
        << forward[i - 1]->seq << ") then (" << forward[i]->deliver_at_us
        << ", " << forward[i]->seq << ")";
}

guint
SpareCount (const MmrChannel *ch)
{
  guint n = 0;

  for (const MmrInFlight *m = ch->spare; m != nullptr; m = m->next)
    n++;
  return n;
}

void
NoteFreed (gpointer data)
{
  (*static_cast<int *> (data))++;
}

}  // namespace

TEST (MmrChannel, ModelDefaults)
{
  MmrLinkModel m;

  mmr_link_model_init (&m);
  EXPECT_EQ (m.latency_min_us, 10000);
  EXPECT_EQ (m.latency_max_us, 10000);
  EXPECT_EQ (m.loss, 0.0);
  EXPECT_EQ (m.duplicate, 0.0);
  EXPECT_FALSE (m.reorder);
}

TEST (MmrChannel, NewChannelIsEmpty)
{
  MmrLinkModel m = Model (5, 5, FALSE);
  ChannelPtr ch (mmr_channel_new (2, 3, &m));

  EXPECT_EQ (ch->from, 2u);
  EXPECT_EQ (ch->to, 3u);
  EXPECT_EQ (ch->head, nullptr);
  EXPECT_EQ (ch->tail, nullptr);
  EXPECT_EQ (ch->spare, nullptr);
  EXPECT_EQ (ch->n_queued, 0u);
  EXPECT_EQ (mmr_channel_pop (ch.get ()), nullptr);
  mmr_channel_free (nullptr);
}

// Fixed latency, no reorder: no random draw, exact delivery times.
TEST (MmrChannel, FixedLatencyFifoHasExactTimes)
{
  MmrLinkModel m = Model (10000, 10000, FALSE);
  ChannelPtr ch (mmr_channel_new (0, 1, &m));
  PrngPtr prng (mmr_prng_new (1));
  BytesPtr b = Bytes ("x");
  MmrInFlight *out[2];

  for (guint i = 0; i < 3; i++)
    {
      EXPECT_EQ (mmr_channel_send (ch.get (), prng.get (), 1000 * i, b.get (),
                                   50 + i, 10 + i, 20 + i, out),
                 MMR_SEND_QUEUED);
      ASSERT_NE (out[0], nullptr);
      EXPECT_EQ (out[1], nullptr);
      EXPECT_EQ (out[0]->msg_id, 50u + i);
      EXPECT_EQ (out[0]->seq, 10u + i);
      EXPECT_EQ (out[0]->sent_at_us, 1000 * i);
      EXPECT_EQ (out[0]->deliver_at_us, 10000 + 1000 * i);
      EXPECT_FALSE (out[0]->is_duplicate);
      EXPECT_EQ (out[0]->bytes, b.get ());
    }
  EXPECT_EQ (ch->n_sent, 3u);
  EXPECT_EQ (ch->bytes_sent, 3u);
  EXPECT_EQ (ch->fifo_floor_us, 12000);
  ExpectWellFormedQueue (ch.get ());
  // No draw was made: the PRNG is where a fresh one starts.
  PrngPtr fresh (mmr_prng_new (1));
  EXPECT_EQ (mmr_prng_u32 (prng.get ()), mmr_prng_u32 (fresh.get ()));
}

// Reorder off, random latencies: a later message never overtakes.
TEST (MmrChannel, FifoLinkKeepsSendOrder)
{
  for (guint64 seed = 1; seed <= 50; seed++)
    {
      SCOPED_TRACE (testing::Message () << "seed " << seed);
      MmrLinkModel m = Model (1000, 90000, FALSE);
      ChannelPtr ch (mmr_channel_new (0, 1, &m));
      PrngPtr prng (mmr_prng_new (seed));
      BytesPtr b = Bytes ("payload");
      MmrInFlight *out[2];
      gint64 prev_deliver = G_MININT64;

      for (guint i = 0; i < 100; i++)
        {
          ASSERT_EQ (mmr_channel_send (ch.get (), prng.get (), 500 * i,
                                       b.get (), i, i, 1000 + i, out),
                     MMR_SEND_QUEUED);
          ASSERT_GE (out[0]->deliver_at_us, prev_deliver);
          ASSERT_GE (out[0]->deliver_at_us, 500 * (gint64) i + 1000);
          prev_deliver = out[0]->deliver_at_us;
          EXPECT_EQ (ch->tail, out[0]);  // always queued at the tail
          ExpectWellFormedQueue (ch.get ());
          if (HasFatalFailure ())
            return;
        }
      guint64 want = 0;
      for (MmrInFlight *m2; (m2 = mmr_channel_pop (ch.get ())) != nullptr;)
        {
          ASSERT_EQ (m2->msg_id, want++);
          mmr_channel_recycle (ch.get (), m2);
        }
      EXPECT_EQ (want, 100u);
    }
}

// Reorder on, random latencies and shuffled seqs with many equal delivery
// times: after every send (and some pops), the list is sorted by
// (deliver_at, seq) both ways.
TEST (MmrChannel, ReorderedQueueStaysSorted)
{
  for (guint64 seed = 1; seed <= 200; seed++)
    {
      SCOPED_TRACE (testing::Message () << "seed " << seed);
      GRand *rand = g_rand_new_with_seed (seed);
      MmrLinkModel m = Model (0, 20, TRUE);  // narrow: many ties
      ChannelPtr ch (mmr_channel_new (1, 0, &m));
      PrngPtr prng (mmr_prng_new (seed));
      BytesPtr b = Bytes ("r");
      MmrInFlight *out[2];
      std::vector<guint64> seqs;
      gint64 now = 0;
      guint n_sent = 0, n_popped = 0;

      for (guint64 i = 0; i < 120; i++)
        seqs.push_back (i * 2);
      for (guint i = seqs.size () - 1; i > 0; i--)
        std::swap (seqs[i], seqs[g_rand_int_range (rand, 0, i + 1)]);

      for (guint i = 0; i < 60; i++)
        {
          if (i % 7 == 6)
            {
              MmrInFlight *first = mmr_channel_pop (ch.get ());
              ASSERT_NE (first, nullptr);
              EXPECT_EQ (first->next, nullptr);
              EXPECT_EQ (first->prev, nullptr);
              now = MAX (now, first->deliver_at_us);
              mmr_channel_recycle (ch.get (), first);
              n_popped++;
            }
          ch->model.duplicate = g_rand_boolean (rand) ? 1.0 : 0.0;
          MmrSendFate fate = mmr_channel_send (ch.get (), prng.get (), now,
                                               b.get (), i, seqs[2 * i],
                                               seqs[2 * i + 1], out);
          n_sent += fate == MMR_SEND_DUPLICATED ? 2 : 1;
          ExpectWellFormedQueue (ch.get ());
          if (HasFatalFailure ())
            {
              g_rand_free (rand);
              return;
            }
          ASSERT_EQ (ch->n_queued, n_sent - n_popped);
          now += g_rand_int_range (rand, 0, 5);
        }
      // Popping everything gives (deliver_at, seq) order.
      MmrInFlight *prev = nullptr;
      gint64 prev_at = G_MININT64;
      guint64 prev_seq = 0;
      for (MmrInFlight *x; (x = mmr_channel_pop (ch.get ())) != nullptr;)
        {
          if (prev != nullptr)
            {
              ASSERT_TRUE (prev_at < x->deliver_at_us
                           || (prev_at == x->deliver_at_us
                               && prev_seq < x->seq));
            }
          prev = x;
          prev_at = x->deliver_at_us;
          prev_seq = x->seq;
          mmr_channel_recycle (ch.get (), x);
        }
      ExpectWellFormedQueue (ch.get ());
      g_rand_free (rand);
    }
}

// With reorder on, a later message with a short draw does overtake.
TEST (MmrChannel, ReorderLetsALaterMessageOvertake)
{
  bool overtaken = false;

  for (guint64 seed = 1; seed <= 20 && !overtaken; seed++)
    {
      MmrLinkModel m = Model (1000, 50000, TRUE);
      ChannelPtr ch (mmr_channel_new (0, 1, &m));
      PrngPtr prng (mmr_prng_new (seed));
      BytesPtr b = Bytes ("o");
      MmrInFlight *out[2];

      for (guint i = 0; i < 10; i++)
        mmr_channel_send (ch.get (), prng.get (), i, b.get (), i, i, 100 + i,
                          out);
      ExpectWellFormedQueue (ch.get ());
      guint64 last = 0;
      for (MmrInFlight *x = ch->head; x != nullptr; x = x->next)
        {
          if (x != ch->head && x->msg_id < last)
            overtaken = true;
          last = x->msg_id;
        }
    }
  EXPECT_TRUE (overtaken);
}

// A delivered copy given back is the next one used, cleaned of its past.
TEST (MmrChannel, RecycledCopyIsReusedAndReset)
{
  MmrLinkModel m = Model (100, 100, FALSE);
  ChannelPtr ch (mmr_channel_new (0, 1, &m));
  PrngPtr prng (mmr_prng_new (3));
  int old_freed = 0;
  static const char old_data[] = "old";
  GBytes *old_bytes = g_bytes_new_with_free_func (old_data, 3, NoteFreed,
                                                  &old_freed);
  BytesPtr fresh = Bytes ("fresh!");
  MmrInFlight *out[2];

  ch->model.duplicate = 1.0;
  ASSERT_EQ (mmr_channel_send (ch.get (), prng.get (), 0, old_bytes, 7, 1, 2,
                               out),
             MMR_SEND_DUPLICATED);
  g_bytes_unref (old_bytes);  // the two queued copies hold it now
  EXPECT_EQ (old_freed, 0);
  MmrInFlight *first = mmr_channel_pop (ch.get ());
  MmrInFlight *second = mmr_channel_pop (ch.get ());
  ASSERT_EQ (first, out[0]);
  ASSERT_EQ (second, out[1]);
  EXPECT_TRUE (second->is_duplicate);
  // What the world sets on a copy it delivers:
  second->is_payload = TRUE;
  second->has_key = TRUE;
  second->key_hash = 0xdeadbeef;
  second->send_clock.c[4] = 9;

  mmr_channel_recycle (ch.get (), first);
  EXPECT_EQ (first->bytes, nullptr);
  EXPECT_EQ (old_freed, 0);
  mmr_channel_recycle (ch.get (), second);
  EXPECT_EQ (second->bytes, nullptr);
  EXPECT_EQ (old_freed, 1);  // both references dropped on recycle
  EXPECT_EQ (ch->spare, second);  // last in, first out
  EXPECT_EQ (SpareCount (ch.get ()), 2u);
  EXPECT_EQ (ch->n_queued, 0u);

  // The next send reuses the duplicate's copy, fully reset.
  ch->model.duplicate = 0.0;
  ASSERT_EQ (mmr_channel_send (ch.get (), prng.get (), 1000, fresh.get (), 8,
                               3, 4, out),
             MMR_SEND_QUEUED);
  EXPECT_EQ (out[0], second);
  EXPECT_EQ (out[1], nullptr);
  EXPECT_FALSE (second->is_duplicate);
  EXPECT_FALSE (second->is_payload);
  EXPECT_FALSE (second->has_key);
  EXPECT_EQ (second->key_hash, 0u);
  EXPECT_EQ (second->send_clock.c[4], 0u);
  EXPECT_EQ (second->bytes, fresh.get ());
  EXPECT_EQ (Text (second->bytes), "fresh!");
  EXPECT_EQ (second->msg_id, 8u);
  EXPECT_EQ (second->seq, 3u);
  EXPECT_EQ (second->sent_at_us, 1000);
  EXPECT_EQ (second->deliver_at_us, 1100);
  EXPECT_EQ (second->next, nullptr);
  EXPECT_EQ (second->prev, nullptr);
  EXPECT_EQ (ch->head, second);
  EXPECT_EQ (ch->tail, second);
  EXPECT_EQ (ch->spare, first);
  EXPECT_EQ (SpareCount (ch.get ()), 1u);

  // Then the other spare, then a new allocation.
  ASSERT_EQ (mmr_channel_send (ch.get (), prng.get (), 1000, fresh.get (), 9,
                               5, 6, out),
             MMR_SEND_QUEUED);
  EXPECT_EQ (out[0], first);
  EXPECT_EQ (ch->spare, nullptr);
  ASSERT_EQ (mmr_channel_send (ch.get (), prng.get (), 1000, fresh.get (), 10,
                               7, 8, out),
             MMR_SEND_QUEUED);
  EXPECT_NE (out[0], first);
  EXPECT_NE (out[0], second);
  ExpectWellFormedQueue (ch.get ());
  EXPECT_EQ (ch->n_queued, 3u);
  // Freed with copies both queued and spare (LeakSanitizer checks).
  mmr_channel_recycle (ch.get (), mmr_channel_pop (ch.get ()));
}

TEST (MmrChannel, LossOneLosesEverything)
{
  MmrLinkModel m = Model (100, 100, FALSE);
  m.loss = 1.0;
  ChannelPtr ch (mmr_channel_new (0, 1, &m));
  PrngPtr prng (mmr_prng_new (5));
  BytesPtr b = Bytes ("gone");
  MmrInFlight *out[2] = { reinterpret_cast<MmrInFlight *> (1),
                          reinterpret_cast<MmrInFlight *> (1) };

  for (guint i = 0; i < 10; i++)
    {
      EXPECT_EQ (mmr_channel_send (ch.get (), prng.get (), i, b.get (), i, i,
                                   i, out),
                 MMR_SEND_LOST);
      EXPECT_EQ (out[0], nullptr);
      EXPECT_EQ (out[1], nullptr);
    }
  EXPECT_EQ (ch->n_queued, 0u);
  EXPECT_EQ (ch->head, nullptr);
  EXPECT_EQ (ch->tail, nullptr);
  EXPECT_EQ (ch->n_sent, 10u);
  EXPECT_EQ (ch->n_lost, 10u);
  EXPECT_EQ (ch->n_duplicated, 0u);
  EXPECT_EQ (ch->bytes_sent, 40u);  // counted as sent: it left the sender
  EXPECT_EQ (mmr_channel_pop (ch.get ()), nullptr);
}

TEST (MmrChannel, CutLinkQueuesNothingAndDrawsNothing)
{
  MmrLinkModel m = Model (100, 900, TRUE);
  m.loss = 0.5;
  m.duplicate = 0.5;
  ChannelPtr ch (mmr_channel_new (0, 1, &m));
  PrngPtr prng (mmr_prng_new (11));
  PrngPtr fresh (mmr_prng_new (11));
  BytesPtr b = Bytes ("cut");
  MmrInFlight *out[2];

  ch->is_cut = TRUE;
  EXPECT_EQ (mmr_channel_send (ch.get (), prng.get (), 0, b.get (), 1, 1, 2,
                               out),
             MMR_SEND_CUT);
  EXPECT_EQ (out[0], nullptr);
  EXPECT_EQ (out[1], nullptr);
  EXPECT_EQ (ch->n_queued, 0u);
  EXPECT_EQ (ch->head, nullptr);
  EXPECT_EQ (ch->n_sent, 1u);
  EXPECT_EQ (ch->n_lost, 1u);
  EXPECT_EQ (mmr_prng_u32 (prng.get ()), mmr_prng_u32 (fresh.get ()));

  // Healed, the link queues again.
  ch->is_cut = FALSE;
  ch->model.loss = 0.0;
  ch->model.duplicate = 0.0;
  EXPECT_EQ (mmr_channel_send (ch.get (), prng.get (), 0, b.get (), 2, 3, 4,
                               out),
             MMR_SEND_QUEUED);
  EXPECT_EQ (ch->n_queued, 1u);
}

TEST (MmrChannel, DuplicateOneQueuesTwoCopiesOfOneMessage)
{
  MmrLinkModel m = Model (100, 5000, TRUE);
  m.duplicate = 1.0;
  ChannelPtr ch (mmr_channel_new (0, 1, &m));
  PrngPtr prng (mmr_prng_new (13));
  BytesPtr b = Bytes ("twice");
  MmrInFlight *out[2];

  EXPECT_EQ (mmr_channel_send (ch.get (), prng.get (), 50, b.get (), 77, 5, 6,
                               out),
             MMR_SEND_DUPLICATED);
  ASSERT_NE (out[0], nullptr);
  ASSERT_NE (out[1], nullptr);
  EXPECT_NE (out[0], out[1]);
  EXPECT_EQ (out[0]->msg_id, 77u);
  EXPECT_EQ (out[1]->msg_id, 77u);
  EXPECT_EQ (out[0]->seq, 5u);
  EXPECT_EQ (out[1]->seq, 6u);
  EXPECT_FALSE (out[0]->is_duplicate);
  EXPECT_TRUE (out[1]->is_duplicate);
  EXPECT_EQ (out[0]->bytes, b.get ());
  EXPECT_EQ (out[1]->bytes, b.get ());
  EXPECT_EQ (out[0]->sent_at_us, 50);
  EXPECT_EQ (out[1]->sent_at_us, 50);
  EXPECT_GE (out[0]->deliver_at_us, 150);
  EXPECT_LE (out[0]->deliver_at_us, 5050);
  EXPECT_GE (out[1]->deliver_at_us, 150);
  EXPECT_LE (out[1]->deliver_at_us, 5050);
  EXPECT_EQ (ch->n_queued, 2u);
  EXPECT_EQ (ch->n_sent, 1u);
  EXPECT_EQ (ch->n_duplicated, 1u);
  EXPECT_EQ (ch->bytes_sent, 5u);
  ExpectWellFormedQueue (ch.get ());

  MmrInFlight *a = mmr_channel_pop (ch.get ());
  MmrInFlight *c = mmr_channel_pop (ch.get ());
  EXPECT_EQ (a->msg_id, 77u);
  EXPECT_EQ (c->msg_id, 77u);
  EXPECT_NE (a->is_duplicate, c->is_duplicate);
  EXPECT_EQ (mmr_channel_pop (ch.get ()), nullptr);
  mmr_channel_recycle (ch.get (), a);
  mmr_channel_recycle (ch.get (), c);
}
