/* storage-bench.c - durable stores, the recorder and Merkle anti-entropy,
 * each against a reference measured in the same run (storage-bench.h)
 *
 * 1. Reference: N rows inserted into one SQLite table in WAL mode, 1000
 *    per transaction, through one prepared statement - the least a
 *    durable replica must do per write. Durable store: the same N writes
 *    saved as registers into 5 stores (5 replicas each applying every
 *    write), every store committing each batch of 1000 (group commit).
 *    The ratio compares rows per second.
 * 2. One workload (5 replicas, 50 keys, anti-entropy on) run with and
 *    without the recorder; process CPU time, so other load on the
 *    machine does not count.
 * 3. The same workload recorded until it has 1,000,000 events; then the
 *    state at 21 instants spread over the run, each timed alone.
 * 4. 100,000 keys on replicas A, B, C; during a partition A | B C, A
 *    rewrites 500 keys and B 500 others (which reach C). After the heal
 *    the exchanges A-B, A-C, B-C repair everything; each method's bytes
 *    are the real wire encodings of its DIGEST / DIGEST_REPLY / STATE
 *    messages (net/wire.h) plus, for Merkle, the tree walk's messages as
 *    sync/merkle.c sizes them.
 */
#include "storage-bench.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>

#include "net/wire.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "sim/world.h"
#include "store/durable-store.h"
#include "sync/merkle.h"

#define N_INSERTS 200000
#define BATCH 1000
#define N_STORES 5

static const char *
verdict (gboolean ok)
{
  return ok ? "ok" : "MISSED";
}

static double
wall_s (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
note (gboolean progress, const char *what)
{
  if (progress)
    fprintf (stderr, "  ... %s\n", what);
}

/* ---- 1. raw SQLite vs durable store -------------------------------- */

static double
raw_insert_rate (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "raw.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char key[32], value[32];
  double start;

  sqlite3_open (path, &db);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)", NULL, NULL,
                NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO kv VALUES (?1, ?2)", -1, &st, NULL);
  start = wall_s ();
  for (guint i = 0; i < N_INSERTS; i++)
    {
      if (i % BATCH == 0)
        sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
      g_snprintf (key, sizeof key, "key-%07u", i);
      g_snprintf (value, sizeof value, "value-%07u", i);
      sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, value, -1, SQLITE_STATIC);
      sqlite3_step (st);
      sqlite3_reset (st);
      if (i % BATCH == BATCH - 1)
        sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  return N_INSERTS / (wall_s () - start);
}

/* A register holding one version: what a replica saves after applying a
 * write it had not seen. */
static void
set_version (MmrRegister *r, guint8 replica, const char *value)
{
  mmr_register_reset_siblings (r, 1);
  r->vv.c[replica]++;
  r->siblings[0].dot.replica = replica;
  r->siblings[0].dot.counter = r->vv.c[replica];
  r->siblings[0].ts = 1000 * (gint64) r->vv.c[replica];
  r->siblings[0].hlc.l = r->siblings[0].ts;
  r->siblings[0].value = g_strdup (value);
}

static double
durable_save_rate (const char *dir)
{
  MmrDurableStore *stores[N_STORES];
  g_autoptr (MmrRegister) reg = mmr_register_new ();
  char key[32], value[32];
  double start;

  for (guint s = 0; s < N_STORES; s++)
    {
      g_autofree char *name = g_strdup_printf ("replica-%u.db", s);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      stores[s] = mmr_durable_store_open (path, NULL);
      g_assert (stores[s] != NULL);
    }
  start = wall_s ();
  for (guint i = 0; i < N_INSERTS; i++)
    {
      g_snprintf (key, sizeof key, "key-%07u", i);
      g_snprintf (value, sizeof value, "value-%07u", i);
      set_version (reg, (guint8) (i % N_STORES), value);
      for (guint s = 0; s < N_STORES; s++)
        {
          if (i % BATCH == 0)
            mmr_durable_store_begin (stores[s], NULL);
          mmr_durable_store_save_register (stores[s], key, reg, NULL);
          if (i % BATCH == BATCH - 1)
            mmr_durable_store_commit (stores[s], NULL);
        }
    }
  for (guint s = 0; s < N_STORES; s++)
    mmr_durable_store_close (stores[s]);
  return (double) N_INSERTS * N_STORES / (wall_s () - start);
}

