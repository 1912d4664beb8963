/* recorder.c - writes a run into a run database (see recorder.h)
 *
 * Concept: a flight recorder keeps everything needed to answer "what did
 * each replica show at 1.5 s?" after the run, without re-running it.
 * Events say what happened; changes and snapshots say what it led to.
 *
 * Interface: mmr_recorder_new, _finish, _free, _n_events, _n_changes,
 * _n_snapshots.
 *
 * How it stays cheap (the target is at most 2x the run's own time,
 * docs/benchmarks.md):
 *   - events and changes packed into blocks of up to 4096
 *     (run-db-blocks.c): a row of SQLite per block, not per event;
 *   - one prepared statement per table, bound with SQLITE_STATIC;
 *   - one transaction per COMMIT_ROWS rows, journal off and no fsync
 *     while recording: the file is a .part until finish, so a crash
 *     leaves nothing a reader would trust;
 *   - no index but the primary keys: time never decreases along seq and
 *     id, so replay finds instants by bisection (replay.c);
 *   - a snapshot is taken only after as many changes as it has
 *     registers, so snapshots never cost more than the changes did.
 *
 * Invariants: every event reaches the event blocks in seq order; every
 * change observed gets the next change id; a snapshot's last_change is
 * the last change already applied to the views it stores; the file is
 * renamed into place only after a successful COMMIT and close.
 */
#include "record/recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "record/run-db.h"
#include "sim/view.h"
#include "store/part-file.h"

#define COMMIT_ROWS 65536

enum {
  INS_EVENT_BLOCK,
  INS_CHANGE_BLOCK,
  INS_SNAPSHOT,
  INS_SNAPSHOT_REGISTER,
  INS_META,
  N_STMTS
};

static const char *const stmt_sql[N_STMTS] = {
  "INSERT INTO event_blocks VALUES (?1, ?2, ?3, ?4, ?5)",
  "INSERT INTO change_blocks VALUES (?1, ?2, ?3, ?4, ?5)",
  "INSERT INTO snapshots VALUES (?1, ?2, ?3, ?4)",
  "INSERT INTO snapshot_registers VALUES (?1, ?2, ?3, ?4)",
  "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
};

/* A block being filled (run-db-blocks.c): its rows and their span. */
typedef struct {
  GByteArray *data;
  guint n;
  gint64 first_key;
  gint64 first_time_us;
  gint64 last_time_us;
} Block;

struct _MmrRecorder {
  MmrWorld *world;
  char *path;
  char *part;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  guint observer;
  guint change_observer;
  GError *error;              /* the first failure; recording stopped */
  GByteArray *buf;
  GByteArray *scratch[3];     /* an event's versions, kept, superseded */
  Block events;               /* the block being filled */
  Block changes;
  MmrRunDbCursor cursor;      /* where the event block's next event starts */
  guint64 last_change_seq;
  guint snapshot_changes;
  guint64 n_events;
  guint64 n_changes;
  guint64 n_snapshots;
  guint64 changes_since_snapshot;
  guint rows_in_transaction;
};

/* Runs a bound statement, resets it; records the first failure. Bindings
 * stay: every statement binds all its parameters each time (NULL
 * explicitly), which is cheaper than clearing them. */
static gboolean
run (MmrRecorder *rec, sqlite3_stmt *stmt, const char *doing)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rec->error == NULL)
    mmr_storage_set_error (&rec->error, rec->db, rc, rec->part, doing);
  return rc == SQLITE_DONE;
}

static gboolean
exec (MmrRecorder *rec, const char *sql)
{
  if (rec->error != NULL)
    return FALSE;
  return mmr_storage_exec (rec->db, rec->part, sql, &rec->error);
}

static void
count_row (MmrRecorder *rec)
{
  if (++rec->rows_in_transaction < COMMIT_ROWS)
    return;
  rec->rows_in_transaction = 0;
  exec (rec, "COMMIT; BEGIN");
}

static gboolean
set_meta (MmrRecorder *rec, const char *key, const char *value)
{
  sqlite3_stmt *st = rec->stmts[INS_META];

  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, value, -1, SQLITE_TRANSIENT);
  return run (rec, st, "writing the run's settings");
}

