// Issue 10, defect 10: under record granularity a field write over
// siblings keeps the other siblings' fields. The write replaces every
// sibling it saw, so a field only another sibling held would otherwise
// vanish although nobody chose to drop it (src/sync/replica.c,
// /DOC: record-base/).
#include <gtest/gtest.h>

#include "world-helpers.h"

extern "C" {
#include "scenario/runner.h"
}

static MmrRunner *
run_text (const char *text, MmrScript **out_script)
{
  GError *error = nullptr;
  MmrScript *s = mmr_script_parse ("record-write.mmr", text, &error);

  EXPECT_NE (s, nullptr) << (error ? error->message : "");
  MmrRunner *r = mmr_runner_new (s, FALSE, 0);
  mmr_runner_run (r);
  *out_script = s;
  return r;
}

TEST (MmrRecordWrite, AFieldWriteOverSiblingsKeepsEveryOthersFields)
{
  // A and B each create the record with a different field, concurrently;
  // after they meet, A holds both versions as siblings. A then writes one
  // more field: the new record has all three fields, everywhere.
  const char *text = "replicas A B\n"
                     "strategy siblings\n"
                     "granularity record\n"
                     "A put user.name ann\n"
                     "B put user.email ann@x\n"
                     "settle\n"
                     "A put user.city rome\n"
                     "settle\n";
  MmrScript *s;
  MmrRunner *r = run_text (text, &s);
  MmrWorld *w = mmr_runner_get_world (r);

  for (guint i = 0; i < 2; i++)
    {
      EXPECT_EQ (shown (w, i, "user.name"), "ann") << i;
      EXPECT_EQ (shown (w, i, "user.email"), "ann@x") << i;
      EXPECT_EQ (shown (w, i, "user.city"), "rome") << i;
    }
  g_autoptr (GPtrArray) lost
      = mmr_write_log_dup_lost (mmr_runner_get_write_log (r));
  EXPECT_EQ (lost->len, 0u);
  EXPECT_TRUE (differences (w).empty ());
  mmr_runner_free (r);
  mmr_script_free (s);
}

TEST (MmrRecordWrite, WhereSiblingsDisagreeTheLwwHighestValueIsKept)
{
  // Both siblings set name. A's version {name=ann, phone=1} and B's
  // {name=bea, zip=9} both have Lamport stamp 2; the tie goes to the
  // larger replica name, B, whose name wins. A's phone survives too.
  const char *text = "replicas A B\n"
                     "strategy siblings\n"
                     "granularity record\n"
                     "clock lamport\n"
                     "A put user.name ann\n"
                     "A put user.phone 1\n"
                     "B put user.name bea\n"
                     "B put user.zip 9\n"
                     "settle\n"
                     "A put user.city rome\n"
                     "settle\n";
  MmrScript *s;
  MmrRunner *r = run_text (text, &s);
  MmrWorld *w = mmr_runner_get_world (r);

  for (guint i = 0; i < 2; i++)
    {
      EXPECT_EQ (shown (w, i, "user.name"), "bea") << i;
      EXPECT_EQ (shown (w, i, "user.phone"), "1") << i;
      EXPECT_EQ (shown (w, i, "user.zip"), "9") << i;
      EXPECT_EQ (shown (w, i, "user.city"), "rome") << i;
    }
  mmr_runner_free (r);
  mmr_script_free (s);
}
