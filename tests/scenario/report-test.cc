// report-test.cc - the run report says exactly what happened: convergence
// after heal only when the replicas converged, and when; --json always a
// valid document.
#include <gtest/gtest.h>

#include <string>
#include <algorithm>
#include <cstring>
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

// ---- --json is always valid JSON ----

// A strict RFC 8259 checker: json-glib's parser accepts raw control
// characters inside strings, so it alone cannot catch the documents this
// test exists for. Returns "" or what is wrong and where.
struct StrictJson
{
  const unsigned char *p, *end;
  std::string error;

  bool fail (const char *what)
  {
    if (error.empty ())
      error = what;
    return false;
  }
  void ws ()
  {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
      p++;
  }
  bool lit (const char *s)
  {
    size_t n = strlen (s);
    if ((size_t) (end - p) < n || memcmp (p, s, n) != 0)
      return fail ("bad literal");
    p += n;
    return true;
  }
  bool string ()
  {
    if (p >= end || *p != '"')
      return fail ("expected a string");
    for (p++; p < end; p++)
      {
        if (*p == '"')
          {
            p++;
            return true;
          }
        if (*p < 0x20)
          return fail ("raw control character in a string");
        if (*p == '\\')
          {
            p++;
            if (p >= end)
              return fail ("unfinished escape");
            if (*p == 'u')
              {
                for (int i = 1; i <= 4; i++)
                  if (p + i >= end || !g_ascii_isxdigit (p[i]))
                    return fail ("bad \\u escape");
                p += 4;
              }
            else if (!strchr ("\"\\/bfnrt", *p))
              return fail ("bad escape");
          }
      }
    return fail ("unterminated string");
  }
  bool number ()
  {
    const unsigned char *s = p;
    if (p < end && *p == '-')
      p++;
    if (p < end && *p == '0')
      p++;
    else if (p < end && *p >= '1' && *p <= '9')
      while (p < end && g_ascii_isdigit (*p))
        p++;
    else
      return fail ("bad number");
    if (p < end && *p == '.')
      {
        p++;
        if (p >= end || !g_ascii_isdigit (*p))
          return fail ("bad fraction");
        while (p < end && g_ascii_isdigit (*p))
          p++;
      }
    if (p < end && (*p == 'e' || *p == 'E'))
      {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
          p++;
        if (p >= end || !g_ascii_isdigit (*p))
          return fail ("bad exponent");
        while (p < end && g_ascii_isdigit (*p))
          p++;
      }
    return p > s;
  }
  bool value ()
  {
    ws ();
    if (p >= end)
      return fail ("expected a value");
    switch (*p)
      {
      case '{':
        p++;
        ws ();
        if (p < end && *p == '}')
          return ++p, true;
        for (;;)
          {
            ws ();
            if (!string ())
              return false;
            ws ();
            if (p >= end || *p != ':')
              return fail ("expected ':'");
            p++;
            if (!value ())
              return false;
            ws ();
            if (p < end && *p == ',')
              {
                p++;
                continue;
              }
            if (p < end && *p == '}')
              return ++p, true;
            return fail ("expected ',' or '}'");
          }
      case '[':
        p++;
        ws ();
        if (p < end && *p == ']')
          return ++p, true;
        for (;;)
          {
            if (!value ())
              return false;
            ws ();
            if (p < end && *p == ',')
              {
                p++;
                continue;
              }
            if (p < end && *p == ']')
              return ++p, true;
            return fail ("expected ',' or ']'");
          }
      case '"':
        return string ();
      case 't':
        return lit ("true");
      case 'f':
        return lit ("false");
      case 'n':
        return lit ("null");
      default:
        return number ();
      }
  }
};

static std::string
json_problem (const std::string &doc)
{
  StrictJson j;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GError *error = nullptr;

  if (!g_utf8_validate (doc.c_str (), (gssize) doc.size (), nullptr))
    return "not UTF-8";
  if (!json_parser_load_from_data (parser, doc.c_str (), -1, &error))
    {
      std::string m = std::string ("json-glib: ") + error->message;
      g_error_free (error);
      return m;
    }
  j.p = (const unsigned char *) doc.data ();
  j.end = j.p + doc.size ();
  if (!j.value ())
    return "strict: " + j.error + " (offset "
           + std::to_string ((const char *) j.p - doc.data ()) + ")";
  j.ws ();
  if (j.p != j.end)
    return "strict: trailing bytes";
  return "";
}