/* Writes the block as one row and empties it. */
static void
flush_block (MmrRecorder *rec, Block *b, int stmt, const char *doing)
{
  sqlite3_stmt *st = rec->stmts[stmt];

  if (b->n == 0 || rec->error != NULL)
    return;
  sqlite3_bind_int64 (st, 1, b->first_key);
  sqlite3_bind_int64 (st, 2, b->n);
  sqlite3_bind_int64 (st, 3, b->first_time_us);
  sqlite3_bind_int64 (st, 4, b->last_time_us);
  sqlite3_bind_blob (st, 5, b->data->data, (int) b->data->len,
                     SQLITE_STATIC);
  run (rec, st, doing);
  count_row (rec);
  b->n = 0;
  g_byte_array_set_size (b->data, 0);
}

/* The time the next row is relative to (run-db-blocks.c: the first row
 * of a block to 0), after starting the block at @key if it is empty. */
static gint64
block_prev_time (Block *b, gint64 key, gint64 time_us)
{
  gint64 prev = b->n > 0 ? b->last_time_us : 0;

  if (b->n == 0)
    {
      b->first_key = key;
      b->first_time_us = time_us;
    }
  b->last_time_us = time_us;
  b->n++;
  return prev;
}

/* DOC: recorder-event */
static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  MmrRecorder *rec = user_data;
  Block *b = &rec->events;

  if (rec->error != NULL)
    return;
  if (b->n == 0)
    memset (&rec->cursor, 0, sizeof rec->cursor);
  block_prev_time (b, (gint64) ev->seq, ev->time_us);
  mmr_run_db_put_event (b->data, ev, &rec->cursor, rec->scratch);
  rec->n_events++;
  if (b->n == MMR_RUN_DB_BLOCK_ROWS)
    flush_block (rec, b, INS_EVENT_BLOCK, "recording events");
}

static int
by_register_then_name (gconstpointer a, gconstpointer b)
{
  const MmrViewEntry *x = *(const MmrViewEntry *const *) a;
  const MmrViewEntry *y = *(const MmrViewEntry *const *) b;
  int c = strcmp (x->register_name, y->register_name);

  return c != 0 ? c : strcmp (x->name, y->name);
}

static void
snapshot_replica (MmrRecorder *rec, guint replica)
{
  g_autoptr (GPtrArray) view = mmr_view_dup (rec->world, replica, TRUE);
  sqlite3_stmt *st = rec->stmts[INS_SNAPSHOT_REGISTER];

  g_ptr_array_sort (view, by_register_then_name);
  for (guint i = 0, n; i < view->len; i += n)
    {
      const MmrViewEntry *first = view->pdata[i];

      for (n = 1; i + n < view->len; n++)
        if (strcmp (((MmrViewEntry *) view->pdata[i + n])->register_name,
                    first->register_name) != 0)
          break;
      g_byte_array_set_size (rec->buf, 0);
      mmr_run_db_encode_entries (rec->buf, view, i, n);
      sqlite3_bind_int64 (st, 1, (gint64) rec->n_snapshots + 1);
      sqlite3_bind_int (st, 2, (int) replica);
      sqlite3_bind_text (st, 3, first->register_name, -1, SQLITE_STATIC);
      sqlite3_bind_blob (st, 4, rec->buf->data, (int) rec->buf->len,
                         SQLITE_STATIC);
      run (rec, st, "recording a snapshot");
      count_row (rec);
    }
}

/* DOC: recorder-snapshot */
static void
take_snapshot (MmrRecorder *rec)
{
  sqlite3_stmt *st = rec->stmts[INS_SNAPSHOT];

  for (guint r = 0; r < mmr_world_n_replicas (rec->world); r++)
    snapshot_replica (rec, r);
  sqlite3_bind_int64 (st, 1, (gint64) rec->n_snapshots + 1);
  sqlite3_bind_int64 (st, 2, (gint64) mmr_world_n_events (rec->world));
  sqlite3_bind_int64 (st, 3, mmr_world_now (rec->world));
  sqlite3_bind_int64 (st, 4, (gint64) rec->n_changes);
  run (rec, st, "recording a snapshot");
  count_row (rec);
  rec->n_snapshots++;
  rec->changes_since_snapshot = 0;
}

static guint64
n_registers (MmrWorld *w)
{
  guint64 n = 0;

  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    n += mmr_store_size (mmr_world_get_store (w, r));
  return n;
}

