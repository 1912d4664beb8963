// campaign-test.cc - shards split a seed range exactly; generated worlds
// parse, repeat from their seed and end in heal + settle; the shrinker
// keeps exactly what a failure needs.
#include <gtest/gtest.h>

#include <set>
#include <vector>
#include <string>

extern "C" {
#include "check/campaign.h"
#include "check/shrink.h"
#include "check/world-gen.h"
}

TEST (MmrCheckShard, InterleavesTheRangeAndCoversItOnce)
{
  guint64 seeds[8];

  ASSERT_EQ (mmr_check_shard_seeds (100, 10, 1, 3, seeds, 8), 4u);
  EXPECT_EQ (seeds[0], 100u);
  EXPECT_EQ (seeds[1], 103u);
  EXPECT_EQ (seeds[2], 106u);
  EXPECT_EQ (seeds[3], 109u);
  ASSERT_EQ (mmr_check_shard_seeds (100, 10, 2, 3, seeds, 8), 3u);
  EXPECT_EQ (seeds[0], 101u);
  EXPECT_EQ (seeds[2], 107u);
  ASSERT_EQ (mmr_check_shard_seeds (100, 10, 3, 3, seeds, 8), 3u);
  EXPECT_EQ (seeds[0], 102u);
  EXPECT_EQ (seeds[2], 108u);
  EXPECT_EQ (mmr_check_shard_seeds (0, 2, 3, 3, nullptr, 0), 0u);

  for (guint n = 1; n <= 7; n++)
    for (guint64 count = 1; count <= 30; count++)
      {
        std::multiset<guint64> all;
        guint64 buf[64];

        for (guint i = 1; i <= n; i++)
          {
            guint64 k = mmr_check_shard_seeds (5, count, i, n, buf, 64);

            for (guint64 j = 0; j < k; j++)
              all.insert (buf[j]);
          }
        ASSERT_EQ (all.size (), count) << n << " shards of " << count;
        for (guint64 s = 5; s < 5 + count; s++)
          EXPECT_EQ (all.count (s), 1u);
      }
}

TEST (MmrCheckShard, ParsesIOverN)
{
  guint i = 0, n = 0;
  const char *bad[] = { "0/3", "4/3", "a/b", "3", "/3", "1/0", "1/3x", "" };

  EXPECT_TRUE (mmr_check_parse_shard ("3/8", &i, &n, nullptr));
  EXPECT_EQ (i, 3u);
  EXPECT_EQ (n, 8u);
  for (const char *b : bad)
    {
      GError *error = nullptr;

      EXPECT_FALSE (mmr_check_parse_shard (b, &i, &n, &error)) << b;
      ASSERT_NE (error, nullptr);
      EXPECT_EQ (std::string (error->message),
                 std::string ("--shard expects I/N with 1 <= I <= N (e.g. "
                              "3/8), got '") + b + "'");
      g_error_free (error);
    }
}

TEST (MmrWorldGen, EveryWorldParsesRepeatsAndEndsInHealSettle)
{
  MmrWorldGenOptions o;

  mmr_world_gen_options_init (&o);
  for (guint64 seed = 0; seed < 300; seed++)
    {
      g_autofree char *a = mmr_world_gen_scenario (seed, &o);
      g_autofree char *b = mmr_world_gen_scenario (seed, &o);
      g_autoptr (GError) error = nullptr;
      g_autoptr (MmrScript) s = mmr_script_parse ("gen.mmr", a, &error);

      ASSERT_NE (s, nullptr) << "seed " << seed << ": " << error->message
                             << "\n" << a;
      EXPECT_STREQ (a, b);
      EXPECT_TRUE (g_str_has_suffix (a, "\nheal\nsettle\n")) << a;
      EXPECT_TRUE (mmr_check_script_ends_settled (s));
      EXPECT_EQ (s->config.seed, seed);
      EXPECT_GE (s->config.n_replicas, 2u);
      EXPECT_LE (s->config.n_replicas, 5u);
    }
}

TEST (MmrWorldGen, FixedStrategyNeverSwitches)
{
  MmrWorldGenOptions o;

  mmr_world_gen_options_init (&o);
  o.fixed_strategy = TRUE;
  o.strategy = MMR_STRATEGY_SIBLINGS;
  o.min_replicas = o.max_replicas = 3;
  for (guint64 seed = 0; seed < 200; seed++)
    {
      g_autofree char *t = mmr_world_gen_scenario (seed, &o);
      g_autoptr (MmrScript) s = mmr_script_parse ("gen.mmr", t, nullptr);

      ASSERT_NE (s, nullptr);
      EXPECT_EQ (s->config.strategy, MMR_STRATEGY_SIBLINGS);
      EXPECT_EQ (s->config.n_replicas, 3u);
      for (guint i = 0; i < s->commands->len; i++)
        EXPECT_NE (((MmrCommand *) s->commands->pdata[i])->kind,
                   MMR_CMD_STRATEGY) << t;
    }
}

