// durability-test.cc - replicas on SQLite: crash, restart and the two
// durability modes. The lesson of lab 11, as exact outcomes: with sync no
// acknowledged write is ever lost across a crash; with async exactly the
// acknowledged, uncommitted writes are.
#include <gtest/gtest.h>

#include <map>

#include "world-helpers.h"

extern "C" {
#include <glib/gstdio.h>
}

static const gint64 S = G_USEC_PER_SEC;

struct TempDir
{
  char *path;
  TempDir () { path = g_dir_make_tmp ("mmr-durability-XXXXXX", nullptr); }
  ~TempDir ()
  {
    GDir *d = g_dir_open (path, 0, nullptr);
    const char *name;
    while (d && (name = g_dir_read_name (d)) != nullptr)
      {
        g_autofree char *f = g_build_filename (path, name, nullptr);
        g_unlink (f);
      }
    if (d)
      g_dir_close (d);
    g_rmdir (path);
    g_free (path);
  }
};

static MmrWorld *
durable_world (const char *dir, MmrDurability durability)
{
  static const char *names[] = { "A", "B", "C" };
  MmrWorldConfig cfg;
  GError *error = nullptr;

  mmr_world_config_init (&cfg);
  cfg.n_replicas = 3;
  for (unsigned i = 0; i < 3; i++)
    cfg.names[i] = (char *) names[i];
  cfg.durability = durability;
  cfg.data_dir = (char *) dir;
  MmrWorld *w = mmr_world_new_full (&cfg, &error);
  EXPECT_EQ (error, nullptr) << (error ? error->message : "");
  return w;
}

// A writes while cut off from everyone, then crashes before anything
// could replicate: only its own database can save the write.
static std::vector<std::string>
crash_isolated_writer (MmrWorld *w, MmrWriteLog *log)
{
  int groups[MMR_MAX_REPLICAS] = { 0, 1, 1 };

  mmr_world_put (w, 0, "base", nullptr, "shared");
  EXPECT_TRUE (mmr_world_settle (w, 10 * S));
  mmr_world_partition (w, groups);
  mmr_world_put (w, 0, "cart", nullptr, "milk");   // acknowledged at once
  mmr_world_crash (w, 0);                         // before any flush
  EXPECT_TRUE (mmr_world_is_down (w, 0));
  mmr_world_run_until (w, mmr_world_now (w) + 200000);
  GError *error = nullptr;
  EXPECT_TRUE (mmr_world_restart (w, 0, &error));
  mmr_world_heal_all (w);
  EXPECT_TRUE (mmr_world_settle (w, 10 * S));
  return lost (log);
}

