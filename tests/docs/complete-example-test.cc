// complete-example-test.cc - docs/scenario-language.md ends with "A
// complete scenario" that a reader copies and runs; its expect lines are
// the prose's claims. The test takes the block out of the markdown itself
// (so text and test cannot drift apart), runs it with mmr as a reader
// would, and requires every expectation to hold.
#include "../mmr-command.h"

#include <string>

extern "C" {
#include <glib/gstdio.h>
}

// The first ``` block after the heading "## A complete scenario".
static std::string
complete_example ()
{
  g_autofree char *path = g_build_filename (MMR_SOURCE_ROOT, "docs",
                                            "scenario-language.md", nullptr);
  g_autofree char *text = nullptr;

  if (!g_file_get_contents (path, &text, nullptr, nullptr))
    return "";
  std::string s (text);
  size_t h = s.find ("\n## A complete scenario\n");
  if (h == std::string::npos)
    return "";
  size_t open = s.find ("\n```mmr\n", h);
  if (open == std::string::npos)
    return "";
  open += 8;
  size_t close = s.find ("\n```\n", open);
  if (close == std::string::npos)
    return "";
  return s.substr (open, close - open + 1);
}

TEST (MmrDocs, CompleteScenarioHoldsAsPrinted)
{
  std::string body = complete_example ();
  ASSERT_NE (body.find ("expect lost"), std::string::npos) << body;
  size_t n_expect = 0;
  for (size_t at = 0; (at = body.find ("\nexpect ", at)) != std::string::npos;
       at++)
    n_expect++;
  ASSERT_EQ (n_expect, 11u);

  g_autofree char *file = nullptr;
  GError *error = nullptr;
  int fd = g_file_open_tmp ("complete-example-XXXXXX.mmr", &file, &error);
  ASSERT_GE (fd, 0) << (error ? error->message : "");
  close (fd);
  ASSERT_TRUE (g_file_set_contents (file, body.c_str (), -1, nullptr));

  Result r = mmr ({ "run", file });
  g_unlink (file);
  EXPECT_EQ (r.status, 0) << r.out << r.err;
  EXPECT_NE (r.out.find ("\n11 of 11 expectations hold\n"), std::string::npos)
      << r.out;
  EXPECT_EQ (r.out.find ("FAIL"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("\nlost writes: 2\n"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("\nconflicts: 2\n"), std::string::npos) << r.out;
}

// Exercise 4 of docs/scenario-language.md sends the reader to --seed 1,
// where exactly one check fails: B's write wins although B's clock is
// behind (its HLC had caught up with the sender it last heard from, and
// the counter breaks the tie). The exercise's premise must hold.
TEST (MmrDocs, CompleteScenarioExercise4PremiseHolds)
{
  std::string body = complete_example ();
  g_autofree char *file = nullptr;
  int fd = g_file_open_tmp ("complete-example-XXXXXX.mmr", &file, nullptr);
  ASSERT_GE (fd, 0);
  close (fd);
  ASSERT_TRUE (g_file_set_contents (file, body.c_str (), -1, nullptr));

  Result r = mmr ({ "run", file, "--seed", "1" });
  g_unlink (file);
  EXPECT_EQ (r.status, 1) << r.out << r.err;
  EXPECT_NE (r.out.find ("\n10 of 11 expectations hold\n"), std::string::npos)
      << r.out;
  EXPECT_NE (r.out.find ("FAIL line 39  expect A profile.city = Oslo"
                         "   -- found: A profile.city is Rome\n"),
             std::string::npos)
      << r.out;
}
