// durable-store-test.cc - a replica's SQLite database: round trips, group
// commit and crashes, and every bad file the store must refuse untouched.
#include <gtest/gtest.h>

#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" {
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include "store/durable-store.h"
}

namespace {

class DurableStoreTest : public ::testing::Test
{
protected:
  std::string dir;

  void SetUp () override
  {
    char *d = g_dir_make_tmp ("mmr-durable-XXXXXX", nullptr);
    ASSERT_NE (d, nullptr);
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

void
write_all (const std::string &path, const std::string &data)
{
  ASSERT_TRUE (g_file_set_contents (path.c_str (), data.data (),
                                    (gssize) data.size (), nullptr));
}

MmrVersion
version (guint8 replica, guint32 counter, const char *value, gint64 ts)
{
  MmrVersion v = {};

  v.dot.replica = replica;
  v.dot.counter = counter;
  v.ts = ts;
  v.ts_logical = counter * 3;
  v.hlc.l = ts - 7;
  v.hlc.c = replica;
  v.value = value != nullptr ? g_strdup (value) : nullptr;
  return v;
}

MmrRegister *
make_register (std::initializer_list<MmrVersion> versions)
{
  MmrRegister *r = mmr_register_new ();

  mmr_register_reset_siblings (r, (guint) versions.size ());
  guint i = 0;
  for (const MmrVersion &v : versions)
    {
      r->siblings[i++] = v;
      r->vv.c[v.dot.replica] = MAX (r->vv.c[v.dot.replica], v.dot.counter);
    }
  return r;
}

::testing::AssertionResult
registers_equal (const MmrRegister *a, const MmrRegister *b)
{
  if (memcmp (&a->vv, &b->vv, sizeof a->vv) != 0)
    return ::testing::AssertionFailure () << "version vectors differ";
  if (a->n_siblings != b->n_siblings)
    return ::testing::AssertionFailure ()
           << a->n_siblings << " vs " << b->n_siblings << " siblings";
  for (guint i = 0; i < a->n_siblings; i++)
    {
      const MmrVersion *x = &a->siblings[i], *y = &b->siblings[i];

      if (x->dot.replica != y->dot.replica || x->dot.counter != y->dot.counter
          || x->ts != y->ts || x->ts_logical != y->ts_logical
          || x->hlc.l != y->hlc.l || x->hlc.c != y->hlc.c
          || g_strcmp0 (x->value, y->value) != 0)
        return ::testing::AssertionFailure () << "sibling " << i << " differs";
    }
  return ::testing::AssertionSuccess ();
}

// A random register obeying register.h's invariants.
MmrRegister *
random_register (GRand *rand)
{
  MmrRegister *r = mmr_register_new ();
  guint n = (guint) g_rand_int_range (rand, 0, 4);

  mmr_register_reset_siblings (r, n);
  for (guint i = 0; i < n; i++)
    {
      MmrVersion *v = &r->siblings[i];
      guint8 replica = (guint8) (i * 5 + g_rand_int_range (rand, 0, 5));

      v->dot.replica = replica;
      v->dot.counter = (guint32) g_rand_int_range (rand, 1, 1 << 30);
      v->ts = (gint64) g_rand_int (rand) - G_MAXINT32
              + (gint64) g_rand_int (rand) * 1000000;
      v->ts_logical = g_rand_int (rand);
      v->hlc.l = -(gint64) g_rand_int (rand) * 3;
      v->hlc.c = g_rand_int (rand);
      if (g_rand_boolean (rand))
        v->value = g_strdup_printf ("v%u\xc3\xa9 %u", g_rand_int (rand), i);
      r->vv.c[replica] = v->dot.counter + (guint32) g_rand_int_range (rand,
                                                                       0, 3);
    }
  for (guint i = 0; i < 3; i++)
    r->vv.c[g_rand_int_range (rand, 0, MMR_MAX_REPLICAS)] += 1;
  return r;
}

void
expect_refused (const std::string &file, MmrStorageError code,
                const std::string &message)
{
  std::string before = read_all (file);
  GError *error = nullptr;
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), &error);

