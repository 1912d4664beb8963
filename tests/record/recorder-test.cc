// recorder-test.cc - the run recorder and replay: every instant of every
// example scenario replays exactly as the live views showed it, events come
// back field for field, the ShiViz export obeys ShiViz's rules line by
// line, and bad run databases are refused untouched.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

extern "C" {
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include "scenario/runner.h"
#include "scenario/script.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "record/run-db.h"
#include "sim/trace.h"
#include "sim/view.h"
}

namespace {

const char *const examples[] = {
  "demo", "siblings", "clock-skew", "delete-update", "lossy-network",
  "counters", "sets", "shopping-cart", "sibling-explosion",
  "sibling-explosion-dvv",
};

std::string
example_path (const char *name)
{
  return std::string (MMR_SOURCE_ROOT) + "/docs/examples/" + name + ".mmr";
}

std::string
entry_to_string (const MmrViewEntry *e)
{
  std::string s = std::string (e->name) + " [" + e->register_name + "] =";
  for (guint i = 0; i < e->values->len; i++)
    s += std::string (" ") + (const char *) e->values->pdata[i];
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (e->vv.c[i] != 0)
      s += " " + std::to_string (i) + ":" + std::to_string (e->vv.c[i]);
  s += " sib=" + std::to_string (e->n_siblings)
       + " live=" + std::to_string (e->n_live)
       + " absent=" + std::to_string (e->is_absent)
       + " tomb=" + std::to_string (e->has_tombstone)
       + " crdt=" + (e->crdt_type != nullptr ? e->crdt_type : "-");
  return s;
}

// Every replica's view, entry by entry, as one comparable text.
std::string
views_to_string (const std::vector<GPtrArray *> &views)
{
  std::string s;
  for (size_t r = 0; r < views.size (); r++)
    {
      s += "replica " + std::to_string (r) + "\n";
      for (guint i = 0; i < views[r]->len; i++)
        s += "  " + entry_to_string ((MmrViewEntry *) views[r]->pdata[i])
             + "\n";
    }
  return s;
}

std::string
live_state (MmrWorld *w, gboolean with_absent)
{
  std::vector<GPtrArray *> views;
  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    views.push_back (mmr_view_dup (w, r, with_absent));
  std::string s = views_to_string (views);
  for (GPtrArray *v : views)
    g_ptr_array_unref (v);
  return s;
}

std::string
replayed_state (MmrReplay *rp, gint64 t, gboolean with_absent)
{
  GError *error = nullptr;
  GPtrArray *state = mmr_replay_dup_state (rp, t, with_absent, &error);
  EXPECT_NE (state, nullptr) << (error ? error->message : "");
  if (state == nullptr)
    return "<error>";
  std::vector<GPtrArray *> views;
  for (guint r = 0; r < state->len; r++)
    views.push_back ((GPtrArray *) state->pdata[r]);
  std::string s = views_to_string (views);
  g_ptr_array_unref (state);
  return s;
}

struct Live
{
  std::vector<gint64> times;            // now after each step
  std::vector<std::string> with_absent; // the views then
  std::vector<std::string> present;
  std::vector<std::string> trace;       // every event as a trace line
  std::vector<gint64> event_times;
};

void
trace_cb (const MmrEvent *ev, gpointer data)
{
  auto *pair = (std::pair<Live *, MmrWorld *> *) data;
  char *line = mmr_event_to_json (ev, mmr_world_replica_names (pair->second));
  pair->first->trace.push_back (line);
  pair->first->event_times.push_back (ev->time_us);
  g_free (line);
}

// Runs @file while recording it to @db, remembering the live views after
// every step of the runner.
Live
record_live (const std::string &file, const std::string &db,
             guint snapshot_changes)
{
  Live live;
  GError *error = nullptr;
  MmrScript *script = mmr_script_load (file.c_str (), &error);
  EXPECT_NE (script, nullptr) << (error ? error->message : "");
  MmrRunner *runner = mmr_runner_new (script, FALSE, 0);
  MmrWorld *w = mmr_runner_get_world (runner);
  MmrRecorderInfo info = { script->filename, script->source,
                           mmr_runner_get_seed (runner), snapshot_changes };
  MmrRecorder *rec = mmr_recorder_new (w, db.c_str (), &info, &error);
  EXPECT_NE (rec, nullptr) << (error ? error->message : "");
  std::pair<Live *, MmrWorld *> pair (&live, w);
  guint obs = mmr_world_add_observer (w, trace_cb, &pair);

  while (mmr_runner_step (runner))
    {
      gint64 now = mmr_world_now (w);
      if (!live.times.empty () && live.times.back () == now)
        {
          live.with_absent.back () = live_state (w, TRUE);
          live.present.back () = live_state (w, FALSE);
          continue;
        }
      live.times.push_back (now);
      live.with_absent.push_back (live_state (w, TRUE));
      live.present.push_back (live_state (w, FALSE));
    }
  mmr_world_remove_observer (w, obs);
  EXPECT_TRUE (mmr_recorder_finish (rec, &error))
      << (error ? error->message : "");
  EXPECT_FALSE (g_file_test ((db + ".part").c_str (), G_FILE_TEST_EXISTS));
  mmr_recorder_free (rec);
  mmr_runner_free (runner);
  mmr_script_free (script);
  return live;
}

class RecorderTest : public ::testing::Test
{
protected:
  std::string dir;

