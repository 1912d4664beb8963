/* version-vector-test.cc - tests for src/core/version-vector.c
 *
 * Exact cases first (the worked example of docs/version-vectors.md, dots,
 * printing), then the algebraic laws on 10,000 seeded random pairs and
 * triples: compare gives exactly one outcome and mirrors when its
 * arguments swap; join is commutative, associative, idempotent and the
 * least upper bound.
 *
 * <glib.h> comes before the extern "C" block: GLib's headers carry C++
 * templates when compiled as C++, and templates cannot have C linkage.
 */
#include <glib.h>

extern "C" {
#include "core/prng.h"
#include "core/version-vector.h"
}

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

const guint64 N_CASES = 10000;
const char *const NAMES[MMR_MAX_REPLICAS] = {
  "A", "B", "C", "D", "E", "F", "G", "H",
  "I", "J", "K", "L", "M", "N", "O", "P",
};

MmrVersionVector
vv_of (std::initializer_list<guint32> counters)
{
  MmrVersionVector vv;
  guint i = 0;

  mmr_version_vector_init (&vv);
  for (guint32 c : counters)
    vv.c[i++] = c;
  return vv;
}

std::string
vv_str (const MmrVersionVector &vv)
{
  g_autofree char *s = mmr_version_vector_to_string (&vv, NAMES);
  return s;
}

/* Small counters over few replicas, so that equal and dominating pairs are
 * common; a second vector is often derived from the first for the same
 * reason. */
MmrVersionVector
random_vv (MmrPrng *prng)
{
  MmrVersionVector vv;
  guint n = (guint) mmr_prng_range (prng, 1, MMR_MAX_REPLICAS);

  mmr_version_vector_init (&vv);
  for (guint i = 0; i < n; i++)
    vv.c[i] = (guint32) mmr_prng_range (prng, 0, 3);
  if (mmr_prng_chance (prng, 0.05))
    vv.c[mmr_prng_range (prng, 0, n - 1)] = G_MAXUINT32;
  return vv;
}

MmrVersionVector
derive_vv (MmrPrng *prng, const MmrVersionVector &from)
{
  MmrVersionVector vv = from;
  gint64 mode = mmr_prng_range (prng, 0, 3);

  if (mode == 0)
    return random_vv (prng);
  if (mode == 3)
    return vv;  /* equal */
  for (gint64 k = mmr_prng_range (prng, 1, 3); k > 0; k--)
    {
      guint i = (guint) mmr_prng_range (prng, 0, MMR_MAX_REPLICAS - 1);
      gboolean up = mode == 1 || mmr_prng_chance (prng, 0.5);

      if (up && vv.c[i] < G_MAXUINT32)
        vv.c[i]++;
      else if (!up && vv.c[i] > 0)
        vv.c[i]--;
    }
  return vv;
}

/* The order, computed from its definition rather than from the code's loop:
 * a <= b iff every entry of a is <= b's. */
bool
ref_leq (const MmrVersionVector &a, const MmrVersionVector &b)
{
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (!(a.c[i] <= b.c[i]))
      return false;
  return true;
}

MmrVvOrder
ref_order (const MmrVersionVector &a, const MmrVersionVector &b)
{
  bool ab = ref_leq (a, b), ba = ref_leq (b, a);

  if (ab && ba)
    return MMR_VV_EQUAL;
  if (ba)
    return MMR_VV_DOMINATES;
  if (ab)
    return MMR_VV_DOMINATED;
  return MMR_VV_CONCURRENT;
}

MmrVersionVector
joined (const MmrVersionVector &a, const MmrVersionVector &b)
{
  MmrVersionVector r = a;

  mmr_version_vector_join (&r, &b);
  return r;
}

bool
same (const MmrVersionVector &a, const MmrVersionVector &b)
{
  return memcmp (&a, &b, sizeof a) == 0;
}

#define SEED_TRACE(seed) \
  SCOPED_TRACE (::testing::Message () << "seed=" << (seed))

} /* namespace */