/* DOC: recorder-change */
static void
on_change (MmrWorld *w, guint replica, const char *register_name,
           gpointer user_data)
{
  MmrRecorder *rec = user_data;
  Block *b = &rec->changes;
  g_autoptr (GPtrArray) entries = NULL;
  guint64 seq = mmr_world_n_events (w);
  gint64 prev;

  if (rec->error != NULL)
    return;
  entries = mmr_view_dup_register (w, replica, register_name, TRUE);
  g_byte_array_set_size (rec->buf, 0);
  mmr_run_db_encode_entries (rec->buf, entries, 0, entries->len);
  if (b->n == 0)
    rec->last_change_seq = 0;
  prev = block_prev_time (b, (gint64) rec->n_changes + 1, mmr_world_now (w));
  mmr_run_db_put_change (b->data, seq - rec->last_change_seq,
                         mmr_world_now (w) - prev, replica, register_name,
                         rec->buf->data, rec->buf->len);
  rec->last_change_seq = seq;
  rec->n_changes++;
  if (b->n == MMR_RUN_DB_BLOCK_ROWS)
    flush_block (rec, b, INS_CHANGE_BLOCK, "recording changes");
  if (++rec->changes_since_snapshot >= rec->snapshot_changes
      && rec->changes_since_snapshot >= n_registers (w))
    take_snapshot (rec);
}

static gboolean
write_header (MmrRecorder *rec, const MmrRecorderInfo *info)
{
  static const char *const granularity[] = { "record", "field" };
  const MmrWorldConfig *cfg = mmr_world_get_config (rec->world);
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, info->seed);
  g_autofree char *kinds = mmr_run_db_dup_kind_names ();
  g_autofree char *rules = mmr_run_db_dup_rule_names ();
  g_autoptr (GError) e = NULL;
  sqlite3_stmt *st = mmr_storage_prepare (
      rec->db, rec->part, "INSERT INTO replicas VALUES (?1, ?2)", &e);

  if (st == NULL)
    {
      rec->error = g_steal_pointer (&e);
      return FALSE;
    }
  for (guint r = 0; r < mmr_world_n_replicas (rec->world); r++)
    {
      sqlite3_bind_int (st, 1, (int) r);
      sqlite3_bind_text (st, 2, mmr_world_replica_name (rec->world, r), -1,
                         SQLITE_STATIC);
      run (rec, st, "writing the replicas");
    }
  sqlite3_finalize (st);
  set_meta (rec, "scenario", info->scenario != NULL ? info->scenario : "");
  set_meta (rec, "source", info->source != NULL ? info->source : "");
  set_meta (rec, "seed", seed);
  set_meta (rec, "granularity", granularity[cfg->granularity]);
  set_meta (rec, "complete", "0");
  set_meta (rec, "kinds", kinds);
  set_meta (rec, "rules", rules);
  return rec->error == NULL;
}

static gboolean
setup (MmrRecorder *rec, const MmrRecorderInfo *info)
{
  if (!exec (rec, "PRAGMA journal_mode = OFF;"
                  "PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;"
                  "PRAGMA cache_size = -65536; BEGIN")
      || !exec (rec, mmr_run_db_schema_sql)
      || !mmr_storage_stamp (rec->db, rec->part, &mmr_run_db_format,
                             &rec->error))
    return FALSE;
  for (guint i = 0; i < N_STMTS; i++)
    if ((rec->stmts[i] = mmr_storage_prepare (rec->db, rec->part,
                                              stmt_sql[i],
                                              &rec->error)) == NULL)
      return FALSE;
  return write_header (rec, info);
}

static void
close_db (MmrRecorder *rec)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&rec->stmts[i], sqlite3_finalize);
  g_clear_pointer (&rec->db, sqlite3_close);
}

static void
stop_observing (MmrRecorder *rec)
{
  if (rec->observer != 0)
    mmr_world_remove_observer (rec->world, rec->observer);
  if (rec->change_observer != 0)
    mmr_world_remove_change_observer (rec->world, rec->change_observer);
  rec->observer = rec->change_observer = 0;
}

