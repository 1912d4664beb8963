/* runner-limits-test.cc - tests for the run limits of src/scenario/runner.c
 *
 * Each limit (events, virtual time, messages in flight) stops a runaway
 * scenario with its exact message, at the line of the command that ran
 * into it; a run within the limits has no error; 0 means no limit.
 */
#include <glib.h>

extern "C" {
#include "scenario/runner.h"
#include "scenario/script.h"
}

#include <gtest/gtest.h>

#include <string>

namespace {

struct LimitedRun {
  MmrScript *script = nullptr;
  MmrRunner *runner = nullptr;
  guint64 steps = 0;

  LimitedRun (const std::string &text, const MmrRunLimits *limits)
  {
    GError *error = nullptr;

    script = mmr_script_parse ("s.mmr", text.c_str (), &error);
    EXPECT_NE (script, nullptr) << (error != nullptr ? error->message : "");
    g_clear_error (&error);
    runner = mmr_runner_new (script, FALSE, 0);
    if (limits != nullptr)
      mmr_runner_set_limits (runner, limits);
    while (mmr_runner_step (runner))
      steps++;
  }
  ~LimitedRun ()
  {
    mmr_runner_free (runner);
    mmr_script_free (script);
  }
  std::string
  error () const
  {
    const GError *e = mmr_runner_get_error (runner);

    if (e == nullptr)
      return "(none)";
    EXPECT_TRUE (g_error_matches (e, MMR_RUNNER_ERROR,
                                  MMR_RUNNER_ERROR_LIMIT));
    return e->message;
  }
};

MmrRunLimits
limits (guint64 events, gint64 time_us, guint64 in_flight)
{
  MmrRunLimits l;

  l.max_events = events;
  l.max_time_us = time_us;
  l.max_in_flight = in_flight;
  return l;
}

TEST (MmrRunLimits, DefaultsAreDocumentedValues)
{
  MmrRunLimits l;

  mmr_run_limits_init_default (&l);
  EXPECT_EQ (l.max_events, 10000000u);
  EXPECT_EQ (l.max_time_us, G_GINT64_CONSTANT (86400000000));
  EXPECT_EQ (l.max_in_flight, 1000000u);
}

TEST (MmrRunLimits, WithinTheLimitsNoError)
{
  LimitedRun run ("replicas A B\nA put k v\nsettle\nexpect B k = v\n", nullptr);

  EXPECT_EQ (run.error (), "(none)");
  EXPECT_TRUE (mmr_runner_is_done (run.runner));
  EXPECT_EQ (mmr_runner_n_failed (run.runner), 0u);
}

TEST (MmrRunLimits, EventLimitStopsAntiEntropyForever)
{
  MmrRunLimits l = limits (1000, 0, 0);
  LimitedRun run ("replicas A B\nantientropy 10ms\nA put k v\nrun 1000000000s\n",
           &l);

  EXPECT_EQ (run.error (), "s.mmr:4: stopped at the limit of 1000 events; "
             "raise it with --max-events N (0 for no limit)");
  EXPECT_EQ (mmr_world_n_events (mmr_runner_get_world (run.runner)), 1000u);
  EXPECT_TRUE (mmr_runner_is_done (run.runner));
  EXPECT_FALSE (mmr_runner_step (run.runner));
}

TEST (MmrRunLimits, TimeLimitStopsALongRun)
{
  MmrRunLimits l = limits (0, 60 * G_USEC_PER_SEC, 0);
  LimitedRun run ("replicas A B\nA put k v\nrun 1s\nrun 1000000000s\n", &l);

  EXPECT_EQ (run.error (), "s.mmr:4: stopped at the limit of 60s of virtual "
             "time; raise it with --max-time DURATION (0 for no limit)");
  EXPECT_LE (mmr_world_now (mmr_runner_get_world (run.runner)),
             60 * G_USEC_PER_SEC);
}

TEST (MmrRunLimits, TimeLimitStopsASettleThatNeverSettles)
{
  MmrRunLimits l = limits (0, G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, 0);
  LimitedRun run ("replicas A B\nloss 1\nantientropy 1s\nA put k v\nsettle 100000000s\n",
           &l);

  EXPECT_EQ (run.error (), "s.mmr:5: stopped at the limit of 3600s of "
             "virtual time; raise it with --max-time DURATION (0 for no "
             "limit)");
}

TEST (MmrRunLimits, InFlightLimitStopsAFlood)
{
  MmrRunLimits l = limits (0, 0, 500);
  LimitedRun run ("replicas A B\nlatency 10s\nantientropy 1ms\nA put k v\nrun 20s\n",
           &l);

  EXPECT_EQ (run.error (), "s.mmr:5: stopped at the limit of 500 messages in "
             "flight; raise it with --max-in-flight N (0 for no limit)");
  EXPECT_EQ (mmr_world_n_in_flight (mmr_runner_get_world (run.runner)), 501u);
}

TEST (MmrRunLimits, ZeroMeansNoLimit)
{
  MmrRunLimits l = limits (0, 0, 0);
  LimitedRun run ("replicas A B\nantientropy 1s\nA put k v\nrun 3600s\n", &l);

  EXPECT_EQ (run.error (), "(none)");
  EXPECT_EQ (mmr_world_now (mmr_runner_get_world (run.runner)),
             G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
}

TEST (MmrRunLimits, AtTheLimitExactlyIsAllowed)
{
  MmrRunLimits l = limits (0, 2 * G_USEC_PER_SEC, 0);
  LimitedRun run ("replicas A B\nA put k v\nrun 2s\n", &l);

  EXPECT_EQ (run.error (), "(none)");
}

} // namespace
