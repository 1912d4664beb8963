// outputs-test.cc - what mmr writes over, and what it refuses to
// (store/output-guard.h, store/part-file.h, store/dir-lock.h,
// src/cli/run-data-dir.c): every refusal exits 2 with the exact message
// and leaves the file byte-identical (compared by SHA-256); the lock on
// --data stops a second run and names the first; SIGTERM during a run
// leaves no .part, no database and no scratch directory.
#include "../mmr-command.h"

#include <csignal>
#include <functional>
#include <string>
#include <vector>

#include <sys/file.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

extern "C" {
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include "store/durable-store.h"
}

namespace {

const std::string foreign_hint =
    " that mmr wrote; move it away, give another file name, or pass"
    " --force to replace it\n";

std::string
sha256 (const std::string &path)
{
  gchar *data = nullptr;
  gsize len = 0;
  if (!g_file_get_contents (path.c_str (), &data, &len, nullptr))
    return "<missing>";
  gchar *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                            (const guchar *) data, len);
  std::string s = sum;
  g_free (sum);
  g_free (data);
  return s;
}

std::string
basename (const std::string &path)
{
  gchar *b = g_path_get_basename (path.c_str ());
  std::string s = b;
  g_free (b);
  return s;
}

bool
exists (const std::string &path)
{
  struct stat st;
  return lstat (path.c_str (), &st) == 0;
}

std::string
head (const std::string &path, size_t n)
{
  gchar *data = nullptr;
  gsize len = 0;
  if (!g_file_get_contents (path.c_str (), &data, &len, nullptr))
    return "<missing>";
  std::string s (data, std::min (len, n));
  g_free (data);
  return s;
}

// An SQLite database of another application: one table, application_id
// @app_id (0: none).
void
make_sqlite (const std::string &path, unsigned app_id)
{
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (path.c_str (), &db), SQLITE_OK);
  std::string sql = "PRAGMA application_id = " + std::to_string ((int) app_id)
                    + "; CREATE TABLE notes (t TEXT);"
                      " INSERT INTO notes VALUES ('mine');";
  ASSERT_EQ (sqlite3_exec (db, sql.c_str (), nullptr, nullptr, nullptr),
             SQLITE_OK);
  sqlite3_close (db);
}

class OutputsTest : public ::testing::Test
{
protected:
  std::string dir;
  std::string scenario;

  void SetUp () override
  {
    char *d = g_dir_make_tmp ("mmr-outputs-XXXXXX", nullptr);
    dir = d;
    g_free (d);
    scenario = path ("s.mmr");
    gchar *text = nullptr;
    ASSERT_TRUE (g_file_get_contents (
        (std::string (g_getenv ("MMR_SOURCE_ROOT"))
         + "/docs/examples/demo.mmr").c_str (), &text, nullptr, nullptr));
    ASSERT_TRUE (g_file_set_contents (scenario.c_str (), text, -1, nullptr));
    g_free (text);
  }

  void TearDown () override
  {
    std::string cmd = "rm -rf '" + dir + "'";
    ASSERT_EQ (system (cmd.c_str ()), 0);
  }

  std::string path (const char *name) { return dir + "/" + name; }

  // Runs mmr @args, expects exit 2 with exactly @err, and @file unchanged.
  void expect_refused (std::vector<std::string> args, const std::string &file,
                       const std::string &err)
  {
    std::string before = sha256 (file);
    Result r = mmr (args);
    EXPECT_EQ (r.status, 2) << r.err;
    EXPECT_EQ (r.out, "");
    EXPECT_EQ (r.err, err);
    EXPECT_EQ (sha256 (file), before) << file << " was changed";
  }

  void record (const std::string &db)
  {
    Result r = mmr ({ "run", scenario, "--record", db });
    ASSERT_EQ (r.status, 0) << r.err;
  }
};

