/* durability.c - a replica's database: write-through, crash, restart
 *
 * The in-memory store is what a replica reads and merges into; its SQLite
 * database (store/durable-store.c) is what survives a crash. Every change
 * to a register or CRDT key is written through:
 *
 *   sync   the save is its own transaction, committed before the write is
 *          acknowledged: a crash can lose nothing that was acknowledged;
 *   async  the save joins an open batch that the flush timer commits; the
 *          write is acknowledged at once, so a crash loses the
 *          acknowledged writes of the open batch - the lesson of lab 11.
 *
 * Merging another replica's write acknowledges nothing here, so it joins
 * the batch the flush timer commits in both modes (the origin replica
 * committed it before acknowledging). A local batch (group commit) makes
 * several sync writes one transaction, acknowledged together.
 *
 * The dot lease. A dot (replica, counter) names one write to a register
 * (lab 02), and a replica picks the counter itself: one past what the
 * register's vector holds for it. After a crash that vector may be older
 * than what the replica issued - an async batch, or everything without a
 * database - while the forgotten write lives on at a peer. Issuing its
 * counter again would give two values one name; equal vectors then look
 * equal to anti-entropy, and the replicas differ for ever. So counters
 * come from a lease, as a database sequence hands out cached blocks:
 *
 *   - every counter issued is at most dot_lease, and dot_lease is saved
 *     (committed in the database; without one, the replica's own copy is
 *     handed out by the crash and back at the restart, MmrLease) before
 *     the first counter under it is issued;
 *   - a restart loads the saved lease as dot_floor, and every counter
 *     issued afterwards, for any register, is above it.
 *
 * So no counter is ever issued twice, whatever a crash forgot and however
 * long anyone waited. The price is gaps: a register's counters jump past
 * the floor after a restart (A:1 then A:1001), and nothing in the engine
 * needs them contiguous - a vector covers a dot by comparison.
 *
 * A crash (mmr_replica_crash) drops the open batch and all memory. A
 * restart reloads every register and CRDT key from the database and its
 * lease, then the replica catches up through anti-entropy with every
 * peer. Until each reachable peer has answered (or a second has passed)
 * it refuses client writes: not for the dots' sake - the lease keeps them
 * unique - but so that a new write sees, and supersedes by name, what
 * peers still hold of the writes the crash forgot, instead of replacing
 * them unseen (which the lost-write checker then reports).
 *
 * Interface: open_db, persist, begin/commit_local_batch, flush, crash,
 * restart, next_counter, note_recovery_reply, accepts_writes.
 * Taught in docs/storage.md and lab 11.
 */
#include "sync/replica.h"

#include <string.h>

#include "sync/anti-entropy.h"

#define RECOVERY_TIMEOUT_US (1000 * 1000)
#define CRDT_INDEX_KEY "crdt-keys"
#define LEASE_META_KEY "dot-lease"
#define CLOCK_LEASE_META_KEY "clock-lease"
/* Counters reserved at a time: a renewal is one commit per this many
 * writes to one register, and a restart skips at most this many. */
#define DOT_LEASE_BLOCK 1000u
/* Timestamps reserved at a time: 100 ms of a physical or hybrid clock,
 * or 1000 Lamport ticks. A restart that comes sooner than that after the
 * last renewal stamps its first writes at most this far ahead. */
#define CLOCK_LEASE_BLOCK_US 100000
#define CLOCK_LEASE_BLOCK_LAMPORT 1000

/* The end of the block holding @counter: 1..1000 -> 1000, 1001 -> 2000. */
static guint32
lease_block_end (guint32 counter)
{
  guint64 end = ((guint64) (counter - 1) / DOT_LEASE_BLOCK + 1)
                * DOT_LEASE_BLOCK;

  return (guint32) MIN (end, (guint64) G_MAXUINT32);
}

static gint64
clock_lease_after (const MmrReplica *r, gint64 ts)
{
  return ts + (r->ts_source == MMR_TS_LAMPORT ? CLOCK_LEASE_BLOCK_LAMPORT
                                              : CLOCK_LEASE_BLOCK_US);
}

