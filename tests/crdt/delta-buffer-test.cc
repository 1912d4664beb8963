/* delta-buffer-test.cc - tests for src/crdt/delta-buffer.c
 *
 * Exact cases of the acknowledgement protocol (what is collected, when it
 * is dropped, when a peer must get full states), then a property test:
 * replicas that ship only unacknowledged delta groups over a link that
 * loses and duplicates both groups and acks converge without any
 * full-state transfer, and the buffers empty once everything is acked.
 *
 * <glib.h> comes before the extern "C" block: GLib's headers carry C++
 * templates when compiled as C++.
 */
#include <glib.h>

extern "C" {
#include "core/prng.h"
#include "crdt/crdt.h"
#include "crdt/delta-buffer.h"
}

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

MmrCrdt *
must_apply (MmrCrdt *crdt, const char *op, const char *arg)
{
  g_autoptr (GError) error = NULL;
  MmrCrdt *delta = mmr_crdt_apply (crdt, op, arg, &error);

  EXPECT_NE (delta, nullptr) << (error ? error->message : "");
  return delta;
}

std::string
str (const MmrCrdt *crdt)
{
  g_autofree char *s = mmr_crdt_to_string (crdt);
  return s;
}

TEST (MmrDeltaBuffer, CollectsUnacknowledgedDeltasJoinedPerKey)
{
  g_autoptr (MmrDeltaBuffer) buf = mmr_delta_buffer_new (0);
  g_autoptr (MmrCrdt) views = mmr_crdt_new (MMR_CRDT_GCOUNTER, 0);
  g_autoptr (MmrCrdt) tags = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  GPtrArray *groups = NULL;
  guint64 upto;

  mmr_delta_buffer_add_peer (buf, 1);
  mmr_delta_buffer_add_peer (buf, 2);
  EXPECT_EQ (mmr_delta_buffer_push (buf, "views", must_apply (views, "incr", "2")), 1u);
  EXPECT_EQ (mmr_delta_buffer_push (buf, "tags", must_apply (tags, "add", "x")), 2u);
  EXPECT_EQ (mmr_delta_buffer_push (buf, "views", must_apply (views, "incr", "3")), 3u);

  ASSERT_TRUE (mmr_delta_buffer_collect (buf, 1, &groups, &upto));
  EXPECT_EQ (upto, 3u);
  ASSERT_EQ (groups->len, 2u);
  MmrDeltaGroup *g0 = (MmrDeltaGroup *) g_ptr_array_index (groups, 0);
  MmrDeltaGroup *g1 = (MmrDeltaGroup *) g_ptr_array_index (groups, 1);
  EXPECT_STREQ (g0->key, "tags");
  EXPECT_EQ (str (g0->delta), "orset(delta){x:[A1]} ctx{A:1}");
  EXPECT_STREQ (g1->key, "views");
  EXPECT_EQ (str (g1->delta), "gcounter(delta){A:5}");
  g_ptr_array_unref (groups);

  mmr_delta_buffer_ack (buf, 1, 3);
  EXPECT_EQ (mmr_delta_buffer_get_length (buf), 3u);   /* peer 2 has not */
  mmr_delta_buffer_ack (buf, 2, 2);
  EXPECT_EQ (mmr_delta_buffer_get_length (buf), 1u);
  ASSERT_TRUE (mmr_delta_buffer_collect (buf, 1, &groups, &upto));
  EXPECT_EQ (groups->len, 0u);
  g_ptr_array_unref (groups);
  mmr_delta_buffer_ack (buf, 2, 99);     /* clamped to what was sent */
  EXPECT_EQ (mmr_delta_buffer_get_length (buf), 0u);
  mmr_delta_buffer_ack (buf, 2, 1);      /* a stale ack changes nothing */
  EXPECT_EQ (mmr_delta_buffer_push (buf, "views", must_apply (views, "incr", NULL)), 4u);
}

TEST (MmrDeltaBuffer, EmptyDeltasAreNotRecorded)
{
  g_autoptr (MmrDeltaBuffer) buf = mmr_delta_buffer_new (0);
  g_autoptr (MmrCrdt) s = mmr_crdt_new (MMR_CRDT_ORSET, 0);

  mmr_delta_buffer_add_peer (buf, 1);
  EXPECT_EQ (mmr_delta_buffer_push (buf, "s", must_apply (s, "rem", "x")), 0u);
  EXPECT_EQ (mmr_delta_buffer_get_length (buf), 0u);
}

TEST (MmrDeltaBuffer, APeerThatMissedDroppedDeltasNeedsFullState)
{
  g_autoptr (MmrDeltaBuffer) buf = mmr_delta_buffer_new (2);
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_GCOUNTER, 0);
  GPtrArray *groups = NULL;
  guint64 upto;

  mmr_delta_buffer_add_peer (buf, 1);
  mmr_delta_buffer_add_peer (buf, 2);
  for (int i = 0; i < 2; i++)
    mmr_delta_buffer_push (buf, "c", must_apply (c, "incr", NULL));
  mmr_delta_buffer_ack (buf, 1, 2);
  mmr_delta_buffer_push (buf, "c", must_apply (c, "incr", NULL));  /* drops 1 */
  EXPECT_EQ (mmr_delta_buffer_get_length (buf), 2u);
  EXPECT_FALSE (mmr_delta_buffer_collect (buf, 2, &groups, &upto));
  EXPECT_EQ (groups, nullptr);
  EXPECT_EQ (upto, 3u);
  ASSERT_TRUE (mmr_delta_buffer_collect (buf, 1, &groups, &upto));
  EXPECT_EQ (groups->len, 1u);
  g_ptr_array_unref (groups);
  /* After a full-state transfer the peer acks and is back on deltas. */
  mmr_delta_buffer_ack (buf, 2, upto);
  ASSERT_TRUE (mmr_delta_buffer_collect (buf, 2, &groups, &upto));
  EXPECT_EQ (groups->len, 0u);
  g_ptr_array_unref (groups);
}