  EXPECT_EQ (s, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, MMR_STORAGE_ERROR, code))
      << "code " << error->code << ": " << error->message;
  EXPECT_EQ (error->message, message);
  EXPECT_EQ (read_all (file), before) << "the refused file was changed";
  EXPECT_FALSE (g_file_test ((file + "-wal").c_str (), G_FILE_TEST_EXISTS));
  EXPECT_FALSE (g_file_test ((file + "-shm").c_str (), G_FILE_TEST_EXISTS));
  g_clear_error (&error);
}

// A store with a few registers, closed (so its WAL is checkpointed away).
void
make_store (const std::string &file, guint n)
{
  GError *error = nullptr;
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), &error);
  ASSERT_NE (s, nullptr) << error->message;
  ASSERT_TRUE (mmr_durable_store_begin (s, nullptr));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("key-%04u", i);
      g_autofree char *value = g_strdup_printf ("value number %u", i);
      g_autoptr (MmrRegister) r = make_register ({ version (0, i + 1, value,
                                                           i) });
      ASSERT_TRUE (mmr_durable_store_save_register (s, name, r, nullptr));
    }
  ASSERT_TRUE (mmr_durable_store_commit (s, nullptr));
  mmr_durable_store_close (s);
}

} // namespace

TEST_F (DurableStoreTest, RegistersRoundTripWithSiblingsAndTombstones)
{
  GError *error = nullptr;
  std::string file = path ("a.db");
  g_autoptr (MmrRegister) cart = make_register (
      { version (0, 2, "milk,flour", 50000), version (2, 1, "eggs", 60000) });
  g_autoptr (MmrRegister) gone = make_register ({ version (1, 4, nullptr,
                                                           -5) });
  g_autoptr (MmrRegister) empty = mmr_register_new ();

  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), &error);
  ASSERT_NE (s, nullptr) << error->message;
  EXPECT_TRUE (mmr_durable_store_is_new (s));
  EXPECT_TRUE (mmr_durable_store_save_register (s, "cart", cart, nullptr));
  EXPECT_TRUE (mmr_durable_store_save_register (s, "gone", gone, nullptr));
  EXPECT_TRUE (mmr_durable_store_save_register (s, "empty", empty, nullptr));
  mmr_durable_store_close (s);

  s = mmr_durable_store_open (file.c_str (), &error);
  ASSERT_NE (s, nullptr) << error->message;
  EXPECT_FALSE (mmr_durable_store_is_new (s));
  EXPECT_EQ (mmr_durable_store_n_registers (s, nullptr), 3u);
  g_autoptr (MmrStore) store = mmr_store_new ();
  ASSERT_TRUE (mmr_durable_store_load_all (s, store, &error));
  EXPECT_EQ (mmr_store_size (store), 3u);
  EXPECT_TRUE (registers_equal (mmr_store_lookup (store, "cart"), cart));
  EXPECT_TRUE (registers_equal (mmr_store_lookup (store, "gone"), gone));
  EXPECT_TRUE (registers_equal (mmr_store_lookup (store, "empty"), empty));
  mmr_durable_store_close (s);
}

TEST_F (DurableStoreTest, RandomRegistersRoundTripForManySeeds)
{
  std::string file = path ("r.db");
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), nullptr);
  ASSERT_NE (s, nullptr);

  for (guint32 seed = 1; seed <= 200; seed++)
    {
      SCOPED_TRACE ("seed " + std::to_string (seed));
      GRand *rand = g_rand_new_with_seed (seed);
      g_autoptr (MmrRegister) r = random_register (rand);
      g_autoptr (MmrStore) store = mmr_store_new ();
      GError *error = nullptr;

      ASSERT_TRUE (mmr_durable_store_save_register (s, "k", r, &error))
          << error->message;
      ASSERT_TRUE (mmr_durable_store_load_all (s, store, &error))
          << error->message;
      EXPECT_TRUE (registers_equal (mmr_store_lookup (store, "k"), r));
      g_rand_free (rand);
    }
  mmr_durable_store_close (s);
}

