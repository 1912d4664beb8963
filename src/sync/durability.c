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
 * A crash (mmr_replica_crash) drops the open batch and all memory. A
 * restart reloads every register and CRDT key from the database, then the
 * replica catches up through anti-entropy with every peer. Until each
 * reachable peer has answered, the replica refuses client writes: a write
 * it acknowledged but lost may still exist at a peer, and its dot must not
 * be issued again for a different value (that would let two replicas hold
 * different versions under one name, and never notice).
 *
 * Taught in docs/storage.md and lab 11.
 */
#include "sync/replica.h"

#include <string.h>

#include "sync/anti-entropy.h"

#define RECOVERY_TIMEOUT_US (1000 * 1000)
#define CRDT_INDEX_KEY "crdt-keys"

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
  return TRUE;
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
mmr_replica_crash (MmrReplica *r)
{
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
mmr_replica_restart (MmrReplica *r, gint64 now_us, GError **error)
{
  g_return_val_if_fail (r->is_down, FALSE);
  if (r->db_path != NULL)
    {
      r->db = mmr_durable_store_open (r->db_path, error);
      if (r->db == NULL
          || !mmr_durable_store_load_all (r->db, r->store, error)
          || !load_crdts (r, error))
        {
          g_clear_pointer (&r->db, mmr_durable_store_close);
          mmr_store_free (r->store);
          r->store = mmr_store_new ();
          return FALSE;
        }
    }
  mmr_store_foreach (r->store, recover_clocks, r);
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
  return !r->is_recovering;
}