/* DOC: save-lease
 * The leases are on disk before any counter or timestamp under them can
 * leave in a message. An open batch commits with them: its writes become
 * durable early, which is never wrong, and it happens at most once per
 * DOT_LEASE_BLOCK writes to one register or CLOCK_LEASE_BLOCK of clock. */
static gboolean
save_leases (MmrReplica *r, guint32 dot_lease, gint64 ts_lease,
             GError **error)
{
  g_autofree char *dots = NULL;
  g_autofree char *clock = NULL;
  gboolean was_in_batch;

  if (r->db != NULL)
    {
      dots = g_strdup_printf ("%u", dot_lease);
      clock = g_strdup_printf ("%" G_GINT64_FORMAT, ts_lease);
      was_in_batch = mmr_durable_store_in_batch (r->db);
      if ((!was_in_batch && !mmr_durable_store_begin (r->db, error))
          || !mmr_durable_store_set_meta (r->db, LEASE_META_KEY, dots, error)
          || !mmr_durable_store_set_meta (r->db, CLOCK_LEASE_META_KEY, clock,
                                          error)
          || !mmr_durable_store_commit (r->db, error)
          || (r->in_local_batch && !mmr_durable_store_begin (r->db, error)))
        return FALSE;
    }
  r->dot_lease = dot_lease;
  r->ts_lease = ts_lease;
  return TRUE;
}

static gboolean
parse_lease (MmrReplica *r, const char *text, gint64 min, gint64 max,
             gint64 *out, GError **error)
{
  if (text == NULL)
    return TRUE;   /* never saved: a fresh database */
  if (g_ascii_string_to_signed (text, 10, min, max, out, NULL))
    return TRUE;
  g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
               "%s: damaged: its lease '%s' is not a number", r->db_path,
               text);
  return FALSE;
}

/* DOC: load-lease
 * The saved leases become the floors: everything issued before the
 * crash is below them. A fresh database has none; a replica without one
 * takes @kept, the leases its crash handed out (NULL: none). */
static gboolean
load_leases (MmrReplica *r, const MmrLease *kept, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *dots = NULL;
  g_autofree char *clock = NULL;
  gint64 dot_lease = 0, ts_lease = MMR_NO_CLOCK_LEASE;

  if (r->db == NULL)
    {
      if (kept != NULL)
        {
          dot_lease = kept->dots;
          ts_lease = kept->ts;
        }
    }
  else
    {
      dots = mmr_durable_store_dup_meta (r->db, LEASE_META_KEY, &local);
      if (local == NULL)
        clock = mmr_durable_store_dup_meta (r->db, CLOCK_LEASE_META_KEY,
                                            &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (!parse_lease (r, dots, 0, G_MAXUINT32, &dot_lease, error)
          || !parse_lease (r, clock, G_MININT64, G_MAXINT64, &ts_lease,
                           error))
        return FALSE;
    }
  r->dot_floor = r->dot_lease = (guint32) dot_lease;
  r->ts_floor = r->ts_lease = ts_lease;
  return TRUE;
}

/* DOC: clock-floor
 * A restarted replica's next write must be later, in LWW order, than
 * every write it stamped before the crash - remembered or not. Without
 * this a forgotten write could outrank a new one that (by the vector)
 * claims to have seen it, and the replicas would keep different versions
 * under equal vectors. A Lamport clock is logical: it jumps to the lease.
 * A physical clock cannot be moved, and an HLC must stay within reach of
 * physical time: with those the replica refuses writes until its clock
 * has passed the lease (clock_passed_lease), as a database waits out the
 * clock bound it persisted. */
static void
apply_clock_floor (MmrReplica *r)
{
  if (r->ts_source == MMR_TS_LAMPORT)
    r->lamport = MAX (r->lamport, (guint64) MAX (r->ts_floor, 0));
}

static gboolean
clock_passed_lease (MmrReplica *r, gint64 now_us)
{
  gint64 pt = mmr_physical_clock_read (&r->physical, now_us);

  switch (r->ts_source)
    {
    case MMR_TS_LAMPORT:
      return TRUE;
    case MMR_TS_HLC:
      return r->hlc.l >= r->ts_floor || pt >= r->ts_floor;
    default:
      return pt >= r->ts_floor;
    }
}

/* Fresh blocks above the floors, saved now, while no batch is open, so
 * that the first writes never commit a batch early. A clock lease is
 * first taken by the first stamp: before it there is no floor at all (a
 * clock set back may stamp below zero). */
static gboolean
reserve_first_blocks (MmrReplica *r, GError **error)
{
  guint32 dots = r->dot_floor == G_MAXUINT32
                 ? G_MAXUINT32 : lease_block_end (r->dot_floor + 1);

  return save_leases (r, dots, r->ts_floor == MMR_NO_CLOCK_LEASE
                               ? MMR_NO_CLOCK_LEASE
                               : clock_lease_after (r, r->ts_floor),
                      error);
}

/* DOC: next-counter */
gboolean
mmr_replica_next_counter (MmrReplica *r, const MmrRegister *reg,
                          guint32 *out_counter, GError **error)
{
  guint32 seen = reg != NULL ? reg->vv.c[r->index] : 0;
  guint32 last = MAX (seen, r->dot_floor);

  if (last == G_MAXUINT32)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_FULL,
                   "replica %s has issued every dot counter", r->name);
      return FALSE;
    }
  if (last + 1 > r->dot_lease
      && !save_leases (r, lease_block_end (last + 1), r->ts_lease, error))
    return FALSE;
  g_assert (last + 1 > r->dot_floor && last + 1 <= r->dot_lease);
  *out_counter = last + 1;
  return TRUE;
}