TEST (MmrDurability, SyncLosesNoAcknowledgedWriteAcrossACrash)
{
  TempDir dir;
  MmrWorld *w = durable_world (dir.path, MMR_DURABILITY_SYNC);
  MmrWriteLog *log = mmr_write_log_new (w);

  EXPECT_TRUE (crash_isolated_writer (w, log).empty ());
  for (unsigned r = 0; r < 3; r++)
    {
      EXPECT_EQ (shown (w, r, "cart"), "milk") << "replica " << r;
      EXPECT_EQ (shown (w, r, "base"), "shared");
    }
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrDurability, AsyncLosesExactlyTheAcknowledgedUncommittedWrites)
{
  TempDir dir;
  MmrWorld *w = durable_world (dir.path, MMR_DURABILITY_ASYNC);
  MmrWriteLog *log = mmr_write_log_new (w);

  EXPECT_EQ (crash_isolated_writer (w, log),
             std::vector<std::string> ({ "cart=milk" }));
  EXPECT_EQ (shown (w, 0, "cart"), "absent");
  EXPECT_EQ (shown (w, 0, "base"), "shared");   // committed by a flush
  EXPECT_TRUE (differences (w).empty ());
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrDurability, WithoutADatabaseACrashLosesWhatWasNotReplicated)
{
  MmrWorld *w = make_world (3, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  MmrWriteLog *log = mmr_write_log_new (w);

  EXPECT_EQ (crash_isolated_writer (w, log),
             std::vector<std::string> ({ "cart=milk" }));
  EXPECT_EQ (shown (w, 0, "base"), "shared");   // caught up from peers
  mmr_write_log_free (log);
  mmr_world_free (w);
}

static void
count_kinds (const MmrEvent *ev, gpointer data)
{
  auto *v = (std::vector<std::string> *) data;
  if (ev->kind == MMR_EV_REFUSED || ev->kind == MMR_EV_CRASH
      || ev->kind == MMR_EV_RESTART
      || (ev->kind == MMR_EV_DROP && ev->detail
          && strcmp (ev->detail, "receiver is down") == 0))
    v->push_back (std::string (mmr_event_kind_to_string (ev->kind)) + ":"
                  + (ev->detail ? ev->detail : ""));
}

TEST (MmrDurability, ADownReplicaDropsMessagesAndRefusesWritesUntilCaughtUp)
{
  TempDir dir;
  MmrWorld *w = durable_world (dir.path, MMR_DURABILITY_SYNC);
  std::vector<std::string> seen;

  mmr_world_add_observer (w, count_kinds, &seen);
  mmr_world_crash (w, 1);
  mmr_world_put (w, 0, "x", nullptr, "1");       // B is down: its copy drops
  mmr_world_put (w, 1, "x", nullptr, "2");       // refused
  mmr_world_run_until (w, mmr_world_now (w) + 50000);
  ASSERT_TRUE (mmr_world_restart (w, 1, nullptr));
  EXPECT_TRUE (mmr_world_is_recovering (w, 1));
  mmr_world_put (w, 1, "x", nullptr, "3");       // refused: catching up
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_FALSE (mmr_world_is_recovering (w, 1));
  EXPECT_EQ (shown (w, 1, "x"), "1");
  EXPECT_EQ (seen, std::vector<std::string> ({
                       "crash:memory and uncommitted writes lost",
                       "refused:replica is down",
                       "drop:receiver is down",
                       "restart:reloaded 0 registers, new dots above 1000, catching up",
                       "refused:replica is recovering" }));
  mmr_world_free (w);
}

TEST (MmrDurability, CrdtStateSurvivesACrashWithSync)
{
  TempDir dir;
  MmrWorld *w = durable_world (dir.path, MMR_DURABILITY_SYNC);
  int groups[MMR_MAX_REPLICAS] = { 0, 1, 1 };

  mmr_world_declare_type (w, "likes", MMR_CRDT_PNCOUNTER);
  mmr_world_partition (w, groups);
  ASSERT_TRUE (mmr_world_crdt_op (w, 0, "likes", "incr", "7", nullptr));
  mmr_world_crash (w, 0);
  ASSERT_TRUE (mmr_world_restart (w, 0, nullptr));
  EXPECT_EQ (shown (w, 0, "likes"), "7");
  mmr_world_heal_all (w);
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_EQ (shown (w, 2, "likes"), "7");
  mmr_world_free (w);
}

// Every write the trace names, by its identity (register, dot): a dot must
// name exactly one write, so no identity may appear twice.
struct DotLog
{
  std::map<std::string, std::string> by_id;   // "key|A:1" -> value
  std::vector<std::string> reused;            // "key|A:1: milk then tea"
};

static void
log_dots (const MmrEvent *ev, gpointer data)
{
  auto *log = (DotLog *) data;

  if (ev->kind != MMR_EV_WRITE && ev->kind != MMR_EV_DELETE)
    return;
  std::string id = std::string (ev->key) + "|"
                   + std::to_string (ev->dot.replica) + ":"
                   + std::to_string (ev->dot.counter);
  std::string value = ev->value ? ev->value : "(deleted)";
  auto it = log->by_id.find (id);
  if (it != log->by_id.end ())
    log->reused.push_back (id + ": " + it->second + " then " + value);
  else
    log->by_id[id] = value;
}

static void
write_dots (const MmrEvent *ev, gpointer data)
{
  auto *dots = (std::vector<std::string> *) data;

  if (ev->kind == MMR_EV_WRITE)
    dots->push_back (std::string (ev->key) + "=" + ev->value + " A:"
                     + std::to_string (ev->dot.counter));
}

// Issue 10, defect 1: A's write reaches B and C, A crashes before that
// write is on its disk (async) or with no disk at all (none), restarts
// cut off, waits out its catch-up window and writes again. It must not
// name the new write with the dot of the one it forgot.
static void
restart_after_pushed_write (MmrWorld *w)
{
  int groups[MMR_MAX_REPLICAS] = { 0, 1, 1 };
  MmrWriteLog *log = mmr_write_log_new (w);
  DotLog dots;
  std::vector<std::string> writes;

  mmr_world_add_observer (w, log_dots, &dots);
  mmr_world_add_observer (w, write_dots, &writes);
  mmr_world_put (w, 0, "cart", nullptr, "milk");   // t = 0, no flush yet
  mmr_world_run_until (w, 20000);                  // pushes delivered
  EXPECT_EQ (shown (w, 1, "cart"), "milk");
  mmr_world_crash (w, 0);                          // before the 50ms flush
  mmr_world_partition (w, groups);
  ASSERT_TRUE (mmr_world_restart (w, 0, nullptr));
  EXPECT_EQ (shown (w, 0, "cart"), "absent");
  mmr_world_run_until (w, mmr_world_now (w) + 1100000);
  ASSERT_FALSE (mmr_world_is_recovering (w, 0));
  mmr_world_put (w, 0, "cart", nullptr, "tea");
  mmr_world_heal_all (w);
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));

  EXPECT_EQ (dots.reused, std::vector<std::string> ());
  EXPECT_EQ (writes, std::vector<std::string> ({ "cart=milk A:1",
                                                 "cart=tea A:1001" }));
  EXPECT_EQ (differences (w), std::vector<std::string> ());
  for (unsigned r = 0; r < 3; r++)
    EXPECT_EQ (shown (w, r, "cart"), "tea") << "replica " << r;
  // The restarted A overwrote milk without having seen it: milk is gone
  // and the checker says so.
  EXPECT_EQ (lost (log), std::vector<std::string> ({ "cart=milk" }));
  mmr_write_log_free (log);
}