static void
bench_durable (const char *dir, gboolean progress)
{
  double raw, durable;

  note (progress, "raw SQLite inserts");
  raw = raw_insert_rate (dir);
  note (progress, "durable store saves");
  durable = durable_save_rate (dir);
  printf ("  raw SQLite inserts (WAL, batches of %d)   %10.0f /s   "
          "(reference)\n", BATCH, raw);
  printf ("  durable save_register, %d stores          %10.0f /s   "
          "%d registers\n", N_STORES, durable, N_INSERTS * N_STORES);
  printf ("  ratio to raw inserts                     %10.3f      "
          "target >= 0.5: %s\n", durable / raw, verdict (durable / raw >= 0.5));
}

/* ---- 2, 3. the recorder --------------------------------------------- */

static MmrWorld *
workload_world (void)
{
  static const char *const names[] = { "A", "B", "C", "D", "E" };
  MmrWorldConfig cfg;

  mmr_world_config_init (&cfg);
  cfg.n_replicas = 5;
  for (guint i = 0; i < 5; i++)
    cfg.names[i] = (char *) names[i];
  cfg.seed = 5;
  cfg.strategy = MMR_STRATEGY_LWW;
  cfg.clock = MMR_CLOCK_HLC;
  cfg.antientropy_interval_us = 50000;
  return mmr_world_new (&cfg);
}

/* Writes to 50 keys at random replicas, 5 per virtual millisecond, until
 * @n_writes were made or the world has @max_events events. */
static void
drive (MmrWorld *w, guint n_writes, guint64 max_events)
{
  GRand *rand = g_rand_new_with_seed (1987);
  char key[16], value[16];

  for (guint i = 0; i < n_writes && mmr_world_n_events (w) < max_events; i++)
    {
      g_snprintf (key, sizeof key, "k%d", g_rand_int_range (rand, 0, 50));
      g_snprintf (value, sizeof value, "v%u", i);
      mmr_world_put (w, (guint) g_rand_int_range (rand, 0, 5), key, NULL,
                     value);
      if (i % 5 == 4)
        mmr_world_run_until (w, mmr_world_now (w) + 1000);
    }
  mmr_world_settle (w, 10 * G_USEC_PER_SEC);
  g_rand_free (rand);
}

static double
timed_run (const char *db_path, guint n_writes, guint64 *out_events)
{
  MmrWorld *w;
  MmrRecorder *rec = NULL;
  MmrRecorderInfo info = { "storage-bench", "", 5, 0 };
  double start = cpu_s ();

  w = workload_world ();
  if (db_path != NULL)
    rec = mmr_recorder_new (w, db_path, &info, NULL);
  drive (w, n_writes, G_MAXUINT64);
  if (rec != NULL)
    {
      mmr_recorder_finish (rec, NULL);
      mmr_recorder_free (rec);
    }
  *out_events = mmr_world_n_events (w);
  mmr_world_free (w);
  return cpu_s () - start;
}

static void
bench_recording_cost (const char *dir, gboolean progress)
{
  g_autofree char *path = g_build_filename (dir, "cost.db", NULL);
  guint64 events = 0;
  double plain, recorded;

  note (progress, "a run without and with the recorder");
  plain = timed_run (NULL, 40000, &events);
  recorded = timed_run (path, 40000, &events);
  printf ("  a run of %" G_GUINT64_FORMAT " events: %.2f s CPU, recorded"
          " %.2f s   ratio %.2f   target <= 2: %s\n",
          events, plain, recorded, recorded / plain,
          verdict (recorded / plain <= 2.0));
  g_unlink (path);
}

static int
double_cmp (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
bench_rebuild (const char *dir, gboolean progress)
{
  g_autofree char *path = g_build_filename (dir, "million.db", NULL);
  MmrRecorderInfo info = { "storage-bench", "", 5, 0 };
  MmrWorld *w = workload_world ();
  MmrRecorder *rec = mmr_recorder_new (w, path, &info, NULL);
  double times[21], open_s;
  guint64 events;
  MmrReplay *rp;
  gint64 end;

  note (progress, "recording a 1,000,000-event run");
  drive (w, G_MAXUINT, 1000000);
  events = mmr_world_n_events (w);
  mmr_recorder_finish (rec, NULL);
  mmr_recorder_free (rec);
  mmr_world_free (w);
  open_s = wall_s ();
  rp = mmr_replay_open (path, NULL);
  open_s = wall_s () - open_s;
  end = mmr_replay_get_end_us (rp);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      double start = wall_s ();
      GPtrArray *state = mmr_replay_dup_state (
          rp, end / 20 * (gint64) i - (i % 2), FALSE, NULL);

      times[i] = (wall_s () - start) * 1000;
      g_ptr_array_unref (state);
    }
  mmr_replay_free (rp);
  qsort (times, G_N_ELEMENTS (times), sizeof (double), double_cmp);
  printf ("  state at an instant of a %" G_GUINT64_FORMAT "-event run: "
          "median %.1f ms, max %.1f ms (open %.1f ms)   target < 50 ms: %s\n",
          events, times[10], times[20], open_s * 1000,
          verdict (times[20] < 50));
  g_unlink (path);
}