/* DOC: crdt-dot-lease
 * A CRDT operation issues at most one dot, one past the largest of the
 * replica's dots its context holds and the floor. Those are at most the
 * floor (issued before the crash) or crdt_dot_bound (issued since), so
 * the new dot is at most max(bound, floor) + 1: lease that first. */
gboolean
mmr_replica_lease_crdt_dot (MmrReplica *r, MmrCrdt *crdt, GError **error)
{
  guint32 bound = MAX (r->crdt_dot_bound, r->dot_floor);

  if (bound == G_MAXUINT32)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_FULL,
                   "replica %s has issued every dot counter", r->name);
      return FALSE;
    }
  if (bound + 1 > r->dot_lease
      && !save_leases (r, lease_block_end (bound + 1), r->ts_lease, error))
    return FALSE;
  r->crdt_dot_bound = bound + 1;
  mmr_crdt_set_dot_floor (crdt, r->dot_floor);
  return TRUE;
}

/* DOC: lease-timestamp */
gboolean
mmr_replica_lease_timestamp (MmrReplica *r, MmrVersion *v, GError **error)
{
  if (v->ts < r->ts_floor)
    {
      /* Only when the clock source changed since the restart (writes
       * wait for the clock otherwise): stamp at the floor. */
      v->ts = r->ts_floor;
      v->ts_logical = 0;
    }
  if (v->ts >= r->ts_lease
      && !save_leases (r, r->dot_lease, clock_lease_after (r, v->ts), error))
    return FALSE;
  g_assert (v->ts >= r->ts_floor && v->ts < r->ts_lease);
  return TRUE;
}

gboolean
mmr_replica_open_db (MmrReplica *r, const char *path, gboolean is_async,
                     GError **error)
{
  g_clear_pointer (&r->db_path, g_free);
  r->db = mmr_durable_store_open (path, error);
  if (r->db == NULL)
    return FALSE;
  r->db_path = g_strdup (path);
  r->is_async = is_async;
  /* A database that already holds leases (a replaced file of ours) only
   * raises the floors: safe, never a reuse. */
  if (!load_leases (r, NULL, error) || !reserve_first_blocks (r, error))
    return FALSE;
  apply_clock_floor (r);
  return mmr_durable_store_set_meta (r->db, "replica", r->name, error);
}