TEST (MmrDurability, AsyncRestartNeverReissuesTheDotOfAForgottenWrite)
{
  TempDir dir;
  MmrWorld *w = durable_world (dir.path, MMR_DURABILITY_ASYNC);

  restart_after_pushed_write (w);
  mmr_world_free (w);
}

TEST (MmrDurability, RestartWithoutADatabaseNeverReissuesADot)
{
  MmrWorld *w = durable_world (nullptr, MMR_DURABILITY_NONE);

  restart_after_pushed_write (w);
  mmr_world_free (w);
}

// The same for a CRDT key: an OR-Set names each add with a dot, and a
// restarted replica that reused the dot of a forgotten add made both
// adds vanish everywhere (each replica took the other's as removed).
static void
restart_after_pushed_add (MmrWorld *w)
{
  int groups[MMR_MAX_REPLICAS] = { 0, 1, 1 };

  mmr_world_declare_type (w, "tags", MMR_CRDT_ORSET);
  ASSERT_TRUE (mmr_world_crdt_op (w, 0, "tags", "add", "x", nullptr));
  mmr_world_run_until (w, 20000);                  // the delta reached B
  EXPECT_EQ (shown (w, 1, "tags"), "x");
  mmr_world_crash (w, 0);
  mmr_world_partition (w, groups);
  ASSERT_TRUE (mmr_world_restart (w, 0, nullptr));
  mmr_world_run_until (w, mmr_world_now (w) + 1100000);
  ASSERT_TRUE (mmr_world_crdt_op (w, 0, "tags", "add", "y", nullptr));
  mmr_world_heal_all (w);
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_EQ (differences (w), std::vector<std::string> ());
  for (unsigned r = 0; r < 3; r++)
    EXPECT_EQ (shown (w, r, "tags"), "{x, y}") << "replica " << r;
}

TEST (MmrDurability, AsyncRestartNeverReissuesTheDotOfAForgottenAdd)
{
  TempDir dir;
  MmrWorld *w = durable_world (dir.path, MMR_DURABILITY_ASYNC);

  restart_after_pushed_add (w);
  mmr_world_free (w);
}

TEST (MmrDurability, RestartWithoutADatabaseNeverReissuesTheDotOfAnAdd)
{
  MmrWorld *w = durable_world (nullptr, MMR_DURABILITY_NONE);

  restart_after_pushed_add (w);
  mmr_world_free (w);
}
