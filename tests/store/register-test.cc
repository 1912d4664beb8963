// register-test.cc - where a register's siblings live, and merges that
// move them between the inline slot and an owned array
//
// A lone sibling is kept inside the register (reg->one); two or more are
// an owned array (src/store/register.h). The pointer must always point
// into the register it belongs to, through resets, copies, swaps and
// merges; these tests check the pointer itself, not only the values.
// Run under ASan/LSan: a stale pointer or a lost array shows up there.

#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "store/register.h"
}

namespace {

const char *const kNames[] = { "A", "B", "C", "D", nullptr };

struct RegisterDeleter {
  void operator() (MmrRegister *r) const { mmr_register_free (r); }
};
using RegisterPtr = std::unique_ptr<MmrRegister, RegisterDeleter>;

MmrVersion
Version (guint8 replica, guint32 counter, gint64 ts, const char *value)
{
  MmrVersion v = {};

  v.dot.replica = replica;
  v.dot.counter = counter;
  v.ts = ts;
  v.ts_logical = 0;
  v.hlc.l = ts;
  v.hlc.c = 0;
  v.value = g_strdup (value);
  return v;
}

// A register with vector @vv and the given siblings (ownership moves).
RegisterPtr
Make (std::initializer_list<std::pair<guint, guint32>> vv,
      std::initializer_list<MmrVersion> siblings)
{
  RegisterPtr reg (mmr_register_new ());
  guint i = 0;

  for (auto &e : vv)
    reg->vv.c[e.first] = e.second;
  MmrVersion *s = mmr_register_reset_siblings (reg.get (), siblings.size ());
  for (auto &v : siblings)
    s[i++] = v;
  return reg;
}

MmrMergePolicy
Policy (MmrStrategy strategy)
{
  MmrMergePolicy p = {};

  p.strategy = strategy;
  p.causality = MMR_CAUSALITY_DVV;
  p.names = kNames;
  return p;
}

std::vector<std::string>
Values (const MmrRegister *reg)
{
  std::vector<std::string> out;

  for (guint i = 0; i < reg->n_siblings; i++)
    out.push_back (reg->siblings[i].value != nullptr ? reg->siblings[i].value
                                                     : "<tombstone>");
  return out;
}

std::vector<std::pair<int, guint32>>
Dots (const MmrRegister *reg)
{
  std::vector<std::pair<int, guint32>> out;

  for (guint i = 0; i < reg->n_siblings; i++)
    out.emplace_back (reg->siblings[i].dot.replica,
                      reg->siblings[i].dot.counter);
  return out;
}

std::vector<guint32>
Vv (const MmrRegister *reg)
{
  return std::vector<guint32> (reg->vv.c, reg->vv.c + MMR_MAX_REPLICAS);
}

std::vector<guint32>
VvOf (std::initializer_list<std::pair<guint, guint32>> entries)
{
  std::vector<guint32> out (MMR_MAX_REPLICAS, 0);

  for (auto &e : entries)
    out[e.first] = e.second;
  return out;
}

// TRUE if @p points inside the struct @reg (at its inline slot).
bool
PointsAtOwnSlot (const MmrRegister *reg)
{
  return reg->siblings == &reg->one;
}

using DotList = std::vector<std::pair<int, guint32>>;

}  // namespace

TEST (MmrRegister, NewIsEmpty)
{
  RegisterPtr reg (mmr_register_new ());

  EXPECT_EQ (reg->n_siblings, 0u);
  EXPECT_EQ (reg->siblings, nullptr);
  EXPECT_EQ (Vv (reg.get ()), VvOf ({}));
  EXPECT_TRUE (mmr_register_is_absent (reg.get ()));
  mmr_register_free (nullptr);
}