void
mmr_replica_set_async (MmrReplica *r, gboolean is_async)
{
  gboolean was_async = r->is_async;

  r->is_async = is_async;
  if (was_async && !is_async)
    mmr_replica_flush (r);
}

static void
report_storage_error (MmrReplica *r, const char *name, const GError *error)
{
  MmrEvent ev = { 0 };

  ev.kind = MMR_EV_CONFIG;
  ev.replica = (int) r->index;
  ev.peer = -1;
  ev.key = name;
  ev.detail = error->message;
  r->env->emit (r->env_data, &ev);
}

static gboolean
save_crdt (MmrReplica *r, const char *name, const MmrCrdt *c, GError **error)
{
  g_autoptr (GBytes) enc = mmr_crdt_encode (c);
  gsize len;
  const guint8 *data = g_bytes_get_data (enc, &len);
  g_autofree char *b64 = g_base64_encode (data, len);
  g_autofree char *key = g_strconcat ("crdt/", name, NULL);
  g_autofree char *index = mmr_durable_store_dup_meta (r->db, CRDT_INDEX_KEY,
                                                      NULL);
  g_auto (GStrv) names = g_strsplit (index != NULL ? index : "", "\n", -1);

  if (!g_strv_contains ((const char *const *) names, name))
    {
      g_autofree char *grown = index != NULL && *index != '\0'
                               ? g_strconcat (index, "\n", name, NULL)
                               : g_strdup (name);

      if (!mmr_durable_store_set_meta (r->db, CRDT_INDEX_KEY, grown, error))
        return FALSE;
    }
  return mmr_durable_store_set_meta (r->db, key, b64, error);
}

/* DOC: persist */
void
mmr_replica_persist (MmrReplica *r, const char *name, gboolean is_local)
{
  g_autoptr (GError) error = NULL;
  MmrRegister *reg;
  MmrCrdt *c;
  gboolean ok = TRUE;
  gboolean own_transaction = is_local && !r->is_async && !r->in_local_batch;

  if (r->db == NULL)
    return;
  if (own_transaction && mmr_durable_store_in_batch (r->db))
    ok = mmr_durable_store_commit (r->db, &error);   /* flush merges first */
  else if (!own_transaction && !mmr_durable_store_in_batch (r->db))
    ok = mmr_durable_store_begin (r->db, &error);
  if (ok && (reg = mmr_store_lookup (r->store, name)) != NULL)
    ok = mmr_durable_store_save_register (r->db, name, reg, &error);
  else if (ok && (c = g_hash_table_lookup (r->crdts, name)) != NULL)
    ok = save_crdt (r, name, c, &error);
  if (!ok)
    report_storage_error (r, name, error);
}

void
mmr_replica_begin_local_batch (MmrReplica *r)
{
  g_autoptr (GError) error = NULL;

  if (r->db == NULL || r->is_async)
    return;
  if (!mmr_durable_store_in_batch (r->db)
      && !mmr_durable_store_begin (r->db, &error))
    {
      report_storage_error (r, NULL, error);
      return;
    }
  r->in_local_batch = TRUE;
}

/* DOC: group-commit */
void
mmr_replica_commit_local_batch (MmrReplica *r)
{
  r->in_local_batch = FALSE;
  mmr_replica_flush (r);
}

void
mmr_replica_flush (MmrReplica *r)
{
  g_autoptr (GError) error = NULL;

  if (r->db != NULL && mmr_durable_store_in_batch (r->db)
      && !mmr_durable_store_commit (r->db, &error))
    report_storage_error (r, NULL, error);
}

/* DOC: crash */
void
mmr_replica_crash (MmrReplica *r, MmrLease *out_lease)
{
  out_lease->dots = r->dot_lease;
  out_lease->ts = r->ts_lease;
  if (r->db != NULL)
    mmr_durable_store_crash (r->db);   /* the open batch vanishes */
  r->db = NULL;
  r->in_local_batch = FALSE;
  mmr_store_free (r->store);
  r->store = mmr_store_new ();
  g_hash_table_remove_all (r->crdts);
  mmr_crdt_sync_reset_deltas (r);   /* unacknowledged deltas were memory */
  r->lamport = 0;
  r->hlc.l = 0;
  r->hlc.c = 0;
  r->dot_floor = r->dot_lease = 0;  /* memory: the leases are reloaded */
  r->crdt_dot_bound = 0;
  r->ts_floor = r->ts_lease = MMR_NO_CLOCK_LEASE;
  r->is_down = TRUE;
  r->is_recovering = FALSE;
}