  void SetUp () override
  {
    char *d = g_dir_make_tmp ("mmr-recorder-XXXXXX", nullptr);
    dir = d;
    g_free (d);
  }

  void TearDown () override
  {
    std::string cmd = "rm -rf '" + dir + "'";
    ASSERT_EQ (system (cmd.c_str ()), 0);
  }

  std::string path (const char *name) { return dir + "/" + name; }
};

std::string
read_all (const std::string &path)
{
  gchar *data = nullptr;
  gsize len = 0;
  if (!g_file_get_contents (path.c_str (), &data, &len, nullptr))
    return "<missing>";
  std::string s (data, len);
  g_free (data);
  return s;
}

} // namespace

// The heart of it: at every instant where the live run stopped (and just
// before each), replay shows exactly what the live views showed. Small
// snapshot intervals make most answers a snapshot plus a tail.
TEST_F (RecorderTest, EveryInstantOfEveryExampleReplaysAsTheLiveViews)
{
  for (guint snapshot_changes : { 1u, 3u, 4096u })
    for (const char *name : examples)
      {
        SCOPED_TRACE (std::string (name) + ", snapshot every "
                      + std::to_string (snapshot_changes));
        std::string db = path ((std::string (name) + ".db").c_str ());
        Live live = record_live (example_path (name), db, snapshot_changes);
        GError *error = nullptr;
        MmrReplay *rp = mmr_replay_open (db.c_str (), &error);
        ASSERT_NE (rp, nullptr) << error->message;

        ASSERT_FALSE (live.times.empty ());
        EXPECT_EQ (mmr_replay_get_end_us (rp), live.times.back ());
        EXPECT_EQ (mmr_replay_n_events (rp), live.trace.size ());
        for (size_t i = 0; i < live.times.size (); i++)
          {
            gint64 t = live.times[i];
            SCOPED_TRACE ("t = " + std::to_string (t));
            EXPECT_EQ (replayed_state (rp, t, TRUE), live.with_absent[i]);
            EXPECT_EQ (replayed_state (rp, t, FALSE), live.present[i]);
            // Just before the next instant nothing has changed yet.
            if (i + 1 < live.times.size () && live.times[i + 1] > t + 1)
              {
                EXPECT_EQ (replayed_state (rp, live.times[i + 1] - 1, TRUE),
                           live.with_absent[i]);
              }
          }
        EXPECT_EQ (replayed_state (rp, G_MAXINT64, FALSE),
                   live.present.back ());
        mmr_replay_free (rp);
        g_unlink (db.c_str ());
      }
}

TEST_F (RecorderTest, BeforeTheFirstChangeEveryReplicaIsEmpty)
{
  std::string db = path ("demo.db");
  record_live (example_path ("demo"), db, 0);
  MmrReplay *rp = mmr_replay_open (db.c_str (), nullptr);
  ASSERT_NE (rp, nullptr);
  EXPECT_EQ (replayed_state (rp, -1, TRUE),
             "replica 0\nreplica 1\nreplica 2\n");
  EXPECT_EQ (mmr_replay_n_replicas (rp), 3u);
  EXPECT_STREQ (mmr_replay_replica_names (rp)[2], "C");
  EXPECT_EQ (mmr_replay_replica_names (rp)[3], nullptr);
  EXPECT_EQ (mmr_replay_get_seed (rp), 42u);
  EXPECT_EQ (std::string (mmr_replay_get_source (rp)),
             read_all (example_path ("demo")));
  mmr_replay_free (rp);
}

