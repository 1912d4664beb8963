// labs-test.cc - the course labs through the mmr command: each runs with
// its reference answers, each can fail (a wrong answer is named), each
// guide has the required parts, and lab errors exit 2 with FILE:LINE:COL.
#include "lab-helpers.h"
#include "../mmr-command.h"

#include <set>
#include <vector>

extern "C" {
#include <json-glib/json-glib.h>
}

static std::vector<std::string>
split (const std::string &s, char sep)
{
  std::vector<std::string> out;
  size_t start = 0, at;

  while ((at = s.find (sep, start)) != std::string::npos)
    {
      out.push_back (s.substr (start, at - start));
      start = at + 1;
    }
  out.push_back (s.substr (start));
  return out;
}

static std::string
source (const std::string &rel)
{
  return std::string (g_getenv ("MMR_SOURCE_ROOT")) + "/" + rel;
}

// labs/NN-topic folders that have a lab file, in order.
static std::vector<std::string>
runnable_labs ()
{
  std::vector<std::string> out;
  GDir *d = g_dir_open (source ("labs").c_str (), 0, nullptr);
  const char *name;

  while (d != nullptr && (name = g_dir_read_name (d)) != nullptr)
    if (g_file_test (source (std::string ("labs/") + name + "/lab.mmrlab")
                       .c_str (), G_FILE_TEST_EXISTS))
      out.push_back (std::string ("labs/") + name);
  if (d != nullptr)
    g_dir_close (d);
  std::sort (out.begin (), out.end ());
  return out;
}

TEST (MmrLabs, EveryLabPassesWithItsReferenceAnswers)
{
  std::vector<std::string> labs = runnable_labs ();
  Result r = mmr ({ "lab", "run", "--all" });

  ASSERT_GE (labs.size (), 7u);
  EXPECT_EQ (r.status, 0) << r.out << r.err;
  EXPECT_NE (r.out.find (std::to_string (labs.size ()) + " of "
                         + std::to_string (labs.size ()) + " labs passed"),
             std::string::npos) << r.out;
  EXPECT_EQ (r.out.find ("FAIL"), std::string::npos) << r.out;
}

// For each lab: take its reference answers, change one answer to another
// choice, and check that exactly that question is reported wrong.
TEST (MmrLabs, EachLabReportsAWrongAnswerByItsName)
{
  for (const std::string &lab : runnable_labs ())
    {
      SCOPED_TRACE (lab);
      std::string ref = lab + "/answers.txt";
      gchar *ref_text = nullptr;
      ASSERT_TRUE (g_file_get_contents (source (ref).c_str (), &ref_text,
                                        nullptr, nullptr));
      TempLab copy;       // attempts are kept beside the answers: not in labs/
      copy.write ("ref.txt", ref_text);
      g_free (ref_text);
      Result r = mmr ({ "lab", "run", lab, "--answers", copy.path ("ref.txt"),
                        "--json" });
      ASSERT_EQ (r.status, 0) << r.out << r.err;

      JsonParser *p = json_parser_new ();
      ASSERT_TRUE (json_parser_load_from_data (p, r.out.c_str (), -1,
                                               nullptr));
      JsonArray *steps = json_object_get_array_member (
          json_node_get_object (json_parser_get_root (p)), "steps");
      std::string id, wrong;
      for (guint s = 0; s < json_array_get_length (steps) && id.empty (); s++)
        {
          JsonArray *qs = json_object_get_array_member (
              json_array_get_object_element (steps, s), "questions");
          for (guint i = 0; i < json_array_get_length (qs) && id.empty ();
               i++)
            {
              JsonObject *q = json_array_get_object_element (qs, i);
              JsonArray *choices = json_object_get_array_member (q,
                                                                 "choices");
              std::string right = json_object_get_string_member (q, "answer");

              for (guint c = 0; c < json_array_get_length (choices); c++)
                if (right != json_array_get_string_element (choices, c))
                  {
                    id = json_object_get_string_member (q, "id");
                    wrong = json_array_get_string_element (choices, c);
                    break;
                  }
            }
        }
      g_object_unref (p);
      ASSERT_FALSE (id.empty ()) << "no question with choices";

      gchar *text = nullptr;
      ASSERT_TRUE (g_file_get_contents (source (ref).c_str (), &text, nullptr,
                                        nullptr));
      std::string answers;
      for (const std::string &l : split (text, '\n'))
        answers += (l.rfind (id + " =", 0) == 0 ? id + " = " + wrong : l)
                   + "\n";
      g_free (text);
      TempLab tmp;
      tmp.write ("wrong.txt", answers);

      r = mmr ({ "lab", "run", lab, "--answers", tmp.path ("wrong.txt") });
      EXPECT_EQ (r.status, 1) << r.out << r.err;
      EXPECT_NE (r.out.find ("  wrong  " + id + "  "), std::string::npos)
        << r.out;
      EXPECT_NE (r.out.find ("you answered '" + wrong + "'; that is not "
                             "what the run shows\n"),
                 std::string::npos) << r.out;
      // Marked wrong without the right answer.
      EXPECT_EQ (r.out.find ("the run says"), std::string::npos) << r.out;
      EXPECT_NE (r.out.find (", 1 wrong (" + id + ")\nlab not passed"),
                 std::string::npos) << r.out;
    }
}

