// check-cli-test.cc - "mmr check" as a user runs it: bad input exits 2
// naming the option, --json is one valid document, violations come with a
// shrunk file that reproduces them.
#include <gtest/gtest.h>

#include <string>

extern "C" {
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
}

#include "../mmr-command.h"

static JsonObject *
parse_object (const std::string &text, JsonParser *parser)
{
  GError *error = nullptr;

  if (!json_parser_load_from_data (parser, text.c_str (), -1, &error))
    {
      ADD_FAILURE () << error->message << "\n" << text;
      g_error_free (error);
      return nullptr;
    }
  return json_node_get_object (json_parser_get_root (parser));
}

TEST (MmrCheckCli, BadInputExitsTwoNamingTheOption)
{
  Result r = mmr ({ "check", "--random", "--shard", "0/4" });

  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find ("--shard expects I/N with 1 <= I <= N (e.g. 3/8), "
                         "got '0/4'"), std::string::npos) << r.err;
  r = mmr ({ "check", "--random", "--replicas", "6" });
  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find ("--replicas expects N or LO..HI between 2 and 5"),
             std::string::npos);
  r = mmr ({ "check" });
  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find ("no scenario file given"), std::string::npos);
  r = mmr ({ "check", "--random", "--out", "README.md" });
  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find ("--out README.md exists and is not a directory"),
             std::string::npos) << r.err;
  r = mmr ({ "check", "--seeds", "0", "docs/examples/demo.mmr" });
  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find ("--seeds expects a whole number >= 1"),
             std::string::npos);
}

TEST (MmrCheckCli, ScenarioThatDoesNotParseExitsTwo)
{
  g_autofree char *dir = g_dir_make_tmp ("mmr-check-cli-XXXXXX", nullptr);
  g_autofree char *path = g_build_filename (dir, "bad.mmr", nullptr);

  ASSERT_TRUE (g_file_set_contents (path, "replicas A B\nA pt k v\n", -1,
                                    nullptr));
  Result r = mmr ({ "check", path });
  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find ("bad.mmr:2:3: unknown action 'pt'"),
             std::string::npos) << r.err;
  g_unlink (path);
  g_rmdir (dir);
}

TEST (MmrCheckCli, JsonIsOneValidDocument)
{
  g_autofree char *dir = g_dir_make_tmp ("mmr-check-cli-XXXXXX", nullptr);
  Result r = mmr ({ "check", "--random", "--seeds", "12", "--from", "3",
                    "--shard", "2/3", "--json", "--out", dir });
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_object (r.out, parser);

  ASSERT_NE (o, nullptr);
  EXPECT_TRUE (r.status == 0 || r.status == 1) << r.err;
  EXPECT_STREQ (json_object_get_string_member (o, "mode"), "random");
  EXPECT_EQ (json_object_get_int_member (o, "from"), 3);
  EXPECT_EQ (json_object_get_int_member (o, "count"), 12);
  EXPECT_STREQ (json_object_get_string_member (o, "shard"), "2/3");
  EXPECT_EQ (json_object_get_int_member (o, "seeds_checked"), 4);
  EXPECT_EQ ((gint64) json_array_get_length (
                 json_object_get_array_member (o, "violations")),
             json_object_get_int_member (o, "n_violations"));
  EXPECT_EQ (r.err, "");   // no progress line without a terminal
  g_autoptr (GDir) d = g_dir_open (dir, 0, nullptr);
  for (const char *f; (f = g_dir_read_name (d)) != nullptr;)
    {
      g_autofree char *p = g_build_filename (dir, f, nullptr);
      g_unlink (p);
    }
  g_rmdir (dir);
}