TEST_F (DurableStoreTest, ReadableColumnsShowTheOneLiveValue)
{
  std::string file = path ("c.db");
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), nullptr);
  g_autoptr (MmrRegister) one = make_register ({ version (0, 1, "milk", 1) });
  g_autoptr (MmrRegister) two = make_register (
      { version (0, 1, "a", 1), version (1, 1, "b", 1) });
  ASSERT_TRUE (mmr_durable_store_save_register (s, "one", one, nullptr));
  ASSERT_TRUE (mmr_durable_store_save_register (s, "two", two, nullptr));
  mmr_durable_store_close (s);

  sqlite3 *db = nullptr;
  sqlite3_stmt *st = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_prepare_v2 (db, "SELECT name, n_siblings, is_absent,"
                                 " coalesce(value, 'NULL') FROM registers"
                                 " ORDER BY name", -1, &st, nullptr),
             SQLITE_OK);
  std::string rows;
  while (sqlite3_step (st) == SQLITE_ROW)
    rows += std::string ((const char *) sqlite3_column_text (st, 0)) + "|"
            + std::to_string (sqlite3_column_int (st, 1)) + "|"
            + std::to_string (sqlite3_column_int (st, 2)) + "|"
            + (const char *) sqlite3_column_text (st, 3) + "\n";
  EXPECT_EQ (rows, "one|1|0|milk\ntwo|2|0|NULL\n");
  sqlite3_finalize (st);
  sqlite3_close (db);
}

TEST_F (DurableStoreTest, GroupCommitKeepsCommittedAndCrashLosesTheOpenBatch)
{
  std::string file = path ("g.db");
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), nullptr);
  g_autoptr (MmrRegister) a = make_register ({ version (0, 1, "a", 1) });
  g_autoptr (MmrRegister) b = make_register ({ version (0, 1, "b", 1) });
  g_autoptr (MmrRegister) c = make_register ({ version (0, 1, "c", 1) });

  ASSERT_TRUE (mmr_durable_store_begin (s, nullptr));
  EXPECT_TRUE (mmr_durable_store_in_batch (s));
  ASSERT_TRUE (mmr_durable_store_save_register (s, "a", a, nullptr));
  ASSERT_TRUE (mmr_durable_store_commit (s, nullptr));
  ASSERT_TRUE (mmr_durable_store_begin (s, nullptr));
  ASSERT_TRUE (mmr_durable_store_save_register (s, "b", b, nullptr));
  ASSERT_TRUE (mmr_durable_store_rollback (s, nullptr));
  ASSERT_TRUE (mmr_durable_store_begin (s, nullptr));
  ASSERT_TRUE (mmr_durable_store_save_register (s, "c", c, nullptr));
  mmr_durable_store_crash (s);

  s = mmr_durable_store_open (file.c_str (), nullptr);
  ASSERT_NE (s, nullptr);
  g_autoptr (MmrStore) store = mmr_store_new ();
  ASSERT_TRUE (mmr_durable_store_load_all (s, store, nullptr));
  g_autoptr (GPtrArray) names = mmr_store_dup_names (store);
  ASSERT_EQ (names->len, 1u);
  EXPECT_STREQ ((const char *) names->pdata[0], "a");
  mmr_durable_store_close (s);
}

