/* counter-test.cc - tests for src/crdt/g-counter.c and pn-counter.c
 *
 * Exact outcomes: the G-Counter's delta carries the replica's total, so a
 * re-delivered delta does not count twice; the PN-Counter across a
 * partition gives each side the exact value of what it saw, and the heal
 * gives everyone the exact total (the worked example of docs/crdts.md).
 *
 * <glib.h> comes before the extern "C" block: GLib's headers carry C++
 * templates when compiled as C++.
 */
#include <glib.h>

extern "C" {
#include "crdt/crdt.h"
}

#include <gtest/gtest.h>

#include <string>

namespace {

MmrCrdt *
must_apply (MmrCrdt *crdt, const char *op, const char *arg)
{
  g_autoptr (GError) error = NULL;
  MmrCrdt *delta = mmr_crdt_apply (crdt, op, arg, &error);

  EXPECT_NE (delta, nullptr) << (error ? error->message : "");
  return delta;
}

void
run (MmrCrdt *crdt, const char *op, const char *arg)
{
  mmr_crdt_free (must_apply (crdt, op, arg));
}

void
merge (MmrCrdt *into, const MmrCrdt *other)
{
  ASSERT_TRUE (mmr_crdt_merge (into, other, NULL));
}

std::string
read_str (const MmrCrdt *crdt)
{
  g_autoptr (GPtrArray) values = mmr_crdt_read (crdt);

  EXPECT_EQ (values->len, 1u);
  return values->len == 1 ? (const char *) g_ptr_array_index (values, 0) : "";
}

std::string
str (const MmrCrdt *crdt)
{
  g_autofree char *s = mmr_crdt_to_string (crdt);
  return s;
}

TEST (MmrGCounter, StartsAtZero)
{
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_GCOUNTER, 0);

  EXPECT_EQ (read_str (c), "0");
  EXPECT_TRUE (mmr_crdt_is_empty (c));
  EXPECT_EQ (mmr_crdt_metadata_size (c), 0u);
}

TEST (MmrGCounter, DeltaCarriesTheReplicasTotal)
{
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_GCOUNTER, 1);
  g_autoptr (MmrCrdt) d1 = must_apply (b, "incr", "3");
  g_autoptr (MmrCrdt) d2 = must_apply (b, "incr", "2");

  EXPECT_EQ (str (d1), "gcounter(delta){B:3}");
  EXPECT_EQ (str (d2), "gcounter(delta){B:5}");
  EXPECT_EQ (str (b), "gcounter{B:5}");
}

TEST (MmrGCounter, RedeliveredDeltasDoNotCountTwice)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_GCOUNTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_GCOUNTER, 1);
  g_autoptr (MmrCrdt) d1 = must_apply (b, "incr", "3");
  g_autoptr (MmrCrdt) d2 = must_apply (b, "incr", "2");

  run (a, "incr", "10");
  merge (a, d2);
  merge (a, d1);    /* late and out of order: max keeps B at 5 */
  merge (a, d2);    /* duplicated */
  EXPECT_EQ (read_str (a), "15");
  EXPECT_EQ (str (a), "gcounter{A:10, B:5}");
  EXPECT_EQ (mmr_crdt_metadata_size (a), 18u);   /* two slots of 1 + 8 */
}

TEST (MmrGCounter, ConcurrentIncrementsAllCount)
{
  MmrCrdt *r[3];

  for (guint i = 0; i < 3; i++)
    {
      r[i] = mmr_crdt_new (MMR_CRDT_GCOUNTER, i);
      for (guint k = 0; k <= i; k++)
        run (r[i], "incr", "4");
    }
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      merge (r[i], r[j]);
  for (guint i = 0; i < 3; i++)
    {
      EXPECT_EQ (read_str (r[i]), "24");
      mmr_crdt_free (r[i]);
    }
}

/* docs/crdts.md, "PN-Counter": A, B and C start at 10 together; a
 * partition puts A alone and B with C. */
TEST (MmrPnCounter, PartitionGivesEachSideItsExactValueAndTheHealTheSum)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_PNCOUNTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_PNCOUNTER, 1);
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_PNCOUNTER, 2);

  run (a, "incr", "10");
  merge (b, a);
  merge (c, a);

  /* partition {A} | {B, C} */
  run (a, "incr", "5");
  run (a, "decr", "1");
  g_autoptr (MmrCrdt) db1 = must_apply (b, "decr", "4");
  g_autoptr (MmrCrdt) dc1 = must_apply (c, "incr", "2");
  g_autoptr (MmrCrdt) dc2 = must_apply (c, "decr", "7");
  merge (b, dc1);
  merge (b, dc2);
  merge (c, db1);
  EXPECT_EQ (read_str (a), "14");    /* 10 + 5 - 1 */
  EXPECT_EQ (read_str (b), "1");     /* 10 - 4 + 2 - 7 */
  EXPECT_EQ (read_str (c), "1");

  /* heal: anti-entropy ships full states both ways */
  merge (a, b);
  merge (b, a);
  merge (c, a);
  EXPECT_EQ (read_str (a), "5");     /* 10 + 5 - 1 - 4 + 2 - 7 */
  EXPECT_EQ (read_str (b), "5");
  EXPECT_EQ (read_str (c), "5");
  EXPECT_EQ (str (a), "pncounter{P{A:15, C:2} N{A:1, B:4, C:7}}");
}

TEST (MmrPnCounter, GoesNegative)
{
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_PNCOUNTER, 3);
  g_autoptr (MmrCrdt) d = must_apply (c, "decr", "576460752303423487");

  EXPECT_EQ (read_str (c), "-576460752303423487");
  EXPECT_EQ (str (d), "pncounter(delta){P{} N{D:576460752303423487}}");
}

TEST (MmrPnCounter, ReadOfSixteenFullSlotsDoesNotOverflow)
{
  g_autoptr (MmrCrdt) sum = mmr_crdt_new (MMR_CRDT_PNCOUNTER, 0);

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      g_autoptr (MmrCrdt) r = mmr_crdt_new (MMR_CRDT_PNCOUNTER, i);
      run (r, "incr", "576460752303423487");
      merge (sum, r);
    }
  EXPECT_EQ (read_str (sum), "9223372036854775792");   /* 16 * max */
}

} // namespace