// A dot reused after a crash without a database (issue 10, defect 1's
// shape) or any other violation: whatever this engine does, a violation
// must come with a file that reproduces the same invariant with "mmr run"
// and never replace a file that is not ours.
TEST (MmrCheckCli, ViolationWritesAShrunkReproductionBesideForeignFiles)
{
  g_autofree char *dir = g_dir_make_tmp ("mmr-check-cli-XXXXXX", nullptr);
  g_autofree char *scenario = g_build_filename (dir, "s.mmr", nullptr);
  g_autofree char *out = g_build_filename (dir, "out", nullptr);
  g_autofree char *foreign = g_build_filename (out, "unique-dot-seed0.mmr",
                                               nullptr);

  ASSERT_TRUE (g_file_set_contents (
      scenario,
      "replicas A B C\n"
      "A put k v1\n"
      "run 15ms\n"
      "crash A\n"
      "partition A | B C\n"
      "restart A\n"
      "run 2s\n"
      "A put k v2\n"
      "run 100ms\n"
      "heal\n"
      "settle\n", -1, nullptr));
  g_mkdir (out, 0755);
  ASSERT_TRUE (g_file_set_contents (foreign, "mine, not mmr's\n", -1, nullptr));
  Result r = mmr ({ "check", scenario, "--seeds", "1", "--out", out });
  if (r.status == 0)
    GTEST_SKIP () << "the engine no longer reuses dots after a restart";
  EXPECT_EQ (r.status, 1);
  EXPECT_NE (r.out.find ("violation: unique-dot  seed 0"), std::string::npos)
    << r.out;
  g_autofree char *kept = nullptr;
  ASSERT_TRUE (g_file_get_contents (foreign, &kept, nullptr, nullptr));
  EXPECT_STREQ (kept, "mine, not mmr's\n");
  g_autofree char *repro = g_build_filename (out, "unique-dot-seed0-2.mmr",
                                             nullptr);
  g_autofree char *text = nullptr;
  ASSERT_TRUE (g_file_get_contents (repro, &text, nullptr, nullptr)) << r.out;
  EXPECT_TRUE (g_str_has_prefix (text, "# mmr check: unique-dot broken with "
                                       "seed 0"));
  EXPECT_NE (std::string (text).find ("\nseed 0\n"), std::string::npos);
  EXPECT_TRUE (g_str_has_suffix (text, "\nheal\nsettle\n"));
  Result again = mmr ({ "check", repro, "--seeds", "1", "--out", out });
  EXPECT_NE (again.out.find ("violation: unique-dot  seed 0"),
             std::string::npos) << again.out;
  EXPECT_NE (r.out.find ("reproduce: mmr run " + std::string (repro)),
             std::string::npos);
  EXPECT_NE (r.out.find ("open:      mmr-inspector " + std::string (repro)),
             std::string::npos);
  g_autoptr (GDir) d = g_dir_open (out, 0, nullptr);
  for (const char *f; (f = g_dir_read_name (d)) != nullptr;)
    {
      g_autofree char *p = g_build_filename (out, f, nullptr);
      g_unlink (p);
    }
  g_rmdir (out);
  g_unlink (scenario);
  g_rmdir (dir);
}

// The suite's bounded campaign: a few hundred random worlds, every
// invariant on, clean (about 10 s here). A failure lists each
// violation with its seed: "mmr check --random --from SEED --seeds 1"
// reproduces it and writes the shrunk scenario.
TEST (MmrCheckCli, BoundedRandomCampaignIsClean)
{
  g_autofree char *dir = g_dir_make_tmp ("mmr-check-cli-XXXXXX", nullptr);
  Result r = mmr ({ "check", "--random", "--seeds", "300", "--json",
                    "--out", dir });
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_object (r.out, parser);

  ASSERT_NE (o, nullptr) << r.err;
  JsonArray *vs = json_object_get_array_member (o, "violations");
  for (guint i = 0; i < json_array_get_length (vs); i++)
    {
      JsonObject *v = json_array_get_object_element (vs, i);

      ADD_FAILURE () << "seed " << json_object_get_int_member (v, "seed")
                     << ": " << json_object_get_string_member (v, "invariant")
                     << ": " << json_object_get_string_member (v, "message");
    }
  EXPECT_EQ (r.status, 0);
  EXPECT_EQ (json_object_get_int_member (o, "seeds_checked"), 300);
  EXPECT_EQ (json_object_get_int_member (o, "run_limit_hits"), 0);
  g_autoptr (GDir) d = g_dir_open (dir, 0, nullptr);
  for (const char *f; d != nullptr && (f = g_dir_read_name (d)) != nullptr;)
    {
      g_autofree char *p = g_build_filename (dir, f, nullptr);
      g_unlink (p);
    }
  g_rmdir (dir);
}