/* ---- 4. full vs digest vs Merkle ----------------------------------- */

#define N_KEYS 100000
#define N_DIVERGED (N_KEYS / 100)

static guint64
encoded_size (MmrMessage *msg)
{
  g_autoptr (GBytes) b = mmr_wire_encode (msg, NULL);

  return g_bytes_get_size (b);
}

static void
add_copy (MmrMessage *msg, const char *name, const MmrRegister *reg,
          gboolean vv_only)
{
  MmrRegister *r = vv_only ? mmr_register_new () : mmr_register_copy (reg);

  r->vv = reg->vv;
  mmr_message_add_register (msg, name, r);
}

static guint64
full_bytes (MmrStore *x, MmrStore *y)
{
  guint64 bytes = 0;
  MmrStore *sides[2] = { x, y };

  for (guint s = 0; s < 2; s++)
    {
      g_autoptr (MmrMessage) state = mmr_message_new (MMR_MSG_STATE);
      g_autoptr (GPtrArray) names = mmr_store_dup_names (sides[s]);

      for (guint i = 0; i < names->len; i++)
        add_copy (state, names->pdata[i],
                  mmr_store_lookup (sides[s], names->pdata[i]), FALSE);
      bytes += encoded_size (state);
    }
  return bytes;
}

/* anti-entropy.c's three messages, over the names each side considers:
 * @xs of initiator @x, @ys of peer @y. */
static guint64
digest_bytes (MmrStore *x, MmrStore *y, GPtrArray *xs, GPtrArray *ys)
{
  g_autoptr (MmrMessage) digest = mmr_message_new (MMR_MSG_DIGEST);
  g_autoptr (MmrMessage) reply = mmr_message_new (MMR_MSG_DIGEST_REPLY);
  g_autoptr (MmrMessage) state = mmr_message_new (MMR_MSG_STATE);
  guint64 bytes;

  for (guint i = 0; i < xs->len; i++)
    {
      MmrRegister *mine = mmr_store_lookup (x, xs->pdata[i]);
      MmrRegister *theirs = mmr_store_lookup (y, xs->pdata[i]);

      add_copy (digest, xs->pdata[i], mine, TRUE);
      if (theirs == NULL || !mmr_version_vector_leq (&mine->vv, &theirs->vv))
        {
          mmr_message_add_need (reply, xs->pdata[i]);
          add_copy (state, xs->pdata[i], mine, FALSE);
        }
    }
  for (guint i = 0; i < ys->len; i++)
    {
      MmrRegister *mine = mmr_store_lookup (y, ys->pdata[i]);
      MmrRegister *theirs = mmr_store_lookup (x, ys->pdata[i]);

      if (theirs == NULL || !mmr_version_vector_leq (&mine->vv, &theirs->vv))
        add_copy (reply, ys->pdata[i], mine, FALSE);
    }
  bytes = encoded_size (digest) + encoded_size (reply);
  return state->registers->len > 0 ? bytes + encoded_size (state) : bytes;
}

static guint64
all_digest_bytes (MmrStore *x, MmrStore *y)
{
  g_autoptr (GPtrArray) xs = mmr_store_dup_names (x);
  g_autoptr (GPtrArray) ys = mmr_store_dup_names (y);

  return digest_bytes (x, y, xs, ys);
}

static guint64
merkle_bytes (MmrStore *x, MmrStore *y)
{
  g_autoptr (MmrMerkle) tx = mmr_merkle_new_from_store (
      x, MMR_MERKLE_DEFAULT_DEPTH);
  g_autoptr (MmrMerkle) ty = mmr_merkle_new_from_store (
      y, MMR_MERKLE_DEFAULT_DEPTH);
  MmrMerkleDiff diff;
  guint64 bytes;

  if (mmr_merkle_diff (tx, ty, &diff) > 0)
    {
      g_autoptr (GPtrArray) xs = mmr_merkle_dup_bucket_names (
          x, MMR_MERKLE_DEFAULT_DEPTH, diff.buckets);
      g_autoptr (GPtrArray) ys = mmr_merkle_dup_bucket_names (
          y, MMR_MERKLE_DEFAULT_DEPTH, diff.buckets);

      diff.bytes += digest_bytes (x, y, xs, ys);
    }
  bytes = diff.bytes;
  mmr_merkle_diff_clear (&diff);
  return bytes;
}