struct Collected
{
  std::vector<std::string> lines;
  const char *const *names;
};

void
collect_cb (const MmrEvent *ev, gpointer data)
{
  auto *c = (Collected *) data;
  char *line = mmr_event_to_json (ev, c->names);
  c->lines.push_back (line);
  g_free (line);
}

TEST_F (RecorderTest, EventsComeBackFieldForFieldAndWindowsFilterByTime)
{
  for (const char *name : examples)
    {
      SCOPED_TRACE (name);
      std::string db = path ("e.db");
      Live live = record_live (example_path (name), db, 0);
      MmrReplay *rp = mmr_replay_open (db.c_str (), nullptr);
      ASSERT_NE (rp, nullptr);
      Collected all = { {}, mmr_replay_replica_names (rp) };
      ASSERT_TRUE (mmr_replay_foreach_event (rp, G_MININT64, G_MAXINT64,
                                             collect_cb, &all, nullptr));
      EXPECT_EQ (all.lines, live.trace);

      gint64 end = live.times.back ();
      const gint64 windows[][2] = { { 0, 0 }, { 1, end / 3 },
                                    { end / 3, end / 2 }, { end, end },
                                    { end + 1, G_MAXINT64 } };
      for (auto &win : windows)
        {
          Collected some = { {}, mmr_replay_replica_names (rp) };
          std::vector<std::string> expected;
          for (size_t i = 0; i < live.trace.size (); i++)
            if (live.event_times[i] >= win[0] && live.event_times[i] <= win[1])
              expected.push_back (live.trace[i]);
          ASSERT_TRUE (mmr_replay_foreach_event (rp, win[0], win[1],
                                                 collect_cb, &some, nullptr));
          EXPECT_EQ (some.lines, expected)
              << "window " << win[0] << ".." << win[1];
        }
      mmr_replay_free (rp);
      g_unlink (db.c_str ());
    }
}

TEST_F (RecorderTest, JsonlExportEqualsTheLiveTrace)
{
  std::string db = path ("demo.db"), out = path ("demo.jsonl");
  Live live = record_live (example_path ("demo"), db, 0);
  MmrReplay *rp = mmr_replay_open (db.c_str (), nullptr);
  GError *error = nullptr;
  ASSERT_TRUE (mmr_replay_export_jsonl (rp, out.c_str (), &error));
  std::string expected;
  for (auto &l : live.trace)
    expected += l + "\n";
  EXPECT_EQ (read_all (out), expected);
  EXPECT_FALSE (g_file_test ((out + ".part").c_str (), G_FILE_TEST_EXISTS));
  mmr_replay_free (rp);
}