TEST (MmrLabs, EveryGuideEndsWithTakeawaysAndAnExerciseAndCitesItsOutline)
{
  for (const std::string &lab : runnable_labs ())
    {
      SCOPED_TRACE (lab);
      gchar *guide = nullptr, *lab_file = nullptr;

      ASSERT_TRUE (g_file_get_contents (source (lab + "/guide.md").c_str (),
                                        &guide, nullptr, nullptr));
      ASSERT_TRUE (g_file_get_contents (source (lab + "/lab.mmrlab").c_str (),
                                        &lab_file, nullptr, nullptr));
      std::string g = guide, l = lab_file;
      size_t take = g.find ("\n## What to take away\n");
      size_t ex = g.find ("\n## Exercise for further thought\n");

      EXPECT_NE (take, std::string::npos);
      EXPECT_NE (ex, std::string::npos);
      EXPECT_LT (take, ex);
      EXPECT_EQ (g.find ("\n## ", ex + 1), std::string::npos)
        << "the exercise is the last section";
      // Every "§N" on the outline line is cited in the guide.
      size_t o = l.find ("\noutline ");
      ASSERT_NE (o, std::string::npos);
      std::string outline = l.substr (o + 9, l.find ('\n', o + 1) - o - 9);
      for (std::string sec : split (outline, ' '))
        {
          if (sec.rfind ("§", 0) != 0)
            sec = "§" + sec;
          EXPECT_NE (g.find (sec), std::string::npos) << sec;
        }
      g_free (guide);
      g_free (lab_file);
    }
}

// Guides cite code by pattern, like the docs ("src/x.c:/DOC: a/"; a bare
// "/DOC: b/" continues the last file named): every citation must exist.
TEST (MmrLabs, EveryCodeCitationInAGuideExists)
{
  GRegex *re = g_regex_new ("((?:src|gui|bench|labs)/[A-Za-z0-9_/.-]+"
                            "\\.(?:c|h|cc))(?::/([^/`]+)/)?|`/(DOC: [a-z0-9-]+)/`",
                            G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, nullptr);
  guint n = 0;

  for (const std::string &lab : runnable_labs ())
    {
      gchar *guide = nullptr;
      GMatchInfo *m = nullptr;
      std::string file;

      ASSERT_TRUE (g_file_get_contents (source (lab + "/guide.md").c_str (),
                                        &guide, nullptr, nullptr));
      g_regex_match (re, guide, G_REGEX_MATCH_DEFAULT, &m);
      for (; g_match_info_matches (m); g_match_info_next (m, nullptr), n++)
        {
          gchar *f = g_match_info_fetch (m, 1);
          gchar *pat = g_match_info_fetch (m, 2);
          gchar *bare = g_match_info_fetch (m, 3);
          gchar *text = nullptr;

          if (f != nullptr && *f != '\0')
            file = f;
          std::string want = bare != nullptr && *bare != '\0' ? bare
                             : pat != nullptr ? pat : "";
          if (!g_file_get_contents (source (file).c_str (), &text, nullptr,
                                    nullptr))
            {
              ADD_FAILURE () << lab << " cites " << file
                             << ", which does not exist";
            }
          else if (!want.empty ())
            {
              EXPECT_NE (strstr (text, want.c_str ()), nullptr)
                << lab << " cites " << file << ":/" << want << "/";
            }
          g_free (text);
          g_free (f);
          g_free (pat);
          g_free (bare);
        }
      g_match_info_free (m);
      g_free (guide);
    }
  g_regex_unref (re);
  EXPECT_GT (n, 10u);
}

