/* durable-store.c - a replica's registers, conflicts and peers in SQLite
 *
 * Concept: the replica's memory is a cache of its database. Writes go
 * through to SQLite; a restart rebuilds the MmrStore from it with
 * mmr_durable_store_load_all. What a crash loses is exactly what was not
 * committed (docs/storage.md, "Durability modes").
 *
 * Interface (durable-store.h):
 *   open / close / crash, set_sync, set_max_pages,
 *   begin / commit / rollback (group commit),
 *   save_register / save_all / load_all / n_registers;
 *   the peers, the conflict log and settings are in durable-store-log.c.
 *
 * Schema version 1 (application_id 'MMRS', user_version 1):
 *
 *   meta      (key TEXT PRIMARY KEY, value TEXT NOT NULL)
 *   registers (name TEXT PRIMARY KEY, vv BLOB, n_siblings INTEGER,
 *              is_absent INTEGER, value TEXT, siblings BLOB)
 *   conflicts (id INTEGER PRIMARY KEY, time_us, register, rule)
 *   conflict_versions (conflict, replica, counter, ts, ts_logical,
 *              hlc_l, hlc_c, value)           -- the versions that met
 *   conflict_kept (conflict, replica, counter) -- the ones that survived
 *   peers     (peer INTEGER PRIMARY KEY, seen BLOB)
 *
 * A register is one row, so saving it is one statement: that is what
 * keeps durable apply within a factor of two of raw inserts
 * (bench/storage-bench.c). Its siblings are one blob:
 *
 *   siblings := n:varint version{n}
 *   version  := replica:u8 counter:varint ts:zigzag ts_logical:varint
 *               hlc_l:zigzag hlc_c:varint flags:u8 [value:string]
 *               flags bit 0: tombstone (no value follows)
 *
 * the same fields, in the same order, as a version on the wire
 * (net/wire.h), written by storage-codec.c: the store cannot
 * call the wire codec (the net library sits above store), and the two
 * formats may evolve apart. "vv" is the
 * storage.h version-vector blob; "value" repeats the one live value when
 * there is exactly one sibling, so `SELECT name, value FROM registers`
 * reads like the replica.
 *
 * Invariants: a register read back equals the register saved (every
 * field); a row that breaks a register invariant (dot not covered by vv,
 * siblings unsorted) is reported as CORRUPT, never loaded.
 */
#include "store/durable-store-private.h"

#include <string.h>
#include <glib/gstdio.h>

static const MmrStorageFormat format = {
  MMR_DURABLE_STORE_APPLICATION_ID, MMR_DURABLE_STORE_SCHEMA_VERSION,
  "replica database"
};

