/* session-test.cc - tests for gui/mmr-session.c (no display needed)
 *
 * The session's log is the engine's event stream, message partners and
 * link-state history are right, a step is one engine step, interventions
 * are applied and traced, and time travel (dup_runner_at) gives exactly
 * the state the live run had - with interventions made along the way.
 */
#include <glib.h>
#include <glib/gstdio.h>

extern "C" {
#include "mmr-session.h"
#include "sim/checker.h"
}

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gui-test-util.h"

namespace {

struct SessionPtr {
  MmrSession *s;
  SessionPtr () : s (mmr_session_new ()) {}
  ~SessionPtr () { g_object_unref (s); }
};

void
load_demo (MmrSession *s)
{
  GError *error = nullptr;
  std::string demo = source_path ("docs/examples/demo.mmr");

  ASSERT_TRUE (mmr_session_load_file (s, demo.c_str (), &error))
      << (error != nullptr ? error->message : "");
}

const MmrEvent *
ev (MmrSession *s, guint i)
{
  return &mmr_session_get_event (s, i)->ev;
}

}  // namespace

TEST (MmrSession, LogHoldsEveryEngineEventInOrder)
{
  SessionPtr p;

  load_demo (p.s);
  EXPECT_EQ (mmr_session_get_n_events (p.s), 0u);
  mmr_session_run_to_end (p.s);
  EXPECT_TRUE (mmr_session_is_done (p.s));
  EXPECT_EQ (mmr_session_get_n_events (p.s), 97u);
  EXPECT_EQ (mmr_world_n_events (mmr_session_get_world (p.s)), 97u);
  for (guint i = 0; i < 97; i++)
    ASSERT_EQ (ev (p.s, i)->seq, i);
  EXPECT_EQ (ev (p.s, 14)->kind, MMR_EV_PARTITION);
  EXPECT_STREQ (ev (p.s, 14)->detail, "partition A B | C");
  EXPECT_EQ (ev (p.s, 59)->kind, MMR_EV_CONFLICT);
  EXPECT_STREQ (ev (p.s, 59)->key, "cart");
  ASSERT_EQ (ev (p.s, 59)->n_versions, 2u);
  EXPECT_STREQ (ev (p.s, 59)->versions[0].value, "milk,flour");
  EXPECT_STREQ (ev (p.s, 59)->versions[1].value, "eggs");
}

TEST (MmrSession, StepIsOneEngineStep)
{
  SessionPtr p;
  MmrWorld *w;

  load_demo (p.s);
  w = mmr_session_get_world (p.s);
  /* "A put cart milk": the write and its push to each peer are one
   * client operation, emitted together. */
  ASSERT_TRUE (mmr_session_step_event (p.s));
  EXPECT_EQ (mmr_world_n_events (w), 3u);
  EXPECT_EQ (ev (p.s, 0)->kind, MMR_EV_WRITE);
  EXPECT_EQ (ev (p.s, 1)->kind, MMR_EV_SEND);
  EXPECT_EQ (ev (p.s, 2)->kind, MMR_EV_SEND);
  /* Then the first delivery, alone. */
  ASSERT_TRUE (mmr_session_step_event (p.s));
  EXPECT_EQ (mmr_world_n_events (w), 4u);
  EXPECT_EQ (ev (p.s, 3)->kind, MMR_EV_DELIVER);
  EXPECT_EQ (ev (p.s, 3)->time_us, 5069);
  EXPECT_EQ (mmr_session_get_display_time (p.s), 5069);
}

TEST (MmrSession, PartnersJoinSendsToTheirFate)
{
  SessionPtr p;
  guint n_sends = 0, n_delivered = 0, n_dropped = 0;

  load_demo (p.s);
  mmr_session_run_to_end (p.s);
  for (guint i = 0; i < mmr_session_get_n_events (p.s); i++)
    {
      const MmrEvent *e = ev (p.s, i);
      guint partner = mmr_session_get_partner (p.s, i);

      if (e->kind == MMR_EV_SEND)
        {
          n_sends++;
          if (partner == G_MAXUINT)
            continue;
          ASSERT_GT (partner, i);
          EXPECT_EQ (ev (p.s, partner)->msg_id, e->msg_id);
          n_delivered += ev (p.s, partner)->kind == MMR_EV_DELIVER;
          n_dropped += ev (p.s, partner)->kind == MMR_EV_DROP;
        }
      else if (e->kind == MMR_EV_DELIVER || e->kind == MMR_EV_DROP)
        {
          ASSERT_NE (partner, G_MAXUINT) << "event " << i;
          EXPECT_EQ (ev (p.s, partner)->kind, MMR_EV_SEND);
          EXPECT_EQ (ev (p.s, partner)->msg_id, e->msg_id);
        }
      else
        EXPECT_EQ (partner, G_MAXUINT) << "event " << i;
    }
  const MmrMetrics *m = mmr_world_get_metrics (mmr_session_get_world (p.s));
  EXPECT_EQ (n_sends, 37u);
  EXPECT_EQ (n_delivered, m->delivered);
  EXPECT_EQ (n_dropped, m->dropped);
  EXPECT_GT (mmr_session_get_max_latency (p.s), 0);
}