TEST (MmrRegister, ResetSiblingsZeroOneThree)
{
  RegisterPtr reg (mmr_register_new ());

  // 0: no storage at all
  EXPECT_EQ (mmr_register_reset_siblings (reg.get (), 0), nullptr);
  EXPECT_EQ (reg->n_siblings, 0u);
  EXPECT_EQ (reg->siblings, nullptr);

  // 1: the inline slot, zeroed
  MmrVersion *one = mmr_register_reset_siblings (reg.get (), 1);
  EXPECT_EQ (one, &reg->one);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_EQ (reg->n_siblings, 1u);
  EXPECT_EQ (one->value, nullptr);
  EXPECT_EQ (one->dot.replica, 0);
  EXPECT_EQ (one->dot.counter, 0u);
  EXPECT_EQ (one->ts, 0);
  one->value = g_strdup ("inline");
  one->dot.counter = 9;

  // 3: an array, not the slot; the inline value was freed (LSan)
  MmrVersion *three = mmr_register_reset_siblings (reg.get (), 3);
  ASSERT_NE (three, nullptr);
  EXPECT_NE (three, &reg->one);
  EXPECT_EQ (reg->siblings, three);
  EXPECT_EQ (reg->n_siblings, 3u);
  for (guint i = 0; i < 3; i++)
    {
      EXPECT_EQ (three[i].value, nullptr) << i;
      EXPECT_EQ (three[i].dot.counter, 0u) << i;
      three[i].value = g_strdup_printf ("array %u", i);
    }

  // back to 1 from an array: the array and its values are freed, and the
  // inline slot is zeroed again (no stale counter from before)
  one = mmr_register_reset_siblings (reg.get (), 1);
  EXPECT_EQ (one, &reg->one);
  EXPECT_EQ (one->value, nullptr);
  EXPECT_EQ (one->dot.counter, 0u);
  one->value = g_strdup ("again");

  // and to 0: the value is freed, the pointer dropped
  EXPECT_EQ (mmr_register_reset_siblings (reg.get (), 0), nullptr);
  EXPECT_EQ (reg->siblings, nullptr);
  EXPECT_EQ (reg->n_siblings, 0u);
}

TEST (MmrRegister, ResetKeepsTheVersionVector)
{
  RegisterPtr reg = Make ({ { 2, 5 } }, { Version (2, 5, 1, "x") });

  mmr_register_reset_siblings (reg.get (), 3);
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 2, 5 } }));
}

TEST (MmrRegister, ClearFreesSiblingsButNotTheRegister)
{
  MmrRegister inside = {};  // a register living in something else

  mmr_register_reset_siblings (&inside, 3)[1].value = g_strdup ("b");
  inside.vv.c[0] = 4;
  mmr_register_clear (&inside);
  EXPECT_EQ (inside.n_siblings, 0u);
  EXPECT_EQ (inside.siblings, nullptr);
  EXPECT_EQ (inside.vv.c[0], 4u);

  mmr_register_reset_siblings (&inside, 1)->value = g_strdup ("a");
  mmr_register_clear (&inside);
  EXPECT_EQ (inside.n_siblings, 0u);
  EXPECT_EQ (inside.siblings, nullptr);
  mmr_register_clear (&inside);  // twice is fine
}

TEST (MmrRegister, CopyOfOneSiblingPointsAtItsOwnSlot)
{
  RegisterPtr reg = Make ({ { 1, 2 } }, { Version (1, 2, 77, "solo") });
  RegisterPtr copy (mmr_register_copy (reg.get ()));

  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_TRUE (PointsAtOwnSlot (copy.get ()));
  EXPECT_NE (copy->siblings, reg->siblings);
  EXPECT_EQ (copy->n_siblings, 1u);
  EXPECT_STREQ (copy->one.value, "solo");
  EXPECT_NE (copy->one.value, reg->one.value);  // its own string
  EXPECT_EQ (copy->one.dot.replica, 1);
  EXPECT_EQ (copy->one.dot.counter, 2u);
  EXPECT_EQ (copy->one.ts, 77);
  EXPECT_EQ (Vv (copy.get ()), VvOf ({ { 1, 2 } }));

  // The original going away leaves the copy intact (ASan).
  reg.reset ();
  EXPECT_STREQ (copy->siblings[0].value, "solo");
}

