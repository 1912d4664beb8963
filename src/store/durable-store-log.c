/* durable-store-log.c - a replica database's peers, conflict log and
 * settings (see durable-store.h; the tables are described in
 * durable-store.c)
 *
 * Interface: save_peer / load_peers, log_conflict / dup_conflicts,
 * set_meta / dup_meta, mmr_durable_conflict_free.
 *
 * Invariants: a conflict is logged with its versions and kept dots under
 * one id, in logging order; a row that cannot be read back (a bad rule
 * name, a peer index out of range, a malformed vector) is a CORRUPT
 * error naming the file, never a crash.
 */
#include "store/durable-store-private.h"

#include <string.h>

void
mmr_durable_conflict_free (MmrDurableConflict *c)
{
  if (c == NULL)
    return;
  g_free (c->register_name);
  g_array_unref (c->met);
  g_array_unref (c->kept);
  g_free (c);
}

gboolean
mmr_durable_store_save_peer (MmrDurableStore *store, guint peer,
                             const MmrVersionVector *seen, GError **error)
{
  sqlite3_stmt *st = store->stmts[STMT_SAVE_PEER];
  guint8 vv[MMR_STORAGE_VV_MAX];
  gsize vv_len = mmr_storage_vv_encode (seen, vv);

  g_return_val_if_fail (peer < MMR_MAX_REPLICAS, FALSE);
  sqlite3_bind_int (st, 1, (int) peer);
  sqlite3_bind_blob (st, 2, vv, (int) vv_len, SQLITE_STATIC);
  return mmr_durable_store_run (store, st, "saving a peer's version vector", error);
}

gboolean
mmr_durable_store_load_peers (MmrDurableStore *store, MmrVersionVector *seen,
                              GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (store->db, store->path,
                                          "SELECT peer, seen FROM peers",
                                          error);
  int rc;

  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    mmr_version_vector_init (&seen[i]);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 peer = sqlite3_column_int64 (st, 0);

      if (peer < 0 || peer >= MMR_MAX_REPLICAS
          || !mmr_storage_vv_decode (sqlite3_column_blob (st, 1),
                                     (gsize) sqlite3_column_bytes (st, 1),
                                     &seen[peer]))
        {
          sqlite3_finalize (st);
          g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                       "%s: damaged: peer %" G_GINT64_FORMAT
                       " cannot be read back", store->path, peer);
          return FALSE;
        }
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return mmr_storage_set_error (error, store->db, rc, store->path,
                                  "loading peers");
  return TRUE;
}

static gboolean
log_version (MmrDurableStore *s, gint64 id, const MmrEventVersion *v,
             GError **error)
{
  sqlite3_stmt *st = s->stmts[STMT_ADD_VERSION];

  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_int (st, 2, v->dot.replica);
  sqlite3_bind_int64 (st, 3, v->dot.counter);
  sqlite3_bind_int64 (st, 4, v->ts);
  sqlite3_bind_int64 (st, 5, v->ts_logical);
  sqlite3_bind_int64 (st, 6, v->hlc.l);
  sqlite3_bind_int64 (st, 7, v->hlc.c);
  if (v->value != NULL)
    sqlite3_bind_text (st, 8, v->value, -1, SQLITE_STATIC);
  return mmr_durable_store_run (s, st, "logging a conflict", error);
}

gboolean
mmr_durable_store_log_conflict (MmrDurableStore *store, gint64 time_us,
                                const char *register_name,
                                MmrResolveRule rule,
                                const MmrEventVersion *met, guint n_met,
                                const MmrDot *kept, guint n_kept,
                                GError **error)
{
  sqlite3_stmt *st = store->stmts[STMT_ADD_CONFLICT];
  gint64 id;

  sqlite3_bind_int64 (st, 1, time_us);
  sqlite3_bind_text (st, 2, register_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, mmr_resolve_rule_to_string (rule), -1,
                     SQLITE_STATIC);
  if (!mmr_durable_store_run (store, st, "logging a conflict", error))
    return FALSE;
  id = sqlite3_last_insert_rowid (store->db);
  for (guint i = 0; i < n_met; i++)
    if (!log_version (store, id, &met[i], error))
      return FALSE;
  st = store->stmts[STMT_ADD_KEPT];
  for (guint i = 0; i < n_kept; i++)
    {
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_int (st, 2, kept[i].replica);
      sqlite3_bind_int64 (st, 3, kept[i].counter);
      if (!mmr_durable_store_run (store, st, "logging a conflict", error))
        return FALSE;
    }
  return TRUE;
}

