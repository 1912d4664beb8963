// explore-test.cc - mmr explore: exact state counts of tiny scenarios
// worked out by hand, a known bad interleaving found and replayed by
// mmr run, determinism, the --max-states limit, what explore refuses, and
// the 'delivery manual' verbs it writes its schedules with.
#include "../mmr-command.h"

#include <string>

extern "C" {
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "explore/explore.h"
#include "scenario/runner.h"
#include "scenario/script.h"
}

namespace {

struct Explored
{
  MmrExploreResult r;
  Explored () { memset (&r, 0, sizeof r); }
  ~Explored () { mmr_explore_result_clear (&r); }
};

void
explore (const char *text, Explored *e, guint64 max_states = 0)
{
  GError *error = nullptr;
  MmrScript *s = mmr_script_parse ("t.mmr", text, &error);
  MmrExploreOptions opt = { max_states };

  ASSERT_NE (s, nullptr) << error->message;
  ASSERT_TRUE (mmr_explore_run (s, &opt, &e->r, &error))
      << error->message;
  mmr_script_free (s);
}

std::string
temp_file (const char *name, const std::string &text)
{
  static char *dir = nullptr;

  if (dir == nullptr)
    dir = g_dir_make_tmp ("mmr-explore-test-XXXXXX", nullptr);
  std::string path = std::string (dir) + "/" + name;
  g_file_set_contents (path.c_str (), text.c_str (), -1, nullptr);
  return path;
}

const char kBad[] =
  "# B and C write k at once; A writes it a moment later.\n"
  "replicas A B C\n"
  "antientropy off\n"
  "strategy lww\n"
  "clock lamport\n"
  "B put k b\n"
  "C put k c\n"
  "run 5ms\n"
  "A put k a\n"
  "settle\n"
  "expect B k = a\n";

} // namespace

// Two replicas, one write each, FIFO links, one message per link. The
// states: S0 both pushes in flight; S1 A->B delivered; S2 B->A delivered;
// S3 both delivered (reached from S1 and from S2: the same state); S4 the
// settle passed and the expects checked (the end). 5 distinct; 6 reached
// (the start and 5 steps: S0->S1, S0->S2, S1->S3, S2->S3 again, S3->S4);
// the longest path S0 S1 S3 S4 has depth 3.
TEST (MmrExplore, TwoReplicasOneWriteEachHasFiveStates)
{
  Explored e;

  explore ("replicas A B\nantientropy off\nstrategy siblings\n"
           "A put k a\nB put k b\nsettle\nexpect A k = {a, b}\n"
           "expect converged\n", &e);
  EXPECT_FALSE (e.r.has_violation) << e.r.message;
  EXPECT_TRUE (e.r.is_complete);
  EXPECT_EQ (e.r.n_distinct, 5u);
  EXPECT_EQ (e.r.n_explored, 6u);
  EXPECT_EQ (e.r.n_end_states, 1u);
  EXPECT_EQ (e.r.max_depth, 3u);
}

// A writes twice (two pushes on A->B, kept in order), B once. Before the
// settle a state is (pushes B has received: 0..2, A has received: 0..1):
// 3 x 2 = 6 states, plus the end: 7 distinct. Steps: 2 x 2 along A->B,
// 3 x 1 along B->A, 1 pass: 8, plus the start: 9 reached. Depth 2+1+1 = 4.
TEST (MmrExplore, FifoLinkKeepsItsMessagesInOrder)
{
  Explored e;

  explore ("replicas A B\nantientropy off\nstrategy siblings\n"
           "A put k a1\nA put k a2\nB put k b\nsettle\n"
           "expect B k = {a2, b}\n", &e);
  EXPECT_FALSE (e.r.has_violation) << e.r.message;
  EXPECT_EQ (e.r.n_distinct, 7u);
  EXPECT_EQ (e.r.n_explored, 9u);
  EXPECT_EQ (e.r.n_end_states, 1u);
  EXPECT_EQ (e.r.max_depth, 4u);
}

