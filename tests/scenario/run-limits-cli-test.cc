/* run-limits-cli-test.cc - the run limits seen from the mmr command
 *
 * Each limit, hit by the kind of tiny file that used to run for hours,
 * exits 2 with its exact message and leaves no trace or record behind;
 * a bad limit value is a usage error; and the default limits let every
 * example of docs/examples and every lab run as before.
 */
#include <glib.h>
#include <glib/gstdio.h>

#include "../mmr-command.h"

#include <algorithm>
#include <string>
#include <vector>

namespace {

class RunLimitsCli : public ::testing::Test
{
protected:
  void
  SetUp () override
  {
    dir_ = g_dir_make_tmp ("mmr-limits-XXXXXX", nullptr);
    ASSERT_NE (dir_, nullptr);
  }
  void
  TearDown () override
  {
    for (const char *f : { "s.mmr", "t.jsonl", "t.jsonl.part", "r.db",
                                  "r.db.part" })
      g_unlink (path (f).c_str ());
    g_rmdir (dir_);
    g_free (dir_);
  }
  std::string path (const std::string &f) const
  {
    return std::string (dir_) + "/" + f;
  }
  // The scenario's file, written to the test's folder.
  std::string
  scenario (const std::string &text)
  {
    std::string p = path ("s.mmr");

    EXPECT_TRUE (g_file_set_contents (p.c_str (), text.c_str (), -1,
                                      nullptr));
    return p;
  }
  // What the folder holds besides the scenario, sorted.
  std::string
  leftovers () const
  {
    GDir *d = g_dir_open (dir_, 0, nullptr);
    std::vector<std::string> names;
    std::string found;

    for (const char *n; (n = g_dir_read_name (d)) != nullptr;)
      if (std::string (n) != "s.mmr")
        names.push_back (n);
    g_dir_close (d);
    std::sort (names.begin (), names.end ());
    for (const std::string &n : names)
      found += (found.empty () ? "" : " ") + n;
    return found;
  }
  // "mmr run FILE --trace ... --record ... @extra".
  Result
  run (const std::string &file, std::vector<std::string> extra)
  {
    std::vector<std::string> args = { "run", file, "--trace",
                                      path ("t.jsonl"), "--record",
                                      path ("r.db") };

    args.insert (args.end (), extra.begin (), extra.end ());
    return mmr (args);
  }
  char *dir_ = nullptr;
};

TEST_F (RunLimitsCli, EventLimitExitsTwoWithNoOutputs)
{
  std::string s = scenario ("replicas A B C\nantientropy 10ms\nA put k v\n"
                            "run 1000000000s\n");
  Result r = run (s, { "--max-events", "20000" });

  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "mmr run: " + s + ":4: stopped at the limit of 20000 "
             "events; raise it with --max-events N (0 for no limit)\n");
  EXPECT_EQ (r.out, "");
  EXPECT_EQ (leftovers (), "");
}

TEST_F (RunLimitsCli, TimeLimitStopsASettleThatNeverSettles)
{
  std::string s = scenario ("replicas A B\nloss 1\nantientropy 60s\n"
                            "A put k v\nsettle 100000000s\n");
  Result r = run (s, {});

  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "mmr run: " + s + ":5: stopped at the limit of 86400s "
             "of virtual time; raise it with --max-time DURATION (0 for no "
             "limit)\n");
  EXPECT_EQ (leftovers (), "");
}

TEST_F (RunLimitsCli, InFlightLimitStopsAFlood)
{
  std::string s = scenario ("replicas A B C\nantientropy 1us\nlatency 10s\n"
                            "A put k v\nrun 100s\n");
  Result r = run (s, { "--max-in-flight", "10000" });

  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "mmr run: " + s + ":5: stopped at the limit of 10000 "
             "messages in flight; raise it with --max-in-flight N (0 for no "
             "limit)\n");
  EXPECT_EQ (leftovers (), "");
}

TEST_F (RunLimitsCli, RaisedOrRemovedLimitLetsTheRunFinish)
{
  std::string s = scenario ("replicas A B\nantientropy 1s\nA put k v\n"
                            "run 1000s\nexpect B k = v\n");

  EXPECT_EQ (run (s, { "--max-time", "10s" }).status, 2);
  EXPECT_EQ (run (s, { "--max-time", "1000s" }).status, 0);
  EXPECT_EQ (run (s, { "--max-time", "0", "--max-events", "0",
                       "--max-in-flight", "0" }).status, 0);
  EXPECT_EQ (leftovers (), "r.db t.jsonl");
}

TEST_F (RunLimitsCli, BadValuesAreUsageErrors)
{
  std::string s = scenario ("replicas A B\nA put k v\n");
  Result r = mmr ({ "run", s, "--max-events", "-1" });

  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "mmr run: --max-events expects a whole number (0 for no "
             "limit), got '-1'\nTry 'mmr run --help'.\n");
  r = mmr ({ "run", s, "--max-in-flight", "1e6" });
  EXPECT_EQ (r.err, "mmr run: --max-in-flight expects a whole number (0 for "
             "no limit), got '1e6'\nTry 'mmr run --help'.\n");
  r = mmr ({ "run", s, "--max-time", "5" });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "mmr run: --max-time expects a duration like 10s or 90m "
             "(0 for no limit), got '5'\nTry 'mmr run --help'.\n");
  EXPECT_EQ (leftovers (), "");
}

TEST (RunLimitsDefaults, EveryExampleRunsWithin)
{
  GDir *d;
  guint n = 0;

  ASSERT_TRUE (g_chdir (g_getenv ("MMR_SOURCE_ROOT")) == 0);
  d = g_dir_open ("docs/examples", 0, nullptr);
  ASSERT_NE (d, nullptr);
  for (const char *name; (name = g_dir_read_name (d)) != nullptr;)
    {
      Result r = mmr ({ "run", std::string ("docs/examples/") + name });

      EXPECT_EQ (r.status, 0) << name << ": " << r.err;
      n++;
    }
  g_dir_close (d);
  EXPECT_GE (n, 10u);
}

TEST (RunLimitsDefaults, EveryLabRunsWithin)
{
  Result r;

  ASSERT_TRUE (g_chdir (g_getenv ("MMR_SOURCE_ROOT")) == 0);
  r = mmr ({ "lab", "run", "--all" });
  EXPECT_EQ (r.status, 0) << r.out << r.err;
  EXPECT_EQ (r.err, "");
}

TEST (RunLimitsLab, LimitNamesTheLabOrWorldLineAndExitsTwo)
{
  Result r;

  ASSERT_TRUE (g_chdir (g_getenv ("MMR_SOURCE_ROOT")) == 0);
  r = mmr ({ "lab", "run", "labs/11-crash-durability", "--max-time", "2s" });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.out, "");
  EXPECT_EQ (r.err, "labs/11-crash-durability/lab.mmrlab:40: "
             "stopped at the limit of 2s of virtual time; raise it with "
             "--max-time DURATION (0 for no limit)\n");
  r = mmr ({ "lab", "run", "labs/06-field-vs-record", "--max-events", "3" });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "labs/06-field-vs-record/field.mmr:11: "
             "stopped at the limit of 3 events; raise it with --max-events "
             "N (0 for no limit)\n");
}

} // namespace