TEST_F (DurableStoreTest, PeersConflictsAndMetaRoundTrip)
{
  std::string file = path ("p.db");
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), nullptr);
  MmrVersionVector seen = {}, loaded[MMR_MAX_REPLICAS];
  MmrEventVersion met[2] = {};
  MmrDot kept[1] = { { 2, 1 } };

  seen.c[0] = 3;
  seen.c[15] = 300000;
  ASSERT_TRUE (mmr_durable_store_save_peer (s, 2, &seen, nullptr));
  met[0].dot = { 0, 2 };
  met[0].value = "milk,flour";
  met[0].ts = 50000;
  met[0].hlc = { 50000, 0 };
  met[1].dot = { 2, 1 };
  met[1].value = nullptr;
  met[1].ts = 60000;
  met[1].ts_logical = 4;
  met[1].hlc = { 60000, 4 };
  ASSERT_TRUE (mmr_durable_store_log_conflict (
      s, 421224, "cart", MMR_RESOLVE_LWW_TIMESTAMP, met, 2, kept, 1,
      nullptr));
  ASSERT_TRUE (mmr_durable_store_set_meta (s, "replica", "B", nullptr));
  mmr_durable_store_close (s);

  GError *error = nullptr;
  s = mmr_durable_store_open (file.c_str (), nullptr);
  ASSERT_TRUE (mmr_durable_store_load_peers (s, loaded, &error));
  EXPECT_EQ (memcmp (&loaded[2], &seen, sizeof seen), 0);
  EXPECT_TRUE (mmr_version_vector_is_empty (&loaded[1]));
  g_autoptr (GPtrArray) log = mmr_durable_store_dup_conflicts (s, &error);
  ASSERT_NE (log, nullptr) << error->message;
  ASSERT_EQ (log->len, 1u);
  auto *c = (MmrDurableConflict *) log->pdata[0];
  EXPECT_EQ (c->id, 1);
  EXPECT_EQ (c->time_us, 421224);
  EXPECT_STREQ (c->register_name, "cart");
  EXPECT_EQ (c->rule, MMR_RESOLVE_LWW_TIMESTAMP);
  ASSERT_EQ (c->met->len, 2u);
  EXPECT_STREQ (g_array_index (c->met, MmrVersion, 0).value, "milk,flour");
  EXPECT_EQ (g_array_index (c->met, MmrVersion, 1).value, nullptr);
  EXPECT_EQ (g_array_index (c->met, MmrVersion, 1).ts_logical, 4u);
  EXPECT_EQ (g_array_index (c->met, MmrVersion, 1).hlc.c, 4u);
  ASSERT_EQ (c->kept->len, 1u);
  EXPECT_EQ (g_array_index (c->kept, MmrDot, 0).replica, 2);
  g_autofree char *name = mmr_durable_store_dup_meta (s, "replica", nullptr);
  EXPECT_STREQ (name, "B");
  g_autofree char *none = mmr_durable_store_dup_meta (s, "nope", &error);
  EXPECT_EQ (none, nullptr);
  EXPECT_EQ (error, nullptr);
  mmr_durable_store_close (s);
}

TEST_F (DurableStoreTest, RefusesAFileThatIsNotSQLite)
{
  std::string file = path ("notes.txt");
  write_all (file, "shopping list: milk, eggs\n");
  expect_refused (file, MMR_STORAGE_ERROR_NOT_DATABASE,
                  file + ": not a replica database: not an SQLite database at"
                  " all (it does not start with \"SQLite format 3\")");
}

TEST_F (DurableStoreTest, RefusesAnEmptyFile)
{
  std::string file = path ("empty.db");
  write_all (file, "");
  expect_refused (file, MMR_STORAGE_ERROR_CORRUPT,
                  file + ": truncated: the file is empty, not a replica"
                  " database");
}