TEST_F (OutputsTest, NoOutputIsEverWrittenOverAnInputEvenWithForce)
{
  std::string sum = sha256 (scenario);
  std::string input = ": will not write the trace there: it is the scenario"
                      " this command reads; give another file name\n";

  for (const char *force : { "", "--force" })
    {
      std::vector<std::string> extra;
      if (*force)
        extra.push_back (force);
      auto with = [&] (std::vector<std::string> a) {
        a.insert (a.end (), extra.begin (), extra.end ());
        return a;
      };
      expect_refused (with ({ "run", scenario, "--trace", scenario }),
                      scenario, "mmr run: " + scenario + input);
      expect_refused (with ({ "run", scenario, "--record", scenario }),
                      scenario, "mmr run: " + scenario
                      + ": will not write the run database there: it is the"
                        " scenario this command reads; give another file"
                        " name\n");
      // The same file under another name: by device and inode.
      std::string dotted = dir + "/./../" + basename (dir)
                           + "/s.mmr";
      expect_refused (with ({ "run", scenario, "--trace", dotted }),
                      scenario, "mmr run: " + dotted + input);
    }
  ASSERT_EQ (symlink (scenario.c_str (), path ("link.jsonl").c_str ()), 0);
  expect_refused ({ "run", scenario, "--trace", path ("link.jsonl") },
                  scenario, "mmr run: " + path ("link.jsonl") + input);
  ASSERT_EQ (link (scenario.c_str (), path ("hard.jsonl").c_str ()), 0);
  expect_refused ({ "run", scenario, "--trace", path ("hard.jsonl"),
                    "--force" },
                  scenario, "mmr run: " + path ("hard.jsonl") + input);
  // Nor through the .part beside the output.
  ASSERT_EQ (link (scenario.c_str (), path ("t.jsonl.part").c_str ()), 0);
  expect_refused ({ "run", scenario, "--trace", path ("t.jsonl") },
                  scenario, "mmr run: " + path ("t.jsonl.part") + input);
  EXPECT_FALSE (exists (path ("t.jsonl")));

  std::string db = path ("run.db");
  record (db);
  expect_refused ({ "export", db, "--jsonl", db, "--force" }, db,
                  "mmr export: " + db + ": will not write the trace there:"
                  " it is the run database this command reads; give another"
                  " file name\n");
  expect_refused ({ "export", db, "--shiviz", dir + "/../"
                    + basename (dir) + "/run.db" }, db,
                  "mmr export: " + dir + "/../"
                  + basename (dir) + "/run.db: will not"
                  " write the ShiViz log there: it is the run database this"
                  " command reads; give another file name\n");
  EXPECT_EQ (sha256 (scenario), sum);
}

TEST_F (OutputsTest, AnExistingOutputIsReplacedOnlyWhenMmrWroteIt)
{
  std::string trace = path ("t.jsonl");
  ASSERT_TRUE (g_file_set_contents (trace.c_str (), "my notes\n", -1,
                                    nullptr));
  expect_refused ({ "run", scenario, "--trace", trace }, trace,
                  "mmr run: " + trace + ": will not replace it: it is not a"
                  " trace" + foreign_hint);
  ASSERT_EQ (mmr ({ "run", scenario, "--trace", trace, "--force" }).status,
             0);
  EXPECT_EQ (head (trace, 8), "{\"seq\":0");
  ASSERT_EQ (mmr ({ "run", scenario, "--trace", trace }).status, 0)
      << "a trace of ours is replaced";

  std::string db = path ("run.db");
  make_sqlite (db, 0);
  expect_refused ({ "run", scenario, "--record", db }, db,
                  "mmr run: " + db + ": will not replace it: it is not a run"
                  " database" + foreign_hint);
  g_unlink (db.c_str ());
  make_sqlite (db, MMR_DURABLE_STORE_APPLICATION_ID);
  expect_refused ({ "run", scenario, "--record", db }, db,
                  "mmr run: " + db + ": will not replace it: it is not a run"
                  " database" + foreign_hint);
  EXPECT_FALSE (exists (db + ".part"));
  ASSERT_EQ (mmr ({ "run", scenario, "--record", db, "--force" }).status, 0);
  record (db);                     // a run database of ours is replaced

  // A leftover .part is judged like the output itself.
  std::string log = path ("s.log");
  ASSERT_TRUE (g_file_set_contents ((log + ".part").c_str (), "draft", -1,
                                    nullptr));
  expect_refused ({ "export", db, "--shiviz", log }, log + ".part",
                  "mmr export: " + log + ".part: will not replace it: it is"
                  " not a ShiViz log" + foreign_hint);
  g_unlink ((log + ".part").c_str ());
  ASSERT_EQ (mmr ({ "export", db, "--shiviz", log }).status, 0);
  ASSERT_EQ (mmr ({ "export", db, "--shiviz", log }).status, 0);
  expect_refused ({ "export", db, "--shiviz", trace }, trace,
                  "mmr export: " + trace + ": will not replace it: it is not"
                  " a ShiViz log" + foreign_hint);
  expect_refused ({ "export", db, "--jsonl", log }, log,
                  "mmr export: " + log + ": will not replace it: it is not a"
                  " trace" + foreign_hint);
  ASSERT_EQ (mmr ({ "export", db, "--jsonl", trace }).status, 0);

  // An empty file holds nothing to lose.
  std::string empty = path ("empty.jsonl");
  ASSERT_TRUE (g_file_set_contents (empty.c_str (), "", 0, nullptr));
  ASSERT_EQ (mmr ({ "run", scenario, "--trace", empty }).status, 0);
  EXPECT_EQ (head (empty, 8), "{\"seq\":0");

  expect_refused ({ "run", scenario, "--trace", dir }, scenario,
                  "mmr run: " + dir + ": cannot write the trace there: it is"
                  " a directory\n");
  expect_refused ({ "run", scenario, "--trace", "/dev/null" }, scenario,
                  "mmr run: /dev/null: cannot write the trace there: it is"
                  " not a regular file\n");

  // A leftover .part that is a link: replaced, never written through.
  std::string victim = path ("victim");
  ASSERT_TRUE (g_file_set_contents (victim.c_str (), "", 0, nullptr));
  ASSERT_EQ (symlink (victim.c_str (), (trace + ".part").c_str ()), 0);
  ASSERT_EQ (mmr ({ "run", scenario, "--trace", trace }).status, 0);
  EXPECT_EQ (head (victim, 10), "");
  EXPECT_FALSE (exists (trace + ".part"));
  expect_refused ({ "run", scenario, "--trace", trace, "--record", trace },
                  trace, "mmr run: " + trace + ": given for both the trace"
                  " and the run database; give each output its own file\n");
}

