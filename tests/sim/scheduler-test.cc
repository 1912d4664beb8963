// scheduler-test.cc - the world's event queue (src/sim/scheduler.c)
//
// A binary heap over a plain array, ordered by (time, seq). Checked here:
// the exact pop order with ties, that pop_push (one sift) behaves exactly
// like a pop followed by a push, and that remove withdraws exactly the
// task asked for. Property loops seed GRand explicitly and print the seed.

#include <gtest/gtest.h>

#include <set>
#include <tuple>
#include <utility>
#include <vector>

extern "C" {
#include "sim/scheduler.h"
}

namespace {

struct SchedulerDeleter {
  void operator() (MmrScheduler *s) const { mmr_scheduler_free (s); }
};
using SchedulerPtr = std::unique_ptr<MmrScheduler, SchedulerDeleter>;

MmrTask
Task (gint64 time_us, guint64 seq, MmrTaskKind kind = MMR_TASK_DELIVER,
      guint a = 0, guint b = 0)
{
  MmrTask t = {};

  t.time_us = time_us;
  t.seq = seq;
  t.kind = kind;
  t.a = a;
  t.b = b;
  return t;
}

// Pushes a task at @time with the scheduler's next sequence number.
guint64
PushAt (MmrScheduler *s, gint64 time, MmrTaskKind kind = MMR_TASK_DELIVER,
        guint a = 0, guint b = 0)
{
  guint64 seq = mmr_scheduler_next_seq (s);
  MmrTask t = Task (time, seq, kind, a, b);

  mmr_scheduler_push (s, &t);
  return seq;
}

std::vector<std::pair<gint64, guint64>>
Drain (MmrScheduler *s)
{
  std::vector<std::pair<gint64, guint64>> out;
  MmrTask t;

  while (mmr_scheduler_pop (s, &t))
    out.emplace_back (t.time_us, t.seq);
  return out;
}

bool
SameTask (const MmrTask &a, const MmrTask &b)
{
  return a.time_us == b.time_us && a.seq == b.seq && a.kind == b.kind
         && a.a == b.a && a.b == b.b;
}

using Order = std::vector<std::pair<gint64, guint64>>;

}  // namespace

TEST (MmrScheduler, EmptyScheduler)
{
  SchedulerPtr s (mmr_scheduler_new ());
  MmrTask t = Task (42, 42);

  EXPECT_EQ (mmr_scheduler_size (s.get ()), 0u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ()), nullptr);
  EXPECT_FALSE (mmr_scheduler_pop (s.get (), &t));
  EXPECT_EQ (t.time_us, 42);  // untouched
  EXPECT_FALSE (mmr_scheduler_remove (s.get (), 0));
  mmr_scheduler_free (nullptr);
}

TEST (MmrScheduler, SequenceNumbersCountFromZero)
{
  SchedulerPtr s (mmr_scheduler_new ());

  EXPECT_EQ (mmr_scheduler_next_seq (s.get ()), 0u);
  EXPECT_EQ (mmr_scheduler_next_seq (s.get ()), 1u);
  EXPECT_EQ (mmr_scheduler_next_seq (s.get ()), 2u);
}

TEST (MmrScheduler, OrdersByTimeThenSequence)
{
  SchedulerPtr s (mmr_scheduler_new ());
  const gint64 times[] = { 50, 10, 50, 30, 10, 50, 0, 30, 10, 70 };

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    PushAt (s.get (), times[i], MMR_TASK_TICK, i, 100 + i);
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 10u);
  ASSERT_NE (mmr_scheduler_peek (s.get ()), nullptr);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->time_us, 0);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->seq, 6u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->a, 6u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->b, 106u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->kind, MMR_TASK_TICK);
  EXPECT_EQ (Drain (s.get ()),
             (Order{ { 0, 6 }, { 10, 1 }, { 10, 4 }, { 10, 8 }, { 30, 3 },
                     { 30, 7 }, { 50, 0 }, { 50, 2 }, { 50, 5 }, { 70, 9 } }));
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 0u);
}

// The sequence decides ties, not the order of pushing: a task pushed later
// with a smaller seq runs first.
TEST (MmrScheduler, TiesAreBrokenBySequenceNotPushOrder)
{
  SchedulerPtr s (mmr_scheduler_new ());
  MmrTask t;

  for (guint64 seq : { 9u, 3u, 7u, 1u, 5u })
    {
      t = Task (100, seq);
      mmr_scheduler_push (s.get (), &t);
    }
  t = Task (-5, 100);  // negative times sort first
  mmr_scheduler_push (s.get (), &t);
  EXPECT_EQ (Drain (s.get ()), (Order{ { -5, 100 }, { 100, 1 }, { 100, 3 },
                                       { 100, 5 }, { 100, 7 }, { 100, 9 } }));
}

