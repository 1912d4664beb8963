// replay-cli-test.cc - "mmr run --record/--data", "mmr replay" and
// "mmr export" as a user runs them: outputs, exit codes, and every bad
// input refused with exit 2, a message naming the file, and nothing
// written or changed.
#include "../mmr-command.h"

#include <string>
#include <vector>

extern "C" {
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include "store/durable-store.h"
}

namespace {

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

bool
exists (const std::string &path)
{
  return g_file_test (path.c_str (), G_FILE_TEST_EXISTS);
}

std::string
member_json (const std::string &json, const char *member)
{
  JsonParser *p = json_parser_new ();
  EXPECT_TRUE (json_parser_load_from_data (p, json.c_str (), -1, nullptr))
      << json;
  JsonObject *o = json_node_get_object (json_parser_get_root (p));
  JsonNode *m = json_object_get_member (o, member);
  char *text = m != nullptr ? json_to_string (m, FALSE) : g_strdup ("<none>");
  std::string s = text;
  g_free (text);
  g_object_unref (p);
  return s;
}

class ReplayCliTest : public ::testing::Test
{
protected:
  std::string dir;
  std::string db;

  void SetUp () override
  {
    char *d = g_dir_make_tmp ("mmr-replay-cli-XXXXXX", nullptr);
    dir = d;
    g_free (d);
    db = dir + "/run.db";
  }

  void TearDown () override
  {
    std::string cmd = "rm -rf '" + dir + "'";
    ASSERT_EQ (system (cmd.c_str ()), 0);
  }

  std::string path (const char *name) { return dir + "/" + name; }

  void record_demo ()
  {
    Result r = mmr ({ "run", "docs/examples/demo.mmr", "--record", db });
    ASSERT_EQ (r.status, 0) << r.err;
    ASSERT_TRUE (exists (db));
    ASSERT_FALSE (exists (db + ".part"));
  }

  void expect_refused (const char *cmd, const std::string &file,
                       const std::string &problem)
  {
    std::string before = read_all (file);
    Result r = std::string (cmd) == "replay"
        ? mmr ({ "replay", file, "--at", "1s" })
        : mmr ({ "export", file, "--jsonl", path ("out.jsonl") });
    EXPECT_EQ (r.status, 2);
    EXPECT_EQ (r.out, "");
    EXPECT_EQ (r.err, std::string ("mmr ") + cmd + ": " + file + ": "
                      + problem + "\n");
    EXPECT_EQ (read_all (file), before);
    EXPECT_FALSE (exists (file + "-wal"));
    EXPECT_FALSE (exists (file + "-shm"));
    EXPECT_FALSE (exists (path ("out.jsonl")));
    EXPECT_FALSE (exists (path ("out.jsonl.part")));
  }
};

} // namespace

TEST_F (ReplayCliTest, ReplayAtTheEndShowsTheReplicasOfRunJson)
{
  Result run = mmr ({ "run", "docs/examples/demo.mmr", "--json", "--record",
                      db });
  ASSERT_EQ (run.status, 0) << run.err;
  Result at = mmr ({ "replay", db, "--at", "1m", "--json" });
  ASSERT_EQ (at.status, 0) << at.err;
  EXPECT_EQ (member_json (at.out, "replicas"),
             member_json (run.out, "replicas"));
  EXPECT_EQ (member_json (at.out, "seed"), "42");
  EXPECT_EQ (member_json (at.out, "time_us"), "60000000");
  EXPECT_EQ (member_json (at.out, "scenario"), "\"docs/examples/demo.mmr\"");
}

TEST_F (ReplayCliTest, ReplayAtAnInstantPrintsEveryReplica)
{
  record_demo ();
  Result r = mmr ({ "replay", db, "--at", "100ms" });
  ASSERT_EQ (r.status, 0) << r.err;
  EXPECT_EQ (r.out,
             "docs/examples/demo.mmr: seed 42, 3 replicas, state at 100ms"
             " (the run ended at 421.224ms)\n"
             "replica A  (2 keys)\n"
             "  cart             = milk,flour           vv {A:2}\n"
             "  user.name        = Ann                  vv {A:1}\n"
             "replica B  (2 keys)\n"
             "  cart             = milk,flour           vv {A:2}\n"
             "  user.name        = Ann                  vv {A:1}\n"
             "replica C  (2 keys)\n"
             "  cart             = eggs                 vv {A:1, C:1}\n"
             "  user.email       = ann@example.org      vv {C:1}\n");
  Result empty = mmr ({ "replay", db, "--at", "0us", "--json" });
  // The first write is at 0: A has it at once, B and C only later.
  EXPECT_EQ (member_json (empty.out, "replicas"),
             "{\"A\":{\"cart\":{\"values\":[\"milk\"],\"vv\":{\"A\":1}}},"
             "\"B\":{},\"C\":{}}");
}

