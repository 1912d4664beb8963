// convergence-watch-test.cc - the one convergence checker agrees with a
// from-scratch comparison at every step of every example and lab.
//
// The runner's watch (src/sim/convergence-watch.c) is updated register by
// register as the world changes; the inspector's "diverging" count and the
// report's "converged ... after the last heal" come from it, and
// mmr_check_convergence is a snapshot of it. Here every replica's whole
// view is compared again, written independently of the watch, after each
// event.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "scenario/runner.h"
#include "scenario/script.h"
#include "sim/checker.h"
#include "sim/convergence-watch.h"
#include "sim/view.h"
}

namespace {

std::vector<std::string>
scenario_files ()
{
  std::vector<std::string> out;

  for (const char *d : { "docs/examples", "labs" })
    {
      g_autofree char *root = g_build_filename (MMR_SOURCE_ROOT, d, nullptr);
      std::vector<std::string> dirs = { root };

      while (!dirs.empty ())
        {
          std::string dir = dirs.back ();
          GDir *gd = g_dir_open (dir.c_str (), 0, nullptr);
          const char *name;

          dirs.pop_back ();
          while (gd != nullptr && (name = g_dir_read_name (gd)) != nullptr)
            {
              std::string path = dir + "/" + name;

              if (g_file_test (path.c_str (), G_FILE_TEST_IS_DIR))
                dirs.push_back (path);
              else if (g_str_has_suffix (name, ".mmr"))
                out.push_back (path);
            }
          if (gd != nullptr)
            g_dir_close (gd);
        }
    }
  return out;
}

// Every entry any replica shows, compared as a reader sees it: "name:
// A=x B=y" for each entry that reads differently somewhere, by name.
std::vector<std::string>
differences_from_scratch (MmrWorld *world)
{
  guint n = mmr_world_n_replicas (world);
  std::vector<std::map<std::string, std::string>> shown (n);
  std::set<std::string> names;
  std::vector<std::string> out;

  for (guint r = 0; r < n; r++)
    {
      GPtrArray *view = mmr_view_dup (world, r, FALSE);

      for (guint i = 0; i < view->len; i++)
        {
          auto *e = (const MmrViewEntry *) view->pdata[i];
          g_autofree char *v = mmr_view_entry_format (e);

          shown[r][e->name] = v;
          names.insert (e->name);
        }
      g_ptr_array_unref (view);
    }
  for (const auto &name : names)
    {
      std::vector<std::string> at;
      bool differ = false;

      for (guint r = 0; r < n; r++)
        {
          auto it = shown[r].find (name);

          at.push_back (it != shown[r].end () ? it->second : "absent");
          differ = differ || at[r] != at[0];
        }
      if (differ)
        {
          std::string line = name + ":";

          for (guint r = 0; r < n; r++)
            line += std::string (" ") + mmr_world_replica_name (world, r)
                    + "=" + at[r];
          out.push_back (line);
        }
    }
  return out;
}

std::vector<std::string>
lines (GPtrArray *a)
{
  std::vector<std::string> out;

  for (guint i = 0; i < a->len; i++)
    out.push_back ((const char *) a->pdata[i]);
  g_ptr_array_unref (a);
  return out;
}

} // namespace

TEST (MmrConvergenceWatch, AgreesWithAFromScratchComparisonAfterEveryEvent)
{
  auto files = scenario_files ();
  guint64 n_checked = 0, n_diverged = 0;

  ASSERT_GE (files.size (), 20u);
  for (const auto &f : files)
    for (guint64 seed : { 1, 2, 7, 42, 1000 })
      {
        GError *error = nullptr;
        MmrScript *s = mmr_script_load (f.c_str (), &error);

        ASSERT_NE (s, nullptr) << f << ": " << error->message;
        MmrRunner *r = mmr_runner_new (s, TRUE, seed);
        MmrWorld *w = mmr_runner_get_world (r);
        const MmrConvergenceWatch *watch
            = mmr_runner_get_convergence_watch (r);

        do
          {
            auto expected = differences_from_scratch (w);
            auto diffs = lines (mmr_convergence_watch_dup_diffs (watch));
            auto checked = lines (mmr_check_convergence (w));
            std::string at = f + " seed " + std::to_string (seed)
                             + " after event "
                             + std::to_string (mmr_world_n_events (w));

            ASSERT_EQ (mmr_convergence_watch_n_diverging (watch),
                       expected.size ()) << at;
            ASSERT_EQ (diffs, expected) << at;
            ASSERT_EQ (checked, expected) << at;
            ASSERT_EQ (mmr_convergence_watch_since_us (watch) >= 0,
                       expected.empty ()) << at;
            n_checked++;
            n_diverged += !expected.empty ();
          }
        while (mmr_runner_step_event (r));
        mmr_runner_free (r);
        mmr_script_free (s);
      }
  // The comparison must have seen both answers, many times.
  EXPECT_GT (n_checked, 2000u);
  EXPECT_GT (n_diverged, 500u);
}

TEST (MmrConvergenceWatch, CountsEntriesNotRegistersAndReadsMergesAndCrdts)
{
  // Under record granularity one register holds several entries; a merge
  // strategy reads siblings as their merge; a CRDT key is an entry too.
  const char *text =
      "replicas A B\n"
      "strategy merge set-union\n"
      "granularity record\n"
      "type tags orset\n"
      "partition A | B\n"
      "A put user.name Ann\n"
      "A put user.email a@x\n"
      "B put user.name Bob\n"
      "A add tags red\n"
      "run 1ms\n"
      "heal\n"
      "settle\n";
  GError *error = nullptr;
  MmrScript *s = mmr_script_parse ("watch.mmr", text, &error);

  ASSERT_NE (s, nullptr) << error->message;
  MmrRunner *r = mmr_runner_new (s, TRUE, 1);
  MmrWorld *w = mmr_runner_get_world (r);
  const MmrCommand *c;

  // Up to the run: every write made, none delivered (partitioned).
  while ((c = mmr_runner_current_command (r)) != nullptr
         && c->kind != MMR_CMD_RUN)
    ASSERT_TRUE (mmr_runner_step (r));
  auto diffs = lines (mmr_convergence_watch_dup_diffs (
      mmr_runner_get_convergence_watch (r)));
  EXPECT_EQ (diffs, differences_from_scratch (w));
  EXPECT_EQ (diffs, (std::vector<std::string>{
                        "tags: A=red B=absent",
                        "user.email: A=a@x B=absent",
                        "user.name: A=Ann B=Bob" }));
  EXPECT_EQ (mmr_convergence_watch_n_diverging (
                 mmr_runner_get_convergence_watch (r)), 3u);
  mmr_runner_run (r);
  EXPECT_EQ (mmr_convergence_watch_n_diverging (
                 mmr_runner_get_convergence_watch (r)), 0u);
  EXPECT_TRUE (differences_from_scratch (w).empty ());
  mmr_runner_free (r);
  mmr_script_free (s);
}