// Many tasks: the array grows past its first capacities.
TEST (MmrScheduler, ThousandsOfTasksComeOutSorted)
{
  const guint32 seed = 424242;
  GRand *rand = g_rand_new_with_seed (seed);
  SchedulerPtr s (mmr_scheduler_new ());
  std::set<std::pair<gint64, guint64>> model;

  for (guint i = 0; i < 5000; i++)
    {
      gint64 time = g_rand_int_range (rand, 0, 300);
      model.emplace (time, PushAt (s.get (), time));
    }
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 5000u);
  EXPECT_EQ (Drain (s.get ()), Order (model.begin (), model.end ()))
      << "seed " << seed;
  g_rand_free (rand);
}

TEST (MmrScheduler, PopPushReturnsTheHeadAndQueuesTheNext)
{
  SchedulerPtr s (mmr_scheduler_new ());
  MmrTask out = {}, next;

  PushAt (s.get (), 10, MMR_TASK_DELIVER, 1, 2);   // seq 0
  PushAt (s.get (), 20, MMR_TASK_TICK, 3);         // seq 1
  PushAt (s.get (), 30, MMR_TASK_FLUSH, 4);        // seq 2
  next = Task (25, mmr_scheduler_next_seq (s.get ()), MMR_TASK_DELIVER, 1, 2);
  mmr_scheduler_pop_push (s.get (), &out, &next);
  EXPECT_TRUE (SameTask (out, Task (10, 0, MMR_TASK_DELIVER, 1, 2)));
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 3u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->seq, 1u);

  // The next task may also be the earliest: it becomes the head.
  next = Task (5, mmr_scheduler_next_seq (s.get ()), MMR_TASK_DELIVER, 7, 8);
  mmr_scheduler_pop_push (s.get (), &out, &next);
  EXPECT_TRUE (SameTask (out, Task (20, 1, MMR_TASK_TICK, 3)));
  EXPECT_TRUE (SameTask (*mmr_scheduler_peek (s.get ()),
                         Task (5, 4, MMR_TASK_DELIVER, 7, 8)));
  EXPECT_EQ (Drain (s.get ()), (Order{ { 5, 4 }, { 25, 3 }, { 30, 2 } }));

  // A one-task heap.
  PushAt (s.get (), 1);
  next = Task (2, 99);
  mmr_scheduler_pop_push (s.get (), &out, &next);
  EXPECT_EQ (out.seq, 5u);
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 1u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->seq, 99u);
}

// Property: on the same operations, a scheduler using pop_push and one
// using pop then push hand out the same tasks in the same order.
TEST (MmrScheduler, PopPushEqualsPopThenPush)
{
  for (guint32 seed = 1; seed <= 1000; seed++)
    {
      SCOPED_TRACE (testing::Message () << "seed " << seed);
      GRand *rand = g_rand_new_with_seed (seed);
      SchedulerPtr fused (mmr_scheduler_new ());
      SchedulerPtr plain (mmr_scheduler_new ());
      guint64 seq = 0;
      gint64 now = 0;
      guint n_ops = g_rand_int_range (rand, 1, 200);
      gint64 spread = g_rand_int_range (rand, 1, 50);  // small: many ties

      for (guint op = 0; op < n_ops; op++)
        {
          guint what = g_rand_int_range (rand, 0, 3);
          gint64 time = now + g_rand_int_range (rand, 0, spread);
          guint link = g_rand_int_range (rand, 0, 8);
          MmrTask task = Task (time, seq++, MMR_TASK_DELIVER, link, link + 1);
          MmrTask a = {}, b = {};

          if (what == 0 || mmr_scheduler_size (plain.get ()) == 0)
            {
              mmr_scheduler_push (fused.get (), &task);
              mmr_scheduler_push (plain.get (), &task);
            }
          else if (what == 1)
            {
              ASSERT_TRUE (mmr_scheduler_pop (fused.get (), &a));
              ASSERT_TRUE (mmr_scheduler_pop (plain.get (), &b));
              ASSERT_TRUE (SameTask (a, b)) << "op " << op;
              now = a.time_us;
            }
          else
            {
              mmr_scheduler_pop_push (fused.get (), &a, &task);
              ASSERT_TRUE (mmr_scheduler_pop (plain.get (), &b));
              mmr_scheduler_push (plain.get (), &task);
              ASSERT_TRUE (SameTask (a, b)) << "op " << op;
              now = a.time_us;
            }
          ASSERT_EQ (mmr_scheduler_size (fused.get ()),
                     mmr_scheduler_size (plain.get ())) << "op " << op;
          const MmrTask *pf = mmr_scheduler_peek (fused.get ());
          const MmrTask *pp = mmr_scheduler_peek (plain.get ());
          ASSERT_EQ (pf == nullptr, pp == nullptr) << "op " << op;
          if (pf != nullptr)
            {
              ASSERT_TRUE (SameTask (*pf, *pp)) << "op " << op;
            }
        }
      // Both drain to the same sorted sequence.
      Order df = Drain (fused.get ()), dp = Drain (plain.get ());
      ASSERT_EQ (df, dp);
      for (size_t i = 1; i < df.size (); i++)
        ASSERT_LT (df[i - 1], df[i]);
      g_rand_free (rand);
    }
}