/* The clocks after a restart: never behind anything the replica wrote. */
static void
recover_clocks (gpointer key, gpointer value, gpointer user_data)
{
  const MmrRegister *reg = value;
  MmrReplica *r = user_data;

  (void) key;
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const MmrVersion *v = &reg->siblings[i];

      if (mmr_hlc_compare (v->hlc, r->hlc) > 0)
        r->hlc = v->hlc;
      if (r->ts_source == MMR_TS_LAMPORT && v->ts > 0)
        r->lamport = MAX (r->lamport, (guint64) v->ts);
    }
}

static gboolean
load_crdts (MmrReplica *r, GError **error)
{
  g_autofree char *index = mmr_durable_store_dup_meta (r->db, CRDT_INDEX_KEY,
                                                      error);
  g_auto (GStrv) names = NULL;

  if (index == NULL)
    return error == NULL || *error == NULL;
  names = g_strsplit (index, "\n", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *key = g_strconcat ("crdt/", names[i], NULL);
      g_autofree char *b64 = mmr_durable_store_dup_meta (r->db, key, error);
      g_autofree guchar *data = NULL;
      g_autoptr (GBytes) bytes = NULL;
      gsize len;
      MmrCrdt *c;

      if (b64 == NULL)
        return error == NULL || *error == NULL;
      data = g_base64_decode (b64, &len);
      bytes = g_bytes_new (data, len);
      c = mmr_crdt_decode (bytes, r->index, error);
      if (c == NULL)
        return FALSE;
      g_hash_table_replace (r->crdts, g_strdup (names[i]), c);
    }
  return TRUE;
}

/* DOC: restart */
gboolean
mmr_replica_restart (MmrReplica *r, gint64 now_us, const MmrLease *lease,
                     GError **error)
{
  g_return_val_if_fail (r->is_down, FALSE);
  if (r->db_path != NULL)
    r->db = mmr_durable_store_open (r->db_path, error);
  if ((r->db_path != NULL
       && (r->db == NULL
           || !mmr_durable_store_load_all (r->db, r->store, error)
           || !load_crdts (r, error)))
      || !load_leases (r, lease, error) || !reserve_first_blocks (r, error))
    {
      g_clear_pointer (&r->db, mmr_durable_store_close);
      mmr_store_free (r->store);
      r->store = mmr_store_new ();
      g_hash_table_remove_all (r->crdts);
      r->dot_floor = r->dot_lease = 0;
      r->ts_floor = r->ts_lease = MMR_NO_CLOCK_LEASE;
      return FALSE;
    }
  mmr_store_foreach (r->store, recover_clocks, r);
  apply_clock_floor (r);
  r->is_down = FALSE;
  r->is_recovering = TRUE;
  r->recover_deadline_us = now_us + RECOVERY_TIMEOUT_US;
  r->recover_waiting = 0;
  for (guint p = 0; p < r->n_replicas; p++)
    if (p != r->index)
      {
        r->recover_waiting |= 1u << p;
        r->ae_next_peer = p;
        mmr_antientropy_begin (r);
      }
  return TRUE;
}

void
mmr_replica_note_recovery_reply (MmrReplica *r, guint peer)
{
  r->recover_waiting &= ~(1u << peer);
}

gboolean
mmr_replica_accepts_writes (MmrReplica *r, gint64 now_us)
{
  if (r->is_down)
    return FALSE;
  if (r->is_recovering
      && (r->recover_waiting == 0 || now_us >= r->recover_deadline_us))
    r->is_recovering = FALSE;
  return !r->is_recovering && clock_passed_lease (r, now_us);
}