TEST_F (ReplayCliTest, EventsOfAWindow)
{
  record_demo ();
  Result r = mmr ({ "replay", db, "--events", "--from", "50ms", "--to",
                    "50ms" });
  ASSERT_EQ (r.status, 0) << r.err;
  EXPECT_EQ (r.out,
             "        50ms  -    partition partition A B | C\n"
             "        50ms  A    write cart = milk,flour, dot A:2\n"
             "        50ms  A    send state to B: cart = milk,flour, dot A:2,"
             " msg 7\n"
             "        50ms  A    send state to C: cart = milk,flour, dot A:2,"
             " msg 8\n"
             "        50ms  A    drop cut to C, msg 8\n");
}

TEST_F (ReplayCliTest, EventsAsJsonAndExportsEqualTheTrace)
{
  std::string trace = path ("t.jsonl");
  Result run = mmr ({ "run", "docs/examples/demo.mmr", "--record", db,
                      "--trace", trace });
  ASSERT_EQ (run.status, 0) << run.err;
  Result ev = mmr ({ "replay", db, "--events", "--json" });
  ASSERT_EQ (ev.status, 0);
  EXPECT_EQ (ev.out, read_all (trace));

  Result ex = mmr ({ "export", db, "--jsonl", path ("e.jsonl"), "--shiviz",
                     path ("s.log") });
  ASSERT_EQ (ex.status, 0) << ex.err;
  EXPECT_EQ (ex.out, "");
  EXPECT_EQ (read_all (path ("e.jsonl")), read_all (trace));
  std::string log = read_all (path ("s.log"));
  EXPECT_EQ (log.substr (0, log.find ("\n\n") + 2),
             "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})\n\n");
  EXPECT_NE (log.find ("write cart = milk, dot A:1\nA {\"A\": 1}\n"),
             std::string::npos) << log.substr (0, 300);
  EXPECT_FALSE (exists (path ("s.log.part")));
}

TEST_F (ReplayCliTest, DataDirectoryHoldsEachReplicasDatabase)
{
  std::string data = path ("data");
  Result r = mmr ({ "run", "docs/examples/demo.mmr", "--data", data });
  ASSERT_EQ (r.status, 0) << r.err;
  EXPECT_TRUE (exists (data + "/README"));
  for (const char *name : { "A", "B", "C" })
    {
      std::string file = data + "/" + name + ".db";
      GError *error = nullptr;
      MmrDurableStore *s = mmr_durable_store_open (file.c_str (), &error);
      ASSERT_NE (s, nullptr) << error->message;
      EXPECT_EQ (mmr_durable_store_n_registers (s, nullptr), 3u);
      char *replica = mmr_durable_store_dup_meta (s, "replica", nullptr);
      EXPECT_STREQ (replica, name);
      g_free (replica);
      mmr_durable_store_close (s);
    }
  // Running again replaces them; a foreign A.db is refused untouched.
  EXPECT_EQ (mmr ({ "run", "docs/examples/demo.mmr", "--data", data }).status,
             0);
  g_unlink ((data + "/A.db").c_str ());
  ASSERT_TRUE (g_file_set_contents ((data + "/A.db").c_str (), "my notes",
                                    -1, nullptr));
  r = mmr ({ "run", "docs/examples/demo.mmr", "--data", data });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.err, "mmr run: " + data + "/A.db: will not replace it: it is"
                    " not a replica database that mmr wrote; move it away,"
                    " give another file name, or pass --force to replace"
                    " it\n");
  EXPECT_EQ (read_all (data + "/A.db"), "my notes");
}

TEST_F (ReplayCliTest, BadRunDatabasesExitTwoAndStayUntouched)
{
  std::string notdb = path ("notes.db");
  ASSERT_TRUE (g_file_set_contents (notdb.c_str (), "hello", -1, nullptr));
  expect_refused ("replay", notdb, "not a run database: not an SQLite"
                  " database at all (it does not start with \"SQLite format"
                  " 3\")");
  expect_refused ("export", notdb, "not a run database: not an SQLite"
                  " database at all (it does not start with \"SQLite format"
                  " 3\")");

  std::string empty = path ("empty.db");
  ASSERT_TRUE (g_file_set_contents (empty.c_str (), "", 0, nullptr));
  expect_refused ("replay", empty, "truncated: the file is empty, not a run"
                  " database");

  record_demo ();
  std::string whole = read_all (db);
  std::string cut = path ("cut.db");
  ASSERT_TRUE (g_file_set_contents (cut.c_str (), whole.data (), 5000,
                                    nullptr));
  expect_refused ("replay", cut, "truncated: the file has 5000 bytes but its"
                  " header describes " + std::to_string (whole.size () / 4096)
                  + " pages of 4096 bytes");

  std::string data = path ("data");
  ASSERT_EQ (mmr ({ "run", "docs/examples/demo.mmr", "--data", data }).status,
             0);
  expect_refused ("replay", data + "/B.db",
                  "not a run database: it is a replica database");

  // A copy of the recording stamped with another schema version: 9 (a
  // later mmr) or 1 (the first format, a row per event).
  for (int version : { 9, 1 })
    {
      std::string name = "v" + std::to_string (version) + ".db";
      std::string v = path (name.c_str ());
      std::string stamp = "PRAGMA user_version = " + std::to_string (version);
      std::string problem = "a run database of schema version "
                            + std::to_string (version)
                            + "; this mmr reads version 2 only";
      ASSERT_TRUE (g_file_set_contents (v.c_str (), whole.data (),
                                        (gssize) whole.size (), nullptr));
      sqlite3 *h = nullptr;
      ASSERT_EQ (sqlite3_open (v.c_str (), &h), SQLITE_OK);
      ASSERT_EQ (sqlite3_exec (h, stamp.c_str (), nullptr, nullptr, nullptr),
                 SQLITE_OK);
      sqlite3_close (h);
      expect_refused ("replay", v, problem);
      expect_refused ("export", v, problem);
    }

  Result missing = mmr ({ "replay", path ("nope.db"), "--events" });
  EXPECT_EQ (missing.status, 2);
  EXPECT_EQ (missing.err, "mmr replay: " + path ("nope.db")
                          + ": cannot open: No such file or directory\n");
}