// A known-bad input: the "failure" needs B's write and C's crash, nothing
// else. The shrinker must find exactly that, and drop replicas A and D.
static gboolean
needs_two_lines_cb (const char *text, gpointer user_data)
{
  (*(guint *) user_data)++;
  return mmr_script_parse ("t.mmr", text, nullptr) != nullptr
         && strstr (text, "\nB put k v2\n") != nullptr
         && strstr (text, "\ncrash C\n") != nullptr;
}

TEST (MmrShrink, KeepsExactlyWhatTheFailureNeeds)
{
  const char *text =
    "# a comment\n"
    "replicas A B C D\n"
    "seed 9\n"
    "strategy siblings\n"
    "A put k v1\n"
    "D put k v0\n"
    "run 300ms\n"
    "B put k v2     # the write that matters\n"
    "partition A B | C D\n"
    "expect diverged\n"
    "crash C\n"
    "run 40ms\n"
    "restart C\n"
    "heal\n"
    "settle\n";
  guint calls = 0, runs = 0;
  g_autofree char *out = mmr_shrink_text (text, needs_two_lines_cb, &calls,
                                          400, &runs);

  EXPECT_STREQ (out, "replicas B C\nseed 9\nB put k v2\ncrash C\nheal\n"
                     "settle\n");
  EXPECT_EQ (runs, calls);
  EXPECT_LE (runs, 60u);
}

static gboolean
never_cb (const char *, gpointer)
{
  return FALSE;
}

TEST (MmrShrink, TextThatDoesNotFailComesBackUnchanged)
{
  const char *text = "replicas A B\nseed 1\nA put k v\nheal\nsettle\n";
  guint runs = 0;
  g_autofree char *out = mmr_shrink_text (text, never_cb, nullptr, 10, &runs);

  EXPECT_STREQ (out, text);
  EXPECT_EQ (runs, 1u);
}

TEST (MmrShrink, SetSeedReplacesOrAddsTheSeedLine)
{
  g_autofree char *a = mmr_shrink_set_seed ("replicas A B\nseed 4\nA put k v\n",
                                            77);
  g_autofree char *b = mmr_shrink_set_seed ("# x\nreplicas A B\nA put k v\n",
                                            78);

  EXPECT_STREQ (a, "replicas A B\nseed 77\nA put k v\n");
  EXPECT_STREQ (b, "# x\nreplicas A B\nseed 78\nA put k v\n");
}

// Every scenario the docs and labs teach from keeps every invariant under
// 30 seeds each.
TEST (MmrCheckRun, EveryExampleAndLabScenarioHoldsEveryInvariant)
{
  const char *globs[] = { "docs/examples", "labs" };
  guint n_files = 0;

  for (const char *top : globs)
    {
      g_autofree char *root = g_build_filename (MMR_SOURCE_ROOT, top, nullptr);
      std::vector<std::string> dirs = { root };
      g_autoptr (GDir) d = g_dir_open (root, 0, nullptr);

      ASSERT_NE (d, nullptr) << root;
      for (const char *n; (n = g_dir_read_name (d)) != nullptr;)
        {
          g_autofree char *p = g_build_filename (root, n, nullptr);

          if (g_file_test (p, G_FILE_TEST_IS_DIR))
            dirs.push_back (p);
        }
      for (const std::string &dir : dirs)
        {
          g_autoptr (GDir) dd = g_dir_open (dir.c_str (), 0, nullptr);

          for (const char *n; dd && (n = g_dir_read_name (dd)) != nullptr;)
            {
              if (!g_str_has_suffix (n, ".mmr"))
                continue;
              g_autofree char *p = g_build_filename (dir.c_str (), n, nullptr);
              g_autoptr (GError) error = nullptr;
              g_autoptr (MmrScript) s = mmr_script_load (p, &error);

              ASSERT_NE (s, nullptr) << error->message;
              n_files++;
              for (guint64 seed = 0; seed < 30; seed++)
                {
                  g_autoptr (MmrCheckRun) run = mmr_check_run_script (
                      s, seed, 0, &error);

                  ASSERT_NE (run, nullptr) << p << ": " << error->message;
                  EXPECT_FALSE (run->hit_limit) << p;
                  for (guint i = 0; i < run->violations->len; i++)
                    {
                      const MmrViolation *v
                          = (const MmrViolation *) run->violations->pdata[i];
                      ADD_FAILURE () << p << " seed " << seed << ": "
                                     << v->invariant << ": " << v->message;
                    }
                }
            }
        }
    }
  EXPECT_GE (n_files, 20u);
}