TEST (MmrVersionVector, InitIsEmpty)
{
  MmrVersionVector vv;

  memset (&vv, 0xff, sizeof vv);
  mmr_version_vector_init (&vv);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    EXPECT_EQ (vv.c[i], 0u);
  EXPECT_TRUE (mmr_version_vector_is_empty (&vv));
  EXPECT_EQ (mmr_version_vector_n_entries (&vv), 0u);
  EXPECT_EQ (mmr_version_vector_sum (&vv), 0u);
}

/* The worked-example table in docs/version-vectors.md, row for row
 * (A, B, C are replicas 0, 1, 2), then the empty vector. */
TEST (MmrVersionVector, CompareDocTable)
{
  struct { MmrVersionVector a, b; MmrVvOrder want; const char *name; } rows[] = {
    { vv_of ({ 1 }), vv_of ({ 1 }), MMR_VV_EQUAL, "equal" },
    { vv_of ({ 1, 1 }), vv_of ({ 1 }), MMR_VV_DOMINATES, "dominates" },
    { vv_of ({ 1 }), vv_of ({ 1, 0, 1 }), MMR_VV_DOMINATED, "dominated" },
    { vv_of ({ 1, 1 }), vv_of ({ 1, 0, 1 }), MMR_VV_CONCURRENT, "concurrent" },
    { vv_of ({ 1, 2, 1 }), vv_of ({ 1, 1 }), MMR_VV_DOMINATES, "dominates" },
    { vv_of ({ 1, 2, 1 }), vv_of ({ 1, 0, 1 }), MMR_VV_DOMINATES, "dominates" },
    { vv_of ({ 2 }), vv_of ({ 1, 1 }), MMR_VV_CONCURRENT, "concurrent" },
    { vv_of ({}), vv_of ({}), MMR_VV_EQUAL, "equal" },
    { vv_of ({ 1 }), vv_of ({}), MMR_VV_DOMINATES, "dominates" },
  };

  for (const auto &r : rows)
    {
      SCOPED_TRACE (vv_str (r.a) + " vs " + vv_str (r.b));
      EXPECT_EQ (mmr_version_vector_compare (&r.a, &r.b), r.want);
      EXPECT_STREQ (mmr_vv_order_to_string (
                      mmr_version_vector_compare (&r.a, &r.b)), r.name);
    }
}

TEST (MmrVersionVector, CompareSeesTheLastReplica)
{
  MmrVersionVector a, b;

  mmr_version_vector_init (&a);
  mmr_version_vector_init (&b);
  b.c[MMR_MAX_REPLICAS - 1] = 1;
  EXPECT_EQ (mmr_version_vector_compare (&a, &b), MMR_VV_DOMINATED);
  a.c[0] = 1;
  EXPECT_EQ (mmr_version_vector_compare (&a, &b), MMR_VV_CONCURRENT);
}

TEST (MmrVersionVector, OrderToString)
{
  EXPECT_STREQ (mmr_vv_order_to_string (MMR_VV_EQUAL), "equal");
  EXPECT_STREQ (mmr_vv_order_to_string (MMR_VV_DOMINATES), "dominates");
  EXPECT_STREQ (mmr_vv_order_to_string (MMR_VV_DOMINATED), "dominated");
  EXPECT_STREQ (mmr_vv_order_to_string (MMR_VV_CONCURRENT), "concurrent");
}

TEST (MmrVersionVector, JoinIsEntrywiseMax)
{
  MmrVersionVector a = vv_of ({ 3, 0, 1, 0 });
  MmrVersionVector b = vv_of ({ 1, 2, 1, 0 });

  mmr_version_vector_join (&a, &b);
  EXPECT_EQ (vv_str (a), "{A:3, B:2, C:1}");
  EXPECT_EQ (vv_str (b), "{A:1, B:2, C:1}");  /* other is untouched */
}

TEST (MmrVersionVector, LeqExact)
{
  MmrVersionVector a = vv_of ({ 1, 1 });
  MmrVersionVector b = vv_of ({ 2, 1 });
  MmrVersionVector c = vv_of ({ 0, 2 });

  EXPECT_TRUE (mmr_version_vector_leq (&a, &a));
  EXPECT_TRUE (mmr_version_vector_leq (&a, &b));
  EXPECT_FALSE (mmr_version_vector_leq (&b, &a));
  EXPECT_FALSE (mmr_version_vector_leq (&b, &c));
  EXPECT_FALSE (mmr_version_vector_leq (&c, &b));
}