TEST_F (DurableStoreTest, RefusesAForeignSQLiteDatabase)
{
  std::string file = path ("foreign.db");
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_exec (db, "CREATE TABLE photos (id, path);"
                           "INSERT INTO photos VALUES (1, 'cat.jpg')",
                           nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close (db);
  expect_refused (file, MMR_STORAGE_ERROR_FOREIGN,
                  file + ": not a replica database: an SQLite database of"
                  " another application (application_id 0x00000000)");
}

TEST_F (DurableStoreTest, RefusesAForeignWalDatabaseWithoutTouchingIt)
{
  std::string file = path ("wal.db");
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_exec (db, "PRAGMA journal_mode = WAL;"
                           "CREATE TABLE notes (t)", nullptr, nullptr,
                           nullptr), SQLITE_OK);
  sqlite3_close (db);
  expect_refused (file, MMR_STORAGE_ERROR_FOREIGN,
                  file + ": not a replica database: an SQLite database of"
                  " another application (application_id 0x00000000)");
}

TEST_F (DurableStoreTest, RefusesAnEmptySQLiteDatabase)
{
  std::string file = path ("blank.db");
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_exec (db, "PRAGMA user_version = 3", nullptr, nullptr,
                           nullptr), SQLITE_OK);
  sqlite3_close (db);
  expect_refused (file, MMR_STORAGE_ERROR_FOREIGN,
                  file + ": not a replica database: an empty SQLite"
                  " database");
}

TEST_F (DurableStoreTest, RefusesARunDatabaseByName)
{
  std::string file = path ("run.db");
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_exec (db, "CREATE TABLE meta (k, v);"
                           "PRAGMA application_id = 1296912978",
                           nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close (db);
  expect_refused (file, MMR_STORAGE_ERROR_FOREIGN,
                  file + ": not a replica database: it is a run database");
}

TEST_F (DurableStoreTest, RefusesAnotherSchemaVersion)
{
  std::string file = path ("v7.db");
  make_store (file, 3);
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_exec (db, "PRAGMA journal_mode = DELETE;"
                           "PRAGMA user_version = 7", nullptr, nullptr,
                           nullptr), SQLITE_OK);
  sqlite3_close (db);
  expect_refused (file, MMR_STORAGE_ERROR_VERSION,
                  file + ": a replica database of schema version 7; this mmr"
                  " reads version 1 only");
}

TEST_F (DurableStoreTest, RefusesATruncatedFile)
{
  std::string file = path ("cut.db");
  make_store (file, 400);
  std::string whole = read_all (file);
  ASSERT_GT (whole.size (), 8192u);
  write_all (file, whole.substr (0, whole.size () / 2));
  expect_refused (file, MMR_STORAGE_ERROR_CORRUPT,
                  file + ": truncated: the file has "
                  + std::to_string (whole.size () / 2)
                  + " bytes but its header describes "
                  + std::to_string (whole.size () / 4096)
                  + " pages of 4096 bytes");
}

TEST_F (DurableStoreTest, RefusesAFileCutInsideItsHeader)
{
  std::string file = path ("stub.db");
  write_all (file, std::string ("SQLite format 3\0\x10\0", 18));
  expect_refused (file, MMR_STORAGE_ERROR_CORRUPT,
                  file + ": truncated: 18 bytes, shorter than an SQLite"
                  " header");
}

TEST_F (DurableStoreTest, RefusesADamagedFile)
{
  std::string file = path ("bad.db");
  make_store (file, 400);
  std::string data = read_all (file);
  // Scribble over the b-tree pages after the first one (the header and
  // the schema page stay valid, so only SQLite's own check can tell).
  for (size_t i = 4096; i < data.size (); i += 7)
    data[i] = (char) (0xA5 ^ i);
  write_all (file, data);
  std::string before = read_all (file);
  GError *error = nullptr;
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), &error);
  EXPECT_EQ (s, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, MMR_STORAGE_ERROR,
                                MMR_STORAGE_ERROR_CORRUPT)) << error->message;
  EXPECT_TRUE (g_str_has_prefix (
      error->message,
      (file + ": damaged: SQLite's integrity check found: ").c_str ()))
      << error->message;
  EXPECT_EQ (read_all (file), before);
  g_clear_error (&error);
}