TEST (MmrLabs, ListShowsEveryLabInCourseOrder)
{
  Result r = mmr ({ "lab", "list" });
  size_t last = 0;

  EXPECT_EQ (r.status, 0) << r.err;
  for (const std::string &lab : runnable_labs ())
    {
      std::string number = lab.substr (5, 2);
      size_t at = r.out.find ("\n" + number + "  ");

      if (at == std::string::npos && r.out.rfind (number + "  ", 0) == 0)
        at = 0;
      ASSERT_NE (at, std::string::npos) << number << "\n" << r.out;
      EXPECT_GE (at, last);
      last = at;
    }
  EXPECT_NE (r.out.find ("01  Asynchronous replication and eventual "
                         "convergence\n    multi-master, asynchronous "
                         "replication"), std::string::npos) << r.out;
}

TEST (MmrLabs, ABrokenLabExitsTwoWithItsLocation)
{
  TempLab tmp;
  tmp.write ("w.mmr", "replicas A B\n");
  tmp.write ("lab.mmrlab", "lab \"T\"\nconcepts a\noutline 1\nworld w.mmr\n"
                           "step \"s\"\nA put k\n");
  Result r = mmr ({ "lab", "run", tmp.dir });

  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.out, "");
  EXPECT_EQ (r.err, tmp.dir + "/lab.mmrlab:6:9: 'put' needs a key and a "
                    "value, e.g. 'A put cart milk'\n");

  tmp.write ("lab.mmrlab", "lab \"T\"\nconcepts a\noutline 1\nworld w.mmr\n"
                           "step \"s\"\nask \"?\" converged\n");
  tmp.write ("a.txt", "1.1 = perhaps\n");
  r = mmr ({ "lab", "run", tmp.dir, "--answers", tmp.path ("a.txt") });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, tmp.path ("a.txt")
                    + ":1:7: expected yes or no, got 'perhaps'\n");

  r = mmr ({ "lab", "run", tmp.dir });
  EXPECT_EQ (r.status, 1) << "an unanswered question is not a pass";
  EXPECT_NE (r.out.find ("0 of 1 answers right, 1 unanswered"),
             std::string::npos) << r.out;
}

// Attempts: each graded run that answers a question differently adds
// one, an unchanged answer adds none; --json reports them per question
// and in total, and the file beside the answers keeps them.
static gint64
json_attempts (const std::string &out, const char *id)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, out.c_str (), -1, nullptr))
    return -1;
  JsonObject *root = json_node_get_object (json_parser_get_root (p));
  if (id == nullptr)
    return json_object_get_int_member (
        json_object_get_object_member (root, "summary"), "attempts");
  JsonArray *steps = json_object_get_array_member (root, "steps");
  for (guint s = 0; s < json_array_get_length (steps); s++)
    {
      JsonArray *qs = json_object_get_array_member (
          json_array_get_object_element (steps, s), "questions");
      for (guint i = 0; i < json_array_get_length (qs); i++)
        {
          JsonObject *q = json_array_get_object_element (qs, i);
          if (std::string (json_object_get_string_member (q, "id")) == id)
            return json_object_get_int_member (q, "attempts");
        }
    }
  return -2;
}

TEST (MmrLabs, WrongAnswersAreCountedAsAttemptsWithoutTheRightOne)
{
  TempLab tmp;
  tmp.write ("w.mmr", "replicas A B\n");
  tmp.write ("lab.mmrlab", "lab \"T\"\nconcepts a\noutline 1\nworld w.mmr\n"
                           "step \"s\"\nA put k v\nsettle\n"
                           "ask \"Converged?\" converged\n"
                           "ask \"How many lost?\" lost-count\n");
  tmp.write ("a.txt", "1.1 = no\n");
  Result r = mmr ({ "lab", "run", tmp.dir, "--answers", tmp.path ("a.txt"),
                    "--json" });
  EXPECT_EQ (r.status, 1);
  EXPECT_EQ (json_attempts (r.out, "1.1"), 1);
  EXPECT_EQ (json_attempts (r.out, "1.2"), 0);
  EXPECT_EQ (json_attempts (r.out, nullptr), 1);
  EXPECT_EQ (r.out.find ("\"answer\" : \"yes\""), std::string::npos) << r.out;

  r = mmr ({ "lab", "run", tmp.dir, "--answers", tmp.path ("a.txt"),
             "--json" });
  EXPECT_EQ (json_attempts (r.out, "1.1"), 1) << "the same answer again";

  tmp.write ("a.txt", "1.1 = yes\n1.2 = 0\n");
  r = mmr ({ "lab", "run", tmp.dir, "--answers", tmp.path ("a.txt") });
  EXPECT_EQ (r.status, 0) << r.out << r.err;
  r = mmr ({ "lab", "run", tmp.dir, "--answers", tmp.path ("a.txt"),
             "--json" });
  EXPECT_EQ (json_attempts (r.out, "1.1"), 2);
  EXPECT_EQ (json_attempts (r.out, "1.2"), 1);
  EXPECT_EQ (json_attempts (r.out, nullptr), 3);

  gchar *kept = nullptr;
  ASSERT_TRUE (g_file_get_contents (tmp.path ("a.txt.attempts").c_str (),
                                    &kept, nullptr, nullptr));
  EXPECT_EQ (std::string (kept),
             "# mmr lab attempts: ID, answers graded, last answer's key\n"
             "1.1\t2\tyes\n1.2\t1\t0\n");
  g_free (kept);

  // A file mmr did not write is not overwritten.
  tmp.write ("b.txt", "1.1 = yes\n");
  tmp.write ("b.txt.attempts", "my notes\n");
  r = mmr ({ "lab", "run", tmp.dir, "--answers", tmp.path ("b.txt") });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, tmp.path ("b.txt.attempts") + ": not an attempts file "
                    "(no '# mmr lab attempts: ID, answers graded, last "
                    "answer's key' line); move it away, mmr keeps the count "
                    "of attempts there\n");
}