// docs/../FORMATS.md: regex line, empty delimiter line, then two lines per
// event; each host's own entry 1, 2, ..., n; other entries name hosts with
// events and stay within their counts; a delivery's clock covers its send's.
TEST_F (RecorderTest, ShivizExportFollowsShivizRulesLineByLine)
{
  for (const char *name : examples)
    {
      SCOPED_TRACE (name);
      std::string db = path ("s.db"), out = path ("s.log");
      Live live = record_live (example_path (name), db, 0);
      MmrReplay *rp = mmr_replay_open (db.c_str (), nullptr);
      ASSERT_TRUE (mmr_replay_export_shiviz (rp, out.c_str (), nullptr));
      mmr_replay_free (rp);

      gchar **lines = g_strsplit (read_all (out).c_str (), "\n", -1);
      guint n_lines = g_strv_length (lines);
      ASSERT_GE (n_lines, 3u);
      EXPECT_STREQ (lines[0], "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})");
      EXPECT_STREQ (lines[1], "");
      EXPECT_STREQ (lines[n_lines - 1], "");   // the file ends with \n
      ASSERT_EQ ((n_lines - 3) % 2, 0u);

      GRegex *host_re = g_regex_new ("^(\\S*) (\\{.*\\})$", (GRegexCompileFlags) 0,
                                     (GRegexMatchFlags) 0, nullptr);
      std::map<std::string, gint64> count;
      std::vector<std::map<std::string, gint64>> clocks;
      std::vector<std::string> hosts;
      for (guint i = 2; i + 1 < n_lines; i += 2)
        {
          GMatchInfo *m = nullptr;
          ASSERT_NE (lines[i][0], '\0') << "line " << i + 1;
          EXPECT_EQ (strchr (lines[i], '\r'), nullptr);
          ASSERT_TRUE (g_regex_match (host_re, lines[i + 1],
                                      (GRegexMatchFlags) 0, &m))
              << "line " << i + 2 << ": " << lines[i + 1];
          gchar *host = g_match_info_fetch (m, 1);
          gchar *clock = g_match_info_fetch (m, 2);
          JsonParser *p = json_parser_new ();
          ASSERT_TRUE (json_parser_load_from_data (p, clock, -1, nullptr))
              << clock;
          JsonObject *o = json_node_get_object (json_parser_get_root (p));
          std::map<std::string, gint64> c;
          GList *members = json_object_get_members (o);
          for (GList *l = members; l; l = l->next)
            c[(const char *) l->data]
                = json_object_get_int_member (o, (const char *) l->data);
          g_list_free (members);
          ASSERT_TRUE (c.count (host)) << "own host missing, line " << i + 2;
          EXPECT_EQ (c[host], ++count[host]) << "line " << i + 2;
          for (auto &kv : c)
            EXPECT_GE (kv.second, 1) << "line " << i + 2;
          clocks.push_back (c);
          hosts.push_back (host);
          g_object_unref (p);
          g_free (host);
          g_free (clock);
          g_match_info_free (m);
        }
      for (auto &c : clocks)
        for (auto &kv : c)
          {
            ASSERT_TRUE (count.count (kv.first)) << kv.first << " has no events";
            EXPECT_LE (kv.second, count[kv.first]);
          }
      // As many logged events as events with a replica.
      size_t with_replica = 0;
      for (auto &l : live.trace)
        with_replica += l.find ("\"replica\":") != std::string::npos;
      EXPECT_EQ (clocks.size (), with_replica);
      g_regex_unref (host_re);
      g_strfreev (lines);
      g_unlink (db.c_str ());
    }
}

struct SendClocks
{
  std::map<guint64, MmrVersionVector> sent;
  int checked = 0;
  int bad = 0;
};

void
send_clock_cb (const MmrEvent *ev, gpointer data)
{
  auto *s = (SendClocks *) data;
  if (ev->kind == MMR_EV_SEND)
    s->sent[ev->msg_id] = ev->clock;
  else if (ev->kind == MMR_EV_DELIVER && s->sent.count (ev->msg_id))
    {
      s->checked++;
      s->bad += !mmr_version_vector_leq (&s->sent[ev->msg_id], &ev->clock);
    }
}

TEST_F (RecorderTest, EveryDeliveryClockCoversItsSendClock)
{
  std::string db = path ("d.db");
  record_live (example_path ("lossy-network"), db, 0);
  MmrReplay *rp = mmr_replay_open (db.c_str (), nullptr);
  SendClocks s;
  ASSERT_TRUE (mmr_replay_foreach_event (rp, G_MININT64, G_MAXINT64,
                                         send_clock_cb, &s, nullptr));
  EXPECT_GT (s.checked, 10);
  EXPECT_EQ (s.bad, 0);
  mmr_replay_free (rp);
}

TEST_F (RecorderTest, ShivizTextIsOneLineNamingWhatHappened)
{
  const char *names[] = { "A", "B", nullptr };
  MmrEvent ev = {};
  ev.kind = MMR_EV_SEND;
  ev.replica = 0;
  ev.peer = 1;
  ev.key = "cart";
  ev.value = "milk\nflour";
  ev.dot = { 0, 2 };
  ev.msg_id = 7;
  ev.detail = "state";
  char *text = mmr_replay_shiviz_text (&ev, names);
  EXPECT_STREQ (text, "send state to B: cart = milk flour, dot A:2, msg 7");
  g_free (text);
  ev = MmrEvent ();
  ev.kind = MMR_EV_WRITE;
  ev.replica = 1;
  ev.peer = -1;
  ev.key = "x";
  ev.value = "1";
  ev.dot = { 1, 1 };
  text = mmr_replay_shiviz_text (&ev, names);
  EXPECT_STREQ (text, "write x = 1, dot B:1");
  g_free (text);
}

