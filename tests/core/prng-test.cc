/* prng-test.cc - tests for src/core/prng.c
 *
 * A scenario replays bit for bit only if a seed always yields the same
 * stream, on every machine and every GLib release we accept.  So the first
 * values for seed 42 are pinned here: they were cross-checked against an
 * independent MT19937 (Matsumoto and Nishimura 1998, init_by_array with the
 * key {42, 0}), so a change in GLib's generator or in how we seed it fails
 * this test rather than silently changing every recorded run.
 */
#include <glib.h>

extern "C" {
#include "core/prng.h"
}

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

namespace {

const guint64 N_CASES = 10000;

#define SEED_TRACE(seed) \
  SCOPED_TRACE (::testing::Message () << "seed=" << (seed))

} /* namespace */

TEST (MmrPrng, Seed42FirstValuesArePinned)
{
  g_autoptr (MmrPrng) prng = mmr_prng_new (42);

  EXPECT_EQ (mmr_prng_u32 (prng), 3030895498u);
  EXPECT_EQ (mmr_prng_u32 (prng), 1592636077u);
  EXPECT_EQ (mmr_prng_u32 (prng), 1610207081u);
  EXPECT_EQ (mmr_prng_u32 (prng), 2961857368u);
  EXPECT_EQ (mmr_prng_u32 (prng), 2034075665u);
}

TEST (MmrPrng, Seed42FirstDiceArePinned)
{
  g_autoptr (MmrPrng) prng = mmr_prng_new (42);

  /* Small ranges reduce one 32-bit draw modulo the span. */
  EXPECT_EQ (mmr_prng_range (prng, 1, 6), 5);
  EXPECT_EQ (mmr_prng_range (prng, 1, 6), 2);
  EXPECT_EQ (mmr_prng_range (prng, 1, 6), 6);
  EXPECT_EQ (mmr_prng_range (prng, 1, 6), 5);
  EXPECT_EQ (mmr_prng_range (prng, 1, 6), 6);
}

TEST (MmrPrng, HighWordOfTheSeedCounts)
{
  g_autoptr (MmrPrng) prng = mmr_prng_new (G_GUINT64_CONSTANT (0x100000002));
  g_autoptr (MmrPrng) low = mmr_prng_new (2);

  EXPECT_EQ (mmr_prng_u32 (prng), 4106135923u);
  EXPECT_EQ (mmr_prng_u32 (prng), 3707026329u);
  EXPECT_NE (mmr_prng_u32 (low), 4106135923u);
}

TEST (MmrPrng, SameSeedSameSequence)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      guint64 s = seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);  /* spread */
      g_autoptr (MmrPrng) a = mmr_prng_new (s);
      g_autoptr (MmrPrng) b = mmr_prng_new (s);

      for (int i = 0; i < 8; i++)
        {
          ASSERT_EQ (mmr_prng_u32 (a), mmr_prng_u32 (b)) << "draw " << i;
          ASSERT_EQ (mmr_prng_double (a), mmr_prng_double (b)) << "draw " << i;
          ASSERT_EQ (mmr_prng_range (a, -7, 1000), mmr_prng_range (b, -7, 1000));
          ASSERT_EQ (mmr_prng_chance (a, 0.3), mmr_prng_chance (b, 0.3));
        }
    }
}

TEST (MmrPrng, DoubleIsInUnitInterval)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);

      for (int i = 0; i < 10; i++)
        {
          double d = mmr_prng_double (prng);

          ASSERT_GE (d, 0.0);
          ASSERT_LT (d, 1.0);
        }
    }
}

TEST (MmrPrng, RangeIsInclusiveAtBothEnds)
{
  g_autoptr (MmrPrng) prng = mmr_prng_new (7);
  std::map<gint64, int> seen;

  for (int i = 0; i < 3000; i++)
    seen[mmr_prng_range (prng, 3, 5)]++;
  ASSERT_EQ (seen.size (), 3u);
  EXPECT_GT (seen[3], 0);
  EXPECT_GT (seen[4], 0);
  EXPECT_GT (seen[5], 0);

  seen.clear ();
  for (int i = 0; i < 3000; i++)
    seen[mmr_prng_range (prng, -2, 2)]++;
  ASSERT_EQ (seen.size (), 5u);
  EXPECT_EQ (seen.begin ()->first, -2);
  EXPECT_EQ (seen.rbegin ()->first, 2);

  for (int i = 0; i < 100; i++)
    EXPECT_EQ (mmr_prng_range (prng, 7, 7), 7);
  for (int i = 0; i < 100; i++)
    EXPECT_EQ (mmr_prng_range (prng, G_MAXINT64, G_MAXINT64), G_MAXINT64);
}

