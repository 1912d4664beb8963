// Regression tests for defects that `mmr check` found (docs/checking.md,
// "What the checker found"): each scenario is the shrunk reproduction the
// checker wrote, run through the checker's own invariants and asserted
// exactly against the engine's state.
#include <gtest/gtest.h>

#include "../sim/world-helpers.h"

extern "C" {
#include "check/campaign.h"
#include "scenario/runner.h"
}

static void
expect_no_violation (const char *text, guint64 seed)
{
  g_autoptr (GError) error = nullptr;
  g_autoptr (MmrCheckRun) run = mmr_check_run_text ("finding.mmr", text,
                                                    seed, 0, &error);

  ASSERT_NE (run, nullptr) << error->message;
  EXPECT_FALSE (run->hit_limit);
  for (guint i = 0; i < run->violations->len; i++)
    {
      const MmrViolation *v = (const MmrViolation *) run->violations->pdata[i];
      ADD_FAILURE () << v->invariant << ": " << v->message;
    }
}

// F1 (seed 713): under field granularity a client's delete of a whole
// record applied the record register's context to every field register.
// Dots are counted per register, so k1's {B:1} "covered" k1.a's B:1: a
// field write the client had read was superseded by luck, and one it had
// never read could be too. Each field register now has its own context.
static const char *const F1 =
    "replicas A B\n"
    "seed 713\n"
    "granularity field\n"
    "client c0 at B\n"
    "B del k1\n"
    "B put k1.a v4\n"
    "c0 get k1\n"
    "c0 del k1\n"
    "heal\n"
    "settle\n";

TEST (MmrCheckFindings, F1AWholeRecordDeleteUsesEachFieldsOwnContext)
{
  expect_no_violation (F1, 713);
}

TEST (MmrCheckFindings, F1AFieldTheClientNeverReadSurvivesItsRecordDelete)
{
  // c0 reads k1 when only k1.a exists; B then writes k1.b, which c0 never
  // saw. The record delete supersedes k1.a (read) but not k1.b: k1.b
  // stays, beside the concurrent tombstone, and nothing is lost.
  const char *text = "replicas A B\n"
                     "granularity field\n"
                     "strategy siblings\n"
                     "client c0 at B\n"
                     "B put k1.a v1\n"
                     "c0 get k1\n"
                     "B put k1.b v2\n"
                     "c0 del k1\n"
                     "settle\n";
  g_autoptr (GError) error = nullptr;
  g_autoptr (MmrScript) s = mmr_script_parse ("f1b.mmr", text, &error);
  ASSERT_NE (s, nullptr) << error->message;
  g_autoptr (MmrRunner) r = mmr_runner_new (s, FALSE, 0);
  mmr_runner_run (r);
  MmrWorld *w = mmr_runner_get_world (r);

  for (guint i = 0; i < 2; i++)
    {
      EXPECT_EQ (shown (w, i, "k1.a"), "absent") << i;
      EXPECT_EQ (shown (w, i, "k1.b"), "v2") << i;
    }
  g_autoptr (GPtrArray) lost
      = mmr_write_log_dup_lost (mmr_runner_get_write_log (r));
  EXPECT_EQ (lost->len, 0u);
  expect_no_violation (text, 1);
}

// F4 (full campaign, seed 222): B's clock runs 68.75 ms behind; B sets the
// OR-Map field after it has A's set, with a smaller stamp. A set
// supersedes what it observed (docs/crdts.md), so B's value is right; the
// checker's first specification wanted the largest stamp of all.
TEST (MmrCheckFindings, F4AnObservedOrMapSetIsSupersededWhateverItsStamp)
{
  expect_no_violation ("replicas A B\n"
                       "seed 222\n"
                       "type t0 ormap\n"
                       "A set t0 name=v6\n"
                       "clock physical\n"
                       "skew B -68750us\n"
                       "run 18000us\n"
                       "B set t0 name=v9\n"
                       "heal\n"
                       "settle\n", 222);
}