TEST (MmrReportJson, TheStrictCheckerRefusesWhatJsonGlibLetsThrough)
{
  EXPECT_EQ (json_problem ("{\"v\":\"a\\u001fb\",\"n\":[1,-2.5e3,null]}"), "");
  EXPECT_NE (json_problem ("{\"v\":\"a\x1f" "b\"}"), "");
  EXPECT_NE (json_problem ("{\"v\":\"a\tb\"}"), "");
  EXPECT_NE (json_problem ("{\"v\":1,}"), "");
}

TEST (MmrReportJson, EveryExampleAndLabScenarioGivesValidJsonAtSeveralSeeds)
{
  for (const auto &f : scenario_files ())
    for (guint64 seed : { 1, 2, 3, 42 })
      {
        GError *error = nullptr;
        MmrScript *s = mmr_script_load (f.c_str (), &error);

        ASSERT_NE (s, nullptr) << f << ": " << error->message;
        MmrRunner *r = mmr_runner_new (s, TRUE, seed);
        mmr_runner_run (r);
        for (int pretty : { 0, 1 })
          {
            g_autofree char *doc = mmr_report_json_string (r, pretty);

            EXPECT_EQ (json_problem (doc), "") << f << " seed " << seed;
          }
        mmr_runner_free (r);
        mmr_script_free (s);
      }
}

// json-glib 1.6 writes U+001F raw; the report's writer must not.
TEST (MmrReportJson, EveryControlCharacterIsEscaped)
{
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  std::string all;

  for (int c = 1; c < 0x20; c++)
    all += (char) c;
  all += "\"\\é\x7f";
  json_object_set_string_member (o, "v", all.c_str ());
  json_node_take_object (root, o);
  g_autofree char *doc = mmr_report_json_to_data (root, FALSE);
  json_node_unref (root);
  EXPECT_EQ (json_problem (doc), "");
  EXPECT_NE (strstr (doc, "\\u001f"), nullptr) << doc;
}

// Record granularity under a merge strategy: a conflict's value is the
// record a reader sees, each field merged, never the merge function run
// over encoded records (which put a raw U+001F in the JSON).
TEST (MmrReportJson, MergedRecordConflictIsTheRecordAReaderSees)
{
  ScenarioRun r ("replicas A B\n"
                 "strategy merge sorted-concat\n"
                 "granularity record\n"
                 "A put user.name Ann\n"
                 "settle\n"
                 "partition A | B\n"
                 "A put user.email a@x\n"
                 "B put user.name Bob\n"
                 "heal\n"
                 "settle\n"
                 "expect A user.name = \"Ann|Bob\"\n"
                 "expect A user.email = a@x\n");
  mmr_runner_run (r.runner);
  EXPECT_EQ (mmr_runner_n_failed (r.runner), 0u) << r.text ();
  std::string doc = r.json ();
  EXPECT_EQ (json_problem (doc), "");
  g_autoptr (JsonParser) p = json_parser_new ();
  ASSERT_TRUE (json_parser_load_from_data (p, doc.c_str (), -1, nullptr));
  JsonArray *conflicts = json_object_get_array_member (
      json_node_get_object (json_parser_get_root (p)), "conflicts");
  ASSERT_EQ (json_array_get_length (conflicts), 1u);
  JsonObject *c = json_array_get_object_element (conflicts, 0);
  EXPECT_STREQ (json_object_get_string_member (c, "outcome"), "merged");
  EXPECT_STREQ (json_object_get_string_member (c, "value"),
                "{email: a@x, name: Ann|Bob}");
  EXPECT_NE (r.text ().find ("all kept, read as {email: a@x, name: Ann|Bob}"),
             std::string::npos)
      << r.text ();
}