TEST (MmrSession, FindTimeIsTheFirstEventAtOrAfter)
{
  SessionPtr p;
  guint n;

  load_demo (p.s);
  mmr_session_run_to_end (p.s);
  n = mmr_session_get_n_events (p.s);
  EXPECT_EQ (mmr_session_find_time (p.s, -5), 0u);
  EXPECT_EQ (mmr_session_find_time (p.s, 0), 0u);
  EXPECT_EQ (mmr_session_find_time (p.s, 1), 3u);
  EXPECT_EQ (mmr_session_find_time (p.s, 5069), 3u);
  EXPECT_EQ (mmr_session_find_time (p.s, 5070), 4u);
  EXPECT_EQ (mmr_session_find_time (p.s, 50000), 14u);
  EXPECT_EQ (mmr_session_find_time (p.s, G_MAXINT64), n);
  for (gint64 t = 0; t < 430000; t += 997)
    {
      guint i = mmr_session_find_time (p.s, t);

      ASSERT_TRUE (i == n || ev (p.s, i)->time_us >= t) << "t=" << t;
      ASSERT_TRUE (i == 0 || ev (p.s, i - 1)->time_us < t) << "t=" << t;
    }
}

TEST (MmrSession, CutHistoryFollowsPartitionAndHeal)
{
  SessionPtr p;
  const MmrSessionCuts *c;

  load_demo (p.s);
  mmr_session_run_to_end (p.s);
  ASSERT_EQ (mmr_session_get_n_cut_changes (p.s), 2u);
  c = mmr_session_get_cut_change (p.s, 0);
  EXPECT_EQ (c->event_index, 14u);
  EXPECT_EQ (c->time_us, 50000);
  EXPECT_EQ (c->cut_to[0], 1u << 2);             /* A->C */
  EXPECT_EQ (c->cut_to[1], 1u << 2);             /* B->C */
  EXPECT_EQ (c->cut_to[2], (1u << 0) | (1u << 1)); /* C->A, C->B */
  c = mmr_session_get_cut_change (p.s, 1);
  EXPECT_EQ (c->event_index, 48u);
  EXPECT_EQ (c->time_us, 160000);
  for (guint i = 0; i < 3; i++)
    EXPECT_EQ (c->cut_to[i], 0u);
}

TEST (MmrSession, InterventionsReachTheWorldAndTheTrace)
{
  SessionPtr p;
  MmrWorld *w;
  int groups[MMR_MAX_REPLICAS] = { 0, 1, 1 };

  load_demo (p.s);
  w = mmr_session_get_world (p.s);
  EXPECT_TRUE (mmr_session_toggle_link (p.s, 0, 1));
  EXPECT_TRUE (mmr_world_get_channel (w, 0, 1)->is_cut);
  EXPECT_TRUE (mmr_world_get_channel (w, 1, 0)->is_cut);
  EXPECT_EQ (ev (p.s, 0)->kind, MMR_EV_PARTITION);
  EXPECT_STREQ (ev (p.s, 0)->detail, "cut A->B");
  EXPECT_FALSE (mmr_session_toggle_link (p.s, 1, 0));
  EXPECT_FALSE (mmr_world_get_channel (w, 0, 1)->is_cut);
  EXPECT_FALSE (mmr_world_get_channel (w, 1, 0)->is_cut);
  mmr_session_partition (p.s, groups);
  EXPECT_TRUE (mmr_world_get_channel (w, 0, 2)->is_cut);
  EXPECT_FALSE (mmr_world_get_channel (w, 1, 2)->is_cut);
  mmr_session_heal_all (p.s);
  EXPECT_FALSE (mmr_world_get_channel (w, 0, 2)->is_cut);
  mmr_session_set_skew (p.s, 1, 5 * G_USEC_PER_SEC);
  EXPECT_EQ (mmr_world_get_physical_clock (w, 1)->offset_us,
             5 * G_USEC_PER_SEC);
  EXPECT_EQ (mmr_session_get_n_cut_changes (p.s), 6u);
}

