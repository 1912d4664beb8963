// restart-property-test.cc - property: a dot names one write, whatever
// crashes and restarts forget (issue 10, defect 1).
//
// For each seed and durability mode (none, sync, async): a random world
// (2..4 replicas, LWW or siblings, any clock and granularity, any
// anti-entropy mode), random puts and deletes on a few registers, loss,
// duplication, reordering, partitions and one-way cuts, clock skews
// that may set a clock back, and random crashes and restarts - some restarts cut off and outlasting the
// catch-up window. Then every replica restarts, every link heals and the
// world settles. It must reach quiescence with every replica showing the
// same state (OR-Set adds and removes included: their dots come from the
// same lease); no (register, dot) may be issued by two WRITE or DELETE
// events, and no replica may hold a version whose value is not the one
// its dot's write gave. Under sync with siblings no acknowledged write
// may be lost. A failure prints the mode and the seed.
#include <gtest/gtest.h>

#include <map>

#include "world-helpers.h"

extern "C" {
#include <glib/gstdio.h>

#include "core/prng.h"
}

namespace {

// A fresh folder for one seed's databases, on tmpfs when there is one
// (a few thousand SQLite files per run).
struct DataDir
{
  char *path = nullptr;
  DataDir ()
  {
    const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR)
                       ? "/dev/shm" : g_get_tmp_dir ();
    std::string tmpl = std::string (base) + "/mmr-restart-XXXXXX";
    path = g_mkdtemp (g_strdup (tmpl.c_str ()));
  }
  ~DataDir ()
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

struct Issued
{
  std::map<std::string, std::string> value_of;   // "name|r:c" -> value
  std::string reused;                             // the first reuse
};

std::string
dot_id (const char *name, MmrDot dot)
{
  return std::string (name) + "|" + std::to_string (dot.replica) + ":"
         + std::to_string (dot.counter);
}

void
note_write (const MmrEvent *ev, gpointer data)
{
  auto *issued = (Issued *) data;

  if (ev->kind != MMR_EV_WRITE && ev->kind != MMR_EV_DELETE)
    return;
  std::string id = dot_id (ev->key, ev->dot);
  std::string value = ev->value ? ev->value : "(deleted)";
  if (issued->value_of.count (id) && issued->reused.empty ())
    issued->reused = id + " named " + issued->value_of[id] + " and "
                     + value;
  issued->value_of.emplace (id, value);
}

struct HeldCtx
{
  const Issued *issued;
  unsigned replica;
  std::string mismatch;
};

// Every version a replica holds carries the value its dot's write gave.
void
check_held (gpointer key, gpointer value, gpointer data)
{
  auto *ctx = (HeldCtx *) data;
  const MmrRegister *reg = (const MmrRegister *) value;

  for (guint i = 0; i < reg->n_siblings && ctx->mismatch.empty (); i++)
    {
      const MmrVersion *v = &reg->siblings[i];
      std::string id = dot_id ((const char *) key, v->dot);
      auto it = ctx->issued->value_of.find (id);
      std::string held = v->value ? v->value : "(deleted)";

      if (it == ctx->issued->value_of.end ())
        ctx->mismatch = "replica " + std::to_string (ctx->replica)
                        + " holds " + id + ", never written";
      else if (it->second != held)
        ctx->mismatch = "replica " + std::to_string (ctx->replica)
                        + " holds " + id + " = " + held + ", written as "
                        + it->second;
    }
}

void
random_faults (MmrWorld *w, MmrPrng *p, unsigned n)
{
  double roll = mmr_prng_double (p);

  if (roll < 0.15)
    {
      int groups[MMR_MAX_REPLICAS];
      for (unsigned i = 0; i < n; i++)
        groups[i] = (int) mmr_prng_range (p, 0, 1);
      mmr_world_partition (w, groups);
    }
  else if (roll < 0.25)
    {
      guint a = (guint) mmr_prng_range (p, 0, n - 1);
      guint b = (a + 1 + (guint) mmr_prng_range (p, 0, n - 2)) % n;
      mmr_world_set_cut (w, a, b, TRUE);
    }
  else if (roll < 0.35)
    mmr_world_heal_all (w);
  else if (roll < 0.45)   /* a clock set back after a crash included */
    mmr_world_set_skew (w, (guint) mmr_prng_range (p, 0, n - 1),
                        mmr_prng_range (p, -2000000, 2000000));
}

void
crash_and_restart (MmrWorld *w, MmrPrng *p, unsigned n)
{
  if (mmr_prng_chance (p, 0.25))
    mmr_world_crash (w, (guint) mmr_prng_range (p, 0, n - 1));
  for (unsigned r = 0; r < n; r++)
    if (mmr_world_is_down (w, r) && mmr_prng_chance (p, 0.4))
      g_assert (mmr_world_restart (w, r, nullptr));
}

void
random_writes (MmrWorld *w, MmrPrng *p, unsigned n)
{
  static const char *keys[] = { "cart", "user", "tags" };
  static const char *fields[] = { "", "name", "email" };
  static const char *values[] = { "milk", "eggs", "flour", "Ann", "Bob" };
  unsigned k = (unsigned) mmr_prng_range (p, 1, 3);

  for (unsigned i = 0; i < k; i++)
    {
      guint r = (guint) mmr_prng_range (p, 0, n - 1);
      const char *key = keys[mmr_prng_range (p, 0, 2)];
      const char *field = fields[mmr_prng_range (p, 0, 2)];

      double roll = mmr_prng_double (p);

      if (roll < 0.10)
        mmr_world_crdt_op (w, r, "labels", roll < 0.07 ? "add" : "rem",
                           values[mmr_prng_range (p, 0, 4)], nullptr);
      else if (mmr_prng_chance (p, 0.15))
        mmr_world_delete (w, r, key, field);
      else
        mmr_world_put (w, r, key, field, values[mmr_prng_range (p, 0, 4)]);
    }
}

std::string
run_seed (guint64 seed, MmrDurability durability)
{
  static const char *names[] = { "A", "B", "C", "D" };
  DataDir dir;
  MmrPrng *p = mmr_prng_new (seed);
  unsigned n = (unsigned) mmr_prng_range (p, 2, 4);
  MmrStrategy strategy = (MmrStrategy) mmr_prng_range (p, 0, 1);
  MmrWorldConfig cfg;
  MmrLinkModel m;
  Issued issued;
  std::string failure;

  mmr_world_config_init (&cfg);
  cfg.n_replicas = n;
  for (unsigned i = 0; i < n; i++)
    cfg.names[i] = (char *) names[i];
  cfg.seed = seed;
  cfg.strategy = strategy;
  cfg.clock = (MmrClockSource) mmr_prng_range (p, 0, 2);
  cfg.granularity = (MmrGranularity) mmr_prng_range (p, 0, 1);
  cfg.antientropy_interval_us = 50000;
  cfg.durability = durability;
  cfg.data_dir = durability != MMR_DURABILITY_NONE ? dir.path : nullptr;
  MmrWorld *w = mmr_world_new (&cfg);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_add_observer (w, note_write, &issued);
  mmr_world_declare_type (w, "labels", MMR_CRDT_ORSET);
  mmr_world_set_antientropy_mode (w, (MmrAntiEntropyMode) (seed % 3));
  mmr_link_model_init (&m);
  m.latency_min_us = 1000;
  m.latency_max_us = (gint64) mmr_prng_range (p, 1000, 40000);
  m.loss = mmr_prng_double (p) * 0.2;
  m.duplicate = mmr_prng_double (p) * 0.1;
  m.reorder = mmr_prng_chance (p, 0.5);
  mmr_world_set_link_model (w, -1, -1, &m);
  for (int step = 0; step < 12; step++)
    {
      random_faults (w, p, n);
      crash_and_restart (w, p, n);
      random_writes (w, p, n);
      mmr_world_run_until (w, mmr_world_now (w)
                              + mmr_prng_range (p, 0, 60000)
                              + (mmr_prng_chance (p, 0.1) ? 1100000 : 0));
    }
  for (unsigned r = 0; r < n; r++)
    if (mmr_world_is_down (w, r))
      g_assert (mmr_world_restart (w, r, nullptr));
  mmr_world_heal_all (w);
  if (!mmr_world_settle (w, 120 * G_USEC_PER_SEC))
    failure = "did not settle";
  else if (!issued.reused.empty ())
    failure = "dot reused: " + issued.reused;
  else if (!differences (w).empty ())
    failure = "diverged: " + differences (w)[0];
  else if (strategy == MMR_STRATEGY_SIBLINGS
           && durability == MMR_DURABILITY_SYNC && !lost (log).empty ())
    failure = "sync siblings lost a write: " + lost (log)[0];
  for (unsigned r = 0; r < n && failure.empty (); r++)
    {
      HeldCtx ctx = { &issued, r, "" };
      mmr_store_foreach (mmr_world_get_store (w, r), check_held, &ctx);
      failure = ctx.mismatch;
    }
  mmr_write_log_free (log);
  mmr_world_free (w);
  mmr_prng_free (p);
  return failure;
}

void
check_seeds (MmrDurability durability, guint64 n_seeds)
{
  static const char *modes[] = { "none", "sync", "async" };

  for (guint64 seed = 1; seed <= n_seeds; seed++)
    {
      std::string f = run_seed (seed, durability);
      ASSERT_EQ (f, "") << "durability " << modes[durability] << ", seed "
                        << seed << " (reproduce: run_seed(" << seed
                        << ", " << modes[durability] << "))";
    }
}

} // namespace

TEST (MmrRestart, WithoutADatabaseNoDotNamesTwoWritesAndRunsConverge)
{
  check_seeds (MMR_DURABILITY_NONE, 2000);
}

TEST (MmrRestart, SyncNoDotNamesTwoWritesNoneIsLostAndRunsConverge)
{
  check_seeds (MMR_DURABILITY_SYNC, 1000);
}

TEST (MmrRestart, AsyncNoDotNamesTwoWritesAndRunsConverge)
{
  check_seeds (MMR_DURABILITY_ASYNC, 1000);
}