TEST (MmrVersionVector, CoversDots)
{
  MmrVersionVector vv = vv_of ({ 2, 0, 5 });
  MmrVersionVector empty = vv_of ({});

  EXPECT_TRUE (mmr_version_vector_covers (&vv, MmrDot { 0, 1 }));
  EXPECT_TRUE (mmr_version_vector_covers (&vv, MmrDot { 0, 2 }));
  EXPECT_FALSE (mmr_version_vector_covers (&vv, MmrDot { 0, 3 }));
  EXPECT_FALSE (mmr_version_vector_covers (&vv, MmrDot { 1, 1 }));
  EXPECT_TRUE (mmr_version_vector_covers (&vv, MmrDot { 2, 5 }));
  EXPECT_FALSE (mmr_version_vector_covers (&vv, MmrDot { 2, 6 }));
  EXPECT_FALSE (mmr_version_vector_covers (&vv,
                                           MmrDot { MMR_MAX_REPLICAS - 1, 1 }));
  vv.c[MMR_MAX_REPLICAS - 1] = 1;
  EXPECT_TRUE (mmr_version_vector_covers (&vv,
                                          MmrDot { MMR_MAX_REPLICAS - 1, 1 }));
  /* Counter 0 means "no dot": nothing covers it, not even a vector that
   * has seen writes from that replica, and not the empty vector. */
  EXPECT_FALSE (mmr_version_vector_covers (&vv, MmrDot { 0, 0 }));
  EXPECT_FALSE (mmr_version_vector_covers (&vv, MmrDot { 1, 0 }));
  EXPECT_FALSE (mmr_version_vector_covers (&empty, MmrDot { 0, 0 }));
}

TEST (MmrVersionVector, ToString)
{
  MmrVersionVector vv = vv_of ({ 2, 1 });
  MmrVersionVector gap = vv_of ({ 1, 0, 3 });
  MmrVersionVector empty = vv_of ({});
  g_autofree char *unnamed = mmr_version_vector_to_string (&vv, NULL);
  g_autofree char *last = NULL;

  EXPECT_EQ (vv_str (vv), "{A:2, B:1}");
  EXPECT_EQ (vv_str (gap), "{A:1, C:3}");
  EXPECT_EQ (vv_str (empty), "{}");
  EXPECT_STREQ (unnamed, "{0:2, 1:1}");
  empty.c[MMR_MAX_REPLICAS - 1] = G_MAXUINT32;
  last = mmr_version_vector_to_string (&empty, NULL);
  EXPECT_STREQ (last, "{15:4294967295}");
}

TEST (MmrVersionVector, EntriesAndSum)
{
  MmrVersionVector vv = vv_of ({ 2, 0, 7, 0, 1 });

  EXPECT_EQ (mmr_version_vector_n_entries (&vv), 3u);
  EXPECT_FALSE (mmr_version_vector_is_empty (&vv));
  EXPECT_EQ (mmr_version_vector_sum (&vv), 10u);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    vv.c[i] = G_MAXUINT32;
  EXPECT_EQ (mmr_version_vector_n_entries (&vv), (guint) MMR_MAX_REPLICAS);
  /* 16 * (2^32 - 1) does not fit 32 bits: the sum is 64-bit. */
  EXPECT_EQ (mmr_version_vector_sum (&vv),
             (guint64) MMR_MAX_REPLICAS * G_MAXUINT32);
}