TEST (MmrSession, RestartDropsInterventionsAndKeepsTheSeed)
{
  SessionPtr p;

  load_demo (p.s);
  mmr_session_set_seed (p.s, 7);
  mmr_session_toggle_link (p.s, 0, 2);
  mmr_session_step_event (p.s);
  mmr_session_restart (p.s);
  EXPECT_EQ (mmr_session_get_seed (p.s), 7u);
  EXPECT_EQ (mmr_session_get_n_events (p.s), 0u);
  EXPECT_FALSE (mmr_world_get_channel (mmr_session_get_world (p.s), 0, 2)->is_cut);
  EXPECT_EQ (mmr_runner_get_seed (mmr_session_get_runner (p.s)), 7u);
}

/* DOC: time-travel-test */
TEST (MmrSession, TimeTravelGivesTheStateSteppingHad)
{
  SessionPtr p;
  std::vector<std::pair<guint, std::string>> seen;
  guint step = 0;

  load_demo (p.s);
  do
    {
      MmrWorld *w = mmr_session_get_world (p.s);

      /* Interventions along the way must be replayed at the same point. */
      if (step == 5)
        mmr_session_toggle_link (p.s, 0, 1);
      if (step == 12)
        mmr_session_set_skew (p.s, 2, -3000);
      if (step == 20)
        mmr_session_toggle_link (p.s, 0, 1);
      seen.emplace_back (mmr_session_get_n_events (p.s), world_snapshot (w));
      step++;
    }
  while (mmr_session_step_event (p.s));
  ASSERT_EQ (seen.size (), 40u);
  for (const auto &[n, snapshot] : seen)
    {
      MmrRunner *r = mmr_session_dup_runner_at (p.s, n);

      ASSERT_EQ (mmr_world_n_events (mmr_runner_get_world (r)), n);
      EXPECT_EQ (world_snapshot (mmr_runner_get_world (r)), snapshot)
          << "after " << n << " events";
      mmr_runner_free (r);
    }
}

TEST (MmrSession, RunLimitStopsTheSessionAndTimeTravelAlike)
{
  SessionPtr p;
  GError *error = nullptr;
  MmrRunLimits limits = { 300, 0, 0 };
  MmrRunner *replay;

  mmr_session_set_limits (p.s, &limits);
  ASSERT_TRUE (mmr_session_load_text (p.s, "r.mmr", "replicas A B\n"
                                      "antientropy 10ms\nA put k v\n"
                                      "run 1000000000s\n", &error));
  EXPECT_EQ (mmr_session_get_error (p.s), nullptr);
  mmr_session_run_to_end (p.s);
  EXPECT_TRUE (mmr_session_is_done (p.s));
  ASSERT_NE (mmr_session_get_error (p.s), nullptr);
  EXPECT_STREQ (mmr_session_get_error (p.s)->message,
                "r.mmr:4: stopped at the limit of 300 events; raise it with "
                "--max-events N (0 for no limit)");
  EXPECT_EQ (mmr_session_get_n_events (p.s), 300u);
  replay = mmr_session_dup_runner_at (p.s, 1000);
  EXPECT_NE (mmr_runner_get_error (replay), nullptr);
  EXPECT_EQ (mmr_world_n_events (mmr_runner_get_world (replay)), 300u);
  mmr_runner_free (replay);
}

TEST (MmrSession, FailedLoadKeepsTheScenario)
{
  SessionPtr p;
  GError *error = nullptr;

  load_demo (p.s);
  EXPECT_FALSE (mmr_session_load_text (p.s, "bad.mmr", "replicas A B\nA put x\n",
                                       &error));
  ASSERT_NE (error, nullptr);
  EXPECT_STREQ (error->message,
                "bad.mmr:2:9: 'put' needs a key and a value, e.g. 'A put cart milk'");
  g_clear_error (&error);
  EXPECT_TRUE (g_str_has_suffix (mmr_session_get_filename (p.s), "demo.mmr"));
  EXPECT_EQ (mmr_world_n_replicas (mmr_session_get_world (p.s)), 3u);
}