TEST (MmrRegister, CopyOfThreeSiblingsOwnsItsArray)
{
  RegisterPtr reg = Make ({ { 0, 1 }, { 1, 1 }, { 2, 1 } },
                         { Version (0, 1, 1, "a"), Version (1, 1, 1, nullptr),
                           Version (2, 1, 1, "c") });
  RegisterPtr copy (mmr_register_copy (reg.get ()));

  EXPECT_FALSE (PointsAtOwnSlot (copy.get ()));
  EXPECT_NE (copy->siblings, reg->siblings);
  EXPECT_EQ (Values (copy.get ()),
             (std::vector<std::string>{ "a", "<tombstone>", "c" }));
  EXPECT_NE (copy->siblings[0].value, reg->siblings[0].value);
  reg.reset ();
  EXPECT_EQ (Dots (copy.get ()), (DotList{ { 0, 1 }, { 1, 1 }, { 2, 1 } }));
}

TEST (MmrRegister, CopyOfEmpty)
{
  RegisterPtr reg = Make ({ { 4, 4 } }, {});
  RegisterPtr copy (mmr_register_copy (reg.get ()));

  EXPECT_EQ (copy->n_siblings, 0u);
  EXPECT_EQ (copy->siblings, nullptr);
  EXPECT_EQ (Vv (copy.get ()), VvOf ({ { 4, 4 } }));
}

TEST (MmrRegister, SwapOneWithThree)
{
  RegisterPtr a = Make ({ { 0, 1 } }, { Version (0, 1, 10, "a1") });
  RegisterPtr b = Make ({ { 1, 3 } }, { Version (1, 1, 20, "b1"),
                                        Version (1, 2, 21, "b2"),
                                        Version (1, 3, 22, "b3") });
  char *a1 = a->one.value;
  MmrVersion *b_array = b->siblings;

  mmr_register_swap (a.get (), b.get ());
  // a now has b's array (the very same block), b has a's lone sibling in
  // b's own slot - not in a's.
  EXPECT_EQ (a->n_siblings, 3u);
  EXPECT_EQ (a->siblings, b_array);
  EXPECT_NE (a->siblings, &a->one);
  EXPECT_NE (a->siblings, &b->one);
  EXPECT_EQ (b->n_siblings, 1u);
  EXPECT_EQ (b->siblings, &b->one);
  EXPECT_EQ (b->one.value, a1);  // moved, not copied
  EXPECT_EQ (Values (a.get ()), (std::vector<std::string>{ "b1", "b2", "b3" }));
  EXPECT_EQ (Values (b.get ()), (std::vector<std::string>{ "a1" }));
  EXPECT_EQ (Vv (a.get ()), VvOf ({ { 1, 3 } }));
  EXPECT_EQ (Vv (b.get ()), VvOf ({ { 0, 1 } }));

  // and back
  mmr_register_swap (a.get (), b.get ());
  EXPECT_EQ (a->siblings, &a->one);
  EXPECT_EQ (b->siblings, b_array);
  EXPECT_EQ (Values (a.get ()), (std::vector<std::string>{ "a1" }));
  EXPECT_EQ (Values (b.get ()), (std::vector<std::string>{ "b1", "b2", "b3" }));
}

TEST (MmrRegister, SwapOneWithOne)
{
  RegisterPtr a = Make ({ { 0, 1 } }, { Version (0, 1, 10, "a") });
  RegisterPtr b = Make ({ { 3, 7 } }, { Version (3, 7, 20, "b") });

  mmr_register_swap (a.get (), b.get ());
  EXPECT_EQ (a->siblings, &a->one);
  EXPECT_EQ (b->siblings, &b->one);
  EXPECT_STREQ (a->one.value, "b");
  EXPECT_STREQ (b->one.value, "a");
  EXPECT_EQ (a->one.dot.replica, 3);
  EXPECT_EQ (a->one.dot.counter, 7u);
  EXPECT_EQ (a->one.ts, 20);
  EXPECT_EQ (b->one.dot.replica, 0);
  EXPECT_EQ (Vv (a.get ()), VvOf ({ { 3, 7 } }));
  EXPECT_EQ (Vv (b.get ()), VvOf ({ { 0, 1 } }));
  // Freeing one must not touch the other (ASan).
  b.reset ();
  EXPECT_STREQ (a->siblings[0].value, "b");
}

