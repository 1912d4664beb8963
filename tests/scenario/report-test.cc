// report-test.cc - the run report says exactly what happened: convergence
// after heal only when the replicas converged, and when; --json always a
// valid document.
#include <gtest/gtest.h>

#include <string>
#include <algorithm>
#include <vector>

extern "C" {
#include <json-glib/json-glib.h>

#include "scenario/report.h"
#include "scenario/runner.h"
#include "sim/checker.h"
}

// ---- running scenarios ----

struct ScenarioRun
{
  MmrScript *script = nullptr;
  MmrRunner *runner = nullptr;

  ScenarioRun (const char *text, guint64 seed = 0, bool use_seed = false)
  {
    GError *error = nullptr;

    script = mmr_script_parse ("t.mmr", text, &error);
    EXPECT_EQ (error, nullptr) << (error ? error->message : "");
    g_clear_error (&error);
    if (script != nullptr)
      runner = mmr_runner_new (script, use_seed, seed);
  }
  ~ScenarioRun ()
  {
    mmr_runner_free (runner);
    mmr_script_free (script);
  }
  std::string text ()
  {
    g_autofree char *t = mmr_report_text (runner, FALSE);
    return t;
  }
  std::string json ()
  {
    g_autofree char *t = mmr_report_json_string (runner, FALSE);
    return t;
  }
};

// metrics.converge_after_heal_us: -2 when null, -3 when missing.
static gint64
converge_member (const std::string &json)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *metrics;

  if (!json_parser_load_from_data (p, json.c_str (), -1, nullptr))
    return -4;
  metrics = json_object_get_object_member (
      json_node_get_object (json_parser_get_root (p)), "metrics");
  if (!json_object_has_member (metrics, "converge_after_heal_us"))
    return -3;
  if (json_object_get_null_member (metrics, "converge_after_heal_us"))
    return -2;
  return json_object_get_int_member (metrics, "converge_after_heal_us");
}

// Both replicas write k at once after a heal; A's push takes 30ms, B's
// 10ms. B's write wins (equal HLC, B's name is larger), so at 10ms A
// shows b like B: converged. At 30ms A's losing write reaches B and
// changes its version vector only.
static const char *const asymmetric =
    "replicas A B\n"
    "strategy lww\n"
    "clock hlc\n"
    "antientropy off\n"
    "latency A->B 30ms\n"
    "latency B->A 10ms\n"
    "partition A | B\n"
    "heal\n"
    "A put k a\n"
    "B put k b\n";

TEST (MmrReport, ConvergedAfterHealIsWhenTheReplicasCameToAgree)
{
  std::string text = std::string (asymmetric) + "run 100ms\n";
  ScenarioRun r (text.c_str ());

  mmr_runner_run (r.runner);
  EXPECT_NE (r.text ().find ("converged: every replica shows the same state"),
             std::string::npos);
  EXPECT_NE (r.text ().find ("  converged 10ms after the last heal\n"),
             std::string::npos)
      << r.text ();
  EXPECT_EQ (converge_member (r.json ()), 10000);
}

TEST (MmrReport, ADivergedRunClaimsNoConvergence)
{
  std::string text = std::string (asymmetric) + "run 5ms\n";
  ScenarioRun r (text.c_str ());

  mmr_runner_run (r.runner);
  EXPECT_NE (r.text ().find ("diverged: 1 keys differ"), std::string::npos)
      << r.text ();
  EXPECT_EQ (r.text ().find ("after the last heal"), std::string::npos)
      << r.text ();
  EXPECT_EQ (converge_member (r.json ()), -2);
}

TEST (MmrReport, ReplicasThatAgreedAtTheHealConvergedZeroAfterIt)
{
  ScenarioRun r ("replicas A B\n"
         "A put k a\n"
         "run 50ms\n"
         "partition A | B\n"
         "run 50ms\n"
         "heal\n"
         "settle\n");

  mmr_runner_run (r.runner);
  EXPECT_NE (r.text ().find ("  converged 0s after the last heal\n"),
             std::string::npos)
      << r.text ();
  EXPECT_EQ (converge_member (r.json ()), 0);
}

TEST (MmrReport, NoHealNoConvergenceFigure)
{
  ScenarioRun r ("replicas A B\nA put k a\nsettle\n");

  mmr_runner_run (r.runner);
  EXPECT_EQ (r.text ().find ("after the last heal"), std::string::npos);
  EXPECT_EQ (converge_member (r.json ()), -2);
}

// ---- every example and lab scenario ----

static std::vector<std::string>
scenario_files ()
{
  std::vector<std::string> out;
  const char *dirs[] = { "docs/examples", "labs" };

  for (const char *d : dirs)
    {
      g_autofree char *root = g_build_filename (MMR_SOURCE_ROOT, d, nullptr);
      g_autoptr (GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (stack, g_strdup (root));
      while (stack->len > 0)
        {
          g_autofree char *dir = (char *) g_ptr_array_steal_index (
              stack, stack->len - 1);
          GDir *gd = g_dir_open (dir, 0, nullptr);
          const char *name;

          while (gd != nullptr && (name = g_dir_read_name (gd)) != nullptr)
            {
              g_autofree char *path = g_build_filename (dir, name, nullptr);

              if (g_file_test (path, G_FILE_TEST_IS_DIR))
                g_ptr_array_add (stack, g_strdup (path));
              else if (g_str_has_suffix (name, ".mmr"))
                out.push_back (path);
            }
          if (gd != nullptr)
            g_dir_close (gd);
        }
    }
  std::sort (out.begin (), out.end ());
  return out;
}

// The convergence watch agrees with the checker after every event of
// every example and lab scenario.
TEST (MmrReport, ConvergenceWatchAgreesWithTheCheckerAtEveryEvent)
{
  auto files = scenario_files ();

  ASSERT_GE (files.size (), 20u);
  for (const auto &f : files)
    for (guint64 seed : { 1, 2 })
      {
        GError *error = nullptr;
        MmrScript *s = mmr_script_load (f.c_str (), &error);

        ASSERT_NE (s, nullptr) << f << ": " << error->message;
        MmrRunner *r = mmr_runner_new (s, TRUE, seed);
        guint64 n = 0;

        do
          {
            g_autoptr (GPtrArray) diffs = mmr_check_convergence (
                mmr_runner_get_world (r));
            gint64 since = mmr_convergence_watch_since_us (
                mmr_runner_get_convergence_watch (r));

            ASSERT_EQ (since >= 0, diffs->len == 0)
                << f << " seed " << seed << " after event " << n << " ("
                << (diffs->len > 0 ? (const char *) diffs->pdata[0] : "")
                << ")";
            n++;
          }
        while (mmr_runner_step_event (r));
        mmr_runner_free (r);
        mmr_script_free (s);
      }
}