/* The last rule event.h names; mmr_resolve_rule_to_string asserts on
 * anything past it. */
#define LAST_RULE MMR_RESOLVE_MERGED

static gboolean
parse_rule (const char *text, MmrResolveRule *out)
{
  for (int r = 0; text != NULL && r <= (int) LAST_RULE; r++)
    if (strcmp (mmr_resolve_rule_to_string ((MmrResolveRule) r), text) == 0)
      {
        *out = (MmrResolveRule) r;
        return TRUE;
      }
  return FALSE;
}

static MmrDot
column_dot (sqlite3_stmt *st, int col)
{
  MmrDot d = { (guint8) sqlite3_column_int (st, col),
               (guint32) sqlite3_column_int64 (st, col + 1) };

  return d;
}

/* Reads the versions (or kept dots) of every conflict in one pass. */
static gboolean
load_conflict_parts (MmrDurableStore *s, GHashTable *by_id, gboolean kept,
                     GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (
      s->db, s->path,
      kept ? "SELECT conflict, replica, counter FROM conflict_kept"
             " ORDER BY rowid"
           : "SELECT conflict, replica, counter, ts, ts_logical, hlc_l,"
             " hlc_c, value FROM conflict_versions ORDER BY rowid", error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      MmrDurableConflict *c = g_hash_table_lookup (by_id, &id);
      MmrVersion v = { 0 };

      if (c == NULL)
        continue;
      v.dot = column_dot (st, 1);
      if (kept)
        {
          g_array_append_val (c->kept, v.dot);
          continue;
        }
      v.ts = sqlite3_column_int64 (st, 3);
      v.ts_logical = (guint32) sqlite3_column_int64 (st, 4);
      v.hlc.l = sqlite3_column_int64 (st, 5);
      v.hlc.c = (guint32) sqlite3_column_int64 (st, 6);
      v.value = g_strdup ((const char *) sqlite3_column_text (st, 7));
      g_array_append_val (c->met, v);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return mmr_storage_set_error (error, s->db, rc, s->path,
                                  "loading conflicts");
  return TRUE;
}

static MmrDurableConflict *
conflict_from_row (MmrDurableStore *s, sqlite3_stmt *st, GError **error)
{
  MmrDurableConflict *c = g_new0 (MmrDurableConflict, 1);

  c->id = sqlite3_column_int64 (st, 0);
  c->time_us = sqlite3_column_int64 (st, 1);
  c->register_name = g_strdup ((const char *) sqlite3_column_text (st, 2));
  c->met = g_array_new (FALSE, TRUE, sizeof (MmrVersion));
  g_array_set_clear_func (c->met, (GDestroyNotify) mmr_version_clear);
  c->kept = g_array_new (FALSE, TRUE, sizeof (MmrDot));
  if (c->register_name == NULL
      || !parse_rule ((const char *) sqlite3_column_text (st, 3), &c->rule))
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                   "%s: damaged: conflict %" G_GINT64_FORMAT
                   " cannot be read back", s->path, c->id);
      mmr_durable_conflict_free (c);
      return NULL;
    }
  return c;
}

GPtrArray *
mmr_durable_store_dup_conflicts (MmrDurableStore *store, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_durable_conflict_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash,
                                                   g_int64_equal);
  sqlite3_stmt *st = mmr_storage_prepare (
      store->db, store->path,
      "SELECT id, time_us, register, rule FROM conflicts ORDER BY id", error);
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      MmrDurableConflict *c = conflict_from_row (store, st, error);

      if (c == NULL)
        {
          sqlite3_finalize (st);
          return NULL;
        }
      g_ptr_array_add (out, c);
      g_hash_table_insert (by_id, &c->id, c);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      mmr_storage_set_error (error, store->db, rc, store->path,
                             "loading conflicts");
      return NULL;
    }
  if (!load_conflict_parts (store, by_id, FALSE, error)
      || !load_conflict_parts (store, by_id, TRUE, error))
    return NULL;
  return g_steal_pointer (&out);
}

gboolean
mmr_durable_store_set_meta (MmrDurableStore *store, const char *key,
                            const char *value, GError **error)
{
  sqlite3_stmt *st = store->stmts[STMT_SET_META];

  g_return_val_if_fail (key != NULL && value != NULL, FALSE);
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, value, -1, SQLITE_STATIC);
  return mmr_durable_store_run (store, st, "saving a setting", error);
}

char *
mmr_durable_store_dup_meta (MmrDurableStore *store, const char *key,
                            GError **error)
{
  return mmr_storage_dup_meta (store->db, store->path, key,
                               "reading a setting", error);
}