TEST_F (OutputsTest, DataDirectoryReplacesOnlyItsOwnFiles)
{
  std::string data = path ("data");
  ASSERT_EQ (mmr ({ "run", scenario, "--data", data }).status, 0);
  EXPECT_FALSE (exists (data + "/.mmr-lock")) << "the lock is released";
  EXPECT_FALSE (exists (data + "/A.db.part"));
  ASSERT_EQ (mmr ({ "run", scenario, "--data", data }).status, 0);

  std::string readme = data + "/README";
  ASSERT_TRUE (g_file_set_contents (readme.c_str (), "my notes", -1,
                                    nullptr));
  std::string b = sha256 (data + "/B.db");
  expect_refused ({ "run", scenario, "--data", data }, readme,
                  "mmr run: " + readme + ": will not replace it: it is not a"
                  " README of a data directory" + foreign_hint);
  EXPECT_EQ (sha256 (data + "/B.db"), b) << "nothing replaced before refusing";
  ASSERT_EQ (mmr ({ "run", scenario, "--data", data, "--force" }).status, 0);
  EXPECT_EQ (head (readme, 22), "Replica databases writ");

  std::string a = data + "/A.db";
  g_unlink (a.c_str ());
  make_sqlite (a, 0);
  expect_refused ({ "run", scenario, "--data", data }, a,
                  "mmr run: " + a + ": will not replace it: it is not a"
                  " replica database" + foreign_hint);
  g_unlink (a.c_str ());
  ASSERT_TRUE (g_file_set_contents ((a + "-wal").c_str (), "journal?", -1,
                                    nullptr));
  expect_refused ({ "run", scenario, "--data", data }, a + "-wal",
                  "mmr run: " + a + "-wal: will not replace it: it is not a"
                  " replica database's journal" + foreign_hint);
  ASSERT_EQ (mmr ({ "run", scenario, "--data", data, "--force" }).status, 0);
  EXPECT_FALSE (exists (a + "-wal"));

  // The scenario itself, linked into the folder, is never replaced.
  g_unlink (a.c_str ());
  ASSERT_EQ (symlink (scenario.c_str (), a.c_str ()), 0);
  expect_refused ({ "run", scenario, "--data", data, "--force" }, scenario,
                  "mmr run: " + a + ": will not write the replica database"
                  " there: it is the scenario this command reads; give"
                  " another file name\n");
}