// Values a scenario cannot spell (the parser refuses control characters)
// but the engine's API accepts: fuzzed, written at random replicas under
// every strategy, and the report must stay valid JSON. MMR_TEST_SEED=N
// replays one seed.
TEST (MmrReportJson, FuzzedValuesGiveValidJson)
{
  static const char *const pieces[] = {
    "\"", "\\", "\\\"", "\x01", "\x1f", "\x1e", "\n", "\t", "\r", "\x7f",
    "é", "日本", "😀", "\u2028", "a", "{", "}", ",", "|", " ", "null",
  };
  static const char *const headers[] = {
    "replicas A B C\nstrategy siblings\n",
    "replicas A B C\nstrategy lww\n",
    "replicas A B C\nstrategy merge sorted-concat\n",
    "replicas A B C\nstrategy merge set-union\n",
  };
  const char *env = g_getenv ("MMR_TEST_SEED");
  guint64 first = env ? g_ascii_strtoull (env, nullptr, 10) : 1;
  guint64 last = env ? first : 200;

  for (guint64 seed = first; seed <= last; seed++)
    {
      GRand *rand = g_rand_new_with_seed ((guint32) seed);
      std::string head = headers[seed % 4];
      // Record granularity encodes fields with U+001E and U+001F, which
      // values may not hold; field granularity takes anything.
      bool record = seed % 3 == 0;
      if (record)
        head += "granularity record\n";
      head += "partition A | B C\n";
      ScenarioRun r (head.c_str ());
      MmrWorld *w = mmr_runner_get_world (r.runner);

      mmr_runner_run (r.runner);
      for (int i = 0; i < 12; i++)
        {
          std::string v;
          int n = g_rand_int_range (rand, 0, 6);

          for (int k = 0; k < n; k++)
            {
              const char *piece = pieces[g_rand_int_range (
                  rand, 0, G_N_ELEMENTS (pieces))];
              if (record && (strchr (piece, '\x1e') || strchr (piece, '\x1f')))
                continue;
              v += piece;
            }
          const char *field = record && g_rand_boolean (rand) ? "f" : nullptr;
          mmr_world_put (w, (guint) g_rand_int_range (rand, 0, 3),
                         g_rand_boolean (rand) ? "k" : "q\"k", field,
                         v.c_str ());
          mmr_world_run_until (w, mmr_world_now (w) + 3000);
        }
      mmr_world_heal_all (w);
      mmr_world_settle (w, 10 * G_USEC_PER_SEC);
      for (int pretty : { 0, 1 })
        {
          g_autofree char *doc = mmr_report_json_string (r.runner, pretty);

          ASSERT_EQ (json_problem (doc), "")
              << "seed " << seed << " (MMR_TEST_SEED=" << seed << ")\n"
              << doc;
        }
      g_rand_free (rand);
    }
}

// "siblings" in --json and "expect siblings" count the same thing: the
// live versions; tombstones kept beside them are counted apart.
TEST (MmrReportJson, SiblingsCountTheLiveVersionsLikeExpectSiblings)
{
  ScenarioRun r ("replicas A B C\n"
                 "strategy siblings\n"
                 "granularity field\n"
                 "partition A | B | C\n"
                 "A put k a\n"
                 "B put k b\n"
                 "C del k\n"
                 "A put j a\n"
                 "B del j\n"
                 "heal\n"
                 "settle\n"
                 "expect siblings A k 2\n"
                 "expect siblings A j 1\n");
  mmr_runner_run (r.runner);
  EXPECT_EQ (mmr_runner_n_failed (r.runner), 0u) << r.text ();
  g_autoptr (JsonParser) p = json_parser_new ();
  ASSERT_TRUE (json_parser_load_from_data (p, r.json ().c_str (), -1, nullptr));
  JsonObject *a = json_object_get_object_member (
      json_object_get_object_member (
          json_node_get_object (json_parser_get_root (p)), "replicas"),
      "A");
  JsonObject *k = json_object_get_object_member (a, "k");
  JsonObject *j = json_object_get_object_member (a, "j");
  EXPECT_EQ (json_object_get_int_member (k, "siblings"), 2);
  EXPECT_EQ (json_object_get_int_member (k, "tombstones"), 1);
  EXPECT_FALSE (json_object_has_member (j, "siblings"));
  EXPECT_EQ (json_object_get_int_member (j, "tombstones"), 1);
}