// ---- bad run databases ------------------------------------------------

namespace {

void
expect_refused (const std::string &file, MmrStorageError code,
                const std::string &message)
{
  std::string before = read_all (file);
  GError *error = nullptr;
  EXPECT_EQ (mmr_replay_open (file.c_str (), &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, MMR_STORAGE_ERROR, code))
      << error->code << ": " << error->message;
  EXPECT_EQ (std::string (error->message), message);
  EXPECT_EQ (read_all (file), before);
  EXPECT_FALSE (g_file_test ((file + "-journal").c_str (),
                             G_FILE_TEST_EXISTS));
  g_clear_error (&error);
}

void
sql (const std::string &file, const char *statements)
{
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_exec (db, statements, nullptr, nullptr, nullptr),
             SQLITE_OK);
  sqlite3_close (db);
}

} // namespace

TEST_F (RecorderTest, RefusesAFileThatIsNotADatabase)
{
  std::string f = path ("run.db");
  ASSERT_TRUE (g_file_set_contents (f.c_str (), "replicas A B C\n", -1,
                                    nullptr));
  expect_refused (f, MMR_STORAGE_ERROR_NOT_DATABASE,
                  f + ": not a run database: not an SQLite database at all"
                  " (it does not start with \"SQLite format 3\")");
}

TEST_F (RecorderTest, RefusesAReplicaDatabase)
{
  std::string f = path ("A.db");
  sql (f, "PRAGMA application_id = 1296912979; CREATE TABLE t (x)");
  expect_refused (f, MMR_STORAGE_ERROR_FOREIGN,
                  f + ": not a run database: it is a replica database");
}

TEST_F (RecorderTest, RefusesAnUnknownRunDatabaseVersion)
{
  std::string f = path ("run.db");
  record_live (example_path ("demo"), f, 0);
  sql (f, "PRAGMA user_version = 3");
  expect_refused (f, MMR_STORAGE_ERROR_VERSION,
                  f + ": a run database of schema version 3; this mmr reads"
                  " version 2 only");
}

TEST_F (RecorderTest, RefusesAnUnfinishedRecording)
{
  std::string f = path ("run.db");
  record_live (example_path ("demo"), f, 0);
  sql (f, "UPDATE meta SET value = '0' WHERE key = 'complete'");
  expect_refused (f, MMR_STORAGE_ERROR_INCOMPLETE,
                  f + ": incomplete: the recording never finished");
}

TEST_F (RecorderTest, RefusesATruncatedRecording)
{
  std::string f = path ("run.db");
  record_live (example_path ("lossy-network"), f, 0);
  std::string whole = read_all (f);
  ASSERT_GT (whole.size (), 2 * 16384u);
  ASSERT_TRUE (g_file_set_contents (f.c_str (), whole.data (), 10000,
                                    nullptr));
  expect_refused (f, MMR_STORAGE_ERROR_CORRUPT,
                  f + ": truncated: the file has 10000 bytes but its header"
                  " describes " + std::to_string (whole.size () / 4096)
                  + " pages of 4096 bytes");
}