TEST (MmrSession, OpensALabFolder)
{
  SessionPtr p;
  GError *error = nullptr;
  g_autofree char *dir = g_dir_make_tmp ("mmr-lab-XXXXXX", nullptr);
  g_autofree char *other = g_build_filename (dir, "a-notes.mmr", nullptr);
  g_autofree char *main_file = g_build_filename (dir, "scenario.mmr", nullptr);

  ASSERT_TRUE (g_file_set_contents (other, "replicas A B C D\n", -1, nullptr));
  ASSERT_TRUE (g_file_set_contents (main_file, "replicas A B\nA put k v\n", -1,
                                    nullptr));
  ASSERT_TRUE (mmr_session_load_file (p.s, dir, &error))
      << (error != nullptr ? error->message : "");
  EXPECT_STREQ (mmr_session_get_filename (p.s), main_file);
  EXPECT_EQ (mmr_world_n_replicas (mmr_session_get_world (p.s)), 2u);
  g_remove (other);
  g_remove (main_file);
  EXPECT_FALSE (mmr_session_load_file (p.s, dir, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (std::string (error->message),
             std::string (dir) + ": no .mmr scenario in this folder");
  g_clear_error (&error);
  g_rmdir (dir);
}

TEST (MmrSession, RunToConflictStopsAtTheConflict)
{
  SessionPtr p;
  guint n;

  load_demo (p.s);
  ASSERT_TRUE (mmr_session_run_to_conflict (p.s));
  n = mmr_session_get_n_events (p.s);
  /* The delivery that met the concurrent write is one engine step:
   * DELIVER, then CONFLICT and RESOLVE while merging, then the onward
   * push of the merged register. */
  EXPECT_EQ (n, 62u);
  EXPECT_EQ (ev (p.s, 58)->kind, MMR_EV_DELIVER);
  EXPECT_EQ (ev (p.s, 59)->kind, MMR_EV_CONFLICT);
  EXPECT_EQ (ev (p.s, 60)->kind, MMR_EV_RESOLVE);
  EXPECT_EQ (ev (p.s, 61)->kind, MMR_EV_SEND);
  for (guint i = 0; i < 59; i++)
    EXPECT_NE (ev (p.s, i)->kind, MMR_EV_CONFLICT) << i;
}

/* The status bar's count must agree with the engine's checker at every
 * step, whatever the scenario (granularity record and field, siblings,
 * deletes, loss), under interventions too. */
TEST (MmrSession, DivergingCountMatchesTheCheckerAtEveryStep)
{
  const char *const files[] = { "docs/examples/demo.mmr",
                                "docs/examples/siblings.mmr",
                                "docs/examples/delete-update.mmr",
                                "docs/examples/lossy-network.mmr",
                                "docs/examples/clock-skew.mmr" };
  static const char record[] =
      "replicas A B C\nseed 3\nstrategy siblings\ngranularity record\n"
      "latency 5ms..15ms\nA put user.name Ann\nB put user.email b@x\n"
      "run 2ms\nC put user.name Cy\nrun 30ms\nA del user\nsettle\n";

  for (guint f = 0; f <= G_N_ELEMENTS (files); f++)
    {
      SessionPtr p;
      GError *error = nullptr;
      guint step = 0, most = 0;

      if (f < G_N_ELEMENTS (files))
        ASSERT_TRUE (mmr_session_load_file (
            p.s, source_path (files[f]).c_str (), &error));
      else
        ASSERT_TRUE (mmr_session_load_text (p.s, "record.mmr", record, &error));
      do
        {
          GPtrArray *diffs = mmr_check_convergence (mmr_session_get_world (p.s));

          if (step++ == 6)
            mmr_session_toggle_link (p.s, 0, 1);
          ASSERT_EQ (mmr_session_count_diverging (p.s), diffs->len)
              << mmr_session_get_filename (p.s) << " after "
              << mmr_session_get_n_events (p.s) << " events";
          most = MAX (most, diffs->len);
          g_ptr_array_unref (diffs);
        }
      while (mmr_session_step_event (p.s));
      /* Every scenario diverges while writes propagate. */
      EXPECT_GT (most, 0u) << mmr_session_get_filename (p.s);
    }
}