TEST (MmrPrng, RangeStaysInBounds)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      gint64 lo = mmr_prng_range (prng, -1000000000000, 1000000000000);
      gint64 spans[] = {
        mmr_prng_range (prng, 0, 10),
        mmr_prng_range (prng, 0, G_MAXUINT32),
        (gint64) G_MAXUINT32 - 1,  /* 2^32 - 1 values: the last reduced
                                    * modulo the span */
        (gint64) G_MAXUINT32,      /* 2^32 values: the first drawn as a
                                    * double */
        mmr_prng_range (prng, 0, G_GINT64_CONSTANT (1) << 40),
      };

      for (gint64 span : spans)
        {
          gint64 v = mmr_prng_range (prng, lo, lo + span);

          ASSERT_GE (v, lo) << "span " << span;
          ASSERT_LE (v, lo + span) << "span " << span;
        }
    }
}

/* Spans wider than G_MAXINT64: hi - lo does not fit a gint64. */
TEST (MmrPrng, RangeStaysInBoundsForSpansBeyondInt64)
{
  const gint64 lo = -5000000000000000000, hi = 5000000000000000000;
  int upper_half = 0;

  for (guint64 seed = 0; seed < 1000; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      gint64 v = mmr_prng_range (prng, lo, hi);

      ASSERT_GE (v, lo);
      ASSERT_LE (v, hi);
      upper_half += v > 0;
    }
  /* Uniform: about 500 of 1000 draws land above the midpoint. */
  EXPECT_GT (upper_half, 400);
  EXPECT_LT (upper_half, 600);
}

/* The whole gint64 range is 2^64 values, which wraps a guint64 span to 0.
 * Run in a child process so that a crash fails this test only. */
TEST (MmrPrng, RangeOverAllOfInt64NeitherCrashesNorSticks)
{
  EXPECT_EXIT (
    {
      g_autoptr (MmrPrng) prng = mmr_prng_new (1);
      gint64 first = mmr_prng_range (prng, G_MININT64, G_MAXINT64);
      gboolean varies = FALSE;

      for (int i = 0; i < 100; i++)
        varies |= mmr_prng_range (prng, G_MININT64, G_MAXINT64) != first;
      exit (varies ? 0 : 1);
    },
    ::testing::ExitedWithCode (0), "");
}

TEST (MmrPrng, ChanceZeroNeverDraws)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) a = mmr_prng_new (seed);
      g_autoptr (MmrPrng) b = mmr_prng_new (seed);

      for (int i = 0; i < 3; i++)
        {
          ASSERT_FALSE (mmr_prng_chance (a, 0.0));
          ASSERT_FALSE (mmr_prng_chance (a, -1.0));
        }
      ASSERT_EQ (mmr_prng_u32 (a), mmr_prng_u32 (b));
      ASSERT_EQ (mmr_prng_range (a, 0, 99), mmr_prng_range (b, 0, 99));
    }
}

TEST (MmrPrng, ChanceAboveZeroDraws)
{
  g_autoptr (MmrPrng) a = mmr_prng_new (42);
  g_autoptr (MmrPrng) b = mmr_prng_new (42);

  /* The contrast to ChanceZeroNeverDraws: a real chance moves the stream. */
  (void) mmr_prng_chance (a, 1e-9);
  EXPECT_NE (mmr_prng_u32 (a), mmr_prng_u32 (b));
}

TEST (MmrPrng, ChanceOneAlwaysHappens)
{
  g_autoptr (MmrPrng) prng = mmr_prng_new (1);

  for (int i = 0; i < 1000; i++)
    {
      ASSERT_TRUE (mmr_prng_chance (prng, 1.0));
      ASSERT_TRUE (mmr_prng_chance (prng, 2.0));
    }
}

TEST (MmrPrng, FreeAcceptsNull)
{
  mmr_prng_free (NULL);
}