TEST (MmrRegister, SwapEmptyWithOne)
{
  RegisterPtr a = Make ({}, {});
  RegisterPtr b = Make ({ { 2, 1 } }, { Version (2, 1, 5, "only") });

  mmr_register_swap (a.get (), b.get ());
  EXPECT_EQ (a->siblings, &a->one);
  EXPECT_EQ (a->n_siblings, 1u);
  EXPECT_STREQ (a->one.value, "only");
  EXPECT_EQ (b->siblings, nullptr);
  EXPECT_EQ (b->n_siblings, 0u);
}

TEST (MmrRegister, SwapThreeWithTwo)
{
  RegisterPtr a = Make ({}, { Version (0, 1, 1, "a1"), Version (0, 2, 1, "a2"),
                              Version (0, 3, 1, "a3") });
  RegisterPtr b = Make ({}, { Version (1, 1, 1, "b1"),
                              Version (1, 2, 1, "b2") });
  MmrVersion *a_array = a->siblings, *b_array = b->siblings;

  mmr_register_swap (a.get (), b.get ());
  EXPECT_EQ (a->siblings, b_array);
  EXPECT_EQ (b->siblings, a_array);
  EXPECT_EQ (Values (a.get ()), (std::vector<std::string>{ "b1", "b2" }));
  EXPECT_EQ (Values (b.get ()), (std::vector<std::string>{ "a1", "a2", "a3" }));
}

// LWW: one sibling at every step, always in the inline slot.
TEST (MmrRegister, LwwMergeKeepsOneInlineSibling)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_LWW);
  RegisterPtr reg (mmr_register_new ());
  RegisterPtr from_a = Make ({ { 0, 1 } }, { Version (0, 1, 100, "x") });
  RegisterPtr from_b = Make ({ { 1, 1 } }, { Version (1, 1, 200, "y") });
  MmrMergeResult r;

  mmr_merge_result_init (&r);
  mmr_register_merge (reg.get (), &policy, from_a.get (), &r);
  EXPECT_TRUE (r.changed);
  EXPECT_FALSE (r.conflict);
  EXPECT_EQ (r.met, nullptr);
  EXPECT_EQ (r.kept, nullptr);
  ASSERT_EQ (reg->n_siblings, 1u);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_STREQ (reg->one.value, "x");
  EXPECT_NE (reg->one.value, from_a->one.value);  // a copy
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 } }));
  mmr_merge_result_clear (&r);

  // B's write is concurrent and newer: it wins by timestamp.
  mmr_merge_result_init (&r);
  mmr_register_merge (reg.get (), &policy, from_b.get (), &r);
  EXPECT_TRUE (r.changed);
  EXPECT_TRUE (r.conflict);
  EXPECT_EQ (r.rule, MMR_RESOLVE_LWW_TIMESTAMP);
  ASSERT_NE (r.met, nullptr);
  ASSERT_EQ (r.met->len, 2u);
  EXPECT_STREQ (g_array_index (r.met, MmrEventVersion, 0).value, "x");
  EXPECT_STREQ (g_array_index (r.met, MmrEventVersion, 1).value, "y");
  ASSERT_EQ (r.kept->len, 1u);
  EXPECT_EQ (g_array_index (r.kept, MmrDot, 0).replica, 1);
  EXPECT_EQ (g_array_index (r.kept, MmrDot, 0).counter, 1u);
  ASSERT_EQ (reg->n_siblings, 1u);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_STREQ (reg->one.value, "y");
  EXPECT_EQ (reg->one.ts, 200);
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 }, { 1, 1 } }));
  mmr_merge_result_clear (&r);
  EXPECT_EQ (r.met, nullptr);
  EXPECT_EQ (r.kept, nullptr);

  // The same state again changes nothing (idempotent).
  mmr_merge_result_init (&r);
  mmr_register_merge (reg.get (), &policy, from_b.get (), &r);
  EXPECT_FALSE (r.changed);
  EXPECT_FALSE (r.conflict);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_STREQ (reg->one.value, "y");
  mmr_merge_result_clear (&r);

  // An older concurrent write loses: the register keeps y, in place.
  RegisterPtr from_c = Make ({ { 2, 1 } }, { Version (2, 1, 50, "z") });
  char *y = reg->one.value;
  mmr_merge_result_init (&r);
  mmr_register_merge (reg.get (), &policy, from_c.get (), &r);
  EXPECT_TRUE (r.changed);
  EXPECT_TRUE (r.conflict);
  EXPECT_EQ (r.rule, MMR_RESOLVE_LWW_TIMESTAMP);
  EXPECT_EQ (reg->one.value, y);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 }, { 1, 1 }, { 2, 1 } }));
  mmr_merge_result_clear (&r);
}

