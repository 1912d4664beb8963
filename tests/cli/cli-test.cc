// cli-test.cc - the mmr command as a user runs it: every example scenario
// with its expects, JSON output shape, traces, exit codes and error text.
#include "../mmr-command.h"

#include <string>

extern "C" {
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
}

static std::string
write_temp (const char *name, const char *text)
{
  std::string path = std::string (g_get_tmp_dir ()) + "/mmr-cli-test-" + name;
  g_file_set_contents (path.c_str (), text, -1, nullptr);
  return path;
}

TEST (MmrCli, EveryExampleScenarioRunsWithAllExpectationsHolding)
{
  const char *examples[] = { "demo", "siblings", "clock-skew",
                             "delete-update", "lossy-network",
                             "shopping-cart", "sibling-explosion",
                             "sibling-explosion-dvv", "counters", "sets",
                             "restart-after-crash" };

  for (const char *e : examples)
    {
      std::string file = std::string ("docs/examples/") + e + ".mmr";
      Result r = mmr ({ "run", file });

      EXPECT_EQ (r.status, 0) << file << "\n" << r.out << r.err;
      EXPECT_NE (r.out.find ("expectations hold"), std::string::npos);
      EXPECT_EQ (r.out.find ("FAIL"), std::string::npos) << r.out;
    }
}

TEST (MmrCli, JsonReportHasTheDocumentedShape)
{
  Result r = mmr ({ "run", "docs/examples/demo.mmr", "--json" });
  ASSERT_EQ (r.status, 0) << r.err;
  JsonParser *p = json_parser_new ();
  ASSERT_TRUE (json_parser_load_from_data (p, r.out.c_str (), -1, nullptr));
  JsonObject *o = json_node_get_object (json_parser_get_root (p));

  EXPECT_TRUE (json_object_get_boolean_member (o, "converged"));
  JsonObject *b = json_object_get_object_member (
      json_object_get_object_member (o, "replicas"), "B");
  JsonObject *cart = json_object_get_object_member (b, "cart");
  JsonArray *values = json_object_get_array_member (cart, "values");
  ASSERT_EQ (json_array_get_length (values), 1u);
  EXPECT_STREQ (json_array_get_string_element (values, 0), "eggs");
  JsonObject *vv = json_object_get_object_member (cart, "vv");
  EXPECT_EQ (json_object_get_int_member (vv, "A"), 2);
  EXPECT_EQ (json_object_get_int_member (vv, "C"), 1);
  EXPECT_TRUE (json_object_has_member (b, "user.name"));
  JsonArray *lost = json_object_get_array_member (o, "lost_writes");
  ASSERT_EQ (json_array_get_length (lost), 1u);
  JsonObject *lw = json_array_get_object_element (lost, 0);
  EXPECT_STREQ (json_object_get_string_member (lw, "replica"), "A");
  EXPECT_STREQ (json_object_get_string_member (lw, "key"), "cart");
  EXPECT_STREQ (json_object_get_string_member (lw, "value"), "milk,flour");
  JsonArray *ex = json_object_get_array_member (o, "expectations");
  ASSERT_EQ (json_array_get_length (ex), 10u);
  EXPECT_EQ (json_object_get_int_member (
                 json_array_get_object_element (ex, 0), "line"), 16);
  JsonArray *conflicts = json_object_get_array_member (o, "conflicts");
  ASSERT_EQ (json_array_get_length (conflicts), 1u);
  JsonObject *cf = json_array_get_object_element (conflicts, 0);
  EXPECT_STREQ (json_object_get_string_member (cf, "key"), "cart");
  EXPECT_STREQ (json_object_get_string_member (cf, "rule"), "lww-timestamp");
  EXPECT_STREQ (json_object_get_string_member (cf, "outcome"), "winner");
  EXPECT_STREQ (json_object_get_string_member (cf, "value"), "eggs");
  EXPECT_EQ (json_array_get_length (
                 json_object_get_array_member (cf, "versions")), 2u);
  JsonArray *disc = json_object_get_array_member (cf, "discarded");
  ASSERT_EQ (json_array_get_length (disc), 1u);
  EXPECT_STREQ (json_object_get_string_member (
                    json_array_get_object_element (disc, 0), "value"),
                "milk,flour");
  JsonObject *m = json_object_get_object_member (o, "metrics");
  EXPECT_GT (json_object_get_int_member (m, "messages"), 0);
  EXPECT_GT (json_object_get_int_member (m, "bytes"), 0);
  g_object_unref (p);
}