/* Three replicas, two keys (an orset and an ormap), a lossy link. Each
 * round a random replica either operates or sends its pending groups to
 * a random peer, which merges them and acks; groups and acks are each
 * lost with probability 0.3 and duplicated with 0.2. At the end, rounds
 * without loss deliver everything; no full state is ever shipped. */
TEST (MmrDeltaBuffer, DeltaIntervalsConvergeWithoutFullStates)
{
  const char *keys[] = { "set", "map" };
  const MmrCrdtType types[] = { MMR_CRDT_ORSET, MMR_CRDT_ORMAP };

  for (guint64 seed = 0; seed < 2000; seed++)
    {
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrCrdt *state[3][2];
      MmrDeltaBuffer *buf[3];

      for (guint r = 0; r < 3; r++)
        {
          buf[r] = mmr_delta_buffer_new (0);
          for (guint p = 0; p < 3; p++)
            if (p != r)
              mmr_delta_buffer_add_peer (buf[r], p);
          for (guint k = 0; k < 2; k++)
            state[r][k] = mmr_crdt_new (types[k], r);
        }
      for (guint round = 0; round < 60; round++)
        {
          gboolean lossy = round < 40;
          guint r = (guint) mmr_prng_range (prng, 0, 2);
          guint k = (guint) mmr_prng_range (prng, 0, 1);

          if (lossy && mmr_prng_chance (prng, 0.5))
            {
              const char *elems[] = { "a", "b", "c" };
              const char *e = elems[mmr_prng_range (prng, 0, 2)];
              g_autofree char *arg = g_strdup_printf (k == 0 ? "%s" : "f=%s", e);
              const char *op = mmr_prng_chance (prng, 0.3) ? "rem" : "add";
              mmr_delta_buffer_push (buf[r], keys[k],
                                     must_apply (state[r][k], op, arg));
              continue;
            }
          for (guint to = 0; to < 3; to++)
            {
              GPtrArray *groups = NULL;
              guint64 upto;

              if (to == r || (lossy && mmr_prng_chance (prng, 0.5)))
                continue;
              ASSERT_TRUE (mmr_delta_buffer_collect (buf[r], to, &groups, &upto));
              if (!(lossy && mmr_prng_chance (prng, 0.3)))
                {
                  guint copies = lossy && mmr_prng_chance (prng, 0.2) ? 2 : 1;
                  for (guint c = 0; c < copies; c++)
                    for (guint i = 0; i < groups->len; i++)
                      {
                        MmrDeltaGroup *g = (MmrDeltaGroup *) g_ptr_array_index (groups, i);
                        g_autoptr (GBytes) bytes = mmr_crdt_encode (g->delta);
                        g_autoptr (MmrCrdt) d = mmr_crdt_decode (bytes, to, NULL);
                        guint kk = strcmp (g->key, "set") == 0 ? 0 : 1;
                        ASSERT_TRUE (mmr_crdt_merge (state[to][kk], d, NULL));
                      }
                  if (!(lossy && mmr_prng_chance (prng, 0.3)))
                    mmr_delta_buffer_ack (buf[r], to, upto);
                }
              g_ptr_array_unref (groups);
            }
        }
      /* A last lossless exchange from everyone to everyone. */
      for (guint r = 0; r < 3; r++)
        for (guint to = 0; to < 3; to++)
          {
            GPtrArray *groups = NULL;
            guint64 upto;

            if (to == r)
              continue;
            ASSERT_TRUE (mmr_delta_buffer_collect (buf[r], to, &groups, &upto));
            for (guint i = 0; i < groups->len; i++)
              {
                MmrDeltaGroup *g = (MmrDeltaGroup *) g_ptr_array_index (groups, i);
                guint kk = strcmp (g->key, "set") == 0 ? 0 : 1;
                ASSERT_TRUE (mmr_crdt_merge (state[to][kk], g->delta, NULL));
              }
            mmr_delta_buffer_ack (buf[r], to, upto);
            g_ptr_array_unref (groups);
          }
      for (guint r = 0; r < 3; r++)
        {
          EXPECT_EQ (mmr_delta_buffer_get_length (buf[r]), 0u) << "seed " << seed;
          for (guint k = 0; k < 2; k++)
            ASSERT_TRUE (mmr_crdt_equal (state[0][k], state[r][k]))
              << "seed " << seed << ": " << str (state[0][k]) << " vs "
              << str (state[r][k]);
        }
      for (guint r = 0; r < 3; r++)
        {
          mmr_delta_buffer_free (buf[r]);
          for (guint k = 0; k < 2; k++)
            mmr_crdt_free (state[r][k]);
        }
    }
}

} // namespace