// Siblings: 1 (inline) -> 2 (array) -> 1 (inline again).
TEST (MmrRegister, SiblingsMergeOneTwoOne)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_SIBLINGS);
  RegisterPtr reg = Make ({ { 0, 1 } }, { Version (0, 1, 100, "a") });
  RegisterPtr from_b = Make ({ { 1, 1 } }, { Version (1, 1, 90, "b") });
  MmrMergeResult r;

  ASSERT_TRUE (PointsAtOwnSlot (reg.get ()));
  mmr_merge_result_init (&r);
  mmr_register_merge (reg.get (), &policy, from_b.get (), &r);
  EXPECT_TRUE (r.changed);
  EXPECT_TRUE (r.conflict);
  EXPECT_EQ (r.rule, MMR_RESOLVE_SIBLINGS);
  ASSERT_EQ (r.met->len, 2u);
  EXPECT_STREQ (g_array_index (r.met, MmrEventVersion, 0).value, "a");
  EXPECT_STREQ (g_array_index (r.met, MmrEventVersion, 1).value, "b");
  ASSERT_EQ (r.kept->len, 2u);
  EXPECT_EQ (g_array_index (r.kept, MmrDot, 0).replica, 0);
  EXPECT_EQ (g_array_index (r.kept, MmrDot, 1).replica, 1);
  mmr_merge_result_clear (&r);
  ASSERT_EQ (reg->n_siblings, 2u);
  EXPECT_FALSE (PointsAtOwnSlot (reg.get ()));
  EXPECT_EQ (Dots (reg.get ()), (DotList{ { 0, 1 }, { 1, 1 } }));
  EXPECT_EQ (Values (reg.get ()), (std::vector<std::string>{ "a", "b" }));
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 }, { 1, 1 } }));

  // C saw both and wrote over them: one sibling, back in the slot.
  RegisterPtr from_c = Make ({ { 0, 1 }, { 1, 1 }, { 2, 1 } },
                             { Version (2, 1, 300, "c") });
  mmr_merge_result_init (&r);
  mmr_register_merge (reg.get (), &policy, from_c.get (), &r);
  EXPECT_TRUE (r.changed);
  EXPECT_FALSE (r.conflict);
  EXPECT_EQ (r.met, nullptr);
  mmr_merge_result_clear (&r);
  ASSERT_EQ (reg->n_siblings, 1u);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_STREQ (reg->one.value, "c");
  EXPECT_NE (reg->one.value, from_c->one.value);
  EXPECT_EQ (Dots (reg.get ()), (DotList{ { 2, 1 } }));
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 }, { 1, 1 }, { 2, 1 } }));

  // A copy of the merged register is independent of it.
  RegisterPtr copy (mmr_register_copy (reg.get ()));
  EXPECT_TRUE (PointsAtOwnSlot (copy.get ()));
  EXPECT_EQ (Values (copy.get ()), (std::vector<std::string>{ "c" }));
}