/* What an exchange leaves in @into: for each register of @from, the
 * newer of the two (the registers here never conflict). */
static void
take_newer (MmrStore *into, MmrStore *from)
{
  g_autoptr (GPtrArray) names = mmr_store_dup_names (from);

  for (guint i = 0; i < names->len; i++)
    {
      MmrRegister *src = mmr_store_lookup (from, names->pdata[i]);
      MmrRegister *dst = mmr_store_ensure (into, names->pdata[i]);
      MmrRegister *copy;

      if (mmr_version_vector_leq (&src->vv, &dst->vv))
        continue;
      copy = mmr_register_copy (src);
      mmr_register_swap (dst, copy);
      mmr_register_free (copy);
    }
}

/* A, B, C equal, then A rewrites 500 keys and B (and C) 500 others. */
static void
diverge (MmrStore **s)
{
  GRand *rand = g_rand_new_with_seed (2007);
  g_autoptr (GHashTable) chosen = g_hash_table_new (NULL, NULL);
  char key[32], value[32];

  for (guint i = 0; i < N_KEYS; i++)
    {
      g_snprintf (key, sizeof key, "key-%06u", i);
      g_snprintf (value, sizeof value, "value-%06u", i);
      for (guint r = 0; r < 3; r++)
        set_version (mmr_store_ensure (s[r], key), (guint8) (i % 3), value);
    }
  while (g_hash_table_size (chosen) < N_DIVERGED)
    {
      guint i = (guint) g_rand_int_range (rand, 0, N_KEYS);
      gboolean on_a = g_hash_table_size (chosen) % 2 == 0;

      if (!g_hash_table_add (chosen, GUINT_TO_POINTER (i + 1)))
        continue;
      g_snprintf (key, sizeof key, "key-%06u", i);
      g_snprintf (value, sizeof value, "rewritten-%06u", i);
      set_version (mmr_store_ensure (s[on_a ? 0 : 1], key), on_a ? 0 : 1,
                   value);
      if (!on_a)
        set_version (mmr_store_ensure (s[2], key), 1, value);
    }
  g_rand_free (rand);
}

static void
bench_antientropy (gboolean progress)
{
  MmrStore *s[3] = { mmr_store_new (), mmr_store_new (), mmr_store_new () };
  guint64 full = 0, digest = 0, merkle = 0;
  /* The exchanges after the heal, and the repair each one makes. */
  static const guint pairs[3][2] = { { 0, 1 }, { 0, 2 }, { 1, 2 } };

  note (progress, "Merkle, digest and full exchanges");
  diverge (s);
  for (guint p = 0; p < 3; p++)
    {
      MmrStore *x = s[pairs[p][0]], *y = s[pairs[p][1]];

      full += full_bytes (x, y);
      digest += all_digest_bytes (x, y);
      merkle += merkle_bytes (x, y);
      take_newer (x, y);
      take_newer (y, x);
    }
  printf ("  repair %d keys on 3 stores, 1%% diverged (A-B, A-C, B-C):\n",
          N_KEYS);
  printf ("    full state both ways  %10" G_GUINT64_FORMAT " bytes\n", full);
  printf ("    digest                %10" G_GUINT64_FORMAT " bytes   %5.1f%%"
          " of full\n", digest, 100.0 * (double) digest / (double) full);
  printf ("    merkle (depth %d)     %10" G_GUINT64_FORMAT " bytes   %5.2f%%"
          " of full   target <= 3%%: %s\n", MMR_MERKLE_DEFAULT_DEPTH, merkle,
          100.0 * (double) merkle / (double) full,
          verdict (merkle * 100 <= full * 3));
  for (guint r = 0; r < 3; r++)
    mmr_store_free (s[r]);
}

void
mmr_storage_bench_run (gboolean progress)
{
  g_autofree char *dir = g_dir_make_tmp ("mmr-storage-bench-XXXXXX", NULL);
  g_autofree char *cmd = NULL;

  printf ("storage: durable stores, the run recorder, Merkle anti-entropy\n");
  bench_durable (dir, progress);
  bench_recording_cost (dir, progress);
  bench_rebuild (dir, progress);
  bench_antientropy (progress);
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (cmd) != 0)
    fprintf (stderr, "storage bench: could not remove %s\n", dir);
}