TEST (MmrScheduler, RemoveTopMiddleAndMissing)
{
  SchedulerPtr s (mmr_scheduler_new ());
  const gint64 times[] = { 40, 10, 60, 20, 50, 30, 70 };

  for (gint64 t : times)
    PushAt (s.get (), t);  // seqs 0..6
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 7u);

  // the top: (10, 1)
  EXPECT_TRUE (mmr_scheduler_remove (s.get (), 1));
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 6u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->seq, 3u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ())->time_us, 20);

  // a middle one: (50, 4)
  EXPECT_TRUE (mmr_scheduler_remove (s.get (), 4));
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 5u);

  // missing: never pushed, and already removed
  EXPECT_FALSE (mmr_scheduler_remove (s.get (), 999));
  EXPECT_FALSE (mmr_scheduler_remove (s.get (), 1));
  EXPECT_FALSE (mmr_scheduler_remove (s.get (), 4));
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 5u);

  // the last in the array's order: (70, 6)
  EXPECT_TRUE (mmr_scheduler_remove (s.get (), 6));
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 4u);

  EXPECT_EQ (Drain (s.get ()),
             (Order{ { 20, 3 }, { 30, 5 }, { 40, 0 }, { 60, 2 } }));
  EXPECT_FALSE (mmr_scheduler_remove (s.get (), 0));
}

TEST (MmrScheduler, RemoveTheOnlyTask)
{
  SchedulerPtr s (mmr_scheduler_new ());

  PushAt (s.get (), 5);
  EXPECT_TRUE (mmr_scheduler_remove (s.get (), 0));
  EXPECT_EQ (mmr_scheduler_size (s.get ()), 0u);
  EXPECT_EQ (mmr_scheduler_peek (s.get ()), nullptr);
}

// Property: pushes, pops and removes of random seqs against a sorted set.
// A removed slot is refilled by the last task, which may have to move up
// as well as down: both directions are exercised here.
TEST (MmrScheduler, RemoveMatchesASortedModel)
{
  for (guint32 seed = 1; seed <= 300; seed++)
    {
      SCOPED_TRACE (testing::Message () << "seed " << seed);
      GRand *rand = g_rand_new_with_seed (seed);
      SchedulerPtr s (mmr_scheduler_new ());
      std::set<std::pair<gint64, guint64>> model;

      for (guint op = 0; op < 300; op++)
        {
          guint what = g_rand_int_range (rand, 0, 4);

          if (what <= 1 || model.empty ())
            {
              gint64 time = g_rand_int_range (rand, 0, 100);
              model.emplace (time, PushAt (s.get (), time));
            }
          else if (what == 2)
            {
              // a random present task, or a seq that is not there
              auto it = model.begin ();
              std::advance (it, g_rand_int_range (rand, 0, model.size ()));
              guint64 seq = it->second;
              ASSERT_TRUE (mmr_scheduler_remove (s.get (), seq)) << op;
              model.erase (it);
              ASSERT_FALSE (mmr_scheduler_remove (s.get (), seq)) << op;
            }
          else
            {
              MmrTask t;
              ASSERT_TRUE (mmr_scheduler_pop (s.get (), &t));
              ASSERT_EQ (std::make_pair (t.time_us, t.seq), *model.begin ())
                  << op;
              model.erase (model.begin ());
            }
          ASSERT_EQ (mmr_scheduler_size (s.get ()), model.size ()) << op;
          if (!model.empty ())
            {
              ASSERT_EQ (mmr_scheduler_peek (s.get ())->time_us,
                         model.begin ()->first) << op;
              ASSERT_EQ (mmr_scheduler_peek (s.get ())->seq,
                         model.begin ()->second) << op;
            }
        }
      ASSERT_EQ (Drain (s.get ()), Order (model.begin (), model.end ()));
      g_rand_free (rand);
    }
}
