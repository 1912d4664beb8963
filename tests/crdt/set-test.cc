/* set-test.cc - tests for src/crdt/g-set.c, two-p-set.c and or-set.c
 *
 * Exact outcomes for the classic cases of docs/crdts.md: a G-Set is a
 * union; a 2P-Set element removed once stays removed, even re-added, even
 * added concurrently elsewhere; an OR-Set resolves a concurrent add and
 * remove in favour of the add, lets an element come back after a remove,
 * and keeps no tombstones: its metadata after any number of removes is
 * its causal context.
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
  std::string s;

  for (guint i = 0; i < values->len; i++)
    s += std::string (i > 0 ? "," : "")
         + (const char *) g_ptr_array_index (values, i);
  return s;
}

std::string
str (const MmrCrdt *crdt)
{
  g_autofree char *s = mmr_crdt_to_string (crdt);
  return s;
}

TEST (MmrGSet, MergeIsUnion)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_GSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_GSET, 1);

  run (a, "add", "pear");
  run (a, "add", "apple");
  run (b, "add", "apple");
  run (b, "add", "fig");
  merge (a, b);
  EXPECT_EQ (read_str (a), "apple,fig,pear");
  EXPECT_EQ (mmr_crdt_metadata_size (a), 0u);
}

TEST (MmrTwoPSet, RemovedElementStaysRemovedWhenAddedAgain)
{
  g_autoptr (MmrCrdt) s = mmr_crdt_new (MMR_CRDT_TWO_P_SET, 0);

  run (s, "add", "x");
  run (s, "rem", "x");
  g_autoptr (MmrCrdt) d = must_apply (s, "add", "x");
  EXPECT_EQ (read_str (s), "");
  EXPECT_TRUE (mmr_crdt_is_empty (d));   /* the add did nothing */
  EXPECT_EQ (str (s), "2pset{-x}");
  EXPECT_EQ (mmr_crdt_metadata_size (s), 1u);   /* the tombstone "x" */
}

TEST (MmrTwoPSet, RemoveWinsOverAConcurrentAdd)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_TWO_P_SET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_TWO_P_SET, 1);

  run (a, "add", "x");
  merge (b, a);
  run (a, "rem", "x");
  run (b, "add", "x");   /* already there: nothing to add */
  run (b, "add", "y");
  merge (a, b);
  merge (b, a);
  EXPECT_EQ (read_str (a), "y");
  EXPECT_EQ (read_str (b), "y");
}

TEST (MmrTwoPSet, RemovingWhatIsNotThereDoesNothing)
{
  g_autoptr (MmrCrdt) s = mmr_crdt_new (MMR_CRDT_TWO_P_SET, 0);
  g_autoptr (MmrCrdt) d = must_apply (s, "rem", "x");

  EXPECT_TRUE (mmr_crdt_is_empty (d));
  run (s, "add", "x");
  EXPECT_EQ (read_str (s), "x");   /* no remove was recorded */
}

/* docs/crdts.md, "OR-Set": A adds red and ships it to B; B removes red
 * while A, concurrently, adds red again. */
TEST (MmrOrSet, ConcurrentAddWinsOverRemove)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_ORSET, 1);
  g_autoptr (MmrCrdt) d1 = must_apply (a, "add", "red");

  merge (b, d1);
  g_autoptr (MmrCrdt) rem = must_apply (b, "rem", "red");
  g_autoptr (MmrCrdt) d2 = must_apply (a, "add", "red");
  EXPECT_EQ (str (rem), "orset(delta){red:[]} ctx{A:1}");
  EXPECT_EQ (str (d2), "orset(delta){red:[A2]} ctx{A:2}");
  EXPECT_EQ (read_str (b), "");

  merge (a, rem);
  merge (b, d2);
  EXPECT_EQ (read_str (a), "red");
  EXPECT_EQ (read_str (b), "red");
  EXPECT_EQ (str (a), "orset{red:[A2]} ctx{A:2}");
  EXPECT_TRUE (mmr_crdt_equal (a, b));
}

TEST (MmrOrSet, ConcurrentAddsOfOneElementBothSurviveARemoveOfOne)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_ORSET, 1);
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_ORSET, 2);

  run (a, "add", "x");
  run (b, "add", "x");
  merge (c, a);
  run (c, "rem", "x");   /* C saw only A's add */
  merge (c, b);
  EXPECT_EQ (read_str (c), "x");
  EXPECT_EQ (str (c), "orset{x:[B1]} ctx{A:1, B:1}");
}

TEST (MmrOrSet, RemoveThatSawTheAddRemoves)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_ORSET, 1);

  run (a, "add", "x");
  run (a, "add", "y");
  merge (b, a);
  run (b, "rem", "x");
  merge (a, b);
  EXPECT_EQ (read_str (a), "y");
  run (a, "add", "x");     /* and it can come back, unlike a 2P-Set */
  merge (b, a);
  EXPECT_EQ (read_str (b), "x,y");
}

TEST (MmrOrSet, KeepsNoTombstones)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_ORSET, 1);

  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *e = g_strdup_printf ("e%d", i);
      run (a, "add", e);
      run (b, "add", e);
      run (a, "rem", e);
    }
  merge (a, b);
  merge (b, a);
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *e = g_strdup_printf ("e%d", i);
      run (a, "rem", e);
    }
  merge (b, a);
  EXPECT_EQ (read_str (b), "");
  /* 2000 adds and 2000 removes later: two context entries of 5 bytes */
  EXPECT_EQ (mmr_crdt_metadata_size (b), 10u);
  EXPECT_EQ (str (b), "orset{} ctx{A:1000, B:1000}");
  g_autoptr (GBytes) bytes = mmr_crdt_encode (b);
  EXPECT_EQ (g_bytes_get_size (bytes), 3u + 1u + 7u + 1u);
}

TEST (MmrOrSet, OutOfOrderDeltasLeaveAGapUntilItFills)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_ORSET, 1);
  g_autoptr (MmrCrdt) d1 = must_apply (a, "add", "x");
  g_autoptr (MmrCrdt) d2 = must_apply (a, "add", "y");
  g_autoptr (MmrCrdt) d3 = must_apply (a, "rem", "y");

  merge (b, d3);
  merge (b, d2);   /* already removed: B's context knows A2 */
  EXPECT_EQ (str (b), "orset{} ctx{}+[A2]");
  merge (b, d1);
  EXPECT_EQ (str (b), "orset{x:[A1]} ctx{A:2}");
  EXPECT_TRUE (mmr_crdt_equal (a, b));
}

TEST (MmrOrSet, AddReplacesTheDotsItSaw)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_ORSET, 1);

  run (a, "add", "x");
  run (b, "add", "x");
  merge (a, b);
  EXPECT_EQ (str (a), "orset{x:[A1,B1]} ctx{A:1, B:1}");
  g_autoptr (MmrCrdt) d = must_apply (a, "add", "x");
  EXPECT_EQ (str (d), "orset(delta){x:[A2]} ctx{A:2, B:1}");
  EXPECT_EQ (str (a), "orset{x:[A2]} ctx{A:2, B:1}");
  EXPECT_EQ (mmr_crdt_metadata_size (a), 15u);   /* one dot, two entries */
}

} // namespace