/* DOC: durable-schema */
static const char schema_sql[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE registers ("
  "  name TEXT PRIMARY KEY,"
  "  vv BLOB NOT NULL,"
  "  n_siblings INTEGER NOT NULL,"
  "  is_absent INTEGER NOT NULL,"
  "  value TEXT,"
  "  siblings BLOB NOT NULL);"
  "CREATE TABLE conflicts ("
  "  id INTEGER PRIMARY KEY,"
  "  time_us INTEGER NOT NULL,"
  "  register TEXT NOT NULL,"
  "  rule TEXT NOT NULL);"
  "CREATE TABLE conflict_versions ("
  "  conflict INTEGER NOT NULL REFERENCES conflicts (id),"
  "  replica INTEGER NOT NULL, counter INTEGER NOT NULL,"
  "  ts INTEGER NOT NULL, ts_logical INTEGER NOT NULL,"
  "  hlc_l INTEGER NOT NULL, hlc_c INTEGER NOT NULL,"
  "  value TEXT);"
  "CREATE TABLE conflict_kept ("
  "  conflict INTEGER NOT NULL REFERENCES conflicts (id),"
  "  replica INTEGER NOT NULL, counter INTEGER NOT NULL);"
  "CREATE TABLE peers (peer INTEGER PRIMARY KEY, seen BLOB NOT NULL);";


static const char *const stmt_sql[N_STMTS] = {
  "INSERT OR REPLACE INTO registers VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  "INSERT OR REPLACE INTO peers VALUES (?1, ?2)",
  "INSERT INTO conflicts (time_us, register, rule) VALUES (?1, ?2, ?3)",
  "INSERT INTO conflict_versions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  "INSERT INTO conflict_kept VALUES (?1, ?2, ?3)",
  "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
};

static gboolean
create_schema (MmrDurableStore *s, GError **error)
{
  return mmr_storage_exec (s->db, s->path, "BEGIN", error)
         && mmr_storage_exec (s->db, s->path, schema_sql, error)
         && mmr_storage_stamp (s->db, s->path, &format, error)
         && mmr_storage_exec (s->db, s->path, "COMMIT", error);
}

/* A new file gets its schema and stamp before WAL, so they are in the
 * main file's header at once (storage.c reads them from there). WAL is
 * switched on only once the file is known to be ours: the switch
 * rewrites two bytes of the header. */
static gboolean
setup (MmrDurableStore *s, GError **error)
{
  if (s->is_new && !create_schema (s, error))
    return FALSE;
  if (!s->is_new && !mmr_storage_check_integrity (s->db, s->path, error))
    return FALSE;
  if (!mmr_storage_exec (s->db, s->path,
                         "PRAGMA journal_mode = WAL;"
                         "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  for (guint i = 0; i < N_STMTS; i++)
    if ((s->stmts[i] = mmr_storage_prepare (s->db, s->path, stmt_sql[i],
                                            error)) == NULL)
      return FALSE;
  return TRUE;
}

static void
free_store (MmrDurableStore *s)
{
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (s->stmts[i]);
  sqlite3_close (s->db);
  g_byte_array_unref (s->buf);
  g_free (s->path);
  g_free (s);
}

MmrDurableStore *
mmr_durable_store_open (const char *path, GError **error)
{
  MmrDurableStore *s = g_new0 (MmrDurableStore, 1);

  g_return_val_if_fail (path != NULL, NULL);
  s->path = g_strdup (path);
  s->buf = g_byte_array_new ();
  s->db = mmr_storage_open (path, &format, MMR_STORAGE_OPEN_READ_WRITE,
                            &s->is_new, error);
  if (s->db == NULL || !setup (s, error))
    {
      gboolean created = s->db != NULL && s->is_new;

      free_store (s);
      /* Only a file this call created may be removed. */
      if (created)
        {
          g_autofree char *wal = g_strconcat (path, "-wal", NULL);
          g_autofree char *shm = g_strconcat (path, "-shm", NULL);

          g_remove (path);
          g_remove (wal);
          g_remove (shm);
        }
      return NULL;
    }
  return s;
}

void
mmr_durable_store_close (MmrDurableStore *store)
{
  if (store == NULL)
    return;
  g_return_if_fail (!store->in_batch);
  free_store (store);
}

/* DOC: durable-crash */
void
mmr_durable_store_crash (MmrDurableStore *store)
{
  if (store == NULL)
    return;
  /* Closing with an open transaction rolls it back; nothing of the batch
   * reaches the WAL's committed frames. */
  store->in_batch = FALSE;
  free_store (store);
}

const char *
mmr_durable_store_get_path (const MmrDurableStore *store)
{
  return store->path;
}

gboolean
mmr_durable_store_is_new (const MmrDurableStore *store)
{
  return store->is_new;
}

gboolean
mmr_durable_store_set_sync (MmrDurableStore *store, MmrDurableSync sync,
                            GError **error)
{
  static const char *const sql[] = {
    "PRAGMA synchronous = OFF", "PRAGMA synchronous = NORMAL",
    "PRAGMA synchronous = FULL",
  };

  g_return_val_if_fail (sync <= MMR_DURABLE_SYNC_FULL, FALSE);
  return mmr_storage_exec (store->db, store->path, sql[sync], error);
}

gboolean
mmr_durable_store_set_max_pages (MmrDurableStore *store, guint n_pages,
                                 GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %u",
                                          n_pages);

  return mmr_storage_exec (store->db, store->path, sql, error);
}

/* DOC: durable-group-commit */
gboolean
mmr_durable_store_begin (MmrDurableStore *store, GError **error)
{
  g_return_val_if_fail (!store->in_batch, FALSE);
  if (!mmr_storage_exec (store->db, store->path, "BEGIN IMMEDIATE", error))
    return FALSE;
  store->in_batch = TRUE;
  return TRUE;
}

gboolean
mmr_durable_store_commit (MmrDurableStore *store, GError **error)
{
  g_return_val_if_fail (store->in_batch, FALSE);
  if (!mmr_storage_exec (store->db, store->path, "COMMIT", error))
    return FALSE;
  store->in_batch = FALSE;
  return TRUE;
}

gboolean
mmr_durable_store_rollback (MmrDurableStore *store, GError **error)
{
  g_return_val_if_fail (store->in_batch, FALSE);
  store->in_batch = FALSE;
  /* SQLite may already have rolled back after an error such as FULL. */
  if (sqlite3_get_autocommit (store->db))
    return TRUE;
  return mmr_storage_exec (store->db, store->path, "ROLLBACK", error);
}

gboolean
mmr_durable_store_in_batch (const MmrDurableStore *store)
{
  return store->in_batch;
}

/* Runs a bound statement that returns no rows, then resets it. */
gboolean
mmr_durable_store_run (MmrDurableStore *s, sqlite3_stmt *stmt,
                       const char *doing, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return mmr_storage_set_error (error, s->db, rc, s->path, doing);
  return TRUE;
}

/* DOC: durable-siblings-blob */
static void
encode_siblings (GByteArray *out, const MmrRegister *reg)
{
  g_byte_array_set_size (out, 0);
  mmr_storage_put_varint (out, reg->n_siblings);
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const MmrVersion *v = &reg->siblings[i];

      mmr_storage_put_version (out, v->dot, v->ts, v->ts_logical, v->hlc,
                               v->value);
    }
}

gboolean
mmr_durable_store_save_register (MmrDurableStore *store, const char *name,
                                 const MmrRegister *reg, GError **error)
{
  sqlite3_stmt *st = store->stmts[STMT_SAVE_REGISTER];
  guint8 vv[MMR_STORAGE_VV_MAX];
  gsize vv_len = mmr_storage_vv_encode (&reg->vv, vv);
  const char *value = reg->n_siblings == 1 ? reg->siblings[0].value : NULL;

  g_return_val_if_fail (name != NULL && reg != NULL, FALSE);
  encode_siblings (store->buf, reg);
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 2, vv, (int) vv_len, SQLITE_STATIC);
  sqlite3_bind_int (st, 3, (int) reg->n_siblings);
  sqlite3_bind_int (st, 4, mmr_register_is_absent (reg));
  if (value != NULL)
    sqlite3_bind_text (st, 5, value, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 6, store->buf->data, (int) store->buf->len,
                     SQLITE_STATIC);
  return mmr_durable_store_run (store, st, "saving a register", error);
}

typedef struct {
  MmrDurableStore *store;
  GError *error;
} SaveAll;

static void
save_one_cb (gpointer key, gpointer value, gpointer user_data)
{
  SaveAll *sa = user_data;

  if (sa->error == NULL)
    mmr_durable_store_save_register (sa->store, key, value, &sa->error);
}

gboolean
mmr_durable_store_save_all (MmrDurableStore *store, const MmrStore *from,
                            GError **error)
{
  SaveAll sa = { store, NULL };

  if (!mmr_durable_store_begin (store, error))
    return FALSE;
  mmr_store_foreach (from, save_one_cb, &sa);
  if (sa.error == NULL && mmr_durable_store_commit (store, &sa.error))
    return TRUE;
  mmr_durable_store_rollback (store, NULL);
  g_propagate_error (error, sa.error);
  return FALSE;
}

static gboolean
decode_version (const guint8 **p, const guint8 *end, MmrVersion *v)
{
  return mmr_storage_get_version (p, end, &v->dot, &v->ts, &v->ts_logical,
                                  &v->hlc, &v->value);
}

static gboolean
dot_less (MmrDot a, MmrDot b)
{
  return a.replica < b.replica
         || (a.replica == b.replica && a.counter < b.counter);
}

/* Fills @reg (empty) from a row's blobs; FALSE if they are not a valid
 * register. */
static gboolean
decode_register (const guint8 *vv, gsize vv_len, const guint8 *sib,
                 gsize sib_len, MmrRegister *reg)
{
  const guint8 *p = sib, *end = sib + sib_len;
  guint64 n;

  if (!mmr_storage_vv_decode (vv, vv_len, &reg->vv)
      || !mmr_storage_get_varint (&p, end, &n) || n > sib_len)
    return FALSE;
  mmr_register_reset_siblings (reg, (guint) n);
  for (guint64 i = 0; i < n; i++)
    {
      MmrVersion *v = &reg->siblings[i];

      if (!decode_version (&p, end, v)
          || !mmr_version_vector_covers (&reg->vv, v->dot)
          || (i > 0 && !dot_less (reg->siblings[i - 1].dot, v->dot)))
        return FALSE;
    }
  return p == end;
}

/* Moves @loaded's contents into the store's register @name. */
static void
install (MmrStore *into, const char *name, MmrRegister *loaded)
{
  mmr_register_swap (mmr_store_ensure (into, name), loaded);
}

gboolean
mmr_durable_store_load_all (MmrDurableStore *store, MmrStore *into,
                            GError **error)
{
  g_autoptr (GError) e = NULL;
  sqlite3_stmt *st = mmr_storage_prepare (
      store->db, store->path,
      "SELECT name, vv, siblings FROM registers ORDER BY name", &e);
  int rc;

  if (st == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&e));
      return FALSE;
    }
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (st, 0);
      g_autoptr (MmrRegister) reg = mmr_register_new ();

      if (name == NULL
          || !decode_register (sqlite3_column_blob (st, 1),
                               (gsize) sqlite3_column_bytes (st, 1),
                               sqlite3_column_blob (st, 2),
                               (gsize) sqlite3_column_bytes (st, 2), reg))
        {
          g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                       "%s: damaged: register '%s' cannot be read back",
                       store->path, name != NULL ? name : "(null)");
          sqlite3_finalize (st);
          return FALSE;
        }
      install (into, name, reg);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return mmr_storage_set_error (error, store->db, rc, store->path,
                                  "loading registers");
  return TRUE;
}

static gboolean
query_count (MmrDurableStore *store, const char *sql, guint64 *out,
             GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (store->db, store->path, sql,
                                          error);
  int rc;

  if (st == NULL)
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    *out = (guint64) sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW)
    return mmr_storage_set_error (error, store->db, rc, store->path,
                                  "counting");
  return TRUE;
}

guint64
mmr_durable_store_n_registers (MmrDurableStore *store, GError **error)
{
  guint64 n = 0;

  query_count (store, "SELECT count(*) FROM registers", &n, error);
  return n;
}