TEST_F (DurableStoreTest, RefusesADirectory)
{
  std::string file = path ("sub");
  ASSERT_EQ (g_mkdir (file.c_str (), 0755), 0);
  GError *error = nullptr;
  EXPECT_EQ (mmr_durable_store_open (file.c_str (), &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (std::string (error->message),
             file + ": cannot open: it is a directory");
  g_clear_error (&error);
}

// Root ignores directory permissions, so as root the attempt runs in a
// child that has given them up.
TEST_F (DurableStoreTest, ReadOnlyDirectoryIsAnErrorAndCreatesNothing)
{
  std::string ro = path ("ro");
  std::string file = ro + "/replica.db";
  int fds[2];

  ASSERT_EQ (g_mkdir (ro.c_str (), 0555), 0);
  ASSERT_EQ (g_chmod (dir.c_str (), 0755), 0);
  ASSERT_EQ (pipe (fds), 0);
  pid_t pid = fork ();
  ASSERT_GE (pid, 0);
  if (pid == 0)
    {
      GError *error = nullptr;
      close (fds[0]);
      if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
        _exit (3);
      MmrDurableStore *s = mmr_durable_store_open (file.c_str (), &error);
      std::string msg = s == nullptr
          ? std::to_string (error->code) + " " + error->message : "opened";
      if (write (fds[1], msg.data (), msg.size ()) < 0)
        _exit (4);
      _exit (0);
    }
  close (fds[1]);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = read (fds[0], buf, sizeof buf)) > 0)
    msg.append (buf, (size_t) n);
  close (fds[0]);
  int status = 0;
  waitpid (pid, &status, 0);
  ASSERT_EQ (WEXITSTATUS (status), 0);
  EXPECT_EQ (msg, std::to_string (MMR_STORAGE_ERROR_READ_ONLY) + " " + file
                  + ": cannot create: directory " + ro
                  + " is not writable (Permission denied)");
  EXPECT_FALSE (g_file_test (file.c_str (), G_FILE_TEST_EXISTS));
}

TEST_F (DurableStoreTest, FullDiskIsAnErrorAndTheBatchRollsBack)
{
  std::string file = path ("full.db");
  make_store (file, 2);
  MmrDurableStore *s = mmr_durable_store_open (file.c_str (), nullptr);
  ASSERT_NE (s, nullptr);
  ASSERT_TRUE (mmr_durable_store_set_max_pages (s, 8, nullptr));
  ASSERT_TRUE (mmr_durable_store_begin (s, nullptr));
  GError *error = nullptr;
  gboolean ok = TRUE;
  std::string big (1000, 'x');
  for (guint i = 0; i < 200 && ok; i++)
    {
      g_autofree char *name = g_strdup_printf ("big-%u", i);
      g_autoptr (MmrRegister) r = make_register ({ version (0, 1, big.c_str (),
                                                            i) });
      ok = mmr_durable_store_save_register (s, name, r, &error);
    }
  ASSERT_FALSE (ok);
  EXPECT_TRUE (g_error_matches (error, MMR_STORAGE_ERROR,
                                MMR_STORAGE_ERROR_FULL));
  EXPECT_EQ (std::string (error->message),
             file + ": saving a register: the disk is full (SQLite: database"
             " or disk is full)");
  g_clear_error (&error);
  EXPECT_TRUE (mmr_durable_store_rollback (s, nullptr));
  mmr_durable_store_close (s);

  s = mmr_durable_store_open (file.c_str (), nullptr);
  ASSERT_NE (s, nullptr);
  EXPECT_EQ (mmr_durable_store_n_registers (s, nullptr), 2u);
  mmr_durable_store_close (s);
}

TEST_F (DurableStoreTest, MissingDirectoryIsAnError)
{
  std::string file = path ("nope/replica.db");
  GError *error = nullptr;
  EXPECT_EQ (mmr_durable_store_open (file.c_str (), &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (std::string (error->message),
             file + ": cannot create: directory " + path ("nope")
             + " does not exist");
  g_clear_error (&error);
}