// Merging into an empty register under siblings: a 1-element result moves
// into the slot; a 3-element result stays an array.
TEST (MmrRegister, SiblingsMergeIntoEmpty)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_SIBLINGS);
  RegisterPtr one (mmr_register_new ());
  RegisterPtr three (mmr_register_new ());
  RegisterPtr in1 = Make ({ { 3, 2 } }, { Version (3, 2, 1, "v") });
  RegisterPtr in3 = Make ({ { 0, 1 }, { 1, 1 }, { 2, 1 } },
                          { Version (0, 1, 1, "p"), Version (1, 1, 1, "q"),
                            Version (2, 1, 1, nullptr) });
  MmrMergeResult r;

  mmr_merge_result_init (&r);
  mmr_register_merge (one.get (), &policy, in1.get (), &r);
  EXPECT_TRUE (r.changed);
  EXPECT_FALSE (r.conflict);
  mmr_merge_result_clear (&r);
  EXPECT_TRUE (PointsAtOwnSlot (one.get ()));
  EXPECT_EQ (Dots (one.get ()), (DotList{ { 3, 2 } }));

  mmr_merge_result_init (&r);
  mmr_register_merge (three.get (), &policy, in3.get (), &r);
  EXPECT_TRUE (r.changed);
  EXPECT_FALSE (r.conflict);  // nothing local met them
  mmr_merge_result_clear (&r);
  EXPECT_FALSE (PointsAtOwnSlot (three.get ()));
  EXPECT_EQ (Values (three.get ()),
             (std::vector<std::string>{ "p", "q", "<tombstone>" }));
}

// The LWW fast path: nothing visible, so no comparison and no array.
TEST (MmrRegister, LwwLocalWriteOnEmptyRegister)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_LWW);
  RegisterPtr reg (mmr_register_new ());
  MmrVersion tmpl = Version (0, 0, 1234, "hello");
  GArray *superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  MmrMergeResult r;
  MmrDot dot = { 99, 99 };

  tmpl.ts_logical = 5;
  tmpl.hlc.c = 6;
  mmr_merge_result_init (&r);
  EXPECT_TRUE (mmr_register_local_write (reg.get (), &policy, 2, &tmpl,
                                         nullptr, &dot, superseded, &r));
  EXPECT_EQ (dot.replica, 2);
  EXPECT_EQ (dot.counter, 1u);
  EXPECT_TRUE (r.changed);
  EXPECT_FALSE (r.conflict);
  EXPECT_EQ (r.met, nullptr);
  EXPECT_EQ (r.kept, nullptr);
  EXPECT_EQ (superseded->len, 0u);
  ASSERT_EQ (reg->n_siblings, 1u);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_EQ (reg->one.dot.replica, 2);
  EXPECT_EQ (reg->one.dot.counter, 1u);
  EXPECT_EQ (reg->one.ts, 1234);
  EXPECT_EQ (reg->one.ts_logical, 5u);
  EXPECT_EQ (reg->one.hlc.l, 1234);
  EXPECT_EQ (reg->one.hlc.c, 6u);
  EXPECT_STREQ (reg->one.value, "hello");
  EXPECT_NE (reg->one.value, tmpl.value);  // the template stays the caller's
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 2, 1 } }));
  mmr_merge_result_clear (&r);

  // A second write by the same replica, later: supersedes (2,1).
  tmpl.ts = 2000;
  mmr_merge_result_init (&r);
  EXPECT_TRUE (mmr_register_local_write (reg.get (), &policy, 2, &tmpl,
                                         nullptr, &dot, superseded, &r));
  EXPECT_EQ (dot.counter, 2u);
  EXPECT_FALSE (r.conflict);
  ASSERT_EQ (superseded->len, 1u);
  EXPECT_EQ (g_array_index (superseded, MmrDot, 0).replica, 2);
  EXPECT_EQ (g_array_index (superseded, MmrDot, 0).counter, 1u);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_EQ (reg->one.dot.counter, 2u);
  EXPECT_EQ (reg->one.ts, 2000);
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 2, 2 } }));
  mmr_merge_result_clear (&r);

  mmr_version_clear (&tmpl);
  g_array_unref (superseded);
}