TEST (MmrCli, SameSeedSameTraceAndASeedOptionChangesTheRun)
{
  std::string t1 = std::string (g_get_tmp_dir ()) + "/mmr-cli-t1.jsonl";
  std::string t2 = std::string (g_get_tmp_dir ()) + "/mmr-cli-t2.jsonl";
  std::string t3 = std::string (g_get_tmp_dir ()) + "/mmr-cli-t3.jsonl";
  gchar *a = nullptr, *b = nullptr, *c = nullptr;

  ASSERT_EQ (mmr ({ "run", "docs/examples/lossy-network.mmr", "--trace", t1 }).status, 0);
  ASSERT_EQ (mmr ({ "run", "docs/examples/lossy-network.mmr", "--trace", t2 }).status, 0);
  mmr ({ "run", "docs/examples/lossy-network.mmr", "--seed", "99", "--trace", t3 });
  ASSERT_TRUE (g_file_get_contents (t1.c_str (), &a, nullptr, nullptr));
  ASSERT_TRUE (g_file_get_contents (t2.c_str (), &b, nullptr, nullptr));
  ASSERT_TRUE (g_file_get_contents (t3.c_str (), &c, nullptr, nullptr));
  EXPECT_STREQ (a, b);
  EXPECT_STRNE (a, c);
  // Every line is a JSON object with seq, t and kind.
  gchar **lines = g_strsplit (a, "\n", -1);
  guint n = 0;
  for (gchar **l = lines; *l && **l; l++, n++)
    {
      JsonParser *p = json_parser_new ();
      ASSERT_TRUE (json_parser_load_from_data (p, *l, -1, nullptr)) << *l;
      JsonObject *o = json_node_get_object (json_parser_get_root (p));
      EXPECT_EQ (json_object_get_int_member (o, "seq"), (gint64) n);
      EXPECT_TRUE (json_object_has_member (o, "kind"));
      g_object_unref (p);
    }
  EXPECT_GT (n, 50u);
  g_strfreev (lines);
  g_free (a);
  g_free (b);
  g_free (c);
  g_unlink (t1.c_str ());
  g_unlink (t2.c_str ());
  g_unlink (t3.c_str ());
}

TEST (MmrCli, AFailingExpectationExitsOneAndSaysWhatWasFound)
{
  std::string f = write_temp ("fail.mmr",
                              "replicas A B\nA put x 1\nsettle\n"
                              "expect B x = 2\n");
  Result r = mmr ({ "run", f });

  EXPECT_EQ (r.status, 1);
  EXPECT_NE (r.out.find ("FAIL line 4   expect B x = 2   -- found: B x is 1"),
             std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("0 of 1 expectations hold"), std::string::npos);
}

TEST (MmrCli, ATypoIsReportedWithFileLineAndColumnAndExitsTwo)
{
  std::string f = write_temp ("typo.mmr",
                              "replicas A B C\nseed 1\nA put cart milk\nsetle\n");
  std::string trace = std::string (g_get_tmp_dir ()) + "/mmr-cli-typo.jsonl";
  g_unlink (trace.c_str ());
  Result r = mmr ({ "run", f, "--trace", trace });

  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, f + ":4:1: unknown command 'setle'; did you mean 'settle'?\n");
  EXPECT_EQ (r.out, "");
  EXPECT_FALSE (g_file_test (trace.c_str (), G_FILE_TEST_EXISTS))
      << "nothing may be written for bad input";
}

TEST (MmrCli, BadOptionsAndMissingFilesExitTwo)
{
  Result r = mmr ({ "run", "--bogus", "x.mmr" });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "mmr run: Unknown option --bogus\nTry 'mmr run --help'.\n");

  r = mmr ({ "run", "docs/examples/demo.mmr", "--seed", "abc" });
  EXPECT_EQ (r.status, 2);
  EXPECT_NE (r.err.find ("--seed expects a non-negative integer, got 'abc'"),
             std::string::npos);

  r = mmr ({ "run", "no-such-file.mmr" });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err.rfind ("no-such-file.mmr: cannot read: ", 0), 0u) << r.err;

  r = mmr ({ "frobnicate" });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err.rfind ("mmr: unknown command 'frobnicate'", 0), 0u);
}