// issue 10, defect 6: a lab folder that used to crash the parser ("choices"
// before any world) is listed with its error, and every other lab still
// lists and runs; the exit status is 2 because one is bad.
TEST (MmrLabs, OneBadLabFolderDoesNotStopTheOthers)
{
  TempLab labs;
  labs.write ("01-bad/lab.mmrlab", "lab \"T\"\nchoices a | b\n");
  labs.write ("02-good/w.mmr", "replicas A B\n");
  labs.write ("02-good/lab.mmrlab",
              "lab \"Good\"\nconcepts c\noutline 1\nworld w.mmr\n"
              "step \"s\"\nA put k v\nsettle\nexpect B k = v\n"
              "ask \"?\" converged\n");
  labs.write ("02-good/answers.txt", "1.1 = yes\n");
  std::string bad = labs.dir + "/01-bad/lab.mmrlab:2:1: 'choices' must "
                    "follow its 'ask' line";

  Result r = mmr ({ "lab", "list", "--labs-dir", labs.dir });
  EXPECT_EQ (r.status, 2) << r.err;
  EXPECT_EQ (r.out, "01  01-bad\n    error: " + bad + "\n"
                    "02  Good\n    c  (outline §1)\n");

  r = mmr ({ "lab", "run", "--all", "--labs-dir", labs.dir });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, bad + "\n");
  EXPECT_NE (r.out.find ("02  Good"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("1 of 2 labs passed"), std::string::npos) << r.out;

  r = mmr ({ "lab", "run", "--all", "--labs-dir", labs.dir, "--json" });
  EXPECT_EQ (r.status, 2);
  JsonParser *p = json_parser_new ();
  ASSERT_TRUE (json_parser_load_from_data (p, r.out.c_str (), -1, nullptr))
    << r.out;
  JsonArray *all = json_node_get_array (json_parser_get_root (p));
  ASSERT_EQ (json_array_get_length (all), 2u);
  JsonObject *first = json_array_get_object_element (all, 0);
  EXPECT_STREQ (json_object_get_string_member (first, "error"), bad.c_str ());
  EXPECT_STREQ (json_object_get_string_member (
                    json_object_get_object_member (first, "lab"), "dir"),
                (labs.dir + "/01-bad").c_str ());
  JsonObject *second = json_array_get_object_element (all, 1);
  EXPECT_TRUE (json_object_get_boolean_member (
      json_object_get_object_member (second, "summary"), "passed"));
  g_object_unref (p);
}

TEST (MmrLabs, UsageErrorsExitTwo)
{
  struct
  {
    std::vector<std::string> args;
    const char *err;
  } cases[] = {
    { { "lab" }, "Usage:" },
    { { "lab", "walk" }, "mmr lab: unknown command 'walk'" },
    { { "lab", "run" }, "mmr lab run: no lab folder given (or use --all)" },
    { { "lab", "run", "a", "b" }, "mmr lab run: give exactly one lab folder" },
    { { "lab", "run", "--all", "labs/01-async-replication" },
      "mmr lab run: give a lab folder or --all, not both" },
    { { "lab", "run", "--all", "--answers", "x" },
      "mmr lab run: --answers and --reveal are for one lab" },
    { { "lab", "run", "labs/none" },
      "labs/none/lab.mmrlab: cannot read: No such file or directory" },
    { { "lab", "list", "--labs-dir", "nowhere" }, "mmr lab list: nowhere: "
                                                  "cannot read" },
  };
  for (auto &c : cases)
    {
      Result r = mmr (c.args);

      EXPECT_EQ (r.status, 2) << c.err;
      EXPECT_NE (r.err.find (c.err), std::string::npos) << r.err;
    }
}