TEST (MmrVersionVector, CompareGivesExactlyTheDefinedOutcome)
{
  guint seen[4] = { 0, 0, 0, 0 };

  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrVersionVector a = random_vv (prng);
      MmrVersionVector b = derive_vv (prng, a);
      MmrVvOrder o = mmr_version_vector_compare (&a, &b);
      bool leq_ab = mmr_version_vector_leq (&a, &b);
      bool leq_ba = mmr_version_vector_leq (&b, &a);

      ASSERT_EQ (o, ref_order (a, b)) << vv_str (a) << " vs " << vv_str (b);
      ASSERT_EQ (leq_ab, ref_leq (a, b));
      ASSERT_EQ (leq_ba, ref_leq (b, a));
      /* Exactly one of the four: each outcome pins both leq answers. */
      ASSERT_EQ (o == MMR_VV_EQUAL, leq_ab && leq_ba);
      ASSERT_EQ (o == MMR_VV_DOMINATES, leq_ba && !leq_ab);
      ASSERT_EQ (o == MMR_VV_DOMINATED, leq_ab && !leq_ba);
      ASSERT_EQ (o == MMR_VV_CONCURRENT, !leq_ab && !leq_ba);
      ASSERT_EQ (o == MMR_VV_EQUAL, same (a, b));
      seen[o]++;
    }
  /* The generator must exercise every outcome, or the laws prove little. */
  for (guint o = 0; o < 4; o++)
    EXPECT_GT (seen[o], N_CASES / 20) << mmr_vv_order_to_string ((MmrVvOrder) o);
}

TEST (MmrVersionVector, CompareMirrorsWhenArgumentsSwap)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrVersionVector a = random_vv (prng);
      MmrVersionVector b = derive_vv (prng, a);
      MmrVvOrder ab = mmr_version_vector_compare (&a, &b);
      MmrVvOrder ba = mmr_version_vector_compare (&b, &a);

      switch (ab)
        {
        case MMR_VV_EQUAL: ASSERT_EQ (ba, MMR_VV_EQUAL); break;
        case MMR_VV_DOMINATES: ASSERT_EQ (ba, MMR_VV_DOMINATED); break;
        case MMR_VV_DOMINATED: ASSERT_EQ (ba, MMR_VV_DOMINATES); break;
        case MMR_VV_CONCURRENT: ASSERT_EQ (ba, MMR_VV_CONCURRENT); break;
        default: FAIL () << "unknown order " << ab;
        }
      ASSERT_EQ (mmr_version_vector_compare (&a, &a), MMR_VV_EQUAL);
    }
}

TEST (MmrVersionVector, JoinIsCommutativeAssociativeIdempotent)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrVersionVector a = random_vv (prng);
      MmrVersionVector b = derive_vv (prng, a);
      MmrVersionVector c = derive_vv (prng, b);

      ASSERT_TRUE (same (joined (a, b), joined (b, a)))
        << vv_str (a) << " " << vv_str (b);
      ASSERT_TRUE (same (joined (joined (a, b), c), joined (a, joined (b, c))))
        << vv_str (a) << " " << vv_str (b) << " " << vv_str (c);
      ASSERT_TRUE (same (joined (a, a), a)) << vv_str (a);
      ASSERT_TRUE (same (joined (joined (a, b), b), joined (a, b)));
    }
}

TEST (MmrVersionVector, JoinIsTheLeastUpperBound)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrVersionVector a = random_vv (prng);
      MmrVersionVector b = derive_vv (prng, a);
      MmrVersionVector j = joined (a, b);
      MmrVersionVector c = derive_vv (prng, j);
      MmrVvOrder ja = mmr_version_vector_compare (&j, &a);
      MmrVvOrder jb = mmr_version_vector_compare (&j, &b);

      ASSERT_TRUE (mmr_version_vector_leq (&a, &j));
      ASSERT_TRUE (mmr_version_vector_leq (&b, &j));
      ASSERT_TRUE (ja == MMR_VV_EQUAL || ja == MMR_VV_DOMINATES)
        << mmr_vv_order_to_string (ja);
      ASSERT_TRUE (jb == MMR_VV_EQUAL || jb == MMR_VV_DOMINATES)
        << mmr_vv_order_to_string (jb);
      /* Least: any upper bound of a and b is above their join. */
      if (mmr_version_vector_leq (&a, &c) && mmr_version_vector_leq (&b, &c))
        {
          ASSERT_TRUE (mmr_version_vector_leq (&j, &c))
            << vv_str (j) << " vs " << vv_str (c);
        }
      /* A join never loses an entry, and a covered dot stays covered. */
      ASSERT_GE (mmr_version_vector_n_entries (&j),
                 mmr_version_vector_n_entries (&a));
      for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
        if (a.c[i] > 0)
          {
            ASSERT_TRUE (mmr_version_vector_covers (
                           &j, MmrDot { (guint8) i, a.c[i] }));
          }
    }
}