// Siblings: a local write with no context saw everything: two siblings
// collapse into the new one, which goes into the slot.
TEST (MmrRegister, SiblingsLocalWriteCollapsesIntoTheSlot)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_SIBLINGS);
  RegisterPtr reg = Make ({ { 0, 1 }, { 1, 1 } },
                          { Version (0, 1, 1, "a"), Version (1, 1, 1, "b") });
  MmrVersion tmpl = Version (0, 0, 50, "merged");
  GArray *superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  MmrMergeResult r;
  MmrDot dot = {};

  ASSERT_FALSE (PointsAtOwnSlot (reg.get ()));
  mmr_merge_result_init (&r);
  EXPECT_TRUE (mmr_register_local_write (reg.get (), &policy, 3, &tmpl,
                                         nullptr, &dot, superseded, &r));
  EXPECT_FALSE (r.conflict);
  EXPECT_EQ (dot.replica, 3);
  EXPECT_EQ (dot.counter, 1u);
  ASSERT_EQ (superseded->len, 2u);
  EXPECT_EQ (g_array_index (superseded, MmrDot, 0).replica, 0);
  EXPECT_EQ (g_array_index (superseded, MmrDot, 1).replica, 1);
  ASSERT_EQ (reg->n_siblings, 1u);
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_STREQ (reg->one.value, "merged");
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 }, { 1, 1 }, { 3, 1 } }));
  mmr_merge_result_clear (&r);

  // With a context that saw nothing, the write sits beside the slot's
  // sibling: two, in an array again.
  MmrVersionVector empty;
  mmr_version_vector_init (&empty);
  mmr_merge_result_init (&r);
  EXPECT_TRUE (mmr_register_local_write (reg.get (), &policy, 0, &tmpl,
                                         &empty, &dot, superseded, &r));
  EXPECT_TRUE (r.conflict);
  EXPECT_EQ (r.rule, MMR_RESOLVE_SIBLINGS);
  EXPECT_EQ (dot.replica, 0);
  EXPECT_EQ (dot.counter, 2u);
  ASSERT_EQ (reg->n_siblings, 2u);
  EXPECT_FALSE (PointsAtOwnSlot (reg.get ()));
  EXPECT_EQ (Dots (reg.get ()), (DotList{ { 0, 2 }, { 3, 1 } }));
  mmr_merge_result_clear (&r);

  mmr_version_clear (&tmpl);
  g_array_unref (superseded);
}

// ---- a switch of strategy (docs/conflicts.md, "Switching strategy mid-run")

namespace {

std::string
DotsOf (GArray *dots)
{
  std::string s;

  for (guint i = 0; dots != nullptr && i < dots->len; i++)
    {
      MmrDot d = g_array_index (dots, MmrDot, i);
      s += (i ? " " : "") + std::string (kNames[d.replica]) + ":"
           + std::to_string (d.counter);
    }
  return s;
}

}  // namespace

// A replica's own LWW write over two siblings (kept before a switch to
// lww) saw both: it supersedes both, and lists both.
TEST (MmrRegister, LwwLocalWriteOverSiblingsListsEverySupersededDot)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_LWW);
  RegisterPtr reg = Make ({ { 0, 1 }, { 1, 1 } },
                          { Version (0, 1, 100, "a"), Version (1, 1, 90, "b") });
  MmrVersion tmpl = Version (0, 0, 500, "c");
  GArray *superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  MmrMergeResult r;
  MmrDot dot;

  mmr_merge_result_init (&r);
  EXPECT_TRUE (mmr_register_local_write (reg.get (), &policy, 0, &tmpl,
                                         nullptr, &dot, superseded, &r));
  EXPECT_EQ (DotsOf (superseded), "A:1 B:1");
  EXPECT_FALSE (r.conflict);
  EXPECT_EQ (Dots (reg.get ()), (DotList{ { 0, 2 } }));
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  mmr_merge_result_clear (&r);
  mmr_version_clear (&tmpl);
  g_array_unref (superseded);
}