// Where event @seq starts in the first event block of @file, found by
// reading the events before it with the block decoder.
static int
offset_of_event (const std::string &file, int seq)
{
  sqlite3 *db = nullptr;
  sqlite3_stmt *st = nullptr;
  EXPECT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  EXPECT_EQ (sqlite3_prepare_v2 (db, "SELECT data FROM event_blocks"
                                 " ORDER BY first_seq", -1, &st, nullptr),
             SQLITE_OK);
  EXPECT_EQ (sqlite3_step (st), SQLITE_ROW);
  std::string blob ((const char *) sqlite3_column_blob (st, 0),
                    (size_t) sqlite3_column_bytes (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (db);
  char *kinds = mmr_run_db_dup_kind_names ();
  char *rules = mmr_run_db_dup_rule_names ();
  MmrRunDbCodes codes;
  mmr_run_db_codes_init (&codes, kinds, rules, 3);
  g_free (kinds);
  g_free (rules);
  MmrRunDbEventArrays arrays;
  mmr_run_db_event_arrays_init (&arrays);
  const guint8 *start = (const guint8 *) blob.data (), *p = start;
  MmrRunDbCursor cur = {};
  for (int i = 0; i < seq; i++)
    {
      MmrEvent ev;
      EXPECT_TRUE (mmr_run_db_get_event (&p, start + blob.size (), &cur,
                                         &codes, &ev, &arrays));
    }
  mmr_run_db_event_arrays_clear (&arrays);
  return (int) (p - start);
}

TEST_F (RecorderTest, ADamagedEventIsAnErrorNotACrash)
{
  std::string f = path ("run.db");
  record_live (example_path ("demo"), f, 0);
  // Event 3 loses its last bytes, and so does the block.
  std::string cut = "UPDATE event_blocks SET data = substr(data, 1, "
                    + std::to_string (offset_of_event (f, 3) + 2)
                    + ") WHERE first_seq = 0";
  sql (f, cut.c_str ());
  MmrReplay *rp = mmr_replay_open (f.c_str (), nullptr);
  ASSERT_NE (rp, nullptr);
  Collected c = { {}, mmr_replay_replica_names (rp) };
  GError *error = nullptr;
  EXPECT_FALSE (mmr_replay_foreach_event (rp, G_MININT64, G_MAXINT64,
                                          collect_cb, &c, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (std::string (error->message),
             f + ": damaged: event 3 cannot be read back");
  EXPECT_EQ (c.lines.size (), 3u);
  g_clear_error (&error);
  sql (f, "UPDATE change_blocks SET data = substr(data, 1, 3)"
          " WHERE first_id = 1");
  EXPECT_EQ (mmr_replay_dup_state (rp, 0, TRUE, &error), nullptr)
      << "a damaged change in the tail";
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (std::string (error->message),
             f + ": damaged: a change cannot be read back");
  g_clear_error (&error);
  sql (f, "UPDATE snapshot_registers SET entries = x'01'");
  EXPECT_EQ (mmr_replay_dup_state (rp, G_MAXINT64, TRUE, &error), nullptr)
      << "a damaged snapshot";
  g_clear_error (&error);
  mmr_replay_free (rp);
}

// A recording of schema version 1 (one row per event, before the blocks)
// is refused by name and version; mmr replay exits 2 on it
// (tests/cli/replay-cli-test.cc).
TEST_F (RecorderTest, RefusesARecordingOfTheFirstFormat)
{
  std::string f = path ("old.db");
  sql (f, "PRAGMA application_id = 1296912978; PRAGMA user_version = 1;"
          " CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
          " CREATE TABLE events (seq INTEGER PRIMARY KEY)");
  expect_refused (f, MMR_STORAGE_ERROR_VERSION,
                  f + ": a run database of schema version 1; this mmr reads"
                  " version 2 only");
}

TEST_F (RecorderTest, AnAbandonedRecordingLeavesNoFile)
{
  std::string f = path ("run.db");
  GError *error = nullptr;
  MmrScript *script = mmr_script_load (example_path ("demo").c_str (),
                                       nullptr);
  MmrRunner *runner = mmr_runner_new (script, FALSE, 0);
  MmrRecorderInfo info = { "demo", "", 42, 0 };
  MmrRecorder *rec = mmr_recorder_new (mmr_runner_get_world (runner),
                                       f.c_str (), &info, &error);
  ASSERT_NE (rec, nullptr);
  for (int i = 0; i < 20; i++)
    mmr_runner_step (runner);
  EXPECT_TRUE (g_file_test ((f + ".part").c_str (), G_FILE_TEST_EXISTS));
  mmr_recorder_free (rec);
  EXPECT_FALSE (g_file_test ((f + ".part").c_str (), G_FILE_TEST_EXISTS));
  EXPECT_FALSE (g_file_test (f.c_str (), G_FILE_TEST_EXISTS));

  std::string nodir = path ("missing/run.db");
  EXPECT_EQ (mmr_recorder_new (mmr_runner_get_world (runner), nodir.c_str (),
                               &info, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (std::string (error->message),
             nodir + ".part: cannot create: directory " + path ("missing")
             + " does not exist");
  g_clear_error (&error);
  mmr_runner_free (runner);
  mmr_script_free (script);
}