MmrRecorder *
mmr_recorder_new (MmrWorld *world, const char *path,
                  const MmrRecorderInfo *info, GError **error)
{
  MmrRecorder *rec;

  g_return_val_if_fail (world != NULL && path != NULL && info != NULL, NULL);
  rec = g_new0 (MmrRecorder, 1);
  rec->world = world;
  rec->path = g_strdup (path);
  rec->part = g_strconcat (path, ".part", NULL);
  rec->buf = g_byte_array_new ();
  for (guint i = 0; i < 3; i++)
    rec->scratch[i] = g_byte_array_new ();
  rec->events.data = g_byte_array_new ();
  rec->changes.data = g_byte_array_new ();
  rec->snapshot_changes = info->snapshot_changes > 0
                          ? info->snapshot_changes
                          : MMR_RECORDER_DEFAULT_SNAPSHOT_CHANGES;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot write: it is a directory", path);
      mmr_recorder_free (rec);
      return NULL;
    }
  /* The caller checked with store/output-guard.h that @path and its .part
   * may be replaced; a .part is tracked so that SIGINT/SIGTERM removes
   * it (store/part-file.h). */
  mmr_part_file_track (rec->part);
  g_unlink (rec->part);
  rec->db = mmr_storage_open (rec->part, &mmr_run_db_format,
                              MMR_STORAGE_OPEN_FRESH, NULL, &rec->error);
  if (rec->db == NULL || !setup (rec, info))
    {
      g_propagate_error (error, g_steal_pointer (&rec->error));
      mmr_recorder_free (rec);
      return NULL;
    }
  rec->observer = mmr_world_add_observer (world, on_event, rec);
  rec->change_observer = mmr_world_add_change_observer (world, on_change,
                                                        rec);
  return rec;
}

static gboolean
sync_file (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY, 0);
  int rc = fd >= 0 ? fsync (fd) : -1;
  int e = errno;

  if (fd >= 0)
    close (fd);
  if (rc != 0)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot write: %s", path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_trailer (MmrRecorder *rec)
{
  g_autofree char *end = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          mmr_world_now (rec->world));
  g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                        rec->n_events);

  flush_block (rec, &rec->events, INS_EVENT_BLOCK, "recording events");
  flush_block (rec, &rec->changes, INS_CHANGE_BLOCK, "recording changes");
  if (rec->changes_since_snapshot > 0 || rec->n_snapshots == 0)
    take_snapshot (rec);
  set_meta (rec, "end_us", end);
  set_meta (rec, "n_events", n);
  set_meta (rec, "complete", "1");
  return exec (rec, "COMMIT")
         && exec (rec, "PRAGMA journal_mode = DELETE");
}

/* DOC: recorder-finish */
gboolean
mmr_recorder_finish (MmrRecorder *rec, GError **error)
{
  int rc;

  g_return_val_if_fail (rec->db != NULL, FALSE);
  stop_observing (rec);
  if (rec->error == NULL)
    write_trailer (rec);
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&rec->stmts[i], sqlite3_finalize);
  rc = sqlite3_close (rec->db);
  if (rc != SQLITE_OK && rec->error == NULL)
    mmr_storage_set_error (&rec->error, rec->db, rc, rec->part, "closing");
  rec->db = NULL;
  if (rec->error == NULL && sync_file (rec->part, &rec->error)
      && g_rename (rec->part, rec->path) != 0)
    {
      int e = errno;

      g_set_error (&rec->error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot write: %s", rec->path, g_strerror (e));
    }
  if (rec->error != NULL)
    g_unlink (rec->part);
  mmr_part_file_untrack (rec->part);
  if (rec->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&rec->error));
      return FALSE;
    }
  return TRUE;
}

void
mmr_recorder_free (MmrRecorder *rec)
{
  if (rec == NULL)
    return;
  stop_observing (rec);
  if (rec->db != NULL)
    {
      close_db (rec);
      g_unlink (rec->part);
      mmr_part_file_untrack (rec->part);
    }
  g_clear_error (&rec->error);
  g_byte_array_unref (rec->buf);
  for (guint i = 0; i < 3; i++)
    g_byte_array_unref (rec->scratch[i]);
  g_byte_array_unref (rec->events.data);
  g_byte_array_unref (rec->changes.data);
  g_free (rec->path);
  g_free (rec->part);
  g_free (rec);
}

guint64
mmr_recorder_n_events (const MmrRecorder *rec)
{
  return rec->n_events;
}

guint64
mmr_recorder_n_changes (const MmrRecorder *rec)
{
  return rec->n_changes;
}

guint64
mmr_recorder_n_snapshots (const MmrRecorder *rec)
{
  return rec->n_snapshots;
}