// An LWW write that sorts below the largest sibling is discarded, and the
// register keeps that one sibling only.
TEST (MmrRegister, LwwLocalWriteBelowTheLargestSiblingIsRejected)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_LWW);
  RegisterPtr reg = Make ({ { 0, 1 }, { 1, 1 } },
                          { Version (0, 1, 100, "a"), Version (1, 1, 90, "b") });
  MmrVersion tmpl = Version (1, 0, 95, "c");
  GArray *superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  MmrMergeResult r;
  MmrDot dot;

  mmr_merge_result_init (&r);
  EXPECT_FALSE (mmr_register_local_write (reg.get (), &policy, 1, &tmpl,
                                          nullptr, &dot, superseded, &r));
  EXPECT_EQ (DotsOf (superseded), "");
  EXPECT_TRUE (r.conflict);
  EXPECT_EQ (r.rule, MMR_RESOLVE_LWW_REJECTED);
  EXPECT_EQ (DotsOf (r.kept), "A:1");
  EXPECT_EQ (Dots (reg.get ()), (DotList{ { 0, 1 } }));
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 }, { 1, 2 } }));
  mmr_merge_result_clear (&r);
  mmr_version_clear (&tmpl);
  g_array_unref (superseded);
}

TEST (MmrRegister, ResolveLwwKeepsTheLargestSibling)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_LWW);
  RegisterPtr reg = Make ({ { 0, 1 }, { 1, 1 }, { 2, 1 } },
                          { Version (0, 1, 100, "a"), Version (1, 1, 300, "b"),
                            Version (2, 1, 300, "c") });
  RegisterPtr one = Make ({ { 0, 1 } }, { Version (0, 1, 100, "a") });
  MmrMergeResult r;

  mmr_merge_result_init (&r);
  EXPECT_TRUE (mmr_register_resolve_lww (reg.get (), &policy, &r));
  EXPECT_TRUE (r.changed);
  EXPECT_TRUE (r.conflict);
  EXPECT_EQ (r.rule, MMR_RESOLVE_LWW_TIEBREAK);   // b and c tie at 300
  ASSERT_EQ (r.met->len, 3u);
  EXPECT_EQ (DotsOf (r.kept), "C:1");
  EXPECT_EQ (Values (reg.get ()), (std::vector<std::string>{ "c" }));
  EXPECT_TRUE (PointsAtOwnSlot (reg.get ()));
  EXPECT_EQ (Vv (reg.get ()), VvOf ({ { 0, 1 }, { 1, 1 }, { 2, 1 } }));
  mmr_merge_result_clear (&r);

  mmr_merge_result_init (&r);
  EXPECT_FALSE (mmr_register_resolve_lww (one.get (), &policy, &r));
  EXPECT_FALSE (r.conflict);
  mmr_merge_result_clear (&r);
}

// A message sent before a switch to lww carries siblings; merged under LWW
// in either order with another replica's state, the result is the same.
TEST (MmrRegister, LwwMergeOfSiblingsIsTheSameInEveryOrder)
{
  MmrMergePolicy policy = Policy (MMR_STRATEGY_LWW);
  policy.is_switched = TRUE;
  // x: an old message with siblings a (ts 100) and b (ts 90). y: a state
  // where b was written over by d, whose clock was behind (ts 50).
  RegisterPtr x = Make ({ { 0, 1 }, { 1, 1 } },
                        { Version (0, 1, 100, "a"), Version (1, 1, 90, "b") });
  RegisterPtr y = Make ({ { 0, 1 }, { 1, 1 }, { 3, 1 } },
                        { Version (3, 1, 50, "d") });
  RegisterPtr xy (mmr_register_new ()), yx (mmr_register_new ());
  MmrMergeResult r;

  mmr_merge_result_init (&r);
  mmr_register_merge (xy.get (), &policy, x.get (), &r);
  mmr_register_merge (xy.get (), &policy, y.get (), &r);
  mmr_merge_result_clear (&r);
  mmr_merge_result_init (&r);
  mmr_register_merge (yx.get (), &policy, y.get (), &r);
  mmr_register_merge (yx.get (), &policy, x.get (), &r);
  mmr_merge_result_clear (&r);
  EXPECT_EQ (Dots (xy.get ()), (DotList{ { 0, 1 } }));
  EXPECT_EQ (Dots (yx.get ()), Dots (xy.get ()));
  EXPECT_EQ (Vv (yx.get ()), Vv (xy.get ()));
}
