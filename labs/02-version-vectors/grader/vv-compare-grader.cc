// vv-compare-grader.cc - lab 02's grader: checks the student's vv_compare
// (starter/vv-compare.c) on hand-picked cases, then against the engine's
// own comparison on many seeded random vectors.
#include <gtest/gtest.h>

extern "C" {
#include "vv-compare.h"
}

static MmrVersionVector
vv (std::initializer_list<std::pair<int, guint32>> entries)
{
  MmrVersionVector v;

  mmr_version_vector_init (&v);
  for (auto &e : entries)
    v.c[e.first] = e.second;
  return v;
}

static const char *
name (MmrVvOrder o)
{
  return mmr_vv_order_to_string (o);
}

TEST (Lab02VvCompare, EqualVectorsAreEqual)
{
  MmrVersionVector a = vv ({ { 0, 2 }, { 1, 1 } });
  MmrVersionVector b = vv ({ { 0, 2 }, { 1, 1 } });

  EXPECT_STREQ (name (vv_compare (&a, &b)), "equal");
}

TEST (Lab02VvCompare, TwoEmptyVectorsAreEqual)
{
  MmrVersionVector a = vv ({}), b = vv ({});

  EXPECT_STREQ (name (vv_compare (&a, &b)), "equal");
}

TEST (Lab02VvCompare, AVectorThatHasSeenMoreDominates)
{
  MmrVersionVector a = vv ({ { 0, 1 }, { 1, 1 } });
  MmrVersionVector b = vv ({ { 0, 1 } });

  EXPECT_STREQ (name (vv_compare (&a, &b)), "dominates");
  EXPECT_STREQ (name (vv_compare (&b, &a)), "dominated");
}

TEST (Lab02VvCompare, AnyNonEmptyVectorDominatesTheEmptyOne)
{
  MmrVersionVector a = vv ({ { 15, 1 } }), b = vv ({});

  EXPECT_STREQ (name (vv_compare (&a, &b)), "dominates");
  EXPECT_STREQ (name (vv_compare (&b, &a)), "dominated");
}

TEST (Lab02VvCompare, WritesThatDidNotSeeEachOtherAreConcurrent)
{
  MmrVersionVector a = vv ({ { 0, 2 }, { 1, 1 } });
  MmrVersionVector b = vv ({ { 0, 1 }, { 1, 2 } });

  EXPECT_STREQ (name (vv_compare (&a, &b)), "concurrent");
  EXPECT_STREQ (name (vv_compare (&b, &a)), "concurrent");
}

TEST (Lab02VvCompare, ALargerSumDoesNotMeanNewer)
{
  MmrVersionVector a = vv ({ { 0, 5 } });
  MmrVersionVector b = vv ({ { 0, 1 }, { 1, 1 } });

  EXPECT_STREQ (name (vv_compare (&a, &b)), "concurrent");
}

TEST (Lab02VvCompare, TheLastReplicaCounts)
{
  MmrVersionVector a = vv ({ { 0, 3 }, { 15, 1 } });
  MmrVersionVector b = vv ({ { 0, 3 } });

  EXPECT_STREQ (name (vv_compare (&a, &b)), "dominates");
}

TEST (Lab02VvCompare, NeitherVectorIsChanged)
{
  MmrVersionVector a = vv ({ { 0, 2 }, { 3, 7 } });
  MmrVersionVector b = vv ({ { 1, 4 } });
  MmrVersionVector a0 = a, b0 = b;

  vv_compare (&a, &b);
  EXPECT_EQ (memcmp (&a, &a0, sizeof a), 0);
  EXPECT_EQ (memcmp (&b, &b0, sizeof b), 0);
}

/* Small random vectors, so that every outcome comes up often. */
static MmrVersionVector
random_vv (GRand *rand)
{
  MmrVersionVector v;
  guint n = (guint) g_rand_int_range (rand, 1, MMR_MAX_REPLICAS + 1);

  mmr_version_vector_init (&v);
  for (guint i = 0; i < n; i++)
    v.c[i] = (guint32) g_rand_int_range (rand, 0, 3);
  return v;
}

TEST (Lab02VvCompare, AgreesWithTheEngineOnRandomVectors)
{
  for (guint32 seed = 1; seed <= 200; seed++)
    {
      GRand *rand = g_rand_new_with_seed (seed);

      for (int i = 0; i < 50; i++)
        {
          MmrVersionVector a = random_vv (rand), b = random_vv (rand);
          MmrVvOrder want = mmr_version_vector_compare (&a, &b);
          MmrVvOrder got = vv_compare (&a, &b);

          ASSERT_STREQ (name (got), name (want))
            << "seed " << seed << ", pair " << i;
        }
      g_rand_free (rand);
    }
}