// With reorder on, B may receive a2 before a1. a1 then changes no value
// (a2's register covers it) but still moves B's Lamport clock and HLC on,
// and those decide B's future writes: "a1 then a2" and "a2 then a1" are
// two states. B's side: nothing, a1, a2, a1 then a2, a2 then a1: 5, times
// A's 2 (B's push received or not): 10, plus 2 ends: 12 distinct.
TEST (MmrExplore, ReorderLetsALaterMessageOvertake)
{
  Explored e;

  explore ("replicas A B\nantientropy off\nstrategy siblings\nreorder on\n"
           "A put k a1\nA put k a2\nB put k b\nsettle\n"
           "expect B k = {a2, b}\n", &e);
  EXPECT_FALSE (e.r.has_violation) << e.r.message;
  EXPECT_EQ (e.r.n_distinct, 12u);
  EXPECT_EQ (e.r.n_end_states, 2u);
}

TEST (MmrExplore, FindsTheBadInterleavingAndMmrRunReplaysIt)
{
  std::string file = temp_file ("bad.mmr", kBad);
  Result r = mmr ({ "explore", file, "--json" });
  JsonParser *p = json_parser_new ();

  ASSERT_EQ (r.status, 1) << r.out << r.err;
  ASSERT_TRUE (json_parser_load_from_data (p, r.out.c_str (), -1, nullptr));
  JsonObject *o = json_node_get_object (json_parser_get_root (p));
  JsonObject *v = json_object_get_object_member (o, "violation");
  ASSERT_NE (v, nullptr);
  EXPECT_STREQ (json_object_get_string_member (v, "check"), "expect");
  EXPECT_EQ (json_object_get_int_member (v, "line"), 11);
  EXPECT_STREQ (json_object_get_string_member (v, "message"), "B k is c");
  std::string schedule = json_object_get_string_member (v, "schedule");
  EXPECT_NE (schedule.find ("delivery manual\n"), std::string::npos);
  EXPECT_NE (schedule.find ("deliver "), std::string::npos);

  std::string replay = temp_file ("replay.mmr", schedule);
  Result run = mmr ({ "run", replay });
  EXPECT_EQ (run.status, 1) << run.out << run.err;
  EXPECT_NE (run.out.find ("FAIL"), std::string::npos);
  EXPECT_NE (run.out.find ("expect B k = a   -- found: B k is c"),
             std::string::npos) << run.out;
  g_object_unref (p);
}

TEST (MmrExplore, SameOutputEveryTime)
{
  std::string file = temp_file ("again.mmr", kBad);
  Result a = mmr ({ "explore", file });
  Result b = mmr ({ "explore", file });
  auto without_rate = [] (std::string s) {
    size_t at = s.find ("rate: ");
    return s.erase (at, s.find ('\n', at) - at);
  };

  EXPECT_EQ (a.status, 1);
  EXPECT_EQ (without_rate (a.out), without_rate (b.out));
  EXPECT_NE (a.out.find ("explored "), std::string::npos);
}

TEST (MmrExplore, MaxStatesStopsWithAClearMessage)
{
  std::string file = temp_file ("big.mmr",
      "replicas A B C\nantientropy off\nstrategy siblings\n"
      "A put k a\nB put k b\nC put k c\nsettle\nexpect converged\n");
  Result r = mmr ({ "explore", file, "--max-states", "3" });

  EXPECT_EQ (r.status, 2) << r.out << r.err;
  EXPECT_NE (r.out.find ("3 distinct"), std::string::npos) << r.out;
  EXPECT_NE (r.err.find ("mmr explore: stopped at --max-states 3 before "
                         "the search finished (3 distinct states, no "
                         "violation so far); raise --max-states to search "
                         "further"), std::string::npos) << r.err;
  Result all = mmr ({ "explore", file });
  EXPECT_EQ (all.status, 0) << all.out << all.err;
}

TEST (MmrExplore, RefusesWhatItCannotSearch)
{
  std::string ae = temp_file ("ae.mmr", "replicas A B\nA put k a\nsettle\n");
  Result r = mmr ({ "explore", ae });

  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find (ae + ": explore does not support anti-entropy"),
             std::string::npos) << r.err;
  std::string crdt = temp_file ("crdt.mmr", "replicas A B\nantientropy off\n"
                                "type n gcounter\nA incr n\nsettle\n");
  r = mmr ({ "explore", crdt });
  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find (crdt + ":3:1: explore does not support CRDT keys"),
             std::string::npos) << r.err;
}