TEST_F (ReplayCliTest, BadOptionsExitTwo)
{
  record_demo ();
  struct
  {
    std::vector<std::string> args;
    std::string err;
  } cases[] = {
    { { "replay", db }, "give either --at TIME or --events" },
    { { "replay", db, "--at", "1s", "--events" },
      "give either --at TIME or --events" },
    { { "replay", db, "--at", "soon" },
      "--at expects a time such as 1.5s, got 'soon'" },
    { { "replay", db, "--at", "1s", "--from", "1s" },
      "--from and --to go with --events" },
    { { "replay" }, "no run database given" },
    { { "export", db }, "give --shiviz OUT and/or --jsonl OUT" },
  };
  for (auto &c : cases)
    {
      Result r = mmr (c.args);
      EXPECT_EQ (r.status, 2) << c.err;
      EXPECT_EQ (r.err.substr (0, r.err.find ('\n')),
                 "mmr " + c.args[0] + ": " + c.err);
    }
}

TEST_F (ReplayCliTest, UnwritableOutputsExitTwoAndLeaveNothing)
{
  std::string nodir = path ("missing/run.db");
  Result r = mmr ({ "run", "docs/examples/demo.mmr", "--record", nodir });
  EXPECT_EQ (r.status, 2);
  EXPECT_EQ (r.out, "");
  EXPECT_EQ (r.err, "mmr run: " + nodir + ".part: cannot create: directory "
                    + path ("missing") + " does not exist\n");

  record_demo ();
  Result e = mmr ({ "export", db, "--shiviz", path ("missing/s.log") });
  EXPECT_EQ (e.status, 2);
  EXPECT_EQ (e.err, "mmr export: " + path ("missing/s.log")
                    + ": cannot write: No such file or directory\n");
}

// A read-only and a full filesystem, mounted in a private namespace so
// that even root is refused. Skipped where user namespaces are not
// available.
TEST_F (ReplayCliTest, ReadOnlyAndFullDirectoriesExitTwoAndLeaveNothing)
{
  if (spawn ({ "unshare", "-rm", "true" }).status != 0)
    GTEST_SKIP () << "no user namespaces here";
  std::string mnt = path ("mnt");
  ASSERT_EQ (g_mkdir (mnt.c_str (), 0755), 0);
  std::string mmr_bin = g_getenv ("MMR");
  std::string run = mmr_bin + " run docs/examples/lossy-network.mmr --record "
                    + mnt + "/run.db";
  std::string after = "; rc=$?; ls -A " + mnt + "; exit $rc";

  Result ro = spawn ({ "unshare", "-rm", "sh", "-c",
                       "mount -t tmpfs -o ro none " + mnt + " && " + run
                       + after });
  EXPECT_EQ (ro.status, 2) << ro.err;
  EXPECT_EQ (ro.out, "");
  EXPECT_EQ (ro.err, "mmr run: " + mnt + "/run.db.part: cannot create:"
                     " directory " + mnt + " is not writable (Read-only file"
                     " system)\n");

  Result full = spawn ({ "unshare", "-rm", "sh", "-c",
                         "mount -t tmpfs -o size=12k none " + mnt + " && "
                         + run + after });
  EXPECT_EQ (full.status, 2) << full.err;
  EXPECT_EQ (full.out, "") << "a .part or a database was left behind";
  EXPECT_NE (full.err.find ("mmr run: " + mnt + "/run.db.part: "),
             std::string::npos) << full.err;
  EXPECT_NE (full.err.find ("the disk is full"), std::string::npos)
      << full.err;
}