TEST_F (OutputsTest, AKillDuringDatabaseCreationDoesNotBlockTheFolder)
{
  std::string data = path ("data");
  ASSERT_EQ (g_mkdir (data.c_str (), 0755), 0);
  // What a kill leaves: a stamped database under its .part name, with a
  // hot journal; an empty .part; the empty A.db an older mmr left.
  make_sqlite (data + "/A.db.part", MMR_DURABLE_STORE_APPLICATION_ID);
  ASSERT_TRUE (g_file_set_contents ((data + "/A.db.part-journal").c_str (),
                                    "torn", -1, nullptr));
  ASSERT_TRUE (g_file_set_contents ((data + "/B.db.part").c_str (), "", 0,
                                    nullptr));
  ASSERT_TRUE (g_file_set_contents ((data + "/C.db").c_str (), "", 0,
                                    nullptr));
  Result r = mmr ({ "run", scenario, "--data", data });
  ASSERT_EQ (r.status, 0) << r.err;
  for (const char *n : { "A", "B", "C" })
    {
      std::string db = data + "/" + n + ".db";
      EXPECT_FALSE (exists (db + ".part")) << n;
      EXPECT_FALSE (exists (db + ".part-journal")) << n;
      GError *error = nullptr;
      MmrDurableStore *s = mmr_durable_store_open (db.c_str (), &error);
      ASSERT_NE (s, nullptr) << error->message;
      EXPECT_EQ (mmr_durable_store_n_registers (s, nullptr), 3u);
      mmr_durable_store_close (s);
    }
}

TEST_F (OutputsTest, ALiveLockStopsASecondRunAndAStaleOneDoesNot)
{
  std::string data = path ("data");
  std::string lock = data + "/.mmr-lock";
  ASSERT_EQ (g_mkdir (data.c_str (), 0755), 0);

  // A stale lock file: its process is gone, so the kernel holds no lock.
  ASSERT_TRUE (g_file_set_contents (lock.c_str (), "mmr lock: pid 999999:"
                                    " mmr run gone.mmr --data d\n", -1,
                                    nullptr));
  Result r = mmr ({ "run", scenario, "--data", data });
  EXPECT_EQ (r.status, 0) << r.err;
  EXPECT_FALSE (exists (lock));

  // A live holder (this test) keeps every run out, and nothing changes.
  int fd = open (lock.c_str (), O_RDWR | O_CREAT, 0644);
  ASSERT_GE (fd, 0);
  ASSERT_EQ (flock (fd, LOCK_EX | LOCK_NB), 0);
  std::string line = "mmr lock: pid " + std::to_string (getpid ())
                     + ": outputs-test\n";
  ASSERT_EQ (write (fd, line.data (), line.size ()), (ssize_t) line.size ());
  std::string a = sha256 (data + "/A.db");
  expect_refused ({ "run", scenario, "--data", data, "--force" }, lock,
                  "mmr run: " + data + ": in use by pid "
                  + std::to_string (getpid ()) + ": outputs-test; wait for"
                  " that run to finish, or give another directory\n");
  EXPECT_EQ (sha256 (data + "/A.db"), a);
  close (fd);
  EXPECT_EQ (mmr ({ "run", scenario, "--data", data }).status, 0);
}

// A run of many events (anti-entropy every millisecond for an hour of
// virtual time): seconds of real time, so it is still going when the
// test, having seen its .part appear, signals it.
const char long_scenario[] =
  "replicas A B C D E\n"
  "durability sync\n"
  "antientropy 1ms\n"
  "latency 1ms\n"
  "A put k v\n"
  "run 3600s\n";

class LongRun
{
public:
  GPid pid = 0;

  LongRun (std::vector<std::string> args, const std::string &tmpdir)
  {
    args.insert (args.begin (), g_getenv ("MMR"));
    std::vector<char *> argv;
    for (auto &a : args)
      argv.push_back ((char *) a.c_str ());
    argv.push_back (nullptr);
    gchar **env = g_get_environ ();
    env = g_environ_setenv (env, "TMPDIR", tmpdir.c_str (), TRUE);
    GError *error = nullptr;
    EXPECT_TRUE (g_spawn_async (nullptr, argv.data (), env,
                                (GSpawnFlags) (G_SPAWN_DO_NOT_REAP_CHILD
                                               | G_SPAWN_STDOUT_TO_DEV_NULL
                                               | G_SPAWN_STDERR_TO_DEV_NULL),
                                nullptr, nullptr, &pid, &error))
        << (error ? error->message : "");
    g_strfreev (env);
    g_clear_error (&error);
  }

  // Polls the filesystem until @file exists (or the run has ended).
  bool wait_for (const std::string &file)
  {
    return wait_until ([&] { return exists (file); });
  }

  bool wait_until (const std::function<bool ()> &done)
  {
    gint64 give_up = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
    int status;
    while (!done ())
      {
        if (waitpid (pid, &status, WNOHANG) == pid)
          {
            pid = 0;
            return false;
          }
        if (g_get_monotonic_time () > give_up)
          return false;
        g_usleep (1000);
      }
    return true;
  }