// Loss: each push may be lost, and without anti-entropy nothing repairs
// it, so the replicas can end apart: mmr check's convergence invariant
// (src/check/) says so, in its own words.
TEST (MmrExplore, LossWithoutRepairBreaksConvergence)
{
  Explored e;

  explore ("replicas A B\nantientropy off\nloss 0.1\n"
           "A put k a\nsettle\n", &e);
  ASSERT_TRUE (e.r.has_violation);
  EXPECT_STREQ (e.r.check, "convergence");
  EXPECT_STREQ (e.r.message, "after heal + settle 'k' differs: A has "
                "{A:1=a} vv {A:1}, B has {} vv {}");
  EXPECT_NE (std::string (e.r.schedule).find ("drop A->B\nsettle\n"),
             std::string::npos) << e.r.schedule;
}

// Duplication: merging twice changes no value, only B's clocks. States:
// the push in flight; a copy delivered (the push stays, marked: no second
// copy); the push delivered; the copy and then the push delivered (B's
// Lamport clock one further); and the two ends: 6.
TEST (MmrExplore, DuplicatesAreHarmless)
{
  Explored e;

  explore ("replicas A B\nantientropy off\nduplicate 0.5\n"
           "A put k a\nsettle\nexpect B k = a\n", &e);
  EXPECT_FALSE (e.r.has_violation) << e.r.message;
  EXPECT_EQ (e.r.n_distinct, 6u);
  EXPECT_EQ (e.r.n_end_states, 2u);
}

TEST (MmrDeliveryManual, DeliverNeedsTheHeaderSetting)
{
  GError *error = nullptr;

  EXPECT_EQ (mmr_script_parse ("t.mmr", "replicas A B\nA put k a\n"
                               "deliver A->B\n", &error), nullptr);
  EXPECT_STREQ (error->message,
                "t.mmr:3:1: 'deliver' needs 'delivery manual' in the header");
  g_clear_error (&error);
  EXPECT_EQ (mmr_script_parse ("t.mmr", "replicas A B\nA put k a\n"
                               "delivery manual\n", &error), nullptr);
  EXPECT_STREQ (error->message, "t.mmr:3:1: 'delivery' must come before the "
                "first action (line 2)");
  g_clear_error (&error);
  EXPECT_EQ (mmr_script_parse ("t.mmr", "replicas A B\ndelivery manual\n"
                               "deliver A<->B\n", &error), nullptr);
  EXPECT_STREQ (error->message,
                "t.mmr:3:9: 'deliver' takes one direction, e.g. A->B");
  g_clear_error (&error);
}

// Messages wait until the script delivers them; one that is not there
// fails like an expectation, naming the link.
TEST (MmrDeliveryManual, MessagesWaitForDeliver)
{
  GError *error = nullptr;
  MmrScript *s = mmr_script_parse ("t.mmr",
      "replicas A B\ndelivery manual\nantientropy off\n"
      "A put k a1\nA put k a2\nrun 1s\nexpect B k absent\n"
      "deliver A->B 2\n"
      "deliver A->B copy\nexpect B k = a1\ndeliver A->B\ndeliver A->B\n"
      "expect B k = a2\ndrop A->B\n", &error);

  ASSERT_NE (s, nullptr) << error->message;
  MmrRunner *r = mmr_runner_new (s, FALSE, 0);
  mmr_runner_run (r);
  GPtrArray *e = mmr_runner_get_expectations (r);
  ASSERT_EQ (e->len, 5u);
  EXPECT_TRUE (((MmrExpectation *) e->pdata[0])->ok);
  EXPECT_FALSE (((MmrExpectation *) e->pdata[1])->ok);
  EXPECT_STREQ (((MmrExpectation *) e->pdata[1])->message,
                "cannot deliver: A->B keeps messages in order (reorder "
                "off): only the oldest can go next");
  EXPECT_TRUE (((MmrExpectation *) e->pdata[2])->ok);
  EXPECT_TRUE (((MmrExpectation *) e->pdata[3])->ok);
  EXPECT_FALSE (((MmrExpectation *) e->pdata[4])->ok);
  EXPECT_STREQ (((MmrExpectation *) e->pdata[4])->message,
                "cannot drop: no message #1 in flight on A->B (0 in flight)");
  EXPECT_EQ (mmr_world_n_in_flight (mmr_runner_get_world (r)), 0u);
  mmr_runner_free (r);
  mmr_script_free (s);
}