TEST (MmrCli, HelpExplainsTheCommands)
{
  Result r = mmr ({ "--help" });
  EXPECT_EQ (r.status, 0);
  EXPECT_NE (r.out.find ("run FILE"), std::string::npos);
  r = mmr ({ "run", "--help" });
  EXPECT_EQ (r.status, 0);
  EXPECT_NE (r.out.find ("--trace=OUT.jsonl"), std::string::npos);
  EXPECT_NE (r.out.find ("Exit status: 0 every expectation holds"),
             std::string::npos);
}

TEST (MmrCli, CausalHistoryModeShowsEachKeysExplicitHistory)
{
  std::string f = write_temp ("history.mmr",
                              "replicas A B\ncausality history\nA put k 1\n"
                              "B put k 2\nsettle\nA put k 3\nsettle\n");
  Result r = mmr ({ "run", f, "--json" });
  ASSERT_EQ (r.status, 0) << r.err;
  EXPECT_NE (r.out.find ("\"history\" : [\n          \"A:1\",\n          \"A:2\",\n"
                         "          \"B:1\"\n        ]"), std::string::npos) << r.out;
}

// The benchmark itself must run (a benchmark is not a timed test: the
// rates are not checked, only that every line is there and the counts are
// exact). Small, so that it also runs under the sanitizers.
TEST (MmrCli, BenchRunsRoundsAndPrintsEveryTarget)
{
  Result r = mmr ({ "bench", "--keys", "2000", "--rounds", "2", "--no-crdt",
                    "--no-storage", "--no-explore" });

  ASSERT_EQ (r.status, 0) << r.out << r.err;
  EXPECT_NE (r.out.find ("engine: 2000 writes on 5 replicas (full mesh, lww), "
                         "best of 2 rounds"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("raw GHashTable inserts"), std::string::npos);
  EXPECT_NE (r.out.find ("8000 applies   target >= 1000000/s: "),
             std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("(slowest round"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("target >= 0.2: "), std::string::npos);
  EXPECT_NE (r.out.find ("memory per key per replica"), std::string::npos);

  EXPECT_EQ (r.out.find ("explore"), std::string::npos) << r.out;

  Result bad = mmr ({ "bench", "--rounds", "0" });
  EXPECT_EQ (bad.status, 2);
  EXPECT_NE (bad.err.find ("--rounds must be 1 to 100"), std::string::npos)
      << bad.err;

  Result only = mmr ({ "bench", "--only", "disk" });
  EXPECT_EQ (only.status, 2);
  EXPECT_EQ (only.err, "mmr bench: --only must be one of engine, durable,"
                       " crdt, storage, explore\nTry 'mmr bench --help'.\n");
  EXPECT_EQ (only.out, "");
  Result help = mmr ({ "bench", "--help" });
  EXPECT_NE (help.out.find ("--only=SECTION"), std::string::npos) << help.out;
}

// mmr explore's benchmark: the search is exact (27,509 distinct states of
// 3 replicas x 3 keys written at once, 105,947 reached), only the rates
// depend on the machine.
TEST (MmrCli, BenchExplorePrintsItsTargetAndExactCounts)
{
  Result r = mmr ({ "bench", "--keys", "1000", "--rounds", "1", "--no-crdt",
                    "--no-storage" });

  ASSERT_EQ (r.status, 0) << r.out << r.err;
  EXPECT_NE (r.out.find ("explore: 3 replicas x 3 concurrent writes, "
                         "anti-entropy off, every delivery order (CPU time, "
                         "best of 1)"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("(reference: mmr run of the same scenario, 18 "
                         "steps)"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find (" 27509 distinct   target >= 100000/s: "),
             std::string::npos) << r.out;
  EXPECT_NE (r.out.find (" 105947 with repeats"), std::string::npos) << r.out;
  EXPECT_NE (r.out.find ("ratio to plain run steps"), std::string::npos);
}