  // Sends SIGTERM; TRUE when the run then died of it.
  bool terminate ()
  {
    int status = 0;
    kill (pid, SIGTERM);
    EXPECT_EQ (waitpid (pid, &status, 0), pid);
    pid = 0;
    return WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM;
  }

  ~LongRun ()
  {
    if (pid != 0)
      {
        kill (pid, SIGKILL);
        waitpid (pid, nullptr, 0);
      }
  }
};

TEST_F (OutputsTest, SigtermLeavesNoPartNoDatabaseAndNoScratchDirectory)
{
  std::string s = path ("long.mmr");
  std::string tmp = path ("tmp");
  std::string data = path ("data");
  std::string trace = path ("t.jsonl");
  std::string db = path ("run.db");
  ASSERT_TRUE (g_file_set_contents (s.c_str (), long_scenario, -1, nullptr));
  ASSERT_EQ (g_mkdir (tmp.c_str (), 0755), 0);

  {
    LongRun run ({ "run", s, "--data", data, "--trace", trace, "--record",
                   db }, tmp);
    ASSERT_TRUE (run.wait_for (trace + ".part"));
    EXPECT_TRUE (exists (db + ".part"));
    EXPECT_TRUE (exists (data + "/A.db"));
    // The second run is refused and names the first.
    Result second = mmr ({ "run", scenario, "--data", data });
    EXPECT_EQ (second.status, 2);
    EXPECT_EQ (second.err, "mmr run: " + data + ": in use by pid "
                           + std::to_string (run.pid) + ": mmr run " + s
                           + " --data " + data + " --trace " + trace
                           + " --record " + db + "; wait for that run to"
                           " finish, or give another directory\n");
    EXPECT_TRUE (exists (data + "/A.db")) << "the first run's databases";
    EXPECT_TRUE (run.terminate ());
  }
  EXPECT_FALSE (exists (trace + ".part"));
  EXPECT_FALSE (exists (trace));
  EXPECT_FALSE (exists (db + ".part"));
  EXPECT_FALSE (exists (db));
  EXPECT_FALSE (exists (data)) << "the run made it; nothing of it is left";

  // Without --data the databases live in a scratch directory in TMPDIR.
  {
    LongRun run ({ "run", s, "--trace", trace }, tmp);
    ASSERT_TRUE (run.wait_for (trace + ".part"));
    EXPECT_TRUE (run.terminate ());
  }
  EXPECT_FALSE (exists (trace + ".part"));
  Result left = spawn ({ "ls", "-A", tmp });
  EXPECT_EQ (left.out, "") << "scratch files were left behind";
}

// Some directory in @tmp holds A.db: the scratch directory is made, and
// tracked for the signal handler since before A.db was created.
bool
has_scratch_db (const std::string &tmp)
{
  GDir *d = g_dir_open (tmp.c_str (), 0, nullptr);
  const char *name;
  bool found = false;
  while (d != nullptr && !found && (name = g_dir_read_name (d)) != nullptr)
    found = exists (tmp + "/" + name + "/A.db");
  if (d != nullptr)
    g_dir_close (d);
  return found;
}

// "mmr lab run" gives a durable world a scratch directory of databases
// (store/storage.h, mmr_storage_make_scratch_dir): SIGTERM removes it.
TEST_F (OutputsTest, SigtermDuringALabRunLeavesNoScratchDirectory)
{
  std::string lab = path ("lab");
  std::string tmp = path ("tmp");
  ASSERT_EQ (g_mkdir (lab.c_str (), 0755), 0);
  ASSERT_EQ (g_mkdir (tmp.c_str (), 0755), 0);
  ASSERT_TRUE (g_file_set_contents ((lab + "/w.mmr").c_str (),
                                    "replicas A B C D E\n"
                                    "durability sync\n"
                                    "antientropy 1ms\n"
                                    "latency 1ms\n"
                                    "A put k v\n", -1, nullptr));
  ASSERT_TRUE (g_file_set_contents ((lab + "/lab.mmrlab").c_str (),
                                    "lab \"Long\"\n"
                                    "concepts crash\n"
                                    "outline §1\n"
                                    "world w.mmr\n"
                                    "step \"Long\"\n"
                                    "run 3600s\n", -1, nullptr));
  {
    LongRun run ({ "lab", "run", lab }, tmp);
    ASSERT_TRUE (run.wait_until ([&] { return has_scratch_db (tmp); }));
    EXPECT_TRUE (run.terminate ());
  }
  Result left = spawn ({ "ls", "-A", tmp });
  EXPECT_EQ (left.out, "") << "scratch files were left behind";
}

} // namespace