// "Conflict" means concurrent versions. B's write saw A's (50ms later,
// latency 10ms) but B's clock runs two seconds slow, so LWW keeps A's:
// a rejected newer write and a lost write, and no conflict anywhere -
// not in the text, not in --json, not for `expect conflicts`.
TEST (MmrReportRejectedNewer, CountedApartFromConflicts)
{
  ScenarioRun r ("replicas A B\n"
                 "strategy lww\n"
                 "clock physical\n"
                 "skew B -2s\n"
                 "A put doc v1\n"
                 "run 50ms\n"
                 "B put doc v2\n"
                 "settle\n"
                 "expect A doc = v1\n"
                 "expect conflicts 0\n"
                 "expect lost 1\n");
  mmr_runner_run (r.runner);
  EXPECT_EQ (mmr_runner_n_failed (r.runner), 0u) << r.text ();
  const MmrMetrics *m = mmr_world_get_metrics (mmr_runner_get_world (r.runner));
  EXPECT_EQ (m->conflicts, 0u);
  EXPECT_EQ (m->rejected_newer, 1u);

  std::string text = r.text ();
  EXPECT_NE (text.find ("\nconflicts: 0\nrejected newer writes: 1\n"
                        "  doc at B, 50ms: "),
             std::string::npos) << text;
  EXPECT_NE (text.find (": lww kept the larger timestamp over a write that "
                        "had seen it: A:1 v1 wins; discarded B:1 v2\n"
                        "lost writes: 1\n"),
             std::string::npos) << text;
  EXPECT_NE (text.find (" 0 conflicts\n  1 rejected newer write (not "
                        "counted as conflicts)\n"),
             std::string::npos) << text;

  std::string doc = r.json ();
  EXPECT_EQ (json_problem (doc), "");
  g_autoptr (JsonParser) p = json_parser_new ();
  ASSERT_TRUE (json_parser_load_from_data (p, doc.c_str (), -1, nullptr));
  JsonObject *root = json_node_get_object (json_parser_get_root (p));
  JsonObject *metrics = json_object_get_object_member (root, "metrics");
  EXPECT_EQ (json_object_get_int_member (metrics, "conflicts"), 0);
  EXPECT_EQ (json_object_get_int_member (metrics, "rejected_newer"), 1);
  EXPECT_EQ (json_array_get_length (
                 json_object_get_array_member (root, "conflicts")), 0u);
  JsonArray *rejected = json_object_get_array_member (root, "rejected_newer");
  ASSERT_EQ (json_array_get_length (rejected), 1u);
  JsonObject *c = json_array_get_object_element (rejected, 0);
  EXPECT_STREQ (json_object_get_string_member (c, "rule"),
                "lww-rejected-newer");
  EXPECT_STREQ (json_object_get_string_member (c, "value"), "v1");
}

// Concurrent writes under the same clocks stay one conflict, and nothing
// is counted as rejected.
TEST (MmrReportRejectedNewer, ConcurrentWritesStayAConflict)
{
  ScenarioRun r ("replicas A B\n"
                 "strategy lww\n"
                 "clock physical\n"
                 "skew B -2s\n"
                 "A put doc v1\n"
                 "B put doc v2\n"
                 "settle\n"
                 "expect conflicts 1\n"
                 "expect lost 1\n");
  mmr_runner_run (r.runner);
  EXPECT_EQ (mmr_runner_n_failed (r.runner), 0u) << r.text ();
  const MmrMetrics *m = mmr_world_get_metrics (mmr_runner_get_world (r.runner));
  EXPECT_EQ (m->conflicts, 1u);
  EXPECT_EQ (m->rejected_newer, 0u);
  EXPECT_EQ (r.text ().find ("rejected newer"), std::string::npos) << r.text ();
}
