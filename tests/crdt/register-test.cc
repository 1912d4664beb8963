/* register-test.cc - tests for src/crdt/lww-register.c and mv-register.c
 *
 * Exact outcomes: an LWW-Register keeps the write with the largest
 * (timestamp, logical, replica, value) whatever the arrival order, and a
 * write with a smaller timestamp loses even when it came later; without a
 * stamp a write gets a Lamport timestamp. An MV-Register keeps concurrent
 * writes side by side until a write that saw them replaces them.
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
set_at (MmrCrdt *crdt, const char *value, gint64 ts, guint32 logical)
{
  MmrCrdtStamp stamp = { ts, logical };
  g_autoptr (GError) error = NULL;
  MmrCrdt *delta = mmr_crdt_apply_at (crdt, "set", value, &stamp, &error);

  EXPECT_NE (delta, nullptr) << (error ? error->message : "");
  return delta;
}

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

TEST (MmrLwwRegister, NeverSetReadsNothing)
{
  g_autoptr (MmrCrdt) r = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 0);

  EXPECT_EQ (read_str (r), "");
  EXPECT_EQ (str (r), "lwwreg{}");
  EXPECT_EQ (mmr_crdt_metadata_size (r), 0u);
}

TEST (MmrLwwRegister, LargerTimestampWinsInEitherArrivalOrder)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 1);
  g_autoptr (MmrCrdt) da = set_at (a, "from-a", 2000, 0);
  g_autoptr (MmrCrdt) db = set_at (b, "from-b", 1000, 5);

  merge (a, db);
  merge (b, da);
  EXPECT_EQ (read_str (a), "from-a");
  EXPECT_EQ (read_str (b), "from-a");
  EXPECT_EQ (str (b), "lwwreg{from-a @ 2000.0 A}");
  EXPECT_EQ (mmr_crdt_metadata_size (b), 13u);
}

TEST (MmrLwwRegister, TiesBreakByLogicalThenReplicaThenValue)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 1);
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 1);

  mmr_crdt_free (set_at (a, "a", 7, 1));
  mmr_crdt_free (set_at (b, "b", 7, 0));
  merge (b, a);
  EXPECT_EQ (read_str (b), "a");          /* logical 1 > 0 */

  mmr_crdt_free (set_at (a, "a2", 9, 0));
  mmr_crdt_free (set_at (b, "b2", 9, 0));
  merge (a, b);
  EXPECT_EQ (read_str (a), "b2");         /* replica B > A */

  /* A replica that reuses a stamp: the value decides, so that merge
   * still commutes. */
  mmr_crdt_free (set_at (c, "zebra", 9, 0));
  g_autoptr (MmrCrdt) c2 = mmr_crdt_copy (c);
  merge (c, b);
  merge (b, c2);
  EXPECT_EQ (read_str (c), "zebra");
  EXPECT_EQ (read_str (b), "zebra");
}

TEST (MmrLwwRegister, LaterWriteWithSmallerTimestampLoses)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 0);
  g_autoptr (MmrCrdt) d1 = set_at (a, "first", 500, 0);
  g_autoptr (MmrCrdt) d2 = set_at (a, "second", 400, 0);   /* clock went back */

  EXPECT_EQ (read_str (a), "first");
  EXPECT_EQ (str (d2), "lwwreg(delta){second @ 400.0 A}");
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 1);
  merge (b, d2);
  merge (b, d1);
  EXPECT_EQ (read_str (b), "first");
}

TEST (MmrLwwRegister, WithoutStampUsesLamportTime)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 1);

  run (a, "set", "x");
  EXPECT_EQ (str (a), "lwwreg{x @ 1.0 A}");
  mmr_crdt_free (set_at (b, "y", 41, 3));
  merge (a, b);
  run (a, "set", "z");   /* has seen 41: writes at 42 and wins */
  EXPECT_EQ (str (a), "lwwreg{z @ 42.0 A}");
  merge (b, a);
  EXPECT_EQ (read_str (b), "z");
  run (b, "set", "");    /* the empty string is a value */
  EXPECT_EQ (str (b), "lwwreg{ @ 43.0 B}");
  g_autoptr (GPtrArray) v = mmr_crdt_read (b);
  ASSERT_EQ (v->len, 1u);
  EXPECT_STREQ ((const char *) g_ptr_array_index (v, 0), "");
}

/* docs/crdts.md, "MV-Register" */
TEST (MmrMvRegister, ConcurrentWritesAreAllKept)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_MV_REGISTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_MV_REGISTER, 1);
  g_autoptr (MmrCrdt) da = must_apply (a, "set", "tea");
  g_autoptr (MmrCrdt) db = must_apply (b, "set", "coffee");

  merge (a, db);
  merge (b, da);
  EXPECT_EQ (read_str (a), "coffee,tea");
  EXPECT_EQ (read_str (b), "coffee,tea");
  EXPECT_EQ (str (a), "mvreg{A1:tea B1:coffee} ctx{A:1, B:1}");
  EXPECT_EQ (mmr_crdt_metadata_size (a), 20u);   /* two dots, two entries */

  /* A write that has seen both replaces both. */
  g_autoptr (MmrCrdt) d = must_apply (b, "set", "water");
  EXPECT_EQ (str (d), "mvreg(delta){B2:water} ctx{A:1, B:2}");
  merge (a, d);
  EXPECT_EQ (read_str (a), "water");
  EXPECT_TRUE (mmr_crdt_equal (a, b));
}

TEST (MmrMvRegister, SameValueWrittenConcurrentlyReadsOnce)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_MV_REGISTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_MV_REGISTER, 1);

  run (a, "set", "x");
  run (b, "set", "x");
  merge (a, b);
  EXPECT_EQ (read_str (a), "x");
  EXPECT_EQ (str (a), "mvreg{A1:x B1:x} ctx{A:1, B:1}");
}

TEST (MmrMvRegister, AWriteThatSawOnlyOneSiblingReplacesOnlyIt)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_MV_REGISTER, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_MV_REGISTER, 1);
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_MV_REGISTER, 2);

  run (a, "set", "1");
  run (b, "set", "2");
  merge (c, a);
  run (c, "set", "3");     /* saw A's write, not B's */
  merge (c, b);
  merge (a, c);
  EXPECT_EQ (read_str (c), "2,3");
  EXPECT_EQ (read_str (a), "2,3");
}

} // namespace
